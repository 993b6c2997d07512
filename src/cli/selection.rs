//! How a command names a selection of cards: filter words, `--view`, `--sort` and
//! `--no-refresh`, declared once here and flattened into `query`, `cat`, `pick` and bulk
//! `set`, so that every command selecting cards takes the same flags and refuses the same
//! empty filters.
//!
//! A new command that works on a selection adds `#[command(flatten)] selection: Selection`
//! to its arguments, then `selection.choose(&config, purpose)?` and `.cards(ctx, &config)`.

use anyhow::Result;
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};
use termdex::config::Config;
use termdex::query::{self, Answer, Expr, Purpose, Request, SortKey};

use super::{Ctx, complete, unmark};

/// The cards a command works on. `set` takes its filter after `--` (it marks the
/// `filter` argument `last`); the others as their positional arguments.
#[derive(Debug, Default, clap::Args)]
pub struct Selection {
    /// The filter: words, "phrases", field:value, #tag, has:field, date comparisons, links:CARD
    /// (cards linking to it), linked-by:CARD, has:links, no:backlinks, OR, -term ...
    #[arg(value_name = "FILTER", add = ArgValueCompleter::new(complete::filter_terms))]
    pub filter: Vec<String>,
    /// Start from a saved view (its filter, sort and columns)
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(complete::views))]
    pub view: Option<String>,
    /// Sort keys, `-key` for descending: path, title, modified, created, size, rank, or a field
    #[arg(long, value_name = "KEY[,KEY]", allow_hyphen_values = true, add = ArgValueCandidates::new(complete::sort_keys))]
    pub sort: Vec<String>,
    /// Use the index as it is, without refreshing it first
    #[arg(long)]
    pub no_refresh: bool,
}

/// A selection read against the config: its filter parsed, views inlined, and checked to
/// constrain something; what [`query::run`] is asked.
pub struct Chosen<'s> {
    text: String,
    parsed: Option<Expr>,
    view: Option<&'s str>,
    sort: Option<Vec<SortKey>>,
    pub no_refresh: bool,
}

impl Selection {
    /// Whether filter words were given (`set`'s bulk form needs them).
    pub fn has_filter(&self) -> bool {
        !self.filter.is_empty()
    }

    /// Whether any option choosing how the cards are found was given.
    pub fn has_options(&self) -> bool {
        self.view.is_some() || !self.sort.is_empty() || self.no_refresh
    }

    /// The selection as a request. Filter words that constrain nothing (`""`, `?`) are
    /// refused here, with advice fitting `purpose`, before the index is opened.
    pub fn choose(&self, config: &Config, purpose: Purpose) -> Result<Chosen<'_>> {
        let text = filter_text(&self.filter);
        let parsed = query::user_filter(self.has_filter().then_some(text.as_str()), config, purpose)?;
        let sort = (!self.sort.is_empty()).then(|| query::parse_keys(self.sort.iter().map(String::as_str)));
        Ok(Chosen { text, parsed, view: self.view.as_deref(), sort, no_refresh: self.no_refresh })
    }
}

impl Chosen<'_> {
    pub fn request(&self, limit: Option<usize>) -> Request<'_> {
        Request {
            filter: &self.text,
            parsed: self.parsed.clone(),
            view: self.view,
            sort: self.sort.clone(),
            limit,
        }
    }

    /// The selected cards, from the index refreshed first unless `--no-refresh`.
    pub fn cards(&self, ctx: &Ctx, config: &Config) -> Result<Answer> {
        let clock = ctx.clock();
        let request = self.request(None);
        let answer =
            ctx.with_index(self.no_refresh, |index| Ok(query::run(index, config, &clock, &request)?))?;
        warn_unknown_sort_keys(ctx, &answer);
        Ok(answer)
    }
}

/// A `--sort` key no card has is most likely a typo: say so rather than sort by nothing.
pub fn warn_unknown_sort_keys(ctx: &Ctx, answer: &Answer) {
    for key in &answer.unknown_sort_keys {
        ctx.warn(format_args!(
            "sort key `{key}` is neither a card attribute (path, title, modified, created, size, rank) \
             nor a field any card has; it changes nothing"
        ));
    }
}

/// The filter words of a command as one filter. An argument holding several terms
/// (`'#rust OR #sqlite'`) is one group, so the next argument ANDs with all of it.
pub(super) fn filter_text(words: &[String]) -> String {
    if words.len() < 2 {
        return words.first().map(|w| unmark(w).to_string()).unwrap_or_default();
    }
    words
        .iter()
        .map(|w| unmark(w))
        .map(|w| if w.split_whitespace().nth(1).is_some() { format!("({w})") } else { w.to_string() })
        .collect::<Vec<_>>()
        .join(" ")
}
