//! Bitwarden's unencrypted JSON export: `items[].login.totp` holds an
//! otpauth URI, a bare base32 secret or `steam://SECRET`. Items without a
//! TOTP (plain logins, notes, cards) are counted in a note of the preview,
//! not listed one by one. Encrypted exports are refused with what to do.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, Candidate, Entry, Format, Password, Read, Reads};
use crate::{
    otp::{self, parse_secret, Algorithm, Otp, OtpKind, DEFAULT_PERIOD},
    Error, Result,
};

/// This format's id.
pub const ID: &str = "bitwarden";

/// Bitwarden JSON export (unencrypted).
pub const FORMAT: Format = Format {
    id: ID,
    label: "Bitwarden (JSON export, unencrypted)",
    password: Password::Never,
    reads: Reads::File,
    extensions: &["json"],
    hint: "Bitwarden: Tools > Export vault > File format: .json",
};

pub(crate) fn read(sources: &[&[u8]]) -> Result<Read> {
    let mut out = Read::default();
    let mut without_totp = 0usize;
    for source in sources {
        let file = json::parse_value(source, "Bitwarden")?;
        if file.get("encrypted").and_then(Value::as_bool) == Some(true) {
            return Err(Error::invalid(
                "import",
                "this Bitwarden export is encrypted, which Sparekey cannot read: export again \
                 choosing the .json format (not \"encrypted\")",
            ));
        }
        let items = file.get("items").and_then(Value::as_array).ok_or_else(|| {
            Error::invalid(
                "import",
                "this is not a Bitwarden JSON export: it has no \"items\" list",
            )
        })?;
        for item in items {
            let totp = item
                .get("login")
                .and_then(|l| l.get("totp"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty());
            match totp {
                Some(totp) => out
                    .entries
                    .push(entry(item, &Zeroizing::new(totp.to_owned()))),
                None => without_totp += 1,
            }
        }
    }
    if without_totp > 0 {
        let items = if without_totp == 1 {
            "1 Bitwarden item has".to_owned()
        } else {
            format!("{without_totp} Bitwarden items have")
        };
        out.notes.push(format!(
            "{items} no TOTP secret (plain logins, notes, cards) and {} not part of this import",
            if without_totp == 1 { "is" } else { "are" }
        ));
    }
    Ok(out)
}

fn entry(item: &Value, totp: &str) -> Entry {
    let item_name = json::text(item.get("name"));
    let username = json::text(item.get("login").and_then(|l| l.get("username")));
    let lower = totp.get(..10).unwrap_or(totp).to_ascii_lowercase();
    let result = if lower.starts_with("otpauth://") || lower.starts_with("steam://") {
        otp::parse_uri(totp)
            .map(|parsed| {
                let steam_uri = lower.starts_with("steam://");
                let mut c = Candidate::from_uri(parsed);
                if steam_uri {
                    c.notes.clear();
                    c.issuer = item_name.trim().to_owned();
                }
                if c.issuer.is_empty() {
                    c.issuer = item_name.trim().to_owned();
                }
                if c.name.is_empty() {
                    c.name = username.trim().to_owned();
                }
                c
            })
            .map_err(|e| e.to_string())
    } else {
        parse_secret(totp)
            .and_then(|secret| {
                Otp::new(
                    OtpKind::Totp {
                        period: DEFAULT_PERIOD,
                    },
                    Algorithm::Sha1,
                    6,
                    secret,
                )
            })
            .map(|otp| Candidate::new(&item_name, &username, otp))
            .map_err(|e| e.to_string())
    };
    match result {
        Ok(c) => Entry::ok(c),
        Err(why) => Entry::bad(super::join_label(&item_name, &username), why),
    }
}
