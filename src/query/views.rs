//! `view:NAME` inside filters: replaced by the named view's filter before compiling.
//!
//! Each view's filter is parsed with the parser's nesting limit, and the tree they make
//! together is held to [`MAX_TREE_DEPTH`], so that views including views cannot build a
//! tree deep enough to run the compiler out of stack.

use crate::config::Config;

use super::filter::{self, Expr, FilterError, MAX_DEPTH};

/// How deep `AND`, `OR` and `NOT` may nest once every view is inlined. One filter at the
/// parser's limit nests about three levels per parenthesis.
pub const MAX_TREE_DEPTH: usize = 4 * MAX_DEPTH;

/// Replaces every `view:NAME` in `expr` with that view's parsed filter.
pub fn expand(expr: Expr, config: &Config, filter: &str) -> Result<Expr, FilterError> {
    Expander { config, filter, stack: Vec::new(), base: 0, outer_pos: 0 }.expand(expr, 0)
}

/// [`expand`] for the filter of the view `name` itself, so that a view reaching itself
/// through others is a cycle from the start.
pub fn expand_view_filter(
    expr: Expr,
    config: &Config,
    name: &str,
    filter: &str,
) -> Result<Expr, FilterError> {
    Expander { config, filter, stack: vec![name.to_string()], base: 1, outer_pos: 0 }.expand(expr, 0)
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
}

impl Expander<'_> {
    fn expand(&mut self, expr: Expr, depth: usize) -> Result<Expr, FilterError> {
        if depth > MAX_TREE_DEPTH {
            let message = format!("nested too deeply (more than {MAX_TREE_DEPTH} levels with views inlined)");
            return Err(self.error(self.outer_pos, message));
        }
        Ok(match expr {
            Expr::And(items) => Expr::And(self.expand_all(items, depth + 1)?),
            Expr::Or(items) => Expr::Or(self.expand_all(items, depth + 1)?),
            Expr::Not(inner) => Expr::Not(Box::new(self.expand(*inner, depth + 1)?)),
            Expr::View { name, pos } => self.view(&name, pos, depth)?,
            other => other,
        })
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
        let inner = filter::parse(&view.filter)
            .map_err(|e| self.error(pos, format!("view `{name}` has an invalid filter: {}", e.message)))?;
        if outermost {
            self.outer_pos = pos;
        }
        self.stack.push(name.to_string());
        let expanded = self.expand(inner, depth);
        self.stack.pop();
        // Positions inside the view's own text mean nothing in this filter: point at `view:`.
        Ok(reposition(expanded?, pos))
    }

    fn error(&self, pos: usize, message: String) -> FilterError {
        FilterError { filter: self.filter.to_string(), pos, message }
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
}
