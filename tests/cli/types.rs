//! Field types declared in `.termdex/config.toml`: filters, sorting and `check` honour
//! them (SPEC 2).

use crate::util::TestDex;

const CONFIG: &str = "[fields.status]\ntype = \"enum\"\nvalues = [\"todo\", \"active\", \"blocked\", \"done\"]\n\
[fields.priority]\ntype = \"number\"\n[fields.due]\ntype = \"date\"\n[fields.flag]\ntype = \"bool\"\n\
[fields.note]\ntype = \"text\"\n";

fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", CONFIG)
        .write("a.md", "---\nstatus: todo\npriority: 2\ndue: 2026-12-01\nflag: true\nnote: 7\n---\n")
        .write("b.md", "---\ntitle: B\nStatus: wip\npriority: \"v3\"\ndue: soon\n---\n")
        .write("c.md", "---\npriority: \"3\"\n---\n")
        .write("d.md", "+++\ntitle = \"D\"\n\"Status\" = \"Nope\"\n+++\n")
        .write("e.md", "{\"priority\": \"10\", \"note\": \"10\"}\n")
        .write("f.md", "---\nflag: yes\nnote: 9\nstatus:\n  - done\n  - later\n---\n");
    dex
}

fn paths(dex: &TestDex, args: &[&str]) -> Vec<String> {
    let mut all = vec!["query", "--format", "paths"];
    all.extend(args);
    let (stdout, stderr, code) = dex.run(&all);
    assert!(code == 0 || code == 1, "{args:?}: {stderr}");
    stdout.lines().map(|l| l.trim_end_matches(".md").to_string()).collect()
}

#[test]
fn a_declared_number_counts_only_numeric_text() {
    let dex = deck();
    assert_eq!(paths(&dex, &["priority>2", "--sort", "path"]), ["c", "e"]);
    assert_eq!(paths(&dex, &["priority<1"]), Vec::<String>::new(), "\"v3\" is no number, not 0");
    assert_eq!(paths(&dex, &["priority:3"]), ["c"]);
    assert_eq!(paths(&dex, &["priority:v3"]), ["b"], "still matches as text");
}

#[test]
fn sorting_follows_declared_types() {
    let dex = deck();
    // Numbers (written as numbers or numeric text) first, then other text, then no value.
    assert_eq!(paths(&dex, &["--sort", "priority"]), ["a", "c", "e", "b", "d", "f"]);
    // A declared text sorts as text, however it was written: "10" < "7" < "9".
    assert_eq!(paths(&dex, &["has:note", "--sort", "note"]), ["e", "a", "f"]);
}

#[test]
fn check_reports_values_that_break_a_declaration_at_their_line() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stdout,
        "b.md:3: field `status` is \"wip\", not one of todo, active, blocked, done\n\
         b.md:4: field `priority` is \"v3\", not a number\n\
         b.md:5: field `due` is \"soon\", not a date\n\
         d.md:3: field `status` is \"Nope\", not one of todo, active, blocked, done\n\
         f.md:2: field `flag` is \"yes\", not true or false\n\
         f.md:4: field `status` is \"later\", not one of todo, active, blocked, done\n"
    );
}

#[test]
fn the_built_in_deadline_declaration_is_checked_too() {
    let dex = TestDex::new();
    dex.write("t.md", "---\nwhat: task\ndeadline: next friday\n---\n")
        .write("u.md", "---\ndeadline: 2026-12-01\n---\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("t.md:3: field `deadline` is \"next friday\", not a date\n", 1));
}
