//! The outline in the TUI: the deck's outline (from the query layer) with nodes collapsed
//! and a cursor, narrowed to the cards the filter line and the view keep (with their
//! ancestors, for context). Pure state; the moves it asks for are the query layer's plans,
//! carried out by the deck.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::index::CardRow;
use crate::query::outline::{Change, Outline, Shown};

/// The outline as the reader reads it: the tree (which places and names cards), and the
/// whole rows of the cards it shows only for context, ancestors of the list's cards that
/// are not in the list; the list's own rows are the app's.
#[derive(Debug, Clone, Default)]
pub struct Read {
    pub tree: Arc<Outline>,
    pub context: Arc<HashMap<i64, CardRow>>,
}

#[derive(Debug, Clone)]
pub struct OutlineView {
    pub tree: Arc<Outline>,
    context: Arc<HashMap<i64, CardRow>>,
    /// The list's rows, and where each node's card is among them.
    rows: Arc<Vec<CardRow>>,
    row_of: Vec<Option<usize>>,
    /// Collapsed nodes by key (a card's path, a placeholder's name): kept when the
    /// outline is read again.
    collapsed: HashSet<String>,
    /// The same by node, for showing the outline without a look-up per node.
    closed: Vec<bool>,
    /// The nodes the filter keeps; `None`: all.
    keep: Option<Vec<bool>>,
    /// The nodes on screen, in order.
    pub shown: Vec<Shown>,
    /// Position in `shown`.
    pub selected: usize,
    pub offset: usize,
}

impl OutlineView {
    pub fn new(read: Read) -> OutlineView {
        OutlineView {
            tree: read.tree,
            context: read.context,
            rows: Arc::default(),
            row_of: Vec::new(),
            collapsed: HashSet::new(),
            closed: Vec::new(),
            keep: None,
            shown: Vec::new(),
            selected: 0,
            offset: 0,
        }
    }

    /// A newly read outline, or new rows, or the rows the filter keeps (`visible`, places
    /// in `rows`) changed: the cursor stays on its card. `every`: the rows are the first
    /// screenful of every card, and the whole outline is shown.
    pub fn update(&mut self, read: Option<Read>, rows: &Arc<Vec<CardRow>>, visible: &[usize], every: bool) {
        let at = self.selected_path();
        let new_tree = read.is_some();
        if let Some(read) = read {
            self.tree = read.tree;
            self.context = read.context;
        }
        if new_tree {
            self.closed = (0..self.tree.nodes.len())
                .map(|n| !self.collapsed.is_empty() && self.collapsed.contains(self.key(n)))
                .collect();
        }
        if new_tree || !Arc::ptr_eq(&self.rows, rows) {
            self.rows = rows.clone();
            self.place_rows();
        }
        let cards = self.row_of.len() - self.tree.nodes.iter().filter(|n| n.card.is_none()).count();
        let whole = every || (visible.len() == rows.len() && cards == rows.len());
        self.keep = (!whole).then(|| {
            let mut shown = vec![false; rows.len()];
            for &i in visible {
                if let Some(s) = shown.get_mut(i) {
                    *s = true;
                }
            }
            let nodes = (0..self.row_of.len()).filter(|&n| self.row_of[n].is_some_and(|r| shown[r]));
            self.tree.with_ancestors(nodes)
        });
        self.rebuild();
        if let Some(path) = at {
            self.select_path(&path);
        }
    }

    /// Where each node's card is among the rows (by id, and only while the path agrees:
    /// the rows and the tree may come from different readings of an index rebuilt
    /// between them).
    fn place_rows(&mut self) {
        let by_id: HashMap<i64, usize> = self.rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        self.row_of = (self.tree.nodes.iter())
            .map(|node| {
                let card = node.card.as_ref()?;
                by_id.get(&card.id).copied().filter(|&i| self.rows[i].path == card.path)
            })
            .collect();
    }

    /// A move planned on this outline, shown at once (the index has it only once the
    /// files written are read again, and the outline read again after that).
    pub fn apply(&mut self, changes: &[Change]) {
        let at = self.selected_path();
        Arc::make_mut(&mut self.tree).apply(changes);
        self.rebuild();
        if let Some(path) = at {
            self.select_path(&path);
        }
    }

    /// What the node is kept by when collapsed.
    fn key(&self, node: usize) -> &str {
        let node = &self.tree.nodes[node];
        node.path().unwrap_or(&node.name)
    }

    fn rebuild(&mut self) {
        let closed = |n: usize| self.closed.get(n).copied().unwrap_or(false);
        self.shown = self.tree.show(None, self.keep.as_deref(), None, &closed);
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    /// The nodes the filter keeps (`None`: all), as [`Outline::show`] and the moves take it.
    pub fn kept(&self) -> Option<&[bool]> {
        self.keep.as_deref()
    }

    pub fn selected_node(&self) -> Option<usize> {
        self.shown.get(self.selected).map(|s| s.node)
    }

    /// The card under the cursor, as the list or the context rows hold it.
    pub fn selected_card(&self) -> Option<&CardRow> {
        let node = self.selected_node()?;
        let card = self.tree.nodes[node].card.as_ref()?;
        match self.row_of.get(node).copied().flatten() {
            Some(row) => self.rows.get(row),
            None => self.context.get(&card.id).filter(|row| row.path == card.path),
        }
    }

    /// Whether the card under the cursor is shown only for context: its row came with
    /// the outline, not with the list.
    pub fn selected_is_context(&self) -> bool {
        self.selected_node().is_some_and(|node| {
            self.tree.nodes[node].card.is_some() && self.row_of.get(node).copied().flatten().is_none()
        })
    }

    pub fn selected_path(&self) -> Option<String> {
        self.selected_node().and_then(|n| self.tree.nodes[n].path()).map(str::to_string)
    }

    /// Whether the node has children on screen when expanded.
    pub fn has_children(&self, node: usize) -> bool {
        self.tree.nodes[node].children.iter().any(|&c| self.keep.as_ref().is_none_or(|k| k[c]))
    }

    pub fn is_collapsed(&self, node: usize) -> bool {
        self.closed.get(node).copied().unwrap_or(false)
    }

    /// Closes or opens a node (not shown until the next rebuild).
    fn close(&mut self, node: usize, closed: bool) {
        let key = self.key(node).to_string();
        match closed {
            true => self.collapsed.insert(key),
            false => self.collapsed.remove(&key),
        };
        if let Some(flag) = self.closed.get_mut(node) {
            *flag = closed;
        }
    }

    /// Puts the cursor on a card, expanding its ancestors if they hide it.
    pub fn select_path(&mut self, path: &str) {
        let Some(node) = self.tree.find(path) else { return };
        let hidden: Vec<usize> =
            self.tree.ancestors(node).into_iter().filter(|&a| self.is_collapsed(a)).collect();
        if !hidden.is_empty() {
            hidden.into_iter().for_each(|a| self.close(a, false));
            self.rebuild();
        }
        if let Some(pos) = self.shown.iter().position(|s| s.node == node) {
            self.selected = pos;
        }
    }

    pub fn move_cursor(&mut self, delta: isize) {
        let last = self.shown.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }

    /// `h`: closes the node, or, when it is closed or has no children, goes to its parent.
    pub fn collapse(&mut self) {
        let Some(node) = self.selected_node() else { return };
        if self.has_children(node) && !self.is_collapsed(node) {
            self.close(node, true);
            self.rebuild();
        } else if let Some(parent) = self.tree.nodes[node].parent
            && let Some(pos) = self.shown.iter().position(|s| s.node == parent)
        {
            self.selected = pos;
        }
    }

    /// `l`: opens a closed node, or goes to the first child of an open one.
    pub fn expand(&mut self) {
        let Some(node) = self.selected_node() else { return };
        if self.is_collapsed(node) {
            self.close(node, false);
            self.rebuild();
        } else if self.has_children(node) {
            self.move_cursor(1);
        }
    }

    /// `zM`: every node with children closed; the cursor goes to the top of its branch.
    pub fn collapse_all(&mut self) {
        let top = self.selected_node().map(|n| self.tree.ancestors(n).last().copied().unwrap_or(n));
        self.closed = (0..self.tree.nodes.len()).map(|n| self.has_children(n)).collect();
        self.collapsed =
            (0..self.tree.nodes.len()).filter(|&n| self.closed[n]).map(|n| self.key(n).to_string()).collect();
        self.rebuild();
        if let Some(pos) = top.and_then(|t| self.shown.iter().position(|s| s.node == t)) {
            self.selected = pos;
        }
    }

    /// `zR`: every node open.
    pub fn expand_all(&mut self) {
        let at = self.selected_node();
        self.collapsed.clear();
        self.closed = vec![false; self.tree.nodes.len()];
        self.rebuild();
        if let Some(pos) = at.and_then(|n| self.shown.iter().position(|s| s.node == n)) {
            self.selected = pos;
        }
    }

    /// Keeps the cursor on screen for `page` rows.
    pub fn scroll(&mut self, page: usize) {
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if page > 0 && self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}
