//! 2FAS Authenticator's backup (`.2fas`), plain or password-encrypted.
//!
//! `{"services":[...],"groups":[...],"schemaVersion":4,...}`; a service has
//! `name`, `secret` and `otp{account, label, issuer, digits, period,
//! algorithm, counter, tokenType}`. Encrypted backups hold
//! `servicesEncrypted = b64(ciphertext+tag):b64(salt):b64(iv)`, the key
//! being PBKDF2-HMAC-SHA256(password, salt, 10,000 iterations, 256 bits)
//! and the cipher AES-GCM; the plaintext is the services array. The
//! iteration count is fixed by the format (not read from the file), so it
//! cannot be inflated by a hostile file.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{aes_gcm_open, json, Candidate, Entry, Format, Password, Read, Reads};
use crate::{
    otp::{parse_secret, Algorithm, Otp, OtpKind, DEFAULT_PERIOD},
    secret::{ExposeSecret, SecretString},
    Error, Result,
};

/// This format's id.
pub const ID: &str = "2fas";

/// 2FAS backup (plain or encrypted).
pub const FORMAT: Format = Format {
    id: ID,
    label: "2FAS Authenticator (.2fas backup, plain or encrypted)",
    password: Password::WhenEncrypted,
    reads: Reads::File,
    extensions: &["2fas", "json"],
    hint: "2FAS: Settings > 2FAS Backup > Export to file",
};

/// PBKDF2 iterations 2FAS uses (fixed by the format).
pub const PBKDF2_ITERATIONS: u32 = 10_000;
/// Newest schema version Sparekey reads.
pub const MAX_SCHEMA_VERSION: u64 = 4;

fn damaged(why: &str) -> Error {
    Error::invalid("import", format!("the 2FAS backup is damaged: {why}"))
}

/// True when the input is an encrypted 2FAS backup.
pub(crate) fn is_encrypted(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .is_some_and(|v| v.get("servicesEncrypted").is_some_and(Value::is_string))
}

pub(crate) fn read(sources: &[&[u8]], password: Option<&SecretString>) -> Result<Read> {
    let mut out = Read::default();
    for source in sources {
        let file = json::parse_value(source, "2FAS")?;
        let Some(obj) = file.as_object().filter(|o| o.contains_key("schemaVersion")) else {
            return Err(Error::invalid(
                "import",
                "this is not a 2FAS backup: it has no \"schemaVersion\"",
            ));
        };
        match obj.get("schemaVersion").and_then(Value::as_u64) {
            Some(v) if (1..=MAX_SCHEMA_VERSION).contains(&v) => {}
            Some(v) => {
                return Err(Error::invalid(
                    "import",
                    format!(
                        "unknown 2FAS backup schema version {v} (Sparekey reads 1 to \
                         {MAX_SCHEMA_VERSION}); update Sparekey"
                    ),
                ))
            }
            None => return Err(damaged("its schemaVersion is not a number")),
        }
        let services = json::Wiped(match obj.get("servicesEncrypted").and_then(Value::as_str) {
            Some(enc) => {
                let Some(password) = password else {
                    return Err(Error::invalid(
                        "password",
                        "this 2FAS backup is encrypted: give the password it was exported with",
                    ));
                };
                let plain = decrypt(enc, password)?;
                serde_json::from_slice(&plain)
                    .map_err(|_| damaged("its decrypted services are not JSON"))?
            }
            None => obj
                .get("services")
                .cloned()
                .ok_or_else(|| damaged("it has no services"))?,
        });
        let list = services
            .as_array()
            .ok_or_else(|| damaged("its services are not a list"))?;
        // Groups: `{id, name, ...}`, named by each service's `groupId`
        // (2FAS Android's BackupGroup and BackupService).
        let groups: Vec<(String, String)> = obj
            .get("groups")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|g| (json::text(g.get("id")), json::text(g.get("name"))))
                    .filter(|(id, name)| !id.is_empty() && !name.trim().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        for s in list {
            let mut e = entry(s);
            if let (Ok(c), Some(id)) = (&mut e.result, s.get("groupId").and_then(Value::as_str)) {
                match groups.iter().find(|(g, _)| g == id) {
                    Some((_, name)) => c.tags.push(name.clone()),
                    None => c
                        .notes
                        .push("names a group the backup does not define".into()),
                }
            }
            out.entries.push(e);
        }
    }
    Ok(out)
}

fn decrypt(enc: &str, password: &SecretString) -> Result<Zeroizing<Vec<u8>>> {
    let parts: Vec<&str> = enc.split(':').collect();
    let [data, salt, iv] = parts.as_slice() else {
        return Err(damaged(
            "servicesEncrypted does not have three parts (data:salt:iv)",
        ));
    };
    let b64 = |s: &str, what: &str| {
        data_encoding::BASE64
            .decode(s.trim().as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| {
                damaged(&format!(
                    "the {what} in servicesEncrypted is not valid base64"
                ))
            })
    };
    let data = b64(data, "data")?;
    let salt = b64(salt, "salt")?;
    let iv = b64(iv, "iv")?;
    if iv.len() != 12 || data.len() < 16 || salt.is_empty() {
        return Err(damaged("servicesEncrypted is truncated"));
    }
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
        password.expose_secret().as_bytes(),
        &salt,
        PBKDF2_ITERATIONS,
        key.as_mut(),
    );
    aes_gcm_open(key.as_ref(), &iv, &data).ok_or_else(|| {
        Error::invalid(
            "password",
            "wrong password: it does not open this 2FAS backup (or the backup is damaged)",
        )
    })
}

fn entry(s: &Value) -> Entry {
    let otp = s.get("otp").cloned().unwrap_or(Value::Null);
    let service_name = json::text(s.get("name"));
    let issuer = if service_name.trim().is_empty() {
        json::text(otp.get("issuer"))
    } else {
        service_name
    };
    let mut name = json::text(otp.get("account"));
    if name.trim().is_empty() {
        name = json::text(otp.get("label"));
    }
    let label = super::join_label(&issuer, &name);
    match candidate(s, &otp) {
        Ok(o) => Entry::ok(Candidate::new(&issuer, &name, o)),
        Err(why) => Entry::bad(label, why),
    }
}

fn candidate(s: &Value, otp: &Value) -> std::result::Result<Otp, String> {
    let token = otp
        .get("tokenType")
        .and_then(Value::as_str)
        .unwrap_or("TOTP")
        .to_ascii_uppercase();
    let period = || -> std::result::Result<u32, String> {
        match otp.get("period") {
            None | Some(Value::Null) => Ok(DEFAULT_PERIOD),
            Some(v) => json::number(v, "period"),
        }
    };
    let kind = match token.as_str() {
        "TOTP" => OtpKind::Totp { period: period()? },
        "STEAM" => OtpKind::Steam { period: period()? },
        "HOTP" => OtpKind::Hotp {
            counter: match otp.get("counter") {
                None | Some(Value::Null) => return Err("is HOTP but has no counter".into()),
                Some(v) => json::number(v, "counter")?,
            },
        },
        other => {
            let shown: String = other.chars().take(20).collect();
            return Err(format!("has an unsupported token type {shown:?}"));
        }
    };
    let algorithm = match otp.get("algorithm").and_then(Value::as_str) {
        None => Algorithm::Sha1,
        Some(a) if a.eq_ignore_ascii_case("md5") => {
            return Err("uses MD5, which Sparekey does not support".into())
        }
        Some(a) => a.parse().map_err(|e: Error| e.to_string())?,
    };
    let digits = match otp.get("digits") {
        None | Some(Value::Null) => 6,
        Some(v) => json::number(v, "digits")?,
    };
    let secret_text = Zeroizing::new(json::text(s.get("secret")));
    let secret = parse_secret(&secret_text).map_err(|e| e.to_string())?;
    Otp::new(kind, algorithm, digits, secret).map_err(|e| e.to_string())
}
