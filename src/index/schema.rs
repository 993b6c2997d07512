//! The schema an index must have, checked on every open: an index missing a table, an
//! index or a column (or holding an object termdex never made) fails some statement
//! sooner or later, so it is found here, before any command uses it, and rebuilt.
//!
//! What "must have" means is read back from an in-memory database that the migrations
//! build, once per process (about a millisecond): it stays right as migrations are added,
//! and the shadow tables FTS5 makes are spelled the way this build's SQLite spells them.
//! Comparing the few rows of `sqlite_schema` costs nothing next to a refresh.

use std::sync::OnceLock;

use rusqlite::Connection;

use super::migrate;

/// One row of `sqlite_schema`, without its root page (which differs between files).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Object {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

/// Statistics tables that `ANALYZE` or `AUTOINCREMENT` may add are not part of the schema.
const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM sqlite_schema
    WHERE name NOT LIKE 'sqlite\\_stat%' ESCAPE '\\' AND name <> 'sqlite_sequence'
    ORDER BY type, name";

fn objects(conn: &Connection) -> rusqlite::Result<Vec<Object>> {
    let mut stmt = conn.prepare(OBJECTS)?;
    let rows = stmt.query_map([], |r| {
        Ok(Object { kind: r.get(0)?, name: r.get(1)?, table: r.get(2)?, sql: r.get(3)? })
    })?;
    rows.collect()
}

/// The objects the migrations make.
fn expected() -> rusqlite::Result<&'static [Object]> {
    static EXPECTED: OnceLock<Vec<Object>> = OnceLock::new();
    if let Some(objects) = EXPECTED.get() {
        return Ok(objects);
    }
    let mut conn = Connection::open_in_memory()?;
    if let Err(why) = migrate::migrate(&mut conn)? {
        // An empty database is always migrated; this is a bug, not a damaged index.
        unreachable!("the migrations refused an empty database: {why:?}");
    }
    let made = objects(&conn)?;
    Ok(EXPECTED.get_or_init(|| made))
}

/// What differs between the schema of `conn` (migrated up to date) and the one the
/// migrations make, in a few words, if anything does.
pub fn difference(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let expected = expected()?;
    let found = objects(conn)?;
    if found == expected {
        return Ok(None);
    }
    let named = |list: &[Object], object: &Object| {
        list.iter().find(|o| o.kind == object.kind && o.name == object.name).cloned()
    };
    // Tables first: a dropped table takes its indexes with it, and is the news.
    let tables_first =
        expected.iter().filter(|o| o.kind == "table").chain(expected.iter().filter(|o| o.kind != "table"));
    for object in tables_first {
        match named(&found, object) {
            None => return Ok(Some(format!("{} `{}` is missing", object.kind, object.name))),
            Some(other) if other != *object => {
                return Ok(Some(format!("{} `{}` is not as termdex made it", object.kind, object.name)));
            }
            Some(_) => {}
        }
    }
    let extra = found.iter().find(|o| named(expected, o).is_none());
    Ok(Some(match extra {
        Some(object) => format!("it holds a {} `{}` termdex never made", object.kind, object.name),
        None => "its schema is not as termdex made it".into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrated() -> Connection {
        let mut conn = Connection::open_in_memory().expect("open");
        assert_eq!(migrate::migrate(&mut conn).expect("migrate"), Ok(()));
        conn
    }

    #[test]
    fn a_whole_schema_has_no_difference() {
        assert_eq!(difference(&migrated()).expect("compare"), None);
    }

    #[test]
    fn a_missing_changed_or_extra_object_is_named() {
        let cases = [
            ("DROP TABLE cards", "table `cards` is missing"),
            ("DROP TABLE cards_fts", "table `cards_fts` is missing"),
            ("DROP TABLE cards_fts_data", "table `cards_fts_data` is missing"),
            ("DROP INDEX cards_by_stamp", "index `cards_by_stamp` is missing"),
            ("ALTER TABLE cards DROP COLUMN lossy", "table `cards` is not as termdex made it"),
            ("CREATE TABLE mine (x)", "it holds a table `mine` termdex never made"),
            (
                "CREATE TRIGGER t AFTER INSERT ON cards BEGIN SELECT 1; END",
                "it holds a trigger `t` termdex never made",
            ),
        ];
        for (damage, why) in cases {
            let conn = migrated();
            conn.execute_batch(damage).expect(damage);
            assert_eq!(difference(&conn).expect("compare").as_deref(), Some(why), "{damage}");
        }
    }

    #[test]
    fn statistics_tables_are_not_part_of_the_schema() {
        let conn = migrated();
        conn.execute_batch("ANALYZE").expect("analyze");
        assert_eq!(difference(&conn).expect("compare"), None);
    }
}
