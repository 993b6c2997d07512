//! `set`: changing frontmatter fields of existing cards, in place and losslessly.

use std::path::Path;

use crate::frontmatter::{self, Edit};

use super::CardsError;
use super::write;

/// Applies `edits` to the card at `rel`; `Ok(false)` when the card already had those
/// values (nothing is written then). Everything outside the edited keys' lines keeps its
/// bytes, and the write is atomic.
pub fn set_fields(root: &Path, rel: &str, edits: &[Edit]) -> Result<bool, CardsError> {
    let abs = root.join(rel);
    let bytes = std::fs::read(&abs).map_err(|cause| CardsError::Read { path: abs.clone(), cause })?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Err(CardsError::BadPath(format!(
            "{rel} is not valid UTF-8; termdex will not rewrite it (fix its encoding first)"
        )));
    };
    let edited =
        frontmatter::apply(text, edits).map_err(|cause| CardsError::Edit { what: rel.to_string(), cause })?;
    if edited == text {
        return Ok(false);
    }
    write::replace(&abs, &bytes, edited.as_bytes())?;
    Ok(true)
}
