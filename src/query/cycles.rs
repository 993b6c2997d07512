//! Parent cycles, for the filter terms: the one rule the outline follows (`outline.rs`)
//! written for SQL. A cycle is broken at its card with the smallest path, which is a top
//! of the outline; no card is ever under itself. `no:parent`, `has:parent`, `depth`,
//! `has:children`, `parent:X` and `under:X` all read the parent links without the one
//! each cycle loses.
//!
//! Finding cycles is a walk over every parent link, which SQL does slowly (a recursive
//! query of one row per card and level: ~200 ms at 100k cards); the aggregate
//! `parent_cycles(child, parent)` does it in one pass in Rust and gives each cycle's cards,
//! of which SQL picks the smallest path.

use std::collections::HashMap;

use rusqlite::functions::{Aggregate, Context};

/// The resolved parent links as `(child, parent)` rows.
pub const PARENT_LINKS: &str =
    "(SELECT card_id AS child, to_id AS parent FROM links WHERE kind = 'parent' AND +to_id IS NOT NULL)";

/// The ids of the cards where a cycle is broken, given the resolved parent links as
/// `(child, parent)` rows (a table or [`PARENT_LINKS`]): a subquery that depends on no
/// row, so SQLite runs it once per statement.
pub fn cut_ids(parent_links: &str) -> String {
    format!(
        "SELECT (SELECT c9.id FROM json_each(ring.value) m JOIN cards c9 ON c9.id = m.value
                  ORDER BY c9.path LIMIT 1)
          FROM json_each((SELECT parent_cycles(child, parent) FROM {parent_links})) ring"
    )
}

/// `parent_cycles(child, parent)` over the resolved parent links: a JSON array of cycles,
/// each the array of its cards' ids.
pub struct ParentCycles;

impl Aggregate<Vec<(i64, i64)>, String> for ParentCycles {
    fn init(&self, _: &mut Context<'_>) -> rusqlite::Result<Vec<(i64, i64)>> {
        Ok(Vec::new())
    }

    fn step(&self, ctx: &mut Context<'_>, links: &mut Vec<(i64, i64)>) -> rusqlite::Result<()> {
        // A NULL (a broken parent) is no link: the aggregate is given resolved ones only.
        if let (Some(child), Some(parent)) = (ctx.get::<Option<i64>>(0)?, ctx.get::<Option<i64>>(1)?) {
            links.push((child, parent));
        }
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, links: Option<Vec<(i64, i64)>>) -> rusqlite::Result<String> {
        let cycles = cycles(&links.unwrap_or_default());
        Ok(serde_json::Value::from(cycles).to_string())
    }
}

/// The cycles among `(child, parent)` links (a card has one parent at most; a second
/// link of the same card is ignored), each as its cards' ids in walk order.
pub fn cycles(links: &[(i64, i64)]) -> Vec<Vec<i64>> {
    let mut parent: HashMap<i64, i64> = HashMap::with_capacity(links.len());
    for &(child, p) in links {
        parent.entry(child).or_insert(p);
    }
    // 1: on the walk now, 2: done.
    let mut state: HashMap<i64, u8> = HashMap::with_capacity(parent.len());
    let mut out = Vec::new();
    let mut walk = Vec::new();
    for &(start, _) in links {
        walk.clear();
        let mut at = Some(start);
        while let Some(card) = at {
            match state.get(&card) {
                Some(2) => break,
                Some(_) => {
                    let from = walk.iter().position(|&n| n == card).unwrap_or(0);
                    out.push(walk[from..].to_vec());
                    break;
                }
                None => {
                    state.insert(card, 1);
                    walk.push(card);
                    at = parent.get(&card).copied();
                }
            }
        }
        for &card in &walk {
            state.insert(card, 2);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cycle_is_found_once_with_its_cards_and_nothing_else() {
        // 1 -> 2 -> 3 -> 1, 4 hangs under 3, 5 is its own parent, 6 -> 7 is a chain.
        let links = [(4, 3), (1, 2), (2, 3), (3, 1), (5, 5), (6, 7)];
        let mut found: Vec<Vec<i64>> = cycles(&links)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        found.sort();
        assert_eq!(found, [vec![1, 2, 3], vec![5]]);
        assert!(cycles(&[(1, 2), (2, 3)]).is_empty());
    }
}
