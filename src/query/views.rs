//! `view:NAME` inside filters: replaced by the named view's filter before compiling.

use crate::config::Config;

use super::filter::{self, Expr, FilterError};

/// Replaces every `view:NAME` in `expr` with that view's parsed filter.
pub fn expand(expr: Expr, config: &Config, filter: &str) -> Result<Expr, FilterError> {
    Expander { config, filter, stack: Vec::new() }.expand(expr)
}

struct Expander<'a> {
    config: &'a Config,
    filter: &'a str,
    /// Views being expanded, to catch a view that includes itself.
    stack: Vec<String>,
}

impl Expander<'_> {
    fn expand(&mut self, expr: Expr) -> Result<Expr, FilterError> {
        Ok(match expr {
            Expr::And(items) => Expr::And(self.expand_all(items)?),
            Expr::Or(items) => Expr::Or(self.expand_all(items)?),
            Expr::Not(inner) => Expr::Not(Box::new(self.expand(*inner)?)),
            Expr::View { name, pos } => self.view(&name, pos)?,
            other => other,
        })
    }

    fn expand_all(&mut self, items: Vec<Expr>) -> Result<Vec<Expr>, FilterError> {
        items.into_iter().map(|e| self.expand(e)).collect()
    }

    fn view(&mut self, name: &str, pos: usize) -> Result<Expr, FilterError> {
        let error = |message: String| FilterError { filter: self.filter.to_string(), pos, message };
        let Some(view) = self.config.view(name) else {
            let names: Vec<&str> = self.config.views.iter().map(|v| v.name.as_str()).collect();
            return Err(error(format!("no view named `{name}` (views: {})", names.join(", "))));
        };
        if self.stack.iter().any(|v| v == name) {
            return Err(error(format!(
                "view `{name}` includes itself ({} -> {name})",
                self.stack.join(" -> ")
            )));
        }
        let inner = filter::parse(&view.filter)
            .map_err(|e| error(format!("view `{name}` has an invalid filter: {}", e.message)))?;
        self.stack.push(name.to_string());
        let expanded = self.expand(inner);
        self.stack.pop();
        // Positions inside the view's own text mean nothing in this filter: point at `view:`.
        Ok(reposition(expanded?, pos))
    }
}

fn reposition(expr: Expr, pos: usize) -> Expr {
    match expr {
        Expr::And(items) => Expr::And(items.into_iter().map(|e| reposition(e, pos)).collect()),
        Expr::Or(items) => Expr::Or(items.into_iter().map(|e| reposition(e, pos)).collect()),
        Expr::Not(inner) => Expr::Not(Box::new(reposition(*inner, pos))),
        Expr::Field { key, op, value, .. } => Expr::Field { key, op, value, pos },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn views_expand_and_cycles_are_caught() {
        let config = Config::builtin();
        let expr =
            expand(filter::parse("view:tasks").expect("parse"), &config, "view:tasks").expect("expand");
        assert_eq!(expr, filter::parse("what:task -status:done").map(|e| reposition(e, 5)).expect("parse"));
        let err =
            expand(filter::parse("view:nope").expect("parse"), &config, "view:nope").expect_err("unknown");
        assert!(err.message.starts_with("no view named `nope` (views: all, notes"), "{}", err.message);
        let _ = Path::new("");
    }
}
