//! Noticing changes other programs make to the dex where there is no inotify (the `notify`
//! crate's watcher: FSEvents, kqueue ...), so the TUI follows them without a key press.
//! Events only say "something changed"; the keeper's incremental refresh finds what. No
//! command trusts what is kept this way: the keeper writes no watch record without
//! inotify.

use std::path::Path;
use std::sync::mpsc::Sender;

use super::keeper::{Change, Input};
use crate::scan::{self, Extensions};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Starts watching `root`; every change that could touch a card (see [`relevant`]) goes
/// to `tx` as a change of the whole tree. Keep the watcher alive to keep watching.
pub fn start(root: &Path, extensions: &Extensions, tx: Sender<Input>) -> notify::Result<RecommendedWatcher> {
    let root_owned = root.to_path_buf();
    let extensions = extensions.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        if event.paths.iter().any(|p| relevant(&root_owned, &extensions, p)) {
            let _ = tx.send(Input::Change(Change::Folder(String::new())));
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Whether a change at `path` can change the cards: a card by the scanner's own rules
/// (`*.md` in no hidden folder), or a folder, which may hold cards (moved in or out, or
/// removed, whole). Anything else — a log appended every few milliseconds, the index's
/// own WAL in `.termdex/` — is ignored, so it can neither trigger refreshes nor keep
/// postponing one.
fn relevant(root: &Path, extensions: &Extensions, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let Some(rel) = rel.to_str() else {
        // Not UTF-8: the walk still indexes such a card (lossily); let the refresh decide.
        return true;
    };
    if rel.is_empty() {
        return true;
    }
    if scan::card_path_problem(rel, extensions).is_none() {
        return true;
    }
    let hidden = rel.split('/').any(|part| part.starts_with('.'));
    // A folder that is gone can no longer be asked whether it was one; a name without an
    // extension probably was.
    !hidden && (path.is_dir() || (!path.exists() && path.extension().is_none()))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cards_and_folders_are_relevant() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir(root.join("notes")).expect("mkdir");
        let md = Extensions::default();
        let relevant = |path: &str| relevant(root, &md, &root.join(path));
        assert!(relevant("a/b.md"));
        assert!(relevant("c.markdown"));
        assert!(!relevant(".termdex/index.db-wal"));
        assert!(!relevant(".git/index"));
        assert!(!relevant("notes/.b.md.swp"));
        assert!(!relevant("app.log"), "a log appended to is no card");
        assert!(relevant("notes"), "a folder may hold cards");
        assert!(relevant("gone-folder"), "a removed folder may have held cards");
        assert!(!relevant(".hidden-gone"));
        // The dex's own extensions, when its config names others.
        let txt = Extensions::new(&["txt"]).expect("valid");
        assert!(super::relevant(root, &txt, &root.join("a/b.txt")));
        assert!(!super::relevant(root, &txt, &root.join("a/b.md")));
    }
}
