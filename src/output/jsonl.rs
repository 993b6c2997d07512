//! A card as one JSON object, for the `json` and `jsonl` formats (`jq` and scripts).

use serde_json::{Value, json};

use crate::card::mtime_instant;
use crate::index::CardRow;

use super::PathDisplay;

/// A card as a JSON object: the same keys for every card, so scripts need no guards.
pub fn card_json(card: &CardRow, paths: &PathDisplay) -> Value {
    json!({
        "path": paths.show(&card.path),
        "title": card.title,
        "fields": card.fields(),
        "mtime": mtime_instant(card.mtime_ns),
        "created": card.created,
        "error": card.error.as_ref().map(|message| json!({
            "line": card.error_line.unwrap_or(1),
            "message": message,
        })),
        "lossy": card.lossy,
        "truncated": card.truncated,
    })
}
