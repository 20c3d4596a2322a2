//! Base32 secrets as people and apps write them.

use zeroize::Zeroize;

use crate::secret::SecretBytes;
use crate::{Error, Result};

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::otp::tests::reason;
    use proptest::prelude::*;

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
    }
}
