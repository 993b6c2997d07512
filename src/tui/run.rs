//! The event loop: draw, wait for a key or a background message, update, carry out the
//! effects. Refreshing runs on its own thread with its own connection, so the screen
//! never waits for the file system.

use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::crossterm::event;

use crate::config::Config;
use crate::dex::Dex;
use crate::index::{Index, RefreshReport, refresh};

use super::app::{App, Effect};
use super::deck::{Deck, Screen};
use super::terminal::Term;
use super::{view, watch};

/// How long after the last file change the refresh starts: an editor's save is often a
/// burst of events (write, rename, chmod).
const DEBOUNCE: Duration = Duration::from_millis(200);

pub struct Options {
    pub dex: Dex,
    pub config: Config,
    pub view: Option<String>,
    pub color: bool,
}

/// Messages from the background.
enum Background {
    Changed,
    Refreshed(Result<RefreshReport, String>),
}

/// Runs the TUI until the user quits.
pub fn run(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let (mut deck, warning) = Deck::open(options.dex.clone(), options.config.clone())?;
    let mut app = App::new(options.config, options.view.as_deref(), deck.templates());
    app.color = options.color;
    app.index.message = warning;
    let mut term = Term::enter()?;
    app.page = view::page_size(term.terminal.size()?.into());
    // The first frame comes from the index as it is (its first screenful when the sort
    // allows); the full list and the refresh follow.
    let full_load_pending = deck.load_first_screen(&mut app);
    deck.preview(&mut app);
    term.terminal.draw(|frame| view::render(&app, frame))?;
    let (tx, rx) = mpsc::channel();
    let refresher = spawn_refresher(options.dex.clone(), tx.clone());
    let _watcher = match watch::start(&options.dex.root, tx.clone(), || Background::Changed) {
        Ok(w) => Some(w),
        Err(e) => {
            app.index.message = Some(format!("not watching for changes ({e}); press r to re-index"));
            None
        }
    };
    if full_load_pending {
        deck.load(&mut app);
    }
    let _ = refresher.send(());
    app.index.refreshing = true;
    event_loop(&mut app, &mut deck, &mut term, &rx, &refresher)?;
    Ok(())
}

fn event_loop(
    app: &mut App,
    deck: &mut Deck,
    term: &mut Term,
    rx: &Receiver<Background>,
    refresher: &Sender<()>,
) -> std::io::Result<()> {
    let mut pending: Option<Instant> = None;
    while !app.quit {
        let size = term.terminal.size()?;
        app.page = view::page_size(size.into());
        deck.preview(app);
        term.terminal.draw(|frame| view::render(app, frame))?;
        let wait =
            pending.map_or(Duration::from_millis(500), |t| t.saturating_duration_since(Instant::now()));
        if event::poll(wait.min(Duration::from_millis(500)))? {
            let event = event::read()?;
            for effect in app.update(&event) {
                perform(effect, app, deck, term, refresher);
            }
        }
        while let Ok(message) = rx.try_recv() {
            match message {
                Background::Changed => pending = Some(Instant::now() + DEBOUNCE),
                Background::Refreshed(result) => {
                    app.index.refreshing = false;
                    match result {
                        Ok(report) => {
                            if let Some(p) =
                                report.rebuilt.clone().or(report.problems.first().map(|p| p.to_string()))
                            {
                                app.index.message = Some(p);
                            }
                        }
                        Err(e) => app.index.message = Some(e),
                    }
                    app.preview = None;
                    deck.load(app);
                }
            }
        }
        if pending.is_some_and(|t| Instant::now() >= t) && !app.index.refreshing {
            pending = None;
            app.index.refreshing = refresher.send(()).is_ok();
        }
    }
    Ok(())
}

fn perform(effect: Effect, app: &mut App, deck: &mut Deck, term: &mut Term, refresher: &Sender<()>) {
    match effect {
        Effect::Load => deck.load(app),
        Effect::Edit { path } => deck.edit(app, &mut TermScreen(term), &path),
        Effect::New { template, sets } => deck.new_card(app, &mut TermScreen(term), &template, &sets),
        Effect::Move { path, field, value } => deck.move_card(app, &path, &field, value.as_deref()),
        Effect::Reindex => app.index.refreshing = refresher.send(()).is_ok(),
    }
}

/// The real terminal, handed to the editor and taken back.
struct TermScreen<'a>(&'a mut Term);

impl Screen for TermScreen<'_> {
    fn suspended(
        &mut self,
        run: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus> {
        self.0.suspended(run).ok().flatten()
    }
}

/// A thread that refreshes the index whenever asked, with its own connection (SQLite's
/// WAL lets the screen keep reading meanwhile).
fn spawn_refresher(dex: Dex, tx: Sender<Background>) -> Sender<()> {
    let (requests, incoming) = mpsc::channel::<()>();
    thread::spawn(move || {
        let mut index: Option<Index> = None;
        while incoming.recv().is_ok() {
            // Requests that piled up while refreshing need only one more refresh.
            while incoming.try_recv().is_ok() {}
            let result = refresh_once(&dex, &mut index);
            if tx.send(Background::Refreshed(result)).is_err() {
                break;
            }
        }
    });
    requests
}

fn refresh_once(dex: &Dex, index: &mut Option<Index>) -> Result<RefreshReport, String> {
    if index.is_none() {
        *index = Some(Index::open(&dex.index_path()).map_err(|e| e.to_string())?.index);
    }
    let Some(index) = index.as_mut() else { return Err("the index is not open".into()) };
    refresh(index, &dex.root, false, &mut |_| {}).map_err(|e| e.to_string())
}
