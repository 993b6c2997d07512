//! `termdex related PATH [--limit N]`: the cards most related to one, best first, with
//! the score and the reasons a person can read (`links here`, `2 shared tags (rust, cli)`,
//! `similar text` ...). The scoring lives in the query layer (`query::related`,
//! docs/related.md); this prints it.

use std::process::ExitCode;

use anyhow::Result;
use serde_json::{Map, Value};
use termdex::output::{Annotated, Note};
use termdex::query::related;

use super::Ctx;
use super::links::{Listing, named_card, print, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card: its path (as `termdex query` prints it), or its name as a link writes it
    /// (file stem, title or alias)
    #[arg(value_name = "PATH")]
    card: String,
    /// Print at most N cards
    #[arg(long, value_name = "N", default_value_t = 10)]
    limit: usize,
    #[command(flatten)]
    listing: Listing,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let format = args.listing.format()?;
    let (_index, printed) = ctx.read_fresh(args.listing.no_refresh, |index| {
        let card = named_card(ctx, index, &args.card)?;
        let found = related::related(index, card.id, args.limit)?;
        let rows: Vec<Annotated<'_>> = found
            .iter()
            .map(|related| {
                let reasons = related.why.reasons();
                let parts: Map<String, Value> = related
                    .why
                    .parts()
                    .into_iter()
                    .map(|(name, share)| (name.to_string(), rounded(share)))
                    .collect();
                Annotated {
                    card: Some(&related.card),
                    missing: "",
                    named: false,
                    notes: vec![
                        Note::new("score", format!("{:.2}", related.score), rounded(related.score)),
                        Note::new("reasons", reasons.join(", "), reasons),
                        Note::json("parts", parts),
                    ],
                }
            })
            .collect();
        render(ctx, &rows, &args.listing, &format)
    })?;
    print(printed)
}

/// A score as JSON, to three decimals: what a person compares, stable across platforms.
fn rounded(score: f64) -> Value {
    serde_json::Number::from_f64((score * 1000.0).round() / 1000.0).map_or(Value::Null, Value::Number)
}
