//! Google Authenticator's export: `otpauth-migration://offline?data=BASE64`,
//! a URL-encoded base64 protobuf, usually shown as a batch of QR codes.
//!
//! The protobuf is decoded by hand with a small bounded reader (no protobuf
//! crate): `MigrationPayload { otp_parameters = 1 (repeated), version = 2,
//! batch_size = 3, batch_index = 4, batch_id = 5 }` and `OtpParameters {
//! secret = 1, name = 2, issuer = 3, algorithm = 4, digits = 5, type = 6,
//! counter = 7 }`. Unknown fields are skipped; a truncated or malformed
//! payload is refused. When some codes of a batch are missing, the preview
//! says which.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::{text_of, Candidate, Entry, Format, Password, Read, Reads};
use crate::{
    otp::{Algorithm, Otp, OtpKind, DEFAULT_PERIOD},
    secret::SecretBytes,
    Error, Result,
};

/// This format's id.
pub const ID: &str = "google-migration";

/// Google Authenticator export as text (`otpauth-migration://` URIs, one per line).
pub const FORMAT: Format = Format {
    id: ID,
    label: "Google Authenticator export (otpauth-migration:// text)",
    password: Password::Never,
    reads: Reads::Text,
    extensions: &["txt"],
    hint: "Google Authenticator: Transfer accounts > Export; scan the QR codes \
           (or import their screenshots with the QR image format)",
};

const SCHEME: &str = "otpauth-migration://";
/// The newest payload version known (Google writes 1).
const MAX_VERSION: u64 = 1;
/// Most codes in one batch.
const MAX_BATCH: u64 = 1000;

pub(crate) fn read(sources: &[&[u8]]) -> Result<Read> {
    let mut uris = Vec::new();
    for source in sources {
        let text = text_of(source, "Google Authenticator export")?;
        for line in text.lines() {
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            uris.push(line);
        }
    }
    read_uris(&uris)
}

/// True when `text` looks like a Google export URI.
pub(crate) fn is_migration_uri(text: &str) -> bool {
    text.trim()
        .get(..SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME))
}

/// Reads a set of migration URIs (one export, possibly a batch of several
/// codes), checking the batch is complete.
pub(crate) fn read_uris(uris: &[&str]) -> Result<Read> {
    let mut out = Read::default();
    // batch_id -> (batch_size, indexes seen)
    let mut batches: BTreeMap<u64, (u64, Vec<u64>)> = BTreeMap::new();
    for (i, uri) in uris.iter().enumerate() {
        let payload = parse_uri(uri).map_err(|e| match e {
            Error::InvalidInput { field, reason } if uris.len() > 1 => {
                Error::invalid(field, format!("code #{} of the export: {reason}", i + 1))
            }
            other => other,
        })?;
        if payload.batch_size > 1 {
            let b = batches
                .entry(payload.batch_id)
                .or_insert((payload.batch_size, Vec::new()));
            b.1.push(payload.batch_index);
        }
        out.entries.extend(payload.entries);
    }
    for (id, (size, seen)) in batches {
        let missing: Vec<String> = (0..size)
            .filter(|i| !seen.contains(i))
            .map(|i| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            let (codes, were, their, them) = if missing.len() == 1 {
                ("code", "was", "its account is", "it")
            } else {
                ("codes", "were", "their accounts are", "them")
            };
            out.notes.push(format!(
                "the Google export (batch {id}) has {size} QR codes, but {codes} {} of {size} \
                 {were} not given: {their} not in this import; add {them} too",
                missing.join(", ")
            ));
        }
    }
    Ok(out)
}

struct Payload {
    entries: Vec<Entry>,
    batch_size: u64,
    batch_index: u64,
    batch_id: u64,
}

fn parse_uri(uri: &str) -> Result<Payload> {
    let uri = uri.trim();
    if !is_migration_uri(uri) {
        return Err(Error::invalid(
            "import",
            "expected an otpauth-migration://offline?data=... URI (Google Authenticator's export); \
             plain otpauth:// URIs are imported with the otpauth format",
        ));
    }
    let query = uri.split_once('?').map_or("", |(_, q)| q);
    let data = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("data="))
        .ok_or_else(|| {
            Error::invalid("import", "the otpauth-migration URI has no data= parameter")
        })?;
    let decoded = Zeroizing::new(percent_encoding::percent_decode_str(data).collect::<Vec<u8>>());
    let mut b64: Zeroizing<Vec<u8>> = Zeroizing::new(
        decoded
            .iter()
            .map(|&b| if b == b' ' { b'+' } else { b })
            .filter(|b| !b.is_ascii_whitespace())
            .collect(),
    );
    while !b64.len().is_multiple_of(4) {
        b64.push(b'=');
    }
    let bytes = Zeroizing::new(data_encoding::BASE64.decode(&b64).map_err(|_| {
        Error::invalid(
            "import",
            "the Google Authenticator export is damaged or truncated (its data= part is not \
             valid base64); copy or scan the whole code again",
        )
    })?);
    parse_payload(&bytes)
}

fn parse_payload(bytes: &[u8]) -> Result<Payload> {
    let damaged = |why: &str| {
        Error::invalid(
            "import",
            format!("the Google Authenticator export is damaged or truncated ({why})"),
        )
    };
    let mut r = Reader::new(bytes);
    let mut params = Vec::new();
    let mut version = 0;
    let (mut batch_size, mut batch_index, mut batch_id) = (0, 0, 0);
    while let Some((field, value)) = r.field().map_err(damaged)? {
        match (field, value) {
            (1, Value::Bytes(b)) => params.push(b),
            (2, Value::Varint(v)) => version = v,
            (3, Value::Varint(v)) => batch_size = v,
            (4, Value::Varint(v)) => batch_index = v,
            (5, Value::Varint(v)) => batch_id = v,
            (1..=5, _) => return Err(damaged("a field has the wrong type")),
            _ => {}
        }
    }
    if version > MAX_VERSION {
        return Err(Error::invalid(
            "import",
            format!(
                "unknown Google Authenticator export version {version} (Sparekey reads version \
                 {MAX_VERSION}); update Sparekey"
            ),
        ));
    }
    if batch_size > MAX_BATCH || (batch_size > 0 && batch_index >= batch_size) {
        return Err(damaged("its batch numbers are inconsistent"));
    }
    let mut entries = Vec::with_capacity(params.len());
    for p in params {
        entries.push(parse_params(p).unwrap_or_else(|why| Entry::bad(String::new(), why)));
    }
    Ok(Payload {
        entries,
        batch_size,
        batch_index,
        batch_id,
    })
}

fn parse_params(bytes: &[u8]) -> std::result::Result<Entry, String> {
    let mut r = Reader::new(bytes);
    let mut secret: Option<Zeroizing<Vec<u8>>> = None;
    let (mut name, mut issuer) = (String::new(), String::new());
    let (mut algorithm, mut digits, mut kind, mut counter) = (0u64, 0u64, 0u64, 0u64);
    while let Some((field, value)) = r.field().map_err(|w| format!("is damaged ({w})"))? {
        match (field, value) {
            (1, Value::Bytes(b)) => secret = Some(Zeroizing::new(b.to_vec())),
            (2, Value::Bytes(b)) => {
                name = String::from_utf8(b.to_vec()).map_err(|_| "its name is not UTF-8 text")?;
            }
            (3, Value::Bytes(b)) => {
                issuer =
                    String::from_utf8(b.to_vec()).map_err(|_| "its issuer is not UTF-8 text")?;
            }
            (4, Value::Varint(v)) => algorithm = v,
            (5, Value::Varint(v)) => digits = v,
            (6, Value::Varint(v)) => kind = v,
            (7, Value::Varint(v)) => counter = v,
            (1..=7, _) => return Err("is damaged (a field has the wrong type)".into()),
            _ => {}
        }
    }
    // Google writes the label ("Issuer:name") as the name.
    let mut name = name.trim().to_owned();
    if let Some((prefix, rest)) = name.split_once(':') {
        if issuer.is_empty() || prefix.trim().eq_ignore_ascii_case(issuer.trim()) {
            if issuer.is_empty() {
                issuer = prefix.trim().to_owned();
            }
            name = rest.trim().to_owned();
        }
    }
    let label = super::join_label(&issuer, &name);
    let bad = |why: String| Ok(Entry::bad(label.clone(), why));
    let algorithm = match algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return bad("uses MD5, which Sparekey does not support".into()),
        n => return bad(format!("has an unknown algorithm ({n})")),
    };
    let digits = match digits {
        0 | 1 => 6,
        2 => 8,
        n => return bad(format!("has an unknown digit count ({n})")),
    };
    let kind = match kind {
        0 | 2 => OtpKind::Totp {
            period: DEFAULT_PERIOD,
        },
        1 => OtpKind::Hotp { counter },
        n => return bad(format!("has an unknown OTP type ({n})")),
    };
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return bad("has no secret".into());
    };
    match Otp::new(kind, algorithm, digits, SecretBytes::new(secret.to_vec())) {
        Ok(otp) => Ok(Entry::ok(Candidate::new(&issuer, &name, otp))),
        Err(e) => bad(e.to_string()),
    }
}

/// A protobuf field value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// A bounded protobuf reader: every length is checked against what is left.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> std::result::Result<u64, &'static str> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let byte = *self.buf.get(self.pos).ok_or("it ends inside a number")?;
            self.pos += 1;
            if i == 9 && byte > 1 {
                return Err("a number is too large");
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number is too long")
    }

    fn take(&mut self, n: u64) -> std::result::Result<&'a [u8], &'static str> {
        let n = usize::try_from(n).map_err(|_| "a length is too large")?;
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or("it ends inside a field")?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    /// The next field, or `None` at the end.
    fn field(&mut self) -> std::result::Result<Option<(u64, Value<'a>)>, &'static str> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 {
            return Err("a field number is zero");
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = self.varint()?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err("it uses an unsupported protobuf wire type"),
        };
        Ok(Some((field, value)))
    }
}

/// Encodes accounts as one migration payload, for tests and fixtures:
/// `(secret, name, issuer, algorithm, digits, type, counter)`.
#[cfg(test)]
type TestParams<'a> = (&'a [u8], &'a str, &'a str, u64, u64, u64, u64);

/// Encodes a payload (see [`encode_for_tests`]).
#[cfg(test)]
pub(crate) fn encode_for_tests(params: &[TestParams<'_>], batch: (u64, u64, u64)) -> String {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    fn bytes(out: &mut Vec<u8>, field: u64, b: &[u8]) {
        varint(out, field << 3 | 2);
        varint(out, b.len() as u64);
        out.extend_from_slice(b);
    }
    let mut payload = Vec::new();
    for (secret, name, issuer, algo, digits, kind, counter) in params {
        let mut p = Vec::new();
        bytes(&mut p, 1, secret);
        bytes(&mut p, 2, name.as_bytes());
        bytes(&mut p, 3, issuer.as_bytes());
        for (f, v) in [(4, *algo), (5, *digits), (6, *kind), (7, *counter)] {
            varint(&mut p, f << 3);
            varint(&mut p, v);
        }
        bytes(&mut payload, 1, &p);
    }
    for (f, v) in [(2, 1), (3, batch.0), (4, batch.1), (5, batch.2)] {
        varint(&mut payload, f << 3);
        varint(&mut payload, v);
    }
    let b64 = data_encoding::BASE64.encode(&payload);
    let enc: String =
        percent_encoding::utf8_percent_encode(&b64, percent_encoding::NON_ALPHANUMERIC).collect();
    format!("otpauth-migration://offline?data={enc}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_truncation() {
        let uri = encode_for_tests(
            &[(b"12345678901234567890", "Acme:alice", "Acme", 1, 1, 2, 0)],
            (1, 0, 7),
        );
        let read = read_uris(&[&uri]).unwrap();
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.entries[0].label, "Acme:alice");
        assert!(read.entries[0].result.is_ok());
        // Cut the payload short: refused, naming the problem.
        let cut = &uri[..uri.len() / 2];
        let err = read_uris(&[cut]).unwrap_err().to_string();
        assert!(
            err.contains("damaged or truncated") || err.contains("base64"),
            "{err}"
        );
    }

    #[test]
    fn reader_rejects_overlong_varints() {
        let mut r = Reader::new(&[0xff; 11]);
        assert!(r.varint().is_err());
        let mut r = Reader::new(&[0x0a, 0x05, 0x01]);
        assert!(r.field().is_err());
    }
}
