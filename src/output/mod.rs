//! Printing cards for people and for other programs.
//!
//! Everything a front end prints about cards goes through here, so that paths, escaping
//! and formats are the same for every command.

mod annotated;
pub mod ansi;
mod format;
pub mod json;
mod jsonl;
pub mod markdown;
mod paths;
pub mod progress;
mod show;
mod tree;

pub use annotated::{Annotated, Note, write_annotated};
pub use format::{
    Format, Options, clean, clean_lines, column_text, is_unsafe, push_clean, unreadable_fields, value_text,
    write_cards,
};
pub use jsonl::card_json;
pub use paths::PathDisplay;
pub use show::{Look, ansi_line, clean_body, field_lines, render_card, truncated_marker};
pub use tree::tree_prefix;
