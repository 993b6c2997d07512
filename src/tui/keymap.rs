//! Keys as data: one table maps keys to named actions, and the help overlay is generated
//! from the same table, so the two can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    Edit,
    New,
    NextView,
    PrevView,
    CycleSort,
    Board,
    ColumnLeft,
    ColumnRight,
    MoveLeft,
    MoveRight,
    Reindex,
    Connections,
    PreviewDown,
    PreviewUp,
    Back,
    Outline,
    Indent,
    Outdent,
    MoveUp,
    MoveDown,
    AddChild,
    Fold,
    Help,
    Filter,
    Escape,
    Quit,
}

/// One row of the keymap: the keys, what the help calls them, the action.
pub struct Binding {
    pub keys: &'static str,
    pub help: &'static str,
    pub action: Action,
    matches: fn(&KeyEvent) -> bool,
}

const fn bind(
    keys: &'static str,
    help: &'static str,
    action: Action,
    matches: fn(&KeyEvent) -> bool,
) -> Binding {
    Binding { keys, help, action, matches }
}

fn plain(key: &KeyEvent) -> bool {
    !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Shift with an arrow scrolls the preview, not the list.
fn shifted(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::SHIFT)
}

fn ch(key: &KeyEvent, c: char) -> bool {
    plain(key) && key.code == KeyCode::Char(c)
}

/// The keymap, in the order the help lists it.
pub const BINDINGS: &[Binding] = &[
    bind("j ↓", "next card", Action::Down, |k| ch(k, 'j') || (k.code == KeyCode::Down && !shifted(k))),
    bind("k ↑", "previous card", Action::Up, |k| ch(k, 'k') || (k.code == KeyCode::Up && !shifted(k))),
    bind("g Home", "first card", Action::Top, |k| ch(k, 'g') || k.code == KeyCode::Home),
    bind("G End", "last card", Action::Bottom, |k| ch(k, 'G') || k.code == KeyCode::End),
    bind("PgDn ^d", "page down", Action::PageDown, |k| {
        k.code == KeyCode::PageDown || (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('d'))
    }),
    bind("PgUp ^u", "page up", Action::PageUp, |k| {
        k.code == KeyCode::PageUp || (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('u'))
    }),
    bind("Enter e", "edit the card in $EDITOR", Action::Edit, |k| ch(k, 'e') || k.code == KeyCode::Enter),
    bind("n", "new card, view's fields set", Action::New, |k| ch(k, 'n')),
    bind("Tab 1-9", "next view / view by number", Action::NextView, |k| k.code == KeyCode::Tab),
    bind("S-Tab", "previous view", Action::PrevView, |k| k.code == KeyCode::BackTab),
    bind("s", "cycle the sort order", Action::CycleSort, |k| ch(k, 's')),
    bind("b", "board by the group field", Action::Board, |k| ch(k, 'b')),
    bind("h ←", "left column / close a branch", Action::ColumnLeft, |k| {
        ch(k, 'h') || k.code == KeyCode::Left
    }),
    bind("l →", "right column / open a branch", Action::ColumnRight, |k| {
        ch(k, 'l') || k.code == KeyCode::Right
    }),
    bind("H", "move the card a column left", Action::MoveLeft, |k| ch(k, 'H')),
    bind("L", "move the card a column right", Action::MoveRight, |k| ch(k, 'L')),
    bind("p", "connections (Enter jumps)", Action::Connections, |k| ch(k, 'p')),
    bind("^f S-↓", "scroll the preview down", Action::PreviewDown, |k| {
        (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('f'))
            || (k.modifiers == KeyModifiers::SHIFT && k.code == KeyCode::Down)
    }),
    bind("^b S-↑", "scroll the preview up", Action::PreviewUp, |k| {
        (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('b'))
            || (k.modifiers == KeyModifiers::SHIFT && k.code == KeyCode::Up)
    }),
    bind("Bksp -", "back along the jumps", Action::Back, |k| {
        ch(k, '-') || (k.code == KeyCode::Backspace && plain(k))
    }),
    bind("o", "outline: cards under parents", Action::Outline, |k| ch(k, 'o')),
    bind(">", "under the card above (or Tab)", Action::Indent, |k| ch(k, '>')),
    bind("<", "out to the parent's level", Action::Outdent, |k| ch(k, '<')),
    bind("K", "up among its siblings", Action::MoveUp, |k| ch(k, 'K')),
    bind("J", "down among its siblings", Action::MoveDown, |k| ch(k, 'J')),
    bind("a", "add a card under this one", Action::AddChild, |k| ch(k, 'a')),
    bind("z", "zM close all, zR open all", Action::Fold, |k| ch(k, 'z')),
    bind("r", "re-index the dex", Action::Reindex, |k| ch(k, 'r')),
    bind("/", "filter (fuzzy, key:value)", Action::Filter, |k| ch(k, '/')),
    bind("?", "this help", Action::Help, |k| ch(k, '?')),
    bind("Esc", "close pane, clear the filter", Action::Escape, |k| k.code == KeyCode::Esc),
    bind("q ^c", "quit", Action::Quit, |k| {
        ch(k, 'q') || (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('c'))
    }),
];

/// The action a key asks for, if any.
pub fn action(key: &KeyEvent) -> Option<Action> {
    BINDINGS.iter().find(|b| (b.matches)(key)).map(|b| b.action)
}

/// `1`..`9`: a view by its number.
pub fn view_number(key: &KeyEvent) -> Option<usize> {
    match key.code {
        KeyCode::Char(c @ '1'..='9') if plain(key) => Some(c as usize - '1' as usize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(action(&key(KeyCode::Char('j'))), Some(Action::Down));
        assert_eq!(action(&key(KeyCode::Char('H'))), Some(Action::MoveLeft));
        assert_eq!(action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(action(&key(KeyCode::Char('x'))), None);
        assert_eq!(view_number(&key(KeyCode::Char('3'))), Some(2));
    }
}
