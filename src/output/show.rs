//! One card rendered for reading: the `termdex show` view and fzf's preview window.

use serde_json::Value;

use crate::frontmatter::Fields;
use crate::index::{BadFields, CardRow};

use super::ansi::{BOLD, CYAN, DIM, RED, RESET};
use super::format::{clean, is_unsafe, value_text};
use super::markdown::{self, Style, StyledLine, Tone};

/// How a card's body is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The text as written, neutralised (into a pipe, with `--color never` or `NO_COLOR`).
    Plain,
    /// Markdown laid out for reading, in colour, wrapped to `width` cells (`None`: never
    /// wrapped).
    Rendered { width: Option<usize> },
}

/// Title, path, fields (`key: value`, nested maps as dotted keys), any error, then the body.
/// Control characters are neutralized; a plain body keeps its line breaks and tabs.
pub fn render_card(card: &CardRow, shown_path: &str, body: &str, look: Look) -> Result<String, BadFields> {
    let color = matches!(look, Look::Rendered { .. });
    let paint = |code: &str, text: &str| {
        if color { format!("{code}{text}{RESET}") } else { text.to_string() }
    };
    let mut out = String::new();
    out.push_str(&paint(BOLD, &clean(&card.title)));
    out.push('\n');
    out.push_str(&paint(DIM, &clean(shown_path)));
    out.push('\n');
    let lines = field_lines(&card.fields()?);
    if !lines.is_empty() {
        out.push('\n');
        for (key, value) in lines {
            out.push_str(&format!("{}: {}\n", paint(CYAN, &clean(&key)), clean(&value)));
        }
    }
    if let Some(error) = &card.error {
        let line = card.error_line.unwrap_or(1);
        out.push_str(&format!(
            "\n{}\n",
            paint(RED, &format!("frontmatter error, line {line}: {}", clean(error)))
        ));
    }
    if !body.trim().is_empty() {
        out.push('\n');
        match look {
            Look::Plain => {
                out.push_str(&clean_body(body.trim_start_matches(['\n', '\r'])));
                if !body.ends_with('\n') {
                    out.push('\n');
                }
            }
            Look::Rendered { width } => {
                for line in markdown::render(body, width, usize::MAX) {
                    out.push_str(&ansi_line(&line));
                    out.push('\n');
                }
            }
        }
    }
    // The index holds only the start of a large card: said where the text stops, so that
    // the cut is not taken for the card's end.
    if card.truncated {
        if body.trim().is_empty() {
            out.push('\n');
        }
        out.push_str(&paint(RED, &truncated_marker()));
        out.push('\n');
    }
    Ok(out)
}

/// The line that ends the shown text of a card larger than the index reads.
pub fn truncated_marker() -> String {
    format!(
        "[… truncated: the card is larger than {} MiB, which is all termdex reads of it; \
         termdex show --raw prints the whole file, termdex edit opens it]",
        crate::scan::MAX_CARD_BYTES >> 20
    )
}

/// A rendered line with SGR escapes around each styled run.
pub fn ansi_line(line: &StyledLine) -> String {
    let mut out = String::new();
    for span in line {
        let codes = sgr(span.style);
        if codes.is_empty() {
            out.push_str(&span.text);
        } else {
            out.push_str(&format!("\x1b[{codes}m{}{RESET}", span.text));
        }
    }
    out
}

/// The SGR parameters of a style: `1;36`, or empty for plain text.
fn sgr(style: Style) -> String {
    let mut codes: Vec<&str> = Vec::new();
    let tone = match style.tone {
        Tone::Text => None,
        Tone::Heading => Some("35"),
        Tone::Code => Some("33"),
        Tone::Link => Some("34"),
        Tone::Dim => Some("2"),
    };
    for (on, code) in [(style.bold, "1"), (style.italic, "3"), (style.underline, "4"), (style.strike, "9")] {
        if on {
            codes.push(code);
        }
    }
    codes.extend(tone);
    codes.join(";")
}

/// Fields as `(key, value)` lines for reading: nested maps as dotted keys, lists joined.
pub fn field_lines(fields: &Fields) -> Vec<(String, String)> {
    let mut out = Vec::new();
    push_field_lines("", fields, &mut out);
    out
}

fn push_field_lines(prefix: &str, fields: &Fields, out: &mut Vec<(String, String)>) {
    for (key, value) in fields {
        let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            Value::Object(inner) if !inner.is_empty() => push_field_lines(&key, inner, out),
            other => out.push((key, value_text(other))),
        }
    }
}

/// Body text for a terminal: line breaks and tabs kept, other control characters (ESC,
/// carriage returns that would overwrite a line) and bidi overrides replaced.
pub fn clean_body(body: &str) -> String {
    body.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if is_unsafe(c) => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_keep_lines_and_tabs_and_lose_escapes() {
        assert_eq!(clean_body("a\r\n\tb\x1b[2J\u{202e}c\rd"), "a\n\tb\u{fffd}[2J\u{fffd}c\u{fffd}d");
    }
}
