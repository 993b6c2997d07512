//! The index: a SQLite cache of the dex at `<dex>/.termdex/index.db`.
//!
//! Opening never fails because of what is in the file: a missing, truncated, garbage,
//! foreign or newer-schema database is deleted and rebuilt from the cards, with a warning.
//! Every connection uses WAL and a busy timeout so that any number of termdex processes
//! can share one dex.

mod fields;
mod migrate;
mod read;
mod refresh;
mod store;

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

pub use fields::{FieldRow, flatten};
pub use migrate::SCHEMA_VERSION;
pub use read::{CARD_COLUMNS, CardRow, ErrorRow, card_errors, card_rows, count_cards, count_errors};
pub use refresh::{Progress, RefreshReport, refresh, refresh_paths};

/// How long a connection waits for another process's write before giving up. Generous,
/// because a full index of a large dex holds the write lock for seconds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Page cache of a connection, in KiB.
const CACHE_KIB: i64 = 32 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot create the index folder {path}: {source}")]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot remove the damaged index {path}: {source} (delete it by hand; it is only a cache)")]
    Remove { path: PathBuf, source: io::Error },
    #[error("index {path} {reason}, even after deleting it (is another program writing there?)")]
    Unusable { path: PathBuf, reason: String },
    #[error("index {path}: {source}")]
    Sqlite { path: PathBuf, source: rusqlite::Error },
}

/// An open index.
pub struct Index {
    conn: Connection,
    path: PathBuf,
}

/// An index that was opened, and why it had to be rebuilt, if it had.
pub struct Opened {
    pub index: Index,
    pub warning: Option<String>,
}

impl Index {
    /// Opens (creating, migrating or rebuilding as needed) the index at `path`.
    pub fn open(path: &Path) -> Result<Opened, IndexError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|source| IndexError::CreateDir { path: dir.to_path_buf(), source })?;
        }
        if !path.exists() {
            // A WAL left beside a deleted database would be replayed into the new one.
            remove_files(path)?;
        }
        match try_open(path) {
            Ok(Ok(index)) => Ok(Opened { index, warning: None }),
            Ok(Err(reason)) => rebuild(path, &reason),
            Err(err) if is_damage(&err) => rebuild(path, &damage_reason(&err)),
            Err(source) => Err(IndexError::Sqlite { path: path.to_path_buf(), source }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the query layer.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    fn sqlite_error(&self, source: rusqlite::Error) -> IndexError {
        IndexError::Sqlite { path: self.path.clone(), source }
    }
}

impl IndexError {
    /// The database file is damaged (rather than busy or unwritable).
    pub fn is_damage(&self) -> bool {
        matches!(self, IndexError::Sqlite { source, .. } if is_damage(source))
    }
}

fn rebuild(path: &Path, reason: &str) -> Result<Opened, IndexError> {
    remove_files(path)?;
    match try_open(path) {
        Ok(Ok(index)) => Ok(Opened {
            index,
            warning: Some(format!("index {} {reason}; rebuilding it from the cards", path.display())),
        }),
        Ok(Err(reason)) => Err(IndexError::Unusable { path: path.to_path_buf(), reason }),
        Err(source) => Err(IndexError::Sqlite { path: path.to_path_buf(), source }),
    }
}

/// `Ok(Err(reason))`: the file is readable SQLite but not an index this build can use.
fn try_open(path: &Path) -> rusqlite::Result<Result<Index, String>> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The result is not checked: while another process holds the file in another mode
    // (a bulk load), SQLite keeps that mode and the next open switches back.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA threads = 2;
",
    )?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    match migrate::migrate(&mut conn)? {
        Ok(()) => Ok(Ok(Index { conn, path: path.to_path_buf() })),
        Err(migrate::Unusable::Newer(v)) => {
            Ok(Err(format!("was written by a newer termdex (schema {v}, this one knows {SCHEMA_VERSION})")))
        }
        Err(migrate::Unusable::Foreign) => Ok(Err("is not a termdex index".into())),
        Err(migrate::Unusable::OtherBuild) => {
            Ok(Err("was made by a termdex build with another schema".into()))
        }
    }
}

fn is_damage(err: &rusqlite::Error) -> bool {
    matches!(err.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

fn damage_reason(err: &rusqlite::Error) -> String {
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "is not a database".into(),
        _ => "is damaged".into(),
    }
}

/// Deletes the database and its WAL and shared-memory files, whichever exist.
fn remove_files(path: &Path) -> Result<(), IndexError> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(source) => return Err(IndexError::Remove { path: file, source }),
        }
    }
    Ok(())
}

impl Index {
    /// Throws the index away and starts an empty one (used when damage shows up mid-use).
    pub fn reset(&mut self) -> Result<(), IndexError> {
        let path = self.path.clone();
        // Close our connection before deleting the files under it.
        let placeholder = Connection::open_in_memory().map_err(|e| self.sqlite_error(e))?;
        drop(std::mem::replace(&mut self.conn, placeholder));
        let opened = rebuild(&path, "is damaged")?;
        *self = opened.index;
        Ok(())
    }
}
