//! termdex: a folder of markdown files kept as a deck of index cards.
//!
//! Data flows one way, and each layer only talks to the one below it:
//!
//! ```text
//! files --scan--> index (SQLite) --query--> output (CLI formats) | tui
//! ```
//!
//! - [`frontmatter`] finds and parses the block at the top of a card (YAML, TOML, JSON);
//!   [`card`] holds the card model and its title/creation rules; [`value`] types values.
//! - [`scan`] walks the dex and reads cards; it never touches the database.
//! - [`index`] keeps the SQLite cache under `.termdex/` and refreshes it incrementally.
//! - [`query`] answers questions over the index; [`output`] prints the answers.
//! - [`config`] is the dex's configuration as plain data; [`query::check_views`] checks its
//!   views compile, called by whoever loads it. [`clock`] is "today" for query and cards.
//! - [`cards`] writes cards (beside the read path, never under it).
//! - [`dex`] locates the dex; the `cli` module of the binary parses arguments and dispatches.
//! - [`files`] opens every file termdex reads without ever waiting (a FIFO in a file's
//!   place), and termdex's own lock files without following links; every layer uses it.
//!
//! termdex runs on Unix (Linux and macOS): it keeps a card's owner, mode and extended
//! attributes, stats through folder descriptors and hands the terminal over on signals.
//! Elsewhere the build stops with one message saying so, instead of one error per use.

#[cfg(not(unix))]
compile_error!(
    "termdex runs on Linux and macOS only (it is built on Unix file and terminal semantics); \
     on Windows, build and run it inside WSL"
);

#[cfg(unix)]
pub mod card;
#[cfg(unix)]
pub mod cards;
#[cfg(unix)]
pub mod clock;
#[cfg(unix)]
pub mod config;
#[cfg(unix)]
pub mod dex;
#[cfg(unix)]
pub mod files;
#[cfg(unix)]
pub mod frontmatter;
#[cfg(unix)]
pub mod index;
#[cfg(unix)]
pub mod output;
#[cfg(unix)]
pub mod query;
#[cfg(unix)]
pub mod scan;
#[cfg(unix)]
pub mod tui;
#[cfg(unix)]
pub mod value;
#[cfg(unix)]
pub mod watch;
