//! Sort orders: `--sort when,-deadline` and views' `sort` lists.
//!
//! Keys on the card itself (path, title, modified, created, size, rank) sort in SQL, so a
//! `--limit` stops early; keys on fields sort here, with their types: declared orders
//! first (`when`: today before tomorrow), then numbers, dates and text. A card without
//! the field sorts last whichever the direction.

use std::cmp::Ordering;

use serde_json::Value;

use crate::config::Config;
use crate::index::CardRow;
use crate::value::{Typed, classify, display_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub key: String,
    pub desc: bool,
}

/// `"when,-deadline"` (or several such arguments) as keys.
pub fn parse_keys<'a>(specs: impl IntoIterator<Item = &'a str>) -> Vec<SortKey> {
    specs
        .into_iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-")
        .map(|s| match s.strip_prefix('-') {
            Some(key) => SortKey { key: key.to_lowercase(), desc: true },
            None => SortKey { key: s.trim_start_matches('+').to_lowercase(), desc: false },
        })
        .collect()
}

/// `ORDER BY` terms when every key is a column of `cards`; `None` when a field is involved.
pub fn sql_order(keys: &[SortKey], ranked: bool) -> Option<String> {
    let mut terms = Vec::new();
    for key in keys {
        let column = match key.key.as_str() {
            "path" => "c.path",
            "title" => "fold(c.title)",
            "modified" => "c.mtime_ns",
            "created" => "c.created",
            "size" => "c.size",
            "rank" if ranked => "r.score",
            "rank" => continue,
            _ => return None,
        };
        terms.push(format!("{column} {}", if key.desc { "DESC" } else { "ASC" }));
    }
    terms.push("c.path ASC".into());
    Some(terms.join(", "))
}

/// Sorts rows by keys that involve fields.
pub fn sort_rows(rows: Vec<CardRow>, keys: &[SortKey], config: &Config) -> Vec<CardRow> {
    let orders: Vec<Option<&[String]>> = keys
        .iter()
        .map(|k| config.field(&k.key).map(|s| s.order.as_slice()).filter(|o| !o.is_empty()))
        .collect();
    let mut decorated: Vec<(Vec<Option<SortValue>>, CardRow)> = rows
        .into_iter()
        .map(|row| (keys.iter().zip(&orders).map(|(k, o)| sort_value(&row, &k.key, *o)).collect(), row))
        .collect();
    decorated.sort_by(|(a, row_a), (b, row_b)| {
        for ((x, y), key) in a.iter().zip(b).zip(keys) {
            let ord = match (x, y) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) if key.desc => y.cmp(x),
                (Some(x), Some(y)) => x.cmp(y),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        row_a.path.cmp(&row_b.path)
    });
    decorated.into_iter().map(|(_, row)| row).collect()
}

/// A value's sort position: declared order, then numbers, dates, text.
#[derive(Debug, Clone)]
enum SortValue {
    Ordered(usize),
    Number(f64),
    Date(String),
    Text(String),
}

impl SortValue {
    fn group(&self) -> u8 {
        match self {
            SortValue::Ordered(_) => 0,
            SortValue::Number(_) => 1,
            SortValue::Date(_) => 2,
            SortValue::Text(_) => 3,
        }
    }
}

impl Ord for SortValue {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortValue::Ordered(a), SortValue::Ordered(b)) => a.cmp(b),
            (SortValue::Number(a), SortValue::Number(b)) => a.total_cmp(b),
            (SortValue::Date(a), SortValue::Date(b)) | (SortValue::Text(a), SortValue::Text(b)) => a.cmp(b),
            _ => self.group().cmp(&other.group()),
        }
    }
}

impl PartialOrd for SortValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SortValue {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SortValue {}

fn sort_value(row: &CardRow, key: &str, order: Option<&[String]>) -> Option<SortValue> {
    let text = |s: &str| Some(SortValue::Text(s.to_lowercase()));
    match key {
        "path" => return text(&row.path),
        "title" => return text(&row.title),
        "modified" => return Some(SortValue::Number(row.mtime_ns as f64)),
        "created" => return Some(SortValue::Date(row.created.clone())),
        "size" => return Some(SortValue::Number(row.size as f64)),
        "rank" => return row.score.map(SortValue::Number),
        _ => {}
    }
    let value = match row.value(key)? {
        Value::Array(items) => items.into_iter().next()?,
        other => other,
    };
    let value = &value;
    if let Some(order) = order {
        let lower = display_text(value).to_lowercase();
        if let Some(i) = order.iter().position(|o| *o == lower) {
            return Some(SortValue::Ordered(i));
        }
    }
    match classify(value) {
        Typed::Null => None,
        Typed::Bool(b) => Some(SortValue::Number(f64::from(u8::from(b)))),
        Typed::Number(n) => Some(SortValue::Number(n)),
        Typed::Date(d) => Some(SortValue::Date(d)),
        Typed::Text => text(&display_text(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_with_directions() {
        assert_eq!(
            parse_keys(["when,-Deadline", "title"]),
            vec![
                SortKey { key: "when".into(), desc: false },
                SortKey { key: "deadline".into(), desc: true },
                SortKey { key: "title".into(), desc: false },
            ]
        );
        assert_eq!(
            sql_order(&parse_keys(["-modified"]), false).as_deref(),
            Some("c.mtime_ns DESC, c.path ASC")
        );
        assert_eq!(sql_order(&parse_keys(["status"]), false), None);
    }
}
