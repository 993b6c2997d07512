//! The TUI on ratatui's TestBackend: a real dex in a temp dir, real index and query
//! layer, key presses through `App::update`, effects through `Deck`, and the rendered
//! screen compared with snapshots (`cargo insta review` to update them).

use std::path::Path;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use termdex::config::Config;
use termdex::dex::Dex;
use termdex::index::{Index, refresh};
use termdex::tui::app::{App, Effect};
use termdex::tui::deck::{Deck, Screen};
use termdex::tui::view;

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
        "+++\ntitle = \"Fix the bike\"\nwhat = \"task\"\nstatus = \"blocked\"\nwhen = \"someday\"\n+++\nChain and brakes.\n",
    );
    write(root, "tasks/done.md", "---\ntitle: Old chore\nwhat: task\nstatus: done\nwhen: today\n---\n");
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

/// The TUI as the runtime sets it up, on `view`, for a screen of `w`x`h`.
fn open(fixture: &Fixture, view: &str, w: u16, h: u16) -> (App, Deck) {
    let config = Config::load(&fixture.dex.state_dir()).expect("config");
    let (deck, _) = Deck::open(fixture.dex.clone(), config.clone()).expect("deck");
    let mut app = App::new(config, Some(view), deck.templates());
    app.color = false;
    app.page = view::page_size(Rect::new(0, 0, w, h));
    deck.load(&mut app);
    deck.preview(&mut app);
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
        let event = Event::Key(KeyEvent::new(*code, KeyModifiers::NONE));
        for effect in app.update(&event) {
            let written = match effect {
                Effect::Load => {
                    deck.load(app);
                    Vec::new()
                }
                Effect::Move { path, field, value } => deck.move_card(app, &path, &field, value.as_deref()),
                Effect::Edit { path } => deck.edit(app, &mut NoScreen, &path),
                Effect::New { .. } | Effect::Reindex => Vec::new(),
            };
            // The event loop hands these to its background refresher; here, at once.
            if !written.is_empty() {
                deck.reindex(app, &written);
            }
        }
        deck.preview(app);
    }
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
    let (mut app, mut deck) = open(&f, "all", 80, 26);
    press(&mut app, &mut deck, &[KeyCode::Char('?')]);
    let shown = screen(&app, 80, 26);
    for binding in termdex::tui::keymap::BINDINGS {
        assert!(shown.contains(binding.help), "help misses {:?}", binding.help);
    }
    insta::assert_snapshot!(shown);
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
    app.select_path("notes/escape.md");
    deck.preview(&mut app);
    press(&mut app, &mut deck, &[]);
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
        builtin: false,
    });
    let mut app = App::new(config, Some(evil), vec![format!("tmpl\u{1b}[2J")]);
    app.color = false;
    app.update(&Event::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)));
    let shown = screen(&app, 120, 20);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
    assert!(shown.contains("tmpl\u{fffd}[2J") && shown.contains("ev\u{fffd}]0;pwned"), "{shown}");
}
