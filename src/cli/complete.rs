//! What the shell completes from the dex at hand: view, template and field names, asked
//! for at each Tab by the scripts `termdex completions SHELL` prints (clap_complete's
//! dynamic completion: the script runs `TERMDEX_COMPLETE=SHELL termdex -- WORDS...`).
//!
//! A completion never writes: the config is read if it can be, the index only if it
//! exists (read-only, as it stands), and whatever fails gives no candidates rather than
//! an error in the middle of the user's command line.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap_complete::engine::CompletionCandidate;
use termdex::cards::templates;
use termdex::config::Config;
use termdex::dex::Dex;
use termdex::index::Index;
use termdex::query::facets;

/// The environment variable that turns a run of termdex into a completion request.
pub const VAR: &str = "TERMDEX_COMPLETE";

/// Sort keys every card has, beside its fields.
const CARD_KEYS: [&str; 5] = ["path", "title", "modified", "created", "size"];

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
