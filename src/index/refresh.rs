//! Bringing the index up to date with the files: the incremental refresh.
//!
//! Walk and stat everything (cheap), compare with the stored stamps, read and parse only
//! what changed on every core while one thread writes, all in one transaction. Nothing
//! changed means nothing is read and nothing is written.
//!
//! A stamp is only as fine as the file system's clock: a file changed twice within one
//! tick (a jiffy on Linux, two seconds on FAT) keeps its (mtime, size) if its length does
//! not change. So a stamp taken within [`RACY`] of the file's modification time is not
//! trusted: the card is remembered as "racy" and read again by later refreshes, until its
//! modification time lies safely in the past (git's "racily clean" entries, the same way).

use std::collections::BTreeSet;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;
use rusqlite::{Connection, TransactionBehavior};

use crate::scan::{self, FileStat, Problem, Settings};

use super::links::Relink;
use super::store::{self, Fts, Prepared};
use super::{Damage, Index, IndexError};

/// How far a long refresh has got, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Why a file watcher could miss a change to the cards walked ([`scan::Walk`]).
    pub unwatchable: Option<String>,
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
        Err(err) => match err.index_damage() {
            Some(why) => rebuild(index, root, &why, progress)?,
            None => return Err(err),
        },
        Ok(report) => report,
    };
    report.elapsed = start.elapsed();
    Ok(report)
}

/// What a refresh that found nothing to do reports, without walking: what the index holds
/// (a command that trusted a watcher instead of walking).
pub fn untouched(index: &Index) -> Result<RefreshReport, IndexError> {
    let start = Instant::now();
    let (total, errors) = counts(&index.conn).map_err(|e| index.sqlite_error(e))?;
    Ok(RefreshReport { total, errors, elapsed: start.elapsed(), ..RefreshReport::default() })
}

/// Sets a damaged index aside (deletes it) and builds it again from the cards at `root`;
/// `why` is the damage met, for the report's `rebuilt` warning.
pub fn rebuild(
    index: &mut Index,
    root: &Path,
    why: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<RefreshReport, IndexError> {
    let start = Instant::now();
    // Built from nothing, unless another process rebuilt it first.
    let emptied = index.reset()?;
    let mut report = refresh_once(index, root, emptied, progress)?;
    report.rebuilt =
        Some(format!("index {} was damaged ({why}); rebuilt it from the cards", index.path().display()));
    report.elapsed = start.elapsed();
    Ok(report)
}

/// What [`read_fresh`] found.
pub enum Fresh<T> {
    /// The snapshot the read saw held every file's current stamp: its answer stands, as
    /// if a refresh that found nothing to do had run first.
    Yes { answer: T, report: RefreshReport },
    /// Some file changed (or is racy, or the index could not be compared): refresh, then
    /// read again.
    No,
}

/// Reads from the index while the dex is walked on other threads, then compares the
/// walk with the stamps in the same read transaction the read used. A no-change refresh
/// and a large query each take about as long as the other; here they overlap instead of
/// following each other. Nothing is written.
pub fn read_fresh<T>(index: &Index, root: &Path, read: impl FnOnce(&Index) -> T) -> Fresh<T> {
    let start = Instant::now();
    let conn = &index.conn;
    if conn.execute_batch("BEGIN DEFERRED").is_err() {
        return Fresh::No;
    }
    // Ends the read transaction however this returns (a panic included), so that the
    // refresh that may follow does not meet one left open.
    let _end = EndRead(conn);
    let extensions = &index.extensions();
    let (answer, walk, walk_took) = std::thread::scope(|scope| {
        let walker = scope.spawn(|| {
            // On every core, reader or not: measured, one walker beside the reader made
            // the whole slower (355 against 323 ms for 100k cards on 2 cores).
            let walk = scan::walk(root, extensions);
            (walk, start.elapsed())
        });
        let answer = read(index);
        // The walk never panics on what it finds; if it did, so does the caller.
        let (walk, took) = walker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (answer, walk, took)
    });
    let before_plan = Instant::now();
    // An index waiting to be read again whole is stale, whatever the stamps say; one
    // last walked with other rules is refreshed to record this walk's.
    if store::reread_pending(conn) != Ok(false) || index.walk_print_stale() != Ok(false) {
        return Fresh::No;
    }
    let Ok(plan) = plan(&walk.files, conn, false) else { return Fresh::No };
    let Some(unreadable) = only_unreadable(root, &plan) else { return Fresh::No };
    let plan_took = before_plan.elapsed();
    let mut problems = walk.problems;
    problems.extend(unreadable);
    let report = RefreshReport {
        walked: walk.files.len(),
        problems,
        phases: vec![("walk (beside the read)", walk_took), ("plan", plan_took)],
        elapsed: start.elapsed(),
        ..RefreshReport::default()
    };
    Fresh::Yes { answer, report }
}

/// Runs `read` in one read transaction in which the index is recorded as last walked with
/// this process's rules ([`Index::record_walks_as`]); `None`, without reading, when it is
/// not. A command trusting a watcher reads so: another command, of other rules, may
/// commit between the watcher's check and the read.
pub fn read_as_walked<T>(index: &Index, read: impl FnOnce(&Index) -> T) -> Option<T> {
    let conn = &index.conn;
    conn.execute_batch("BEGIN DEFERRED").ok()?;
    let _end = EndRead(conn);
    // The first read of the transaction fixes its snapshot: the answer comes from it.
    if index.walk_print_stale() != Ok(false) {
        return None;
    }
    Some(read(index))
}

/// Rolls back a read transaction still open when dropped.
struct EndRead<'c>(&'c Connection);

impl Drop for EndRead<'_> {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            // Only read: ending it cannot lose anything.
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}

/// Files new to the index that cannot be read (no permission, say) stay new to every
/// plan, because a refresh skips them; a refresh would change nothing for them but the
/// warning. So when those are all a plan holds, say why each is skipped (`Some`); a few
/// are tried, more than that are left to a refresh (`None`).
fn only_unreadable(root: &Path, plan: &Plan<'_>) -> Option<Vec<Problem>> {
    const TRIED: usize = 16;
    if !plan.remove.is_empty() || plan.read.len() > TRIED {
        return None;
    }
    plan.read
        .iter()
        // Whether a file can be read does not depend on the settings it is parsed with.
        .map(|(file, reason)| match (reason, scan::read_card(root, file, &Settings::default())) {
            (Reason::New, Err(problem)) => Some(problem),
            _ => None,
        })
        .collect()
}

/// How near to a refresh a file's modification time may be before the stamp taken is not
/// trusted. Covers the coarsest clocks of common file systems (FAT: 2 s) with a margin.
const RACY: Duration = Duration::from_secs(3);

/// Why a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    /// Not in the index.
    New,
    /// Its stamp differs from the stored one.
    Changed,
    /// Same stamp, but the stamp was racy: read to compare.
    Recheck,
}

/// The files to read and the paths to drop.
#[derive(Default)]
struct Plan<'a> {
    read: Vec<(&'a FileStat, Reason)>,
    remove: Vec<String>,
    new: usize,
    changed: usize,
    /// The racy cards as stored before this refresh.
    racy: BTreeSet<String>,
}

/// Compares the walk with the stored stamps. Both are in path order, so one merge pass
/// does it, with no hashing and no copy of the hundred thousand stored paths.
fn plan<'a>(files: &'a [FileStat], conn: &Connection, full: bool) -> rusqlite::Result<Plan<'a>> {
    let mut plan = Plan::default();
    let mut next = files.iter().peekable();
    if !full {
        let racy = store::racy_paths(conn)?;
        store::for_each_stamp(conn, |path, stamp| {
            while let Some(file) = next.next_if(|f| f.path.as_str() < path) {
                plan.new += 1;
                plan.read.push((file, Reason::New));
            }
            match next.next_if(|f| f.path == path) {
                Some(file) if file.mtime_ns == stamp.mtime_ns && file.size == stamp.size => {
                    if racy.contains(path) {
                        plan.read.push((file, Reason::Recheck));
                    }
                }
                Some(file) => {
                    plan.changed += 1;
                    plan.read.push((file, Reason::Changed));
                }
                None => plan.remove.push(path.to_string()),
            }
        })?;
        plan.racy = racy;
    }
    for file in next {
        plan.new += 1;
        plan.read.push((file, Reason::New));
    }
    Ok(plan)
}

/// Nanoseconds since the Unix epoch, the unit of stored modification times.
fn now_ns() -> i64 {
    match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_nanos()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

/// Now by the clock the kernel stamps files with (its coarse clock, a tick behind at
/// most): a file created after this moment never carries an earlier time. Earlier than
/// [`now_ns`], which only widens the racy window it starts.
fn coarse_now_ns() -> i64 {
    // Linux stamps files with its coarse clock; elsewhere (macOS) there is none to ask, and
    // the precise one is at most a stamp's granularity ahead, well inside RACY.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let clock = rustix::time::ClockId::RealtimeCoarse;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let clock = rustix::time::ClockId::Realtime;
    let now = rustix::time::clock_gettime(clock);
    now.tv_sec.saturating_mul(1_000_000_000).saturating_add(now.tv_nsec)
}

/// The modification times whose stamps are racy for a refresh that started (walking or
/// statting) at `start_ns`: from [`RACY`] before it to [`RACY`] after now. A time further
/// ahead (a clock set wrong, a copied file) can no more be met by a write than one long past.
#[derive(Debug, Clone, Copy)]
struct RacyWindow {
    from_ns: i64,
    until_ns: i64,
}

impl RacyWindow {
    fn since(start_ns: i64) -> RacyWindow {
        let racy = RACY.as_nanos() as i64;
        RacyWindow { from_ns: start_ns.saturating_sub(racy), until_ns: now_ns().saturating_add(racy) }
    }

    fn contains(&self, mtime_ns: i64) -> bool {
        (self.from_ns..=self.until_ns).contains(&mtime_ns)
    }
}

/// The racy list after cards were written: `read` racy or not by their stamps (those that
/// could not be read are gone from the index), `removed` gone.
fn update_racy<'a>(
    racy: &mut BTreeSet<String>,
    window: RacyWindow,
    read: impl Iterator<Item = &'a FileStat>,
    gone: impl Iterator<Item = &'a str>,
) {
    for file in read {
        if window.contains(file.mtime_ns) {
            racy.insert(file.path.clone());
        } else {
            racy.remove(&file.path);
        }
    }
    for path in gone {
        racy.remove(path);
    }
}

fn refresh_once(
    index: &mut Index,
    root: &Path,
    full: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<RefreshReport, IndexError> {
    let mut clock = PhaseClock::start();
    let start_ns = coarse_now_ns();
    let walk = scan::walk(root, &index.extensions());
    clock.lap("walk");
    let first_look = plan(&walk.files, &index.conn, full).map_err(|e| index.sqlite_error(e))?;
    let reread = store::reread_pending(&index.conn).map_err(|e| index.sqlite_error(e))?;
    let print_stale = index.walk_print_stale().map_err(|e| index.sqlite_error(e))?;
    clock.lap("plan");
    let mut report = RefreshReport {
        walked: walk.files.len(),
        problems: walk.problems,
        unwatchable: walk.unwatchable,
        ..RefreshReport::default()
    };
    if full || reread || print_stale || !first_look.read.is_empty() || !first_look.remove.is_empty() {
        let print = index.walk_print.as_deref();
        let written =
            write(&mut index.conn, root, (&walk.files, print), full, start_ns, progress, &mut clock)
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

/// Brings the index in line with `files` (walked from `start_ns` on) in one transaction.
/// Always through the WAL, so that other processes keep reading (and queue their writes)
/// while a first build runs.
fn write(
    conn: &mut Connection,
    root: &Path,
    (files, print): (&[FileStat], Option<&str>),
    full: bool,
    start_ns: i64,
    progress: &mut dyn FnMut(Progress),
    clock: &mut PhaseClock,
) -> rusqlite::Result<Written> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // An index the schema asked to read again whole is rebuilt, unless another process
    // has done it since the first look.
    let full = full || store::reread_pending(&tx)?;
    // Planned again under the write lock: another process may have written since the
    // first look, and which cards are new must be exact (new cards skip the deletes).
    let mut plan = plan(files, &tx, full)?;
    let late = appeared_since_walk(&tx, root, files, full, start_ns, &mut plan)?;
    plan.read.extend(late.iter().map(|(file, reason)| (file, *reason)));
    if full {
        store::clear(&tx)?;
        clock.lap("clear");
    }
    let bulk = full || plan.read.len() >= BULK_THRESHOLD;
    let fts = if bulk { Fts::Later } else { Fts::Each };
    let mut relink = if bulk { Relink::bulk(&tx)? } else { Relink::touched() };
    let mut deferred = if bulk {
        // Room for the tables being loaded, so pages are not spilled mid-load.
        tx.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        store::drop_deferred_indexes(&tx)?
    } else {
        store::Deferred::none()
    };
    for path in &plan.remove {
        store::delete_card(&tx, path, fts, &mut relink)?;
    }
    let settings = store::settings(&tx)?;
    let drained = read_and_write(&tx, (root, &settings), &plan.read, fts, &mut relink, progress)?;
    clock.lap("load");
    deferred.recreate_names(&tx)?;
    relink.finish(&tx)?;
    clock.lap("links");
    if bulk {
        deferred.recreate(&tx)?;
        clock.lap("indexes");
        store::rebuild_fts(&tx)?;
        clock.lap("full-text");
        tx.pragma_update(None, "cache_size", -super::CACHE_KIB)?;
    }
    let mut racy = plan.racy.clone();
    let gone =
        plan.remove.iter().map(String::as_str).chain(drained.problems.iter().map(|(p, _)| p.path.as_str()));
    update_racy(&mut racy, RacyWindow::since(start_ns), drained.read.iter(), gone);
    // A full rebuild starts the list afresh, whatever the index held.
    if full || racy != plan.racy {
        store::set_racy_paths(&tx, &racy)?;
    }
    // Recorded in the same transaction as what the walk found, so that no reader sees
    // this walk's cards under another walk's rules; a walk of unknown rules leaves none.
    match print {
        Some(print) if store::walked_with(&tx)?.as_deref() != Some(print) => {
            store::set_walked_with(&tx, print)?
        }
        Some(_) => {}
        None => store::forget_walked_with(&tx)?,
    }
    tx.commit()?;
    clock.lap("commit");
    let mut written = Written {
        new: plan.new,
        changed: plan.changed + drained.rechanged,
        removed: plan.remove.len(),
        problems: Vec::new(),
    };
    for (problem, reason) in drained.problems {
        // Counted as new or changed by the plan, but skipped (and dropped if indexed).
        match reason {
            Reason::New => written.new -= 1,
            Reason::Changed => {
                written.changed -= 1;
                written.removed += 1;
            }
            Reason::Recheck => written.removed += 1,
        }
        written.problems.push(problem);
    }
    Ok(written)
}

/// Cards another process created (and indexed) after this refresh's walk went past their
/// folder: in the index, missing from the walk, yet on disk. Dropping them, or clearing
/// them with a full rebuild, would leave a card unindexed until some later refresh; they
/// are read again instead, and taken off `plan.remove`. A file on disk that the walk left
/// out by its rules (an ignored folder) is told apart by its status-change time, which a
/// create or rename sets and no `touch` can set back: only one changed since the walk
/// began (`start_ns`, read off the clock the kernel stamps files with) counts.
fn appeared_since_walk(
    conn: &Connection,
    root: &Path,
    files: &[FileStat],
    full: bool,
    start_ns: i64,
    plan: &mut Plan<'_>,
) -> rusqlite::Result<Vec<(FileStat, Reason)>> {
    let unwalked = if full {
        let mut walked = files.iter().map(|f| f.path.as_str()).peekable();
        let mut unwalked = Vec::new();
        store::for_each_stamp(conn, |path, _| {
            while walked.next_if(|w| *w < path).is_some() {}
            if walked.peek() != Some(&path) {
                unwalked.push(path.to_string());
            }
        })?;
        unwalked
    } else {
        plan.remove.clone()
    };
    let mut late = Vec::new();
    for path in unwalked {
        let Ok(meta) = std::fs::metadata(root.join(&path)) else { continue };
        let changed_ns = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
        if meta.is_file() && changed_ns >= i128::from(start_ns) {
            let stat = FileStat { path, mtime_ns: scan::mtime_ns(&meta), size: meta.len() };
            // A rebuild has cleared the row; a refresh replaces it.
            late.push((stat, if full { Reason::New } else { Reason::Changed }));
        }
    }
    plan.remove.retain(|path| !late.iter().any(|(file, _)| &file.path == path));
    match full {
        true => plan.new += late.len(),
        false => plan.changed += late.len(),
    }
    Ok(late)
}

/// What the writer did with what the readers parsed.
#[derive(Default)]
struct Drained {
    /// Files that could not be read, with why they were to be read.
    problems: Vec<(Problem, Reason)>,
    /// Rechecked cards that had changed after all (within one tick of the clock).
    rechanged: usize,
    /// The stamps of the cards read, as read (not as walked).
    read: Vec<FileStat>,
}

/// Parses files on every core, a chunk at a time, while this thread writes the previous
/// chunk. Chunks arrive in path order, so card ids follow paths and listing by path reads
/// the table front to back.
fn read_and_write(
    conn: &Connection,
    (root, settings): (&Path, &Settings),
    files: &[(&FileStat, Reason)],
    fts: Fts,
    relink: &mut Relink,
    progress: &mut dyn FnMut(Progress),
) -> rusqlite::Result<Drained> {
    let (sender, receiver) = sync_channel::<Vec<(Result<Prepared, Problem>, Reason)>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for chunk in files.chunks(CHUNK) {
                let cards = chunk
                    .par_iter()
                    .map(|(stat, reason)| {
                        (scan::read_card(root, stat, settings).map(store::prepare), *reason)
                    })
                    .collect();
                // A failed send means the writer stopped on an error: stop reading too.
                if sender.send(cards).is_err() {
                    break;
                }
            }
        });
        drain(conn, receiver, files.len(), fts, relink, progress)
    })
}

/// Takes the receiver by value so that it is dropped (unblocking the reader) before the
/// scope joins it, even when a write fails.
fn drain(
    conn: &Connection,
    receiver: Receiver<Vec<(Result<Prepared, Problem>, Reason)>>,
    total: usize,
    fts: Fts,
    relink: &mut Relink,
    progress: &mut dyn FnMut(Progress),
) -> rusqlite::Result<Drained> {
    let mut drained = Drained::default();
    let mut done = 0;
    for chunk in receiver {
        for (result, reason) in chunk {
            if let Ok(prepared) = &result {
                let card = &prepared.card;
                drained.read.push(FileStat {
                    path: card.path.clone(),
                    mtime_ns: card.mtime_ns,
                    size: card.size,
                });
            }
            match (result, reason) {
                (Ok(prepared), Reason::Recheck) if store::unchanged(conn, &prepared)? => {}
                (Ok(prepared), Reason::Recheck) => {
                    store::write_card(conn, &prepared, true, fts, relink)?;
                    drained.rechanged += 1;
                }
                (Ok(prepared), reason) => {
                    store::write_card(conn, &prepared, reason == Reason::Changed, fts, relink)?
                }
                (Err(problem), reason) => {
                    // Gone or unreadable now: whatever the index held for it is stale.
                    store::delete_card(conn, &problem.path, fts, relink)?;
                    drained.problems.push((problem, reason));
                }
            }
        }
        done = (done + CHUNK).min(total);
        progress(Progress { done, total });
    }
    progress(Progress { done: total, total });
    Ok(drained)
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
        Err(err) => {
            let Some(why) = err.index_damage() else { return Err(err) };
            // A damaged index is rebuilt whole; the paths are part of that. Its warning
            // goes with the problems, which are all the caller shows.
            let report = rebuild(index, root, &why, &mut |_| {})?;
            let rebuilt = report.rebuilt.map(|message| Problem { path: String::new(), message });
            Ok(rebuilt.into_iter().chain(report.problems).collect())
        }
        ok => ok,
    }
}

fn refresh_paths_once(index: &mut Index, root: &Path, paths: &[String]) -> Result<Vec<Problem>, IndexError> {
    let mut problems = Vec::new();
    let index_print = index.walk_print.clone();
    let index_print = index_print.as_deref();
    let result =
        (|| {
            let tx = index.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let start_ns = now_ns();
            let mut relink = Relink::touched();
            let settings = store::settings(&tx)?;
            // Cards judged by other rules than the last walk's (a `set` run where other
            // ignore files apply than a watcher's): the walk's rules no longer vouch.
            if index_print.is_none() || store::walked_with(&tx)?.as_deref() != index_print {
                store::forget_walked_with(&tx)?;
            }
            let mut read = Vec::new();
            let mut gone = Vec::new();
            for path in paths.iter().filter(|p| scan::card_path_problem(p, &settings.extensions).is_none()) {
                let stat = std::fs::metadata(root.join(path)).ok().filter(|m| m.is_file()).map(|meta| {
                    FileStat { path: path.clone(), mtime_ns: scan::mtime_ns(&meta), size: meta.len() }
                });
                match stat.map(|s| (scan::read_card(root, &s, &settings), s)) {
                    Some((Ok(card), stat)) => {
                        // Racy or not by the stamp stored, which is the read's.
                        let stamp = FileStat { mtime_ns: card.mtime_ns, size: card.size, ..stat };
                        store::write_card(&tx, &store::prepare(card), true, Fts::Each, &mut relink)?;
                        read.push(stamp);
                    }
                    Some((Err(problem), _)) => {
                        store::delete_card(&tx, path, Fts::Each, &mut relink)?;
                        problems.push(problem);
                        gone.push(path.as_str());
                    }
                    None => {
                        store::delete_card(&tx, path, Fts::Each, &mut relink)?;
                        gone.push(path.as_str());
                    }
                }
            }
            relink.finish(&tx)?;
            // A card a command has just written is as racy as a stamp gets.
            let before = store::racy_paths(&tx)?;
            let mut racy = before.clone();
            update_racy(&mut racy, RacyWindow::since(start_ns), read.iter(), gone.into_iter());
            if racy != before {
                store::set_racy_paths(&tx, &racy)?;
            }
            tx.commit()
        })();
    result.map_err(|e| index.sqlite_error(e))?;
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` to `path` and gives it exactly the modification time `when`: what a
    /// second write within one tick of a coarse file system clock looks like.
    fn write_at(path: &Path, text: &str, when: SystemTime) {
        std::fs::write(path, text).expect("write");
        std::fs::File::options().write(true).open(path).expect("open").set_modified(when).expect("mtime");
    }

    fn title(index: &Index, path: &str) -> String {
        index.conn.query_row("SELECT title FROM cards WHERE path = ?1", [path], |r| r.get(0)).expect("title")
    }

    /// A dex holding `a.md` (`text`) and an index of schema `version` holding it as that
    /// schema read it (`fields`), its stamp current; opened by this build (migrated, not
    /// rebuilt) and refreshed.
    fn migrated_from(version: usize, text: &str, fields: &str) -> (tempfile::TempDir, Index) {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        std::fs::write(root.join("a.md"), text).expect("write");
        let db = root.join(".termdex/index.db");
        std::fs::create_dir_all(db.parent().expect("parent")).expect("mkdir");
        {
            let conn = rusqlite::Connection::open(&db).expect("create");
            crate::index::migrate::schema_at(&conn, version);
            let meta = std::fs::metadata(root.join("a.md")).expect("stat");
            let mtime_ns = meta.mtime() * 1_000_000_000 + meta.mtime_nsec();
            conn.execute(
                "INSERT INTO cards (path, title, fields, mtime_ns, size, created)
                 VALUES ('a.md', 'a', ?3, ?1, ?2, '')",
                rusqlite::params![mtime_ns, meta.len() as i64, fields],
            )
            .expect("card");
        }
        let opened = Index::open(&db).expect("open");
        assert_eq!(opened.warning, None, "migrated, not rebuilt");
        let mut index = opened.index;
        refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        (dir, index)
    }

    #[test]
    fn an_index_of_schema_three_reads_every_card_again_for_its_numbers() {
        // As schema 3 read the card: both values text, no error.
        let (_dir, index) =
            migrated_from(3, "---\np: .inf\nq: 1e400\n---\n", "{\"p\":\".inf\",\"q\":\"1e400\"}");
        let (fields, error): (String, Option<String>) = index
            .conn
            .query_row("SELECT fields, error FROM cards WHERE path = 'a.md'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("card");
        assert_eq!(fields, "{\"p\":\".inf\",\"q\":1e+400}", "read again, though no stamp changed");
        assert_eq!(
            error.as_deref(),
            Some(
                "p: .inf is not a number termdex can compare (write it as text in quotes, or a finite number)"
            )
        );
    }

    #[test]
    fn an_index_of_schema_five_reads_every_card_again_for_its_parents() {
        // As schema 5 read the card: no parent link.
        let (_dir, index) = migrated_from(5, "---\nparent: yes\n---\n", "{\"parent\":true}");
        let parent: (String, String, Option<i64>) = index
            .conn
            .query_row(
                "SELECT kind, target, to_id FROM links WHERE card_id = (SELECT id FROM cards WHERE path = 'a.md')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("the parent, read again though no stamp changed");
        assert_eq!(parent, ("parent".to_string(), "yes".to_string(), None), "a parent naming no card");
    }

    #[test]
    fn an_index_of_schema_seven_reads_every_card_again_for_its_names() {
        // Its names were kept as schema 7 compared them; any card row stands for them.
        let (_dir, index) = migrated_from(7, "# Fresh\n", "{}");
        assert_eq!(title(&index, "a.md"), "Fresh", "read again, though no stamp changed");
    }

    #[test]
    fn a_read_as_walked_needs_the_index_last_walked_with_these_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        std::fs::write(root.join("a.md"), "# A\n").expect("write");
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        index.record_walks_as("rules A".into());
        refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!(read_as_walked(&index, |_| 1), Some(1));
        // Another process, of other rules, changed the index since.
        store::set_walked_with(&index.conn, "rules B").expect("record");
        assert_eq!(read_as_walked(&index, |_| 1), None);
        // A walk with these rules records them again, though no card changed.
        let report = refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!((report.new, report.changed, report.removed), (0, 0, 0));
        assert_eq!(read_as_walked(&index, |_| 1), Some(1));
    }

    #[test]
    fn a_change_that_keeps_the_stamp_is_seen_while_the_stamp_is_racy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        let card = root.join("a.md");
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        let tick = SystemTime::now();
        write_at(&card, "# aaaa\n", tick);
        let first = refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!((first.new, title(&index, "a.md").as_str()), (1, "aaaa"));
        assert!(store::racy_paths(&index.conn).expect("racy").contains("a.md"));

        // Same size, same modification time, other bytes.
        write_at(&card, "# bbbb\n", tick);
        let second = refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!((second.changed, title(&index, "a.md").as_str()), (1, "bbbb"));
        // Read again while racy, but unchanged: not counted.
        let third = refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!((third.new, third.changed, third.removed), (0, 0, 0));

        // Once the modification time is long past, the stamp is trusted again.
        write_at(&card, "# cccc\n", tick - Duration::from_secs(3600));
        refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!(title(&index, "a.md"), "cccc");
        assert!(store::racy_paths(&index.conn).expect("racy").is_empty());
        // A rebuild starts the list afresh.
        write_at(&root.join("b.md"), "# b\n", SystemTime::now());
        refresh(&mut index, &root, true, &mut |_| {}).expect("rebuild");
        assert_eq!(store::racy_paths(&index.conn).expect("racy"), BTreeSet::from(["b.md".to_string()]));
    }

    #[test]
    fn cards_a_command_just_wrote_are_racy_until_a_refresh_finds_them_old() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        write_at(&root.join("a.md"), "# a\n", SystemTime::now());
        refresh_paths(&mut index, &root, &["a.md".to_string()]).expect("refresh paths");
        assert!(store::racy_paths(&index.conn).expect("racy").contains("a.md"));
        std::fs::remove_file(root.join("a.md")).expect("rm");
        refresh_paths(&mut index, &root, &["a.md".to_string()]).expect("refresh paths");
        assert!(store::racy_paths(&index.conn).expect("racy").is_empty());
    }

    #[test]
    fn a_card_created_and_indexed_after_the_walk_is_not_dropped() {
        for full in [false, true] {
            let dir = tempfile::tempdir().expect("tempdir");
            let root = dir.path().canonicalize().expect("canon");
            let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
            // Long indexed, and a card left out by the walk's rules, both with old times.
            write_at(&root.join("a.md"), "# a\n", SystemTime::now() - Duration::from_secs(3600));
            refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
            // This refresh walks now ...
            let start_ns = coarse_now_ns();
            let walk = scan::walk(&root, &Default::default());
            // ... and then another process creates a card and indexes it, as `new` does.
            std::thread::sleep(Duration::from_millis(20));
            std::fs::write(root.join("b.md"), "# b\n").expect("write");
            refresh_paths(&mut index, &root, &["b.md".to_string()]).expect("index b");
            let mut clock = PhaseClock::start();
            let written =
                write(&mut index.conn, &root, (&walk.files, None), full, start_ns, &mut |_| {}, &mut clock)
                    .expect("write");
            assert_eq!(written.removed, 0, "full: {full}");
            let paths: Vec<String> = index
                .conn
                .prepare("SELECT path FROM cards ORDER BY path")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("paths");
            assert_eq!(paths, ["a.md", "b.md"], "full: {full}");
        }
    }

    #[test]
    fn a_card_the_walk_leaves_out_by_its_rules_is_still_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        let old = SystemTime::now() - Duration::from_secs(3600);
        std::fs::create_dir(root.join("drafts")).expect("mkdir");
        write_at(&root.join("drafts/x.md"), "# x\n", old);
        write_at(&root.join("a.md"), "# a\n", old);
        refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        // Ignored from now on; the file stays. Its status-change time lies ticks of the
        // kernel's coarse clock (10 ms at most) before the refresh below.
        std::thread::sleep(Duration::from_millis(50));
        std::fs::write(root.join(".ignore"), "drafts/\n").expect("ignore");
        let report = refresh(&mut index, &root, false, &mut |_| {}).expect("refresh");
        assert_eq!(report.removed, 1);
        assert_eq!(title(&index, "a.md"), "a");
    }

    #[test]
    fn a_plan_of_only_unreadable_new_files_changes_nothing() {
        fn plan(read: Vec<(&FileStat, Reason)>) -> Plan<'_> {
            Plan { read, ..Plan::default() }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        std::fs::write(root.join("here.md"), "# here\n").expect("write");
        let gone = FileStat { path: "gone.md".into(), mtime_ns: 1, size: 7 };
        let here = FileStat { path: "here.md".into(), mtime_ns: 1, size: 7 };
        let (gone, here) = (&gone, &here);
        let problems = only_unreadable(&root, &plan(vec![(gone, Reason::New)])).expect("unreadable only");
        assert_eq!(problems.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(), ["gone.md"]);
        // A file that reads is news for the index; so is anything but a new file.
        assert!(only_unreadable(&root, &plan(vec![(gone, Reason::New), (here, Reason::New)])).is_none());
        assert!(only_unreadable(&root, &plan(vec![(gone, Reason::Changed)])).is_none());
        assert!(only_unreadable(&root, &Plan { remove: vec!["x.md".into()], ..Plan::default() }).is_none());
    }

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
