//! TOML frontmatter to JSON fields, from the parser's own tree (`toml::de::DeTable`),
//! which keeps every number as written and where it is.
//!
//! Reading the tree ourselves rather than through `toml::Table` lets a float be a number
//! as JSON's is ([`super::number::float`]: `1e400` and `1e-400` keep their digits, where
//! `toml` would refuse the one and round the other to zero), and lets `inf` and `nan`
//! stay text, reported at their line, rather than become the text of an `f64`. An integer
//! beyond 64 bits is refused by name, as TOML itself does. Dates become ISO text: JSON has
//! no date type, and the index recognises ISO text.

use std::ops::Range;

use serde_json::{Map, Value};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::number::{self, not_a_number};
use super::yaml::Problem;

/// Parses a TOML block, with the first value written as a number termdex cannot compare
/// (kept as text); errors are `(line within the block, 1-based; message)`.
pub fn parse(content: &str) -> Result<(Value, Option<Problem>), Problem> {
    let table = DeTable::parse(content).map_err(|e| {
        let start = e.span().map_or(0, |s| s.start.min(content.len()));
        (line_at(content, start), format!("invalid TOML: {}", e.message().trim()))
    })?;
    let mut reader = Reader { content, not_a_number: None };
    let value = reader.table(table.get_ref(), "")?;
    Ok((value, reader.not_a_number))
}

struct Reader<'a> {
    content: &'a str,
    not_a_number: Option<Problem>,
}

impl Reader<'_> {
    fn table(&mut self, table: &DeTable<'_>, prefix: &str) -> Result<Value, Problem> {
        let mut map = Map::new();
        for (key, value) in table.iter() {
            let key: &str = key.get_ref();
            let dotted = if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
            map.insert(key.to_string(), self.value(value, &dotted)?);
        }
        Ok(Value::Object(map))
    }

    fn value(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Result<Value, Problem> {
        let span = value.span();
        Ok(match value.get_ref() {
            DeValue::String(s) => Value::String(s.to_string()),
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(d) => Value::String(d.to_string()),
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Value::from(n),
                Err(_) => return Err(self.too_large(span)),
            },
            // `inf` and `nan` are no decimals: `float` leaves them out with the rest.
            DeValue::Float(f) => match number::float(f.as_str()) {
                Some(n) => Value::Number(n),
                None => self.not_a_number(f.as_str(), span, key),
            },
            DeValue::Array(items) => {
                Value::Array(items.iter().map(|item| self.value(item, key)).collect::<Result<_, _>>()?)
            }
            DeValue::Table(table) => self.table(table, key)?,
        })
    }

    /// `text`, kept as text, and noted unless a value before it was.
    fn not_a_number(&mut self, text: &str, span: Range<usize>, key: &str) -> Value {
        if self.not_a_number.is_none() {
            self.not_a_number = Some((line_at(self.content, span.start), not_a_number(key, text)));
        }
        Value::String(text.to_string())
    }

    fn too_large(&self, span: Range<usize>) -> Problem {
        let number = self.content.get(span.clone()).unwrap_or_default();
        let message = format!(
            "the number `{number}` is too large for TOML (integers up to 9223372036854775807); quote it \
             (\"{number}\") to keep it as text"
        );
        (line_at(self.content, span.start), message)
    }
}

/// The 1-based line of `content` that byte `at` is on.
fn line_at(content: &str, at: usize) -> usize {
    content.get(..at).map_or(0, |before| before.matches('\n').count()) + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> (Value, Option<Problem>) {
        parse(text).expect("parses")
    }

    #[test]
    fn floats_are_numbers_as_jsons_are() {
        let (value, problem) = read("a = 1e400\nb = -1e400\nc = 1e-400\nd = 1.5\ne = 2e3\nf = 1_000.5\n");
        assert_eq!(problem, None);
        let shown: Vec<String> =
            ["a", "b", "c", "d", "e", "f"].iter().map(|k| value[k].to_string()).collect();
        assert_eq!(shown, ["1e+400", "-1e+400", "1e-400", "1.5", "2000.0", "1000.5"]);
    }

    #[test]
    fn infinities_and_nan_stay_text_and_the_first_is_reported_at_its_line() {
        for text in ["inf", "+inf", "-inf", "nan", "+nan", "-nan"] {
            let (value, problem) = read(&format!("a = 1\np = {text}\n"));
            assert_eq!(value["p"], json!(text));
            let message = format!(
                "p: {text} is not a number termdex can compare (write it as text in quotes, or a finite number)"
            );
            assert_eq!(problem, Some((2, message)), "{text}");
        }
        let (value, problem) = read("x = 1\n[a]\nb = [1, nan]\nc = inf\n");
        assert_eq!(value, json!({"x": 1, "a": {"b": [1, "nan"], "c": "inf"}}));
        assert_eq!(problem.map(|(line, m)| (line, m[..9].to_string())), Some((3, "a.b: nan ".into())));
        assert_eq!(read("p = \"inf\"\n").1, None, "quoted, it is text");
    }

    #[test]
    fn integers_beyond_64_bits_are_refused_by_name() {
        let (line, message) = parse("a = 1\nid = 123_456_789_012_345_678_901\n").expect_err("too large");
        assert_eq!(
            (line, message.as_str()),
            (
                2,
                "the number `123_456_789_012_345_678_901` is too large for TOML (integers up to \
                 9223372036854775807); quote it (\"123_456_789_012_345_678_901\") to keep it as text"
            )
        );
        assert!(parse("x = 0xFFFFFFFFFFFFFFFFF\n").is_err());
        assert_eq!(read("x = 0x1F\ny = -9223372036854775808\n").0, json!({"x": 31, "y": i64::MIN}));
    }
}
