//! `termdex index [--full]`: refresh or rebuild the index and say what changed. While a
//! watcher vouches for the index, a refresh has nothing to do: it says so without walking.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Re-read every card instead of only the changed ones
    #[arg(long)]
    full: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let mut index = ctx.open_index()?;
    let report = if !args.full && ctx.trusts_watcher(&index) {
        termdex::index::untouched(&index)?
    } else {
        ctx.refresh(&mut index, args.full)?
    };
    ctx.report_problems(&report);
    if !ctx.quiet {
        let errors = match report.errors {
            0 => "0 errors".to_string(),
            1 => "1 error (see `termdex check`)".to_string(),
            n => format!("{n} errors (see `termdex check`)"),
        };
        say!(
            "termdex: indexed {} cards in {} ms: {} new, {} changed, {} removed, {errors}",
            report.total,
            report.elapsed.as_millis(),
            report.new,
            report.changed,
            report.removed,
        );
    }
    Ok(ExitCode::SUCCESS)
}
