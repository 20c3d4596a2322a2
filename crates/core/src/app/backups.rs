//! Getting a vault back from its own earlier versions (`backups/`), and the
//! automatic backups to a folder of the person's choosing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{
    secret::SecretString,
    vault::{Document, Vault, VaultPaths},
    Error, Result,
};

/// One file in `backups/`.
#[derive(Debug, Serialize)]
pub struct BackupRow {
    /// The file.
    pub path: PathBuf,
    /// Its name.
    pub name: String,
    /// When it was written (Unix seconds).
    pub modified: Option<i64>,
    /// How many accounts it holds, when it opens.
    pub accounts: Option<usize>,
    /// Why it does not open.
    pub error: Option<String>,
}

/// Every backup, newest first, with its accounts or why it does not open.
/// Needs the passphrase: backups open with the vault's key, and this works
/// when `vault.age` itself is damaged.
pub fn inspect(paths: &VaultPaths, passphrase: &SecretString) -> Result<Vec<BackupRow>> {
    Ok(Vault::inspect_backups(paths.dir(), passphrase)?
        .into_iter()
        .map(|info| BackupRow {
            name: info
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            accounts: info.accounts.as_ref().ok().copied(),
            error: info.accounts.err(),
            path: info.path,
            modified: info.modified,
        })
        .collect())
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The vault, now open.
    pub vault: Vault,
    /// The backup file put back.
    pub backup: PathBuf,
}

/// Which backup to put back.
#[derive(Clone, Copy, Debug)]
pub enum BackupChoice<'a> {
    /// The newest one in `backups/` that opens.
    Newest,
    /// A file that must be in this vault's `backups/` (what a list offered).
    Listed(&'a Path),
    /// Any file encrypted to the vault's key (a copy kept elsewhere).
    File(&'a Path),
}

/// Puts a backup back as the vault. The version it replaces is kept (a
/// damaged one as `damaged-<time>.age`), never deleted.
pub fn restore(
    paths: &VaultPaths,
    passphrase: &SecretString,
    choice: BackupChoice<'_>,
) -> Result<Restored> {
    let chosen = match choice {
        BackupChoice::Newest => None,
        BackupChoice::Listed(file) => {
            if file.parent() != Some(paths.backups().as_path()) {
                return Err(Error::invalid(
                    "backup",
                    format!(
                        "{} is not in this vault's backups folder {}",
                        file.display(),
                        paths.backups().display()
                    ),
                ));
            }
            Some(file)
        }
        BackupChoice::File(file) => Some(file),
    };
    let (vault, backup) = Vault::restore_backup(paths.dir(), passphrase, chosen)?;
    Ok(Restored { vault, backup })
}

/// Automatic backups as a settings screen shows them.
#[derive(Debug, Serialize)]
pub struct AutoBackupStatus {
    /// The folder, when they are on.
    pub folder: Option<String>,
    /// How many earlier backups the folder keeps.
    pub keep: u32,
    /// When the last one was written (Unix seconds).
    pub last_backup_at: Option<i64>,
    /// Why the last one failed, if it did.
    pub error: Option<String>,
}

/// The state of automatic backups.
pub fn auto_status(doc: &Document) -> AutoBackupStatus {
    AutoBackupStatus {
        folder: (!doc.settings.backup_folder.is_empty())
            .then(|| doc.settings.backup_folder.clone()),
        keep: doc.settings.backup_keep,
        last_backup_at: doc.last_auto_backup_at,
        error: doc.auto_backup_error.clone(),
    }
}

/// A change to automatic backups: each `None` keeps what is set.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AutoBackupChange {
    /// Where to write them: an existing folder (a full path); empty turns
    /// them off.
    pub folder: Option<PathBuf>,
    /// How many earlier backups to keep.
    pub keep: Option<u32>,
}

/// Turns automatic backups on, off (an empty folder) or changes how many
/// are kept. A folder that holds another vault's backups is refused; a
/// newly chosen folder gets its first backup at once.
pub fn set_auto(vault: &mut Vault, change: &AutoBackupChange) -> Result<AutoBackupStatus> {
    let folder = match &change.folder {
        None => None,
        Some(f) if f.as_os_str().is_empty() => Some(String::new()),
        Some(f) => Some(vault.check_backup_folder(f)?.to_string_lossy().into_owned()),
    };
    let switched = folder
        .as_ref()
        .is_some_and(|f| !f.is_empty() && *f != vault.doc().settings.backup_folder);
    if let Some(chosen) = folder.as_deref().filter(|_| switched) {
        // Copies left there by an earlier stay get the keys in force first.
        vault.prepare_backup_folder(Path::new(chosen))?;
    }
    if folder.is_some() || change.keep.is_some() {
        vault.update(|doc| {
            let mut settings = doc.settings.clone();
            if let Some(folder) = folder {
                settings.backup_folder = folder;
            }
            if let Some(keep) = change.keep {
                settings.backup_keep = keep;
            }
            doc.set_settings(settings)
        })?;
    }
    if switched {
        // A new folder holds a backup at once, not a day later.
        vault.backup_now()?;
    }
    Ok(auto_status(vault.doc()))
}
