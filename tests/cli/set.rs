//! `termdex set`: only the changed key's lines change, in every format, atomically.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::util::{
    NOBODY, ReadOnly, TestDex, permission_runner, run_as, skip_unless_runnable, skipped, text_of,
    writable_folder,
};

fn set(dex: &TestDex, args: &[&str]) -> (String, String, i32) {
    let mut all = vec!["set"];
    all.extend(args);
    dex.run(&all)
}

fn text(dex: &TestDex, rel: &str) -> String {
    String::from_utf8(dex.read(rel)).expect("UTF-8")
}

#[test]
fn yaml_keeps_comments_order_quoting_and_body_bytes() {
    let dex = TestDex::new();
    let before = "---\n# a comment\ntitle: 'Quoted title'   # trailing\nstatus: todo\ntags:\n  - a\n  - b\nlast: \"x\"\n---\nBody: keep   me\n\n";
    dex.write("a.md", before);
    let (_, stderr, code) = set(&dex, &["a.md", "status=done"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(text(&dex, "a.md"), before.replace("status: todo", "status: done"));
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "status:done", "--format", "paths"]);
    assert_eq!(stdout, "a.md\n", "the index was updated");
}

/// `parent=[[X]]` is a wiki link, as the outline writes a parent, not a list of a list.
#[test]
fn a_wiki_link_value_is_one_link() {
    let dex = TestDex::new();
    dex.write("p.md", "---\ntitle: Ship it\n---\n").write("c.md", "---\ntitle: Child\n---\n");
    set(&dex, &["c.md", "parent=[[Ship it]]", "see=[[[p]], [[c]]]"]);
    assert_eq!(
        text(&dex, "c.md"),
        "---\ntitle: Child\nparent: \"[[Ship it]]\"\nsee: [\"[[p]]\", \"[[c]]\"]\n---\n"
    );
    let (stdout, stderr, code) = dex.run(&["tree", "--format", "{path}\t{title}"]);
    assert_eq!((stdout.as_str(), code), ("p.md\tShip it\nc.md\t└── Child\n", 0), "{stderr}");
}

#[test]
fn lists_missing_keys_and_unset() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: T\ntags:\n  - a\n  - b\nstatus: todo\n---\nbody\n");
    set(&dex, &["a.md", "tags=[x, y z]", "priority=2"]);
    assert_eq!(text(&dex, "a.md"), "---\ntitle: T\ntags: [x, y z]\nstatus: todo\npriority: 2\n---\nbody\n");
    set(&dex, &["a.md", "--unset", "status"]);
    assert_eq!(text(&dex, "a.md"), "---\ntitle: T\ntags: [x, y z]\npriority: 2\n---\nbody\n");
    assert_eq!(dex.card("a.md")["fields"], json!({"title": "T", "tags": ["x", "y z"], "priority": 2}));
}

#[test]
fn crlf_bom_toml_and_json_cards() {
    let dex = TestDex::new();
    dex.write("crlf.md", "\u{feff}---\r\ntitle: W\r\nstatus: todo\r\n---\r\nbody\r\n");
    dex.write("t.md", "+++\ntitle = \"T\" # c\nstatus = \"todo\"\n\n[extra]\nx = 1\n+++\nbody\n");
    dex.write("j.md", "---json\n{\n  \"title\": \"J\",\n  \"status\": \"todo\"\n}\n---\nbody\n");
    for card in ["crlf.md", "t.md", "j.md"] {
        let (_, stderr, code) = set(&dex, &[card, "status=done", "owner=Ada Lovelace"]);
        assert_eq!(code, 0, "{card}: {stderr}");
    }
    assert_eq!(
        text(&dex, "crlf.md"),
        "\u{feff}---\r\ntitle: W\r\nstatus: done\r\nowner: Ada Lovelace\r\n---\r\nbody\r\n"
    );
    assert_eq!(
        text(&dex, "t.md"),
        "+++\ntitle = \"T\" # c\nstatus = \"done\"\nowner = \"Ada Lovelace\"\n\n[extra]\nx = 1\n+++\nbody\n"
    );
    assert_eq!(
        text(&dex, "j.md"),
        "---json\n{\n  \"title\": \"J\",\n  \"status\": \"done\",\n  \"owner\": \"Ada Lovelace\"\n}\n---\nbody\n"
    );
}

#[test]
fn a_card_without_frontmatter_gets_one() {
    let dex = TestDex::new();
    dex.write("plain.md", "# Plain\ntext\n");
    set(&dex, &["plain.md", "status=todo"]);
    assert_eq!(text(&dex, "plain.md"), "---\nstatus: todo\n---\n# Plain\ntext\n");
}

#[test]
fn hostile_values_round_trip() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: x\n---\n");
    for value in
        ["a: b # c", "\"q\" 'q'", "- dash", "yes", "line\\nbreak", "[not, a, list", "{x}", "", "null"]
    {
        let (_, stderr, code) = set(&dex, &["a.md", &format!("title={value}")]);
        assert_eq!(code, 0, "{value}: {stderr}");
        let card = dex.card("a.md");
        assert_eq!(card["error"], json!(null), "{value}: {}", text(&dex, "a.md"));
        assert_eq!(
            card["fields"]["title"],
            json!(value),
            "{value} reads back exactly: {}",
            text(&dex, "a.md")
        );
    }
}

#[test]
fn bulk_form_changes_every_matching_card_and_counts_them() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nwhat: task\nstatus: todo\n---\n")
        .write("b.md", "---\nwhat: task\nstatus: done\n---\n")
        .write("c.md", "---\nwhat: note\n---\n");
    let (stdout, _, code) = set(&dex, &["status=done", "--", "what:task", "-status:done"]);
    assert_eq!((stdout.as_str(), code), ("1 card changed\n", 0));
    let (stdout, _, _) = dex.run(&["query", "status:done", "--format", "paths"]);
    assert_eq!(stdout, "a.md\nb.md\n");
    assert_eq!(text(&dex, "c.md"), "---\nwhat: note\n---\n");
    let (stdout, _, code) = set(&dex, &["status=x", "--", "what:nothing"]);
    assert_eq!((stdout.as_str(), code), ("0 cards changed\n", 1));
}

#[test]
fn bulk_set_on_cards_without_a_field_changes_only_those() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\n---\n")
        .write("b.md", "+++\nstatus = \"done\"\n+++\n")
        .write("c.md", "---\nwhat: note\n---\n")
        .write("d.md", "no frontmatter\n");
    let (stdout, stderr, code) = set(&dex, &["status=new", "--", "-status:*"]);
    assert_eq!((stdout.as_str(), code), ("2 cards changed\n", 0), "{stderr}");
    assert_eq!(text(&dex, "a.md"), "---\nstatus: todo\n---\n");
    assert_eq!(text(&dex, "b.md"), "+++\nstatus = \"done\"\n+++\n");
    assert_eq!(text(&dex, "c.md"), "---\nwhat: note\nstatus: new\n---\n");
    assert!(text(&dex, "d.md").starts_with("---\nstatus: new\n---\n"), "{}", text(&dex, "d.md"));
    let (stdout, _, code) = set(&dex, &["seen=yes", "--", "status:*"]);
    assert_eq!((stdout.as_str(), code), ("4 cards changed\n", 0), "every card has a status now");
    let (stdout, _, code) = set(&dex, &["x=1", "--", "-status:*"]);
    assert_eq!((stdout.as_str(), code), ("0 cards changed\n", 1));
}

#[test]
fn malformed_frontmatter_is_refused_and_left_untouched() {
    let dex = TestDex::new();
    let before = "---\ntags: [a\n---\nbody\n";
    dex.write("bad.md", before);
    let (_, stderr, code) = set(&dex, &["bad.md", "status=done"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad.md"), "{stderr}");
    assert_eq!(text(&dex, "bad.md"), before);
    let leftovers: Vec<_> =
        std::fs::read_dir(dex.root()).expect("ls").flatten().map(|e| e.file_name()).collect();
    assert!(leftovers.iter().all(|n| !n.to_string_lossy().contains(".tmp")), "{leftovers:?}");
}

#[test]
fn set_refuses_paths_outside_the_dex() {
    let dex = TestDex::new();
    dex.write("a.md", "x");
    let (_, stderr, code) = set(&dex, &["../a.md", "x=1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("outside the dex"), "{stderr}");
}

/// No `.termdex-*.tmp` file left anywhere under `dir`.
fn no_temp_files(dir: &std::path::Path) {
    for entry in fs::read_dir(dir).expect("ls").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "temp file left: {}", entry.path().display());
        if entry.file_type().expect("type").is_dir() {
            no_temp_files(&entry.path());
        }
    }
}

#[test]
fn a_write_that_fails_leaves_the_card_and_no_temp_file() {
    let dex = TestDex::new();
    let before = format!("---\nstatus: todo\n---\n{}\n", "A long body line.\n".repeat(100));
    dex.write("locked/card.md", &before);
    // Root writes into read-only folders: then termdex runs as `nobody`, from a copy of the
    // binary anyone can run, with a cache folder of its own for the index it cannot keep
    // in the dex.
    let runner = permission_runner();
    fs::set_permissions(dex.root(), fs::Permissions::from_mode(0o755)).expect("chmod");
    let cache = writable_folder(runner);
    let locked = ReadOnly::new(&[dex.path("locked")]);
    let result =
        run_as(&dex, runner, &[("XDG_CACHE_HOME", cache.path())], &["set", "locked/card.md", "status=done"]);
    if !skip_unless_runnable(&result, runner) {
        let (_, stderr, code) = text_of(&result.expect("ran"));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("cannot write"), "{stderr}");
        assert!(stderr.contains("the card was left as it was"), "{stderr}");
        assert_eq!(text(&dex, "locked/card.md"), before);
        no_temp_files(&dex.root());
    }
    drop(locked);

    // A file size limit stops every user's writes, root's too: the temporary file cannot
    // be written in full, and the card must come out of it untouched.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 1 && exec \"$0\" \"$@\"")
        .arg(assert_cmd::cargo::cargo_bin("termdex"))
        .args(["--dex".as_ref(), dex.root().as_os_str(), "set".as_ref(), "locked/card.md".as_ref()])
        .arg("status=done")
        .current_dir(dex.root())
        .env("TERMDEX_TODAY", "2026-11-23")
        .output()
        .expect("run termdex under a file size limit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write") && stderr.contains("File too large"), "{stderr}");
    assert_eq!(text(&dex, "locked/card.md"), before);
    no_temp_files(&dex.root());
}

#[test]
fn files_that_are_not_cards_are_never_changed() {
    let dex = TestDex::new();
    let others = [
        ("package.json", "{\n  \"name\": \"x\",\n  \"status\": \"draft\"\n}\n"),
        ("run.sh", "#!/bin/sh\necho hi\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        (".termdex/config.toml", "[views.mine]\nfilter = \"x\"\n"),
        (".obsidian/notes.md", "---\nstatus: todo\n---\n"),
        ("notes/.draft.md", "---\nstatus: todo\n---\n"),
    ];
    for (rel, content) in others {
        dex.write(rel, content);
    }
    dex.write("card.md", "---\nstatus: todo\n---\n");
    // What `termdex set * status=done` and friends hand over.
    let mut args: Vec<&str> = others.iter().map(|(rel, _)| *rel).collect();
    args.extend(["card.md", "notes", "status=done"]);
    let (_, stderr, code) = set(&dex, &args);
    assert_eq!(code, 2, "{stderr}");
    for (rel, content) in others {
        assert_eq!(text(&dex, rel), content, "{rel} is untouched");
        assert!(stderr.contains(&format!("termdex: error: {rel} is not a card: ")), "{rel}: {stderr}");
    }
    assert!(stderr.contains("error: notes is not a card: cards are .md or .markdown files"), "{stderr}");
    assert!(stderr.contains(".git/HEAD is not a card: it is in a hidden folder"), "{stderr}");
    assert_eq!(text(&dex, "card.md"), "---\nstatus: done\n---\n", "the card among them is changed");
    let (stdout, _, _) = dex.run(&["query", "--no-refresh", "--format", "paths"]);
    assert_eq!(stdout, "card.md\n", "nothing else was indexed");
}

#[test]
fn concurrent_sets_on_one_card_keep_every_key() {
    let dex = TestDex::new();
    dex.write("card.md", "---\ntitle: Shared\n---\nbody\n");
    let children: Vec<_> = (0..8)
        .map(|i| {
            dex.process()
                .args(["set", "card.md", &format!("key{i}=value {i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let fields = &dex.card("card.md")["fields"];
    for i in 0..8 {
        assert_eq!(fields[format!("key{i}")], json!(format!("value {i}")), "{}", text(&dex, "card.md"));
    }
    assert!(text(&dex, "card.md").ends_with("---\nbody\n"));
}

#[test]
fn a_symlinked_card_inside_the_dex_is_changed_through_its_link() {
    let dex = TestDex::new();
    dex.write("real/inside.md", "---\nwhat: task\nstatus: todo\n---\n");
    symlink("real/inside.md", dex.path("in.md")).expect("symlink");
    symlink("real", dex.path("alias")).expect("symlink");
    let (_, stderr, code) = set(&dex, &["in.md", "owner=me"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(text(&dex, "real/inside.md"), "---\nwhat: task\nstatus: todo\nowner: me\n---\n");
    let (stdout, stderr, code) = set(&dex, &["status=done", "--", "what:task"]);
    // in.md, alias/inside.md and real/inside.md are one file: the first changes it, the
    // others find it done already.
    assert_eq!((stdout.as_str(), code), ("1 card changed\n", 0), "{stderr}");
    for link in ["in.md", "alias"] {
        let meta = fs::symlink_metadata(dex.path(link)).expect("meta");
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    assert_eq!(text(&dex, "real/inside.md"), "---\nwhat: task\nstatus: done\nowner: me\n---\n");
}

const GIT_CONFIG: &str = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n";

/// A dex with links named like cards that lead to files that are not cards of the dex:
/// git's config, termdex's own, a file and a folder outside the dex, an ignored draft.
/// Returns the dex, the folder outside it, and each link with why it is refused.
fn dex_with_hostile_links() -> (TestDex, tempfile::TempDir, Vec<(&'static str, String)>) {
    let dex = TestDex::new();
    let outside = tempfile::tempdir().expect("outside dir");
    let out = outside.path().canonicalize().expect("canonical");
    fs::write(out.join("elsewhere.md"), "---\nwhat: task\nstatus: todo\n---\n").expect("write");
    fs::create_dir(out.join("folder")).expect("mkdir");
    fs::write(out.join("folder/x.md"), "---\nwhat: task\nstatus: todo\n---\n").expect("write");
    dex.write(".git/config", GIT_CONFIG)
        .write(".termdex/config.toml", "[views.mine]\nfilter = \"what:task\"\n")
        .write(".ignore", "drafts/\n")
        .write("drafts/d.md", "---\nwhat: task\nstatus: todo\n---\n");
    symlink(".git/config", dex.path("notes.md")).expect("symlink");
    symlink(".termdex/config.toml", dex.path("cfg.md")).expect("symlink");
    symlink(out.join("elsewhere.md"), dex.path("out.md")).expect("symlink");
    symlink(out.join("folder"), dex.path("away")).expect("symlink");
    symlink(".git", dex.path("gitdir")).expect("symlink");
    symlink("drafts/d.md", dex.path("drafted.md")).expect("symlink");
    let hidden = ", is in a hidden folder, which termdex does not index";
    let refused = vec![
        ("notes.md", format!("its real path, .git/config{hidden}")),
        ("cfg.md", format!("its real path, .termdex/config.toml{hidden}")),
        ("gitdir/config.md", format!("its real path, .git/config.md{hidden}")),
        ("out.md", format!("its real path, {}, is outside the dex", out.join("elsewhere.md").display())),
        ("away/x.md", format!("its real path, {}, is outside the dex", out.join("folder/x.md").display())),
        (
            "drafted.md",
            "its real path, drafts/d.md, is ignored by a .ignore or .gitignore rule, so termdex does not index it"
                .to_string(),
        ),
    ];
    (dex, outside, refused)
}

/// Every file under `dir` (not following links) with its bytes, but termdex's index and
/// locks.
fn contents(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).expect("ls").flatten() {
        let kind = entry.file_type().expect("type");
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() {
            found.extend(contents(&entry.path()));
        } else if kind.is_file() && !name.starts_with("index.") && name != "write.lock" {
            found.push((entry.path(), fs::read(entry.path()).expect("read")));
        }
    }
    found.sort();
    found
}

#[test]
fn set_never_writes_through_a_link_to_a_file_that_is_not_a_card_of_the_dex() {
    let (dex, outside, refused) = dex_with_hostile_links();
    dex.write("gitdir/config.md", "");
    fs::remove_file(dex.path(".git/config.md")).expect("rm");
    let before = (contents(&dex.root()), contents(outside.path()));
    for (link, why) in &refused {
        let (_, stderr, code) = set(&dex, &[link, "status=done"]);
        assert_eq!(code, 2, "{link}: {stderr}");
        // A typed path whose folder is a link is resolved by the command line first, and
        // refused by the name it resolves to (`.git/config.md`, or outside the dex).
        let said = if link.contains('/') {
            stderr.contains("is not a card: it is in a hidden folder")
                || stderr.contains("is outside the dex")
        } else {
            stderr.contains(&format!("{link} is not a card: {why}; it was left as it is\n"))
        };
        assert!(said, "{link}: {stderr}");
    }
    // In bulk: the index lists links by their names (the walk follows them), so a filter
    // can match them; each is refused all the same, by the library's own check.
    let (stdout, stderr, code) = set(&dex, &["status=done", "--", "bare OR views OR what:task"]);
    assert_eq!((stdout.as_str(), code), ("0 cards changed\n", 2), "{stderr}");
    for (link, why) in &refused {
        if !link.starts_with("gitdir/") {
            assert!(
                stderr.contains(&format!("{link} is not a card: {why}; it was left as it is\n")),
                "{link}: {stderr}"
            );
        }
    }
    assert_eq!((contents(&dex.root()), contents(outside.path())), before, "a file changed");
    // termdex's config still loads, and the dex still answers.
    let (_, stderr, code) = dex.run(&["views"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn hard_linked_and_read_only_cards_are_refused() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\n---\n");
    fs::hard_link(dex.path("a.md"), dex.path("twin.md")).expect("hard link");
    let (_, stderr, code) = set(&dex, &["a.md", "status=done"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a.md has 2 hard links; termdex will not split them — edit it in your editor"),
        "{stderr}"
    );
    assert_eq!(text(&dex, "twin.md"), "---\nstatus: todo\n---\n");
    assert_eq!(fs::metadata(dex.path("a.md")).expect("meta").nlink(), 2, "still one file");

    dex.write("ro.md", "---\nstatus: todo\n---\n");
    fs::set_permissions(dex.path("ro.md"), fs::Permissions::from_mode(0o444)).expect("chmod");
    let (_, stderr, code) = set(&dex, &["ro.md", "status=done"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("ro.md is read-only; termdex will not replace it"), "{stderr}");
    assert_eq!(text(&dex, "ro.md"), "---\nstatus: todo\n---\n");
    assert_eq!(fs::metadata(dex.path("ro.md")).expect("meta").permissions().mode() & 0o777, 0o444);
}

/// A group this process may give its files other than the one they get anyway: `nogroup`
/// for root; for anyone else one of their supplementary groups, if they have one.
fn another_group() -> Option<u32> {
    // SAFETY: getegid and geteuid cannot fail and touch no memory.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if euid == 0 {
        return Some(NOBODY);
    }
    let mut groups = vec![0 as libc::gid_t; 256];
    // SAFETY: the buffer holds as many gid_t as we say.
    let n = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    groups.truncate(usize::try_from(n).unwrap_or(0));
    groups.into_iter().find(|&g| g != egid)
}

#[test]
fn set_keeps_the_owner_group_mode_and_attributes_of_a_card() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\n---\nbody\n");
    let card = dex.path("a.md");
    // SAFETY: geteuid cannot fail and touches no memory.
    let euid = unsafe { libc::geteuid() };
    // Root gives the card to nobody:nogroup, as in the report; anyone else can only give
    // it another group of theirs, which still proves the group is kept.
    let owner = if euid == 0 { NOBODY } else { euid };
    let group = another_group();
    match group {
        Some(group) => std::os::unix::fs::chown(&card, Some(owner), Some(group)).expect("chown"),
        None => {
            skipped("only the mode and attributes are checked: this user has no second group to give a card")
        }
    }
    fs::set_permissions(&card, fs::Permissions::from_mode(0o640)).expect("chmod");
    rustix::fs::setxattr(&card, "user.termdex.note", b"kept", rustix::fs::XattrFlags::empty())
        .expect("the test folder's file system must hold user extended attributes");
    let before = fs::metadata(&card).expect("meta");

    let (_, stderr, code) = set(&dex, &["a.md", "status=done"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(text(&dex, "a.md"), "---\nstatus: done\n---\nbody\n");
    let after = fs::metadata(&card).expect("meta");
    assert_ne!(after.ino(), before.ino(), "a new file took the card's place");
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()), "owner and group");
    assert_eq!(after.mode() & 0o7777, 0o640, "mode");
    let mut value = [0u8; 16];
    let len = rustix::fs::getxattr(&card, "user.termdex.note", &mut value[..]).expect("attribute kept");
    assert_eq!(&value[..len], b"kept");
}

#[test]
fn set_refuses_a_card_whose_owner_it_cannot_keep() {
    // Only root can make a card another user owns: as root, termdex runs as `nobody` on a
    // card of root's that `nobody` may write, in a folder `nobody` may write.
    let Some(runner) = permission_runner() else {
        skipped("only root can give a card to another user");
        return;
    };
    let dex = TestDex::new();
    let before = "---\nstatus: todo\n---\n";
    dex.write("shared/a.md", before);
    fs::set_permissions(dex.root(), fs::Permissions::from_mode(0o755)).expect("chmod");
    fs::set_permissions(dex.path("shared"), fs::Permissions::from_mode(0o777)).expect("chmod");
    fs::set_permissions(dex.path("shared/a.md"), fs::Permissions::from_mode(0o666)).expect("chmod");
    let cache = writable_folder(Some(runner));
    let result = run_as(
        &dex,
        Some(runner),
        &[("XDG_CACHE_HOME", cache.path())],
        &["set", "shared/a.md", "status=done"],
    );
    if skip_unless_runnable(&result, Some(runner)) {
        return;
    }
    let (_, stderr, code) = text_of(&result.expect("ran"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "termdex: error: cannot write {}: the rewritten card could not be given the card's owner and group (user 0, group 0): Operation not permitted (os error 1); the card was left as it was (run termdex as its owner, or as root)",
            dex.path("shared/a.md").display()
        )),
        "{stderr}"
    );
    assert_eq!(text(&dex, "shared/a.md"), before);
    assert_eq!(fs::metadata(dex.path("shared/a.md")).expect("meta").uid(), 0, "still root's");
    no_temp_files(&dex.root());
}

/// Runs `termdex set card.md n=K` for K = 1, 2 ... back to back for `how_long` while
/// `other` (a shell script run in the dex) writes the card too, then stops `other` by
/// removing the file `running` and waits for it. Returns how many sets succeeded and
/// the value of the last that did.
fn sets_racing(dex: &TestDex, other: &str, how_long: Duration) -> (u32, u32) {
    fs::write(dex.path("running"), "").expect("flag");
    let mut writer = std::process::Command::new("sh")
        .arg("-c")
        .arg(other)
        .current_dir(dex.root())
        .spawn()
        .expect("start the other writer");
    let started = Instant::now();
    let (mut ok, mut last) = (0, 0);
    let mut k = 0;
    while started.elapsed() < how_long {
        k += 1;
        let (_, stderr, code) = set(dex, &["card.md", &format!("n={k}")]);
        match code {
            0 => (ok, last) = (ok + 1, k),
            // Given up on, untouched, after the card kept changing: allowed, and rare.
            2 if stderr.contains("kept changing while termdex was changing it") => {}
            _ => panic!("set {k} failed: {stderr}"),
        }
    }
    fs::remove_file(dex.path("running")).expect("unflag");
    assert!(writer.wait().expect("wait").success(), "the other writer failed");
    (ok, last)
}

#[test]
fn sets_racing_an_appender_and_a_saver_lose_none_of_their_lines() {
    let dex = TestDex::new();
    dex.write("card.md", "---\ntitle: Raced\nn: 0\n---\nbody\n");
    // An appender, as `echo line >> card` in a loop, that also holds the card open for a
    // moment between two lines: a writer caught by a swap writes on into the old file.
    let appender = r#"i=0
while [ -e running ]; do
  echo "append $i a" >> card.md
  { echo "append $i b"; sleep 0.002; echo "append $i c"; } >> card.md
  i=$((i+1))
done
echo $i > appended"#;
    let (ok, last) = sets_racing(&dex, appender, Duration::from_secs(2));
    let appended: u32 = text(&dex, "appended").trim().parse().expect("count");
    let card = text(&dex, "card.md");
    let lost: Vec<String> = (0..appended)
        .flat_map(|i| ["a", "b", "c"].map(|part| format!("append {i} {part}\n")))
        .filter(|line| card.matches(line.as_str()).count() != 1)
        .collect();
    assert!(ok >= 3 && appended >= 50, "too little raced: {ok} sets, {appended} rounds of lines");
    assert_eq!(lost, Vec::<String>::new(), "lines lost or doubled of {}", 3 * appended);
    assert!(card.starts_with(&format!("---\ntitle: Raced\nn: {last}\n---\nbody\n")), "{card}");
    eprintln!("appender: {ok} sets, {} lines, none lost", 3 * appended);

    // An editor saving by rename: reads the card, writes its copy with a line added, and
    // renames the copy over the card. A save the swap displaced must not vanish.
    dex.write("card.md", "---\ntitle: Raced\nn: 0\n---\nbody\n");
    let saver = r#"i=0
while [ -e running ]; do
  cat card.md > .save.tmp && echo "save $i" >> .save.tmp && mv -f .save.tmp card.md
  i=$((i+1))
done
echo $i > saved"#;
    let (ok, _) = sets_racing(&dex, saver, Duration::from_secs(2));
    let saved: u32 = text(&dex, "saved").trim().parse().expect("count");
    let card = text(&dex, "card.md");
    let lost: Vec<u32> = (0..saved).filter(|i| card.matches(&format!("save {i}\n")).count() != 1).collect();
    assert!(ok >= 3 && saved >= 50, "too little raced: {ok} sets, {saved} saves");
    assert_eq!(lost, Vec::<u32>::new(), "saves lost or doubled of {saved}: {card}");
    eprintln!("saver: {ok} sets, {saved} saves, none lost");
}

#[test]
fn the_count_into_a_closed_pipe_is_success_and_into_a_full_disk_an_error_after_the_write() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\n---\n").write("b.md", "---\nstatus: todo\n---\n");
    let mut child = dex
        .process()
        .args(["set", "status=done", "--", "status:todo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!((out.status.code(), String::from_utf8_lossy(&out.stderr).as_ref()), (Some(0), ""));
    assert_eq!(text(&dex, "a.md"), "---\nstatus: done\n---\n");
    let full = fs::File::options().write(true).open("/dev/full").expect("/dev/full");
    let out = dex.process().args(["set", "-v", "a.md", "status=again"]).stdout(full).output().expect("run");
    assert_eq!(
        (out.status.code(), String::from_utf8_lossy(&out.stderr).as_ref()),
        (
            Some(2),
            "termdex: error: 1 card changed, but this could not be printed: No space left on device (os error 28)\n"
        )
    );
    assert_eq!(text(&dex, "a.md"), "---\nstatus: again\n---\n", "written before the count");
}

#[test]
fn a_bulk_unset_needs_no_assignment() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\nwhen: today\n---\nbody\n")
        .write("b.md", "---\nstatus: done\nwhen: today\n---\n");
    let (stdout, stderr, code) = set(&dex, &["--unset", "when", "--", "status:todo"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("1 card changed\n", "", 0));
    assert_eq!(text(&dex, "a.md"), "---\nstatus: todo\n---\nbody\n");
    assert_eq!(text(&dex, "b.md"), "---\nstatus: done\nwhen: today\n---\n");
    let (_, stderr, code) = set(&dex, &[]);
    assert_eq!(
        (stderr.as_str(), code),
        ("termdex: error: nothing to set: give key=value or --unset KEY\n", 2)
    );
}

#[test]
fn a_card_named_like_an_assignment_is_found_from_the_dex_root_too() {
    let dex = TestDex::new();
    dex.write("a=b.md", "---\ntitle: A\n---\n").write("other.md", "---\ntitle: O\n---\n");
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let out = dex
        .cmd_in(elsewhere.path())
        .arg("--dex")
        .arg(dex.root())
        .args(["set", "a=b.md", "other.md", "status=done"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(text(&dex, "a=b.md"), "---\ntitle: A\nstatus: done\n---\n");
    assert_eq!(text(&dex, "other.md"), "---\ntitle: O\nstatus: done\n---\n", "no field a: b.md");
}

#[test]
fn a_key_both_set_and_unset_is_refused_and_the_dex_root_is_no_card() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: todo\n---\n");
    let (_, stderr, code) = set(&dex, &["a.md", "--unset", "status", "status=again"]);
    assert_eq!(
        (stderr.as_str(), code),
        ("termdex: error: status is both set and unset (--unset status): give one of the two\n", 2)
    );
    assert_eq!(text(&dex, "a.md"), "---\nstatus: todo\n---\n");
    let (_, stderr, code) = set(&dex, &[".", "a=1"]);
    assert_eq!(
        (stderr.as_str(), code),
        ("termdex: error: . is the dex's own folder, not a card: name a card in it\n", 2)
    );
}

#[test]
fn a_clash_of_set_and_unset_is_seen_whatever_the_letter_case_and_a_stray_file_is_no_card() {
    let dex = TestDex::new();
    dex.write("a.md", "---\nstatus: active\n---\n");
    let (_, stderr, code) = set(&dex, &["a.md", "Status=done", "--unset", "status"]);
    assert_eq!(
        (stderr.as_str(), code),
        ("termdex: error: status is both set and unset (--unset status): give one of the two\n", 2)
    );
    assert_eq!(text(&dex, "a.md"), "---\nstatus: active\n---\n");
    // A file named like the assignment, but no card: the argument is the assignment.
    dex.write("status=done", "not a card\n");
    let (_, stderr, code) = set(&dex, &["a.md", "status=done"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(text(&dex, "a.md"), "---\nstatus: done\n---\n");
    assert_eq!(text(&dex, "status=done"), "not a card\n");
}
