//! The formats of `termdex query`: lines for fzf, paths, TSV, JSON, JSON Lines, an aligned
//! table, or a `{path} {title} {field}` template.
//!
//! Line formats never let a value break a record: tabs and line ends inside values become
//! spaces and other control characters (and bidi overrides) become `�`, so a hostile
//! title cannot split a line, drive the terminal or reorder what it shows. JSON escapes
//! everything itself. Paths are printed as they are into pipes (a newline in a file name
//! is what `-0` and JSON are for), and cleaned like values on a terminal.

use std::io::{self, Write};

use serde_json::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::card::mtime_text;
use crate::index::{BadFields, CardRow, FieldJson, plain_string};

use super::ansi::{BOLD, DIM, MAGENTA, RESET};
use super::jsonl::card_json_with;
use super::{PathDisplay, card_json, json};

/// An output format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// `path<TAB>title<TAB>fields...`, no header: the default, made for fzf.
    Lines,
    Paths,
    /// Like `Lines`, with a header row.
    Tsv,
    Json,
    Jsonl,
    Table,
    /// `{path} {title} {field}`, with `\t` and `\n` escapes.
    Template(String),
}

impl Format {
    /// Parses `--format`; anything holding `{` is a template.
    pub fn parse(text: &str) -> Result<Format, String> {
        Ok(match text {
            "lines" | "default" => Format::Lines,
            "paths" => Format::Paths,
            "tsv" => Format::Tsv,
            "json" => Format::Json,
            "jsonl" => Format::Jsonl,
            "table" => Format::Table,
            t if t.contains('{') => Format::Template(t.to_string()),
            other => {
                return Err(format!(
                    "unknown format `{other}` (use paths, tsv, json, jsonl, table, or a template like '{{path}} {{title}}')"
                ));
            }
        })
    }
}

/// How to print.
#[derive(Debug, Clone)]
pub struct Options {
    pub format: Format,
    /// Columns after the path: `title` and field names (or `path`, `modified`, `created`, `size`).
    pub columns: Vec<String>,
    /// JSON formats: only these fields (`--fields`), or all of them.
    pub json_fields: Option<Vec<String>>,
    /// End records with NUL instead of a newline.
    pub nul: bool,
    pub color: bool,
    pub paths: PathDisplay,
    /// Terminal width for `table`, when printing to a terminal.
    pub width: Option<usize>,
    /// Printing to a terminal: paths are cleaned like values, even in NUL-ended records
    /// (a person reads them there, not a program).
    pub terminal: bool,
}

impl Options {
    /// A card's path as printed: raw for programs, cleaned for a terminal.
    pub(super) fn path(&self, card: &CardRow) -> String {
        let path = self.paths.show(&card.path);
        if self.terminal { clean(&path) } else { path }
    }
}

/// Prints `cards` in the chosen format.
pub fn write_cards(out: &mut dyn Write, cards: &[CardRow], opts: &Options) -> io::Result<()> {
    let end: &[u8] = if opts.nul { b"\0" } else { b"\n" };
    match &opts.format {
        Format::Lines => write_lines(out, cards, opts, end),
        Format::Tsv => {
            // Column names come from the command line or a config: cleaned like values.
            let header: Vec<String> =
                std::iter::once("path".to_string()).chain(opts.columns.iter().map(|c| clean(c))).collect();
            out.write_all(header.join("\t").as_bytes())?;
            out.write_all(end)?;
            write_lines(out, cards, &Options { color: false, ..opts.clone() }, end)
        }
        Format::Paths => cards.iter().try_for_each(|card| {
            out.write_all(opts.path(card).as_bytes())?;
            out.write_all(end)
        }),
        Format::Jsonl => cards.iter().try_for_each(|card| {
            json::write_compact(&mut *out, &selected_json(card, opts)?)?;
            out.write_all(end)
        }),
        Format::Json => {
            let all: Vec<Value> = cards.iter().map(|c| selected_json(c, opts)).collect::<Result<_, _>>()?;
            json::write_pretty(&mut *out, &all)?;
            out.write_all(b"\n")
        }
        Format::Table => write_table(out, cards, opts, end),
        Format::Template(template) => cards.iter().try_for_each(|card| {
            out.write_all(fill_template(template, card, opts)?.as_bytes())?;
            out.write_all(end)
        }),
    }
}

/// A card whose stored fields do not read, as the error printing stops at: the index is
/// damaged, and whoever printed rebuilds it and prints again ([`BadFields`]).
pub fn unreadable(bad: BadFields) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, bad)
}

/// The [`BadFields`] an error of [`write_cards`] carries, if that is what stopped it.
pub fn unreadable_fields(err: &io::Error) -> Option<&BadFields> {
    err.get_ref()?.downcast_ref()
}

/// One reused buffer per listing: a hundred thousand lines must not cost a few hundred
/// thousand allocations (that was a third of `query`'s time).
fn write_lines(out: &mut dyn Write, cards: &[CardRow], opts: &Options, end: &[u8]) -> io::Result<()> {
    let keys: Vec<&str> = opts.columns.iter().filter(|c| !is_card_column(c)).map(String::as_str).collect();
    let mut line = String::with_capacity(512);
    for card in cards {
        line.clear();
        let start = line.len();
        opts.paths.push_shown(&mut line, &card.path);
        if opts.terminal {
            clean_from(&mut line, start);
        }
        if opts.color {
            line.insert_str(start, MAGENTA);
            line.push_str(RESET);
        }
        let mut values = card.values_json(&keys).map_err(unreadable)?.into_iter();
        for column in &opts.columns {
            line.push('\t');
            match (opts.color, column.as_str()) {
                (true, "title") => line.push_str(BOLD),
                (true, _) => line.push_str(DIM),
                (false, _) => {}
            }
            let start = line.len();
            match column.as_str() {
                "title" => line.push_str(&card.title),
                other if is_card_column(other) => {
                    line.push_str(&column_text(card, other, &opts.paths).map_err(unreadable)?)
                }
                _ => {
                    if let Some(field) = values.next().flatten() {
                        push_field_text(&mut line, field);
                    }
                }
            }
            clean_from(&mut line, start);
            if opts.color {
                line.push_str(RESET);
            }
        }
        out.write_all(line.as_bytes())?;
        out.write_all(end)?;
    }
    Ok(())
}

fn write_table(out: &mut dyn Write, cards: &[CardRow], opts: &Options, end: &[u8]) -> io::Result<()> {
    let header: Vec<String> =
        std::iter::once("path".to_string()).chain(opts.columns.iter().map(|c| clean(c))).collect();
    let rows: Vec<Vec<String>> = cards
        .iter()
        .map(|card| {
            let texts = column_texts(card, &opts.columns, &opts.paths).map_err(unreadable)?;
            Ok(std::iter::once(clean(&opts.paths.show(&card.path)))
                .chain(texts.iter().map(|t| clean(t)))
                .collect())
        })
        .collect::<io::Result<_>>()?;
    write_table_cells(out, &header, &rows, opts, end)
}

/// A table: the header in bold, then the rows, each column as wide as its widest cell
/// (the widest shrunk to fit the terminal); cells are cleaned already.
pub(super) fn write_table_cells(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
    opts: &Options,
    end: &[u8],
) -> io::Result<()> {
    // Terminal cells, not characters: a CJK character takes two, a combining accent none.
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    if let Some(total) = opts.width {
        fit_widths(&mut widths, total);
    }
    let line = |cells: &[String]| -> String {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(cell, w)| pad(&truncate(cell, *w), *w)).collect();
        padded.join("  ").trim_end().to_string()
    };
    let head = line(header);
    if opts.color {
        write!(out, "{BOLD}{head}{RESET}")?;
    } else {
        out.write_all(head.as_bytes())?;
    }
    out.write_all(end)?;
    for row in rows {
        out.write_all(line(row).as_bytes())?;
        out.write_all(end)?;
    }
    Ok(())
}

/// Shrinks the widest columns until the table fits the terminal.
pub(super) fn fit_widths(widths: &mut [usize], total: usize) {
    let gaps = 2 * widths.len().saturating_sub(1);
    while widths.iter().sum::<usize>() + gaps > total {
        let Some((i, &w)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            return;
        };
        if w <= 8 {
            return;
        }
        widths[i] = w - 1;
    }
}

/// `text` cut to `width` terminal cells, `…` in the last: a wide character that would
/// straddle the edge is left out, a combining mark stays with its letter.
pub(super) fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let room = width.saturating_sub(1);
    let mut used = 0;
    let mut cut = String::new();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.push('…');
    cut
}

/// `text` followed by spaces up to `width` terminal cells.
pub(super) fn pad(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

/// A card as JSON, its `fields` narrowed to the chosen columns when any were chosen.
fn selected_json(card: &CardRow, opts: &Options) -> io::Result<Value> {
    let Some(chosen) = &opts.json_fields else {
        return card_json(card, &opts.paths).map_err(unreadable);
    };
    let chosen: Vec<&str> = chosen.iter().filter(|c| !is_card_column(c)).map(String::as_str).collect();
    let values = card.values(&chosen).map_err(unreadable)?;
    let fields: serde_json::Map<String, Value> =
        chosen.iter().zip(values).map(|(c, v)| (c.to_string(), v.unwrap_or(Value::Null))).collect();
    Ok(card_json_with(card, &opts.paths, Value::Object(fields)))
}

fn is_card_column(column: &str) -> bool {
    matches!(column, "title" | "path" | "modified" | "created" | "size")
}

/// The texts of several columns of one card, reading its fields once.
pub fn column_texts(
    card: &CardRow,
    columns: &[String],
    paths: &PathDisplay,
) -> Result<Vec<String>, BadFields> {
    let keys: Vec<&str> = columns.iter().filter(|c| !is_card_column(c)).map(String::as_str).collect();
    let mut values = card.values(&keys)?.into_iter();
    columns
        .iter()
        .map(|column| match is_card_column(column) {
            true => column_text(card, column, paths),
            false => Ok(values.next().flatten().as_ref().map(value_text).unwrap_or_default()),
        })
        .collect()
}

/// The text of one column: a card attribute or a field (lists joined with `, `).
pub fn column_text(card: &CardRow, column: &str, paths: &PathDisplay) -> Result<String, BadFields> {
    Ok(match column {
        "title" => card.title.clone(),
        "path" => paths.show(&card.path),
        "modified" => mtime_text(card.mtime_ns),
        "created" => card.created.clone(),
        "size" => card.size.to_string(),
        key => card.value(key)?.as_ref().map(value_text).unwrap_or_default(),
    })
}

/// A field value as one line of text.
pub fn value_text(value: &Value) -> String {
    let mut text = String::new();
    push_value_text(&mut text, value);
    text
}

/// [`value_text`], appended to `text`: lists joined with `, `.
fn push_value_text(text: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::String(s) => text.push_str(s),
        Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    text.push_str(", ");
                }
                push_value_text(text, item);
            }
        }
        other => text.push_str(&other.to_string()),
    }
}

/// [`push_value_text`] of a field as stored. A plain text, `true`, `false`, `null`, or a
/// flat list of them, is copied out of the stored JSON, which is what decoding it first
/// would push (a listing of every card spent a fifth of its time building those values);
/// anything else is decoded first.
fn push_field_text(text: &mut String, field: FieldJson<'_>) {
    if let FieldJson::Text(raw) = &field {
        let start = text.len();
        if push_plain(text, raw) {
            return;
        }
        text.truncate(start);
    }
    if let Some(value) = field.value() {
        push_value_text(text, &value);
    }
}

/// Whitespace between JSON tokens.
const JSON_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// A plain value or a flat list of plain values (valid JSON text), pushed as
/// [`push_value_text`] pushes it decoded; `false`, with part of it perhaps pushed, for
/// anything else.
fn push_plain(text: &mut String, raw: &str) -> bool {
    let Some(mut rest) = raw.strip_prefix('[') else {
        return push_plain_scalar(text, raw);
    };
    rest = rest.trim_start_matches(JSON_SPACE);
    if let Some(after) = rest.strip_prefix(']') {
        return after.is_empty();
    }
    let mut first = true;
    loop {
        // An element: a string runs to its next quote (an escaped quote in it leaves a
        // backslash inside, which is no plain string), anything else to the next mark.
        let end = match rest.strip_prefix('"') {
            Some(inner) => match inner.find('"') {
                Some(close) => close + 2,
                None => return false,
            },
            None => match rest.find([',', ']', ' ', '\t', '\n', '\r']) {
                Some(end) => end,
                None => return false,
            },
        };
        if !std::mem::take(&mut first) {
            text.push_str(", ");
        }
        if !push_plain_scalar(text, &rest[..end]) {
            return false;
        }
        rest = rest[end..].trim_start_matches(JSON_SPACE);
        match rest.as_bytes().first() {
            Some(b',') => rest = rest[1..].trim_start_matches(JSON_SPACE),
            Some(b']') => return rest.len() == 1,
            _ => return false,
        }
    }
}

/// A string without escapes, `true`, `false` or `null`, pushed as its decoded value is.
fn push_plain_scalar(text: &mut String, raw: &str) -> bool {
    match raw {
        "null" => true,
        "true" | "false" => {
            text.push_str(raw);
            true
        }
        _ => match plain_string(raw) {
            Some(inner) => {
                text.push_str(inner);
                true
            }
            None => false,
        },
    }
}

/// Characters that must not reach a terminal as they are: control characters (escape
/// sequences start with one) and the bidi embeddings, overrides and isolates, which make
/// a terminal show text in another order than it is written.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `text` holds a character [`is_unsafe`] refuses. Printable ASCII, what most
/// titles and values are, is told by its bytes alone, a test the compiler runs many bytes
/// at a time (decoding every character was 6% of listing every card).
fn has_unsafe(text: &str) -> bool {
    !text.bytes().all(|b| (0x20..0x7f).contains(&b)) && text.chars().any(is_unsafe)
}

/// [`clean`] of what `text` holds from byte `start` on, in place.
pub(super) fn clean_from(text: &mut String, start: usize) {
    if has_unsafe(&text[start..]) {
        let cleaned = clean(&text[start..]);
        text.truncate(start);
        text.push_str(&cleaned);
    }
}

/// Makes text safe inside one record on a terminal: tabs and line ends become spaces,
/// other unsafe characters ([`is_unsafe`]) become `�`.
pub fn clean(text: &str) -> String {
    if !has_unsafe(text) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if is_unsafe(c) => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
}

/// [`clean`] of `text`, added to `out` (no copy of its own when it is clean already).
pub fn push_clean(out: &mut String, text: &str) {
    match has_unsafe(text) {
        true => out.push_str(&clean(text)),
        false => out.push_str(text),
    }
}

/// [`clean`] for a message of several lines (an error with a pointer under the filter):
/// line ends stay, everything else unsafe goes.
pub fn clean_lines(text: &str) -> String {
    text.split('\n').map(clean).collect::<Vec<_>>().join("\n")
}

/// `{path}`, `{title}`, `{field}`; `{{` and `}}` for braces; `\t`, `\n`, `\0`, `\\`.
fn fill_template(template: &str, card: &CardRow, opts: &Options) -> io::Result<String> {
    // A template without fields reads none: the stored fields are read (and found
    // damaged) only when a field is asked for.
    let mut bad = None;
    let filled = fill_template_with(template, |name| match name {
        "path" => opts.path(card),
        other => match column_text(card, other, &opts.paths) {
            Ok(text) => clean(&text),
            Err(e) => {
                bad.get_or_insert(e);
                String::new()
            }
        },
    });
    match bad {
        Some(bad) => Err(unreadable(bad)),
        None => Ok(filled),
    }
}

/// A template filled by `value`, which gives the text of each `{name}` (trimmed).
pub(super) fn fill_template_with(template: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                out.push_str(&value(name.trim()));
            }
            '\\' => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some('0') => out.push('\0'),
                Some(other) => {
                    if other != '\\' {
                        out.push('\\');
                    }
                    out.push(other);
                }
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(clean("a\tb\nc\x1b[31md\u{9b}"), "a b c\u{fffd}[31md\u{fffd}");
        assert_eq!(clean("plain"), "plain");
        assert_eq!(clean("a\u{202e}b\u{2066}c\u{2069}"), "a\u{fffd}b\u{fffd}c\u{fffd}");
        assert_eq!(clean("d\u{202a}e\u{2068}f"), "d\u{fffd}e\u{fffd}f");
        assert_eq!(clean_lines("a\x1b]52;c;eA==\x07\n  ^\r"), "a\u{fffd}]52;c;eA==\u{fffd}\n  ^ ");
    }

    #[test]
    fn unsafe_characters_are_found_in_ascii_and_beyond() {
        for c in (0..=0x2100).filter_map(char::from_u32).chain(['\u{2028}', '\u{202e}', '\u{2069}', '😀']) {
            for text in [format!("{c}"), format!("plain ascii text {c} and more"), format!("été{c}")] {
                assert_eq!(has_unsafe(&text), text.chars().any(is_unsafe), "{text:?}");
            }
        }
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse("jsonl"), Ok(Format::Jsonl));
        assert_eq!(Format::parse("{path}"), Ok(Format::Template("{path}".into())));
        assert!(Format::parse("xml").is_err());
    }

    /// What the listing pushed before it read stored JSON directly: the decoded value.
    fn decoded_text(raw: &str) -> String {
        let mut text = String::new();
        if let Ok(value) = serde_json::from_str::<Value>(raw) {
            push_value_text(&mut text, &value);
        }
        text
    }

    fn field_text(raw: &str) -> String {
        let mut text = String::from("before\t");
        push_field_text(&mut text, FieldJson::Text(raw));
        text.split_off("before\t".len())
    }

    #[test]
    fn stored_field_text_is_pushed_as_its_decoded_value() {
        let raws = [
            r#""plain""#,
            r#""""#,
            r#""tab\tand \"quote\"""#,
            r#""\u00e9t\u00e9""#,
            r#""été 日本""#,
            "true",
            "false",
            "null",
            "3",
            "-1.50e400",
            "123456789012345678901234567890",
            "[]",
            "[ ]",
            r#"["a","b"]"#,
            r#"[ "a" , "b" ]"#,
            "[\n  \"a\",\n  \"b\"\n]",
            r#"["a",null,true,"b"]"#,
            r#"[null]"#,
            r#"["a\"",  "b"]"#,
            r#"["a\\", "b"]"#,
            r#"["a", 3]"#,
            r#"["a", ["b", "c"]]"#,
            r#"[["b"]]"#,
            r#"["a", {"k": "v"}]"#,
            r#"{"k": "v", "n": [1, 2]}"#,
            r#"["]", ","]"#,
        ];
        for raw in raws {
            assert_eq!(field_text(raw), decoded_text(raw), "{raw}");
        }
        let mut deep = "[".repeat(200);
        deep.push_str(&"]".repeat(200));
        assert_eq!(field_text(&deep), "", "deeper than serde decodes: nothing, as before");
        let value = FieldJson::Value(serde_json::json!(["x", 1]));
        let mut text = String::new();
        push_field_text(&mut text, value);
        assert_eq!(text, "x, 1");
    }

    proptest::proptest! {
        #[test]
        fn any_stored_value_is_pushed_as_decoded(value in json_value(), pretty in proptest::bool::ANY) {
            let raw = match pretty {
                true => serde_json::to_string_pretty(&value),
                false => serde_json::to_string(&value),
            }.expect("serialize");
            proptest::prop_assert_eq!(field_text(&raw), decoded_text(&raw));
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[a-z\"\\\\ \t\n\u{e9}\u{1b}\\]\\[,]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec(("[a-z]{1,3}", inner), 0..3)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn tables_fit_the_width() {
        let mut widths = vec![40, 10, 60];
        fit_widths(&mut widths, 80);
        assert!(widths.iter().sum::<usize>() + 4 <= 80, "{widths:?}");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn cells_are_measured_in_terminal_columns() {
        assert_eq!(truncate("日本語です", 6), "日本…");
        assert_eq!(truncate("日本語です", 5), "日本…", "no half of a wide character");
        assert_eq!(truncate("cafe\u{301}s and more", 6), "cafe\u{301}s…", "the accent stays");
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("cafe\u{301}", 6), "cafe\u{301}  ");
    }
}
