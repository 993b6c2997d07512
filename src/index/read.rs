//! Reading cards back out of the index as plain rows.

use std::borrow::Cow;
use std::ops::Range;

use rusqlite::{Connection, Row};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::damage::Damage;
use super::pairs::scan_pairs;
use crate::card::{field_value, same_key};
use crate::frontmatter::Fields;

/// A card's stored fields that are not the JSON object the index wrote for it. The index
/// is damaged, and as it is a cache, whoever meets this rebuilds it ([`Damage`]) rather
/// than show the card without fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the fields stored for {path} are not a JSON object ({cause})")]
pub struct BadFields {
    pub path: String,
    pub cause: String,
}

impl Damage for BadFields {
    fn index_damage(&self) -> Option<String> {
        Some(self.to_string())
    }
}

/// A card as stored, for the query layer and the front ends.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CardRow {
    pub id: i64,
    pub path: String,
    pub title: String,
    /// The fields as stored (a JSON object); parsed on demand by [`CardRow::fields`] and
    /// [`CardRow::value`], because listing a hundred thousand cards must not build a
    /// hundred thousand maps.
    pub fields_json: String,
    pub mtime_ns: i64,
    pub size: u64,
    pub created: String,
    pub format: Option<String>,
    pub error: Option<String>,
    pub error_line: Option<i64>,
    pub lossy: bool,
    pub truncated: bool,
    /// Full-text relevance (bm25: lower is better) when the query searched text.
    pub score: Option<f64>,
}

/// The columns [`CardRow::from_row`] expects, in order, for `SELECT {CARD_COLUMNS} FROM cards c`;
/// a thirteenth column, when selected, is the relevance score.
pub const CARD_COLUMNS: &str = "c.id, c.path, c.title, c.fields, c.mtime_ns, c.size, c.created, c.format, c.error, c.error_line, c.lossy, c.truncated";

impl CardRow {
    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<CardRow> {
        Ok(CardRow {
            id: row.get(0)?,
            path: row.get(1)?,
            title: row.get(2)?,
            fields_json: row.get(3)?,
            mtime_ns: row.get(4)?,
            size: row.get::<_, i64>(5)?.max(0) as u64,
            created: row.get(6)?,
            format: row.get(7)?,
            error: row.get(8)?,
            error_line: row.get(9)?,
            lossy: row.get(10)?,
            truncated: row.get(11)?,
            score: if row.as_ref().column_count() > 12 { row.get(12)? } else { None },
        })
    }
}

impl CardRow {
    /// All fields, in their written order. The index wrote this JSON itself: one that does
    /// not parse is damage, never a card without fields.
    pub fn fields(&self) -> Result<Fields, BadFields> {
        serde_json::from_str(&self.fields_json).map_err(|e| self.bad_fields(&e))
    }

    /// One field's value by key (any case, dots into nested maps), decoding only that value.
    pub fn value(&self, key: &str) -> Result<Option<Value>, BadFields> {
        Ok(self.values(&[key])?.pop().flatten())
    }

    /// Several fields' values at once, reading the stored JSON a single time (the fast
    /// path reads it anyway, so knowing it is whole costs nothing more).
    pub fn values(&self, keys: &[&str]) -> Result<Vec<Option<Value>>, BadFields> {
        values_in_json(&self.fields_json, keys).map_err(|e| self.bad_fields(&e))
    }

    /// Several fields at once as their stored JSON text where that can be borrowed (a
    /// top-level field), so that a listing copies a plain text value straight into its
    /// line instead of building a [`Value`] for it; the fields are read and checked whole
    /// exactly as by [`CardRow::values`], and a field is found by the same rule.
    pub fn values_json(&self, keys: &[&str]) -> Result<Vec<Option<FieldJson<'_>>>, BadFields> {
        let Some(top) = scan_pairs(&self.fields_json) else {
            return Ok(self.values(keys)?.into_iter().map(|v| v.map(FieldJson::Value)).collect());
        };
        Ok(keys
            .iter()
            .map(|key| match find_top(top.iter().copied(), key) {
                Some((_, raw)) => Some(FieldJson::Text(raw)),
                None => lookup(top.iter().copied(), key).map(FieldJson::Value),
            })
            .collect())
    }

    fn bad_fields(&self, cause: &serde_json::Error) -> BadFields {
        BadFields { path: self.path.clone(), cause: cause.to_string() }
    }
}

/// A field's value as [`CardRow::values_json`] finds it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldJson<'j> {
    /// The JSON text of a top-level field's value, as stored (valid JSON: the fields were
    /// checked whole). [`FieldJson::value`] decodes it as [`CardRow::values`] would.
    Text(&'j str),
    /// A value found inside a nested map (a dotted key), or in fields that had to be
    /// decoded whole (a key written with escapes).
    Value(Value),
}

impl FieldJson<'_> {
    /// The value, decoded: what [`CardRow::values`] answers for the same key (`None` for
    /// a text serde cannot decode, such as one nested deeper than its limit).
    pub fn value(self) -> Option<Value> {
        match self {
            FieldJson::Text(raw) => serde_json::from_str(raw).ok(),
            FieldJson::Value(value) => Some(value),
        }
    }

    /// The text of a plain JSON string written without escapes: that text is its value.
    pub fn plain_text(&self) -> Option<&str> {
        match self {
            FieldJson::Text(raw) => plain_string(raw),
            FieldJson::Value(_) => None,
        }
    }
}

/// The contents of a JSON string literal holding no escape (`"abc"` → `abc`), which are
/// its decoded value; `None` for anything else. `raw` is valid JSON already, so no
/// control character can be inside.
pub fn plain_string(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['\\', '"'])).then_some(inner)
}

/// One field's value by key, as [`field_value`] finds it, out of a fields JSON object: the
/// key as written, else in any letter case, else a dotted path into nested maps. Made for
/// one key asked of many cards (`md_front_matter` in `termdex sql`): the object is read in
/// one pass that builds only the value found. A text that is not a JSON object has no
/// fields.
pub fn field_in_json(fields_json: &str, key: &str) -> Option<Value> {
    let top_level = |key: &str| {
        let mut parser = serde_json::Deserializer::from_str(fields_json);
        FindKey::new(key).deserialize(&mut parser).ok().flatten()
    };
    if let Some(value) = top_level(key) {
        return Some(value);
    }
    let (head, rest) = key.split_once('.')?;
    match top_level(head)? {
        Value::Object(inner) => field_value(&inner, rest).cloned(),
        _ => None,
    }
}

/// The top-level keys of a fields JSON object and where each value's text lies in it, so
/// that several keys of one card cost one parse (`md_front_matter` is called once per
/// column of a row). Looks keys up as [`field_in_json`] does.
#[derive(Debug, Clone, Default)]
pub struct FieldSpans(Vec<(Range<usize>, Range<usize>)>);

impl FieldSpans {
    /// `None` when the text is not a JSON object or a key is written with escapes (it
    /// cannot be borrowed): then ask [`field_in_json`].
    pub fn parse(fields_json: &str) -> Option<FieldSpans> {
        let pairs = scan_pairs(fields_json)?;
        let base = fields_json.as_ptr() as usize;
        let span = |part: &str| {
            let start = part.as_ptr() as usize - base;
            start..start + part.len()
        };
        Some(FieldSpans(pairs.iter().map(|(key, raw)| (span(key), span(raw))).collect()))
    }

    /// One field's value out of the same `fields_json` [`FieldSpans::parse`] read.
    pub fn get(&self, fields_json: &str, key: &str) -> Option<Value> {
        lookup(self.pairs(fields_json), key)
    }

    /// The JSON text of a top-level field's value, found as [`FieldSpans::get`] finds it
    /// (`None` for a missing key and for a dotted path into a nested map: ask `get`).
    pub fn raw<'j>(&self, fields_json: &'j str, key: &str) -> Option<&'j str> {
        find_top(self.pairs(fields_json), key).map(|(_, raw)| raw)
    }

    fn pairs<'j>(&self, fields_json: &'j str) -> impl Iterator<Item = (&'j str, &'j str)> + Clone {
        self.0.iter().filter_map(|(k, v)| Some((fields_json.get(k.clone())?, fields_json.get(v.clone())?)))
    }
}

fn values_in_json(fields_json: &str, keys: &[&str]) -> serde_json::Result<Vec<Option<Value>>> {
    // Keys written with escapes cannot be borrowed; those rows take the slow path.
    let Some(top) = scan_pairs(fields_json) else {
        let fields: Fields = serde_json::from_str(fields_json)?;
        return Ok(keys.iter().map(|k| field_value(&fields, k).cloned()).collect());
    };
    Ok(keys.iter().map(|key| lookup(top.iter().copied(), key)).collect())
}

/// [`field_value`] over borrowed pairs: the key as written, else in any letter case, else
/// a dotted path into nested maps.
fn lookup<'a>(top: impl Iterator<Item = (&'a str, &'a str)> + Clone, key: &str) -> Option<Value> {
    let decode = |raw: &str| serde_json::from_str::<Value>(raw).ok();
    if let Some((_, raw)) = find_top(top.clone(), key) {
        return decode(raw);
    }
    let (head, rest) = key.split_once('.')?;
    match decode(find_top(top, head)?.1)? {
        Value::Object(inner) => field_value(&inner, rest).cloned(),
        _ => None,
    }
}

/// A top-level key as written, else in any letter case.
fn find_top<'a>(
    top: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    name: &str,
) -> Option<(&'a str, &'a str)> {
    top.clone().find(|(k, _)| *k == name).or_else(|| {
        // Keys asked for are lower-case already, as a rule: no copy for those.
        let folded = match name.chars().any(char::is_uppercase) {
            true => Cow::Owned(name.to_lowercase()),
            false => Cow::Borrowed(name),
        };
        top.clone().find(|(k, _)| same_key(k, &folded))
    })
}

/// Reads one key's value out of a JSON object and skips the rest unbuilt: the first key
/// written exactly so, else the first in another letter case.
struct FindKey<'k> {
    key: &'k str,
    folded: String,
}

enum KeyMatch {
    Exact,
    Folded,
    Other,
}

impl<'k> FindKey<'k> {
    fn new(key: &'k str) -> Self {
        FindKey { key, folded: key.to_lowercase() }
    }

    fn compare(&self, candidate: &str) -> KeyMatch {
        if candidate == self.key {
            KeyMatch::Exact
        } else if same_key(candidate, &self.folded) {
            KeyMatch::Folded
        } else {
            KeyMatch::Other
        }
    }
}

impl<'de> DeserializeSeed<'de> for FindKey<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindKey<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut exact, mut folded) = (None, None);
        while let Some(matched) = map.next_key_seed(CompareKey(&self))? {
            match matched {
                KeyMatch::Exact if exact.is_none() => exact = Some(map.next_value::<Value>()?),
                KeyMatch::Folded if folded.is_none() => folded = Some(map.next_value::<Value>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(exact.or(folded))
    }
}

/// Compares a key where the parser has it, without copying it out.
struct CompareKey<'f, 'k>(&'f FindKey<'k>);

impl<'de> DeserializeSeed<'de> for CompareKey<'_, '_> {
    type Value = KeyMatch;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for CompareKey<'_, '_> {
    type Value = KeyMatch;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<KeyMatch, E> {
        Ok(self.0.compare(key))
    }
}

pub fn count_cards(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0)).map(|n| n as usize)
}

/// Cards whose frontmatter does not parse.
pub fn count_errors(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("SELECT count(*) FROM cards WHERE error IS NOT NULL", [], |r| r.get::<_, i64>(0))
        .map(|n| n as usize)
}

/// A card whose frontmatter failed to parse, or that was only partly readable, or whose
/// fields were only partly flattened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    pub path: String,
    pub error: Option<(i64, String)>,
    pub lossy: bool,
    pub truncated: bool,
    /// What of its fields no filter finds.
    pub cut: super::Cuts,
}

/// Cards with a frontmatter error, a read flag or fields left out of the index, by path.
/// Stored fields that are not a JSON object are damage, found here too: `check` reads no
/// fields otherwise.
pub fn card_errors(index: &super::Index) -> Result<Vec<ErrorRow>, super::IndexError> {
    if let Some(bad) = unreadable_fields(index.conn()).map_err(|cause| index.sqlite_error(cause))? {
        return Err(bad.into());
    }
    let rows = card_error_rows(index.conn()).map_err(|cause| index.sqlite_error(cause))?;
    rows.into_iter()
        .map(|(mut row, cut)| {
            // Only termdex writes it: a record that does not read is damage, which heals.
            if let Some(json) = cut {
                row.cut = serde_json::from_str(&json).map_err(|e| BadFields {
                    path: row.path.clone(),
                    cause: format!("its record of fields left out of the index does not read: {e}"),
                })?;
            }
            Ok(row)
        })
        .collect()
}

/// The first card whose stored fields are not a JSON object. SQLite's own JSON check
/// sifts every row; ours confirms the few it finds, so that the two never disagree into
/// a rebuild that cannot help.
fn unreadable_fields(conn: &Connection) -> rusqlite::Result<Option<BadFields>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, fields FROM cards
         WHERE CASE WHEN json_valid(fields) THEN json_type(fields) <> 'object' ELSE 1 END ORDER BY path",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (path, fields): (String, String) = (row.get(0)?, row.get(1)?);
        if let Err(e) = serde_json::from_str::<Fields>(&fields) {
            return Ok(Some(BadFields { path, cause: e.to_string() }));
        }
    }
    Ok(None)
}

/// The rows, each with its `cut` record as stored.
fn card_error_rows(conn: &Connection) -> rusqlite::Result<Vec<(ErrorRow, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, error_line, error, lossy, truncated, cut FROM cards
         WHERE error IS NOT NULL OR lossy OR truncated OR cut IS NOT NULL ORDER BY path",
    )?;
    let rows = stmt.query_map([], |r| {
        let message: Option<String> = r.get(2)?;
        let row = ErrorRow {
            path: r.get(0)?,
            error: message.map(|m| (r.get::<_, Option<i64>>(1).ok().flatten().unwrap_or(1), m)),
            lossy: r.get(3)?,
            truncated: r.get(4)?,
            cut: super::Cuts::default(),
        };
        Ok((row, r.get(5)?))
    })?;
    rows.collect()
}

/// What a reader that stays open (the TUI) needs beyond queries: to notice changes, to
/// give up statements nobody waits for any more, and the status bar's counts.
impl super::Index {
    /// SQLite's `PRAGMA data_version`: a number that changes whenever another connection
    /// (another process, or another thread's connection) commits a change to the index,
    /// and never for this connection's own writes.
    pub fn data_version(&self) -> Result<i64, super::IndexError> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.sqlite_error(e))
    }

    /// From now on every statement on this connection is stopped, failing with
    /// `SQLITE_INTERRUPT`, as soon as `stop` returns true; `stop` is asked every thousand
    /// or so steps of SQLite's virtual machine, so it must be cheap (an atomic load).
    pub fn stop_statements_when(&mut self, stop: impl FnMut() -> bool + Send + 'static) {
        // Only fails for a connection already closed.
        let _ = self.conn.progress_handler(1000, Some(stop));
    }

    /// How many cards the index holds, and how many of them have a frontmatter error.
    pub fn card_counts(&self) -> Result<(usize, usize), super::IndexError> {
        let cards = count_cards(&self.conn).map_err(|e| self.sqlite_error(e))?;
        let errors = count_errors(&self.conn).map_err(|e| self.sqlite_error(e))?;
        Ok((cards, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_score_is_read_only_when_selected_and_a_bad_one_is_an_error() {
        let conn = rusqlite::Connection::open_in_memory().expect("open");
        let cards = "SELECT 1, 'a.md', 'A', '{}', 0, 0, '', 'yaml', NULL, NULL, 0, 0";
        let row = |sql: &str| conn.query_row(sql, [], CardRow::from_row);
        assert_eq!(row(cards).expect("no score column").score, None);
        assert_eq!(row(&format!("{cards}, -1.5")).expect("scored").score, Some(-1.5));
        assert!(row(&format!("{cards}, 'high'")).is_err(), "a score that is no number is not taken for none");
    }

    #[test]
    fn data_version_moves_for_other_connections_and_statements_stop_when_told() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.db");
        let mut reader = super::super::Index::open(&path).expect("open").index;
        let writer = super::super::Index::open(&path).expect("open").index;
        let before = reader.data_version().expect("version");
        assert_eq!(reader.data_version().expect("version"), before, "nothing committed");
        writer.conn.execute_batch("CREATE TABLE scratch (x); INSERT INTO scratch VALUES (1)").expect("write");
        assert_ne!(reader.data_version().expect("version"), before, "another connection committed");
        assert_eq!(reader.card_counts().expect("counts"), (0, 0));
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        reader.stop_statements_when(move || flag.load(Ordering::Relaxed));
        let slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT count(*) FROM n";
        let count: i64 = reader.conn.query_row(slow, [], |r| r.get(0)).expect("runs while not stopped");
        assert_eq!(count, 100000);
        stop.store(true, Ordering::Relaxed);
        let err = reader.conn.query_row(slow, [], |r| r.get::<_, i64>(0)).expect_err("stopped");
        assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::OperationInterrupted));
    }

    #[test]
    fn one_key_is_found_as_written_then_in_any_case_then_by_dotted_path() {
        let fields = r#"{"Tag": "folded", "tag": "exact", "author": {"Name": "Ada"}, "a.b": 1, "é": 2, "\u00c9t\u00e9": 3}"#;
        assert_eq!(field_in_json(fields, "tag"), Some(json!("exact")));
        assert_eq!(field_in_json(fields, "TAG"), Some(json!("folded")));
        assert_eq!(field_in_json(fields, "author.name"), Some(json!("Ada")));
        assert_eq!(field_in_json(fields, "a.b"), Some(json!(1)));
        assert_eq!(field_in_json(fields, "É"), Some(json!(2)));
        assert_eq!(field_in_json(fields, "été"), Some(json!(3)), "escaped keys are compared decoded");
        assert_eq!(field_in_json(fields, "missing"), None);
        assert_eq!(field_in_json("not json", "tag"), None);
        let row = CardRow { fields_json: fields.into(), ..CardRow::default() };
        for key in ["tag", "TAG", "author.name", "a.b", "É", "été", "missing"] {
            assert_eq!(row.value(key), Ok(field_in_json(fields, key)), "{key}: both lookups agree");
            let stored = row.values_json(&[key]).expect("fields").pop().flatten();
            assert_eq!(stored.and_then(FieldJson::value), field_in_json(fields, key), "{key}: stored text");
        }
        let escaped = CardRow { fields_json: r#"{"t\u0061g": "x", "n": 1}"#.into(), ..CardRow::default() };
        assert_eq!(
            escaped.values_json(&["tag", "n"]),
            Ok(vec![Some(FieldJson::Value(json!("x"))), Some(FieldJson::Value(json!(1)))]),
            "a key written with escapes: the fields are decoded whole"
        );
        let plain =
            CardRow { fields_json: r#"{"a": "x y", "b": "x\ty", "c": [1]}"#.into(), ..CardRow::default() };
        let texts: Vec<Option<String>> = plain
            .values_json(&["a", "b", "c", "d"])
            .expect("fields")
            .iter()
            .map(|f| f.as_ref().and_then(|f| f.plain_text()).map(String::from))
            .collect();
        assert_eq!(texts, [Some("x y".to_string()), None, None, None]);
        let damaged = CardRow { fields_json: r#"{"a": "x", "b": tru}"#.into(), ..CardRow::default() };
        assert!(damaged.values_json(&["a"]).is_err(), "damage anywhere in the fields is found");
    }

    #[test]
    fn spans_find_what_one_key_lookups_find() {
        let plain = r#"{"Tag": "folded", "tag": "exact", "author": {"Name": "Ada"}, "a.b": 1, "é": 2, "n": null, "l": [1, "x"]}"#;
        let spans = FieldSpans::parse(plain).expect("keys without escapes");
        for key in
            ["tag", "TAG", "Tag", "author.name", "author", "a.b", "É", "n", "l", "missing", "author.x", ""]
        {
            assert_eq!(spans.get(plain, key), field_in_json(plain, key), "{key}");
        }
        assert_eq!(spans.get(plain, "TAG"), Some(json!("folded")));
        // Keys written with escapes cannot be borrowed: the caller asks field_in_json.
        assert!(FieldSpans::parse(r#"{"\u00e9": 1}"#).is_none());
        assert!(FieldSpans::parse("not json").is_none());
        assert!(FieldSpans::parse("[1]").is_none());
    }
}
