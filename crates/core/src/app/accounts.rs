//! Accounts: add (typed, from a URI, from a QR image), list, edit, delete,
//! and take a code. The defaults of a new account live here and nowhere
//! else: TOTP, SHA1, 6 digits, 30 seconds, counter 0.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{
    account::{self, Account, AccountSummary, CodeView},
    list::{self, ListSort},
    otp::{self, Algorithm, Otp, OtpKind, DEFAULT_PERIOD},
    qr,
    secret::ExposeSecret,
    time,
    vault::{Settings, Vault},
    Error, Result,
};

/// The largest image accepted for QR decoding: [`qr::MAX_INPUT_BYTES`],
/// which [`qr::decode_image`] enforces (a photo of a screen is a few MB).
pub const MAX_IMAGE_BYTES: usize = qr::MAX_INPUT_BYTES;

/// Code length when none is given.
pub const DEFAULT_DIGITS: u8 = 6;

/// A new account as a person typed or pasted it: an otpauth URI (then
/// `issuer` and `name` only override the URI's), or the parts. No `Debug`,
/// and wiped on drop: it holds the secret.
///
/// Every field may be left out (missing fields are `None`).
#[derive(Default, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    /// An `otpauth://` URI.
    pub uri: Option<String>,
    /// The service, e.g. "PyPI".
    pub issuer: Option<String>,
    /// The account name at the service.
    pub name: Option<String>,
    /// The base32 secret.
    pub secret: Option<String>,
    /// `totp` (default), `hotp` or `steam`.
    pub kind: Option<String>,
    /// `SHA1` (default), `SHA256` or `SHA512`.
    pub algorithm: Option<String>,
    /// 6 (default), 7 or 8; Steam codes always have 5 characters.
    pub digits: Option<u8>,
    /// Seconds per code for TOTP and Steam (default 30).
    pub period: Option<u32>,
    /// HOTP: the counter of the first code (default 0).
    pub counter: Option<u64>,
}

impl NewAccount {
    /// An account from an `otpauth://` URI alone.
    pub fn from_uri(uri: String) -> NewAccount {
        let mut input = NewAccount::default();
        input.uri = Some(uri);
        input
    }
}

/// What adding accounts did.
#[derive(Debug, Serialize)]
pub struct Added {
    /// The accounts added.
    pub accounts: Vec<AccountSummary>,
    /// Non-fatal findings from the URI parser, to show the person.
    pub notes: Vec<String>,
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Builds (and validates) the account `input` describes, with the parser's
/// notes. Nothing is saved.
pub fn build(input: &NewAccount, now: i64) -> Result<(Account, Vec<String>)> {
    let issuer = non_empty(input.issuer.as_ref());
    let name = non_empty(input.name.as_ref());
    if let Some(uri) = non_empty(input.uri.as_ref()) {
        let parsed = otp::parse_uri(uri)?;
        let issuer = issuer
            .map(str::to_owned)
            .or(parsed.issuer.clone())
            .unwrap_or_default();
        let name = name.unwrap_or(&parsed.name);
        let account = Account::new(&issuer, name, Some(parsed.otp.clone()), now)?;
        return Ok((account, parsed.notes.clone()));
    }
    let secret = otp::parse_secret(input.secret.as_deref().unwrap_or_default())?;
    let algorithm = match non_empty(input.algorithm.as_ref()) {
        Some(a) => a.parse::<Algorithm>()?,
        None => Algorithm::Sha1,
    };
    let period = input.period.unwrap_or(DEFAULT_PERIOD);
    let kind = match non_empty(input.kind.as_ref()).unwrap_or("totp") {
        "totp" => OtpKind::Totp { period },
        "hotp" => OtpKind::Hotp {
            counter: input.counter.unwrap_or(0),
        },
        "steam" => OtpKind::Steam { period },
        _ => return Err(Error::invalid("type", "must be TOTP, HOTP or Steam")),
    };
    let otp_value = Otp::new(
        kind,
        algorithm,
        input.digits.unwrap_or(DEFAULT_DIGITS),
        secret,
    )?;
    let account = Account::new(
        issuer.unwrap_or_default(),
        name.unwrap_or_default(),
        Some(otp_value),
        now,
    )?;
    Ok((account, Vec::new()))
}

/// Adds one account. Errors name the field that is wrong (`uri`, `secret`,
/// `name`, `digits`, `account` for a duplicate…); the input is wiped either
/// way.
pub fn add(vault: &mut Vault, input: NewAccount) -> Result<Added> {
    let (account, notes) = build(&input, time::now())?;
    drop(input);
    let summary = account.summary();
    vault.update(|doc| doc.add_account(account))?;
    Ok(Added {
        accounts: vec![summary],
        notes,
    })
}

/// Adds every account whose QR code is in `image` (PNG or JPEG), in one
/// save: all of them or none.
pub fn add_from_qr(vault: &mut Vault, image: &[u8]) -> Result<Added> {
    let now = time::now();
    let mut accounts = Vec::new();
    let mut notes = Vec::new();
    for payload in qr::decode_image(image)? {
        let input = NewAccount::from_uri(payload.expose_secret().to_owned());
        let (account, found) = build(&input, now)?;
        notes.extend(found);
        accounts.push(account);
    }
    let summaries = accounts.iter().map(Account::summary).collect();
    vault.update(|doc| {
        for account in accounts {
            doc.add_account(account)?;
        }
        Ok(())
    })?;
    Ok(Added {
        accounts: summaries,
        notes,
    })
}

/// An account read from a QR code, for the person to check before adding
/// it: the fields of the "type the details" form, filled in. No `Debug`,
/// and wiped on drop: it holds the secret.
#[derive(Serialize, Zeroize, ZeroizeOnDrop)]
pub struct Draft {
    /// The service, e.g. "PyPI" (empty when the code names none).
    pub issuer: String,
    /// The account name at the service.
    pub name: String,
    /// The secret in base32.
    pub secret: String,
    /// `totp`, `hotp` or `steam`.
    pub kind: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// Code length.
    pub digits: u8,
    /// Seconds per code (TOTP and Steam).
    pub period: Option<u32>,
    /// HOTP: the counter of the next code.
    pub counter: Option<u64>,
    /// Non-fatal findings from the URI parser, to show the person.
    pub notes: Vec<String>,
}

/// The account in the one QR code of a screen capture (see
/// [`qr::decode_screen`] for the layout of `bgrx`), as a [`Draft`]: nothing
/// is added until the person confirms the form. Fails when the screen
/// shows no code, several, or one that is not a 2FA setup code.
pub fn draft_from_screen(width: u32, height: u32, bgrx: &[u8]) -> Result<Draft> {
    draft_from_codes(qr::decode_screen(width, height, bgrx)?)
}

/// [`draft_from_screen`] for a screenshot given as a PNG or JPEG (what a
/// desktop's screenshot service hands back).
pub fn draft_from_screenshot(image: &[u8]) -> Result<Draft> {
    draft_from_codes(qr::decode_image(image)?)
}

fn draft_from_codes(codes: Vec<crate::secret::SecretString>) -> Result<Draft> {
    let [code] = codes.as_slice() else {
        return Err(Error::invalid(
            "image",
            format!(
                "the screen shows {} QR codes: close or cover all but the one to add, then scan again",
                codes.len()
            ),
        ));
    };
    let parsed = otp::parse_uri(code.expose_secret())?;
    let otp = &parsed.otp;
    let (period, counter) = match otp.kind() {
        OtpKind::Totp { period } | OtpKind::Steam { period } => (Some(*period), None),
        OtpKind::Hotp { counter } => (None, Some(*counter)),
    };
    Ok(Draft {
        issuer: parsed.issuer.clone().unwrap_or_default(),
        name: parsed.name.clone(),
        secret: otp.secret_base32().expose_secret().to_owned(),
        kind: otp.kind().type_name().to_owned(),
        algorithm: otp.algorithm().as_str().to_owned(),
        digits: otp.digits(),
        period,
        counter,
        notes: parsed.notes.clone(),
    })
}

/// New values for an account's issuer, name and note: `None` keeps one.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Edit {
    /// New issuer.
    pub issuer: Option<String>,
    /// New name.
    pub name: Option<String>,
    /// New note.
    pub note: Option<String>,
}

/// Renames an account and sets its note, refusing a name another account
/// has.
pub fn edit(vault: &mut Vault, id: &str, edit: &Edit) -> Result<AccountSummary> {
    if edit.issuer.is_none() && edit.name.is_none() && edit.note.is_none() {
        return Err(Error::invalid(
            "account",
            "has nothing to change: give a new issuer, name or note",
        ));
    }
    vault.update(|doc| {
        let current = doc.account(id)?;
        let issuer = edit
            .issuer
            .clone()
            .unwrap_or_else(|| current.issuer.clone());
        let name = edit.name.clone().unwrap_or_else(|| current.name.clone());
        let edited = doc.edit_account(id, &issuer, &name, edit.note.as_deref(), time::now())?;
        Ok(edited.summary())
    })
}

/// What deleting an account removed.
#[derive(Debug, Serialize)]
pub struct Removed {
    /// `issuer:name` of the deleted account.
    pub label: String,
    /// How many recovery codes went with it.
    pub recovery_codes: usize,
}

/// What [`remove`] would delete, to confirm first.
pub fn removal_of(vault: &Vault, id: &str) -> Result<Removed> {
    let account = vault.doc().account(id)?;
    Ok(Removed {
        label: account.label(),
        recovery_codes: account.recovery.len(),
    })
}

/// Deletes an account with its secret and recovery codes (a tombstone stops
/// a sync copy from bringing it back).
pub fn remove(vault: &mut Vault, id: &str) -> Result<Removed> {
    let removed = removal_of(vault, id)?;
    vault.update(|doc| doc.remove_account(id))?;
    Ok(removed)
}

/// A code to use: the TOTP/Steam code now (or at `at`, Unix seconds), or
/// the next HOTP code (taken: the counter advances and is saved, so no code
/// is handed out twice; `at` does not matter to it).
pub fn take_code(vault: &mut Vault, id: &str, at: Option<u64>) -> Result<CodeView> {
    vault.take_code(id, at.unwrap_or_else(|| time::unsigned(time::now())))
}

/// One page of the account list (see [`list::page`]): only the rows shown,
/// never all 10,000 accounts of a large vault.
#[derive(Debug, Serialize)]
pub struct AccountList {
    /// The accounts shown, in list order (summaries: no secrets).
    pub accounts: Vec<AccountSummary>,
    /// How many accounts match the search.
    pub matching: usize,
    /// How many accounts the vault holds.
    pub total: usize,
    /// The live codes of the accounts shown, so a page appears with its
    /// codes instead of waiting for the next tick.
    pub codes: Vec<CodeView>,
}

/// What a main screen shows: one page of the account list and the settings.
#[derive(Debug, Serialize)]
pub struct Overview {
    /// The page of the list asked for.
    pub list: AccountList,
    /// The vault's settings.
    pub settings: Settings,
    /// Every tag in the vault, for filtering.
    pub tags: Vec<String>,
}

/// The page of accounts matching `search` (every word, in issuer, name or
/// tags) and having `tag` (empty: any), pinned first, then in `sort`
/// order, at most `limit`, with their live codes; the settings and the
/// vault's tags.
pub fn overview(
    vault: &Vault,
    search: &str,
    tag: &str,
    sort: ListSort,
    limit: usize,
) -> Result<Overview> {
    let page = list::page(&vault.doc().accounts, search, tag, sort, limit);
    Ok(Overview {
        list: AccountList {
            codes: account::live_codes(page.shown.iter().copied(), time::unsigned(time::now()))?,
            accounts: page.shown.into_iter().map(Account::summary).collect(),
            matching: page.matching,
            total: page.total,
        },
        settings: vault.doc().settings.clone(),
        tags: list::tags(&vault.doc().accounts),
    })
}

/// Every account's summary, in the order they were added (the order of
/// the document, which scripts reading `list --json` rely on).
pub fn summaries(vault: &Vault) -> Vec<AccountSummary> {
    vault.doc().accounts.iter().map(Account::summary).collect()
}

/// The summaries of the accounts with `tag` (ignoring case; empty: every
/// account), pinned accounts first, otherwise in the order they were added.
pub fn listed(vault: &Vault, tag: &str) -> Vec<AccountSummary> {
    let accounts = &vault.doc().accounts;
    let mut out: Vec<&Account> = accounts.iter().filter(|a| list::has_tag(a, tag)).collect();
    out.sort_by_key(|a| !a.pinned);
    out.into_iter().map(Account::summary).collect()
}

/// Sets an account's tags: trimmed, empty ones dropped, each once.
pub fn set_tags(vault: &mut Vault, id: &str, tags: &[String]) -> Result<AccountSummary> {
    vault.update(|doc| {
        let account = doc.account_mut(id)?;
        account.set_tags(tags, time::now())?;
        Ok(account.summary())
    })
}

/// Pins an account (listed first) or unpins it.
pub fn set_pinned(vault: &mut Vault, id: &str, pinned: bool) -> Result<AccountSummary> {
    vault.update(|doc| {
        let account = doc.account_mut(id)?;
        account.set_pinned(pinned, time::now());
        Ok(account.summary())
    })
}

/// An account as a choice in a list of all of them.
#[derive(Debug, Serialize)]
pub struct AccountChoice {
    /// The account's id.
    pub id: String,
    /// `issuer:name`.
    pub label: String,
    /// `issuer (name)`, as a screen names the account.
    pub display: String,
}

/// Every account as id and label, in list order: only these two fields, so
/// even 10,000 accounts stay small.
pub fn choices(vault: &Vault) -> Vec<AccountChoice> {
    let accounts = &vault.doc().accounts;
    list::order(accounts)
        .into_iter()
        .map(|i| AccountChoice {
            id: accounts[i].id.clone(),
            label: accounts[i].label(),
            display: accounts[i].display_name(),
        })
        .collect()
}

/// One tick of a live code list.
#[derive(Debug, Serialize)]
pub struct Tick {
    /// The vault changed on disk since the last call: reload the list.
    pub changed: bool,
    /// The time the codes are for (Unix seconds).
    pub now: u64,
    /// Codes of the requested TOTP and Steam accounts (HOTP codes are only
    /// taken, never shown ahead).
    pub codes: Vec<CodeView>,
}

/// The live codes of the accounts `ids` (those on screen), after noticing a
/// change another process made on disk (a cheap stat).
pub fn tick(vault: &mut Vault, ids: &[String]) -> Result<Tick> {
    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let changed = vault.refresh()?;
    let now = time::unsigned(time::now());
    let shown = vault
        .doc()
        .accounts
        .iter()
        .filter(|a| wanted.contains(a.id.as_str()));
    Ok(Tick {
        changed,
        now,
        codes: account::live_codes(shown, now)?,
    })
}

/// The account's secret in base32, for an explicit reveal.
pub fn reveal_secret(vault: &Vault, id: &str) -> Result<crate::secret::SecretString> {
    Ok(vault.doc().account(id)?.otp()?.secret_base32())
}

/// An SVG document of the account's otpauth QR code, to move it to a phone
/// (it holds the secret: only on explicit request).
pub fn qr_svg(vault: &Vault, id: &str) -> Result<zeroize::Zeroizing<String>> {
    let account = vault.doc().account(id)?;
    let uri = otp::to_uri(&account.issuer, &account.name, account.otp()?);
    qr::to_svg(uri.expose_secret())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXP";

    fn typed(kind: &str) -> NewAccount {
        let mut input = NewAccount::default();
        input.issuer = Some("ACME".into());
        input.name = Some("alice".into());
        input.secret = Some(SECRET.into());
        input.kind = Some(kind.into());
        input
    }

    #[test]
    fn defaults_are_totp_sha1_six_digits_thirty_seconds() {
        let (account, notes) = build(&typed("totp"), 0).unwrap();
        let s = account.summary();
        assert_eq!(
            (s.otp_type, s.digits, s.period, s.algorithm.as_deref()),
            ("totp", Some(6), Some(30), Some("SHA1"))
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn a_steam_account_keeps_the_period_it_was_given() {
        let mut input = typed("steam");
        input.period = Some(60);
        let (account, _) = build(&input, 0).unwrap();
        let s = account.summary();
        assert_eq!(
            (s.otp_type, s.period, s.digits),
            ("steam", Some(60), Some(5))
        );
    }

    #[test]
    fn hotp_starts_at_the_counter_given() {
        let mut input = typed("hotp");
        input.counter = Some(7);
        let (account, _) = build(&input, 0).unwrap();
        assert_eq!(account.summary().counter, Some(7));
    }

    #[test]
    fn a_uri_wins_but_typed_issuer_and_name_override_it() {
        let mut input = NewAccount::from_uri(format!(
            "otpauth://totp/PyPI:alice?secret={SECRET}&issuer=PyPI&period=60"
        ));
        input.name = Some("  ".into());
        input.issuer = Some("Python Package Index".into());
        let (account, _) = build(&input, 0).unwrap();
        let s = account.summary();
        assert_eq!(s.label, "Python Package Index:alice");
        assert_eq!(s.period, Some(60));
    }

    #[test]
    fn an_unknown_type_names_the_field() {
        let error = build(&typed("sms"), 0).err().unwrap();
        assert!(matches!(&error, Error::InvalidInput { field, .. } if field == "type"));
    }

    /// A screen capture (blue, green, red, unused per pixel) of `w`×`h` with
    /// each code's PNG pasted at its position.
    fn screen(w: u32, h: u32, codes: &[(&str, u32, u32)]) -> Vec<u8> {
        let mut bgrx = vec![0xffu8; (w * h * 4) as usize];
        for (text, x, y) in codes {
            let png = image::load_from_memory(&qr::to_png(text, 4).unwrap())
                .unwrap()
                .to_luma8();
            for (gx, gy, px) in png.enumerate_pixels() {
                let at = (((y + gy) * w + x + gx) * 4) as usize;
                bgrx[at..at + 3].fill(px.0[0]);
            }
        }
        bgrx
    }

    /// The one code on a screen fills the form's fields, secret included;
    /// nothing else is decided for the person.
    #[test]
    fn a_code_on_the_screen_becomes_a_draft() {
        let uri = format!(
            "otpauth://totp/PyPI:alice?secret={SECRET}&issuer=PyPI&algorithm=SHA256&digits=8"
        );
        let draft = draft_from_screen(1000, 700, &screen(1000, 700, &[(&uri, 600, 300)])).unwrap();
        assert_eq!(
            (
                draft.issuer.as_str(),
                draft.name.as_str(),
                draft.secret.as_str(),
                draft.kind.as_str(),
                draft.algorithm.as_str(),
                draft.digits,
                draft.period,
                draft.counter
            ),
            ("PyPI", "alice", SECRET, "totp", "SHA256", 8, Some(30), None)
        );
    }

    /// Two codes on the screen: the person is asked to leave one.
    #[test]
    fn two_codes_on_the_screen_are_refused() {
        let one = format!("otpauth://totp/A:a?secret={SECRET}");
        let two = format!("otpauth://hotp/B:b?secret={SECRET}&counter=3");
        let bgrx = screen(1000, 700, &[(&one, 20, 20), (&two, 600, 300)]);
        let error = draft_from_screen(1000, 700, &bgrx)
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("shows 2 QR codes"), "{error}");
        let bgrx = screen(1000, 700, &[(&two, 600, 300)]);
        let draft = draft_from_screen(1000, 700, &bgrx).unwrap();
        assert_eq!((draft.kind.as_str(), draft.counter), ("hotp", Some(3)));
    }
}
