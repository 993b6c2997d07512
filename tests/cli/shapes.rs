//! The synthetic deck generator (`examples/gen_corpus.rs`): its default output never
//! changes (benchmarks compare figures across commits), and each shape option changes
//! what it says it does.

use std::fs;
use std::path::{Path, PathBuf};

use gen_corpus::{Lang, Shape};

use crate::util::TestDex;

#[path = "../../examples/gen_corpus.rs"]
#[allow(dead_code)]
pub(crate) mod gen_corpus;

/// FNV-1a over every file's relative path and bytes, in path order: std's hashers
/// promise no stability across releases, this one is fixed.
fn deck_hash(root: &Path) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for path in files(root) {
        let rel = path.strip_prefix(root).expect("under the root");
        eat(rel.to_string_lossy().as_bytes());
        eat(&[0]);
        eat(&fs::read(&path).expect("read a generated card"));
        eat(&[0]);
    }
    hash
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read a generated folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out.sort();
    out
}

#[test]
fn the_default_deck_is_byte_for_byte_what_it_was() {
    // Recorded from the generator as it was before shapes existed (commit e809a5a).
    for (n, seed, recorded) in [(300, 1, 0x7a59_f795_38b5_d0d8), (1100, 7, 0x8442_da53_976d_11e7)] {
        let dir = tempfile::tempdir().expect("temp dir");
        gen_corpus::generate(n, seed, dir.path()).expect("generate");
        let hash = deck_hash(dir.path());
        assert_eq!(hash, recorded, "{n} cards, seed {seed}: 0x{hash:016x}");
    }
}

/// A dex holding `n` generated cards of `shape` (seed 1).
fn deck(n: u64, shape: &Shape) -> TestDex {
    let dex = TestDex::new();
    gen_corpus::generate_shaped(n, 1, &dex.root(), shape).expect("generate");
    dex
}

/// Every card's text, in path order.
fn texts(dex: &TestDex) -> Vec<String> {
    files(&dex.root())
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| fs::read_to_string(p).expect("cards are UTF-8"))
        .collect()
}

fn share(texts: &[String], test: impl Fn(&str) -> bool) -> f64 {
    texts.iter().filter(|t| test(t)).count() as f64 / texts.len() as f64
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}')
}

/// Accented Latin letters: Latin-1 to Latin Extended-B, and Vietnamese's extended block.
fn is_accented_latin(c: char) -> bool {
    c.is_alphabetic() && matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// The links the generator writes in a body, one phrase each.
fn links_in(text: &str) -> usize {
    ["See [[", "More in [", "![[", "Also known as [["].iter().map(|m| text.matches(m).count()).sum()
}

#[test]
fn body_sets_the_average_card_size_in_every_language() {
    for (lang, kb) in [
        (Lang::Ascii, 1.0),
        (Lang::Ascii, 2.5),
        (Lang::Ascii, 8.0),
        (Lang::Latin, 2.5),
        (Lang::Cjk, 2.5),
        (Lang::Cjk, 8.0),
    ] {
        let shape = Shape { card_bytes: Some((kb * 1000.0) as u64), lang, ..Shape::default() };
        let dex = deck(200, &shape);
        let texts = texts(&dex);
        let average = texts.iter().map(String::len).sum::<usize>() as f64 / texts.len() as f64;
        let asked = kb * 1000.0;
        assert!(
            (average - asked).abs() <= 0.15 * asked,
            "{lang:?} {kb} KB: cards average {average:.0} bytes"
        );
    }
}

#[test]
fn latin_cards_have_accents_in_bodies_and_titles_in_four_languages() {
    let dex = deck(300, &Shape { lang: Lang::Latin, yaml_only: true, ..Shape::default() });
    let texts = texts(&dex);
    let accented = share(&texts, |t| t.chars().any(is_accented_latin));
    assert!(accented >= 0.95, "only {accented:.2} of the cards have an accented letter");
    assert_eq!(share(&texts, |t| t.chars().any(is_cjk)), 0.0, "a latin deck has no CJK");
    // French, German, Spanish and Vietnamese each leave their mark.
    for mark in ["é", "ß", "ñ", "đ"] {
        assert!(texts.iter().any(|t| t.contains(mark)), "no card has {mark:?}");
    }
    let titles: Vec<String> =
        dex.cards().iter().map(|c| c["title"].as_str().expect("title").to_string()).collect();
    assert_eq!(titles.len(), 300);
    let accented_titles = share(&titles, |t| t.chars().any(is_accented_latin));
    assert!(accented_titles >= 0.4, "only {accented_titles:.2} of the titles have an accented letter");
}

#[test]
fn cjk_cards_run_words_together_and_termdex_finds_them() {
    let dex = deck(200, &Shape { lang: Lang::Cjk, card_bytes: Some(2500), ..Shape::default() });
    let texts = texts(&dex);
    let cjk = share(&texts, |t| t.chars().filter(|c| is_cjk(*c)).count() > 100);
    assert!(cjk >= 0.95, "only {cjk:.2} of the cards have CJK text");
    let spaced = |t: &str| {
        let chars: Vec<char> = t.chars().collect();
        chars.windows(3).any(|w| is_cjk(w[0]) && w[1] == ' ' && is_cjk(w[2]))
    };
    assert_eq!(share(&texts, spaced), 0.0, "a space between two CJK characters");
    let ascii_terms =
        share(&texts, |t| t.contains(" SQLite ") || t.contains(" API ") || t.contains(" Rust "));
    assert!(ascii_terms >= 0.5, "ASCII terms in only {ascii_terms:.2} of the cards");

    // A title is one run of CJK characters: full-text search finds its card.
    let cards = dex.cards();
    assert_eq!(cards.len(), 200);
    let card = cards
        .iter()
        .find(|c| c["title"].as_str().is_some_and(|t| t.chars().all(is_cjk) && t.chars().count() >= 4))
        .expect("a card with an all-CJK title");
    let (title, path) = (card["title"].as_str().expect("title"), card["path"].as_str().expect("path"));
    let (stdout, stderr, code) = dex.run(&["query", title, "--format", "{path}"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().any(|l| l == path), "query {title:?} did not find {path}: {stdout}");
}

#[test]
fn links_sets_the_links_per_card() {
    let count = |links: Option<u64>| -> f64 {
        let texts = texts(&deck(400, &Shape { links, ..Shape::default() }));
        texts.iter().map(|t| links_in(t)).sum::<usize>() as f64 / texts.len() as f64
    };
    assert_eq!(count(Some(0)), 0.0);
    let three = count(Some(300));
    assert!((three - 3.0).abs() <= 0.45, "--links 3 gave {three:.2} a card");
    let default = count(None);
    assert!((0.8..=1.3).contains(&default), "the default deck has {default:.2} links a card");
}

#[test]
fn parents_sets_the_share_of_cards_with_a_parent() {
    let with_parent = |parents: u64| -> f64 {
        let texts = texts(&deck(300, &Shape { parents, yaml_only: true, ..Shape::default() }));
        share(&texts, |t| t.lines().any(|l| l.starts_with("parent: ")))
    };
    assert_eq!(with_parent(0), 0.0);
    // The depth limit (8 levels) turns a few would-be children into roots.
    for (asked, lo, hi) in [(30, 0.18, 0.32), (90, 0.78, 0.92), (100, 0.85, 1.0)] {
        let got = with_parent(asked);
        assert!((lo..=hi).contains(&got), "--parents {asked}: {got:.2} of the cards have a parent");
    }
}

#[test]
fn yaml_only_gives_every_card_valid_yaml_frontmatter() {
    for lang in [Lang::Ascii, Lang::Latin, Lang::Cjk] {
        let dex = deck(300, &Shape { lang, yaml_only: true, ..Shape::default() });
        assert_eq!(share(&texts(&dex), |t| t.starts_with("---\n")), 1.0);
        let (_, stderr, code) = dex.run(&["check"]);
        assert_eq!(code, 0, "{lang:?}: {stderr}");
    }
    // The default deck has malformed and TOML/JSON cards, which the option removes.
    let dex = deck(300, &Shape::default());
    assert!(share(&texts(&dex), |t| t.starts_with("---\n")) < 0.95);
    assert_ne!(dex.run(&["check"]).2, 0, "check finds the default deck's malformed cards");
}

#[test]
fn crlf_changes_line_ends_and_nothing_else() {
    let lf = deck(200, &Shape::default());
    let crlf = deck(200, &Shape { crlf: true, ..Shape::default() });
    let (lf_texts, crlf_texts) = (texts(&lf), texts(&crlf));
    assert_eq!(lf_texts.len(), crlf_texts.len());
    for (lf_text, crlf_text) in lf_texts.iter().zip(&crlf_texts) {
        assert_eq!(crlf_text.matches('\n').count(), crlf_text.matches("\r\n").count());
        assert_eq!(&crlf_text.replace("\r\n", "\n"), lf_text);
    }
    let titles = |dex: &TestDex| -> Vec<(String, String)> {
        dex.cards().iter().map(|c| (c["path"].to_string(), c["title"].to_string())).collect()
    };
    assert_eq!(titles(&crlf), titles(&lf), "termdex reads the CRLF deck as the LF one");
}
