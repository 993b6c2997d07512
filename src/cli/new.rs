//! `termdex new [TEMPLATE] [TITLE] [--set k=v]... [--in SUBDIR] [--no-edit] [--print-path]`:
//! a card from a template, opened in the editor, kept only if it was changed.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use termdex::cards::editor::{Editor, describe_exit};
use termdex::cards::journal::{self, Journal};
use termdex::cards::new::{self, Draft, NewCard, Outcome};
use termdex::cards::templates;
use termdex::frontmatter::{EditValue, parse_assignment};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A template (note, task, bookmark, reminder, meeting, journal or the dex's own) and
    /// the title; a single word that names no template is the title of a default card
    #[arg(value_name = "TEMPLATE] [TITLE")]
    words: Vec<String>,
    /// Set a field (added when the template lacks it); also fills {{key}} in the template
    #[arg(long = "set", value_name = "KEY=VALUE")]
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
    finish(ctx, &draft, !args.no_edit, args.print_path)
}

/// The journal card of `card.date`: reopened when it exists, else created and edited.
pub fn open_journal(ctx: &Ctx, card: &NewCard<'_>, edit: bool, print_path: bool) -> Result<ExitCode> {
    let config = ctx.config()?;
    match journal::open_or_create(&ctx.dex, &config, &ctx.clock(), card)? {
        Journal::Created(draft) => finish(ctx, &draft, edit, print_path),
        Journal::Existing(rel) => {
            let shown = ctx.paths().show(&rel);
            if !card.sets.is_empty() || card.title.is_some_and(|t| !t.trim().is_empty()) {
                ctx.warn(format_args!(
                    "{shown} already exists, so it was opened as it is (a title and --set apply only to a new journal card; termdex set changes fields)"
                ));
            }
            if print_path {
                writeln!(std::io::stdout().lock(), "{shown}")?;
            }
            if !edit {
                return Ok(ExitCode::SUCCESS);
            }
            super::edit::open_existing(ctx, &rel)
        }
    }
}

/// `key=value` arguments, checked before anything is created.
pub fn parse_sets(raw: &[String]) -> Result<Vec<(String, EditValue)>> {
    raw.iter().map(|a| parse_assignment(a).map_err(|e| anyhow!("--set {a}: {e}"))).collect()
}

/// After a draft was created: the editor (unless told not to), then keep or discard,
/// index, and say what happened.
pub fn finish(ctx: &Ctx, draft: &Draft, edit: bool, print_path: bool) -> Result<ExitCode> {
    let shown = ctx.paths().show(&draft.file.rel);
    let outcome = if edit {
        let editor = Editor::from_env().inspect_err(|_| {
            let _ = new::discard(draft);
        })?;
        let status = editor.run(&draft.file.abs).inspect_err(|_| {
            let _ = new::discard(draft);
        })?;
        new::settle_why(draft, status)?
    } else {
        Outcome::Saved
    };
    ctx.reindex(std::slice::from_ref(&draft.file.rel))?;
    let nothing_saved = |why: &str| {
        if !ctx.quiet {
            eprintln!("termdex: nothing saved: {why}");
        }
        Ok(ExitCode::from(1))
    };
    match outcome {
        Outcome::Saved => {
            if print_path && let Err(e) = print_line(&shown) {
                return unprinted_path(ctx, &shown, &e);
            }
            if !ctx.quiet {
                eprintln!("termdex: saved {shown}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Unchanged => nothing_saved(&format!("{shown} was left as the template, so it was removed")),
        Outcome::Emptied => nothing_saved(&format!("{shown} was emptied, so it was removed")),
        Outcome::Deleted => nothing_saved(&format!("the editor deleted {shown}")),
        Outcome::EditorFailed(status) => Err(anyhow!(
            "the editor {}; the new card was kept at {shown} as the editor left it (finish it with `termdex edit {}`, or delete it)",
            describe_exit(status),
            shell_words::quote(&shown)
        )),
    }
}

fn print_line(line: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

/// The card was created, but its path could not be printed (`--print-path > /dev/full`).
/// The error says the card exists and where, so that nobody runs the command again and
/// makes a second one; the exit status is 2 all the same, because what the caller asked
/// for on stdout never came, and a script reading the path (`p=$(termdex new ...)`) must
/// not go on without it. A closed pipe is the reader's choice, as everywhere: success.
fn unprinted_path(ctx: &Ctx, shown: &str, cause: &std::io::Error) -> Result<ExitCode> {
    if cause.kind() == std::io::ErrorKind::BrokenPipe {
        if !ctx.quiet {
            eprintln!("termdex: saved {shown}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    Err(anyhow!(
        "the card was created and saved as {shown}, but its path could not be printed: {cause} (the card is kept; do not run the command again)"
    ))
}
