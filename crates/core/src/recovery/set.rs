//! A saved set of recovery codes and its rules.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{ParsedCodes, Service, FIELD, MAX_CODES, MAX_CODE_LEN, RUNNING_LOW_AT};
use crate::secret::SecretString;
use crate::{Error, Result};

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
    /// When the service generated the set, if known (PyPI's download name
    /// carries it; otherwise the user says, by default the day it was
    /// saved). Absent in vaults written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generated_at: Option<i64>,
    /// The sets this one replaced, oldest first: dates and counts only (the
    /// dead codes themselves are dropped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    superseded: Vec<SupersededSet>,
}

/// Most superseded sets a set remembers.
pub const MAX_SUPERSEDED: usize = 20;

/// A set that was replaced after the service regenerated the codes: what is
/// left to answer "which set is live?" (an admin says "your codes are from
/// 2023"). It holds no code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupersededSet {
    /// The service that issued it.
    pub service: Service,
    /// When the service generated it, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<i64>,
    /// When it was saved in Sparekey.
    pub saved_at: i64,
    /// When it was replaced.
    pub replaced_at: i64,
    /// Codes it had.
    pub total: usize,
    /// Codes marked used when it was replaced.
    pub used: usize,
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
            generated_at: None,
            superseded: Vec::new(),
        })
    }

    /// A new set from parsed codes (see [`parse_codes`](super::parse_codes)),
    /// entered at `now`; it keeps the generation time the parser found (a
    /// PyPI download's name).
    pub fn from_parsed(mut parsed: ParsedCodes, now: i64) -> Result<RecoverySet> {
        let codes = std::mem::take(&mut parsed.codes);
        Ok(RecoverySet::new(codes, parsed.service, now)?.generated(parsed.generated_at))
    }

    /// The set with the time the service generated it.
    pub fn generated(mut self, at: Option<i64>) -> RecoverySet {
        self.generated_at = at;
        self
    }

    /// When the service generated the set, if known.
    pub fn generated_at(&self) -> Option<i64> {
        self.generated_at
    }

    /// The sets this one replaced, oldest first.
    pub fn superseded(&self) -> &[SupersededSet] {
        &self.superseded
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
        Ok((index, SecretString::from(code.code.clone())))
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

    /// Replaces the whole set after the service regenerated it, at `now`:
    /// every old code, used or not, is dropped (and zeroized); the old set's
    /// dates and counts are kept as superseded (at most [`MAX_SUPERSEDED`]),
    /// with the history it carried.
    pub fn replace(&mut self, new: RecoverySet, now: i64) {
        let mut history = std::mem::take(&mut self.superseded);
        if !self.is_empty() {
            history.push(SupersededSet {
                service: self.service,
                generated_at: self.generated_at,
                saved_at: self.updated_at,
                replaced_at: now,
                total: self.len(),
                used: self.used_count(),
            });
        }
        let drop = history.len().saturating_sub(MAX_SUPERSEDED);
        history.drain(..drop);
        *self = new;
        self.superseded = history;
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
            #[serde(default)]
            generated_at: Option<i64>,
            #[serde(default)]
            superseded: Vec<SupersededSet>,
        }
        let raw = Raw::deserialize(deserializer)?;
        if raw.superseded.len() > MAX_SUPERSEDED {
            return Err(serde::de::Error::custom(format!(
                "recovery codes: {} superseded sets; at most {MAX_SUPERSEDED} are kept",
                raw.superseded.len()
            )));
        }
        let set = RecoverySet {
            service: raw.service,
            updated_at: raw.updated_at,
            codes: raw.codes,
            generated_at: raw.generated_at,
            superseded: raw.superseded,
        };
        check_codes(&set.codes)
            .map_err(|reason| serde::de::Error::custom(format!("recovery codes: {reason}")))?;
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recovery::parse_codes;
    use crate::recovery::tests::{message, read_fixture, PYPI_CODES};
    use crate::secret::ExposeSecret;

    fn set_of(n: usize) -> RecoverySet {
        let codes = (0..n).map(|i| format!("code{i:04}")).collect();
        RecoverySet::new(codes, Service::Unknown, 1_000).unwrap()
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
        set.replace(new, 60);
        assert_eq!(set.len(), 1);
        assert_eq!(set.used_count(), 0);
        assert_eq!(set.service(), Service::Github);
        assert_eq!(set.updated_at(), 50);
        assert!(set.codes().iter().all(|c| !c.code().starts_with("code")));
        // The old set is remembered by its dates and counts, not its codes.
        assert_eq!(
            set.superseded(),
            [SupersededSet {
                service: Service::Unknown,
                generated_at: None,
                saved_at: 1_000,
                replaced_at: 60,
                total: 3,
                used: 1,
            }]
        );
        assert!(!serde_json::to_string(&set).unwrap().contains("code0000"));
    }

    #[test]
    fn history_of_replaced_sets_answers_which_set_is_live() {
        let mut set = set_of(8).generated(Some(1_690_000_000)); // 2023
        for i in 0..(MAX_SUPERSEDED + 2) {
            let at = 1_700_000_000 + i as i64 * 1_000;
            let next = RecoverySet::new(vec![format!("n{i:04}-abcd")], Service::Pypi, at)
                .unwrap()
                .generated(Some(at - 5));
            set.replace(next, at);
        }
        assert_eq!(set.superseded().len(), MAX_SUPERSEDED);
        // The oldest entries went first; the newest is the set replaced last.
        let last = set.superseded().last().unwrap();
        assert_eq!(last.generated_at, Some(1_700_000_000 + 20_000 - 5));
        assert!(set
            .superseded()
            .iter()
            .all(|s| s.generated_at != Some(1_690_000_000)));
        let json = serde_json::to_string(&set).unwrap();
        let back: RecoverySet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, set);
        assert_eq!(back.generated_at(), Some(1_700_000_000 + 21_000 - 5));
    }

    #[test]
    fn a_set_written_before_generated_dates_still_opens() {
        // The shape vaults of the previous version hold.
        let old = r#"{"service":"pypi","updated_at":1700000000,"codes":[{"code":"9f2c8e1d4b7a3f2a","used_at":null}]}"#;
        let set: RecoverySet = serde_json::from_str(old).unwrap();
        assert_eq!(set.generated_at(), None);
        assert!(set.superseded().is_empty());
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            old,
            "written back unchanged"
        );
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
}
