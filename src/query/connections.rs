//! A card's connections, as one list a front end can show and walk: the related cards
//! (with their reasons), the cards linking to it (with the line that links), and the
//! cards it links to (broken links included, as names with no card).
//!
//! The TUI's connections pane reads this; `related`, `backlinks` and `links` are the same
//! three reads on the command line.

use super::QueryError;
use super::links::{backlinks, outgoing};
use super::related::related;
use crate::index::Index;

/// Which list a connection comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Related,
    Backlink,
    Link,
}

impl Kind {
    /// The heading of its section.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::Related => "related",
            Kind::Backlink => "backlinks",
            Kind::Link => "links",
        }
    }
}

/// One connection of a card.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub kind: Kind,
    /// The connected card; `None` for a broken link, which names no card.
    pub path: Option<String>,
    /// The card's title, or what a broken link names.
    pub title: String,
    /// Why, for a person: the reasons of a related card, the line of a backlink or a link.
    pub detail: String,
}

/// The connections of the card at `path`, section by section (related best first, then
/// backlinks and links in file order); `None` when no card is indexed there.
pub fn connections(
    index: &Index,
    path: &str,
    related_limit: usize,
) -> Result<Option<Vec<Connection>>, QueryError> {
    let Some(card) = super::card_at(index, path)? else { return Ok(None) };
    let mut all = Vec::new();
    for found in related(index, card.id, related_limit)? {
        all.push(Connection {
            kind: Kind::Related,
            path: Some(found.card.path),
            title: found.card.title,
            detail: found.why.reasons().join(", "),
        });
    }
    for back in backlinks(index, card.id)? {
        all.push(Connection {
            kind: Kind::Backlink,
            path: Some(back.card.path),
            title: back.card.title,
            detail: format!("line {}: {}", back.line, back.context),
        });
    }
    for link in outgoing(index, card.id)? {
        let detail = match &link.to {
            Some(_) => format!("line {}", link.line),
            None => format!("line {}: no card named \"{}\"", link.line, link.name()),
        };
        let (path, title) = match link.to {
            Some(to) => (Some(to.path), to.title),
            None => (None, link.name()),
        };
        all.push(Connection { kind: Kind::Link, path, title, detail });
    }
    Ok(Some(all))
}
