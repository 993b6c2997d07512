//! `termdex set`: only the changed key's lines change, in every format, atomically.

use crate::util::TestDex;

fn set(dex: &TestDex, args: &[&str]) -> (String, String, i32) {
    let mut all = vec!["set"];
    all.extend(args);
    dex.run(&all)
}

fn text(dex: &TestDex, rel: &str) -> String {
    String::from_utf8(dex.read(rel)).expect("UTF-8")
}

#[test]
fn yaml_keeps_comments_order_quoting_and_body_bytes() {
    let dex = TestDex::new();
    let before = "---\n# a comment\ntitle: 'Quoted title'   # trailing\nstatus: todo\ntags:\n  - a\n  - b\nlast: \"x\"\n---\nBody: keep   me\n\n";
    dex.write("a.md", before);
    let (_, stderr, code) = set(&dex, &["a.md", "status=done"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(text(&dex, "a.md"), before.replace("status: todo", "status: done"));
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "status:done", "--format", "paths"]);
    assert_eq!(stdout, "a.md\n", "the index was updated");
}

#[test]
fn lists_missing_keys_and_unset() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: T\ntags:\n  - a\n  - b\nstatus: todo\n---\nbody\n");
    set(&dex, &["a.md", "tags=[x, y z]", "priority=2"]);
    assert_eq!(text(&dex, "a.md"), "---\ntitle: T\ntags: [x, y z]\nstatus: todo\npriority: 2\n---\nbody\n");
    set(&dex, &["a.md", "--unset", "status"]);
    assert_eq!(text(&dex, "a.md"), "---\ntitle: T\ntags: [x, y z]\npriority: 2\n---\nbody\n");
    assert_eq!(
        dex.card("a.md")["fields"],
        serde_json::json!({"title": "T", "tags": ["x", "y z"], "priority": 2})
    );
}

#[test]
fn crlf_bom_toml_and_json_cards() {
    let dex = TestDex::new();
    dex.write("crlf.md", "\u{feff}---\r\ntitle: W\r\nstatus: todo\r\n---\r\nbody\r\n");
    dex.write("t.md", "+++\ntitle = \"T\" # c\nstatus = \"todo\"\n\n[extra]\nx = 1\n+++\nbody\n");
    dex.write("j.md", "---json\n{\n  \"title\": \"J\",\n  \"status\": \"todo\"\n}\n---\nbody\n");
    for card in ["crlf.md", "t.md", "j.md"] {
        let (_, stderr, code) = set(&dex, &[card, "status=done", "owner=Ada Lovelace"]);
        assert_eq!(code, 0, "{card}: {stderr}");
    }
    assert_eq!(
        text(&dex, "crlf.md"),
        "\u{feff}---\r\ntitle: W\r\nstatus: done\r\nowner: Ada Lovelace\r\n---\r\nbody\r\n"
    );
    assert_eq!(
        text(&dex, "t.md"),
        "+++\ntitle = \"T\" # c\nstatus = \"done\"\nowner = \"Ada Lovelace\"\n\n[extra]\nx = 1\n+++\nbody\n"
    );
    assert_eq!(
        text(&dex, "j.md"),
        "---json\n{\n  \"title\": \"J\",\n  \"status\": \"done\",\n  \"owner\": \"Ada Lovelace\"\n}\n---\nbody\n"
    );
}

#[test]
fn a_card_without_frontmatter_gets_one() {
    let dex = TestDex::new();
    dex.write("plain.md", "# Plain\ntext\n");
    set(&dex, &["plain.md", "status=todo"]);
    assert_eq!(text(&dex, "plain.md"), "---\nstatus: todo\n---\n# Plain\ntext\n");
}

#[test]
fn hostile_values_round_trip() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: x\n---\n");
    for value in ["a: b # c", "\"q\" 'q'", "- dash", "yes", "line\\nbreak", "[not, a, list", "{x}", ""] {
        let (_, stderr, code) = set(&dex, &["a.md", &format!("title={value}")]);
        assert_eq!(code, 0, "{value}: {stderr}");
        assert_eq!(dex.card("a.md")["error"], serde_json::json!(null), "{value}: {}", text(&dex, "a.md"));
    }
}

#[test]
fn bulk_form_changes_every_matching_card_and_counts_them() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nwhat: task\nstatus: todo\n---\n")
        .write("b.md", "---\nwhat: task\nstatus: done\n---\n")
        .write("c.md", "---\nwhat: note\n---\n");
    let (stdout, _, code) = set(&dex, &["status=done", "--", "what:task", "-status:done"]);
    assert_eq!((stdout.as_str(), code), ("1 card changed\n", 0));
    let (stdout, _, _) = dex.run(&["query", "status:done", "--format", "paths"]);
    assert_eq!(stdout, "a.md\nb.md\n");
    assert_eq!(text(&dex, "c.md"), "---\nwhat: note\n---\n");
    let (stdout, _, code) = set(&dex, &["status=x", "--", "what:nothing"]);
    assert_eq!((stdout.as_str(), code), ("0 cards changed\n", 1));
}

#[test]
fn malformed_frontmatter_is_refused_and_left_untouched() {
    let dex = TestDex::new();
    let before = "---\ntags: [a\n---\nbody\n";
    dex.write("bad.md", before);
    let (_, stderr, code) = set(&dex, &["bad.md", "status=done"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.md"), "{stderr}");
    assert_eq!(text(&dex, "bad.md"), before);
    let leftovers: Vec<_> =
        std::fs::read_dir(dex.root()).expect("ls").flatten().map(|e| e.file_name()).collect();
    assert!(leftovers.iter().all(|n| !n.to_string_lossy().contains(".tmp")), "{leftovers:?}");
}

#[test]
fn set_refuses_paths_outside_the_dex() {
    let dex = TestDex::new();
    dex.write("a.md", "x");
    let (_, stderr, code) = set(&dex, &["../a.md", "x=1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("outside the dex"), "{stderr}");
}
