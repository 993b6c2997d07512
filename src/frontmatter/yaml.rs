//! YAML frontmatter to JSON fields, built straight from parser events.
//!
//! Building the value ourselves (instead of going through a generic YAML tree) keeps key
//! order, reports duplicate keys with their line, bounds alias expansion so a
//! "billion laughs" card cannot exhaust memory, bounds nesting so a deeply indented card
//! cannot exhaust the stack, and resolves plain scalars strictly: only unmistakable
//! numbers and booleans get a type, everything else stays text. A number keeps the
//! digits it was written with (a 30-digit id is not rounded); `.inf`, `.nan` and numbers
//! beyond termdex's range stay text and are reported ([`super::number`]).

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::number::{self, not_a_number};
use crate::value::Decimal;

/// How many values aliases may copy in, all told: more than any hand-written card
/// repeats, and far less than an alias bomb ("billion laughs") asks for. Counted before
/// each copy is made, so a bomb costs no more than this.
const MAX_ALIAS_VALUES: usize = 100_000;

/// How many values a block may hold, aliases' copies included: a bound on the work for
/// any text, far above what a card (capped at 1 MiB, two bytes a value at the least)
/// can write out by hand.
const MAX_VALUES: usize = 1_000_000;

/// Deeper than any hand-written card nests; about where the TOML and JSON parsers stop
/// too (and JSON read back from the index must stay within serde_json's 128).
pub const MAX_NESTING: usize = 100;

/// A line within the block (1-based) and what is wrong there.
pub type Problem = (usize, String);

/// Parses a YAML block, with the first value written as a number termdex cannot compare
/// (kept as text); errors are `(line within the block, 1-based; message)`.
pub fn parse(content: &str) -> Result<(Value, Option<Problem>), Problem> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(content);
    // Event by event rather than through `Parser::load`, which recurses once per level of
    // nesting (block nesting has no limit in the parser); the builder keeps its own stack.
    loop {
        let (event, mark) =
            parser.next_token().map_err(|e| (e.marker().line(), format!("invalid YAML: {}", e.info())))?;
        let end = matches!(event, Event::DocumentEnd | Event::StreamEnd);
        builder.on_event(event, mark);
        if end || builder.error.is_some() {
            break;
        }
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    Ok((builder.root.unwrap_or(Value::Null), builder.not_a_number))
}

/// A list or map being built; `size` counts the values in it so far, itself included.
enum Frame {
    Seq { items: Vec<Value>, anchor: usize, size: usize },
    Map { map: Map<String, Value>, key: Option<String>, anchor: usize, size: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Anchored values with their sizes, so an alias is priced before it is copied.
    anchors: HashMap<usize, (Value, usize)>,
    root: Option<Value>,
    /// Values made so far, aliases' copies included.
    values: usize,
    /// Values aliases copied in.
    alias_values: usize,
    error: Option<Problem>,
    /// The first value written as a number that termdex cannot compare.
    not_a_number: Option<Problem>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let (value, number) = resolve_scalar(text, style, tag.as_ref());
                if !number {
                    self.not_a_number(&value, mark);
                }
                self.made(1, mark);
                self.add(value, 1, anchor, mark);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_NESTING => {
                self.fail(mark, format!("nested more than {MAX_NESTING} levels deep"));
            }
            Event::SequenceStart(anchor, _) => {
                self.made(1, mark);
                self.stack.push(Frame::Seq { items: Vec::new(), anchor, size: 1 })
            }
            Event::MappingStart(anchor, _) => {
                self.made(1, mark);
                self.stack.push(Frame::Map { map: Map::new(), key: None, anchor, size: 1 })
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq { items, anchor, size }) => self.add(Value::Array(items), size, anchor, mark),
                Some(Frame::Map { map, anchor, size, .. }) => {
                    self.add(Value::Object(map), size, anchor, mark)
                }
                None => {}
            },
            Event::Alias(id) => self.alias(id, mark),
            _ => {}
        }
    }
}

impl Builder {
    /// Counts `n` new values against [`MAX_VALUES`].
    fn made(&mut self, n: usize, mark: Marker) {
        self.values = self.values.saturating_add(n);
        if self.values > MAX_VALUES {
            self.fail(mark, format!("more than {MAX_VALUES} values"));
        }
    }

    /// Copies an anchored value in, if the alias budget allows it.
    fn alias(&mut self, id: usize, mark: Marker) {
        let size = self.anchors.get(&id).map_or(1, |(_, size)| *size);
        self.alias_values = self.alias_values.saturating_add(size);
        if self.alias_values > MAX_ALIAS_VALUES {
            let message = format!("aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?)");
            self.fail(mark, message);
            return;
        }
        self.made(size, mark);
        if self.error.is_none() {
            let value = self.anchors.get(&id).map_or(Value::Null, |(value, _)| value.clone());
            self.add(value, size, 0, mark);
        }
    }

    /// Puts a finished value (`size` values, itself included) where it belongs.
    fn add(&mut self, value: Value, size: usize, anchor: usize, mark: Marker) {
        if anchor > 0 {
            self.anchors.insert(anchor, (value.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, size: total, .. }) => {
                *total = total.saturating_add(size);
                items.push(value);
            }
            Some(Frame::Map { map, key, size: total, .. }) => match key.take() {
                None => match key_text(value) {
                    Some(k) => *key = Some(k),
                    None => self.fail(mark, "a key must be plain text, not a list or a map".into()),
                },
                Some(k) => {
                    *total = total.saturating_add(size);
                    if map.contains_key(&k) {
                        self.fail(mark, format!("duplicate key `{k}`"));
                    } else {
                        map.insert(k, value);
                    }
                }
            },
        }
    }

    /// Notes a value written as a number but kept as text, unless it is a key.
    fn not_a_number(&mut self, value: &Value, mark: Marker) {
        let Value::String(text) = value else { return };
        if self.not_a_number.is_some() || matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
            return;
        }
        let keys: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Map { key, .. } => key.as_deref(),
                Frame::Seq { .. } => None,
            })
            .collect();
        self.not_a_number = Some((mark.line(), not_a_number(&keys.join("."), text)));
    }

    fn fail(&mut self, mark: Marker, message: String) {
        self.error = Some((mark.line(), format!("invalid YAML: {message}")));
    }
}

fn key_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A scalar's value, and `false` when it is written as a number termdex cannot compare
/// (`.inf`, `.nan`, `1e99999999999999999999`), which stays text.
fn resolve_scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> (Value, bool) {
    if style != TScalarStyle::Plain {
        return (Value::String(text), true);
    }
    match tag {
        Some(tag) if tag.handle == "tag:yaml.org,2002:" => match tag.suffix.as_str() {
            "str" => (Value::String(text), true),
            _ => resolve_plain(text),
        },
        Some(_) => (Value::String(text), true),
        None => resolve_plain(text),
    }
}

/// YAML 1.2 core-schema resolution, stricter where a guess could be wrong: `yes`/`no`
/// stay text, and a leading zero (`007`, a postcode) stays text. An integer keeps its
/// digits however many there are (`99999999999999999999` is that number, not a rounded
/// one); a float is a number as JSON's is ([`number::float`]: `1e400` and `1e-400` keep
/// their digits). Infinity, NaN (`.inf`, `.nan`) and exponents beyond termdex's range
/// are no number it can compare: text, with `false`.
fn resolve_plain(text: String) -> (Value, bool) {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return (Value::Null, true),
        "true" | "True" | "TRUE" => return (Value::Bool(true), true),
        "false" | "False" | "FALSE" => return (Value::Bool(false), true),
        _ => {}
    }
    if let Some(n) = parse_integer(&text) {
        return (Value::Number(n), true);
    }
    if is_decimal_float(&text) {
        return match number::float(&text) {
            Some(n) => (Value::Number(n), true),
            None => (Value::String(text), false),
        };
    }
    (Value::String(text.clone()), !is_infinity_or_nan_yaml(&text))
}

/// YAML 1.2's infinities and NaN: `.inf`, `-.Inf`, `+.INF`, `.nan`, `.NaN`, `.NAN`.
fn is_infinity_or_nan_yaml(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN")
}

/// `42`, `-7`, `+5`, `0x1F`, `0o17`; decimal integers beyond 64 bits keep their digits.
/// A leading zero (`007`) is a code, not a number.
fn parse_integer(text: &str) -> Option<Number> {
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Number::from);
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(Number::from);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if !plain || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(n.into());
    }
    // Too long for an i64: the same digits as a JSON number (which has no `+`), unless
    // longer than termdex can compare.
    Decimal::parse(text).ok()?;
    text.strip_prefix('+').unwrap_or(text).parse().ok()
}

/// `1.5`, `.5`, `1.`, `1e5`, `-2.5E-3`: YAML 1.2's floats, but for a leading zero.
fn is_decimal_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, frac) = match (mantissa.split_once('.'), exponent) {
        (Some(parts), _) => parts,
        (None, Some(_)) if !mantissa.is_empty() => (mantissa, ""),
        (None, _) => return false,
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole) && !(whole.len() > 1 && whole.starts_with('0'));
    let frac_ok = digits(frac) && !(whole.is_empty() && frac.is_empty());
    let exp_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    whole_ok && frac_ok && exp_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Value {
        let (value, not_a_number) = parse(text).expect("parses");
        assert_eq!(not_a_number, None, "{text}");
        value
    }

    #[test]
    fn scalars_resolve_strictly() {
        let v = yaml(
            "a: 3\nb: -2.5\nc: 1e5\nd: 007\ne: yes\nf: true\ng: ~\nh: '3'\ni: 0x1F\nj: 2026-11-23\nk: 99999999999999999999\nl: .5\nm: 01e5\n",
        );
        let k: Number = "99999999999999999999".parse().expect("number");
        assert_eq!(
            v,
            json!({"a": 3, "b": -2.5, "c": 100000.0, "d": "007", "m": "01e5", "e": "yes", "f": true, "g": null,
                   "h": "3", "i": 31, "j": "2026-11-23", "k": k, "l": 0.5})
        );
    }

    #[test]
    fn numbers_keep_every_digit_they_were_written_with() {
        let v = yaml(
            "a: 123456789012345678901234567890\nb: -123456789012345678901234567890\nc: +99999999999999999999\nd: 1.0e400\ne: 00099999999999999999999\nf: -0\n",
        );
        let shown = |key: &str| v[key].to_string();
        assert_eq!(shown("a"), "123456789012345678901234567890");
        assert_eq!(shown("b"), "-123456789012345678901234567890");
        assert_eq!(shown("c"), "99999999999999999999");
        assert_eq!(shown("d"), "1.0e+400", "beyond a 64-bit float, still a number");
        assert_eq!(v["e"], json!("00099999999999999999999"), "a leading zero is a code");
        assert_eq!(shown("f"), "0");
        let v = yaml("a: +1.e400\nb: -.5E400\nd: 1.5\ne: 1.0e-400\ng: 1e400\nh: -1e400\ni: 1e-400\n");
        let shown = |key: &str| v[key].to_string();
        assert_eq!((shown("a"), shown("b")), ("1e+400".into(), "-0.5e+400".into()));
        assert_eq!(shown("d"), "1.5", "a 64-bit float, as `set` reads it");
        assert_eq!(shown("e"), "1.0e-400", "not rounded to zero");
        assert_eq!(
            (shown("g"), shown("h"), shown("i")),
            ("1e+400".into(), "-1e+400".into(), "1e-400".into())
        );
    }

    #[test]
    fn infinities_nan_and_numbers_out_of_range_stay_text_and_are_reported() {
        for (text, shown) in [
            ("p: .inf", ".inf"),
            ("p: -.Inf", "-.Inf"),
            ("p: +.INF", "+.INF"),
            ("p: .nan", ".nan"),
            ("p: .NaN", ".NaN"),
            ("p: 1.0e99999999999999999999", "1.0e99999999999999999999"),
            ("p: !!float .inf", ".inf"),
        ] {
            let (value, problem) = parse(&format!("a: 1\n{text}\n")).expect("parses");
            assert_eq!(value["p"], json!(shown), "{text}");
            let message = format!(
                "p: {shown} is not a number termdex can compare (write it as text in quotes, or a finite number)"
            );
            assert_eq!(problem, Some((2, message)), "{text}");
        }
        let (_, problem) = parse("a:\n  b: [1, .nan]\n  c: .inf\n").expect("parses");
        assert_eq!(
            problem.map(|(line, m)| (line, m[..5].to_string())),
            Some((2, "a.b: ".into())),
            "the first, by its dotted key"
        );
        for text in
            ["p: '.inf'", "p: \".nan\"", "p: !!str .inf", ".inf: 1", "p: inf", "p: nan", "p: .infinity"]
        {
            assert_eq!(parse(text).expect("parses").1, None, "{text}: quoted, a key, or a word");
        }
    }

    #[test]
    fn key_order_is_kept() {
        let v = yaml("zeta: 1\nalpha: 2\nmid: 3\n");
        let keys: Vec<_> = v.as_object().expect("map").keys().cloned().collect();
        assert_eq!(keys, ["zeta", "alpha", "mid"]);
    }

    #[test]
    fn nested_maps_lists_and_aliases() {
        let v = yaml("base: &b {x: 1}\ncopy: *b\ntags:\n  - a\n  - b\n");
        assert_eq!(v, json!({"base": {"x": 1}, "copy": {"x": 1}, "tags": ["a", "b"]}));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let block: String = (0..5_000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let (line, message) = parse(&block).expect_err("too deep");
        assert_eq!(
            (line, message.as_str()),
            (MAX_NESTING + 1, "invalid YAML: nested more than 100 levels deep")
        );
        let flow = format!("a: {}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(parse(&flow).is_err());
        let ok = format!("a: {}{}", "[".repeat(MAX_NESTING - 1), "]".repeat(MAX_NESTING - 1));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn duplicate_keys_are_an_error_with_their_line() {
        let (line, message) = parse("a: 1\nb: 2\na: 3\n").expect_err("duplicate");
        assert_eq!(line, 3);
        assert!(message.contains("duplicate key `a`"), "{message}");
    }

    #[test]
    fn many_plain_keys_are_no_alias_bomb() {
        // Found by a hostile test: 50,000 keys were refused as "aliases expanding too far".
        let text: String = (0..50_000).map(|i| format!("k{i}: {i}\n")).collect();
        let v = yaml(&text);
        assert_eq!(v.as_object().map(Map::len), Some(50_000));
        let list = format!("a: [{}]\n", vec!["x"; 200_000].join(","));
        assert_eq!(yaml(&list)["a"].as_array().map(Vec::len), Some(200_000));
    }

    #[test]
    fn aliases_are_priced_before_they_are_copied_and_plain_values_are_bounded_too() {
        let text = format!("a: &a [{}]\nb: [{}]\n", vec!["x"; 1_000].join(","), vec!["*a"; 100].join(","));
        let (line, message) = parse(&text).expect_err("100 copies of 1001 values");
        assert_eq!(line, 2);
        assert_eq!(message, "invalid YAML: aliases expand to more than 100000 values (an alias bomb?)");
        let fits = format!("a: &a [{}]\nb: [{}]\n", vec!["x"; 1_000].join(","), vec!["*a"; 99].join(","));
        assert!(parse(&fits).is_ok());
        let huge = format!("a: [{}]\n", vec!["x"; MAX_VALUES].join(","));
        let (_, message) = parse(&huge).expect_err("too many values");
        assert_eq!(message, format!("invalid YAML: more than {MAX_VALUES} values"));
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (_, message) = parse(&text).expect_err("bomb");
        assert!(message.contains("aliases"), "{message}");
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let (line, message) = parse("title: x\ntags: [a, b\n").expect_err("error");
        assert!(line >= 2, "{line}");
        assert!(message.starts_with("invalid YAML:"), "{message}");
    }
}
