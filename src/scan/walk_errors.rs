//! What the walk says about an entry it could not follow or list, and when it says
//! nothing.
//!
//! The `ignore` crate follows a link before the walk's filter sees it, so a link to
//! nothing, a link loop or a link it may not follow comes to the walk as an error, with
//! no filter applied. The walk's rules are applied here instead: an entry the walk
//! would leave out anyway — hidden, ignored, not named as a card — is no news, however
//! broken (Emacs keeps a dangling `.#card.md` link beside every card it has open; a
//! warning on every command for each was noise). What is said names the entry and what
//! to do about it.

use std::io;
use std::path::Path;

use ignore::Error;

use super::ignore_files::IgnoreFiles;
use super::walk::{describe_walk_error, relative_path};
use super::{Extensions, Problem};

/// The walk's rules, for judging an entry it could not use.
pub(super) struct Rules<'a> {
    pub root: &'a Path,
    pub ignore_files: &'a IgnoreFiles,
    pub extensions: &'a Extensions,
}

/// What an entry the walk could not use turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folder,
    File,
    /// A link that cannot be followed, or an entry gone since it was listed: it may have
    /// been (and may again be) either.
    Unknown,
}

impl Rules<'_> {
    /// The warning for `err`, met by the walk; `None` when it is about an entry the walk
    /// would skip anyway.
    pub fn problem(&self, err: &Error) -> Option<Problem> {
        let (path, depth, inner) = parts(err);
        let Some(path) = path.filter(|p| *p != self.root) else {
            return Some(Problem { path: String::new(), message: describe_walk_error(err, self.root) });
        };
        // Only the root is at depth 0, and only there do the rules skip nothing.
        let depth = depth.unwrap_or(1).max(1);
        let rel = relative_path(self.root, path).unwrap_or_else(|| path.to_string_lossy().into_owned());
        if let Error::Loop { ancestor, .. } = inner {
            if self.skips(path, depth, Kind::Folder) {
                return None;
            }
            let ancestor = match relative_path(self.root, ancestor).as_deref() {
                Some("") => ".".to_string(),
                Some(rel) => rel.to_string(),
                None => ancestor.display().to_string(),
            };
            let message = format!(
                "symlink loop skipped: it leads back to {ancestor}, a folder it is in \
                 (remove the link, or list it in .ignore to keep it)"
            );
            return Some(Problem { path: rel, message });
        }
        let Some(io) = inner_io(inner) else {
            return Some(Problem { path: String::new(), message: describe_walk_error(err, self.root) });
        };
        let kind = match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => Kind::Folder,
            Ok(_) => Kind::File,
            Err(_) => Kind::Unknown,
        };
        if self.skips(path, depth, kind) {
            return None;
        }
        let message = match (kind, std::fs::read_link(path)) {
            (Kind::Unknown, Ok(target)) => link_message(&target.to_string_lossy(), io),
            (Kind::Folder, _) if io.kind() == io::ErrorKind::PermissionDenied => {
                "skipped: permission denied \
                 (make the folder readable and searchable to index the cards in it)"
                    .to_string()
            }
            _ => format!("skipped: {}", reason(io)),
        };
        Some(Problem { path: rel, message })
    }

    /// Whether the walk leaves out `path`, met at `depth`, as `kind`: a file that is no
    /// card by its name too, and an entry of unknown kind only when it would be left out
    /// as a file and as a folder. A name with an extension (`notes.txt`) is taken for a
    /// file's; one without (`projects`) may be a folder of cards that is gone (a drive
    /// not mounted), which is worth a warning.
    fn skips(&self, path: &Path, depth: usize, kind: Kind) -> bool {
        let as_folder = || self.ignore_files.skips(path, depth, true);
        let as_file = || self.ignore_files.skips(path, depth, false) || !self.extensions.matches(path);
        match kind {
            Kind::Folder => as_folder(),
            Kind::File => as_file(),
            Kind::Unknown => as_file() && (path.extension().is_some() || as_folder()),
        }
    }
}

/// What is wrong with a link that could not be followed to `target`, and what to do.
fn link_message(target: &str, err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => format!(
            "skipped: the symbolic link points to {target}, which does not exist \
             (remove the link or restore its target)"
        ),
        io::ErrorKind::PermissionDenied => format!(
            "skipped: the symbolic link points to {target}, which cannot be reached: permission denied \
             (make the folders on its way searchable, or remove the link)"
        ),
        _ if rustix::io::Errno::from_io_error(err) == Some(rustix::io::Errno::LOOP) => format!(
            "skipped: the symbolic link points to {target}, which leads back to itself through links \
             (remove the link or point it at a file)"
        ),
        _ => {
            format!("skipped: the symbolic link points to {target}, which cannot be reached: {}", reason(err))
        }
    }
}

/// An I/O error's text without the `(os error N)` the user has no use for.
fn reason(err: &io::Error) -> String {
    let text = err.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// The path and depth an error is about (the first given, going in), and the error
/// they wrap.
fn parts(err: &Error) -> (Option<&Path>, Option<usize>, &Error) {
    let (mut path, mut depth, mut at) = (None, None, err);
    loop {
        match at {
            Error::WithPath { path: p, err } => {
                path = path.or(Some(p.as_path()));
                at = err;
            }
            Error::WithDepth { depth: d, err } => {
                depth = depth.or(Some(*d));
                at = err;
            }
            Error::Loop { child, .. } => return (path.or(Some(child.as_path())), depth, at),
            _ => return (path, depth, at),
        }
    }
}

fn inner_io(err: &Error) -> Option<&io::Error> {
    match err {
        Error::Io(io) => Some(io),
        _ => None,
    }
}
