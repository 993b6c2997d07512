//! Which words full-text search can look for: those in which FTS5's tokenizer finds a
//! token.
//!
//! A word made only of separators (`?`, `'`, `…`, an emoji) is an empty phrase to FTS5,
//! which matches no card, so its negation would match every card. Such words constrain
//! nothing and are left out of filters ([`super::prune`]). Which characters separate is
//! FTS5's own business (Unicode categories L*, N* and Co in SQLite's tables, which are
//! not Rust's `is_alphanumeric`: combining vowel signs are letters to Rust, private-use
//! characters are tokens to FTS5), so the answer comes from SQLite's tokenizer itself,
//! configured as `cards_fts` is, in a private in-memory table. ASCII words, nearly all of
//! them, are answered without asking: there, letters and digits are exactly the tokens.

use std::cell::RefCell;

use rusqlite::Connection;

/// The tokenizer of `cards_fts`.
const TOKENIZER: &str = crate::index::FTS_TOKENIZE;

thread_local! {
    /// An in-memory FTS5 table with that tokenizer, made on first use in each thread.
    static PROBE: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

/// Whether full-text search finds any token in `word`.
pub fn searchable(word: &str) -> rusqlite::Result<bool> {
    if word.is_ascii() {
        return Ok(word.bytes().any(|b| b.is_ascii_alphanumeric()));
    }
    PROBE.with(|probe| {
        let mut probe = probe.borrow_mut();
        if probe.is_none() {
            *probe = Some(open_probe()?);
        }
        match probe.as_mut() {
            Some(conn) => has_tokens(conn, word),
            None => Err(rusqlite::Error::InvalidQuery),
        }
    })
}

fn open_probe() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    crate::index::register_tokenizer(&conn)?;
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE probe USING fts5 (word, tokenize = '{TOKENIZER}');
         CREATE VIRTUAL TABLE probe_terms USING fts5vocab (probe, 'instance');"
    ))?;
    Ok(conn)
}

/// Indexes the word in a transaction that is rolled back, and looks at what was indexed.
fn has_tokens(conn: &mut Connection, word: &str) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    tx.execute("INSERT INTO probe (rowid, word) VALUES (1, ?1)", [word])?;
    let found = tx.query_row("SELECT EXISTS (SELECT 1 FROM probe_terms)", [], |r| r.get(0))?;
    tx.rollback()?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_uses_the_index_tokenizer() {
        let schema = include_str!("../../migrations/0005_cjk_tokens.sql");
        assert!(schema.contains(&format!("tokenize = '{TOKENIZER}'")), "cards_fts changed its tokenizer");
    }

    #[test]
    fn words_are_searchable_as_fts5_tokenizes_them() {
        for word in ["a", "don't", "C++", "é", "Ⅻ", "①", "²", "ǅ", "\u{e000}", "日本", "a😀"] {
            assert_eq!(searchable(word), Ok(true), "{word:?}");
        }
        // U+0903 and U+0345 are letters to Rust (Other_Alphabetic), separators to FTS5.
        for word in ["?", "'", "-", "_", "…", "😀", "\u{903}", "\u{345}", "\u{301}", "", " ", "«»"] {
            assert_eq!(searchable(word), Ok(false), "{word:?}");
        }
        assert!('\u{903}'.is_alphanumeric(), "why Rust's answer is not used");
    }
}
