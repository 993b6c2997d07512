//! Writing a card atomically: a temporary file in the same folder, given the card's
//! owner, group, mode and attributes, synced, then swapped into the card's place. A crash,
//! a full disk or a permission error leaves the card as it was and no temporary file
//! behind.
//!
//! Rewrites of existing cards are serialised across processes by an exclusive lock on
//! `.termdex/write.lock` (kept beside the index, in the user's cache folder when
//! `.termdex/` is not writable), so two `set`s on one card each see the other's result instead of
//! both editing the same old text. Other programs take no such lock, so [`rewrite`]
//! checks the card again just before the swap and looks at what the swap displaced
//! (see [`super::swap`]): bytes another program wrote in that moment are put back into the
//! card rather than lost. The swap replaces a file, so what it replaces is chosen with
//! care: the target of a symlink (the link stays a link), never a file with several hard
//! links (renaming would split them) or a read-only one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use tempfile::TempPath;

use super::CardsError;
use super::attributes;
use super::swap::{self, Stamp, Swapped};
use crate::files::{self, SpecialFile};
use crate::scan::{TEMP_PREFIX, TEMP_SUFFIX};

/// How often a card another program rewrote between termdex's read and its swap is read
/// and edited again before giving up, untouched: an editor saving once costs one retry.
const ATTEMPTS: u32 = 5;

/// How many times bytes another program wrote in the very moment of a swap are put back
/// before termdex gives up and keeps them aside (see [`CardsError::KeptAside`]).
const RECOVERIES: u32 = 8;

/// Held while a card is read, edited and renamed into place; released when dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

/// Takes the dex's write lock (`write.lock` beside the index, created if missing),
/// waiting for another process that holds it. A symlink, folder or FIFO in the lock's
/// place is refused, never followed or waited on: replacing it could race another
/// process doing the same, and two processes would then lock two different files.
pub fn lock(root: &Path) -> Result<WriteLock, CardsError> {
    let location = crate::dex::Dex { root: root.to_path_buf() }.index_location();
    let state = location.dir();
    let path = state.join("write.lock");
    let lock_error = |cause| CardsError::Lock { path: path.clone(), cause };
    fs::create_dir_all(state).map_err(lock_error)?;
    let file = files::open_own(&path).map_err(|cause| match SpecialFile::of(&cause) {
        Some(special) => CardsError::LockInTheWay { path: path.clone(), kind: special.kind() },
        None => lock_error(cause),
    })?;
    file.lock().map_err(lock_error)?;
    Ok(WriteLock { _file: file })
}

/// Checks that the real file `real` of the card `rel` (named so in messages) can be
/// replaced: a regular file with one name that is not read-only.
pub fn target(real: &Path, rel: &str) -> Result<(), CardsError> {
    let meta = fs::metadata(real).map_err(|cause| CardsError::Read { path: real.to_path_buf(), cause })?;
    if !meta.is_file() {
        return Err(CardsError::NotAFile { path: rel.to_string(), kind: files::kind_of(meta.file_type()) });
    }
    if meta.nlink() > 1 {
        return Err(CardsError::HardLinked { path: rel.to_string(), links: meta.nlink() });
    }
    if meta.permissions().readonly() {
        return Err(CardsError::ReadOnly { path: rel.to_string() });
    }
    Ok(())
}

/// What a rewrite makes of a card's bytes: `Ok(None)` leaves the card as it is.
pub type Editing<'a> = dyn FnMut(&[u8]) -> Result<Option<Vec<u8>>, CardsError> + 'a;

/// Where a rewrite is, for tests that play another program writing at the worst moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// The new text is written and synced; the card is about to be checked once more.
    BeforeCheck(u32),
    /// The card was found as it was read; the swap comes next.
    BeforeSwap(u32),
}

/// Rewrites the card whose real file is `path` with what `edit` makes of its bytes;
/// `Ok(false)` when that is what it holds already. Another program's write is never
/// overwritten unseen: a card rewritten before the swap is read and edited again (up to
/// [`ATTEMPTS`] times, then given up on, untouched); another program's save that takes
/// the card's place in the very moment of the swap is put back at once and edited in turn;
/// bytes written into the card in that moment are found in the displaced file and put
/// back — appended ones by appending them to the new card, others by editing the
/// displaced text and swapping again.
pub fn rewrite(path: &Path, edit: &mut Editing<'_>, at: &mut dyn FnMut(Moment)) -> Result<bool, CardsError> {
    let mut run = Rewrite::start(path)?;
    loop {
        let ours = match edit(&run.source)? {
            Some(ours) => ours,
            None if !run.written() => return Ok(false),
            // The card holds an older text: `source` itself must still reach it.
            None => run.source.clone(),
        };
        let new = Prepared::write(run.swaps.dir, ours, &run.seen.file, path)?;
        at(Moment::BeforeCheck(run.round()));
        if !run.seen.still_there(path)? {
            run.read_again()?;
            continue;
        }
        at(Moment::BeforeSwap(run.round()));
        if run.swap(new, edit)? {
            return Ok(true);
        }
    }
}

/// A rewrite under way.
struct Rewrite<'p> {
    path: &'p Path,
    /// The file at the card's path as last seen.
    seen: Seen,
    /// The text edited: what was read, plus what other programs wrote that a swap displaced.
    source: Vec<u8>,
    /// Displaced files holding bytes the card does not hold yet; removed once it does.
    aside: Vec<TempPath>,
    /// Times the card was found rewritten before a swap, and read again.
    rereads: u32,
    /// Times bytes were found in what a swap displaced, and another swap was needed.
    recoveries: u32,
    /// The folder, synced on the way out once anything was swapped: the sync takes
    /// milliseconds, and a new file must not stand in the card's place a moment longer
    /// than needed before what the swap displaced is looked at.
    swaps: SyncOnDrop<'p>,
}

impl<'p> Rewrite<'p> {
    fn start(path: &'p Path) -> Result<Rewrite<'p>, CardsError> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let seen = Seen::open(path)?;
        let source = seen.bytes.clone();
        let swaps = SyncOnDrop { dir, done: false };
        Ok(Rewrite { path, seen, source, aside: Vec::new(), rereads: 0, recoveries: 0, swaps })
    }

    /// Whether the card holds a text of termdex's already.
    fn written(&self) -> bool {
        self.recoveries > 0
    }

    fn round(&self) -> u32 {
        self.rereads + self.recoveries + 1
    }

    /// The card was rewritten by another program: reads it again, keeping in `source`
    /// what the card does not hold yet; gives up after [`ATTEMPTS`] times.
    fn read_again(&mut self) -> Result<(), CardsError> {
        self.rereads += 1;
        if self.rereads >= ATTEMPTS {
            return Err(self.give_up());
        }
        if !self.written() {
            // Nothing written yet: give the other program (an editor saving) time.
            std::thread::sleep(Duration::from_millis(20 * u64::from(self.rereads)));
        }
        let fresh = Seen::open(self.path)?;
        self.source = merge(&self.source, &self.seen.bytes, &fresh.bytes);
        self.seen = fresh;
        Ok(())
    }

    /// Swaps `new` into the card's place and settles what that displaced: `true` when the
    /// card is done, `false` for another round.
    fn swap(&mut self, new: Prepared, edit: &mut Editing<'_>) -> Result<bool, CardsError> {
        let path = self.path;
        let Prepared { temp, card } = new;
        let swapped = swap::swap(&temp, path).map_err(|cause| write_error(path, cause))?;
        self.swaps.done = true;
        let displaced = match swapped {
            Swapped::Renamed => {
                // The temporary name is gone (renamed over the card): nothing to remove.
                let _ = temp.keep();
                None
            }
            Swapped::Exchanged => {
                let there = open_to_read(&temp)?;
                if !there.metadata().is_ok_and(|m| Stamp::of(&m).same_file(&self.seen.stamp)) {
                    self.put_back(temp, card, there)?;
                    return Ok(false);
                }
                Some(temp)
            }
        };
        let found = read_when_written(&mut self.seen.file, path)?;
        self.settle(card, found, displaced, edit)
    }

    /// Another program's save took the card's place just before the swap, and is now at
    /// the temporary name: puts it back at once, before anyone takes the new text (which
    /// lacks that save) for the card, and reads the card again to edit it in turn.
    fn put_back(&mut self, temp: TempPath, card: NewCard, save: File) -> Result<(), CardsError> {
        swap::swap(&temp, self.path).map_err(|cause| write_error(self.path, cause))?;
        let save = Seen::read(save, self.path)?;
        if let Some(kept) = take_back(temp, card, &save, self.path)? {
            self.aside.push(kept);
            return Err(self.give_up());
        }
        self.read_again()
    }

    /// The swap displaced the file seen, which now holds `found`: done if that is what was
    /// seen; else what another program wrote into it in that moment must reach the card —
    /// appended to it when it was appended (and the edit does not care), else in a
    /// further round that edits the whole displaced text. `displaced` is its name, kept
    /// until then.
    fn settle(
        &mut self,
        card: NewCard,
        found: Vec<u8>,
        displaced: Option<TempPath>,
        edit: &mut Editing<'_>,
    ) -> Result<bool, CardsError> {
        if found == self.seen.bytes {
            return Ok(true);
        }
        let merged = merge(&self.source, &self.seen.bytes, &found);
        if let Some(tail) = found.strip_prefix(self.seen.bytes.as_slice())
            && edit(&merged)?.is_some_and(|edited| edited.strip_suffix(tail) == Some(card.bytes.as_slice()))
        {
            append(card.file, tail, self.path)?;
            return Ok(true);
        }
        self.aside.extend(displaced);
        self.recoveries += 1;
        if self.recoveries >= RECOVERIES {
            return Err(self.give_up());
        }
        self.source = merged;
        // The card is now the new file. Its writable descriptor closes here: the next
        // swap asks whether anyone still writes it, and termdex must not be that writer.
        drop(card.file);
        self.seen = Seen { file: card.reader, bytes: card.bytes, stamp: card.stamp };
        Ok(false)
    }

    /// The error for a rewrite that cannot finish: untouched, or (once written) with the
    /// other program's bytes the card does not hold kept in the files set aside.
    fn give_up(&mut self) -> CardsError {
        if !self.written() && self.aside.is_empty() {
            return CardsError::ChangedMeanwhile { path: self.path.to_path_buf() };
        }
        let kept = std::mem::take(&mut self.aside).into_iter().filter_map(|temp| temp.keep().ok()).collect();
        CardsError::KeptAside { path: self.path.to_path_buf(), kept }
    }
}

/// After a save that slipped in was put back (`put_back`, now the card again): the new
/// `card` is at its `temp`orary name again. Whatever was added to it while it was the
/// card (by a writer that opened the card in that moment, or a save made from it) is
/// appended to the card; a save made from `put_back` meanwhile, newer still, is put in the
/// card's place. The temporary name (kept) when it holds anything else, for the caller to
/// keep aside.
fn take_back(
    temp: TempPath,
    card: NewCard,
    put_back: &Seen,
    path: &Path,
) -> Result<Option<TempPath>, CardsError> {
    let NewCard { file, mut reader, bytes, stamp } = card;
    // Closed first: termdex must not count as a writer of it itself.
    drop(file);
    let mut there = open_to_read(&temp)?;
    let is_new = there.metadata().is_ok_and(|m| Stamp::of(&m).same_file(&stamp));
    let now = read_when_written(if is_new { &mut reader } else { &mut there }, &temp)?;
    if let Some(tail) = now.strip_prefix(bytes.as_slice()) {
        if !tail.is_empty() {
            let card = files::open_to_append(path).map_err(|cause| write_error(path, cause))?;
            append(card, tail, path)?;
        }
        return Ok(None);
    }
    if !is_new && now.starts_with(&put_back.bytes) {
        swap::swap(&temp, path).map_err(|cause| write_error(path, cause))?;
        let out = open_to_read(&temp)?;
        if out.metadata().is_ok_and(|m| Stamp::of(&m).same_file(&put_back.stamp)) {
            return Ok(None);
        }
    }
    Ok(Some(temp))
}

/// `source` with what another program did to the file termdex expected to hold
/// `expected` and found holding `found`: bytes appended to it are appended to `source`;
/// anything else is a whole new text (an editor's save), which replaces it.
fn merge(source: &[u8], expected: &[u8], found: &[u8]) -> Vec<u8> {
    match found.strip_prefix(expected) {
        Some(tail) => [source, tail].concat(),
        None => found.to_vec(),
    }
}

/// The file at the card's path as termdex last saw it: held open, with its bytes and stamp.
struct Seen {
    file: File,
    bytes: Vec<u8>,
    stamp: Stamp,
}

impl Seen {
    fn open(path: &Path) -> Result<Seen, CardsError> {
        Seen::read(open_to_read(path)?, path)
    }

    /// Reads an open file from its start.
    fn read(mut file: File, path: &Path) -> Result<Seen, CardsError> {
        let (bytes, stamp) = swap::read_all(&mut file).map_err(|cause| read_error(path, cause))?;
        Ok(Seen { file, bytes, stamp })
    }

    /// Whether the card's path still holds this file as it was seen, or this file with
    /// bytes appended (an appender's, which the swap then displaces and the rewrite keeps).
    fn still_there(&mut self, path: &Path) -> Result<bool, CardsError> {
        let read_error = |cause| CardsError::Read { path: path.to_path_buf(), cause };
        let now = swap::stamp_at(path).map_err(read_error)?;
        if now == self.stamp {
            return Ok(true);
        }
        if !now.same_file(&self.stamp) || now.size() <= self.stamp.size() {
            return Ok(false);
        }
        // Grown: appended to, or a longer text written in place (which is read again).
        let (bytes, _) = swap::read_all(&mut self.file).map_err(read_error)?;
        Ok(bytes.starts_with(&self.bytes))
    }
}

/// A file's whole content, read once no process writes it any more: a writer that
/// opened the card before a swap may still be writing the file the swap displaced.
fn read_when_written(file: &mut File, path: &Path) -> Result<Vec<u8>, CardsError> {
    swap::writers_gone(file);
    Ok(swap::read_all(file).map_err(|cause| read_error(path, cause))?.0)
}

/// Opens a file to read it, never waiting, and only if it is a regular file.
fn open_to_read(path: &Path) -> Result<File, CardsError> {
    files::open_regular(path).map(|(file, _)| file).map_err(|cause| read_error(path, cause))
}

fn read_error(path: &Path, cause: io::Error) -> CardsError {
    CardsError::Read { path: path.to_path_buf(), cause }
}

/// A card's new text, written and synced under a temporary name beside it, with the old
/// file's owner, group, mode and attributes.
struct Prepared {
    temp: TempPath,
    card: NewCard,
}

/// The new file that takes the card's place.
struct NewCard {
    /// Open for writing, to append bytes the swap displaced.
    file: File,
    /// Open for reading: the file's identity once it holds the card.
    reader: File,
    bytes: Vec<u8>,
    stamp: Stamp,
}

impl Prepared {
    fn write(dir: &Path, bytes: Vec<u8>, like: &File, path: &Path) -> Result<Prepared, CardsError> {
        let write_error = |cause| write_error(path, without_temp_name(cause));
        let mut temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(write_error)?;
        // Through the file itself: `tempfile`'s own writer would add its name to errors too.
        temp.as_file_mut().write_all(&bytes).map_err(write_error)?;
        attributes::copy(like, temp.as_file(), path)?;
        temp.as_file().sync_all().map_err(write_error)?;
        let reader = files::open_regular(temp.path()).map(|(file, _)| file).map_err(write_error)?;
        let stamp = Stamp::of(&temp.as_file().metadata().map_err(write_error)?);
        let (file, temp) = temp.into_parts();
        Ok(Prepared { temp, card: NewCard { file, reader, bytes, stamp } })
    }
}

/// Appends `tail` to `file`, now the card, as an appender would (`O_APPEND`, so that it
/// never overwrites another appender's line), and syncs it.
fn append(mut file: File, tail: &[u8], path: &Path) -> Result<(), CardsError> {
    rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::APPEND).map_err(|e| write_error(path, e.into()))?;
    file.write_all(tail).and_then(|()| file.sync_all()).map_err(|cause| write_error(path, cause))
}

fn write_error(path: &Path, cause: io::Error) -> CardsError {
    CardsError::Write { path: path.to_path_buf(), cause }
}

/// `tempfile` adds the temporary file's name to the errors of creating it. The message
/// names the card, and the name of a file that never came to be would only confuse, so
/// such an error is told by its kind alone ("permission denied").
fn without_temp_name(err: io::Error) -> io::Error {
    use io::ErrorKind as Kind;
    if err.raw_os_error().is_some() {
        return err;
    }
    match err.kind() {
        kind @ (Kind::PermissionDenied
        | Kind::ReadOnlyFilesystem
        | Kind::StorageFull
        | Kind::QuotaExceeded
        | Kind::FileTooLarge
        | Kind::NotFound) => io::Error::from(kind),
        _ => err,
    }
}

/// Creates `path` with `content`, failing if it exists (never overwrites another card).
pub fn create_new(path: &Path, content: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    let written = file.write_all(content).and_then(|()| file.sync_all());
    if written.is_err() {
        // A half-written new card is worse than none.
        let _ = fs::remove_file(path);
    }
    written?;
    files::sync_dir(path.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Syncs a folder when dropped, if renames were `done` in it.
struct SyncOnDrop<'a> {
    dir: &'a Path,
    done: bool,
}

impl Drop for SyncOnDrop<'_> {
    fn drop(&mut self) {
        if self.done {
            files::sync_dir(self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// `status: todo` made `status: done`, as `set` would; `None` when there is none.
    fn done(bytes: &[u8]) -> Result<Option<Vec<u8>>, CardsError> {
        let text = String::from_utf8_lossy(bytes);
        Ok(text
            .contains("status: todo")
            .then(|| text.replacen("status: todo", "status: done", 1).into_bytes()))
    }

    fn card(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let card = dir.path().join("a.md");
        fs::write(&card, text).expect("write");
        card
    }

    /// Only the card is left in its folder.
    fn no_temp_file(dir: &tempfile::TempDir) {
        let names: Vec<_> = fs::read_dir(dir.path()).expect("ls").flatten().map(|e| e.file_name()).collect();
        assert_eq!(names, ["a.md"], "a temporary file was left");
    }

    #[test]
    fn a_rewrite_keeps_permissions_and_leaves_no_temp_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let card = card(&dir, "---\nstatus: todo\n---\n");
        fs::set_permissions(&card, fs::Permissions::from_mode(0o640)).expect("chmod");
        assert!(rewrite(&card, &mut done, &mut |_| {}).expect("rewrite"));
        assert_eq!(fs::read_to_string(&card).expect("read"), "---\nstatus: done\n---\n");
        assert_eq!(fs::metadata(&card).expect("meta").permissions().mode() & 0o777, 0o640);
        no_temp_file(&dir);
        assert!(!rewrite(&card, &mut done, &mut |_| {}).expect("rewrite"), "nothing left to change");
    }

    #[test]
    fn a_card_rewritten_before_the_check_is_read_again_and_nothing_is_lost() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = card(&dir, "---\nstatus: todo\n---\nbody\n");
        let saved = "---\nstatus: todo\n---\nbody, saved by an editor\n";
        let changed = rewrite(&card, &mut done, &mut |at| {
            if at == Moment::BeforeCheck(1) {
                fs::write(&card, saved).expect("save in place");
            }
        });
        assert!(changed.expect("rewrite"));
        assert_eq!(fs::read_to_string(&card).expect("read"), saved.replace("todo", "done"));
        no_temp_file(&dir);
    }

    #[test]
    fn a_line_appended_across_the_swap_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = card(&dir, "---\nstatus: todo\n---\nline 1\n");
        let mut late = None;
        let changed = rewrite(&card, &mut done, &mut |at| {
            if at == Moment::BeforeSwap(1) {
                // An appender that opened the card before the swap and writes after it.
                let mut writer = File::options().append(true).open(&card).expect("open");
                late = Some(std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(30));
                    writer.write_all(b"line 2\n").expect("append");
                }));
            }
        });
        assert!(changed.expect("rewrite"));
        late.expect("appender").join().expect("join");
        assert_eq!(fs::read_to_string(&card).expect("read"), "---\nstatus: done\n---\nline 1\nline 2\n");
        no_temp_file(&dir);
    }

    #[test]
    fn a_save_by_rename_just_before_the_swap_is_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = card(&dir, "---\nstatus: todo\n---\nline 1\n");
        let changed = rewrite(&card, &mut done, &mut |at| {
            if at == Moment::BeforeSwap(1) {
                let save = dir.path().join("a.md~");
                fs::write(&save, "---\nstatus: todo\n---\nline 1\nsaved\n").expect("write");
                fs::rename(&save, &card).expect("save by rename");
            }
        });
        assert!(changed.expect("rewrite"));
        assert_eq!(fs::read_to_string(&card).expect("read"), "---\nstatus: done\n---\nline 1\nsaved\n");
        no_temp_file(&dir);
    }

    #[test]
    fn a_save_in_place_just_before_the_swap_is_edited_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = card(&dir, "---\nstatus: todo\n---\nfirst text\n");
        let changed = rewrite(&card, &mut done, &mut |at| {
            if at == Moment::BeforeSwap(1) {
                fs::write(&card, "---\nstatus: todo\n---\nrewritten\n").expect("save in place");
            }
        });
        assert!(changed.expect("rewrite"));
        assert_eq!(fs::read_to_string(&card).expect("read"), "---\nstatus: done\n---\nrewritten\n");
        no_temp_file(&dir);
    }

    #[test]
    fn a_card_that_keeps_being_rewritten_is_given_up_on_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = card(&dir, "---\nstatus: todo\n---\n");
        let mut last = String::new();
        let err = rewrite(&card, &mut done, &mut |at| {
            if let Moment::BeforeCheck(n) = at {
                last = format!("---\nstatus: todo\nsave: {n}\n---\n");
                fs::write(&card, &last).expect("save");
            }
        })
        .expect_err("gives up");
        assert!(matches!(err, CardsError::ChangedMeanwhile { .. }), "{err}");
        assert_eq!(fs::read_to_string(&card).expect("read"), last);
        assert_eq!(last, format!("---\nstatus: todo\nsave: {ATTEMPTS}\n---\n"));
        no_temp_file(&dir);
    }

    #[test]
    fn targets_are_single_writable_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.md");
        fs::write(&real, "x").expect("write");
        assert!(target(&real, "real.md").is_ok());
        fs::hard_link(&real, dir.path().join("twin.md")).expect("hard link");
        let err = target(&real, "real.md").expect_err("two names");
        assert_eq!(
            err.to_string(),
            "real.md has 2 hard links; termdex will not split them — edit it in your editor"
        );
        fs::remove_file(dir.path().join("twin.md")).expect("rm");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o444)).expect("chmod");
        assert!(matches!(target(&real, "real.md"), Err(CardsError::ReadOnly { .. })));
        assert!(matches!(target(dir.path(), "dir"), Err(CardsError::NotAFile { .. })));
    }

    #[test]
    fn the_write_lock_is_exclusive_and_creates_its_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let held = lock(dir.path()).expect("lock");
        assert!(dir.path().join(".termdex/write.lock").is_file());
        let other = File::open(dir.path().join(".termdex/write.lock")).expect("open");
        assert!(other.try_lock().is_err(), "a second holder must wait");
        drop(held);
        assert!(other.try_lock().is_ok(), "released when dropped");
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        create_new(&card, b"first").expect("create");
        assert!(create_new(&card, b"second").is_err());
        assert_eq!(fs::read_to_string(&card).expect("read"), "first");
    }
}
