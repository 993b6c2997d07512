//! How commands name a selection of cards: `query`, `cat`, `pick` and bulk `set` take the
//! same filter, `--view`, `--sort` and `--no-refresh`, and a card one of them cannot
//! handle makes it exit 2 after doing the others.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use crate::util::{ReadOnly, TestDex, hand_over, permission_runner, run_as, skip_unless_runnable, text_of};

/// Open tasks Alpha and Beta tagged `x`; around them, cards each part of the selection
/// `--view tasks '#x'` leaves out; and, written after the index was refreshed, Zeta, which
/// only a refresh would find (and `--sort -title` would put first).
fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: Alpha\nwhat: task\ntags: [x]\n---\n")
        .write("b.md", "---\ntitle: Beta\nwhat: task\ntags: [x]\n---\n")
        .write("c.md", "---\ntitle: Gamma\nwhat: note\ntags: [x]\n---\n")
        .write("d.md", "---\ntitle: Delta\nwhat: task\nstatus: done\ntags: [x]\n---\n")
        .write("e.md", "---\ntitle: Epsilon\nwhat: task\n---\n");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    dex.write("z.md", "---\ntitle: Zeta\nwhat: task\ntags: [x]\n---\n");
    dex
}

const SELECTION: [&str; 6] = ["--view", "tasks", "--sort", "-title", "--no-refresh", "#x"];

fn with_selection(head: &[&'static str], tail: &[&'static str]) -> Vec<&'static str> {
    head.iter().chain(&SELECTION).chain(tail).copied().collect()
}

#[test]
fn query_and_cat_take_every_selection_flag() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&with_selection(&["query"], &["--format", "paths"]));
    assert_eq!((stdout.as_str(), code), ("b.md\na.md\n", 0), "{stderr}");
    let (stdout, stderr, code) = dex.run(&with_selection(&["cat"], &[]));
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("==> ")).collect();
    assert_eq!((headers, code), (vec!["==> b.md <==", "==> a.md <=="], 0), "{stderr}");
}

#[cfg(feature = "skim")]
#[test]
fn pick_takes_every_selection_flag() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&with_selection(&["pick"], &["--select", ""]));
    assert_eq!((stdout.as_str(), code), ("b.md\na.md\n", 0), "{stderr}");
    let (stdout, stderr, code) = dex.run(&["pick", "--view", "tasks", "#x", "--select", ""]);
    assert_eq!((stdout.as_str(), code), ("a.md\nb.md\nz.md\n", 0), "refreshed: {stderr}");
}

#[cfg(not(feature = "skim"))]
#[test]
fn pick_takes_every_selection_flag_and_says_it_is_not_built_in() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&with_selection(&["pick"], &["--select", ""]));
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert!(stderr.contains("this termdex was built without the picker"), "{stderr}");
}

#[test]
fn bulk_set_takes_every_selection_flag() {
    let dex = deck();
    let args = ["set", "owner=me", "--view", "tasks", "--sort", "-title", "--no-refresh", "--", "#x"];
    let (stdout, stderr, code) = dex.run(&args);
    assert_eq!((stdout.as_str(), code), ("2 cards changed\n", 0), "{stderr}");
    for (card, owned) in [("a.md", true), ("b.md", true), ("c.md", false), ("d.md", false), ("z.md", false)] {
        let text = String::from_utf8(dex.read(card)).expect("utf-8");
        assert_eq!(text.contains("owner: me"), owned, "{card}: {text}");
    }
    // With paths, the selection's options would choose nothing: refused, not ignored.
    let (_, stderr, code) = dex.run(&["set", "a.md", "x=1", "--view", "tasks"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--view, --sort and --no-refresh choose the cards of `-- FILTER`"), "{stderr}");
}

#[test]
fn cat_prints_what_it_can_read_and_exits_2_for_a_card_it_cannot() {
    // Root reads any file: as root, the dex is `nobody`'s, who runs termdex.
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("b.md", "# B\n");
    fs::set_permissions(dex.root(), fs::Permissions::from_mode(0o755)).expect("chmod");
    hand_over(&dex.root(), runner);
    let result = run_as(&dex, runner, &[], &["index"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    assert_eq!(text_of(&result.expect("ran")).2, 0);
    fs::set_permissions(dex.path("b.md"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let (stdout, stderr, code) = text_of(&run_as(&dex, runner, &[], &["cat", "--no-refresh"]).expect("ran"));
    assert_eq!((stdout.as_str(), code), ("==> a.md <==\n# A\n", 2), "{stderr}");
    assert_eq!(
        stderr,
        "termdex: error: cannot read b.md: permission denied (make the file readable to print it); skipped\n"
    );
}

#[test]
fn bulk_set_changes_the_cards_it_can_and_exits_2_for_one_it_cannot() {
    // Root writes into read-only folders: as root, the dex is `nobody`'s, who runs termdex.
    let runner = permission_runner();
    let dex = TestDex::new();
    let card = "---\nwhat: task\n---\n";
    dex.write("a.md", card).write("locked/b.md", card).write("c.md", card);
    fs::set_permissions(dex.root(), fs::Permissions::from_mode(0o755)).expect("chmod");
    hand_over(&dex.root(), runner);
    let result = run_as(&dex, runner, &[], &["index"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let locked = ReadOnly::new(&[dex.path("locked")]);
    let out = run_as(&dex, runner, &[], &["set", "status=done", "--", "what:task"]).expect("ran");
    let (stdout, stderr, code) = text_of(&out);
    drop(locked);
    assert_eq!((stdout.as_str(), code), ("2 cards changed\n", 2), "{stderr}");
    assert!(stderr.contains("locked/b.md") && stderr.contains("cannot write"), "{stderr}");
    assert_eq!(dex.read("locked/b.md"), card.as_bytes());
    for changed in ["a.md", "c.md"] {
        assert_eq!(dex.read(changed), b"---\nwhat: task\nstatus: done\n---\n", "{changed}");
    }
}
