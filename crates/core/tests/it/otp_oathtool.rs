//! Cross-checks `sparekey_core::otp` against the reference `oathtool` (OATH
//! Toolkit) for many random secrets, times, counters, lengths and hashes.
//!
//! `oathtool` must be installed (Debian/Ubuntu package `oathtool`); the test
//! fails, it does not skip, when it is missing. Cases come from a seeded RNG:
//! set `SPAREKEY_OTP_SEED` to replay a run. The secrets are random test
//! data, printed freely on failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};
use sparekey_core::otp::{parse_secret, parse_uri, to_uri, Algorithm, Otp, OtpKind};
use sparekey_core::secret::{ExposeSecret, SecretBytes};

const DEFAULT_SEED: u64 = 0x5EED_0A7B_2026;
const SECRET_LENGTHS: [usize; 5] = [10, 16, 20, 32, 64];

fn seed() -> u64 {
    match std::env::var("SPAREKEY_OTP_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .expect("SPAREKEY_OTP_SEED must be a whole number"),
        Err(_) => DEFAULT_SEED,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs oathtool; panics with instructions when it is not installed.
fn oathtool(args: &[String]) -> String {
    let output = match Command::new("oathtool").args(args).output() {
        Ok(output) => output,
        Err(err) => panic!(
            "could not run `oathtool` ({err}). This test compares Sparekey's codes with the \
             reference implementation and needs it installed: `sudo apt-get install oathtool` \
             (Debian/Ubuntu), `brew install oath-toolkit` (macOS), `dnf install oathtool` (Fedora)"
        ),
    };
    assert!(
        output.status.success(),
        "oathtool {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

fn oath_mode(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Sha1 => "sha1",
        Algorithm::Sha256 => "sha256",
        Algorithm::Sha512 => "sha512",
    }
}

#[test]
fn otp_reference_oathtool_is_installed() {
    let version = oathtool(&["--version".to_owned()]);
    assert!(version.contains("oathtool"), "{version}");
}

#[test]
fn totp_matches_oathtool() {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed);
    let algorithms = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];
    for case in 0..240 {
        let len = *SECRET_LENGTHS.choose(&mut rng).unwrap();
        let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let algorithm = *algorithms.choose(&mut rng).unwrap();
        let digits: u8 = rng.gen_range(6..=8);
        let period: u32 = match rng.gen_range(0..4) {
            0 | 1 => 30,
            2 => 60,
            _ => rng.gen_range(1..=300),
        };
        let time: u64 = match rng.gen_range(0..3) {
            0 => rng.gen_range(0..2_000_000_000),
            1 => rng.gen_range(1_600_000_000..1_900_000_000),
            _ => rng.gen_range(0..1 << 34),
        };
        let otp = Otp::new(
            OtpKind::Totp { period },
            algorithm,
            digits,
            SecretBytes::new(bytes.clone()),
        )
        .unwrap();

        // Alternate how the key reaches oathtool: hex, or Sparekey's base32.
        let mut args = vec![
            format!("--totp={}", oath_mode(algorithm)),
            format!("--digits={digits}"),
            format!("--time-step-size={period}s"),
            format!("--now=@{time}"),
        ];
        if case % 2 == 0 {
            args.push(hex(&bytes));
        } else {
            args.push("--base32".to_owned());
            args.push(otp.secret_base32().expose_secret().to_owned());
        }
        let want = oathtool(&args);
        let context = format!(
            "seed {seed}, case {case}: key {} ({len} bytes), {algorithm}, {digits} digits, \
             period {period}, time {time}",
            hex(&bytes)
        );
        assert_eq!(otp.code_at(time).as_str(), want, "{context}");

        // The same account through a URI and a sloppy pasted secret.
        let uri = to_uri("Test Issuer", "case@example.com", &otp);
        let parsed = parse_uri(uri.expose_secret()).unwrap();
        assert_eq!(
            parsed.otp.code_at(time).as_str(),
            want,
            "via URI, {context}"
        );
        let sloppy = otp
            .secret_base32()
            .expose_secret()
            .to_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let pasted = parse_secret(&sloppy).unwrap();
        assert_eq!(pasted.expose(), &bytes[..], "pasted secret, {context}");
    }
}

#[test]
fn hotp_matches_oathtool() {
    // oathtool's HOTP mode is HMAC-SHA1 only (as RFC 4226 defines it).
    let seed = seed().wrapping_add(1);
    let mut rng = StdRng::seed_from_u64(seed);
    for case in 0..120 {
        let len = *SECRET_LENGTHS.choose(&mut rng).unwrap();
        let bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let digits: u8 = rng.gen_range(6..=8);
        let counter: u64 = match rng.gen_range(0..3) {
            0 => rng.gen_range(0..100),
            1 => rng.gen_range(0..1 << 32),
            _ => rng.gen_range(0..1 << 52),
        };
        let mut otp = Otp::new(
            OtpKind::Hotp { counter },
            Algorithm::Sha1,
            digits,
            SecretBytes::new(bytes.clone()),
        )
        .unwrap();
        let want = oathtool(&[
            "--hotp".to_owned(),
            format!("--digits={digits}"),
            format!("--counter={counter}"),
            hex(&bytes),
        ]);
        let context = format!(
            "seed {seed}, case {case}: key {} ({len} bytes), {digits} digits, counter {counter}",
            hex(&bytes)
        );
        assert_eq!(otp.code_for_counter(counter).as_str(), want, "{context}");
        assert_eq!(otp.code_at(0).as_str(), want, "{context}");
        assert_eq!(otp.advance_counter().unwrap().as_str(), want, "{context}");
        assert_eq!(
            otp.kind(),
            &OtpKind::Hotp {
                counter: counter + 1
            }
        );
    }
}
