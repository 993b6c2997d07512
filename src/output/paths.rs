//! Card paths as the user's shell sees them.
//!
//! Inside the dex, paths are relative to the current directory (`../notes/x.md`), so they
//! open from where the command ran; a dex below the current directory gives
//! `notes/x.md`; a dex elsewhere gives absolute paths.

use std::path::{Component, Path, PathBuf};

/// Turns dex-relative card paths into paths that work from the current directory.
#[derive(Debug, Clone)]
pub struct PathDisplay {
    /// Prepended to a dex-relative path (`"notes/"` or `"/abs/dex/"`), when the current
    /// directory is not inside the dex.
    prefix: String,
    /// The current directory's folders below the dex root, when it is inside the dex.
    below: Vec<String>,
}

impl PathDisplay {
    pub fn new(root: &Path, cwd: &Path) -> PathDisplay {
        let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
        if let Ok(below) = cwd.strip_prefix(root) {
            let below = below.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
            return PathDisplay { prefix: String::new(), below: below.collect() };
        }
        let prefix = match root.strip_prefix(&cwd) {
            Ok(rel) => with_slash(rel),
            Err(_) => with_slash(root),
        };
        PathDisplay { prefix, below: Vec::new() }
    }

    /// [`PathDisplay::show`], appended to `out`.
    pub fn push_shown(&self, out: &mut String, dex_path: &str) {
        if self.below.is_empty() {
            out.push_str(&self.prefix);
            out.push_str(dex_path);
        } else {
            out.push_str(&self.show(dex_path));
        }
    }

    pub fn show(&self, dex_path: &str) -> String {
        if self.below.is_empty() {
            return format!("{}{dex_path}", self.prefix);
        }
        // Climb only as far as the card's folders and the current directory differ.
        let parts: Vec<&str> = dex_path.split('/').collect();
        let folders = &parts[..parts.len() - 1];
        let shared = self.below.iter().zip(folders).take_while(|(a, b)| a == *b).count();
        let mut out = "../".repeat(self.below.len() - shared);
        out.push_str(&parts[shared..].join("/"));
        out
    }

    /// The dex-relative path for a path the user typed (relative to the current directory
    /// or absolute); `None` when it is outside the dex. Only the folder is resolved
    /// (symlinks, `..`); the file name is kept as typed, so a card that is a symlink is
    /// named by its link, wherever the link points.
    pub fn resolve(root: &Path, cwd: &Path, typed: &Path) -> Option<String> {
        let joined = cwd.join(typed);
        let real = |path: &Path| path.canonicalize().unwrap_or_else(|_| normalize(path));
        let absolute = match (joined.parent(), joined.file_name()) {
            (Some(parent), Some(name)) => real(parent).join(name),
            _ => real(&joined),
        };
        let rel = absolute.strip_prefix(root).ok()?;
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        Some(parts?.join("/"))
    }
}

fn with_slash(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text.is_empty() || text.ends_with('/') { text.into_owned() } else { format!("{text}/") }
}

/// `..` and `.` removed without touching the file system (for paths that do not exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let root = Path::new("/nonexistent/dex");
        assert_eq!(PathDisplay::new(root, Path::new("/nonexistent/dex")).show("a.md"), "a.md");
        assert_eq!(PathDisplay::new(root, Path::new("/nonexistent/dex/x/y")).show("a.md"), "../../a.md");
        assert_eq!(PathDisplay::new(root, Path::new("/nonexistent/dex/x/y")).show("x/y/a.md"), "a.md");
        assert_eq!(PathDisplay::new(root, Path::new("/nonexistent/dex/x/y")).show("x/z/a.md"), "../z/a.md");
        assert_eq!(PathDisplay::new(root, Path::new("/nonexistent/dex/x")).show("xx/a.md"), "../xx/a.md");
        assert_eq!(PathDisplay::new(root, Path::new("/nonexistent")).show("a.md"), "dex/a.md");
        assert_eq!(PathDisplay::new(root, Path::new("/elsewhere")).show("a.md"), "/nonexistent/dex/a.md");
    }

    #[test]
    fn typed_paths_resolve_into_the_dex() {
        let root = Path::new("/nonexistent/dex");
        let cwd = Path::new("/nonexistent/dex/sub");
        assert_eq!(PathDisplay::resolve(root, cwd, Path::new("../a.md")).as_deref(), Some("a.md"));
        assert_eq!(PathDisplay::resolve(root, cwd, Path::new("b.md")).as_deref(), Some("sub/b.md"));
        assert_eq!(PathDisplay::resolve(root, cwd, Path::new("../../x.md")), None);
    }

    #[test]
    fn a_symlinked_card_keeps_its_own_name_and_a_symlinked_folder_is_followed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let base = tmp.path().canonicalize().expect("canon");
        let root = base.join("dex");
        std::fs::create_dir_all(root.join("notes")).expect("mkdir");
        std::fs::write(base.join("outside.md"), "x").expect("write");
        std::os::unix::fs::symlink(base.join("outside.md"), root.join("out.md")).expect("symlink");
        std::os::unix::fs::symlink(root.join("notes"), base.join("shortcut")).expect("symlink");
        assert_eq!(PathDisplay::resolve(&root, &root, Path::new("out.md")).as_deref(), Some("out.md"));
        assert_eq!(
            PathDisplay::resolve(&root, &base, Path::new("shortcut/a.md")).as_deref(),
            Some("notes/a.md")
        );
        assert_eq!(PathDisplay::resolve(&root, &base, Path::new("outside.md")), None);
    }
}
