//! An account's ways back in (its inventory), tags and pin, checking a
//! second copy, and the recovery graph for the Health screen.

use sparekey_core::{
    account::AccountSummary,
    app::{
        accounts,
        ways::{self, WaysView},
    },
    ways::{CheckResult, CopyKind, Graph, Ways},
};
use tauri::State;
use zeroize::Zeroizing;

use crate::{error::AppError, state::AppState};

/// The account's ways back in, with what its service offers and the single
/// points of failure found.
#[tauri::command(async)]
pub fn ways_view(state: State<'_, AppState>, id: String) -> Result<WaysView, AppError> {
    state.with_vault(|vault| {
        vault.refresh()?;
        Ok(ways::view(vault, &id)?)
    })
}

/// Saves the account's whole inventory (the form) and marks it recorded.
#[tauri::command(async)]
pub fn ways_save(state: State<'_, AppState>, id: String, ways: Ways) -> Result<WaysView, AppError> {
    state.with_vault(|vault| Ok(ways::set(vault, &id, ways)?))
}

/// "Check my phone": the code another authenticator shows, against the
/// stored secret (one step either side); the date is recorded on a match.
#[tauri::command(async)]
pub fn ways_check_phone(
    state: State<'_, AppState>,
    id: String,
    code: String,
    device: Option<String>,
) -> Result<CheckResult, AppError> {
    let code = Zeroizing::new(code);
    state.with_vault(|vault| Ok(ways::check_phone(vault, &id, &code, device.as_deref())?))
}

/// A printed sheet: one unused code typed from it is in the saved set (it
/// stays unused); the date is recorded on a match.
#[tauri::command(async)]
pub fn ways_check_sheet(
    state: State<'_, AppState>,
    id: String,
    code: String,
) -> Result<CheckResult, AppError> {
    let code = Zeroizing::new(code);
    state.with_vault(|vault| Ok(ways::check_sheet(vault, &id, &code, CopyKind::Printed)?))
}

/// Sets the account's tags.
#[tauri::command(async)]
pub fn account_set_tags(
    state: State<'_, AppState>,
    id: String,
    tags: Vec<String>,
) -> Result<AccountSummary, AppError> {
    state.with_vault(|vault| Ok(accounts::set_tags(vault, &id, &tags)?))
}

/// Pins or unpins the account.
#[tauri::command(async)]
pub fn account_set_pinned(
    state: State<'_, AppState>,
    id: String,
    pinned: bool,
) -> Result<AccountSummary, AppError> {
    state.with_vault(|vault| Ok(accounts::set_pinned(vault, &id, pinned)?))
}

/// The recovery graph (accounts, the mailboxes that recover them, the
/// accounts guarding those) with its weak points. Not user activity, like
/// the health report it sits beside.
#[tauri::command(async)]
pub fn recovery_graph(state: State<'_, AppState>) -> Result<Graph, AppError> {
    state.with_vault_passive(|vault| {
        vault.refresh()?;
        Ok(ways::graph(vault))
    })
}
