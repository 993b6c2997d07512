//! YAML frontmatter to JSON fields, built straight from parser events.
//!
//! Building the value ourselves (instead of going through a generic YAML tree) keeps key
//! order, reports duplicate keys with their line, bounds alias expansion so a
//! "billion laughs" card cannot exhaust memory, bounds nesting so a deeply indented card
//! cannot exhaust the stack, and resolves plain scalars strictly: only unmistakable
//! numbers and booleans get a type, everything else stays text.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// More nodes than any hand-written card has; reached only by alias bombs.
const MAX_NODES: usize = 100_000;

/// Deeper than any hand-written card nests; about where the TOML and JSON parsers stop
/// too (and JSON read back from the index must stay within serde_json's 128).
pub const MAX_NESTING: usize = 100;

/// Parses a YAML block; errors are `(line within the block, 1-based; message)`.
pub fn parse(content: &str) -> Result<Value, (usize, String)> {
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
    Ok(builder.root.unwrap_or(Value::Null))
}

enum Frame {
    Seq { items: Vec<Value>, anchor: usize },
    Map { map: Map<String, Value>, key: Option<String>, anchor: usize },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
    nodes: usize,
    error: Option<(usize, String)>,
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(text, style, tag.as_ref());
                self.add(value, anchor, mark);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_NESTING => {
                self.fail(mark, format!("nested more than {MAX_NESTING} levels deep"));
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq { items: Vec::new(), anchor }),
            Event::MappingStart(anchor, _) => {
                self.stack.push(Frame::Map { map: Map::new(), key: None, anchor })
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq { items, anchor }) => self.add(Value::Array(items), anchor, mark),
                Some(Frame::Map { map, anchor, .. }) => self.add(Value::Object(map), anchor, mark),
                None => {}
            },
            Event::Alias(id) => {
                let value = self.anchors.get(&id).cloned().unwrap_or(Value::Null);
                self.nodes += count_nodes(&value);
                self.add(value, 0, mark);
            }
            _ => {}
        }
    }
}

impl Builder {
    fn add(&mut self, value: Value, anchor: usize, mark: Marker) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            self.fail(mark, format!("more than {MAX_NODES} values (aliases expanding too far?)"));
            return;
        }
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                None => match key_text(value) {
                    Some(k) => *key = Some(k),
                    None => self.fail(mark, "a key must be plain text, not a list or a map".into()),
                },
                Some(k) => {
                    if map.contains_key(&k) {
                        self.fail(mark, format!("duplicate key `{k}`"));
                    } else {
                        map.insert(k, value);
                    }
                }
            },
        }
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

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

fn resolve_scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match tag {
        Some(tag) if tag.handle == "tag:yaml.org,2002:" => match tag.suffix.as_str() {
            "str" => Value::String(text),
            _ => resolve_plain(text),
        },
        Some(_) => Value::String(text),
        None => resolve_plain(text),
    }
}

/// YAML 1.2 core-schema resolution, stricter where a guess could be wrong: `yes`/`no`
/// stay text, a leading zero (`007`, a postcode) stays text, a float needs a dot
/// (`1e5` or a hex-looking hash stays text), and numbers JSON cannot hold stay text.
fn resolve_plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_integer(&text) {
        return Value::Number(n.into());
    }
    if is_decimal_float(&text)
        && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(text)
}

fn parse_integer(text: &str) -> Option<i64> {
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    if !plain || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    text.parse().ok()
}

fn is_decimal_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let Some((whole, frac)) = mantissa.split_once('.') else {
        return false;
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
        parse(text).expect("parses")
    }

    #[test]
    fn scalars_resolve_strictly() {
        let v = yaml(
            "a: 3\nb: -2.5\nc: 1e5\nd: 007\ne: yes\nf: true\ng: ~\nh: '3'\ni: 0x1F\nj: 2026-11-23\nk: 99999999999999999999\nl: .5\n",
        );
        assert_eq!(
            v,
            json!({"a": 3, "b": -2.5, "c": "1e5", "d": "007", "e": "yes", "f": true, "g": null,
                   "h": "3", "i": 31, "j": "2026-11-23", "k": "99999999999999999999", "l": 0.5})
        );
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
