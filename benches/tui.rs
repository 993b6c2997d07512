//! The TUI's speed, headless: first frame of every view, and keystroke to redrawn frame while filtering,
//! measured as the runtime does it (update, effects, preview, render on a TestBackend).
//!
//! `cargo bench --bench tui` uses 10,000 cards; `TERMDEX_BENCH_CARDS=100000 cargo bench
//! --bench tui` more; `TERMDEX_BENCH_DECK=/tmp/c300k` uses a deck made beforehand by
//! `examples/gen_corpus.rs` (as `benches/scaling.sh` does). Prints percentiles, which the
//! targets are stated in.

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
use termdex::tui::deck::Deck;
use termdex::tui::view;

const WIDTH: u16 = 160;
const HEIGHT: u16 = 48;

fn main() {
    let n: u64 = std::env::var("TERMDEX_BENCH_CARDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let root = match std::env::var_os("TERMDEX_BENCH_DECK") {
        Some(dir) => PathBuf::from(dir),
        None => deck(n),
    };
    let dex = Dex::at(&root).expect("dex");
    let mut index = Index::open(&dex.index_path()).expect("index").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    drop(index);

    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("terminal");
    let config = Config::load(&dex.state_dir()).expect("config");
    // Every view, as `termdex tui VIEW` opens it: the first frame is what the target is
    // about, on whichever view a user starts in.
    let views: Vec<String> = config.views.iter().map(|v| v.name.clone()).collect();
    for name in &views {
        let started = Instant::now();
        let (deck, _) = Deck::open(dex.clone(), config.clone()).expect("deck");
        let mut app = App::new(config.clone(), Some(name), deck.templates());
        app.page = view::page_size(Rect::new(0, 0, WIDTH, HEIGHT));
        let full_load_pending = deck.load_first_screen(&mut app);
        deck.preview(&mut app);
        terminal.draw(|f| view::render(&app, f)).expect("draw");
        let first = started.elapsed();
        if full_load_pending {
            deck.load(&mut app);
        }
        let full = started.elapsed();
        println!(
            "{name:>10}: first frame {:6.1} ms, full list ({} cards) {:6.1} ms",
            ms(first),
            app.rows.len(),
            ms(full)
        );
    }

    let (deck, _) = Deck::open(dex, config.clone()).expect("deck");
    let mut app = App::new(config, Some("all"), deck.templates());
    app.page = view::page_size(Rect::new(0, 0, WIDTH, HEIGHT));
    deck.load(&mut app);
    println!("cards: {}", app.rows.len());

    let mut samples = Vec::new();
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
    for code in keys {
        let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        let t = Instant::now();
        for effect in app.update(&event) {
            if effect == Effect::Load {
                deck.load(&mut app);
            }
        }
        deck.preview(&mut app);
        terminal.draw(|f| view::render(&app, f)).expect("draw");
        samples.push(t.elapsed());
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    println!(
        "keystroke to frame ({} keys): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(pct(0.5)),
        ms(pct(0.95)),
        ms(pct(1.0))
    );
    println!("peak memory: {} MB", peak_rss_kb() / 1024);
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
