//! `termdex check`: every card whose frontmatter does not parse, and every value that
//! breaks a field's declared type (`[fields.NAME] type = ...` in the config), as
//! `path:line: reason`.
//!
//! The format is the one compilers use, so editors and `grep` can jump to the line.
//! Cards that were only partly readable or whose fields were only partly indexed, links
//! that name no card
//! (`path:line: warning: no card named "X"`) and parent fields that several cards answer
//! to, are listed as warnings; they do not fail the check unless `--strict` makes every
//! warning about a link a problem. A parent cycle is such a warning too (the parent field
//! is a link), named once, at the card where the outline breaks it.
//! Messages quote card text, so they are cleaned of control characters; paths are cleaned
//! on a terminal and left as they are for programs.

use std::collections::HashMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use termdex::frontmatter::key_line;
use termdex::index::{Cut, card_errors};
use termdex::output::ansi::{BOLD, RED, RESET, YELLOW};
use termdex::output::clean;
use termdex::query::{declared, links, outline};
use termdex::scan::read_card_file;

use super::Ctx;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    no_refresh: bool,
    /// Count broken links, ambiguous parents and parent cycles as problems (exit 1), not
    /// warnings
    #[arg(long)]
    strict: bool,
}

/// One line of the report.
enum Finding {
    Problem { line: i64, message: String },
    Warning { line: Option<i64>, message: String },
}

pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    let config = ctx.config()?;
    let (rows, breaches, broken, (cycles, ambiguous)) = ctx.with_index(args.no_refresh, |index| {
        let rows = card_errors(index)?;
        let outline = (cycles(index, &config)?, links::ambiguous_parents(index)?);
        Ok((rows, declared::breaches(index, &config)?, links::broken(index)?, outline))
    })?;
    let paths = ctx.paths();
    let mut findings: Vec<(String, Finding)> = Vec::new();
    let mut cuts: Vec<(String, Cut)> = Vec::new();
    for row in rows {
        if let Some((line, message)) = row.error {
            findings.push((row.path.clone(), Finding::Problem { line, message }));
        }
        if row.lossy {
            let message = "not valid UTF-8; indexed with replacement characters".to_string();
            findings.push((row.path.clone(), Finding::Warning { line: None, message }));
        }
        if row.truncated {
            let message =
                format!("larger than {} MiB; only the start is indexed", termdex::scan::MAX_CARD_BYTES >> 20);
            findings.push((row.path.clone(), Finding::Warning { line: None, message }));
        }
        if row.cut.more > 0 {
            let message = format!(
                "{} more fields cannot be found by filters (too many values, nested too deep or keys too long)",
                row.cut.more
            );
            findings.push((row.path.clone(), Finding::Warning { line: None, message }));
        }
        cuts.extend(row.cut.listed.into_iter().map(|cut| (row.path.clone(), cut)));
    }
    for path in termdex::scan::leftover_temp_files(&ctx.dex.root) {
        let message =
            "left by a card write that was interrupted (the card was not changed); delete it".into();
        findings.push((path, Finding::Warning { line: None, message }));
    }
    for link in broken {
        let (line, message) = (i64::from(link.line), format!("no card named \"{}\"", link.name));
        let finding = match args.strict {
            true => Finding::Problem { line, message },
            false => Finding::Warning { line: Some(line), message },
        };
        findings.push((link.path, finding));
    }
    for parent in ambiguous {
        let shown: Vec<String> = parent.candidates.iter().map(|p| paths.show(p)).collect();
        let message = format!(
            "parent \"{}\" names {} cards ({}): taken as {}, the shortest path, as a link would; \
             write the one you mean as its path (parent: \"[[path]]\")",
            parent.name,
            shown.len(),
            shown.join(", "),
            paths.show(&parent.chosen)
        );
        let line = i64::from(parent.line);
        let finding = match args.strict {
            true => Finding::Problem { line, message },
            false => Finding::Warning { line: Some(line), message },
        };
        findings.push((parent.path, finding));
    }
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut line_of = |path: &str, key: &str| {
        let text = texts.entry(path.to_string()).or_insert_with(|| {
            read_card_file(&ctx.dex.card_path(path))
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        });
        key_line(text, key).map(|line| line as i64)
    };
    for (path, cut) in cuts {
        let line = line_of(&path, cut.key());
        findings.push((path, Finding::Warning { line, message: cut_message(&cut) }));
    }
    for cycle in cycles {
        let Some(top) = cycle.first().cloned() else { continue };
        let round: Vec<String> = cycle.iter().chain([&top]).map(|p| paths.show(p)).collect();
        let message = format!(
            "parent cycle: {}; the outline breaks it here and shows this card at the top: \
             edit the {} line of one of these cards",
            round.join(" -> "),
            config.outline.parent
        );
        let line = line_of(&top, &config.outline.parent).unwrap_or(1);
        let finding = match args.strict {
            true => Finding::Problem { line, message },
            false => Finding::Warning { line: Some(line), message },
        };
        findings.push((top, finding));
    }
    for breach in breaches {
        let line = line_of(&breach.path, &breach.key).unwrap_or(1);
        findings.push((breach.path, Finding::Problem { line, message: breach.message }));
    }
    // For each card: warnings about the whole card, then the rest by line.
    findings.sort_by_key(|(path, finding)| {
        (
            path.clone(),
            match finding {
                Finding::Warning { line, .. } => line.unwrap_or(0),
                Finding::Problem { line, .. } => *line,
            },
        )
    });

    let on_terminal = std::io::stdout().is_terminal();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut failed = 0;
    // Compiler colours: editors and terminals already know how to read these lines.
    let (bold, red, yellow, reset) =
        if ctx.stdout_color() { (BOLD, RED, YELLOW, RESET) } else { ("", "", "", "") };
    for (path, finding) in &findings {
        let shown = paths.show(path);
        let shown = if on_terminal { clean(&shown) } else { shown };
        let path = format!("{bold}{shown}{reset}");
        match finding {
            Finding::Problem { line, message } => {
                writeln!(out, "{path}:{line}: {red}{}{reset}", clean(message))?;
                failed += 1;
            }
            // `-q`: the problems alone, for a script or a hook that only fails on them.
            Finding::Warning { .. } if ctx.quiet => {}
            Finding::Warning { line: None, message } => {
                writeln!(out, "{path}: {yellow}warning{reset}: {}", clean(message))?
            }
            Finding::Warning { line: Some(line), message } => {
                writeln!(out, "{path}:{line}: {yellow}warning{reset}: {}", clean(message))?
            }
        }
    }
    out.flush()?;
    if !ctx.quiet && ctx.stderr_is_terminal() {
        say!("termdex: {failed} problem{}", if failed == 1 { "" } else { "s" });
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// What a field left out of the index means, and what to do about it. The card keeps it:
/// `show` and the card's JSON have it all.
fn cut_message(cut: &Cut) -> String {
    use termdex::index::fields::{MAX_DEPTH, MAX_KEY_CHARS, MAX_ROWS};
    match cut {
        Cut::Values { key, kept: 0, .. } => format!(
            "field \"{key}\" cannot be found by filters: the card's fields hold more than {MAX_ROWS} \
             values, the most a card indexes; split the card"
        ),
        Cut::Values { key, kept, of } => format!(
            "field \"{key}\": only the first {kept} of its {of} values can be found by filters (a card \
             indexes at most {MAX_ROWS} values, shared between its fields); split the list across cards \
             or move it into the body"
        ),
        Cut::Deep { key } => format!(
            "field \"{key}\": what is nested in it cannot be found by filters (maps are indexed \
             {MAX_DEPTH} levels deep); nest it less deeply"
        ),
        Cut::LongKey { key } => format!(
            "field \"{key}\": a key longer than {MAX_KEY_CHARS} characters cannot be found by filters, \
             nor anything under it; shorten the key"
        ),
    }
}

/// Each parent cycle as the outline breaks it: the paths of its cards, from the one where
/// it is broken up their parent fields.
fn cycles(index: &termdex::index::Index, config: &termdex::config::Config) -> Result<Vec<Vec<String>>> {
    let outline = outline::load(index, &config.outline)?;
    let path = |n: usize| outline.nodes[n].path().map(str::to_string);
    Ok(outline.cycles.iter().map(|cycle| cycle.iter().filter_map(|&n| path(n)).collect()).collect())
}
