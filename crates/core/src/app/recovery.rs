//! Recovery codes: save a pasted or downloaded set, show it, use the next
//! code, undo a use. One view of a set ([`RecoveryView`]) for every front
//! end.

use std::path::Path;

use serde::Serialize;

use crate::{
    account::Account,
    recovery::{self, ParsedCodes, RecoverySet, Service, SupersededSet},
    secret::SecretString,
    time,
    vault::Vault,
    Error, Result,
};

/// One recovery code as a list shows it.
#[derive(Debug, Serialize)]
pub struct RecoveryRow {
    /// 1-based position in the set (what "undo" and `unuse` take).
    pub number: usize,
    /// The code, masked unless revealed.
    pub code: String,
    /// Used already.
    pub used: bool,
    /// When it was used (Unix seconds), if known.
    pub used_at: Option<i64>,
}

/// An account's recovery codes as front ends show them.
#[derive(Debug, Serialize)]
pub struct RecoveryView {
    /// The account, as `issuer:name`.
    pub account: String,
    /// The service the codes were recognised as.
    pub service: Service,
    /// Codes saved.
    pub total: usize,
    /// Codes not used yet.
    pub unused: usize,
    /// [`recovery::RUNNING_LOW_AT`] or fewer unused codes left.
    pub running_low: bool,
    /// The codes, masked unless revealed.
    pub codes: Vec<RecoveryRow>,
    /// When the service generated this set (Unix seconds), if known.
    pub generated_at: Option<i64>,
    /// When it was saved in Sparekey (Unix seconds; 0 for no set).
    pub saved_at: i64,
    /// The sets it replaced, oldest first (dates and counts only).
    pub superseded: Vec<SupersededSet>,
    /// A note from the parser (e.g. an unexpected count), after saving.
    pub note: Option<String>,
}

/// Whether a view shows the codes themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    /// Masked (`••••-••34`): the default.
    Masked,
    /// The codes in full, on an explicit request.
    Codes,
}

/// The view of `account`'s set.
pub fn view_of(account: &Account, reveal: Reveal, note: Option<String>) -> RecoveryView {
    let set = &account.recovery;
    RecoveryView {
        account: account.label(),
        service: set.service(),
        total: set.len(),
        generated_at: set.generated_at(),
        saved_at: set.updated_at(),
        superseded: set.superseded().to_vec(),
        unused: set.unused_count(),
        running_low: set.is_running_low(),
        codes: set
            .codes()
            .iter()
            .enumerate()
            .map(|(i, c)| RecoveryRow {
                number: i + 1,
                code: match reveal {
                    Reveal::Codes => c.code().to_owned(),
                    Reveal::Masked => c.masked(),
                },
                used: c.is_used(),
                used_at: c.used_at(),
            })
            .collect(),
        note,
    }
}

/// The account's recovery codes.
pub fn view(vault: &Vault, id: &str, reveal: Reveal) -> Result<RecoveryView> {
    Ok(view_of(vault.doc().account(id)?, reveal, None))
}

/// Where codes to save come from.
pub enum CodesSource<'a> {
    /// Pasted text.
    Text(&'a str),
    /// A downloaded file (its name hints at the service, e.g.
    /// `PyPI-Recovery-Codes-….txt`).
    File(&'a Path),
    /// A file's text read by a window, with the file's name (the same hint).
    Named {
        /// The file's text.
        text: &'a str,
        /// Its name.
        file_name: &'a str,
    },
}

/// Parses codes from `source` (before the vault is opened, so bad input
/// fails fast).
pub fn parse(source: CodesSource<'_>) -> Result<ParsedCodes> {
    match source {
        CodesSource::Text(text) => recovery::parse_codes(text),
        CodesSource::File(path) => recovery::parse_codes_file(path),
        CodesSource::Named { text, file_name } => recovery::parse_codes_named(text, file_name),
    }
}

/// When a set of codes was generated, as the user says it: a `YYYY-MM-DD`
/// date, or nothing for "today". A date in the future is refused.
pub fn generated_date(text: Option<&str>, now: i64) -> Result<Option<i64>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let at = time::parse_date(text).ok_or_else(|| {
        Error::invalid(
            "generated date",
            format!("{text:?} is not a date: use YYYY-MM-DD, e.g. 2024-08-02"),
        )
    })?;
    if at > now {
        return Err(Error::invalid(
            "generated date",
            format!("{text} is in the future: give the day the service showed the codes"),
        ));
    }
    Ok(Some(at))
}

/// Saves parsed codes for an account. With `replace`, replaces a saved set
/// (after regenerating the codes at the service) and keeps the old one's
/// dates as superseded; without it, an account that has codes keeps them
/// ([`Error::CodesAlreadySaved`]). The set's generation time is the one the
/// parser found (a PyPI download's name), else `generated_at`, else now.
/// The view's `note` carries the parser's count warning.
pub fn save(
    vault: &mut Vault,
    id: &str,
    parsed: ParsedCodes,
    replace: bool,
    generated_at: Option<i64>,
) -> Result<RecoveryView> {
    let note = parsed.count_note();
    let now = time::now();
    let set = RecoverySet::from_parsed(parsed, now)?;
    let generated = set.generated_at().or(generated_at).unwrap_or(now);
    let set = set.generated(Some(generated));
    vault.update(|doc| {
        let account = doc.account_mut(id)?;
        account.save_recovery_codes(set, replace, now)?;
        Ok(view_of(account, Reveal::Masked, note))
    })
}

/// What "use the next code" did. No `Debug`: it holds the code.
pub struct UsedCode {
    /// The code, to give to the service.
    pub code: SecretString,
    /// Its 1-based number (for undo).
    pub number: usize,
    /// The set afterwards, masked.
    pub view: RecoveryView,
}

/// Takes the next unused code and marks it used, in one save: a code is
/// never handed out twice, even by two processes at once.
pub fn use_next(vault: &mut Vault, id: &str) -> Result<UsedCode> {
    vault.update(|doc| {
        let account = doc.account_mut(id)?;
        let (index, code) = account.use_next_recovery_code(time::now())?;
        Ok(UsedCode {
            code,
            number: index + 1,
            view: view_of(account, Reveal::Masked, None),
        })
    })
}

/// Marks code `number` (1-based) unused again: the undo of [`use_next`].
pub fn unuse(vault: &mut Vault, id: &str, number: usize) -> Result<RecoveryView> {
    let index = number
        .checked_sub(1)
        .ok_or_else(|| Error::invalid("recovery code number", "starts at 1"))?;
    vault.update(|doc| {
        let account = doc.account_mut(id)?;
        account.unuse_recovery_code(index, time::now())?;
        Ok(view_of(account, Reveal::Masked, None))
    })
}
