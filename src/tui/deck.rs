//! The TUI's side effects: what `update` asks for, done against the query layer, the
//! index and the card commands. No SQL and no file parsing here either: every question
//! goes to the layer that owns it.
//!
//! Questions to the index go to the [`Reader`] thread and come back as replies; the
//! editor and card writes run here, on the UI thread, with the terminal handed over.

use crate::cards::editor::Editor;
use crate::cards::new::{self, NewCard, Settled};
use crate::cards::set::set_fields;
use crate::cards::templates;
use crate::config::Config;
use crate::dex::Dex;
use crate::frontmatter::{Edit, EditValue};
use crate::index::{Index, RefreshReport, refresh, refresh_paths};
use crate::query::Clock;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::app::{App, Effect};
use super::reader::Reader;

/// The data behind the TUI: one dex, its config, and the thread that reads its index.
///
/// The index is only read here. Writing it (a refresh, re-indexing a card just edited)
/// waits for its write lock, which another process may hold for seconds; the event loop
/// hands that to its background refresher, and only tests call [`Deck::reindex`].
pub struct Deck {
    pub dex: Dex,
    pub config: Config,
    index_path: PathBuf,
    reader: Reader,
}

/// What a side effect needs from the screen: the editor runs with the terminal handed
/// back (`suspended`), tests run it directly.
pub trait Screen {
    fn suspended(
        &mut self,
        run: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus>;
}

impl Deck {
    /// Opens the index; the warning says where it is when not in the dex (a read-only
    /// dex keeps it in the user's cache) and whether it had to be rebuilt.
    pub fn open(dex: Dex, config: Config) -> Result<(Deck, Option<String>), crate::index::IndexError> {
        let location = dex.index_location();
        let opened = Index::open(&location.path)?;
        let warnings: Vec<String> = location.warning().into_iter().chain(opened.warning).collect();
        let warning = (!warnings.is_empty()).then(|| warnings.join("; "));
        let index_path = opened.index.path().to_path_buf();
        let reader = Reader::start(opened.index, config.clone());
        Ok((Deck { dex, config, index_path, reader }, warning))
    }

    /// The index file this deck reads, for the refresher to open too (the location is
    /// decided once, so both always agree).
    pub fn index_path(&self) -> &Path {
        &self.index_path
    }

    /// Today and now, read afresh for every new card: the TUI stays open for days, and
    /// new cards' times must follow the real clock.
    pub fn clock(&self) -> Clock {
        Clock::from_env()
    }

    pub fn templates(&self) -> Vec<String> {
        templates::names(&self.dex.state_dir())
    }

    /// The app's first query (its first screenful), waiting up to `wait` for the answer,
    /// so that the first frame shows cards.
    pub fn start(&mut self, app: &mut App, wait: Duration) {
        for effect in app.start() {
            self.ask(effect);
        }
        let deadline = Instant::now() + wait;
        while app.first_screen_pending() && self.busy() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !self.receive(app, left) {
                break;
            }
        }
    }

    /// Carries out an effect. Questions for the index are sent to the reader and
    /// answered through [`Deck::receive`]; the editor and card writes run now. Returns
    /// the cards written, for the caller to have re-indexed. [`Effect::Reindex`] is the
    /// caller's, which owns the refresher.
    pub fn perform(&mut self, effect: Effect, app: &mut App, screen: &mut dyn Screen) -> Vec<String> {
        match effect {
            Effect::Edit { path } => self.edit(app, screen, &path),
            Effect::New { template, sets } => self.new_card(app, screen, &template, &sets),
            Effect::Move { path, field, value } => self.move_card(app, &path, &field, value.as_deref()),
            other => {
                self.ask(other);
                Vec::new()
            }
        }
    }

    /// Sends a question to the reader.
    fn ask(&mut self, effect: Effect) {
        match effect {
            Effect::Query(query) => self.reader.query(query),
            Effect::Preview { path } => self.reader.body(path),
            // Never asked of the reader (see `perform`).
            Effect::Reindex | Effect::Edit { .. } | Effect::New { .. } | Effect::Move { .. } => {}
        }
    }

    /// Applies the reader's answers to the app, waiting up to `wait` for the first, and
    /// asks the questions they lead to (the full list after the first screen, a reload
    /// after a change). Returns whether anything was applied.
    pub fn receive(&mut self, app: &mut App, wait: Duration) -> bool {
        let mut applied = false;
        let mut wait = wait;
        while let Some(reply) = self.reader.next(wait) {
            applied = true;
            wait = Duration::ZERO;
            for effect in app.apply(reply) {
                self.ask(effect);
            }
        }
        if self.reader.stopped() && app.index.message.is_none() {
            app.index.message = Some("the background reader stopped; restart termdex".into());
        }
        applied
    }

    /// Whether questions sent to the reader are still unanswered.
    pub fn busy(&self) -> bool {
        self.reader.busy()
    }

    /// Asks whether the index changed since the cards shown were read (after a refresh:
    /// `after_write` when it re-indexed cards the TUI wrote, `reopen` when it rebuilt the
    /// index file); a change brings a reload.
    pub fn check_index(&mut self, after_write: bool, reopen: bool) {
        self.reader.check(after_write, reopen);
    }

    /// Waits until every question sent is answered and applied (tests, benchmarks);
    /// `false` if that took longer than `limit`.
    pub fn settle(&mut self, app: &mut App, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while self.busy() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.receive(app, left);
        }
        self.receive(app, Duration::ZERO);
        true
    }

    /// A full incremental refresh, in this thread, on a connection of its own.
    pub fn refresh(&mut self) -> Result<RefreshReport, crate::index::IndexError> {
        let mut index = Index::open(&self.index_path)?.index;
        refresh(&mut index, &self.dex.root, false, &mut |_| {})
    }

    /// Re-indexes cards just written, in this thread, then has the list read again.
    /// Tests use it; the event loop sends the paths to its refresher instead, so the
    /// screen never waits for the index's write lock.
    pub fn reindex(&mut self, app: &mut App, paths: &[String]) {
        let result = Index::open(&self.index_path).and_then(|opened| {
            let mut index = opened.index;
            refresh_paths(&mut index, &self.dex.root, paths)
        });
        match result {
            Ok(problems) => {
                if let Some(p) = problems.first() {
                    app.index.message = Some(p.to_string());
                }
            }
            Err(e) => app.index.message = Some(e.to_string()),
        }
        self.check_index(true, false);
    }

    /// `e`: the editor on an existing card. Returns the paths to re-index.
    pub fn edit(&mut self, app: &mut App, screen: &mut dyn Screen, path: &str) -> Vec<String> {
        let editor = match Editor::from_env() {
            Ok(editor) => editor,
            Err(e) => {
                app.index.message = Some(e.to_string());
                return Vec::new();
            }
        };
        let abs = self.dex.card_path(path);
        let mut failure = None;
        let status =
            screen.suspended(&mut || editor.run(&abs).map_err(|e| failure = Some(e.to_string())).ok());
        if let Some(f) = failure {
            app.index.message = Some(f);
        } else if let Some(status) = status.filter(|s| !s.success()) {
            app.index.message = Some(format!("the editor exited with {status}"));
        }
        vec![path.to_string()]
    }

    /// `n`: a card from a template, edited, kept only if changed. Returns the paths to
    /// re-index; the cursor goes to the new card once it is loaded.
    pub fn new_card(
        &mut self,
        app: &mut App,
        screen: &mut dyn Screen,
        template: &str,
        sets: &[(String, EditValue)],
    ) -> Vec<String> {
        let card = NewCard { template, sets, ..NewCard::default() };
        let draft = match new::create(&self.dex, &self.config, &self.clock(), &card) {
            Ok(draft) => draft,
            Err(e) => {
                app.index.message = Some(e.to_string());
                return Vec::new();
            }
        };
        let editor = match Editor::from_env() {
            Ok(editor) => editor,
            Err(e) => {
                let _ = new::discard(&draft);
                app.index.message = Some(e.to_string());
                return Vec::new();
            }
        };
        let mut failure = None;
        let status = screen
            .suspended(&mut || editor.run(&draft.file.abs).map_err(|e| failure = Some(e.to_string())).ok());
        let message = match (failure, status.map(|s| new::settle(&draft, s))) {
            (Some(f), _) => {
                let _ = new::discard(&draft);
                f
            }
            (None, Some(Ok(Settled::Saved))) => format!("saved {}", draft.file.rel),
            (None, Some(Ok(Settled::Discarded))) => {
                "nothing saved: the new card was left as the template".into()
            }
            (None, Some(Ok(Settled::EditorFailed(status)))) => {
                format!("the editor exited with {status}; kept {}", draft.file.rel)
            }
            (None, Some(Err(e))) => e.to_string(),
            (None, None) => "the editor did not run".into(),
        };
        app.index.message = Some(message);
        app.follow(&draft.file.rel);
        vec![draft.file.rel]
    }

    /// `H`/`L` on the board: one field of one card, rewritten losslessly. Returns the
    /// paths to re-index; the cursor follows the card.
    pub fn move_card(&mut self, app: &mut App, path: &str, field: &str, value: Option<&str>) -> Vec<String> {
        let edit = match value {
            Some(v) => Edit::Set { key: field.to_string(), value: EditValue::Scalar(v.to_string()) },
            None => Edit::Unset { key: field.to_string() },
        };
        app.follow(path);
        if let Err(e) = set_fields(&self.dex.root, path, &[edit]) {
            app.index.message = Some(e.to_string());
            // Nothing was written: the board is rebuilt from the index as it is, which
            // puts the card (and the cursor) back in the column it never left.
            let reload = app.reload();
            self.ask(reload);
            return Vec::new();
        }
        vec![path.to_string()]
    }
}
