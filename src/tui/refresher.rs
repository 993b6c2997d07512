//! The writing thread: brings the index up to date — an incremental refresh, the cards
//! the TUI just wrote — on a connection of its own (SQLite's WAL lets the reader go on
//! reading meanwhile), so that the screen never waits for the file system or for another
//! process's write lock. Each round is reported; whether it changed the index is not
//! said, for the reader sees that in the index itself, whoever changed it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender};
use std::thread;

use crate::dex::Dex;
use crate::index::{Index, Progress, rebuild, refresh, refresh_paths};
use crate::scan::Settings;

use super::panic_text;

/// Work for the refresher.
pub enum Job {
    /// An incremental refresh of the whole dex.
    Refresh,
    /// Cards just written by the TUI (an edit, a new card, a board move).
    Paths(Vec<String>),
    /// A rebuild of the index, which a read found damaged (why).
    Heal(String),
}

/// What a round of the refresher did.
pub struct Round {
    /// How many jobs it did: those that piled up while refreshing need only one round.
    pub jobs: usize,
    pub result: Result<Refreshed, String>,
}

/// What a round found.
pub struct Refreshed {
    /// News for the status bar: a rebuild, a file that could not be read.
    pub message: Option<String>,
    /// Cards the TUI wrote were re-indexed in this round.
    pub wrote: bool,
    /// The index file was rebuilt: readers must open it again.
    pub rebuilt: bool,
}

/// How the thread's two kinds of news become the receiver's messages.
pub type Wrappers<T> = (fn(Round) -> T, fn(Progress) -> T);

/// Starts the thread; each round's report goes to `out`, wrapped by `wrap`, and how far
/// a long round has got, wrapped by `progress`.
pub fn start<T: Send + 'static>(
    (dex, index_path, settings): (Dex, PathBuf, Settings),
    out: Sender<T>,
    (wrap, progress): Wrappers<T>,
) -> Sender<Job> {
    let (requests, incoming) = mpsc::channel::<Job>();
    thread::spawn(move || {
        let mut index: Option<Index> = None;
        while let Ok(job) = incoming.recv() {
            let mut work = Work::default();
            let mut jobs = 0;
            for job in std::iter::once(job).chain(std::iter::from_fn(|| incoming.try_recv().ok())) {
                jobs += 1;
                match job {
                    Job::Refresh => work.full = true,
                    Job::Paths(p) => work.paths.extend(p),
                    Job::Heal(why) => work.heal = Some(why),
                }
            }
            let mut report = |p: Progress| {
                let _ = out.send(progress(p));
            };
            let result = catch_unwind(AssertUnwindSafe(|| {
                refresh_once((&dex, &index_path, &settings), &mut index, &work, &mut report)
            }))
            .unwrap_or_else(|panic| {
                // The connection may be mid-transaction: open a new one next round.
                index = None;
                Err(format!("the background refresh failed ({}); press r to try again", panic_text(&panic)))
            });
            if out.send(wrap(Round { jobs, result })).is_err() {
                break;
            }
        }
    });
    requests
}

/// The jobs that piled up, done in one round.
#[derive(Default)]
struct Work {
    full: bool,
    paths: Vec<String>,
    /// Why the index must be rebuilt, when a read found it damaged.
    heal: Option<String>,
}

/// A rebuild first when one was asked for; then the cards just written (named, so they
/// are read even if their size and time look unchanged), then the incremental refresh
/// if one was asked for.
fn refresh_once(
    (dex, index_path, settings): (&Dex, &Path, &Settings),
    index: &mut Option<Index>,
    work: &Work,
    progress: &mut dyn FnMut(Progress),
) -> Result<Refreshed, String> {
    if index.is_none() {
        let mut opened = Index::open(index_path).map_err(|e| e.to_string())?.index;
        opened.use_settings(settings).map_err(|e| e.to_string())?;
        *index = Some(opened);
    }
    let Some(index) = index.as_mut() else { return Err("the index is not open".into()) };
    let (full, paths) = (work.full, &work.paths);
    let mut message = None;
    let mut rebuilt = false;
    if let Some(why) = &work.heal {
        let report = rebuild(index, &dex.root, why, progress).map_err(|e| e.to_string())?;
        rebuilt = true;
        message = report.rebuilt;
    }
    if !paths.is_empty() {
        let problems = refresh_paths(index, &dex.root, paths).map_err(|e| e.to_string())?;
        message = problems.first().map(|p| p.to_string());
    }
    if full {
        let report = refresh(index, &dex.root, false, progress).map_err(|e| e.to_string())?;
        rebuilt = report.rebuilt.is_some();
        message = report.rebuilt.clone().or(report.problems.first().map(|p| p.to_string())).or(message);
    }
    Ok(Refreshed { message, wrote: !paths.is_empty(), rebuilt })
}
