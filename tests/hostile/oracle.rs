//! What must hold for hostile input, shared by the proptests (`tests/hostile.rs`) and the
//! fuzz targets (`fuzz/fuzz_targets/*.rs`, which include this file by path), so that a
//! crash the fuzzer finds replays as a plain test and both check the same promises.
//! Every check panics on a broken promise; errors the user would see are fine.

#![allow(dead_code)] // Each includer uses its own part.

use serde_json::Value;
use termdex::cards::templates::{self, Template, Vars};
use termdex::clock::Clock;
use termdex::config::{Config, View};
use termdex::frontmatter::{self, Edit, EditValue, Fence, Fields, Format};
use termdex::index::{self, Index};
use termdex::query::fuzzy::{self, Haystacks};
use termdex::query::{self, QueryError, Request};
use termdex::scan;

// ---------------------------------------------------------------------------------------
// Cards
// ---------------------------------------------------------------------------------------

/// Any bytes as a card file: read the way the scanner reads it (lossily), then everything
/// the index does with it. Each parser also gets the whole text without fences, so that
/// a mutation does not have to keep a fence intact to reach it.
pub fn card_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    card(&text);
    for format in [Format::Yaml, Format::Toml, Format::Json] {
        if let Ok(fields) = frontmatter::parse_block(format, &text, 1) {
            fields_survive_the_index(&fields);
        }
    }
}

/// One card's text through the scanner: the body is the end of the text, an error points
/// at a line of the file, and the fields can be stored and read back.
pub fn card(text: &str) {
    let card = scan::parse_card("hostile/card.md", text, 0, text.len() as u64, false, false);
    let stripped = frontmatter::strip_bom(text);
    assert!(stripped.ends_with(&card.body), "the body is not the end of the card");
    if let Some(error) = &card.error {
        let lines = stripped.lines().count().max(1);
        assert!((1..=lines + 1).contains(&error.line), "error on line {} of {lines}", error.line);
    }
    if card.format.is_none() {
        assert!(card.fields.is_empty() && card.error.is_none() && card.body == stripped);
    }
    for key in card.fields.keys() {
        let _ = frontmatter::key_line(text, key);
    }
    fields_survive_the_index(&card.fields);
}

/// What the index does with fields: its rows, and its JSON read back by key.
fn fields_survive_the_index(fields: &Fields) {
    let _ = index::flatten(fields);
    let json = serde_json::to_string(fields).expect("fields serialize");
    let _: Value = serde_json::from_str(&json).expect("the index can read its own JSON back");
    for key in fields.keys().map(String::as_str).chain(["title", "a.b"]) {
        let _ = index::field_in_json(&json, key);
    }
}

// ---------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------

/// A small real dex to run filters on: declared field types, user views (one including
/// itself), cards with lists, dates, numbers, nested maps, no frontmatter, a broken one.
pub struct FilterDex {
    _dir: tempfile::TempDir,
    index: Index,
    config: Config,
    clock: Clock,
}

const CARDS: &[(&str, &str)] = &[
    (
        "tasks/a.md",
        "---\ntitle: Renew passport\nwhat: task\nstatus: active\nwhen: week\ndeadline: 2026-12-15\npriority: 2\ntags: [admin, travel]\n---\nAt the town hall.\n",
    ),
    (
        "tasks/b.md",
        "+++\ntitle = \"Fix the bike\"\nwhat = \"task\"\nstatus = \"done\"\npriority = 1.5\n+++\n# Bike\n",
    ),
    (
        "notes/c.md",
        "{\"title\": \"WAL\", \"tags\": [\"sqlite\", \"rust\"], \"author\": {\"name\": \"Ada\"}}\nwrite-ahead log\n",
    ),
    ("journal/2026-11-23.md", "---\nwhat: journal\ncreated: 2026-11-23T08:00:00\n---\nA day.\n"),
    ("plain.md", "# Just text\n\nno frontmatter, [[c]] and [x](notes/c.md)\n"),
    ("broken.md", "---\ntitle: [unclosed\n---\nbody\n"),
];

const CONFIG: &str = r#"
[fields.status]
type = "enum"
values = ["active", "blocked", "done"]

[fields.priority]
type = "number"

[fields.note]
type = "text"

[fields.due]
type = "date"

[views.mine]
filter = "view:tasks #admin OR author.name:ada"
sort = ["-priority", "title"]

[views.deep]
filter = "view:mine (view:board OR view:notes)"
"#;

impl FilterDex {
    pub fn new() -> FilterDex {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for (path, text) in CARDS {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
            std::fs::write(file, text).expect("write card");
        }
        let state = root.join(".termdex");
        std::fs::create_dir_all(&state).expect("mkdir state");
        std::fs::write(state.join("config.toml"), CONFIG).expect("write config");
        let mut config = Config::load(&state).expect("config loads");
        // Loading a config refuses a view that includes itself; the query layer must too.
        config.views.push(View {
            name: "loop".into(),
            description: String::new(),
            filter: "#a view:loop".into(),
            sort: vec!["path".into()],
            columns: vec!["title".into()],
            group_by: None,
            builtin: false,
        });
        let mut index = Index::open(&state.join("index.db"), &Default::default()).expect("index opens").index;
        index::refresh(&mut index, root, true, &mut |_| {}).expect("index refreshes");
        let clock = Clock::new("2026-11-23".parse().expect("date"), jiff::tz::TimeZone::UTC);
        FilterDex { _dir: dir, index, config, clock }
    }

    /// Runs `filter` the way `termdex query` does (alone and inside views) and the way the
    /// TUI's filter line does (plain words split off and ranked fuzzily).
    pub fn filter(&self, filter: &str) {
        for view in [None, Some("tasks"), Some("deep")] {
            let request = Request { filter, view, limit: Some(3), ..Request::default() };
            self.ran(query::run(&self.index, &self.config, &self.clock, &request));
        }
        if let Ok(line) = fuzzy::split(filter) {
            let request = Request { filter, parsed: Some(line.structured), ..Request::default() };
            if let Some(answer) = self.ran(query::run(&self.index, &self.config, &self.clock, &request)) {
                let _ = Haystacks::new(&answer.cards).rank(&line.fuzzy);
            }
        }
    }

    /// Terms that constrain nothing change nothing: a filter selects the same cards with
    /// `OR ?`, `-…` or `status:""` added; and a filter made of nothing else is refused as
    /// empty by `user_filter`, never taken for every card.
    pub fn nothing_terms_change_nothing(&self, filter: &str) {
        let paths = |filter: &str| {
            let request = Request { filter, ..Request::default() };
            query::run(&self.index, &self.config, &self.clock, &request)
                .ok()
                .map(|a| a.cards.into_iter().map(|c| c.path).collect::<std::collections::BTreeSet<_>>())
        };
        let given = query::user_filter(Some(filter), &self.config, query::Purpose::Change);
        let Ok(Some(_)) = given else {
            if let Err(QueryError::EmptyFilter { .. }) = given {
                for nothing in ["?", "(' OR -)", "status:\"\""] {
                    let more = format!("({filter}) OR {nothing}");
                    if query::filter::parse(&more).is_ok() {
                        let again = query::user_filter(Some(&more), &self.config, query::Purpose::Change);
                        assert!(matches!(again, Err(QueryError::EmptyFilter { .. })), "{more:?}: {again:?}");
                    }
                }
            }
            return;
        };
        let Some(expected) = paths(filter) else { return };
        for more in
            [format!("({filter}) OR ?"), format!("? OR ({filter}) -…"), format!("({filter}) status:\"\"")]
        {
            if let Some(got) = paths(&more) {
                assert_eq!(got, expected, "{more:?} selects other cards than {filter:?}");
            }
        }
    }

    /// `user_filter` for a bulk `set` on this dex's config.
    pub fn user_filter(&self, filter: &str) -> Result<Option<query::Expr>, QueryError> {
        query::user_filter(Some(filter), &self.config, query::Purpose::Change)
    }

    /// A filter may be refused; SQL compiled from one that SQLite refuses is a bug.
    fn ran(&self, result: Result<query::Answer, QueryError>) -> Option<query::Answer> {
        match result {
            Ok(answer) => Some(answer),
            Err(QueryError::Sqlite { cause, .. }) => panic!("the compiled filter did not run: {cause}"),
            Err(error) => {
                // The message is for a person: it must not be empty, and must render.
                assert!(!error.to_string().is_empty());
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// `set`
// ---------------------------------------------------------------------------------------

/// More edits than one `set` command line usually has; keeps each run fast.
pub const MAX_EDITS: usize = 8;

/// A card and edits for it, read from text so that fuzz seeds are readable and mutations
/// stay meaningful: edit lines, a NUL byte, then the card. An edit line is `key=value`
/// (read by the CLI's own `parse_assignment`, so `key=[a, b]` is a list), `~key=value` (a
/// template's always-text value) or `-key` (unset); `\n`, `\r`, `\t` and `\\` in a line
/// stand for those characters. Without a NUL the whole input is the card and the edit is
/// `status=done`.
#[derive(Debug, Clone)]
pub struct SetCase {
    pub edits: Vec<Edit>,
    pub card: String,
}

impl SetCase {
    pub fn decode(bytes: &[u8]) -> SetCase {
        let text = String::from_utf8_lossy(bytes);
        let Some((head, card)) = text.split_once('\0') else {
            let edits = vec![Edit::Set { key: "status".into(), value: EditValue::Scalar("done".into()) }];
            return SetCase { edits, card: text.into_owned() };
        };
        let edits = head.lines().filter_map(edit_line).take(MAX_EDITS).collect();
        SetCase { edits, card: card.to_string() }
    }

    /// Applies the edits; a refusal is fine, a result must keep [`set`]'s promises.
    pub fn run(&self) {
        if let Ok(after) = frontmatter::apply(&self.card, &self.edits) {
            set(&self.card, &after, &self.edits);
        }
    }
}

fn edit_line(line: &str) -> Option<Edit> {
    let line = unescape(line);
    if let Some(key) = line.strip_prefix('-') {
        return Some(Edit::Unset { key: key.to_string() });
    }
    if let Some(rest) = line.strip_prefix('~') {
        let (key, value) = rest.split_once('=')?;
        return Some(Edit::Set { key: key.to_string(), value: EditValue::Text(value.to_string()) });
    }
    // A line the CLI would refuse is no edit; reading it must not panic either.
    let (key, value) = frontmatter::parse_assignment(&line).ok()?;
    Some(Edit::Set { key, value })
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// The promises of `frontmatter::apply` for a result it gave:
///
/// - it parses; every edited field reads back as the value meant (a plain number or
///   `true`/`false` as such, anything else as exactly its text), every other field keeps
///   its value, and the fields keep their order;
/// - the byte order mark, the opening fence and the body are kept byte for byte;
/// - nothing outside the edited fields' lines changes: the card with those fields removed
///   (`--unset`) is still there, line for line, inside the result;
/// - applying the same edits again changes nothing (unless they unset and set a field,
///   which moves it to the end each time).
pub fn set(before: &str, after: &str, edits: &[Edit]) {
    let (rest_before, rest_after) = (frontmatter::strip_bom(before), frontmatter::strip_bom(after));
    assert_eq!(before.len() - rest_before.len(), after.len() - rest_after.len(), "the BOM changed");
    let parsed = frontmatter::parse(rest_after);
    assert_eq!(parsed.error, None, "the result does not parse:\n{after:?}");
    let original = frontmatter::parse(rest_before);
    match frontmatter::find(rest_before) {
        Fence::Block(old) => {
            let Fence::Block(new) = frontmatter::find(rest_after) else {
                panic!("the frontmatter block is gone: {after:?}")
            };
            assert_eq!(rest_before[..old.content.start], rest_after[..new.content.start], "opening fence");
            assert_eq!(rest_before[old.body_start..], rest_after[new.body_start..], "body");
            let new_content = &rest_after[new.content];
            outside_lines_kept(before, edits, &rest_before[old.content], new_content, old.format);
        }
        // Frontmatter was added on top (or there was nothing to add).
        _ => assert!(after == before || rest_after[parsed.body_start..] == *rest_before, "body: {after:?}"),
    }
    fields_as_meant(&original.fields, &parsed.fields, edits);
    // `-x x=1` moves `x` to the end each time; any other edits are done once done.
    let moves = edits.iter().enumerate().any(|(i, e)| {
        matches!(e, Edit::Unset { .. }) && edits[i + 1..].iter().any(|later| same_key_set(later, key(e)))
    });
    if !moves {
        let again =
            frontmatter::apply(after, edits).unwrap_or_else(|e| panic!("applied again: {e}\n{after:?}"));
        assert_eq!(again, after, "applying the same edits twice is not idempotent");
    }
}

fn same_key_set(edit: &Edit, name: &str) -> bool {
    matches!(edit, Edit::Set { key, .. } if key.to_lowercase() == name.to_lowercase())
}

/// The card with the edited fields unset is inside the result: line for line, or byte for
/// byte in JSON, whose members may share a line.
fn outside_lines_kept(before: &str, edits: &[Edit], old: &str, new: &str, format: Format) {
    let unsets: Vec<Edit> = edits.iter().map(|e| Edit::Unset { key: key(e).to_string() }).collect();
    let Ok(without) = frontmatter::apply(before, &unsets) else { return };
    let without = frontmatter::strip_bom(&without);
    let Fence::Block(block) = frontmatter::find(without) else { return };
    let kept = &without[block.content];
    let inside = match format {
        Format::Json => is_subsequence(kept.bytes(), new.bytes()),
        _ => is_subsequence(kept.lines(), new.lines()),
    };
    assert!(
        inside,
        "lines outside the edited fields changed:\nbefore {old:?}\nkept   {kept:?}\nafter  {new:?}"
    );
}

fn is_subsequence<T: PartialEq>(
    mut small: impl Iterator<Item = T>,
    mut big: impl Iterator<Item = T>,
) -> bool {
    small.all(|item| big.any(|b| b == item))
}

fn key(edit: &Edit) -> &str {
    match edit {
        Edit::Set { key, .. } | Edit::Unset { key } => key,
    }
}

/// A field as the edits should leave it: its value (or the edit's value, to be read
/// back) and whether an edit added it.
struct Meant<'a> {
    key: String,
    value: Result<Value, &'a EditValue>,
    added: bool,
}

/// The fields the edits, played on the original fields the way the editor resolves keys
/// (the exact spelling, else the one field equal in any letter case), should leave.
fn fields_as_meant(original: &Fields, fields: &Fields, edits: &[Edit]) {
    let mut meant: Vec<Meant> =
        original.iter().map(|(k, v)| Meant { key: k.clone(), value: Ok(v.clone()), added: false }).collect();
    for edit in edits {
        match (edit, resolve(&meant, key(edit))) {
            (Edit::Set { value, .. }, Some(i)) => meant[i].value = Err(value),
            (Edit::Set { key, value }, None) => {
                meant.push(Meant { key: key.clone(), value: Err(value), added: true })
            }
            (Edit::Unset { .. }, Some(i)) => {
                meant.remove(i);
            }
            (Edit::Unset { .. }, None) => {}
        }
    }
    // Kept fields keep their order, and added ones come in the order they were set; where
    // added ones go among the kept is the syntax's business (TOML's go before a `[table]`).
    let added = |key: &str| meant.iter().any(|m| m.added && m.key == key);
    let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
    keys.sort_by_key(|k| added(k));
    let mut meant_keys: Vec<&str> = meant.iter().map(|m| m.key.as_str()).collect();
    meant_keys.sort_by_key(|k| added(k));
    assert_eq!(keys, meant_keys, "the fields are not the ones meant");
    for Meant { key, value, .. } in &meant {
        let got = &fields[key.as_str()];
        match value {
            Ok(value) => assert_eq!(got, value, "`{key}` changed"),
            Err(value) => assert!(reads_as(got, value), "`{key}` reads back as {got}, not {value:?}"),
        }
    }
}

fn resolve(fields: &[Meant], key: &str) -> Option<usize> {
    if let Some(i) = fields.iter().position(|m| m.key == key) {
        return Some(i);
    }
    let lower = key.to_lowercase();
    let matches: Vec<usize> = (0..fields.len()).filter(|&i| fields[i].key.to_lowercase() == lower).collect();
    // Several would have been refused, and there would be no result to check.
    (matches.len() == 1).then(|| matches[0])
}

/// The documented rule: only a plain number (`2`, `-3`, `1.5`, `2.0e3`) or `true`/`false`
/// becomes a number or a boolean; every other scalar, and every text, reads as itself.
pub fn reads_as(got: &Value, value: &EditValue) -> bool {
    match value {
        EditValue::Text(text) => got.as_str() == Some(text),
        EditValue::List(items) => got
            .as_array()
            .is_some_and(|got| got.iter().map(Value::as_str).eq(items.iter().map(|i| Some(i.as_str())))),
        EditValue::Scalar(text) if text == "true" || text == "false" => {
            got.as_bool().is_some_and(|b| b.to_string() == *text)
        }
        EditValue::Scalar(text) if is_integer(text) => got.as_i64().is_some_and(|n| n.to_string() == *text),
        EditValue::Scalar(text) if is_float(text) => {
            let want: f64 = text.parse().unwrap_or(f64::NAN);
            // serde_json's own float reading may differ from Rust's in the last place.
            got.as_f64().is_some_and(|f| f == want || ((f - want) / want).abs() < 1e-15)
        }
        EditValue::Scalar(text) => got.as_str() == Some(text),
    }
}

fn is_integer(text: &str) -> bool {
    text.parse::<i64>().is_ok_and(|n| n.to_string() == text)
}

/// A float in the one spelling that YAML, TOML and JSON readers all read as that number.
/// Written from the YAML 1.2 core schema's float (<https://yaml.org/spec/1.2.2/#1032-tag-resolution>),
/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, narrowed by the other
/// formats and by the documented rule (`1.5`, `2.0e3` are numbers; `.5`, `1e5` stay text):
/// - a sign only if it is `-`: JSON has no `+`;
/// - an integer part of `0` or not starting with `0`: JSON and TOML refuse leading zeros;
/// - a dot with digits on both sides, always: JSON and TOML need digits around a dot, and
///   `1e5` (a float in YAML 1.2, text in YAML 1.1 readers) is text by the rule;
/// - finite as an `f64`: YAML's `.inf` and `.nan`, and exponents past `f64`, are no
///   numbers JSON holds.
pub fn is_float(text: &str) -> bool {
    let mut rest = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let whole = take_digits(&mut rest);
    if whole.is_empty() || (whole.len() > 1 && whole[0] == b'0') {
        return false;
    }
    let [b'.', after_dot @ ..] = rest else { return false };
    rest = after_dot;
    if take_digits(&mut rest).is_empty() {
        return false;
    }
    if let [b'e' | b'E', exponent @ ..] = rest {
        rest = exponent;
        if let [b'-' | b'+', digits @ ..] = rest {
            rest = digits;
        }
        if take_digits(&mut rest).is_empty() {
            return false;
        }
    }
    rest.is_empty() && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The ASCII digits `rest` starts with, which it then no longer does.
fn take_digits<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (digits, tail) = rest.split_at(n);
    *rest = tail;
    digits
}

// ---------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------

/// A user template and `--set` values, as text: `name=value` lines, a NUL byte, then the
/// template (escapes as in [`SetCase`]); `title`, `date`, `time`, `datetime`, `id` and
/// `slug` always have a value. Without a NUL the whole input is the template.
pub fn template_bytes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (head, body) = text.split_once('\0').unwrap_or(("", &text));
    let mut vars = default_vars();
    for line in head.lines().map(unescape) {
        if let Some((name, value)) = line.split_once('=') {
            vars.set(name, value);
        }
    }
    template(&Template { name: "hostile".into(), text: body.to_string(), file: None }, &vars);
}

/// The variables `termdex new` always has.
pub fn default_vars() -> Vars {
    let mut vars = Vars::default();
    let defaults = [
        ("title", "A title: with \"quotes\" # and more"),
        ("date", "2026-11-23"),
        ("time", "14:15"),
        ("datetime", "2026-11-23T14:15:30"),
        ("id", "1795443330"),
        ("slug", "a-title"),
    ];
    for (name, value) in defaults {
        vars.set(name, value);
    }
    vars
}

/// Rendering never panics, and what it renders reads back: a template that renders gives
/// a card whose frontmatter parses, whatever the values hold.
pub fn template(template: &Template, vars: &Vars) {
    let Ok(rendered) = templates::render(template, vars) else { return };
    let parsed = frontmatter::parse(frontmatter::strip_bom(&rendered));
    assert_eq!(parsed.error, None, "the rendered card does not parse:\n{rendered:?}");
}
