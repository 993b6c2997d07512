//! Flattening a card's fields into `card_fields` rows.
//!
//! Lists become one row per element (so `tag:rust` matches any element), nested maps
//! become dotted keys plus a `map` row for the map itself (so `has:author` works), and
//! an empty list or empty value is a `null` row (present, but `has:` is false).
//!
//! Every dotted key repeats its parents, so deep maps with long keys would cost the square
//! of their size; flattening stops at [`MAX_DEPTH`] levels and [`MAX_KEY_CHARS`] characters
//! of dotted key. A card makes at most [`MAX_ROWS`] rows, shared fairly between its keys:
//! a key wanting fewer rows than an even share gets all of them, so one long list never
//! costs another field its rows (the first cut lost every field after a 10,000-element
//! list). What is left out is listed in [`Flat::cut`], stored with the card, and `check`
//! warns about it; it is not filterable by field, but stays in the card's JSON (and so in
//! `show`, `--format json` and `termdex sql`).

use std::collections::HashSet;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::frontmatter::Fields;
use crate::value::{Typed, classify, display_text};

/// How many maps deep a dotted key may reach (`a.b.c` is three); a map at this depth gets
/// its `map` row, its contents get none.
pub const MAX_DEPTH: usize = 8;

/// The longest dotted key flattened, in characters; a longer key and what is under it get
/// no rows.
pub const MAX_KEY_CHARS: usize = 200;

/// The most rows one card's fields make. A row costs about 65 bytes of index (measured:
/// 10,000 rows, 650 KB) and 7 µs to write, so a card at the cap adds some 3 MB and a
/// third of a second: bounded, as a 1 MiB card of `[a,a,a,...]` would otherwise make half
/// a million rows. It is five times the longest list we expect a real card to hold (a
/// generated card listing 10,000 references), and one key may use all of it.
pub const MAX_ROWS: usize = 50_000;

/// How many cuts a card keeps a record of; the rest are only counted.
const MAX_CUTS_LISTED: usize = 20;

/// Characters of a key kept when it is named in a cut because it is too long.
const SHOWN_KEY_CHARS: usize = 40;

/// One `card_fields` row, without its card id.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRow {
    pub key: String,
    pub pos: i64,
    pub kind: &'static str,
    pub text: Option<String>,
    pub norm: Option<String>,
    pub num: Option<f64>,
    pub time: Option<String>,
}

/// Something in a card's fields that got no rows, so no filter finds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Cut {
    /// The key (lower-cased, dotted) has `of` values (list elements), more than its share
    /// of the card's [`MAX_ROWS`]: only the first `kept` have rows.
    Values { key: String, kept: usize, of: usize },
    /// A map or list nested more than [`MAX_DEPTH`] levels deep at `key`: what is under it
    /// has no rows.
    Deep { key: String },
    /// A dotted key longer than [`MAX_KEY_CHARS`] (shown shortened, ending in `…`): it and
    /// what is under it have no rows.
    LongKey { key: String },
}

impl Cut {
    /// The dotted key the cut is at, as stored (lower-cased; shortened for a long key).
    pub fn key(&self) -> &str {
        match self {
            Cut::Values { key, .. } | Cut::Deep { key } | Cut::LongKey { key } => key,
        }
    }
}

/// What a card's fields left out of the index: the first cuts, and how many more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cuts {
    pub listed: Vec<Cut>,
    pub more: usize,
}

impl Cuts {
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty() && self.more == 0
    }

    /// The JSON kept in `cards.cut`, `None` when nothing was cut.
    pub fn to_json(&self) -> Option<String> {
        (!self.is_empty()).then(|| serde_json::to_string(self).unwrap_or_default())
    }
}

/// A card's rows, and what did not fit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flat {
    pub rows: Vec<FieldRow>,
    pub cut: Cuts,
}

/// The rows for one card's fields.
pub fn flatten(fields: &Fields) -> Flat {
    // Nearly every card fits: one pass, stopped as soon as it would not.
    let mut out = Flattener::new(Mode::Emit(None));
    out.fields(fields);
    if out.overflow {
        // Count what each key wants, share the rows, then flatten again within the shares.
        let mut count = Flattener::new(Mode::Count);
        count.fields(fields);
        let wanted: Vec<usize> = count.keys.values().copied().collect();
        let allowed = shares(&wanted, MAX_ROWS);
        let keys = count.keys.keys().cloned().zip(allowed.iter().copied()).collect();
        out = Flattener::new(Mode::Emit(Some(keys)));
        out.fields(fields);
        for (key, (&of, &kept)) in count.keys.keys().zip(wanted.iter().zip(&allowed)) {
            if kept < of {
                out.cut(Cut::Values { key: key.clone(), kept, of });
            }
        }
    }
    Flat { rows: out.rows, cut: out.cuts }
}

/// How many rows each key gets when they want `wanted` and only `budget` are to be had:
/// the largest even share that fits, all of it to keys wanting less, and the rows that
/// share leaves over one each to the first keys cut, in card order.
fn shares(wanted: &[usize], budget: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| wanted[i]);
    let (mut left, mut level) = (budget, usize::MAX);
    for (n, &i) in order.iter().enumerate() {
        let sharing = wanted.len() - n;
        if wanted[i].saturating_mul(sharing) > left {
            level = left / sharing;
            left -= level * sharing;
            break;
        }
        left -= wanted[i];
    }
    let mut allowed: Vec<usize> = wanted.iter().map(|&w| w.min(level)).collect();
    for (allow, &want) in allowed.iter_mut().zip(wanted) {
        if left == 0 {
            break;
        }
        if want > *allow {
            *allow += 1;
            left -= 1;
        }
    }
    allowed
}

enum Mode {
    /// Count the rows each key would make.
    Count,
    /// Make rows: every one (stopping with `overflow` past [`MAX_ROWS`]), or each key's
    /// share.
    Emit(Option<IndexMap<String, usize>>),
}

struct Flattener {
    mode: Mode,
    rows: Vec<FieldRow>,
    /// Per key: rows counted (`Mode::Count`) or positions given so far.
    keys: IndexMap<String, usize>,
    overflow: bool,
    cuts: Cuts,
    seen_cuts: HashSet<Cut>,
}

impl Flattener {
    fn new(mode: Mode) -> Self {
        Flattener {
            mode,
            rows: Vec::new(),
            keys: IndexMap::new(),
            overflow: false,
            cuts: Cuts::default(),
            seen_cuts: HashSet::new(),
        }
    }

    fn fields(&mut self, fields: &Fields) {
        for (key, value) in fields {
            self.value(&key.to_lowercase(), value, 1);
        }
    }

    /// Records a cut once (a list of deep maps is cut at the same key for every element).
    fn cut(&mut self, cut: Cut) {
        if self.seen_cuts.contains(&cut) {
            return;
        }
        if self.cuts.listed.len() < MAX_CUTS_LISTED {
            self.cuts.listed.push(cut.clone());
        } else {
            self.cuts.more += 1;
        }
        self.seen_cuts.insert(cut);
    }

    /// `depth`: how many maps deep `key` reaches, 1 for a top-level field.
    fn value(&mut self, key: &str, value: &Value, depth: usize) {
        if self.overflow {
            return;
        }
        if key.chars().count() > MAX_KEY_CHARS {
            self.cut(Cut::LongKey { key: shortened(key, "") });
            return;
        }
        match value {
            Value::Array(items) if items.is_empty() => self.push(key, "null", None, None, None),
            // A list in a list is a level too, or lists could nest without bound.
            Value::Array(items) if depth <= MAX_DEPTH => {
                items.iter().for_each(|item| self.value(key, item, depth + usize::from(item.is_array())))
            }
            Value::Array(_) => self.cut(Cut::Deep { key: key.to_string() }),
            Value::Object(map) => {
                self.push(key, "map", None, None, None);
                if depth >= MAX_DEPTH {
                    if !map.is_empty() {
                        self.cut(Cut::Deep { key: key.to_string() });
                    }
                    return;
                }
                for (sub, v) in map {
                    // Checked before the key is built: a long key is never copied.
                    if key.len() + 1 + sub.len() > 4 * MAX_KEY_CHARS {
                        self.cut(Cut::LongKey { key: shortened(key, sub) });
                        continue;
                    }
                    self.value(&format!("{key}.{}", sub.to_lowercase()), v, depth + 1);
                }
            }
            scalar => self.scalar(key, scalar),
        }
    }

    fn scalar(&mut self, key: &str, value: &Value) {
        if let Mode::Count = self.mode {
            // Counting needs no text: every scalar is one row.
            return self.push(key, "null", None, None, None);
        }
        let text = display_text(value);
        match classify(value) {
            Typed::Null => self.push(key, "null", None, None, None),
            Typed::Text if text.is_empty() => self.push(key, "null", None, None, None),
            Typed::Bool(b) => self.push(key, "bool", Some(text), Some(f64::from(u8::from(b))), None),
            Typed::Number(n) => self.push(key, "number", Some(text), Some(n), None),
            Typed::Date(d) => self.push(key, "date", Some(text), None, Some(d)),
            Typed::Text => self.push(key, "text", Some(text), None, None),
        }
    }

    fn push(
        &mut self,
        key: &str,
        kind: &'static str,
        text: Option<String>,
        num: Option<f64>,
        time: Option<String>,
    ) {
        let pos = match self.keys.get_mut(key) {
            Some(pos) => pos,
            None => self.keys.entry(key.to_string()).or_insert(0),
        };
        let taken = *pos;
        *pos += 1;
        match &self.mode {
            Mode::Count => return,
            Mode::Emit(None) if self.rows.len() >= MAX_ROWS => {
                self.overflow = true;
                return;
            }
            Mode::Emit(None) => {}
            Mode::Emit(Some(allowed)) if allowed.get(key).is_none_or(|&allow| taken >= allow) => return,
            Mode::Emit(Some(_)) => {}
        }
        self.rows.push(FieldRow {
            key: key.to_string(),
            pos: taken as i64,
            kind,
            norm: text.as_ref().map(|t| t.to_lowercase()),
            text,
            num,
            time,
        });
    }
}

/// `key.sub` cut to its first [`SHOWN_KEY_CHARS`] characters and `…`, without copying
/// more of either.
fn shortened(key: &str, sub: &str) -> String {
    let dot = if sub.is_empty() { "" } else { "." };
    let mut shown: String = key.chars().chain(dot.chars()).chain(sub.chars()).take(SHOWN_KEY_CHARS).collect();
    shown = shown.to_lowercase();
    shown.push('…');
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flat(v: Value) -> Flat {
        flatten(v.as_object().expect("object"))
    }

    fn rows(v: Value) -> Vec<(String, i64, &'static str, Option<String>)> {
        flat(v).rows.into_iter().map(|r| (r.key, r.pos, r.kind, r.norm)).collect()
    }

    fn count(flat: &Flat, key: &str) -> usize {
        flat.rows.iter().filter(|r| r.key == key).count()
    }

    #[test]
    fn lists_maps_and_empties() {
        let got = rows(
            json!({"Tags": ["Rust", "CLI"], "author": {"Name": "Ada"}, "none": [], "n": 2, "d": "2026-01-02", "e": ""}),
        );
        assert_eq!(
            got,
            vec![
                ("tags".into(), 0, "text", Some("rust".into())),
                ("tags".into(), 1, "text", Some("cli".into())),
                ("author".into(), 0, "map", None),
                ("author.name".into(), 0, "text", Some("ada".into())),
                ("none".into(), 0, "null", None),
                ("n".into(), 0, "number", Some("2".into())),
                ("d".into(), 0, "date", Some("2026-01-02".into())),
                ("e".into(), 0, "null", None),
            ]
        );
    }

    #[test]
    fn colliding_keys_get_distinct_positions() {
        let got = rows(json!({"a.b": 1, "a": {"b": 2}}));
        let positions: Vec<_> = got.iter().filter(|r| r.0 == "a.b").map(|r| r.1).collect();
        assert_eq!(positions, vec![0, 1]);
    }

    #[test]
    fn deep_maps_are_flattened_only_so_deep_and_say_so() {
        let mut value = json!("leaf");
        for level in (0..20).rev() {
            value = json!({ format!("K{level}"): value });
        }
        let got = flat(value);
        let deepest = got.rows.iter().map(|r| r.key.split('.').count()).max();
        assert_eq!(deepest, Some(MAX_DEPTH));
        assert_eq!(got.rows.len(), MAX_DEPTH, "one map row per level, no leaf");
        assert!(got.rows.iter().all(|r| r.kind == "map"));
        let key = (0..MAX_DEPTH).map(|l| format!("k{l}")).collect::<Vec<_>>().join(".");
        assert_eq!(got.cut, Cuts { listed: vec![Cut::Deep { key }], more: 0 });
    }

    #[test]
    fn lists_nested_too_deep_are_cut_once() {
        let mut value = json!(1);
        for _ in 0..(MAX_DEPTH + 2) {
            value = json!([value]);
        }
        // Three of them: the cut at the same key is named once.
        let got = flat(json!({ "l": [value.clone(), value.clone(), value], "after": 1 }));
        assert_eq!(got.cut.listed, vec![Cut::Deep { key: "l".into() }]);
        assert_eq!(count(&got, "after"), 1);
    }

    #[test]
    fn long_keys_are_not_flattened_and_are_named_short() {
        let long = "K".repeat(MAX_KEY_CHARS + 1);
        let got = flat(json!({ "a": { long.clone(): { "b": 1 } }, "short": 1, long: 2 }));
        let rows: Vec<_> = got.rows.iter().map(|r| (r.key.as_str(), r.kind)).collect();
        assert_eq!(rows, vec![("a", "map"), ("short", "number")]);
        let shown = |prefix: &str| {
            format!("{}…", &format!("{prefix}{}", "k".repeat(SHOWN_KEY_CHARS))[..SHOWN_KEY_CHARS])
        };
        assert_eq!(got.cut.listed, vec![Cut::LongKey { key: shown("a.") }, Cut::LongKey { key: shown("") }],);
    }

    #[test]
    fn a_long_list_leaves_every_other_field_its_rows() {
        // The hostile test: every field after a list as long as the cap had no rows.
        let many: Vec<String> = (0..(MAX_ROWS + 50)).map(|i| format!("r{i}")).collect();
        let got = flat(json!({ "title": "H", "refs": many, "status": "urgent", "n": {"m": 1} }));
        assert_eq!(got.rows.len(), MAX_ROWS);
        for key in ["title", "status", "n", "n.m"] {
            assert_eq!(count(&got, key), 1, "{key}");
        }
        let kept = MAX_ROWS - 4;
        assert_eq!(count(&got, "refs"), kept);
        let positions: Vec<i64> = got.rows.iter().filter(|r| r.key == "refs").map(|r| r.pos).collect();
        assert_eq!(positions, (0..kept as i64).collect::<Vec<_>>(), "the first values, in order");
        assert_eq!(got.cut.listed, vec![Cut::Values { key: "refs".into(), kept, of: MAX_ROWS + 50 }]);
    }

    #[test]
    fn a_list_of_ten_thousand_is_kept_whole() {
        let many: Vec<u32> = (0..10_000).collect();
        let got = flat(json!({ "title": "H", "refs": many, "status": "urgent" }));
        assert_eq!(got.rows.len(), 10_002);
        assert!(got.cut.is_empty());
        assert_eq!(got.cut.to_json(), None);
    }

    #[test]
    fn long_lists_share_the_rows_evenly() {
        let long: Vec<u32> = (0..MAX_ROWS as u32).collect();
        let got = flat(json!({ "a": long.clone(), "b": long, "c": [1, 2, 3] }));
        assert_eq!(got.rows.len(), MAX_ROWS);
        let half = (MAX_ROWS - 3) / 2;
        // The odd row left over goes to the first key cut.
        assert_eq!((count(&got, "a"), count(&got, "b"), count(&got, "c")), (half + 1, half, 3));
        assert_eq!(got.cut.listed.len(), 2);
    }

    #[test]
    fn more_keys_than_rows_keep_the_first_keys() {
        let fields: Fields = (0..MAX_ROWS + 30).map(|i| (format!("k{i}"), json!(i))).collect();
        let got = flatten(&fields);
        assert_eq!(got.rows.len(), MAX_ROWS);
        assert_eq!(got.rows.last().map(|r| r.key.clone()), Some(format!("k{}", MAX_ROWS - 1)));
        assert_eq!(got.cut.listed.len(), MAX_CUTS_LISTED);
        assert_eq!(got.cut.listed[0], Cut::Values { key: format!("k{MAX_ROWS}"), kept: 0, of: 1 });
        assert_eq!(got.cut.more, 30 - MAX_CUTS_LISTED);
    }

    #[test]
    fn shares_fit_the_budget_and_favour_no_key() {
        assert_eq!(shares(&[5, 1, 3], 100), vec![5, 1, 3]);
        assert_eq!(shares(&[100, 1, 100], 51), vec![25, 1, 25]);
        assert_eq!(shares(&[100, 1, 100], 52), vec![26, 1, 25]);
        assert_eq!(shares(&[1, 1, 1, 1], 2), vec![1, 1, 0, 0]);
        assert_eq!(shares(&[], 2), Vec::<usize>::new());
        for (wanted, budget) in [(vec![7, 0, 30, 2, 30], 40), (vec![usize::MAX, 3], 10), (vec![9; 13], 100)] {
            let got = shares(&wanted, budget);
            assert!(got.iter().sum::<usize>() <= budget, "{wanted:?}");
            assert!(got.iter().zip(&wanted).all(|(g, w)| g <= w), "{wanted:?}");
            let total = wanted.iter().fold(0usize, |a, &w| a.saturating_add(w));
            assert_eq!(got.iter().sum::<usize>(), total.min(budget), "every row is used: {wanted:?}");
        }
    }

    #[test]
    fn cuts_are_stored_as_json_and_read_back() {
        let cuts = Cuts {
            listed: vec![Cut::Values { key: "refs".into(), kept: 3, of: 4 }, Cut::Deep { key: "a".into() }],
            more: 2,
        };
        let json = cuts.to_json().expect("something was cut");
        assert_eq!(
            json,
            r#"{"listed":[{"why":"values","key":"refs","kept":3,"of":4},{"why":"deep","key":"a"}],"more":2}"#
        );
        assert_eq!(serde_json::from_str::<Cuts>(&json).expect("reads"), cuts);
    }

    #[test]
    fn block_nested_long_keys_stay_small() {
        // The reviewer's blow-up: every level a long key, each dotted key repeating them.
        let mut value = json!(1);
        for level in 0..400 {
            value = json!({ format!("{level}{}", "x".repeat(2000)): value });
        }
        let got = flat(value);
        let bytes: usize = got.rows.iter().map(|r| r.key.len()).sum();
        assert!(bytes <= MAX_ROWS * MAX_KEY_CHARS * 4, "{bytes} bytes of keys");
        assert!(got.rows.is_empty(), "a 2000-character key is not flattened");
        assert_eq!(got.cut.listed.len(), 1);
    }
}
