//! `termdex check`: every card whose frontmatter does not parse, as `path:line: reason`.
//!
//! The format is the one compilers use, so editors and `grep` can jump to the line.
//! Cards that were only partly readable are listed as warnings; they do not fail the check.
//! Messages quote card text, so they are cleaned of control characters; paths are cleaned
//! on a terminal and left as they are for programs.

use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use termdex::index::card_errors;
use termdex::output::ansi::{BOLD, RED, RESET, YELLOW};
use termdex::output::clean;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let index = ctx.open_fresh(args.no_refresh)?;
    let rows = card_errors(index.conn()).context("cannot read the index")?;
    let paths = ctx.paths();
    let on_terminal = std::io::stdout().is_terminal();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut failed = 0;
    // Compiler colours: editors and terminals already know how to read these lines.
    let (bold, red, yellow, reset) =
        if ctx.stdout_color() { (BOLD, RED, YELLOW, RESET) } else { ("", "", "", "") };
    for row in &rows {
        let shown = paths.show(&row.path);
        let shown = if on_terminal { clean(&shown) } else { shown };
        let path = format!("{bold}{shown}{reset}");
        if let Some((line, message)) = &row.error {
            writeln!(out, "{path}:{line}: {red}{}{reset}", clean(message))?;
            failed += 1;
        }
        if row.lossy {
            writeln!(
                out,
                "{path}: {yellow}warning{reset}: not valid UTF-8; indexed with replacement characters"
            )?;
        }
        if row.truncated {
            writeln!(
                out,
                "{path}: {yellow}warning{reset}: larger than {} MiB; only the start is indexed",
                termdex::scan::MAX_CARD_BYTES >> 20
            )?;
        }
    }
    out.flush()?;
    if !ctx.quiet && ctx.stderr_is_terminal() {
        eprintln!("termdex: {failed} cards with frontmatter errors");
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
