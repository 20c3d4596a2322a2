//! An account: who it is for (issuer and name), its OTP secret and its
//! recovery codes, and how front ends find one by a typed query.

use serde::{Deserialize, Serialize};

use crate::{
    otp::{Otp, OtpKind},
    recovery::RecoverySet,
    secret::SecretString,
    ways::Ways,
    Error, Result,
};

/// Longest issuer, name or tag Sparekey accepts, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// One account in the vault.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Account {
    /// Stable random identifier (32 hex characters); never shown as a secret.
    pub id: String,
    /// Who issued the account, e.g. "PyPI". May be empty.
    #[serde(default)]
    pub issuer: String,
    /// The account name at the issuer, e.g. a username or email.
    pub name: String,
    /// Free text from the user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Unix seconds when the account was added.
    pub created_at: i64,
    /// Unix seconds of the last change.
    pub updated_at: i64,
    /// The OTP secret and parameters, if the account has 2FA codes here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<Otp>,
    /// The account's recovery codes (possibly none).
    #[serde(default, skip_serializing_if = "RecoverySet::is_empty")]
    pub recovery: RecoverySet,
    /// Pinned: listed first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned: bool,
    /// Its ways back in besides Sparekey (see [`crate::ways`]).
    #[serde(default, skip_serializing_if = "Ways::is_empty")]
    pub ways: Ways,
}

impl Account {
    /// A new account with a fresh id; issuer and name are validated and trimmed.
    pub fn new(issuer: &str, name: &str, otp: Option<Otp>, now: i64) -> Result<Account> {
        let (issuer, name) = validate_labels(issuer, name)?;
        Ok(Account {
            id: new_id(),
            issuer,
            name,
            note: String::new(),
            tags: Vec::new(),
            created_at: now,
            updated_at: now,
            otp,
            recovery: RecoverySet::default(),
            pinned: false,
            ways: Ways::default(),
        })
    }

    /// `issuer:name`, or just `name` when there is no issuer: how accounts are
    /// named in messages and matched by queries.
    pub fn label(&self) -> String {
        label_of(&self.issuer, &self.name)
    }

    /// `issuer (name)`, or just `name`: how a screen or a sentence names the
    /// account to a person. [`Account::label`] is the form a query types.
    pub fn display_name(&self) -> String {
        display_of(&self.issuer, &self.name)
    }

    /// Renames the account (validated like [`Account::new`]).
    pub fn rename(&mut self, issuer: &str, name: &str, now: i64) -> Result<()> {
        let (issuer, name) = validate_labels(issuer, name)?;
        self.issuer = issuer;
        self.name = name;
        self.updated_at = now;
        Ok(())
    }

    /// Sets the note (validated for length).
    pub fn set_note(&mut self, note: &str, now: i64) -> Result<()> {
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(Error::invalid(
                "note",
                format!("is longer than {MAX_NOTE_CHARS} characters"),
            ));
        }
        self.note = note.to_owned();
        self.updated_at = now;
        Ok(())
    }

    /// Sets the tags: trimmed, empty ones dropped, duplicates removed
    /// (ignoring case, as the tag filter does: "Work" and "work" are one).
    pub fn set_tags(&mut self, tags: &[String], now: i64) -> Result<()> {
        let mut out: Vec<String> = Vec::new();
        for tag in tags {
            let tag = check_label("tag", tag)?;
            if !tag.is_empty() && !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
                out.push(tag);
            }
        }
        self.tags = out;
        self.updated_at = now;
        Ok(())
    }

    /// Pins the account (listed first) or unpins it.
    pub fn set_pinned(&mut self, pinned: bool, now: i64) {
        self.pinned = pinned;
        self.updated_at = now;
    }

    /// Saves a new set of recovery codes. Codes already saved are kept
    /// unless `replace` (the user regenerated them at the service, which
    /// invalidates the old ones): the error says how many would be lost.
    pub fn save_recovery_codes(&mut self, set: RecoverySet, replace: bool, now: i64) -> Result<()> {
        if !self.recovery.is_empty() && !replace {
            return Err(Error::CodesAlreadySaved {
                account: self.label(),
                saved: self.recovery.len(),
                unused: self.recovery.unused_count(),
            });
        }
        self.recovery.replace(set, now);
        self.updated_at = now;
        Ok(())
    }

    /// Takes the next unused recovery code and marks it used: its index and
    /// the code, to give to the service.
    pub fn use_next_recovery_code(&mut self, now: i64) -> Result<(usize, SecretString)> {
        let taken = self.recovery.take_next(now)?;
        self.updated_at = now;
        Ok(taken)
    }

    /// Marks the code at `index` unused again (undo of a use).
    pub fn unuse_recovery_code(&mut self, index: usize, now: i64) -> Result<()> {
        self.recovery.unmark(index)?;
        self.updated_at = now;
        Ok(())
    }

    /// The account's OTP, or a clear error naming the account.
    pub fn otp(&self) -> Result<&Otp> {
        self.otp.as_ref().ok_or_else(|| self.missing_otp())
    }

    fn missing_otp(&self) -> Error {
        Error::Missing {
            account: self.label(),
            what: crate::error::Absent::OtpSecret,
        }
    }
}

/// `issuer:name`, or the name alone without an issuer: how accounts are
/// named in lists, queries and messages.
/// `issuer (name)`, or `name` when there is no issuer (see
/// [`Account::display_name`]).
pub(crate) fn display_of(issuer: &str, name: &str) -> String {
    if issuer.is_empty() {
        name.to_owned()
    } else {
        format!("{issuer} ({name})")
    }
}

pub(crate) fn label_of(issuer: &str, name: &str) -> String {
    if issuer.is_empty() {
        name.to_owned()
    } else {
        format!("{issuer}:{name}")
    }
}

/// The live code of a TOTP or Steam `otp` at `unix_time` (with the next
/// one) for the account `id`. HOTP codes are only taken, never shown ahead:
/// for them an error naming the account (`label`).
pub(crate) fn live_code(
    id: &str,
    label: impl FnOnce() -> String,
    otp: &Otp,
    unix_time: u64,
) -> Result<CodeView> {
    let Some(period) = otp.period() else {
        return Err(Error::invalid(
            "code",
            format!(
                "{} is counter-based (HOTP): take the next code explicitly, which advances \
                 the counter",
                label()
            ),
        ));
    };
    Ok(CodeView {
        id: id.to_owned(),
        code: otp.code_at(unix_time).as_str().to_owned(),
        next_code: Some(
            otp.code_at(unix_time.saturating_add(u64::from(period)))
                .as_str()
                .to_owned(),
        ),
        seconds_left: otp.seconds_left(unix_time),
        period: Some(period),
        counter: None,
    })
}

/// What front ends show of an account in lists: no secret, no code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    /// The account's id.
    pub id: String,
    /// Issuer (may be empty).
    pub issuer: String,
    /// Account name.
    pub name: String,
    /// `issuer:name`.
    pub label: String,
    /// `issuer (name)`, as a screen names the account.
    pub display: String,
    /// `totp`, `hotp`, `steam`, or `none` without a 2FA secret.
    pub otp_type: &'static str,
    /// Code length (5 for Steam), when there is a secret.
    pub digits: Option<u8>,
    /// Seconds per code for TOTP and Steam.
    pub period: Option<u32>,
    /// `SHA1`, `SHA256` or `SHA512`, when there is a secret.
    pub algorithm: Option<String>,
    /// HOTP counter: the counter of the next code.
    pub counter: Option<u64>,
    /// Tags.
    pub tags: Vec<String>,
    /// Pinned: listed first.
    pub pinned: bool,
    /// How many independent ways back in the account has (see
    /// [`crate::ways::ways_in`]); `None` while its ways are not recorded.
    pub ways_in: Option<usize>,
    /// The user's note.
    pub note: String,
    /// Unix seconds when added.
    pub created_at: i64,
    /// Unix seconds of the last change.
    pub updated_at: i64,
    /// Recovery-code counts.
    pub recovery: RecoverySummary,
}

/// Counts of an account's recovery codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoverySummary {
    /// Codes saved.
    pub total: usize,
    /// Codes not used yet.
    pub unused: usize,
    /// True when codes are saved and 2 or fewer remain unused.
    pub running_low: bool,
    /// The service the codes were recognised as (`pypi`, `github`...).
    pub service: crate::recovery::Service,
}

/// A code as front ends show it. It holds a live code, which is meant to be
/// shown, but no secret.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct CodeView {
    /// The account's id.
    pub id: String,
    /// The current code.
    pub code: String,
    /// The code after this one (TOTP/Steam), for the last seconds of a period.
    pub next_code: Option<String>,
    /// Seconds until the code changes (TOTP/Steam).
    pub seconds_left: Option<u32>,
    /// Seconds per code (TOTP/Steam).
    pub period: Option<u32>,
    /// For HOTP: the counter this code was made from.
    pub counter: Option<u64>,
}

impl std::fmt::Debug for CodeView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeView")
            .field("id", &self.id)
            .field("seconds_left", &self.seconds_left)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// The account as lists show it.
    pub fn summary(&self) -> AccountSummary {
        let otp = self.otp.as_ref();
        AccountSummary {
            id: self.id.clone(),
            issuer: self.issuer.clone(),
            name: self.name.clone(),
            label: self.label(),
            display: self.display_name(),
            otp_type: otp.map_or("none", |o| o.kind().type_name()),
            digits: otp.map(Otp::digits),
            period: otp.and_then(Otp::period),
            algorithm: otp.map(|o| o.algorithm().to_string()),
            counter: otp.and_then(|o| match o.kind() {
                OtpKind::Hotp { counter } => Some(*counter),
                _ => None,
            }),
            tags: self.tags.clone(),
            pinned: self.pinned,
            ways_in: self
                .ways
                .reviewed_at
                .map(|_| crate::ways::ways_in(self).len()),
            note: self.note.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            recovery: RecoverySummary {
                total: self.recovery.len(),
                unused: self.recovery.unused_count(),
                running_low: self.recovery.is_running_low(),
                service: self.recovery.service(),
            },
        }
    }

    /// The code at `unix_time` for TOTP and Steam accounts, with the next one
    /// and the seconds left. HOTP codes are not shown without being taken
    /// (see [`Account::take_code`]), so this is an error for HOTP.
    pub fn code_at(&self, unix_time: u64) -> Result<CodeView> {
        live_code(&self.id, || self.label(), self.otp()?, unix_time)
    }

    /// Takes a code to use now: for TOTP/Steam the current code; for HOTP the
    /// code for the current counter, advancing the counter (the caller saves).
    pub fn take_code(&mut self, unix_time: u64, now: i64) -> Result<CodeView> {
        let counter = match self.otp()?.kind() {
            OtpKind::Hotp { counter } => *counter,
            _ => return self.code_at(unix_time),
        };
        let missing = self.missing_otp();
        let otp = self.otp.as_mut().ok_or(missing)?;
        let code = otp.advance_counter()?;
        self.updated_at = now;
        Ok(CodeView {
            id: self.id.clone(),
            code: code.as_str().to_owned(),
            next_code: None,
            seconds_left: None,
            period: None,
            counter: Some(counter),
        })
    }
}

fn validate_labels(issuer: &str, name: &str) -> Result<(String, String)> {
    let issuer = check_label("issuer", issuer)?;
    let name = check_label("name", name)?;
    if name.is_empty() {
        return Err(Error::invalid(
            "name",
            "is empty: give the account name, e.g. your username at the service",
        ));
    }
    Ok((issuer, name))
}

fn check_label(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    check_text(field, value)?;
    Ok(value.to_owned())
}

/// The rule for short text a person types (a label, a place, an
/// address): at most [`MAX_LABEL_CHARS`] characters, no control character.
pub(crate) fn check_text(field: &str, value: &str) -> Result<()> {
    if value.chars().count() > MAX_LABEL_CHARS {
        return Err(Error::invalid(
            field,
            format!("is longer than {MAX_LABEL_CHARS} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            "contains a control character (tab, newline...)",
        ));
    }
    Ok(())
}

/// A fresh 128-bit random identifier as 32 lowercase hex characters.
pub fn new_id() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Finds the one account a typed query means.
///
/// Rules, in order: an exact `issuer:name` (or bare name for accounts with no
/// issuer) match, ignoring case, wins; an exact account id wins; otherwise the
/// query must be a case-insensitive substring of exactly one account's
/// `issuer:name`. No match and several matches are distinct errors, the latter
/// listing every match.
pub fn find(accounts: &[Account], query: &str) -> Result<usize> {
    find_in(accounts, |a| [&a.id, &a.issuer, &a.name], query)
}

/// [`find`] over anything with an id, issuer and name (`names` gives them):
/// an [`Account`], or the parts of one a read-only look parsed.
pub(crate) fn find_in<T>(
    accounts: &[T],
    names: impl Fn(&T) -> [&str; 3],
    query: &str,
) -> Result<usize> {
    // Lower-cased char by char, exactly as the labels are below.
    let mut q = String::new();
    push_lowercase(query.trim(), &mut q);
    if q.is_empty() {
        return Err(Error::invalid(
            "query",
            "is empty: give part of the issuer or name",
        ));
    }
    // One pass, one reused buffer: at 10,000 accounts, building each label
    // as a new string was a sixth of a `sparekey-cli code` run.
    let mut label = String::new();
    let mut exact = Vec::new();
    let mut partial = Vec::new();
    for (i, account) in accounts.iter().enumerate() {
        let [id, issuer, name] = names(account);
        lowercase_label(issuer, name, &mut label);
        if label == q || id == q {
            exact.push(i);
        } else if exact.is_empty() && label.contains(&q) {
            partial.push(i);
        }
    }
    let hits = if exact.is_empty() { partial } else { exact };
    match hits.as_slice() {
        [] => Err(Error::NoMatch {
            query: query.to_owned(),
        }),
        [one] => Ok(*one),
        many => Err(Error::Ambiguous {
            query: query.to_owned(),
            matches: many
                .iter()
                .map(|&i| {
                    let [_, issuer, name] = names(&accounts[i]);
                    label_of(issuer, name)
                })
                .collect(),
        }),
    }
}

/// The codes at `unix_time` of those `accounts` that show a live code:
/// TOTP and Steam. HOTP codes are only ever taken ([`Account::take_code`]),
/// and accounts without a secret have none.
pub fn live_codes<'a>(
    accounts: impl IntoIterator<Item = &'a Account>,
    unix_time: u64,
) -> Result<Vec<CodeView>> {
    accounts
        .into_iter()
        .filter(|a| a.otp.as_ref().is_some_and(|o| o.period().is_some()))
        .map(|a| a.code_at(unix_time))
        .collect()
}

/// Writes the label of `issuer` and `name` ([`label_of`]) in lower case
/// into `out` (cleared first).
fn lowercase_label(issuer: &str, name: &str, out: &mut String) {
    out.clear();
    if !issuer.is_empty() {
        push_lowercase(issuer, out);
        out.push(':');
    }
    push_lowercase(name, out);
}

/// Appends `text` lower-cased char by char (ASCII, the common case, in bulk).
pub(crate) fn push_lowercase(text: &str, out: &mut String) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.extend(text.chars().flat_map(char::to_lowercase));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(issuer: &str, name: &str) -> Account {
        Account::new(issuer, name, None, 0).unwrap()
    }

    #[test]
    fn live_codes_are_those_of_totp_and_steam_accounts_only() {
        let with = |uri: &str| {
            let parsed = crate::otp::parse_uri(uri).unwrap();
            Account::new("X", &parsed.name, Some(parsed.otp), 0).unwrap()
        };
        let accounts = [
            with("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"),
            with("otpauth://hotp/b?secret=GEZDGNBVGY3TQOJQ&counter=3"),
            acct("X", "no secret"),
            with("otpauth://totp/c?secret=MFRGGZDFMZTWQ2LK&period=60"),
        ];
        let codes = live_codes(&accounts, 1_800_000_000).unwrap();
        let ids: Vec<&str> = codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, [accounts[0].id.as_str(), accounts[3].id.as_str()]);
        assert_eq!(
            codes[0].code,
            accounts[0].code_at(1_800_000_000).unwrap().code
        );
    }

    #[test]
    fn find_prefers_exact_label_then_unique_substring() {
        let accounts = vec![
            acct("PyPI", "alice"),
            acct("GitHub", "alice"),
            acct("GitHub", "alice-work"),
        ];
        assert_eq!(find(&accounts, "pypi").unwrap(), 0);
        assert_eq!(find(&accounts, "GitHub:alice").unwrap(), 1);
        assert_eq!(find(&accounts, "work").unwrap(), 2);
        match find(&accounts, "alice") {
            Err(Error::Ambiguous { matches, .. }) => assert_eq!(matches.len(), 3),
            other => panic!("expected ambiguous, got {other:?}"),
        }
        assert!(matches!(
            find(&accounts, "gitlab"),
            Err(Error::NoMatch { .. })
        ));
        let id = accounts[1].id.clone();
        assert_eq!(find(&accounts, &id).unwrap(), 1);
    }

    #[test]
    fn labels_are_validated() {
        assert!(Account::new("PyPI", "  ", None, 0).is_err());
        assert!(Account::new("Py\nPI", "a", None, 0).is_err());
        let a = Account::new(" PyPI ", " alice ", None, 0).unwrap();
        assert_eq!(a.label(), "PyPI:alice");
        assert_eq!(acct("", "bob").label(), "bob");
        assert_eq!(a.display_name(), "PyPI (alice)");
        assert_eq!(acct("", "bob").display_name(), "bob");
    }

    #[test]
    fn recovery_codes_are_replaced_only_when_asked_and_uses_are_dated() {
        use crate::recovery::Service;
        let set = |n: usize| {
            let codes = (0..n).map(|i| format!("{i:04x}aaaabbbbcccc")).collect();
            RecoverySet::new(codes, Service::Pypi, 1).unwrap()
        };
        let mut a = acct("PyPI", "alice");
        a.save_recovery_codes(set(8), false, 10).unwrap();
        let err = a.save_recovery_codes(set(8), false, 11).unwrap_err();
        assert!(
            err.to_string().contains("8 saved codes (8 unused)"),
            "{err}"
        );
        assert_eq!(a.updated_at, 10, "a refused save changes nothing");
        let (index, _) = a.use_next_recovery_code(20).unwrap();
        assert_eq!((index, a.updated_at, a.recovery.unused_count()), (0, 20, 7));
        a.unuse_recovery_code(0, 30).unwrap();
        assert_eq!((a.updated_at, a.recovery.unused_count()), (30, 8));
        a.save_recovery_codes(set(10), true, 40).unwrap();
        assert_eq!(a.recovery.len(), 10);
    }

    #[test]
    fn ids_are_unique_hex() {
        let a = new_id();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, new_id());
    }
}
