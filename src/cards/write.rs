//! Writing a card atomically: a temporary file in the same folder, synced, then renamed
//! over the card. A crash, a full disk or a permission error leaves the card as it was and
//! no temporary file behind.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::CardsError;

/// Replaces the file at `path` with `content`, keeping its permissions. `expected` is the
/// content the caller read and edited: if the file no longer holds it (an editor saved in
/// between), nothing is written.
pub fn replace(path: &Path, expected: &[u8], content: &[u8]) -> Result<(), CardsError> {
    let write_error = |cause| CardsError::Write { path: path.to_path_buf(), cause };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp =
        tempfile::Builder::new().prefix(".termdex-").suffix(".tmp").tempfile_in(dir).map_err(write_error)?;
    temp.write_all(content).map_err(write_error)?;
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

/// Creates `path` with `content`, failing if it exists (never overwrites another card).
pub fn create_new(path: &Path, content: &[u8]) -> std::io::Result<()> {
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
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        create_new(&card, b"first").expect("create");
        assert!(create_new(&card, b"second").is_err());
        assert_eq!(fs::read_to_string(&card).expect("read"), "first");
    }
}
