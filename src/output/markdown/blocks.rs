//! The walk over the parser's events: blocks, the containers that indent them (quotes,
//! list items, footnotes), the blank lines between them, and the running text's style.

use pulldown_cmark::{BlockQuoteKind, Event, HeadingLevel, Tag, TagEnd};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::inline::{Inline, Token, fill, hard_wrap};
use super::table::Table;
use super::{RULE_MAX, Style, Styled, StyledLine, Tone, merged, trim_end};
use crate::output::{clean, is_unsafe};

/// Code blocks are indented by this much.
const CODE_INDENT: &str = "    ";
/// Tabs in code stop every this many columns.
const TAB_STOP: usize = 4;

/// Something that indents the lines inside it: a quote's bar, a list item's marker.
struct Container {
    kind: Kind,
    /// Before the first line inside it (the marker), then before the others.
    first: StyledLine,
    rest: StyledLine,
    width: usize,
    started: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Quote,
    Item,
    Footnote,
}

impl Container {
    fn new(kind: Kind, first: StyledLine) -> Container {
        let width: usize = first.iter().map(|s| s.text.width()).sum();
        let rest = match kind {
            Kind::Quote => first.clone(),
            Kind::Item | Kind::Footnote => vec![Styled::new(" ".repeat(width), Style::default())],
        };
        Container { kind, first, rest, width, started: false }
    }
}

struct List {
    /// The next item's number, for an ordered list.
    next: Option<u64>,
    /// Blank lines between items (markdown's "loose" list: its items are paragraphs).
    loose: bool,
    items: usize,
}

/// A link (or image) being read: where it goes and the text it shows so far.
struct Link {
    dest: String,
    text: String,
    image: bool,
}

/// Text that is not running text: gathered whole, laid out at its end.
enum Block {
    Flow,
    Code(Verbatim),
    Html(Verbatim),
}

/// The text of a code or HTML block, and how many lines it has so far.
#[derive(Default)]
struct Verbatim {
    text: String,
    lines: usize,
}

/// The lines laid out so far, and where the walk is.
pub(super) struct Renderer {
    width: usize,
    max_lines: usize,
    pub out: Vec<StyledLine>,
    containers: Vec<Container>,
    lists: Vec<List>,
    inline: Inline,
    block: Block,
    tables: Vec<Table>,
    /// A blank line is owed before the next block.
    gap: bool,
    heading: bool,
    table_head: bool,
    strong: usize,
    emphasis: usize,
    strike: usize,
    links: Vec<Link>,
}

impl Renderer {
    pub fn new(width: usize, max_lines: usize) -> Renderer {
        Renderer {
            width,
            max_lines,
            out: Vec::new(),
            containers: Vec::new(),
            lists: Vec::new(),
            inline: Inline::default(),
            block: Block::Flow,
            tables: Vec::new(),
            gap: false,
            heading: false,
            table_head: false,
            strong: 0,
            emphasis: 0,
            strike: 0,
            links: Vec::new(),
        }
    }

    pub fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                let style = Style { tone: Tone::Code, ..self.style() };
                self.inline_text(&text, style);
            }
            Event::Html(text) => self.text(&text),
            Event::InlineHtml(text) => self.inline_text(&text, Style::DIM),
            Event::FootnoteReference(label) if self.wants_text() => {
                self.inline.push_word(&format!("[{label}]"), Style::DIM);
            }
            Event::SoftBreak if self.wants_text() => self.inline.push_space(self.style()),
            Event::HardBreak if self.wants_text() => self.inline.push_break(),
            Event::FootnoteReference(_) | Event::SoftBreak | Event::HardBreak => {}
            Event::Rule => {
                self.flush_inline();
                self.separate();
                let rule = "─".repeat(self.avail().min(RULE_MAX));
                self.emit(vec![Styled::new(rule, Style::DIM)]);
                self.gap = true;
            }
            Event::TaskListMarker(done) => self.task_box(done),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.flush_inline();
                if self.containers.last().is_some_and(|c| c.kind == Kind::Item)
                    && let Some(list) = self.lists.last_mut()
                {
                    list.loose = true;
                }
            }
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.heading = true;
                self.inline.push_word(&"#".repeat(heading_level(level)), Style::DIM);
                self.inline.push_space(Style::default());
            }
            Tag::BlockQuote(kind) => {
                self.flush_inline();
                self.separate();
                self.containers.push(Container::new(Kind::Quote, vec![Styled::new("│ ", Style::DIM)]));
                if let Some(kind) = kind {
                    let style = Style { tone: Tone::Heading, ..Style::default() }.bold();
                    self.inline.push_word(quote_label(kind), style);
                    self.flush_inline();
                }
            }
            Tag::CodeBlock(_) => {
                self.flush_inline();
                self.block = Block::Code(Verbatim::default());
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.block = Block::Html(Verbatim::default());
            }
            Tag::List(first) => {
                self.flush_inline();
                self.lists.push(List { next: first, loose: false, items: 0 });
            }
            Tag::Item => self.start_item(),
            Tag::FootnoteDefinition(label) => {
                self.flush_inline();
                self.separate();
                let marker = Styled::new(format!("[{}] ", clean(&label)), Style::DIM);
                self.containers.push(Container::new(Kind::Footnote, vec![marker]));
            }
            Tag::Table(alignments) => {
                self.flush_inline();
                self.tables.push(Table::new(alignments));
            }
            Tag::TableHead | Tag::TableRow => {
                self.table_head |= matches!(tag, Tag::TableHead);
                let room = self.room();
                if let Some(table) = self.tables.last_mut() {
                    table.start_row(room);
                }
            }
            Tag::TableCell => {}
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { dest_url, .. } => {
                self.links.push(Link { dest: dest_url.to_string(), text: String::new(), image: false });
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(Link { dest: dest_url.to_string(), text: String::new(), image: true });
            }
            Tag::Superscript
            | Tag::Subscript
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.gap = true;
            }
            TagEnd::Heading(_) => {
                self.flush_inline();
                self.heading = false;
                self.gap = true;
            }
            TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => {
                self.flush_inline();
                self.containers.pop();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                if let Block::Code(code) = std::mem::replace(&mut self.block, Block::Flow) {
                    self.code_block(&code.text);
                }
            }
            TagEnd::HtmlBlock => {
                if let Block::Html(html) = std::mem::replace(&mut self.block, Block::Flow) {
                    self.html_block(&html.text);
                }
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                self.gap = true;
            }
            TagEnd::Item => {
                self.flush_inline();
                // An empty item still shows its marker.
                if self.containers.last().is_some_and(|c| !c.started) {
                    self.emit(Vec::new());
                }
                self.containers.pop();
            }
            TagEnd::TableCell => {
                let cell = self.inline.take();
                if let Some(table) = self.tables.last_mut() {
                    table.push_cell(cell);
                }
            }
            TagEnd::TableHead => self.table_head = false,
            TagEnd::TableRow => {}
            TagEnd::Table => {
                if let Some(table) = self.tables.pop() {
                    self.separate();
                    for line in table.lines(self.avail()) {
                        self.emit(line);
                    }
                    self.gap = true;
                }
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => self.end_link(),
            TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    fn text(&mut self, text: &str) {
        let room = self.room();
        match &mut self.block {
            Block::Code(code) | Block::Html(code) => {
                // Every line of code is a line on the screen, at least.
                if code.lines <= room {
                    code.lines += text.matches('\n').count();
                    code.text.push_str(text);
                }
            }
            Block::Flow => self.inline_text(text, self.style()),
        }
    }

    fn inline_text(&mut self, text: &str, style: Style) {
        if !self.wants_text() {
            return;
        }
        self.inline.limit(self.room(), self.avail());
        if let Some(link) = self.links.last_mut() {
            link.text.push_str(text);
        }
        self.inline.push_text(text, style);
    }

    /// Whether more running text could still be seen: a screenful (`max_lines`) can be
    /// filled long before a long paragraph or table ends.
    fn wants_text(&mut self) -> bool {
        self.inline.limit(self.room(), self.avail());
        !self.inline.full() && self.tables.last().is_none_or(|t| !t.full())
    }

    /// Lines still wanted.
    fn room(&self) -> usize {
        self.max_lines.saturating_sub(self.out.len())
    }

    /// The style running text has here.
    fn style(&self) -> Style {
        let mut style = Style::default();
        if self.heading {
            style = Style { tone: Tone::Heading, bold: true, ..style };
        }
        if let Some(link) = self.links.last() {
            style.tone = Tone::Link;
            style.underline = !link.image;
        }
        style.bold |= self.strong > 0 || self.table_head;
        style.italic = self.emphasis > 0;
        style.strike = self.strike > 0;
        style
    }

    fn start_item(&mut self) {
        self.flush_inline();
        let depth = self.lists.len();
        let Some(list) = self.lists.last_mut() else { return };
        if list.items > 0 && !list.loose {
            self.gap = false;
        }
        list.items += 1;
        let marker = match &mut list.next {
            Some(n) => {
                let marker = Styled::new(format!("{n}. "), Style::default());
                *n += 1;
                marker
            }
            None => Styled::new(format!("{} ", bullet(depth)), Style::DIM),
        };
        self.separate();
        self.containers.push(Container::new(Kind::Item, vec![marker]));
    }

    /// `[ ]` or `[x]` in place of the bullet (after the number of a numbered item).
    fn task_box(&mut self, done: bool) {
        let ordered = self.lists.last().is_some_and(|l| l.next.is_some());
        let Some(item) = self.containers.iter_mut().rev().find(|c| c.kind == Kind::Item) else { return };
        let mark =
            if done { Styled::new("[x] ", Style::DIM) } else { Styled::new("[ ] ", Style::default().bold()) };
        let mut first = if ordered { item.first.clone() } else { Vec::new() };
        first.push(mark);
        *item = Container::new(Kind::Item, first);
    }

    fn end_link(&mut self) {
        let Some(link) = self.links.pop() else { return };
        let dest = link.dest.trim();
        let shown = link.text.trim();
        if dest.is_empty() || dest == shown || dest.strip_prefix("mailto:") == Some(shown) {
            return;
        }
        if !shown.is_empty() {
            self.inline.push_space(Style::default());
        }
        let what = if link.image { format!("(image: {dest})") } else { format!("({dest})") };
        // No break after it: `[x](t).` keeps its full stop on the same line.
        self.inline.push_word(&what, Style::DIM);
    }

    fn code_block(&mut self, code: &str) {
        self.flush_inline();
        self.separate();
        let style = Style { tone: Tone::Code, ..Style::default() };
        // Indented by four, less in a pane so narrow that two cells (a wide character)
        // would not be left.
        let indent = &CODE_INDENT[..CODE_INDENT.len().min(self.avail().saturating_sub(2))];
        let width = self.avail() - indent.len();
        for line in code.strip_suffix('\n').unwrap_or(code).split('\n') {
            for part in hard_wrap(&code_line(line), width, style) {
                let mut content = vec![Styled::new(indent, Style::default())];
                content.extend(part);
                self.emit(content);
            }
            if self.out.len() >= self.max_lines {
                break;
            }
        }
        self.gap = true;
    }

    fn html_block(&mut self, html: &str) {
        self.flush_inline();
        self.separate();
        let width = self.avail();
        for line in html.strip_suffix('\n').unwrap_or(html).split('\n') {
            for part in hard_wrap(&code_line(line), width, Style::DIM) {
                self.emit(part);
            }
            if self.out.len() >= self.max_lines {
                break;
            }
        }
        self.gap = true;
    }

    /// The running text read so far, as lines.
    pub fn flush_inline(&mut self) {
        if self.inline.is_empty() || !self.tables.is_empty() {
            return;
        }
        let tokens = self.inline.take();
        if tokens.iter().all(|t| matches!(t, Token::Space(_))) {
            return;
        }
        self.separate();
        for line in fill(&tokens, self.avail()) {
            self.emit(line);
            if self.out.len() >= self.max_lines {
                break;
            }
        }
    }

    /// The blank line owed before a block, if anything came before it.
    fn separate(&mut self) {
        if std::mem::take(&mut self.gap) && !self.out.is_empty() {
            let prefix: StyledLine = self.containers.iter().flat_map(|c| c.rest.clone()).collect();
            let mut line = cut(prefix, self.indent_room());
            trim_end(&mut line);
            self.out.push(merged(line));
        }
    }

    /// A line inside the containers open now, behind their markers.
    fn emit(&mut self, content: StyledLine) {
        let mut prefix = StyledLine::new();
        for container in &mut self.containers {
            let marker = if container.started { &container.rest } else { &container.first };
            prefix.extend(marker.iter().cloned());
            container.started = true;
        }
        let mut line = cut(prefix, self.indent_room());
        line.extend(content);
        trim_end(&mut line);
        self.out.push(merged(line));
    }

    /// The width left for text inside the containers.
    fn avail(&self) -> usize {
        let used: usize = self.containers.iter().map(|c| c.width).sum();
        (self.width - used.min(self.indent_room())).max(1)
    }

    /// Markers and bars take half the line at most: deep nesting in a narrow pane loses
    /// its outer indentation rather than its text.
    fn indent_room(&self) -> usize {
        self.width / 2
    }
}

/// The last `cells` cells of a line's markers: the outer indentation goes first, each
/// item keeps its own bullet.
fn cut(line: StyledLine, cells: usize) -> StyledLine {
    let mut left = cells;
    let mut out = StyledLine::new();
    for span in line.into_iter().rev() {
        if span.text.width() <= left {
            left -= span.text.width();
            out.push(span);
            continue;
        }
        let mut kept: Vec<char> = Vec::new();
        for c in span.text.chars().rev() {
            let w = c.width().unwrap_or(0);
            if w > left {
                break;
            }
            left -= w;
            kept.push(c);
        }
        out.push(Styled::new(kept.into_iter().rev().collect::<String>(), span.style));
        break;
    }
    out.reverse();
    out
}

/// A line of code for the screen: CR of CRLF gone, tabs to the next stop, anything
/// else that could drive the terminal `�` (as `clean_body` does).
fn code_line(line: &str) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut out = String::with_capacity(line.len());
    let mut column = 0;
    for c in line.chars() {
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', spaces));
            column += spaces;
            continue;
        }
        let c = if is_unsafe(c) { char::REPLACEMENT_CHARACTER } else { c };
        column += c.width().unwrap_or(0);
        out.push(c);
    }
    out
}

fn heading_level(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn bullet(depth: usize) -> &'static str {
    ["•", "◦", "▪"][depth.saturating_sub(1) % 3]
}

fn quote_label(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "Note",
        BlockQuoteKind::Tip => "Tip",
        BlockQuoteKind::Important => "Important",
        BlockQuoteKind::Warning => "Warning",
        BlockQuoteKind::Caution => "Caution",
    }
}
