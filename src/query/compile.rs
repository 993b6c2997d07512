//! From a filter's syntax tree to a SQL `WHERE` clause with bound values.
//!
//! No text from the user is ever spliced into the SQL: every value goes into `params`,
//! FTS5 words are quoted as FTS5 strings and then bound. Field terms become
//! `c.id IN (SELECT card_id FROM card_fields ...)` so they run on the flattened field
//! table's indexes instead of scanning JSON.
//!
//! Terms that constrain nothing are left out first ([`super::prune`]). Long runs of
//! `AND`/`OR` are nested as balanced trees and equal values share one parameter, so that
//! a filter of thousands of terms stays within SQLite's expression depth (1,000) and
//! parameter count; [`super::MAX_TERMS`] bounds the rest. Numbers compare exactly: the
//! `num` column's `f64` narrows the rows (on its index), `number_cmp` decides the rows
//! whose `f64` equals the literal's ([`crate::value::Decimal`]).

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;

use crate::config::{Config, FieldSpec, FieldType, OutlineSource};
use crate::index::{NameLookup, resolve_name_sql};
use crate::value::{Decimal, NotDecimal, is_infinity_or_nan};

use crate::clock::Clock;

use super::cycles::{PARENT_LINKS, cut_ids};
use super::dates::{self, Span};
use super::filter::{Expr, FilterError, LinkSide, Op};
use super::names;
use super::prune::prune;

/// A compiled filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    /// A boolean SQL expression over the `cards` table aliased `c`.
    pub where_clause: String,
    pub params: Vec<SqlValue>,
    /// The FTS5 query of the filter's top-level words, for ranking by bm25; those words
    /// are enforced by joining on it rather than by `where_clause`.
    pub rank: Option<String>,
}

/// Compiles `expr` (views already expanded); `filter` is the text, for error messages.
/// Terms that constrain nothing are left out; a filter of nothing else selects every card.
pub fn compile(expr: &Expr, filter: &str, clock: &Clock, config: &Config) -> Result<Sql, FilterError> {
    let mut compiler = Compiler { filter, clock, config, params: Vec::new(), bound: HashMap::new() };
    let pruned = prune(expr).map_err(|e| compiler.error(0, &format!("cannot read its words: {e}")))?;
    let Some(expr) = pruned else {
        return Ok(Sql { where_clause: "1".into(), params: Vec::new(), rank: None });
    };
    let (ranked, rest) = split_ranked(&expr);
    let rank = (!ranked.is_empty()).then(|| ranked.join(" AND "));
    let where_clause = match rest {
        Some(rest) => compiler.expr(&rest)?,
        None => "1".to_string(),
    };
    Ok(Sql { where_clause, params: compiler.params, rank })
}

/// Positive words at the top level rank the results; the rest of the filter is returned.
/// Every word has a token to search for: the filter was pruned.
fn split_ranked(expr: &Expr) -> (Vec<String>, Option<Expr>) {
    let items: Vec<&Expr> = match expr {
        Expr::And(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut ranked = Vec::new();
    let mut rest = Vec::new();
    for item in items {
        match item {
            Expr::Text { text, prefix, .. } => ranked.push(fts_string(text, *prefix)),
            other => rest.push(other.clone()),
        }
    }
    let rest = match rest.len() {
        0 => None,
        1 => rest.pop(),
        _ => Some(Expr::And(rest)),
    };
    (ranked, rest)
}

/// A word or phrase as an FTS5 string literal (`"` doubled), so FTS5 syntax in user text
/// (`AND`, `NEAR`, `*`, `:`) is only ever text. FTS5 reads its query up to a NUL, which
/// would leave the string unterminated; the tokenizer splits words at a NUL anyway, so
/// it becomes a space.
fn fts_string(text: &str, prefix: bool) -> String {
    let quoted = format!("\"{}\"", text.replace('"', "\"\"").replace('\0', " "));
    if prefix { quoted + " *" } else { quoted }
}

struct Compiler<'a> {
    filter: &'a str,
    clock: &'a Clock,
    config: &'a Config,
    params: Vec<SqlValue>,
    /// The parameter already holding a value: `#rust OR #sqlite OR ...` binds `tags` once.
    bound: HashMap<ParamKey, usize>,
}

/// A bound value, hashable (by the bits of a float).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ParamKey {
    Null,
    Integer(i64),
    Real(u64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<&SqlValue> for ParamKey {
    fn from(value: &SqlValue) -> ParamKey {
        match value {
            SqlValue::Null => ParamKey::Null,
            SqlValue::Integer(i) => ParamKey::Integer(*i),
            SqlValue::Real(f) => ParamKey::Real(f.to_bits()),
            SqlValue::Text(t) => ParamKey::Text(t.clone()),
            SqlValue::Blob(b) => ParamKey::Blob(b.clone()),
        }
    }
}

const PSEUDO_FIELDS: [&str; 5] = ["title", "path", "dir", "modified", "created"];

/// A term that can share one look-up with its like: in a run of `OR`s a word or a term
/// on a frontmatter field, in a run of `AND`s the negation of one.
enum Shared<'e> {
    Word { text: &'e str, prefix: bool },
    Field { key: &'e str, op: Op, value: &'e str, pos: usize },
}

fn shared(item: &Expr, or: bool) -> Option<Shared<'_>> {
    let term = match (or, item) {
        (true, term) => term,
        (false, Expr::Not(inner)) => inner,
        (false, _) => return None,
    };
    match term {
        Expr::Text { text, prefix, .. } => Some(Shared::Word { text, prefix: *prefix }),
        Expr::Field { key, op, value, pos } if *op != Op::Ne && !PSEUDO_FIELDS.contains(&key.as_str()) => {
            Some(Shared::Field { key, op: *op, value, pos: *pos })
        }
        _ => None,
    }
}

impl Compiler<'_> {
    fn expr(&mut self, expr: &Expr) -> Result<String, FilterError> {
        Ok(match expr {
            Expr::All => "1".into(),
            Expr::And(items) => self.join(items, " AND ")?,
            Expr::Or(items) => self.join(items, " OR ")?,
            Expr::Not(inner) => match &**inner {
                // `no:key` visits every card anyway: one seek per card into the primary key
                // beats collecting every card that has the key (a table lookup each for
                // `kind`): 0.26 s -> 0.11 s for `no:what` over 100k cards.
                Expr::Has { key } => {
                    let k = self.bind(key.clone());
                    format!(
                        "NOT EXISTS (SELECT 1 FROM card_fields f WHERE f.card_id = c.id AND f.key = {k} \
                         AND f.kind <> 'null')"
                    )
                }
                _ => format!("NOT {}", self.expr(inner)?),
            },
            Expr::Text { text, prefix, .. } => {
                let p = self.bind(fts_string(text, *prefix));
                format!("c.id IN (SELECT rowid FROM cards_fts WHERE cards_fts MATCH {p})")
            }
            Expr::Has { key } => {
                let k = self.bind(key.clone());
                format!("c.id IN (SELECT card_id FROM card_fields WHERE key = {k} AND kind <> 'null')")
            }
            Expr::Field { key, op: Op::Ne, value, pos } => {
                let eq = Expr::Field { key: key.clone(), op: Op::Eq, value: value.clone(), pos: *pos };
                format!("NOT {}", self.expr(&eq)?)
            }
            Expr::Field { key, op, value, pos } if PSEUDO_FIELDS.contains(&key.as_str()) => {
                self.pseudo(key, *op, value, *pos)?
            }
            Expr::Field { key, op, value, pos } => self.field(key, *op, value, *pos)?,
            Expr::View { pos, name } => {
                return Err(self.error(*pos, &format!("view `{name}` was not expanded")));
            }
            Expr::Link { side: side @ (LinkSide::Parent | LinkSide::Children), name }
                if let Some(source) = self.names_source() =>
            {
                self.names_below(source, *side == LinkSide::Parent, name)
            }
            Expr::HasLink { side: side @ (LinkSide::Parent | LinkSide::Children) }
                if let Some(source) = self.names_source() =>
            {
                names_has(source, *side)
            }
            Expr::Depth { op, depth } if let Some(source) = self.names_source() => {
                let n = self.bind(i64::from(*depth));
                format!("(outline_depth(c.path, {}) {} {n})", names::sql_source(source), sql_op(*op))
            }
            Expr::Link { side, name } => self.link(*side, name),
            Expr::HasLink { side } => has_link(*side).to_string(),
            Expr::Depth { op, depth } => self.depth(*op, *depth),
        })
    }

    /// `links:X`, `linked-by:X`: the card X names is found in the query by the rule links
    /// follow (a subquery that depends on no row, so SQLite runs it once), then its links
    /// in or out on `links_by_to` or the primary key. A name no card has matches no card.
    fn link(&mut self, side: LinkSide, name: &str) -> String {
        // X is written as a parent value is: `[[X]]`, `[[X|label]]`, a path or a name.
        let Some(lookup) = NameLookup::of(crate::card::parent_name(name)) else {
            return "0".into();
        };
        let (key, tail, suffix) = (self.bind(lookup.key), self.bind(lookup.tail), self.bind(lookup.suffix));
        let mut named = resolve_name_sql(&key, &tail, &suffix);
        // `parent:X` and `under:X` start where `tree X` does: the card at the path X first
        // (`dup.markdown` is that file, though a link to it resolves to `dup.md`).
        if matches!(side, LinkSide::Parent | LinkSide::Children) {
            let path = self.bind(crate::card::parent_name(name).trim_start_matches("./").to_string());
            named = format!("coalesce((SELECT c8.id FROM cards c8 WHERE c8.path = {path}), {named})");
        }
        match side {
            LinkSide::Out => format!("c.id IN (SELECT l.card_id FROM links l WHERE l.to_id = {named})"),
            LinkSide::In => format!("c.id IN (SELECT l.to_id FROM links l WHERE l.card_id = {named})"),
            // X's children and descendants as the outline has them: when X is in a parent
            // cycle, the card of the cycle where the outline breaks it is under no card.
            LinkSide::Parent => format!(
                "c.id IN (WITH RECURSIVE {ring}
                  SELECT l.card_id FROM links l WHERE l.to_id = {named} AND l.kind = 'parent'
                   AND l.card_id NOT IN cut)",
                ring = ring_cut(&named)
            ),
            // Every card below X, at any depth: parent links followed down from it, each
            // card once, never into the card where X's own cycle (the only one a walk down
            // from X can meet) is broken, so that X is never under itself.
            LinkSide::Children => format!(
                "c.id IN (WITH RECURSIVE {ring},
                  below(id) AS (
                    SELECT l.card_id FROM links l WHERE l.to_id = {named} AND l.kind = 'parent'
                     AND l.card_id NOT IN cut
                    UNION
                    SELECT l.card_id FROM links l JOIN below b ON l.to_id = b.id
                     WHERE l.kind = 'parent' AND l.card_id NOT IN cut)
                  SELECT id FROM below)",
                ring = ring_cut(&named)
            ),
        }
    }

    /// The outline's source when it is made of names (folders, dotted file names), whose
    /// terms read the cards' paths ([`names`]) rather than parent links (which the index
    /// keeps for the `field` source only).
    fn names_source(&self) -> Option<OutlineSource> {
        match self.config.outline.source {
            OutlineSource::Field => None,
            source => Some(source),
        }
    }

    /// `parent:X` (`direct`) and `under:X` in an outline of names: the cards below the
    /// node X names, found in the range of paths that start with its key (on the index of
    /// `cards.path`; `.` and `/` are neighbours in ASCII, as are `/` and `0`) and checked
    /// by the rule `tree` follows. X names a node as `tree X` takes it
    /// (`outline::Outline::named`). Folders: the folder X (a card has nothing under it
    /// there, so a card X would select nothing either). Dotted names: the card at the
    /// path X, else the card X names as a link would (either selects nothing when another
    /// card with its key holds the node), else the dotted name X, a placeholder.
    fn names_below(&mut self, source: OutlineSource, direct: bool, name: &str) -> String {
        let fallback = match names::node_name(source, name) {
            Some(node) => self.bind(node),
            None => "NULL".to_string(),
        };
        let (node, range) = match source {
            OutlineSource::Dotted => {
                // The card at that path, else the one the name resolves to as a link's
                // (`tree X` looks X up alike: `dup.markdown` is that file, though a link
                // to it resolves to `dup.md`, the shorter path with its key).
                let written = crate::card::parent_name(name);
                let named = match NameLookup::of(written) {
                    Some(lookup) => {
                        let (key, tail) = (self.bind(lookup.key), self.bind(lookup.tail));
                        let resolved = resolve_name_sql(&key, &tail, &self.bind(lookup.suffix));
                        let path = self.bind(written.trim_start_matches("./").to_string());
                        format!("coalesce((SELECT c7.id FROM cards c7 WHERE c7.path = {path}), {resolved})")
                    }
                    None if fallback == "NULL" => return "0".into(),
                    None => "NULL".into(),
                };
                let node = format!(
                    "SELECT CASE WHEN n.id IS NULL THEN {fallback} WHEN {others} THEN NULL
                                 ELSE outline_key(n.path) END
                       FROM (SELECT {named} AS id) x LEFT JOIN cards n ON n.id = x.id",
                    others = same_key_before("n.path"),
                );
                (node, "d.path >= node.k || '.' AND d.path < node.k || '/'")
            }
            _ if fallback == "NULL" => return "0".into(),
            _ => (
                format!("SELECT {fallback}"),
                "d.path >= node.k AND d.path < substr(node.k, 1, length(node.k) - 1) || '0'",
            ),
        };
        format!(
            "c.id IN (WITH node(k) AS MATERIALIZED ({node})
               SELECT d.id FROM node, cards d WHERE {range} AND {check}(d.path, {source}, node.k))",
            check = if direct { "outline_child" } else { "outline_under" },
            source = names::sql_source(source),
        )
    }

    /// `depth<=N`: the card's number of parents, as the outline has them (`query::outline`):
    /// 0 for the tops (the cards with no parent, and where the outline breaks each parent
    /// cycle, [`cut_ids`]), counted down from them. The walk stops at the depth the term
    /// asks about (`depth>N` is what `depth<=N` leaves), and reads the parent links once,
    /// whole (a scan costs less than following `links_by_to` to check each link's kind).
    fn depth(&mut self, op: Op, depth: u32) -> String {
        // (the depth walked to, whether the cards at that depth only, whether negated)
        let (to, exact, negated) = match op {
            Op::Eq | Op::Prefix => (depth, true, false),
            Op::Ne => (depth, true, true),
            Op::Le => (depth, false, false),
            Op::Gt => (depth, false, true),
            Op::Lt | Op::Ge => match depth.checked_sub(1) {
                Some(to) => (to, false, op == Op::Ge),
                None => return if op == Op::Ge { "1" } else { "0" }.into(),
            },
        };
        let bound = self.bind(i64::from(to));
        let tops = "SELECT c2.id FROM cards c2 WHERE c2.id NOT IN (SELECT child FROM pm)
                    UNION ALL SELECT id FROM cut";
        let select = match (exact, to) {
            (true, 0) => tops.to_string(),
            (true, _) => format!("SELECT id FROM walk WHERE depth = {bound}"),
            (false, _) => format!("{tops} UNION ALL SELECT id FROM walk"),
        };
        format!(
            "c.id {not}IN (WITH RECURSIVE
              pm(child, parent) AS MATERIALIZED
                (SELECT card_id, to_id FROM links WHERE kind = 'parent' AND +to_id IS NOT NULL),
              cut(id) AS MATERIALIZED ({cut}),
              walk(id, depth) AS (
                SELECT child, 1 FROM pm
                 WHERE (parent NOT IN (SELECT child FROM pm) OR parent IN cut) AND child NOT IN cut
                   AND 1 <= {bound}
                UNION ALL
                SELECT pm.child, w.depth + 1 FROM pm JOIN walk w ON pm.parent = w.id
                 WHERE w.depth < {bound} AND pm.child NOT IN cut)
              {select})",
            not = if negated { "NOT " } else { "" },
            cut = cut_ids("pm"),
        )
    }

    /// A run of `AND`s or `OR`s. In a run of `OR`s, words are one full-text query (`"a" OR
    /// "b"`) and terms on one field one look-up in its rows; so are negated words and
    /// fields in a run of `AND`s (`-a -b` is `NOT (a OR b)`). A thousand `-#tag` terms then
    /// cost one pass over the tags, not a thousand probes for every card.
    fn join(&mut self, items: &[Expr], sep: &str) -> Result<String, FilterError> {
        let or = sep == " OR ";
        let mut words = Vec::new();
        let mut fields: Vec<(&str, Vec<String>)> = Vec::new();
        let mut parts = Vec::new();
        for item in items {
            match shared(item, or) {
                Some(Shared::Word { text, prefix }) => words.push(fts_string(text, prefix)),
                Some(Shared::Field { key, op, value, pos }) => {
                    let condition = format!("({})", self.field_condition(key, op, value, pos)?);
                    match fields.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, conditions)) => conditions.push(condition),
                        None => fields.push((key, vec![condition])),
                    }
                }
                None => parts.push(self.expr(item)?),
            }
        }
        let negated = if or { "" } else { "NOT " };
        if !words.is_empty() {
            let p = self.bind(words.join(" OR "));
            parts.push(format!("{negated}c.id IN (SELECT rowid FROM cards_fts WHERE cards_fts MATCH {p})"));
        }
        for (key, conditions) in fields {
            let k = self.bind(key.to_string());
            let any = balanced(&conditions, " OR ");
            parts.push(format!(
                "{negated}c.id IN (SELECT card_id FROM card_fields WHERE key = {k} AND {any})"
            ));
        }
        Ok(balanced(&parts, sep))
    }

    /// A frontmatter field: any element of a list may match.
    fn field(&mut self, key: &str, op: Op, value: &str, pos: usize) -> Result<String, FilterError> {
        let condition = self.field_condition(key, op, value, pos)?;
        let k = self.bind(key.to_string());
        Ok(format!("c.id IN (SELECT card_id FROM card_fields WHERE key = {k} AND ({condition}))"))
    }

    /// What one of a field's rows must hold for `key OP value`.
    fn field_condition(&mut self, key: &str, op: Op, value: &str, pos: usize) -> Result<String, FilterError> {
        let spec = self.config.field(key).cloned().unwrap_or_default();
        let condition = match op {
            Op::Eq => self.field_eq(&spec, value, pos)?,
            Op::Prefix => {
                let lower = value.to_lowercase();
                let lo = self.bind(lower.clone());
                let hi = self.bind(format!("{lower}\u{10FFFF}"));
                format!("norm >= {lo} AND norm < {hi}")
            }
            _ => self.field_compare(key, &spec, op, value, pos)?,
        };
        Ok(condition)
    }

    /// Equality: as text always; also as a number or a day when the value reads as one
    /// (so `when:today` matches the word "today" and today's date alike).
    fn field_eq(&mut self, spec: &FieldSpec, value: &str, pos: usize) -> Result<String, FilterError> {
        let p = self.bind(value.to_lowercase());
        let mut alternatives = vec![format!("norm = {p}")];
        let typed = spec.field_type;
        if matches!(typed, None | Some(FieldType::Number))
            && let Some(n) = self.number(value, pos)?
        {
            alternatives.push(self.number_compare(typed, Op::Eq, &n));
        }
        if matches!(typed, None | Some(FieldType::Date)) {
            match dates::span(value, self.clock) {
                Ok(Some(span)) => alternatives.push(self.time_in(&span)),
                Ok(None) if typed == Some(FieldType::Date) => return Err(self.expected_date(pos, value)),
                Ok(None) => {}
                Err(bad) => return Err(self.error(pos, &bad.message(value))),
            }
        }
        Ok(alternatives.join(" OR "))
    }

    fn field_compare(
        &mut self,
        key: &str,
        spec: &FieldSpec,
        op: Op,
        value: &str,
        pos: usize,
    ) -> Result<String, FilterError> {
        let lower = value.to_lowercase();
        if let Some(rank) = spec.order.iter().position(|v| *v == lower) {
            return Ok(self.order_compare(spec, op, rank));
        }
        if spec.field_type == Some(FieldType::Enum) {
            let allowed = spec.order.join(", ");
            return Err(self.error(pos, &format!("`{value}` is not one of the values of `{key}`: {allowed}")));
        }
        if spec.field_type != Some(FieldType::Text) {
            // A word written as a date that names none is said, not compared as text
            // (`date>+99999999d` matched every date).
            match dates::span(value, self.clock) {
                Ok(Some(span)) => return Ok(self.time_compare("time", op, &span)),
                Ok(None) => {}
                Err(bad) => return Err(self.error(pos, &bad.message(value))),
            }
            if spec.field_type == Some(FieldType::Date) {
                return Err(self.expected_date(pos, value));
            }
            if let Some(n) = self.number(value, pos)? {
                return Ok(self.number_compare(spec.field_type, op, &n));
            }
            // As text, `p>inf` would order `nan` after `inf`; no number is beyond either.
            if is_infinity_or_nan(value) {
                let message = format!(
                    "`{value}` is not a number termdex can compare: compare with a finite number (like 1e300)"
                );
                return Err(self.error(pos, &message));
            }
        }
        let p = self.bind(lower);
        Ok(format!("norm {} {p}", sql_op(op)))
    }

    /// A filter's value read as a number: `None` when it is not written as one, an error
    /// when it is one termdex cannot compare.
    fn number(&self, value: &str, pos: usize) -> Result<Option<Decimal>, FilterError> {
        match Decimal::parse(value) {
            Ok(n) => Ok(Some(n)),
            Err(NotDecimal::Syntax) => Ok(None),
            Err(NotDecimal::OutOfRange) => Err(self.error(
                pos,
                &format!(
                    "the number `{value}` is out of range: termdex compares numbers with exponents up to \
                     ±10^18"
                ),
            )),
        }
    }

    /// An exact numeric comparison: the `f64` column narrows (on its index, as rounding
    /// is monotonic), `number_cmp` on the row's text decides where it equals the literal's.
    fn number_compare(&mut self, declared: Option<FieldType>, op: Op, n: &Decimal) -> String {
        let column = number_column(declared);
        let f = self.bind(n.to_f64());
        let exact = self.bind(n.to_string());
        let cmp = format!("number_cmp(text, {exact})");
        match op {
            Op::Gt => format!("({column} >= {f} AND ({column} > {f} OR {cmp} > 0))"),
            Op::Ge => format!("({column} >= {f} AND ({column} > {f} OR {cmp} >= 0))"),
            Op::Lt => format!("({column} <= {f} AND ({column} < {f} OR {cmp} < 0))"),
            Op::Le => format!("({column} <= {f} AND ({column} < {f} OR {cmp} <= 0))"),
            Op::Eq | Op::Prefix | Op::Ne => format!("({column} = {f} AND {cmp} = 0)"),
        }
    }

    /// `when<week` over a declared order: compares positions in the list.
    fn order_compare(&mut self, spec: &FieldSpec, op: Op, rank: usize) -> String {
        let mut case = String::from("CASE norm");
        for (i, v) in spec.order.iter().enumerate() {
            let p = self.bind(v.clone());
            case.push_str(&format!(" WHEN {p} THEN {i}"));
        }
        case.push_str(" END");
        let p = self.bind(rank as i64);
        format!("{case} {} {p}", sql_op(op))
    }

    fn pseudo(&mut self, key: &str, op: Op, value: &str, pos: usize) -> Result<String, FilterError> {
        match key {
            "title" => Ok(self.title(op, value)),
            "path" => Ok(self.path(op, value)),
            "dir" => self.dir(op, value, pos),
            "modified" => {
                let span = self.span_or_error(value, pos)?;
                let ns = |t: &str| self.clock.nanos(t).unwrap_or(i64::MAX);
                let ns_span = (ns(&span.start), ns(&span.end));
                Ok(self.nanos_compare(op, ns_span, pos)?)
            }
            "created" => {
                let span = self.span_or_error(value, pos)?;
                match op {
                    Op::Eq => Ok(self.range("c.created", &span)),
                    Op::Prefix => Err(self.error(pos, "`created` takes a date, not a prefix")),
                    _ => Ok(self.time_compare("c.created", op, &span)),
                }
            }
            _ => unreachable!("only pseudo fields get here"),
        }
    }

    /// Titles: case-insensitive; `*` anywhere is a wildcard.
    fn title(&mut self, op: Op, value: &str) -> String {
        let lower = value.to_lowercase();
        match op {
            Op::Eq if lower.contains('*') => {
                let p = self.bind(like_pattern(&lower));
                format!("fold(c.title) LIKE {p} ESCAPE '\\'")
            }
            Op::Prefix => {
                let p = self.bind(like_pattern(&lower) + "%");
                format!("fold(c.title) LIKE {p} ESCAPE '\\'")
            }
            _ => {
                let p = self.bind(lower);
                format!("fold(c.title) {} {p}", sql_op(op))
            }
        }
    }

    /// Paths: exact, a folder and everything in it, or a `*` wildcard pattern.
    fn path(&mut self, op: Op, value: &str) -> String {
        let value = value.trim_start_matches("./");
        match op {
            Op::Eq if value.contains('*') => {
                let p = self.bind(glob_pattern(value));
                format!("c.path GLOB {p}")
            }
            Op::Eq => {
                let exact = self.bind(value.to_string());
                let folder = self.bind(glob_literal(value.trim_end_matches('/')) + "/*");
                format!("(c.path = {exact} OR c.path GLOB {folder})")
            }
            Op::Prefix => {
                let p = self.bind(glob_pattern(value) + "*");
                format!("c.path GLOB {p}")
            }
            _ => {
                let p = self.bind(value.to_string());
                format!("c.path {} {p}", sql_op(op))
            }
        }
    }

    /// `dir:journal`: the card is in that folder or below it; `dir:.` the top level.
    fn dir(&mut self, op: Op, value: &str, pos: usize) -> Result<String, FilterError> {
        let folder = value.trim_start_matches("./").trim_end_matches('/');
        match op {
            Op::Eq | Op::Prefix if folder.is_empty() || folder == "." => Ok("c.path NOT GLOB '*/*'".into()),
            Op::Eq => {
                let p = self.bind(glob_pattern(folder) + "/*");
                Ok(format!("c.path GLOB {p}"))
            }
            Op::Prefix => {
                let p = self.bind(glob_pattern(folder) + "*/*");
                Ok(format!("c.path GLOB {p}"))
            }
            _ => Err(self.error(pos, "`dir` takes `dir:FOLDER`")),
        }
    }

    fn nanos_compare(&mut self, op: Op, (start, end): (i64, i64), pos: usize) -> Result<String, FilterError> {
        let column = "c.mtime_ns";
        Ok(match op {
            Op::Eq => {
                let (s, e) = (self.bind(start), self.bind(end));
                format!("({column} >= {s} AND {column} < {e})")
            }
            Op::Gt => format!("{column} >= {}", self.bind(end)),
            Op::Ge => format!("{column} >= {}", self.bind(start)),
            Op::Lt => format!("{column} < {}", self.bind(start)),
            Op::Le => format!("{column} < {}", self.bind(end)),
            Op::Prefix | Op::Ne => {
                return Err(self.error(pos, "`modified` takes a date, not a prefix"));
            }
        })
    }

    fn time_in(&mut self, span: &Span) -> String {
        self.range("time", span)
    }

    fn range(&mut self, column: &str, span: &Span) -> String {
        let s = self.bind(span.start.clone());
        let e = self.bind(span.end.clone());
        format!("({column} >= {s} AND {column} < {e})")
    }

    /// `>` a day means after all of it; `<=` a day means up to its end.
    fn time_compare(&mut self, column: &str, op: Op, span: &Span) -> String {
        let (cmp, bound) = match op {
            Op::Gt => (">=", &span.end),
            Op::Ge => (">=", &span.start),
            Op::Lt => ("<", &span.start),
            _ => ("<", &span.end),
        };
        let p = self.bind(bound.clone());
        format!("{column} {cmp} {p}")
    }

    fn span_or_error(&self, value: &str, pos: usize) -> Result<Span, FilterError> {
        match dates::span(value, self.clock) {
            Ok(Some(span)) => Ok(span),
            Ok(None) => Err(self.expected_date(pos, value)),
            Err(bad) => Err(self.error(pos, &bad.message(value))),
        }
    }

    fn expected_date(&self, pos: usize, value: &str) -> FilterError {
        self.error(
            pos,
            &format!(
                "expected a date, not `{value}` (like 2026-12-01, today, yesterday, +3d, -2w, this-week)"
            ),
        )
    }

    /// A parameter holding `value`: the one already bound to an equal value, if any.
    fn bind(&mut self, value: impl Into<SqlValue>) -> String {
        let value = value.into();
        let key = ParamKey::from(&value);
        let n = match self.bound.get(&key) {
            Some(n) => *n,
            None => {
                self.params.push(value);
                self.bound.insert(key, self.params.len());
                self.params.len()
            }
        };
        format!("?{n}")
    }

    fn error(&self, pos: usize, message: &str) -> FilterError {
        FilterError { filter: self.filter.to_string(), pos, message: message.to_string() }
    }
}

/// A recursive CTE `ring` (the cards up X's parent chain) and `cut`: the card where the
/// outline breaks X's parent cycle, when X is in one (the chain then comes back to X and
/// is the cycle), else none. One walk up from X: a few rows.
fn ring_cut(named: &str) -> String {
    format!(
        "ring(id) AS (
           SELECT l.to_id FROM links l WHERE l.card_id = {named} AND l.kind = 'parent' AND l.to_id IS NOT NULL
           UNION
           SELECT l.to_id FROM ring r JOIN links l ON l.card_id = r.id
            WHERE l.kind = 'parent' AND l.to_id IS NOT NULL),
         cut(id) AS MATERIALIZED (
           SELECT r.id FROM ring r JOIN cards c8 ON c8.id = r.id
            WHERE {named} IN (SELECT id FROM ring) ORDER BY c8.path LIMIT 1)"
    )
}

/// `has:links` (a link out of the card names a card: broken links do not count) and
/// `has:backlinks` (a card links to it): one seek per card tested, into the primary key or
/// `links_by_to`. Collecting the linked cards first (`c.id IN (SELECT to_id ...)`) costs
/// as much when every card is tested (~35 ms at 100k), but 35 ms more where an ordered,
/// limited read (the TUI's first screen) stops after 40 cards: 0.2 ms then.
fn has_link(side: LinkSide) -> &'static str {
    match side {
        LinkSide::Out => "EXISTS (SELECT 1 FROM links l WHERE l.card_id = c.id AND l.to_id IS NOT NULL)",
        LinkSide::In => "EXISTS (SELECT 1 FROM links l WHERE l.to_id = c.id)",
        // A parent and children as the outline has them: the card where a parent cycle is
        // broken has no parent (it is a top), and is no child of the card it names.
        LinkSide::Parent => HAS_PARENT.get_or_init(|| {
            format!(
                "(EXISTS (SELECT 1 FROM links l WHERE l.card_id = c.id AND l.kind = 'parent' AND l.to_id IS NOT NULL)
                  AND c.id NOT IN ({}))",
                cut_ids(PARENT_LINKS)
            )
        })
        .as_str(),
        LinkSide::Children => HAS_CHILDREN.get_or_init(|| {
            format!(
                "EXISTS (SELECT 1 FROM links l WHERE l.to_id = c.id AND l.kind = 'parent'
                          AND l.card_id NOT IN ({}))",
                cut_ids(PARENT_LINKS)
            )
        })
        .as_str(),
    }
}

/// `has:parent` and `has:children` in an outline of names, as `tree` draws it: a card
/// under a placeholder (a folder, a missing middle level) has a parent, and a card whose
/// only child is a placeholder has children; a placeholder is no card, so never listed.
/// Folders: only folders have children (a card's key never ends with `/`: no card file is
/// named `.md`, which would be hidden). Dotted names: the cards `outline_parents` finds in
/// one pass over the paths (a subquery that depends on no row, run once), in Rust by the
/// rule `tree` follows. (A look-up per card in the range of paths its key starts, and of
/// the cards sharing its key, cost 0.20 s of user CPU for `has:children` at 100k cards,
/// against 0.07 s: docs/benchmarks.md.)
fn names_has(source: OutlineSource, side: LinkSide) -> String {
    let sql_source = names::sql_source(source);
    match (side, source) {
        (LinkSide::Children, OutlineSource::Dotted) => format!(
            "c.id IN (SELECT value FROM json_each((SELECT outline_parents(id, path, {sql_source}) FROM cards)))"
        ),
        (LinkSide::Children, _) => "0".into(),
        _ => format!("(outline_depth(c.path, {sql_source}) > 0)"),
    }
}

/// Whether a card with the same key as the card at `path` (an SQL expression) comes
/// before it, and so holds the node of that key (`outline::by_names`: the shortest path,
/// then the smallest). Such paths are the key itself or the key and a markdown extension
/// (`.md`, `.markdown` in any letter case): three short ranges of the index of
/// `cards.path` (the whole range the key starts holds every card under it, read once for
/// each card tested, which cost 0.2 s at 100k cards).
fn same_key_before(path: &str) -> String {
    let key = format!("outline_key({path})");
    format!(
        "EXISTS (SELECT 1 FROM cards e
                  WHERE (e.path = {key} OR (e.path >= {key} || '.M' AND e.path < {key} || '.N')
                         OR (e.path >= {key} || '.m' AND e.path < {key} || '.n'))
                    AND outline_key(e.path) = {key}
                    AND (length(e.path) < length({path}) OR (length(e.path) = length({path}) AND e.path < {path})))"
    )
}

static HAS_PARENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
static HAS_CHILDREN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Declared numbers also compare numerically when they were written as numeric text
/// (`"3"`, not `"v3"`): `number_text` is the SQL function of [`crate::value::number_text`].
fn number_column(declared: Option<FieldType>) -> &'static str {
    match declared {
        Some(FieldType::Number) => {
            "(CASE WHEN kind = 'number' THEN num WHEN kind = 'text' THEN number_text(text) END)"
        }
        _ => "num",
    }
}

/// `parts` joined by `sep` as a balanced tree of parentheses: SQLite counts a flat run of
/// a thousand `OR`s as a thousand levels of expression (its limit), a balanced one as ten.
fn balanced(parts: &[String], sep: &str) -> String {
    match parts {
        [] => "1".into(),
        [one] => one.clone(),
        _ => {
            let (left, right) = parts.split_at(parts.len() / 2);
            format!("({}{sep}{})", balanced(left, sep), balanced(right, sep))
        }
    }
}

fn sql_op(op: Op) -> &'static str {
    match op {
        Op::Eq | Op::Prefix => "=",
        Op::Ne => "<>",
        Op::Gt => ">",
        Op::Ge => ">=",
        Op::Lt => "<",
        Op::Le => "<=",
    }
}

/// A `*` wildcard pattern as a LIKE pattern with `\` escapes.
fn like_pattern(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '*' => out.push('%'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A `*` wildcard pattern as a GLOB pattern: only `*` stays special.
fn glob_pattern(value: &str) -> String {
    value.split('*').map(glob_literal).collect::<Vec<_>>().join("*")
}

/// Text matched literally by GLOB.
fn glob_literal(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::parse;

    fn sql(filter: &str) -> Sql {
        let clock = Clock::new("2026-11-23".parse().expect("date"), jiff::tz::TimeZone::UTC);
        compile(&parse(filter).expect("parses"), filter, &clock, &Config::builtin()).expect("compiles")
    }

    #[test]
    fn user_text_is_only_ever_a_parameter() {
        let hostile = "status:\"x'); DROP TABLE cards; --\" \"a\"\" OR 1=1\"";
        let compiled = sql(hostile);
        assert!(!compiled.where_clause.contains("DROP"), "{}", compiled.where_clause);
        assert!(!compiled.where_clause.contains("1=1"), "{}", compiled.where_clause);
        assert_eq!(compiled.rank.as_deref(), Some("\"a\"\" OR 1=1\""));
    }

    #[test]
    fn link_names_are_only_ever_parameters() {
        for filter in ["links:\"x'); DROP TABLE cards; --\"", "linked-by:\"a' OR 1=1 --\""] {
            let compiled = sql(filter);
            for bad in ["DROP", "1=1", "'x", "'a"] {
                assert!(!compiled.where_clause.contains(bad), "{filter}: {}", compiled.where_clause);
            }
        }
        assert_eq!(sql("links:\"\"").where_clause, "1", "a name with nothing to look up constrains nothing");
    }

    /// The plan SQLite makes for a compiled filter, one line per step.
    fn plan(index: &crate::index::Index, compiled: &Sql) -> Vec<String> {
        let explain = format!("EXPLAIN QUERY PLAN SELECT c.id FROM cards c WHERE {}", compiled.where_clause);
        crate::query::register_functions(index.conn()).expect("functions");
        index
            .conn()
            .prepare(&explain)
            .and_then(|mut s| {
                s.query_map(rusqlite::params_from_iter(compiled.params.iter()), |r| r.get(3))?.collect()
            })
            .expect("plan")
    }

    #[test]
    fn depth_reads_the_parent_links_once_and_walks_them_by_index() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = crate::index::Index::open(&dir.path().join("index.db")).expect("open").index;
        let steps = plan(&index, &sql("depth<=2"));
        assert_eq!(steps.iter().filter(|s| s.starts_with("SCAN links")).count(), 1, "{steps:#?}");
        assert!(!steps.iter().any(|s| s.contains("links_by_to")), "{steps:#?}");
        assert!(
            steps.iter().any(|s| s.starts_with("SEARCH pm USING AUTOMATIC") && s.ends_with("(parent=?)")),
            "the walk down: {steps:#?}"
        );
        assert!(
            steps.iter().any(|s| s == "SCAN ring VIRTUAL TABLE INDEX 1:"),
            "the cycles found once, by parent_cycles over pm: {steps:#?}"
        );
    }

    #[test]
    fn link_terms_read_the_links_by_their_indexes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let index = crate::index::Index::open(&dir.path().join("index.db")).expect("open").index;
        for (filter, wanted) in [
            ("links:x", "USING COVERING INDEX links_by_to (to_id=?)"),
            ("linked-by:x", "USING PRIMARY KEY (card_id=?)"),
            ("has:links", "USING PRIMARY KEY (card_id=?)"),
            ("no:links", "USING PRIMARY KEY (card_id=?)"),
            ("has:backlinks", "USING COVERING INDEX links_by_to (to_id=?)"),
            ("no:backlinks", "USING COVERING INDEX links_by_to (to_id=?)"),
            ("parent:x", "links_by_to (to_id=?)"),
            ("under:x", "links_by_to (to_id=?)"),
            ("has:children", "links_by_to (to_id=?)"),
            ("no:parent", "USING PRIMARY KEY (card_id=?)"),
        ] {
            let steps = plan(&index, &sql(filter));
            assert!(
                steps.iter().any(|s| s.starts_with("SEARCH l ") && s.ends_with(wanted)),
                "{filter}: {steps:#?}"
            );
            // The parent cycles, where the terms on the outline need them, are read in one
            // scan of the links (`cycles::cut_ids`), once per statement.
            let scans = |table: &str| {
                steps.iter().filter(|s| s.starts_with("SCAN ") && s.split(' ').nth(1) == Some(table)).count()
            };
            assert_eq!(scans("l") + scans("n"), 0, "{filter}: {steps:#?}");
            assert!(scans("links") <= 1, "{filter}: {steps:#?}");
            if filter.starts_with("link") {
                assert!(
                    steps.iter().any(|s| s.starts_with("SEARCH c USING INTEGER PRIMARY KEY")),
                    "{filter}: {steps:#?}"
                );
            }
        }
    }

    #[test]
    fn top_level_words_rank_and_others_filter() {
        let compiled = sql("rust -draft");
        assert_eq!(compiled.rank.as_deref(), Some("\"rust\""));
        assert!(
            compiled.where_clause.starts_with("NOT c.id IN (SELECT rowid FROM cards_fts"),
            "{}",
            compiled.where_clause
        );
        assert_eq!(sql("a OR b").rank, None);
    }

    #[test]
    fn a_nul_in_a_word_does_not_cut_the_fts_string_short() {
        // Found by fuzzing: `(\0OR)` compiled to an FTS5 query SQLite refused.
        assert_eq!(sql("(\0OR)").rank.as_deref(), Some("\" OR\""));
        assert_eq!(fts_string("a\0b", true), "\"a b\" *");
    }

    #[test]
    fn runs_of_words_and_of_one_fields_terms_share_one_look_up() {
        let compiled = sql("(a OR b* OR #x OR tags:y OR status:done OR title:t) -c -#z -d");
        let lookups = |what: &str| compiled.where_clause.matches(what).count();
        assert_eq!(lookups("cards_fts MATCH"), 2, "{}", compiled.where_clause);
        assert_eq!(lookups("FROM card_fields"), 3, "tags twice, status once: {}", compiled.where_clause);
        let texts: Vec<&SqlValue> =
            compiled.params.iter().filter(|p| matches!(p, SqlValue::Text(t) if t.contains(" OR "))).collect();
        assert_eq!(
            texts,
            [&SqlValue::Text("\"a\" OR \"b\" *".into()), &SqlValue::Text("\"c\" OR \"d\"".into())]
        );
    }

    #[test]
    fn long_runs_nest_as_balanced_trees_and_equal_values_share_a_parameter() {
        let filter: Vec<String> = (0..1_000).map(|i| format!("(#t{i} OR priority>{i})")).collect();
        let compiled = sql(&filter.join(" "));
        let mut depth = 0usize;
        let mut deepest = 0;
        for c in compiled.where_clause.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            deepest = deepest.max(depth);
        }
        assert!(deepest < 30, "parentheses nest {deepest} deep");
        let keys = compiled.params.iter().filter(|p| **p == SqlValue::Text("tags".into())).count();
        assert_eq!(keys, 1);
    }

    #[test]
    fn patterns_escape_their_special_characters() {
        assert_eq!(like_pattern("50%_off*"), "50\\%\\_off%");
        assert_eq!(glob_pattern("a[1]?*"), "a[[]1][?]*");
    }

    #[test]
    fn words_without_letters_or_digits_constrain_nothing_either_way() {
        assert_eq!(sql("'").where_clause, "1");
        assert_eq!(sql("-'").where_clause, "1");
        assert_eq!(sql("NOT (' OR -)").where_clause, "1");
        assert!(sql("-(' a)").where_clause.starts_with("NOT c.id IN"), "{}", sql("-(' a)").where_clause);
    }

    #[test]
    fn bad_dates_name_the_position() {
        let filter = "a modified>soon";
        let clock = Clock::new("2026-11-23".parse().expect("date"), jiff::tz::TimeZone::UTC);
        let err = compile(&parse(filter).expect("parses"), filter, &clock, &Config::builtin())
            .expect_err("bad date");
        assert_eq!(err.pos, 2);
        assert!(err.message.starts_with("expected a date, not `soon`"), "{}", err.message);
    }
}
