//! JSON Lines: one object per card, for `jq` and scripts.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::card::mtime_text;
use crate::index::CardRow;

use super::PathDisplay;

/// A card as a JSON object: the same keys for every card, so scripts need no guards.
pub fn card_json(card: &CardRow, paths: &PathDisplay) -> Value {
    json!({
        "path": paths.show(&card.path),
        "title": card.title,
        "fields": card.fields(),
        "mtime": mtime_text(card.mtime_ns) + "Z",
        "created": card.created,
        "error": card.error.as_ref().map(|message| json!({
            "line": card.error_line.unwrap_or(1),
            "message": message,
        })),
        "lossy": card.lossy,
        "truncated": card.truncated,
    })
}

pub fn write_jsonl(out: &mut dyn Write, cards: &[CardRow], paths: &PathDisplay) -> io::Result<()> {
    for card in cards {
        serde_json::to_writer(&mut *out, &card_json(card, paths))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
