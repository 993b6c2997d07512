//! Running text as words and the spaces between them, and filling lines with it.
//!
//! Lines break at spaces; a word wider than the whole line is the only thing cut. Wide
//! (CJK) characters are words of their own, so text without spaces flows like a reader
//! expects it to, one character at a time, never half a character.

use unicode_width::UnicodeWidthChar;

use super::{Style, Styled, StyledLine};
use crate::output::is_unsafe;

/// One unit of running text.
#[derive(Debug, Clone)]
pub(super) enum Token {
    /// Characters that stay on one line together, in pieces of one style each.
    Word { pieces: Vec<Styled>, width: usize },
    /// A place to break; a space when the line does not break there.
    Space(Style),
    /// A line break the text asks for (a markdown hard break).
    Break,
}

/// The words of a paragraph, a heading or a table cell, as they arrive.
#[derive(Debug, Default)]
pub(super) struct Inline {
    pub tokens: Vec<Token>,
    /// The word being read: more text may join it.
    open: bool,
    /// Cells of text so far (a space counts one), and line breaks: how many lines this
    /// text can fill at most.
    cells: usize,
    breaks: usize,
    /// Lines of cells that text past would not be seen in (see [`Inline::fills`]).
    limit: Option<(usize, usize)>,
}

impl Inline {
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn take(&mut self) -> Vec<Token> {
        self.open = false;
        self.cells = 0;
        self.breaks = 0;
        std::mem::take(&mut self.tokens)
    }

    /// Text past what fills `lines` lines of `width` cells will not be seen: it is
    /// dropped (the TUI lays out a screenful of a long paragraph, not all of it).
    pub fn limit(&mut self, lines: usize, width: usize) {
        self.limit = Some((lines, width));
    }

    /// Whether the text so far fills more than the lines of the limit, however it wraps:
    /// each break ends a line, and a line holds at most its width in cells and the space
    /// it breaks at.
    pub fn full(&self) -> bool {
        self.limit.is_some_and(|(lines, width)| self.breaks.max(self.cells / (width + 1)) > lines)
    }

    /// Adds text: spaces, tabs and line ends separate words, control characters become
    /// `�` (as `clean_body` does), and a wide character stands alone.
    pub fn push_text(&mut self, text: &str, style: Style) {
        for c in text.chars() {
            if self.full() {
                return;
            }
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.push_space(style);
                continue;
            }
            let c = if is_unsafe(c) { char::REPLACEMENT_CHARACTER } else { c };
            let width = c.width().unwrap_or(0);
            if width > 1 {
                self.open = false;
            }
            self.push_char(c, width, style);
            if width > 1 {
                self.open = false;
            }
        }
    }

    /// Text that never breaks (a marker, a link's target in brackets), cleaned as `clean` does.
    pub fn push_word(&mut self, text: &str, style: Style) {
        for c in text.chars() {
            let c = match c {
                '\t' | '\n' | '\r' => ' ',
                c if is_unsafe(c) => char::REPLACEMENT_CHARACTER,
                c => c,
            };
            self.push_char(c, c.width().unwrap_or(0), style);
        }
    }

    /// A place to break; spaces in a row are one (as they are on the screen).
    pub fn push_space(&mut self, style: Style) {
        self.open = false;
        if !matches!(self.tokens.last(), Some(Token::Space(_))) {
            self.cells += 1;
            self.tokens.push(Token::Space(style));
        }
    }

    pub fn push_break(&mut self) {
        self.open = false;
        self.breaks += 1;
        self.tokens.push(Token::Break);
    }

    fn push_char(&mut self, c: char, char_width: usize, style: Style) {
        if !self.open {
            self.tokens.push(Token::Word { pieces: Vec::new(), width: 0 });
            self.open = true;
        }
        let Some(Token::Word { pieces, width }) = self.tokens.last_mut() else { return };
        *width += char_width;
        self.cells += char_width;
        match pieces.last_mut() {
            Some(last) if last.style == style => last.text.push(c),
            _ => pieces.push(Styled { text: c.to_string(), style }),
        }
    }
}

/// The width of the tokens on one line, as if nothing broke.
pub(super) fn natural_width(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .map(|t| match t {
            Token::Word { width, .. } => *width,
            Token::Space(_) => 1,
            Token::Break => 0,
        })
        .sum()
}

/// Lines of at most `width` cells (a wide character in a one-cell line still shows).
pub(super) fn fill(tokens: &[Token], width: usize) -> Vec<StyledLine> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = LineBuf::default();
    let mut space: Option<Style> = None;
    for token in tokens {
        match token {
            Token::Space(style) => {
                if line.width > 0 {
                    space = Some(*style);
                }
            }
            Token::Break => {
                lines.push(line.take());
                space = None;
            }
            Token::Word { pieces, width: w } => {
                let gap = usize::from(space.is_some());
                if line.width + gap + w <= width {
                    if let Some(style) = space {
                        line.push(" ", style, 1);
                    }
                    line.extend(pieces, *w);
                } else if *w <= width {
                    lines.push(line.take());
                    line.extend(pieces, *w);
                } else {
                    if line.width > 0 {
                        lines.push(line.take());
                    }
                    split_word(pieces, width, &mut lines, &mut line);
                }
                space = None;
            }
        }
    }
    if line.width > 0 || lines.is_empty() {
        lines.push(line.take());
    }
    lines
}

/// A word wider than a line, cut into lines; the last part stays open for more words.
fn split_word(pieces: &[Styled], width: usize, lines: &mut Vec<StyledLine>, line: &mut LineBuf) {
    for piece in pieces {
        for c in piece.text.chars() {
            let w = c.width().unwrap_or(0);
            if line.width + w > width && line.width > 0 {
                lines.push(line.take());
            }
            let mut buf = [0; 4];
            line.push(c.encode_utf8(&mut buf), piece.style, w);
        }
    }
}

/// Text cut into lines of at most `width` cells, character by character (code).
pub(super) fn hard_wrap(text: &str, width: usize, style: Style) -> Vec<StyledLine> {
    let mut lines = Vec::new();
    let mut line = LineBuf::default();
    split_word(&[Styled { text: text.to_string(), style }], width.max(1), &mut lines, &mut line);
    lines.push(line.take());
    lines
}

#[derive(Default)]
struct LineBuf {
    spans: StyledLine,
    width: usize,
}

impl LineBuf {
    fn push(&mut self, text: &str, style: Style, width: usize) {
        self.width += width;
        match self.spans.last_mut() {
            Some(last) if last.style == style => last.text.push_str(text),
            _ => self.spans.push(Styled { text: text.to_string(), style }),
        }
    }

    fn extend(&mut self, pieces: &[Styled], width: usize) {
        for piece in pieces {
            self.push(&piece.text, piece.style, 0);
        }
        self.width += width;
    }

    fn take(&mut self) -> StyledLine {
        self.width = 0;
        std::mem::take(&mut self.spans)
    }
}
