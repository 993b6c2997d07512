//! `termdex show` renders markdown for a reader on a terminal (or with `--color always`),
//! prints the text as written into a pipe, with `--color never` or `NO_COLOR`, and the
//! file's bytes with `--raw`.

use crate::output::{on_terminal, on_terminal_with};
use crate::util::TestDex;

const FIXTURE: &str = include_str!("../fixtures/preview/every-element.md");

/// Raw control characters where a card could hold them: text, a heading, inline code,
/// a code block, a link's text, a table cell (and an entity in a link's target).
const HOSTILE: &str = "\n## Raw \x1b[2J escapes\n\nText \x1b]0;pwned\x07 with `co\u{9b}de` and \
                       [a \u{9b}1mlink](http://x/&#27;[31m).\n\n```\n\x1b]52;c;SGk=\x07 in code\u{202e}\n```\n\n\
                       | a\u{7f} |\n|---|\n| \u{9d}b |\n";

fn card() -> String {
    format!("{FIXTURE}{HOSTILE}")
}

fn dex() -> TestDex {
    let dex = TestDex::new();
    dex.write("every-element.md", card());
    dex
}

/// What `show` printed before markdown was rendered, and still prints into a pipe: the
/// header, then the body as written with control characters (but line ends and tabs)
/// replaced by `�`.
fn as_written() -> String {
    let body = card().splitn(3, "---\n").nth(2).expect("frontmatter").to_string();
    let cleaned: String = body
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\n' && c != '\t') || ('\u{202a}'..='\u{202e}').contains(&c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    format!(
        "Every element\nevery-element.md\n\ntitle: Every element\nwhat: note\ntags: markdown, preview\n\n{cleaned}"
    )
}

/// The SGR escapes termdex wrote, shown as `␛`; any other escape fails the test.
fn visible_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        out.push_str(&rest[..at]);
        let sequence = &rest[at + 1..];
        let end = sequence.find('m').expect("an SGR sequence ends with m");
        let params = &sequence[..end];
        assert!(
            sequence.starts_with('[') && params[1..].chars().all(|c| c.is_ascii_digit() || c == ';'),
            "{params:?}"
        );
        out.push('␛');
        out.push_str(&sequence[..=end]);
        rest = &sequence[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn show_renders_every_element_in_colour_wrapped_to_the_preview_window() {
    let dex = dex();
    let out = dex
        .cmd()
        .args(["--color", "always", "show", "every-element.md"])
        .env("FZF_PREVIEW_COLUMNS", "60")
        .output()
        .expect("run termdex");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\x1b'), "{text:?}");
    insta::assert_snapshot!("show_every_element_colour_60", visible_escapes(&text));
    // Into a pipe with no width to go by, nothing is wrapped.
    let out =
        dex.cmd().args(["--color", "always", "show", "every-element.md"]).output().expect("run termdex");
    let text = visible_escapes(&String::from_utf8_lossy(&out.stdout));
    assert!(
        text.contains("\nA paragraph with ␛[3memphasis␛[0m, ␛[1mstrong␛[0m, ␛[9mstruck␛[0m and ␛[33minline code␛[0m, long \
         enough to wrap across several lines of a narrow pane without any word being broken in the middle.\n"),
        "{text}"
    );
}

#[test]
fn a_pipe_color_never_and_no_color_print_the_body_as_written() {
    let dex = dex();
    let expected = as_written();
    let (piped, _, code) = dex.run(&["show", "every-element.md"]);
    assert_eq!((piped.as_str(), code), (expected.as_str(), 0), "into a pipe");
    // fzf's width changes nothing without colour.
    let out =
        dex.cmd().args(["show", "every-element.md"]).env("FZF_PREVIEW_COLUMNS", "40").output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "a pipe with FZF_PREVIEW_COLUMNS");
    let never = on_terminal_with(&dex, &["--color", "never", "show", "every-element.md"], None);
    assert_eq!(never, (expected.clone(), 0), "--color never on a terminal");
    let no_color = on_terminal_with(&dex, &["show", "every-element.md"], Some("1"));
    assert_eq!(no_color, (expected, 0), "NO_COLOR on a terminal");
}

#[test]
fn on_a_terminal_show_renders_markdown() {
    let dex = dex();
    let (shown, code) = on_terminal_with(&dex, &["show", "every-element.md"], None);
    assert_eq!(code, 0);
    let shown = visible_escapes(&shown);
    for rendered in [
        "␛[2m#␛[0m ␛[1;35mEvery element␛[0m",
        "␛[2m• ␛[0mfirst bullet",
        "␛[1mstrong␛[0m",
        "␛[1m[ ] ␛[0man open task",
        "    ␛[33mfn main() {␛[0m",
        "␛[2m(https://sqlite.org/fts5.html)␛[0m",
        "Text �]0;pwned� with ␛[33mco�de␛[0m",
    ] {
        assert!(shown.contains(rendered), "{rendered:?} in\n{shown}");
    }
    assert!(!shown.contains("**strong**") && !shown.contains("- first bullet"), "{shown}");
}

#[test]
fn raw_prints_the_file_as_it_is_on_a_terminal_too() {
    let dex = dex();
    let (piped, _, code) = dex.run(&["show", "--raw", "every-element.md"]);
    assert_eq!((piped.as_bytes(), code), (card().as_bytes(), 0));
    let shown = on_terminal(&dex, &["show", "--raw", "every-element.md"]);
    assert_eq!(shown, card(), "the bytes of the file, escapes and all");
}
