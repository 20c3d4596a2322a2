//! QR codes in image files (PNG, JPEG): screenshots or photos of a 2FA
//! setup page (`otpauth://` codes) or of Google Authenticator's export
//! (`otpauth-migration://` codes, possibly a batch over several images).
//! Images are read with [`crate::qr::decode_image`]; every code found is an
//! entry (a Google code holds several).

use super::{google_migration, otpauth_list, Entry, Format, Password, Read, Reads};
use crate::{secret::ExposeSecret, Error, Result};

/// This format's id.
pub const ID: &str = "qr";

/// QR code images (PNG, JPEG) of otpauth:// or Google export codes.
pub const FORMAT: Format = Format {
    id: ID,
    label: "QR code images (PNG or JPEG; several for a Google export batch)",
    password: Password::Never,
    reads: Reads::Image,
    extensions: &["png", "jpg", "jpeg"],
    hint: "take a screenshot of each QR code (Google Authenticator: Transfer accounts > Export)",
};

pub(crate) fn read(sources: &[&[u8]]) -> Result<Read> {
    let mut texts = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let found = crate::qr::decode_image(source).map_err(|e| match e {
            Error::InvalidInput { field, reason } if sources.len() > 1 => {
                Error::invalid(field, format!("image #{}: {reason}", i + 1))
            }
            other => other,
        })?;
        texts.extend(found);
    }
    let mut out = Read::default();
    let mut migration = Vec::new();
    for text in &texts {
        let text = text.expose_secret();
        if google_migration::is_migration_uri(text) {
            migration.push(text);
        } else if text
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("otpauth://")
            || text
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("steam://")
        {
            out.entries.push(otpauth_list::entry_from_uri(text));
        } else {
            out.entries.push(Entry::bad(
                String::new(),
                "this QR code is not a 2FA code (it holds neither an otpauth:// nor an \
                 otpauth-migration:// URI)",
            ));
        }
    }
    if !migration.is_empty() {
        let more = google_migration::read_uris(&migration)?;
        out.entries.extend(more.entries);
        out.notes.extend(more.notes);
    }
    Ok(out)
}
