//! `termdex query`: print cards, one per line or as JSON.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;
use termdex::output::write_jsonl;
use termdex::query::all_cards;

use super::Ctx;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Output format
    #[arg(long, default_value = "tsv")]
    format: String,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let index = ctx.open_fresh(args.no_refresh)?;
    let cards = all_cards(&index)?;
    let paths = ctx.paths();
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format.as_str() {
        "jsonl" => write_jsonl(&mut out, &cards, &paths)?,
        _ => {
            for card in &cards {
                writeln!(out, "{}\t{}", paths.show(&card.path), card.title)?;
            }
        }
    }
    out.flush()?;
    Ok(if cards.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
