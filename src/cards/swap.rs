//! The moment a rewritten card takes the old one's place, and what that moment displaced.
//!
//! POSIX has no compare-and-swap on files: between termdex's last look at a card and its
//! rename, another program can append a line or save the card, and a plain rename would
//! throw that away unseen. So the card is held open from the moment it is read, its
//! stamp checked again just before the swap, and the swap is an exchange
//! (`renameat2(RENAME_EXCHANGE)`): the file that was at the card's path at that very
//! instant comes out under the temporary name, where it can be read. Before it is read,
//! termdex waits until no process holds it open for writing any more (asked with a read
//! lease, which the kernel grants only then), so a writer caught in the middle of the swap
//! has finished and its bytes are in what is read. The caller compares that with what it
//! edited and recovers whatever another program added.

use std::fs::File;
use std::io::{self, Read, Seek};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use rustix::fs::{CWD, RenameFlags};

/// How long termdex waits for another program to stop writing the file a swap displaced:
/// long enough for any writer that opens, writes and closes (`echo line >> card`), short
/// enough not to stall on one that keeps the card open for good (a logger).
const WRITERS_WAIT: Duration = Duration::from_millis(200);

/// Which file a stat describes, and how it was when looked at: a write changes the size,
/// the modification time or (even when it keeps both, or sets the time back) the change
/// time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }

    pub fn same_file(&self, other: &Stamp) -> bool {
        (self.dev, self.ino) == (other.dev, other.ino)
    }

    pub fn size(&self) -> u64 {
        self.size
    }
}

/// A file's stamp, read through the path (following links, as a write would).
pub fn stamp_at(path: &Path) -> io::Result<Stamp> {
    std::fs::metadata(path).map(|m| Stamp::of(&m))
}

/// The whole content of an open file, from its start, with the stamp it had while read
/// (read again when a write came in between).
pub fn read_all(file: &mut File) -> io::Result<(Vec<u8>, Stamp)> {
    loop {
        let before = Stamp::of(&file.metadata()?);
        file.rewind()?;
        let mut bytes = Vec::with_capacity(usize::try_from(before.size).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        let after = Stamp::of(&file.metadata()?);
        if before == after {
            return Ok((bytes, after));
        }
    }
}

/// How a new file took a card's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swapped {
    /// Exchanged: what was at the card's path is now at the temporary path.
    Exchanged,
    /// Renamed over (the file system cannot exchange): what was there is unlinked, and
    /// only a descriptor still open on it can read it.
    Renamed,
}

/// Puts the file at `temp` in the place of `path`, exchanging the two where the file
/// system can.
pub fn swap(temp: &Path, path: &Path) -> io::Result<Swapped> {
    match rustix::fs::renameat_with(CWD, temp, CWD, path, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(Swapped::Exchanged),
        // No exchange here (NFS, some FUSE and older file systems): a plain rename.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::NOTSUP) => {
            std::fs::rename(temp, path).map(|()| Swapped::Renamed)
        }
        Err(errno) => Err(errno.into()),
    }
}

/// Whether anyone still writes the file: waits (briefly) until no process holds it open
/// for writing. `true` when that is known; `false` when a writer kept it open past the
/// wait, or the kernel would not say (leases are only for the file's owner or root, and
/// not on every file system).
pub fn writers_gone(file: &File) -> bool {
    let deadline = Instant::now() + WRITERS_WAIT;
    let mut pause = Duration::from_micros(50);
    loop {
        match lease::no_writers(file) {
            Some(true) => return true,
            None => return false,
            Some(false) if Instant::now() >= deadline => return false,
            Some(false) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
        }
    }
}

#[cfg(target_os = "linux")]
mod lease {
    use std::fs::File;
    use std::os::fd::AsRawFd;

    /// Asks the kernel for a read lease on `file` (open read-only), given only while no
    /// process has the file open for writing, and gives it back at once. `None` when the
    /// kernel would not answer.
    pub fn no_writers(file: &File) -> Option<bool> {
        let fd = file.as_raw_fd();
        // SAFETY: `fd` is a descriptor this `File` owns for the whole call; F_SETLEASE
        // takes an int argument and touches no memory of ours.
        let taken = unsafe { libc::fcntl(fd, libc::F_SETLEASE, libc::F_RDLCK) };
        if taken == 0 {
            // SAFETY: as above.
            unsafe { libc::fcntl(fd, libc::F_SETLEASE, libc::F_UNLCK) };
            return Some(true);
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EAGAIN) => Some(false),
            _ => None,
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod lease {
    pub fn no_writers(_file: &std::fs::File) -> Option<bool> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn an_exchange_brings_out_what_was_there() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (card, temp) = (dir.path().join("a.md"), dir.path().join(".t.tmp"));
        std::fs::write(&card, "old").expect("write");
        std::fs::write(&temp, "new").expect("write");
        assert_eq!(swap(&temp, &card).expect("swap"), Swapped::Exchanged);
        assert_eq!(std::fs::read_to_string(&card).expect("read"), "new");
        assert_eq!(std::fs::read_to_string(&temp).expect("read"), "old");
    }

    #[test]
    fn writers_are_waited_for_and_readers_are_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        std::fs::write(&card, "x").expect("write");
        let ours = File::open(&card).expect("open");
        let reader = File::open(&card).expect("open");
        assert!(writers_gone(&ours), "a reader is no writer");
        let mut writer = File::options().append(true).open(&card).expect("open");
        let started = Instant::now();
        assert!(!writers_gone(&ours), "a writer that stays is not waited for forever");
        assert!(started.elapsed() >= WRITERS_WAIT);
        let closes = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            writer.write_all(b"late line\n").expect("write");
        });
        assert!(writers_gone(&ours), "a writer that closes is waited for");
        closes.join().expect("join");
        assert_eq!(std::fs::read_to_string(&card).expect("read"), "xlate line\n");
        drop(reader);
    }
}
