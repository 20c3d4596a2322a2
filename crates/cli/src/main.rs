//! `sparekey-cli`: the command-line front end of Sparekey.
//!
//! Exit codes: 0 success, 1 failure, 2 usage error (from clap). Errors are
//! one line on standard error, never a backtrace and never a secret.
#![forbid(unsafe_code)]

mod backups;
mod cli;
mod commands;
mod docs;
mod guides;
mod input;
mod kit;
mod transfer;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
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
