//! Faults: termdex killed mid-index, a full disk, a dex termdex may not write. Whatever
//! happens, the index never answers wrongly once the next command has run, and a card is
//! either changed whole or left byte for byte as it was, with a message saying why.
//!
//! Permission errors cannot be staged for root, whom permission bits do not stop: run as
//! root, these tests run termdex as `nobody` instead. A file size limit (`RLIMIT_FSIZE`,
//! with `SIGXFSZ` ignored so writes fail with `EFBIG`) stands in for a full disk: it stops
//! root's writes too, at the same `write(2)` calls a full disk would.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::util::{
    ReadOnly, TestDex, permission_runner, run_as, skip_unless_runnable, skipped, text_of, writable_folder,
};

/// `termdex query --format jsonl` lines, sorted, with the exit code checked.
fn answer(dex: &TestDex, extra: &[&str]) -> Vec<String> {
    let out = dex.process().args(["query", "--format", "jsonl"]).args(extra).output().expect("query");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "query {extra:?} failed: {stderr}");
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
    lines.sort();
    lines
}

/// Deletes the index files, so that the next command rebuilds the index from the cards.
fn delete_index(dex: &TestDex) {
    for suffix in ["", "-wal", "-shm"] {
        match fs::remove_file(dex.path(&format!(".termdex/index.db{suffix}"))) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => panic!("cannot delete the index: {e}"),
            _ => {}
        }
    }
}

/// What a fresh rebuild answers: the index deleted, then queried.
fn rebuilt_answer(dex: &TestDex) -> Vec<String> {
    delete_index(dex);
    answer(dex, &[])
}

/// Card `i` in its `version`th text; versions differ in title, fields and body.
fn card_text(i: usize, version: usize) -> String {
    format!(
        "---\ntitle: Card {i} version {version}\nwhat: {}\ntags: [t{}, all]\nn: {}\n---\nBody of card {i}, version {version}.\n",
        if (i + version).is_multiple_of(3) { "task" } else { "note" },
        (i + version) % 7,
        i * 10 + version,
    )
}

fn card_name(i: usize) -> String {
    format!("d{:02}/c{i:05}.md", i % 40)
}

/// Writes with plain `fs::write`, so the files keep the modification times they get.
fn write_card(dex: &TestDex, i: usize, version: usize) {
    let path = dex.path(&card_name(i));
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, card_text(i, version)).expect("write card");
}

/// xorshift64: the same kill times on every run, without a dependency.
struct Seeded(u64);

impl Seeded {
    /// A number in [0, 1).
    fn fraction(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn killing_index_at_any_moment_leaves_an_index_that_answers_right() {
    const CARDS: usize = 2000;
    const ROUNDS: usize = 7;
    let dex = TestDex::new();
    for i in 0..CARDS {
        write_card(&dex, i, 0);
    }
    // A full index, timed, to spread the kills over the whole of one.
    let started = Instant::now();
    let (_, stderr, code) = dex.run(&["index", "--full"]);
    assert_eq!(code, 0, "{stderr}");
    let full = started.elapsed();
    let mut before = answer(&dex, &["--no-refresh"]);
    assert_eq!(before.len(), CARDS);
    let mut seed = Seeded(0x7e57_dead_beef_0001);
    let mut killed = 0;
    for round in 0..ROUNDS {
        // Even rounds rebuild; odd rounds refresh after changing, adding and removing
        // cards (fewer than a bulk load's worth, so rows are written one by one).
        let refresh = round % 2 == 1;
        if round == 0 {
            // Killed while the index is being created from nothing.
            delete_index(&dex);
            before = Vec::new();
        }
        if refresh {
            for i in (round..CARDS).step_by(5) {
                write_card(&dex, i, round);
            }
            for i in (round..CARDS).step_by(97) {
                let _ = fs::remove_file(dex.path(&card_name(i)));
            }
            for i in 0..20 {
                write_card(&dex, CARDS + round * 20 + i, round);
            }
        }
        let args: &[&str] = if refresh { &["index"] } else { &["index", "--full"] };
        let delay = full.mul_f64(seed.fraction() * if refresh { 0.6 } else { 1.1 });
        let mut child =
            dex.process().args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
        std::thread::sleep(delay);
        // SIGKILL: no destructor, no rollback, no clean-up runs.
        child.kill().expect("kill");
        let status = child.wait().expect("wait");
        // A round whose index had already finished proves nothing about kills.
        killed += usize::from(std::os::unix::process::ExitStatusExt::signal(&status) == Some(9));

        let as_left = answer(&dex, &["--no-refresh"]);
        let next = answer(&dex, &[]);
        let fresh = rebuilt_answer(&dex);
        let what = format!("round {round}: termdex {args:?} killed after {delay:?}");
        assert_eq!(next, fresh, "{what}: the next command answered differently from a rebuild");
        assert!(
            as_left == before || as_left == fresh,
            "{what}: the killed index answered neither the old cards nor the new ones ({} lines)",
            as_left.len()
        );
        before = fresh;
    }
    // Most kill points fall inside a full build; a refresh may finish first.
    assert!(killed >= 2, "only {killed} of {ROUNDS} rounds were killed while running");
}

/// Runs `cmd` under a file size limit of `bytes`, with `SIGXFSZ` ignored, so that a write
/// past the limit fails with `EFBIG` as a write to a full disk fails with `ENOSPC`.
fn with_file_size_limit(cmd: &mut Command, bytes: u64) -> &mut Command {
    // SAFETY: between fork and exec the closure calls only async-signal-safe functions
    // (signal, setrlimit) and allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        })
    }
}

/// Every file under `dir` (but `.termdex/`) with its bytes: what "the dex is untouched" means.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).expect("ls").flatten() {
            let path = entry.path();
            if entry.file_name() == ".termdex" {
                continue;
            }
            if entry.file_type().expect("type").is_dir() {
                files.push((path.clone(), Vec::new()));
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_full_disk_stops_set_and_new_with_every_card_untouched() {
    let dex = TestDex::new();
    let big =
        format!("---\nstatus: todo\ntags: [a]\n---\n{}", "A line of the body of a long card.\n".repeat(3000));
    dex.write("big.md", &big).write("notes/big.md", &big);
    let indexed = answer(&dex, &[]);
    let before = snapshot(&dex.root());

    // The rewrite of a 100 KiB card cannot get past 64 KiB of its temporary file (room
    // enough for the index's shared-memory file, which the bulk form below opens).
    let limit = 64 * 1024;
    let out = with_file_size_limit(dex.process().args(["set", "big.md", "status=done"]), limit)
        .output()
        .expect("set");
    let (_, stderr, code) = text_of(&out);
    assert_eq!(code, 2, "{stderr}");
    let card = dex.path("big.md");
    assert!(stderr.contains(&format!("cannot write {}: File too large", card.display())), "{stderr}");
    assert!(stderr.contains("the card was left as it was; a file size limit was reached"), "{stderr}");

    // The bulk form: every card fails alone, none is half-written.
    let out = with_file_size_limit(dex.process().args(["set", "status=done", "--", "status:todo"]), limit)
        .output()
        .expect("bulk set");
    let (stdout, stderr, code) = text_of(&out);
    assert_eq!((stdout.as_str(), code), ("0 cards changed\n", 2), "{stderr}");
    assert_eq!(stderr.matches("termdex: error: cannot write").count(), 2, "{stderr}");

    // A new card that cannot be written in full is not left behind half-written.
    let out = with_file_size_limit(dex.process().args(["new", "task", "Full disk", "--no-edit"]), 16)
        .output()
        .expect("new");
    let (_, stderr, code) = text_of(&out);
    assert_eq!(code, 2, "{stderr}");
    let created = dex.path("2026/11/23/full-disk.md");
    assert!(stderr.contains(&format!("cannot create {}: File too large", created.display())), "{stderr}");
    assert!(stderr.contains("(nothing was created; a file size limit was reached"), "{stderr}");

    assert_eq!(snapshot(&dex.root()), before, "a card, a temporary file or a folder changed");
    assert_eq!(answer(&dex, &[]), indexed);
}

#[test]
fn a_full_disk_while_indexing_leaves_the_index_as_it_was() {
    let dex = TestDex::new();
    for i in 0..200 {
        write_card(&dex, i, 0);
    }
    let before = answer(&dex, &[]);
    for i in 200..600 {
        write_card(&dex, i, 0);
    }
    // Room for the shared-memory file (32 KiB), not for the write-ahead log of 400 cards.
    let out = with_file_size_limit(dex.process().arg("index"), 64 * 1024).output().expect("index");
    let (_, stderr, code) = text_of(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot refresh the index of"), "{stderr}");
    // SQLite reports a write cut short by the limit as an I/O error, one cut short by a
    // full disk as "database or disk is full"; either way the message says what to do.
    let index = dex.path(".termdex/index.db");
    assert!(
        stderr.contains(&format!("index {}: disk I/O error (", index.display()))
            || stderr.contains(&format!("index {}: database or disk is full (", index.display())),
        "{stderr}"
    );
    assert!(stderr.contains("the index was left as it was)"), "{stderr}");
    assert_eq!(answer(&dex, &["--no-refresh"]), before, "the failed refresh changed the index");
    let after = answer(&dex, &[]);
    assert_eq!(after.len(), 600);
    assert_eq!(after, rebuilt_answer(&dex));
}

/// The one folder termdex made under `cache/termdex/`, holding the dex's index.
fn cached_index(cache: &Path) -> PathBuf {
    let made: Vec<PathBuf> =
        fs::read_dir(cache.join("termdex")).expect("cache folder").flatten().map(|e| e.path()).collect();
    assert_eq!(made.len(), 1, "{made:?}");
    made[0].join("index.db")
}

#[test]
fn a_read_only_dex_answers_from_an_index_in_the_user_cache() {
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\n---\n").write("notes/b.md", "---\ntitle: B\n---\n");
    let cache = writable_folder(runner);
    let root = dex.root();
    // Traversable by the runner: temporary folders are private to their owner.
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod");
    let expected_paths = "a.md\nnotes/b.md\n";
    let query = ["query", "--format", "paths", "--sort", "path"];

    // Never indexed, and .termdex/ cannot be created: the index goes to the cache.
    let locked = ReadOnly::new(&[root.clone(), dex.path("notes")]);
    let result = run_as(&dex, runner, &[("XDG_CACHE_HOME", cache.path())], &query);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let (stdout, stderr, code) = text_of(&result.expect("ran"));
    assert_eq!((stdout.as_str(), code), (expected_paths, 0), "{stderr}");
    let index = cached_index(cache.path());
    assert_eq!(
        stderr,
        format!(
            "termdex: warning: cannot create {}: the dex folder is not writable (permission denied); the index is kept in {} instead\n",
            root.join(".termdex").display(),
            index.display()
        )
    );
    assert!(index.is_file() && !dex.path(".termdex").exists());
    drop(locked);

    // The owner changes the dex; the reader's next query sees it (the cached index is
    // refreshed like any other).
    dex.write("notes/c.md", "---\ntitle: C\n---\n");
    dex.remove("a.md");
    let _locked = ReadOnly::new(&[root.clone(), dex.path("notes")]);
    let (stdout, stderr, code) =
        text_of(&run_as(&dex, runner, &[("XDG_CACHE_HOME", cache.path())], &query).expect("ran"));
    assert_eq!((stdout.as_str(), code), ("notes/b.md\nnotes/c.md\n", 0), "{stderr}");

    // Without $XDG_CACHE_HOME, the cache is ~/.cache.
    let home = writable_folder(runner);
    let (stdout, stderr, code) =
        text_of(&run_as(&dex, runner, &[("HOME", home.path())], &query).expect("ran"));
    assert_eq!((stdout.as_str(), code), ("notes/b.md\nnotes/c.md\n", 0), "{stderr}");
    assert!(cached_index(&home.path().join(".cache")).is_file(), "{stderr}");
}

#[test]
fn a_read_only_state_folder_is_left_as_it_is_and_queries_still_answer() {
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\n---\n");
    let root = dex.root();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod");
    // An index made by the owner, which the reader may not write.
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    dex.write("b.md", "---\ntitle: B\n---\n");
    let state_before: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(dex.path(".termdex"))
        .expect("ls")
        .flatten()
        .map(|e| (e.path(), fs::read(e.path()).expect("read")))
        .collect();
    let cache = writable_folder(runner);
    let _locked = ReadOnly::new(&[dex.path(".termdex")]);
    let result = run_as(
        &dex,
        runner,
        &[("XDG_CACHE_HOME", cache.path())],
        &["query", "--format", "paths", "--sort", "path"],
    );
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let (stdout, stderr, code) = text_of(&result.expect("ran"));
    assert_eq!((stdout.as_str(), code), ("a.md\nb.md\n", 0), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "termdex: warning: {} is not writable (permission denied); the index is kept in {}",
            dex.path(".termdex").display(),
            cache.path().join("termdex").display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let state_after: Vec<(PathBuf, Vec<u8>)> = fs::read_dir(dex.path(".termdex"))
        .expect("ls")
        .flatten()
        .map(|e| (e.path(), fs::read(e.path()).expect("read")))
        .collect();
    assert_eq!(state_after, state_before, "the read-only index was changed");
}

#[test]
fn set_and_new_without_write_permission_leave_the_dex_untouched_and_say_why() {
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write("notes/a.md", "---\nstatus: todo\n---\nbody\n");
    let root = dex.root();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod");
    let cache = writable_folder(runner);
    let before = snapshot(&root);
    let _locked = ReadOnly::new(&[root.clone(), dex.path("notes")]);
    let env = [("XDG_CACHE_HOME", cache.path())];

    let result = run_as(&dex, runner, &env, &["set", "notes/a.md", "status=done"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let (_, stderr, code) = text_of(&result.expect("ran"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "termdex: error: cannot write {}: permission denied (the card was left as it was; termdex writes a new file in {} and renames it over the card, so that folder must be writable)",
            dex.path("notes/a.md").display(),
            dex.path("notes").display()
        )),
        "{stderr}"
    );

    let (_, stderr, code) =
        text_of(&run_as(&dex, runner, &env, &["new", "note", "Nowhere to go", "--no-edit"]).expect("ran"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "termdex: error: cannot create {}: Permission denied (os error 13) (nothing was created; the folder {} must be writable)",
            dex.path("2026").display(),
            root.display()
        )),
        "{stderr}"
    );
    assert_eq!(snapshot(&root), before, "a card, a temporary file or a folder changed");
}

/// Runs `script` with `sh` in a new user and mount namespace (`unshare -rm`), where it
/// may mount file systems that vanish with it: a really full disk, a really read-only
/// one, for root as for anyone. `None`, after saying why, where namespaces are not
/// allowed (the script exits 99 when its mount fails); in CI, which allows them, that
/// fails the test instead, so that it never passes there having proved nothing.
fn in_mount_namespace(dex: &TestDex, script: &str, args: &[&Path]) -> Option<Output> {
    let out = Command::new("unshare")
        .args(["--map-root-user", "--mount", "sh", "-c", script, "sh"])
        .args(args)
        .env("TERMDEX_BIN", assert_cmd::cargo::cargo_bin("termdex"))
        .env("TERMDEX_TODAY", "2026-11-23")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("TERMDEX_DIR")
        .current_dir(dex.root())
        .output();
    let why = match out {
        Ok(out) if out.status.code() != Some(99) && !out.stdout.is_empty() => return Some(out),
        Ok(out) => format!("cannot mount in a new namespace here: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => format!("cannot run unshare: {e}"),
    };
    skipped(&why);
    None
}

#[test]
fn a_really_full_disk_stops_set_new_and_index_and_loses_nothing() {
    let dex = TestDex::new();
    let card = format!("---\nstatus: todo\n---\n{}", "A line of a long body.\n".repeat(2000));
    dex.write("card.md", &card);
    assert_eq!(answer(&dex, &[]).len(), 1);
    // A card the index does not know yet, so that indexing has something to write.
    dex.write("later.md", "---\ntitle: Later\n---\n");
    let disk = tempfile::tempdir().expect("mount point");
    let script = r#"
        disk=$1 dex=$2
        mount -t tmpfs -o size=2m tmpfs "$disk" || exit 99
        cp -a "$dex"/. "$disk"/
        cd "$disk"
        # Full, but for 40 KiB set aside for the index.
        dd if=/dev/zero of=.spare bs=4k count=10 2>/dev/null
        dd if=/dev/zero of=.filler bs=4k 2>/dev/null
        "$TERMDEX_BIN" --dex . set card.md status=done; echo "set: $?"
        cmp -s card.md "$dex/card.md" && echo "card: unchanged"
        "$TERMDEX_BIN" --dex . new task Full --no-edit; echo "new: $?"
        rm .spare
        "$TERMDEX_BIN" --dex . index; echo "index: $?"
        find . -name '*.tmp' -o -name 2026 | sed 's/^/left behind: /'
        "$TERMDEX_BIN" --dex . query --no-refresh --format paths; echo "as left: $?"
        rm .filler
        "$TERMDEX_BIN" --dex . query --format paths --sort path; echo "query: $?"
    "#;
    let Some(out) = in_mount_namespace(&dex, script, &[disk.path(), &dex.root()]) else { return };
    let (stdout, stderr, _) = text_of(&out);
    assert_eq!(
        stdout,
        "set: 2\ncard: unchanged\nnew: 2\nindex: 2\ncard.md\nas left: 0\ncard.md\nlater.md\nquery: 0\n",
        "the full disk left something behind, or the index answered wrongly: {stderr}"
    );
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            format!(
                "termdex: error: cannot write {}: No space left on device (os error 28) (the card was left as it was; free some disk space and run the command again)",
                disk.path().join("card.md").display()
            ),
            // `new` first looks for cards like the new one, on an index it cannot refresh:
            // said, and the card is tried all the same.
            format!(
                "termdex: warning: could not look for cards like this one, so it is created anyway: index {}/.termdex/index.db: disk I/O error (a disk read or write failed: check the free space, the file size limit (ulimit -f) and the disk, then run the command again; the index was left as it was)",
                disk.path().display()
            ),
            format!(
                "termdex: error: cannot create {}: No space left on device (os error 28) (nothing was created; free some disk space and run the command again)",
                disk.path().join("2026/11/23/full.md").display()
            ),
            format!(
                "termdex: error: cannot refresh the index of {0}: index {0}/.termdex/index.db: database or disk is full (the disk is full: free some space and run the command again; the index was left as it was)",
                disk.path().display()
            ),
        ],
    );
}

#[test]
fn a_read_only_mount_answers_from_the_user_cache_and_refuses_writes() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\n---\n");
    let mount = tempfile::tempdir().expect("mount point");
    let cache = tempfile::tempdir().expect("cache");
    let script = r#"
        ro=$1 dex=$2 cache=$3
        mount --bind "$dex" "$ro" && mount -o remount,ro,bind "$ro" || exit 99
        cd "$ro"
        XDG_CACHE_HOME=$cache "$TERMDEX_BIN" --dex . query --format paths; echo "query: $?"
        XDG_CACHE_HOME=$cache "$TERMDEX_BIN" --dex . -q set a.md status=done; echo "set: $?"
    "#;
    let Some(out) = in_mount_namespace(&dex, script, &[mount.path(), &dex.root(), cache.path()]) else {
        return;
    };
    let (stdout, stderr, _) = text_of(&out);
    assert_eq!(stdout, "a.md\nquery: 0\nset: 2\n", "{stderr}");
    let messages: Vec<&str> = stderr.lines().collect();
    assert_eq!(messages.len(), 2, "{stderr}");
    assert!(
        messages[0].starts_with(&format!(
            "termdex: warning: cannot create {}: the dex folder is not writable (read-only file system); the index is kept in {}",
            mount.path().join(".termdex").display(),
            cache.path().join("termdex").display()
        )),
        "{stderr}"
    );
    assert!(
        messages[1]
            .starts_with(&format!("termdex: error: cannot write {}: ", mount.path().join("a.md").display()))
            && messages[1].ends_with("(the card was left as it was; the file system is mounted read-only)"),
        "{stderr}"
    );
    assert!(!dex.path(".termdex").exists(), "nothing was written into the dex");
    assert_eq!(fs::read_to_string(dex.path("a.md")).expect("read"), "---\nstatus: todo\n---\n");
}

#[test]
fn reading_commands_never_change_a_card() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\nwhat: task\nstatus: todo\ntags: [x]\n---\nSee [[b]].\n")
        .write("notes/b.md", "# B\n\nbody\n")
        .write("bad.md", "---\ntitle: [unclosed\n---\n")
        .write("plain.markdown", "no frontmatter at all\n");
    let modified = |root: &Path| -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
        snapshot(root)
            .into_iter()
            .map(|(path, bytes)| {
                let mtime = fs::metadata(&path).and_then(|m| m.modified()).expect("mtime");
                (path, bytes, mtime)
            })
            .collect()
    };
    let before = modified(&dex.root());
    let commands: [&[&str]; 11] = [
        &["index"],
        &["index", "--full"],
        &["query", "#x"],
        &["query", "--view", "tasks", "--format", "json"],
        &["show", "a.md"],
        &["show", "--raw", "notes/b.md"],
        &["cat"],
        &["fields", "tags"],
        &["views"],
        &["check"],
        &["sql", "SELECT path FROM cards"],
    ];
    for args in commands {
        let (_, stderr, code) = dex.run(args);
        assert!(matches!(code, 0 | 1), "termdex {args:?}: {stderr}");
        assert_eq!(modified(&dex.root()), before, "termdex {args:?} changed a file in the dex");
    }
}

#[test]
fn a_state_folder_that_is_a_plain_file_sends_the_index_to_the_user_cache() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\n---\n").write(".termdex", "not a folder\n");
    let cache = tempfile::tempdir().expect("cache");
    for args in [&["query", "--format", "paths"][..], &["index"], &["views"]] {
        let out = dex.process().env("XDG_CACHE_HOME", cache.path()).args(args).output().expect("run");
        let (stdout, stderr, code) = text_of(&out);
        assert_eq!(code, 0, "termdex {args:?}: {stderr}");
        let warning = format!(
            "termdex: warning: {} is not a folder; the index is kept in {} instead",
            dex.path(".termdex").display(),
            cached_index(cache.path()).display()
        );
        match args[0] {
            "query" => assert_eq!((stdout.as_str(), stderr), ("a.md\n", format!("{warning}\n"))),
            "index" => {
                assert!(stderr.starts_with(&format!("{warning}\ntermdex: indexed 1 cards")), "{stderr}")
            }
            // Reads no index: nothing to say.
            _ => assert_eq!(stderr, "", "termdex {args:?}"),
        }
    }
    assert_eq!(fs::read_to_string(dex.path(".termdex")).expect("read"), "not a folder\n");
}

#[test]
fn a_state_folder_of_someone_else_gives_the_builtin_config_and_the_user_cache() {
    let runner = permission_runner();
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: A\nwhat: task\n---\n")
        .write(".termdex/config.toml", "default_view = \"tasks\"\n");
    let (_, stderr, code) = dex.run(&["index"]);
    assert_eq!(code, 0, "{stderr}");
    let root = dex.root();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).expect("chmod");
    // Another user's private folder: the owner's for root's runner, none at all else.
    let mode = if runner.is_some() { 0o700 } else { 0o000 };
    fs::set_permissions(dex.path(".termdex"), fs::Permissions::from_mode(mode)).expect("chmod");
    struct Restore(PathBuf);
    impl Drop for Restore {
        fn drop(&mut self) {
            let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
        }
    }
    let _restore = Restore(dex.path(".termdex"));
    let cache = writable_folder(runner);
    let env = [("XDG_CACHE_HOME", cache.path())];
    let result = run_as(&dex, runner, &env, &["query", "--format", "paths"]);
    if skip_unless_runnable(&result, runner) {
        return;
    }
    let (stdout, stderr, code) = text_of(&result.expect("ran"));
    assert_eq!((stdout.as_str(), code), ("a.md\n", 0), "{stderr}");
    let config = dex.path(".termdex/config.toml");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            format!(
                "termdex: warning: cannot read {}: permission denied; using the built-in configuration instead \
                 (make it readable to use it)",
                config.display()
            ),
            format!(
                "termdex: warning: {} is not writable (permission denied); the index is kept in {} instead",
                dex.path(".termdex").display(),
                cached_index(cache.path()).display()
            ),
        ]
    );
}
