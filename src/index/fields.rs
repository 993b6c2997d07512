//! Flattening a card's fields into `card_fields` rows.
//!
//! Lists become one row per element (so `tag:rust` matches any element), nested maps
//! become dotted keys plus a `map` row for the map itself (so `has:author` works), and
//! an empty list or empty value is a `null` row (present, but `has:` is false).

use std::collections::HashMap;

use serde_json::Value;

use crate::frontmatter::Fields;
use crate::value::{Typed, classify, display_text};

/// One `card_fields` row, without its card id.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRow {
    pub key: String,
    pub pos: i64,
    pub kind: &'static str,
    pub text: Option<String>,
    pub norm: Option<String>,
    pub num: Option<f64>,
    pub time: Option<String>,
}

/// The rows for one card's fields.
pub fn flatten(fields: &Fields) -> Vec<FieldRow> {
    let mut out = Flattener::default();
    for (key, value) in fields {
        out.value(&key.to_lowercase(), value);
    }
    out.rows
}

#[derive(Default)]
struct Flattener {
    rows: Vec<FieldRow>,
    next_pos: HashMap<String, i64>,
}

impl Flattener {
    fn value(&mut self, key: &str, value: &Value) {
        match value {
            Value::Array(items) if items.is_empty() => self.push(key, "null", None, None, None),
            Value::Array(items) => items.iter().for_each(|item| self.value(key, item)),
            Value::Object(map) => {
                self.push(key, "map", None, None, None);
                for (sub, v) in map {
                    self.value(&format!("{key}.{}", sub.to_lowercase()), v);
                }
            }
            scalar => self.scalar(key, scalar),
        }
    }

    fn scalar(&mut self, key: &str, value: &Value) {
        let text = display_text(value);
        match classify(value) {
            Typed::Null => self.push(key, "null", None, None, None),
            Typed::Text if text.is_empty() => self.push(key, "null", None, None, None),
            Typed::Bool(b) => self.push(key, "bool", Some(text), Some(f64::from(u8::from(b))), None),
            Typed::Number(n) => self.push(key, "number", Some(text), Some(n), None),
            Typed::Date(d) => self.push(key, "date", Some(text), None, Some(d)),
            Typed::Text => self.push(key, "text", Some(text), None, None),
        }
    }

    fn push(
        &mut self,
        key: &str,
        kind: &'static str,
        text: Option<String>,
        num: Option<f64>,
        time: Option<String>,
    ) {
        let pos = self.next_pos.entry(key.to_string()).or_insert(0);
        self.rows.push(FieldRow {
            key: key.to_string(),
            pos: *pos,
            kind,
            norm: text.as_ref().map(|t| t.to_lowercase()),
            text,
            num,
            time,
        });
        *pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rows(v: Value) -> Vec<(String, i64, &'static str, Option<String>)> {
        flatten(v.as_object().expect("object")).into_iter().map(|r| (r.key, r.pos, r.kind, r.norm)).collect()
    }

    #[test]
    fn lists_maps_and_empties() {
        let got = rows(
            json!({"Tags": ["Rust", "CLI"], "author": {"Name": "Ada"}, "none": [], "n": 2, "d": "2026-01-02", "e": ""}),
        );
        assert_eq!(
            got,
            vec![
                ("tags".into(), 0, "text", Some("rust".into())),
                ("tags".into(), 1, "text", Some("cli".into())),
                ("author".into(), 0, "map", None),
                ("author.name".into(), 0, "text", Some("ada".into())),
                ("none".into(), 0, "null", None),
                ("n".into(), 0, "number", Some("2".into())),
                ("d".into(), 0, "date", Some("2026-01-02".into())),
                ("e".into(), 0, "null", None),
            ]
        );
    }

    #[test]
    fn colliding_keys_get_distinct_positions() {
        let got = rows(json!({"a.b": 1, "a": {"b": 2}}));
        let positions: Vec<_> = got.iter().filter(|r| r.0 == "a.b").map(|r| r.1).collect();
        assert_eq!(positions, vec![0, 1]);
    }
}
