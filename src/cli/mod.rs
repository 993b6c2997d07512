//! The command line: global flags, one module per subcommand, and what they share
//! (locating the dex, opening and refreshing the index, printing warnings).
//!
//! This layer parses and dispatches; the work is done by the library.

mod cat;
mod check;
pub mod complete;
mod completions;
mod edit;
mod fields;
mod index;
mod init;
mod journal;
mod links;
mod man;
mod new;
mod pick;
mod progress;
mod query;
mod related;
mod selection;
mod set;
mod show;
mod sql;
mod tree;
mod tui;
mod views;
mod watch;

use std::cell::{Cell, OnceCell};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use termdex::clock::Clock;
use termdex::config::Config;
use termdex::dex::Dex;
use termdex::index::{
    BadFields, Damage, Fresh, Index, IndexError, RefreshReport, rebuild, refresh, retry_after_damage,
};
use termdex::output::PathDisplay;
use termdex::query::QueryError;
use termdex::query::sql::SqlError;
use termdex::watch::Trust;

use progress::ProgressLine;

#[derive(Debug, Parser)]
#[command(name = "termdex", version, about = "A folder of markdown files as a deck of index cards")]
pub struct Cli {
    /// The dex folder (default: $TERMDEX_DIR, else the nearest folder above holding .termdex/, else .)
    #[arg(long, global = true, value_name = "DIR")]
    dex: Option<PathBuf>,
    /// When to colour output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Print no warnings or summaries
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more about what is happening
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write .termdex/config.toml with every option at its built-in value, to edit (or, with
    /// --templates, copy the built-in templates into .termdex/templates/); never overwrites
    Init(init::Args),
    /// Refresh the index (or rebuild it with --full)
    Index(index::Args),
    /// List cards whose frontmatter does not parse or breaks a declared field type, as path:line: reason
    /// (and, as warnings, cards not valid UTF-8 or too large, temp files of interrupted writes, and broken links)
    Check(check::Args),
    /// Print the cards that match a filter
    Query(query::Args),
    /// Browse, filter, preview and edit the cards in a terminal UI (the default command)
    Tui(tui::Args),
    /// Create a card from a template and open it in $VISUAL / $EDITOR
    New(new::Args),
    /// Open a card in the editor (creating it if it does not exist), then re-index it
    Edit(edit::Args),
    /// Open the journal card of a day, creating it if needed
    Journal(journal::Args),
    /// Pick cards with a built-in fuzzy finder (no fzf needed); opens or --print's them
    Pick(pick::Args),
    /// Change frontmatter fields in place, keeping every other byte
    Set(set::Args),
    /// Show one card: title, fields and body, its markdown rendered on a terminal (made for fzf's preview window)
    Show(show::Args),
    /// Print the matching cards one after another under ==> path <== headers
    Cat(cat::Args),
    /// Field names with card counts, or the values of one field
    Fields(fields::Args),
    /// List the saved views
    Views(views::Args),
    /// Run read-only SQL against the index (with the md_files view of the original tdx)
    Sql(sql::Args),
    /// The links out of a card: the cards they name, broken links marked
    Links(links::Args),
    /// The cards linking to a card, with the line that links
    Backlinks(links::Args),
    /// The cards most related to one, best first, with the reasons (links, tags, url, collection, similar text)
    Related(related::Args),
    /// The outline: cards nested under their parent cards, drawn like tree (path first)
    Tree(tree::Args),
    /// Keep the index current while running (a file watcher), so that other commands read it
    /// without walking the dex; Ctrl-C stops
    Watch(watch::Args),
    /// Print the shell completion script (subcommands, flags, and the dex's view, template and field names)
    Completions(completions::Args),
    /// Print the man page (roff), or write one per subcommand with --all DIR
    Man(man::Args),
}

/// Parses the command line (negated filter words protected), with clap's own colours set
/// by the choice termdex's are: `--color`, then `NO_COLOR`, then whether the stream is a
/// terminal.
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let args = protect_negated_terms(args);
    let color = match colour_asked(&args) {
        Some(ColorChoice::Always) => clap::ColorChoice::Always,
        Some(ColorChoice::Never) => clap::ColorChoice::Never,
        _ if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let mut command = Cli::command().color(color);
    let mut matches = command.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut command))
}

/// The last `--color WHEN` or `--color=WHEN` before a `--`, read before clap reads the
/// line: its errors are coloured (or not) by it too.
fn colour_asked(args: &[std::ffi::OsString]) -> Option<ColorChoice> {
    let words: Vec<&str> =
        args.iter().skip(1).map(|a| a.to_str().unwrap_or("")).take_while(|a| *a != "--").collect();
    let mut asked = None;
    for (i, word) in words.iter().enumerate() {
        let value = match word.strip_prefix("--color") {
            Some("") => words.get(i + 1).copied(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        if let Some(value) = value {
            asked = ColorChoice::from_str(value, false).ok();
        }
    }
    asked
}

/// Marks a filter word such as `-status:done` so that clap takes it as a value, not as an
/// unknown option; [`unmark`] removes the mark.
const NEGATION_MARK: char = '\u{1}';

/// Subcommands whose positional arguments are filter words or titles, which may start
/// with `-` (`-status:done`, a title like "- draft").
const FILTER_COMMANDS: [&str; 5] = ["query", "cat", "set", "new", "pick"];

/// `termdex query what:task -status:done --format json` must work: a leading `-` on a
/// filter word negates it. Arguments of filter commands that start with `-` but are not
/// options of that command get a mark that [`unmark`] strips again.
pub fn protect_negated_terms(args: impl IntoIterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let command = Cli::command();
    let Some((at, sub)) = args.iter().enumerate().skip(1).find_map(|(i, a)| {
        let name = a.to_str()?;
        FILTER_COMMANDS.contains(&name).then(|| command.find_subcommand(name).map(|s| (i, s.clone())))?
    }) else {
        return args;
    };
    let known = |word: &str| -> bool {
        let all_args = sub.get_arguments().chain(command.get_arguments());
        if let Some(long) = word.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            return long.is_empty()
                || name == "help"
                || all_args.into_iter().any(|a| a.get_long() == Some(name));
        }
        let shorts: Vec<char> = all_args.filter_map(|a| a.get_short()).chain(['h']).collect();
        word[1..].chars().all(|c| shorts.contains(&c))
    };
    // An option whose value is the next argument (`--sort -modified`): that value is no
    // filter word, whatever it starts with.
    let takes_next = |word: &str| -> bool {
        let mut all_args = sub.get_arguments().chain(command.get_arguments());
        let takes = |a: &clap::Arg| a.get_action().takes_values();
        match word.strip_prefix("--") {
            Some(long) => !long.contains('=') && all_args.any(|a| a.get_long() == Some(long) && takes(a)),
            None => {
                let mut shorts = word[1..].chars();
                match (shorts.next(), shorts.next()) {
                    (Some(c), None) => all_args.any(|a| a.get_short() == Some(c) && takes(a)),
                    _ => false,
                }
            }
        }
    };
    let mut out = args[..=at].to_vec();
    let mut after_separator = false;
    let mut option_value = false;
    for arg in &args[at + 1..] {
        if std::mem::take(&mut option_value) {
            out.push(arg.clone());
            continue;
        }
        match arg.to_str() {
            Some("--") if !after_separator => {
                after_separator = true;
                out.push(arg.clone());
            }
            Some(word) if !after_separator && word.len() > 1 && word.starts_with('-') && !known(word) => {
                out.push(format!("{NEGATION_MARK}{word}").into());
            }
            Some(word) if !after_separator && word.starts_with('-') => {
                option_value = takes_next(word);
                out.push(arg.clone());
            }
            _ => out.push(arg.clone()),
        }
    }
    out
}

/// A positional word without the mark [`protect_negated_terms`] gave it.
pub fn unmark(word: &str) -> &str {
    word.strip_prefix(NEGATION_MARK).unwrap_or(word)
}

/// What every command gets: where the dex is and how to talk to the user.
pub struct Ctx {
    pub dex: Dex,
    pub cwd: PathBuf,
    pub quiet: bool,
    pub verbose: u8,
    pub color: ColorChoice,
    /// Whether an error about one card was reported while the command went on with the
    /// others: the command then exits 2 whatever else it found, as `rg` does.
    card_failed: Cell<bool>,
    /// The dex's configuration, read once (its warning said once).
    loaded: OnceCell<Config>,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    // About termdex itself, not a dex: they run wherever --dex points, or nowhere.
    match &cli.command {
        Some(Command::Completions(args)) => return completions::run(args),
        Some(Command::Man(args)) => return man::run(args),
        _ => {}
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let dex = Dex::from_env(cli.dex.as_deref())?;
    let ctx = Ctx {
        dex,
        cwd,
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: cli.color,
        card_failed: Cell::new(false),
        loaded: OnceCell::new(),
    };
    let code = match cli.command {
        Some(Command::Init(args)) => init::run(&ctx, &args),
        Some(Command::Index(args)) => index::run(&ctx, &args),
        Some(Command::Check(args)) => check::run(&ctx, &args),
        Some(Command::Query(args)) => query::run(&ctx, &args),
        Some(Command::Show(args)) => show::run(&ctx, &args),
        Some(Command::New(args)) => new::run(&ctx, &args),
        Some(Command::Edit(args)) => edit::run(&ctx, &args),
        Some(Command::Journal(args)) => journal::run(&ctx, &args),
        Some(Command::Set(args)) => set::run(&ctx, &args),
        Some(Command::Pick(args)) => pick::run(&ctx, &args),
        Some(Command::Cat(args)) => cat::run(&ctx, &args),
        Some(Command::Fields(args)) => fields::run(&ctx, &args),
        Some(Command::Views(args)) => views::run(&ctx, &args),
        Some(Command::Sql(args)) => sql::run(&ctx, &args),
        Some(Command::Links(args)) => links::run_links(&ctx, &args),
        Some(Command::Backlinks(args)) => links::run_backlinks(&ctx, &args),
        Some(Command::Related(args)) => related::run(&ctx, &args),
        Some(Command::Tree(args)) => tree::run(&ctx, &args),
        Some(Command::Tui(args)) => tui::run(&ctx, &args),
        Some(Command::Watch(args)) => watch::run(&ctx, &args),
        Some(Command::Completions(_) | Command::Man(_)) => unreachable!("run before the dex is located"),
        None => tui::run(&ctx, &tui::Args::default()),
    }?;
    Ok(if ctx.card_failed.get() { ExitCode::from(2) } else { code })
}

/// The terminal's width in cells, if it says (a pseudo-terminal may say 0: unknown).
pub fn terminal_width() -> Option<usize> {
    ratatui::crossterm::terminal::size().ok().map(|(w, _)| usize::from(w)).filter(|&w| w > 0)
}

/// A message as it goes to stderr: as it is into a pipe or a file (a script may need the
/// exact file name), cleaned of control characters on a terminal, where an escape
/// sequence in a file name would be acted on (`ESC ] 52` writes the clipboard).
pub fn stderr_text(message: &str) -> String {
    if std::io::stderr().is_terminal() { termdex::output::clean_lines(message) } else { message.to_string() }
}

impl Ctx {
    /// A warning on stderr; on a terminal, cleaned of control characters (warnings quote
    /// file names, and a file name can hold an escape sequence).
    pub fn warn(&self, message: impl std::fmt::Display) {
        if self.quiet {
            return;
        }
        let message = message.to_string();
        if self.stderr_is_terminal() {
            say!("termdex: warning: {}", termdex::output::clean(&message));
        } else {
            say!("termdex: warning: {message}");
        }
    }

    /// An error about one card among several: the command goes on with the others, and
    /// exits 2 in the end. On a terminal, cleaned like a warning: it quotes file names.
    pub fn error(&self, message: impl std::fmt::Display) {
        self.card_failed.set(true);
        say!("termdex: error: {}", stderr_text(&message.to_string()));
    }

    /// Whether to colour what goes to stdout: `--color`, then `NO_COLOR`, then "is it a terminal".
    pub fn stdout_color(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        }
    }

    pub fn stderr_is_terminal(&self) -> bool {
        std::io::stderr().is_terminal()
    }

    /// Paths as the user's shell sees them.
    pub fn paths(&self) -> PathDisplay {
        PathDisplay::new(&self.dex.root, &self.cwd)
    }

    /// The dex-relative path of a card the user named: relative to the current directory
    /// (as `query` prints paths), else relative to the dex root.
    pub fn resolve_card(&self, typed: &std::path::Path) -> Result<String> {
        let root = &self.dex.root;
        let found = self.card_bases().into_iter().find(|base| base.join(typed).exists()).unwrap_or(&self.cwd);
        match PathDisplay::resolve(root, found, typed) {
            Some(rel) if !rel.is_empty() => Ok(rel),
            Some(_) => {
                anyhow::bail!("{} is the dex's own folder, not a card: name a card in it", typed.display())
            }
            None => anyhow::bail!("{} is outside the dex at {}", typed.display(), root.display()),
        }
    }

    /// Whether `typed` names an existing file where [`Ctx::resolve_card`] looks.
    pub fn names_file(&self, typed: &std::path::Path) -> bool {
        self.card_bases().into_iter().any(|base| base.join(typed).is_file())
    }

    /// Where a card's path typed on the command line is looked for: from the current
    /// folder, then from the dex's root.
    fn card_bases(&self) -> [&std::path::PathBuf; 2] {
        [&self.cwd, &self.dex.root]
    }

    /// Re-reads the cards a command just wrote or removed, so the index knows them before
    /// the command returns.
    pub fn reindex(&self, paths: &[String]) -> Result<()> {
        if paths.is_empty() {
            return Ok(());
        }
        let mut index = self.open_index()?;
        let problems = termdex::index::refresh_paths(&mut index, &self.dex.root, paths)
            .with_context(|| format!("cannot update the index of {}", self.dex.root.display()))?;
        for problem in problems {
            self.warn(problem);
        }
        Ok(())
    }

    /// The dex's configuration (defaults overlaid with `.termdex/config.toml`), its views
    /// checked to compile; the built-in one, with a warning, when that file cannot be read.
    pub fn config(&self) -> Result<Config> {
        let config = self.loaded_config()?;
        termdex::query::check_views(config, &self.clock())?;
        Ok(config.clone())
    }

    /// The configuration as read, its views not checked yet: what opening the index
    /// needs (which files are cards), so that a view's typo does not stop `index`.
    fn loaded_config(&self) -> Result<&Config> {
        if let Some(config) = self.loaded.get() {
            return Ok(config);
        }
        let (config, unreadable) = Config::load_or_builtin(&self.dex.state_dir())?;
        if let Some(warning) = unreadable {
            self.warn(warning);
        }
        Ok(self.loaded.get_or_init(|| config))
    }

    /// Which files are cards in this dex (the config's `extensions`).
    pub fn extensions(&self) -> Result<termdex::scan::Extensions> {
        Ok(self.loaded_config()?.extensions.clone())
    }

    /// "Today" for date words in filters.
    pub fn clock(&self) -> Clock {
        Clock::from_env()
    }

    /// Opens the index, rebuilding a damaged one with a warning; says so when the dex is
    /// not writable and the index is kept in the user's cache folder instead.
    pub fn open_index(&self) -> Result<Index> {
        Ok(self.open_index_saying()?.0)
    }

    /// [`Ctx::open_index`], and whether the index had to be rebuilt on opening: then there
    /// is no index "as it is" left to use, and even `--no-refresh` reads it refreshed.
    fn open_index_saying(&self) -> Result<(Index, bool)> {
        let location = self.dex.index_location();
        if let Some(warning) = location.warning() {
            self.warn(warning);
        }
        let opened = Index::open(&location.path)?;
        let rebuilt = opened.warning.is_some();
        if let Some(warning) = opened.warning {
            self.warn(warning);
        }
        let mut index = opened.index;
        let settings = self.loaded_config()?.scan_settings();
        if let Some(warning) = index.use_settings(&settings)? {
            self.warn(warning);
        }
        // So that a watcher stops vouching for an index this command walked with other
        // ignore files than the watcher's (see `Index::record_walks_as`).
        index.record_walks_as(termdex::watch::fingerprint::fingerprint(&self.dex.root, &settings));
        Ok((index, rebuilt))
    }

    /// Opens the index and brings it up to date, as every reading command does first.
    pub fn open_fresh(&self, no_refresh: bool) -> Result<Index> {
        let (mut index, rebuilt) = self.open_index_saying()?;
        // A rebuilt index walks whatever a watcher says; otherwise one may vouch for it.
        let walk = rebuilt || (!no_refresh && !self.trusts_watcher(&index));
        if walk {
            let report = self.refresh(&mut index, false)?;
            self.report_problems(&report);
        }
        Ok(index)
    }

    /// Runs `read` on the index as [`Ctx::open_fresh`] leaves it. Damage that only `read`
    /// meets (a malformed page deep in a table) sets the index aside and rebuilds it from
    /// the cards, with one warning, and `read` runs again.
    pub fn with_index<T>(&self, no_refresh: bool, mut read: impl FnMut(&Index) -> Result<T>) -> Result<T> {
        let mut index = self.open_fresh(no_refresh)?;
        self.healing(&mut index, |index| read(index))
    }

    /// Opens the index and answers `read` from it as it stands after a refresh, but
    /// overlapping the no-change check with the read: when no card changed (the common
    /// case) the read is not repeated, otherwise the index is refreshed and read again.
    /// Damage met on the way is healed as in [`Ctx::with_index`].
    pub fn read_fresh<T>(
        &self,
        no_refresh: bool,
        mut read: impl FnMut(&Index) -> Result<T>,
    ) -> Result<(Index, T)> {
        let (mut index, rebuilt) = self.open_index_saying()?;
        let answer = self.healing(&mut index, |index| {
            if !rebuilt && no_refresh {
                return index.reading_once(&mut read);
            }
            if !rebuilt
                && self.trusts_watcher(index)
                && let Some(answer) =
                    index.reading_once(|index| termdex::index::read_as_walked(index, &mut read))
            {
                return answer;
            }
            let fresh =
                index.reading_once(|index| termdex::index::read_fresh(index, &self.dex.root, &mut read));
            let report = match fresh {
                Fresh::Yes { answer, report } => {
                    self.report_phases(&report);
                    self.report_problems(&report);
                    return answer;
                }
                Fresh::No => self.refresh(index, false)?,
            };
            self.report_problems(&report);
            read(index)
        })?;
        Ok((index, answer))
    }

    /// Whether a running watcher (`termdex watch`, a TUI) vouches for the index, so that
    /// the walk can be skipped; with `-v`, which way it went and why.
    pub fn trusts_watcher(&self, index: &Index) -> bool {
        let Ok(config) = self.loaded_config() else { return false };
        match termdex::watch::trust(&self.dex, index, &config.scan_settings()) {
            Trust::Watcher(pid) => {
                if self.verbose > 0 {
                    say!("termdex: trusted watcher pid {pid}: no walk");
                }
                true
            }
            Trust::Walk(why) => {
                if self.verbose > 0 {
                    say!("termdex: walked: {why}");
                }
                false
            }
        }
    }

    /// Runs `op`, and once more after rebuilding the index if it failed on damage.
    fn healing<T>(&self, index: &mut Index, op: impl FnMut(&mut Index) -> Result<T>) -> Result<T> {
        let mut bar = ProgressLine::new(!self.quiet && self.stderr_is_terminal());
        let (answer, rebuilt) =
            retry_after_damage(index, &self.dex.root, index_damage, &mut |p| bar.update(p), op)?;
        bar.finish();
        // Only the warning: the files the rebuild skipped were reported by the refresh
        // before it, or are reported by the next one.
        if let Some(warning) = rebuilt.and_then(|report| report.rebuilt) {
            self.warn(warning);
        }
        Ok(answer)
    }

    /// Sets a damaged index aside and rebuilds it from the cards, for damage met on a
    /// connection of its own (`termdex sql`'s read-only one).
    pub fn rebuild_index(&self, why: &str) -> Result<()> {
        let mut index = self.open_index()?;
        let mut bar = ProgressLine::new(!self.quiet && self.stderr_is_terminal());
        let report = rebuild(&mut index, &self.dex.root, why, &mut |p| bar.update(p))
            .with_context(|| format!("cannot rebuild the index of {}", self.dex.root.display()))?;
        bar.finish();
        if let Some(warning) = report.rebuilt {
            self.warn(warning);
        }
        Ok(())
    }

    pub fn refresh(&self, index: &mut Index, full: bool) -> Result<RefreshReport> {
        let mut bar = ProgressLine::new(!self.quiet && self.stderr_is_terminal());
        let report = refresh(index, &self.dex.root, full, &mut |p| bar.update(p))
            .with_context(|| format!("cannot refresh the index of {}", self.dex.root.display()))?;
        bar.finish();
        self.report_phases(&report);
        Ok(report)
    }

    /// With `-v`: how long each phase of a refresh took.
    fn report_phases(&self, report: &RefreshReport) {
        if self.verbose > 0 {
            let phases: Vec<String> =
                report.phases.iter().map(|(name, took)| format!("{name} {} ms", took.as_millis())).collect();
            say!("termdex: {} files; {}", report.walked, phases.join(", "));
        }
    }

    /// Warnings for skipped files; capped, because a dex with a thousand unreadable files
    /// should say so once, not scroll.
    pub fn report_problems(&self, report: &RefreshReport) {
        const SHOWN: usize = 20;
        if let Some(rebuilt) = &report.rebuilt {
            self.warn(rebuilt);
        }
        let paths = self.paths();
        for problem in report.problems.iter().take(SHOWN) {
            if problem.path.is_empty() {
                self.warn(&problem.message);
            } else {
                self.warn(format_args!("{}: {}", paths.show(&problem.path), problem.message));
            }
        }
        if report.problems.len() > SHOWN {
            self.warn(format_args!("... and {} more files skipped", report.problems.len() - SHOWN));
        }
    }
}

/// The damage an error (or any of its causes) reports, if it says the index is damaged.
pub fn index_damage(err: &anyhow::Error) -> Option<String> {
    err.chain().find_map(|cause| {
        if let Some(err) = cause.downcast_ref::<QueryError>() {
            err.index_damage()
        } else if let Some(err) = cause.downcast_ref::<IndexError>() {
            err.index_damage()
        } else if let Some(err) = cause.downcast_ref::<SqlError>() {
            err.index_damage()
        } else if let Some(err) = cause.downcast_ref::<BadFields>() {
            err.index_damage()
        } else if let Some(err) = cause.downcast_ref::<std::io::Error>() {
            // Printing stops at a card whose stored fields do not read.
            termdex::output::unreadable_fields(err).and_then(Damage::index_damage)
        } else {
            cause.downcast_ref::<rusqlite::Error>().and_then(Damage::index_damage)
        }
    })
}
