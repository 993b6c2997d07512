//! `termdex check`: exact text and exit codes for every kind of malformed frontmatter.

use crate::util::TestDex;

#[test]
fn malformed_yaml_toml_and_json_are_listed_with_file_lines() {
    let dex = TestDex::new();
    dex.write("good.md", "---\ntitle: fine\n---\n")
        .write("yaml.md", "---\ntitle: ok\ntags: [a, b\n---\nbody\n")
        .write("dup.md", "---\na: 1\nb: 2\na: 3\n---\n")
        .write("toml.md", "+++\ntitle = \"ok\"\nbroken =\n+++\n")
        .write("json.md", "---json\n{\n  \"title\": \"x\",\n  \"n\": nope\n}\n---\n")
        .write("bare.md", "{\n  \"a\": 1,\n  \"b\": [1, 2,]\n}\n")
        .write("unclosed.md", "\n")
        .write("unclosed.md", "---\ntitle: never closed\n\nbody\n")
        .write("list.md", "---\n- a\n- b\n---\n");
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stdout,
        "bare.md:3: invalid JSON: trailing comma\n\
         dup.md:4: invalid YAML: duplicate key `a`\n\
         json.md:4: invalid JSON: expected ident\n\
         list.md:2: frontmatter must be a map of `key: value` fields, found a list\n\
         toml.md:3: invalid TOML: string values must be quoted, expected literal string\n\
         unclosed.md:1: frontmatter opened with `---` is never closed (add a closing `---` line, or remove the opening one)\n\
         yaml.md:3: invalid YAML: while parsing a flow sequence, expected ',' or ']'\n"
    );
}

#[test]
fn a_clean_dex_passes_with_exit_0_and_no_output() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: fine\n---\n").write("b.md", "no frontmatter\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!((stdout.as_str(), code), ("", 0));
}

#[test]
fn a_malformed_card_is_still_indexed_with_title_body_and_error() {
    let dex = TestDex::new();
    dex.write("broken.md", "---\ntags: [a\n---\n# Still Here\nsearchable words\n");
    let card = dex.card("broken.md");
    assert_eq!(card["title"], "Still Here");
    assert_eq!(card["fields"], serde_json::json!({}));
    assert_eq!(card["error"]["line"], 2);
}

#[test]
fn check_paths_are_relative_to_the_current_directory() {
    let dex = TestDex::new();
    dex.write("sub/bad.md", "---\na: [\n---\n");
    std::fs::create_dir_all(dex.path("other")).expect("mkdir");
    let out = dex.cmd_in(&dex.path("other")).args(["--dex", ".."]).arg("check").output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("../sub/bad.md:2: "), "{stdout}");
}

#[test]
fn temp_files_of_interrupted_writes_are_warned_about_but_do_not_fail() {
    let dex = TestDex::new();
    // What a `set` killed between writing its temporary file and renaming it leaves.
    dex.write("notes/a.md", "---\ntitle: A\n---\n").write("notes/.termdex-Xy12Ab.tmp", "---\ntitle: A2\n");
    let (stdout, stderr, code) = dex.run(&["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "notes/.termdex-Xy12Ab.tmp: warning: left by a card write that was interrupted (the card was not changed); delete it\n"
    );
    assert_eq!(dex.read("notes/a.md"), b"---\ntitle: A\n---\n", "check never changes a file");
}

#[test]
fn quiet_lists_the_problems_alone() {
    let dex = TestDex::new();
    dex.write("a.md", "---\ntitle: a\nparent: \"[[nope]]\"\n---\n").write("b.md", "---\ntitle: [\n---\n");
    let (stdout, _, code) = dex.run(&["check"]);
    assert_eq!(
        (stdout.as_str(), code),
        (
            "a.md:3: warning: no card named \"nope\"\nb.md:2: invalid YAML: while parsing a node, did not find expected node content\n",
            1
        )
    );
    let (stdout, stderr, code) = dex.run(&["check", "-q"]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("b.md:2: invalid YAML: while parsing a node, did not find expected node content\n", "", 1)
    );
    // --strict makes the warning a problem: listed then, quiet or not.
    let (stdout, _, code) = dex.run(&["check", "-q", "--strict"]);
    assert_eq!(
        (stdout.as_str(), code),
        (
            "a.md:3: no card named \"nope\"\nb.md:2: invalid YAML: while parsing a node, did not find expected node content\n",
            1
        )
    );
}
