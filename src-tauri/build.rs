//! Generates Tauri's context and the app's own command permissions
//! (`allow-app-version`, …) so capabilities can grant exactly these commands.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_version",
        "vault_status",
        "create_vault",
        "unlock",
        "lock",
        "touch",
        "list_accounts",
        "codes",
        "copy_code",
        "add_account",
        "add_from_qr",
        "update_account",
        "delete_account",
        "reveal_secret",
        "account_qr",
        "recovery_list",
        "recovery_save",
        "recovery_use_next",
        "recovery_unuse",
        "save_settings",
        "change_passphrase",
    ]);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message names the cause.
        panic!("tauri-build failed: {error:#}");
    }
}
