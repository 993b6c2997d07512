//! The settings an index was built with, kept in `termdex_meta` beside the schema's
//! fingerprint: which files are cards (the config's `extensions`). An index opened with
//! other settings records the new ones and is marked to be read again whole, so the
//! next refresh walks by the new rules and reads every card again (links included,
//! which are read off each card as it is read).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::scan::Extensions;

/// What the index records: `extensions=md,markdown`.
fn fingerprint(extensions: &Extensions) -> String {
    format!("extensions={}", extensions.fingerprint())
}

fn stored(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM termdex_meta WHERE key = 'settings'", [], |r| r.get(0)).optional()
}

/// Makes `extensions` the settings the index is for. Writes nothing when they already
/// are. Otherwise records them, and when the index holds cards found by other rules,
/// marks it to be read again whole; `Some(the old extensions)` then. An index from
/// before settings were recorded was built with the defaults.
pub fn adopt(conn: &mut Connection, extensions: &Extensions) -> rusqlite::Result<Option<Extensions>> {
    let wanted = fingerprint(extensions);
    if stored(conn)?.as_deref() == Some(wanted.as_str()) {
        return Ok(None);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let before = match stored(&tx)? {
        Some(before) if before == wanted => return Ok(None),
        Some(before) => before,
        None => fingerprint(&Extensions::default()),
    };
    tx.execute(
        "INSERT INTO termdex_meta (key, value) VALUES ('settings', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [&wanted],
    )?;
    let changed = before != wanted;
    let has_cards: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM cards)", [], |r| r.get(0))?;
    if changed && has_cards {
        tx.execute(
            "INSERT INTO termdex_meta (key, value) VALUES ('reread', 'the card extensions changed')
             ON CONFLICT (key) DO NOTHING",
            [],
        )?;
    }
    tx.commit()?;
    let old: Vec<&str> =
        before.strip_prefix("extensions=").unwrap_or_default().split(',').filter(|e| !e.is_empty()).collect();
    Ok((changed && has_cards).then(|| Extensions::new(&old).unwrap_or_default()))
}
