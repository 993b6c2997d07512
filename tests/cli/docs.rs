//! The docs cannot drift: every example of the user guide runs here, on the real binary.
//!
//! What is checked, in README.md, docs/install.md, docs/development.md and docs/guide/*.md:
//!
//! - ```` ```console ```` blocks are transcripts. A line starting `$ ` is a command (lines
//!   starting `> ` right after it continue it, as the shell's second prompt shows them:
//!   a `\` line end or a here-document); the lines after it, up to the next `$ `, are what
//!   it prints, stdout and stderr together. Each command runs in bash (`pipefail`) in the
//!   page's own copy of examples/deck, in order, so a page can build on what an earlier
//!   block did; it must exit 0 (a page shows a failure with `; echo $?`), and its output
//!   must be the one shown, line for line, except for trailing blanks (and blank lines at
//!   the end) and `[..]`, which stands for any text within a line.
//!   `TERMDEX_DOCS_BLESS=1 cargo test --test cli docs::` writes what they print into the
//!   pages instead (never in CI), for review with `git diff`.
//! - A `<!-- write: PATH -->` or `<!-- append: PATH -->` line right before a code block
//!   writes (appends) the block's text to PATH in the dex before the next command runs.
//! - ```` ```sh ```` blocks are recipes that need a terminal (fzf, an editor) or change
//!   the machine (install). Every termdex command in them (where a command starts: a line,
//!   after `|`, `;`, `&&`, `(` or an opening quote) is run with fzf's placeholders filled
//!   in (`{1}`, `{}`, `{+}`: a card's path; `{q}`: a word), after the page's plain
//!   `name=value` lines so far, and must exit 0 or 1: an option, command or card the docs
//!   name that no longer exists fails the test.
//! - The key table of docs/guide/tui.md is src/tui/keymap.rs's `BINDINGS`, row for row.
//!
//! The clock is pinned (`TERMDEX_NOW=2026-11-23T09:30:00`, `TZ=UTC`), every card of the
//! copy was last modified at 2026-11-23T09:00:00Z, colours are off (`NO_COLOR`), the
//! editor is `true` and the environment is otherwise empty but for `PATH`, with the test's
//! termdex first. Recipes with fzf need fzf on `$PATH` (scripts/test.sh installs it).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The fixed "now" of every example, and the time the deck's cards were last modified.
const NOW: &str = "2026-11-23T09:30:00";
const MTIME: &str = "2026-11-23T09:00:00Z";

/// What fzf's `{1}` and `{q}` become when a recipe's termdex command is tried.
const SAMPLE_CARD: &str = "2026/12/04/learn-sqlite-wal.md";
const SAMPLE_QUERY: &str = "wal";

/// Longest any one example may take before it counts as hung.
const TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn every_example_in_the_docs_runs_as_shown() {
    let pages = pages();
    assert!(pages.iter().any(|p| p.ends_with("docs/guide/filters.md")), "no guide pages found: {pages:?}");
    let mut failures = Vec::new();
    for page in &pages {
        failures.extend(run_page(page));
    }
    assert!(
        failures.is_empty(),
        "{} example(s) in the docs no longer hold:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_guide_page_says_how_its_examples_are_tested() {
    for page in pages().iter().filter(|p| p.to_string_lossy().contains("docs/guide/")) {
        let text = fs::read_to_string(page).expect("read page");
        let head: String = text.lines().take_while(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
        assert!(
            head.contains("<!--") && head.contains("tests/cli/docs.rs"),
            "{}: the page should open with a comment saying how its examples are tested (tests/cli/docs.rs)",
            page.display()
        );
    }
}

#[test]
fn the_tui_page_lists_exactly_the_keymap() {
    let page = Path::new(ROOT).join("docs/guide/tui.md");
    let text = fs::read_to_string(&page).expect("read docs/guide/tui.md");
    let documented = key_table(&text);
    let expected: Vec<(String, String)> =
        termdex::tui::keymap::BINDINGS.iter().map(|b| (key_cell(b.keys), b.help.to_string())).collect();
    let row = |(keys, help): &(String, String)| format!("| {keys} | {help} |");
    let documented: Vec<String> = documented.iter().map(row).collect();
    let expected: Vec<String> = expected.iter().map(row).collect();
    let missing: Vec<&String> = expected.iter().filter(|r| !documented.contains(r)).collect();
    let extra: Vec<&String> = documented.iter().filter(|r| !expected.contains(r)).collect();
    assert!(
        documented == expected,
        "docs/guide/tui.md's key table (between <!-- keys --> and <!-- /keys -->) must list \
         src/tui/keymap.rs's BINDINGS in order, keys and help text (the third column is free).\n\
         in the keymap, not on the page: {missing:#?}\non the page, not in the keymap: {extra:#?}\n\
         the keymap's rows, in order:\n{}",
        expected.join("\n")
    );
}

/// The pages whose examples run: README.md, docs/install.md, docs/development.md and every
/// page of docs/guide/, sorted.
fn pages() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut pages: Vec<PathBuf> = fs::read_dir(root.join("docs/guide"))
        .expect("docs/guide")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let mut all =
        vec![root.join("README.md"), root.join("docs/install.md"), root.join("docs/development.md")];
    all.extend(pages);
    all
}

// Reading a page.

/// A fenced code block: its language, its lines, where it starts, and what a directive
/// comment right before it asks to be done with it.
struct Block {
    lang: String,
    lines: Vec<String>,
    line: usize,
    file: Option<FileDirective>,
}

struct FileDirective {
    path: String,
    append: bool,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate();
    let mut directive: Option<FileDirective> = None;
    while let Some((n, line)) = lines.next() {
        if let Some(d) = file_directive(line) {
            directive = Some(d);
            continue;
        }
        let Some(lang) = line.strip_prefix("```") else {
            if !line.trim().is_empty() {
                directive = None;
            }
            continue;
        };
        let mut body = Vec::new();
        for (_, inner) in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            body.push(inner.to_string());
        }
        blocks.push(Block {
            lang: lang.trim().to_string(),
            lines: body,
            line: n + 1,
            file: directive.take(),
        });
    }
    blocks
}

fn file_directive(line: &str) -> Option<FileDirective> {
    let inner = line.trim().strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    if let Some(path) = inner.strip_prefix("write:") {
        return Some(FileDirective { path: path.trim().to_string(), append: false });
    }
    let path = inner.strip_prefix("append:")?;
    Some(FileDirective { path: path.trim().to_string(), append: true })
}

/// One command of a transcript and the output shown for it.
struct Example {
    command: String,
    expected: Vec<String>,
    /// The line of the `$` (1-based) and of the first output line (0-based index).
    line: usize,
    output_at: usize,
}

fn transcript(block: &Block) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut continuing = false;
    for (i, line) in block.lines.iter().enumerate() {
        if let Some(command) = line.strip_prefix("$ ") {
            let line = block.line + i + 1;
            examples.push(Example {
                command: command.to_string(),
                expected: Vec::new(),
                line,
                output_at: line,
            });
            continuing = true;
            continue;
        }
        let Some(current) = examples.last_mut() else {
            panic!("line {}: a console block must start with a `$ ` command", block.line + i + 1);
        };
        match line.strip_prefix("> ").or(if line == ">" { Some("") } else { None }) {
            Some(more) if continuing => {
                current.command.push('\n');
                current.command.push_str(more);
                current.output_at += 1;
            }
            _ => {
                continuing = false;
                current.expected.push(line.clone());
            }
        }
    }
    examples
}

// Running a page.

struct Sandbox {
    _dir: tempfile::TempDir,
    dex: PathBuf,
    home: PathBuf,
}

impl Sandbox {
    /// A copy of examples/deck (without its index) and an empty home folder.
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = dir.path().canonicalize().expect("canonical temp dir");
        let dex = base.join("deck");
        let home = base.join("home");
        fs::create_dir_all(&home).expect("mkdir home");
        copy_deck(&Path::new(ROOT).join("examples/deck"), &dex);
        fs::create_dir_all(dex.join(".termdex")).expect("mkdir .termdex");
        Sandbox { _dir: dir, dex, home }
    }

    /// `bash -c SCRIPT` in the dex: (stdout and stderr together, exit code), or an error
    /// when it did not finish in time.
    fn bash(&self, script: &str) -> Result<(String, i32), String> {
        let bin = assert_cmd::cargo::cargo_bin("termdex");
        let bin_dir = bin.parent().expect("binary folder");
        let path = std::env::join_paths(
            std::iter::once(bin_dir.to_path_buf())
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .expect("PATH");
        let mut child = Command::new("bash")
            .args(["--noprofile", "--norc", "-c"])
            .arg(format!("set -o pipefail\n{{\n{script}\n}} 2>&1"))
            .current_dir(&self.dex)
            .env_clear()
            .env("PATH", path)
            .env("HOME", &self.home)
            .env("TERMDEX_NOW", NOW)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env("EDITOR", "true")
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run bash");
        let pid = child.id();
        let mut stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            let _ = tx.send(out);
        });
        let out = match rx.recv_timeout(TIMEOUT) {
            Ok(out) => out,
            Err(_) => {
                // SAFETY: kill only signals the child this test spawned.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
                let _ = child.wait();
                return Err(format!("did not finish within {} s", TIMEOUT.as_secs()));
            }
        };
        let status = child.wait().expect("wait for bash");
        Ok((String::from_utf8_lossy(&out).into_owned(), status.code().unwrap_or(-1)))
    }
}

fn copy_deck(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read the deck") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == ".termdex" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().expect("file type").is_dir() {
            copy_deck(&src, &dst);
        } else {
            fs::copy(&src, &dst).expect("copy a card");
            let stamp: jiff::Timestamp = MTIME.parse().expect("time");
            let when = SystemTime::UNIX_EPOCH + Duration::from_secs(stamp.as_second() as u64);
            fs::File::options().write(true).open(&dst).expect("open").set_modified(when).expect("set mtime");
        }
    }
}

/// Runs every example of one page in a fresh sandbox: the failures, each saying where.
/// With `TERMDEX_DOCS_BLESS=1` (never in CI), a transcript whose command succeeds but
/// prints something else gets what it prints written into the page instead, to review
/// with `git diff` (and put `[..]` back where a line varies).
fn run_page(page: &Path) -> Vec<String> {
    let text = fs::read_to_string(page).expect("read page");
    let name = page.strip_prefix(ROOT).unwrap_or(page).display().to_string();
    let bless = std::env::var_os("TERMDEX_DOCS_BLESS").is_some() && !crate::util::in_ci();
    let sandbox = Sandbox::new();
    let mut failures = Vec::new();
    let mut blessed: Vec<(usize, usize, Vec<String>)> = Vec::new();
    // `card=PATH` lines of the page's recipes, as a reader's shell would keep them.
    let mut prelude: Vec<String> = Vec::new();
    for block in blocks(&text) {
        if let Some(file) = &block.file {
            write_into(&sandbox, file, &block);
        }
        match block.lang.as_str() {
            "console" => {
                for example in transcript(&block) {
                    let Some(failure) = check_example(&sandbox, &example) else { continue };
                    match failure {
                        Failure::Output(actual) if bless => {
                            blessed.push((example.output_at, example.expected.len(), actual));
                        }
                        failure => {
                            let shown: Vec<&str> = example.expected.iter().map(String::as_str).collect();
                            failures.push(format!(
                                "{name}:{}: $ {}\nthe docs show:\n{}\n{}",
                                example.line,
                                example.command,
                                indent(&shown),
                                failure.why()
                            ));
                        }
                    }
                }
            }
            "sh" | "bash" | "shell" => {
                prelude.extend(block.lines.iter().filter(|l| is_plain_assignment(l)).cloned());
                for (line, command) in termdex_commands(&block) {
                    if let Some(why) = check_recipe(&sandbox, &prelude, &command) {
                        failures.push(format!("{name}:{line}: {command}\n{why}"));
                    }
                }
            }
            _ => {}
        }
    }
    if !blessed.is_empty() {
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        for (at, len, actual) in blessed.into_iter().rev() {
            lines.splice(at..at + len, actual);
        }
        fs::write(page, lines.join("\n") + "\n").expect("write the blessed page");
    }
    failures
}

fn write_into(sandbox: &Sandbox, file: &FileDirective, block: &Block) {
    let path = sandbox.dex.join(&file.path);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    let mut text = block.lines.join("\n");
    text.push('\n');
    if file.append {
        let mut old = fs::read_to_string(&path).unwrap_or_default();
        old.push_str(&text);
        text = old;
    }
    fs::write(&path, text).expect("write the block's file");
}

/// How a transcript example fails.
enum Failure {
    /// It ran, exited 0, and printed these lines instead.
    Output(Vec<String>),
    Other(String),
}

impl Failure {
    fn why(&self) -> String {
        match self {
            Failure::Output(actual) => {
                let actual: Vec<&str> = actual.iter().map(String::as_str).collect();
                format!("it prints:\n{}", indent(&actual))
            }
            Failure::Other(why) => why.clone(),
        }
    }
}

/// What is wrong with one transcript example, if anything.
fn check_example(sandbox: &Sandbox, example: &Example) -> Option<Failure> {
    if example.command.contains("fzf") {
        require_fzf();
    }
    let (out, code) = match sandbox.bash(&example.command) {
        Ok(result) => result,
        Err(why) => return Some(Failure::Other(why)),
    };
    let actual = without_trailing_blanks(out.lines());
    let expected = without_trailing_blanks(example.expected.iter().map(String::as_str));
    let matches =
        actual.len() == expected.len() && actual.iter().zip(&expected).all(|(a, e)| line_matches(e, a));
    match (code, matches) {
        (0, true) => None,
        (0, false) => Some(Failure::Output(actual.iter().map(|l| l.to_string()).collect())),
        _ => Some(Failure::Other(format!(
            "exited {code} (an example must exit 0; show a failure with `; echo $?`); it prints:\n{}",
            indent(&actual)
        ))),
    }
}

/// The lines with trailing blanks cut, and blank lines at the end dropped: a page cannot
/// show them.
fn without_trailing_blanks<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut lines: Vec<&str> = lines.map(str::trim_end).collect();
    while lines.last() == Some(&"") {
        lines.pop();
    }
    lines
}

fn indent(lines: &[&str]) -> String {
    if lines.is_empty() {
        return "    (nothing)".to_string();
    }
    lines.iter().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

/// Whether `actual` is the `expected` line, where `[..]` in it stands for any text.
fn line_matches(expected: &str, actual: &str) -> bool {
    let mut parts = expected.split("[..]");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// `name=value` with nothing for the shell to run or expand in the value.
fn is_plain_assignment(line: &str) -> bool {
    let Some((name, value)) = line.split_once('=') else { return false };
    let name_ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    name_ok && !value.is_empty() && !value.contains(|c: char| c.is_whitespace() || "$`;&|()<>'\"".contains(c))
}

/// What is wrong with a recipe's termdex command, if anything: it must run (after the
/// page's assignments so far), exit 0 or 1.
fn check_recipe(sandbox: &Sandbox, prelude: &[String], command: &str) -> Option<String> {
    let quoted = format!("'{SAMPLE_CARD}'");
    let filled = ["{+1}", "{+}", "{1}", "{}"]
        .iter()
        .fold(command.to_string(), |c, p| c.replace(p, &quoted))
        .replace("{q}", SAMPLE_QUERY);
    let script = prelude.iter().map(|l| format!("{l}\n")).collect::<String>() + &filled;
    match sandbox.bash(&script) {
        Ok((_, 0 | 1)) => None,
        Ok((out, code)) => Some(format!(
            "run as `{filled}`, it exited {code}:\n{}",
            indent(&out.lines().collect::<Vec<_>>())
        )),
        Err(why) => Some(why),
    }
}

/// The termdex commands of a shell block, with the line of the page their shell line
/// starts on: where a command starts (the start of a line, after `|`, `;`, `&&`, `(`, or
/// an opening quote), up to where that command ends (`|`, `;`, `&`, `)`, a redirection, a
/// comment, or the quote that opened it), quotes inside it kept whole. A line ending in
/// `\` goes on on the next.
fn termdex_commands(block: &Block) -> Vec<(usize, String)> {
    let mut commands = Vec::new();
    let mut logical = String::new();
    let mut starts_at = None;
    for (line_no, line) in (block.line + 1..).zip(&block.lines) {
        let first = *starts_at.get_or_insert(line_no);
        if let Some(start) = line.strip_suffix('\\') {
            logical.push_str(start);
            continue;
        }
        logical.push_str(line);
        commands.extend(commands_in(&logical).into_iter().map(|c| (first, c)));
        logical.clear();
        starts_at = None;
    }
    commands
}

fn commands_in(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut found = Vec::new();
    for at in 0..chars.len() {
        if !word_at(&chars, at, "termdex") {
            continue;
        }
        let before = chars[..at].iter().rev().find(|c| !c.is_whitespace()).copied();
        let starts = matches!(before, None | Some('|' | ';' | '&' | '(' | '\'' | '"'));
        if !starts {
            continue;
        }
        let closer = match before {
            Some(q @ ('\'' | '"')) => Some(q),
            Some('(') => Some(')'),
            _ => None,
        };
        found.push(command_from(&chars[at..], closer));
    }
    found
}

fn word_at(chars: &[char], at: usize, word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    let end = at + w.len();
    let boundary =
        |c: Option<&char>| c.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '.')));
    chars.get(at..end) == Some(&w[..]) && boundary(chars.get(end)) && (at == 0 || boundary(chars.get(at - 1)))
}

fn command_from(chars: &[char], closer: Option<char>) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => {
                if Some(c) == closer || matches!(c, '|' | ';' | '&' | ')' | '>' | '<') {
                    break;
                }
                if c == '#' && chars.get(i.wrapping_sub(1)).is_some_and(|p| p.is_whitespace()) {
                    break;
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                }
            }
        }
        out.push(c);
    }
    out.trim().to_string()
}

// The TUI page's key table.

/// The (keys, help) columns of the table between `<!-- keys -->` and `<!-- /keys -->`.
fn key_table(text: &str) -> Vec<(String, String)> {
    let start = text.find("<!-- keys -->").expect("docs/guide/tui.md has no <!-- keys --> marker");
    let end = text.find("<!-- /keys -->").expect("docs/guide/tui.md has no <!-- /keys --> marker");
    text[start..end]
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
            (cells[0].to_string(), cells.get(1).copied().unwrap_or_default().to_string())
        })
        .collect()
}

/// A binding's keys as the table writes them: each key in backticks.
fn key_cell(keys: &str) -> String {
    keys.split_whitespace().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" ")
}

fn require_fzf() {
    let found = Command::new("fzf").arg("--version").output().is_ok_and(|out| out.status.success());
    assert!(
        found,
        "fzf is not installed (or not on $PATH): the fzf recipes of docs/guide/recipes.md need fzf 0.38 or \
         later; run the tests with scripts/test.sh, which installs it"
    );
}

#[cfg(test)]
mod parsing {
    use super::*;

    fn sh(text: &str) -> Vec<String> {
        let block =
            Block { lang: "sh".into(), lines: text.lines().map(String::from).collect(), line: 0, file: None };
        termdex_commands(&block).into_iter().map(|(_, c)| c).collect()
    }

    #[test]
    fn recipes_yield_their_termdex_commands() {
        assert_eq!(
            sh(
                "termdex query what:task | fzf --preview 'termdex show {1}' \\\n  --bind 'r:reload(termdex query --format \"{path}\\t{title}\")'"
            ),
            ["termdex query what:task", "termdex show {1}", "termdex query --format \"{path}\\t{title}\""]
        );
        assert_eq!(
            sh("nvim -O $(termdex related x --limit 2 --format paths)"),
            ["termdex related x --limit 2 --format paths"]
        );
        assert_eq!(sh("source <(termdex completions bash)   # in ~/.bashrc"), ["termdex completions bash"]);
        assert_eq!(sh("termdex check --strict   # broken links count"), ["termdex check --strict"]);
        assert!(sh("cargo uninstall termdex\ncargo install --path .").is_empty());
        assert!(sh("examples/tdx-fzf.sh tasks").is_empty());
    }

    #[test]
    fn transcripts_split_commands_continuations_and_output() {
        let block = Block {
            lang: "console".into(),
            lines: [
                "$ cat > a.md <<'EOF'",
                "> # A",
                "> EOF",
                "$ termdex query",
                "a.md\tA",
                "> not a continuation",
            ]
            .map(String::from)
            .to_vec(),
            line: 0,
            file: None,
        };
        let examples = transcript(&block);
        assert_eq!(examples[0].command, "cat > a.md <<'EOF'\n# A\nEOF");
        assert!(examples[0].expected.is_empty());
        assert_eq!(examples[1].expected, ["a.md\tA", "> not a continuation"]);
    }

    #[test]
    fn wildcards_stand_for_any_text_within_a_line() {
        assert!(line_matches("indexed 3 cards in [..] ms", "indexed 3 cards in 12 ms"));
        assert!(line_matches("[..]/templates/[..].md", "/tmp/x/templates/NAME.md"));
        assert!(!line_matches("indexed 3 cards in [..] ms", "indexed 4 cards in 12 ms"));
        assert!(!line_matches("a", "ab"));
        assert!(line_matches("a[..]", "ab"));
    }
}
