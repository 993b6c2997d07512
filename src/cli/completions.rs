//! `termdex completions SHELL`: the shell's completion script, from the clap definition.
//! The script asks termdex for candidates at each Tab, so it completes the subcommands
//! and flags of the binary it calls, and view, template and field names of the dex at
//! hand (`complete.rs`), without going stale when either changes.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{CommandFactory, ValueEnum};
use clap_complete::env::{EnvCompleter, Shells};

use super::Cli;
use super::complete::VAR;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to print the script for
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let name = args.shell.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    let shells = Shells::builtins();
    let shell: &dyn EnvCompleter =
        shells.completer(&name).with_context(|| format!("clap_complete knows no shell named {name}"))?;
    let command = Cli::command();
    let bin = command.get_name().to_string();
    let mut script = Vec::new();
    shell.write_registration(VAR, &bin, &bin, &completer()?, &mut script)?;
    let script = match args.shell {
        Shell::Bash => bash_keeps_colons(&String::from_utf8_lossy(&script)),
        _ => String::from_utf8_lossy(&script).into_owned(),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(script.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The program the script runs for candidates: this termdex as it was called, made
/// absolute when called by a path (`./target/release/termdex`), left to `$PATH` when
/// called by name, as clap_complete's own registration does.
fn completer() -> Result<String> {
    let called = PathBuf::from(std::env::args_os().next().unwrap_or_else(|| "termdex".into()));
    let path = if called.components().count() > 1 {
        std::env::current_dir().context("cannot read the current directory")?.join(called)
    } else {
        called
    };
    Ok(path.to_string_lossy().into_owned())
}

/// Where clap's bash script puts the word being completed into the words it passes.
const BASH_CURRENT_WORD: &str = "        words[COMP_CWORD]=\"$2\"\n    fi\n";

/// Bash splits `status:` at the colon (and `status=` at the `=`) and completes the empty
/// word after it, which clap's script then passes in place of the `:`: termdex would see
/// `status` and an empty word, as after `status `. The `:` is passed instead, so that
/// `status:<Tab>` completes the field's values (`complete::filter_terms`, and for `set`'s
/// `status=<Tab>` `complete::cards_or_assignments`), and no flags (clap offers them for
/// an empty word).
fn bash_keeps_colons(script: &str) -> String {
    let keep = "    if [[ \"${COMP_WORDS[COMP_CWORD]}\" == [:=] && -z \"$2\" ]]; then
        words[COMP_CWORD]=\"${COMP_WORDS[COMP_CWORD]}\"
    fi
";
    let script = script.replacen(BASH_CURRENT_WORD, &format!("{BASH_CURRENT_WORD}{keep}"), 1);
    let end = BASH_SCRIPT_END.trim_end_matches("}\n");
    script.replacen(BASH_SCRIPT_END, &format!("{end}{BASH_ESCAPE_HASH}}}\n"), 1)
}

/// The end of clap's completion function in its bash script.
const BASH_SCRIPT_END: &str = "        compopt -o nospace\n    fi\n}\n";

/// A word typed with a bare `#` (`#ru` for the tag `rust`) is a comment to bash: what
/// completes it is written `\#rust`, so that the line runs the filter it shows.
const BASH_ESCAPE_HASH: &str = "    local raw=\"${COMP_WORDS[COMP_CWORD]}\"
    if [[ ${raw:0:1} == \"#\" || ${raw:0:2} == \"\\\\#\" ]]; then
        COMPREPLY=(\"${COMPREPLY[@]/#\\#/\\\\#}\")
    fi
";
