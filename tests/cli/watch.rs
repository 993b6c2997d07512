//! `termdex watch` and the commands that trust it instead of walking (issue 16 point 3):
//! real watcher processes, real changes, and `-v` saying which way each command went.
//! Every answer is compared with the files; no sleep stands in for a cookie.

use std::fs;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::util::{self, TestDex};

/// A running `termdex watch`, killed when dropped.
struct Watcher {
    child: Child,
}

impl Watcher {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a watcher on `dex` and waits until a command trusts it (it walks first).
fn watch(dex: &TestDex) -> Watcher {
    let child =
        dex.process().arg("watch").stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let watcher = Watcher { child };
    let pid = watcher.pid();
    let start = Instant::now();
    loop {
        let stderr = paths(dex).1;
        if trusted(&stderr, pid) {
            return watcher;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the watcher is not trusted within 30 s: {stderr}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (up to 30 s) for something the test does not control the timing of.
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(30), "{what}: not within 30 s");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `-v query --format paths`: (stdout, stderr).
fn paths(dex: &TestDex) -> (String, String) {
    let (stdout, stderr, code) = dex.run(&["-v", "query", "--format", "paths"]);
    assert!(code == 0 || code == 1, "{stderr}");
    (stdout, stderr)
}

fn trusted(stderr: &str, pid: u32) -> bool {
    stderr.contains(&format!("termdex: trusted watcher pid {pid}: no walk"))
}

fn walked(stderr: &str) -> Option<&str> {
    stderr.lines().find_map(|l| l.strip_prefix("termdex: walked: "))
}

fn signal(pid: u32, signal: libc::c_int) {
    // SAFETY: a signal to a child process this test started.
    assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
}

#[test]
fn a_change_made_right_before_a_command_is_in_its_answer() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("b.md", "# B\n");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    for round in 0..5 {
        // New, changed in place, saved the way editors do (a temp file renamed over it),
        // deleted and created again: each the moment before the command starts.
        fs::write(dex.path(&format!("new{round}.md")), format!("# New {round}\n")).expect("write");
        fs::write(dex.path("a.md"), format!("# A {round}\n")).expect("write");
        fs::write(dex.path(".b.md.swp"), format!("# B {round}\n")).expect("write");
        fs::rename(dex.path(".b.md.swp"), dex.path("b.md")).expect("rename");
        let (stdout, stderr, _) = dex.run(&["-v", "query", "--format", "tsv", "--fields", "title"]);
        assert!(trusted(&stderr, pid), "round {round}: {stderr}");
        let mut expected = format!("path\ttitle\na.md\tA {round}\nb.md\tB {round}\n");
        for n in 0..=round {
            expected.push_str(&format!("new{n}.md\tNew {n}\n"));
        }
        assert_eq!(stdout, expected, "round {round}");
    }
    fs::remove_file(dex.path("new0.md")).expect("rm");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nb.md\nnew1.md\nnew2.md\nnew3.md\nnew4.md\n");
    // `index` with nothing to do does not walk either, and says what the index holds.
    let (_, stderr, code) = dex.run(&["-v", "index"]);
    assert_eq!(code, 0);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert!(stderr.contains("indexed 6 cards in"), "{stderr}");
}

#[test]
fn folders_created_moved_and_removed_are_followed() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let outside = tempfile::tempdir().expect("tempdir");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    // A new folder with a card in it at once, and folders nested in it at once.
    fs::create_dir(dex.path("new")).expect("mkdir");
    fs::write(dex.path("new/x.md"), "# X\n").expect("write");
    fs::create_dir_all(dex.path("new/deep/er")).expect("mkdir");
    fs::write(dex.path("new/deep/er/y.md"), "# Y\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nnew/deep/er/y.md\nnew/x.md\n");
    // A whole subfolder renamed; a card created in it under its new name at once.
    fs::rename(dex.path("new"), dex.path("moved")).expect("mv");
    fs::write(dex.path("moved/deep/z.md"), "# Z\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nmoved/deep/er/y.md\nmoved/deep/z.md\nmoved/x.md\n");
    // Moved out of the dex: gone; a change to it there is no change to the dex.
    fs::rename(dex.path("moved/deep"), outside.path().join("deep")).expect("mv out");
    fs::write(outside.path().join("deep/w.md"), "# W\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nmoved/x.md\n");
    // Moved back in, with the card written while it was away.
    fs::rename(outside.path().join("deep"), dex.path("back")).expect("mv in");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nback/er/y.md\nback/w.md\nback/z.md\nmoved/x.md\n");
    // Ignored by a new .ignore file, then removed whole.
    fs::write(dex.path(".ignore"), "back/\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nmoved/x.md\n");
    fs::remove_file(dex.path(".ignore")).expect("rm");
    fs::remove_dir_all(dex.path("moved")).expect("rm -r");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nback/er/y.md\nback/w.md\nback/z.md\n");
}

#[test]
fn a_killed_watcher_is_not_trusted() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let mut watcher = watch(&dex);
    let pid = watcher.pid();
    signal(pid, libc::SIGKILL);
    watcher.child.wait().expect("wait");
    // Its record is left behind; the change after its death is found by the walk.
    assert!(dex.path(".termdex/index.watch").exists());
    fs::write(dex.path("b.md"), "# B\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert_eq!(walked(&stderr), Some(format!("the watcher (pid {pid}) is no longer running").as_str()));
    assert_eq!(stdout, "a.md\nb.md\n");
}

#[test]
fn a_pid_the_system_gave_to_another_process_is_not_trusted() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let mut watcher = watch(&dex);
    let record_path = dex.path(".termdex/index.watch");
    let record: serde_json::Value =
        serde_json::from_slice(&fs::read(&record_path).expect("record")).expect("json");
    signal(watcher.pid(), libc::SIGKILL);
    watcher.child.wait().expect("wait");
    // Another live process now has the pid the record names (as if the system reused
    // it), and the heartbeat is fresh: only the start time tells them apart.
    let mut other = std::process::Command::new("sleep").arg("60").spawn().expect("sleep");
    let mut faked = record.clone();
    faked["pid"] = other.id().into();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time");
    faked["heartbeat_ns"] = (now.as_nanos() as i64).into();
    fs::write(&record_path, serde_json::to_vec(&faked).expect("json")).expect("write");
    fs::write(dex.path("b.md"), "# B\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    let _ = other.kill();
    let _ = other.wait();
    assert_eq!(
        walked(&stderr),
        Some(format!("the watcher (pid {}) is no longer running", other.id()).as_str())
    );
    assert_eq!(stdout, "a.md\nb.md\n");
}

#[test]
fn after_lost_events_commands_walk_until_the_watcher_walked_again() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    // The test hook: from now on the watcher drops every event, as after an overflow.
    let hook = dex.path(".termdex/watch-test-overflow");
    fs::write(&hook, "").expect("hook");
    fs::write(dex.path("a.md"), "# A, changed while events were lost\n").expect("write");
    fs::write(dex.path("b.md"), "# B\n").expect("write");
    let (stdout, stderr, _) = dex.run(&["-v", "query", "--format", "tsv", "--fields", "title"]);
    let why = walked(&stderr).unwrap_or_else(|| panic!("{stderr}"));
    assert!(why.starts_with(&format!("the watcher (pid {pid}) may have missed changes")), "{why}");
    assert_eq!(stdout, "path\ttitle\na.md\tA, changed while events were lost\nb.md\tB\n");
    // A change the watcher never hears of, then the loss ends: it watches every folder
    // again and walks, and only then is it trusted, with the change in its index.
    fs::write(dex.path("c.md"), "# C\n").expect("write");
    fs::remove_file(&hook).expect("unhook");
    until("the watcher is trusted again", || trusted(&paths(&dex).1, pid));
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nb.md\nc.md\n");
}

#[test]
fn a_stopped_watcher_is_not_trusted() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    signal(pid, libc::SIGSTOP);
    fs::write(dex.path("b.md"), "# B\n").expect("write");
    // Its heartbeat is fresh yet: the cookie it cannot acknowledge makes the command walk.
    let (stdout, stderr) = paths(&dex);
    assert_eq!(
        walked(&stderr),
        Some(format!("the watcher (pid {pid}) did not answer within 500 ms").as_str())
    );
    assert_eq!(stdout, "a.md\nb.md\n");
    // Once the heartbeat is older than the limit (shortened for the test), that says it.
    std::thread::sleep(Duration::from_millis(300));
    let out =
        dex.cmd().env("TERMDEX_WATCH_HEARTBEAT_LIMIT_MS", "200").args(["-v", "index"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let why = walked(&stderr).unwrap_or_else(|| panic!("{stderr}"));
    assert!(why.starts_with(&format!("the watcher's (pid {pid}) last heartbeat is ")), "{why}");
    signal(pid, libc::SIGCONT);
    until("the watcher is trusted again", || trusted(&paths(&dex).1, pid));
}

#[test]
fn other_settings_than_the_watchers_are_not_trusted() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("b.txt", "# B\n");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    // A command of other settings than the watcher walked with does not trust it.
    let root = dex.root();
    let index = termdex::index::Index::open(&root.join(".termdex/index.db")).expect("open").index;
    let dex_at = termdex::dex::Dex::at(&root).expect("dex");
    let txt = termdex::scan::Settings {
        extensions: termdex::scan::Extensions::new(&["txt"]).expect("txt"),
        ..termdex::scan::Settings::default()
    };
    match termdex::watch::trust(&dex_at, &index, &txt) {
        termdex::watch::Trust::Walk(why) => assert_eq!(
            why,
            format!(
                "the watcher (pid {pid}) found the cards with other settings or ignore files than this command"
            )
        ),
        trusted => panic!("{trusted:?}"),
    }
    let md = termdex::scan::Settings::default();
    assert_eq!(termdex::watch::trust(&dex_at, &index, &md), termdex::watch::Trust::Watcher(pid));
    drop(index);
    // The config changed under the watcher: whichever way the command goes, its answer is
    // the new config's cards; and the watcher follows the config.
    fs::write(dex.path(".termdex/config.toml"), "extensions = [\"txt\"]\n").expect("config");
    let (stdout, stderr) = paths(&dex);
    assert_eq!(stdout, "b.txt\n", "{stderr}");
    until("the watcher follows the config", || trusted(&paths(&dex).1, pid));
    assert_eq!(paths(&dex).0, "b.txt\n");
}

#[test]
fn links_and_unreadable_cards_make_commands_walk() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    // A card that is a link: a change at its target is no event in the dex.
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(outside.path().join("t.md"), "# T\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("t.md"), dex.path("link.md")).expect("symlink");
    let (stdout, stderr) = paths(&dex);
    assert_eq!(
        walked(&stderr),
        Some(format!("the watcher (pid {pid}) cannot see every change: link.md is a symbolic link").as_str())
    );
    assert_eq!(stdout, "a.md\nlink.md\n");
    // Removed: the cookie's round trip sees the watcher walk again first.
    fs::remove_file(dex.path("link.md")).expect("rm");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\n");
    drop(watcher);
    // A card with a hard link from outside the dex, found by the watcher's first walk.
    // (One made while the watcher runs is no event in the dex: see docs/benchmarks.md.)
    fs::hard_link(dex.path("a.md"), outside.path().join("a-too.md")).expect("ln");
    let child =
        dex.process().arg("watch").stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let watcher = Watcher { child };
    let pid = watcher.pid();
    let hard = format!("the watcher (pid {pid}) cannot see every change: a.md has 2 hard links");
    until("the new watcher walked", || walked(&paths(&dex).1) == Some(hard.as_str()));
    fs::remove_file(outside.path().join("a-too.md")).expect("rm");
    // The link count is no event either: trusted again after a change that walks.
    fs::write(dex.path("b.md"), "# B\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nb.md\n");
}

/// Hostile test: a walk problem has commands walk instead of trusting the watcher, and the
/// lock link Emacs keeps beside each open card (dangling, hidden) was one: the watcher was
/// never trusted while a card was open in Emacs. What the walk skips anyway is no problem.
#[test]
fn links_the_walk_skips_anyway_leave_the_watcher_trusted() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n");
    std::os::unix::fs::symlink("root@host.12345:1700000000", dex.path(".#a.md")).expect("symlink");
    std::os::unix::fs::symlink(".", dex.path(".selfloop")).expect("symlink");
    std::os::unix::fs::symlink("nowhere", dex.path("notes.txt")).expect("symlink");
    let watcher = watch(&dex);
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, watcher.pid()), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(stdout, "a.md\n");
}

/// Review of issue 16 point 3: a card rewritten with its size and modification time kept
/// (`cp -p`, `tar x`, `rsync -t` of an older copy) is no change to a walk's stamps, but
/// the watcher saw its event; a folder created in the same moment had that round walk
/// instead, and the card's event was dropped: the index kept the old text for good.
#[test]
fn a_card_rewritten_with_its_stamp_kept_beside_a_new_folder_is_read() {
    let dex = TestDex::new();
    dex.write_at("a.md", "# Old\n", "2020-01-01T00:00:00Z");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    let path = dex.path("a.md");
    let mtime = fs::metadata(&path).expect("stat").modified().expect("mtime");
    fs::write(&path, "# New\n").expect("write");
    fs::File::options().write(true).open(&path).expect("open").set_modified(mtime).expect("utime");
    fs::create_dir(dex.path("folder")).expect("mkdir");
    let (stdout, stderr, _) = dex.run(&["-v", "query", "--format", "tsv", "--fields", "title"]);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "path\ttitle\na.md\tNew\n");
}

/// Review of issue 16 point 3: a folder that cannot be read is not watched; made readable
/// while the watcher runs (an event on the folder's attributes, which started a walk but
/// watched nothing new), the cards in it were then trusted without a watch, and a change
/// to one of them was missing from the answers.
#[test]
fn a_folder_made_readable_while_watched_is_watched_from_then_on() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let runner = util::permission_runner();
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("locked/b.md", "# B\n");
    util::hand_over(&dex.root(), runner);
    let run = |args: &[&str]| util::run_as(&dex, runner, &[], args);
    if util::skip_unless_runnable(&run(&["index", "-q"]), runner) {
        return;
    }
    fs::set_permissions(dex.path("locked"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut cmd = if runner.is_some() { dex.process_of(util::binary_for_everyone()) } else { dex.process() };
    cmd.env_remove("XDG_CACHE_HOME").arg("watch").stdout(Stdio::null()).stderr(Stdio::null());
    if let Some(uid) = runner {
        cmd.uid(uid).gid(uid);
    }
    let watcher = Watcher { child: cmd.spawn().expect("spawn") };
    let pid = watcher.pid();
    let query =
        || util::text_of(&run(&["-v", "query", "--format", "tsv", "--fields", "title"]).expect("run"));
    until("the watcher walked and met the locked folder", || {
        walked(&query().1).is_some_and(|why| why.contains("cannot see every change"))
    });
    fs::set_permissions(dex.path("locked"), fs::Permissions::from_mode(0o755)).expect("chmod");
    until("the watcher is trusted", || trusted(&query().1, pid));
    fs::write(dex.path("locked/b.md"), "# B, changed\n").expect("write");
    let (stdout, stderr, _) = query();
    assert_eq!(stdout, "path\ttitle\na.md\tA\nlocked/b.md\tB, changed\n", "{stderr}");
}

/// Review of issue 16 point 3: the folder above the dex renamed while the watcher runs
/// (no event in the dex): a card changed meanwhile was read at the old path, found gone
/// and dropped from the index, and the index reopened there (a new, empty `.termdex/` at
/// the old path); renamed back, commands trusted the index without the card.
#[test]
fn the_folder_above_the_dex_renamed_and_back_loses_no_card() {
    let outer = TestDex::new();
    let above = outer.path("p");
    let root = above.join("dex");
    fs::create_dir_all(&root).expect("mkdir");
    fs::write(root.join("a.md"), "# A\n").expect("write");
    fs::write(root.join("b.md"), "# B\n").expect("write");
    let termdex = |args: &[&str]| {
        let out = outer.cmd_in(&root).arg("--dex").arg(&root).args(args).output().expect("run");
        util::text_of(&out)
    };
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("termdex"))
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .arg("--dex")
        .arg(&root)
        .arg("watch")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let watcher = Watcher { child };
    let pid = watcher.pid();
    let query = || termdex(&["-v", "query", "--format", "tsv", "--fields", "title"]);
    until("the watcher is trusted", || trusted(&query().1, pid));
    let away = outer.path("q");
    fs::rename(&above, &away).expect("mv away");
    fs::write(away.join("dex/a.md"), "# A, changed while away\n").expect("write");
    // No command may run meanwhile (it would walk and mend the index): the watcher's
    // round for the change comes within its debounce (at most 300 ms).
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!above.exists(), "the watcher made the folder the dex left");
    fs::rename(&away, &above).expect("mv back");
    let expected = "path\ttitle\na.md\tA, changed while away\nb.md\tB\n";
    let (stdout, stderr, _) = query();
    assert_eq!(stdout, expected, "{stderr}");
    until("the watcher is trusted again", || trusted(&query().1, pid));
    let (stdout, stderr, _) = query();
    assert_eq!(stdout, expected, "{stderr}");
}

/// Review of issue 16 point 3: a file system mounted on a folder of the dex (root's
/// `mount`, or a user's FUSE mount: sshfs, rclone) raises no event in the dex; the cards
/// under the folder are hidden and those on the new file system were not watched, yet
/// commands went on trusting the index. The inotify thread polls `/proc/self/mountinfo`
/// too, before the events read with it: the mount is a lost event and a walk. Unmounted
/// again, the hidden card is back.
#[test]
fn a_file_system_mounted_in_the_dex_is_not_trusted_blindly() {
    let dex = TestDex::new();
    dex.write("a.md", "# A\n").write("mnt/under.md", "# Under\n");
    let watcher = watch(&dex);
    let mnt = dex.path("mnt");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "none"])
        .arg(&mnt)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        util::skipped("cannot mount a tmpfs in the dex (needs root)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(mnt.clone());
    fs::write(mnt.join("new.md"), "# New\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert_eq!(stdout, "a.md\nmnt/new.md\n", "{stderr}");
    // A card on another file system than the dex root is never vouched for: every
    // command walks while the mount is there, and says why.
    until("a walk for the mount", || {
        walked(&paths(&dex).1).is_some_and(|w| w.contains("another file system"))
    });
    fs::write(mnt.join("later.md"), "# Later\n").expect("write");
    assert_eq!(paths(&dex).0, "a.md\nmnt/later.md\nmnt/new.md\n");
    // Unmounted, the hidden card is back, and the watcher is trusted again once it walked.
    drop(_unmount);
    let (stdout, stderr) = paths(&dex);
    assert_eq!(stdout, "a.md\nmnt/under.md\n", "{stderr}");
    until("the watcher is trusted again", || trusted(&paths(&dex).1, watcher.pid()));
    fs::write(mnt.join("after.md"), "# After\n").expect("write");
    let (stdout, stderr) = paths(&dex);
    assert_eq!(stdout, "a.md\nmnt/after.md\nmnt/under.md\n", "{stderr}");
    drop(watcher);
}

#[test]
fn a_command_walking_with_other_ignore_files_leaves_the_watcher_vouching_for_nothing() {
    let dex = TestDex::new();
    fs::create_dir_all(dex.path(".git")).expect("a git repository");
    dex.write("a.md", "# A\n").write("sub/s.md", "# S\n");
    let watcher = watch(&dex);
    let pid = watcher.pid();
    // A command run with another user's configuration (a cron job, sudo, env -i): git's
    // global excludes file there ignores sub/, so its walk drops sub/s.md from the index.
    let home = tempfile::tempdir().expect("home");
    fs::create_dir_all(home.path().join("config/git")).expect("mkdir");
    fs::write(home.path().join("config/git/ignore"), "sub/\n").expect("ignore");
    let out = dex
        .cmd()
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("GIT_CONFIG_SYSTEM", home.path().join("gitconfig"))
        .args(["-v", "query", "--format", "paths"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a.md\n", "{stderr}");
    assert!(walked(&stderr).is_some(), "{stderr}");
    // The watcher's own rules: the index that command left is not trusted, and walked.
    let (stdout, stderr) = paths(&dex);
    assert_eq!(stdout, "a.md\nsub/s.md\n", "{stderr}");
    assert_eq!(
        walked(&stderr),
        Some(
            format!(
                "the index was last walked with other settings or ignore files than the watcher's (pid {pid})"
            )
            .as_str()
        ),
        "{stderr}"
    );
    // That walk recorded the watcher's rules again: trusted from then on.
    let (stdout, stderr) = paths(&dex);
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nsub/s.md\n");
}

#[test]
fn a_card_written_under_other_ignore_files_leaves_the_watcher_vouching_for_nothing() {
    let dex = TestDex::new();
    fs::create_dir_all(dex.path(".git")).expect("a git repository");
    dex.write("a.md", "# A\n").write("drafts/d.md", "# D\n").write("sub/s.md", "# S\n");
    // git's global excludes file holds a pattern anchored to the folder a command runs in.
    let home = tempfile::tempdir().expect("home");
    fs::create_dir_all(home.path().join("config/git")).expect("mkdir");
    fs::write(home.path().join("config/git/ignore"), "/drafts/\n").expect("ignore");
    let env = |cmd: &mut std::process::Command| {
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("GIT_CONFIG_SYSTEM", home.path().join("gitconfig"));
    };
    let mut spawn = dex.process();
    env(&mut spawn);
    let child = spawn.arg("watch").stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let watcher = Watcher { child };
    let pid = watcher.pid();
    let query = || {
        let mut cmd = dex.process();
        env(&mut cmd);
        let out = cmd.args(["-v", "query", "--format", "paths"]).output().expect("run");
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    until("the watcher is trusted", || trusted(&query().1, pid));
    assert_eq!(query().0, "a.md\nsub/s.md\n");
    // From sub/, `/drafts/` names sub/drafts: drafts/d.md is a card there, and `set` writes it.
    let mut set = dex.process();
    env(&mut set);
    let out =
        set.current_dir(dex.path("sub")).args(["set", "../drafts/d.md", "status=x"]).output().expect("set");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // From the root again: the index holds a card the watcher's rules leave out, so it is
    // not trusted; the walk drops the card and records the rules, and trust comes back.
    let (stdout, stderr) = query();
    assert_eq!(stdout, "a.md\nsub/s.md\n", "{stderr}");
    assert!(walked(&stderr).is_some(), "{stderr}");
    let (stdout, stderr) = query();
    assert!(trusted(&stderr, pid), "{stderr}");
    assert_eq!(stdout, "a.md\nsub/s.md\n");
}
