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
use termdex::tui::app::{App, Effect, Mode, Query};
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
    let mut index = Index::open(&dex.index_path(), &Default::default()).expect("open").index;
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
    let (mut app, mut deck) = open(&f, "all", 80, 26);
    press(&mut app, &mut deck, &[KeyCode::Char('?')]);
    insta::assert_snapshot!(screen(&app, 80, 26));
}

/// The rows of the help overlay as the screen shows them: (keys, what they do).
fn help_rows(screen: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains("┌ keys")).expect("the help is open");
    let rows = lines[top + 1..].iter().take_while(|l| !l.contains('└'));
    rows.map(|line| {
        let inside = line.split('│').nth(1).expect("a row inside the box").trim();
        let (keys, help) = inside.split_once("  ").expect("keys, then what they do");
        (keys.to_string(), help.trim().to_string())
    })
    .collect()
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
        "Esc" => plain(KeyCode::Esc),
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
        "new card (template picker; the view's fields prefilled)" => {
            let (mut app, _deck) = open(f, "tasks", 80, 26);
            assert!(feed(&mut app, key).is_empty());
            assert!(matches!(app.mode, Mode::Templates { .. }), "{:?}", app.mode);
            let chosen = feed(&mut app, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
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
        "board: columns by the view's group field" => {
            let (mut app, _deck) = open(f, "tasks", 80, 26);
            feed(&mut app, key);
            let board = app.board.as_ref().expect("a board");
            let labels: Vec<&str> = board.columns.iter().map(|c| c.label.as_str()).collect();
            assert_eq!(board.field, "when");
            assert_eq!(labels, ["today", "tomorrow", "week", "month", "quarter", "someday", "(none)"]);
        }
        "board: column to the left" | "board: column to the right" => {
            let (mut app, _deck) = board_on_ship(f);
            feed(&mut app, key);
            let wanted = if help.ends_with("left") { 1 } else { 3 };
            assert_eq!(app.board.as_ref().map(|b| b.column), Some(wanted));
        }
        "board: move the card to the left column" | "board: move the card to the right column" => {
            let (mut app, mut deck) = board_on_ship(f);
            step(&mut app, &mut deck, key);
            let wanted = if help.ends_with("left column") { "when: tomorrow" } else { "when: month" };
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
        "filter (plain words fuzzy, field:value terms exact)" => {
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
        "close help / filter / board, or clear the filter" => {
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
        other => panic!("the help says a key does `{other}`; teach check_key how to check that it does"),
    }
}

#[test]
fn every_key_the_help_lists_does_what_it_says() {
    let f = fixture();
    let (mut app, mut deck) = open(&f, "all", 80, 26);
    press(&mut app, &mut deck, &[KeyCode::Char('?')]);
    let rows = help_rows(&screen(&app, 80, 26));
    assert!(rows.len() > 10, "{rows:?}");
    for (keys, help) in rows {
        for name in keys.split_whitespace() {
            for key in key_presses(name) {
                check_key(&f, &help, key);
            }
        }
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
    let mut index = Index::open(&f.dex.index_path(), &Default::default()).expect("open").index;
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
        deck.perform(Effect::New { template: "note".into(), sets }, &mut app, &mut Direct);
        assert_eq!(app.status_message, Some(format!("nothing saved: {said}")), "{does}");
        assert!(!f.dex.root.join("2026").exists(), "{does}: the draft and its folders are gone");
    }
    assert!(deck.settle(&mut app, PATIENCE), "the deck settles");
    assert_eq!(app.index.total, 7, "no card was added");
}
