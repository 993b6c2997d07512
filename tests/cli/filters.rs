//! The filter language against a fixture deck with known answers: every operator,
//! shorthand and date form. "Today" is pinned to Monday 2026-11-23 (UTC) by the harness.

use crate::util::TestDex;

fn fixture() -> TestDex {
    let dex = TestDex::new();
    dex.write_at(
        "t1.md",
        "---\ntitle: Write parser\nwhat: task\nstatus: todo\nwhen: today\ndeadline: 2026-11-25\ntags: [rust, cli]\npriority: 2\n---\nThe filter parser, with carets under errors.\n",
        "2026-11-23T09:00:00Z",
    )
    .write_at(
        "t2.md",
        "---\ntitle: Ship release\nwhat: task\nstatus: done\nwhen: week\ndeadline: 2026-11-20\ntags: [rust]\npriority: 10\n---\nRelease notes and tagging.\n",
        "2026-11-10T12:00:00Z",
    )
    .write_at(
        "t3.md",
        "+++\ntitle = \"Fix bike\"\nwhat = \"task\"\nstatus = \"blocked\"\nwhen = \"someday\"\ntags = [\"Home\"]\npriority = \"3\"\n+++\nChain and brakes.\n",
        "2026-11-01T12:00:00Z",
    )
    .write_at(
        "n1.md",
        "---\ntitle: SQLite notes\nwhat: note\ntags: [sqlite]\nauthor:\n  name: Ada Lovelace\n  handle: ada\n---\nWAL mode and checkpoints; bm25 ranking.\n",
        "2026-11-01T12:00:00Z",
    )
    .write_at("n2.md", "# Loose thoughts\nwal wal wal, and more wal\n", "2026-11-01T12:00:00Z")
    .write_at("journal/2026-11-23.md", "---\nwhat: journal\ndate: 2026-11-23\n---\nMonday.\n", "2026-11-01T12:00:00Z")
    .write_at("journal/2026-11-16.md", "---\nwhat: journal\ndate: 2026-11-16\n---\nLast Monday.\n", "2026-11-01T12:00:00Z")
    .write_at(
        "b1.md",
        "{\"title\": \"SQLite docs\", \"what\": \"bookmark\", \"url\": \"https://sqlite.org\", \"created\": \"2026-10-01\", \"pinned\": true}\n",
        "2026-11-01T12:00:00Z",
    )
    .write_at(
        "m1.md",
        "---\ntitle: Planning\nwhat: meeting\ndate: 2026-11-23T10:00\nattendees: [Priya, Jun]\n---\nAgenda.\n",
        "2026-11-01T12:00:00Z",
    );
    dex
}

/// The paths a filter selects, in path order.
fn select(dex: &TestDex, filter: &[&str]) -> Vec<String> {
    let mut args = vec!["query", "--format", "paths", "--sort", "path"];
    args.extend(filter);
    let (stdout, stderr, code) = dex.run(&args);
    assert!(code == 0 || code == 1, "{filter:?} failed ({code}): {stderr}");
    assert_eq!(code == 1, stdout.is_empty(), "exit 1 exactly when nothing matches: {filter:?}");
    stdout.lines().map(|l| l.trim_end_matches(".md").to_string()).collect()
}

fn check(dex: &TestDex, cases: &[(&str, &[&str])]) {
    for (filter, expected) in cases {
        assert_eq!(select(dex, &[filter]), *expected, "filter {filter:?}");
    }
}

#[test]
fn field_equality_lists_case_and_shorthands() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("what:task", &["t1", "t2", "t3"]),
            ("WHAT:TASK", &["t1", "t2", "t3"]),
            ("status:Done", &["t2"]),
            ("tags:rust", &["t1", "t2"]),
            ("tag:rust", &["t1", "t2"]),
            ("#rust", &["t1", "t2"]),
            ("#home", &["t3"]),
            ("tags:ru*", &["t1", "t2"]),
            ("attendees:jun", &["m1"]),
            ("author.name:\"ada lovelace\"", &["n1"]),
            ("author.handle:ada", &["n1"]),
            ("pinned:true", &["b1"]),
            ("status:nothing", &[]),
        ],
    );
}

#[test]
fn has_and_no() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("has:deadline", &["t1", "t2"]),
            ("has:author", &["n1"]),
            ("no:what", &["n2"]),
            ("no:deadline what:task", &["t3"]),
        ],
    );
}

#[test]
fn a_field_with_any_value_is_a_field_the_card_has() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("status:*", &["t1", "t2", "t3"]),
            ("-status:*", &["b1", "journal/2026-11-16", "journal/2026-11-23", "m1", "n1", "n2"]),
            ("NOT Status:** what:task", &[]),
            ("#*", &["n1", "t1", "t2", "t3"]),
            ("author.name:*", &["n1"]),
            ("deadline:* OR url:*", &["b1", "t1", "t2"]),
            ("status:\"*\"", &[]),
        ],
    );
    assert_eq!(select(&dex, &["-deadline:*"]), select(&dex, &["no:deadline"]));
    assert_eq!(select(&dex, &["title:*", "path:*", "what:task"]), ["t1", "t2", "t3"], "every card has both");
}

#[test]
fn typed_comparisons_never_guess_from_text() {
    let dex = fixture();
    check(
        &dex,
        &[
            // 10 > 2 as numbers; the quoted "3" in t3 is text and takes no part.
            ("priority>2", &["t2"]),
            ("priority>=2", &["t1", "t2"]),
            ("priority<10", &["t1"]),
            ("priority<=10", &["t1", "t2"]),
            ("priority:3", &["t3"]),
            (
                "priority!=2",
                &["b1", "journal/2026-11-16", "journal/2026-11-23", "m1", "n1", "n2", "t2", "t3"],
            ),
        ],
    );
}

#[test]
fn dates_iso_words_offsets_and_ranges() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("deadline:2026-11-25", &["t1"]),
            ("deadline<2026-11-23", &["t2"]),
            ("deadline>=today", &["t1"]),
            ("deadline>tomorrow", &["t1"]),
            ("deadline<=+2d", &["t1", "t2"]),
            ("deadline<+2d", &["t2"]),
            ("deadline>-1w", &["t1", "t2"]),
            ("date:today", &["journal/2026-11-23", "m1"]),
            ("date:yesterday", &[]),
            ("date:this-week", &["journal/2026-11-23", "m1"]),
            ("date:last-week", &["journal/2026-11-16"]),
            ("date<this-week", &["journal/2026-11-16"]),
            ("date:this-month", &["journal/2026-11-16", "journal/2026-11-23", "m1"]),
            ("date:-1w", &["journal/2026-11-16"]),
            ("date:+1m", &[]),
            // A text value that happens to be a date word is still matched as text.
            ("when:today", &["t1"]),
        ],
    );
}

#[test]
fn declared_orders_compare_by_position() {
    let dex = fixture();
    check(&dex, &[("when<week", &["t1"]), ("when>=week", &["t2", "t3"]), ("status<done", &["t1", "t3"])]);
}

#[test]
fn pseudo_fields() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("title:\"write PARSER\"", &["t1"]),
            ("title:ship*", &["t2"]),
            ("title:*notes*", &["n1"]),
            ("title:\"loose thoughts\"", &["n2"]),
            ("path:journal/*", &["journal/2026-11-16", "journal/2026-11-23"]),
            ("path:journal", &["journal/2026-11-16", "journal/2026-11-23"]),
            ("path:t1.md", &["t1"]),
            ("dir:journal", &["journal/2026-11-16", "journal/2026-11-23"]),
            ("dir:. what:task", &["t1", "t2", "t3"]),
            ("modified:today", &["t1"]),
            ("modified>-7d", &["t1"]),
            (
                "modified<2026-11-05",
                &["b1", "journal/2026-11-16", "journal/2026-11-23", "m1", "n1", "n2", "t3"],
            ),
            ("modified:this-month what:task", &["t1", "t2", "t3"]),
            ("created:2026-10-01", &["b1"]),
            ("created<2026-11-01", &["b1"]),
        ],
    );
}

#[test]
fn full_text_words_phrases_and_prefixes() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("checkpoints", &["n1"]),
            ("CHECKPOINTS", &["n1"]),
            ("\"bm25 ranking\"", &["n1"]),
            ("\"ranking bm25\"", &[]),
            ("pars*", &["t1"]),
            ("sqlite", &["b1", "n1"]),
            ("sqlite -what:bookmark", &["n1"]),
            ("wal OR chain", &["n1", "n2", "t3"]),
        ],
    );
}

#[test]
fn relevance_orders_text_matches_when_no_sort_is_given() {
    let dex = fixture();
    let (stdout, _, _) = dex.run(&["query", "--format", "paths", "wal"]);
    assert_eq!(stdout, "n2.md\nn1.md\n", "four mentions rank above one");
}

#[test]
fn boolean_structure() {
    let dex = fixture();
    check(
        &dex,
        &[
            ("-what:task what:journal", &["journal/2026-11-16", "journal/2026-11-23"]),
            ("NOT what:task what:journal", &["journal/2026-11-16", "journal/2026-11-23"]),
            ("what:task -status:done", &["t1", "t3"]),
            ("(status:todo OR status:blocked) #rust", &["t1"]),
            ("status:todo OR status:blocked", &["t1", "t3"]),
            ("what:task AND #rust AND -status:done", &["t1"]),
            ("-(what:task OR what:journal) -no:what", &["b1", "m1", "n1"]),
            ("status:done OR NOT has:what", &["n2", "t2"]),
        ],
    );
}

#[test]
fn views_by_flag_and_inside_filters() {
    let dex = fixture();
    check(&dex, &[("view:tasks", &["t1", "t3"]), ("view:tasks OR what:note", &["n1", "t1", "t3"])]);
    assert_eq!(select(&dex, &["--view", "tasks", "#rust"]), ["t1"]);
    assert_eq!(select(&dex, &["--view", "journal"]), ["journal/2026-11-16", "journal/2026-11-23"]);
    assert_eq!(select(&dex, &["--view", "bookmarks"]), ["b1"]);
}

#[test]
fn sorting_by_typed_fields_and_declared_orders() {
    let dex = fixture();
    let sorted = |sort: &str| {
        let (stdout, _, _) = dex.run(&["query", "what:task", "--format", "paths", "--sort", sort]);
        stdout.lines().map(String::from).collect::<Vec<_>>()
    };
    assert_eq!(sorted("when"), ["t1.md", "t2.md", "t3.md"]);
    assert_eq!(sorted("-deadline"), ["t1.md", "t2.md", "t3.md"]);
    assert_eq!(sorted("deadline"), ["t2.md", "t1.md", "t3.md"], "no deadline sorts last");
    assert_eq!(sorted("priority"), ["t1.md", "t2.md", "t3.md"], "2 < 10 as numbers, text after");
    assert_eq!(sorted("status,title"), ["t1.md", "t3.md", "t2.md"]);
    assert_eq!(sorted("-title"), ["t1.md", "t2.md", "t3.md"]);
    assert_eq!(sorted("-modified"), ["t1.md", "t2.md", "t3.md"]);
    // Orders that differ from path order: a `-key` argument is the sort's, not a filter word.
    assert_eq!(sorted("-path"), ["t3.md", "t2.md", "t1.md"]);
    assert_eq!(sorted("modified"), ["t3.md", "t2.md", "t1.md"]);
    assert_eq!(sorted("-priority"), ["t3.md", "t2.md", "t1.md"], "descending: text, then 10, then 2");
    assert_eq!(sorted("title"), ["t3.md", "t2.md", "t1.md"]);
    let (stdout, _, _) = dex.run(&["query", "--view", "tasks", "--format", "paths"]);
    assert_eq!(stdout, "t1.md\nt3.md\n", "the tasks view sorts by when");
    let (stdout, _, _) =
        dex.run(&["query", "what:task", "--format", "paths", "--sort", "-priority", "--limit", "2"]);
    assert_eq!(stdout.lines().count(), 2);
}

#[test]
fn syntax_errors_exit_2_with_a_caret() {
    let dex = fixture();
    let cases = [
        ("status:", "invalid filter: expected a value after `status:`\n  status:\n         ^"),
        ("(a OR b", "invalid filter: expected `)` to close the `(` at column 1\n  (a OR b\n         ^"),
        ("a OR", "invalid filter: expected a term after `OR`\n  a OR\n    ^"),
        (
            "deadline>soon",
            "invalid filter: expected a date, not `soon` (like 2026-12-01, today, yesterday, +3d, -2w, this-week)\n  deadline>soon\n  ^",
        ),
        (
            "view:nope",
            "invalid filter: no view named `nope` (views: all, notes, tasks, board, week, journal, outline, bookmarks)\n  view:nope\n       ^",
        ),
    ];
    for (filter, expected) in cases {
        let (stdout, stderr, code) = dex.run(&["query", filter]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{filter}");
        assert_eq!(stderr, format!("termdex: error: {expected}\n"), "{filter}");
    }
    let (_, stderr, code) = dex.run(&["query", "--view", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("termdex: error: no view named `nope` (views: all, notes"), "{stderr}");
}

#[test]
fn injection_attempts_are_only_ever_values() {
    let dex = fixture();
    // Each attempt selects what its words mean as plain values (mostly nothing), or is
    // refused as a filter; none reaches SQL as SQL.
    let refused: &[&str] = &["refused"];
    let attempts: [(&str, &[&str]); 15] = [
        ("status:\"x'); DROP TABLE cards; --\"", &[]),
        ("\"'; DROP TABLE cards; --\"", &[]),
        ("title:'", &[]),
        ("a\" OR 1=1 --", &[]),
        ("\"x\"\" OR 1=1\"", &[]),
        // Any value (`has:tags`), not a pattern handed to SQL.
        ("tags:*", &["n1", "t1", "t2", "t3"]),
        ("tags:\"*\"", &[]),
        ("path:%", &[]),
        ("title:_*", &[]),
        ("\"NEAR(a b)\"", &[]),
        ("status:\" OR status LIKE '%\"", &[]),
        ("x; DELETE FROM cards", &[]),
        ("col:umn:val", &[]),
        // Not a number, so compared as text: "2" and "3" sort after "1;drop", "10" before.
        ("priority>1;DROP", &["t1", "t3"]),
        ("author.name:\"\\\"\"", refused),
    ];
    for (attempt, expected) in attempts {
        let (stdout, stderr, code) = dex.run(&["query", "--format", "paths", "--sort", "path", attempt]);
        if expected == refused {
            assert_eq!(code, 2, "{attempt}: {stderr}");
            assert!(stderr.starts_with("termdex: error: invalid filter:"), "{attempt}: {stderr}");
            continue;
        }
        let got: Vec<&str> = stdout.lines().map(|l| l.trim_end_matches(".md")).collect();
        assert_eq!(got, expected, "{attempt}: {stderr}");
        assert_eq!(code, if expected.is_empty() { 1 } else { 0 }, "{attempt}: {stderr}");
    }
    assert_eq!(select(&dex, &[]).len(), 9, "the index still holds every card");
    let (_, _, code) = dex.run(&["check"]);
    assert_eq!(code, 0);
}

#[test]
fn paths_are_relative_to_the_current_directory_inside_the_dex() {
    let dex = fixture();
    // The dex is found from a subfolder by its .termdex/ folder, made by the first run.
    dex.run(&["index"]);
    let out = dex
        .cmd_in(&dex.path("journal"))
        .args(["query", "what:journal OR what:meeting", "--format", "paths", "--sort", "path"])
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "2026-11-16.md\n2026-11-23.md\n../m1.md\n");
}

#[test]
fn filters_nested_without_limit_are_refused_or_collapsed_not_a_crash() {
    let dex = fixture();
    // Negations cancel in pairs however many there are.
    let dashes = format!("{}checkpoints", "-".repeat(20_000));
    assert_eq!(select(&dex, &["--", &dashes]), ["n1"]);
    let nots = format!("{}checkpoints", "NOT ".repeat(20_001));
    assert_eq!(select(&dex, &[&nots]).len(), 8);
    for deep in [
        "(".repeat(10_000),
        format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}a{}", "(NOT ".repeat(5_000), ")".repeat(5_000)),
    ] {
        let (stdout, stderr, code) = dex.run(&["query", &deep]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{stderr}");
        assert!(
            stderr.starts_with("termdex: error: invalid filter: nested too deeply (more than 64 levels"),
            "{stderr}"
        );
    }
}

/// Filter words of which none constrains anything, each as a hostile tester typed them.
const EMPTY_FILTERS: [&str; 28] = [
    "",
    "  ",
    "?",
    "*",
    "**",
    "'",
    "-",
    "!",
    "\"\"",
    "\"  \"",
    "…",
    "😀",
    // A Devanagari sign: a letter to Rust, a separator to full-text search.
    "\u{903}",
    "NOT ?",
    "-?",
    "- -",
    "? OR '",
    "(? OR ') AND …",
    "-(? ')",
    "status:\"\"",
    "-status:\" \"",
    "status!=\"\"",
    "has:\"\"",
    "no:\"\"",
    "title:*",
    "path:./*",
    "view:all",
    "view:empty OR ?",
];

/// A view of every card, on purpose (one whose filter is written but of nothing, like
/// `' OR -`, is a config error: `views::a_view_whose_filter_constrains_nothing_...`).
fn with_an_empty_view(dex: &TestDex) {
    dex.write(".termdex/config.toml", "[views.empty]\nfilter = \"\"\n");
}

#[test]
fn a_filter_that_constrains_nothing_is_refused_not_read_as_every_card() {
    let dex = fixture();
    with_an_empty_view(&dex);
    for filter in EMPTY_FILTERS {
        let expected = format!(
            "termdex: error: the filter {filter:?} is empty: no term in it selects anything (words without \
             letters or digits, empty values and `*` alone are ignored); to list every card, give no filter\n"
        );
        for command in ["query", "cat", "pick"] {
            let (stdout, stderr, code) = dex.run(&[command, "--", filter]);
            assert_eq!(
                (stdout.as_str(), stderr.as_str(), code),
                ("", expected.as_str(), 2),
                "{command} {filter:?}"
            );
        }
        let (stdout, stderr, code) = dex.run(&["query", "--view", "tasks", "--", filter]);
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            ("", expected.as_str(), 2),
            "--view tasks {filter:?}"
        );
    }
    // No filter at all is every card, as is the `all` view: both meant.
    assert_eq!(select(&dex, &[]).len(), 9);
    assert_eq!(select(&dex, &["--view", "all"]).len(), 9);
    assert_eq!(select(&dex, &["--view", "empty"]).len(), 9, "a view whose filter is empty lists all");
}

#[test]
fn terms_that_constrain_nothing_are_left_out_of_the_rest() {
    let dex = fixture();
    with_an_empty_view(&dex);
    check(
        &dex,
        &[
            ("checkpoints OR ?", &["n1"]),
            ("? OR checkpoints", &["n1"]),
            ("(checkpoints OR …) what:note", &["n1"]),
            ("what:task -?", &["t1", "t2", "t3"]),
            ("what:task -'", &["t1", "t2", "t3"]),
            ("what:task status:\"\"", &["t1", "t2", "t3"]),
            ("status:done OR title:*", &["t2"]),
            ("status:done OR view:empty", &["t2"]),
            ("-(checkpoints OR ?) what:note", &[]),
            ("\u{e000} OR wal", &["n1", "n2"]),
        ],
    );
}

#[test]
fn a_bulk_set_whose_filter_constrains_nothing_writes_nothing() {
    let dex = fixture();
    with_an_empty_view(&dex);
    let before: Vec<(String, Vec<u8>)> = select(&dex, &[])
        .into_iter()
        .map(|p| {
            let file = format!("{p}.md");
            let bytes = dex.read(&file);
            (file, bytes)
        })
        .collect();
    for filter in EMPTY_FILTERS {
        let (stdout, stderr, code) = dex.run(&["set", "status=done", "--", filter]);
        let expected = format!(
            "termdex: error: the filter {filter:?} is empty: no term in it selects anything (words without \
             letters or digits, empty values and `*` alone are ignored); no card was changed\n"
        );
        assert_eq!((stdout.as_str(), stderr.as_str(), code), ("", expected.as_str(), 2), "set -- {filter:?}");
    }
    let (_, _, code) = dex.run(&["set", "status=done", "--", "-'", "-?"]);
    assert_eq!(code, 2, "several words, none constraining");
    for (file, bytes) in &before {
        assert_eq!(&dex.read(file), bytes, "{file} was rewritten");
    }
    // A constraining word next to one that constrains nothing: only its cards change.
    let (stdout, stderr, code) = dex.run(&["set", "status=done", "--", "checkpoints OR ?"]);
    assert_eq!((stdout.as_str(), code), ("1 card changed\n", 0), "{stderr}");
    for (file, bytes) in before.iter().filter(|(file, _)| file != "n1.md") {
        assert_eq!(&dex.read(file), bytes, "{file} was rewritten");
    }
}

#[test]
fn a_filter_of_a_thousand_terms_runs_and_a_larger_one_is_refused_as_too_large() {
    let dex = fixture();
    let terms = |make: &dyn Fn(usize) -> String| (0..999).map(make).collect::<Vec<_>>();
    let words = terms(&|i| format!("w{i}"));
    let tags = terms(&|i| format!("-#t{i}"));
    let priorities = terms(&|i| format!("priority:{}", i + 5));
    let titles = terms(&|i| format!("title:x{i}*"));
    for (filter, expected) in [
        (format!("{} OR checkpoints", words.join(" OR ")), vec!["n1"]),
        (format!("what:task {}", tags.join(" ")), vec!["t1", "t2", "t3"]),
        (
            format!("what:task {}", words.iter().map(|w| format!("-{w}")).collect::<Vec<_>>().join(" ")),
            vec!["t1", "t2", "t3"],
        ),
        (format!("{} OR #home", priorities.join(" OR ")), vec!["t2", "t3"]),
        (
            format!("{} what:task", priorities.iter().map(|p| format!("-{p}")).collect::<Vec<_>>().join(" ")),
            vec!["t1", "t3"],
        ),
        (format!("{} OR title:ship*", titles.join(" OR ")), vec!["t2"]),
    ] {
        assert_eq!(select(&dex, &[&filter]), expected, "{}...", &filter[..40]);
    }
    let many: Vec<String> = (0..1_001).map(|i| format!("#t{i}")).collect();
    for filter in [many.join(" OR "), many.join(" ")] {
        let (stdout, stderr, code) = dex.run(&["query", &filter]);
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            (
                "",
                "termdex: error: the filter is too large (1001 terms, views included; at most 1000): split it into \
                 several queries\n",
                2
            )
        );
    }
}

#[test]
fn dates_at_the_end_of_time_are_dates() {
    let dex = fixture();
    check(
        &dex,
        &[("created:9999-12-31", &[]), ("deadline>9999-12-31", &[]), ("deadline<9999-12-31", &["t1", "t2"])],
    );
    assert_eq!(select(&dex, &["deadline<=9999-12-31T23:59:59"]), ["t1", "t2"]);
    assert_eq!(select(&dex, &["modified<=9999-12-31"]).len(), 9);
}

/// Hostile test: the caret under a filter error was as far in as the characters before
/// it, not the columns they take: off after CJK text (two columns each), a combining
/// accent (none) or a tab.
#[test]
fn the_caret_stands_under_the_error_after_wide_characters_accents_and_tabs() {
    let dex = fixture();
    // The filter as shown, then what stands before the caret: the columns `status:` ends at.
    let cases = [
        ("日本語 status:", "日本語 status:", " ".repeat(6 + 1 + 7)),
        ("cafe\u{301} status:", "cafe\u{301} status:", " ".repeat(4 + 1 + 7)),
        ("\tnotes status:", "\tnotes status:", format!("\t{}", " ".repeat(5 + 1 + 7))),
        ("a\nb status:", "a b status:", " ".repeat(3 + 1 + 7)),
    ];
    for (filter, shown, before) in cases {
        let pointed = format!("  {shown}\n  {before}^");
        let (stdout, stderr, code) = dex.run(&["query", filter]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{filter:?}");
        assert_eq!(
            stderr,
            format!("termdex: error: invalid filter: expected a value after `status:`\n{pointed}\n"),
            "{filter:?}"
        );
    }
}

/// Hostile test: a distance from today past year 9999 was compared as text
/// (`deadline>+99999999d` matched 2026 dates, `deadline<+3000000d` nothing), and so were
/// `+1.5d` and `-1h`; `modified` and `created` refused them as no date at all.
#[test]
fn a_distance_from_today_that_names_no_day_is_an_error_naming_it() {
    let dex = fixture();
    let out_of_range = |word: &str| {
        format!(
            "the date `{word}` is out of range: a date from today must fall between the years -9999 and 9999 \
             (like +3d, -2w, +1m, -1y)"
        )
    };
    let no_form = |word: &str| {
        format!(
            "`{word}` is no distance from today: write a sign, a whole number and a unit, d (days), w (weeks), \
             m (months) or y (years), like +3d, -2w, +1m, -1y"
        )
    };
    let cases = [
        ("deadline>+99999999d", out_of_range("+99999999d")),
        ("deadline<+3000000d", out_of_range("+3000000d")),
        ("deadline>=-99999999999999999999y", out_of_range("-99999999999999999999y")),
        ("deadline>+1.5d", no_form("+1.5d")),
        ("deadline<-1h", no_form("-1h")),
        ("deadline:+1.5d", no_form("+1.5d")),
        ("modified>+99999999d", out_of_range("+99999999d")),
        ("created<-1h", no_form("-1h")),
        ("modified:+2.5w", no_form("+2.5w")),
    ];
    for (filter, message) in cases {
        let (stdout, stderr, code) = dex.run(&["query", filter]);
        assert_eq!((stdout.as_str(), code), ("", 2), "{filter}");
        assert_eq!(
            stderr,
            format!("termdex: error: invalid filter: {message}\n  {filter}\n  ^\n"),
            "{filter}"
        );
    }
    // The last distances that name a day are dates, and numbers stay numbers.
    check(
        &dex,
        &[("deadline<+2000000d", &["t1", "t2"]), ("deadline>+2000000d", &[]), ("priority>-1", &["t1", "t2"])],
    );
    assert_eq!(select(&dex, &["priority>-1e5"]), ["t1", "t2"]);
}

#[test]
fn an_unknown_sort_key_is_warned_about() {
    let dex = fixture();
    let (stdout, stderr, code) = dex.run(&["query", "what:task", "--format", "paths", "--sort", "nosuch"]);
    assert_eq!((stdout.as_str(), code), ("t1.md\nt2.md\nt3.md\n", 0));
    assert_eq!(
        stderr,
        "termdex: warning: sort key `nosuch` is neither a card attribute (path, title, modified, created, \
         size, rank) nor a field any card has; it changes nothing\n"
    );
    for known in ["title", "-modified", "priority", "author.name"] {
        let (_, stderr, _) = dex.run(&["query", "--sort", known]);
        assert_eq!(stderr, "", "{known}");
    }
    let (_, stderr, _) = dex.run(&["cat", "what:task", "--sort", "-nosuch"]);
    assert!(stderr.contains("sort key `nosuch`"), "{stderr}");
}

#[test]
fn a_limit_keeps_the_order_of_the_unlimited_listing() {
    let dex = fixture();
    // Titles that differ only in letter case, and a Greek final sigma, which folds
    // differently letter by letter than word by word.
    dex.write_at("g1.md", "# ΟΔΟΣ b\n", "2026-11-02T12:00:00Z")
        .write_at("g2.md", "# οδοσ a\n", "2026-11-02T12:00:00Z")
        .write_at("g3.md", "# planning\n", "2026-11-02T12:00:00Z")
        .write_at("g4.md", "# PLANNING\n", "2026-11-02T12:00:00Z");
    let paths = |args: &[&str]| {
        let mut all = vec!["query", "--format", "paths"];
        all.extend(args);
        let (stdout, stderr, code) = dex.run(&all);
        assert_eq!(code, 0, "{stderr}");
        stdout.lines().map(String::from).collect::<Vec<_>>()
    };
    for sort in ["-modified", "modified", "title", "-title", "created", "-size", "path", "-created,title"] {
        let all = paths(&["--sort", sort]);
        assert_eq!(all.len(), 13);
        for limit in [1, 3, 5, 8, 12] {
            let limited = paths(&["--sort", sort, "--limit", &limit.to_string()]);
            assert_eq!(limited, all[..limit], "--sort {sort} --limit {limit}");
        }
    }
}

#[test]
fn offset_datetimes_and_modification_times_are_read_in_the_local_zone() {
    let dex = TestDex::new();
    // 20:00 UTC on the 23rd is 05:00 on the 24th in Tokyo (UTC+9).
    dex.write_at("utc.md", "---\ndate: 2026-11-23T20:00:00Z\n---\n", "2026-11-01T12:00:00Z")
        .write_at("plain.md", "---\ndate: 2026-11-23T20:00:00\n---\n", "2026-11-01T12:00:00Z")
        .write_at("mtime.md", "no dates\n", "2026-11-23T20:00:00Z");
    let in_tokyo = |args: &[&str]| {
        let out = dex.cmd().env("TZ", "Asia/Tokyo").args(args).output().expect("run");
        (String::from_utf8_lossy(&out.stdout).into_owned(), out.status.code())
    };
    let paths = |filter: &str| in_tokyo(&["query", "--format", "paths", "--sort", "path", filter]).0;
    assert_eq!(paths("date:2026-11-24"), "utc.md\n");
    assert_eq!(paths("date:2026-11-23"), "plain.md\n");
    assert_eq!(paths("created:2026-11-24"), "mtime.md\nutc.md\n");
    assert_eq!(paths("modified:2026-11-24"), "mtime.md\n");
    assert_eq!(paths("created:tomorrow"), "mtime.md\nutc.md\n", "today is the 23rd, pinned");
    let (json, _) = in_tokyo(&["query", "--format", "jsonl", "path:mtime.md"]);
    let card: serde_json::Value = serde_json::from_str(json.trim()).expect("json");
    assert_eq!(card["created"], "2026-11-24T05:00:00");
    assert_eq!(card["mtime"], "2026-11-23T20:00:00Z", "mtime stays an instant");
    let (lines, _) = in_tokyo(&["query", "path:mtime.md", "--fields", "modified,created"]);
    assert_eq!(lines, "mtime.md\tmtime\t2026-11-24T05:00:00\t2026-11-24T05:00:00\n");
}
