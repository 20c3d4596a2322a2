//! Proton Authenticator's JSON export (unencrypted):
//! `{"version":1,"entries":[{"id","content":{"uri","entry_type":"Totp"|"Steam",
//! "name"},"note"}]}`, as Proton's own exporter
//! (`proton-authenticator/src/entry/exporter.rs` in proton-pass-common)
//! writes it. Password-protected Proton exports are not read.

use serde_json::Value;

use super::{json, otpauth_list, Candidate, Entry, Format, Password, Read, Reads};
use crate::{otp, Error, Result};

/// This format's id.
pub const ID: &str = "proton";

/// Proton Authenticator JSON export.
pub const FORMAT: Format = Format {
    id: ID,
    label: "Proton Authenticator (JSON export, unencrypted)",
    password: Password::Never,
    reads: Reads::File,
    extensions: &["json"],
    hint: "Proton Authenticator: Settings > Export (without a password)",
};

pub(crate) fn read(sources: &[&[u8]]) -> Result<Read> {
    let mut out = Read::default();
    for source in sources {
        let file = json::parse_value(source, "Proton Authenticator")?;
        if file.get("salt").is_some() || file.get("content").is_some_and(Value::is_string) {
            return Err(Error::invalid(
                "import",
                "this Proton Authenticator export is password-protected, which Sparekey cannot \
                 read: export again without a password",
            ));
        }
        match file.get("version").and_then(Value::as_u64) {
            Some(1) => {}
            Some(v) => {
                return Err(Error::invalid(
                    "import",
                    format!(
                        "unknown Proton Authenticator export version {v} (Sparekey reads version \
                         1); update Sparekey"
                    ),
                ))
            }
            None => {
                return Err(Error::invalid(
                    "import",
                    "this is not a Proton Authenticator export: it has no \"version\"",
                ))
            }
        }
        let entries = file
            .get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                Error::invalid(
                    "import",
                    "this is not a Proton Authenticator export: it has no \"entries\" list",
                )
            })?;
        for e in entries {
            out.entries.push(entry(e));
        }
    }
    Ok(out)
}

fn entry(e: &Value) -> Entry {
    let content = e.get("content").cloned().unwrap_or(Value::Null);
    let uri = json::text(content.get("uri"));
    let uri = zeroize::Zeroizing::new(uri);
    let name = json::text(content.get("name"));
    let kind = json::text(content.get("entry_type"));
    let hint = if name.trim().is_empty() {
        otpauth_list::label_hint(&uri)
    } else {
        name.trim().to_owned()
    };
    if !kind.is_empty() && kind != "Totp" && kind != "Steam" {
        let shown: String = kind.chars().take(20).collect();
        return Entry::bad(hint, format!("has an unknown entry type {shown:?}"));
    }
    match otp::parse_uri(&uri) {
        Ok(parsed) => {
            let mut c = Candidate::from_uri(parsed);
            if kind == "Steam" && !name.trim().is_empty() {
                c.notes.clear();
                c.name = name.trim().to_owned();
            } else if c.name.is_empty() {
                c.name = name.trim().to_owned();
            }
            c.note = json::text(e.get("note"));
            Entry::ok(c)
        }
        Err(err) => Entry::bad(hint, err.to_string()),
    }
}
