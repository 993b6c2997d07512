//! Running the user's editor on a card.
//!
//! `$VISUAL`, then `$EDITOR`, then `vi`, split into words the way a shell would
//! (`code --wait` works); the card's path is passed as one more argument, never through
//! `sh -c`, so no file name can be run as a command.

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitStatus};

use super::CardsError;

/// The editor command, as program and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub program: String,
    pub args: Vec<String>,
    /// The variable it came from, for error messages (`None`: the `vi` fallback).
    pub from: Option<&'static str>,
}

impl Editor {
    /// From the environment: `$VISUAL`, `$EDITOR`, else `vi`.
    pub fn from_env() -> Result<Editor, CardsError> {
        Self::from_vars(std::env::var_os("VISUAL"), std::env::var_os("EDITOR"))
    }

    pub fn from_vars(visual: Option<OsString>, editor: Option<OsString>) -> Result<Editor, CardsError> {
        let chosen = [("VISUAL", visual), ("EDITOR", editor)].into_iter().find_map(|(var, value)| {
            value.filter(|v| !v.to_string_lossy().trim().is_empty()).map(|v| (var, v))
        });
        let Some((var, value)) = chosen else {
            return Ok(Editor { program: "vi".into(), args: Vec::new(), from: None });
        };
        let command = value.to_string_lossy().into_owned();
        let mut words = shell_words::split(&command).map_err(|e| CardsError::EditorCommand {
            var,
            command: command.clone(),
            message: e.to_string(),
        })?;
        if words.is_empty() {
            return Err(CardsError::EditorCommand { var, command, message: "it is empty".into() });
        }
        let program = words.remove(0);
        Ok(Editor { program, args: words, from: Some(var) })
    }

    /// Runs the editor on `path` with the terminal as it is, and waits for it.
    pub fn run(&self, path: &Path) -> Result<ExitStatus, CardsError> {
        self.run_many(&[path])
    }

    /// Runs the editor once on several files.
    pub fn run_many(&self, paths: &[impl AsRef<std::ffi::OsStr>]) -> Result<ExitStatus, CardsError> {
        let args = paths.iter().map(AsRef::as_ref);
        Command::new(&self.program).args(&self.args).args(args).status().map_err(|source| {
            CardsError::EditorStart {
                program: self.program.clone(),
                from: self.from.map(|v| format!(" (from ${v})")).unwrap_or_default(),
                cause: source,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(visual: Option<&str>, editor: Option<&str>) -> Result<Editor, CardsError> {
        Editor::from_vars(visual.map(OsString::from), editor.map(OsString::from))
    }

    #[test]
    fn visual_then_editor_then_vi() {
        assert_eq!(editor(Some("nano"), Some("vim")).expect("ok").program, "nano");
        assert_eq!(editor(Some(" "), Some("vim")).expect("ok").program, "vim");
        assert_eq!(editor(None, None).expect("ok").program, "vi");
    }

    #[test]
    fn commands_split_like_a_shell() {
        let e = editor(None, Some("code --wait 'my dir/x'")).expect("ok");
        assert_eq!(
            (e.program.as_str(), e.args.clone()),
            ("code", vec!["--wait".to_string(), "my dir/x".to_string()])
        );
        assert!(editor(None, Some("vim 'unclosed")).is_err());
    }
}
