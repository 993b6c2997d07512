//! Which folder is the dex, and where its state lives.
//!
//! `--dex DIR`, else `$TERMDEX_DIR`, else the nearest ancestor holding `.termdex/`, else
//! the current directory: termdex works in any folder of markdown files with no set-up.

use std::path::{Path, PathBuf};

/// The folder holding a dex's own files.
pub const STATE_DIR: &str = ".termdex";

#[derive(Debug, thiserror::Error)]
pub enum DexError {
    #[error("dex folder {path} does not exist or is not a folder (check --dex or $TERMDEX_DIR)")]
    NotAFolder { path: PathBuf },
    #[error("cannot read the current directory: {0}")]
    CurrentDir(std::io::Error),
}

/// A located dex.
#[derive(Debug, Clone)]
pub struct Dex {
    /// Absolute, symlinks resolved.
    pub root: PathBuf,
}

impl Dex {
    /// Finds the dex from an explicit folder (the `--dex` flag), the environment, or `cwd`.
    pub fn locate(explicit: Option<&Path>, env: Option<&Path>, cwd: &Path) -> Result<Dex, DexError> {
        if let Some(dir) = explicit.or(env) {
            let dir = cwd.join(dir);
            return Self::at(&dir);
        }
        let start = Self::at(cwd)?;
        let found = start.root.ancestors().find(|dir| dir.join(STATE_DIR).is_dir());
        Ok(Dex { root: found.map_or(start.root.clone(), Path::to_path_buf) })
    }

    /// The dex rooted exactly at `dir`.
    pub fn at(dir: &Path) -> Result<Dex, DexError> {
        match dir.canonicalize() {
            Ok(root) if root.is_dir() => Ok(Dex { root }),
            _ => Err(DexError::NotAFolder { path: dir.to_path_buf() }),
        }
    }

    /// From the process environment: `$TERMDEX_DIR` and the current directory.
    pub fn from_env(explicit: Option<&Path>) -> Result<Dex, DexError> {
        let cwd = std::env::current_dir().map_err(DexError::CurrentDir)?;
        let env = std::env::var_os("TERMDEX_DIR").filter(|v| !v.is_empty()).map(PathBuf::from);
        Self::locate(explicit, env.as_deref(), &cwd)
    }

    pub fn state_dir(&self) -> PathBuf {
        self.root.join(STATE_DIR)
    }

    pub fn index_path(&self) -> PathBuf {
        self.state_dir().join("index.db")
    }

    /// An absolute path for a dex-relative card path.
    pub fn card_path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_ancestor_with_state_wins_over_cwd() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().expect("canon");
        std::fs::create_dir_all(root.join(".termdex")).expect("mkdir");
        std::fs::create_dir_all(root.join("a/b")).expect("mkdir");
        let dex = Dex::locate(None, None, &root.join("a/b")).expect("dex");
        assert_eq!(dex.root, root);
        let explicit = Dex::locate(Some(Path::new("a")), None, &root).expect("dex");
        assert_eq!(explicit.root, root.join("a"));
        assert!(Dex::locate(Some(Path::new("missing")), None, &root).is_err());
    }
}
