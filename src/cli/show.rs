//! `termdex show PATH [--raw]`: one card, rendered for reading or an fzf preview: its
//! markdown laid out when the output is coloured, the text as written otherwise, the
//! file's bytes with `--raw`.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use termdex::output::{Look, render_card};
use termdex::query;
use termdex::scan::{open_card, read_card_file};

use super::{Ctx, terminal_width};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card, as printed by `termdex query` (relative to here) or relative to the dex
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Print the file exactly as it is on disk
    #[arg(long)]
    raw: bool,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let rel = ctx.resolve_card(&args.path)?;
    let file = ctx.dex.card_path(&rel);
    let mut out = std::io::stdout().lock();
    if args.raw {
        let bytes = read_card_file(&file).map_err(|e| unreadable(&args.path, &e))?;
        out.write_all(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    // Rendered where damage heals: stored fields that do not read rebuild the index.
    let found = ctx.with_index(args.no_refresh, |index| {
        let Some((card, body)) = query::card_at(index, &rel)?.zip(query::card_body(index, &rel)?) else {
            return Ok(None);
        };
        Ok(Some(render_card(&card, &ctx.paths().show(&rel), &body, look(ctx))?))
    })?;
    let Some(rendered) = found else {
        // A file the refresh had to skip is no card, but saying so would send the user
        // looking for the wrong cause.
        match open_card(&file) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(unreadable(&args.path, &err)),
            _ => {}
        }
        bail!(
            "{} is not a card of the dex at {} (cards are {} files that are not hidden or ignored)",
            args.path.display(),
            ctx.dex.root.display(),
            ctx.extensions()?.describe()
        );
    };
    out.write_all(rendered.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Markdown rendered exactly when the output is coloured (a terminal, or `--color
/// always`); into a pipe, with `--color never` or `NO_COLOR`, the text as written.
/// Wrapped to fzf's preview window when fzf says how wide it is, else to the terminal;
/// never wrapped into a pipe.
fn look(ctx: &Ctx) -> Look {
    if !ctx.stdout_color() {
        return Look::Plain;
    }
    let fzf =
        std::env::var("FZF_PREVIEW_COLUMNS").ok().and_then(|w| w.trim().parse().ok()).filter(|&w| w > 0);
    let width = fzf.or_else(|| std::io::stdout().is_terminal().then(terminal_width).flatten());
    Look::Rendered { width }
}

/// Why a card file cannot be shown, and what to do about it.
fn unreadable(path: &Path, err: &io::Error) -> anyhow::Error {
    match err.kind() {
        io::ErrorKind::PermissionDenied => {
            anyhow!("cannot read {}: permission denied (make the file readable to show it)", path.display())
        }
        _ => anyhow!("cannot read {}: {err}", path.display()),
    }
}
