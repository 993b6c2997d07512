//! The query layer: filters and views in, cards out.
//!
//! Front ends (CLI, TUI) describe what they want as a [`Request`]; this layer parses the
//! filter, expands views, compiles to parameterized SQL, runs it on the index and sorts.
//! Nothing above this layer writes SQL.

pub mod check;
pub mod compile;
pub mod connections;
pub mod cycles;
pub mod dates;
pub mod declared;
pub mod duplicates;
pub mod facets;
pub mod filter;
pub mod fuzzy;
pub mod links;
pub mod names;
pub mod outline;
pub mod prune;
pub mod related;
pub mod sort;
pub mod sql;
pub mod tokens;
pub mod views;

use rusqlite::functions::FunctionFlags;
use rusqlite::params_from_iter;

use crate::clock::Clock;
use crate::config::{Config, View};
use crate::index::{BadFields, CARD_COLUMNS, CardRow, Damage, Index};
use crate::value::row_number;

pub use check::check_views;
pub use filter::{Expr, FilterError};
pub use sort::{SortKey, parse_keys};

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Filter(#[from] FilterError),
    /// A view's own filter failed: the error points into the view's text, not the user's.
    #[error("view `{name}` ({origin}): {}", .error.pointed())]
    View { name: String, origin: &'static str, error: FilterError },
    #[error(
        "no view named `{name}` (views: {available}; add one under [views.{name}] in .termdex/config.toml)"
    )]
    UnknownView { name: String, available: String },
    /// Filter words were given, but none of them constrains anything ([`prune`]).
    #[error("{}", empty_filter_message(filter, *purpose))]
    EmptyFilter { filter: String, purpose: Purpose },
    #[error(
        "the filter is too large ({terms} terms, views included; at most {MAX_TERMS}): \
         split it into several queries"
    )]
    TooLarge { terms: usize },
    #[error("cannot read the words of the filter {filter:?}: {cause}")]
    Tokenizer { filter: String, cause: rusqlite::Error },
    #[error("cannot read the index {path}: {cause} (it is a cache: `termdex index --full` rebuilds it)")]
    Sqlite { path: String, cause: rusqlite::Error },
    #[error(transparent)]
    BadFields(#[from] BadFields),
}

/// What a command does with the cards a filter selects: an empty filter is refused
/// either way, with advice that fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `query`, `cat`, `pick`: every card is one command away (no filter at all).
    List,
    /// Bulk `set`: the cards would be rewritten.
    Change,
}

fn empty_filter_message(filter: &str, purpose: Purpose) -> String {
    let why = format!(
        "the filter {filter:?} is empty: no term in it selects anything (words without letters or \
         digits, empty values and `*` alone are ignored)"
    );
    match purpose {
        Purpose::List => format!("{why}; to list every card, give no filter"),
        Purpose::Change => format!("{why}; no card was changed"),
    }
}

/// The most terms (words, field terms, `has:` ...) one query may have once views are
/// inlined: a bound on the work of one query. Runs of words and of one field's terms share
/// one look-up ([`compile`]); other terms (`title:` patterns, comparisons of numbers)
/// cost a test per card each, about 1 s for a thousand over 10,000 cards. Each term binds
/// at most a handful of distinct parameters, far inside SQLite's 32,766.
pub const MAX_TERMS: usize = 1_000;

impl QueryError {
    fn sqlite(index: &Index, cause: rusqlite::Error) -> QueryError {
        QueryError::Sqlite { path: index.path().display().to_string(), cause }
    }
}

impl Damage for QueryError {
    fn index_damage(&self) -> Option<String> {
        match self {
            QueryError::Sqlite { cause, .. } => cause.index_damage(),
            QueryError::BadFields(bad) => bad.index_damage(),
            _ => None,
        }
    }
}

/// What to ask for.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    pub filter: &'a str,
    /// The filter already parsed (the TUI splits its filter line first); `filter` is then
    /// only the text for error messages.
    pub parsed: Option<Expr>,
    /// The view whose filter, sort and columns apply (`all` when `None`).
    pub view: Option<&'a str>,
    /// Overrides the view's sort.
    pub sort: Option<Vec<SortKey>>,
    pub limit: Option<usize>,
}

/// The matching cards, and the view they were asked through.
#[derive(Debug, Clone)]
pub struct Answer {
    pub cards: Vec<CardRow>,
    pub view: View,
    /// Keys of the request's sort that are neither card attributes nor fields any card
    /// has (a typo, most likely), for a warning.
    pub unknown_sort_keys: Vec<String>,
}

/// The resolved view for a request, or an error naming the views there are.
pub fn resolve_view<'c>(config: &'c Config, name: Option<&str>) -> Result<&'c View, QueryError> {
    let name = name.unwrap_or("all");
    config.view(name).ok_or_else(|| QueryError::UnknownView {
        name: name.to_string(),
        available: config.views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// The filter words a command was given (`None`: none at all, so every card of the view),
/// parsed and with its views inlined, for [`Request::parsed`]. Words that leave no term
/// constraining anything ([`prune`]: `""`, `?`, `-`, `status:""`, `view:all`) are
/// [`QueryError::EmptyFilter`], never "every card".
pub fn user_filter(
    filter: Option<&str>,
    config: &Config,
    purpose: Purpose,
) -> Result<Option<Expr>, QueryError> {
    let Some(filter) = filter else {
        return Ok(None);
    };
    let expr = views::expand(filter::parse(filter)?, config, filter)?;
    let tokenizer_error = |cause| QueryError::Tokenizer { filter: filter.to_string(), cause };
    match prune::prune(&expr).map_err(tokenizer_error)? {
        Some(_) => Ok(Some(expr)),
        None => Err(QueryError::EmptyFilter { filter: filter.to_string(), purpose }),
    }
}

/// A view's filter, parsed, with the views it names inlined, and checked to compile: an
/// error points into the view's own text.
pub fn view_filter(view: &View, config: &Config, clock: &Clock) -> Result<Expr, FilterError> {
    let expr = views::expand_view_filter(filter::parse(&view.filter)?, config, &view.name, &view.filter)?;
    compile::compile(&expr, &view.filter, clock, config)?;
    Ok(expr)
}

/// Runs a request against the index.
pub fn run(
    index: &Index,
    config: &Config,
    clock: &Clock,
    request: &Request<'_>,
) -> Result<Answer, QueryError> {
    let view = resolve_view(config, request.view)?.clone();
    // The view's filter and the user's are read apart, so that an error points into the
    // text it is in; once the view's compiles alone, whatever fails is the user's.
    let view_expr = view_filter(&view, config, clock).map_err(|error| QueryError::View {
        name: view.name.clone(),
        origin: if view.builtin { "built in" } else { ".termdex/config.toml" },
        error,
    })?;
    let user_expr = match &request.parsed {
        Some(expr) => expr.clone(),
        None => filter::parse(request.filter)?,
    };
    let user_expr = views::expand(user_expr, config, request.filter)?;
    let expr = combine(view_expr, user_expr);
    let terms = count_terms(&expr);
    if terms > MAX_TERMS {
        return Err(QueryError::TooLarge { terms });
    }
    let compiled = compile::compile(&expr, request.filter, clock, config)?;
    let keys = match (&request.sort, &compiled.rank) {
        (Some(keys), _) => keys.clone(),
        (None, Some(_)) => parse_keys(["rank"]),
        (None, None) => parse_keys(view.sort.iter().map(String::as_str)),
    };
    // Without a limit every row is read anyway, and sorting here beats walking the path
    // index and seeking each row; with a limit, SQL sorting lets SQLite stop early.
    let mut params = compiled.params.clone();
    let order = request.limit.map(|_| sort::sql_order(&keys, compiled.rank.is_some(), config, &mut params));
    let sqlite_error = |cause| QueryError::sqlite(index, cause);
    let mut cards = select(index, &compiled, params, order.as_ref(), request.limit).map_err(sqlite_error)?;
    if order.is_none() {
        sort::sort_rows(&mut cards, &keys, config)?;
        cards.truncate(request.limit.unwrap_or(usize::MAX));
    }
    let unknown_sort_keys = match &request.sort {
        Some(keys) => unknown_fields(index, keys).map_err(sqlite_error)?,
        None => Vec::new(),
    };
    Ok(Answer { cards, view, unknown_sort_keys })
}

/// The terms of a filter: its leaves (words, phrases, field terms, `has:`).
fn count_terms(expr: &Expr) -> usize {
    match expr {
        Expr::All => 0,
        Expr::And(items) | Expr::Or(items) => items.iter().map(count_terms).sum(),
        Expr::Not(inner) => count_terms(inner),
        _ => 1,
    }
}

/// Sort keys that no card has as a field and that are not card attributes: one indexed
/// probe of `card_fields` per key.
fn unknown_fields(index: &Index, keys: &[SortKey]) -> rusqlite::Result<Vec<String>> {
    let mut stmt = index.conn().prepare_cached("SELECT EXISTS (SELECT 1 FROM card_fields WHERE key = ?1)")?;
    let mut unknown = Vec::new();
    for key in keys.iter().filter(|k| !sort::is_card_key(&k.key)) {
        if !stmt.query_row([&key.key], |r| r.get::<_, bool>(0))? {
            unknown.push(key.key.clone());
        }
    }
    Ok(unknown)
}

/// `params`: the filter's, and the sort's after them.
fn select(
    index: &Index,
    compiled: &compile::Sql,
    mut params: Vec<rusqlite::types::Value>,
    order: Option<&sort::SqlOrder>,
    limit: Option<usize>,
) -> rusqlite::Result<Vec<CardRow>> {
    let conn = index.conn();
    register_functions(conn)?;
    let mut sql = format!("SELECT {CARD_COLUMNS}");
    if let Some(rank) = &compiled.rank {
        params.push(rank.clone().into());
        sql.push_str(&format!(
            ", r.score FROM cards c JOIN (SELECT rowid AS id, bm25(cards_fts, 10.0, 1.0) AS score \
             FROM cards_fts WHERE cards_fts MATCH ?{}) r ON r.id = c.id",
            params.len()
        ));
    } else {
        sql.push_str(" FROM cards c");
    }
    if let Some(order) = order {
        sql.push_str(&order.joins);
    }
    sql.push_str(" WHERE ");
    sql.push_str(&compiled.where_clause);
    if let Some(order) = order {
        sql.push_str(" ORDER BY ");
        sql.push_str(&order.terms);
        if let Some(limit) = limit {
            params.push((limit.min(i64::MAX as usize) as i64).into());
            sql.push_str(&format!(" LIMIT ?{}", params.len()));
        }
    }
    let mut stmt = conn.prepare(&sql)?;
    // Sized for every card up front: growing a vector of a hundred thousand rows by
    // doubling costs more than the query. Pages never touched are never paid for.
    let mut cards = Vec::with_capacity(crate::index::count_cards(conn)?);
    for row in stmt.query_map(params_from_iter(params.iter()), CardRow::from_row)? {
        cards.push(row?);
    }
    Ok(cards)
}

/// The indexed card at a dex-relative path.
pub fn card_at(index: &Index, path: &str) -> Result<Option<CardRow>, QueryError> {
    let sql = format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.path = ?1");
    let result = index.conn().query_row(&sql, [path], CardRow::from_row);
    match result {
        Ok(row) => Ok(Some(row)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(cause) => Err(QueryError::sqlite(index, cause)),
    }
}

/// A card's indexed body (the text after its frontmatter, capped like the index).
pub fn card_body(index: &Index, path: &str) -> Result<Option<String>, QueryError> {
    let sql = "SELECT t.body FROM cards c JOIN card_text t ON t.id = c.id WHERE c.path = ?1";
    let result = index.conn().query_row(sql, [path], |r| r.get(0));
    match result {
        Ok(body) => Ok(Some(body)),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(cause) => Err(QueryError::sqlite(index, cause)),
    }
}

/// SQL functions the compiled filters and sorts use: `fold(text)`, Unicode lower-casing
/// (SQLite's own `lower` only knows ASCII); `number_text(text)`, the number a text
/// spells as an `f64`, or NULL ([`crate::value::number_text`]); `number_cmp(a, b)`, -1, 0
/// or 1 as the numbers two texts spell compare exactly (booleans as 0 and 1), or NULL;
/// `number_key(text)`, a text that sorts as the number does
/// ([`crate::value::Decimal::sort_key`]); `parent_cycles(child, parent)`, the parent
/// cycles among links ([`cycles`]); `outline_key`, `outline_depth`, `outline_under` and
/// `outline_child`, the outlines of folders and dotted names ([`names`]).
pub fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("fold", 1, flags, |ctx| {
        Ok(ctx.get::<Option<String>>(0)?.map(|s| s.to_lowercase()))
    })?;
    conn.create_scalar_function("number_text", 1, flags, |ctx| {
        Ok(ctx.get_raw(0).as_str_or_null()?.and_then(crate::value::number_text))
    })?;
    conn.create_scalar_function("number_cmp", 2, flags, |ctx| {
        let a = ctx.get_raw(0).as_str_or_null()?.and_then(row_number);
        let b = ctx.get_raw(1).as_str_or_null()?.and_then(row_number);
        Ok(a.zip(b).map(|(a, b)| a.cmp(&b) as i64))
    })?;
    conn.create_scalar_function("number_key", 1, flags, |ctx| {
        Ok(ctx.get_raw(0).as_str_or_null()?.and_then(row_number).map(|n| n.sort_key()))
    })?;
    conn.create_aggregate_function("parent_cycles", 2, flags, cycles::ParentCycles)?;
    names::register(conn)
}

/// The view's filter and the user's, ANDed, with nested ANDs flattened so that the
/// user's words stay at the top level (where they rank the results).
fn combine(view_expr: Expr, user_expr: Expr) -> Expr {
    let mut items = Vec::new();
    for expr in [view_expr, user_expr] {
        match expr {
            Expr::All => {}
            Expr::And(inner) => items.extend(inner),
            other => items.push(other),
        }
    }
    match items.len() {
        0 => Expr::All,
        1 => items.remove(0),
        _ => Expr::And(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_view_config() -> Config {
        let mut config = Config::builtin();
        // Config::load would refuse this view; a config built in code can still hold one.
        config.views.push(View {
            name: "bad".into(),
            description: String::new(),
            filter: "what:task deadline>soon".into(),
            sort: Vec::new(),
            columns: Vec::new(),
            group_by: None,
            outline: false,
            builtin: false,
        });
        config
    }

    #[test]
    fn errors_in_a_views_filter_point_into_the_view() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = Index::open(&dir.path().join("index.db")).expect("open").index;
        let clock = Clock::new("2026-11-23".parse().expect("date"), jiff::tz::TimeZone::UTC);
        let request = Request { filter: "x", view: Some("bad"), ..Request::default() };
        let err = run(&index, &bad_view_config(), &clock, &request).expect_err("bad view");
        assert_eq!(
            err.to_string(),
            "view `bad` (.termdex/config.toml): expected a date, not `soon` (like 2026-12-01, today, \
             yesterday, +3d, -2w, this-week)\n  what:task deadline>soon\n            ^"
        );
        // The user's own mistakes still point into the user's text.
        let request = Request { filter: "x deadline>soon", view: Some("tasks"), ..Request::default() };
        match run(&index, &bad_view_config(), &clock, &request) {
            Err(QueryError::Filter(e)) => assert_eq!((e.filter.as_str(), e.pos), ("x deadline>soon", 2)),
            other => panic!("expected a filter error, got {other:?}"),
        }
    }

    #[test]
    fn sorting_in_sql_agrees_with_sorting_rows() {
        use crate::config::{FieldSpec, FieldType};
        let dir = tempfile::tempdir().expect("tempdir");
        let values = [
            "3",
            "10",
            "\"3\"",
            "\"10\"",
            "-1.5",
            "true",
            "false",
            "todo",
            "Done",
            "\"active\"",
            "2026-01-02",
            "2025-12-31T10:00:00",
            "\"2026-01-02\"",
            "zebra",
            "Apple",
            "\"\"",
            "[]",
            "[b, a]",
            "[2, 1]",
            "{k: v}",
            "null",
            "\"v3\"",
            "\" 7 \"",
            // One f64 each pair: only the exact order tells them apart.
            "123456789012345678901234567891",
            "123456789012345678901234567890",
            "\"123456789012345678901234567892\"",
            "9007199254740993",
            "9007199254740992",
            "1.5e400",
            "1.0e400",
            "\"1e3\"",
        ];
        for (i, v) in values.iter().enumerate() {
            std::fs::write(dir.path().join(format!("c{i:02}.md")), format!("---\nx: {v}\n---\n"))
                .expect("write");
        }
        std::fs::write(dir.path().join("none.md"), "---\ny: 1\n---\n").expect("write");
        std::fs::write(dir.path().join("same.md"), "---\nx: 3\n---\n").expect("write");
        let mut index = Index::open(&dir.path().join(".termdex/index.db")).expect("open").index;
        crate::index::refresh(&mut index, dir.path(), false, &mut |_| {}).expect("refresh");
        let clock = Clock::new("2026-11-23".parse().expect("date"), jiff::tz::TimeZone::UTC);
        let order = vec!["todo".to_string(), "active".to_string(), "done".to_string()];
        for field_type in [None, Some(FieldType::Number), Some(FieldType::Text), Some(FieldType::Date)] {
            for order in [Vec::new(), order.clone()] {
                let mut config = Config::builtin();
                config.fields.insert("x".into(), FieldSpec { field_type, order: order.clone() });
                for sort in ["x", "-x", "x,-path", "-x,title"] {
                    let paths = |limit| {
                        let request = Request { sort: Some(parse_keys([sort])), limit, ..Request::default() };
                        let cards = run(&index, &config, &clock, &request).expect("query").cards;
                        cards.into_iter().map(|c| c.path).collect::<Vec<_>>()
                    };
                    assert_eq!(
                        paths(Some(1000)),
                        paths(None),
                        "{sort} as {field_type:?} with order {order:?}"
                    );
                }
            }
        }
    }
}
