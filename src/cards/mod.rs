//! Creating and changing cards: templates, file naming, the editor round trip, `set`.
//!
//! This is where termdex writes the user's files, so every write here is explicit (a
//! command asked for it), never overwrites another card, and goes through a temporary
//! file that is synced and renamed into place. The layer sits beside the query layer:
//! it prepares files; commands re-index what it wrote.

pub mod editor;
pub mod journal;
pub mod naming;
pub mod new;
pub mod set;
pub mod templates;
pub mod write;

use std::path::PathBuf;

/// What can go wrong creating or changing a card; every message names the file and says
/// what to do. Causes are part of the message (fields named `cause`, not error sources),
/// so that a chain printed with its causes says each thing once.
#[derive(Debug, thiserror::Error)]
pub enum CardsError {
    #[error("unknown template `{name}` (templates: {available}; add one as .termdex/templates/{name}.md)")]
    UnknownTemplate { name: String, available: String },
    #[error("cannot read template {path}: {cause}")]
    ReadTemplate { path: PathBuf, cause: std::io::Error },
    #[error("template {name}: {message}")]
    BadTemplate { name: String, message: String },
    #[error("{0}")]
    BadPath(String),
    #[error("cannot create {path}: {cause}")]
    Create { path: PathBuf, cause: std::io::Error },
    #[error("cannot write {path}: {cause} (the card was left as it was)")]
    Write { path: PathBuf, cause: std::io::Error },
    #[error("cannot read {path}: {cause}")]
    Read { path: PathBuf, cause: std::io::Error },
    #[error(
        "{path} kept changing while termdex was changing it (another program is writing it); nothing was written (run the command again)"
    )]
    ChangedMeanwhile { path: PathBuf },
    #[error("{path} is not a card: {reason}; it was left as it is")]
    NotACard { path: String, reason: &'static str },
    #[error("{path} has {links} hard links; termdex will not split them — edit it in your editor")]
    HardLinked { path: String, links: u64 },
    #[error("{path} is read-only; termdex will not replace it (make it writable first, e.g. chmod u+w)")]
    ReadOnly { path: String },
    #[error("cannot take the write lock {path}: {cause}")]
    Lock { path: PathBuf, cause: std::io::Error },
    #[error("cannot split the editor command `{command}` from ${var}: {message}")]
    EditorCommand { var: &'static str, command: String, message: String },
    #[error("cannot start the editor `{program}`{from}: {cause} (set $VISUAL or $EDITOR)")]
    EditorStart { program: String, from: String, cause: std::io::Error },
    #[error("{what}: {cause}")]
    Edit { what: String, cause: crate::frontmatter::EditError },
}
