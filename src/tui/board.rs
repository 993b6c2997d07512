//! Board mode: the cards of a view in columns, one per value of its `group_by` field.
//!
//! Columns come in the field's declared order (`when`: today, tomorrow, week ...), then
//! any other values found, then a column for cards without the field. Every card is in
//! exactly one column: a list value counts by its first element.

use crate::config::Config;
use crate::index::CardRow;
use crate::output::value_text;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    /// What the field is set to when a card moves here; `None` removes it.
    pub value: Option<String>,
    /// Indices into the app's rows, in display order.
    pub cards: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    pub field: String,
    pub columns: Vec<Column>,
    /// The column with the cursor.
    pub column: usize,
    /// The cursor's position within that column.
    pub row: usize,
}

/// The label of the column of cards without the field.
pub const UNSET: &str = "(none)";

impl Board {
    /// Groups `visible` rows by `field`.
    pub fn build(field: &str, rows: &[CardRow], visible: &[usize], config: &Config) -> Board {
        let mut columns: Vec<Column> = config
            .field(field)
            .map(|spec| spec.order.iter().map(|v| column(v, Some(v.clone()))).collect())
            .unwrap_or_default();
        let declared = columns.len();
        let mut unset = column(UNSET, None);
        for &i in visible {
            // Stored fields that do not read are damage, which the card's preview heals;
            // until then the card waits among the unset.
            let value = rows[i].value(field).ok().flatten().map(|v| match v {
                serde_json::Value::Array(items) => items.first().map(value_text).unwrap_or_default(),
                other => value_text(&other),
            });
            let text = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
            let Some(text) = text else {
                unset.cards.push(i);
                continue;
            };
            match columns.iter_mut().find(|c| c.label.eq_ignore_ascii_case(&text)) {
                Some(c) => c.cards.push(i),
                None => {
                    let mut c = column(&text, Some(text.clone()));
                    c.cards.push(i);
                    columns.push(c);
                }
            }
        }
        columns[declared..].sort_by_key(|c| c.label.to_lowercase());
        columns.push(unset);
        let column = columns.iter().position(|c| !c.cards.is_empty()).unwrap_or(0);
        Board { field: field.to_string(), columns, column, row: 0 }
    }

    /// The row index of the card under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.columns.get(self.column).and_then(|c| c.cards.get(self.row)).copied()
    }

    /// Puts the cursor on the first card `is_it` picks.
    pub fn select(&mut self, is_it: impl Fn(usize) -> bool) {
        for (ci, c) in self.columns.iter().enumerate() {
            if let Some(ri) = c.cards.iter().position(|&i| is_it(i)) {
                self.column = ci;
                self.row = ri;
                return;
            }
        }
    }

    pub fn move_row(&mut self, delta: isize) {
        let len = self.columns.get(self.column).map_or(0, |c| c.cards.len());
        let last = len.saturating_sub(1) as isize;
        self.row = (self.row as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn move_column(&mut self, delta: isize) {
        if let Some(target) = self.neighbour(delta) {
            self.column = target;
            let len = self.columns[target].cards.len();
            self.row = self.row.min(len.saturating_sub(1));
        }
    }

    /// The column `delta` steps away, if there is one.
    pub fn neighbour(&self, delta: isize) -> Option<usize> {
        let target = self.column as isize + delta;
        (0..self.columns.len() as isize).contains(&target).then_some(target as usize)
    }

    /// After a rebuild: the cursor goes back to the column it was in (by label).
    pub fn keep_position(&mut self, previous: &Board) {
        let label = previous.columns.get(previous.column).map(|c| c.label.as_str());
        if let Some(ci) = self.columns.iter().position(|c| Some(c.label.as_str()) == label) {
            self.column = ci;
            self.row = previous.row.min(self.columns[ci].cards.len().saturating_sub(1));
        }
    }
}

fn column(label: &str, value: Option<String>) -> Column {
    Column { label: label.to_string(), value, cards: Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &str) -> CardRow {
        CardRow { fields_json: fields.into(), ..CardRow::default() }
    }

    #[test]
    fn every_card_lands_in_exactly_one_column() {
        let rows = vec![
            row(r#"{"when":"Today"}"#),
            row(r#"{"when":["week","today"]}"#),
            row(r#"{"when":"later"}"#),
            row(r#"{}"#),
            row(r#"{"when":""}"#),
            row(r#"{"when":"someday"}"#),
        ];
        let visible: Vec<usize> = (0..rows.len()).collect();
        let board = Board::build("when", &rows, &visible, &Config::builtin());
        let labels: Vec<&str> = board.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["today", "tomorrow", "week", "month", "quarter", "someday", "later", UNSET]);
        let mut placed: Vec<usize> = board.columns.iter().flat_map(|c| c.cards.clone()).collect();
        placed.sort();
        assert_eq!(placed, visible, "each card once");
        assert_eq!(board.columns[0].cards, vec![0]);
        assert_eq!(board.columns[2].cards, vec![1]);
        assert_eq!(board.columns[7].cards, vec![3, 4]);
        assert_eq!(board.columns[7].value, None);
    }

    #[test]
    fn the_cursor_moves_between_columns_and_rows() {
        let rows =
            vec![row(r#"{"status":"todo"}"#), row(r#"{"status":"todo"}"#), row(r#"{"status":"done"}"#)];
        let mut board = Board::build("status", &rows, &[0, 1, 2], &Config::builtin());
        assert_eq!((board.column, board.selected()), (0, Some(0)));
        board.move_row(1);
        assert_eq!(board.selected(), Some(1));
        board.move_column(1);
        assert_eq!((board.column, board.selected()), (1, None), "active is empty");
        board.move_column(2);
        assert_eq!(board.selected(), Some(2));
        assert_eq!(board.neighbour(-4), None);
    }
}
