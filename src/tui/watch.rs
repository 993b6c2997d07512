//! Noticing changes other programs make to the dex, so the TUI follows them without a
//! key press. Events only say "something changed"; the incremental refresh finds what.

use std::path::{Component, Path};
use std::sync::mpsc::Sender;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// Starts watching `root`; `changed` is called (from the watcher's thread) for every
/// change to a file that could be a card. Keep the watcher alive to keep watching.
pub fn start<T: Send + 'static>(
    root: &Path,
    tx: Sender<T>,
    message: fn() -> T,
) -> notify::Result<RecommendedWatcher> {
    let root_owned = root.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        if event.paths.iter().any(|p| relevant(&root_owned, p)) {
            let _ = tx.send(message());
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Changes inside hidden folders (`.termdex/`, whose index changes with every refresh,
/// `.git/`) cannot touch a card.
fn relevant(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    !rel.components().any(|c| matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_folders_are_not_cards() {
        let root = Path::new("/d");
        assert!(relevant(root, Path::new("/d/a/b.md")));
        assert!(!relevant(root, Path::new("/d/.termdex/index.db-wal")));
        assert!(!relevant(root, Path::new("/d/.git/index")));
    }
}
