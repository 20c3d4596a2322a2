//! Aegis Authenticator's JSON export, plain or password-encrypted.
//!
//! `{"version":1,"header":{"slots":...,"params":...},"db":...}`. A plain
//! export has `db` as an object; an encrypted one has `db` as base64
//! AES-256-GCM ciphertext, and each password slot wraps the master key with
//! a key from scrypt(password, salt, n, r, p). The scrypt parameters come
//! from the file, so they are capped: n at most 2^20, r at most 32, p at
//! most 16 (Aegis writes 2^15, 8, 1). The database (`db.version` 1 to 3)
//! holds `entries` of type totp, hotp and steam; motp and yandex entries are
//! listed as not importable.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{aes_gcm_open, json, Candidate, Entry, Format, Password, Read, Reads};
use crate::{
    otp::{parse_secret, Algorithm, Otp, OtpKind, DEFAULT_PERIOD},
    secret::{ExposeSecret, SecretString},
    Error, Result,
};

/// This format's id.
pub const ID: &str = "aegis";

/// Aegis JSON export (plain or encrypted).
pub const FORMAT: Format = Format {
    id: ID,
    label: "Aegis (JSON, plain or password-encrypted)",
    password: Password::WhenEncrypted,
    reads: Reads::File,
    extensions: &["json"],
    hint: "Aegis: Settings > Import & Export > Export (JSON)",
};

/// Largest scrypt N accepted from a file (2^20).
pub const MAX_SCRYPT_N: u64 = 1 << 20;

/// Most password slots an export may have. Aegis writes one (other slots
/// are fingerprint keys); each costs a full scrypt run, so a hostile file
/// with hundreds of maximal slots would run for many minutes.
pub const MAX_PASSWORD_SLOTS: usize = 4;
/// Largest scrypt r accepted from a file.
pub const MAX_SCRYPT_R: u64 = 32;
/// Largest scrypt p accepted from a file.
pub const MAX_SCRYPT_P: u64 = 16;
/// Newest Aegis database version Sparekey reads.
pub const MAX_DB_VERSION: u64 = 3;

fn not_aegis(why: &str) -> Error {
    Error::invalid("import", format!("this is not an Aegis export: {why}"))
}

fn damaged(why: &str) -> Error {
    Error::invalid("import", format!("the Aegis export is damaged: {why}"))
}

/// True when the input is an encrypted Aegis export (`db` is a string).
pub(crate) fn is_encrypted(bytes: &[u8]) -> bool {
    serde_json::from_slice::<Value>(bytes)
        .ok()
        .is_some_and(|v| v.get("db").is_some_and(Value::is_string))
}

pub(crate) fn read(sources: &[&[u8]], password: Option<&SecretString>) -> Result<Read> {
    let mut out = Read::default();
    for source in sources {
        let file = json::parse_value(source, "Aegis")?;
        let db = json::Wiped(open(&file, password)?);
        read_db(&db, &mut out)?;
    }
    Ok(out)
}

/// The decrypted (or plain) database object of an Aegis file.
fn open(file: &Value, password: Option<&SecretString>) -> Result<Value> {
    let obj = file
        .as_object()
        .ok_or_else(|| not_aegis("expected a JSON object with version, header and db"))?;
    let (Some(version), Some(header), Some(db)) =
        (obj.get("version"), obj.get("header"), obj.get("db"))
    else {
        return Err(not_aegis("it has no \"version\", \"header\" and \"db\""));
    };
    match version.as_u64() {
        Some(1) => {}
        Some(v) => {
            return Err(Error::invalid(
                "import",
                format!(
                    "unknown Aegis file version {v} (Sparekey reads version 1); update Sparekey"
                ),
            ))
        }
        None => return Err(not_aegis("its \"version\" is not a number")),
    }
    match db {
        Value::Object(_) => Ok(db.clone()),
        Value::String(ciphertext) => {
            let Some(password) = password else {
                return Err(Error::invalid(
                    "password",
                    "this Aegis export is encrypted: give the password it was exported with",
                ));
            };
            let plain = decrypt(header, ciphertext, password)?;
            serde_json::from_slice(&plain)
                .map_err(|_| damaged("its decrypted database is not JSON"))
        }
        _ => Err(not_aegis(
            "its \"db\" is neither an object nor encrypted text",
        )),
    }
}

fn hex_field(v: &Value, field: &str, len: Option<usize>) -> Result<Zeroizing<Vec<u8>>> {
    let text = v
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| damaged(&format!("\"{field}\" is missing")))?;
    let bytes = data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.as_bytes())
        .map_err(|_| damaged(&format!("\"{field}\" is not hexadecimal")))?;
    if len.is_some_and(|l| l != bytes.len()) {
        return Err(damaged(&format!("\"{field}\" has the wrong length")));
    }
    Ok(Zeroizing::new(bytes))
}

fn scrypt_param(slot: &Value, field: &str, max: u64) -> Result<u64> {
    let v = slot
        .get(field)
        .and_then(Value::as_u64)
        .ok_or_else(|| damaged(&format!("a password slot has no valid \"{field}\"")))?;
    if v == 0 || v > max {
        return Err(Error::invalid(
            "import",
            format!(
                "the Aegis export asks for scrypt {field} = {v}, above Sparekey's limit of {max} \
                 (Aegis itself writes n = 32768, r = 8, p = 1); the file was not made by Aegis \
                 or is hostile"
            ),
        ));
    }
    Ok(v)
}

/// Largest scrypt memory accepted (128 * n * r bytes): 512 MiB. Each cap
/// alone allows far more (2^20 * 32 * 128 bytes is 4 GiB).
pub const MAX_SCRYPT_MEMORY: u64 = 512 * 1024 * 1024;
/// Largest total scrypt work accepted (n * r * p), 2^25; Aegis uses 2^18.
pub const MAX_SCRYPT_WORK: u64 = 1 << 25;

fn check_cost(n: u64, r: u64, p: u64) -> Result<()> {
    let memory = 128u64.saturating_mul(n).saturating_mul(r);
    let work = n.saturating_mul(r).saturating_mul(p);
    if memory > MAX_SCRYPT_MEMORY || work > MAX_SCRYPT_WORK {
        return Err(Error::invalid(
            "import",
            format!(
                "the Aegis export asks for scrypt n = {n}, r = {r}, p = {p}, above Sparekey's limit \
                 ({} MiB of memory, n*r*p at most 2^25; Aegis itself writes n = 32768, r = 8, \
                 p = 1); the file was not made by Aegis or is hostile",
                MAX_SCRYPT_MEMORY / (1024 * 1024)
            ),
        ));
    }
    Ok(())
}

fn decrypt(
    header: &Value,
    ciphertext: &str,
    password: &SecretString,
) -> Result<Zeroizing<Vec<u8>>> {
    let slots = header
        .get("slots")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("its header has no slots"))?;
    let password_slots: Vec<&Value> = slots
        .iter()
        .filter(|s| s.get("type").and_then(Value::as_u64) == Some(1))
        .collect();
    if password_slots.is_empty() {
        return Err(Error::invalid(
            "import",
            "this Aegis export can only be opened with a fingerprint or raw key, not a password: \
             export it again from Aegis with a password",
        ));
    }
    if password_slots.len() > MAX_PASSWORD_SLOTS {
        return Err(damaged(&format!(
            "its header has {} password slots; Aegis writes one, and Sparekey tries at most \
             {MAX_PASSWORD_SLOTS}",
            password_slots.len()
        )));
    }
    let mut master: Option<Zeroizing<Vec<u8>>> = None;
    for slot in password_slots {
        let n = scrypt_param(slot, "n", MAX_SCRYPT_N)?;
        let r = scrypt_param(slot, "r", MAX_SCRYPT_R)?;
        let p = scrypt_param(slot, "p", MAX_SCRYPT_P)?;
        check_cost(n, r, p)?;
        if !n.is_power_of_two() || n < 2 {
            return Err(damaged("a password slot's scrypt n is not a power of two"));
        }
        let log_n = n.trailing_zeros() as u8;
        let salt = hex_field(slot, "salt", None)?;
        let wrapped = hex_field(slot, "key", Some(32))?;
        let params = slot
            .get("key_params")
            .ok_or_else(|| damaged("a password slot has no key_params"))?;
        let nonce = hex_field(params, "nonce", Some(12))?;
        let tag = hex_field(params, "tag", Some(16))?;
        let scrypt_params = scrypt::Params::new(log_n, r as u32, p as u32, 32)
            .map_err(|_| damaged("a password slot's scrypt parameters are invalid"))?;
        let mut key = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(
            password.expose_secret().as_bytes(),
            &salt,
            &scrypt_params,
            key.as_mut(),
        )
        .map_err(|_| damaged("a password slot's scrypt parameters are invalid"))?;
        let mut sealed = Zeroizing::new(wrapped.to_vec());
        sealed.extend_from_slice(&tag);
        if let Some(m) = aes_gcm_open(key.as_ref(), &nonce, &sealed) {
            master = Some(m);
            break;
        }
    }
    let master = master.ok_or_else(|| {
        Error::invalid(
            "password",
            "wrong password: it does not open this Aegis export (check Caps Lock and keyboard layout)",
        )
    })?;
    let params = header
        .get("params")
        .ok_or_else(|| damaged("its header has no params"))?;
    let nonce = hex_field(params, "nonce", Some(12))?;
    let tag = hex_field(params, "tag", Some(16))?;
    let cleaned: Vec<u8> = ciphertext
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let mut sealed = Zeroizing::new(
        data_encoding::BASE64
            .decode(&cleaned)
            .map_err(|_| damaged("its encrypted database is not valid base64 (truncated?)"))?,
    );
    sealed.extend_from_slice(&tag);
    aes_gcm_open(&master, &nonce, &sealed).ok_or_else(|| {
        damaged("its encrypted database fails authentication (truncated or altered)")
    })
}

fn read_db(db: &Value, out: &mut Read) -> Result<()> {
    match db.get("version").and_then(Value::as_u64) {
        Some(v) if (1..=MAX_DB_VERSION).contains(&v) => {}
        Some(v) => {
            return Err(Error::invalid(
                "import",
                format!(
                    "unknown Aegis database version {v} (Sparekey reads 1 to {MAX_DB_VERSION}); \
                     update Sparekey"
                ),
            ))
        }
        None => return Err(damaged("its database has no version")),
    }
    let entries = db
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| damaged("its database has no entries list"))?;
    // Groups (database version 3): `{uuid, name}`, named by uuid in each
    // entry's `groups` (Aegis' VaultGroup and VaultEntry).
    let groups: Vec<(String, String)> = db
        .get("groups")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|g| (json::text(g.get("uuid")), json::text(g.get("name"))))
                .filter(|(uuid, name)| !uuid.is_empty() && !name.trim().is_empty())
                .collect()
        })
        .unwrap_or_default();
    for e in entries {
        out.entries.push(entry(e, &groups));
    }
    Ok(())
}

fn entry(e: &Value, groups: &[(String, String)]) -> Entry {
    let name = json::text(e.get("name"));
    let issuer = json::text(e.get("issuer"));
    let label = super::join_label(&issuer, &name);
    match candidate(e, &issuer, &name) {
        Ok(mut c) => {
            c.note = json::text(e.get("note"));
            c.pinned = e.get("favorite").and_then(Value::as_bool) == Some(true);
            match e.get("groups").and_then(Value::as_array) {
                Some(uuids) => {
                    for uuid in uuids.iter().filter_map(Value::as_str) {
                        match groups.iter().find(|(u, _)| u == uuid) {
                            Some((_, group)) => c.tags.push(group.clone()),
                            None => c
                                .notes
                                .push("names a group the export does not define".into()),
                        }
                    }
                }
                // Before version 3: one group by name.
                None => {
                    let group = json::text(e.get("group"));
                    if !group.trim().is_empty() {
                        c.tags.push(group);
                    }
                }
            }
            Entry::ok(c)
        }
        Err(why) => Entry::bad(label, why),
    }
}

fn candidate(e: &Value, issuer: &str, name: &str) -> std::result::Result<Candidate, String> {
    let kind = e
        .get("type")
        .and_then(Value::as_str)
        .ok_or("has no type")?
        .to_ascii_lowercase();
    let info = e.get("info").ok_or("has no info")?;
    let period = || -> std::result::Result<u32, String> {
        info.get("period")
            .map_or(Ok(DEFAULT_PERIOD), |v| json::number(v, "period"))
    };
    let kind = match kind.as_str() {
        "totp" => OtpKind::Totp { period: period()? },
        "steam" => OtpKind::Steam { period: period()? },
        "hotp" => OtpKind::Hotp {
            counter: json::number(
                info.get("counter").ok_or("is HOTP but has no counter")?,
                "counter",
            )?,
        },
        "motp" => {
            return Err("is a mOTP (Mobile-OTP) entry, which Sparekey does not support".into())
        }
        "yandex" => return Err("is a Yandex Key entry, which Sparekey does not support".into()),
        other => {
            let shown: String = other.chars().take(20).collect();
            return Err(format!("has an unknown type {shown:?}"));
        }
    };
    let algorithm = match info.get("algo").and_then(Value::as_str) {
        None => Algorithm::Sha1,
        Some(a) if a.eq_ignore_ascii_case("md5") => {
            return Err("uses MD5, which Sparekey does not support".into())
        }
        Some(a) => a.parse().map_err(|e: Error| e.to_string())?,
    };
    let digits = info
        .get("digits")
        .map_or(Ok(6), |v| json::number(v, "digits"))?;
    let secret_text = Zeroizing::new(json::text(info.get("secret")));
    let secret = parse_secret(&secret_text).map_err(|e| e.to_string())?;
    let otp = Otp::new(kind, algorithm, digits, secret).map_err(|e| e.to_string())?;
    Ok(Candidate::new(issuer, name, otp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrypt_cost_is_capped_as_a_whole() {
        assert!(check_cost(1 << 15, 8, 1).is_ok());
        assert!(check_cost(1 << 20, 4, 1).is_ok());
        // Each within its own cap, together 4 GiB: refused.
        let err = check_cost(1 << 20, 32, 1).unwrap_err().to_string();
        assert!(err.contains("above Sparekey's limit"), "{err}");
        assert!(check_cost(1 << 20, 4, 16).is_err());
    }

    /// Hundreds of maximal password slots are refused before any scrypt
    /// runs (each would cost seconds).
    #[test]
    fn too_many_password_slots_are_refused_before_any_scrypt() {
        let slot = serde_json::json!({
            "type": 1, "uuid": "x", "key": "00".repeat(32),
            "key_params": {"nonce": "00".repeat(12), "tag": "00".repeat(16)},
            "n": MAX_SCRYPT_N, "r": 8, "p": 1, "salt": "00".repeat(32),
        });
        let header = serde_json::json!({"slots": vec![slot; 300]});
        let error = decrypt(&header, "", &SecretString::from("pw".to_owned()))
            .err()
            .unwrap()
            .to_string();
        // Without the cap the first slot's scrypt would run and its key
        // would fail to unwrap: a "wrong password" error, not this one.
        assert!(error.contains("300 password slots"), "{error}");
    }
}
