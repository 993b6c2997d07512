//! Links as the front ends ask for them: a card's links out (resolved, or broken), the
//! cards linking to it with the line that links, every broken link (for `check`), and a
//! card named the way a link names one.
//!
//! The index keeps every link resolved (`index::links`); these are plain reads of it. For
//! the filter language, the same tables answer `links:X` (`c.id IN (SELECT card_id FROM
//! links WHERE to_id = ?)`, on `links_by_to`), `linked-by:X` (`c.id IN (SELECT to_id FROM
//! links WHERE card_id = ?)`, on the primary key), `has:links` and `has:backlinks`
//! (`EXISTS` on the same two), with X found by [`crate::index::resolve_name`].

use rusqlite::{Connection, OptionalExtension};

use crate::card::{LinkKind, link_name};
use crate::index::{CARD_COLUMNS, CardRow, Index, resolve_name};

use super::QueryError;

/// One link out of a card.
#[derive(Debug, Clone, PartialEq)]
pub struct OutLink {
    /// 1-based line of the linking card's file.
    pub line: u32,
    pub kind: LinkKind,
    /// As written: `Target#Heading`, `../x%20y.md`.
    pub target: String,
    pub label: Option<String>,
    /// The card it names; `None` when the link is broken.
    pub to: Option<CardRow>,
}

impl OutLink {
    /// The name a person reads: `no card named "{name}"`.
    pub fn name(&self) -> String {
        link_name(self.kind, &self.target)
    }
}

/// A card linking to another, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Backlink {
    pub card: CardRow,
    /// 1-based line of the linking card's file.
    pub line: u32,
    /// That line's text, trimmed.
    pub context: String,
}

/// A link that names no card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub path: String,
    pub line: u32,
    /// What it names, as a person reads it ([`link_name`]).
    pub name: String,
}

/// The card at a dex-relative path, else the card a link written `name` would name.
pub fn find_card(
    index: &Index,
    path: Option<&str>,
    name: Option<&str>,
) -> Result<Option<CardRow>, QueryError> {
    let sqlite = |cause| QueryError::sqlite(index, cause);
    if let Some(path) = path
        && let Some(card) = super::card_at(index, path)?
    {
        return Ok(Some(card));
    }
    let Some(name) = name else { return Ok(None) };
    match resolve_name(index.conn(), name).map_err(sqlite)? {
        Some(id) => card_by_id(index.conn(), id).map_err(sqlite),
        None => Ok(None),
    }
}

/// The links out of card `id`, in the order they are written.
pub fn outgoing(index: &Index, id: i64) -> Result<Vec<OutLink>, QueryError> {
    read_outgoing(index.conn(), id).map_err(|cause| QueryError::sqlite(index, cause))
}

fn read_outgoing(conn: &Connection, id: i64) -> rusqlite::Result<Vec<OutLink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, kind, target, label, to_id FROM links WHERE card_id = ?1 ORDER BY pos",
    )?;
    let rows: Vec<(OutLink, Option<i64>)> = stmt
        .query_map([id], |r| {
            let kind: String = r.get(1)?;
            let link = OutLink {
                line: r.get(0)?,
                kind: LinkKind::from_name(&kind),
                target: r.get(2)?,
                label: r.get(3)?,
                to: None,
            };
            Ok((link, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut links = Vec::with_capacity(rows.len());
    for (mut link, to_id) in rows {
        if let Some(to_id) = to_id {
            link.to = card_by_id(conn, to_id)?;
        }
        links.push(link);
    }
    Ok(links)
}

/// The links into card `id`, by linking card's path, then line.
pub fn backlinks(index: &Index, id: i64) -> Result<Vec<Backlink>, QueryError> {
    read_backlinks(index.conn(), id).map_err(|cause| QueryError::sqlite(index, cause))
}

fn read_backlinks(conn: &Connection, id: i64) -> rusqlite::Result<Vec<Backlink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.card_id, l.line, l.body_line FROM links l JOIN cards c ON c.id = l.card_id
         WHERE l.to_id = ?1 ORDER BY c.path, l.line",
    )?;
    let rows: Vec<(i64, u32, u32)> =
        stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    let mut body_of = conn.prepare_cached("SELECT body FROM card_text WHERE id = ?1")?;
    let mut links: Vec<Backlink> = Vec::with_capacity(rows.len());
    let mut body = (0, String::new());
    for (from, line, body_line) in rows {
        if body.0 != from {
            body = (from, body_of.query_row([from], |r| r.get(0)).optional()?.unwrap_or_default());
        }
        let context =
            body.1.lines().nth(body_line.saturating_sub(1) as usize).unwrap_or("").trim().to_string();
        let card = match links.last() {
            Some(last) if last.card.id == from => last.card.clone(),
            _ => match card_by_id(conn, from)? {
                Some(card) => card,
                None => continue,
            },
        };
        links.push(Backlink { card, line, context });
    }
    Ok(links)
}

/// Every link that names no card, by path and line.
pub fn broken(index: &Index) -> Result<Vec<BrokenLink>, QueryError> {
    let read = || -> rusqlite::Result<Vec<BrokenLink>> {
        let mut stmt = index.conn().prepare_cached(
            "SELECT c.path, l.line, l.kind, l.target FROM links l JOIN cards c ON c.id = l.card_id
             WHERE l.to_id IS NULL ORDER BY c.path, l.line, l.pos",
        )?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(2)?;
            let target: String = r.get(3)?;
            Ok(BrokenLink {
                path: r.get(0)?,
                line: r.get(1)?,
                name: link_name(LinkKind::from_name(&kind), &target),
            })
        })?;
        rows.collect()
    };
    read().map_err(|cause| QueryError::sqlite(index, cause))
}

/// A parent field whose name several cards answer to at the step that decides it (two
/// cards titled the same, two stems in different folders): resolved as any link is, to
/// the shortest path, and worth a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmbiguousParent {
    pub path: String,
    pub line: u32,
    /// What it names, as a person reads it.
    pub name: String,
    /// The card it resolves to.
    pub chosen: String,
    /// Every card it could name, by path, in order.
    pub candidates: Vec<String>,
}

/// Every parent field that several cards could answer ([`AmbiguousParent`]).
pub fn ambiguous_parents(index: &Index) -> Result<Vec<AmbiguousParent>, QueryError> {
    let read = || -> rusqlite::Result<Vec<AmbiguousParent>> {
        let sql = format!(
            "SELECT c.path, l.line, l.target, t.path,
                    (SELECT json_group_array(path) FROM (SELECT c2.path FROM json_each(l.candidates) j
                                                         JOIN cards c2 ON c2.id = j.value ORDER BY c2.path))
             FROM (SELECT card_id, line, target, to_id, {} AS candidates FROM links link
                   WHERE link.kind = 'parent' AND link.to_id IS NOT NULL) l
             JOIN cards c ON c.id = l.card_id JOIN cards t ON t.id = l.to_id
             WHERE json_array_length(l.candidates) > 1
             ORDER BY c.path, l.line",
            crate::index::link_candidates_sql("link")
        );
        let mut stmt = index.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            let candidates: String = r.get(4)?;
            Ok(AmbiguousParent {
                path: r.get(0)?,
                line: r.get(1)?,
                name: link_name(LinkKind::Parent, &r.get::<_, String>(2)?),
                chosen: r.get(3)?,
                candidates: serde_json::from_str(&candidates).unwrap_or_default(),
            })
        })?;
        rows.collect()
    };
    read().map_err(|cause| QueryError::sqlite(index, cause))
}

/// A card by its id in the index.
pub(super) fn card_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<CardRow>> {
    let sql = format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.id = ?1");
    conn.prepare_cached(&sql)?.query_row([id], CardRow::from_row).optional()
}
