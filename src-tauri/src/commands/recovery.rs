//! An account's recovery codes: view, save, use the next one (copied from
//! Rust), undo.

use serde::Serialize;
use sparekey_core::{
    app::recovery::{self, CodesSource, RecoveryView, Reveal},
    secret::ExposeSecret,
};
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

use crate::{clipboard, error::AppError, state::AppState};

/// The account's recovery codes, masked unless `reveal`.
#[tauri::command(async)]
pub fn recovery_list(
    state: State<'_, AppState>,
    id: String,
    reveal: bool,
) -> Result<RecoveryView, AppError> {
    let reveal = if reveal {
        Reveal::Codes
    } else {
        Reveal::Masked
    };
    state.with_vault(|vault| Ok(recovery::view(vault, &id, reveal)?))
}

/// Saves pasted recovery codes, or those of a file the page read
/// (`file_name`: its name is a hint, as for the CLI's files), generated on
/// the day a PyPI download's name says, else `generated` (`YYYY-MM-DD`),
/// else today (core's rule: `recovery::save`). With
/// `replace`, replaces a saved set (after regenerating codes at the
/// service); without it, refuses to overwrite one.
#[tauri::command(async)]
pub fn recovery_save(
    state: State<'_, AppState>,
    id: String,
    text: String,
    replace: bool,
    generated: Option<String>,
    file_name: Option<String>,
) -> Result<RecoveryView, AppError> {
    let text = Zeroizing::new(text);
    let generated_at = recovery::generated_date(generated.as_deref(), sparekey_core::time::now())?;
    let source = match file_name.as_deref() {
        Some(file_name) => CodesSource::Named {
            text: &text,
            file_name,
        },
        None => CodesSource::Text(&text),
    };
    let parsed = recovery::parse(source)?;
    state.with_vault(|vault| Ok(recovery::save(vault, &id, parsed, replace, generated_at)?))
}

/// What "use next code" did.
#[derive(Debug, Serialize)]
pub struct UsedCode {
    /// The 1-based number of the code copied and marked used (for undo).
    pub number: usize,
    /// The set afterwards, masked.
    pub recovery: RecoveryView,
    /// Seconds until the clipboard is cleared (0 = never).
    pub clear_after_seconds: u32,
}

/// Copies the next unused recovery code to the clipboard and marks it used.
#[tauri::command(async)]
pub fn recovery_use_next<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<UsedCode, AppError> {
    let (used, seconds) = state.with_vault(|vault| {
        let used = recovery::use_next(vault, &id)?;
        Ok((used, vault.doc().settings.clipboard_clear_seconds))
    })?;
    clipboard::copy_secret(
        &app,
        Zeroizing::new(used.code.expose_secret().to_owned()),
        seconds,
    )?;
    Ok(UsedCode {
        number: used.number,
        recovery: used.view,
        clear_after_seconds: seconds,
    })
}

/// Marks code `number` (1-based) unused again (undo of "use next code").
#[tauri::command(async)]
pub fn recovery_unuse(
    state: State<'_, AppState>,
    id: String,
    number: usize,
) -> Result<RecoveryView, AppError> {
    state.with_vault(|vault| Ok(recovery::unuse(vault, &id, number)?))
}
