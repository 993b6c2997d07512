//! A one-line progress bar on stderr for long refreshes (a first index), only on a
//! terminal: how far, how fast, and how long is left; erased when done.

use std::io::Write;
use std::time::{Duration, Instant};

use termdex::index::Progress;

/// Quick refreshes finish before this and never draw anything.
const SHOW_AFTER: Duration = Duration::from_millis(400);
/// Redrawn at most this often: a terminal that is written for every chunk costs time.
const REDRAW_EVERY: Duration = Duration::from_millis(100);
const WIDTH: usize = 30;

pub struct ProgressLine {
    enabled: bool,
    started: Instant,
    /// When reading began and how much was done then: the rate counts from there, for
    /// the walk before it reads nothing.
    first: Option<(Instant, usize)>,
    drawn: Option<Instant>,
}

impl ProgressLine {
    pub fn new(enabled: bool) -> ProgressLine {
        ProgressLine { enabled, started: Instant::now(), first: None, drawn: None }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.enabled || p.total == 0 {
            return;
        }
        let now = Instant::now();
        let (since, done_then) = *self.first.get_or_insert((now, p.done));
        let due = self.drawn.is_none_or(|at| now.duration_since(at) >= REDRAW_EVERY);
        if now.duration_since(self.started) < SHOW_AFTER || !due || p.done >= p.total {
            return;
        }
        let elapsed = now.duration_since(since).as_secs_f64();
        let rate = (elapsed > 0.2).then(|| (p.done - done_then.min(p.done)) as f64 / elapsed);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}", line(p, rate));
        let _ = err.flush();
        self.drawn = Some(now);
    }

    /// Erases the bar so that what follows starts on a clean line.
    pub fn finish(&mut self) {
        if self.drawn.take().is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.finish();
    }
}

/// `indexing [######------] 12,000/100,000 cards  8,512/s  ~9 s left`; the rate and
/// what is left once a rate is known.
fn line(p: Progress, rate: Option<f64>) -> String {
    let filled = WIDTH * p.done.min(p.total) / p.total.max(1);
    let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
    let mut text = format!("indexing [{bar}] {}/{} cards", thousands(p.done), thousands(p.total));
    if let Some(rate) = rate.filter(|r| *r >= 1.0) {
        let left = p.total.saturating_sub(p.done) as f64 / rate;
        text.push_str(&format!("  {}/s  ~{} left", thousands(rate as usize), duration(left)));
    }
    text
}

fn thousands(n: usize) -> String {
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
    fn the_line_says_how_far_how_fast_and_how_long_is_left() {
        let p = |done, total| Progress { done, total };
        assert_eq!(line(p(0, 100_000), None), format!("indexing [{}] 0/100,000 cards", "-".repeat(30)));
        assert_eq!(
            line(p(25_000, 100_000), Some(8_512.4)),
            format!(
                "indexing [{}{}] 25,000/100,000 cards  8,512/s  ~9 s left",
                "#".repeat(7),
                "-".repeat(23)
            )
        );
        assert_eq!(
            line(p(1_000, 1_000_000), Some(1_000.0)),
            format!("indexing [{}] 1,000/1,000,000 cards  1,000/s  ~16 min 39 s left", "-".repeat(30))
        );
        assert_eq!(duration(7_260.0), "2 h 1 min");
        assert!(!line(p(10, 100), Some(0.5)).contains("left"), "no estimate from a stalled start");
    }
}
