//! Sort orders: `--sort when,-deadline` and views' `sort` lists.
//!
//! Keys on the card itself (path, title, modified, created, size, rank) sort in SQL, so a
//! `--limit` stops early; keys on fields sort here, with their types: declared orders
//! first (`when`: today before tomorrow), then numbers, dates and text. A declared type
//! wins over how a value was written (a declared number's `"3"` sorts as 3, a declared
//! text's `3` as text). A card without the field sorts last whichever the direction.

use std::cmp::Ordering;

use rusqlite::types::Value as SqlValue;
use serde_json::Value;

use crate::config::{Config, FieldSpec, FieldType};
use crate::index::{BadFields, CardRow, FieldJson};
use crate::value::{Decimal, Typed, classify, display_text, parse_date, value_number};

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

/// A sort in SQL: joins to add after `FROM cards c`, and the `ORDER BY` terms.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlOrder {
    pub joins: String,
    pub terms: String,
}

/// The sort as SQL, exactly as [`sort_rows`] orders, so that a `LIMIT` lets SQLite stop
/// early (the first screen of a view, `--limit`). Values go into `params` (numbered
/// after those already there); no key or value text is spliced into the SQL.
///
/// A field key joins its first value (`pos = 0`, as [`sort_rows`] takes a list's first
/// element) and sorts by three terms: missing last whatever the direction, then the
/// group (declared order, number, date, text), then the value within its group.
pub fn sql_order(keys: &[SortKey], ranked: bool, config: &Config, params: &mut Vec<SqlValue>) -> SqlOrder {
    let bind = |params: &mut Vec<SqlValue>, value: SqlValue| {
        params.push(value);
        format!("?{}", params.len())
    };
    let mut joins = String::new();
    let mut terms = Vec::new();
    for (n, key) in keys.iter().enumerate() {
        let dir = if key.desc { "DESC" } else { "ASC" };
        let column = match key.key.as_str() {
            "path" => "c.path",
            "title" => "fold(c.title)",
            "modified" => "c.mtime_ns",
            "created" => "c.created",
            "size" => "c.size",
            "rank" if ranked => "r.score",
            "rank" => continue,
            field => {
                let s = format!("s{n}");
                let k = bind(params, field.to_string().into());
                // Null values and maps sort as missing, as in `field_sort_value`.
                joins.push_str(&format!(
                    " LEFT JOIN card_fields {s} ON {s}.card_id = c.id AND {s}.key = {k} AND {s}.pos = 0 \
                     AND {s}.kind NOT IN ('null', 'map')"
                ));
                let spec = config.field(field);
                let mut branches: Vec<(String, String, u8)> = Vec::new();
                for (i, value) in spec.map(|s| s.order.as_slice()).unwrap_or_default().iter().enumerate() {
                    let v = bind(params, value.clone().into());
                    branches.push((format!("{s}.norm = {v}"), i.to_string(), 0));
                }
                match spec.and_then(|s| s.field_type) {
                    Some(FieldType::Text) => {}
                    Some(FieldType::Number) => {
                        let number = format!(
                            "(CASE {s}.kind WHEN 'number' THEN {s}.num WHEN 'bool' THEN {s}.num \
                             WHEN 'text' THEN number_text({s}.text) END)"
                        );
                        branches.push((format!("{number} IS NOT NULL"), number, 1));
                        branches.push((format!("{s}.time IS NOT NULL"), format!("{s}.time"), 2));
                    }
                    _ => {
                        branches.push((format!("{s}.num IS NOT NULL"), format!("{s}.num"), 1));
                        branches.push((format!("{s}.time IS NOT NULL"), format!("{s}.time"), 2));
                    }
                }
                let group: String =
                    branches.iter().map(|(when, _, g)| format!(" WHEN {when} THEN {g}")).collect();
                let value: String =
                    branches.iter().map(|(when, v, _)| format!(" WHEN {when} THEN {v}")).collect();
                // Numbers whose f64 is the same (long ids, beyond f64) in their exact order.
                let exact: String = branches
                    .iter()
                    .map(|(when, _, g)| {
                        let key = if *g == 1 { format!("number_key({s}.text)") } else { "NULL".into() };
                        format!(" WHEN {when} THEN {key}")
                    })
                    .collect();
                terms.push(format!("({s}.card_id IS NULL) ASC"));
                if branches.is_empty() {
                    // Declared text without an order: every value is text.
                    terms.push(format!("{s}.norm {dir}"));
                } else {
                    terms.push(format!("(CASE{group} ELSE 3 END) {dir}"));
                    terms.push(format!("(CASE{value} ELSE {s}.norm END) {dir}"));
                    terms.push(format!("(CASE{exact} END) {dir}"));
                }
                continue;
            }
        };
        terms.push(format!("{column} {dir}"));
    }
    terms.push("c.path ASC".into());
    SqlOrder { joins, terms: terms.join(", ") }
}

/// Keys that are attributes of the card itself rather than fields.
const CARD_KEYS: [&str; 6] = ["path", "title", "modified", "created", "size", "rank"];

/// Whether a sort key is an attribute of the card itself rather than a field.
pub fn is_card_key(key: &str) -> bool {
    CARD_KEYS.contains(&key)
}

/// Sorts rows in place. Card attributes compare straight from the rows; titles are folded
/// and field keys decoded once per row, and only when they are sorted by: a row whose
/// stored fields do not read is damage then.
pub fn sort_rows(rows: &mut [CardRow], keys: &[SortKey], config: &Config) -> Result<(), BadFields> {
    let field_keys: Vec<&SortKey> = keys.iter().filter(|k| !CARD_KEYS.contains(&k.key.as_str())).collect();
    let by_title = keys.iter().any(|k| k.key == "title");
    let plan = plan(keys);
    if field_keys.is_empty() && !by_title {
        let none = Decorated::default();
        rows.sort_by(|a, b| compare_rows(a, b, &plan, &none, &none));
        return Ok(());
    }
    let names: Vec<&str> = field_keys.iter().map(|k| k.key.as_str()).collect();
    let specs: Vec<Option<&FieldSpec>> = names.iter().map(|k| config.field(k)).collect();
    let decorated: Vec<Decorated> = rows
        .iter()
        .map(|row| -> Result<Decorated, BadFields> {
            Ok(Decorated {
                // Folded as SQL's `fold(c.title)` folds, so that a `--limit` (sorted by
                // SQLite) keeps this order.
                title: if by_title { row.title.to_lowercase() } else { String::new() },
                fields: if names.is_empty() {
                    Vec::new()
                } else {
                    row.values_json(&names)?
                        .into_iter()
                        .zip(&specs)
                        .map(|(v, s)| stored_sort_value(v, *s))
                        .collect()
                },
            })
        })
        .collect::<Result<_, _>>()?;
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&i, &j| compare_rows(&rows[i], &rows[j], &plan, &decorated[i], &decorated[j]));
    permute(rows, order);
    Ok(())
}

/// What a row sorts by beyond its own columns: its folded title (when sorting by title)
/// and its field keys' values, in key order.
#[derive(Default)]
struct Decorated {
    title: String,
    fields: Vec<Option<SortValue>>,
}

/// What one sort key compares: a card attribute, or the n-th field key's value.
#[derive(Debug, Clone, Copy)]
enum By {
    Path,
    Title,
    Modified,
    Created,
    Size,
    Rank,
    Field(usize),
}

/// The keys, named once rather than matched by name in every comparison (a sort of
/// twenty thousand tasks makes a few hundred thousand).
fn plan(keys: &[SortKey]) -> Vec<(By, bool)> {
    let mut fields = 0;
    let by = |key: &SortKey, fields: &mut usize| match key.key.as_str() {
        "path" => By::Path,
        "title" => By::Title,
        "modified" => By::Modified,
        "created" => By::Created,
        "size" => By::Size,
        "rank" => By::Rank,
        _ => {
            *fields += 1;
            By::Field(*fields - 1)
        }
    };
    keys.iter().map(|key| (by(key, &mut fields), key.desc)).collect()
}

/// Compares two rows key by key.
fn compare_rows(a: &CardRow, b: &CardRow, plan: &[(By, bool)], da: &Decorated, db: &Decorated) -> Ordering {
    for &(by, desc) in plan {
        let ord = match by {
            By::Path => Some(a.path.cmp(&b.path)),
            By::Title => Some(da.title.cmp(&db.title)),
            By::Modified => Some(a.mtime_ns.cmp(&b.mtime_ns)),
            By::Created => Some(a.created.cmp(&b.created)),
            By::Size => Some(a.size.cmp(&b.size)),
            // A missing score (not a text search) leaves the order to the next key.
            By::Rank => a.score.zip(b.score).map(|(x, y)| x.total_cmp(&y)),
            By::Field(n) => match (&da.fields[n], &db.fields[n]) {
                (None, None) => None,
                // Missing values sort last whichever the direction.
                (None, Some(_)) => return Ordering::Greater,
                (Some(_), None) => return Ordering::Less,
                (Some(x), Some(y)) => Some(x.cmp(y)),
            },
        };
        let ord = ord.unwrap_or(Ordering::Equal);
        let ord = if desc { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.path.cmp(&b.path)
}

/// Puts `rows[order[i]]` at position `i`, by following the permutation's cycles.
fn permute(rows: &mut [CardRow], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != start {
            let next = order[current];
            rows.swap(current, next);
            order[current] = current;
            current = next;
        }
        order[current] = current;
    }
}

/// A value's sort position: declared order, then numbers (exactly), dates, text.
#[derive(Debug, Clone)]
enum SortValue {
    Ordered(usize),
    Number(Decimal),
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
            (SortValue::Number(a), SortValue::Number(b)) => a.cmp(b),
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

/// [`field_sort_value`] of a field as stored: a plain text is sorted by without building a
/// [`Value`] for it (the `tasks` view spent a sixth of its time decoding its sort keys).
fn stored_sort_value(field: Option<FieldJson<'_>>, spec: Option<&FieldSpec>) -> Option<SortValue> {
    let field = field?;
    match field.plain_text() {
        Some(text) => text_sort_value(text, spec),
        None => field_sort_value(field.value(), spec),
    }
}

fn field_sort_value(value: Option<Value>, spec: Option<&FieldSpec>) -> Option<SortValue> {
    let mut value = value?;
    // A list sorts by its first element (nested lists too), as the index flattens it.
    while let Value::Array(items) = value {
        value = items.into_iter().next()?;
    }
    // A map is no value to sort by: the index has no value for it either, and the SQL
    // sort (`sql_order`) must agree.
    let text = match &value {
        Value::Object(_) => return None,
        Value::String(text) => return text_sort_value(text, spec),
        _ => display_text(&value),
    };
    let order = spec.map(|s| s.order.as_slice()).unwrap_or_default();
    if !order.is_empty() {
        let lower = text.to_lowercase();
        if let Some(i) = order.iter().position(|o| *o == lower) {
            return Some(SortValue::Ordered(i));
        }
    }
    if value.is_null() {
        return None;
    }
    if spec.and_then(|s| s.field_type) == Some(FieldType::Text) {
        // Numbers and booleans declared text sort as their text.
        return Some(SortValue::Text(text.to_lowercase()));
    }
    match classify(&value) {
        Typed::Null => None,
        Typed::Bool(_) | Typed::Number(_) => value_number(&value).map(SortValue::Number),
        Typed::Date(d) => Some(SortValue::Date(d)),
        Typed::Text => Some(SortValue::Text(text.to_lowercase())),
    }
}

/// A text value's sort position, as [`field_sort_value`] gives it for a JSON string.
fn text_sort_value(text: &str, spec: Option<&FieldSpec>) -> Option<SortValue> {
    // An empty text is no value to sort by: the index has no value for it either.
    if text.is_empty() {
        return None;
    }
    let order = spec.map(|s| s.order.as_slice()).unwrap_or_default();
    if !order.is_empty() {
        // An ASCII text is compared with its lower case without making that copy.
        let position = match text.is_ascii() {
            true => order.iter().position(|o| {
                o.len() == text.len() && o.bytes().zip(text.bytes()).all(|(a, b)| a == b.to_ascii_lowercase())
            }),
            false => {
                let lower = text.to_lowercase();
                order.iter().position(|o| *o == lower)
            }
        };
        if let Some(i) = position {
            return Some(SortValue::Ordered(i));
        }
    }
    match spec.and_then(|s| s.field_type) {
        Some(FieldType::Number) => {
            if let Ok(n) = Decimal::parse(text) {
                return Some(SortValue::Number(n));
            }
        }
        Some(FieldType::Text) => return Some(SortValue::Text(text.to_lowercase())),
        _ => {}
    }
    match parse_date(text) {
        Some(date) => Some(SortValue::Date(date)),
        None => Some(SortValue::Text(text.to_lowercase())),
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
        let mut params = Vec::new();
        let order = sql_order(&parse_keys(["-modified"]), false, &Config::builtin(), &mut params);
        assert_eq!((order.joins.as_str(), order.terms.as_str()), ("", "c.mtime_ns DESC, c.path ASC"));
        let order = sql_order(&parse_keys(["status"]), false, &Config::builtin(), &mut params);
        assert!(order.joins.contains("LEFT JOIN card_fields s0"), "{order:?}");
        assert_eq!(params.len(), 5, "the key and the declared order, bound: {params:?}");
    }

    #[test]
    fn declared_types_decide_how_values_sort() {
        let number = FieldSpec { field_type: Some(FieldType::Number), order: Vec::new() };
        let text = FieldSpec { field_type: Some(FieldType::Text), order: Vec::new() };
        let value = |v: Value, spec: &FieldSpec| field_sort_value(Some(v), Some(spec));
        assert_eq!(value(Value::from("3"), &number), Decimal::parse("3").ok().map(SortValue::Number));
        assert!(value(Value::from("3"), &number) < value(Value::from(10), &number));
        assert_eq!(value(Value::from("v3"), &number), Some(SortValue::Text("v3".into())));
        assert_eq!(value(Value::from(10), &text), Some(SortValue::Text("10".into())));
        assert!(value(Value::from(10), &text) < value(Value::from("9"), &text));
        assert_eq!(field_sort_value(Some(Value::from("3")), None), Some(SortValue::Text("3".into())));
    }
}

#[cfg(test)]
mod stored_tests {
    use super::*;

    #[test]
    fn stored_values_sort_as_decoded_ones() {
        let specs = [
            None,
            Some(FieldSpec { field_type: None, order: vec!["todo".into(), "été".into(), "".into()] }),
            Some(FieldSpec { field_type: Some(FieldType::Number), order: Vec::new() }),
            Some(FieldSpec { field_type: Some(FieldType::Text), order: vec!["3".into()] }),
            Some(FieldSpec { field_type: Some(FieldType::Date), order: Vec::new() }),
            Some(FieldSpec { field_type: None, order: vec!["Todo".into()] }),
        ];
        let raws = [
            r#""todo""#,
            r#""TODO""#,
            r#""ToDo ""#,
            r#""ÉTÉ""#,
            r#""été""#,
            r#""""#,
            r#""3""#,
            r#"" 7 ""#,
            r#""v3""#,
            r#""2026-01-02""#,
            r#""2025-12-31T10:00:00""#,
            r#""2026-01-02T10:00:00+02:00""#,
            r#""Zebra""#,
            r#""tab\tescaped""#,
            r#""\u0054odo""#,
            "3",
            "-1.5",
            "true",
            "null",
            "[]",
            r#"["b", "a"]"#,
            r#"[["todo"]]"#,
            r#"{"k": "v"}"#,
        ];
        for spec in &specs {
            for raw in raws {
                let stored = stored_sort_value(Some(FieldJson::Text(raw)), spec.as_ref());
                let decoded = field_sort_value(serde_json::from_str(raw).ok(), spec.as_ref());
                assert_eq!(format!("{stored:?}"), format!("{decoded:?}"), "{raw} with {spec:?}");
            }
        }
        assert_eq!(
            format!("{:?}", text_sort_value("TODO", specs[1].as_ref())),
            "Some(Ordered(0))",
            "the test sees declared orders"
        );
    }
}

#[cfg(test)]
mod permute_tests {
    use super::*;

    #[test]
    fn permute_follows_cycles() {
        let mut rows: Vec<CardRow> = ["a", "b", "c", "d"]
            .iter()
            .map(|p| CardRow { path: p.to_string(), ..CardRow::default() })
            .collect();
        permute(&mut rows, vec![2, 0, 3, 1]);
        let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["c", "a", "d", "b"]);
    }
}
