//! The TUI's state and its update function (the Elm "model" and "update").
//!
//! `update` is pure: it changes the state and returns effects for the runtime to carry
//! out (query, edit, move a card ...). That keeps every key sequence testable without a
//! terminal, a database or an editor. Answers come back as [`Reply`]s through
//! [`App::apply`], in whatever order the background delivers them: each query carries a
//! generation, and only the answer to the newest one is shown.

use std::cell::Cell;
use std::sync::Arc;
use std::time::Instant;

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

use crate::clock::Clock;
use crate::config::{Config, View};
use crate::frontmatter::EditValue;
use crate::index::{BadFields, CardRow, Progress};
use crate::output::field_lines;
use crate::output::progress::{Rate, progress_text};
use crate::query::connections::Connection;
use crate::query::filter::{Expr, Op};
use crate::query::fuzzy;
use crate::query::outline::{Change, Move, parent_value, plan};
use crate::query::{SortKey, dates, parse_keys};

use super::board::Board;
use super::keymap::{self, Action};
use super::line::{self, Edit};
use super::outline::{self, OutlineView};

/// What the runtime should do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Ask the index for the cards this query describes, off the UI thread; a newer
    /// query supersedes (and stops) an older one.
    Query(Query),
    /// Read a card's body for the preview.
    Preview { path: String },
    /// Read a card's connections for the connections pane.
    Connections { path: String },
    /// Read the outline; the number is this asking's (see [`App::outline_asked`]).
    Outline(u64),
    /// Rewrite parent and order fields for an outline move, then re-index; the cursor
    /// stays on the card moved (`path`).
    Rearrange { changes: Vec<Change>, path: String },
    /// Open a card in the editor (terminal suspended), then re-index it.
    Edit { path: String },
    /// Create a card from a template with these fields set (and this title), then edit it.
    /// Unless `checked`, the deck first looks for cards it may duplicate and, when there
    /// are any, names them and asks again instead ([`Mode::Duplicates`]).
    New { template: String, sets: Vec<(String, EditValue)>, title: Option<String>, checked: bool },
    /// Set (or with `None` remove) one field of a card, then re-index it.
    Move { path: String, field: String, value: Option<String> },
    /// Refresh the index from the files.
    Reindex,
    /// Rebuild the index, which a read found damaged (why), from the files.
    Heal { why: String },
}

impl Effect {
    /// Whether the frame that shows the app as the update left it is drawn before this is
    /// carried out: an outline move is shown at once ([`OutlineView::apply`]), and its
    /// files are written and synced after (a sync on a busy disk takes longer than a frame).
    pub fn drawn_first(&self) -> bool {
        matches!(self, Effect::Rearrange { .. })
    }
}

/// The cards to list: a view, its sort, and the filter line as typed (split into fuzzy
/// words and filter language where it is answered, off the UI thread).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Answers to older generations are stale.
    pub generation: u64,
    pub view: String,
    /// `None`: the view's own sort.
    pub sort: Option<Vec<SortKey>>,
    pub filter: String,
    /// Only the first rows, sorted and cut short by SQLite (the first frame).
    pub limit: Option<usize>,
}

/// What the background brings back to the app.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The answer to the query of this generation: the cards, or why there are none
    /// (a filter that does not parse or compile, an unreadable index).
    Cards { generation: u64, answer: Result<Cards, String> },
    /// A card's body, for the preview, or why it could not be read.
    Body { path: String, body: Result<String, String> },
    /// A card's connections, or why they could not be read.
    Connections { path: String, answer: Result<Vec<Connection>, String> },
    /// The outline, or why it could not be read, for the asking numbered so (the newest
    /// of those answered together).
    Outline(u64, Result<outline::Read, String>),
    /// Whether the index changed — anyone's commit: the refresher's, another termdex
    /// process's — since the cards shown were read. `after_write`: the check follows the
    /// re-index of cards the TUI itself wrote.
    IndexChecked { changed: bool, after_write: bool },
    /// A read met damage in the index (why): it must be rebuilt before it answers again.
    IndexDamaged { why: String },
    /// The cards the card `n` just saved at `path` may duplicate, each as
    /// [`crate::query::duplicates::hint`] names it, or why they could not be looked up.
    Duplicates { path: String, hints: Result<Vec<String>, String> },
}

/// Matching cards, as the list shows them.
#[derive(Debug, Clone)]
pub struct Cards {
    /// The same `Arc` as the rows shown when only the fuzzy words changed.
    pub rows: Arc<Vec<CardRow>>,
    /// Indices into `rows`, in display order, after the fuzzy words.
    pub visible: Vec<usize>,
    /// Cards in the index, and how many have errors (`None`: could not be counted).
    pub counts: Option<(usize, usize)>,
    /// Only the first screenful (the query had a limit).
    pub partial: bool,
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
    /// Typing the new card's title (empty: the template's own).
    Title {
        text: String,
        /// Byte offset of the cursor in `text`.
        cursor: usize,
    },
    /// The new card may duplicate these cards: Enter makes it anyway, Esc gives up.
    Duplicates {
        hints: Vec<String>,
    },
}

/// The card `n` is making, between the template picker and the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCard {
    pub template: String,
    pub sets: Vec<(String, EditValue)>,
    pub title: Option<String>,
}

impl PendingCard {
    fn effect(self, checked: bool) -> Effect {
        Effect::New { template: self.template, sets: self.sets, title: self.title, checked }
    }
}

/// The filter line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterInput {
    pub text: String,
    /// Byte offset of the cursor in `text`.
    pub cursor: usize,
    /// The line has the keys.
    pub editing: bool,
    /// Why the rows shown are not what the text asks for (it does not parse, or its query
    /// failed, like `deadline>soon`): kept until a query succeeds, the rows meanwhile
    /// being the last good ones.
    pub error: Option<String>,
}

/// The selected card, as the preview shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preview {
    pub path: String,
    pub title: String,
    pub fields: Vec<(String, String)>,
    /// Empty until the body is read.
    pub body: String,
    /// Why the card's frontmatter does not parse.
    pub error: Option<String>,
    /// Why the body could not be read from the index.
    pub body_error: Option<String>,
    /// Whether the card is larger than the index reads, its body cut short.
    pub truncated: bool,
}

impl Preview {
    /// What the row itself says; the body follows from the index. Stored fields that do
    /// not read are damage: said in the preview, and the index's to heal.
    fn of(row: &CardRow) -> (Preview, Option<BadFields>) {
        let error = row
            .error
            .as_ref()
            .map(|e| format!("frontmatter error, line {}: {e}", row.error_line.unwrap_or(1)));
        let (fields, bad) = match row.fields() {
            Ok(fields) => (field_lines(&fields), None),
            Err(bad) => (Vec::new(), Some(bad)),
        };
        let error = match &bad {
            Some(bad) => Some(format!("the index is damaged ({bad}); rebuilding it from the cards")),
            None => error,
        };
        let preview = Preview {
            path: row.path.clone(),
            title: row.title.clone(),
            fields,
            body: String::new(),
            error,
            body_error: None,
            truncated: row.truncated,
        };
        (preview, bad)
    }
}

/// What the pane beside the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pane {
    /// The selected card: title, fields, text.
    #[default]
    Card,
    /// The selected card's connections, which then have the cursor keys.
    Connections,
}

/// The connections pane: the selected card's connections, one of them chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionsPane {
    pub path: String,
    /// `None` until the reader answers.
    pub items: Option<Result<Vec<Connection>, String>>,
    pub selected: usize,
}

impl ConnectionsPane {
    fn chosen(&self) -> Option<&Connection> {
        self.items.as_ref()?.as_ref().ok()?.get(self.selected)
    }

    fn len(&self) -> usize {
        self.items.as_ref().and_then(|i| i.as_ref().ok()).map_or(0, Vec::len)
    }
}

/// Where a jump left from: the card, and the list it was in, to come back to.
#[derive(Debug, Clone, PartialEq)]
struct Jump {
    path: String,
    view: usize,
    filter: String,
    sort: Option<usize>,
    /// The connection it went along, chosen again on the way back.
    chosen: usize,
}

/// What the status bar reports about the index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexState {
    pub total: usize,
    pub errors: usize,
    pub refreshing: bool,
    /// A long round's reading: how far, and when and where it was first seen (for the rate).
    pub reading: Option<Reading>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub now: Progress,
    first: (Instant, usize),
    rate: Option<Rate>,
}

impl IndexState {
    /// Takes in how far the refresh has got, seen at `at`.
    pub fn progress(&mut self, now: Progress, at: Instant) {
        let first = self.reading.map_or((at, now.done), |r| r.first);
        let elapsed = at.duration_since(first.0).as_secs_f64();
        let rate = (elapsed > 0.2).then(|| Rate(now.done.saturating_sub(first.1) as f64 / elapsed));
        self.reading = Some(Reading { now, first, rate });
    }

    /// `12,000/30,000 cards  4,900/s  ~4 s left`, while a long refresh reads.
    pub fn reading_text(&self) -> Option<String> {
        self.reading.filter(|_| self.refreshing).map(|r| progress_text(r.now, r.rate))
    }
}

/// Sorts `s` cycles through after the view's own.
const SORT_CYCLE: &[&str] = &["title", "-modified", "-created", "path"];

/// More cards than this written by one outline move are asked for first.
const CONFIRM_WRITES: usize = 4;

pub struct App {
    pub views: Vec<View>,
    pub view: usize,
    config: Config,
    /// Shared with the reader that answered them, which ranks them again for the next
    /// fuzzy words without reading them again.
    pub rows: Arc<Vec<CardRow>>,
    /// Indices into `rows`, in display order, after the fuzzy words.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First row shown (the list scrolls to keep the selection visible).
    pub offset: usize,
    /// Rows per page, as last drawn.
    pub page: usize,
    pub filter: FilterInput,
    /// Only the first screenful of rows is loaded yet (the first frame); the count of
    /// matching cards is not known.
    pub partial: bool,
    /// The newest query asked for; answers to older ones are dropped.
    generation: u64,
    /// The first-screen query, until its answer comes.
    first_screen: Option<u64>,
    /// The newest query was a new filter: the cursor goes to the best match (unless the
    /// rows themselves changed, when it stays on its card).
    to_top: bool,
    /// A card to put the cursor on once a load brings it (a card just created or moved,
    /// re-indexed in the background).
    following: Option<String>,
    /// The query whose answer ends the wait for [`App::following`]: the first one asked
    /// after the re-index it waited for.
    stop_following_at: Option<u64>,
    /// A followed card the rows brought before the outline held it (a card just made with
    /// `a`): the cursor goes to it with the outline asked for after those rows (that
    /// asking's number), or not at all.
    following_in_outline: Option<(String, u64)>,
    /// `None`: the view's sort; else a position in [`SORT_CYCLE`].
    pub sort: Option<usize>,
    pub mode: Mode,
    pub board: Option<Board>,
    /// The outline, when shown in place of the list.
    pub outline: Option<OutlineView>,
    /// The rows were read again while the outline is shown: read it again too.
    outline_stale: bool,
    /// How many times the outline was asked for, and the count when the index last
    /// caught up with the moves shown: an outline asked for before that does not show
    /// them all.
    outline_asked: u64,
    outline_moved: u64,
    /// A move is shown that the index may not hold yet: every outline read meanwhile may
    /// predate it (or a later one), so none is shown until [`App::moves_indexed`].
    moves_unindexed: bool,
    /// `z` was pressed: `M` or `R` follows.
    fold_pending: bool,
    /// A move that would write many cards, said once (the move and its card): the same
    /// key again, next, writes them; `confirm_armed` holds it while that key is handled.
    confirming: Option<(Move, String)>,
    confirm_armed: Option<(Move, String)>,
    /// The card the next new card goes under (`a` in the outline).
    child_of: Option<String>,
    /// The card `n` is making, until the editor opens on it.
    pub pending: Option<PendingCard>,
    pub templates: Vec<String>,
    pub preview: Option<Preview>,
    pub pane: Pane,
    pub connections: Option<ConnectionsPane>,
    /// The rows were read again: the connections are read again too.
    connections_stale: bool,
    /// Where each jump along a connection left from, newest last.
    jumps: Vec<Jump>,
    /// The connection chosen on a card a jump left from, chosen again when back on it.
    chosen_before: Option<(String, usize)>,
    /// A jump that needed a new list: the card, and the query whose answer should hold it.
    landing: Option<(String, u64)>,
    /// The rows were read again: the preview is rebuilt from the new row, and its body
    /// read again, even for the same card.
    preview_stale: bool,
    /// Lines of the selected card's body scrolled past in the preview (`^f`/`^b`), and how
    /// far the last frame's layout let it go: the app is pure, the view measures.
    pub preview_scroll: usize,
    pub preview_extent: Cell<usize>,
    pub index: IndexState,
    /// The last problem or news for the status bar (an editor that failed, a card saved,
    /// a file the refresh could not read), shown until the next key.
    pub status_message: Option<String>,
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
            rows: Arc::default(),
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            page: 10,
            filter: FilterInput::default(),
            partial: false,
            generation: 0,
            first_screen: None,
            to_top: false,
            following: None,
            stop_following_at: None,
            following_in_outline: None,
            sort: None,
            mode: Mode::List,
            board: None,
            outline: None,
            outline_stale: false,
            outline_asked: 0,
            outline_moved: 0,
            moves_unindexed: false,
            fold_pending: false,
            confirming: None,
            confirm_armed: None,
            child_of: None,
            pending: None,
            templates,
            preview: None,
            pane: Pane::Card,
            connections: None,
            connections_stale: false,
            jumps: Vec::new(),
            landing: None,
            chosen_before: None,
            preview_stale: false,
            preview_scroll: 0,
            preview_extent: Cell::new(0),
            index: IndexState::default(),
            status_message: None,
            color: true,
            quit: false,
        }
    }

    /// `.termdex/config.toml` changed while running: its views (the one shown kept by
    /// name) and outline settings are used from now on, and the cards read again.
    pub fn reconfigure(&mut self, config: Config) -> Vec<Effect> {
        let shown = self.current_view().name.clone();
        self.views = config.views.clone();
        self.view = match self.views.iter().position(|v| v.name == shown) {
            Some(at) => at,
            None => {
                let default = self.views.iter().position(|v| v.name == config.default_view).unwrap_or(0);
                self.status_message = Some(format!(
                    "view `{shown}` is no longer in .termdex/config.toml: showing `{}`",
                    self.views.get(default).map_or("", |v| v.name.as_str())
                ));
                self.selected = 0;
                self.offset = 0;
                default
            }
        };
        self.config = config;
        if self.current_view().outline {
            self.open_outline();
        }
        self.reconfigure_board();
        let mut effects = vec![self.reload()];
        effects.extend(self.read_outline_again());
        effects
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
        if let Some(outline) = &self.outline {
            return outline.selected_card();
        }
        match &self.board {
            Some(board) => board.selected().and_then(|i| self.rows.get(i)),
            None => self.visible.get(self.selected).and_then(|&i| self.rows.get(i)),
        }
    }

    pub fn selected_path(&self) -> Option<String> {
        self.selected_row().map(|r| r.path.clone())
    }

    /// The first query: the first screenful, sorted and cut short by SQLite so that the
    /// first frame does not wait for a hundred thousand rows; the rest is asked for once
    /// that frame is drawn ([`App::after_first_frame`]).
    pub fn start(&mut self) -> Vec<Effect> {
        if self.current_view().outline {
            self.open_outline();
        }
        let keys = self
            .sort_keys()
            .unwrap_or_else(|| parse_keys(self.current_view().sort.iter().map(String::as_str)));
        let Effect::Query(mut query) = self.query(false) else { return Vec::new() };
        query.sort = Some(keys);
        query.limit = Some(self.page.max(1));
        self.first_screen = Some(query.generation);
        vec![Effect::Query(query)]
    }

    /// Whether the first screenful is still on its way.
    pub fn first_screen_pending(&self) -> bool {
        self.first_screen.is_some()
    }

    /// The whole list, asked for once the first frame is on screen, whether the first
    /// screenful came in time for it or not.
    pub fn after_first_frame(&mut self) -> Vec<Effect> {
        self.first_screen = None;
        vec![self.reload()]
    }

    /// A new query for what the screen shows; `to_top`: a new filter, whose best match
    /// takes the cursor.
    fn query(&mut self, to_top: bool) -> Effect {
        self.generation += 1;
        self.to_top = to_top;
        Effect::Query(Query {
            generation: self.generation,
            view: self.current_view().name.clone(),
            sort: self.sort_keys(),
            filter: self.filter.text.clone(),
            limit: None,
        })
    }

    /// The same question asked again (the index changed, a write failed): the cursor
    /// stays on its card.
    pub fn reload(&mut self) -> Effect {
        self.query(false)
    }

    /// Applies what the background brought back; returns what the runtime should do next.
    pub fn apply(&mut self, reply: Reply) -> Vec<Effect> {
        let mut effects = Vec::new();
        match reply {
            Reply::Cards { generation, answer } if generation == self.generation => {
                match answer {
                    Ok(cards) => {
                        self.filter.error = None;
                        self.show(cards);
                    }
                    Err(e) => self.filter.error = Some(e),
                }
                self.landed(generation);
                if self.stop_following_at.is_some_and(|at| generation >= at) {
                    self.stop_following_at = None;
                    self.following = None;
                }
                self.first_screen.take_if(|first| *first == generation);
            }
            // Stale: a newer query is on its way.
            Reply::Cards { .. } => {}
            Reply::Body { path, body } => {
                if let Some(preview) = self.preview.as_mut().filter(|p| p.path == path) {
                    (preview.body, preview.body_error) = match body {
                        Ok(body) => (body, None),
                        Err(e) => (String::new(), Some(format!("cannot read this card's text: {e}"))),
                    };
                }
            }
            // Read before the index had every move this outline shows: a move would go
            // back until the next answer, and a key pressed meanwhile act on the old tree.
            Reply::Outline(asked, _) if asked <= self.outline_moved || self.moves_unindexed => {}
            Reply::Outline(asked, Ok(read)) => {
                let every = self.every_card_in_part();
                let follow = self.following_in_outline.take_if(|(_, after)| asked >= *after);
                if let Some(outline) = &mut self.outline {
                    outline.update(Some(read), &self.rows, &self.visible, every);
                    if let Some((path, _)) = follow {
                        outline.select_path(&path);
                    }
                    outline.scroll(self.page);
                    // A card shown only for context has its row read again only now, after
                    // the list's rows the preview was rebuilt from (a write re-indexed
                    // reads both again, in that order): the preview is rebuilt from it.
                    self.preview_stale |= outline.selected_is_context();
                }
            }
            Reply::Outline(_, Err(e)) => self.status_message = Some(format!("cannot read the outline: {e}")),
            Reply::Connections { path, answer } => {
                if let Some(pane) = self.connections.as_mut().filter(|p| p.path == path) {
                    pane.items = Some(answer);
                    pane.selected = pane.selected.min(pane.len().saturating_sub(1));
                }
            }
            Reply::IndexChecked { changed: true, after_write } => {
                let reload = self.reload();
                if after_write {
                    self.stop_following_at = Some(self.generation);
                }
                effects.push(reload);
            }
            Reply::IndexChecked { changed: false, after_write } => {
                if after_write {
                    self.following = None;
                }
            }
            Reply::IndexDamaged { why } => {
                self.status_message =
                    Some(format!("the index is damaged ({why}); rebuilding it from the cards"));
                effects.push(Effect::Heal { why });
            }
            Reply::Duplicates { path, hints } => self.duplicates(&path, hints),
        }
        effects.extend(self.pane_wanted());
        effects
    }

    /// Says, after what the status line says of the card just saved, which cards it may
    /// duplicate: the first by name, the others counted.
    fn duplicates(&mut self, path: &str, hints: Result<Vec<String>, String>) {
        let said = match hints {
            Ok(hints) => match hints.split_first() {
                None => return,
                Some((first, [])) => first.clone(),
                Some((first, rest)) => format!("{first} (and {} more)", rest.len()),
            },
            Err(e) => format!("could not look for cards like {path}: {e}"),
        };
        self.status_message = Some(match self.status_message.take() {
            Some(before) => format!("{before}; {said}"),
            None => said,
        });
    }

    /// An answer to the newest query: the cursor stays on the same card when it is still
    /// there (or goes to the best match, after a new filter over the same rows), or goes
    /// to the card being followed once it arrives.
    fn show(&mut self, cards: Cards) {
        let same_rows = Arc::ptr_eq(&self.rows, &cards.rows);
        let keep = if self.to_top && same_rows { None } else { self.selected_path() };
        self.preview_stale |= !same_rows;
        self.connections_stale |= !same_rows;
        self.rows = cards.rows;
        self.visible = cards.visible;
        self.partial = cards.partial;
        if let Some((total, errors)) = cards.counts {
            self.index.total = total;
            self.index.errors = errors;
        }
        if keep.is_none() {
            self.selected = 0;
            self.offset = 0;
        }
        self.rebuild_board();
        self.outline_stale |= !same_rows && self.outline.is_some();
        let every = self.every_card_in_part();
        if let Some(outline) = &mut self.outline {
            outline.update(None, &self.rows, &self.visible, every);
        }
        self.clamp();
        let followed = self.following.take_if(|path| self.rows.iter().any(|r| r.path == *path));
        // The outline holds a new card only once read again, which these rows ask for.
        if let Some(path) = followed.as_ref().filter(|_| self.outline_stale)
            && self.outline.as_ref().is_some_and(|o| o.tree.find(path).is_none())
        {
            self.following_in_outline = Some((path.clone(), self.outline_asked + 1));
        }
        if let Some(path) = followed.or(keep) {
            self.select_path(&path);
        }
    }

    /// The pane beside the list follows the cursor: the preview, and the connections
    /// when they are shown.
    fn pane_wanted(&mut self) -> Vec<Effect> {
        let outline = std::mem::take(&mut self.outline_stale).then(|| self.ask_outline());
        let preview = self.preview_wanted();
        outline.into_iter().chain(preview).chain(self.connections_wanted()).collect()
    }

    /// Whether the rows are the first screenful of a list of every card: the outline shows
    /// all of its cards from the first frame, not those of the first screenful.
    fn every_card_in_part(&self) -> bool {
        self.partial && self.current_view().filter.trim().is_empty() && self.filter.text.trim().is_empty()
    }

    /// The outline as the index has it, when it is shown (a move it shows was not written).
    pub fn read_outline_again(&mut self) -> Option<Effect> {
        self.outline.is_some().then(|| self.ask_outline())
    }

    /// The index holds every move written (or none is on its way): outlines asked for
    /// from now on show them, and one is asked for at once.
    pub fn moves_indexed(&mut self) -> Option<Effect> {
        if !std::mem::take(&mut self.moves_unindexed) {
            return None;
        }
        self.outline_moved = self.outline_asked;
        self.read_outline_again()
    }

    fn ask_outline(&mut self) -> Effect {
        self.outline_asked += 1;
        Effect::Outline(self.outline_asked)
    }

    /// Shows the outline in place of the list (its rows come from the index).
    fn open_outline(&mut self) {
        self.board = None;
        if self.outline.is_none() {
            self.outline = Some(OutlineView::new(outline::Read::default()));
        }
        self.outline_stale = true;
    }

    /// The connections of the selected card, asked for when the pane shows them; the
    /// same card's are kept (and the choice among them) until the new answer comes.
    fn connections_wanted(&mut self) -> Option<Effect> {
        if self.pane != Pane::Connections {
            return None;
        }
        let Some(path) = self.selected_path() else {
            self.connections = None;
            return None;
        };
        let same = self.connections.as_ref().is_some_and(|c| c.path == path);
        if same && !self.connections_stale {
            return None;
        }
        self.connections_stale = false;
        if !same {
            let before = self.chosen_before.take_if(|(at, _)| *at == path);
            let selected = before.map_or(0, |(_, chosen)| chosen);
            self.connections = Some(ConnectionsPane { path: path.clone(), items: None, selected });
        }
        Some(Effect::Connections { path })
    }

    /// The preview follows the cursor: shown at once from the row, its body asked for
    /// (the same card's old body is shown until the new one comes).
    fn preview_wanted(&mut self) -> Option<Effect> {
        let Some(row) = self.selected_row() else {
            self.preview = None;
            return None;
        };
        let same = self.preview.as_ref().is_some_and(|p| p.path == row.path);
        if same && !self.preview_stale {
            return None;
        }
        let (mut preview, bad) = Preview::of(row);
        if same {
            preview.body = self.preview.take().map(|p| p.body).unwrap_or_default();
        } else {
            self.preview_scroll = 0;
        }
        self.preview_stale = false;
        let path = preview.path.clone();
        self.preview = Some(preview);
        // Healed once: the preview stays on this card (not stale) until the rebuilt index's
        // cards come.
        match bad {
            Some(bad) => Some(Effect::Heal { why: bad.to_string() }),
            None => Some(Effect::Preview { path }),
        }
    }

    /// Puts the cursor on `path` now if it is shown, and again when the next loads bring
    /// it (it may not be indexed yet), until the re-index it waits for is in.
    pub fn follow(&mut self, path: &str) {
        self.select_path(path);
        self.following = Some(path.to_string());
        self.stop_following_at = None;
    }

    /// The cursor was moved by hand (`j`/`k`, `g`/`G`, pages, `h`/`l`, `zM`/`zR`): a card
    /// followed until its re-index comes no longer takes it back, nor opens its branch
    /// again (`k` pressed just after a move, before the reload, stays pressed).
    fn let_go(&mut self) {
        self.following = None;
        self.following_in_outline = None;
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
        if let Some(outline) = &mut self.outline {
            outline.select_path(path);
        }
        if let Some(pos) = self.visible.iter().position(|&i| self.rows[i].path == path) {
            self.selected = pos;
        }
        if let Some(board) = &mut self.board {
            board.select(|i| self.rows[i].path == path);
        }
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
        if let Some(outline) = &mut self.outline {
            outline.scroll(self.page);
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.page > 0 && self.selected >= self.offset + self.page {
            self.offset = self.selected + 1 - self.page;
        }
    }

    /// Applies one terminal event; returns what the runtime should do.
    pub fn update(&mut self, event: &Event) -> Vec<Effect> {
        let mut effects = self.event(event);
        effects.extend(self.pane_wanted());
        effects
    }

    fn event(&mut self, event: &Event) -> Vec<Effect> {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                self.status_message = None;
                self.key(key)
            }
            Event::Paste(text) => {
                self.status_message = None;
                self.paste(text)
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
        self.confirm_armed = self.confirming.take();
        match self.mode {
            Mode::Help => {
                self.mode = Mode::List;
                return Vec::new();
            }
            Mode::Templates { selected } => return self.template_key(key, selected),
            Mode::Title { .. } => return self.title_key(key),
            Mode::Duplicates { .. } => return self.duplicates_key(key),
            Mode::List => {}
        }
        if self.filter.editing {
            return self.filter_key(key);
        }
        if self.pane == Pane::Connections
            && let Some(effects) = self.connections_key(key)
        {
            return effects;
        }
        if std::mem::take(&mut self.fold_pending) {
            return self.fold(key);
        }
        if self.outline.is_some() && key.code == KeyCode::Tab {
            return self.act(Action::Indent);
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
                self.sort = self.next_sort();
                return vec![self.query(false)];
            }
            Action::Board => self.toggle_board(),
            // They move the cursor or close the branch of a card just moved: its re-index
            // must not take the cursor back, nor open the branch again.
            Action::ColumnLeft if self.outline.is_some() => {
                self.let_go();
                self.outline.iter_mut().for_each(OutlineView::collapse)
            }
            Action::ColumnRight if self.outline.is_some() => {
                self.let_go();
                self.outline.iter_mut().for_each(OutlineView::expand)
            }
            Action::ColumnLeft => self.board_column(-1),
            Action::ColumnRight => self.board_column(1),
            Action::Outline => self.toggle_outline(),
            Action::Indent => return self.rearrange(Move::Indent),
            Action::Outdent => return self.rearrange(Move::Outdent),
            Action::MoveUp => return self.rearrange(Move::Up),
            Action::MoveDown => return self.rearrange(Move::Down),
            Action::AddChild => self.add_child(),
            Action::Fold => self.fold_pending = self.outline.is_some(),
            Action::MoveLeft => return self.move_card(-1),
            Action::MoveRight => return self.move_card(1),
            Action::Reindex => {
                self.index.refreshing = true;
                return vec![Effect::Reindex];
            }
            Action::Connections => self.toggle_pane(),
            Action::PreviewDown => {
                let step = (self.page / 2).max(1);
                self.preview_scroll = (self.preview_scroll + step).min(self.preview_extent.get());
            }
            Action::PreviewUp => {
                self.preview_scroll = self.preview_scroll.saturating_sub((self.page / 2).max(1))
            }
            Action::Back => return self.back(),
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

    /// `p`: the pane beside the list shows the card, or its connections.
    fn toggle_pane(&mut self) {
        if self.board.is_some() {
            self.status_message = Some("the board has no preview: Esc closes it".into());
            return;
        }
        self.pane = match self.pane {
            Pane::Card => Pane::Connections,
            Pane::Connections => {
                self.connections = None;
                self.chosen_before = None;
                Pane::Card
            }
        };
    }

    /// Keys the connections pane takes: the cursor keys choose a connection, Enter jumps
    /// to it, Esc goes back to the card. `None`: the key does what it does in the list.
    fn connections_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.board.is_some() {
            return None;
        }
        let pane = self.connections.as_mut()?;
        let last = pane.len().saturating_sub(1);
        let selected = match keymap::action(key)? {
            Action::Down => pane.selected.saturating_add(1).min(last),
            Action::Up => pane.selected.saturating_sub(1),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageDown => pane.selected.saturating_add(self.page.max(1)).min(last),
            Action::PageUp => pane.selected.saturating_sub(self.page.max(1)),
            Action::Edit if key.code == KeyCode::Enter => return Some(self.jump()),
            Action::Escape => {
                self.toggle_pane();
                return Some(Vec::new());
            }
            _ => return None,
        };
        pane.selected = selected;
        Some(Vec::new())
    }

    /// Enter on a connection: the cursor goes to that card, in the list shown when it is
    /// there, else in the `all` view; Backspace comes back.
    fn jump(&mut self) -> Vec<Effect> {
        let Some(chosen) = self.connections.as_ref().and_then(ConnectionsPane::chosen).cloned() else {
            return Vec::new();
        };
        let Some(target) = chosen.path else {
            self.status_message = Some(format!("{}: there is no such card to go to", chosen.detail));
            return Vec::new();
        };
        self.chosen_before = None;
        if let Some(from) = self.selected_path() {
            let chosen = self.connections.as_ref().map_or(0, |c| c.selected);
            let (view, filter, sort) = (self.view, self.filter.text.clone(), self.sort);
            self.jumps.push(Jump { path: from, view, filter, sort, chosen });
        }
        if self.visible.iter().any(|&i| self.rows[i].path == target) {
            self.select_path(&target);
            return Vec::new();
        }
        // Hidden by the view or the filter: the view of every card shows it.
        let every = self
            .views
            .iter()
            .position(|v| v.name == "all")
            .or_else(|| self.views.iter().position(|v| v.filter.trim().is_empty()));
        self.show_list(every.unwrap_or(self.view), String::new(), None, &target)
    }

    /// Backspace: back to the card before the last jump, in the list it was in.
    fn back(&mut self) -> Vec<Effect> {
        let Some(jump) = self.jumps.pop() else {
            self.status_message = Some("no jump to go back from".into());
            return Vec::new();
        };
        self.chosen_before = Some((jump.path.clone(), jump.chosen));
        if self.board.is_none()
            && (jump.view, &jump.filter, jump.sort) == (self.view, &self.filter.text, self.sort)
        {
            self.select_path(&jump.path);
            return Vec::new();
        }
        self.show_list(jump.view.min(self.views.len() - 1), jump.filter, jump.sort, &jump.path)
    }

    /// Another list (view, filter, sort), with the cursor on `path` once it comes.
    fn show_list(&mut self, view: usize, filter: String, sort: Option<usize>, path: &str) -> Vec<Effect> {
        self.board = None;
        self.view = view;
        self.sort = sort;
        self.filter.cursor = filter.len();
        self.filter.text = filter;
        self.filter.editing = false;
        let query = self.query(false);
        self.follow(path);
        self.stop_following_at = Some(self.generation);
        self.landing = Some((path.to_string(), self.generation));
        vec![query]
    }

    /// After the answer a jump waited for: says so when the card was not in it (it was
    /// deleted meanwhile, or no view shows every card).
    fn landed(&mut self, generation: u64) {
        let Some((path, _)) = self.landing.take_if(|(_, at)| generation >= *at) else { return };
        if self.selected_path().as_deref() != Some(path.as_str()) {
            self.status_message = Some(format!("{path} is not in this list"));
        }
    }

    /// `o`: the outline in place of the list, or the list again.
    fn toggle_outline(&mut self) {
        if self.outline.take().is_none() {
            self.open_outline();
        }
    }

    /// The key after `z`: `M` closes every branch, `R` opens them all.
    fn fold(&mut self, key: &KeyEvent) -> Vec<Effect> {
        self.let_go();
        if let Some(outline) = &mut self.outline {
            match key.code {
                KeyCode::Char('M') => outline.collapse_all(),
                KeyCode::Char('R') => outline.expand_all(),
                _ => self.status_message = Some("z: M closes every branch, R opens them all".into()),
            }
            outline.scroll(self.page);
        }
        Vec::new()
    }

    /// An outline move of the selected card, as the query layer plans it.
    fn rearrange(&mut self, how: Move) -> Vec<Effect> {
        let Some(outline) = &mut self.outline else {
            self.status_message = Some("o shows the outline, where cards can be moved".into());
            return Vec::new();
        };
        let Some(node) = outline.selected_node() else { return Vec::new() };
        let card = outline.tree.nodes[node].path().unwrap_or_default().to_string();
        let armed = self.confirm_armed.take().is_some_and(|(m, path)| m == how && path == card);
        match plan(&outline.tree, node, how, outline.kept()) {
            Ok(changes) if changes.is_empty() => Vec::new(),
            // Cards without an order take numbers up to the place: many writes are asked first.
            Ok(changes) if changes.len() > CONFIRM_WRITES && !armed => {
                self.status_message = Some(format!(
                    "this move also writes an order into {} other cards of this level (no order value \
                     is left between its new neighbours): press the key again to do it",
                    changes.len() - 1
                ));
                self.confirming = Some((how, card));
                Vec::new()
            }
            Ok(changes) => {
                let path = outline.tree.nodes[node].path().unwrap_or_default().to_string();
                // Shown moved now; the index has it once the refresher read the files.
                outline.apply(&changes);
                self.moves_unindexed = true;
                outline.scroll(self.page);
                vec![Effect::Rearrange { changes, path }]
            }
            Err(why) => {
                self.status_message = Some(why);
                Vec::new()
            }
        }
    }

    /// `a`: a new card under the selected one (the template picker first).
    fn add_child(&mut self) {
        let Some(outline) = &self.outline else {
            self.status_message = Some("o shows the outline, where a card can be added under another".into());
            return;
        };
        if !outline.tree.editable {
            self.status_message =
                Some("this outline comes from folders or file names: it has no parent field to fill".into());
            return;
        }
        let under = outline.selected_path();
        if let Some(path) = &under
            && let Some(other) = outline.tree.named_instead(path)
        {
            let other = if other.is_empty() { "another card" } else { other };
            self.status_message = Some(format!(
                "no card can go under {path}: {} names {other} (their paths differ only in extension \
                 or letter case): rename one first",
                parent_value(path)
            ));
            return;
        }
        self.child_of = under;
        self.mode = Mode::Templates { selected: self.default_template() };
    }

    fn move_cursor(&mut self, delta: isize) {
        self.let_go();
        if let Some(outline) = &mut self.outline {
            outline.move_cursor(delta);
            outline.scroll(self.page);
            return;
        }
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
        if self.current_view().outline {
            self.open_outline();
        }
        if self.board.is_some() {
            self.board = None;
            self.toggle_board();
        }
        vec![self.query(false)]
    }

    /// The sort after the one in force: the view's own, then [`SORT_CYCLE`] without the
    /// key the view sorts by already (a press that changed nothing).
    fn next_sort(&self) -> Option<usize> {
        let own = &self.current_view().sort;
        let start = self.sort.map_or(0, |i| i + 1);
        (start..SORT_CYCLE.len()).find(|&i| !(own.len() == 1 && own[0].eq_ignore_ascii_case(SORT_CYCLE[i])))
    }

    /// The board shown follows the view's `group_by` as the config now says: built on the
    /// new field, or closed (said) when the view has none.
    fn reconfigure_board(&mut self) {
        let Some(board) = &self.board else { return };
        match self.current_view().group_by.clone() {
            Some(field) if field == board.field => {}
            Some(field) => {
                let mut board = Board::build(&field, &self.rows, &self.visible, &self.config);
                if let Some(path) = self.selected_path() {
                    board.select(|i| self.rows[i].path == path);
                }
                self.board = Some(board);
            }
            None => {
                self.board = None;
                let closed = format!(
                    "the board was closed: view `{}` has no group_by field now",
                    self.current_view().name
                );
                self.status_message = Some(match self.status_message.take() {
                    Some(said) => format!("{said}; {closed}"),
                    None => closed,
                });
            }
        }
    }

    fn toggle_board(&mut self) {
        if self.board.take().is_some() {
            return;
        }
        let Some(field) = self.current_view().group_by.clone() else {
            self.status_message = Some(format!(
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
        self.let_go();
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
        // In a view that is an outline, the outline is the view, not something opened on
        // it (`o` still closes it).
        if !self.current_view().outline && self.outline.take().is_some() {
            return Vec::new();
        }
        if !self.filter.text.is_empty() {
            return self.set_filter(String::new());
        }
        Vec::new()
    }

    fn filter_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        match line::edit(&mut self.filter.text, &mut self.filter.cursor, key) {
            Edit::Text => return self.set_filter(self.filter.text.clone()),
            Edit::Cursor => return Vec::new(),
            Edit::No => {}
        }
        match key.code {
            KeyCode::Enter => self.filter.editing = false,
            KeyCode::Esc => {
                self.filter.editing = false;
                return self.set_filter(String::new());
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Down | KeyCode::Up => {
                return self.act(if key.code == KeyCode::Down { Action::Down } else { Action::Up });
            }
            _ => {}
        }
        Vec::new()
    }

    /// A new filter text, answered off the UI thread: there it is split into fuzzy words
    /// and filter language, and the rows are read again only when the latter changed.
    fn set_filter(&mut self, text: String) -> Vec<Effect> {
        self.filter.cursor = self.filter.cursor.min(text.len());
        self.filter.text = text;
        vec![self.query(true)]
    }

    /// Pasted text (bracketed paste) is one edit of the filter line, opened for it if
    /// need be, or of the new card's title while it is asked for; nothing in it acts as a
    /// key, so a pasted `q` or newline never quits or closes anything. Over the help or
    /// the template picker it is dropped.
    fn paste(&mut self, text: &str) -> Vec<Effect> {
        let pasted = one_line(text);
        if let Mode::Title { text, cursor } = &mut self.mode {
            let at = if text.is_char_boundary(*cursor) { (*cursor).min(text.len()) } else { text.len() };
            text.insert_str(at, &pasted);
            *cursor = at + pasted.len();
            return Vec::new();
        }
        if self.mode != Mode::List || pasted.is_empty() {
            return Vec::new();
        }
        if !self.filter.editing {
            self.filter.editing = true;
            self.filter.cursor = self.filter.text.len();
        }
        let cursor = self.filter.cursor.min(self.filter.text.len());
        let mut text = self.filter.text.clone();
        text.insert_str(cursor, &pasted);
        self.filter.cursor = cursor + pasted.len();
        self.set_filter(text)
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
                let mut sets = self.prefill();
                if let Some(parent) = self.child_of.take() {
                    let field = self.config.outline.parent.clone();
                    sets.retain(|(k, _)| *k != field);
                    sets.push((field, EditValue::Scalar(parent_value(&parent))));
                }
                if let Some(template) = self.templates.get(selected) {
                    self.pending = Some(PendingCard { template: template.clone(), sets, title: None });
                    self.mode = Mode::Title { text: String::new(), cursor: 0 };
                }
            }
            Some(Action::Escape | Action::Quit) => {
                self.child_of = None;
                self.mode = Mode::List;
            }
            _ => {}
        }
        Vec::new()
    }

    /// The title line of a new card: Enter goes on to the editor (after the look for
    /// duplicates), Esc gives up.
    fn title_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Mode::Title { text, cursor } = &mut self.mode else { return Vec::new() };
        if line::edit(text, cursor, key) != Edit::No {
            return Vec::new();
        }
        match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Esc => {
                self.mode = Mode::List;
                self.pending = None;
            }
            KeyCode::Enter => {
                let title = Some(text.trim().to_string()).filter(|t| !t.is_empty());
                self.mode = Mode::List;
                if let Some(mut card) = self.pending.take() {
                    card.title = title;
                    return vec![card.effect(false)];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Cards the new one may duplicate are named: Enter makes it anyway, Esc gives up.
    fn duplicates_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Enter => {
                self.mode = Mode::List;
                self.pending.take().map(|card| card.effect(true)).into_iter().collect()
            }
            KeyCode::Esc => {
                self.mode = Mode::List;
                self.pending = None;
                self.status_message = Some("nothing created".into());
                Vec::new()
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.quit = true;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// The deck found cards the pending new card may duplicate: they are named, and the
    /// user decides.
    pub fn ask_about_duplicates(&mut self, card: PendingCard, hints: Vec<String>) {
        self.pending = Some(card);
        self.mode = Mode::Duplicates { hints };
    }

    /// Fields a new card gets from where the user is: the view's (and the filter's)
    /// positive `field:value` terms, and on a board the current column.
    pub fn prefill(&self) -> Vec<(String, EditValue)> {
        let mut fields = Vec::new();
        if let Ok(expr) = crate::query::filter::parse(&self.current_view().filter) {
            self.equalities(&expr, &mut fields);
        }
        // The filter line as it is now (a filter that does not parse fixes nothing).
        if let Ok(line) = fuzzy::split(&self.filter.text) {
            self.equalities(&line.structured, &mut fields);
        }
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

/// Pasted text as one line of the filter: line breaks and tabs become spaces, and other
/// control characters are dropped.
fn one_line(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::query::connections::Kind;
    use crate::query::fuzzy::Haystacks;

    /// A first index in the TUI says how far it has got, how fast and how long is left,
    /// in the status bar; the round's end clears it.
    #[test]
    fn a_long_refresh_reports_its_progress_then_clears_it() {
        let mut state = IndexState { refreshing: true, ..IndexState::default() };
        let start = Instant::now();
        state.progress(Progress { done: 512, total: 30_000 }, start);
        assert_eq!(state.reading_text().as_deref(), Some("512/30,000 cards"));
        state.progress(Progress { done: 10_512, total: 30_000 }, start + std::time::Duration::from_secs(2));
        assert_eq!(state.reading_text().as_deref(), Some("10,512/30,000 cards  5,000/s  ~4 s left"));
        state.progress(Progress { done: 30_000, total: 30_000 }, start + std::time::Duration::from_secs(6));
        assert_eq!(
            state.reading_text().as_deref(),
            Some("30,000 cards read; linking and building the search index…")
        );
        state.refreshing = false;
        assert_eq!(state.reading_text(), None);
    }

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn row(path: &str, title: &str, fields: &str) -> CardRow {
        CardRow { path: path.into(), title: title.into(), fields_json: fields.into(), ..CardRow::default() }
    }

    fn rows() -> Vec<CardRow> {
        vec![
            row("a.md", "Alpha plan", r#"{"what":"task","when":"today","status":"todo"}"#),
            row("b.md", "Beta", r#"{"what":"task","when":"week","status":"active"}"#),
            row("c.md", "Gamma plan", r#"{"what":"task","status":"todo"}"#),
        ]
    }

    /// The answer to the newest query: `rows`, every one shown, in order.
    fn answer(app: &mut App, rows: Vec<CardRow>) -> Vec<Effect> {
        let visible = (0..rows.len()).collect();
        let cards = Cards { rows: Arc::new(rows), visible, counts: None, partial: false };
        app.apply(Reply::Cards { generation: app.generation, answer: Ok(cards) })
    }

    /// A stand-in for the reader over fixed rows: the fuzzy words of the newest query
    /// ranked over the rows shown (field terms are the index's business, not tested here).
    fn rank(app: &mut App) -> Vec<Effect> {
        let line = fuzzy::split(&app.filter.text).expect("parses");
        let visible = Haystacks::new(&app.rows).rank(&line.fuzzy);
        let cards = Cards { rows: app.rows.clone(), visible, counts: None, partial: false };
        app.apply(Reply::Cards { generation: app.generation, answer: Ok(cards) })
    }

    fn app() -> App {
        let templates = vec!["bookmark".into(), "note".into(), "task".into()];
        let mut app = App::new(Config::builtin(), Some("tasks"), templates);
        answer(&mut app, rows());
        app
    }

    /// The effects of the keys, but for preview requests (every cursor move makes one).
    fn keys(app: &mut App, codes: &[KeyCode]) -> Vec<Effect> {
        codes
            .iter()
            .flat_map(|c| app.update(&key(*c)))
            .filter(|e| !matches!(e, Effect::Preview { .. }))
            .collect()
    }

    #[test]
    fn stored_fields_that_do_not_read_heal_the_index_once_and_say_so() {
        let templates = vec!["task".into()];
        let mut app = App::new(Config::builtin(), None, templates);
        let effects = answer(&mut app, vec![row("a.md", "Alpha", "{garbage")]);
        let heals: Vec<&Effect> = effects.iter().filter(|e| matches!(e, Effect::Heal { .. })).collect();
        assert_eq!(heals.len(), 1, "{effects:?}");
        let Effect::Heal { why } = heals[0] else { unreachable!() };
        assert!(why.starts_with("the fields stored for a.md are not a JSON object"), "{why}");
        let error = app.preview.as_ref().and_then(|p| p.error.clone()).unwrap_or_default();
        assert!(error.starts_with("the index is damaged (the fields stored for a.md"), "{error}");
        assert_eq!(app.update(&key(KeyCode::Down)), Vec::new(), "healed once, not at every event");
    }

    fn queried_view(effects: &[Effect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Query(q) => Some(q.view.as_str()),
                _ => None,
            })
            .collect()
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
    fn each_filter_edit_asks_the_reader_and_its_answer_puts_the_best_match_on_top() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('j')]);
        let effects =
            keys(&mut app, &[KeyCode::Char('/'), KeyCode::Char('p'), KeyCode::Char('l'), KeyCode::Char('a')]);
        let filters: Vec<&str> = effects
            .iter()
            .map(|e| match e {
                Effect::Query(q) => q.filter.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(filters, ["p", "pl", "pla"], "the UI thread only asks");
        assert_eq!(app.visible, [0, 1, 2], "nothing ranked on the UI thread");
        rank(&mut app);
        let shown: Vec<&str> = app.visible.iter().map(|&i| app.rows[i].path.as_str()).collect();
        assert_eq!(shown, ["a.md", "c.md"]);
        assert_eq!(app.selected, 0, "a new filter over the same rows puts its best match on top");
        assert!(app.filter.editing);
        keys(&mut app, &[KeyCode::Enter]);
        assert!(!app.filter.editing);
        assert_eq!(app.filter.text, "pla");
        keys(&mut app, &[KeyCode::Esc]);
        rank(&mut app);
        assert_eq!((app.filter.text.as_str(), app.visible.len()), ("", 3), "Esc clears a kept filter");
    }

    #[test]
    fn answers_to_older_queries_are_dropped() {
        let mut app = app();
        let effects = keys(&mut app, &[KeyCode::Char('/'), KeyCode::Char('x'), KeyCode::Char('y')]);
        let generations: Vec<u64> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::Query(q) => Some(q.generation),
                _ => None,
            })
            .collect();
        let [older, newer] = generations[..] else { panic!("{effects:?}") };
        assert!(older < newer);
        let late = Cards {
            rows: Arc::new(vec![row("old.md", "Old", "{}")]),
            visible: vec![0],
            counts: None,
            partial: false,
        };
        app.apply(Reply::Cards { generation: older, answer: Ok(late) });
        assert_eq!(app.rows.len(), 3, "an answer to an older filter never overwrites");
        app.apply(Reply::Cards { generation: older, answer: Err("too late".into()) });
        assert_eq!(app.filter.error, None, "nor does its error");
        let fresh = Cards {
            rows: Arc::new(vec![row("new.md", "New", "{}")]),
            visible: vec![0],
            counts: None,
            partial: false,
        };
        app.apply(Reply::Cards { generation: newer, answer: Ok(fresh) });
        assert_eq!(app.selected_path().as_deref(), Some("new.md"));
    }

    #[test]
    fn a_failed_answer_keeps_the_rows_and_says_why_until_one_succeeds() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('/'), KeyCode::Char(':')]);
        app.apply(Reply::Cards { generation: app.generation, answer: Err("expected a value".into()) });
        assert_eq!((app.filter.error.as_deref(), app.rows.len()), (Some("expected a value"), 3));
        keys(&mut app, &[KeyCode::Backspace]);
        assert_eq!(app.filter.error.as_deref(), Some("expected a value"), "until an answer comes");
        rank(&mut app);
        assert_eq!(app.filter.error, None);
    }

    #[test]
    fn a_paste_is_one_edit_of_the_filter_line_and_never_keys() {
        let mut app = app();
        let effects = app.update(&Event::Paste("q\nj e\r\n\tplan\u{1b}[31m\u{7}".into()));
        assert!(!app.quit, "a pasted q does not quit");
        assert!(app.filter.editing, "a paste opens the filter line");
        assert_eq!(app.filter.text, "q j e   plan[31m", "line breaks and tabs are spaces, controls dropped");
        assert_eq!(app.filter.cursor, app.filter.text.len());
        assert!(matches!(&effects[..], [Effect::Query(q)] if q.filter == app.filter.text), "{effects:?}");
        app.filter.cursor = 0;
        app.update(&Event::Paste("x".into()));
        assert_eq!(app.filter.text, "xq j e   plan[31m", "pasted where the cursor is");
        keys(&mut app, &[KeyCode::Enter, KeyCode::Char('?')]);
        assert!(app.update(&Event::Paste("abc".into())).is_empty(), "over the help: dropped");
        assert_eq!(app.mode, Mode::Help);
    }

    #[test]
    fn a_board_shown_follows_the_group_by_the_config_now_gives() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('b')]);
        let before = app.board.as_ref().map(|b| b.field.clone()).expect("a board of tasks");
        let mut config = Config::builtin();
        let tasks = config.views.iter_mut().find(|v| v.name == "tasks").expect("tasks");
        tasks.group_by = Some("priority".into());
        assert_ne!(before, "priority");
        app.reconfigure(config.clone());
        assert_eq!(app.board.as_ref().map(|b| b.field.as_str()), Some("priority"));
        let tasks = config.views.iter_mut().find(|v| v.name == "tasks").expect("tasks");
        tasks.group_by = None;
        app.reconfigure(config);
        assert!(app.board.is_none());
        assert_eq!(
            app.status_message.as_deref(),
            Some("the board was closed: view `tasks` has no group_by field now")
        );
    }

    #[test]
    fn s_never_lands_on_the_sort_the_view_has_already() {
        let mut app = app();
        let own = app.current_view().sort.clone();
        let mut seen = Vec::new();
        for _ in 0..=SORT_CYCLE.len() {
            keys(&mut app, &[KeyCode::Char('s')]);
            seen.push(app.sort.map(|i| SORT_CYCLE[i].to_string()));
        }
        assert!(seen.contains(&None), "back to the view's own: {seen:?}");
        if let [key] = own.as_slice() {
            assert!(!seen.contains(&Some(key.clone())), "{key} twice: {seen:?}");
        }
        // In a view sorted by path, path is not offered again.
        let mut app = App::new(Config::builtin(), Some("all"), vec!["note".into()]);
        assert_eq!(app.current_view().sort, ["path"]);
        let mut seen = Vec::new();
        for _ in 0..SORT_CYCLE.len() {
            keys(&mut app, &[KeyCode::Char('s')]);
            seen.push(app.sort.map(|i| SORT_CYCLE[i]));
        }
        assert_eq!(seen, [Some("title"), Some("-modified"), Some("-created"), None]);
    }

    #[test]
    fn a_paste_while_a_new_cards_title_is_asked_goes_into_the_title() {
        let mut app = app();
        app.mode = Mode::Title { text: "Re: ".into(), cursor: 4 };
        let effects = app.update(&Event::Paste("meeting\nnotes q".into()));
        assert!(effects.is_empty() && !app.quit, "{effects:?}");
        assert_eq!(app.mode, Mode::Title { text: "Re: meeting notes q".into(), cursor: 19 });
        assert_eq!(app.filter.text, "", "not the filter line");
    }

    #[test]
    fn an_index_change_reloads_keeping_the_cursor_and_the_preview_follows() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('j')]);
        app.apply(Reply::Body { path: "b.md".into(), body: Ok("Old body".into()) });
        let effects = app.apply(Reply::IndexChecked { changed: false, after_write: false });
        assert!(effects.is_empty(), "{effects:?}");
        let effects = app.apply(Reply::IndexChecked { changed: true, after_write: false });
        assert!(matches!(&effects[..], [Effect::Query(q), ..] if q.view == "tasks"), "{effects:?}");
        let mut rows = rows();
        rows[1] = row("b.md", "Beta", r#"{"status":"done"}"#);
        rows.insert(0, row("new.md", "New from elsewhere", "{}"));
        let effects = answer(&mut app, rows);
        assert_eq!(effects, [Effect::Preview { path: "b.md".into() }], "the body is read again");
        assert_eq!(app.selected_path().as_deref(), Some("b.md"), "the cursor stays on its card");
        let preview = app.preview.clone().expect("preview");
        assert_eq!(preview.fields, [("status".to_string(), "done".to_string())], "fields of the new row");
        assert_eq!(preview.body, "Old body", "until the new body comes");
        app.apply(Reply::Body { path: "a.md".into(), body: Ok("stale".into()) });
        app.apply(Reply::Body { path: "b.md".into(), body: Ok("New body".into()) });
        assert_eq!(app.preview.as_ref().map(|p| p.body.as_str()), Some("New body"));
    }

    #[test]
    fn views_switch_by_tab_and_number() {
        let mut app = app();
        assert_eq!(app.current_view().name, "tasks");
        assert_eq!(queried_view(&keys(&mut app, &[KeyCode::Tab])), ["board"]);
        assert_eq!(app.current_view().name, "board");
        assert_eq!(queried_view(&keys(&mut app, &[KeyCode::Char('1')])), ["all"]);
        assert_eq!(app.current_view().name, "all");
        assert_eq!(queried_view(&keys(&mut app, &[KeyCode::BackTab])), ["bookmarks"]);
        assert_eq!(app.current_view().name, "bookmarks");
    }

    #[test]
    fn the_first_screen_then_the_rest_once_drawn() {
        let mut app = App::new(Config::builtin(), Some("tasks"), Vec::new());
        app.set_page(5);
        let effects = app.start();
        let [Effect::Query(first)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!((first.limit, first.sort.is_some()), (Some(5), true), "sorted and cut short in SQL");
        assert!(app.first_screen_pending());
        let cards =
            Cards { rows: Arc::new(rows()), visible: vec![0, 1, 2], counts: Some((9, 1)), partial: true };
        let effects = app.apply(Reply::Cards { generation: first.generation, answer: Ok(cards) });
        assert_eq!(effects, [Effect::Preview { path: "a.md".into() }], "its preview, for the first frame");
        assert!(!app.first_screen_pending() && app.partial);
        assert_eq!((app.index.total, app.index.errors), (9, 1));
        let effects = app.after_first_frame();
        assert!(
            matches!(&effects[..], [Effect::Query(q)] if q.limit.is_none() && q.sort.is_none()),
            "{effects:?}"
        );
    }

    #[test]
    fn new_cards_get_the_views_equalities() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('n')]);
        assert_eq!(app.mode, Mode::Templates { selected: 2 }, "the task template is preselected");
        assert!(keys(&mut app, &[KeyCode::Enter]).is_empty(), "the title first");
        assert_eq!(app.mode, Mode::Title { text: String::new(), cursor: 0 });
        let effects =
            keys(&mut app, &[KeyCode::Char('P'), KeyCode::Char('l'), KeyCode::Backspace, KeyCode::Enter]);
        assert_eq!(
            effects,
            vec![Effect::New {
                template: "task".into(),
                sets: vec![("what".into(), EditValue::Scalar("task".into()))],
                title: Some("P".into()),
                checked: false,
            }]
        );
    }

    #[test]
    fn a_new_card_that_may_duplicate_others_names_them_and_waits_for_enter() {
        let mut app = app();
        keys(&mut app, &[KeyCode::Char('n'), KeyCode::Enter, KeyCode::Char('X'), KeyCode::Enter]);
        let pending = PendingCard { template: "task".into(), sets: Vec::new(), title: Some("X".into()) };
        app.ask_about_duplicates(pending.clone(), vec!["you already have: x.md \"X\"".into()]);
        assert!(matches!(&app.mode, Mode::Duplicates { hints } if hints.len() == 1));
        assert!(keys(&mut app, &[KeyCode::Char('q')]).is_empty(), "only Enter or Esc");
        assert!(!app.quit);
        let effects = keys(&mut app, &[KeyCode::Enter]);
        assert_eq!(
            effects,
            vec![Effect::New {
                template: "task".into(),
                sets: Vec::new(),
                title: Some("X".into()),
                checked: true
            }]
        );
        app.ask_about_duplicates(pending, vec!["you already have: x.md \"X\"".into()]);
        assert!(keys(&mut app, &[KeyCode::Esc]).is_empty());
        assert_eq!((app.mode.clone(), app.pending.is_none()), (Mode::List, true), "Esc gives up");
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
    fn new_cards_never_get_relative_dates_and_tags_stay_a_list() {
        let mut app = app();
        type_filter(&mut app, "deadline:+3d when:today #rust tag:cli due:this-week");
        keys(&mut app, &[KeyCode::Enter, KeyCode::Char('n'), KeyCode::Enter]);
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
                ],
                title: None,
                checked: false,
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
    fn a_new_card_is_followed_until_the_answer_after_its_reindex() {
        let mut app = app();
        app.follow("d.md");
        assert_eq!(app.selected_path().as_deref(), Some("a.md"), "not indexed yet");
        // A reload that ran before the card was indexed does not end the wait.
        app.reload();
        answer(&mut app, rows());
        assert_eq!(app.selected_path().as_deref(), Some("a.md"));
        app.apply(Reply::IndexChecked { changed: true, after_write: true });
        let mut with_d = rows();
        with_d.push(row("d.md", "Delta", r#"{"what":"task"}"#));
        answer(&mut app, with_d);
        assert_eq!(app.selected_path().as_deref(), Some("d.md"));
        // A card never indexed (the editor left it as the template) is not waited for.
        keys(&mut app, &[KeyCode::Char('g')]);
        app.follow("e.md");
        app.apply(Reply::IndexChecked { changed: false, after_write: true });
        let mut with_e = rows();
        with_e.push(row("e.md", "Echo", "{}"));
        app.reload();
        answer(&mut app, with_e);
        assert_eq!(app.selected_path().as_deref(), Some("a.md"), "the wait ended with the re-index");
    }

    fn connection(kind: Kind, path: Option<&str>, title: &str) -> Connection {
        Connection { kind, path: path.map(str::to_string), title: title.into(), detail: "why".into() }
    }

    fn connections_of(app: &mut App, path: &str, items: Vec<Connection>) {
        app.apply(Reply::Connections { path: path.into(), answer: Ok(items) });
    }

    #[test]
    fn p_shows_connections_enter_jumps_and_backspace_comes_back() {
        let mut app = app();
        let effects = app.update(&key(KeyCode::Char('p')));
        assert!(effects.contains(&Effect::Connections { path: "a.md".into() }), "{effects:?}");
        let of_a = || {
            vec![
                connection(Kind::Related, Some("c.md"), "Gamma plan"),
                connection(Kind::Link, None, "Nowhere"),
                connection(Kind::Backlink, Some("z.md"), "Hidden by the view"),
            ]
        };
        connections_of(&mut app, "a.md", of_a());
        keys(&mut app, &[KeyCode::Char('j')]);
        assert_eq!(app.selected_path().as_deref(), Some("a.md"), "j chooses a connection, not a card");
        assert!(keys(&mut app, &[KeyCode::Enter]).is_empty(), "a broken link goes nowhere");
        assert!(app.status_message.as_deref().is_some_and(|m| m.contains("no such card")));
        let effects =
            app.update(&key(KeyCode::Char('k'))).into_iter().chain(app.update(&key(KeyCode::Enter)));
        let effects: Vec<Effect> = effects.collect();
        assert_eq!(app.selected_path().as_deref(), Some("c.md"), "a card in the list: the cursor goes there");
        assert!(effects.contains(&Effect::Connections { path: "c.md".into() }), "{effects:?}");
        keys(&mut app, &[KeyCode::Backspace]);
        assert_eq!(app.selected_path().as_deref(), Some("a.md"));
        connections_of(&mut app, "a.md", of_a());
        keys(&mut app, &[KeyCode::Char('G')]);
        let effects = keys(&mut app, &[KeyCode::Enter]);
        let [Effect::Query(query)] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(
            (query.view.as_str(), query.filter.as_str()),
            ("all", ""),
            "hidden: the view of every card"
        );
        let mut every = rows();
        every.push(row("z.md", "Hidden by the view", r#"{"what":"note"}"#));
        answer(&mut app, every);
        assert_eq!(app.selected_path().as_deref(), Some("z.md"));
        assert_eq!(app.status_message, None);
        let effects = keys(&mut app, &[KeyCode::Char('-')]);
        assert!(matches!(&effects[..], [Effect::Query(q), ..] if q.view == "tasks"), "{effects:?}");
        answer(&mut app, rows());
        assert_eq!(app.selected_path().as_deref(), Some("a.md"), "back in the list it left");
        connections_of(&mut app, "a.md", of_a());
        assert_eq!(app.connections.as_ref().map(|c| c.selected), Some(2), "on the connection it went along");
        keys(&mut app, &[KeyCode::Backspace]);
        assert_eq!(app.status_message.as_deref(), Some("no jump to go back from"));
        keys(&mut app, &[KeyCode::Esc]);
        assert_eq!((app.pane, app.connections.is_none()), (Pane::Card, true), "Esc: the card again");
    }

    #[test]
    fn a_jump_to_a_card_gone_meanwhile_says_so() {
        let mut app = app();
        app.update(&key(KeyCode::Char('p')));
        connections_of(&mut app, "a.md", vec![connection(Kind::Link, Some("gone.md"), "Gone")]);
        keys(&mut app, &[KeyCode::Enter]);
        answer(&mut app, rows());
        assert_eq!(app.selected_path().as_deref(), Some("a.md"));
        assert_eq!(app.status_message.as_deref(), Some("gone.md is not in this list"));
    }
}
