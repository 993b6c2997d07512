//! `termdex init`: the dex's `.termdex/config.toml`, holding every option at its built-in
//! value with what it does, to edit. `termdex init --templates`: the built-in templates in
//! `.termdex/templates/`, to edit.
//!
//! Neither overwrites anything: a file that exists is named and left as it is, the others
//! are written, and the command exits 2, as every command that could not do all it was
//! asked does (1 means "nothing found", which this is not).

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use termdex::cards::templates;
use termdex::cards::write::create_new;
use termdex::config::{CONFIG_FILE, DEFAULTS};
use termdex::dex::STATE_DIR;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Copy the built-in templates into .termdex/templates/ instead, to edit them there (the
    /// config file is left alone)
    #[arg(long)]
    templates: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let files: Vec<(String, &str)> = if args.templates {
        templates::builtins().map(|(name, text)| (format!("{STATE_DIR}/templates/{name}.md"), text)).collect()
    } else {
        vec![(format!("{STATE_DIR}/{CONFIG_FILE}"), DEFAULTS)]
    };
    let paths = ctx.paths();
    let mut out = io::stdout().lock();
    let mut written = 0;
    for (rel, text) in &files {
        let path = ctx.dex.card_path(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the folder {}", dir.display()))?;
        }
        match create_new(&path, text.as_bytes()) {
            Ok(()) => {
                writeln!(out, "{}", paths.show(rel))?;
                written += 1;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => ctx.error(format!(
                "{} already exists; it was left as it is (move it aside, then run this again, to get the built-in one)",
                paths.show(rel)
            )),
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    out.flush()?;
    if written > 0 && !ctx.quiet {
        say!("termdex: {}", what_was_written(args.templates, &ctx.dex.state_dir()));
    }
    Ok(ExitCode::SUCCESS)
}

/// One line on stderr after writing: what the files are for.
fn what_was_written(templates: bool, state: &Path) -> String {
    if templates {
        format!(
            "`termdex new NAME` now uses {}/NAME.md; edit them, or delete one to use the built-in again",
            templates::user_dir(state).display()
        )
    } else {
        "every option is set to its built-in value, with what it does; edit what you want to change".into()
    }
}
