//! Automatic backups to a folder: show their state and turn them on or off.

use std::path::PathBuf;

use sparekey_core::app::backups::{self, AutoBackupChange, AutoBackupStatus};
use tauri::{AppHandle, Runtime, State};

use super::transfer::choose_folder;
use crate::{error::AppError, state::AppState};

/// The state of automatic backups.
#[tauri::command(async)]
pub fn auto_backup_status(state: State<'_, AppState>) -> Result<AutoBackupStatus, AppError> {
    state.with_vault(|vault| Ok(backups::auto_status(vault.doc())))
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
    let change = AutoBackupChange {
        folder: Some(PathBuf::from(folder.trim())),
        keep: Some(keep),
    };
    state.with_vault(|vault| Ok(backups::set_auto(vault, &change)?))
}

/// A folder for automatic backups, picked in the native folder dialog (the
/// page then turns them on with [`set_auto_backup`]); `None` when the user
/// cancelled.
#[tauri::command(async)]
pub fn choose_backup_folder<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>, AppError> {
    Ok(
        choose_folder(&app, "Choose the folder for automatic backups")?
            .map(|path| path.display().to_string()),
    )
}
