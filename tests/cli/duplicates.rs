//! `termdex new` names the cards the new one may duplicate (the same url, a near-identical
//! title: the rule is documented in src/query/duplicates.rs) and creates it anyway, or
//! with `--no-duplicate` creates nothing and exits 1.

use crate::util::TestDex;

const NOW: &str = "2026-11-23T14:15:30";

const HINT: &str =
    "you already have: 2025/03/02/rust-atomics.md \"Rust Atomics and Locks\" (bookmark, 2025-03-02)\n";

fn dex() -> TestDex {
    let dex = TestDex::new();
    dex.write(
        "2025/03/02/rust-atomics.md",
        "---\ntitle: Rust Atomics and Locks\nwhat: bookmark\nurl: https://marabos.nl/atomics/\ncreated: 2025-03-02\n---\n",
    )
    .write("notes/wal.md", "# SQLite WAL\n")
    .write("home/groceries.md", "# Groceries\n");
    dex
}

/// `termdex new --no-edit --print-path ARGS`: (stdout, stderr, code), the last line of
/// stderr, `termdex: saved PATH`, checked and left out when a card was made.
fn new(dex: &TestDex, args: &[&str]) -> (String, String, i32) {
    let out = dex
        .cmd()
        .env("TERMDEX_NOW", NOW)
        .args(["new", "--no-edit", "--print-path"])
        .args(args)
        .output()
        .expect("run termdex");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let quiet = args.contains(&"-q");
    if !stdout.is_empty() && !quiet {
        let saved = format!("termdex: saved {stdout}");
        assert!(stderr.ends_with(&saved), "{args:?}: {stderr}");
        stderr.truncate(stderr.len() - saved.len());
    }
    (stdout, stderr, out.status.code().unwrap_or(-1))
}

/// Every file of the dex but the index's, by path.
fn files(dex: &TestDex) -> Vec<String> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let rel = path.strip_prefix(root).expect("inside").to_string_lossy().into_owned();
            if rel.starts_with(".termdex") {
                continue;
            }
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(&dex.root(), &dex.root(), &mut out);
    out.sort();
    out
}

#[test]
fn the_same_url_is_named_and_the_card_created_anyway() {
    let dex = dex();
    // Another scheme, the host in capitals, no trailing slash: the same page.
    let (stdout, stderr, code) =
        new(&dex, &["bookmark", "Mara's book", "--set", "url=http://Marabos.NL/atomics"]);
    assert_eq!((stderr.as_str(), code), (HINT, 0));
    assert_eq!(stdout, "2026/11/23/mara-s-book.md\n");
    assert!(dex.path("2026/11/23/mara-s-book.md").is_file());
    // Another path (case counts there) is another page.
    let (_, stderr, code) =
        new(&dex, &["bookmark", "Chapter one", "--set", "url=https://marabos.nl/Atomics"]);
    assert_eq!((stderr.as_str(), code), ("", 0));
}

#[test]
fn a_near_identical_title_is_named() {
    // Other letter case, punctuation and spaces: the same words.
    let (_, stderr, code) = new(&dex(), &["note", "rust  atomics and LOCKS!"]);
    assert_eq!((stderr.as_str(), code), (HINT, 0));
    // Two letters off in 22 characters (at most a tenth of them may differ).
    let (_, stderr, code) = new(&dex(), &["note", "Rust Atomic and Lock"]);
    assert_eq!((stderr.as_str(), code), (HINT, 0));
    // One in ten; a title set with --set counts; a card without `what` has only its date.
    let (_, stderr, code) = new(&dex(), &["note", "Other", "--set", "title=sqlite wax"]);
    assert!(stderr.starts_with("you already have: notes/wal.md \"SQLite WAL\" (20"), "{stderr}");
    assert_eq!((stderr.lines().count(), code), (1, 0));
}

#[test]
fn titles_that_are_not_near_identical_are_not_named() {
    for title in [
        // Three edits in 22 characters: more than a tenth.
        "Rust Atomcs and Lck",
        // A word less.
        "Rust Atomics",
        "Rust Atomics & Locks",
        // Another number.
        "Rust Atomics and Locks 2",
        // Under ten characters a title must be the same: one edit in 9 is too many.
        "Groceriez",
    ] {
        let dex = dex();
        let (stdout, stderr, code) = new(&dex, &["note", title]);
        assert_eq!((stderr.as_str(), code), ("", 0), "{title}");
        assert!(!stdout.is_empty(), "{title}: created");
    }
}

#[test]
fn no_duplicate_creates_nothing_and_exits_1() {
    let dex = dex();
    let before = files(&dex);
    let (stdout, stderr, code) = new(&dex, &["--no-duplicate", "note", "Rust atomics and locks"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("", &format!("{HINT}termdex: nothing created (--no-duplicate)\n")[..], 1)
    );
    assert_eq!(files(&dex), before, "nothing written");
    // Even with --quiet the reason is given.
    let (_, stderr, code) =
        new(&dex, &["-q", "--no-duplicate", "bookmark", "x", "--set", "url=marabos.nl/atomics"]);
    assert_eq!(
        (stderr.as_str(), code),
        (&format!("{HINT}termdex: nothing created (--no-duplicate)\n")[..], 1)
    );
    assert_eq!(files(&dex), before, "nothing written");
    // Without a duplicate it creates the card as usual.
    let (stdout, stderr, code) = new(&dex, &["--no-duplicate", "note", "Something new"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("2026/11/23/something-new.md\n", "", 0));
    // --quiet alone silences the hint, not the card.
    let (stdout, stderr, code) = new(&dex, &["-q", "note", "Rust Atomics and Locks"]);
    assert_eq!((stderr.as_str(), code), ("", 0));
    assert!(dex.path(stdout.trim()).is_file());
}

#[test]
fn the_card_just_created_is_a_duplicate_for_the_next_one() {
    let dex = TestDex::new();
    assert_eq!(new(&dex, &["note", "Weekly review"]).1, "");
    let (_, stderr, code) = new(&dex, &["--no-duplicate", "note", "Weekly Review"]);
    assert_eq!(code, 1);
    assert!(
        stderr.starts_with(
            "you already have: 2026/11/23/weekly-review.md \"Weekly review\" (note, 2026-11-23)\n"
        ),
        "{stderr}"
    );
}

#[test]
fn an_index_that_cannot_be_read_stops_only_no_duplicate() {
    let dex = dex();
    // A folder where the index's lock file should be: no index can be made (a folder at
    // the index file itself is set aside and the index rebuilt).
    std::fs::create_dir_all(dex.path(".termdex/index.lock")).expect("mkdir");
    let before = files(&dex);
    let (stdout, stderr, code) = new(&dex, &["--no-duplicate", "note", "Something new"]);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert!(
        stderr.starts_with(
            "termdex: error: could not look for cards like this one (--no-duplicate): cannot lock the index: "
        ),
        "{stderr}"
    );
    assert_eq!(files(&dex), before, "nothing written");
    // Without it, the card is written all the same (and the index, still unreadable
    // afterwards, fails the command).
    let out = dex
        .cmd()
        .env("TERMDEX_NOW", NOW)
        .args(["new", "--no-edit", "note", "Something new"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "termdex: warning: could not look for cards like this one, so it is created anyway: cannot lock the index: "
        ),
        "{stderr}"
    );
    assert!(dex.path("2026/11/23/something-new.md").is_file(), "{stderr}");
}
