//! The outline in the TUI: the deck's outline (from the query layer) with nodes collapsed
//! and a cursor, narrowed to the cards the filter line and the view keep (with their
//! ancestors, for context). Pure state; the moves it asks for are the query layer's plans,
//! carried out by the deck.

use std::collections::HashSet;
use std::sync::Arc;

use crate::index::CardRow;
use crate::query::outline::{Outline, Shown};

#[derive(Debug, Clone)]
pub struct OutlineView {
    pub tree: Arc<Outline>,
    /// Collapsed nodes by key (a card's path, a placeholder's name): kept when the
    /// outline is read again.
    collapsed: HashSet<String>,
    /// The nodes the filter keeps; `None`: all.
    keep: Option<Vec<bool>>,
    /// The nodes on screen, in order.
    pub shown: Vec<Shown>,
    /// Position in `shown`.
    pub selected: usize,
    pub offset: usize,
}

impl OutlineView {
    pub fn new(tree: Arc<Outline>) -> OutlineView {
        OutlineView { tree, collapsed: HashSet::new(), keep: None, shown: Vec::new(), selected: 0, offset: 0 }
    }

    /// A newly read outline, or the rows the filter keeps changed: the cursor stays on
    /// its card.
    pub fn update(&mut self, tree: Option<Arc<Outline>>, visible: Option<&[&CardRow]>) {
        let at = self.selected_path();
        if let Some(tree) = tree {
            self.tree = tree;
        }
        self.keep = visible.map(|rows| {
            let wanted: HashSet<&str> = rows.iter().map(|r| r.path.as_str()).collect();
            let nodes = (0..self.tree.nodes.len())
                .filter(|&n| self.tree.nodes[n].path().is_some_and(|p| wanted.contains(p)));
            self.tree.with_ancestors(nodes)
        });
        self.rebuild();
        if let Some(path) = at {
            self.select_path(&path);
        }
    }

    fn key(&self, node: usize) -> String {
        let node = &self.tree.nodes[node];
        node.path().map_or_else(|| node.name.clone(), str::to_string)
    }

    fn rebuild(&mut self) {
        let collapsed = |n: usize| self.collapsed.contains(&self.key(n));
        self.shown = self.tree.show(None, self.keep.as_deref(), None, &collapsed);
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    pub fn selected_node(&self) -> Option<usize> {
        self.shown.get(self.selected).map(|s| s.node)
    }

    pub fn selected_card(&self) -> Option<&CardRow> {
        self.tree.nodes[self.selected_node()?].card.as_ref()
    }

    pub fn selected_path(&self) -> Option<String> {
        self.selected_card().map(|c| c.path.clone())
    }

    /// Whether the node has children on screen when expanded.
    pub fn has_children(&self, node: usize) -> bool {
        self.tree.nodes[node].children.iter().any(|&c| self.keep.as_ref().is_none_or(|k| k[c]))
    }

    pub fn is_collapsed(&self, node: usize) -> bool {
        self.collapsed.contains(&self.key(node))
    }

    /// Puts the cursor on a card, expanding its ancestors if they hide it.
    pub fn select_path(&mut self, path: &str) {
        let Some(node) = self.tree.find(path) else { return };
        let hidden: Vec<String> = self
            .tree
            .ancestors(node)
            .into_iter()
            .map(|a| self.key(a))
            .filter(|k| self.collapsed.contains(k))
            .collect();
        if !hidden.is_empty() {
            hidden.iter().for_each(|k| {
                self.collapsed.remove(k);
            });
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
            self.collapsed.insert(self.key(node));
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
            self.collapsed.remove(&self.key(node));
            self.rebuild();
        } else if self.has_children(node) {
            self.move_cursor(1);
        }
    }

    /// `zM`: every node with children closed; the cursor goes to the top of its branch.
    pub fn collapse_all(&mut self) {
        let top = self.selected_node().map(|n| self.tree.ancestors(n).last().copied().unwrap_or(n));
        self.collapsed =
            (0..self.tree.nodes.len()).filter(|&n| self.has_children(n)).map(|n| self.key(n)).collect();
        self.rebuild();
        if let Some(pos) = top.and_then(|t| self.shown.iter().position(|s| s.node == t)) {
            self.selected = pos;
        }
    }

    /// `zR`: every node open.
    pub fn expand_all(&mut self) {
        let at = self.selected_node();
        self.collapsed.clear();
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
