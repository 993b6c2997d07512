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

/// The 1-based line of the file where the frontmatter sets top-level `key` (`key:`,
/// `key =`, `"key":`), searched in the block's lines; the block's first line when no
/// line starts with the key (a flow mapping, a key written another way).
pub fn key_line(frontmatter: &str, key: &str) -> u32 {
    let sets_key = |line: &str| {
        let line = line.trim_start_matches([' ', '\t', '{', ',']);
        let rest = ["\"", "'", ""].iter().find_map(|q| {
            line.strip_prefix(q).and_then(|l| l.strip_prefix(key)).and_then(|l| l.strip_prefix(q))
        });
        rest.is_some_and(|rest| rest.trim_start().starts_with([':', '=']))
    };
    let at = frontmatter.lines().position(sets_key).unwrap_or(0);
    u32::try_from(at + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_of_a_key_in_each_syntax() {
        assert_eq!(key_line("---\ntitle: x\nparent: \"[[P]]\"\n---\n", "parent"), 3);
        assert_eq!(key_line("+++\nparent = \"P\"\n+++\n", "parent"), 2);
        assert_eq!(key_line("{\"title\": \"x\",\n \"parent\": \"P\"}\n", "parent"), 2);
        assert_eq!(key_line("---\nparents: x\nparent_of: y\n---\n", "parent"), 1, "other keys");
    }
}
