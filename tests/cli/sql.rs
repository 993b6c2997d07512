//! `termdex sql`: read-only SQL over the index, the old tdx `md_files` view and functions,
//! output formats, refusals and exit codes.

use serde_json::{Value, json};

use crate::util::TestDex;

/// Three cards: two tasks (one with a list of tags) and a note in a subfolder.
fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: Alpha\nwhat: task\ntags: [rust, cli]\n---\nAlpha body\n")
        .write("notes/b.md", "---\ntitle: Beta\nwhat: note\n---\nBeta\tbody\nsecond line\n")
        .write("c.md", "---\ntitle: Gamma\nwhat: task\nstatus: done\n---\n");
    dex
}

#[test]
fn a_select_prints_a_header_and_tab_separated_rows() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&[
        "sql",
        "SELECT path, title, md_front_matter(path, 'what') AS what, NULL AS empty FROM cards ORDER BY path",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "path\ttitle\twhat\tempty\n\
         a.md\tAlpha\ttask\t\n\
         c.md\tGamma\ttask\t\n\
         notes/b.md\tBeta\tnote\t\n"
    );
}

#[test]
fn tabs_and_line_breaks_inside_values_become_spaces() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&["sql", "SELECT md_contents('notes/b.md') AS body, 1.0 AS one"]);
    assert_eq!((stdout.as_str(), code), ("body\tone\nBeta body second line \t1.0\n", 0));
}

#[test]
fn json_and_jsonl_keep_sqlite_types() {
    let dex = deck();
    let sql = "SELECT path, 1 AS one, 2.5 AS half, NULL AS empty, x'00ff' AS bytes FROM cards \
               WHERE path IN ('a.md', 'c.md') ORDER BY path";
    let (stdout, stderr, code) = dex.run(&["sql", "--format", "json", sql]);
    assert_eq!(code, 0, "{stderr}");
    let rows: Value = serde_json::from_str(&stdout).expect("a JSON array");
    let row = |path: &str| json!({"path": path, "one": 1, "half": 2.5, "empty": null, "bytes": "00ff"});
    assert_eq!(rows, json!([row("a.md"), row("c.md")]));

    let (stdout, _, code) = dex.run(&["sql", "--format", "jsonl", sql]);
    assert_eq!(code, 0);
    let lines: Vec<Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON object per line")).collect();
    assert_eq!(lines, vec![row("a.md"), row("c.md")]);
}

/// Hostile test: JSON objects kept the last of two columns named alike
/// (`SELECT 1 AS a, 2 AS a` printed `{"a":2}`; a join lost one `path`).
#[test]
fn columns_named_alike_keep_every_value_under_keys_made_unique() {
    let dex = deck();
    let sql = "SELECT 1 AS a, 2 AS a, 3 AS 'a:2', 4 AS a";
    let (stdout, stderr, code) = dex.run(&["sql", "--format", "json", sql]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("[\n  {\"a\":1,\"a:3\":2,\"a:2\":3,\"a:4\":4}\n]\n", "", 0)
    );
    let join = "SELECT x.path, y.path FROM cards x JOIN cards y ON y.path > x.path ORDER BY 1, 2";
    let (stdout, _, code) = dex.run(&["sql", "--format", "jsonl", join]);
    assert_eq!(
        (stdout.as_str(), code),
        (
            "{\"path\":\"a.md\",\"path:2\":\"c.md\"}\n\
             {\"path\":\"a.md\",\"path:2\":\"notes/b.md\"}\n\
             {\"path\":\"c.md\",\"path:2\":\"notes/b.md\"}\n",
            0
        )
    );
    // The TSV header keeps the names as the statement gives them.
    assert_eq!(dex.run(&["sql", sql]).0, "a\ta\ta:2\ta\n1\t2\t3\t4\n");
}

/// Hostile test: an error after some rows left the JSON array open.
#[test]
fn an_error_after_some_rows_closes_the_json_array_and_says_the_rows_are_incomplete() {
    let dex = deck();
    let sql =
        "SELECT path, json(CASE WHEN path = 'c.md' THEN '{bad' ELSE '1' END) AS j FROM cards ORDER BY path";
    let (stdout, stderr, code) = dex.run(&["sql", "--format", "json", sql]);
    assert_eq!((stdout.as_str(), code), ("[\n  {\"path\":\"a.md\",\"j\":\"1\"}\n]\n", 2));
    assert_eq!(
        stderr,
        "termdex: error: SQL error: malformed JSON (after 1 row: the rows printed are incomplete)\n"
    );
    let (stdout, stderr, code) = dex.run(&["sql", "--format", "jsonl", sql]);
    assert_eq!((stdout.as_str(), code), ("{\"path\":\"a.md\",\"j\":\"1\"}\n", 2));
    assert!(stderr.ends_with("(after 1 row: the rows printed are incomplete)\n"), "{stderr}");
    // An error before any row prints nothing, not even the brackets.
    let first = "SELECT json('{bad') FROM cards";
    let (stdout, stderr, code) = dex.run(&["sql", "--format", "json", first]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("", "termdex: error: SQL error: malformed JSON\n", 2)
    );
}

#[test]
fn an_old_tdx_query_runs_unchanged() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&[
        "sql",
        "SELECT basename, md_front_matter(path, 'title') FROM md_files \
         WHERE md_front_matter(path, 'what') = 'task' ORDER BY basename",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "basename\tmd_front_matter(path, 'title')\na.md\tAlpha\nc.md\tGamma\n");
}

#[test]
fn md_files_paths_are_absolute_and_times_are_the_modification_time() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&[
        "sql",
        "SELECT m.path, m.size_bytes = c.size, m.mtime_s = c.mtime_ns / 1000000000, \
         m.ctime_s = m.mtime_s AND m.atime_s = m.mtime_s \
         FROM md_files m JOIN cards c ON m.basename = 'b.md' AND c.path = 'notes/b.md'",
    ]);
    assert_eq!(code, 0);
    let row = stdout.lines().nth(1).expect("one row");
    assert_eq!(row, format!("{}/notes/b.md\t1\t1\t1", dex.root().display()));
}

#[test]
fn lists_render_as_bracketed_items_and_missing_keys_as_null() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&[
        "sql",
        "SELECT md_front_matter(path, 'tags'), md_front_matter(path, 'nope') IS NULL FROM md_files \
         WHERE basename = 'a.md'",
    ]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().nth(1), Some("[ rust, cli ]\t1"));
}

#[test]
fn md_contents_is_the_body_after_the_frontmatter() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&[
        "sql",
        "--format",
        "jsonl",
        "SELECT md_contents(path) AS body FROM md_files WHERE basename = 'a.md'",
    ]);
    assert_eq!((stdout.as_str(), code), ("{\"body\":\"Alpha body\\n\"}\n", 0));
}

#[test]
fn writes_are_refused_with_exit_2_and_the_index_stays_intact() {
    let dex = deck();
    for (sql, named) in [
        (
            "INSERT INTO cards (path, title, mtime_ns, size, created) VALUES ('x.md', 'x', 0, 0, '')",
            "INSERT into cards",
        ),
        ("DELETE FROM cards", "DELETE from cards"),
        ("DROP TABLE cards", "DROP TABLE cards"),
        ("UPDATE cards SET title = 'gone'", "UPDATE of cards"),
        ("CREATE TABLE t (x)", "CREATE TABLE t"),
        ("ATTACH 'other.db' AS other", "ATTACH other.db"),
        ("PRAGMA user_version = 99", "PRAGMA user_version = 99"),
        ("VACUUM INTO 'copy.db'", "VACUUM INTO"),
    ] {
        let (stdout, stderr, code) = dex.run(&["sql", sql]);
        assert_eq!(code, 2, "{sql}: {stderr}");
        assert_eq!(stdout, "", "{sql}");
        assert!(stderr.contains(&format!("refused `{named}`")), "{sql}: {stderr}");
        assert!(stderr.contains("read"), "{sql}: the reason is missing: {stderr}");
    }
    assert!(!dex.path("copy.db").exists() && !dex.path("other.db").exists());
    let (stdout, stderr, code) = dex.run(&["query", "--no-refresh", "what:task", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("a.md\nc.md\n", 0), "{stderr}");
    let (stdout, _, code) = dex.run(&["sql", "--no-refresh", "PRAGMA user_version"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("user_version\n{}\n", termdex::index::SCHEMA_VERSION), "unchanged");
}

#[test]
fn a_syntax_error_shows_sqlites_message_with_exit_2() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&["sql", "SELEC path FROM cards"]);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert!(stderr.contains("near \"SELEC\": syntax error"), "{stderr}");
}

#[test]
fn no_rows_exits_1_with_nothing_printed() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&["sql", "SELECT path FROM cards WHERE title = 'nope'"]);
    assert_eq!((stdout.as_str(), code), ("", 1));
    let (stdout, _, code) = dex.run(&["sql", "--format", "json", "SELECT path FROM cards WHERE 0"]);
    assert_eq!((stdout.as_str(), code), ("[]\n", 1));
}

#[test]
fn the_index_is_refreshed_first_unless_told_not_to() {
    let dex = deck();
    dex.run(&["index"]);
    dex.write("d.md", "---\ntitle: Delta\n---\n");
    let count = "SELECT count(*) AS n FROM md_files";
    assert_eq!(dex.run(&["sql", "--no-refresh", count]).0, "n\n3\n");
    assert_eq!(dex.run(&["sql", count]).0, "n\n4\n");
}

/// `md_front_matter` answers as the original extension did for empty values, lists and
/// missing keys, byte for byte against its recorded answers.
#[test]
fn md_front_matter_answers_as_the_original_did() {
    let dex = TestDex::new();
    let root = env!("CARGO_MANIFEST_DIR");
    let card = std::fs::read_to_string(format!("{root}/tests/fixtures/tdx-front-matter.md")).expect("card");
    let recorded =
        std::fs::read_to_string(format!("{root}/tests/fixtures/tdx-front-matter.tsv")).expect("tsv");
    dex.write("every.md", &card);
    let expected: Vec<(&str, &str)> =
        recorded.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('\t')).collect();
    assert_eq!(expected.len(), 15);
    for (key, answer) in expected {
        let sql = format!("SELECT quote(md_front_matter(path, '{key}')) FROM md_files");
        let (stdout, stderr, code) = dex.run(&["sql", "--format", "tsv", &sql]);
        assert_eq!(code, 0, "{key}: {stderr}");
        assert_eq!(stdout.lines().nth(1), Some(answer), "{key}");
    }
}
