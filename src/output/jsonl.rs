//! A card as one JSON object, for the `json` and `jsonl` formats (`jq` and scripts).

use serde_json::{Value, json};

use crate::card::mtime_instant;
use crate::index::{BadFields, CardRow};

use super::PathDisplay;

/// A card as a JSON object: the same keys for every card, so scripts need no guards.
pub fn card_json(card: &CardRow, paths: &PathDisplay) -> Result<Value, BadFields> {
    Ok(card_json_with(card, paths, Value::Object(card.fields()?)))
}

/// [`card_json`] with `fields` as given (some of the card's, or all).
pub(super) fn card_json_with(card: &CardRow, paths: &PathDisplay, fields: Value) -> Value {
    json!({
        "path": paths.show(&card.path),
        "title": card.title,
        "fields": fields,
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
