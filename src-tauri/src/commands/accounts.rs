//! The account list, live codes, adding, editing and deleting accounts, and
//! the explicit reveals of a secret.

use serde::{Deserialize, Serialize};
use sparekey_core::{
    account::AccountSummary,
    app::accounts::{self, AccountChoice, Added, Draft, Edit, NewAccount, Overview, Tick},
    list::ListSort,
    secret::ExposeSecret,
};
use tauri::{AppHandle, Runtime, State};
use zeroize::Zeroizing;

use crate::{clipboard, error::AppError, platform::ScreenCapture, state::AppState};

/// One page of the account list: the accounts matching `search` (every
/// word, in issuer, name or tags) and `tag` (none: any), pinned first, sorted by `sort` (`issuer` or `newest`),
/// at most `limit`, with their codes; and the settings. Re-reads the vault
/// first if another process changed it.
#[tauri::command(async)]
pub fn list_accounts(
    state: State<'_, AppState>,
    search: String,
    tag: Option<String>,
    sort: String,
    limit: usize,
) -> Result<Overview, AppError> {
    let sort = ListSort::from_name(&sort)
        .ok_or_else(|| AppError::invalid("sort", "is not `issuer` or `newest`"))?;
    state.with_vault(|vault| {
        vault.refresh()?;
        Ok(accounts::overview(
            vault,
            &search,
            tag.as_deref().unwrap_or(""),
            sort,
            limit,
        )?)
    })
}

/// One account's summary (for its page), re-read from disk if another
/// process changed the vault.
#[tauri::command(async)]
pub fn account_summary(state: State<'_, AppState>, id: String) -> Result<AccountSummary, AppError> {
    state.with_vault(|vault| {
        vault.refresh()?;
        Ok(vault.doc().account(&id)?.summary())
    })
}

/// Every account as id and label, in list order: for the screens that let
/// the user pick any account.
#[tauri::command(async)]
pub fn account_choices(state: State<'_, AppState>) -> Result<Vec<AccountChoice>, AppError> {
    state.with_vault(|vault| {
        vault.refresh()?;
        Ok(accounts::choices(vault))
    })
}

/// The live codes of the accounts `ids` (those on screen), in one call per
/// second. Not user activity: it does not hold off the auto-lock.
#[tauri::command(async)]
pub fn codes(state: State<'_, AppState>, ids: Vec<String>) -> Result<Tick, AppError> {
    state.with_vault_passive(|vault| Ok(accounts::tick(vault, &ids)?))
}

/// What copying a code did.
#[derive(Debug, Serialize)]
pub struct Copied {
    /// For HOTP: the counter of the code taken (the saved counter is now one more).
    pub counter: Option<u64>,
    /// Seconds until the clipboard is cleared (0 = never).
    pub clear_after_seconds: u32,
}

/// Copies the account's current code to the clipboard from Rust. For HOTP
/// this takes the next code and saves the advanced counter.
#[tauri::command(async)]
pub fn copy_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Copied, AppError> {
    let (view, clear_after_seconds) = state.with_vault(|vault| {
        let view = accounts::take_code(vault, &id, None)?;
        Ok((view, vault.doc().settings.clipboard_clear_seconds))
    })?;
    clipboard::copy_secret(&app, Zeroizing::new(view.code.clone()), clear_after_seconds)?;
    Ok(Copied {
        counter: view.counter,
        clear_after_seconds,
    })
}

/// Adds one account from a URI or from typed fields. Errors name the field
/// that is wrong (`uri`, `secret`, `name`, `digits`, `account` for a duplicate…).
#[tauri::command(async)]
pub fn add_account(state: State<'_, AppState>, account: NewAccount) -> Result<Added, AppError> {
    state.with_vault(|vault| Ok(accounts::add(vault, account)?))
}

/// Adds every account whose QR code is in an image (PNG or JPEG), sent as
/// the raw request body; errors use the field `image` (or the URI's field
/// when a code holds a bad URI).
#[tauri::command(async)]
pub fn add_from_qr(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Added, AppError> {
    let bytes = crate::ipc::raw_body(
        &request,
        "image",
        accounts::MAX_IMAGE_BYTES,
        "crop or shrink it to the QR code",
    )?;
    state.with_vault(|vault| Ok(accounts::add_from_qr(vault, bytes)?))
}

/// "Scan the screen": the one QR code the screen shows now (another
/// window: a service's setup page), read in memory by core's QR search, as
/// the fields of the "type the details" form; nothing is added until the
/// person submits it. Errors use the field `image` (or the URI's field), or
/// the kind `screen` when the screen cannot be read here (the message says
/// why and what to do instead).
#[tauri::command]
pub async fn scan_screen(state: State<'_, AppState>) -> Result<Draft, AppError> {
    // Only for a person at the unlocked app, as adding an account.
    state.with_vault(|_| Ok(()))?;
    let capture = tauri::async_runtime::spawn_blocking(crate::platform::capture_screen)
        .await
        .map_err(|error| AppError::internal(format!("Scanning the screen stopped: {error}")))?
        .map_err(|message| AppError::new("screen", message))?;
    crate::ipc::blocking("Searching the screen", move || match capture {
        ScreenCapture::Pixels {
            width,
            height,
            bgrx,
        } => accounts::draft_from_screen(width, height, &bgrx),
        ScreenCapture::Image(image) => accounts::draft_from_screenshot(&image),
    })
    .await
}

/// Edited fields of an account, as the account page sends them.
#[derive(Debug, Deserialize)]
pub struct AccountEdit {
    /// New issuer.
    pub issuer: String,
    /// New name.
    pub name: String,
    /// New note.
    pub note: String,
}

/// Renames an account and sets its note, refusing a name another account has.
#[tauri::command(async)]
pub fn update_account(
    state: State<'_, AppState>,
    id: String,
    edit: AccountEdit,
) -> Result<AccountSummary, AppError> {
    let edit = Edit {
        issuer: Some(edit.issuer),
        name: Some(edit.name),
        note: Some(edit.note),
    };
    state.with_vault(|vault| Ok(accounts::edit(vault, &id, &edit)?))
}

/// Deletes an account with its secret and recovery codes (the UI confirms first).
#[tauri::command(async)]
pub fn delete_account(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    state.with_vault(|vault| {
        accounts::remove(vault, &id)?;
        Ok(())
    })
}

/// The account's secret in base32, on an explicit reveal.
#[tauri::command(async)]
pub fn reveal_secret(state: State<'_, AppState>, id: String) -> Result<String, AppError> {
    state.with_vault(|vault| {
        Ok(accounts::reveal_secret(vault, &id)?
            .expose_secret()
            .to_owned())
    })
}

/// An SVG document of the account's otpauth QR code, to move it to a phone;
/// only on explicit request (it holds the secret).
#[tauri::command(async)]
pub fn account_qr(state: State<'_, AppState>, id: String) -> Result<String, AppError> {
    state.with_vault(|vault| Ok(accounts::qr_svg(vault, &id)?.as_str().to_owned()))
}
