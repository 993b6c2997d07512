//! `termdex tree [CARD] [FILTER...] [--depth N]`: the outline, indented like `tree`, path
//! first so that fzf works on it; the tree lines go in the title column. With a filter,
//! the matching cards are shown with their ancestors for context. `--format json` nests
//! the children.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::{Value, json};
use termdex::config::Config;
use termdex::index::{CardRow, Index};
use termdex::output::{self, Annotated, Format, Note, tree_prefix};
use termdex::query::outline::{self, Mark, Node, Outline, Shown};
use termdex::query::{self, Purpose, Request, links};

use super::Ctx;
use super::links::{Listing, print, render};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card to show the outline under (its path, or its name as a link writes it; a
    /// folder or a dotted name in those outlines), when the first word names one; the
    /// other words are a filter, whose matching cards are shown with their ancestors
    #[arg(value_name = "CARD|FILTER")]
    words: Vec<String>,
    /// Show at most N levels below the top
    #[arg(long, value_name = "N")]
    depth: Option<usize>,
    #[command(flatten)]
    listing: Listing,
}

/// What is shown: the outline, where it starts, which nodes; and the first word when it
/// named no card and was read as a filter (said on stderr when nothing matches).
struct Showing {
    outline: Outline,
    from: Option<usize>,
    keep: Option<Vec<bool>>,
    /// The nodes of the cards the filter matched (with `keep`, their ancestors too).
    matching: Vec<usize>,
    unnamed: Option<String>,
}

impl Showing {
    /// The rows shown down to `depth`. With a filter, only the matching cards within that
    /// depth and their ancestors: a match below the cut would leave its ancestors shown
    /// alone, as if they matched.
    fn rows(&self, depth: Option<usize>) -> Vec<outline::Shown> {
        let shown = self.outline.show(self.from, self.keep.as_deref(), depth, &|_| false);
        if self.keep.is_none() || depth.is_none() {
            return shown;
        }
        let mut matching = vec![false; self.outline.nodes.len()];
        self.matching.iter().for_each(|&n| matching[n] = true);
        let within = shown.iter().map(|s| s.node).filter(|&n| matching[n]);
        let keep = self.outline.with_ancestors(within.collect::<Vec<_>>());
        self.outline.show(self.from, Some(&keep), depth, &|_| false)
    }
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let format = args.listing.format()?;
    let config = ctx.config()?;
    // Rendered while the index is open: stored fields that do not read are damage, which
    // heals and the whole is read again.
    let mut unnamed = None;
    let (_index, printed) = ctx.read_fresh(args.listing.no_refresh, |index| {
        let showing = showing(ctx, index, &config, &args.words)?;
        unnamed.clone_from(&showing.unnamed);
        let shown = showing.rows(args.depth);
        // The outline places cards; what is printed of them is read for those shown only.
        let ids: Vec<i64> =
            shown.iter().filter_map(|s| showing.outline.nodes[s.node].card.as_ref().map(|c| c.id)).collect();
        let cards = outline::rows(index, &ids)?;
        if let Format::Json = format {
            return nested(ctx, &showing.outline, &shown, &cards);
        }
        // JSON lines say each row's depth: the title is the card's, without tree lines.
        // Tree lines only where titles are printed: `paths` of a deep outline would build
        // (depth x rows) of prefixes for nothing.
        let rows = rows(&showing.outline, &shown, &cards, !matches!(format, Format::Jsonl | Format::Paths));
        let annotated: Vec<Annotated<'_>> = rows.iter().map(Row::annotated).collect();
        render(ctx, &annotated, &args.listing, &format)
    })?;
    if let (false, Some(word)) = (printed.1, unnamed) {
        say!(
            "termdex: no card is named \"{}\" and no card matches it as a filter: name a card by its \
             path, title or [[link]] (termdex query finds one), or give filter terms",
            termdex::output::clean(&word)
        );
    }
    print(printed)
}

/// Reads the outline, the card it starts under and the cards the filter keeps.
fn showing(ctx: &Ctx, index: &Index, config: &Config, words: &[String]) -> Result<Showing> {
    let outline = outline::load(index, &config.outline)?;
    let (from, filter, unnamed) = match words.split_first() {
        Some((first, rest)) if names_a_card(super::unmark(first)) => {
            let card = top_card(ctx, index, first)?;
            let path = card.as_ref().map(|c| c.path.as_str());
            match outline.named(config.outline.source, first, path) {
                Some(node) => (Some(node), rest, None),
                None => (None, words, Some(first.clone())),
            }
        }
        _ => (None, words, None),
    };
    let mut matching = Vec::new();
    let keep = match filter.is_empty() {
        true => None,
        false => {
            let text = super::selection::filter_text(filter);
            let parsed = query::user_filter(Some(&text), config, Purpose::List)?;
            let request = Request { filter: &text, parsed, view: None, sort: None, limit: None };
            let answer = query::run(index, config, &ctx.clock(), &request)?;
            let paths: HashSet<&str> = answer.cards.iter().map(|r| r.path.as_str()).collect();
            matching = (0..outline.nodes.len())
                .filter(|&n| outline.nodes[n].path().is_some_and(|p| paths.contains(p)))
                .collect();
            Some(outline.with_ancestors(matching.iter().copied()))
        }
    };
    Ok(Showing { outline, from, keep, matching, unnamed })
}

/// Whether a first word may name a card: a `[[wiki link]]` does, whatever it holds; other
/// words that are filter syntax do not.
fn names_a_card(word: &str) -> bool {
    word.trim_start().starts_with("[[") || !looks_like_filter(word)
}

/// Words that are filter syntax rather than a card's name.
fn looks_like_filter(word: &str) -> bool {
    word.contains([':', '<', '>', '='])
        || word.starts_with(['#', '-', '(', '"'])
        || matches!(word, "OR" | "AND" | "NOT")
}

/// The card a first word names, in any form a parent field takes (a path, a name, a
/// `[[wiki link]]`); `None` when it names none. In an outline of folders or dotted names
/// the word may name a placeholder instead (`Outline::named`).
fn top_card(ctx: &Ctx, index: &Index, word: &str) -> Result<Option<CardRow>> {
    let name = termdex::card::parent_name(word);
    if name.is_empty() {
        return Ok(None);
    }
    let path = ctx.resolve_card(std::path::Path::new(name)).ok();
    Ok(links::find_card(index, path.as_deref(), Some(name))?)
}

/// A shown node as a row: its card with the tree lines before its title (a placeholder
/// has no card, and its name takes the title column), and its mark.
struct Row {
    card: Option<CardRow>,
    title: String,
    depth: usize,
    mark: Option<String>,
}

impl Row {
    fn annotated(&self) -> Annotated<'_> {
        let mut notes = vec![Note::json("depth", self.depth)];
        notes.push(Note::new("mark", self.mark.clone().unwrap_or_default(), self.mark.clone()));
        Annotated { card: self.card.as_ref(), missing: &self.title, named: true, notes }
    }
}

fn rows(outline: &Outline, shown: &[Shown], cards: &HashMap<i64, CardRow>, lines: bool) -> Vec<Row> {
    shown
        .iter()
        .zip(outline::lasts(shown, 0))
        .map(|(s, lasts)| {
            let node = &outline.nodes[s.node];
            let prefix = if lines { tree_prefix(&lasts) } else { String::new() };
            let title = format!("{prefix}{}", node.name);
            let card = row_of(node, cards).map(|card| CardRow { title: title.clone(), ..card.clone() });
            Row { card, title, depth: s.depth, mark: mark_text(node.mark.as_ref()) }
        })
        .collect()
}

fn mark_text(mark: Option<&Mark>) -> Option<String> {
    mark.map(|mark| match mark {
        Mark::Cycle => "parent cycle broken here".to_string(),
        Mark::BrokenParent(name) => format!("no card named \"{name}\""),
    })
}

/// A node's card as read for printing: none for a placeholder (and for a card removed from
/// the index between the two reads, which is printed by name only).
fn row_of<'c>(node: &Node, cards: &'c HashMap<i64, CardRow>) -> Option<&'c CardRow> {
    cards.get(&node.card.as_ref()?.id)
}

/// `--format json`: the shown nodes nested, children under their parent.
fn nested(
    ctx: &Ctx,
    outline: &Outline,
    shown: &[Shown],
    cards: &HashMap<i64, CardRow>,
) -> Result<(Vec<u8>, bool)> {
    let paths = ctx.paths();
    let mut stack: Vec<(usize, Value)> = Vec::new();
    let mut top = Vec::new();
    let close = |stack: &mut Vec<(usize, Value)>, top: &mut Vec<Value>| {
        let (_, done) = stack.pop().expect("a node to close");
        match stack.last_mut() {
            Some((_, parent)) => parent["children"].as_array_mut().expect("children").push(done),
            None => top.push(done),
        }
    };
    for s in shown {
        while stack.last().is_some_and(|(depth, _)| *depth >= s.depth) {
            close(&mut stack, &mut top);
        }
        let node = &outline.nodes[s.node];
        let mut value = match row_of(node, cards) {
            Some(card) => output::card_json(card, &paths)?,
            None => json!({ "path": null, "title": node.name }),
        };
        value["mark"] = mark_text(node.mark.as_ref()).map_or(Value::Null, Value::String);
        value["children"] = json!([]);
        stack.push((s.depth, value));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut top);
    }
    let mut out = Vec::new();
    output::json::write_pretty(&mut out, &top)?;
    out.write_all(b"\n")?;
    Ok((out, !top.is_empty()))
}
