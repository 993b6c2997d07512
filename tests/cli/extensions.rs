//! The config's `extensions`: a folder of `.mdx` or `.txt` notes as a dex. The walk,
//! `check`, `new`, `journal` and every write honour it, and changing it reads every card
//! again.

use crate::util::TestDex;

/// A dex whose cards are `.mdx` and `.txt` files, with a `.md` file that is then none.
fn mdx_and_txt() -> TestDex {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", "extensions = [\"mdx\", \".TXT\"]\n")
        .write("a.mdx", "---\ntitle: Alpha\nstatus: todo\n---\nbody\n")
        .write("notes/b.Txt", "---\ntitle: Beta\ntags: [x\n---\n")
        .write("c.md", "---\ntitle: Gamma\nstatus: todo\ntags: [y\n---\n");
    dex
}

#[test]
fn the_walk_lists_the_configured_extensions_only() {
    let dex = mdx_and_txt();
    assert_eq!(dex.paths(), ["a.mdx", "notes/b.Txt"]);
    let (stdout, _, code) = dex.run(&["query", "--format", "paths", "status:todo"]);
    assert_eq!((stdout.as_str(), code), ("a.mdx\n", 0));
}

#[test]
fn check_reports_the_configured_cards_only() {
    let dex = mdx_and_txt();
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "notes/b.Txt:3: invalid YAML: while parsing a flow sequence, expected ',' or ']'\n");
}

#[test]
fn new_cards_get_the_first_extension() {
    let dex = mdx_and_txt();
    let (stdout, stderr, code) = dex.run(&["new", "--no-edit", "--print-path", "Buy milk"]);
    assert_eq!((stdout.as_str(), code), ("2026/11/23/buy-milk.mdx\n", 0), "{stderr}");
    let (stdout, stderr, code) = dex.run(&["journal", "--no-edit", "--print-path"]);
    assert_eq!((stdout.as_str(), code), ("journal/2026-11-23.mdx\n", 0), "{stderr}");
    assert!(dex.paths().contains(&"2026/11/23/buy-milk.mdx".to_string()), "indexed as a card");
    // A pattern naming one of the extensions keeps it.
    dex.write(
        ".termdex/config.toml",
        "extensions = [\"mdx\", \"txt\"]\n[new]\npath = \"inbox/{slug}.txt\"\n",
    );
    let (stdout, stderr, code) = dex.run(&["new", "--no-edit", "--print-path", "Call Ada"]);
    assert_eq!((stdout.as_str(), code), ("inbox/call-ada.txt\n", 0), "{stderr}");
}

#[test]
fn a_pattern_ending_in_another_extension_is_a_config_error() {
    let dex = mdx_and_txt();
    dex.write(".termdex/config.toml", "extensions = [\"mdx\"]\n\n[new]\npath = \"{slug}.md\"\n");
    let (stdout, stderr, code) = dex.run(&["new", "--no-edit", "--print-path", "Nope"]);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert_eq!(
        stderr,
        format!(
            "termdex: error: {}:4: key `new.path`: `{{slug}}.md` ends in .md, but cards are .mdx files (end it in \
             one of those, or leave the extension out to get .mdx)\n",
            dex.path(".termdex/config.toml").display()
        )
    );
    dex.write(".termdex/config.toml", "extensions = []\n");
    let (_, stderr, code) = dex.run(&["query"]);
    assert_eq!(code, 2);
    assert!(
        stderr.ends_with(":1: key `extensions`: no extensions: name at least one, like [\"md\"]\n"),
        "{stderr}"
    );
}

#[test]
fn writes_go_to_configured_cards_only() {
    let dex = mdx_and_txt();
    let (_, stderr, code) = dex.run(&["set", "a.mdx", "status=done"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(dex.read("a.mdx"), b"---\ntitle: Alpha\nstatus: done\n---\nbody\n");
    let before = dex.read("c.md");
    let (_, stderr, code) = dex.run(&["set", "c.md", "status=done"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: c.md is not a card: cards are .mdx or .txt files; it was left as it is\n"
    );
    assert_eq!(dex.read("c.md"), before);
    let (_, stderr, code) = dex.run(&["edit", "c.md"]);
    assert_eq!(code, 2);
    assert_eq!(stderr, "termdex: error: c.md is not a card: cards are .mdx or .txt files\n");
}

/// Changing the extensions makes the next command read every card again, even one whose
/// size and time did not change, and says so once.
#[test]
fn changing_the_extensions_reads_every_card_again() {
    let dex = TestDex::new();
    dex.write_at("c.md", "---\ntitle: Old\n---\n", "2026-01-01T00:00:00Z").write("d.txt", "# Dee\n");
    assert_eq!(dex.paths(), ["c.md"]);
    // Same size, same time: an ordinary refresh cannot see this change.
    dex.write_at("c.md", "---\ntitle: New\n---\n", "2026-01-01T00:00:00Z");
    assert_eq!(dex.card("c.md")["title"], "Old", "the stamp is unchanged, so the card is not read");

    dex.write(".termdex/config.toml", "extensions = [\"md\", \"txt\"]\n");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "{path}\t{title}"]);
    assert_eq!((stdout.as_str(), code), ("c.md\tNew\nd.txt\tDee\n", 0));
    assert_eq!(
        stderr,
        format!(
            "termdex: warning: index {} was built for .md or .markdown files, and the config now says cards are .md \
             or .txt files; every card is read again\n",
            dex.path(".termdex/index.db").display()
        )
    );
    let (_, stderr, _) = dex.run(&["query"]);
    assert_eq!(stderr, "", "said once");
    // And back: the .txt card goes.
    dex.remove(".termdex/config.toml");
    assert_eq!(dex.paths(), ["c.md"]);
}
