//! Special files and links where termdex expects its own files or the user's: a FIFO,
//! a folder or a symlink in the place of an ignore file, a template, a lock file, the
//! index or a card. Nothing here may hang termdex, make it write through a link, or leave
//! every command failing. Every run has a deadline: a command that blocks fails the test.

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::util::{
    TestDex, hand_over, permission_runner, run_as, skip_unless_runnable, summary, text_of, writable_folder,
};

/// How long any one command may take here before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(20);

fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `termdex ARGS` with `env` set, killed at the deadline; fails the test if it was.
fn run(dex: &TestDex, env: &[(&str, &Path)], args: &[&str]) -> (String, String, i32) {
    let mut cmd = dex.cmd();
    cmd.args(args).timeout(DEADLINE);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out: Output = cmd.output().expect("run termdex");
    let (stdout, stderr, code) = text_of(&out);
    assert!(
        out.status.code().is_some(),
        "termdex {args:?} did not finish within {DEADLINE:?} (it blocked)\n{stderr}"
    );
    (stdout, stderr, code)
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines.sort();
    lines
}

/// A home folder of its own, so that git's config of the machine running the tests plays
/// no part; `GIT_CONFIG_SYSTEM` points into it too.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home { dir: tempfile::tempdir().expect("home") }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    fn env(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("HOME", self.dir.path().to_path_buf()),
            ("XDG_CONFIG_HOME", self.path("config")),
            ("GIT_CONFIG_SYSTEM", self.path("etc/gitconfig")),
        ]
    }
}

fn env_of<'a>(pairs: &'a [(&'static str, PathBuf)]) -> Vec<(&'static str, &'a Path)> {
    pairs.iter().map(|(k, v)| (*k, v.as_path())).collect()
}

#[test]
fn ignore_files_that_are_fifos_or_folders_are_skipped_with_one_warning_and_never_block() {
    let dex = TestDex::new();
    let home = Home::new();
    dex.write("a.md", "# A\n")
        .write("skipped.md", "# left out by a regular .ignore\n")
        .write("sub/b.md", "# B\n")
        .write("sub/sub-ignored.md", "# left out by a regular sub/.gitignore\n")
        .write(".ignore", "skipped.md\n")
        .write("sub/.gitignore", "sub-ignored.md\n");
    fs::create_dir_all(dex.path(".git/info")).expect("a git repository");
    mkfifo(&dex.path(".gitignore"));
    mkfifo(&dex.path(".git/info/exclude"));
    mkfifo(&dex.path("sub/.ignore"));
    fs::create_dir_all(dex.path("deeper/.gitignore")).expect("a folder named .gitignore");
    dex.write("deeper/c.md", "# C\n");
    // git's own files: the user's config, the system's, and the global excludes file.
    mkfifo(&home.path(".gitconfig"));
    mkfifo(&home.path("etc/gitconfig"));
    mkfifo(&home.path("config/git/ignore"));
    let pairs = home.env();
    let env = env_of(&pairs);
    let skipped = |file: &str, what: &str, lost: &str| {
        format!(
            "termdex: warning: {file}: {what} skipped: is a FIFO (named pipe), not a regular file ({lost})"
        )
    };
    let ignore_file = |file: &str| skipped(file, "ignore file", "its rules do not apply");
    let git_config = |file: PathBuf| {
        skipped(&file.display().to_string(), "git config file", "its core.excludesFile does not apply")
    };
    let mut warnings = vec![
        ignore_file(".git/info/exclude"),
        ignore_file(".gitignore"),
        ignore_file("sub/.ignore"),
        ignore_file(&home.path("config/git/ignore").display().to_string()),
        git_config(home.path(".gitconfig")),
        git_config(home.path("etc/gitconfig")),
        "termdex: warning: deeper/.gitignore: ignore file skipped: is a directory, not a regular file (its rules do not apply)"
            .to_string(),
    ];
    warnings.sort();
    let (stdout, stderr, code) = run(&dex, &env, &["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("a.md\ndeeper/c.md\nsub/b.md\n", 0), "{stderr}");
    assert_eq!(sorted_lines(&stderr), warnings, "each once");
    let (_, stderr, code) = run(&dex, &env, &["index", "--full"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(summary(&stderr).starts_with("termdex: indexed 3 cards in N ms"), "{stderr}");
    let (stdout, stderr, code) = run(&dex, &env, &["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0), "{stderr}");
    // The writers judge paths by the same rules, without waiting either.
    let (_, stderr, code) = run(&dex, &env, &["set", "status=done", "a.md"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(dex.read("a.md"), b"---\nstatus: done\n---\n# A\n");
    let (stdout, stderr, code) = run(&dex, &env, &["new", "--no-edit", "--print-path", "Fresh"]);
    assert_eq!((stdout.as_str(), code), ("2026/11/23/fresh.md\n", 0), "{stderr}");
    let (_, stderr, code) = run(&dex, &env, &["set", "x=1", "skipped.md"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: skipped.md is not a card: it is ignored by a .ignore or .gitignore rule, so termdex does not index it; it was left as it is\n"
    );
}

#[test]
fn the_global_excludes_file_is_found_as_git_finds_it() {
    let dex = TestDex::new();
    fs::create_dir_all(dex.path(".git")).expect("a git repository");
    dex.write("a.md", "# A\n").write("global.md", "# G\n").write("xdg.md", "# X\n");
    // core.excludesFile, `~` expanded, in the user's config.
    let home = Home::new();
    home.write(".gitconfig", "[core]\n\texcludesFile = \"~/my-ignore\"\n");
    home.write("my-ignore", "global.md\n");
    home.write("config/git/ignore", "xdg.md\n");
    let pairs = home.env();
    let (stdout, stderr, code) = run(&dex, &env_of(&pairs), &["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("a.md\nxdg.md\n", "", 0));
    // Without a setting: $XDG_CONFIG_HOME/git/ignore.
    let home = Home::new();
    home.write("config/git/ignore", "xdg.md\n");
    let pairs = home.env();
    let (stdout, stderr, code) = run(&dex, &env_of(&pairs), &["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("a.md\nglobal.md\n", "", 0));
    // A FIFO named by the setting is skipped, with a warning, and never waited on.
    let home = Home::new();
    home.write(".gitconfig", "[core]\nexcludesfile = ~/fifo\n");
    mkfifo(&home.path("fifo"));
    let pairs = home.env();
    let (stdout, stderr, code) = run(&dex, &env_of(&pairs), &["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("a.md\nglobal.md\nxdg.md\n", 0));
    assert_eq!(
        stderr,
        format!(
            "termdex: warning: {}: ignore file skipped: is a FIFO (named pipe), not a regular file (its rules do not apply)\n",
            home.path("fifo").display()
        )
    );
}

#[test]
fn a_template_that_is_a_fifo_is_never_waited_on() {
    let dex = TestDex::new();
    mkfifo(&dex.path(".termdex/templates/note.md"));
    mkfifo(&dex.path(".termdex/templates/mine.md"));
    let template = dex.path(".termdex/templates/note.md");
    let (stdout, stderr, code) = run(&dex, &[], &["new", "--no-edit", "--print-path", "x"]);
    assert_eq!((stdout.as_str(), code), ("2026/11/23/x.md\n", 0), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "termdex: warning: cannot read template {}: is a FIFO (named pipe), not a regular file; using the built-in template `note` instead\ntermdex: saved 2026/11/23/x.md\n",
            template.display()
        )
    );
    assert!(String::from_utf8_lossy(&dex.read("2026/11/23/x.md")).starts_with("---\ntitle: x\n"));
    // A template of the dex's own, with no built-in to fall back on, is an error.
    let (_, stderr, code) = run(&dex, &[], &["new", "--no-edit", "mine", "y"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "termdex: error: cannot read template {}: is a FIFO (named pipe), not a regular file\n",
            dex.path(".termdex/templates/mine.md").display()
        )
    );
}

#[test]
fn lock_files_that_are_links_fifos_or_folders_are_refused_and_never_followed() {
    let outside = tempfile::tempdir().expect("outside");
    for lock in ["write.lock", "index.lock"] {
        for kind in ["a symbolic link", "a FIFO (named pipe)", "a directory"] {
            let dex = TestDex::new();
            dex.write("c1.md", "---\nz: 0\n---\n");
            let (_, stderr, code) = run(&dex, &[], &["index"]);
            assert_eq!(code, 0, "{stderr}");
            let path = dex.path(&format!(".termdex/{lock}"));
            let _ = fs::remove_file(&path);
            let target = outside.path().join(format!("PWNED-{lock}"));
            match kind {
                "a symbolic link" => symlink(&target, &path).expect("symlink"),
                "a FIFO (named pipe)" => mkfifo(&path),
                _ => fs::create_dir(&path).expect("mkdir"),
            }
            // The index lock is taken when the index is created: start from none.
            let args: &[&str] = if lock == "write.lock" {
                &["set", "z=1", "c1.md"]
            } else {
                fs::remove_file(dex.path(".termdex/index.db")).expect("rm index");
                &["query", "--format", "paths"]
            };
            let (stdout, stderr, code) = run(&dex, &[], args);
            let what = if lock == "write.lock" { "take the write lock" } else { "lock the index" };
            assert_eq!((stdout.as_str(), code), ("", 2), "{lock} {kind}");
            assert_eq!(
                stderr,
                format!(
                    "termdex: error: cannot {what}: {} is {kind}, not a file termdex made; remove it (termdex makes the lock file again) and run the command again\n",
                    path.display()
                ),
                "{lock} {kind}"
            );
            assert!(target.symlink_metadata().is_err(), "nothing was created through the link");
            assert_eq!(dex.read("c1.md"), b"---\nz: 0\n---\n", "{lock} {kind}");
            // Removed, as the message says, the command works.
            if kind == "a directory" {
                fs::remove_dir(&path).expect("rmdir");
            } else {
                fs::remove_file(&path).expect("rm");
            }
            let (_, stderr, code) = run(&dex, &[], args);
            assert_eq!(code, 0, "{lock} {kind}: {stderr}");
        }
    }
}

/// Puts `make` in the place of an index file and runs `args`: the index is rebuilt, the
/// answer is right, and one warning says what was set aside.
fn set_aside_and_rebuilt(file: &str, make: impl Fn(&Path), args: &[&str], reason: &str) -> TestDex {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let (_, stderr, code) = run(&dex, &[], &["index"]);
    assert_eq!(code, 0, "{stderr}");
    for name in ["index.db", "index.db-wal", "index.db-shm"] {
        let _ = fs::remove_file(dex.path(&format!(".termdex/{name}")));
    }
    if file != "index.db" {
        // A sound database, the odd file beside it.
        let (_, stderr, code) = run(&dex, &[], &["index"]);
        assert_eq!(code, 0, "{stderr}");
    }
    make(&dex.path(&format!(".termdex/{file}")));
    let (stdout, stderr, code) = run(&dex, &[], args);
    assert_eq!(code, 0, "{file}: {stderr}");
    if args[0] == "query" {
        assert_eq!(stdout, "a.md\n");
    }
    let db = dex.path(".termdex/index.db");
    assert_eq!(
        stderr.lines().next().unwrap_or_default(),
        format!("termdex: warning: index {} {reason}; rebuilding it from the cards", db.display()),
        "{file}"
    );
    // Once: the next command finds the index sound.
    let (stdout, stderr, code) = run(&dex, &[], &["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("a.md\n", "", 0), "{file}");
    assert!(db.symlink_metadata().expect("index").is_file());
    dex
}

#[test]
fn anything_but_a_file_in_the_place_of_the_index_is_set_aside_and_the_index_rebuilt() {
    let query: &[&str] = &["query", "--format", "paths"];
    let dex = set_aside_and_rebuilt(
        "index.db",
        mkfifo,
        query,
        "is a FIFO (named pipe), not a database file (index.db was moved aside to index.db.broken-1)",
    );
    assert!(dex.path(".termdex/index.db.broken-1").symlink_metadata().expect("aside").file_type().is_fifo());
    let dex = set_aside_and_rebuilt(
        "index.db",
        |p| fs::create_dir(p).expect("mkdir"),
        &["index", "--full"],
        "is a directory, not a database file (the empty folder index.db was removed)",
    );
    assert!(dex.path(".termdex/index.db.broken-1").symlink_metadata().is_err(), "nothing to keep");
    // A folder holding files may be someone's: it is moved aside, whole.
    let dex = set_aside_and_rebuilt(
        "index.db",
        |p| {
            fs::create_dir(p).expect("mkdir");
            fs::write(p.join("keep.txt"), "mine").expect("write");
        },
        query,
        "is a directory, not a database file (index.db was moved aside to index.db.broken-1)",
    );
    assert_eq!(fs::read_to_string(dex.path(".termdex/index.db.broken-1/keep.txt")).expect("kept"), "mine");
    let dex = set_aside_and_rebuilt(
        "index.db-wal",
        |p| fs::create_dir_all(p.join("x")).expect("mkdir"),
        query,
        "has a directory in the place of its file index.db-wal (index.db-wal was moved aside to index.db-wal.broken-1)",
    );
    assert!(dex.path(".termdex/index.db-wal.broken-1/x").is_dir());
    // Beside a sound database, looked at before SQLite opens anything: it would wait for
    // ever on a FIFO at the journal, and call a folder at the shared memory read-only.
    set_aside_and_rebuilt(
        "index.db-journal",
        mkfifo,
        query,
        "has a FIFO (named pipe) in the place of its file index.db-journal (index.db-journal was moved aside to index.db-journal.broken-1)",
    );
    set_aside_and_rebuilt(
        "index.db-shm",
        |p| fs::create_dir(p).expect("mkdir"),
        &["index", "--full"],
        "has a directory in the place of its file index.db-shm (the empty folder index.db-shm was removed)",
    );
    // Links are never followed: not for the WAL, not for the database itself.
    let outside = tempfile::tempdir().expect("outside");
    let precious = outside.path().join("precious");
    fs::write(&precious, "precious").expect("write");
    let dex = set_aside_and_rebuilt(
        "index.db-wal",
        |p| symlink(&precious, p).expect("symlink"),
        query,
        "has a symbolic link in the place of its file index.db-wal (index.db-wal was moved aside to index.db-wal.broken-1)",
    );
    assert_eq!(fs::read_link(dex.path(".termdex/index.db-wal.broken-1")).expect("link"), precious);
    let dex = set_aside_and_rebuilt(
        "index.db",
        |p| symlink(&precious, p).expect("symlink"),
        query,
        "is a symbolic link, not a database file (index.db was moved aside to index.db.broken-1)",
    );
    assert_eq!(fs::read_link(dex.path(".termdex/index.db.broken-1")).expect("link"), precious);
    assert_eq!(fs::read_to_string(&precious).expect("read"), "precious", "untouched");
    let nologin = outside.path().join("nologin");
    set_aside_and_rebuilt(
        "index.db",
        |p| symlink(&nologin, p).expect("symlink"),
        query,
        "is a symbolic link, not a database file (index.db was moved aside to index.db.broken-1)",
    );
    assert!(nologin.symlink_metadata().is_err(), "nothing was created where the link pointed");
}

#[test]
fn a_fifo_where_a_card_is_opened_or_made_is_said_to_be_one() {
    let dex = TestDex::new();
    mkfifo(&dex.path("f.md"));
    let (_, stderr, code) = run(&dex, &[("EDITOR", Path::new("true"))], &["edit", "f.md"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: f.md is not a card: it is a FIFO (named pipe), not a regular file; it was left as it is\n"
    );
    mkfifo(&dex.path("journal/2026-11-23.md"));
    let (_, stderr, code) = run(&dex, &[], &["journal", "--no-edit"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "termdex: error: journal/2026-11-23.md is not a card: it is a FIFO (named pipe), not a regular file; it was left as it is\n"
    );
}

#[test]
fn new_in_dot_is_the_top_of_the_dex() {
    let dex = TestDex::new();
    dex.write("sub/x.md", "# X\n");
    let sub = dex.path("sub");
    let out = dex
        .cmd_in(&sub)
        .arg("--dex")
        .arg(dex.root())
        .args(["new", "--no-edit", "--print-path", "--in", ".", "Top card"])
        .output()
        .expect("run");
    let (stdout, stderr, code) = text_of(&out);
    assert_eq!((stdout.as_str(), code), ("../top-card.md\n", 0), "{stderr}");
    assert!(dex.path("top-card.md").is_file(), "at the top, not in the folder termdex ran in");
    let (stdout, stderr, code) = run(&dex, &[], &["new", "--no-edit", "--print-path", "--in", "./", "Again"]);
    assert_eq!((stdout.as_str(), code), ("again.md\n", 0), "{stderr}");
    let (_, stderr, code) = run(&dex, &[], &["new", "--no-edit", "--in", "", "Nowhere"]);
    assert_eq!(
        (stderr.as_str(), code),
        ("termdex: error: --in names no folder (`--in .` is the top of the dex)\n", 2)
    );
}

#[test]
fn a_template_of_someone_elses_state_folder_gives_the_builtin_one_with_a_warning() {
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", "default_view = \"tasks\"\n")
        .write(".termdex/templates/note.md", "---\ntitle: {{title}}\nmine: yes\n---\n");
    let root = dex.root();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod");
    // The dex is the runner's; its `.termdex` another user's private folder.
    hand_over(&root, runner);
    let state = dex.path(".termdex");
    if runner.is_some() {
        std::os::unix::fs::chown(&state, Some(0), Some(0)).expect("chown to root");
    }
    let mode = if runner.is_some() { 0o700 } else { 0o000 };
    fs::set_permissions(&state, fs::Permissions::from_mode(mode)).expect("chmod");
    struct Restore(PathBuf);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
        }
    }
    let _restore = Restore(state.clone());
    let cache = writable_folder(runner);
    let env = [("XDG_CACHE_HOME", cache.path())];
    let result = run_as(&dex, runner, &env, &["new", "--no-edit", "--print-path", "Plan"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let (stdout, stderr, code) = text_of(&result.expect("ran"));
    assert_eq!((stdout.as_str(), code), ("2026/11/23/plan.md\n", 0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.contains(&format!(
            "termdex: warning: cannot read template {}: permission denied; using the built-in template `note` instead (make it readable to use it)",
            state.join("templates/note.md").display()
        ).as_str()),
        "{stderr}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("termdex: warning: cannot read ")
            && l.contains("config.toml: permission denied; using the built-in configuration instead")),
        "{stderr}"
    );
    assert_eq!(lines.last(), Some(&"termdex: saved 2026/11/23/plan.md"), "{stderr}");
    let card = String::from_utf8_lossy(&dex.read("2026/11/23/plan.md")).into_owned();
    assert!(card.starts_with("---\ntitle: Plan\n") && !card.contains("mine: yes"), "{card}");
}
