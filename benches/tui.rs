//! The TUI's speed, headless: first frame of every view, and keystroke to redrawn frame while filtering,
//! measured as the runtime does it (update, effects sent to the deck's reader, the short wait for its
//! answers the event loop allows a frame, render on a TestBackend); and keystroke to the frame with the
//! answer, which may come later than the keystroke's own frame. Typed words, a pasted page of text
//! (bracketed paste: one event) and the same pasted without bracketed paste (a burst of keys).
//!
//! `cargo bench --bench tui` uses 10,000 cards; `TERMDEX_BENCH_CARDS=100000 cargo bench
//! --bench tui` more; `TERMDEX_BENCH_DECK=/tmp/c300k` uses a deck made beforehand by
//! `examples/gen_corpus.rs` (as `benches/scaling.sh` does); `TERMDEX_BENCH_ONLY=outline`
//! measures the outline alone, and `TERMDEX_BENCH_ONLY=outline-open` only its first frame,
//! writing nothing (no refresh, no move: for a deck others use too). Prints percentiles,
//! which the targets are stated in.

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use termdex::config::Config;
use termdex::dex::Dex;
use termdex::index::{Index, refresh};
use termdex::tui::app::{App, Effect};
use termdex::tui::deck::{Deck, Screen};
use termdex::tui::{SETTLE, view};

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;

fn main() {
    let n: u64 = std::env::var("TERMDEX_BENCH_CARDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let root = match std::env::var_os("TERMDEX_BENCH_DECK") {
        Some(dir) => PathBuf::from(dir),
        None => deck(n),
    };
    let dex = Dex::at(&root).expect("dex");
    let only = std::env::var("TERMDEX_BENCH_ONLY").unwrap_or_default();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
    if only == "outline-open" {
        let config = Config::load(&dex.state_dir()).expect("config");
        open_outline(&root, &config, &mut terminal);
        return;
    }
    let mut index = Index::open(&dex.index_path()).expect("index").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    drop(index);

    let config = Config::load(&dex.state_dir()).expect("config");
    if only == "outline" {
        outline(&root, &config, &mut terminal);
        return;
    }
    // Every view, as `termdex tui VIEW` opens it: the first frame is what the target is
    // about, on whichever view a user starts in.
    let views: Vec<String> = config.views.iter().map(|v| v.name.clone()).collect();
    for name in &views {
        let started = Instant::now();
        let (mut deck, _) = Deck::open(dex.clone(), config.clone()).expect("deck");
        let mut app = App::new(config.clone(), Some(name), deck.templates());
        app.page = view::page_size(Rect::new(0, 0, WIDTH, HEIGHT));
        deck.start(&mut app, PATIENCE);
        terminal.draw(|f| view::render(&app, f)).expect("draw");
        let first = started.elapsed();
        deck.after_first_frame(&mut app);
        assert!(deck.settle(&mut app, PATIENCE), "the reader answers");
        let full = started.elapsed();
        println!(
            "{name:>10}: first frame {:6.1} ms, full list ({} cards) {:6.1} ms",
            ms(first),
            app.rows.len(),
            ms(full)
        );
    }

    let (mut deck, _) = Deck::open(dex, config.clone()).expect("deck");
    let mut app = App::new(config.clone(), Some("all"), deck.templates());
    app.page = view::page_size(Rect::new(0, 0, WIDTH, HEIGHT));
    deck.start(&mut app, PATIENCE);
    deck.after_first_frame(&mut app);
    assert!(deck.settle(&mut app, PATIENCE), "the reader answers");
    println!("cards: {}", app.rows.len());

    // Typing and erasing fuzzy words, twice, then a field term and back.
    let mut keys = vec![KeyCode::Char('/')];
    for _ in 0..2 {
        for word in ["plan", " relea", " noteb"] {
            keys.extend(word.chars().map(KeyCode::Char));
        }
        keys.extend(std::iter::repeat_n(KeyCode::Backspace, 16));
    }
    keys.extend("status:blocked".chars().map(KeyCode::Char));
    keys.extend(std::iter::repeat_n(KeyCode::Backspace, 14));
    let events: Vec<Vec<Event>> = keys.into_iter().map(|code| vec![key(code)]).collect();
    report("typed", &measure(&mut app, &mut deck, &mut terminal, &events));

    // A page of text pasted, then typed on: words the matcher must all find, a field term.
    let page = pasted_page(8000);
    let mut events = vec![vec![Event::Paste(page.clone())]];
    events.extend(" status:todo x".chars().map(|c| vec![key(KeyCode::Char(c))]));
    events.push(vec![key(KeyCode::Esc)]);
    report("8,000-char paste, then keys", &measure(&mut app, &mut deck, &mut terminal, &events));

    // The same without bracketed paste: every character a key event, read in one burst.
    let mut burst = vec![key(KeyCode::Char('/'))];
    burst.extend(page.chars().take(789).map(|c| key(KeyCode::Char(c))));
    let events = vec![burst, vec![key(KeyCode::Esc)]];
    report("789 chars pasted as keys", &measure(&mut app, &mut deck, &mut terminal, &events));

    outline(&root, &config, &mut terminal);

    println!("peak memory: {} MB", peak_rss_kb() / 1024);
}

/// The outline view: opened (the first frame waits for the outline, as the runtime's does
/// when it comes within its first-frame wait), a branch closed and opened, every branch
/// closed and opened, and a card moved down, up, in and out again. The moves rewrite its
/// `parent` and `order` lines (on the deck given by `TERMDEX_BENCH_DECK` too) and leave
/// it under the same parent; the frame after a move's key must show it, the answer is the
/// outline read again after the re-index.
fn outline(root: &Path, config: &Config, terminal: &mut Terminal<TestBackend>) {
    let (mut app, mut deck) = open_outline(root, config, terminal);
    deck.keep_index_current(&mut app);
    assert!(deck.settle(&mut app, PATIENCE), "the refresher settles");

    // A root with three children or more: its branch is closed and opened, its second
    // child moved.
    let (branch, second) = {
        let outline = app.outline.as_ref().expect("the outline");
        let tree = &outline.tree;
        let root = tree
            .roots
            .iter()
            .copied()
            .find(|&r| tree.nodes[r].card.is_some() && tree.nodes[r].children.len() >= 3)
            .expect("a root with three children");
        let second = tree.nodes[root].children[1];
        let path = |n: usize| tree.nodes[n].path().expect("a card").to_string();
        (path(root), path(second))
    };
    let keys = |codes: &[KeyCode]| codes.iter().map(|&c| vec![key(c)]).collect::<Vec<_>>();
    app.select_path(&branch);
    let folds = keys(&[KeyCode::Char('h'), KeyCode::Char('l'), KeyCode::Char('h'), KeyCode::Char('l')]);
    report("outline: close and open a branch", &measure(&mut app, &mut deck, terminal, &folds));
    let all = vec![
        vec![key(KeyCode::Char('z')), key(KeyCode::Char('M'))],
        vec![key(KeyCode::Char('z')), key(KeyCode::Char('R'))],
    ];
    report("outline: close and open every branch", &measure(&mut app, &mut deck, terminal, &all));
    app.select_path(&second);
    let moves = keys(&[KeyCode::Char('J'), KeyCode::Char('K'), KeyCode::Char('>'), KeyCode::Char('<')]);
    let samples = measure(&mut app, &mut deck, terminal, &moves);
    assert_eq!(app.selected_path().as_deref(), Some(second.as_str()), "the cursor follows the card moved");
    report("outline: move a card down, up, in, out", &samples);
}

/// The outline view opened as the runtime opens it: its first frame (which waits for
/// the outline, as the runtime's does when it comes within its first-frame wait), then
/// the whole list behind it; both timed, and the process's CPU time for the first.
fn open_outline(root: &Path, config: &Config, terminal: &mut Terminal<TestBackend>) -> (App, Deck) {
    let dex = Dex::at(root).expect("dex");
    let (started, cpu) = (Instant::now(), process_cpu());
    let (mut deck, _) = Deck::open(dex, config.clone()).expect("deck");
    let mut app = App::new(config.clone(), Some("outline"), deck.templates());
    app.page = view::page_size(Rect::new(0, 0, WIDTH, HEIGHT));
    deck.start(&mut app, PATIENCE);
    terminal.draw(|f| view::render(&app, f)).expect("draw");
    let (first, first_cpu) = (started.elapsed(), process_cpu() - cpu);
    let shown = app.outline.as_ref().map_or(0, |o| o.shown.len());
    deck.after_first_frame(&mut app);
    assert!(deck.settle(&mut app, PATIENCE), "the reader answers");
    terminal.draw(|f| view::render(&app, f)).expect("draw");
    let all = app.outline.as_ref().map_or(0, |o| o.shown.len());
    assert_eq!(shown, all, "the first frame shows the whole outline");
    println!(
        "   outline: first frame {:6.1} ms ({:.1} ms CPU), with the full list {:6.1} ms ({all} nodes)",
        ms(first),
        ms(first_cpu),
        ms(started.elapsed())
    );
    (app, deck)
}

const PATIENCE: Duration = Duration::from_secs(120);

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// No editor in benchmarks.
struct NoScreen;

impl Screen for NoScreen {
    fn suspended(
        &mut self,
        _: &mut dyn FnMut() -> Option<std::process::ExitStatus>,
    ) -> Option<std::process::ExitStatus> {
        None
    }
}

/// Words of the generated deck's vocabulary and others, with line breaks: what a user
/// pastes by mistake (a paragraph, a log).
fn pasted_page(len: usize) -> String {
    let words = ["plan", "release", "notes", "meeting", "rust", "zebra", "ledger", "q", "x1", "draft"];
    let mut text = String::new();
    let mut n = 0;
    while text.len() < len {
        text.push_str(words[n % words.len()]);
        text.push_str(&(n / words.len()).to_string());
        text.push(if n % 9 == 8 { '\n' } else { ' ' });
        n += 1;
    }
    text.truncate(len);
    text
}

/// For each burst of events: the time to its frame, and to the frame with its answer.
struct Samples {
    frame: Vec<Duration>,
    answer: Vec<Duration>,
    /// The UI thread's CPU time to the frame: what the wall-clock figure is on an idle
    /// machine, whatever else shares the cores.
    cpu: Vec<Duration>,
}

fn measure(
    app: &mut App,
    deck: &mut Deck,
    terminal: &mut Terminal<TestBackend>,
    bursts: &[Vec<Event>],
) -> Samples {
    let mut samples = Samples { frame: Vec::new(), answer: Vec::new(), cpu: Vec::new() };
    for burst in bursts {
        let t = Instant::now();
        let cpu = thread_cpu();
        let mut frame = None;
        for event in burst {
            let effects = app.update(event);
            // As the event loop does: a move's frame before its files are written.
            if effects.iter().any(Effect::drawn_first) {
                terminal.draw(|f| view::render(app, f)).expect("draw");
                frame = frame.or(Some((t.elapsed(), thread_cpu() - cpu)));
            }
            for effect in effects {
                deck.perform(effect, app, &mut NoScreen);
            }
        }
        deck.answers_within(app, SETTLE);
        terminal.draw(|f| view::render(app, f)).expect("draw");
        let (wall, used) = frame.unwrap_or_else(|| (t.elapsed(), thread_cpu() - cpu));
        samples.frame.push(wall);
        samples.cpu.push(used);
        if deck.busy() {
            assert!(deck.settle(app, PATIENCE), "the reader answers");
            terminal.draw(|f| view::render(app, f)).expect("draw");
        }
        samples.answer.push(t.elapsed());
    }
    samples
}

fn report(what: &str, samples: &Samples) {
    let kinds = [
        ("keystroke to frame", &samples.frame),
        ("keystroke to answer", &samples.answer),
        ("UI thread CPU to frame", &samples.cpu),
    ];
    for (name, times) in kinds {
        let mut sorted = times.clone();
        sorted.sort();
        let pct = |p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
        println!(
            "{what}: {name} ({} bursts): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            sorted.len(),
            ms(pct(0.5)),
            ms(pct(0.95)),
            ms(pct(1.0))
        );
    }
}

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// CPU time of the whole process (the deck's reader thread included).
fn process_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The bench deck, in the target folder (`CARGO_TARGET_DIR` when set, as cargo does).
fn deck(n: u64) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join(format!("bench-corpus-{n}"));
    if !dir.join("done").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        gen_corpus::generate(n, 1, &dir).expect("write the bench deck");
        std::fs::write(dir.join("done"), b"").expect("mark the deck complete");
    }
    dir
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}
