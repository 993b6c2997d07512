//! What the dex's configuration says about reading a card, beyond the file itself. The
//! index records the settings it read its cards with: other settings mean other cards,
//! so a change has every card read again (`Index::use_settings`).

use serde::{Deserialize, Serialize};

use super::Extensions;

/// How cards are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The field naming a card's parent in the outline (`parent`); `None` when the outline
    /// comes from folders or file names instead, and no field makes a link.
    pub parent_field: Option<String>,
    /// Which files are cards. An index recorded before extensions were a setting was
    /// built for the defaults.
    #[serde(default)]
    pub extensions: Extensions,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { parent_field: Some("parent".to_string()), extensions: Extensions::default() }
    }
}
