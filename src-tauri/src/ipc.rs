//! What every command does with IPC: heavy work off the main thread, and
//! files the page sends as a raw request body.

use sparekey_core::Error;
use tauri::ipc::InvokeBody;

use crate::error::AppError;

/// Runs `work` (a KDF, a restore: about a second) off the main thread.
/// `what` names it if the thread dies: "Unlocking stopped: …".
pub async fn blocking<T: Send + 'static>(
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
