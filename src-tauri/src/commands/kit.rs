//! The emergency kit: create it (its key crosses IPC once, on that explicit
//! action, to be printed), verify it, show its status, open the vault with
//! it (typed, pasted or from a photo of its QR code) and then set a new
//! passphrase.

use serde::Serialize;
use sparekey_core::{
    app::{
        accounts::{Overview, MAX_IMAGE_BYTES},
        kit::{self, KitChange, KitStatus, NewKit},
        session::{self, Opener},
    },
    secret::SecretString,
};
use tauri::{AppHandle, Runtime, State};

use super::{session::enter, transfer::choose_save_path};
use crate::ipc::raw_body;
use crate::{error::AppError, state::AppState};

/// The vault's emergency kit: made when, last verified when.
#[tauri::command(async)]
pub fn kit_status(state: State<'_, AppState>) -> Result<KitStatus, AppError> {
    state.with_vault(|vault| Ok(kit::status(vault)))
}

/// A new kit, to print once, with its key as a QR code. No `Debug`: it
/// holds the key.
#[derive(Serialize)]
pub struct PrintableKit {
    /// The kit.
    #[serde(flatten)]
    pub kit: NewKit,
    /// An SVG document of the key line as a QR code.
    pub qr_svg: String,
}

/// Makes the emergency kit, or with `replace` (confirmed in the UI) a new
/// one to take the current one's place, and returns it once, to print or
/// save: the only time the key crosses to the page. It is not in force
/// until [`kit_commit`]: the current kit keeps working meanwhile.
#[tauri::command(async)]
pub fn kit_create(
    state: State<'_, AppState>,
    replace: Option<bool>,
) -> Result<PrintableKit, AppError> {
    let change = if replace.unwrap_or(false) {
        KitChange::Replace
    } else {
        KitChange::New
    };
    let (prepared, kit) = state.with_vault(|vault| Ok(kit::prepare(vault, change)?))?;
    let qr_svg = kit.qr_svg()?.as_str().to_owned();
    *state.prepared_kit() = Some(prepared);
    Ok(PrintableKit { kit, qr_svg })
}

/// Puts the kit [`kit_create`] made in force, once the person has printed
/// or saved it; a kit it replaces stops opening the vault and its backups.
#[tauri::command(async)]
pub fn kit_commit(state: State<'_, AppState>) -> Result<KitStatus, AppError> {
    let prepared = state.prepared_kit().take().ok_or_else(|| {
        AppError::invalid("emergency kit", "no new kit is waiting: make one first")
    })?;
    state.with_vault(|vault| Ok(kit::commit(vault, &prepared)?))
}

/// Forgets the kit [`kit_create`] made without putting it in force.
#[tauri::command]
pub fn kit_discard(state: State<'_, AppState>) {
    *state.prepared_kit() = None;
}

/// What saving the kit to a file did.
#[derive(Debug, Default, Serialize)]
pub struct KitSaved {
    /// False when the user cancelled the save dialog (nothing was written).
    pub saved: bool,
    /// Where the file was written.
    pub path: Option<String>,
}

/// Saves the kit just made (its text, which the kit page holds) to a file
/// the user picks in the native save dialog, private to its owner. Only the
/// vault's current kit is written; anything else is refused before the
/// dialog opens.
#[tauri::command(async)]
pub fn kit_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    text: String,
) -> Result<KitSaved, AppError> {
    let text = SecretString::from(text);
    let prepared = state
        .prepared_kit()
        .as_ref()
        .is_some_and(|kit| kit.is(&text));
    if !prepared {
        state.with_vault(|vault| Ok(kit::check_current(vault, &text)?))?;
    }
    let filter = ("Emergency kit", "txt");
    let Some((path, existing)) =
        choose_save_path(&app, "Save the emergency kit", filter, kit::KIT_FILE_NAME)?
    else {
        return Ok(KitSaved::default());
    };
    match state.prepared_kit().as_ref().filter(|kit| kit.is(&text)) {
        Some(kit) => kit::save_prepared_file(kit, &text, &path, existing)?,
        None => state.with_vault(|vault| Ok(kit::save_file(vault, &text, &path, existing)?))?,
    }
    Ok(KitSaved {
        saved: true,
        path: Some(path.display().to_string()),
    })
}

/// Checks a printed kit (pasted) against the vault and records the date.
#[tauri::command(async)]
pub fn kit_verify(state: State<'_, AppState>, text: String) -> Result<KitStatus, AppError> {
    let text = SecretString::from(text);
    state.with_vault(|vault| Ok(kit::verify(vault, &text)?))
}

/// Opens the vault with its emergency kit (typed or pasted). The UI then
/// asks for a new passphrase ([`kit_set_passphrase`]).
#[tauri::command(async)]
pub fn unlock_with_kit(state: State<'_, AppState>, text: String) -> Result<Overview, AppError> {
    let opener = Opener::Kit(SecretString::from(text));
    let vault = session::open(state.paths(), &opener)?;
    enter(&state, vault)
}

/// Opens the vault with a photo or scan of the kit's QR code (the image's
/// bytes as the raw request body). The key never goes back to the page.
#[tauri::command(async)]
pub fn unlock_with_kit_image(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Overview, AppError> {
    let bytes = raw_body(
        &request,
        "image",
        MAX_IMAGE_BYTES,
        "crop or shrink it to the QR code",
    )?;
    let opener = Opener::Kit(kit::key_from_image(bytes)?);
    let vault = session::open(state.paths(), &opener)?;
    enter(&state, vault)
}

/// Sets a new passphrase after opening with the kit: a fresh vault key; the
/// kit keeps working.
#[tauri::command(async)]
pub fn kit_set_passphrase(state: State<'_, AppState>, passphrase: String) -> Result<(), AppError> {
    let passphrase = SecretString::from(passphrase);
    state.with_vault(|vault| Ok(session::change_passphrase(vault, &passphrase, None)?))
}
