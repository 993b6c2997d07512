//! What the shell completes from the dex at hand: view, template and field names, asked
//! for at each Tab by the scripts `termdex completions SHELL` prints (clap_complete's
//! dynamic completion: the script runs `TERMDEX_COMPLETE=SHELL termdex -- WORDS...`).
//!
//! A completion never writes: the config is read if it can be, the index only if it
//! exists (read-only, as it stands), and whatever fails gives no candidates rather than
//! an error in the middle of the user's command line.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};
use termdex::cards::templates;
use termdex::config::Config;
use termdex::dex::Dex;
use termdex::index::Index;
use termdex::query::facets;

/// The environment variable that turns a run of termdex into a completion request.
pub const VAR: &str = "TERMDEX_COMPLETE";

/// Sort keys every card has, beside its fields.
const CARD_KEYS: [&str; 5] = ["path", "title", "modified", "created", "size"];

/// The completion request (`termdex -- WORDS...`) with its filter words protected as a
/// command line is ([`super::protect_negated_terms`]): clap's completer takes a word such
/// as `-sta` for a cluster of short flags and offers `-staq`, `-stav`...; marked, it is the
/// filter word it is, and [`filter_terms`] completes it to `-status:`. A word starting
/// with `--` is left for clap to complete as the long option it begins.
pub fn request(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let args: Vec<OsString> = args.into_iter().collect();
    let Some(split) = args.iter().position(|a| a == "--") else { return args };
    let (head, words) = args.split_at(split + 1);
    let protected = super::protect_negated_terms(words.iter().cloned());
    let words = words.iter().zip(protected).map(|(word, marked)| match word.to_str() {
        Some(w) if w.starts_with("--") => word.clone(),
        _ => marked,
    });
    head.iter().cloned().chain(words).collect()
}

/// The saved views of the dex, with their descriptions.
pub fn views() -> Vec<CompletionCandidate> {
    let Some(config) = config() else { return Vec::new() };
    config
        .views
        .iter()
        .map(|view| CompletionCandidate::new(&view.name).help(Some(view.description.clone().into())))
        .collect()
}

/// The templates `termdex new` can use: built in and the dex's own.
pub fn templates() -> Vec<CompletionCandidate> {
    let Some(dex) = dex() else { return Vec::new() };
    templates::names(&dex.state_dir()).into_iter().map(CompletionCandidate::new).collect()
}

/// The fields the dex's cards use (and those its config declares).
pub fn fields() -> Vec<CompletionCandidate> {
    field_names().into_iter().map(CompletionCandidate::new).collect()
}

/// Field names followed by `=`, for `KEY=VALUE` arguments.
pub fn assignments() -> Vec<CompletionCandidate> {
    field_names().into_iter().map(|name| CompletionCandidate::new(format!("{name}="))).collect()
}

/// Sort keys: the card's own (path, title, dates, size), then its fields.
pub fn sort_keys() -> Vec<CompletionCandidate> {
    let mut keys: Vec<String> = CARD_KEYS.iter().map(|k| k.to_string()).collect();
    keys.extend(field_names().into_iter().filter(|f| !CARD_KEYS.contains(&f.as_str())));
    keys.into_iter().map(CompletionCandidate::new).collect()
}

/// Terms of the filter language that take a name other than a field's: what they are
/// completed with.
const TERM_WORDS: [&str; 3] = ["has:", "no:", "view:"];

/// What `has:` and `no:` take beside field names.
const HAS_WORDS: [&str; 4] = ["links", "backlinks", "children", "parent"];

/// Filter words: `field:` (and `has:`, `no:`, `view:`) while a term is begun, a field's
/// values once its `field:` is written, `#tag`s; a leading `-` is kept. Bash splits a word
/// at `:` (its COMP_WORDBREAKS), so there `status:op` arrives as the words `status`, `:`,
/// `op` (and `status:` as `status`, `:`): the value is completed alone, as the word bash
/// replaces is what follows the colon.
pub fn filter_terms(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str().map(super::unmark) else { return Vec::new() };
    // `\#ru`: a `#` escaped from bash's comments, as the bash script completes it.
    let current = current.strip_prefix('\\').filter(|rest| rest.starts_with('#')).unwrap_or(current);
    if let Some((field, start)) = split_term(std::env::args_os()) {
        let field = field.trim_start_matches('-');
        return values_of(field, &start).into_iter().map(CompletionCandidate::new).collect();
    }
    let (not, term) = current.strip_prefix('-').map_or(("", current), |rest| ("-", rest));
    let words: Vec<String> = if let Some(tag) = term.strip_prefix('#') {
        values_of("tags", tag).into_iter().map(|v| format!("#{v}")).collect()
    } else if let Some((field, value)) = term.split_once(':') {
        values_of(field, value).into_iter().map(|v| format!("{field}:{v}")).collect()
    } else {
        let fields = field_names().into_iter().map(|f| format!("{f}:"));
        fields.chain(TERM_WORDS.map(String::from)).filter(|w| starts_with_folded(w, term)).collect()
    };
    words.into_iter().map(|w| CompletionCandidate::new(format!("{not}{w}"))).collect()
}

/// A term bash split at its colon, from the words being completed: the field and the
/// start of its value (`... status : op`, or `... status :` with the cursor after the
/// colon). `None` when the word being completed is not the value of such a term.
fn split_term(args: impl IntoIterator<Item = OsString>) -> Option<(String, String)> {
    split_at(args, ":")
}

/// A word bash split at `separator` (`:` of a filter term, `=` of an assignment), from the
/// words being completed: the key before it and the start of the value after it.
fn split_at(args: impl IntoIterator<Item = OsString>, separator: &str) -> Option<(String, String)> {
    let words: Vec<OsString> = args.into_iter().skip_while(|a| a != "--").skip(1).collect();
    let at = std::env::var("_CLAP_COMPLETE_INDEX").ok()?.parse::<usize>().ok()?;
    let word = |i: usize| words.get(i).and_then(|w| w.to_str());
    let (field, start) = match word(at)? {
        w if w == separator => (word(at.checked_sub(1)?)?, ""),
        start => (word(at.checked_sub(2)?).filter(|_| word(at - 1) == Some(separator))?, start),
    };
    let plain_field = !field.is_empty() && !field.contains([':', '=']) && !field.starts_with("--");
    plain_field.then(|| (field.to_string(), start.to_string()))
}

/// `set`'s words: a card's path, or `key=` and, once written, the values the dex's cards
/// give that field (bash splits `status=do` into `status`, `=`, `do`, as at a `:`).
pub fn cards_or_assignments(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else { return Vec::new() };
    if let Some((field, start)) = split_at(std::env::args_os(), "=") {
        return values_of(&field, &start).into_iter().map(CompletionCandidate::new).collect();
    }
    if let Some((field, value)) = current.split_once('=') {
        return values_of(field, value)
            .into_iter()
            .map(|v| CompletionCandidate::new(format!("{field}={v}")))
            .collect();
    }
    let paths = ValueCompleter::complete(&PathCompleter::any(), OsStr::new(current));
    let fields =
        assignments().into_iter().filter(|c| starts_with_folded(&c.get_value().to_string_lossy(), current));
    paths.into_iter().chain(fields).collect()
}

/// The values a term `field:` can take that begin with `start` (letter case aside), most
/// used first; only those a shell can take as they are (no spaces, quotes or `:`).
fn values_of(field: &str, start: &str) -> Vec<String> {
    let plain = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_alphanumeric() || "-_.+@/%,=".contains(c));
    let values: Vec<String> = match field.to_lowercase().as_str() {
        "view" => config().map(|c| c.views.into_iter().map(|v| v.name).collect()).unwrap_or_default(),
        "has" | "no" => HAS_WORDS.iter().map(|w| w.to_string()).chain(field_names()).collect(),
        "tag" | "#" => field_values("tags"),
        key => field_values(key),
    };
    values.into_iter().filter(|v| plain(v) && starts_with_folded(v, start)).collect()
}

fn starts_with_folded(word: &str, start: &str) -> bool {
    word.to_lowercase().starts_with(&start.to_lowercase())
}

/// The values the dex's cards give a field, most used first.
fn field_values(key: &str) -> Vec<String> {
    let Some(dex) = dex() else { return Vec::new() };
    let index = dex.index_location().path;
    if !index.is_file() {
        return Vec::new();
    }
    let Ok(index) = Index::open_read_only(&index) else { return Vec::new() };
    facets::field_values(&index, key).map(|v| v.into_iter().map(|f| f.value).collect()).unwrap_or_default()
}

fn field_names() -> Vec<String> {
    let Some(dex) = dex() else { return Vec::new() };
    let mut names: Vec<String> = Vec::new();
    let index = dex.index_location().path;
    if index.is_file()
        && let Ok(index) = Index::open_read_only(&index)
        && let Ok(used) = facets::field_names(&index)
    {
        names.extend(used.into_iter().map(|facet| facet.value));
    }
    if let Some(config) = config_of(&dex) {
        let mut declared: Vec<String> = config.fields.into_keys().filter(|k| !names.contains(k)).collect();
        declared.sort();
        names.extend(declared);
    }
    names
}

fn config() -> Option<Config> {
    config_of(&dex()?)
}

fn config_of(dex: &Dex) -> Option<Config> {
    Config::load_or_builtin(&dex.state_dir()).ok().map(|(config, _)| config)
}

/// The dex the command line being completed is about: its `--dex DIR` if it names one
/// already, else where termdex would look.
fn dex() -> Option<Dex> {
    let explicit = dex_flag(std::env::args_os());
    Dex::from_env(explicit.as_deref()).ok()
}

/// The value of `--dex` among the words being completed (after the `--` of the request).
fn dex_flag(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let words: Vec<OsString> = args.into_iter().skip_while(|a| a != "--").skip(1).collect();
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        let Some(word) = word.to_str() else { continue };
        if word == "--dex" {
            found = words.get(i + 1).map(PathBuf::from);
        } else if let Some(dir) = word.strip_prefix("--dex=") {
            found = Some(PathBuf::from(dir));
        }
    }
    found.filter(|dir| !dir.as_os_str().is_empty() && Path::new(dir).is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_dex_flag_is_read_from_the_words_being_completed() {
        let tmp = std::env::temp_dir();
        let dir = tmp.to_str().expect("utf-8 temp dir");
        let flag = |list: &[&str]| dex_flag(words(list));
        assert_eq!(
            flag(&["termdex", "--", "termdex", "--dex", dir, "query", "--view", ""]),
            Some(tmp.clone())
        );
        assert_eq!(
            flag(&["termdex", "--", "termdex", &format!("--dex={dir}"), "tui", ""]),
            Some(tmp.clone())
        );
        // Before the request's `--`, or naming no folder (yet): none.
        assert_eq!(flag(&["termdex", "--dex", dir, "--", "termdex", "query", ""]), None);
        assert_eq!(flag(&["termdex", "--", "termdex", "--dex", "/no/such/folder", "tui", ""]), None);
        assert_eq!(flag(&["termdex", "--", "termdex", "--dex"]), None);
    }
}
