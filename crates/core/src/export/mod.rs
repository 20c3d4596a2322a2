//! Exporting the vault: to other authenticators, to paper, and as a
//! portable encrypted backup.
//!
//! - [`otpauth_list`]: one `otpauth://` URI per line (plaintext!).
//! - [`aegis::aegis_json`]: an Aegis plain JSON export (plaintext!).
//! - [`qr_svg`], [`qr_png`], [`html::qr_page`]: a QR code per account and a
//!   printable, self-contained HTML page of them (plaintext!).
//! - [`backup::backup_vault`] and [`backup::restore`]: one age file
//!   (passphrase, scrypt) holding the whole vault document, readable with
//!   `age -d backup.age` and restorable by Sparekey on another machine.
//! - [`html::recovery_sheet`]: a printable sheet of an account's recovery
//!   codes.
//!
//! [`EXPORT_FORMATS`] describes each export as data for front ends. Every
//! export says what it left out (accounts without a 2FA secret, recovery
//! codes in formats that have no place for them) in [`Exported::skipped`]
//! and [`Exported::notes`]; nothing is dropped silently.

use serde::Serialize;
use zeroize::Zeroizing;

use crate::{account::Account, otp, secret::ExposeSecret, vault::Document, Result};

pub mod aegis;
pub mod backup;
pub mod html;

/// An export format, described as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ExportFormat {
    /// Stable identifier, as the CLI's `--format` takes it.
    pub id: &'static str,
    /// Human name.
    pub label: &'static str,
    /// True when the output holds secrets in the clear (warn, confirm).
    pub plaintext: bool,
    /// True when it exports one account (the front end asks which).
    pub per_account: bool,
    /// Usual file extension (without a dot).
    pub extension: &'static str,
}

/// Every export format.
pub const EXPORT_FORMATS: &[ExportFormat] = &[
    ExportFormat {
        id: "backup",
        label:
            "Encrypted backup (age file with a passphrase; restore with Sparekey or read with age)",
        plaintext: false,
        per_account: false,
        extension: "age",
    },
    ExportFormat {
        id: "otpauth",
        label: "otpauth URI list (plaintext)",
        plaintext: true,
        per_account: false,
        extension: "txt",
    },
    ExportFormat {
        id: "aegis",
        label: "Aegis JSON (plain, unencrypted)",
        plaintext: true,
        per_account: false,
        extension: "json",
    },
    ExportFormat {
        id: "qr-html",
        label: "Printable page of QR codes (HTML, plaintext)",
        plaintext: true,
        per_account: false,
        extension: "html",
    },
    ExportFormat {
        id: "qr-svg",
        label: "QR code of one account (SVG)",
        plaintext: true,
        per_account: true,
        extension: "svg",
    },
    ExportFormat {
        id: "qr-png",
        label: "QR code of one account (PNG)",
        plaintext: true,
        per_account: true,
        extension: "png",
    },
    ExportFormat {
        id: "recovery-sheet",
        label: "Printable recovery-code sheet of one account (HTML, plaintext)",
        plaintext: true,
        per_account: true,
        extension: "html",
    },
];

/// The export format with this id, or an error listing the ids.
pub fn export_format(id: &str) -> Result<&'static ExportFormat> {
    EXPORT_FORMATS.iter().find(|f| f.id == id).ok_or_else(|| {
        crate::Error::invalid(
            "export format",
            format!(
                "{id:?} is not known; use one of: {}",
                EXPORT_FORMATS
                    .iter()
                    .map(|f| f.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// An account an export left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// The account's `issuer:name`.
    pub label: String,
    /// The account as a screen names it: `issuer (name)`.
    pub display: String,
    /// Why it was left out.
    pub reason: String,
}

/// An export's content and what it left out. The content holds secrets and
/// is wiped on drop; `Debug` does not show it.
pub struct Exported {
    /// The exported text.
    pub content: Zeroizing<String>,
    /// Number of accounts exported.
    pub exported: usize,
    /// Accounts left out, with why.
    pub skipped: Vec<Skipped>,
    /// What the format does not carry (e.g. recovery codes).
    pub notes: Vec<String>,
}

impl std::fmt::Debug for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exported")
            .field("exported", &self.exported)
            .field("skipped", &self.skipped)
            .field("notes", &self.notes)
            .finish_non_exhaustive()
    }
}

pub(crate) fn no_secret(account: &Account) -> Skipped {
    Skipped {
        label: account.label(),
        display: account.display_name(),
        reason: "has no 2FA secret (only recovery codes or notes)".into(),
    }
}

pub(crate) fn recovery_note(doc: &Document, format: &str) -> Option<String> {
    let with_codes = doc
        .accounts
        .iter()
        .filter(|a| !a.recovery.is_empty())
        .count();
    (with_codes > 0).then(|| {
        let accounts = if with_codes == 1 {
            "1 account is".to_owned()
        } else {
            format!("{with_codes} accounts are")
        };
        format!(
            "{format} has no place for recovery codes: the codes of {accounts} not in it (use \
             the encrypted backup, or a recovery sheet per account)"
        )
    })
}

/// Every account with a 2FA secret as an `otpauth://` URI, one per line.
/// Accounts without a secret are listed in `skipped`.
pub fn otpauth_list(doc: &Document) -> Exported {
    let mut content = Zeroizing::new(String::new());
    let mut skipped = Vec::new();
    let mut exported = 0;
    for account in &doc.accounts {
        match &account.otp {
            Some(o) => {
                let uri = otp::to_uri(&account.issuer, &account.name, o);
                content.reserve(uri.expose_secret().len() + 1);
                content.push_str(uri.expose_secret());
                content.push('\n');
                exported += 1;
            }
            None => skipped.push(no_secret(account)),
        }
    }
    Exported {
        content,
        exported,
        skipped,
        notes: recovery_note(doc, "An otpauth list").into_iter().collect(),
    }
}

/// An SVG QR code of the account's `otpauth://` URI.
pub fn qr_svg(account: &Account) -> Result<Zeroizing<String>> {
    let otp = account.otp()?;
    let uri = otp::to_uri(&account.issuer, &account.name, otp);
    crate::qr::to_svg(uri.expose_secret())
}

/// A PNG QR code of the account's `otpauth://` URI, `scale` pixels per module.
pub fn qr_png(account: &Account, scale: u32) -> Result<Zeroizing<Vec<u8>>> {
    let otp = account.otp()?;
    let uri = otp::to_uri(&account.issuer, &account.name, otp);
    crate::qr::to_png(uri.expose_secret(), scale).map(Zeroizing::new)
}
