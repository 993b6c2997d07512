//! The fzf recipes of `docs/guide/recipes.md` and `examples/tdx-fzf.sh`, run headless: fzf's
//! `--filter` mode picks without a terminal.
//!
//! These need fzf (0.38 or later) on `$PATH`; `scripts/test.sh` installs it. Without it they
//! fail, they do not skip.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::TestDex;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tdx-fzf.sh");

fn require_fzf() {
    let found = Command::new("fzf").arg("--version").output().is_ok_and(|out| out.status.success());
    assert!(
        found,
        "fzf is not installed (or not on $PATH): install fzf 0.38 or later to run the fzf \
         tests, e.g. `sudo apt-get install fzf`, or run the tests with scripts/test.sh, which installs it"
    );
}

fn termdex_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("termdex")
}

/// Three open tasks, a done one, and two notes; names with spaces.
fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write(
        "tasks/fix bug.md",
        "---\ntitle: Fix the login bug\nwhat: task\nstatus: active\nwhen: today\ndeadline: 2026-12-01\ntags: [auth]\n---\nSessions expire too early.\n",
    )
    .write(
        "tasks/write docs.md",
        "---\ntitle: Write the fzf docs\nwhat: task\nstatus: todo\nwhen: week\ntags: [docs]\n---\nRecipes that really run.\n",
    )
    .write(
        "tasks/jq.md",
        "---\ntitle: Learn jq properly\nwhat: task\nstatus: todo\nwhen: someday\n---\n",
    )
    .write(
        "tasks/old release.md",
        "---\ntitle: Ship the old release\nwhat: task\nstatus: done\nwhen: today\n---\n",
    )
    .write(
        "notes/fzf tips.md",
        "---\ntitle: fzf tips\nwhat: note\ntags: [fzf, shell]\n---\nPreview windows and reload bindings.\n",
    )
    .write(
        "notes/sqlite.md",
        "---\ntitle: SQLite notes\nwhat: note\n---\nWAL mode and checkpoints.\n",
    );
    dex
}

/// `bash examples/tdx-fzf.sh ARGS` in `cwd`, with `TERMDEX` set to the test binary and
/// `PATH` as it is: (stdout, stderr, exit code).
fn script(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> (Vec<u8>, String, i32) {
    require_fzf();
    let out = Command::new("bash")
        .arg(SCRIPT)
        .args(args)
        .current_dir(cwd)
        .env("TERMDEX", termdex_bin())
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env_remove("TERMDEX_DIR")
        .env_remove("TDX_FZF_OPTS")
        .env_remove("FZF_DEFAULT_OPTS")
        .env_remove("FZF_DEFAULT_COMMAND")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run bash");
    (out.stdout, String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

/// The paths the script prints, asserting success.
fn printed(cwd: &Path, args: &[&str]) -> Vec<String> {
    let (stdout, stderr, code) = script(cwd, args, &[]);
    assert_eq!(code, 0, "tdx-fzf.sh {args:?} failed: {stderr}");
    String::from_utf8(stdout).expect("UTF-8 paths").lines().map(String::from).collect()
}

/// `fzf ARGS` reading `input`: its stdout.
fn fzf(input: &[u8], args: &[&str]) -> Vec<u8> {
    require_fzf();
    let mut child = Command::new("fzf")
        .args(args)
        .env_remove("FZF_DEFAULT_OPTS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run fzf");
    child.stdin.take().expect("stdin").write_all(input).expect("write to fzf");
    let out = child.wait_with_output().expect("wait for fzf");
    assert!(out.status.success(), "fzf {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// `termdex --dex ROOT ARGS` in the dex root: its stdout, asserting success.
fn termdex(dex: &TestDex, args: &[&str]) -> Vec<u8> {
    let out = dex.cmd().args(args).output().expect("run termdex");
    assert!(out.status.success(), "termdex {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn tasks_lists_the_open_tasks_soonest_first() {
    let dex = deck();
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    assert_eq!(
        printed(&root, &["--dex", dir, "--print", "--filter", "", "tasks"]),
        ["tasks/fix bug.md", "tasks/write docs.md", "tasks/jq.md"]
    );
    assert_eq!(
        printed(&root, &["--dex", dir, "--print", "--filter", "'docs", "tasks"]),
        ["tasks/write docs.md"]
    );
    // The board's columns are matched too: `when`, `status`, `deadline`.
    assert_eq!(printed(&root, &["--dex", dir, "--filter", "'someday", "tasks"]), ["tasks/jq.md"]);
}

#[test]
fn pick_takes_a_termdex_filter_and_fzf_narrows_it() {
    let dex = deck();
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    // The filter words go to termdex, negation included; fzf keeps input order on an
    // empty query, and the `all` view sorts by path.
    assert_eq!(
        printed(&root, &["--dex", dir, "--filter", "", "pick", "what:task", "-status:done"]),
        ["tasks/fix bug.md", "tasks/jq.md", "tasks/write docs.md"]
    );
    // fzf matches what it shows (title, what, tags), not the path: `notes/` is no match.
    assert_eq!(printed(&root, &["--dex", dir, "--filter", "'notes", "pick"]), ["notes/sqlite.md"]);
    // `pick` is the default command.
    assert_eq!(printed(&root, &["--dex", dir, "--filter", "'shell"]), ["notes/fzf tips.md"]);
}

#[test]
fn search_is_full_text() {
    let dex = deck();
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    assert_eq!(printed(&root, &["--dex", dir, "--filter", "", "search", "checkpoints"]), ["notes/sqlite.md"]);
    assert_eq!(
        printed(&root, &["--dex", dir, "--filter", "", "search", "recipes", "what:task"]),
        ["tasks/write docs.md"]
    );
}

#[test]
fn paths_are_relative_to_where_it_runs() {
    let dex = deck();
    let root = dex.root();
    let notes = root.join("notes");
    let dir = root.to_str().expect("UTF-8 temp dir");
    let paths = printed(&notes, &["--dex", dir, "--filter", "'login", "pick"]);
    assert_eq!(paths, ["../tasks/fix bug.md"]);
    // ... so the preview's `termdex show {1}` finds the card from there.
    let out = dex.cmd_in(&notes).args(["--dex", dir, "show", &paths[0]]).output().expect("run termdex show");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.starts_with("Fix the login bug\n../tasks/fix bug.md\n"), "{shown}");
}

#[test]
fn print0_ends_paths_with_nul() {
    let dex = deck();
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    let (stdout, stderr, code) =
        script(&root, &["--dex", dir, "-0", "--filter", "'fzf", "pick", "what:note"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, b"notes/fzf tips.md\0");
}

#[test]
fn tdx_fzf_opts_reach_fzf() {
    let dex = deck();
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    let args = ["--dex", dir, "--filter", "fxbg", "pick"];
    // A fuzzy match of "Fix the login bug" ...
    assert_eq!(printed(&root, &args), ["tasks/fix bug.md"]);
    // ... which --exact turns off.
    let (stdout, _, code) = script(&root, &args, &[("TDX_FZF_OPTS", "--exact")]);
    assert_eq!((stdout.as_slice(), code), (&b""[..], 1));
}

#[test]
fn nothing_chosen_exits_1_and_errors_exit_2() {
    let dex = deck();
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    let (stdout, _, code) = script(&root, &["--dex", dir, "--filter", "zzzz", "pick"], &[]);
    assert_eq!((stdout.as_slice(), code), (&b""[..], 1));

    let (stdout, stderr, code) = script(&root, &["--dex", dir, "--filter", "", "pick", "nosuchword"], &[]);
    assert_eq!((stdout.as_slice(), code), (&b""[..], 1));
    assert_eq!(stderr, "tdx-fzf: no cards match\n");

    let (stdout, stderr, code) = script(&root, &["--dex", dir, "--filter", "", "pick", "what:("], &[]);
    assert_eq!((stdout.as_slice(), code), (&b""[..], 2));
    assert!(stderr.contains("termdex: error: invalid filter"), "{stderr}");
}

/// The preview the docs recommend, `termdex show {1}`: fzf substitutes `{1}` single-quoted
/// and runs the line with a shell.
#[test]
fn the_preview_renders_one_card() {
    let dex = deck();
    let expected = "fzf tips\nnotes/fzf tips.md\n\ntitle: fzf tips\nwhat: note\ntags: fzf, shell\n\nPreview windows and reload bindings.\n";
    let direct = termdex(&dex, &["show", "notes/fzf tips.md"]);
    assert_eq!(String::from_utf8_lossy(&direct), expected);

    let bin = termdex_bin();
    let out = Command::new("sh")
        .arg("-c")
        .arg("\"$TERMDEX\" --dex \"$DEX\" show --no-refresh 'notes/fzf tips.md'")
        .current_dir(dex.root())
        .env("TERMDEX", &bin)
        .env("DEX", dex.root())
        .env_remove("TERMDEX_DIR")
        .output()
        .expect("run sh");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);

    // The script's preview gets the whole record and cuts the columns off the end.
    require_fzf();
    let dir = dex.root();
    let out = Command::new("bash")
        .arg(SCRIPT)
        .args(["--dex", dir.to_str().expect("UTF-8 temp dir")])
        .args(["__preview", "pick", "--", "notes/fzf tips.md\tfzf tips\tnote\tfzf, shell"])
        .current_dir(dex.root())
        .env("TERMDEX", &bin)
        .output()
        .expect("run bash");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

/// `termdex query -0 | fzf --read0 --filter x --print0`: a file name with a space and a
/// tab comes back byte for byte.
#[test]
fn nul_records_round_trip_a_name_with_a_space_and_a_tab() {
    let dex = deck();
    let name = "odd dir/we ird\tname.md";
    dex.write(name, "---\ntitle: Odd name\nwhat: note\ntags: [odd]\n---\nbody\n");

    let paths = termdex(&dex, &["query", "-0", "--format", "paths"]);
    let chosen = fzf(&paths, &["--read0", "--filter", "ird", "--print0"]);
    assert_eq!(chosen, format!("{name}\0").into_bytes());

    // The default format: the whole record comes back, path first, columns after it.
    let lines = termdex(&dex, &["query", "-0"]);
    let chosen =
        fzf(&lines, &["--read0", "--delimiter", "\t", "--nth", "2..", "--filter", "'odd", "--print0"]);
    assert_eq!(chosen, format!("{name}\tOdd name\tnote\todd\0").into_bytes());

    // The script cuts the columns off the end, so the tab in the name survives.
    let root = dex.root();
    let dir = root.to_str().expect("UTF-8 temp dir");
    let (stdout, stderr, code) = script(&root, &["--dex", dir, "-0", "--filter", "'odd"], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, format!("{name}\0").into_bytes());
}
