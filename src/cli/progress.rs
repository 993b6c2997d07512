//! A one-line progress bar on stderr for long refreshes, only on a terminal.

use std::io::Write;
use std::time::{Duration, Instant};

use termdex::index::Progress;

/// Quick refreshes finish before this and never draw anything.
const SHOW_AFTER: Duration = Duration::from_millis(400);
const WIDTH: usize = 30;

pub struct ProgressLine {
    enabled: bool,
    started: Instant,
    drawn: bool,
}

impl ProgressLine {
    pub fn new(enabled: bool) -> ProgressLine {
        ProgressLine { enabled, started: Instant::now(), drawn: false }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.enabled || p.total == 0 || self.started.elapsed() < SHOW_AFTER {
            return;
        }
        let filled = WIDTH * p.done / p.total;
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(WIDTH - filled));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2Kindexing [{bar}] {}/{}", p.done, p.total);
        let _ = err.flush();
        self.drawn = true;
    }

    /// Clears the bar so the summary line starts on a clean line.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.finish();
    }
}
