//! End-to-end tests of the `termdex` binary on temporary dexes.
//!
//! One test binary with a module per area, so the binary is built and linked once.

mod cards;
mod check;
mod cjk;
mod commands;
mod completions;
mod concurrency;
mod docs;
mod duplicates;
mod extensions;
mod faults;
mod filters;
mod formats;
mod fzf;
mod incremental;
mod init;
mod input;
mod link_filters;
mod links;
mod outline;
mod output;
mod preview;
mod selection;
mod set;
mod shapes;
mod special;
mod sql;
mod types;
mod util;
mod views;
mod walk_warnings;
mod watch;
