//! Saved views in `.termdex/config.toml`: a view's filter is checked when the config is
//! read, and errors name the config file, its line and the key.

use crate::util::TestDex;

fn with_config(config: &str) -> TestDex {
    let dex = TestDex::new();
    dex.write(".termdex/config.toml", config).write("a.md", "---\nwhat: task\n---\n");
    dex
}

fn config_error(dex: &TestDex, line: usize, message: &str) -> String {
    format!("termdex: error: {}:{line}: {message}\n", dex.path(".termdex/config.toml").display())
}

#[test]
fn a_bad_date_in_a_view_is_reported_at_its_config_line_not_under_the_users_words() {
    let dex = with_config(
        "[views.ok]\nfilter = \"what:task\"\n\n[views.bad]\nfilter = \"what:task deadline>soon\"\n",
    );
    let (stdout, stderr, code) = dex.run(&["query", "--view", "bad", "x"]);
    assert_eq!((stdout.as_str(), code), ("", 2));
    assert_eq!(
        stderr,
        config_error(
            &dex,
            5,
            "key `views.bad.filter`: expected a date, not `soon` (like 2026-12-01, today, yesterday, +3d, -2w, this-week)"
        )
    );
    let (_, stderr2, code) = dex.run(&["query", "--view", "ok"]);
    assert_eq!((stderr2, code), (stderr, 2), "the config is refused whichever view is asked for");
}

#[test]
fn unknown_views_and_cycles_between_views_are_config_errors() {
    let dex = with_config("[views.a]\nfilter = \"view:nope\"\n");
    let (_, stderr, code) = dex.run(&["views"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            &config_error(&dex, 2, "key `views.a.filter`: no view named `nope` (views: all,")[..80]
        ),
        "{stderr}"
    );
    let dex = with_config("[views.a]\nfilter = \"#x view:b\"\n[views.b]\nfilter = \"view:a OR #y\"\n");
    let (_, stderr, code) = dex.run(&["query"]);
    assert_eq!(
        (stderr, code),
        (config_error(&dex, 2, "key `views.a.filter`: view `a` includes itself (a -> b -> a)"), 2)
    );
}

#[test]
fn a_view_filter_nested_too_deeply_is_a_config_error() {
    let deep = format!("[views.deep]\nfilter = \"{}a{}\"\n", "(".repeat(200), ")".repeat(200));
    let dex = with_config(&deep);
    let (_, stderr, code) = dex.run(&["query"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        config_error(
            &dex,
            2,
            "key `views.deep.filter`: nested too deeply (more than 64 levels of parentheses)"
        )
    );
}

#[test]
fn views_naming_views_defined_later_work() {
    let dex = with_config("[views.a]\nfilter = \"view:b\"\n[views.b]\nfilter = \"what:task\"\n");
    let (stdout, stderr, code) = dex.run(&["query", "--view", "a", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("a.md\n", 0), "{stderr}");
}

#[test]
fn views_that_double_at_each_step_are_too_large_at_once_not_a_hang() {
    // v0 names v1 twice, v1 names v2 twice, ...: 2^60 terms if inlined in full.
    let mut config = String::new();
    for i in 0..60 {
        config.push_str(&format!("[views.v{i}]\nfilter = \"view:v{} OR view:v{}\"\n", i + 1, i + 1));
    }
    config.push_str("[views.v60]\nfilter = \"a\"\n");
    let dex = with_config(&config);
    let expected = config_error(
        &dex,
        2,
        "key `views.v0.filter`: the filter is too large (more than 1000 terms once view `v1` is inlined): \
         split it into several queries or views",
    );
    for args in [&["views"][..], &["check"], &["query", "--view", "v0"], &["query", "view:v3"]] {
        let out = dex
            .cmd()
            .args(args)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap_or_else(|e| panic!("termdex {args:?}: {e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!((stderr.as_ref(), out.status.code()), (expected.as_str(), Some(2)), "{args:?}");
    }
}

#[test]
fn a_view_whose_filter_constrains_nothing_is_a_config_error_and_an_empty_one_is_every_card() {
    for filter in ["?", "   "] {
        let dex =
            with_config(&format!("[views.ok]\nfilter = \"what:task\"\n\n[views.q]\nfilter = \"{filter}\"\n"));
        let expected = config_error(
            &dex,
            5,
            &format!(
                "key `views.q.filter`: the filter {filter:?} constrains nothing: no term in it selects anything \
                 (words without letters or digits, empty values and `*` alone are ignored); for every card, write \
                 filter = \"\""
            ),
        );
        for args in [&["query", "--view", "q"][..], &["views"], &["check"]] {
            let (stdout, stderr, code) = dex.run(args);
            assert_eq!(
                (stdout.as_str(), stderr.as_str(), code),
                ("", expected.as_str(), 2),
                "{filter:?} {args:?}"
            );
        }
    }
    let dex = with_config("[views.q]\nfilter = \"\"\n");
    let (stdout, stderr, code) = dex.run(&["query", "--view", "q", "--format", "paths"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("a.md\n", "", 0));
}
