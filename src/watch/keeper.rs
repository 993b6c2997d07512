//! The keeper: one thread that writes the index while a TUI or `termdex watch` runs — an
//! incremental refresh, the cards the TUI just wrote, what the file watcher reports — on a
//! connection of its own (SQLite's WAL lets readers go on reading meanwhile), so that a
//! screen never waits for the file system or for another process's write lock.
//!
//! It also keeps the watch record ([`super::record`]) when it holds the dex's watch lock
//! (one keeper per dex does): after each round and every second, whether events may have
//! been lost, whether the dex holds what no event reports (links), and the cookies it
//! acknowledged — each only after every change queued before it was written to the index.

use std::collections::BTreeSet;
use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::dex::Dex;
use crate::index::{Index, Progress, RefreshReport, rebuild, refresh, refresh_paths};
use crate::scan::{CardRules, Settings};

use super::fingerprint::fingerprint;
use super::record::{self, Record};

/// How long the files must be quiet before a refresh starts: an editor's save is often a
/// burst of events (write, rename, chmod). A command waiting on a cookie does not wait.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// The longest a change waits for quiet: a file written without pause (a card being
/// downloaded, a sync tool) must not hold the refresh off for ever.
const MAX_WAIT: Duration = Duration::from_millis(300);

/// How often the record says the keeper is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(1);

/// Work a front end asks of the keeper.
pub enum Job {
    /// An incremental refresh of the whole dex.
    Refresh,
    /// Cards just written by the TUI (an edit, a new card, a board move).
    Paths(Vec<String>),
    /// A rebuild of the index, which a read found damaged (why).
    Heal(String),
}

/// What the file watcher saw, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file in no hidden folder changed, appeared or went: maybe a card.
    Card(String),
    /// A folder appeared, went, moved or changed its permissions (`""`: anything).
    Folder(String),
    /// An ignore file, or what makes git's rules apply (`.git`).
    Rules(String),
    /// `.termdex/config.toml`.
    Config,
    /// A command's cookie (its name): acknowledged once everything before it is applied.
    Cookie(String),
    /// Events may have been lost (why).
    Lost(String),
    /// Every folder is watched again after a loss: a walk from now on finds everything.
    Rewatched,
}

/// What the keeper is sent.
pub enum Input {
    Job(Job),
    Change(Change),
}

/// What a round of the keeper did.
pub struct Round {
    /// How many jobs it did: those that piled up while refreshing need only one round.
    pub jobs: usize,
    /// It applied file changes that [`Report::Noticed`] announced.
    pub changes: bool,
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
    /// `.termdex/config.toml` changed (and loads): views, the outline's fields and source
    /// may differ from those the front end started with.
    pub config: bool,
}

/// What the keeper tells its front end.
pub enum Report {
    Round(Round),
    /// How far a long round has got.
    Progress(Progress),
    /// File changes were seen; a round follows.
    Noticed,
}

/// A running keeper: send it jobs; it stops (removing its record) when this is dropped.
pub struct Keeper {
    input: Sender<Input>,
    _watching: Option<Watching>,
    thread: Option<thread::JoinHandle<()>>,
    /// Why the files are not watched, if they are not.
    pub not_watching: Option<String>,
}

#[cfg(target_os = "linux")]
type Watching = super::inotify::Watching;
#[cfg(not(target_os = "linux"))]
type Watching = notify::RecommendedWatcher;

impl Keeper {
    /// Sends a job; `false` if the keeper stopped.
    pub fn send(&self, job: Job) -> bool {
        self.input.send(Input::Job(job)).is_ok()
    }

    /// Stops watching and waits for the keeper to finish its round and remove its record.
    pub fn stop(mut self) {
        let thread = self.thread.take();
        drop(self);
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

/// Whether the keeper writes the watch record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// When no other keeper holds the dex's watch lock (the TUI).
    IfFree,
    /// Only if it can hold the lock; otherwise it does not start (`termdex watch`).
    Required,
}

/// Why a keeper that must keep the record could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("another termdex (pid {pid}) is already watching this dex; stop it first")]
    Taken { pid: String },
    #[error("cannot lock {path}: {cause}")]
    Lock { path: PathBuf, cause: std::io::Error },
    #[error("cannot watch {path} for changes: {cause}")]
    Watch { path: PathBuf, cause: String },
    #[error("cannot create {path}: {cause} (the cookies commands leave for the watcher go there)")]
    Cookies { path: PathBuf, cause: std::io::Error },
}

/// Starts the keeper for `dex`, its index at `index_path`; reports go to `out`, wrapped.
pub fn start<T: Send + 'static>(
    (dex, config, index_path): (Dex, Config, PathBuf),
    out: Sender<T>,
    wrap: fn(Report) -> T,
    keep: Keep,
) -> Result<Keeper, StartError> {
    let lock = take_lock(&index_path, keep)?;
    let cookies = dex.state_dir().join(super::COOKIES);
    if lock.is_some()
        && let Err(cause) = std::fs::create_dir_all(&cookies)
        && keep == Keep::Required
    {
        return Err(StartError::Cookies { path: cookies, cause });
    }
    let (input, incoming) = mpsc::channel::<Input>();
    let (watching, not_watching) = match watch(&dex, &config, input.clone()) {
        Ok(watching) => (Some(watching), None),
        Err(cause) if keep == Keep::Required => {
            return Err(StartError::Watch { path: dex.root.clone(), cause });
        }
        Err(cause) => (None, Some(cause)),
    };
    let settings = config.scan_settings();
    let state = State::new(dex, index_path, settings, lock, keep);
    let thread = thread::Builder::new()
        .name("termdex-keeper".into())
        .spawn(move || state.run(incoming, &out, wrap))
        .map_err(|e| StartError::Watch { path: PathBuf::new(), cause: e.to_string() })?;
    Ok(Keeper { input, _watching: watching, thread: Some(thread), not_watching })
}

#[cfg(target_os = "linux")]
fn watch(dex: &Dex, _config: &Config, input: Sender<Input>) -> Result<Watching, String> {
    super::inotify::start(&dex.root, input).map_err(|e| e.to_string())
}

#[cfg(not(target_os = "linux"))]
fn watch(dex: &Dex, config: &Config, input: Sender<Input>) -> Result<Watching, String> {
    super::elsewhere::start(&dex.root, &config.extensions, input).map_err(|e| e.to_string())
}

/// The dex's watch lock, held while the record is kept: one keeper per dex writes it.
fn take_lock(index_path: &Path, keep: Keep) -> Result<Option<File>, StartError> {
    // Without inotify nothing is trusted: no record to keep.
    if !cfg!(target_os = "linux") {
        return Ok(None);
    }
    let path = index_path.with_extension("watch.lock");
    let file = match crate::files::open_own(&path) {
        Ok(file) => file,
        Err(_) if keep == Keep::IfFree => return Ok(None),
        Err(cause) => return Err(StartError::Lock { path, cause }),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(_) if keep == Keep::IfFree => Ok(None),
        Err(std::fs::TryLockError::WouldBlock) => {
            let pid = record::read(&record::path(index_path)).map_or("unknown".into(), |r| r.pid.to_string());
            Err(StartError::Taken { pid })
        }
        Err(std::fs::TryLockError::Error(cause)) => Err(StartError::Lock { path, cause }),
    }
}

/// The keeper thread's state.
struct State {
    dex: Dex,
    index_path: PathBuf,
    settings: Settings,
    index: Option<Index>,
    /// The watch lock, while held; the record is kept only then.
    lock: Option<File>,
    keep: Keep,
    record: Record,
    /// Work piled up for the next round.
    pending: Pending,
    /// Why the files are not all seen (`Record::lost`), until a walk after a rewatch.
    lost: Option<String>,
    /// A walk from now on clears `lost`.
    rewatched: bool,
    /// Why the last full walk (or a later read) says no event may be trusted.
    unwatchable: Option<String>,
    next_heartbeat: Instant,
    /// The dex folder's (device, inode) when the keeper started: the watches follow that
    /// folder, but reads go by its path, which a rename above it points elsewhere.
    root_id: Option<(u64, u64)>,
}

#[derive(Default)]
struct Pending {
    jobs: usize,
    /// A walk, for a job or a change.
    full: bool,
    heal: Option<String>,
    /// Cards the TUI wrote.
    written: Vec<String>,
    /// Files the watcher saw change.
    cards: BTreeSet<String>,
    config: bool,
    cookies: Vec<String>,
    /// When the first and last change came, for the debounce.
    changes: Option<(Instant, Instant)>,
}

impl Pending {
    /// Whether a round is due now.
    fn due(&self, now: Instant) -> bool {
        self.jobs > 0
            || !self.cookies.is_empty()
            || self.changes.is_some_and(|(first, last)| now >= (last + DEBOUNCE).min(first + MAX_WAIT))
    }

    fn wake(&self, now: Instant) -> Option<Instant> {
        self.changes.map(|(first, last)| (last + DEBOUNCE).min(first + MAX_WAIT).max(now))
    }
}

impl State {
    fn new(dex: Dex, index_path: PathBuf, settings: Settings, lock: Option<File>, keep: Keep) -> State {
        let pid = std::process::id();
        let record = Record {
            version: env!("CARGO_PKG_VERSION").into(),
            pid,
            start: record::start_time(pid).unwrap_or(0),
            heartbeat_ns: 0,
            fingerprint: String::new(),
            index_file: None,
            lost: None,
            unwatchable: None,
            acked: Vec::new(),
        };
        State {
            root_id: folder_id(&dex.root),
            dex,
            index_path,
            settings,
            index: None,
            lock,
            keep,
            record,
            // Nothing is known until a walk of its own, which the first round does.
            pending: Pending {
                full: true,
                changes: Some((Instant::now(), Instant::now())),
                ..Pending::default()
            },
            lost: Some("the watcher has not walked the dex yet".into()),
            rewatched: true,
            unwatchable: None,
            next_heartbeat: Instant::now(),
        }
    }

    fn run<T>(mut self, incoming: Receiver<Input>, out: &Sender<T>, wrap: fn(Report) -> T) {
        loop {
            let now = Instant::now();
            let wake = self.pending.wake(now).map_or(self.next_heartbeat, |w| w.min(self.next_heartbeat));
            match incoming.recv_timeout(wake.saturating_duration_since(now)) {
                Ok(input) => self.take(input, out, wrap),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            while let Ok(input) = incoming.try_recv() {
                self.take(input, out, wrap);
            }
            if self.pending.due(Instant::now()) {
                let round = self.round(out, wrap);
                if out.send(wrap(Report::Round(round))).is_err() && self.keep == Keep::IfFree {
                    break;
                }
            }
            if Instant::now() >= self.next_heartbeat {
                self.heartbeat();
            }
        }
        if self.lock.is_some() {
            record::remove_own(&record::path(&self.index_path));
        }
    }

    fn take<T>(&mut self, input: Input, out: &Sender<T>, wrap: fn(Report) -> T) {
        let pending = &mut self.pending;
        let change = match input {
            Input::Job(job) => {
                pending.jobs += 1;
                match job {
                    Job::Refresh => pending.full = true,
                    Job::Paths(paths) => pending.written.extend(paths),
                    Job::Heal(why) => pending.heal = Some(why),
                }
                return;
            }
            Input::Change(change) => change,
        };
        match change {
            Change::Card(rel) => {
                pending.cards.insert(rel);
            }
            Change::Folder(rel) => {
                if !folder_matters(&rel) {
                    return;
                }
                pending.full = true;
            }
            Change::Rules(_) => pending.full = true,
            Change::Config => pending.config = true,
            Change::Cookie(cookie) => {
                pending.cookies.push(cookie);
                return;
            }
            Change::Lost(why) => {
                self.lost = Some(why);
                self.rewatched = false;
                // Said at once: a command must not trust what is kept meanwhile.
                self.write_record();
                return;
            }
            Change::Rewatched => {
                self.rewatched = true;
                pending.full = true;
            }
        }
        let now = Instant::now();
        match &mut pending.changes {
            Some((_, last)) => *last = now,
            None => {
                pending.changes = Some((now, now));
                let _ = out.send(wrap(Report::Noticed));
            }
        }
    }

    /// Does the work piled up, then acknowledges the cookies that came with it.
    fn round<T>(&mut self, out: &Sender<T>, wrap: fn(Report) -> T) -> Round {
        let pending = std::mem::take(&mut self.pending);
        let changes = pending.changes.is_some();
        let mut report = |p: Progress| {
            let _ = out.send(wrap(Report::Progress(p)));
        };
        let result =
            catch_unwind(AssertUnwindSafe(|| self.apply(&pending, &mut report))).unwrap_or_else(|panic| {
                // The connection may be mid-transaction: open a new one next round.
                self.index = None;
                Err(format!("the background refresh failed ({}); press r to try again", panic_text(&panic)))
            });
        if let Err(why) = &result {
            // What the index holds is not known: no command trusts it until a walk works.
            self.unwatchable = Some(format!("the watcher's last refresh failed: {why}"));
        }
        self.record.acknowledge(pending.cookies);
        self.write_record();
        Round { jobs: pending.jobs, changes, result }
    }

    fn apply(&mut self, pending: &Pending, progress: &mut dyn FnMut(Progress)) -> Result<Refreshed, String> {
        // Nothing is read (or opened, which would create an index there) by a path that
        // leads elsewhere; the failed round has the next one walk.
        self.same_root()?;
        let mut full = pending.full || self.unwatchable.is_some();
        if pending.config && self.reload_config()? {
            full = true;
        }
        self.open()?;
        let Some(index) = self.index.as_mut() else { return Err("the index is not open".into()) };
        if index.reopen_if_replaced().map_err(|e| e.to_string())? {
            // Rebuilt by another process: what it missed since its walk is not known.
            full = true;
        }
        let root = self.dex.root.clone();
        let mut message = None;
        let mut rebuilt = false;
        if let Some(why) = &pending.heal {
            let report = rebuild(index, &root, why, progress).map_err(|e| e.to_string())?;
            rebuilt = true;
            message = report.rebuilt;
        }
        if !pending.written.is_empty() {
            let problems = refresh_paths(index, &root, &pending.written).map_err(|e| e.to_string())?;
            message = problems.first().map(|p| p.to_string());
        }
        // Read even when a walk follows: a card rewritten with its size and modification
        // time kept (`cp -p`, `tar x`) is no change to the walk's stamps, only an event.
        let (paths, needs_walk) = cards_to_read(&root, &self.settings, &pending.cards);
        full |= needs_walk;
        if !paths.is_empty() {
            let problems = refresh_paths(index, &root, &paths).map_err(|e| e.to_string())?;
            if let Some(problem) = problems.first() {
                // A card that cannot be read: walking commands say so; so walk.
                self.unwatchable = Some(format!("a card cannot be read ({problem})"));
                message = Some(problem.to_string());
            }
        }
        if full {
            let clears = self.rewatched;
            let print = fingerprint(&root, &self.settings);
            index.record_walks_as(print.clone());
            let report = refresh(index, &root, false, progress).map_err(|e| e.to_string())?;
            self.record.fingerprint = print;
            self.unwatchable = unwatchable(&report).or_else(|| foreign_file_system(&root));
            if clears {
                self.lost = None;
            }
            rebuilt = report.rebuilt.is_some();
            message = report.rebuilt.clone().or(report.problems.first().map(|p| p.to_string())).or(message);
        }
        // Moved during the round: what it read may have come from elsewhere, or nowhere.
        self.same_root()?;
        Ok(Refreshed { message, wrote: !pending.written.is_empty(), rebuilt, config: pending.config })
    }

    /// Whether the dex's path still leads to the folder the keeper watches.
    fn same_root(&self) -> Result<(), String> {
        if self.root_id.is_some() && folder_id(&self.dex.root) == self.root_id {
            return Ok(());
        }
        Err(format!("the dex folder is no longer at {} (it was moved)", self.dex.root.display()))
    }

    /// The index, opened on first use (and after a panic).
    fn open(&mut self) -> Result<&mut Index, String> {
        if self.index.is_none() {
            let mut opened = Index::open(&self.index_path).map_err(|e| e.to_string())?.index;
            opened.use_settings(&self.settings).map_err(|e| e.to_string())?;
            // What it writes of the events it sees is judged by these rules.
            opened.record_walks_as(fingerprint(&self.dex.root, &self.settings));
            self.index = Some(opened);
        }
        self.index.as_mut().ok_or_else(|| "the index is not open".into())
    }

    /// Reads the config again; `true` when what makes a card changed (every card is then
    /// read again with the new settings).
    fn reload_config(&mut self) -> Result<bool, String> {
        let (config, _) = Config::load_or_builtin(&self.dex.state_dir()).map_err(|e| e.to_string())?;
        let settings = config.scan_settings();
        if settings == self.settings {
            return Ok(false);
        }
        self.settings = settings;
        let settings = self.settings.clone();
        self.open()?.use_settings(&settings).map_err(|e| e.to_string())?;
        Ok(true)
    }

    /// Renews the record; takes the watch lock if it is free now (the watcher that held
    /// it stopped); starts a walk when the ignore files outside the dex changed.
    fn heartbeat(&mut self) {
        self.next_heartbeat = Instant::now() + HEARTBEAT;
        if self.lock.is_none() && self.keep == Keep::IfFree {
            self.lock = take_lock(&self.index_path, Keep::IfFree).ok().flatten();
            if self.lock.is_some() {
                let _ = std::fs::create_dir_all(self.dex.state_dir().join(super::COOKIES));
            }
        }
        // A dex moved away is not walked (each round would fail and say so); one moved
        // back is, on its first event or cookie.
        let stale = self.same_root().is_ok()
            && (self.index.as_ref().is_some_and(Index::replaced)
                || (!self.record.fingerprint.is_empty()
                    && fingerprint(&self.dex.root, &self.settings) != self.record.fingerprint));
        if stale {
            self.pending.full = true;
            self.pending.changes.get_or_insert((Instant::now(), Instant::now()));
        }
        self.write_record();
    }

    fn write_record(&mut self) {
        if self.lock.is_none() {
            return;
        }
        self.record.heartbeat_ns = record::now_ns();
        self.record.lost = self.lost.clone();
        self.record.unwatchable = self.unwatchable.clone();
        self.record.index_file = self.index.as_ref().and_then(Index::file_identity);
        // A record that cannot be written leaves the last one to grow stale: commands then walk.
        let _ = record::write(&record::path(&self.index_path), &self.record);
    }
}

/// Why what a walk found may change without an event: a link, or a file it could not read
/// (which every walking command warns about).
fn unwatchable(report: &RefreshReport) -> Option<String> {
    report.unwatchable.clone().or_else(|| {
        report.problems.first().map(|p| format!("the walk met a file it could not use ({})", p.message))
    })
}

/// Why the file system under `root` may change without an event here, unless it is one
/// of the local ones inotify reports every change of: a network file system (NFS, SMB,
/// 9p, Ceph ...) or FUSE sees changes made elsewhere without telling; one not known
/// here is doubted too.
fn foreign_file_system(root: &Path) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        const LOCAL: [u64; 16] = [
            0xEF53,      // ext2, ext3, ext4
            0x5846_5342, // xfs
            0x9123_683E, // btrfs
            0x0102_1994, // tmpfs
            0x794C_7630, // overlayfs
            0x2FC1_2FC1, // zfs
            0xF2F5_2010, // f2fs
            0xCA45_1A4E, // bcachefs
            0x3153_464A, // jfs
            0x5265_4973, // reiserfs
            0x4D44,      // vfat
            0x2011_BAB0, // exfat
            0x7366_746E, // ntfs3
            0x482B,      // hfsplus
            0x3434,      // nilfs
            0x8584_58F6, // ramfs
        ];
        match rustix::fs::statfs(root) {
            #[allow(clippy::unnecessary_cast)] // the field's type differs between targets
            Ok(fs) if LOCAL.contains(&(fs.f_type as u64)) => None,
            Ok(fs) => Some(format!(
                "the dex is on a file system (type {:#x}) whose changes may come from elsewhere without an event",
                fs.f_type
            )),
            Err(e) => Some(format!("the dex's file system cannot be asked what it is ({e})")),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = root;
        Some("no watcher is trusted on this system".into())
    }
}

/// Whether a folder's event can change the cards: a folder in a hidden one holds none
/// (`.git/objects/..`), but `.git` itself decides whether `.gitignore` files apply.
fn folder_matters(rel: &str) -> bool {
    let (folders, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    matches!(name, ".git" | ".jj")
        || !(name.starts_with('.') || folders.split('/').any(|f| f.starts_with('.')))
}

/// The files among `changed` that the walk would list as cards, to read again (a file gone
/// is dropped from the index by the read), and whether one of them needs a walk: a link,
/// which the walk follows and the watcher cannot.
fn cards_to_read(root: &Path, settings: &Settings, changed: &BTreeSet<String>) -> (Vec<String>, bool) {
    let mut rules = CardRules::new(root, &settings.extensions);
    let mut paths = Vec::new();
    let mut walk = false;
    for rel in changed {
        match root.join(rel).symlink_metadata() {
            Ok(meta)
                if meta.file_type().is_symlink() || (meta.is_file() && meta.nlink() > 1) || meta.is_dir() =>
            {
                walk = true;
                continue;
            }
            _ => {}
        }
        if crate::scan::card_path_problem(rel, &settings.extensions).is_some() {
            continue;
        }
        // A file gone is dropped from the index, if it was there. One that is there is
        // read if the walk would list it; one it would not (ignored) is in no index
        // either: a change to the rules is a walk of its own.
        if !root.join(rel).exists() || rules.card(rel).is_ok() {
            paths.push(rel.clone());
        }
    }
    (paths, walk)
}

/// (device, inode) of the folder at `path`.
fn folder_id(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|meta| (meta.dev(), meta.ino()))
}

/// What a panic said, for a status message.
pub(crate) fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
