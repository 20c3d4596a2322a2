//! Automatic backups to a folder (issue 7): show their state and turn them
//! on or off. Core writes them after changes (`Vault::update`), checks the
//! folder (`store::check_backup_folder`) and the settings' limits.

use std::path::Path;

use serde::Serialize;
use sparekey_core::vault::store::check_backup_folder;
use tauri::State;

use crate::{error::AppError, state::AppState};

/// Automatic backups as Settings shows them.
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

fn status_of(doc: &sparekey_core::vault::Document) -> AutoBackupStatus {
    AutoBackupStatus {
        folder: (!doc.settings.backup_folder.is_empty())
            .then(|| doc.settings.backup_folder.clone()),
        keep: doc.settings.backup_keep,
        last_backup_at: doc.last_auto_backup_at,
        error: doc.auto_backup_error.clone(),
    }
}

/// The state of automatic backups.
#[tauri::command(async)]
pub fn auto_backup_status(state: State<'_, AppState>) -> Result<AutoBackupStatus, AppError> {
    state.with_vault(|vault| Ok(status_of(vault.doc())))
}

/// Turns automatic backups on (to `folder`, an existing folder given as a
/// full path) or off (`folder` empty), keeping `keep` earlier ones. The
/// change itself writes the first backup.
#[tauri::command(async)]
pub fn set_auto_backup(
    state: State<'_, AppState>,
    folder: String,
    keep: u32,
) -> Result<AutoBackupStatus, AppError> {
    state.with_vault(|vault| {
        let folder = match folder.trim() {
            "" => String::new(),
            f => check_backup_folder(Path::new(f), vault.paths())?
                .to_string_lossy()
                .into_owned(),
        };
        vault.update(|doc| {
            let mut settings = doc.settings.clone();
            settings.backup_folder = folder;
            settings.backup_keep = keep;
            doc.set_settings(settings)
        })?;
        Ok(status_of(vault.doc()))
    })
}
