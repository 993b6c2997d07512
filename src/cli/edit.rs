//! `termdex edit PATH`: open a card in the editor (creating it, titled after the file
//! name, if it does not exist yet), then re-index it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use termdex::card::file_stem;
use termdex::cards;
use termdex::cards::editor::{Editor, describe_exit};
use termdex::cards::new::{self, NewCard};
use termdex::scan::{card_path_problem, is_card_name};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card, relative to here (or to the dex); `.md` is added to a new card's name
    /// unless it ends in .md or .markdown (`edit "Dr. Who"` makes `Dr. Who.md`)
    #[arg(value_name = "PATH")]
    path: PathBuf,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let typed = card_name(ctx, &args.path)?;
    let rel = ctx.resolve_card(&typed)?;
    if let Some(reason) = card_path_problem(&rel) {
        bail!("{} is not a card: {reason}", typed.display());
    }
    if cards::editable(&ctx.dex.root, &rel)?.is_file() {
        return open_existing(ctx, &rel);
    }
    let config = ctx.config()?;
    let title = file_stem(&rel).to_string();
    let card = NewCard { template: "note", title: Some(&title), path: Some(&rel), ..NewCard::default() };
    let draft = new::create(&ctx.dex, &config, &ctx.clock(), &card)?;
    super::new::finish(ctx, &draft, true, false)
}

/// The card a typed name means: as typed when it is a card's name; an existing file that
/// is not one is refused; otherwise `.md` is added, so that a dot in a title
/// (`Dr. Who`, `v1.5 plan`) is not taken for an extension.
fn card_name(ctx: &Ctx, typed: &Path) -> Result<PathBuf> {
    if is_card_name(typed) {
        return Ok(typed.to_path_buf());
    }
    let exists = [&ctx.cwd, &ctx.dex.root].iter().any(|base| base.join(typed).symlink_metadata().is_ok());
    if exists {
        bail!("{} is not a card: cards are .md or .markdown files", typed.display());
    }
    let mut name = OsString::from(typed.as_os_str());
    name.push(".md");
    Ok(PathBuf::from(name))
}

/// Opens a card that exists and re-indexes it, whatever the editor did.
pub fn open_existing(ctx: &Ctx, rel: &str) -> Result<ExitCode> {
    cards::editable(&ctx.dex.root, rel)?;
    let status = Editor::from_env()?.run(&ctx.dex.card_path(rel))?;
    ctx.reindex(&[rel.to_string()])?;
    if !status.success() {
        let shown = ctx.paths().show(rel);
        return Err(anyhow!(
            "the editor {}; {shown} was kept and indexed as the editor left it (open it again with `termdex edit {}`)",
            describe_exit(status),
            shell_words::quote(&shown)
        ));
    }
    Ok(ExitCode::SUCCESS)
}
