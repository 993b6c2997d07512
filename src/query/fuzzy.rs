//! The TUI's filter line: fuzzy matching of plain words against titles and paths, with
//! everything else (`field:value`, `#tag`, `-term`, `OR` ...) left to the filter language.
//!
//! Matching uses frizbee, the SIMD Smith-Waterman matcher skim itself uses by default,
//! over haystacks built once per result set, so a keystroke costs one pass of the matcher.

use frizbee::{Config, Matcher};

use crate::index::CardRow;

use super::filter::{self, Expr, FilterError};

/// A filter line split in two.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterLine {
    /// Terms for the filter language (views, fields, phrases, negations ...).
    pub structured: Expr,
    /// Plain words, matched fuzzily against title and path.
    pub fuzzy: String,
}

/// Splits a filter line: top-level plain words (not phrases, not negated, not inside
/// `OR` or parentheses) are fuzzy; the rest is the filter language.
pub fn split(line: &str) -> Result<FilterLine, FilterError> {
    let items = match filter::parse(line)? {
        Expr::And(items) => items,
        Expr::All => Vec::new(),
        other => vec![other],
    };
    let mut fuzzy = Vec::new();
    let mut structured = Vec::new();
    for item in items {
        match item {
            Expr::Text { text, phrase: false, prefix } => {
                fuzzy.push(if prefix { format!("{text}*") } else { text });
            }
            other => structured.push(other),
        }
    }
    let structured = match structured.len() {
        0 => Expr::All,
        1 => structured.remove(0),
        _ => Expr::And(structured),
    };
    Ok(FilterLine { structured, fuzzy: fuzzy.join(" ") })
}

/// Haystacks for a result set: what fuzzy words are matched against.
pub struct Haystacks(Vec<String>);

impl Haystacks {
    pub fn new(cards: &[CardRow]) -> Haystacks {
        Haystacks(cards.iter().map(|c| format!("{} {}", c.title, c.path)).collect())
    }

    /// Indices of the matching cards, best first (ties keep the query's order). An empty
    /// pattern keeps every card in order.
    pub fn rank(&self, pattern: &str) -> Vec<usize> {
        let words: Vec<&str> = pattern.split_whitespace().collect();
        if words.is_empty() {
            return (0..self.0.len()).collect();
        }
        // Each word must match; the score is the sum over words.
        let config = Config::default();
        let mut scores: Vec<Option<u32>> = vec![Some(0); self.0.len()];
        for word in words {
            let mut seen = vec![false; self.0.len()];
            for m in Matcher::new(word.trim_end_matches('*'), &config).match_list(&self.0) {
                let i = m.index as usize;
                seen[i] = true;
                if let Some(total) = &mut scores[i] {
                    *total += u32::from(m.score);
                }
            }
            for (score, hit) in scores.iter_mut().zip(seen) {
                if !hit {
                    *score = None;
                }
            }
        }
        let mut ranked: Vec<(usize, u32)> =
            scores.into_iter().enumerate().filter_map(|(i, s)| s.map(|s| (i, s))).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(i, _)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(title: &str, path: &str) -> CardRow {
        CardRow { title: title.into(), path: path.into(), ..CardRow::default() }
    }

    #[test]
    fn plain_words_are_fuzzy_and_the_rest_structured() {
        let line = split("meet #work status:todo plan -draft").expect("parses");
        assert_eq!(line.fuzzy, "meet plan");
        let field = |key: &str, value: &str, pos| Expr::Field {
            key: key.into(),
            op: filter::Op::Eq,
            value: value.into(),
            pos,
        };
        let draft = Expr::Text { text: "draft".into(), phrase: false, prefix: false };
        assert_eq!(
            line.structured,
            Expr::And(vec![
                field("tags", "work", 5),
                field("status", "todo", 11),
                Expr::Not(Box::new(draft))
            ])
        );
        let line = split("a OR b").expect("parses");
        assert_eq!((line.fuzzy.as_str(), line.structured), ("", filter::parse("a OR b").expect("parses")));
    }

    #[test]
    fn every_word_must_match_and_better_matches_come_first() {
        let cards =
            [row("Weekly planning", "a.md"), row("Plan the release", "b.md"), row("Groceries", "plan/c.md")];
        let hay = Haystacks::new(&cards);
        let ranked = hay.rank("plan");
        assert_eq!(ranked.len(), 3);
        assert_eq!(hay.rank("plan release"), vec![1]);
        assert_eq!(hay.rank("zzz"), Vec::<usize>::new());
        assert_eq!(hay.rank(""), vec![0, 1, 2]);
    }
}
