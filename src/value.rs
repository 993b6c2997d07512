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

use jiff::tz::TimeZone;
use serde_json::Value;

/// A field value as the index stores it for comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Null,
    Bool(bool),
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
        Value::Number(n) => n.as_f64().map_or(Typed::Text, Typed::Number),
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

/// A number written as text (`"3"`, `" -1.5 "`): digits with an optional sign and at most
/// one decimal point. What a declared `number` field accepts from text, and how a filter's
/// value reads as a number; `v3`, `3rd` and `1.2.3` are not numbers.
pub fn number_text(text: &str) -> Option<f64> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if ok { text.parse().ok() } else { None }
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
        for text in ["v3", "3rd", "1.2.3", "", "-", ".", "1e3", "three"] {
            assert_eq!(number_text(text), None, "{text}");
        }
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
