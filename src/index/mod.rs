//! The index: a SQLite cache of the dex at `<dex>/.termdex/index.db`.
//!
//! Opening never fails because of what is in the file: a missing, truncated, garbage,
//! foreign or newer-schema database, or one missing a table, an index or a column of its
//! schema (compared on every open: `schema`), is deleted and rebuilt from the cards, with
//! a warning. Damage only a read meets later (a malformed page deep in a table) is healed
//! by whoever meets it, the same way (`damage`).
//! Every connection uses WAL and a busy timeout so that any number of termdex processes
//! can share one dex; nor does opening fail because another process is mid-write (setting
//! up a connection that finds the file busy is retried for as long as the busy timeout).
//!
//! Creating, deleting and rebuilding the database files happen under an exclusive lock on
//! `.termdex/index.lock`, so that one process never deletes a database (or its WAL) that
//! another has just created. Opening an index that exists takes no lock.

mod damage;
mod fields;
mod links;
mod migrate;
mod read;
mod refresh;
mod schema;
mod settings;
mod store;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::scan::Extensions;

pub use damage::{Damage, retry_after_damage};
pub use fields::{FieldRow, flatten};
pub use links::resolve_name;
pub use migrate::SCHEMA_VERSION;
pub use read::{CARD_COLUMNS, CardRow, ErrorRow, card_errors, count_cards, count_errors, field_in_json};
pub use refresh::{Fresh, Progress, RefreshReport, read_fresh, rebuild, refresh, refresh_paths};

/// How long a connection waits for another process's write before giving up. Generous,
/// because a full index of a large dex holds the write lock for seconds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Page cache of a connection, in KiB.
const CACHE_KIB: i64 = 32 * 1024;

/// The causes are part of each message rather than error sources, so that a chain
/// printed with its causes says each thing once.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot create the index folder {path}: {cause} (check that the folder above it is writable)")]
    CreateDir { path: PathBuf, cause: io::Error },
    #[error("cannot remove the damaged index {path}: {cause} (delete it by hand; it is only a cache)")]
    Remove { path: PathBuf, cause: io::Error },
    #[error("cannot lock {path} to create the index: {cause} (is the folder writable?)")]
    Lock { path: PathBuf, cause: io::Error },
    #[error("index {path} {reason}, even after deleting it (is another program writing there?)")]
    Unusable { path: PathBuf, reason: String },
    #[error("index {path}: {cause}{}", advice(cause))]
    Sqlite { path: PathBuf, cause: rusqlite::Error },
}

/// What to do about an SQLite failure that comes from the machine rather than from the
/// index: the end of the message. The index is a cache, which is worth saying when the
/// way out may be to delete it.
fn advice(cause: &rusqlite::Error) -> &'static str {
    match cause.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => {
            " (the disk is full: free some space and run the command again; the index was left as it was)"
        }
        Some(ErrorCode::SystemIoFailure) => {
            " (a disk read or write failed: check the free space, the file size limit (ulimit -f) and the disk, then run the command again; the index was left as it was)"
        }
        Some(ErrorCode::ReadOnly) => " (the index is read-only: make its folder and files writable)",
        Some(ErrorCode::CannotOpen) => " (check that the index folder exists and is writable)",
        _ => "",
    }
}

/// An open index.
pub struct Index {
    conn: Connection,
    path: PathBuf,
    /// Which file the connection opened (device, inode), to notice it replaced.
    file: Option<(u64, u64)>,
    /// Which files are cards: what a refresh walks for, and what the index records it was
    /// built for.
    extensions: Extensions,
}

/// An index that was opened, and why it had to be rebuilt, if it had.
pub struct Opened {
    pub index: Index,
    pub warning: Option<String>,
}

impl Index {
    /// Opens (creating, migrating or rebuilding as needed) the index at `path`, for a dex
    /// whose cards are named with `extensions`. An index built for other extensions is
    /// marked to be read again whole by the next refresh, with a warning saying so.
    pub fn open(path: &Path, extensions: &Extensions) -> Result<Opened, IndexError> {
        let mut opened = Index::open_file(path)?;
        opened.index.extensions = extensions.clone();
        let sqlite_error = |cause| IndexError::Sqlite { path: path.to_path_buf(), cause };
        let conn = &mut opened.index.conn;
        let before = retry_while_busy(|| settings::adopt(conn, extensions)).map_err(sqlite_error)?;
        if let Some(before) = before
            && opened.warning.is_none()
        {
            opened.warning = Some(format!(
                "index {} was built for {} files, and the config now says cards are {} files; every card is read again",
                path.display(),
                before.describe(),
                extensions.describe()
            ));
        }
        Ok(opened)
    }

    /// [`Index::open`] up to the settings.
    fn open_file(path: &Path) -> Result<Opened, IndexError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|cause| IndexError::CreateDir { path: dir.to_path_buf(), cause })?;
        }
        if !path.exists() {
            let _lock = CreationLock::take(path)?;
            // Looked at again under the lock: another process may have just created it.
            if !path.exists() {
                // A WAL left beside a deleted database would be replayed into the new one.
                remove_files(path)?;
            }
            return match try_open(path) {
                Ok(Ok(index)) => Ok(Opened { index, warning: None }),
                Ok(Err(reason)) => replace_locked(path, &reason),
                Err(err) => match damage_reason(&err) {
                    Some(reason) => replace_locked(path, &reason),
                    None => Err(IndexError::Sqlite { path: path.to_path_buf(), cause: err }),
                },
            };
        }
        match try_open(path) {
            Ok(Ok(index)) => Ok(Opened { index, warning: None }),
            Ok(Err(reason)) => replace_unusable(path, &reason),
            Err(err) => match damage_reason(&err) {
                Some(reason) => replace_unusable(path, &reason),
                None => Err(IndexError::Sqlite { path: path.to_path_buf(), cause: err }),
            },
        }
    }

    /// Opens the index at `path` for reading only, as it is: no creating, migrating or
    /// rebuilding (`termdex sql`, which must never change it).
    pub fn open_read_only(path: &Path) -> Result<Index, IndexError> {
        let sqlite_error = |cause| IndexError::Sqlite { path: path.to_path_buf(), cause };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sqlite_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error)?;
        conn.execute_batch("PRAGMA temp_store = MEMORY;").map_err(sqlite_error)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB).map_err(sqlite_error)?;
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            file: file_identity(path),
            extensions: Extensions::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which files are cards for this index's refreshes.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// Whether the index file is no longer the one this connection opened: another
    /// process found it damaged and rebuilt it. A reader that stays open (the TUI) then
    /// opens the index again; this connection would go on reading the deleted file.
    pub fn replaced(&self) -> bool {
        file_identity(&self.path) != self.file
    }

    /// Opens the index again if its file was replaced (see [`Index::replaced`]), which
    /// one `stat` tells; `true` when it did.
    pub fn reopen_if_replaced(&mut self) -> Result<bool, IndexError> {
        if !self.replaced() {
            return Ok(false);
        }
        *self = Index::open(&self.path, &self.extensions.clone())?.index;
        Ok(true)
    }

    /// The connection, for the query layer; nothing outside the library sees it.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection alone, for the query layer's read-only SQL (`termdex sql`).
    pub(crate) fn into_connection(self) -> Connection {
        self.conn
    }

    fn sqlite_error(&self, cause: rusqlite::Error) -> IndexError {
        IndexError::Sqlite { path: self.path.clone(), cause }
    }
}

/// The exclusive lock on `.termdex/index.lock`, held while database files are created or
/// deleted; released when dropped (or when the process dies).
struct CreationLock {
    _file: File,
}

impl CreationLock {
    fn take(index_path: &Path) -> Result<CreationLock, IndexError> {
        let path = index_path.with_extension("lock");
        let lock_error = |cause| IndexError::Lock { path: path.clone(), cause };
        let file =
            File::options().create(true).truncate(false).write(true).open(&path).map_err(lock_error)?;
        file.lock().map_err(lock_error)?;
        Ok(CreationLock { _file: file })
    }
}

/// Replaces an index found unusable. Under the lock it is looked at once more first: when
/// another process has rebuilt it meanwhile, that index is used rather than deleted.
fn replace_unusable(path: &Path, reason: &str) -> Result<Opened, IndexError> {
    let _lock = CreationLock::take(path)?;
    if let Ok(Ok(index)) = try_open(path) {
        return Ok(Opened { index, warning: None });
    }
    replace_locked(path, reason)
}

/// Deletes the database files and starts an empty index; the caller holds the lock.
fn replace_locked(path: &Path, reason: &str) -> Result<Opened, IndexError> {
    remove_files(path)?;
    match try_open(path) {
        Ok(Ok(index)) => Ok(Opened {
            index,
            warning: Some(format!("index {} {reason}; rebuilding it from the cards", path.display())),
        }),
        Ok(Err(reason)) => Err(IndexError::Unusable { path: path.to_path_buf(), reason }),
        Err(cause) => Err(IndexError::Sqlite { path: path.to_path_buf(), cause }),
    }
}

/// `Ok(Err(reason))`: the file is readable SQLite but not an index this build can use.
fn try_open(path: &Path) -> rusqlite::Result<Result<Index, String>> {
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let set_up = retry_while_busy(|| set_up(&mut conn))?;
    Ok(set_up.map(|()| Index {
        conn,
        path: path.to_path_buf(),
        file: file_identity(path),
        // Set by `Index::open`, which knows the dex's.
        extensions: Extensions::default(),
    }))
}

/// Runs `step` again, with growing pauses, while SQLite answers that the database is busy
/// (some of its locks are not covered by the busy timeout, the switch to WAL on a file
/// another process is creating among them), for up to [`BUSY_TIMEOUT`] in all.
fn retry_while_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match step() {
            Err(err) if is_busy(&err) && start.elapsed() + pause < BUSY_TIMEOUT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(err.sqlite_error_code(), Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// The connection's settings and the schema.
fn set_up(conn: &mut Connection) -> rusqlite::Result<Result<(), String>> {
    // Not checked: where WAL is impossible (no shared memory), SQLite keeps the rollback
    // journal, and termdex still works, with less concurrency.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA threads = 2;
",
    )?;
    conn.pragma_update(None, "cache_size", -CACHE_KIB)?;
    match migrate::migrate(conn)? {
        Ok(()) => Ok(schema::difference(conn)?.map_or(Ok(()), |why| Err(format!("is damaged ({why})")))),
        Err(migrate::Unusable::Newer(v)) => {
            Ok(Err(format!("was written by a newer termdex (schema {v}, this one knows {SCHEMA_VERSION})")))
        }
        Err(migrate::Unusable::Foreign) => Ok(Err("is not a termdex index".into())),
        Err(migrate::Unusable::OtherBuild) => {
            Ok(Err("was made by a termdex build with another schema".into()))
        }
    }
}

/// Why an index that failed to open is to be rebuilt, if the failure is damage.
fn damage_reason(err: &rusqlite::Error) -> Option<String> {
    let why = err.index_damage()?;
    Some(match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => "is not a database".into(),
        _ => format!("is damaged ({why})"),
    })
}

fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|meta| (meta.dev(), meta.ino()))
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
            Err(cause) => return Err(IndexError::Remove { path: file, cause }),
        }
    }
    Ok(())
}

impl Index {
    /// Throws the damaged index away and starts an empty one (for damage that shows up
    /// mid-use); `false` when another process has done so already: the file at the path
    /// is no longer the one this connection opened, and it opens whole. That index is
    /// used instead, for deleting it would throw away a sound index, perhaps one still
    /// being built.
    fn reset(&mut self) -> Result<bool, IndexError> {
        let path = self.path.clone();
        let opened_file = self.file;
        let extensions = self.extensions.clone();
        // Close our connection before deleting the files under it.
        let placeholder = Connection::open_in_memory().map_err(|e| self.sqlite_error(e))?;
        drop(std::mem::replace(&mut self.conn, placeholder));
        let _lock = CreationLock::take(&path)?;
        if file_identity(&path) != opened_file
            && let Ok(Ok(index)) = try_open(&path)
        {
            *self = index;
            self.adopt(extensions)?;
            return Ok(false);
        }
        *self = replace_locked(&path, "is damaged")?.index;
        self.adopt(extensions)?;
        Ok(true)
    }

    /// Makes `extensions` this index's (after it was opened afresh by [`Index::reset`]).
    fn adopt(&mut self, extensions: Extensions) -> Result<(), IndexError> {
        let conn = &mut self.conn;
        retry_while_busy(|| settings::adopt(conn, &extensions))
            .map_err(|e| IndexError::Sqlite { path: self.path.clone(), cause: e })?;
        self.extensions = extensions;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index records the extensions it is built for: the same ones again write
    /// nothing; an index from before they were recorded counts as built for the defaults;
    /// other ones mark every card to be read again, and say what changed.
    #[test]
    fn the_extensions_an_index_is_built_for_are_recorded() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.md"), "# A\n").expect("write");
        let path = dir.path().join(".termdex/index.db");
        let md = Extensions::default();
        let mut index = Index::open(&path, &md).expect("open").index;
        refresh(&mut index, dir.path(), false, &mut |_| {}).expect("refresh");
        let reread = |index: &Index| store::reread_pending(&index.conn).expect("read");
        // As an index of an earlier build left it: no settings row.
        index.conn.execute("DELETE FROM termdex_meta WHERE key = 'settings'", []).expect("delete");
        drop(index);
        let opened = Index::open(&path, &md).expect("open");
        assert_eq!((opened.warning.as_deref(), reread(&opened.index)), (None, false));
        let stored = |index: &Index| settings_row(&index.conn);
        assert_eq!(stored(&opened.index).as_deref(), Some("extensions=md,markdown"));
        drop(opened);
        let txt = Extensions::new(&["txt"]).expect("valid");
        let opened = Index::open(&path, &txt).expect("open");
        assert!(opened.warning.as_deref().is_some_and(|w| w.contains("built for .md or .markdown files")));
        assert!(reread(&opened.index));
        assert_eq!(stored(&opened.index).as_deref(), Some("extensions=txt"));
        assert_eq!(opened.index.extensions(), &txt);
        drop(opened);
        let opened = Index::open(&path, &txt).expect("open");
        assert_eq!(opened.warning, None, "said once");
    }

    fn settings_row(conn: &Connection) -> Option<String> {
        conn.query_row("SELECT value FROM termdex_meta WHERE key = 'settings'", [], |r| r.get(0)).ok()
    }

    #[test]
    fn errors_carry_their_cause_in_the_message_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("file"), "").expect("write");
        let err =
            Index::open(&dir.path().join("file/index.db"), &Default::default()).err().expect("not a folder");
        assert!(std::error::Error::source(&err).is_none(), "{err:?}");
        let chain = format!("{:#}", anyhow::Error::from(err));
        assert_eq!(chain.matches("os error").count(), 1, "{chain}");
        std::fs::create_dir_all(dir.path().join("db/index.db")).expect("mkdir");
        let err = Index::open(&dir.path().join("db/index.db"), &Default::default())
            .err()
            .expect("a folder is no database");
        assert!(std::error::Error::source(&err).is_none(), "{err:?}");
    }

    #[test]
    fn an_index_another_process_rebuilt_is_noticed_and_used_not_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.db");
        let mut mine = Index::open(&path, &Default::default()).expect("open").index;
        let mut theirs = Index::open(&path, &Default::default()).expect("open").index;
        assert!(!mine.replaced() && !theirs.replaced());
        // They meet damage first, and rebuild.
        assert!(theirs.reset().expect("reset"), "the file was deleted and made anew");
        assert!(mine.replaced() && !theirs.replaced());
        // Meeting damage on the old file, this connection takes up theirs.
        assert!(!mine.reset().expect("reset"), "their index is used, not deleted");
        assert!(!mine.replaced() && !theirs.replaced());
        assert_eq!(mine.file, theirs.file);
        // A reader that only reads notices it with one stat, and opens the new file.
        let mut reader = Index::open(&path, &Default::default()).expect("open").index;
        assert!(!reader.reopen_if_replaced().expect("nothing to do"));
        assert!(theirs.reset().expect("reset"));
        assert!(reader.reopen_if_replaced().expect("reopened"));
        assert_eq!(reader.file, theirs.file);
    }

    #[test]
    fn creating_an_index_takes_the_lock_and_opening_one_does_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.db");
        let first = Index::open(&path, &Default::default()).expect("create").index;
        assert!(dir.path().join("index.lock").exists());
        // Held by another handle, the lock does not stop an existing index from opening.
        let held = CreationLock::take(&path).expect("lock");
        let second = Index::open(&path, &Default::default()).expect("open while the lock is held").index;
        drop((held, first, second));
    }
}
