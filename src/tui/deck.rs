//! The TUI's side effects: what `update` asks for, done against the query layer, the
//! index and the card commands. No SQL and no file parsing here either: every question
//! goes to the layer that owns it.

use crate::cards::board::move_to_column;
use crate::cards::editor::Editor;
use crate::cards::new::{self, NewCard, Settled};
use crate::cards::templates;
use crate::config::Config;
use crate::dex::Dex;
use crate::frontmatter::EditValue;
use crate::index::{Index, RefreshReport, count_cards, count_errors, refresh, refresh_paths};
use crate::output::field_lines;
use crate::query::{self, Clock, Request};
use std::path::Path;

use super::app::{App, Preview};

/// The data behind the TUI: one dex, its config and an open index.
///
/// The index is only read here. Writing it (a refresh, re-indexing a card just edited)
/// waits for its write lock, which another process may hold for seconds; the event loop
/// hands that to its background refresher, and only tests call [`Deck::reindex`].
pub struct Deck {
    pub dex: Dex,
    pub config: Config,
    index: Index,
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
        Ok((Deck { dex, config, index: opened.index }, warning))
    }

    /// The index file this deck reads, for the refresher to open too (the location is
    /// decided once, so both always agree).
    pub fn index_path(&self) -> &Path {
        self.index.path()
    }

    /// Today and now, read afresh for every query and new card: the TUI stays open for
    /// days, and relative dates and new cards' times must follow the real clock.
    pub fn clock(&self) -> Clock {
        Clock::from_env()
    }

    pub fn templates(&self) -> Vec<String> {
        templates::names(&self.dex.state_dir())
    }

    /// Runs the current view with the structured part of the filter.
    pub fn load(&self, app: &mut App) {
        let request = Request {
            filter: &app.filter.text,
            parsed: Some(app.structured.clone()),
            view: Some(&app.current_view().name),
            sort: app.sort_keys(),
            limit: None,
        };
        match query::run(&self.index, &self.config, &self.clock(), &request) {
            Ok(answer) => {
                app.load_error = None;
                app.set_rows(answer.cards);
            }
            // Kept until a load succeeds: the rows shown are the last good ones, and the
            // error says so for as long as the filter that failed is in force.
            Err(e) => app.load_error = Some(e.to_string()),
        }
        app.partial = false;
        self.counts(app);
    }

    /// Loads just the first screenful (SQLite sorts and stops early), so the first frame
    /// does not wait for a hundred thousand rows; `true` when the full [`load`] should
    /// follow.
    ///
    /// [`load`]: Deck::load
    pub fn load_first_screen(&self, app: &mut App) -> bool {
        let keys = app
            .sort_keys()
            .unwrap_or_else(|| query::parse_keys(app.current_view().sort.iter().map(String::as_str)));
        let request = Request {
            filter: &app.filter.text,
            parsed: Some(app.structured.clone()),
            view: Some(&app.current_view().name),
            sort: Some(keys),
            limit: Some(app.page.max(1)),
        };
        match query::run(&self.index, &self.config, &self.clock(), &request) {
            Ok(answer) => app.set_rows(answer.cards),
            Err(_) => return true,
        }
        app.partial = true;
        self.counts(app);
        true
    }

    pub fn counts(&self, app: &mut App) {
        app.index.total = count_cards(self.index.conn()).unwrap_or(app.index.total);
        app.index.errors = count_errors(self.index.conn()).unwrap_or(app.index.errors);
    }

    /// Fills the preview for the card under the cursor, if it changed.
    pub fn preview(&self, app: &mut App) {
        let Some(row) = app.selected_row() else {
            app.preview = None;
            return;
        };
        if app.preview.as_ref().is_some_and(|p| p.path == row.path) {
            return;
        }
        let body = query::card_body(&self.index, &row.path).ok().flatten().unwrap_or_default();
        let fields = field_lines(&row.fields());
        let error = row
            .error
            .as_ref()
            .map(|e| format!("frontmatter error, line {}: {e}", row.error_line.unwrap_or(1)));
        app.preview = Some(Preview { path: row.path.clone(), title: row.title.clone(), fields, body, error });
    }

    /// A full incremental refresh, in this thread.
    pub fn refresh(&mut self) -> Result<RefreshReport, crate::index::IndexError> {
        refresh(&mut self.index, &self.dex.root, false, &mut |_| {})
    }

    /// Re-indexes cards just written, in this thread, then reloads. Tests use it; the
    /// event loop sends the paths to its refresher instead, so the screen never waits
    /// for the index's write lock.
    pub fn reindex(&mut self, app: &mut App, paths: &[String]) {
        match refresh_paths(&mut self.index, &self.dex.root, paths) {
            Ok(problems) => {
                if let Some(p) = problems.first() {
                    app.index.message = Some(p.to_string());
                }
            }
            Err(e) => app.index.message = Some(e.to_string()),
        }
        app.preview = None;
        self.load(app);
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
        app.follow(path);
        if let Err(e) = move_to_column(&self.dex.root, path, field, value) {
            app.index.message = Some(e.to_string());
            // Nothing was written: the board is rebuilt from the index as it is, which
            // puts the card (and the cursor) back in the column it never left.
            self.load(app);
            return Vec::new();
        }
        vec![path.to_string()]
    }
}
