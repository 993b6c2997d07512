//! The `termdex` binary: parse the command line, run, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 nothing found / problems found, 2 usage or runtime error.
//! A closed pipe (`termdex query | head`) is a quiet success, not an error.

/// `eprintln!` that never panics: a message to a closed stderr (`2>&1 | head -1`) is
/// lost quietly, as a closed stdout is.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod cli;

/// Listing a large dex allocates a few strings per card; mimalloc does that markedly
/// faster than the system allocator (measured: docs/benchmarks.md). skim, when built in,
/// installs mimalloc itself, and there can be only one.
#[cfg(not(feature = "skim"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A shell asking for completions (the scripts of `termdex completions`) gets them and
    // nothing else: this prints them and exits before anything else runs.
    let current_dir = std::env::current_dir().ok();
    let completing = clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .var(cli::complete::VAR)
        .try_complete(cli::complete::request(std::env::args_os()), current_dir.as_deref());
    match completing {
        Ok(true) => return ExitCode::SUCCESS,
        Ok(false) => {}
        Err(err) => err.exit(),
    }
    let args = match cli::parse(std::env::args_os()) {
        Ok(args) => args,
        Err(err) => return usage_error(&err),
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            say!("termdex: error: {}", cli::stderr_text(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}

/// Clap's own message (a usage error, or `--help` and `--version`), with clap's exit code.
/// An error quotes the arguments, and an argument can hold an escape sequence (`ESC ] 52`
/// writes the clipboard): on a terminal it is printed as every other error is, cleaned of
/// control characters and without colour. Into a pipe it is clap's text, and help and
/// version (only termdex's own text) go to stdout; both coloured as `--color` and
/// `NO_COLOR` say ([`cli::parse`] set clap's colours).
fn usage_error(err: &clap::Error) -> ExitCode {
    let code = ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
    if err.use_stderr() && std::io::stderr().is_terminal() {
        let text = termdex::output::clean_lines(&err.render().to_string());
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = err.print();
    }
    code
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
