//! Guides and "I'm locked out": listing guides, a guide evaluated for an
//! account, manual checks, the clock, and PyPI's account-recovery request.
//!
//! The request drafting and a guide without an account work while the vault
//! is locked: being locked out of PyPI must not need Sparekey's passphrase.

use sparekey_core::{
    account::AccountSummary,
    app::guides::{self, ClockStatus, DraftInput, RecoveryRequest, RequestForm, StepRef},
    guides::{self as guide_data, Context, GuideSummary, GuideView},
};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::{error::AppError, state::AppState};

/// Every guide, for the Guides screen.
#[tauri::command]
pub fn guides_list() -> Result<Vec<GuideSummary>, AppError> {
    Ok(guide_data::all()?
        .iter()
        .map(guide_data::Guide::summary)
        .collect())
}

/// A guide evaluated for an account (or for none). Works while locked when
/// no account is asked for.
#[tauri::command(async)]
pub fn guide_view(
    state: State<'_, AppState>,
    guide_id: String,
    account_id: Option<String>,
) -> Result<GuideView, AppError> {
    let ctx = Context::system();
    let account_id = account_id.filter(|id| !id.is_empty());
    if account_id.is_none() && !state.is_unlocked() {
        return Ok(guides::view(None, &guide_id, None, &ctx)?);
    }
    state.with_vault(|vault| {
        vault.refresh()?;
        Ok(guides::view(
            Some(vault.doc()),
            &guide_id,
            account_id.as_deref(),
            &ctx,
        )?)
    })
}

/// The prevent guide for an account's service, evaluated for it.
#[tauri::command(async)]
pub fn account_guide(
    state: State<'_, AppState>,
    account_id: String,
) -> Result<GuideView, AppError> {
    let ctx = Context::system();
    state.with_vault(|vault| Ok(guides::account_guide(vault.doc(), &account_id, &ctx)?))
}

/// The accounts a guide applies to.
#[tauri::command(async)]
pub fn guide_accounts(
    state: State<'_, AppState>,
    guide_id: String,
) -> Result<Vec<AccountSummary>, AppError> {
    state.with_vault(|vault| Ok(guides::accounts_for(vault.doc(), &guide_id)?))
}

/// Marks a manual step done for an account; returns the guide as it stands.
#[tauri::command(async)]
pub fn guide_check(
    state: State<'_, AppState>,
    guide_id: String,
    step_id: String,
    account_id: String,
    note: Option<String>,
) -> Result<GuideView, AppError> {
    let ctx = Context::system();
    let step = StepRef {
        guide_id: &guide_id,
        step_id: &step_id,
        account_id: &account_id,
    };
    state.with_vault(|vault| Ok(guides::check(vault, step, note.as_deref(), &ctx)?))
}

/// Unmarks a manual step; returns the guide as it stands.
#[tauri::command(async)]
pub fn guide_uncheck(
    state: State<'_, AppState>,
    guide_id: String,
    step_id: String,
    account_id: String,
) -> Result<GuideView, AppError> {
    let ctx = Context::system();
    let step = StepRef {
        guide_id: &guide_id,
        step_id: &step_id,
        account_id: &account_id,
    };
    state.with_vault(|vault| Ok(guides::uncheck(vault, step, &ctx)?.1))
}

/// Whether the system clock is synchronized, in words.
#[tauri::command(async)]
pub fn clock_status() -> ClockStatus {
    guides::clock_status()
}

/// PyPI's account-recovery form: its reasons and address, and (vault
/// unlocked, account given) the account's username and unused codes.
#[tauri::command(async)]
pub fn recovery_request_form(
    state: State<'_, AppState>,
    account_id: Option<String>,
) -> Result<RequestForm, AppError> {
    let account_id = account_id.filter(|id| !id.is_empty());
    if account_id.is_none() || !state.is_unlocked() {
        return Ok(guides::request_form(None, None)?);
    }
    state.with_vault(|vault| {
        Ok(guides::request_form(
            Some(vault.doc()),
            account_id.as_deref(),
        )?)
    })
}

/// The request as the page sends it.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestAnswers {
    /// The account in the vault, if one was chosen.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The PyPI username.
    pub username: String,
    /// What happened.
    pub reason: String,
    /// The primary mailbox is gone.
    #[serde(default)]
    pub mailbox_gone: bool,
}

fn draft(state: &AppState, answers: &RequestAnswers) -> Result<RecoveryRequest, AppError> {
    let account_id = answers.account_id.as_deref().filter(|id| !id.is_empty());
    let input = DraftInput {
        account_id,
        username: &answers.username,
        reason: &answers.reason,
        mailbox_gone: answers.mailbox_gone,
    };
    if account_id.is_none() || !state.is_unlocked() {
        return Ok(guides::draft_request(
            None,
            &DraftInput {
                account_id: None,
                ..input
            },
        )?);
    }
    state.with_vault(|vault| Ok(guides::draft_request(Some(vault.doc()), &input)?))
}

/// The drafted PyPI account-recovery request.
#[tauri::command(async)]
pub fn recovery_request(
    state: State<'_, AppState>,
    answers: RequestAnswers,
) -> Result<RecoveryRequest, AppError> {
    draft(&state, &answers)
}

/// Copies the drafted request to the clipboard.
#[tauri::command(async)]
pub fn copy_recovery_request<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    answers: RequestAnswers,
) -> Result<(), AppError> {
    let draft = draft(&state, &answers)?;
    app.clipboard()
        .write_text(draft.body)
        .map_err(|error| AppError::new("clipboard", format!("Could not copy: {error}")))
}
