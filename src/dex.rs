//! Which folder is the dex, and where its state lives.
//!
//! `--dex DIR`, else `$TERMDEX_DIR`, else the nearest ancestor holding `.termdex/`, else
//! the current directory: termdex works in any folder of markdown files with no set-up.
//!
//! The index (and the locks that go with it) lives in `.termdex/` unless termdex may not
//! write there (a read-only dex, someone else's notes): then it is kept in the user's
//! cache folder, so that queries still work, and the commands say so.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use rustix::fs::{Access, access};
use rustix::io::Errno;

/// The folder holding a dex's own files.
pub const STATE_DIR: &str = ".termdex";

/// The index's file name, in whichever folder holds it.
const INDEX_FILE: &str = "index.db";

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

    /// Where the index is: see [`Dex::index_location`].
    pub fn index_path(&self) -> PathBuf {
        self.index_location().path
    }

    /// Where the index and its locks are kept: `.termdex/index.db`, else, when termdex
    /// may not write that, a folder of the user's cache (`$XDG_CACHE_HOME/termdex/...`, or
    /// `~/.cache/termdex/...`) named after the dex. Decided afresh on each call, from the
    /// file system's own answer (a read-only mount, permissions), so a dex made writable
    /// again gets its index back in `.termdex/`.
    pub fn index_location(&self) -> IndexLocation {
        let state = self.state_dir();
        let primary = IndexLocation { path: state.join(INDEX_FILE), fallback: None };
        let Some(why) = unwritable(&self.root, &state) else {
            return primary;
        };
        match user_cache_dir() {
            Some(cache) => IndexLocation {
                path: cache.join("termdex").join(cache_name(&self.root)).join(INDEX_FILE),
                fallback: Some(why),
            },
            // Nowhere else to go: opening it will fail, and say where and why.
            None => primary,
        }
    }

    /// An absolute path for a dex-relative card path.
    pub fn card_path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

/// Where a dex's index is, and why it is not in `.termdex/` when it is not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLocation {
    pub path: PathBuf,
    /// Set when the index is kept in the user's cache folder: what made `.termdex/` unusable.
    pub fallback: Option<String>,
}

impl IndexLocation {
    /// The folder of the index, which also holds its locks.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// One line for the user when the index is not in the dex.
    pub fn warning(&self) -> Option<String> {
        self.fallback
            .as_ref()
            .map(|why| format!("{why}; the index is kept in {} instead", self.path.display()))
    }
}

/// Why termdex cannot keep its index in `state` (the dex's `.termdex/`), if it cannot: it
/// is no folder (a plain file of that name), the folder (or, while it does not exist, the
/// dex folder that would hold it) is not writable, or the index files in it are not. Asked
/// with `access(2)`, which knows about read-only mounts, ACLs and the superuser, rather
/// than read from permission bits.
fn unwritable(root: &Path, state: &Path) -> Option<String> {
    let folder = Access::WRITE_OK | Access::EXEC_OK;
    if state.symlink_metadata().is_ok() && !state.is_dir() {
        return Some(format!("{} is not a folder", state.display()));
    }
    if !state.is_dir() {
        return access(root, folder).err().map(|errno| {
            format!("cannot create {}: the dex folder is not writable ({})", state.display(), describe(errno))
        });
    }
    if let Err(errno) = access(state, folder) {
        return Some(format!("{} is not writable ({})", state.display(), describe(errno)));
    }
    // Files SQLite must write beside the database, and the locks kept with it.
    ["index.db", "index.db-wal", "index.db-shm", "index.lock", "write.lock"].into_iter().find_map(|name| {
        let file = state.join(name);
        match access(&file, Access::WRITE_OK) {
            Err(errno) if errno != Errno::NOENT => {
                Some(format!("{} is not writable ({})", file.display(), describe(errno)))
            }
            _ => None,
        }
    })
}

/// An `access(2)` failure in a few words.
fn describe(errno: Errno) -> String {
    let err = std::io::Error::from(errno);
    match err.kind() {
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::ReadOnlyFilesystem => "read-only file system".into(),
        _ => err.to_string(),
    }
}

/// `$XDG_CACHE_HOME`, else `~/.cache`; only absolute paths count (the XDG rule).
fn user_cache_dir() -> Option<PathBuf> {
    let absolute = |var: &str| std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute());
    absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".cache")))
}

/// A folder name for a dex in the cache: its own name, to be recognisable, and a hash of
/// its whole path, to be unique. FNV-1a rather than std's hasher, whose output may change
/// between Rust releases (the name must stay the same from one run to the next).
fn cache_name(root: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in root.as_os_str().as_bytes() {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let name: String = root
        .file_name()
        .map(OsStr::to_string_lossy)
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(40)
        .collect();
    format!("{name}-{hash:016x}")
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

    #[test]
    fn a_writable_dex_keeps_its_index_in_its_state_folder() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dex = Dex::at(tmp.path()).expect("dex");
        let location = dex.index_location();
        assert_eq!(location.path, dex.root.join(".termdex/index.db"));
        assert_eq!(
            (location.fallback.as_deref(), location.dir()),
            (None, dex.root.join(".termdex").as_path())
        );
        assert_eq!(dex.index_path(), location.path);
    }

    #[test]
    fn a_state_folder_that_is_a_file_sends_the_index_to_the_cache() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dex = Dex::at(tmp.path()).expect("dex");
        std::fs::write(dex.state_dir(), "not a folder").expect("write");
        let why = unwritable(&dex.root, &dex.state_dir());
        assert_eq!(why, Some(format!("{} is not a folder", dex.state_dir().display())));
        std::fs::remove_file(dex.state_dir()).expect("rm");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), dex.state_dir()).expect("symlink");
        let why = unwritable(&dex.root, &dex.state_dir());
        assert_eq!(why, Some(format!("{} is not a folder", dex.state_dir().display())));
    }

    #[test]
    fn cache_names_are_stable_readable_and_unique() {
        assert_eq!(cache_name(Path::new("/home/ann/notes")), cache_name(Path::new("/home/ann/notes")));
        assert_ne!(cache_name(Path::new("/home/ann/notes")), cache_name(Path::new("/home/bob/notes")));
        let name = cache_name(Path::new("/srv/My Notes: 2026"));
        assert!(name.starts_with("My_Notes__2026-"), "{name}");
        assert_eq!(name.len(), "My_Notes__2026-".len() + 16);
        assert!(cache_name(Path::new("/")).starts_with('-'));
    }

    #[test]
    fn the_fallback_warning_says_why_and_where() {
        let location = IndexLocation {
            path: PathBuf::from("/home/ann/.cache/termdex/notes-0123456789abcdef/index.db"),
            fallback: Some("/srv/notes/.termdex is not writable (permission denied)".into()),
        };
        assert_eq!(
            location.warning().expect("warning"),
            "/srv/notes/.termdex is not writable (permission denied); the index is kept in \
             /home/ann/.cache/termdex/notes-0123456789abcdef/index.db instead"
        );
    }
}
