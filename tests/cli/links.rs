//! Links, backlinks and related cards on the fixture deck `tests/fixtures/links`, whose
//! link graph is known: every link form, links in code, an ambiguous stem, aliases,
//! broken links; then cards renamed, removed and added between refreshes.

use std::path::Path;

use serde_json::{Value, json};

use crate::util::TestDex;

/// The fixture deck, copied into a temporary dex.
pub fn deck() -> TestDex {
    let dex = TestDex::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links");
    copy(&dex, &root, &root);
    dex
}

fn copy(dex: &TestDex, root: &Path, dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("fixture folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            copy(dex, root, &path);
        } else {
            let rel = path.strip_prefix(root).expect("inside").to_str().expect("utf-8").to_string();
            dex.write(&rel, std::fs::read(&path).expect("fixture card"));
        }
    }
}

fn ok(dex: &TestDex, args: &[&str]) -> String {
    let (stdout, stderr, code) = dex.run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    assert_eq!(stderr, "", "{args:?}");
    stdout
}

#[test]
fn links_out_of_a_card_in_every_form_are_resolved_and_broken_ones_marked() {
    let dex = deck();
    // Not links: `[[Not A Link]]` in a fence, `[[Also not]]` in a code span.
    assert_eq!(
        ok(&dex, &["links", "inbox.md"]),
        "\t(broken link)\t9\t[[Nowhere]]\n\
         rust/atomics.md\tRust Atomics and Locks\t10\t[[Rust Atomics and Locks]]\n\
         rust/mutex.md\tMutex internals\t10\t[[rust/Mutex]]\n\
         db/sqlite-wal.md\tSQLite WAL mode\t10\t[wal](db/sqlite-wal.md)\n\
         rust/memory-ordering.md\tMemory Ordering\t11\t[[orderings]]\n\
         db/fts5 ranking.md\tFTS5 ranking\t11\t![[FTS5 ranking]]\n"
    );
    // By title with a heading, by stem with a label (the shorter of two `mutex.md`), an
    // image embed left out; a relative path with a %20.
    assert_eq!(
        ok(&dex, &["links", "rust/atomics.md", "--format", "table"]),
        "path                     title            line  link\n\
         rust/memory-ordering.md  Memory Ordering  9     [[Memory Ordering]]\n\
         rust/mutex.md            Mutex internals  10    [[mutex|how a mutex is built]]\n\
         \x20                        (broken link)    14    [[Lock-free Queue#Design]]\n"
    );
    assert_eq!(
        ok(&dex, &["links", "db/sqlite-wal.md", "--format", "{path}:{line}:{kind}:{target}"]),
        "db/wal.md:7:wiki:Write-Ahead Logging\ndb/fts5 ranking.md:7:path:fts5%20ranking.md\n"
    );
}

#[test]
fn links_in_json_and_paths_formats() {
    let dex = deck();
    let out = ok(&dex, &["links", "rust/atomics.md", "--format", "jsonl"]);
    let rows: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let brief: Vec<Value> = rows
        .iter()
        .map(|r| json!([r["path"], r["line"], r["kind"], r["target"], r["label"], r["broken"]]))
        .collect();
    assert_eq!(
        brief,
        [
            json!(["rust/memory-ordering.md", 9, "wiki", "Memory Ordering", null, false]),
            json!(["rust/mutex.md", 10, "wiki", "mutex", "how a mutex is built", false]),
            json!([null, 14, "wiki", "Lock-free Queue#Design", null, true]),
        ]
    );
    assert_eq!(
        rows[0]["fields"]["aliases"],
        json!(["orderings", "Ordering"]),
        "the card as `query` prints it"
    );
    // Only cards have paths: the broken link is left out, so the list feeds other commands.
    assert_eq!(
        ok(&dex, &["links", "rust/atomics.md", "--format", "paths", "-0"]),
        "rust/memory-ordering.md\0rust/mutex.md\0"
    );
}

#[test]
fn a_card_is_named_by_path_from_here_or_by_a_name_as_a_link_writes_it() {
    let dex = deck();
    let by_path = ok(&dex, &["backlinks", "rust/atomics.md"]);
    for name in ["Rust Atomics and Locks", "ATOMICS", "rust/atomics"] {
        assert_eq!(ok(&dex, &["backlinks", name]), by_path, "{name}");
    }
    // Paths are relative to the current directory, as `query` prints them.
    let out = dex
        .cmd_in(&dex.path("rust"))
        .args(["--dex", ".."])
        .args(["links", "atomics.md", "--format", "paths"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "memory-ordering.md\nmutex.md\n");
    let (stdout, stderr, code) = dex.run(&["links", "no such card"]);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert!(stderr.contains("no such card is no card of the dex at"), "{stderr}");
    let (_, stderr, code) = dex.run(&["related", "gone.md"]);
    assert_eq!(code, 2, "a path is not looked up as a name: {stderr}");
    // A card without links is an empty answer, as a query that finds nothing.
    assert_eq!(dex.run(&["links", "recipes/bread.md"]), (String::new(), String::new(), 1));
}

#[test]
fn backlinks_give_the_line_that_links() {
    let dex = deck();
    assert_eq!(
        ok(&dex, &["backlinks", "rust/atomics.md"]),
        "inbox.md\tInbox\t10\tRead [[Rust Atomics and Locks]] again, then [[rust/Mutex]] and [wal](db/sqlite-wal.md).\n\
         rust/memory-ordering.md\tMemory Ordering\t9\tSource: [[atomics]].\n\
         rust/mutex.md\tMutex internals\t9\tBack to [the book](atomics.md).\n"
    );
    // By alias, and by the second of two names (`Write-Ahead Logging`, `WAL`).
    assert_eq!(ok(&dex, &["backlinks", "db/wal.md", "--format", "{path}:{line}"]), "db/sqlite-wal.md:7\n");
    assert_eq!(dex.run(&["backlinks", "recipes/bread.md"]).2, 1);
}

/// Hostile test: the link a parent field makes is on a line of the frontmatter, and its
/// context was the body's first line (its body line is 0, taken as the first).
#[test]
fn a_parent_fields_link_shows_that_field_not_a_line_of_the_body() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: ok\n---\n");
    dex.write("kid.md", "---\ntitle: Kid\nparent: \"[[a]]\"\n---\nfirst body line\n");
    dex.write("twin.md", "---\ntitle: Twin\nparent: \"[[a|The A]]\"\n---\nsee [[a]] here\n");
    assert_eq!(
        ok(&dex, &["backlinks", "a.md"]),
        "kid.md\tKid\t3\tparent: [[a]]\n\
         twin.md\tTwin\t3\tparent: [[a|The A]]\n\
         twin.md\tTwin\t5\tsee [[a]] here\n"
    );
    let json: Value =
        serde_json::from_str(&ok(&dex, &["backlinks", "a.md", "--format", "json"])).expect("json");
    assert_eq!(json[0]["context"], json!("parent: [[a]]"));
    // Links out give the field as written too, its label kept.
    assert_eq!(
        ok(&dex, &["links", "twin.md", "--format", "{line}\t{link}"]),
        "3\tparent: [[a|The A]]\n5\t[[a]]\n"
    );
    // Another parent field, its key in another case, in TOML.
    dex.write(".termdex/config.toml", "[outline]\nparent = \"up\"\n");
    dex.write("kid.md", "+++\ntitle = \"Kid\"\nUp = \"a\"\n+++\nfirst body line\n");
    assert_eq!(
        ok(&dex, &["backlinks", "a.md", "--format", "{path}:{line}: {context}"]),
        "kid.md:3: Up: a\ntwin.md:5: see [[a]] here\n"
    );
}

#[test]
fn related_cards_rank_as_documented_in_docs_related_md() {
    let dex = deck();
    assert_eq!(
        ok(&dex, &["related", "rust/atomics.md", "--format", "table"]),
        "path                        title                    score  reasons\n\
         rust/mutex.md               Mutex internals          5.76   links here, linked from here, 2 shared tags (rust, concurrency), similar text\n\
         rust/memory-ordering.md     Memory Ordering          5.67   links here, linked from here, 2 shared tags (rust, concurrency), similar text\n\
         2025/03/02/rust-atomics.md  Atomics book, chapter 3  4.22   same url, 1 shared tag (rust), same collection, similar text\n\
         inbox.md                    Inbox                    2.63   links here, similar text\n"
    );
    let out = ok(&dex, &["related", "rust/atomics.md", "--format", "json", "--limit", "3"]);
    let rows: Vec<Value> = serde_json::from_str(&out).expect("json");
    let parts: Vec<(Value, Value, Value)> =
        rows.iter().map(|r| (r["path"].clone(), r["score"].clone(), r["parts"].clone())).collect();
    assert_eq!(
        parts,
        [
            (
                json!("rust/mutex.md"),
                json!(5.762),
                json!({"links_here": 2.0, "linked_from_here": 2.0, "tags": 1.0, "text": 0.762})
            ),
            (
                json!("rust/memory-ordering.md"),
                json!(5.672),
                json!({"links_here": 2.0, "linked_from_here": 2.0, "tags": 1.0, "text": 0.672})
            ),
            (
                json!("2025/03/02/rust-atomics.md"),
                json!(4.218),
                json!({"same_url": 3.0, "tags": 0.442, "collection": 0.361, "text": 0.415})
            ),
        ]
    );
    assert_eq!(
        ok(&dex, &["related", "db/sqlite-wal.md"]),
        "db/fts5 ranking.md\tFTS5 ranking\t5.48\tlinks here, linked from here, 1 shared tag (sqlite), same collection, similar text\n\
         db/wal.md\tWrite-ahead logging in general\t4.73\tlinked from here, 1 shared tag (databases), same collection, similar text\n\
         inbox.md\tInbox\t2.44\tlinks here, similar text\n"
    );
    assert_eq!(dex.run(&["related", "recipes/bread.md"]).2, 1, "nothing shares anything with bread");
}

#[test]
fn check_warns_of_broken_links_and_fails_on_them_only_when_strict() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        (stdout.as_str(), code),
        (
            "inbox.md:9: warning: no card named \"Nowhere\"\n\
          rust/atomics.md:14: warning: no card named \"Lock-free Queue\"\n",
            0
        )
    );
    let (stdout, _, code) = dex.run(&["check", "--strict"]);
    assert_eq!(
        (stdout.as_str(), code),
        ("inbox.md:9: no card named \"Nowhere\"\nrust/atomics.md:14: no card named \"Lock-free Queue\"\n", 1)
    );
    // The line counts the frontmatter: a link on the body's first line of a card whose
    // frontmatter takes three lines is on line 4.
    dex.write("fm.md", "---\ntitle: x\n---\nsee [gone](gone.md)\n");
    assert!(dex.run(&["check"]).0.contains("fm.md:4: warning: no card named \"gone.md\"\n"));
}

#[test]
fn renames_removals_and_new_cards_between_refreshes_re_resolve_the_links_naming_them() {
    let dex = deck();
    let paths = |args: &[&str]| dex.run(args).0;
    assert_eq!(
        paths(&["links", "inbox.md", "--format", "{line}:{path}"]).lines().nth(2),
        Some("10:rust/mutex.md")
    );
    // The mutex card moves: `[[rust/Mutex]]` names the folder it left (broken, though
    // `archive/mutex.md` has the stem); `[[mutex|...]]` now finds the archived one.
    std::fs::rename(dex.path("rust/mutex.md"), dex.path("rust/locking.md")).expect("rename");
    assert_eq!(paths(&["links", "inbox.md", "--format", "{line}:{path}"]).lines().nth(2), Some("10:"));
    assert_eq!(
        paths(&["links", "rust/atomics.md", "--format", "{line}:{path}"]),
        "9:rust/memory-ordering.md\n10:archive/mutex.md\n14:\n"
    );
    // The card an alias named is removed; another card takes the alias.
    dex.remove("rust/memory-ordering.md");
    assert_eq!(paths(&["links", "inbox.md", "--format", "{line}:{path}"]).lines().nth(4), Some("11:"));
    dex.write("orders.md", "---\naliases: Orderings\n---\n");
    assert_eq!(
        paths(&["links", "inbox.md", "--format", "{line}:{path}"]).lines().nth(4),
        Some("11:orders.md")
    );
    // A card titled as a broken link names it; a shorter path with the same stem wins.
    dex.write("lists/queue.md", "# Lock-free Queue\n").write("mutex.md", "# Top mutex\n");
    assert_eq!(
        paths(&["links", "rust/atomics.md", "--format", "{line}:{path}"]),
        "9:\n10:mutex.md\n14:lists/queue.md\n"
    );
    assert_eq!(paths(&["backlinks", "lists/queue.md", "--format", "{path}:{line}"]), "rust/atomics.md:14\n");
    // All of it as a full rebuild would leave it.
    let incremental = paths(&["links", "inbox.md"]) + &paths(&["links", "rust/atomics.md"]);
    assert_eq!(dex.run(&["index", "--full"]).2, 0);
    assert_eq!(paths(&["links", "inbox.md"]) + &paths(&["links", "rust/atomics.md"]), incremental);
}

#[test]
fn a_parent_written_plain_names_the_whole_title_and_every_command_agrees() {
    let dex = TestDex::new();
    dex.write("csharp.md", "---\ntitle: \"C# tips\"\n---\n")
        .write("c.md", "---\ntitle: C\n---\n")
        .write("k1.md", "---\nparent: \"C# tips\"\n---\n")
        .write("pc.md", "---\ntitle: \"Pros | Cons\"\n---\n")
        .write("k2.md", "---\nparent: \"Pros | Cons\"\n---\n")
        .write("k3.md", "---\nparent: \"[[c|the C]]\"\n---\n");
    assert_eq!(
        ok(&dex, &["tree", "--format", "paths"]),
        "c.md\nk3.md\ncsharp.md\nk1.md\npc.md\nk2.md\n",
        "k1 under the card titled C# tips, k2 under Pros | Cons"
    );
    assert_eq!(ok(&dex, &["tree", "C# tips", "--format", "paths"]), "csharp.md\nk1.md\n");
    assert_eq!(ok(&dex, &["query", "parent:\"C# tips\"", "--format", "paths"]), "k1.md\n");
    assert_eq!(ok(&dex, &["backlinks", "C# tips", "--format", "paths"]), "k1.md\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0), "no broken parent");
    // A card named as a link writes it, by every command that takes one.
    assert_eq!(ok(&dex, &["backlinks", "[[c]]", "--format", "paths"]), "k3.md\n");
    assert_eq!(ok(&dex, &["links", "[[k3]]", "--format", "paths"]), "c.md\n");
}

#[test]
fn two_links_on_one_line_to_a_card_are_one_backlink() {
    let dex = TestDex::new();
    dex.write("alpha.md", "---\ntitle: Alpha Card\naliases: [first]\n---\n")
        .write("beta.md", "Back to [[Alpha Card]] and [[first]].\nAgain [[alpha]].\n");
    assert_eq!(
        ok(&dex, &["backlinks", "alpha.md"]),
        "beta.md\tbeta\t1\tBack to [[Alpha Card]] and [[first]].\nbeta.md\tbeta\t2\tAgain [[alpha]].\n"
    );
}

#[test]
fn a_link_in_another_unicode_form_or_with_an_escaped_pipe_finds_its_card() {
    let dex = TestDex::new();
    dex.write("Café.md", "# Café\n")
        .write("t3.md", "# T3\n")
        // e + combining acute (NFD), and a link inside a table with its pipe escaped.
        .write("from.md", "See [[Cafe\u{301}]].\n\n| a | [[t3\\|alias]] |\n");
    assert_eq!(ok(&dex, &["links", "from.md", "--format", "paths"]), "Café.md\nt3.md\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0), "no broken link");
}
