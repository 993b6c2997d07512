//! Which fuzzy matcher the TUI's filter line uses, decided by measurement: frizbee (SIMD
//! Smith-Waterman, skim's default) against nucleo-matcher (helix's, and television's), on
//! the titles and paths of the bench deck, one thread each, the way a keystroke runs it.
//!
//! `cargo bench --bench matchers` uses 10,000 cards; `TERMDEX_BENCH_CARDS=100000` or
//! `TERMDEX_BENCH_DECK=/tmp/c100k` more.

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};

use termdex::config::Config;
use termdex::dex::Dex;
use termdex::index::{Index, refresh};
use termdex::tui::app::App;
use termdex::tui::deck::Deck;

/// What people type, letter by letter, and a word nothing matches.
const PATTERNS: [&str; 8] = ["p", "pl", "pla", "plan", "plan r", "plan rel", "plan release", "zqxj"];
const ROUNDS: u32 = 5;

fn main() {
    let n: u64 = std::env::var("TERMDEX_BENCH_CARDS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let root = match std::env::var_os("TERMDEX_BENCH_DECK") {
        Some(dir) => PathBuf::from(dir),
        None => deck(n),
    };
    let haystacks = haystacks(&root);
    println!("haystacks: {} (title and path of each card)", haystacks.len());
    println!("| pattern | frizbee matches | frizbee | nucleo matches | nucleo |");
    println!("|---|---|---|---|---|");
    let (mut frizbee_total, mut nucleo_total) = (Duration::ZERO, Duration::ZERO);
    for pattern in PATTERNS {
        let (f_hits, f_time) = best_of(|| frizbee_count(&haystacks, pattern));
        let (n_hits, n_time) = best_of(|| nucleo_count(&haystacks, pattern));
        frizbee_total += f_time;
        nucleo_total += n_time;
        println!("| `{pattern}` | {f_hits} | {:.1} ms | {n_hits} | {:.1} ms |", ms(f_time), ms(n_time));
    }
    println!("| all | | {:.1} ms | | {:.1} ms |", ms(frizbee_total), ms(nucleo_total));
}

/// Words must all match (as the TUI does), scores summed.
fn frizbee_count(haystacks: &[String], pattern: &str) -> usize {
    let config = frizbee::Config::default();
    let mut hits = vec![0u32; haystacks.len()];
    let words: Vec<&str> = pattern.split_whitespace().collect();
    for word in &words {
        for m in frizbee::Matcher::new(*word, &config).match_list(haystacks) {
            hits[m.index as usize] += 1;
        }
    }
    hits.iter().filter(|&&h| h as usize == words.len()).count()
}

fn nucleo_count(haystacks: &[String], pattern: &str) -> usize {
    let mut matcher = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
    Pattern::parse(pattern, CaseMatching::Ignore, Normalization::Smart)
        .match_list(haystacks, &mut matcher)
        .len()
}

fn best_of(mut run: impl FnMut() -> usize) -> (usize, Duration) {
    let mut best = Duration::MAX;
    let mut hits = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        hits = std::hint::black_box(run());
        best = best.min(started.elapsed());
    }
    (hits, best)
}

fn haystacks(root: &Path) -> Vec<String> {
    let dex = Dex::at(root).expect("dex");
    let mut index = Index::open(&dex.index_path(), &Default::default()).expect("index").index;
    refresh(&mut index, &dex.root, false, &mut |_| {}).expect("refresh");
    drop(index);
    let config = Config::load(&dex.state_dir()).expect("config");
    let (mut deck, _) = Deck::open(dex, config.clone()).expect("deck");
    let mut app = App::new(config, Some("all"), deck.templates());
    deck.start(&mut app, Duration::from_secs(60));
    deck.after_first_frame(&mut app);
    assert!(deck.settle(&mut app, Duration::from_secs(60)), "the reader answers");
    app.rows.iter().map(|c| format!("{} {}", c.title, c.path)).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The bench deck, shared with the other benches.
fn deck(n: u64) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-corpus-{n}"));
    if !dir.join("done").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        gen_corpus::generate(n, 1, &dir).expect("write the bench deck");
        std::fs::write(dir.join("done"), b"").expect("mark the deck complete");
    }
    dir
}
