//! `termdex edit PATH`: open a card in the editor (creating it, titled after the file
//! name, if it does not exist yet), then re-index it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use termdex::card::file_stem;
use termdex::cards::editor::Editor;
use termdex::cards::new::{self, NewCard};

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The card, relative to here (or to the dex); `.md` is added when it has no extension
    #[arg(value_name = "PATH")]
    path: PathBuf,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let mut typed = args.path.clone();
    if typed.extension().is_none() {
        typed.set_extension("md");
    }
    if !termdex::scan::is_card_name(&typed) {
        bail!("{} is not a card: cards are .md or .markdown files", args.path.display());
    }
    let rel = ctx.resolve_card(&typed)?;
    let abs = ctx.dex.card_path(&rel);
    if abs.is_file() {
        return open_existing(ctx, &rel);
    }
    let config = ctx.config()?;
    let title = file_stem(&rel).to_string();
    let card = NewCard { template: "note", title: Some(&title), path: Some(&rel), ..NewCard::default() };
    let draft = new::create(&ctx.dex, &config, &ctx.clock(), &card)?;
    super::new::finish(ctx, &draft, true, false)
}

/// Opens a card that exists and re-indexes it, whatever the editor did.
pub fn open_existing(ctx: &Ctx, rel: &str) -> Result<ExitCode> {
    let status = Editor::from_env()?.run(&ctx.dex.card_path(rel))?;
    ctx.reindex(&[rel.to_string()])?;
    if !status.success() {
        return Err(anyhow!(
            "the editor exited with {status}; {} is as the editor left it",
            ctx.paths().show(rel)
        ));
    }
    Ok(ExitCode::SUCCESS)
}
