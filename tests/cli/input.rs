//! Hostile and unusual input: nothing here may stop a scan or crash termdex.

use std::os::unix::fs::{PermissionsExt, symlink};

use serde_json::json;

use crate::util::{TestDex, hand_over, permission_runner, run_as, skip_unless_runnable};

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
    assert!(stderr.contains("warning: symlink loop skipped"), "{stderr}");
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
