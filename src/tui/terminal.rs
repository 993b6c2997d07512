//! Owning the terminal: raw mode, the alternate screen, mouse reporting and bracketed
//! paste, given back on every way out — a normal quit, an error, a panic, any signal
//! whose default action ends the process — and around the editor.

use std::io::{self, IsTerminal, Write};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Once, OnceLock};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
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

/// The descriptor [`screen`] writes to, for the fault handler, which may not allocate.
fn screen_fd() -> i32 {
    if io::stdout().is_terminal() { io::stdout().as_raw_fd() } else { io::stderr().as_raw_fd() }
}

impl Term {
    pub fn enter() -> io::Result<Term> {
        let writer = screen()?;
        remember_terminal(screen_fd());
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
    OWNED.store(true, Ordering::SeqCst);
    let mut out = screen()?;
    // Bracketed paste: a paste arrives as one event, not as keys that would each be acted on.
    execute!(out, EnterAlternateScreen, EnableMouseCapture, EnableBracketedPaste)
}

/// Best effort, and safe to call twice: it runs on drop and from the panic hook.
pub fn restore() {
    OWNED.store(false, Ordering::SeqCst);
    let _ = disable_raw_mode();
    if let Ok(mut out) = screen() {
        // The cursor too: ratatui hides it while drawing, and an editor started after
        // (or a shell after a panic) should not inherit an invisible cursor.
        let _ = execute!(out, DisableBracketedPaste, DisableMouseCapture, LeaveAlternateScreen, Show);
        let _ = out.flush();
    }
}

/// The TUI has the terminal (raw, alternate screen): not before `setup`, not while the
/// editor has it, not after `restore`.
static OWNED: AtomicBool = AtomicBool::new(false);

/// The terminal's descriptor and its settings from before raw mode, for the fault
/// handler to put back without allocating or locking.
static FD: AtomicI32 = AtomicI32::new(-1);
static COOKED: OnceLock<libc::termios> = OnceLock::new();

fn remember_terminal(fd: i32) {
    // SAFETY: `termios` is plain data for which all zeroes is a valid value.
    let mut termios: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: a descriptor of this process and a pointer to an owned `termios`.
    if unsafe { libc::tcgetattr(fd, &mut termios) } == 0 {
        let _ = COOKED.set(termios);
        FD.store(fd, Ordering::SeqCst);
    }
}

/// What [`restore`] writes, as bytes: bracketed paste and the mouse off, the normal screen
/// back, the cursor shown.
const RESTORE: &[u8] =
    b"\x1b[?2004l\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?1049l\x1b[?25h";

/// [`restore`] with async-signal-safe calls only (`tcsetattr`, `write`), for a handler
/// that cannot return to the event loop.
fn restore_from_handler() {
    let fd = FD.load(Ordering::SeqCst);
    if !OWNED.swap(false, Ordering::SeqCst) || fd < 0 {
        return;
    }
    if let Some(cooked) = COOKED.get() {
        // SAFETY: async-signal-safe; a valid descriptor and settings read from it before.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, cooked) };
    }
    // SAFETY: async-signal-safe; a valid descriptor and a static buffer.
    unsafe { libc::write(fd, RESTORE.as_ptr().cast(), RESTORE.len()) };
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

/// Signals whose default action ends the process and that come from outside it: `kill`,
/// a closed terminal window, an interrupt sent from outside (Ctrl-C itself arrives as a
/// key in raw mode), timers, CPU and file size limits. The TUI ends on each the normal
/// way, with the terminal restored, and the shell's 128+n.
fn ending_signals() -> Vec<libc::c_int> {
    let everywhere = [
        libc::SIGHUP,
        libc::SIGINT,
        libc::SIGQUIT,
        libc::SIGPIPE,
        libc::SIGALRM,
        libc::SIGTERM,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGVTALRM,
        libc::SIGPROF,
        libc::SIGXCPU,
        libc::SIGXFSZ,
        libc::SIGIO,
    ];
    // Linux has two more, and real-time signals, which end the process too unless handled.
    #[cfg(target_os = "linux")]
    let linux = [libc::SIGSTKFLT, libc::SIGPWR].into_iter().chain(libc::SIGRTMIN()..=libc::SIGRTMAX());
    #[cfg(not(target_os = "linux"))]
    let linux = std::iter::empty();
    everywhere.into_iter().chain(linux).collect()
}

/// Signals of a fault in the process itself (or sent as if one): returning from a
/// handler would run the faulting instruction again, so the handler restores the
/// terminal itself ([`restore_from_handler`]) and lets the signal end the process, which
/// the shell reports as 128+n all the same.
const FAULT_SIGNALS: [libc::c_int; 7] =
    [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL, libc::SIGABRT, libc::SIGTRAP, libc::SIGSYS];

extern "C" fn on_signal(signal: libc::c_int) {
    SIGNALLED.store(signal, Ordering::SeqCst);
}

extern "C" fn on_fault(signal: libc::c_int) {
    restore_from_handler();
    // SAFETY: async-signal-safe calls: the default action back, then the signal again,
    // delivered once this handler returns.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// The signal that asked the TUI to end, if one did.
pub fn signalled() -> Option<i32> {
    match SIGNALLED.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// Catches [`ending_signals`] and [`FAULT_SIGNALS`], except those termdex was started with
/// ignored (`nohup`), which stay ignored. SIGPIPE is the exception: the Rust runtime
/// ignores it in every program before `main`, so an ignored SIGPIPE says nothing of what
/// the parent wanted.
fn install_signal_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for signal in ending_signals() {
            catch(signal, on_signal, signal == libc::SIGPIPE);
        }
        for signal in FAULT_SIGNALS {
            catch(signal, on_fault, false);
        }
    });
}

fn catch(signal: libc::c_int, handler: extern "C" fn(libc::c_int), even_if_ignored: bool) {
    // SAFETY: `sigaction` is plain data for which all zeroes is a valid value.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler as libc::sighandler_t;
    action.sa_flags = libc::SA_RESTART;
    // SAFETY: `sa_mask` is a valid, owned signal set.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    // SAFETY: as above; read back the current disposition without changing it.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a valid signal number; a null new action only reads the old one.
    if unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) } != 0
        || (old.sa_sigaction == libc::SIG_IGN && !even_if_ignored)
    {
        return;
    }
    // SAFETY: a valid signal number and an initialised action whose handler only does
    // async-signal-safe work (an atomic store; or tcsetattr, write, signal, raise).
    unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) };
}
