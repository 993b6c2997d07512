//! `set`: changing frontmatter fields of existing cards, in place and losslessly.
//!
//! Every caller (`termdex set`, bulk sets, board moves in the TUI) comes through
//! [`change`], so the safety rules live here: only cards are rewritten — files the
//! scanner indexes as cards of this dex, followed through links (never `package.json`,
//! `.git/config` or `.termdex/config.toml`, even behind a link named like a card), one
//! termdex process at a time, and never over another program's write (see
//! [`write::rewrite`]).

use std::path::Path;

use crate::frontmatter::{self, Edit};
use crate::scan::{CardRules, Extensions};

use super::CardsError;
use super::write::{self, Moment};

/// Applies `edits` to the card at `rel`; `Ok(false)` when the card already had those
/// values (nothing is written then). Everything outside the edited keys' lines keeps its
/// bytes, and the write is atomic. A path that is not a card by the scanner's rules is
/// refused; a symlinked card is written through to the file it points to when that is a
/// card of the dex too.
pub fn set_fields(
    root: &Path,
    extensions: &Extensions,
    rel: &str,
    edits: &[Edit],
) -> Result<bool, CardsError> {
    set_fields_in(&mut CardRules::new(root, extensions), rel, edits)
}

/// [`set_fields`] in the dex `rules` are for; one `rules` for many cards (a bulk set)
/// reads each folder's ignore files once.
pub fn set_fields_in(rules: &mut CardRules, rel: &str, edits: &[Edit]) -> Result<bool, CardsError> {
    change(rules, rel, &mut |_| Ok(edits.to_vec()), &mut |_| {})
}

/// Whether [`set_fields`] would take these edits now, writing nothing: the card is a card
/// of the dex, may be replaced, reads, and its frontmatter takes the edits. A change of
/// several cards (an outline move that numbers siblings) checks each first, so that one
/// that would be refused leaves every card as it was, not half of them changed.
pub fn check_fields(
    root: &Path,
    extensions: &Extensions,
    rel: &str,
    edits: &[Edit],
) -> Result<(), CardsError> {
    let real = CardRules::new(root, extensions)
        .card(rel)
        .map_err(|reason| CardsError::NotACard { path: rel.to_string(), reason })?;
    write::target(&real, rel)?;
    let bytes = std::fs::read(&real).map_err(|cause| CardsError::Read { path: real.clone(), cause })?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Err(CardsError::BadPath(format!(
            "{rel} is not valid UTF-8; termdex will not rewrite it (fix its encoding first)"
        )));
    };
    frontmatter::apply(text, edits).map_err(|cause| CardsError::Edit { what: rel.to_string(), cause })?;
    Ok(())
}

/// Rewrites the card at `rel` with the edits `plan` chooses for its current text (asked
/// again whenever the text has to be read again); `at` is told where the rewrite is, for
/// tests that play another program writing at the worst moment.
pub(crate) fn change(
    rules: &mut CardRules,
    rel: &str,
    plan: &mut dyn FnMut(&str) -> Result<Vec<Edit>, CardsError>,
    at: &mut dyn FnMut(Moment),
) -> Result<bool, CardsError> {
    let real = rules.card(rel).map_err(|reason| CardsError::NotACard { path: rel.to_string(), reason })?;
    let _lock = write::lock(rules.root())?;
    write::target(&real, rel)?;
    let mut edit = |bytes: &[u8]| {
        let Ok(text) = std::str::from_utf8(bytes) else {
            return Err(CardsError::BadPath(format!(
                "{rel} is not valid UTF-8; termdex will not rewrite it (fix its encoding first)"
            )));
        };
        let edits = plan(text)?;
        let edited = frontmatter::apply(text, &edits)
            .map_err(|cause| CardsError::Edit { what: rel.to_string(), cause })?;
        Ok((edited != text).then(|| edited.into_bytes()))
    };
    write::rewrite(&real, &mut edit, at)
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
            let err = set_fields(root, &Extensions::default(), rel, &status("done")).expect_err(rel);
            assert!(matches!(err, CardsError::NotACard { .. }), "{rel}: {err}");
            assert!(err.to_string().starts_with(&format!("{rel} is not a card: ")), "{err}");
            assert_eq!(std::fs::read_to_string(root.join(rel)).expect("read"), content, "{rel}");
        }
    }

    #[test]
    fn a_symlinked_card_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("real")).expect("mkdir");
        std::fs::write(root.join("real/note.md"), "---\nstatus: todo\n---\n").expect("write");
        std::os::unix::fs::symlink("real/note.md", root.join("link.md")).expect("symlink");
        assert!(set_fields(root, &Extensions::default(), "link.md", &status("done")).expect("set"));
        assert!(std::fs::symlink_metadata(root.join("link.md")).expect("meta").file_type().is_symlink());
        assert_eq!(
            std::fs::read_to_string(root.join("real/note.md")).expect("read"),
            "---\nstatus: done\n---\n"
        );
    }
}
