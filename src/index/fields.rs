//! Flattening a card's fields into `card_fields` rows.
//!
//! Lists become one row per element (so `tag:rust` matches any element), nested maps
//! become dotted keys plus a `map` row for the map itself (so `has:author` works), and
//! an empty list or empty value is a `null` row (present, but `has:` is false).
//!
//! Every dotted key repeats its parents, so deep maps with long keys would cost the square
//! of their size; flattening stops at [`MAX_DEPTH`] levels, [`MAX_KEY_CHARS`] characters of
//! dotted key and [`MAX_ROWS`] rows a card. What lies beyond is not filterable by field,
//! but stays in the card's JSON (and so in `show`, `--format json` and `termdex sql`).

use std::collections::HashMap;

use serde_json::Value;

use crate::frontmatter::Fields;
use crate::value::{Typed, classify, display_text};

/// How many maps deep a dotted key may reach (`a.b.c` is three); a map at this depth gets
/// its `map` row, its contents get none.
pub const MAX_DEPTH: usize = 8;

/// The longest dotted key flattened, in characters; a longer key and what is under it get
/// no rows.
pub const MAX_KEY_CHARS: usize = 200;

/// The most rows one card's fields make.
pub const MAX_ROWS: usize = 10_000;

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
        out.value(&key.to_lowercase(), value, 1);
    }
    out.rows
}

#[derive(Default)]
struct Flattener {
    rows: Vec<FieldRow>,
    next_pos: HashMap<String, i64>,
}

impl Flattener {
    /// `depth`: how many maps deep `key` reaches, 1 for a top-level field.
    fn value(&mut self, key: &str, value: &Value, depth: usize) {
        if self.rows.len() >= MAX_ROWS || key.chars().count() > MAX_KEY_CHARS {
            return;
        }
        match value {
            Value::Array(items) if items.is_empty() => self.push(key, "null", None, None, None),
            // A list in a list is a level too, or lists could nest without bound.
            Value::Array(items) if depth <= MAX_DEPTH => {
                items.iter().for_each(|item| self.value(key, item, depth + usize::from(item.is_array())))
            }
            Value::Array(_) => {}
            Value::Object(map) => {
                self.push(key, "map", None, None, None);
                if depth >= MAX_DEPTH {
                    return;
                }
                for (sub, v) in map {
                    // Checked before the key is built: a long key is never copied.
                    if key.len() + 1 + sub.len() > 4 * MAX_KEY_CHARS {
                        continue;
                    }
                    self.value(&format!("{key}.{}", sub.to_lowercase()), v, depth + 1);
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
        if self.rows.len() >= MAX_ROWS {
            return;
        }
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

    #[test]
    fn deep_maps_are_flattened_only_so_deep() {
        let mut value = json!("leaf");
        for level in (0..20).rev() {
            value = json!({ format!("k{level}"): value });
        }
        let got = flatten(value.as_object().expect("object"));
        let deepest = got.iter().map(|r| r.key.split('.').count()).max();
        assert_eq!(deepest, Some(MAX_DEPTH));
        assert_eq!(got.len(), MAX_DEPTH, "one map row per level, no leaf");
        assert!(got.iter().all(|r| r.kind == "map"));
    }

    #[test]
    fn long_keys_are_not_flattened() {
        let long = "k".repeat(MAX_KEY_CHARS + 1);
        let got = rows(json!({ "a": { long.clone(): { "b": 1 } }, "short": 1, long: 2 }));
        assert_eq!(got, vec![("a".into(), 0, "map", None), ("short".into(), 0, "number", Some("1".into()))]);
    }

    #[test]
    fn a_card_makes_at_most_so_many_rows() {
        let many: Vec<u32> = (0..(MAX_ROWS as u32 + 50)).collect();
        let got = flatten(json!({ "n": many, "after": 1 }).as_object().expect("object"));
        assert_eq!(got.len(), MAX_ROWS);
        assert!(got.iter().all(|r| r.key == "n"));
    }

    #[test]
    fn block_nested_long_keys_stay_small() {
        // The reviewer's blow-up: every level a long key, each dotted key repeating them.
        let mut value = json!(1);
        for level in 0..400 {
            value = json!({ format!("{level}{}", "x".repeat(2000)): value });
        }
        let got = flatten(value.as_object().expect("object"));
        let bytes: usize = got.iter().map(|r| r.key.len()).sum();
        assert!(bytes <= MAX_ROWS * MAX_KEY_CHARS * 4, "{bytes} bytes of keys");
        assert!(got.is_empty(), "a 2000-character key is not flattened");
    }
}
