//! The commands the web UI may call, each a thin wrapper over core.
//!
//! Every command here must also be listed in `build.rs` (which generates its
//! `allow-…` permission) and granted in `capabilities/default.json`.

use crate::error::AppError;

/// The app's version, as shown in the UI (the workspace version).
#[tauri::command]
pub fn app_version() -> Result<String, AppError> {
    Ok(env!("CARGO_PKG_VERSION").to_owned())
}
