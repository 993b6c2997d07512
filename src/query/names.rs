//! The outlines of names (`[outline] source = "folders"` or `"dotted"`): the one rule
//! `termdex tree` (`outline.rs`) and the filter terms (`parent:X`, `under:X`,
//! `has:children`, `has:parent`, `depth`) follow, in Rust for the tree and as SQL
//! functions for the terms.
//!
//! In these outlines where a card sits follows from its path alone: its key (the path
//! without a markdown extension) names its parent node, whose key is a prefix of its own
//! (`projects/termdex/plan` under the folder `projects/termdex/`; `lang.rust.async` under
//! `lang.rust`). A parent node is the card with that key, else a placeholder. So the terms
//! need no table of their own and nothing to keep up to date when the source changes:
//! a card's depth is read from its path, and the cards under a node are those whose paths
//! start with its key, one range of the index on `cards.path` checked by
//! `outline_under`.

use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

use rusqlite::functions::{Aggregate, Context, FunctionFlags};

use crate::config::OutlineSource;

/// A card's key among names: its path without its markdown extension (in any letter
/// case). Compared byte for byte (ASCII case only), so that the cut is always where the
/// extension starts.
pub fn key(path: &str) -> &str {
    for ext in [".md", ".markdown"] {
        if let Some(at) = path.len().checked_sub(ext.len())
            && path.is_char_boundary(at)
            && path[at..].eq_ignore_ascii_case(ext)
        {
            return &path[..at];
        }
    }
    path
}

/// The key of the node `key` sits under (a card's or a placeholder's), always a prefix
/// of `key`; `None` at the top. Folders: `a/b/c` under the folder `a/b/`, which is under
/// `a/`. Dotted names: `dir/a.b.c` under `dir/a.b`, in the same folder; a name starting
/// with a dot has no parent for that dot (`.a` is no child of an empty name).
pub fn parent_of(source: OutlineSource, key: &str) -> Option<&str> {
    match source {
        OutlineSource::Field => None,
        OutlineSource::Folders => {
            let trimmed = key.strip_suffix('/').unwrap_or(key);
            let slash = trimmed.rfind('/')?;
            Some(&key[..=slash])
        }
        OutlineSource::Dotted => {
            let name_at = key.rfind('/').map_or(0, |slash| slash + 1);
            let dot = key[name_at..].rfind('.')?;
            (dot > 0).then(|| &key[..name_at + dot])
        }
    }
}

/// The keys of the nodes above `key`, nearest first.
pub fn ancestors(source: OutlineSource, key: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(parent_of(source, key), move |&above| parent_of(source, above))
}

/// The depth of the card at `path` as the tree draws it: every node above it counts,
/// placeholders too (a card under a missing middle level is drawn one level below it).
pub fn depth(source: OutlineSource, path: &str) -> usize {
    ancestors(source, key(path)).count()
}

/// The node a written name (`under:X`, `tree X`) names when it is not a card's: the
/// folder `projects/termdex/` (written with or without its last `/`, or as a `[[link]]`),
/// the dotted name `lang.rust` (or `notes/lang.rust`, with or without an extension).
/// `None` when it names nothing.
pub fn node_name(source: OutlineSource, written: &str) -> Option<String> {
    let name = crate::card::parent_name(written);
    let name = name.trim_start_matches("./");
    match source {
        OutlineSource::Field => None,
        OutlineSource::Folders => {
            let folder = name.trim_end_matches('/');
            (!folder.is_empty()).then(|| format!("{folder}/"))
        }
        OutlineSource::Dotted => {
            let key = key(name);
            (!key.is_empty() && !key.ends_with('/')).then(|| key.to_string())
        }
    }
}

/// How a source is written in SQL, for the functions below.
pub fn sql_source(source: OutlineSource) -> &'static str {
    match source {
        OutlineSource::Field => "'field'",
        OutlineSource::Folders => "'folders'",
        OutlineSource::Dotted => "'dotted'",
    }
}

fn source_of(text: &str) -> OutlineSource {
    match text {
        "folders" => OutlineSource::Folders,
        "dotted" => OutlineSource::Dotted,
        _ => OutlineSource::Field,
    }
}

/// `outline_key(path)`, `outline_depth(path, source)`, and `outline_under(path, source,
/// node)` / `outline_child(path, source, node)`: 1 when the card at `path` is below the
/// node with that key (at any depth / directly), else 0 (also for a NULL node).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("outline_key", 1, flags, |ctx| {
        Ok(ctx.get_raw(0).as_str_or_null()?.map(|path| key(path).to_string()))
    })?;
    conn.create_scalar_function("outline_depth", 2, flags, |ctx| {
        let source = source_of(ctx.get_raw(1).as_str()?);
        Ok(ctx.get_raw(0).as_str_or_null()?.map(|path| depth(source, path) as i64))
    })?;
    conn.create_scalar_function("outline_under", 3, flags, |ctx| below(ctx, false))?;
    conn.create_scalar_function("outline_child", 3, flags, |ctx| below(ctx, true))?;
    conn.create_aggregate_function("outline_parents", 3, flags, Parents)
}

/// `outline_parents(id, path, source)` over every card: a JSON array of the ids of the
/// cards with a node under them, placed as `tree` places them ([`ancestors`],
/// [`holders`]).
struct Parents;

/// What `outline_parents` gathers: the cards' ids, their paths end to end in one string
/// (one allocation, not one a card) and where each ends.
#[derive(Default)]
struct Gathered {
    ids: Vec<i64>,
    text: String,
    ends: Vec<usize>,
    source: Option<OutlineSource>,
}

impl Aggregate<Gathered, String> for Parents {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Gathered> {
        Ok(Gathered::default())
    }

    fn step(&self, ctx: &mut Context<'_>, gathered: &mut Gathered) -> rusqlite::Result<()> {
        if gathered.source.is_none() {
            gathered.source = Some(source_of(ctx.get_raw(2).as_str()?));
        }
        if let Some(path) = ctx.get_raw(1).as_str_or_null()? {
            gathered.ids.push(ctx.get(0)?);
            gathered.text.push_str(path);
            gathered.ends.push(gathered.text.len());
        }
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, gathered: Option<Gathered>) -> rusqlite::Result<String> {
        let Gathered { ids, text, ends, source } = gathered.unwrap_or_default();
        let source = source.unwrap_or(OutlineSource::Field);
        let paths: Vec<&str> =
            ends.iter().scan(0, |start, &end| Some(&text[std::mem::replace(start, end)..end])).collect();
        let parents: Vec<i64> = with_children(source, &paths).into_iter().map(|i| ids[i]).collect();
        Ok(serde_json::Value::from(parents).to_string())
    }
}

/// Which of the cards at `paths` have a node under them (their places, in order): those
/// whose key is above another node's and that hold it ([`holders`]).
pub fn with_children(source: OutlineSource, paths: &[&str]) -> Vec<usize> {
    let mut above: HashSet<&str> = HashSet::new();
    for path in paths {
        for key in ancestors(source, key(path)) {
            // The nodes above this one were met with it.
            if !above.insert(key) {
                break;
            }
        }
    }
    // Only the cards whose key is above another's can hold a parent.
    let candidates: Vec<usize> = (0..paths.len()).filter(|&i| above.contains(key(paths[i]))).collect();
    let held = holders(candidates.iter().map(|&i| paths[i]));
    let mut parents: Vec<usize> = held.values().map(|&(n, _)| candidates[n]).collect();
    parents.sort_unstable();
    parents
}

/// The card that holds each key (the node of that key is that card's), as its place
/// among `paths` and its path: of cards with one key (`a.md`, `a.markdown`), the one with
/// the shortest path, then the smallest, the one a link to `a` names.
pub fn holders<'p>(paths: impl IntoIterator<Item = &'p str>) -> HashMap<&'p str, (usize, &'p str)> {
    let mut held: HashMap<&str, (usize, &str)> = HashMap::new();
    for (at, path) in paths.into_iter().enumerate() {
        held.entry(key(path))
            .and_modify(|best| {
                if (path.len(), path) < (best.1.len(), best.1) {
                    *best = (at, path);
                }
            })
            .or_insert((at, path));
    }
    held
}

/// `outline_under` (any depth) and `outline_child` (`direct`).
fn below(ctx: &Context<'_>, direct: bool) -> rusqlite::Result<bool> {
    let source = source_of(ctx.get_raw(1).as_str()?);
    let (Some(path), Some(node)) = (ctx.get_raw(0).as_str_or_null()?, ctx.get_raw(2).as_str_or_null()?)
    else {
        return Ok(false);
    };
    let mut above = ancestors(source, key(path));
    Ok(match direct {
        true => above.next() == Some(node),
        false => above.any(|a| a == node),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_a_markdown_extension_in_any_case_and_nothing_else() {
        assert_eq!(key("a/b.md"), "a/b");
        assert_eq!(key("a.b.MarkDown"), "a.b");
        assert_eq!(key("a.txt"), "a.txt");
        assert_eq!(key("md"), "md");
        // The Kelvin sign lower-cases to `k`: not an extension, and never cut inside it.
        assert_eq!(key("x.mar\u{212A}down"), "x.mar\u{212A}down");
    }

    #[test]
    fn parents_are_prefixes_folders_and_dotted_names() {
        let up = |source, key| ancestors(source, key).collect::<Vec<_>>();
        assert_eq!(up(OutlineSource::Folders, "a/b/c"), ["a/b/", "a/"]);
        assert_eq!(up(OutlineSource::Folders, "a/b/"), ["a/"]);
        assert_eq!(up(OutlineSource::Folders, "top"), Vec::<&str>::new());
        assert_eq!(up(OutlineSource::Dotted, "d/lang.rust.async"), ["d/lang.rust", "d/lang"]);
        assert_eq!(up(OutlineSource::Dotted, "a.b/c"), Vec::<&str>::new(), "dots of a folder do not count");
        assert_eq!(up(OutlineSource::Dotted, "a..b"), ["a.", "a"]);
        assert_eq!(up(OutlineSource::Dotted, ".a.b"), [".a"], "no empty name above");
        assert_eq!(depth(OutlineSource::Dotted, "lang.rust.async.md"), 2);
        assert_eq!(depth(OutlineSource::Folders, "projects/termdex/plan.md"), 2);
    }

    #[test]
    fn written_names_name_folders_and_dotted_names() {
        let folders = |w| node_name(OutlineSource::Folders, w);
        assert_eq!(folders("projects/termdex"), Some("projects/termdex/".into()));
        assert_eq!(folders("[[./projects/termdex/]]"), Some("projects/termdex/".into()));
        assert_eq!(folders("/"), None);
        let dotted = |w| node_name(OutlineSource::Dotted, w);
        assert_eq!(dotted("lang.rust"), Some("lang.rust".into()));
        assert_eq!(dotted("[[notes/lang.rust.md|Rust]]"), Some("notes/lang.rust".into()));
        assert_eq!(dotted("notes/"), None);
    }
}
