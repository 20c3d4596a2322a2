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
//! permission). Files are created with mode 0600; an existing file is only
//! replaced when the user confirmed it in the native dialog.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sparekey_core::{
    export::{self, ExportFormat, Exported, Skipped},
    import::{self, Applied, Format, Preview},
    secret::{check_new_passphrase, ExposeSecret, SecretString},
    time, Error,
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

/// Test hook: when this environment variable names a folder, exports are
/// saved there under their default file name instead of asking with the
/// native save dialog (which WebDriver cannot drive). An existing file is
/// never replaced then. Unset in normal use.
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
    let bytes = super::raw_body(
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
    if format.plaintext && !request.confirm_plaintext {
        return Err(AppError::new(
            "needs_confirmation",
            format!(
                "{} holds 2FA secrets or recovery codes in plaintext: confirm before it is written.",
                format.label
            ),
        ));
    }
    let passphrase = if format.id == "backup" {
        let first = SecretString::from(request.passphrase.take().unwrap_or_default());
        let again = Zeroizing::new(request.passphrase_again.take().unwrap_or_default());
        check_new_passphrase(&first).map_err(backup_passphrase_error)?;
        if first.expose_secret() != again.as_str() {
            return Err(AppError {
                kind: "invalid_input",
                message: "The two backup passphrases differ: type the same one twice.".to_owned(),
                field: Some("backup passphrase again".to_owned()),
            });
        }
        Some(first)
    } else {
        None
    };
    let account_id = match (&request.account_id, format.per_account) {
        (Some(id), true) if !id.is_empty() => Some(id.clone()),
        (_, true) => {
            return Err(AppError::invalid(
                "account",
                "is not chosen: pick the account to export",
            ))
        }
        (_, false) => None,
    };
    let label = match &account_id {
        Some(id) => Some(state.with_vault(|vault| Ok(vault.doc().account(id)?.label()))?),
        None => None,
    };
    let now = time::now();
    let file_name = default_file_name(format, label.as_deref(), now);
    let Some((path, replace)) = choose_path(&app, format, &file_name)? else {
        return Ok(ExportDone::default());
    };
    if !replace && path.exists() {
        return Err(exists(&path));
    }

    let (bytes, report) = state.with_vault(|vault| {
        vault.refresh()?;
        let account = match &account_id {
            Some(id) => Some(vault.doc().account(id)?.clone()),
            None => None,
        };
        let account = || {
            account
                .as_ref()
                .ok_or_else(|| Error::invalid("account", "is missing"))
        };
        Ok(match format.id {
            "backup" => {
                let pass = passphrase
                    .as_ref()
                    .ok_or_else(|| Error::invalid("backup passphrase", "is missing"))?;
                let bytes = export::backup::backup_vault(vault, pass, None, false, now)?;
                (Zeroizing::new(bytes), None)
            }
            "otpauth" => text(export::otpauth_list(vault.doc())),
            "aegis" => text(export::aegis::aegis_json(vault.doc())),
            "qr-html" => text(export::html::qr_page(vault.doc(), now)?),
            "qr-svg" => {
                let svg = export::qr_svg(account()?)?;
                (Zeroizing::new(svg.as_bytes().to_vec()), None)
            }
            "qr-png" => (export::qr_png(account()?, 8)?, None),
            "recovery-sheet" => {
                let page = export::html::recovery_sheet(account()?, now)?;
                (Zeroizing::new(page.as_bytes().to_vec()), None)
            }
            other => {
                return Err(
                    Error::invalid("export format", format!("{other} has no writer")).into(),
                )
            }
        })
    })?;
    write_file(&path, &bytes, replace)?;
    if format.id == "backup" {
        // Only a backup safely on disk counts for the guides and health.
        state.with_vault(|vault| Ok(export::backup::record_backup_written(vault, now)?))?;
    }
    let (exported, skipped, notes) = match report {
        Some(r) => (Some(r.exported), r.skipped, r.notes),
        None => (None, Vec::new(), Vec::new()),
    };
    Ok(ExportDone {
        saved: true,
        path: Some(path.display().to_string()),
        exported,
        skipped,
        notes,
    })
}

fn text(e: Exported) -> (Zeroizing<Vec<u8>>, Option<Exported>) {
    let bytes = Zeroizing::new(e.content.as_bytes().to_vec());
    (bytes, Some(e))
}

/// Core's passphrase rule names the field `passphrase`; on this screen it is
/// the backup's.
fn backup_passphrase_error(error: Error) -> AppError {
    match error {
        Error::InvalidInput { reason, .. } => AppError::invalid("backup passphrase", reason),
        other => other.into(),
    }
}

/// `sparekey-backup-2026-11-23.age`, `sparekey-qr-PyPI-alice.svg`…
fn default_file_name(format: &ExportFormat, label: Option<&str>, now: i64) -> String {
    let what = match format.id {
        "qr-html" => "qr-codes",
        "qr-svg" | "qr-png" => "qr",
        "recovery-sheet" => "recovery-codes",
        other => other,
    };
    let tail = match label {
        Some(label) => {
            let slug: String = label
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .take(48)
                .collect();
            slug.trim_matches('-').to_owned()
        }
        None => time::format_date(now),
    };
    format!("sparekey-{what}-{tail}.{}", format.extension)
}

/// The file to write and whether replacing it was confirmed (by the native
/// dialog). `None` when the user cancelled.
fn choose_path<R: Runtime>(
    app: &AppHandle<R>,
    format: &ExportFormat,
    file_name: &str,
) -> Result<Option<(PathBuf, bool)>, AppError> {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(Some((PathBuf::from(dir).join(file_name), false)));
    }
    let mut dialog = app
        .dialog()
        .file()
        .set_title(format!("Save {}", format.label))
        .set_file_name(file_name)
        .add_filter(format.label, &[format.extension]);
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        dialog = dialog.set_parent(&window);
    }
    match dialog.blocking_save_file() {
        None => Ok(None),
        Some(chosen) => chosen
            .into_path()
            .map(|p| Some((p, true)))
            .map_err(|error| {
                AppError::invalid("file", format!("cannot be written there: {error}"))
            }),
    }
}

fn exists(path: &Path) -> AppError {
    AppError::invalid(
        "file",
        format!(
            "{} already exists: nothing was written (choose another name or delete it)",
            path.display()
        ),
    )
}

fn io_error(path: &Path, error: &std::io::Error) -> AppError {
    AppError::new("io", format!("Could not write {}: {error}", path.display()))
}

/// Creates `path` with mode 0600 and writes `bytes`. With `replace` (the
/// user confirmed it in the save dialog) an existing file is replaced
/// atomically through a new file next to it; otherwise it is refused.
fn write_file(path: &Path, bytes: &[u8], replace: bool) -> Result<(), AppError> {
    let target = if replace {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        path.with_file_name(format!(".{name}.{}.sparekey-tmp", std::process::id()))
    } else {
        path.to_owned()
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&target).map_err(|error| {
        if error.kind() == std::io::ErrorKind::AlreadyExists && !replace {
            exists(path)
        } else {
            io_error(path, &error)
        }
    })?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            if replace {
                fs::rename(&target, path)
            } else {
                Ok(())
            }
        });
    if let Err(error) = written {
        // A partial file is worse than none.
        let _ = fs::remove_file(&target);
        return Err(io_error(path, &error));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_are_plain_file_names() {
        let backup = export::export_format("backup").unwrap();
        assert_eq!(
            default_file_name(backup, None, 0),
            "sparekey-backup-1970-01-01.age"
        );
        let qr = export::export_format("qr-svg").unwrap();
        assert_eq!(
            default_file_name(qr, Some("../PyPI:alice@example.com"), 0),
            "sparekey-qr-PyPI-alice-example-com.svg"
        );
    }

    #[test]
    fn writes_private_files_and_never_replaces_silently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_file(&path, b"one", false).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let error = write_file(&path, b"two", false).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("file"));
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_file(&path, b"three", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
