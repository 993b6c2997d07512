//! `set`: changing frontmatter fields of existing cards, in place and losslessly.
//!
//! Every caller (`termdex set`, bulk sets, board moves in the TUI) comes through
//! [`set_fields`], so the safety rules live here: only cards are rewritten (never
//! `package.json`, `.git/HEAD` or `.termdex/config.toml`), one process at a time, and a
//! card another program saved meanwhile is read again rather than overwritten.

use std::path::Path;
use std::time::Duration;

use crate::frontmatter::{self, Edit};
use crate::scan;

use super::CardsError;
use super::write;

/// How often a card that changed between reading and renaming is read and edited again
/// before giving up: an editor saving once costs one retry.
const ATTEMPTS: u32 = 5;

/// Applies `edits` to the card at `rel`; `Ok(false)` when the card already had those
/// values (nothing is written then). Everything outside the edited keys' lines keeps its
/// bytes, and the write is atomic. A path that is not a card by the scanner's rules is
/// refused; a symlinked card is written through to the file it points to.
pub fn set_fields(root: &Path, rel: &str, edits: &[Edit]) -> Result<bool, CardsError> {
    set_fields_with(root, rel, edits, &mut |_| {})
}

/// [`set_fields`] with a hook run just before each write (given the attempt number), for
/// tests that play another program saving the card at the worst moment.
fn set_fields_with(
    root: &Path,
    rel: &str,
    edits: &[Edit],
    before_write: &mut dyn FnMut(u32),
) -> Result<bool, CardsError> {
    if let Some(reason) = scan::card_path_problem(rel) {
        return Err(CardsError::NotACard { path: rel.to_string(), reason });
    }
    let _lock = write::lock(root)?;
    let target = write::target(&root.join(rel), rel)?;
    let mut attempt = 1;
    loop {
        let bytes =
            std::fs::read(&target).map_err(|cause| CardsError::Read { path: target.clone(), cause })?;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return Err(CardsError::BadPath(format!(
                "{rel} is not valid UTF-8; termdex will not rewrite it (fix its encoding first)"
            )));
        };
        let edited = frontmatter::apply(text, edits)
            .map_err(|cause| CardsError::Edit { what: rel.to_string(), cause })?;
        if edited == text {
            return Ok(false);
        }
        before_write(attempt);
        match write::replace(&target, &bytes, edited.as_bytes()) {
            Err(CardsError::ChangedMeanwhile { .. }) if attempt < ATTEMPTS => {
                // Another program (an editor) saved it: edit what it saved.
                std::thread::sleep(Duration::from_millis(20 * u64::from(attempt)));
                attempt += 1;
            }
            Err(e) => return Err(e),
            Ok(()) => return Ok(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontmatter::EditValue;

    fn status(value: &str) -> Vec<Edit> {
        vec![Edit::Set { key: "status".into(), value: EditValue::Scalar(value.into()) }]
    }

    #[test]
    fn files_that_are_not_cards_are_refused_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).expect("mkdir");
        for (rel, content) in [
            ("package.json", "{\"name\": \"x\"}\n"),
            ("run.sh", "#!/bin/sh\necho hi\n"),
            (".git/HEAD", "ref: refs/heads/main\n"),
            (".hidden.md", "---\na: 1\n---\n"),
        ] {
            std::fs::write(root.join(rel), content).expect("write");
            let err = set_fields(root, rel, &status("done")).expect_err(rel);
            assert!(matches!(err, CardsError::NotACard { .. }), "{rel}: {err}");
            assert!(err.to_string().starts_with(&format!("{rel} is not a card: ")), "{err}");
            assert_eq!(std::fs::read_to_string(root.join(rel)).expect("read"), content, "{rel}");
        }
    }

    #[test]
    fn a_card_saved_by_another_program_meanwhile_is_edited_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        std::fs::write(&card, "---\nstatus: todo\n---\nbody\n").expect("write");
        let mut saves = 0;
        let changed = set_fields_with(dir.path(), "a.md", &status("done"), &mut |attempt| {
            if attempt == 1 {
                saves += 1;
                std::fs::write(&card, "---\nstatus: todo\n---\nbody, saved by an editor\n").expect("save");
            }
        })
        .expect("set");
        assert!(changed);
        assert_eq!(saves, 1);
        assert_eq!(
            std::fs::read_to_string(&card).expect("read"),
            "---\nstatus: done\n---\nbody, saved by an editor\n",
            "both the editor's save and the edit are kept"
        );
    }

    #[test]
    fn a_card_that_keeps_changing_is_given_up_on_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let card = dir.path().join("a.md");
        std::fs::write(&card, "---\nstatus: todo\n---\n").expect("write");
        let err = set_fields_with(dir.path(), "a.md", &status("done"), &mut |attempt| {
            std::fs::write(&card, format!("---\nstatus: todo\n---\nsave {attempt}\n")).expect("save");
        })
        .expect_err("gives up");
        assert!(matches!(err, CardsError::ChangedMeanwhile { .. }), "{err}");
        assert_eq!(
            std::fs::read_to_string(&card).expect("read"),
            format!("---\nstatus: todo\n---\nsave {ATTEMPTS}\n")
        );
    }

    #[test]
    fn a_symlinked_card_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("real")).expect("mkdir");
        std::fs::write(root.join("real/note.md"), "---\nstatus: todo\n---\n").expect("write");
        std::os::unix::fs::symlink("real/note.md", root.join("link.md")).expect("symlink");
        assert!(set_fields(root, "link.md", &status("done")).expect("set"));
        assert!(std::fs::symlink_metadata(root.join("link.md")).expect("meta").file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(root.join("real/note.md")).expect("read"),
            "---\nstatus: done\n---\n"
        );
    }
}
