//! `termdex fields [FIELD]`: the fields a dex uses, or the values one field takes, with
//! card counts (`count<TAB>name`, most used first).

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap_complete::engine::ArgValueCandidates;
use termdex::output::clean;
use termdex::query::facets;

use super::{Ctx, complete};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show this field's values instead of the field names
    #[arg(value_name = "FIELD", add = ArgValueCandidates::new(complete::fields))]
    field: Option<String>,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let facets = ctx.with_index(args.no_refresh, |index| {
        match &args.field {
            Some(field) => facets::field_values(index, field.trim_start_matches('#')),
            None => facets::field_names(index),
        }
        .context("cannot read the index")
    })?;
    let width = facets.iter().map(|f| f.cards.to_string().len()).max().unwrap_or(1);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for facet in &facets {
        writeln!(out, "{:>width$}\t{}", facet.cards, clean(&facet.value))?;
    }
    out.flush()?;
    Ok(if facets.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
