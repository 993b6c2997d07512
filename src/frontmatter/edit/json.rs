//! JSON in place: the members of the top-level object found by a small scanner over text
//! that already parsed, and the one comma that goes or comes with a member.

use std::ops::Range;

use super::render::json_string;
use super::{EditError, Request, Splice, failed, layout};

/// A member of the top-level JSON object, as byte ranges of the (already valid) text.
struct JsonMember {
    key: String,
    key_span: Range<usize>,
    value: Range<usize>,
    /// The comma after the value, if another member follows.
    comma: Option<usize>,
}

struct JsonObject {
    open: usize,
    close: usize,
    members: Vec<JsonMember>,
}

pub(super) fn splice(content: &str, request: &Request) -> Result<Splice, EditError> {
    let object = json_object(content)?;
    let index = match request.field {
        Some(field) => Some(json_member_index(&object, field)?),
        None => None,
    };
    let members = &object.members;
    Ok(match (index, &request.value) {
        (Some(i), Some(value)) => Splice { range: members[i].value.clone(), text: value.clone() },
        (Some(i), None) => Splice { range: json_removal(&object, i), text: String::new() },
        (None, Some(value)) => json_addition(content, &object, &json_string(request.key), value, request.eol),
        (None, None) => return Err(failed("the field to remove was not found in the text".into())),
    })
}

fn json_member_index(object: &JsonObject, field: &str) -> Result<usize, EditError> {
    let mut found = object.members.iter().enumerate().filter(|(_, m)| m.key == field).map(|(i, _)| i);
    match (found.next(), found.next()) {
        (Some(i), None) => Ok(i),
        (Some(_), Some(_)) => {
            Err(EditError::Unsupported { key: field.to_string(), reason: "it appears more than once".into() })
        }
        (None, _) => Err(failed(format!("`{field}` was not found in the text"))),
    }
}

/// What to cut so that the member and exactly one comma go: up to the next key, or for
/// the last member from the end of the previous value.
fn json_removal(object: &JsonObject, i: usize) -> Range<usize> {
    let members = &object.members;
    if members.len() == 1 {
        object.open + 1..members[i].value.end
    } else if i + 1 < members.len() {
        members[i].key_span.start..members[i + 1].key_span.start
    } else {
        members[i - 1].value.end..members[i].value.end
    }
}

/// A new last member, spaced like the members before it (`, ` or a new indented line).
fn json_addition(content: &str, object: &JsonObject, key: &str, value: &str, eol: &str) -> Splice {
    let members = &object.members;
    let Some(last) = members.last() else {
        let inside = &content[object.open + 1..object.close];
        let gap = if inside.contains('\n') { format!("{eol}  ") } else { String::new() };
        return Splice { range: object.open + 1..object.open + 1, text: format!("{gap}{key}: {value}") };
    };
    let gap_start = match members.len() {
        1 => object.open + 1,
        n => members[n - 2].comma.map_or(last.key_span.start, |comma| comma + 1),
    };
    let gap = &content[gap_start..last.key_span.start];
    let separator = &content[last.key_span.end..last.value.start];
    Splice { range: last.value.end..last.value.end, text: format!(",{gap}{key}{separator}{value}") }
}

fn json_object(content: &str) -> Result<JsonObject, EditError> {
    let malformed = || layout("its JSON could not be scanned");
    let bytes = content.as_bytes();
    let open = skip_json_space(bytes, 0);
    if bytes.get(open) != Some(&b'{') {
        return Err(layout("the JSON frontmatter is not an object"));
    }
    let mut members = Vec::new();
    let mut pos = skip_json_space(bytes, open + 1);
    if bytes.get(pos) == Some(&b'}') {
        return Ok(JsonObject { open, close: pos, members });
    }
    loop {
        let member = json_member(content, pos).ok_or_else(malformed)?;
        pos = skip_json_space(bytes, member.value.end);
        let comma = member.comma;
        members.push(member);
        match comma {
            Some(comma) => pos = skip_json_space(bytes, comma + 1),
            None if bytes.get(pos) == Some(&b'}') => return Ok(JsonObject { open, close: pos, members }),
            None => return Err(malformed()),
        }
    }
}

/// The member starting at `pos` (a key string), or `None` if the text is not as expected.
fn json_member(content: &str, pos: usize) -> Option<JsonMember> {
    let bytes = content.as_bytes();
    let key_end = skip_json_string(bytes, pos)?;
    let key: String = serde_json::from_str(&content[pos..key_end]).ok()?;
    let colon = skip_json_space(bytes, key_end);
    (bytes.get(colon) == Some(&b':')).then_some(())?;
    let value_start = skip_json_space(bytes, colon + 1);
    let value_end = skip_json_value(bytes, value_start)?;
    let after = skip_json_space(bytes, value_end);
    let comma = (bytes.get(after) == Some(&b',')).then_some(after);
    Some(JsonMember { key, key_span: pos..key_end, value: value_start..value_end, comma })
}

fn skip_json_space(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        pos += 1;
    }
    pos
}

/// Just past the string that opens at `pos`.
fn skip_json_string(bytes: &[u8], pos: usize) -> Option<usize> {
    (bytes.get(pos) == Some(&b'"')).then_some(())?;
    let mut i = pos + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Just past the value that starts at `pos`: a string, a nested object or array, or a
/// number / `true` / `false` / `null`.
fn skip_json_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => skip_json_string(bytes, pos),
        b'{' | b'[' => skip_json_nested(bytes, pos),
        _ => {
            let len = bytes[pos..].iter().take_while(|b| !b",}] \t\r\n".contains(b)).count();
            (len > 0).then_some(pos + len)
        }
    }
}

fn skip_json_nested(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = pos;
    loop {
        match bytes.get(i)? {
            b'"' => {
                i = skip_json_string(bytes, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}
