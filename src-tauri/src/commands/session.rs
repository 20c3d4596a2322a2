//! Where the app stands (create, unlock or the main screen), creating and
//! unlocking the vault, locking it, and changing its passphrase.

use serde::Serialize;
use sparekey_core::{
    app::{
        accounts::{self, Overview},
        session::{self, Opener},
    },
    list::ListSort,
    secret::SecretString,
    vault::Vault,
};
use tauri::{AppHandle, Runtime, State};

use crate::{error::AppError, ipc::blocking, state::AppState};

/// The app's version, as shown in the UI (the workspace version).
#[tauri::command]
pub fn app_version() -> Result<String, AppError> {
    Ok(env!("CARGO_PKG_VERSION").to_owned())
}

/// Whether a vault exists and whether it is unlocked.
#[derive(Debug, Serialize)]
pub struct Status {
    /// A vault exists in the folder.
    pub exists: bool,
    /// The vault is unlocked in this app.
    pub unlocked: bool,
    /// The vault folder, to show the user.
    pub dir: String,
}

/// Where the app stands: the UI shows the create, unlock or main screen.
#[tauri::command]
pub fn vault_status(state: State<'_, AppState>) -> Status {
    trace_startup();
    Status {
        exists: state.paths().exists(),
        unlocked: state.is_unlocked(),
        dir: state.paths().dir().display().to_string(),
    }
}

/// True when `SPAREKEY_TRACE_STARTUP` is set: then the app prints timings
/// (never data) to standard error for `scripts/bench`.
fn tracing() -> bool {
    std::env::var_os("SPAREKEY_TRACE_STARTUP").is_some()
}

/// With `SPAREKEY_TRACE_STARTUP` set, the first `vault_status` call prints
/// the wall-clock time to standard error. The page makes that call once its
/// scripts have run and draws its first screen from the answer, so
/// `scripts/bench` can time a cold start to the first screen without
/// WebDriver (which delays the page by a few hundred milliseconds). The
/// `empty_page` example calls it when its page is requested, for the same
/// measurement of the floor. Only the first call prints.
pub fn trace_startup() {
    static TRACED: std::sync::Once = std::sync::Once::new();
    if tracing() {
        TRACED.call_once(|| {
            let since_epoch = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            eprintln!(
                "sparekey startup-trace: first screen requested at {:.1} ms",
                since_epoch.as_secs_f64() * 1000.0
            );
        });
    }
}

/// The rows a page asks for at first (the page's own `PAGE`, in
/// `ui/views/accounts.js`): about two screens of the 700-pixel window. The
/// page asks for the next page whenever its end comes near the window, so a
/// taller window fills itself. Each row shown costs about 50 KiB in WebKit's
/// web process (docs/bench), so the list holds what is seen, not the vault.
pub const FIRST_PAGE: usize = 16;

/// The first page of the list and the settings: what create, unlock and
/// restore answer with.
pub(super) fn overview(vault: &Vault) -> Result<Overview, AppError> {
    Ok(accounts::overview(
        vault,
        "",
        "",
        ListSort::Issuer,
        FIRST_PAGE,
    )?)
}

/// Keeps `vault` as the unlocked one and answers with its first page.
pub(super) fn enter(state: &AppState, vault: Vault) -> Result<Overview, AppError> {
    let out = overview(&vault)?;
    state.set_unlocked(vault);
    Ok(out)
}

/// Creates a new vault with `passphrase` (core's passphrase rule) and
/// unlocks it. The KDF takes about a second, so it runs off the main thread.
#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Overview, AppError> {
    let passphrase = SecretString::from(passphrase);
    let paths = state.paths().clone();
    let vault = blocking("Creating the vault", move || {
        session::create(&paths, &passphrase, None)
    })
    .await?;
    enter(&state, vault)
}

/// Unlocks the vault with `passphrase` (off the main thread: the KDF takes
/// about a second).
#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, passphrase: String) -> Result<Overview, AppError> {
    let opener = Opener::Passphrase(SecretString::from(passphrase));
    let paths = state.paths().clone();
    let started = std::time::Instant::now();
    let (kdf, vault) = blocking("Unlocking", move || {
        let key = session::key(&paths, &opener)?;
        let kdf = started.elapsed();
        Vault::open(paths.dir(), key).map(|vault| (kdf, vault))
    })
    .await?;
    let out = enter(&state, vault);
    if tracing() {
        eprintln!(
            "sparekey startup-trace: unlock took {:.1} ms in Rust, the key (KDF) {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0,
            kdf.as_secs_f64() * 1000.0
        );
    }
    out
}

/// Locks: drops the decrypted vault from memory and takes a code this app
/// copied off the clipboard.
#[tauri::command]
pub fn lock<R: Runtime>(app: AppHandle<R>) {
    crate::lock_now(&app);
}

/// What the last changes merged from a sync tool's conflict copies, once:
/// the page shows it after a change.
#[tauri::command]
pub fn take_merge_notes(state: State<'_, AppState>) -> Vec<session::MergeNote> {
    state.take_merge_notes()
}

/// Records user activity (keys, clicks) for the auto-lock timer.
#[tauri::command]
pub fn touch(state: State<'_, AppState>) {
    state.touch();
}

/// Changes the passphrase after checking the current one (both KDF runs are
/// off the main thread).
#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let current = SecretString::from(current);
    let new = SecretString::from(new);
    if !state.is_unlocked() {
        return Err(AppError::locked());
    }
    state.touch();
    let paths = state.paths().clone();
    blocking("Changing the passphrase", move || {
        session::change_passphrase_checked(&paths, &current, &new, None)
    })
    .await
}
