//! The emergency kit (issue 7): create it (its key crosses IPC once, on that
//! explicit action, to be printed), verify it, show its status, open the
//! vault with it (typed, pasted or from a photo of its QR code) and then set
//! a new passphrase. Core does the work (`Vault::create_kit`, `verify_kit`,
//! `unlock_with_kit`, `reset_passphrase`, `qr`).

use serde::Serialize;
use sparekey_core::{
    qr,
    secret::{check_new_passphrase, ExposeSecret, SecretString},
    time,
    vault::Vault,
};
use tauri::State;
use zeroize::Zeroizing;

use super::{overview, Overview, MAX_IMAGE_BYTES};
use crate::{error::AppError, state::AppState};

/// The kit's state as Settings shows it.
#[derive(Debug, Serialize)]
pub struct KitStatus {
    /// The vault has a kit.
    pub exists: bool,
    /// When it was made (Unix seconds).
    pub created_at: Option<i64>,
    /// When it was last verified (Unix seconds).
    pub verified_at: Option<i64>,
    /// This session was opened with the kit: a new passphrase is due.
    pub opened_with_kit: bool,
}

fn kit_status_of(vault: &Vault) -> KitStatus {
    let kit = vault.doc().emergency_kit.as_ref();
    KitStatus {
        exists: kit.is_some(),
        created_at: kit.map(|k| k.created_at),
        verified_at: kit.and_then(|k| k.verified_at),
        opened_with_kit: vault.opened_with_kit(),
    }
}

/// The vault's emergency kit: made when, last verified when.
#[tauri::command(async)]
pub fn kit_status(state: State<'_, AppState>) -> Result<KitStatus, AppError> {
    state.with_vault(|vault| Ok(kit_status_of(vault)))
}

/// A new kit, to print once. No `Debug`: it holds the key.
#[derive(Serialize)]
pub struct NewKit {
    /// The kit file's text (an age identity file).
    pub text: String,
    /// Its `AGE-SECRET-KEY-1...` line.
    pub key: String,
    /// An SVG document of the key line as a QR code.
    pub qr_svg: String,
    /// The kit's public recipient (`age1...`).
    pub recipient: String,
    /// When it was made (Unix seconds).
    pub created_at: i64,
    /// The vault folder.
    pub dir: String,
    /// The vault file.
    pub vault_file: String,
}

/// Makes a new emergency kit (replacing any earlier one, which stops
/// working) and returns it once, to print. This is the only time the key
/// crosses to the page.
#[tauri::command(async)]
pub fn kit_create(state: State<'_, AppState>) -> Result<NewKit, AppError> {
    let now = time::now();
    let dir = state.paths().dir().display().to_string();
    let vault_file = state.paths().vault().display().to_string();
    state.with_vault(|vault| {
        let kit = vault.create_kit(now)?;
        let text = Zeroizing::new(kit.text().expose_secret().to_owned());
        let key = text
            .lines()
            .map(str::trim)
            .find(|line| line.starts_with("AGE-SECRET-KEY-1"))
            .ok_or_else(|| AppError::internal("The new kit holds no key line."))?
            .to_owned();
        let qr_svg = qr::to_svg(&key)?;
        Ok(NewKit {
            text: text.as_str().to_owned(),
            key,
            qr_svg: qr_svg.as_str().to_owned(),
            recipient: kit.recipient().to_owned(),
            created_at: now,
            dir,
            vault_file,
        })
    })
}

/// Checks a printed kit (pasted) against the vault and records the date.
#[tauri::command(async)]
pub fn kit_verify(state: State<'_, AppState>, text: String) -> Result<KitStatus, AppError> {
    let text = SecretString::from(text);
    state.with_vault(|vault| {
        vault.verify_kit(&text, time::now())?;
        Ok(kit_status_of(vault))
    })
}

/// Opens the vault with its emergency kit (typed or pasted). The UI then
/// asks for a new passphrase ([`kit_set_passphrase`]).
#[tauri::command(async)]
pub fn unlock_with_kit(state: State<'_, AppState>, text: String) -> Result<Overview, AppError> {
    let text = SecretString::from(text);
    let vault = Vault::unlock_with_kit(state.paths().dir(), &text)?;
    let out = overview(&vault)?;
    state.set_unlocked(vault);
    Ok(out)
}

/// Opens the vault with a photo or scan of the kit's QR code (the image's
/// bytes as the raw request body). The key never goes back to the page.
#[tauri::command(async)]
pub fn unlock_with_kit_image(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Overview, AppError> {
    let bytes = super::raw_body(
        &request,
        "image",
        MAX_IMAGE_BYTES,
        "crop or shrink it to the QR code",
    )?;
    let payloads = qr::decode_image(bytes)?;
    let key = payloads
        .iter()
        .find(|p| p.expose_secret().contains("AGE-SECRET-KEY-1"))
        .ok_or_else(|| {
            AppError::invalid(
                "image",
                "holds a QR code, but not an emergency kit's key: choose the photo of the kit",
            )
        })?;
    let vault = Vault::unlock_with_kit(state.paths().dir(), key)?;
    let out = overview(&vault)?;
    state.set_unlocked(vault);
    Ok(out)
}

/// Sets a new passphrase after opening with the kit (core's
/// `reset_passphrase`: a fresh vault key; the kit keeps working).
#[tauri::command(async)]
pub fn kit_set_passphrase(state: State<'_, AppState>, passphrase: String) -> Result<(), AppError> {
    let passphrase = SecretString::from(passphrase);
    check_new_passphrase(&passphrase)?;
    state.with_vault(|vault| Ok(vault.reset_passphrase(&passphrase, None)?))
}
