//! The link terms of the filter language (`links:X`, `linked-by:X`, `has:links`,
//! `no:links`, `has:backlinks`, `no:backlinks`) on the fixture deck `tests/fixtures/links`,
//! whose link graph is known (see tests/cli/links.rs):
//!
//! ```text
//! inbox.md                -> rust/atomics, rust/mutex, db/sqlite-wal, rust/memory-ordering,
//!                            db/fts5 ranking (and the broken [[Nowhere]])
//! rust/atomics.md         -> rust/memory-ordering, rust/mutex (and a broken link)
//! rust/memory-ordering.md -> rust/atomics
//! rust/mutex.md           -> rust/atomics
//! db/sqlite-wal.md        -> db/wal (by alias), db/fts5 ranking
//! db/fts5 ranking.md      -> db/sqlite-wal
//! journal/2025-03-02.md   -> 2025/03/02/rust-atomics
//! 2025/03/02/rust-atomics.md, archive/mutex.md, db/wal.md, recipes/bread.md: no links
//! ```

use crate::links::deck;
use crate::util::TestDex;

/// The dex-relative paths `query FILTER...` selects, sorted, and its exit code.
fn selected(dex: &TestDex, args: &[&str]) -> (Vec<String>, i32) {
    let mut all = vec!["query", "--format", "{path}", "--sort", "path"];
    all.extend_from_slice(args);
    let (stdout, stderr, code) = dex.run(&all);
    assert!(code == 0 || code == 1, "{args:?}: {stderr}");
    assert_eq!(stderr, "", "{args:?}");
    (stdout.lines().map(str::to_string).collect(), code)
}

fn paths(dex: &TestDex, args: &[&str]) -> Vec<String> {
    selected(dex, args).0
}

const ALL: [&str; 11] = [
    "2025/03/02/rust-atomics.md",
    "archive/mutex.md",
    "db/fts5 ranking.md",
    "db/sqlite-wal.md",
    "db/wal.md",
    "inbox.md",
    "journal/2025-03-02.md",
    "recipes/bread.md",
    "rust/atomics.md",
    "rust/memory-ordering.md",
    "rust/mutex.md",
];

#[test]
fn links_to_a_card_named_by_path_stem_title_or_alias() {
    let dex = deck();
    let into_atomics = ["inbox.md", "rust/memory-ordering.md", "rust/mutex.md"];
    for name in [
        "links:rust/atomics.md",
        "links:./rust/atomics.md",
        "links:rust/atomics",
        "links:ATOMICS",
        "links:\"Rust Atomics and Locks\"",
        "links:\"rust atomics and locks\"",
    ] {
        assert_eq!(paths(&dex, &[name]), into_atomics, "{name}");
    }
    // By alias (`orderings` is rust/memory-ordering.md's), and a path with a space.
    assert_eq!(paths(&dex, &["links:orderings"]), ["inbox.md", "rust/atomics.md"]);
    assert_eq!(paths(&dex, &["links:\"db/fts5 ranking.md\""]), ["db/sqlite-wal.md", "inbox.md"]);
    // `rust-atomics` is the stem of the bookmark in 2025/, not a title.
    assert_eq!(paths(&dex, &["links:rust-atomics"]), ["journal/2025-03-02.md"]);
}

#[test]
fn a_name_several_cards_answer_to_is_the_one_a_link_would_name() {
    let dex = deck();
    // `mutex` is the stem of rust/mutex.md and of archive/mutex.md: the shorter path wins,
    // as it does for `[[mutex]]` in rust/atomics.md.
    assert_eq!(paths(&dex, &["links:mutex"]), ["inbox.md", "rust/atomics.md"]);
    // The other one is named by its folder, and nothing links to it.
    assert_eq!(selected(&dex, &["links:archive/mutex"]), (vec![], 1));
    // Once rust/mutex.md is gone, `mutex` names archive/mutex.md, for links and filter alike
    // (`[[rust/Mutex]]` in the inbox names a folder that has no mutex now: broken).
    dex.remove("rust/mutex.md");
    assert_eq!(paths(&dex, &["links:mutex"]), ["rust/atomics.md"]);
    assert_eq!(
        paths(&dex, &["linked-by:\"Rust Atomics and Locks\""]),
        ["archive/mutex.md", "rust/memory-ordering.md"]
    );
}

#[test]
fn linked_by_is_the_cards_a_card_links_to() {
    let dex = deck();
    assert_eq!(
        paths(&dex, &["linked-by:inbox"]),
        [
            "db/fts5 ranking.md",
            "db/sqlite-wal.md",
            "rust/atomics.md",
            "rust/memory-ordering.md",
            "rust/mutex.md"
        ]
    );
    assert_eq!(paths(&dex, &["linked-by:\"SQLite WAL mode\""]), ["db/fts5 ranking.md", "db/wal.md"]);
    assert_eq!(paths(&dex, &["linked-by:journal/2025-03-02.md"]), ["2025/03/02/rust-atomics.md"]);
    assert_eq!(selected(&dex, &["linked-by:bread"]), (vec![], 1), "bread links nowhere");
}

#[test]
fn has_and_no_links_and_backlinks() {
    let dex = deck();
    let linking = [
        "db/fts5 ranking.md",
        "db/sqlite-wal.md",
        "inbox.md",
        "journal/2025-03-02.md",
        "rust/atomics.md",
        "rust/memory-ordering.md",
        "rust/mutex.md",
    ];
    let linked = [
        "2025/03/02/rust-atomics.md",
        "db/fts5 ranking.md",
        "db/sqlite-wal.md",
        "db/wal.md",
        "rust/atomics.md",
        "rust/memory-ordering.md",
        "rust/mutex.md",
    ];
    let without = |with: &[&str]| -> Vec<String> {
        ALL.iter().filter(|p| !with.contains(p)).map(|p| p.to_string()).collect()
    };
    assert_eq!(paths(&dex, &["has:links"]), linking);
    assert_eq!(paths(&dex, &["no:links"]), without(&linking));
    assert_eq!(paths(&dex, &["has:backlinks"]), linked);
    // The orphans.
    assert_eq!(
        paths(&dex, &["no:backlinks"]),
        ["archive/mutex.md", "inbox.md", "journal/2025-03-02.md", "recipes/bread.md"]
    );
    assert_eq!(paths(&dex, &["NOT", "has:backlinks"]), paths(&dex, &["no:backlinks"]));
    assert_eq!(paths(&dex, &["-no:links"]), linking);
    // Broken links are no links: a card whose only link is broken links nowhere.
    dex.write("lost.md", "# Lost\nSee [[Nowhere at all]].\n");
    assert!(paths(&dex, &["no:links"]).contains(&"lost.md".to_string()));
    assert!(!paths(&dex, &["has:links"]).contains(&"lost.md".to_string()));
    // A frontmatter field named `links` is not what `has:links` asks about.
    dex.write("field.md", "---\nlinks: [a, b]\n---\n");
    assert!(paths(&dex, &["no:links"]).contains(&"field.md".to_string()));
}

#[test]
fn link_terms_combine_with_fields_text_or_and_not() {
    let dex = deck();
    assert_eq!(paths(&dex, &["links:atomics", "#concurrency"]), ["rust/memory-ordering.md", "rust/mutex.md"]);
    assert_eq!(
        paths(&dex, &["linked-by:inbox", "collection:work"]),
        ["db/fts5 ranking.md", "db/sqlite-wal.md"]
    );
    // Full text: ranked words and a link term.
    assert_eq!(paths(&dex, &["links:atomics", "futex"]), ["rust/mutex.md"]);
    assert_eq!(paths(&dex, &["has:backlinks", "checkpoint"]), ["db/sqlite-wal.md", "db/wal.md"]);
    assert_eq!(
        paths(&dex, &["has:links", "-links:atomics"]),
        ["db/fts5 ranking.md", "db/sqlite-wal.md", "journal/2025-03-02.md", "rust/atomics.md"]
    );
    assert_eq!(
        paths(&dex, &["links:mutex", "OR", "linked-by:\"FTS5 ranking\""]),
        ["db/sqlite-wal.md", "inbox.md", "rust/atomics.md"]
    );
    assert_eq!(paths(&dex, &["(links:wal OR links:\"fts5 ranking\") -dir:db"]), ["inbox.md"]);
    assert_eq!(
        paths(&dex, &["no:backlinks", "AND", "NOT", "(has:links", "OR", "dir:archive)"]),
        ["recipes/bread.md"]
    );
    assert_eq!(
        paths(&dex, &["links:atomics", "linked-by:atomics"]),
        ["rust/memory-ordering.md", "rust/mutex.md"],
        "both ways"
    );
}

#[test]
fn link_terms_in_saved_views() {
    let dex = deck();
    dex.write(
        ".termdex/config.toml",
        "[views.orphans]\nfilter = \"no:backlinks\"\nsort = [\"path\"]\n\n\
         [views.around-atomics]\nfilter = 'links:\"Rust Atomics and Locks\" OR linked-by:atomics'\n",
    );
    assert_eq!(
        paths(&dex, &["--view", "orphans"]),
        ["archive/mutex.md", "inbox.md", "journal/2025-03-02.md", "recipes/bread.md"]
    );
    assert_eq!(paths(&dex, &["--view", "orphans", "has:links"]), ["inbox.md", "journal/2025-03-02.md"]);
    assert_eq!(
        paths(&dex, &["view:around-atomics"]),
        ["inbox.md", "rust/memory-ordering.md", "rust/mutex.md"]
    );
    assert_eq!(
        paths(&dex, &["view:around-atomics", "-view:orphans"]),
        ["rust/memory-ordering.md", "rust/mutex.md"]
    );
    let (stdout, stderr, code) = dex.run(&["views"]);
    assert_eq!((code, stderr.as_str()), (0, ""), "the config's views check: {stdout}");
}

#[test]
fn a_name_no_card_has_matches_no_card_and_an_empty_name_nothing_at_all() {
    let dex = deck();
    // `Nowhere` is what a broken link names: still no card.
    for term in ["links:Nowhere", "links:\"no such card\"", "linked-by:nowhere", "links:\"Lock-free Queue\""]
    {
        assert_eq!(selected(&dex, &[term]), (vec![], 1), "{term}");
        assert_eq!(selected(&dex, &[term, "#rust"]), (vec![], 1), "{term} #rust");
        assert_eq!(paths(&dex, &[term, "OR", "#cooking"]), ["recipes/bread.md"], "{term} OR #cooking");
    }
    // Its negation is every card, as `-status:nosuchvalue` is.
    assert_eq!(paths(&dex, &["-links:\"no such card\""]), ALL);
    // A name with nothing to look up constrains nothing, like `status:""`: alone it is
    // refused (a bulk `set` must not take it for every card), beside other terms left out.
    for empty in ["links:\"\"", "-linked-by:\" \"", "links:/"] {
        let (stdout, stderr, code) = dex.run(&["query", empty]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{empty}");
        assert!(stderr.contains("is empty: no term in it selects anything"), "{empty}: {stderr}");
        let (stdout, stderr, code) = dex.run(&["set", "status=x", "--", empty]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{empty}: {stderr}");
    }
    assert_eq!(paths(&dex, &["links:\"\"", "#cooking"]), ["recipes/bread.md"]);
    // Operators other than `:` are refused where they stand.
    let (_, stderr, code) = dex.run(&["query", "links>atomics"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected `:` after `links`"), "{stderr}");
}
