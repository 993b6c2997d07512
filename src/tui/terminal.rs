//! Owning the terminal: raw mode, the alternate screen and mouse reporting, given back
//! on every way out — a normal quit, an error, a panic, SIGTERM/SIGHUP/SIGINT — and
//! around the editor.

use std::io::{self, IsTerminal, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicI32, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
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
        install_signal_handlers();
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
        // The cursor too: ratatui hides it while drawing, and an editor started after
        // (or a shell after a panic) should not inherit an invisible cursor.
        let _ = execute!(out, DisableMouseCapture, LeaveAlternateScreen, Show);
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

/// The last terminating signal received (0: none). The handler only stores it; the event
/// loop sees it within one poll and leaves the normal way, which restores the terminal —
/// doing that from the handler itself would not be async-signal-safe.
static SIGNALLED: AtomicI32 = AtomicI32::new(0);

/// Signals that end the TUI: `kill`, a closed terminal window, and an interrupt sent from
/// outside (Ctrl-C itself arrives as a key in raw mode).
const SIGNALS: [libc::c_int; 3] = [libc::SIGTERM, libc::SIGHUP, libc::SIGINT];

extern "C" fn on_signal(signal: libc::c_int) {
    SIGNALLED.store(signal, Ordering::SeqCst);
}

/// The signal that asked the TUI to end, if one did.
pub fn signalled() -> Option<i32> {
    match SIGNALLED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Catches [`SIGNALS`], except those termdex was started with ignored (`nohup`), which
/// stay ignored.
fn install_signal_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for signal in SIGNALS {
            // SAFETY: `sigaction` is plain data for which all zeroes is a valid value.
            let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            // SAFETY: `sa_mask` is a valid, owned signal set.
            unsafe { libc::sigemptyset(&mut action.sa_mask) };
            // SAFETY: as above; read back the current disposition without changing it.
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            // SAFETY: a valid signal number; a null new action only reads the old one.
            if unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) } != 0
                || old.sa_sigaction == libc::SIG_IGN
            {
                continue;
            }
            // SAFETY: a valid signal number and an initialised action whose handler only
            // does an atomic store (async-signal-safe).
            unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
        }
    });
}
