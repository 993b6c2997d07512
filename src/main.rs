//! The `termdex` binary: parse the command line, run, map the outcome to an exit code.
//!
//! Exit codes: 0 success, 1 nothing found / problems found, 2 usage or runtime error.
//! A closed pipe (`termdex query | head`) is a quiet success, not an error.

mod cli;

/// Listing a large dex allocates a few strings per card; mimalloc does that markedly
/// faster than the system allocator (measured: docs/benchmarks.md). skim, when built in,
/// installs mimalloc itself, and there can be only one.
#[cfg(not(feature = "skim"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A shell asking for completions (the scripts of `termdex completions`) gets them and
    // nothing else: this prints them and exits before anything else runs.
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .var(cli::complete::VAR)
        .complete();
    let args = match cli::Cli::try_parse_from(cli::protect_negated_terms(std::env::args_os())) {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("termdex: error: {}", cli::stderr_text(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
