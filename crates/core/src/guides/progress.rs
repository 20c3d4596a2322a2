//! A guide against a vault: which steps are done for an account, computed
//! from the vault (automatic checks) or from what the user marked (manual
//! checks), and saving those marks.
//!
//! [`evaluate`] returns a [`GuideView`]: the guide with a [`StepStatus`] on
//! every step, serializable as it is for front ends.

use serde::Serialize;

use super::{AutoCheck, Branch, Check, Guide, Step, BACKUP_MAX_AGE_DAYS, MIN_UNUSED_CODES};
use crate::{
    account::{Account, MAX_NOTE_CHARS},
    clock::ClockSync,
    vault::document::{Document, StepCheck},
    Error, Result,
};

const DAY: i64 = 86_400;

/// What automatic checks need besides the vault: the time and the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    /// Now, in Unix seconds.
    pub now: i64,
    /// The system clock's state (see [`crate::clock`]).
    pub clock: ClockSync,
}

impl Context {
    /// The real now and the real clock.
    pub fn system() -> Context {
        use crate::clock::ClockSource;
        Context {
            now: crate::time::now(),
            clock: crate::clock::SystemClock.sync_state(),
        }
    }
}

/// The state of one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Done (and not stale).
    Done,
    /// Not done yet.
    NotDone,
    /// Done once, but too long ago: due again.
    Stale,
    /// Cannot be told (no account chosen, clock state unknown).
    Unknown,
    /// Nothing to check: information only.
    Info,
}

/// A step's state with what it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepStatus {
    /// The state.
    pub state: StepState,
    /// When it was done: the manual mark's time, the backup's time, the
    /// first used code's time.
    pub done_at: Option<i64>,
    /// The user's note on a manual mark.
    pub note: Option<String>,
    /// For automatic checks and stale steps: what the vault shows, in
    /// words, e.g. "6 of 8 codes unused".
    pub detail: Option<String>,
}

impl StepStatus {
    fn new(state: StepState, detail: impl Into<String>) -> StepStatus {
        StepStatus {
            state,
            done_at: None,
            note: None,
            detail: Some(detail.into()),
        }
    }

    fn at(mut self, at: Option<i64>) -> StepStatus {
        self.done_at = at;
        self
    }
}

/// A step with its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepView {
    /// The step as the guide defines it (fields flattened into this object).
    #[serde(flatten)]
    pub step: Step,
    /// Its status for the account.
    pub status: StepStatus,
}

/// A branch with the status of its steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BranchView {
    /// The branch id.
    pub id: String,
    /// The answer as the user picks it.
    pub label: String,
    /// Its steps.
    pub steps: Vec<StepView>,
}

/// How far the guide's main steps are (branches and optional or
/// informational steps do not count).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GuideProgress {
    /// Steps done.
    pub done: usize,
    /// Steps that count.
    pub total: usize,
    /// True when every counted step is done.
    pub complete: bool,
}

/// The account a guide was evaluated for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountRef {
    /// Its id.
    pub id: String,
    /// `issuer:name`.
    pub label: String,
    /// `issuer (name)`, as a screen names the account.
    pub display: String,
}

/// A guide evaluated against a vault, for one account or none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuideView {
    /// Guide id.
    pub id: String,
    /// Service id.
    pub service: String,
    /// Service name.
    pub service_label: String,
    /// Prevent or recover.
    pub kind: super::GuideKind,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// The guide to continue with.
    pub next: Option<String>,
    /// The question a recover guide asks first.
    pub question: Option<String>,
    /// The account, if one was given.
    pub account: Option<AccountRef>,
    /// False when the guide is for another service than the account's.
    pub fits_account: bool,
    /// Steps with status.
    pub steps: Vec<StepView>,
    /// Branches with status.
    pub branches: Vec<BranchView>,
    /// Progress of the main steps.
    pub progress: GuideProgress,
    /// The first main step that counts and is not done (or is stale): what
    /// to do next.
    pub next_step: Option<String>,
    /// For a recover guide, when the vault holds unused recovery codes for
    /// the account: use one of these first.
    pub codes_first: Option<super::CodesFirst>,
}

/// Evaluates `guide` against `doc` for the account with `account_id` (or
/// for no account: account checks are then [`StepState::Unknown`]).
pub fn evaluate(
    guide: &Guide,
    doc: &Document,
    account_id: Option<&str>,
    ctx: &Context,
) -> Result<GuideView> {
    let account = match account_id {
        Some(id) => {
            Some(
                doc.accounts
                    .iter()
                    .find(|a| a.id == id)
                    .ok_or_else(|| Error::NoMatch {
                        query: format!("id {id}"),
                    })?,
            )
        }
        None => None,
    };
    let view_step = |s: &Step| StepView {
        step: s.clone(),
        status: step_status(guide, s, doc, account, ctx),
    };
    let steps: Vec<StepView> = guide.steps.iter().map(view_step).collect();
    let branches = guide
        .branches
        .iter()
        .map(|b: &Branch| BranchView {
            id: b.id.clone(),
            label: b.label.clone(),
            steps: b.steps.iter().map(view_step).collect(),
        })
        .collect();
    let counted: Vec<&StepView> = steps.iter().filter(|v| counts(&v.step)).collect();
    let done = counted
        .iter()
        .filter(|v| v.status.state == StepState::Done)
        .count();
    let next_step = counted
        .iter()
        .find(|v| matches!(v.status.state, StepState::NotDone | StepState::Stale))
        .map(|v| v.step.id.clone());
    Ok(GuideView {
        id: guide.id.clone(),
        service: guide.service.clone(),
        service_label: guide.service_label.clone(),
        kind: guide.kind,
        title: guide.title.clone(),
        summary: guide.summary.clone(),
        next: guide.next.clone(),
        question: guide.question.clone(),
        account: account.map(|a| AccountRef {
            id: a.id.clone(),
            label: a.label(),
            display: a.display_name(),
        }),
        fits_account: account.is_none_or(|a| guide.applies_to(a)),
        progress: GuideProgress {
            done,
            total: counted.len(),
            complete: done == counted.len(),
        },
        steps,
        branches,
        next_step,
        codes_first: account.and_then(|a| super::codes_first(guide, a)),
    })
}

/// True for steps that count towards progress.
fn counts(step: &Step) -> bool {
    !step.optional && step.check != Check::Info
}

/// The status of one step.
pub fn step_status(
    guide: &Guide,
    step: &Step,
    doc: &Document,
    account: Option<&Account>,
    ctx: &Context,
) -> StepStatus {
    match step.check {
        Check::Info => StepStatus {
            state: StepState::Info,
            done_at: None,
            note: None,
            detail: None,
        },
        Check::Manual => {
            let Some(account) = account else {
                return StepStatus::new(
                    StepState::Unknown,
                    "choose an account to see its progress",
                );
            };
            match doc.step_check(&guide.id, &step.id, &account.id) {
                // Ticked by the account's ways back in, when the step names
                // the fact that shows it.
                None => match step.inventory.and_then(|fact| fact.holds(&account.ways)) {
                    Some(detail) => StepStatus {
                        state: StepState::Done,
                        done_at: account.ways.reviewed_at,
                        note: None,
                        detail: Some(format!("from the ways back in: {detail}")),
                    },
                    None => StepStatus {
                        state: StepState::NotDone,
                        done_at: None,
                        note: None,
                        detail: None,
                    },
                },
                Some(c) => {
                    let stale = step
                        .stale_after_days
                        .is_some_and(|days| ctx.now - c.done_at > i64::from(days) * DAY);
                    StepStatus {
                        state: if stale {
                            StepState::Stale
                        } else {
                            StepState::Done
                        },
                        done_at: Some(c.done_at),
                        note: (!c.note.is_empty()).then(|| c.note.clone()),
                        detail: stale.then(|| {
                            format!(
                                "last done {}, more than {} days ago: due again",
                                crate::time::format_date(c.done_at),
                                step.stale_after_days.unwrap_or_default()
                            )
                        }),
                    }
                }
            }
        }
        Check::Auto(check) => auto_status(check, doc, account, ctx),
    }
}

/// The status of an automatic check.
pub fn auto_status(
    check: AutoCheck,
    doc: &Document,
    account: Option<&Account>,
    ctx: &Context,
) -> StepStatus {
    use StepState::{Done, NotDone, Stale, Unknown};
    let done_if = |ok: bool| if ok { Done } else { NotDone };
    if check == AutoCheck::BackupRecent {
        let exported = match doc.last_backup_export_at {
            None => StepStatus::new(NotDone, "no encrypted backup was ever exported"),
            Some(at) if ctx.now - at > i64::from(BACKUP_MAX_AGE_DAYS) * DAY => StepStatus::new(
                Stale,
                format!(
                    "the last encrypted backup was exported {}, more than {BACKUP_MAX_AGE_DAYS} \
                     days ago",
                    crate::time::format_date(at)
                ),
            )
            .at(Some(at)),
            Some(at) => StepStatus::new(
                Done,
                format!("encrypted backup exported {}", crate::time::format_date(at)),
            )
            .at(Some(at)),
        };
        // For one account, a printed copy of its codes is a copy outside
        // Sparekey too (the step says "or keep a printed copy").
        let printed = account
            .filter(|_| exported.state != Done)
            .and_then(|a| crate::ways::Fact::PrintedCopy.holds(&a.ways));
        return match printed {
            Some(detail) => StepStatus::new(Done, detail),
            None => exported,
        };
    }
    if check == AutoCheck::EmergencyKit {
        return match &doc.emergency_kit {
            None => StepStatus::new(NotDone, "the vault has no emergency kit"),
            Some(kit) => StepStatus::new(
                Done,
                format!(
                    "emergency kit made {}{}",
                    crate::time::format_date(kit.created_at),
                    kit.verified_at
                        .map(|v| format!(", last verified {}", crate::time::format_date(v)))
                        .unwrap_or_default()
                ),
            )
            .at(Some(kit.created_at)),
        };
    }
    if check == AutoCheck::ClockSynchronized {
        return match ctx.clock {
            ClockSync::Synchronized => StepStatus::new(Done, "the system clock is synchronized"),
            ClockSync::Unsynchronized => StepStatus::new(
                NotDone,
                "the system clock is NOT synchronized: codes may be wrong; turn on network time \
                 (e.g. `timedatectl set-ntp true`)",
            ),
            ClockSync::Unknown => StepStatus::new(
                Unknown,
                "Sparekey cannot tell whether the system clock is synchronized; compare it with \
                 an accurate clock",
            ),
        };
    }
    let Some(a) = account else {
        return StepStatus::new(Unknown, "choose an account to evaluate this step");
    };
    let codes = &a.recovery;
    let first_used = codes.codes().iter().filter_map(|c| c.used_at()).min();
    match check {
        AutoCheck::TotpStored => match &a.otp {
            Some(otp) => StepStatus::new(
                Done,
                format!(
                    "{} secret saved in Sparekey",
                    otp.kind().type_name().to_uppercase()
                ),
            )
            .at(Some(a.created_at)),
            None => StepStatus::new(NotDone, "no 2FA secret saved in Sparekey for this account"),
        },
        AutoCheck::RecoveryCodesStored => {
            let detail = if codes.is_empty() {
                "no recovery codes saved".to_owned()
            } else {
                format!(
                    "{} codes saved, {} unused",
                    codes.len(),
                    codes.unused_count()
                )
            };
            StepStatus::new(done_if(!codes.is_empty()), detail)
                .at((!codes.is_empty()).then(|| codes.updated_at()))
        }
        AutoCheck::RecoveryCodeUsed => {
            let used = codes.used_count();
            let detail = if codes.is_empty() {
                "no recovery codes saved yet".to_owned()
            } else if used == 0 {
                "no code is marked used yet".to_owned()
            } else {
                format!(
                    "{used} {} marked used",
                    if used == 1 { "code is" } else { "codes are" }
                )
            };
            StepStatus::new(done_if(used > 0), detail).at(first_used)
        }
        AutoCheck::UnusedCodesAtLeast3 => {
            let unused = codes.unused_count();
            StepStatus::new(
                done_if(unused >= MIN_UNUSED_CODES),
                if codes.is_empty() {
                    "no recovery codes saved".to_owned()
                } else {
                    format!(
                        "{unused} of {} codes unused (at least {MIN_UNUSED_CODES} wanted)",
                        codes.len()
                    )
                },
            )
        }
        AutoCheck::BackupRecent | AutoCheck::ClockSynchronized | AutoCheck::EmergencyKit => {
            StepStatus::new(Unknown, "handled above")
        }
    }
}

/// Marks a manual step of a guide done for an account at `now`, with an
/// optional note (replacing an earlier mark). Refuses unknown guides and
/// steps, automatic and informational steps, and unknown accounts; every
/// error says what to do instead.
pub fn check_step(
    doc: &mut Document,
    guide_id: &str,
    step_id: &str,
    account_id: &str,
    note: Option<&str>,
    now: i64,
) -> Result<()> {
    let step = manual_step(guide_id, step_id)?;
    let note = note.unwrap_or_default().trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Error::invalid(
            "note",
            format!("is longer than {MAX_NOTE_CHARS} characters"),
        ));
    }
    doc.account_mut(account_id)?;
    doc.set_step_check(StepCheck {
        guide_id: guide_id.to_owned(),
        step_id: step.id.clone(),
        account_id: account_id.to_owned(),
        done_at: now,
        note: note.to_owned(),
    });
    Ok(())
}

/// Removes the mark of a manual step (undo). Returns whether there was one.
pub fn uncheck_step(
    doc: &mut Document,
    guide_id: &str,
    step_id: &str,
    account_id: &str,
) -> Result<bool> {
    manual_step(guide_id, step_id)?;
    doc.account_mut(account_id)?;
    Ok(doc.remove_step_check(guide_id, step_id, account_id))
}

/// The step `step_id` of guide `guide_id`, if it is one the user marks
/// done; otherwise an error saying why not (unknown guide or step, listing
/// the ones that exist; automatic or informational step).
pub fn manual_step(guide_id: &str, step_id: &str) -> Result<&'static Step> {
    let guide = super::get(guide_id)?;
    let step = guide.step(step_id).ok_or_else(|| {
        Error::invalid(
            "step",
            format!(
                "guide {guide_id} has no step {step_id:?}; its steps are: {}",
                guide
                    .all_steps()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    match step.check {
        Check::Manual => Ok(step),
        Check::Auto(auto) => Err(Error::invalid(
            "step",
            format!(
                "{guide_id}/{step_id} is checked automatically from the vault ({}): do what the \
                 step says and it turns done by itself",
                auto.name()
            ),
        )),
        Check::Info => Err(Error::invalid(
            "step",
            format!("{guide_id}/{step_id} is information only; there is nothing to mark"),
        )),
    }
}
