//! The reading thread: every question the TUI asks of the index — the cards for the
//! filter line, a card's body for the preview, whether anything changed — answered off
//! the UI thread, on a connection of its own, so that no keystroke waits for SQLite or
//! for the fuzzy matcher.
//!
//! Each query carries a generation. A newer one supersedes the one running, which is
//! stopped where it is (SQLite's progress handler, the matcher between chunks) rather
//! than finished, so a pathological filter cannot keep a core busy once the user typed
//! on. Between questions the thread watches `PRAGMA data_version`, which moves whenever
//! anyone commits to the index — the TUI's own refresher, `termdex new` in another
//! terminal, a cron `termdex index` — and says so, for the list to be read again.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crate::config::Config;
use crate::index::{CardRow, Damage, Index};
use crate::query::connections::Connection;
use crate::query::filter::Expr;
use crate::query::fuzzy::{self, Haystacks};
use crate::query::outline::Outline;
use crate::query::{self, Request, SortKey};

use super::app::{Cards, Query, Reply};
use super::outline::Read;
use super::panic_text;

/// How often the index is asked whether anyone changed it: well inside the second in
/// which changes by other programs must show (SPEC 8), and a `PRAGMA` costs microseconds.
const WATCH: Duration = Duration::from_millis(200);

/// How many related cards the connections pane lists: a screenful.
const CONNECTIONS_RELATED: usize = 10;

/// The UI thread's end: sends questions, and counts the answers the deck takes in.
pub struct Reader {
    jobs: Sender<Numbered>,
    /// The generation of the newest query sent: the thread stops any older one.
    newest: Arc<AtomicU64>,
    /// Number of the last job sent, and of the last the thread said it finished.
    sent: u64,
    done: u64,
    stopped: bool,
}

/// A question for the thread.
enum Job {
    Query(Query),
    Body(String),
    /// A card's connections, for the connections pane.
    Connections(String),
    /// The outline, for the asking numbered so.
    Outline(u64),
    /// Whether the index changed since the cards shown were read; `reopen` after the
    /// refresher rebuilt the index (the old connection reads a deleted file).
    Check {
        after_write: bool,
        reopen: bool,
    },
    Duplicates(Duplicates),
    /// `.termdex/config.toml` changed: views and the outline are read by the new one.
    Configure(Box<Config>),
}

/// The card `n` saved at `path`, as it was written: what [`query::duplicates::find`] asks.
pub struct Duplicates {
    pub path: String,
    pub title: String,
    pub url: Option<String>,
}

struct Numbered {
    number: u64,
    job: Job,
}

/// What the thread says.
pub enum Message {
    Reply(Reply),
    /// Every job up to this number is answered (or was superseded).
    Done(u64),
}

impl Reader {
    /// Starts the thread on `index` (a connection of its own: SQLite's WAL lets it read
    /// while the refresher writes); what it says goes to `out`, wrapped by `wrap`.
    pub fn start<T: Send + 'static>(
        index: Index,
        config: Config,
        out: Sender<T>,
        wrap: fn(Message) -> T,
    ) -> Reader {
        let (jobs, incoming) = mpsc::channel();
        let newest = Arc::new(AtomicU64::new(0));
        let state = Thread::new(index, config, newest.clone());
        thread::spawn(move || state.run(&incoming, &|message| out.send(wrap(message)).is_ok()));
        Reader { jobs, newest, sent: 0, done: 0, stopped: false }
    }

    pub fn query(&mut self, query: Query) {
        // Raised before sending: the query running sees at once that it is superseded.
        self.newest.fetch_max(query.generation, Ordering::SeqCst);
        self.send(Job::Query(query));
    }

    pub fn body(&mut self, path: String) {
        self.send(Job::Body(path));
    }

    pub fn outline(&mut self, asked: u64) {
        self.send(Job::Outline(asked));
    }

    pub fn connections(&mut self, path: String) {
        self.send(Job::Connections(path));
    }

    pub fn check(&mut self, after_write: bool, reopen: bool) {
        self.send(Job::Check { after_write, reopen });
    }

    pub fn duplicates(&mut self, card: Duplicates) {
        self.send(Job::Duplicates(card));
    }

    pub fn configure(&mut self, config: Config) {
        self.send(Job::Configure(Box::new(config)));
    }

    fn send(&mut self, job: Job) {
        self.sent += 1;
        if self.jobs.send(Numbered { number: self.sent, job }).is_err() {
            self.stopped = true;
        }
    }

    /// Takes in what the thread said: the reply in it, if any.
    pub fn take(&mut self, message: Message) -> Option<Reply> {
        match message {
            Message::Reply(reply) => Some(reply),
            Message::Done(number) => {
                self.done = self.done.max(number);
                None
            }
        }
    }

    /// Whether questions sent are still unanswered.
    pub fn busy(&self) -> bool {
        !self.stopped && self.done < self.sent
    }

    /// Whether the thread is gone (it never is, short of a bug).
    pub fn stopped(&self) -> bool {
        self.stopped
    }
}

/// The rows of the last query read, kept while only the fuzzy words change.
struct Rows {
    view: String,
    sort: Option<Vec<SortKey>>,
    limit: Option<usize>,
    structured: Expr,
    /// The index's `data_version` when they were read: another means they are stale.
    version: Option<i64>,
    rows: Arc<Vec<CardRow>>,
    counts: Option<(usize, usize)>,
    /// Built on the first fuzzy word, not on load: most loads are never fuzzily filtered.
    haystacks: Option<Haystacks>,
}

impl Rows {
    fn answer(&self, query: &Query, structured: &Expr, version: Option<i64>) -> bool {
        self.view == query.view
            && self.sort == query.sort
            && self.limit == query.limit
            && self.version.is_some()
            && self.version == version
            && same_filter(&self.structured, structured)
    }
}

/// The thread's side.
struct Thread {
    index: Index,
    path: PathBuf,
    config: Config,
    newest: Arc<AtomicU64>,
    /// The generation of the query SQLite is running for (0: none, never stopped).
    running: Arc<AtomicU64>,
    rows: Option<Rows>,
    /// The `data_version` the cards last sent were read at (or last reported).
    seen: Option<i64>,
    last_look: Instant,
    /// Damage the last read met (why), to be reported once.
    damaged: Option<String>,
    /// The outline last sent, and the `data_version` it was read at.
    outline: Option<(Option<i64>, Weak<Outline>)>,
}

/// One round's work: the jobs that piled up, merged (only the newest query and body
/// matter).
#[derive(Default)]
struct Batch {
    number: u64,
    query: Option<Query>,
    body: Option<String>,
    connections: Option<String>,
    outline: Option<u64>,
    check: Option<(bool, bool)>,
    duplicates: Vec<Duplicates>,
    config: Option<Box<Config>>,
}

impl Batch {
    fn add(&mut self, numbered: Numbered) {
        self.number = self.number.max(numbered.number);
        match numbered.job {
            Job::Query(query) => self.query = Some(query),
            Job::Body(path) => self.body = Some(path),
            Job::Connections(path) => self.connections = Some(path),
            Job::Outline(asked) => self.outline = self.outline.max(Some(asked)),
            Job::Check { after_write, reopen } => {
                let (w, r) = self.check.unwrap_or_default();
                self.check = Some((w || after_write, r || reopen));
            }
            Job::Duplicates(card) => self.duplicates.push(card),
            Job::Configure(config) => self.config = Some(config),
        }
    }
}

impl Thread {
    fn new(mut index: Index, config: Config, newest: Arc<AtomicU64>) -> Thread {
        let running = Arc::new(AtomicU64::new(0));
        stop_when_superseded(&mut index, &newest, &running);
        let seen = index.data_version().ok();
        let path = index.path().to_path_buf();
        Thread {
            index,
            path,
            config,
            newest,
            running,
            rows: None,
            seen,
            last_look: Instant::now(),
            damaged: None,
            outline: None,
        }
    }

    /// Answers until the deck is gone; `out` says whether the deck still listens.
    fn run(mut self, incoming: &Receiver<Numbered>, out: &dyn Fn(Message) -> bool) {
        loop {
            let first = match incoming.recv_timeout(WATCH.saturating_sub(self.last_look.elapsed())) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    if self.look() && !out(Message::Reply(moved())) {
                        return;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let mut batch = Batch::default();
            batch.add(first);
            while let Ok(job) = incoming.try_recv() {
                batch.add(job);
            }
            let number = batch.number;
            let duplicates = std::mem::take(&mut batch.duplicates);
            if let Some(config) = batch.config.take() {
                // What was read by the old one is read again (the index may not have
                // changed: an outline's `order` field renamed needs no re-index).
                self.config = *config;
                self.outline = None;
                self.rows = None;
            }
            let mut replies = self.work(batch);
            replies.extend(duplicates.into_iter().map(|card| self.duplicates(card)));
            // A user typing without pause must not keep changes by others from showing.
            if self.last_look.elapsed() >= WATCH && self.look() {
                replies.push(moved());
            }
            for reply in replies {
                if !out(Message::Reply(reply)) {
                    return;
                }
            }
            if !out(Message::Done(number)) {
                return;
            }
        }
    }

    /// Answers a round; a panic (a bug) is an answer too, and the connection is opened
    /// afresh after it, as it may be mid-statement.
    fn work(&mut self, batch: Batch) -> Vec<Reply> {
        let Batch { query, body, connections, outline, check, .. } = batch;
        let generation = query.as_ref().map(|q| q.generation);
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut replies = Vec::new();
            if let Some((_, true)) = check {
                self.reopen();
            }
            if let Some(query) = query {
                let answer = self.answer(&query);
                replies.extend(answer.map(|answer| Reply::Cards { generation: query.generation, answer }));
            }
            if let Some(path) = body {
                // A card no longer indexed has no body; a read that fails says why.
                let body = match query::card_body(&self.index, &path) {
                    Ok(body) => Ok(body.unwrap_or_default()),
                    Err(e) => {
                        self.damaged = self.damaged.take().or_else(|| e.index_damage());
                        Err(e.to_string())
                    }
                };
                replies.push(Reply::Body { path, body });
            }
            if let Some(asked) = outline {
                let answer = self.outline().map_err(|e| {
                    self.damaged = self.damaged.take().or_else(|| e.index_damage());
                    e.to_string()
                });
                replies.push(Reply::Outline(asked, answer));
            }
            if let Some(path) = connections {
                let answer = self.connections(&path);
                replies.push(Reply::Connections { path, answer });
            }
            if let Some((after_write, reopened)) = check {
                replies.push(Reply::IndexChecked { changed: self.look() || reopened, after_write });
            }
            // Said once per damage met; the rebuild's report makes the reader look again.
            replies.extend(self.damaged.take().map(|why| Reply::IndexDamaged { why }));
            replies
        }));
        result.unwrap_or_else(|panic| {
            self.running.store(0, Ordering::SeqCst);
            self.rows = None;
            self.reopen();
            let message = format!("reading the index failed ({}); press r to try again", panic_text(&panic));
            generation
                .map(|generation| Reply::Cards { generation, answer: Err(message) })
                .into_iter()
                .collect()
        })
    }

    /// The outline, with the rows of the cards it shows only for context: those the list
    /// last read does not hold. The tree last sent is sent again while the index has not
    /// changed and the TUI still holds it unchanged (a move it shows lets go of it): the
    /// list read again (its first screenful, then all of it; another filter) asks for
    /// the outline again only for the context rows.
    fn outline(&mut self) -> Result<Read, query::QueryError> {
        let version = self.index.data_version().ok();
        let kept = (self.outline.as_ref())
            .filter(|(read_at, _)| version.is_some() && *read_at == version)
            .and_then(|(_, tree)| tree.upgrade());
        let tree = match kept {
            Some(tree) => tree,
            None => Arc::new(query::outline::load(&self.index, &self.config.outline)?),
        };
        self.outline = Some((version, Arc::downgrade(&tree)));
        let listed: HashSet<i64> = self.rows.iter().flat_map(|r| r.rows.iter().map(|c| c.id)).collect();
        let context = query::outline::rows(&self.index, &tree.context(&|id| listed.contains(&id)))?;
        Ok(Read { tree, context: Arc::new(context) })
    }

    /// A card's connections; none for a card no longer indexed.
    fn connections(&mut self, path: &str) -> Result<Vec<Connection>, String> {
        match query::connections::connections(&self.index, path, CONNECTIONS_RELATED) {
            Ok(found) => Ok(found.unwrap_or_default()),
            Err(e) => {
                self.damaged = self.damaged.take().or_else(|| e.index_damage());
                Err(e.to_string())
            }
        }
    }

    /// The cards a card just saved may duplicate, itself left out (the refresher may have
    /// indexed it already).
    fn duplicates(&mut self, card: Duplicates) -> Reply {
        let found = query::duplicates::find(&self.index, &card.title, card.url.as_deref());
        let hints = match found {
            Ok(cards) => {
                Ok(cards.iter().filter(|c| c.path != card.path).map(query::duplicates::hint).collect())
            }
            Err(e) => {
                self.damaged = self.damaged.take().or_else(|| e.index_damage());
                Err(e.to_string())
            }
        };
        Reply::Duplicates { path: card.path, hints }
    }

    /// The cards for a query, or `None` when a newer query superseded it.
    fn answer(&mut self, query: &Query) -> Option<Result<Cards, String>> {
        let superseded = || self.newest.load(Ordering::SeqCst) != query.generation;
        if superseded() {
            return None;
        }
        let line = match fuzzy::split(&query.filter) {
            Ok(line) => line,
            Err(e) => return Some(Err(e.message)),
        };
        let version = self.index.data_version().ok();
        if !self.rows.as_ref().is_some_and(|rows| rows.answer(query, &line.structured, version)) {
            self.running.store(query.generation, Ordering::SeqCst);
            let read = self.read(query, &line.structured);
            self.running.store(0, Ordering::SeqCst);
            if superseded() {
                return None;
            }
            let rows = match read {
                Ok(rows) => rows,
                Err(e) => {
                    self.damaged = e.index_damage();
                    return Some(Err(e.to_string()));
                }
            };
            let counts = self.index.card_counts().ok().or(self.rows.as_ref().and_then(|r| r.counts));
            self.seen = version;
            self.rows = Some(Rows {
                view: query.view.clone(),
                sort: query.sort.clone(),
                limit: query.limit,
                structured: line.structured,
                version,
                rows: Arc::new(rows),
                counts,
                haystacks: None,
            });
        }
        let rows = self.rows.as_mut()?;
        let visible = if line.fuzzy.trim().is_empty() {
            (0..rows.rows.len()).collect()
        } else {
            let haystacks = rows.haystacks.get_or_insert_with(|| Haystacks::new(&rows.rows));
            haystacks.rank_until(&line.fuzzy, &superseded)?
        };
        Some(Ok(Cards {
            rows: rows.rows.clone(),
            visible,
            counts: rows.counts,
            partial: query.limit.is_some(),
        }))
    }

    fn read(&self, query: &Query, structured: &Expr) -> Result<Vec<CardRow>, query::QueryError> {
        let request = Request {
            filter: &query.filter,
            parsed: Some(structured.clone()),
            view: Some(&query.view),
            sort: query.sort.clone(),
            limit: query.limit,
        };
        // Today and now, read afresh for every query: the TUI stays open for days, and
        // relative dates must follow the real clock.
        query::run(&self.index, &self.config, &Clock::from_env(), &request).map(|answer| answer.cards)
    }

    /// Whether the index changed since last seen (and remembers it as seen). A file
    /// another process rebuilt is opened again: this connection would go on reading the
    /// deleted one, which never changes.
    fn look(&mut self) -> bool {
        self.last_look = Instant::now();
        if self.index.replaced() {
            self.reopen();
            return true;
        }
        let Ok(version) = self.index.data_version() else { return false };
        let changed = self.seen != Some(version);
        self.seen = Some(version);
        changed
    }

    /// A new connection to the index file, for after it was rebuilt (or a panic); the
    /// old one stays if the file cannot be opened.
    fn reopen(&mut self) {
        if let Ok(mut opened) = Index::open(&self.path) {
            // Recorded already by whoever opened it first; only remembered here.
            let _ = opened.index.use_settings(&self.config.scan_settings());
            self.index = opened.index;
            stop_when_superseded(&mut self.index, &self.newest, &self.running);
            self.rows = None;
            self.seen = None;
            self.outline = None;
        }
    }
}

/// Someone else's commit, seen between questions.
fn moved() -> Reply {
    Reply::IndexChecked { changed: true, after_write: false }
}

/// SQLite stops a statement run for a query as soon as a newer query is sent.
fn stop_when_superseded(index: &mut Index, newest: &Arc<AtomicU64>, running: &Arc<AtomicU64>) {
    let (newest, running) = (newest.clone(), running.clone());
    index.stop_statements_when(move || {
        let query = running.load(Ordering::Relaxed);
        query != 0 && newest.load(Ordering::Relaxed) != query
    });
}

/// Whether two filters ask the same question: equal but for where their terms are in
/// the text (typing in front of `status:todo` moves the term, and needs no new read).
fn same_filter(a: &Expr, b: &Expr) -> bool {
    match (a, b) {
        (Expr::And(x), Expr::And(y)) | (Expr::Or(x), Expr::Or(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_filter(a, b))
        }
        (Expr::Not(x), Expr::Not(y)) => same_filter(x, y),
        (Expr::Field { key: k1, op: o1, value: v1, .. }, Expr::Field { key: k2, op: o2, value: v2, .. }) => {
            k1 == k2 && o1 == o2 && v1 == v2
        }
        (Expr::View { name: n1, .. }, Expr::View { name: n2, .. }) => n1 == n2,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(generation: u64, filter: &str) -> Query {
        Query { generation, view: "all".into(), sort: None, filter: filter.into(), limit: None }
    }

    #[test]
    fn a_card_saved_is_not_its_own_duplicate() {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, title) in [("a.md", "Weekly review"), ("b.md", "Weekly Review!"), ("c.md", "Other")] {
            std::fs::write(dir.path().join(path), format!("# {title}\n")).expect("write");
        }
        let mut index = Index::open(&dir.path().join(".termdex/index.db")).expect("open").index;
        crate::index::refresh(&mut index, dir.path(), false, &mut |_| {}).expect("refresh");
        let mut thread = Thread::new(index, Config::builtin(), Arc::new(AtomicU64::new(0)));
        let card = Duplicates { path: "a.md".into(), title: "Weekly review".into(), url: None };
        let Reply::Duplicates { path, hints } = thread.duplicates(card) else { panic!("a duplicates reply") };
        let hints = hints.expect("looked up");
        assert_eq!(path, "a.md");
        assert_eq!(hints.len(), 1, "{hints:?}");
        assert!(hints[0].starts_with("you already have: b.md \"Weekly Review!\" ("), "{hints:?}");
    }

    #[test]
    fn a_query_superseded_while_sqlite_runs_it_is_stopped_there() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..500 {
            let card = format!("---\ntitle: Card {i}\nstatus: todo\n---\nBody {i}.\n");
            std::fs::write(dir.path().join(format!("c{i}.md")), card).expect("write");
        }
        let mut index = Index::open(&dir.path().join(".termdex/index.db")).expect("open").index;
        crate::index::refresh(&mut index, dir.path(), false, &mut |_| {}).expect("refresh");
        let newest = Arc::new(AtomicU64::new(1));
        let mut thread = Thread::new(index, Config::builtin(), newest.clone());
        let Some(Ok(cards)) = thread.answer(&query(1, "status:todo")) else { panic!("answered") };
        assert_eq!(cards.rows.len(), 500);
        // As if the UI sent query 2 while SQLite was reading for query 1.
        thread.running.store(1, Ordering::SeqCst);
        newest.store(2, Ordering::SeqCst);
        let err = thread.read(&query(1, "-status:done"), &Expr::All).expect_err("stopped");
        assert!(err.to_string().contains("interrupt"), "{err}");
        thread.running.store(0, Ordering::SeqCst);
        assert!(thread.answer(&query(1, "x")).is_none(), "never started once superseded");
        let Some(Ok(cards)) = thread.answer(&query(2, "card 42")) else { panic!("answered") };
        assert_eq!(cards.rows[cards.visible[0]].path, "c42.md", "the newest query runs in full");
    }
}
