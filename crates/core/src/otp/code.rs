//! Code generation: the codes an [`Otp`] shows. `totp-rs` does the
//! arithmetic, on values [`Otp::new`] has already validated.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{Algorithm, Otp, OtpKind, STEAM_DIGITS};
use crate::secret::SecretBytes;
use crate::{Error, Result};

impl Algorithm {
    fn to_totp_rs(self) -> totp_rs::Algorithm {
        match self {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl Otp {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::otp::parse_secret;
    use crate::otp::tests::{otp, reason, RFC_SEED_SHA1};
    use proptest::prelude::*;

    const RFC_SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const RFC_SEED_SHA512: &[u8] =
        b"1234567890123456789012345678901234567890123456789012345678901234";

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

    // ----- counters and time -----

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

    // ----- the generator -----

    proptest! {
        #[test]
        fn codes_match_a_generator_built_from_the_values(
            bytes in proptest::collection::vec(any::<u8>(), 1..70),
            digits in 6u8..=8,
            period in 1u32..=300,
            counter in any::<u64>(),
            time in any::<u64>(),
            algorithm in prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
        ) {
            // The generator is built per code (see `build_generator`); it
            // must equal one built directly from the same parameters.
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
    }
}
