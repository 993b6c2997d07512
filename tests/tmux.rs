//! The real binary's TUI in a real terminal: tmux, driven like a person would (send-keys)
//! and read back (capture-pane). Each test runs its own tmux server on a private socket.
//! tmux is required: `scripts/test.sh` (the README's test command, run by CI) installs it;
//! without it these tests fail, loudly.

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
        let tmux = Tmux::start_on(
            name,
            &[
                (
                    "a.md",
                    "---\ntitle: Alpha task\nwhat: task\nstatus: todo\nwhen: today\n---\nFirst. Then [[c]].\n",
                ),
                ("b.md", "---\ntitle: SQLite notes\nwhat: note\n---\nWAL mode.\n"),
                ("c.md", "---\ntitle: Gamma\nwhat: note\n---\n"),
            ],
            "",
        );
        tmux.wait_for("the first frame", |s| s.contains("cards │"));
        tmux
    }

    /// `termdex ARGS` running in a 100x30 tmux window on a dex of these cards.
    fn start_on(name: &str, cards: &[(&str, &str)], args: &str) -> Tmux {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        for (path, text) in cards {
            write(&root, path, text);
        }
        write(&root, ".termdex/editor.sh", FAKE_EDITOR);
        let socket = format!("termdex-test-{name}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_termdex");
        // No core file from the fault-signal test.
        let command = format!(
            "ulimit -c 0; NO_COLOR=1 EDITOR='sh {}' '{bin}' --dex '{}' {args}; echo TERMDEX-EXITED-$?; sleep 30",
            root.join(".termdex/editor.sh").display(),
            root.display()
        );
        let status = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30", &command])
            .status()
            .unwrap_or_else(|e| {
                panic!("tmux is needed for the TUI tests ({e}); install it (apt-get install tmux), or run the tests with scripts/test.sh, which does")
            });
        assert!(status.success(), "tmux did not start");
        Tmux { socket, _dir: dir, root }
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

    /// Pastes `text` as a terminal does: bracketed (`paste-buffer -p`) when the program
    /// asked for bracketed paste, as plain typed text otherwise.
    fn paste(&self, text: &str) {
        let file = self.root.join(".termdex/paste.txt");
        std::fs::write(&file, text).expect("write the paste");
        let file = file.to_string_lossy().into_owned();
        for args in
            [vec!["load-buffer", "-b", "paste", &file], vec!["paste-buffer", "-p", "-b", "paste", "-t", "0"]]
        {
            let status = Command::new("tmux").args(["-L", &self.socket]).args(&args).status();
            assert!(status.is_ok_and(|s| s.success()), "tmux {args:?}");
        }
    }

    /// Runs the real binary on the dex, as another terminal would.
    fn termdex(&self, args: &[&str]) {
        let out = Command::new(env!("CARGO_BIN_EXE_termdex"))
            .arg("--dex")
            .arg(&self.root)
            .args(args)
            .output()
            .expect("run termdex");
        assert!(out.status.success(), "termdex {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p", "-t", "0"]).output();
        String::from_utf8_lossy(&out.expect("capture-pane").stdout).into_owned()
    }

    /// The pid of termdex: the child of the pane's shell.
    fn termdex_pid(&self) -> u32 {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display", "-p", "-t", "0", "#{pane_pid}"])
            .output()
            .expect("tmux display");
        let shell: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().expect("pane pid");
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
            // `pid (comm) state ppid ...`; comm may hold spaces, so split after its `)`.
            let Some((head, rest)) = stat.rsplit_once(") ") else { continue };
            let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(shell) && head.ends_with("(termdex") {
                return entry.file_name().to_string_lossy().parse().expect("pid");
            }
        }
        panic!("no termdex process under the pane's shell {shell}");
    }

    /// Whether the terminal shows its cursor.
    fn cursor_visible(&self) -> bool {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display", "-p", "-t", "0", "#{cursor_flag}"])
            .output()
            .expect("tmux display");
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_within(Duration::from_secs(15), what, ok)
    }

    fn wait_within(&self, limit: Duration, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
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
    // A log appended to without pause must neither hide the card nor delay it: only
    // cards count as changes, and a change waits for quiet only so long.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let logger = {
        let (stop, log) = (stop.clone(), tmux.root.join("app.log"));
        std::thread::spawn(move || {
            use std::io::Write;
            let mut file = std::fs::File::create(log).expect("log");
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = writeln!(file, "a line");
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    write(&tmux.root, "d.md", "---\ntitle: Written by another program\n---\n");
    tmux.wait_within(Duration::from_secs(2), "the new card", |s| {
        s.contains("Written by another program") && s.contains("4/4 cards")
    });
    std::fs::remove_file(tmux.root.join("c.md")).expect("rm");
    tmux.wait_within(Duration::from_secs(2), "the card to go", |s| {
        s.contains("3/3 cards") && !s.contains("Gamma")
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    logger.join().expect("logger");
}

#[test]
fn cards_another_termdex_indexed_appear_and_go_without_a_key() {
    let tmux = Tmux::start("elsewhere");
    tmux.wait_for("the first refresh", |s| s.contains("3/3 cards") && s.contains("index ok"));
    // `new` indexes the card itself, well before the TUI's own refresh (which waits for
    // the files to be quiet) would find it: that refresh then finds nothing to do.
    tmux.termdex(&["new", "--no-edit", "note", "Made in another terminal"]);
    tmux.wait_within(Duration::from_secs(2), "the new card", |s| {
        s.contains("Made in another terminal") && s.contains("4/4 cards")
    });
    std::fs::remove_file(tmux.root.join("c.md")).expect("rm");
    tmux.termdex(&["index"]);
    tmux.wait_within(Duration::from_secs(2), "the card to go", |s| {
        s.contains("3/3 cards") && !s.contains("Gamma")
    });
}

#[test]
fn a_pasted_page_is_one_filter_edit_and_the_next_key_is_handled_at_once() {
    let tmux = Tmux::start("paste");
    tmux.wait_for("three cards", |s| s.contains("3/3 cards"));
    tmux.keys(&["/"]);
    // 8,000 characters of words, a line break every ten: pasted keys would each rerun the
    // filter, and the first line break would act as Enter and every `q` after it quit.
    let words = ["lorem", "ipsum", "quit", "dolor", "sit", "amet", "quod", "erat", "demo", "nstrandum"];
    let mut text = String::new();
    while text.len() < 8000 {
        for (n, word) in words.iter().enumerate() {
            text.push_str(word);
            text.push(if n == words.len() - 1 { '\n' } else { ' ' });
        }
    }
    text.truncate(8000);
    tmux.paste(&text);
    // The line scrolled to its end, where the cursor is, after a `…` for the rest.
    let end = text[text.len() - 20..].replace('\n', " ");
    tmux.wait_for("the paste in the filter line", |s| {
        s.contains("0/3 cards") && s.lines().any(|l| l.starts_with("/ …") && l.contains(end.trim()))
    });
    tmux.keys(&["C-u"]);
    tmux.wait_within(Duration::from_secs(1), "the key after the paste", |s| {
        s.contains("3/3 cards") && s.contains("Alpha task")
    });
    tmux.keys(&["Escape", "q"]);
    tmux.wait_for("termdex to exit", |s| s.contains("TERMDEX-EXITED-0"));
}

#[test]
fn every_signal_that_ends_termdex_gives_the_terminal_back() {
    // The shell's 128+n whichever way the signal ends it: the loop leaving the normal way,
    // or (SEGV, a fault) the handler putting the terminal back before the signal kills.
    let signals = [
        ("TERM", 143),
        ("HUP", 129),
        ("QUIT", 131),
        ("USR1", 138),
        ("USR2", 140),
        ("ALRM", 142),
        ("PIPE", 141),
        ("SEGV", 139),
    ];
    for (signal, code) in signals {
        let tmux = Tmux::start(&format!("sig{signal}"));
        tmux.wait_for("three cards", |s| s.contains("3/3 cards"));
        assert!(!tmux.cursor_visible(), "the TUI hides the cursor");
        let pid = tmux.termdex_pid().to_string();
        // The shell's own kill: a bare system may have no kill program (procps).
        let kill = format!("kill -{signal} \"$1\"");
        let status = Command::new("sh").args(["-c", &kill, "sh", &pid]).status().expect("kill");
        assert!(status.success());
        let screen = tmux.wait_for("termdex to exit", |s| s.contains("TERMDEX-EXITED-"));
        assert!(screen.contains(&format!("TERMDEX-EXITED-{code}")), "{screen}");
        assert!(!screen.contains("cards │"), "the alternate screen is gone: {screen}");
        assert!(tmux.cursor_visible(), "the cursor is shown again");
    }
}

#[test]
fn an_edit_while_another_process_writes_the_index_keeps_the_screen() {
    let tmux = Tmux::start("locked");
    tmux.wait_for("the first refresh", |s| s.contains("3/3 cards") && s.contains("index ok"));
    // Another process in the middle of a long write: it holds the index's write lock.
    let lock = rusqlite::Connection::open(tmux.root.join(".termdex/index.db")).expect("open the index");
    lock.execute_batch("BEGIN IMMEDIATE").expect("take the write lock");
    tmux.keys(&["e"]);
    // The screen is back at once, though the edited card cannot be indexed yet.
    let screen = tmux.wait_within(Duration::from_secs(2), "the screen after the editor", |s| {
        s.contains("3/3 cards") && s.contains("indexing…")
    });
    assert!(screen.contains("Alpha task"), "{screen}");
    tmux.keys(&["j"]);
    tmux.wait_within(Duration::from_secs(2), "keys to work meanwhile", |s| s.contains("WAL mode."));
    lock.execute_batch("COMMIT").expect("release the write lock");
    tmux.keys(&["k"]);
    tmux.wait_for("the edit, indexed", |s| s.contains("Edited in tmux.") && s.contains("index ok"));
}

#[test]
fn a_connection_jumps_to_a_card_the_view_hides_and_backspace_comes_back() {
    let tmux = Tmux::start("connections");
    tmux.wait_for("three cards", |s| s.contains("3/3 cards"));
    tmux.keys(&["3"]);
    tmux.wait_for("the tasks view", |s| s.contains("1/3 cards │ tasks"));
    tmux.keys(&["p"]);
    let screen = tmux.wait_for("the connections of the task", |s| {
        s.contains("connections of Alpha task") && s.contains("links")
    });
    assert!(screen.contains("Gamma"), "{screen}");
    tmux.keys(&["G", "Enter"]);
    tmux.wait_for("Gamma, in the all view", |s| s.contains("connections of Gamma") && s.contains("│ all │"));
    tmux.keys(&["BSpace"]);
    tmux.wait_for("back on the task, in its view", |s| {
        s.contains("connections of Alpha task") && s.contains("1/3 cards │ tasks")
    });
    tmux.keys(&["p"]);
    // The preview renders markdown: the wiki link `[[c]]` reads as its text.
    tmux.wait_for("the card again", |s| s.contains("First. Then c."));
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

/// A first run on a terminal: `query` in a folder with no card exits 1 with a one-line
/// hint, and `termdex` opens a TUI that says how to write the first card.
#[test]
fn a_first_run_says_how_to_begin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().canonicalize().expect("canonical");
    write(&root, "notes.txt", "not a card\n");
    let socket = format!("termdex-test-first-{}", std::process::id());
    let bin = env!("CARGO_BIN_EXE_termdex");
    let command = format!(
        "cd '{}' && NO_COLOR=1 '{bin}' query; echo QUERY-EXITED-$?; NO_COLOR=1 '{bin}'; echo TUI-EXITED-$?; sleep 30",
        root.display()
    );
    let status = Command::new("tmux")
        .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "20", &command])
        .status()
        .expect("tmux is needed for the TUI tests; install it");
    assert!(status.success());
    let tmux = Tmux { socket, _dir: dir, root };
    let screen = tmux.wait_for("the empty TUI", |s| s.contains("No cards here yet."));
    assert!(screen.contains("n  write the first one"), "{screen}");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("termdex to exit", |s| s.contains("TUI-EXITED-0"));
    assert!(
        screen.starts_with(
            "termdex: no cards yet (no .md or .markdown files here); `termdex new \"A title\"` writes one\n\
             QUERY-EXITED-1\nTUI-EXITED-0\n"
        ),
        "{screen}"
    );
}

/// The rows of the outline pane (left of the preview), from the screen.
fn outline_rows(screen: &str) -> Vec<String> {
    let mut lines = screen.lines().skip_while(|l| !l.starts_with("outline"));
    let Some(header) = lines.next() else { return Vec::new() };
    // The preview's border; tree lines draw the same character further left.
    let border = header.chars().position(|c| c == '│').unwrap_or(header.chars().count());
    lines
        .map(|l| l.chars().take(border).collect::<String>().trim_end().to_string())
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn outline_indent_outdent_and_reorder_rewrite_only_parent_and_order_lines() {
    let plan = "---\ntitle: Plan\nstatus: todo\n---\nThe plan.\n";
    let alpha = "---\ntitle: Alpha\nparent: \"[[p]]\"\norder: 10\ntags: [x, y]\n---\nAlpha body.\n";
    let beta = "---\ntitle: Beta # the second\nparent: p\norder: 20\n---\nBeta body, see [[a]].\n";
    let gamma = "+++\ntitle = \"Gamma\"\nparent = \"p\"  # by name\norder = 30\n+++\nGamma body.\n";
    let tmux = Tmux::start_on(
        "outline",
        &[("p.md", plan), ("a.md", alpha), ("b.md", beta), ("c.md", gamma)],
        "tui outline",
    );
    let read = |path: &str| std::fs::read_to_string(tmux.root.join(path)).expect("read");
    // Each step: keys, then the outline they show (at once, before any re-index), and
    // the cards as they are then; the next step waits for the re-index.
    // `>` makes the card the last child of the one above, `<` puts it right after the
    // card it was under, `K`/`J` move it among its siblings.
    let steps: [(&[&str], [&str; 4], [&str; 3]); 7] = [
        (
            &["j", "j", ">"],
            ["▾ Plan", "├── ▾ Alpha", "│   └──   Beta", "└──   Gamma"],
            [alpha, "parent: \"[[a]]\"\norder: 10", "parent = \"p\"  # by name\norder = 30"],
        ),
        (
            &["<"],
            ["▾ Plan", "├──   Alpha", "├──   Beta", "└──   Gamma"],
            [alpha, "parent: \"[[p]]\"\norder: 20", "parent = \"p\"  # by name\norder = 30"],
        ),
        (
            &["K"],
            ["▾ Plan", "├──   Beta", "├──   Alpha", "└──   Gamma"],
            [alpha, "parent: \"[[p]]\"\norder: 5", "parent = \"p\"  # by name\norder = 30"],
        ),
        (
            &["j", "J"],
            ["▾ Plan", "├──   Beta", "├──   Gamma", "└──   Alpha"],
            ["order: 40", "parent: \"[[p]]\"\norder: 5", "parent = \"p\"  # by name\norder = 30"],
        ),
        (
            &["k", "K"],
            ["▾ Plan", "├──   Gamma", "├──   Beta", "└──   Alpha"],
            ["order: 40", "parent: \"[[p]]\"\norder: 5", "parent = \"p\"  # by name\norder = 2"],
        ),
        (
            &["j", ">"],
            ["▾ Plan", "├── ▾ Gamma", "│   └──   Beta", "└──   Alpha"],
            ["order: 40", "parent: \"[[c]]\"\norder: 10", "parent = \"p\"  # by name\norder = 2"],
        ),
        (
            &["<"],
            ["▾ Plan", "├──   Gamma", "├──   Beta", "└──   Alpha"],
            ["order: 40", "parent: \"[[p]]\"\norder: 21", "parent = \"p\"  # by name\norder = 2"],
        ),
    ];
    tmux.wait_for("the outline", |s| {
        outline_rows(s) == ["▾ Plan", "├──   Alpha", "├──   Beta", "└──   Gamma"] && s.contains("index ok")
    });
    for (keys, rows, [a, b, c]) in steps {
        tmux.keys(keys);
        let screen =
            tmux.wait_within(Duration::from_secs(2), &format!("{keys:?} shown"), |s| outline_rows(s) == rows);
        // Only the parent and order lines differ from the cards as they were written (the
        // move is drawn before the write, which follows at once).
        let a = if a == alpha { alpha.to_string() } else { alpha.replace("order: 10", a) };
        let cards = [
            ("a.md", a),
            ("b.md", beta.replace("parent: p\norder: 20", b)),
            ("c.md", gamma.replace("parent = \"p\"  # by name\norder = 30", c)),
            ("p.md", plan.to_string()),
        ];
        let deadline = Instant::now() + Duration::from_secs(2);
        while cards.iter().any(|(path, text)| read(path) != *text) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        for (path, text) in cards {
            assert_eq!(read(path), text, "{path} after {keys:?}:\n{screen}");
        }
        tmux.wait_for("the re-index", |s| s.contains("index ok") && outline_rows(s) == rows);
    }
    tmux.keys(&["q"]);
    tmux.wait_for("termdex to exit", |s| s.contains("TERMDEX-EXITED-0"));
    assert_eq!(read("a.md"), alpha.replace("order: 10", "order: 40"));
    assert_eq!(read("b.md"), beta.replace("parent: p\norder: 20", "parent: \"[[p]]\"\norder: 21"));
    assert_eq!(read("c.md"), gamma.replace("order = 30", "order = 2"));
    assert_eq!(read("p.md"), plan);
}
