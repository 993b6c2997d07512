//! What a rewritten card keeps of the file it replaces besides its bytes: owner, group,
//! mode and extended attributes (POSIX ACLs among them, which Linux keeps as the
//! `system.posix_acl_*` attributes).
//!
//! A card is rewritten by renaming a new file over it, and a new file belongs to whoever
//! made it: `set` run as root on a card of `nobody`'s would otherwise hand the card to
//! root and lock its owner out. So the new file is given the old one's owner, group, mode
//! and attributes before it takes the card's place, and when one of them cannot be given
//! (another user's card changed by someone who is not root) the write is refused rather
//! than done with the card's ownership changed. Costs two `fstat`s and one `flistxattr`
//! when the card has no attributes, which is nearly always.

use std::fs::{File, Permissions};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use rustix::fs::{Gid, Uid, XattrFlags};

use super::CardsError;

/// Gives `new` the owner, group, mode and extended attributes of `old`. `path` is the
/// card, for messages.
pub fn copy(old: &File, new: &File, path: &Path) -> Result<(), CardsError> {
    let before = old.metadata().map_err(|cause| read_error(path, cause))?;
    let made = new.metadata().map_err(|cause| write_error(path, cause))?;
    // Owner first: changing it clears set-user-ID bits, which the mode then puts back.
    let owner = (made.uid() != before.uid()).then(|| Uid::from_raw(before.uid()));
    let group = (made.gid() != before.gid()).then(|| Gid::from_raw(before.gid()));
    if owner.is_some() || group.is_some() {
        rustix::fs::fchown(new, owner, group).map_err(|errno| CardsError::Owner {
            path: path.to_path_buf(),
            uid: before.uid(),
            gid: before.gid(),
            cause: errno.into(),
        })?;
    }
    // Through std: its mode is a u32 everywhere, rustix's is the platform's (u16 on macOS).
    new.set_permissions(Permissions::from_mode(before.mode() & 0o7777))
        .map_err(|cause| write_error(path, cause))?;
    copy_xattrs(old, new, path)
}

/// Copies every extended attribute `old` has and `new` does not have with the same value.
fn copy_xattrs(old: &File, new: &File, path: &Path) -> Result<(), CardsError> {
    for name in xattr_names(old).map_err(|cause| read_error(path, cause))? {
        let value = xattr(old, &name).map_err(|cause| read_error(path, cause))?;
        // The file system may already have given the new file this one (a security label).
        if xattr(new, &name).is_ok_and(|have| have == value) {
            continue;
        }
        rustix::fs::fsetxattr(new, name.as_slice(), &value, XattrFlags::empty()).map_err(|errno| {
            CardsError::Attribute {
                path: path.to_path_buf(),
                name: String::from_utf8_lossy(&name).into_owned(),
                cause: errno.into(),
            }
        })?;
    }
    Ok(())
}

/// The names of a file's extended attributes; none where the file system has none.
fn xattr_names(file: &File) -> io::Result<Vec<Vec<u8>>> {
    let size = match rustix::fs::flistxattr_query(file) {
        Ok(0) => return Ok(Vec::new()),
        Ok(size) => size,
        Err(rustix::io::Errno::NOTSUP) => return Ok(Vec::new()),
        Err(errno) => return Err(errno.into()),
    };
    let mut list = vec![0u8; size];
    let len = rustix::fs::flistxattr(file, &mut list[..])?;
    list.truncate(len);
    Ok(list.split(|&b| b == 0).filter(|name| !name.is_empty()).map(<[u8]>::to_vec).collect())
}

fn xattr(file: &File, name: &[u8]) -> io::Result<Vec<u8>> {
    let size = rustix::fs::fgetxattr_query(file, name)?;
    let mut value = vec![0u8; size];
    let len = rustix::fs::fgetxattr(file, name, &mut value[..])?;
    value.truncate(len);
    Ok(value)
}

fn read_error(path: &Path, cause: io::Error) -> CardsError {
    CardsError::Read { path: path.to_path_buf(), cause }
}

fn write_error(path: &Path, cause: io::Error) -> CardsError {
    CardsError::Write { path: path.to_path_buf(), cause }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn mode_and_extended_attributes_are_copied() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old_path = dir.path().join("old.md");
        std::fs::write(&old_path, "old").expect("write");
        std::fs::set_permissions(&old_path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        rustix::fs::setxattr(&old_path, "user.termdex.test", b"kept", XattrFlags::empty())
            .expect("this file system must hold user extended attributes (ext4, xfs, btrfs, tmpfs do)");
        let old = File::open(&old_path).expect("open");
        let new = tempfile::tempfile_in(dir.path()).expect("temp");
        copy(&old, &new, &old_path).expect("copy");
        assert_eq!(new.metadata().expect("meta").mode() & 0o7777, 0o640);
        assert_eq!(xattr(&new, b"user.termdex.test").expect("xattr"), b"kept");
    }
}
