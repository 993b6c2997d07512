//! TOML in place: a top-level `key = value` found through `toml_edit`'s spans, and where
//! a new one goes (before the first `[table]`).

use std::ops::Range;

use super::lines::{line_end, line_start, new_line_at};
use super::render::render_key;
use super::{EditError, Request, Splice, failed};
use crate::frontmatter::Format;

enum TomlEntry {
    /// A `key = value` line: the key's and the value's byte ranges.
    Value { key: Range<usize>, value: Range<usize> },
    /// A table, dotted keys or an array of tables: not one contiguous value.
    Other { why: &'static str },
}

pub(super) fn splice(content: &str, request: &Request) -> Result<Splice, EditError> {
    // The block already parsed with `toml`'s parser, which `toml_edit` shares; only a float
    // beyond 64 bits (`1e400`, a number to the reader) makes `toml_edit` refuse it.
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
