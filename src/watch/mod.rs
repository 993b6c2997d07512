//! Keeping the index current while a TUI or `termdex watch` runs, and letting other
//! commands trust it instead of walking the dex (git's file-system monitor, the same way).
//!
//! The [`keeper`] writes the index — the TUI's jobs and what the file watcher reports —
//! and, while it holds the dex's watch lock, the watch [`record`]. A command that would
//! walk asks [`trust`] first: the record must exist, name a live process (same pid and
//! start time), be renewed within two seconds, have lost no event, find nothing the
//! watcher cannot see (links), carry the fingerprint the command computes
//! ([`fingerprint`]) and name the index file the command opened; then the command leaves
//! a cookie in `.termdex/cookies/` and waits until the record acknowledges it, which the
//! keeper does only after writing every change queued before it. Any doubt: walk.
//!
//! The watcher talks to the index layer only; the TUI and the CLI use this layer, and
//! neither holds SQL.

#[cfg(not(target_os = "linux"))]
mod elsewhere;
pub mod fingerprint;
#[cfg(target_os = "linux")]
mod inotify;
pub mod keeper;
pub mod record;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::dex::Dex;
use crate::index::Index;
use crate::scan::Settings;

pub use keeper::{Change, Input, Job, Keep, Keeper, Refreshed, Report, Round, StartError, start};

/// The folder of `.termdex/` where commands leave their cookies.
pub const COOKIES: &str = "cookies";

/// How old a heartbeat may be: twice the keeper's beat.
const HEARTBEAT_LIMIT: Duration = Duration::from_secs(2);

/// How long a command waits for its cookie to be acknowledged before it walks instead:
/// about what the walk of a large dex costs.
const COOKIE_WAIT: Duration = Duration::from_millis(500);

/// Whether a command may skip its walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The watcher with this pid vouches for the index as of now.
    Watcher(u32),
    /// Walk, and why.
    Walk(String),
}

/// Whether the index at hand (`index`, opened with `settings`) may be read as current
/// without a walk of `dex`: see the module's documentation.
pub fn trust(dex: &Dex, index: &Index, settings: &Settings) -> Trust {
    match trusted(dex, index, settings) {
        Ok(pid) => Trust::Watcher(pid),
        Err(why) => Trust::Walk(why),
    }
}

fn trusted(dex: &Dex, index: &Index, settings: &Settings) -> Result<u32, String> {
    if !cfg!(target_os = "linux") {
        return Err("no watcher is trusted on this system (no inotify, no /proc)".into());
    }
    let path = record::path(index.path());
    let before = record::read(&path).ok_or("no watcher is running")?;
    alive(&before)?;
    if let Some(why) = &before.lost {
        return Err(format!("the watcher (pid {}) may have missed changes: {why}", before.pid));
    }
    // What else the record says may change with the events before the cookie (a link
    // removed, the config the command read): it is judged as acknowledged.
    let acked = cookie_round_trip(dex, &path, &before)?;
    let print = fingerprint::fingerprint(&dex.root, settings);
    alive(&acked)?;
    vouches(&acked, index, &print)?;
    if index.reread_pending().unwrap_or(true) {
        return Err("the index waits to read every card again".into());
    }
    Ok(acked.pid)
}

/// Whether the record is a live watcher's: this termdex, the process it names still
/// running (same pid and start time), its heartbeat recent.
fn alive(record: &record::Record) -> Result<(), String> {
    let pid = record.pid;
    if record.version != env!("CARGO_PKG_VERSION") {
        return Err(format!("the watcher (pid {pid}) is termdex {}, not this one", record.version));
    }
    if record::start_time(pid) != Some(record.start) {
        return Err(format!("the watcher (pid {pid}) is no longer running"));
    }
    let age_ms = (record::now_ns() - record.heartbeat_ns) / 1_000_000;
    let limit = heartbeat_limit();
    if age_ms < 0 || age_ms > limit.as_millis() as i64 {
        return Err(format!("the watcher's (pid {pid}) last heartbeat is {age_ms} ms old"));
    }
    Ok(())
}

/// Whether a live watcher's record vouches for every change to this index's cards, read
/// with this fingerprint.
fn vouches(record: &record::Record, index: &Index, print: &str) -> Result<(), String> {
    let pid = record.pid;
    if let Some(why) = &record.lost {
        return Err(format!("the watcher (pid {pid}) may have missed changes: {why}"));
    }
    if let Some(why) = &record.unwatchable {
        return Err(format!("the watcher (pid {pid}) cannot see every change: {why}"));
    }
    if record.fingerprint != print {
        return Err(format!(
            "the watcher (pid {pid}) found the cards with other settings or ignore files than this command"
        ));
    }
    if record.index_file.is_none() || record.index_file != index.file_identity() {
        return Err(format!("the watcher (pid {pid}) keeps another index file than the one opened"));
    }
    // Another command walked with other rules (ignore files, settings) and changed the
    // index since: it may lack cards the watcher keeps, whatever the watcher says.
    if index.walked_with().ok().flatten().as_deref() != Some(print) {
        return Err(format!(
            "the index was last walked with other settings or ignore files than the watcher's (pid {pid})"
        ));
    }
    Ok(())
}

/// The limit on a heartbeat's age; a debug build lets a test shorten it
/// (`TERMDEX_WATCH_HEARTBEAT_LIMIT_MS`), never lengthen it.
fn heartbeat_limit() -> Duration {
    let asked = cfg!(debug_assertions)
        .then(|| std::env::var("TERMDEX_WATCH_HEARTBEAT_LIMIT_MS").ok()?.parse().ok())
        .flatten()
        .map(Duration::from_millis);
    asked.map_or(HEARTBEAT_LIMIT, |asked| asked.min(HEARTBEAT_LIMIT))
}

/// Leaves a cookie for the watcher and waits until its record acknowledges it: then every
/// change made before the cookie is in the index. The record that did is returned.
fn cookie_round_trip(dex: &Dex, path: &Path, before: &record::Record) -> Result<record::Record, String> {
    static SENT: AtomicU64 = AtomicU64::new(0);
    let name =
        format!("{}-{}-{}", std::process::id(), SENT.fetch_add(1, Ordering::Relaxed), record::now_ns());
    let cookie = dex.state_dir().join(COOKIES).join(&name);
    // New, never through a link someone put in its place (`O_EXCL`).
    if let Err(e) = std::fs::File::options().write(true).create_new(true).open(&cookie) {
        return Err(format!("cannot leave a cookie for the watcher in {} ({e})", cookie.display()));
    }
    let answer = wait_for_ack(path, before, &name);
    let _ = std::fs::remove_file(&cookie);
    answer
}

fn wait_for_ack(path: &Path, before: &record::Record, name: &str) -> Result<record::Record, String> {
    let start = Instant::now();
    let mut pause = Duration::from_micros(50);
    loop {
        let record = record::read(path).ok_or("the watcher's record went away")?;
        if record.pid != before.pid || record.start != before.start {
            return Err("another watcher took over while this command waited".into());
        }
        if record.acked.iter().any(|acked| acked == name) {
            return Ok(record);
        }
        if start.elapsed() >= COOKIE_WAIT {
            return Err(format!(
                "the watcher (pid {}) did not answer within {} ms",
                before.pid,
                COOKIE_WAIT.as_millis()
            ));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(2));
    }
}
