//! Writing cards into the index and reading back their change stamps.
//!
//! Callers hold a transaction; every statement here is cached, because a full index runs
//! them hundreds of thousands of times.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use crate::card::Card;

use super::fields::flatten;

/// What the index last saw of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub mtime_ns: i64,
    pub size: u64,
}

/// Every indexed path with its stamp.
pub fn stamps(conn: &Connection) -> rusqlite::Result<HashMap<String, Stamp>> {
    let mut stmt = conn.prepare_cached("SELECT path, mtime_ns, size FROM cards")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, Stamp { mtime_ns: r.get(1)?, size: r.get::<_, i64>(2)?.max(0) as u64 }))
    })?;
    rows.collect()
}

/// Inserts or replaces a card (keeping its id when it was already indexed).
pub fn write_card(conn: &Connection, card: &Card) -> rusqlite::Result<()> {
    let fields = serde_json::to_string(&card.fields).unwrap_or_else(|_| "{}".into());
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO cards (path, title, fields, body, format, mtime_ns, size, created,
                                error, error_line, lossy, truncated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (path) DO UPDATE SET
                title = excluded.title, fields = excluded.fields, body = excluded.body,
                format = excluded.format, mtime_ns = excluded.mtime_ns, size = excluded.size,
                created = excluded.created, error = excluded.error,
                error_line = excluded.error_line, lossy = excluded.lossy,
                truncated = excluded.truncated
             RETURNING id",
        )?
        .query_row(
            params![
                card.path,
                card.title,
                fields,
                card.body,
                card.format.map(|f| f.name()),
                card.mtime_ns,
                i64::try_from(card.size).unwrap_or(i64::MAX),
                card.created,
                card.error.as_ref().map(|e| e.message.as_str()),
                card.error.as_ref().map(|e| e.line as i64),
                card.lossy,
                card.truncated,
            ],
            |r| r.get(0),
        )?;
    delete_children(conn, id)?;
    let mut insert_field = conn.prepare_cached(
        "INSERT OR IGNORE INTO card_fields (card_id, key, pos, kind, text, norm, num, time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for row in flatten(&card.fields) {
        insert_field
            .execute(params![id, row.key, row.pos, row.kind, row.text, row.norm, row.num, row.time])?;
    }
    let mut insert_link =
        conn.prepare_cached("INSERT OR IGNORE INTO links (card_id, target, kind) VALUES (?1, ?2, ?3)")?;
    for link in &card.links {
        insert_link.execute(params![id, link.target, link.kind.name()])?;
    }
    Ok(())
}

/// Removes a card; `false` when it was not indexed.
pub fn delete_card(conn: &Connection, path: &str) -> rusqlite::Result<bool> {
    let id: Option<i64> = conn
        .prepare_cached("DELETE FROM cards WHERE path = ?1 RETURNING id")?
        .query_row([path], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => delete_children(conn, id).map(|()| true),
        None => Ok(false),
    }
}

fn delete_children(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM card_fields WHERE card_id = ?1")?.execute([id])?;
    conn.prepare_cached("DELETE FROM links WHERE card_id = ?1")?.execute([id])?;
    Ok(())
}
