//! Reading `key=value` arguments: the key as a field name, the value kept as typed, a
//! `[a, b]` list split into its (maybe quoted) elements.

use super::{EditError, EditValue};

/// Splits `key=value` at the first `=`. The value is kept exactly as typed (spaces too);
/// `[a, b]` is a list, whose elements may be quoted (`["a, b", 'c]']`) to hold a comma;
/// `[[a card]]` is one wiki link (text), as a parent or a link is written.
pub fn parse_assignment(arg: &str) -> Result<(String, EditValue), EditError> {
    let bad = |reason: &str| EditError::Assignment { arg: arg.to_string(), reason: reason.to_string() };
    let (key, raw) = arg.split_once('=').ok_or_else(|| bad("there is no `=`"))?;
    if let Some(reason) = key_problem(key) {
        return Err(bad(reason));
    }
    let value = match raw.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(_) if is_wiki_link(raw) => EditValue::Scalar(raw.to_string()),
        Some(inner) => EditValue::List(parse_list(inner).map_err(|reason| bad(&reason))?),
        None => EditValue::Scalar(raw.to_string()),
    };
    Ok((key.to_string(), value))
}

/// `[[name]]`, `[[name|label]]`: one link, with no bracket inside.
fn is_wiki_link(raw: &str) -> bool {
    raw.strip_prefix("[[")
        .and_then(|rest| rest.strip_suffix("]]"))
        .is_some_and(|inner| !inner.trim().is_empty() && !inner.contains(['[', ']']))
}

/// Why `key` can't name a field, if it can't.
pub(super) fn key_problem(key: &str) -> Option<&'static str> {
    if key.is_empty() {
        Some("the field name is empty")
    } else if key.chars().any(char::is_whitespace) {
        Some("a field name can't contain spaces")
    } else if key.contains('=') {
        Some("a field name can't contain `=`")
    } else if key.chars().any(char::is_control) {
        Some("a field name can't contain control characters")
    } else {
        None
    }
}

fn parse_list(inner: &str) -> Result<Vec<String>, String> {
    let mut items = Vec::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let (item, after) = list_item(rest)?;
        items.push(item);
        let after = after.trim_start();
        rest = match after.strip_prefix(',') {
            Some(next) => next.trim_start(),
            None if after.is_empty() => after,
            None => return Err(format!("expected `,` before `{after}` in the list")),
        };
    }
    Ok(items)
}

/// One list element and the text after it.
fn list_item(text: &str) -> Result<(String, &str), String> {
    match text.chars().next() {
        Some(quote @ ('"' | '\'')) => quoted_item(&text[1..], quote),
        _ => {
            let end = text.find(',').unwrap_or(text.len());
            let item = text[..end].trim_end();
            if item.is_empty() {
                return Err("a list element is empty (write \"\" for empty text)".into());
            }
            Ok((item.to_string(), &text[end..]))
        }
    }
}

/// Inside double quotes a backslash takes the next character literally; single quotes
/// take everything literally.
fn quoted_item(text: &str, quote: char) -> Result<(String, &str), String> {
    let mut item = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => match chars.next() {
                Some((_, escaped)) => item.push(escaped),
                None => break,
            },
            c if c == quote => return Ok((item, &text[i + c.len_utf8()..])),
            c => item.push(c),
        }
    }
    Err(format!("a list element opened with {quote} is not closed"))
}
