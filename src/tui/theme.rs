//! Colours, or none: `NO_COLOR` (and `--color never`) give a screen of plain text with
//! bold and reverse video only.

use ratatui::style::{Color, Modifier, Style};

pub struct Theme {
    pub tab: Style,
    pub tab_active: Style,
    pub header: Style,
    pub title: Style,
    pub field: Style,
    pub selected: Style,
    pub key: Style,
    pub dim: Style,
    pub error: Style,
    pub cursor: Style,
    pub status: Style,
    pub message: Style,
    /// Markdown in the preview: headings, code, links.
    pub heading: Style,
    pub code: Style,
    pub link: Style,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        let plain = Style::default();
        let reverse = plain.add_modifier(Modifier::REVERSED);
        let bold = plain.add_modifier(Modifier::BOLD);
        if !color {
            return Theme {
                tab: plain,
                tab_active: reverse,
                header: bold,
                title: plain,
                field: plain,
                selected: reverse,
                key: bold,
                dim: plain,
                error: bold,
                cursor: reverse,
                status: reverse,
                message: bold,
                heading: bold,
                code: plain,
                link: plain,
            };
        }
        Theme {
            tab: plain.fg(Color::Gray),
            tab_active: plain.fg(Color::Black).bg(Color::Cyan),
            header: bold.fg(Color::Cyan),
            title: plain,
            field: plain.fg(Color::Gray),
            selected: plain.bg(Color::DarkGray).add_modifier(Modifier::BOLD),
            key: plain.fg(Color::Cyan),
            dim: plain.fg(Color::DarkGray),
            error: plain.fg(Color::Red),
            cursor: reverse,
            status: plain.fg(Color::Black).bg(Color::Gray),
            message: plain.fg(Color::Yellow),
            heading: bold.fg(Color::Magenta),
            code: plain.fg(Color::Yellow),
            link: plain.fg(Color::Blue),
        }
    }
}
