//! One-time passwords: TOTP (RFC 6238), HOTP (RFC 4226) and Steam Guard codes,
//! plus the `otpauth://` URIs that carry them between apps.
//!
//! Everything that comes from outside (a pasted base32 secret, a scanned
//! URI, a vault document) is normalized and validated here, in Sparekey's own
//! terms, before any code is generated. `totp-rs` only does the arithmetic: it
//! is built with its unchecked constructor from values this module has
//! already validated, so its panics cannot be reached and its `Debug` (which
//! shows the secret) is never used.
//!
//! Secrets never appear in `Debug` output or in error messages: errors name
//! the field and, for a bad secret, the position of the bad character only.
//!
//! ```
//! use sparekey_core::otp::{parse_uri, to_uri, OtpKind};
//! use sparekey_core::secret::ExposeSecret;
//!
//! let parsed = parse_uri("otpauth://totp/ACME%3A%20alice@example.com?secret=jbsw y3dp ehpk 3pxp")?;
//! assert_eq!(parsed.issuer.as_deref(), Some("ACME"));
//! assert_eq!(parsed.name, "alice@example.com");
//! assert_eq!(parsed.otp.kind(), &OtpKind::Totp { period: 30 });
//! assert_eq!(parsed.otp.code_at(59).as_str().len(), 6);
//!
//! let uri = to_uri("ACME", "alice@example.com", &parsed.otp);
//! assert!(uri.expose_secret().starts_with("otpauth://totp/ACME:alice%40example.com?secret="));
//! # Ok::<(), sparekey_core::Error>(())
//! ```

use std::{borrow::Cow, fmt, str::FromStr};

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::secret::{secret_string, SecretBytes, SecretString};
use crate::{Error, Result};

/// Largest accepted secret, in bytes. Real secrets are 10 to 64 bytes; the
/// cap only stops absurd input.
pub const MAX_SECRET_BYTES: usize = 1024;
/// Largest accepted TOTP/Steam period, in seconds.
pub const MAX_PERIOD: u32 = 300;
/// Period used when a URI or document does not give one.
pub const DEFAULT_PERIOD: u32 = 30;
/// Number of characters in a Steam Guard code.
pub const STEAM_DIGITS: u8 = 5;

/// The HMAC hash function behind a code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA1, the default and by far the most common.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in otpauth URIs and vault documents: `SHA1`, `SHA256`
    /// or `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    fn to_totp_rs(self) -> totp_rs::Algorithm {
        match self {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    /// Case-insensitive; accepts `SHA1`, `sha-1`, `SHA_256`, `sha512`...
    fn from_str(s: &str) -> Result<Self> {
        // The vault writes these exact names: no need to normalize them.
        match s {
            "SHA1" => return Ok(Algorithm::Sha1),
            "SHA256" => return Ok(Algorithm::Sha256),
            "SHA512" => return Ok(Algorithm::Sha512),
            _ => {}
        }
        let normalized: String = s
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        match normalized.as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(Error::invalid(
                "algorithm",
                format!(
                    "{} is not supported; expected SHA1, SHA256 or SHA512",
                    shown(s)
                ),
            )),
        }
    }
}

/// What kind of code an account produces, with the state that kind needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OtpKind {
    /// Time-based codes (RFC 6238) that change every `period` seconds.
    Totp {
        /// Seconds each code lasts (1 to 300, usually 30).
        period: u32,
    },
    /// Counter-based codes (RFC 4226).
    Hotp {
        /// The counter of the next code to use.
        counter: u64,
    },
    /// Steam Guard: time-based, HMAC-SHA1, five characters from
    /// `23456789BCDFGHJKMNPQRTVWXY`.
    Steam {
        /// Seconds each code lasts (Steam uses 30).
        period: u32,
    },
}

impl OtpKind {
    /// `totp`, `hotp` or `steam`, as written in vault documents.
    pub fn type_name(&self) -> &'static str {
        match self {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Steam { .. } => "steam",
        }
    }
}

/// A validated OTP generator: kind, hash, length and the secret key.
///
/// Built only through [`Otp::new`] (or deserialization, which goes through
/// it), so every `Otp` can generate codes without failing. `Debug` shows
/// everything but the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Otp {
    kind: OtpKind,
    algorithm: Algorithm,
    digits: u8,
    secret: SecretBytes,
    // No totp-rs generator is kept here: one is built when a code is asked
    // for. Building one for every account as a vault was read was half the
    // cost of turning each account's JSON into an `Otp` (two more copies of
    // the key to allocate, zeroize and free), for the one code a CLI run
    // shows.
}

impl Otp {
    /// Validates and builds an OTP generator.
    ///
    /// - `secret`: 1 to 1024 bytes (80-bit secrets are common and accepted);
    /// - `digits`: 6, 7 or 8 for TOTP and HOTP; ignored for Steam, whose codes
    ///   always have 5 characters;
    /// - period: 1 to 300 seconds for TOTP and Steam;
    /// - Steam always uses SHA1.
    ///
    /// Errors name the field (`secret`, `digits`, `period`, `algorithm`) and
    /// never contain the secret.
    pub fn new(
        kind: OtpKind,
        algorithm: Algorithm,
        digits: u8,
        secret: SecretBytes,
    ) -> Result<Otp> {
        if secret.is_empty() {
            return Err(Error::invalid("secret", "is empty"));
        }
        if secret.len() > MAX_SECRET_BYTES {
            return Err(Error::invalid(
                "secret",
                format!(
                    "is {} bytes long; at most {MAX_SECRET_BYTES} bytes are accepted",
                    secret.len()
                ),
            ));
        }
        let digits = match kind {
            OtpKind::Totp { period } | OtpKind::Steam { period } => {
                check_period(period)?;
                if matches!(kind, OtpKind::Steam { .. }) {
                    if algorithm != Algorithm::Sha1 {
                        return Err(Error::invalid(
                            "algorithm",
                            format!("Steam codes always use SHA1, got {algorithm}"),
                        ));
                    }
                    STEAM_DIGITS
                } else {
                    check_digits(digits)?;
                    digits
                }
            }
            OtpKind::Hotp { .. } => {
                check_digits(digits)?;
                digits
            }
        };
        Ok(Otp {
            kind,
            algorithm,
            digits,
            secret,
        })
    }

    /// The kind of code, with its period or counter.
    pub fn kind(&self) -> &OtpKind {
        &self.kind
    }

    /// The HMAC hash function.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Length of a code: 6 to 8 digits, or 5 characters for Steam.
    pub fn digits(&self) -> u8 {
        self.digits
    }

    /// The raw secret key.
    pub fn secret(&self) -> &SecretBytes {
        &self.secret
    }

    /// The secret in RFC 4648 base32, upper case, without `=` padding.
    pub fn secret_base32(&self) -> SecretString {
        secret_string(data_encoding::BASE32_NOPAD.encode(self.secret.expose()))
    }

    /// Seconds each code lasts; `None` for HOTP.
    pub fn period(&self) -> Option<u32> {
        match self.kind {
            OtpKind::Totp { period } | OtpKind::Steam { period } => Some(period),
            OtpKind::Hotp { .. } => None,
        }
    }

    /// The code shown at `unix_time` (seconds since 1970) for TOTP and Steam;
    /// for HOTP, the code for the current counter (the time is ignored).
    pub fn code_at(&self, unix_time: u64) -> Code {
        match self.kind {
            // totp-rs divides the time by the step itself.
            OtpKind::Totp { period } | OtpKind::Steam { period } => {
                self.generate(u64::from(period), unix_time)
            }
            OtpKind::Hotp { counter } => self.generate(1, counter),
        }
    }

    /// The code for an explicit counter value (RFC 4226). For TOTP and Steam
    /// the counter is the time-step number, `unix_time / period`.
    pub fn code_for_counter(&self, counter: u64) -> Code {
        self.generate(1, counter)
    }

    /// Seconds until the code shown at `unix_time` changes (1 to period);
    /// `None` for HOTP.
    pub fn seconds_left(&self, unix_time: u64) -> Option<u32> {
        let period = self.period()?;
        let into_step = unix_time % u64::from(period);
        // `into_step < period <= 300`, so the difference fits in a u32.
        u32::try_from(u64::from(period) - into_step).ok()
    }

    /// HOTP only: returns the code for the current counter, then moves the
    /// counter on by one (the caller must save the account afterwards).
    ///
    /// Errors (field `counter`) for TOTP/Steam accounts and when the counter
    /// cannot grow any more.
    pub fn advance_counter(&mut self) -> Result<Code> {
        match &mut self.kind {
            OtpKind::Hotp { counter } => {
                let current = *counter;
                let next = current.checked_add(1).ok_or_else(|| {
                    Error::invalid("counter", "has reached its maximum and cannot advance")
                })?;
                *counter = next;
                Ok(self.code_for_counter(current))
            }
            other => Err(Error::invalid(
                "counter",
                format!(
                    "only HOTP accounts have a counter; this one is {}",
                    other.type_name()
                ),
            )),
        }
    }

    /// Runs totp-rs on values validated by [`Otp::new`]: digits are 5 (Steam)
    /// or 6..=8 and `step >= 1`, so `generate` cannot panic.
    fn generate(&self, step: u64, time: u64) -> Code {
        let generator =
            build_generator(self.algorithm, self.digits, &self.kind, step, &self.secret);
        let token = generator.generate(time);
        Code(token.to_string())
    }
}

fn build_generator(
    algorithm: Algorithm,
    digits: u8,
    kind: &OtpKind,
    step: u64,
    secret: &SecretBytes,
) -> totp_rs::Totp {
    let (algorithm, digits) = match kind {
        OtpKind::Steam { .. } => (totp_rs::Algorithm::Steam, STEAM_DIGITS),
        _ => (algorithm.to_totp_rs(), digits),
    };
    totp_rs::Builder::new()
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_step_duration(step.max(1))
        .with_secret(secret.expose())
        .build_noncompliant()
}

impl fmt::Debug for Otp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Otp")
            .field("kind", &self.kind)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("secret", &self.secret)
            .finish()
    }
}

fn check_digits(digits: u8) -> Result<()> {
    if (6..=8).contains(&digits) {
        Ok(())
    } else {
        Err(Error::invalid(
            "digits",
            format!("must be 6, 7 or 8, got {digits}"),
        ))
    }
}

fn check_period(period: u32) -> Result<()> {
    if (1..=MAX_PERIOD).contains(&period) {
        Ok(())
    } else {
        Err(Error::invalid(
            "period",
            format!("must be 1 to {MAX_PERIOD} seconds, got {period}"),
        ))
    }
}

/// A generated code. Codes are meant to be shown, so `Display` prints it;
/// `Debug` does not (so codes never end up in logs), and the text is zeroized
/// on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Code(String);

impl Code {
    /// The code as text, e.g. `"287082"` or `"FR8RV"` (Steam).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code([REDACTED; {} chars])", self.0.len())
    }
}

/// Parses a base32 secret as people and apps actually write it: upper or
/// lower case, with or without `=` padding, grouped with spaces or dashes.
///
/// Errors (field `secret`) give the position (counted in characters, from 1)
/// of the first bad character, never the secret itself.
pub fn parse_secret(text: &str) -> Result<SecretBytes> {
    // Fast path: canonical unpadded base32, as the vault itself writes
    // secrets (a fifth of the work of opening a 10,000-account vault went
    // here). Anything else takes the tolerant path below.
    if let Ok(len) = data_encoding::BASE32_NOPAD.decode_len(text.len()) {
        let mut out = vec![0; len];
        match data_encoding::BASE32_NOPAD.decode_mut(text.as_bytes(), &mut out) {
            Ok(n) if n > 0 => {
                out.truncate(n);
                return Ok(SecretBytes::new(out));
            }
            _ => out.zeroize(),
        }
    }
    let mut out = Vec::with_capacity(text.len() * 5 / 8 + 1);
    let mut buffer: u64 = 0;
    let mut bits: u32 = 0;
    let mut symbols: usize = 0;
    let mut padding_at: Option<usize> = None;
    for (index, c) in text.chars().enumerate() {
        let position = index + 1;
        if c.is_whitespace() || c == '-' {
            continue;
        }
        if c == '=' {
            padding_at.get_or_insert(position);
            continue;
        }
        let value = match c {
            'A'..='Z' => u32::from(c) - u32::from('A'),
            'a'..='z' => u32::from(c) - u32::from('a'),
            '2'..='7' => u32::from(c) - u32::from('2') + 26,
            _ => {
                out.zeroize();
                let hint = match c {
                    '0' | '1' | '8' | '9' => {
                        "; base32 uses the letters A-Z and the digits 2-7 only (a 0 is \
                         probably the letter O, a 1 the letter I or L, an 8 the letter B)"
                    }
                    _ => "; base32 uses the letters A-Z and the digits 2-7 only",
                };
                return Err(Error::invalid(
                    "secret",
                    format!("character {position} is not base32{hint}"),
                ));
            }
        };
        if let Some(pad) = padding_at {
            out.zeroize();
            return Err(Error::invalid(
                "secret",
                format!(
                    "character {position} comes after the '=' padding at character {pad}; \
                     padding may only end the secret"
                ),
            ));
        }
        symbols += 1;
        buffer = (buffer << 5) | u64::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            // Truncation to the low byte is the point here.
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    buffer.zeroize();
    if symbols == 0 {
        return Err(Error::invalid(
            "secret",
            "is empty (expected base32 text such as the one shown next to the QR code)",
        ));
    }
    if matches!(symbols % 8, 1 | 3 | 6) {
        out.zeroize();
        return Err(Error::invalid(
            "secret",
            format!(
                "has {symbols} base32 characters, a length no key encodes to; \
                 check for a missing or extra character"
            ),
        ));
    }
    Ok(SecretBytes::new(out))
}

/// What [`parse_uri`] found in an otpauth URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUri {
    /// The service (`GitHub`), from the label prefix or else the `issuer`
    /// parameter; `None` when neither is given.
    pub issuer: Option<String>,
    /// The account name (`alice@example.com`); empty when the URI has none
    /// (e.g. `steam://SECRET`).
    pub name: String,
    /// The validated generator.
    pub otp: Otp,
    /// Non-fatal findings to show the user (a mismatched issuer, an ignored
    /// parameter...). Never contains the secret.
    pub notes: Vec<String>,
}

/// Parses an `otpauth://totp/...`, `otpauth://hotp/...`,
/// `otpauth://steam/...` or `steam://SECRET` URI, tolerating what real apps
/// write (see `formats.md`): percent-encoding everywhere, `+` for spaces,
/// `%3A` for the label colon, lower-case or padded secrets.
///
/// Errors name the field (`uri`, `type`, `secret`, `algorithm`, `digits`,
/// `period`, `counter`...) and never contain the secret or the whole URI.
pub fn parse_uri(uri: &str) -> Result<ParsedUri> {
    let uri = uri.trim();
    let Some((scheme, rest)) = uri.split_once("://") else {
        return Err(Error::invalid(
            "uri",
            "expected a URI starting with otpauth:// (such as the text of a 2FA QR code)",
        ));
    };
    if scheme.eq_ignore_ascii_case("steam") {
        return parse_steam_uri(rest);
    }
    if scheme.eq_ignore_ascii_case("otpauth-migration") {
        return Err(Error::invalid(
            "uri",
            "this is a Google Authenticator export (otpauth-migration://), which holds \
             several accounts; import it with `import --format google-migration`",
        ));
    }
    if !scheme.eq_ignore_ascii_case("otpauth") {
        return Err(Error::invalid(
            "uri",
            format!(
                "expected a URI starting with otpauth://, got {}; Google Authenticator \
                 exports (otpauth-migration://) are imported with `import --format google-migration`",
                if scheme.len() < 16 && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
                    format!("a {scheme}:// URI")
                } else {
                    "something else".to_owned()
                }
            ),
        ));
    }

    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, query),
        None => (rest, ""),
    };
    let (type_text, raw_label) = match path.split_once('/') {
        Some((t, label)) => (t, label),
        None => (path, ""),
    };
    let mut steam = false;
    let hotp = if type_text.eq_ignore_ascii_case("totp") {
        false
    } else if type_text.eq_ignore_ascii_case("hotp") {
        true
    } else if type_text.eq_ignore_ascii_case("steam") {
        steam = true;
        false
    } else {
        return Err(Error::invalid(
            "type",
            format!(
                "{} is not supported; expected otpauth://totp/, otpauth://hotp/ or otpauth://steam/",
                shown(type_text)
            ),
        ));
    };

    let mut notes = Vec::new();
    let (label_issuer, name) = parse_label(raw_label)?;
    let context = match &label_issuer {
        Some(issuer) => format!(" (account \"{issuer}:{name}\")"),
        None => format!(" (account \"{name}\")"),
    };
    let with_context = |e: Error| match e {
        Error::InvalidInput { field, reason } => Error::InvalidInput {
            field,
            reason: format!("{reason}{context}"),
        },
        other => other,
    };

    let params = parse_query(query, &mut notes).map_err(with_context)?;
    let get = |key: &str| -> Option<&Param> { params.iter().find(|p| p.key == key) };

    let secret = match get("secret") {
        Some(p) if !p.value.trim().is_empty() => parse_secret(&p.value).map_err(with_context)?,
        _ => {
            return Err(with_context(Error::invalid(
                "secret",
                "the URI has no secret= parameter; it is required",
            )))
        }
    };

    if let Some(p) = get("encoder") {
        if p.value.eq_ignore_ascii_case("steam") {
            steam = true;
        } else {
            notes.push(format!(
                "encoder parameter {} is unknown and was ignored",
                shown(&p.value)
            ));
        }
    }
    if steam && hotp {
        return Err(with_context(Error::invalid(
            "type",
            "Steam codes are time-based, but the URI says hotp",
        )));
    }

    let algorithm = match get("algorithm") {
        Some(p) => p.value.parse::<Algorithm>().map_err(with_context)?,
        None => Algorithm::Sha1,
    };

    let digits = match get("digits") {
        Some(p) => {
            let value = p.value.trim();
            if steam {
                if value != "5" {
                    notes.push(format!(
                        "digits parameter {} was ignored: Steam codes always have 5 characters",
                        shown(value)
                    ));
                }
                STEAM_DIGITS
            } else {
                let digits = value.parse::<u8>().map_err(|_| {
                    with_context(Error::invalid(
                        "digits",
                        format!("must be 6, 7 or 8, got {}", shown(value)),
                    ))
                })?;
                check_digits(digits).map_err(with_context)?;
                digits
            }
        }
        None if steam => STEAM_DIGITS,
        None => 6,
    };

    let kind = if hotp {
        let Some(p) = get("counter") else {
            return Err(with_context(Error::invalid(
                "counter",
                "an hotp URI needs a counter= parameter",
            )));
        };
        let counter = p.value.trim().parse::<u64>().map_err(|_| {
            with_context(Error::invalid(
                "counter",
                format!(
                    "must be a whole number of 0 or more, got {}",
                    shown(&p.value)
                ),
            ))
        })?;
        OtpKind::Hotp { counter }
    } else {
        let period = match get("period") {
            Some(p) => {
                let value = p.value.trim();
                let period = value.parse::<u32>().map_err(|_| {
                    with_context(Error::invalid(
                        "period",
                        format!("must be 1 to {MAX_PERIOD} seconds, got {}", shown(value)),
                    ))
                })?;
                check_period(period).map_err(with_context)?;
                period
            }
            None => DEFAULT_PERIOD,
        };
        if steam {
            OtpKind::Steam { period }
        } else {
            OtpKind::Totp { period }
        }
    };

    let param_issuer = get("issuer")
        .map(|p| p.value.trim().to_owned())
        .filter(|s| !s.is_empty());
    let issuer = match (label_issuer, param_issuer) {
        (Some(label), Some(param)) => {
            if label != param {
                notes.push(format!(
                    "issuer parameter \"{param}\" differs from the label's \"{label}\"; kept the label's"
                ));
            }
            Some(label)
        }
        (Some(label), None) => Some(label),
        (None, param) => param,
    };

    let otp = Otp::new(kind, algorithm, digits, secret).map_err(with_context)?;
    Ok(ParsedUri {
        issuer,
        name,
        otp,
        notes,
    })
}

/// `steam://SECRET`, as Bitwarden and some others store Steam accounts.
fn parse_steam_uri(rest: &str) -> Result<ParsedUri> {
    let raw = rest.trim_end_matches('/');
    let decoded = decode_component(raw, true)
        .map_err(|_| Error::invalid("secret", "is not valid text after percent-decoding"))?;
    let secret = parse_secret(&decoded)?;
    let otp = Otp::new(
        OtpKind::Steam {
            period: DEFAULT_PERIOD,
        },
        Algorithm::Sha1,
        STEAM_DIGITS,
        secret,
    )?;
    Ok(ParsedUri {
        issuer: Some("Steam".to_owned()),
        name: String::new(),
        otp,
        notes: vec!["steam:// URIs carry no account name; add one".to_owned()],
    })
}

/// Splits and decodes `issuer:account` (colon possibly `%3A`, spaces after
/// it, `+` for spaces). In an account that looks like an e-mail address a
/// `+` is kept (`alice+2fa@example.com`).
///
/// The first literal `:` separates issuer and account; only when there is
/// none does the first `%3A` do so. [`to_uri`] writes the separator as a
/// literal colon and colons inside names as `%3A`, so names with colons
/// survive a round trip.
fn parse_label(raw: &str) -> Result<(Option<String>, String)> {
    let bad_label = |_| Error::invalid("label", "is not valid UTF-8 after percent-decoding");
    let split = match raw.find(':') {
        Some(at) => Some((at, 1)),
        None => raw.to_ascii_lowercase().find("%3a").map(|at| (at, 3)),
    };
    let (raw_issuer, raw_account) = match split {
        Some((at, len)) => (Some(&raw[..at]), &raw[at + len..]),
        None => (None, raw),
    };
    let account_plus_is_space = !raw_account.contains('@');
    let name = decode_component(raw_account, account_plus_is_space)
        .map_err(bad_label)?
        .trim()
        .to_owned();
    let issuer = match raw_issuer {
        Some(raw_issuer) => {
            let issuer = decode_component(raw_issuer, true)
                .map_err(bad_label)?
                .trim()
                .to_owned();
            Some(issuer).filter(|s| !s.is_empty())
        }
        None => None,
    };
    Ok((issuer, name))
}

/// One query parameter, its value decoded and zeroized on drop (the
/// `secret` value is one of them).
struct Param {
    key: String,
    value: Zeroizing<String>,
}

fn parse_query(query: &str, notes: &mut Vec<String>) -> Result<Vec<Param>> {
    let mut params: Vec<Param> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode_component(raw_key, true)
            .map(|k| k.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let value = decode_component(raw_value, true).map_err(|_| {
            Error::invalid(
                if key.is_empty() { "uri" } else { key.as_str() },
                "is not valid UTF-8 after percent-decoding",
            )
        })?;
        if params.iter().any(|p| p.key == key) {
            notes.push(format!(
                "parameter {} appears more than once; the first was used",
                shown(&key)
            ));
            continue;
        }
        params.push(Param { key, value });
    }
    Ok(params)
}

/// Percent-decodes one URI component; `+` becomes a space first when asked.
/// The returned text is zeroized on drop, and so are the intermediate bytes.
fn decode_component(raw: &str, plus_is_space: bool) -> Result<Zeroizing<String>, ()> {
    // A literal '+' (not "%2B") in the raw text is a space, so swap it before
    // decoding.
    let swapped;
    let source = if plus_is_space && raw.contains('+') {
        swapped = Zeroizing::new(raw.replace('+', " "));
        swapped.as_str()
    } else {
        raw
    };
    let bytes: Vec<u8> = percent_decode_str(source).collect();
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Zeroizing::new(text)),
        Err(err) => {
            let mut bytes = err.into_bytes();
            bytes.zeroize();
            Err(())
        }
    }
}

/// Unreserved characters (RFC 3986) stay as they are; everything else,
/// including `:`, `@`, spaces and `+`, is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Writes the otpauth URI other apps import:
/// `otpauth://totp/Issuer:name?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30`.
///
/// HOTP writes `counter=` instead of `period=`; Steam writes
/// `otpauth://totp/...&encoder=steam&digits=5` (the form KeePassXC and
/// others read, and which [`parse_uri`] reads back as Steam). An empty
/// `issuer` leaves the issuer out. Colons inside `issuer` or `name` are
/// written as `%3A` and the label separator as a literal `:`, so
/// `parse_uri(to_uri(..))` gives back the same issuer, name and generator
/// (names are trimmed of surrounding spaces). The result contains the secret.
pub fn to_uri(issuer: &str, name: &str, otp: &Otp) -> SecretString {
    let issuer = issuer.trim();
    let mut secret = data_encoding::BASE32_NOPAD.encode(otp.secret.expose());
    let mut uri = String::with_capacity(128 + secret.len() + 3 * (issuer.len() * 2 + name.len()));
    uri.push_str("otpauth://");
    uri.push_str(match otp.kind {
        OtpKind::Hotp { .. } => "hotp",
        OtpKind::Totp { .. } | OtpKind::Steam { .. } => "totp",
    });
    uri.push('/');
    if !issuer.is_empty() {
        uri.extend(utf8_percent_encode(issuer, COMPONENT));
        uri.push(':');
    } else if name.contains(':') {
        // An empty issuer before the colon keeps `name`'s own (encoded)
        // colon from being read as the separator.
        uri.push(':');
    }
    uri.extend(utf8_percent_encode(name, COMPONENT));
    uri.push_str("?secret=");
    uri.push_str(&secret);
    secret.zeroize();
    if !issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.extend(utf8_percent_encode(issuer, COMPONENT));
    }
    let tail = match otp.kind {
        OtpKind::Totp { period } => format!(
            "&algorithm={}&digits={}&period={period}",
            otp.algorithm, otp.digits
        ),
        OtpKind::Hotp { counter } => format!(
            "&algorithm={}&digits={}&counter={counter}",
            otp.algorithm, otp.digits
        ),
        OtpKind::Steam { period } => {
            format!("&algorithm=SHA1&digits={STEAM_DIGITS}&period={period}&encoder=steam")
        }
    };
    uri.push_str(&tail);
    secret_string(uri)
}

/// A value from the outside world, quoted and cut short for an error
/// message. Only used for values that are not secret (digits, algorithm...).
fn shown(value: &str) -> String {
    const MAX: usize = 24;
    let mut cut: String = value.chars().take(MAX).collect();
    if value.chars().count() > MAX {
        cut.push('…');
    }
    format!("{cut:?}")
}

// ----- serde: the vault document's shape -----

/// The on-disk shape of an [`Otp`]:
/// `{"type":"totp","secret":"BASE32","algorithm":"SHA1","digits":6,"period":30}`.
/// The base32 secret is zeroized when this is dropped.
///
/// Text fields borrow from the decrypted document where they can, so a
/// secret is not copied once more on its way to [`SecretBytes`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OtpDoc<'a> {
    #[serde(rename = "type")]
    kind: KindTag,
    #[serde(borrow)]
    secret: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    algorithm: Option<Cow<'a, str>>,
    // Numbers are read as any JSON value and checked here, so that an error
    // names the field ("invalid digits: must be 6, 7 or 8, got 300") instead of
    // serde's anonymous "expected u8".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digits: Option<DocNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<DocNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<DocNumber>,
}

/// A number field of an [`OtpDoc`]: a whole number of 0 or more, or, for
/// any other JSON value, how an error message describes what was found.
///
/// It reads the same values a `serde_json::Value` would and describes them
/// the same way, without building one (a `Value` per field was a sizable
/// part of reading a large vault).
#[derive(Debug, PartialEq)]
enum DocNumber {
    Whole(u64),
    Other(String),
}

impl Serialize for DocNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            DocNumber::Whole(n) => serializer.serialize_u64(*n),
            // Only ever built by deserializing; `Otp` serializes whole numbers.
            DocNumber::Other(_) => Err(serde::ser::Error::custom("not a whole number")),
        }
    }
}

impl<'de> Deserialize<'de> for DocNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DocNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Whole(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<DocNumber, E> {
                Ok(match u64::try_from(v) {
                    Ok(v) => DocNumber::Whole(v),
                    Err(_) => DocNumber::Other(serde_json::Number::from(v).to_string()),
                })
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<DocNumber, E> {
                // As `serde_json::Value` prints it (JSON has no NaN or infinity).
                Ok(DocNumber::Other(match serde_json::Number::from_f64(v) {
                    Some(n) => n.to_string(),
                    None => "null".to_owned(),
                }))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Other(
                    "text (write the number without quotes)".to_owned(),
                ))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Other(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Other("null".to_owned()))
            }
            fn visit_none<E: serde::de::Error>(self) -> std::result::Result<DocNumber, E> {
                self.visit_unit()
            }
            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> std::result::Result<DocNumber, D::Error> {
                DocNumber::deserialize(deserializer)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<DocNumber, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(DocNumber::Other("a list".to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<DocNumber, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(DocNumber::Other("an object".to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Drop for OtpDoc<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(secret) = &mut self.secret {
            secret.zeroize();
        }
    }
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KindTag {
    Totp,
    Hotp,
    Steam,
}

impl Serialize for Otp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let secret = Cow::Owned(data_encoding::BASE32_NOPAD.encode(self.secret.expose()));
        let doc = match self.kind {
            OtpKind::Totp { period } => OtpDoc {
                kind: KindTag::Totp,
                secret,
                algorithm: Some(Cow::Borrowed(self.algorithm.as_str())),
                digits: Some(DocNumber::Whole(self.digits.into())),
                period: Some(DocNumber::Whole(period.into())),
                counter: None,
            },
            OtpKind::Hotp { counter } => OtpDoc {
                kind: KindTag::Hotp,
                secret,
                algorithm: Some(Cow::Borrowed(self.algorithm.as_str())),
                digits: Some(DocNumber::Whole(self.digits.into())),
                period: None,
                counter: Some(DocNumber::Whole(counter)),
            },
            OtpKind::Steam { period } => OtpDoc {
                kind: KindTag::Steam,
                secret,
                algorithm: None,
                digits: None,
                period: Some(DocNumber::Whole(period.into())),
                counter: None,
            },
        };
        doc.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Otp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let doc = OtpDoc::deserialize(deserializer)?;
        otp_from_doc(&doc).map_err(serde::de::Error::custom)
    }
}

/// A non-negative whole number from a vault document, or an error naming
/// `field`.
fn doc_number(value: &Option<DocNumber>, field: &str, expected: &str) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(DocNumber::Whole(n)) => Ok(Some(*n)),
        Some(DocNumber::Other(got)) => Err(Error::invalid(
            field,
            format!("must be {expected}, got {got}"),
        )),
    }
}

fn otp_from_doc(doc: &OtpDoc<'_>) -> Result<Otp> {
    let type_name = match doc.kind {
        KindTag::Totp => "totp",
        KindTag::Hotp => "hotp",
        KindTag::Steam => "steam",
    };
    let not_for = |field: &str| {
        Error::invalid(
            field,
            format!("does not apply to a {type_name} entry; remove it"),
        )
    };
    let digits = doc_number(&doc.digits, "digits", "6, 7 or 8")?;
    let period = doc_number(&doc.period, "period", "1 to 300 seconds")?;
    let counter = doc_number(&doc.counter, "counter", "a whole number of 0 or more")?;
    let digits = match digits {
        Some(d) => Some(
            u8::try_from(d)
                .map_err(|_| Error::invalid("digits", format!("must be 6, 7 or 8, got {d}")))?,
        ),
        None => None,
    };
    let period = match period {
        Some(p) => Some(u32::try_from(p).map_err(|_| {
            Error::invalid(
                "period",
                format!("must be 1 to {MAX_PERIOD} seconds, got {p}"),
            )
        })?),
        None => None,
    };
    let secret = parse_secret(&doc.secret)?;
    let algorithm = match &doc.algorithm {
        Some(text) => text.parse::<Algorithm>()?,
        None => Algorithm::Sha1,
    };
    match doc.kind {
        KindTag::Totp => {
            if counter.is_some() {
                return Err(not_for("counter"));
            }
            Otp::new(
                OtpKind::Totp {
                    period: period.unwrap_or(DEFAULT_PERIOD),
                },
                algorithm,
                digits.unwrap_or(6),
                secret,
            )
        }
        KindTag::Hotp => {
            if period.is_some() {
                return Err(not_for("period"));
            }
            let counter = counter
                .ok_or_else(|| Error::invalid("counter", "is missing from an hotp entry"))?;
            Otp::new(
                OtpKind::Hotp { counter },
                algorithm,
                digits.unwrap_or(6),
                secret,
            )
        }
        KindTag::Steam => {
            if counter.is_some() {
                return Err(not_for("counter"));
            }
            if let Some(digits) = digits.filter(|d| *d != STEAM_DIGITS) {
                return Err(Error::invalid(
                    "digits",
                    format!("Steam codes always have 5 characters, got {digits}"),
                ));
            }
            Otp::new(
                OtpKind::Steam {
                    period: period.unwrap_or(DEFAULT_PERIOD),
                },
                algorithm,
                STEAM_DIGITS,
                secret,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::secret::ExposeSecret;
    use proptest::prelude::*;

    const RFC_SEED_SHA1: &[u8] = b"12345678901234567890";
    const RFC_SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const RFC_SEED_SHA512: &[u8] =
        b"1234567890123456789012345678901234567890123456789012345678901234";

    fn otp(kind: OtpKind, algorithm: Algorithm, digits: u8, secret: &[u8]) -> Otp {
        Otp::new(kind, algorithm, digits, SecretBytes::new(secret.to_vec())).unwrap()
    }

    fn reason(err: Error) -> (String, String) {
        match err {
            Error::InvalidInput { field, reason } => (field, reason),
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[track_caller]
    fn rejected(uri: &str, field: &str) -> String {
        let err = parse_uri(uri).expect_err(uri);
        let message = err.to_string();
        let (got_field, _) = reason(err);
        assert_eq!(got_field, field, "{uri}: {message}");
        assert!(message.contains(field), "{message}");
        message
    }

    // ----- RFC vectors -----

    /// RFC 4226 Appendix D.
    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let hotp = otp(
            OtpKind::Hotp { counter: 0 },
            Algorithm::Sha1,
            6,
            RFC_SEED_SHA1,
        );
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(hotp.code_for_counter(counter as u64).as_str(), *want);
        }
        // The same through advance_counter and code_at.
        let mut hotp = hotp;
        for want in expected {
            assert_eq!(hotp.code_at(1_234_567).as_str(), want);
            assert_eq!(hotp.advance_counter().unwrap().as_str(), want);
        }
        assert_eq!(hotp.kind(), &OtpKind::Hotp { counter: 10 });
    }

    /// RFC 6238 Appendix B.
    #[test]
    fn rfc6238_totp_vectors() {
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        let period = OtpKind::Totp { period: 30 };
        let sha1 = otp(period.clone(), Algorithm::Sha1, 8, RFC_SEED_SHA1);
        let sha256 = otp(period.clone(), Algorithm::Sha256, 8, RFC_SEED_SHA256);
        let sha512 = otp(period, Algorithm::Sha512, 8, RFC_SEED_SHA512);
        for (time, want1, want256, want512) in table {
            assert_eq!(sha1.code_at(time).as_str(), want1, "SHA1 at {time}");
            assert_eq!(sha256.code_at(time).as_str(), want256, "SHA256 at {time}");
            assert_eq!(sha512.code_at(time).as_str(), want512, "SHA512 at {time}");
        }
    }

    // ----- Steam -----

    const STEAM_ALPHABET: &[u8] = b"23456789BCDFGHJKMNPQRTVWXY";

    /// Independent Steam encoding of a 31-bit truncated HOTP value.
    fn steam_chars(mut value: u32) -> String {
        value &= 0x7fff_ffff;
        let mut out = String::new();
        for _ in 0..5 {
            out.push(char::from(STEAM_ALPHABET[(value % 26) as usize]));
            value /= 26;
        }
        out
    }

    /// RFC 4226 Appendix D lists the full 31-bit truncated values; Steam
    /// codes are those values written in Steam's alphabet.
    #[test]
    fn steam_matches_independent_encoding_of_rfc4226_values() {
        let truncated: [u32; 10] = [
            1284755224, 1094287082, 137359152, 1726969429, 1640338314, 868254676, 1918287922,
            82162583, 673399871, 645520489,
        ];
        let steam = otp(
            OtpKind::Steam { period: 30 },
            Algorithm::Sha1,
            5,
            RFC_SEED_SHA1,
        );
        for (counter, value) in truncated.iter().enumerate() {
            assert_eq!(
                steam.code_for_counter(counter as u64).as_str(),
                steam_chars(*value),
                "counter {counter}"
            );
            // Time-based: counter * 30 is in step `counter`.
            assert_eq!(
                steam.code_at(counter as u64 * 30 + 29).as_str(),
                steam_chars(*value)
            );
        }
    }

    /// Vector from KeePassXC's test suite (tests/TestTotp.cpp).
    #[test]
    fn steam_known_vector() {
        let secret = parse_secret("63BEDWCQZKTQWPESARIERL5DTTQFCJTK").unwrap();
        let steam = Otp::new(OtpKind::Steam { period: 30 }, Algorithm::Sha1, 5, secret).unwrap();
        assert_eq!(steam.code_at(1511200518).as_str(), "FR8RV");
        assert_eq!(steam.code_at(1511200714).as_str(), "9P3VP");
        assert_eq!(steam.digits(), 5);
    }

    #[test]
    fn steam_forces_five_digits_and_sha1() {
        let steam = otp(
            OtpKind::Steam { period: 30 },
            Algorithm::Sha1,
            8,
            b"0123456789",
        );
        assert_eq!(steam.digits(), 5);
        assert_eq!(steam.code_at(0).as_str().len(), 5);
        let err = Otp::new(
            OtpKind::Steam { period: 30 },
            Algorithm::Sha256,
            5,
            SecretBytes::new(b"0123456789".to_vec()),
        )
        .unwrap_err();
        assert_eq!(reason(err).0, "algorithm");
    }

    // ----- Otp::new and accessors -----

    #[test]
    fn new_validates_each_field() {
        let s = || SecretBytes::new(vec![7; 10]);
        let totp = |p| OtpKind::Totp { period: p };
        let field = |r: Result<Otp>| reason(r.unwrap_err());

        assert_eq!(
            field(Otp::new(totp(30), Algorithm::Sha1, 9, s())).0,
            "digits"
        );
        let (f, r) = field(Otp::new(totp(30), Algorithm::Sha1, 5, s()));
        assert_eq!(
            (f.as_str(), r.as_str()),
            ("digits", "must be 6, 7 or 8, got 5")
        );
        assert_eq!(
            field(Otp::new(
                OtpKind::Hotp { counter: 0 },
                Algorithm::Sha1,
                4,
                s()
            ))
            .0,
            "digits"
        );
        assert_eq!(
            field(Otp::new(totp(0), Algorithm::Sha1, 6, s())).0,
            "period"
        );
        assert_eq!(
            field(Otp::new(totp(301), Algorithm::Sha1, 6, s())).0,
            "period"
        );
        assert_eq!(
            field(Otp::new(
                OtpKind::Steam { period: 0 },
                Algorithm::Sha1,
                5,
                s()
            ))
            .0,
            "period"
        );
        let empty = SecretBytes::new(Vec::new());
        assert_eq!(
            field(Otp::new(totp(30), Algorithm::Sha1, 6, empty)).0,
            "secret"
        );
        let huge = SecretBytes::new(vec![1; MAX_SECRET_BYTES + 1]);
        assert_eq!(
            field(Otp::new(totp(30), Algorithm::Sha1, 6, huge)).0,
            "secret"
        );

        // Bounds that are accepted.
        for (period, digits, len) in [(1, 6, 1), (300, 8, MAX_SECRET_BYTES), (30, 7, 10)] {
            let secret = SecretBytes::new(vec![3; len]);
            let o = Otp::new(totp(period), Algorithm::Sha512, digits, secret).unwrap();
            assert_eq!(o.code_at(1_700_000_000).as_str().len(), usize::from(digits));
        }
    }

    #[test]
    fn accessors() {
        let o = otp(
            OtpKind::Totp { period: 60 },
            Algorithm::Sha256,
            7,
            b"hello world",
        );
        assert_eq!(o.kind(), &OtpKind::Totp { period: 60 });
        assert_eq!(o.algorithm(), Algorithm::Sha256);
        assert_eq!(o.digits(), 7);
        assert_eq!(o.secret().expose(), b"hello world");
        assert_eq!(o.secret_base32().expose_secret(), "NBSWY3DPEB3W64TMMQ");
        assert_eq!(o.period(), Some(60));
        let h = otp(
            OtpKind::Hotp { counter: 3 },
            Algorithm::Sha1,
            6,
            b"hello world",
        );
        assert_eq!(h.period(), None);
        assert_eq!(h.seconds_left(100), None);
    }

    #[test]
    fn seconds_left_counts_down_to_one() {
        let o = otp(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            6,
            b"0123456789",
        );
        assert_eq!(o.seconds_left(0), Some(30));
        assert_eq!(o.seconds_left(1), Some(29));
        assert_eq!(o.seconds_left(29), Some(1));
        assert_eq!(o.seconds_left(30), Some(30));
        assert_eq!(o.seconds_left(u64::MAX), Some(30 - (u64::MAX % 30) as u32));
        // The code changes exactly when seconds_left says it will.
        let t = 1_700_000_011;
        let left = u64::from(o.seconds_left(t).unwrap());
        assert_eq!(o.code_at(t), o.code_at(t + left - 1));
        assert_eq!(o.code_for_counter((t + left) / 30), o.code_at(t + left));
    }

    #[test]
    fn advance_counter_rules() {
        let mut totp = otp(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            6,
            b"0123456789",
        );
        assert_eq!(reason(totp.advance_counter().unwrap_err()).0, "counter");
        let mut last = otp(
            OtpKind::Hotp { counter: u64::MAX },
            Algorithm::Sha1,
            6,
            b"0123456789",
        );
        assert_eq!(reason(last.advance_counter().unwrap_err()).0, "counter");
        assert_eq!(last.kind(), &OtpKind::Hotp { counter: u64::MAX });
        let mut h = otp(
            OtpKind::Hotp {
                counter: u64::MAX - 1,
            },
            Algorithm::Sha1,
            6,
            b"0123456789",
        );
        let code = h.advance_counter().unwrap();
        assert_eq!(code, h.code_for_counter(u64::MAX - 1));
        assert_eq!(h.kind(), &OtpKind::Hotp { counter: u64::MAX });
    }

    // ----- Algorithm -----

    #[test]
    fn algorithm_names() {
        for (text, want) in [
            ("SHA1", Algorithm::Sha1),
            ("sha1", Algorithm::Sha1),
            ("sha-1", Algorithm::Sha1),
            ("SHA256", Algorithm::Sha256),
            ("SHA-256", Algorithm::Sha256),
            ("sha_256", Algorithm::Sha256),
            ("Sha512", Algorithm::Sha512),
            (" SHA-512 ", Algorithm::Sha512),
        ] {
            assert_eq!(text.parse::<Algorithm>().unwrap(), want, "{text}");
        }
        for bad in ["MD5", "", "SHA3", "SHA-1024"] {
            assert_eq!(reason(bad.parse::<Algorithm>().unwrap_err()).0, "algorithm");
        }
        assert_eq!(Algorithm::Sha1.to_string(), "SHA1");
        assert_eq!(Algorithm::Sha256.to_string(), "SHA256");
        assert_eq!(Algorithm::Sha512.to_string(), "SHA512");
    }

    // ----- parse_secret -----

    #[test]
    fn parse_secret_is_tolerant() {
        let want = b"Hello!\xde\xad\xbe\xef";
        for text in [
            "JBSWY3DPEHPK3PXP",
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            " JBSWY3DPEHPK3PXP\n",
        ] {
            let s = parse_secret(text).unwrap();
            assert_eq!(s.expose(), &want[..10], "{text}");
        }
        // Padding present or missing.
        assert_eq!(parse_secret("NBSWY3DP").unwrap().expose(), b"hello");
        assert_eq!(
            parse_secret("NBSWY3DPEE======").unwrap().expose(),
            b"hello!"
        );
        assert_eq!(parse_secret("NBSWY3DPEE").unwrap().expose(), b"hello!");
        assert_eq!(parse_secret("nbswy3dpee==").unwrap().expose(), b"hello!");
        // Non-zero trailing bits (from generators that pick random
        // characters) are tolerated: "NBSWY3DPEF" decodes like "...EE".
        assert_eq!(parse_secret("NBSWY3DPEF").unwrap().expose(), b"hello!");
    }

    #[test]
    fn parse_secret_errors_name_position_not_secret() {
        let err = parse_secret("JBSWY3DPEH0K3PXP").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("character 11"), "{message}");
        assert!(message.contains("letter O"), "{message}");
        assert!(!message.contains("JBSW"), "{message}");
        assert_eq!(reason(err).0, "secret");

        let message = parse_secret("abc!defg").unwrap_err().to_string();
        assert!(message.contains("character 4"), "{message}");
        // Positions count characters, not bytes.
        let message = parse_secret("éabc").unwrap_err().to_string();
        assert!(message.contains("character 1 "), "{message}");
        let message = parse_secret("NBSW=Y3DP").unwrap_err().to_string();
        assert!(message.contains("character 6"), "{message}");

        for empty in ["", "   ", "====", "- -"] {
            let err = parse_secret(empty).unwrap_err();
            assert_eq!(reason(err).0, "secret", "{empty:?}");
        }
        // 1, 3 or 6 leftover characters cannot come from any key.
        for bad_len in ["A", "NBSWY3DPE", "NBS", "NBSWY3"] {
            let message = parse_secret(bad_len).unwrap_err().to_string();
            assert!(message.contains("base32 characters"), "{message}");
        }
    }

    // ----- parse_uri -----

    #[test]
    fn parse_uri_plain() {
        let p = parse_uri(
            "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30",
        )
        .unwrap();
        assert_eq!(p.issuer.as_deref(), Some("ACME Co"));
        assert_eq!(p.name, "john.doe@email.com");
        assert_eq!(p.otp.kind(), &OtpKind::Totp { period: 30 });
        assert_eq!(p.otp.algorithm(), Algorithm::Sha1);
        assert_eq!(p.otp.digits(), 6);
        assert_eq!(p.otp.secret().len(), 20);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
    }

    #[test]
    fn parse_uri_defaults_and_sloppy_forms() {
        // Lower-case secret with spaces (as %20 and +), padding, 80-bit
        // secret, %3A colon with a space after it, '+' as space in the label.
        let p = parse_uri(
            "OTPAUTH://TOTP/Big+Bank%3A%20Jane+Doe?secret=jbsw%20y3dp+ehpk+3pxp%3D%3D%3D%3D%3D%3D",
        )
        .unwrap();
        assert_eq!(p.issuer.as_deref(), Some("Big Bank"));
        assert_eq!(p.name, "Jane Doe");
        assert_eq!(p.otp.secret().len(), 10);
        assert_eq!(p.otp.kind(), &OtpKind::Totp { period: 30 });
        assert_eq!(p.otp.digits(), 6);
        assert_eq!(p.otp.algorithm(), Algorithm::Sha1);

        // Literal colon followed by spaces; account only; issuer param only.
        let p = parse_uri("otpauth://totp/GitHub:  octocat?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(p.issuer.as_deref(), Some("GitHub"));
        assert_eq!(p.name, "octocat");
        let p = parse_uri("otpauth://totp/octocat?secret=JBSWY3DPEHPK3PXP&issuer=Git+Hub").unwrap();
        assert_eq!(p.issuer.as_deref(), Some("Git Hub"));
        assert_eq!(p.name, "octocat");
        let p = parse_uri("otpauth://totp/octocat?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(p.issuer, None);

        // Plus-addressed e-mail keeps its '+'; %2B is always '+'.
        let p =
            parse_uri("otpauth://totp/Mail:alice+2fa@example.com?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(p.name, "alice+2fa@example.com");
        let p = parse_uri("otpauth://totp/Mail:a%2Bb?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(p.name, "a+b");

        // Non-ASCII, upper-case parameter names, unknown parameters, other
        // algorithms and digits, whitespace around the URI.
        let p = parse_uri(
            "  otpauth://totp/B%C3%BCro:J%C3%BCrgen?SECRET=JBSWY3DPEHPK3PXP&Algorithm=sha-512&digits=8&period=60&image=https%3A%2F%2Fx.invalid%2Fa.png\n",
        )
        .unwrap();
        assert_eq!(p.issuer.as_deref(), Some("Büro"));
        assert_eq!(p.name, "Jürgen");
        assert_eq!(p.otp.algorithm(), Algorithm::Sha512);
        assert_eq!(p.otp.digits(), 8);
        assert_eq!(p.otp.period(), Some(60));

        // No label at all.
        let p = parse_uri("otpauth://totp?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(p.name, "");
    }

    #[test]
    fn parse_uri_issuer_mismatch_keeps_label_and_notes_it() {
        let p = parse_uri("otpauth://totp/Y:bob?secret=JBSWY3DPEHPK3PXP&issuer=X").unwrap();
        assert_eq!(p.issuer.as_deref(), Some("Y"));
        assert_eq!(
            p.notes,
            vec![
                "issuer parameter \"X\" differs from the label's \"Y\"; kept the label's"
                    .to_owned()
            ]
        );
        let p = parse_uri("otpauth://totp/Y:bob?secret=JBSWY3DPEHPK3PXP&issuer=Y").unwrap();
        assert!(p.notes.is_empty());
    }

    #[test]
    fn parse_uri_hotp_and_steam() {
        let p = parse_uri("otpauth://hotp/Corp:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7&digits=8&algorithm=SHA256").unwrap();
        assert_eq!(p.otp.kind(), &OtpKind::Hotp { counter: 7 });
        assert_eq!(p.otp.digits(), 8);
        assert_eq!(p.otp.algorithm(), Algorithm::Sha256);

        for uri in [
            "otpauth://steam/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&issuer=Steam",
            "otpauth://totp/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=steam&digits=5",
            "otpauth://totp/Steam:gamer?secret=63BEDWCQZKTQWPESARIERL5DTTQFCJTK&encoder=Steam&period=30&algorithm=SHA1",
        ] {
            let p = parse_uri(uri).unwrap();
            assert_eq!(p.otp.kind(), &OtpKind::Steam { period: 30 }, "{uri}");
            assert_eq!(p.issuer.as_deref(), Some("Steam"));
            assert_eq!(p.name, "gamer");
            assert_eq!(p.otp.code_at(1511200518).as_str(), "FR8RV");
            assert!(p.notes.is_empty(), "{:?}", p.notes);
        }
        let p = parse_uri("steam://63BEDWCQZKTQWPESARIERL5DTTQFCJTK").unwrap();
        assert_eq!(p.otp.kind(), &OtpKind::Steam { period: 30 });
        assert_eq!(p.issuer.as_deref(), Some("Steam"));
        assert_eq!(p.otp.code_at(1511200714).as_str(), "9P3VP");

        // digits=6 on a Steam URI is ignored, with a note.
        let p = parse_uri("otpauth://steam/x?secret=JBSWY3DPEHPK3PXP&digits=6").unwrap();
        assert_eq!(p.otp.digits(), 5);
        assert_eq!(p.notes.len(), 1);
    }

    #[test]
    fn parse_uri_rejections_name_the_field() {
        let secret = "JBSWY3DPEHPK3PXP";
        let m = rejected("https://example.com/?secret=JBSWY3DPEHPK3PXP", "uri");
        assert!(m.contains("otpauth://"), "{m}");
        let m = rejected("otpauth-migration://offline?data=CjEKCkhlbGxv", "uri");
        assert!(m.contains("google-migration"), "{m}");
        rejected("JBSWY3DPEHPK3PXP", "uri");
        rejected("", "uri");
        rejected("otpauth://motp/x?secret=JBSWY3DPEHPK3PXP", "type");
        rejected("otpauth://totp/x", "secret");
        rejected("otpauth://totp/x?secret=", "secret");
        rejected("otpauth://totp/x?issuer=A", "secret");
        let m = rejected("otpauth://totp/Acme:bob?secret=JBSWY3DPEHPK3P0P", "secret");
        assert!(m.contains("character 15"), "{m}");
        assert!(m.contains("Acme:bob"), "{m}");
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "algorithm",
        );
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9",
            "digits",
        );
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=5",
            "digits",
        );
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=six",
            "digits",
        );
        rejected("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=", "digits");
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0",
            "period",
        );
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=301",
            "period",
        );
        rejected(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=-30",
            "period",
        );
        rejected("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP", "counter");
        rejected(
            "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=-1",
            "counter",
        );
        rejected(
            "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=1e3",
            "counter",
        );
        rejected(
            "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=0&encoder=steam",
            "type",
        );
        rejected("otpauth://totp/%FF%FE?secret=JBSWY3DPEHPK3PXP", "label");
        rejected(
            "otpauth://steam/x?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256",
            "algorithm",
        );
        rejected("steam://", "secret");
        // No message leaks the secret.
        for uri in [
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=9",
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=0",
            "ftp://x?secret=JBSWY3DPEHPK3PXP",
        ] {
            let m = parse_uri(uri).unwrap_err().to_string();
            assert!(!m.contains(secret), "{m}");
        }
    }

    #[test]
    fn uri_round_trip() {
        let cases = [
            (
                "ACME Co",
                "john.doe+work@email.com",
                otp(
                    OtpKind::Totp { period: 30 },
                    Algorithm::Sha1,
                    6,
                    b"0123456789",
                ),
            ),
            (
                "Weird: & = ? / % + issuer",
                "name: with & = ? # / % + ünïcode",
                otp(
                    OtpKind::Totp { period: 45 },
                    Algorithm::Sha512,
                    8,
                    &[0xff; 64],
                ),
            ),
            (
                "Corp",
                "me",
                otp(
                    OtpKind::Hotp {
                        counter: 123_456_789,
                    },
                    Algorithm::Sha256,
                    7,
                    &[1, 2, 3],
                ),
            ),
            (
                "Steam",
                "gamer",
                otp(
                    OtpKind::Steam { period: 30 },
                    Algorithm::Sha1,
                    5,
                    RFC_SEED_SHA1,
                ),
            ),
            (
                "",
                "no issuer",
                otp(
                    OtpKind::Totp { period: 30 },
                    Algorithm::Sha1,
                    6,
                    RFC_SEED_SHA1,
                ),
            ),
        ];
        for (issuer, name, o) in cases {
            let uri = to_uri(issuer, name, &o);
            let p = parse_uri(uri.expose_secret()).unwrap();
            assert_eq!(p.otp, o, "{}", uri.expose_secret());
            assert_eq!(p.name, name);
            assert_eq!(p.issuer.as_deref(), Some(issuer).filter(|i| !i.is_empty()));
            assert!(p.notes.is_empty(), "{:?}", p.notes);
        }
    }

    #[test]
    fn to_uri_shape() {
        let o = otp(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            6,
            b"hello world",
        );
        assert_eq!(
            to_uri("ACME Co", "jo@x.org", &o).expose_secret(),
            "otpauth://totp/ACME%20Co:jo%40x.org?secret=NBSWY3DPEB3W64TMMQ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
        );
        let h = otp(
            OtpKind::Hotp { counter: 5 },
            Algorithm::Sha256,
            8,
            b"hello world",
        );
        assert_eq!(
            to_uri("", "me", &h).expose_secret(),
            "otpauth://hotp/me?secret=NBSWY3DPEB3W64TMMQ&algorithm=SHA256&digits=8&counter=5"
        );
        let s = otp(
            OtpKind::Steam { period: 30 },
            Algorithm::Sha1,
            5,
            b"hello world",
        );
        assert_eq!(
            to_uri("Steam", "g", &s).expose_secret(),
            "otpauth://totp/Steam:g?secret=NBSWY3DPEB3W64TMMQ&issuer=Steam&algorithm=SHA1&digits=5&period=30&encoder=steam"
        );
    }

    // ----- Debug never reveals -----

    #[test]
    fn debug_redacts_secret_and_code() {
        let o = otp(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            8,
            RFC_SEED_SHA1,
        );
        let code = o.code_at(59);
        assert_eq!(code.as_str(), "94287082");
        assert_eq!(code.to_string(), "94287082");
        let shown_code = format!("{code:?}");
        assert!(!shown_code.contains("94287082"), "{shown_code}");

        let uri = to_uri("ACME", "bob", &o);
        let parsed = parse_uri(uri.expose_secret()).unwrap();
        let base32 = o.secret_base32();
        for shown_otp in [
            format!("{o:?}"),
            format!("{o:#?}"),
            format!("{parsed:?}"),
            format!("{parsed:#?}"),
        ] {
            assert!(!shown_otp.contains("1234567890"), "{shown_otp}");
            assert!(!shown_otp.contains(base32.expose_secret()), "{shown_otp}");
            assert!(!shown_otp.contains("GEZDGNBV"), "{shown_otp}");
            assert!(!shown_otp.contains("49, 50, 51"), "{shown_otp}");
            assert!(shown_otp.contains("REDACTED"), "{shown_otp}");
        }
    }

    // ----- serde -----

    #[test]
    fn serde_shapes() {
        let t = otp(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            6,
            b"hello world",
        );
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"type":"totp","secret":"NBSWY3DPEB3W64TMMQ","algorithm":"SHA1","digits":6,"period":30}"#
        );
        let h = otp(
            OtpKind::Hotp { counter: 5 },
            Algorithm::Sha512,
            8,
            b"hello world",
        );
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"type":"hotp","secret":"NBSWY3DPEB3W64TMMQ","algorithm":"SHA512","digits":8,"counter":5}"#
        );
        let s = otp(
            OtpKind::Steam { period: 30 },
            Algorithm::Sha1,
            5,
            b"hello world",
        );
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"type":"steam","secret":"NBSWY3DPEB3W64TMMQ","period":30}"#
        );
        for o in [t, h, s] {
            let json = serde_json::to_string_pretty(&o).unwrap();
            let back: Otp = serde_json::from_str(&json).unwrap();
            assert_eq!(back, o);
        }
    }

    #[test]
    fn serde_defaults_and_tolerance() {
        let o: Otp =
            serde_json::from_str(r#"{"type":"totp","secret":"nbsw y3dp eb3w 64tm mq=="}"#).unwrap();
        assert_eq!(o.kind(), &OtpKind::Totp { period: 30 });
        assert_eq!(o.digits(), 6);
        assert_eq!(o.algorithm(), Algorithm::Sha1);
        assert_eq!(o.secret().expose(), b"hello world");
        let s: Otp = serde_json::from_str(
            r#"{"type":"steam","secret":"NBSWY3DPEB3W64TMMQ","algorithm":"SHA1","digits":5}"#,
        )
        .unwrap();
        assert_eq!(s.kind(), &OtpKind::Steam { period: 30 });
    }

    #[test]
    fn serde_rejects_bad_documents_clearly() {
        let cases = [
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":9}"#,
                "digits",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":300}"#,
                "digits",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","period":0}"#,
                "period",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","algorithm":"MD5"}"#,
                "algorithm",
            ),
            (r#"{"type":"totp","secret":"NBSW1Y3DP"}"#, "secret"),
            (r#"{"type":"totp","secret":""}"#, "secret"),
            (r#"{"type":"totp"}"#, "secret"),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","counter":3}"#,
                "counter",
            ),
            (r#"{"type":"hotp","secret":"NBSWY3DP"}"#, "counter"),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":-1}"#,
                "counter",
            ),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":1,"period":30}"#,
                "period",
            ),
            (
                r#"{"type":"steam","secret":"NBSWY3DP","digits":6}"#,
                "digits",
            ),
            (
                r#"{"type":"steam","secret":"NBSWY3DP","algorithm":"SHA256"}"#,
                "algorithm",
            ),
            (r#"{"type":"motp","secret":"NBSWY3DP"}"#, "motp"),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","peroid":60}"#,
                "peroid",
            ),
            (r#"{"secret":"NBSWY3DP"}"#, "type"),
            (r#"[1,2]"#, ""),
            (r#""totp""#, ""),
        ];
        for (json, field) in cases {
            let err = serde_json::from_str::<Otp>(json).expect_err(json);
            let message = err.to_string();
            assert!(message.contains(field), "{json}: {message}");
            assert!(!message.contains("NBSWY3DP"), "{json}: {message}");
        }
    }

    /// How a number field was described before [`DocNumber`]: read as a
    /// `serde_json::Value`, then printed.
    fn described_as_value(json: &str) -> std::result::Result<Option<u64>, String> {
        let value: Option<serde_json::Value> = match serde_json::from_str(json) {
            Ok(value) => value,
            Err(e) => return Err(format!("not read: {e}")),
        };
        match value {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| match v {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(_) => "text (write the number without quotes)".to_owned(),
                serde_json::Value::Null => "null".to_owned(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Array(_) => "a list".to_owned(),
                serde_json::Value::Object(_) => "an object".to_owned(),
            }),
        }
    }

    fn described_as_doc_number(json: &str) -> std::result::Result<Option<u64>, String> {
        let value: Option<DocNumber> = match serde_json::from_str(json) {
            Ok(value) => value,
            Err(e) => return Err(format!("not read: {e}")),
        };
        match value {
            None => Ok(None),
            Some(DocNumber::Whole(n)) => Ok(Some(n)),
            Some(DocNumber::Other(got)) => Err(got),
        }
    }

    #[test]
    fn doc_numbers_read_and_describe_values_as_json_values_did() {
        for json in [
            "0",
            "6",
            "30",
            "18446744073709551615",
            "18446744073709551616",
            "-0",
            "-1",
            "-9223372036854775808",
            "1.0",
            "1.5",
            "1e3",
            "-2.5e-3",
            "1e400",
            r#""6""#,
            r#""""#,
            r#""a\"b\u00e9""#,
            "null",
            "true",
            "false",
            "[]",
            "[1,[2,{\"a\":[]}],\"x\"]",
            "{}",
            r#"{"a":1,"b":{"c":[null]}}"#,
        ] {
            assert_eq!(
                described_as_doc_number(json),
                described_as_value(json),
                "{json}"
            );
        }
        // In a document: the field is named and the rest still parses.
        for (json, message) in [
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":[6],"period":30}"#,
                "invalid digits: must be 6, 7 or 8, got a list",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","period":{"s":30}}"#,
                "invalid period: must be 1 to 300 seconds, got an object",
            ),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":1e3}"#,
                "invalid counter: must be a whole number of 0 or more, got 1000.0",
            ),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":-5}"#,
                "invalid counter: must be a whole number of 0 or more, got -5",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":"6"}"#,
                "invalid digits: must be 6, 7 or 8, got text (write the number without quotes)",
            ),
        ] {
            let err = serde_json::from_str::<Otp>(json)
                .expect_err(json)
                .to_string();
            assert!(err.contains(message), "{json}: {err}");
        }
        // null is "not given", as before.
        let o: Otp = serde_json::from_str(
            r#"{"type":"totp","secret":"NBSWY3DP","digits":null,"period":null}"#,
        )
        .unwrap();
        assert_eq!((o.digits(), o.period()), (6, Some(30)));
    }

    // ----- never panic -----

    proptest! {
        #[test]
        fn parse_secret_never_panics(text in ".*") {
            let _ = parse_secret(&text);
        }

        #[test]
        fn parse_secret_round_trips(bytes in proptest::collection::vec(any::<u8>(), 1..80)) {
            let text = data_encoding::BASE32.encode(&bytes).to_lowercase();
            let parsed = parse_secret(&text).unwrap();
            prop_assert_eq!(parsed.expose(), &bytes[..]);
            // The canonical form (the fast path) decodes the same.
            let canonical = data_encoding::BASE32_NOPAD.encode(&bytes);
            let fast = parse_secret(&canonical).unwrap();
            prop_assert_eq!(fast.expose(), &bytes[..]);
        }

        #[test]
        fn parse_secret_fast_path_agrees_with_the_tolerant_one(text in "[A-Z2-7]{1,40}") {
            // The same text with a space in it skips the fast path.
            let spaced = format!("{} {}", &text[..1], &text[1..]);
            match (parse_secret(&text), parse_secret(&spaced)) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a.expose(), b.expose()),
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }

        #[test]
        fn doc_numbers_agree_with_json_values(n in any::<i64>(), f in any::<f64>(), u in any::<u64>()) {
            for json in [n.to_string(), u.to_string(), serde_json::to_string(&f).unwrap()] {
                prop_assert_eq!(described_as_doc_number(&json), described_as_value(&json), "{}", json);
            }
        }

        #[test]
        fn codes_match_a_generator_built_from_the_values(
            bytes in proptest::collection::vec(any::<u8>(), 1..70),
            digits in 6u8..=8,
            period in 1u32..=300,
            counter in any::<u64>(),
            time in any::<u64>(),
            algorithm in prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
        ) {
            // The generator is built per code now; it must be the one that
            // used to be built once in `Otp::new`.
            let secret = SecretBytes::new(bytes.clone());
            let totp = Otp::new(OtpKind::Totp { period }, algorithm, digits, secret.clone()).unwrap();
            let expected = totp_rs::Builder::new()
                .with_algorithm(algorithm.to_totp_rs())
                .with_digits(digits)
                .with_step_duration(u64::from(period))
                .with_secret(bytes.as_slice())
                .build_noncompliant();
            prop_assert_eq!(totp.code_at(time).to_string(), expected.generate(time).to_string());
            let hotp = Otp::new(OtpKind::Hotp { counter }, algorithm, digits, secret.clone()).unwrap();
            let expected = totp_rs::Builder::new()
                .with_algorithm(algorithm.to_totp_rs())
                .with_digits(digits)
                .with_step_duration(1)
                .with_secret(bytes.as_slice())
                .build_noncompliant();
            prop_assert_eq!(hotp.code_at(time).to_string(), expected.generate(counter).to_string());
            let steam = Otp::new(OtpKind::Steam { period }, Algorithm::Sha1, 5, secret).unwrap();
            let expected = totp_rs::Builder::new()
                .with_algorithm(totp_rs::Algorithm::Steam)
                .with_digits(5)
                .with_step_duration(u64::from(period))
                .with_secret(bytes.as_slice())
                .build_noncompliant();
            prop_assert_eq!(steam.code_at(time).to_string(), expected.generate(time).to_string());
        }

        #[test]
        fn parse_uri_never_panics(text in ".*") {
            let _ = parse_uri(&text);
        }

        #[test]
        fn parse_uri_never_panics_on_otpauth(
            kind in "(totp|hotp|steam|TOTP|x)",
            rest in ".*",
        ) {
            let _ = parse_uri(&format!("otpauth://{kind}/{rest}"));
            let _ = parse_uri(&format!("otpauth://totp/{rest}"));
        }

        #[test]
        fn parse_uri_never_panics_on_near_valid(
            label in "[A-Za-z%:+ 0-9@]{0,20}",
            secret in "[A-Za-z2-7= %+-]{0,40}",
            digits in "[0-9]{0,3}",
            period in "[0-9-]{0,6}",
            counter in "[0-9]{0,22}",
        ) {
            let uri = format!(
                "otpauth://hotp/{label}?secret={secret}&digits={digits}&period={period}&counter={counter}"
            );
            let _ = parse_uri(&uri);
            let _ = parse_uri(&uri.replacen("hotp", "totp", 1));
        }

        #[test]
        fn uri_round_trips(
            issuer in "[^:]{0,12}",
            name in ".{0,16}",
            bytes in proptest::collection::vec(any::<u8>(), 1..70),
            digits in 6u8..=8,
            period in 1u32..=300,
        ) {
            let o = Otp::new(OtpKind::Totp { period }, Algorithm::Sha256, digits, SecretBytes::new(bytes)).unwrap();
            let uri = to_uri(&issuer, &name, &o);
            let p = parse_uri(uri.expose_secret()).unwrap();
            prop_assert_eq!(&p.otp, &o);
            prop_assert_eq!(p.name, name.trim());
            prop_assert_eq!(p.issuer.as_deref(), Some(issuer.trim()).filter(|i| !i.is_empty()));
        }
    }
}
