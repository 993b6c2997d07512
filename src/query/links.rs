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

use crate::card::{LinkKind, link_name, link_text};
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
    /// The link as written (`[[Target#Heading|label]]`); for the link a parent field makes,
    /// that field as the index holds it (`parent: [[Projects|label]]`).
    pub text: String,
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
    /// That line's text, trimmed; for the link a parent field makes, that field as the
    /// index holds it (`parent: [[Projects]]`), since the index keeps no frontmatter text.
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
    // Named as a parent field names a card: `[[beta]]` as `beta`, as `tree` and `links:`
    // take it.
    let Some(name) = name.map(crate::card::parent_name) else { return Ok(None) };
    match resolve_name(index.conn(), name).map_err(sqlite)? {
        Some(id) => card_by_id(index.conn(), id).map_err(sqlite),
        None => Ok(None),
    }
}

/// The links out of card `id`, in the order they are written.
pub fn outgoing(index: &Index, id: i64) -> Result<Vec<OutLink>, QueryError> {
    read_outgoing(index.conn(), id, index.parent_field().as_deref())
        .map_err(|cause| QueryError::sqlite(index, cause))
}

fn read_outgoing(conn: &Connection, id: i64, parent_field: Option<&str>) -> rusqlite::Result<Vec<OutLink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT line, kind, target, label, to_id FROM links WHERE card_id = ?1 ORDER BY pos",
    )?;
    let rows: Vec<(OutLink, Option<i64>)> = stmt
        .query_map([id], |r| {
            let kind: String = r.get(1)?;
            let (kind, target, label): (LinkKind, String, Option<String>) =
                (LinkKind::from_name(&kind), r.get(2)?, r.get(3)?);
            let text = link_text(kind, &target, label.as_deref());
            let link = OutLink { line: r.get(0)?, kind, target, label, text, to: None };
            Ok((link, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut links = Vec::with_capacity(rows.len());
    let mut card = None;
    for (mut link, to_id) in rows {
        if link.kind == LinkKind::Parent {
            if card.is_none() {
                card = card_by_id(conn, id)?;
            }
            if let Some(text) = card.as_ref().and_then(|card| parent_field_text(card, parent_field)) {
                link.text = text;
            }
        }
        if let Some(to_id) = to_id {
            link.to = card_by_id(conn, to_id)?;
        }
        links.push(link);
    }
    Ok(links)
}

/// The links into card `id`, by linking card's path, then line.
pub fn backlinks(index: &Index, id: i64) -> Result<Vec<Backlink>, QueryError> {
    read_backlinks(index.conn(), id, index.parent_field().as_deref())
        .map_err(|cause| QueryError::sqlite(index, cause))
}

fn read_backlinks(conn: &Connection, id: i64, parent_field: Option<&str>) -> rusqlite::Result<Vec<Backlink>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.card_id, l.line, l.body_line, l.kind, l.target, l.label
         FROM links l JOIN cards c ON c.id = l.card_id
         WHERE l.to_id = ?1 ORDER BY c.path, l.line",
    )?;
    type Row = (i64, u32, u32, String, String, Option<String>);
    let rows: Vec<Row> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<Result<_, _>>()?;
    let mut body_of = conn.prepare_cached("SELECT body FROM card_text WHERE id = ?1")?;
    let mut links: Vec<Backlink> = Vec::with_capacity(rows.len());
    let mut body = (0, String::new());
    for (from, line, body_line, kind, target, label) in rows {
        // Two links on one line naming this card (`[[Alpha]] and [[first]]`, its alias)
        // are one backlink: the line is the answer, as `links` counts it once.
        if links.last().is_some_and(|last| last.card.id == from && last.line == line) {
            continue;
        }
        let card = match links.last() {
            Some(last) if last.card.id == from => last.card.clone(),
            _ => match card_by_id(conn, from)? {
                Some(card) => card,
                None => continue,
            },
        };
        let kind = LinkKind::from_name(&kind);
        // A parent field's link is on a line of the frontmatter, which is no line of the
        // body (its body line is 0): its context is the field itself.
        let context = if kind == LinkKind::Parent {
            parent_field_text(&card, parent_field)
                .unwrap_or_else(|| link_text(kind, &target, label.as_deref()))
        } else {
            if body.0 != from {
                body = (from, body_of.query_row([from], |r| r.get(0)).optional()?.unwrap_or_default());
            }
            match body_line.checked_sub(1).and_then(|n| body.1.lines().nth(n as usize)) {
                Some(text) => text.trim().to_string(),
                None => link_text(kind, &target, label.as_deref()),
            }
        };
        links.push(Backlink { card, line, context });
    }
    Ok(links)
}

/// The parent field of `card` as the index holds it, `key: value` with the key as written
/// (`Parent: [[Projects|label]]`); `None` when the card has no such field or its stored
/// fields do not read. The value is its text, or its JSON when it is no text (a list).
fn parent_field_text(card: &CardRow, parent_field: Option<&str>) -> Option<String> {
    let field = parent_field?;
    let fields = card.fields().ok()?;
    let (key, value) = fields.iter().find(|(key, _)| key.to_lowercase() == field)?;
    let value = match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    // One line, as a context is: a block scalar's lines joined.
    let value: Vec<&str> = value.lines().map(str::trim).filter(|line| !line.is_empty()).collect();
    Some(format!("{key}: {}", value.join(" ")))
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
