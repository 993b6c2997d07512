//! Card templates: the built-in ones (`src/cards/templates/*.md`) and the dex's own
//! (`.termdex/templates/NAME.md`), rendered with `{{variables}}`.
//!
//! A variable inside the frontmatter is written as a properly quoted value of the
//! template's format, so a title holding `: `, quotes, `#`, a leading `-` or a newline
//! still gives frontmatter that parses, with exactly that title in it.

use std::path::{Path, PathBuf};

use crate::frontmatter::{self, Fence, Format, render_scalar, render_string};

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

/// A template ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: String,
    pub text: String,
    /// The dex's own file, or `None` for a built-in.
    pub file: Option<PathBuf>,
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
pub fn load(state_dir: &Path, name: &str) -> Result<Template, CardsError> {
    if valid_name(name) {
        let path = user_dir(state_dir).join(format!("{name}.md"));
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(Template { name: name.to_string(), text, file: Some(path) }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(cause) => return Err(CardsError::ReadTemplate { path, cause }),
        }
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            return Ok(Template { name: name.to_string(), text: text.to_string(), file: None });
        }
    }
    Err(CardsError::UnknownTemplate { name: name.to_string(), available: names(state_dir).join(", ") })
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
}

/// Renders a template. The frontmatter must still parse afterwards, or the template
/// itself is at fault and is reported as such.
pub fn render(template: &Template, vars: &Vars) -> Result<String, CardsError> {
    let bom = template.text.starts_with('\u{feff}');
    let text = frontmatter::strip_bom(&template.text);
    let rendered = match frontmatter::find(text) {
        Fence::Block(block) => {
            let head = &text[..block.content.start];
            let content = render_block(block.format, &text[block.content.clone()], vars);
            let tail = &text[block.content.end..block.body_start];
            let body = substitute(&text[block.body_start..], vars, &|v| v.replace(['\n', '\r'], " "));
            if let Err(e) = frontmatter::parse_block(block.format, &content, block.content_line) {
                return Err(CardsError::BadTemplate {
                    name: template.name.clone(),
                    message: format!(
                        "its frontmatter does not parse once filled in (line {}: {})",
                        e.line, e.message
                    ),
                });
            }
            format!("{head}{content}{tail}{body}")
        }
        _ => substitute(text, vars, &|v| v.to_string()),
    };
    Ok(if bom { format!("\u{feff}{rendered}") } else { rendered })
}

/// Fills the frontmatter line by line, quoting every value that holds a variable.
fn render_block(format: Format, content: &str, vars: &Vars) -> String {
    content
        .split_inclusive('\n')
        .map(|line| if line.contains("{{") { render_line(format, line, vars) } else { line.to_string() })
        .collect()
}

fn render_line(format: Format, line: &str, vars: &Vars) -> String {
    let body = line.trim_end_matches(['\n', '\r']);
    let eol = &line[body.len()..];
    if format == Format::Json {
        // Inside a JSON string: the value goes in escaped, without quotes of its own.
        let escape = |v: &str| {
            let quoted = serde_json::to_string(v).unwrap_or_default();
            quoted[1..quoted.len() - 1].to_string()
        };
        return format!("{}{eol}", substitute(body, vars, &escape));
    }
    let separator = if format == Format::Toml { " = " } else { ": " };
    let (prefix, value) = match split_value(body, separator) {
        Some(split) => split,
        None => return format!("{}{eol}", substitute(body, vars, &|v| v.to_string())),
    };
    let value = value.trim();
    let rendered = if let Some(items) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        let items: Vec<String> =
            items.split(',').map(|item| render_filled(format, item.trim(), vars)).collect();
        format!("[{}]", items.join(", "))
    } else {
        render_filled(format, value, vars)
    };
    format!("{prefix}{rendered}{eol}")
}

/// A template value with its variables filled in, quoted for `format`: a value the
/// template quoted stays text even when it reads like a number.
fn render_filled(format: Format, value: &str, vars: &Vars) -> String {
    let inner = unquote(value);
    let filled = substitute(inner, vars, &|v| v.to_string());
    if inner.len() == value.len() { render_scalar(format, &filled) } else { render_string(format, &filled) }
}

/// `key: value` / `- value` / `key = value` as (everything up to the value, the value).
fn split_value<'a>(line: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let trimmed = line.trim_start();
    if let Some(rest) = trimmed.strip_prefix("- ") {
        let at = line.len() - rest.len();
        return Some((&line[..at], rest));
    }
    let at = line.find(separator)? + separator.len();
    Some((&line[..at], &line[at..]))
}

/// A template value written with its own quotes loses them: the renderer quotes anew.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// Replaces `{{name}}` with `escape(value)`; unknown names become empty.
fn substitute(text: &str, vars: &Vars, escape: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        out.push_str(&rest[..start]);
        let name = rest[start + 2..start + 2 + len].trim();
        out.push_str(&escape(vars.get(name).unwrap_or("")));
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    out
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
        };
        let text = render(&toml, &vars("say \"hi\"\nthere")).expect("renders");
        assert_eq!(field(&text, "title"), "say \"hi\"\nthere");
        assert!(text.ends_with("# say \"hi\" there\n"), "{text}");
        let json = Template {
            name: "j".into(),
            text: "---json\n{\"title\": \"{{title}}\"}\n---\n".into(),
            file: None,
        };
        let text = render(&json, &vars("back\\slash \"q\"")).expect("renders");
        assert_eq!(field(&text, "title"), "back\\slash \"q\"");
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
