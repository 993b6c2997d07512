//! Configuration: the embedded defaults (`src/config/defaults.toml`, which double as
//! documentation) overlaid with the dex's own `.termdex/config.toml`.
//!
//! A bad config is reported with its file, line and key, never half-applied. A config
//! that cannot be read at all (no permission, `.termdex` someone else's) is not the
//! user's to fix: termdex goes on with the built-in configuration and says so once.
//!
//! This is plain data, below the query layer: whether each view's filter compiles is the
//! query layer's to say (`query::check_views`), and whoever loads a config calls it. So a
//! config remembers where in its file each view's filter sits, for that check's errors.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::scan::Extensions;

/// The built-in configuration, every option with a comment: also what `termdex init`
/// writes, so a dex's config file starts as exactly the defaults.
pub const DEFAULTS: &str = include_str!("config/defaults.toml");

/// Where the dex's config lives, relative to its state folder.
pub const CONFIG_FILE: &str = "config.toml";

/// The merged configuration of a dex.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub default_view: String,
    /// Which files are cards; the first is what new cards are named with.
    pub extensions: Extensions,
    /// Built-in views first (in their documented order), then the dex's own.
    pub views: Vec<View>,
    pub fields: HashMap<String, FieldSpec>,
    pub new: NewCards,
    pub outline: Outline,
    /// Where each view the dex's config file sets sits in it, in the file's order.
    pub view_sources: Vec<ViewSource>,
}

/// Where a view of the dex's config file sits: the line of its filter, or of its table
/// when it sets none (it may change a view defined elsewhere, or name one that is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSource {
    pub name: String,
    pub path: PathBuf,
    pub line: usize,
}

impl ViewSource {
    /// An error about this view's filter, at its place in the file.
    pub fn error(&self, message: impl std::fmt::Display) -> ConfigError {
        ConfigError {
            path: self.path.clone(),
            line: self.line,
            message: format!("key `views.{}.filter`: {message}", self.name),
        }
    }
}

/// Where new cards go (`[new]`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewCards {
    /// File pattern of `termdex new`, relative to the dex, as written: without an
    /// extension, new cards get the first of `extensions` ([`Config::new_card_pattern`]).
    pub path: String,
    /// File pattern of `termdex journal`, likewise.
    pub journal: String,
    /// The template `termdex new` uses when none is named.
    pub template: String,
}

/// Where the outline comes from (`[outline]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outline {
    pub source: OutlineSource,
    /// The field naming a card's parent (source `field`).
    pub parent: String,
    /// The field ordering siblings.
    pub order: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutlineSource {
    /// Each card's parent field.
    #[default]
    Field,
    /// Folders nest.
    Folders,
    /// Dotted file names nest (`a.b.c.md` under `a.b.md`).
    Dotted,
}

impl Config {
    /// How cards are found and read: which files are cards, and the parent field, which
    /// makes a link only when it is the outline's source.
    pub fn scan_settings(&self) -> crate::scan::Settings {
        let outline = &self.outline;
        let parent_field = (outline.source == OutlineSource::Field).then(|| outline.parent.to_lowercase());
        crate::scan::Settings { parent_field, extensions: self.extensions.clone() }
    }
}

/// A named filter with a sort, columns and an optional board grouping.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub name: String,
    pub description: String,
    pub filter: String,
    pub sort: Vec<String>,
    pub columns: Vec<String>,
    pub group_by: Option<String>,
    /// The TUI shows the view as the outline (cards under their parents).
    pub outline: bool,
    /// `true` for views as the defaults define them: not in the dex's config file, or set
    /// there exactly as built in (`termdex init` writes every built-in view).
    pub builtin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Number,
    Date,
    Bool,
    Enum,
}

/// What a dex declares about one field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldSpec {
    pub field_type: Option<FieldType>,
    /// Sort order (and, for enums, the allowed values), lower-cased.
    pub order: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    default_view: Option<Spanned<String>>,
    extensions: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    fields: IndexMap<String, FileField>,
    #[serde(default)]
    views: IndexMap<String, Spanned<FileView>>,
    new: Option<FileNew>,
    outline: Option<FileOutline>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOutline {
    source: Option<OutlineSource>,
    parent: Option<Spanned<String>>,
    order: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNew {
    path: Option<Spanned<String>>,
    journal: Option<Spanned<String>>,
    template: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileField {
    #[serde(rename = "type")]
    field_type: Option<FieldType>,
    values: Option<Vec<String>>,
    order: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileView {
    description: Option<String>,
    filter: Option<Spanned<String>>,
    sort: Option<Vec<String>>,
    columns: Option<Vec<String>>,
    group_by: Option<String>,
    outline: Option<bool>,
}

impl Config {
    /// The built-in configuration alone.
    pub fn builtin() -> Config {
        let mut config = Config {
            default_view: "all".into(),
            extensions: Extensions::default(),
            views: Vec::new(),
            fields: HashMap::new(),
            new: NewCards::default(),
            outline: Outline::default(),
            view_sources: Vec::new(),
        };
        // The defaults are part of the binary and covered by tests; failing here is a bug.
        config
            .overlay(DEFAULTS, Path::new("<built-in defaults>"), true)
            .expect("built-in defaults are valid");
        config
    }

    /// The defaults overlaid with `<state_dir>/config.toml` when it exists; an error when
    /// it exists and cannot be read (see [`Config::load_or_builtin`] to go on instead).
    pub fn load(state_dir: &Path) -> Result<Config, ConfigError> {
        let path = state_dir.join(CONFIG_FILE);
        let text = read_config(&path).map_err(|e| ConfigError {
            path: path.clone(),
            line: 0,
            message: format!("cannot read the config: {e}"),
        })?;
        Config::with_file(text.as_deref(), &path)
    }

    /// The defaults overlaid with the config `text`, said to be read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut config = Config::builtin();
        config.overlay(text, path, false)?;
        Ok(config)
    }

    /// The defaults overlaid with `<state_dir>/config.toml` when it exists. A config that
    /// exists but cannot be read gives the built-in configuration and a warning saying so;
    /// one that reads but is wrong is an error.
    pub fn load_or_builtin(state_dir: &Path) -> Result<(Config, Option<String>), ConfigError> {
        let path = state_dir.join(CONFIG_FILE);
        match read_config(&path) {
            Ok(text) => Ok((Config::with_file(text.as_deref(), &path)?, None)),
            Err(e) => {
                let why = match e.kind() {
                    io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    _ => e.to_string(),
                };
                let advice = if e.kind() == io::ErrorKind::PermissionDenied {
                    " (make it readable to use it)"
                } else {
                    ""
                };
                let warning = format!(
                    "cannot read {}: {why}; using the built-in configuration instead{advice}",
                    path.display()
                );
                Ok((Config::builtin(), Some(warning)))
            }
        }
    }

    /// The defaults overlaid with the config read from `path`, if there was one.
    fn with_file(bytes: Option<&[u8]>, path: &Path) -> Result<Config, ConfigError> {
        let Some(bytes) = bytes else {
            return Ok(Config::builtin());
        };
        let text = std::str::from_utf8(bytes).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: line_of(&String::from_utf8_lossy(bytes), e.valid_up_to()),
            message: "not valid UTF-8 (save the config as UTF-8)".into(),
        })?;
        Config::parse(text, path)
    }

    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.get(key)
    }

    /// The file pattern of new cards (`journal`: of journal cards), with the extension new
    /// cards get when the pattern has none: the first of `extensions`.
    pub fn new_card_pattern(&self, journal: bool) -> String {
        let pattern = if journal { &self.new.journal } else { &self.new.path };
        match pattern_extension(pattern) {
            Some(_) => pattern.clone(),
            None => format!("{pattern}.{}", self.extensions.first()),
        }
    }

    fn overlay(&mut self, text: &str, path: &Path, builtin: bool) -> Result<(), ConfigError> {
        let error = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
            path: path.to_path_buf(),
            line: span.map_or(0, |s| line_of(text, s.start)),
            message,
        };
        let file: FileConfig =
            toml::from_str(text).map_err(|e| error(e.span(), e.message().trim().to_string()))?;
        let extensions_at = file.extensions.as_ref().map(Spanned::span);
        if let Some(list) = file.extensions {
            let span = list.span();
            self.extensions = Extensions::new(list.get_ref().as_slice())
                .map_err(|m| error(Some(span), format!("key `extensions`: {m}")))?;
        }
        for (key, field) in file.fields {
            let order = field.values.or(field.order).unwrap_or_default();
            let spec = FieldSpec {
                field_type: field.field_type,
                order: order.iter().map(|v| v.to_lowercase()).collect(),
            };
            self.fields.insert(key.to_lowercase(), spec);
        }
        for (name, spanned) in file.views {
            let span = spanned.span();
            let view = spanned.into_inner();
            let at = view.filter.as_ref().map_or(span.clone(), Spanned::span);
            self.merge_view(name.clone(), view, builtin).map_err(|m| error(Some(span), m))?;
            if !builtin {
                let line = line_of(text, at.start);
                self.view_sources.push(ViewSource { name, path: path.to_path_buf(), line });
            }
        }
        let mut pattern_at = [None, None];
        if let Some(new) = file.new {
            let targets = [(new.path, &mut self.new.path), (new.journal, &mut self.new.journal)];
            for ((pattern, target), at) in targets.into_iter().zip(&mut pattern_at) {
                let Some(pattern) = pattern else { continue };
                if pattern.get_ref().starts_with('/') || pattern.get_ref().is_empty() {
                    return Err(error(
                        Some(pattern.span()),
                        format!("key `new`: `{}` must be a path relative to the dex", pattern.get_ref()),
                    ));
                }
                *at = Some(pattern.span());
                *target = pattern.into_inner();
            }
            if let Some(template) = new.template {
                self.new.template = template;
            }
        }
        if let Some(outline) = file.outline {
            if let Some(source) = outline.source {
                self.outline.source = source;
            }
            for (name, target) in
                [(outline.parent, &mut self.outline.parent), (outline.order, &mut self.outline.order)]
            {
                let Some(name) = name else { continue };
                if name.get_ref().trim().is_empty() {
                    return Err(error(
                        Some(name.span()),
                        "key `outline`: a field name cannot be empty".into(),
                    ));
                }
                *target = name.into_inner().trim().to_string();
            }
        }
        // Checked once both are known: a pattern must name a card by the extensions.
        for ((key, pattern), at) in
            [("path", &self.new.path), ("journal", &self.new.journal)].into_iter().zip(pattern_at)
        {
            if let Some(ext) = pattern_extension(pattern)
                && !self.extensions.matches(Path::new(&format!("x.{ext}")))
            {
                return Err(error(
                    at.or(extensions_at.clone()),
                    format!(
                        "key `new.{key}`: `{pattern}` ends in .{ext}, but cards are {} files (end it in one of \
                         those, or leave the extension out to get .{})",
                        self.extensions.describe(),
                        self.extensions.first()
                    ),
                ));
            }
        }
        if let Some(default) = file.default_view {
            if self.view(default.get_ref()).is_none() {
                return Err(error(
                    Some(default.span()),
                    format!("key `default_view`: no view named `{}`", default.get_ref()),
                ));
            }
            self.default_view = default.into_inner();
        }
        Ok(())
    }

    fn merge_view(&mut self, name: String, file: FileView, builtin: bool) -> Result<(), String> {
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("key `views.{name}`: a view name must be one word"));
        }
        let existing = self.views.iter().position(|v| v.name == name);
        let mut view = match existing {
            Some(i) => self.views[i].clone(),
            None => View {
                name: name.clone(),
                description: String::new(),
                filter: String::new(),
                sort: vec!["path".into()],
                columns: vec!["title".into()],
                group_by: None,
                outline: false,
                builtin,
            },
        };
        let before = view.clone();
        if let Some(d) = file.description {
            view.description = d;
        }
        if let Some(f) = file.filter {
            view.filter = f.into_inner();
        }
        if let Some(s) = file.sort {
            view.sort = s;
        }
        if let Some(c) = file.columns {
            view.columns = c;
        }
        if let Some(outline) = file.outline {
            view.outline = outline;
        }
        if file.group_by.is_some() {
            view.group_by = file.group_by;
        }
        // A view the file changes is the file's, for messages about it; one it sets exactly
        // as it was stays built in.
        view.builtin = builtin || (existing.is_some() && view == before && before.builtin);
        match existing {
            Some(i) => self.views[i] = view,
            None => self.views.push(view),
        }
        Ok(())
    }
}

/// The config's text; `None` when there is none, where `.termdex` is no folder too (a
/// plain file of that name holds no config). Opened as cards are, so that a FIFO in its
/// place cannot hang every command.
fn read_config(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match crate::files::read_regular(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The extension a file pattern ends with, if it ends with one: the text after the last
/// dot of its last part, unless a `{placeholder}` is in it (`{slug}` ends with none).
fn pattern_extension(pattern: &str) -> Option<&str> {
    let name = pattern.rsplit('/').next().unwrap_or(pattern);
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && !ext.contains(['{', '}'])).then_some(ext)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_views_are_the_documented_ones() {
        let names: Vec<_> = Config::builtin().views.iter().map(|v| v.name.clone()).collect();
        assert_eq!(names, ["all", "notes", "tasks", "board", "week", "journal", "outline", "bookmarks"]);
    }

    fn overlay(text: &str) -> Result<Config, ConfigError> {
        let mut config = Config::builtin();
        config.overlay(text, Path::new("cfg.toml"), false).map(|()| config)
    }

    #[test]
    fn user_views_add_and_override_key_by_key() {
        let config = overlay(
            "default_view = \"reading\"\n[views.reading]\nfilter = \"what:bookmark\"\n[views.tasks]\ncolumns = [\"title\"]\n",
        )
        .expect("valid");
        assert_eq!(config.default_view, "reading");
        let tasks = config.view("tasks").expect("tasks");
        assert_eq!(tasks.columns, ["title"]);
        assert_eq!(tasks.filter, "what:task -status:done");
        assert!(!tasks.builtin);
        assert_eq!(config.views.last().map(|v| v.name.as_str()), Some("reading"));
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = overlay("[views.x]\nfilter = \"ok\"\nsrot = [\"a\"]\n").expect_err("unknown key");
        assert_eq!(e.line, 3);
        assert!(e.to_string().starts_with("cfg.toml:3: unknown field `srot`"), "{e}");
        let e = overlay("[fields.a]\ntype = \"colour\"\n").expect_err("bad type");
        assert_eq!(e.line, 2, "{e}");
        let e = overlay("default_view = \"nope\"\n").expect_err("no view");
        assert_eq!(e.to_string(), "cfg.toml:1: key `default_view`: no view named `nope`");
    }

    #[test]
    fn a_config_that_cannot_be_read_gives_the_builtin_one_and_a_warning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = dir.path().join(".termdex");
        // No folder, or a plain file in its place: no config, nothing to say.
        let (config, warning) = Config::load_or_builtin(&state).expect("no config");
        assert_eq!((config.views.len(), warning), (Config::builtin().views.len(), None));
        std::fs::write(&state, "a file").expect("write");
        assert_eq!(Config::load_or_builtin(&state).expect("not a folder").1, None);
        // A config that is there but is no file termdex can read (a folder stands in for
        // a file root may read whatever its permissions): the defaults, and a warning.
        std::fs::remove_file(&state).expect("rm");
        std::fs::create_dir_all(state.join(CONFIG_FILE)).expect("mkdir");
        let (config, warning) = Config::load_or_builtin(&state).expect("unreadable");
        assert_eq!(config.default_view, "all");
        assert_eq!(
            warning.as_deref(),
            Some(
                format!(
                    "cannot read {}: is a directory, not a regular file; using the built-in configuration \
                     instead",
                    state.join(CONFIG_FILE).display()
                )
                .as_str()
            )
        );
        assert!(Config::load(&state).is_err(), "load itself still refuses it");
        // One that reads but is wrong is still an error.
        std::fs::remove_dir(state.join(CONFIG_FILE)).expect("rmdir");
        std::fs::write(state.join(CONFIG_FILE), "default_view = 1\n").expect("write");
        assert!(Config::load_or_builtin(&state).is_err());
    }

    /// `termdex init` writes [`DEFAULTS`] as the dex's config file: loaded back, it must
    /// give exactly the configuration of a dex without one (the views as built in, too),
    /// else the file `init` writes would change what it documents.
    #[test]
    fn the_defaults_as_a_config_file_change_nothing() {
        let loaded = Config::parse(DEFAULTS, Path::new("config.toml")).expect("the defaults parse as a file");
        let builtin = Config::builtin();
        assert_eq!(loaded.view_sources.len(), builtin.views.len(), "every view is in the file");
        assert_eq!(Config { view_sources: Vec::new(), ..loaded }, builtin);
        // And the comparison sees a change of any one view.
        let changed = Config::parse(
            &DEFAULTS.replace("filter = \"modified:this-week\"", "filter = \"x\""),
            Path::new("c"),
        )
        .expect("parses");
        let week = changed.view("week").expect("week");
        assert!(!week.builtin, "a view the file changes is the file's");
        assert_ne!(Config { view_sources: Vec::new(), ..changed }, builtin);
    }

    #[test]
    fn new_cards_get_the_first_extension_unless_the_pattern_names_one() {
        let builtin = Config::builtin();
        assert_eq!(builtin.extensions, Extensions::default());
        assert_eq!(builtin.new_card_pattern(false), "{yyyy}/{mm}/{dd}/{slug}.md");
        assert_eq!(builtin.new_card_pattern(true), "journal/{date}.md");
        let mdx =
            overlay("extensions = [\"mdx\", \"md\"]\n[new]\njournal = \"days/{date}.md\"\n").expect("valid");
        assert_eq!(mdx.new_card_pattern(false), "{yyyy}/{mm}/{dd}/{slug}.mdx");
        assert_eq!(mdx.new_card_pattern(true), "days/{date}.md");
        let dotted = overlay("[new]\npath = \"v1.2/{slug}.{template}\"\n").expect("valid");
        assert_eq!(dotted.new_card_pattern(false), "v1.2/{slug}.{template}.md");
        let e = overlay("[new]\npath = \"x/{slug}.txt\"\n").expect_err("not a card");
        assert_eq!(
            e.to_string(),
            "cfg.toml:2: key `new.path`: `x/{slug}.txt` ends in .txt, but cards are .md or .markdown files (end \
             it in one of those, or leave the extension out to get .md)"
        );
        // The built-in patterns name no extension, so any list goes with them.
        let txt = overlay("extensions = [\"txt\"]\n").expect("valid");
        assert_eq!(txt.new_card_pattern(true), "journal/{date}.txt");
    }

    #[test]
    fn views_remember_where_their_filter_is() {
        let config =
            overlay("[views.a]\nsort = [\"title\"]\n\nfilter = \"x\"\n[views.tasks]\ncolumns = []\n")
                .expect("valid");
        let at = |name: &str, line| ViewSource { name: name.into(), path: "cfg.toml".into(), line };
        assert_eq!(config.view_sources, [at("a", 4), at("tasks", 5)]);
        assert!(Config::builtin().view_sources.is_empty(), "built-in views are checked by tests");
        let e = config.view_sources[0].error("no view named `b`");
        assert_eq!(e.to_string(), "cfg.toml:4: key `views.a.filter`: no view named `b`");
    }
}
