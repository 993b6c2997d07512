//! `view:NAME` inside filters: replaced by the named view's filter before compiling.
//!
//! Each view's filter is parsed with the parser's nesting limit, and the tree they make
//! together is held to [`MAX_TREE_DEPTH`], so that views including views cannot build a
//! tree deep enough to run the compiler out of stack.
//!
//! Views naming a view twice double at each step (`v0 = view:v1 OR view:v1`, ...), so
//! sixty of them would inline to 2^60 terms. Each view is therefore expanded once per
//! filter and reused, a view that holds no term is inlined as nothing, and the terms
//! views bring in are counted as they are inlined: past [`MAX_TERMS`] the filter is
//! refused as too large, naming the view, before any more work is done.

use std::collections::HashMap;

use crate::config::Config;

use super::MAX_TERMS;
use super::filter::{self, Expr, FilterError, MAX_DEPTH};

/// How deep `AND`, `OR` and `NOT` may nest once every view is inlined. One filter at the
/// parser's limit nests about three levels per parenthesis.
pub const MAX_TREE_DEPTH: usize = 4 * MAX_DEPTH;

/// Replaces every `view:NAME` in `expr` with that view's parsed filter.
pub fn expand(expr: Expr, config: &Config, filter: &str) -> Result<Expr, FilterError> {
    Expander::new(config, filter, Vec::new()).expand(expr, 0)
}

/// [`expand`] for the filter of the view `name` itself, so that a view reaching itself
/// through others is a cycle from the start.
pub fn expand_view_filter(
    expr: Expr,
    config: &Config,
    name: &str,
    filter: &str,
) -> Result<Expr, FilterError> {
    Expander::new(config, filter, vec![name.to_string()]).expand(expr, 0)
}

struct Expander<'a> {
    config: &'a Config,
    filter: &'a str,
    /// Views being expanded, to catch a view that includes itself.
    stack: Vec<String>,
    /// Views on the stack before expansion started (the view whose filter this is).
    base: usize,
    /// Where the outermost `view:` being expanded is in `filter`, for errors from inside it.
    outer_pos: usize,
    /// Terms (leaves) inlined so far.
    terms: usize,
    /// Each view expanded so far, to reuse: see [`Expanded`].
    done: HashMap<String, Expanded>,
}

/// A view's filter with the views it names inlined: what inlining it once more adds.
struct Expanded {
    /// Positions not yet moved to the `view:` naming it.
    expr: Expr,
    terms: usize,
    /// Levels below its root.
    height: usize,
}

impl<'a> Expander<'a> {
    fn new(config: &'a Config, filter: &'a str, stack: Vec<String>) -> Expander<'a> {
        let base = stack.len();
        Expander { config, filter, stack, base, outer_pos: 0, terms: 0, done: HashMap::new() }
    }

    fn expand(&mut self, expr: Expr, depth: usize) -> Result<Expr, FilterError> {
        if depth > MAX_TREE_DEPTH {
            return Err(self.too_deep());
        }
        Ok(match expr {
            Expr::And(items) => Expr::And(self.expand_all(items, depth + 1)?),
            Expr::Or(items) => Expr::Or(self.expand_all(items, depth + 1)?),
            Expr::Not(inner) => Expr::Not(Box::new(self.expand(*inner, depth + 1)?)),
            Expr::View { name, pos } => self.view(&name, pos, depth)?,
            Expr::All => Expr::All,
            leaf => {
                self.count(1)?;
                leaf
            }
        })
    }

    /// Adds `terms` to those inlined. Only views can make a filter larger than its text,
    /// so a user's filter alone is left for the query to count (and report exactly).
    fn count(&mut self, terms: usize) -> Result<(), FilterError> {
        self.terms = self.terms.saturating_add(terms);
        if self.terms <= MAX_TERMS || self.stack.is_empty() {
            return Ok(());
        }
        // The `view:` under the caret, or the view whose own filter this is.
        let (name, pos) = match self.stack.get(self.base) {
            Some(name) => (name.as_str(), self.outer_pos),
            None => (self.stack[0].as_str(), 0),
        };
        let message = format!(
            "the filter is too large (more than {MAX_TERMS} terms once view `{name}` is inlined): split it \
             into several queries or views"
        );
        Err(self.error(pos, message))
    }

    fn too_deep(&self) -> FilterError {
        let message = format!("nested too deeply (more than {MAX_TREE_DEPTH} levels with views inlined)");
        self.error(self.outer_pos, message)
    }

    fn expand_all(&mut self, items: Vec<Expr>, depth: usize) -> Result<Vec<Expr>, FilterError> {
        items.into_iter().map(|e| self.expand(e, depth)).collect()
    }

    fn view(&mut self, name: &str, pos: usize, depth: usize) -> Result<Expr, FilterError> {
        // Inside another view, positions in that view's text mean nothing here.
        let outermost = self.stack.len() == self.base;
        let pos = if outermost { pos } else { self.outer_pos };
        let Some(view) = self.config.view(name) else {
            let names: Vec<&str> = self.config.views.iter().map(|v| v.name.as_str()).collect();
            return Err(self.error(pos, format!("no view named `{name}` (views: {})", names.join(", "))));
        };
        if self.stack.iter().any(|v| v == name) {
            let message = format!("view `{name}` includes itself ({} -> {name})", self.stack.join(" -> "));
            return Err(self.error(pos, message));
        }
        if outermost {
            self.outer_pos = pos;
        }
        // A view expanded once reaches no view on the stack now: that would have been a
        // cycle through it then. So reusing it skips no check but the depth, done here.
        let expanded = match self.done.get(name) {
            Some(done) => {
                let (expr, terms, height) = (done.expr.clone(), done.terms, done.height);
                if depth + height > MAX_TREE_DEPTH {
                    return Err(self.too_deep());
                }
                self.stack.push(name.to_string());
                let counted = self.count(terms);
                self.stack.pop();
                counted?;
                expr
            }
            None => self.expand_once(name, &view.filter, pos, depth)?,
        };
        // Positions inside the view's own text mean nothing in this filter: point at `view:`.
        Ok(reposition(expanded, pos))
    }

    /// The view `name`'s filter expanded, remembered for the next `view:name`. One that
    /// holds no term constrains nothing whatever its shape, and is inlined as nothing, so
    /// that views naming it twice do not double a tree of nothing at each step.
    fn expand_once(&mut self, name: &str, text: &str, pos: usize, depth: usize) -> Result<Expr, FilterError> {
        let inner = filter::parse(text)
            .map_err(|e| self.error(pos, format!("view `{name}` has an invalid filter: {}", e.message)))?;
        let before = self.terms;
        self.stack.push(name.to_string());
        let expanded = self.expand(inner, depth);
        self.stack.pop();
        let expanded = expanded?;
        let terms = self.terms - before;
        let expr = if terms == 0 { Expr::All } else { expanded };
        let done = Expanded { expr: expr.clone(), terms, height: height(&expr) };
        self.done.insert(name.to_string(), done);
        Ok(expr)
    }

    fn error(&self, pos: usize, message: String) -> FilterError {
        FilterError { filter: self.filter.to_string(), pos, message }
    }
}

/// Levels below the root of `expr`.
fn height(expr: &Expr) -> usize {
    match expr {
        Expr::And(items) | Expr::Or(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        Expr::Not(inner) => 1 + height(inner),
        _ => 0,
    }
}

/// Moves every position in `expr` to `pos`. Called on trees [`Expander`] has bounded.
fn reposition(expr: Expr, pos: usize) -> Expr {
    match expr {
        Expr::And(items) => Expr::And(items.into_iter().map(|e| reposition(e, pos)).collect()),
        Expr::Or(items) => Expr::Or(items.into_iter().map(|e| reposition(e, pos)).collect()),
        Expr::Not(inner) => Expr::Not(Box::new(reposition(*inner, pos))),
        Expr::Field { key, op, value, .. } => Expr::Field { key, op, value, pos },
        Expr::View { name, .. } => Expr::View { name, pos },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::View;

    fn with_views(views: &[(&str, &str)]) -> Config {
        let mut config = Config::builtin();
        for (name, filter) in views {
            config.views.push(View {
                name: name.to_string(),
                description: String::new(),
                filter: filter.to_string(),
                sort: Vec::new(),
                columns: Vec::new(),
                group_by: None,
                outline: false,
                builtin: false,
            });
        }
        config
    }

    fn expand_text(config: &Config, text: &str) -> Result<Expr, FilterError> {
        expand(filter::parse(text).expect("parse"), config, text)
    }

    #[test]
    fn views_expand_and_unknown_ones_are_named() {
        let config = Config::builtin();
        let expr = expand_text(&config, "view:tasks").expect("expand");
        assert_eq!(expr, filter::parse("what:task -status:done").map(|e| reposition(e, 5)).expect("parse"));
        let err = expand_text(&config, "view:nope").expect_err("unknown");
        assert!(err.message.starts_with("no view named `nope` (views: all, notes"), "{}", err.message);
    }

    #[test]
    fn views_that_include_each_other_are_a_cycle() {
        let config = with_views(&[("a", "x view:b"), ("b", "y OR view:a")]);
        let err = expand_text(&config, "z view:a").expect_err("cycle");
        assert_eq!(err.message, "view `a` includes itself (a -> b -> a)");
        assert_eq!(err.pos, 7, "the caret is under the user's `view:a`");
        let err = expand_text(&with_views(&[("self", "view:self")]), "view:self").expect_err("cycle");
        assert_eq!(err.message, "view `self` includes itself (self -> self)");
        let config = with_views(&[("a", "x view:b"), ("b", "y OR view:a")]);
        let own = "x view:b";
        let err =
            expand_view_filter(filter::parse(own).expect("parse"), &config, "a", own).expect_err("cycle");
        assert_eq!((err.pos, err.message.as_str()), (7, "view `a` includes itself (a -> b -> a)"));
    }

    #[test]
    fn chains_of_views_cannot_nest_without_limit() {
        // Each view nests the next one 30 parentheses (60 levels) deep.
        let nest = |inner: String| format!("{}{inner}{}", "(a OR b ".repeat(30), ")".repeat(30));
        let views: Vec<(String, String)> =
            (0..20).map(|i| (format!("v{i}"), nest(format!("view:v{}", i + 1)))).collect();
        let mut views: Vec<(&str, &str)> = views.iter().map(|(n, f)| (n.as_str(), f.as_str())).collect();
        views.push(("v20", "end"));
        let err = expand_text(&with_views(&views), "view:v0").expect_err("too deep");
        assert!(err.message.starts_with("nested too deeply"), "{}", err.message);
        assert_eq!(err.pos, 5);
    }

    fn text(t: &str) -> Expr {
        Expr::Text { text: t.into(), phrase: false, prefix: false }
    }

    /// `v0 = view:v1 OR view:v1`, ..., `v{n-1} = view:v{n} OR view:v{n}`, and `v{n}` = `last`.
    fn doubling(n: usize, last: &str) -> Config {
        let views: Vec<(String, String)> = (0..n)
            .map(|i| (format!("v{i}"), format!("view:v{} OR view:v{}", i + 1, i + 1)))
            .chain([(format!("v{n}"), last.to_string())])
            .collect();
        with_views(&views.iter().map(|(n, f)| (n.as_str(), f.as_str())).collect::<Vec<_>>())
    }

    #[test]
    fn views_that_double_at_each_step_are_too_large_at_once() {
        let started = std::time::Instant::now();
        let err = expand_text(&doubling(60, "a"), "x view:v0").expect_err("2^60 terms");
        assert_eq!(
            (err.pos, err.message.as_str()),
            (
                7,
                "the filter is too large (more than 1000 terms once view `v0` is inlined): split it into \
                 several queries or views"
            )
        );
        let own = "view:v1 OR view:v1";
        let err = expand_view_filter(filter::parse(own).expect("parse"), &doubling(60, "a"), "v0", own)
            .expect_err("2^60 terms");
        assert!(err.message.contains("once view `v1` is inlined"), "{}", err.message);
        // A view of no term, named 2^60 times, is nothing rather than a tree of nothing.
        assert_eq!(expand_text(&doubling(60, ""), "view:v0"), Ok(Expr::All));
        assert!(expand_text(&doubling(60, "?"), "view:v0").is_err(), "`?` is a term until pruned");
        assert_eq!(expand_text(&doubling(60, ""), "a view:v0"), Ok(Expr::And(vec![text("a"), Expr::All])));
        assert!(started.elapsed() < std::time::Duration::from_secs(2), "{:?}", started.elapsed());
    }

    #[test]
    fn a_view_reused_is_the_same_as_one_expanded_again() {
        let config = with_views(&[("a", "x OR (y -z)"), ("b", "view:a view:a")]);
        let expr = expand_text(&config, "view:b OR view:a").expect("expand");
        let a = || reposition(filter::parse("x OR (y -z)").expect("parse"), 0);
        assert_eq!(expr, Expr::Or(vec![Expr::And(vec![a(), a()]), a()]));
        // Up to the limit, views may be reused as often as the terms allow.
        let config = doubling(9, "a");
        let expr = expand_text(&config, "view:v0").expect("512 terms");
        assert_eq!(super::super::count_terms(&expr), 512);
        let err = expand_text(&doubling(10, "a"), "view:v0").expect_err("1024 terms");
        assert!(err.message.starts_with("the filter is too large"), "{}", err.message);
    }
}
