//! A card: one markdown file as the index sees it.
//!
//! Plain data built by the scanner and written by the index; the rules for a card's title
//! and creation time live here because every front end must agree on them.

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::frontmatter::{Fields, Format, FrontmatterError};
use crate::value::{civil_text, display_text, parse_date};

/// One card, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Relative to the dex root, `/`-separated.
    pub path: String,
    pub title: String,
    pub fields: Fields,
    /// Text after the frontmatter (the whole text when there is none or it is unclosed).
    pub body: String,
    pub format: Option<Format>,
    pub mtime_ns: i64,
    pub size: u64,
    /// Sortable date or date-time: frontmatter `created`/`date`, else the modification time
    /// (local civil time, like every date-time the index stores).
    pub created: String,
    pub links: Vec<Link>,
    pub error: Option<FrontmatterError>,
    /// The file was not valid UTF-8 and was read with replacement characters.
    pub lossy: bool,
    /// The file was larger than the indexing cap; only its start is indexed.
    pub truncated: bool,
}

/// How a link is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// `[[Target]]`, `[[Target|label]]`, `[[Target#Heading]]`: a card named by path, stem,
    /// title or alias.
    Wiki,
    /// `![[Target]]`: a card shown inside this one; named like a wiki link.
    Embed,
    /// `[text](../dir/card.md)`: a path relative to the linking card.
    Path,
    /// The card's parent field (`parent: "[[Projects]]"`, a relative path or a title),
    /// named like a wiki link: where the card sits in the outline.
    Parent,
}

impl LinkKind {
    pub fn name(&self) -> &'static str {
        match self {
            LinkKind::Wiki => "wiki",
            LinkKind::Embed => "embed",
            LinkKind::Path => "path",
            LinkKind::Parent => "parent",
        }
    }

    /// The kind a [`LinkKind::name`] stands for; an unknown name reads as a wiki link.
    pub fn from_name(name: &str) -> LinkKind {
        match name {
            "embed" => LinkKind::Embed,
            "path" => LinkKind::Path,
            "parent" => LinkKind::Parent,
            _ => LinkKind::Wiki,
        }
    }
}

/// One link in a card's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target as written: `Target#Heading` in `[[Target#Heading|label]]`, `../x%20y.md`
    /// in `[text](../x%20y.md)`.
    pub target: String,
    /// `label` in `[[Target|label]]`, `text` in `[text](x.md)`.
    pub label: Option<String>,
    pub kind: LinkKind,
    /// 1-based line of the file.
    pub line: u32,
    /// 1-based line of the body (the text after the frontmatter).
    pub body_line: u32,
    /// The name cards are looked up by ([`name_key`]): the dex-relative path a relative
    /// link points at, else the target's name.
    pub key: String,
    /// What the path of a card found by its stem must end with: the folders and name as
    /// written (`notes/target` in `[[notes/Target]]` or `[t](../notes/target.md)`), folded;
    /// empty when the link names no folder.
    pub suffix: String,
}

/// The [`Link::suffix`] of a name as written: without leading `./`, `../` and `/`, folded;
/// empty when what is left names no folder.
pub fn link_suffix(written: &str) -> String {
    let mut rest = written.trim();
    loop {
        let next = rest.trim_start_matches('/').trim_start_matches("./").trim_start_matches("../");
        if next == rest {
            break;
        }
        rest = next;
    }
    let key = name_key(rest);
    if key.contains('/') { key } else { String::new() }
}

/// What `[[...]]` or `[...](...)` names, for a person: the target without its `#heading`,
/// percent-escapes decoded (`no card named "Rust Atomics"`).
pub fn link_name(kind: LinkKind, target: &str) -> String {
    match kind {
        LinkKind::Wiki | LinkKind::Embed | LinkKind::Parent => {
            target.split('#').next().unwrap_or("").trim().to_string()
        }
        LinkKind::Path => {
            let target = target.trim();
            let target = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')).unwrap_or(target);
            percent_decode(target.split(['#', '?']).next().unwrap_or(""))
        }
    }
}

/// A link as it is written in markdown: `[[target|label]]`, `![[target]]`, `[label](target)`.
pub fn link_text(kind: LinkKind, target: &str, label: Option<&str>) -> String {
    match (kind, label) {
        (LinkKind::Wiki, Some(label)) => format!("[[{target}|{label}]]"),
        (LinkKind::Wiki, None) => format!("[[{target}]]"),
        (LinkKind::Embed, Some(label)) => format!("![[{target}|{label}]]"),
        (LinkKind::Embed, None) => format!("![[{target}]]"),
        (LinkKind::Path, label) => format!("[{}]({target})", label.unwrap_or("")),
        (LinkKind::Parent, _) => format!("parent: {target}"),
    }
}

/// `%XX` escapes decoded (`x%20y.md` is `x y.md`); a `%` not followed by two hex digits,
/// or escapes that do not spell UTF-8, stay as written.
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Kinds of names a card answers to, in the order a link tries them: the first kind with
/// a match decides, and among several cards of that kind the shortest path wins (as in
/// Obsidian), then the path in lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// The dex-relative path without its markdown extension: `2025/03/rust-atomics`
    /// (stored with the stem: every path ends with its stem).
    Path = 1,
    /// The file stem: `rust-atomics`.
    Stem = 2,
    /// The title: `Rust Atomics and Locks`.
    Title = 3,
    /// Each value of an `aliases` (or `alias`) field, the Obsidian convention.
    Alias = 4,
}

/// A name as links compare it: trimmed, in lower case (Unicode), without a markdown
/// extension, so `[[Rust Atomics.md]]` finds `rust atomics.md`.
pub fn name_key(name: &str) -> String {
    // One spelling of each accented letter (`é` typed as e + accent, as macOS writes file
    // names, is `é`), then letter case.
    let folded = name.trim().nfc().collect::<String>().to_lowercase();
    let stem = folded.strip_suffix(".md").or_else(|| folded.strip_suffix(".markdown"));
    match stem {
        Some(stem) if !stem.is_empty() && !stem.ends_with('/') => stem.to_string(),
        _ => folded,
    }
}

/// The last `/`-separated part of a name key: what a file stem is compared with.
pub fn key_tail(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// The names a card answers to besides its path ([`name_key`]s, each kind at most once
/// per key), in [`NameKind`] order: its stem, title and aliases. A title that only repeats
/// the stem adds nothing.
pub fn card_names(path: &str, title: &str, fields: &Fields) -> Vec<(NameKind, String)> {
    let path_key = name_key(path);
    let stem = key_tail(&path_key).to_string();
    let mut names = vec![(NameKind::Stem, stem.clone())];
    let title = name_key(title);
    if !title.is_empty() && title != stem {
        names.push((NameKind::Title, title));
    }
    for key in ["aliases", "alias"] {
        let aliases = match field_value(fields, key) {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(value) => vec![value],
            None => Vec::new(),
        };
        for alias in aliases.into_iter().filter(|v| !matches!(v, Value::Array(_) | Value::Object(_))) {
            let alias = name_key(&display_text(alias));
            if !alias.is_empty() && !names.iter().any(|(k, n)| *k == NameKind::Alias && *n == alias) {
                names.push((NameKind::Alias, alias));
            }
        }
    }
    names
}

/// The value of a field by key: the key as written, else in any letter case (Unicode case
/// folding, as everywhere termdex matches field names), with dots reaching into nested maps
/// (`author.name`); a key that itself contains a dot is found too.
pub fn field_value<'a>(fields: &'a Fields, key: &str) -> Option<&'a Value> {
    if let Some(value) = fields.get(key) {
        return Some(value);
    }
    let folded = key.to_lowercase();
    if let Some((_, value)) = fields.iter().find(|(k, _)| same_key(k, &folded)) {
        return Some(value);
    }
    let (head, rest) = key.split_once('.')?;
    match field_value(fields, head)? {
        Value::Object(inner) => field_value(inner, rest),
        _ => None,
    }
}

/// Whether a field name, in any letter case, is `folded` (a lower-cased key).
pub fn same_key(name: &str, folded: &str) -> bool {
    if name.is_ascii() && folded.is_ascii() {
        name.eq_ignore_ascii_case(folded)
    } else {
        name.to_lowercase() == folded
    }
}

/// Frontmatter `title` (in any letter case), else the first `# heading` of the body, else
/// the file stem.
pub fn title(fields: &Fields, body: &str, path: &str) -> String {
    let from_fields = field_value(fields, "title")
        .filter(|v| !matches!(v, Value::Array(_) | Value::Object(_)))
        .map(display_text)
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    from_fields.or_else(|| first_heading(body)).unwrap_or_else(|| file_stem(path).to_string())
}

/// The file name without its directory and markdown extension.
pub fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| if stem.is_empty() { name } else { stem })
}

fn first_heading(body: &str) -> Option<String> {
    let mut in_code = false;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code || line.len() - trimmed.len() > 3 {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix("# ").or_else(|| (trimmed == "#").then_some("")) {
            let text = rest.trim().trim_end_matches('#').trim();
            if !text.is_empty() {
                return Some(text.to_string());
            }
        }
    }
    None
}

/// Frontmatter `created` or `date` (in any letter case) when it is a date, else the
/// modification time.
pub fn created(fields: &Fields, mtime_ns: i64) -> String {
    ["created", "date"]
        .iter()
        .filter_map(|key| field_value(fields, key))
        .filter_map(|v| v.as_str())
        .find_map(parse_date)
        .unwrap_or_else(|| mtime_text(mtime_ns))
}

/// A modification time as sortable civil time in the system's time zone, the same shape
/// and zone as date-times in fields.
pub fn mtime_text(mtime_ns: i64) -> String {
    jiff::Timestamp::from_nanosecond(i128::from(mtime_ns))
        .map(|ts| civil_text(ts, &jiff::tz::TimeZone::system()))
        .unwrap_or_default()
}

/// A modification time as an RFC 3339 instant in UTC (`2026-11-23T09:00:00Z`), for JSON.
pub fn mtime_instant(mtime_ns: i64) -> String {
    jiff::Timestamp::from_nanosecond(i128::from(mtime_ns))
        .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A parent value's target and label: `[[Projects|label]]` is `Projects` and `label`;
/// a path or a title written plain is itself, whole: `C# tips` and `Pros | Cons` are
/// titles, not a name and a heading or a label (only a wiki link's brackets give `#` and
/// `|` those meanings).
pub fn parent_target(value: &str) -> (&str, Option<&str>) {
    let value = value.trim();
    let Some(inner) = wiki_inner(value) else { return (value, None) };
    match inner.split_once('|') {
        Some((target, label)) => (target.trim(), Some(label.trim())),
        None => (inner.trim(), None),
    }
}

/// The name a parent value gives, as a link looks it up: `[[Projects|label]]`,
/// `[[Projects#Plan]]` and `Projects` all name `Projects`, `C# tips` names `C# tips`; for
/// a command line's word that names a card the way a parent field does (`termdex tree
/// '[[Projects]]'`, `under:X`).
pub fn parent_name(value: &str) -> &str {
    let (target, _) = parent_target(value);
    match wiki_inner(value.trim()) {
        Some(_) => target.split('#').next().unwrap_or("").trim(),
        None => target,
    }
}

/// What is inside `[[...]]`, when `value` is a wiki link.
fn wiki_inner(value: &str) -> Option<&str> {
    value.strip_prefix("[[").and_then(|v| v.strip_suffix("]]"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn title_falls_back_from_field_to_heading_to_stem() {
        let body = "intro\n```\n# not this\n```\n## sub\n# The Heading #\n";
        assert_eq!(title(&fields(json!({"title": " T "})), body, "a/b.md"), "T");
        assert_eq!(title(&fields(json!({"title": ""})), body, "a/b.md"), "The Heading");
        assert_eq!(title(&Fields::new(), "no heading", "a/my card.md"), "my card");
        assert_eq!(title(&fields(json!({"title": 42})), "", "x.md"), "42");
        assert_eq!(title(&fields(json!({"Title": "X"})), body, "a/b.md"), "X");
        assert_eq!(title(&fields(json!({"TITLE": "Y"})), body, "a/b.md"), "Y");
    }

    #[test]
    fn field_values_by_dotted_key_in_any_case() {
        let f = fields(json!({"Author": {"Name": "Ada"}, "a.b": 1}));
        assert_eq!(field_value(&f, "author.name"), Some(&json!("Ada")));
        assert_eq!(field_value(&f, "a.b"), Some(&json!(1)));
        assert_eq!(field_value(&f, "author.missing"), None);
        let f = fields(json!({"Émoi": 1, "ÉTÉ": {"Nuit": 2}}));
        assert_eq!(field_value(&f, "émoi"), Some(&json!(1)));
        assert_eq!(field_value(&f, "été.nuit"), Some(&json!(2)));
    }

    #[test]
    fn stems() {
        assert_eq!(file_stem("a/b/c.markdown"), "c");
        assert_eq!(file_stem(".hidden"), ".hidden");
        assert_eq!(file_stem("noext"), "noext");
    }

    #[test]
    fn created_prefers_fields_then_mtime() {
        assert_eq!(created(&fields(json!({"date": "2026-01-02"})), 0), "2026-01-02");
        assert_eq!(created(&fields(json!({"Created": "2026-01-03", "date": "2026-01-02"})), 0), "2026-01-03");
        assert_eq!(created(&fields(json!({"DATE": "2026-01-02"})), 0), "2026-01-02");
        assert_eq!(created(&fields(json!({"created": "soon"})), 0), mtime_text(0));
        assert_eq!(mtime_instant(0), "1970-01-01T00:00:00Z");
    }
}
