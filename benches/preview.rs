//! Laying out a card's body for reading (`output::markdown::render`) on megabyte bodies
//! of four shapes: the screenful the TUI's preview asks for (48 lines of 70 cells, what
//! a cursor move onto the card costs before the view keeps the layout for later frames)
//! and the whole body (what `termdex show` on a terminal does).
//!
//! `cargo bench --bench preview` (release); `cargo bench --profile dev --bench preview`
//! for a quick look without a release build.

use termdex::output::markdown::render;

const FIXTURE: &str = include_str!("../tests/fixtures/preview/every-element.md");
const MEGABYTE: usize = 1 << 20;

fn main() {
    divan::main();
}

/// A body of about a megabyte made of `unit`.
fn megabyte(unit: &str) -> String {
    unit.repeat(MEGABYTE / unit.len() + 1)
}

fn shape(name: &str) -> String {
    match name {
        "prose" => megabyte(FIXTURE.splitn(3, "---\n").nth(2).unwrap_or(FIXTURE)),
        "paragraph" => megabyte("word "),
        "table" => format!("| a | b |\n|---|---|\n{}", megabyte("| cell | other cell |\n")),
        _ => format!("```\n{}```\n", megabyte("let x = 1;\n")),
    }
}

const SHAPES: [&str; 4] = ["prose", "paragraph", "table", "code"];

#[divan::bench(args = SHAPES)]
fn screenful(bencher: divan::Bencher, name: &str) {
    let body = shape(name);
    bencher.bench(|| render(divan::black_box(&body), Some(70), 48));
}

#[divan::bench(args = SHAPES, sample_count = 10)]
fn whole(bencher: divan::Bencher, name: &str) {
    let body = shape(name);
    bencher.bench(|| render(divan::black_box(&body), Some(100), usize::MAX));
}
