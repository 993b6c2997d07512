//! Several termdex processes on one dex at once: none of them fails, and no "database is
//! locked" reaches the user (SPEC 10).

use std::process::{Child, Output, Stdio};

use crate::util::TestDex;

fn spawn(dex: &TestDex, args: &[&str]) -> Child {
    dex.process().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn termdex")
}

fn assert_fine(args: &[&str], out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "termdex {args:?} failed ({code:?}): {stderr}");
    assert!(!stderr.to_lowercase().contains("locked"), "termdex {args:?}: {stderr}");
}

fn deck(cards: usize) -> TestDex {
    let dex = TestDex::new();
    for i in 0..cards {
        dex.write(
            &format!("d{:02}/c{i:04}.md", i % 50),
            format!("---\ntitle: Card {i}\nwhat: task\ntags: [t{}, all]\n---\nbody of card {i}\n", i % 7),
        );
    }
    dex
}

#[test]
fn queries_during_a_first_build_of_thousands_of_cards_all_succeed() {
    let dex = deck(3000);
    let build = spawn(&dex, &["index"]);
    let readers: Vec<(Vec<&str>, Child)> = (0..6)
        .map(|i| {
            let args = match i % 3 {
                0 => vec!["query", "#all"],
                1 => vec!["query", "--no-refresh", "what:task"],
                _ => vec!["query", "--format", "paths", "body"],
            };
            std::thread::sleep(std::time::Duration::from_millis(40));
            let child = spawn(&dex, &args);
            (args, child)
        })
        .collect();
    let built = build.wait_with_output().expect("index");
    assert_fine(&["index"], &built);
    for (args, child) in readers {
        assert_fine(&args, &child.wait_with_output().expect("query"));
    }
    let (stdout, _, code) = dex.run(&["query", "--format", "paths", "#all"]);
    assert_eq!((stdout.lines().count(), code), (3000, 0));
}

#[test]
fn processes_creating_the_index_at_once_share_one_database() {
    for round in 0..3 {
        let dex = deck(200);
        let children: Vec<Child> =
            (0..6).map(|_| spawn(&dex, &["query", "--format", "paths", "#all"])).collect();
        for child in children {
            let out = child.wait_with_output().expect("query");
            assert_fine(&["query"], &out);
            assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 200, "round {round}");
        }
        let (stdout, stderr, code) = dex.run(&["index"]);
        assert_eq!((stdout.as_str(), code), ("", 0), "{stderr}");
        assert!(stderr.contains("0 new, 0 changed, 0 removed"), "round {round}: {stderr}");
    }
}

#[test]
fn a_wal_left_beside_a_deleted_index_is_not_replayed() {
    let dex = deck(3);
    dex.run(&["index"]);
    std::fs::remove_file(dex.path(".termdex/index.db")).expect("remove the index");
    std::fs::write(dex.path(".termdex/index.db-wal"), b"stale WAL bytes").expect("write a stale WAL");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths", "--sort", "path"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 3);
    assert!(dex.path(".termdex/index.lock").exists(), "creation happened under the lock");
}
