//! Lockout risks across the vault, most serious first.
//!
//! [`check`] looks at every account and at the vault as a whole and returns
//! [`Finding`]s: accounts with 2FA but no recovery codes, codes used up or
//! running low, unfinished prevent guides, no recent encrypted backup, and an
//! unsynchronized system clock; and, from each account's recorded ways
//! back in, the single points of failure ([`crate::ways::findings`]). Each finding names the account (if any) and
//! the guide step that fixes it, so a front end can link straight there. An
//! unknown clock state is reported in [`HealthReport::clock`], never as a
//! finding.

use serde::Serialize;

use crate::{
    account::Account,
    clock::ClockSync,
    guides::{self, AutoCheck, Check, Context, GuideKind, StepState, BACKUP_MAX_AGE_DAYS},
    vault::Document,
    Result,
};

/// How serious a finding is. Sorted most serious first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// One lost phone away from a lockout.
    Critical,
    /// A real risk, not yet urgent.
    Warning,
    /// Worth doing.
    Notice,
}

/// What a finding is about. Within a severity, findings sort in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The account has a 2FA secret but no recovery codes.
    NoRecoveryCodes,
    /// Every saved recovery code is used.
    RecoveryCodesUsedUp,
    /// Few unused recovery codes left.
    RecoveryCodesLow,
    /// A prevent guide for the account's service is not finished.
    GuideUnfinished,
    /// No encrypted backup exported in the last 90 days.
    NoRecentBackup,
    /// The vault has no emergency kit: a forgotten passphrase would lock
    /// the user out of every account in it.
    NoEmergencyKit,
    /// Automatic backups are on, but the folder is missing or the last one
    /// failed or is older than 30 days.
    AutoBackupStale,
    /// The system clock is not synchronized.
    ClockUnsynchronized,
    /// A kit or passphrase change has not reached every copy of the vault
    /// yet: some backup may still open with the replaced key.
    KeyChangeUnfinished,
    /// A sync tool left a conflict copy beside the vault that does not open
    /// with its key, so it cannot be merged.
    ConflictCopyUnreadable,
    /// One security key (or passkey) is the only way in, and no recovery
    /// codes are saved.
    OneKeyNoCodes,
    /// No emergency kit and no backup: the vault itself is a single point
    /// of failure.
    VaultSinglePoint,
    /// The account's recorded ways back in are one only.
    OneWayIn,
    /// The recovery codes exist only inside this vault.
    CodesOnlyInVault,
    /// A mailbox recovers several accounts and is not lockout-proof itself.
    MailboxSinglePoint,
    /// A work or school address is the only recovery email.
    WorkEmailOnly,
}

/// Where a front end goes to fix a finding that no guide step fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Opens {
    /// The account's ways back in (its inventory, on the account page).
    Ways,
}

/// One lockout risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// What about.
    pub kind: FindingKind,
    /// What is wrong and what to do, in one or two sentences.
    pub message: String,
    /// The account concerned, if the finding is about one.
    pub account_id: Option<String>,
    /// Its `issuer:name`.
    pub account_label: Option<String>,
    /// Its `issuer (name)`, as a screen names it.
    pub account_display: Option<String>,
    /// The guide that fixes it.
    pub guide_id: Option<String>,
    /// The step of that guide that fixes it.
    pub step_id: Option<String>,
    /// Where to fix it when no guide step does.
    pub opens: Option<Opens>,
}

/// The result of a health check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthReport {
    /// When it was computed (Unix seconds).
    pub checked_at: i64,
    /// The clock state at the time (`unknown` is not a finding).
    pub clock: ClockSync,
    /// Findings, most serious first.
    pub findings: Vec<Finding>,
    /// How many findings there are of each severity.
    pub counts: HealthCounts,
    /// Accounts with 2FA whose ways back in are not recorded yet (the
    /// ways findings cannot speak about them).
    pub unrecorded_ways: usize,
    /// The first of those, in list order, to open.
    pub first_unrecorded: Option<String>,
}

/// How many findings of each severity a report holds: what the app's header
/// badge shows, without sending every finding (10,000 accounts without
/// recovery codes make a 6 MB report).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HealthCounts {
    /// Critical findings.
    pub critical: usize,
    /// Warnings.
    pub warning: usize,
    /// Notices.
    pub notice: usize,
}

/// Counts findings by severity.
fn count(findings: &[Finding]) -> HealthCounts {
    let mut counts = HealthCounts::default();
    for finding in findings {
        match finding.severity {
            Severity::Critical => counts.critical += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Notice => counts.notice += 1,
        }
    }
    counts
}

/// Checks the vault for lockout risks.
pub fn check(doc: &Document, ctx: &Context) -> Result<HealthReport> {
    let mut findings = Vec::new();
    for account in &doc.accounts {
        account_findings(doc, account, ctx, &mut findings)?;
    }
    let generic = guides::get("generic-prevent")?;
    let step_with = |check: AutoCheck| {
        generic
            .steps
            .iter()
            .find(|s| s.check == Check::Auto(check))
            .map(|s| s.id.clone())
    };
    if !doc.accounts.is_empty() {
        let backup = guides::progress::auto_status(AutoCheck::BackupRecent, doc, None, ctx);
        if backup.state != StepState::Done {
            let message = match doc.last_backup_export_at {
                None => "No encrypted backup of the vault was ever exported: if this computer \
                         dies, every secret and recovery code goes with it. Export one and keep \
                         it on another device."
                    .to_owned(),
                Some(at) => format!(
                    "The last encrypted backup of the vault was exported {}, more than \
                     {BACKUP_MAX_AGE_DAYS} days ago: export a fresh one.",
                    crate::time::format_date(at)
                ),
            };
            findings.push(Finding {
                severity: Severity::Warning,
                kind: FindingKind::NoRecentBackup,
                message,
                account_id: None,
                account_label: None,
                account_display: None,
                guide_id: Some(generic.id.clone()),
                step_id: step_with(AutoCheck::BackupRecent),
                opens: None,
            });
        }
    }
    if let Some(message) = auto_backup_problem(doc, ctx.now) {
        findings.push(Finding {
            severity: Severity::Warning,
            kind: FindingKind::AutoBackupStale,
            message,
            account_id: None,
            account_label: None,
            account_display: None,
            guide_id: None,
            step_id: None,
            opens: None,
        });
    }
    if doc.emergency_kit.is_none() && !doc.accounts.is_empty() {
        let generic = guides::get("generic-prevent")?;
        findings.push(Finding {
            severity: Severity::Warning,
            kind: FindingKind::NoEmergencyKit,
            message: "The vault has no emergency kit: if the passphrase is forgotten, nothing \
                      opens it. Make one and keep it on paper."
                .to_owned(),
            account_id: None,
            account_label: None,
            account_display: None,
            guide_id: Some(generic.id.clone()),
            step_id: generic
                .all_steps()
                .find(|s| s.check == Check::Auto(AutoCheck::EmergencyKit))
                .map(|s| s.id.clone()),
            opens: None,
        });
    }
    if ctx.clock == ClockSync::Unsynchronized {
        let recover = guides::get("generic-recover")?;
        findings.push(Finding {
            severity: Severity::Warning,
            kind: FindingKind::ClockUnsynchronized,
            message: "The system clock is not synchronized: TOTP codes may be wrong and get \
                      rejected. Turn on network time (e.g. `timedatectl set-ntp true`)."
                .to_owned(),
            account_id: None,
            account_label: None,
            account_display: None,
            guide_id: Some(recover.id.clone()),
            step_id: recover
                .all_steps()
                .find(|s| s.check == Check::Auto(AutoCheck::ClockSynchronized))
                .map(|s| s.id.clone()),
            opens: None,
        });
    }
    findings.extend(crate::ways::findings(doc));
    // Stable: accounts keep the vault's order within a severity and kind.
    findings.sort_by_key(|f| (f.severity, f.kind));
    let unrecorded: Vec<usize> = crate::list::order(&doc.accounts)
        .into_iter()
        .filter(|&i| {
            let a = &doc.accounts[i];
            a.ways.reviewed_at.is_none() && crate::ways::has_2fa(a)
        })
        .collect();
    Ok(HealthReport {
        checked_at: ctx.now,
        clock: ctx.clock,
        counts: count(&findings),
        findings,
        unrecorded_ways: unrecorded.len(),
        first_unrecorded: unrecorded.first().map(|&i| doc.accounts[i].id.clone()),
    })
}

/// What the vault's folder says besides its document (see
/// [`add_file_findings`]).
#[derive(Clone, Debug, Default)]
pub struct VaultFiles {
    /// A key change is still re-encrypting copies
    /// ([`crate::vault::Vault::key_change_unfinished`]).
    pub key_change_unfinished: bool,
    /// Conflict copies that do not open with the vault's key, by file name.
    pub unreadable_copies: Vec<String>,
}

/// Adds to `report` the findings about the vault's files.
pub fn add_file_findings(report: &mut HealthReport, files: &VaultFiles) {
    let finding = |kind, message: String| Finding {
        severity: Severity::Warning,
        kind,
        message,
        account_id: None,
        account_label: None,
        account_display: None,
        guide_id: None,
        step_id: None,
        opens: None,
    };
    if files.key_change_unfinished {
        report.findings.push(finding(
            FindingKind::KeyChangeUnfinished,
            "The last kit or passphrase change has not reached every backup yet: until it does, \
             some backup may still open with the replaced kit or passphrase. Any change to the \
             vault finishes it; if it keeps failing, check that the automatic-backup folder is \
             reachable (the drive plugged in, the share mounted)."
                .to_owned(),
        ));
    }
    for name in &files.unreadable_copies {
        report.findings.push(finding(
            FindingKind::ConflictCopyUnreadable,
            format!(
                "{name} beside the vault is a sync conflict copy that does not open with this \
                 vault's key, so nothing in it was merged. If another computer shares this \
                 vault with another kit or passphrase, open it there; otherwise move the file \
                 away once you have checked it."
            ),
        ));
    }
    report.findings.sort_by_key(|f| (f.severity, f.kind));
    report.counts = count(&report.findings);
}

fn account_findings(
    doc: &Document,
    account: &Account,
    ctx: &Context,
    out: &mut Vec<Finding>,
) -> Result<()> {
    let guide = guides::prevent_guide_for(account)?;
    let fixing_step = |check: AutoCheck| {
        guide
            .steps
            .iter()
            .find(|s| s.check == Check::Auto(check))
            .map(|s| s.id.clone())
    };
    // Messages name the account as a person reads it.
    let label = account.display_name();
    let finding = |severity, kind, message: String, step_id: Option<String>| Finding {
        severity,
        kind,
        message,
        account_id: Some(account.id.clone()),
        account_label: Some(account.label()),
        account_display: Some(label.clone()),
        guide_id: Some(guide.id.clone()),
        step_id,
        opens: None,
    };
    let codes = &account.recovery;
    if account.otp.is_some() && codes.is_empty() {
        out.push(finding(
            Severity::Critical,
            FindingKind::NoRecoveryCodes,
            format!(
                "{label} has 2FA but no recovery codes in Sparekey: losing this device locks you \
                 out. Save the service's recovery codes."
            ),
            fixing_step(AutoCheck::RecoveryCodesStored),
        ));
    } else if !codes.is_empty() && codes.unused_count() == 0 {
        out.push(finding(
            Severity::Critical,
            FindingKind::RecoveryCodesUsedUp,
            format!(
                "All {} recovery codes of {label} are used: generate a new set at the service \
                 and replace it in Sparekey.",
                codes.len()
            ),
            fixing_step(AutoCheck::UnusedCodesAtLeast3),
        ));
    } else if codes.is_running_low() {
        let unused = codes.unused_count();
        out.push(finding(
            Severity::Warning,
            FindingKind::RecoveryCodesLow,
            format!(
                "Only {unused} unused recovery code{} left for {label}: generate a new set at \
                 the service and replace it in Sparekey.",
                if unused == 1 { "" } else { "s" }
            ),
            fixing_step(AutoCheck::UnusedCodesAtLeast3),
        ));
    }
    // Service guides only: the generic guide would flag every account.
    if guide.is_generic() || guide.kind != GuideKind::Prevent {
        return Ok(());
    }
    let view = guides::evaluate(guide, doc, Some(&account.id), ctx)?;
    if let Some(step_id) = &view.next_step {
        let step = view.steps.iter().find(|s| &s.step.id == step_id);
        let (title, stale) = step.map_or((step_id.as_str(), false), |s| {
            (s.step.title.as_str(), s.status.state == StepState::Stale)
        });
        let message = if stale {
            format!(
                "\"{}\" for {label} is due again ({}).",
                title,
                step.and_then(|s| s.status.detail.clone())
                    .unwrap_or_default()
            )
        } else {
            format!(
                "\"{}\" is {} of {} steps done for {label}; next: \"{title}\".",
                guide.title, view.progress.done, view.progress.total
            )
        };
        out.push(finding(
            Severity::Notice,
            FindingKind::GuideUnfinished,
            message,
            Some(step_id.clone()),
        ));
    }
    Ok(())
}

/// Automatic backups older than this many days are reported.
pub const AUTO_BACKUP_MAX_AGE_DAYS: i64 = 30;

/// What is wrong with automatic backups, if they are on.
fn auto_backup_problem(doc: &Document, now: i64) -> Option<String> {
    let folder = &doc.settings.backup_folder;
    if folder.is_empty() {
        return None;
    }
    if !std::path::Path::new(folder).is_dir() {
        return Some(format!(
            "The backup folder {folder} is missing (is the drive plugged in?): automatic backups \
             are not being written."
        ));
    }
    if let Some(error) = &doc.auto_backup_error {
        return Some(format!("The last automatic backup failed: {error}."));
    }
    match doc.last_auto_backup_at {
        None => Some(format!(
            "No automatic backup was written to {folder} yet; one is written after the next change."
        )),
        Some(at) if now - at > AUTO_BACKUP_MAX_AGE_DAYS * 86_400 => Some(format!(
            "The last automatic backup in {folder} is from {}, more than \
             {AUTO_BACKUP_MAX_AGE_DAYS} days ago.",
            crate::time::format_date(at)
        )),
        Some(_) => None,
    }
}
