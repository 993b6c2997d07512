//! Running the user's editor on a card.
//!
//! `$VISUAL`, then `$EDITOR`, then `vi`, split into words the way a shell would
//! (`code --wait` works); the card's path is passed as one more argument, never through
//! `sh -c`, so no file name can be run as a command.
//!
//! While the editor runs, termdex ignores Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT), as
//! `system(3)` does: the terminal sends them to the editor too, which decides what they
//! mean, and termdex lives on to settle the card (keep it, or remove an untouched draft)
//! and index it. The editor itself starts with the signals as termdex found them.

use std::ffi::OsString;
use std::os::unix::process::{CommandExt, ExitStatusExt};
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
        let mut command = Command::new(&self.program);
        command.args(&self.args).args(paths.iter().map(AsRef::as_ref));
        let ignored = interrupts::Ignored::now();
        let for_editor = ignored.for_child();
        // SAFETY: the closure runs in the forked child before exec and only calls
        // `sigaction`, which is async-signal-safe, with values prepared beforehand.
        unsafe {
            command.pre_exec(move || {
                interrupts::restore(&for_editor);
                Ok(())
            });
        }
        let status = command.status();
        drop(ignored);
        status.map_err(|source| CardsError::EditorStart {
            program: self.program.clone(),
            from: self.from.map(|v| format!(" (from ${v})")).unwrap_or_default(),
            cause: source,
        })
    }
}

/// How an editor run ended, for messages: "exited with code 3", "was killed by signal 9".
pub fn describe_exit(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with code {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        (None, None) => "failed".to_string(),
    }
}

/// Ignoring the terminal's interrupt signals in termdex for as long as a guard lives.
mod interrupts {
    use libc::{SIG_DFL, SIG_IGN, c_int, sigaction};

    const SIGNALS: [c_int; 2] = [libc::SIGINT, libc::SIGQUIT];

    /// The signals' dispositions from before; put back when dropped.
    pub struct Ignored {
        previous: Vec<(c_int, sigaction)>,
    }

    fn action(handler: libc::sighandler_t) -> sigaction {
        // SAFETY: `sigaction` is plain data for which all zeroes is a valid value.
        let mut action: sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = handler;
        // SAFETY: `sa_mask` is a valid, owned signal set.
        unsafe { libc::sigemptyset(&mut action.sa_mask) };
        action
    }

    impl Ignored {
        pub fn now() -> Ignored {
            let ignore = action(SIG_IGN);
            let mut previous = Vec::with_capacity(SIGNALS.len());
            for signal in SIGNALS {
                let mut old = action(SIG_DFL);
                // SAFETY: valid signal number and pointers to initialised `sigaction`s.
                if unsafe { libc::sigaction(signal, &ignore, &mut old) } == 0 {
                    previous.push((signal, old));
                }
            }
            Ignored { previous }
        }

        /// What the editor starts with: the default, unless termdex itself was started
        /// with the signal ignored (`nohup`), which the editor then inherits too.
        pub fn for_child(&self) -> Vec<(c_int, sigaction)> {
            self.previous
                .iter()
                .map(|(signal, old)| {
                    let handler = if old.sa_sigaction == SIG_IGN { SIG_IGN } else { SIG_DFL };
                    (*signal, action(handler))
                })
                .collect()
        }
    }

    /// Sets each signal's disposition; only calls `sigaction` (async-signal-safe).
    pub fn restore(actions: &[(c_int, sigaction)]) {
        for (signal, action) in actions {
            // SAFETY: valid signal number and a pointer to an initialised `sigaction`.
            unsafe { libc::sigaction(*signal, action, std::ptr::null_mut()) };
        }
    }

    impl Drop for Ignored {
        fn drop(&mut self) {
            restore(&self.previous);
        }
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

    #[test]
    fn exits_read_naturally() {
        assert_eq!(describe_exit(ExitStatus::from_raw(3 << 8)), "exited with code 3");
        assert_eq!(describe_exit(ExitStatus::from_raw(9)), "was killed by signal 9");
    }
}
