//! The cards a new card may duplicate, looked up before it is written (`termdex new`, the
//! TUI's `n`): a card with the same `url`, or one whose title is near-identical.
//!
//! The rule:
//!
//! - **Same url**: one of the card's `url` values equals the new url once both are
//!   normalised ([`url_key`]): `http` and `https` are one scheme (a url written without a
//!   scheme is taken for either), the host compares in any letter case, one trailing `/`
//!   is dropped; the rest (path, query) compares as written. `https://Marabos.nl/atomics/`
//!   is `http://marabos.nl/atomics`; `https://marabos.nl/Atomics` is another page.
//! - **Same title**: the titles' words are equal ([`title_words`]: lower case, every run
//!   of characters that are neither letters nor digits one space): `Rust Atomics & Locks!`
//!   is `rust atomics  locks`.
//! - **Similar title**: the words, joined by a space, are at most a tenth of the longer
//!   one's characters apart in edits (Levenshtein: a character inserted, removed or
//!   changed), and hold the same numbers in the same order. `Rust Atomics and Lock` is
//!   `Rust Atomics and Locks`; a title under ten characters must be the same; `Meeting
//!   2025-03-02` is not `Meeting 2025-03-03`, nor `Chapter 3 notes` `Chapter 4 notes`.
//!   Titles longer than [`MAX_FUZZY_CHARS`] are only compared for the same words.
//!
//! A blank title or url is compared with nothing. Every title of the index is read and
//! compared in one pass; a card's title is compared once, cheaply rejected by its length
//! and numbers before any edit distance is worked out.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::index::{CardRow, Index};
use crate::value::display_text;

use super::QueryError;
use super::links::card_by_id;

/// Titles (as words) longer than this are compared only for the same words: an edit
/// distance costs the product of the two lengths.
pub const MAX_FUZZY_CHARS: usize = 200;

/// The cards a new card titled `title`, with `url` if given, may duplicate: those with the
/// same url first, then the same title, then similar titles (closest first), each once,
/// by path within each group.
pub fn find(index: &Index, title: &str, url: Option<&str>) -> Result<Vec<CardRow>, QueryError> {
    let read = || -> rusqlite::Result<Vec<CardRow>> {
        let conn = index.conn();
        let mut ids = url.map_or(Ok(Vec::new()), |url| same_url(conn, url))?;
        ids.extend(similar_titles(conn, title)?);
        let mut seen = HashSet::new();
        let mut cards = Vec::new();
        for id in ids.into_iter().filter(|id| seen.insert(*id)) {
            cards.extend(card_by_id(conn, id)?);
        }
        Ok(cards)
    };
    read().map_err(|cause| QueryError::sqlite(index, cause))
}

/// How a person is told of a card they may be duplicating:
/// `you already have: 2025/03/02/rust-atomics.md "Rust Atomics and Locks" (bookmark, 2025-03-02)`,
/// the path relative to the dex, then the title, then the card's `what` and date (its
/// `created` or `date`, else the day it was last modified) when it has them.
pub fn hint(card: &CardRow) -> String {
    let what = card.value("what").ok().flatten().map(|v| display_text(&v)).filter(|w| !w.trim().is_empty());
    let date = card.created.get(..10).filter(|d| !d.is_empty());
    let about: Vec<&str> = what.iter().map(String::as_str).chain(date).collect();
    let about = if about.is_empty() { String::new() } else { format!(" ({})", about.join(", ")) };
    format!("you already have: {} \"{}\"{about}", card.path, card.title)
}

/// A url as the rule compares it: `http(s)://` + host in lower case + the rest as
/// written, without one trailing `/`; `None` when blank.
pub fn url_key(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => (scheme.to_ascii_lowercase(), rest),
        _ => (String::new(), url),
    };
    let scheme = match scheme.as_str() {
        "" | "http" | "https" => "http(s)",
        other => other,
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let tail = tail.strip_suffix('/').unwrap_or(tail);
    (!host.is_empty() || !tail.is_empty()).then(|| format!("{scheme}://{}{tail}", host.to_lowercase()))
}

fn is_scheme(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The cards with a `url` value equal to `url` by [`url_key`]. The index keeps each value
/// in lower case (`norm`): the few spellings that can fold to the same key are looked up
/// on `card_fields_by_text`, and the values found compared exactly.
fn same_url(conn: &Connection, url: &str) -> rusqlite::Result<Vec<i64>> {
    let Some(key) = url_key(url) else { return Ok(Vec::new()) };
    let (scheme, rest) = key.split_once("://").unwrap_or(("", &key));
    let schemes: &[&str] = if scheme == "http(s)" { &["http://", "https://", ""] } else { &[""] };
    let rest = rest.to_lowercase();
    let prefix = if scheme == "http(s)" { String::new() } else { format!("{scheme}://") };
    let mut spellings = Vec::new();
    for scheme in schemes {
        spellings.push(format!("{scheme}{prefix}{rest}"));
        spellings.push(format!("{scheme}{prefix}{rest}/"));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT f.card_id, f.text FROM card_fields f JOIN cards c ON c.id = f.card_id
         WHERE f.key = 'url' AND f.norm IN (?1, ?2, ?3, ?4, ?5, ?6) ORDER BY c.path",
    )?;
    // Unused places repeat the first spelling.
    let params: Vec<&str> = (0..6).map(|i| spellings.get(i).unwrap_or(&spellings[0]).as_str()).collect();
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, text) = row?;
        if text.as_deref().and_then(url_key).as_deref() == Some(key.as_str()) && !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A title as the rule compares it: its words in lower case, one space apart.
pub fn title_words(title: &str) -> String {
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.join(" ")
}

/// The runs of digits in `words`, which must be the same for two titles to be similar.
fn numbers(words: &str) -> Vec<&str> {
    words.split(|c: char| !c.is_numeric()).filter(|n| !n.is_empty()).collect()
}

/// The cards whose titles are the same as `title` (by path), then those similar to it
/// (closest first, then by path).
fn similar_titles(conn: &Connection, title: &str) -> rusqlite::Result<Vec<i64>> {
    let wanted = title_words(title);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let wanted_chars: Vec<char> = wanted.chars().collect();
    let wanted_numbers = numbers(&wanted);
    let mut found: Vec<(usize, String, i64)> = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT id, title, path FROM cards")?;
    let mut rows = stmt.query([])?;
    let mut chars = Vec::new();
    while let Some(row) = rows.next()? {
        let words = title_words(row.get_ref(1)?.as_str()?);
        let distance = if words == wanted {
            Some(0)
        } else {
            chars.clear();
            chars.extend(words.chars());
            let longer = chars.len().max(wanted_chars.len());
            let close = longer <= MAX_FUZZY_CHARS && numbers(&words) == wanted_numbers;
            close.then(|| within(&chars, &wanted_chars, longer / 10)).flatten()
        };
        if let Some(distance) = distance {
            found.push((distance, row.get(2)?, row.get(0)?));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, _, id)| id).collect())
}

/// The edit distance between `a` and `b` (characters inserted, removed or changed), or
/// `None` when it is more than `max` (worked out only as far as that needs).
fn within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if max == 0 || a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut best = current[0];
        for (j, cb) in b.iter().enumerate() {
            let changed = previous[j] + usize::from(ca != cb);
            current[j + 1] = changed.min(previous[j + 1] + 1).min(current[j] + 1);
            best = best.min(current[j + 1]);
        }
        if best > max {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|d| *d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_without_scheme_host_case_or_a_trailing_slash() {
        let key = |url: &str| url_key(url).expect("a url");
        assert_eq!(key("https://Marabos.NL/atomics/"), key("http://marabos.nl/atomics"));
        assert_eq!(key("HTTPS://marabos.nl"), key("marabos.nl/"));
        assert_eq!(key("https://x.org/a?b=1"), "http(s)://x.org/a?b=1");
        assert_ne!(
            key("https://marabos.nl/Atomics"),
            key("https://marabos.nl/atomics"),
            "paths keep their case"
        );
        assert_ne!(key("ftp://x.org/a"), key("https://x.org/a"));
        assert_ne!(key("https://x.org/a//"), key("https://x.org/a"), "only one slash is dropped");
        assert_eq!(url_key("  "), None);
    }

    #[test]
    fn titles_compare_by_their_words() {
        assert_eq!(title_words("  Rust Atomics & Locks!  "), "rust atomics locks");
        assert_eq!(title_words("Ünïcode—Notes_v2"), "ünïcode notes v2");
        assert_eq!(title_words("…"), "");
        assert_eq!(numbers("meeting 2025 03 02 v2"), ["2025", "03", "02", "2"]);
    }

    #[test]
    fn the_edit_distance_is_worked_out_only_up_to_its_bound() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let d = |a: &str, b: &str, max| within(&chars(a), &chars(b), max);
        assert_eq!(d("rust atomics and lock", "rust atomics and locks", 2), Some(1));
        assert_eq!(d("kitten", "sitting", 3), Some(3));
        assert_eq!(d("kitten", "sitting", 2), None);
        assert_eq!(d("abc", "abc", 0), None, "no bound: the same words are found apart");
        assert_eq!(d("a", "abcdef", 3), None);
    }

    fn dex(cards: &[(&str, &str)]) -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in cards {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(file, text).expect("write");
        }
        let mut index = Index::open(&dir.path().join(".termdex/index.db")).expect("open").index;
        crate::index::refresh(&mut index, dir.path(), false, &mut |_| {}).expect("refresh");
        (dir, index)
    }

    fn paths(index: &Index, title: &str, url: Option<&str>) -> Vec<String> {
        find(index, title, url).expect("find").into_iter().map(|c| c.path).collect()
    }

    #[test]
    fn same_url_then_same_title_then_similar_titles_closest_first() {
        let (_dir, index) = dex(&[
            ("b/book.md", "---\ntitle: Atomics\nurl: https://Marabos.nl/atomics/\n---\n"),
            ("a/other-url.md", "---\ntitle: Other\nurl: [https://x.org, HTTP://MARABOS.NL/atomics]\n---\n"),
            ("same.md", "# Rust atomics & locks\n"),
            ("close.md", "# Rust Atomic and Lock\n"),
            ("closer.md", "# Rust Atomics and Lock\n"),
            ("exact.md", "---\ntitle: \"Rust Atomics and Locks!\"\n---\n"),
            ("numbered.md", "# Rust Atomics and Locks 2\n"),
            ("far.md", "# Rust Atomics\n"),
            ("path-case.md", "---\nurl: https://marabos.nl/Atomics\n---\n"),
        ]);
        assert_eq!(
            paths(&index, "Rust Atomics and Locks", Some("http://marabos.nl/atomics")),
            ["a/other-url.md", "b/book.md", "exact.md", "closer.md", "close.md"]
        );
        assert_eq!(paths(&index, "rust atomics locks", None), ["same.md"]);
        assert_eq!(paths(&index, "", Some("https://nowhere.example")), Vec::<String>::new());
    }
}
