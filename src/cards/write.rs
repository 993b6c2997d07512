//! Writing a card atomically: a temporary file in the same folder, synced, then renamed
//! over the card. A crash, a full disk or a permission error leaves the card as it was and
//! no temporary file behind.
//!
//! Rewrites of existing cards are serialised across processes by an exclusive lock on
//! `.termdex/write.lock` (kept beside the index, in the user's cache folder when
//! `.termdex/` is not writable), so two `set`s on one card each see the other's result instead of
//! both editing the same old text. The rename replaces a file, so what it replaces is
//! chosen with care: the target of a symlink (the link stays a link), never a file with
//! several hard links (renaming would split them) or a read-only one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::CardsError;
use crate::scan::{TEMP_PREFIX, TEMP_SUFFIX};

/// Held while a card is read, edited and renamed into place; released when dropped.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

/// Takes the dex's write lock (`write.lock` beside the index, created if missing),
/// waiting for another process that holds it.
pub fn lock(root: &Path) -> Result<WriteLock, CardsError> {
    let location = crate::dex::Dex { root: root.to_path_buf() }.index_location();
    let state = location.dir();
    let path = state.join("write.lock");
    let lock_error = |cause| CardsError::Lock { path: path.clone(), cause };
    fs::create_dir_all(state).map_err(lock_error)?;
    let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(lock_error)?;
    file.lock().map_err(lock_error)?;
    Ok(WriteLock { _file: file })
}

/// The file to replace when rewriting the card at `abs` (`rel` names it in messages): the
/// real file behind any symlinks, checked to be a regular file with one name that is not
/// read-only.
pub fn target(abs: &Path, rel: &str) -> Result<PathBuf, CardsError> {
    let read_error = |cause| CardsError::Read { path: abs.to_path_buf(), cause };
    let real = fs::canonicalize(abs).map_err(read_error)?;
    let meta = fs::metadata(&real).map_err(read_error)?;
    if !meta.is_file() {
        return Err(CardsError::NotACard { path: rel.to_string(), reason: "it is not a file" });
    }
    if meta.nlink() > 1 {
        return Err(CardsError::HardLinked { path: rel.to_string(), links: meta.nlink() });
    }
    if meta.permissions().readonly() {
        return Err(CardsError::ReadOnly { path: rel.to_string() });
    }
    Ok(real)
}

/// Replaces the file at `path` with `content`, keeping its permissions. `expected` is the
/// content the caller read and edited: if the file no longer holds it (an editor saved in
/// between), nothing is written.
pub fn replace(path: &Path, expected: &[u8], content: &[u8]) -> Result<(), CardsError> {
    let write_error = |cause| CardsError::Write { path: path.to_path_buf(), cause: without_temp_name(cause) };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(write_error)?;
    // Through the file itself: `tempfile`'s own writer would add its name to errors too.
    temp.as_file_mut().write_all(content).map_err(write_error)?;
    if let Ok(meta) = fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions()).map_err(write_error)?;
    }
    temp.as_file().sync_all().map_err(write_error)?;
    // Checked as late as possible: the window for a lost concurrent save is the rename.
    let current = fs::read(path).map_err(|cause| CardsError::Read { path: path.to_path_buf(), cause })?;
    if current != expected {
        return Err(CardsError::ChangedMeanwhile { path: path.to_path_buf() });
    }
    temp.persist(path).map_err(|e| write_error(e.error))?;
    sync_dir(dir);
    Ok(())
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
    sync_dir(path.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Makes a rename or a new name durable; best effort (not every file system allows it).
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_keeps_permissions_and_leaves_no_temp_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        fs::write(&card, "old").expect("write");
        fs::set_permissions(&card, fs::Permissions::from_mode(0o640)).expect("chmod");
        replace(&card, b"old", b"new").expect("replace");
        assert_eq!(fs::read_to_string(&card).expect("read"), "new");
        assert_eq!(fs::metadata(&card).expect("meta").permissions().mode() & 0o777, 0o640);
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
    }

    #[test]
    fn replace_refuses_when_the_file_changed_meanwhile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        fs::write(&card, "changed by someone else").expect("write");
        let err = replace(&card, b"what we read", b"ours").expect_err("refused");
        assert!(matches!(err, CardsError::ChangedMeanwhile { .. }));
        assert_eq!(fs::read_to_string(&card).expect("read"), "changed by someone else");
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1, "no temp file left");
    }

    #[test]
    fn targets_are_real_single_writable_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.md");
        fs::write(&real, "x").expect("write");
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink("real.md", &link).expect("symlink");
        assert_eq!(target(&link, "link.md").expect("ok"), real.canonicalize().expect("canon"));
        fs::hard_link(&real, dir.path().join("twin.md")).expect("hard link");
        let err = target(&link, "link.md").expect_err("two names");
        assert_eq!(
            err.to_string(),
            "link.md has 2 hard links; termdex will not split them — edit it in your editor"
        );
        fs::remove_file(dir.path().join("twin.md")).expect("rm");
        fs::set_permissions(&real, fs::Permissions::from_mode(0o444)).expect("chmod");
        assert!(matches!(target(&real, "real.md"), Err(CardsError::ReadOnly { .. })));
        assert!(matches!(target(dir.path(), "dir"), Err(CardsError::NotACard { .. })));
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
