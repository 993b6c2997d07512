//! A one-line progress bar on stderr for long refreshes (a first index), only on a
//! terminal: how far, how fast, and how long is left; erased when done.

use std::io::Write;
use std::time::{Duration, Instant};

use termdex::index::Progress;
use termdex::output::progress::{Rate, progress_text};

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
        // Every card read: what is left (links, the indexes, full text, the commit) has no
        // count to show, so the line says so, once, whenever it comes.
        let last = p.done >= p.total;
        let due = last || self.drawn.is_none_or(|at| now.duration_since(at) >= REDRAW_EVERY);
        if now.duration_since(self.started) < SHOW_AFTER || !due {
            return;
        }
        let elapsed = now.duration_since(since).as_secs_f64();
        let rate = (elapsed > 0.2).then(|| Rate((p.done - done_then.min(p.done)) as f64 / elapsed));
        let text = line(p, rate);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}");
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

/// `indexing [######------] 12,000/100,000 cards  8,512/s  ~9 s left`.
fn line(p: Progress, rate: Option<Rate>) -> String {
    let filled = WIDTH * p.done.min(p.total) / p.total.max(1);
    format!("indexing [{}{}] {}", "#".repeat(filled), "-".repeat(WIDTH - filled), progress_text(p, rate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_is_a_bar_and_the_words() {
        let p = |done, total| Progress { done, total };
        assert_eq!(
            line(p(25_000, 100_000), Some(Rate(8_512.4))),
            format!(
                "indexing [{}{}] 25,000/100,000 cards  8,512/s  ~9 s left",
                "#".repeat(7),
                "-".repeat(23)
            )
        );
        assert_eq!(
            line(p(30_000, 30_000), None),
            format!(
                "indexing [{}] 30,000 cards read; linking and building the search index…",
                "#".repeat(30)
            )
        );
    }
}
