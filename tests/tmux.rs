//! The real binary's TUI in a real terminal: tmux, driven like a person would (send-keys)
//! and read back (capture-pane). Each test runs its own tmux server on a private socket.
//! tmux is required: CI installs it (`.ci/run`); without it these tests fail, loudly.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: String,
    _dir: tempfile::TempDir,
    root: PathBuf,
}

const FAKE_EDITOR: &str =
    "#!/bin/sh\nfor last in \"$@\"; do :; done\nprintf 'Edited in tmux.\\n' >> \"$last\"\n";

impl Tmux {
    /// A dex with a few cards and `termdex` running on it in a 100x30 tmux window.
    fn start(name: &str) -> Tmux {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        write(&root, "a.md", "---\ntitle: Alpha task\nwhat: task\nstatus: todo\nwhen: today\n---\nFirst.\n");
        write(&root, "b.md", "---\ntitle: SQLite notes\nwhat: note\n---\nWAL mode.\n");
        write(&root, "c.md", "---\ntitle: Gamma\nwhat: note\n---\n");
        write(&root, ".termdex/editor.sh", FAKE_EDITOR);
        let socket = format!("termdex-test-{name}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_termdex");
        let command = format!(
            "NO_COLOR=1 EDITOR='sh {}' '{bin}' --dex '{}'; echo TERMDEX-EXITED-$?; sleep 30",
            root.join(".termdex/editor.sh").display(),
            root.display()
        );
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", &command])
            .status()
            .unwrap_or_else(|e| {
                panic!("tmux is needed for the TUI tests ({e}); install it (apt-get install tmux)")
            });
        assert!(status.success(), "tmux did not start");
        let tmux = Tmux { socket, _dir: dir, root };
        tmux.wait_for("the first frame", |s| s.contains("cards │"));
        tmux
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            let status =
                Command::new("tmux").args(["-L", &self.socket, "send-keys", "-t", "0", key]).status();
            assert!(status.is_ok_and(|s| s.success()), "send-keys {key}");
            // A real typist is slower than this; ESC followed at once by a key would read as Alt.
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p", "-t", "0"]).output();
        String::from_utf8_lossy(&out.expect("capture-pane").stdout).into_owned()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).status();
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn open_filter_edit_and_quit() {
    let tmux = Tmux::start("edit");
    let screen = tmux.wait_for("three cards", |s| s.contains("3/3 cards"));
    assert!(screen.contains("Alpha task") && screen.contains("SQLite notes"), "{screen}");

    tmux.keys(&["/", "s", "q", "l"]);
    let screen = tmux.wait_for("the fuzzy filter", |s| s.contains("1/3 cards"));
    assert!(screen.contains("SQLite notes") && !screen.contains("Alpha task"), "{screen}");

    tmux.keys(&["Enter", "e"]);
    tmux.wait_for("the edit in the preview", |s| s.contains("Edited in tmux."));
    let card = std::fs::read_to_string(tmux.root.join("b.md")).expect("read");
    assert_eq!(card, "---\ntitle: SQLite notes\nwhat: note\n---\nWAL mode.\nEdited in tmux.\n");

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("termdex to exit", |s| s.contains("TERMDEX-EXITED-0"));
    assert!(!screen.contains("cards │"), "the alternate screen is gone: {screen}");
}

#[test]
fn changes_by_other_programs_appear_without_a_key() {
    let tmux = Tmux::start("live");
    tmux.wait_for("three cards", |s| s.contains("3/3 cards"));
    write(&tmux.root, "d.md", "---\ntitle: Written by another program\n---\n");
    let started = Instant::now();
    tmux.wait_for("the new card", |s| s.contains("Written by another program") && s.contains("4/4 cards"));
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    std::fs::remove_file(tmux.root.join("c.md")).expect("rm");
    tmux.wait_for("the card to go", |s| s.contains("3/3 cards") && !s.contains("Gamma"));
}

#[test]
fn board_move_from_the_keyboard() {
    let tmux = Tmux::start("board");
    tmux.keys(&["3"]);
    tmux.wait_for("the tasks view", |s| s.contains("│ tasks │"));
    tmux.keys(&["b"]);
    tmux.wait_for("the board", |s| s.contains("today (1)"));
    tmux.keys(&["L"]);
    tmux.wait_for("the moved card", |s| s.contains("tomorrow (1)") && s.contains("today (0)"));
    let card = std::fs::read_to_string(tmux.root.join("a.md")).expect("read");
    assert!(card.contains("when: tomorrow\n"), "{card}");
}

#[test]
fn pick_without_fzf() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    write(&root, "a.md", "# Alpha\n");
    write(&root, "b.md", "# SQLite notes\n");
    let socket = format!("termdex-test-pick-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_termdex");
    let command = format!("'{bin}' --dex '{}' pick --print; echo PICK-EXITED-$?; sleep 30", root.display());
    let status = Command::new("tmux")
        .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "20", &command])
        .status()
        .expect("tmux is needed for the TUI tests; install it");
    assert!(status.success());
    let tmux = Tmux { socket, _dir: dir, root };
    tmux.wait_for("the picker", |s| s.contains("card>"));
    tmux.keys(&["s", "q", "l"]);
    tmux.wait_for("the preview", |s| s.contains("SQLite notes") && !s.contains("Alpha"));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the choice", |s| s.contains("PICK-EXITED-0"));
    assert!(screen.contains("b.md\nPICK-EXITED-0"), "{screen}");
}
