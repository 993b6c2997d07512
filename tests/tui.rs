//! The TUI on ratatui's TestBackend: a real dex in a temp dir, real index and query
//! layer, key presses through `App::update`, effects through `Deck` (its reader thread
//! included, waited for before each look at the screen), and the rendered screen
//! compared with snapshots (`cargo insta review` to update them).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use termdex::config::Config;
use termdex::dex::Dex;
use termdex::frontmatter::EditValue;
use termdex::index::{Index, refresh};
use termdex::query::connections::Kind;
use termdex::tui::app::{App, ConnectionsPane, Effect, Mode, Pane, Query, Reply};
use termdex::tui::deck::{Deck, Screen};
use termdex::tui::outline::Read;
use termdex::tui::view;
use unicode_width::UnicodeWidthStr;

struct Fixture {
    _dir: tempfile::TempDir,
    dex: Dex,
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        root,
        "tasks/write-parser.md",
        "---\ntitle: Write the filter parser\nwhat: task\nstatus: active\nwhen: today\ntags: [rust, cli]\n---\nCarets under errors.\n",
    );
    write(
        root,
        "tasks/ship.md",
        "---\ntitle: Ship the release\nwhat: task\nstatus: todo\nwhen: week\ndeadline: 2026-12-01\n---\nTag and publish.\n",
    );
    write(
        root,
        "tasks/bike.md",
        "+++\ntitle = \"Fix the bike\"\nwhat = \"task\"\nstatus = \"blocked\"\nwhen = \"someday\"\nparent = \"Ship the release\"\norder = 10\n+++\nChain and brakes, before [[Ship the release]].\n",
    );
    write(
        root,
        "tasks/done.md",
        "---\ntitle: Old chore\nwhat: task\nstatus: done\nwhen: today\nparent: \"[[Ship the release]]\"\n---\n",
    );
    write(
        root,
        "notes/sqlite.md",
        "---\ntitle: SQLite notes\nwhat: note\ntags: [sqlite]\n---\n# SQLite notes\nWAL mode and checkpoints.\n",
    );
    write(
        root,
        "notes/escape.md",
        "---\ntitle: \"Evil \\e[31mred\\e[0m title that is much too long to fit in any column of a small screen\"\nwhat: note\n---\nBody with \u{1b}]0;pwned\u{7} an OSC sequence.\n",
    );
    write(
        root,
        "bookmarks/fts5.md",
        "{\"title\": \"FTS5 docs\", \"what\": \"bookmark\", \"url\": \"https://sqlite.org/fts5.html\"}\n",
    );
    let dex = Dex::at(root).expect("dex");
    let mut index = Index::open(&dex.index_path()).expect("open").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    Fixture { _dir: dir, dex }
}

/// How long a test waits for the reader; it answers these small dexes in milliseconds.
const PATIENCE: Duration = Duration::from_secs(10);

/// The TUI as the runtime sets it up, on `view`, for a screen of `w`x`h`, with every
/// answer in.
fn open(fixture: &Fixture, view: &str, w: u16, h: u16) -> (App, Deck) {
    let config = Config::load(&fixture.dex.state_dir()).expect("config");
    let (mut deck, _) = Deck::open(fixture.dex.clone(), config.clone()).expect("deck");
    let mut app = App::new(config, Some(view), deck.templates());
    app.color = false;
    app.page = view::page_size(Rect::new(0, 0, w, h));
    deck.start(&mut app, PATIENCE);
    deck.after_first_frame(&mut app);
    deck.keep_index_current(&mut app);
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    (app, deck)
}

/// No editor in these tests: the effects that need one are not run.
struct NoScreen;

impl Screen for NoScreen {
    fn suspended(
        &mut self,
        _: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus> {
        None
    }
}

fn press(app: &mut App, deck: &mut Deck, codes: &[KeyCode]) {
    for code in codes {
        send(app, deck, &Event::Key(KeyEvent::new(*code, KeyModifiers::NONE)));
    }
}

/// An event as the event loop handles it, then everything it led to, in.
fn send(app: &mut App, deck: &mut Deck, event: &Event) {
    for effect in app.update(event) {
        deck.perform(effect, app, &mut NoScreen);
    }
    assert!(deck.settle(app, PATIENCE), "the deck settles");
}

/// Lets the deck take in what its reader notices on its own, until `done` or the patience
/// runs out; no key is pressed.
fn wait_for(app: &mut App, deck: &mut Deck, done: impl Fn(&App) -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while !done(app) {
        if Instant::now() >= deadline {
            return false;
        }
        deck.receive(app, Duration::from_millis(50));
    }
    true
}

fn shown(app: &App) -> Vec<&str> {
    app.visible.iter().map(|&i| app.rows[i].path.as_str()).collect()
}

fn typed(text: &str) -> Vec<KeyCode> {
    text.chars().map(KeyCode::Char).collect()
}

fn screen(app: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|frame| view::render(app, frame)).expect("draw");
    terminal.backend().to_string()
}

#[test]
fn list_with_preview() {
    let f = fixture();
    let (app, _deck) = open(&f, "all", 100, 16);
    insta::assert_snapshot!(screen(&app, 100, 16));
}

#[test]
fn the_tasks_view_sorts_by_when_and_hides_done_tasks() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "tasks", 100, 12);
    press(&mut app, &mut deck, &[KeyCode::Char('j')]);
    insta::assert_snapshot!(screen(&app, 100, 12));
}

#[test]
fn filtering_fuzzy_and_structured_with_an_inline_error() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("what:"));
    insta::assert_snapshot!("error_keeps_results", screen(&app, 100, 12));
    press(&mut app, &mut deck, &typed("note"));
    insta::assert_snapshot!("structured", screen(&app, 100, 12));
    press(&mut app, &mut deck, &typed(" sqlt"));
    insta::assert_snapshot!("fuzzy", screen(&app, 100, 12));
}

#[test]
fn board_and_moving_a_card_rewrites_one_field() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "tasks", 100, 12);
    press(&mut app, &mut deck, &[KeyCode::Char('b')]);
    insta::assert_snapshot!("board", screen(&app, 100, 12));
    let before = std::fs::read_to_string(f.dex.root.join("tasks/write-parser.md")).expect("read");
    press(&mut app, &mut deck, &[KeyCode::Char('L')]);
    let after = std::fs::read_to_string(f.dex.root.join("tasks/write-parser.md")).expect("read");
    assert_eq!(after, before.replace("when: today", "when: tomorrow"), "only that line changed");
    assert_eq!(app.selected_path().as_deref(), Some("tasks/write-parser.md"), "the cursor follows the card");
    insta::assert_snapshot!("board_after_move", screen(&app, 100, 12));
}

#[test]
fn help_overlay_lists_every_key() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 80, 30);
    press(&mut app, &mut deck, &[KeyCode::Char('?')]);
    insta::assert_snapshot!(screen(&app, 80, 30));
}

/// The rows of the help overlay as the screen shows them: (keys, what they do).
fn help_rows(screen: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains("┌ keys")).expect("the help is open");
    let rows = lines[top + 1..].iter().take_while(|l| !l.contains('└'));
    // One column, or two side by side when the screen is too short for one.
    let mut left = Vec::new();
    let mut right = Vec::new();
    for line in rows {
        let parts: Vec<&str> = line.split('│').collect();
        let cells = &parts[1..parts.len() - 1];
        for (i, cell) in cells.iter().enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let (keys, help) = cell.split_once("  ").expect("keys, then what they do");
            let row = (keys.to_string(), help.trim().to_string());
            if i == 0 { left.push(row) } else { right.push(row) }
        }
    }
    left.extend(right);
    left
}

/// The key presses a key name in the help stands for, as a terminal sends them.
fn key_presses(name: &str) -> Vec<KeyEvent> {
    let plain = |code| vec![KeyEvent::new(code, KeyModifiers::NONE)];
    match name {
        "↓" => plain(KeyCode::Down),
        "↑" => plain(KeyCode::Up),
        "←" => plain(KeyCode::Left),
        "→" => plain(KeyCode::Right),
        "Home" => plain(KeyCode::Home),
        "End" => plain(KeyCode::End),
        "PgDn" => plain(KeyCode::PageDown),
        "PgUp" => plain(KeyCode::PageUp),
        "Enter" => plain(KeyCode::Enter),
        "Tab" => plain(KeyCode::Tab),
        "S-Tab" => vec![KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)],
        "S-↓" => vec![KeyEvent::new(KeyCode::Down, KeyModifiers::SHIFT)],
        "S-↑" => vec![KeyEvent::new(KeyCode::Up, KeyModifiers::SHIFT)],
        "Esc" => plain(KeyCode::Esc),
        "Bksp" => plain(KeyCode::Backspace),
        "1-9" => ('1'..='9').flat_map(|c| plain(KeyCode::Char(c))).collect(),
        _ if name.starts_with('^') && name.chars().count() == 2 => {
            vec![KeyEvent::new(KeyCode::Char(name.chars().nth(1).expect("a letter")), KeyModifiers::CONTROL)]
        }
        _ if name.chars().count() == 1 => plain(KeyCode::Char(name.chars().next().expect("a char"))),
        _ => panic!("the help names a key `{name}` this test cannot press: teach key_presses it"),
    }
}

/// One key through `App::update`; what it asked for is returned, not done.
fn feed(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    app.update(&Event::Key(key))
}

/// Does what `feed` returned, as the event loop would, and waits for the answers.
fn perform(app: &mut App, deck: &mut Deck, effects: Vec<Effect>) {
    for effect in effects {
        deck.perform(effect, app, &mut NoScreen);
    }
    assert!(deck.settle(app, PATIENCE), "the deck settles");
}

/// Effects but the preview reads that follow the cursor wherever it went.
fn but_previews(effects: Vec<Effect>) -> Vec<Effect> {
    effects.into_iter().filter(|e| !matches!(e, Effect::Preview { .. })).collect()
}

/// One key through `App::update`, and what it asked for done.
fn step(app: &mut App, deck: &mut Deck, key: KeyEvent) {
    let effects = feed(app, key);
    perform(app, deck, effects);
}

/// Opens a board on the tasks view (by `when`), the cursor on `tasks/ship.md` (`week`,
/// the third column, after `today` and an empty `tomorrow`).
fn board_on_ship(f: &Fixture) -> (App, Deck) {
    let (mut app, mut deck) = open(f, "tasks", 100, 20);
    press(&mut app, &mut deck, &[KeyCode::Char('b')]);
    app.select_path("tasks/ship.md");
    let board = app.board.as_ref().expect("a board");
    assert_eq!((board.field.as_str(), board.column), ("when", 2));
    (app, deck)
}

/// The connections pane's answer: each connection's kind and card (or broken name).
fn connections_shown(app: &App) -> (ConnectionsPane, Vec<(Kind, String)>) {
    let pane = app.connections.clone().expect("the connections pane");
    let Some(Ok(items)) = &pane.items else { panic!("no answer: {pane:?}") };
    let lines = items.iter().map(|c| (c.kind, c.path.clone().unwrap_or(c.title.clone()))).collect();
    (pane, lines)
}

/// The TUI on the `outline` view, the cursor on `path`.
fn outline_on(f: &Fixture, path: &str) -> (App, Deck) {
    let (mut app, deck) = open(f, "outline", 80, 26);
    assert!(app.outline.as_ref().is_some_and(|o| !o.shown.is_empty()), "the outline view shows the outline");
    app.select_path(path);
    assert_eq!(app.selected_path().as_deref(), Some(path));
    (app, deck)
}

/// The cards the outline shows, in order.
fn shown_outline(app: &App) -> Vec<String> {
    let outline = app.outline.as_ref().expect("the outline");
    outline.shown.iter().filter_map(|s| outline.tree.nodes[s.node].path().map(str::to_string)).collect()
}

/// Every card's bytes, to put back after a check that writes.
fn saved_cards(f: &Fixture) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut saved = Vec::new();
    for dir in ["tasks", "notes", "bookmarks"] {
        for entry in std::fs::read_dir(f.dex.root.join(dir)).expect("dir").flatten() {
            saved.push((entry.path(), std::fs::read(entry.path()).expect("read")));
        }
    }
    saved
}

fn restore(saved: Vec<(std::path::PathBuf, Vec<u8>)>) {
    for (path, bytes) in saved {
        std::fs::write(path, bytes).expect("restore");
    }
}

/// Checks that `key` does what the help says (`help`), on a fresh TUI.
fn check_key(f: &Fixture, help: &str, key: KeyEvent) {
    let (mut app, mut deck) = open(f, "all", 80, 26);
    let at = |app: &App| app.selected_path().unwrap_or_default();
    match help {
        "next card" | "previous card" | "first card" | "last card" | "page down" | "page up" => {
            app.page = 2;
            app.selected = 3;
            let last = app.visible.len() - 1;
            let expected = match help {
                "next card" => 4,
                "previous card" => 2,
                "first card" => 0,
                "last card" => last,
                "page down" => 5,
                _ => 1,
            };
            let wanted = shown(&app)[expected].to_string();
            step(&mut app, &mut deck, key);
            assert_eq!(at(&app), wanted);
        }
        "edit the card in $EDITOR" => {
            app.selected = 2;
            let wanted = at(&app);
            assert_eq!(but_previews(feed(&mut app, key)), [Effect::Edit { path: wanted }]);
        }
        "new card, view's fields set" => {
            let (mut app, _deck) = open(f, "tasks", 80, 26);
            assert!(feed(&mut app, key).is_empty());
            assert!(matches!(app.mode, Mode::Templates { .. }), "{:?}", app.mode);
            let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
            assert!(feed(&mut app, enter).is_empty(), "the title is asked next");
            let chosen = feed(&mut app, enter);
            let task = EditValue::Scalar("task".into());
            assert!(
                matches!(&chosen[..], [Effect::New { sets, .. }] if sets.contains(&("what".into(), task))),
                "{chosen:?}"
            );
        }
        "next view / view by number" => {
            let wanted = match key.code {
                KeyCode::Tab => "notes".to_string(),
                KeyCode::Char(n) => {
                    let n = n.to_digit(10).expect("a digit") as usize;
                    app.views.get(n - 1).map_or("all".into(), |v| v.name.clone())
                }
                other => panic!("{other:?} is no view key"),
            };
            step(&mut app, &mut deck, key);
            assert_eq!(app.current_view().name, wanted);
            if wanted == "notes" {
                assert_eq!(shown(&app), ["notes/escape.md", "notes/sqlite.md"], "the view's cards are shown");
            }
        }
        "previous view" => {
            step(&mut app, &mut deck, key);
            assert_eq!(app.current_view().name, "bookmarks");
            assert_eq!(shown(&app), ["bookmarks/fts5.md"]);
        }
        "cycle the sort order" => {
            let before = app.sort_name();
            let effects = but_previews(feed(&mut app, key));
            assert!(matches!(&effects[..], [Effect::Query(q)] if q.sort.is_some()), "{effects:?}");
            assert_ne!(app.sort_name(), before);
        }
        "board by the group field" => {
            let (mut app, _deck) = open(f, "tasks", 80, 26);
            feed(&mut app, key);
            let board = app.board.as_ref().expect("a board");
            let labels: Vec<&str> = board.columns.iter().map(|c| c.label.as_str()).collect();
            assert_eq!(board.field, "when");
            assert_eq!(labels, ["today", "tomorrow", "week", "month", "quarter", "someday", "(none)"]);
        }
        "left column / close a branch" | "right column / open a branch" => {
            let (mut app, _deck) = board_on_ship(f);
            feed(&mut app, key);
            let left = help.starts_with("left");
            assert_eq!(app.board.as_ref().map(|b| b.column), Some(if left { 1 } else { 3 }));
            let (mut app, mut deck) = outline_on(f, "tasks/ship.md");
            if !left {
                press(&mut app, &mut deck, &[KeyCode::Char('h')]);
            }
            let children = |app: &App| shown_outline(app).contains(&"tasks/done.md".to_string());
            assert_eq!(children(&app), left, "the branch before");
            step(&mut app, &mut deck, key);
            assert_eq!(children(&app), !left, "h closes the branch, l opens it");
        }
        "move the card a column left" | "move the card a column right" => {
            let (mut app, mut deck) = board_on_ship(f);
            step(&mut app, &mut deck, key);
            let wanted = if help.ends_with("left") { "when: tomorrow" } else { "when: month" };
            let card = std::fs::read_to_string(f.dex.root.join("tasks/ship.md")).expect("read");
            assert!(card.contains(wanted), "{card}");
            std::fs::write(f.dex.root.join("tasks/ship.md"), card.replace(wanted, "when: week"))
                .expect("undo");
        }
        "re-index the dex" => {
            let effects = feed(&mut app, key);
            assert_eq!(but_previews(effects.clone()), [Effect::Reindex]);
            assert!(app.index.refreshing);
            perform(&mut app, &mut deck, effects);
            assert!(!app.index.refreshing);
        }
        "filter (fuzzy, key:value)" => {
            step(&mut app, &mut deck, key);
            assert!(app.filter.editing);
            press(&mut app, &mut deck, &typed("what:note"));
            assert_eq!(shown(&app), ["notes/escape.md", "notes/sqlite.md"], "exact");
            press(&mut app, &mut deck, &typed(" sqlt"));
            assert_eq!(shown(&app), ["notes/sqlite.md"], "fuzzy");
        }
        "this help" => {
            feed(&mut app, key);
            assert_eq!(app.mode, Mode::Help);
            feed(&mut app, KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
            assert_eq!(app.mode, Mode::List, "any key closes it");
        }
        "close pane, clear the filter" => {
            app.mode = Mode::Help;
            feed(&mut app, key);
            assert_eq!(app.mode, Mode::List, "help");
            press(&mut app, &mut deck, &[KeyCode::Char('/'), KeyCode::Char('s')]);
            step(&mut app, &mut deck, key);
            assert!(!app.filter.editing && app.filter.text.is_empty(), "filter: {:?}", app.filter);
            press(&mut app, &mut deck, &[KeyCode::Char('/'), KeyCode::Char('s'), KeyCode::Enter]);
            assert!(!app.filter.editing && app.filter.text == "s");
            step(&mut app, &mut deck, key);
            assert_eq!((app.filter.text.as_str(), app.visible.len()), ("", 7), "the filter is cleared");
            let (mut app, _deck) = board_on_ship(f);
            feed(&mut app, key);
            assert!(app.board.is_none(), "board");
        }
        "quit" => {
            feed(&mut app, key);
            assert!(app.quit);
        }
        "outline: cards under parents" => {
            step(&mut app, &mut deck, key);
            let outline = app.outline.as_ref().expect("the outline");
            let done = outline.tree.find("tasks/done.md").expect("done");
            let ship = outline.tree.find("tasks/ship.md").expect("ship");
            assert_eq!(outline.tree.nodes[done].parent, Some(ship), "under its parent");
            step(&mut app, &mut deck, key);
            assert!(app.outline.is_none(), "o again: the list");
        }
        "under the card above (or Tab)"
        | "out to the parent's level"
        | "up among its siblings"
        | "down among its siblings" => {
            let saved = saved_cards(f);
            let (card, field_after) = match help {
                "under the card above (or Tab)" => ("tasks/done.md", "parent: \"[[tasks/bike]]\""),
                "out to the parent's level" => ("tasks/done.md", "order: 40"),
                "up among its siblings" => ("tasks/done.md", "order: 5"),
                _ => ("tasks/bike.md", "order = 20"),
            };
            let (mut app, mut deck) = outline_on(f, card);
            step(&mut app, &mut deck, key);
            let text = std::fs::read_to_string(f.dex.root.join(card)).expect("read");
            assert!(text.contains(field_after), "{help}: {text}");
            if help.starts_with("out") {
                assert!(!text.contains("parent"), "{text}");
            }
            assert_eq!(app.selected_path().as_deref(), Some(card), "the cursor stays on the card");
            restore(saved);
        }
        "add a card under this one" => {
            let (mut app, _deck) = outline_on(f, "tasks/ship.md");
            feed(&mut app, key);
            assert!(matches!(app.mode, Mode::Templates { .. }), "{:?}", app.mode);
            let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
            assert!(feed(&mut app, enter).is_empty(), "the title is asked next");
            let chosen = feed(&mut app, enter);
            let parent = ("parent".to_string(), EditValue::Scalar("[[tasks/ship]]".into()));
            assert!(
                matches!(&chosen[..], [Effect::New { sets, .. }] if sets.contains(&parent)),
                "{chosen:?}"
            );
        }
        "zM close all, zR open all" => {
            let (mut app, mut deck) = outline_on(f, "tasks/done.md");
            step(&mut app, &mut deck, key);
            press(&mut app, &mut deck, &[KeyCode::Char('M')]);
            assert!(!shown_outline(&app).contains(&"tasks/done.md".to_string()), "zM");
            assert_eq!(app.selected_path().as_deref(), Some("tasks/ship.md"), "the top of its branch");
            step(&mut app, &mut deck, key);
            press(&mut app, &mut deck, &[KeyCode::Char('R')]);
            assert!(shown_outline(&app).contains(&"tasks/done.md".to_string()), "zR");
        }
        "connections (Enter jumps)" => {
            app.select_path("tasks/bike.md");
            step(&mut app, &mut deck, key);
            assert_eq!(app.pane, Pane::Connections);
            let (pane, lines) = connections_shown(&app);
            assert_eq!(pane.path, "tasks/bike.md");
            assert!(lines.contains(&(Kind::Link, "tasks/ship.md".into())), "{lines:?}");
            let link = lines.iter().position(|l| *l == (Kind::Link, "tasks/ship.md".into()));
            for _ in 0..link.expect("the link") {
                press(&mut app, &mut deck, &[KeyCode::Char('j')]);
            }
            assert_eq!(at(&app), "tasks/bike.md", "j chooses a connection");
            press(&mut app, &mut deck, &[KeyCode::Enter]);
            assert_eq!(at(&app), "tasks/ship.md", "Enter jumps");
            step(&mut app, &mut deck, key);
            assert_eq!((app.pane, at(&app)), (Pane::Card, "tasks/ship.md".into()), "p: the card again");
        }
        "back along the jumps" => {
            app.select_path("tasks/bike.md");
            press(&mut app, &mut deck, &[KeyCode::Char('p'), KeyCode::Char('G'), KeyCode::Enter]);
            assert_eq!(at(&app), "tasks/ship.md");
            step(&mut app, &mut deck, key);
            assert_eq!(at(&app), "tasks/bike.md");
        }
        "scroll the preview down" | "scroll the preview up" => {
            let saved = saved_cards(f);
            let body: String = (1..=60).map(|i| format!("Paragraph {i} of a long card.\n\n")).collect();
            write(&f.dex.root, "notes/long.md", &format!("---\ntitle: Long\n---\n{body}"));
            press(&mut app, &mut deck, &[KeyCode::Char('r')]);
            app.select_path("notes/long.md");
            press(&mut app, &mut deck, &[KeyCode::Char('j'), KeyCode::Char('k')]);
            assert_eq!(at(&app), "notes/long.md");
            let first = screen(&app, 80, 26);
            assert!(first.contains("Paragraph 1 of") && !first.contains("Paragraph 20 of"), "{first}");
            let down = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL);
            if help.ends_with("up") {
                for _ in 0..4 {
                    step(&mut app, &mut deck, down);
                    screen(&app, 80, 26);
                }
            }
            let scrolled = app.preview_scroll;
            step(&mut app, &mut deck, key);
            let shown_now = screen(&app, 80, 26);
            if help.ends_with("down") {
                assert!(
                    app.preview_scroll > scrolled && !shown_now.contains("Paragraph 1 of"),
                    "{shown_now}"
                );
                // Never past the end: the last paragraph stays in sight however far it goes.
                for _ in 0..40 {
                    step(&mut app, &mut deck, key);
                    screen(&app, 80, 26); // a frame after each key, as the event loop draws
                }
                assert!(screen(&app, 80, 26).contains("Paragraph 60 of"), "{}", screen(&app, 80, 26));
            } else {
                assert!(app.preview_scroll < scrolled, "{shown_now}");
            }
            // Another card's preview starts at its top.
            press(&mut app, &mut deck, &[KeyCode::Char('k'), KeyCode::Char('j')]);
            assert_eq!(app.preview_scroll, 0);
            std::fs::remove_file(f.dex.root.join("notes/long.md")).expect("remove");
            restore(saved);
            press(&mut app, &mut deck, &[KeyCode::Char('r')]);
        }
        other => panic!("the help says a key does `{other}`; teach check_key how to check that it does"),
    }
}

#[test]
fn every_key_the_help_lists_does_what_it_says() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 80, 30);
    press(&mut app, &mut deck, &[KeyCode::Char('?')]);
    let rows = help_rows(&screen(&app, 80, 30));
    assert!(rows.len() > 10, "{rows:?}");
    assert_eq!(rows.last().map(|(keys, _)| keys.as_str()), Some("q ^c"), "the whole help fits: {rows:?}");
    for (keys, help) in rows {
        for name in keys.split_whitespace() {
            for key in key_presses(name) {
                check_key(&f, &help, key);
            }
        }
    }
}

/// A copy of a fixture deck under `tests/fixtures/`, indexed.
fn fixture_deck(name: &str) -> Fixture {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read the fixture") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.file_type().expect("type").is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name), dir.path());
    let dex = Dex::at(dir.path()).expect("dex");
    let mut index = Index::open(&dex.index_path()).expect("open").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    Fixture { _dir: dir, dex }
}

#[test]
fn the_connections_pane_lists_related_backlinks_and_links_and_walks_them() {
    let f = fixture_deck("links");
    let (mut app, mut deck) = open(&f, "all", 110, 24);
    app.select_path("rust/atomics.md");
    press(&mut app, &mut deck, &[KeyCode::Char('p')]);
    insta::assert_snapshot!("connections", screen(&app, 110, 24));
    press(&mut app, &mut deck, &[KeyCode::Char('j'), KeyCode::Enter]);
    let jumped = app.selected_path().expect("a card");
    assert_ne!(jumped, "rust/atomics.md");
    assert_eq!(app.connections.as_ref().map(|c| c.path.as_str()), Some(jumped.as_str()), "its connections");
    insta::assert_snapshot!("connections_after_jump", screen(&app, 110, 24));
    press(&mut app, &mut deck, &[KeyCode::Backspace]);
    assert_eq!(app.selected_path().as_deref(), Some("rust/atomics.md"));
    assert_eq!(app.connections.as_ref().map(|c| c.selected), Some(1), "on the connection it went along");
}

#[test]
fn a_jump_to_a_card_the_view_hides_goes_to_the_all_view_and_back() {
    let f = fixture_deck("links");
    let (mut app, mut deck) = open(&f, "bookmarks", 110, 24);
    assert_eq!(shown(&app), ["2025/03/02/rust-atomics.md", "rust/atomics.md"]);
    app.select_path("2025/03/02/rust-atomics.md");
    press(&mut app, &mut deck, &[KeyCode::Char('p')]);
    let (_, lines) = connections_shown(&app);
    let hidden =
        lines.iter().position(|(_, path)| !shown(&app).contains(&path.as_str()) && path.ends_with(".md"));
    let hidden = hidden.expect("a connection the bookmarks view hides");
    for _ in 0..hidden {
        press(&mut app, &mut deck, &[KeyCode::Char('j')]);
    }
    let target = lines[hidden].1.clone();
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    assert_eq!((app.current_view().name.as_str(), app.selected_path()), ("all", Some(target)));
    press(&mut app, &mut deck, &[KeyCode::Char('-')]);
    assert_eq!(app.current_view().name, "bookmarks");
    assert_eq!(app.selected_path().as_deref(), Some("2025/03/02/rust-atomics.md"));
}

#[test]
fn the_outline_view_nests_cards_and_a_filter_keeps_their_ancestors() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "outline", 100, 14);
    insta::assert_snapshot!("outline", screen(&app, 100, 14));
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("status:done"));
    assert_eq!(shown_outline(&app), ["tasks/ship.md", "tasks/done.md"], "the match and its parent");
    insta::assert_snapshot!("outline_filtered", screen(&app, 100, 14));
    // The parent is not among the rows the filter read: the reader sent its row with the
    // outline, for the preview.
    assert!(!app.rows.iter().any(|r| r.path == "tasks/ship.md"), "the rows hold the match only");
    app.select_path("tasks/ship.md");
    let row = app.selected_row().expect("the parent's row");
    assert_eq!((row.path.as_str(), row.title.as_str()), ("tasks/ship.md", "Ship the release"));
    assert!(row.fields_json.contains("\"status\""), "its fields: {}", row.fields_json);
}

#[test]
fn the_outline_shows_every_card_from_the_first_screenful() {
    let f = fixture();
    let config = Config::load(&f.dex.state_dir()).expect("config");
    let (mut deck, _) = Deck::open(f.dex.clone(), config.clone()).expect("deck");
    let mut app = App::new(config, Some("outline"), deck.templates());
    app.page = 2;
    deck.start(&mut app, PATIENCE);
    assert!(app.partial && app.rows.len() == 2, "the first screenful: {} rows", app.rows.len());
    assert_eq!(shown_outline(&app).len(), 7, "every card: {:?}", shown_outline(&app));
    deck.after_first_frame(&mut app);
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert!(!app.partial && app.rows.len() == 7);
    assert_eq!(shown_outline(&app).len(), 7);
}

#[test]
fn a_move_shows_at_once_and_an_outline_read_before_it_does_not_take_it_back() {
    let f = fixture();
    let saved = saved_cards(&f);
    let (mut app, mut deck) = outline_on(&f, "tasks/done.md");
    let parent = |app: &App| {
        let tree = &app.outline.as_ref().expect("the outline").tree;
        tree.find("tasks/done.md")
            .and_then(|n| tree.nodes[n].parent)
            .and_then(|p| tree.nodes[p].path())
            .map(str::to_string)
    };
    assert_eq!(parent(&app).as_deref(), Some("tasks/ship.md"));
    let before = app.outline.as_ref().expect("the outline").tree.clone();
    let effects = feed(&mut app, KeyEvent::new(KeyCode::Char('<'), KeyModifiers::NONE));
    assert_eq!(parent(&app), None, "out at the top before anything is written");
    // An outline the reader read before the move, answered after it.
    let stale = Reply::Outline(1, Ok(Read { tree: before, context: Arc::default() }));
    assert!(app.apply(stale).is_empty());
    assert_eq!(parent(&app), None, "the move stays shown");
    perform(&mut app, &mut deck, effects);
    assert_eq!(parent(&app), None, "the outline read after the re-index has it too");
    let text = std::fs::read_to_string(f.dex.root.join("tasks/done.md")).expect("read");
    assert!(!text.contains("parent"), "{text}");
    restore(saved);
}

/// The cards of the outline the index holds now, in the order shown.
fn indexed_outline(deck: &Deck, config: &Config) -> Vec<String> {
    let index = Index::open_read_only(deck.index_path()).expect("index");
    let tree = termdex::query::outline::load(&index, &config.outline).expect("outline");
    let shown = tree.show(None, None, None, &|_| false);
    shown.iter().filter_map(|s| tree.nodes[s.node].path().map(str::to_string)).collect()
}

/// Issue 14: a move made while an earlier one is still being re-indexed stays shown. The
/// refresher's report of the first comes after the second was written: the reload it
/// leads to may read the index without the second, which must not take it back (a key
/// pressed meanwhile would act on the old tree). Whether the reload reads before the
/// second is indexed is up to the threads: a few rounds make it all but certain.
#[test]
fn a_move_stays_shown_while_an_earlier_one_is_reindexed() {
    let f = fixture();
    let saved = saved_cards(&f);
    let config = Config::load(&f.dex.state_dir()).expect("config");
    let (mut app, mut deck) = outline_on(&f, "notes/escape.md");
    let start = shown_outline(&app);
    for _ in 0..8 {
        for effect in feed(&mut app, KeyEvent::new(KeyCode::Char('J'), KeyModifiers::NONE)) {
            deck.perform(effect, &mut app, &mut NoScreen);
        }
        let first = shown_outline(&app);
        assert_ne!(first, start, "down among the cards at the top");
        // The refresher indexes it; its report is not taken in yet.
        let deadline = Instant::now() + PATIENCE;
        while indexed_outline(&deck, &config) != first {
            assert!(Instant::now() < deadline, "the refresher indexed the move");
            std::thread::sleep(Duration::from_millis(2));
        }
        for effect in feed(&mut app, KeyEvent::new(KeyCode::Char('K'), KeyModifiers::NONE)) {
            deck.perform(effect, &mut app, &mut NoScreen);
        }
        assert_eq!(shown_outline(&app), start, "back up");
        // Every answer taken in one at a time: none shows the outline without the K.
        let deadline = Instant::now() + PATIENCE;
        while deck.busy() {
            deck.receive(&mut app, Duration::from_millis(1));
            assert_eq!(shown_outline(&app), start, "the second move stays shown");
            assert!(Instant::now() < deadline, "the deck settles");
        }
        assert_eq!(indexed_outline(&deck, &config), start, "and the index has it");
    }
    restore(saved);
}

/// A card moved in the outline is followed until its re-index comes; a key that moves the
/// cursor before that ends the following, rather than being undone by the reload.
#[test]
fn the_cursor_moved_just_after_a_move_stays_where_it_was_moved() {
    let f = fixture();
    let saved = saved_cards(&f);
    let (mut app, mut deck) = outline_on(&f, "notes/escape.md");
    for effect in feed(&mut app, KeyEvent::new(KeyCode::Char('J'), KeyModifiers::NONE)) {
        deck.perform(effect, &mut app, &mut NoScreen);
    }
    let order = shown_outline(&app);
    let at = order.iter().position(|p| p == "notes/escape.md").expect("shown");
    assert!(at > 0, "moved down: {order:?}");
    // `k` before the refresher's report and the reload it leads to.
    assert!(
        feed(&mut app, KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE))
            .iter()
            .all(|e| matches!(e, Effect::Preview { .. }))
    );
    assert_eq!(app.selected_path().as_deref(), Some(order[at - 1].as_str()));
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(shown_outline(&app), order, "the move is in the index");
    assert_eq!(
        app.selected_path().as_deref(),
        Some(order[at - 1].as_str()),
        "the cursor stays where k put it"
    );
    restore(saved);
}

/// Takes in what the deck's helpers say until `done` holds (the keeper notices a file
/// change on its own time).
fn until(app: &mut App, deck: &mut Deck, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done(app) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}: {:?}", app.status_message);
        deck.receive(app, Duration::from_millis(10));
    }
    assert!(deck.settle(app, PATIENCE), "the deck settles");
}

/// Issue 14: the outline follows `.termdex/config.toml` changed while the TUI runs — a
/// renamed `order` field (no card changes, so no re-index) reorders it, a switch to
/// dotted names redraws it from the file names and makes it read-only, and a view that
/// is gone gives way to the default one, said.
#[test]
fn the_outline_follows_the_config_changed_while_running() {
    let f = dex_of(&[
        ("p.md", "---\ntitle: Plan\n---\n"),
        ("a.md", "---\ntitle: Alpha\nparent: \"[[p]]\"\norder: 1\nrank: 2\n---\n"),
        ("b.md", "---\ntitle: Beta\nparent: \"[[p]]\"\norder: 2\nrank: 1\n---\n"),
        ("p.x.md", "---\ntitle: Dotted child\n---\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "a.md");
    assert_eq!(shown_outline(&app), ["p.x.md", "p.md", "a.md", "b.md"]);
    write(&f.dex.root, ".termdex/config.toml", "[outline]\norder = \"rank\"\n");
    until(&mut app, &mut deck, "the rank order", |app| {
        shown_outline(app) == ["p.x.md", "p.md", "b.md", "a.md"]
    });
    let before = std::fs::read(f.dex.root.join("a.md")).expect("read");
    write(&f.dex.root, ".termdex/config.toml", "[outline]\nsource = \"dotted\"\n");
    until(&mut app, &mut deck, "the dotted outline", |app| {
        shown_outline(app) == ["a.md", "b.md", "p.md", "p.x.md"]
            && app
                .outline
                .as_ref()
                .is_some_and(|o| o.tree.find("p.x.md").and_then(|n| o.tree.nodes[n].parent).is_some())
    });
    app.select_path("b.md");
    let effects = feed(&mut app, KeyEvent::new(KeyCode::Char('K'), KeyModifiers::NONE));
    perform(&mut app, &mut deck, effects);
    assert!(
        app.status_message.as_deref().is_some_and(|m| m.contains("move the files to rearrange it")),
        "{:?}",
        app.status_message
    );
    assert_eq!(std::fs::read(f.dex.root.join("a.md")).expect("read"), before, "nothing written");
    // A view added shows up; once shown, taken out again, the default view takes its place.
    let dotted = "[outline]\nsource = \"dotted\"\n";
    write(&f.dex.root, ".termdex/config.toml", &format!("{dotted}[views.mine]\nfilter = \"title:Beta\"\n"));
    until(&mut app, &mut deck, "the new view", |app| app.views.iter().any(|v| v.name == "mine"));
    let at = app.views.iter().position(|v| v.name == "mine").expect("mine");
    let digit = char::from_digit(at as u32 + 1, 10).expect("among the first nine views");
    press(&mut app, &mut deck, &[KeyCode::Char(digit)]);
    assert_eq!((app.current_view().name.as_str(), shown(&app)), ("mine", vec!["b.md"]));
    write(&f.dex.root, ".termdex/config.toml", dotted);
    until(&mut app, &mut deck, "the view gone", |app| app.current_view().name != "mine");
    assert!(
        app.status_message.as_deref().is_some_and(|m| m.contains("`mine` is no longer")),
        "{:?}",
        app.status_message
    );
    assert_eq!(app.current_view().name, app.config().default_view);
}

/// Issue 14 review: in a level without order fields, a move can only place a card by
/// numbering every card up to its place; a move that would write more than a few cards
/// says so and waits for the same key again (any other key in between cancels it).
#[test]
fn a_move_that_numbers_many_cards_is_asked_for_first() {
    let cards: Vec<(String, String)> = (b'a'..=b'h')
        .map(|c| (format!("{}.md", c as char), format!("---\ntitle: Card {}\n---\n", c as char)))
        .collect();
    let refs: Vec<(&str, &str)> = cards.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let f = dex_of(&refs);
    let (mut app, mut deck) = outline_on(&f, "f.md");
    let texts = || {
        cards
            .iter()
            .map(|(p, _)| std::fs::read_to_string(f.dex.root.join(p)).expect("read"))
            .collect::<Vec<_>>()
    };
    let before = texts();
    press(&mut app, &mut deck, &[KeyCode::Char('J')]);
    let said = app.status_message.clone().unwrap_or_default();
    assert!(said.contains("into 6 other cards") && said.contains("press the key again"), "{said}");
    assert_eq!(texts(), before, "nothing written yet");
    assert_eq!(shown_outline(&app), ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md", "g.md", "h.md"]);
    press(&mut app, &mut deck, &[KeyCode::Char('k'), KeyCode::Char('j'), KeyCode::Char('J')]);
    assert_eq!(texts(), before, "a key in between: asked again");
    press(&mut app, &mut deck, &[KeyCode::Char('J')]);
    assert_eq!(shown_outline(&app), ["a.md", "b.md", "c.md", "d.md", "e.md", "g.md", "f.md", "h.md"]);
    let after = texts();
    for (i, (path, text)) in cards.iter().enumerate() {
        let order = match path.as_str() {
            "h.md" => None,
            "g.md" => Some(60),
            "f.md" => Some(70),
            _ => Some(10 * (i + 1)),
        };
        let want = match order {
            Some(n) => text.replace("\n---\n", &format!("\norder: {n}\n---\n")),
            None => text.clone(),
        };
        assert_eq!(after[i], want, "{path}");
    }
}

#[test]
fn a_tiny_terminal_still_draws_cleanly() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 40, 10);
    press(&mut app, &mut deck, &[KeyCode::Char('G')]);
    insta::assert_snapshot!(screen(&app, 40, 10));
}

#[test]
fn control_characters_never_reach_the_screen() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 16);
    let at = shown(&app).iter().position(|p| *p == "notes/escape.md").expect("listed");
    press(&mut app, &mut deck, &vec![KeyCode::Char('j'); at]);
    assert_eq!(app.selected_path().as_deref(), Some("notes/escape.md"));
    let shown = screen(&app, 100, 16);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown}");
    assert!(shown.contains("Evil \u{fffd}[31mred"), "{shown}");
}

#[test]
fn a_filter_that_fails_to_load_keeps_its_error_until_one_loads() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "tasks", 100, 12);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("deadline>soon"));
    assert!(screen(&app, 100, 12).contains("expected a date"), "{}", screen(&app, 100, 12));
    // Plain words after it change nothing about the failed term: the error stays, since
    // the rows shown are still those from before it.
    press(&mut app, &mut deck, &typed(" r"));
    let shown = screen(&app, 100, 12);
    assert!(shown.contains("expected a date"), "{shown}");
    for _ in 0.." r".len() + "soon".len() {
        press(&mut app, &mut deck, &[KeyCode::Backspace]);
    }
    press(&mut app, &mut deck, &typed("2026-11-30"));
    let shown = screen(&app, 100, 12);
    assert!(!shown.contains("expected a date") && shown.contains("1/7 cards"), "{shown}");
}

#[test]
fn names_from_the_config_are_cleaned_too() {
    let mut config = Config::builtin();
    let evil = "ev\u{1b}]0;pwned\u{7}il";
    config.views.push(termdex::config::View {
        name: evil.into(),
        description: String::new(),
        filter: String::new(),
        sort: vec![format!("-{evil}")],
        columns: vec!["title".into(), evil.into()],
        group_by: None,
        outline: false,
        builtin: false,
    });
    let mut app = App::new(config, Some(evil), vec![format!("tmpl\u{1b}[2J")]);
    app.color = false;
    app.update(&Event::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)));
    let shown = screen(&app, 120, 20);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
    assert!(shown.contains("tmpl\u{fffd}[2J") && shown.contains("ev\u{fffd}]0;pwned"), "{shown}");
}

/// Another termdex process at work: its own connection, its own commit.
fn index_elsewhere(f: &Fixture) {
    let mut index = Index::open(&f.dex.index_path()).expect("open").index;
    refresh(&mut index, &f.dex.root, false, &mut |_| {}).expect("refresh");
}

#[test]
fn cards_another_process_indexed_appear_and_go_without_a_key() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 16);
    press(&mut app, &mut deck, &[KeyCode::Char('j')]);
    let selected = app.selected_path();
    write(&f.dex.root, "notes/new.md", "---\ntitle: Made by termdex new elsewhere\n---\nFresh body.\n");
    index_elsewhere(&f);
    assert!(
        wait_for(&mut app, &mut deck, |app| shown(app).contains(&"notes/new.md")),
        "the card indexed by another process shows: {:?}",
        shown(&app)
    );
    assert_eq!((app.visible.len(), app.index.total), (8, 8));
    assert_eq!(app.selected_path(), selected, "the cursor stays on its card");
    std::fs::remove_file(f.dex.root.join("notes/sqlite.md")).expect("rm");
    index_elsewhere(&f);
    assert!(
        wait_for(&mut app, &mut deck, |app| !shown(app).contains(&"notes/sqlite.md")),
        "the card removed by another process goes: {:?}",
        shown(&app)
    );
    assert_eq!(app.index.total, 7);
}

#[test]
fn damage_only_the_preview_meets_rebuilds_the_index_and_the_text_comes_back() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "notes", 100, 16);
    assert!(!app.preview.as_ref().expect("preview").body.is_empty(), "the body is read");
    // Damage no refresh and no listing reads, only the preview: the cards' text is gone.
    let conn = rusqlite::Connection::open(f.dex.index_path()).expect("open");
    conn.execute_batch("DROP TABLE card_text").expect("drop");
    drop(conn);
    // The next card's preview meets it (a key clears the status bar, so only one key).
    press(&mut app, &mut deck, &[KeyCode::Char('j')]);
    let path = app.selected_path().expect("a card");
    let body = std::fs::read_to_string(f.dex.root.join(&path)).expect("read");
    assert!(
        wait_for(&mut app, &mut deck, |app| {
            app.status_message.as_deref().is_some_and(|m| m.contains("rebuilt it from the cards"))
                && app.preview.as_ref().is_some_and(|p| {
                    p.path == path && !p.body.is_empty() && body.ends_with(&p.body) && p.body_error.is_none()
                })
        }),
        "the index is rebuilt and the preview shows the text again: {:?} {:?}",
        app.status_message,
        app.preview
    );
}

#[test]
fn an_edit_elsewhere_reaches_the_preview() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "notes", 100, 16);
    let path = app.selected_path().expect("a card");
    let before = app.preview.as_ref().expect("preview").body.clone();
    assert!(!before.is_empty(), "the body is read");
    let abs = f.dex.root.join(&path);
    let text = std::fs::read_to_string(&abs).expect("read");
    std::fs::write(&abs, format!("{text}Appended elsewhere.\n")).expect("write");
    index_elsewhere(&f);
    assert!(
        wait_for(&mut app, &mut deck, |app| app
            .preview
            .as_ref()
            .is_some_and(|p| p.body.contains("Appended elsewhere."))),
        "{:?}",
        app.preview
    );
}

#[test]
fn a_paste_is_one_query_and_a_newline_in_it_is_no_enter() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    let pasted = format!("sqlite\nq\r{}", " notes".repeat(1000));
    let effects = app.update(&Event::Paste(pasted));
    let queries: Vec<&Query> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Query(q) => Some(q),
            _ => None,
        })
        .collect();
    assert_eq!(queries.len(), 1, "one edit, one query: {effects:?}");
    assert!(app.filter.editing && !app.quit, "the newline did not close the line, the q did not quit");
    for effect in effects {
        deck.perform(effect, &mut app, &mut NoScreen);
    }
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(shown(&app), ["notes/sqlite.md"]);
    press(&mut app, &mut deck, &[KeyCode::Esc]);
    assert_eq!(app.visible.len(), 7, "the key after the paste is handled");
}

#[test]
fn typing_in_front_of_a_field_term_ranks_the_same_rows_again() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed(" what:note"));
    let rows = app.rows.clone();
    assert_eq!(rows.len(), 2);
    app.filter.cursor = 0;
    press(&mut app, &mut deck, &typed("sql"));
    assert!(Arc::ptr_eq(&rows, &app.rows), "the same question needs no new read of the index");
    assert_eq!(shown(&app), ["notes/sqlite.md"]);
    assert_eq!(app.filter.text, "sql what:note");
}

#[test]
fn link_terms_work_on_the_filter_line() {
    let f = fixture();
    write(
        &f.dex.root,
        "notes/reading.md",
        "---\ntitle: Reading list\nwhat: note\n---\nStart with [[SQLite notes]], then [[fts5]].\n",
    );
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    assert!(wait_for(&mut app, &mut deck, |app| app.index.total == 8), "the new card is indexed");
    let sorted = |app: &App| {
        let mut paths: Vec<String> = shown(app).into_iter().map(str::to_string).collect();
        paths.sort();
        paths
    };
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("has:backlinks"));
    // ship: the bike's body and the parent fields of the bike and the old chore link to it.
    assert_eq!(sorted(&app), ["bookmarks/fts5.md", "notes/sqlite.md", "tasks/ship.md"]);
    press(&mut app, &mut deck, &[KeyCode::Esc, KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("linked-by:reading -what:bookmark"));
    assert_eq!(sorted(&app), ["notes/sqlite.md"]);
    // A link term and a fuzzy word side by side.
    press(&mut app, &mut deck, &[KeyCode::Esc, KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("links:\"SQLite notes\" readn"));
    assert_eq!(shown(&app), ["notes/reading.md"]);
    press(&mut app, &mut deck, &[KeyCode::Esc, KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("links:nosuchcard"));
    assert!(shown(&app).is_empty(), "{:?}", shown(&app));
}

/// An editor for the `n` tests: empties or deletes the draft when its `editor` field
/// says so, else leaves it as it is.
const DRAFT_EDITOR: &str = r#"#!/bin/sh
for last in "$@"; do :; done
case "$(cat "$last")" in
  *"editor: empties"*) : > "$last" ;;
  *"editor: deletes"*) rm -f "$last" ;;
esac
"#;

/// Set in the child process [`in_child_with_editor`] runs a test in.
const CHILD: &str = "TERMDEX_TUI_TEST_CHILD";

/// Whether this is the run of test `name` that has `$VISUAL` set to `script`: the
/// environment is the whole process's and tests run side by side in threads, so the test
/// runs again, alone, in a child process of this test binary with `$VISUAL` (and the
/// clock) set there. The parent checks that the child ran the test and it passed.
fn in_child_with_editor(name: &str, script: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, script).expect("write the editor");
    let out = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("VISUAL", format!("sh '{}'", editor.display()))
        .env_remove("EDITOR")
        .env("TERMDEX_NOW", "2026-11-23T14:15:30")
        .env("TZ", "UTC")
        .output()
        .expect("run the test in a child process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stdout.contains("1 passed"), "{stdout}{stderr}");
    false
}

/// Runs the editor at once, with no terminal to hand over.
struct Direct;

impl Screen for Direct {
    fn suspended(
        &mut self,
        run: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus> {
        run()
    }
}

#[test]
fn n_says_why_a_draft_was_not_saved() {
    if !in_child_with_editor("n_says_why_a_draft_was_not_saved", DRAFT_EDITOR) {
        return;
    }
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 16);
    // A card without a title is named after its id, the Unix time of its creation.
    let draft = "2026/11/23/1795443330.md";
    for (does, said) in [
        ("empties", format!("{draft} was emptied, so it was removed")),
        ("deletes", format!("the editor deleted {draft}")),
        ("leaves", format!("{draft} was left as the template, so it was removed")),
    ] {
        let sets = vec![("editor".to_string(), EditValue::Scalar(does.into()))];
        let new = Effect::New { template: "note".into(), sets, title: None, checked: false };
        deck.perform(new, &mut app, &mut Direct);
        assert_eq!(app.status_message, Some(format!("nothing saved: {said}")), "{does}");
        assert!(!f.dex.root.join("2026").exists(), "{does}: the draft and its folders are gone");
    }
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(app.index.total, 7, "no card was added");
}

/// An editor for the `n` duplicate test: writes a card much like two of the fixture's
/// (the url of `bookmarks/fts5.md`, the title of `notes/sqlite.md`) when the draft's
/// `editor` field says so, else one like none.
const DUPLICATING_EDITOR: &str = r#"#!/bin/sh
for last in "$@"; do :; done
case "$(cat "$last")" in
  *"editor: duplicates"*) printf -- '---\ntitle: sqlite NOTES!\nurl: http://SQLite.org/fts5.html/\n---\nMine.\n' > "$last" ;;
  *) printf -- '---\ntitle: Something else entirely\n---\nMine.\n' > "$last" ;;
esac
"#;

#[test]
fn n_names_the_cards_the_new_one_may_duplicate_once_its_title_is_known() {
    if !in_child_with_editor(
        "n_names_the_cards_the_new_one_may_duplicate_once_its_title_is_known",
        DUPLICATING_EDITOR,
    ) {
        return;
    }
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 16);
    let draft = "2026/11/23/1795443330.md";
    let sets = vec![("editor".to_string(), EditValue::Scalar("duplicates".into()))];
    let new = Effect::New { template: "note".into(), sets, title: None, checked: false };
    deck.perform(new, &mut app, &mut Direct);
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    let status = app.status_message.clone().expect("a status");
    let url_first = format!("saved {draft}; you already have: bookmarks/fts5.md \"FTS5 docs\" (bookmark, 20");
    assert!(status.starts_with(&url_first), "{status}");
    assert!(status.ends_with(") (and 1 more)"), "the title's match is counted: {status}");
    let screen = screen(&app, 200, 16);
    let status_line = screen.lines().rev().find(|l| l.contains("saved")).expect("the status line");
    assert!(status_line.contains("you already have: bookmarks/fts5.md \"FTS5 docs\""), "{screen}");
    assert_eq!(app.index.total, 8, "the card was created all the same");
    // Like no other card: nothing but the save is said.
    std::fs::remove_file(f.dex.root.join(draft)).expect("remove the first");
    let new = Effect::New { template: "note".into(), sets: Vec::new(), title: None, checked: false };
    deck.perform(new, &mut app, &mut Direct);
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(app.status_message, Some(format!("saved {draft}")));
}

#[test]
fn n_names_the_cards_a_titled_card_may_duplicate_before_the_editor_opens() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 16);
    press(&mut app, &mut deck, &[KeyCode::Char('n'), KeyCode::Enter]);
    assert_eq!(app.mode, Mode::Title { text: String::new(), cursor: 0 });
    press(&mut app, &mut deck, &typed("sqlite notes!"));
    // No editor runs in these tests: had the deck opened one, the card would be made.
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    let Mode::Duplicates { hints } = &app.mode else { panic!("asked first: {:?}", app.mode) };
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].starts_with("you already have: notes/sqlite.md \"SQLite notes\" (note, "), "{hints:?}");
    let shown = screen(&app, 100, 16);
    assert!(
        shown.contains("you already have: notes/sqlite.md") && shown.contains("Enter: make it anyway"),
        "{shown}"
    );
    press(&mut app, &mut deck, &[KeyCode::Esc]);
    assert_eq!((app.mode.clone(), app.status_message.as_deref()), (Mode::List, Some("nothing created")));
    assert_eq!(app.index.total, 7, "nothing was written");
    // A title like no other card's goes straight on.
    press(&mut app, &mut deck, &[KeyCode::Char('n'), KeyCode::Enter]);
    let effects = app.update(&Event::Key(KeyEvent::new(KeyCode::Char('Z'), KeyModifiers::NONE)));
    assert!(effects.iter().all(|e| matches!(e, Effect::Preview { .. })));
    let effects = app.update(&Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(
        matches!(&effects[..], [Effect::New { title: Some(t), checked: false, .. }] if t == "Z"),
        "{effects:?}"
    );
}

/// A first run: a folder with no markdown file opens on a screen that says how to make
/// the first card, not on an empty table; a dex whose view hides every card says so.
#[test]
fn an_empty_dex_says_how_to_write_the_first_card() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "README.txt", "not a card\n");
    let f = Fixture { dex: Dex::at(dir.path()).expect("dex"), _dir: dir };
    let (app, _deck) = open(&f, "all", 80, 14);
    insta::assert_snapshot!("empty_dex", screen(&app, 80, 14));
    let full = fixture();
    let (mut app, mut deck) = open(&full, "all", 90, 8);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("status:nothing-has-this"));
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    let shown = screen(&app, 90, 8);
    assert!(shown.contains("no cards match") && !shown.contains("No cards here yet"), "{shown}");
}

/// A dex of one card using every markdown element, with raw control characters added
/// where a card could hold them.
fn every_element() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let card = format!(
        "{}\n## Raw \x1b[2J escapes\n\nText \x1b]0;pwned\x07 with `co\u{9b}de`.\n\n```\n\x1b]52;c;SGk=\x07 in code\u{202e}\n```\n",
        include_str!("fixtures/preview/every-element.md")
    );
    write(dir.path(), "every-element.md", &card);
    let dex = Dex::at(dir.path()).expect("dex");
    let mut index = Index::open(&dex.index_path()).expect("open").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    Fixture { _dir: dir, dex }
}

/// Where `needle` (ASCII) starts on the drawn screen.
fn find(buffer: &ratatui::buffer::Buffer, needle: &str) -> (u16, u16) {
    let area = buffer.area;
    for y in 0..area.height {
        for x in 0..area.width {
            let matches = needle.chars().enumerate().all(|(i, c)| {
                x + (i as u16) < area.width && buffer[(x + i as u16, y)].symbol() == c.to_string()
            });
            if matches {
                return (x, y);
            }
        }
    }
    panic!("{needle:?} is not on the screen");
}

/// Hostile test: a card larger than the index reads was previewed as if it ended at the
/// cut; the preview says so above its text.
#[test]
fn the_preview_of_a_card_larger_than_the_index_reads_says_it_is_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("---\ntitle: big\n---\n");
    text.push_str(&"all work and no play\n".repeat(60_000));
    write(dir.path(), "big.md", &text);
    write(dir.path(), "small.md", "# small\n");
    let dex = Dex::at(dir.path()).expect("dex");
    let mut index = Index::open(&dex.index_path()).expect("open").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    let f = Fixture { _dir: dir, dex };
    let (mut app, mut deck) = open(&f, "all", 200, 12);
    let note = "larger than 1 MiB: only its start is shown (e opens all of it in the editor)";
    assert_eq!(app.preview.as_ref().map(|p| p.path.as_str()), Some("big.md"));
    let shown = screen(&app, 200, 12);
    assert!(shown.contains(note), "{shown}");
    assert!(shown.contains("all work and no play"), "{shown}");
    press(&mut app, &mut deck, &[KeyCode::Char('j')]);
    assert_eq!(app.preview.as_ref().map(|p| p.path.as_str()), Some("small.md"));
    assert!(!screen(&app, 200, 12).contains("larger than"), "only the large card says it");
}

#[test]
fn the_preview_renders_markdown_wrapped_to_the_pane() {
    let f = every_element();
    let (mut app, _deck) = open(&f, "all", 110, 72);
    let shown = screen(&app, 110, 72);
    assert!(!shown.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']), "{shown}");
    insta::assert_snapshot!("preview_every_element", shown);
    // In colour, each piece in its style.
    app.color = true;
    let mut terminal = Terminal::new(TestBackend::new(110, 72)).expect("terminal");
    terminal.draw(|frame| view::render(&app, frame)).expect("draw");
    let buffer = terminal.backend().buffer();
    use ratatui::style::{Color, Modifier};
    let style = |needle: &str| buffer[find(buffer, needle)].style();
    assert_eq!((style("Lists").fg, style("Lists").add_modifier), (Some(Color::Magenta), Modifier::BOLD));
    assert_eq!(style("emphasis").add_modifier, Modifier::ITALIC);
    assert_eq!(style("strong,").add_modifier, Modifier::BOLD);
    assert_eq!(style("struck").add_modifier, Modifier::CROSSED_OUT);
    assert_eq!(style("inline code").fg, Some(Color::Yellow));
    assert_eq!(style("println!").fg, Some(Color::Yellow));
    assert_eq!(
        (style("the SQLite").fg, style("the SQLite").add_modifier),
        (Some(Color::Blue), Modifier::UNDERLINED)
    );
    assert_eq!(style("(https://sqlite.org").fg, Some(Color::DarkGray), "the target dimmed");
    assert_eq!(style("[x]").fg, Some(Color::DarkGray));
    assert_eq!(style("count").add_modifier, Modifier::BOLD, "the table's header");
}

/// A move that the cards as they are now on disk would turn into a parent cycle is
/// refused, even when the outline on screen, read before another program changed a
/// parent, does not show it; nothing is written.
#[test]
fn a_move_that_would_close_a_cycle_on_disk_is_refused() {
    let f = fixture();
    let (mut app, mut deck) = outline_on(&f, "tasks/write-parser.md");
    let before = std::fs::read(f.dex.root.join("tasks/write-parser.md")).expect("read");
    // The card above it, which `>` puts it under, now names it as its parent.
    let above = f.dex.root.join("notes/sqlite.md");
    let text = std::fs::read_to_string(&above).expect("read");
    std::fs::write(&above, text.replace("what: note\n", "what: note\nparent: Write the filter parser\n"))
        .expect("write");
    press(&mut app, &mut deck, &[KeyCode::Char('>')]);
    assert_eq!(std::fs::read(f.dex.root.join("tasks/write-parser.md")).expect("read"), before);
    let said = app.status_message.clone().unwrap_or_default();
    assert!(said.starts_with("not moved: notes/sqlite.md is now under tasks/write-parser.md"), "{said}");
}

/// A dex of these cards, indexed.
fn dex_of(cards: &[(&str, &str)]) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in cards {
        write(dir.path(), rel, text);
    }
    let dex = Dex::at(dir.path()).expect("dex");
    let mut index = Index::open(&dex.index_path()).expect("open").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    Fixture { _dir: dir, dex }
}

/// Two parents, ordered 1 and 2 (no room between them or before the first), each with a
/// done child: filtered on `status:done`, the parents are shown only for context, and
/// their rows come with the outline, not with the list.
fn parents_for_context() -> Fixture {
    dex_of(&[
        ("a.md", "---\ntitle: Alpha\norder: 1\n---\nAlpha text.\n"),
        ("a1.md", "---\ntitle: Alpha one\nstatus: done\nparent: \"[[a]]\"\n---\n"),
        ("b.md", "---\ntitle: Beta\norder: 2\n---\nBeta text.\n"),
        ("b1.md", "---\ntitle: Beta one\nstatus: done\nparent: \"[[b]]\"\n---\n"),
    ])
}

/// The outline filtered on `status:done`, the cursor on `path` with its preview read.
fn context_outline_on(f: &Fixture, path: &str) -> (App, Deck) {
    let (mut app, mut deck) = open(f, "outline", 100, 14);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("status:done"));
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    assert_eq!(shown_outline(&app), ["a.md", "a1.md", "b.md", "b1.md"]);
    assert!(app.rows.iter().all(|r| r.path.ends_with("1.md")), "the parents are context only");
    app.select_path(path);
    // A key, so that the preview follows the cursor as it does on screen.
    press(&mut app, &mut deck, &[KeyCode::Char('j'), KeyCode::Char('k')]);
    assert_eq!(app.selected_path().as_deref(), Some(path));
    (app, deck)
}

/// The preview's field lines.
fn preview_fields(app: &App) -> Vec<(String, String)> {
    app.preview.as_ref().map(|p| p.fields.clone()).unwrap_or_default()
}

fn field(key: &str, value: &str) -> (String, String) {
    (key.to_string(), value.to_string())
}

/// Issue 14 point 4: after a move, the preview shows the moved card as the move wrote
/// it, also when the card is shown only for context (its row is read again with the
/// outline, after the list's rows, which the preview used to be rebuilt from alone).
#[test]
fn after_a_move_the_preview_shows_the_moved_card_as_now_on_disk() {
    let f = parents_for_context();
    let (mut app, mut deck) = context_outline_on(&f, "b.md");
    assert_eq!(preview_fields(&app), [field("title", "Beta"), field("order", "2")]);
    // First, with no room before Alpha's 1: both parents are numbered again.
    press(&mut app, &mut deck, &[KeyCode::Char('K')]);
    let read = |path: &str| std::fs::read_to_string(f.dex.root.join(path)).expect("read");
    assert_eq!(read("b.md"), "---\ntitle: Beta\norder: 10\n---\nBeta text.\n");
    assert_eq!(read("a.md"), "---\ntitle: Alpha\norder: 20\n---\nAlpha text.\n");
    assert_eq!(app.selected_path().as_deref(), Some("b.md"));
    assert_eq!(preview_fields(&app), [field("title", "Beta"), field("order", "10")]);
    assert_eq!(app.preview.as_ref().map(|p| p.body.as_str()), Some("Beta text.\n"));
    // Last again: one card changes.
    press(&mut app, &mut deck, &[KeyCode::Char('J')]);
    assert_eq!(read("b.md"), "---\ntitle: Beta\norder: 30\n---\nBeta text.\n");
    assert_eq!(preview_fields(&app), [field("title", "Beta"), field("order", "30")]);
}

/// The same for a sibling the move numbered again, previewed before the re-index came.
#[test]
fn after_a_move_the_preview_shows_a_renumbered_sibling_as_now_on_disk() {
    let f = parents_for_context();
    let (mut app, mut deck) = context_outline_on(&f, "b.md");
    // `K`, written, then down to Alpha before the re-index is taken in.
    for effect in feed(&mut app, KeyEvent::new(KeyCode::Char('K'), KeyModifiers::NONE)) {
        deck.perform(effect, &mut app, &mut NoScreen);
    }
    let mut effects = Vec::new();
    for _ in 0..2 {
        effects.extend(feed(&mut app, KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE)));
    }
    assert_eq!(app.selected_path().as_deref(), Some("a.md"));
    assert_eq!(preview_fields(&app), [field("title", "Alpha"), field("order", "1")], "as the index has it");
    perform(&mut app, &mut deck, effects);
    assert_eq!(app.selected_path().as_deref(), Some("a.md"));
    let read = |path: &str| std::fs::read_to_string(f.dex.root.join(path)).expect("read");
    assert_eq!(read("a.md"), "---\ntitle: Alpha\norder: 20\n---\nAlpha text.\n");
    assert_eq!(preview_fields(&app), [field("title", "Alpha"), field("order", "20")]);
}

/// An editor that retitles Beta.
const RETITLING_EDITOR: &str = r#"#!/bin/sh
for last in "$@"; do :; done
sed -i 's/^title: Beta$/title: Beta edited/' "$last"
"#;

/// Any write from the TUI, not only a move: `e` on a card shown for context.
#[test]
fn after_an_edit_the_preview_shows_the_card_as_now_on_disk() {
    if !in_child_with_editor("after_an_edit_the_preview_shows_the_card_as_now_on_disk", RETITLING_EDITOR) {
        return;
    }
    let f = parents_for_context();
    let (mut app, mut deck) = context_outline_on(&f, "b.md");
    let effects = feed(&mut app, KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE));
    assert_eq!(but_previews(effects.clone()), [Effect::Edit { path: "b.md".into() }]);
    for effect in effects {
        deck.perform(effect, &mut app, &mut Direct);
    }
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    let text = std::fs::read_to_string(f.dex.root.join("b.md")).expect("read");
    assert_eq!(text, "---\ntitle: Beta edited\norder: 2\n---\nBeta text.\n");
    let preview = app.preview.clone().expect("a preview");
    assert_eq!((preview.path.as_str(), preview.title.as_str()), ("b.md", "Beta edited"));
    assert_eq!(preview.fields, [field("title", "Beta edited"), field("order", "2")]);
}

/// Runs outline moves on `rel` in a dex of `p.md` (a root ordered 10) and the card `text`
/// (issue 14 point 7): after each key, the card is exactly the text given; `p.md` is
/// never written, and a CRLF card keeps CRLF on every line, changed ones included.
fn moves_rewrite_exactly(rel: &str, text: &str, steps: &[(char, String)]) {
    let parent = "---\ntitle: P\norder: 10\n---\n";
    let f = dex_of(&[("p.md", parent), (rel, text)]);
    let (mut app, mut deck) = outline_on(&f, rel);
    let read = |path: &str| std::fs::read_to_string(f.dex.root.join(path)).expect("read");
    for (key, expected) in steps {
        press(&mut app, &mut deck, &[KeyCode::Char(*key)]);
        assert_eq!(app.status_message, None, "{rel} {key}");
        assert_eq!(read(rel), *expected, "{rel} after {key}");
        assert_eq!(read("p.md"), parent, "{rel} after {key}: the parent card is never written");
        if text.contains("\r\n") {
            assert_eq!(expected.matches('\n').count(), expected.matches("\r\n").count(), "{rel}: CRLF kept");
        }
        assert_eq!(app.selected_path().as_deref(), Some(rel), "the cursor stays on the card");
    }
}

/// `>` under P, `<` back out, `K` above P, `J` below it again, on a card ordered 20 with
/// no parent: the order line changes (and the parent line comes and goes, as the last
/// of the block), every other byte stays; `<` and `J` give back the card as it was.
fn indent_outdent_up_down(rel: &str, text: &str, indented: &[(&str, &str)], up: (&str, &str)) {
    let indented = indented.iter().fold(text.to_string(), |text, (from, to)| text.replacen(from, to, 1));
    let steps =
        [('>', indented), ('<', text.to_string()), ('K', text.replace(up.0, up.1)), ('J', text.to_string())];
    moves_rewrite_exactly(rel, text, &steps);
}

#[test]
fn moves_rewrite_only_the_order_and_parent_member_of_a_json_card() {
    indent_outdent_up_down(
        "j.md",
        "{\n  \"title\": \"Jay\",\n  \"tags\": [\"x\", \"y\"],\n  \"order\": 20\n}\nJay body, see [[p]].\n",
        &[("\"order\": 20\n}", "\"order\": 10,\n  \"parent\": \"[[p]]\"\n}")],
        ("\"order\": 20\n", "\"order\": 5\n"),
    );
    indent_outdent_up_down(
        "fenced.md",
        "---json\n{\"title\": \"Fenced\", \"order\": 20}\n---\nBody.\n",
        &[("\"order\": 20}", "\"order\": 10, \"parent\": \"[[p]]\"}")],
        ("\"order\": 20}", "\"order\": 5}"),
    );
    // With a BOM and CRLF, and no line end at the very end.
    indent_outdent_up_down(
        "bom.md",
        "\u{feff}{\r\n  \"order\": 20,\r\n  \"title\": \"Bom\"\r\n}",
        &[("\"order\": 20,", "\"order\": 10,"), ("\"Bom\"\r\n}", "\"Bom\",\r\n  \"parent\": \"[[p]]\"\r\n}")],
        ("\"order\": 20,", "\"order\": 5,"),
    );
    // A parent member first in the object goes with its comma, the others keep theirs.
    let under = "{\"parent\": \"p\", \"title\": \"Jay\", \"order\": 10}\nJay body.\n";
    moves_rewrite_exactly(
        "u.md",
        under,
        &[
            ('<', "{\"title\": \"Jay\", \"order\": 20}\nJay body.\n".into()),
            ('>', "{\"title\": \"Jay\", \"order\": 10, \"parent\": \"[[p]]\"}\nJay body.\n".into()),
        ],
    );
}

#[test]
fn moves_rewrite_only_the_order_and_parent_line_of_a_toml_card() {
    indent_outdent_up_down(
        "t.md",
        "+++\ntitle = \"Tom\"  # the title\norder = 20\ntags = [\"x\"]\n+++\nTom body.\n",
        &[("order = 20\n", "order = 10\n"), ("tags = [\"x\"]\n", "tags = [\"x\"]\nparent = \"[[p]]\"\n")],
        ("order = 20\n", "order = 5\n"),
    );
    let under = "+++\r\ntitle = \"Tom\"\r\nparent = 'p' # by name\r\norder = 10.0\r\n+++\r\nBody.\r\n";
    moves_rewrite_exactly(
        "u.md",
        under,
        &[
            ('<', "+++\r\ntitle = \"Tom\"\r\norder = 20\r\n+++\r\nBody.\r\n".into()),
            ('>', "+++\r\ntitle = \"Tom\"\r\norder = 10\r\nparent = \"[[p]]\"\r\n+++\r\nBody.\r\n".into()),
        ],
    );
}

#[test]
fn moves_keep_crlf_and_a_bom_in_a_yaml_card() {
    indent_outdent_up_down(
        "crlf.md",
        "---\r\ntitle: Cr\r\norder: 20 # place\r\ntags: [x]\r\n---\r\nCr body.\r\n",
        &[("order: 20 # place\r\ntags: [x]\r\n", "order: 10 # place\r\ntags: [x]\r\nparent: \"[[p]]\"\r\n")],
        ("order: 20 #", "order: 5 #"),
    );
    indent_outdent_up_down(
        "bom.md",
        "\u{feff}---\ntitle: Bom\norder: 20\n---\nBom body.\n",
        &[("order: 20\n", "order: 10\nparent: \"[[p]]\"\n")],
        ("order: 20\n", "order: 5\n"),
    );
    indent_outdent_up_down(
        "both.md",
        "\u{feff}---\r\ntitle: Both\r\norder: 20\r\n---\r\nBody.\r\n",
        &[("order: 20\r\n", "order: 10\r\nparent: \"[[p]]\"\r\n")],
        ("order: 20\r\n", "order: 5\r\n"),
    );
    // A parent line in the middle goes whole, with its comment and its CRLF.
    let under = "---\r\ntitle: Cr\r\nparent: p # here\r\norder: 10\r\ntags: [x]\r\n---";
    moves_rewrite_exactly(
        "u.md",
        under,
        &[
            ('<', "---\r\ntitle: Cr\r\norder: 20\r\ntags: [x]\r\n---".into()),
            ('>', "---\r\ntitle: Cr\r\norder: 10\r\ntags: [x]\r\nparent: \"[[p]]\"\r\n---".into()),
        ],
    );
}

/// An editor for the `a` test: writes a line of text under the draft's frontmatter.
const APPENDING_EDITOR: &str = r#"#!/bin/sh
for last in "$@"; do :; done
printf 'Written in the editor.\n' >> "$last"
"#;

/// Issue 14 point 4: `a` makes a card from the template with the parent field set to the
/// card under the cursor, and the new card shows under it.
#[test]
fn a_adds_a_child_card_from_the_template_under_the_selected_one() {
    if !in_child_with_editor("a_adds_a_child_card_from_the_template_under_the_selected_one", APPENDING_EDITOR)
    {
        return;
    }
    let f = dex_of(&[
        ("plans/p.md", "---\ntitle: Plan\norder: 10\n---\n"),
        ("plans/q.md", "---\ntitle: Other plan\norder: 20\n---\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "plans/p.md");
    press(&mut app, &mut deck, &[KeyCode::Char('a')]);
    let Mode::Templates { selected } = app.mode else { panic!("the template picker: {:?}", app.mode) };
    assert_eq!(app.templates[selected], "note", "the dex's default template");
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    assert_eq!(app.mode, Mode::Title { text: String::new(), cursor: 0 });
    press(&mut app, &mut deck, &typed("First step"));
    let effects = feed(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    for effect in effects {
        deck.perform(effect, &mut app, &mut Direct);
    }
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    let card = "2026/11/23/first-step.md";
    assert_eq!(app.status_message.as_deref(), Some(format!("saved {card}").as_str()));
    assert_eq!(
        std::fs::read_to_string(f.dex.root.join(card)).expect("the new card"),
        "---\ntitle: First step\nwhat: note\ncollection:\ntags: []\ncreated: 2026-11-23T14:15:30\nparent: \"[[plans/p]]\"\n---\n\nWritten in the editor.\n"
    );
    assert_eq!(shown_outline(&app), ["plans/p.md", card, "plans/q.md"]);
    let outline = app.outline.as_ref().expect("the outline");
    let (parent, child) = (outline.tree.find("plans/p.md"), outline.tree.find(card).expect("the new card"));
    assert_eq!(outline.tree.nodes[child].parent, parent, "under the card it was added to");
    assert_eq!(app.selected_path().as_deref(), Some(card), "the cursor on the new card");
    let screen = screen(&app, 80, 26);
    assert!(screen.contains("└──   First step"), "{screen}");
}

/// Every card's text, by path.
fn texts(f: &Fixture, paths: &[&str]) -> Vec<(String, String)> {
    let read = |p: &str| std::fs::read_to_string(f.dex.root.join(p)).expect("read");
    paths.iter().map(|p| (p.to_string(), read(p))).collect()
}

/// The lines that differ between two readings of the same cards: (path, before, after).
fn changed_lines(before: &[(String, String)], after: &[(String, String)]) -> Vec<(String, String, String)> {
    let mut changed = Vec::new();
    for ((path, old), (_, new)) in before.iter().zip(after) {
        let (old, new): (Vec<&str>, Vec<&str>) =
            (old.split_inclusive('\n').collect(), new.split_inclusive('\n').collect());
        assert_eq!(old.len(), new.len(), "{path}: a move changes lines, it adds or removes none here");
        for (o, n) in old.iter().zip(&new) {
            if o != n {
                changed.push((path.clone(), o.to_string(), n.to_string()));
            }
        }
    }
    changed
}

/// Issue 14 point 4: a move writes one card's order line while there is a gap between
/// its new neighbours; when there is none, the siblings are numbered again, each whose
/// order changes having that line (and only it) rewritten.
#[test]
fn a_move_renumbers_the_siblings_only_when_no_gap_is_left() {
    let cards = ["p.md", "a.md", "b.md", "c.md", "d.md"];
    let f = dex_of(&[
        ("p.md", "---\ntitle: P\n---\n"),
        ("a.md", "---\ntitle: A\nparent: p\norder: 10\n---\nA.\n"),
        ("b.md", "+++\ntitle = \"B\"\nparent = \"p\"\norder = 10  # as A\n+++\nB.\n"),
        ("c.md", "---\r\ntitle: C\r\norder: 20\r\nparent: p\r\n---\r\nC.\r\n"),
        ("d.md", "---\ntitle: D\nparent: p\norder: 30\ntags: [x]\n---\nD.\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "d.md");
    let children = |app: &App| shown_outline(app).into_iter().skip(1).collect::<Vec<_>>();
    let mut before = texts(&f, &cards);
    let mut step = |app: &mut App, deck: &mut Deck, card: &str, key: char| {
        app.select_path(card);
        press(app, deck, &[KeyCode::Char(key)]);
        assert_eq!(app.status_message, None);
        let after = texts(&f, &cards);
        changed_lines(&std::mem::replace(&mut before, after.clone()), &after)
    };
    let line = |path: &str, old: &str, new: &str| (path.to_string(), old.to_string(), new.to_string());
    // Between B (10) and C (20): one card, one line.
    assert_eq!(step(&mut app, &mut deck, "d.md", 'K'), [line("d.md", "order: 30\n", "order: 15\n")]);
    assert_eq!(children(&app), ["a.md", "b.md", "d.md", "c.md"]);
    // Between A (10) and B (10, after A by title) there is no order value, and B cannot
    // trade its 10 with D (A holds it too): all are numbered again, A keeps its 10 and is
    // not written.
    assert_eq!(
        step(&mut app, &mut deck, "d.md", 'K'),
        [
            line("b.md", "order = 10  # as A\n", "order = 30  # as A\n"),
            line("c.md", "order: 20\r\n", "order: 40\r\n"),
            line("d.md", "order: 15\n", "order: 20\n"),
        ]
    );
    assert_eq!(children(&app), ["a.md", "d.md", "b.md", "c.md"]);
    // First, below A's 10: one card again.
    assert_eq!(step(&mut app, &mut deck, "d.md", 'K'), [line("d.md", "order: 20\n", "order: 5\n")]);
    // Down between B (30) and C (40): one card.
    assert_eq!(step(&mut app, &mut deck, "a.md", 'J'), [line("a.md", "order: 10\n", "order: 35\n")]);
    assert_eq!(children(&app), ["d.md", "b.md", "a.md", "c.md"]);
}

/// Issue 14 point 4 (review): siblings without an order value sort after the ordered
/// ones, so a move next to them needs no renumbering of the whole level: `J` on the last
/// ordered card before unordered ones writes that card alone, and a move among unordered
/// cards numbers only the cards up to the moved one, never the unordered ones after it
/// (with every card of a deck being a root, `J` on a root used to rewrite them all).
#[test]
fn a_move_next_to_unordered_siblings_leaves_the_unordered_ones_after_it_alone() {
    let cards = ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md"];
    let f = dex_of(&[
        ("a.md", "---\ntitle: A\norder: 10\n---\n"),
        ("b.md", "---\ntitle: B\norder: 20\n---\n"),
        ("c.md", "---\ntitle: C\n---\n"),
        ("d.md", "---\ntitle: D\n---\n"),
        ("e.md", "---\ntitle: E\n---\n"),
        ("f.md", "---\ntitle: F\n---\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "a.md");
    let mut before = texts(&f, &cards);
    let mut step = |app: &mut App, deck: &mut Deck, card: &str, key: char| {
        app.select_path(card);
        press(app, deck, &[KeyCode::Char(key)]);
        assert_eq!(app.status_message, None);
        let after = texts(&f, &cards);
        let changed: Vec<String> = (before.iter().zip(&after))
            .filter(|(old, new)| old != new)
            .map(|((path, _), (_, new))| format!("{path}: {}", new.lines().nth(2).unwrap_or_default()))
            .collect();
        before = after;
        changed
    };
    // After B (20), before the unordered C: A alone, one past B.
    assert_eq!(step(&mut app, &mut deck, "a.md", 'J'), ["a.md: order: 30"]);
    assert_eq!(shown_outline(&app), ["b.md", "a.md", "c.md", "d.md", "e.md", "f.md"]);
    // C below D: D and C need numbers after A's 30; E and F stay unordered, unwritten.
    assert_eq!(step(&mut app, &mut deck, "c.md", 'J'), ["c.md: order: 50", "d.md: order: 40"]);
    assert_eq!(shown_outline(&app), ["b.md", "a.md", "d.md", "c.md", "e.md", "f.md"]);
    assert_eq!(step(&mut app, &mut deck, "e.md", 'J'), ["e.md: order: 70", "f.md: order: 60"]);
    assert_eq!(shown_outline(&app), ["b.md", "a.md", "d.md", "c.md", "f.md", "e.md"]);
    // Up above B, first: below B's 20, one card.
    assert_eq!(step(&mut app, &mut deck, "a.md", 'K'), ["a.md: order: 10"]);
    assert_eq!(shown_outline(&app), ["a.md", "b.md", "d.md", "c.md", "f.md", "e.md"]);
}

/// Issue 14 point 1 (review): the parent field renamed in `.termdex/config.toml` while the
/// TUI runs. The index reads the new field at once (the outline shows it); a move must
/// then write that field, not the one named when the TUI started, or the card is shown
/// moved, snaps back once the file is read again, and keeps a stray field.
#[test]
fn a_move_writes_the_parent_field_the_config_names_now() {
    let f = dex_of(&[
        ("p.md", "---\ntitle: P\norder: 10\n---\n"),
        ("c.md", "---\ntitle: C\norder: 20\nparent: \"[[p]]\"\n---\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "c.md");
    let depth = |app: &App, path: &str| {
        let outline = app.outline.as_ref().expect("the outline");
        outline.tree.find(path).map(|n| outline.tree.nodes[n].depth)
    };
    assert_eq!(depth(&app, "c.md"), Some(1), "under P by its parent field");
    write(&f.dex.root, ".termdex/config.toml", "[outline]\nparent = \"up\"\n");
    assert!(wait_for(&mut app, &mut deck, |app| depth(app, "c.md") == Some(0)), "c.md is a top now");
    assert!(deck.settle(&mut app, PATIENCE));
    app.select_path("c.md");
    press(&mut app, &mut deck, &[KeyCode::Char('>')]);
    let read = |path: &str| std::fs::read_to_string(f.dex.root.join(path)).expect("read");
    assert_eq!(read("c.md"), "---\ntitle: C\norder: 10\nparent: \"[[p]]\"\nup: \"[[p]]\"\n---\n");
    assert!(deck.settle(&mut app, PATIENCE));
    std::thread::sleep(Duration::from_millis(300));
    assert!(deck.settle(&mut app, PATIENCE));
    assert_eq!(depth(&app, "c.md"), Some(1), "under P, as the file now says");
}

/// Issue 14 points 4 and 5 (rev-14b): in an outline narrowed by the filter line, a move
/// acts on the cards shown. `K` on B, shown right under A (H, between them, is hidden by
/// the filter), put B between A and H: written, and nothing moved on screen. `>` on B put
/// it under the hidden H: B went off the screen, under a card the user never saw.
#[test]
fn moves_in_a_filtered_outline_act_on_the_cards_shown() {
    let cards = ["a.md", "h.md", "b.md"];
    let f = dex_of(&[
        ("a.md", "---\ntitle: A\norder: 10\nk: x\n---\n"),
        ("h.md", "---\ntitle: H\norder: 20\n---\n"),
        ("b.md", "---\ntitle: B\norder: 30\nk: x\n---\n"),
    ]);
    let (mut app, mut deck) = open(&f, "outline", 100, 14);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("k:x"));
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    assert_eq!(shown_outline(&app), ["a.md", "b.md"]);
    let read = |path: &str| std::fs::read_to_string(f.dex.root.join(path)).expect("read");
    app.select_path("b.md");
    press(&mut app, &mut deck, &[KeyCode::Char('K')]);
    assert_eq!(app.status_message, None);
    assert_eq!(shown_outline(&app), ["b.md", "a.md"], "B above A, as shown");
    assert_eq!(read("b.md"), "---\ntitle: B\norder: 5\nk: x\n---\n");
    press(&mut app, &mut deck, &[KeyCode::Char('J')]);
    assert_eq!(shown_outline(&app), ["a.md", "b.md"], "B below A again");
    let order = |text: String| -> f64 {
        text.lines().find_map(|l| l.strip_prefix("order: ")).and_then(|o| o.parse().ok()).expect("order")
    };
    let b = order(read("b.md"));
    assert!(b > 10.0 && b < 20.0, "right below A, before the hidden H: {b}");
    press(&mut app, &mut deck, &[KeyCode::Char('>')]);
    assert_eq!(app.status_message, None);
    assert_eq!(shown_outline(&app), ["a.md", "b.md"], "B still shown");
    assert!(read("b.md").contains("parent: \"[[a]]\"\n"), "under A, shown above it: {}", read("b.md"));
    assert_eq!(
        texts(&f, &cards[..2]),
        [("a.md".into(), read("a.md")), ("h.md".into(), "---\ntitle: H\norder: 20\n---\n".into())]
    );
}

/// Issue 14 point 4 (rev-14b): a parent written must name the card the move shows it
/// under. Links take `y.md` and `y.markdown` for one name (the shorter path wins), so `>`
/// under `y.markdown` wrote `[[y]]`, which names `y.md`: the card was shown under one
/// card and filed under another. The move is refused, said, and nothing written.
#[test]
fn a_move_under_a_card_no_link_can_name_is_refused() {
    let n = "---\ntitle: N\norder: 30\n---\n";
    let f = dex_of(&[
        ("y.md", "---\ntitle: MD Y\norder: 10\n---\n"),
        ("y.markdown", "---\ntitle: Markdown Y\norder: 20\n---\n"),
        ("n.md", n),
    ]);
    let (mut app, mut deck) = outline_on(&f, "n.md");
    assert_eq!(shown_outline(&app), ["y.md", "y.markdown", "n.md"]);
    press(&mut app, &mut deck, &[KeyCode::Char('>')]);
    let said = app.status_message.clone().unwrap_or_default();
    assert!(said.contains("y.md") && said.contains("y.markdown"), "{said}");
    assert_eq!(std::fs::read_to_string(f.dex.root.join("n.md")).expect("read"), n);
    assert_eq!(shown_outline(&app), ["y.md", "y.markdown", "n.md"], "shown where it is");
    // Under y.md, which `[[y]]` names, it goes.
    app.select_path("y.markdown");
    press(&mut app, &mut deck, &[KeyCode::Char('K')]);
    app.select_path("n.md");
    press(&mut app, &mut deck, &[KeyCode::Char('>')]);
    assert_eq!(app.status_message, None);
    assert!(std::fs::read_to_string(f.dex.root.join("n.md")).expect("read").contains("parent: \"[[y]]\""));
}

/// rev-14b: a level numbered by hand, 1 to 6. `J` on the first card wrote all six (the
/// moved card took 12, and each card after it ten more than the one before, after asking
/// first); the two cards trade their numbers instead, one line each.
#[test]
fn j_and_k_in_a_level_numbered_by_hand_trade_two_order_lines() {
    let cards: Vec<(String, String)> = (1..=6)
        .map(|i| (format!("{i}.md"), format!("---\ntitle: Step {i}\norder: {i}\n---\nDo {i}.\n")))
        .collect();
    let paths: Vec<&str> = cards.iter().map(|(p, _)| p.as_str()).collect();
    let refs: Vec<(&str, &str)> = cards.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let f = dex_of(&refs);
    let (mut app, mut deck) = outline_on(&f, "1.md");
    let before = texts(&f, &paths);
    press(&mut app, &mut deck, &[KeyCode::Char('J')]);
    assert_eq!(app.status_message, None, "nothing to confirm");
    let line = |path: &str, old: &str, new: &str| (path.to_string(), old.to_string(), new.to_string());
    let after = texts(&f, &paths);
    assert_eq!(
        changed_lines(&before, &after),
        [line("1.md", "order: 1\n", "order: 2\n"), line("2.md", "order: 2\n", "order: 1\n")]
    );
    assert_eq!(shown_outline(&app), ["2.md", "1.md", "3.md", "4.md", "5.md", "6.md"]);
    press(&mut app, &mut deck, &[KeyCode::Char('J'), KeyCode::Char('J'), KeyCode::Char('K')]);
    assert_eq!(shown_outline(&app), ["2.md", "3.md", "1.md", "4.md", "5.md", "6.md"]);
    assert_eq!(
        changed_lines(&before, &texts(&f, &paths)).len(),
        3,
        "1, 2 and 3 renumbered, 4 back as it was"
    );
    assert_eq!(app.selected_path().as_deref(), Some("1.md"));
}

/// rev-14b: like `k`, the outline's own cursor keys end the following of a card just
/// moved: `h` after `K` went to the parent, and the reload the re-index leads to took the
/// cursor back to the moved card; `zM` closed every branch, and the same reload opened the
/// moved card's again.
#[test]
fn h_and_zm_just_after_a_move_are_not_undone_by_its_reindex() {
    let f = fixture();
    let saved = saved_cards(&f);
    let (mut app, mut deck) = outline_on(&f, "tasks/done.md");
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    for effect in feed(&mut app, key('K')) {
        deck.perform(effect, &mut app, &mut NoScreen);
    }
    let _ = feed(&mut app, key('h'));
    assert_eq!(app.selected_path().as_deref(), Some("tasks/ship.md"), "h goes to the parent");
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    std::thread::sleep(Duration::from_millis(300));
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(app.selected_path().as_deref(), Some("tasks/ship.md"), "the cursor stays where h put it");
    app.select_path("tasks/done.md");
    for effect in feed(&mut app, key('J')) {
        deck.perform(effect, &mut app, &mut NoScreen);
    }
    let _ = feed(&mut app, key('z'));
    let _ = feed(&mut app, key('M'));
    assert!(!shown_outline(&app).contains(&"tasks/done.md".to_string()), "zM closed ship");
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    std::thread::sleep(Duration::from_millis(300));
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert!(
        !shown_outline(&app).contains(&"tasks/done.md".to_string()),
        "ship stays closed: {:?}",
        shown_outline(&app)
    );
    restore(saved);
}

/// rev-14b: in the `outline` view the outline is the view itself: Esc, which the help
/// says closes a pane and clears the filter, turned it into a plain list under the
/// `outline` tab (and `7` could not bring it back: that view is the one shown) and left
/// the filter. It clears the filter; `o` still closes the outline.
#[test]
fn esc_in_the_outline_view_clears_the_filter_and_keeps_the_outline() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "outline", 100, 14);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("status:done"));
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    assert_eq!(shown_outline(&app), ["tasks/ship.md", "tasks/done.md"]);
    press(&mut app, &mut deck, &[KeyCode::Esc]);
    assert!(app.outline.is_some(), "still the outline");
    assert_eq!(app.filter.text, "");
    assert_eq!(shown_outline(&app).len(), 7, "every card again: {:?}", shown_outline(&app));
    press(&mut app, &mut deck, &[KeyCode::Char('o')]);
    assert!(app.outline.is_none(), "o closes it");
}

/// rev-14b: a move that writes several cards writes none when one of them cannot be
/// written. `K` on C (no whole number between A's 1 and B's 2) numbers C 11 and B 21; B
/// was read-only: C was written first (after B now, so nothing moved on screen) and B
/// refused, a half-made move the message did not mention.
#[test]
fn a_move_that_cannot_write_every_card_writes_none() {
    use std::os::unix::fs::PermissionsExt;
    let cards = ["a.md", "b.md", "c.md"];
    let f = dex_of(&[
        ("a.md", "---\ntitle: A\norder: 1\n---\n"),
        ("b.md", "---\ntitle: B\norder: 2\n---\n"),
        ("c.md", "---\ntitle: C\norder: 3\n---\n"),
    ]);
    let b = f.dex.root.join("b.md");
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let (mut app, mut deck) = outline_on(&f, "c.md");
    let before = texts(&f, &cards);
    press(&mut app, &mut deck, &[KeyCode::Char('K')]);
    assert_eq!(texts(&f, &cards), before, "nothing written");
    let said = app.status_message.clone().unwrap_or_default();
    assert!(said.contains("b.md") && said.contains("not moved"), "{said}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(deck.settle(&mut app, PATIENCE));
    assert_eq!(shown_outline(&app), cards, "shown as on disk");
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

/// rev-14b: a move that ends a parent cycle is shown as the files then have it. X and Y
/// name each other; the outline breaks the cycle at X (a top) with Y under it. `<` on Y
/// takes Y's parent away: X's parent field, [[y]], now names a card at the top, so X is
/// under Y. The move showed X and Y side by side at the top until the index read the
/// files, then X jumped under Y: the screen said one thing and the files another.
#[test]
fn a_move_that_ends_a_cycle_shows_the_outline_the_files_make() {
    let f = dex_of(&[
        ("x.md", "---\ntitle: X\nparent: \"[[y]]\"\n---\n"),
        ("y.md", "---\ntitle: Y\nparent: \"[[x]]\"\n---\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "y.md");
    let depths = |app: &App| {
        let outline = app.outline.as_ref().expect("the outline");
        outline
            .shown
            .iter()
            .map(|s| format!("{}{}", "  ".repeat(s.depth), outline.tree.nodes[s.node].path().unwrap_or("")))
            .collect::<Vec<_>>()
    };
    assert_eq!(depths(&app), ["x.md", "  y.md"]);
    let effects = feed(&mut app, KeyEvent::new(KeyCode::Char('<'), KeyModifiers::NONE));
    let drawn = depths(&app);
    perform(&mut app, &mut deck, effects);
    std::thread::sleep(Duration::from_millis(300));
    assert!(deck.settle(&mut app, PATIENCE));
    assert_eq!(depths(&app), ["y.md", "  x.md"], "as the files have it");
    assert_eq!(drawn, depths(&app), "drawn at the key as the files then have it");
}

/// rev-14b: `a` on a card no link can name (`y.markdown` beside `y.md`: `[[y]]` names
/// `y.md`) would file the new card under the other one; it says so and makes none.
#[test]
fn a_under_a_card_no_link_can_name_says_so() {
    let f = dex_of(&[
        ("y.md", "---\ntitle: MD Y\norder: 10\n---\n"),
        ("y.markdown", "---\ntitle: Markdown Y\norder: 20\n---\n"),
    ]);
    let (mut app, mut deck) = outline_on(&f, "y.markdown");
    press(&mut app, &mut deck, &[KeyCode::Char('a')]);
    assert_eq!(app.mode, Mode::List, "no template picker");
    let said = app.status_message.clone().unwrap_or_default();
    assert!(said.contains("y.md") && said.contains("y.markdown"), "{said}");
    app.select_path("y.md");
    press(&mut app, &mut deck, &[KeyCode::Char('a')]);
    assert!(matches!(app.mode, Mode::Templates { .. }), "under y.md it can: {:?}", app.mode);
}

#[test]
fn n_with_the_journal_template_opens_the_days_card_again() {
    if !in_child_with_editor("n_with_the_journal_template_opens_the_days_card_again", APPENDING_EDITOR) {
        return;
    }
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 16);
    let journal =
        || Effect::New { template: "journal".into(), sets: Vec::new(), title: None, checked: false };
    deck.perform(journal(), &mut app, &mut Direct);
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    let day = "journal/2026-11-23.md";
    assert_eq!(app.status_message, Some(format!("saved {day}")));
    let first = std::fs::read_to_string(f.dex.root.join(day)).expect("the day's card");
    assert!(first.contains("title: 2026-11-23"), "titled by its day: {first}");
    deck.perform(journal(), &mut app, &mut Direct);
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(
        app.status_message,
        Some(format!("{day}: the day's journal card, opened again")),
        "no second journal card"
    );
    assert_eq!(
        std::fs::read_to_string(f.dex.root.join(day)).expect("again"),
        format!("{first}Written in the editor.\n")
    );
    assert!(!f.dex.root.join("journal/2026-11-23-2.md").exists());
    assert_eq!(app.index.total, 8, "one card more than the fixture's seven");
}

/// Row `y` of the screen as text (as the snapshots show it), and where on it the
/// cursor is drawn (its reversed cells: their column and what they show).
fn row_with_cursor(app: &App, w: u16, h: u16, y: u16) -> (String, Vec<(u16, String)>) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|frame| view::render(app, frame)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut row = String::new();
    let mut hidden = 0;
    for x in 0..w {
        let symbol = buffer.cell((x, y)).map_or(" ", |c| c.symbol());
        // The cells a wide char covers after its own.
        if hidden > 0 {
            hidden -= 1;
            continue;
        }
        hidden = symbol.width().saturating_sub(1);
        row.push_str(symbol);
    }
    let cursor = (0..w)
        .filter_map(|x| buffer.cell((x, y)))
        .enumerate()
        .filter(|(_, c)| c.modifier.contains(ratatui::style::Modifier::REVERSED))
        .map(|(x, c)| (x as u16, c.symbol().to_string()))
        .collect();
    (row, cursor)
}

/// The filter line (the last row but one) at 100 columns.
fn filter_row(app: &App) -> (String, Vec<(u16, String)>) {
    row_with_cursor(app, 100, 12, 10)
}

/// `text` padded with blanks to 100 cells.
fn line100(text: &str) -> String {
    format!("{text}{}", " ".repeat(100 - text.width()))
}

/// Hostile test: a 250-character filter was cut with `…` at the right edge, the cursor,
/// what was being typed and the error after it out of sight. The line scrolls by half
/// its width (49 of its 98 cells for text) to keep the cursor in view.
#[test]
fn a_long_filter_scrolls_to_keep_the_cursor_and_the_typing_in_view() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    let long = format!("what:note {}", "abcdefghij".repeat(24));
    assert_eq!(long.len(), 250);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed(&long));
    assert_eq!(app.filter.error, None);
    // The cursor at column 250: the window starts at 196 (4 halves), its first cell a `…`.
    let end = (line100(&format!("/ …{}", &long[197..])), vec![(56, " ".to_string())]);
    assert_eq!(filter_row(&app), end);
    press(&mut app, &mut deck, &[KeyCode::Home]);
    assert_eq!(filter_row(&app), (format!("/ {}…", &long[..97]), vec![(2, "w".into())]));
    press(&mut app, &mut deck, &vec![KeyCode::Right; 100]);
    assert_eq!(filter_row(&app), (format!("/ …{}…", &long[50..146]), vec![(53, "a".into())]));
    press(&mut app, &mut deck, &[KeyCode::Left]);
    assert_eq!(
        filter_row(&app),
        (format!("/ …{}…", &long[50..146]), vec![(52, "j".into())]),
        "within the half"
    );
    press(&mut app, &mut deck, &[KeyCode::End]);
    assert_eq!(filter_row(&app), end);
    // The error after the text, in the room the scroll leaves.
    press(&mut app, &mut deck, &typed(" what:"));
    let error = "expected a value after `what:`";
    assert_eq!(app.filter.error.as_deref(), Some(error));
    let text = format!("{long} what:");
    let shown = line100(&format!("/ …{}   ✗ {error}", &text[197..]));
    assert_eq!(filter_row(&app), (shown, vec![(62, " ".to_string())]));
    // Enter keeps the filter: no cursor, the text cut at the right as before.
    press(&mut app, &mut deck, &[KeyCode::Enter]);
    assert_eq!(filter_row(&app), (format!("/ {}…", &text[..97]), vec![]));
}

/// Columns, not chars: a CJK char takes two cells, and one cut by the left edge leaves a
/// blank in the cell it had there.
#[test]
fn a_long_cjk_filter_scrolls_by_terminal_cells() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    let chars: Vec<char> = "日本語".repeat(40).chars().collect();
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &chars.iter().map(|&c| KeyCode::Char(c)).collect::<Vec<_>>());
    let from = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    // The cursor at cell 240; the window starts at 147, so the text from cell 148.
    assert_eq!(filter_row(&app), (line100(&format!("/ …{}", from(74, 120))), vec![(95, " ".into())]));
    press(&mut app, &mut deck, &[KeyCode::Home]);
    press(&mut app, &mut deck, &vec![KeyCode::Right; 73]);
    // The cursor on char 73 (cell 146): the window starts at 98, char 49 (cells 98-99)
    // is cut by the `…` and char 97 (cells 194-195) by the one at the right.
    let shown = format!("/ … {} …", from(50, 97));
    assert_eq!(filter_row(&app), (shown, vec![(50, "本".into())]));
}

/// Hostile test: the filter line took no Home, End, Delete or ^w; it now edits as the
/// title box does (one implementation), and a key that only moves the cursor asks nothing.
#[test]
fn the_filter_line_and_the_title_box_take_the_same_editing_keys() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 100, 12);
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
    press(&mut app, &mut deck, &[KeyCode::Char('/')]);
    press(&mut app, &mut deck, &typed("what:note sqlt"));
    assert_eq!(shown(&app), ["notes/sqlite.md"]);
    step(&mut app, &mut deck, ctrl('w'));
    assert_eq!((app.filter.text.as_str(), app.filter.cursor), ("what:note ", 10));
    assert_eq!(shown(&app), ["notes/escape.md", "notes/sqlite.md"], "the fuzzy word went");
    for key in [plain(KeyCode::Home), plain(KeyCode::End), ctrl('a'), ctrl('e'), ctrl('a')] {
        assert!(but_previews(feed(&mut app, key)).is_empty(), "{key:?} only moves the cursor");
    }
    assert_eq!(app.filter.cursor, 0);
    step(&mut app, &mut deck, plain(KeyCode::Delete));
    assert_eq!((app.filter.text.as_str(), app.filter.cursor), ("hat:note ", 0));
    step(&mut app, &mut deck, ctrl('e'));
    step(&mut app, &mut deck, plain(KeyCode::Backspace));
    press(&mut app, &mut deck, &[KeyCode::Left; 4]);
    step(&mut app, &mut deck, ctrl('u'));
    assert_eq!((app.filter.text.as_str(), app.filter.cursor), ("note", 0));
    step(&mut app, &mut deck, ctrl('k'));
    assert_eq!(app.filter.text, "");
    assert_eq!(app.visible.len(), 7);
    assert!(app.filter.editing && !app.quit);

    // The title box: the same keys, and the same scrolling (its text in 62 cells).
    press(&mut app, &mut deck, &[KeyCode::Esc, KeyCode::Char('n'), KeyCode::Enter]);
    press(&mut app, &mut deck, &typed("a title word"));
    step(&mut app, &mut deck, ctrl('w'));
    press(&mut app, &mut deck, &[KeyCode::Home, KeyCode::Delete, KeyCode::End]);
    assert_eq!(app.mode, Mode::Title { text: " title ".into(), cursor: 7 });
    let long = format!("{}{}", "日本語".repeat(30), "end");
    press(&mut app, &mut deck, &[KeyCode::Home]);
    press(&mut app, &mut deck, &long.chars().map(KeyCode::Char).collect::<Vec<_>>());
    // The cursor at cell 183: the window starts at 124 (4 halves of 31), a `…` there
    // and a blank for the rest of char 62; the text goes on past the `…` at the right.
    let (row, cursor) = row_with_cursor(&app, 100, 12, 5);
    let inner = row.split('│').nth(1).expect("the box");
    assert_eq!(inner, format!("… {}end t…", long.chars().skip(63).take(27).collect::<String>()));
    let in_box: Vec<_> = cursor.into_iter().filter(|(x, _)| (19..81).contains(x)).collect();
    assert_eq!(in_box, [(78, " ".to_string())], "not its border");
}
