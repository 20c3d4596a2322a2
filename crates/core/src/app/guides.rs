//! Guides, health and the last-resort request: a guide evaluated against the
//! vault, manual ticks, the clock's state, and the drafted recovery request.
//! The guides' content and rules are [`crate::guides`]; this is what a front
//! end asks of them.

use serde::Serialize;

use crate::{
    account::{Account, AccountSummary},
    clock::{ClockSource, ClockSync, SystemClock},
    guides::{self, request, Context, GuideView},
    health::{self, HealthReport},
    time,
    vault::{Document, Vault},
    Result,
};

pub use crate::guides::request::RecoveryRequest;

/// `guide_id` evaluated against the vault, for one account or none. Without
/// a vault (locked out of PyPI does not need Sparekey's passphrase) every
/// automatic check reads as not done.
pub fn view(
    doc: Option<&Document>,
    guide_id: &str,
    account_id: Option<&str>,
    ctx: &Context,
) -> Result<GuideView> {
    let guide = guides::get(guide_id)?;
    let empty = Document::default();
    guides::evaluate(guide, doc.unwrap_or(&empty), account_id, ctx)
}

/// The prevent guide for an account's service (the generic one when its
/// service has none), evaluated for it.
pub fn account_guide(doc: &Document, account_id: &str, ctx: &Context) -> Result<GuideView> {
    let guide = guides::prevent_guide_for(doc.account(account_id)?)?;
    guides::evaluate(guide, doc, Some(account_id), ctx)
}

/// The accounts a guide applies to.
pub fn accounts_for(doc: &Document, guide_id: &str) -> Result<Vec<AccountSummary>> {
    let guide = guides::get(guide_id)?;
    Ok(doc
        .accounts
        .iter()
        .filter(|a| guide.applies_to(a))
        .map(Account::summary)
        .collect())
}

/// A manual step to tick or untick.
#[derive(Clone, Copy, Debug)]
pub struct StepRef<'a> {
    /// The guide.
    pub guide_id: &'a str,
    /// The step.
    pub step_id: &'a str,
    /// The account it was done for.
    pub account_id: &'a str,
}

/// Marks a manual step done (with an optional note) and returns the guide
/// as it stands now. Unknown guides and steps, and steps the vault checks
/// itself, are refused.
pub fn check(
    vault: &mut Vault,
    step: StepRef<'_>,
    note: Option<&str>,
    ctx: &Context,
) -> Result<GuideView> {
    guides::manual_step(step.guide_id, step.step_id)?;
    vault.update(|doc| {
        guides::check_step(
            doc,
            step.guide_id,
            step.step_id,
            step.account_id,
            note,
            time::now(),
        )
    })?;
    view(Some(vault.doc()), step.guide_id, Some(step.account_id), ctx)
}

/// Unmarks a manual step. Returns whether it was marked, and the guide as
/// it stands now.
pub fn uncheck(vault: &mut Vault, step: StepRef<'_>, ctx: &Context) -> Result<(bool, GuideView)> {
    guides::manual_step(step.guide_id, step.step_id)?;
    let was_done = vault
        .update(|doc| guides::uncheck_step(doc, step.guide_id, step.step_id, step.account_id))?;
    let view = view(Some(vault.doc()), step.guide_id, Some(step.account_id), ctx)?;
    Ok((was_done, view))
}

/// The vault's lockout risks, most serious first.
pub fn health(vault: &Vault, ctx: &Context) -> Result<HealthReport> {
    let mut report = health::check(vault.doc(), ctx)?;
    let files = health::VaultFiles {
        key_change_unfinished: vault.key_change_unfinished(),
        unreadable_copies: vault.unreadable_conflict_copies(),
    };
    health::add_file_findings(&mut report, &files);
    Ok(report)
}

/// Whether the system clock is synchronized, in words (TOTP codes depend on
/// it).
#[derive(Debug, Serialize)]
pub struct ClockStatus {
    /// What the system reports.
    pub state: ClockSync,
    /// What it means for codes, and what to do.
    pub message: String,
}

/// The system clock's state.
pub fn clock_status() -> ClockStatus {
    let state = SystemClock.sync_state();
    let message = match state {
        ClockSync::Synchronized => "The system clock is synchronized: codes are on time.",
        ClockSync::Unsynchronized => {
            "The system clock is NOT synchronized: codes may be wrong. Turn on network time \
             (for example `timedatectl set-ntp true`) and try again."
        }
        ClockSync::Unknown => {
            "Sparekey cannot tell whether the system clock is synchronized: compare it with an \
             accurate clock (within 30 seconds)."
        }
    };
    ClockStatus {
        state,
        message: message.to_owned(),
    }
}

/// What the request form offers.
#[derive(Debug, Serialize)]
pub struct RequestForm {
    /// Common reasons, to pick from.
    pub reasons: Vec<&'static str>,
    /// Where the request is filed.
    pub form_url: &'static str,
    /// The username to fill in: the account's name, when it is a valid PyPI
    /// username.
    pub username: Option<String>,
    /// Unused recovery codes Sparekey holds for the account (`None`: no
    /// account, or the vault is locked).
    pub unused_codes: Option<usize>,
    /// When the vault holds unused codes for the account: the advice to use
    /// one first (the recover guide's own words).
    pub codes_first: Option<String>,
}

/// PyPI's account-recovery form: its reasons and address, and what the vault
/// knows of the account (its username, its unused codes), if one is given.
pub fn request_form(doc: Option<&Document>, account_id: Option<&str>) -> Result<RequestForm> {
    let account = match (doc, account_id) {
        (Some(doc), Some(id)) => Some(doc.account(id)?),
        _ => None,
    };
    Ok(RequestForm {
        reasons: request::PYPI_REASONS.to_vec(),
        form_url: request::PYPI_FORM_URL,
        username: account.and_then(|a| request::pypi_username(&a.name).ok()),
        unused_codes: account.map(|a| a.recovery.unused_count()),
        codes_first: match account {
            Some(a) => guides::codes_first(guides::get("pypi-recover")?, a).map(|c| c.message),
            None => None,
        },
    })
}

/// What the user typed into the request form.
#[derive(Clone, Copy, Debug, Default)]
pub struct DraftInput<'a> {
    /// The account in the vault the request is for, if known.
    pub account_id: Option<&'a str>,
    /// The PyPI username.
    pub username: &'a str,
    /// What happened.
    pub reason: &'a str,
    /// The primary mailbox is gone.
    pub mailbox_gone: bool,
}

/// A drafted PyPI account-recovery request. With the vault and an account,
/// the draft knows its unused recovery codes (and then does not claim
/// there are none).
pub fn draft_request(doc: Option<&Document>, input: &DraftInput<'_>) -> Result<RecoveryRequest> {
    let unused_codes = match (doc, input.account_id) {
        (Some(doc), Some(id)) => Some(doc.account(id)?.recovery.unused_count()),
        _ => None,
    };
    request::pypi_recovery_request(&request::RequestInput {
        username: input.username,
        reason: input.reason,
        mailbox_gone: input.mailbox_gone,
        unused_codes,
    })
}
