//! One line being typed — the filter line and the new card's title — with one set of
//! editing keys, so the two never differ: ←/→, Home/End (^a/^e), Backspace/Delete, ^w
//! (the word before the cursor), ^u (all before it), ^k (all after it).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed (the cursor may have moved too).
    Text,
    /// Only the cursor moved (or would have, but is at the end already).
    Cursor,
    /// Not an editing key: the caller's to handle (Enter, Esc, ^c, ↑/↓ ...).
    No,
}

/// Applies `key` to `text` with the cursor at byte offset `cursor` (kept on a char
/// boundary; an offset past the end or inside a char is taken as the end).
pub fn edit(text: &mut String, cursor: &mut usize, key: &KeyEvent) -> Edit {
    if *cursor > text.len() || !text.is_char_boundary(*cursor) {
        *cursor = text.len();
    }
    let at = *cursor;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let before = |text: &str| text[..at].char_indices().next_back().map_or(0, |(i, _)| i);
    let after = |text: &str| text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    match key.code {
        KeyCode::Char('a') if ctrl => *cursor = 0,
        KeyCode::Char('e') if ctrl => *cursor = text.len(),
        KeyCode::Char('u') if ctrl => return remove(text, cursor, 0..at),
        KeyCode::Char('k') if ctrl => return remove(text, cursor, at..text.len()),
        KeyCode::Char('w') if ctrl => return remove(text, cursor, word_start(text, at)..at),
        KeyCode::Backspace if ctrl || alt => return remove(text, cursor, word_start(text, at)..at),
        KeyCode::Char(c) if !ctrl => {
            text.insert(at, c);
            *cursor = at + c.len_utf8();
            return Edit::Text;
        }
        KeyCode::Backspace => return remove(text, cursor, before(text)..at),
        KeyCode::Delete => return remove(text, cursor, at..after(text)),
        KeyCode::Left => *cursor = before(text),
        KeyCode::Right => *cursor = after(text),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = text.len(),
        _ => return Edit::No,
    }
    Edit::Cursor
}

/// Takes `range` out of the text, the cursor at its start; nothing taken is no edit
/// (the filter is then not asked again).
fn remove(text: &mut String, cursor: &mut usize, range: std::ops::Range<usize>) -> Edit {
    if range.is_empty() {
        return Edit::Cursor;
    }
    *cursor = range.start;
    text.replace_range(range, "");
    Edit::Text
}

/// Where the word before `at` starts, as a shell's ^w sees words: the spaces just before
/// the cursor, then everything back to the previous space.
fn word_start(text: &str, at: usize) -> usize {
    let head = text[..at].trim_end_matches(char::is_whitespace);
    head.rfind(char::is_whitespace).map_or(0, |i| i + head[i..].chars().next().map_or(1, char::len_utf8))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text and cursor after `keys` typed on `start`, the cursor shown as `|`.
    fn typed(start: &str, keys: &[KeyEvent]) -> (String, Vec<Edit>) {
        let mut text = start.replace('|', "");
        let mut cursor = start.find('|').unwrap_or(text.len());
        let edits = keys.iter().map(|k| edit(&mut text, &mut cursor, k)).collect();
        text.insert(cursor, '|');
        (text, edits)
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn every_editing_key() {
        use Edit::{Cursor, No, Text};
        assert_eq!(typed("ab|c", &[key(KeyCode::Char('日'))]), ("ab日|c".into(), vec![Text]));
        assert_eq!(typed("a日|c", &[key(KeyCode::Backspace)]), ("a|c".into(), vec![Text]));
        assert_eq!(typed("a|日c", &[key(KeyCode::Delete)]), ("a|c".into(), vec![Text]));
        assert_eq!(typed("ab|", &[key(KeyCode::Delete)]), ("ab|".into(), vec![Cursor]));
        assert_eq!(typed("|ab", &[key(KeyCode::Backspace)]), ("|ab".into(), vec![Cursor]));
        assert_eq!(typed("a日|c", &[key(KeyCode::Left)]), ("a|日c".into(), vec![Cursor]));
        assert_eq!(typed("a|日c", &[key(KeyCode::Right)]), ("a日|c".into(), vec![Cursor]));
        assert_eq!(typed("ab|c", &[key(KeyCode::Home)]), ("|abc".into(), vec![Cursor]));
        assert_eq!(typed("ab|c", &[key(KeyCode::End)]), ("abc|".into(), vec![Cursor]));
        assert_eq!(typed("ab|c", &[ctrl('a')]), ("|abc".into(), vec![Cursor]));
        assert_eq!(typed("a|bc", &[ctrl('e')]), ("abc|".into(), vec![Cursor]));
        assert_eq!(typed("what:note sq|lt", &[ctrl('u')]), ("|lt".into(), vec![Text]));
        assert_eq!(typed("what:note sq|lt", &[ctrl('k')]), ("what:note sq|".into(), vec![Text]));
        assert_eq!(typed("what:note  sq  |lt", &[ctrl('w')]), ("what:note  |lt".into(), vec![Text]));
        assert_eq!(typed("what:note  sq  |lt", &[ctrl('w'), ctrl('w')]).0, "|lt");
        assert_eq!(typed("tag:日本\u{3000}語|", &[ctrl('w')]).0, "tag:日本\u{3000}|", "a wide space");
        let alt_bksp = KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT);
        assert_eq!(typed("a bc|", &[alt_bksp]).0, "a |");
        assert_eq!(typed("ab|", &[ctrl('c'), key(KeyCode::Enter), key(KeyCode::Up)]).1, vec![No, No, No]);
    }

    #[test]
    fn a_cursor_off_a_char_boundary_is_taken_as_the_end() {
        let (mut text, mut cursor) = ("日本".to_string(), 1);
        assert_eq!(edit(&mut text, &mut cursor, &key(KeyCode::Backspace)), Edit::Text);
        assert_eq!((text.as_str(), cursor), ("日", 3));
    }
}
