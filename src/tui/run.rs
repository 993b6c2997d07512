//! The event loop: draw, wait for a key or a background message, update, carry out the
//! effects. Nothing here waits for the index: questions go to the deck's reader thread,
//! and every write to the index (a refresh, re-indexing a card just edited or moved)
//! runs on a background thread with its own connection, so the screen never waits for
//! the file system, for SQLite or for another process's write lock.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use ratatui::crossterm::event;

use crate::config::Config;
use crate::dex::Dex;
use crate::index::{Index, refresh, refresh_paths};

use super::app::{App, Effect};
use super::deck::{Deck, Screen};
use super::terminal::{self, Term};
use super::{view, watch};

/// How long the files must be quiet before a refresh starts: an editor's save is often a
/// burst of events (write, rename, chmod).
const DEBOUNCE: Duration = Duration::from_millis(100);

/// The longest a change waits for quiet: a file written without pause (a card being
/// downloaded, a sync tool) must not hold the refresh off for ever.
const MAX_WAIT: Duration = Duration::from_millis(300);

/// How often the loop looks at the background's messages and signals between keys.
/// Short, so a refresh's result shows at once; waiting in `poll` costs nothing.
const TICK: Duration = Duration::from_millis(50);

/// The same while the reader has questions to answer: its answers are drawn as they come.
const BUSY_TICK: Duration = Duration::from_millis(5);

/// How long a key's frame waits for the answers it asked for (most come within a
/// millisecond or two): one frame rather than a flash of the old list or an empty
/// preview. Well inside the 30 ms a keystroke's frame may take (SPEC 9); a slower answer
/// is drawn when it comes.
pub const SETTLE: Duration = Duration::from_millis(12);

/// How long the first frame waits for the first screenful of cards.
const FIRST_FRAME: Duration = Duration::from_millis(500);

/// Events applied before the screen is drawn again, at most.
const BURST: usize = 4096;

pub struct Options {
    pub dex: Dex,
    pub config: Config,
    pub view: Option<String>,
    pub color: bool,
}

/// How the TUI ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// `q` or Ctrl-C.
    Quit,
    /// A signal (SIGTERM, SIGHUP, SIGINT); the terminal was restored all the same.
    Signal(i32),
}

/// Work for the refresher.
enum Job {
    /// An incremental refresh of the whole dex.
    Refresh,
    /// Cards just written by the TUI (an edit, a new card, a board move).
    Paths(Vec<String>),
}

/// What a round of the refresher found. Whether it changed the index is not said: the
/// reader sees that in the index itself, whoever changed it.
struct Refreshed {
    /// News for the status bar: a rebuild, a file that could not be read.
    message: Option<String>,
    /// Cards the TUI wrote were re-indexed in this round.
    wrote: bool,
    /// The index file was rebuilt: readers must open it again.
    rebuilt: bool,
}

/// Messages from the background.
enum Background {
    Changed,
    Refreshed(Result<Refreshed, String>),
}

/// Runs the TUI until the user quits or a signal ends it.
pub fn run(options: Options) -> Result<Exit, Box<dyn std::error::Error>> {
    let (mut deck, warning) = Deck::open(options.dex.clone(), options.config.clone())?;
    let mut app = App::new(options.config, options.view.as_deref(), deck.templates());
    app.color = options.color;
    app.index.message = warning;
    // Said from the first frame: the refresh starts right after it.
    app.index.refreshing = true;
    let mut term = Term::enter()?;
    app.set_page(view::page_size(term.terminal.size()?.into()));
    // The first frame comes from the index as it is (its first screenful when the sort
    // allows); the full list and the refresh follow.
    deck.start(&mut app, FIRST_FRAME);
    term.terminal.draw(|frame| view::render(&app, frame))?;
    let (tx, rx) = mpsc::channel();
    let refresher = spawn_refresher(options.dex.clone(), deck.index_path().to_path_buf(), tx.clone());
    let _watcher = match watch::start(&options.dex.root, tx.clone(), || Background::Changed) {
        Ok(w) => Some(w),
        Err(e) => {
            app.index.message = Some(format!("not watching for changes ({e}); press r to re-index"));
            None
        }
    };
    app.index.refreshing = refresher.send(Job::Refresh).is_ok();
    event_loop(&mut app, &mut deck, &mut term, &rx, &refresher)
}

/// File changes seen and not yet refreshed: when the first came and the last.
struct Pending {
    first: Instant,
    last: Instant,
}

impl Pending {
    /// When the refresh should start: after a quiet spell, or at the longest wait.
    fn due(&self) -> Instant {
        (self.last + DEBOUNCE).min(self.first + MAX_WAIT)
    }
}

fn event_loop(
    app: &mut App,
    deck: &mut Deck,
    term: &mut Term,
    rx: &Receiver<Background>,
    refresher: &Sender<Job>,
) -> Result<Exit, Box<dyn std::error::Error>> {
    let mut pending: Option<Pending> = None;
    let mut dirty = true;
    loop {
        if let Some(signal) = terminal::signalled() {
            return Ok(Exit::Signal(signal));
        }
        if app.quit {
            return Ok(Exit::Quit);
        }
        let size = term.terminal.size()?;
        let page = view::page_size(size.into());
        if page != app.page {
            app.set_page(page);
            dirty = true;
        }
        if dirty {
            term.terminal.draw(|frame| view::render(app, frame))?;
            dirty = false;
        }
        let now = Instant::now();
        let tick = if deck.busy() { BUSY_TICK } else { TICK };
        let wait = pending.as_ref().map_or(tick, |p| p.due().saturating_duration_since(now).min(tick));
        if event::poll(wait)? {
            for effect in read_burst(app)? {
                perform(effect, app, deck, term, refresher);
            }
            deck.settle(app, SETTLE);
            dirty = true;
        }
        dirty |= deck.receive(app, Duration::ZERO);
        loop {
            match rx.try_recv() {
                Ok(Background::Changed) => {
                    let now = Instant::now();
                    match &mut pending {
                        Some(p) => p.last = now,
                        None => pending = Some(Pending { first: now, last: now }),
                    }
                }
                Ok(Background::Refreshed(result)) => {
                    dirty = true;
                    app.index.refreshing = false;
                    match result {
                        Ok(Refreshed { message, wrote, rebuilt }) => {
                            if message.is_some() {
                                app.index.message = message;
                            }
                            // Whether the round changed anything is for the index to
                            // say; a round that ran before the card was written does
                            // not end the wait for it.
                            deck.check_index(wrote, rebuilt);
                        }
                        Err(e) => {
                            app.index.message = Some(e);
                            deck.check_index(true, false);
                        }
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if app.index.refreshing {
                        app.index.refreshing = false;
                        app.index.message = Some("the background refresh stopped; restart termdex".into());
                        dirty = true;
                    }
                    break;
                }
            }
        }
        if pending.as_ref().is_some_and(|p| Instant::now() >= p.due()) && !app.index.refreshing {
            pending = None;
            app.index.refreshing = refresher.send(Job::Refresh).is_ok();
            dirty = true;
        }
    }
}

/// Applies the events already there before drawing again: a paste in a terminal without
/// bracketed paste arrives as a burst of keys, and each of their queries would only be
/// superseded by the next. Only the last query and the last preview are kept. The burst
/// ends at any other effect: keys typed after `e` belong to the editor it opens.
fn read_burst(app: &mut App) -> io::Result<Vec<Effect>> {
    let mut effects: Vec<Effect> = Vec::new();
    for _ in 0..BURST {
        let event = event::read()?;
        let mut done = app.quit;
        for effect in app.update(&event) {
            match &effect {
                Effect::Query(_) => effects.retain(|e| !matches!(e, Effect::Query(_))),
                Effect::Preview { .. } => effects.retain(|e| !matches!(e, Effect::Preview { .. })),
                _ => done = true,
            }
            effects.push(effect);
        }
        if done || app.quit || !event::poll(Duration::ZERO)? {
            break;
        }
    }
    Ok(effects)
}

fn perform(effect: Effect, app: &mut App, deck: &mut Deck, term: &mut Term, refresher: &Sender<Job>) {
    if effect == Effect::Reindex {
        app.index.refreshing = refresher.send(Job::Refresh).is_ok();
        return;
    }
    let written = deck.perform(effect, app, &mut TermScreen(term));
    if !written.is_empty() {
        app.index.refreshing = refresher.send(Job::Paths(written)).is_ok();
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

/// A thread that writes the index whenever asked, with its own connection (SQLite's WAL
/// lets the screen keep reading meanwhile), and reports back after each round.
fn spawn_refresher(dex: Dex, index_path: PathBuf, tx: Sender<Background>) -> Sender<Job> {
    let (requests, incoming) = mpsc::channel::<Job>();
    thread::spawn(move || {
        let mut index: Option<Index> = None;
        while let Ok(job) = incoming.recv() {
            // Requests that piled up while refreshing need only one more round.
            let mut full = false;
            let mut paths = Vec::new();
            for job in std::iter::once(job).chain(std::iter::from_fn(|| incoming.try_recv().ok())) {
                match job {
                    Job::Refresh => full = true,
                    Job::Paths(p) => paths.extend(p),
                }
            }
            let result =
                catch_unwind(AssertUnwindSafe(|| refresh_once(&dex, &index_path, &mut index, full, &paths)))
                    .unwrap_or_else(|panic| {
                        // The connection may be mid-transaction: open a new one next round.
                        index = None;
                        Err(format!(
                            "the background refresh failed ({}); press r to try again",
                            panic_text(&panic)
                        ))
                    });
            if tx.send(Background::Refreshed(result)).is_err() {
                break;
            }
        }
    });
    requests
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// The cards just written first (named, so they are read even if their size and time
/// look unchanged), then the incremental refresh if one was asked for.
fn refresh_once(
    dex: &Dex,
    index_path: &std::path::Path,
    index: &mut Option<Index>,
    full: bool,
    paths: &[String],
) -> Result<Refreshed, String> {
    if index.is_none() {
        *index = Some(Index::open(index_path).map_err(|e| e.to_string())?.index);
    }
    let Some(index) = index.as_mut() else { return Err("the index is not open".into()) };
    let mut message = None;
    let mut rebuilt = false;
    if !paths.is_empty() {
        let problems = refresh_paths(index, &dex.root, paths).map_err(|e| e.to_string())?;
        message = problems.first().map(|p| p.to_string());
    }
    if full {
        let report = refresh(index, &dex.root, false, &mut |_| {}).map_err(|e| e.to_string())?;
        rebuilt = report.rebuilt.is_some();
        message = report.rebuilt.clone().or(report.problems.first().map(|p| p.to_string())).or(message);
    }
    Ok(Refreshed { message, wrote: !paths.is_empty(), rebuilt })
}
