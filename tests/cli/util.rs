//! A temporary dex and the real `termdex` binary, for tests that assert exact outcomes.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;

pub struct TestDex {
    dir: tempfile::TempDir,
}

impl TestDex {
    pub fn new() -> TestDex {
        TestDex { dir: tempfile::tempdir().expect("temp dir") }
    }

    /// The dex root, symlinks resolved (as termdex reports it).
    pub fn root(&self) -> PathBuf {
        self.dir.path().canonicalize().expect("canonical temp dir")
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (creating folders) and gives it a distinct mtime, so that a change
    /// is seen even when it lands in the same clock tick as the previous refresh.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &TestDex {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, content).expect("write");
        bump_mtime(&path);
        self
    }

    /// Writes a file with a given modification time (RFC 3339, e.g. `2026-11-23T09:00:00Z`).
    pub fn write_at(&self, rel: &str, content: impl AsRef<[u8]>, mtime: &str) -> &TestDex {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, content).expect("write");
        let stamp: jiff::Timestamp = mtime.parse().expect("RFC 3339 time");
        let when = SystemTime::UNIX_EPOCH + Duration::from_secs(stamp.as_second().max(0) as u64);
        fs::File::options().write(true).open(&path).expect("open").set_modified(when).expect("set mtime");
        self
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).expect("read")
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.path(rel)).expect("remove");
    }

    /// `termdex --dex ROOT` run in the dex root with a clean environment. The explicit
    /// `--dex` keeps a stray `.termdex/` in a folder above the temp dir from taking over.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.cmd_in(&self.root());
        cmd.arg("--dex").arg(self.root());
        cmd
    }

    pub fn cmd_in(&self, cwd: &Path) -> Command {
        let mut cmd = Command::cargo_bin("termdex").expect("binary");
        cmd.current_dir(cwd)
            .env("TERMDEX_TODAY", "2026-11-23")
            .env_remove("TERMDEX_DIR")
            // `show` wraps to fzf's preview window when it says how wide it is.
            .env_remove("FZF_PREVIEW_COLUMNS")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env("NO_COLOR", "1")
            .env("TZ", "UTC");
        cmd
    }

    /// `termdex --dex ROOT` as a plain process, for tests that spawn several at once.
    pub fn process(&self) -> std::process::Command {
        self.process_of(&assert_cmd::cargo::cargo_bin("termdex"))
    }

    /// [`TestDex::process`] running the termdex binary at `program`.
    pub fn process_of(&self, program: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.current_dir(self.root())
            .env_remove("TERMDEX_DIR")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env("NO_COLOR", "1")
            .env("TZ", "UTC")
            .env("TERMDEX_TODAY", "2026-11-23")
            .arg("--dex")
            .arg(self.root());
        cmd
    }

    /// Runs `termdex ARGS` and returns (stdout, stderr, exit code).
    pub fn run(&self, args: &[&str]) -> (String, String, i32) {
        let out = self.cmd().args(args).output().expect("run termdex");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code().unwrap_or(-1),
        )
    }

    /// The cards as `termdex query --format jsonl` prints them.
    pub fn cards(&self) -> Vec<serde_json::Value> {
        let (stdout, stderr, code) = self.run(&["query", "--format", "jsonl"]);
        assert!(code == 0 || code == 1, "query failed: {stderr}");
        stdout.lines().map(|l| serde_json::from_str(l).expect("valid JSON line")).collect()
    }

    /// The card at `path` from `query --format jsonl`.
    pub fn card(&self, path: &str) -> serde_json::Value {
        self.cards().into_iter().find(|c| c["path"] == path).unwrap_or_else(|| panic!("no card {path:?}"))
    }

    pub fn paths(&self) -> Vec<String> {
        self.cards().iter().map(|c| c["path"].as_str().expect("path").to_string()).collect()
    }
}

/// Moves a file's mtime forward by a second from whatever it was.
pub fn bump_mtime(path: &Path) {
    static TICK: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = TICK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let when = SystemTime::now() + Duration::from_secs(n);
    let file = fs::File::options().write(true).open(path).expect("open for mtime");
    file.set_modified(when).expect("set mtime");
}

/// The summary line of `termdex index` with the milliseconds masked.
pub fn summary(stderr: &str) -> String {
    let line = stderr.lines().last().unwrap_or_default();
    let Some(start) = line.find(" in ") else {
        return line.to_string();
    };
    let Some(end) = line[start..].find(" ms") else {
        return line.to_string();
    };
    format!("{} in N{}", &line[..start], &line[start + end..])
}

// Running termdex as another user, for permission errors: root, whom permission bits do
// not stop, runs it as `nobody`.

/// Who runs termdex in the permission tests: `None` for this process's user, whom
/// permission bits stop, or (when that is root, whom they do not) `nobody`'s uid.
pub fn permission_runner() -> Option<u32> {
    // SAFETY: geteuid cannot fail and touches no memory.
    let euid = unsafe { libc::geteuid() };
    (euid == 0).then_some(NOBODY)
}

pub const NOBODY: u32 = 65534;

/// Makes folders read-only for the length of a test (and writable again after it, even
/// when it fails, so the temporary folders can be deleted).
pub struct ReadOnly(Vec<PathBuf>);

impl ReadOnly {
    pub fn new(folders: &[PathBuf]) -> ReadOnly {
        for folder in folders {
            fs::set_permissions(folder, fs::Permissions::from_mode(0o555)).expect("chmod a-w");
        }
        ReadOnly(folders.to_vec())
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        for folder in &self.0 {
            let _ = fs::set_permissions(folder, fs::Permissions::from_mode(0o755));
        }
    }
}

/// A cache folder the runner can write, for `$XDG_CACHE_HOME` or `$HOME`.
pub fn writable_folder(runner: Option<u32>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    if let Some(uid) = runner {
        std::os::unix::fs::chown(dir.path(), Some(uid), Some(uid)).expect("chown to the runner");
    }
    dir
}

/// The termdex binary, copied where every user can run it: the build folder may sit in a
/// checkout `nobody` cannot enter (a CI clone in a private temporary folder), and then the
/// permission tests would have nothing to run.
pub fn binary_for_everyone() -> &'static Path {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = COPY.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = dir.path().join("termdex");
        fs::copy(assert_cmd::cargo::cargo_bin("termdex"), &path).expect("copy termdex");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
        (dir, path)
    });
    path
}

/// `termdex --dex DEX ARGS`, as the runner.
pub fn run_as(
    dex: &TestDex,
    runner: Option<u32>,
    env: &[(&str, &Path)],
    args: &[&str],
) -> io::Result<Output> {
    let mut cmd = if runner.is_some() { dex.process_of(binary_for_everyone()) } else { dex.process() };
    cmd.env_remove("XDG_CACHE_HOME").args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    if let Some(uid) = runner {
        cmd.uid(uid).gid(uid);
    }
    // The copy of the binary was just written: a child that another test thread forked
    // while the copy's file was open holds it open for writing until that child execs,
    // and exec then fails with ETXTBSY ("Text file busy"). That passes in moments.
    let mut tries = 0;
    loop {
        match cmd.output() {
            Err(e) if e.raw_os_error() == Some(26) && tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

/// As root, the permission tests need `nobody` to reach the dex and the binary; when it
/// cannot (a private home folder on the way), they are skipped, saying why.
pub fn skip_unless_runnable(result: &io::Result<Output>, runner: Option<u32>) -> bool {
    // The binary is copied where anyone can run it, so in CI a skip means the test proved
    // nothing: `skipped` fails it there instead of letting it pass quietly.
    match result {
        Err(e) if runner.is_some() => {
            skipped(&format!("cannot run termdex as nobody to stage permission errors for root ({e})"));
            true
        }
        Err(e) => panic!("cannot run termdex: {e}"),
        Ok(out) if runner.is_some() && out.status.code() == Some(126) => {
            skipped("nobody cannot execute termdex here");
            true
        }
        Ok(_) => false,
    }
}

/// Says that the running test cannot do all it is for on this machine, and why: on
/// stderr, and as a line in the file `$TERMDEX_TEST_SKIPS` names (scripts/test.sh sets
/// it and lists those lines after the run, because cargo test shows no passing test's
/// stderr). In CI, where everything can run, the test fails instead.
pub fn skipped(why: &str) {
    assert!(!in_ci(), "in CI, {why}");
    eprintln!("skipped: {why}");
    let Some(file) = std::env::var_os("TERMDEX_TEST_SKIPS") else { return };
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let line = format!("{test}: {why}\n");
    let recorded =
        fs::OpenOptions::new().append(true).open(&file).and_then(|mut f| f.write_all(line.as_bytes()));
    recorded.expect("record the skip in $TERMDEX_TEST_SKIPS");
}

/// Gives `path` and everything under it to the runner (when there is one), so that
/// `nobody` owns a dex as its user would.
pub fn hand_over(path: &Path, runner: Option<u32>) {
    let Some(uid) = runner else { return };
    std::os::unix::fs::lchown(path, Some(uid), Some(uid)).expect("chown to the runner");
    if path.is_dir() && !path.is_symlink() {
        for entry in fs::read_dir(path).expect("ls").flatten() {
            hand_over(&entry.path(), runner);
        }
    }
}

/// Whether this runs in CI, where a test that cannot do what it is for must fail rather
/// than pass having proved nothing.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some()
}

pub fn text_of(out: &Output) -> (String, String, i32) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}
