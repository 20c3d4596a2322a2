//! One file per command: each gathers its input, calls `sparekey_core::app`
//! and prints the answer. No rule lives here; what two front ends would
//! both need is in core. Commands use `session`, `input` and `output`, never
//! this dispatcher or each other.

mod account;
mod add;
mod backups;
mod code;
mod docs;
mod export;
mod guide;
mod health;
mod import;
mod init;
mod kit;
mod list;
mod passwd;
mod recovery;
mod recovery_request;
mod rename;
mod restore;
mod rm;

use anyhow::Result;

use crate::{
    args::{BackupsCommand, Cli, Command},
    session::Session,
};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // These two describe the program; they need no vault (nor a home folder).
    match &cli.command {
        Command::Completions { shell } => return docs::completions(*shell),
        Command::Man { out_dir } => return docs::man(out_dir.as_deref()),
        _ => {}
    }
    let session = Session::from_args(&cli)?;
    match cli.command {
        Command::Init { work_factor } => init::run(&session, work_factor),
        Command::Add(args) => add::run(&session, args),
        Command::List { tag } => list::run(&session, tag.as_deref()),
        Command::Account(cmd) => account::run(&session, cmd),
        Command::Code { query, at } => code::run(&session, &query, at),
        Command::Rename {
            query,
            issuer,
            name,
        } => rename::run(&session, &query, issuer, name),
        Command::Rm { query, yes } => rm::run(&session, &query, yes),
        Command::Recovery(cmd) => recovery::run(&session, cmd),
        Command::Kit(cmd) => kit::run(&session, cmd),
        Command::Backups(cmd) => backups::run(&session, cmd),
        Command::Passwd {
            new_passphrase_file,
            work_factor,
        } => passwd::run(&session, new_passphrase_file.as_deref(), work_factor),
        Command::Guide(cmd) => guide::run(&session, cmd),
        Command::Health { graph } => health::run(&session, graph),
        Command::RecoveryRequest {
            service,
            username,
            reason,
            account,
            mailbox_gone,
        } => recovery_request::run(
            &session,
            service,
            recovery_request::Answers {
                username,
                reason,
                account,
                mailbox_gone,
            },
        ),
        Command::Import(args) => import::run(&session, args),
        Command::Export(args) => export::run(&session, args),
        Command::Restore(args) => match args.backup.clone() {
            Some(backup) => restore::run(&session, args, &backup),
            None => backups::run(&session, BackupsCommand::Restore { file: None }),
        },
        Command::Completions { .. } | Command::Man { .. } => unreachable!("handled above"),
    }
}
