//! Creating and changing cards: templates, file naming, the editor session, `set`.
//!
//! This is where termdex writes the user's files, so every write here is explicit (a
//! command asked for it), never overwrites another card, and goes through a temporary
//! file that is synced and renamed into place. The layer sits beside the query layer:
//! it prepares files; commands re-index what it wrote.

mod attributes;
pub mod board;
pub mod editor;
pub mod journal;
pub mod naming;
pub mod new;
pub mod session;
pub mod set;
mod swap;
pub mod templates;
pub mod write;

use std::io;
use std::path::{Path, PathBuf};

use crate::scan::Extensions;

/// What can go wrong creating or changing a card; every message names the file and says
/// what to do. Causes are part of the message (fields named `cause`, not error sources),
/// so that a chain printed with its causes says each thing once.
#[derive(Debug, thiserror::Error)]
pub enum CardsError {
    #[error("unknown template `{name}` (templates: {available}; {})", add_one(name))]
    UnknownTemplate { name: String, available: String },
    #[error("cannot read template {path}: {cause}")]
    ReadTemplate { path: PathBuf, cause: std::io::Error },
    #[error("template {name}: {message}")]
    BadTemplate { name: String, message: String },
    #[error("{0}")]
    BadPath(String),
    #[error("cannot create {path}: {cause} (nothing was created{})", advice(cause, path, Writing::New))]
    Create { path: PathBuf, cause: std::io::Error },
    #[error(
        "cannot write {path}: {cause} (the card was left as it was{})",
        advice(cause, path, Writing::Replace)
    )]
    Write { path: PathBuf, cause: std::io::Error },
    #[error("cannot remove the discarded card {path}: {cause} (delete it yourself)")]
    Remove { path: PathBuf, cause: std::io::Error },
    #[error("cannot read {path}: {cause}")]
    Read { path: PathBuf, cause: std::io::Error },
    #[error(
        "{path} kept changing while termdex was changing it (another program is writing it); nothing was written (run the command again)"
    )]
    ChangedMeanwhile { path: PathBuf },
    #[error("{path} is not a card: {reason}; it was left as it is")]
    NotACard { path: String, reason: crate::scan::NotACard },
    #[error("{path} is not a card: it is {kind}, not a regular file; it was left as it is")]
    NotAFile { path: String, kind: &'static str },
    #[error("cannot create {path} there: {reason}; nothing was created")]
    NotACardPlace { path: String, reason: crate::scan::NotACard },
    #[error(
        "cannot write {path}: the rewritten card could not be given the card's owner and group (user {uid}, group {gid}): {cause}; the card was left as it was (run termdex as its owner, or as root)"
    )]
    Owner { path: PathBuf, uid: u32, gid: u32, cause: std::io::Error },
    #[error(
        "cannot write {path}: the rewritten card could not be given the card's extended attribute `{name}`: {cause}; the card was left as it was"
    )]
    Attribute { path: PathBuf, name: String, cause: std::io::Error },
    #[error("{path} was changed, but another program kept writing it at the same time: {}", kept_aside(kept))]
    KeptAside { path: PathBuf, kept: Vec<PathBuf> },
    #[error("{path} has {links} hard links; termdex will not split them — edit it in your editor")]
    HardLinked { path: String, links: u64 },
    #[error("{path} is read-only; termdex will not replace it (make it writable first, e.g. chmod u+w)")]
    ReadOnly { path: String },
    #[error("{path} was not moved on the board: {reason}; it was left as it is (change it in your editor)")]
    CannotMove { path: String, field: String, reason: String },
    #[error("cannot take the write lock {path}: {cause} (nothing was changed{})", lock_advice(cause, path))]
    Lock { path: PathBuf, cause: std::io::Error },
    #[error(
        "cannot take the write lock: {path} is {kind}, not a file termdex made; remove it (termdex makes the lock file again) and run the command again"
    )]
    LockInTheWay { path: PathBuf, kind: &'static str },
    #[error("cannot split the editor command `{command}` from ${var}: {message}")]
    EditorCommand { var: &'static str, command: String, message: String },
    #[error("cannot start the editor `{program}`{from}: {cause} (set $VISUAL or $EDITOR)")]
    EditorStart { program: String, from: String, cause: std::io::Error },
    #[error("the editor did not run: the terminal could not be handed over to it; nothing was saved")]
    EditorNotRun,
    #[error("{what}: {cause}")]
    Edit { what: String, cause: crate::frontmatter::EditError },
}

/// What to do when the write lock (in `.termdex/`, or the cache folder it falls back to)
/// cannot be made.
fn lock_advice(cause: &io::Error, path: &Path) -> String {
    let folder = path.parent().unwrap_or(Path::new(".")).display();
    match cause.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => format!(
            "; termdex keeps its lock in {folder}: make that folder writable, or give HOME (or XDG_CACHE_HOME) a writable folder for termdex to use instead"
        ),
        _ => advice(cause, path, Writing::New),
    }
}

/// How to make a template of this name, if one can have it: not a hidden file, not a path.
fn add_one(name: &str) -> String {
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
        "a template's name is a plain file name, not hidden and not a path".into()
    } else {
        format!("add one as .termdex/templates/{name}.md")
    }
}

/// Where the other program's text went when a rewrite had to give up after changing a card.
fn kept_aside(kept: &[PathBuf]) -> String {
    if kept.is_empty() {
        return "its last write may be lost (check the card)".into();
    }
    let files: Vec<String> = kept.iter().map(|p| p.display().to_string()).collect();
    format!(
        "what it wrote is kept in {} (compare with the card, merge by hand, then delete)",
        files.join(", ")
    )
}

/// The real file of the card `rel` of the dex at `root`, for the editor (`edit`,
/// `journal`): refused, with the reason, unless the scanner would index it as a card of
/// the dex, links resolved — a `notes.md` linking to `.git/config` or out of the dex is
/// not opened. A card that does not exist yet is judged by the real path of its folder.
pub fn editable(root: &Path, extensions: &Extensions, rel: &str) -> Result<PathBuf, CardsError> {
    crate::scan::CardRules::new(root, extensions).card(rel).map_err(|reason| {
        let path = rel.to_string();
        if root.join(rel).symlink_metadata().is_ok() {
            CardsError::NotACard { path, reason }
        } else {
            CardsError::NotACardPlace { path, reason }
        }
    })
}

/// How a file was being written, for [`advice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writing {
    /// A new file (or folder) was being created.
    New,
    /// A card was being replaced through a temporary file.
    Replace,
}

/// What to do about a failed write, read from its cause: the end of the message that tells
/// the user how to get the write through. `path` is the file (or folder) being written.
fn advice(cause: &io::Error, path: &Path, writing: Writing) -> String {
    use io::ErrorKind as Kind;
    let folder = path.parent().unwrap_or(Path::new(".")).display();
    match (cause.kind(), writing) {
        (Kind::PermissionDenied, Writing::Replace) => format!(
            "; termdex writes a new file in {folder} and renames it over the card, so that folder must be writable"
        ),
        (Kind::PermissionDenied, Writing::New) => format!("; the folder {folder} must be writable"),
        (Kind::ReadOnlyFilesystem, _) => "; the file system is mounted read-only".into(),
        (Kind::StorageFull | Kind::QuotaExceeded, _) => {
            "; free some disk space and run the command again".into()
        }
        (Kind::FileTooLarge, _) => "; a file size limit was reached (see `ulimit -f`)".into(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_that_cannot_be_made_says_where_termdex_keeps_it() {
        let error = CardsError::Lock {
            path: PathBuf::from("/dex/.termdex/write.lock"),
            cause: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert_eq!(
            error.to_string(),
            "cannot take the write lock /dex/.termdex/write.lock: permission denied (nothing was changed; termdex keeps its lock in /dex/.termdex: make that folder writable, or give HOME (or XDG_CACHE_HOME) a writable folder for termdex to use instead)"
        );
    }

    #[test]
    fn write_errors_say_what_to_do_about_their_cause() {
        let error = |kind: io::ErrorKind| CardsError::Write {
            path: PathBuf::from("/dex/notes/a.md"),
            cause: io::Error::from(kind),
        };
        assert_eq!(
            error(io::ErrorKind::StorageFull).to_string(),
            "cannot write /dex/notes/a.md: no storage space (the card was left as it was; free some disk space and run the command again)"
        );
        assert_eq!(
            error(io::ErrorKind::PermissionDenied).to_string(),
            "cannot write /dex/notes/a.md: permission denied (the card was left as it was; termdex writes a new file in /dex/notes and renames it over the card, so that folder must be writable)"
        );
        let create = CardsError::Create {
            path: PathBuf::from("/dex/2026"),
            cause: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        assert_eq!(
            create.to_string(),
            "cannot create /dex/2026: permission denied (nothing was created; the folder /dex must be writable)"
        );
        assert!(error(io::ErrorKind::FileTooLarge).to_string().contains("ulimit -f"));
        assert!(error(io::ErrorKind::Other).to_string().ends_with("(the card was left as it was)"));
    }
}
