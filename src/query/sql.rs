//! `termdex sql`: arbitrary SQL over the index, for questions the filter language can't ask
//! and for scripts written against the original `tdx`, whose SQLite extension offered a
//! `md_files` table and the functions `md_front_matter(path, key)` and `md_contents(path)`.
//!
//! The index is a cache the refresh owns, so nothing typed here may change it. Three guards
//! keep it so: the connection is opened read-only with `PRAGMA query_only`, an authorizer
//! refuses writes, `ATTACH` and setting changes while the statement is prepared (naming
//! what it refused), and a statement SQLite itself calls writing (`VACUUM INTO` makes a
//! file even on a read-only connection) is never stepped.
//!
//! The old extension re-read every file on every call; here `md_files` is a view over
//! `cards` and the functions answer from the index. A function can't see the row it is
//! called for, only the path, and looking a card up by path 100k times costs more than
//! the rest of the query; so computing `md_files.path` hands that row's id and fields to
//! the functions, and only a path from elsewhere is looked up, on a second read-only
//! connection. `md_front_matter(path, 'what') = 'task'` over 100k cards then runs about
//! as fast as the same test written with SQLite's own JSON operators.

use std::borrow::Cow;
use std::cell::{Cell as StdCell, OnceCell};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OptionalExtension};
use serde_json::Value;

use crate::index::{Damage, FieldSpans, Index, IndexError, field_in_json};

/// `md_files` as the old extension showed it, answered from `cards`. The index keeps only
/// the modification time, so the change and access times repeat it.
const MD_FILES_VIEW: &str = "
    CREATE TEMP VIEW md_files (path, basename, size_bytes, ctime_s, mtime_s, atime_s) AS
    SELECT termdex_md_path(path, id, fields),
           substr(path, length(rtrim(path, replace(path, '/', ''))) + 1),
           size,
           mtime_ns / 1000000000,
           mtime_ns / 1000000000,
           mtime_ns / 1000000000
    FROM main.cards";

const CARD_AT: &str = "SELECT id, fields FROM cards WHERE path = ?1";
const BODY_OF_CARD: &str = "SELECT body FROM card_text WHERE id = ?1";

const WHY_WRITE: &str = "it would change the index, and `termdex sql` only reads it \
    (the index is a cache of the cards: change the cards instead, with `termdex set` or an editor)";
const WHY_MAY_WRITE: &str = "SQLite says it may write to the index, and `termdex sql` only reads it";
const WHY_ATTACH: &str = "`termdex sql` reads the index and no other database";
const WHY_SETTING: &str = "it would change a setting of the index or of the connection, \
    and `termdex sql` is read-only";
const WHY_TRANSACTION: &str = "`termdex sql` runs one read-only statement, so there is nothing to commit";

/// A value of a result row, with SQLite's types. Borrowed from the row while it is sent
/// (no copy per cell on the way to the printer); [`Cell::into_owned`] keeps one.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(Cow<'a, str>),
    Blob(Cow<'a, [u8]>),
}

impl Cell<'_> {
    pub fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Null => Cell::Null,
            Cell::Integer(i) => Cell::Integer(i),
            Cell::Real(r) => Cell::Real(r),
            Cell::Text(t) => Cell::Text(Cow::Owned(t.into_owned())),
            Cell::Blob(b) => Cell::Blob(Cow::Owned(b.into_owned())),
        }
    }
}

/// Where result rows go, one at a time, so that a large result is never held in memory.
pub trait RowSink {
    /// Called once, before any row, with the result's column names.
    fn columns(&mut self, names: &[String]) -> io::Result<()>;
    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()>;
}

/// A whole result, for callers that want it in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell<'static>>>,
}

impl RowSink for SqlResult {
    fn columns(&mut self, names: &[String]) -> io::Result<()> {
        self.columns = names.to_vec();
        Ok(())
    }

    fn row(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        self.rows.push(cells.iter().cloned().map(Cell::into_owned).collect());
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    #[error("refused `{what}`: {why}")]
    Refused { what: String, why: &'static str },
    #[error("SQL error: {0}")]
    Sql(String),
    #[error("no SQL statement given")]
    Empty,
    #[error("one SQL statement at a time, please (there is more after the first `;`)")]
    Multiple,
    #[error("cannot open the index read-only: {0}")]
    Open(IndexError),
    /// The statement met a damaged page of the index (not a mistake in the statement).
    #[error("the index is damaged: {0}")]
    Damaged(String),
    #[error("cannot write the result")]
    Output(#[source] io::Error),
}

impl Damage for SqlError {
    fn index_damage(&self) -> Option<String> {
        match self {
            SqlError::Damaged(why) => Some(why.clone()),
            SqlError::Open(err) => err.index_damage(),
            _ => None,
        }
    }
}

/// Runs one statement on a read-only connection to the index at `index_path`, sending its
/// rows to `sink`; returns how many rows there were. `dex_root` makes `md_files.path`
/// absolute, as the old extension's paths were.
pub fn run_read_only(
    index_path: &Path,
    dex_root: &Path,
    sql: &str,
    sink: &mut dyn RowSink,
) -> Result<usize, SqlError> {
    let conn = open_session(index_path, dex_root)?;
    let mut stmt = prepare_guarded(&conn, sql)?;
    if !stmt.readonly() {
        return Err(SqlError::Refused { what: statement_head(sql), why: WHY_MAY_WRITE });
    }
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    sink.columns(&names).map_err(SqlError::Output)?;
    send_rows(&mut stmt, names.len(), sql, sink)
}

fn send_rows(
    stmt: &mut rusqlite::Statement<'_>,
    width: usize,
    sql: &str,
    sink: &mut dyn RowSink,
) -> Result<usize, SqlError> {
    let failed = |e| step_error(e, sql);
    let mut rows = stmt.query([]).map_err(failed)?;
    let mut count = 0;
    while let Some(row) = rows.next().map_err(failed)? {
        let cells = (0..width).map(|i| row.get_ref(i).map(cell)).collect::<Result<Vec<_>, _>>();
        sink.row(&cells.map_err(failed)?).map_err(SqlError::Output)?;
        count += 1;
    }
    Ok(count)
}

/// [`run_read_only`], with the result collected in memory.
pub fn query_read_only(index_path: &Path, dex_root: &Path, sql: &str) -> Result<SqlResult, SqlError> {
    let mut result = SqlResult::default();
    run_read_only(index_path, dex_root, sql, &mut result)?;
    Ok(result)
}

/// The user's connection: read-only, with the `tdx` view and functions, then locked down.
fn open_session(index_path: &Path, dex_root: &Path) -> Result<Connection, SqlError> {
    let mut conn = Index::open_read_only(index_path).map_err(SqlError::Open)?.into_one_pass_connection();
    let open_error = |cause| SqlError::Open(IndexError::Sqlite { path: index_path.to_path_buf(), cause });
    let lookup = Arc::new(Mutex::new(Lookup::new(index_path, dex_root)));
    register_tdx(&conn, dex_root, lookup).map_err(open_error)?;
    // Temp objects are writes too, so the view must exist before the lock goes on.
    conn.execute_batch(MD_FILES_VIEW).map_err(open_error)?;
    conn.pragma_update(None, "query_only", true).map_err(open_error)?;
    conn.authorizer(Some(authorizer::authorize)).map_err(open_error)?;
    Ok(conn)
}

/// Prepares `sql` with the authorizer watching; anything it refused wins over whatever
/// error the refused statement would have had.
fn prepare_guarded<'c>(conn: &'c Connection, sql: &str) -> Result<rusqlite::Statement<'c>, SqlError> {
    authorizer::clear();
    let prepared = conn.prepare(sql);
    if let Some(refusal) = authorizer::take_refusal() {
        return Err(SqlError::Refused { what: refusal.what, why: refusal.why });
    }
    prepared.map_err(|e| match e {
        rusqlite::Error::Empty => SqlError::Empty,
        rusqlite::Error::MultipleStatement => SqlError::Multiple,
        other => step_error(other, sql),
    })
}

/// SQLite's own message, except that a write it stopped is reported as a refusal.
fn step_error(err: rusqlite::Error, sql: &str) -> SqlError {
    match err {
        e if e.sqlite_error_code() == Some(ErrorCode::ReadOnly) => {
            SqlError::Refused { what: statement_head(sql), why: WHY_WRITE }
        }
        // Only corruption: a missing table here is the statement's, not the index's.
        e if matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)) => {
            SqlError::Damaged(e.index_damage().unwrap_or_else(|| e.to_string()))
        }
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            SqlError::Sql(format!("{msg} (at character {})", char_position(sql, offset)))
        }
        rusqlite::Error::SqliteFailure(_, Some(message)) => SqlError::Sql(message),
        other => SqlError::Sql(other.to_string()),
    }
}

/// The 1-based character position of a byte offset SQLite reported.
fn char_position(sql: &str, offset: i32) -> usize {
    let before = usize::try_from(offset).ok().and_then(|o| sql.get(..o));
    before.map_or(0, |s| s.chars().count()) + 1
}

fn cell(value: ValueRef<'_>) -> Cell<'_> {
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(i) => Cell::Integer(i),
        ValueRef::Real(r) => Cell::Real(r),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => Cell::Blob(Cow::Borrowed(b)),
    }
}

/// The first two words of a statement, comments skipped: enough to say what was refused
/// (`VACUUM INTO`, `PRAGMA wal_checkpoint`) without echoing a long query.
fn statement_head(sql: &str) -> String {
    let mut rest = sql.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(' || c == '=')
        .filter(|w| !w.is_empty())
        .take(2)
        .collect();
    match words.split_first() {
        Some((verb, more)) => std::iter::once(verb.to_uppercase())
            .chain(more.iter().map(|w| w.to_string()))
            .collect::<Vec<_>>()
            .join(" "),
        None => "this statement".to_string(),
    }
}

fn register_tdx(conn: &Connection, dex_root: &Path, lookup: Arc<Mutex<Lookup>>) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let root = root_prefix(dex_root);
    let handoff = Arc::clone(&lookup);
    // Not deterministic: it has the side effect of handing the row's fields to the lookup.
    conn.create_scalar_function("termdex_md_path", 3, FunctionFlags::SQLITE_UTF8, move |ctx| {
        md_path(&handoff, &root, ctx)
    })?;
    let fields_lookup = Arc::clone(&lookup);
    conn.create_scalar_function("md_front_matter", 2, flags, move |ctx| front_matter(&fields_lookup, ctx))?;
    conn.create_scalar_function("md_contents", 1, flags, move |ctx| contents(&lookup, ctx))
}

/// `<root>/`, the prefix that makes a dex-relative path absolute.
fn root_prefix(dex_root: &Path) -> String {
    let root = dex_root.to_string_lossy();
    format!("{}/", root.trim_end_matches('/'))
}

/// `md_files.path`: the absolute path. The row's id and fields come along and are kept,
/// because `md_front_matter(path, ...)` on that same row usually follows, and can then skip
/// the lookup by path that would otherwise cost more than everything else in the call.
///
/// SQLite computes a view's column at every place the statement names it (the original's
/// `query` names `path` eight times per row), so a second call for the row just handed
/// over returns the path already made, without copying the fields again.
fn md_path(lookup: &Mutex<Lookup>, root: &str, ctx: &Context<'_>) -> rusqlite::Result<Arc<str>> {
    let rel = ctx.get_raw(0).as_bytes()?;
    let id = ctx.get_raw(1).as_i64()?;
    let mut lookup = lock(lookup)?;
    if let Some(Named { path, card: Some((last_id, _)), .. }) = &lookup.last
        && *last_id == id
        && path.len() == root.len() + rel.len()
        && path.starts_with(root)
        && path.as_bytes().ends_with(rel)
    {
        return Ok(Arc::clone(path));
    }
    let rel = std::str::from_utf8(rel).map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
    let path: Arc<str> = format!("{root}{rel}").into();
    let card = (id, ctx.get_raw(2).as_str()?.to_string());
    lookup.last = Some(Named::new(Arc::clone(&path), Some(card)));
    Ok(path)
}

fn front_matter(lookup: &Mutex<Lookup>, ctx: &Context<'_>) -> rusqlite::Result<Option<String>> {
    let (Some(path), Some(key)) = (ctx.get_raw(0).as_bytes_or_null()?, ctx.get_raw(1).as_str_or_null()?)
    else {
        return Ok(None);
    };
    let mut lookup = lock(lookup)?;
    lookup.card(path)?;
    Ok(lookup.last.as_ref().and_then(|named| named.text(key)))
}

fn contents(lookup: &Mutex<Lookup>, ctx: &Context<'_>) -> rusqlite::Result<Option<String>> {
    let Some(path) = ctx.get_raw(0).as_bytes_or_null()? else {
        return Ok(None);
    };
    lock(lookup)?.body(path)
}

fn lock(lookup: &Mutex<Lookup>) -> rusqlite::Result<std::sync::MutexGuard<'_, Lookup>> {
    lookup.lock().map_err(|_| user_error("an earlier md_front_matter call failed midway"))
}

fn user_error(message: &str) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.into())
}

/// Answers the `tdx` functions from the index. SQL functions can't query the connection
/// that calls them, so this holds a second read-only connection, opened on first use.
struct Lookup {
    index_path: PathBuf,
    root_prefix: String,
    conn: Option<Connection>,
    last: Option<Named>,
}

/// The card named last, by the path it was named with: its id and fields JSON, or `None`
/// when there is no card there.
struct Named {
    path: Arc<str>,
    card: Option<(i64, String)>,
    /// Where each of its fields lies in its fields JSON, read at the first
    /// `md_front_matter` on it (`None` inside: a JSON the spans cannot describe).
    spans: OnceCell<Option<FieldSpans>>,
}

impl Named {
    fn new(path: Arc<str>, card: Option<(i64, String)>) -> Named {
        Named { path, card, spans: OnceCell::new() }
    }

    /// One field of the card, its fields JSON parsed once however many are asked for.
    fn field(&self, key: &str) -> Option<Value> {
        let (_, json) = self.card.as_ref()?;
        match self.spans.get_or_init(|| FieldSpans::parse(json)) {
            Some(spans) => spans.get(json, key),
            None => field_in_json(json, key),
        }
    }

    /// `md_front_matter`'s answer: the common values (text, lists of text) straight from
    /// the JSON text, the rest through a parsed value; the same answer either way.
    fn text(&self, key: &str) -> Option<String> {
        let (_, json) = self.card.as_ref()?;
        if let Some(spans) = self.spans.get_or_init(|| FieldSpans::parse(json)) {
            match spans.raw(json, key) {
                Some(raw) => {
                    if let Some(text) = render_raw(raw) {
                        return Some(text);
                    }
                }
                // Not a top-level key, nor a path into a nested map: missing (most
                // cards lack most keys, so this answer comes without a second search).
                None if !key.contains('.') => return None,
                None => {}
            }
        }
        self.field(key).as_ref().and_then(render)
    }
}

impl Lookup {
    fn new(index_path: &Path, dex_root: &Path) -> Lookup {
        Lookup {
            index_path: index_path.to_path_buf(),
            root_prefix: root_prefix(dex_root),
            conn: None,
            last: None,
        }
    }

    fn conn(&mut self) -> rusqlite::Result<&Connection> {
        if self.conn.is_none() {
            let conn = Index::open_read_only(&self.index_path)
                .map_err(|e| user_error(&e.to_string()))?
                .into_connection();
            conn.pragma_update(None, "query_only", true)?;
            // One read transaction for the whole statement: one snapshot of the index, and
            // no lock taken and released (with its fstat) per call.
            conn.execute_batch("BEGIN")?;
            self.conn = Some(conn);
        }
        self.conn.as_ref().ok_or_else(|| user_error("no connection to the index"))
    }

    /// Absolute paths (from `md_files`) and dex-relative ones both name a card.
    fn relative<'p>(&self, path: &'p str) -> &'p str {
        let rel = path.strip_prefix(self.root_prefix.as_str()).unwrap_or(path);
        rel.strip_prefix("./").unwrap_or(rel)
    }

    fn card(&mut self, path: &[u8]) -> rusqlite::Result<Option<&(i64, String)>> {
        if self.last.as_ref().is_none_or(|named| named.path.as_bytes() != path) {
            let path =
                std::str::from_utf8(path).map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            let rel = self.relative(path).to_string();
            let card = self
                .conn()?
                .prepare_cached(CARD_AT)?
                .query_row([rel], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            self.last = Some(Named::new(path.into(), card));
        }
        Ok(self.last.as_ref().and_then(|named| named.card.as_ref()))
    }

    fn body(&mut self, path: &[u8]) -> rusqlite::Result<Option<String>> {
        let Some(&(id, _)) = self.card(path)? else {
            return Ok(None);
        };
        self.conn()?.prepare_cached(BODY_OF_CARD)?.query_row([id], |r| r.get(0)).optional()
    }
}

/// The text the old extension gave for a value: scalars as written, lists as `[ a, b ]`,
/// an empty value (`key:`) as `''` (libyaml's empty scalar; only a missing key is NULL).
/// Nested maps are JSON, so that SQLite's JSON functions can take them apart.
fn render(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(list_item).collect();
            Some(format!("[ {} ]", items.join(", ")))
        }
        other => Some(other.to_string()),
    }
}

/// [`render`] read from a value's JSON text, for a string or a list of strings written
/// without escapes (nearly every value); `None` for anything else.
fn render_raw(raw: &str) -> Option<String> {
    if raw == "null" {
        return Some(String::new());
    }
    if let Some(text) = plain_json_string(raw) {
        return Some(text.to_string());
    }
    let inner = raw.strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    out.push_str("[ ");
    for (i, item) in inner.split(',').enumerate() {
        // A comma inside a string splits it: that item is not plain, so `render` answers.
        let text = plain_json_string(item.trim())?;
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(text);
    }
    out.push_str(" ]");
    Some(out)
}

/// The text of a JSON string written without escapes.
fn plain_json_string(raw: &str) -> Option<&str> {
    let text = raw.strip_prefix('"')?.strip_suffix('"')?;
    (!text.contains(['"', '\\'])).then_some(text)
}

fn list_item(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The statement authorizer: SQLite asks it about every action while preparing, before
/// anything runs, which is the one place that knows exactly what a statement would do.
///
/// Set through rusqlite's safe `Connection::authorizer`. Refusals go to a thread-local,
/// read back on the same thread right after `prepare`.
mod authorizer {
    use rusqlite::ffi;
    use rusqlite::hooks::{AuthAction, AuthContext, Authorization, TransactionOperation};

    use super::*;

    thread_local! {
        static REFUSALS: StdCell<Vec<Refusal>> = const { StdCell::new(Vec::new()) };
    }

    /// Pragmas whose argument names what to inspect rather than a new setting.
    const INSPECTING_PRAGMAS: [&str; 10] = [
        "table_info",
        "table_xinfo",
        "table_list",
        "index_info",
        "index_xinfo",
        "index_list",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    ];

    /// Pragmas that act (on the database file) even without an argument.
    const ACTING_PRAGMAS: [&str; 4] = ["wal_checkpoint", "optimize", "incremental_vacuum", "shrink_memory"];

    #[derive(Debug, Clone, PartialEq)]
    pub(super) struct Refusal {
        pub what: String,
        pub why: &'static str,
        /// A change to one of SQLite's own tables or indexes (`sqlite_master`,
        /// `sqlite_stat1` ...), which SQLite asks about before the statement's real action.
        pub bookkeeping: bool,
    }

    pub(super) fn clear() {
        REFUSALS.set(Vec::new());
    }

    /// The most telling refusal since [`clear`]: `DROP TABLE t` first asks to delete from
    /// `sqlite_master`, but "DROP TABLE t" is what the user typed.
    pub(super) fn take_refusal() -> Option<Refusal> {
        let mut refusals = REFUSALS.take();
        let telling = refusals.iter().position(|r| !r.bookkeeping).unwrap_or(0);
        (telling < refusals.len()).then(|| refusals.swap_remove(telling))
    }

    /// The callback: allows, or records why not and denies.
    pub(super) fn authorize(context: AuthContext<'_>) -> Authorization {
        let Some(refusal) = verdict(&context.action) else {
            return Authorization::Allow;
        };
        let bookkeeping = refusal.bookkeeping;
        let mut refusals = REFUSALS.take();
        refusals.push(refusal);
        REFUSALS.set(refusals);
        // Let a write to SQLite's own tables through to the specific check that follows it
        // (CREATE TABLE, ANALYZE ...): the statement is refused either way.
        if bookkeeping { Authorization::Allow } else { Authorization::Deny }
    }

    /// What may run: reads, function calls and pragmas that only report. `None` allows.
    pub(super) fn verdict(action: &AuthAction<'_>) -> Option<Refusal> {
        let refuse = |what: String, why| Some(Refusal { what, why, bookkeeping: false });
        let write = |verb: &str, object: &str| {
            let what = if object.is_empty() { verb.to_string() } else { format!("{verb} {object}") };
            Some(Refusal { what, why: WHY_WRITE, bookkeeping: object.starts_with("sqlite_") })
        };
        match *action {
            AuthAction::Select
            | AuthAction::Read { .. }
            | AuthAction::Function { .. }
            | AuthAction::Recursive => None,
            AuthAction::Pragma { pragma_name, pragma_value } => pragma_verdict(pragma_name, pragma_value),
            AuthAction::Attach { filename } => refuse(format!("ATTACH {filename}"), WHY_ATTACH),
            AuthAction::Detach { database_name } => refuse(format!("DETACH {database_name}"), WHY_ATTACH),
            AuthAction::Transaction { operation } => {
                refuse(transaction_name(operation).into(), WHY_TRANSACTION)
            }
            AuthAction::Savepoint { savepoint_name, .. } => {
                refuse(format!("SAVEPOINT {savepoint_name}"), WHY_TRANSACTION)
            }
            AuthAction::AlterTable { table_name, .. } => {
                refuse(format!("ALTER TABLE {table_name}"), WHY_WRITE)
            }
            AuthAction::Insert { table_name } => write("INSERT into", table_name),
            AuthAction::Update { table_name, .. } => write("UPDATE of", table_name),
            AuthAction::Delete { table_name } => write("DELETE from", table_name),
            AuthAction::CreateIndex { index_name, .. } | AuthAction::CreateTempIndex { index_name, .. } => {
                write("CREATE INDEX", index_name)
            }
            AuthAction::CreateTable { table_name } | AuthAction::CreateTempTable { table_name } => {
                write("CREATE TABLE", table_name)
            }
            AuthAction::CreateTrigger { trigger_name, .. }
            | AuthAction::CreateTempTrigger { trigger_name, .. } => write("CREATE TRIGGER", trigger_name),
            AuthAction::CreateView { view_name } | AuthAction::CreateTempView { view_name } => {
                write("CREATE VIEW", view_name)
            }
            AuthAction::CreateVtable { table_name, .. } => write("CREATE VIRTUAL TABLE", table_name),
            AuthAction::DropIndex { index_name, .. } | AuthAction::DropTempIndex { index_name, .. } => {
                write("DROP INDEX", index_name)
            }
            AuthAction::DropTable { table_name } | AuthAction::DropTempTable { table_name } => {
                write("DROP TABLE", table_name)
            }
            AuthAction::DropTrigger { trigger_name, .. }
            | AuthAction::DropTempTrigger { trigger_name, .. } => write("DROP TRIGGER", trigger_name),
            AuthAction::DropView { view_name } | AuthAction::DropTempView { view_name } => {
                write("DROP VIEW", view_name)
            }
            AuthAction::DropVtable { table_name, .. } => write("DROP VIRTUAL TABLE", table_name),
            AuthAction::Reindex { index_name } => write("REINDEX", index_name),
            AuthAction::Analyze { table_name } => write("ANALYZE", table_name),
            // rusqlite names an action only when SQLite passed the arguments it expects;
            // the reads among the rest are still reads.
            AuthAction::Unknown {
                code: ffi::SQLITE_SELECT | ffi::SQLITE_READ | ffi::SQLITE_FUNCTION | ffi::SQLITE_RECURSIVE,
                ..
            } => None,
            AuthAction::Unknown { arg1, .. } => write("a write to", arg1.unwrap_or_default()),
            _ => write("a write to", ""),
        }
    }

    /// SQLite names `COMMIT` (and `END`) nothing rusqlite knows.
    fn transaction_name(operation: TransactionOperation) -> &'static str {
        match operation {
            TransactionOperation::Begin => "BEGIN",
            TransactionOperation::Release => "RELEASE",
            TransactionOperation::Rollback => "ROLLBACK",
            _ => "COMMIT",
        }
    }

    fn pragma_verdict(name: &str, argument: Option<&str>) -> Option<Refusal> {
        let lower = name.to_lowercase();
        match argument {
            Some(value) if !INSPECTING_PRAGMAS.contains(&lower.as_str()) => Some(Refusal {
                what: format!("PRAGMA {name} = {value}"),
                why: WHY_SETTING,
                bookkeeping: false,
            }),
            None if ACTING_PRAGMAS.contains(&lower.as_str()) => {
                Some(Refusal { what: format!("PRAGMA {name}"), why: WHY_WRITE, bookkeeping: false })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Index, refresh};
    use serde_json::json;

    /// A dex with two cards, indexed; the temp dir must outlive the queries.
    fn dex() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        std::fs::write(root.join("a.md"), "---\ntitle: A\nwhat: task\ntags: [x, y]\n---\nbody of a\n")
            .expect("write");
        std::fs::create_dir(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("sub/b.md"), "---\nTitle: B\nauthor: {name: Ada}\n---\n").expect("write");
        let index_path = root.join(".termdex/index.db");
        let mut index = Index::open(&index_path).expect("open").index;
        refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        (dir, root, index_path)
    }

    fn rows(sql: &str) -> Vec<Vec<Cell<'static>>> {
        let (_dir, root, index_path) = dex();
        query_read_only(&index_path, &root, sql).expect("query").rows
    }

    fn text(s: &str) -> Cell<'static> {
        Cell::Text(s.to_string().into())
    }

    #[test]
    fn values_read_from_their_json_text_render_as_parsed_values_do() {
        let values = [
            r#""plain""#,
            r#""""#,
            "null",
            r#"["a","b"]"#,
            r#"[ "a" , "b" ]"#,
            r#"["a, b","c"]"#,
            r#"["a,","b"]"#,
            r#"[",","b"]"#,
            r#"["q\"uote"]"#,
            r#""tab\there""#,
            "[]",
            "[1,2]",
            r#"["a",null]"#,
            r#"["a",["b"]]"#,
            "3.0",
            "true",
            r#"{"k":"v"}"#,
            r#""é ü 索引""#,
            r#"["x"]"#,
            r#"[""]"#,
        ];
        for raw in values {
            let parsed: Value = serde_json::from_str(raw).expect("valid JSON");
            if let Some(text) = render_raw(raw) {
                assert_eq!(Some(text), render(&parsed), "{raw}");
            }
        }
        assert_eq!(render_raw(r#"["a","b"]"#).as_deref(), Some("[ a, b ]"));
        assert_eq!(render_raw(r#""plain""#).as_deref(), Some("plain"));
    }

    #[test]
    fn md_files_paths_are_absolute_and_basenames_plain() {
        let (_dir, root, index_path) = dex();
        let got = query_read_only(&index_path, &root, "SELECT path, basename FROM md_files ORDER BY path")
            .expect("query");
        assert_eq!(got.columns, ["path", "basename"]);
        let abs = |rel: &str| text(&format!("{}/{rel}", root.display()));
        assert_eq!(got.rows, vec![vec![abs("a.md"), text("a.md")], vec![abs("sub/b.md"), text("b.md")]]);
    }

    #[test]
    fn front_matter_takes_absolute_or_relative_paths_and_any_key_case() {
        let got = rows(
            "SELECT md_front_matter(path, 'tags'), md_front_matter('a.md', 'what'), \
             md_front_matter('sub/b.md', 'title'), md_front_matter('sub/b.md', 'author.name'), \
             md_front_matter('nope.md', 'title'), md_contents('a.md') FROM md_files WHERE basename = 'a.md'",
        );
        assert_eq!(
            got,
            vec![vec![
                text("[ x, y ]"),
                text("task"),
                text("B"),
                text("Ada"),
                Cell::Null,
                text("body of a\n")
            ]]
        );
    }

    #[test]
    fn paths_computed_away_from_the_call_are_looked_up() {
        let got = rows(
            "WITH p AS MATERIALIZED (SELECT path FROM md_files) \
             SELECT md_front_matter(path, 'title'), md_contents(path) FROM p ORDER BY 1",
        );
        assert_eq!(got, vec![vec![text("A"), text("body of a\n")], vec![text("B"), text("")]]);
    }

    #[test]
    fn a_path_named_many_times_in_a_row_answers_for_that_row() {
        // The original's `query` names `path` eight times per row: each is a call, and
        // calls for other paths come between them.
        let got = rows(
            "SELECT substr(path, -4), md_front_matter(path, 'title'), md_front_matter('sub/b.md', 'author.name'), \
             md_front_matter(path, 'what'), md_front_matter('a.md', 'tags'), md_front_matter(path, 'TITLE') \
             FROM md_files WHERE path LIKE '%.md' AND path NOT LIKE '%.git' ORDER BY path DESC",
        );
        assert_eq!(
            got,
            vec![
                vec![text("b.md"), text("B"), text("Ada"), Cell::Null, text("[ x, y ]"), text("B")],
                vec![text("a.md"), text("A"), text("Ada"), text("task"), text("[ x, y ]"), text("A")],
            ]
        );
    }

    #[test]
    fn values_render_as_the_old_extension_showed_them() {
        assert_eq!(render(&json!(["a", 2, true])).as_deref(), Some("[ a, 2, true ]"));
        assert_eq!(render(&json!([])).as_deref(), Some("[  ]"));
        assert_eq!(render(&json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(render(&json!(false)).as_deref(), Some("false"));
        assert_eq!(render(&json!({"name": "Ada"})).as_deref(), Some(r#"{"name":"Ada"}"#));
        assert_eq!(render(&Value::Null).as_deref(), Some(""), "an empty value, as libyaml gave it");
    }

    #[test]
    fn writes_are_refused_by_name_and_the_index_is_unchanged() {
        let (_dir, root, index_path) = dex();
        for (sql, what) in [
            ("INSERT INTO cards (path) VALUES ('x')", "INSERT into cards"),
            ("DROP TABLE cards", "DROP TABLE cards"),
            ("CREATE TEMP TABLE t (x)", "CREATE TABLE t"),
            ("VACUUM INTO '/tmp/termdex-sql-test.db'", "VACUUM INTO"),
            ("ATTACH 'other.db' AS o", "ATTACH other.db"),
            ("PRAGMA query_only = OFF", "PRAGMA query_only = OFF"),
        ] {
            match query_read_only(&index_path, &root, sql) {
                Err(SqlError::Refused { what: got, .. }) => assert_eq!(got, what, "{sql}"),
                other => panic!("{sql}: expected a refusal, got {other:?}"),
            }
        }
        let count = query_read_only(&index_path, &root, "SELECT count(*) FROM cards").expect("count");
        assert_eq!(count.rows, vec![vec![Cell::Integer(2)]]);
    }

    #[test]
    fn reads_that_pragmas_and_introspection_do_are_allowed() {
        let got = rows("SELECT name FROM pragma_table_info('card_text') ORDER BY cid");
        assert_eq!(got, vec![vec![text("id")], vec![text("title")], vec![text("body")]]);
        let (_dir, root, index_path) = dex();
        for sql in
            ["PRAGMA user_version", "PRAGMA table_info(cards)", "EXPLAIN QUERY PLAN SELECT * FROM cards"]
        {
            assert!(query_read_only(&index_path, &root, sql).is_ok(), "{sql}");
        }
    }

    #[test]
    fn statement_heads_skip_comments() {
        assert_eq!(statement_head("  -- note\n/* x */ vacuum into 'f'"), "VACUUM into");
        assert_eq!(statement_head("pragma wal_checkpoint(FULL)"), "PRAGMA wal_checkpoint");
        assert_eq!(statement_head("-- only a comment"), "this statement");
    }
}
