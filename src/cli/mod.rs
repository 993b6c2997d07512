//! The command line: global flags, one module per subcommand, and what they share
//! (locating the dex, opening and refreshing the index, printing warnings).
//!
//! This layer parses and dispatches; the work is done by the library.

mod check;
mod index;
mod progress;
mod query;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use termdex::dex::Dex;
use termdex::index::{Index, RefreshReport, refresh};
use termdex::output::PathDisplay;

use progress::ProgressLine;

#[derive(Debug, Parser)]
#[command(
    name = "termdex",
    version,
    about = "A folder of markdown files as a deck of index cards"
)]
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
    /// Refresh the index (or rebuild it with --full)
    Index(index::Args),
    /// List cards whose frontmatter does not parse, as path:line: reason
    Check(check::Args),
    /// Print the cards that match a filter
    Query(query::Args),
}

/// What every command gets: where the dex is and how to talk to the user.
pub struct Ctx {
    pub dex: Dex,
    pub cwd: PathBuf,
    pub quiet: bool,
    pub verbose: u8,
    pub color: ColorChoice,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let dex = Dex::from_env(cli.dex.as_deref())?;
    let ctx = Ctx {
        dex,
        cwd,
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: cli.color,
    };
    match cli.command {
        Some(Command::Index(args)) => index::run(&ctx, &args),
        Some(Command::Check(args)) => check::run(&ctx, &args),
        Some(Command::Query(args)) => query::run(&ctx, &args),
        None => query::run(&ctx, &query::Args::default()),
    }
}

impl Ctx {
    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            eprintln!("termdex: warning: {message}");
        }
    }

    /// Whether to colour what goes to stdout: `--color`, then `NO_COLOR`, then "is it a terminal".
    pub fn stdout_color(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
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

    /// Opens the index, rebuilding a damaged one with a warning.
    pub fn open_index(&self) -> Result<Index> {
        let path = self.dex.index_path();
        let opened = Index::open(&path)?;
        if let Some(warning) = opened.warning {
            self.warn(warning);
        }
        Ok(opened.index)
    }

    /// Opens the index and brings it up to date, as every reading command does first.
    pub fn open_fresh(&self, no_refresh: bool) -> Result<Index> {
        let mut index = self.open_index()?;
        if !no_refresh {
            let report = self.refresh(&mut index, false)?;
            self.report_problems(&report);
        }
        Ok(index)
    }

    pub fn refresh(&self, index: &mut Index, full: bool) -> Result<RefreshReport> {
        let mut bar = ProgressLine::new(!self.quiet && self.stderr_is_terminal());
        let report = refresh(index, &self.dex.root, full, &mut |p| bar.update(p))
            .with_context(|| format!("cannot refresh the index of {}", self.dex.root.display()))?;
        bar.finish();
        if self.verbose > 0 {
            eprintln!(
                "termdex: walked {} files in {} ms",
                report.walked,
                report.walk_elapsed.as_millis()
            );
        }
        Ok(report)
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
                self.warn(format_args!(
                    "{}: {}",
                    paths.show(&problem.path),
                    problem.message
                ));
            }
        }
        if report.problems.len() > SHOWN {
            self.warn(format_args!(
                "... and {} more files skipped",
                report.problems.len() - SHOWN
            ));
        }
    }
}
