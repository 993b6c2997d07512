//! Telling a damaged index from other failures, and healing it.
//!
//! The index is a cache, so damage of every kind — a page SQLite finds malformed, a file
//! that is no database, a table, index or column gone — is met the same way wherever it
//! shows up: the index is set aside (deleted) and rebuilt from the cards, with one
//! warning, and what failed runs again. Opening finds most damage (`schema`); what only a
//! read meets, such as a malformed page deep in a table, is healed by whoever meets it,
//! through [`retry_after_damage`], so the command line and the TUI heal alike.
//!
//! A busy, full or read-only disk is not damage: deleting the index would not help, and
//! those errors say what to do instead.

use std::path::Path;

use rusqlite::ErrorCode;

use super::refresh::{Progress, RefreshReport, rebuild};
use super::{Index, IndexError};

/// An error that may say the index is damaged.
pub trait Damage {
    /// A few words on the damage (SQLite's own, such as "database disk image is
    /// malformed" or "no such table: cards"), when this error is damage.
    fn index_damage(&self) -> Option<String>;
}

/// SQLite's words for a statement that meets a schema the index should not have. Our
/// statements are fixed text and name only what the migrations make, so on the index
/// these mean a missing or changed object, never a mistake of the user's.
const SCHEMA_ERRORS: [&str; 5] =
    ["no such table", "no such column", "has no column named", "no such index", "vtable constructor failed"];

impl Damage for rusqlite::Error {
    fn index_damage(&self) -> Option<String> {
        let message = || match self {
            rusqlite::Error::SqliteFailure(_, Some(message))
            | rusqlite::Error::SqlInputError { msg: message, .. } => message.clone(),
            other => other.to_string(),
        };
        match self.sqlite_error_code()? {
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => Some(message()),
            ErrorCode::Unknown => Some(message()).filter(|m| SCHEMA_ERRORS.iter().any(|s| m.contains(s))),
            _ => None,
        }
    }
}

impl Damage for IndexError {
    fn index_damage(&self) -> Option<String> {
        match self {
            IndexError::Sqlite { cause, .. } => cause.index_damage(),
            _ => None,
        }
    }
}

/// Runs `op` on the index; when it fails with damage (as `damage` tells), the index is
/// rebuilt from the cards at `root` and `op` runs once more. The rebuild's report comes
/// back beside the answer: its `rebuilt` is the one warning to show.
///
/// For any reader: `damage` is [`Damage::index_damage`] for an error type that has it, or
/// a function looking through a chain of causes.
pub fn retry_after_damage<T, E>(
    index: &mut Index,
    root: &Path,
    damage: impl Fn(&E) -> Option<String>,
    progress: &mut dyn FnMut(Progress),
    mut op: impl FnMut(&mut Index) -> Result<T, E>,
) -> Result<(T, Option<RefreshReport>), E>
where
    E: From<IndexError>,
{
    match op(index) {
        Ok(answer) => Ok((answer, None)),
        Err(err) => match damage(&err) {
            Some(why) => {
                let report = rebuild(index, root, &why, progress)?;
                op(index).map(|answer| (answer, Some(report)))
            }
            None => Err(err),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some(message.into()))
    }

    #[test]
    fn corruption_and_a_missing_schema_are_damage_and_a_busy_or_full_disk_is_not() {
        let damage = [
            (rusqlite::ffi::SQLITE_CORRUPT, "database disk image is malformed"),
            (rusqlite::ffi::SQLITE_CORRUPT_VTAB, "fts5: corruption found reading blob 1"),
            (rusqlite::ffi::SQLITE_NOTADB, "file is not a database"),
            (rusqlite::ffi::SQLITE_ERROR, "no such table: cards"),
            (rusqlite::ffi::SQLITE_ERROR, "table cards has no column named lossy"),
        ];
        for (code, message) in damage {
            assert_eq!(failure(code, message).index_damage().as_deref(), Some(message));
        }
        let other = [
            (rusqlite::ffi::SQLITE_BUSY, "database is locked"),
            (rusqlite::ffi::SQLITE_FULL, "database or disk is full"),
            (rusqlite::ffi::SQLITE_IOERR, "disk I/O error"),
            (rusqlite::ffi::SQLITE_READONLY, "attempt to write a readonly database"),
            (rusqlite::ffi::SQLITE_ERROR, "near \"x\": syntax error"),
        ];
        for (code, message) in other {
            assert_eq!(failure(code, message).index_damage(), None, "{message}");
        }
    }

    #[test]
    fn damage_met_by_a_read_rebuilds_the_index_and_reads_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        std::fs::write(root.join("a.md"), "# A\n").expect("write");
        let mut index =
            Index::open(&root.join(".termdex/index.db"), &Default::default()).expect("open").index;
        super::super::refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        index.conn().execute_batch("DROP TABLE card_text").expect("damage");
        let count = |index: &mut Index| -> Result<i64, IndexError> {
            let sql = "SELECT count(*) FROM cards JOIN card_text USING (id)";
            index.conn().query_row(sql, [], |r| r.get(0)).map_err(|e| index.sqlite_error(e))
        };
        let (count, report) =
            retry_after_damage(&mut index, &root, Damage::index_damage, &mut |_| {}, count).expect("healed");
        assert_eq!(count, 1);
        let warning = report.and_then(|r| r.rebuilt).expect("a warning");
        assert!(
            warning.ends_with("was damaged (no such table: card_text); rebuilt it from the cards"),
            "{warning}"
        );
        // Anything else is the caller's to report, and nothing is rebuilt for it.
        let busy = |_: &mut Index| -> Result<(), IndexError> {
            Err(IndexError::Sqlite { path: root.clone(), cause: failure(rusqlite::ffi::SQLITE_BUSY, "busy") })
        };
        assert!(retry_after_damage(&mut index, &root, Damage::index_damage, &mut |_| {}, busy).is_err());
    }
}
