//! The health check: lockout risks across the vault. The page links each
//! finding to the guide step that fixes it.

use sparekey_core::{
    app::guides,
    guides::Context,
    health::{HealthCounts, HealthReport},
};
use tauri::State;

use crate::{error::AppError, state::AppState};

/// The vault's lockout risks, most serious first (re-read from disk first,
/// so changes made with the CLI show). Not counted as user activity: the
/// header badge refreshes it on its own.
#[tauri::command(async)]
pub fn health_report(state: State<'_, AppState>) -> Result<HealthReport, AppError> {
    check(&state)
}

/// How many risks of each severity there are: the header badge, which
/// refreshes after every change, needs only these numbers.
#[tauri::command(async)]
pub fn health_counts(state: State<'_, AppState>) -> Result<HealthCounts, AppError> {
    check(&state).map(|report| report.counts)
}

fn check(state: &AppState) -> Result<HealthReport, AppError> {
    // Asks the system clock's state before taking the vault (it may wait on
    // timedatectl for a moment, on Linux).
    let ctx = Context::system();
    state.with_vault_passive(|vault| {
        vault.refresh()?;
        Ok(guides::health(vault, &ctx)?)
    })
}
