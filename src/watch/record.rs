//! The watch record: what a running watcher says about itself, for other commands to
//! decide whether to trust the index it keeps instead of walking the dex.
//!
//! A small JSON file beside the index (`index.watch`), replaced whole (written aside, then
//! renamed) so that a reader never sees half of one. Not a row of the index: the watcher
//! renews its heartbeat every second, and a commit that often would have every reader
//! watching the index for changes (the TUI's) read it again every second.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many acknowledged cookies the record keeps: more than commands can be waiting at once.
const ACKED_KEPT: usize = 64;

/// What a watcher says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The termdex that wrote it: another may keep other things in the index.
    pub version: String,
    pub pid: u32,
    /// The process's start time (`/proc/PID/stat` field 22), so that a pid the system gave
    /// to another process since is not taken for the watcher.
    pub start: u64,
    /// When it last said it was alive, wall-clock nanoseconds.
    pub heartbeat_ns: i64,
    /// What the cards were found with ([`super::fingerprint`]).
    pub fingerprint: String,
    /// The index file it writes, (device, inode): one rebuilt by another process since is
    /// another file, which the watcher has not kept.
    pub index_file: Option<(u64, u64)>,
    /// Why events may have been lost (the kernel's queue overflowed, a folder could not
    /// be watched); cleared only by a walk of its own that began after.
    pub lost: Option<String>,
    /// Why the cards may change without an event the watcher sees (a symbolic link, a hard
    /// link, a card that cannot be read): then every command walks.
    pub unwatchable: Option<String>,
    /// The last cookies acknowledged: every event queued before each was applied first.
    pub acked: Vec<String>,
}

impl Record {
    /// Adds cookies acknowledged, keeping the last [`ACKED_KEPT`].
    pub fn acknowledge(&mut self, cookies: impl IntoIterator<Item = String>) {
        self.acked.extend(cookies);
        let extra = self.acked.len().saturating_sub(ACKED_KEPT);
        self.acked.drain(..extra);
    }
}

/// Where the record of the index at `index_path` is kept.
pub fn path(index_path: &Path) -> PathBuf {
    index_path.with_extension("watch")
}

/// The record at `path`, if one is there and reads; `None` otherwise (never waiting on
/// whatever may stand in its place).
pub fn read(path: &Path) -> Option<Record> {
    let bytes = crate::files::read_regular(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Replaces the record: written beside it, then renamed over it.
pub fn write(path: &Path, record: &Record) -> std::io::Result<()> {
    let json = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{}.tmp", std::process::id()));
    let aside = PathBuf::from(aside);
    let mut file = crate::files::open_own(&aside)?;
    file.set_len(0)?;
    file.write_all(&json)?;
    drop(file);
    std::fs::rename(&aside, path)
}

/// Removes the record, if it is this process's own (a watcher that stops).
pub fn remove_own(path: &Path) {
    if read(path).is_some_and(|r| r.pid == std::process::id()) {
        let _ = std::fs::remove_file(path);
    }
}

/// When the process `pid` started, in clock ticks since boot (`/proc/PID/stat` field 22);
/// `None` when there is no such process, or no `/proc` to ask.
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces and parentheses:
    // the fields after it start after the last `)`, at field 3.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(22 - 3)?.parse().ok()
}

/// Now, wall-clock nanoseconds since the epoch.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_replaced_whole_and_keeps_the_last_cookies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = path(&dir.path().join("index.db"));
        assert_eq!(read(&path), None);
        let mut record = Record {
            version: "x".into(),
            pid: std::process::id(),
            start: start_time(std::process::id()).expect("this process has a start time"),
            heartbeat_ns: now_ns(),
            fingerprint: "f".into(),
            index_file: None,
            lost: None,
            unwatchable: None,
            acked: Vec::new(),
        };
        record.acknowledge((0..100).map(|n| n.to_string()));
        assert_eq!(record.acked.len(), ACKED_KEPT);
        assert_eq!(record.acked.last().map(String::as_str), Some("99"));
        write(&path, &record).expect("write");
        assert_eq!(read(&path).as_ref(), Some(&record));
        remove_own(&path);
        assert_eq!(read(&path), None);
    }

    #[test]
    fn the_start_time_of_a_process_with_spaces_and_parentheses_in_its_name() {
        assert!(start_time(std::process::id()).is_some());
        assert_eq!(start_time(u32::MAX), None);
    }
}
