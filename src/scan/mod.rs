//! The scanner: from a folder to parsed cards.
//!
//! Two steps with very different costs. [`walk`] lists card files with their stamps and
//! touches no file content; [`read_card`] reads and parses one file. The index decides
//! in between which files need reading, so an unchanged dex is never read.

mod extensions;
mod ignore_files;
mod links;
mod read;
mod settings;
mod walk;
mod walk_errors;

pub use crate::files::SpecialFile;
pub use extensions::Extensions;
pub use ignore_files::excludes_file_named;
pub use read::{MAX_CARD_BYTES, open_card, parse_card, read_card, read_card_file};
pub use settings::Settings;
pub use walk::{
    CardRules, FileStat, NotACard, TEMP_PREFIX, TEMP_SUFFIX, Walk, card_path_problem, leftover_temp_files,
    mtime_ns, relative_path, walk,
};

/// A file the scan had to skip or could only partly use: printed as a warning, never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dex-relative path, or empty when the walker could not tell.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
