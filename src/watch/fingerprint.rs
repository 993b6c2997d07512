//! What decides which files are cards, beyond what a watcher of the dex sees: the scan
//! settings, and the ignore files outside the dex (the folders above it, git's global
//! excludes file and the config files that name it). A command trusts a watcher only when
//! it computes the same fingerprint the watcher walked with; a change to any of these
//! makes them differ, and the command walks.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::scan::Settings;

/// The fingerprint of the dex at `root` read with `settings`, as text (compared whole).
pub fn fingerprint(root: &Path, settings: &Settings) -> String {
    let settings = serde_json::to_string(settings).unwrap_or_default();
    let mut text = format!("{} {settings}", env!("CARGO_PKG_VERSION"));
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    text.push_str(&format!(" root={}", root.display()));
    for source in outside_sources(&root) {
        text.push_str(&format!(" {}={}", source.display(), stamp(&source)));
    }
    // The global excludes file is matched relative to the current folder (as ripgrep
    // does): where the command runs changes which files are cards only through a pattern
    // anchored to a folder (`/drafts`, `notes/*.md`); one matching names anywhere (`*.swp`,
    // `drafts/`) does not, and leaves the current folder out of the fingerprint, so that
    // commands run from different folders agree.
    let global = crate::scan::excludes_file_named();
    if let Some(global) = global.filter(|p| p.metadata().is_ok_and(|m| m.len() > 0)) {
        text.push_str(&format!(" global={}", global.display()));
        if anchored_patterns(&global) {
            let cwd = std::env::current_dir().unwrap_or_default();
            text.push_str(&format!(" cwd={}", cwd.display()));
        }
    }
    text
}

/// Whether the ignore file at `path` holds a pattern anchored to a folder: a `/` before
/// its last character (gitignore's rule); unreadable counts as anchored.
fn anchored_patterns(path: &Path) -> bool {
    let Ok(bytes) = crate::files::read_regular(path) else { return true };
    String::from_utf8_lossy(&bytes).lines().any(|line| {
        let pattern = line.trim_end();
        !pattern.starts_with('#') && pattern.trim_end_matches('/').contains('/')
    })
}

/// (device, inode, size, modification and change times) of `path`, or `-` when nothing is
/// there: any write, replacement or removal changes it.
fn stamp(path: &Path) -> String {
    match path.symlink_metadata() {
        Ok(m) => format!(
            "{}:{}:{}:{}.{}:{}.{}",
            m.dev(),
            m.ino(),
            m.size(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ),
        Err(_) => "-".into(),
    }
}

/// The files outside the dex whose rules the walk may apply: in every folder above the
/// root, `.ignore`, `.gitignore`, `.git` (a folder or a worktree's file), its
/// `info/exclude`, `.jj`; git's config files and its global excludes file.
fn outside_sources(root: &Path) -> Vec<PathBuf> {
    let mut sources = Vec::new();
    for dir in root.ancestors().skip(1) {
        for name in [".ignore", ".gitignore", ".git", ".git/info/exclude", ".jj"] {
            sources.push(dir.join(name));
        }
    }
    // A worktree's `.git` file at the root names a repository elsewhere, whose exclude
    // file applies.
    if let Ok(text) = std::fs::read_to_string(root.join(".git"))
        && let Some(dir) = text.trim().strip_prefix("gitdir:")
    {
        let dir = root.join(dir.trim());
        sources.push(dir.join("info/exclude"));
        sources.push(dir.join("commondir"));
        if let Ok(common) = std::fs::read_to_string(dir.join("commondir")) {
            sources.push(dir.join(common.trim()).join("info/exclude"));
        }
    }
    sources.extend(excludes_candidates());
    sources
}

/// git's config files that may name the global excludes file, and the file itself.
fn excludes_candidates() -> Vec<PathBuf> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = env("HOME");
    let config_home = env("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
    let mut files: Vec<PathBuf> = [
        env("GIT_CONFIG_GLOBAL"),
        home.as_ref().map(|h| h.join(".gitconfig")),
        config_home.as_ref().map(|c| c.join("git/config")),
        Some(env("GIT_CONFIG_SYSTEM").unwrap_or_else(|| PathBuf::from("/etc/gitconfig"))),
        config_home.as_ref().map(|c| c.join("git/ignore")),
    ]
    .into_iter()
    .flatten()
    .collect();
    files.extend(crate::scan::excludes_file_named());
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pattern_anchored_to_a_folder_makes_the_current_folder_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("ignore");
        for (text, anchored) in [
            ("*.swp\ndrafts/\n# a/comment\n.DS_Store\n", false),
            ("*.swp\n/drafts\n", true),
            ("notes/*.md\n", true),
            ("!/keep.md\n", true),
        ] {
            std::fs::write(&file, text).expect("write");
            assert_eq!(anchored_patterns(&file), anchored, "{text:?}");
        }
        assert!(anchored_patterns(&dir.path().join("missing")), "unreadable counts as anchored");
    }
}
