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

/// The span a date word stands for, or `None` when `text` is not a date word.
pub fn span(text: &str, clock: &Clock) -> Option<Span> {
    let today = clock.today;
    let lower = text.to_ascii_lowercase();
    let day = |start: Date| Some(day_span(start, 1.day()));
    match lower.as_str() {
        "today" => return day(today),
        "yesterday" => return day(today.checked_sub(1.day()).ok()?),
        "tomorrow" => return day(today.checked_add(1.day()).ok()?),
        _ => {}
    }
    if let Some(span) = named_period(&lower, today) {
        return Some(span);
    }
    if let Some(offset) = relative(&lower) {
        return day(today.checked_add(offset).ok()?);
    }
    let sortable = parse_date_in(text, || clock.tz.clone())?;
    if sortable.len() == 10 {
        return day(sortable.parse().ok()?);
    }
    let point: DateTime = sortable.parse().ok()?;
    let end = point.checked_add(1.second()).map_or_else(|_| END_OF_TIME.to_string(), datetime_text);
    Some(Span { start: sortable, end })
}

/// `this-week`, `last-month`, `next-year` ...; weeks start on Monday.
fn named_period(text: &str, today: Date) -> Option<Span> {
    let (which, unit) = text.split_once('-')?;
    let shift: i64 = match which {
        "this" => 0,
        "last" => -1,
        "next" => 1,
        _ => return None,
    };
    let (start, len) = match unit {
        "week" => {
            let monday = today.checked_sub((today.weekday().to_monday_zero_offset() as i64).days()).ok()?;
            (monday.checked_add((7 * shift).days()).ok()?, 1.week())
        }
        "month" => (today.first_of_month().checked_add(shift.months()).ok()?, 1.month()),
        "year" => (today.first_of_year().checked_add(shift.years()).ok()?, 1.year()),
        _ => return None,
    };
    Some(day_span(start, len))
}

/// `+3d`, `-2w`, `+1m`, `-1y` as a calendar offset.
fn relative(text: &str) -> Option<JiffSpan> {
    let sign: i64 = match text.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let body = &text[1..];
    let unit = body.chars().last()?;
    let n: i64 = body[..body.len() - unit.len_utf8()].parse().ok()?;
    let n = n.checked_mul(sign)?;
    match unit {
        'd' => JiffSpan::new().try_days(n).ok(),
        'w' => JiffSpan::new().try_weeks(n).ok(),
        'm' => JiffSpan::new().try_months(n).ok(),
        'y' => JiffSpan::new().try_years(n).ok(),
        _ => None,
    }
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
        span(text, &clock()).map(|s| (s.start, s.end))
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
    fn spans_at_the_end_of_time_are_clamped() {
        assert_eq!(s("9999-12-31"), pair("9999-12-31", END_OF_TIME));
        assert_eq!(s("9999-12-31T23:59:59"), pair("9999-12-31T23:59:59", END_OF_TIME));
        assert!("9999-12-31T23:59:59" < END_OF_TIME);
        assert_eq!(clock().nanos(END_OF_TIME), None);
        let last_year = Clock::new("9999-06-01".parse().expect("date"), TimeZone::UTC);
        assert_eq!(span("this-year", &last_year).map(|s| s.end).as_deref(), Some(END_OF_TIME));
    }

    #[test]
    fn offset_datetimes_are_read_in_the_clocks_zone() {
        let tokyo = Clock::new("2026-11-23".parse().expect("date"), TimeZone::fixed(jiff::tz::offset(9)));
        let got = span("2026-11-23T20:00:00Z", &tokyo).map(|s| s.start);
        assert_eq!(got.as_deref(), Some("2026-11-24T05:00:00"));
    }
}
