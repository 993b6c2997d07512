//! Hostile input: no panic on any card, any filter or any `set`, and `set` keeps its
//! promises. The same checks run under `cargo fuzz` (`fuzz/`, see docs/reliability.md);
//! here they run as proptests on every `cargo test`, and every input the fuzzers ever
//! crashed on is replayed below as a regression test.

#[path = "hostile/oracle.rs"]
mod oracle;

use std::sync::{LazyLock, Mutex};

use proptest::collection::vec;
use proptest::prelude::*;
use termdex::cards::templates::Template;
use termdex::frontmatter::{self, Edit, EditValue};
use termdex::output::is_unsafe;
use termdex::output::markdown::render;
use termdex::query::QueryError;
use unicode_width::UnicodeWidthStr;

use oracle::{FilterDex, SetCase};

/// Built once for every case: indexing per case would cost more than the filters.
static DEX: LazyLock<Mutex<FilterDex>> = LazyLock::new(|| Mutex::new(FilterDex::new()));

fn filter(text: &str) {
    DEX.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).filter(text);
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// Pieces of the filter language, so that random filters are mostly almost valid.
fn filter_token() -> impl Strategy<Value = String> {
    let tokens = [
        "OR",
        "AND",
        "NOT",
        "-",
        "(",
        ")",
        "\"",
        "#",
        "*",
        ":",
        ">",
        "<",
        ">=",
        "<=",
        "!=",
        "has:",
        "no:",
        "view:",
        "links:",
        "linked-by:",
        "links:a",
        "has:links",
        "no:backlinks",
        "view:tasks",
        "view:loop",
        "view:deep",
        "tag:",
        "title:",
        "path:",
        "dir:",
        "modified",
        "created",
        "status",
        "priority",
        "deadline",
        "due",
        "note",
        "when",
        "author.name",
        "today",
        "this-week",
        "+3d",
        "-2w",
        "+1m",
        "2026-12-01",
        "2026-12-01T10:00",
        "9999-12-31",
        "./",
        "%",
        "_",
        "[",
        "?",
        "'",
        " ",
        " ",
        " ",
    ];
    prop_oneof![
        4 => prop::sample::select(tokens.to_vec()).prop_map(str::to_string),
        2 => "[a-z0-9]{1,6}",
        1 => "\\PC{1,3}",
        1 => any::<char>().prop_map(String::from),
    ]
}

/// A term that constrains nothing: no token for full-text search, or an empty value.
fn nothing_term() -> impl Strategy<Value = String> {
    let terms = [
        "?",
        "'",
        "-",
        "!",
        "\"\"",
        "\"  \"",
        "…",
        "😀",
        "\u{903}",
        "«»",
        "_",
        "status:\"\"",
        "has:\"\"",
        "no:\"\"",
        "links:\"\"",
        "linked-by:\" \"",
        "links:/",
        "tags:\" \"",
        "title:*",
        "title:**",
        "path:*",
        "path:./*",
        "view:all",
        "priority!=\"\"",
        "deadline<\"\"",
    ];
    prop::sample::select(terms.to_vec()).prop_map(str::to_string)
}

/// Terms that constrain nothing, joined, negated and grouped every way the language allows.
fn nothing_filter() -> impl Strategy<Value = String> {
    nothing_term().prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..4).prop_map(|t| t.join(" ")),
            vec(inner.clone(), 2..4).prop_map(|t| t.join(" OR ")),
            vec(inner.clone(), 2..4).prop_map(|t| t.join(" AND ")),
            inner.clone().prop_map(|t| format!("({t})")),
            inner.clone().prop_map(|t| format!("-({t})")),
            inner.prop_map(|t| format!("NOT ({t})")),
        ]
    })
}

fn any_filter() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => vec(filter_token(), 0..12).prop_map(|t| t.concat()),
        1 => any::<String>(),
    ]
}

/// Lines that mean something in one frontmatter syntax or another.
fn card_line() -> impl Strategy<Value = String> {
    let lines = [
        "---",
        "+++",
        "---json",
        "...",
        "title: x",
        "tags: [a, b",
        "- item",
        "  nested: &a {x: 1}",
        "copy: *a",
        "key = \"v\"",
        "[table]",
        "[[arr]]",
        "a.b = 1",
        "{\"k\": [1, {\"n\": null}]}",
        "}",
        "text: |",
        "  block",
        "? complex",
        ": value",
        "<<: *a",
        "!!str 5",
        "x: \"unterminated",
        "\u{feff}",
        "# comment",
        "",
    ];
    prop_oneof![
        4 => prop::sample::select(lines.to_vec()).prop_map(str::to_string),
        1 => "\\PC{0,12}",
        1 => any::<String>(),
    ]
}

fn card_text() -> impl Strategy<Value = String> {
    (vec(card_line(), 0..12), prop::bool::ANY)
        .prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

/// Field names that collide in letter case, need quoting, or are plain.
fn edit_key() -> impl Strategy<Value = String> {
    let keys = ["title", "Title", "status", "STATUS", "tags", "x", "a.b", "my key", "é", "\"q\"", "k:v", "#"];
    prop_oneof![3 => prop::sample::select(keys.to_vec()).prop_map(str::to_string), 1 => "\\PC{1,6}"]
}

/// Values that look like numbers, booleans, nulls, dates, YAML syntax, or are anything.
fn edit_text() -> impl Strategy<Value = String> {
    let texts = [
        "",
        "done",
        "1984",
        "-3",
        "1.5",
        "2.0e3",
        "007",
        "true",
        "yes",
        "null",
        "~",
        "2026-12-01",
        "12:30",
        "a: b",
        "x # y",
        "- a",
        "[a]",
        "{b}",
        "'",
        "\"",
        "\\",
        "line\nbreak",
        "tab\there",
        "\r",
        "\u{2028}",
        "\u{feff}",
        "---",
        "+++",
        "&a",
        "*a",
        "!tag",
        "%",
        "@",
        "`",
        "|",
        ">",
        " edge ",
        "1e5",
        "0x1F",
        ".5",
    ];
    prop_oneof![3 => prop::sample::select(texts.to_vec()).prop_map(str::to_string), 2 => any::<String>()]
}

fn edit_value() -> impl Strategy<Value = EditValue> {
    prop_oneof![
        3 => edit_text().prop_map(EditValue::Scalar),
        2 => edit_text().prop_map(EditValue::Text),
        1 => vec(edit_text(), 0..4).prop_map(EditValue::List),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (edit_key(), edit_value()).prop_map(|(key, value)| Edit::Set { key, value }),
        1 => edit_key().prop_map(|key| Edit::Unset { key }),
    ]
}

/// A well-formed card with simple fields, in any of the three syntaxes or none.
fn plain_card() -> impl Strategy<Value = String> {
    let fields = vec(("[a-z]{1,6}", "[a-z0-9 ]{0,8}"), 0..5);
    (fields, 0..4u8, prop::bool::ANY, prop::bool::ANY, "[a-z#\n ]{0,30}").prop_map(
        |(fields, format, crlf, bom, body)| {
            let eol = if crlf { "\r\n" } else { "\n" };
            let mut seen = std::collections::HashSet::new();
            let fields: Vec<_> = fields.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
            let block = match format {
                0 => format!("---{eol}{}---{eol}", lines(&fields, |k, v| format!("{k}: '{v}'"), eol)),
                1 => format!("+++{eol}{}+++{eol}", lines(&fields, |k, v| format!("{k} = \"{v}\""), eol)),
                2 => {
                    let members: Vec<String> =
                        fields.iter().map(|(k, v)| format!("\"{k}\": \"{v}\"")).collect();
                    format!("{{{}}}{eol}", members.join(", "))
                }
                _ => String::new(),
            };
            format!("{}{block}{body}", if bom { "\u{feff}" } else { "" })
        },
    )
}

fn lines(fields: &[(String, String)], line: impl Fn(&str, &str) -> String, eol: &str) -> String {
    fields.iter().map(|(k, v)| format!("{}{eol}", line(k, v))).collect()
}

/// A template: card lines with variables where they may go and where they may not.
fn template_text() -> impl Strategy<Value = String> {
    let variable_lines = [
        "title: {{title}}",
        "title: \"{{title}}\"",
        "t = {{title}}",
        "\"t\": \"{{title}}\",",
        "x: {{date}} # c",
        "tags: [{{title}}]",
        "{{title}}",
        "# {{title}}",
        "n: {{nope}}",
        "{{ title }}",
        "{{",
        "}}",
        "{{title}}{{title}}",
    ];
    let line = prop_oneof![
        2 => card_line(),
        1 => prop::sample::select(variable_lines.to_vec()).prop_map(str::to_string),
    ];
    (vec(line, 0..12), prop::bool::ANY).prop_map(|(lines, crlf)| lines.join(if crlf { "\r\n" } else { "\n" }))
}

/// Pieces of markdown, controls and wide text, so that random bodies are mostly almost
/// markdown: every block and inline construct, nested, broken off, mixed.
fn markdown_body() -> impl Strategy<Value = String> {
    let pieces = [
        "# ",
        "## ",
        "> ",
        "- ",
        "1. ",
        "- [ ] ",
        "- [x] ",
        "```",
        "```rust",
        "    ",
        "\t",
        "|",
        "|---|",
        ":--",
        "--:",
        "---",
        "***",
        "*",
        "**",
        "~~",
        "`",
        "[",
        "]",
        "(",
        ")",
        "[[",
        "]]",
        "![",
        "<",
        ">",
        "<!--",
        "-->",
        "&#27;",
        "&amp;",
        "[^1]",
        "[^1]: ",
        "\\",
        "  \n",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        " ",
        "word",
        "a longer run of words",
        "日本語",
        "\u{1b}[31m",
        "\u{9b}",
        "\u{202e}",
        "\u{7}",
        "a\u{301}",
        "[!NOTE]",
        "http://x.y",
        "<http://a.b>",
        "\u{0}",
    ];
    vec(prop::sample::select(pieces.to_vec()), 0..80).prop_map(|p| p.concat())
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_filter_runs_or_is_refused(text in any_filter()) {
        filter(&text);
    }

    #[test]
    fn terms_that_constrain_nothing_change_nothing(text in any_filter()) {
        DEX.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).nothing_terms_change_nothing(&text);
    }

    /// However terms that constrain nothing are combined, a bulk `set` is refused.
    #[test]
    fn filters_of_nothing_but_terms_that_constrain_nothing_are_empty(filter in nothing_filter()) {
        let dex = DEX.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let got = dex.user_filter(&filter);
        prop_assert!(matches!(got, Err(QueryError::EmptyFilter { .. })), "{:?}: {:?}", filter, got);
    }

    /// The preview's layout: nothing unsafe reaches the screen, no line is wider than
    /// the pane (deep nesting gives up indentation first), and a screenful is the start of
    /// the whole.
    #[test]
    fn any_body_renders_safely(body in markdown_body(), width in 1usize..70, lines in 0usize..40) {
        let whole = render(&body, Some(width), usize::MAX);
        for line in &whole {
            let text: String = line.iter().map(|s| s.text.as_str()).collect();
            prop_assert!(!text.chars().any(|c| is_unsafe(c) || c == '\t'), "{:?}", text);
            // (Below four cells, a line may have one cell left for a wide character.)
            let limit = if width >= 4 { width } else { width + 1 };
            prop_assert!(text.width() <= limit, "{} cells wider than {}: {:?}", text.width(), width, text);
        }
        let top = render(&body, Some(width), lines);
        prop_assert_eq!(&top[..], &whole[..lines.min(whole.len())]);
    }

    #[test]
    fn any_card_bytes_are_read(bytes in vec(any::<u8>(), 0..400)) {
        oracle::card_bytes(&bytes);
    }

    #[test]
    fn any_card_ish_text_is_read(text in card_text()) {
        oracle::card_bytes(text.as_bytes());
    }

    #[test]
    fn any_edits_on_any_card_keep_the_promises(card in card_text(), edits in vec(edit(), 1..4)) {
        SetCase { edits, card }.run();
    }

    #[test]
    fn any_edits_on_plain_cards_keep_the_promises(card in plain_card(), edits in vec(edit(), 1..4)) {
        SetCase { edits, card }.run();
    }

    #[test]
    fn any_template_renders_to_a_card_that_parses_or_is_refused(text in template_text(), title in edit_text()) {
        let mut vars = oracle::default_vars();
        vars.set("title", title);
        oracle::template(&Template { name: "hostile".into(), text, file: None, warning: None }, &vars);
    }

    /// On a well-formed card a plain key can always be set, to any value: it reads back,
    /// nothing else changes, and setting it again changes nothing.
    #[test]
    fn set_round_trips_on_plain_cards(card in plain_card(), key in "[a-z]{1,6}", value in edit_value()) {
        let edits = [Edit::Set { key: key.clone(), value: value.clone() }];
        let after = frontmatter::apply(&card, &edits).map_err(|e| TestCaseError::fail(format!("{e}\n{card:?}")))?;
        let fields = frontmatter::parse(frontmatter::strip_bom(&after)).fields;
        let got = fields.iter().find(|(k, _)| k.to_lowercase() == key).map(|(_, v)| v);
        prop_assert!(got.is_some_and(|got| oracle::reads_as(got, &value)), "{:?} in {:?}", value, after);
        oracle::set(&card, &after, &edits);
    }
}

// ---------------------------------------------------------------------------------------
// Inputs the fuzzers crashed on (fuzz/artifacts/<target>/), replayed
// ---------------------------------------------------------------------------------------

/// The oracle's own float spelling, case by case: the examples of the rule and every way
/// the YAML, TOML and JSON grammars part.
#[test]
fn the_oracles_floats_are_the_documented_spelling() {
    for number in ["1.5", "-0.25", "2.0e3", "2.0E-3", "1.5e+2", "0.0", "-0.0", "10.01"] {
        assert!(oracle::is_float(number), "{number} is a float");
    }
    let texts = [
        "1", "-3", "1e5", ".5", "5.", "+1.5", "01.5", "00.5", "1.5e", "1.5e+", "1..5", "1.5.2", "-", "-.5",
        ".inf", "-.inf", ".nan", "1_000.5", "0x1F", "1.0e999", "1.5 ", " 1.5", "1.5x", "",
    ];
    for text in texts {
        assert!(!oracle::is_float(text), "{text:?} is no float");
    }
}

/// A NUL inside a word cut FTS5's reading of the compiled query short ("unterminated
/// string"), which reached the user as an index error (found by the proptest above).
#[test]
fn a_filter_word_holding_a_nul_runs() {
    filter("(\0OR)");
    filter("a\0");
    filter("\"x\0y\" title:\0 #\0");
}

/// `fuzz/artifacts/template/crash-99022cbb…`: a template without frontmatter whose first
/// line became a `---` fence once `{{title}}` was filled with an empty title; the lines
/// below were then read as frontmatter that did not parse.
#[test]
fn a_template_value_never_turns_the_first_line_into_a_fence() {
    oracle::template_bytes(
        b"title=\n\0\xef\xbb\xbf--- {{title}}\nwhat: meeting\ndate:le=a: two\n  nes\n# co---toml\nm\xedent\n---\n# Heading\n",
    );
    for title in ["---", "+++", "{}", "{\"title\": \"x\"}", "---json"] {
        let mut vars = oracle::default_vars();
        vars.set("title", title);
        oracle::template(
            &Template { name: "t".into(), text: "{{title}}\n\nbody\n".into(), file: None, warning: None },
            &vars,
        );
    }
}

/// `fuzz/artifacts/set/crash-a211119d…` (a false alarm of the check, kept so the check
/// stays right): a field added to TOML frontmatter goes before its first `[table]`.
#[test]
fn toml_fields_are_added_before_the_first_table() {
    let case = SetCase::decode(
        b"yes=yes\nStatus=blocked\\n-when\n\0+++\r\ntitle = \"TOML\"\r\ntags = [\"a\", \"b\"]\r\n[author]\r\nname = \"Ada\"\r\n+++\r\nbody\r\n",
    );
    case.run();
    let after = frontmatter::apply(&case.card, &case.edits).expect("applies");
    let keys: Vec<String> = frontmatter::parse(&after).fields.keys().cloned().collect();
    assert_eq!(keys, ["title", "tags", "yes", "Status", "author"]);
}
