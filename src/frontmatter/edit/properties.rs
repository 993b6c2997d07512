//! Random cards, random hostile values: an edit changes the edited field's lines and
//! nothing else, and removing the field again gives back the card without those lines.

use std::collections::HashSet;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::Index;

use serde_json::Value;

use super::lines::{line_end, line_start};
use super::render::{is_typed, json_string, toml_string, typed_value};
use super::*;

/// A generated card and, for each field, the bytes of its lines.
#[derive(Debug, Clone)]
struct Card {
    text: String,
    /// Key, lines, and the ` # comment` ending its one line if it has one.
    fields: Vec<(String, Range<usize>, Option<String>)>,
    /// Where a new field's line is expected to go.
    append_at: usize,
    eol: &'static str,
}

/// A key that is in the card (maybe typed in another case) or a new one.
struct Target {
    typed: String,
    field: String,
    lines: Range<usize>,
    comment: Option<String>,
    is_new: bool,
}

fn key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,5}"
}

fn word() -> impl Strategy<Value = String> {
    "[a-z]{1,8}"
}

fn tricky() -> impl Strategy<Value = String> {
    "[a-z :#\\-\\[\\]{},&*!|>%@'\"\\\\]{0,10}"
}

fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(tests_hostile()).prop_map(String::from),
        2 => "[ -~]{0,12}",
        2 => "\\PC{0,8}",
        2 => "[\\x00-\\x1f\\x7f\u{85}\u{2028}\u{feff} a\"'\\\\:#\\-\\[\\],]{0,8}",
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => (any::<i16>(), 0u16..1000).prop_map(|(a, b)| format!("{a}.{b}")),
    ]
}

fn tests_hostile() -> Vec<&'static str> {
    super::tests::HOSTILE_FOR_PROPERTIES.to_vec()
}

fn hostile_value() -> impl Strategy<Value = EditValue> {
    prop_oneof![
        3 => hostile_text().prop_map(EditValue::Scalar),
        1 => hostile_text().prop_map(EditValue::Text),
        1 => vec(hostile_text(), 0..4).prop_map(EditValue::List),
    ]
}

fn trivia() -> impl Strategy<Value = String> {
    prop_oneof!["# [ -~]{0,20}", Just(String::new())]
}

fn body() -> impl Strategy<Value = String> {
    "(\\PC|\n|\r\n|---\n){0,40}"
}

fn eol(crlf: bool) -> &'static str {
    if crlf { "\r\n" } else { "\n" }
}

/// What a value must read back as: text, unless it is a plain number or boolean.
fn intended(format: Format, value: &EditValue) -> Value {
    match value {
        EditValue::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        EditValue::Scalar(text) if is_typed(text) => {
            let typed = typed_value(format, text).expect("typed text has a value");
            assert!(typed.is_boolean() || text.parse::<f64>().is_ok_and(f64::is_finite), "{text}");
            typed
        }
        EditValue::Scalar(text) | EditValue::Text(text) => Value::String(text.clone()),
    }
}

fn parsed(text: &str) -> Result<Fields, TestCaseError> {
    let parsed = super::super::parse(strip_bom(text));
    match parsed.error {
        None => Ok(parsed.fields),
        Some(e) => Err(TestCaseError::fail(format!("does not parse: {e:?}\n{text}"))),
    }
}

fn target(card: &Card, pick: Index, existing: bool, upper: bool, new_key: String) -> Target {
    // A new key that clashes (in any case) with a field is that field.
    let clash = card.fields.iter().any(|(k, ..)| k.eq_ignore_ascii_case(&new_key));
    if existing && !card.fields.is_empty() || clash {
        let (field, lines, comment) = pick.get(&card.fields).clone();
        let typed = if upper { field.to_uppercase() } else { field.clone() };
        return Target { typed, field, lines, comment, is_new: false };
    }
    let lines = card.append_at..card.append_at;
    Target { typed: new_key.clone(), field: new_key, lines, comment: None, is_new: true }
}

/// (a)-(e) for a line-based format (YAML, TOML).
fn check_line_edit(
    card: &Card,
    format: Format,
    target: &Target,
    value: EditValue,
) -> Result<(), TestCaseError> {
    let before = parsed(&card.text)?;
    let set = Edit::Set { key: target.typed.clone(), value: value.clone() };
    let after = apply(&card.text, &[set]).map_err(|e| TestCaseError::fail(format!("{e}\n{}", card.text)))?;
    // (a) it parses, (b) the field has its new value, (c) the others are unchanged.
    let fields = parsed(&after)?;
    prop_assert_eq!(fields.get(&target.field), Some(&intended(format, &value)), "{}", after);
    prop_assert_eq!(fields.len(), before.len() + usize::from(target.is_new));
    for (key, old) in &before {
        if *key != target.field {
            prop_assert_eq!(fields.get(key), Some(old), "`{}` changed\n{}", key, after);
        }
    }
    // (d) the change is one new line in place of the field's lines.
    let (head, tail) = (&card.text[..target.lines.start], &card.text[target.lines.end..]);
    prop_assert!(
        after.starts_with(head) && after.ends_with(tail),
        "outside the lines:\n{:?}\n{:?}",
        card.text,
        after
    );
    prop_assert!(after.len() >= head.len() + tail.len());
    let line = &after[head.len()..after.len() - tail.len()];
    prop_assert!(line.ends_with(card.eol) && line.matches('\n').count() == 1, "not one line: {:?}", line);
    if let Some(comment) = &target.comment {
        prop_assert!(line.trim_end().ends_with(comment.trim_end()), "comment lost: {:?}", line);
    }
    // (e) unsetting removes exactly those lines.
    let removed = apply(&after, &[Edit::Unset { key: target.typed.clone() }])
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(removed, format!("{head}{tail}"));
    Ok(())
}

// ---- YAML cards ----

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let escaped = s.replace('\\', "\\\\").replace('"', "\\\"").replace('\t', "\\t").replace('\n', "\\n");
    format!("\"{escaped}\"")
}

fn flow_item() -> impl Strategy<Value = String> {
    prop_oneof![word(), tricky().prop_map(|s| single_quoted(&s)), any::<i32>().prop_map(|n| n.to_string())]
}

/// A YAML value: the rest of the key's line, the lines below it, and a trailing comment.
fn yaml_value() -> impl Strategy<Value = (String, Vec<String>, Option<String>)> {
    let commented =
        (word(), "[a-z :#]{0,10}").prop_map(|(w, c)| (format!(" {w} # {c}"), vec![], Some(format!("# {c}"))));
    let plain = prop_oneof![
        word().prop_map(|w| (format!(" {w}"), vec![])),
        any::<i64>().prop_map(|n| (format!(" {n}"), vec![])),
        (any::<i32>(), 0u16..1000).prop_map(|(a, b)| (format!(" {a}.{b}"), vec![])),
        tricky().prop_map(|s| (format!(" {}", single_quoted(&s)), vec![])),
        "[a-z :#\\-\\[\\]{},&*!|>%@'\"\\\\\t\n]{0,10}"
            .prop_map(|s| (format!(" {}", double_quoted(&s)), vec![])),
        vec(flow_item(), 0..4).prop_map(|items| (format!(" [{}]", items.join(", ")), vec![])),
        (vec(flow_item(), 1..4), any::<bool>()).prop_map(|(items, indented)| {
            let indent = if indented { "  " } else { "" };
            (String::new(), items.iter().map(|i| format!("{indent}- {i}")).collect())
        }),
        (prop::sample::select(vec!["|", "|-", ">", ">-"]), vec("[a-z#][a-z #:]{0,12}", 1..4)).prop_map(
            |(style, lines)| (format!(" {style}"), lines.iter().map(|l| format!("  {l}")).collect())
        ),
        btree_map(key(), word(), 1..3)
            .prop_map(|map| (String::new(), map.iter().map(|(k, v)| format!("  {k}: {v}")).collect())),
        Just((String::new(), vec![])),
    ];
    prop_oneof![5 => plain.prop_map(|(first, below)| (first, below, None)), 1 => commented]
}

prop_compose! {
    fn yaml_card()(
        entries in vec((key(), yaml_value(), vec(trivia(), 0..2)), 0..7),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        body in body(),
    ) -> Card {
        let eol = eol(crlf);
        let mut text = String::from(if bom { "\u{feff}---" } else { "---" });
        text.push_str(eol);
        let mut seen = HashSet::new();
        let mut fields = Vec::new();
        for (key, (first, below, comment), trivia) in entries {
            if !seen.insert(key.to_lowercase()) {
                continue;
            }
            let start = text.len();
            text.push_str(&format!("{key}:{first}{eol}"));
            below.iter().for_each(|line| text.push_str(&format!("{line}{eol}")));
            fields.push((key, start..text.len(), comment));
            trivia.iter().for_each(|line| text.push_str(&format!("{line}{eol}")));
        }
        let append_at = text.len();
        text.push_str(&format!("---{eol}{body}"));
        Card { text, fields, append_at, eol }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn yaml_set_and_unset_touch_only_the_fields_lines(
        card in yaml_card(),
        pick in any::<Index>(),
        existing in any::<bool>(),
        upper in any::<bool>(),
        new_key in key(),
        value in hostile_value(),
    ) {
        let target = target(&card, pick, existing, upper, new_key);
        check_line_edit(&card, Format::Yaml, &target, value)?;
    }
}

// ---- TOML cards ----

fn toml_scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,8}".prop_map(|s| toml_string(&s)),
        "[a-z :#\\[\\]{},\"]{0,10}".prop_map(|s| format!("'{s}'")),
        any::<i64>().prop_map(|n| n.to_string()),
        (any::<i32>(), 0u16..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        any::<bool>().prop_map(|b| b.to_string()),
        (2000u16..2100, 1u8..13, 1u8..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
    ]
}

/// A TOML value's lines: the first follows `key = `.
fn toml_value() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        3 => toml_scalar().prop_map(|s| vec![s]),
        1 => vec(toml_scalar(), 0..4).prop_map(|items| vec![format!("[{}]", items.join(", "))]),
        1 => (vec(toml_scalar(), 1..4), any::<bool>()).prop_map(|(items, comment)| {
            let mut lines = vec!["[".to_string()];
            lines.extend(items.iter().map(|i| format!("  {i},")));
            if comment {
                lines.push("  # inside".into());
            }
            lines.push("]".into());
            lines
        }),
        1 => vec("[a-z #:\\[\\]=]{0,12}", 1..3).prop_map(|body| {
            let mut lines = vec!["\"\"\"".to_string()];
            lines.extend(body);
            lines.push("\"\"\"".into());
            lines
        }),
        1 => (word(), any::<i32>()).prop_map(|(w, n)| vec![format!("{{ x = {n}, y = \"{w}\" }}")]),
    ]
}

prop_compose! {
    fn toml_card()(
        entries in vec((key(), toml_value(), proptest::option::of("[a-z ]{0,8}"), vec(trivia(), 0..2)), 0..6),
        table in any::<bool>(),
        crlf in any::<bool>(),
        body in body(),
    ) -> Card {
        let eol = eol(crlf);
        let mut text = format!("+++{eol}");
        let content_start = text.len();
        let mut seen = HashSet::new();
        let mut fields = Vec::new();
        let mut append_at = None;
        for (key, mut lines, comment, trivia) in entries {
            if !seen.insert(key.to_lowercase()) {
                continue;
            }
            let comment = comment.map(|c| format!("# {c}"));
            if let (Some(comment), Some(last)) = (&comment, lines.last_mut()) {
                last.push_str(&format!("  {comment}"));
            }
            let start = text.len();
            text.push_str(&format!("{key} = {}{eol}", lines.join(eol)));
            fields.push((key, start..text.len(), comment));
            append_at = Some(text.len());
            trivia.iter().for_each(|line| text.push_str(&format!("{line}{eol}")));
        }
        let append_at = match (append_at, table) {
            (Some(at), _) => at,
            (None, true) => content_start,
            (None, false) => text.len(),
        };
        if table {
            text.push_str(&format!("[zz_extra]{eol}k = 1{eol}"));
        }
        text.push_str(&format!("+++{eol}{body}"));
        Card { text, fields, append_at, eol }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn toml_set_and_unset_touch_only_the_fields_lines(
        card in toml_card(),
        pick in any::<Index>(),
        existing in any::<bool>(),
        upper in any::<bool>(),
        new_key in key(),
        value in hostile_value(),
    ) {
        let target = target(&card, pick, existing, upper, new_key);
        check_line_edit(&card, Format::Toml, &target, value)?;
    }
}

// ---- JSON cards ----

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        "\\PC{0,8}".prop_map(Value::String),
        "[\\x00-\\x1f\"\\\\{}\\[\\],:]{0,6}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => json_leaf(),
        1 => vec(json_leaf(), 0..3).prop_map(Value::Array),
        1 => btree_map(key(), json_leaf(), 0..3).prop_map(|m| Value::Object(m.into_iter().collect())),
    ]
}

/// A value as written inside a pretty object (nested objects on their own lines).
fn pretty_value(value: &Value, eol: &str) -> String {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let members: Vec<String> =
                map.iter().map(|(k, v)| format!("    {}: {v}", json_string(k))).collect();
            format!("{{{eol}{}{eol}  }}", members.join(&format!(",{eol}")))
        }
        other => other.to_string(),
    }
}

/// A JSON card and the byte range of each member's value.
#[derive(Debug, Clone)]
struct JsonCard {
    text: String,
    values: Vec<(String, Range<usize>)>,
    /// Where a new member goes: after the last value, or inside `{}`.
    append_at: usize,
}

prop_compose! {
    fn json_card()(
        members in vec((key(), json_value()), 0..6),
        pretty in any::<bool>(),
        fenced in any::<bool>(),
        crlf in any::<bool>(),
        body in body(),
    ) -> JsonCard {
        let eol = eol(crlf);
        let mut text = String::from(if fenced { "---json" } else { "" });
        if fenced {
            text.push_str(eol);
        }
        text.push('{');
        let open = text.len();
        let mut seen = HashSet::new();
        let mut values = Vec::new();
        for (key, value) in members {
            if !seen.insert(key.to_lowercase()) {
                continue;
            }
            let separator = match (values.is_empty(), pretty) {
                (true, true) => format!("{eol}  "),
                (false, true) => format!(",{eol}  "),
                (true, false) => String::new(),
                (false, false) => ",".into(),
            };
            let written = if pretty { pretty_value(&value, eol) } else { value.to_string() };
            text.push_str(&format!("{separator}{}{}", json_string(&key), if pretty { ": " } else { ":" }));
            let start = text.len();
            text.push_str(&written);
            values.push((key, start..text.len()));
        }
        let append_at = values.last().map_or(open, |(_, range)| range.end);
        if pretty {
            text.push_str(eol);
        }
        text.push('}');
        text.push_str(eol);
        if fenced {
            text.push_str(&format!("---{eol}"));
        }
        text.push_str(&body);
        JsonCard { text, values, append_at }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_set_and_unset_touch_only_the_member(
        card in json_card(),
        pick in any::<Index>(),
        existing in any::<bool>(),
        new_key in key(),
        value in hostile_value(),
    ) {
        let before = parsed(&card.text)?;
        let clash = card.values.iter().any(|(k, _)| k.eq_ignore_ascii_case(&new_key));
        let (key, span, is_new) = if existing && !card.values.is_empty() || clash {
            let (key, span) = pick.get(&card.values).clone();
            (key, span, false)
        } else {
            (new_key, card.append_at..card.append_at, true)
        };
        let set = Edit::Set { key: key.clone(), value: value.clone() };
        let after = apply(&card.text, &[set]).map_err(|e| TestCaseError::fail(format!("{e}\n{}", card.text)))?;
        let fields = parsed(&after)?;
        prop_assert_eq!(fields.get(&key), Some(&intended(Format::Json, &value)));
        let mut expected = before.clone();
        expected.insert(key.clone(), intended(Format::Json, &value));
        prop_assert_eq!(&fields, &expected);
        // Only the value (or, for a new member, the text after the last value) changes.
        let (head, tail) = (&card.text[..span.start], &card.text[span.end..]);
        prop_assert!(after.starts_with(head) && after.ends_with(tail), "{:?}\n{:?}", card.text, after);
        let written = &after[head.len()..after.len() - tail.len()];
        prop_assert!(is_new || !written.contains('\n'), "{:?}", written);
        // Unsetting gives back the card without the member, changing only its lines and
        // the line of the comma it takes with it.
        let removed = apply(&after, &[Edit::Unset { key: key.clone() }]).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut without = before.clone();
        without.shift_remove(&key);
        prop_assert_eq!(parsed(&removed)?, without);
        if is_new {
            prop_assert_eq!(&removed, &card.text);
        } else {
            let index = card.values.iter().position(|(k, _)| *k == key).unwrap_or_default();
            let from = index.checked_sub(1).map_or(span.start, |i| card.values[i].1.end);
            let window = line_start(&card.text, from)..line_end(&card.text, span.end);
            let prefix = card.text.bytes().zip(removed.bytes()).take_while(|(a, b)| a == b).count();
            let suffix = card.text.bytes().rev().zip(removed.bytes().rev()).take_while(|(a, b)| a == b).count();
            prop_assert!(prefix >= window.start && card.text.len() - suffix.min(card.text.len() - prefix) <= window.end,
                "changed outside {:?}: {:?} -> {:?}", window, card.text, removed);
        }
    }
}
