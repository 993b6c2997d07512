//! `termdex man`: the man page (roff), from the clap definition, on stdout; with
//! `--all DIR`, one page per subcommand too (`termdex.1`, `termdex-query.1` ...), written
//! into DIR, their paths printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_mangen::Man;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write termdex.1 and one page per subcommand (termdex-query.1 ...) into DIR instead,
    /// replacing pages of those names
    #[arg(long, value_name = "DIR")]
    all: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let mut out = std::io::stdout().lock();
    match &args.all {
        None => {
            let mut page = Vec::new();
            Man::new(command).render(&mut page)?;
            out.write_all(&page)?;
        }
        Some(dir) => {
            for path in write_pages(command, dir)? {
                writeln!(out, "{}", path.display())?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the page of `command` and of each of its subcommands into `dir`.
fn write_pages(command: clap::Command, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the folder {}", dir.display()))?;
    let mut written = Vec::new();
    let subcommands: Vec<clap::Command> =
        command.get_subcommands().filter(|s| !s.is_hide_set()).cloned().collect();
    let page = Man::new(command);
    let path = dir.join(page.get_filename());
    page.generate_to(dir).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for sub in subcommands {
        written.extend(write_pages(sub, dir)?);
    }
    Ok(written)
}
