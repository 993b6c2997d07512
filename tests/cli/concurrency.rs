//! Several termdex processes on one dex at once: none of them fails, and no "database is
//! locked" reaches the user (SPEC 10).

use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

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

/// How long the eight processes keep going: long enough for every kind of command to
/// meet every other many times, short enough for the suite.
const STRESS: Duration = Duration::from_secs(4);

/// What worker `worker` runs on its `round`th turn: two query, two create, two change
/// (one card, then a filter's worth) the cards, one indexes and one reads in other ways.
fn stress_command(worker: usize, round: usize) -> Vec<String> {
    match worker {
        0 => vec!["query".into(), "#all".into(), "--format".into(), "paths".into()],
        1 => vec![
            "query".into(),
            "what:task".into(),
            format!("status:s{}", round % 3),
            "--format".into(),
            "jsonl".into(),
        ],
        2 => {
            vec!["new".into(), "--no-edit".into(), "--print-path".into(), format!("note w{worker} n{round}")]
        }
        3 => vec![
            "new".into(),
            "task".into(),
            format!("task w{worker} n{round}"),
            "--no-edit".into(),
            "--print-path".into(),
        ],
        4 => vec![
            "set".into(),
            format!("d{:02}/c{:04}.md", round % 50, round % 300),
            format!("status=s{}", round % 3),
        ],
        5 => vec!["set".into(), format!("status=s{}", round % 3), "--".into(), format!("tag:t{}", round % 7)],
        6 if round % 4 == 3 => vec!["index".into(), "--full".into()],
        6 => vec!["index".into()],
        _ => match round % 4 {
            0 => vec!["fields".into(), "status".into()],
            1 => vec!["query".into(), "--view".into(), "tasks".into()],
            2 => vec!["sql".into(), "SELECT count(*) FROM cards".into()],
            _ => vec!["show".into(), format!("d{:02}/c{:04}.md", round % 50, round % 300)],
        },
    }
}

/// `termdex query --format jsonl` lines, sorted, with the exit code checked.
fn sorted_jsonl(dex: &TestDex, extra: &[&str]) -> Vec<String> {
    let out = dex.process().args(["query", "--format", "jsonl"]).args(extra).output().expect("query");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "query failed: {stderr}");
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
    lines.sort();
    lines
}

#[test]
fn eight_processes_for_seconds_never_fail_and_leave_the_index_a_rebuild_would_make() {
    let dex = deck(300);
    let stop = Instant::now() + STRESS;
    let runs: Vec<(Vec<String>, Output)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|worker| {
                let dex = &dex;
                scope.spawn(move || {
                    let mut runs = Vec::new();
                    // At least one turn each, however slow the machine.
                    for round in 0.. {
                        if round > 0 && Instant::now() >= stop {
                            break;
                        }
                        let args = stress_command(worker, round);
                        let out = dex.process().args(&args).output().expect("run termdex");
                        runs.push((args, out));
                    }
                    runs
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("worker")).collect()
    });
    let mut created = Vec::new();
    for (args, out) in &runs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        // 1 is a query or bulk set that matched nothing (or `fields status` run before any
        // `set` gave a card a status): a fine answer, not a failure.
        let may_find_nothing = matches!(args[0].as_str(), "query" | "set" | "sql" | "fields");
        assert!(
            code == Some(0) || (may_find_nothing && code == Some(1)),
            "termdex {args:?} failed ({code:?}): {stderr}"
        );
        for bad in ["locked", "busy", "error:", "warning:", "panicked"] {
            assert!(!stderr.to_lowercase().contains(bad), "termdex {args:?} said {bad:?}: {stderr}");
        }
        if args[0] == "new" {
            created.push(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
    }

    // As the processes left it: a refresh here would mend what they got wrong.
    let live = sorted_jsonl(&dex, &["--no-refresh"]);
    let live_text = indexed_text(&dex);
    assert_eq!(live.len(), 300 + created.len(), "every created card is indexed once");
    for path in &created {
        assert!(live.iter().any(|l| l.contains(&format!("\"path\":\"{path}\""))), "{path} missing");
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dex.path(&format!(".termdex/index.db{suffix}")));
    }
    let rebuilt = sorted_jsonl(&dex, &[]);
    let only_live: Vec<&String> = live.iter().filter(|l| !rebuilt.contains(l)).collect();
    let only_rebuilt: Vec<&String> = rebuilt.iter().filter(|l| !live.contains(l)).collect();
    assert!(
        only_live.is_empty() && only_rebuilt.is_empty(),
        "the index the processes left differs from a rebuild:\nleft only: {only_live:#?}\nrebuilt only: {only_rebuilt:#?}"
    );
    assert_eq!(live_text, indexed_text(&dex), "the full text the processes left differs from a rebuild");
}

/// Every card's indexed body by path, after checking that the full-text index agrees with
/// the stored text (FTS5's own integrity check, against its content table).
fn indexed_text(dex: &TestDex) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(dex.path(".termdex/index.db")).expect("open the index");
    termdex::index::register_tokenizer(&conn).expect("the full-text tokenizer");
    conn.execute("INSERT INTO cards_fts (cards_fts, rank) VALUES ('integrity-check', 1)", [])
        .expect("the full-text index matches the cards' text");
    conn.prepare("SELECT c.path, t.body FROM cards c JOIN card_text t ON t.id = c.id ORDER BY c.path")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("bodies")
}

/// Writes `text` with exactly the modification time `when`.
fn write_at(dex: &TestDex, rel: &str, text: &str, when: std::time::SystemTime) {
    let path = dex.path(rel);
    std::fs::write(&path, text).expect("write");
    std::fs::File::options().write(true).open(&path).expect("open").set_modified(when).expect("mtime");
}

#[test]
fn a_change_within_the_clock_tick_of_a_refresh_is_not_missed() {
    // Another process saves a card just after a refresh read it, within one tick of a
    // coarse file system clock, at the same length: the stamp (mtime, size) is the same.
    let dex = TestDex::new();
    let tick = std::time::SystemTime::now();
    write_at(&dex, "a.md", "---\nstatus: todo\n---\n", tick);
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    write_at(&dex, "a.md", "---\nstatus: done\n---\n", tick);
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths", "status:done"]);
    assert_eq!((stdout.as_str(), code), ("a.md\n", 0), "{stderr}");
    let (_, stderr, _) = dex.run(&["index"]);
    assert!(stderr.contains("0 new, 0 changed, 0 removed"), "read again, but not counted: {stderr}");
}

#[test]
fn processes_meeting_one_damaged_index_at_once_all_answer_and_leave_it_whole() {
    use std::io::{Seek, SeekFrom, Write};
    let dex = deck(300);
    let expected = sorted_jsonl(&dex, &[]);
    // A malformed page deep in `cards`, which opening does not read and every query does.
    let db = dex.path(".termdex/index.db");
    let conn = rusqlite::Connection::open(&db).expect("open the index");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size");
    let pages: Vec<i64> = conn
        .prepare("SELECT pageno FROM dbstat WHERE name = 'cards' AND pagetype = 'leaf' ORDER BY path")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("dbstat");
    drop(conn);
    let mut file = std::fs::OpenOptions::new().write(true).open(&db).expect("open");
    file.seek(SeekFrom::Start(((pages[pages.len() / 2] - 1) * page_size) as u64)).expect("seek");
    file.write_all(&vec![0xa5; page_size as usize]).expect("garbage");
    drop(file);

    let children: Vec<Child> = (0..6).map(|_| spawn(&dex, &["query", "--format", "jsonl"])).collect();
    for child in children {
        let out = child.wait_with_output().expect("query");
        assert_fine(&["query"], &out);
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
        lines.sort();
        assert_eq!(lines, expected, "every process answers as before the damage");
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Each process that met the damage says so once; one that came later, not at all.
        assert!(stderr.lines().count() <= 1, "{stderr}");
        assert!(
            stderr.is_empty() || stderr.contains("was damaged (database disk image is malformed)"),
            "{stderr}"
        );
    }
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 new, 0 changed, 0 removed"), "the index left is whole: {stderr}");
    assert_eq!(sorted_jsonl(&dex, &["--no-refresh"]), expected);
}
