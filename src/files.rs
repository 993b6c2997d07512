//! Opening files without ever waiting, and termdex's own files without following links.
//!
//! A FIFO, a device or a folder can stand where termdex expects a file — put there by
//! hand, by another user, or between a check and an open. Opening a FIFO for reading
//! waits for a writer, reading a terminal waits for a line, so a check before the open
//! would leave a window. Every file termdex reads (cards, the config, templates, ignore
//! files, git's config and worktree files) is instead opened non-blocking and judged by
//! the type of the very file opened (`fstat` on the descriptor); anything but a regular
//! file is an error carrying a [`SpecialFile`].
//!
//! termdex's own files in `.termdex/` (the lock files) are opened with `O_NOFOLLOW` as
//! well: a symlink there, made by anyone who can write the folder, must not make termdex
//! create or lock a file elsewhere (root running termdex in another user's dex would
//! otherwise create whatever that link names).

use std::fs::{File, FileType, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;

/// A file that is not a regular file, where one was expected; says what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialFile(pub &'static str);

impl std::fmt::Display for SpecialFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "is {}, not a regular file", self.0)
    }
}

impl std::error::Error for SpecialFile {}

impl SpecialFile {
    /// What the file is, after "is" ("a FIFO (named pipe)").
    pub fn kind(&self) -> &'static str {
        self.0
    }

    /// The special file an error is about, if it is about one.
    pub fn of(err: &io::Error) -> Option<SpecialFile> {
        err.get_ref().and_then(|e| e.downcast_ref::<SpecialFile>()).copied()
    }

    fn error(kind: &'static str) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidInput, SpecialFile(kind))
    }
}

/// "a directory", "a FIFO (named pipe)", ... for any file type but a regular file.
pub fn kind_of(kind: FileType) -> &'static str {
    if kind.is_file() {
        "a regular file"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

/// Opens a file for reading, following symlinks, without blocking however long the file
/// would keep an `open(2)` or `read(2)` waiting; with the metadata of the file opened.
/// Anything but a regular file is an error of kind `InvalidInput` carrying a
/// [`SpecialFile`]. The file returned is in blocking mode again.
pub fn open_regular(path: &Path) -> io::Result<(File, Metadata)> {
    // O_NOCTTY: opening a terminal must not make it this process's controlling terminal.
    let file = File::options().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path)?;
    let meta = regular(&file)?;
    Ok((file, meta))
}

/// A whole regular file's bytes, read through [`open_regular`].
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let (mut file, meta) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Opens an existing regular file to append to it (a card), never waiting on a FIFO that
/// took its place.
pub fn open_to_append(path: &Path) -> io::Result<File> {
    let opened = File::options().append(true).custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY).open(path);
    let file = opened.map_err(|err| what_is_there(path.metadata(), err))?;
    regular(&file)?;
    Ok(file)
}

/// Opens (creating it if missing, never truncating it) one of termdex's own files, such as
/// a lock file, for writing: never through a symlink, never waiting, and only if it is a
/// regular file. A symlink, folder, FIFO or device in its place is an error carrying a
/// [`SpecialFile`] that says which.
pub fn open_own(path: &Path) -> io::Result<File> {
    let flags = libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY;
    match File::options().write(true).create(true).truncate(false).mode(0o666).custom_flags(flags).open(path)
    {
        Ok(file) => {
            regular(&file)?;
            Ok(file)
        }
        Err(err) => Err(what_is_there(path.symlink_metadata(), err)),
    }
}

/// An open for writing that failed because of what is at the path — ELOOP for a symlink
/// (under `O_NOFOLLOW`), EISDIR for a folder, ENXIO for a FIFO nobody reads or a socket —
/// says what is there, if it still is; any other failure is `err` itself.
fn what_is_there(there: io::Result<Metadata>, err: io::Error) -> io::Error {
    match there {
        Ok(meta) if !meta.is_file() => SpecialFile::error(kind_of(meta.file_type())),
        _ => err,
    }
}

/// Syncs a folder, making a rename or a new name in it durable; best effort (not every
/// file system allows it). Opened as a folder only, so nothing else in its place is
/// ever waited on.
pub fn sync_dir(dir: &Path) {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    if let Ok(fd) = rustix::fs::open(dir, flags, rustix::fs::Mode::empty()) {
        let _ = rustix::fs::fsync(fd);
    }
}

/// The metadata of an open file if it is a regular file, which is then put back in
/// blocking mode: reads of a regular file never wait, and some file systems (FUSE) would
/// otherwise answer EAGAIN.
fn regular(file: &File) -> io::Result<Metadata> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(SpecialFile::error(kind_of(meta.file_type())));
    }
    let flags = rustix::fs::fcntl_getfl(file)?;
    rustix::fs::fcntl_setfl(file, flags - OFlags::NONBLOCK)?;
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo(path: &Path) {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            path,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .expect("mkfifo");
    }

    #[test]
    fn only_regular_files_are_read_and_in_blocking_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a");
        std::fs::write(&file, "text").expect("write");
        assert_eq!(read_regular(&file).expect("read"), b"text");
        let (opened, _) = open_regular(&file).expect("open");
        assert!(!rustix::fs::fcntl_getfl(&opened).expect("flags").contains(OFlags::NONBLOCK));
        mkfifo(&dir.path().join("fifo"));
        let cases = [
            (dir.path().join("fifo"), "is a FIFO (named pipe), not a regular file"),
            (dir.path().to_path_buf(), "is a directory, not a regular file"),
            (Path::new("/dev/null").to_path_buf(), "is a character device, not a regular file"),
        ];
        for (path, message) in cases {
            let err = read_regular(&path).expect_err("special");
            assert_eq!(err.to_string(), message);
            assert_eq!(
                SpecialFile::of(&err).map(|s| format!("is {}", s.kind())),
                Some(message[..message.find(',').expect(",")].to_string())
            );
            assert_eq!(
                open_to_append(&path).map(drop).map_err(|e| e.to_string()).expect_err("special"),
                message
            );
        }
    }

    #[test]
    fn own_files_are_never_opened_through_a_link_or_as_anything_but_a_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lock = dir.path().join("write.lock");
        drop(open_own(&lock).expect("created"));
        std::fs::write(&lock, "kept").expect("write");
        drop(open_own(&lock).expect("opened"));
        assert_eq!(std::fs::read_to_string(&lock).expect("read"), "kept", "never truncated");
        let target = dir.path().join("elsewhere");
        let link = dir.path().join("link.lock");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        mkfifo(&dir.path().join("fifo.lock"));
        std::fs::create_dir(dir.path().join("dir.lock")).expect("mkdir");
        let cases = [
            ("link.lock", "is a symbolic link, not a regular file"),
            ("fifo.lock", "is a FIFO (named pipe), not a regular file"),
            ("dir.lock", "is a directory, not a regular file"),
        ];
        for (name, message) in cases {
            let err = open_own(&dir.path().join(name)).expect_err(name);
            assert_eq!(err.to_string(), message, "{name}");
        }
        assert!(!target.exists(), "nothing was created through the link");
        // A FIFO with a reader opens for writing at once: the type of the file opened
        // still refuses it.
        let _reader = File::options()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(dir.path().join("fifo.lock"))
            .expect("reader");
        let err = open_own(&dir.path().join("fifo.lock")).expect_err("fifo with a reader");
        assert_eq!(err.to_string(), "is a FIFO (named pipe), not a regular file");
    }
}
