//! `termdex cat [FILTER...]`: the matching cards one after another, each under a
//! `==> path <==` header (the `tail -n +1` trick), exactly as they are on disk. On a
//! terminal, control characters other than line ends and tabs (escape sequences) and bidi
//! overrides are neutralised; into a pipe every byte goes as it is. A card that cannot be
//! read is an error, the others are printed, and the command exits 2 (as `rg` does).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use termdex::output::{clean, clean_body};
use termdex::query::Purpose;
use termdex::scan::read_card_file;

use super::Ctx;
use super::selection::Selection;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    selection: Selection,
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    let answer = args.selection.choose(&config, Purpose::List)?.cards(ctx, &config)?;
    let paths = ctx.paths();
    let on_terminal = std::io::stdout().is_terminal();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (i, card) in answer.cards.iter().enumerate() {
        let bytes = match read_card_file(&ctx.dex.card_path(&card.path)) {
            Ok(bytes) => bytes,
            Err(e) => {
                ctx.error(unreadable(&paths.show(&card.path), &e));
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

/// Why a card cannot be printed (it changed since the index was read, or is not readable
/// by this user), and what to do about it.
fn unreadable(path: &str, err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::PermissionDenied => {
            format!("cannot read {path}: permission denied (make the file readable to print it); skipped")
        }
        _ => format!("cannot read {path}: {err}; skipped"),
    }
}
