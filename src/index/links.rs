//! Which card a link names: the resolver, and keeping every link resolved as cards come,
//! go, are renamed or retitled.
//!
//! A name is looked up folded ([`name_key`]) among the names each card answers to
//! (`card_names`): its path without the markdown extension, else its file stem, else its
//! title, else an alias; the first kind with a match decides, and among several cards of
//! that kind the shortest path wins (as Obsidian does), then the path in lower case, so
//! the answer does not depend on the order cards were indexed in (only cards whose paths
//! differ in letter case alone are told apart by which was indexed first). A link that names folders
//! (`[[notes/Target]]`, `[t](../notes/target.md)`) finds by stem only a card whose path
//! ends with them, as in Obsidian: a link into a folder that is not there is broken, not
//! taken for a card of the same name elsewhere.
//!
//! One SQL expression does the lookup, for one name ([`resolve_name`], which the filter
//! language and `parent` use) and for every link at once after a full build (a single
//! set-based UPDATE). A refresh that changes a few cards re-resolves only their own links
//! and the links whose `tail` (the name after its last `/`) is one of the names that
//! appeared or went away: any link that could have named them, found by index.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use rusqlite::{Connection, OptionalExtension};

use crate::card::{NameKind, key_tail, link_suffix, name_key};

/// The card a link names, or NULL, given SQL expressions for its key, tail and suffix
/// (see migrations/0003_links.sql). Every name row holds its card's path, so a path match
/// is a stem match whose path is the key, and each lookup walks `card_names_by_key` in
/// order (shortest path, then folded path, then the card indexed first) and stops at the
/// first row.
fn resolve_expr(key: &str, tail: &str, suffix: &str) -> String {
    by_each_kind(key, tail, suffix, |name, kind, also| {
        format!(
            "(SELECT n.card_id FROM card_names n WHERE n.key = {name} AND n.kind = {kind}{also}
              ORDER BY n.plen, n.path, n.card_id LIMIT 1)"
        )
    })
}

/// `coalesce` of one subquery per step of the lookup, in its order (by path, by stem, by
/// title, by alias); `by(name, kind, also)` makes the subquery of a step from the name it
/// matches, the kind of name and a condition to add.
fn by_each_kind(key: &str, tail: &str, suffix: &str, by: impl Fn(&str, i64, &str) -> String) -> String {
    let is_path = format!(" AND n.path = {key}");
    let ends_with_suffix =
        format!(" AND ({suffix} = '' OR substr('/' || n.path, -length({suffix}) - 1) = '/' || {suffix})");
    format!(
        "coalesce({}, {}, {}, {})",
        by(tail, NameKind::Stem as i64, &is_path),
        by(tail, NameKind::Stem as i64, &ends_with_suffix),
        by(key, NameKind::Title as i64, ""),
        by(key, NameKind::Alias as i64, ""),
    )
}

/// Every card a link could name at the step that decides it, given SQL expressions for
/// its key, tail and suffix as [`resolve_expr`] takes them: the ids of the cards of the
/// first kind with a match (by path, by stem, by title, by alias), as a JSON array, or
/// NULL when none. More than one is an ambiguous name, resolved by [`resolve_expr`]'s
/// rule (the shortest path).
fn candidates_expr(key: &str, tail: &str, suffix: &str) -> String {
    by_each_kind(key, tail, suffix, |name, kind, also| {
        format!(
            "(SELECT json_group_array(n.card_id) FROM card_names n WHERE n.key = {name} AND n.kind = {kind}{also}
              HAVING count(*) > 0)"
        )
    })
}

/// [`candidates_expr`] over a stored link's columns (`key`, `tail`, `suffix` of the row
/// aliased `link`), for the query layer.
pub fn link_candidates_sql(link: &str) -> String {
    candidates_expr(&format!("{link}.key"), &format!("{link}.tail"), &format!("{link}.suffix"))
}

/// The link columns, for resolving links in place.
fn resolve_link() -> String {
    resolve_expr("links.key", "links.tail", "links.suffix")
}

/// The columns a link is stored with, `to_id` aside.
const LINK_COLUMNS: &str = "card_id, pos, line, body_line, kind, target, label, key, tail, suffix";

/// A name as links look it up: the three values [`resolve_name_sql`] takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameLookup {
    /// The name folded ([`name_key`]): what a path, title or alias must equal.
    pub key: String,
    /// The key after its last `/`: what a file stem must equal.
    pub tail: String,
    /// The folders the name gives (`notes/target`), which a stem match's path must end
    /// with; empty when it gives none.
    pub suffix: String,
}

impl NameLookup {
    /// How `name` is looked up; `None` when it holds nothing to look up (blank, `/`).
    pub fn of(name: &str) -> Option<NameLookup> {
        let key = name_key(name.trim().trim_start_matches('/'));
        if key.is_empty() {
            return None;
        }
        Some(NameLookup { tail: key_tail(&key).to_string(), suffix: link_suffix(name), key })
    }
}

/// A SQL expression for the card (`cards.id`, or NULL) a name resolves to, given SQL
/// expressions (bound parameters, say) holding its [`NameLookup`]'s key, tail and suffix:
/// the one rule links follow, for the query layer to compile into a filter.
pub fn resolve_name_sql(key: &str, tail: &str, suffix: &str) -> String {
    resolve_expr(key, tail, suffix)
}

/// The card (`cards.id`) a name resolves to, by the rules links follow: a path (with or
/// without its extension), a file stem (of a path ending with the folders the name
/// gives, if any), a title or an alias, in any letter case.
pub fn resolve_name(conn: &Connection, name: &str) -> rusqlite::Result<Option<i64>> {
    let Some(lookup) = NameLookup::of(name) else {
        return Ok(None);
    };
    let sql = format!("SELECT {}", resolve_expr("?1", "?2", "?3"));
    conn.prepare_cached(&sql)?
        .query_row([&lookup.key, &lookup.tail, &lookup.suffix], |r| r.get(0))
        .optional()
        .map(Option::flatten)
}

/// Resolves every link again, in one statement.
fn resolve_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!("UPDATE links SET to_id = {}", resolve_link()))
}

/// What a write may have changed the meaning of, resolved again by [`Relink::finish`] in
/// the write's transaction. Row by row, the links of the cards written are stored
/// resolved, and the links that could name a name that appeared or went away are noted. In a bulk load the new links are staged instead and stored once, resolved, by
/// one set-based statement at the end (so no link row is written twice), after the
/// links already stored are resolved again.
#[derive(Debug, Default)]
pub struct Relink {
    bulk: bool,
    tails: BTreeSet<String>,
}

impl Relink {
    /// A bulk load: every link resolved at the end, nothing tracked.
    pub fn bulk(conn: &Connection) -> rusqlite::Result<Relink> {
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS staged_links ({LINK_COLUMNS});
             DELETE FROM temp.staged_links;"
        ))?;
        Ok(Relink { bulk: true, ..Relink::default() })
    }

    /// Only what the writes touch.
    pub fn touched() -> Relink {
        Relink::default()
    }

    /// The statement that stores a link (`?1`..`?10` in [`LINK_COLUMNS`] order): staged in
    /// a bulk load, else stored resolved against the names as they stand (a name a later
    /// write of the same transaction adds or removes is among the tails [`Relink::finish`]
    /// resolves again).
    pub(super) fn insert_sql(&self) -> &'static str {
        static RESOLVED: OnceLock<String> = OnceLock::new();
        match self.bulk {
            true => "INSERT INTO temp.staged_links VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            false => RESOLVED.get_or_init(|| {
                format!(
                    "INSERT INTO links ({LINK_COLUMNS}, to_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, {})",
                    resolve_expr("?8", "?9", "?10")
                )
            }),
        }
    }

    /// A card was written with `new` names, having had `old` ones.
    pub(super) fn written(&mut self, old: &[(i64, String)], new: &[(NameKind, String)]) {
        if self.bulk {
            return;
        }
        for (kind, key) in old {
            if !new.iter().any(|(k, n)| *k as i64 == *kind && n == key) {
                self.tails.insert(key_tail(key).to_string());
            }
        }
        for (kind, key) in new {
            if !old.iter().any(|(k, n)| *k == *kind as i64 && n == key) {
                self.tails.insert(key_tail(key).to_string());
            }
        }
    }

    /// A card that had `old` names is gone.
    pub(super) fn removed(&mut self, old: &[(i64, String)]) {
        if !self.bulk {
            self.tails.extend(old.iter().map(|(_, key)| key_tail(key).to_string()));
        }
    }

    pub fn finish(self, conn: &Connection) -> rusqlite::Result<()> {
        if self.bulk {
            resolve_all(conn)?;
            let resolve = resolve_expr("s.key", "s.tail", "s.suffix");
            return conn.execute_batch(&format!(
                "INSERT INTO links ({LINK_COLUMNS}, to_id) SELECT {LINK_COLUMNS}, {resolve} FROM temp.staged_links s;
                 DELETE FROM temp.staged_links;"
            ));
        }
        // Nothing to do for most writes (a `set`): not even compiling the statement.
        if self.tails.is_empty() {
            return Ok(());
        }
        let resolve = resolve_link();
        let mut by_tail =
            conn.prepare_cached(&format!("UPDATE links SET to_id = {resolve} WHERE tail = ?1"))?;
        for tail in &self.tails {
            by_tail.execute([tail])?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::index::{Index, refresh};

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// Each link of `from` as (target as written, the path it resolves to).
    fn links_of(index: &Index, from: &str) -> Vec<(String, Option<String>)> {
        index
            .conn
            .prepare(
                "SELECT l.target, t.path FROM links l JOIN cards c ON c.id = l.card_id
                 LEFT JOIN cards t ON t.id = l.to_id WHERE c.path = ?1 ORDER BY l.pos",
            )
            .and_then(|mut s| s.query_map([from], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .expect("links")
    }

    fn to(path: &str) -> Option<String> {
        Some(path.to_string())
    }

    fn refreshed(index: &mut Index, root: &Path) {
        refresh(index, root, false, &mut |_| {}).expect("refresh");
    }

    const SOURCE: &str = "[[alpha]] [[BETA]] [[folder/Target]] [[Rust Atomics and Locks]]\n\
        [[first letter]] [[mixed case]] [[nowhere]] [b](notes/beta.md) [[alpha.md]] [[archive/beta]]\n\
        [[gone/beta]] [g](gone/beta.md) [o](other/target) [[Z/YYY/BETA]]\n";

    fn deck(root: &Path) {
        write(root, "alpha.md", "---\ntitle: Alpha Card\naliases: [First Letter]\n---\n");
        write(root, "notes/beta.md", "# Beta\n");
        write(root, "archive/beta.md", "# Old beta\n");
        write(root, "z/yyy/beta.md", "# Deep beta\n");
        write(root, "Mixed Case.md", "text\n");
        write(root, "deep/folder/target.md", "# T1\n");
        write(root, "other/target.md", "# T2\n");
        write(root, "rust.md", "---\ntitle: Rust Atomics and Locks\n---\n");
        write(root, "src.md", SOURCE);
    }

    #[test]
    fn links_resolve_by_path_stem_title_then_alias_shortest_path_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        deck(root);
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        refreshed(&mut index, root);
        let expected = vec![
            ("alpha".into(), to("alpha.md")),
            ("BETA".into(), to("notes/beta.md")),
            ("folder/Target".into(), to("deep/folder/target.md")),
            ("Rust Atomics and Locks".into(), to("rust.md")),
            ("first letter".into(), to("alpha.md")),
            ("mixed case".into(), to("Mixed Case.md")),
            ("nowhere".into(), None),
            ("notes/beta.md".into(), to("notes/beta.md")),
            ("alpha.md".into(), to("alpha.md")),
            ("archive/beta".into(), to("archive/beta.md")),
            ("gone/beta".into(), None),
            ("gone/beta.md".into(), None),
            ("other/target".into(), to("other/target.md")),
            ("Z/YYY/BETA".into(), to("z/yyy/beta.md")),
        ];
        assert_eq!(links_of(&index, "src.md"), expected);
        let id = |path: &str| -> Option<i64> {
            index.conn.query_row("SELECT id FROM cards WHERE path = ?1", [path], |r| r.get(0)).ok()
        };
        for (name, path) in [
            ("Beta", "notes/beta.md"),
            ("z/yyy/beta.md", "z/yyy/beta.md"),
            ("beta.md", "notes/beta.md"),
            ("FIRST LETTER", "alpha.md"),
            ("/alpha", "alpha.md"),
            ("rust atomics and locks", "rust.md"),
        ] {
            assert_eq!(resolve_name(&index.conn, name).expect("resolve"), id(path), "{name}");
        }
        assert_eq!(resolve_name(&index.conn, "nowhere").expect("resolve"), None);
        assert_eq!(resolve_name(&index.conn, " ").expect("resolve"), None);
    }

    #[test]
    fn adding_renaming_retitling_and_removing_cards_re_resolve_the_links_naming_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        deck(root);
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        refreshed(&mut index, root);
        // A shorter path for `beta` (a path match, even), `alpha.md` renamed (its alias
        // goes with it, its stem does not), the rust card gone, `nowhere` now a title.
        write(root, "beta.md", "# Top beta\n");
        std::fs::rename(root.join("alpha.md"), root.join("gone.md")).expect("rename");
        std::fs::remove_file(root.join("rust.md")).expect("rm");
        write(root, "z/yyy/beta.md", "---\ntitle: Nowhere\n---\n");
        let report = refresh(&mut index, root, false, &mut |_| {}).expect("refresh");
        assert_eq!((report.new, report.changed, report.removed), (2, 1, 2));
        let expected = vec![
            ("alpha".into(), None),
            ("BETA".into(), to("beta.md")),
            ("folder/Target".into(), to("deep/folder/target.md")),
            ("Rust Atomics and Locks".into(), None),
            ("first letter".into(), to("gone.md")),
            ("mixed case".into(), to("Mixed Case.md")),
            ("nowhere".into(), to("z/yyy/beta.md")),
            ("notes/beta.md".into(), to("notes/beta.md")),
            ("alpha.md".into(), None),
            ("archive/beta".into(), to("archive/beta.md")),
            ("gone/beta".into(), None),
            ("gone/beta.md".into(), None),
            ("other/target".into(), to("other/target.md")),
            ("Z/YYY/BETA".into(), to("z/yyy/beta.md")),
        ];
        assert_eq!(links_of(&index, "src.md"), expected);
        // The same, written by a command (`refresh_paths`) rather than found by a walk.
        std::fs::rename(root.join("gone.md"), root.join("alpha.md")).expect("rename back");
        let paths = ["gone.md".to_string(), "alpha.md".to_string()];
        crate::index::refresh_paths(&mut index, root, &paths).expect("refresh paths");
        assert_eq!(links_of(&index, "src.md")[0], ("alpha".into(), to("alpha.md")));
        // An incremental refresh leaves what a full rebuild would.
        let incremental: Vec<_> = links_of(&index, "src.md");
        refresh(&mut index, root, true, &mut |_| {}).expect("rebuild");
        assert_eq!(links_of(&index, "src.md"), incremental);
    }

    #[test]
    fn an_index_of_schema_two_is_migrated_in_place_and_its_cards_read_again() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.md", "# A\n[[b]]\n");
        write(root, "b.md", "# B\n");
        let db = root.join(".termdex/index.db");
        std::fs::create_dir_all(db.parent().expect("parent")).expect("mkdir");
        {
            // As schema 2 left it: both cards indexed, stamps current, links unresolvable.
            let conn = Connection::open(&db).expect("create");
            crate::index::migrate::schema_at(&conn, 2);
            for (id, path) in [(1, "a.md"), (2, "b.md")] {
                let meta = std::fs::metadata(root.join(path)).expect("stat");
                let mtime_ns = meta.mtime() * 1_000_000_000 + meta.mtime_nsec();
                conn.execute(
                    "INSERT INTO cards (id, path, title, mtime_ns, size, created) VALUES (?1, ?2, 'old', ?3, ?4, '')",
                    rusqlite::params![id, path, mtime_ns, meta.len() as i64],
                )
                .expect("card");
            }
            conn.execute("INSERT INTO links (card_id, target, kind) VALUES (1, 'b', 'wiki')", [])
                .expect("link");
        }
        let opened = Index::open(&db).expect("open");
        assert_eq!(opened.warning, None, "migrated, not rebuilt");
        let mut index = opened.index;
        let titles = |index: &Index| -> Vec<String> {
            index
                .conn
                .prepare("SELECT title FROM cards ORDER BY path")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("titles")
        };
        assert_eq!(titles(&index), ["old", "old"], "the rows are kept until the refresh");
        assert!(crate::index::store::reread_pending(&index.conn).expect("flag"));
        refreshed(&mut index, root);
        assert_eq!(titles(&index), ["A", "B"], "every card was read again, though no stamp changed");
        assert_eq!(links_of(&index, "a.md"), [("b".to_string(), to("b.md"))]);
        assert!(!crate::index::store::reread_pending(&index.conn).expect("flag"));
    }

    #[test]
    fn a_bulk_refresh_resolves_the_links_it_stages_and_those_already_stored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "old.md", "[[target]] [[renamed]]\n");
        write(root, "renamed.md", "# R\n");
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        refreshed(&mut index, root);
        assert_eq!(
            links_of(&index, "old.md"),
            [("target".into(), None), ("renamed".into(), to("renamed.md"))]
        );
        // Enough new cards for a bulk load (not a full one): among them the card that
        // `old.md` names, cards naming it, and a rename.
        for n in 0..2100 {
            write(root, &format!("bulk/{n}.md"), &format!("[[old]] [[{}]]\n", n + 1));
        }
        write(root, "bulk/target.md", "# T\n");
        std::fs::rename(root.join("renamed.md"), root.join("other.md")).expect("rename");
        let report = refresh(&mut index, root, false, &mut |_| {}).expect("refresh");
        assert!(report.new > 2000 && report.removed == 1);
        assert_eq!(
            links_of(&index, "old.md"),
            [("target".into(), to("bulk/target.md")), ("renamed".into(), None)]
        );
        assert_eq!(
            links_of(&index, "bulk/7.md"),
            [("old".into(), to("old.md")), ("8".into(), to("bulk/8.md"))]
        );
        assert_eq!(links_of(&index, "bulk/2099.md")[1], ("2100".into(), None));
    }

    #[test]
    fn a_card_rewritten_keeps_what_did_not_change_and_updates_what_did() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.md", "---\nstatus: todo\n---\n[[b]] [[Old Title]]\n");
        write(root, "b.md", "---\ntitle: Old Title\n---\n");
        let mut index = Index::open(&root.join(".termdex/index.db")).expect("open").index;
        refreshed(&mut index, root);
        let lines = |index: &Index| -> Vec<(u32, Option<String>)> {
            index
                .conn
                .prepare(
                    "SELECT l.line, t.path FROM links l LEFT JOIN cards t ON t.id = l.to_id ORDER BY l.pos",
                )
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
                .expect("links")
        };
        assert_eq!(lines(&index), [(4, to("b.md")), (4, to("b.md"))]);
        // A value changed on its line: the links stay as they were.
        write(root, "a.md", "---\nstatus: done\n---\n[[b]] [[Old Title]]\n");
        crate::index::refresh_paths(&mut index, root, &["a.md".to_string()]).expect("refresh paths");
        assert_eq!(lines(&index), [(4, to("b.md")), (4, to("b.md"))]);
        // A field added above them moves them a line down.
        write(root, "a.md", "---\nstatus: done\nwhen: today\n---\n[[b]] [[Old Title]]\n");
        crate::index::refresh_paths(&mut index, root, &["a.md".to_string()]).expect("refresh paths");
        assert_eq!(lines(&index), [(5, to("b.md")), (5, to("b.md"))]);
        // b retitled: the old title names nothing now.
        write(root, "b.md", "---\ntitle: New Title\n---\n");
        crate::index::refresh_paths(&mut index, root, &["b.md".to_string()]).expect("refresh paths");
        assert_eq!(lines(&index), [(5, to("b.md")), (5, None)]);
        let names: Vec<String> = index
            .conn
            .prepare("SELECT key FROM card_names n JOIN cards c ON c.id = n.card_id WHERE c.path = 'b.md' ORDER BY kind")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("names");
        assert_eq!(names, ["b", "new title"]);
    }
}
