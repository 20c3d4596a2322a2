//! `backups list|restore|auto`: the earlier versions of `vault.age` that
//! every save keeps in `backups/`, and automatic backups to a folder.

use std::path::Path;

use anyhow::Result;
use serde_json::json;
use sparekey_core::{
    app::backups::{self, AutoBackupChange, BackupChoice},
    time,
    vault::Vault,
};

use crate::{args::BackupsCommand, output::note, session::Session};

pub fn run(s: &Session, cmd: BackupsCommand) -> Result<()> {
    match cmd {
        BackupsCommand::List => list(s),
        BackupsCommand::Auto { folder, keep, off } => {
            let change = AutoBackupChange {
                folder: if off {
                    Some(Default::default())
                } else {
                    folder
                },
                keep,
            };
            auto(s, &change)
        }
        BackupsCommand::Restore { file } => restore(s, file.as_deref()),
    }
}

fn list(s: &Session) -> Result<()> {
    let rows = backups::inspect(&s.paths, &s.passphrase()?)?;
    if s.out.json {
        let list: Vec<_> = rows
            .iter()
            .map(|b| {
                json!({
                    "file": b.path,
                    "modified": b.modified,
                    "accounts": b.accounts,
                    "error": b.error,
                })
            })
            .collect();
        return s.out.json(&list);
    }
    if rows.is_empty() {
        return s.out.line(format!(
            "No backups yet in {} (each save keeps the previous version there).",
            s.paths.backups().display()
        ));
    }
    for b in &rows {
        let when = b.modified.map(time::format_utc).unwrap_or_default();
        let what = match (&b.accounts, &b.error) {
            (Some(n), _) => format!("{n} accounts"),
            (None, Some(e)) => format!("does not open: {e}"),
            (None, None) => "does not open".to_owned(),
        };
        s.out.line(format!("{when}  {}  {what}", b.name))?;
    }
    Ok(())
}

fn auto(s: &Session, change: &AutoBackupChange) -> Result<()> {
    let mut vault = Vault::unlock(s.paths.dir(), &s.passphrase()?)?;
    let status = backups::set_auto(&mut vault, change)?;
    if s.out.json {
        return s.out.json(&status);
    }
    let Some(folder) = &status.folder else {
        return s
            .out
            .line("Automatic backups are off (turn them on with --folder DIR).");
    };
    s.out.line(format!(
        "Automatic backups go to {folder} after changes, at most daily; {} earlier ones are kept.",
        status.keep
    ))?;
    s.out.line(match status.last_backup_at {
        Some(t) => format!("Last backup: {}", time::format_utc(t)),
        None => "No backup written yet.".to_owned(),
    })?;
    if let Some(e) = &status.error {
        note(format!("warning: the last automatic backup failed: {e}"));
    }
    Ok(())
}

/// Puts back `file`, or the newest backup that opens.
fn restore(s: &Session, file: Option<&Path>) -> Result<()> {
    let choice = match file {
        Some(file) => BackupChoice::File(file),
        None => BackupChoice::Newest,
    };
    let restored = backups::restore(&s.paths, &s.passphrase()?, choice)?;
    let accounts = restored.vault.doc().accounts.len();
    if s.out.json {
        return s.out.json(&json!({
            "restored": restored.backup,
            "accounts": accounts,
        }));
    }
    s.out.line(format!(
        "Restored {} ({accounts} accounts) as the vault.",
        restored.backup.display()
    ))?;
    note("The version it replaces was kept in backups/ (a damaged one as damaged-<time>.age).");
    Ok(())
}
