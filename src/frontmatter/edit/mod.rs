//! Lossless frontmatter edits: change one field of a card and leave every other byte alone.
//!
//! `termdex set`, board moves and templates write into the user's own notes, so a round
//! trip through a serializer is not acceptable: it would drop comments, reflow lists,
//! requote values and reorder keys. Instead the byte span of the one top-level field being
//! changed is located (YAML through parser events, TOML through `toml_edit` spans, JSON with
//! a small scanner over text that already parsed), only those lines are rewritten, and the
//! result is parsed again and compared with what was meant before it is returned: an edit
//! that would change anything else, the body included, is refused rather than written.

use std::fmt::Write as _;
use std::ops::Range;

use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::{Block, Fence, Fields, Format, FrontmatterError, find, parse_block, strip_bom};

/// One change to a card's frontmatter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Give `key` this value; a card without the field gets it added at the end.
    Set { key: String, value: EditValue },
    /// Remove `key`; a card without the field is left as it is.
    Unset { key: String },
}

impl Edit {
    fn key(&self) -> &str {
        match self {
            Edit::Set { key, .. } | Edit::Unset { key } => key,
        }
    }
}

/// A value as the user typed it; how it is written depends on the card's format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditValue {
    /// `done`, `2`, `1.5`, `true`, `2026-12-01`, `a title: with colon`. Only a plain number
    /// (`2`, `-3`, `1.5`, `2.0e3`) or `true`/`false` is written as a number or boolean;
    /// everything else, `null`, `yes` and `007` included, is written so it reads back as text.
    Scalar(String),
    /// `[a, b]`: always a list of texts (`[1, 2]` is two texts), written as a one-line list.
    List(Vec<String>),
    /// Always text, written so that it reads back as exactly this string, even when it
    /// looks like a number, a boolean or `null` (a template's `{{title}}` of `1984`).
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error(
        "`{arg}` is not a field assignment: {reason} (write key=value, key=[a, b], or key= for empty text)"
    )]
    Assignment { arg: String, reason: String },
    #[error("`{key}` can't be a field name: {reason}")]
    Key { key: String, reason: String },
    #[error("the frontmatter does not parse (line {line}: {message}); fix it first (termdex check lists it)")]
    Unparsable { line: usize, message: String },
    #[error(
        "`{key}` names a nested field; only top-level fields can be set for now (change it in your editor: termdex edit)"
    )]
    Nested { key: String },
    #[error("`{key}` matches several fields that differ only in case ({}); write the exact spelling", .candidates.join(", "))]
    Ambiguous { key: String, candidates: Vec<String> },
    #[error("can't change `{key}` in place: {reason}; change it in your editor (termdex edit)")]
    Unsupported { key: String, reason: String },
    #[error("this frontmatter can't be edited in place: {reason}; change it in your editor (termdex edit)")]
    Layout { reason: String },
    #[error(
        "the edit was not made because its result failed the safety check: {reason}; the card is unchanged"
    )]
    Verification { reason: String },
}

impl From<FrontmatterError> for EditError {
    fn from(e: FrontmatterError) -> Self {
        EditError::Unparsable { line: e.line, message: e.message }
    }
}

fn layout(reason: &str) -> EditError {
    EditError::Layout { reason: reason.to_string() }
}

fn failed(reason: String) -> EditError {
    EditError::Verification { reason }
}

// ---------------------------------------------------------------------------------------
// Reading `key=value` arguments
// ---------------------------------------------------------------------------------------

/// Splits `key=value` at the first `=`. The value is kept exactly as typed (spaces too);
/// `[a, b]` is a list, whose elements may be quoted (`["a, b", 'c]']`) to hold a comma.
pub fn parse_assignment(arg: &str) -> Result<(String, EditValue), EditError> {
    let bad = |reason: &str| EditError::Assignment { arg: arg.to_string(), reason: reason.to_string() };
    let (key, raw) = arg.split_once('=').ok_or_else(|| bad("there is no `=`"))?;
    if let Some(reason) = key_problem(key) {
        return Err(bad(reason));
    }
    let value = match raw.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(inner) => EditValue::List(parse_list(inner).map_err(|reason| bad(&reason))?),
        None => EditValue::Scalar(raw.to_string()),
    };
    Ok((key.to_string(), value))
}

/// Why `key` can't name a field, if it can't.
fn key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        Some("the field name is empty")
    } else if key.chars().any(char::is_whitespace) {
        Some("a field name can't contain spaces")
    } else if key.contains('=') {
        Some("a field name can't contain `=`")
    } else if key.chars().any(char::is_control) {
        Some("a field name can't contain control characters")
    } else {
        None
    }
}

fn parse_list(inner: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let (item, after) = list_item(rest)?;
        items.push(item);
        let after = after.trim_start();
        rest = match after.strip_prefix(',') {
            Some(next) => next.trim_start(),
            None if after.is_empty() => after,
            None => return Err(format!("expected `,` before `{after}` in the list")),
        };
    }
    Ok(items)
}

/// One list element and the text after it.
fn list_item(text: &str) -> Result<(String, &str), String> {
    match text.chars().next() {
        Some(quote @ ('"' | '\'')) => quoted_item(&text[1..], quote),
        _ => {
            let end = text.find(',').unwrap_or(text.len());
            let item = text[..end].trim_end();
            if item.is_empty() {
                return Err("a list element is empty (write \"\" for empty text)".into());
            }
            Ok((item.to_string(), &text[end..]))
        }
    }
}

/// Inside double quotes a backslash takes the next character literally; single quotes
/// take everything literally.
fn quoted_item(text: &str, quote: char) -> Result<(String, &str), String> {
    let mut item = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => match chars.next() {
                Some((_, escaped)) => item.push(escaped),
                None => break,
            },
            c if c == quote => return Ok((item, &text[i + c.len_utf8()..])),
            c => item.push(c),
        }
    }
    Err(format!("a list element opened with {quote} is not closed"))
}

// ---------------------------------------------------------------------------------------
// Applying edits
// ---------------------------------------------------------------------------------------

/// Applies `edits` in order to a whole card and returns the whole new text. Nothing but the
/// edited fields' lines changes; the result is re-parsed and checked before it is returned.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    for edit in edits {
        if let Some(reason) = key_problem(edit.key()) {
            return Err(EditError::Key { key: edit.key().to_string(), reason: reason.to_string() });
        }
    }
    let rest = strip_bom(text);
    let bom = &text[..text.len() - rest.len()];
    let edited = match find(rest) {
        Fence::Block(block) => edit_document(rest, &block, edits)?,
        Fence::None => add_frontmatter(rest, edits)?,
        Fence::Unclosed { line, fence, .. } => {
            let message = format!("the frontmatter opened with `{fence}` is never closed");
            return Err(EditError::Unparsable { line, message });
        }
        Fence::Broken(error) => return Err(error.into()),
    };
    Ok(format!("{bom}{edited}"))
}

/// A card without frontmatter gets a YAML block on top, its text untouched below it.
fn add_frontmatter(rest: &str, edits: &[Edit]) -> Result<String, EditError> {
    let eol = line_ending(rest);
    let seeded = format!("---{eol}---{eol}{rest}");
    let Fence::Block(block) = find(&seeded) else {
        return Err(failed("a new frontmatter block was not recognised".into()));
    };
    let edited = edit_document(&seeded, &block, edits)?;
    // Only unsets (or a set then unset): there is nothing to add, so add nothing.
    Ok(if edited == seeded { rest.to_string() } else { edited })
}

fn edit_document(text: &str, block: &Block, edits: &[Edit]) -> Result<String, EditError> {
    let format = block.format;
    let original = parse_block(format, &text[block.content.clone()], block.content_line)?;
    let eol = line_ending(text);
    let mut content = text[block.content.clone()].to_string();
    let mut expected = original.clone();
    for edit in edits {
        let current = parse_block(format, &content, block.content_line)
            .map_err(|e| failed(format!("an earlier edit left line {} unreadable: {}", e.line, e.message)))?;
        let field = resolve_key(&current, edit.key())?;
        content = edit_content(format, &content, &current, edit, field.as_deref(), eol)?;
        update_expected(&mut expected, format, edit, field);
    }
    let edited = format!("{}{content}{}", &text[..block.content.start], &text[block.content.end..]);
    verify(text, &edited, &original, &expected)?;
    Ok(edited)
}

/// The existing field `key` refers to: the exact spelling first, then a unique
/// case-insensitive match (so `status=` edits an existing `Status:`).
fn resolve_key(fields: &Fields, key: &str) -> Result<Option<String>, EditError> {
    if fields.contains_key(key) {
        return Ok(Some(key.to_string()));
    }
    let lower = key.to_lowercase();
    let matches: Vec<&String> = fields.keys().filter(|k| k.to_lowercase() == lower).collect();
    match matches.as_slice() {
        [one] => Ok(Some((*one).clone())),
        [] if key.contains('.') => Err(EditError::Nested { key: key.to_string() }),
        [] => Ok(None),
        many => Err(EditError::Ambiguous {
            key: key.to_string(),
            candidates: many.iter().map(|k| format!("`{k}`")).collect(),
        }),
    }
}

/// A byte range of the frontmatter content and what replaces it.
struct Splice {
    range: Range<usize>,
    text: String,
}

/// One edit, resolved against the current fields.
struct Request<'a> {
    /// The existing field being changed, if the card has it.
    field: Option<&'a str>,
    /// The name written when the field is added.
    key: &'a str,
    /// The rendered new value; `None` removes the field.
    value: Option<String>,
    eol: &'a str,
}

fn edit_content(
    format: Format,
    content: &str,
    fields: &Fields,
    edit: &Edit,
    field: Option<&str>,
    eol: &str,
) -> Result<String, EditError> {
    let value = match edit {
        Edit::Set { value, .. } => Some(render_value(format, value)),
        Edit::Unset { .. } if field.is_none() => return Ok(content.to_string()),
        Edit::Unset { .. } => None,
    };
    let request = Request { field, key: edit.key(), value, eol };
    let splice = match format {
        Format::Yaml => yaml_splice(content, fields, &request)?,
        Format::Toml => toml_splice(content, &request)?,
        Format::Json => json_splice(content, &request)?,
    };
    let mut edited = content.to_string();
    edited.replace_range(splice.range, &splice.text);
    Ok(edited)
}

fn update_expected(expected: &mut Fields, format: Format, edit: &Edit, field: Option<String>) {
    match edit {
        Edit::Set { key, value } => {
            expected.insert(field.unwrap_or_else(|| key.clone()), expected_value(format, value));
        }
        Edit::Unset { .. } => {
            if let Some(field) = field {
                expected.shift_remove(&field);
            }
        }
    }
}

/// The last line of defence: the new card must have the same fences and body, every field
/// must read back as intended, and the fields that were kept must keep their order.
fn verify(before: &str, after: &str, original: &Fields, expected: &Fields) -> Result<(), EditError> {
    let (Fence::Block(old), Fence::Block(new)) = (find(before), find(after)) else {
        return Err(failed("the frontmatter block would no longer be recognised".into()));
    };
    if old.format != new.format || before[..old.content.start] != after[..new.content.start] {
        return Err(failed("the opening fence would change".into()));
    }
    if before[old.body_start..] != after[new.body_start..] {
        return Err(failed("the text after the frontmatter would change".into()));
    }
    let fields = parse_block(new.format, &after[new.content.clone()], new.content_line).map_err(|e| {
        failed(format!("the frontmatter would no longer parse (line {}: {})", e.line, e.message))
    })?;
    compare_fields(&fields, original, expected)
}

fn compare_fields(fields: &Fields, original: &Fields, expected: &Fields) -> Result<(), EditError> {
    for (key, value) in expected {
        if fields.get(key) != Some(value) {
            let what = if original.get(key) == Some(value) {
                "would change too"
            } else {
                "would not read back as written"
            };
            return Err(failed(format!("`{key}` {what}")));
        }
    }
    if let Some(extra) = fields.keys().find(|k| !expected.contains_key(*k)) {
        return Err(failed(format!("a field `{extra}` would appear")));
    }
    let kept = |map: &Fields| map.keys().filter(|k| original.contains_key(*k)).cloned().collect::<Vec<_>>();
    if kept(fields) != kept(expected) {
        return Err(failed("the other fields would change order".into()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Rendering values
// ---------------------------------------------------------------------------------------

/// How `text` is written as a value in `format` (an `EditValue::Scalar`). Plain numbers and
/// `true`/`false` are written bare; everything else reads back as exactly this text.
///
/// YAML is written plain only when it is unmistakably text to any YAML reader (1.1 or
/// 1.2): no indicator, comment, `: `, control character, or edge whitespace, and not
/// something a reader could take for a null, boolean or number (`null`, `yes`, `007`,
/// `1e5`, `.5`, `12:30`). ISO dates stay plain. Anything else is double-quoted, with
/// `\\ \" \n \t \r` and `\xNN`/`\uNNNN` for other control and line-breaking characters.
/// TOML writes numbers, booleans and ISO dates/times bare, else a basic string; JSON
/// writes numbers and booleans bare, else a string. `null` is never written: it is text
/// (`--unset` removes a field), because TOML has no null and a card should not hold one
/// only because a word was typed.
pub fn render_scalar(format: Format, text: &str) -> String {
    if is_typed(text) {
        return text.to_string();
    }
    match format {
        Format::Yaml => yaml_text(text, Context::Value),
        Format::Toml if is_toml_datetime(text) => text.to_string(),
        Format::Toml => toml_string(text),
        Format::Json => json_string(text),
    }
}

fn render_value(format: Format, value: &EditValue) -> String {
    match value {
        EditValue::Scalar(text) => render_scalar(format, text),
        EditValue::Text(text) => render_text(format, text, Context::Value),
        EditValue::List(items) => {
            let items: Vec<String> =
                items.iter().map(|item| render_text(format, item, Context::Flow)).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Text that must read back as text, never as a number.
fn render_text(format: Format, text: &str, context: Context) -> String {
    match format {
        Format::Yaml => yaml_text(text, context),
        Format::Toml => toml_string(text),
        Format::Json => json_string(text),
    }
}

fn render_key(format: Format, key: &str) -> String {
    let bare_toml = key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    match format {
        Format::Toml if bare_toml && !key.is_empty() => key.to_string(),
        _ => render_text(format, key, Context::Key),
    }
}

/// The value a rendered `EditValue` reads back as.
fn expected_value(format: Format, value: &EditValue) -> Value {
    match value {
        EditValue::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        EditValue::Scalar(text) => typed_value(format, text).unwrap_or_else(|| Value::String(text.clone())),
        EditValue::Text(text) => Value::String(text.clone()),
    }
}

fn typed_value(format: Format, text: &str) -> Option<Value> {
    match text {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    if is_integer(text) {
        return text.parse::<i64>().ok().map(Value::from);
    }
    if !is_float(text) {
        return None;
    }
    match format {
        // serde_json's float parsing is its own; ask it what it will read.
        Format::Json => serde_json::from_str(text).ok(),
        _ => text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map(Value::Number),
    }
}

/// A plain number or boolean, in the one spelling all three formats read the same way.
fn is_typed(text: &str) -> bool {
    text == "true" || text == "false" || is_integer(text) || is_float(text)
}

/// `0`, `42`, `-7`: what `i64` prints, so `007`, `+5`, `-0` and out-of-range digits are text.
fn is_integer(text: &str) -> bool {
    text.parse::<i64>().is_ok_and(|n| n.to_string() == text)
}

/// `1.5`, `-0.25`, `2.0e3`: digits on both sides of a dot, no leading zero, finite.
fn is_float(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let whole_ok = digits(whole) && (whole == "0" || !whole.starts_with('0'));
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    whole_ok && digits(fraction) && exponent_ok && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Where a YAML scalar is written, which changes what may stay plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Key,
    Value,
    /// An element of a `[a, b]` list, where `,[]{}` end a plain scalar.
    Flow,
}

fn yaml_text(text: &str, context: Context) -> String {
    if yaml_plain_is_safe(text, context) && !looks_typed(text) && yaml_reads_back(text, context) {
        text.to_string()
    } else {
        yaml_quoted(text)
    }
}

/// Characters that mean something at the start of a plain YAML scalar.
const YAML_INDICATORS: &str = "-?:,[]{}#&*!|>'\"%@`";

fn yaml_plain_is_safe(text: &str, context: Context) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let edges_ok = !first.is_whitespace() && !text.ends_with(|c: char| c.is_whitespace() || c == ':');
    let flow_ok = context != Context::Flow || !text.contains([',', '[', ']', '{', '}']);
    edges_ok
        && flow_ok
        && !YAML_INDICATORS.contains(first)
        && !text.chars().any(needs_escape)
        && !text.contains(": ")
        && !text.contains(" #")
}

/// Characters never written raw: controls (tab and line ends included) and the Unicode
/// line separators, BOM and non-characters, which YAML readers treat inconsistently.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// Text another YAML reader (1.1 or 1.2) could take for a null, boolean or number, or that
/// means something special (`=`, the `<<` merge key). ISO dates are left plain on purpose.
fn looks_typed(text: &str) -> bool {
    const WORDS: [&str; 12] = ["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "=", "<<"];
    if WORDS.iter().any(|word| word.eq_ignore_ascii_case(text)) {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let numeric_start = unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let one_token = text.chars().all(|c| c.is_ascii_alphanumeric() || "_.:+-".contains(c));
    numeric_start && one_token && !is_iso_date(text)
}

/// `2026-12-01`, optionally with a `T10:30:00Z`-style time.
fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let date = bytes.len() >= 10
        && bytes[..10]
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    let time = || {
        text[10..]
            .strip_prefix('T')
            .is_some_and(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || ":.+-Z".contains(c)))
    };
    date && (bytes.len() == 10 || time())
}

/// Our own parser is the judge of whether a plain scalar means what it says.
fn yaml_reads_back(text: &str, context: Context) -> bool {
    let (doc, key, value) = match context {
        Context::Key => (format!("{text}: 0\n"), text, Value::from(0)),
        Context::Value => (format!("k: {text}\n"), "k", Value::String(text.to_string())),
        Context::Flow => (format!("k: [{text}]\n"), "k", Value::Array(vec![Value::String(text.to_string())])),
    };
    parse_block(Format::Yaml, &doc, 1)
        .is_ok_and(|fields| fields.len() == 1 && fields.get(key) == Some(&value))
}

fn yaml_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML date, time or datetime in the spelling TOML prints it (our parser turns it back
/// into exactly this text).
fn is_toml_datetime(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
        && text.parse::<toml::value::Datetime>().is_ok_and(|d| d.to_string() == text)
}

fn json_string(text: &str) -> String {
    Value::String(text.to_string()).to_string()
}

// ---------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------

/// The line ending new lines are written with: the file's own, judged by its first line.
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// Just past the `\n` of the line holding `pos` (or the end of the text).
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// Byte offsets where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    let breaks = text.match_indices('\n').map(|(i, _)| i + 1).filter(|&i| i < text.len());
    std::iter::once(0).chain(breaks).collect()
}

fn strip_eol(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

fn eol_of(line: &str) -> &str {
    &line[strip_eol(line).len()..]
}

/// A new line appended at `pos` must start on a line of its own.
fn new_line_at(content: &str, pos: usize, line: String, eol: &str) -> Splice {
    let text = if pos > 0 && !content[..pos].ends_with('\n') { format!("{eol}{line}") } else { line };
    Splice { range: pos..pos, text }
}

// ---------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------

/// A top-level YAML field and the lines it occupies.
struct YamlEntry {
    key: String,
    /// From the start of the key's line to the end of its value's last line, trailing blank
    /// lines and comments at the map's indentation left out (they belong to what follows).
    lines: Range<usize>,
}

struct YamlLayout {
    entries: Vec<YamlEntry>,
    /// The indentation of the top-level keys (nearly always none).
    indent: String,
}

fn yaml_splice(content: &str, fields: &Fields, request: &Request) -> Result<Splice, EditError> {
    let layout = yaml_layout(content, fields)?;
    let entry = request.field.and_then(|field| layout.entries.iter().find(|e| e.key == field));
    match (entry, &request.value) {
        (Some(entry), Some(value)) => {
            let old = fields.get(&entry.key).unwrap_or(&Value::Null);
            let line = yaml_replacement(content, entry, old, value, &layout.indent, request.eol);
            Ok(Splice { range: entry.lines.clone(), text: line })
        }
        (Some(entry), None) => Ok(Splice { range: entry.lines.clone(), text: String::new() }),
        (None, Some(value)) => {
            let line =
                format!("{}{}: {value}{}", layout.indent, render_key(Format::Yaml, request.key), request.eol);
            Ok(new_line_at(content, content.len(), line, request.eol))
        }
        (None, None) => Err(failed("the field to remove was not found in the text".into())),
    }
}

fn yaml_layout(content: &str, fields: &Fields) -> Result<YamlLayout, EditError> {
    if content.replace("\r\n", "").contains('\r') {
        return Err(layout("it contains a carriage return that does not end a line"));
    }
    let marks = top_level_key_marks(content)?;
    if marks.len() != fields.len() {
        return Err(layout("its top-level keys could not be located"));
    }
    let starts = line_starts(content);
    let lines = key_lines(content, &starts, &marks)?;
    let indent = lines.first().map_or(0, |&line| leading_spaces(line_text(content, &starts, line)));
    let entries = fields
        .keys()
        .enumerate()
        .map(|(i, key)| {
            let end = lines.get(i + 1).copied().unwrap_or(starts.len());
            YamlEntry { key: key.clone(), lines: entry_lines(content, &starts, lines[i]..end, indent) }
        })
        .collect();
    Ok(YamlLayout { entries, indent: " ".repeat(indent) })
}

/// The line of each top-level key, checked to be the usual one `key: value` per line at
/// one indentation (not a `{...}` flow map or `? key` syntax).
fn key_lines(content: &str, starts: &[usize], marks: &[Marker]) -> Result<Vec<usize>, EditError> {
    let not_one_per_line = || layout("its fields are not written one `key: value` per line");
    let mut lines: Vec<usize> = Vec::with_capacity(marks.len());
    for mark in marks {
        let line = mark.line().checked_sub(1).filter(|&l| l < starts.len()).ok_or_else(not_one_per_line)?;
        let indent = leading_spaces(line_text(content, starts, line));
        let first_indent = lines.first().map_or(indent, |&l| leading_spaces(line_text(content, starts, l)));
        if indent != mark.col() || indent != first_indent || lines.last().is_some_and(|&l| l >= line) {
            return Err(not_one_per_line());
        }
        lines.push(line);
    }
    Ok(lines)
}

fn line_text<'a>(content: &'a str, starts: &[usize], line: usize) -> &'a str {
    let end = starts.get(line + 1).copied().unwrap_or(content.len());
    &content[starts[line]..end]
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The byte range of lines `lines`, less the blank lines and map-level comments at its end.
fn entry_lines(content: &str, starts: &[usize], mut lines: Range<usize>, indent: usize) -> Range<usize> {
    while lines.end > lines.start + 1 {
        let text = line_text(content, starts, lines.end - 1);
        let trimmed = text.trim();
        if !(trimmed.is_empty() || (trimmed.starts_with('#') && leading_spaces(text) <= indent)) {
            break;
        }
        lines.end -= 1;
    }
    starts[lines.start]..starts.get(lines.end).copied().unwrap_or(content.len())
}

/// Records where each key of the root mapping starts, from the parser's own events.
#[derive(Default)]
struct TopLevelKeys {
    depth: usize,
    root_is_map: bool,
    expect_key: bool,
    marks: Vec<Marker>,
    complex_key: bool,
}

impl MarkedEventReceiver for TopLevelKeys {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(..) | Event::Alias(_) => self.node(mark, false),
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if self.depth == 0 {
                    self.root_is_map = matches!(event, Event::MappingStart(..));
                    self.expect_key = true;
                }
                self.node(mark, true);
                self.depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }
}

impl TopLevelKeys {
    /// The nodes directly inside the root map alternate: key, value, key, value ...
    fn node(&mut self, mark: Marker, collection: bool) {
        if self.depth != 1 || !self.root_is_map {
            return;
        }
        if self.expect_key {
            self.complex_key |= collection;
            self.marks.push(mark);
        }
        self.expect_key = !self.expect_key;
    }
}

fn top_level_key_marks(content: &str) -> Result<Vec<Marker>, EditError> {
    let mut keys = TopLevelKeys::default();
    // The block already parsed with this same parser, so this only fails on a parser bug.
    Parser::new_from_str(content)
        .load(&mut keys, false)
        .map_err(|e| EditError::Layout { reason: format!("its keys could not be located ({})", e.info()) })?;
    if keys.complex_key {
        return Err(layout("a key is a list or a map"));
    }
    Ok(keys.marks)
}

/// The one line that replaces an entry. The key is kept as it was written, and on a
/// one-line entry so are the spacing after the colon and a trailing `# comment`.
fn yaml_replacement(
    content: &str,
    entry: &YamlEntry,
    old: &Value,
    value: &str,
    indent: &str,
    eol: &str,
) -> String {
    let region = &content[entry.lines.clone()];
    let first_line = &region[..line_end(region, 0)];
    let line_eol = match eol_of(region) {
        "" => eol,
        own => own,
    };
    let after_indent = strip_eol(first_line).get(indent.len()..).unwrap_or_default();
    let Some(colon) = written_key_end(after_indent, &entry.key) else {
        return format!("{indent}{}: {value}{line_eol}", render_key(Format::Yaml, &entry.key));
    };
    let rest = &after_indent[colon + 1..];
    let one_line = first_line.len() == region.len();
    let gap_len = rest.len() - rest.trim_start().len();
    let gap = if gap_len > 0 && !rest.trim().is_empty() { &rest[..gap_len] } else { " " };
    let comment = trailing_comment(rest, old, one_line);
    format!("{indent}{}{gap}{value}{comment}{line_eol}", &after_indent[..=colon])
}

/// The colon that ends the key as written (`title:`, `"title":`, `'my: key':`), found by
/// asking the parser which prefix of the line reads as exactly this key.
fn written_key_end(line: &str, key: &str) -> Option<usize> {
    let colon_ends_key = |i: usize| line[i + 1..].is_empty() || line[i + 1..].starts_with([' ', '\t']);
    if line.starts_with(key) && line[key.len()..].starts_with(':') && colon_ends_key(key.len()) {
        return Some(key.len());
    }
    line.match_indices(':').map(|(i, _)| i).filter(|&i| colon_ends_key(i)).find(|&i| {
        parse_block(Format::Yaml, &format!("{}: 0\n", &line[..i]), 1)
            .is_ok_and(|fields| fields.len() == 1 && fields.contains_key(key))
    })
}

/// The ` # comment` after a value, kept when the value is replaced. Found by trying each
/// ` #` and keeping the first whose left side still reads as the old value, so a `#`
/// inside quotes is never mistaken for one.
fn trailing_comment(rest: &str, old: &Value, one_line: bool) -> String {
    let body = rest.trim();
    if body.starts_with('#') {
        return format!(" {body}");
    }
    if !one_line {
        return String::new();
    }
    let starts =
        rest.match_indices([' ', '\t']).map(|(i, _)| i).filter(|&i| rest[i..].trim_start().starts_with('#'));
    for start in starts {
        let reads_as_old = parse_block(Format::Yaml, &format!("k:{}\n", &rest[..start]), 1)
            .is_ok_and(|fields| fields.get("k") == Some(old));
        if reads_as_old {
            return rest[start..].trim_end().to_string();
        }
    }
    String::new()
}

// ---------------------------------------------------------------------------------------
// TOML
// ---------------------------------------------------------------------------------------

enum TomlEntry {
    /// A `key = value` line: the key's and the value's byte ranges.
    Value { key: Range<usize>, value: Range<usize> },
    /// A table, dotted keys or an array of tables: not one contiguous value.
    Other { why: &'static str },
}

fn toml_splice(content: &str, request: &Request) -> Result<Splice, EditError> {
    // The block already parsed with `toml`; `toml_edit` shares its parser, so this only
    // fails if the two ever disagree.
    let doc = toml_edit::Document::parse(content).map_err(|e| EditError::Layout {
        reason: format!("its keys could not be located ({})", e.message().trim()),
    })?;
    let table = doc.as_table();
    let entry = |key: &str| toml_entry(table, key);
    match (request.field, &request.value) {
        (Some(field), value) => match (entry(field), value) {
            (TomlEntry::Value { value: range, .. }, Some(value)) => Ok(Splice { range, text: value.clone() }),
            (TomlEntry::Value { key, value: range }, None) => Ok(Splice {
                range: line_start(content, key.start)..line_end(content, range.end),
                text: String::new(),
            }),
            (TomlEntry::Other { why }, _) => {
                Err(EditError::Unsupported { key: field.to_string(), reason: why.to_string() })
            }
        },
        (None, Some(value)) => {
            let line = format!("{} = {value}{}", render_key(Format::Toml, request.key), request.eol);
            Ok(new_line_at(content, toml_insertion_point(content, table), line, request.eol))
        }
        (None, None) => Err(failed("the field to remove was not found in the text".into())),
    }
}

fn toml_entry(table: &toml_edit::Table, key: &str) -> TomlEntry {
    let Some((written, item)) = table.get_key_value(key) else {
        return TomlEntry::Other { why: "it was not found in the text" };
    };
    match item {
        toml_edit::Item::Value(value) => match (written.span(), value.span()) {
            (Some(key), Some(value)) => TomlEntry::Value { key, value },
            _ => TomlEntry::Other { why: "its position in the text is unknown" },
        },
        toml_edit::Item::Table(t) if t.is_dotted() => TomlEntry::Other {
            why: "it is written as dotted keys (`key.part = ...`), which nested edits would need",
        },
        toml_edit::Item::Table(_) => {
            TomlEntry::Other { why: "it is a `[table]`, which nested edits would need" }
        }
        toml_edit::Item::ArrayOfTables(_) => TomlEntry::Other { why: "it is an array of tables (`[[...]]`)" },
        toml_edit::Item::None => TomlEntry::Other { why: "it has no value" },
    }
}

/// After the last top-level `key = value` line, which is always before the first `[table]`;
/// with none, at the top (before any table) or, in a block of comments only, at the end.
fn toml_insertion_point(content: &str, table: &toml_edit::Table) -> usize {
    let last_value_end = table
        .iter()
        .filter_map(|(_, item)| item.as_value().and_then(toml_edit::Value::span))
        .map(|s| s.end)
        .max();
    match last_value_end {
        Some(end) => line_end(content, end),
        None if table.is_empty() => content.len(),
        None => 0,
    }
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

/// A member of the top-level JSON object, as byte ranges of the (already valid) text.
struct JsonMember {
    key: String,
    key_span: Range<usize>,
    value: Range<usize>,
    /// The comma after the value, if another member follows.
    comma: Option<usize>,
}

struct JsonObject {
    open: usize,
    close: usize,
    members: Vec<JsonMember>,
}

fn json_splice(content: &str, request: &Request) -> Result<Splice, EditError> {
    let object = json_object(content)?;
    let index = match request.field {
        Some(field) => Some(json_member_index(&object, field)?),
        None => None,
    };
    let members = &object.members;
    Ok(match (index, &request.value) {
        (Some(i), Some(value)) => Splice { range: members[i].value.clone(), text: value.clone() },
        (Some(i), None) => Splice { range: json_removal(&object, i), text: String::new() },
        (None, Some(value)) => json_addition(content, &object, &json_string(request.key), value, request.eol),
        (None, None) => return Err(failed("the field to remove was not found in the text".into())),
    })
}

fn json_member_index(object: &JsonObject, field: &str) -> Result<usize, EditError> {
    let mut found = object.members.iter().enumerate().filter(|(_, m)| m.key == field).map(|(i, _)| i);
    match (found.next(), found.next()) {
        (Some(i), None) => Ok(i),
        (Some(_), Some(_)) => {
            Err(EditError::Unsupported { key: field.to_string(), reason: "it appears more than once".into() })
        }
        (None, _) => Err(failed(format!("`{field}` was not found in the text"))),
    }
}

/// What to cut so that the member and exactly one comma go: up to the next key, or for
/// the last member from the end of the previous value.
fn json_removal(object: &JsonObject, i: usize) -> Range<usize> {
    let members = &object.members;
    if members.len() == 1 {
        object.open + 1..members[i].value.end
    } else if i + 1 < members.len() {
        members[i].key_span.start..members[i + 1].key_span.start
    } else {
        members[i - 1].value.end..members[i].value.end
    }
}

/// A new last member, spaced like the members before it (`, ` or a new indented line).
fn json_addition(content: &str, object: &JsonObject, key: &str, value: &str, eol: &str) -> Splice {
    let members = &object.members;
    let Some(last) = members.last() else {
        let inside = &content[object.open + 1..object.close];
        let gap = if inside.contains('\n') { format!("{eol}  ") } else { String::new() };
        return Splice { range: object.open + 1..object.open + 1, text: format!("{gap}{key}: {value}") };
    };
    let gap_start = match members.len() {
        1 => object.open + 1,
        n => members[n - 2].comma.map_or(last.key_span.start, |comma| comma + 1),
    };
    let gap = &content[gap_start..last.key_span.start];
    let separator = &content[last.key_span.end..last.value.start];
    Splice { range: last.value.end..last.value.end, text: format!(",{gap}{key}{separator}{value}") }
}

fn json_object(content: &str) -> Result<JsonObject, EditError> {
    let malformed = || layout("its JSON could not be scanned");
    let bytes = content.as_bytes();
    let open = skip_json_space(bytes, 0);
    if bytes.get(open) != Some(&b'{') {
        return Err(layout("the JSON frontmatter is not an object"));
    }
    let mut members = Vec::new();
    let mut pos = skip_json_space(bytes, open + 1);
    if bytes.get(pos) == Some(&b'}') {
        return Ok(JsonObject { open, close: pos, members });
    }
    loop {
        let member = json_member(content, pos).ok_or_else(malformed)?;
        pos = skip_json_space(bytes, member.value.end);
        let comma = member.comma;
        members.push(member);
        match comma {
            Some(comma) => pos = skip_json_space(bytes, comma + 1),
            None if bytes.get(pos) == Some(&b'}') => return Ok(JsonObject { open, close: pos, members }),
            None => return Err(malformed()),
        }
    }
}

/// The member starting at `pos` (a key string), or `None` if the text is not as expected.
fn json_member(content: &str, pos: usize) -> Option<JsonMember> {
    let bytes = content.as_bytes();
    let key_end = skip_json_string(bytes, pos)?;
    let key: String = serde_json::from_str(&content[pos..key_end]).ok()?;
    let colon = skip_json_space(bytes, key_end);
    (bytes.get(colon) == Some(&b':')).then_some(())?;
    let value_start = skip_json_space(bytes, colon + 1);
    let value_end = skip_json_value(bytes, value_start)?;
    let after = skip_json_space(bytes, value_end);
    let comma = (bytes.get(after) == Some(&b',')).then_some(after);
    Some(JsonMember { key, key_span: pos..key_end, value: value_start..value_end, comma })
}

fn skip_json_space(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// Just past the string that opens at `pos`.
fn skip_json_string(bytes: &[u8], pos: usize) -> Option<usize> {
    (bytes.get(pos) == Some(&b'"')).then_some(())?;
    let mut i = pos + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Just past the value that starts at `pos`: a string, a nested object or array, or a
/// number / `true` / `false` / `null`.
fn skip_json_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => skip_json_string(bytes, pos),
        b'{' | b'[' => skip_json_nested(bytes, pos),
        _ => {
            let len = bytes[pos..].iter().take_while(|b| !b",}] \t\r\n".contains(b)).count();
            (len > 0).then_some(pos + len)
        }
    }
}

fn skip_json_nested(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = pos;
    loop {
        match bytes.get(i)? {
            b'"' => {
                i = skip_json_string(bytes, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(key: &str, value: &str) -> Edit {
        Edit::Set { key: key.into(), value: EditValue::Scalar(value.into()) }
    }

    fn set_list(key: &str, items: &[&str]) -> Edit {
        Edit::Set { key: key.into(), value: EditValue::List(items.iter().map(|s| s.to_string()).collect()) }
    }

    fn unset(key: &str) -> Edit {
        Edit::Unset { key: key.into() }
    }

    fn edited(text: &str, edits: &[Edit]) -> String {
        apply(text, edits).unwrap_or_else(|e| panic!("edit failed: {e}"))
    }

    fn fields_of(text: &str) -> Fields {
        let parsed = super::super::parse(strip_bom(text));
        assert_eq!(parsed.error, None, "{text:?}");
        parsed.fields
    }

    pub(super) const HOSTILE_FOR_PROPERTIES: &[&str] = HOSTILE;

    const HOSTILE: &[&str] = &[
        "Re: \"quoted\" # not a comment",
        "- leading dash",
        "-",
        "* star",
        "&anchor",
        "!tag",
        "[bracket]",
        "{brace}",
        "| pipe",
        "> greater",
        "% percent",
        "@at",
        "`tick`",
        "yes",
        "No",
        "null",
        "~",
        "True",
        " leading space",
        "trailing space ",
        "",
        "two\nlines",
        "tab\there",
        "bell\u{7}",
        "del\u{7f}",
        "nel\u{85}",
        "line\u{2028}separator",
        "\u{feff}bom",
        "007",
        "1e5",
        "0x1F",
        "+5",
        "-0",
        ".5",
        ".inf",
        "12:30",
        "1_000",
        "---",
        "...",
        "+++",
        "'single'",
        "a: b",
        "a:b",
        "ends with colon:",
        "#hash",
        "a #b",
        "a#b",
        "back\\slash",
        "\\",
        "\"",
        "'",
        "日本語のタイトル",
        "emoji 🎉",
        "\r",
        "=",
        "<<",
        "key=value",
        "http://example.com/a?b=c#d",
        "Hello, world",
        "a, b: [c]",
    ];

    // ---- parse_assignment ----

    #[test]
    fn assignments_split_at_the_first_equals_sign() {
        assert_eq!(parse_assignment("status=done"), Ok(("status".into(), EditValue::Scalar("done".into()))));
        assert_eq!(parse_assignment("expr=a=b"), Ok(("expr".into(), EditValue::Scalar("a=b".into()))));
        assert_eq!(parse_assignment("note="), Ok(("note".into(), EditValue::Scalar(String::new()))));
        assert_eq!(
            parse_assignment("title= spaced: value "),
            Ok(("title".into(), EditValue::Scalar(" spaced: value ".into())))
        );
    }

    #[test]
    fn assignments_read_lists_with_quoted_elements() {
        let list = |items: &[&str]| EditValue::List(items.iter().map(|s| s.to_string()).collect());
        assert_eq!(parse_assignment("tags=[a, b]").map(|a| a.1), Ok(list(&["a", "b"])));
        assert_eq!(parse_assignment("tags=[]").map(|a| a.1), Ok(list(&[])));
        assert_eq!(parse_assignment("tags=[ a ,b, ]").map(|a| a.1), Ok(list(&["a", "b"])));
        assert_eq!(
            parse_assignment(r#"tags=["a, b", 'c]', "q\"x"]"#).map(|a| a.1),
            Ok(list(&["a, b", "c]", "q\"x"]))
        );
        assert_eq!(
            parse_assignment("title=[draft] note").map(|a| a.1),
            Ok(EditValue::Scalar("[draft] note".into()))
        );
    }

    #[test]
    fn bad_assignments_say_what_is_wrong() {
        for (arg, reason) in [
            ("status", "no `=`"),
            ("=done", "empty"),
            ("my key=x", "spaces"),
            ("tags=[a,,b]", "empty"),
            ("tags=[\"a]", "not closed"),
            ("tags=[\"a\" b]", "expected `,`"),
        ] {
            let err = parse_assignment(arg).expect_err(arg).to_string();
            assert!(err.contains(reason), "{arg}: {err}");
            assert!(err.contains("key=value"), "{arg}: {err}");
        }
    }

    #[test]
    fn edits_with_unusable_keys_are_refused() {
        let err = apply("---\na: 1\n---\n", &[set("", "x")]).expect_err("empty key");
        assert!(matches!(err, EditError::Key { .. }), "{err}");
    }

    // ---- rendering ----

    #[test]
    fn yaml_rendering_keeps_text_plain_only_when_unmistakable() {
        let cases = [
            ("done", "done"),
            ("2", "2"),
            ("-3", "-3"),
            ("1.5", "1.5"),
            ("true", "true"),
            ("2026-12-01", "2026-12-01"),
            ("2026-12-01T10:30:00Z", "2026-12-01T10:30:00Z"),
            ("Hello, world", "Hello, world"),
            ("a title with spaces", "a title with spaces"),
            ("007", "\"007\""),
            ("1e5", "\"1e5\""),
            ("yes", "\"yes\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("True", "\"True\""),
            ("", "\"\""),
            ("a: b", "\"a: b\""),
            ("- x", "\"- x\""),
            ("two\nlines", "\"two\\nlines\""),
            ("tab\t", "\"tab\\t\""),
            ("bell\u{7}", "\"bell\\x07\""),
            ("nel\u{85}", "\"nel\\u0085\""),
            ("line\u{2028}separator", "\"line\\u2028separator\""),
            ("say \"hi\" \\ bye", "say \"hi\" \\ bye"),
            ("y", "\"y\""),
        ];
        for (text, written) in cases {
            assert_eq!(render_scalar(Format::Yaml, text), written, "{text:?}");
        }
    }

    #[test]
    fn toml_and_json_rendering() {
        assert_eq!(render_scalar(Format::Toml, "2"), "2");
        assert_eq!(render_scalar(Format::Toml, "2026-12-01"), "2026-12-01");
        assert_eq!(render_scalar(Format::Toml, "1979-05-27T07:32:00Z"), "1979-05-27T07:32:00Z");
        assert_eq!(render_scalar(Format::Toml, "1979-05-27 07:32:00"), "\"1979-05-27 07:32:00\"");
        assert_eq!(render_scalar(Format::Toml, "a \"b\"\n\u{1}"), "\"a \\\"b\\\"\\n\\u0001\"");
        assert_eq!(render_scalar(Format::Toml, "yes"), "\"yes\"");
        assert_eq!(render_scalar(Format::Json, "2.5"), "2.5");
        assert_eq!(render_scalar(Format::Json, "false"), "false");
        assert_eq!(render_scalar(Format::Json, "007"), "\"007\"");
        assert_eq!(render_scalar(Format::Json, "null"), "\"null\"");
        assert_eq!(render_scalar(Format::Json, "a\"b"), "\"a\\\"b\"");
    }

    #[test]
    fn only_canonical_numbers_and_lowercase_booleans_are_typed() {
        for typed in ["0", "42", "-7", "1.5", "-0.25", "2.0e3", "1.5E-2", "true", "false"] {
            assert!(is_typed(typed), "{typed}");
        }
        for text in [
            "007",
            "+5",
            "-0",
            "1e5",
            ".5",
            "5.",
            "1_000",
            "0x1F",
            "1.5e999",
            "99999999999999999999",
            "True",
            "NaN",
            "inf",
            "",
        ] {
            assert!(!is_typed(text), "{text}");
        }
    }

    #[test]
    fn hostile_values_round_trip_in_every_format() {
        let cards = [
            "---\ntitle: x\n---\nbody\n",
            "+++\ntitle = \"x\"\n+++\nbody\n",
            "---json\n{\"title\": \"x\"}\n---\nbody\n",
        ];
        for card in cards {
            for text in HOSTILE {
                let out = edited(card, &[set("title", text)]);
                assert_eq!(
                    fields_of(&out)["title"],
                    Value::String(text.to_string()),
                    "{card:?} {text:?}: {out}"
                );
                assert!(out.ends_with("\nbody\n"), "{out}");
                let new = edited(card, &[set("new", text)]);
                assert_eq!(
                    fields_of(&new)["new"],
                    Value::String(text.to_string()),
                    "{card:?} {text:?}: {new}"
                );
            }
        }
    }

    #[test]
    fn hostile_list_elements_round_trip_in_every_format() {
        let cards = ["---\na: 1\n---\n", "+++\na = 1\n+++\n", "{\"a\": 1}\n"];
        for card in cards {
            let out = edited(card, &[set_list("tags", HOSTILE)]);
            let expected: Vec<Value> = HOSTILE.iter().map(|s| Value::String(s.to_string())).collect();
            assert_eq!(fields_of(&out)["tags"], Value::Array(expected), "{out}");
        }
    }

    #[test]
    fn list_elements_are_text_even_when_they_look_like_numbers() {
        let out = edited("---\na: 1\n---\n", &[set_list("tags", &["rust", "b: c", "2024", "true"])]);
        assert_eq!(out, "---\na: 1\ntags: [rust, \"b: c\", \"2024\", \"true\"]\n---\n");
        assert_eq!(fields_of(&out)["tags"], json!(["rust", "b: c", "2024", "true"]));
    }

    // ---- YAML ----

    #[test]
    fn yaml_replacing_changes_only_that_line() {
        let text = "---\n# top\ntitle: 'Old'   # keep me\nstatus: open\n\ntags: [a, b]\n---\n# Body\n";
        let out = edited(text, &[set("status", "done")]);
        assert_eq!(out, "---\n# top\ntitle: 'Old'   # keep me\nstatus: done\n\ntags: [a, b]\n---\n# Body\n");
    }

    #[test]
    fn yaml_keeps_a_trailing_comment_the_key_spelling_and_spacing() {
        assert_eq!(
            edited("---\nstatus:   open  # was blocked\n---\n", &[set("status", "done")]),
            "---\nstatus:   done  # was blocked\n---\n"
        );
        assert_eq!(
            edited("---\ntitle: \"a # b\" # c\n---\n", &[set("title", "x")]),
            "---\ntitle: x # c\n---\n"
        );
        assert_eq!(
            edited("---\n\"title\": old\n---\n", &[set("title", "new")]),
            "---\n\"title\": new\n---\n"
        );
        assert_eq!(edited("---\n'my:key': old\n---\n", &[set("my:key", "new")]), "---\n'my:key': new\n---\n");
    }

    #[test]
    fn yaml_adds_a_missing_key_before_the_closing_fence() {
        let out = edited("---\ntitle: a\n# trailing comment\n---\nbody", &[set("status", "done")]);
        assert_eq!(out, "---\ntitle: a\n# trailing comment\nstatus: done\n---\nbody");
        assert_eq!(edited("---\n---\nbody", &[set("a", "1")]), "---\na: 1\n---\nbody");
        assert_eq!(edited("---\ntitle: a\n...\nbody", &[set("b", "x")]), "---\ntitle: a\nb: x\n...\nbody");
    }

    #[test]
    fn yaml_unset_removes_the_lines_and_a_missing_key_is_a_no_op() {
        let text = "---\ntitle: a\ntags:\n  - x\n  - y\nstatus: open\n---\nbody\n";
        assert_eq!(edited(text, &[unset("tags")]), "---\ntitle: a\nstatus: open\n---\nbody\n");
        assert_eq!(edited(text, &[unset("missing")]), text);
    }

    #[test]
    fn yaml_block_lists_are_replaced_whole_at_any_indentation() {
        let indented = "---\ntags:\n  - a\n  # old\n  - b\nnext: 1\n---\n";
        assert_eq!(edited(indented, &[set_list("tags", &["c"])]), "---\ntags: [c]\nnext: 1\n---\n");
        let column_zero = "---\ntags:\n- a\n- b\n# about next\n\nnext: 1\n---\n";
        assert_eq!(
            edited(column_zero, &[set_list("tags", &["c", "d"])]),
            "---\ntags: [c, d]\n# about next\n\nnext: 1\n---\n"
        );
        assert_eq!(edited(column_zero, &[unset("tags")]), "---\n# about next\n\nnext: 1\n---\n");
    }

    #[test]
    fn yaml_block_scalars_and_nested_maps_are_replaced_whole() {
        let text = "---\nnotes: |\n  line one\n  # not a comment\n\n  line three\nauthor:\n  name: Ann\n  mail: a@b\nlast: >-\n  folded\n  text\n---\n";
        let out = edited(text, &[set("notes", "short"), set("author", "Bob"), set("last", "x")]);
        assert_eq!(out, "---\nnotes: short\nauthor: Bob\nlast: x\n---\n");
    }

    #[test]
    fn yaml_multi_line_flow_values_are_replaced_whole() {
        let text = "---\ntags: [a,\n  b]\ntitle: \"long\n  wrapped\"\nnext: 1\n---\n";
        assert_eq!(
            edited(text, &[set("tags", "x"), set("title", "z")]),
            "---\ntags: x\ntitle: z\nnext: 1\n---\n"
        );
    }

    #[test]
    fn yaml_crlf_and_bom_are_kept() {
        let text = "\u{feff}---\r\ntitle: a\r\nstatus: x\r\n---\r\nbody\r\n";
        let out = edited(text, &[set("status", "yy"), set("new", "z")]);
        assert_eq!(out, "\u{feff}---\r\ntitle: a\r\nstatus: yy\r\nnew: z\r\n---\r\nbody\r\n");
    }

    #[test]
    fn yaml_indented_top_level_map_keeps_its_indentation() {
        let out = edited("---\n  a: 1\n  b: 2\n---\n", &[set("b", "3"), set("c", "4")]);
        assert_eq!(out, "---\n  a: 1\n  b: 3\n  c: 4\n---\n");
    }

    #[test]
    fn keys_match_case_sensitively_first_then_case_insensitively() {
        assert_eq!(edited("---\nStatus: open\n---\n", &[set("status", "done")]), "---\nStatus: done\n---\n");
        assert_eq!(
            edited("---\nStatus: a\nstatus: b\n---\n", &[set("status", "c")]),
            "---\nStatus: a\nstatus: c\n---\n"
        );
        let err = apply("---\nStatus: a\nSTATUS: b\n---\n", &[set("status", "c")]).expect_err("ambiguous");
        assert!(err.to_string().contains("`Status`, `STATUS`"), "{err}");
        assert_eq!(edited("---\nStatus: open\n---\n", &[unset("STATUS")]), "---\n---\n");
    }

    #[test]
    fn dotted_keys_are_refused_unless_they_are_literal_top_level_keys() {
        let err =
            apply("---\nauthor:\n  name: Ann\n---\n", &[set("author.name", "Bob")]).expect_err("nested");
        assert!(matches!(err, EditError::Nested { .. }), "{err}");
        assert!(err.to_string().contains("nested"), "{err}");
        assert!(apply("---\ntitle: a\n---\n", &[unset("author.name")]).is_err());
        assert_eq!(
            edited("---\nauthor.name: Ann\n---\n", &[set("author.name", "Bob")]),
            "---\nauthor.name: Bob\n---\n"
        );
    }

    #[test]
    fn frontmatter_that_does_not_parse_is_refused() {
        let err =
            apply("---\ntitle: ok\ntags: [a, b\n---\nbody", &[set("status", "x")]).expect_err("bad yaml");
        assert!(matches!(err, EditError::Unparsable { line: 3, .. }), "{err:?}");
        assert!(err.to_string().contains("termdex check"), "{err}");
        assert!(apply("---\ntitle: a\n", &[set("b", "c")]).is_err(), "unclosed");
        assert!(apply("+++\ntitle = \n+++\n", &[set("b", "c")]).is_err(), "bad toml");
        assert!(apply("{\"a\": nope}\n", &[set("b", "c")]).is_err(), "bad json");
        assert!(apply("---\na: 1\na: 2\n---\n", &[set("a", "3")]).is_err(), "duplicate key");
    }

    #[test]
    fn yaml_layouts_we_cannot_edit_line_by_line_are_refused() {
        let err = apply("---\n{a: 1, b: 2}\n---\n", &[set("a", "3")]).expect_err("flow map");
        assert!(matches!(err, EditError::Layout { .. }), "{err}");
        assert!(apply("---\n? a\n: 1\n---\n", &[set("a", "3")]).is_err(), "explicit key");
        assert!(apply("---\na: 1\rb: 2\n---\n", &[set("a", "3")]).is_err(), "lone carriage return");
    }

    #[test]
    fn an_edit_that_would_change_another_field_is_refused() {
        let text = "---\nbase: &b hello\ncopy: *b\n---\n";
        let err = apply(text, &[set("base", "bye")]).expect_err("alias");
        assert!(matches!(err, EditError::Verification { .. }), "{err}");
    }

    #[test]
    fn a_card_without_frontmatter_gets_a_yaml_block_on_top() {
        assert_eq!(edited("# Hello\n", &[set("title", "x")]), "---\ntitle: x\n---\n# Hello\n");
        assert_eq!(edited("", &[set("title", "x")]), "---\ntitle: x\n---\n");
        assert_eq!(edited("\u{feff}text", &[set("a", "1")]), "\u{feff}---\na: 1\n---\ntext");
        assert_eq!(edited("line\r\nmore\r\n", &[set("a", "1")]), "---\r\na: 1\r\n---\r\nline\r\nmore\r\n");
        assert_eq!(edited("{{ template }}\n", &[set("a", "1")]), "---\na: 1\n---\n{{ template }}\n");
        assert_eq!(edited("# Hello\n", &[unset("title")]), "# Hello\n");
        assert_eq!(edited("# Hello\n", &[set("a", "1"), unset("a")]), "# Hello\n");
    }

    #[test]
    fn several_edits_apply_in_order() {
        let out =
            edited("---\na: 1\nb: 2\n---\n", &[set("a", "x"), unset("b"), set("c", "y"), set("c", "z")]);
        assert_eq!(out, "---\na: x\nc: z\n---\n");
    }

    // ---- TOML ----

    #[test]
    fn toml_replacing_keeps_key_spacing_and_comment() {
        let text = "+++\n# fields\ntitle   =   \"Old\"  # c\ncount=1\n+++\nbody";
        assert_eq!(
            edited(text, &[set("title", "New")]),
            "+++\n# fields\ntitle   =   \"New\"  # c\ncount=1\n+++\nbody"
        );
        assert_eq!(
            edited(text, &[set("count", "2")]),
            "+++\n# fields\ntitle   =   \"Old\"  # c\ncount=2\n+++\nbody"
        );
    }

    #[test]
    fn toml_multi_line_values_are_replaced_whole() {
        let text = "+++\ntags = [\n  \"a\", # first\n  \"b\",\n]\nnotes = \"\"\"\nline\n[not a table]\n\"\"\"\nnext = 1\n+++\n";
        let out = edited(text, &[set_list("tags", &["x"]), set("notes", "short")]);
        assert_eq!(out, "+++\ntags = [\"x\"]\nnotes = \"short\"\nnext = 1\n+++\n");
        assert_eq!(edited(text, &[unset("tags"), unset("notes")]), "+++\nnext = 1\n+++\n");
    }

    #[test]
    fn toml_adds_after_the_last_top_level_key_before_the_first_table() {
        let text = "+++\ntitle = \"a\"\n# about extra\n\n[extra]\nk = 1\n+++\n";
        assert_eq!(
            edited(text, &[set("status", "done")]),
            "+++\ntitle = \"a\"\nstatus = \"done\"\n# about extra\n\n[extra]\nk = 1\n+++\n"
        );
        assert_eq!(
            edited("+++\n[extra]\nk = 1\n+++\n", &[set("a", "1")]),
            "+++\na = 1\n[extra]\nk = 1\n+++\n"
        );
        assert_eq!(edited("+++\n# only\n+++\n", &[set("a", "1")]), "+++\n# only\na = 1\n+++\n");
        assert_eq!(edited("---toml\nx = 1\n---\n", &[set("y", "2")]), "---toml\nx = 1\ny = 2\n---\n");
    }

    #[test]
    fn toml_writes_dates_bare_and_quotes_odd_keys() {
        let out = edited("+++\nx = 1\n+++\n", &[set("due", "2026-12-01"), set("a+b", "v")]);
        assert_eq!(out, "+++\nx = 1\ndue = 2026-12-01\n\"a+b\" = \"v\"\n+++\n");
    }

    #[test]
    fn toml_tables_and_dotted_keys_are_refused() {
        let err = apply("+++\n[author]\nname = \"a\"\n+++\n", &[set("author", "x")]).expect_err("table");
        assert!(matches!(err, EditError::Unsupported { .. }), "{err}");
        let err = apply("+++\nauthor.name = \"a\"\n+++\n", &[unset("author")]).expect_err("dotted");
        assert!(err.to_string().contains("dotted"), "{err}");
        assert!(matches!(
            apply("+++\n[author]\nname = \"a\"\n+++\n", &[set("author.name", "b")]),
            Err(EditError::Nested { .. })
        ));
        assert!(apply("+++\n[[items]]\nx = 1\n+++\n", &[unset("items")]).is_err());
    }

    #[test]
    fn toml_crlf_is_kept() {
        let out = edited("+++\r\na = 1\r\n+++\r\nbody\r\n", &[set("a", "2"), set("b", "x")]);
        assert_eq!(out, "+++\r\na = 2\r\nb = \"x\"\r\n+++\r\nbody\r\n");
    }

    // ---- JSON ----

    const PRETTY: &str = "---json\n{\n  \"title\": \"a\",\n  \"meta\": {\n    \"x\": [1, {\"y\": \"}\"}]\n  },\n  \"n\": 2\n}\n---\nbody\n";

    #[test]
    fn json_replaces_a_nested_value_whole() {
        let out = edited(PRETTY, &[set("meta", "flat")]);
        assert_eq!(out, "---json\n{\n  \"title\": \"a\",\n  \"meta\": \"flat\",\n  \"n\": 2\n}\n---\nbody\n");
    }

    #[test]
    fn json_adds_a_member_in_the_style_of_the_last_one() {
        let out = edited(PRETTY, &[set("status", "done")]);
        assert_eq!(
            out,
            "---json\n{\n  \"title\": \"a\",\n  \"meta\": {\n    \"x\": [1, {\"y\": \"}\"}]\n  },\n  \"n\": 2,\n  \"status\": \"done\"\n}\n---\nbody\n"
        );
        assert_eq!(
            edited("{\"a\":1,\"b\":2}\n# Body", &[set("c", "3")]),
            "{\"a\":1,\"b\":2,\"c\":3}\n# Body"
        );
        assert_eq!(edited("{ \"a\": 1 }\n", &[set("c", "x")]), "{ \"a\": 1, \"c\": \"x\" }\n");
        assert_eq!(edited("{}\nbody", &[set("c", "x")]), "{\"c\": \"x\"}\nbody");
        assert_eq!(edited("---json\n{\n}\n---\n", &[set("c", "x")]), "---json\n{\n  \"c\": \"x\"\n}\n---\n");
    }

    #[test]
    fn json_unset_takes_the_right_comma() {
        let text = "{\n  \"a\": 1,\n  \"b\": [2],\n  \"c\": 3\n}\nbody";
        assert_eq!(edited(text, &[unset("a")]), "{\n  \"b\": [2],\n  \"c\": 3\n}\nbody");
        assert_eq!(edited(text, &[unset("b")]), "{\n  \"a\": 1,\n  \"c\": 3\n}\nbody");
        assert_eq!(edited(text, &[unset("c")]), "{\n  \"a\": 1,\n  \"b\": [2]\n}\nbody");
        assert_eq!(edited(text, &[unset("a"), unset("b"), unset("c")]), "{\n}\nbody");
        assert_eq!(edited("{\"a\":1,\"b\":2}", &[unset("b")]), "{\"a\":1}");
        assert_eq!(edited("{\"a\":1}", &[unset("a")]), "{}");
    }

    #[test]
    fn json_crlf_is_kept() {
        let out = edited("---json\r\n{\r\n  \"a\": 1\r\n}\r\n---\r\nbody\r\n", &[set("b", "2")]);
        assert_eq!(out, "---json\r\n{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}\r\n---\r\nbody\r\n");
    }

    #[test]
    fn json_duplicate_keys_are_refused() {
        assert!(apply("{\"a\": 1, \"a\": 2}\n", &[set("a", "3")]).is_err());
    }

    #[test]
    fn numbers_and_booleans_are_typed_in_every_format() {
        for card in ["---\na: x\n---\n", "+++\na = \"x\"\n+++\n", "{\"a\": \"x\"}\n"] {
            for (text, value) in
                [("2", json!(2)), ("-1.5", json!(-1.5)), ("true", json!(true)), ("007", json!("007"))]
            {
                assert_eq!(fields_of(&edited(card, &[set("a", text)]))["a"], value, "{card:?} {text}");
            }
        }
    }

    #[test]
    fn text_values_stay_text_in_every_format_and_keep_comments() {
        let text = |value: &str| Edit::Set { key: "a".into(), value: EditValue::Text(value.into()) };
        let cards = [
            "---\na: x # why\nb: 1\n---\n",
            "+++\na = \"x\" # why\nb = 1\n+++\n",
            "{\"a\": \"x\", \"b\": 1}\n",
        ];
        for card in cards {
            for value in ["1984", "true", "3.14", "null", "", "a, b", "x]", "-1", "2026-11-23", "yes"] {
                let out = edited(card, &[text(value)]);
                assert_eq!(fields_of(&out)["a"], json!(value), "{card:?} {value}: {out}");
                assert_eq!(fields_of(&out)["b"], json!(1));
                if !card.starts_with('{') {
                    assert!(out.contains(" # why\n"), "{out}");
                }
            }
        }
        assert_eq!(edited("---\na: x # why\n---\n", &[text("1984")]), "---\na: \"1984\" # why\n---\n");
    }
}

/// Random cards, random hostile values: an edit changes the edited field's lines and
/// nothing else, and removing the field again gives back the card without those lines.
#[cfg(test)]
mod properties {
    use std::collections::HashSet;

    use proptest::collection::{btree_map, vec};
    use proptest::prelude::*;
    use proptest::sample::Index;

    use super::*;

    /// A generated card and, for each field, the bytes of its lines.
    #[derive(Debug, Clone)]
    struct Card {
        text: String,
        /// Key, lines, and the ` # comment` ending its one line if it has one.
        fields: Vec<(String, Range<usize>, Option<String>)>,
        /// Where a new field's line is expected to go.
        append_at: usize,
        eol: &'static str,
    }

    /// A key that is in the card (maybe typed in another case) or a new one.
    struct Target {
        typed: String,
        field: String,
        lines: Range<usize>,
        comment: Option<String>,
        is_new: bool,
    }

    fn key() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_]{0,5}"
    }

    fn word() -> impl Strategy<Value = String> {
        "[a-z]{1,8}"
    }

    fn tricky() -> impl Strategy<Value = String> {
        "[a-z :#\\-\\[\\]{},&*!|>%@'\"\\\\]{0,10}"
    }

    fn hostile_text() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(tests_hostile()).prop_map(String::from),
            2 => "[ -~]{0,12}",
            2 => "\\PC{0,8}",
            2 => "[\\x00-\\x1f\\x7f\u{85}\u{2028}\u{feff} a\"'\\\\:#\\-\\[\\],]{0,8}",
            1 => any::<i64>().prop_map(|n| n.to_string()),
            1 => any::<f64>().prop_map(|f| f.to_string()),
            1 => (any::<i16>(), 0u16..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        ]
    }

    fn tests_hostile() -> Vec<&'static str> {
        super::tests::HOSTILE_FOR_PROPERTIES.to_vec()
    }

    fn hostile_value() -> impl Strategy<Value = EditValue> {
        prop_oneof![
            3 => hostile_text().prop_map(EditValue::Scalar),
            1 => hostile_text().prop_map(EditValue::Text),
            1 => vec(hostile_text(), 0..4).prop_map(EditValue::List),
        ]
    }

    fn trivia() -> impl Strategy<Value = String> {
        prop_oneof!["# [ -~]{0,20}", Just(String::new())]
    }

    fn body() -> impl Strategy<Value = String> {
        "(\\PC|\n|\r\n|---\n){0,40}"
    }

    fn eol(crlf: bool) -> &'static str {
        if crlf { "\r\n" } else { "\n" }
    }

    /// What a value must read back as: text, unless it is a plain number or boolean.
    fn intended(format: Format, value: &EditValue) -> Value {
        match value {
            EditValue::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
            EditValue::Scalar(text) if is_typed(text) => {
                let typed = typed_value(format, text).expect("typed text has a value");
                assert!(typed.is_boolean() || text.parse::<f64>().is_ok_and(f64::is_finite), "{text}");
                typed
            }
            EditValue::Scalar(text) | EditValue::Text(text) => Value::String(text.clone()),
        }
    }

    fn parsed(text: &str) -> Result<Fields, TestCaseError> {
        let parsed = super::super::parse(strip_bom(text));
        match parsed.error {
            None => Ok(parsed.fields),
            Some(e) => Err(TestCaseError::fail(format!("does not parse: {e:?}\n{text}"))),
        }
    }

    fn target(card: &Card, pick: Index, existing: bool, upper: bool, new_key: String) -> Target {
        // A new key that clashes (in any case) with a field is that field.
        let clash = card.fields.iter().any(|(k, ..)| k.eq_ignore_ascii_case(&new_key));
        if existing && !card.fields.is_empty() || clash {
            let (field, lines, comment) = pick.get(&card.fields).clone();
            let typed = if upper { field.to_uppercase() } else { field.clone() };
            return Target { typed, field, lines, comment, is_new: false };
        }
        let lines = card.append_at..card.append_at;
        Target { typed: new_key.clone(), field: new_key, lines, comment: None, is_new: true }
    }

    /// (a)-(e) for a line-based format (YAML, TOML).
    fn check_line_edit(
        card: &Card,
        format: Format,
        target: &Target,
        value: EditValue,
    ) -> Result<(), TestCaseError> {
        let before = parsed(&card.text)?;
        let set = Edit::Set { key: target.typed.clone(), value: value.clone() };
        let after =
            apply(&card.text, &[set]).map_err(|e| TestCaseError::fail(format!("{e}\n{}", card.text)))?;
        // (a) it parses, (b) the field has its new value, (c) the others are unchanged.
        let fields = parsed(&after)?;
        prop_assert_eq!(fields.get(&target.field), Some(&intended(format, &value)), "{}", after);
        prop_assert_eq!(fields.len(), before.len() + usize::from(target.is_new));
        for (key, old) in &before {
            if *key != target.field {
                prop_assert_eq!(fields.get(key), Some(old), "`{}` changed\n{}", key, after);
            }
        }
        // (d) the change is one new line in place of the field's lines.
        let (head, tail) = (&card.text[..target.lines.start], &card.text[target.lines.end..]);
        prop_assert!(
            after.starts_with(head) && after.ends_with(tail),
            "outside the lines:\n{:?}\n{:?}",
            card.text,
            after
        );
        prop_assert!(after.len() >= head.len() + tail.len());
        let line = &after[head.len()..after.len() - tail.len()];
        prop_assert!(line.ends_with(card.eol) && line.matches('\n').count() == 1, "not one line: {:?}", line);
        if let Some(comment) = &target.comment {
            prop_assert!(line.trim_end().ends_with(comment.trim_end()), "comment lost: {:?}", line);
        }
        // (e) unsetting removes exactly those lines.
        let removed = apply(&after, &[Edit::Unset { key: target.typed.clone() }])
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(removed, format!("{head}{tail}"));
        Ok(())
    }

    // ---- YAML cards ----

    fn single_quoted(s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }

    fn double_quoted(s: &str) -> String {
        let escaped = s.replace('\\', "\\\\").replace('"', "\\\"").replace('\t', "\\t").replace('\n', "\\n");
        format!("\"{escaped}\"")
    }

    fn flow_item() -> impl Strategy<Value = String> {
        prop_oneof![
            word(),
            tricky().prop_map(|s| single_quoted(&s)),
            any::<i32>().prop_map(|n| n.to_string())
        ]
    }

    /// A YAML value: the rest of the key's line, the lines below it, and a trailing comment.
    fn yaml_value() -> impl Strategy<Value = (String, Vec<String>, Option<String>)> {
        let commented = (word(), "[a-z :#]{0,10}")
            .prop_map(|(w, c)| (format!(" {w} # {c}"), vec![], Some(format!("# {c}"))));
        let plain = prop_oneof![
            word().prop_map(|w| (format!(" {w}"), vec![])),
            any::<i64>().prop_map(|n| (format!(" {n}"), vec![])),
            (any::<i32>(), 0u16..1000).prop_map(|(a, b)| (format!(" {a}.{b}"), vec![])),
            tricky().prop_map(|s| (format!(" {}", single_quoted(&s)), vec![])),
            "[a-z :#\\-\\[\\]{},&*!|>%@'\"\\\\\t\n]{0,10}"
                .prop_map(|s| (format!(" {}", double_quoted(&s)), vec![])),
            vec(flow_item(), 0..4).prop_map(|items| (format!(" [{}]", items.join(", ")), vec![])),
            (vec(flow_item(), 1..4), any::<bool>()).prop_map(|(items, indented)| {
                let indent = if indented { "  " } else { "" };
                (String::new(), items.iter().map(|i| format!("{indent}- {i}")).collect())
            }),
            (prop::sample::select(vec!["|", "|-", ">", ">-"]), vec("[a-z#][a-z #:]{0,12}", 1..4)).prop_map(
                |(style, lines)| (format!(" {style}"), lines.iter().map(|l| format!("  {l}")).collect())
            ),
            btree_map(key(), word(), 1..3)
                .prop_map(|map| (String::new(), map.iter().map(|(k, v)| format!("  {k}: {v}")).collect())),
            Just((String::new(), vec![])),
        ];
        prop_oneof![5 => plain.prop_map(|(first, below)| (first, below, None)), 1 => commented]
    }

    prop_compose! {
        fn yaml_card()(
            entries in vec((key(), yaml_value(), vec(trivia(), 0..2)), 0..7),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            body in body(),
        ) -> Card {
            let eol = eol(crlf);
            let mut text = String::from(if bom { "\u{feff}---" } else { "---" });
            text.push_str(eol);
            let mut seen = HashSet::new();
            let mut fields = Vec::new();
            for (key, (first, below, comment), trivia) in entries {
                if !seen.insert(key.to_lowercase()) {
                    continue;
                }
                let start = text.len();
                text.push_str(&format!("{key}:{first}{eol}"));
                below.iter().for_each(|line| text.push_str(&format!("{line}{eol}")));
                fields.push((key, start..text.len(), comment));
                trivia.iter().for_each(|line| text.push_str(&format!("{line}{eol}")));
            }
            let append_at = text.len();
            text.push_str(&format!("---{eol}{body}"));
            Card { text, fields, append_at, eol }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn yaml_set_and_unset_touch_only_the_fields_lines(
            card in yaml_card(),
            pick in any::<Index>(),
            existing in any::<bool>(),
            upper in any::<bool>(),
            new_key in key(),
            value in hostile_value(),
        ) {
            let target = target(&card, pick, existing, upper, new_key);
            check_line_edit(&card, Format::Yaml, &target, value)?;
        }
    }

    // ---- TOML cards ----

    fn toml_scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,8}".prop_map(|s| toml_string(&s)),
            "[a-z :#\\[\\]{},\"]{0,10}".prop_map(|s| format!("'{s}'")),
            any::<i64>().prop_map(|n| n.to_string()),
            (any::<i32>(), 0u16..1000).prop_map(|(a, b)| format!("{a}.{b}")),
            any::<bool>().prop_map(|b| b.to_string()),
            (2000u16..2100, 1u8..13, 1u8..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        ]
    }

    /// A TOML value's lines: the first follows `key = `.
    fn toml_value() -> impl Strategy<Value = Vec<String>> {
        prop_oneof![
            3 => toml_scalar().prop_map(|s| vec![s]),
            1 => vec(toml_scalar(), 0..4).prop_map(|items| vec![format!("[{}]", items.join(", "))]),
            1 => (vec(toml_scalar(), 1..4), any::<bool>()).prop_map(|(items, comment)| {
                let mut lines = vec!["[".to_string()];
                lines.extend(items.iter().map(|i| format!("  {i},")));
                if comment {
                    lines.push("  # inside".into());
                }
                lines.push("]".into());
                lines
            }),
            1 => vec("[a-z #:\\[\\]=]{0,12}", 1..3).prop_map(|body| {
                let mut lines = vec!["\"\"\"".to_string()];
                lines.extend(body);
                lines.push("\"\"\"".into());
                lines
            }),
            1 => (word(), any::<i32>()).prop_map(|(w, n)| vec![format!("{{ x = {n}, y = \"{w}\" }}")]),
        ]
    }

    prop_compose! {
        fn toml_card()(
            entries in vec((key(), toml_value(), proptest::option::of("[a-z ]{0,8}"), vec(trivia(), 0..2)), 0..6),
            table in any::<bool>(),
            crlf in any::<bool>(),
            body in body(),
        ) -> Card {
            let eol = eol(crlf);
            let mut text = format!("+++{eol}");
            let content_start = text.len();
            let mut seen = HashSet::new();
            let mut fields = Vec::new();
            let mut append_at = None;
            for (key, mut lines, comment, trivia) in entries {
                if !seen.insert(key.to_lowercase()) {
                    continue;
                }
                let comment = comment.map(|c| format!("# {c}"));
                if let (Some(comment), Some(last)) = (&comment, lines.last_mut()) {
                    last.push_str(&format!("  {comment}"));
                }
                let start = text.len();
                text.push_str(&format!("{key} = {}{eol}", lines.join(eol)));
                fields.push((key, start..text.len(), comment));
                append_at = Some(text.len());
                trivia.iter().for_each(|line| text.push_str(&format!("{line}{eol}")));
            }
            let append_at = match (append_at, table) {
                (Some(at), _) => at,
                (None, true) => content_start,
                (None, false) => text.len(),
            };
            if table {
                text.push_str(&format!("[zz_extra]{eol}k = 1{eol}"));
            }
            text.push_str(&format!("+++{eol}{body}"));
            Card { text, fields, append_at, eol }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn toml_set_and_unset_touch_only_the_fields_lines(
            card in toml_card(),
            pick in any::<Index>(),
            existing in any::<bool>(),
            upper in any::<bool>(),
            new_key in key(),
            value in hostile_value(),
        ) {
            let target = target(&card, pick, existing, upper, new_key);
            check_line_edit(&card, Format::Toml, &target, value)?;
        }
    }

    // ---- JSON cards ----

    fn json_leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            "\\PC{0,8}".prop_map(Value::String),
            "[\\x00-\\x1f\"\\\\{}\\[\\],:]{0,6}".prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            3 => json_leaf(),
            1 => vec(json_leaf(), 0..3).prop_map(Value::Array),
            1 => btree_map(key(), json_leaf(), 0..3).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    }

    /// A value as written inside a pretty object (nested objects on their own lines).
    fn pretty_value(value: &Value, eol: &str) -> String {
        match value {
            Value::Object(map) if !map.is_empty() => {
                let members: Vec<String> =
                    map.iter().map(|(k, v)| format!("    {}: {v}", json_string(k))).collect();
                format!("{{{eol}{}{eol}  }}", members.join(&format!(",{eol}")))
            }
            other => other.to_string(),
        }
    }

    /// A JSON card and the byte range of each member's value.
    #[derive(Debug, Clone)]
    struct JsonCard {
        text: String,
        values: Vec<(String, Range<usize>)>,
        /// Where a new member goes: after the last value, or inside `{}`.
        append_at: usize,
    }

    prop_compose! {
        fn json_card()(
            members in vec((key(), json_value()), 0..6),
            pretty in any::<bool>(),
            fenced in any::<bool>(),
            crlf in any::<bool>(),
            body in body(),
        ) -> JsonCard {
            let eol = eol(crlf);
            let mut text = String::from(if fenced { "---json" } else { "" });
            if fenced {
                text.push_str(eol);
            }
            text.push('{');
            let open = text.len();
            let mut seen = HashSet::new();
            let mut values = Vec::new();
            for (key, value) in members {
                if !seen.insert(key.to_lowercase()) {
                    continue;
                }
                let separator = match (values.is_empty(), pretty) {
                    (true, true) => format!("{eol}  "),
                    (false, true) => format!(",{eol}  "),
                    (true, false) => String::new(),
                    (false, false) => ",".into(),
                };
                let written = if pretty { pretty_value(&value, eol) } else { value.to_string() };
                text.push_str(&format!("{separator}{}{}", json_string(&key), if pretty { ": " } else { ":" }));
                let start = text.len();
                text.push_str(&written);
                values.push((key, start..text.len()));
            }
            let append_at = values.last().map_or(open, |(_, range)| range.end);
            if pretty {
                text.push_str(eol);
            }
            text.push('}');
            text.push_str(eol);
            if fenced {
                text.push_str(&format!("---{eol}"));
            }
            text.push_str(&body);
            JsonCard { text, values, append_at }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn json_set_and_unset_touch_only_the_member(
            card in json_card(),
            pick in any::<Index>(),
            existing in any::<bool>(),
            new_key in key(),
            value in hostile_value(),
        ) {
            let before = parsed(&card.text)?;
            let clash = card.values.iter().any(|(k, _)| k.eq_ignore_ascii_case(&new_key));
            let (key, span, is_new) = if existing && !card.values.is_empty() || clash {
                let (key, span) = pick.get(&card.values).clone();
                (key, span, false)
            } else {
                (new_key, card.append_at..card.append_at, true)
            };
            let set = Edit::Set { key: key.clone(), value: value.clone() };
            let after = apply(&card.text, &[set]).map_err(|e| TestCaseError::fail(format!("{e}\n{}", card.text)))?;
            let fields = parsed(&after)?;
            prop_assert_eq!(fields.get(&key), Some(&intended(Format::Json, &value)));
            let mut expected = before.clone();
            expected.insert(key.clone(), intended(Format::Json, &value));
            prop_assert_eq!(&fields, &expected);
            // Only the value (or, for a new member, the text after the last value) changes.
            let (head, tail) = (&card.text[..span.start], &card.text[span.end..]);
            prop_assert!(after.starts_with(head) && after.ends_with(tail), "{:?}\n{:?}", card.text, after);
            let written = &after[head.len()..after.len() - tail.len()];
            prop_assert!(is_new || !written.contains('\n'), "{:?}", written);
            // Unsetting gives back the card without the member, changing only its lines and
            // the line of the comma it takes with it.
            let removed = apply(&after, &[Edit::Unset { key: key.clone() }]).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut without = before.clone();
            without.shift_remove(&key);
            prop_assert_eq!(parsed(&removed)?, without);
            if is_new {
                prop_assert_eq!(&removed, &card.text);
            } else {
                let index = card.values.iter().position(|(k, _)| *k == key).unwrap_or_default();
                let from = index.checked_sub(1).map_or(span.start, |i| card.values[i].1.end);
                let window = line_start(&card.text, from)..line_end(&card.text, span.end);
                let prefix = card.text.bytes().zip(removed.bytes()).take_while(|(a, b)| a == b).count();
                let suffix = card.text.bytes().rev().zip(removed.bytes().rev()).take_while(|(a, b)| a == b).count();
                prop_assert!(prefix >= window.start && card.text.len() - suffix.min(card.text.len() - prefix) <= window.end,
                    "changed outside {:?}: {:?} -> {:?}", window, card.text, removed);
            }
        }
    }
}
