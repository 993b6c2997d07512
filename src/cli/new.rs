//! `termdex new [TEMPLATE] [TITLE] [--set k=v]... [--in SUBDIR] [--no-edit] [--print-path]`:
//! a card from a template, opened in the editor, kept only if it was changed.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use termdex::cards::editor::Editor;
use termdex::cards::new::{self, Draft, NewCard, Settled};
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
    let draft = new::create(&ctx.dex, &config, &ctx.clock(), &card)?;
    finish(ctx, &draft, !args.no_edit, args.print_path)
}

/// `key=value` arguments, checked before anything is created.
pub fn parse_sets(raw: &[String]) -> Result<Vec<(String, EditValue)>> {
    raw.iter().map(|a| parse_assignment(a).map_err(|e| anyhow!("--set {a}: {e}"))).collect()
}

/// After a draft was created: the editor (unless told not to), then keep or discard,
/// index, and say what happened.
pub fn finish(ctx: &Ctx, draft: &Draft, edit: bool, print_path: bool) -> Result<ExitCode> {
    let shown = ctx.paths().show(&draft.file.rel);
    let settled = if edit {
        let editor = Editor::from_env().inspect_err(|_| {
            let _ = new::discard(draft);
        })?;
        let status = editor.run(&draft.file.abs).inspect_err(|_| {
            let _ = new::discard(draft);
        })?;
        new::settle(draft, status)?
    } else {
        Settled::Saved
    };
    ctx.reindex(std::slice::from_ref(&draft.file.rel))?;
    match settled {
        Settled::Saved => {
            if print_path {
                writeln!(std::io::stdout().lock(), "{shown}")?;
            }
            if !ctx.quiet {
                eprintln!("termdex: saved {shown}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Settled::Discarded => {
            if !ctx.quiet {
                eprintln!(
                    "termdex: nothing saved: {shown} was left as the template or emptied, so it was removed"
                );
            }
            Ok(ExitCode::from(1))
        }
        Settled::EditorFailed(status) => {
            Err(anyhow!("the editor exited with {status}; the card was kept as it is at {shown}"))
        }
    }
}
