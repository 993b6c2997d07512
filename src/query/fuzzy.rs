//! The TUI's filter line: fuzzy matching of plain words against titles and paths, with
//! everything else (`field:value`, `#tag`, `-term`, `OR` ...) left to the filter language.
//!
//! Matching uses frizbee, the SIMD Smith-Waterman matcher skim itself uses by default,
//! over haystacks built once per result set, so a keystroke costs one pass of the matcher.

use std::collections::HashMap;

use frizbee::{Config, Matcher, SortStrategy};

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
        self.rank_until(pattern, &|| false).unwrap_or_default()
    }

    /// [`rank`](Haystacks::rank), given up (`None`) as soon as `stop` says the answer is
    /// no longer wanted: asked between words and every [`CHUNK`] haystacks, so that a
    /// pasted page of words on a large dex costs milliseconds once a newer keystroke
    /// supersedes it. The answer is the same as matching every word against every card:
    /// each word is matched only against the cards every word before it matched (each
    /// must match anyway), and a word written twice is matched once and counted twice.
    pub fn rank_until(&self, pattern: &str, stop: &dyn Fn() -> bool) -> Option<Vec<usize>> {
        let words = counted_words(pattern);
        if words.is_empty() {
            return Some((0..self.0.len()).collect());
        }
        // Only the scores matter here: the order frizbee would sort its matches in is not used.
        let config = Config { sort: SortStrategy::IndexAsc, ..Config::default() };
        // The cards still in the running, and the sum of their scores so far.
        let mut alive: Vec<usize> = (0..self.0.len()).collect();
        let mut scores: Vec<u64> = vec![0; alive.len()];
        for (word, times) in words {
            let mut matcher = Matcher::new(word, &config);
            let mut hits: Vec<Option<u16>> = vec![None; alive.len()];
            for (n, chunk) in alive.chunks(CHUNK).enumerate() {
                if stop() {
                    return None;
                }
                let haystacks: Vec<&str> = chunk.iter().map(|&i| self.0[i].as_str()).collect();
                for m in matcher.match_list(&haystacks) {
                    hits[n * CHUNK + m.index as usize] = Some(m.score);
                }
            }
            let mut kept = 0;
            for pos in 0..alive.len() {
                if let Some(score) = hits[pos] {
                    alive[kept] = alive[pos];
                    scores[kept] = scores[pos] + u64::from(score) * times;
                    kept += 1;
                }
            }
            alive.truncate(kept);
            scores.truncate(kept);
            if alive.is_empty() {
                break;
            }
        }
        let mut ranked: Vec<(usize, u64)> = alive.into_iter().zip(scores).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Some(ranked.into_iter().map(|(i, _)| i).collect())
    }
}

/// Haystacks matched between two looks at whether to stop: about a millisecond of
/// matching even for a needle of thousands of characters.
const CHUNK: usize = 1024;

/// The pattern's words as the matcher's needles (a trailing `*` dropped), each once, in
/// the order first written, with how many times it was written.
fn counted_words(pattern: &str) -> Vec<(&str, u64)> {
    let mut words: Vec<(&str, u64)> = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for word in pattern.split_whitespace() {
        let needle = word.trim_end_matches('*');
        match seen.get(needle) {
            Some(&at) => words[at].1 += 1,
            None => {
                seen.insert(needle, words.len());
                words.push((needle, 1));
            }
        }
    }
    words
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

    /// The ranking as first written: every word against every card, scores summed.
    fn rank_every_word_everywhere(hay: &Haystacks, pattern: &str) -> Vec<usize> {
        let mut scores: Vec<Option<u64>> = vec![Some(0); hay.0.len()];
        for word in pattern.split_whitespace() {
            let mut seen = vec![false; hay.0.len()];
            for m in Matcher::new(word.trim_end_matches('*'), &Config::default()).match_list(&hay.0) {
                seen[m.index as usize] = true;
                if let Some(total) = &mut scores[m.index as usize] {
                    *total += u64::from(m.score);
                }
            }
            for (score, hit) in scores.iter_mut().zip(seen) {
                if !hit {
                    *score = None;
                }
            }
        }
        let mut ranked: Vec<(usize, u64)> =
            scores.into_iter().enumerate().filter_map(|(i, s)| s.map(|s| (i, s))).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(i, _)| i).collect()
    }

    #[test]
    fn ranking_only_the_survivors_answers_as_matching_every_word_everywhere() {
        let titles = ["Weekly planning", "Plan the release", "Groceries", "plan a plane", "Planet notes"];
        let cards: Vec<CardRow> = (0..3000)
            .map(|i| row(&format!("{} {i}", titles[i % titles.len()]), &format!("d{}/c{i}.md", i % 7)))
            .collect();
        let hay = Haystacks::new(&cards);
        for pattern in
            ["plan", "plan plan", "pla* plan rel", "notes d3", "e e e a", "zzz plan", "", "c1 plan c1"]
        {
            assert_eq!(hay.rank(pattern), rank_every_word_everywhere(&hay, pattern), "{pattern:?}");
        }
    }

    #[test]
    fn a_ranking_no_longer_wanted_stops() {
        let cards: Vec<CardRow> = (0..5000).map(|i| row(&format!("card {i}"), "a.md")).collect();
        let hay = Haystacks::new(&cards);
        let asked = std::cell::Cell::new(0);
        let stop = || {
            asked.set(asked.get() + 1);
            asked.get() > 2
        };
        assert_eq!(hay.rank_until(&"ab ".repeat(3000), &stop), None);
        assert_eq!(asked.get(), 3, "given up at the third look, within the first word");
    }
}
