//! `backups ...`: the earlier versions of `vault.age` that every save keeps
//! in `backups/`. Listing shows which ones open and what they hold;
//! restoring puts one back (the newest that opens, by default) and keeps the
//! version it replaces. The rules are `Vault::inspect_backups` and
//! `Vault::restore_backup` in core.

use std::path::Path;

use anyhow::Result;
use serde_json::json;
use sparekey_core::{
    time,
    vault::{store::VaultPaths, Vault},
};

use crate::{
    cli::BackupsCommand,
    commands::{note, Out},
    input,
};

/// Runs `backups list|restore`.
pub fn run(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    cmd: BackupsCommand,
    out: &Out,
) -> Result<()> {
    let pass = input::passphrase(pass_file)?;
    match cmd {
        BackupsCommand::List => {
            let infos = Vault::inspect_backups(paths.dir(), &pass)?;
            if out.json {
                let list: Vec<_> = infos
                    .iter()
                    .map(|b| {
                        json!({
                            "file": b.path,
                            "modified": b.modified,
                            "accounts": b.accounts.as_ref().ok(),
                            "error": b.accounts.as_ref().err(),
                        })
                    })
                    .collect();
                return out.json(&json!(list));
            }
            if infos.is_empty() {
                return out.line(format!(
                    "No backups yet in {} (each save keeps the previous version there).",
                    paths.backups().display()
                ));
            }
            for b in &infos {
                let when = b.modified.map(time::format_utc).unwrap_or_default();
                let name = b
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let what = match &b.accounts {
                    Ok(n) => format!("{n} accounts"),
                    Err(e) => format!("does not open: {e}"),
                };
                out.line(format!("{when}  {name}  {what}"))?;
            }
            Ok(())
        }
        BackupsCommand::Restore { file } => {
            let (vault, used) = Vault::restore_backup(paths.dir(), &pass, file.as_deref())?;
            if out.json {
                return out.json(&json!({
                    "restored": used,
                    "accounts": vault.doc().accounts.len(),
                }));
            }
            out.line(format!(
                "Restored {} ({} accounts) as the vault.",
                used.display(),
                vault.doc().accounts.len()
            ))?;
            note("The version it replaced was kept in backups/ (a damaged one as damaged-<time>.age).");
            Ok(())
        }
    }
}
