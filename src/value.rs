//! How a field value compares: as text, number, boolean or point in time.
//!
//! Both the index (when it flattens fields into typed columns) and the query layer (when it
//! types a literal in a filter) use these rules, so a value and a filter always agree.
//! Types come from the frontmatter syntax (`3` vs `"3"`) and from unmistakable ISO dates;
//! nothing else is guessed.
//!
//! Times are civil times in the system's time zone throughout: a date-time written with an
//! offset (`...Z`, `...+01:00`) is the local time of that instant, the same zone in which
//! `today` is a day and a file's modification time is shown.
//!
//! Numbers are exact ([`Decimal`]): a number keeps the digits it was written with, and
//! compares and sorts by its exact value; an `f64` is only the index's approximation.

mod decimal;

use jiff::tz::TimeZone;
use serde_json::Value;

pub use decimal::{Decimal, MAX_EXPONENT, NotDecimal};

/// A field value as the index stores it for comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Null,
    Bool(bool),
    /// The nearest `f64`: infinite beyond its range (the exact value is the text).
    Number(f64),
    /// Sortable text: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` (local time when an offset was given).
    Date(String),
    Text,
}

impl Typed {
    pub fn kind(&self) -> &'static str {
        match self {
            Typed::Null => "null",
            Typed::Bool(_) => "bool",
            Typed::Number(_) => "number",
            Typed::Date(_) => "date",
            Typed::Text => "text",
        }
    }
}

/// Types a scalar JSON value (lists and maps are flattened before they get here).
pub fn classify(value: &Value) -> Typed {
    match value {
        Value::Null => Typed::Null,
        Value::Bool(b) => Typed::Bool(*b),
        Value::Number(n) => json_number(n).map_or(Typed::Text, Typed::Number),
        Value::String(s) => parse_date(s).map_or(Typed::Text, Typed::Date),
        Value::Array(_) | Value::Object(_) => Typed::Text,
    }
}

/// The text a scalar shows and matches as.
pub fn display_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A JSON number's nearest `f64`, infinite beyond its range; `None` only for a number
/// whose exponent is beyond [`MAX_EXPONENT`] (which frontmatter parsing refuses).
fn json_number(n: &serde_json::Number) -> Option<f64> {
    // Every JSON number is valid Rust float syntax; `parse` rounds correctly, so the
    // index's approximation orders numbers as their exact values do.
    let approx: f64 = n.as_str().parse().ok()?;
    let representable = (approx.is_finite() && approx != 0.0) || Decimal::parse(n.as_str()).is_ok();
    representable.then_some(approx)
}

/// A number written as text (`"3"`, `" -1.5 "`, `"1e3"`), as its nearest `f64`: what a
/// declared `number` field accepts from text. `v3`, `3rd`, `1.2.3` and numbers beyond
/// [`MAX_EXPONENT`] are not numbers.
pub fn number_text(text: &str) -> Option<f64> {
    Decimal::parse(text).ok()?;
    text.trim().parse().ok()
}

/// Infinity or NaN in any spelling YAML, TOML or a filter uses (`.inf`, `-.Inf`, `inf`,
/// `+inf`, `.nan`, `nan`, `infinity`), in any letter case: written like a number, but no
/// number termdex can compare.
pub fn is_infinity_or_nan(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let word = unsigned.strip_prefix('.').unwrap_or(unsigned);
    ["inf", "infinity", "nan"].iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// The exact number a field row holds, from its `text`: a number as written, or a
/// boolean as 0 or 1 (booleans compare and sort as numbers).
pub fn row_number(text: &str) -> Option<Decimal> {
    match text {
        "true" => Some(Decimal::one()),
        "false" => Some(Decimal::zero()),
        _ => Decimal::parse(text).ok(),
    }
}

/// The exact number of a scalar value: JSON numbers, booleans as 0 or 1.
pub fn value_number(value: &Value) -> Option<Decimal> {
    match value {
        Value::Number(n) => Decimal::parse(n.as_str()).ok(),
        Value::Bool(b) => Some(if *b { Decimal::one() } else { Decimal::zero() }),
        _ => None,
    }
}

/// Recognises an ISO 8601 date or date-time and returns its sortable form, with an offset
/// date-time in the system's time zone ([`parse_date_in`]).
pub fn parse_date(text: &str) -> Option<String> {
    parse_date_in(text, TimeZone::system)
}

/// Recognises an ISO 8601 date or date-time and returns its sortable form.
///
/// Accepts `2026-11-23`, `2026-11-23T10:00`, `2026-11-23 10:00:05`, `...Z` and `...+01:00`;
/// rejects impossible dates (`2026-02-30`) and anything with other text around it. A
/// date-time with an offset becomes the civil time of that instant in `zone` (asked for
/// only then, as looking up the system's zone is not free).
pub fn parse_date_in(text: &str, zone: impl FnOnce() -> TimeZone) -> Option<String> {
    let text = text.trim();
    let b = text.as_bytes();
    let date_shape = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    if !date_shape {
        return None;
    }
    if b.len() == 10 {
        let date: jiff::civil::Date = text.parse().ok()?;
        return Some(date.strftime("%Y-%m-%d").to_string());
    }
    if !matches!(b[10], b'T' | b't' | b' ') || !text[11..].contains(':') {
        return None;
    }
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(civil_text(ts, &zone()));
    }
    let normalized = format!("{}T{}", &text[..10], &text[11..]);
    let datetime: jiff::civil::DateTime = normalized.parse().ok()?;
    Some(datetime.strftime("%Y-%m-%dT%H:%M:%S").to_string())
}

/// An instant as sortable civil-time text in `zone`.
pub fn civil_text(ts: jiff::Timestamp, zone: &TimeZone) -> String {
    ts.to_zoned_datetime(zone.clone()).datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinity_and_nan_in_every_spelling() {
        for text in
            [".inf", "-.inf", "+.Inf", ".INF", "inf", "-inf", "+inf", "Infinity", ".nan", "NaN", "-nan"]
        {
            assert!(is_infinity_or_nan(text), "{text}");
        }
        for text in ["info", "1e400", "in", "nano", "..inf", ""] {
            assert!(!is_infinity_or_nan(text), "{text}");
        }
    }

    fn in_utc(text: &str) -> Option<String> {
        parse_date_in(text, || TimeZone::UTC)
    }

    #[test]
    fn iso_dates_and_datetimes() {
        assert_eq!(in_utc("2026-11-23").as_deref(), Some("2026-11-23"));
        assert_eq!(in_utc("2026-11-23T09:05").as_deref(), Some("2026-11-23T09:05:00"));
        assert_eq!(in_utc("2026-11-23 09:05:07").as_deref(), Some("2026-11-23T09:05:07"));
        assert_eq!(in_utc("2026-11-23T09:05:07Z").as_deref(), Some("2026-11-23T09:05:07"));
        assert_eq!(in_utc("2026-11-23T09:05:07+01:00").as_deref(), Some("2026-11-23T08:05:07"));
    }

    #[test]
    fn offset_datetimes_become_the_zones_civil_time_and_plain_ones_stay() {
        let tokyo = || TimeZone::fixed(jiff::tz::offset(9));
        assert_eq!(parse_date_in("2026-11-23T20:00:00Z", tokyo).as_deref(), Some("2026-11-24T05:00:00"));
        assert_eq!(parse_date_in("2026-11-23T20:00:00+01:00", tokyo).as_deref(), Some("2026-11-24T04:00:00"));
        assert_eq!(parse_date_in("2026-11-23T20:00:00", tokyo).as_deref(), Some("2026-11-23T20:00:00"));
        assert_eq!(parse_date_in("2026-11-23", tokyo).as_deref(), Some("2026-11-23"));
    }

    #[test]
    fn numbers_in_text_are_only_numeric_looking_text() {
        assert_eq!(number_text("3"), Some(3.0));
        assert_eq!(number_text(" -1.5 "), Some(-1.5));
        assert_eq!(number_text("+2"), Some(2.0));
        assert_eq!(number_text("1e3"), Some(1000.0));
        assert_eq!(number_text("1E-1"), Some(0.1));
        assert_eq!(number_text("1e999"), Some(f64::INFINITY));
        for text in ["v3", "3rd", "1.2.3", "", "-", ".", "e3", "three", "inf", "1e99999999999999999999"] {
            assert_eq!(number_text(text), None, "{text}");
        }
    }

    #[test]
    fn json_numbers_beyond_f64_are_still_numbers() {
        let number = |text: &str| classify(&serde_json::from_str(text).expect("json"));
        assert_eq!(number("1e400"), Typed::Number(f64::INFINITY));
        assert_eq!(number("-1e400"), Typed::Number(f64::NEG_INFINITY));
        assert_eq!(number("1e-400"), Typed::Number(0.0));
        assert_eq!(number("123456789012345678901234567890"), Typed::Number(1.2345678901234568e29));
        assert_eq!(number("1e99999999999999999999"), Typed::Text);
        let big: Value = serde_json::from_str("123456789012345678901234567890").expect("json");
        assert_eq!(display_text(&big), "123456789012345678901234567890", "shown with every digit");
        assert_eq!(value_number(&big), Decimal::parse("123456789012345678901234567890").ok());
    }

    #[test]
    fn look_alikes_stay_text() {
        for text in ["2026-02-30", "2026-11-23 and more", "20261123", "2026-1-3", "abcd-ef-gh", "2026-11-23x"]
        {
            assert_eq!(in_utc(text), None, "{text}");
        }
        assert_eq!(classify(&Value::String("3".into())), Typed::Text);
        assert_eq!(classify(&serde_json::json!(3)), Typed::Number(3.0));
    }
}
