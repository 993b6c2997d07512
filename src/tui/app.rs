//! The TUI's state and its update function (the Elm "model" and "update").
//!
//! `update` is pure: it changes the state and returns effects for the runtime to carry
//! out (query, edit, move a card ...). That keeps every key sequence testable without a
//! terminal, a database or an editor.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::config::{Config, View};
use crate::frontmatter::EditValue;
use crate::index::CardRow;
use crate::query::filter::{Expr, Op};
use crate::query::fuzzy::{self, Haystacks};
use crate::query::{Clock, SortKey, dates, parse_keys};

use super::board::Board;
use super::keymap::{self, Action};

/// What the runtime should do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run the view's query with the structured part of the filter again.
    Load,
    /// Open a card in the editor (terminal suspended), then re-index it.
    Edit { path: String },
    /// Create a card from a template with these fields set, then edit it.
    New { template: String, sets: Vec<(String, EditValue)> },
    /// Set (or with `None` remove) one field of a card, then re-index it.
    Move { path: String, field: String, value: Option<String> },
    /// Refresh the index from the files.
    Reindex,
}

/// Which screen has the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    List,
    Help,
    /// Choosing a template for a new card.
    Templates {
        selected: usize,
    },
}

/// The filter line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterInput {
    pub text: String,
    /// Byte offset of the cursor in `text`.
    pub cursor: usize,
    /// The line has the keys.
    pub editing: bool,
    /// Why the text does not parse, shown in place of results that would be wrong.
    pub error: Option<String>,
}

/// The selected card, as the preview shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preview {
    pub path: String,
    pub title: String,
    pub fields: Vec<(String, String)>,
    pub body: String,
    pub error: Option<String>,
}

/// What the status bar reports about the index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexState {
    pub total: usize,
    pub errors: usize,
    pub refreshing: bool,
    /// The last problem or news, shown until the next key.
    pub message: Option<String>,
}

/// Sorts `s` cycles through after the view's own.
const SORT_CYCLE: &[&str] = &["title", "-modified", "-created", "path"];

pub struct App {
    pub views: Vec<View>,
    pub view: usize,
    config: Config,
    pub rows: Vec<CardRow>,
    /// Built on the first fuzzy word, not on load: most loads are never fuzzily filtered.
    haystacks: Option<Haystacks>,
    /// Indices into `rows`, in display order, after the fuzzy words.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First row shown (the list scrolls to keep the selection visible).
    pub offset: usize,
    /// Rows per page, as last drawn.
    pub page: usize,
    pub filter: FilterInput,
    /// The structured part of the filter in force (what the last load asked for).
    pub structured: Expr,
    /// Why the last load failed (a filter that parses but does not compile, like
    /// `deadline>soon`), kept until a load succeeds: until then the rows are the last
    /// good ones, not what the filter line says.
    pub load_error: Option<String>,
    /// Only the first screenful of rows is loaded yet (the first frame); the count of
    /// matching cards is not known.
    pub partial: bool,
    /// A card to put the cursor on once a load brings it (a card just created or moved,
    /// re-indexed in the background).
    following: Option<String>,
    pub fuzzy: String,
    /// `None`: the view's sort; else a position in [`SORT_CYCLE`].
    pub sort: Option<usize>,
    pub mode: Mode,
    pub board: Option<Board>,
    pub templates: Vec<String>,
    pub preview: Option<Preview>,
    pub index: IndexState,
    /// Colours on (off with NO_COLOR or `--color never`).
    pub color: bool,
    pub quit: bool,
}

impl App {
    pub fn new(config: Config, view: Option<&str>, templates: Vec<String>) -> App {
        let views = config.views.clone();
        let wanted = view.unwrap_or(&config.default_view);
        let view = views.iter().position(|v| v.name == wanted).unwrap_or(0);
        App {
            views,
            view,
            config,
            rows: Vec::new(),
            haystacks: None,
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            page: 10,
            filter: FilterInput::default(),
            structured: Expr::All,
            load_error: None,
            partial: false,
            following: None,
            fuzzy: String::new(),
            sort: None,
            mode: Mode::List,
            board: None,
            templates,
            preview: None,
            index: IndexState::default(),
            color: true,
            quit: false,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn current_view(&self) -> &View {
        &self.views[self.view]
    }

    /// The sort keys in force, or `None` for the view's own.
    pub fn sort_keys(&self) -> Option<Vec<SortKey>> {
        self.sort.map(|i| parse_keys([SORT_CYCLE[i]]))
    }

    /// A name for the sort in force, for the status bar.
    pub fn sort_name(&self) -> String {
        match self.sort {
            Some(i) => SORT_CYCLE[i].to_string(),
            None => self.current_view().sort.join(","),
        }
    }

    /// The card under the cursor (in the board: in the current column).
    pub fn selected_row(&self) -> Option<&CardRow> {
        match &self.board {
            Some(board) => board.selected().and_then(|i| self.rows.get(i)),
            None => self.visible.get(self.selected).and_then(|&i| self.rows.get(i)),
        }
    }

    pub fn selected_path(&self) -> Option<String> {
        self.selected_row().map(|r| r.path.clone())
    }

    /// New rows from the query; the cursor stays on the same card when it is still there,
    /// or goes to the card being followed once it arrives.
    pub fn set_rows(&mut self, rows: Vec<CardRow>) {
        let keep = self.selected_path();
        self.haystacks = None;
        self.rows = rows;
        self.apply_fuzzy();
        let followed = self.following.take_if(|path| self.rows.iter().any(|r| r.path == *path));
        if let Some(path) = followed.or(keep) {
            self.select_path(&path);
        }
    }

    /// Puts the cursor on `path` now if it is shown, and again when the next loads bring
    /// it (it may not be indexed yet).
    pub fn follow(&mut self, path: &str) {
        self.select_path(path);
        self.following = Some(path.to_string());
    }

    /// Stops following a card: the background re-index it waited for is done.
    pub fn stop_following(&mut self) {
        self.following = None;
    }

    /// The rows per page after a resize; the scroll offset is clamped again, so that the
    /// selection stays on screen when the terminal shrinks.
    pub fn set_page(&mut self, page: usize) {
        if page != self.page {
            self.page = page;
            self.clamp();
        }
    }

    /// Puts the cursor on a card, in the list or the board, if it is shown.
    pub fn select_path(&mut self, path: &str) {
        if let Some(pos) = self.visible.iter().position(|&i| self.rows[i].path == path) {
            self.selected = pos;
        }
        if let Some(board) = &mut self.board {
            board.select(|i| self.rows[i].path == path);
        }
        self.clamp();
    }

    fn apply_fuzzy(&mut self) {
        self.visible = if self.fuzzy.trim().is_empty() {
            (0..self.rows.len()).collect()
        } else {
            self.haystacks.get_or_insert_with(|| Haystacks::new(&self.rows)).rank(&self.fuzzy)
        };
        self.rebuild_board();
        self.clamp();
    }

    fn rebuild_board(&mut self) {
        if let Some(board) = &self.board {
            let field = board.field.clone();
            let previous = board.clone();
            let mut rebuilt = Board::build(&field, &self.rows, &self.visible, &self.config);
            rebuilt.keep_position(&previous);
            self.board = Some(rebuilt);
        }
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.page > 0 && self.selected >= self.offset + self.page {
            self.offset = self.selected + 1 - self.page;
        }
    }

    /// Applies one terminal event; returns what the runtime should do.
    pub fn update(&mut self, event: &Event) -> Vec<Effect> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                self.index.message = None;
                self.key(key)
            }
            // The wheel scrolls the list; over the help or the template picker it does
            // nothing rather than move the list hidden behind them.
            Event::Mouse(_) if self.mode != Mode::List => Vec::new(),
            Event::Mouse(mouse) => match mouse.kind {
                MouseEventKind::ScrollDown => {
                    self.act(Action::Down).into_iter().chain(self.act(Action::Down)).collect()
                }
                MouseEventKind::ScrollUp => {
                    self.act(Action::Up).into_iter().chain(self.act(Action::Up)).collect()
                }
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        match self.mode {
            Mode::Help => {
                self.mode = Mode::List;
                return Vec::new();
            }
            Mode::Templates { selected } => return self.template_key(key, selected),
            Mode::List => {}
        }
        if self.filter.editing {
            return self.filter_key(key);
        }
        if let Some(n) = keymap::view_number(key) {
            return self.switch_view(n);
        }
        match keymap::action(key) {
            Some(action) => self.act(action),
            None => Vec::new(),
        }
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Down => self.move_cursor(1),
            Action::Up => self.move_cursor(-1),
            Action::Top => self.move_cursor(isize::MIN / 2),
            Action::Bottom => self.move_cursor(isize::MAX / 2),
            Action::PageDown => self.move_cursor(self.page.max(1) as isize),
            Action::PageUp => self.move_cursor(-(self.page.max(1) as isize)),
            Action::Edit => {
                return self.selected_path().map(|path| Effect::Edit { path }).into_iter().collect();
            }
            Action::New => self.mode = Mode::Templates { selected: self.default_template() },
            Action::NextView => return self.switch_view((self.view + 1) % self.views.len()),
            Action::PrevView => {
                return self.switch_view((self.view + self.views.len() - 1) % self.views.len());
            }
            Action::CycleSort => {
                self.sort = match self.sort {
                    None => Some(0),
                    Some(i) if i + 1 < SORT_CYCLE.len() => Some(i + 1),
                    Some(_) => None,
                };
                return vec![Effect::Load];
            }
            Action::Board => self.toggle_board(),
            Action::ColumnLeft => self.board_column(-1),
            Action::ColumnRight => self.board_column(1),
            Action::MoveLeft => return self.move_card(-1),
            Action::MoveRight => return self.move_card(1),
            Action::Reindex => {
                self.index.refreshing = true;
                return vec![Effect::Reindex];
            }
            Action::Help => self.mode = Mode::Help,
            Action::Filter => {
                self.filter.editing = true;
                self.filter.cursor = self.filter.text.len();
            }
            Action::Escape => return self.escape(),
            Action::Quit => self.quit = true,
        }
        Vec::new()
    }

    fn move_cursor(&mut self, delta: isize) {
        if let Some(board) = &mut self.board {
            board.move_row(delta);
            return;
        }
        let last = self.visible.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
        self.clamp();
    }

    fn switch_view(&mut self, view: usize) -> Vec<Effect> {
        if view >= self.views.len() || view == self.view {
            return Vec::new();
        }
        self.view = view;
        self.sort = None;
        self.selected = 0;
        self.offset = 0;
        if self.board.is_some() {
            self.board = None;
            self.toggle_board();
        }
        vec![Effect::Load]
    }

    fn toggle_board(&mut self) {
        if self.board.take().is_some() {
            return;
        }
        let Some(field) = self.current_view().group_by.clone() else {
            self.index.message = Some(format!(
                "view `{}` has no group_by field to make a board of (set one in .termdex/config.toml)",
                self.current_view().name
            ));
            return;
        };
        let mut board = Board::build(&field, &self.rows, &self.visible, &self.config);
        if let Some(path) = self.selected_path() {
            board.select(|i| self.rows[i].path == path);
        }
        self.board = Some(board);
    }

    fn board_column(&mut self, delta: isize) {
        if let Some(board) = &mut self.board {
            board.move_column(delta);
        }
    }

    /// `H`/`L`: the selected card goes to the neighbouring column, which means its group
    /// field gets that column's value (or is removed, for the column of cards without one).
    fn move_card(&mut self, delta: isize) -> Vec<Effect> {
        let Some(board) = &self.board else { return Vec::new() };
        let (Some(row), Some(target)) = (board.selected(), board.neighbour(delta)) else { return Vec::new() };
        let path = self.rows[row].path.clone();
        let value = board.columns[target].value.clone();
        let field = board.field.clone();
        if let Some(board) = &mut self.board {
            board.move_column(delta);
        }
        vec![Effect::Move { path, field, value }]
    }

    fn escape(&mut self) -> Vec<Effect> {
        if self.board.take().is_some() {
            return Vec::new();
        }
        if !self.filter.text.is_empty() {
            return self.set_filter(String::new());
        }
        Vec::new()
    }

    fn filter_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let mut text = self.filter.text.clone();
        let cursor = self.filter.cursor.min(text.len());
        match key.code {
            KeyCode::Enter => {
                self.filter.editing = false;
                return Vec::new();
            }
            KeyCode::Esc => {
                self.filter.editing = false;
                return self.set_filter(String::new());
            }
            KeyCode::Char('u') if ctrl => text.clear(),
            KeyCode::Char('c') if ctrl => {
                self.quit = true;
                return Vec::new();
            }
            KeyCode::Char(c) if !ctrl => {
                text.insert(cursor, c);
                self.filter.cursor = cursor + c.len_utf8();
            }
            KeyCode::Backspace => {
                if let Some((at, _)) = text[..cursor].char_indices().next_back() {
                    text.remove(at);
                    self.filter.cursor = at;
                }
            }
            KeyCode::Left => {
                self.filter.cursor = text[..cursor].char_indices().next_back().map_or(0, |(i, _)| i);
                return Vec::new();
            }
            KeyCode::Right => {
                self.filter.cursor = text[cursor..].chars().next().map_or(cursor, |c| cursor + c.len_utf8());
                return Vec::new();
            }
            KeyCode::Down | KeyCode::Up => {
                return self.act(if key.code == KeyCode::Down { Action::Down } else { Action::Up });
            }
            _ => return Vec::new(),
        }
        self.set_filter(text)
    }

    /// A new filter text: plain words re-rank at once; a changed structured part reloads.
    /// Text that does not parse keeps the last good results and shows why.
    fn set_filter(&mut self, text: String) -> Vec<Effect> {
        self.filter.cursor = self.filter.cursor.min(text.len());
        self.filter.text = text;
        let line = match fuzzy::split(&self.filter.text) {
            Ok(line) => line,
            Err(e) => {
                self.filter.error = Some(e.message);
                return Vec::new();
            }
        };
        self.filter.error = None;
        self.fuzzy = line.fuzzy;
        // Compared without positions: typing in front of `status:todo` moves the term
        // but asks the same question, which needs no new query. The new positions are
        // still kept, for errors to point at.
        let same = same_filter(&line.structured, &self.structured);
        self.structured = line.structured;
        if !same {
            return vec![Effect::Load];
        }
        self.selected = 0;
        self.offset = 0;
        self.apply_fuzzy();
        Vec::new()
    }

    fn default_template(&self) -> usize {
        let wanted = self
            .prefill()
            .into_iter()
            .find_map(|(k, v)| match v {
                EditValue::Scalar(what) if k == "what" => Some(what),
                _ => None,
            })
            .unwrap_or_else(|| self.config.new.template.clone());
        self.templates.iter().position(|t| *t == wanted).unwrap_or(0)
    }

    fn template_key(&mut self, key: &KeyEvent, selected: usize) -> Vec<Effect> {
        let last = self.templates.len().saturating_sub(1);
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            // Ctrl-C quits from everywhere, as it does in the list and the filter line.
            self.quit = true;
            return Vec::new();
        }
        match keymap::action(key) {
            Some(Action::Down) => self.mode = Mode::Templates { selected: (selected + 1).min(last) },
            Some(Action::Up) => self.mode = Mode::Templates { selected: selected.saturating_sub(1) },
            Some(Action::Edit) => {
                self.mode = Mode::List;
                if let Some(template) = self.templates.get(selected) {
                    return vec![Effect::New { template: template.clone(), sets: self.prefill() }];
                }
            }
            Some(Action::Escape | Action::Quit) => self.mode = Mode::List,
            _ => {}
        }
        Vec::new()
    }

    /// Fields a new card gets from where the user is: the view's (and the filter's)
    /// positive `field:value` terms, and on a board the current column.
    pub fn prefill(&self) -> Vec<(String, EditValue)> {
        let mut fields = Vec::new();
        if let Ok(expr) = crate::query::filter::parse(&self.current_view().filter) {
            self.equalities(&expr, &mut fields);
        }
        self.equalities(&self.structured, &mut fields);
        if let Some(board) = &self.board
            && let Some(value) = board.columns.get(board.column).and_then(|c| c.value.clone())
        {
            fields.retain(|(k, _)| *k != board.field);
            fields.push((board.field.clone(), EditValue::Scalar(value)));
        }
        fields
    }

    /// `key:value` terms that must hold for every card shown (top level of an AND, not
    /// negated, not inside OR), as values to write. Tags stay a list. A value that is not
    /// a literal is left out: `deadline:+3d` or `due:this-week` match a range of dates
    /// that moves with the clock, and writing the words would break a date field.
    fn equalities(&self, expr: &Expr, out: &mut Vec<(String, EditValue)>) {
        match expr {
            Expr::And(items) => items.iter().for_each(|e| self.equalities(e, out)),
            Expr::Field { key, op: Op::Eq, value, .. }
                if !matches!(key.as_str(), "title" | "path" | "dir" | "modified" | "created")
                    && !self.relative_date(key, value) =>
            {
                match out.iter_mut().find(|(k, _)| k == key) {
                    Some((_, EditValue::List(tags))) if key == "tags" => {
                        if !tags.contains(value) {
                            tags.push(value.clone());
                        }
                    }
                    Some(_) => {}
                    None if key == "tags" => out.push((key.clone(), EditValue::List(vec![value.clone()]))),
                    None => out.push((key.clone(), EditValue::Scalar(value.clone()))),
                }
            }
            _ => {}
        }
    }

    /// Whether `value` is a date word whose day depends on today (`+3d`, `today`,
    /// `this-week`) rather than a value of its own: a word of the field's declared order
    /// (`when:today`) is a value. Asked of the query layer's dates at two different
    /// todays, so the update stays pure and agrees with how filters read dates.
    fn relative_date(&self, key: &str, value: &str) -> bool {
        let lower = value.to_lowercase();
        if self.config.field(key).is_some_and(|spec| spec.order.contains(&lower)) {
            return false;
        }
        let clock = |day: &str| day.parse().ok().map(|d| Clock::new(d, jiff::tz::TimeZone::UTC));
        match (clock("2000-01-01"), clock("2001-06-15")) {
            (Some(a), Some(b)) => dates::span(value, &a) != dates::span(value, &b),
            _ => false,
        }
    }
}

/// Whether two filters ask the same question: equal but for where their terms are in
/// the text.
fn same_filter(a: &Expr, b: &Expr) -> bool {
    match (a, b) {
        (Expr::And(x), Expr::And(y)) | (Expr::Or(x), Expr::Or(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_filter(a, b))
        }
        (Expr::Not(x), Expr::Not(y)) => same_filter(x, y),
        (Expr::Field { key: k1, op: o1, value: v1, .. }, Expr::Field { key: k2, op: o2, value: v2, .. }) => {
            k1 == k2 && o1 == o2 && v1 == v2
        }
        (Expr::View { name: n1, .. }, Expr::View { name: n2, .. }) => n1 == n2,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn row(path: &str, title: &str, fields: &str) -> CardRow {
        CardRow { path: path.into(), title: title.into(), fields_json: fields.into(), ..CardRow::default() }
    }

    fn app() -> App {
        let templates = vec!["bookmark".into(), "note".into(), "task".into()];
        let mut app = App::new(Config::builtin(), Some("tasks"), templates);
        app.set_rows(vec![
            row("a.md", "Alpha plan", r#"{"what":"task","when":"today","status":"todo"}"#),
            row("b.md", "Beta", r#"{"what":"task","when":"week","status":"active"}"#),
            row("c.md", "Gamma plan", r#"{"what":"task","status":"todo"}"#),
        ]);
        app
    }

    fn keys(app: &mut App, codes: &[KeyCode]) -> Vec<Effect> {
        codes.iter().flat_map(|c| app.update(&key(*c))).collect()
    }

    #[test]
    fn moving_is_clamped_and_g_goes_to_the_ends() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('j'), KeyCode::Char('j'), KeyCode::Char('j')]);
        assert_eq!(app.selected_path().as_deref(), Some("c.md"));
        keys(&mut app, &[KeyCode::Char('g')]);
        assert_eq!(app.selected, 0);
        keys(&mut app, &[KeyCode::Char('G'), KeyCode::Char('k')]);
        assert_eq!(app.selected_path().as_deref(), Some("b.md"));
    }

    #[test]
    fn typing_plain_words_filters_fuzzily_without_a_query() {
        let mut app = app();
        let effects =
            keys(&mut app, &[KeyCode::Char('/'), KeyCode::Char('p'), KeyCode::Char('l'), KeyCode::Char('a')]);
        assert!(effects.is_empty(), "{effects:?}");
        let shown: Vec<&str> = app.visible.iter().map(|&i| app.rows[i].path.as_str()).collect();
        assert_eq!(shown, ["a.md", "c.md"]);
        assert!(app.filter.editing);
        keys(&mut app, &[KeyCode::Enter]);
        assert!(!app.filter.editing);
        assert_eq!(app.filter.text, "pla");
        keys(&mut app, &[KeyCode::Esc]);
        assert_eq!((app.filter.text.as_str(), app.visible.len()), ("", 3), "Esc clears a kept filter");
    }

    #[test]
    fn field_terms_reload_and_syntax_errors_keep_the_text() {
        let mut app = app();
        let mut effects = keys(&mut app, &[KeyCode::Char('/')]);
        for c in "status:".chars() {
            effects.extend(keys(&mut app, &[KeyCode::Char(c)]));
        }
        assert!(effects.is_empty());
        assert_eq!(app.filter.error.as_deref(), Some("expected a value after `status:`"));
        assert_eq!(app.filter.text, "status:");
        assert_eq!(keys(&mut app, &[KeyCode::Char('t')]), vec![Effect::Load]);
        assert_eq!(app.filter.error, None);
    }

    #[test]
    fn views_switch_by_tab_and_number() {
        let mut app = app();
        assert_eq!(app.current_view().name, "tasks");
        assert_eq!(keys(&mut app, &[KeyCode::Tab]), vec![Effect::Load]);
        assert_eq!(app.current_view().name, "board");
        assert_eq!(keys(&mut app, &[KeyCode::Char('1')]), vec![Effect::Load]);
        assert_eq!(app.current_view().name, "all");
        assert_eq!(keys(&mut app, &[KeyCode::BackTab]), vec![Effect::Load]);
        assert_eq!(app.current_view().name, "bookmarks");
    }

    #[test]
    fn new_cards_get_the_views_equalities() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('n')]);
        assert_eq!(app.mode, Mode::Templates { selected: 2 }, "the task template is preselected");
        let effects = keys(&mut app, &[KeyCode::Enter]);
        assert_eq!(
            effects,
            vec![Effect::New {
                template: "task".into(),
                sets: vec![("what".into(), EditValue::Scalar("task".into()))]
            }]
        );
    }

    #[test]
    fn board_moves_rewrite_the_group_field() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('b')]);
        let board = app.board.as_ref().expect("board");
        assert_eq!(board.field, "when");
        assert_eq!(app.selected_path().as_deref(), Some("a.md"));
        let effects = keys(&mut app, &[KeyCode::Char('L')]);
        assert_eq!(
            effects,
            vec![Effect::Move { path: "a.md".into(), field: "when".into(), value: Some("tomorrow".into()) }]
        );
        keys(&mut app, &[KeyCode::Esc]);
        assert!(app.board.is_none(), "Esc closes the board");
    }

    #[test]
    fn help_and_quit() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('?')]);
        assert_eq!(app.mode, Mode::Help);
        keys(&mut app, &[KeyCode::Char('q')]);
        assert_eq!((app.mode.clone(), app.quit), (Mode::List, false), "a key closes the help first");
        keys(&mut app, &[KeyCode::Char('q')]);
        assert!(app.quit);
    }

    fn type_filter(app: &mut App, text: &str) -> Vec<Effect> {
        let mut effects = keys(app, &[KeyCode::Char('/')]);
        for c in text.chars() {
            effects.extend(keys(app, &[KeyCode::Char(c)]));
        }
        effects
    }

    #[test]
    fn typing_in_front_of_a_field_term_does_not_reload() {
        let mut app = app();
        assert_eq!(type_filter(&mut app, "a status:todo").last(), Some(&Effect::Load));
        app.filter.cursor = 0;
        let effects = keys(&mut app, &[KeyCode::Char('p'), KeyCode::Char('l')]);
        assert!(effects.is_empty(), "the same question needs no query: {effects:?}");
        assert_eq!(app.filter.text, "pla status:todo");
        match &app.structured {
            Expr::Field { pos, .. } => assert_eq!(*pos, 4, "positions follow the text, for errors"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn new_cards_never_get_relative_dates_and_tags_stay_a_list() {
        let mut app = app();
        type_filter(&mut app, "deadline:+3d when:today #rust tag:cli due:this-week");
        keys(&mut app, &[KeyCode::Enter, KeyCode::Char('n')]);
        let effects = keys(&mut app, &[KeyCode::Enter]);
        let list = |items: &[&str]| EditValue::List(items.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            effects,
            vec![Effect::New {
                template: "task".into(),
                sets: vec![
                    ("what".into(), EditValue::Scalar("task".into())),
                    ("when".into(), EditValue::Scalar("today".into())),
                    ("tags".into(), list(&["rust", "cli"])),
                ]
            }]
        );
        let mut dated = self::app();
        type_filter(&mut dated, "deadline:2026-12-01");
        assert!(dated.prefill().contains(&("deadline".into(), EditValue::Scalar("2026-12-01".into()))));
    }

    #[test]
    fn shrinking_the_terminal_keeps_the_selection_on_screen() {
        let mut app = app();
        app.set_page(10);
        keys(&mut app, &[KeyCode::Char('G')]);
        assert_eq!((app.selected, app.offset), (2, 0));
        app.set_page(1);
        assert_eq!(app.offset, 2, "the selected row is the one row shown");
    }

    #[test]
    fn the_wheel_leaves_overlays_alone_and_ctrl_c_quits_the_picker() {
        use ratatui::crossterm::event::MouseEvent;
        let mut app = app();
        let wheel = Event::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 0,
            row: 0,
            modifiers: KeyModifiers::NONE,
        });
        keys(&mut app, &[KeyCode::Char('?')]);
        app.update(&wheel);
        assert_eq!((app.mode.clone(), app.selected), (Mode::Help, 0));
        keys(&mut app, &[KeyCode::Esc, KeyCode::Char('n')]);
        app.update(&wheel);
        assert_eq!(app.mode, Mode::Templates { selected: 2 }, "the wheel does not move the list behind");
        assert_eq!(app.selected, 0);
        app.update(&Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
        assert!(app.quit);
    }

    #[test]
    fn a_new_card_is_followed_until_a_load_brings_it() {
        let mut app = app();
        app.follow("d.md");
        assert_eq!(app.selected_path().as_deref(), Some("a.md"), "not indexed yet");
        let mut rows = app.rows.clone();
        rows.push(row("d.md", "Delta", r#"{"what":"task"}"#));
        app.set_rows(rows);
        assert_eq!(app.selected_path().as_deref(), Some("d.md"));
    }
}
