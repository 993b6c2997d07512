//! Rendering values: how a typed value is written in YAML, TOML or JSON so that it reads
//! back as exactly what was meant, and what it reads back as (for the safety check).

use std::fmt::Write as _;

use serde_json::Value;

use super::EditValue;
use crate::frontmatter::{Format, parse_block};

/// How `text` is written as a value in `format` (an `EditValue::Scalar`). Plain numbers and
/// `true`/`false` are written bare; everything else reads back as exactly this text.
///
/// YAML is written plain only when it is unmistakably text to any YAML reader (1.1 or
/// 1.2): no indicator, comment, `: `, control character, or edge whitespace, and not
/// something a reader could take for a null, boolean or number (`null`, `yes`, `007`,
/// `1e5`, `.5`, `12:30`). ISO dates stay plain. Anything else is double-quoted, with
/// `\\ \" \n \t \r` and `\xNN`/`\uNNNN` for other control and line-breaking characters.
/// TOML writes numbers, booleans and ISO dates/times bare, else a basic string; JSON
/// writes numbers and booleans bare, else a string. `null` is never written: it is text
/// (`--unset` removes a field), because TOML has no null and a card should not hold one
/// only because a word was typed.
pub fn render_scalar(format: Format, text: &str) -> String {
    if is_typed(text) {
        return text.to_string();
    }
    match format {
        Format::Yaml => yaml_text(text, Context::Value),
        Format::Toml if is_toml_datetime(text) => text.to_string(),
        Format::Toml => toml_string(text),
        Format::Json => json_string(text),
    }
}

pub(super) fn render_value(format: Format, value: &EditValue) -> String {
    match value {
        EditValue::Scalar(text) => render_scalar(format, text),
        EditValue::Text(text) => render_text(format, text, Context::Value),
        EditValue::List(items) => {
            let items: Vec<String> =
                items.iter().map(|item| render_text(format, item, Context::Flow)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Text that must read back as text, never as a number.
fn render_text(format: Format, text: &str, context: Context) -> String {
    match format {
        Format::Yaml => yaml_text(text, context),
        Format::Toml => toml_string(text),
        Format::Json => json_string(text),
    }
}

pub(super) fn render_key(format: Format, key: &str) -> String {
    let bare_toml = key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match format {
        Format::Toml if bare_toml && !key.is_empty() => key.to_string(),
        _ => render_text(format, key, Context::Key),
    }
}

/// The value a rendered `EditValue` reads back as.
pub(super) fn expected_value(format: Format, value: &EditValue) -> Value {
    match value {
        EditValue::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        EditValue::Scalar(text) => typed_value(format, text).unwrap_or_else(|| Value::String(text.clone())),
        EditValue::Text(text) => Value::String(text.clone()),
    }
}

pub(super) fn typed_value(format: Format, text: &str) -> Option<Value> {
    match text {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    if is_integer(text) {
        return text.parse::<i64>().ok().map(Value::from);
    }
    if !is_float(text) {
        return None;
    }
    match format {
        // serde_json's float parsing is its own; ask it what it will read.
        Format::Json => serde_json::from_str(text).ok(),
        // The readers' own rule, so that `1.0e-400` is expected as what they read.
        _ => crate::frontmatter::number::float(text).map(Value::Number),
    }
}

/// A plain number or boolean, in the one spelling all three formats read the same way.
pub(super) fn is_typed(text: &str) -> bool {
    text == "true" || text == "false" || is_integer(text) || is_float(text)
}

/// `0`, `42`, `-7`: what `i64` prints, so `007`, `+5`, `-0` and out-of-range digits are text.
fn is_integer(text: &str) -> bool {
    text.parse::<i64>().is_ok_and(|n| n.to_string() == text)
}

/// `1.5`, `-0.25`, `2.0e3`: digits on both sides of a dot, no leading zero, finite.
fn is_float(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole) && (whole == "0" || !whole.starts_with('0'));
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    whole_ok && digits(fraction) && exponent_ok && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Where a YAML scalar is written, which changes what may stay plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Key,
    Value,
    /// An element of a `[a, b]` list, where `,[]{}` end a plain scalar.
    Flow,
}

fn yaml_text(text: &str, context: Context) -> String {
    if yaml_plain_is_safe(text, context) && !looks_typed(text) && yaml_reads_back(text, context) {
        text.to_string()
    } else {
        yaml_quoted(text)
    }
}

/// Characters that mean something at the start of a plain YAML scalar.
const YAML_INDICATORS: &str = "-?:,[]{}#&*!|>'\"%@`";

fn yaml_plain_is_safe(text: &str, context: Context) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let edges_ok = !first.is_whitespace() && !text.ends_with(|c: char| c.is_whitespace() || c == ':');
    let flow_ok = context != Context::Flow || !text.contains([',', '[', ']', '{', '}']);
    edges_ok
        && flow_ok
        && !YAML_INDICATORS.contains(first)
        && !text.chars().any(needs_escape)
        && !text.contains(": ")
        && !text.contains(" #")
}

/// Characters never written raw: controls (tab and line ends included) and the Unicode
/// line separators, BOM and non-characters, which YAML readers treat inconsistently.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// Text another YAML reader (1.1 or 1.2) could take for a null, boolean or number, or that
/// means something special (`=`, the `<<` merge key). ISO dates are left plain on purpose.
fn looks_typed(text: &str) -> bool {
    const WORDS: [&str; 12] = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "=", "<<"];
    if WORDS.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let numeric_start = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let one_token = text.chars().all(|c| c.is_ascii_alphanumeric() || "_.:+-".contains(c));
    numeric_start && one_token && !is_iso_date(text)
}

/// `2026-12-01`, optionally with a `T10:30:00Z`-style time.
fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let date = bytes.len() >= 10
        && bytes[..10]
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    let time = || {
        text[10..]
            .strip_prefix('T')
            .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || ":.+-Z".contains(c)))
    };
    date && (bytes.len() == 10 || time())
}

/// Our own parser is the judge of whether a plain scalar means what it says.
fn yaml_reads_back(text: &str, context: Context) -> bool {
    let (doc, key, value) = match context {
        Context::Key => (format!("{text}: 0\n"), text, Value::from(0)),
        Context::Value => (format!("k: {text}\n"), "k", Value::String(text.to_string())),
        Context::Flow => (format!("k: [{text}]\n"), "k", Value::Array(vec![Value::String(text.to_string())])),
    };
    parse_block(Format::Yaml, &doc, 1)
        .is_ok_and(|fields| fields.len() == 1 && fields.get(key) == Some(&value))
}

fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML date, time or datetime in the spelling TOML prints it (our parser turns it back
/// into exactly this text).
fn is_toml_datetime(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text.parse::<toml::value::Datetime>().is_ok_and(|d| d.to_string() == text)
}

pub(super) fn json_string(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}
