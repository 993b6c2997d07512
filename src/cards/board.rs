//! Board moves: a card taken to another column of the TUI's board gets that column's value
//! in the board's field. The board puts a card whose field holds a list in the column of
//! its first element, so a move replaces that one element and keeps the others —
//! `status: [todo, done]` moved to `active` becomes `[active, done]`, never the scalar
//! `active`. What cannot be done without losing a value is refused, saying why.

use std::path::Path;

use serde_json::Value;

use crate::frontmatter::{self, Edit, EditValue, Fields};
use crate::scan::{CardRules, Extensions};

use super::CardsError;
use super::set;

/// Moves the card at `rel` to the column whose value is `to` (`None`: the column of cards
/// without the field) of a board grouped by `field`; `Ok(false)` when it is there already.
/// Written like any `set`: only the field's lines change, atomically, and only a card of
/// the dex is written.
pub fn move_to_column(
    root: &Path,
    extensions: &Extensions,
    rel: &str,
    field: &str,
    to: Option<&str>,
) -> Result<bool, CardsError> {
    let mut plan = |text: &str| {
        plan(text, field, to).map_err(|reason| CardsError::CannotMove {
            path: rel.to_string(),
            field: field.to_string(),
            reason,
        })
    };
    set::change(&mut CardRules::new(root, extensions), rel, &mut plan, &mut |_| {})
}

/// The edits that move a card with this text, or why it cannot be moved.
fn plan(text: &str, field: &str, to: Option<&str>) -> Result<Vec<Edit>, String> {
    let parsed = frontmatter::parse(frontmatter::strip_bom(text));
    let key = field.to_string();
    let Some(Value::Array(items)) = current(&parsed.fields, field) else {
        // A single value or none (a frontmatter that does not parse is refused by the edit).
        return Ok(vec![match to {
            Some(value) => Edit::Set { key, value: EditValue::Scalar(value.to_string()) },
            None => Edit::Unset { key },
        }]);
    };
    let Some(mut texts) = items.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<Vec<_>>>()
    else {
        return Err(format!("`{field}` holds a list with values that are not text"));
    };
    match (to, texts.len()) {
        // An empty list is in the column of cards without a value already.
        (None, 0) => Ok(Vec::new()),
        (None, 1) => Ok(vec![Edit::Unset { key }]),
        (None, _) => Err(format!(
            "`{field}` holds the list [{}], and taking it to the column of cards without a value would drop them all",
            texts.join(", ")
        )),
        (Some(to), _) => {
            // The first element is the column the card leaves: `to` takes its place, and
            // a `to` further on goes, so that the list holds it once.
            if !texts.is_empty() {
                texts.remove(0);
            }
            texts.retain(|t| !t.eq_ignore_ascii_case(to));
            texts.insert(0, to.to_string());
            Ok(vec![Edit::Set { key, value: EditValue::List(texts) }])
        }
    }
}

/// The value of `field`: by its exact name, else its only case-insensitive match (as
/// edits find it).
fn current<'a>(fields: &'a Fields, field: &str) -> Option<&'a Value> {
    fields.get(field).or_else(|| {
        let lower = field.to_lowercase();
        let mut matches = fields.iter().filter(|(k, _)| k.to_lowercase() == lower);
        match (matches.next(), matches.next()) {
            (Some((_, value)), None) => Some(value),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(text: &str, to: Option<&str>) -> Result<String, CardsError> {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.md"), text).expect("write");
        move_to_column(dir.path(), &Extensions::default(), "a.md", "status", to)?;
        Ok(std::fs::read_to_string(dir.path().join("a.md")).expect("read"))
    }

    #[test]
    fn a_list_has_the_element_of_its_column_replaced() {
        let card = |status: &str| format!("---\ntitle: T\nstatus: {status}\n---\nbody\n");
        assert_eq!(moved(&card("[todo, done]"), Some("active")).expect("moved"), card("[active, done]"));
        assert_eq!(moved(&card("[todo, done]"), Some("done")).expect("moved"), card("[done]"));
        assert_eq!(moved(&card("[todo, Done, x]"), Some("done")).expect("moved"), card("[done, x]"));
        assert_eq!(moved(&card("[todo]"), None).expect("moved"), "---\ntitle: T\n---\nbody\n");
        assert_eq!(moved(&card("[]"), Some("active")).expect("moved"), card("[active]"));
        assert_eq!(moved(&card("todo"), Some("active")).expect("moved"), card("active"));
        assert_eq!(moved(&card("todo"), None).expect("moved"), "---\ntitle: T\n---\nbody\n");
        assert_eq!(
            moved("# no frontmatter\n", Some("active")).expect("moved"),
            "---\nstatus: active\n---\n# no frontmatter\n"
        );
    }

    #[test]
    fn a_move_that_would_lose_values_is_refused_untouched() {
        let err = moved("---\nstatus: [todo, done]\n---\n", None).expect_err("refused");
        assert_eq!(
            err.to_string(),
            "a.md was not moved on the board: `status` holds the list [todo, done], and taking it to the column of cards without a value would drop them all; it was left as it is (change it in your editor)"
        );
        let err = moved("---\nstatus: [1, todo]\n---\n", Some("active")).expect_err("refused");
        assert!(err.to_string().contains("`status` holds a list with values that are not text"), "{err}");
    }
}
