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
        &format!(
            "was written by a newer termdex (schema 999, this one knows {}); rebuilding it from the cards",
            termdex::index::SCHEMA_VERSION
        ),
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

/// The commands every kind of damage is tried with, and the table (or index) of the
/// index each one reads, where a malformed page is put for it.
const HEALING_COMMANDS: [(&[&str], &str); 6] = [
    (&["query", "--fields", "title,n"], "cards"),
    (&["query", "--format", "paths", "lorem"], "cards_fts_data"),
    (&["index"], "cards_by_stamp"),
    (&["index", "--full"], "card_fields"),
    (&["show", "SHOWN"], "card_text"),
    (&["fields"], "card_fields_by_text"),
];

/// A dex of `cards` cards, long unchanged (so that a refresh reads no card), indexed.
fn old_deck(cards: usize) -> TestDex {
    let dex = TestDex::new();
    for i in 0..cards {
        dex.write_at(
            &format!("c{i:03}.md"),
            format!(
                "---\ntitle: Card {i}\nn: {i}\ntags: [t{}]\n---\nBody {i}: lorem ipsum dolor sit amet.\n",
                i % 5
            ),
            "2026-01-01T09:00:00Z",
        );
    }
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    dex
}

/// The index as a plain SQLite file: its write-ahead log checkpointed into it, so that
/// bytes written over a page are what SQLite reads next.
fn checkpointed(dex: &TestDex) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dex.path(".termdex/index.db")).expect("open the index");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    conn
}

/// Runs `args` on `dex` after `damage`, and checks that it answers as it did before,
/// after exactly one warning (and, for `index`, its summary), that the index it leaves
/// answers as before, and that the next run says nothing about it.
fn heals(dex: &TestDex, args: &[&str], damage: &dyn Fn(&TestDex) -> String, what: &str) {
    let listing = || dex.run(&["query", "--no-refresh", "--format", "jsonl"]);
    let before_listing = listing();
    let (before, _, before_code) = dex.run(args);
    let rule = damage(dex);
    let (stdout, stderr, code) = dex.run(args);
    let case = format!("{what} ({rule}), then termdex {args:?}");
    assert_eq!((stdout.as_str(), code), (before.as_str(), before_code), "{case}: {stderr}");
    let mut lines: Vec<&str> = stderr.lines().collect();
    if args[0] == "index" {
        let summary = format!("termdex: indexed {} cards", before_listing.0.lines().count());
        assert!(lines.pop().is_some_and(|l| l.starts_with(&summary)), "{case}: {stderr}");
    }
    assert_eq!(lines.len(), 1, "{case}: one warning: {stderr}");
    assert!(
        lines[0]
            .starts_with(&format!("termdex: warning: index {} ", dex.path(".termdex/index.db").display()))
            && lines[0].contains("damaged (")
            && lines[0].contains("rebuil"),
        "{case}: {stderr}"
    );
    assert_eq!(listing(), before_listing, "{case}: the index left answers otherwise");
    let (again, stderr, _) = dex.run(args);
    assert_eq!(again, before, "{case}");
    assert!(!stderr.contains("warning"), "{case}: rebuilt once, then quiet: {stderr}");
}

/// The arguments with `SHOWN` replaced by the card to show.
fn with_card<'a>(args: &[&'a str], card: &'a str) -> Vec<&'a str> {
    args.iter().map(|a| if *a == "SHOWN" { card } else { a }).collect()
}

#[test]
fn an_index_missing_part_of_its_schema_heals_itself_for_every_command() {
    let damages: [(&str, &str); 4] = [
        ("a dropped table", "DROP TABLE cards"),
        ("a dropped full-text table", "DROP TABLE cards_fts"),
        ("a dropped index", "DROP INDEX cards_by_stamp"),
        (
            "a table rebuilt without a column",
            "CREATE TABLE cards_new (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
                 fields TEXT NOT NULL DEFAULT '{}', format TEXT, mtime_ns INTEGER NOT NULL,
                 size INTEGER NOT NULL, created TEXT NOT NULL, error TEXT, error_line INTEGER,
                 lossy INTEGER NOT NULL DEFAULT 0) STRICT;
             INSERT INTO cards_new SELECT id, path, title, fields, format, mtime_ns, size, created,
                 error, error_line, lossy FROM cards;
             DROP TABLE cards;
             ALTER TABLE cards_new RENAME TO cards;
             CREATE INDEX cards_by_stamp ON cards (path, mtime_ns, size);
             CREATE INDEX cards_with_error ON cards (path) WHERE error IS NOT NULL;
             CREATE INDEX cards_by_modified ON cards (mtime_ns DESC, path);
             CREATE INDEX cards_by_created  ON cards (created DESC, path);",
        ),
    ];
    for (what, sql) in damages {
        for (args, _) in HEALING_COMMANDS {
            let dex = old_deck(60);
            let damage = |dex: &TestDex| {
                checkpointed(dex).execute_batch(sql).expect(what);
                sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
            };
            heals(&dex, &with_card(args, "c030.md"), &damage, what);
        }
    }
}

/// The pages of `table` that hold rows (leaves), in the order of its keys, with how
/// many rows each holds: from SQLite's `dbstat`.
fn leaves(conn: &rusqlite::Connection, table: &str) -> Vec<(i64, i64)> {
    conn.prepare("SELECT pageno, ncell FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY path")
        .and_then(|mut s| s.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("dbstat")
}

#[test]
fn a_malformed_page_deep_in_the_index_heals_itself_for_every_command() {
    use std::io::{Seek, SeekFrom, Write};
    for (args, table) in HEALING_COMMANDS {
        let dex = old_deck(300);
        // `show` shows the first card whose text lies on the page made garbage.
        let conn = checkpointed(&dex);
        let pages = leaves(&conn, table);
        assert!(pages.len() >= 2, "{table} has a page in the middle: {pages:?}");
        let middle = pages.len() / 2;
        let shown: String = if table == "card_text" {
            // Rows by id, ids from 1 in path order: the first id on the page.
            let first_id = 1 + pages[..middle].iter().map(|(_, cells)| cells).sum::<i64>();
            conn.query_row("SELECT path FROM cards WHERE id = ?1", [first_id], |r| r.get(0))
                .expect("a card on that page")
        } else {
            "c150.md".into()
        };
        drop(conn);
        let damage = |dex: &TestDex| {
            let conn = checkpointed(dex);
            let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size");
            let (page, _) = leaves(&conn, table)[middle];
            drop(conn);
            let mut file =
                std::fs::OpenOptions::new().write(true).open(dex.path(".termdex/index.db")).expect("open");
            file.seek(SeekFrom::Start(((page - 1) * page_size) as u64)).expect("seek");
            file.write_all(&vec![0xa5; page_size as usize]).expect("garbage");
            format!("page {page}, of {table}")
        };
        heals(&dex, &with_card(args, &shown), &damage, "a malformed page");
    }
}

/// Stored fields that are not JSON are damage: whatever shows the card's fields rebuilds
/// the index and shows them, and `check` finds it though it shows none.
#[test]
fn stored_fields_that_do_not_read_are_healed_wherever_fields_are_shown() {
    let dex = TestDex::new();
    // Stamps from the past: the refresh trusts them, so only healing brings the fields back.
    dex.write_at("c1.md", "---\ntitle: One\nstatus: todo\n---\nSee [[c2]].\n", "2026-01-01T00:00:00Z")
        .write_at("c2.md", "---\nstatus: done\n---\n", "2026-01-01T00:00:00Z");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let damage = || {
        let conn = rusqlite::Connection::open(dex.path(".termdex/index.db")).expect("open");
        conn.execute("UPDATE cards SET fields = '{garbage' WHERE path = 'c1.md'", []).expect("damage");
    };
    let warning = format!(
        "termdex: warning: index {} was damaged (the fields stored for c1.md are not a JSON object (key must \
         be a string at line 1 column 2)); rebuilt it from the cards\n",
        dex.path(".termdex/index.db").display()
    );
    for (args, shown) in [
        (
            &["query", "--format", "jsonl", "path:c1.md"][..],
            "\"fields\":{\"title\":\"One\",\"status\":\"todo\"}",
        ),
        (
            &["query", "--format", "json", "--fields", "status"],
            "\"fields\": {\n      \"status\": \"todo\"\n    }",
        ),
        (&["query", "--fields", "status"], "c1.md\tOne\ttodo\n"),
        (&["query", "--format", "table", "--fields", "status"], "c1.md  One    todo"),
        (&["query", "--format", "{path} {status}"], "c1.md todo\n"),
        (&["query", "--sort", "status", "--format", "paths"], "c1.md\nc2.md\n"),
        (&["show", "c1.md"], "status: todo\n"),
        (&["backlinks", "c2.md", "--format", "jsonl"], "\"status\":\"todo\""),
        (&["check"], ""),
    ] {
        damage();
        let (stdout, stderr, code) = dex.run(args);
        assert_eq!((stderr.as_str(), code), (warning.as_str(), 0), "{args:?}: {stdout}");
        assert!(stdout.contains(shown), "{args:?}: {stdout}");
        let (_, stderr, _) = dex.run(args);
        assert_eq!(stderr, "", "{args:?}: healed once, then quiet");
    }
    // Listing paths reads no fields, and costs no look at them.
    damage();
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("c1.md\nc2.md\n", "", 0));
}
