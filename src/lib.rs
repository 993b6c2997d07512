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

pub mod card;
pub mod cards;
pub mod clock;
pub mod config;
pub mod dex;
pub mod files;
pub mod frontmatter;
pub mod index;
pub mod output;
pub mod query;
pub mod scan;
pub mod tui;
pub mod value;
