//! What the walk warns about on every command, and what it leaves alone (hostile test):
//! a broken entry the walk would skip anyway — hidden, ignored, not named as a card — is
//! no news, however broken; one that would be a card names what is wrong and what to do.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use crate::util::{TestDex, hand_over, permission_runner, run_as, skip_unless_runnable, summary};

fn link(dex: &TestDex, target: impl AsRef<Path>, rel: &str) {
    symlink(target, dex.path(rel)).expect("symlink");
}

/// Gives folders back their permissions when the test ends, even when it fails, so the
/// temporary folders can be deleted.
struct Restore(Vec<PathBuf>);

impl Drop for Restore {
    fn drop(&mut self) {
        for folder in &self.0 {
            let _ = fs::set_permissions(folder, fs::Permissions::from_mode(0o755));
        }
    }
}

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn broken_links_the_walk_skips_anyway_never_warn() {
    let dex = TestDex::new();
    fs::create_dir(dex.path(".git")).expect("a git repository: its .gitignore counts");
    dex.write("a.md", "# A\n")
        .write("sub/b.md", "# B\n")
        .write(".ignore", "ign.md\nparked/\nloops/\n")
        .write(".gitignore", "draft.md\n");
    // The lock links Emacs keeps beside each card it has open.
    link(&dex, "root@host.12345:1700000000", ".#a.md");
    link(&dex, "root@host.12345:1700000000", "sub/.#b.md");
    // Not named as a card, ignored, ignored by git's rules, an ignored folder's name.
    link(&dex, "nowhere", "notes.txt");
    link(&dex, "nowhere", "ign.md");
    link(&dex, "nowhere", "draft.md");
    link(&dex, "nowhere", "parked");
    // A hidden folder that is gone; links in circles that are hidden or no card's name.
    link(&dex, "/nonexistent/trash", ".trash");
    link(&dex, "self.txt", "self.txt");
    link(&dex, ".#loop.md", ".#loop.md");
    // Loops: hidden, deeper and hidden, ignored.
    link(&dex, ".", ".selfloop");
    link(&dex, "..", "sub/.up");
    link(&dex, ".", "loops");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("a.md\nsub/b.md\n", "", 0));
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(summary(&stderr), "termdex: indexed 2 cards in N ms: 0 new, 0 changed, 0 removed, 0 errors");
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("", "", 0));
}

#[test]
fn a_dangling_link_that_would_be_a_card_warns_with_what_to_do() {
    let dex = TestDex::new();
    let unmounted = tempfile::tempdir().expect("tempdir");
    let drive = unmounted.path().join("notes");
    dex.write("a.md", "# A\n");
    link(&dex, "gone/x.md", "x.md");
    // A folder of cards on a drive that is not mounted: no extension, so maybe a folder.
    link(&dex, &drive, "work");
    link(&dex, "self.md", "self.md");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("a.md\n", 0));
    let self_loop = "termdex: warning: self.md: skipped: the symbolic link points to self.md, which leads \
                     back to itself through links (remove the link or point it at a file)\n";
    let work = format!(
        "termdex: warning: work: skipped: the symbolic link points to {}, which does not exist \
         (remove the link or restore its target)\n",
        drive.display()
    );
    let x = "termdex: warning: x.md: skipped: the symbolic link points to gone/x.md, which does not exist \
             (remove the link or restore its target)\n";
    assert_eq!(stderr, format!("{self_loop}{work}{x}"));
    // Named as the dex shows paths: from a folder in it, relative to that folder.
    fs::create_dir(dex.path("sub")).expect("mkdir");
    let out = dex.cmd_in(&dex.path("sub")).args(["query", "--format", "paths"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr, format!("{self_loop}{work}{x}").replace("warning: ", "warning: ../"));
    // Doing what it says: the targets restored, both are read, and nothing is said of them.
    dex.write("gone/x.md", "# X\n").write("sub/w.md", "# W\n");
    fs::create_dir(&drive).expect("mount");
    fs::write(drive.join("n.md"), "# N\n").expect("write");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths"]);
    assert_eq!(stderr, self_loop);
    assert_eq!((stdout.as_str(), code), ("a.md\ngone/x.md\nsub/w.md\nwork/n.md\nx.md\n", 0));
}

#[test]
fn a_symlink_loop_names_the_folder_and_listing_it_in_ignore_keeps_it_quiet() {
    let dex = TestDex::new();
    dex.write("dir/a.md", "# A\n");
    link(&dex, dex.path("dir"), "dir/loop");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("dir/a.md\n", 0));
    assert_eq!(
        stderr,
        "termdex: warning: dir/loop: symlink loop skipped: it leads back to dir, a folder it is in \
         (remove the link, or list it in .ignore to keep it)\n"
    );
    dex.write(".ignore", "loop\n");
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("dir/a.md\n", "", 0));
}

#[test]
fn unreadable_folders_and_unreachable_link_targets_say_what_to_do() {
    // Root reads everything whatever its mode: as root, the dex is given to `nobody`, who
    // runs termdex and is stopped by the modes.
    let runner = permission_runner();
    let dex = TestDex::new();
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(outside.path().join("o.md"), "# O\n").expect("write");
    dex.write("a.md", "# A\n")
        .write("sec/s.md", "# S\n")
        .write("nox/n.md", "# N\n")
        .write(".private/p.md", "# P\n");
    link(&dex, outside.path().join("o.md"), "out.md");
    // The same unreachable target, from links the walk skips anyway: no warning.
    link(&dex, outside.path().join("o.md"), ".out.md");
    link(&dex, outside.path().join("o.md"), "out.txt");
    chmod(&dex.root(), 0o755);
    hand_over(&dex.root(), runner);
    let _restore =
        Restore(vec![dex.path("sec"), dex.path("nox"), dex.path(".private"), outside.path().to_path_buf()]);
    chmod(&dex.path("sec"), 0o000);
    // Readable, not searchable: its names are listed, its files cannot be reached.
    chmod(&dex.path("nox"), 0o644);
    // Hidden: never walked, so never warned about.
    chmod(&dex.path(".private"), 0o000);
    chmod(outside.path(), 0o000);
    let result = run_as(&dex, runner, &[], &["query", "--format", "paths"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let out = result.expect("ran");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a.md\n");
    assert_eq!(
        stderr,
        format!(
            "termdex: warning: nox/n.md: skipped: permission denied (make the folder it is in searchable to \
             index it)\n\
             termdex: warning: out.md: skipped: the symbolic link points to {}, which cannot be reached: permission \
             denied (make the folders on its way searchable, or remove the link)\n\
             termdex: warning: sec: skipped: permission denied (make the folder readable and searchable to index \
             the cards in it)\n",
            outside.path().join("o.md").display()
        )
    );
}
