//! Hostile and unusual input: nothing here may stop a scan or crash termdex.

use std::os::unix::fs::{PermissionsExt, symlink};

use serde_json::json;

use crate::util::{TestDex, hand_over, permission_runner, run_as, skip_unless_runnable, summary};

#[test]
fn non_utf8_bytes_are_read_lossily_and_flagged() {
    let dex = TestDex::new();
    dex.write("latin1.md", b"---\ntitle: caf\xe9\n---\nna\xefve body\n");
    let card = dex.card("latin1.md");
    assert_eq!(card["title"], "caf\u{fffd}");
    assert_eq!(card["lossy"], true);
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(stdout, "latin1.md: warning: not valid UTF-8; indexed with replacement characters\n");
    assert_eq!(code, 0, "a read warning is not a frontmatter error");
}

#[test]
fn huge_files_are_capped_and_flagged() {
    let dex = TestDex::new();
    let mut text = b"---\ntitle: big\n---\n".to_vec();
    text.extend(std::iter::repeat_n(b"all work and no play\n".as_slice(), 150_000).flatten());
    dex.write("big.md", &text);
    let card = dex.card("big.md");
    assert_eq!((card["title"].clone(), card["truncated"].clone()), (json!("big"), json!(true)));
    let (stdout, _, _) = dex.run(&["check"]);
    assert_eq!(stdout, "big.md: warning: larger than 1 MiB; only the start is indexed\n");
    // Hostile test: `show` ended at the cut, mid-line, as if the card ended there.
    let (stdout, stderr, code) = dex.run(&["show", "big.md"]);
    let shown = String::from_utf8(text[19..1 << 20].to_vec()).expect("utf-8");
    assert!(shown.ends_with("\nall wo"), "the cut is mid-line");
    let marker = "[… truncated: the card is larger than 1 MiB, which is all termdex reads of it; \
                  termdex show --raw prints the whole file, termdex edit opens it]";
    assert_eq!((stderr.as_str(), code), ("", 0));
    assert_eq!(stdout, format!("big\nbig.md\n\ntitle: big\n\n{shown}\n{marker}\n"));
    // What the marker says: --raw prints every byte.
    assert_eq!(dex.run(&["show", "--raw", "big.md"]).0.as_bytes(), text);
}

/// A card of `count` references `r0`, `r1`, ..., between a title and a status.
fn card_with_refs(count: usize) -> String {
    let refs: Vec<String> = (0..count).map(|i| format!("r{i}")).collect();
    format!("---\ntitle: H\nrefs: [{}]\nstatus: urgent\n---\n", refs.join(", "))
}

#[test]
fn a_long_list_costs_no_other_field_its_rows() {
    // Found by a hostile test: every field after a 10,000-element list had no rows, so no
    // filter found it, and nothing said so.
    let dex = TestDex::new();
    dex.write("h.md", card_with_refs(10_000));
    for filter in ["status:urgent", "has:status", "title:H", "refs:r0", "refs:r9999"] {
        let (stdout, stderr, code) = dex.run(&["query", "--format", "{path}", filter]);
        assert_eq!((stdout.as_str(), code), ("h.md\n", 0), "{filter}: {stderr}");
    }
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0), "10,000 values are kept whole: nothing to say");
}

#[test]
fn a_list_past_the_cap_keeps_its_first_values_and_check_names_it() {
    let dex = TestDex::new();
    dex.write("h.md", card_with_refs(60_000));
    let (stdout, stderr, code) =
        dex.run(&["query", "--format", "{path}", "status:urgent title:H refs:r49997"]);
    assert_eq!((stdout.as_str(), code), ("h.md\n", 0), "{stderr}");
    let (stdout, _, code) = dex.run(&["query", "--format", "{path}", "refs:r49998"]);
    assert_eq!((stdout.as_str(), code), ("", 1), "past the share of 49,998 rows: the two others have theirs");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        stdout,
        "h.md:3: warning: field \"refs\": only the first 49998 of its 60000 values can be found by \
         filters (a card indexes at most 50000 values, shared between its fields); split the list across \
         cards or move it into the body\n"
    );
    assert_eq!(code, 0, "a warning, not a problem");
    assert_eq!(dex.card("h.md")["fields"]["refs"][59_999], "r59999", "the card's JSON has them all");
}

#[test]
fn many_tags_keep_every_other_field_findable() {
    let dex = TestDex::new();
    let tags: Vec<String> = (0..20_000).map(|i| format!("h{i}")).collect();
    dex.write("t.md", format!("---\ntitle: T\ntags: [{}]\nstatus: urgent\n---\n", tags.join(", ")));
    let (stdout, stderr, code) = dex.run(&["query", "--format", "{path}", "#h9999 #h19999 status:urgent"]);
    assert_eq!((stdout.as_str(), code), ("t.md\n", 0), "{stderr}");
    let (stdout, _, _) = dex.run(&["check"]);
    assert_eq!(stdout, "", "20,000 tags fit");
}

#[test]
fn a_map_nested_too_deep_is_named_by_check_and_the_rest_is_found() {
    let dex = TestDex::new();
    let mut deep = String::from("---\n");
    for level in 0..10 {
        deep.push_str(&format!("{}l{level}:\n", "  ".repeat(level)));
    }
    deep.push_str(&format!("{}leaf: 1\nstatus: urgent\n---\n", "  ".repeat(10)));
    dex.write("deep.md", deep);
    let (stdout, _, code) =
        dex.run(&["query", "--format", "{path}", "status:urgent has:l0.l1.l2.l3.l4.l5.l6.l7"]);
    assert_eq!((stdout.as_str(), code), ("deep.md\n", 0));
    let (stdout, _, code) = dex.run(&["query", "has:l0.l1.l2.l3.l4.l5.l6.l7.l8"]);
    assert_eq!((stdout.as_str(), code), ("", 1), "past 8 levels");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        stdout,
        "deep.md:9: warning: field \"l0.l1.l2.l3.l4.l5.l6.l7\": what is nested in it cannot be found by \
         filters (maps are indexed 8 levels deep); nest it less deeply\n"
    );
    assert_eq!(code, 0);
}

#[test]
fn a_key_too_long_is_named_by_check_shortened() {
    let dex = TestDex::new();
    dex.write("long.md", format!("---\n{}: 1\nstatus: urgent\n---\n", "K".repeat(201)));
    let (stdout, _, code) = dex.run(&["query", "--format", "{path}", "status:urgent"]);
    assert_eq!((stdout.as_str(), code), ("long.md\n", 0));
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        stdout,
        format!(
            "long.md: warning: field \"{}…\": a key longer than 200 characters cannot be found by filters, \
             nor anything under it; shorten the key\n",
            "k".repeat(40)
        )
    );
    assert_eq!(code, 0);
    // Shortened to 200 characters, the key is found, and check has nothing more to say.
    dex.write("long.md", format!("---\n{}: 1\nstatus: urgent\n---\n", "K".repeat(200)));
    let (stdout, _, _) = dex.run(&["query", "--format", "{path}", &format!("has:{}", "k".repeat(200))]);
    assert_eq!(stdout, "long.md\n");
    assert_eq!(dex.run(&["check"]).0, "");
}

#[test]
fn names_with_spaces_tabs_and_newlines_are_indexed_exactly() {
    let dex = TestDex::new();
    for name in ["with space.md", "with\ttab.md", "with\nnewline.md", "ünïcödé.md"] {
        dex.write(name, "x\n");
    }
    assert_eq!(dex.paths(), ["with\ttab.md", "with\nnewline.md", "with space.md", "ünïcödé.md"]);
}

#[test]
fn ignore_files_hidden_folders_and_other_extensions_are_skipped() {
    let dex = TestDex::new();
    dex.write("keep.md", "x")
        .write("KEEP2.MD", "x")
        .write("notes.txt", "x")
        .write("drafts/skip.md", "x")
        .write(".ignore", "drafts/\n")
        .write(".obsidian/workspace.md", "x")
        .write(".hidden.md", "x")
        .write("build/out.md", "x")
        .write(".gitignore", "build/\n");
    assert_eq!(dex.paths(), ["KEEP2.MD", "build/out.md", "keep.md"], ".gitignore outside git is not used");
    std::fs::create_dir_all(dex.path(".git")).expect("mkdir .git");
    assert_eq!(dex.paths(), ["KEEP2.MD", "keep.md"], ".gitignore inside a git repository is");
}

#[test]
fn the_state_folder_is_never_indexed() {
    let dex = TestDex::new();
    dex.write("a.md", "x").write(".termdex/templates/task.md", "---\ntitle: t\n---\n");
    assert_eq!(dex.paths(), ["a.md"]);
}

#[test]
fn symlink_loops_are_reported_and_do_not_hang() {
    let dex = TestDex::new();
    dex.write("dir/a.md", "x");
    symlink(dex.path("dir"), dex.path("dir/loop")).expect("symlink");
    symlink(dex.path("dir/a.md"), dex.path("link.md")).expect("symlink");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0);
    let (warning, rest) = stderr.split_once('\n').expect("a warning, then the summary");
    assert_eq!(
        warning,
        "termdex: warning: dir/loop: symlink loop skipped: it leads back to dir, a folder it is in \
         (remove the link, or list it in .ignore to keep it)"
    );
    assert_eq!(summary(rest), "termdex: indexed 2 cards in N ms: 2 new, 0 changed, 0 removed, 0 errors");
    assert_eq!(rest.lines().count(), 1, "{stderr}");
    assert_eq!(dex.paths(), ["dir/a.md", "link.md"]);
}

#[test]
fn dangling_symlinks_are_skipped_with_a_warning() {
    let dex = TestDex::new();
    dex.write("a.md", "x");
    symlink(dex.path("nowhere.md"), dex.path("dangling.md")).expect("symlink");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("warning:") && stderr.contains("dangling.md"), "{stderr}");
    assert_eq!(dex.paths(), ["a.md"]);
}

#[test]
fn unreadable_files_are_skipped_with_a_warning() {
    // Root reads files whatever their mode: as root, the dex is given to `nobody`, who
    // runs termdex and may not read what its mode forbids.
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write("a.md", "x").write("secret.md", "y");
    std::fs::set_permissions(dex.root(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    hand_over(&dex.root(), runner);
    std::fs::set_permissions(dex.path("secret.md"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let result = run_as(&dex, runner, &[], &["index"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let out = result.expect("ran");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.starts_with(
            "termdex: warning: secret.md: skipped: permission denied (make the file readable to index it)\n"
        ),
        "{stderr}"
    );
    let out = run_as(&dex, runner, &[], &["query", "--format", "paths"]).expect("ran");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a.md\n");
}

#[test]
fn a_yaml_alias_bomb_is_an_error_not_an_outage() {
    let dex = TestDex::new();
    let mut text = String::from("---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("---\n");
    dex.write("bomb.md", text);
    let card = dex.card("bomb.md");
    assert!(card["error"]["message"].as_str().unwrap_or("").contains("aliases"), "{card}");
}

#[test]
fn deeply_nested_frontmatter_is_an_error_not_a_crash() {
    let dex = TestDex::new();
    let block: String = (0..1_200).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
    dex.write("deep.md", format!("---\n{block}---\n# Deep\n")).write("ok.md", "# Fine\n");
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "deep.md:102: invalid YAML: nested more than 100 levels deep\n");
    assert_eq!(dex.card("deep.md")["title"], "Deep");
}

#[test]
fn deep_maps_keep_their_json_but_flatten_only_so_deep() {
    let dex = TestDex::new();
    let mut value = json!("leaf");
    for level in (0..12).rev() {
        value = json!({ format!("k{level}"): value });
    }
    let long = "x".repeat(300);
    let card = json!({"title": "Deep", "n": value, long.clone(): 1, "short": 2});
    dex.write("deep.md", serde_json::to_string(&card).expect("json"));
    assert_eq!(dex.card("deep.md")["fields"], card, "the card's JSON keeps everything");
    let paths = |filter: &str| dex.run(&["query", "--format", "paths", filter]).0;
    assert_eq!(paths("has:n.k0.k1.k2.k3.k4.k5.k6"), "deep.md\n", "eight levels deep");
    assert_eq!(paths("has:n.k0.k1.k2.k3.k4.k5.k6.k7"), "", "nine levels deep is not flattened");
    assert_eq!(paths(&format!("has:{long}")), "", "a 300-character key is not flattened");
    assert_eq!(paths("short:2"), "deep.md\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        stdout,
        format!(
            "deep.md: warning: field \"n.k0.k1.k2.k3.k4.k5.k6\": what is nested in it cannot be found by \
             filters (maps are indexed 8 levels deep); nest it less deeply\n\
             deep.md: warning: field \"{}…\": a key longer than 200 characters cannot be found by filters, \
             nor anything under it; shorten the key\n",
            "x".repeat(40)
        ),
        "what is left out is said"
    );
    assert_eq!(code, 0);
}

#[test]
fn title_created_and_date_are_found_in_any_letter_case() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nTitle: X\nCreated: 2026-01-02\n---\n# Heading\n")
        .write("b.md", "---\nTITLE: Y\nDATE: 2026-03-04\n---\n");
    let a = dex.card("a.md");
    assert_eq!((a["title"].clone(), a["created"].clone()), (json!("X"), json!("2026-01-02")));
    let b = dex.card("b.md");
    assert_eq!((b["title"].clone(), b["created"].clone()), (json!("Y"), json!("2026-03-04")));
    let (stdout, _, _) = dex.run(&["query", "--format", "paths", "created:2026-01-02"]);
    assert_eq!(stdout, "a.md\n");
}

/// Runs `termdex ARGS`, killed after 10 s: a command that blocks fails the test rather
/// than hanging the suite.
fn run_briefly(dex: &TestDex, args: &[&str]) -> (String, String, Option<i32>) {
    let out = dex.cmd().args(args).timeout(std::time::Duration::from_secs(10)).output().expect("run termdex");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_in_the_place_of_a_card_or_the_config_never_blocks() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("b.md", "# B\n");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    // Indexed as a card, then replaced by a FIFO nobody writes to.
    dex.remove("b.md");
    mkfifo(&dex.path("b.md"));
    // `cat` prints the cards it can and fails on the one it cannot read, as `rg` does.
    let (stdout, stderr, code) = run_briefly(&dex, &["cat", "--no-refresh"]);
    assert_eq!((stdout.as_str(), code), ("==> a.md <==\n# A\n", Some(2)), "{stderr}");
    assert_eq!(
        stderr,
        "termdex: error: cannot read b.md: is a FIFO (named pipe), not a regular file; skipped\n"
    );
    let (stdout, stderr, code) = run_briefly(&dex, &["show", "--raw", "b.md"]);
    assert_eq!((stdout.as_str(), code), ("", Some(2)));
    assert_eq!(stderr, "termdex: error: cannot read b.md: is a FIFO (named pipe), not a regular file\n");
    let (_, stderr, code) = run_briefly(&dex, &["show", "b.md"]);
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "termdex: error: cannot read b.md: is a FIFO (named pipe), not a regular file\n");
    // A link to a device in a card's place is no card either, and is never read.
    symlink("/dev/zero", dex.path("zero.md")).expect("symlink");
    let (stdout, stderr, code) = run_briefly(&dex, &["show", "--raw", "zero.md"]);
    assert_eq!((stdout.as_str(), code), ("", Some(2)), "{stderr}");
    assert_eq!(stderr, "termdex: error: cannot read zero.md: is a character device, not a regular file\n");
    // The config, too.
    mkfifo(&dex.path(".termdex/config.toml"));
    let (stdout, stderr, code) = run_briefly(&dex, &["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("a.md\n", Some(0)), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "termdex: warning: cannot read {}: is a FIFO (named pipe), not a regular file; using the built-in \
             configuration instead\n",
            dex.path(".termdex/config.toml").display()
        )
    );
}

#[test]
fn fifty_thousand_plain_keys_are_no_alias_bomb() {
    let dex = TestDex::new();
    let keys: String = (0..50_000).map(|i| format!("k{i}: {i}\n")).collect();
    dex.write("many.md", format!("---\n{keys}---\n# Many\n"));
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0), "{stderr}");
    assert_eq!(dex.card("many.md")["fields"]["k49999"], json!(49999));
    // Filterable up to the index's rows per card (src/index/fields.rs), as any card.
    let (stdout, _, _) = dex.run(&["query", "--format", "paths", "k9999:9999"]);
    assert_eq!(stdout, "many.md\n");
}
