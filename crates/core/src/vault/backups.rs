//! The versions of `vault.age` kept in `backups/`: written before each
//! save, pruned, listed for a person, restored.

use std::{
    fs,
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use super::{files::*, keys::*, lock::*, paths::*, store::*};
use crate::{secret::SecretString, time, Error, Result};

/// One file in `backups/` as [`Vault::inspect_backups`] sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// The backup file.
    pub path: PathBuf,
    /// When it was written (Unix seconds), if the file system says.
    pub modified: Option<i64>,
    /// How many accounts it holds, or why it does not open.
    pub accounts: std::result::Result<usize, String>,
}

/// Keeps the current `vault.age` in `backups/`: a hard link (instant, no
/// extra space), or a copy where links are not supported.
pub(super) fn backup_current(paths: &VaultPaths) -> Result<()> {
    let dir = paths.backups();
    crate::fs::create_dir_private(&dir)?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let next = paths
        .list_backups()?
        .first()
        .and_then(|p| p.file_name()?.to_str().and_then(backup_sequence))
        .unwrap_or(0)
        + 1;
    let name = format!(
        "vault-s{next:010}-{}-{nanos:09}-{:04x}.age",
        time::format_compact(time::now()),
        rand::random::<u16>()
    );
    let dest = dir.join(name);
    let current = paths.vault();
    if crate::fs::hard_link(&current, &dest).is_err() {
        crate::fs::copy(&current, &dest)
            .map_err(|e| Error::io("back up the vault to", &dest, e))?;
    }
    Ok(())
}

pub(super) fn prune_backups(paths: &VaultPaths, keep: usize) {
    // Pruning is tidying: failing to delete an old backup loses nothing.
    if let Ok(list) = paths.list_backups() {
        for old in list.iter().skip(keep) {
            let _ = crate::fs::remove_file(old);
        }
    }
}

impl Vault {
    /// Every backup in `backups/`, newest first, with what it holds: for a
    /// person choosing one after `vault.age` was damaged or a change regretted.
    pub fn inspect_backups(dir: &Path, passphrase: &SecretString) -> Result<Vec<BackupInfo>> {
        let paths = VaultPaths::new(dir);
        let identity = unwrap_identity(&paths, passphrase)?;
        Ok(paths
            .list_backups()?
            .into_iter()
            .map(|path| {
                let modified = fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_secs()).ok());
                let accounts = read_document(&path, &identity)
                    .map(|doc| doc.accounts.len())
                    .map_err(|e| e.to_string());
                BackupInfo {
                    path,
                    modified,
                    accounts,
                }
            })
            .collect())
    }

    /// Puts a backup back as `vault.age`: `backup`, or else the newest one
    /// that opens. The `vault.age` it replaces is never deleted: a readable
    /// one becomes a backup like any earlier version, a damaged one is moved
    /// to `backups/damaged-<time>.age`. Returns the vault and the backup used.
    pub fn restore_backup(
        dir: &Path,
        passphrase: &SecretString,
        backup: Option<&Path>,
    ) -> Result<(Vault, PathBuf)> {
        let paths = VaultPaths::new(dir);
        let identity = unwrap_identity(&paths, passphrase)?;
        let _lock = WriteLock::acquire(&paths)?;
        let (chosen, doc) = match backup {
            Some(path) => (path.to_owned(), read_document(path, &identity)?),
            None => paths
                .list_backups()?
                .into_iter()
                .find_map(|p| read_document(&p, &identity).ok().map(|d| (p, d)))
                .ok_or_else(|| Error::Corrupt {
                    file: paths.backups(),
                    detail: "no backup in it opens with this vault's key".into(),
                })?,
        };
        let current = paths.vault();
        // The keys stay the current ones: those of `vault.age`, or where it
        // is damaged, of the newest backup that opens (the last state saved
        // before the damage). The own recipient is the passphrase's key.
        let current_doc = read_document(&current, &identity).ok();
        let mut keys = match &current_doc {
            Some(doc) => doc.clone(),
            None => paths
                .list_backups()?
                .into_iter()
                .find_map(|p| read_document(&p, &identity).ok())
                .unwrap_or_else(|| doc.clone()),
        };
        keys.own_recipient = identity.to_public().to_string();
        let mut doc = doc;
        doc.keep_keys_of(&keys);
        drop(keys);
        if current.exists() {
            if current_doc.is_some() {
                backup_current(&paths)?;
            } else {
                let aside = paths
                    .backups()
                    .join(format!("damaged-{}.age", time::format_compact(time::now())));
                crate::fs::create_dir_private(&paths.backups())?;
                crate::fs::rename(&current, &aside)
                    .map_err(|e| Error::io("move the damaged vault aside to", &aside, e))?;
            }
        }
        let mut vault = Vault::with(paths, identity, doc);
        let doc = std::mem::take(&mut vault.doc);
        let written = vault.write_document(&doc);
        vault.doc = doc;
        written?;
        Ok((vault, chosen))
    }
}
