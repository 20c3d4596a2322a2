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
        "account_summary",
        "account_choices",
        "codes",
        "copy_code",
        "add_account",
        "add_from_qr",
        "scan_screen",
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
        // Guides, lockout, emergency kit, backups.
        "guides_list",
        "guide_view",
        "account_guide",
        "guide_accounts",
        "guide_check",
        "guide_uncheck",
        "clock_status",
        "recovery_request_form",
        "recovery_request",
        "copy_recovery_request",
        "auto_backup_status",
        "set_auto_backup",
        "choose_backup_folder",
        "kit_status",
        "kit_create",
        "kit_verify",
        "kit_save",
        "unlock_with_kit",
        "unlock_with_kit_image",
        "kit_set_passphrase",
        "backups_inspect",
        "backups_restore",
        "stage_backup_file",
        "restore_exported_backup",
        // Import, export, health.
        "import_formats",
        "import_begin",
        "import_add",
        "import_preview",
        "import_confirm",
        "import_cancel",
        "export_formats",
        "export_save",
        "health_report",
        "health_counts",
    ]);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; the message names the cause.
        panic!("tauri-build failed: {error:#}");
    }
}
