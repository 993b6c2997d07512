//! The outline: cards nested under cards, as `termdex tree` prints it and the TUI's outline
//! shows it.
//!
//! Three sources (`[outline] source`). `field`: a card's parent is the card its parent
//! field names, resolved exactly as links are (the index keeps it as a link of kind
//! `parent`); siblings are ordered by the order field (numbers first, smallest first), then
//! by title. A parent that names no card leaves the card at the root, marked; a cycle is
//! broken at the card of the cycle with the smallest path, which becomes a root, marked.
//! `folders`: folders nest, and a folder is a placeholder node. `dotted`: `a.b.c.md` sits
//! under `a.b.md` in the same folder (Dendron), a missing level being a placeholder.
//!
//! Built in memory from one read of the cards: a hundred thousand cards make a tree in
//! tens of milliseconds, and the tree is what every front end walks.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::config::{Outline as OutlineConfig, OutlineSource};
use crate::index::{CARD_COLUMNS, CardRow, Index};

use super::QueryError;

/// Why a node sits where it does, when that is not simply under its parent.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// Its parent field names no card (what it names).
    BrokenParent(String),
    /// Its parent chain comes back to it: the chain was broken here.
    Cycle,
}

/// One node of the outline: a card, or a placeholder for a folder or a missing level.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub card: Option<CardRow>,
    /// What a placeholder is called (a folder's path with `/`, a dotted name); the card's
    /// title otherwise.
    pub name: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// 0 for a root.
    pub depth: usize,
    pub mark: Option<Mark>,
    /// The order field's value, when it is a number.
    pub order: Option<f64>,
}

impl Node {
    /// A card's node, not yet placed.
    fn of(placed: Placed, mark: Option<Mark>) -> Node {
        let name = placed.card.title.clone();
        Node {
            card: Some(placed.card),
            name,
            parent: None,
            children: Vec::new(),
            depth: 0,
            mark,
            order: placed.order,
        }
    }

    pub fn path(&self) -> Option<&str> {
        self.card.as_ref().map(|c| c.path.as_str())
    }
}

/// A node as shown, with where it sits for drawing tree lines: for itself and each
/// ancestor shown, whether it is the last of its siblings shown (the first is the top).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub node: usize,
    /// 0 for the top of what is shown.
    pub depth: usize,
    pub lasts: Vec<bool>,
}

/// The whole outline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub nodes: Vec<Node>,
    /// Top-level nodes, in order.
    pub roots: Vec<usize>,
    /// Whether moves may rewrite it (only a parent field can be rewritten).
    pub editable: bool,
}

impl Outline {
    /// The node of the card at `path`.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.path() == Some(path))
    }

    /// Every node in outline order (depth first, siblings in order).
    pub fn preorder(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(self.nodes[node].children.iter().rev());
        }
        out
    }

    /// The node and every node under it.
    pub fn subtree(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            out.push(n);
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }

    /// The nodes to show, in order: under `from` (itself first) or the whole outline;
    /// only those `keep` says (when given); none deeper than `max_depth` below where the
    /// showing starts; none under a node `collapsed` says is closed.
    pub fn show(
        &self,
        from: Option<usize>,
        keep: Option<&[bool]>,
        max_depth: Option<usize>,
        collapsed: &dyn Fn(usize) -> bool,
    ) -> Vec<Shown> {
        let kept = |n: &usize| keep.is_none_or(|k| k[*n]);
        let starts: Vec<usize> = match from {
            Some(node) => vec![node],
            None => self.roots.iter().copied().filter(kept).collect(),
        };
        let mut out = Vec::new();
        // (node, depth shown, lasts)
        let mut stack: Vec<(usize, Vec<bool>)> =
            starts.iter().enumerate().rev().map(|(i, &n)| (n, vec![i + 1 == starts.len()])).collect();
        while let Some((node, lasts)) = stack.pop() {
            let depth = lasts.len() - 1;
            if max_depth.is_none_or(|max| depth < max) && !collapsed(node) {
                let children: Vec<usize> = self.nodes[node].children.iter().copied().filter(kept).collect();
                for (i, &child) in children.iter().enumerate().rev() {
                    let mut child_lasts = lasts.clone();
                    child_lasts.push(i + 1 == children.len());
                    stack.push((child, child_lasts));
                }
            }
            out.push(Shown { node, depth, lasts });
        }
        out
    }

    /// Which nodes a set of matching cards shows: each, and its ancestors for context.
    pub fn with_ancestors(&self, matching: impl IntoIterator<Item = usize>) -> Vec<bool> {
        let mut keep = vec![false; self.nodes.len()];
        for node in matching {
            if keep[node] {
                continue;
            }
            keep[node] = true;
            for ancestor in self.ancestors(node) {
                if std::mem::replace(&mut keep[ancestor], true) {
                    break;
                }
            }
        }
        keep
    }

    /// The node's ancestors, nearest first.
    pub fn ancestors(&self, node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut at = self.nodes[node].parent;
        while let Some(p) = at {
            out.push(p);
            at = self.nodes[p].parent;
        }
        out
    }
}

/// Reads the outline of the deck.
pub fn load(index: &Index, config: &OutlineConfig) -> Result<Outline, QueryError> {
    let sqlite = |cause| QueryError::sqlite(index, cause);
    let cards = read_cards(index.conn(), &config.order.to_lowercase()).map_err(sqlite)?;
    Ok(match config.source {
        OutlineSource::Field => by_field(cards),
        OutlineSource::Folders => by_names(cards, folder_parent),
        OutlineSource::Dotted => by_names(cards, dotted_parent),
    })
}

/// A card with what places it.
struct Placed {
    card: CardRow,
    /// The card its parent field names, or what it names when that is no card.
    parent: Option<Result<i64, String>>,
    order: Option<f64>,
}

fn read_cards(conn: &Connection, order_field: &str) -> rusqlite::Result<Vec<Placed>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS}, l.to_id, l.target,
                (SELECT f.num FROM card_fields f WHERE f.card_id = c.id AND f.key = ?1 AND f.pos = 0)
         FROM cards c LEFT JOIN links l ON l.card_id = c.id AND l.kind = 'parent'
         ORDER BY c.path"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([order_field], |row| {
        let card = CardRow::from_row(row)?;
        let to: Option<i64> = row.get(12)?;
        let target: Option<String> = row.get(13)?;
        let parent = match (to, target) {
            (Some(id), _) => Some(Ok(id)),
            (None, Some(target)) => Some(Err(crate::card::link_name(crate::card::LinkKind::Parent, &target))),
            (None, None) => None,
        };
        Ok(Placed { card, parent, order: row.get(14)? })
    })?;
    rows.collect()
}

/// The outline of parent fields.
fn by_field(cards: Vec<Placed>) -> Outline {
    let at: HashMap<i64, usize> = cards.iter().enumerate().map(|(i, p)| (p.card.id, i)).collect();
    let mut nodes = Vec::with_capacity(cards.len());
    let mut parents = Vec::with_capacity(cards.len());
    for mut placed in cards {
        let (parent, mark) = match placed.parent.take() {
            Some(Ok(id)) => (at.get(&id).copied(), None),
            Some(Err(name)) => (None, Some(Mark::BrokenParent(name))),
            None => (None, None),
        };
        parents.push(parent);
        nodes.push(Node::of(placed, mark));
    }
    break_cycles(&mut parents, &mut nodes);
    link_up(nodes, &parents, true)
}

/// Makes the parent links a forest: in each cycle, the node with the smallest path (the
/// nodes come in path order, so the smallest index) loses its parent and is marked.
fn break_cycles(parents: &mut [Option<usize>], nodes: &mut [Node]) {
    // 0: not seen, 1: on the walk now, 2: done.
    let mut state = vec![0u8; parents.len()];
    for start in 0..parents.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(node) = at {
            match state[node] {
                2 => break,
                1 => {
                    let from = walk.iter().position(|&n| n == node).unwrap_or(0);
                    let cut = walk[from..].iter().copied().min().unwrap_or(node);
                    parents[cut] = None;
                    nodes[cut].mark = Some(Mark::Cycle);
                    break;
                }
                _ => {
                    state[node] = 1;
                    walk.push(node);
                    at = parents[node];
                }
            }
        }
        for node in walk {
            state[node] = 2;
        }
    }
}

/// Children lists, sorted siblings, depths, roots.
fn link_up(mut nodes: Vec<Node>, parents: &[Option<usize>], editable: bool) -> Outline {
    let mut roots = Vec::new();
    for (node, parent) in parents.iter().enumerate() {
        nodes[node].parent = *parent;
        match parent {
            Some(p) => nodes[*p].children.push(node),
            None => roots.push(node),
        }
    }
    let sort = |list: &mut Vec<usize>, nodes: &[Node]| {
        list.sort_by(|&a, &b| sibling_order(&nodes[a], &nodes[b]));
    };
    sort(&mut roots, &nodes);
    for node in 0..nodes.len() {
        let mut children = std::mem::take(&mut nodes[node].children);
        sort(&mut children, &nodes);
        nodes[node].children = children;
    }
    let mut outline = Outline { nodes, roots, editable };
    let mut stack: Vec<(usize, usize)> = outline.roots.iter().map(|&r| (r, 0)).collect();
    while let Some((node, depth)) = stack.pop() {
        outline.nodes[node].depth = depth;
        stack.extend(outline.nodes[node].children.iter().map(|&c| (c, depth + 1)));
    }
    outline
}

/// Ordered siblings first (by the order field), then the rest; then by title, then path.
fn sibling_order(a: &Node, b: &Node) -> std::cmp::Ordering {
    let order = |n: &Node| n.order.unwrap_or(f64::INFINITY);
    order(a)
        .total_cmp(&order(b))
        .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
        .then_with(|| a.path().cmp(&b.path()))
}

/// The outline of names: each card under the node its path names as its parent
/// (`parent_of`), with a placeholder for every parent that is no card.
fn by_names(cards: Vec<Placed>, parent_of: fn(&str) -> Option<(String, String)>) -> Outline {
    let mut nodes: Vec<Node> = Vec::with_capacity(cards.len());
    // A node by its key: a card's own key, or a placeholder's.
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for placed in cards {
        let key = own_key(&placed.card.path);
        by_key.insert(key, nodes.len());
        nodes.push(Node::of(placed, None));
    }
    let mut parents: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut node = 0;
    while node < nodes.len() {
        let key = match &nodes[node].card {
            Some(card) => own_key(&card.path),
            None => nodes[node].name.clone(),
        };
        if let Some((parent_key, parent_name)) = parent_of(&key) {
            let parent = *by_key.entry(parent_key).or_insert_with(|| {
                nodes.push(Node {
                    card: None,
                    name: parent_name,
                    parent: None,
                    children: Vec::new(),
                    depth: 0,
                    mark: None,
                    order: None,
                });
                parents.push(None);
                nodes.len() - 1
            });
            parents[node] = Some(parent);
        }
        node += 1;
    }
    link_up(nodes, &parents, false)
}

/// A card's key among names: its path without the markdown extension.
fn own_key(path: &str) -> String {
    let lower = path.to_lowercase();
    let cut = [".md", ".markdown"].iter().find(|ext| lower.ends_with(*ext)).map_or(0, |ext| ext.len());
    path[..path.len() - cut].to_string()
}

/// Folders: `a/b/c` sits under the folder `a/b/` (a placeholder `a/b/` sits under `a/`).
fn folder_parent(key: &str) -> Option<(String, String)> {
    let key = key.strip_suffix('/').unwrap_or(key);
    let (folder, _) = key.rsplit_once('/')?;
    let folder = format!("{folder}/");
    Some((folder.clone(), folder))
}

/// Dotted names: `dir/a.b.c` sits under `dir/a.b`, in the same folder.
fn dotted_parent(key: &str) -> Option<(String, String)> {
    let (dir, name) = match key.rsplit_once('/') {
        Some((dir, name)) => (Some(dir), name),
        None => (None, key),
    };
    let (parent, _) = name.rsplit_once('.')?;
    if parent.is_empty() {
        return None;
    }
    let full = dir.map_or(parent.to_string(), |d| format!("{d}/{parent}"));
    Some((full.clone(), full))
}

/// A move of a card in the outline, from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Under the sibling above, as its last child.
    Indent,
    /// Out of its parent, to its parent's level, after the ordered cards there.
    Outdent,
    /// Above the sibling above.
    Up,
    /// Below the sibling below.
    Down,
}

/// What one card's fields become: the parent (`Some(None)`: no parent, the field goes)
/// and the order, each `None` when unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub parent: Option<Option<String>>,
    pub order: Option<f64>,
}

/// The step between order values given to cards, leaving room for later moves.
const GAP: f64 = 10.0;

/// The changes that make a move, as few as can be: normally the moved card's parent
/// and/or order line; its siblings are numbered again only when no order value is left
/// between its new neighbours. `Err` says why the move cannot be made.
pub fn plan(outline: &Outline, node: usize, how: Move) -> Result<Vec<Change>, String> {
    if !outline.editable {
        return Err("this outline comes from folders or file names: move the files to rearrange it".into());
    }
    let path = outline.nodes[node].path().ok_or("a placeholder cannot be moved")?.to_string();
    let parent = outline.nodes[node].parent;
    let siblings = match parent {
        Some(p) => outline.nodes[p].children.clone(),
        None => outline.roots.clone(),
    };
    let at = siblings.iter().position(|&n| n == node).ok_or("the card is not among its siblings")?;
    match how {
        Move::Indent => {
            let above =
                *at.checked_sub(1).and_then(|i| siblings.get(i)).ok_or("no card above to go under")?;
            let new_parent = outline.nodes[above].path().ok_or("a placeholder cannot be a parent")?;
            let children = &outline.nodes[above].children;
            let last = children.iter().filter_map(|&c| outline.nodes[c].order).fold(0.0, f64::max);
            Ok(vec![Change { path, parent: Some(Some(parent_value(new_parent))), order: Some(last + GAP) }])
        }
        Move::Outdent => {
            let p = parent.ok_or("already at the top")?;
            let grand = outline.nodes[p].parent;
            let new_parent = match grand {
                Some(g) => {
                    Some(parent_value(outline.nodes[g].path().ok_or("a placeholder cannot be a parent")?))
                }
                None => None,
            };
            let uncles = match grand {
                Some(g) => &outline.nodes[g].children,
                None => &outline.roots,
            };
            // After the ordered cards of its new level: one card changes, never its new
            // siblings (unordered ones would all need numbers to go between them).
            let last = uncles.iter().filter_map(|&u| outline.nodes[u].order).fold(0.0, f64::max);
            Ok(vec![Change { path, parent: Some(new_parent), order: Some(last + GAP) }])
        }
        Move::Up => {
            at.checked_sub(1).ok_or("already the first")?;
            let before = at.checked_sub(2).map(|i| siblings[i]);
            let mut without: Vec<usize> = siblings.iter().copied().filter(|&n| n != node).collect();
            match before {
                Some(b) => place(outline, &without, b, node, &path),
                None => {
                    without.insert(0, node);
                    renumber_or_first(outline, &without, node, &path)
                }
            }
        }
        Move::Down => {
            let below = *siblings.get(at + 1).ok_or("already the last")?;
            let without: Vec<usize> = siblings.iter().copied().filter(|&n| n != node).collect();
            place(outline, &without, below, node, &path)
        }
    }
}

/// How a parent is written in the parent field: a wiki link to the card's path, which
/// names it whatever its title.
pub fn parent_value(path: &str) -> String {
    let lower = path.to_lowercase();
    let cut = [".md", ".markdown"].iter().find(|ext| lower.ends_with(*ext)).map_or(0, |ext| ext.len());
    format!("[[{}]]", &path[..path.len() - cut])
}

/// Puts `node` right after `after` among `siblings` (which hold `after`, not `node`): an
/// order between theirs when there is room, else every sibling numbered again.
fn place(
    outline: &Outline,
    siblings: &[usize],
    after: usize,
    node: usize,
    path: &str,
) -> Result<Vec<Change>, String> {
    let at = siblings.iter().position(|&n| n == after).ok_or("the card to go after is not there")?;
    let (low, high) = (outline.nodes[after].order, siblings.get(at + 1).map(|&n| outline.nodes[n].order));
    let order = match (low, high) {
        (Some(low), Some(Some(high))) => between(low, high),
        (Some(low), None) => Some(low + GAP),
        _ => None,
    };
    if let Some(order) = order {
        return Ok(vec![Change { path: path.to_string(), parent: None, order: Some(order) }]);
    }
    let mut new = siblings.to_vec();
    new.insert(at + 1, node);
    Ok(renumber(outline, &new, node, path))
}

/// `node` first among `siblings` (it is first in the list): below the first order when
/// there is room, else every sibling numbered again.
fn renumber_or_first(
    outline: &Outline,
    siblings: &[usize],
    node: usize,
    path: &str,
) -> Result<Vec<Change>, String> {
    match siblings.get(1).and_then(|&n| outline.nodes[n].order) {
        Some(first) if first > 1.0 => {
            Ok(vec![Change { path: path.to_string(), parent: None, order: Some((first / 2.0).floor()) }])
        }
        _ => Ok(renumber(outline, siblings, node, path)),
    }
}

/// An order strictly between two, a whole number when one fits.
fn between(low: f64, high: f64) -> Option<f64> {
    let mid = ((low + high) / 2.0).floor();
    (mid > low && mid < high).then_some(mid)
}

/// Every sibling numbered `GAP` apart in this order; only those whose order changes
/// (the moved card always, as it may have moved between parents too).
fn renumber(outline: &Outline, siblings: &[usize], node: usize, path: &str) -> Vec<Change> {
    siblings
        .iter()
        .enumerate()
        .filter_map(|(i, &n)| {
            let order = GAP * (i + 1) as f64;
            let changed = n == node || outline.nodes[n].order != Some(order);
            let sibling = outline.nodes[n].path()?;
            changed.then(|| Change {
                path: if n == node { path.to_string() } else { sibling.to_string() },
                parent: None,
                order: Some(order),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: i64, path: &str, title: &str) -> CardRow {
        CardRow { id, path: path.into(), title: title.into(), fields_json: "{}".into(), ..CardRow::default() }
    }

    fn placed(id: i64, path: &str, parent: Option<Result<i64, String>>, order: Option<f64>) -> Placed {
        Placed { card: card(id, path, path.trim_end_matches(".md")), parent, order }
    }

    fn shape(outline: &Outline) -> Vec<String> {
        outline
            .preorder()
            .into_iter()
            .map(|n| {
                let node = &outline.nodes[n];
                let mark = match &node.mark {
                    Some(Mark::Cycle) => " (cycle)".to_string(),
                    Some(Mark::BrokenParent(name)) => format!(" (no card named {name})"),
                    None => String::new(),
                };
                format!("{}{}{mark}", "  ".repeat(node.depth), node.name)
            })
            .collect()
    }

    #[test]
    fn parents_nest_siblings_order_by_the_order_field_then_title() {
        let outline = by_field(vec![
            placed(1, "a.md", None, None),
            placed(2, "b.md", Some(Ok(1)), Some(20.0)),
            placed(3, "c.md", Some(Ok(1)), Some(10.0)),
            placed(4, "d.md", Some(Ok(1)), None),
            placed(5, "e.md", Some(Ok(3)), None),
            placed(6, "f.md", Some(Err("Nowhere".into())), None),
        ]);
        assert_eq!(shape(&outline), ["a", "  c", "    e", "  b", "  d", "f (no card named Nowhere)"]);
        assert_eq!(outline.ancestors(4), [2, 0]);
        assert_eq!(outline.subtree(2), [2, 4]);
    }

    #[test]
    fn a_cycle_is_broken_at_its_smallest_path_and_the_rest_hangs_under_it() {
        let outline = by_field(vec![
            placed(1, "a.md", Some(Ok(3)), None),
            placed(2, "b.md", Some(Ok(1)), None),
            placed(3, "c.md", Some(Ok(2)), None),
            placed(4, "d.md", Some(Ok(4)), None),
        ]);
        assert_eq!(shape(&outline), ["a (cycle)", "  b", "    c", "d (cycle)"]);
    }

    #[test]
    fn folders_and_dotted_names_nest_with_placeholders() {
        let cards = || {
            vec![
                placed(1, "lang.rust.async.md", None, None),
                placed(2, "lang.md", None, None),
                placed(3, "projects/termdex/plan.md", None, None),
                placed(4, "projects/ideas.md", None, None),
            ]
        };
        let folders = by_names(cards(), folder_parent);
        assert_eq!(
            shape(&folders),
            [
                "lang",
                "lang.rust.async",
                "projects/",
                "  projects/ideas",
                "  projects/termdex/",
                "    projects/termdex/plan"
            ]
        );
        let dotted = by_names(cards(), dotted_parent);
        assert_eq!(
            shape(&dotted),
            ["lang", "  lang.rust", "    lang.rust.async", "projects/ideas", "projects/termdex/plan"]
        );
        assert!(!dotted.editable && dotted.nodes.iter().any(|n| n.card.is_none() && n.name == "lang.rust"));
    }

    /// A change as (path, parent, order).
    type Plain = (String, Option<Option<String>>, Option<f64>);

    fn moved(outline: &Outline, path: &str, how: Move) -> Result<Vec<Plain>, String> {
        let node = outline.find(path).expect("the card");
        plan(outline, node, how)
            .map(|changes| changes.into_iter().map(|c| (c.path, c.parent, c.order)).collect())
    }

    fn family() -> Outline {
        by_field(vec![
            placed(1, "p.md", None, None),
            placed(2, "a.md", Some(Ok(1)), Some(10.0)),
            placed(3, "b.md", Some(Ok(1)), Some(20.0)),
            placed(4, "c.md", Some(Ok(1)), Some(21.0)),
            placed(5, "d.md", Some(Ok(3)), Some(5.0)),
        ])
    }

    #[test]
    fn moves_change_one_card_while_there_is_room_and_renumber_siblings_when_not() {
        let outline = family();
        let one = |path: &str, parent: Option<Option<&str>>, order: f64| {
            Ok(vec![(path.to_string(), parent.map(|p| p.map(str::to_string)), Some(order))])
        };
        assert_eq!(
            moved(&outline, "c.md", Move::Indent),
            one("c.md", Some(Some("[[b]]")), 15.0),
            "after d (5)"
        );
        assert_eq!(moved(&outline, "c.md", Move::Up), one("c.md", None, 15.0), "between a (10) and b (20)");
        assert_eq!(moved(&outline, "b.md", Move::Up), one("b.md", None, 5.0), "first: below a (10)");
        assert_eq!(
            moved(&outline, "d.md", Move::Outdent),
            one("d.md", Some(Some("[[p]]")), 31.0),
            "after the last ordered card of its new level (c, 21): its new siblings keep their lines"
        );
        assert_eq!(moved(&outline, "a.md", Move::Outdent), one("a.md", Some(None), 10.0), "to the top");
        assert_eq!(
            moved(&outline, "a.md", Move::Down),
            Ok(vec![
                ("b.md".into(), None, Some(10.0)),
                ("a.md".into(), None, Some(20.0)),
                ("c.md".into(), None, Some(30.0))
            ])
        );
    }

    #[test]
    fn moves_that_cannot_be_made_say_why() {
        let outline = family();
        assert_eq!(moved(&outline, "a.md", Move::Up), Err("already the first".into()));
        assert_eq!(moved(&outline, "a.md", Move::Indent), Err("no card above to go under".into()));
        assert_eq!(moved(&outline, "c.md", Move::Down), Err("already the last".into()));
        assert_eq!(moved(&outline, "p.md", Move::Outdent), Err("already at the top".into()));
        let folders = by_names(vec![placed(1, "x/y.md", None, None)], folder_parent);
        assert!(
            moved(&folders, "x/y.md", Move::Outdent)
                .is_err_and(|e| e.contains("read-only") || e.contains("move the files"))
        );
    }
}
