//! The index follows the files: adds, changes and removals between runs, and a damaged
//! index is rebuilt rather than trusted.

use serde_json::json;

use crate::util::{TestDex, summary};

#[test]
fn add_change_and_delete_between_runs() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\n---\n").write("b.md", "---\ntitle: B\n---\n").write("c.md", "# C\n");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0);
    assert_eq!(summary(&stderr), "termdex: indexed 3 cards in N ms: 3 new, 0 changed, 0 removed, 0 errors");

    let (_, stderr, _) = dex.run(&["index"]);
    assert_eq!(summary(&stderr), "termdex: indexed 3 cards in N ms: 0 new, 0 changed, 0 removed, 0 errors");

    dex.write("a.md", "---\ntitle: A2\n---\n");
    dex.remove("b.md");
    dex.write("d.md", "---\ntitle: [\n---\n");
    let (_, stderr, _) = dex.run(&["index"]);
    assert_eq!(
        summary(&stderr),
        "termdex: indexed 3 cards in N ms: 1 new, 1 changed, 1 removed, 1 error (see `termdex check`)"
    );
    let titles: Vec<_> = dex.cards().iter().map(|c| c["title"].clone()).collect();
    assert_eq!(titles, [json!("A2"), json!("C"), json!("d")]);
}

#[test]
fn a_change_of_the_same_size_is_seen_by_its_mtime() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: aaaa\n---\n");
    assert_eq!(dex.card("a.md")["title"], "aaaa");
    // Same size, new modification time (`write` moves it on).
    dex.write("a.md", "---\ntitle: bbbb\n---\n");
    assert_eq!(dex.card("a.md")["title"], "bbbb");
    let (_, stderr, _) = dex.run(&["index"]);
    assert!(summary(&stderr).contains("0 new, 0 changed"), "query already refreshed: {stderr}");
}

#[test]
fn reading_commands_refresh_first_unless_told_not_to() {
    let dex = TestDex::new();
    dex.write("a.md", "# One\n");
    assert_eq!(dex.card("a.md")["title"], "One");
    dex.write("a.md", "# Two\n");
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "--fields", "title"]);
    assert_eq!(stdout, "a.md\tOne\n");
    let (stdout, _, _) = dex.run(&["query", "--fields", "title"]);
    assert_eq!(stdout, "a.md\tTwo\n");
}

#[test]
fn full_rebuild_gives_the_same_cards() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntags: [x]\n---\n# A\n").write("b/c.md", "+++\nn = 1\n+++\n");
    let before = dex.cards();
    let (_, stderr, code) = dex.run(&["index", "--full"]);
    assert_eq!(code, 0);
    assert_eq!(summary(&stderr), "termdex: indexed 2 cards in N ms: 2 new, 0 changed, 0 removed, 0 errors");
    assert_eq!(dex.cards(), before);
}

fn damage_and_expect_rebuild(damage: impl Fn(&std::path::Path), reason: &str) {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("b.md", "# B\n");
    dex.run(&["index"]);
    let db = dex.path(".termdex/index.db");
    damage(&db);
    let (stdout, stderr, code) = dex.run(&["query", "--fields", "title"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "a.md\tA\nb.md\tB\n");
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "one warning line: {stderr}");
    assert!(warnings[0].starts_with("termdex: warning: index ") && warnings[0].contains(reason), "{stderr}");
    let (_, stderr, _) = dex.run(&["query"]);
    assert_eq!(stderr, "", "rebuilt once, then quiet");
}

#[test]
fn a_garbage_index_is_rebuilt() {
    damage_and_expect_rebuild(
        |db| std::fs::write(db, vec![0x5a; 8192]).expect("write"),
        "is not a database; rebuilding it from the cards",
    );
}

#[test]
fn a_truncated_index_is_rebuilt() {
    damage_and_expect_rebuild(
        |db| {
            let conn = rusqlite::Connection::open(db).expect("open");
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
            drop(conn);
            let _ = std::fs::remove_file(db.with_extension("db-wal"));
            let len = std::fs::metadata(db).expect("meta").len();
            let file = std::fs::OpenOptions::new().write(true).open(db).expect("open");
            file.set_len(len / 3).expect("truncate");
        },
        "rebuil",
    );
}

#[test]
fn an_index_from_a_newer_termdex_is_rebuilt() {
    damage_and_expect_rebuild(
        |db| {
            let conn = rusqlite::Connection::open(db).expect("open");
            conn.pragma_update(None, "user_version", 999).expect("pragma");
        },
        "was written by a newer termdex (schema 999, this one knows 2); rebuilding it from the cards",
    );
}

#[test]
fn a_foreign_sqlite_file_is_rebuilt() {
    damage_and_expect_rebuild(
        |db| {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let conn = rusqlite::Connection::open(db).expect("open");
            conn.execute_batch("CREATE TABLE other (x);").expect("create");
        },
        "is not a termdex index; rebuilding it from the cards",
    );
}

#[test]
fn a_deleted_index_is_rebuilt_silently() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    dex.run(&["index"]);
    std::fs::remove_dir_all(dex.path(".termdex")).expect("rm");
    let (stdout, stderr, code) = dex.run(&["query", "--fields", "title"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("a.md\tA\n", "", 0));
}

#[test]
fn query_on_an_empty_dex_exits_1() {
    let dex = TestDex::new();
    let (stdout, _, code) = dex.run(&["query"]);
    assert_eq!((stdout.as_str(), code), ("", 1));
}

#[test]
fn an_index_from_a_build_with_another_schema_is_rebuilt() {
    damage_and_expect_rebuild(
        |db| {
            let conn = rusqlite::Connection::open(db).expect("open");
            conn.execute("UPDATE termdex_meta SET value = 'other' WHERE key = 'schema'", []).expect("update");
        },
        "was made by a termdex build with another schema; rebuilding it from the cards",
    );
}

#[test]
fn a_query_answers_beside_the_walk_and_again_after_a_change() {
    let dex = TestDex::new();
    // Written long ago: a stamp taken within seconds of a write is re-read (racy).
    dex.write_at("a.md", "# A\n", "2026-01-01T09:00:00Z").write_at("b.md", "# B\n", "2026-01-01T09:00:00Z");
    std::os::unix::fs::symlink(".", dex.path("loop")).expect("symlink");
    let (stdout, stderr, _) = dex.run(&["query", "--fields", "title"]);
    assert_eq!(stdout, "a.md\tA\nb.md\tB\n");
    assert_eq!(stderr.matches("symlink loop skipped").count(), 1, "{stderr}");
    // Nothing changed: answered from the snapshot the walk was compared with, and the
    // walk's warnings still reach the user.
    let (stdout, stderr, _) = dex.run(&["-v", "query", "--fields", "title"]);
    assert_eq!(stdout, "a.md\tA\nb.md\tB\n");
    assert!(stderr.contains("walk (beside the read)"), "{stderr}");
    assert_eq!(stderr.matches("symlink loop skipped").count(), 1, "{stderr}");
    // A change, an addition and a removal: the index is refreshed and read again.
    dex.write("a.md", "# A, edited\n").write("c.md", "# C\n");
    dex.remove("b.md");
    let (stdout, stderr, _) = dex.run(&["-v", "query", "--fields", "title"]);
    assert_eq!(stdout, "a.md\tA, edited\nc.md\tC\n");
    assert!(!stderr.contains("walk (beside the read)"), "{stderr}");
}
