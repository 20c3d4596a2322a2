//! Moving accounts out and in: exports in every format (one dispatch for
//! every front end), the backup passphrase rule, making a vault from an
//! exported backup, and the import preview (see [`crate::import`]).

use std::path::Path;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::{
    export::{self, backup, ExportFormat, Exported, Skipped},
    secret::{check_new_passphrase, ExposeSecret, SecretString},
    time,
    vault::{Vault, VaultPaths},
    Error, Result,
};

pub use crate::import::{apply, format as import_format, is_encrypted, preview, Applied, Preview};

/// The field name a backup passphrase error carries.
pub const BACKUP_PASSPHRASE: &str = "backup passphrase";

/// The rule for an exported backup's passphrase: the vault passphrase's rule
/// ([`check_new_passphrase`]), and the two typings must match (`again` is
/// `None` where it was typed once, e.g. read from a file).
pub fn check_backup_passphrase(first: &SecretString, again: Option<&str>) -> Result<()> {
    check_new_passphrase(first).map_err(|e| match e {
        Error::InvalidInput { reason, .. } => Error::invalid(BACKUP_PASSPHRASE, reason),
        other => other,
    })?;
    if again.is_some_and(|again| again != first.expose_secret()) {
        return Err(Error::invalid(
            "backup passphrase again",
            "differs from the first: type the same passphrase twice",
        ));
    }
    Ok(())
}

/// What to export.
pub struct ExportRequest<'a> {
    /// The format.
    pub format: &'static ExportFormat,
    /// For per-account formats: the account's id.
    pub account_id: Option<&'a str>,
    /// For the encrypted backup: its passphrase (checked with
    /// [`check_backup_passphrase`]), scrypt work factor and ASCII armor.
    pub backup: Option<BackupOptions<'a>>,
    /// The person confirmed that a plaintext format may be written.
    pub plaintext_confirmed: bool,
    /// Pixels per QR module, for PNG.
    pub png_scale: u32,
}

/// How an exported backup is encrypted.
pub struct BackupOptions<'a> {
    /// Its passphrase.
    pub passphrase: &'a SecretString,
    /// scrypt work factor (age's own choice when `None`).
    pub work_factor: Option<u8>,
    /// ASCII-armored (printable) instead of binary.
    pub armor: bool,
}

/// An export, ready to write. No `Debug`: it holds secrets.
pub struct Export {
    /// The file's content.
    pub bytes: Zeroizing<Vec<u8>>,
    /// For whole-vault formats: how many accounts went in, which did not
    /// and why, what the format cannot carry.
    pub report: Option<ExportReport>,
}

/// What a whole-vault export held.
#[derive(Debug, Default, Serialize)]
pub struct ExportReport {
    /// Accounts written.
    pub exported: usize,
    /// Accounts left out, with why.
    pub skipped: Vec<Skipped>,
    /// What the format does not carry.
    pub notes: Vec<String>,
}

fn text(e: Exported) -> Export {
    Export {
        bytes: Zeroizing::new(e.content.as_bytes().to_vec()),
        report: Some(ExportReport {
            exported: e.exported,
            skipped: e.skipped.clone(),
            notes: e.notes.clone(),
        }),
    }
}

fn bytes(b: Zeroizing<Vec<u8>>) -> Export {
    Export {
        bytes: b,
        report: None,
    }
}

/// Renders an export of the vault (or of one account). Refuses a
/// plaintext format that was not confirmed ([`Error::NeedsConfirmation`]),
/// a per-account format without an account, and a backup without a valid
/// passphrase. Nothing is written: see [`save`].
pub fn render(vault: &Vault, request: &ExportRequest<'_>) -> Result<Export> {
    let format = request.format;
    if format.plaintext && !request.plaintext_confirmed {
        return Err(Error::NeedsConfirmation {
            what: format.label.to_owned(),
        });
    }
    let account = match (request.account_id, format.per_account) {
        (Some(id), true) if !id.is_empty() => Some(vault.doc().account(id)?),
        (_, true) => {
            return Err(Error::invalid(
                "account",
                format!("is needed: {} exports one account", format.label),
            ))
        }
        (_, false) => None,
    };
    let account = || account.ok_or_else(|| Error::invalid("account", "is missing"));
    let now = time::now();
    Ok(match format.id {
        "backup" => {
            let options = request
                .backup
                .as_ref()
                .ok_or_else(|| Error::invalid(BACKUP_PASSPHRASE, "is missing"))?;
            check_backup_passphrase(options.passphrase, None)?;
            bytes(Zeroizing::new(backup::backup_vault(
                vault,
                options.passphrase,
                options.work_factor,
                options.armor,
                now,
            )?))
        }
        "otpauth" => text(export::otpauth_list(vault.doc())),
        "aegis" => text(export::aegis::aegis_json(vault.doc())),
        "qr-html" => text(export::html::qr_page(vault.doc(), now)?),
        "qr-svg" => bytes(Zeroizing::new(
            export::qr_svg(account()?)?.as_bytes().to_vec(),
        )),
        "qr-png" => bytes(export::qr_png(account()?, request.png_scale)?),
        "recovery-sheet" => bytes(Zeroizing::new(
            export::html::recovery_sheet(account()?, now)?
                .as_bytes()
                .to_vec(),
        )),
        other => {
            return Err(Error::invalid(
                "export format",
                format!("{other} has no writer"),
            ))
        }
    })
}

/// Writes a rendered export to `path` (a private file; see
/// [`crate::fs::write_private`]) and, for a backup, records the time in the
/// vault: only a backup safely on disk counts for the guides and health.
pub fn save(
    vault: &mut Vault,
    format: &ExportFormat,
    export: &Export,
    path: &Path,
    existing: crate::fs::Existing,
) -> Result<()> {
    crate::fs::write_private(path, &export.bytes, existing)?;
    written(vault, format)
}

/// Records that an export of `format` reached its destination (a file, or
/// standard output that a script redirected).
pub fn written(vault: &mut Vault, format: &ExportFormat) -> Result<()> {
    if format.id == "backup" {
        backup::record_backup_written(vault, time::now())?;
    }
    Ok(())
}

/// A plain file name for an export: `sparekey-backup-2026-11-23.age`,
/// `sparekey-qr-PyPI-alice.svg`…
pub fn default_file_name(format: &ExportFormat, label: Option<&str>, now: i64) -> String {
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

/// How many accounts an exported backup holds, checking its passphrase
/// before anything else is asked. A wrong one is
/// [`Error::WrongBackupPassphrase`]: it is the passphrase chosen at export,
/// not necessarily the vault's.
pub fn inspect_exported(bytes: &[u8], passphrase: &SecretString, file: &Path) -> Result<usize> {
    backup::read_backup(bytes, passphrase, file)
        .map(|doc| doc.accounts.len())
        .map_err(|e| backup_error(e, file))
}

/// Makes a new vault in `paths` from an exported backup, protected by
/// `new_passphrase`. Never overwrites a vault.
pub fn restore_exported(
    paths: &VaultPaths,
    bytes: &[u8],
    backup_passphrase: &SecretString,
    file: &Path,
    new_passphrase: &SecretString,
    work_factor: Option<u8>,
) -> Result<Vault> {
    super::session::require_no_vault(paths)?;
    check_new_passphrase(new_passphrase)?;
    backup::restore(
        bytes,
        backup_passphrase,
        file,
        paths.dir(),
        new_passphrase,
        work_factor,
    )
    .map_err(|e| backup_error(e, file))
}

fn backup_error(error: Error, file: &Path) -> Error {
    match error {
        Error::WrongPassphrase => Error::WrongBackupPassphrase {
            file: file.to_owned(),
        },
        other => other,
    }
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
    fn a_backup_passphrase_follows_the_vault_passphrase_rule() {
        let spaces = SecretString::from(" ".repeat(8));
        let error = check_backup_passphrase(&spaces, None).unwrap_err();
        assert!(matches!(&error, Error::InvalidInput { field, .. } if field == BACKUP_PASSPHRASE));
        let short = SecretString::from("short".to_owned());
        assert!(check_backup_passphrase(&short, None).is_err());
        let good = SecretString::from("long enough words".to_owned());
        assert!(check_backup_passphrase(&good, None).is_ok());
        let error = check_backup_passphrase(&good, Some("other words")).unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field, .. } if field == "backup passphrase again")
        );
    }
}
