//! `termdex views`: the saved views, built-in and configured, with what they do.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Result;
use termdex::output::clean;
use unicode_width::UnicodeWidthStr;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// One view per line: `name<TAB>filter<TAB>sort<TAB>group_by<TAB>description`, aligned on a
/// terminal by the columns' widths.
pub fn run(ctx: &Ctx, _args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    // Every cell can come from `config.toml`: cleaned, so that no escape sequence reaches
    // the terminal and no tab or line end breaks the alignment.
    let rows: Vec<[String; 5]> = config
        .views
        .iter()
        .map(|v| {
            let origin = if v.builtin { "" } else { " (config)" };
            [
                if v.name == config.default_view { format!("{}*", v.name) } else { v.name.clone() },
                if v.filter.is_empty() { "(every card)".into() } else { v.filter.clone() },
                v.sort.join(","),
                v.group_by.clone().unwrap_or_default(),
                format!("{}{origin}", v.description),
            ]
            .map(|cell| clean(&cell))
        })
        .collect();
    let header = ["view", "filter", "sort", "group_by", "description"].map(String::from);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell}{}", " ".repeat(w.saturating_sub(cell.width()))))
            .collect();
        writeln!(out, "{}", cells.join("  ").trim_end())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
