//! Importing accounts from other authenticators' exports.
//!
//! Every format lives in its own file and is described as data by a
//! [`Format`] constant (id, label, whether it may need a password, what it
//! reads); [`FORMATS`] lists them all so the desktop app and the CLI offer
//! the same choices from one list.
//!
//! An import is always a preview first: [`preview`] reads the export and
//! compares it with the vault's document, sorting every entry into *to
//! import*, *duplicate* (same secret, or same issuer and name, as
//! [`Document::duplicate_of`] decides) or *not importable* (with the entry
//! number, its name and why, never its secret). Nothing is written until the
//! user confirms and the front end calls [`apply`], which adds everything in
//! one [`Vault::update`]. No entry is ever dropped silently.
//!
//! ```
//! use sparekey_core::{import, vault::Document};
//! let text = b"otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP\nnot a uri\n";
//! let doc = Document::default();
//! let preview = import::preview("otpauth", &[&text[..]], None, &doc, 0)?;
//! assert_eq!(preview.found, 2);
//! assert_eq!(preview.to_import[0].label, "PyPI:alice");
//! assert_eq!(preview.not_importable[0].number, 2);
//! # Ok::<(), sparekey_core::Error>(())
//! ```
//!
//! # Hostile input
//! Inputs are capped at [`MAX_INPUT_BYTES`] each and [`MAX_ENTRIES`] entries
//! in all; key-derivation parameters read from encrypted exports are capped
//! by each format. Errors name the file-level problem (wrong password, wrong
//! format, unknown version, truncated) and never quote the content.

use serde::Serialize;

use crate::{
    account::Account,
    otp::Otp,
    secret::SecretString,
    vault::{Document, DuplicateIndex, Vault},
    Error, Result,
};

pub mod aegis;
pub mod andotp;
pub mod bitwarden;
pub mod google_migration;
pub mod otpauth_list;
pub mod proton;
pub mod qr_image;
pub mod twofas;

/// Largest input accepted per file, in bytes (10 MiB).
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;
/// Most entries one import may hold (over all its files).
pub const MAX_ENTRIES: usize = 10_000;

/// What an import format reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reads {
    /// A file (JSON and similar): pick a file.
    File,
    /// Text, pasted or from a file.
    Text,
    /// Images (PNG or JPEG) holding QR codes; several may be given at once.
    Image,
}

/// Whether a format needs a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Password {
    /// Never encrypted.
    Never,
    /// Only encrypted exports need one; [`is_encrypted`] tells which.
    WhenEncrypted,
}

/// An import format, described as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Format {
    /// Stable identifier, as the CLI's `--format` takes it.
    pub id: &'static str,
    /// Human name, e.g. "Aegis (JSON, plain or encrypted)".
    pub label: &'static str,
    /// Whether a password may be needed.
    pub password: Password,
    /// What the format reads.
    pub reads: Reads,
    /// Usual file-name extensions (without dots), for file pickers.
    pub extensions: &'static [&'static str],
    /// A one-line hint on how to get such an export out of the other app.
    pub hint: &'static str,
}

/// Every import format, in the order front ends should offer them.
pub const FORMATS: &[Format] = &[
    otpauth_list::FORMAT,
    google_migration::FORMAT,
    qr_image::FORMAT,
    aegis::FORMAT,
    twofas::FORMAT,
    andotp::FORMAT,
    bitwarden::FORMAT,
    proton::FORMAT,
];

/// The format with this id, or an error listing the ids.
pub fn format(id: &str) -> Result<&'static Format> {
    FORMATS.iter().find(|f| f.id == id).ok_or_else(|| {
        Error::invalid(
            "import format",
            format!(
                "{id:?} is not known; use one of: {}",
                FORMATS.iter().map(|f| f.id).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// Whether these inputs are an encrypted export of the format (so the front
/// end should ask for a password before calling [`preview`]). Only formats
/// with [`Password::WhenEncrypted`] can answer true.
pub fn is_encrypted(format_id: &str, sources: &[&[u8]]) -> Result<bool> {
    let f = format(format_id)?;
    check_sizes(sources)?;
    Ok(match f.id {
        aegis::ID => sources.iter().any(|s| aegis::is_encrypted(s)),
        twofas::ID => sources.iter().any(|s| twofas::is_encrypted(s)),
        _ => false,
    })
}

/// True when `error` is about the export's password (missing or wrong), so
/// a front end should ask for it (again) rather than show a dead end.
pub fn is_password_error(error: &Error) -> bool {
    matches!(error, Error::InvalidInput { field, .. } if field == "password")
}

/// One account read from an export, not yet in any vault. Its `Debug`
/// (through [`Otp`]'s) never shows the secret.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub issuer: String,
    pub name: String,
    pub otp: Otp,
    pub note: String,
    /// Tags (Aegis and 2FAS groups, andOTP tags).
    pub tags: Vec<String>,
    /// A favourite in the other app: pinned here.
    pub pinned: bool,
    /// Non-fatal findings (never containing the secret).
    pub notes: Vec<String>,
}

impl Candidate {
    pub(crate) fn new(issuer: &str, name: &str, otp: Otp) -> Candidate {
        Candidate {
            issuer: issuer.trim().to_owned(),
            name: name.trim().to_owned(),
            otp,
            note: String::new(),
            tags: Vec::new(),
            pinned: false,
            notes: Vec::new(),
        }
    }

    /// From a parsed otpauth URI, with a fallback issuer/name from the
    /// surrounding format (e.g. a Bitwarden item's name).
    pub(crate) fn from_uri(parsed: crate::otp::ParsedUri) -> Candidate {
        let mut c = Candidate::new(
            parsed.issuer.as_deref().unwrap_or(""),
            &parsed.name,
            parsed.otp,
        );
        c.notes = parsed.notes;
        c
    }
}

/// One entry of an export as a format read it: an account, or why not.
#[derive(Debug)]
pub(crate) struct Entry {
    /// How the entry is called in messages (issuer and name, or empty).
    pub label: String,
    pub result: std::result::Result<Candidate, String>,
}

impl Entry {
    pub(crate) fn ok(candidate: Candidate) -> Entry {
        Entry {
            label: join_label(&candidate.issuer, &candidate.name),
            result: Ok(candidate),
        }
    }

    pub(crate) fn bad(label: String, reason: impl Into<String>) -> Entry {
        Entry {
            label,
            result: Err(reason.into()),
        }
    }
}

/// What a format read from its inputs.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub entries: Vec<Entry>,
    /// Findings about the whole export (e.g. a missing part of a batch).
    pub notes: Vec<String>,
}

/// `issuer:name`, or whichever is not empty.
pub(crate) fn join_label(issuer: &str, name: &str) -> String {
    match (issuer.trim(), name.trim()) {
        ("", n) => n.to_owned(),
        (i, "") => i.to_owned(),
        (i, n) => format!("{i}:{n}"),
    }
}

/// An entry that will be imported, as the preview shows it (no secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreviewItem {
    /// The entry's number in the export, from 1.
    pub number: usize,
    /// Issuer (may be empty).
    pub issuer: String,
    /// Account name.
    pub name: String,
    /// `issuer:name`.
    pub label: String,
    /// `totp`, `hotp` or `steam`.
    pub otp_type: &'static str,
    /// Code length.
    pub digits: u8,
    /// Seconds per code (TOTP, Steam).
    pub period: Option<u32>,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: &'static str,
    /// Tags it brings (from the other app's groups or tags).
    pub tags: Vec<String>,
    /// Pinned (a favourite in the other app).
    pub pinned: bool,
    /// Non-fatal findings about this entry.
    pub notes: Vec<String>,
}

/// An entry that duplicates an account (already in the vault, or earlier
/// in the same export); it is not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// The entry's number in the export, from 1.
    pub number: usize,
    /// The entry's `issuer:name`.
    pub label: String,
    /// The account it duplicates, as `issuer:name`.
    pub existing: String,
    /// The entry as a screen names it: `issuer (name)`.
    pub display: String,
    /// The account it duplicates, as a screen names it.
    pub existing_display: String,
    /// `same_secret` or `same_name`.
    pub why: &'static str,
    /// True when the duplicate is an earlier entry of the same export.
    pub within_export: bool,
}

/// An entry that cannot be imported, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The entry's number in the export, from 1.
    pub number: usize,
    /// The entry's name as far as it could be read (may be empty).
    pub label: String,
    /// Why it cannot be imported, and what to do if something can be done.
    pub reason: String,
}

/// The preview of an import: what would be added, what is a duplicate, what
/// cannot be imported. Serializes without secrets (the accounts to add are
/// kept inside, unserialized, for [`apply`]).
#[derive(Clone, Debug, Serialize)]
pub struct Preview {
    /// The format's id.
    pub format: &'static str,
    /// Number of entries found in the export.
    pub found: usize,
    /// Entries that will be added.
    pub to_import: Vec<PreviewItem>,
    /// Entries left out as duplicates.
    pub duplicates: Vec<Duplicate>,
    /// Entries that cannot be imported.
    pub not_importable: Vec<Problem>,
    /// Findings about the whole export.
    pub notes: Vec<String>,
    #[serde(skip)]
    accounts: Vec<Account>,
}

/// What [`apply`] did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Accounts added.
    pub added: usize,
    /// Entries that had become duplicates by the time of the write (the
    /// vault changed after the preview) and were therefore not added.
    pub skipped_duplicates: Vec<Duplicate>,
}

fn check_sizes(sources: &[&[u8]]) -> Result<()> {
    if sources.is_empty() {
        return Err(Error::invalid("import", "no input was given"));
    }
    for (i, s) in sources.iter().enumerate() {
        if s.len() > MAX_INPUT_BYTES {
            return Err(Error::invalid(
                "import",
                format!(
                    "input #{} is {} bytes; at most {} MiB are accepted",
                    i + 1,
                    s.len(),
                    MAX_INPUT_BYTES / (1024 * 1024)
                ),
            ));
        }
        if s.is_empty() {
            return Err(Error::invalid(
                "import",
                format!("input #{} is empty", i + 1),
            ));
        }
    }
    Ok(())
}

/// Reads an export and compares it with `doc` (the open vault's document):
/// the preview front ends show before anything is written.
///
/// `sources` are the inputs (one file for most formats; several images for
/// a multi-QR Google batch). `password` is needed for encrypted exports (see
/// [`is_encrypted`]). `now` stamps the accounts that [`apply`] will add.
///
/// Errors are about the whole export: unknown format id, too large, wrong
/// format, unknown version, encrypted without a password, wrong password,
/// damaged, or more than [`MAX_ENTRIES`] entries.
pub fn preview(
    format_id: &str,
    sources: &[&[u8]],
    password: Option<&SecretString>,
    doc: &Document,
    now: i64,
) -> Result<Preview> {
    let f = format(format_id)?;
    check_sizes(sources)?;
    let read = match f.id {
        otpauth_list::ID => otpauth_list::read(sources)?,
        google_migration::ID => google_migration::read(sources)?,
        qr_image::ID => qr_image::read(sources)?,
        aegis::ID => aegis::read(sources, password)?,
        twofas::ID => twofas::read(sources, password)?,
        andotp::ID => andotp::read(sources)?,
        bitwarden::ID => bitwarden::read(sources)?,
        proton::ID => proton::read(sources)?,
        _ => return Err(Error::invalid("import format", "has no reader")),
    };
    if read.entries.len() > MAX_ENTRIES {
        return Err(Error::invalid(
            "import",
            format!(
                "the export holds {} entries; at most {MAX_ENTRIES} are imported at once",
                read.entries.len()
            ),
        ));
    }
    if read.entries.is_empty() {
        return Err(Error::invalid(
            "import",
            format!("no entries found in this {} export", f.label),
        ));
    }
    Ok(build_preview(f.id, read, doc, now))
}

fn build_preview(format: &'static str, read: Read, doc: &Document, now: i64) -> Preview {
    let mut preview = Preview {
        format,
        found: read.entries.len(),
        to_import: Vec::new(),
        duplicates: Vec::new(),
        not_importable: Vec::new(),
        notes: read.notes,
        accounts: Vec::new(),
    };
    // Duplicates of the vault, and inside the export (of the accounts
    // accepted so far, `preview.accounts`).
    let in_vault = DuplicateIndex::new(&doc.accounts);
    let mut in_export = DuplicateIndex::new(&[]);
    for (i, entry) in read.entries.into_iter().enumerate() {
        let number = i + 1;
        let candidate = match entry.result {
            Ok(c) => c,
            Err(reason) => {
                preview.not_importable.push(Problem {
                    number,
                    label: entry.label,
                    reason,
                });
                continue;
            }
        };
        let (issuer, mut name) = (candidate.issuer, candidate.name);
        let mut notes = candidate.notes;
        if name.is_empty() {
            if issuer.is_empty() {
                preview.not_importable.push(Problem {
                    number,
                    label: entry.label,
                    reason: "has neither an account name nor an issuer".into(),
                });
                continue;
            }
            name = issuer.clone();
            notes.push("has no account name; the issuer is used as its name".into());
        }
        let mut account = match Account::new(&issuer, &name, Some(candidate.otp), now) {
            Ok(a) => a,
            Err(e) => {
                preview.not_importable.push(Problem {
                    number,
                    label: entry.label,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if !candidate.note.trim().is_empty() {
            if let Err(e) = account.set_note(&candidate.note, now) {
                notes.push(format!("its note was left out: {e}"));
            }
        }
        if !candidate.tags.is_empty() {
            if let Err(e) = account.set_tags(&candidate.tags, now) {
                notes.push(format!("its tags were left out: {e}"));
            }
        }
        account.pinned = candidate.pinned;
        let found = in_vault
            .find(&doc.accounts, &account)
            .map(|d| duplicate(number, &account, d, false))
            .or_else(|| {
                in_export
                    .find(&preview.accounts, &account)
                    .map(|d| duplicate(number, &account, d, true))
            });
        if let Some(found) = found {
            preview.duplicates.push(found);
            continue;
        }
        let summary = account.summary();
        let otp = account.otp.as_ref();
        preview.to_import.push(PreviewItem {
            number,
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            label: account.label(),
            otp_type: summary.otp_type,
            digits: otp.map_or(0, Otp::digits),
            period: summary.period,
            algorithm: otp.map_or("SHA1", |o| o.algorithm().as_str()),
            tags: account.tags.clone(),
            pinned: account.pinned,
            notes,
        });
        in_export.insert(preview.accounts.len(), &account);
        preview.accounts.push(account);
    }
    preview
}

fn duplicate(number: usize, account: &Account, existing: &Account, within: bool) -> Duplicate {
    let same_name = existing.label().to_lowercase() == account.label().to_lowercase();
    Duplicate {
        number,
        label: account.label(),
        existing: existing.label(),
        display: account.display_name(),
        existing_display: existing.display_name(),
        why: if same_name {
            "same_name"
        } else {
            "same_secret"
        },
        within_export: within,
    }
}

impl Preview {
    /// True when nothing would be added.
    pub fn is_empty(&self) -> bool {
        self.to_import.is_empty()
    }
}

/// Adds the preview's accounts to the vault in one transaction. Entries that
/// became duplicates since the preview (another process changed the vault)
/// are left out and reported; nothing else is skipped.
pub fn apply(preview: Preview, vault: &mut Vault) -> Result<Applied> {
    let numbers: Vec<usize> = preview.to_import.iter().map(|p| p.number).collect();
    let accounts = preview.accounts;
    vault.update(move |doc| {
        let mut applied = Applied {
            added: 0,
            skipped_duplicates: Vec::new(),
        };
        let mut index = DuplicateIndex::new(&doc.accounts);
        for (account, number) in accounts.into_iter().zip(numbers) {
            if let Some(existing) = index.find(&doc.accounts, &account) {
                let d = duplicate(number, &account, existing, false);
                applied.skipped_duplicates.push(d);
                continue;
            }
            index.insert(doc.accounts.len(), &account);
            doc.accounts.push(account);
            applied.added += 1;
        }
        Ok(applied)
    })
}

/// Helpers shared by the JSON formats.
pub(crate) mod json {
    use serde::de::DeserializeOwned;

    use crate::{Error, Result};

    /// Parses JSON, naming the format and the position (never the content).
    pub fn parse<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
        serde_json::from_slice(bytes).map_err(|e| {
            let why = match e.classify() {
                serde_json::error::Category::Eof => "it is truncated".to_owned(),
                serde_json::error::Category::Syntax => {
                    format!("it is not JSON (line {}, column {})", e.line(), e.column())
                }
                _ => format!(
                    "it does not have the shape of one (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            };
            Error::invalid("import", format!("this is not a {what} export: {why}"))
        })
    }

    /// A parsed JSON document whose strings (secrets among them) are
    /// overwritten when it is dropped.
    pub struct Wiped(pub serde_json::Value);

    impl std::ops::Deref for Wiped {
        type Target = serde_json::Value;
        fn deref(&self) -> &serde_json::Value {
            &self.0
        }
    }

    impl Drop for Wiped {
        fn drop(&mut self) {
            wipe(&mut self.0);
        }
    }

    /// Overwrites every string (and key) in a JSON value before it is freed.
    pub fn wipe(v: &mut serde_json::Value) {
        use zeroize::Zeroize;
        match v {
            serde_json::Value::String(s) => s.zeroize(),
            serde_json::Value::Array(a) => a.iter_mut().for_each(wipe),
            serde_json::Value::Object(o) => {
                o.values_mut().for_each(wipe);
            }
            _ => {}
        }
    }

    /// [`parse`] into a [`Wiped`] JSON value.
    pub fn parse_value(bytes: &[u8], what: &str) -> Result<Wiped> {
        parse(bytes, what).map(Wiped)
    }

    /// A JSON value as a non-negative integer that fits `T`.
    pub fn number<T: TryFrom<u64>>(v: &serde_json::Value, field: &str) -> Result<T, String> {
        let n = match v {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        n.and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| format!("its {field} is not a valid number"))
    }

    /// A JSON value as text (empty for null or absent).
    pub fn text(v: Option<&serde_json::Value>) -> String {
        match v {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    }
}

/// Decrypts AES-256-GCM (`ciphertext` followed by the 16-byte tag).
/// `None` when authentication fails (wrong key, damaged data).
pub(crate) fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    ciphertext_and_tag: &[u8],
) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    use aes_gcm::{aead::Aead, Aes256Gcm, KeyInit, Nonce};
    if nonce.len() != 12 {
        return None;
    }
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(Nonce::from_slice(nonce), ciphertext_and_tag)
        .ok()
        .map(zeroize::Zeroizing::new)
}

/// Splits text sources into lines with their numbers, refusing non-UTF-8.
pub(crate) fn text_of<'a>(source: &'a [u8], what: &str) -> Result<&'a str> {
    std::str::from_utf8(source).map_err(|_| {
        Error::invalid(
            "import",
            format!(
                "this is not a {what}: it is not UTF-8 text (is it an image or a binary file?)"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique_and_found() {
        for f in FORMATS {
            assert_eq!(format(f.id).unwrap().id, f.id);
            assert_eq!(FORMATS.iter().filter(|g| g.id == f.id).count(), 1);
        }
        assert!(format("nope").unwrap_err().to_string().contains("aegis"));
    }
}
