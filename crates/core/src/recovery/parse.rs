//! The parser for recovery codes pasted or downloaded from a service.

use std::{fmt, fs::File, io::Read, path::Path};

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{Service, FIELD, MAX_CODES, MAX_CODE_LEN, MAX_INPUT_BYTES, MIN_PARSED_CODE_LEN};
use crate::{Error, Result};

/// What [`parse_codes`] found: the codes, the likely service, and the lines
/// it recognised and left out.
///
/// The codes and lines are zeroized on drop, and `Debug` shows only how many
/// codes there are. Because of that, fields cannot be moved out; take the
/// codes with `std::mem::take(&mut parsed.codes)` or pass the whole value to
/// [`RecoverySet::from_parsed`](super::RecoverySet::from_parsed).
pub struct ParsedCodes {
    /// The service, from a header, the file name, or the codes' shape.
    pub service: Service,
    /// The codes, exactly as written, in order.
    pub codes: Vec<String>,
    /// Header and prose lines recognised and dropped, trimmed (e.g.
    /// `PyPI recovery codes`), to show the user. Never a code.
    pub ignored_lines: Vec<String>,
    /// When the service generated the codes, if the input says: PyPI's
    /// download is named `PyPI-Recovery-Codes-<user>-<ISO time>.txt`
    /// (read as UTC).
    pub generated_at: Option<i64>,
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
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    parse_codes_named(text, name).map_err(|err| match err {
        Error::InvalidInput { reason, .. } => Error::InvalidInput {
            field: field(),
            reason,
        },
        other => other,
    })
}

/// Parses codes read from a file named `file_name` (by a window that has
/// only the text and the name): the name is the service hint of
/// [`parse_codes_file`], and a PyPI download's name says when the set was
/// generated.
pub fn parse_codes_named(text: &str, file_name: &str) -> Result<ParsedCodes> {
    let mut parsed = parse_with_hint(text, service_from_file_name(Path::new(file_name)))?;
    if parsed.service == Service::Pypi {
        parsed.generated_at = time_in_file_name(file_name);
    }
    Ok(parsed)
}

/// The first `YYYY-MM-DDTHH:MM:SS` in a file name (`:` may be `_` or `-`,
/// as browsers replace it), as UTC Unix seconds.
fn time_in_file_name(name: &str) -> Option<i64> {
    let b = name.as_bytes();
    (0..b.len().saturating_sub(18)).find_map(|i| {
        let w = b.get(i..i + 19)?;
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &w[r];
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        let sep = |c: u8| matches!(c, b':' | b'_' | b'-');
        if w[4] != b'-' || w[7] != b'-' || w[10] != b'T' || !sep(w[13]) || !sep(w[16]) {
            return None;
        }
        crate::time::from_utc(
            i64::from(digits(0..4)?),
            digits(5..7)?,
            digits(8..10)?,
            digits(11..13)?,
            digits(14..16)?,
            digits(17..19)?,
        )
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
        generated_at: None,
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
    use crate::recovery::tests::{fixture, message, read_fixture, PYPI_CODES};
    use crate::recovery::RecoverySet;
    use proptest::prelude::*;

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
        // The name carries when PyPI generated them: 2024-08-02 00:21:08 UTC.
        assert_eq!(parsed.generated_at, Some(1_722_558_068));
        // The same text pasted has no header: 16-hex codes alone say nothing.
        let pasted = parse_codes(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(pasted.service, Service::Unknown);
        assert_eq!(pasted.count_note(), None);
        assert_eq!(pasted.generated_at, None);
        // Read by the app, which passes the text and the name: the same.
        let text = std::fs::read_to_string(&path).unwrap();
        let named = path.file_name().unwrap().to_str().unwrap();
        let loaded = parse_codes_named(&text, named).unwrap();
        assert_eq!(
            (loaded.service, loaded.generated_at),
            (Service::Pypi, Some(1_722_558_068))
        );
    }

    #[test]
    fn generation_times_in_file_names() {
        assert_eq!(
            time_in_file_name("PyPI-Recovery-Codes-a-2-b-2024-08-02T00:21:08.1.txt"),
            Some(1_722_558_068)
        );
        assert_eq!(
            time_in_file_name("PyPI-Recovery-Codes-2024-bob-2024-08-02T00-21-08 (1).txt"),
            Some(1_722_558_068)
        );
        for none in [
            "PyPI-Recovery-Codes-bob.txt",
            "x-2024-13-02T00_21_08.txt",
            "",
        ] {
            assert_eq!(time_in_file_name(none), None, "{none}");
        }
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

    // --- no code among the ignored lines -----------------------------------

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
