//! Recovery-code sets, and the parser for the codes a user pastes or
//! downloads.
//!
//! Recovery codes are the last key to an account: each works once, and a
//! service that regenerates them invalidates the whole old set. A
//! [`RecoverySet`] keeps one set with the used/unused state of every code,
//! hands out the next unused one ([`RecoverySet::take_next`]) and says when
//! the set is running low. [`parse_codes`] and [`parse_codes_file`] turn what
//! the service showed into a [`ParsedCodes`], ready for
//! [`RecoverySet::from_parsed`].
//!
//! ```
//! use sparekey_core::recovery::{parse_codes, RecoverySet, Service};
//!
//! let parsed = parse_codes("PyPI recovery codes\n0a1b2c3d4e5f6a7b\n8c9d0e1f2a3b4c5d\n")?;
//! assert_eq!(parsed.service, Service::Pypi);
//! assert_eq!(parsed.ignored_lines, ["PyPI recovery codes"]);
//! // Not an error, but the user must see it:
//! assert!(parsed.count_note().is_some_and(|n| n.contains("found 2")));
//!
//! let mut set = RecoverySet::from_parsed(parsed, 1_700_000_000)?;
//! let (index, _code) = set.take_next(1_700_000_100)?;
//! assert_eq!(index, 0);
//! assert!(set.is_running_low());
//! # Ok::<(), sparekey_core::Error>(())
//! ```
//!
//! # What the parser accepts
//!
//! - PyPI's copy text (a first line `PyPI recovery codes`, then one code per
//!   line) and its download `PyPI-Recovery-Codes-<user>-<time>.txt` (codes
//!   only);
//! - GitHub's `github-recovery-codes.txt` (`xxxxx-xxxxx`, one per line);
//! - GitLab's download, numbered (`1. code`) or bulleted (`- code`) lists,
//!   and the whole terminal session of `ssh git@gitlab.com 2fa_recovery_codes`
//!   (its question, the `yes` answer and its advice are recognised prose);
//! - the output of `npm profile enable-2fa` (tab-indented codes);
//! - any list of codes one per line, or separated by spaces, commas or
//!   semicolons; LF, CRLF, a leading byte-order mark, blank lines.
//!
//! Every code is kept exactly as written: case and dashes are preserved.
//! Two groups of four digits on a line of their own (`1234 5678`, the shape
//! of Google's backup codes) are one code, space included, not two.
//!
//! # Nothing is silently dropped
//!
//! Each non-blank line is one of:
//!
//! 1. a header or prose line Sparekey *recognises* (a fixed list taken from
//!    the services' own output, compared case-insensitively). It is dropped
//!    from the codes and reported in [`ParsedCodes::ignored_lines`], so the
//!    user sees what was left out. Only lines with several words qualify, so
//!    a code can never end up there;
//! 2. a line of codes: after an optional list marker, every token is 4 to 64
//!    ASCII letters, digits and inner dashes, and holds a digit (or is at
//!    least 8 hex characters: a hex code made only of `a`–`f`);
//! 3. anything else, which is an **error** naming the line number (never the
//!    line, which may hold a code) and saying what was expected.
//!
//! Decision: unknown lines are refused rather than taken as codes. Taking
//! them would quietly store prose such as "Store these safely" as four
//! "codes", and the user would find out only when locked out. The price is
//! that codes made only of letters outside `a`–`f` are refused; they can
//! still be entered one by one through [`RecoverySet::new`].
//!
//! # Which service
//!
//! In order: a recognised header or prose line (`PyPI recovery codes`,
//! GitLab's and npm's messages), then the file name given to
//! [`parse_codes_file`], then the shape of the codes: codes that are all
//! `xxxxx-xxxxx` (5 hex, dash, 5 hex) are GitHub's. Sixteen-hex-digit codes
//! are issued by PyPI and by GitLab alike, so their shape alone says
//! nothing ([`Service::Unknown`]). A count that differs from what the
//! service issues is not an error but is reported by
//! [`ParsedCodes::count_note`].
//!
//! # Secrets
//!
//! Codes live in zeroize-on-drop types whose `Debug` shows no code. Error
//! messages name positions ("code 5", "line 3"), never a code.

use std::fmt;

use serde::{Deserialize, Serialize};

mod parse;
mod set;

pub use parse::{parse_codes, parse_codes_file, parse_codes_named, ParsedCodes};
pub use set::{RecoveryCode, RecoverySet, SupersededSet, MAX_SUPERSEDED};

/// [`RecoverySet::is_running_low`] is true once this many unused codes or
/// fewer are left.
pub const RUNNING_LOW_AT: usize = 2;

/// Most codes one set may hold.
pub const MAX_CODES: usize = 100;

/// Longest accepted code, in characters.
pub const MAX_CODE_LEN: usize = 64;

/// Largest text or file the parser reads, in bytes (64 KiB). Real
/// recovery-code files are a few hundred bytes.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// Shortest token the parser takes for a code.
const MIN_PARSED_CODE_LEN: usize = 4;

/// The field name used in error messages about codes.
const FIELD: &str = "recovery codes";

/// The service that issued a set of recovery codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// PyPI (pypi.org): 8 codes of 16 lowercase hex characters.
    Pypi,
    /// GitHub: 16 codes shaped `xxxxx-xxxxx`.
    Github,
    /// GitLab: 10 codes of 16 hex characters.
    Gitlab,
    /// npm (npmjs.com).
    Npm,
    /// Not known, or not one of the above.
    #[default]
    Unknown,
}

impl Service {
    /// The service's name as users know it: "PyPI", "GitHub", "GitLab",
    /// "npm" or "unknown".
    pub fn label(&self) -> &'static str {
        match self {
            Service::Pypi => "PyPI",
            Service::Github => "GitHub",
            Service::Gitlab => "GitLab",
            Service::Npm => "npm",
            Service::Unknown => "unknown",
        }
    }

    /// How many codes the service issues per set, when that is known
    /// (PyPI 8, GitHub 16, GitLab 10).
    pub fn expected_count(&self) -> Option<usize> {
        match self {
            Service::Pypi => Some(8),
            Service::Github => Some(16),
            Service::Gitlab => Some(10),
            Service::Npm | Service::Unknown => None,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use std::path::PathBuf;

    pub(super) const PYPI_CODES: [&str; 8] = [
        "a56757c9eb2ddf02",
        "3afc98a7a384e62e",
        "0586894615800af6",
        "f3acfc7463b5830b",
        "c514eb0827fe225a",
        "f6afcc971de66585",
        "faee1715794e332d",
        "71cc3256ec45f667",
    ];

    pub(super) fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/recovery")
            .join(name)
    }

    pub(super) fn read_fixture(name: &str) -> String {
        std::fs::read_to_string(fixture(name)).unwrap()
    }

    pub(super) fn message(err: &Error) -> String {
        err.to_string()
    }

    // --- secrets never shown -----------------------------------------------

    #[test]
    fn debug_never_shows_a_code() {
        let parsed = parse_codes(&read_fixture("pypi-copy.txt")).unwrap();
        let parsed_dbg = format!("{parsed:?} {parsed:#?}");
        let set = RecoverySet::from_parsed(parsed, 1).unwrap();
        let set_dbg = format!("{set:?} {set:#?}");
        let code_dbg = format!("{:?} {:#?}", set.codes()[0], set.codes()[0]);
        for shown in [&parsed_dbg, &set_dbg, &code_dbg] {
            for code in PYPI_CODES {
                assert!(!shown.contains(code), "{shown}");
            }
            assert!(shown.contains("REDACTED"), "{shown}");
        }
        assert!(parsed_dbg.contains("8 codes"), "{parsed_dbg}");
        assert!(parsed_dbg.contains("PyPI recovery codes"), "{parsed_dbg}");
    }

    #[test]
    fn service_labels_and_counts() {
        let all = [
            (Service::Pypi, "PyPI", Some(8)),
            (Service::Github, "GitHub", Some(16)),
            (Service::Gitlab, "GitLab", Some(10)),
            (Service::Npm, "npm", None),
            (Service::Unknown, "unknown", None),
        ];
        for (service, label, count) in all {
            assert_eq!(service.label(), label);
            assert_eq!(service.to_string(), label);
            assert_eq!(service.expected_count(), count);
        }
        assert_eq!(Service::default(), Service::Unknown);
    }
}
