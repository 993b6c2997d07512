//! The TUI: browse, filter, preview, views, board and edit, over the query layer.
//!
//! Elm-shaped: [`app::App`] is the state, [`app::App::update`] turns key presses into
//! state changes and [`app::Effect`]s, [`view::render`] draws the state, and [`deck`]
//! carries out the effects against the query layer and the card commands. Every
//! question to the index is answered off the UI thread (the deck's reader), superseded
//! ones are stopped, and answers come back to [`app::App::apply`]. The event loop ties
//! them together with a background refresher and a file watcher; the reader notices any
//! commit to the index, so changes made by other programs appear without a key press.

pub mod app;
pub mod board;
pub mod deck;
pub mod keymap;
mod reader;
mod run;
mod terminal;
pub mod theme;
pub mod view;
mod watch;

pub use run::{Exit, Options, SETTLE, run};
