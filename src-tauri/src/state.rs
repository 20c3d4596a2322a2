//! The app's managed state.
//!
//! This will hold the unlocked vault session (from `sparekey-core`) and the
//! auto-lock timer. Until core's session API lands it holds nothing; commands
//! receive it as `tauri::State<'_, AppState>`.

/// State shared by all commands, registered with `Builder::manage`.
#[derive(Debug, Default)]
pub struct AppState {}
