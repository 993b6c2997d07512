//! What "today" and "now" are for one command: fixed once, so that every date word of a
//! filter and every date field of a new card agree, and pinnable for tests and scripts.
//!
//! Its own module because both the query layer (date words) and the card writers (dates
//! and ids of new cards) read it, and neither is below the other.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// "Today", "now" and the time zone they are in. Settable for tests and reproducible
/// scripts: `TERMDEX_NOW=2026-11-23T14:15:00` pins both, `TERMDEX_TODAY` only the date.
#[derive(Debug, Clone)]
pub struct Clock {
    pub today: Date,
    pub now: DateTime,
    pub tz: TimeZone,
}

impl Clock {
    pub fn new(today: Date, tz: TimeZone) -> Clock {
        Clock { today, now: today.to_datetime(Time::midnight()), tz }
    }

    /// The system clock and time zone, unless pinned by `TERMDEX_NOW` or `TERMDEX_TODAY`.
    pub fn from_env() -> Clock {
        let tz = TimeZone::system();
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if let Some(now) = env("TERMDEX_NOW").and_then(|d| d.parse::<DateTime>().ok()) {
            return Clock { today: now.date(), now, tz };
        }
        let system_now = jiff::Timestamp::now().to_zoned_datetime(tz.clone()).datetime();
        let today = env("TERMDEX_TODAY").and_then(|d| d.parse::<Date>().ok()).unwrap_or(system_now.date());
        Clock { today, now: today.to_datetime(system_now.time()), tz }
    }

    /// Nanoseconds since the epoch at which a sortable date text (`2026-11-23` or
    /// `2026-11-23T14:15:00`) starts, in this time zone; `None` for any other text.
    pub fn nanos(&self, text: &str) -> Option<i64> {
        let datetime = if text.len() == 10 {
            text.parse::<Date>().ok()?.to_datetime(Time::midnight())
        } else {
            text.parse::<DateTime>().ok()?
        };
        let zoned = datetime.to_zoned_datetime(self.tz.clone()).ok()?;
        i64::try_from(zoned.timestamp().as_nanosecond()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanos_follow_the_time_zone() {
        let utc = Clock::new("2026-11-23".parse().expect("date"), TimeZone::UTC);
        assert_eq!(utc.nanos("1970-01-02"), Some(86_400_000_000_000));
        let tokyo = Clock::new("2026-11-23".parse().expect("date"), TimeZone::fixed(jiff::tz::offset(9)));
        assert_eq!(tokyo.nanos("1970-01-02T09:00:00"), Some(86_400_000_000_000));
    }
}
