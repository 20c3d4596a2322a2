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
        BackupsCommand::Auto { folder, keep, off } => {
            let mut vault = Vault::unlock(paths.dir(), &pass)?;
            if folder.is_some() || keep.is_some() || off {
                let folder = folder
                    .map(|f| sparekey_core::vault::store::check_backup_folder(&f, paths))
                    .transpose()?;
                vault.update(|doc| {
                    let mut s = doc.settings.clone();
                    if off {
                        s.backup_folder.clear();
                    }
                    if let Some(f) = &folder {
                        s.backup_folder = f.to_string_lossy().into_owned();
                    }
                    if let Some(k) = keep {
                        s.backup_keep = k;
                    }
                    doc.set_settings(s)
                })?;
            }
            let doc = vault.doc();
            if out.json {
                return out.json(&json!({
                    "folder": (!doc.settings.backup_folder.is_empty()).then_some(&doc.settings.backup_folder),
                    "keep": doc.settings.backup_keep,
                    "last_backup_at": doc.last_auto_backup_at,
                    "error": doc.auto_backup_error,
                }));
            }
            if doc.settings.backup_folder.is_empty() {
                return out.line("Automatic backups are off (turn them on with --folder DIR).");
            }
            out.line(format!(
                "Automatic backups go to {} after changes, at most daily; {} earlier ones are kept.",
                doc.settings.backup_folder, doc.settings.backup_keep
            ))?;
            out.line(match doc.last_auto_backup_at {
                Some(t) => format!("Last backup: {}", time::format_utc(t)),
                None => "No backup written yet.".to_owned(),
            })?;
            if let Some(e) = &doc.auto_backup_error {
                note(format!("warning: the last automatic backup failed: {e}"));
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
