//! How far a long refresh has got, in words: the CLI's progress line and the TUI's status
//! bar say it the same way.

use crate::index::Progress;

/// Cards read per second since reading began, once there is a rate worth showing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate(pub f64);

/// `12,000/100,000 cards  8,512/s  ~9 s left`; the rate and what is left once a rate is
/// known; once every card is read, that the index is being completed (that part has no
/// count to show).
pub fn progress_text(p: Progress, rate: Option<Rate>) -> String {
    if p.done >= p.total {
        return format!("{} cards read; linking and building the search index…", thousands(p.total));
    }
    let mut text = format!("{}/{} cards", thousands(p.done), thousands(p.total));
    if let Some(Rate(rate)) = rate.filter(|r| r.0 >= 1.0) {
        let left = p.total.saturating_sub(p.done) as f64 / rate;
        text.push_str(&format!("  {}/s  ~{} left", thousands(rate as usize), duration(left)));
    }
    text
}

/// `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn duration(secs: f64) -> String {
    let secs = secs.ceil() as u64;
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_far_how_fast_and_how_long_is_left() {
        let p = |done, total| Progress { done, total };
        assert_eq!(progress_text(p(0, 100_000), None), "0/100,000 cards");
        assert_eq!(
            progress_text(p(25_000, 100_000), Some(Rate(8_512.4))),
            "25,000/100,000 cards  8,512/s  ~9 s left"
        );
        assert_eq!(
            progress_text(p(1_000, 1_000_000), Some(Rate(1_000.0))),
            "1,000/1,000,000 cards  1,000/s  ~16 min 39 s left"
        );
        assert_eq!(
            progress_text(p(10, 100), Some(Rate(0.5))),
            "10/100 cards",
            "no estimate from a stalled start"
        );
        assert_eq!(
            progress_text(p(30_000, 30_000), None),
            "30,000 cards read; linking and building the search index…"
        );
        assert_eq!(duration(7_260.0), "2 h 1 min");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
