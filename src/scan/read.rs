//! Reading one card file into a [`Card`].
//!
//! Never fails on content: bad bytes are replaced and flagged, huge files are cut at a
//! cap and flagged, bad frontmatter becomes the card's error. Only a file that cannot be
//! read at all (gone, no permission, not a regular file) is a [`Problem`].
//!
//! Never blocks either: a FIFO or a device can take a card's place between the walk and
//! the read (or be named by hand), and opening a FIFO waits for a writer, reading a
//! terminal waits for a line. So every card is opened through [`open_card`]
//! ([`crate::files`]): non-blocking, then judged by the type of the very file opened.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::card::{self, Card};
use crate::files::{self, SpecialFile};
use crate::frontmatter;

use super::settings::Settings;
use super::{FileStat, Problem, links};

/// How much of a card is read and indexed. Far above any note a person writes; a
/// multi-gigabyte log that happens to end in `.md` costs one megabyte, not the machine.
pub const MAX_CARD_BYTES: usize = 1 << 20;

/// Reads and parses the card at `stat` in the dex at `root`. The card's stamp is the
/// open file's, taken before its bytes are read, not the walk's: another process may
/// have rewritten the file since the walk, and a stamp older than the bytes it stands for
/// would only cost a needless re-read, but one newer would hide a change.
pub fn read_card(root: &Path, stat: &FileStat, settings: &Settings) -> Result<Card, Problem> {
    let (bytes, truncated, (mtime_ns, size)) = read_capped(&root.join(&stat.path), stat.size)
        .map_err(|err| Problem { path: stat.path.clone(), message: read_error(&err) })?;
    let (text, lossy) = decode(bytes, truncated);
    let stamp = (mtime_ns, size);
    Ok(parse_card(&stat.path, &text, stamp, (lossy, truncated), settings))
}

/// Builds a card from its text; used by the scanner and by commands that just wrote one.
/// `stamp` is (modification time, size), `flags` (lossy, truncated) as read.
pub fn parse_card(
    path: &str,
    text: &str,
    stamp: (i64, u64),
    flags: (bool, bool),
    settings: &Settings,
) -> Card {
    let ((mtime_ns, size), (lossy, truncated)) = (stamp, flags);
    let text = frontmatter::strip_bom(text);
    let parsed = frontmatter::parse(text);
    let body = &text[parsed.body_start..];
    // The body starts on the line after the frontmatter's last line end.
    let first_line = text[..parsed.body_start].bytes().filter(|b| *b == b'\n').count() as u32 + 1;
    let mut links = Vec::new();
    // Field names match in any letter case, as in filters.
    let parent = settings
        .parent_field
        .as_ref()
        .and_then(|field| parsed.fields.iter().find(|(key, _)| key.to_lowercase() == *field));
    if let Some((key, value)) = parent
        && let Some(value) = parent_name(value)
    {
        // The field's own line, not a nested key or a text line of the same name; the
        // block's first line when the key is not written as such.
        let line = frontmatter::key_line(&text[..parsed.body_start], key).map_or(1, |l| l as u32);
        links.extend(links::parent_link(&value, path, line));
    }
    links.extend(links::extract(body, path, first_line));
    Card {
        path: path.to_string(),
        title: card::title(&parsed.fields, body, path),
        created: card::created(&parsed.fields, mtime_ns),
        links,
        body: body.to_string(),
        fields: parsed.fields,
        format: parsed.format,
        mtime_ns,
        size,
        error: parsed.error,
        lossy,
        truncated,
    }
}

/// The name a parent field gives: its text, or the first of a list (a card has one
/// parent; Obsidian writes link fields as lists). A table or a yes/no names no card: it
/// is kept as written, so the card is marked as under a parent that does not resolve
/// (and `check` says so) rather than put at the top unmarked.
fn parent_name(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Object(_) => Some(value.to_string()),
        serde_json::Value::Array(items) => items.first().and_then(parent_name),
        serde_json::Value::Null => None,
    }
}

/// Opens a card file for reading, following symlinks, without blocking however long the
/// file would keep an `open(2)` or `read(2)` waiting: anything but a regular file is an
/// error of kind `InvalidInput` carrying a [`SpecialFile`] (see [`crate::files`]).
pub fn open_card(path: &Path) -> io::Result<File> {
    files::open_regular(path).map(|(file, _)| file)
}

/// A whole card file's bytes, read through [`open_card`] (`show --raw`, `cat`).
pub fn read_card_file(path: &Path) -> io::Result<Vec<u8>> {
    files::read_regular(path)
}

/// The first [`MAX_CARD_BYTES`] of the file, whether there was more, and its stamp.
fn read_capped(path: &Path, size: u64) -> io::Result<(Vec<u8>, bool, (i64, u64))> {
    let (file, meta) = files::open_regular(path)?;
    let stamp = (super::mtime_ns(&meta), meta.len());
    let expected = usize::try_from(size.max(meta.len())).unwrap_or(usize::MAX).min(MAX_CARD_BYTES);
    let mut bytes = Vec::with_capacity(expected + 1);
    file.take(MAX_CARD_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    let truncated = bytes.len() > MAX_CARD_BYTES;
    bytes.truncate(MAX_CARD_BYTES);
    Ok((bytes, truncated, stamp))
}

/// UTF-8 text; a character cut in half by the cap is dropped rather than flagged as bad.
fn decode(mut bytes: Vec<u8>, truncated: bool) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(err) => {
            let utf8 = err.utf8_error();
            bytes = err.into_bytes();
            if truncated && utf8.error_len().is_none() {
                bytes.truncate(utf8.valid_up_to());
                return decode(bytes, false);
            }
            (String::from_utf8_lossy(&bytes).into_owned(), true)
        }
    }
}

fn read_error(err: &io::Error) -> String {
    if let Some(special) = SpecialFile::of(err) {
        return format!("skipped: {special}");
    }
    match err.kind() {
        io::ErrorKind::NotFound => "skipped: the file vanished during the scan".into(),
        io::ErrorKind::PermissionDenied => {
            "skipped: permission denied (make the file readable to index it)".into()
        }
        _ => format!("skipped: cannot be read: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_cut_by_the_cap_is_not_corruption() {
        let (text, lossy) = decode("aé".as_bytes()[..2].to_vec(), true);
        assert_eq!((text.as_str(), lossy), ("a", false));
        let (text, lossy) = decode(vec![b'a', 0xff, b'b'], false);
        assert_eq!((text.as_str(), lossy), ("a\u{fffd}b", true));
    }

    /// Runs `read_card` on another thread and waits for it at most a few seconds; on
    /// time out, opens `fifo` for writing (which lets a reader blocked in `open` go on) so
    /// that the thread ends, and fails.
    fn read_within_deadline(root: &Path, stat: &FileStat, fifo: Option<&Path>) -> Result<Card, Problem> {
        let (sender, receiver) = std::sync::mpsc::channel();
        let (root, stat) = (root.to_path_buf(), stat.clone());
        let reader = std::thread::spawn(move || {
            // The receiver is gone only once the test gave up on this thread.
            let _ = sender.send(read_card(&root, &stat, &Settings::default()));
        });
        match receiver.recv_timeout(std::time::Duration::from_secs(5)) {
            Ok(result) => result,
            Err(_) => {
                if let Some(fifo) = fifo {
                    drop(File::options().write(true).open(fifo));
                }
                let _ = reader.join();
                panic!("read_card blocked for 5 s on a special file");
            }
        }
    }

    #[test]
    fn a_special_file_in_a_cards_place_is_skipped_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canon");
        for name in ["fifo.md", "zero.md", "null.md"] {
            std::fs::write(root.join(name), "# A card, for now\n").expect("write");
        }
        let walked = crate::scan::walk(&root, &Default::default()).files;
        assert_eq!(walked.len(), 3);
        // Between the walk and the read, the cards are replaced by a FIFO nobody writes
        // to and by links to character devices.
        for name in ["fifo.md", "zero.md", "null.md"] {
            std::fs::remove_file(root.join(name)).expect("rm");
        }
        let status = std::process::Command::new("mkfifo").arg(root.join("fifo.md")).status();
        assert!(status.expect("run mkfifo").success(), "mkfifo");
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.md")).expect("symlink");
        std::os::unix::fs::symlink("/dev/null", root.join("null.md")).expect("symlink");
        let fifo = root.join("fifo.md");
        let messages: Vec<String> = walked
            .iter()
            .map(|stat| match read_within_deadline(&root, stat, Some(&fifo)) {
                Err(problem) => problem.to_string(),
                Ok(card) => panic!("{} was read as a card: {:?}", stat.path, card.title),
            })
            .collect();
        assert_eq!(
            messages,
            [
                "fifo.md: skipped: is a FIFO (named pipe), not a regular file",
                "null.md: skipped: is a character device, not a regular file",
                "zero.md: skipped: is a character device, not a regular file",
            ]
        );
    }

    #[test]
    fn a_regular_card_reads_in_blocking_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.md"), "# A\n").expect("write");
        let file = open_card(&dir.path().join("a.md")).expect("open");
        let flags = rustix::fs::fcntl_getfl(&file).expect("flags");
        assert!(!flags.contains(rustix::fs::OFlags::NONBLOCK), "{flags:?}");
        assert_eq!(read_card_file(&dir.path().join("a.md")).expect("read"), b"# A\n");
        let err = read_card_file(dir.path()).expect_err("a folder");
        assert_eq!(err.to_string(), "is a directory, not a regular file");
    }

    #[test]
    fn a_bom_is_not_part_of_the_card() {
        let card = parse_card(
            "x.md",
            "\u{feff}---\ntitle: T\n---\nbody",
            (0, 0),
            (false, false),
            &Settings::default(),
        );
        assert_eq!(card.title, "T");
        assert_eq!(card.body, "body");
        assert!(card.error.is_none());
    }
}
