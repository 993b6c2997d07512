//! The TUI's one seam to everything outside the app: what `update` asks for, done
//! against the index, the query layer and the card commands. No SQL and no file parsing
//! here either: every question goes to the layer that owns it.
//!
//! The deck runs two helpers and hides them: the [`Reader`] thread answers every
//! question to the index (cards, a preview's body, whether the index changed); the
//! keeper ([`crate::watch::keeper`]) writes the index (a refresh, the cards just written,
//! other programs' changes its file watcher notices, once the files are quiet) and keeps
//! the watch record other commands may trust. Both report to one inbox, which [`Deck::receive`] turns into
//! replies for [`App::apply`]. The editor and card writes run on the UI thread, with
//! the terminal handed over. The event loop and the tests both go through
//! [`Deck::perform`] and [`Deck::receive`], so they cannot drift apart.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crate::card::field_value;
use crate::cards::board::move_to_column;
use crate::cards::journal;
use crate::cards::new::{self, NewCard};
use crate::cards::session::{self, Opened, Outcome};
use crate::cards::set;
use crate::cards::templates;
use crate::clock::Clock;
use crate::config::Config;
use crate::dex::Dex;
use crate::frontmatter::{Edit, EditValue};
use crate::index::Index;
use crate::query::{self, outline::Change};
use crate::scan;
use crate::value::display_text;

use crate::watch::{self, Job, Keep, Keeper, Report, Round};

use super::app::{App, Effect, PendingCard};
use super::reader::{self, Duplicates, Reader};

/// How long the event loop may wait for a key when nothing is due: short, so that a
/// refresh's report and signals are seen at once (waiting in `poll` costs nothing).
const TICK: Duration = Duration::from_millis(50);

/// The same while the reader has questions to answer: its answers are drawn as they come.
const BUSY_TICK: Duration = Duration::from_millis(5);

/// The data behind the TUI: one dex, its config, and the helpers that read and write its
/// index.
pub struct Deck {
    pub dex: Dex,
    pub config: Config,
    index_path: PathBuf,
    reader: Reader,
    /// Where the helpers report, and the sending end handed to each.
    inbox: Receiver<Incoming>,
    outbox: Sender<Incoming>,
    /// The keeper (refresher and file watcher), once [`Deck::keep_index_current`] started it.
    keeper: Option<Keeper>,
    /// Keeper jobs sent and not yet reported done.
    refreshing: usize,
    /// Keeper jobs sent and reported done since the start: the keeper does them in order.
    jobs_sent: u64,
    jobs_done: u64,
    /// The job that re-indexes the last outline move written: an outline read before it
    /// is done may not show the move.
    move_job: Option<u64>,
    /// File changes the keeper noticed and has not applied yet.
    changes_pending: bool,
}

/// What the helpers report.
enum Incoming {
    Read(reader::Message),
    Kept(Report),
}

/// What a side effect needs from the screen: the editor runs with the terminal handed
/// back (`suspended`), tests run it directly.
pub trait Screen {
    fn suspended(
        &mut self,
        run: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus>;
}

impl Deck {
    /// Opens the index and starts the reader on it; the warning says where the index is
    /// when not in the dex (a read-only dex keeps it in the user's cache) and whether it
    /// had to be rebuilt.
    pub fn open(dex: Dex, config: Config) -> Result<(Deck, Option<String>), crate::index::IndexError> {
        let location = dex.index_location();
        let mut opened = Index::open(&location.path)?;
        let changed = opened.index.use_settings(&config.scan_settings())?;
        let warnings: Vec<String> =
            location.warning().into_iter().chain(opened.warning).chain(changed).collect();
        let warning = (!warnings.is_empty()).then(|| warnings.join("; "));
        let index_path = opened.index.path().to_path_buf();
        let (outbox, inbox) = mpsc::channel();
        let reader = Reader::start(opened.index, config.clone(), outbox.clone(), Incoming::Read);
        let deck = Deck {
            dex,
            config,
            index_path,
            reader,
            inbox,
            outbox,
            keeper: None,
            refreshing: 0,
            changes_pending: false,
            jobs_sent: 0,
            jobs_done: 0,
            move_job: None,
        };
        Ok((deck, warning))
    }

    /// The index file this deck reads and writes.
    pub fn index_path(&self) -> &Path {
        &self.index_path
    }

    /// Today and now, read afresh for every new card: the TUI stays open for days, and
    /// new cards' times must follow the real clock.
    pub fn clock(&self) -> Clock {
        Clock::from_env()
    }

    pub fn templates(&self) -> Vec<String> {
        templates::names(&self.dex.state_dir())
    }

    /// The app's first query (its first screenful), waiting up to `wait` for the answer
    /// and its preview, so that the first frame shows them.
    pub fn start(&mut self, app: &mut App, wait: Duration) {
        for effect in app.start() {
            self.perform(effect, app, &mut NoScreen);
        }
        self.answers_within(app, wait);
    }

    /// The whole list, asked for once the first frame is drawn (it must not delay it).
    pub fn after_first_frame(&mut self, app: &mut App) {
        for effect in app.after_first_frame() {
            self.perform(effect, app, &mut NoScreen);
        }
    }

    /// From now on, keeps the index current: the keeper's first round (the cards may
    /// have changed since the index was last written), and a file watcher whose news
    /// start the next ones; while no `termdex watch` runs, the keeper also keeps the
    /// watch record other commands trust. Started after the first frame, which it must
    /// not delay.
    pub fn keep_index_current(&mut self, app: &mut App) {
        let helpers = (self.dex.clone(), self.config.clone(), self.index_path.clone());
        match watch::start(helpers, self.outbox.clone(), Incoming::Kept, Keep::IfFree) {
            Ok(keeper) => {
                if let Some(e) = &keeper.not_watching {
                    app.status_message = Some(format!("not watching for changes ({e}); press r to re-index"))
                }
                self.keeper = Some(keeper);
            }
            Err(e) => {
                app.status_message = Some(format!("cannot keep the index current ({e}); restart termdex"))
            }
        }
        self.refresh(app, Job::Refresh);
    }

    /// Carries out an effect: questions for the index go to the reader and refreshes to
    /// the refresher, answered through [`Deck::receive`]; the editor and card writes run
    /// now, and the cards they wrote are re-indexed by the refresher.
    pub fn perform(&mut self, effect: Effect, app: &mut App, screen: &mut dyn Screen) {
        let written = match effect {
            Effect::Edit { path } => self.edit(app, screen, &path),
            Effect::New { template, sets, title, checked } => {
                let card = PendingCard { template, sets, title };
                if !checked && self.asked_about_duplicates(app, &card) {
                    return;
                }
                self.new_card(app, screen, &card)
            }
            Effect::Move { path, field, value } => self.move_card(app, &path, &field, value.as_deref()),
            Effect::Reindex => {
                self.refresh(app, Job::Refresh);
                return;
            }
            Effect::Heal { why } => {
                self.refresh(app, Job::Heal(why));
                return;
            }
            Effect::Query(query) => {
                self.reader.query(query);
                return;
            }
            Effect::Preview { path } => {
                self.reader.body(path);
                return;
            }
            Effect::Connections { path } => {
                self.reader.connections(path);
                return;
            }
            Effect::Outline(asked) => {
                self.reader.outline(asked);
                return;
            }
            Effect::Rearrange { changes, path } => {
                let written = self.rearrange(app, &changes, &path);
                if !written.is_empty() && self.refresh(app, Job::Paths(written)) {
                    self.move_job = Some(self.jobs_sent);
                }
                self.moves_caught_up(app);
                return;
            }
        };
        if !written.is_empty() {
            self.refresh(app, Job::Paths(written));
        }
    }

    /// Sends work to the refresher; without one (before [`Deck::keep_index_current`], or
    /// if it stopped) the status bar says so.
    fn refresh(&mut self, app: &mut App, job: Job) -> bool {
        let sent = self.keeper.as_ref().is_some_and(|keeper| keeper.send(job));
        if sent {
            self.refreshing += 1;
            self.jobs_sent += 1;
        } else {
            app.status_message = Some("the background refresh stopped; restart termdex".into());
        }
        app.index.refreshing = self.refreshing > 0;
        sent
    }

    /// Once the index holds every outline move written, the outline is read again: until
    /// then it shows the moves as made, whatever a reload in between read.
    fn moves_caught_up(&mut self, app: &mut App) {
        if self.move_job.is_some_and(|job| self.jobs_done < job) {
            return;
        }
        self.move_job = None;
        if let Some(read) = app.moves_indexed() {
            self.perform(read, app, &mut NoScreen);
        }
    }

    /// Takes in what the helpers reported, waiting up to `wait` for the first report,
    /// and carries out what follows: answers go to the app, and the questions they lead
    /// to (the full list after the first screen, a reload after a change) to the reader;
    /// a refresh's report has the reader look for a change; file changes start a refresh
    /// once quiet. Returns whether the app may have changed.
    pub fn receive(&mut self, app: &mut App, wait: Duration) -> bool {
        let mut changed = false;
        let mut wait = wait;
        // Never disconnected: the deck holds a sender itself.
        while let Ok(incoming) = self.inbox.recv_timeout(wait) {
            wait = Duration::ZERO;
            changed |= self.take(incoming, app);
        }
        if self.reader.stopped() && app.status_message.is_none() {
            app.status_message = Some("the background reader stopped; restart termdex".into());
        }
        changed
    }

    fn take(&mut self, incoming: Incoming, app: &mut App) -> bool {
        match incoming {
            Incoming::Read(message) => {
                let Some(reply) = self.reader.take(message) else { return false };
                // Only questions follow from an answer: no editor is needed.
                for effect in app.apply(reply) {
                    self.perform(effect, app, &mut NoScreen);
                }
            }
            Incoming::Kept(Report::Round(Round { jobs, changes, result })) => {
                self.refreshing = self.refreshing.saturating_sub(jobs);
                self.jobs_done += jobs as u64;
                if changes {
                    self.changes_pending = false;
                }
                app.index.refreshing = self.refreshing > 0;
                app.index.reading = None;
                match result {
                    Ok(refreshed) => {
                        if refreshed.message.is_some() {
                            app.status_message = refreshed.message;
                        }
                        // Whether the round changed anything is for the index to say;
                        // a round that ran before the card was written does not end
                        // the wait for it.
                        self.reader.check(refreshed.wrote, refreshed.rebuilt);
                        if refreshed.config {
                            self.reconfigure(app);
                        }
                    }
                    Err(e) => {
                        app.status_message = Some(e);
                        self.reader.check(true, false);
                    }
                }
                self.moves_caught_up(app);
            }
            Incoming::Kept(Report::Progress(progress)) => {
                app.index.progress(progress, Instant::now());
                return true;
            }
            Incoming::Kept(Report::Noticed) => {
                self.changes_pending = true;
                return false;
            }
        }
        true
    }

    /// Waits until the reader answered every question sent (at most `limit`), taking in
    /// all that comes meanwhile: the event loop gives a keystroke's frame this long, so
    /// that quick answers are drawn with the key that asked for them.
    pub fn answers_within(&mut self, app: &mut App, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut changed = self.receive(app, Duration::ZERO);
        while self.reader.busy() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            changed |= self.receive(app, left.min(BUSY_TICK));
        }
        changed
    }

    /// Whether anything is in flight: a question, a refresh, file changes waiting for quiet.
    pub fn busy(&self) -> bool {
        self.reader.busy() || self.refreshing > 0 || self.changes_pending
    }

    /// Waits until nothing is in flight (tests, benchmarks); `false` if that took longer
    /// than `limit`.
    pub fn settle(&mut self, app: &mut App, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            self.receive(app, Duration::ZERO);
            if !self.busy() {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            self.receive(app, left.min(BUSY_TICK));
        }
    }

    /// How long the event loop may wait for a key before looking here again.
    pub fn next_look(&self) -> Duration {
        if self.reader.busy() { BUSY_TICK } else { TICK }
    }

    /// `e`: the editor on an existing card. Returns the paths to re-index.
    pub fn edit(&mut self, app: &mut App, screen: &mut dyn Screen, path: &str) -> Vec<String> {
        let opened = Opened::Cards(vec![path.to_string()]);
        match session::run(&self.dex, &self.config.extensions, &opened, &mut |run| screen.suspended(run)) {
            Ok(Outcome::EditorFailed(status)) => {
                app.status_message = Some(format!("the editor exited with {status}"));
            }
            Ok(_) => {}
            Err(e) => app.status_message = Some(e.to_string()),
        }
        vec![path.to_string()]
    }

    /// `n`: a card from a template, edited, kept only if changed. Returns the paths to
    /// re-index; the cursor goes to the new card once it is loaded.
    pub fn new_card(&mut self, app: &mut App, screen: &mut dyn Screen, card: &PendingCard) -> Vec<String> {
        let (template, sets, title) = (&card.template, &card.sets, card.title.as_deref());
        let card = NewCard { template, sets, title, ..NewCard::default() };
        // A journal card is the day's: reopened when it exists, as `termdex journal` does.
        let created = match template.as_str() {
            journal::TEMPLATE => {
                journal::open_or_create(&self.dex, &self.config, &self.clock(), &card).map(|j| match j {
                    journal::Journal::Existing(rel) => Err(rel),
                    journal::Journal::Created(draft) => Ok(draft),
                })
            }
            _ => new::create(&self.dex, &self.config, &self.clock(), &card).map(Ok),
        };
        let draft = match created {
            Ok(Ok(draft)) => draft,
            Ok(Err(existing)) => {
                app.follow(&existing);
                app.status_message = None;
                let paths = self.edit(app, screen, &existing);
                if app.status_message.is_none() {
                    app.status_message = Some(format!("{existing}: the day's journal card, opened again"));
                }
                return paths;
            }
            Err(e) => {
                app.status_message = Some(e.to_string());
                return Vec::new();
            }
        };
        let rel = draft.file.rel.clone();
        let warning = draft.warning.clone();
        let opened = Opened::Draft(draft);
        let outcome =
            session::run(&self.dex, &self.config.extensions, &opened, &mut |run| screen.suspended(run));
        let message = match &outcome {
            Ok(Outcome::Saved) => format!("saved {rel}"),
            Ok(Outcome::Discarded(why)) => format!("nothing saved: {}", why.describe(&rel)),
            Ok(Outcome::EditorFailed(status)) => format!("the editor exited with {status}; kept {rel}"),
            Err(e) => e.to_string(),
        };
        // The template the dex has could not be read: the built-in one was used.
        app.status_message = Some(match warning {
            Some(warning) => format!("{message} ({warning})"),
            None => message,
        });
        if matches!(outcome, Ok(Outcome::Saved | Outcome::EditorFailed(_))) {
            self.look_for_duplicates(&rel);
        }
        app.follow(&rel);
        vec![rel]
    }

    /// An outline move: the parent and order lines of the cards the plan changes,
    /// rewritten losslessly. Returns the paths to re-index; the cursor follows the card.
    pub fn rearrange(&mut self, app: &mut App, changes: &[Change], path: &str) -> Vec<String> {
        app.follow(path);
        if let Some(refusal) = self.outline_config_now().or_else(|| self.refused_on_disk(app, changes)) {
            app.status_message = Some(refusal);
            return Vec::new();
        }
        let (parent, order) = (&self.config.outline.parent, &self.config.outline.order);
        let edits_of = |change: &Change| {
            let mut edits = Vec::new();
            match &change.parent {
                Some(Some(value)) => {
                    edits.push(Edit::Set { key: parent.clone(), value: EditValue::Scalar(value.clone()) })
                }
                Some(None) => edits.push(Edit::Unset { key: parent.clone() }),
                None => {}
            }
            if let Some(value) = change.order {
                edits.push(Edit::Set { key: order.clone(), value: EditValue::Scalar(number_text(value)) });
            }
            edits
        };
        // Every card first: one that would be refused (read-only, its frontmatter broken)
        // leaves them all as they were, rather than the move half made.
        if changes.len() > 1 {
            let refused = changes.iter().find_map(|change| {
                set::check_fields(&self.dex.root, &self.config.extensions, &change.path, &edits_of(change))
                    .err()
            });
            if let Some(e) = refused {
                app.status_message = Some(format!("not moved (nothing written): {e}"));
                return Vec::new();
            }
        }
        let mut written = Vec::new();
        for change in changes {
            let edits = edits_of(change);
            match set::set_fields(&self.dex.root, &self.config.extensions, &change.path, &edits) {
                Ok(_) => written.push(change.path.clone()),
                Err(e) => {
                    // The outline shows the move already: the index's, read again once it
                    // has what was written (`moves_caught_up`), puts back what was not.
                    app.status_message = Some(e.to_string());
                    break;
                }
            }
        }
        written
    }

    /// `.termdex/config.toml` changed: the reader and the app take the new one (the
    /// keeper already did); one that no longer loads leaves the old in force, said.
    fn reconfigure(&mut self, app: &mut App) {
        match Config::load_or_builtin(&self.dex.state_dir()) {
            Ok((config, _)) => {
                self.config = config.clone();
                self.reader.configure(config.clone());
                for effect in app.reconfigure(config) {
                    self.perform(effect, app, &mut NoScreen);
                }
            }
            Err(e) => app.status_message = Some(format!("{e}; the settings before it stay in force")),
        }
    }

    /// The `[outline]` settings as `.termdex/config.toml` has them now: the refresher reads
    /// the cards with a parent field renamed there while the TUI runs, so a move writes
    /// that field too, not the one named at start. Why a move cannot be made, when the
    /// outline no longer comes from a parent field or the config does not read.
    fn outline_config_now(&mut self) -> Option<String> {
        match Config::load_or_builtin(&self.dex.state_dir()) {
            Ok((config, _)) if config.outline.source != crate::config::OutlineSource::Field => Some(
                "not moved: .termdex/config.toml now takes the outline from folders or file names \
                 (move the files to rearrange it)"
                    .into(),
            ),
            Ok((config, _)) => {
                self.config.outline = config.outline;
                None
            }
            Err(e) => Some(format!("not moved: {e}")),
        }
    }

    /// Why a move cannot be made on the cards as they are on disk now, which may differ
    /// from the outline on screen (another program changed a parent since): it would
    /// close a parent cycle, or the parent written would name another card than the one
    /// shown (links take `y.md` and `y.markdown`, or paths that differ only in letter
    /// case, for one name, and the shortest path wins). The index is brought up to date
    /// and the outline read again before anything is written. A move that cannot be
    /// checked is not refused.
    fn refused_on_disk(&self, app: &App, changes: &[Change]) -> Option<String> {
        let shown = app.outline.as_ref().map(|o| o.tree.clone())?;
        let moves: Vec<(&str, &str, &str)> = changes
            .iter()
            .filter_map(|c| match (c.under, &c.parent) {
                (Some(Some(under)), Some(Some(value))) => {
                    shown.nodes.get(under)?.path().map(|p| (c.path.as_str(), p, value.as_str()))
                }
                _ => None,
            })
            .collect();
        if moves.is_empty() {
            return None;
        }
        let mut index = Index::open(&self.index_path).ok()?.index;
        index.use_settings(&self.config.scan_settings()).ok()?;
        crate::index::refresh(&mut index, &self.dex.root, false, &mut |_| {}).ok()?;
        for (_, parent, value) in &moves {
            let named = crate::index::resolve_name(index.conn(), crate::card::parent_name(value)).ok()?;
            let named: Option<String> = match named {
                Some(id) => index
                    .conn()
                    .query_row("SELECT path FROM cards WHERE id = ?1", [id], |row| row.get(0))
                    .ok(),
                None => None,
            };
            if named.as_deref() != Some(*parent) {
                return Some(format!(
                    "not moved: {value} would name {} rather than {parent} (their names differ only \
                     in extension or letter case): rename one to put cards under it",
                    named.as_deref().unwrap_or("no card")
                ));
            }
        }
        let fresh = query::outline::load(&index, &self.config.outline).ok()?;
        moves.iter().find(|(card, parent, _)| fresh.would_cycle(card, parent)).map(|(card, parent, _)| {
            format!("not moved: {parent} is now under {card} (changed on disk), so {card} cannot go under it")
        })
    }

    /// Before the editor opens on a new card with a title: the cards it may duplicate (the
    /// same url, a near-identical title), which the app names and asks about; `true` when
    /// there are any. A look-up that cannot run says so and lets the card be made.
    fn asked_about_duplicates(&mut self, app: &mut App, card: &PendingCard) -> bool {
        let Some(title) = card.title.as_deref() else { return false };
        let url = card.sets.iter().find_map(|(key, value)| match value {
            EditValue::Scalar(url) if key == "url" => Some(url.as_str()),
            _ => None,
        });
        let found = Index::open_read_only(&self.index_path)
            .map_err(|e| e.to_string())
            .and_then(|index| query::duplicates::find(&index, title, url).map_err(|e| e.to_string()));
        match found {
            Ok(cards) if !cards.is_empty() => {
                let hints = cards.iter().map(query::duplicates::hint).collect();
                app.ask_about_duplicates(card.clone(), hints);
                true
            }
            Ok(_) => false,
            Err(e) => {
                app.status_message = Some(format!("could not look for cards like this one: {e}"));
                false
            }
        }
    }

    /// After `n` kept a card: the cards it may duplicate, asked of the reader, whose answer
    /// goes to the status line after "saved ...". Its title is known only now: `n` opens
    /// the editor on the template at once, with no title asked for first.
    fn look_for_duplicates(&mut self, rel: &str) {
        // A card the editor left unreadable has nothing to compare (its save said so).
        let Ok(bytes) = scan::read_card_file(&self.dex.card_path(rel)) else { return };
        let settings = self.config.scan_settings();
        let card = scan::parse_card(rel, &String::from_utf8_lossy(&bytes), (0, 0), (false, false), &settings);
        let url = field_value(&card.fields, "url").map(display_text);
        self.reader.duplicates(Duplicates { path: rel.to_string(), title: card.title, url });
    }

    /// `H`/`L` on the board: one field of one card, rewritten losslessly. Returns the
    /// paths to re-index; the cursor follows the card.
    pub fn move_card(&mut self, app: &mut App, path: &str, field: &str, value: Option<&str>) -> Vec<String> {
        app.follow(path);
        if let Err(e) = move_to_column(&self.dex.root, &self.config.extensions, path, field, value) {
            app.status_message = Some(e.to_string());
            // Nothing was written: the board is rebuilt from the index as it is, which
            // puts the card (and the cursor) back in the column it never left.
            let reload = app.reload();
            self.perform(reload, app, &mut NoScreen);
            return Vec::new();
        }
        vec![path.to_string()]
    }
}

/// No screen to hand over, where only questions to the index can follow (the first
/// query, answers, a failed move).
struct NoScreen;

impl Screen for NoScreen {
    fn suspended(
        &mut self,
        _: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus> {
        None
    }
}

/// An order value as written in a card: a whole number without a decimal point.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{}", value as i64) } else { value.to_string() }
}
