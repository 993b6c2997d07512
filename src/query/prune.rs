//! Terms that constrain nothing, left out of filters; filters left with no term at all.
//!
//! A word full-text search finds no token in (`?`, `'`, `…`, an emoji: [`super::tokens`]),
//! an empty phrase, a field term with an empty value (`status:""`, `has:""`), a link term
//! naming nothing at all (`links:""`, `linked-by:/`: no name to look up, unlike a name no
//! card has, which matches no card), and a `title:*` or `path:*` every card matches
//! select nothing and exclude nothing. They are
//! dropped as if they had not been written: `foo OR ?` is `foo`, `what:task -?` is
//! `what:task`, and `-?`, `(? OR ')` and `view:all` are nothing at all. A filter that was
//! given but has nothing left is refused by [`super::user_filter`] rather than read as
//! "every card": an empty shell variable must not make a bulk `set` rewrite the deck.

use super::filter::Expr;
use super::tokens::searchable;
use crate::index::NameLookup;

/// `expr` without the terms that constrain nothing; `None` when nothing is left.
pub fn prune(expr: &Expr) -> rusqlite::Result<Option<Expr>> {
    Ok(match expr {
        Expr::All => None,
        Expr::And(items) => join(items, Expr::And)?,
        Expr::Or(items) => join(items, Expr::Or)?,
        Expr::Not(inner) => prune(inner)?.map(|inner| Expr::Not(Box::new(inner))),
        Expr::Text { text, .. } => searchable(&text.replace('\0', " "))?.then(|| expr.clone()),
        Expr::Field { key, value, .. } => constrains_field(key, value).then(|| expr.clone()),
        Expr::Has { key } => (!key.trim().is_empty()).then(|| expr.clone()),
        Expr::Link { name, .. } => NameLookup::of(name).is_some().then(|| expr.clone()),
        Expr::HasLink { .. } | Expr::Depth { .. } => Some(expr.clone()),
        // Views are inlined before filters are pruned; one left is the compiler's to report.
        Expr::View { .. } => Some(expr.clone()),
    })
}

fn join(items: &[Expr], make: fn(Vec<Expr>) -> Expr) -> rusqlite::Result<Option<Expr>> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        kept.extend(prune(item)?);
    }
    Ok(match kept.len() {
        0 => None,
        1 => kept.pop(),
        _ => Some(make(kept)),
    })
}

/// A field term constrains unless its value is blank, or a wildcard every title or path
/// matches.
fn constrains_field(key: &str, value: &str) -> bool {
    let value = match key {
        "path" => value.trim_start_matches("./"),
        _ => value,
    };
    let everything = matches!(key, "title" | "path") && value.chars().all(|c| c == '*');
    !value.trim().is_empty() && !everything
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::filter::parse;

    fn pruned(filter: &str) -> Option<Expr> {
        prune(&parse(filter).expect("parses")).expect("tokenizer")
    }

    #[test]
    fn terms_that_constrain_nothing_are_left_out() {
        for (filter, left) in [
            ("foo OR ?", "foo"),
            ("what:task -?", "what:task"),
            ("what:task status:\"\"", "what:task"),
            ("(? OR ') a", "a"),
            ("-(foo OR …) b", "-foo b"),
            ("title:* OR path:./** x", "x"),
            ("NOT (has:\"\" OR a)", "NOT a"),
            ("links:\"\" has:links", "has:links"),
            ("-linked-by:\" / \" OR no:backlinks", "no:backlinks"),
        ] {
            assert_eq!(pruned(filter), Some(parse(left).expect("parses")), "{filter}");
        }
    }

    #[test]
    fn filters_of_nothing_but_such_terms_are_nothing() {
        for filter in [
            "",
            "  ",
            "?",
            "'",
            "-",
            "\"\"",
            "\"  \"",
            "-?",
            "NOT ?",
            "? OR '",
            "(? OR ')",
            "-(? ')",
            "…",
            "😀",
            "\u{903}",
            "status:\"\"",
            "-status:\" \"",
            "status!=\"\"",
            "has:\"\"",
            "no:\"\"",
            "title:*",
            "path:*",
            "-path:./*",
            "title:\"\" OR ?",
            "links:\"\"",
            "-linked-by:\" \"",
            "links:/",
        ] {
            assert_eq!(pruned(filter), None, "{filter:?}");
        }
    }

    #[test]
    fn terms_that_do_constrain_are_kept() {
        for filter in [
            "a",
            "é",
            "\u{e000}",
            "tags:*",
            "dir:.",
            "title:a*",
            "path:*.md",
            "has:x",
            "-a",
            "x:0",
            "links:x",
            "linked-by:\"no such card\"",
            "links:?",
            "has:links",
            "no:links",
            "has:backlinks",
            "no:backlinks",
        ] {
            assert_eq!(pruned(filter), Some(parse(filter).expect("parses")), "{filter:?}");
        }
    }
}
