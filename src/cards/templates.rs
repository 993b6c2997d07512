//! Card templates: the built-in ones (`src/cards/templates/*.md`) and the dex's own
//! (`.termdex/templates/NAME.md`), rendered with `{{variables}}`.
//!
//! A variable inside the frontmatter is the whole value of a top-level field and is written
//! by the lossless frontmatter editor as text, so a title holding `: `, quotes, `#`, a
//! leading `-`, a newline, or reading like a number still gives frontmatter that parses,
//! with exactly that title in it, and the template's comments and layout are kept.

use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::files;
use crate::frontmatter::{self, Block, Edit, EditValue, Fence, Format};

use super::CardsError;

/// Built-in templates, with the fields of the original tdx ones.
const BUILTIN: &[(&str, &str)] = &[
    ("note", include_str!("templates/note.md")),
    ("task", include_str!("templates/task.md")),
    ("bookmark", include_str!("templates/bookmark.md")),
    ("reminder", include_str!("templates/reminder.md")),
    ("meeting", include_str!("templates/meeting.md")),
    ("journal", include_str!("templates/journal.md")),
];

/// The built-in templates as (name, text), for `termdex init --templates` to copy.
pub fn builtins() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.iter().copied()
}

/// A template ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: String,
    pub text: String,
    /// The dex's own file, or `None` for a built-in.
    pub file: Option<PathBuf>,
    /// Why the dex's own file of this name was not used, when it could not be read.
    pub warning: Option<String>,
}

/// The folder of a dex's own templates.
pub fn user_dir(state_dir: &Path) -> PathBuf {
    state_dir.join("templates")
}

/// Every template name: built-ins and the dex's own, sorted, without duplicates.
pub fn names(state_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
    if let Ok(entries) = std::fs::read_dir(user_dir(state_dir)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".md").filter(|s| !s.is_empty() && !s.starts_with('.')) {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Whether `name` is a template of this dex.
pub fn exists(state_dir: &Path, name: &str) -> bool {
    valid_name(name) && names(state_dir).iter().any(|n| n == name)
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\', '\0']) && !name.starts_with('.')
}

/// Loads a template: the dex's own file first, then the built-in of that name.
///
/// The file is read as cards are ([`files::read_regular`]): a FIFO in its place is never
/// waited on. One that exists but cannot be read (a FIFO, a folder, someone else's
/// `.termdex/` of mode 0700) gives the built-in of that name, with a warning, as the
/// config does; without a built-in of that name, it is an error.
pub fn load(state_dir: &Path, name: &str) -> Result<Template, CardsError> {
    if valid_name(name) {
        let path = user_dir(state_dir).join(format!("{name}.md"));
        let builtin = BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| text.to_string());
        let warning = match read_template(&path) {
            Ok(Some(text)) => {
                return Ok(Template { name: name.to_string(), text, file: Some(path), warning: None });
            }
            Ok(None) => None,
            // Text that is not UTF-8 reads but is wrong: the user's to fix, as a config's.
            Err(cause) if builtin.is_some() && cause.kind() != io::ErrorKind::InvalidData => {
                Some(unreadable(&path, name, &cause))
            }
            Err(cause) => return Err(CardsError::ReadTemplate { path, cause }),
        };
        if let Some(text) = builtin {
            return Ok(Template { name: name.to_string(), text, file: None, warning });
        }
    }
    Err(CardsError::UnknownTemplate { name: name.to_string(), available: names(state_dir).join(", ") })
}

/// A template file's text; `None` when there is none (nor a folder for it).
fn read_template(path: &Path) -> io::Result<Option<String>> {
    match files::read_regular(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8 (save it as UTF-8)")),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The warning for a template file that cannot be read, the built-in taking its place;
/// worded as the config's.
fn unreadable(path: &Path, name: &str, cause: &io::Error) -> String {
    let (why, advice) = match cause.kind() {
        io::ErrorKind::PermissionDenied => ("permission denied".to_string(), " (make it readable to use it)"),
        _ => (cause.to_string(), ""),
    };
    format!(
        "cannot read template {}: {why}; using the built-in template `{name}` instead{advice}",
        path.display()
    )
}

/// Values for `{{name}}`, in the order they were given (later ones win).
#[derive(Debug, Clone, Default)]
pub struct Vars(Vec<(String, String)>);

impl Vars {
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.to_string(), value.into()));
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The variable names, in order, for messages.
    fn names(&self) -> Vec<&str> {
        self.0.iter().map(|(n, _)| n.as_str()).collect()
    }
}

/// Renders a template.
///
/// In the frontmatter a variable must be the whole value of a top-level field (`title:
/// {{title}}`, quoted or not, a `# comment` after it allowed): the field is then set to the
/// value as text through the lossless editor, so quotes, comments and everything else of
/// the template are kept, and a title such as `1984`, `true` or `a, b` stays that text. A
/// variable anywhere else in the frontmatter (inside a string or a list, on an indented
/// line) is an error, as is a `{{name}}` that names no variable. In the body values are
/// written as they are, line breaks turned into spaces.
pub fn render(template: &Template, vars: &Vars) -> Result<String, CardsError> {
    let bom = template.text.starts_with('\u{feff}');
    let text = frontmatter::strip_bom(&template.text);
    let bad = |message: String| CardsError::BadTemplate { name: template.name.clone(), message };
    for spot in placeholders(text) {
        if vars.get(spot.name).is_none() {
            return Err(bad(format!(
                "line {}: unknown variable `{{{{{}}}}}` (known: {}; --set KEY=VALUE adds more)",
                line_of(text, spot.range.start),
                spot.name,
                vars.names().join(", ")
            )));
        }
    }
    // The block is found in a copy whose variables read as strings of the same length, so
    // that `{"title": {{title}}}` is still seen as a JSON object, at the same offsets.
    let rendered = match frontmatter::find(&as_strings(text)) {
        Fence::Block(block) => {
            let front = render_frontmatter(text, &block, vars).map_err(bad)?;
            format!("{front}{}", fill_body(&text[block.body_start..], vars))
        }
        Fence::None => without_frontmatter(fill_body(text, vars)),
        Fence::Unclosed { .. } | Fence::Broken(_) => {
            let error = frontmatter::parse(&as_strings(text))
                .error
                .unwrap_or(frontmatter::FrontmatterError { line: 1, message: "it cannot be read".into() });
            return Err(bad(format!(
                "its frontmatter does not parse (line {}: {})",
                error.line, error.message
            )));
        }
    };
    Ok(if bom { format!("\u{feff}{rendered}") } else { rendered })
}

/// A template without frontmatter must not gain one from its values (`{{title}}` on the
/// first line, and a title of `---` or `{}`): the first line is then escaped the way
/// Markdown reads it, `\---`, so the card shows the same text and stays all body.
fn without_frontmatter(filled: String) -> String {
    match frontmatter::find(&filled) {
        Fence::None => filled,
        _ => format!("\\{filled}"),
    }
}

/// A `{{name}}` in a template: its byte range (braces included) and the name.
struct Placeholder<'a> {
    range: Range<usize>,
    name: &'a str,
}

/// Every `{{name}}`: a name is one word (no spaces, braces or line breaks) between double
/// braces; anything else between braces is left as written.
fn placeholders(text: &str) -> Vec<Placeholder<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{").map(|i| from + i) {
        let inner_start = at + 2;
        let Some(len) = text[inner_start..].find("}}") else { break };
        let inner = &text[inner_start..inner_start + len];
        let name = inner.trim();
        let is_name = !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == '{' || c == '}');
        if is_name && !inner.contains('\n') {
            let end = inner_start + len + 2;
            found.push(Placeholder { range: at..end, name });
            from = end;
        } else {
            from = at + 1;
        }
    }
    found
}

/// `text` with each variable replaced by a string of the same length: quoted when the
/// variable is not already inside quotes.
fn as_strings(text: &str) -> String {
    let mut out = text.to_string();
    for spot in placeholders(text) {
        let len = spot.range.len();
        let quoted = text[..spot.range.start].ends_with(['"', '\'']);
        let filler = if quoted { "x".repeat(len) } else { format!("\"{}\"", "x".repeat(len - 2)) };
        out.replace_range(spot.range, &filler);
    }
    out
}

/// The 1-based line of byte `pos`.
fn line_of(text: &str, pos: usize) -> usize {
    text[..pos].matches('\n').count() + 1
}

/// Body text: values as they are, on one line.
fn fill_body(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for spot in placeholders(text) {
        out.push_str(&text[last..spot.range.start]);
        out.push_str(&vars.get(spot.name).unwrap_or_default().replace(['\r', '\n'], " "));
        last = spot.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The frontmatter block (fences included) with its variables filled in, or why the
/// template is at fault.
///
/// Each variable is first replaced by a marker string that occurs nowhere else; the block
/// is parsed, and every marker must come back as the whole value of a top-level field.
/// Those fields are then set to the variables' values with [`frontmatter::apply`].
fn render_frontmatter(text: &str, block: &Block, vars: &Vars) -> Result<String, String> {
    let format = block.format;
    let content = &text[block.content.clone()];
    let offset = block.content.start;
    let spots = placeholders(content);
    let marker = unique_marker(text);
    let mut marked = String::with_capacity(content.len());
    let mut last = 0;
    for (i, spot) in spots.iter().enumerate() {
        let (range, whole) = value_span(content, spot.range.clone(), format);
        marked.push_str(&content[last..range.start]);
        // A whole value becomes a quoted string, valid in all three formats; anything
        // else stays inside whatever holds it, to be caught below.
        if whole {
            marked.push_str(&format!("\"{marker}{i}x\""));
        } else {
            marked.push_str(&format!("{marker}{i}x"));
        }
        last = range.end;
    }
    marked.push_str(&content[last..]);
    let rule = |spot: &Placeholder<'_>| {
        let example = match format {
            Format::Yaml => format!("key: {{{{{}}}}}", spot.name),
            Format::Toml => format!("key = {{{{{}}}}}", spot.name),
            Format::Json => format!("\"key\": \"{{{{{}}}}}\"", spot.name),
        };
        format!(
            "line {}: `{{{{{}}}}}` is not the whole value of a top-level field, the only place a variable may go in the frontmatter (`{example}`, quoted or not, optionally followed by a comment); in the text below the frontmatter it may go anywhere",
            line_of(text, offset + spot.range.start),
            spot.name
        )
    };
    let fields = match frontmatter::parse_block(format, &marked, block.content_line) {
        Ok(fields) => fields,
        Err(e) => {
            // A variable on the line that no longer parses is the likely culprit.
            let culprit = spots.iter().find(|s| line_of(text, offset + s.range.start) == e.line);
            return Err(match culprit {
                Some(spot) => rule(spot),
                None => format!("its frontmatter does not parse (line {}: {})", e.line, e.message),
            });
        }
    };
    let mut edits = Vec::with_capacity(spots.len());
    for (i, spot) in spots.iter().enumerate() {
        let wanted = Value::String(format!("{marker}{i}x"));
        let Some(key) = fields.iter().find(|(_, v)| **v == wanted).map(|(k, _)| k) else {
            return Err(rule(spot));
        };
        let value = vars.get(spot.name).unwrap_or_default().to_string();
        edits.push(Edit::Set { key: key.clone(), value: EditValue::Text(value) });
    }
    let head = &text[..block.content.start];
    let tail = &text[block.content.end..block.body_start];
    let document = format!("{head}{marked}{tail}");
    frontmatter::apply(&document, &edits).map_err(|e| {
        format!(
            "its variables cannot be filled in: {}; change the template's frontmatter",
            e.without_advice()
        )
    })
}

/// A word found nowhere in the template, to stand in for its variables while it is parsed.
fn unique_marker(text: &str) -> String {
    (0..).map(|n| format!("termdexvar{n}z")).find(|m| !text.contains(m.as_str())).unwrap_or_default()
}

/// Where a variable's value would be and whether the variable is all of it: either
/// quoted on its own (`"{{title}}"`, `'{{title}}'`: the quotes are taken in) or bare right
/// after the key's `:` / `=` with nothing after it but a comment (or, in JSON, the `,` or
/// `}` that ends the member).
fn value_span(content: &str, range: Range<usize>, format: Format) -> (Range<usize>, bool) {
    let before = &content[..range.start];
    let after = &content[range.end..];
    for quote in ['"', '\''] {
        if before.ends_with(quote) && after.starts_with(quote) {
            return (range.start - 1..range.end + 1, true);
        }
    }
    let line_before = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let line_after = after[..after.find('\n').unwrap_or(after.len())].trim();
    let separator = if format == Format::Toml { '=' } else { ':' };
    let after_key = line_before.trim_end().ends_with(separator);
    let ends_value = match format {
        Format::Json => line_after.is_empty() || line_after.starts_with([',', '}']),
        _ => line_after.is_empty() || line_after.starts_with('#'),
    };
    (range, after_key && ends_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(title: &str) -> Vars {
        let mut v = Vars::default();
        v.set("title", title);
        v.set("date", "2026-11-23");
        v.set("datetime", "2026-11-23T14:15:30");
        v
    }

    fn field(text: &str, key: &str) -> serde_json::Value {
        let parsed = frontmatter::parse(text);
        assert_eq!(parsed.error, None, "{text}");
        parsed.fields.get(key).cloned().unwrap_or_default()
    }

    #[test]
    fn every_builtin_renders_to_valid_frontmatter_with_hostile_titles() {
        let hostile = [
            "plain",
            "a: b",
            "\"quoted\" and 'single'",
            "#hash",
            "- dash",
            "line\nbreak",
            "[x] {y}",
            "  spaced  ",
            "yes",
            "null",
            "2026-11-23",
            "*star &amp !bang |pipe >gt %pc @at `tick`",
        ];
        for (name, _) in BUILTIN {
            let template = load(Path::new("/nonexistent"), name).expect("built-in");
            for title in hostile {
                let text = render(&template, &vars(title)).expect("renders");
                assert_eq!(field(&text, "title"), serde_json::Value::String(title.into()), "{name}: {text}");
            }
        }
    }

    #[test]
    fn toml_and_json_templates_escape_in_their_own_syntax() {
        let toml = Template {
            name: "t".into(),
            text: "+++\ntitle = \"{{title}}\"\n+++\n# {{title}}\n".into(),
            file: None,
            warning: None,
        };
        let text = render(&toml, &vars("say \"hi\"\nthere")).expect("renders");
        assert_eq!(field(&text, "title"), "say \"hi\"\nthere");
        assert!(text.ends_with("# say \"hi\" there\n"), "{text}");
        let json = Template {
            name: "j".into(),
            text: "---json\n{\"title\": \"{{title}}\"}\n---\n".into(),
            file: None,
            warning: None,
        };
        let text = render(&json, &vars("back\\slash \"q\"")).expect("renders");
        assert_eq!(field(&text, "title"), "back\\slash \"q\"");
    }

    fn template(text: &str) -> Template {
        Template { name: "mine".into(), text: text.into(), file: None, warning: None }
    }

    fn rendered(text: &str, title: &str) -> String {
        render(&template(text), &vars(title)).unwrap_or_else(|e| panic!("{text:?} with {title:?}: {e}"))
    }

    fn refusal(text: &str) -> String {
        render(&template(text), &vars("t")).expect_err(text).to_string()
    }

    #[test]
    fn comments_quotes_and_layout_of_the_template_are_kept() {
        assert_eq!(
            rendered("---\ntitle: {{title}} # the title\nday:   '{{date}}'   # when\n---\nBody\n", "Plain"),
            "---\ntitle: Plain # the title\nday:   2026-11-23   # when\n---\nBody\n"
        );
        assert_eq!(
            rendered("+++\ntitle = \"{{title}}\" # the title\nday = {{date}}\n+++\n", "a \"b\""),
            "+++\ntitle = \"a \\\"b\\\"\" # the title\nday = \"2026-11-23\"\n+++\n"
        );
        assert_eq!(
            rendered("---json\n{\n  \"title\": \"{{title}}\",\n  \"n\": 1\n}\n---\n", "x"),
            "---json\n{\n  \"title\": \"x\",\n  \"n\": 1\n}\n---\n"
        );
        assert_eq!(
            rendered("{\"title\": {{title}}, \"n\": 1}\nbody\n", "x"),
            "{\"title\": \"x\", \"n\": 1}\nbody\n"
        );
    }

    #[test]
    fn titles_that_look_like_other_things_stay_text_in_every_format() {
        let templates = [
            "---\ntitle: {{title}} # c\ntags: [a, b]\n---\n# {{title}}\n",
            "---\ntitle: \"{{title}}\"\n---\n",
            "+++\ntitle = {{title}} # c\ntags = [\"a\"]\n+++\n",
            "+++\ntitle = '{{title}}'\n+++\n",
            "---json\n{\"title\": \"{{title}}\", \"tags\": [\"a\"]}\n---\n",
        ];
        for text in templates {
            for title in ["1984", "true", "3.14", "null", "a, b", "x]", "", "-1", "~", "{x}", "line\nbreak"] {
                let out = rendered(text, title);
                assert_eq!(field(&out, "title"), serde_json::json!(title), "{text:?}: {out}");
                assert_eq!(frontmatter::parse(&out).fields.len(), field_count(text), "{out}");
            }
        }
    }

    fn field_count(text: &str) -> usize {
        if text.contains("tags") { 2 } else { 1 }
    }

    #[test]
    fn a_variable_that_is_not_a_whole_top_level_value_is_refused_with_its_line() {
        let cases = [
            ("---\nwhat: note\ntags: [{{title}}, x]\n---\n", 3, "key: {{title}}"),
            ("---\ntags:\n  - {{title}}\n---\n", 3, "key: {{title}}"),
            ("---\ntitle: \"Note: {{title}}\"\n---\n", 2, "key: {{title}}"),
            ("---\ntitle: Note {{title}}\n---\n", 2, "key: {{title}}"),
            ("---\nauthor:\n  name: {{title}}\n---\n", 3, "key: {{title}}"),
            ("---\n# about {{title}}\ntitle: x\n---\n", 2, "key: {{title}}"),
            ("+++\ntitle = \"Note {{title}}\"\n+++\n", 2, "key = {{title}}"),
            ("+++\ntags = [{{title}}]\n+++\n", 2, "key = {{title}}"),
            ("+++\n[extra]\nname = {{title}}\n+++\n", 3, "key = {{title}}"),
            ("---json\n{\n\"title\": \"x {{title}}\"\n}\n---\n", 3, "\"key\": \"{{title}}\""),
            ("---json\n{\"tags\": [\"{{title}}\"]}\n---\n", 2, "\"key\": \"{{title}}\""),
        ];
        for (text, line, example) in cases {
            let err = refusal(text);
            assert!(
                err.starts_with(&format!(
                    "template mine: line {line}: `{{{{title}}}}` is not the whole value of a top-level field"
                )),
                "{text:?}: {err}"
            );
            assert!(err.contains(&format!("(`{example}`, quoted or not")), "{text:?}: {err}");
        }
    }

    #[test]
    fn unknown_variables_are_named_with_the_known_ones() {
        let mut vars = vars("t");
        vars.set("status", "todo");
        for text in
            ["---\ntitle: {{title}}\nowner: {{ owner }}\n---\n", "---\ntitle: x\n---\n\nby {{owner}}\n"]
        {
            let err = render(&template(text), &vars).expect_err(text).to_string();
            let line = if text.contains("by") { 5 } else { 3 };
            assert_eq!(
                err,
                format!(
                    "template mine: line {line}: unknown variable `{{{{owner}}}}` (known: title, date, datetime, status; --set KEY=VALUE adds more)"
                )
            );
        }
        assert_eq!(rendered("no braces {{ at all }} {{}} {x}\n", "t"), "no braces {{ at all }} {{}} {x}\n");
    }

    #[test]
    fn the_body_gets_values_on_one_line() {
        assert_eq!(
            rendered("---\ntitle: {{title}}\n---\n# {{title}}\n", "a\nb\r\nc"),
            "---\ntitle: \"a\\nb\\r\\nc\"\n---\n# a b  c\n"
        );
        assert_eq!(rendered("# {{title}} on {{date}}\n", "x\ny"), "# x y on 2026-11-23\n");
    }

    #[test]
    fn a_value_on_the_first_line_never_starts_frontmatter() {
        // Found by fuzzing: `--- {{title}}` with an empty title rendered a `---` fence, and
        // the lines below it became frontmatter that did not parse.
        assert_eq!(
            rendered(
                "--- {{title}}
what: x
---
body
",
                ""
            ),
            "\\--- \nwhat: x\n---\nbody\n"
        );
        for title in ["---", "+++", "---json", "{}", "{\"a\": 1}"] {
            let out = rendered("{{title}}\n\ntext\n", title);
            assert_eq!(out, format!("\\{title}\n\ntext\n"));
            assert_eq!(frontmatter::find(&out), Fence::None, "{out:?}");
        }
        assert_eq!(rendered("{{title}}\n", "plain"), "plain\n");
    }

    #[test]
    fn unknown_templates_list_the_available_ones() {
        let err = load(Path::new("/nonexistent"), "nope").expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "unknown template `nope` (templates: bookmark, journal, meeting, note, reminder, task; add one as .termdex/templates/nope.md)"
        );
        assert!(load(Path::new("/nonexistent"), "../note").is_err());
    }
}
