//! Benchmarks of the index and query layers on a synthetic deck.
//!
//! `cargo bench` runs them on 10,000 cards; `TERMDEX_BENCH_CARDS=100000 cargo bench` on
//! more. The deck is written once by the generator in `examples/gen_corpus.rs` (seed 1)
//! under `target/bench-corpus-N/` and reused. End-to-end figures (the binary, with
//! process start and output) are taken with hyperfine: see `docs/benchmarks.md`.

#[path = "../examples/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::Bencher;
use termdex::clock::Clock;
use termdex::config::Config;
use termdex::index::{Index, refresh};
use termdex::query::{self, Request};

fn main() {
    divan::main();
}

fn cards() -> u64 {
    std::env::var("TERMDEX_BENCH_CARDS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000)
}

/// The deck, generated on first use.
fn deck() -> &'static Path {
    static DECK: OnceLock<PathBuf> = OnceLock::new();
    DECK.get_or_init(|| {
        let n = cards();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-corpus-{n}"));
        if !dir.join("done").exists() {
            let _ = std::fs::remove_dir_all(&dir);
            gen_corpus::generate(n, 1, &dir).expect("write the bench deck");
            std::fs::write(dir.join("done"), b"").expect("mark the deck complete");
        }
        dir
    })
}

fn open(root: &Path) -> Index {
    Index::open(&root.join(".termdex/index.db"), &Default::default()).expect("open index").index
}

/// An up-to-date index of the deck.
fn indexed() -> Index {
    let mut index = open(deck());
    refresh(&mut index, deck(), false, &mut |_| {}).expect("refresh");
    index
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn full_index(bencher: Bencher) {
    let root = deck();
    bencher.bench(|| {
        let mut index = open(root);
        refresh(&mut index, root, true, &mut |_| {}).expect("full index")
    });
}

#[divan::bench(sample_count = 10)]
fn refresh_no_change(bencher: Bencher) {
    let mut index = indexed();
    bencher.bench_local(|| refresh(&mut index, deck(), false, &mut |_| {}).expect("refresh"));
}

fn run_query(bencher: Bencher, filter: &str, view: Option<&str>) {
    let index = indexed();
    let config = Config::builtin();
    let clock = Clock::from_env();
    bencher.bench_local(|| {
        let request = Request { filter, view, ..Request::default() };
        query::run(&index, &config, &clock, &request).expect("query").cards.len()
    });
}

#[divan::bench(sample_count = 10)]
fn query_all(bencher: Bencher) {
    run_query(bencher, "", None);
}

#[divan::bench(sample_count = 10)]
fn query_one_field(bencher: Bencher) {
    run_query(bencher, "status:blocked", None);
}

#[divan::bench(sample_count = 10)]
fn query_full_text_word(bencher: Bencher) {
    run_query(bencher, "checkpoint", None);
}

#[divan::bench(sample_count = 10)]
fn query_tasks_view(bencher: Bencher) {
    run_query(bencher, "", Some("tasks"));
}
