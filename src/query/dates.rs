//! Date words in filters: `today`, `-2w`, `this-month`, `2026-12-01` ... as spans of time.
//!
//! A span is a half-open range `[start, end)` of sortable text, the same shape the index
//! stores dates in, so `deadline<=+3d` is a plain text comparison on an indexed column.
//! A span that would end past the last day there is (9999-12-31) ends at [`END_OF_TIME`].

use jiff::civil::{Date, DateTime};
use jiff::{Span as JiffSpan, ToSpan};

use crate::clock::Clock;
use crate::value::parse_date_in;

/// Sorts after every date and date-time text, and is no date itself: the end of a span
/// that would run past 9999-12-31.
pub const END_OF_TIME: &str = "9999-12-32";

/// A half-open span of time as sortable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: String,
    pub end: String,
}

/// A word written as a date that names none: a distance from today past the days there
/// are, or one written in a form termdex does not read (`+1.5d`, `-1h`). Said, never read
/// as text: `date>+99999999d` compared as text matched every date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDate {
    /// The day it names is before -9999-01-01 or after 9999-12-31.
    OutOfRange,
    /// A sign, a number and letters, but no whole number of days, weeks, months or years.
    Form,
}

impl BadDate {
    /// What is wrong with `word`, and what is allowed.
    pub fn message(self, word: &str) -> String {
        match self {
            BadDate::OutOfRange => format!(
                "the date `{word}` is out of range: a date from today must fall between the years \
                 -9999 and 9999 (like +3d, -2w, +1m, -1y)"
            ),
            BadDate::Form => format!(
                "`{word}` is no distance from today: write a sign, a whole number and a unit, d (days), \
                 w (weeks), m (months) or y (years), like +3d, -2w, +1m, -1y"
            ),
        }
    }
}

/// The span a date word stands for; `None` when `text` is not a date word, an error when
/// it is written as one but names no day ([`BadDate`]).
pub fn span(text: &str, clock: &Clock) -> Result<Option<Span>, BadDate> {
    let today = clock.today;
    let lower = text.to_ascii_lowercase();
    let day = |start: Result<Date, jiff::Error>| match start {
        Ok(start) => Ok(Some(day_span(start, 1.day()))),
        Err(_) => Err(BadDate::OutOfRange),
    };
    match lower.as_str() {
        "today" => return day(Ok(today)),
        "yesterday" => return day(today.checked_sub(1.day())),
        "tomorrow" => return day(today.checked_add(1.day())),
        _ => {}
    }
    if let Some(span) = named_period(&lower, today) {
        return span.map(Some);
    }
    if let Some(offset) = relative(&lower) {
        return day(today.checked_add(offset?));
    }
    let Some(sortable) = parse_date_in(text, || clock.tz.clone()) else { return Ok(None) };
    if sortable.len() == 10 {
        return Ok(sortable.parse().ok().map(|start| day_span(start, 1.day())));
    }
    let Ok(point) = sortable.parse::<DateTime>() else { return Ok(None) };
    let end = point.checked_add(1.second()).map_or_else(|_| END_OF_TIME.to_string(), datetime_text);
    Ok(Some(Span { start: sortable, end }))
}

/// `this-week`, `last-month`, `next-year` ...; weeks start on Monday. `None` for other
/// words, an error for a period past the days there are.
fn named_period(text: &str, today: Date) -> Option<Result<Span, BadDate>> {
    let (which, unit) = text.split_once('-')?;
    let shift: i64 = match which {
        "this" => 0,
        "last" => -1,
        "next" => 1,
        _ => return None,
    };
    let start = match unit {
        "week" => today
            .checked_sub((today.weekday().to_monday_zero_offset() as i64).days())
            .and_then(|monday| monday.checked_add((7 * shift).days()))
            .map(|start| (start, 1.week())),
        "month" => today.first_of_month().checked_add(shift.months()).map(|start| (start, 1.month())),
        "year" => today.first_of_year().checked_add(shift.years()).map(|start| (start, 1.year())),
        _ => return None,
    };
    Some(start.map(|(start, len)| day_span(start, len)).map_err(|_| BadDate::OutOfRange))
}

/// `+3d`, `-2w`, `+1m`, `-1y` as a calendar offset. `None` for a word not written as one
/// (`+3`, `-1.5`, `-1e5`, `-inf`: numbers, or text); an error for a sign, a number and
/// letters that are no such offset (`+1.5d`, `-1h`, `+99999999d`).
fn relative(text: &str) -> Option<Result<JiffSpan, BadDate>> {
    let sign: i64 = match text.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let body = &text[1..];
    let split = body.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = body.split_at(split);
    if !number.bytes().any(|b| b.is_ascii_digit()) || !unit.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if number.contains('.') {
        return Some(Err(BadDate::Form));
    }
    let span = JiffSpan::new();
    let unit: fn(JiffSpan, i64) -> Result<JiffSpan, jiff::Error> = match unit {
        "d" => JiffSpan::try_days::<i64>,
        "w" => JiffSpan::try_weeks::<i64>,
        "m" => JiffSpan::try_months::<i64>,
        "y" => JiffSpan::try_years::<i64>,
        _ => return Some(Err(BadDate::Form)),
    };
    // Digits only: a number too long for an i64 is out of range, not another form.
    let n = number.parse::<i64>().ok().and_then(|n| n.checked_mul(sign));
    Some(n.and_then(|n| unit(span, n).ok()).ok_or(BadDate::OutOfRange))
}

/// The days from `start` for `len`, ending at [`END_OF_TIME`] when that runs past the
/// last day there is.
fn day_span(start: Date, len: JiffSpan) -> Span {
    let end = start.checked_add(len).map_or_else(|_| END_OF_TIME.to_string(), date_text);
    Span { start: date_text(start), end }
}

fn date_text(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

fn datetime_text(dt: DateTime) -> String {
    dt.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use jiff::tz::TimeZone;

    use super::*;

    fn clock() -> Clock {
        // A Monday.
        Clock::new("2026-11-23".parse().expect("date"), TimeZone::UTC)
    }

    fn s(text: &str) -> Option<(String, String)> {
        span(text, &clock()).expect("no bad date").map(|s| (s.start, s.end))
    }

    fn pair(a: &str, b: &str) -> Option<(String, String)> {
        Some((a.into(), b.into()))
    }

    #[test]
    fn day_words_and_offsets() {
        assert_eq!(s("today"), pair("2026-11-23", "2026-11-24"));
        assert_eq!(s("Yesterday"), pair("2026-11-22", "2026-11-23"));
        assert_eq!(s("tomorrow"), pair("2026-11-24", "2026-11-25"));
        assert_eq!(s("+3d"), pair("2026-11-26", "2026-11-27"));
        assert_eq!(s("-2w"), pair("2026-11-09", "2026-11-10"));
        assert_eq!(s("+1m"), pair("2026-12-23", "2026-12-24"));
        assert_eq!(s("2026-12-01"), pair("2026-12-01", "2026-12-02"));
        assert_eq!(s("2026-12-01T10:00"), pair("2026-12-01T10:00:00", "2026-12-01T10:00:01"));
    }

    #[test]
    fn periods() {
        assert_eq!(s("this-week"), pair("2026-11-23", "2026-11-30"));
        assert_eq!(s("last-week"), pair("2026-11-16", "2026-11-23"));
        assert_eq!(s("this-month"), pair("2026-11-01", "2026-12-01"));
        assert_eq!(s("next-month"), pair("2026-12-01", "2027-01-01"));
        assert_eq!(s("this-year"), pair("2026-01-01", "2027-01-01"));
    }

    #[test]
    fn other_words_are_not_dates() {
        for text in ["week", "someday", "+3", "3d", "+xd", "this-decade", "2026-13-01", "done"] {
            assert_eq!(s(text), None, "{text}");
        }
    }

    #[test]
    fn words_written_as_distances_that_name_no_day_are_errors() {
        let bad = |text: &str| span(text, &clock()).err();
        for text in [
            "+99999999d",
            "-99999999d",
            "+3000000d",
            "+99999999999999999999d",
            "+10000y",
            "-9223372036854775808d",
        ] {
            assert_eq!(bad(text), Some(BadDate::OutOfRange), "{text}");
        }
        for text in ["+1.5d", "-1h", "+.5w", "+3days", "-2wk", "+1e"] {
            assert_eq!(bad(text), Some(BadDate::Form), "{text}");
        }
        // Numbers and other text are no date words at all.
        for text in ["-1", "+1.5", "-1e5", "-1.5e-3", "-inf", "+nan", "-", "+d", "-.d"] {
            assert_eq!(span(text, &clock()), Ok(None), "{text}");
        }
        let last_day = Clock::new("9999-12-31".parse().expect("date"), TimeZone::UTC);
        assert_eq!(span("tomorrow", &last_day), Err(BadDate::OutOfRange));
        assert_eq!(span("next-year", &last_day), Err(BadDate::OutOfRange));
        assert_eq!(span("+0d", &last_day).ok().flatten().map(|s| s.end).as_deref(), Some(END_OF_TIME));
    }

    #[test]
    fn spans_at_the_end_of_time_are_clamped() {
        assert_eq!(s("9999-12-31"), pair("9999-12-31", END_OF_TIME));
        assert_eq!(s("9999-12-31T23:59:59"), pair("9999-12-31T23:59:59", END_OF_TIME));
        assert!("9999-12-31T23:59:59" < END_OF_TIME);
        assert_eq!(clock().nanos(END_OF_TIME), None);
        let last_year = Clock::new("9999-06-01".parse().expect("date"), TimeZone::UTC);
        assert_eq!(span("this-year", &last_year).ok().flatten().map(|s| s.end).as_deref(), Some(END_OF_TIME));
    }

    #[test]
    fn offset_datetimes_are_read_in_the_clocks_zone() {
        let tokyo = Clock::new("2026-11-23".parse().expect("date"), TimeZone::fixed(jiff::tz::offset(9)));
        let got = span("2026-11-23T20:00:00Z", &tokyo).ok().flatten().map(|s| s.start);
        assert_eq!(got.as_deref(), Some("2026-11-24T05:00:00"));
    }
}
