//! `sparekey-cli`: the command-line front end of Sparekey.
//!
//! A command is parse → call `sparekey_core::app` → print. Exit codes: 0
//! success, 1 failure, 2 usage error (from clap). Errors are one line on
//! standard error, never a backtrace and never a secret.
//!
//! - `args`: the command line as clap parses it.
//! - `session`: the vault, what opens it, where output goes.
//! - `commands/`: one file per command.
//! - `input`: passphrases, secrets and pasted text from files, standard
//!   input or the terminal.
//! - `output`: standard output (text or JSON) and notes on standard error.
//! - `advice`: what to do about an error, in command-line terms.
#![forbid(unsafe_code)]

mod advice;
mod args;
mod commands;
mod input;
mod output;
mod session;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", advice::explain(&e));
            ExitCode::FAILURE
        }
    }
}

/// A reader that went away (`sparekey-cli list | head`) is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
