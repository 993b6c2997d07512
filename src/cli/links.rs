//! `termdex links PATH` (the links out of a card: the cards they name, broken ones
//! marked) and `termdex backlinks PATH` (the cards linking to it, with the line that
//! links). Path first, in the formats of `query`, so both feed fzf like a query does.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use termdex::index::{CardRow, Index};
use termdex::output::{self, Annotated, Format, Note, write_annotated};
use termdex::query::links;

use super::{Ctx, terminal_width};

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
    let (_index, printed) = ctx.read_fresh(args.listing.no_refresh, |index| {
        let card = named_card(ctx, index, &args.card)?;
        let found = links::outgoing(index, card.id)?;
        let rows: Vec<Annotated<'_>> = found
            .iter()
            .map(|link| Annotated {
                card: link.to.as_ref(),
                missing: BROKEN,
                named: false,
                notes: vec![
                    Note::new("line", link.line.to_string(), link.line),
                    Note::new("link", link.text.as_str(), link.text.as_str()),
                    Note::json("kind", link.kind.name()),
                    Note::json("target", link.target.as_str()),
                    Note::json("label", link.label.clone()),
                    Note::json("broken", link.to.is_none()),
                ],
            })
            .collect();
        render(ctx, &rows, &args.listing, &format)
    })?;
    print(printed)
}

pub fn run_backlinks(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let format = args.listing.format()?;
    let (_index, printed) = ctx.read_fresh(args.listing.no_refresh, |index| {
        let card = named_card(ctx, index, &args.card)?;
        let found = links::backlinks(index, card.id)?;
        let rows: Vec<Annotated<'_>> = found
            .iter()
            .map(|link| Annotated {
                card: Some(&link.card),
                missing: "",
                named: false,
                notes: vec![
                    Note::new("line", link.line.to_string(), link.line),
                    Note::new("context", link.context.as_str(), link.context.as_str()),
                ],
            })
            .collect();
        render(ctx, &rows, &args.listing, &format)
    })?;
    print(printed)
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

/// The rows as they print, and whether there were any. Rendered while the index is open,
/// so that stored fields that do not read are damage it heals.
pub(super) fn render(
    ctx: &Ctx,
    rows: &[Annotated<'_>],
    listing: &Listing,
    format: &Format,
) -> Result<(Vec<u8>, bool)> {
    let on_terminal = std::io::stdout().is_terminal();
    let opts = output::Options {
        format: format.clone(),
        columns: Vec::new(),
        json_fields: None,
        nul: listing.nul,
        color: ctx.stdout_color(),
        paths: ctx.paths(),
        width: on_terminal.then(terminal_width).flatten(),
        terminal: on_terminal,
    };
    let mut text = Vec::new();
    write_annotated(&mut text, rows, &opts)?;
    Ok((text, !rows.is_empty()))
}

/// Prints what [`render`] made; exit 1 when there were no rows, as a query that finds nothing.
pub(super) fn print((text, any): (Vec<u8>, bool)) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(if any { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
