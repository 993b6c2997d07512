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
  interrupt)
    # Ctrl-C reaches termdex too; the editor keeps going, then saves.
    kill -INT "$PPID"
    sleep 0.2
    grep '^SigIgn' "/proc/$$/status" >> "$FAKE_LOG"
    printf 'Written after Ctrl-C.\n' >> "$last" ;;
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
    // The fields of the original tdx templates, with what each is prefilled with.
    let kinds = [
        ("note", json!({})),
        ("task", json!({"status": "todo", "when": "week", "deadline": null})),
        ("bookmark", json!({"url": null})),
        ("reminder", json!({"deadline": "2026-11-23"})),
        ("meeting", json!({"date": "2026-11-23T14:15:30", "attendees": []})),
        ("journal", json!({"date": "2026-11-23"})),
    ];
    for (template, expected) in kinds {
        let path = new_card(&dex, &[template, &format!("A {template}")]);
        let card = dex.card(&path);
        let fields = card["fields"].as_object().expect("fields");
        assert_eq!(fields["what"], template, "{path}");
        assert_eq!(fields["title"], format!("A {template}"), "{path}");
        assert_eq!(card["title"], format!("A {template}"));
        for (key, value) in expected.as_object().expect("map") {
            assert_eq!(fields.get(key), Some(value), "{template}: `{key}` in {}", text(&dex, &path));
        }
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
    assert_eq!(
        stderr,
        "termdex: error: the editor exited with code 3; the new card was kept at 2026/11/23/crash.md as the editor left it (finish it with `termdex edit 2026/11/23/crash.md`, or delete it)\n"
    );
    assert!(dex.path("2026/11/23/crash.md").exists());
    dex.write("a b.md", "# A\n");
    let (_, stderr, code, _) = run_with_editor(&dex, "fail", &["edit", "a b.md"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: the editor exited with code 3; a b.md was kept and indexed as the editor left it (open it again with `termdex edit 'a b.md'`)\n"
    );
}

#[test]
fn a_discarded_card_is_described_as_what_happened_to_it() {
    let dex = dex_with_editor();
    for (mode, said) in [
        ("unchanged", "nothing saved: 2026/11/23/unchanged.md was left as the template, so it was removed"),
        ("empty", "nothing saved: 2026/11/23/empty.md was emptied, so it was removed"),
        ("delete", "nothing saved: the editor deleted 2026/11/23/delete.md"),
    ] {
        let (_, stderr, code, _) = run_with_editor(&dex, mode, &["new", "note", mode]);
        assert_eq!((stderr.as_str(), code), (format!("termdex: {said}\n").as_str(), 1), "{mode}");
    }
}

#[test]
fn ctrl_c_while_the_editor_runs_leaves_termdex_to_finish() {
    let dex = dex_with_editor();
    let (stdout, stderr, code, log) =
        run_with_editor(&dex, "interrupt", &["new", "note", "Interrupted", "--print-path"]);
    assert_eq!((stdout.as_str(), code), ("2026/11/23/interrupted.md\n", 0), "{stderr}");
    assert!(text(&dex, "2026/11/23/interrupted.md").ends_with("Written after Ctrl-C.\n"));
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "Ctrl", "--format", "paths"]);
    assert_eq!(stdout, "2026/11/23/interrupted.md\n", "settled and indexed");
    // The editor itself starts with Ctrl-C and Ctrl-\ as termdex found them: not ignored,
    // unless this test run ignores them itself (started under nohup).
    let ignored = |status: &str| {
        let mask = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
        Some(u64::from_str_radix(mask.trim(), 16).expect("hex mask") & 0b110)
    };
    let ours = std::fs::read_to_string("/proc/self/status").ok().and_then(|s| ignored(&s));
    if let (Some(editor), Some(ours)) = (ignored(&log), ours) {
        assert_eq!(editor, ours, "SIGINT/SIGQUIT in the editor: {log}");
    }
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
    dex.write("notes.txt", "not a card");
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", "notes.txt"]);
    assert_eq!(
        (stderr.as_str(), code),
        ("termdex: error: notes.txt is not a card: cards are .md or .markdown files\n", 2)
    );
    assert_eq!(text(&dex, "notes.txt"), "not a card");
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", ".termdex/config.md"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a card: it is in a hidden folder"), "{stderr}");
}

#[test]
fn edit_adds_md_to_names_with_dots() {
    let dex = dex_with_editor();
    for (typed, file, title) in [
        ("Dr. Who", "Dr. Who.md", "Dr. Who"),
        ("ideas/v1.5 plan", "ideas/v1.5 plan.md", "v1.5 plan"),
        ("draft.txt", "draft.txt.md", "draft.txt"),
    ] {
        let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", typed]);
        assert_eq!(code, 0, "{typed}: {stderr}");
        assert_eq!(dex.card(file)["title"], title, "{typed}");
    }
    // Typed again, the name finds the same card.
    let (_, _, code, log) = run_with_editor(&dex, "append", &["edit", "Dr. Who"]);
    assert_eq!(code, 0);
    assert!(log.ends_with("/Dr. Who.md\n"), "{log}");
    assert_eq!(text(&dex, "Dr. Who.md").matches("Written in the editor.").count(), 2);
}

#[test]
fn edit_on_a_dangling_symlink_says_so_and_leaves_nothing_behind() {
    let dex = dex_with_editor();
    std::fs::create_dir_all(dex.path("notes")).expect("mkdir");
    std::os::unix::fs::symlink("../gone/away.md", dex.path("notes/link.md")).expect("symlink");
    let before: Vec<_> =
        std::fs::read_dir(dex.path("notes")).expect("ls").flatten().map(|e| e.file_name()).collect();
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", "notes/link.md"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: `notes/link.md` is a symlink to `../gone/away.md`, which does not exist; termdex will not create a card through a link (create the file it points to, or remove the link)\n"
    );
    let after: Vec<_> =
        std::fs::read_dir(dex.path("notes")).expect("ls").flatten().map(|e| e.file_name()).collect();
    assert_eq!(before, after, "no numbered card made beside it");
    assert!(!dex.path("gone").exists());
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

#[test]
fn new_journal_reopens_the_day_and_is_titled_after_it() {
    let dex = TestDex::new();
    assert_eq!(new_card(&dex, &["journal"]), "journal/2026-11-23.md");
    assert_eq!(
        new_card(&dex, &["journal"]),
        "journal/2026-11-23.md",
        "reopened, not journal/2026-11-23-2.md"
    );
    let out = dex
        .cmd()
        .env("TERMDEX_NOW", NOW)
        .args(["journal", "--no-edit", "--print-path"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "journal/2026-11-23.md\n");
    assert_eq!(dex.paths(), ["journal/2026-11-23.md"]);
    assert_eq!(dex.card("journal/2026-11-23.md")["title"], "2026-11-23");
    let out = dex
        .cmd()
        .env("TERMDEX_NOW", NOW)
        .args(["new", "--no-edit", "journal", "Another title", "--set", "mood=good"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("journal/2026-11-23.md already exists, so it was opened as it is"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(dex.card("journal/2026-11-23.md")["fields"]["mood"], json!(null));
}

#[test]
fn a_journal_pattern_with_an_id_gets_the_real_id() {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", "[new]\njournal = \"journal/{id}.md\"\n");
    let out = dex
        .cmd()
        .env("TERMDEX_NOW", NOW)
        .args(["journal", "--no-edit", "--print-path"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let id: i64 = path.trim_start_matches("journal/").trim_end_matches(".md").parse().expect("a number");
    assert!(id > 1_700_000_000, "{path}");
}

#[test]
fn titles_that_read_as_other_types_stay_titles() {
    let dex = TestDex::new();
    for title in ["1984", "true", "3.14", "null", "a, b", "x]", "-5", "~"] {
        let path = new_card(&dex, &["note", title]);
        let card = dex.card(&path);
        assert_eq!(card["fields"]["title"], json!(title), "{title}: {}", text(&dex, &path));
        assert_eq!(card["title"], title);
    }
    let path = new_card(&dex, &["1984"]);
    assert!(text(&dex, &path).starts_with("---\ntitle: \"1984\"\nwhat: note\n"), "{}", text(&dex, &path));
}

#[test]
fn user_templates_in_every_format_keep_their_comments() {
    let dex = TestDex::new();
    dex.write(
        ".termdex/templates/y.md",
        "---\ntitle: {{title}} # the title\nwhat: y   # kind\ntags: [a, b]\nref: '{{id}}'\n---\n# {{title}}\n",
    );
    dex.write(".termdex/templates/t.md", "+++\ntitle = \"{{title}}\" # the title\ntags = [\"x\"]\n+++\n");
    dex.write(".termdex/templates/j.md", "---json\n{\n  \"title\": \"{{title}}\",\n  \"n\": 1\n}\n---\n");
    for (template, title) in
        [("y", "a, b"), ("y", "1984"), ("t", "x]"), ("t", "true"), ("j", "3.14"), ("j", "null")]
    {
        let path = new_card(&dex, &[template, title]);
        let card = dex.card(&path);
        assert_eq!(card["error"], json!(null), "{template} {title}: {}", text(&dex, &path));
        assert_eq!(card["fields"]["title"], json!(title), "{template} {title}: {}", text(&dex, &path));
    }
    let path = new_card(&dex, &["y", "Plain"]);
    let written = text(&dex, &path);
    assert!(
        written.starts_with("---\ntitle: Plain # the title\nwhat: y   # kind\ntags: [a, b]\nref: \""),
        "{written}"
    );
    assert!(written.ends_with("---\n# Plain\n"), "{written}");
    let path = new_card(&dex, &["t", "Plain"]);
    assert_eq!(text(&dex, &path), "+++\ntitle = \"Plain\" # the title\ntags = [\"x\"]\n+++\n");
}

#[test]
fn bad_templates_are_refused_naming_the_template_line_and_rule() {
    let dex = TestDex::new();
    dex.write(".termdex/templates/inject.md", "---\ntitle: {{title}}\ntags: [{{title}}, x]\n---\n");
    dex.write(".termdex/templates/typo.md", "---\ntitle: {{titel}}\n---\n");
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "inject", "a, b"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "termdex: error: template inject: line 3: `{{title}}` is not the whole value of a top-level field"
        ),
        "{stderr}"
    );
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "typo", "x", "--set", "status=todo"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: template typo: line 2: unknown variable `{{titel}}` (known: title, date, time, datetime, id, slug, status; --set KEY=VALUE adds more)\n"
    );
    let (stdout, _, _) = dex.run(&["query", "--format", "paths"]);
    assert_eq!(stdout, "", "nothing was created");
}

#[test]
fn new_edit_and_journal_never_create_or_open_a_card_through_a_link_out_of_the_dex() {
    let dex = dex_with_editor();
    let outside = tempfile::tempdir().expect("outside dir");
    let out = outside.path().canonicalize().expect("canonical");
    std::fs::write(out.join("there.md"), "---\ntitle: there\n---\n").expect("write");
    dex.write(".git/config", "[core]\n\tbare = false\n");
    std::os::unix::fs::symlink(&out, dex.path("away")).expect("symlink");
    std::os::unix::fs::symlink(".git", dex.path("gitdir")).expect("symlink");
    std::os::unix::fs::symlink(".git/config", dex.path("notes.md")).expect("symlink");
    let outside_files = || {
        let mut names: Vec<_> =
            std::fs::read_dir(&out).expect("ls").flatten().map(|e| e.file_name()).collect();
        names.sort();
        names
    };
    let before = outside_files();

    // `new --in` a folder that links out of the dex, or into .git/.
    for folder in ["away", "gitdir"] {
        let (_, stderr, code) = dex.run(&["new", "--no-edit", "note", "Plan", "--in", folder]);
        assert_eq!(code, 2, "{folder}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "termdex: error: cannot create {folder}/plan.md there: its real path, "
            )),
            "{stderr}"
        );
        assert!(stderr.ends_with("; nothing was created\n"), "{stderr}");
    }
    assert!(!dex.path(".git/plan.md").exists());
    // The journal's folder links out of the dex.
    std::os::unix::fs::symlink(&out, dex.path("journal")).expect("symlink");
    let (_, stderr, code) = dex.run(&["journal", "--no-edit"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot create journal/2026-11-23.md there: its real path, "), "{stderr}");
    // ... and when the day's card exists out there, it is not opened either.
    std::fs::write(out.join("2026-11-23.md"), "---\ntitle: day\n---\n").expect("write");
    let (_, stderr, code, log) = run_with_editor(&dex, "append", &["journal"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("journal/2026-11-23.md is not a card: its real path, "), "{stderr}");
    assert_eq!(log, "", "the editor never ran");
    std::fs::remove_file(out.join("2026-11-23.md")).expect("rm");
    // `edit` of a card linking to git's config, or of a new card in a folder out of the dex.
    let (_, stderr, code, log) = run_with_editor(&dex, "append", &["edit", "notes.md"]);
    assert_eq!(
        (stderr.as_str(), code),
        (
            "termdex: error: notes.md is not a card: its real path, .git/config, is in a hidden folder, which termdex does not index; it was left as it is\n",
            2
        )
    );
    assert_eq!(log, "", "the editor never ran");
    assert_eq!(text(&dex, ".git/config"), "[core]\n\tbare = false\n");
    let (_, stderr, code, _) = run_with_editor(&dex, "append", &["edit", "away/new idea"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(outside_files(), before, "nothing was created outside the dex");
}

#[test]
fn a_path_that_cannot_be_printed_still_says_the_card_was_created() {
    let dex = TestDex::new();
    let full = std::fs::File::options().write(true).open("/dev/full").expect("/dev/full");
    let out = dex
        .process()
        .env("TERMDEX_NOW", NOW)
        .args(["new", "--no-edit", "--print-path", "note", "Full disk"])
        .stdout(full)
        .output()
        .expect("run");
    assert_eq!(
        (String::from_utf8_lossy(&out.stderr).as_ref(), out.status.code()),
        (
            "termdex: error: the card was created and saved as 2026/11/23/full-disk.md, but its path could not be printed: No space left on device (os error 28) (the card is kept; do not run the command again)\n",
            Some(2)
        )
    );
    assert_eq!(dex.paths(), ["2026/11/23/full-disk.md"], "created once, and indexed");
}

#[test]
fn the_path_of_an_existing_card_that_cannot_be_printed_is_named() {
    let dex = TestDex::new();
    dex.write("journal/2026-11-23.md", "---\ntitle: Today\n---\n");
    let full = std::fs::File::options().write(true).open("/dev/full").expect("/dev/full");
    let out =
        dex.process().args(["journal", "--no-edit", "--print-path"]).stdout(full).output().expect("run");
    assert_eq!(
        (String::from_utf8_lossy(&out.stderr).as_ref(), out.status.code()),
        (
            "termdex: error: cannot print the path of journal/2026-11-23.md (nothing was changed): No space left on device (os error 28)\n",
            Some(2)
        )
    );
    assert_eq!(dex.read("journal/2026-11-23.md"), b"---\ntitle: Today\n---\n");
}

#[test]
fn a_file_name_pattern_leaving_the_dex_names_the_setting() {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", "[new]\npath = \"../{slug}\"\n");
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "note", "Hello world"]);
    assert_eq!(
        (stderr.as_str(), code),
        (
            "termdex: error: `../hello-world.md` would leave the dex (`..`): made by the file name pattern `../{slug}.md` (`path`, or `journal` for journals, under [new] in .termdex/config.toml)\n",
            2
        )
    );
    assert_eq!(dex.paths(), Vec::<String>::new(), "nothing created");
}

#[test]
fn a_template_name_no_file_can_have_is_not_suggested() {
    let dex = TestDex::new();
    let (_, stderr, code) = dex.run(&["new", "--no-edit", ".hidden", "T"]);
    assert_eq!(
        (stderr.as_str(), code),
        (
            "termdex: error: unknown template `.hidden` (templates: bookmark, journal, meeting, note, reminder, task; a template's name is a plain file name, not hidden and not a path)\n",
            2
        )
    );
}

#[test]
fn a_template_that_cannot_be_filled_in_says_to_change_the_template_not_a_card() {
    let dex = TestDex::new();
    dex.write(".termdex/templates/flow.md", "---\n{title: \"{{title}}\"}\n---\n")
        .write(".termdex/templates/anchored.md", "---\ntitle: {{title}}\nbase: &b x\nother: *b\n---\n");
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "flow", "T"]);
    assert_eq!(
        (stderr.as_str(), code),
        (
            "termdex: error: template flow: its variables cannot be filled in: this frontmatter can't be edited in place: its fields are not written one `key: value` per line; change the template's frontmatter\n",
            2
        )
    );
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "--set", "base=y", "anchored", "T"]);
    assert_eq!(
        (stderr.as_str(), code),
        (
            "termdex: error: template anchored: --set cannot fill it in: the result failed the safety check: the frontmatter would no longer parse (line 4: invalid YAML: while parsing node, found unknown anchor); change the template's frontmatter, or leave that --set out\n",
            2
        )
    );
    let (_, stderr, code) = dex.run(&["new", "--no-edit", "--set", "a.b=1", "note", "T"]);
    assert_eq!(
        (stderr.as_str(), code),
        (
            "termdex: error: template note: --set cannot fill it in: `a.b` names a nested field; only top-level fields can be set; change or leave out that --set\n",
            2
        )
    );
    assert_eq!(dex.paths(), Vec::<String>::new(), "nothing created");
}
