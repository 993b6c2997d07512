//! `views`, `fields`, `cat`, `show` and the config file, through the binary.

use std::os::unix::fs::PermissionsExt;

use crate::util::{TestDex, hand_over, permission_runner, run_as, skip_unless_runnable};

fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: Alpha\nwhat: task\ntags: [rust, cli]\n---\nFirst body.\n")
        .write("b.md", "---\ntitle: Beta\nwhat: task\ntags: [Rust]\n---\nSecond body.")
        .write("c.md", "# Gamma\nno frontmatter\n");
    dex
}

#[test]
fn fields_counts_names_and_values() {
    let dex = deck();
    let (out, _, code) = dex.run(&["fields"]);
    assert_eq!((out.as_str(), code), ("2\ttags\n2\ttitle\n2\twhat\n", 0));
    let (out, _, _) = dex.run(&["fields", "tags"]);
    assert_eq!(out, "2\tRust\n1\tcli\n", "values differing only in case count together");
    let (out, _, code) = dex.run(&["fields", "nope"]);
    assert_eq!((out.as_str(), code), ("", 1));
}

/// Without a terminal (no controlling one, as in CI or cron), the picker says so and
/// writes nothing, not half of its terminal set-up.
#[cfg(feature = "skim")]
#[test]
fn pick_without_a_terminal_says_so_and_prints_nothing() {
    use std::os::unix::process::CommandExt;
    let dex = deck();
    let mut cmd = dex.process();
    // SAFETY: setsid is async-signal-safe; it only detaches the child from any terminal.
    unsafe {
        cmd.pre_exec(|| rustix::process::setsid().map(drop).map_err(std::io::Error::from));
    }
    let out = cmd.arg("pick").stdin(std::process::Stdio::null()).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("termdex: error: the picker needs a terminal, and there is none here (")
            && stderr.ends_with("); in a script or a pipe, use `termdex query` instead\n"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cat_prints_files_under_headers_exactly() {
    let dex = deck();
    let (out, _, code) = dex.run(&["cat", "what:task"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "==> a.md <==\n---\ntitle: Alpha\nwhat: task\ntags: [rust, cli]\n---\nFirst body.\n\n\
         ==> b.md <==\n---\ntitle: Beta\nwhat: task\ntags: [Rust]\n---\nSecond body.\n"
    );
    let (out, _, code) = dex.run(&["cat", "-what:task"]);
    assert_eq!((out.as_str(), code), ("==> c.md <==\n# Gamma\nno frontmatter\n", 0));
}

#[test]
fn show_renders_title_fields_and_body_and_raw_is_the_file() {
    let dex = deck();
    let (out, _, code) = dex.run(&["show", "a.md"]);
    assert_eq!(code, 0);
    assert_eq!(out, "Alpha\na.md\n\ntitle: Alpha\nwhat: task\ntags: rust, cli\n\nFirst body.\n");
    let (out, _, _) = dex.run(&["show", "a.md", "--raw"]);
    assert_eq!(out.as_bytes(), dex.read("a.md"));
    let (_, err, code) = dex.run(&["show", "missing.md"]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.md is not a card of the dex"), "{err}");
}

#[test]
fn show_says_a_card_it_may_not_read_is_unreadable_not_missing() {
    // Root reads any file: as root, the dex is `nobody`'s, who runs termdex.
    let runner = permission_runner();
    let dex = deck();
    std::fs::set_permissions(dex.root(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    hand_over(&dex.root(), runner);
    std::fs::set_permissions(dex.path("a.md"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
    for args in [&["show", "a.md"][..], &["show", "--no-refresh", "a.md"], &["show", "--raw", "a.md"]] {
        let result = run_as(&dex, runner, &[], args);
        if skip_unless_runnable(&result, runner) {
            return;
        }
        let out = result.expect("ran");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!((out.stdout.as_slice(), out.status.code()), (&b""[..], Some(2)), "{args:?}: {stderr}");
        assert!(
            stderr.ends_with(
                "termdex: error: cannot read a.md: permission denied (make the file readable to show it)\n"
            ),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn views_lists_builtin_and_configured_views() {
    let dex = deck();
    dex.write(
        ".termdex/config.toml",
        "[views.reading]\ndescription = \"to read\"\nfilter = \"what:bookmark\"\n",
    );
    let (out, _, code) = dex.run(&["views"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("view "), "{out}");
    assert!(lines[1].starts_with("all*"), "the default view is marked: {out}");
    assert!(lines.iter().any(|l| l.starts_with("tasks") && l.contains("what:task -status:done")), "{out}");
    assert!(
        lines.last().is_some_and(|l| l.starts_with("reading") && l.ends_with("to read (config)")),
        "{out}"
    );
}

#[test]
fn configured_views_are_used_by_query() {
    let dex = deck();
    dex.write(
        ".termdex/config.toml",
        "[views.rusty]\nfilter = \"#rust\"\nsort = [\"-title\"]\ncolumns = [\"title\", \"tags\"]\n",
    );
    let (out, _, _) = dex.run(&["query", "--view", "rusty"]);
    assert_eq!(out, "b.md\tBeta\tRust\na.md\tAlpha\trust, cli\n");
    let (out, _, _) = dex.run(&["query", "view:rusty", "--format", "paths"]);
    assert_eq!(out, "a.md\nb.md\n");
}

#[test]
fn a_bad_config_names_the_file_line_and_key() {
    let dex = deck();
    dex.write(".termdex/config.toml", "[views.x]\nfilter = \"a\"\ncolums = [\"title\"]\n");
    let (_, err, code) = dex.run(&["query"]);
    assert_eq!(code, 2);
    let config = dex.path(".termdex/config.toml");
    assert!(
        err.starts_with(&format!("termdex: error: {}:3: unknown field `colums`", config.display())),
        "{err}"
    );
    dex.write(".termdex/config.toml", "[views.x]\nfilter = \"(a\"\n");
    let (_, err, code) = dex.run(&["views"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "termdex: error: {}:2: key `views.x.filter`: expected `)` to close the `(` at column 1\n",
            config.display()
        )
    );
}

#[cfg(feature = "skim")]
#[test]
fn pick_selects_headless_like_fzf_filter() {
    let dex = deck();
    let (out, _, code) = dex.run(&["pick", "--select", "gam"]);
    assert_eq!((out.as_str(), code), ("c.md\n", 0));
    let (out, _, code) = dex.run(&["pick", "what:task", "--select", "zzz"]);
    assert_eq!((out.as_str(), code), ("", 1));
}

/// A dex with no card yet: `query` exits 1 and, into a pipe, says nothing (the hint is
/// for a terminal: tests/tmux.rs `a_first_run_says_how_to_begin`).
#[test]
fn query_in_a_dex_with_no_cards_exits_1_quietly_into_a_pipe() {
    let dex = TestDex::new();
    dex.write("notes.txt", "not a card\n");
    assert_eq!(dex.run(&["query"]), (String::new(), String::new(), 1));
    assert_eq!(dex.run(&[]), (String::new(), String::new(), 1));
}

/// A closed stderr (`termdex ... 2>&1 >/dev/null | head -1` after the first line) loses
/// the messages quietly, as a closed stdout does; it never panics (exit 101).
#[test]
fn a_closed_stderr_is_no_panic() {
    let dex = deck();
    let mut child = dex
        .process()
        .args(["-v", "index", "--full"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}
