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

use std::{fmt, str::FromStr};

use crate::secret::{SecretBytes, SecretString};
use crate::{Error, Result};

mod base32;
mod code;
mod document;
mod uri;

pub use base32::parse_secret;
pub use code::Code;
pub use uri::{parse_uri, to_uri, ParsedUri, GOOGLE_EXPORT};

use uri::shown;

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
        SecretString::from(data_encoding::BASE32_NOPAD.encode(self.secret.expose()))
    }

    /// Seconds each code lasts; `None` for HOTP.
    pub fn period(&self) -> Option<u32> {
        match self.kind {
            OtpKind::Totp { period } | OtpKind::Steam { period } => Some(period),
            OtpKind::Hotp { .. } => None,
        }
    }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::secret::ExposeSecret;

    pub(super) const RFC_SEED_SHA1: &[u8] = b"12345678901234567890";

    pub(super) fn otp(kind: OtpKind, algorithm: Algorithm, digits: u8, secret: &[u8]) -> Otp {
        Otp::new(kind, algorithm, digits, SecretBytes::new(secret.to_vec())).unwrap()
    }

    pub(super) fn reason(err: Error) -> (String, String) {
        match err {
            Error::InvalidInput { field, reason } => (field, reason),
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    // ----- Steam -----

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
}
