//! The event loop: draw, wait for a key or a report from the deck's helpers, update,
//! hand the effects to the deck. Nothing here waits for the index: the deck answers off
//! the UI thread, so the screen never waits for the file system, for SQLite or for
//! another process's write lock.

use std::io;
use std::time::Duration;

use ratatui::crossterm::event;

use crate::config::Config;
use crate::dex::Dex;

use super::app::{App, Effect};
use super::deck::{Deck, Screen};
use super::terminal::{self, Term};
use super::view;

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
    /// A signal that ends the process (SIGTERM, SIGHUP, SIGQUIT ...); the terminal was
    /// restored all the same.
    Signal(i32),
}

/// Runs the TUI until the user quits or a signal ends it.
pub fn run(options: Options) -> Result<Exit, Box<dyn std::error::Error>> {
    let (mut deck, warning) = Deck::open(options.dex, options.config.clone())?;
    let mut app = App::new(options.config, options.view.as_deref(), deck.templates());
    app.color = options.color;
    app.status_message = warning;
    // Said from the first frame: the refresh starts right after it.
    app.index.refreshing = true;
    let mut term = Term::enter()?;
    app.set_page(view::page_size(term.terminal.size()?.into()));
    // The first frame comes from the index as it is (its first screenful when the sort
    // allows); the full list and the refresh follow.
    deck.start(&mut app, FIRST_FRAME);
    term.terminal.draw(|frame| view::render(&app, frame))?;
    deck.after_first_frame(&mut app);
    deck.keep_index_current(&mut app);
    event_loop(&mut app, &mut deck, &mut term)
}

fn event_loop(app: &mut App, deck: &mut Deck, term: &mut Term) -> Result<Exit, Box<dyn std::error::Error>> {
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
        if event::poll(deck.next_look())? {
            let effects = read_burst(app)?;
            if effects.iter().any(Effect::drawn_first) {
                term.terminal.draw(|frame| view::render(app, frame))?;
            }
            for effect in effects {
                deck.perform(effect, app, &mut TermScreen(term));
            }
            deck.answers_within(app, SETTLE);
            dirty = true;
        }
        dirty |= deck.receive(app, Duration::ZERO);
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
