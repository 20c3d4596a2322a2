//! Where output goes: results on standard output (text, or JSON with
//! `--json`), notes for the person (warnings, hints) on standard error, so
//! that standard output stays clean for scripts.

use std::io::{self, Write};

use anyhow::{Context, Result};
use serde::Serialize;
use sparekey_core::account::AccountSummary;

/// Standard output, as text or JSON.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// `--json` was given.
    pub json: bool,
}

impl Out {
    /// Prints one line of text.
    pub fn line(&self, text: impl AsRef<str>) -> Result<()> {
        writeln!(io::stdout().lock(), "{}", text.as_ref()).context("could not write the output")
    }

    /// Prints `value` as pretty JSON.
    pub fn json(&self, value: &impl Serialize) -> Result<()> {
        let text = serde_json::to_string_pretty(value).context("could not encode JSON")?;
        self.line(text)
    }
}

/// A note for the person, on standard error.
pub fn note(text: impl AsRef<str>) {
    eprintln!("{}", text.as_ref());
}

/// "1 account", "3 accounts".
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// An account's 2FA in a few words: "TOTP, 6 digits, every 30 s, SHA1".
pub fn describe(s: &AccountSummary) -> String {
    match (s.otp_type, s.digits, s.period, s.counter) {
        ("hotp", Some(d), _, Some(c)) => format!("HOTP, {d} digits, counter {c}"),
        ("steam", ..) => "Steam Guard".to_owned(),
        ("totp", Some(d), Some(p), _) => format!(
            "TOTP, {d} digits, every {p} s, {}",
            s.algorithm.as_deref().unwrap_or("SHA1")
        ),
        _ => "no 2FA secret".to_owned(),
    }
}
