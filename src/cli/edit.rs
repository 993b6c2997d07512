//! `termdex edit PATH`: open a card in the editor (creating it, titled after the file
//! name, if it does not exist yet), then re-index it. Also the CLI end of the editor
//! session, which `new`, `journal` and `pick` open cards through too.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use termdex::cards::editor::describe_exit;
use termdex::cards::new::Draft;
use termdex::cards::session::{self, Opened, Outcome};
use termdex::scan::card_path_problem;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card, relative to here (or to the dex); `.md` (the first of the config's
    /// `extensions`) is added to a new card's name unless it ends in one of them (`edit
    /// "Dr. Who"` makes `Dr. Who.md`)
    #[arg(value_name = "PATH")]
    path: PathBuf,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let typed = card_name(ctx, &args.path)?;
    let rel = ctx.resolve_card(&typed)?;
    if let Some(reason) = card_path_problem(&rel, &ctx.extensions()?) {
        bail!("{} is not a card: {reason}", typed.display());
    }
    let config = ctx.config()?;
    let opened = session::open_path(&ctx.dex, &config, &ctx.clock(), &rel)?;
    run_session(ctx, &opened, true, false)
}

/// The card a typed name means: as typed when it is a card's name; an existing file that
/// is not one is refused; otherwise the first card extension is added (`.md`), so that a
/// dot in a title (`Dr. Who`, `v1.5 plan`) is not taken for an extension.
fn card_name(ctx: &Ctx, typed: &Path) -> Result<PathBuf> {
    let extensions = ctx.extensions()?;
    if extensions.matches(typed) {
        return Ok(typed.to_path_buf());
    }
    let exists = [&ctx.cwd, &ctx.dex.root].iter().any(|base| base.join(typed).symlink_metadata().is_ok());
    if exists {
        bail!("{} is not a card: cards are {} files", typed.display(), extensions.describe());
    }
    let mut name = OsString::from(typed.as_os_str());
    name.push(format!(".{}", extensions.first()));
    Ok(PathBuf::from(name))
}

/// The CLI end of an editor session (`edit`, `new`, `journal`, `pick`): the editor on
/// what was opened (unless `edit` is false), then the cards re-indexed, whatever the
/// editor did, and what happened said. `print_path` prints a new card's path once it is
/// saved, an existing card's before the editor opens it.
pub fn run_session(ctx: &Ctx, opened: &Opened, edit: bool, print_path: bool) -> Result<ExitCode> {
    let rels = match opened {
        Opened::Cards(rels) => rels.clone(),
        Opened::Draft(draft) => vec![draft.file.rel.clone()],
    };
    let shown: Vec<String> = rels.iter().map(|rel| ctx.paths().show(rel)).collect();
    if let Opened::Draft(Draft { warning: Some(warning), .. }) = opened {
        ctx.warn(warning);
    }
    if print_path && matches!(opened, Opened::Cards(_)) {
        for path in &shown {
            print_line(path)
                .with_context(|| format!("cannot print the path of {path} (nothing was changed)"))?;
        }
    }
    let outcome = match (opened, edit) {
        (_, true) => session::run(&ctx.dex, &ctx.extensions()?, opened, &mut |run| run())?,
        (Opened::Cards(_), false) => return Ok(ExitCode::SUCCESS),
        (Opened::Draft(_), false) => Outcome::Saved,
    };
    ctx.reindex(&rels)?;
    report(ctx, opened, outcome, &shown.join(", "), print_path)
}

/// Says how the session ended, and ends the command accordingly: 1 when nothing was
/// saved, an error when the editor failed.
fn report(ctx: &Ctx, opened: &Opened, outcome: Outcome, shown: &str, print_path: bool) -> Result<ExitCode> {
    let several = matches!(opened, Opened::Cards(rels) if rels.len() > 1);
    match (opened, outcome) {
        (Opened::Draft(_), Outcome::Saved) => saved(ctx, shown, print_path),
        (Opened::Cards(_), Outcome::Saved) => Ok(ExitCode::SUCCESS),
        (_, Outcome::Discarded(why)) => {
            if !ctx.quiet {
                say!("{}", super::stderr_text(&format!("termdex: nothing saved: {}", why.describe(shown))));
            }
            Ok(ExitCode::from(1))
        }
        (Opened::Draft(_), Outcome::EditorFailed(status)) => Err(anyhow!(
            "the editor {}; the new card was kept at {shown} as the editor left it (finish it with `termdex edit {}`, or delete it)",
            describe_exit(status),
            shell_words::quote(shown)
        )),
        (Opened::Cards(_), Outcome::EditorFailed(status)) if several => Err(anyhow!(
            "the editor {}; {shown} were kept and indexed as the editor left them",
            describe_exit(status)
        )),
        (Opened::Cards(_), Outcome::EditorFailed(status)) => Err(anyhow!(
            "the editor {}; {shown} was kept and indexed as the editor left it (open it again with `termdex edit {}`)",
            describe_exit(status),
            shell_words::quote(shown)
        )),
    }
}

/// A new card was saved: its path printed if asked for, and said.
fn saved(ctx: &Ctx, shown: &str, print_path: bool) -> Result<ExitCode> {
    if print_path && let Err(e) = print_line(shown) {
        return unprinted_path(ctx, shown, &e);
    }
    if !ctx.quiet {
        say!("{}", super::stderr_text(&format!("termdex: saved {shown}")));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_line(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    // A person reads it on a terminal: no escape sequence of a path reaches it.
    let line = if out.is_terminal() { termdex::output::clean(line) } else { line.into() };
    writeln!(out, "{line}")?;
    out.flush()
}

/// The card was created, but its path could not be printed (`--print-path > /dev/full`).
/// The error says the card exists and where, so that nobody runs the command again and
/// makes a second one; the exit status is 2 all the same, because what the caller asked
/// for on stdout never came, and a script reading the path (`p=$(termdex new ...)`) must
/// not go on without it. A closed pipe is the reader's choice, as everywhere: success.
fn unprinted_path(ctx: &Ctx, shown: &str, cause: &std::io::Error) -> Result<ExitCode> {
    if cause.kind() == std::io::ErrorKind::BrokenPipe {
        if !ctx.quiet {
            say!("{}", super::stderr_text(&format!("termdex: saved {shown}")));
        }
        return Ok(ExitCode::SUCCESS);
    }
    Err(anyhow!(
        "the card was created and saved as {shown}, but its path could not be printed: {cause} (the card is kept; do not run the command again)"
    ))
}
