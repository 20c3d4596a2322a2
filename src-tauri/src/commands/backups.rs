//! Getting a vault back: when `vault.age` is damaged, list the backups in
//! `backups/` and restore the newest that opens (or a chosen one); on first
//! run, make the vault from an exported backup file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use sparekey_core::{
    app::{
        accounts::Overview,
        backups::{self, BackupChoice, BackupRow},
        transfer,
    },
    export::backup::MAX_BACKUP_BYTES,
    secret::SecretString,
};
use tauri::State;
use zeroize::Zeroizing;

use super::session::enter;
use crate::ipc::{blocking, raw_body};
use crate::{error::AppError, state::AppState};

/// Every backup, newest first, with its accounts or why it does not open.
/// Needs the passphrase (the backups open with the vault's key).
#[tauri::command]
pub async fn backups_inspect(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Vec<BackupRow>, AppError> {
    let passphrase = SecretString::from(passphrase);
    let paths = state.paths().clone();
    blocking("Reading the backups", move || {
        backups::inspect(&paths, &passphrase)
    })
    .await
}

/// What a restore did.
#[derive(Debug, Serialize)]
pub struct Restored {
    /// The vault, now unlocked.
    #[serde(flatten)]
    pub overview: Overview,
    /// The backup file used.
    pub backup: String,
}

/// Puts back `path` (one of [`backups_inspect`]'s, so a file of this
/// vault's `backups/`), or the newest backup that opens, and unlocks. The
/// damaged `vault.age` is moved aside, never deleted.
#[tauri::command]
pub async fn backups_restore(
    state: State<'_, AppState>,
    passphrase: String,
    path: Option<String>,
) -> Result<Restored, AppError> {
    let passphrase = SecretString::from(passphrase);
    let paths = state.paths().clone();
    let chosen = path.filter(|p| !p.is_empty()).map(PathBuf::from);
    let restored = blocking("Restoring", move || {
        let choice = match &chosen {
            Some(file) => BackupChoice::Listed(file),
            None => BackupChoice::Newest,
        };
        backups::restore(&paths, &passphrase, choice)
    })
    .await?;
    Ok(Restored {
        backup: restored.backup.display().to_string(),
        overview: enter(&state, restored.vault)?,
    })
}

/// An exported backup file the page sent, waiting for its passphrases.
#[derive(Default)]
pub struct StagedBackup(Mutex<Option<Zeroizing<Vec<u8>>>>);

impl StagedBackup {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Zeroizing<Vec<u8>>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Receives an exported backup file's bytes (raw request body) for
/// [`restore_exported_backup`]; returns its size.
#[tauri::command]
pub fn stage_backup_file(
    staged: State<'_, StagedBackup>,
    request: tauri::ipc::Request<'_>,
) -> Result<usize, AppError> {
    let bytes = raw_body(
        &request,
        "backup file",
        MAX_BACKUP_BYTES,
        "that is larger than any Sparekey backup",
    )?;
    *staged.slot() = Some(Zeroizing::new(bytes.to_vec()));
    Ok(bytes.len())
}

/// Makes the vault from the staged backup file: decrypted with
/// `backup_passphrase`, protected by `new_passphrase`; then unlocks it.
#[tauri::command]
pub async fn restore_exported_backup(
    state: State<'_, AppState>,
    staged: State<'_, StagedBackup>,
    name: String,
    backup_passphrase: String,
    new_passphrase: String,
) -> Result<Overview, AppError> {
    let backup_passphrase = SecretString::from(backup_passphrase);
    let new_passphrase = SecretString::from(new_passphrase);
    let bytes = staged
        .slot()
        .clone()
        .ok_or_else(|| AppError::invalid("backup file", "is missing: choose the file first"))?;
    let paths = state.paths().clone();
    let vault = blocking("Restoring", move || {
        transfer::restore_exported(
            &paths,
            &bytes,
            &backup_passphrase,
            Path::new(&name),
            &new_passphrase,
            None,
        )
    })
    .await?;
    *staged.slot() = None;
    enter(&state, vault)
}
