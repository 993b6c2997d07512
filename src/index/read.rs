//! Reading cards back out of the index as plain rows.

use rusqlite::{Connection, Row};

use crate::frontmatter::Fields;

/// A card as stored, for the query layer and the front ends.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub id: i64,
    pub path: String,
    pub title: String,
    pub fields: Fields,
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
        let fields_json: String = row.get(3)?;
        Ok(CardRow {
            id: row.get(0)?,
            path: row.get(1)?,
            title: row.get(2)?,
            // The index wrote this JSON itself; a row that does not parse shows no fields.
            fields: serde_json::from_str(&fields_json).unwrap_or_default(),
            mtime_ns: row.get(4)?,
            size: row.get::<_, i64>(5)?.max(0) as u64,
            created: row.get(6)?,
            format: row.get(7)?,
            error: row.get(8)?,
            error_line: row.get(9)?,
            lossy: row.get(10)?,
            truncated: row.get(11)?,
            score: row.get::<_, Option<f64>>(12).unwrap_or(None),
        })
    }
}

/// Every card, by path.
pub fn card_rows(conn: &Connection) -> rusqlite::Result<Vec<CardRow>> {
    let sql = format!("SELECT {CARD_COLUMNS} FROM cards c ORDER BY c.path");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([], CardRow::from_row)?;
    rows.collect()
}

pub fn count_cards(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0)).map(|n| n as usize)
}

/// A card whose frontmatter failed to parse, or that was only partly readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRow {
    pub path: String,
    pub error: Option<(i64, String)>,
    pub lossy: bool,
    pub truncated: bool,
}

/// Cards with a frontmatter error or a read flag, by path.
pub fn card_errors(conn: &Connection) -> rusqlite::Result<Vec<ErrorRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT path, error_line, error, lossy, truncated FROM cards
         WHERE error IS NOT NULL OR lossy OR truncated ORDER BY path",
    )?;
    let rows = stmt.query_map([], |r| {
        let message: Option<String> = r.get(2)?;
        Ok(ErrorRow {
            path: r.get(0)?,
            error: message.map(|m| (r.get::<_, Option<i64>>(1).ok().flatten().unwrap_or(1), m)),
            lossy: r.get(3)?,
            truncated: r.get(4)?,
        })
    })?;
    rows.collect()
}
