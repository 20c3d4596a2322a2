//! andOTP's plain JSON backup: an array of `{secret (padded base32),
//! issuer, label, digits, type (TOTP/HOTP/STEAM/MOTP), algorithm,
//! period|counter, tags}`; the tags become Sparekey tags. Encrypted andOTP backups (`.json.aes`) are not
//! read: export a plain backup from andOTP instead.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{json, Candidate, Entry, Format, Password, Read, Reads};
use crate::{
    otp::{parse_secret, Algorithm, Otp, OtpKind, DEFAULT_PERIOD},
    Error, Result,
};

/// This format's id.
pub const ID: &str = "andotp";

/// andOTP plain JSON backup.
pub const FORMAT: Format = Format {
    id: ID,
    label: "andOTP (plain JSON backup)",
    password: Password::Never,
    reads: Reads::File,
    extensions: &["json"],
    hint: "andOTP: Backups > Backup (plain-text)",
};

pub(crate) fn read(sources: &[&[u8]]) -> Result<Read> {
    let mut out = Read::default();
    for source in sources {
        let file = json::parse_value(source, "andOTP").map_err(|e| {
            if source.len() > 12 && !source.starts_with(b"[") && !source.starts_with(b"{") {
                Error::invalid(
                    "import",
                    "this is not a plain andOTP backup (an encrypted .json.aes backup cannot be \
                     read: make a plain-text backup in andOTP)",
                )
            } else {
                e
            }
        })?;
        let list = file.as_array().ok_or_else(|| {
            Error::invalid(
                "import",
                "this is not an andOTP backup: expected a JSON list of entries",
            )
        })?;
        for e in list {
            let issuer = json::text(e.get("issuer"));
            let name = json::text(e.get("label"));
            let label = super::join_label(&issuer, &name);
            out.entries.push(match candidate(e) {
                Ok(otp) => {
                    let mut c = Candidate::new(&issuer, &name, otp);
                    if let Some(tags) = e.get("tags").and_then(Value::as_array) {
                        c.tags = tags
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect();
                    }
                    Entry::ok(c)
                }
                Err(why) => Entry::bad(label, why),
            });
        }
    }
    Ok(out)
}

fn candidate(e: &Value) -> std::result::Result<Otp, String> {
    if !e.is_object() {
        return Err("is not a JSON object".into());
    }
    let kind = e
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("TOTP")
        .to_ascii_uppercase();
    let period = || -> std::result::Result<u32, String> {
        e.get("period")
            .map_or(Ok(DEFAULT_PERIOD), |v| json::number(v, "period"))
    };
    let kind = match kind.as_str() {
        "TOTP" => OtpKind::Totp { period: period()? },
        "STEAM" => OtpKind::Steam { period: period()? },
        "HOTP" => OtpKind::Hotp {
            counter: json::number(
                e.get("counter").ok_or("is HOTP but has no counter")?,
                "counter",
            )?,
        },
        "MOTP" => {
            return Err("is a mOTP (Mobile-OTP) entry, which Sparekey does not support".into())
        }
        other => {
            let shown: String = other.chars().take(20).collect();
            return Err(format!("has an unknown type {shown:?}"));
        }
    };
    let algorithm = match e.get("algorithm").and_then(Value::as_str) {
        None => Algorithm::Sha1,
        Some(a) => a.parse().map_err(|e: Error| e.to_string())?,
    };
    let digits = e
        .get("digits")
        .map_or(Ok(6), |v| json::number(v, "digits"))?;
    let secret_text = Zeroizing::new(json::text(e.get("secret")));
    let secret = parse_secret(&secret_text).map_err(|e| e.to_string())?;
    Otp::new(kind, algorithm, digits, secret).map_err(|e| e.to_string())
}
