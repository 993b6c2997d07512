//! Output formats of `termdex query` parse as what they claim to be, and pipes behave.

use serde_json::{Value, json};

use crate::util::TestDex;

fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: Alpha\nwhat: task\ntags: [x, y]\nstatus: todo\n---\nbody\n")
        .write("b b.md", "---\ntitle: \"Tab\\there\\nand newline\"\nwhat: note\n---\n")
        .write("c.md", "---\ntitle: \"\\e[31mred\\e[0m\"\nauthor: {name: Ada}\n---\n");
    dex
}

fn stdout(dex: &TestDex, args: &[&str]) -> String {
    let (out, err, code) = dex.run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

#[test]
fn default_lines_are_path_title_and_view_columns() {
    let dex = deck();
    assert_eq!(
        stdout(&dex, &["query"]),
        "a.md\tAlpha\ttask\tx, y\nb b.md\tTab here and newline\tnote\t\nc.md\t\u{fffd}[31mred\u{fffd}[0m\t\t\n"
    );
    assert_eq!(
        stdout(&dex, &["query", "--fields", "status,author.name"]),
        "a.md\tAlpha\ttodo\t\nb b.md\tTab here and newline\t\t\nc.md\t\u{fffd}[31mred\u{fffd}[0m\t\tAda\n"
    );
}

#[test]
fn tsv_has_a_header_and_the_same_number_of_columns_on_every_row() {
    let dex = deck();
    let out = stdout(&dex, &["query", "--format", "tsv", "--fields", "what,tags"]);
    let rows: Vec<Vec<&str>> = out.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0], ["path", "title", "what", "tags"]);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.len() == 4), "{rows:?}");
}

#[test]
fn json_is_one_valid_array_and_jsonl_one_object_per_line() {
    let dex = deck();
    let all: Value = serde_json::from_str(&stdout(&dex, &["query", "--format", "json"])).expect("valid JSON");
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), 3);
    assert_eq!(all[1]["title"], "Tab\there\nand newline", "JSON keeps the exact text");
    assert_eq!(
        all[0]["fields"],
        json!({"title": "Alpha", "what": "task", "tags": ["x", "y"], "status": "todo"})
    );
    let lines = stdout(&dex, &["query", "--format", "jsonl", "--fields", "tags"]);
    let objects: Vec<Value> = lines.lines().map(|l| serde_json::from_str(l).expect("valid line")).collect();
    assert_eq!(objects.len(), 3);
    assert_eq!(objects[0]["fields"], json!({"tags": ["x", "y"]}), "--fields narrows the fields");
    assert_eq!(objects[2]["fields"], json!({"tags": null}));
}

#[test]
fn nul_ends_every_record() {
    let dex = deck();
    let out = stdout(&dex, &["query", "-0", "--format", "paths"]);
    assert_eq!(out, "a.md\0b b.md\0c.md\0");
    let out = stdout(&dex, &["query", "-0"]);
    assert_eq!(out.matches('\0').count(), 3);
    assert!(!out.contains('\n'));
}

#[test]
fn templates_fill_fields_and_escapes() {
    let dex = deck();
    assert_eq!(
        stdout(&dex, &["query", "what:task", "--format", "{path}\\t{title} [{tags}] {{literal}} {missing}"]),
        "a.md\tAlpha [x, y] {literal} \n"
    );
}

#[test]
fn table_aligns_columns_under_a_header() {
    let dex = deck();
    let out = stdout(&dex, &["query", "--format", "table", "--fields", "what"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "path    title                 what");
    assert_eq!(lines[1], "a.md    Alpha                 task");
    assert_eq!(lines[2], "b b.md  Tab here and newline  note");
}

/// Hostile test: columns were padded by characters, so they went out of line after a CJK
/// title (two columns a character) or a combining accent (none).
#[test]
fn table_columns_line_up_after_wide_characters_and_combining_accents() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: 日本語のタイトル\nwhat: task\n---\n")
        .write("b.md", "---\ntitle: Cafe\u{301} au lait\nwhat: note\n---\n")
        .write("c.md", "---\ntitle: plain\nwhat: 한국어\n---\n");
    assert_eq!(
        stdout(&dex, &["query", "--format", "table", "--fields", "what"]),
        "path  title             what\n\
         a.md  日本語のタイトル  task\n\
         b.md  Cafe\u{301} au lait      note\n\
         c.md  plain             한국어\n"
    );
}

#[test]
fn unknown_formats_are_usage_errors() {
    let dex = deck();
    let (_, stderr, code) = dex.run(&["query", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown format `xml`"), "{stderr}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dex = deck();
    assert!(!stdout(&dex, &["query"]).contains('\x1b'), "a pipe gets no colour");
    let coloured = stdout(&dex, &["--color", "always", "query", "what:task"]);
    assert_eq!(
        coloured,
        "\x1b[35ma.md\x1b[0m\t\x1b[1mAlpha\x1b[0m\t\x1b[2mtask\x1b[0m\t\x1b[2mx, y\x1b[0m\n"
    );
}

#[test]
fn the_card_count_is_not_printed_into_a_pipe() {
    let dex = deck();
    let (_, stderr, code) = dex.run(&["query"]);
    assert_eq!((stderr.as_str(), code), ("", 0));
}

#[test]
fn a_closed_pipe_is_a_quiet_success() {
    let dex = TestDex::new();
    for i in 0..3000 {
        dex.write(
            &format!("c{i:04}.md"),
            format!("# card {i} with a title long enough to fill pipe buffers\n"),
        );
    }
    let bin = assert_cmd::cargo::cargo_bin("termdex");
    let script = format!(
        "'{}' --dex '{}' query | head -n 1; echo \"status=${{PIPESTATUS[0]}}\"",
        bin.display(),
        dex.root().display()
    );
    let out = std::process::Command::new("bash").arg("-c").arg(script).output().expect("bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().last(), Some("status=0"), "{stdout}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "no panic, no error message");
}

/// Runs `termdex --dex ROOT ARGS` on a pseudo-terminal (util-linux `script`), so that
/// stdout and stderr are a terminal; returns what the terminal received.
pub(crate) fn on_terminal(dex: &TestDex, args: &[&str]) -> String {
    on_terminal_with(dex, args, Some("1")).0
}

/// [`on_terminal`] with `NO_COLOR` set to `no_color` (or unset), and the exit code.
pub(crate) fn on_terminal_with(dex: &TestDex, args: &[&str], no_color: Option<&str>) -> (String, i32) {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let bin = assert_cmd::cargo::cargo_bin("termdex");
    let mut command =
        format!("{} --dex {}", quote(&bin.display().to_string()), quote(&dex.root().display().to_string()));
    for arg in args {
        command.push(' ');
        command.push_str(&quote(arg));
    }
    let mut script = std::process::Command::new("script");
    script
        .current_dir(dex.root())
        .args(["-qec", &command, "/dev/null"])
        .env("TZ", "UTC")
        .env("TERMDEX_TODAY", "2026-11-23")
        .env_remove("TERMDEX_DIR")
        .env_remove("FZF_PREVIEW_COLUMNS");
    match no_color {
        Some(value) => script.env("NO_COLOR", value),
        None => script.env_remove("NO_COLOR"),
    };
    let out = script.output().expect("`script` (util-linux) runs termdex on a pseudo-terminal");
    // The terminal turns line ends into CR LF.
    (String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"), out.status.code().unwrap_or(-1))
}

fn hostile() -> TestDex {
    let dex = TestDex::new();
    dex.write(
        "e\x1b[31mvil.md",
        "---\ntitle: plain\n---\nx\x1b]0;pwned\x07y \u{202e}dlrow\u{202c} z\tafter tab\r\nend\n",
    );
    dex
}

#[test]
fn cat_neutralises_escapes_on_a_terminal_and_keeps_bytes_in_a_pipe() {
    let dex = hostile();
    let shown = on_terminal(&dex, &["cat"]);
    assert!(!shown.contains(['\x1b', '\x07', '\u{202e}', '\u{202c}']), "{shown:?}");
    assert!(shown.contains("==> e\u{fffd}[31mvil.md <=="), "{shown:?}");
    assert!(
        shown.contains("x\u{fffd}]0;pwned\u{fffd}y \u{fffd}dlrow\u{fffd} z\tafter tab\nend\n"),
        "{shown:?}"
    );
    let (piped, _, code) = dex.run(&["cat"]);
    assert_eq!(code, 0);
    assert!(piped.contains("==> e\x1b[31mvil.md <=="), "{piped:?}");
    assert!(piped.contains("x\x1b]0;pwned\x07y \u{202e}dlrow\u{202c} z\tafter tab\r\nend\n"), "{piped:?}");
}

#[test]
fn paths_are_cleaned_on_a_terminal_and_raw_in_pipes_nul_records_and_json() {
    let dex = hostile();
    let shown = on_terminal(&dex, &["query"]);
    assert!(shown.starts_with("e\u{fffd}[31mvil.md\tplain"), "{shown:?}");
    let shown = on_terminal(&dex, &["query", "--format", "paths"]);
    assert!(shown.starts_with("e\u{fffd}[31mvil.md\n"), "{shown:?}");
    let shown = on_terminal(&dex, &["query", "--format", "{path}|{title}"]);
    assert!(shown.starts_with("e\u{fffd}[31mvil.md|plain\n"), "{shown:?}");
    assert_eq!(dex.run(&["query", "--format", "paths"]).0, "e\x1b[31mvil.md\n");
    assert_eq!(dex.run(&["query", "-0", "--format", "paths"]).0, "e\x1b[31mvil.md\0");
    // A person reads NUL-ended records on a terminal too: cleaned there, raw in a pipe.
    let shown = on_terminal(&dex, &["query", "-0", "--format", "paths"]);
    assert!(shown.starts_with("e\u{fffd}[31mvil.md\0"), "{shown:?}");
    let shown = on_terminal(&dex, &["query", "-0"]);
    assert!(shown.starts_with("e\u{fffd}[31mvil.md\tplain"), "{shown:?}");
    let json = dex.run(&["query", "--format", "jsonl"]).0;
    assert_eq!(serde_json::from_str::<Value>(&json).expect("json")["path"], "e\x1b[31mvil.md");
}

/// C1 controls (U+009B is a one-byte CSI to many terminals, U+009D an OSC) and bidi
/// overrides, which serde_json writes as they are.
const C1_AND_BIDI: &str = "a\u{9b}31mb\u{9d}52;c;cHduZWQ=\u{9c}c\u{202e}fdp.exe\u{7f}";

#[test]
fn json_escapes_c1_controls_and_bidi_overrides_and_reads_back_the_same() {
    let dex = TestDex::new();
    dex.write("a.md", format!("---\ntitle: \"{C1_AND_BIDI}\"\ntags: [\"{C1_AND_BIDI}\"]\n---\n"));
    for format in ["json", "jsonl"] {
        let shown = on_terminal(&dex, &["query", "--format", format]);
        assert!(!shown.contains(['\u{9b}', '\u{9d}', '\u{9c}', '\u{202e}', '\u{7f}']), "{format}: {shown:?}");
        assert!(shown.contains(r#""a\u009b31mb\u009d52;c;cHduZWQ=\u009cc\u202efdp.exe\u007f""#), "{shown:?}");
        let (piped, _, code) = dex.run(&["query", "--format", format]);
        assert_eq!(code, 0);
        let value: Value = serde_json::Deserializer::from_str(&piped)
            .into_iter::<Value>()
            .next()
            .expect("one value")
            .expect("valid JSON");
        let card = if format == "json" { &value[0] } else { &value };
        assert_eq!(card["title"], C1_AND_BIDI, "{format}: the value reads back unchanged");
        assert_eq!(card["fields"]["tags"][0], C1_AND_BIDI);
    }
    let shown = on_terminal(&dex, &["sql", "--format", "jsonl", "SELECT title FROM cards"]);
    assert!(!shown.contains(['\u{9b}', '\u{9d}', '\u{202e}']), "{shown:?}");
}

#[test]
fn names_from_the_config_are_cleaned_in_views_and_table_headers() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\n---\n");
    dex.write(
        ".termdex/config.toml",
        "[views.\"v\\u001b]0;pwn\\u0007\"]\nfilter = \"\"\ndescription = \"d\\u001b[2J\\u009b\\u202e\\nx\"\n\
         columns = [\"t\\u001b]52;c;cA==\\u0007\", \"u\\tv\"]\n",
    );
    let views = on_terminal(&dex, &["views"]);
    assert!(!views.contains(['\x1b', '\x07', '\u{9b}', '\u{202e}']), "{views:?}");
    assert!(views.contains("v\u{fffd}]0;pwn\u{fffd}"), "{views:?}");
    assert!(views.contains("d\u{fffd}[2J\u{fffd}\u{fffd} x (config)"), "{views:?}");
    let table = on_terminal(&dex, &["query", "--view", "v\x1b]0;pwn\x07", "--format", "table"]);
    assert!(!table.contains(['\x1b', '\x07']), "{table:?}");
    // (The pseudo-terminal is narrow: the table shrinks its widest column to fit.)
    assert!(table.starts_with("path  title  t\u{fffd}]52;c"), "{table:?}");
    let (tsv, _, _) = dex.run(&["query", "--view", "v\x1b]0;pwn\x07", "--format", "tsv"]);
    assert!(
        tsv.starts_with("path\ttitle\tt\u{fffd}]52;c;cA==\u{fffd}\tu v\n"),
        "one header cell per column: {tsv:?}"
    );
}

#[test]
fn errors_naming_hostile_files_are_cleaned_on_a_terminal() {
    let dex = TestDex::new();
    let name = "n\x1b]52;c;cHduZWQ=\x07.md";
    dex.write(name, "---\nstatus: [todo\n---\n").write("ok.md", "---\nstatus: todo\n---\n");
    let shown =
        on_terminal(&dex, &["set", "status=done", "--", "has:status OR #none OR status:todo OR title:n*"]);
    assert!(!shown.contains(['\x1b', '\x07']), "{shown:?}");
    let shown = on_terminal(&dex, &["set", name, "status=done"]);
    assert!(shown.contains("n\u{fffd}]52;c;cHduZWQ=\u{fffd}.md"), "the file is named, cleaned: {shown:?}");
    assert!(!shown.contains(['\x1b', '\x07']), "{shown:?}");
    let shown = on_terminal(&dex, &["show", "gone\x1b]0;t\x07.md"]);
    assert!(shown.contains("gone\u{fffd}]0;t\u{fffd}.md"), "{shown:?}");
    let (_, piped, code) = dex.run(&["set", name, "status=done"]);
    assert_eq!(code, 2);
    assert!(piped.contains(name), "a pipe gets the exact name: {piped:?}");
}

#[test]
fn check_messages_quote_card_text_cleaned() {
    let dex = TestDex::new();
    dex.write("dup.md", "---\n\"k\\e[2J\\u202e\": 1\n\"k\\e[2J\\u202e\": 2\n---\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        (stdout.as_str(), code),
        ("dup.md:3: invalid YAML: duplicate key `k\u{fffd}[2J\u{fffd}`\n", 1)
    );
}

#[test]
fn bidi_overrides_in_titles_are_neutralised() {
    let dex = TestDex::new();
    dex.write("a.md", "# abc\u{202e}fed\u{2066}x\u{2069}\n");
    assert_eq!(dex.run(&["query"]).0, "a.md\tabc\u{fffd}fed\u{fffd}x\u{fffd}\t\t\n");
}

/// Arguments clap refuses, each quoting an escape sequence: an OSC 52 clipboard write
/// (ESC and BEL, or C1 OSC and ST), and a bidi override.
const HOSTILE_ARGUMENTS: [&[&str]; 5] = [
    &["--color", "never", "show", "--x\x1b]52;c;SGk=\x07.md"],
    &["x\x1b]52;c;SGk=\x07"],
    &["query", "--limit", "\x1b]52;c;SGk=\x07"],
    &["show", "--y\u{9d}52;c;SGk=\u{9c}"],
    &["views", "--nope\u{202e}x"],
];

#[test]
fn claps_errors_are_cleaned_and_colourless_on_a_terminal_with_claps_exit_codes() {
    let dex = TestDex::new();
    for args in HOSTILE_ARGUMENTS {
        for no_color in [Some("1"), None] {
            let (shown, code) = on_terminal_with(&dex, args, no_color);
            assert_eq!(code, 2, "{args:?}: {shown:?}");
            assert!(shown.starts_with("error: "), "{args:?}: {shown:?}");
            assert!(
                !shown.contains(['\x1b', '\x07', '\u{9b}', '\u{9c}', '\u{9d}', '\u{202e}']),
                "{args:?}: {shown:?}"
            );
        }
    }
    // Help and version are termdex's own text: exit 0, coloured only when colour is allowed.
    for (args, no_color, coloured) in [
        (&["--help"][..], None, true),
        (&["--help"], Some("1"), false),
        (&["--color", "never", "query", "--help"], None, false),
        (&["--color", "always", "--help"], Some("1"), true),
        (&["--version"], None, false),
    ] {
        let (shown, code) = on_terminal_with(&dex, args, no_color);
        assert_eq!(code, 0, "{args:?}: {shown:?}");
        assert_eq!(shown.contains('\x1b'), coloured, "{args:?} NO_COLOR={no_color:?}: {shown:?}");
        assert!(shown.contains("termdex"), "{args:?}: {shown:?}");
    }
}

#[test]
fn claps_errors_in_a_pipe_are_coloured_only_when_asked() {
    let dex = TestDex::new();
    for args in HOSTILE_ARGUMENTS {
        let (stdout, stderr, code) = dex.run(args);
        assert_eq!((stdout.as_str(), code), ("", 2), "{args:?}");
        assert!(
            stderr.starts_with("error: ") && !stderr.contains("\x1b["),
            "no colour: {args:?}: {stderr:?}"
        );
    }
    let (_, stderr, code) = dex.run(&["--color", "always", "show", "--x"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("\x1b[1m\x1b[31merror:\x1b[0m unexpected argument '\x1b[33m--x\x1b[0m'"),
        "{stderr:?}"
    );
    let (stdout, _, code) = dex.run(&["--color=always", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\x1b[1m"), "{stdout:?}");
    let (stdout, _, code) = dex.run(&["--color=never", "--help"]);
    assert_eq!((stdout.contains('\x1b'), code), (false, 0));
}
