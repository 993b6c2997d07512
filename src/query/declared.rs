//! Values that break a field's declaration in the config (`[fields.status] type = "enum"`,
//! `type = "number"`, `type = "date"`, `type = "bool"`), for `termdex check`.
//!
//! Answered from the flattened field table: every list element and nested value is a row
//! of its own, so `tags` declared as an enum is checked element by element.

use rusqlite::params_from_iter;

use crate::config::{Config, FieldSpec, FieldType};
use crate::index::Index;

use super::{QueryError, register_functions};

/// One value that breaks its field's declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The card, dex-relative.
    pub path: String,
    /// The field's key, lower-cased (dotted for nested maps).
    pub key: String,
    /// What is wrong: `field `status` is "wip", not one of todo, active, blocked, done`.
    pub message: String,
}

/// Every value in the index that breaks a declaration, by path, then key.
pub fn breaches(index: &Index, config: &Config) -> Result<Vec<Breach>, QueryError> {
    let conn = index.conn();
    let sqlite_error = |cause| QueryError::sqlite(index, cause);
    register_functions(conn).map_err(sqlite_error)?;
    let mut declared: Vec<(&String, &FieldSpec)> = config.fields.iter().collect();
    declared.sort_by_key(|(key, _)| *key);
    let mut found = Vec::new();
    for (key, spec) in declared {
        let Some((condition, expected)) = rule(spec) else { continue };
        let sql = format!(
            "SELECT c.path, f.kind, f.text FROM card_fields f JOIN cards c ON c.id = f.card_id
             WHERE f.key = ?1 AND f.kind <> 'null' AND ({condition}) ORDER BY c.path, f.pos"
        );
        let mut bound = vec![key.clone()];
        if condition.contains("?2") {
            bound.push(serde_json::to_string(&spec.order).unwrap_or_else(|_| "[]".into()));
        }
        let mut stmt = conn.prepare(&sql).map_err(sqlite_error)?;
        let rows = stmt
            .query_map(params_from_iter(&bound), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))
            })
            .map_err(sqlite_error)?;
        for row in rows {
            let (path, kind, text) = row.map_err(sqlite_error)?;
            let shown = match (kind.as_str(), text) {
                ("map", _) | (_, None) => "a map".to_string(),
                ("number" | "bool", Some(text)) => text,
                (_, Some(text)) => format!("{text:?}"),
            };
            found.push(Breach {
                path,
                key: key.clone(),
                message: format!("field `{key}` is {shown}, {expected}"),
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// The SQL condition over a `card_fields` row `f` that breaks the declaration, and what
/// was expected; `None` when the declaration allows anything. `?2` is the JSON list of
/// an enum's values.
fn rule(spec: &FieldSpec) -> Option<(&'static str, String)> {
    match spec.field_type? {
        FieldType::Number => Some((
            "NOT (f.kind = 'number' OR (f.kind = 'text' AND number_text(f.text) IS NOT NULL))",
            "not a number".into(),
        )),
        FieldType::Date => Some(("f.kind <> 'date'", "not a date".into())),
        FieldType::Bool => Some(("f.kind <> 'bool'", "not true or false".into())),
        FieldType::Enum if !spec.order.is_empty() => Some((
            "f.norm IS NULL OR f.norm NOT IN (SELECT value FROM json_each(?2))",
            format!("not one of {}", spec.order.join(", ")),
        )),
        FieldType::Enum | FieldType::Text => None,
    }
}
