//! `termdex pick [FILTER...] [--multi] [--print]`: an fzf-style picker built in (skim as a
//! library), for machines without fzf. Enter opens the choice in the editor; `--print`
//! prints the path(s) instead, for `$(termdex pick)`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use super::selection::Selection;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    selection: Selection,
    /// Allow choosing several cards (Tab marks)
    #[arg(long)]
    multi: bool,
    /// Print the chosen path(s) instead of opening them
    #[arg(long)]
    print: bool,
    /// Pick without a screen: the cards the fuzzy QUERY matches, best first (implies --print)
    #[arg(long, value_name = "QUERY")]
    select: Option<String>,
}

#[cfg(feature = "skim")]
pub fn run(ctx: &Ctx, args: &Args) -> Result<ExitCode> {
    use std::io::Write;
    use std::sync::Arc;

    use anyhow::anyhow;
    use skim::prelude::*;
    use termdex::cards::session::Opened;
    use termdex::query::Purpose;

    let config = ctx.config()?;
    let cards = args.selection.choose(&config, Purpose::List)?.cards(ctx, &config)?.cards;
    if cards.is_empty() {
        return Ok(ExitCode::from(1));
    }
    // The picker draws on and reads keys from the terminal: without one it would leave
    // half its set-up escapes behind before failing. `--select` picks without one.
    if let (None, Err(e)) =
        (&args.select, std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty"))
    {
        return Err(anyhow!(
            "the picker needs a terminal, and there is none here ({e}); in a script or a pipe, use `termdex query` instead"
        ));
    }
    let paths = ctx.paths();
    let exe = std::env::current_exe()?;
    // The preview is `termdex show`, as in the fzf recipes: one renderer for both.
    let show = Arc::new(format!(
        "{} --dex {} show --no-refresh",
        shell_words::quote(&exe.to_string_lossy()),
        shell_words::quote(&ctx.dex.root.to_string_lossy())
    ));
    let items: Vec<CardItem> = cards
        .iter()
        .map(|c| {
            let path = paths.show(&c.path);
            let text = format!("{}  {}", termdex::output::clean(&c.title), termdex::output::clean(&path));
            CardItem { text, path, show: Arc::clone(&show) }
        })
        .collect();
    let mut builder = SkimOptionsBuilder::default();
    builder.multi(args.multi).preview(String::new()).prompt("card> ");
    if let Some(query) = &args.select {
        builder.filter(query.clone());
    }
    let options = builder.build().map_err(|e| anyhow!("cannot set up the picker: {e}"))?;
    let output = Skim::run_items(options, items).map_err(|e| anyhow!("the picker failed: {e}"))?;
    if output.is_abort || output.selected_items.is_empty() {
        return Ok(ExitCode::from(1));
    }
    let chosen: Vec<String> = output
        .selected_items
        .iter()
        .filter_map(|m| (*m.item).as_any().downcast_ref::<CardItem>().map(|c| c.path.clone()))
        .collect();
    if args.print || args.select.is_some() {
        // Raw for `$(termdex pick --print)`; on a terminal a person reads it: cleaned.
        let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
        let mut out = std::io::stdout().lock();
        for path in &chosen {
            let shown = if on_terminal { termdex::output::clean(path) } else { path.clone() };
            writeln!(out, "{shown}")?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let rels = chosen.iter().map(|p| ctx.resolve_card(&ctx.cwd.join(p))).collect::<Result<_>>()?;
    super::edit::run_session(ctx, &Opened::Cards(rels), true, false)
}

/// One card in the picker: matched on its title and path, previewed by `termdex show`.
#[cfg(feature = "skim")]
struct CardItem {
    text: String,
    path: String,
    show: std::sync::Arc<String>,
}

#[cfg(feature = "skim")]
impl skim::SkimItem for CardItem {
    fn text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.text)
    }

    fn preview(&self, _context: skim::PreviewContext) -> skim::ItemPreview {
        skim::ItemPreview::Command(format!("{} {}", self.show, shell_words::quote(&self.path)))
    }
}

#[cfg(not(feature = "skim"))]
pub fn run(_ctx: &Ctx, _args: &Args) -> Result<ExitCode> {
    anyhow::bail!(
        "this termdex was built without the picker (cargo feature `skim`); use fzf instead: see docs/guide/recipes.md"
    )
}
