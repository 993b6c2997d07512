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
//! Built in memory from what places each card (id, path, title, parent link, order), read
//! in three passes without any card's fields: a hundred thousand cards make a tree in
//! about a hundred milliseconds, and the tree is what every front end walks; a front end
//! reads the whole rows of the cards it shows ([`rows`]).

use std::borrow::Cow;
use std::collections::HashMap;

use rusqlite::Connection;

use crate::config::{Outline as OutlineConfig, OutlineSource};
use crate::index::{CARD_COLUMNS, CardRow, Index};

use super::{QueryError, names};

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
    pub card: Option<Entry>,
    /// The card's title; what a placeholder is called (a folder's path with `/`, a
    /// dotted name).
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
    fn of(card: Entry, title: String, order: Option<f64>) -> Node {
        Node {
            card: Some(card),
            name: title,
            parent: None,
            children: Vec::new(),
            depth: 0,
            mark: None,
            order,
        }
    }

    pub fn path(&self) -> Option<&str> {
        self.card.as_ref().map(|c| c.path.as_str())
    }
}

/// A node as shown: how deep below the top of what is shown (0 for the top), and whether
/// it is the last of its siblings shown; [`lasts`] gives the tree lines of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub node: usize,
    pub depth: usize,
    pub last: bool,
}

/// For rows `from..` of `shown` (in order, each once): whether the row and each ancestor
/// shown is the last of its siblings shown, the top first, as `output::tree_prefix` wants.
pub fn lasts(shown: &[Shown], from: usize) -> impl Iterator<Item = Vec<bool>> + '_ {
    let from = from.min(shown.len());
    // The ancestors of the first row are the nearest rows above it one level up each.
    let mut above = Vec::new();
    if let Some(first) = shown.get(from) {
        let mut want = first.depth;
        for row in shown[..from].iter().rev() {
            if want == 0 {
                break;
            }
            if row.depth == want - 1 {
                above.push(row.last);
                want -= 1;
            }
        }
        above.reverse();
    }
    shown[from..].iter().map(move |row| {
        above.truncate(row.depth);
        above.push(row.last);
        above.clone()
    })
}

/// The whole outline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub nodes: Vec<Node>,
    /// Top-level nodes, in order.
    pub roots: Vec<usize>,
    /// Whether moves may rewrite it (only a parent field can be rewritten).
    pub editable: bool,
    /// Each parent cycle, as its nodes from the one where it is broken (a top, marked)
    /// up its parent fields: `check` names them.
    pub cycles: Vec<Vec<usize>>,
}

impl Outline {
    /// The node of the card at `path`.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.path() == Some(path))
    }

    /// The node a written name (`tree X`; the terms `parent:X`, `under:X` take X alike,
    /// `compile.rs`) names, given the card it names as a link would (`card`, its path).
    /// Folders: the folder X when there is one (a card has nothing under it there), else
    /// the card. Dotted names: the card, else the dotted name X (a placeholder). The parent
    /// field: the card.
    pub fn named(&self, source: OutlineSource, written: &str, card: Option<&str>) -> Option<usize> {
        let placeholder = || {
            let name = names::node_name(source, written)?;
            self.nodes.iter().position(|n| n.card.is_none() && n.name == name)
        };
        let card = || self.find(card?);
        match source {
            OutlineSource::Field => card(),
            OutlineSource::Folders => placeholder().or_else(card),
            OutlineSource::Dotted => card().or_else(placeholder),
        }
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
    /// only those `keep` says (when given: none when it leaves `from` out); none deeper than `max_depth` below where the
    /// showing starts; none under a node `collapsed` says is closed.
    pub fn show(
        &self,
        from: Option<usize>,
        keep: Option<&[bool]>,
        max_depth: Option<usize>,
        collapsed: &dyn Fn(usize) -> bool,
    ) -> Vec<Shown> {
        let kept = |n: usize| keep.is_none_or(|k| k[n]);
        let mut out = Vec::new();
        // Each node pushed with its depth and whether it is the last kept of its siblings:
        // they go on in reverse, so the first kept one met is the last.
        let mut stack: Vec<Shown> = Vec::new();
        let push = |stack: &mut Vec<Shown>, nodes: &mut dyn Iterator<Item = &usize>, depth: usize| {
            let mut last = true;
            for &node in nodes {
                if kept(node) {
                    stack.push(Shown { node, depth, last });
                    last = false;
                }
            }
        };
        // A top that `keep` leaves out has nothing kept under it either (a kept node keeps
        // its ancestors): nothing is shown, not the top alone.
        match from {
            Some(node) if kept(node) => stack.push(Shown { node, depth: 0, last: true }),
            Some(_) => {}
            None => push(&mut stack, &mut self.roots.iter().rev(), 0),
        }
        while let Some(row) = stack.pop() {
            if max_depth.is_none_or(|max| row.depth < max) && !collapsed(row.node) {
                push(&mut stack, &mut self.nodes[row.node].children.iter().rev(), row.depth + 1);
            }
            out.push(row);
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

    /// The cards a front end shows only for context: the ancestors of the cards it lists
    /// (`listed`, by id) that it does not list. Their ids, for [`rows`].
    pub fn context(&self, listed: &dyn Fn(i64) -> bool) -> Vec<i64> {
        let is_listed = |n: usize| self.nodes[n].card.as_ref().is_some_and(|c| listed(c.id));
        let keep = self.with_ancestors((0..self.nodes.len()).filter(|&n| is_listed(n)));
        keep.iter()
            .enumerate()
            .filter(|&(n, &kept)| kept && !is_listed(n))
            .filter_map(|(n, _)| self.nodes[n].card.as_ref().map(|c| c.id))
            .collect()
    }

    /// Makes a move's changes ([`plan`]) in memory, as the index will have them once the
    /// files are read again: a front end shows the move at once.
    pub fn apply(&mut self, changes: &[Change]) {
        let mut lists = Vec::new();
        for change in changes {
            let node = change.node;
            if change.order.is_some() {
                self.nodes[node].order = change.order;
            }
            lists.push(self.nodes[node].parent);
            if let Some(under) = change.under {
                let before = self.nodes[node].parent;
                self.siblings_mut(before).retain(|&n| n != node);
                self.siblings_mut(under).push(node);
                // Its parent field now names a card in the outline.
                self.nodes[node].parent = under;
                self.nodes[node].mark = None;
                lists.push(under);
                for n in self.subtree(node) {
                    self.nodes[n].depth = self.nodes[n].parent.map_or(0, |p| self.nodes[p].depth + 1);
                }
            }
        }
        self.end_cycles(changes, &mut lists);
        lists.sort_unstable();
        lists.dedup();
        for parent in lists {
            let mut list = std::mem::take(self.siblings_mut(parent));
            sort_siblings(&mut list, &self.nodes, &|n| Cow::Owned(self.nodes[n].name.to_lowercase()));
            *self.siblings_mut(parent) = list;
        }
    }

    /// A move that gives another parent to a card of a broken cycle ends the cycle: the
    /// card it was broken at goes back under the card its own parent field names (each
    /// cycle is kept from that card up its parent fields), as the index reads the files
    /// then, unless that makes a cycle again. The lists of children touched go to `lists`.
    fn end_cycles(&mut self, changes: &[Change], lists: &mut Vec<Option<usize>>) {
        let moved = |n: usize| changes.iter().any(|c| c.node == n && c.under.is_some());
        let mut cycles = std::mem::take(&mut self.cycles);
        cycles.retain(|cycle| {
            let (Some(&cut), Some(&named)) = (cycle.first(), cycle.get(1)) else { return true };
            if moved(cut) {
                return false;
            }
            if !cycle.iter().skip(1).any(|&n| moved(n)) {
                return true;
            }
            if self.nodes[cut].parent.is_some() {
                return false;
            }
            // Still a cycle (through the moved card's new parent): still broken here.
            if self.ancestors(named).contains(&cut) {
                return true;
            }
            self.roots.retain(|&n| n != cut);
            self.nodes[named].children.push(cut);
            self.nodes[cut].parent = Some(named);
            self.nodes[cut].mark = None;
            for n in self.subtree(cut) {
                self.nodes[n].depth = self.nodes[n].parent.map_or(0, |p| self.nodes[p].depth + 1);
            }
            lists.push(Some(named));
            false
        });
        self.cycles = cycles;
    }

    /// The children of `parent`, or the roots.
    fn siblings_mut(&mut self, parent: Option<usize>) -> &mut Vec<usize> {
        match parent {
            Some(p) => &mut self.nodes[p].children,
            None => &mut self.roots,
        }
    }

    /// The card a parent field written for the card at `path` ([`parent_value`]) names
    /// among these cards, when not that one: links take a path without its markdown
    /// extension and in any letter case, so `[[y]]`, written for `y.markdown`, names `y.md`
    /// (the shortest path wins); `Some("")` when two such paths tie. The index decides in
    /// the end (the deck asks it before a move writes); this says so before a card is
    /// made under one.
    pub fn named_instead(&self, path: &str) -> Option<&str> {
        let key = crate::card::name_key(path);
        let rank = |p: &str| (p.chars().count(), p.to_lowercase());
        let mut best: Option<&str> = None;
        let mut tie = false;
        for other in self.nodes.iter().filter_map(Node::path) {
            if crate::card::name_key(other) != key {
                continue;
            }
            match best {
                Some(b) if rank(other) == rank(b) => tie = true,
                Some(b) if rank(other) > rank(b) => {}
                _ => (best, tie) = (Some(other), false),
            }
        }
        match best {
            Some(_) if tie => Some(""),
            Some(b) if b != path => Some(b),
            _ => None,
        }
    }

    /// Whether giving the card at `path` the parent at `new_parent` would close a parent
    /// cycle: the new parent is the card itself or below it.
    pub fn would_cycle(&self, path: &str, new_parent: &str) -> bool {
        path == new_parent
            || self
                .find(new_parent)
                .is_some_and(|p| self.ancestors(p).iter().any(|&a| self.nodes[a].path() == Some(path)))
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

/// Reads the outline of the deck: only what places each card (its id, path, title, parent
/// and order), never its fields; [`rows`] reads the whole rows of the cards a front end
/// shows.
pub fn load(index: &Index, config: &OutlineConfig) -> Result<Outline, QueryError> {
    let sqlite = |cause| QueryError::sqlite(index, cause);
    let conn = index.conn();
    let read = with_small_cache(conn, || read_cards(conn, &config.order.to_lowercase()));
    let (nodes, named) = read.map_err(sqlite)?;
    Ok(match config.source {
        OutlineSource::Field => by_field(nodes, named),
        source @ (OutlineSource::Folders | OutlineSource::Dotted) => by_names(nodes, source),
    })
}

/// The whole rows of the cards with these ids (those a front end shows), by id; a card
/// no longer indexed has none.
pub fn rows(index: &Index, ids: &[i64]) -> Result<HashMap<i64, CardRow>, QueryError> {
    let read = || {
        let sql =
            format!("SELECT {CARD_COLUMNS} FROM cards c WHERE c.id IN (SELECT value FROM json_each(?1))");
        let ids = serde_json::Value::from(ids).to_string();
        let mut stmt = index.conn().prepare(&sql)?;
        let rows = stmt.query_map([ids], |row| CardRow::from_row(row).map(|card| (card.id, card)))?;
        rows.collect::<rusqlite::Result<HashMap<i64, CardRow>>>()
    };
    read().map_err(|cause| QueryError::sqlite(index, cause))
}

/// A card in the outline (its title is its node's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub path: String,
}

/// The page cache, in KiB, while the outline is read.
const SCAN_CACHE_KIB: i64 = 2048;

/// Runs `read` with the connection's page cache small, then puts its size back. The
/// outline reads its tables once from end to end (40 MB at 100k cards): keeping their
/// pages, in a cache allocated and filled for them, took a sixth of its time.
fn with_small_cache<T>(conn: &Connection, read: impl FnOnce() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let size: i64 = conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
    conn.pragma_update(None, "cache_size", -SCAN_CACHE_KIB)?;
    let read = read();
    conn.pragma_update(None, "cache_size", size)?;
    read
}

/// What a card's parent field names: a card (its id), or a name that is no card's.
type Named = Option<Result<i64, String>>;

/// Three plain reads in card order, each one pass, merged here: the few parent links and
/// order values are read on their own rather than looked up for every card (a join or a
/// correlated look-up per card cost twice as much on 100k cards).
fn read_cards(conn: &Connection, order_field: &str) -> rusqlite::Result<(Vec<Node>, Vec<Named>)> {
    // The order field's value where it is a number (`card_fields_by_num` holds them all).
    let sql = "SELECT card_id, num FROM card_fields WHERE key = ?1 AND num IS NOT NULL AND pos = 0";
    let mut orders = conn
        .prepare(sql)?
        .query_map([order_field], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(i64, f64)>>>()?;
    orders.sort_unstable_by_key(|&(id, _)| id);
    // A card has one parent link at most (its parent field); links are kept in card order.
    let sql = "SELECT card_id, to_id, target FROM links WHERE kind = 'parent' ORDER BY card_id";
    let parents = conn
        .prepare(sql)?
        .query_map([], |row| {
            let parent = match row.get::<_, Option<i64>>(1)? {
                Some(id) => Ok(id),
                None => Err(crate::card::link_name(crate::card::LinkKind::Parent, &row.get::<_, String>(2)?)),
            };
            Ok((row.get(0)?, parent))
        })?
        .collect::<rusqlite::Result<Vec<(i64, Result<i64, String>)>>>()?;
    let (mut orders, mut parents) = (orders.into_iter().peekable(), parents.into_iter().peekable());
    // Ids are row numbers: the largest is the number of cards, or more after removals.
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM cards", [], |row| row.get(0))?;
    let capacity = usize::try_from(last).unwrap_or(0).min(1 << 21);
    let (mut nodes, mut named) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
    let mut stmt = conn.prepare("SELECT id, path, title FROM cards ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let card = Entry { id: row.get(0)?, path: row.get(1)? };
        named.push(of_card(&mut parents, card.id));
        let order = of_card(&mut orders, card.id);
        nodes.push(Node::of(card, row.get(2)?, order));
    }
    Ok((nodes, named))
}

/// The value for card `id` from a list in card order, the cards before it passed.
fn of_card<T>(list: &mut std::iter::Peekable<std::vec::IntoIter<(i64, T)>>, id: i64) -> Option<T> {
    while list.next_if(|&(card, _)| card < id).is_some() {}
    list.next_if(|&(card, _)| card == id).map(|(_, value)| value)
}

/// The outline of parent fields: `nodes` are cards, and `named` what each one's parent
/// field names.
fn by_field(mut nodes: Vec<Node>, named: Vec<Named>) -> Outline {
    let mut by_id: Vec<(i64, usize)> =
        nodes.iter().enumerate().filter_map(|(i, n)| Some((n.card.as_ref()?.id, i))).collect();
    by_id.sort_unstable();
    let at = |id: i64| by_id.binary_search_by_key(&id, |&(id, _)| id).ok().map(|i| by_id[i].1);
    let mut parents = Vec::with_capacity(nodes.len());
    for (node, named) in nodes.iter_mut().zip(named) {
        parents.push(match named {
            Some(Ok(id)) => at(id),
            Some(Err(name)) => {
                node.mark = Some(Mark::BrokenParent(name));
                None
            }
            None => None,
        });
    }
    let cycles = break_cycles(&mut parents, &mut nodes);
    Outline { cycles, ..link_up(nodes, &parents, true) }
}

/// Makes the parent links a forest: in each cycle, the node with the smallest path loses
/// its parent and is marked. The cycles, each from that node up its parents.
fn break_cycles(parents: &mut [Option<usize>], nodes: &mut [Node]) -> Vec<Vec<usize>> {
    let mut cycles = Vec::new();
    // 0: not seen, 1: on the walk now, 2: done.
    let mut state = vec![0u8; parents.len()];
    let mut walk = Vec::new();
    for start in 0..parents.len() {
        walk.clear();
        let mut at = Some(start);
        while let Some(node) = at {
            match state[node] {
                2 => break,
                1 => {
                    let from = walk.iter().position(|&n| n == node).unwrap_or(0);
                    let cut =
                        walk[from..].iter().copied().min_by_key(|&n: &usize| nodes[n].path()).unwrap_or(node);
                    // The walk went up the parents: the cycle, turned to start at the cut.
                    let mut cycle = walk[from..].to_vec();
                    let at = cycle.iter().position(|&n| n == cut).unwrap_or(0);
                    cycle.rotate_left(at);
                    cycles.push(cycle);
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
        for &node in &walk {
            state[node] = 2;
        }
    }
    cycles
}

/// Children lists, sorted siblings, depths, roots.
fn link_up(mut nodes: Vec<Node>, parents: &[Option<usize>], editable: bool) -> Outline {
    // Sized first: growing a hundred thousand lists costs more than counting them.
    let mut counts = vec![0usize; nodes.len()];
    parents.iter().flatten().for_each(|&p| counts[p] += 1);
    for (node, count) in nodes.iter_mut().zip(counts) {
        node.children.reserve_exact(count);
    }
    let mut roots = Vec::with_capacity(parents.iter().filter(|p| p.is_none()).count());
    for (node, parent) in parents.iter().enumerate() {
        nodes[node].parent = *parent;
        match parent {
            Some(p) => nodes[*p].children.push(node),
            None => roots.push(node),
        }
    }
    let folded = Folded::of(&nodes);
    let name = |n: usize| Cow::Borrowed(folded.name(n));
    sort_siblings(&mut roots, &nodes, &name);
    for node in 0..nodes.len() {
        if nodes[node].children.len() > 1 {
            let mut children = std::mem::take(&mut nodes[node].children);
            sort_siblings(&mut children, &nodes, &name);
            nodes[node].children = children;
        }
    }
    let mut outline = Outline { nodes, roots, editable, cycles: Vec::new() };
    let mut stack: Vec<(usize, usize)> = outline.roots.iter().map(|&r| (r, 0)).collect();
    while let Some((node, depth)) = stack.pop() {
        outline.nodes[node].depth = depth;
        stack.extend(outline.nodes[node].children.iter().map(|&c| (c, depth + 1)));
    }
    outline
}

/// Puts siblings in order: ordered ones first (by the order field), then the rest; then
/// by title in any letter case (`folded` gives it lower-cased), then path.
fn sort_siblings<'f>(list: &mut [usize], nodes: &[Node], folded: &dyn Fn(usize) -> Cow<'f, str>) {
    // Each node's key made once and sorted side by side: comparing nodes in place chased
    // each one through memory at every comparison.
    list.sort_by_cached_key(|&n| (order_key(nodes[n].order), folded(n), nodes[n].path()));
}

/// The order field's value as a number that sorts the same (`f64::total_cmp`), none last.
fn order_key(order: Option<f64>) -> u64 {
    let bits = order.unwrap_or(f64::INFINITY).to_bits();
    if bits >> 63 == 1 { !bits } else { bits | 1 << 63 }
}

/// Every node's name lower-cased once, in one string: sorting a hundred thousand roots
/// compares names millions of times, too many to lower-case each time.
struct Folded {
    text: String,
    ends: Vec<usize>,
}

impl Folded {
    fn of(nodes: &[Node]) -> Folded {
        let length = nodes.iter().map(|n| n.name.len()).sum();
        let mut folded =
            Folded { text: String::with_capacity(length), ends: Vec::with_capacity(nodes.len()) };
        for node in nodes {
            match node.name.is_ascii() {
                true => folded.text.push_str(&node.name),
                false => folded.text.push_str(&node.name.to_lowercase()),
            }
            folded.ends.push(folded.text.len());
        }
        // The ASCII names, lower-cased all at once (the others are already).
        folded.text.make_ascii_lowercase();
        folded
    }

    fn name(&self, node: usize) -> &str {
        let start = node.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[node]]
    }
}

/// The outline of names: each card under the node its key names as its parent
/// ([`names::parent_of`]), with a placeholder for every parent that is no card. Of cards
/// with one key (`a.md` and `a.markdown`), one holds it and the nodes under it
/// ([`names::holders`]): the filter terms follow the same rule (`compile.rs`).
fn by_names(mut nodes: Vec<Node>, source: OutlineSource) -> Outline {
    // A node by its key: a card's own key, or a placeholder's.
    // Every node is a card's until placeholders are added below (an empty key names no
    // parent node, were one not).
    let mut by_key: HashMap<String, usize> = names::holders(nodes.iter().map(|n| n.path().unwrap_or("")))
        .into_iter()
        .map(|(key, (at, _))| (key.to_string(), at))
        .collect();
    let mut parents: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut node = 0;
    while node < nodes.len() {
        let key = match &nodes[node].card {
            Some(card) => names::key(&card.path).to_string(),
            None => nodes[node].name.clone(),
        };
        if let Some(parent_key) = names::parent_of(source, &key) {
            let parent = *by_key.entry(parent_key.to_string()).or_insert_with(|| {
                nodes.push(Node {
                    card: None,
                    name: parent_key.to_string(),
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
/// and the order, each `None` when unchanged; and where that puts its node (for
/// [`Outline::apply`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub path: String,
    pub parent: Option<Option<String>>,
    pub order: Option<f64>,
    pub node: usize,
    /// The node of its new parent (`Some(None)`: the top), when the parent changes.
    pub under: Option<Option<usize>>,
}

/// The step between order values given to cards, leaving room for later moves.
const GAP: f64 = 10.0;

/// The changes that make a move, as few as can be: normally the moved card's parent
/// and/or order line; its siblings are numbered again only when no order value is left
/// between its new neighbours. `Err` says why the move cannot be made.
///
/// `keep`: the nodes shown, when a filter narrows the outline (as [`Outline::show`]
/// takes it). The card above or below, and the one to go under, are the ones shown: a
/// move relative to a card the filter hides would write a file and show nothing moved,
/// or put the card under one the user never saw (and off the screen).
pub fn plan(outline: &Outline, node: usize, how: Move, keep: Option<&[bool]>) -> Result<Vec<Change>, String> {
    if !outline.editable {
        return Err("this outline comes from folders or file names: move the files to rearrange it".into());
    }
    let path = outline.nodes[node].path().ok_or("a placeholder cannot be moved")?.to_string();
    let parent = outline.nodes[node].parent;
    let siblings = match parent {
        Some(p) => outline.nodes[p].children.clone(),
        None => outline.roots.clone(),
    };
    let kept = |n: usize| n == node || keep.is_none_or(|k| k.get(n).copied().unwrap_or(false));
    let shown: Vec<usize> = siblings.iter().copied().filter(|&n| kept(n)).collect();
    let at = shown.iter().position(|&n| n == node).ok_or("the card is not among its siblings")?;
    let without: Vec<usize> = siblings.iter().copied().filter(|&n| n != node).collect();
    match how {
        Move::Indent => {
            let above = *at.checked_sub(1).and_then(|i| shown.get(i)).ok_or("no card above to go under")?;
            let new_parent = outline.nodes[above].path().ok_or("a placeholder cannot be a parent")?;
            // The last of its new siblings, as an outliner does.
            let changes = match outline.nodes[above].children.last() {
                Some(&last) => place(outline, &outline.nodes[above].children, last, node, &path)?,
                None => vec![Change { path, parent: None, order: Some(GAP), node, under: None }],
            };
            Ok(moved_under(changes, node, Some(parent_value(new_parent)), Some(above)))
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
            // Right after the card it was under, as an outliner does.
            let changes = place(outline, uncles, p, node, &path)?;
            Ok(moved_under(changes, node, new_parent, grand))
        }
        Move::Up => {
            // Right before the sibling shown above: after whatever precedes that one.
            let above = *at.checked_sub(1).and_then(|i| shown.get(i)).ok_or("already the first")?;
            let before = without.iter().position(|&n| n == above).and_then(|i| i.checked_sub(1));
            let changes = match before {
                Some(b) => place(outline, &without, without[b], node, &path)?,
                None => {
                    let mut first = without.clone();
                    first.insert(0, node);
                    renumber_or_first(outline, &first, node, &path)?
                }
            };
            Ok(or_swapped(outline, &siblings, changes, above, node))
        }
        Move::Down => {
            let below = *shown.get(at + 1).ok_or("already the last")?;
            let changes = place(outline, &without, below, node, &path)?;
            Ok(or_swapped(outline, &siblings, changes, node, below))
        }
    }
}

/// `changes`, or, when they write more than two cards, the two neighbours `first` and
/// `second` (in that order among `siblings`) trading their order values, when that is
/// enough: both ordered, the first smaller, and no other sibling holding either value (a
/// tie sorts by title). In a level numbered by hand (1, 2, 3 ...) there is no whole
/// number between two cards, and numbering again from the moved card wrote every card
/// after it; trading writes two.
fn or_swapped(
    outline: &Outline,
    siblings: &[usize],
    changes: Vec<Change>,
    first: usize,
    second: usize,
) -> Vec<Change> {
    if changes.len() <= 2 {
        return changes;
    }
    let adjacent = siblings.windows(2).any(|pair| pair == [first, second]);
    let (Some(low), Some(high)) = (outline.nodes[first].order, outline.nodes[second].order) else {
        return changes;
    };
    let unique =
        |value: f64| siblings.iter().filter(|&&n| outline.nodes[n].order == Some(value)).count() == 1;
    let (Some(a), Some(b)) = (outline.nodes[first].path(), outline.nodes[second].path()) else {
        return changes;
    };
    if !adjacent || low >= high || !unique(low) || !unique(high) {
        return changes;
    }
    let traded = |path: &str, node: usize, order: f64| Change {
        path: path.to_string(),
        parent: None,
        order: Some(order),
        node,
        under: None,
    };
    vec![traded(a, first, high), traded(b, second, low)]
}

/// The changes of a move to another parent: the moved card's says which.
fn moved_under(
    mut changes: Vec<Change>,
    node: usize,
    parent: Option<String>,
    under: Option<usize>,
) -> Vec<Change> {
    if let Some(change) = changes.iter_mut().find(|c| c.node == node) {
        change.parent = Some(parent);
        change.under = Some(under);
    }
    changes
}

/// How a parent is written in the parent field: a wiki link to the card's path, which
/// names it whatever its title; a path holding what a wiki link reads as a heading, a
/// label or its end (`C#.md`, `a|b.md`) is written plain, which names it whole.
pub fn parent_value(path: &str) -> String {
    if path.contains(['#', '|', '[', ']']) {
        return path.to_string();
    }
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
    // Unordered siblings sort after every ordered one: past `low` is room enough.
    let order = match (low, high) {
        (Some(low), Some(Some(high))) => between(low, high),
        (Some(low), None | Some(None)) => Some(low + GAP),
        (None, _) => None,
    };
    if let Some(order) = order {
        return Ok(vec![Change {
            path: path.to_string(),
            parent: None,
            order: Some(order),
            node,
            under: None,
        }]);
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
            let order = Some((first / 2.0).floor());
            Ok(vec![Change { path: path.to_string(), parent: None, order, node, under: None }])
        }
        _ => Ok(renumber(outline, siblings, node, path)),
    }
}

/// An order strictly between two, a whole number when one fits.
fn between(low: f64, high: f64) -> Option<f64> {
    let mid = ((low + high) / 2.0).floor();
    (mid > low && mid < high).then_some(mid)
}

/// The siblings numbered in this order, up to the moved card or the last ordered one,
/// whichever is further: an order that already follows the one before stays, any other is
/// one `GAP` past it; the unordered ones after that stay unordered (they sort after every
/// ordered card). Only those whose order changes (the moved card always, as it may have
/// moved between parents too).
fn renumber(outline: &Outline, siblings: &[usize], node: usize, path: &str) -> Vec<Change> {
    let ordered = siblings.iter().rposition(|&n| n != node && outline.nodes[n].order.is_some());
    let moved = siblings.iter().position(|&n| n == node).unwrap_or(0);
    let end = ordered.map_or(moved, |o| o.max(moved));
    let mut before: Option<f64> = None;
    let mut changes = Vec::new();
    for &n in &siblings[..=end.min(siblings.len().saturating_sub(1))] {
        let kept = outline.nodes[n].order.filter(|&o| n != node && before.is_none_or(|b| o > b));
        let order = kept.unwrap_or_else(|| before.map_or(GAP, |b| b.floor() + GAP));
        before = Some(order);
        let Some(sibling) = outline.nodes[n].path() else { continue };
        if kept.is_none() {
            changes.push(Change {
                path: if n == node { path.to_string() } else { sibling.to_string() },
                parent: None,
                order: Some(order),
                node: n,
                under: None,
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_is_written_as_a_link_to_its_path_or_plain_when_a_link_would_cut_it() {
        assert_eq!(parent_value("notes/a.md"), "[[notes/a]]");
        assert_eq!(parent_value("C#.md"), "C#.md", "[[C#]] names C");
        assert_eq!(parent_value("pros|cons.md"), "pros|cons.md");
    }

    fn placed(id: i64, path: &str, parent: Named, order: Option<f64>) -> (Node, Named) {
        let (card, title) = (Entry { id, path: path.into() }, path.trim_end_matches(".md").into());
        (Node::of(card, title, order), parent)
    }

    fn by_field(cards: Vec<(Node, Named)>) -> Outline {
        let (nodes, named) = cards.into_iter().unzip();
        super::by_field(nodes, named)
    }

    fn by_names(cards: Vec<(Node, Named)>, source: OutlineSource) -> Outline {
        super::by_names(cards.into_iter().map(|(node, _)| node).collect(), source)
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
    fn tree_lines_from_any_row_are_those_of_the_whole() {
        let outline = by_field(vec![
            placed(1, "a.md", None, None),
            placed(2, "b.md", Some(Ok(1)), None),
            placed(3, "c.md", Some(Ok(2)), None),
            placed(4, "d.md", Some(Ok(2)), None),
            placed(5, "e.md", Some(Ok(1)), None),
            placed(6, "f.md", None, None),
            placed(7, "g.md", Some(Ok(6)), None),
        ]);
        let shown = outline.show(None, None, None, &|_| false);
        let whole: Vec<Vec<bool>> = lasts(&shown, 0).collect();
        assert_eq!(
            whole,
            [
                vec![false],
                vec![false, false],
                vec![false, false, false],
                vec![false, false, true],
                vec![false, true],
                vec![true],
                vec![true, true]
            ]
        );
        for from in 0..=shown.len() + 1 {
            let part: Vec<Vec<bool>> = lasts(&shown, from).collect();
            assert_eq!(part, whole[from.min(whole.len())..], "from row {from}");
        }
    }

    #[test]
    fn order_keys_sort_as_the_numbers_do_with_none_last() {
        let numbers = [f64::NEG_INFINITY, -1e300, -2.5, -0.0, 0.0, 1e-300, 7.0, 31.5, 1e300];
        for a in numbers {
            for b in numbers {
                assert_eq!(order_key(Some(a)).cmp(&order_key(Some(b))), a.total_cmp(&b), "{a} {b}");
            }
            assert!(order_key(Some(a)) < order_key(None) || a == f64::INFINITY);
        }
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
        let folders = by_names(cards(), OutlineSource::Folders);
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
        let dotted = by_names(cards(), OutlineSource::Dotted);
        assert_eq!(
            shape(&dotted),
            ["lang", "  lang.rust", "    lang.rust.async", "projects/ideas", "projects/termdex/plan"]
        );
        assert!(!dotted.editable && dotted.nodes.iter().any(|n| n.card.is_none() && n.name == "lang.rust"));
    }

    /// Names drawn from few parts, so that levels, placeholders, folders with dots and
    /// cards sharing a key (`a.md`, `a.MD`, `a.markdown`) all come up.
    fn random_paths(seed: u64, count: usize) -> Vec<String> {
        let mut state = seed;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let parts = ["a", "b", "c.d", ""];
        let exts = [".md", ".MD", ".markdown", ".txt"];
        let mut paths: Vec<String> = (0..count)
            .map(|_| {
                let levels = 1 + next(4) as usize;
                let mut path = String::new();
                for level in 0..levels {
                    if level > 0 {
                        path.push(if next(3) == 0 { '/' } else { '.' });
                    }
                    path.push_str(parts[next(parts.len() as u64) as usize]);
                }
                path + exts[next(exts.len() as u64) as usize]
            })
            .filter(|p| !p.starts_with(['.', '/']) && !p.contains("/.") && !p.contains("//"))
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    /// What `tree` draws and what the terms' SQL functions compute agree on random decks:
    /// each card's depth and the nodes above it, and which cards have children.
    #[test]
    fn the_terms_rules_agree_with_the_outline_of_names() {
        for source in [OutlineSource::Dotted, OutlineSource::Folders] {
            for seed in 0..40 {
                let paths = random_paths(seed, 60);
                let cards: Vec<(Node, Named)> =
                    paths.iter().enumerate().map(|(i, p)| placed(i as i64 + 1, p, None, None)).collect();
                let outline = by_names(cards, source);
                let mut with_children = Vec::new();
                for (n, node) in outline.nodes.iter().enumerate() {
                    let Some(path) = node.path() else { continue };
                    let at = paths.iter().position(|p| p == path).expect("a card");
                    assert_eq!(node.depth, names::depth(source, path), "{source:?} {path}");
                    let key = |a: usize| match outline.nodes[a].path() {
                        Some(p) => names::key(p).to_string(),
                        None => outline.nodes[a].name.clone(),
                    };
                    let above: Vec<String> = outline.ancestors(n).into_iter().map(key).collect();
                    let by_rule: Vec<&str> = names::ancestors(source, names::key(path)).collect();
                    assert_eq!(above, by_rule, "{source:?} {path}");
                    if !node.children.is_empty() {
                        with_children.push(at);
                    }
                }
                let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
                assert_eq!(names::with_children(source, &refs), with_children, "{source:?} seed {seed}");
            }
        }
    }

    /// A change as (path, parent, order).
    type Plain = (String, Option<Option<String>>, Option<f64>);

    fn moved(outline: &Outline, path: &str, how: Move) -> Result<Vec<Plain>, String> {
        let node = outline.find(path).expect("the card");
        plan(outline, node, how, None)
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
            Ok(vec![
                ("d.md".into(), Some(Some("[[p]]".into())), Some(30.0)),
                ("c.md".into(), None, Some(40.0))
            ]),
            "right after b, the card it was under: no room between b (20) and c (21), so c goes after it"
        );
        assert_eq!(
            moved(&outline, "a.md", Move::Outdent),
            Ok(vec![("p.md".into(), None, Some(10.0)), ("a.md".into(), Some(None), Some(20.0))]),
            "to the top, right after p: p, unordered, takes a number to go before it"
        );
        assert_eq!(
            moved(&outline, "d.md", Move::Up).map(|c| c.len()),
            Err("already the first".into()),
            "d is b's only child"
        );
        assert_eq!(
            moved(&outline, "a.md", Move::Down),
            Ok(vec![("a.md".into(), None, Some(30.0)), ("c.md".into(), None, Some(40.0))]),
            "no room between b (20) and c (21): b keeps its 20, a and c go after it"
        );
    }

    /// Issue 14 review: `>` makes the card the last child of the card above, `<` puts it
    /// right after the card it was under, also among cards without an order (those up to
    /// the place take numbers: there is no other way to sort between them).
    #[test]
    fn indent_goes_last_and_outdent_right_after_the_old_parent() {
        let outline = by_field(vec![
            placed(1, "p.md", None, None),
            placed(2, "x.md", Some(Ok(1)), None),
            placed(3, "y.md", Some(Ok(1)), None),
            placed(4, "q.md", None, None),
            placed(5, "k.md", Some(Ok(4)), Some(10.0)),
            placed(6, "r.md", None, None),
        ]);
        let plain = |path: &str, parent: Option<Option<&str>>, order: f64| {
            (path.to_string(), parent.map(|p| p.map(str::to_string)), Some(order))
        };
        assert_eq!(
            moved(&outline, "q.md", Move::Indent),
            Ok(vec![
                plain("x.md", None, 10.0),
                plain("y.md", None, 20.0),
                plain("q.md", Some(Some("[[p]]")), 30.0)
            ])
        );
        assert_eq!(
            moved(&outline, "k.md", Move::Outdent),
            Ok(vec![plain("p.md", None, 10.0), plain("q.md", None, 20.0), plain("k.md", Some(None), 30.0)]),
            "r, after the place, keeps no order"
        );
        assert_eq!(moved(&outline, "r.md", Move::Indent), Ok(vec![plain("r.md", Some(Some("[[q]]")), 20.0)]));
    }

    /// rev-14b: in a level numbered by hand (1, 2, 3 ...), `J` and `K` trade the order
    /// values of the two cards: numbering again from the moved card wrote every card after
    /// it (and asked first, being more than four).
    #[test]
    fn up_and_down_in_a_level_numbered_by_hand_write_two_cards() {
        let cards =
            (1..=6).map(|i| placed(i, &format!("{}.md", (b'a' + i as u8 - 1) as char), None, Some(i as f64)));
        let outline = by_field(cards.collect());
        let order = |path: &str, order: f64| (path.to_string(), None, Some(order));
        assert_eq!(moved(&outline, "a.md", Move::Down), Ok(vec![order("a.md", 2.0), order("b.md", 1.0)]));
        assert_eq!(moved(&outline, "c.md", Move::Up), Ok(vec![order("b.md", 3.0), order("c.md", 2.0)]));
        assert_eq!(moved(&outline, "b.md", Move::Up), Ok(vec![order("a.md", 2.0), order("b.md", 1.0)]));
        // A tie elsewhere: trading would not place the card; numbering again does.
        let tied = by_field(vec![
            placed(1, "a.md", None, Some(1.0)),
            placed(2, "b.md", None, Some(2.0)),
            placed(3, "c.md", None, Some(2.0)),
            placed(4, "d.md", None, Some(3.0)),
        ]);
        assert!(moved(&tied, "b.md", Move::Up).is_ok_and(|c| c.len() > 2));
    }

    /// rev-14b: a move applied in memory ends a cycle as the index will once it reads the
    /// files: the card the cycle was broken at goes back under the card its parent field
    /// names, unless the cycle is still closed another way.
    #[test]
    fn a_move_applied_ends_a_cycle_as_the_files_will() {
        // x names y, y names z, z names x; broken at x (the smallest path): x > z > y.
        let mut outline = by_field(vec![
            placed(1, "x.md", Some(Ok(2)), None),
            placed(2, "y.md", Some(Ok(3)), None),
            placed(3, "z.md", Some(Ok(1)), None),
        ]);
        let mut applied = |path: &str, how: Move| {
            let node = outline.find(path).expect("card");
            let changes = plan(&outline, node, how, None).expect("a move");
            outline.apply(&changes);
            (shape(&outline), outline.cycles.len())
        };
        // y out to z's level, under x: x and y still name each other, broken at x.
        assert_eq!(applied("y.md", Move::Outdent), (vec!["x (cycle)".into(), "  z".into(), "  y".into()], 1));
        // y out to the top: x's field names y, at the top now: y > x > z, no cycle.
        assert_eq!(applied("y.md", Move::Outdent), (vec!["y".into(), "  x".into(), "    z".into()], 0));
    }

    /// rev-14b: which card a parent written for a card names instead of it.
    #[test]
    fn a_link_to_a_card_may_name_another() {
        let outline = by_field(vec![
            placed(1, "y.md", None, None),
            placed(2, "y.markdown", None, None),
            placed(3, "Notes/A.md", None, None),
            placed(4, "notes/a.md", None, None),
            placed(5, "z.markdown", None, None),
        ]);
        assert_eq!(outline.named_instead("y.md"), None);
        assert_eq!(outline.named_instead("y.markdown"), Some("y.md"));
        assert_eq!(outline.named_instead("notes/a.md"), Some(""), "a tie: the index's order decides");
        assert_eq!(outline.named_instead("z.markdown"), None);
    }

    #[test]
    fn moves_that_cannot_be_made_say_why() {
        let outline = family();
        assert_eq!(moved(&outline, "a.md", Move::Up), Err("already the first".into()));
        assert_eq!(moved(&outline, "a.md", Move::Indent), Err("no card above to go under".into()));
        assert_eq!(moved(&outline, "c.md", Move::Down), Err("already the last".into()));
        assert_eq!(moved(&outline, "p.md", Move::Outdent), Err("already at the top".into()));
        let folders = by_names(vec![placed(1, "x/y.md", None, None)], OutlineSource::Folders);
        assert!(
            moved(&folders, "x/y.md", Move::Outdent)
                .is_err_and(|e| e.contains("read-only") || e.contains("move the files"))
        );
    }
}
