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
//!
//! `.termdex/` is termdex's own, and anything but a regular file in the place of one of
//! the database files (a folder, a FIFO, a symlink) is damage too: an empty folder is
//! removed, anything else is renamed aside to `NAME.broken-N` (nothing is deleted that
//! may hold someone's data), and the index is rebuilt, with one warning. SQLite is never
//! let follow a symlink there: it would create the database wherever the link points.

mod damage;
pub mod fields;
mod links;
mod migrate;
mod pairs;
mod read;
mod refresh;
mod schema;
mod store;
mod tokenizer;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::files::{self, SpecialFile};
use crate::scan::Settings;

pub use damage::{Damage, retry_after_damage};
pub use fields::{Cut, Cuts, FieldRow, Flat, flatten};
pub use links::{NameLookup, link_candidates_sql, resolve_name, resolve_name_sql};
pub use migrate::SCHEMA_VERSION;
pub(crate) use tokenizer::BREAK as FTS_BREAK;
// Public for examples/fts_tokenizers.rs, which measures the full-text table with it and
// without it; no front end touches a connection.
pub use read::{
    BadFields, CARD_COLUMNS, CardRow, ErrorRow, FieldJson, FieldSpans, card_errors, count_cards,
    count_errors, field_in_json, plain_string,
};
pub use refresh::{
    Fresh, Progress, RefreshReport, read_as_walked, read_fresh, rebuild, refresh, refresh_paths, untouched,
};
pub use tokenizer::{TOKENIZE as FTS_TOKENIZE, is_cjk, register as register_tokenizer};

/// How long a connection waits for another process's write before giving up. Generous,
/// because a full index of a large dex holds the write lock for seconds.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Page cache of a connection, in KiB.
const CACHE_KIB: i64 = 32 * 1024;

/// Page cache for a read that touches each page about once ([`Index::reading_once`]).
const ONE_PASS_CACHE_KIB: i64 = 2 * 1024;

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
    #[error(
        "cannot lock the index: {path} is {kind}, not a file termdex made; remove it (termdex makes the lock file again) and run the command again"
    )]
    LockInTheWay { path: PathBuf, kind: &'static str },
    #[error(
        "index file {path} is {kind}, and cannot be moved aside: {cause} (move or remove it by hand; the index is only a cache)"
    )]
    SetAside { path: PathBuf, kind: &'static str, cause: io::Error },
    #[error("index {path} {reason}, even after deleting it (is another program writing there?)")]
    Unusable { path: PathBuf, reason: String },
    #[error("index {path}: {cause}{}", advice(cause))]
    Sqlite { path: PathBuf, cause: rusqlite::Error },
    #[error("index {path} {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error(transparent)]
    BadFields(#[from] BadFields),
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
    /// The settings given by [`Index::use_settings`], kept for an index rebuilt or
    /// reopened later in the same run.
    settings: Option<Settings>,
    /// What this process's walks are recorded as ([`Index::record_walks_as`]).
    walk_print: Option<String>,
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
                .map_err(|cause| IndexError::CreateDir { path: dir.to_path_buf(), cause })?;
        }
        if !path.exists() {
            let _lock = CreationLock::take(path)?;
            // Looked at again under the lock: another process may have just created it.
            if !path.exists() {
                // A link to nowhere is not followed: it is set aside, and says so.
                if let Some(reason) = out_of_place(path) {
                    return replace_locked(path, &reason);
                }
                // A WAL left beside a deleted database would be replayed into the new one.
                remove_files(path)?;
            }
            return match try_open(path) {
                Ok(Ok(index)) => Ok(Opened { index, warning: None }),
                Ok(Err(reason)) => replace_locked(path, &reason),
                Err(err) => match damage_reason(&err).or_else(|| out_of_place(path)) {
                    Some(reason) => replace_locked(path, &reason),
                    None => Err(IndexError::Sqlite { path: path.to_path_buf(), cause: err }),
                },
            };
        }
        // Looked at before SQLite opens anything: it would wait for ever on a FIFO in the
        // place of its journal, and calls a folder there a read-only database.
        if let Some(reason) = out_of_place(path) {
            return replace_unusable(path, &reason);
        }
        match try_open(path) {
            Ok(Ok(index)) => Ok(Opened { index, warning: None }),
            Ok(Err(reason)) => replace_unusable(path, &reason),
            Err(err) => match damage_reason(&err).or_else(|| out_of_place(path)) {
                Some(reason) => replace_unusable(path, &reason),
                None => Err(IndexError::Sqlite { path: path.to_path_buf(), cause: err }),
            },
        }
    }

    /// Opens the index at `path` for reading only, as it is: no creating, migrating or
    /// rebuilding (`termdex sql`, which must never change it).
    pub fn open_read_only(path: &Path) -> Result<Index, IndexError> {
        // It may not set aside what SQLite would wait on for ever: say so instead.
        if let Some(reason) = out_of_place(path) {
            let reason = format!("{reason} (any other termdex command sets it aside and rebuilds the index)");
            return Err(IndexError::Unreadable { path: path.to_path_buf(), reason });
        }
        let sqlite_error = |cause| IndexError::Sqlite { path: path.to_path_buf(), cause };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_NOFOLLOW;
        let conn = Connection::open_with_flags(resolved(path), flags).map_err(sqlite_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error)?;
        tokenizer::register(&conn).map_err(sqlite_error)?;
        conn.execute_batch("PRAGMA temp_store = MEMORY;").map_err(sqlite_error)?;
        conn.pragma_update(None, "cache_size", -CACHE_KIB).map_err(sqlite_error)?;
        Ok(Index {
            conn,
            path: path.to_path_buf(),
            file: file_identity(path),
            settings: None,
            walk_print: None,
        })
    }

    /// Runs `read` with a small page cache: a command that reads the index once (a CLI
    /// query) touches each page about once, and filling the usual 32 MB cache cost it
    /// 7,300 page faults, ~27 ms of CPU, on a 100k-card scan (measured with the sqlite3
    /// shell, `PRAGMA cache_size` -2000 vs -32768: 111 vs 138 ms). The usual size is back
    /// afterwards, for a refresh that may follow.
    pub fn reading_once<T>(&self, read: impl FnOnce(&Index) -> T) -> T {
        // Only a setting: if it cannot be changed the read is slower, not wrong.
        let _ = self.conn.pragma_update(None, "cache_size", -ONE_PASS_CACHE_KIB);
        let answer = read(self);
        let _ = self.conn.pragma_update(None, "cache_size", -CACHE_KIB);
        answer
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which file this connection opened, (device, inode): a watcher records the one it
    /// keeps, and a command trusts it only for that file.
    pub fn file_identity(&self) -> Option<(u64, u64)> {
        self.file
    }

    /// Whether every card waits to be read again (a migration or a change of settings
    /// asked for it): such an index is stale whatever a watcher says.
    pub fn reread_pending(&self) -> Result<bool, IndexError> {
        store::reread_pending(&self.conn).map_err(|e| self.sqlite_error(e))
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
        let (settings, walk_print) = (self.settings.take(), self.walk_print.take());
        *self = Index::open(&self.path)?.index;
        (self.settings, self.walk_print) = (settings, walk_print);
        self.record_settings()?;
        Ok(true)
    }

    /// Reads cards with these settings from now on. When the index's cards were read with
    /// others, it records these and has the next refresh read every card again (a
    /// read-only index only remembers them); a warning says so when the files that are
    /// cards changed under cards already indexed.
    pub fn use_settings(&mut self, settings: &Settings) -> Result<Option<String>, IndexError> {
        self.settings = Some(settings.clone());
        self.record_settings()
    }

    fn record_settings(&mut self) -> Result<Option<String>, IndexError> {
        let Some(settings) = &self.settings else { return Ok(None) };
        let stored = store::settings(&self.conn).map_err(|e| self.sqlite_error(e))?;
        if stored == *settings || self.conn.is_readonly(c"main").unwrap_or(true) {
            return Ok(None);
        }
        let had_cards = store::has_cards(&self.conn).map_err(|e| self.sqlite_error(e))?;
        store::store_settings(&self.conn, settings).map_err(|e| self.sqlite_error(e))?;
        Ok((had_cards && stored.extensions != settings.extensions).then(|| {
            format!(
                "index {} was built for {} files, and the config now says cards are {} files; every card is read again",
                self.path.display(),
                stored.extensions.describe(),
                settings.extensions.describe()
            )
        }))
    }

    /// Has every refresh of this process that walks record `print` (the rules it found the
    /// cards with: a watch fingerprint) in the index when it changes the index or finds it
    /// recorded with other rules. A watcher's record vouches for the index only while the
    /// index says it was last walked with the watcher's rules: a command run with other
    /// ignore files that dropped cards the watcher keeps must not leave the watcher
    /// vouching for that index ([`Index::walked_with`]).
    pub fn record_walks_as(&mut self, print: String) {
        self.walk_print = Some(print);
    }

    /// The rules the index was last walked with, as recorded by [`Index::record_walks_as`].
    pub fn walked_with(&self) -> Result<Option<String>, IndexError> {
        store::walked_with(&self.conn).map_err(|e| self.sqlite_error(e))
    }

    /// Whether a walk of this process must record its rules though it changes nothing.
    fn walk_print_stale(&self) -> rusqlite::Result<bool> {
        match &self.walk_print {
            Some(_) if self.conn.is_readonly(c"main").unwrap_or(true) => Ok(false),
            Some(print) => Ok(store::walked_with(&self.conn)?.as_deref() != Some(print.as_str())),
            None => Ok(false),
        }
    }

    /// Which files are cards: as given by [`Index::use_settings`], else as the index
    /// recorded them.
    pub fn extensions(&self) -> crate::scan::Extensions {
        match &self.settings {
            Some(settings) => settings.extensions.clone(),
            None => store::settings(&self.conn).unwrap_or_default().extensions,
        }
    }

    /// The field naming a card's parent, as given by [`Index::use_settings`], else as the
    /// index recorded it; `None` when no field makes a link.
    pub fn parent_field(&self) -> Option<String> {
        match &self.settings {
            Some(settings) => settings.parent_field.clone(),
            None => store::settings(&self.conn).unwrap_or_default().parent_field,
        }
    }

    /// The connection, for the query layer; nothing outside the library sees it.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection alone, for the query layer's read-only SQL (`termdex sql`).
    pub(crate) fn into_connection(self) -> Connection {
        self.conn
    }

    /// The connection, for one statement that reads the index about once (`termdex sql`):
    /// with the small page cache of [`Index::reading_once`], for the same reason.
    pub(crate) fn into_one_pass_connection(self) -> Connection {
        // Only a setting: if it cannot be changed the read is slower, not wrong.
        let _ = self.conn.pragma_update(None, "cache_size", -ONE_PASS_CACHE_KIB);
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
        // Never through a symlink, never waiting on a FIFO: see `files::open_own`. What is
        // in the way is refused rather than replaced, which could race another process
        // replacing it too (each would then lock a file of its own).
        let file = files::open_own(&path).map_err(|cause| match SpecialFile::of(&cause) {
            Some(special) => IndexError::LockInTheWay { path: path.clone(), kind: special.kind() },
            None => lock_error(cause),
        })?;
        file.lock().map_err(lock_error)?;
        Ok(CreationLock { _file: file })
    }
}

/// Replaces an index found unusable. Under the lock it is looked at once more first: when
/// another process has rebuilt it meanwhile, that index is used rather than deleted.
fn replace_unusable(path: &Path, reason: &str) -> Result<Opened, IndexError> {
    let _lock = CreationLock::take(path)?;
    // Another process may have rebuilt it meanwhile; but SQLite is not let near a file
    // out of place (it would wait for ever on a FIFO at the journal).
    if out_of_place(path).is_none()
        && let Ok(Ok(index)) = try_open(path)
    {
        return Ok(Opened { index, warning: None });
    }
    replace_locked(path, reason)
}

/// Deletes the database files and starts an empty index; the caller holds the lock.
fn replace_locked(path: &Path, reason: &str) -> Result<Opened, IndexError> {
    let aside = remove_files(path)?;
    match try_open(path) {
        Ok(Ok(index)) => Ok(Opened {
            index,
            warning: Some(format!("index {} {reason}{aside}; rebuilding it from the cards", path.display())),
        }),
        Ok(Err(reason)) => Err(IndexError::Unusable { path: path.to_path_buf(), reason }),
        Err(cause) => Err(IndexError::Sqlite { path: path.to_path_buf(), cause }),
    }
}

/// `Ok(Err(reason))`: the file is readable SQLite but not an index this build can use.
fn try_open(path: &Path) -> rusqlite::Result<Result<Index, String>> {
    let mut conn = Connection::open_with_flags(
        resolved(path),
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_NOFOLLOW,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let set_up = retry_while_busy(|| set_up(&mut conn))?;
    Ok(set_up.map(|()| Index {
        conn,
        path: path.to_path_buf(),
        file: file_identity(path),
        settings: None,
        walk_print: None,
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

/// The last name of an index file, for warnings that named its folder already.
fn file_name(path: &Path) -> std::borrow::Cow<'_, str> {
    path.file_name().unwrap_or(path.as_os_str()).to_string_lossy()
}

/// Renames `from` to `to` unless `to` exists. Where the file system cannot refuse to
/// replace (`EINVAL`), `to` is looked for first: the folder is `.termdex/`, and the lock is
/// held, so only a process that ignores the lock could slip a file in between.
fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    let cwd = rustix::fs::CWD;
    match rustix::fs::renameat_with(cwd, from, cwd, to, rustix::fs::RenameFlags::NOREPLACE) {
        Err(rustix::io::Errno::INVAL) if to.symlink_metadata().is_ok() => {
            Err(io::Error::from(io::ErrorKind::AlreadyExists))
        }
        Err(rustix::io::Errno::INVAL) => std::fs::rename(from, to),
        other => other.map_err(io::Error::from),
    }
}

/// The path SQLite is given for the index at `path`: its folder with every link resolved.
/// SQLite opens with `SQLITE_OPEN_NOFOLLOW`, which refuses a link anywhere in the path, so
/// that a link in the place of the database file is refused (and set aside, see
/// [`out_of_place`]) instead of followed; links on the way to the folder (a home folder
/// reached through one, `.termdex` linked elsewhere) are the user's and stay usable.
fn resolved(path: &Path) -> PathBuf {
    let parent = path.parent().and_then(|dir| dir.canonicalize().ok());
    match (parent, path.file_name()) {
        (Some(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// The database file and SQLite's files beside it.
fn database_files(path: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    ["", "-wal", "-shm", "-journal"].into_iter().map(move |suffix| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Why an index that failed to open is to be set aside and rebuilt when the failure is
/// not damage SQLite reports: one of its files is no regular file (a folder, a FIFO, a
/// symlink), which SQLite can only report as "unable to open" or "disk I/O error".
fn out_of_place(path: &Path) -> Option<String> {
    database_files(path).find_map(|file| {
        let meta = file.symlink_metadata().ok().filter(|meta| !meta.is_file())?;
        let kind = files::kind_of(meta.file_type());
        Some(if file == path {
            format!("is {kind}, not a database file")
        } else {
            format!("has {kind} in the place of its file {}", file_name(&file))
        })
    })
}

/// Deletes the database and its WAL and shared-memory files, whichever exist; the caller
/// holds the lock. Anything but a regular file there is set aside instead ([`set_aside`]);
/// what was done with it is returned, to end the warning.
fn remove_files(path: &Path) -> Result<String, IndexError> {
    let mut aside = String::new();
    for file in database_files(path) {
        match file.symlink_metadata() {
            Ok(meta) if !meta.is_file() => aside.push_str(&set_aside(&file, meta.file_type())?),
            _ => match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(cause) => return Err(IndexError::Remove { path: file, cause }),
            },
        }
    }
    Ok(aside)
}

/// Takes what is not a regular file out of the place of an index file: an empty folder is
/// removed; anything else (a folder holding files, a FIFO, a socket, a device, a symlink)
/// is renamed to `NAME.broken-N` in the same folder, never deleted: it may be someone's.
/// The rename never replaces anything (`RENAME_NOREPLACE`). Says, for the warning, what
/// was done.
fn set_aside(file: &Path, kind: std::fs::FileType) -> Result<String, IndexError> {
    let what = files::kind_of(kind);
    let failed = |cause| IndexError::SetAside { path: file.to_path_buf(), kind: what, cause };
    if kind.is_dir() && std::fs::remove_dir(file).is_ok() {
        return Ok(format!(" (the empty folder {} was removed)", file_name(file)));
    }
    for n in 1..=1000 {
        let mut name = file.as_os_str().to_owned();
        name.push(format!(".broken-{n}"));
        let aside = PathBuf::from(name);
        match rename_no_replace(file, &aside) {
            Ok(()) => {
                return Ok(format!(" ({} was moved aside to {})", file_name(file), file_name(&aside)));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(cause) => return Err(failed(cause)),
        }
    }
    Err(failed(io::Error::from(io::ErrorKind::AlreadyExists)))
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
        // Close our connection before deleting the files under it.
        let placeholder = Connection::open_in_memory().map_err(|e| self.sqlite_error(e))?;
        drop(std::mem::replace(&mut self.conn, placeholder));
        let _lock = CreationLock::take(&path)?;
        if file_identity(&path) != opened_file
            && let Ok(Ok(index)) = try_open(&path)
        {
            let (settings, walk_print) = (self.settings.take(), self.walk_print.take());
            *self = index;
            (self.settings, self.walk_print) = (settings, walk_print);
            self.record_settings()?;
            return Ok(false);
        }
        let (settings, walk_print) = (self.settings.take(), self.walk_print.take());
        *self = replace_locked(&path, "is damaged")?.index;
        (self.settings, self.walk_print) = (settings, walk_print);
        self.record_settings()?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_cause_in_the_message_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("file"), "").expect("write");
        let err = Index::open(&dir.path().join("file/index.db")).err().expect("not a folder");
        assert!(std::error::Error::source(&err).is_none(), "{err:?}");
        let chain = format!("{:#}", anyhow::Error::from(err));
        assert_eq!(chain.matches("os error").count(), 1, "{chain}");
        std::fs::create_dir_all(dir.path().join("db/index.lock")).expect("mkdir");
        let err = Index::open(&dir.path().join("db/index.db")).err().expect("a folder is no lock file");
        assert!(std::error::Error::source(&err).is_none(), "{err:?}");
        assert!(
            err.to_string().contains("index.lock is a directory, not a file termdex made; remove it"),
            "{err}"
        );
    }

    #[test]
    fn a_read_once_has_a_small_page_cache_and_the_usual_one_is_back_after() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = Index::open(&dir.path().join("index.db")).expect("open").index;
        let cache = |index: &Index| index.conn.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0));
        assert_eq!(cache(&index).expect("cache"), -CACHE_KIB);
        assert_eq!(index.reading_once(cache).expect("cache"), -ONE_PASS_CACHE_KIB);
        assert_eq!(cache(&index).expect("cache"), -CACHE_KIB);
    }

    #[test]
    fn an_index_another_process_rebuilt_is_noticed_and_used_not_deleted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.db");
        let mut mine = Index::open(&path).expect("open").index;
        let mut theirs = Index::open(&path).expect("open").index;
        assert!(!mine.replaced() && !theirs.replaced());
        // They meet damage first, and rebuild.
        assert!(theirs.reset().expect("reset"), "the file was deleted and made anew");
        assert!(mine.replaced() && !theirs.replaced());
        // Meeting damage on the old file, this connection takes up theirs.
        assert!(!mine.reset().expect("reset"), "their index is used, not deleted");
        assert!(!mine.replaced() && !theirs.replaced());
        assert_eq!(mine.file, theirs.file);
        // A reader that only reads notices it with one stat, and opens the new file.
        let mut reader = Index::open(&path).expect("open").index;
        assert!(!reader.reopen_if_replaced().expect("nothing to do"));
        assert!(theirs.reset().expect("reset"));
        assert!(reader.reopen_if_replaced().expect("reopened"));
        assert_eq!(reader.file, theirs.file);
    }

    #[test]
    fn creating_an_index_takes_the_lock_and_opening_one_does_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.db");
        let first = Index::open(&path).expect("create").index;
        assert!(dir.path().join("index.lock").exists());
        // Held by another handle, the lock does not stop an existing index from opening.
        let held = CreationLock::take(&path).expect("lock");
        let second = Index::open(&path).expect("open while the lock is held").index;
        drop((held, first, second));
    }
}
