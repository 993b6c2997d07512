//! Frontmatter: finding the block at the top of a card and turning it into fields.
//!
//! Fence detection and line numbering are done here by hand rather than by a generic
//! front-matter crate, because a card must survive being malformed: a BOM, CRLF line ends,
//! an unclosed fence or a syntax error all have to come back as a precise `line: reason`
//! while the rest of the card (title, body) is still indexed.

mod edit;
mod fence;
mod number;
mod toml_fields;
mod yaml;

pub use edit::{Edit, EditError, EditValue, apply, parse_assignment, render_scalar};
pub use fence::{Block, Fence, find};

use serde_json::{Map, Value};

use crate::value::{Decimal, NotDecimal};

/// A card's fields, in the order they were written.
pub type Fields = Map<String, Value>;

/// The syntax a frontmatter block is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Toml => "toml",
            Format::Json => "json",
        }
    }
}

/// Why a card's frontmatter could not be read, and where (1-based line in the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontmatterError {
    pub line: usize,
    pub message: String,
}

/// The outcome of reading a card's text: always a body, fields when they parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub format: Option<Format>,
    pub fields: Fields,
    /// Byte offset in the (BOM-stripped) text where the body starts.
    pub body_start: usize,
    /// Why the frontmatter did not parse (then `fields` is empty), or the first value in
    /// it written as a number that termdex cannot compare (`.inf`, TOML's `nan`), which
    /// the fields hold as text.
    pub error: Option<FrontmatterError>,
}

/// Strips a leading UTF-8 byte order mark, which editors on Windows like to add.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Reads the frontmatter of a card whose BOM has already been stripped.
pub fn parse(text: &str) -> Parsed {
    match find(text) {
        Fence::None => Parsed { format: None, fields: Fields::new(), body_start: 0, error: None },
        Fence::Unclosed { format, line, fence } => Parsed {
            format: Some(format),
            fields: Fields::new(),
            body_start: 0,
            error: Some(FrontmatterError {
                line,
                message: format!(
                    "frontmatter opened with `{fence}` is never closed (add a closing `{}` line, or remove the opening one)",
                    closing_fence(format, fence)
                ),
            }),
        },
        Fence::Broken(error) => {
            Parsed { format: Some(Format::Json), fields: Fields::new(), body_start: 0, error: Some(error) }
        }
        Fence::Block(block) => {
            let content = &text[block.content.clone()];
            let (fields, error) = match read_block(block.format, content, block.content_line) {
                Ok(read) => read,
                Err(e) => (Fields::new(), Some(e)),
            };
            Parsed { format: Some(block.format), fields, body_start: block.body_start, error }
        }
    }
}

/// The 1-based file line on which `key` is written in a card's frontmatter, found in the
/// text (YAML `key:`, TOML `key =` or `[key]`, JSON `"key":`), in any letter case; a
/// dotted key (`author.name`) is found part by part, each after the one before. `None`
/// without a frontmatter block or when the key is not written there as such.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    let text = strip_bom(text);
    let Fence::Block(block) = find(text) else {
        return None;
    };
    let lines: Vec<&str> = text[block.content.clone()].lines().collect();
    let find_from = |start: usize, name: &str| (start..lines.len()).find(|&i| names_key(lines[i], name));
    let at = outermost(&lines, key)
        .or_else(|| {
            key.split('.').try_fold(None, |after: Option<usize>, part| {
                find_from(after.map_or(0, |i| i + 1), part).map(Some)
            })?
        })
        .or_else(|| lines.iter().position(|line| quoted_key_in(line, key)))?;
    Some(block.content_line + at)
}

/// The line of the least indented entry `key` (the first of those): a top-level field,
/// not a nested one of the same name or a line of a block of text that reads like one
/// (`description: |` then `  parent: x`).
fn outermost(lines: &[&str], key: &str) -> Option<usize> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    (0..lines.len()).filter(|&i| names_key(lines[i], key)).min_by_key(|&i| indent(lines[i]))
}

/// Whether `line` holds `"key":` anywhere (letter case aside): a JSON object written on
/// one line.
fn quoted_key_in(line: &str, key: &str) -> bool {
    let (line, quoted) = (line.to_lowercase(), format!("\"{}\"", key.to_lowercase()));
    line.match_indices(&quoted).any(|(at, _)| line[at + quoted.len()..].trim_start().starts_with(':'))
}

/// Whether a frontmatter line starts the entry `name` (any letter case, maybe quoted).
fn names_key(line: &str, name: &str) -> bool {
    let line = line.trim_start();
    if let Some(header) = line.strip_prefix('[') {
        let header = header.trim_end().trim_end_matches(']').trim();
        return header.rsplit('.').next().is_some_and(|last| same_text(last.trim_matches('"'), name));
    }
    let quote = line.chars().next().filter(|c| matches!(c, '"' | '\''));
    let rest = quote.map_or(line, |q| &line[q.len_utf8()..]);
    let count = name.chars().count();
    let end = rest.char_indices().nth(count).map_or(rest.len(), |(i, _)| i);
    if !same_text(&rest[..end], name) {
        return false;
    }
    let after = &rest[end..];
    let after = match quote {
        Some(q) => match after.strip_prefix(q) {
            Some(after) => after,
            None => return false,
        },
        None => after,
    };
    after.trim_start().starts_with([':', '='])
}

fn same_text(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

fn closing_fence(format: Format, opening: &str) -> &'static str {
    match (format, opening) {
        (Format::Toml, _) => "+++",
        (Format::Json, "{") => "}",
        _ => "---",
    }
}

/// Parses the text between the fences; `first_line` is the file line the text starts on,
/// so that errors point into the file rather than into the block. Values written as
/// numbers that termdex cannot compare are text here, unreported ([`parse`] reports them).
pub fn parse_block(format: Format, content: &str, first_line: usize) -> Result<Fields, FrontmatterError> {
    read_block(format, content, first_line).map(|(fields, _)| fields)
}

/// [`parse_block`], with the first value written as a number termdex cannot compare.
fn read_block(
    format: Format,
    content: &str,
    first_line: usize,
) -> Result<(Fields, Option<FrontmatterError>), FrontmatterError> {
    // A parser that runs off the end of the block reports the line after it, which in the
    // file is the closing fence; the mistake is on the block's last line.
    let last_line = first_line + content.lines().count().max(1) - 1;
    let at = |(line, message): (usize, String)| FrontmatterError {
        line: (first_line + line.saturating_sub(1)).min(last_line),
        message,
    };
    let (value, not_a_number) = match format {
        Format::Yaml => yaml::parse(content).map_err(at)?,
        Format::Toml => toml_fields::parse(content).map_err(at)?,
        Format::Json => (parse_json(content, first_line, last_line)?, None),
    };
    let fields = match value {
        Value::Object(map) => map,
        Value::Null => Fields::new(),
        other => {
            return Err(FrontmatterError {
                line: first_line,
                message: format!(
                    "frontmatter must be a map of `key: value` fields, found {}",
                    describe(&other)
                ),
            });
        }
    };
    Ok((fields, not_a_number.map(at)))
}

/// JSON numbers keep their digits (serde_json's `arbitrary_precision`): a 30-digit id
/// or `1e400` is a number. Only a number termdex cannot compare is refused, by name.
fn parse_json(content: &str, first_line: usize, last_line: usize) -> Result<Value, FrontmatterError> {
    let value = serde_json::from_str::<Value>(content).map_err(|e| FrontmatterError {
        line: (first_line + e.line().saturating_sub(1)).min(last_line),
        message: format!("invalid JSON: {}", strip_position(&e.to_string())),
    })?;
    match out_of_range(&value) {
        None => Ok(value),
        Some(number) => Err(FrontmatterError {
            line: (first_line + line_of_number(content, number)).min(last_line),
            message: format!(
                "the number `{number}` is out of range: termdex compares numbers with exponents up to \
                 ±10^18; quote it (\"{number}\") to keep it as text"
            ),
        }),
    }
}

/// The first number in `value` beyond [`crate::value::MAX_EXPONENT`], as serde_json keeps it.
fn out_of_range(value: &Value) -> Option<&str> {
    match value {
        // Only an exponent can take a number out of range: the rest are skipped unread.
        Value::Number(n) => (n.as_str().contains('e')
            && Decimal::parse(n.as_str()) == Err(NotDecimal::OutOfRange))
        .then_some(n.as_str()),
        Value::Array(items) => items.iter().find_map(out_of_range),
        Value::Object(map) => map.values().find_map(out_of_range),
        _ => None,
    }
}

/// The 0-based line of the block on which `number` is written; serde_json writes a
/// positive exponent with a `+` that the text may not have.
fn line_of_number(content: &str, number: &str) -> usize {
    let bare = number.replacen("e+", "e", 1);
    let lower = content.to_ascii_lowercase();
    let at = lower.find(number).or_else(|| lower.find(&bare)).unwrap_or(0);
    content[..at].matches('\n').count()
}

/// serde_json appends " at line X column Y"; we report the file line ourselves.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a single text value",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_of_a_key_in_each_syntax_is_the_fields_own() {
        assert_eq!(key_line("---\ntitle: x\nparent: \"[[P]]\"\n---\n", "parent"), Some(3));
        assert_eq!(key_line("+++\nparent = \"P\"\n+++\n", "parent"), Some(2));
        assert_eq!(key_line("{\"title\": \"x\",\n \"parent\": \"P\"}\n", "parent"), Some(2));
        assert_eq!(key_line("---\nparents: x\nparent_of: y\n---\n", "parent"), None, "other keys");
        // Not a nested key of the same name, nor a line of text that reads like one.
        assert_eq!(key_line("---\nmeta:\n  parent: x\nparent: y\n---\n", "parent"), Some(4));
        assert_eq!(key_line("---\ndescription: |\n  parent: fake\nparent: y\n---\n", "parent"), Some(4));
        // A JSON object on one line.
        assert_eq!(key_line("---json\n{\"title\": \"J\", \"parent\": \"n\"}\n---\n", "parent"), Some(2));
    }

    #[test]
    fn yaml_error_line_counts_from_the_file_start() {
        let text = "---\ntitle: ok\ntags: [a, b\n---\nbody\n";
        let parsed = parse(text);
        let err = parsed.error.expect("error");
        assert_eq!(err.line, 3, "{err:?}");
        assert_eq!(&text[parsed.body_start..], "body\n");
    }

    #[test]
    fn toml_error_line_counts_from_the_file_start() {
        let text = "+++\ntitle = \"ok\"\nbroken = \n+++\n";
        let err = parse(text).error.expect("error");
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.starts_with("invalid TOML"), "{err:?}");
    }

    #[test]
    fn json_error_line_counts_from_the_file_start() {
        let text = "---json\n{\n  \"title\": \"x\",\n  \"a\": nope\n}\n---\n";
        let err = parse(text).error.expect("error");
        assert_eq!(err.line, 4, "{err:?}");
    }

    #[test]
    fn json_numbers_keep_their_digits_and_only_the_unrepresentable_are_refused() {
        let parsed =
            parse("{\"id\": 123456789012345678901234567890,\n \"big\": 1e400, \"small\": -1E-400}\n");
        assert_eq!(parsed.error, None);
        assert_eq!(parsed.fields["id"].to_string(), "123456789012345678901234567890");
        assert_eq!(parsed.fields["big"].to_string(), "1e+400");
        assert_eq!(parsed.fields["small"].to_string(), "-1e-400", "serde_json writes `e`");
        let err = parse("---json\n{\n  \"a\": 1,\n  \"b\": [2, 1e99999999999999999999]\n}\n---\n")
            .error
            .expect("error");
        assert_eq!(
            (err.line, err.message.as_str()),
            (
                4,
                "the number `1e+99999999999999999999` is out of range: termdex compares numbers with \
                 exponents up to ±10^18; quote it (\"1e+99999999999999999999\") to keep it as text"
            )
        );
    }

    #[test]
    fn toml_numbers_too_large_for_toml_are_named() {
        let err = parse("+++\na = 1\nid = 123456789012345678901234567890\n+++\n").error.expect("error");
        assert_eq!(
            (err.line, err.message.as_str()),
            (
                3,
                "the number `123456789012345678901234567890` is too large for TOML (integers up to \
                 9223372036854775807); quote it (\"123456789012345678901234567890\") to keep it as text"
            )
        );
        let parsed = parse("+++\nx = [1, 1e400]\n+++\n");
        assert_eq!(
            (parsed.error, parsed.fields["x"].to_string()),
            (None, "[1,1e+400]".into()),
            "a float is a number"
        );
        let err = parse("+++\nx = 007\n+++\n").error.expect("error");
        assert!(err.message.starts_with("invalid TOML"), "other number errors are TOML's: {err:?}");
        assert_eq!(
            parse("+++\nx = 9223372036854775807\n+++\n").fields["x"].to_string(),
            "9223372036854775807"
        );
    }

    #[test]
    fn numbers_termdex_cannot_compare_keep_the_fields_and_are_the_cards_error() {
        for (text, line, shown) in [
            ("---\ntitle: x\np: .inf\n---\nbody\n", 3, ".inf"),
            ("+++\ntitle = \"x\"\n\np = nan\n+++\nbody\n", 4, "nan"),
        ] {
            let parsed = parse(text);
            assert_eq!(parsed.fields["title"], Value::String("x".into()), "{text}");
            assert_eq!(parsed.fields["p"], Value::String(shown.into()), "{text}");
            let message = format!(
                "p: {shown} is not a number termdex can compare (write it as text in quotes, or a finite number)"
            );
            assert_eq!(parsed.error, Some(FrontmatterError { line, message }), "{text}");
            let block = find(text);
            let Fence::Block(block) = block else { panic!("a block") };
            let fields = parse_block(block.format, &text[block.content.clone()], block.content_line);
            assert_eq!(
                fields.as_ref().map(|f| &f["p"]),
                Ok(&Value::String(shown.into())),
                "edits read it as text"
            );
        }
    }

    #[test]
    fn a_list_is_not_frontmatter() {
        let err = parse("---\n- a\n- b\n---\n").error.expect("error");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("found a list"), "{err:?}");
    }

    #[test]
    fn key_lines_are_found_in_every_format_in_any_case() {
        let yaml = "---\ntitle: x\nStatus: wip\nauthor:\n  name: Ada\n---\nstatus: body\n";
        assert_eq!(key_line(yaml, "status"), Some(3));
        assert_eq!(key_line(yaml, "author.name"), Some(5));
        assert_eq!(key_line(yaml, "missing"), None);
        assert_eq!(
            key_line(
                "\u{feff}+++\na = 1\n\"Status\" = \"wip\"\n[author]\nname = \"A\"\n+++\n",
                "author.name"
            ),
            Some(5)
        );
        assert_eq!(key_line("+++\na = 1\nstatus = \"wip\"\n+++\n", "status"), Some(3));
        assert_eq!(key_line("{\n  \"n\": 1,\n  \"status\" : \"wip\"\n}\n", "status"), Some(3));
        assert_eq!(key_line("---\nstatuses: [a]\n---\n", "status"), None);
        assert_eq!(key_line("no frontmatter\nstatus: x\n", "status"), None);
    }

    #[test]
    fn toml_keeps_key_order_and_dates_become_iso_text() {
        let parsed = parse("+++\nz = 1\na = 1979-05-27\nm = [1, 2]\n+++\n");
        let keys: Vec<_> = parsed.fields.keys().cloned().collect();
        assert_eq!(keys, ["z", "a", "m"]);
        assert_eq!(parsed.fields["a"], Value::String("1979-05-27".into()));
    }
}
