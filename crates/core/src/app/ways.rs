//! Ways back in: an account's inventory of second factors, recovery emails
//! and copies of its codes (see [`crate::ways`]); recording it, checking a
//! second copy, and the recovery graph. The app's form saves the whole
//! inventory ([`set`]); the CLI adds and removes one entry at a time
//! ([`add`], [`remove`]); both read [`view`].

use serde::{Deserialize, Serialize};

use crate::{
    health::Finding,
    time,
    vault::Vault,
    ways::{
        self, CheckResult, CodeCopy, CopyKind, Factor, FactorKind, Graph, RecoveryEmail, WayIn,
        Ways,
    },
    Error, Result,
};

/// A kind of second factor a service offers, for a quick-add button.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Offer {
    /// [`FactorKind::name`].
    pub kind: &'static str,
    /// [`FactorKind::label`].
    pub label: &'static str,
}

/// An account's ways back in as its page shows them.
#[derive(Clone, Debug, Serialize)]
pub struct WaysView {
    /// The account's id.
    pub id: String,
    /// `issuer (name)`.
    pub display: String,
    /// The inventory.
    pub ways: Ways,
    /// True once the inventory was recorded (findings speak about it).
    pub recorded: bool,
    /// The TOTP secret is kept in Sparekey.
    pub totp_here: bool,
    /// Unused recovery codes kept in Sparekey.
    pub codes_here: usize,
    /// The independent ways back in, in words.
    pub ways_in: Vec<WayIn>,
    /// What the account's service offers, for quick-add buttons.
    pub offered: Vec<Offer>,
    /// The single points of failure found for this account.
    pub findings: Vec<Finding>,
    /// Other accounts that could control a mailbox: (id, display), in list
    /// order.
    pub mailbox_choices: Vec<(String, String)>,
}

/// The account's ways back in.
pub fn view(vault: &Vault, id: &str) -> Result<WaysView> {
    let doc = vault.doc();
    let account = doc.account(id)?;
    let service = crate::guides::prevent_guide_for(account)
        .map(|g| g.service.clone())
        .unwrap_or_default();
    let findings = ways::findings(doc)
        .into_iter()
        .filter(|f| f.account_id.as_deref() == Some(id))
        .collect();
    Ok(WaysView {
        id: account.id.clone(),
        display: account.display_name(),
        ways: account.ways.clone(),
        recorded: account.ways.reviewed_at.is_some(),
        totp_here: account.otp.is_some(),
        codes_here: account.recovery.unused_count(),
        ways_in: ways::ways_in(account),
        offered: ways::offered(&service)
            .into_iter()
            .map(|k| Offer {
                kind: k.name(),
                label: k.label(),
            })
            .collect(),
        findings,
        mailbox_choices: crate::list::order(&doc.accounts)
            .into_iter()
            .map(|i| &doc.accounts[i])
            .filter(|a| a.id != id)
            .map(|a| (a.id.clone(), a.display_name()))
            .collect(),
    })
}

/// Saves the whole inventory (validated) and marks it recorded now.
pub fn set(vault: &mut Vault, id: &str, ways: Ways) -> Result<WaysView> {
    let ways = ways.trimmed();
    vault.update(|doc| {
        ways.validate(doc, id)?;
        let now = time::now();
        let account = doc.account_mut(id)?;
        account.ways = Ways {
            reviewed_at: Some(now),
            ..ways
        };
        account.updated_at = now;
        Ok(())
    })?;
    view(vault, id)
}

/// One entry to add to an inventory.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum NewEntry {
    /// A second factor.
    Factor(Factor),
    /// A recovery email.
    Email(RecoveryEmail),
    /// A copy of the recovery codes.
    Copy(CodeCopy),
}

/// Adds one entry to the account's inventory (and marks it recorded).
pub fn add(vault: &mut Vault, id: &str, entry: NewEntry) -> Result<WaysView> {
    let mut ways = vault.doc().account(id)?.ways.clone();
    match entry {
        NewEntry::Factor(f) => ways.factors.push(f),
        NewEntry::Email(e) => ways.emails.push(e),
        NewEntry::Copy(c) => ways.copies.push(c),
    }
    set(vault, id, ways)
}

/// The parts of an inventory, as [`remove`] names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Second factors.
    Factor,
    /// Recovery emails.
    Email,
    /// Copies of the codes.
    Copy,
}

/// Removes entry `number` (1 for the first) of `part`.
pub fn remove(vault: &mut Vault, id: &str, part: Part, number: usize) -> Result<WaysView> {
    let mut ways = vault.doc().account(id)?.ways.clone();
    let (len, what) = match part {
        Part::Factor => (ways.factors.len(), "second factor"),
        Part::Email => (ways.emails.len(), "recovery email"),
        Part::Copy => (ways.copies.len(), "copy of the codes"),
    };
    if number == 0 || number > len {
        return Err(Error::invalid(
            "number",
            format!("there is no {what} number {number} (the account has {len})"),
        ));
    }
    match part {
        Part::Factor => drop(ways.factors.remove(number - 1)),
        Part::Email => drop(ways.emails.remove(number - 1)),
        Part::Copy => drop(ways.copies.remove(number - 1)),
    }
    set(vault, id, ways)
}

/// Marks the inventory recorded as it is ("nothing else"), so Health
/// reasons over it.
pub fn confirm(vault: &mut Vault, id: &str) -> Result<WaysView> {
    let ways = vault.doc().account(id)?.ways.clone();
    set(vault, id, ways)
}

/// "Check my phone": whether `code` from another authenticator matches the
/// account's secret (±1 step); on a match the date is recorded (see
/// [`ways::check_phone`]). The code is wiped by the caller's type.
pub fn check_phone(
    vault: &mut Vault,
    id: &str,
    code: &str,
    device: Option<&str>,
) -> Result<CheckResult> {
    let now = time::now();
    // A code that does not match changes nothing: no save.
    let probe = ways::check_phone(&mut vault.doc().clone(), id, code, device, now)?;
    if !probe.matches {
        return Ok(probe);
    }
    vault.update(|doc| ways::check_phone(doc, id, code, device, now))
}

/// A printed sheet (or another store): whether `code` is one of the saved
/// codes; never marks it used (see [`ways::check_sheet`]).
pub fn check_sheet(vault: &mut Vault, id: &str, code: &str, kind: CopyKind) -> Result<CheckResult> {
    let now = time::now();
    let probe = ways::check_sheet(&mut vault.doc().clone(), id, code, kind, now)?;
    if !probe.matches {
        return Ok(probe);
    }
    vault.update(|doc| ways::check_sheet(doc, id, code, kind, now))
}

/// The recovery graph of the vault.
pub fn graph(vault: &Vault) -> Graph {
    ways::graph(vault.doc())
}

/// The factor kinds a form or the command line can name.
pub fn factor_kinds() -> Vec<Offer> {
    FactorKind::ALL
        .into_iter()
        .map(|k| Offer {
            kind: k.name(),
            label: k.label(),
        })
        .collect()
}
