//! Lossless frontmatter edits: change one field of a card and leave every other byte alone.
//!
//! `termdex set`, board moves and templates write into the user's own notes, so a round
//! trip through a serializer is not acceptable: it would drop comments, reflow lists,
//! requote values and reorder keys. Instead the byte span of the one top-level field being
//! changed is located (YAML through parser events, TOML through `toml_edit` spans, JSON with
//! a small scanner over text that already parsed), only those lines are rewritten, and the
//! result is parsed again and compared with what was meant before it is returned: an edit
//! that would change anything else, the body included, is refused rather than written.

//!
//! This file holds the edit itself (apply, then verify); the other files hold its parts:
//! `assign` reads `key=value` arguments, `render` writes a value in a card's format,
//! `lines` holds the line arithmetic the splices share, and `yaml`, `toml` and `json` each
//! find the bytes one field occupies in their format and say what replaces them.

mod assign;
mod json;
mod lines;
#[cfg(test)]
mod properties;
mod render;
#[cfg(test)]
mod tests;
mod toml;
mod yaml;

pub use assign::parse_assignment;
pub use render::render_scalar;

use std::ops::Range;

use super::{Block, Fence, Fields, Format, FrontmatterError, find, parse_block, strip_bom};
use assign::key_problem;
use lines::line_ending;
use render::{expected_value, render_value};

/// One change to a card's frontmatter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Give `key` this value; a card without the field gets it added at the end.
    Set { key: String, value: EditValue },
    /// Remove `key`; a card without the field is left as it is.
    Unset { key: String },
}

impl Edit {
    /// The field the edit is about.
    pub fn key(&self) -> &str {
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

impl EditError {
    /// What went wrong, without the advice for a card (`termdex edit`, `termdex check`),
    /// for a text that is not a card: a template being filled in.
    pub fn without_advice(&self) -> String {
        match self {
            EditError::Unparsable { line, message } => {
                format!("the frontmatter does not parse (line {line}: {message})")
            }
            EditError::Nested { key } => {
                format!("`{key}` names a nested field; only top-level fields can be set")
            }
            EditError::Unsupported { key, reason } => format!("can't change `{key}` in place: {reason}"),
            EditError::Layout { reason } => format!("this frontmatter can't be edited in place: {reason}"),
            EditError::Verification { reason } => format!("the result failed the safety check: {reason}"),
            other => other.to_string(),
        }
    }
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
        Format::Yaml => yaml::splice(content, fields, &request)?,
        Format::Toml => toml::splice(content, &request)?,
        Format::Json => json::splice(content, &request)?,
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
