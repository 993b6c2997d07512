//! `termdex cat [FILTER...]`: the matching cards one after another, each under a
//! `==> path <==` header (the `tail -n +1` trick), exactly as they are on disk. On a
//! terminal, control characters other than line ends and tabs (escape sequences) and bidi
//! overrides are neutralised; into a pipe every byte goes as it is.

use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use termdex::output::{clean, clean_body};
use termdex::query::{self, Purpose, Request};
use termdex::scan::read_card_file;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The filter (as for `termdex query`)
    #[arg(value_name = "FILTER")]
    filter: Vec<String>,
    /// Start from a saved view
    #[arg(long, value_name = "NAME")]
    view: Option<String>,
    /// Sort keys (as for `termdex query`)
    #[arg(long, value_name = "KEY[,KEY]", allow_hyphen_values = true)]
    sort: Vec<String>,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    let filter = super::filter_text(&args.filter);
    let given = (!args.filter.is_empty()).then_some(filter.as_str());
    let parsed = query::user_filter(given, &config, Purpose::List)?;
    let sort = (!args.sort.is_empty()).then(|| query::parse_keys(args.sort.iter().map(String::as_str)));
    let request = Request { filter: &filter, view: args.view.as_deref(), sort, limit: None, parsed };
    let clock = ctx.clock();
    let answer =
        ctx.with_index(args.no_refresh, |index| Ok(query::run(index, &config, &clock, &request)?))?;
    super::query::warn_unknown_sort_keys(ctx, &answer);
    let paths = ctx.paths();
    let on_terminal = std::io::stdout().is_terminal();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (i, card) in answer.cards.iter().enumerate() {
        let bytes = match read_card_file(&ctx.dex.card_path(&card.path)) {
            Ok(bytes) => bytes,
            Err(e) => {
                ctx.warn(format_args!("{}: skipped: {e}", paths.show(&card.path)));
                continue;
            }
        };
        if i > 0 {
            out.write_all(b"\n")?;
        }
        if on_terminal {
            writeln!(out, "==> {} <==", clean(&paths.show(&card.path)))?;
            out.write_all(clean_body(&String::from_utf8_lossy(&bytes)).as_bytes())?;
        } else {
            writeln!(out, "==> {} <==", paths.show(&card.path))?;
            out.write_all(&bytes)?;
        }
        if !bytes.ends_with(b"\n") && !bytes.is_empty() {
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(if answer.cards.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
