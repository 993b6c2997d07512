//! `termdex set PATH... key=value... [--unset key]` and `termdex set key=value -- FILTER...`:
//! change frontmatter fields in place, keeping every other byte of each card.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};
use termdex::cards::set::set_fields_in;
use termdex::frontmatter::{Edit, parse_assignment};
use termdex::query::Purpose;
use termdex::scan::CardRules;

use super::selection::Selection;
use super::{Ctx, complete};

// The selection's filter comes after `--`, where the paths and assignments cannot be.
#[derive(Debug, clap::Args)]
#[command(mut_arg("filter", |a| a.last(true).help("After `--`: the filter whose cards to change")))]
pub struct Args {
    /// Cards and key=value assignments (in any order), or assignments then `--` and a filter
    #[arg(value_name = "PATH|KEY=VALUE", add = ArgValueCompleter::new(complete::cards_or_assignments))]
    items: Vec<String>,
    /// Remove a field
    #[arg(long = "unset", value_name = "KEY", add = ArgValueCandidates::new(complete::fields))]
    unset: Vec<String>,
    #[command(flatten)]
    selection: Selection,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let mut edits = Vec::new();
    let mut paths = Vec::new();
    for item in args.items.iter().map(|i| super::unmark(i)) {
        // An existing card file wins over an assignment look-alike (`a=b.md`), found where
        // a card's path is looked for: from here, then from the dex's root (`--dex`). A
        // file named like an assignment that is no card (`status=done`) does not.
        let typed = std::path::Path::new(item);
        if item.contains('=') && !(ctx.names_file(typed) && ctx.extensions()?.matches(typed)) {
            let (key, value) = parse_assignment(item).map_err(|e| anyhow::anyhow!("{item}: {e}"))?;
            edits.push(Edit::Set { key, value });
        } else {
            paths.push(ctx.resolve_card(std::path::Path::new(item))?);
        }
    }
    // Keys are matched to a card's fields regardless of letter case (`Status` edits
    // `status`): so is the clash.
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    if let Some(key) = args.unset.iter().find(|key| edits.iter().any(|e| same(e.key(), key))) {
        bail!("{key} is both set and unset (--unset {key}): give one of the two");
    }
    edits.extend(args.unset.iter().map(|key| Edit::Unset { key: key.clone() }));
    if edits.is_empty() {
        bail!("nothing to set: give key=value or --unset KEY");
    }
    let bulk = args.selection.has_filter();
    if bulk && !paths.is_empty() {
        bail!("give either cards or `-- FILTER`, not both");
    }
    if !bulk && args.selection.has_options() {
        bail!("--view, --sort and --no-refresh choose the cards of `-- FILTER`; give that, or drop them");
    }
    if bulk {
        paths = matching(ctx, &args.selection)?;
    } else if paths.is_empty() {
        bail!("which cards? give their paths, or `-- FILTER`");
    }
    apply(ctx, &paths, &edits, bulk)
}

/// The cards a bulk `set`'s filter selects; a filter that constrains nothing (`""`, `?`)
/// is refused before anything is opened, let alone written.
fn matching(ctx: &Ctx, selection: &Selection) -> Result<Vec<String>> {
    let config = ctx.config()?;
    let answer = selection.choose(&config, Purpose::Change)?.cards(ctx, &config)?;
    Ok(answer.cards.into_iter().map(|c| c.path).collect())
}

/// Changes each card in turn; one that fails is reported ([`Ctx::error`], which makes the
/// command exit 2) and the others are still changed.
fn apply(ctx: &Ctx, paths: &[String], edits: &[Edit], bulk: bool) -> Result<ExitCode> {
    let mut changed = Vec::new();
    // One set of rules for all: each folder's ignore files are read once.
    let mut rules = CardRules::new(&ctx.dex.root, &ctx.extensions()?);
    for path in paths {
        match set_fields_in(&mut rules, path, edits) {
            Ok(true) => changed.push(path.clone()),
            Ok(false) => {}
            Err(e) => ctx.error(&e),
        }
    }
    ctx.reindex(&changed)?;
    if bulk || ctx.verbose > 0 {
        let n = changed.len();
        let line = format!("{n} card{} changed", if n == 1 { "" } else { "s" });
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .with_context(|| format!("{line}, but this could not be printed"))?;
    }
    Ok(if bulk && paths.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
