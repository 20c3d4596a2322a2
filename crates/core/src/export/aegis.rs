//! Writing an Aegis plain JSON export: file version 1, database version 3
//! (what current Aegis writes and reads; it also reads 1 and 2), with
//! `slots` and `params` null. Sparekey's `import::aegis` reads it back.

use serde_json::json;
use zeroize::Zeroizing;

use super::{no_secret, recovery_note, Exported};
use crate::{otp::OtpKind, secret::ExposeSecret, vault::Document};

/// The Aegis database version written.
pub const DB_VERSION: u64 = 3;

/// The vault's accounts with a 2FA secret as an Aegis plain JSON export.
/// Accounts without a secret are listed in `skipped`; tags and recovery
/// codes are not carried (said in `notes`).
pub fn aegis_json(doc: &Document) -> Exported {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for account in &doc.accounts {
        let Some(otp) = &account.otp else {
            skipped.push(no_secret(account));
            continue;
        };
        let secret = otp.secret_base32();
        let mut info = json!({
            "secret": secret.expose_secret(),
            "algo": otp.algorithm().as_str(),
            "digits": otp.digits(),
        });
        let kind = match otp.kind() {
            OtpKind::Totp { period } => {
                info["period"] = json!(period);
                "totp"
            }
            OtpKind::Steam { period } => {
                info["period"] = json!(period);
                "steam"
            }
            OtpKind::Hotp { counter } => {
                info["counter"] = json!(counter);
                "hotp"
            }
        };
        entries.push(json!({
            "type": kind,
            "uuid": uuid_of(&account.id),
            "name": account.name,
            "issuer": account.issuer,
            "note": account.note,
            "favorite": false,
            "icon": null,
            "info": info,
            "groups": [],
        }));
    }
    let exported = entries.len();
    let mut file = json!({
        "version": 1,
        "header": {"slots": null, "params": null},
        "db": {
            "version": DB_VERSION,
            "entries": entries,
            "groups": [],
            "icons_optimized": true,
        },
    });
    let content = Zeroizing::new(serde_json::to_string_pretty(&file).unwrap_or_default());
    crate::import::json::wipe(&mut file);
    let mut notes: Vec<String> = recovery_note(doc, "An Aegis export").into_iter().collect();
    if doc.accounts.iter().any(|a| !a.tags.is_empty()) {
        notes.push("tags are not exported to Aegis".into());
    }
    Exported {
        content,
        exported,
        skipped,
        notes,
    }
}

/// A UUID-shaped string from an account id (32 hex characters), so the same
/// account always gets the same Aegis uuid.
fn uuid_of(id: &str) -> String {
    let hex: String = id
        .chars()
        .filter(char::is_ascii_hexdigit)
        .chain(std::iter::repeat('0'))
        .take(32)
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
