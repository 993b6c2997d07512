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
    Back,
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

fn ch(key: &KeyEvent, c: char) -> bool {
    plain(key) && key.code == KeyCode::Char(c)
}

/// The keymap, in the order the help lists it.
pub const BINDINGS: &[Binding] = &[
    bind("j ↓", "next card", Action::Down, |k| ch(k, 'j') || k.code == KeyCode::Down),
    bind("k ↑", "previous card", Action::Up, |k| ch(k, 'k') || k.code == KeyCode::Up),
    bind("g Home", "first card", Action::Top, |k| ch(k, 'g') || k.code == KeyCode::Home),
    bind("G End", "last card", Action::Bottom, |k| ch(k, 'G') || k.code == KeyCode::End),
    bind("PgDn ^d", "page down", Action::PageDown, |k| {
        k.code == KeyCode::PageDown || (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('d'))
    }),
    bind("PgUp ^u", "page up", Action::PageUp, |k| {
        k.code == KeyCode::PageUp || (k.modifiers == KeyModifiers::CONTROL && k.code == KeyCode::Char('u'))
    }),
    bind("Enter e", "edit the card in $EDITOR", Action::Edit, |k| ch(k, 'e') || k.code == KeyCode::Enter),
    bind("n", "new card (template picker; the view's fields prefilled)", Action::New, |k| ch(k, 'n')),
    bind("Tab 1-9", "next view / view by number", Action::NextView, |k| k.code == KeyCode::Tab),
    bind("S-Tab", "previous view", Action::PrevView, |k| k.code == KeyCode::BackTab),
    bind("s", "cycle the sort order", Action::CycleSort, |k| ch(k, 's')),
    bind("b", "board: columns by the view's group field", Action::Board, |k| ch(k, 'b')),
    bind("h ←", "board: column to the left", Action::ColumnLeft, |k| ch(k, 'h') || k.code == KeyCode::Left),
    bind("l →", "board: column to the right", Action::ColumnRight, |k| {
        ch(k, 'l') || k.code == KeyCode::Right
    }),
    bind("H", "board: move the card to the left column", Action::MoveLeft, |k| ch(k, 'H')),
    bind("L", "board: move the card to the right column", Action::MoveRight, |k| ch(k, 'L')),
    bind("p", "pane: the card / its connections (j k pick, Enter jumps)", Action::Connections, |k| {
        ch(k, 'p')
    }),
    bind("Bksp -", "back to where the last jump left from", Action::Back, |k| {
        ch(k, '-') || (k.code == KeyCode::Backspace && plain(k))
    }),
    bind("r", "re-index the dex", Action::Reindex, |k| ch(k, 'r')),
    bind("/", "filter (plain words fuzzy, field:value terms exact)", Action::Filter, |k| ch(k, '/')),
    bind("?", "this help", Action::Help, |k| ch(k, '?')),
    bind("Esc", "close help / filter / board, or clear the filter", Action::Escape, |k| {
        k.code == KeyCode::Esc
    }),
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
