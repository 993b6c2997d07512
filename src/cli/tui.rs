//! `termdex` / `termdex tui [VIEW]`: the TUI on a view (else `default_view`, else `all`).
//! Without a terminal (a pipe, CI), it lists the view's cards like `termdex query` does.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap_complete::engine::ArgValueCandidates;
use termdex::tui;

use super::{ColorChoice, Ctx, complete};

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// The view to open on
    #[arg(value_name = "VIEW", add = ArgValueCandidates::new(complete::views))]
    view: Option<String>,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    if let Some(view) = &args.view {
        termdex::query::resolve_view(&config, Some(view))?;
    }
    let interactive = std::io::stdin().is_terminal()
        && (std::io::stdout().is_terminal() || std::io::stderr().is_terminal());
    if !interactive {
        return super::query::list_view(ctx, args.view.as_deref());
    }
    let color = match ctx.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let options = tui::Options { dex: ctx.dex.clone(), config, view: args.view.clone(), color };
    match tui::run(options).map_err(|e| anyhow!("{e}"))? {
        tui::Exit::Quit => Ok(ExitCode::SUCCESS),
        // The shell's convention for a process ended by a signal.
        tui::Exit::Signal(signal) => Ok(ExitCode::from(128u8.saturating_add(signal.clamp(0, 127) as u8))),
    }
}
