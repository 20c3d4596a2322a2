//! Import and export: thin commands over `sparekey_core::import` and
//! `sparekey_core::export`.
//!
//! An import is staged in Rust ([`crate::state::PendingImport`]): the page
//! picks a format ([`import_begin`]), sends each input as a raw request body
//! ([`import_add`]), asks for the preview ([`import_preview`], which returns
//! only what core's `Preview` serializes: no secrets) and confirms
//! ([`import_confirm`]). The accounts to add never travel to the page and
//! back, and nothing is written before the confirm.
//!
//! An export is written by Rust to a path the user picks in the native save
//! dialog (opened from here, so the page needs no dialog or file-system
//! permission). Files are private (`sparekey_core::fs`); an existing file
//! is only replaced when the user confirmed it in the native dialog.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sparekey_core::{
    app::transfer::{self, BackupOptions, ExportRequest as CoreRequest},
    export::{self, ExportFormat, Skipped},
    fs::Existing,
    import::{self, Applied, Format, Preview},
    secret::SecretString,
    time,
};
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

use crate::{
    error::AppError,
    state::{AppState, PendingImport},
    MAIN_WINDOW,
};

/// Most inputs one import takes (images of a Google batch are the many-input
/// case; real batches have a handful).
const MAX_SOURCES: usize = 50;

/// Test hook: when this environment variable names a folder, the native
/// file dialogs (which WebDriver cannot drive) are not opened: exports and
/// the emergency kit are saved there under their default file names, and
/// choosing a folder answers with it. An existing file is never replaced
/// then. Unset in normal use.
pub const EXPORT_DIR_ENV: &str = "SPAREKEY_EXPORT_DIR";

/// Every import format, in the order to offer them.
#[tauri::command]
pub fn import_formats() -> Vec<Format> {
    import::FORMATS.to_vec()
}

/// Starts a new import of `format`, forgetting any earlier one.
#[tauri::command]
pub fn import_begin(state: State<'_, AppState>, format: String) -> Result<Format, AppError> {
    let found = *import::format(&format)?;
    *state.pending_import() = PendingImport {
        format: found.id.to_owned(),
        ..PendingImport::default()
    };
    Ok(found)
}

/// What the staged inputs are so far.
#[derive(Debug, Serialize)]
pub struct Staged {
    /// Number of inputs given.
    pub sources: usize,
    /// The export is encrypted: ask for its password before the preview.
    pub encrypted: bool,
}

/// Adds one input (file bytes, pasted text as UTF-8, or an image), sent as
/// the raw request body, to the import started by [`import_begin`].
#[tauri::command(async)]
pub fn import_add(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Staged, AppError> {
    let bytes = crate::ipc::raw_body(
        &request,
        "import",
        import::MAX_INPUT_BYTES,
        "that is larger than any authenticator export",
    )?;
    let mut pending = state.pending_import();
    if pending.format.is_empty() {
        return Err(AppError::invalid("import", "choose a format first"));
    }
    if pending.sources.len() >= MAX_SOURCES {
        return Err(AppError::invalid(
            "import",
            format!("takes at most {MAX_SOURCES} inputs at once"),
        ));
    }
    pending.preview = None;
    pending.sources.push(Zeroizing::new(bytes.to_vec()));
    let refs: Vec<&[u8]> = pending.sources.iter().map(|s| s.as_slice()).collect();
    match import::is_encrypted(&pending.format, &refs) {
        Ok(encrypted) => Ok(Staged {
            sources: pending.sources.len(),
            encrypted,
        }),
        Err(error) => {
            // The bad input is not kept: the user can pick another one.
            pending.sources.pop();
            Err(error.into())
        }
    }
}

/// Reads the staged inputs (with the export's `password` when it is
/// encrypted) and compares them with the vault: the preview to confirm.
/// A wrong or missing password is an `invalid_input` error on the field
/// `password`. Nothing is written.
#[tauri::command(async)]
pub fn import_preview(
    state: State<'_, AppState>,
    password: Option<String>,
) -> Result<Preview, AppError> {
    let password = password.filter(|p| !p.is_empty()).map(SecretString::from);
    // Copied out so the import lock is never held with the vault's.
    let (format, sources) = {
        let pending = state.pending_import();
        (pending.format.clone(), pending.sources.clone())
    };
    if format.is_empty() || sources.is_empty() {
        return Err(AppError::invalid(
            "import",
            "has no input yet: choose a file, paste the text or add an image",
        ));
    }
    let refs: Vec<&[u8]> = sources.iter().map(|s| s.as_slice()).collect();
    let preview = state.with_vault(|vault| {
        vault.refresh()?;
        Ok(import::preview(
            &format,
            &refs,
            password.as_ref(),
            vault.doc(),
            time::now(),
        )?)
    })?;
    let shown = preview.clone();
    let mut pending = state.pending_import();
    if pending.format == format {
        pending.preview = Some(preview);
    }
    Ok(shown)
}

/// Adds the previewed accounts in one save and ends the import. Entries that
/// became duplicates since the preview are reported, not added.
#[tauri::command(async)]
pub fn import_confirm(state: State<'_, AppState>) -> Result<Applied, AppError> {
    let preview = state.pending_import().preview.take().ok_or_else(|| {
        AppError::invalid(
            "import",
            "has no preview to confirm: choose the export again",
        )
    })?;
    let applied = state.with_vault(|vault| Ok(import::apply(preview, vault)?))?;
    *state.pending_import() = PendingImport::default();
    Ok(applied)
}

/// Forgets the import in progress (its inputs and preview are wiped).
#[tauri::command]
pub fn import_cancel(state: State<'_, AppState>) {
    *state.pending_import() = PendingImport::default();
}

/// Every export format.
#[tauri::command]
pub fn export_formats() -> Vec<ExportFormat> {
    export::EXPORT_FORMATS.to_vec()
}

/// An export as the Export screen asks for it. No `Debug`: it holds the
/// backup passphrase.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExportRequest {
    /// The format's id, from [`export::EXPORT_FORMATS`].
    pub format: String,
    /// For per-account formats: the account's id.
    pub account_id: Option<String>,
    /// For the encrypted backup: its passphrase…
    pub passphrase: Option<String>,
    /// …typed a second time.
    pub passphrase_again: Option<String>,
    /// The user confirmed that a plaintext export may be written.
    pub confirm_plaintext: bool,
}

/// What an export did.
#[derive(Debug, Default, Serialize)]
pub struct ExportDone {
    /// False when the user cancelled the save dialog (nothing was written).
    pub saved: bool,
    /// Where the file was written.
    pub path: Option<String>,
    /// Number of accounts in it, for whole-vault exports.
    pub exported: Option<usize>,
    /// Accounts left out, with why.
    pub skipped: Vec<Skipped>,
    /// What the format does not carry.
    pub notes: Vec<String>,
}

/// Writes an export to a file the user picks in the native save dialog (or
/// in [`EXPORT_DIR_ENV`], the test hook). Plaintext formats need
/// `confirmPlaintext` (else the error kind is `needs_confirmation`); the
/// backup needs its passphrase twice and records the export time in the
/// vault (for the health check and the guides).
#[tauri::command(async)]
pub fn export_save<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    mut request: ExportRequest,
) -> Result<ExportDone, AppError> {
    let format = export::export_format(&request.format)?;
    let passphrase = if format.id == "backup" {
        let first = SecretString::from(request.passphrase.take().unwrap_or_default());
        let again = Zeroizing::new(request.passphrase_again.take().unwrap_or_default());
        transfer::check_backup_passphrase(&first, Some(&again))?;
        Some(first)
    } else {
        None
    };
    let account_id = request.account_id.clone().filter(|id| !id.is_empty());
    let ask = CoreRequest {
        format,
        account_id: account_id.as_deref(),
        backup: passphrase.as_ref().map(|passphrase| BackupOptions {
            passphrase,
            work_factor: None,
            armor: false,
        }),
        plaintext_confirmed: request.confirm_plaintext,
        png_scale: 8,
    };
    // Rendered before the dialog opens: a refused export asks for no file.
    let rendered = state.with_vault(|vault| {
        vault.refresh()?;
        Ok(transfer::render(vault, &ask)?)
    })?;
    let label = match &account_id {
        Some(id) => Some(state.with_vault(|vault| Ok(vault.doc().account(id)?.label()))?),
        None => None,
    };
    let file_name = transfer::default_file_name(format, label.as_deref(), time::now());
    let title = format!("Save {}", format.label);
    let filter = (format.label, format.extension);
    let Some((path, existing)) = choose_save_path(&app, &title, filter, &file_name)? else {
        return Ok(ExportDone::default());
    };
    state.with_vault(|vault| Ok(transfer::save(vault, format, &rendered, &path, existing)?))?;
    let report = rendered.report.as_ref();
    Ok(ExportDone {
        saved: true,
        path: Some(path.display().to_string()),
        exported: report.map(|r| r.exported),
        skipped: report.map(|r| r.skipped.clone()).unwrap_or_default(),
        notes: report.map(|r| r.notes.clone()).unwrap_or_default(),
    })
}

/// The folder of the [`EXPORT_DIR_ENV`] test hook, when it is set.
fn test_dir() -> Option<PathBuf> {
    std::env::var_os(EXPORT_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// The file to write, picked in the native save dialog titled `title` that
/// offers `file_name` and files of `filter` (its name and extension), and
/// whether an existing one may be replaced (the native dialog asked).
/// `None` when the user cancelled.
pub(crate) fn choose_save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    filter: (&str, &str),
    file_name: &str,
) -> Result<Option<(PathBuf, Existing)>, AppError> {
    if let Some(dir) = test_dir() {
        return Ok(Some((dir.join(file_name), Existing::Refuse)));
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(filter.0, &[filter.1]);
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        dialog = dialog.set_parent(&window);
    }
    match dialog.blocking_save_file() {
        None => Ok(None),
        Some(chosen) => chosen
            .into_path()
            .map(|p| Some((p, Existing::Replace)))
            .map_err(|error| {
                AppError::invalid("file", format!("cannot be written there: {error}"))
            }),
    }
}

/// A folder picked in the native folder dialog titled `title`, or `None`
/// when the user cancelled.
pub(crate) fn choose_folder<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<PathBuf>, AppError> {
    if let Some(dir) = test_dir() {
        return Ok(Some(dir));
    }
    let mut dialog = app.dialog().file().set_title(title);
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        dialog = dialog.set_parent(&window);
    }
    match dialog.blocking_pick_folder() {
        None => Ok(None),
        Some(chosen) => chosen.into_path().map(Some).map_err(|error| {
            AppError::invalid("backup_folder", format!("cannot be used: {error}"))
        }),
    }
}
