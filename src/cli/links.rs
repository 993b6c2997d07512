//! `termdex links PATH` (the links out of a card: the cards they name, broken ones
//! marked) and `termdex backlinks PATH` (the cards linking to it, with the line that
//! links). Path first, in the formats of `query`, so both feed fzf like a query does.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use termdex::card::link_text;
use termdex::index::{CardRow, Index};
use termdex::output::{self, Annotated, Format, Note, write_annotated};
use termdex::query::links;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card: its path (as `termdex query` prints it), or its name as a link writes it
    /// (file stem, title or alias)
    #[arg(value_name = "PATH")]
    card: String,
    #[command(flatten)]
    listing: Listing,
}

/// How a list of cards is printed.
#[derive(Debug, clap::Args)]
pub struct Listing {
    /// paths, tsv, json, jsonl, table, or a template like '{path}\t{title}' (see docs/related.md)
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// End each record with NUL instead of a newline
    #[arg(short = '0', long = "null")]
    nul: bool,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    pub no_refresh: bool,
}

/// The title column of a link that names no card.
const BROKEN: &str = "(broken link)";

pub fn run_links(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let format = args.listing.format()?;
    let (_index, found) = ctx.read_fresh(args.listing.no_refresh, |index| {
        let card = named_card(ctx, index, &args.card)?;
        Ok(links::outgoing(index, card.id)?)
    })?;
    let rows: Vec<Annotated<'_>> = found
        .iter()
        .map(|link| Annotated {
            card: link.to.as_ref(),
            missing: BROKEN,
            notes: vec![
                Note::new("line", link.line.to_string(), link.line),
                Note::new(
                    "link",
                    link_text(link.kind, &link.target, link.label.as_deref()),
                    link_text(link.kind, &link.target, link.label.as_deref()),
                ),
                Note::json("kind", link.kind.name()),
                Note::json("target", link.target.as_str()),
                Note::json("label", link.label.clone()),
                Note::json("broken", link.to.is_none()),
            ],
        })
        .collect();
    print(ctx, &rows, &args.listing, format)
}

pub fn run_backlinks(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let format = args.listing.format()?;
    let (_index, found) = ctx.read_fresh(args.listing.no_refresh, |index| {
        let card = named_card(ctx, index, &args.card)?;
        Ok(links::backlinks(index, card.id)?)
    })?;
    let rows: Vec<Annotated<'_>> = found
        .iter()
        .map(|link| Annotated {
            card: Some(&link.card),
            missing: "",
            notes: vec![
                Note::new("line", link.line.to_string(), link.line),
                Note::new("context", link.context.as_str(), link.context.as_str()),
            ],
        })
        .collect();
    print(ctx, &rows, &args.listing, format)
}

impl Listing {
    pub fn format(&self) -> Result<Format> {
        match &self.format {
            Some(f) => Format::parse(f).map_err(|e| anyhow!(e)),
            None => Ok(Format::Lines),
        }
    }
}

/// The card the user named: a card file (relative to here, else to the dex), else, for
/// a name that is no markdown path, the card a link written so would name.
pub(super) fn named_card(ctx: &Ctx, index: &Index, typed: &str) -> Result<CardRow> {
    let path = ctx.resolve_card(Path::new(typed)).ok();
    let is_path = ctx.extensions()?.matches(Path::new(typed));
    match links::find_card(index, path.as_deref(), (!is_path).then_some(typed))? {
        Some(card) => Ok(card),
        None => bail!(
            "{typed} is no card of the dex at {} (give a card's path as `termdex query` prints it, \
             or its file stem, title or alias)",
            ctx.dex.root.display()
        ),
    }
}

/// Prints the rows; exit 1 when there are none, as a query that finds nothing.
pub(super) fn print(
    ctx: &Ctx,
    rows: &[Annotated<'_>],
    listing: &Listing,
    format: Format,
) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let on_terminal = stdout.is_terminal();
    let opts = output::Options {
        format,
        columns: Vec::new(),
        json_fields: None,
        nul: listing.nul,
        color: ctx.stdout_color(),
        paths: ctx.paths(),
        width: on_terminal.then(terminal_width).flatten(),
        terminal: on_terminal,
    };
    let mut out = BufWriter::new(stdout.lock());
    write_annotated(&mut out, rows, &opts)?;
    out.flush()?;
    Ok(if rows.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn terminal_width() -> Option<usize> {
    ratatui::crossterm::terminal::size().ok().map(|(w, _)| usize::from(w))
}
