//! YAML in place: the lines each top-level field occupies, found through the parser's own
//! events, and the one line that replaces a field (its key, spacing and comment kept).

use std::ops::Range;

use serde_json::Value;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::lines::{eol_of, line_end, line_starts, new_line_at, strip_eol};
use super::render::render_key;
use super::{EditError, Request, Splice, failed, layout};
use crate::frontmatter::{Fields, Format, parse_block};

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

pub(super) fn splice(content: &str, fields: &Fields, request: &Request) -> Result<Splice, EditError> {
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
