//! Drawing the TUI (the Elm "view"): a pure function of the state.
//!
//! Every piece of card text — and of config text: view, sort, field and template
//! names — passes through `output::clean` first (the body through `output::markdown`,
//! which neutralises the same characters), so control and escape characters can
//! never reach the terminal; everything is cut to its cell
//! with an ellipsis, so long titles never wrap into the next column.

use std::cell::RefCell;

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::output::markdown::{self, Tone};
use crate::output::{clean, tree_prefix, value_text};
use crate::query::outline::{Mark, lasts};

use super::app::{App, Mode, Pane};
use super::board::Board;
use super::keymap::{self, BINDINGS};
use super::outline::OutlineView;
use super::theme::Theme;

/// Below this width the preview is hidden and the list takes the screen.
const PREVIEW_MIN_WIDTH: u16 = 80;

/// Where each part of the screen goes.
pub struct Areas {
    pub tabs: Rect,
    pub list: Rect,
    pub preview: Option<Rect>,
    pub filter: Rect,
    pub status: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    let (list, preview) = if area.width >= PREVIEW_MIN_WIDTH {
        let cols = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
            .split(rows[1]);
        (cols[0], Some(cols[1]))
    } else if area.height >= 24 {
        let parts = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(60), Constraint::Percentage(40)])
            .split(rows[1]);
        (parts[0], Some(parts[1]))
    } else {
        (rows[1], None)
    };
    Areas { tabs: rows[0], list, preview, filter: rows[2], status: rows[3] }
}

/// Rows of cards the list shows at this terminal size (its header takes one).
pub fn page_size(area: Rect) -> usize {
    usize::from(areas(area).list.height.saturating_sub(1)).max(1)
}

pub fn render(app: &App, frame: &mut Frame<'_>) {
    let theme = Theme::new(app.color);
    let area = frame.area();
    let a = areas(area);
    frame.render_widget(Paragraph::new(tabs(app, &theme, a.tabs.width)), a.tabs);
    match &app.board {
        Some(board) => render_board(app, board, frame, Rect { width: area.width, ..a.list }, &theme),
        None => {
            match &app.outline {
                Some(outline) => render_outline(outline, frame, a.list, &theme),
                None => render_list(app, frame, a.list, &theme),
            }
            if let Some(preview) = a.preview {
                render_preview(app, frame, preview, &theme);
            }
        }
    }
    frame.render_widget(Paragraph::new(filter_line(app, &theme, a.filter.width)), a.filter);
    frame.render_widget(Paragraph::new(status_line(app, &theme, a.status.width)), a.status);
    match app.mode {
        Mode::Help => render_help(frame, area, &theme),
        Mode::Templates { selected } => render_templates(app, selected, frame, area, &theme),
        Mode::Title { ref text, cursor } => render_title(text, cursor, frame, area, &theme),
        Mode::Duplicates { ref hints } => render_duplicates(hints, frame, area, &theme),
        Mode::List => {}
    }
}

fn tabs<'a>(app: &'a App, theme: &Theme, width: u16) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, view) in app.views.iter().enumerate() {
        let name = clean(&view.name);
        let label = if i < 9 { format!(" {} {name} ", i + 1) } else { format!(" {name} ") };
        spans.push(Span::styled(label, if i == app.view { theme.tab_active } else { theme.tab }));
    }
    fit_line(spans, width)
}

fn render_list(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let columns = &app.current_view().columns;
    let fields: Vec<&str> = columns.iter().filter(|c| c.as_str() != "title").map(String::as_str).collect();
    let height = usize::from(area.height.saturating_sub(1));
    let shown: Vec<(usize, usize)> =
        app.visible.iter().copied().enumerate().skip(app.offset).take(height).collect();
    // Field values of the rows on screen, decoded once for widths and drawing.
    let cells: Vec<Vec<String>> = shown
        .iter()
        .map(|&(_, i)| {
            // A row whose stored fields do not read shows `�`: its preview heals the index.
            match app.rows[i].values(&fields) {
                Ok(values) => {
                    values.iter().map(|v| clean(&v.as_ref().map(value_text).unwrap_or_default())).collect()
                }
                Err(_) => vec![char::REPLACEMENT_CHARACTER.to_string(); fields.len()],
            }
        })
        .collect();
    let widths = column_widths(&fields, &cells, usize::from(area.width));
    let title_width = usize::from(area.width).saturating_sub(widths.iter().map(|w| w + 1).sum::<usize>());
    let mut lines = Vec::new();
    let mut header = vec![Span::styled(pad("title", title_width), theme.header)];
    for (f, w) in fields.iter().zip(&widths) {
        header.push(Span::styled(format!(" {}", pad(&clean(f), *w)), theme.header));
    }
    lines.push(Line::from(header));
    for ((pos, i), values) in shown.iter().zip(&cells) {
        let style = if *pos == app.selected { theme.selected } else { Style::default() };
        let mut spans =
            vec![Span::styled(pad(&clean(&app.rows[*i].title), title_width), style.patch(theme.title))];
        for (text, w) in values.iter().zip(&widths) {
            spans.push(Span::styled(format!(" {}", pad(text, *w)), style.patch(theme.field)));
        }
        lines.push(Line::from(spans));
    }
    if app.visible.is_empty() {
        lines.extend(nothing_shown(app, "no cards match", theme));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// What an empty list says: while the first answer is on its way, that it is; in a dex
/// with no card at all (a first run), how to write the first one; otherwise `otherwise`.
fn nothing_shown<'a>(app: &App, otherwise: &'a str, theme: &Theme) -> Vec<Line<'a>> {
    if app.first_screen_pending() {
        return vec![Line::from(Span::styled("reading the index…", theme.dim))];
    }
    if app.index.total > 0 {
        return vec![Line::from(Span::styled(otherwise, theme.dim))];
    }
    if app.index.refreshing {
        // A first index: nothing is indexed yet, so nothing can match yet either.
        return vec![Line::from(Span::styled(
            "indexing the cards… (a first index reads every file once)",
            theme.dim,
        ))];
    }
    // Short lines: the list may be half of an 80-column screen.
    let key = |key: &'a str, what: &'a str| Line::from(vec![Span::styled(key, theme.title), Span::raw(what)]);
    vec![
        Line::from(Span::styled("No cards here yet.", theme.title)),
        Line::from(""),
        key("n", "  write the first one"),
        key("?", "  every key"),
        key("q", "  quit"),
        Line::from(""),
        Line::from(Span::styled("Cards are the markdown files of", theme.dim)),
        Line::from(Span::styled("this folder; new ones show here", theme.dim)),
        Line::from(Span::styled("at once.", theme.dim)),
    ]
}

/// Each field column as wide as its widest value on screen (or its name), at most 18
/// cells, shrunk together when the title would get less than half the width.
fn column_widths(fields: &[&str], cells: &[Vec<String>], width: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = fields
        .iter()
        .enumerate()
        .map(|(n, f)| {
            cells.iter().map(|row| row[n].width()).chain([clean(f).width()]).max().unwrap_or(0).min(18)
        })
        .collect();
    let budget = width / 2;
    while widths.iter().map(|w| w + 1).sum::<usize>() > budget {
        let Some(widest) = widths.iter_mut().max() else { break };
        if *widest <= 4 {
            break;
        }
        *widest -= 1;
    }
    widths
}

fn render_preview(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let block = Block::default().borders(Borders::LEFT).border_style(theme.dim);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.pane == Pane::Connections {
        return render_connections(app, frame, inner, theme);
    }
    let Some(preview) = &app.preview else { return };
    let width = usize::from(inner.width);
    let mut lines = vec![
        Line::from(Span::styled(
            cut(&clean(&preview.title), width),
            theme.title.add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(cut(&clean(&preview.path), width), theme.dim)),
    ];
    if !preview.fields.is_empty() {
        lines.push(Line::default());
    }
    for (key, value) in &preview.fields {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", clean(key)), theme.key),
            Span::raw(clean(value)),
        ]));
    }
    for error in preview.error.iter().chain(&preview.body_error) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(clean(error), theme.error)));
    }
    // Said above the text, not at its end a megabyte down, where no one scrolls.
    if preview.truncated {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(truncated_note(), theme.error)));
    }
    lines.push(Line::default());
    // Only what fits is laid out, past what is scrolled over, and a pane more: enough to
    // say how far the next scroll may go.
    let room = usize::from(inner.height).saturating_sub(lines.len());
    let body = laid_out(&preview.body, width, app.preview_scroll + 2 * room);
    app.preview_extent.set(body.len().saturating_sub(room));
    let skip = app.preview_scroll.min(app.preview_extent.get());
    for line in body.into_iter().skip(skip).take(room) {
        lines.push(Line::from(
            line.into_iter()
                .map(|s| Span::styled(s.text, markdown_style(s.style, theme)))
                .collect::<Vec<_>>(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// What the preview of a card larger than the index reads says.
fn truncated_note() -> String {
    format!(
        "larger than {} MiB: only its start is shown (e opens all of it in the editor)",
        crate::scan::MAX_CARD_BYTES >> 20
    )
}

/// The body as the preview lays it out, kept from the frame before: a frame is drawn
/// for every key and every answer, and a long card (a megabyte of text takes tens of
/// milliseconds) should cost that once, not on each.
fn laid_out(body: &str, width: usize, room: usize) -> Vec<markdown::StyledLine> {
    struct Last {
        body: String,
        width: usize,
        room: usize,
        lines: Vec<markdown::StyledLine>,
    }
    thread_local! {
        static LAST: RefCell<Option<Last>> = const { RefCell::new(None) };
    }
    LAST.with_borrow_mut(|last| {
        match last {
            Some(l) if l.width == width && l.room == room && l.body == body => {}
            _ => {
                let lines = markdown::render(body, Some(width), room);
                *last = Some(Last { body: body.to_string(), width, room, lines });
            }
        }
        last.as_ref().map(|l| l.lines.clone()).unwrap_or_default()
    })
}

/// A rendered markdown style in the theme's colours (or none).
fn markdown_style(style: markdown::Style, theme: &Theme) -> Style {
    let mut out = match style.tone {
        Tone::Text => Style::default(),
        Tone::Heading => theme.heading,
        Tone::Code => theme.code,
        Tone::Link => theme.link,
        Tone::Dim => theme.dim,
    };
    for (on, modifier) in [
        (style.bold, Modifier::BOLD),
        (style.italic, Modifier::ITALIC),
        (style.underline, Modifier::UNDERLINED),
        (style.strike, Modifier::CROSSED_OUT),
    ] {
        if on {
            out = out.add_modifier(modifier);
        }
    }
    out
}

/// The outline in place of the list: tree lines, `▸` before a closed branch and `▾`
/// before an open one, the title, and why a card sits at the top when it is not its place.
fn render_outline(outline: &OutlineView, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let width = usize::from(area.width);
    let height = usize::from(area.height.saturating_sub(1));
    let title =
        if outline.tree.editable { "outline" } else { "outline (read-only: from folders or file names)" };
    let mut lines = vec![Line::from(Span::styled(pad(title, width), theme.header))];
    let rows = outline.shown.iter().skip(outline.offset).zip(lasts(&outline.shown, outline.offset));
    for (pos, (shown, lasts)) in rows.enumerate().map(|(i, row)| (i + outline.offset, row)).take(height) {
        let node = &outline.tree.nodes[shown.node];
        let fold = match (outline.has_children(shown.node), outline.is_collapsed(shown.node)) {
            (false, _) => "  ",
            (true, true) => "▸ ",
            (true, false) => "▾ ",
        };
        let style = if pos == outline.selected { theme.selected } else { Style::default() };
        let name_style = if node.card.is_some() { theme.title } else { theme.dim };
        let mut spans = vec![
            Span::styled(format!("{}{fold}", tree_prefix(&lasts)), style.patch(theme.dim)),
            Span::styled(clean(&node.name), style.patch(name_style)),
        ];
        let mark = match &node.mark {
            Some(Mark::Cycle) => " (parent cycle broken here)".to_string(),
            Some(Mark::BrokenParent(name)) => format!(" (no card named \"{}\")", clean(name)),
            None => String::new(),
        };
        if !mark.is_empty() {
            spans.push(Span::styled(mark, style.patch(theme.error)));
        }
        lines.push(fit_line(spans, area.width));
    }
    if outline.shown.is_empty() {
        lines.push(Line::from(Span::styled("no cards here", theme.dim)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The connections pane: a heading per kind, two lines per connection (the card, then
/// why), scrolled to keep the chosen one in sight.
fn render_connections(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let width = usize::from(area.width);
    let title = app.preview.as_ref().map_or("", |p| p.title.as_str());
    let mut lines = vec![
        Line::from(Span::styled(
            cut(&format!("connections of {}", clean(title)), width),
            theme.title.add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(cut("Enter jumps · Bksp back · p the card", width), theme.dim)),
    ];
    let Some(pane) = &app.connections else {
        return frame.render_widget(Paragraph::new(lines), area);
    };
    let items = match &pane.items {
        None => {
            lines.push(Line::from(Span::styled("reading…", theme.dim)));
            return frame.render_widget(Paragraph::new(lines), area);
        }
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(cut(&clean(e), width), theme.error)));
            return frame.render_widget(Paragraph::new(lines), area);
        }
        Some(Ok(items)) if items.is_empty() => {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled("no links, backlinks or related cards", theme.dim)));
            return frame.render_widget(Paragraph::new(lines), area);
        }
        Some(Ok(items)) => items,
    };
    let mut chosen_line = 0;
    for (i, item) in items.iter().enumerate() {
        if i == 0 || items[i - 1].kind != item.kind {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(item.kind.heading(), theme.header)));
        }
        let name = match item.path {
            Some(_) => clean(&item.title),
            None => format!("{} (no such card)", clean(&item.title)),
        };
        let style = match (i == pane.selected, item.path.is_some()) {
            (true, _) => theme.selected,
            (false, true) => theme.title,
            (false, false) => theme.dim,
        };
        if i == pane.selected {
            chosen_line = lines.len();
        }
        lines.push(Line::from(Span::styled(pad(&cut(&format!(" {name}"), width), width), style)));
        lines.push(Line::from(Span::styled(cut(&format!("   {}", clean(&item.detail)), width), theme.dim)));
    }
    let height = usize::from(area.height);
    let scroll = (chosen_line + 2).saturating_sub(height);
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
}

fn render_board(app: &App, board: &Board, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    const MIN_COLUMN: u16 = 16;
    let fit = usize::from((area.width / MIN_COLUMN).max(1)).min(board.columns.len().max(1));
    // The window of columns keeps the cursor's column in view.
    let first =
        board.column.saturating_sub(fit.saturating_sub(1)).min(board.columns.len().saturating_sub(fit));
    let shown = &board.columns[first..(first + fit).min(board.columns.len())];
    let parts = Layout::default()
        .direction(Direction::Horizontal)
        .constraints(vec![Constraint::Ratio(1, shown.len().max(1) as u32); shown.len().max(1)])
        .split(area);
    for (n, (column, rect)) in shown.iter().zip(parts.iter()).enumerate() {
        let index = first + n;
        let current = index == board.column;
        let title = format!(" {} ({}) ", column.label, column.cards.len());
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if current { theme.tab_active } else { theme.dim })
            .title(Span::styled(
                cut(&clean(&title), usize::from(rect.width.saturating_sub(2))),
                theme.header,
            ));
        let inner = block.inner(*rect);
        frame.render_widget(block, *rect);
        let height = usize::from(inner.height);
        let skip = if current { board.row.saturating_sub(height.saturating_sub(1)) } else { 0 };
        let lines: Vec<Line> = column
            .cards
            .iter()
            .enumerate()
            .skip(skip)
            .take(height)
            .map(|(r, &i)| {
                let style = if current && r == board.row { theme.selected } else { Style::default() };
                Line::from(Span::styled(pad(&clean(&app.rows[i].title), usize::from(inner.width)), style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn filter_line<'a>(app: &'a App, theme: &Theme, width: u16) -> Line<'a> {
    let filter = &app.filter;
    // Why the rows shown are not what the line asks for, until a query succeeds.
    let error = filter.error.as_ref();
    if !filter.editing && filter.text.is_empty() {
        let mut spans = vec![Span::styled("/ filter   ? help   q quit", theme.dim)];
        if let Some(error) = error {
            spans.push(Span::styled(format!("  ✗ {}", clean(error)), theme.error));
        }
        return fit_line(spans, width);
    }
    let mut spans = vec![Span::styled("/ ", theme.key)];
    let text = clean(&filter.text);
    if filter.editing {
        let room = usize::from(width).saturating_sub(2);
        spans.extend(typing(&filter.text, filter.cursor, room, theme));
    } else {
        spans.push(Span::raw(text));
    }
    // After the text, in what room it leaves: the cursor and the typing come first.
    if let Some(error) = error {
        spans.push(Span::styled(format!("  ✗ {}", clean(error)), theme.error));
    }
    fit_line(spans, width)
}

fn status_line<'a>(app: &App, theme: &Theme, width: u16) -> Line<'a> {
    let shown = match &app.board {
        Some(board) => board.columns.iter().map(|c| c.cards.len()).sum(),
        None => app.visible.len(),
    };
    let index = match app.index.reading_text() {
        Some(reading) => format!("indexing {reading}"),
        None if app.index.refreshing => "indexing…".to_string(),
        None => "index ok".to_string(),
    };
    // While only the first screenful is loaded, how many match is not known yet.
    let more = if app.partial && app.board.is_none() { "+" } else { "" };
    let mut text = format!(
        " {shown}{more}/{} cards │ {} │ sort {} │ {index}",
        app.index.total,
        clean(&app.current_view().name),
        clean(&app.sort_name())
    );
    if app.index.errors > 0 {
        text.push_str(&format!(" │ {} with errors (termdex check)", app.index.errors));
    }
    let mut spans = vec![Span::styled(text, theme.status)];
    if let Some(message) = &app.status_message {
        spans.push(Span::styled(format!(" │ {}", clean(message)), theme.message));
    }
    fit_line(spans, width)
}

/// The keys, in one column, or two side by side when the screen is too short for one.
fn render_help(frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let key_width = BINDINGS.iter().map(|b| b.keys.width()).max().unwrap_or(4) + 2;
    let text_width = BINDINGS.iter().map(|b| b.help.width()).max().unwrap_or(20);
    let cell = |b: &keymap::Binding| {
        vec![Span::styled(pad(b.keys, key_width), theme.key), Span::raw(pad(b.help, text_width))]
    };
    let two = usize::from(area.height) < BINDINGS.len() + 2;
    let per_column = if two { BINDINGS.len().div_ceil(2) } else { BINDINGS.len() };
    let lines: Vec<Line> = (0..per_column)
        .map(|row| {
            let mut spans = cell(&BINDINGS[row]);
            if two {
                spans.push(Span::styled("│", theme.tab_active));
                match BINDINGS.get(row + per_column) {
                    Some(b) => spans.extend(cell(b)),
                    None => spans.push(Span::raw(" ".repeat(key_width + text_width))),
                }
            }
            Line::from(spans)
        })
        .collect();
    let columns = if two { 2 } else { 1 };
    let width = (columns * (key_width + text_width) + columns + 1) as u16;
    let popup = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" keys — any key closes ")
        .border_style(theme.tab_active);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn render_templates(app: &App, selected: usize, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let lines: Vec<Line> = app
        .templates
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let style = if i == selected { theme.selected } else { Style::default() };
            Line::from(Span::styled(format!(" {} ", clean(name)), style))
        })
        .collect();
    let popup = centered(area, 30, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block =
        Block::default().borders(Borders::ALL).title(" new card from ").border_style(theme.tab_active);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// The title line of a new card.
fn render_title(text: &str, cursor: usize, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let popup = centered(area, 64, 3);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" title of the new card — Enter: edit it, Esc: give up ")
        .border_style(theme.tab_active);
    let line = Line::from(typing(text, cursor, usize::from(popup.width.saturating_sub(2)), theme));
    frame.render_widget(Paragraph::new(line).block(block), popup);
}

/// A line being typed, in `width` terminal cells, the cursor a reversed cell (a blank one
/// past the end, where typing goes). Too long a line scrolls by half its width, so the
/// cursor stays in view and the text under it stays put while the cursor moves within
/// the half it is in; a `…` at either end says there is more that way.
fn typing<'a>(text: &str, cursor: usize, width: usize, theme: &Theme) -> Vec<Span<'a>> {
    let cursor = if text.is_char_boundary(cursor) { cursor } else { text.len() };
    let at = text[..cursor.min(text.len())].chars().count();
    // `clean` puts one char for each, so char `at` is still the one under the cursor.
    let mut cells: Vec<(char, usize)> = clean(text).chars().map(|c| (c, c.width().unwrap_or(0))).collect();
    if cells.get(at).is_none_or(|&(_, w)| w == 0) {
        // Past the end, or on a mark that combines with the char before it (no cell of
        // its own to reverse): a blank cell shows where the cursor is.
        cells.insert(at, (' ', 1));
    }
    let cursor_col: usize = cells[..at].iter().map(|c| c.1).sum();
    let cursor_width = cells[at].1;
    let total: usize = cells.iter().map(|c| c.1).sum();
    // The first column shown, and whether a `…` takes the first or the last cell.
    let (start, marks) = if total <= width {
        (0, false)
    } else if width < cursor_width + 2 {
        // No room for a mark beside the cursor: the cursor first.
        (cursor_col, false)
    } else {
        let least = (cursor_col + cursor_width + 1).saturating_sub(width);
        let page = (width / 2).max(1);
        let start = least.div_ceil(page) * page;
        (if start < cursor_col { start } else { least }, true)
    };
    let left = usize::from(marks && start > 0);
    let right = usize::from(marks && total > start + width);
    let (from, to) = (start + left, start + width - right);
    let mut spans = Vec::new();
    if left == 1 {
        spans.push(Span::styled("…", theme.dim));
    }
    let mut plain = String::new();
    let mut col = 0;
    for (i, &(c, w)) in cells.iter().enumerate() {
        let (begin, end) = (col, col + w);
        col = end;
        let shown = if begin >= from && end <= to {
            c.to_string()
        } else {
            // A wide char cut by an edge leaves blanks in the cells it had there.
            " ".repeat(end.min(to).saturating_sub(begin.max(from)))
        };
        if i == at {
            spans.push(Span::raw(std::mem::take(&mut plain)));
            spans.push(Span::styled(shown, theme.cursor));
        } else {
            plain.push_str(&shown);
        }
    }
    spans.push(Span::raw(plain));
    if right == 1 {
        spans.push(Span::styled("…", theme.dim));
    }
    spans.retain(|s| !s.content.is_empty());
    spans
}

/// The cards a new card may duplicate, before the editor opens on it.
fn render_duplicates(hints: &[String], frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(100);
    let mut lines: Vec<Line> =
        hints.iter().map(|h| Line::raw(cut(&clean(h), usize::from(width - 2)))).collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Enter: make it anyway · Esc: give up", theme.key)));
    let popup = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" you may have this card already ")
        .border_style(theme.tab_active);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height }
}

/// Text cut to `width` terminal cells, with `…` when something was cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Text cut or padded to exactly `width` cells.
fn pad(text: &str, width: usize) -> String {
    let cut = cut(text, width);
    let fill = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(fill))
}

/// Spans cut to the width of the line, the last one shortened with `…`.
fn fit_line<'a>(spans: Vec<Span<'a>>, width: u16) -> Line<'a> {
    let mut left = usize::from(width);
    let mut out = Vec::new();
    for span in spans {
        let w = span.content.width();
        if w <= left {
            left -= w;
            out.push(span);
        } else {
            out.push(Span::styled(cut(&span.content, left), span.style));
            break;
        }
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_counts_terminal_cells() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("a long title", 6), "a lon…");
        assert_eq!(cut("日本語のタイトル", 7), "日本語…");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    /// The line `typing` draws, the cursor's cell in brackets, and its width in cells.
    fn typed(text: &str, cursor: usize, width: usize) -> (String, usize) {
        let theme = Theme::new(false);
        let spans = typing(text, cursor, width, &theme);
        let cells = Line::from(spans.clone()).width();
        let shown = spans
            .iter()
            .map(|s| if s.style == theme.cursor { format!("[{}]", s.content) } else { s.content.to_string() })
            .collect();
        (shown, cells)
    }

    #[test]
    fn a_long_line_being_typed_scrolls_by_half_its_width_to_keep_the_cursor_in_view() {
        let abc = "abcdefghijklmnopqrstuvwxyz";
        assert_eq!(typed("abc", 3, 10), ("abc[ ]".into(), 4));
        assert_eq!(typed(abc, abc.len(), 10), ("…vwxyz[ ]".into(), 7), "room is left after the end");
        assert_eq!(typed(abc, 0, 10), ("[a]bcdefghi…".into(), 10));
        assert_eq!(typed(abc, 12, 10), ("…ghijkl[m]n…".into(), 10));
        assert_eq!(typed(abc, 13, 10), ("…ghijklm[n]…".into(), 10), "no scroll within the half");
        assert_eq!(typed(abc, 14, 10), ("…lmn[o]pqrs…".into(), 10), "half a width at the edge");
        let cjk = "日本語のタイトルです";
        assert_eq!(typed(cjk, cjk.len(), 10), ("…です[ ]".into(), 6), "2 cells a char");
        assert_eq!(typed(cjk, "日本語のタ".len(), 10), ("…のタ[イ]ト…".into(), 10));
        assert_eq!(typed(cjk, "日本語のタ".len(), 9), ("… のタ[イ]…".into(), 9), "a cut char leaves a blank");
        assert_eq!(typed("a\u{1b}[2Jb", 1, 20), ("a[\u{fffd}][2Jb".into(), 6), "cleaned, cursor kept");
        assert_eq!(typed("e\u{301}x", 1, 20), ("e[ ]\u{301}x".into(), 3), "a combining mark: a blank cell");
        assert_eq!(typed(cjk, cjk.len(), 2), ("[ ]".into(), 1), "too narrow for a mark");
        assert_eq!(typed("abc", 99, 10), ("abc[ ]".into(), 4), "a cursor past the end is at the end");
    }
}
