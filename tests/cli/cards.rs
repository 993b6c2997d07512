//! Creating and changing cards through the binary: templates, variables, escaping,
//! collisions, the editor round trip (with a scripted fake editor), `edit`, `journal`.

use serde_json::json;

use crate::util::TestDex;

const NOW: &str = "2026-11-23T14:15:30";

/// A fake editor: does what `FAKE_MODE` says to the last argument, and writes all of its
/// arguments, one per line, to `FAKE_LOG`.
const FAKE_EDITOR: &str = r#"#!/bin/sh
printf '%s\n' "$@" > "$FAKE_LOG"
for last in "$@"; do :; done
case "$FAKE_MODE" in
  unchanged) ;;
  empty) : > "$last" ;;
  append) printf 'Written in the editor.\n' >> "$last" ;;
  delete) rm -f "$last" ;;
  fail) exit 3 ;;
esac
"#;

fn dex_with_editor() -> TestDex {
    let dex = TestDex::new();
    dex.write(".termdex/fake-editor.sh", FAKE_EDITOR);
    dex
}

/// `termdex ARGS` with the fake editor in `mode`; (stdout, stderr, code, editor log).
fn run_with_editor(dex: &TestDex, mode: &str, args: &[&str]) -> (String, String, i32, String) {
    let log = dex.path(".termdex/editor.log");
    let editor = format!("sh '{}' --wait", dex.path(".termdex/fake-editor.sh").display());
    let out = dex
        .cmd()
        .env("TERMDEX_NOW", NOW)
        .env("EDITOR", editor)
        .env("FAKE_MODE", mode)
        .env("FAKE_LOG", &log)
        .args(args)
        .output()
        .expect("run termdex");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
        std::fs::read_to_string(&log).unwrap_or_default(),
    )
}

fn new_card(dex: &TestDex, args: &[&str]) -> String {
    let mut all = vec!["new", "--no-edit", "--print-path"];
    all.extend(args);
    let out = dex.cmd().env("TERMDEX_NOW", NOW).args(&all).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim_end_matches('\n').to_string()
}

fn text(dex: &TestDex, rel: &str) -> String {
    String::from_utf8(dex.read(rel)).expect("UTF-8")
}

#[test]
fn new_task_from_the_builtin_template() {
    let dex = TestDex::new();
    let path = new_card(&dex, &["task", "Buy", "milk"]);
    assert_eq!(path, "2026/11/23/buy-milk.md");
    assert_eq!(
        text(&dex, &path),
        "---\ntitle: Buy milk\nwhat: task\nstatus: todo\nwhen: week\ndeadline:\ncollection:\ntags: []\ncreated: 2026-11-23T14:15:30\n---\n\n"
    );
    let (stdout, _, _) = dex.run(&["query", "what:task", "--format", "paths"]);
    assert_eq!(stdout, "2026/11/23/buy-milk.md\n", "indexed before the command returned");
}

#[test]
fn every_builtin_template_makes_a_card_of_its_kind() {
    let dex = TestDex::new();
    for template in ["note", "task", "bookmark", "reminder", "meeting", "journal"] {
        let path = new_card(&dex, &[template, &format!("A {template}")]);
        let card = dex.card(&path);
        assert_eq!(card["fields"]["what"], template, "{path}");
        assert_eq!(card["title"], format!("A {template}"));
    }
}

#[test]
fn a_single_word_that_is_no_template_is_the_title_and_two_need_a_template() {
    let dex = TestDex::new();
    let path = new_card(&dex, &["groceries"]);
    assert_eq!(dex.card(&path)["fields"]["what"], "note");
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "taks", "Buy milk"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "unknown template `taks` (templates: bookmark, journal, meeting, note, reminder, task;"
        ),
        "{stderr}"
    );
}

#[test]
fn user_templates_and_every_variable() {
    let dex = TestDex::new();
    dex.write(
        ".termdex/templates/idea.md",
        "---\ntitle: {{title}}\nwhat: idea\nday: {{date}}\nat: \"{{time}}\"\nstamp: {{datetime}}\nid: \"{{id}}\"\nslug: {{slug}}\nsource: {{source}}\n---\n# {{title}}\n",
    );
    dex.write(".termdex/templates/task.md", "---\ntitle: {{title}}\nwhat: chore\n---\n");
    let path = new_card(
        &dex,
        &["idea", "Faster walks", "--set", "source=hn", "--set", "score=3", "--set", "tags=[perf, fs]"],
    );
    let card = dex.card(&path);
    let id = card["fields"]["id"].as_str().expect("id").to_string();
    assert!(id.parse::<i64>().is_ok(), "{id}");
    assert_eq!(
        card["fields"],
        json!({"title": "Faster walks", "what": "idea", "day": "2026-11-23", "at": "14:15",
               "stamp": "2026-11-23T14:15:30", "id": id, "slug": "faster-walks", "source": "hn",
               "score": 3, "tags": ["perf", "fs"]})
    );
    assert!(text(&dex, &path).ends_with("---\n# Faster walks\n"));
    let path = new_card(&dex, &["task", "Overridden"]);
    assert_eq!(dex.card(&path)["fields"]["what"], "chore", "a dex template overrides the built-in");
}

#[test]
fn hostile_titles_stay_valid_frontmatter_and_inside_the_dex() {
    let dex = TestDex::new();
    let titles = [
        "Re: \"quoted\" # not a comment",
        "- looks like a list",
        "line one\nline two",
        "../../../etc/passwd",
        "/absolute/path",
        "*&!%@`|> specials",
        "yes",
        "null",
        "2026-12-01",
        "  padded  ",
        "tab\there",
        "\u{1b}[31mred",
    ];
    for title in titles {
        let path = new_card(&dex, &["note", title]);
        assert!(!path.contains(".."), "{path}");
        assert!(dex.path(&path).starts_with(dex.root()), "{path}");
        let card = dex.card(&path);
        assert_eq!(card["error"], json!(null), "{title:?}: {}", text(&dex, &path));
        assert_eq!(card["fields"]["title"], title.trim(), "{title:?}");
    }
}

#[test]
fn subdir_must_stay_inside_the_dex() {
    let dex = TestDex::new();
    let path = new_card(&dex, &["note", "Plan", "--in", "work/meetings"]);
    assert_eq!(path, "work/meetings/plan.md");
    for bad in ["../outside", "/tmp", ".hidden", "a/../../b"] {
        let (_, stderr, code) = dex.run(&["new", "--no-edit", "note", "x", "--in", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(stderr.starts_with("termdex: error: `"), "{bad}: {stderr}");
    }
}

#[test]
fn concurrent_new_never_overwrites() {
    let dex = TestDex::new();
    std::fs::create_dir_all(dex.path(".termdex")).expect("mkdir");
    let children: Vec<_> = (0..8)
        .map(|i| {
            dex.process()
                .env("TERMDEX_NOW", NOW)
                .args(["new", "--no-edit", "--print-path", "note", "Same title", "--set", &format!("n={i}")])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let mut paths: Vec<String> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        })
        .collect();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), 8, "{paths:?}");
    let mut numbers: Vec<i64> =
        paths.iter().map(|p| dex.card(p)["fields"]["n"].as_i64().expect("n")).collect();
    numbers.sort();
    assert_eq!(numbers, (0..8).collect::<Vec<_>>(), "every process kept its own card");
}

#[test]
fn an_untouched_card_is_removed_and_nothing_saved() {
    let dex = dex_with_editor();
    let (_, stderr, code, log) = run_with_editor(&dex, "unchanged", &["new", "task", "Draft"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("nothing saved: 2026/11/23/draft.md was left as the template"), "{stderr}");
    assert!(!dex.path("2026").exists(), "the card and the folders made for it are gone");
    assert_eq!(log, format!("--wait\n{}\n", dex.path("2026/11/23/draft.md").display()));
}

#[test]
fn an_emptied_or_deleted_card_is_removed() {
    let dex = dex_with_editor();
    for mode in ["empty", "delete"] {
        let (_, _, code, _) = run_with_editor(&dex, mode, &["new", "note", mode]);
        assert_eq!(code, 1, "{mode}");
        assert!(!dex.path(&format!("2026/11/23/{mode}.md")).exists(), "{mode}");
    }
}

#[test]
fn a_written_card_is_kept_and_indexed() {
    let dex = dex_with_editor();
    let (stdout, stderr, code, _) = run_with_editor(&dex, "append", &["new", "note", "Kept", "--print-path"]);
    assert_eq!((stdout.as_str(), code), ("2026/11/23/kept.md\n", 0), "{stderr}");
    assert!(text(&dex, "2026/11/23/kept.md").ends_with("Written in the editor.\n"));
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "editor", "--format", "paths"]);
    assert_eq!(stdout, "2026/11/23/kept.md\n");
}

#[test]
fn a_failing_editor_leaves_the_file_and_says_so() {
    let dex = dex_with_editor();
    let (_, stderr, code, _) = run_with_editor(&dex, "fail", &["new", "note", "Crash"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(
            "the editor exited with exit status: 3; the card was kept as it is at 2026/11/23/crash.md"
        ),
        "{stderr}"
    );
    assert!(dex.path("2026/11/23/crash.md").exists());
}

#[test]
fn an_editor_that_cannot_start_leaves_nothing_behind() {
    let dex = TestDex::new();
    let out =
        dex.cmd().env("EDITOR", "/nonexistent/editor").args(["new", "note", "x"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot start the editor `/nonexistent/editor` (from $EDITOR)"), "{stderr}");
    assert_eq!(stderr.matches("os error 2").count(), 1, "the cause is said once: {stderr}");
    let (stdout, _, _) = dex.run(&["query", "--format", "paths"]);
    assert_eq!(stdout, "");
}

#[test]
fn edit_creates_a_missing_card_titled_after_its_name() {
    let dex = dex_with_editor();
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", "ideas/Better search"]);
    assert_eq!(code, 0, "{stderr}");
    let card = dex.card("ideas/Better search.md");
    assert_eq!(card["title"], "Better search");
    let (_, _, code, _) = run_with_editor(&dex, "unchanged", &["edit", "ideas/never.md"]);
    assert_eq!(code, 1);
    assert!(!dex.path("ideas/never.md").exists());
}

#[test]
fn edit_reindexes_an_existing_card_and_refuses_outside_paths() {
    let dex = dex_with_editor();
    dex.write("a.md", "# A\n");
    dex.run(&["index"]);
    let (_, _, code, _) = run_with_editor(&dex, "append", &["edit", "a.md"]);
    assert_eq!(code, 0);
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "editor", "--format", "paths"]);
    assert_eq!(stdout, "a.md\n");
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", "../outside.md"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is outside the dex"), "{stderr}");
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", "notes.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a card"), "{stderr}");
}

#[test]
fn journal_opens_or_creates_the_day() {
    let dex = dex_with_editor();
    let journal = |args: &[&str]| {
        let mut all = vec!["journal", "--no-edit", "--print-path"];
        all.extend(args);
        let out = dex.cmd().env("TERMDEX_NOW", NOW).args(&all).output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(journal(&[]), "journal/2026-11-23.md");
    assert_eq!(journal(&["yesterday"]), "journal/2026-11-22.md");
    assert_eq!(journal(&["2026-11-20"]), "journal/2026-11-20.md");
    assert_eq!(journal(&["-3d"]), "journal/2026-11-20.md", "an existing day is reopened, not duplicated");
    let card = dex.card("journal/2026-11-22.md");
    assert_eq!(
        (card["title"].clone(), card["fields"]["date"].clone()),
        (json!("2026-11-22"), json!("2026-11-22"))
    );
    let (_, _, code, log) = run_with_editor(&dex, "append", &["journal"]);
    assert_eq!(code, 0);
    assert!(log.ends_with("journal/2026-11-23.md\n"), "{log}");
    let (_, stderr, code) = dex.run(&["journal", "someday"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`someday` is not a date"), "{stderr}");
}
