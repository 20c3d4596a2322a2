//! The commands the web UI may call, one file per area, each command a thin
//! translation of a use case in `sparekey_core::app`.
//!
//! Every command here must also be listed in `build.rs` (which generates its
//! `allow-…` permission) and granted in `capabilities/default.json`.
//!
//! What crosses IPC: account summaries and live codes. A secret, a QR code of
//! a secret or a recovery code crosses only on an explicit reveal
//! ([`accounts::reveal_secret`], [`accounts::account_qr`],
//! [`recovery::recovery_list`] with `reveal`, [`kit::kit_create`]). Copying
//! happens in Rust ([`accounts::copy_code`], [`recovery::recovery_use_next`]),
//! so the page never receives a code just to copy it.

pub mod accounts;
pub mod auto_backup;
pub mod backups;
pub mod guides;
pub mod health;
pub mod kit;
pub mod recovery;
pub mod session;
pub mod settings;
pub mod transfer;

pub use session::trace_startup;

use sparekey_core::{
    app::accounts::{self as core_accounts, Overview},
    list::ListSort,
    vault::Vault,
    Error,
};
use tauri::ipc::InvokeBody;

use crate::error::AppError;

/// The rows a page asks for at first (the page's own `PAGE`, in
/// `ui/views/accounts.js`): about two screens of the 700-pixel window. The
/// page asks for the next page whenever its end comes near the window, so a
/// taller window fills itself. Each row shown costs about 50 KiB in WebKit's
/// web process (docs/bench), so the list holds what is seen, not the vault.
pub const FIRST_PAGE: usize = 16;

/// The first page of the list and the settings: what create, unlock and
/// restore answer with.
fn overview(vault: &Vault) -> Result<Overview, AppError> {
    Ok(core_accounts::overview(
        vault,
        "",
        ListSort::Issuer,
        FIRST_PAGE,
    )?)
}

/// Runs `work` (a KDF, a restore: about a second) off the main thread.
/// `what` names it if the thread dies: "Unlocking stopped: …".
async fn blocking<T: Send + 'static>(
    what: &str,
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|error| AppError::internal(format!("{what} stopped: {error}")))?
        .map_err(AppError::from)
}

/// The bytes of a file the page sent as the raw request body, refusing
/// anything else and anything over `max` bytes; errors name `field` and, for
/// a file too large, say what to do (`too_large_hint`).
pub(crate) fn raw_body<'a>(
    request: &'a tauri::ipc::Request<'_>,
    field: &str,
    max: usize,
    too_large_hint: &str,
) -> Result<&'a [u8], AppError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::invalid(
            field,
            "was not sent as a file: choose the file again",
        ));
    };
    if bytes.len() > max {
        return Err(AppError::invalid(
            field,
            format!("is larger than {} MB: {too_large_hint}", max / 1024 / 1024),
        ));
    }
    Ok(bytes)
}
