//! otpauth URI lists: one `otpauth://` URI per line, as Ente Auth's plain
//! export and most "text" exports write them. Empty lines and lines starting
//! with `#` are ignored; every other line is an entry.

use super::{text_of, Candidate, Entry, Format, Password, Read, Reads};
use crate::{otp, Result};

/// This format's id.
pub const ID: &str = "otpauth";

/// otpauth URI list (one per line; Ente Auth plain export).
pub const FORMAT: Format = Format {
    id: ID,
    label: "otpauth URI list (one per line; Ente Auth plain export)",
    password: Password::Never,
    reads: Reads::Text,
    extensions: &["txt"],
    hint: "Ente Auth: Settings > Data > Export codes > Plain text",
};

pub(crate) fn read(sources: &[&[u8]]) -> Result<Read> {
    let mut out = Read::default();
    for source in sources {
        let text = text_of(source, "list of otpauth URIs")?;
        for line in text.lines() {
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            out.entries.push(entry_from_uri(line));
        }
    }
    Ok(out)
}

/// One URI as an entry; a bad URI becomes a not-importable entry named by
/// its label (never its secret).
pub(crate) fn entry_from_uri(uri: &str) -> Entry {
    match otp::parse_uri(uri) {
        Ok(parsed) => Entry::ok(Candidate::from_uri(parsed)),
        Err(e) => Entry::bad(label_hint(uri), e.to_string()),
    }
}

/// The label of an `otpauth://TYPE/LABEL?...` URI, decoded, for messages
/// about a URI that failed to parse. Empty for anything else: a
/// `steam://SECRET` URI's path is the secret itself.
pub(crate) fn label_hint(uri: &str) -> String {
    let Some(rest) = uri
        .get(..10)
        .filter(|s| s.eq_ignore_ascii_case("otpauth://"))
        .and_then(|_| uri.get(10..))
    else {
        return String::new();
    };
    let path = rest.split('?').next().unwrap_or("");
    let label = path.split_once('/').map_or("", |(_, l)| l);
    let decoded = percent_encoding::percent_decode_str(&label.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned();
    decoded
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_hint_never_shows_a_secret() {
        assert_eq!(label_hint("otpauth://totp/A%3Ab?secret=XYZ"), "A:b");
        assert_eq!(label_hint("steam://SECRETSECRET"), "");
        assert_eq!(label_hint("otpauth://totp"), "");
    }
}
