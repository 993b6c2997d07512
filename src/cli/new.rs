//! `termdex new [TEMPLATE] [TITLE] [--set k=v]... [--in SUBDIR] [--no-edit] [--print-path]
//! [--no-duplicate]`: a card from a template, opened in the editor, kept only if it was
//! changed. First the cards it may duplicate (the same `url`, a near-identical title: the
//! rule is `query::duplicates`'s) are named on stderr; `--no-duplicate` then stops there.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap_complete::engine::ArgValueCandidates;
use termdex::cards::journal::{self, Journal};
use termdex::cards::new::{self, NewCard};
use termdex::cards::session::Opened;
use termdex::cards::templates;
use termdex::frontmatter::{EditValue, parse_assignment};
use termdex::query::duplicates;

use super::edit::run_session;
use super::{Ctx, complete, stderr_text};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A template (note, task, bookmark, reminder, meeting, journal or the dex's own) and
    /// the title; a single word that names no template is the title of a default card
    #[arg(value_name = "TEMPLATE] [TITLE", add = ArgValueCandidates::new(complete::templates))]
    words: Vec<String>,
    /// Set a field (added when the template lacks it); also fills {{key}} in the template
    #[arg(long = "set", value_name = "KEY=VALUE", add = ArgValueCandidates::new(complete::assignments))]
    sets: Vec<String>,
    /// Put the card in this folder of the dex instead of the dated folders
    #[arg(long = "in", value_name = "SUBDIR")]
    subdir: Option<String>,
    /// Create the card without opening the editor
    #[arg(long)]
    no_edit: bool,
    /// Print the new card's path on stdout
    #[arg(long)]
    print_path: bool,
    /// Create nothing (exit 1) when a card with the same url or a near-identical title
    /// exists; without it, such cards are named on stderr and the card is created anyway
    #[arg(long)]
    no_duplicate: bool,
}

/// How many cards a duplicate warning names; the rest are counted.
const NAMED: usize = 5;

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    let state = ctx.dex.state_dir();
    let words: Vec<String> = args.words.iter().map(|w| super::unmark(w).to_string()).collect();
    let (template, title) = match words.as_slice() {
        [] => (config.new.template.clone(), String::new()),
        [only] if !templates::exists(&state, only) => (config.new.template.clone(), only.clone()),
        // With a title after it, the first word must name a template: a typo is an
        // error listing the templates, not a card titled "taks Buy milk".
        [first, rest @ ..] => (first.clone(), rest.join(" ")),
    };
    let sets = parse_sets(&args.sets)?;
    let card = NewCard {
        template: &template,
        title: Some(&title),
        sets: &sets,
        subdir: args.subdir.as_deref(),
        ..NewCard::default()
    };
    if template == journal::TEMPLATE {
        return open_journal(ctx, &card, !args.no_edit, args.print_path);
    }
    if let Some(stopped) = look_for_duplicates(ctx, &title, &sets, args.no_duplicate)? {
        return Ok(stopped);
    }
    let draft = new::create(&ctx.dex, &config, &ctx.clock(), &card)?;
    run_session(ctx, &Opened::Draft(draft), !args.no_edit, args.print_path)
}

/// Names the cards the new one may duplicate (by its title, or a `--set title=`, and a
/// `--set url=`), on the index as it is after a refresh. `Some(exit code)` when
/// `--no-duplicate` (`stop`) means nothing is created: then they are named even with
/// `--quiet`, as the reason. An index that cannot be read or refreshed (a full disk) is
/// a warning, and the card is created; with `--no-duplicate` an error, and it is not.
fn look_for_duplicates(
    ctx: &Ctx,
    title: &str,
    sets: &[(String, EditValue)],
    stop: bool,
) -> Result<Option<ExitCode>> {
    let title = set_text(sets, "title").unwrap_or(title);
    let url = set_text(sets, "url");
    if title.trim().is_empty() && url.is_none_or(|u| u.trim().is_empty()) {
        return Ok(None);
    }
    let found = match ctx.read_fresh(false, |index| Ok(duplicates::find(index, title, url)?)) {
        Ok((_index, found)) => found,
        // Only a warning: the look-up is advice, and the card can still be written.
        Err(e) if !stop => {
            ctx.warn(format_args!("could not look for cards like this one, so it is created anyway: {e:#}"));
            return Ok(None);
        }
        Err(e) => return Err(e.context("could not look for cards like this one (--no-duplicate)")),
    };
    if found.is_empty() {
        return Ok(None);
    }
    if stop || !ctx.quiet {
        for card in found.iter().take(NAMED) {
            say!("{}", stderr_text(&duplicates::hint(card)));
        }
        if found.len() > NAMED {
            say!("and {} more", found.len() - NAMED);
        }
    }
    if !stop {
        return Ok(None);
    }
    say!("termdex: nothing created (--no-duplicate)");
    Ok(Some(ExitCode::from(1)))
}

/// The text a `--set key=...` gives `key` (any letter case), if it gives one.
fn set_text<'a>(sets: &'a [(String, EditValue)], key: &str) -> Option<&'a str> {
    sets.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).and_then(|(_, value)| match value {
        EditValue::Scalar(text) | EditValue::Text(text) => Some(text.as_str()),
        EditValue::List(_) => None,
    })
}

/// The journal card of `card.date`: reopened when it exists, else created and edited.
pub fn open_journal(ctx: &Ctx, card: &NewCard<'_>, edit: bool, print_path: bool) -> Result<ExitCode> {
    let config = ctx.config()?;
    match journal::open_or_create(&ctx.dex, &config, &ctx.clock(), card)? {
        Journal::Created(draft) => run_session(ctx, &Opened::Draft(draft), edit, print_path),
        Journal::Existing(rel) => {
            let shown = ctx.paths().show(&rel);
            if !card.sets.is_empty() || card.title.is_some_and(|t| !t.trim().is_empty()) {
                ctx.warn(format_args!(
                    "{shown} already exists, so it was opened as it is (a title and --set apply only to a new journal card; termdex set changes fields)"
                ));
            }
            run_session(ctx, &Opened::Cards(vec![rel]), edit, print_path)
        }
    }
}

/// `key=value` arguments, checked before anything is created.
pub fn parse_sets(raw: &[String]) -> Result<Vec<(String, EditValue)>> {
    raw.iter().map(|a| parse_assignment(a).map_err(|e| anyhow!("--set {a}: {e}"))).collect()
}
