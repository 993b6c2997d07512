//! Owning the terminal: raw mode, the alternate screen and mouse reporting, given back
//! on every way out — a normal quit, an error, or a panic — and around the editor.

use std::io::{self, IsTerminal, Write};
use std::sync::Once;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub type Backend = CrosstermBackend<Box<dyn Write + Send>>;

/// The terminal while the TUI has it; dropping it restores the terminal.
pub struct Term {
    pub terminal: Terminal<Backend>,
}

/// Where to draw: stdout when it is the terminal, else stderr (so `termdex tui > file`
/// still shows the screen and leaves the file alone).
fn screen() -> io::Result<Box<dyn Write + Send>> {
    if io::stdout().is_terminal() {
        Ok(Box::new(io::stdout()))
    } else if io::stderr().is_terminal() {
        Ok(Box::new(io::stderr()))
    } else {
        Err(io::Error::other("the TUI needs a terminal (in a pipe, use `termdex query`)"))
    }
}

impl Term {
    pub fn enter() -> io::Result<Term> {
        let writer = screen()?;
        install_panic_hook();
        setup()?;
        let terminal = Terminal::new(CrosstermBackend::new(writer)).inspect_err(|_| restore())?;
        Ok(Term { terminal })
    }

    /// Gives the terminal back for `f` (the editor), then takes it again and redraws.
    pub fn suspended<T>(&mut self, f: impl FnOnce() -> T) -> io::Result<T> {
        restore();
        let result = f();
        setup()?;
        self.terminal.clear()?;
        Ok(result)
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        restore();
        let _ = self.terminal.show_cursor();
    }
}

fn setup() -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = screen()?;
    execute!(out, EnterAlternateScreen, EnableMouseCapture)
}

/// Best effort, and safe to call twice: it runs on drop and from the panic hook.
pub fn restore() {
    let _ = disable_raw_mode();
    if let Ok(mut out) = screen() {
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen);
        let _ = out.flush();
    }
}

/// A panic prints its message on a normal screen, not into the raw alternate one.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
