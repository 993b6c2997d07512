//! Writing cards into the index and reading back their change stamps.
//!
//! Callers hold a transaction; every statement here is cached, because a full index runs
//! them hundreds of thousands of times.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension, params};

use crate::card::{Card, Link, NameKind, card_names, key_tail, name_key};
use crate::scan::Settings;

use super::fields::{FieldRow, Flat, flatten};
use super::links::Relink;

/// What the index last saw of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub mtime_ns: i64,
    pub size: u64,
}

/// Every indexed path with its stamp, in path (byte) order, without copying the paths.
pub fn for_each_stamp(conn: &Connection, mut visit: impl FnMut(&str, Stamp)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached("SELECT path, mtime_ns, size FROM cards ORDER BY path")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let stamp = Stamp { mtime_ns: row.get(1)?, size: row.get::<_, i64>(2)?.max(0) as u64 };
        visit(row.get_ref(0)?.as_str()?, stamp);
    }
    Ok(())
}

/// How a write keeps the full-text index in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fts {
    /// Update `cards_fts` row by row (a few cards changed).
    Each,
    /// Leave `cards_fts` alone; the caller rebuilds it in one pass afterwards.
    Later,
}

/// A card made ready for writing: the CPU work (JSON, flattening) is done here, on the
/// parsing threads, so the single writer thread only binds and steps.
pub struct Prepared {
    pub card: Card,
    fields_json: String,
    rows: Vec<FieldRow>,
    /// What of the fields got no rows, as `cards.cut` keeps it.
    cut: Option<String>,
    /// The names links find the card by.
    names: Vec<(NameKind, String)>,
}

pub fn prepare(card: Card) -> Prepared {
    let fields_json = serde_json::to_string(&card.fields).unwrap_or_else(|_| "{}".into());
    let Flat { rows, cut } = flatten(&card.fields);
    let names = card_names(&card.path, &card.title, &card.fields);
    Prepared { card, fields_json, rows, cut: cut.to_json(), names }
}

/// Inserts or replaces a card (keeping its id when it was already indexed). `known`
/// says whether the index held it: a new card has no old rows to delete. Its names are
/// stored before its links (which `relink` stores), and only those that changed are
/// written; `relink` learns what to resolve again.
pub fn write_card(
    conn: &Connection,
    prepared: &Prepared,
    known: bool,
    fts: Fts,
    relink: &mut Relink,
) -> rusqlite::Result<()> {
    let Prepared { card, fields_json: fields, rows, cut, names } = prepared;
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO cards (path, title, fields, format, mtime_ns, size, created,
                                error, error_line, lossy, truncated, cut)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (path) DO UPDATE SET
                title = excluded.title, fields = excluded.fields, format = excluded.format,
                mtime_ns = excluded.mtime_ns, size = excluded.size, created = excluded.created,
                error = excluded.error, error_line = excluded.error_line,
                lossy = excluded.lossy, truncated = excluded.truncated, cut = excluded.cut
             RETURNING id",
        )?
        .query_row(
            params![
                card.path,
                card.title,
                fields,
                card.format.map(|f| f.name()),
                card.mtime_ns,
                i64::try_from(card.size).unwrap_or(i64::MAX),
                card.created,
                card.error.as_ref().map(|e| e.message.as_str()),
                card.error.as_ref().map(|e| e.line as i64),
                card.lossy,
                card.truncated,
                cut,
            ],
            |r| r.get(0),
        )?;
    if known {
        delete_text_and_fields(conn, id, fts)?;
    }
    conn.prepare_cached("INSERT INTO card_text (id, title, body) VALUES (?1, ?2, ?3)")?
        .execute(params![id, card.title, card.body])?;
    if fts == Fts::Each {
        conn.prepare_cached("INSERT INTO cards_fts (rowid, title, body) VALUES (?1, ?2, ?3)")?
            .execute(params![id, card.title, card.body])?;
    }
    let mut insert_field = conn.prepare_cached(
        "INSERT OR IGNORE INTO card_fields (card_id, key, pos, kind, text, norm, num, time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for row in rows {
        insert_field
            .execute(params![id, row.key, row.pos, row.kind, row.text, row.norm, row.num, row.time])?;
    }
    let old_names = if known { names_of(conn, id)? } else { Vec::new() };
    write_names(conn, id, &card.path, &old_names, names)?;
    if !(known && same_links(conn, id, &card.links)?) {
        if known {
            conn.prepare_cached("DELETE FROM links WHERE card_id = ?1")?.execute([id])?;
        }
        write_links(conn, id, &card.links, relink)?;
    }
    relink.written(&old_names, names);
    Ok(())
}

/// The names (kind, key) card `id` has in the index.
fn names_of(conn: &Connection, id: i64) -> rusqlite::Result<Vec<(i64, String)>> {
    conn.prepare_cached("SELECT kind, key FROM card_names WHERE card_id = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Brings card `id`'s names from `old` to `new`, touching only those that differ (a
/// `set` of a status changes none).
fn write_names(
    conn: &Connection,
    id: i64,
    path: &str,
    old: &[(i64, String)],
    new: &[(NameKind, String)],
) -> rusqlite::Result<()> {
    let mut delete =
        conn.prepare_cached("DELETE FROM card_names WHERE card_id = ?1 AND kind = ?2 AND key = ?3")?;
    for (kind, key) in old.iter().filter(|(k, n)| !new.iter().any(|(nk, nn)| *nk as i64 == *k && nn == n)) {
        delete.execute(params![id, kind, key])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO card_names (card_id, kind, key, path, plen) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let (path_key, path_len) = (name_key(path), path.chars().count() as i64);
    for (kind, key) in new.iter().filter(|(k, n)| !old.iter().any(|(ok, on)| *ok == *k as i64 && on == n)) {
        insert.execute(params![id, *kind as i64, key, path_key, path_len])?;
    }
    Ok(())
}

/// Whether card `id` holds exactly these links already (then they stay, resolved).
fn same_links(conn: &Connection, id: i64, links: &[Link]) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, body_line, kind, target, label, key, suffix FROM links WHERE card_id = ?1 ORDER BY pos",
    )?;
    let mut rows = stmt.query([id])?;
    let mut expected = links.iter();
    while let Some(row) = rows.next()? {
        let Some(link) = expected.next() else { return Ok(false) };
        let same = row.get::<_, u32>(0)? == link.line
            && row.get::<_, u32>(1)? == link.body_line
            && row.get_ref(2)?.as_str()? == link.kind.name()
            && row.get_ref(3)?.as_str()? == link.target
            && row.get::<_, Option<String>>(4)? == link.label
            && row.get_ref(5)?.as_str()? == link.key
            && row.get_ref(6)?.as_str()? == link.suffix;
        if !same {
            return Ok(false);
        }
    }
    Ok(expected.next().is_none())
}

fn write_links(conn: &Connection, id: i64, links: &[Link], relink: &Relink) -> rusqlite::Result<()> {
    let mut insert_link = conn.prepare_cached(relink.insert_sql())?;
    for (pos, link) in links.iter().enumerate() {
        insert_link.execute(params![
            id,
            pos as i64,
            link.line,
            link.body_line,
            link.kind.name(),
            link.target,
            link.label,
            link.key,
            key_tail(&link.key),
            link.suffix,
        ])?;
    }
    Ok(())
}

/// Removes a card; `false` when it was not indexed.
pub fn delete_card(conn: &Connection, path: &str, fts: Fts, relink: &mut Relink) -> rusqlite::Result<bool> {
    let id: Option<i64> = conn
        .prepare_cached("DELETE FROM cards WHERE path = ?1 RETURNING id")?
        .query_row([path], |r| r.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(false) };
    let old_names = delete_children(conn, id, fts)?;
    relink.removed(&old_names);
    Ok(true)
}

/// Removes what hangs off a card id: its text (and full-text entry), fields, links and
/// names; returns the names (kind, key) it had.
fn delete_children(conn: &Connection, id: i64, fts: Fts) -> rusqlite::Result<Vec<(i64, String)>> {
    delete_text_and_fields(conn, id, fts)?;
    conn.prepare_cached("DELETE FROM links WHERE card_id = ?1")?.execute([id])?;
    conn.prepare_cached("DELETE FROM card_names WHERE card_id = ?1 RETURNING kind, key")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Removes a card's text (and full-text entry) and fields.
fn delete_text_and_fields(conn: &Connection, id: i64, fts: Fts) -> rusqlite::Result<()> {
    let old: Option<(String, String)> = conn
        .prepare_cached("DELETE FROM card_text WHERE id = ?1 RETURNING title, body")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if let (Some((title, body)), Fts::Each) = (old, fts) {
        // External-content FTS5 forgets a row only when told its old text.
        conn.prepare_cached(
            "INSERT INTO cards_fts (cards_fts, rowid, title, body) VALUES ('delete', ?1, ?2, ?3)",
        )?
        .execute(params![id, title, body])?;
    }
    conn.prepare_cached("DELETE FROM card_fields WHERE card_id = ?1")?.execute([id])?;
    Ok(())
}

/// Secondary indexes that are cheaper to build once after a bulk load than to keep
/// sorted through a hundred thousand random inserts.
const DEFERRED_INDEXES: &str = "SELECT name, tbl_name, sql FROM sqlite_schema
    WHERE type = 'index' AND sql IS NOT NULL
      AND (tbl_name IN ('card_fields', 'links', 'card_names')
           OR name IN ('cards_by_stamp', 'cards_by_modified', 'cards_by_created'))";

/// The indexes dropped for a bulk load, to create again afterwards.
pub struct Deferred {
    /// (table, SQL that creates the index)
    indexes: Vec<(String, String)>,
}

/// Drops the deferrable indexes and returns what recreates them.
pub fn drop_deferred_indexes(conn: &Connection) -> rusqlite::Result<Deferred> {
    let indexes: Vec<(String, String, String)> = conn
        .prepare(DEFERRED_INDEXES)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(Deferred { indexes: indexes.into_iter().map(|(_, table, sql)| (table, sql)).collect() })
}

impl Deferred {
    /// Nothing dropped.
    pub fn none() -> Deferred {
        Deferred { indexes: Vec::new() }
    }

    /// After a bulk load: recreates the indexes of `card_names`, which resolving links
    /// reads (before the links are resolved, so that the index on the resolved column is
    /// built once from the result rather than kept through every update).
    pub fn recreate_names(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let (names, rest) =
            std::mem::take(&mut self.indexes).into_iter().partition(|(t, _)| t == "card_names");
        self.indexes = rest;
        names.iter().try_for_each(|(_, sql): &(String, String)| conn.execute_batch(sql))
    }

    /// After a bulk load: recreates the other dropped indexes.
    pub fn recreate(self, conn: &Connection) -> rusqlite::Result<()> {
        self.indexes.iter().try_for_each(|(_, sql)| conn.execute_batch(sql))
    }
}

/// After a bulk load: rebuilds the full-text index from `card_text` in one pass.
pub fn rebuild_fts(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild');")
}

/// Empties every table, for a full rebuild; a re-read the schema asked for is then done.
pub fn clear(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM cards; DELETE FROM card_text; DELETE FROM card_fields; DELETE FROM links;
         DELETE FROM card_names; DELETE FROM termdex_meta WHERE key = 'reread';
         INSERT INTO cards_fts (cards_fts) VALUES ('delete-all');",
    )
}

/// The settings the index's cards were read with: the defaults when none are stored (an
/// index from before settings were recorded was read with them) or what is stored does
/// not read (then `Index::use_settings` finds them different and has every card re-read).
pub fn settings(conn: &Connection) -> rusqlite::Result<Settings> {
    let json: Option<String> = conn
        .prepare_cached("SELECT value FROM termdex_meta WHERE key = 'settings'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
}

/// Records the settings cards are to be read with, and that every card must be read again
/// with them.
pub fn store_settings(conn: &Connection, settings: &Settings) -> rusqlite::Result<()> {
    let json = serde_json::to_string(settings).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO termdex_meta (key, value) VALUES ('settings', ?1), ('reread', 'the settings changed')
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([json])?;
    Ok(())
}

/// The rules of the last walk that changed the index (`walked_with`, a watch
/// fingerprint), if one was recorded: a watcher vouches for the index only while it holds
/// its own rules' cards.
pub fn walked_with(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT value FROM termdex_meta WHERE key = 'walked_with'")?
        .query_row([], |r| r.get(0))
        .optional()
}

/// Forgets the rules the index was walked with: cards were written under rules that may
/// not be the recorded ones, so no watcher may vouch for the index until a walk records
/// its rules again.
pub fn forget_walked_with(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM termdex_meta WHERE key = 'walked_with'")?.execute([])?;
    Ok(())
}

pub fn set_walked_with(conn: &Connection, print: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO termdex_meta (key, value) VALUES ('walked_with', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([print])?;
    Ok(())
}

/// Whether the index holds any card.
pub fn has_cards(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM cards)")?.query_row([], |r| r.get(0))
}

/// Whether every card must be read again (a migration left rows without what the new
/// schema keeps): the next refresh is then a full one.
pub fn reread_pending(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM termdex_meta WHERE key = 'reread')")?
        .query_row([], |r| r.get(0))
}

/// The cards whose stamps are not to be trusted yet (taken too close to their last change;
/// see `refresh::RACY`), kept in `termdex_meta` as a JSON list: there are few, and only
/// for a few seconds. Anything unreadable there counts as none.
pub fn racy_paths(conn: &Connection) -> rusqlite::Result<BTreeSet<String>> {
    let json: Option<String> = conn
        .prepare_cached("SELECT value FROM termdex_meta WHERE key = 'racy'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
}

/// Replaces the list of cards whose stamps are not to be trusted.
pub fn set_racy_paths(conn: &Connection, paths: &BTreeSet<String>) -> rusqlite::Result<()> {
    if paths.is_empty() {
        conn.prepare_cached("DELETE FROM termdex_meta WHERE key = 'racy'")?.execute([])?;
        return Ok(());
    }
    let json = serde_json::to_string(paths).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT INTO termdex_meta (key, value) VALUES ('racy', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([json])?;
    Ok(())
}

/// Whether the index already holds exactly this card (a card read again only because its
/// stamp could not be trusted is then left alone, and not counted as changed).
pub fn unchanged(conn: &Connection, prepared: &Prepared) -> rusqlite::Result<bool> {
    let card = &prepared.card;
    let mut stmt = conn.prepare_cached(
        "SELECT c.title = ?2 AND c.fields = ?3 AND c.format IS ?4 AND c.created = ?5
                AND c.error IS ?6 AND c.error_line IS ?7 AND c.lossy = ?8 AND c.truncated = ?9
                AND t.body = ?10
         FROM cards c JOIN card_text t ON t.id = c.id WHERE c.path = ?1",
    )?;
    let same: Option<bool> = stmt
        .query_row(
            params![
                card.path,
                card.title,
                prepared.fields_json,
                card.format.map(|f| f.name()),
                card.created,
                card.error.as_ref().map(|e| e.message.as_str()),
                card.error.as_ref().map(|e| e.line as i64),
                card.lossy,
                card.truncated,
                card.body,
            ],
            |r| r.get(0),
        )
        .optional()?;
    Ok(same == Some(true))
}
