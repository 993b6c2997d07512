//! The outline: parent fields in every form resolved like links, siblings ordered, broken
//! parents and cycles marked, `termdex tree` in its forms, folders and dotted names, and
//! the outline following cards renamed and settings changed between refreshes.

use serde_json::Value;

use crate::util::TestDex;

fn card(title: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\n{extra}---\nText of {title}.\n")
}

/// Projects, two projects under it (by wiki link and by relative path, ordered by
/// `order`), a task under one (by title, in another letter case), one under an alias, a
/// broken parent and a two-card cycle.
fn deck() -> TestDex {
    let dex = TestDex::new();
    dex.write("projects.md", card("Projects", "aliases: [work]\n"));
    dex.write("projects/termdex.md", card("termdex", "parent: \"[[Projects]]\"\norder: 2\n"));
    dex.write("projects/site.md", card("Website", "parent: ../projects.md\norder: 1\n"));
    dex.write("projects/outline.md", card("Outline feature", "Parent: TERMDEX\nstatus: todo\n"));
    dex.write("ideas.md", card("Ideas", "parent: work\n"));
    dex.write("orphan.md", card("Orphan", "parent: Nowhere\n"));
    dex.write("loop/a.md", card("Loop A", "parent: \"[[Loop B]]\"\n"));
    dex.write("loop/b.md", card("Loop B", "parent: \"[[Loop A]]\"\n"));
    dex
}

fn ok(dex: &TestDex, args: &[&str]) -> String {
    let (stdout, stderr, code) = dex.run(args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    stdout
}

/// `path<TAB>tree title<TAB>mark` lines, as the lines format prints them.
fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn the_tree_of_a_deck_nests_orders_and_marks() {
    let dex = deck();
    assert_eq!(
        lines(&ok(&dex, &["tree"])),
        [
            "loop/a.md\tLoop A\tparent cycle broken here",
            "loop/b.md\t└── Loop B\t",
            "orphan.md\tOrphan\tno card named \"Nowhere\"",
            "projects.md\tProjects\t",
            "projects/site.md\t├── Website\t",
            "projects/termdex.md\t├── termdex\t",
            "projects/outline.md\t│   └── Outline feature\t",
            "ideas.md\t└── Ideas\t",
        ],
        "ordered siblings first (site 1, termdex 2), then the rest by title"
    );
}

#[test]
fn a_card_named_first_shows_its_subtree_and_a_filter_its_matches_with_their_ancestors() {
    let dex = deck();
    assert_eq!(
        lines(&ok(&dex, &["tree", "termdex"])),
        ["projects/termdex.md\ttermdex\t", "projects/outline.md\t└── Outline feature\t"]
    );
    assert_eq!(
        lines(&ok(&dex, &["tree", "status:todo"])),
        [
            "projects.md\tProjects\t",
            "projects/termdex.md\t└── termdex\t",
            "projects/outline.md\t    └── Outline feature\t",
        ]
    );
    assert_eq!(lines(&ok(&dex, &["tree", "projects.md", "--depth", "1", "--format", "paths"])).len(), 4);
    let (_, _, code) = dex.run(&["tree", "status:nothing"]);
    assert_eq!(code, 1, "nothing shown: exit 1 as a query that finds nothing");
}

#[test]
fn json_nests_the_children() {
    let dex = deck();
    let json: Value =
        serde_json::from_str(&ok(&dex, &["tree", "projects", "--format", "json"])).expect("json");
    let titles = |v: &Value| -> Vec<String> {
        v["children"]
            .as_array()
            .expect("children")
            .iter()
            .map(|c| c["title"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(json[0]["title"], "Projects");
    assert_eq!(titles(&json[0]), ["Website", "termdex", "Ideas"]);
    assert_eq!(titles(&json[0]["children"][1]), ["Outline feature"]);
}

#[test]
fn a_renamed_parent_leaves_its_children_marked_until_it_is_back() {
    let dex = deck();
    ok(&dex, &["tree"]);
    std::fs::rename(dex.path("projects/termdex.md"), dex.path("projects/tdx.md")).expect("rename");
    dex.write("projects/tdx.md", card("tdx", "parent: \"[[Projects]]\"\n"));
    let tree = ok(&dex, &["tree"]);
    assert!(tree.contains("projects/outline.md\tOutline feature\tno card named \"TERMDEX\""), "{tree}");
    dex.write("projects/tdx.md", card("termdex", "parent: \"[[Projects]]\"\n"));
    let tree = ok(&dex, &["tree", "projects"]);
    assert!(tree.contains("projects/outline.md\t    └── Outline feature\t"), "{tree}");
}

#[test]
fn another_parent_field_in_the_config_re_reads_every_card() {
    let dex = TestDex::new();
    dex.write("top.md", card("Top", ""));
    dex.write("child.md", card("Child", "up: Top\n"));
    assert_eq!(lines(&ok(&dex, &["tree"])), ["child.md\tChild\t", "top.md\tTop\t"]);
    dex.write(".termdex/config.toml", "[outline]\nparent = \"up\"\n");
    assert_eq!(lines(&ok(&dex, &["tree"])), ["top.md\tTop\t", "child.md\t└── Child\t"]);
    assert_eq!(ok(&dex, &["links", "child.md", "--format", "{target}"]), "Top\n", "the parent is a link");
}

#[test]
fn folders_and_dotted_names_are_outlines_too() {
    let dex = TestDex::new();
    dex.write("lang.md", card("Languages", ""));
    dex.write("lang.rust.async.md", card("Async Rust", ""));
    dex.write("projects/termdex/plan.md", card("Plan", ""));
    dex.write(".termdex/config.toml", "[outline]\nsource = \"dotted\"\n");
    assert_eq!(
        lines(&ok(&dex, &["tree"])),
        [
            "lang.md\tLanguages\t",
            "\t└── lang.rust\t",
            "lang.rust.async.md\t    └── Async Rust\t",
            "projects/termdex/plan.md\tPlan\t"
        ]
    );
    dex.write(".termdex/config.toml", "[outline]\nsource = \"folders\"\n");
    assert_eq!(
        lines(&ok(&dex, &["tree", "--format", "{path}|{title}"])),
        [
            "lang.rust.async.md|Async Rust",
            "lang.md|Languages",
            "|projects/",
            "|└── projects/termdex/",
            "projects/termdex/plan.md|    └── Plan",
        ]
    );
}

#[test]
fn check_warns_of_a_parent_that_names_no_card_at_its_line() {
    let dex = deck();
    let (stdout, _, code) = dex.run(&["check"]);
    assert!(stdout.contains("orphan.md:3: warning: no card named \"Nowhere\"\n"), "{stdout}");
    assert_eq!(code, 0, "a warning, unless --strict");
}

/// The cards a filter selects, sorted.
fn selected(dex: &TestDex, filter: &str) -> Vec<String> {
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths", "--", filter]);
    assert!(code == 0 || code == 1, "{filter}: {stderr}");
    let mut paths: Vec<String> = stdout.lines().map(str::to_string).collect();
    paths.sort();
    paths
}

#[test]
fn outline_terms_select_children_descendants_roots_and_depths() {
    let dex = deck();
    assert_eq!(selected(&dex, "parent:Projects"), ["ideas.md", "projects/site.md", "projects/termdex.md"]);
    assert_eq!(selected(&dex, "parent:work"), selected(&dex, "parent:Projects"), "by alias, as a link would");
    assert_eq!(
        selected(&dex, "under:projects.md"),
        ["ideas.md", "projects/outline.md", "projects/site.md", "projects/termdex.md"]
    );
    assert_eq!(selected(&dex, "under:termdex status:todo"), ["projects/outline.md"]);
    assert_eq!(
        selected(&dex, "has:children"),
        ["loop/a.md", "projects.md", "projects/termdex.md"],
        "loop/b.md's only child, loop/a.md, is where the tree breaks the cycle"
    );
    assert_eq!(
        selected(&dex, "no:parent"),
        ["loop/a.md", "orphan.md", "projects.md"],
        "the tops: a broken parent, and the card where the tree breaks a cycle"
    );
    assert_eq!(
        selected(&dex, "depth:0"),
        ["loop/a.md", "orphan.md", "projects.md"],
        "the tops, and the card where the outline breaks a cycle"
    );
    assert_eq!(selected(&dex, "depth>=2"), ["projects/outline.md"]);
    assert_eq!(
        selected(&dex, "depth<=1 -depth:0"),
        ["ideas.md", "loop/b.md", "projects/site.md", "projects/termdex.md"]
    );
    assert_eq!(selected(&dex, "under:Nowhere"), Vec::<String>::new(), "a name no card has matches none");
    assert_eq!(selected(&dex, "under:\"Loop A\""), ["loop/b.md"], "never under itself");
    assert_eq!(selected(&dex, "under:\"Loop B\""), Vec::<String>::new(), "Loop A is a top, under no card");
    dex.write(".termdex/config.toml", "[views.project]\nfilter = \"under:projects -depth>2\"\n");
    let (stdout, _, _) = dex.run(&["query", "--view", "project", "--format", "paths"]);
    assert_eq!(stdout.lines().count(), 4, "in a view: {stdout}");
    let (_, stderr, code) = dex.run(&["query", "depth>x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected a depth: a whole number, 0 at the top"), "{stderr}");
}

/// The depth each card has in `termdex tree` (as `--format jsonl` says).
fn tree_depths(dex: &TestDex) -> Vec<(String, u64)> {
    let mut depths: Vec<(String, u64)> = ok(dex, &["tree", "--format", "jsonl"])
        .lines()
        .map(|line| {
            let row: Value = serde_json::from_str(line).expect("json");
            (row["path"].as_str().expect("path").to_string(), row["depth"].as_u64().expect("depth"))
        })
        .collect();
    depths.sort();
    depths
}

#[test]
fn depth_terms_count_as_the_tree_does_cycles_broken_where_it_breaks_them() {
    let dex = deck();
    // A three-card cycle entered from the card with the largest path, cards hanging under
    // it and under the two-card one, a card its own parent.
    dex.write("ring/c.md", card("Ring C", "parent: \"[[Ring A]]\"\n"));
    dex.write("ring/a.md", card("Ring A", "parent: \"[[Ring B]]\"\n"));
    dex.write("ring/b.md", card("Ring B", "parent: \"[[Ring C]]\"\n"));
    dex.write("ring/under.md", card("Under the ring", "parent: \"[[Ring B]]\"\n"));
    dex.write("ring/deeper.md", card("Deeper", "parent: \"[[Under the ring]]\"\n"));
    dex.write("loop/hanger.md", card("Hanger", "parent: \"[[Loop B]]\"\n"));
    dex.write("self.md", card("Itself", "parent: self\n"));
    let depths = tree_depths(&dex);
    assert!(
        depths.contains(&("ring/a.md".into(), 0)) && depths.contains(&("ring/deeper.md".into(), 4)),
        "the ring breaks at ring/a.md: {depths:?}"
    );
    let deepest = depths.iter().map(|(_, d)| *d).max().expect("cards");
    for depth in 0..=deepest + 1 {
        let wanted: Vec<String> =
            depths.iter().filter(|(_, d)| *d == depth).map(|(p, _)| p.clone()).collect();
        assert_eq!(selected(&dex, &format!("depth:{depth}")), wanted, "depth {depth}");
        let above: Vec<String> = depths.iter().filter(|(_, d)| *d <= depth).map(|(p, _)| p.clone()).collect();
        assert_eq!(selected(&dex, &format!("depth<={depth}")), above, "depth <= {depth}");
    }
    assert_eq!(selected(&dex, "depth>=0").len(), depths.len(), "every card has a depth");
}

/// `under:` and `depth` follow a chain of any length, as `tree` does (they stopped at
/// 256 levels).
#[test]
fn under_and_depth_follow_a_chain_of_any_length() {
    let dex = crate::util::TestDex::new();
    dex.write("n0.md", "# n0\n");
    for k in 1..=300 {
        dex.write(&format!("n{k}.md"), format!("---\ntitle: n{k}\nparent: n{}\n---\n", k - 1));
    }
    let (stdout, stderr, code) = dex.run(&["query", "under:n0", "--format", "paths"]);
    assert_eq!((stdout.lines().count(), code), (300, 0), "{stderr}");
    let (stdout, _, _) = dex.run(&["query", "depth:280", "--format", "paths"]);
    assert_eq!(stdout, "n280.md\n");
    let (stdout, _, _) = dex.run(&["tree", "n0", "--format", "paths"]);
    assert_eq!(stdout.lines().count(), 301);
}

/// A parent outside the dex, or a file that is no card, names no card: the card is at the
/// top, marked, and `check` says so, as for any parent naming nothing.
#[test]
fn a_parent_outside_the_dex_is_a_broken_parent() {
    let dex = crate::util::TestDex::new();
    dex.write("a/out.md", "---\ntitle: Out\nparent: ../../x.md\n---\n")
        .write("pic.md", "---\ntitle: Pic\nparent: diagram.png\n---\n");
    let (stdout, stderr, code) = dex.run(&["tree"]);
    assert_eq!(
        (stdout.as_str(), code),
        ("a/out.md\tOut\tno card named \"../../x.md\"\npic.md\tPic\tno card named \"diagram.png\"\n", 0),
        "{stderr}"
    );
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(code, 0, "a warning, not a failure");
    assert!(stdout.contains("a/out.md:3: warning: no card named \"../../x.md\""), "{stdout}");
}

/// A placeholder (a missing middle level of dotted names) is named in every format: JSON
/// lines give its name as the title, with no path, as nested JSON does.
#[test]
fn a_placeholder_is_named_in_json_lines() {
    let dex = crate::util::TestDex::new();
    dex.write("lang.md", card("Languages", ""))
        .write("lang.rust.async.md", card("Async", ""))
        .write(".termdex/config.toml", "[outline]\nsource = \"dotted\"\n");
    let jsonl = ok(&dex, &["tree", "--format", "jsonl"]);
    let rows: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let plain: Vec<(Value, Value, Value)> =
        rows.iter().map(|r| (r["path"].clone(), r["title"].clone(), r["depth"].clone())).collect();
    assert_eq!(
        plain,
        [
            (Value::from("lang.md"), Value::from("Languages"), Value::from(0)),
            (Value::Null, Value::from("lang.rust"), Value::from(1)),
            (Value::from("lang.rust.async.md"), Value::from("Async"), Value::from(2)),
        ]
    );
}

/// In the parent-field outline too, `parent:X` and `under:X` start where `tree X` does:
/// the card at the path X first. Links to `dup.markdown` resolve to `dup.md` (the
/// shorter path with their key), so the exact file has nothing under it.
#[test]
fn terms_take_the_card_at_an_exact_path_as_tree_does() {
    let dex = crate::util::TestDex::new();
    dex.write("dup.md", card("Dup", ""))
        .write("dup.markdown", card("Dup Markdown", ""))
        .write("child.md", card("Child", "parent: \"[[dup]]\"\n"));
    assert_eq!(lines(&ok(&dex, &["tree", "dup.markdown", "--format", "paths"])), ["dup.markdown"]);
    assert_eq!(lines(&ok(&dex, &["tree", "dup.md", "--format", "paths"])), ["dup.md", "child.md"]);
    let (stdout, _, code) = dex.run(&["query", "under:dup.markdown", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("", 1), "nothing is under the exact file");
    let (stdout, _, code) = dex.run(&["query", "parent:dup.markdown", "--format", "paths"]);
    assert_eq!((stdout.as_str(), code), ("", 1));
    for term in ["under:dup.md", "parent:dup.md", "under:dup", "parent:[[dup]]"] {
        assert_eq!(lines(&ok(&dex, &["query", term, "--format", "paths"])), ["child.md"], "{term}");
    }
}

/// A parent field that is a table or a yes/no names no card: marked at the top like any
/// parent naming nothing, not silently a root; an empty one is no parent at all.
#[test]
fn a_parent_that_is_no_name_is_a_broken_parent() {
    let dex = crate::util::TestDex::new();
    dex.write("map.md", "---\ntitle: Map\nparent: {ref: x}\n---\n")
        .write("yes.md", "---\ntitle: Yes\nparent: true\n---\n")
        .write("none.md", "---\ntitle: None\nparent:\n---\n");
    let (stdout, stderr, code) = dex.run(&["tree"]);
    assert_eq!(
        (stdout.as_str(), code),
        (
            "map.md\tMap\tno card named \"{\"ref\":\"x\"}\"\nnone.md\tNone\t\nyes.md\tYes\tno card named \"true\"\n",
            0
        ),
        "{stderr}"
    );
    let (stdout, _, _) = dex.run(&["check"]);
    assert!(
        stdout.contains("map.md:3: warning: no card named") && stdout.contains("yes.md:3: warning"),
        "{stdout}"
    );
    assert!(!stdout.contains("none.md"), "{stdout}");
}

/// The deck with a three-card ring entered from its largest path, cards hanging under the
/// ring and the two-card loop, and a card its own parent.
fn cyclic() -> TestDex {
    let dex = deck();
    dex.write("ring/c.md", card("Ring C", "parent: \"[[Ring A]]\"\n"));
    dex.write("ring/a.md", card("Ring A", "parent: \"[[Ring B]]\"\n"));
    dex.write("ring/b.md", card("Ring B", "parent: \"[[Ring C]]\"\n"));
    dex.write("ring/under.md", card("Under the ring", "parent: \"[[Ring B]]\"\n"));
    dex.write("loop/hanger.md", card("Hanger", "parent: \"[[Loop B]]\"\n"));
    dex.write("self.md", card("Itself", "status: x\nparent: self\n"));
    dex
}

#[test]
fn check_names_each_parent_cycle_once_where_the_tree_breaks_it() {
    let dex = cyclic();
    let (stdout, stderr, code) = dex.run(&["check"]);
    let cycles: Vec<&str> = stdout.lines().filter(|l| l.contains("parent cycle")).collect();
    let tail = "the outline breaks it here and shows this card at the top: edit the parent line of one of these cards";
    assert_eq!(
        cycles,
        [
            format!("loop/a.md:3: warning: parent cycle: loop/a.md -> loop/b.md -> loop/a.md; {tail}"),
            format!(
                "ring/a.md:3: warning: parent cycle: ring/a.md -> ring/b.md -> ring/c.md -> ring/a.md; {tail}"
            ),
            format!("self.md:4: warning: parent cycle: self.md -> self.md; {tail}"),
        ],
        "{stdout}"
    );
    assert_eq!(code, 0, "a warning, as a broken parent is: {stderr}");
    let (stdout, _, code) = dex.run(&["check", "--strict"]);
    assert_eq!(code, 1, "a problem under --strict");
    assert!(stdout.contains("self.md:4: parent cycle: self.md -> self.md;"), "{stdout}");
    let tree = ok(&dex, &["tree"]);
    let marked: Vec<&str> = tree.lines().filter(|l| l.ends_with("parent cycle broken here")).collect();
    assert_eq!(marked.len(), 3, "the tree marks the cards check names: {marked:?}");
}

/// Each card's parent as `tree` draws it (None at the top), from `--format jsonl`: the
/// nearest row above one level up.
fn tree_parents(dex: &TestDex) -> Vec<(String, Option<String>)> {
    let mut above: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in ok(dex, &["tree", "--format", "jsonl"]).lines() {
        let row: Value = serde_json::from_str(line).expect("json");
        let depth = row["depth"].as_u64().expect("depth") as usize;
        let path = row["path"].as_str().expect("path").to_string();
        above.truncate(depth);
        out.push((path.clone(), above.last().cloned()));
        above.push(path);
    }
    out
}

#[test]
fn every_outline_term_agrees_with_the_tree_about_cycles() {
    let dex = cyclic();
    let parents = tree_parents(&dex);
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let tops = sorted(parents.iter().filter(|(_, p)| p.is_none()).map(|(c, _)| c.clone()).collect());
    assert!(tops.contains(&"ring/a.md".to_string()) && tops.contains(&"self.md".to_string()), "{tops:?}");
    assert_eq!(selected(&dex, "no:parent"), tops, "no:parent");
    assert_eq!(selected(&dex, "depth:0"), tops, "depth:0");
    assert_eq!(selected(&dex, "-has:parent"), tops, "has:parent");
    let with_children = sorted(
        parents
            .iter()
            .filter_map(|(_, p)| p.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    );
    assert_eq!(selected(&dex, "has:children"), with_children, "has:children");
    for (card, _) in &parents {
        let children = sorted(
            parents
                .iter()
                .filter(|(_, p)| p.as_deref() == Some(card.as_str()))
                .map(|(c, _)| c.clone())
                .collect(),
        );
        assert_eq!(selected(&dex, &format!("parent:\"{card}\"")), children, "parent:{card}");
        let mut below = Vec::new();
        let mut frontier = vec![card.clone()];
        while let Some(at) = frontier.pop() {
            for (c, p) in &parents {
                if p.as_deref() == Some(at.as_str()) {
                    below.push(c.clone());
                    frontier.push(c.clone());
                }
            }
        }
        assert!(!below.contains(card), "{card} under itself in the tree");
        assert_eq!(selected(&dex, &format!("under:\"{card}\"")), sorted(below), "under:{card}");
    }
}

#[test]
fn a_parent_several_cards_answer_to_is_taken_as_a_link_takes_it_and_check_warns() {
    let dex = TestDex::new();
    dex.write("same.md", card("Plan", ""));
    dex.write("deep/er/blueprint.md", card("Plan", ""));
    dex.write("child.md", card("Child", "parent: \"[[Plan]]\"\n"));
    dex.write("clear.md", card("Clear", "parent: deep/er/blueprint.md\n"));
    assert_eq!(
        lines(&ok(&dex, &["tree"])),
        ["deep/er/blueprint.md\tPlan\t", "clear.md\t└── Clear\t", "same.md\tPlan\t", "child.md\t└── Child\t",],
        "the title two cards share: the shortest path wins, as for a link"
    );
    assert_eq!(ok(&dex, &["links", "child.md", "--format", "{path}"]), "same.md\n", "as links resolve it");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        stdout,
        "child.md:3: warning: parent \"Plan\" names 2 cards (deep/er/blueprint.md, same.md): taken as same.md, \
         the shortest path, as a link would; write the one you mean as its path (parent: \"[[path]]\")\n"
    );
    assert_eq!(code, 0, "a warning, as for links");
    let (_, _, code) = dex.run(&["check", "--strict"]);
    assert_eq!(code, 1, "a problem under --strict");
}

#[test]
fn a_first_word_that_names_no_card_and_matches_none_is_said_so() {
    let dex = deck();
    let (stdout, stderr, code) = dex.run(&["tree", "nonexist"]);
    assert_eq!((stdout.as_str(), code), ("", 1));
    assert_eq!(
        stderr,
        "termdex: no card is named \"nonexist\" and no card matches it as a filter: name a card by its path, \
         title or [[link]] (termdex query finds one), or give filter terms\n"
    );
    let (stdout, stderr, code) = dex.run(&["tree", "termdex", "nonexist"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("", "", 1),
        "nothing under termdex matches: as query"
    );
    let (stdout, _, code) = dex.run(&["tree", "projects", "status:todo"]);
    assert_eq!((lines(&stdout).len(), code), (3, 0), "a match under it shows it, with its ancestors");
}

#[test]
fn the_card_to_show_under_is_named_as_a_parent_field_names_it() {
    let dex = deck();
    let wanted = ok(&dex, &["tree", "termdex"]);
    assert_eq!(lines(&wanted).len(), 2, "{wanted}");
    for form in
        ["[[termdex]]", "[[projects/termdex|the project]]", "[[projects/termdex.md]]", "projects/termdex.md"]
    {
        assert_eq!(ok(&dex, &["tree", form]), wanted, "{form}");
    }
    assert_eq!(selected(&dex, "parent:[[Projects]]"), selected(&dex, "parent:Projects"), "a term's X too");
}

#[test]
fn every_format_keeps_its_columns_and_json_lines_a_plain_title() {
    let dex = deck();
    let tsv = ok(&dex, &["tree", "--format", "tsv"]);
    let mut rows = tsv.lines();
    assert_eq!(rows.next(), Some("path\ttitle\tmark"));
    for row in rows {
        assert_eq!(
            row.split('\t').count(),
            3,
            "every row as many columns as the header, as query's: {row:?}"
        );
    }
    let (query, _, _) = dex.run(&["query", "--fields", "title,status", "--format", "tsv"]);
    assert!(query.lines().skip(1).all(|row| row.split('\t').count() == 3), "the contract followed: {query}");
    for line in ok(&dex, &["tree", "--format", "jsonl"]).lines() {
        let row: Value = serde_json::from_str(line).expect("json");
        let title = row["title"].as_str().expect("title");
        assert!(!title.contains(['├', '└', '│']), "depth says the nesting: {title:?}");
    }
    let table = ok(&dex, &["tree", "--format", "table"]);
    assert!(table.lines().all(|l| !l.ends_with(' ')), "{table:?}");
}

/// A node as `tree --format json` draws it: a card's path (none for a placeholder), its
/// title or a placeholder's name, its depth, and the node it is drawn under.
#[derive(Debug)]
struct Drawn {
    path: Option<String>,
    name: String,
    depth: usize,
    parent: Option<usize>,
}

fn drawn(dex: &TestDex, args: &[&str]) -> Vec<Drawn> {
    fn walk(node: &Value, depth: usize, parent: Option<usize>, out: &mut Vec<Drawn>) {
        out.push(Drawn {
            path: node["path"].as_str().map(str::to_string),
            name: node["title"].as_str().expect("a title or a placeholder's name").to_string(),
            depth,
            parent,
        });
        let at = out.len() - 1;
        for child in node["children"].as_array().expect("children") {
            walk(child, depth + 1, Some(at), out);
        }
    }
    let args: Vec<&str> = ["tree"].iter().chain(args).chain(&["--format", "json"]).copied().collect();
    let json: Value = serde_json::from_str(&ok(dex, &args)).expect("json");
    let mut out = Vec::new();
    for top in json.as_array().expect("tops") {
        walk(top, 0, None, &mut out);
    }
    out
}

/// The paths of the cards among `nodes` (placeholders have none), sorted.
fn card_paths<'d>(nodes: impl IntoIterator<Item = &'d Drawn>) -> Vec<String> {
    let mut paths: Vec<String> = nodes.into_iter().filter_map(|n| n.path.clone()).collect();
    paths.sort();
    paths
}

/// Whether node `n` is drawn below node `above`, at any depth.
fn is_below(tree: &[Drawn], n: usize, above: usize) -> bool {
    std::iter::successors(tree[n].parent, |&p| tree[p].parent).any(|p| p == above)
}

/// Every outline term against what `tree` draws, node by node: `parent:X` and `under:X`
/// for every node (a card by its path, a placeholder by its name) and for each other
/// way of naming it (`forms`, each also given to `tree X`, which must start at the same
/// node); `has:children`, `has:parent`/`no:parent`, `depth` with every comparison, each
/// negated and combined with a field term.
fn terms_agree_with_the_tree(dex: &TestDex, forms: &dyn Fn(&Drawn) -> Vec<String>) {
    let tree = drawn(dex, &[]);
    let all = card_paths(&tree);
    let but = |some: &[String]| {
        card_paths(tree.iter().filter(|n| n.path.as_ref().is_some_and(|p| !some.contains(p))))
    };
    let with_children: Vec<String> = card_paths(
        tree.iter().enumerate().filter(|&(i, _)| tree.iter().any(|c| c.parent == Some(i))).map(|(_, n)| n),
    );
    assert_eq!(selected(dex, "has:children"), with_children, "has:children");
    assert_eq!(selected(dex, "-has:children"), but(&with_children), "-has:children");
    assert_eq!(selected(dex, "no:children"), but(&with_children), "no:children");
    let tops = card_paths(tree.iter().filter(|n| n.parent.is_none()));
    assert_eq!(selected(dex, "no:parent"), tops, "no:parent");
    assert_eq!(selected(dex, "has:parent"), but(&tops), "has:parent");
    assert_eq!(selected(dex, "NOT has:parent"), tops, "NOT has:parent");
    assert_eq!(selected(dex, "depth>=0"), all, "every card has a depth, no placeholder is listed");
    let deepest = tree.iter().map(|n| n.depth).max().expect("nodes");
    for depth in 0..=deepest + 1 {
        for (op, holds) in [
            (":", usize::eq as fn(&usize, &usize) -> bool),
            ("!=", usize::ne),
            ("<", usize::lt),
            ("<=", usize::le),
            (">", usize::gt),
            (">=", usize::ge),
        ] {
            let wanted = card_paths(tree.iter().filter(|n| holds(&n.depth, &depth)));
            let term = format!("depth{op}{depth}");
            assert_eq!(selected(dex, &term), wanted, "{term}");
            assert_eq!(selected(dex, &format!("-{term}")), but(&wanted), "-{term}");
        }
    }
    for (i, node) in tree.iter().enumerate() {
        let children = card_paths(tree.iter().filter(|c| c.parent == Some(i)));
        let below = card_paths((0..tree.len()).filter(|&n| is_below(&tree, n, i)).map(|n| &tree[n]));
        let own = node.path.clone().unwrap_or_else(|| node.name.clone());
        for form in std::iter::once(own.clone()).chain(forms(node)) {
            let quoted = format!("\"{}\"", form.replace('"', "\\\""));
            assert_eq!(selected(dex, &format!("parent:{quoted}")), children, "parent:{form} ({own})");
            assert_eq!(selected(dex, &format!("under:{quoted}")), below, "under:{form} ({own})");
            assert_eq!(selected(dex, &format!("-under:{quoted}")), but(&below), "-under:{form} ({own})");
            let from = drawn(dex, &[&form]);
            assert_eq!(
                (from[0].path.as_ref(), &from[0].name),
                (node.path.as_ref(), &node.name),
                "tree {form} starts where the terms take {form} to be"
            );
            assert_eq!(card_paths(&from[1..]), below, "tree {form}");
        }
        let todo = card_paths(
            (0..tree.len())
                .filter(|&n| is_below(&tree, n, i) && tree[n].name.contains("(todo)"))
                .map(|n| &tree[n]),
        );
        assert_eq!(selected(dex, &format!("under:\"{own}\" status:todo")), todo, "under:{own} status:todo");
    }
}

/// Cards named for both outlines of names: middle levels missing (`lang.rust`, the folder
/// `projects/termdex/`), a folder and a card with one name (`projects`), dots in a folder's
/// name, two cards with one key (`dup.md`, `dup.markdown`: the shortest path holds it, the
/// one `[[dup]]` names as a link).
fn names_deck(source: &str) -> TestDex {
    let dex = TestDex::new();
    for (path, title, todo) in [
        ("lang.md", "Languages", true),
        ("lang.go.md", "Go", false),
        ("lang.rust.async.md", "Async Rust", true),
        ("lang.rust.async.tokio.md", "Tokio", false),
        ("projects.md", "projects", false),
        ("projects/ideas.md", "Ideas", true),
        ("projects/termdex/plan.md", "Plan", true),
        ("projects/termdex/lang.x.md", "Lang X", false),
        ("notes.d/a.b.md", "AB", true),
        ("notes.d/c.md", "C", false),
        ("dup.md", "Dup", false),
        ("dup.markdown", "Dup Markdown", false),
        ("dup.child.md", "Dup child", true),
    ] {
        let status = if todo { "status: todo\n" } else { "" };
        let title = if todo { format!("{title} (todo)") } else { title.to_string() };
        dex.write(path, card(&title, status));
    }
    dex.write(".termdex/config.toml", format!("[outline]\nsource = \"{source}\"\n"));
    dex
}

/// Issue 14 point 2: the outline terms follow the outline `tree` draws when it comes from
/// dotted names: a card under a missing middle level (a placeholder) is drawn below it,
/// so it has a parent and its depth counts the placeholder; a card whose only child is a
/// placeholder has children; a placeholder is no card and is never listed, and is named
/// by its dotted name.
#[test]
fn outline_terms_follow_dotted_names_and_folders() {
    let dex = names_deck("dotted");
    assert_eq!(
        lines(&ok(&dex, &["tree", "--format", "{path}|{title}"])),
        [
            "notes.d/c.md|C",
            "dup.md|Dup",
            "dup.child.md|└── Dup child (todo)",
            "dup.markdown|Dup Markdown",
            "projects/ideas.md|Ideas (todo)",
            "lang.md|Languages (todo)",
            "lang.go.md|├── Go",
            "|└── lang.rust",
            "lang.rust.async.md|    └── Async Rust (todo)",
            "lang.rust.async.tokio.md|        └── Tokio",
            "|notes.d/a",
            "notes.d/a.b.md|└── AB (todo)",
            "projects/termdex/plan.md|Plan (todo)",
            "projects.md|projects",
            "|projects/termdex/lang",
            "projects/termdex/lang.x.md|└── Lang X",
        ],
        "by title, placeholders by name; the dots of a folder's name do not nest"
    );
    assert_eq!(
        selected(&dex, "under:lang"),
        ["lang.go.md", "lang.rust.async.md", "lang.rust.async.tokio.md"]
    );
    assert_eq!(selected(&dex, "has:children"), ["dup.md", "lang.md", "lang.rust.async.md"]);
    assert_eq!(selected(&dex, "parent:lang.rust"), ["lang.rust.async.md"], "named by the placeholder's name");
    assert_eq!(selected(&dex, "depth:2"), ["lang.rust.async.md"], "the placeholder counts");
    assert_eq!(selected(&dex, "under:dup.markdown"), Vec::<String>::new(), "dup.md holds the key");
    let forms = |node: &Drawn| match &node.path {
        Some(path) => vec![node.name.clone(), format!("[[{}]]", path.trim_end_matches(".md"))],
        None => vec![format!("[[{}]]", node.name)],
    };
    terms_agree_with_the_tree(&dex, &forms);
    dex.write(
        ".termdex/config.toml",
        "[outline]\nsource = \"dotted\"\n[views.rusty]\nfilter = \"under:lang.rust -depth>2\"\n",
    );
    let (stdout, _, _) = dex.run(&["query", "--view", "rusty", "--format", "paths"]);
    assert_eq!(stdout, "lang.rust.async.md\n", "in a view");
    let (stdout, _, _) = dex.run(&["query", "--view", "rusty", "has:children", "--format", "paths"]);
    assert_eq!(stdout, "lang.rust.async.md\n", "a view and more terms");
}

/// The same in an outline of folders: only folders (placeholders) have children, named
/// by the folder's path with or without its last `/` (before a card of that name: a card
/// has nothing under it there); a card's depth is the number of folders it is in.
#[test]
fn outline_terms_follow_folders() {
    let dex = names_deck("folders");
    assert_eq!(
        lines(&ok(&dex, &["tree", "projects", "--format", "{path}|{title}"])),
        [
            "|projects/",
            "projects/ideas.md|├── Ideas (todo)",
            "|└── projects/termdex/",
            "projects/termdex/lang.x.md|    ├── Lang X",
            "projects/termdex/plan.md|    └── Plan (todo)",
        ],
        "the folder, not the card projects.md"
    );
    assert_eq!(
        selected(&dex, "under:projects"),
        ["projects/ideas.md", "projects/termdex/lang.x.md", "projects/termdex/plan.md"]
    );
    assert_eq!(
        selected(&dex, "parent:projects/termdex/"),
        ["projects/termdex/lang.x.md", "projects/termdex/plan.md"]
    );
    assert_eq!(selected(&dex, "has:children"), Vec::<String>::new());
    assert_eq!(selected(&dex, "depth:2"), ["projects/termdex/lang.x.md", "projects/termdex/plan.md"]);
    let forms = |node: &Drawn| match &node.path {
        Some(path) => vec![format!("[[{path}]]")],
        None => vec![node.name.trim_end_matches('/').to_string(), format!("[[./{}]]", node.name)],
    };
    assert_eq!(selected(&dex, "under:[[projects]]"), selected(&dex, "under:projects/"), "the folder first");
    terms_agree_with_the_tree(&dex, &forms);
    dex.write(
        ".termdex/config.toml",
        "[outline]\nsource = \"folders\"\n[views.work]\nfilter = \"under:projects depth<=1 OR parent:notes.d\"\n",
    );
    let (stdout, _, _) = dex.run(&["query", "--view", "work", "--format", "paths", "--sort", "path"]);
    assert_eq!(stdout, "notes.d/a.b.md\nnotes.d/c.md\nprojects/ideas.md\n", "in a view");
}

#[test]
fn a_filter_with_a_depth_shows_only_matches_within_it() {
    let dex = TestDex::new();
    dex.write("root.md", "---\ntitle: Root\n---\n")
        .write("a.md", "---\ntitle: A\nparent: root\n---\n")
        .write("g.md", "---\ntitle: Grand\nparent: a\n---\n");
    // Grand is below the cut: its ancestors alone would read as matches.
    let (stdout, stderr, code) = dex.run(&["tree", "title:Grand", "--depth", "1"]);
    assert_eq!((stdout.as_str(), stderr.as_str(), code), ("", "", 1));
    assert_eq!(
        ok(&dex, &["tree", "title:Grand", "--depth", "2", "--format", "paths"]),
        "root.md\na.md\ng.md\n"
    );
    assert_eq!(ok(&dex, &["tree", "title:A", "--depth", "1", "--format", "paths"]), "root.md\na.md\n");
}
