//! Tables with their columns aligned by display width.
//!
//! A table that fits is drawn as it is, columns apart by ` │ ` and the header ruled off.
//! One too wide shrinks its widest columns, whose cells then wrap inside them; when even
//! narrow columns cannot fit, each row is shown as `header: value` lines instead.

use pulldown_cmark::Alignment;
use unicode_width::UnicodeWidthStr;

use super::inline::{Token, fill, natural_width};
use super::{Style, Styled, StyledLine, trim_end};

/// Columns are not shrunk below this (or their natural width, if less).
const MIN_COLUMN: usize = 6;
const SEPARATOR: &str = " │ ";

pub(super) struct Table {
    alignments: Vec<Alignment>,
    /// The header row first, then the body's.
    rows: Vec<Vec<Vec<Token>>>,
    /// Rows past the lines wanted are not kept.
    full: bool,
}

impl Table {
    pub fn new(alignments: Vec<Alignment>) -> Table {
        Table { alignments, rows: Vec::new(), full: false }
    }

    /// A new row, unless the rows so far fill `room` lines (each takes one at least).
    pub fn start_row(&mut self, room: usize) {
        self.full |= self.rows.len() > room;
        if !self.full {
            self.rows.push(Vec::new());
        }
    }

    pub fn full(&self) -> bool {
        self.full
    }

    pub fn push_cell(&mut self, cell: Vec<Token>) {
        if self.full {
            return;
        }
        if let Some(row) = self.rows.last_mut() {
            row.push(cell);
        }
    }

    pub fn lines(&self, width: usize) -> Vec<StyledLine> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return Vec::new();
        }
        let natural: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|cell| natural_width(cell))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let separators = SEPARATOR.width() * (columns - 1);
        let Some(room) = width.checked_sub(separators) else { return self.records(width) };
        let floor: Vec<usize> = natural.iter().map(|&n| n.min(MIN_COLUMN)).collect();
        if floor.iter().sum::<usize>() > room {
            return self.records(width);
        }
        let widths = shrink(&natural, &floor, room);
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            self.push_row(row, &widths, &mut out);
            if r == 0 {
                let rule: Vec<String> = widths.iter().map(|&w| "─".repeat(w)).collect();
                out.push(vec![Styled::new(rule.join("─┼─"), Style::DIM)]);
            }
        }
        out
    }

    /// One row: each cell wrapped in its column, the row as tall as its tallest cell.
    fn push_row(&self, row: &[Vec<Token>], widths: &[usize], out: &mut Vec<StyledLine>) {
        let cells: Vec<Vec<StyledLine>> = widths
            .iter()
            .enumerate()
            .map(|(c, &w)| row.get(c).map_or_else(|| vec![Vec::new()], |cell| fill(cell, w)))
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for n in 0..height {
            let mut line = StyledLine::new();
            for (c, (cell, &w)) in cells.iter().zip(widths).enumerate() {
                if c > 0 {
                    line.push(Styled::new(SEPARATOR, Style::DIM));
                }
                let text = cell.get(n).cloned().unwrap_or_default();
                let used: usize = text.iter().map(|s| s.text.width()).sum();
                let fill = w.saturating_sub(used);
                let (before, after) = match self.alignments.get(c) {
                    Some(Alignment::Right) => (fill, 0),
                    Some(Alignment::Center) => (fill / 2, fill - fill / 2),
                    _ => (0, fill),
                };
                line.push(Styled::new(" ".repeat(before), Style::default()));
                line.extend(text);
                line.push(Styled::new(" ".repeat(after), Style::default()));
            }
            line.retain(|s| !s.text.is_empty());
            trim_end(&mut line);
            out.push(line);
        }
    }

    /// Too wide for columns: each body row as `header: value` lines, a blank line apart.
    fn records(&self, width: usize) -> Vec<StyledLine> {
        let Some((header, body)) = self.rows.split_first() else { return Vec::new() };
        let mut out = Vec::new();
        for (r, row) in body.iter().enumerate() {
            if r > 0 {
                out.push(Vec::new());
            }
            for (c, cell) in row.iter().enumerate() {
                let mut tokens: Vec<Token> = header.get(c).cloned().unwrap_or_default();
                tokens.push(Token::Word { pieces: vec![Styled::new(":", Style::DIM)], width: 1 });
                tokens.push(Token::Space(Style::default()));
                tokens.extend(cell.iter().cloned());
                out.extend(fill(&tokens, width));
            }
        }
        out
    }
}

/// Column widths that add up to at most `room`: the widest columns are cut down to a
/// common width first, none below its floor.
fn shrink(natural: &[usize], floor: &[usize], room: usize) -> Vec<usize> {
    let widths =
        |cap: usize| -> Vec<usize> { natural.iter().zip(floor).map(|(&n, &f)| n.min(cap).max(f)).collect() };
    if natural.iter().sum::<usize>() <= room {
        return natural.to_vec();
    }
    // The largest cap that fits (the floors alone fit, so cap 0 does).
    let (mut fits, mut too_wide) = (0, natural.iter().copied().max().unwrap_or(0));
    while too_wide - fits > 1 {
        let mid = fits + (too_wide - fits) / 2;
        if widths(mid).iter().sum::<usize>() <= room {
            fits = mid;
        } else {
            too_wide = mid;
        }
    }
    // What the cap leaves over goes to the columns it cut, one cell each.
    let mut out = widths(fits);
    let mut left = room.saturating_sub(out.iter().sum());
    for (w, &n) in out.iter_mut().zip(natural) {
        if left > 0 && n > *w {
            *w += 1;
            left -= 1;
        }
    }
    out
}
