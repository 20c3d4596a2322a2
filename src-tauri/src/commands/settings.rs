//! The general settings: auto-lock, clipboard clearing and closing to the
//! tray.

use serde::Deserialize;
use sparekey_core::vault::Settings;
use tauri::State;

use crate::{error::AppError, state::AppState};

/// The settings the Settings form edits; the others (automatic backups)
/// have their own commands and are left as they are.
#[derive(Debug, Deserialize)]
pub struct GeneralSettings {
    /// Minutes of inactivity before locking (0 = never).
    pub auto_lock_minutes: u32,
    /// Seconds before a copied code is cleared (0 = never).
    pub clipboard_clear_seconds: u32,
    /// Whether closing the window hides it to the tray.
    #[serde(default)]
    pub close_to_tray: bool,
}

/// Saves the auto-lock minutes, the clipboard delay and "close to tray",
/// keeping every other setting as it is.
#[tauri::command(async)]
pub fn save_settings(
    state: State<'_, AppState>,
    settings: GeneralSettings,
) -> Result<Settings, AppError> {
    let saved = state.with_vault(|vault| {
        Ok(vault.update(|doc| {
            let mut all = doc.settings.clone();
            all.auto_lock_minutes = settings.auto_lock_minutes;
            all.clipboard_clear_seconds = settings.clipboard_clear_seconds;
            all.close_to_tray = settings.close_to_tray;
            doc.set_settings(all)?;
            Ok(doc.settings.clone())
        })?)
    })?;
    state.remember_close_to_tray(saved.close_to_tray);
    Ok(saved)
}
