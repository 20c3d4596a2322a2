//! `otpauth://` URIs: reading what other apps write, writing what they read.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use zeroize::{Zeroize, Zeroizing};

use super::{
    check_digits, check_period, parse_secret, Algorithm, Otp, OtpKind, DEFAULT_PERIOD, MAX_PERIOD,
    STEAM_DIGITS,
};
use crate::secret::SecretString;
use crate::{Error, Result};

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

/// What to do with a Google Authenticator export given where one account
/// is expected; front ends add how (a CLI command, the Import screen).
pub const GOOGLE_EXPORT: &str = "import it as a Google Authenticator export";

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
            format!(
                "this is a Google Authenticator export (otpauth-migration://), which holds \
                 several accounts: {GOOGLE_EXPORT}"
            ),
        ));
    }
    if !scheme.eq_ignore_ascii_case("otpauth") {
        return Err(Error::invalid(
            "uri",
            format!(
                "expected a URI starting with otpauth://, got {}; a Google Authenticator \
                 export (otpauth-migration://) holds several accounts: {GOOGLE_EXPORT}",
                if scheme.len() < 16
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                {
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
    SecretString::from(uri)
}

/// A value from the outside world, quoted and cut short for an error
/// message. Only used for values that are not secret (digits, algorithm...).
pub(super) fn shown(value: &str) -> String {
    const MAX: usize = 24;
    let mut cut: String = value.chars().take(MAX).collect();
    if value.chars().count() > MAX {
        cut.push('…');
    }
    format!("{cut:?}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::otp::tests::{otp, reason, RFC_SEED_SHA1};
    use crate::secret::{ExposeSecret, SecretBytes};
    use proptest::prelude::*;

    #[track_caller]
    fn rejected(uri: &str, field: &str) -> String {
        let err = parse_uri(uri).expect_err(uri);
        let message = err.to_string();
        let (got_field, _) = reason(err);
        assert_eq!(got_field, field, "{uri}: {message}");
        assert!(message.contains(field), "{message}");
        message
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
        assert!(m.contains(GOOGLE_EXPORT), "{m}");
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

    // ----- never panic, round trips -----

    proptest! {
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
