//! `restore BACKUP`: a new vault from an exported backup. (Without a file,
//! the dispatcher runs `backups restore`.)

use std::path::Path;

use anyhow::Result;
use serde_json::json;
use sparekey_core::app::{session, transfer};

use crate::{args::RestoreArgs, input, output, session::Session};

pub fn run(s: &Session, args: RestoreArgs, backup: &Path) -> Result<()> {
    let backup = backup.to_owned();
    if let Err(exists) = session::require_no_vault(&s.paths) {
        return Err(anyhow::anyhow!(
            "{exists} (to put back one of this vault's own earlier versions, run `sparekey-cli \
             restore` without a file)"
        ));
    }
    let bytes = input::whole_file(&backup, "backup")?;
    let backup_pass = match &args.backup_passphrase_file {
        Some(f) => input::first_line(f, "backup passphrase")?,
        None => input::prompt_secret("Backup passphrase: ")?,
    };
    // The backup's passphrase is checked before the new one is asked.
    let count = transfer::inspect_exported(&bytes, &backup_pass, &backup)?;
    let new_pass = input::new_passphrase(s.passphrase_file())?;
    let vault = transfer::restore_exported(
        &s.paths,
        &bytes,
        &backup_pass,
        &backup,
        &new_pass,
        args.work_factor,
    )?;
    if s.out.json {
        return s.out.json(
            &json!({"vault": s.paths.dir(), "accounts": count, "recipient": vault.recipient()}),
        );
    }
    s.out.line(format!(
        "Restored {} into a new vault in {}",
        output::count(count, "account"),
        s.paths.dir().display()
    ))
}
