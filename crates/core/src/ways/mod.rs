//! Ways back in: what, besides Sparekey, gets a person back into an
//! account, and what Sparekey can tell from it.
//!
//! Every authenticator stores OTP secrets; none knows how a user would get
//! back into an account. An account's [`Ways`] is an inventory the user
//! fills in a few clicks: the second factors registered at the service (a
//! TOTP app on another device, security keys and passkeys, SMS, the
//! service's own app, SSH keys or tokens the service accepts for recovery),
//! the recovery email addresses (each optionally linked to the account in
//! the vault that controls the mailbox, and flagged when it is a work or
//! school address) and the copies of the recovery codes kept outside the
//! vault. It holds no secret: names, places, addresses and dates.
//!
//! From it, [`ways_in`] counts the independent ways back in (the vault
//! itself counts once, however much of the account it holds), [`findings`]
//! names the single points of failure for Health, and [`graph()`] draws the
//! recovery graph: accounts → the mailboxes that recover them → the
//! accounts that guard those mailboxes. [`check_phone`] and [`check_sheet`]
//! prove a second copy exists before it is needed.
//!
//! Findings only speak about accounts whose inventory was recorded
//! ([`Ways::reviewed_at`]): an empty inventory means "not told", not "no
//! other way".

use serde::{Deserialize, Serialize};

use crate::{
    account::{check_text, Account},
    health::{Finding, FindingKind, Opens, Severity},
    vault::Document,
    Error, Result,
};

pub mod graph;

pub use graph::{graph, Graph};

/// Most entries of each kind (factors, emails, copies) an inventory holds.
pub const MAX_ENTRIES: usize = 50;
/// A mailbox that recovers at least this many accounts is a single point of
/// failure unless its own account is lockout-proof.
pub const MAILBOX_SHARED_BY: usize = 2;

/// An account's ways back in, as the user recorded them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Ways {
    /// Second factors registered at the service, besides a TOTP secret kept
    /// in Sparekey (which the account itself shows).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<Factor>,
    /// Recovery email addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<RecoveryEmail>,
    /// Copies of the recovery codes outside the vault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<CodeCopy>,
    /// When the inventory was last saved (Unix seconds); `None` when it was
    /// never recorded. Sync merges take the later inventory whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<i64>,
}

/// A kind of second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// The same TOTP secret in another authenticator (a phone).
    TotpElsewhere,
    /// A hardware security key (WebAuthn/U2F).
    SecurityKey,
    /// A passkey (in a password manager or a phone).
    Passkey,
    /// Codes by SMS or phone call.
    Sms,
    /// The service's own app (e.g. GitHub Mobile).
    ServiceApp,
    /// An SSH key the service accepts for recovery (GitHub, GitLab).
    SshKey,
    /// An access token the service accepts for recovery (GitHub).
    Token,
}

impl FactorKind {
    /// Every kind, in the order forms offer them.
    pub const ALL: [FactorKind; 7] = [
        FactorKind::TotpElsewhere,
        FactorKind::SecurityKey,
        FactorKind::Passkey,
        FactorKind::Sms,
        FactorKind::ServiceApp,
        FactorKind::SshKey,
        FactorKind::Token,
    ];

    /// The name in JSON and on the command line, e.g. `security_key`.
    pub fn name(self) -> &'static str {
        match self {
            FactorKind::TotpElsewhere => "totp_elsewhere",
            FactorKind::SecurityKey => "security_key",
            FactorKind::Passkey => "passkey",
            FactorKind::Sms => "sms",
            FactorKind::ServiceApp => "service_app",
            FactorKind::SshKey => "ssh_key",
            FactorKind::Token => "token",
        }
    }

    /// How a sentence names it.
    pub fn label(self) -> &'static str {
        match self {
            FactorKind::TotpElsewhere => "TOTP on another device",
            FactorKind::SecurityKey => "security key",
            FactorKind::Passkey => "passkey",
            FactorKind::Sms => "SMS or phone",
            FactorKind::ServiceApp => "the service's app",
            FactorKind::SshKey => "SSH key",
            FactorKind::Token => "access token",
        }
    }

    /// The kind named `name` ([`FactorKind::name`], `-` or `_`).
    pub fn from_name(name: &str) -> Result<FactorKind> {
        let wanted = name.trim().replace('-', "_");
        FactorKind::ALL
            .into_iter()
            .find(|k| k.name() == wanted)
            .ok_or_else(|| {
                Error::invalid(
                    "factor",
                    format!(
                        "{:?} is not a kind of second factor; use one of: {}",
                        name.chars().take(40).collect::<String>(),
                        FactorKind::ALL.map(FactorKind::name).join(", ")
                    ),
                )
            })
    }

    fn is_key(self) -> bool {
        matches!(self, FactorKind::SecurityKey | FactorKind::Passkey)
    }
}

/// One second factor registered at the service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Factor {
    /// What it is.
    pub kind: FactorKind,
    /// Its name: the key's ("YubiKey 5C"), the device's ("Pixel 8").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Where it is kept ("keyring", "bank safe").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// When it was last proven to work (for TOTP elsewhere: "Check my
    /// phone").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<i64>,
}

/// A recovery email address of the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryEmail {
    /// The address.
    pub address: String,
    /// The id of the account in this vault that controls the mailbox (the
    /// Gmail account for a gmail.com address), if it is in the vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox_account: Option<String>,
    /// A work or school address: it goes when the job or the studies end.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub work: bool,
}

/// Where a copy of the recovery codes is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyKind {
    /// A printed sheet.
    Printed,
    /// Another store (a password manager, a second encrypted vault).
    OtherStore,
}

impl CopyKind {
    /// The kind named `name` (`printed`, `other_store` or `other-store`).
    pub fn from_name(name: &str) -> Result<CopyKind> {
        match name.trim().replace('-', "_").as_str() {
            "printed" => Ok(CopyKind::Printed),
            "other_store" => Ok(CopyKind::OtherStore),
            _ => Err(Error::invalid(
                "copy",
                "is not a kind of copy; use printed or other_store",
            )),
        }
    }
}

/// A copy of the recovery codes outside the vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCopy {
    /// Printed or in another store.
    pub kind: CopyKind,
    /// Where it is kept.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// When one of its codes was last checked against the vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<i64>,
}

impl Ways {
    /// True when nothing was ever recorded (then it is not saved at all).
    pub fn is_empty(&self) -> bool {
        self == &Ways::default()
    }

    /// Checks lengths and shapes; `account_id` is the account it belongs
    /// to, `doc` the vault (a linked mailbox account must be in it).
    pub fn validate(&self, doc: &Document, account_id: &str) -> Result<()> {
        for (field, len) in [
            ("factors", self.factors.len()),
            ("emails", self.emails.len()),
            ("copies", self.copies.len()),
        ] {
            if len > MAX_ENTRIES {
                return Err(Error::invalid(
                    field,
                    format!("has {len} entries; at most {MAX_ENTRIES} are kept"),
                ));
            }
        }
        for f in &self.factors {
            check_text("factor name", &f.name)?;
            check_text("factor place", &f.place)?;
        }
        for c in &self.copies {
            check_text("copy place", &c.place)?;
        }
        let mut seen = Vec::new();
        for e in &self.emails {
            check_address(&e.address)?;
            let key = e.address.to_lowercase();
            if seen.contains(&key) {
                return Err(Error::invalid(
                    "email",
                    format!("{} is listed twice", e.address),
                ));
            }
            seen.push(key);
            if let Some(id) = &e.mailbox_account {
                if id == account_id {
                    return Err(Error::invalid(
                        "mailbox account",
                        format!(
                            "of {} is the account itself: link the account that controls \
                             the mailbox",
                            e.address
                        ),
                    ));
                }
                doc.account(id).map_err(|_| {
                    Error::invalid(
                        "mailbox account",
                        format!("of {} is not an account in this vault", e.address),
                    )
                })?;
            }
        }
        Ok(())
    }

    /// Trims every text field (what a form sends may carry spaces) and
    /// drops recovery emails left empty (a row added and never filled).
    pub fn trimmed(mut self) -> Ways {
        for f in &mut self.factors {
            f.name = f.name.trim().to_owned();
            f.place = f.place.trim().to_owned();
        }
        for e in &mut self.emails {
            e.address = e.address.trim().to_owned();
            e.mailbox_account = e
                .mailbox_account
                .take()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
        }
        self.emails.retain(|e| !e.address.is_empty());
        for c in &mut self.copies {
            c.place = c.place.trim().to_owned();
        }
        self
    }
}

fn check_address(address: &str) -> Result<()> {
    check_text("email", address)?;
    let ok = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !address.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            "email",
            format!(
                "{:?} is not an email address (name@example.com)",
                address.chars().take(60).collect::<String>()
            ),
        ))
    }
}

/// A fact of an account's ways back in that a manual guide step can tick
/// itself from (`inventory = "..."` on the step in the guide data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// At least one security key or passkey is registered.
    SecurityKey,
    /// At least two security keys or passkeys are registered.
    TwoSecurityKeys,
    /// At least two recovery email addresses.
    TwoEmails,
    /// A personal (not work or school) recovery email.
    PersonalEmail,
    /// A printed copy of the recovery codes.
    PrintedCopy,
    /// An SSH key the service accepts is registered.
    SshKey,
}

impl Fact {
    /// Whether `ways` shows the fact, and in words what it rests on.
    pub fn holds(self, ways: &Ways) -> Option<String> {
        let keys = ways.factors.iter().filter(|f| f.kind.is_key()).count();
        let emails = ways.emails.len();
        let counted = |n: usize, what: &str| format!("{n} {what}{} recorded", plural(n));
        match self {
            Fact::SecurityKey => (keys >= 1).then(|| counted(keys, "security key")),
            Fact::TwoSecurityKeys => (keys >= 2).then(|| counted(keys, "security key")),
            Fact::TwoEmails => (emails >= 2).then(|| counted(emails, "recovery email")),
            Fact::PersonalEmail => ways
                .emails
                .iter()
                .find(|e| !e.work)
                .map(|e| format!("personal address {} recorded", e.address)),
            Fact::PrintedCopy => ways
                .copies
                .iter()
                .find(|c| c.kind == CopyKind::Printed)
                .map(|c| match c.checked_at {
                    Some(at) => format!(
                        "printed copy recorded, checked {}",
                        crate::time::format_date(at)
                    ),
                    None => "printed copy recorded".to_owned(),
                }),
            Fact::SshKey => ways
                .factors
                .iter()
                .any(|f| f.kind == FactorKind::SshKey)
                .then(|| "SSH key recorded".to_owned()),
        }
    }
}

/// One independent way back into an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WayIn {
    /// `vault`, a [`FactorKind::name`], or `printed` / `other_store`.
    pub kind: String,
    /// In words, e.g. "security key YubiKey 5C (keyring)".
    pub label: String,
    /// True for a single security key or passkey (the finding "one key and
    /// no codes" is about it).
    #[serde(skip)]
    key: bool,
}

/// True when the account has two-factor authentication as far as Sparekey
/// knows: a secret or codes in the vault, or a second factor recorded.
pub fn has_2fa(account: &Account) -> bool {
    account.otp.is_some() || !account.recovery.is_empty() || !account.ways.factors.is_empty()
}

/// The independent ways back into `account`: the vault (once, for its TOTP
/// secret and its recovery codes), each second factor, each copy of the
/// codes outside the vault. Recovery emails are not among them: they reset
/// a password, and a service with 2FA asks for the second factor too.
pub fn ways_in(account: &Account) -> Vec<WayIn> {
    let mut out = Vec::new();
    let codes = account.recovery.unused_count();
    let vault = match (&account.otp, codes) {
        (Some(_), 0) => Some("Sparekey: the TOTP secret".to_owned()),
        (Some(_), n) => Some(format!(
            "Sparekey: the TOTP secret and {n} recovery code{}",
            plural(n)
        )),
        (None, 0) => None,
        (None, n) => Some(format!("Sparekey: {n} recovery code{}", plural(n))),
    };
    if let Some(label) = vault {
        out.push(WayIn {
            kind: "vault".into(),
            label,
            key: false,
        });
    }
    for f in &account.ways.factors {
        out.push(WayIn {
            kind: f.kind.name().into(),
            label: describe(f.kind.label(), &f.name, &f.place),
            key: f.kind.is_key(),
        });
    }
    for c in &account.ways.copies {
        let what = match c.kind {
            CopyKind::Printed => "printed recovery codes",
            CopyKind::OtherStore => "recovery codes in another store",
        };
        out.push(WayIn {
            kind: match c.kind {
                CopyKind::Printed => "printed".into(),
                CopyKind::OtherStore => "other_store".into(),
            },
            label: describe(what, "", &c.place),
            key: false,
        });
    }
    out
}

fn describe(what: &str, name: &str, place: &str) -> String {
    let mut s = what.to_owned();
    if !name.is_empty() {
        s.push(' ');
        s.push_str(name);
    }
    if !place.is_empty() {
        s.push_str(&format!(" ({place})"));
    }
    s
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The ways back in each service offers, for the quick-add buttons of a
/// form: from the facts behind its guides (`/work/shared/facts/`: PyPI
/// offers TOTP, security keys, recovery codes and a primary email; GitHub
/// passkeys, security keys, GitHub Mobile, SMS, SSH keys and tokens for
/// recovery; GitLab an SSH key that mints new codes; npm security keys).
/// Unknown services get every kind.
pub fn offered(service: &str) -> Vec<FactorKind> {
    use FactorKind::*;
    match service {
        "pypi" => vec![TotpElsewhere, SecurityKey],
        "github" => vec![
            TotpElsewhere,
            Passkey,
            SecurityKey,
            ServiceApp,
            Sms,
            SshKey,
            Token,
        ],
        "gitlab" => vec![TotpElsewhere, SecurityKey, SshKey],
        "npm" => vec![SecurityKey, TotpElsewhere],
        _ => FactorKind::ALL.to_vec(),
    }
}

/// Lower-cased address: mailboxes are compared this way.
fn mailbox_key(address: &str) -> String {
    address.to_lowercase()
}

/// The vault's accounts by id, so that a vault of 10,000 accounts with
/// their inventories is checked in linear time, not by a search per link.
pub(crate) struct ById<'a> {
    doc: &'a Document,
    index: std::collections::HashMap<&'a str, usize>,
}

impl<'a> ById<'a> {
    pub(crate) fn new(doc: &'a Document) -> ById<'a> {
        ById {
            doc,
            index: doc
                .accounts
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&'a Account> {
        self.index.get(id).map(|&i| &self.doc.accounts[i])
    }
}

/// Whether the mailbox behind `address` is itself lockout-proof: its
/// account is in the vault, recorded, and has two ways in or more.
fn mailbox_is_safe(accounts: &ById<'_>, email: &RecoveryEmail) -> bool {
    email
        .mailbox_account
        .as_deref()
        .and_then(|id| accounts.get(id))
        .is_some_and(|a| a.ways.reviewed_at.is_some() && ways_in(a).len() >= 2)
}

/// The single points of failure Health reports, for recorded inventories:
/// one way in only; one security key and no codes; codes only inside this
/// vault; a work or school address as the only recovery email; a mailbox
/// that recovers several accounts and is not lockout-proof itself; and the
/// vault with no emergency kit and no backup.
pub fn findings(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    for account in doc.accounts.iter().filter(|a| a.ways.reviewed_at.is_some()) {
        account_findings(account, &mut out);
    }
    mailbox_findings(doc, &mut out);
    if !doc.accounts.is_empty()
        && doc.emergency_kit.is_none()
        && doc.last_backup_export_at.is_none()
        && doc.last_auto_backup_at.is_none()
    {
        let step = crate::guides::get("generic-prevent").ok().and_then(|g| {
            g.all_steps()
                .find(|s| {
                    s.check == crate::guides::Check::Auto(crate::guides::AutoCheck::EmergencyKit)
                })
                .map(|s| (g.id.clone(), s.id.clone()))
        });
        out.push(Finding {
            severity: Severity::Critical,
            kind: FindingKind::VaultSinglePoint,
            message: "Everything in this vault depends on this one computer and your \
                      passphrase: there is no emergency kit and no backup. Make an emergency \
                      kit and export a backup to another device."
                .to_owned(),
            account_id: None,
            account_label: None,
            account_display: None,
            guide_id: step.as_ref().map(|(g, _)| g.clone()),
            step_id: step.map(|(_, s)| s),
            opens: None,
        });
    }
    out
}

fn account_finding(
    account: &Account,
    severity: Severity,
    kind: FindingKind,
    message: String,
) -> Finding {
    Finding {
        severity,
        kind,
        message,
        account_id: Some(account.id.clone()),
        account_label: Some(account.label()),
        account_display: Some(account.display_name()),
        guide_id: None,
        step_id: None,
        opens: Some(Opens::Ways),
    }
}

fn account_findings(account: &Account, out: &mut Vec<Finding>) {
    let name = account.display_name();
    let ways = ways_in(account);
    if has_2fa(account) && ways.len() == 1 {
        let only = &ways[0];
        if only.key && account.recovery.is_empty() {
            out.push(account_finding(
                account,
                Severity::Critical,
                FindingKind::OneKeyNoCodes,
                format!(
                    "{name} has one {} and no recovery codes: if it is lost or broken, you are \
                     locked out. Register a second key, or save the recovery codes.",
                    only.label
                ),
            ));
        } else {
            out.push(account_finding(
                account,
                Severity::Warning,
                FindingKind::OneWayIn,
                format!(
                    "{name} has one way back in only ({}): losing it locks you out. Add a \
                     second one: another security key, a printed copy of the recovery codes.",
                    only.label
                ),
            ));
        }
    } else if !account.recovery.is_empty() && account.ways.copies.is_empty() {
        out.push(account_finding(
            account,
            Severity::Warning,
            FindingKind::CodesOnlyInVault,
            format!(
                "The recovery codes of {name} exist only inside this vault: print them or keep \
                 a copy in another store, and record where."
            ),
        ));
    }
    let emails = &account.ways.emails;
    if !emails.is_empty() && emails.iter().all(|e| e.work) {
        out.push(account_finding(
            account,
            Severity::Warning,
            FindingKind::WorkEmailOnly,
            format!(
                "The only recovery email of {name} is a work or school address: it goes with \
                 the job or the studies. Add a personal address and make it primary."
            ),
        ));
    }
}

fn mailbox_findings(doc: &Document, out: &mut Vec<Finding>) {
    let by_id = ById::new(doc);
    for mailbox in graph::mailboxes(doc, &by_id) {
        if mailbox.recovers.len() < MAILBOX_SHARED_BY || mailbox.safe {
            continue;
        }
        let names: Vec<String> = mailbox
            .recovers
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(Account::display_name)
            .collect();
        let guard = mailbox.account.as_deref().and_then(|id| by_id.get(id));
        let why = match guard {
            None => {
                "its own account is not in this vault, so nothing here shows it is safe".to_owned()
            }
            Some(g) => format!(
                "its account, {}, has {} way{} back in",
                g.display_name(),
                ways_in(g).len(),
                plural(ways_in(g).len())
            ),
        };
        let target = guard.or_else(|| by_id.get(&mailbox.recovers[0]));
        let Some(target) = target else { continue };
        out.push(account_finding(
            target,
            Severity::Warning,
            FindingKind::MailboxSinglePoint,
            format!(
                "The mailbox {} recovers {} accounts ({}), and {why}: losing it loses them all. \
                 Make its account lockout-proof, or give some accounts another address.",
                mailbox.address,
                names.len(),
                names.join(", ")
            ),
        ));
    }
}

/// What a check of a second copy found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// True when the code matched (and the date was recorded).
    pub matches: bool,
    /// What to tell the person.
    pub message: String,
    /// The date recorded, when it matched.
    pub checked_at: Option<i64>,
}

/// "Check my phone": whether `code`, read from another authenticator, is
/// the account's TOTP code now or one step either side. On a match the
/// date is recorded on the account's "TOTP on another device" factor named
/// `device` (added if there is none). Nothing is recorded otherwise.
pub fn check_phone(
    doc: &mut Document,
    id: &str,
    code: &str,
    device: Option<&str>,
    now: i64,
) -> Result<CheckResult> {
    let account = doc.account(id)?;
    let otp = account.otp()?;
    let Some(period) = otp.period() else {
        return Err(Error::invalid(
            "code",
            format!(
                "{} is counter-based (HOTP): its codes cannot be compared without using one",
                account.label()
            ),
        ));
    };
    let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.is_empty() {
        return Err(Error::invalid(
            "code",
            "is empty: type the code the other authenticator shows",
        ));
    }
    let t = crate::time::unsigned(now);
    let step = u64::from(period);
    let matches = [t.saturating_sub(step), t, t.saturating_add(step)]
        .into_iter()
        .any(|at| {
            let expected = otp.code_at(at);
            constant_eq(expected.as_str().as_bytes(), typed.as_bytes())
        });
    let label = account.display_name();
    if !matches {
        return Ok(CheckResult {
            matches: false,
            message: format!(
                "That code does not match {label}'s secret in Sparekey (now or one step \
                 either side). The other authenticator holds another secret, or its clock is \
                 off: do not wipe anything yet."
            ),
            checked_at: None,
        });
    }
    let account = doc.account_mut(id)?;
    let device = device.map(str::trim).unwrap_or_default();
    check_text("device", device)?;
    let factors = &mut account.ways.factors;
    let found = factors.iter().position(|f| {
        // "pixel 8" is the "Pixel 8" recorded, not a second phone.
        f.kind == FactorKind::TotpElsewhere
            && (device.is_empty() || f.name.to_lowercase() == device.to_lowercase())
    });
    let i = match found {
        Some(i) => i,
        None => {
            if factors.len() >= MAX_ENTRIES {
                return Err(Error::invalid(
                    "factors",
                    format!("has {MAX_ENTRIES} entries already"),
                ));
            }
            factors.push(Factor {
                kind: FactorKind::TotpElsewhere,
                name: device.to_owned(),
                place: String::new(),
                checked_at: None,
            });
            factors.len() - 1
        }
    };
    factors[i].checked_at = Some(now);
    account.ways.reviewed_at = Some(now);
    account.updated_at = account.updated_at.max(now);
    Ok(CheckResult {
        matches: true,
        message: format!(
            "It matches: the other authenticator holds {label}'s secret. Checked {}.",
            crate::time::format_date(now)
        ),
        checked_at: Some(now),
    })
}

/// A printed sheet (or another store): whether `code`, typed from it, is
/// one of the account's saved recovery codes. The code is never marked
/// used. On a match of an unused code the date is recorded on the copy
/// of `kind` (added if there is none).
pub fn check_sheet(
    doc: &mut Document,
    id: &str,
    code: &str,
    kind: CopyKind,
    now: i64,
) -> Result<CheckResult> {
    let account = doc.account(id)?;
    if account.recovery.is_empty() {
        return Err(Error::Missing {
            account: account.label(),
            what: crate::error::Absent::RecoveryCodes,
        });
    }
    let typed = comparable(code);
    if typed.is_empty() {
        return Err(Error::invalid(
            "code",
            "is empty: type one unused code from the sheet",
        ));
    }
    let hit = account
        .recovery
        .codes()
        .iter()
        .find(|c| constant_eq(comparable(c.code()).as_bytes(), typed.as_bytes()));
    let label = account.display_name();
    let result = match hit {
        None => CheckResult {
            matches: false,
            message: format!(
                "That code is not one of {label}'s saved recovery codes: the sheet may be from \
                 an older set. Print the current codes again."
            ),
            checked_at: None,
        },
        Some(c) if c.is_used() => CheckResult {
            matches: false,
            message: format!(
                "That code is in {label}'s set but already used: type an unused one from the \
                 sheet."
            ),
            checked_at: None,
        },
        Some(_) => CheckResult {
            matches: true,
            message: format!(
                "It is in the set: the sheet holds {label}'s current recovery codes. Checked {} \
                 (the code stays unused).",
                crate::time::format_date(now)
            ),
            checked_at: Some(now),
        },
    };
    if result.matches {
        let account = doc.account_mut(id)?;
        let copies = &mut account.ways.copies;
        let i = match copies.iter().position(|c| c.kind == kind) {
            Some(i) => i,
            None => {
                if copies.len() >= MAX_ENTRIES {
                    return Err(Error::invalid(
                        "copies",
                        format!("has {MAX_ENTRIES} entries already"),
                    ));
                }
                copies.push(CodeCopy {
                    kind,
                    place: String::new(),
                    checked_at: None,
                });
                copies.len() - 1
            }
        };
        copies[i].checked_at = Some(now);
        account.ways.reviewed_at = Some(now);
        account.updated_at = account.updated_at.max(now);
    }
    Ok(result)
}

/// A code as compared: no spaces or hyphens, lower case (a printed GitHub
/// code `abcde-12345` typed as `ABCDE 12345` still matches).
fn comparable(code: &str) -> zeroize::Zeroizing<String> {
    zeroize::Zeroizing::new(
        code.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// Equality that does not stop at the first difference.
fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
