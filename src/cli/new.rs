//! `termdex new [TEMPLATE] [TITLE] [--set k=v]... [--in SUBDIR] [--no-edit] [--print-path]`:
//! a card from a template, opened in the editor, kept only if it was changed.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap_complete::engine::ArgValueCandidates;
use termdex::cards::journal::{self, Journal};
use termdex::cards::new::{self, NewCard};
use termdex::cards::session::Opened;
use termdex::cards::templates;
use termdex::frontmatter::{EditValue, parse_assignment};

use super::edit::run_session;
use super::{Ctx, complete};

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
}

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
    let draft = new::create(&ctx.dex, &config, &ctx.clock(), &card)?;
    run_session(ctx, &Opened::Draft(draft), !args.no_edit, args.print_path)
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
