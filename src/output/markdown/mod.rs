//! A card's body for reading: markdown laid out as lines of styled text for a given
//! width, as plain data. The TUI turns the lines into ratatui's, `show` into ANSI
//! escapes; neither needs to know markdown.
//!
//! What a reader sees: headings (`##` dimmed before the bold text), emphasis, strong,
//! strikethrough, inline code, fenced and indented code blocks indented by four and never
//! re-flowed (a line wider than the pane is cut into several, character by character),
//! lists with bullets or numbers and hanging indents, task boxes `[ ]` / `[x]`, block
//! quotes behind `│`, links as their text then the target dimmed in brackets (wiki links
//! as their text), images as their alt text and target, rules, tables with columns
//! aligned, and footnotes. Paragraphs wrap at spaces; a word wider than the line is the
//! only thing cut. Every character of the card passes through the same neutralising as
//! `clean_body`: control characters and bidi overrides become `�`, escapes never reach
//! the terminal — entities like `&#27;` included, since they are decoded first.

mod blocks;
mod inline;
mod table;

use pulldown_cmark::{Options, Parser};

use blocks::Renderer;

/// What a piece of text is, for the front end to colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Tone {
    #[default]
    Text,
    Heading,
    Code,
    Link,
    /// Markup a reader needs less: bullets, quote bars, link targets, rules, table lines.
    Dim,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub tone: Tone,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub strike: bool,
}

impl Style {
    pub const DIM: Style =
        Style { tone: Tone::Dim, bold: false, italic: false, underline: false, strike: false };

    fn bold(self) -> Style {
        Style { bold: true, ..self }
    }
}

/// A run of text in one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Styled {
    pub text: String,
    pub style: Style,
}

impl Styled {
    fn new(text: impl Into<String>, style: Style) -> Styled {
        Styled { text: text.into(), style }
    }
}

/// One line on the screen, no wider than the width asked for.
pub type StyledLine = Vec<Styled>;

/// A rule is as wide as the text, up to this.
const RULE_MAX: usize = 80;

/// `body` laid out for `width` cells (`None`: lines are never wrapped), the first
/// `max_lines` lines only: the TUI asks for a screenful and parsing stops there.
pub fn render(body: &str, width: Option<usize>, max_lines: usize) -> Vec<StyledLine> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS;
    // Unbounded, but small enough that widths added up never overflow.
    let width = width.unwrap_or(usize::MAX / 4).max(1);
    let mut renderer = Renderer::new(width, max_lines);
    for event in Parser::new_ext(body, options) {
        if renderer.out.len() >= max_lines {
            break;
        }
        renderer.event(event);
    }
    renderer.flush_inline();
    let mut out = renderer.out;
    out.truncate(max_lines);
    out
}

/// Neighbouring runs of one style as one (nested quotes' bars, say).
fn merged(line: StyledLine) -> StyledLine {
    let mut out: StyledLine = Vec::with_capacity(line.len());
    for span in line {
        match out.last_mut() {
            Some(last) if last.style == span.style => last.text.push_str(&span.text),
            _ if span.text.is_empty() => {}
            _ => out.push(span),
        }
    }
    out
}

/// Spaces at the end of a line are dropped (a quote's bar on a blank line stays).
fn trim_end(line: &mut StyledLine) {
    while let Some(last) = line.last_mut() {
        let kept = last.text.trim_end_matches(' ').len();
        if kept > 0 {
            last.text.truncate(kept);
            return;
        }
        line.pop();
    }
}

#[cfg(test)]
mod tests;
