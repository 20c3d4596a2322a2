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

use std::{fmt, fs::File, io::Read, path::Path};

use serde::{Deserialize, Deserializer, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::secret::{secret_string, SecretString};
use crate::{Error, Result};

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

// ---------------------------------------------------------------------------
// RecoveryCode
// ---------------------------------------------------------------------------

/// One recovery code and when it was used.
///
/// The code is zeroized on drop and `Debug` never shows it; read it only
/// through [`RecoveryCode::code`], on an explicit reveal.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryCode {
    code: String,
    used_at: Option<i64>,
}

impl RecoveryCode {
    /// The code itself: an explicit reveal. Keep the borrow short and never
    /// log it.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// True once the code has been used (it no longer opens the account).
    pub fn is_used(&self) -> bool {
        self.used_at.is_some()
    }

    /// When the code was used, in Unix seconds.
    pub fn used_at(&self) -> Option<i64> {
        self.used_at
    }

    /// The code with all but its last 4 characters hidden, e.g.
    /// `••••-••••-3f2a`. Codes shorter than 8 characters show bullets only.
    /// The mask has the same length whatever the code's, so it does not
    /// reveal the length either.
    pub fn masked(&self) -> String {
        let count = self.code.chars().count();
        if count < 8 {
            return "••••-••••-••••".to_owned();
        }
        let tail: String = self.code.chars().skip(count - 4).collect();
        format!("••••-••••-{tail}")
    }
}

impl Drop for RecoveryCode {
    fn drop(&mut self) {
        self.code.zeroize();
    }
}

impl ZeroizeOnDrop for RecoveryCode {}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCode")
            .field("code", &format_args!("[REDACTED]"))
            .field("used_at", &self.used_at)
            .finish()
    }
}

impl<'de> Deserialize<'de> for RecoveryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            code: String,
            #[serde(default)]
            used_at: Option<i64>,
        }
        let raw = Raw::deserialize(deserializer)?;
        // Wrap at once so the text is zeroized even when it is refused.
        let code = RecoveryCode {
            code: raw.code,
            used_at: raw.used_at,
        };
        check_code(&code.code, None).map_err(serde::de::Error::custom)?;
        Ok(code)
    }
}

/// "code 3" or "a code": how messages name a code, never by its text.
fn which(position: Option<usize>) -> String {
    match position {
        Some(n) => format!("code {n}"),
        None => "a recovery code".to_owned(),
    }
}

/// Checks one code's text; `position` is 1-based, for the message.
fn check_code(code: &str, position: Option<usize>) -> std::result::Result<(), String> {
    let which = which(position);
    if code.trim().is_empty() {
        return Err(format!("{which} is empty: remove it or type it again"));
    }
    let len = code.chars().count();
    if len > MAX_CODE_LEN {
        return Err(format!(
            "{which} is {len} characters long; recovery codes have at most {MAX_CODE_LEN} \
             (was more than one code pasted into one field?)"
        ));
    }
    if code.chars().any(char::is_control) {
        return Err(format!(
            "{which} contains a line break, tab or other control character: enter one code \
             per field, or paste the whole list to have it split"
        ));
    }
    if code.trim() != code {
        return Err(format!(
            "{which} starts or ends with a space: remove it (codes are stored exactly as typed)"
        ));
    }
    Ok(())
}

/// Checks a whole list: size, each code, uniqueness. Empty lists pass here.
fn check_codes(codes: &[RecoveryCode]) -> std::result::Result<(), String> {
    if codes.len() > MAX_CODES {
        return Err(format!(
            "found {} codes; a recovery set holds at most {MAX_CODES} (was more than one \
             document pasted?)",
            codes.len()
        ));
    }
    for (i, code) in codes.iter().enumerate() {
        check_code(&code.code, Some(i + 1))?;
        if let Some(first) = codes[..i].iter().position(|c| c.code == code.code) {
            return Err(format!(
                "code {} is the same as code {}: each recovery code is unique, so check the \
                 list for a repeated line",
                i + 1,
                first + 1
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// RecoverySet
// ---------------------------------------------------------------------------

/// One set of recovery codes for one account, with the used state of each.
///
/// Serialized as the vault stores it:
/// `{"service":"pypi","updated_at":1700000000,"codes":[{"code":"…","used_at":null}]}`.
/// Deserializing validates (no duplicates, no empty or over-long codes, at
/// most [`MAX_CODES`]); an empty `codes` list is the [`Default`] set and is
/// accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RecoverySet {
    service: Service,
    updated_at: i64,
    codes: Vec<RecoveryCode>,
}

impl RecoverySet {
    /// A new set of unused codes, entered at `now` (Unix seconds).
    ///
    /// Refuses an empty list, more than [`MAX_CODES`] codes, duplicates,
    /// empty codes, codes longer than [`MAX_CODE_LEN`] characters, codes
    /// with control characters or surrounding spaces. Errors name the
    /// position ("code 5"), never the code. Codes are kept exactly as given.
    pub fn new(codes: Vec<String>, service: Service, now: i64) -> Result<RecoverySet> {
        // Move into zeroizing wrappers first, so refused codes are wiped too.
        let codes: Vec<RecoveryCode> = codes
            .into_iter()
            .map(|code| RecoveryCode {
                code,
                used_at: None,
            })
            .collect();
        if codes.is_empty() {
            return Err(Error::invalid(
                FIELD,
                "no codes were given: paste or type the codes the service showed you",
            ));
        }
        check_codes(&codes).map_err(|reason| Error::invalid(FIELD, reason))?;
        Ok(RecoverySet {
            service,
            updated_at: now,
            codes,
        })
    }

    /// A new set from parsed codes (see [`parse_codes`]), entered at `now`.
    pub fn from_parsed(mut parsed: ParsedCodes, now: i64) -> Result<RecoverySet> {
        let codes = std::mem::take(&mut parsed.codes);
        RecoverySet::new(codes, parsed.service, now)
    }

    /// All codes, in the service's order.
    pub fn codes(&self) -> &[RecoveryCode] {
        &self.codes
    }

    /// The service that issued the set.
    pub fn service(&self) -> Service {
        self.service
    }

    /// When this list of codes was entered (Unix seconds). Marking codes
    /// used does not change it: each code carries its own time.
    pub fn updated_at(&self) -> i64 {
        self.updated_at
    }

    /// Number of codes, used or not.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// True for a set with no codes (the [`Default`]).
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Codes still usable.
    pub fn unused_count(&self) -> usize {
        self.codes.iter().filter(|c| !c.is_used()).count()
    }

    /// Codes already used.
    pub fn used_count(&self) -> usize {
        self.codes.iter().filter(|c| c.is_used()).count()
    }

    /// True when the set has codes and at most [`RUNNING_LOW_AT`] of them
    /// are unused: time to generate a new set on the service.
    pub fn is_running_low(&self) -> bool {
        !self.is_empty() && self.unused_count() <= RUNNING_LOW_AT
    }

    /// Marks the first unused code used at `now` and returns its index and
    /// the code. Fails when every code is used (or the set is empty).
    pub fn take_next(&mut self, now: i64) -> Result<(usize, SecretString)> {
        let total = self.codes.len();
        if total == 0 {
            return Err(Error::invalid(
                FIELD,
                "this set has no codes: add the codes the service gave you",
            ));
        }
        let Some((index, code)) = self
            .codes
            .iter_mut()
            .enumerate()
            .find(|(_, c)| !c.is_used())
        else {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "all {total} codes are used: generate a new set on the service and replace \
                     this one"
                ),
            ));
        };
        code.used_at = Some(now);
        Ok((index, secret_string(code.code.clone())))
    }

    /// Marks the code at `index` (0-based) used at `now`. A code already
    /// used keeps its original time.
    pub fn mark_used(&mut self, index: usize, now: i64) -> Result<()> {
        let code = self.code_mut(index)?;
        if code.used_at.is_none() {
            code.used_at = Some(now);
        }
        Ok(())
    }

    /// Marks the code at `index` (0-based) unused again, e.g. after a
    /// mistaken mark.
    pub fn unmark(&mut self, index: usize) -> Result<()> {
        self.code_mut(index)?.used_at = None;
        Ok(())
    }

    fn code_mut(&mut self, index: usize) -> Result<&mut RecoveryCode> {
        let total = self.codes.len();
        self.codes.get_mut(index).ok_or_else(|| {
            Error::invalid(
                "recovery code",
                match total {
                    0 => format!("there is no code at index {index}: this set has no codes"),
                    _ => format!(
                        "there is no code at index {index}: this set has {total} codes \
                         (index 0 to {})",
                        total - 1
                    ),
                },
            )
        })
    }

    /// Replaces the whole set after the service regenerated it: every old
    /// code, used or not, is dropped (and zeroized).
    pub fn replace(&mut self, new: RecoverySet) {
        *self = new;
    }

    /// Takes the used marks of `other` for the codes both sets hold (same
    /// text): a code used in either is used here, at the earlier time.
    /// Codes only in `other` are ignored; nothing is ever unmarked.
    pub fn merge_used_from(&mut self, other: &RecoverySet) {
        for code in &mut self.codes {
            let theirs = other
                .codes
                .iter()
                .find(|o| o.code == code.code)
                .and_then(|o| o.used_at);
            if let Some(t) = theirs {
                code.used_at = Some(code.used_at.map_or(t, |mine| mine.min(t)));
            }
        }
    }
}

impl<'de> Deserialize<'de> for RecoverySet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            service: Service,
            updated_at: i64,
            codes: Vec<RecoveryCode>,
        }
        let raw = Raw::deserialize(deserializer)?;
        let set = RecoverySet {
            service: raw.service,
            updated_at: raw.updated_at,
            codes: raw.codes,
        };
        check_codes(&set.codes)
            .map_err(|reason| serde::de::Error::custom(format!("recovery codes: {reason}")))?;
        Ok(set)
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// What [`parse_codes`] found: the codes, the likely service, and the lines
/// it recognised and left out.
///
/// The codes and lines are zeroized on drop, and `Debug` shows only how many
/// codes there are. Because of that, fields cannot be moved out; take the
/// codes with `std::mem::take(&mut parsed.codes)` or pass the whole value to
/// [`RecoverySet::from_parsed`].
pub struct ParsedCodes {
    /// The service, from a header, the file name, or the codes' shape.
    pub service: Service,
    /// The codes, exactly as written, in order.
    pub codes: Vec<String>,
    /// Header and prose lines recognised and dropped, trimmed (e.g.
    /// `PyPI recovery codes`), to show the user. Never a code.
    pub ignored_lines: Vec<String>,
}

impl ParsedCodes {
    /// A warning when the number of codes differs from what the service
    /// issues, e.g. "PyPI issues 8 codes; found 7 — check you copied all of
    /// them". Not an error: show it and let the user decide.
    pub fn count_note(&self) -> Option<String> {
        let expected = self.service.expected_count()?;
        let found = self.codes.len();
        let label = self.service.label();
        match found.cmp(&expected) {
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Less => Some(format!(
                "{label} issues {expected} codes; found {found} — check you copied all of them"
            )),
            std::cmp::Ordering::Greater => Some(format!(
                "{label} issues {expected} codes; found {found} — check you pasted only the \
                 newest set"
            )),
        }
    }
}

impl Drop for ParsedCodes {
    fn drop(&mut self) {
        self.codes.zeroize();
        self.ignored_lines.zeroize();
    }
}

impl ZeroizeOnDrop for ParsedCodes {}

impl fmt::Debug for ParsedCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedCodes")
            .field("service", &self.service)
            .field(
                "codes",
                &format_args!("[REDACTED; {} codes]", self.codes.len()),
            )
            .field("ignored_lines", &self.ignored_lines)
            .finish()
    }
}

/// Parses pasted recovery codes (see the module docs for the formats and
/// rules).
///
/// Errors: empty input or no codes at all; a line that is neither codes nor
/// a recognised header (the message names its line number); duplicates;
/// more than [`MAX_CODES`] codes; more than [`MAX_INPUT_BYTES`] of text.
pub fn parse_codes(text: &str) -> Result<ParsedCodes> {
    parse_with_hint(text, Service::Unknown)
}

/// Reads and parses a downloaded recovery-codes file (at most
/// [`MAX_INPUT_BYTES`]).
///
/// The file name is a service hint: `PyPI-Recovery-Codes-*.txt` is PyPI
/// (`TestPyPI-Recovery-Codes-*.txt` too: same format),
/// `github-recovery-codes*.txt` GitHub, `gitlab-recovery-codes*.txt` GitLab
/// (case-insensitive; a browser's ` (1)` suffix is fine). A header inside
/// the file takes precedence over the name.
pub fn parse_codes_file(path: &Path) -> Result<ParsedCodes> {
    let field = || format!("recovery codes file {}", path.display());
    let too_large = || {
        Error::invalid(
            field(),
            "is larger than 64 KiB, so it is not a recovery-codes download (those are a few \
             hundred bytes): choose the file the service gave you",
        )
    };
    let file = File::open(path).map_err(|e| Error::io("open the recovery codes file", path, e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_INPUT_BYTES as u64 {
        return Err(too_large());
    }
    // Room for the whole file up front so the buffer never reallocates and
    // leaves unzeroized copies behind.
    let capacity = usize::try_from(size).unwrap_or(MAX_INPUT_BYTES) + 1;
    let mut bytes = Zeroizing::new(Vec::with_capacity(capacity));
    file.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read the recovery codes file", path, e))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::invalid(
            field(),
            "is not UTF-8 text: choose the .txt file the service gave you",
        )
    })?;
    parse_with_hint(text, service_from_file_name(path)).map_err(|err| match err {
        Error::InvalidInput { reason, .. } => Error::InvalidInput {
            field: field(),
            reason,
        },
        other => other,
    })
}

/// The service suggested by a download's file name.
fn service_from_file_name(path: &Path) -> Service {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Service::Unknown;
    };
    let name = name.to_ascii_lowercase();
    if !name.ends_with(".txt") {
        return Service::Unknown;
    }
    if name.starts_with("pypi-recovery-codes") || name.starts_with("testpypi-recovery-codes") {
        Service::Pypi
    } else if name.starts_with("github-recovery-codes") {
        Service::Github
    } else if name.starts_with("gitlab-recovery-codes") {
        Service::Gitlab
    } else {
        Service::Unknown
    }
}

/// Headers recognised as whole lines (lowercase; a trailing `:` is allowed).
const HEADERS: &[(&str, Service)] = &[
    ("pypi recovery codes", Service::Pypi),
    ("testpypi recovery codes", Service::Pypi),
    ("github recovery codes", Service::Github),
    ("gitlab recovery codes", Service::Gitlab),
    ("npm recovery codes", Service::Npm),
];

/// Prose the services print around codes, lowercase with single spaces.
/// A line matches when it is a run of at least three words of one of these
/// (terminals and documentation wrap them at different places).
const PROSE: &[(&str, Service)] = &[
    // gitlab-shell, `ssh git@gitlab.com 2fa_recovery_codes`.
    (
        "are you sure you want to generate new two-factor recovery codes? any existing \
         recovery codes you saved will be invalidated. (yes/no)",
        Service::Gitlab,
    ),
    (
        "your two-factor authentication recovery codes are:",
        Service::Gitlab,
    ),
    (
        "during sign in, use one of the codes above when prompted for your two-factor code. \
         then, visit your profile settings and add a new device so you do not lose access to \
         your account again.",
        Service::Gitlab,
    ),
    // `npm profile enable-2fa`.
    (
        "2fa successfully enabled. below are your recovery codes, please print these out. you \
         will need these to recover access to your account if you lose your authentication \
         device.",
        Service::Npm,
    ),
];

/// Whitespace-collapsed lowercase copy of a line, for matching prose.
fn normalize(line: &str) -> String {
    line.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `Some(service hint)` when `line` (trimmed, non-empty) is recognised prose.
fn recognised_prose(line: &str) -> Option<Service> {
    let norm = normalize(line);
    let bare = norm.trim_end_matches(':').trim_end();
    if let Some((_, service)) = HEADERS.iter().find(|(h, _)| *h == bare) {
        return Some(*service);
    }
    // The answer to gitlab-shell's question.
    if norm == "yes" {
        return Some(Service::Unknown);
    }
    // The command itself, with or without a shell prompt.
    let words: Vec<&str> = norm.split(' ').collect();
    if words.last() == Some(&"2fa_recovery_codes") && words.contains(&"ssh") {
        return Some(Service::Gitlab);
    }
    if words.len() >= 3 {
        if let Some((_, service)) = PROSE.iter().find(|(p, _)| is_word_run(p, &norm)) {
            return Some(*service);
        }
    }
    None
}

/// True when `part` is `whole`, or a run of whole words inside it.
fn is_word_run(whole: &str, part: &str) -> bool {
    whole.match_indices(part).any(|(start, _)| {
        let end = start + part.len();
        let before_ok = whole[..start].ends_with(' ') || start == 0;
        let after_ok = end == whole.len() || whole[end..].starts_with(' ');
        before_ok && after_ok
    })
}

/// Removes one list marker: `1.`, `1)`, `1:`, `-`, `*`, `+`, `•`, `·`, `–`,
/// followed by whitespace.
fn strip_list_marker(line: &str) -> &str {
    let mut chars = line.char_indices();
    let Some((_, first)) = chars.next() else {
        return line;
    };
    let marker_end = if matches!(first, '-' | '*' | '+' | '•' | '·' | '–') {
        Some(first.len_utf8())
    } else if first.is_ascii_digit() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        match line.as_bytes().get(digits) {
            Some(b'.' | b')' | b':') if digits <= 3 => Some(digits + 1),
            _ => None,
        }
    } else {
        None
    };
    match marker_end {
        Some(end) if line[end..].starts_with(char::is_whitespace) => line[end..].trim_start(),
        _ => line,
    }
}

/// True for a token that looks like a recovery code (see the module docs).
fn is_code_token(token: &str) -> bool {
    let len = token.len(); // ASCII only, checked below, so bytes = chars
    let shape_ok = (MIN_PARSED_CODE_LEN..=MAX_CODE_LEN).contains(&len)
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !token.starts_with('-')
        && !token.ends_with('-');
    if !shape_ok {
        return false;
    }
    let has_digit = token.bytes().any(|b| b.is_ascii_digit());
    let hex_only = token.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    let letters = token.bytes().filter(|b| *b != b'-').count();
    has_digit || (hex_only && letters >= 8)
}

/// `1234 5678`: two groups of four digits, one code.
fn is_grouped_digits(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9
        && b[4] == b' '
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[5..].iter().all(u8::is_ascii_digit)
}

/// `GitHub`'s shape: 5 lowercase hex, dash, 5 lowercase hex.
fn is_github_shape(code: &str) -> bool {
    let b = code.as_bytes();
    let hex = |c: &u8| c.is_ascii_digit() || (b'a'..=b'f').contains(c);
    b.len() == 11 && b[5] == b'-' && b[..5].iter().all(hex) && b[6..].iter().all(hex)
}

fn line_error(number: usize) -> Error {
    Error::invalid(
        FIELD,
        format!(
            "line {number} is neither a list of recovery codes nor a header Sparekey knows: \
             expected codes of {MIN_PARSED_CODE_LEN} to {MAX_CODE_LEN} letters, digits and \
             dashes (with at least one digit), one per line or separated by spaces or commas. \
             Delete that line and paste again, or type the codes one by one"
        ),
    )
}

fn parse_with_hint(text: &str, hint: Service) -> Result<ParsedCodes> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Error::invalid(
            FIELD,
            format!(
                "the text is {} KiB; recovery codes fit in a few hundred bytes (the limit is \
                 64 KiB): paste only the codes",
                text.len() / 1024
            ),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Built first so that codes collected before an error are zeroized.
    let mut out = ParsedCodes {
        service: Service::Unknown,
        codes: Vec::new(),
        ignored_lines: Vec::new(),
    };
    let mut code_lines: Vec<usize> = Vec::new();
    let mut header_service = Service::Unknown;

    for (i, raw) in text.split('\n').enumerate() {
        let number = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(service) = recognised_prose(line) {
            out.ignored_lines.push(line.to_owned());
            if header_service == Service::Unknown {
                header_service = service;
            }
            continue;
        }
        let body = strip_list_marker(line);
        if is_grouped_digits(body) {
            out.codes.push(body.to_owned());
            code_lines.push(number);
            continue;
        }
        let mut tokens = body
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|t| !t.is_empty())
            .peekable();
        if tokens.peek().is_none() || !tokens.clone().all(is_code_token) {
            return Err(line_error(number));
        }
        for token in tokens {
            out.codes.push(token.to_owned());
            code_lines.push(number);
        }
        if out.codes.len() > MAX_CODES {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "more than {MAX_CODES} codes (line {number}): a recovery set holds at most \
                     {MAX_CODES}; paste one service's codes at a time"
                ),
            ));
        }
    }

    if out.codes.is_empty() {
        let reason = if out.ignored_lines.is_empty() {
            "there is nothing to import: paste the codes the service showed you, one per line"
        } else {
            "the text holds only headers and advice, no codes: paste the codes themselves too"
        };
        return Err(Error::invalid(FIELD, reason));
    }
    for (i, code) in out.codes.iter().enumerate() {
        if let Some(first) = out.codes[..i].iter().position(|c| c == code) {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "code {} (line {}) is the same as code {} (line {}): each recovery code is \
                     unique, so the list was probably pasted twice",
                    i + 1,
                    code_lines[i],
                    first + 1,
                    code_lines[first]
                ),
            ));
        }
    }

    out.service = if header_service != Service::Unknown {
        header_service
    } else if hint != Service::Unknown {
        hint
    } else if out.codes.iter().all(|c| is_github_shape(c)) {
        Service::Github
    } else {
        Service::Unknown
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ExposeSecret;
    use proptest::prelude::*;
    use std::path::PathBuf;

    const PYPI_CODES: [&str; 8] = [
        "a56757c9eb2ddf02",
        "3afc98a7a384e62e",
        "0586894615800af6",
        "f3acfc7463b5830b",
        "c514eb0827fe225a",
        "f6afcc971de66585",
        "faee1715794e332d",
        "71cc3256ec45f667",
    ];
    const GITHUB_CODES: [&str; 16] = [
        "ee5ea-e701b",
        "6731a-c3fb7",
        "b1962-777c8",
        "069ba-e2e1a",
        "1cb9f-6d9a7",
        "d6402-bbc4e",
        "8ffbb-738ce",
        "7ff08-5a7cb",
        "a232a-e5a54",
        "a7456-f4bf0",
        "28790-26a3f",
        "5b50e-6fe05",
        "a0a09-a54d1",
        "2b517-76ecf",
        "4fe05-a4261",
        "b44f4-6f6b8",
    ];
    const GITLAB_CODES: [&str; 10] = [
        "d328f287742cab94",
        "94b4d297d5d4e6c6",
        "722ed1c3ad504e45",
        "baa9228ff2f58c13",
        "8b31519f9198b1d2",
        "527ed0c9d018a508",
        "4267909462991287",
        "05c7a6a04b931f7a",
        "6e20cdd0ce072614",
        "f24a485efa9677ed",
    ];
    const NPM_CODES: [&str; 5] = [
        "929e4267f5f98b907c2ca9237085eb08",
        "2d92a54371b59336476939872ac01465",
        "9e124c1b423cec6050e93945520f4d0b",
        "34b349d0677d6422327f08d964e23389",
        "571e3f54c149d9f428eefef271e71478",
    ];

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/recovery")
            .join(name)
    }

    fn read_fixture(name: &str) -> String {
        std::fs::read_to_string(fixture(name)).unwrap()
    }

    fn message(err: &Error) -> String {
        err.to_string()
    }

    fn set_of(n: usize) -> RecoverySet {
        let codes = (0..n).map(|i| format!("code{i:04}")).collect();
        RecoverySet::new(codes, Service::Unknown, 1_000).unwrap()
    }

    // --- real formats ------------------------------------------------------

    #[test]
    fn pypi_copy_text() {
        let parsed = parse_codes(&read_fixture("pypi-copy.txt")).unwrap();
        assert_eq!(parsed.service, Service::Pypi);
        assert_eq!(parsed.codes, PYPI_CODES);
        assert_eq!(parsed.ignored_lines, ["PyPI recovery codes"]);
        assert_eq!(parsed.count_note(), None);
    }

    #[test]
    fn pypi_download_file_uses_the_file_name() {
        let path = fixture("PyPI-Recovery-Codes-alice-2024-08-02T00_21_08.140030.txt");
        let parsed = parse_codes_file(&path).unwrap();
        assert_eq!(parsed.service, Service::Pypi);
        assert_eq!(parsed.codes, PYPI_CODES);
        assert!(parsed.ignored_lines.is_empty());
        // The same text pasted has no header: 16-hex codes alone say nothing.
        let pasted = parse_codes(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(pasted.service, Service::Unknown);
        assert_eq!(pasted.count_note(), None);
    }

    #[test]
    fn github_file_by_name_and_by_shape() {
        let parsed = parse_codes_file(&fixture("github-recovery-codes.txt")).unwrap();
        assert_eq!(parsed.service, Service::Github);
        assert_eq!(parsed.codes, GITHUB_CODES);
        let pasted = parse_codes(&read_fixture("github-recovery-codes.txt")).unwrap();
        assert_eq!(pasted.service, Service::Github, "detected from the shape");
        assert_eq!(pasted.codes, GITHUB_CODES);
    }

    #[test]
    fn gitlab_download_file() {
        let parsed = parse_codes_file(&fixture("gitlab-recovery-codes.txt")).unwrap();
        assert_eq!(parsed.service, Service::Gitlab);
        assert_eq!(parsed.codes, GITLAB_CODES);
        assert_eq!(parsed.count_note(), None);
    }

    #[test]
    fn gitlab_ssh_session_drops_the_prose() {
        let parsed = parse_codes(&read_fixture("gitlab-ssh-output.txt")).unwrap();
        assert_eq!(parsed.service, Service::Gitlab);
        assert_eq!(parsed.codes, GITLAB_CODES);
        assert_eq!(
            parsed.ignored_lines,
            [
                "$ ssh git@gitlab.com 2fa_recovery_codes",
                "Are you sure you want to generate new two-factor recovery codes?",
                "Any existing recovery codes you saved will be invalidated. (yes/no)",
                "yes",
                "Your two-factor authentication recovery codes are:",
                "During sign in, use one of the codes above when prompted for",
                "your two-factor code. Then, visit your Profile Settings and add",
                "a new device so you do not lose access to your account again.",
            ]
        );
    }

    #[test]
    fn gitlab_single_line_with_differently_wrapped_prose() {
        let parsed = parse_codes(&read_fixture("gitlab-single-line.txt")).unwrap();
        assert_eq!(parsed.service, Service::Gitlab);
        assert_eq!(parsed.codes, GITLAB_CODES);
        assert_eq!(parsed.ignored_lines.len(), 4);
    }

    #[test]
    fn gitlab_numbered_and_bulleted_lists() {
        let parsed = parse_codes(&read_fixture("gitlab-numbered.txt")).unwrap();
        assert_eq!(parsed.codes, GITLAB_CODES);
        assert_eq!(parsed.service, Service::Unknown);
        let bulleted: String = GITLAB_CODES.iter().map(|c| format!("- {c}\n")).collect();
        assert_eq!(parse_codes(&bulleted).unwrap().codes, GITLAB_CODES);
        let dotted: String = GITLAB_CODES.iter().map(|c| format!("• {c}\n")).collect();
        assert_eq!(parse_codes(&dotted).unwrap().codes, GITLAB_CODES);
    }

    #[test]
    fn npm_cli_output() {
        let parsed = parse_codes(&read_fixture("npm-profile-enable-2fa.txt")).unwrap();
        assert_eq!(parsed.service, Service::Npm);
        assert_eq!(parsed.codes, NPM_CODES);
        assert_eq!(parsed.ignored_lines.len(), 2);
        assert_eq!(parsed.count_note(), None, "npm's count is not known");
    }

    #[test]
    fn comma_and_space_separated() {
        let parsed = parse_codes(&PYPI_CODES.join(", ")).unwrap();
        assert_eq!(parsed.codes, PYPI_CODES);
        let parsed = parse_codes(&format!("  {}  ", PYPI_CODES.join("   "))).unwrap();
        assert_eq!(parsed.codes, PYPI_CODES);
        let parsed = parse_codes(&PYPI_CODES.join(";")).unwrap();
        assert_eq!(parsed.codes, PYPI_CODES);
    }

    #[test]
    fn crlf_and_bom_and_blank_lines() {
        let text = format!(
            "\u{feff}PyPI recovery codes\r\n\r\n{}\r\n",
            PYPI_CODES.join("\r\n")
        );
        let parsed = parse_codes(&text).unwrap();
        assert_eq!(parsed.codes, PYPI_CODES);
        assert_eq!(parsed.service, Service::Pypi);
        assert_eq!(parsed.ignored_lines, ["PyPI recovery codes"]);
        assert!(parsed.codes.iter().all(|c| !c.contains('\r')));
    }

    #[test]
    fn codes_are_kept_exactly() {
        let parsed = parse_codes("AbCd-1234-EfGh\nabcd-1234-efgh\nX9Y8Z7\n").unwrap();
        assert_eq!(parsed.codes, ["AbCd-1234-EfGh", "abcd-1234-efgh", "X9Y8Z7"]);
    }

    #[test]
    fn grouped_digit_codes_stay_whole() {
        let parsed = parse_codes("1. 1234 5678\n2. 8765 4321\n").unwrap();
        assert_eq!(parsed.codes, ["1234 5678", "8765 4321"]);
    }

    #[test]
    fn all_letter_hex_codes_are_accepted() {
        let parsed = parse_codes("abcdefabcdefabcd\nfedcbafedcbafedc").unwrap();
        assert_eq!(parsed.codes.len(), 2);
    }

    #[test]
    fn header_alone_gives_service_for_any_shape() {
        let parsed = parse_codes("GitLab recovery codes:\nd328f287742cab94\n").unwrap();
        assert_eq!(parsed.service, Service::Gitlab);
        assert_eq!(parsed.ignored_lines, ["GitLab recovery codes:"]);
    }

    #[test]
    fn header_wins_over_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("github-recovery-codes (1).txt");
        std::fs::write(
            &path,
            format!("PyPI recovery codes\n{}", PYPI_CODES.join("\n")),
        )
        .unwrap();
        assert_eq!(parse_codes_file(&path).unwrap().service, Service::Pypi);
    }

    // --- errors --------------------------------------------------------------

    #[test]
    fn unknown_prose_is_an_error_naming_the_line_not_its_text() {
        let err = parse_codes(&read_fixture("fail_unknown_prose.txt")).unwrap_err();
        let msg = message(&err);
        assert_eq!(err.kind(), "invalid_input");
        assert!(msg.contains("line 1 "), "{msg}");
        assert!(!msg.contains("Acme"), "{msg}");
        // A stray line after codes: the number is that line's.
        let text = format!("{}\nStore these safely", PYPI_CODES[..2].join("\n"));
        let msg = message(&parse_codes(&text).unwrap_err());
        assert!(msg.contains("line 3 "), "{msg}");
    }

    #[test]
    fn a_line_mixing_a_code_and_words_is_refused_without_the_code() {
        let text = format!("Code: {}\n", PYPI_CODES[0]);
        let msg = message(&parse_codes(&text).unwrap_err());
        assert!(msg.contains("line 1 "), "{msg}");
        assert!(!msg.contains(PYPI_CODES[0]), "{msg}");
    }

    #[test]
    fn empty_input_is_refused_clearly() {
        for text in ["", "   ", "\n\r\n\t\n", "\u{feff}"] {
            let msg = message(&parse_codes(text).unwrap_err());
            assert!(msg.contains("nothing to import"), "{msg}");
        }
        let msg = message(&parse_codes("PyPI recovery codes\n").unwrap_err());
        assert!(msg.contains("no codes"), "{msg}");
    }

    #[test]
    fn duplicates_are_refused_by_position() {
        let text = format!("{0}\n{1}\n{0}\n", PYPI_CODES[0], PYPI_CODES[1]);
        let msg = message(&parse_codes(&text).unwrap_err());
        assert!(msg.contains("code 3 (line 3)"), "{msg}");
        assert!(msg.contains("code 1 (line 1)"), "{msg}");
        assert!(!msg.contains(PYPI_CODES[0]), "{msg}");

        let codes = vec!["aaaa1".into(), "bbbb2".into(), "aaaa1".into()];
        let msg = message(&RecoverySet::new(codes, Service::Unknown, 0).unwrap_err());
        assert!(msg.contains("code 3 is the same as code 1"), "{msg}");
        assert!(!msg.contains("aaaa1"), "{msg}");
    }

    #[test]
    fn new_refuses_bad_lists() {
        let msg = message(&RecoverySet::new(vec![], Service::Pypi, 0).unwrap_err());
        assert!(msg.contains("no codes were given"), "{msg}");
        let long = "a1".repeat(33);
        let msg = message(&RecoverySet::new(vec![long.clone()], Service::Unknown, 0).unwrap_err());
        assert!(msg.contains("code 1 is 66 characters"), "{msg}");
        assert!(!msg.contains(&long), "{msg}");
        let many = (0..=MAX_CODES).map(|i| format!("c{i:05}")).collect();
        let msg = message(&RecoverySet::new(many, Service::Unknown, 0).unwrap_err());
        assert!(msg.contains("at most 100"), "{msg}");
        for bad in ["", "  ", " abc1", "ab\ncd"] {
            let codes = vec!["okay1".to_owned(), bad.to_owned()];
            let msg = message(&RecoverySet::new(codes, Service::Unknown, 0).unwrap_err());
            assert!(msg.contains("code 2"), "{bad:?}: {msg}");
        }
        assert_eq!(set_of(MAX_CODES).len(), MAX_CODES);
        assert_eq!(
            RecoverySet::new(vec!["x".repeat(64)], Service::Unknown, 0)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn too_many_parsed_codes() {
        let text: String = (0..=MAX_CODES).map(|i| format!("c{i:05}\n")).collect();
        let msg = message(&parse_codes(&text).unwrap_err());
        assert!(msg.contains("at most 100"), "{msg}");
    }

    #[test]
    fn oversized_text_and_files_are_refused() {
        let big = "a1b2c3d4e5f6a7b8\n".repeat(MAX_INPUT_BYTES / 17 + 1);
        let msg = message(&parse_codes(&big).unwrap_err());
        assert!(msg.contains("64 KiB"), "{msg}");

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("PyPI-Recovery-Codes-bob.txt");
        std::fs::write(&path, &big).unwrap();
        let msg = message(&parse_codes_file(&path).unwrap_err());
        assert!(msg.contains("larger than 64 KiB"), "{msg}");
        assert!(msg.contains("PyPI-Recovery-Codes-bob.txt"), "{msg}");
    }

    #[test]
    fn file_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.txt");
        let err = parse_codes_file(&missing).unwrap_err();
        assert_eq!(err.kind(), "io");
        assert!(message(&err).contains("nope.txt"));

        let binary = dir.path().join("codes.txt");
        std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
        let msg = message(&parse_codes_file(&binary).unwrap_err());
        assert!(msg.contains("not UTF-8"), "{msg}");

        let prose = parse_codes_file(&fixture("fail_unknown_prose.txt")).unwrap_err();
        let msg = message(&prose);
        assert!(
            msg.contains("fail_unknown_prose.txt") && msg.contains("line 1 "),
            "{msg}"
        );
    }

    #[test]
    fn file_name_hints() {
        let hint = |name: &str| service_from_file_name(Path::new(name));
        assert_eq!(
            hint("PyPI-Recovery-Codes-alice-2024-08-02T00_21_08.140030.txt"),
            Service::Pypi
        );
        assert_eq!(
            hint("TestPyPI-Recovery-Codes-alice-2024.txt"),
            Service::Pypi
        );
        assert_eq!(hint("github-recovery-codes (2).txt"), Service::Github);
        assert_eq!(hint("gitlab-recovery-codes-2024.txt"), Service::Gitlab);
        assert_eq!(hint("recovery-codes.txt"), Service::Unknown);
        assert_eq!(hint("github-recovery-codes.pdf"), Service::Unknown);
    }

    // --- count notes -----------------------------------------------------------

    #[test]
    fn count_note_when_codes_are_missing_or_extra() {
        let text = format!("PyPI recovery codes\n{}", PYPI_CODES[..7].join("\n"));
        let parsed = parse_codes(&text).unwrap();
        assert_eq!(
            parsed.count_note().as_deref(),
            Some("PyPI issues 8 codes; found 7 — check you copied all of them")
        );
        let parsed = parse_codes(&GITHUB_CODES[..15].join("\n")).unwrap();
        assert_eq!(parsed.service, Service::Github);
        assert!(parsed.count_note().unwrap().contains("found 15"));
        let text = format!(
            "GitLab recovery codes\n{}\n1234abcd",
            GITLAB_CODES.join("\n")
        );
        let note = parse_codes(&text).unwrap().count_note().unwrap();
        assert!(
            note.contains("found 11") && note.contains("newest set"),
            "{note}"
        );
    }

    // --- the set -------------------------------------------------------------

    #[test]
    fn from_parsed_keeps_service_and_codes() {
        let parsed = parse_codes(&read_fixture("pypi-copy.txt")).unwrap();
        let set = RecoverySet::from_parsed(parsed, 1_700_000_000).unwrap();
        assert_eq!(set.service(), Service::Pypi);
        assert_eq!(set.updated_at(), 1_700_000_000);
        assert_eq!(set.len(), 8);
        let codes: Vec<&str> = set.codes().iter().map(RecoveryCode::code).collect();
        assert_eq!(codes, PYPI_CODES);
        assert!(set.codes().iter().all(|c| !c.is_used()));
    }

    #[test]
    fn take_next_goes_in_order_and_stops_when_exhausted() {
        let mut set = set_of(3);
        let (i, code) = set.take_next(10).unwrap();
        assert_eq!((i, code.expose_secret()), (0, "code0000"));
        set.mark_used(2, 5).unwrap();
        let (i, code) = set.take_next(20).unwrap();
        assert_eq!((i, code.expose_secret()), (1, "code0001"));
        assert_eq!(set.codes()[1].used_at(), Some(20));
        assert_eq!(set.used_count(), 3);
        let msg = message(&set.take_next(30).unwrap_err());
        assert_eq!(
            msg,
            "invalid recovery codes: all 3 codes are used: generate a new set on the service and \
             replace this one"
        );
        let msg = message(&RecoverySet::default().take_next(1).unwrap_err());
        assert!(msg.contains("no codes"), "{msg}");
    }

    #[test]
    fn running_low_at_exactly_two() {
        let mut set = set_of(4);
        assert!(!set.is_running_low());
        set.take_next(1).unwrap();
        assert_eq!(set.unused_count(), 3);
        assert!(!set.is_running_low());
        set.take_next(2).unwrap();
        assert_eq!(set.unused_count(), 2);
        assert!(set.is_running_low());
        set.take_next(3).unwrap();
        set.take_next(4).unwrap();
        assert!(set.is_running_low());
        assert!(!RecoverySet::default().is_running_low());
        assert!(set_of(2).is_running_low());
    }

    #[test]
    fn mark_used_keeps_the_first_time_and_unmark_clears_it() {
        let mut set = set_of(3);
        set.mark_used(1, 100).unwrap();
        set.mark_used(1, 200).unwrap();
        assert_eq!(set.codes()[1].used_at(), Some(100));
        set.unmark(1).unwrap();
        assert!(!set.codes()[1].is_used());
        assert_eq!(set.unused_count(), 3);
        set.unmark(0).unwrap();
        let msg = message(&set.mark_used(3, 1).unwrap_err());
        assert!(
            msg.contains("no code at index 3") && msg.contains("index 0 to 2"),
            "{msg}"
        );
        assert!(set.unmark(99).is_err());
        assert!(RecoverySet::default().mark_used(0, 1).is_err());
    }

    #[test]
    fn replace_drops_the_whole_old_set() {
        let mut set = set_of(3);
        set.take_next(1).unwrap();
        let new = RecoverySet::new(vec!["new1-aaaa".into()], Service::Github, 50).unwrap();
        set.replace(new);
        assert_eq!(set.len(), 1);
        assert_eq!(set.used_count(), 0);
        assert_eq!(set.service(), Service::Github);
        assert_eq!(set.updated_at(), 50);
        assert!(set.codes().iter().all(|c| !c.code().starts_with("code")));
    }

    #[test]
    fn merge_used_from_unions_and_keeps_the_earliest_time() {
        let mut mine = set_of(4);
        mine.mark_used(0, 300).unwrap();
        mine.mark_used(1, 100).unwrap();
        let mut theirs = RecoverySet::new(
            vec![
                "code0000".into(),
                "code0001".into(),
                "code0002".into(),
                "other999".into(),
            ],
            Service::Unknown,
            1_000,
        )
        .unwrap();
        theirs.mark_used(0, 200).unwrap(); // earlier than mine
        theirs.mark_used(1, 150).unwrap(); // later than mine
        theirs.mark_used(2, 400).unwrap(); // unused in mine
        theirs.mark_used(3, 1).unwrap(); // not in mine
        mine.merge_used_from(&theirs);
        let times: Vec<Option<i64>> = mine.codes().iter().map(RecoveryCode::used_at).collect();
        assert_eq!(times, [Some(200), Some(100), Some(400), None]);
        assert_eq!(mine.len(), 4);
        // Unused in the other never unmarks here.
        mine.merge_used_from(&set_of(4));
        assert_eq!(mine.used_count(), 3);
    }

    #[test]
    fn masked_shows_only_the_last_four() {
        let set = RecoverySet::new(
            vec![
                "9f2c8e1d4b7a3f2a".into(),
                "ee5ea-e701b".into(),
                "abc1234".into(),
            ],
            Service::Unknown,
            0,
        )
        .unwrap();
        assert_eq!(set.codes()[0].masked(), "••••-••••-3f2a");
        assert_eq!(set.codes()[1].masked(), "••••-••••-701b");
        assert_eq!(set.codes()[2].masked(), "••••-••••-••••");
    }

    // --- serde ---------------------------------------------------------------

    #[test]
    fn serde_round_trip_and_shape() {
        let mut set = RecoverySet::new(
            vec!["9f2c8e1d4b7a3f2a".into(), "0a1b2c3d4e5f6a7b".into()],
            Service::Pypi,
            1_700_000_000,
        )
        .unwrap();
        set.mark_used(1, 1_700_000_500).unwrap();
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(
            json,
            r#"{"service":"pypi","updated_at":1700000000,"codes":[{"code":"9f2c8e1d4b7a3f2a","used_at":null},{"code":"0a1b2c3d4e5f6a7b","used_at":1700000500}]}"#
        );
        let back: RecoverySet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, set);
        let empty: RecoverySet =
            serde_json::from_str(&serde_json::to_string(&RecoverySet::default()).unwrap()).unwrap();
        assert_eq!(empty, RecoverySet::default());
        for service in ["pypi", "github", "gitlab", "npm", "unknown"] {
            let s: Service = serde_json::from_str(&format!("\"{service}\"")).unwrap();
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{service}\""));
        }
    }

    #[test]
    fn damaged_documents_give_clear_errors() {
        let cases = [
            (
                r#"{"service":"pypi","updated_at":1}"#,
                "missing field `codes`",
            ),
            (
                r#"{"service":"myspace","updated_at":1,"codes":[]}"#,
                "unknown variant",
            ),
            (
                r#"{"service":"pypi","updated_at":1,"codes":[{"code":"s3cret1","used_at":null},{"code":"s3cret1","used_at":null}]}"#,
                "code 2 is the same as code 1",
            ),
            (
                r#"{"service":"pypi","updated_at":1,"codes":[{"code":"","used_at":null}]}"#,
                "is empty",
            ),
            (
                r#"{"service":"pypi","updated_at":1,"codes":[{"code":"a\nb","used_at":null}]}"#,
                "control character",
            ),
            (
                r#"{"service":"pypi","updated_at":"x","codes":[]}"#,
                "invalid type",
            ),
            (r#"{"service":"pypi","#, "EOF"),
        ];
        for (json, expected) in cases {
            let err = serde_json::from_str::<RecoverySet>(json)
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{json}: {err}");
            assert!(!err.contains("s3cret1"), "{err}");
        }
        let over: Vec<String> = (0..=MAX_CODES)
            .map(|i| format!(r#"{{"code":"c{i:05}","used_at":null}}"#))
            .collect();
        let json = format!(
            r#"{{"service":"npm","updated_at":1,"codes":[{}]}}"#,
            over.join(",")
        );
        let err = serde_json::from_str::<RecoverySet>(&json)
            .unwrap_err()
            .to_string();
        assert!(err.contains("at most 100"), "{err}");
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
    fn ignored_lines_never_hold_a_code() {
        for name in [
            "pypi-copy.txt",
            "gitlab-ssh-output.txt",
            "gitlab-single-line.txt",
            "npm-profile-enable-2fa.txt",
        ] {
            let parsed = parse_codes(&read_fixture(name)).unwrap();
            for line in &parsed.ignored_lines {
                for code in &parsed.codes {
                    assert!(!line.contains(code.as_str()), "{name}: {line}");
                }
            }
        }
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

    proptest! {
        #[test]
        fn parse_never_panics(text in any::<String>()) {
            let _ = parse_codes(&text);
        }

        #[test]
        fn parse_never_panics_on_code_like_noise(
            text in "[a-fA-F0-9 ,;.:)•*\\-\t\r\n]{0,400}"
        ) {
            let _ = parse_codes(&text);
        }

        #[test]
        fn unique_codes_survive_any_separator(
            codes in proptest::collection::hash_set("[a-f0-9]{4}[0-9][a-f0-9]{3}(-[a-fA-F0-9]{5})?", 1..40),
            sep in prop_oneof![Just("\n"), Just("\r\n"), Just(" "), Just(", "), Just("\n\n")],
        ) {
            let codes: Vec<String> = codes.into_iter().collect();
            let parsed = parse_codes(&codes.join(sep)).unwrap();
            prop_assert_eq!(&parsed.codes, &codes);
            prop_assert!(parsed.ignored_lines.is_empty());
        }
    }
}
