//! Line arithmetic over frontmatter text: line starts and ends, the file's own line
//! ending, and a new line spliced in on a line of its own.

use super::Splice;

/// The line ending new lines are written with: the file's own, judged by its first line.
pub(super) fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

pub(super) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// Just past the `\n` of the line holding `pos` (or the end of the text).
pub(super) fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// Byte offsets where each line starts.
pub(super) fn line_starts(text: &str) -> Vec<usize> {
    let breaks = text.match_indices('\n').map(|(i, _)| i + 1).filter(|&i| i < text.len());
    std::iter::once(0).chain(breaks).collect()
}

pub(super) fn strip_eol(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

pub(super) fn eol_of(line: &str) -> &str {
    &line[strip_eol(line).len()..]
}

/// A new line appended at `pos` must start on a line of its own.
pub(super) fn new_line_at(content: &str, pos: usize, line: String, eol: &str) -> Splice {
    let text = if pos > 0 && !content[..pos].ends_with('\n') { format!("{eol}{line}") } else { line };
    Splice { range: pos..pos, text }
}
