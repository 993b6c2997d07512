//! Facet counts: which fields the dex uses, and which values a field takes.
//!
//! Answered from the flattened field table alone, so it never parses JSON.

use rusqlite::Connection;

use crate::index::Index;

/// A field name or value with the number of cards that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub value: String,
    pub cards: usize,
}

/// Every field key (dotted for nested maps) with the number of cards using it, most used first.
pub fn field_names(index: &Index) -> rusqlite::Result<Vec<Facet>> {
    collect(
        index.conn(),
        "SELECT key, count(DISTINCT card_id) AS n FROM card_fields
         GROUP BY key ORDER BY n DESC, key",
        &[],
    )
}

/// The values of one field with their card counts, most common first; values that differ
/// only in letter case count together.
pub fn field_values(index: &Index, key: &str) -> rusqlite::Result<Vec<Facet>> {
    collect(
        index.conn(),
        "SELECT min(text), count(DISTINCT card_id) AS n FROM card_fields
         WHERE key = ?1 AND kind NOT IN ('null', 'map')
         GROUP BY norm ORDER BY n DESC, norm",
        &[&key.to_lowercase()],
    )
}

fn collect(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Vec<Facet>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok(Facet {
            value: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            cards: r.get::<_, i64>(1)? as usize,
        })
    })?;
    rows.collect()
}
