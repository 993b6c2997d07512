//! `termdex watch`: keep the index current while it runs, so that other commands trust it
//! instead of walking the dex (the work is the library's `watch` layer).

use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::{Context, Result};

use termdex::watch::{self, Keep, Report};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// The signal that asked the watcher to stop (0: none).
static STOP: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(signal: libc::c_int) {
    STOP.store(signal, Ordering::SeqCst);
}

pub fn run(ctx: &Ctx, _args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    // Created, migrated or healed here, so that the keeper opens a sound index.
    let index_path = ctx.open_index()?.path().to_path_buf();
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: a valid signal number, and a handler that only stores to an atomic.
        unsafe { libc::signal(signal, on_signal as *const () as libc::sighandler_t) };
    }
    let (out, reports) = mpsc::channel();
    let helpers = (ctx.dex.clone(), config, index_path);
    let keeper = watch::start(helpers, out, |report| report, Keep::Required)
        .with_context(|| format!("cannot watch {}", ctx.dex.root.display()))?;
    if !ctx.quiet {
        say!(
            "termdex: watching {} (pid {}): other commands read the index without walking while this runs; Ctrl-C stops",
            ctx.dex.root.display(),
            std::process::id()
        );
    }
    while STOP.load(Ordering::SeqCst) == 0 {
        match reports.recv_timeout(Duration::from_millis(200)) {
            Ok(Report::Round(round)) => match round.result {
                Ok(refreshed) => {
                    if let Some(message) = refreshed.message {
                        ctx.warn(message);
                    }
                }
                Err(e) => ctx.warn(format!("the refresh failed: {e}")),
            },
            Ok(Report::Progress(_) | Report::Noticed) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    keeper.stop();
    Ok(ExitCode::SUCCESS)
}
