//! Examples of lossless edits, value rendering and assignment parsing, format by format.

use serde_json::{Value, json};

use super::render::is_typed;
use super::*;

fn set(key: &str, value: &str) -> Edit {
    Edit::Set { key: key.into(), value: EditValue::Scalar(value.into()) }
}

fn set_list(key: &str, items: &[&str]) -> Edit {
    Edit::Set { key: key.into(), value: EditValue::List(items.iter().map(|s| s.to_string()).collect()) }
}

fn unset(key: &str) -> Edit {
    Edit::Unset { key: key.into() }
}

fn edited(text: &str, edits: &[Edit]) -> String {
    apply(text, edits).unwrap_or_else(|e| panic!("edit failed: {e}"))
}

fn fields_of(text: &str) -> Fields {
    let parsed = super::super::parse(strip_bom(text));
    assert_eq!(parsed.error, None, "{text:?}");
    parsed.fields
}

pub(super) const HOSTILE_FOR_PROPERTIES: &[&str] = HOSTILE;

const HOSTILE: &[&str] = &[
    "Re: \"quoted\" # not a comment",
    "- leading dash",
    "-",
    "* star",
    "&anchor",
    "!tag",
    "[bracket]",
    "{brace}",
    "| pipe",
    "> greater",
    "% percent",
    "@at",
    "`tick`",
    "yes",
    "No",
    "null",
    "~",
    "True",
    " leading space",
    "trailing space ",
    "",
    "two\nlines",
    "tab\there",
    "bell\u{7}",
    "del\u{7f}",
    "nel\u{85}",
    "line\u{2028}separator",
    "\u{feff}bom",
    "007",
    "1e5",
    "0x1F",
    "+5",
    "-0",
    ".5",
    ".inf",
    "12:30",
    "1_000",
    "---",
    "...",
    "+++",
    "'single'",
    "a: b",
    "a:b",
    "ends with colon:",
    "#hash",
    "a #b",
    "a#b",
    "back\\slash",
    "\\",
    "\"",
    "'",
    "日本語のタイトル",
    "emoji 🎉",
    "\r",
    "=",
    "<<",
    "key=value",
    "http://example.com/a?b=c#d",
    "Hello, world",
    "a, b: [c]",
];

// ---- parse_assignment ----

#[test]
fn assignments_split_at_the_first_equals_sign() {
    assert_eq!(parse_assignment("status=done"), Ok(("status".into(), EditValue::Scalar("done".into()))));
    assert_eq!(parse_assignment("expr=a=b"), Ok(("expr".into(), EditValue::Scalar("a=b".into()))));
    assert_eq!(parse_assignment("note="), Ok(("note".into(), EditValue::Scalar(String::new()))));
    assert_eq!(
        parse_assignment("title= spaced: value "),
        Ok(("title".into(), EditValue::Scalar(" spaced: value ".into())))
    );
}

#[test]
fn assignments_read_lists_with_quoted_elements() {
    let list = |items: &[&str]| EditValue::List(items.iter().map(|s| s.to_string()).collect());
    assert_eq!(parse_assignment("tags=[a, b]").map(|a| a.1), Ok(list(&["a", "b"])));
    assert_eq!(parse_assignment("tags=[]").map(|a| a.1), Ok(list(&[])));
    assert_eq!(parse_assignment("tags=[ a ,b, ]").map(|a| a.1), Ok(list(&["a", "b"])));
    assert_eq!(
        parse_assignment(r#"tags=["a, b", 'c]', "q\"x"]"#).map(|a| a.1),
        Ok(list(&["a, b", "c]", "q\"x"]))
    );
    assert_eq!(
        parse_assignment("title=[draft] note").map(|a| a.1),
        Ok(EditValue::Scalar("[draft] note".into()))
    );
    // A wiki link is one value (a parent, a link), not a list holding a list.
    let scalar = |s: &str| Ok(EditValue::Scalar(s.into()));
    assert_eq!(parse_assignment("parent=[[Ship it]]").map(|a| a.1), scalar("[[Ship it]]"));
    assert_eq!(parse_assignment("parent=[[ship|Ship it]]").map(|a| a.1), scalar("[[ship|Ship it]]"));
    assert_eq!(parse_assignment("see=[[[A]], [[B]]]").map(|a| a.1), Ok(list(&["[[A]]", "[[B]]"])));
}

#[test]
fn bad_assignments_say_what_is_wrong() {
    for (arg, reason) in [
        ("status", "no `=`"),
        ("=done", "empty"),
        ("my key=x", "spaces"),
        ("tags=[a,,b]", "empty"),
        ("tags=[\"a]", "not closed"),
        ("tags=[\"a\" b]", "expected `,`"),
    ] {
        let err = parse_assignment(arg).expect_err(arg).to_string();
        assert!(err.contains(reason), "{arg}: {err}");
        assert!(err.contains("key=value"), "{arg}: {err}");
    }
}

#[test]
fn edits_with_unusable_keys_are_refused() {
    let err = apply("---\na: 1\n---\n", &[set("", "x")]).expect_err("empty key");
    assert!(matches!(err, EditError::Key { .. }), "{err}");
}

// ---- rendering ----

#[test]
fn yaml_rendering_keeps_text_plain_only_when_unmistakable() {
    let cases = [
        ("done", "done"),
        ("2", "2"),
        ("-3", "-3"),
        ("1.5", "1.5"),
        ("true", "true"),
        ("2026-12-01", "2026-12-01"),
        ("2026-12-01T10:30:00Z", "2026-12-01T10:30:00Z"),
        ("Hello, world", "Hello, world"),
        ("a title with spaces", "a title with spaces"),
        ("007", "\"007\""),
        ("1e5", "\"1e5\""),
        ("yes", "\"yes\""),
        ("null", "\"null\""),
        ("~", "\"~\""),
        ("True", "\"True\""),
        ("", "\"\""),
        ("a: b", "\"a: b\""),
        ("- x", "\"- x\""),
        ("two\nlines", "\"two\\nlines\""),
        ("tab\t", "\"tab\\t\""),
        ("bell\u{7}", "\"bell\\x07\""),
        ("nel\u{85}", "\"nel\\u0085\""),
        ("line\u{2028}separator", "\"line\\u2028separator\""),
        ("say \"hi\" \\ bye", "say \"hi\" \\ bye"),
        ("y", "\"y\""),
    ];
    for (text, written) in cases {
        assert_eq!(render_scalar(Format::Yaml, text), written, "{text:?}");
    }
}

#[test]
fn toml_and_json_rendering() {
    assert_eq!(render_scalar(Format::Toml, "2"), "2");
    assert_eq!(render_scalar(Format::Toml, "2026-12-01"), "2026-12-01");
    assert_eq!(render_scalar(Format::Toml, "1979-05-27T07:32:00Z"), "1979-05-27T07:32:00Z");
    assert_eq!(render_scalar(Format::Toml, "1979-05-27 07:32:00"), "\"1979-05-27 07:32:00\"");
    assert_eq!(render_scalar(Format::Toml, "a \"b\"\n\u{1}"), "\"a \\\"b\\\"\\n\\u0001\"");
    assert_eq!(render_scalar(Format::Toml, "yes"), "\"yes\"");
    assert_eq!(render_scalar(Format::Json, "2.5"), "2.5");
    assert_eq!(render_scalar(Format::Json, "false"), "false");
    assert_eq!(render_scalar(Format::Json, "007"), "\"007\"");
    assert_eq!(render_scalar(Format::Json, "null"), "\"null\"");
    assert_eq!(render_scalar(Format::Json, "a\"b"), "\"a\\\"b\"");
}

#[test]
fn only_canonical_numbers_and_lowercase_booleans_are_typed() {
    for typed in ["0", "42", "-7", "1.5", "-0.25", "2.0e3", "1.5E-2", "true", "false"] {
        assert!(is_typed(typed), "{typed}");
    }
    for text in [
        "007",
        "+5",
        "-0",
        "1e5",
        ".5",
        "5.",
        "1_000",
        "0x1F",
        "1.5e999",
        "99999999999999999999",
        "True",
        "NaN",
        "inf",
        "",
    ] {
        assert!(!is_typed(text), "{text}");
    }
}

#[test]
fn hostile_values_round_trip_in_every_format() {
    let cards = [
        "---\ntitle: x\n---\nbody\n",
        "+++\ntitle = \"x\"\n+++\nbody\n",
        "---json\n{\"title\": \"x\"}\n---\nbody\n",
    ];
    for card in cards {
        for text in HOSTILE {
            let out = edited(card, &[set("title", text)]);
            assert_eq!(fields_of(&out)["title"], Value::String(text.to_string()), "{card:?} {text:?}: {out}");
            assert!(out.ends_with("\nbody\n"), "{out}");
            let new = edited(card, &[set("new", text)]);
            assert_eq!(fields_of(&new)["new"], Value::String(text.to_string()), "{card:?} {text:?}: {new}");
        }
    }
}

#[test]
fn hostile_list_elements_round_trip_in_every_format() {
    let cards = ["---\na: 1\n---\n", "+++\na = 1\n+++\n", "{\"a\": 1}\n"];
    for card in cards {
        let out = edited(card, &[set_list("tags", HOSTILE)]);
        let expected: Vec<Value> = HOSTILE.iter().map(|s| Value::String(s.to_string())).collect();
        assert_eq!(fields_of(&out)["tags"], Value::Array(expected), "{out}");
    }
}

#[test]
fn list_elements_are_text_even_when_they_look_like_numbers() {
    let out = edited("---\na: 1\n---\n", &[set_list("tags", &["rust", "b: c", "2024", "true"])]);
    assert_eq!(out, "---\na: 1\ntags: [rust, \"b: c\", \"2024\", \"true\"]\n---\n");
    assert_eq!(fields_of(&out)["tags"], json!(["rust", "b: c", "2024", "true"]));
}

// ---- YAML ----

#[test]
fn yaml_replacing_changes_only_that_line() {
    let text = "---\n# top\ntitle: 'Old'   # keep me\nstatus: open\n\ntags: [a, b]\n---\n# Body\n";
    let out = edited(text, &[set("status", "done")]);
    assert_eq!(out, "---\n# top\ntitle: 'Old'   # keep me\nstatus: done\n\ntags: [a, b]\n---\n# Body\n");
}

#[test]
fn yaml_keeps_a_trailing_comment_the_key_spelling_and_spacing() {
    assert_eq!(
        edited("---\nstatus:   open  # was blocked\n---\n", &[set("status", "done")]),
        "---\nstatus:   done  # was blocked\n---\n"
    );
    assert_eq!(edited("---\ntitle: \"a # b\" # c\n---\n", &[set("title", "x")]), "---\ntitle: x # c\n---\n");
    assert_eq!(edited("---\n\"title\": old\n---\n", &[set("title", "new")]), "---\n\"title\": new\n---\n");
    assert_eq!(edited("---\n'my:key': old\n---\n", &[set("my:key", "new")]), "---\n'my:key': new\n---\n");
}

#[test]
fn yaml_adds_a_missing_key_before_the_closing_fence() {
    let out = edited("---\ntitle: a\n# trailing comment\n---\nbody", &[set("status", "done")]);
    assert_eq!(out, "---\ntitle: a\n# trailing comment\nstatus: done\n---\nbody");
    assert_eq!(edited("---\n---\nbody", &[set("a", "1")]), "---\na: 1\n---\nbody");
    assert_eq!(edited("---\ntitle: a\n...\nbody", &[set("b", "x")]), "---\ntitle: a\nb: x\n...\nbody");
}

#[test]
fn yaml_unset_removes_the_lines_and_a_missing_key_is_a_no_op() {
    let text = "---\ntitle: a\ntags:\n  - x\n  - y\nstatus: open\n---\nbody\n";
    assert_eq!(edited(text, &[unset("tags")]), "---\ntitle: a\nstatus: open\n---\nbody\n");
    assert_eq!(edited(text, &[unset("missing")]), text);
}

#[test]
fn yaml_block_lists_are_replaced_whole_at_any_indentation() {
    let indented = "---\ntags:\n  - a\n  # old\n  - b\nnext: 1\n---\n";
    assert_eq!(edited(indented, &[set_list("tags", &["c"])]), "---\ntags: [c]\nnext: 1\n---\n");
    let column_zero = "---\ntags:\n- a\n- b\n# about next\n\nnext: 1\n---\n";
    assert_eq!(
        edited(column_zero, &[set_list("tags", &["c", "d"])]),
        "---\ntags: [c, d]\n# about next\n\nnext: 1\n---\n"
    );
    assert_eq!(edited(column_zero, &[unset("tags")]), "---\n# about next\n\nnext: 1\n---\n");
}

#[test]
fn yaml_block_scalars_and_nested_maps_are_replaced_whole() {
    let text = "---\nnotes: |\n  line one\n  # not a comment\n\n  line three\nauthor:\n  name: Ann\n  mail: a@b\nlast: >-\n  folded\n  text\n---\n";
    let out = edited(text, &[set("notes", "short"), set("author", "Bob"), set("last", "x")]);
    assert_eq!(out, "---\nnotes: short\nauthor: Bob\nlast: x\n---\n");
}

#[test]
fn yaml_multi_line_flow_values_are_replaced_whole() {
    let text = "---\ntags: [a,\n  b]\ntitle: \"long\n  wrapped\"\nnext: 1\n---\n";
    assert_eq!(
        edited(text, &[set("tags", "x"), set("title", "z")]),
        "---\ntags: x\ntitle: z\nnext: 1\n---\n"
    );
}

#[test]
fn yaml_crlf_and_bom_are_kept() {
    let text = "\u{feff}---\r\ntitle: a\r\nstatus: x\r\n---\r\nbody\r\n";
    let out = edited(text, &[set("status", "yy"), set("new", "z")]);
    assert_eq!(out, "\u{feff}---\r\ntitle: a\r\nstatus: yy\r\nnew: z\r\n---\r\nbody\r\n");
}

#[test]
fn yaml_indented_top_level_map_keeps_its_indentation() {
    let out = edited("---\n  a: 1\n  b: 2\n---\n", &[set("b", "3"), set("c", "4")]);
    assert_eq!(out, "---\n  a: 1\n  b: 3\n  c: 4\n---\n");
}

#[test]
fn keys_match_case_sensitively_first_then_case_insensitively() {
    assert_eq!(edited("---\nStatus: open\n---\n", &[set("status", "done")]), "---\nStatus: done\n---\n");
    assert_eq!(
        edited("---\nStatus: a\nstatus: b\n---\n", &[set("status", "c")]),
        "---\nStatus: a\nstatus: c\n---\n"
    );
    let err = apply("---\nStatus: a\nSTATUS: b\n---\n", &[set("status", "c")]).expect_err("ambiguous");
    assert!(err.to_string().contains("`Status`, `STATUS`"), "{err}");
    assert_eq!(edited("---\nStatus: open\n---\n", &[unset("STATUS")]), "---\n---\n");
}

#[test]
fn dotted_keys_are_refused_unless_they_are_literal_top_level_keys() {
    let err = apply("---\nauthor:\n  name: Ann\n---\n", &[set("author.name", "Bob")]).expect_err("nested");
    assert!(matches!(err, EditError::Nested { .. }), "{err}");
    assert!(err.to_string().contains("nested"), "{err}");
    assert!(apply("---\ntitle: a\n---\n", &[unset("author.name")]).is_err());
    assert_eq!(
        edited("---\nauthor.name: Ann\n---\n", &[set("author.name", "Bob")]),
        "---\nauthor.name: Bob\n---\n"
    );
}

#[test]
fn frontmatter_that_does_not_parse_is_refused() {
    let err = apply("---\ntitle: ok\ntags: [a, b\n---\nbody", &[set("status", "x")]).expect_err("bad yaml");
    assert!(matches!(err, EditError::Unparsable { line: 3, .. }), "{err:?}");
    assert!(err.to_string().contains("termdex check"), "{err}");
    assert!(apply("---\ntitle: a\n", &[set("b", "c")]).is_err(), "unclosed");
    assert!(apply("+++\ntitle = \n+++\n", &[set("b", "c")]).is_err(), "bad toml");
    assert!(apply("{\"a\": nope}\n", &[set("b", "c")]).is_err(), "bad json");
    assert!(apply("---\na: 1\na: 2\n---\n", &[set("a", "3")]).is_err(), "duplicate key");
}

#[test]
fn yaml_layouts_we_cannot_edit_line_by_line_are_refused() {
    let err = apply("---\n{a: 1, b: 2}\n---\n", &[set("a", "3")]).expect_err("flow map");
    assert!(matches!(err, EditError::Layout { .. }), "{err}");
    assert!(apply("---\n? a\n: 1\n---\n", &[set("a", "3")]).is_err(), "explicit key");
    assert!(apply("---\na: 1\rb: 2\n---\n", &[set("a", "3")]).is_err(), "lone carriage return");
}

#[test]
fn an_edit_that_would_change_another_field_is_refused() {
    let text = "---\nbase: &b hello\ncopy: *b\n---\n";
    let err = apply(text, &[set("base", "bye")]).expect_err("alias");
    assert!(matches!(err, EditError::Verification { .. }), "{err}");
}

#[test]
fn a_card_without_frontmatter_gets_a_yaml_block_on_top() {
    assert_eq!(edited("# Hello\n", &[set("title", "x")]), "---\ntitle: x\n---\n# Hello\n");
    assert_eq!(edited("", &[set("title", "x")]), "---\ntitle: x\n---\n");
    assert_eq!(edited("\u{feff}text", &[set("a", "1")]), "\u{feff}---\na: 1\n---\ntext");
    assert_eq!(edited("line\r\nmore\r\n", &[set("a", "1")]), "---\r\na: 1\r\n---\r\nline\r\nmore\r\n");
    assert_eq!(edited("{{ template }}\n", &[set("a", "1")]), "---\na: 1\n---\n{{ template }}\n");
    assert_eq!(edited("# Hello\n", &[unset("title")]), "# Hello\n");
    assert_eq!(edited("# Hello\n", &[set("a", "1"), unset("a")]), "# Hello\n");
}

#[test]
fn several_edits_apply_in_order() {
    let out = edited("---\na: 1\nb: 2\n---\n", &[set("a", "x"), unset("b"), set("c", "y"), set("c", "z")]);
    assert_eq!(out, "---\na: x\nc: z\n---\n");
}

// ---- TOML ----

#[test]
fn toml_replacing_keeps_key_spacing_and_comment() {
    let text = "+++\n# fields\ntitle   =   \"Old\"  # c\ncount=1\n+++\nbody";
    assert_eq!(
        edited(text, &[set("title", "New")]),
        "+++\n# fields\ntitle   =   \"New\"  # c\ncount=1\n+++\nbody"
    );
    assert_eq!(
        edited(text, &[set("count", "2")]),
        "+++\n# fields\ntitle   =   \"Old\"  # c\ncount=2\n+++\nbody"
    );
}

#[test]
fn toml_multi_line_values_are_replaced_whole() {
    let text = "+++\ntags = [\n  \"a\", # first\n  \"b\",\n]\nnotes = \"\"\"\nline\n[not a table]\n\"\"\"\nnext = 1\n+++\n";
    let out = edited(text, &[set_list("tags", &["x"]), set("notes", "short")]);
    assert_eq!(out, "+++\ntags = [\"x\"]\nnotes = \"short\"\nnext = 1\n+++\n");
    assert_eq!(edited(text, &[unset("tags"), unset("notes")]), "+++\nnext = 1\n+++\n");
}

#[test]
fn toml_adds_after_the_last_top_level_key_before_the_first_table() {
    let text = "+++\ntitle = \"a\"\n# about extra\n\n[extra]\nk = 1\n+++\n";
    assert_eq!(
        edited(text, &[set("status", "done")]),
        "+++\ntitle = \"a\"\nstatus = \"done\"\n# about extra\n\n[extra]\nk = 1\n+++\n"
    );
    assert_eq!(edited("+++\n[extra]\nk = 1\n+++\n", &[set("a", "1")]), "+++\na = 1\n[extra]\nk = 1\n+++\n");
    assert_eq!(edited("+++\n# only\n+++\n", &[set("a", "1")]), "+++\n# only\na = 1\n+++\n");
    assert_eq!(edited("---toml\nx = 1\n---\n", &[set("y", "2")]), "---toml\nx = 1\ny = 2\n---\n");
}

#[test]
fn toml_writes_dates_bare_and_quotes_odd_keys() {
    let out = edited("+++\nx = 1\n+++\n", &[set("due", "2026-12-01"), set("a+b", "v")]);
    assert_eq!(out, "+++\nx = 1\ndue = 2026-12-01\n\"a+b\" = \"v\"\n+++\n");
}

#[test]
fn toml_tables_and_dotted_keys_are_refused() {
    let err = apply("+++\n[author]\nname = \"a\"\n+++\n", &[set("author", "x")]).expect_err("table");
    assert!(matches!(err, EditError::Unsupported { .. }), "{err}");
    let err = apply("+++\nauthor.name = \"a\"\n+++\n", &[unset("author")]).expect_err("dotted");
    assert!(err.to_string().contains("dotted"), "{err}");
    assert!(matches!(
        apply("+++\n[author]\nname = \"a\"\n+++\n", &[set("author.name", "b")]),
        Err(EditError::Nested { .. })
    ));
    assert!(apply("+++\n[[items]]\nx = 1\n+++\n", &[unset("items")]).is_err());
}

#[test]
fn toml_crlf_is_kept() {
    let out = edited("+++\r\na = 1\r\n+++\r\nbody\r\n", &[set("a", "2"), set("b", "x")]);
    assert_eq!(out, "+++\r\na = 2\r\nb = \"x\"\r\n+++\r\nbody\r\n");
}

// ---- JSON ----

const PRETTY: &str = "---json\n{\n  \"title\": \"a\",\n  \"meta\": {\n    \"x\": [1, {\"y\": \"}\"}]\n  },\n  \"n\": 2\n}\n---\nbody\n";

#[test]
fn json_replaces_a_nested_value_whole() {
    let out = edited(PRETTY, &[set("meta", "flat")]);
    assert_eq!(out, "---json\n{\n  \"title\": \"a\",\n  \"meta\": \"flat\",\n  \"n\": 2\n}\n---\nbody\n");
}

#[test]
fn json_adds_a_member_in_the_style_of_the_last_one() {
    let out = edited(PRETTY, &[set("status", "done")]);
    assert_eq!(
        out,
        "---json\n{\n  \"title\": \"a\",\n  \"meta\": {\n    \"x\": [1, {\"y\": \"}\"}]\n  },\n  \"n\": 2,\n  \"status\": \"done\"\n}\n---\nbody\n"
    );
    assert_eq!(edited("{\"a\":1,\"b\":2}\n# Body", &[set("c", "3")]), "{\"a\":1,\"b\":2,\"c\":3}\n# Body");
    assert_eq!(edited("{ \"a\": 1 }\n", &[set("c", "x")]), "{ \"a\": 1, \"c\": \"x\" }\n");
    assert_eq!(edited("{}\nbody", &[set("c", "x")]), "{\"c\": \"x\"}\nbody");
    assert_eq!(edited("---json\n{\n}\n---\n", &[set("c", "x")]), "---json\n{\n  \"c\": \"x\"\n}\n---\n");
}

#[test]
fn json_unset_takes_the_right_comma() {
    let text = "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": 3\n}\nbody";
    assert_eq!(edited(text, &[unset("a")]), "{\n  \"b\": [2],\n  \"c\": 3\n}\nbody");
    assert_eq!(edited(text, &[unset("b")]), "{\n  \"a\": 1,\n  \"c\": 3\n}\nbody");
    assert_eq!(edited(text, &[unset("c")]), "{\n  \"a\": 1,\n  \"b\": [2]\n}\nbody");
    assert_eq!(edited(text, &[unset("a"), unset("b"), unset("c")]), "{\n}\nbody");
    assert_eq!(edited("{\"a\":1,\"b\":2}", &[unset("b")]), "{\"a\":1}");
    assert_eq!(edited("{\"a\":1}", &[unset("a")]), "{}");
}

#[test]
fn json_crlf_is_kept() {
    let out = edited("---json\r\n{\r\n  \"a\": 1\r\n}\r\n---\r\nbody\r\n", &[set("b", "2")]);
    assert_eq!(out, "---json\r\n{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}\r\n---\r\nbody\r\n");
}

#[test]
fn json_duplicate_keys_are_refused() {
    assert!(apply("{\"a\": 1, \"a\": 2}\n", &[set("a", "3")]).is_err());
}

#[test]
fn numbers_and_booleans_are_typed_in_every_format() {
    for card in ["---\na: x\n---\n", "+++\na = \"x\"\n+++\n", "{\"a\": \"x\"}\n"] {
        for (text, value) in
            [("2", json!(2)), ("-1.5", json!(-1.5)), ("true", json!(true)), ("007", json!("007"))]
        {
            assert_eq!(fields_of(&edited(card, &[set("a", text)]))["a"], value, "{card:?} {text}");
        }
    }
}

#[test]
fn text_values_stay_text_in_every_format_and_keep_comments() {
    let text = |value: &str| Edit::Set { key: "a".into(), value: EditValue::Text(value.into()) };
    let cards =
        ["---\na: x # why\nb: 1\n---\n", "+++\na = \"x\" # why\nb = 1\n+++\n", "{\"a\": \"x\", \"b\": 1}\n"];
    for card in cards {
        for value in ["1984", "true", "3.14", "null", "", "a, b", "x]", "-1", "2026-11-23", "yes"] {
            let out = edited(card, &[text(value)]);
            assert_eq!(fields_of(&out)["a"], json!(value), "{card:?} {value}: {out}");
            assert_eq!(fields_of(&out)["b"], json!(1));
            if !card.starts_with('{') {
                assert!(out.contains(" # why\n"), "{out}");
            }
        }
    }
    assert_eq!(edited("---\na: x # why\n---\n", &[text("1984")]), "---\na: \"1984\" # why\n---\n");
}
