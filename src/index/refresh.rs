//! Bringing the index up to date with the files: the incremental refresh.
//!
//! Walk and stat everything (cheap), compare with the stored stamps, read and parse only
//! what changed on every core while one thread writes, all in one transaction. Nothing
//! changed means nothing is read and nothing is written.

use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rusqlite::{Connection, TransactionBehavior};

use crate::scan::{self, FileStat, Problem};

use super::store::{self, Fts, Prepared};
use super::{Index, IndexError};

/// How far a long refresh has got, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What a refresh did.
#[derive(Debug, Default)]
pub struct RefreshReport {
    pub new: usize,
    pub changed: usize,
    pub removed: usize,
    /// Cards in the index whose frontmatter does not parse.
    pub errors: usize,
    /// Cards in the index afterwards.
    pub total: usize,
    /// Files skipped or only partly read, for warnings.
    pub problems: Vec<Problem>,
    /// Card files found by the walk.
    pub walked: usize,
    /// How long each phase took (walk, plan, load, indexes, commit ...), for `-v`.
    pub phases: Vec<(&'static str, Duration)>,
    /// Set when the index was damaged and had to be rebuilt.
    pub rebuilt: Option<String>,
    pub elapsed: Duration,
}

/// Updates the index from the dex at `root`; `full` re-reads every file.
pub fn refresh(
    index: &mut Index,
    root: &Path,
    full: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<RefreshReport, IndexError> {
    let start = Instant::now();
    let mut report = match refresh_once(index, root, full, progress) {
        Err(err) if err.is_damage() => {
            index.reset()?;
            let mut report = refresh_once(index, root, true, progress)?;
            report.rebuilt =
                Some(format!("index {} was damaged; rebuilt it from the cards", index.path().display()));
            report
        }
        other => other?,
    };
    report.elapsed = start.elapsed();
    Ok(report)
}

/// The files to read and the paths to drop.
#[derive(Default)]
struct Plan<'a> {
    /// Files to read, each with whether the index already holds it.
    read: Vec<(&'a FileStat, bool)>,
    remove: Vec<String>,
    new: usize,
    changed: usize,
}

/// Compares the walk with the stored stamps. Both are in path order, so one merge pass
/// does it, with no hashing and no copy of the hundred thousand stored paths.
fn plan<'a>(files: &'a [FileStat], conn: &Connection, full: bool) -> rusqlite::Result<Plan<'a>> {
    let mut plan = Plan::default();
    let mut next = files.iter().peekable();
    if !full {
        store::for_each_stamp(conn, |path, stamp| {
            while let Some(file) = next.next_if(|f| f.path.as_str() < path) {
                plan.new += 1;
                plan.read.push((file, false));
            }
            match next.next_if(|f| f.path == path) {
                Some(file) if file.mtime_ns == stamp.mtime_ns && file.size == stamp.size => {}
                Some(file) => {
                    plan.changed += 1;
                    plan.read.push((file, true));
                }
                None => plan.remove.push(path.to_string()),
            }
        })?;
    }
    for file in next {
        plan.new += 1;
        plan.read.push((file, false));
    }
    Ok(plan)
}

fn refresh_once(
    index: &mut Index,
    root: &Path,
    full: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<RefreshReport, IndexError> {
    let mut clock = PhaseClock::start();
    let walk = scan::walk(root);
    clock.lap("walk");
    let first_look = plan(&walk.files, &index.conn, full).map_err(|e| index.sqlite_error(e))?;
    clock.lap("plan");
    let mut report =
        RefreshReport { walked: walk.files.len(), problems: walk.problems, ..RefreshReport::default() };
    if full || !first_look.read.is_empty() || !first_look.remove.is_empty() {
        let written = write(&mut index.conn, root, &walk.files, full, progress, &mut clock)
            .map_err(|e| index.sqlite_error(e))?;
        report.new = written.new;
        report.changed = written.changed;
        report.removed = written.removed;
        report.problems.extend(written.problems);
    }
    let (total, errors) = counts(&index.conn).map_err(|e| index.sqlite_error(e))?;
    report.total = total;
    report.errors = errors;
    clock.lap("count");
    report.phases = clock.phases;
    Ok(report)
}

/// Above this many files to read, a refresh loads in bulk: indexes are rebuilt once
/// afterwards instead of being updated row by row.
const BULK_THRESHOLD: usize = 2000;

/// Page cache during a bulk load, in KiB; well inside the 300 MB memory budget.
const BULK_CACHE_KIB: i64 = 96 * 1024;

/// Files parsed together before they are handed to the writer, in path order.
const CHUNK: usize = 512;

/// What a write did.
#[derive(Default)]
struct Written {
    new: usize,
    changed: usize,
    removed: usize,
    problems: Vec<Problem>,
}

/// Brings the index in line with `files` in one transaction. Always through the WAL, so
/// that other processes keep reading (and queue their writes) while a first build runs.
fn write(
    conn: &mut Connection,
    root: &Path,
    files: &[FileStat],
    full: bool,
    progress: &mut dyn FnMut(Progress),
    clock: &mut PhaseClock,
) -> rusqlite::Result<Written> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Planned again under the write lock: another process may have written since the
    // first look, and which cards are new must be exact (new cards skip the deletes).
    let plan = plan(files, &tx, full)?;
    if full {
        store::clear(&tx)?;
        clock.lap("clear");
    }
    let bulk = full || plan.read.len() >= BULK_THRESHOLD;
    let fts = if bulk { Fts::Later } else { Fts::Each };
    let deferred = if bulk {
        // Room for the tables being loaded, so pages are not spilled mid-load.
        tx.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        store::drop_deferred_indexes(&tx)?
    } else {
        Vec::new()
    };
    for path in &plan.remove {
        store::delete_card(&tx, path, fts)?;
    }
    let unread = read_and_write(&tx, root, &plan.read, fts, progress)?;
    clock.lap("load");
    if bulk {
        store::recreate_indexes(&tx, &deferred)?;
        clock.lap("indexes");
        store::rebuild_fts(&tx)?;
        clock.lap("full-text");
        tx.pragma_update(None, "cache_size", -super::CACHE_KIB)?;
    }
    tx.commit()?;
    clock.lap("commit");
    let mut written =
        Written { new: plan.new, changed: plan.changed, removed: plan.remove.len(), problems: Vec::new() };
    for (problem, was_indexed) in unread {
        // Counted as new or changed by the plan, but skipped (and dropped if indexed).
        if was_indexed {
            written.changed -= 1;
            written.removed += 1;
        } else {
            written.new -= 1;
        }
        written.problems.push(problem);
    }
    Ok(written)
}

/// Parses files on every core, a chunk at a time, while this thread writes the previous
/// chunk. Chunks arrive in path order, so card ids follow paths and listing by path reads
/// the table front to back.
fn read_and_write(
    conn: &Connection,
    root: &Path,
    files: &[(&FileStat, bool)],
    fts: Fts,
    progress: &mut dyn FnMut(Progress),
) -> rusqlite::Result<Vec<(Problem, bool)>> {
    let (sender, receiver) = sync_channel::<Vec<(Result<Prepared, Problem>, bool)>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for chunk in files.chunks(CHUNK) {
                let cards = chunk
                    .par_iter()
                    .map(|(stat, known)| (scan::read_card(root, stat).map(store::prepare), *known))
                    .collect();
                // A failed send means the writer stopped on an error: stop reading too.
                if sender.send(cards).is_err() {
                    break;
                }
            }
        });
        drain(conn, receiver, files.len(), fts, progress)
    })
}

/// Takes the receiver by value so that it is dropped (unblocking the reader) before the
/// scope joins it, even when a write fails.
fn drain(
    conn: &Connection,
    receiver: Receiver<Vec<(Result<Prepared, Problem>, bool)>>,
    total: usize,
    fts: Fts,
    progress: &mut dyn FnMut(Progress),
) -> rusqlite::Result<Vec<(Problem, bool)>> {
    let mut problems = Vec::new();
    let mut done = 0;
    for chunk in receiver {
        for (result, known) in chunk {
            match result {
                Ok(prepared) => store::write_card(conn, &prepared, known, fts)?,
                Err(problem) => {
                    // Gone or unreadable now: whatever the index held for it is stale.
                    store::delete_card(conn, &problem.path, fts)?;
                    problems.push((problem, known));
                }
            }
        }
        done = (done + CHUNK).min(total);
        progress(Progress { done, total });
    }
    progress(Progress { done: total, total });
    Ok(problems)
}

/// Times the phases of a refresh.
struct PhaseClock {
    last: Instant,
    phases: Vec<(&'static str, Duration)>,
}

impl PhaseClock {
    fn start() -> PhaseClock {
        PhaseClock { last: Instant::now(), phases: Vec::new() }
    }

    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.phases.push((name, now - self.last));
        self.last = now;
    }
}

fn counts(conn: &Connection) -> rusqlite::Result<(usize, usize)> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM cards), (SELECT count(*) FROM cards WHERE error IS NOT NULL)",
        [],
        |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
    )
}

/// Re-reads just these cards (dex-relative paths), without walking the dex: what a
/// command calls after writing or removing a card itself. A path whose file is gone is
/// dropped from the index; one that cannot be read is dropped and reported. A path the
/// walk would never list (not `*.md`, hidden, outside the dex) is skipped, so the index
/// only ever holds cards.
pub fn refresh_paths(index: &mut Index, root: &Path, paths: &[String]) -> Result<Vec<Problem>, IndexError> {
    match refresh_paths_once(index, root, paths) {
        Err(err) if err.is_damage() => {
            // A damaged index is rebuilt whole; the paths are part of that.
            index.reset()?;
            refresh(index, root, true, &mut |_| {}).map(|report| report.problems)
        }
        other => other,
    }
}

fn refresh_paths_once(index: &mut Index, root: &Path, paths: &[String]) -> Result<Vec<Problem>, IndexError> {
    let mut problems = Vec::new();
    let result =
        (|| {
            let tx = index.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            for path in paths.iter().filter(|p| scan::card_path_problem(p).is_none()) {
                let stat = std::fs::metadata(root.join(path)).ok().filter(|m| m.is_file()).map(|meta| {
                    FileStat { path: path.clone(), mtime_ns: scan::mtime_ns(&meta), size: meta.len() }
                });
                match stat.map(|s| scan::read_card(root, &s)) {
                    Some(Ok(card)) => store::write_card(&tx, &store::prepare(card), true, Fts::Each)?,
                    Some(Err(problem)) => {
                        store::delete_card(&tx, path, Fts::Each)?;
                        problems.push(problem);
                    }
                    None => {
                        store::delete_card(&tx, path, Fts::Each)?;
                    }
                }
            }
            tx.commit()
        })();
    result.map_err(|e| index.sqlite_error(e))?;
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_paths_indexes_only_cards() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        for (rel, text) in [
            ("a.md", "# A\n"),
            ("package.json", "{}\n"),
            ("notes.txt", "text\n"),
            (".git/x.md", "# hidden folder\n"),
            ("sub/.draft.md", "# hidden file\n"),
        ] {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        let paths: Vec<String> = [
            "a.md",
            "package.json",
            "notes.txt",
            ".git/x.md",
            "sub/.draft.md",
            "../a.md",
            ".termdex/index.db",
        ]
        .map(String::from)
        .to_vec();
        let problems = refresh_paths(&mut index, &root, &paths).expect("refresh");
        assert_eq!(problems, Vec::new());
        let indexed: Vec<String> = index
            .conn
            .prepare("SELECT path FROM cards ORDER BY path")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("paths");
        assert_eq!(indexed, ["a.md"]);
    }
}
