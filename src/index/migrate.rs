//! Schema migrations: numbered SQL files embedded in the binary, applied in order, with the
//! version kept in `PRAGMA user_version`.
//!
//! Twenty lines instead of a migration crate: those pin old rusqlite versions, and the index
//! is a cache, so a schema we do not know is rebuilt rather than repaired.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// `PRAGMA application_id` of a termdex index ("TDX1"), to tell it from other SQLite files.
pub const APPLICATION_ID: i32 = 0x5444_5831;

/// Append-only: a released migration is never edited, a change is a new file.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../../migrations/0001_init.sql")),
    ("0002_sort_indexes", include_str!("../../migrations/0002_sort_indexes.sql")),
    ("0003_links", include_str!("../../migrations/0003_links.sql")),
    ("0004_reread_numbers", include_str!("../../migrations/0004_reread_numbers.sql")),
    ("0005_cjk_tokens", include_str!("../../migrations/0005_cjk_tokens.sql")),
    ("0006_reread_parents", include_str!("../../migrations/0006_reread_parents.sql")),
    ("0007_field_cuts", include_str!("../../migrations/0007_field_cuts.sql")),
    ("0008_reread_names", include_str!("../../migrations/0008_reread_names.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Why an existing database file cannot be used as our index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unusable {
    Newer(i64),
    Foreign,
    /// Same version number, different schema text: a development build's index.
    OtherBuild,
}

/// Brings the schema up to date; `Ok(Err(..))` when the file is not an index we can use.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<(), Unusable>> {
    // Schema 5's full-text table is tokenized by termdex's own tokenizer.
    super::tokenizer::register(conn)?;
    // Checked outside a write transaction first: opening an up-to-date index must not write.
    match check(&read_state(conn)?) {
        Check::UpToDate => return Ok(Ok(())),
        Check::Unusable(why) => return Ok(Err(why)),
        Check::Behind(_) => {}
    }
    // IMMEDIATE: two processes opening a fresh dex at once must not both create tables.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version = match check(&read_state(&tx)?) {
        Check::UpToDate => return Ok(Ok(())),
        Check::Unusable(why) => return Ok(Err(why)),
        Check::Behind(version) => version,
    };
    for (number, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", number as i64 + 1)?;
    }
    tx.execute(
        "INSERT INTO termdex_meta (key, value) VALUES ('schema', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [fingerprint(MIGRATIONS.len())],
    )?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(Ok(()))
}

struct State {
    version: i64,
    app_id: i32,
    has_tables: bool,
    /// The fingerprint stored with the schema, if any.
    schema: Option<String>,
}

enum Check {
    UpToDate,
    Behind(i64),
    Unusable(Unusable),
}

fn read_state(conn: &Connection) -> rusqlite::Result<State> {
    Ok(State {
        version: conn.query_row("PRAGMA user_version", [], |r| r.get(0))?,
        app_id: conn.query_row("PRAGMA application_id", [], |r| r.get(0))?,
        has_tables: conn.query_row("SELECT count(*) > 0 FROM sqlite_schema", [], |r| r.get(0))?,
        schema: stored_fingerprint(conn)?,
    })
}

/// The fingerprint the index was stamped with. An index without the table or the row was
/// not made by this schema (the caller says so); any other failure is a failure, and is
/// reported as one rather than taken for "made by another build".
fn stored_fingerprint(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let has_meta: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'termdex_meta'",
        [],
        |r| r.get(0),
    )?;
    if !has_meta {
        return Ok(None);
    }
    conn.query_row("SELECT value FROM termdex_meta WHERE key = 'schema'", [], |r| r.get(0))
        .optional()
        .map(Option::flatten)
}

fn check(state: &State) -> Check {
    if state.app_id != APPLICATION_ID && (state.app_id != 0 || state.has_tables) {
        Check::Unusable(Unusable::Foreign)
    } else if state.version > SCHEMA_VERSION {
        Check::Unusable(Unusable::Newer(state.version))
    } else if state.version < 0 || (state.version == 0 && state.has_tables) {
        // No termdex writes these: tables without a schema version, or a negative one
        // (which no migration would run from).
        Check::Unusable(Unusable::OtherBuild)
    } else if state.version > 0
        && state.schema.as_deref() != Some(fingerprint(state.version as usize).as_str())
    {
        Check::Unusable(Unusable::OtherBuild)
    } else if state.version == SCHEMA_VERSION {
        Check::UpToDate
    } else {
        Check::Behind(state.version)
    }
}

/// A database as a released build of schema `version` left it (empty), for tests of the
/// migrations that follow.
#[cfg(test)]
pub(super) fn schema_at(conn: &Connection, version: usize) {
    super::tokenizer::register(conn).expect("tokenizer");
    for (_, sql) in &MIGRATIONS[..version] {
        conn.execute_batch(sql).expect("old schema");
    }
    conn.pragma_update(None, "user_version", version as i64).expect("version");
    conn.pragma_update(None, "application_id", APPLICATION_ID).expect("id");
    conn.execute("INSERT INTO termdex_meta (key, value) VALUES ('schema', ?1)", [fingerprint(version)])
        .expect("fingerprint");
}

/// FNV-1a over the text of the first `count` migrations: two builds agree on a schema
/// version only if they agree on every statement that made it.
fn fingerprint(count: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (_, sql) in &MIGRATIONS[..count.min(MIGRATIONS.len())] {
        for byte in sql.bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What released builds of schema 1 stored: if this changes, `0001_init.sql` was
    /// edited, and every index in use would be rebuilt instead of migrated.
    const RELEASED_SCHEMA_ONE: &str = "5c56ad64d893799e";
    /// What released builds of schema 2 stored.
    const RELEASED_SCHEMA_TWO: &str = "1752131a4ee48fb3";

    #[test]
    fn the_released_schema_is_never_edited() {
        assert_eq!(fingerprint(1), RELEASED_SCHEMA_ONE);
        assert_eq!(fingerprint(2), RELEASED_SCHEMA_TWO);
    }

    /// A database as schema 1 left it, holding one card.
    fn schema_one(conn: &Connection) {
        conn.execute_batch(MIGRATIONS[0].1).expect("schema 1");
        conn.pragma_update(None, "user_version", 1).expect("version");
        conn.pragma_update(None, "application_id", APPLICATION_ID).expect("id");
        conn.execute("INSERT INTO termdex_meta (key, value) VALUES ('schema', ?1)", [RELEASED_SCHEMA_ONE])
            .expect("fingerprint");
        conn.execute(
            "INSERT INTO cards (path, title, mtime_ns, size, created) VALUES ('a.md', 'A', 1, 2, '2026-01-01')",
            [],
        )
        .expect("card");
    }

    #[test]
    fn an_index_of_schema_one_is_migrated_in_place() {
        let mut conn = Connection::open_in_memory().expect("open");
        schema_one(&conn);
        assert_eq!(migrate(&mut conn).expect("migrate"), Ok(()));
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let title: String = conn.query_row("SELECT title FROM cards", [], |r| r.get(0)).expect("kept");
        assert_eq!(title, "A");
        // The newest-first screens (their ORDER BY as `sort::sql_order` writes it) walk the
        // new indexes and sort nothing.
        for (order, index) in [
            ("c.mtime_ns DESC, c.path ASC", "cards_by_modified"),
            ("c.created DESC, c.path ASC", "cards_by_created"),
        ] {
            let sql = format!("EXPLAIN QUERY PLAN SELECT id FROM cards c ORDER BY {order} LIMIT 50");
            let plan: Vec<String> =
                conn.prepare(&sql).and_then(|mut s| s.query_map([], |r| r.get(3))?.collect()).expect("plan");
            let plan = plan.join("; ");
            assert!(plan.contains(index) && !plan.contains("TEMP B-TREE"), "{plan}");
        }
        // Up to date now: opening again changes nothing.
        assert!(matches!(check(&read_state(&conn).expect("state")), Check::UpToDate));
    }

    #[test]
    fn an_index_whose_schema_text_differs_is_not_used() {
        let mut conn = Connection::open_in_memory().expect("open");
        schema_one(&conn);
        conn.execute("UPDATE termdex_meta SET value = 'other' WHERE key = 'schema'", []).expect("edit");
        assert_eq!(migrate(&mut conn).expect("migrate"), Err(Unusable::OtherBuild));
    }

    #[test]
    fn a_negative_or_missing_version_beside_tables_is_not_used() {
        for version in [-1, 0] {
            let mut conn = Connection::open_in_memory().expect("open");
            schema_one(&conn);
            conn.pragma_update(None, "user_version", version).expect("version");
            assert_eq!(migrate(&mut conn).expect("migrate"), Err(Unusable::OtherBuild), "{version}");
        }
    }

    #[test]
    fn a_fingerprint_that_cannot_be_read_is_an_error_not_another_build() {
        let mut conn = Connection::open_in_memory().expect("open");
        schema_one(&conn);
        conn.execute_batch("DROP TABLE termdex_meta; CREATE TABLE termdex_meta (key TEXT)").expect("reshape");
        let err = migrate(&mut conn).expect_err("a failed read is a failure");
        assert!(err.to_string().contains("no such column: value"), "{err}");
        conn.execute_batch("DROP TABLE termdex_meta").expect("drop");
        assert_eq!(migrate(&mut conn).expect("migrate"), Err(Unusable::OtherBuild), "no fingerprint at all");
    }
}
