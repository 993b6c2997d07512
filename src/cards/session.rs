//! One editor session: cards opened in the user's editor, and what came of it.
//!
//! Every command that hands a card to the editor comes here (`new`, `edit`, `journal`,
//! `pick`, the TUI's `e` and `n`), so that the guarantees are kept in one place: only
//! cards of the dex are opened; a draft that never reached the editor, or that came back
//! as the template, empty or deleted, is taken away again with the folders made for it;
//! a failing editor leaves the files as it left them; Ctrl-C while the editor runs is
//! the editor's (see [`super::editor`]). The caller lends the terminal ([`HandOver`])
//! and says what happened in its own words, from the [`Outcome`].

use std::path::PathBuf;
use std::process::ExitStatus;

use crate::card::file_stem;
use crate::clock::Clock;
use crate::config::Config;
use crate::dex::Dex;
use crate::files;
use crate::scan::Extensions;

use super::CardsError;
use super::editor::Editor;
use super::naming;
use super::new::{self, Draft, NewCard};

/// What a session opens in the editor.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// Cards that exist, by dex-relative path (the editor gets them all at once).
    Cards(Vec<String>),
    /// A card just created from a template: kept only if the editor changed it.
    Draft(Draft),
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The editor exited cleanly: the cards, or the draft it changed, are kept.
    Saved,
    /// The draft was taken away again, with the folders made for it; nothing was saved.
    Discarded(Discarded),
    /// The editor failed; the files are kept as it left them.
    EditorFailed(ExitStatus),
}

/// Why a draft was taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discarded {
    /// Left exactly as the template rendered it.
    Unchanged,
    /// Left empty or only blank.
    Emptied,
    /// The editor deleted the file.
    Deleted,
}

impl Discarded {
    /// What happened to the draft shown as `shown`, for "nothing saved: ..." (the CLI and
    /// the TUI say it alike).
    pub fn describe(self, shown: &str) -> String {
        match self {
            Discarded::Unchanged => format!("{shown} was left as the template, so it was removed"),
            Discarded::Emptied => format!("{shown} was emptied, so it was removed"),
            Discarded::Deleted => format!("the editor deleted {shown}"),
        }
    }
}

/// Runs the editor (the function it is given, which returns the editor's exit status, or
/// `None` when it did not start) with the terminal handed over, and returns what that
/// returned. The CLI runs it as it is; the TUI leaves its screen first and takes it back
/// after.
pub type HandOver<'a> = &'a mut dyn FnMut(&mut dyn FnMut() -> Option<ExitStatus>) -> Option<ExitStatus>;

/// The card at `rel` (checked to be a card of the dex) or, when there is none, a new note
/// titled after its file name, created there (`termdex edit PATH`).
pub fn open_path(dex: &Dex, config: &Config, clock: &Clock, rel: &str) -> Result<Opened, CardsError> {
    // Only a path where nothing is gets a new card: a FIFO or a folder there is said to be
    // what it is, not taken for a card another program made meanwhile.
    match std::fs::metadata(super::editable(&dex.root, &config.extensions, rel)?) {
        Ok(meta) if meta.is_file() => return Ok(Opened::Cards(vec![rel.to_string()])),
        Ok(meta) => {
            return Err(CardsError::NotAFile {
                path: rel.to_string(),
                kind: files::kind_of(meta.file_type()),
            });
        }
        Err(_) => {}
    }
    let title = file_stem(rel).to_string();
    let card = NewCard { template: "note", title: Some(&title), path: Some(rel), ..NewCard::default() };
    Ok(Opened::Draft(new::create(dex, config, clock, &card)?))
}

/// Runs the user's editor on what was opened, through `hand_over`, and settles the
/// result: a draft is kept if the editor changed it and taken away if it was left as the
/// template, emptied or deleted. An error means the editor never ran (it could not be
/// found or started, a path is not a card of the dex): nothing was changed, and a draft
/// is taken away.
pub fn run(
    dex: &Dex,
    extensions: &Extensions,
    opened: &Opened,
    hand_over: HandOver<'_>,
) -> Result<Outcome, CardsError> {
    let status = match run_editor(dex, extensions, opened, hand_over) {
        Ok(status) => status,
        Err(e) => {
            if let Opened::Draft(draft) = opened {
                // The error to report is why the editor did not run; a draft that cannot
                // be removed either is a file the user sees in the dex.
                let _ = discard(draft);
            }
            return Err(e);
        }
    };
    match opened {
        _ if !status.success() => Ok(Outcome::EditorFailed(status)),
        Opened::Cards(_) => Ok(Outcome::Saved),
        Opened::Draft(draft) => settle(draft),
    }
}

fn run_editor(
    dex: &Dex,
    extensions: &Extensions,
    opened: &Opened,
    hand_over: HandOver<'_>,
) -> Result<ExitStatus, CardsError> {
    let files: Vec<PathBuf> = match opened {
        Opened::Cards(rels) => rels
            .iter()
            .map(|rel| super::editable(&dex.root, extensions, rel).map(|_| dex.card_path(rel)))
            .collect::<Result<_, _>>()?,
        Opened::Draft(draft) => vec![draft.file.abs.clone()],
    };
    let editor = Editor::from_env()?;
    // The result is kept here rather than taken from `hand_over`'s answer: a terminal
    // that cannot be taken back after the editor ran must not lose the editor's status.
    let mut ran = None;
    hand_over(&mut || {
        let result = editor.run_many(&files);
        let status = result.as_ref().ok().copied();
        ran = Some(result);
        status
    });
    ran.unwrap_or(Err(CardsError::EditorNotRun))
}

/// After the editor exited cleanly: keeps the draft if it was changed, takes it away if
/// it was left as the template, emptied or deleted.
fn settle(draft: &Draft) -> Result<Outcome, CardsError> {
    let now = match files::read_regular(&draft.file.abs) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            naming::remove_dirs(&draft.file.made_dirs);
            return Ok(Outcome::Discarded(Discarded::Deleted));
        }
        Err(cause) => return Err(CardsError::Read { path: draft.file.abs.clone(), cause }),
    };
    let why = if now == draft.content.as_bytes() {
        Discarded::Unchanged
    } else if now.iter().all(u8::is_ascii_whitespace) {
        Discarded::Emptied
    } else {
        return Ok(Outcome::Saved);
    };
    discard(draft)?;
    Ok(Outcome::Discarded(why))
}

/// Removes a draft and the folders made for it.
fn discard(draft: &Draft) -> Result<(), CardsError> {
    match std::fs::remove_file(&draft.file.abs) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(cause) => return Err(CardsError::Remove { path: draft.file.abs.clone(), cause }),
    }
    naming::remove_dirs(&draft.file.made_dirs);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_opens_its_card_or_a_draft_the_editor_never_saw_is_taken_away() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dex = Dex::at(dir.path()).expect("dex");
        let config = Config::load(&dex.state_dir()).expect("config");
        let now: jiff::civil::DateTime = "2026-11-23T14:15:30".parse().expect("now");
        let clock = Clock { today: now.date(), now, tz: jiff::tz::TimeZone::UTC };
        std::fs::write(dir.path().join("a.md"), "# A\n").expect("write");
        assert_eq!(
            open_path(&dex, &config, &clock, "a.md").expect("open"),
            Opened::Cards(vec!["a.md".into()])
        );
        let opened = open_path(&dex, &config, &clock, "ideas/deep/Plan.md").expect("create");
        let Opened::Draft(draft) = &opened else { panic!("a missing card is created: {opened:?}") };
        assert!(draft.content.contains("title: Plan\n"), "{}", draft.content);
        assert!(dir.path().join("ideas/deep/Plan.md").is_file());
        // A caller that never hands the terminal over (the TUI without a screen).
        let result = run(&dex, &Extensions::default(), &opened, &mut |_| None);
        assert!(matches!(result, Err(CardsError::EditorNotRun)), "{result:?}");
        assert!(!dir.path().join("ideas").exists(), "the draft and the folders made for it are gone");
    }
}
