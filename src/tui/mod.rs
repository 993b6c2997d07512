//! The TUI: browse, filter, preview, views, board and edit, over the query layer.
//!
//! Elm-shaped: [`app::App`] is the state, [`app::App::update`] turns key presses into
//! state changes and [`app::Effect`]s, [`view::render`] draws the state, and the
//! [`deck`] — the one seam to the index, the query layer and the card commands — carries
//! out the effects. Every question to the index is answered off the UI thread (the
//! deck's reader), superseded ones are stopped, and answers come back to
//! [`app::App::apply`]; the deck's refresher and file watcher keep the index current, and
//! the reader notices any commit to it, so changes made by other programs appear without
//! a key press. The event loop only ties the terminal to the deck.

pub mod app;
pub mod board;
pub mod deck;
pub mod keymap;
pub mod line;
pub mod outline;
mod reader;
mod run;
mod terminal;
pub mod theme;
pub mod view;

pub use run::{Exit, Options, SETTLE, run};

use crate::watch::keeper::panic_text;
