//! `termdex query`: print the cards a filter (and view) selects.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap_complete::engine::ArgValueCandidates;
use termdex::output::{self, Format};
use termdex::query::{self, Purpose};

use super::selection::{self, Selection};
use super::{Ctx, complete, terminal_width};

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    #[command(flatten)]
    selection: Selection,
    /// Print at most N cards
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// paths, tsv, json, jsonl, table, or a template like '{path}\t{title}'
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// Columns to print after the path (default: the view's)
    #[arg(long, value_name = "a,b", value_delimiter = ',', add = ArgValueCandidates::new(complete::fields))]
    fields: Vec<String>,
    /// End each record with NUL instead of a newline
    #[arg(short = '0', long = "null")]
    nul: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let format = match &args.format {
        Some(f) => Format::parse(f).map_err(|e| anyhow!(e))?,
        None => Format::Lines,
    };
    let config = ctx.config()?;
    let chosen = args.selection.choose(&config, Purpose::List)?;
    let request = chosen.request(args.limit);
    let clock = ctx.clock();
    let stdout = std::io::stdout();
    let on_terminal = stdout.is_terminal();
    let (_index, (answer, text, no_cards)) =
        ctx.read_fresh(chosen.no_refresh, |index| -> Result<(query::Answer, Vec<u8>, bool)> {
            let answer = query::run(index, &config, &clock, &request)?;
            let no_cards = answer.cards.is_empty() && index.card_counts()?.0 == 0;
            let opts = output::Options {
                format: format.clone(),
                columns: columns(&args.fields, &answer.view.columns),
                json_fields: (!args.fields.is_empty()).then(|| args.fields.clone()),
                nul: args.nul,
                color: ctx.stdout_color(),
                paths: ctx.paths(),
                width: if on_terminal { terminal_width() } else { None },
                terminal: on_terminal,
            };
            // Formatted while the dex is still being walked to check the index is fresh;
            // printed only once it is.
            // Sized up front: doubling a ten-megabyte buffer costs copies and page faults.
            let mut text = Vec::with_capacity(answer.cards.len().saturating_mul(128));
            output::write_cards(&mut text, &answer.cards, &opts)?;
            Ok((answer, text, no_cards))
        })?;
    selection::warn_unknown_sort_keys(ctx, &answer);
    let mut out = stdout.lock();
    out.write_all(&text)?;
    out.flush()?;
    if no_cards && !ctx.quiet && ctx.stderr_is_terminal() {
        // A first run: say how to begin rather than print nothing.
        say!(
            "termdex: no cards yet (no {} files here); `termdex new \"A title\"` writes one",
            config.extensions.describe()
        );
    } else if !ctx.quiet && on_terminal && ctx.stderr_is_terminal() {
        let n = answer.cards.len();
        say!("{n} card{}", if n == 1 { "" } else { "s" });
    }
    let code = if answer.cards.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    // The process ends once this returns: freeing every row's strings one by one, and the
    // allocator handing the pages back at exit, were 5% of listing every card.
    std::mem::forget(answer.cards);
    std::mem::forget(text);
    Ok(code)
}

/// `title` first, then the chosen fields (or the view's other columns).
fn columns(chosen: &[String], view_columns: &[String]) -> Vec<String> {
    let rest = if chosen.is_empty() { view_columns } else { chosen };
    std::iter::once("title".to_string())
        .chain(rest.iter().filter(|c| c.as_str() != "title").cloned())
        .collect()
}

/// The cards of a view in the default format: what `termdex` prints without a terminal.
pub fn list_view(ctx: &Ctx, view: Option<&str>) -> Result<ExitCode> {
    let selection = Selection { view: view.map(String::from), ..Selection::default() };
    let args = Args { selection, ..Args::default() };
    run(ctx, &args)
}
