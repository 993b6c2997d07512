//! `termdex journal [DATE]`: open the journal card of a day (today by default),
//! creating it from the journal template if it does not exist.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use jiff::civil::Date;
use termdex::cards::journal;
use termdex::cards::new::NewCard;
use termdex::clock::Clock;
use termdex::query::dates;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The day: 2026-11-20, today, yesterday, tomorrow, -3d, +1w ...
    #[arg(value_name = "DATE", allow_hyphen_values = true)]
    date: Option<String>,
    /// Create the card without opening the editor
    #[arg(long)]
    no_edit: bool,
    /// Print the card's path on stdout
    #[arg(long)]
    print_path: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let clock = ctx.clock();
    let date = match &args.date {
        Some(word) => day(word, &clock)?,
        None => clock.today,
    };
    let card = NewCard { template: journal::TEMPLATE, date: Some(date), ..NewCard::default() };
    super::new::open_journal(ctx, &card, !args.no_edit, args.print_path)
}

/// A date word as the day it names.
fn day(word: &str, clock: &Clock) -> Result<Date> {
    let span = dates::span(word, clock)
        .map_err(|bad| anyhow!(bad.message(word)))?
        .ok_or_else(|| anyhow!("`{word}` is not a date (try 2026-11-20, today, yesterday, -3d)"))?;
    span.start[..10].parse().map_err(|_| anyhow!("`{word}` is not a single day"))
}
