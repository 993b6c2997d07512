//! A temporary dex and the real `termdex` binary, for tests that assert exact outcomes.

use std::fs;
use std::path::{Path, PathBuf};
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
