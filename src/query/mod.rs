//! The query layer: what the front ends ask of the index.
//!
//! Front ends never write SQL; they describe what they want here and get plain rows back.

use crate::index::{CardRow, Index, card_rows};

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("reading the index {path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
}

/// Every card in the index, by path.
pub fn all_cards(index: &Index) -> Result<Vec<CardRow>, QueryError> {
    card_rows(index.conn()).map_err(|source| QueryError::Sqlite {
        path: index.path().display().to_string(),
        source,
    })
}
