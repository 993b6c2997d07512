//! The top level of a card's fields JSON as borrowed `(key, raw value)` pairs, found by
//! one pass over the bytes: no hashing, no decoding of values nobody asked for. Reading a
//! few fields of every card (`md_front_matter`, the columns of `query`) is dominated by
//! this step, and serde's visitor over `RawValue`s took twice as long for the same answer.
//!
//! The scan is a validator: whatever serde_json would reject (a bad escape, a control
//! character in a string, a malformed number, trailing text) is `None` here too, so a
//! damaged fields text is never read as fields. Nesting has no limit (serde skips a raw
//! value without one) and costs no stack: the scan keeps its own. A key
//! written with escapes cannot be borrowed, and is `None` as well: callers then decode
//! the whole object.

pub(crate) fn scan_pairs(json: &str) -> Option<Vec<(&str, &str)>> {
    let bytes = json.as_bytes();
    let mut i = expect(bytes, skip_ws(bytes, 0), b'{')?;
    let mut pairs = Vec::with_capacity(12);
    i = skip_ws(bytes, i);
    if bytes.get(i) == Some(&b'}') {
        return at_end(bytes, i + 1).then_some(pairs);
    }
    loop {
        let (key_end, escaped) = scan_string(bytes, i)?;
        if escaped {
            return None;
        }
        let key = &json[i + 1..key_end - 1];
        let start = skip_ws(bytes, expect(bytes, skip_ws(bytes, key_end), b':')?);
        let end = value_end(bytes, start)?;
        pairs.push((key, &json[start..end]));
        i = skip_ws(bytes, end);
        match bytes.get(i)? {
            b',' => i = skip_ws(bytes, i + 1),
            b'}' => return at_end(bytes, i + 1).then_some(pairs),
            _ => return None,
        }
    }
}

fn at_end(bytes: &[u8], i: usize) -> bool {
    skip_ws(bytes, i) == bytes.len()
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

fn expect(bytes: &[u8], i: usize, byte: u8) -> Option<usize> {
    (bytes.get(i) == Some(&byte)).then_some(i + 1)
}

/// Where the value starting at `i` ends (one past its last byte).
fn value_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut open = Open::default();
    loop {
        // At the start of a value.
        i = match bytes.get(i)? {
            &b @ (b'{' | b'[') => {
                let keyed = b == b'{';
                let first = skip_ws(bytes, i + 1);
                if bytes.get(first) == Some(if keyed { &b'}' } else { &b']' }) {
                    first + 1
                } else {
                    open.push(keyed);
                    i = if keyed { member_value(bytes, first)? } else { first };
                    continue;
                }
            }
            b'"' => string_end(bytes, i)?,
            b't' => literal_end(bytes, i, b"true")?,
            b'f' => literal_end(bytes, i, b"false")?,
            b'n' => literal_end(bytes, i, b"null")?,
            b'-' | b'0'..=b'9' => number_end(bytes, i)?,
            _ => return None,
        };
        // After a value: close what it ended, until the next member starts.
        loop {
            let Some(keyed) = open.top() else { return Some(i) };
            i = skip_ws(bytes, i);
            match bytes.get(i)? {
                b',' => {
                    let next = skip_ws(bytes, i + 1);
                    i = if keyed { member_value(bytes, next)? } else { next };
                    break;
                }
                b'}' if keyed => open.pop(),
                b']' if !keyed => open.pop(),
                _ => return None,
            }
            i += 1;
        }
    }
}

/// `"key" :` at `i`: where the member's value starts.
fn member_value(bytes: &[u8], i: usize) -> Option<usize> {
    let key_end = string_end(bytes, i)?;
    Some(skip_ws(bytes, expect(bytes, skip_ws(bytes, key_end), b':')?))
}

fn literal_end(bytes: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    bytes[i..].starts_with(word).then_some(i + word.len())
}

/// The containers open around the scan, innermost last: `true` for an object. The first
/// 64 levels are bits (no allocation for the usual list or map), deeper ones a vector.
#[derive(Default)]
struct Open {
    depth: usize,
    bits: u64,
    deeper: Vec<bool>,
}

impl Open {
    fn push(&mut self, keyed: bool) {
        if self.depth < 64 {
            self.bits = (self.bits & !(1 << self.depth)) | (u64::from(keyed) << self.depth);
        } else {
            self.deeper.push(keyed);
        }
        self.depth += 1;
    }

    fn top(&self) -> Option<bool> {
        let top = self.depth.checked_sub(1)?;
        match top < 64 {
            true => Some(self.bits & (1 << top) != 0),
            false => self.deeper.last().copied(),
        }
    }

    fn pop(&mut self) {
        if self.depth > 64 {
            self.deeper.pop();
        }
        self.depth = self.depth.saturating_sub(1);
    }
}

/// A string starting at the quote at `i`: one past its closing quote.
fn string_end(bytes: &[u8], i: usize) -> Option<usize> {
    Some(scan_string(bytes, i)?.0)
}

/// [`string_end`], and whether the string holds an escape.
fn scan_string(bytes: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = expect(bytes, i, b'"')?;
    let mut escaped = false;
    loop {
        j = plain_run_end(bytes, j);
        match *bytes.get(j)? {
            b'"' => return Some((j + 1, escaped)),
            b'\\' => {
                escaped = true;
                j += match *bytes.get(j + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                    b'u' if bytes.get(j + 2..j + 6)?.iter().all(u8::is_ascii_hexdigit) => 6,
                    _ => return None,
                };
            }
            0..=0x1f => return None,
            _ => j += 1,
        }
    }
}

/// The first byte from `j` on that can end or escape a string or be refused in one (a
/// quote, a backslash, a control character), looked for eight bytes at a time; or where
/// fewer than eight bytes are left, for the byte-by-byte scan. Titles read one byte at a
/// time were most of this scan's time.
fn plain_run_end(bytes: &[u8], mut j: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` below `n` (n at most 128) is set. A borrow can
    // set it in a byte above such a byte too, never below: the lowest bit set is exact.
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH;
    while let Some(chunk) = bytes.get(j..j + 8) {
        let mut eight = [0; 8];
        eight.copy_from_slice(chunk);
        let word = u64::from_le_bytes(eight);
        let special = below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word, 0x20);
        if special != 0 {
            // Little-endian: the lowest bit is the first byte.
            return j + (special.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    j
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn number_end(bytes: &[u8], i: usize) -> Option<usize> {
    let digits = |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut j = i + usize::from(bytes[i] == b'-');
    match bytes.get(j)? {
        b'0' => j += 1,
        b'1'..=b'9' => j = digits(j),
        _ => return None,
    }
    if bytes.get(j) == Some(&b'.') {
        let end = digits(j + 1);
        if end == j + 1 {
            return None;
        }
        j = end;
    }
    if matches!(bytes.get(j), Some(b'e' | b'E')) {
        j += 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let end = digits(j);
        if end == j {
            return None;
        }
        j = end;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;

    /// What serde_json answers for the same text: the reference the scan must equal.
    struct SerdePairs<'a>(Vec<(&'a str, &'a str)>);

    impl<'de> Deserialize<'de> for SerdePairs<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct PairsVisitor;
            impl<'de> Visitor<'de> for PairsVisitor {
                type Value = SerdePairs<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SerdePairs<'de>, A::Error> {
                    let mut pairs = Vec::new();
                    while let Some((key, raw)) = map.next_entry::<&'de str, &'de RawValue>()? {
                        pairs.push((key, raw.get()));
                    }
                    Ok(SerdePairs(pairs))
                }
            }
            deserializer.deserialize_map(PairsVisitor)
        }
    }

    fn serde(json: &str) -> Option<Vec<(&str, &str)>> {
        serde_json::from_str::<SerdePairs<'_>>(json).ok().map(|p| p.0)
    }

    #[test]
    fn the_scan_answers_as_serde_does() {
        let texts = [
            r#"{"title":"A","tags":["x","y"],"n":3.0,"m":{"k":[1,{"z":null}]},"b":true}"#,
            "{}",
            " { } ",
            r#"{ "a" : 1 , "b" : [ ] }"#,
            r#"{"a":"q\"uote\\ \/ \b\f\n\r\t \u00e9"}"#,
            r#"{"\u00e9":1}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":01}"#,
            r#"{"a":-}"#,
            r#"{"a":1.}"#,
            r#"{"a":1e}"#,
            r#"{"a":-0.5e+10,"b":2E-3}"#,
            r#"{"a":tru}"#,
            r#"{"a":"\x"}"#,
            r#"{"a":"\u12"}"#,
            "{\"a\":\"tab\there\"}",
            r#"{"a":1} x"#,
            r#"[1]"#,
            r#""text""#,
            r#"{"a":[1,2,]}"#,
            r#"{"a":{"b"}}"#,
            r#"{"a":{"b":1,}}"#,
            r#"{"a":1,"a":2}"#,
            "",
            "{",
        ];
        for text in texts {
            assert_eq!(scan_pairs(text), serde(text), "{text}");
        }
        for depth in [1, 63, 64, 65, 200, 100_000] {
            let deep = format!("{{\"a\":{}1{}}}", "[{\"k\":".repeat(depth), "}]".repeat(depth));
            assert_eq!(scan_pairs(&deep), serde(&deep), "{depth}");
            assert!(scan_pairs(&deep).is_some(), "{depth}");
            let unclosed = format!("{{\"a\":{}1{}}}", "[{\"k\":".repeat(depth), "}]".repeat(depth - 1));
            assert_eq!(scan_pairs(&unclosed), None, "{depth}");
        }
    }

    #[test]
    fn long_strings_are_scanned_eight_bytes_at_a_time_and_stop_where_they_must() {
        for len in 0..24 {
            for at in 0..=len {
                for special in ["\"", "\\n", "\\q", "\u{1}", "\u{1f}", "\u{7f}", "é", "\\u00e9", " "] {
                    let text: String = (0..len).map(|i| if i == at { special } else { "x" }).collect();
                    for json in [format!(r#"{{"k": "{text}"}}"#), format!(r#"{{"{text}": 1}}"#)] {
                        assert_eq!(scan_pairs(&json), serde(&json), "{json:?}");
                    }
                }
            }
        }
    }

    proptest! {
        /// Texts made of JSON's own pieces, mostly well-formed and often not.
        #[test]
        fn the_scan_answers_as_serde_does_on_any_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("\""),
                    Just("\\"), Just("\\u00e9"), Just("\\n"), Just("a"), Just("é"), Just(" "),
                    Just("\t"), Just("0"), Just("12"), Just("-"), Just("."), Just("e"), Just("+"),
                    Just("true"), Just("null"), Just("\"k\":"), Just("\"v\""), Just("\u{1}"),
                ],
                0..24,
            )
        ) {
            let text = format!("{{{}", parts.concat());
            prop_assert_eq!(scan_pairs(&text), serde(&text));
        }

        #[test]
        fn the_scan_reads_every_object_serde_writes(value in any_object()) {
            let text = serde_json::to_string(&value).expect("serialises");
            prop_assert_eq!(scan_pairs(&text), serde(&text));
            let pretty = serde_json::to_string_pretty(&value).expect("serialises");
            prop_assert_eq!(scan_pairs(&pretty), serde(&pretty));
        }
    }

    fn any_object() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            ".{0,8}".prop_map(serde_json::Value::from),
        ];
        let value = leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map(".{0,4}", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        });
        proptest::collection::btree_map(".{0,6}", value, 0..6)
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()))
    }
}
