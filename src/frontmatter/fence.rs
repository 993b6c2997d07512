//! Where a frontmatter block starts and ends, with byte ranges and line numbers.
//!
//! Byte ranges are what later lets `set` rewrite one key and keep every other byte;
//! line numbers are what lets `check` say `path:line: reason`.

use std::ops::Range;

use super::{Format, FrontmatterError};

/// A closed frontmatter block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub format: Format,
    /// Byte range of the opening fence line, line end included (empty for a bare JSON object).
    pub open: Range<usize>,
    /// Byte range of the text between the fences.
    pub content: Range<usize>,
    /// 1-based file line on which `content` starts.
    pub content_line: usize,
    /// Byte range of the closing fence line, line end included (empty for a bare JSON object).
    pub close: Range<usize>,
    /// Where the body starts.
    pub body_start: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fence {
    /// The card has no frontmatter; all of it is body.
    None,
    Block(Block),
    /// An opening fence on `line` with no closing one.
    Unclosed {
        format: Format,
        line: usize,
        fence: &'static str,
    },
    /// A leading JSON object that does not parse, so its end is unknown.
    Broken(FrontmatterError),
}

/// Finds the frontmatter block at the top of `text` (BOM already stripped).
pub fn find(text: &str) -> Fence {
    let first = first_line(text);
    if text.starts_with('{') && looks_like_json_object(text) {
        return leading_json(text);
    }
    let (format, fence, closers): (Format, &'static str, &[&str]) = match first.trimmed {
        "---" | "---yaml" | "---yml" => (Format::Yaml, "---", &["---", "..."]),
        "---json" => (Format::Json, "---json", &["---"]),
        "---toml" => (Format::Toml, "---toml", &["---"]),
        "+++" => (Format::Toml, "+++", &["+++"]),
        _ => return Fence::None,
    };
    let content_start = first.end;
    let mut pos = content_start;
    while pos < text.len() {
        let line = line_at(text, pos);
        if closers.contains(&line.trimmed) {
            return Fence::Block(Block {
                format,
                open: 0..content_start,
                content: content_start..pos,
                content_line: 2,
                close: pos..line.end,
                body_start: line.end,
            });
        }
        pos = line.end;
    }
    Fence::Unclosed { format, line: 1, fence }
}

struct Line<'a> {
    /// The line without its end, trailing blanks and `\r`.
    trimmed: &'a str,
    /// Byte offset just past the line's `\n` (or the end of the text).
    end: usize,
}

fn first_line(text: &str) -> Line<'_> {
    line_at(text, 0)
}

fn line_at(text: &str, start: usize) -> Line<'_> {
    let rest = &text[start..];
    let (line, end) = match rest.find('\n') {
        Some(i) => (&rest[..i], start + i + 1),
        None => (rest, text.len()),
    };
    Line { trimmed: line.trim_end_matches([' ', '\t', '\r']), end }
}

/// `{{ template }}` or `{#id}` openings are not JSON frontmatter; `{` then a key or a blank is.
fn looks_like_json_object(text: &str) -> bool {
    matches!(text[1..].trim_start_matches([' ', '\t', '\r', '\n']).chars().next(), Some('"') | Some('}'))
}

fn leading_json(text: &str) -> Fence {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    match stream.next() {
        Some(Ok(_)) => {
            let end = stream.byte_offset();
            let rest = line_at(text, end);
            // Whatever follows the closing brace on its line is body, unless it is blank.
            let body_start = if rest.trimmed.trim().is_empty() { rest.end } else { end };
            Fence::Block(Block {
                format: Format::Json,
                open: 0..0,
                content: 0..end,
                content_line: 1,
                close: end..end,
                body_start,
            })
        }
        Some(Err(e)) if e.is_eof() => Fence::Unclosed { format: Format::Json, line: 1, fence: "{" },
        Some(Err(e)) => Fence::Broken(FrontmatterError {
            line: e.line().max(1),
            message: format!("invalid JSON: {}", super::strip_position(&e.to_string())),
        }),
        None => Fence::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(text: &str) -> Block {
        match find(text) {
            Fence::Block(b) => b,
            other => panic!("expected a block, got {other:?}"),
        }
    }

    #[test]
    fn yaml_block_ranges() {
        let text = "---\na: 1\n---\nbody";
        let b = block(text);
        assert_eq!(&text[b.content.clone()], "a: 1\n");
        assert_eq!(&text[b.close.clone()], "---\n");
        assert_eq!(&text[b.body_start..], "body");
    }

    #[test]
    fn crlf_and_trailing_blanks_on_fences() {
        let text = "--- \r\na: 1\r\n---\r\nbody\r\n";
        let b = block(text);
        assert_eq!(&text[b.content.clone()], "a: 1\r\n");
        assert_eq!(&text[b.body_start..], "body\r\n");
    }

    #[test]
    fn yaml_may_close_with_dots_and_at_end_of_file() {
        let b = block("---\na: 1\n...");
        assert_eq!(b.body_start, 12);
    }

    #[test]
    fn toml_and_json_fences() {
        assert_eq!(block("+++\na = 1\n+++\n").format, Format::Toml);
        assert_eq!(block("---json\n{}\n---\n").format, Format::Json);
    }

    #[test]
    fn leading_json_object() {
        let text = "{\"a\": {\"b\": \"}\"}}\n# Body";
        let b = block(text);
        assert_eq!(b.format, Format::Json);
        assert_eq!(&text[b.body_start..], "# Body");
    }

    #[test]
    fn unclosed_fences_report_the_opening_line() {
        assert_eq!(find("---\na: 1\n"), Fence::Unclosed { format: Format::Yaml, line: 1, fence: "---" });
        assert_eq!(find("{\"a\": 1\n"), Fence::Unclosed { format: Format::Json, line: 1, fence: "{" });
    }

    #[test]
    fn not_frontmatter() {
        assert_eq!(find("# Title\n---\n"), Fence::None);
        assert_eq!(find("----\n"), Fence::None);
        assert_eq!(find("{{ template }}\n"), Fence::None);
        assert_eq!(find(""), Fence::None);
    }
}
