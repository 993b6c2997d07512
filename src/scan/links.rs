//! Links between cards, as written in a body: `[[wiki]]` names (`[[Target]]`,
//! `[[Target|label]]`, `[[Target#Heading]]`, `[[folder/Target]]`), `![[embeds]]`, and
//! relative markdown links (`[text](../x.md)`, `[text](x%20y.md)`, `[text](<my note.md>)`).
//!
//! Code is text about links, not links: nothing inside a fenced code block or an inline
//! code span counts, nor a bracket escaped with `\`. Links to other kinds of files (an
//! embedded image, a PDF) are not links between cards and are left out, as are URLs and
//! relative paths that climb out of the dex. Which card a link names is the index's
//! business (`index::links`); here each link gets the key it is looked up by.

use std::collections::{HashMap, HashSet};

use crate::card::{Link, LinkKind, link_suffix, name_key, parent_name, parent_target, percent_decode};

/// The links in `body`, in order; `card_path` (dex-relative) resolves relative paths, and
/// `first_line` is the file line the body starts on.
pub fn extract(body: &str, card_path: &str, first_line: u32) -> Vec<Link> {
    let mut links = Vec::new();
    let mut fence: Option<Fence> = None;
    for (n, line) in body.lines().enumerate() {
        match (&fence, Fence::opening(line)) {
            (None, Some(opened)) => {
                fence = Some(opened);
                continue;
            }
            (Some(open), _) => {
                if open.closes(line) {
                    fence = None;
                }
                continue;
            }
            (None, None) => {}
        }
        // Most lines hold no bracket at all; memchr finds that out fastest.
        if !line.contains('[') {
            continue;
        }
        let body_line = n as u32 + 1;
        let at = Position { line: first_line + n as u32, body_line };
        scan_line(line, card_path, at, &mut links);
    }
    links
}

/// A fenced code block's opening: three or more backticks or tildes. It is closed by a
/// line of the same character, at least as many, and nothing else.
struct Fence {
    char: u8,
    len: usize,
}

impl Fence {
    fn opening(line: &str) -> Option<Fence> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let char = *trimmed.as_bytes().first().filter(|c| matches!(c, b'`' | b'~'))?;
        let len = trimmed.bytes().take_while(|b| *b == char).count();
        // A backtick fence's info string holds no backtick (it would be a code span).
        let info_ok = char == b'~' || !trimmed[len..].contains('`');
        (len >= 3 && info_ok).then_some(Fence { char, len })
    }

    fn closes(&self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        let len = trimmed.bytes().take_while(|b| *b == self.char).count();
        line.len() - trimmed.len() <= 3 && len >= self.len && trimmed[len..].trim().is_empty()
    }
}

#[derive(Clone, Copy)]
struct Position {
    line: u32,
    body_line: u32,
}

/// What the scan of one line has learnt so far, so that no part of a hostile line (a
/// run of `[`, thousands of links, backtick runs of every length) is read again and
/// again: a line is scanned in time linear in its length.
struct LineScan<'a> {
    line: &'a str,
    card_path: &'a str,
    at: Position,
    /// The first `]]` at or after `.0`, or none there (and so none after it either).
    wiki_close: Option<(usize, Option<usize>)>,
    /// Backtick run lengths no run closes from some point on (it only grows).
    unclosed_runs: HashSet<usize>,
    /// The closing bracket of each `[` and `(`, worked out once for the line.
    brackets: Option<Brackets>,
    /// The links found on the line: the same one twice is one.
    seen: HashSet<(String, LinkKind)>,
}

/// Finds the links of one line outside code spans, left to right.
fn scan_line(line: &str, card_path: &str, at: Position, out: &mut Vec<Link>) {
    let mut scan = LineScan {
        line,
        card_path,
        at,
        wiki_close: None,
        unclosed_runs: HashSet::new(),
        brackets: None,
        seen: HashSet::new(),
    };
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let Some(skip) = bytes[i..].iter().position(|b| matches!(b, b'\\' | b'`' | b'!' | b'[')) else {
            break;
        };
        i += skip;
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => i = scan.after_code_span(i),
            b'!' if line[i..].starts_with("![[") => i = scan.wiki(i + 3, LinkKind::Embed, out),
            b'[' if line[i..].starts_with("[[") => i = scan.wiki(i + 2, LinkKind::Wiki, out),
            b'[' => i = scan.markdown(i, out),
            _ => i += 1,
        }
    }
}

impl LineScan<'_> {
    /// Where scanning goes on after the backtick run at `start`: past the code span it
    /// opens (closed by a run of as many backticks), or past the run when nothing closes it.
    fn after_code_span(&mut self, start: usize) -> usize {
        let bytes = self.line.as_bytes();
        let run = bytes[start..].iter().take_while(|b| **b == b'`').count();
        if self.unclosed_runs.contains(&run) {
            return start + run;
        }
        let mut i = start + run;
        while i < bytes.len() {
            if bytes[i] == b'`' {
                let closing = bytes[i..].iter().take_while(|b| **b == b'`').count();
                if closing == run {
                    return i + closing;
                }
                i += closing;
            } else {
                i += 1;
            }
        }
        self.unclosed_runs.insert(run);
        start + run
    }

    /// The first `]]` at or after `start`. The one found for an earlier start holds for
    /// every start up to it.
    fn wiki_close_from(&mut self, start: usize) -> Option<usize> {
        match self.wiki_close {
            Some((from, None)) if start >= from => return None,
            Some((from, Some(at))) if start >= from && start <= at => return Some(at),
            _ => {}
        }
        let at = self.line[start..].find("]]").map(|len| start + len);
        self.wiki_close = Some((start, at));
        at
    }

    /// `[[inner]]` from `start` (just after the brackets); returns where scanning goes on.
    fn wiki(&mut self, start: usize, kind: LinkKind, out: &mut Vec<Link>) -> usize {
        let Some(close) = self.wiki_close_from(start) else { return start };
        // A `[` inside means the link, if any, opens later: stop at the first one.
        if self.line[start..].find('[').is_some_and(|open| start + open < close) {
            return start;
        }
        let inner = &self.line[start..close];
        let (target, label) = match inner.split_once('|') {
            // `[[t\|label]]`: the pipe escaped, as Obsidian writes a link inside a table.
            Some((target, label)) => {
                (target.trim().trim_end_matches('\\').trim(), Some(label.trim().to_string()))
            }
            None => (inner.trim(), None),
        };
        if let Some(link) = named(target, label, kind, self.card_path, self.at) {
            self.push(out, link);
        }
        close + 2
    }

    /// `[text](destination)` from the `[` at `start`; returns where scanning goes on.
    fn markdown(&mut self, start: usize, out: &mut Vec<Link>) -> usize {
        let line = self.line;
        let Some(text_end) = self.closing(start) else { return start + 1 };
        if line.as_bytes().get(text_end + 1) != Some(&b'(') {
            return start + 1;
        }
        let Some(dest_end) = self.closing(text_end + 1) else { return start + 1 };
        let text = &line[start + 1..text_end];
        let inside = line[text_end + 2..dest_end].trim();
        // `<my note.md>` may hold spaces; otherwise `[t](x.md "title")` targets the first word.
        let target = match inside.strip_prefix('<').and_then(|r| r.split_once('>')) {
            Some((inner, _)) => &inside[..inner.len() + 2],
            None => inside.split_whitespace().next().unwrap_or(""),
        };
        if let Some((path, written)) = card_target(target, self.card_path) {
            let label = (!text.trim().is_empty()).then(|| text.trim().to_string());
            let link = Link {
                target: target.to_string(),
                label,
                kind: LinkKind::Path,
                line: self.at.line,
                body_line: self.at.body_line,
                key: name_key(&path),
                suffix: link_suffix(&written),
            };
            self.push(out, link);
            return dest_end + 1;
        }
        // Not a card link: the text may still hold one (`[see [[x]]](https://...)`).
        start + 1
    }

    /// The bracket closing the `[` or `(` at `open`: from the table of the line when the
    /// line's escapes reach `open` as an opener too, else by a scan from `open`.
    fn closing(&mut self, open: usize) -> Option<usize> {
        let line = self.line;
        match self.brackets.get_or_insert_with(|| Brackets::of(line)).closer.get(&open) {
            Some(closer) => *closer,
            None => {
                let opener = line.as_bytes()[open];
                closing(line, open, opener, if opener == b'[' { b']' } else { b')' })
            }
        }
    }

    /// The same link twice on one line is one link.
    fn push(&mut self, out: &mut Vec<Link>, link: Link) {
        if self.seen.insert((link.key.clone(), link.kind)) {
            out.push(link);
        }
    }
}

/// Every `[` and `(` of a line with its closer (nesting counted per kind, backslash
/// escapes skipped), read left to right once; `None` for one never closed.
struct Brackets {
    closer: HashMap<usize, Option<usize>>,
}

impl Brackets {
    fn of(line: &str) -> Brackets {
        let bytes = line.as_bytes();
        let mut closer = HashMap::new();
        let (mut squares, mut rounds) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 1,
                b'[' => squares.push(i),
                b'(' => rounds.push(i),
                b']' => {
                    if let Some(open) = squares.pop() {
                        closer.insert(open, Some(i));
                    }
                }
                b')' => {
                    if let Some(open) = rounds.pop() {
                        closer.insert(open, Some(i));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        closer.extend(squares.into_iter().chain(rounds).map(|open| (open, None)));
        Brackets { closer }
    }
}

/// A link naming a card the wiki way (path, stem, title or alias; `./` and `../` relative
/// to the card), or `None` when it names nothing or an attachment.
fn named(target: &str, label: Option<String>, kind: LinkKind, card_path: &str, at: Position) -> Option<Link> {
    named_as(target.split('#').next().unwrap_or("").trim(), target, (label, kind), card_path, at)
}

/// A link naming `name` (its target without a heading), written `target`.
fn named_as(
    name: &str,
    target: &str,
    (label, kind): (Option<String>, LinkKind),
    card_path: &str,
    at: Position,
) -> Option<Link> {
    if name.is_empty() || is_attachment(name) {
        return None;
    }
    let key = if name.starts_with("./") || name.starts_with("../") {
        relative_path(name, card_path).map(|p| name_key(&p))
    } else {
        Some(name_key(name.trim_start_matches('/')))
    };
    let key = key.filter(|k| !k.is_empty())?;
    let (line, body_line, suffix) = (at.line, at.body_line, link_suffix(name));
    Some(Link { target: target.to_string(), label, kind, line, body_line, key, suffix })
}

/// The link a card's parent field makes, written on `line` of the file: `[[Projects]]`,
/// `[[Projects|label]]`, `../projects.md` or `Projects`, each named as a wiki link names.
pub fn parent_link(value: &str, card_path: &str, line: u32) -> Option<Link> {
    let (target, label) = parent_target(value);
    let label = label.map(str::to_string);
    let at = Position { line, body_line: 0 };
    let name = parent_name(value);
    named_as(name, target, (label.clone(), LinkKind::Parent), card_path, at).or_else(|| {
        // A parent outside the dex (`../../x.md`) or a file that is no card names no
        // card: kept as a link to nothing, so that the card shows as having a broken
        // parent instead of sitting at the top unmarked. Its key, the name as written,
        // starts with `..` or holds an extension, which no card's path key or stem does.
        (!name.is_empty()).then(|| Link {
            target: target.to_string(),
            label,
            kind: LinkKind::Parent,
            line,
            body_line: 0,
            key: name.to_lowercase(),
            suffix: String::new(),
        })
    })
}

/// The byte index of the bracket that closes the one at `open` (nesting counted,
/// backslash escapes skipped).
fn closing(line: &str, open: usize, opener: u8, closer: u8) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b if b == opener => depth += 1,
            b if b == closer => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A markdown link destination as the dex-relative path of a card, and as written
/// (decoded): `None` for URLs (any `scheme:`), anchors, absolute paths, other kinds of
/// files, and paths that climb out of the dex. A destination without an extension names
/// a card too, as in Obsidian.
fn card_target(raw: &str, card_path: &str) -> Option<(String, String)> {
    let raw = raw.strip_prefix('<').and_then(|r| r.strip_suffix('>')).unwrap_or(raw);
    if raw.is_empty() || raw.starts_with(['#', '/', '?']) || has_scheme(raw) {
        return None;
    }
    let path = percent_decode(raw.split(['#', '?']).next().unwrap_or(""));
    let last = path.rsplit('/').next().unwrap_or("");
    let lower = last.to_lowercase();
    let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
    if last.is_empty() || (!markdown && last.contains('.')) {
        return None;
    }
    relative_path(&path, card_path).map(|resolved| (resolved, path))
}

/// `scheme:` at the start (`https:`, `mailto:`, `obsidian:`, `file:`).
fn has_scheme(raw: &str) -> bool {
    let Some((scheme, _)) = raw.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `target`, relative to the folder of `card_path`, as a dex-relative path; `None` when
/// it climbs out of the dex.
fn relative_path(target: &str, card_path: &str) -> Option<String> {
    let mut parts: Vec<&str> = card_path.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Whether a wiki target names a file that is no card (`![[diagram.png]]`): an extension
/// of the common attachment kinds Obsidian embeds. Anything else with a dot is a name
/// (`[[v1.2 notes]]`, `[[Mr. Smith]]`).
fn is_attachment(name: &str) -> bool {
    const KINDS: &[&str] = &[
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "bmp",
        "avif",
        "heic",
        "ico",
        "pdf",
        "mp3",
        "wav",
        "ogg",
        "m4a",
        "flac",
        "webm",
        "mp4",
        "mov",
        "mkv",
        "avi",
        "ogv",
        "canvas",
        "excalidraw",
        "zip",
        "csv",
        "txt",
        "json",
        "html",
        "docx",
        "xlsx",
        "pptx",
        "epub",
    ];
    let last = name.rsplit('/').next().unwrap_or(name);
    last.rsplit_once('.').is_some_and(|(_, ext)| KINDS.contains(&ext.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, kind, line, target, label) of each link.
    fn found(body: &str, path: &str) -> Vec<(String, &'static str, u32, String, Option<String>)> {
        extract(body, path, 1)
            .into_iter()
            .map(|l| (l.key, l.kind.name(), l.line, l.target, l.label))
            .collect()
    }

    fn keys(body: &str, path: &str) -> Vec<String> {
        extract(body, path, 1).into_iter().map(|l| l.key).collect()
    }

    #[test]
    fn every_link_form() {
        let body = "see [[Alpha]] and [[beta|the beta]] and [[Gamma#Part|g]] ![[Embed Me]]\n\
                    [[folder/Target.md]] [x](../b/c.md) [y](d.md#top) [v](<my note.md>) [w](x%20y.md)\n\
                    [no ext](other) [[./near]] [[/root/r]]\n";
        assert_eq!(
            found(body, "a/card.md"),
            vec![
                ("alpha".into(), "wiki", 1, "Alpha".into(), None),
                ("beta".into(), "wiki", 1, "beta".into(), Some("the beta".into())),
                ("gamma".into(), "wiki", 1, "Gamma#Part".into(), Some("g".into())),
                ("embed me".into(), "embed", 1, "Embed Me".into(), None),
                ("folder/target".into(), "wiki", 2, "folder/Target.md".into(), None),
                ("b/c".into(), "path", 2, "../b/c.md".into(), Some("x".into())),
                ("a/d".into(), "path", 2, "d.md#top".into(), Some("y".into())),
                ("a/my note".into(), "path", 2, "<my note.md>".into(), Some("v".into())),
                ("a/x y".into(), "path", 2, "x%20y.md".into(), Some("w".into())),
                ("a/other".into(), "path", 3, "other".into(), Some("no ext".into())),
                ("a/near".into(), "wiki", 3, "./near".into(), None),
                ("root/r".into(), "wiki", 3, "/root/r".into(), None),
            ]
        );
    }

    #[test]
    fn code_urls_attachments_and_escapes_are_not_card_links() {
        let body = "```rust\n[[in fence]]\n~~~\n[[still in fence]]\n```\n\
                    ~~~~\n[[tilde fence]]\n```\n~~~~~\n\
                    `[[in span]]` and ``a ` [[in double span]]`` but [[after span]]\n\
                    [a](https://e.com/f.md) [b](mailto:x@y.md) [c](img.png) ![d](pic.jpg) [e](#anchor)\n\
                    ![[diagram.png]] [[report.PDF]] [[v1.2 notes]] \\[[escaped]] [[]] [[#Heading only]]\n\
                    [f](/abs.md) [g](docs/)\n";
        assert_eq!(keys(body, "card.md"), ["after span", "v1.2 notes"]);
    }

    #[test]
    fn a_link_naming_folders_keeps_them_as_the_suffix_a_stem_match_must_end_with() {
        let body = "[[Target]] [[notes/Target]] [t](../notes/x.md) [u](x.md) [[../../a/b]] [[/r/s.md]]";
        let links = extract(body, "d/e/c.md", 1);
        let suffixes: Vec<&str> = links.iter().map(|l| l.suffix.as_str()).collect();
        assert_eq!(suffixes, ["", "notes/target", "notes/x", "", "a/b", "r/s"]);
    }

    #[test]
    fn lines_count_from_the_body_start_and_a_link_repeated_on_a_line_counts_once() {
        let links = extract("intro\n\n[[A]] and [[a]] and [[A|again]]\n[[A]]\n", "c.md", 5);
        let at: Vec<(u32, u32)> = links.iter().map(|l| (l.line, l.body_line)).collect();
        assert_eq!(at, [(7, 3), (8, 4)]);
    }

    #[test]
    fn an_unclosed_backtick_is_text_and_a_link_inside_link_text_counts() {
        assert_eq!(keys("a ` b [[x]]", "c.md"), ["x"]);
        assert_eq!(keys("[see [[inner]]](https://example.com)", "c.md"), ["inner"]);
    }

    /// A hostile line costs time linear in its length: runs of `[`, `[[` never closed,
    /// a `[[` run closed once at the end, thousands of links on one line, backtick runs of
    /// every length. Each case is 200 KB: scanned quadratically (as before), this test ran
    /// for minutes in a debug build; now the whole of it takes under a second. (Timed in
    /// docs/benchmarks.md, not here.) The scan's answers were checked against the old
    /// scanner's on 600k random lines of brackets, backticks and escapes before it went.
    #[test]
    fn hostile_lines_are_scanned_in_linear_time() {
        let n = 200_000;
        let mut many = String::new();
        for k in 0..20_000 {
            many.push_str(&format!("[[n{k}]] "));
        }
        let mut runs = String::new();
        for r in 1..600 {
            runs.push_str(&"`".repeat(r));
            runs.push(' ');
        }
        let cases = [
            "[".repeat(n),
            "[ ".repeat(n / 2),
            "[[a ".repeat(n / 4),
            format!("{}]]", "[[".repeat(n / 2)),
            "](".repeat(n / 2),
            "[x](".repeat(n / 4),
            many,
            runs,
        ];
        let found: Vec<usize> = cases.iter().map(|case| extract(case, "c.md", 1).len()).collect();
        assert_eq!(found, [0, 0, 0, 0, 0, 0, 20_000, 0]);
    }

    #[test]
    fn links_cannot_climb_out_of_the_dex() {
        assert!(keys("[x](../../outside.md) [[../../up]]", "a/card.md").is_empty());
        assert_eq!(keys("[x](../top.md)", "a/card.md"), ["top"]);
    }
}
