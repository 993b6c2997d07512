//! `related`: the cards most related to one card, best first, each with its reasons.
//!
//! A card's score is a sum of parts, each small enough to read back (docs/related.md):
//!
//! - a link from the other card to this one (`links here`) and one from this card to the
//!   other (`linked from here`): [`LINK`] each;
//! - the same `url` (`same url`: "explored the same resource"): [`URL`];
//! - each shared tag, by its rarity `ln((N+1)/df) / ln(N+1)` (N cards in the dex, df of
//!   them with the tag): 1 for a tag only these two cards have, towards 0 for one on every
//!   card (`2 shared tags (rust, atomics)`);
//! - the same collection, [`COLLECTION`] times its rarity, the same way (`same collection`);
//! - similar text: the card's most distinctive terms (term frequency times inverse
//!   document frequency, from FTS5's own statistics) queried back through FTS5 and ranked
//!   by bm25; a card scores [`TEXT`] times its bm25 over this card's own (at most 1).
//!
//! Links, the url, tags and text each bring candidates; the collection only lifts cards
//! that one of them found (a large collection would otherwise make every card a candidate).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use crate::index::{CardRow, Index};

use super::QueryError;
use super::links::card_by_id;

/// What a link either way adds.
pub const LINK: f64 = 2.0;
/// What the same `url` adds.
pub const URL: f64 = 3.0;
/// What the most similar text adds.
pub const TEXT: f64 = 2.0;
/// What the same collection adds, times its rarity.
pub const COLLECTION: f64 = 0.5;

/// How many of the card's terms are queried back, the most distinctive first.
const TERMS: usize = 12;
/// How many of the card's terms are counted, the most used first (a long card has
/// thousands).
const COUNTED: usize = 256;
/// How many of the closest texts are candidates.
const TEXTS: usize = 30;
/// A text less similar than this (its bm25 over the card's own) is no reason.
const MIN_SIMILARITY: f64 = 0.2;

/// A related card and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub card: CardRow,
    pub score: f64,
    pub why: Why,
}

/// The parts of a related card's score.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Why {
    /// The other card links to this one.
    pub links_here: bool,
    /// This card links to the other.
    pub linked_from_here: bool,
    pub same_url: bool,
    /// Shared tags (as this card writes them) with their rarity.
    pub tags: Vec<(String, f64)>,
    /// The shared collection and its rarity.
    pub collection: Option<(String, f64)>,
    /// bm25 of the other card over this card's own, for this card's distinctive terms.
    pub text: f64,
}

impl Why {
    /// Each part's share of the score, by name, in the order of [`Why::reasons`].
    pub fn parts(&self) -> Vec<(&'static str, f64)> {
        let tags: f64 = self.tags.iter().map(|(_, rarity)| rarity).sum();
        [
            ("links_here", if self.links_here { LINK } else { 0.0 }),
            ("linked_from_here", if self.linked_from_here { LINK } else { 0.0 }),
            ("same_url", if self.same_url { URL } else { 0.0 }),
            ("tags", tags),
            ("collection", self.collection.as_ref().map_or(0.0, |(_, rarity)| COLLECTION * rarity)),
            ("text", TEXT * self.text),
        ]
        .into_iter()
        .filter(|(_, share)| *share > 0.0)
        .collect()
    }

    pub fn score(&self) -> f64 {
        self.parts().iter().map(|(_, share)| share).sum()
    }

    /// The reasons, for a person: `links here`, `2 shared tags (rust, cli)` ...
    pub fn reasons(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if self.links_here {
            reasons.push("links here".to_string());
        }
        if self.linked_from_here {
            reasons.push("linked from here".to_string());
        }
        if self.same_url {
            reasons.push("same url".to_string());
        }
        match self.tags.len() {
            0 => {}
            1 => reasons.push(format!("1 shared tag ({})", self.tags[0].0)),
            n => {
                let names: Vec<&str> = self.tags.iter().map(|(tag, _)| tag.as_str()).collect();
                reasons.push(format!("{n} shared tags ({})", names.join(", ")));
            }
        }
        if self.collection.is_some() {
            reasons.push("same collection".to_string());
        }
        if self.text > 0.0 {
            reasons.push("similar text".to_string());
        }
        reasons
    }
}

/// The `limit` cards most related to card `id`, best first (ties by path).
pub fn related(index: &Index, id: i64, limit: usize) -> Result<Vec<Related>, QueryError> {
    find(index.conn(), id, limit).map_err(|cause| QueryError::sqlite(index, cause))
}

/// The fields of the card that related cards may share.
#[derive(Default)]
struct Own {
    /// (folded, as written, rarity once counted); at most 64, one bit each.
    tags: Vec<(String, String, f64)>,
    collection: Option<(String, String)>,
    urls: Vec<String>,
}

fn own_fields(conn: &Connection, id: i64) -> rusqlite::Result<Own> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, norm, text FROM card_fields
         WHERE card_id = ?1 AND key IN ('tags', 'collection', 'url') AND norm IS NOT NULL AND norm <> ''
         ORDER BY key, pos",
    )?;
    let mut own = Own::default();
    let rows = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)))?;
    for row in rows {
        let (key, norm, text): (String, String, Option<String>) = row?;
        let text = text.unwrap_or_else(|| norm.clone());
        match key.as_str() {
            "tags" if own.tags.len() < 64 && !own.tags.iter().any(|(n, _, _)| *n == norm) => {
                own.tags.push((norm, text, 0.0))
            }
            "collection" if own.collection.is_none() => own.collection = Some((norm, text)),
            "url" => own.urls.push(norm),
            _ => {}
        }
    }
    Ok(own)
}

/// A candidate's parts while they are gathered: plain numbers, so that thousands of cards
/// sharing a common tag cost no allocations.
#[derive(Debug, Clone, Copy, Default)]
struct Found {
    links_here: bool,
    linked_from_here: bool,
    same_url: bool,
    /// Bit `i`: shares the card's `i`-th tag.
    tags: u64,
    /// The sum of those tags' rarities.
    tag_weight: f64,
    /// The collection's share, once known to be shared.
    collection: f64,
    text: f64,
}

impl Found {
    fn score(&self) -> f64 {
        let link = |on: bool, weight: f64| if on { weight } else { 0.0 };
        link(self.links_here, LINK)
            + link(self.linked_from_here, LINK)
            + link(self.same_url, URL)
            + self.tag_weight
            + self.collection
            + TEXT * self.text
    }

    fn why(&self, own: &Own, collection: Option<(String, f64)>) -> Why {
        let tags = own
            .tags
            .iter()
            .enumerate()
            .filter(|(i, _)| self.tags & (1 << i) != 0)
            .map(|(_, (_, text, rarity))| (text.clone(), *rarity))
            .collect();
        Why {
            links_here: self.links_here,
            linked_from_here: self.linked_from_here,
            same_url: self.same_url,
            tags,
            collection: collection.filter(|_| self.collection > 0.0),
            text: self.text,
        }
    }
}

fn find(conn: &Connection, id: i64, limit: usize) -> rusqlite::Result<Vec<Related>> {
    let Some(me) = card_by_id(conn, id)? else { return Ok(Vec::new()) };
    let cards: i64 = conn.query_row("SELECT count(*) FROM cards", [], |r| r.get(0))?;
    let mut own = own_fields(conn, id)?;
    let mut found: HashMap<i64, Found> = HashMap::new();
    links(conn, id, &mut found)?;
    same_url(conn, id, &own.urls, &mut found)?;
    shared_tags(conn, id, &mut own.tags, cards, &mut found)?;
    for (other, similarity) in similar_texts(conn, &me, cards)? {
        found.entry(other).or_default().text = similarity;
    }
    found.remove(&id);
    let mut ranked: Vec<(f64, i64, Found)> =
        found.into_iter().map(|(other, f)| (f.score(), other, f)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let collection = match &own.collection {
        Some((norm, text)) => same_collection(conn, norm, text, cards, limit, &mut ranked)?,
        None => None,
    };
    best(conn, ranked, limit, &own, collection)
}

/// Links either way, each card once per direction.
fn links(conn: &Connection, id: i64, found: &mut HashMap<i64, Found>) -> rusqlite::Result<()> {
    let mut out =
        conn.prepare_cached("SELECT DISTINCT to_id FROM links WHERE card_id = ?1 AND to_id IS NOT NULL")?;
    for other in out.query_map([id], |r| r.get::<_, i64>(0))? {
        found.entry(other?).or_default().linked_from_here = true;
    }
    let mut into = conn.prepare_cached("SELECT DISTINCT card_id FROM links WHERE to_id = ?1")?;
    for other in into.query_map([id], |r| r.get::<_, i64>(0))? {
        found.entry(other?).or_default().links_here = true;
    }
    Ok(())
}

/// Cards with one of the card's urls, compared as folded, with or without a final `/`.
fn same_url(
    conn: &Connection,
    id: i64,
    urls: &[String],
    found: &mut HashMap<i64, Found>,
) -> rusqlite::Result<()> {
    let mut stmt = conn
        .prepare_cached("SELECT DISTINCT card_id FROM card_fields WHERE key = 'url' AND norm IN (?1, ?2)")?;
    for url in urls {
        let bare = url.trim_end_matches('/');
        for other in stmt.query_map([bare.to_string(), format!("{bare}/")], |r| r.get::<_, i64>(0))? {
            let other = other?;
            if other != id {
                found.entry(other).or_default().same_url = true;
            }
        }
    }
    Ok(())
}

/// How rare a value held by `df` of `cards` cards is: 1 when only two cards hold it,
/// towards 0 when every card does.
fn rarity(df: i64, cards: i64) -> f64 {
    let n = (cards + 1) as f64;
    ((n / df.max(1) as f64).ln() / n.ln()).clamp(0.0, 1.0)
}

/// Every card sharing one of the card's tags, with their rarities (noted in `tags`).
fn shared_tags(
    conn: &Connection,
    id: i64,
    tags: &mut [(String, String, f64)],
    cards: i64,
    found: &mut HashMap<i64, Found>,
) -> rusqlite::Result<()> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT card_id FROM card_fields WHERE key = 'tags' AND norm = ?1")?;
    for (bit, (norm, _, weight)) in tags.iter_mut().enumerate() {
        let holders: Vec<i64> = stmt.query_map([&*norm], |r| r.get(0))?.collect::<Result<_, _>>()?;
        *weight = rarity(holders.len() as i64, cards);
        for other in holders.into_iter().filter(|other| *other != id) {
            let entry = found.entry(other).or_default();
            entry.tags |= 1 << bit;
            entry.tag_weight += *weight;
        }
    }
    Ok(())
}

/// Adds the collection to the ranked cards that share it, as far down as it could still
/// change which cards make the first `limit`, and ranks them again; the collection as
/// written and its rarity.
fn same_collection(
    conn: &Connection,
    norm: &str,
    text: &str,
    cards: i64,
    limit: usize,
    ranked: &mut [(f64, i64, Found)],
) -> rusqlite::Result<Option<(String, f64)>> {
    let df: i64 = conn
        .prepare_cached("SELECT count(*) FROM card_fields WHERE key = 'collection' AND norm = ?1")?
        .query_row([norm], |r| r.get(0))?;
    let weight = rarity(df, cards);
    let bonus = COLLECTION * weight;
    let cutoff =
        ranked.get(limit.saturating_sub(1)).map_or(f64::NEG_INFINITY, |(score, _, _)| *score) - bonus;
    let mut shares = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM card_fields WHERE card_id = ?1 AND key = 'collection' AND norm = ?2)",
    )?;
    for (score, other, found) in ranked.iter_mut() {
        if *score < cutoff {
            break;
        }
        if shares.query_row(rusqlite::params![*other, norm], |r| r.get::<_, bool>(0))? {
            found.collection = bonus;
            *score = found.score();
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(Some((text.to_string(), weight)))
}

/// The first `limit` of `ranked` (sorted by score), ties broken by path.
fn best(
    conn: &Connection,
    ranked: Vec<(f64, i64, Found)>,
    limit: usize,
    own: &Own,
    collection: Option<(String, f64)>,
) -> rusqlite::Result<Vec<Related>> {
    let last = ranked.get(limit.saturating_sub(1)).map(|(score, _, _)| *score);
    let mut best = Vec::new();
    for (score, other, found) in ranked {
        if best.len() >= limit && Some(score) != last {
            break;
        }
        if let Some(card) = card_by_id(conn, other)? {
            best.push(Related { card, score, why: found.why(own, collection.clone()) });
        }
    }
    best.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.card.path.cmp(&b.card.path)));
    best.truncate(limit);
    Ok(best)
}

/// The tokenizer of `cards_fts`: the card's own terms must be cut the way the index cut
/// every other card's.
const TOKENIZE: &str = crate::index::FTS_TOKENIZE;

/// Cards whose text is like this card's, with their similarity (0 to 1).
fn similar_texts(conn: &Connection, me: &CardRow, cards: i64) -> rusqlite::Result<Vec<(i64, f64)>> {
    let terms = distinctive_terms(conn, me.id, cards)?;
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let query = terms.iter().map(|t| quoted(t)).collect::<Vec<_>>().join(" OR ");
    let mut stmt = conn.prepare_cached(
        "SELECT rowid, bm25(cards_fts, 10.0, 1.0) AS score FROM cards_fts WHERE cards_fts MATCH ?1
         ORDER BY score LIMIT ?2",
    )?;
    let rows: Vec<(i64, f64)> = stmt
        .query_map(rusqlite::params![query, TEXTS as i64 + 1], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let own = match rows.iter().find(|(id, _)| *id == me.id) {
        Some((_, score)) => Some(*score),
        None => conn
            .prepare_cached(
                "SELECT bm25(cards_fts, 10.0, 1.0) FROM cards_fts WHERE cards_fts MATCH ?1 AND rowid = ?2",
            )?
            .query_row(rusqlite::params![query, me.id], |r| r.get(0))
            .optional()?,
    };
    // bm25 is negative, better the lower; a card's own text is the yardstick.
    let Some(own) = own.filter(|s| *s < 0.0) else { return Ok(Vec::new()) };
    Ok(rows
        .into_iter()
        .filter(|(id, _)| *id != me.id)
        .map(|(id, score)| (id, (score / own).min(1.0)))
        .filter(|(_, similarity)| *similarity >= MIN_SIMILARITY)
        .take(TEXTS)
        .collect())
}

/// The card's [`TERMS`] most distinctive terms: tokenized by FTS5 itself (a one-row
/// table with the index's tokenizer), weighted by how often the card uses them (a title
/// word three times) and how few cards do (counted in the full-text index). Terms only
/// this card has find nothing else, and terms in more than [`common`] cards are not
/// distinctive; both are left out. Counting stops past that bound, and bm25 then ranks
/// only cards holding a rare term, which keeps both quick on a large dex.
fn distinctive_terms(conn: &Connection, id: i64, cards: i64) -> rusqlite::Result<Vec<String>> {
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.related_doc USING fts5 (title, body, tokenize = '{TOKENIZE}');
         CREATE VIRTUAL TABLE IF NOT EXISTS temp.related_doc_terms USING fts5vocab (temp, related_doc, col);
         DELETE FROM temp.related_doc;"
    ))?;
    conn.prepare_cached(
        "INSERT INTO temp.related_doc (title, body) SELECT title, body FROM card_text WHERE id = ?1",
    )?
    .execute([id])?;
    let mut stmt = conn.prepare_cached(
        "SELECT term, sum(CASE col WHEN 'title' THEN 3 * cnt ELSE cnt END) AS tf FROM temp.related_doc_terms
         WHERE term <> ?2 GROUP BY term ORDER BY tf DESC, length(term) DESC, term LIMIT ?1",
    )?;
    // The break the tokenizer puts at punctuation next to CJK text is no word.
    let terms: Vec<(String, i64)> = stmt
        .query_map(rusqlite::params![COUNTED as i64, crate::index::FTS_BREAK], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let common = common(cards);
    let mut df = conn.prepare_cached(
        "SELECT count(*) FROM (SELECT rowid FROM cards_fts WHERE cards_fts MATCH ?1 LIMIT ?2)",
    )?;
    let mut weighted = Vec::new();
    for (term, tf) in terms {
        let held: i64 = df.query_row(rusqlite::params![quoted(&term), common + 1], |r| r.get(0))?;
        if (2..=common).contains(&held) {
            weighted.push(((tf as f64) * (cards as f64 / held as f64).ln(), term));
        }
    }
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(weighted.into_iter().take(TERMS).map(|(_, term)| term).collect())
}

/// How many cards may hold a term for it to count as distinctive: one in a hundred, and
/// at least 20 (in a small dex every term is rare enough).
fn common(cards: i64) -> i64 {
    (cards / 100).max(20)
}

/// A term as an FTS5 string.
fn quoted(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}
