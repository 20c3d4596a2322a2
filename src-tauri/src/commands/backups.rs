//! Getting a vault back (issue 6): when `vault.age` is damaged, list the
//! backups in `backups/` and restore the newest that opens (or a chosen
//! one); on first run, make the vault from an exported backup file. Core
//! does the work (`Vault::inspect_backups`, `restore_backup`,
//! `export::backup::restore`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use sparekey_core::{
    export::backup::{self, MAX_BACKUP_BYTES},
    secret::{check_new_passphrase, SecretString},
    vault::Vault,
};
use tauri::State;
use zeroize::Zeroizing;

use super::{overview, Overview};
use crate::{error::AppError, state::AppState};

/// One file in `backups/`.
#[derive(Debug, Serialize)]
pub struct BackupRow {
    /// The file (to restore this one).
    pub path: String,
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
/// Needs the passphrase (the backups open with the vault's key).
#[tauri::command]
pub async fn backups_inspect(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Vec<BackupRow>, AppError> {
    let passphrase = SecretString::from(passphrase);
    let dir = state.paths().dir().to_owned();
    let infos =
        tauri::async_runtime::spawn_blocking(move || Vault::inspect_backups(&dir, &passphrase))
            .await
            .map_err(|error| {
                AppError::internal(format!("Reading the backups stopped: {error}"))
            })??;
    Ok(infos
        .into_iter()
        .map(|info| BackupRow {
            name: info
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: info.path.display().to_string(),
            modified: info.modified,
            accounts: info.accounts.as_ref().ok().copied(),
            error: info.accounts.err(),
        })
        .collect())
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

/// Puts back `path` (one of [`backups_inspect`]'s), or the newest backup
/// that opens, and unlocks. The damaged `vault.age` is moved aside, never
/// deleted.
#[tauri::command]
pub async fn backups_restore(
    state: State<'_, AppState>,
    passphrase: String,
    path: Option<String>,
) -> Result<Restored, AppError> {
    let passphrase = SecretString::from(passphrase);
    let dir = state.paths().dir().to_owned();
    let chosen = match path.filter(|p| !p.is_empty()) {
        Some(p) => {
            let p = PathBuf::from(p);
            // Only files of this vault's backups folder.
            if p.parent() != Some(state.paths().backups().as_path()) {
                return Err(AppError::invalid(
                    "backup",
                    "is not in this vault's backups folder",
                ));
            }
            Some(p)
        }
        None => None,
    };
    let (vault, used) = tauri::async_runtime::spawn_blocking(move || {
        Vault::restore_backup(&dir, &passphrase, chosen.as_deref())
    })
    .await
    .map_err(|error| AppError::internal(format!("Restoring stopped: {error}")))??;
    let out = overview(&vault)?;
    state.set_unlocked(vault);
    Ok(Restored {
        overview: out,
        backup: used.display().to_string(),
    })
}

/// An exported backup file the page sent, waiting for its passphrases.
#[derive(Default)]
pub struct StagedBackup(Mutex<Option<Zeroizing<Vec<u8>>>>);

/// Receives an exported backup file's bytes (raw request body) for
/// [`restore_exported_backup`]; returns its size.
#[tauri::command]
pub fn stage_backup_file(
    staged: State<'_, StagedBackup>,
    request: tauri::ipc::Request<'_>,
) -> Result<usize, AppError> {
    let bytes = super::raw_body(
        &request,
        "backup file",
        MAX_BACKUP_BYTES,
        "that is larger than any Sparekey backup",
    )?;
    let size = bytes.len();
    *staged
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Zeroizing::new(bytes.to_vec()));
    Ok(size)
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
    check_new_passphrase(&new_passphrase)?;
    let bytes = staged
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
        .ok_or_else(|| AppError::invalid("backup file", "is missing: choose the file first"))?;
    let dir = state.paths().dir().to_owned();
    let vault = tauri::async_runtime::spawn_blocking(move || {
        let file = Path::new(&name);
        backup::restore(
            &bytes,
            &backup_passphrase,
            file,
            &dir,
            &new_passphrase,
            None,
        )
    })
    .await
    .map_err(|error| AppError::internal(format!("Restoring stopped: {error}")))??;
    *staged
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    let out = overview(&vault)?;
    state.set_unlocked(vault);
    Ok(out)
}
