//! `termdex show PATH [--raw]`: one card, rendered for reading or an fzf preview.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use termdex::output::render_card;
use termdex::query;

use super::Ctx;

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
    let mut out = std::io::stdout().lock();
    if args.raw {
        let bytes = std::fs::read(ctx.dex.card_path(&rel))
            .with_context(|| format!("cannot read {}", args.path.display()))?;
        out.write_all(&bytes)?;
        return Ok(ExitCode::SUCCESS);
    }
    let index = ctx.open_fresh(args.no_refresh)?;
    let (Some(card), Some(body)) = (query::card_at(&index, &rel)?, query::card_body(&index, &rel)?) else {
        bail!(
            "{} is not a card of the dex at {} (cards are *.md or *.markdown files that are not hidden or ignored)",
            args.path.display(),
            ctx.dex.root.display()
        );
    };
    let shown = ctx.paths().show(&rel);
    out.write_all(render_card(&card, &shown, &body, ctx.stdout_color()).as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
