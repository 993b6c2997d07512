use unicode_width::UnicodeWidthStr;

use super::*;
use crate::output::is_unsafe;

const FIXTURE: &str = include_str!("../../../tests/fixtures/preview/every-element.md");

/// The fixture's body (after its frontmatter), with raw control characters added where
/// a file could hold them: in text, a heading, inline code, a code block, a link's text
/// and a table cell; and as an entity in a link's target (a raw one is no link).
fn body() -> String {
    let body = FIXTURE.splitn(3, "---\n").nth(2).expect("the fixture has frontmatter");
    format!(
        "{body}\n## Raw \x1b[2J escapes\n\nText \x1b]0;pwned\x07 with `co\u{9b}de` and [a \u{9b}1mlink](http://x/&#27;[31m).\n\n\
         ```\n\x1b]52;c;SGk=\x07 in code\u{202e}\n```\n\n| a\u{7f} |\n|---|\n| \u{9d}b |\n"
    )
}

/// The lines as text, as a screen without colours shows them.
fn text(lines: &[StyledLine]) -> Vec<String> {
    lines.iter().map(|line| line.iter().map(|s| s.text.as_str()).collect()).collect()
}

fn width(line: &str) -> usize {
    line.width()
}

fn plain(markdown: &str, w: usize) -> Vec<String> {
    text(&render(markdown, Some(w), usize::MAX))
}

#[test]
fn no_line_is_wider_than_the_pane() {
    let body = body();
    for w in 20..=100 {
        for line in plain(&body, w) {
            assert!(width(&line) <= w, "{w}: {line:?} is {} cells", width(&line));
        }
    }
}

#[test]
fn paragraphs_wrap_at_spaces_and_no_word_is_broken() {
    let paragraph = "A paragraph with words of different lengths, longer than any pane is wide, \
                     so that it has to wrap: extraordinarily, incomprehensibilities, and a.";
    let words: Vec<&str> = paragraph.split(' ').collect();
    for w in 22..=120 {
        let lines = plain(paragraph, w);
        // Joined again, the lines are the paragraph: every break was at a space.
        assert_eq!(lines.join(" "), paragraph, "width {w}");
        for pair in lines.windows(2) {
            // And no line breaks before a word that would have fitted on it.
            let next = pair[1].split(' ').next().unwrap_or_default();
            assert!(width(&pair[0]) + 1 + width(next) > w, "width {w}: {pair:?}");
        }
        assert!(lines.iter().all(|l| width(l) <= w));
        assert_eq!(lines.iter().flat_map(|l| l.split(' ')).collect::<Vec<_>>(), words);
    }
}

#[test]
fn only_a_word_wider_than_the_line_is_cut() {
    assert_eq!(plain("see abcdefghij ok", 4), ["see", "abcd", "efgh", "ij", "ok"]);
    assert_eq!(
        plain("a https://example.com/a/long/path b", 12),
        ["a", "https://exam", "ple.com/a/lo", "ng/path b"]
    );
}

#[test]
fn wide_characters_count_two_cells_and_cjk_text_flows_by_character() {
    let lines = plain("日本語の文章は空白なしで続く", 9);
    assert_eq!(lines, ["日本語の", "文章は空", "白なしで", "続く"]);
    // Mixed: Latin words stay whole, CJK fills the line.
    let lines = plain("word 日本語の文章 another", 10);
    assert_eq!(lines, ["word 日本", "語の文章", "another"]);
    // A one-cell line still shows a wide character (and nothing is lost).
    assert_eq!(plain("日本", 1), ["日", "本"]);
}

#[test]
fn every_element_reads_as_a_reader_expects() {
    let lines = plain(&body(), 44);
    let at = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle:?} in {lines:#?}"))
    };
    assert_eq!(lines[0], "# Every element");
    assert_eq!(lines[1], "");
    assert_eq!(lines[2], "A paragraph with emphasis, strong, struck");
    assert!(lines.contains(&"## Lists".to_string()));
    let list = at("• first bullet");
    assert_eq!(
        lines[list..list + 6],
        [
            "• first bullet",
            "• second bullet",
            "  ◦ nested bullet",
            "    ▪ deeper still",
            "[ ] an open task",
            "[x] a finished task"
        ]
    );
    let numbered = at("1. one");
    assert_eq!(lines[numbered..numbered + 3], ["1. one", "2. two", "3. three"]);
    let code = at("fn main()");
    assert_eq!(
        lines[code - 1..code + 4],
        ["", "    fn main() {", "        println!(\"tabs become spaces\");", "    }", ""],
        "code is set apart, indented, tabs to stops of four"
    );
    let quote = at("│ A block quote");
    assert_eq!(
        lines[quote..quote + 4],
        [
            "│ A block quote that is long enough to wrap",
            "│ onto a second line inside its bar.",
            "│",
            "│ │ A nested quote."
        ]
    );
    assert!(lines[at("See the SQLite docs")..].join(" ").starts_with(
        "See the SQLite docs (https://sqlite.org/fts5.html), https://example.com, and Ship the release. \
         a diagram (image: img/diagram.png)"
    ));
    assert!(lines.contains(&"─".repeat(44)), "a rule as wide as the pane");
    let table = at("name ");
    assert_eq!(
        lines[table..table + 5],
        [
            "name   │ count │           note",
            "───────┼───────┼─────────────────────────",
            "alpha  │     1 │          short",
            "beta   │ 12345 │ a longer note that wraps",
            "日本語 │     3 │            幅",
        ],
        "left, right and centred columns, aligned by display width"
    );
    assert_eq!(lines[at("[1] The footnote")], "[1] The footnote itself.");
    assert!(lines[at("A footnote reference")].ends_with("reference.[1]"));
}

#[test]
fn styles_say_what_each_piece_is() {
    let lines = render(&body(), Some(80), usize::MAX);
    let style_of = |needle: &str| {
        lines
            .iter()
            .flatten()
            .find(|s| s.text.contains(needle))
            .map(|s| s.style)
            .unwrap_or_else(|| panic!("{needle:?}"))
    };
    assert_eq!(style_of("Every element"), Style { tone: Tone::Heading, bold: true, ..Style::default() });
    assert_eq!(style_of("emphasis"), Style { italic: true, ..Style::default() });
    assert_eq!(style_of("strong"), Style { bold: true, ..Style::default() });
    assert_eq!(style_of("struck"), Style { strike: true, ..Style::default() });
    assert_eq!(style_of("inline code"), Style { tone: Tone::Code, ..Style::default() });
    assert_eq!(style_of("println!"), Style { tone: Tone::Code, ..Style::default() });
    assert_eq!(style_of("the SQLite docs"), Style { tone: Tone::Link, underline: true, ..Style::default() });
    assert_eq!(style_of("(https://sqlite.org/fts5.html)"), Style::DIM, "the target dimmed");
    assert_eq!(style_of("Ship the release"), Style { tone: Tone::Link, underline: true, ..Style::default() });
    assert_eq!(style_of("[x] "), Style::DIM);
    assert_eq!(style_of("[ ] "), Style { bold: true, ..Style::default() });
    assert_eq!(style_of("│ "), Style::DIM);
    assert_eq!(style_of("count"), Style { bold: true, ..Style::default() }, "the header row");
}

#[test]
fn control_characters_are_neutralised_in_every_kind_of_text() {
    let lines = render(&body(), Some(60), usize::MAX);
    for span in lines.iter().flatten() {
        assert!(!span.text.chars().any(is_unsafe), "{span:?}");
        assert!(!span.text.contains('\t'), "{span:?}");
    }
    let shown = text(&lines).join("\n");
    for expected in [
        "## Raw �[2J escapes",
        "Text �]0;pwned� with co�de and a �1mlink (http://x/�[31m).",
        "    �]52;c;SGk=� in code�",
        "a�",
        "�b",
        // Entities are decoded by the parser, then cleaned like the rest.
        "cleaned: �[31m and � never reach",
    ] {
        assert!(shown.contains(expected), "{expected:?} in\n{shown}");
    }
}

#[test]
fn a_screenful_is_the_start_of_the_whole() {
    let long_paragraph = "word ".repeat(5000);
    let long_code = format!("```\n{}```\n", "let x = 1;\n".repeat(500));
    let long_table = format!("| a | b |\n|---|---|\n{}", "| cell | other cell |\n".repeat(500));
    let breaks = "line  \n".repeat(500);
    for (name, text) in [
        ("fixture", body()),
        ("paragraph", long_paragraph),
        ("code", long_code),
        ("table", long_table),
        ("breaks", breaks),
    ] {
        let whole = render(&text, Some(30), usize::MAX);
        for lines in [0, 1, 2, 5, 17, 40, whole.len(), whole.len() + 3] {
            let top = render(&text, Some(30), lines);
            assert_eq!(top, whole[..lines.min(whole.len())], "{name}: the first {lines} lines");
        }
    }
}

#[test]
fn lists_number_from_their_start_and_loose_lists_keep_their_blank_lines() {
    assert_eq!(plain("3. c\n4. d\n", 40), ["3. c", "4. d"]);
    assert_eq!(plain("- a\n\n- b\n", 40), ["• a", "", "• b"]);
    assert_eq!(
        plain("- item with a long text that wraps\n  under its marker\n", 20),
        ["• item with a long", "  text that wraps", "  under its marker"]
    );
    assert_eq!(plain("9. nine\n10. ten\n", 40), ["9. nine", "10. ten"]);
    assert_eq!(plain("1. [ ] todo\n2. [x] done\n", 40), ["1. [ ] todo", "2. [x] done"]);
    assert_eq!(plain("- \n- b\n", 40), ["•", "• b"], "an empty item keeps its bullet");
}

#[test]
fn links_show_their_target_once() {
    assert_eq!(plain("[text](https://a.b/c)", 80), ["text (https://a.b/c)"]);
    assert_eq!(plain("<https://a.b/c>", 80), ["https://a.b/c"]);
    assert_eq!(plain("<me@example.com>", 80), ["me@example.com"]);
    assert_eq!(plain("[[Some card]] and [[target|shown]]", 80), ["Some card and shown (target)"]);
    assert_eq!(plain("[ref][r]\n\n[r]: https://x.y", 80), ["ref (https://x.y)"]);
    assert_eq!(plain("![](pic.png)", 80), ["(image: pic.png)"]);
    // Punctuation after a link stays with it when the line wraps.
    assert_eq!(
        plain("abcdefghij abcdefghij [x](http://e.com/a). Next sentence here.", 40),
        ["abcdefghij abcdefghij x", "(http://e.com/a). Next sentence here."]
    );
    assert_eq!(plain("see [x](a.md), [y](b.md)", 80), ["see x (a.md), y (b.md)"]);
}

#[test]
fn tables_too_wide_shrink_their_widest_column_then_become_records() {
    let table = "| key | a long description of the thing |\n|---|---|\n| k | some words here that wrap |\n";
    assert_eq!(
        plain(table, 24),
        [
            "key │ a long description",
            "    │ of the thing",
            "────┼───────────────────",
            "k   │ some words here",
            "    │ that wrap",
        ]
    );
    let wide = "| one | two | three | four |\n|---|---|---|---|\n| alpha beta | gamma delta | epsilon | zeta eta |\n\
                | 1 | 2 | 3 | 4 |\n";
    assert_eq!(
        plain(wide, 20),
        [
            "one: alpha beta",
            "two: gamma delta",
            "three: epsilon",
            "four: zeta eta",
            "",
            "one: 1",
            "two: 2",
            "three: 3",
            "four: 4"
        ]
    );
}

#[test]
fn without_a_width_nothing_wraps() {
    let paragraph = "word ".repeat(100);
    assert_eq!(text(&render(&paragraph, None, usize::MAX)), [paragraph.trim_end()]);
    assert_eq!(text(&render("---", None, usize::MAX)), ["─".repeat(RULE_MAX)]);
}

#[test]
fn gfm_alerts_say_what_they_are() {
    assert_eq!(plain("> [!WARNING]\n> Mind the gap.\n", 40), ["│ Warning", "│ Mind the gap."]);
}

#[test]
fn crlf_line_ends_read_as_line_ends() {
    let body = "# Title\r\n\r\nText line\r\nmore\r\n\r\n```\r\ncode\r\n```\r\n- a\r\n- b\r\n";
    assert_eq!(plain(body, 40), ["# Title", "", "Text line more", "", "    code", "", "• a", "• b"]);
}

#[test]
fn deep_nesting_in_a_narrow_pane_gives_up_indentation_not_text() {
    assert_eq!(plain("> > > > > > deep text", 8), ["│ │ deep", "│ │ text"]);
    assert_eq!(
        plain("- a\n  - b\n    - c\n      - d\n        - e\n", 6),
        ["• a", " ◦ b", " ▪ c", " • d", " ◦ e"]
    );
}
