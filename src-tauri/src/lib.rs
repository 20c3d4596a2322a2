//! Sparekey's desktop shell.
//!
//! This crate only translates: the web UI in `ui/` calls the commands in
//! [`commands`] over Tauri's IPC, the commands call `sparekey-core`, and
//! errors cross back as `{kind, message}` ([`error::AppError`]). Nothing here
//! knows how a vault is stored or how a code is computed. What differs
//! between Linux, macOS and Windows is in [`platform`], and nowhere else.

mod clipboard;
pub mod commands;
pub mod error;
pub mod ipc;
mod memory;
pub mod platform;
mod single_instance;
pub mod state;
pub mod tray;

use std::sync::Arc;
use std::time::Duration;

use tauri::Manager;

/// The label of the one window, as declared in `tauri.conf.json` and granted
/// in `capabilities/default.json`.
pub const MAIN_WINDOW: &str = "main";

/// Environment variable naming the vault folder (shared with the CLI).
pub const VAULT_DIR_ENV: &str = "SPAREKEY_VAULT_DIR";

/// Builds and runs the app until its last window closes, or, when another
/// app already has the vault open, asks that one to show its window and
/// returns at once.
///
/// # Panics
///
/// If the windowing system cannot be initialised (no display) or the
/// embedded configuration is invalid: there is nothing else to do then.
pub fn run() {
    platform::one_heap();
    platform::configure_webview();
    platform::disable_core_dumps();

    let paths = vault_paths();
    // First, so a second launch exits before anything else starts.
    let (held, bell) = match single_instance::claim(paths.dir()) {
        single_instance::Claim::Second(asked) => {
            let dir = paths.dir().display();
            match asked {
                single_instance::Asked::Shown => eprintln!(
                    "Sparekey is already open on {dir}; it was asked to show its window."
                ),
                single_instance::Asked::NoAnswer => eprintln!(
                    "Sparekey is already open on {dir}, but did not answer yet; look for its window."
                ),
                single_instance::Asked::CannotAsk => {
                    eprintln!("Sparekey is already open on {dir}; switch to its window.")
                }
            }
            return;
        }
        single_instance::Claim::First(held, bell) => (Some(held), Some(bell)),
        single_instance::Claim::Unchecked(reason) => {
            eprintln!(
                "Sparekey cannot check whether it is already open ({reason}); starting anyway."
            );
            (None, None)
        }
    };

    let app = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_opener::init())
        // Native save dialogs, opened from Rust only (the page has no dialog permission).
        .plugin(tauri_plugin_dialog::init())
        .manage(commands::backups::StagedBackup::default())
        .manage(state::AppState::new(
            paths,
            Arc::new(state::SuspendAwareClock),
        ))
        .setup(move |app| {
            if let Some(bell) = bell {
                let handle = app.handle().clone();
                if let Err(error) = single_instance::serve(bell, move || show_main_window(&handle))
                {
                    eprintln!(
                        "Sparekey cannot listen for a second launch ({error}); \
                         one on this vault would exit without showing this window."
                    );
                }
            }
            start_auto_lock(app.handle().clone());
            lock_on_sleep_or_screen_lock(app.handle().clone());
            tray::install(app.handle());
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                if tray::close_hides(window.app_handle()) {
                    api.prevent_close();
                    let _ = window.hide();
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::app_version,
            commands::session::vault_status,
            commands::session::create_vault,
            commands::session::unlock,
            commands::session::lock,
            commands::session::take_merge_notes,
            commands::session::touch,
            commands::accounts::list_accounts,
            commands::accounts::account_summary,
            commands::accounts::account_choices,
            commands::accounts::codes,
            commands::accounts::copy_code,
            commands::accounts::add_account,
            commands::accounts::add_from_qr,
            commands::accounts::scan_screen,
            commands::accounts::update_account,
            commands::accounts::delete_account,
            commands::accounts::reveal_secret,
            commands::accounts::account_qr,
            commands::recovery::recovery_list,
            commands::recovery::recovery_save,
            commands::recovery::recovery_use_next,
            commands::recovery::recovery_unuse,
            commands::settings::save_settings,
            commands::session::change_passphrase,
            // Guides, lockout, emergency kit, backups.
            commands::guides::guides_list,
            commands::guides::guide_view,
            commands::guides::account_guide,
            commands::guides::guide_accounts,
            commands::guides::guide_check,
            commands::guides::guide_uncheck,
            commands::guides::clock_status,
            commands::guides::recovery_request_form,
            commands::guides::recovery_request,
            commands::guides::copy_recovery_request,
            commands::auto_backup::auto_backup_status,
            commands::auto_backup::set_auto_backup,
            commands::auto_backup::choose_backup_folder,
            commands::kit::kit_status,
            commands::kit::kit_create,
            commands::kit::kit_commit,
            commands::kit::kit_discard,
            commands::kit::kit_verify,
            commands::kit::kit_save,
            commands::kit::unlock_with_kit,
            commands::kit::unlock_with_kit_image,
            commands::kit::kit_set_passphrase,
            commands::backups::backups_inspect,
            commands::backups::backups_restore,
            commands::backups::stage_backup_file,
            commands::backups::restore_exported_backup,
            // Import, export, health.
            commands::transfer::import_formats,
            commands::transfer::import_begin,
            commands::transfer::import_add,
            commands::transfer::import_preview,
            commands::transfer::import_confirm,
            commands::transfer::import_cancel,
            commands::transfer::export_formats,
            commands::transfer::export_save,
            commands::health::health_report,
            commands::health::health_counts,
            commands::ways::ways_view,
            commands::ways::ways_save,
            commands::ways::ways_check_phone,
            commands::ways::ways_check_sheet,
            commands::ways::account_set_tags,
            commands::ways::account_set_pinned,
            commands::ways::recovery_graph,
        ])
        .build(tauri::generate_context!());

    match app {
        // The lock is held by this closure, which lives as long as the app.
        Ok(app) => app.run(move |handle, event| {
            if let tauri::RunEvent::Exit = event {
                clipboard::clear_ours(handle);
                if let Some(held) = &held {
                    held.release();
                }
            }
        }),
        Err(error) => panic!("Sparekey could not start: {error}"),
    }
}

/// The vault folder: `SPAREKEY_VAULT_DIR`, else the platform data folder.
fn vault_paths() -> sparekey_core::vault::store::VaultPaths {
    match sparekey_core::vault::store::VaultPaths::resolve(None) {
        Ok(paths) => paths,
        Err(error) => panic!("Sparekey cannot find a folder for its vault: {error}"),
    }
}

/// Checks the idle timer every second and locks the vault when the
/// auto-lock delay has passed, whether or not the window is visible. The
/// page notices on its next call (the `locked` error).
fn start_auto_lock<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        if app.state::<state::AppState>().lock_if_idle() {
            clipboard::clear_ours(&app);
        }
    });
}

/// Locks the vault (and clears a code Sparekey copied) before the system
/// sleeps and when the screen locks, where the system says so (see
/// [`platform::on_sleep_or_lock`]).
fn lock_on_sleep_or_screen_lock<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    platform::on_sleep_or_lock(Box::new(move || {
        lock_now(&app);
    }));
}

/// Locks the vault and takes a code this app copied off the clipboard: the
/// Lock button, the tray's Lock, and a sleep or screen lock. The page finds
/// out on its next call (within a second: it refreshes the codes).
pub(crate) fn lock_now<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    app.state::<state::AppState>().lock();
    clipboard::clear_ours(app);
}

/// Brings the window forward (for a second launch on the same vault). Best
/// effort: the window manager may refuse focus.
fn show_main_window<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
