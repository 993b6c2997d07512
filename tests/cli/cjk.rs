//! Full-text search in Chinese, Japanese and Korean (issue 16): a word is found anywhere in
//! a sentence written without spaces, never across a punctuation mark, and Latin text is
//! searched as before.

use std::fs;

use crate::shapes::gen_corpus::{self, Lang, Shape};
use crate::util::TestDex;

fn fixture() -> TestDex {
    let dex = TestDex::new();
    for (path, text) in [
        ("zh/middle.md", "我们为数据库建立索引以加快查询。\n"),
        ("zh/start.md", "索引是数据库的核心结构。\n"),
        ("zh/end.md", "今天我们终于重建了索引\n"),
        ("zh/across.md", "我们讨论搜索。引擎很快。\n"),
        ("ja/middle.md", "データベースの索引を作り直した。ブラウザのキャッシュも消した。\n"),
        ("ja/end.md", "古いブラウザのキャッシュ\n"),
        ("ja/title.md", "---\ntitle: 索引の設計\n---\nOnly English here: the design notes.\n"),
        ("ko/particle.md", "데이터베이스 색인을 다시 만들었다.\n"),
        ("ko/spaced.md", "색인 구조를 바꾼다\n"),
        ("ko/across.md", "오늘 검색. 인덱스는 내일.\n"),
        ("mixed.md", "夜里跑了索引 checkpoint 检查\n"),
        ("latin.md", "A checkpoint of the WAL. Les données du café.\n"),
    ] {
        dex.write(path, text);
    }
    dex
}

fn select(dex: &TestDex, filter: &str) -> Vec<String> {
    let (stdout, stderr, code) = dex.run(&["query", "--format", "paths", "--sort", "path", filter]);
    assert!(code == 0 || code == 1, "{filter}: {stderr}");
    stdout.lines().map(str::to_string).collect()
}

#[test]
fn a_cjk_word_is_found_anywhere_in_a_sentence_and_never_across_punctuation() {
    let dex = fixture();
    let index = ["ja/middle.md", "ja/title.md", "mixed.md", "zh/end.md", "zh/middle.md", "zh/start.md"];
    for (filter, expected) in [
        // Middle, start, end of a sentence and a title; not 搜索。引擎.
        ("索引", &index[..]),
        ("\"索引\"", &index[..]),
        ("索引*", &index[..]),
        ("搜索", &["zh/across.md"][..]),
        ("引擎", &["zh/across.md"][..]),
        ("\"索。引\"", &["zh/across.md"][..]),
        ("数据库的核心", &["zh/start.md"][..]),
        ("索引 checkpoint", &["mixed.md"][..]),
        ("\"索引 checkpoint\"", &["mixed.md"][..]),
        ("check*", &["latin.md", "mixed.md"][..]),
        ("-索引 checkpoint", &["latin.md"][..]),
        ("キャッシュ", &["ja/end.md", "ja/middle.md"][..]),
        ("キャッ*", &["ja/end.md", "ja/middle.md"][..]),
        ("の索引", &["ja/middle.md"][..]),
        ("索引の", &["ja/title.md"][..]),
        // Korean: the word with a particle attached, alone, and not across the full stop.
        ("색인", &["ko/particle.md", "ko/spaced.md"][..]),
        ("인덱스", &["ko/across.md"][..]),
        ("索引以加快查询", &["zh/middle.md"][..]),
        ("查询索引", &[][..]),
        // Latin as before: diacritics folded both ways.
        ("donnees", &["latin.md"][..]),
        ("café", &["latin.md"][..]),
        ("\"wal les\"", &["latin.md"][..]),
    ] {
        assert_eq!(select(&dex, filter), expected, "{filter}");
    }
}

#[test]
fn the_count_for_a_word_on_a_generated_cjk_deck_is_the_count_of_files_holding_it() {
    let dex = TestDex::new();
    // Valid YAML only: a word in frontmatter that does not parse is not searched.
    let shape = Shape { lang: Lang::Cjk, card_bytes: Some(2500), yaml_only: true, ..Shape::default() };
    gen_corpus::generate_shaped(1500, 1, &dex.root(), &shape).expect("generate");
    let mut texts = Vec::new();
    let mut stack = vec![dex.root()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read a generated folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                texts.push(fs::read_to_string(&path).expect("a generated card"));
            }
        }
    }
    assert_eq!(texts.len(), 1500);
    for word in ["索引", "キャッシュ", "数据"] {
        let holding = texts.iter().filter(|t| t.contains(word)).count();
        assert!(holding > 100, "the generator writes {word} in many cards: {holding}");
        let (stdout, stderr, code) = dex.run(&["query", "--format", "paths", word]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stdout.lines().count(), holding, "{word}");
    }
}
