//! Reading one card file into a [`Card`].
//!
//! Never fails on content: bad bytes are replaced and flagged, huge files are cut at a
//! cap and flagged, bad frontmatter becomes the card's error. Only a file that cannot be
//! read at all (gone, or no permission) is a [`Problem`].

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::card::{self, Card};
use crate::frontmatter;

use super::{FileStat, Problem, links};

/// How much of a card is read and indexed. Far above any note a person writes; a
/// multi-gigabyte log that happens to end in `.md` costs one megabyte, not the machine.
pub const MAX_CARD_BYTES: usize = 1 << 20;

/// Reads and parses the card at `stat` in the dex at `root`. The card's stamp is the
/// open file's, taken before its bytes are read, not the walk's: another process may
/// have rewritten the file since the walk, and a stamp older than the bytes it stands for
/// would only cost a needless re-read, but one newer would hide a change.
pub fn read_card(root: &Path, stat: &FileStat) -> Result<Card, Problem> {
    let (bytes, truncated, (mtime_ns, size)) = read_capped(&root.join(&stat.path), stat.size)
        .map_err(|err| Problem { path: stat.path.clone(), message: read_error(&err) })?;
    let (text, lossy) = decode(bytes, truncated);
    Ok(parse_card(&stat.path, &text, mtime_ns, size, lossy, truncated))
}

/// Builds a card from its text; used by the scanner and by commands that just wrote one.
pub fn parse_card(path: &str, text: &str, mtime_ns: i64, size: u64, lossy: bool, truncated: bool) -> Card {
    let text = frontmatter::strip_bom(text);
    let parsed = frontmatter::parse(text);
    let body = &text[parsed.body_start..];
    Card {
        path: path.to_string(),
        title: card::title(&parsed.fields, body, path),
        created: card::created(&parsed.fields, mtime_ns),
        links: links::extract(body, path),
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

/// The first [`MAX_CARD_BYTES`] of the file, whether there was more, and its stamp.
fn read_capped(path: &Path, size: u64) -> io::Result<(Vec<u8>, bool, (i64, u64))> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
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
    match err.kind() {
        io::ErrorKind::NotFound => "skipped: the file vanished during the scan".into(),
        io::ErrorKind::PermissionDenied => {
            "skipped: permission denied (make the file readable to index it)".into()
        }
        _ if err.raw_os_error() == Some(21) => "skipped: is a directory".into(),
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

    #[test]
    fn a_bom_is_not_part_of_the_card() {
        let card = parse_card("x.md", "\u{feff}---\ntitle: T\n---\nbody", 0, 0, false, false);
        assert_eq!(card.title, "T");
        assert_eq!(card.body, "body");
        assert!(card.error.is_none());
    }
}
