//! Guides (issue 4) and "I'm locked out": listing guides, a guide evaluated
//! for an account, manual checks, the clock, and PyPI's account-recovery
//! request. Every rule is core's (`sparekey_core::guides`, `clock`); this
//! file only fetches the document and translates.
//!
//! The request drafting and a guide without an account work while the vault
//! is locked: being locked out of PyPI must not need Sparekey's passphrase.

use serde::Serialize;
use sparekey_core::{
    account::{Account, AccountSummary},
    clock::{ClockSource, ClockSync, SystemClock},
    guides::{
        self,
        request::{self, RecoveryRequest},
        Context, GuideSummary, GuideView,
    },
    time,
    vault::document::Document,
};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::{error::AppError, state::AppState};

/// Every guide, prevent and recover, as lists show them.
#[tauri::command]
pub fn guides_list() -> Result<Vec<GuideSummary>, AppError> {
    Ok(guides::all()?.iter().map(guides::Guide::summary).collect())
}

/// Guide `guide_id` evaluated for `account_id` (each step's state, dates,
/// notes, the next step and the progress). Without an account it works on a
/// locked vault too (the steps with their links, nothing checked).
#[tauri::command(async)]
pub fn guide_view(
    state: State<'_, AppState>,
    guide_id: String,
    account_id: Option<String>,
) -> Result<GuideView, AppError> {
    let guide = guides::get(&guide_id)?;
    let ctx = Context::system();
    match account_id.filter(|id| !id.is_empty()) {
        Some(id) => state.with_vault(|vault| {
            vault.refresh()?;
            Ok(guides::evaluate(guide, vault.doc(), Some(&id), &ctx)?)
        }),
        None if state.is_unlocked() => state.with_vault(|vault| {
            vault.refresh()?;
            Ok(guides::evaluate(guide, vault.doc(), None, &ctx)?)
        }),
        None => Ok(guides::evaluate(guide, &Document::default(), None, &ctx)?),
    }
}

/// The account's prevent guide (its service's, else the generic one),
/// evaluated: what the account page shows as progress.
#[tauri::command(async)]
pub fn account_guide(
    state: State<'_, AppState>,
    account_id: String,
) -> Result<GuideView, AppError> {
    let ctx = Context::system();
    state.with_vault(|vault| {
        let account = vault.doc().account(&account_id)?;
        let guide = guides::prevent_guide_for(account)?;
        Ok(guides::evaluate(
            guide,
            vault.doc(),
            Some(&account_id),
            &ctx,
        )?)
    })
}

/// The accounts guide `guide_id` is written for (core's `applies_to`), in
/// vault order: whom a guide page or the lockout screen offers first.
#[tauri::command(async)]
pub fn guide_accounts(
    state: State<'_, AppState>,
    guide_id: String,
) -> Result<Vec<AccountSummary>, AppError> {
    let guide = guides::get(&guide_id)?;
    state.with_vault(|vault| {
        Ok(vault
            .doc()
            .accounts
            .iter()
            .filter(|a| guide.applies_to(a))
            .map(Account::summary)
            .collect())
    })
}

/// Marks a manual step done today for the account (optional note) and
/// returns the guide evaluated again.
#[tauri::command(async)]
pub fn guide_check(
    state: State<'_, AppState>,
    guide_id: String,
    step_id: String,
    account_id: String,
    note: Option<String>,
) -> Result<GuideView, AppError> {
    let guide = guides::get(&guide_id)?;
    let ctx = Context::system();
    state.with_vault(|vault| {
        vault.update(|doc| {
            guides::check_step(
                doc,
                &guide_id,
                &step_id,
                &account_id,
                note.as_deref(),
                time::now(),
            )
        })?;
        Ok(guides::evaluate(
            guide,
            vault.doc(),
            Some(&account_id),
            &ctx,
        )?)
    })
}

/// Removes the mark of a manual step and returns the guide evaluated again.
#[tauri::command(async)]
pub fn guide_uncheck(
    state: State<'_, AppState>,
    guide_id: String,
    step_id: String,
    account_id: String,
) -> Result<GuideView, AppError> {
    let guide = guides::get(&guide_id)?;
    let ctx = Context::system();
    state.with_vault(|vault| {
        vault.update(|doc| guides::uncheck_step(doc, &guide_id, &step_id, &account_id))?;
        Ok(guides::evaluate(
            guide,
            vault.doc(),
            Some(&account_id),
            &ctx,
        )?)
    })
}

/// The system clock's synchronization, for "check the clock".
#[derive(Debug, Serialize)]
pub struct ClockStatus {
    /// `synchronized`, `unsynchronized` or `unknown`.
    pub state: ClockSync,
    /// A sentence for the user.
    pub message: String,
}

/// Whether the system clock is synchronized (TOTP codes depend on it).
#[tauri::command(async)]
pub fn clock_status() -> ClockStatus {
    let state = SystemClock.sync_state();
    let message = match state {
        ClockSync::Synchronized => "The system clock is synchronized: codes are on time.",
        ClockSync::Unsynchronized => {
            "The system clock is NOT synchronized: codes may be wrong. Turn on network time \
             (for example `timedatectl set-ntp true`) and try again."
        }
        ClockSync::Unknown => {
            "Sparekey cannot tell whether the system clock is synchronized: compare it with an \
             accurate clock (within 30 seconds)."
        }
    };
    ClockStatus {
        state,
        message: message.to_owned(),
    }
}

/// What the recovery-request form offers.
#[derive(Debug, Serialize)]
pub struct RequestForm {
    /// Common reasons to choose from.
    pub reasons: Vec<&'static str>,
    /// Where the request is filed.
    pub form_url: &'static str,
}

/// The reasons and the form address for PyPI's account-recovery request.
#[tauri::command]
pub fn recovery_request_form() -> RequestForm {
    RequestForm {
        reasons: request::PYPI_REASONS.to_vec(),
        form_url: request::PYPI_FORM_URL,
    }
}

/// Drafts PyPI's account-recovery request (core's text, shown exactly).
/// Errors name the field: `username` or `reason`.
#[tauri::command]
pub fn recovery_request(username: String, reason: String) -> Result<RecoveryRequest, AppError> {
    Ok(request::pypi_recovery_request(&username, &reason)?)
}

/// Drafts the request again and copies its text to the clipboard from Rust.
/// A draft is not a secret: it is not cleared later.
#[tauri::command]
pub fn copy_recovery_request<R: Runtime>(
    app: AppHandle<R>,
    username: String,
    reason: String,
) -> Result<(), AppError> {
    let draft = request::pypi_recovery_request(&username, &reason)?;
    app.clipboard()
        .write_text(draft.body)
        .map_err(|error| AppError::new("clipboard", format!("Could not copy: {error}")))
}
