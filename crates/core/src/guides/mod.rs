//! Guides: "make this account lockout-proof" (prevent) and "I am locked out"
//! (recover), step by step, with PyPI as the first-class service.
//!
//! The guides are data: one TOML file per service in `guides/data/`,
//! embedded with `include_str!`, parsed and validated once by [`all`]. A
//! guide has steps, and a recover guide may also have branches, each
//! answering one question ("what happened?") with its own steps. Each step
//! links to the service's real pages and is checked either by the user
//! ([`Check::Manual`], saved per account in the vault) or automatically
//! from the vault ([`Check::Auto`]); informational steps ([`Check::Info`])
//! have no check.
//!
//! - [`progress`]: evaluates a guide against a vault ([`evaluate`]) and
//!   saves manual checks ([`check_step`], [`uncheck_step`]).
//! - [`request`]: drafts PyPI's account-recovery request.
//!
//! ```
//! use sparekey_core::guides;
//! let guide = guides::get("pypi-prevent")?;
//! assert_eq!(guide.kind, guides::GuideKind::Prevent);
//! assert!(guide.step("recovery-codes").is_some());
//! # Ok::<(), sparekey_core::Error>(())
//! ```

pub mod progress;
pub mod request;

use std::{collections::HashSet, fmt, sync::OnceLock};

use serde::{Deserialize, Deserializer, Serialize};

use crate::{account::Account, Error, Result};

pub use progress::{
    check_step, evaluate, manual_step, uncheck_step, Context, GuideProgress, GuideView, StepState,
    StepStatus, StepView,
};

/// The embedded guide files: (file name, text).
const FILES: &[(&str, &str)] = &[
    ("pypi.toml", include_str!("data/pypi.toml")),
    ("github.toml", include_str!("data/github.toml")),
    ("gitlab.toml", include_str!("data/gitlab.toml")),
    ("npm.toml", include_str!("data/npm.toml")),
    ("crates-io.toml", include_str!("data/crates-io.toml")),
    ("generic.toml", include_str!("data/generic.toml")),
    ("mailboxes.toml", include_str!("data/mailboxes.toml")),
];

/// The service a guide is for, as used in guide ids (`pypi-prevent`).
pub const GENERIC_SERVICE: &str = "generic";

/// Days after which an exported backup no longer counts as recent.
pub const BACKUP_MAX_AGE_DAYS: u32 = 90;

/// The fewest unused recovery codes that count as enough
/// ([`AutoCheck::UnusedCodesAtLeast3`]).
pub const MIN_UNUSED_CODES: usize = crate::recovery::RUNNING_LOW_AT + 1;

/// The sites each service's guides may link to and cite, as URL prefixes:
/// a link or source outside its service's sites is a mistake (or a
/// phishing page) and fails [`validate`]. The generic guides may use every
/// service's sites and the IETF's (RFC 6238, TOTP).
pub const SERVICE_SITES: &[(&str, &[&str])] = &[
    (
        "pypi",
        &[
            "https://pypi.org/",
            "https://blog.pypi.org/",
            "https://docs.pypi.org/",
            "https://github.com/pypi/",
        ],
    ),
    (
        "github",
        &["https://github.com/", "https://docs.github.com/"],
    ),
    (
        "gitlab",
        &["https://gitlab.com/", "https://docs.gitlab.com/"],
    ),
    (
        "npm",
        &[
            "https://www.npmjs.com/",
            "https://docs.npmjs.com/",
            "https://github.com/npm/",
        ],
    ),
    (
        "crates-io",
        &[
            "https://crates.io/",
            "https://doc.rust-lang.org/cargo/",
            "https://docs.github.com/",
        ],
    ),
    (
        "google",
        &[
            "https://support.google.com/",
            "https://accounts.google.com/",
        ],
    ),
    (
        "microsoft",
        &[
            "https://support.microsoft.com/",
            "https://account.live.com/",
        ],
    ),
    (
        "proton",
        &["https://proton.me/", "https://account.proton.me/"],
    ),
    ("fastmail", &["https://www.fastmail.com/"]),
];

/// Sources about Sparekey itself cite its own documentation:
/// `sparekey:README.md#heading` (a file of the repository and a heading's
/// anchor). They are shown, never opened.
pub const SPAREKEY_SOURCE: &str = "sparekey:";

/// Pages that do something the moment they are opened: a guide never links
/// to them. Each with why.
pub const ACTION_URLS: &[(&str, &str)] = &[
    (
        "https://pypi.org/manage/account/recovery-codes/regenerate",
        "opening it generates a new set of codes at once and kills the saved one",
    ),
    (
        "https://pypi.org/manage/account/recovery-codes/generate",
        "opening it generates the codes at once when there are none yet",
    ),
    (
        "https://pypi.org/account/recovery-code/",
        "without the login in progress it only says \"Invalid or expired two factor login\"",
    ),
    ("https://pypi.org/account/logout", "opening it logs out"),
];

/// The sites a service's guides may use (see [`SERVICE_SITES`]).
pub fn service_sites(service: &str) -> Vec<&'static str> {
    if service == GENERIC_SERVICE {
        let mut all: Vec<&str> = SERVICE_SITES
            .iter()
            .flat_map(|(_, sites)| sites.iter().copied())
            .collect();
        all.push("https://datatracker.ietf.org/");
        return all;
    }
    SERVICE_SITES
        .iter()
        .find(|(s, _)| *s == service)
        .map(|(_, sites)| sites.to_vec())
        .unwrap_or_default()
}

/// Why a guide of `service` may not use `url`, or `None` when it may: the
/// URL is `https://` on one of the service's sites and does nothing when
/// opened.
pub fn url_problem(service: &str, url: &str) -> Option<String> {
    if url.chars().any(char::is_whitespace) {
        return Some(format!("{url:?} contains a space"));
    }
    let sites = service_sites(service);
    if !sites.iter().any(|site| url.starts_with(site)) {
        return Some(format!(
            "{url} is not https:// on {service}'s own sites ({})",
            sites.join(", ")
        ));
    }
    let bare = url.split(['#', '?']).next().unwrap_or(url);
    ACTION_URLS
        .iter()
        .find(|(action, _)| bare.trim_end_matches('/') == action.trim_end_matches('/'))
        .map(|(_, why)| format!("{url} must not be linked: {why}"))
}

/// Prevent ("make it lockout-proof") or recover ("I am locked out").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GuideKind {
    /// Preventive setup, done once and reviewed now and then.
    Prevent,
    /// Getting back in after a lockout.
    Recover,
}

impl fmt::Display for GuideKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GuideKind::Prevent => "prevent",
            GuideKind::Recover => "recover",
        })
    }
}

/// One guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// Unique id, `<service>-<kind>`, e.g. `pypi-prevent`.
    pub id: String,
    /// The service id (`pypi`, `github`, `gitlab`, `npm`, `crates-io`,
    /// [`GENERIC_SERVICE`]).
    pub service: String,
    /// The service's name as people know it ("PyPI").
    pub service_label: String,
    /// Prevent or recover.
    pub kind: GuideKind,
    /// The title shown to the user, e.g. "Lockout-proof my PyPI account".
    pub title: String,
    /// One or two sentences on what the guide achieves.
    pub summary: String,
    /// Account issuers this guide is for, compared ignoring case and
    /// surrounding spaces (e.g. "PyPI", "pypi.org"). Empty for the generic
    /// guides, which fit every account.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// The guide to continue with once this one is through (a recover guide
    /// leads back to its prevent guide).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Steps, in order.
    #[serde(default)]
    pub steps: Vec<Step>,
    /// For recover guides: the question asked first, e.g. "What happened?".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// For recover guides: one branch per answer; only the chosen one is
    /// shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<Branch>,
    /// For recover guides: the step that says how to log in with a recovery
    /// code. When the vault holds unused codes for the account, front ends
    /// put it first ("use one of these first").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes_step: Option<String>,
}

/// One answer to a recover guide's question, with its own steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// Unique within the guide, e.g. `recovery-codes`.
    pub id: String,
    /// The answer as the user picks it, e.g. "I lost my 2FA app but have my
    /// recovery codes".
    pub label: String,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

/// One step of a guide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique within the guide (branches included), e.g. `emails`.
    pub id: String,
    /// Short imperative title.
    pub title: String,
    /// A short explanation: what to do and why.
    pub text: String,
    /// The service's own pages for this step.
    #[serde(default)]
    pub links: Vec<Link>,
    /// How the step is checked.
    #[serde(default = "Check::info")]
    pub check: Check,
    /// Optional steps do not count towards a guide's progress.
    #[serde(default)]
    pub optional: bool,
    /// For manual checks that age (a periodic review): days after which a
    /// done step is stale and due again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after_days: Option<u32>,
    /// Something Sparekey can do for this step, for a front end's button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// The `sparekey-cli` command line that does it, for the terminal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cli: Option<String>,
    /// Another branch of the same guide this step sends the user to ("go to
    /// Nothing works"); front ends show it as a way there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goto: Option<String>,
    /// Where every statement of the step comes from: the pages a reviewer
    /// checks it against. Required ([`validate`]).
    #[serde(default)]
    pub sources: Vec<Source>,
    /// When the sources were last checked against the step, `YYYY-MM-DD`.
    /// Required ([`validate`]).
    #[serde(default)]
    pub checked: String,
    /// For a manual step: the fact of the account's ways back in that
    /// shows it done, so it ticks itself (see [`crate::ways::Fact`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<crate::ways::Fact>,
}

/// A citation: a page and what it supports.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The page, `https://` on the service's own sites (see
    /// [`SERVICE_SITES`]).
    pub url: String,
    /// What the page supports, e.g. "the confirmation goes to the primary
    /// address only".
    pub supports: String,
}

/// A link to a real page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// What the page is, e.g. "PyPI: account settings".
    pub label: String,
    /// The `https://` address.
    pub url: String,
}

/// How a step is checked. In the data files: `check = "manual"`,
/// `check = "info"` (the default) or the name of an [`AutoCheck`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", content = "auto", rename_all = "snake_case")]
pub enum Check {
    /// The user marks it done (with the date and an optional note).
    Manual,
    /// Computed from the vault.
    Auto(AutoCheck),
    /// Nothing to check: advice or information.
    Info,
}

impl Check {
    fn info() -> Check {
        Check::Info
    }

    /// Parses a data file's `check` value.
    pub fn parse(name: &str) -> Result<Check> {
        match name {
            "manual" => Ok(Check::Manual),
            "info" => Ok(Check::Info),
            other => AutoCheck::ALL
                .iter()
                .find(|c| c.name() == other)
                .map(|c| Check::Auto(*c))
                .ok_or_else(|| {
                    Error::invalid(
                        "guide check",
                        format!(
                            "{other:?} is not a known check: use manual, info or one of {}",
                            AutoCheck::ALL
                                .iter()
                                .map(AutoCheck::name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                }),
        }
    }
}

impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Check::parse(&name).map_err(serde::de::Error::custom)
    }
}

/// Checks computed from the vault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoCheck {
    /// The account has its TOTP (or other OTP) secret in Sparekey.
    TotpStored,
    /// The account has recovery codes saved.
    RecoveryCodesStored,
    /// At least one saved code is marked used (PyPI's "burn" step).
    RecoveryCodeUsed,
    /// At least [`MIN_UNUSED_CODES`] codes are unused.
    #[serde(rename = "unused_codes_at_least_3")]
    UnusedCodesAtLeast3,
    /// An encrypted backup was exported in the last
    /// [`BACKUP_MAX_AGE_DAYS`] days (vault-wide).
    BackupRecent,
    /// The system clock is synchronized (machine-wide).
    ClockSynchronized,
    /// The vault has an emergency kit (vault-wide).
    EmergencyKit,
}

impl AutoCheck {
    /// Every automatic check.
    pub const ALL: [AutoCheck; 7] = [
        AutoCheck::TotpStored,
        AutoCheck::RecoveryCodesStored,
        AutoCheck::RecoveryCodeUsed,
        AutoCheck::UnusedCodesAtLeast3,
        AutoCheck::BackupRecent,
        AutoCheck::ClockSynchronized,
        AutoCheck::EmergencyKit,
    ];

    /// The name used in data files and JSON, e.g. `totp_stored`.
    pub fn name(&self) -> &'static str {
        match self {
            AutoCheck::TotpStored => "totp_stored",
            AutoCheck::RecoveryCodesStored => "recovery_codes_stored",
            AutoCheck::RecoveryCodeUsed => "recovery_code_used",
            AutoCheck::UnusedCodesAtLeast3 => "unused_codes_at_least_3",
            AutoCheck::BackupRecent => "backup_recent",
            AutoCheck::ClockSynchronized => "clock_synchronized",
            AutoCheck::EmergencyKit => "emergency_kit",
        }
    }

    /// True for checks about one account (false for vault- or machine-wide
    /// ones).
    pub fn needs_account(&self) -> bool {
        !matches!(
            self,
            AutoCheck::BackupRecent | AutoCheck::ClockSynchronized | AutoCheck::EmergencyKit
        )
    }
}

/// Something Sparekey itself can do for a step; front ends show a button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Paste or import the service's recovery codes.
    AddRecoveryCodes,
    /// Reveal the next unused recovery code and mark it used.
    UseRecoveryCode,
    /// Add the TOTP secret (scan or paste the setup QR code or secret).
    AddTotp,
    /// Show the account's current code.
    ShowCode,
    /// Export an encrypted backup of the vault.
    ExportBackup,
    /// Check whether the system clock is synchronized.
    CheckClock,
    /// Draft the account-recovery request ([`request`]).
    DraftRecoveryRequest,
    /// Open another guide (the guide's `next`).
    OpenNextGuide,
    /// Make the vault's emergency kit.
    CreateKit,
}

/// "Use one of these first": a recover guide for an account that still has
/// unused recovery codes in the vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodesFirst {
    /// Unused codes saved for the account.
    pub unused: usize,
    /// Codes in the saved set.
    pub total: usize,
    /// When the service generated the set (Unix seconds), if known.
    pub generated_at: Option<i64>,
    /// The branch holding the step that says how to use a code.
    pub branch: Option<String>,
    /// That step's id.
    pub step: String,
    /// What to tell the user, e.g. "Sparekey holds 7 unused recovery codes
    /// for this account (generated 2024-08-02): use one of these first."
    pub message: String,
}

/// For a recover guide with a [`Guide::codes_step`]: the account's unused
/// codes, if it has any.
pub fn codes_first(guide: &Guide, account: &Account) -> Option<CodesFirst> {
    let step = guide.codes_step.as_ref()?;
    let set = &account.recovery;
    let unused = set.unused_count();
    if guide.kind != GuideKind::Recover || unused == 0 || !guide.applies_to(account) {
        return None;
    }
    let generated_at = set.generated_at();
    let when = generated_at
        .map(|at| format!(" (generated {})", crate::time::format_date(at)))
        .unwrap_or_default();
    Some(CodesFirst {
        unused,
        total: set.len(),
        generated_at,
        branch: guide
            .branches
            .iter()
            .find(|b| b.steps.iter().any(|s| &s.id == step))
            .map(|b| b.id.clone()),
        step: step.clone(),
        message: format!(
            "Sparekey holds {unused} unused recovery {} for this account{when}: use one of \
             these first.",
            if unused == 1 { "code" } else { "codes" }
        ),
    })
}

/// What front ends list: a guide without its steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuideSummary {
    /// The guide id.
    pub id: String,
    /// The service id.
    pub service: String,
    /// The service's name.
    pub service_label: String,
    /// Prevent or recover.
    pub kind: GuideKind,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
}

impl Guide {
    /// The step with this id, in the steps or in any branch.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.all_steps().find(|s| s.id == id)
    }

    /// Every step: the guide's own, then each branch's.
    pub fn all_steps(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .chain(self.branches.iter().flat_map(|b| b.steps.iter()))
    }

    /// The branch with this id.
    pub fn branch(&self, id: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.id == id)
    }

    /// True for the generic guides, which fit every account.
    pub fn is_generic(&self) -> bool {
        self.service == GENERIC_SERVICE
    }

    /// True when the guide is written for this account's service: its
    /// issuer is one of the guide's issuers (ignoring case), or its recovery
    /// codes were recognised as this service's. Generic guides fit every
    /// account.
    pub fn applies_to(&self, account: &Account) -> bool {
        if self.is_generic() {
            return true;
        }
        let issuer = account.issuer.trim();
        self.issuers.iter().any(|i| i.eq_ignore_ascii_case(issuer))
            || account
                .recovery
                .service()
                .label()
                .eq_ignore_ascii_case(&self.service)
    }

    /// The guide as lists show it.
    pub fn summary(&self) -> GuideSummary {
        GuideSummary {
            id: self.id.clone(),
            service: self.service.clone(),
            service_label: self.service_label.clone(),
            kind: self.kind,
            title: self.title.clone(),
            summary: self.summary.clone(),
        }
    }
}

/// Every guide, parsed and validated once. An error here is a bug in the
/// embedded files (the tests catch it); the message names file and problem.
pub fn all() -> Result<&'static [Guide]> {
    static GUIDES: OnceLock<std::result::Result<Vec<Guide>, String>> = OnceLock::new();
    GUIDES
        .get_or_init(load)
        .as_deref()
        .map_err(|e| Error::invalid("built-in guides", e.clone()))
}

/// The guide with this id, or an error listing the ids that exist.
pub fn get(id: &str) -> Result<&'static Guide> {
    let guides = all()?;
    guides.iter().find(|g| g.id == id).ok_or_else(|| {
        Error::invalid(
            "guide",
            format!(
                "there is no guide {id:?}; the guides are: {}",
                guides
                    .iter()
                    .map(|g| g.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// The prevent guide for an account: its service's, else the generic one.
pub fn prevent_guide_for(account: &Account) -> Result<&'static Guide> {
    let guides = all()?;
    guides
        .iter()
        .find(|g| g.kind == GuideKind::Prevent && !g.is_generic() && g.applies_to(account))
        .or_else(|| {
            guides
                .iter()
                .find(|g| g.kind == GuideKind::Prevent && g.is_generic())
        })
        .ok_or_else(|| Error::invalid("built-in guides", "there is no generic prevent guide"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuideFile {
    guides: Vec<Guide>,
}

fn load() -> std::result::Result<Vec<Guide>, String> {
    let mut guides = Vec::new();
    for (name, text) in FILES {
        let file: GuideFile =
            toml::from_str(text).map_err(|e| format!("guides/data/{name}: {e}"))?;
        guides.extend(file.guides);
    }
    let problems = validate(&guides);
    if problems.is_empty() {
        Ok(guides)
    } else {
        Err(problems.join("; "))
    }
}

/// Checks a set of guides for mistakes the data format cannot rule out;
/// returns one message per problem (empty when all is well).
///
/// Rules: guide ids unique and `<service>-<kind>`; step and branch ids unique
/// within a guide; every step has a link or a check; every link is
/// `https://` on the service's own sites ([`SERVICE_SITES`]) and does
/// nothing when opened ([`ACTION_URLS`]); every step cites its sources (on
/// the same sites, or Sparekey's own documentation) with the date they were
/// checked; `goto` names a branch of the guide; `next` names an existing
/// guide; recover guides with branches ask a question; `stale_after_days`
/// only on manual checks; no empty texts.
pub fn validate(guides: &[Guide]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = HashSet::new();
    for g in guides {
        let mut p = |msg: String| problems.push(format!("guide {}: {msg}", g.id));
        if !ids.insert(g.id.as_str()) {
            p("the id is used twice".into());
        }
        if g.id != format!("{}-{}", g.service, g.kind) {
            p(format!("the id should be {}-{}", g.service, g.kind));
        }
        for (what, text) in [
            ("title", &g.title),
            ("summary", &g.summary),
            ("service_label", &g.service_label),
        ] {
            if text.trim().is_empty() {
                p(format!("{what} is empty"));
            }
        }
        if g.steps.is_empty() && g.branches.is_empty() {
            p("has no steps".into());
        }
        if !g.branches.is_empty() && g.question.as_deref().is_none_or(|q| q.trim().is_empty()) {
            p("has branches but no question".into());
        }
        if g.kind == GuideKind::Prevent && !g.branches.is_empty() {
            p("prevent guides have no branches".into());
        }
        if g.issuers.is_empty() != g.is_generic() {
            p("service guides list issuers; only generic guides have none".into());
        }
        if let Some(next) = &g.next {
            if !guides.iter().any(|o| &o.id == next) {
                p(format!("next names {next:?}, which is not a guide"));
            }
        }
        if let Some(step) = &g.codes_step {
            if g.kind != GuideKind::Recover || g.step(step).is_none() {
                p(format!(
                    "codes_step {step:?} is not a step of this recover guide"
                ));
            }
        }
        let mut branch_ids = HashSet::new();
        for b in &g.branches {
            if !branch_ids.insert(b.id.as_str()) {
                p(format!("branch {} is used twice", b.id));
            }
            if b.steps.is_empty() || b.label.trim().is_empty() {
                p(format!("branch {} has no label or no steps", b.id));
            }
        }
        let mut step_ids = HashSet::new();
        for s in g.all_steps() {
            if !step_ids.insert(s.id.as_str()) {
                p(format!("step {} is used twice", s.id));
            }
            if s.id.is_empty()
                || !s
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                p(format!("step id {:?} is not lowercase-with-dashes", s.id));
            }
            if s.title.trim().is_empty() || s.text.trim().is_empty() {
                p(format!("step {} has an empty title or text", s.id));
            }
            if s.links.is_empty() && s.check == Check::Info {
                p(format!("step {} has neither a link nor a check", s.id));
            }
            for l in &s.links {
                if !l.url.starts_with("https://") || l.label.trim().is_empty() {
                    p(format!(
                        "step {}: link {:?} is not https:// or has no label",
                        s.id, l.url
                    ));
                } else if let Some(problem) = url_problem(&g.service, &l.url) {
                    p(format!("step {}: link {problem}", s.id));
                }
            }
            if s.sources.is_empty() {
                p(format!(
                    "step {} has no sources: cite the page each statement comes from",
                    s.id
                ));
            }
            for src in &s.sources {
                if src.supports.trim().is_empty() {
                    p(format!(
                        "step {}: source {} does not say what it supports",
                        s.id, src.url
                    ));
                }
                if src.url.starts_with(SPAREKEY_SOURCE) {
                    continue;
                }
                if let Some(problem) = url_problem(&g.service, &src.url) {
                    p(format!("step {}: source {problem}", s.id));
                }
            }
            if crate::time::parse_date(&s.checked).is_none() {
                p(format!(
                    "step {}: checked {:?} is not the YYYY-MM-DD date its sources were checked",
                    s.id, s.checked
                ));
            }
            if let Some(target) = &s.goto {
                if g.branch(target).is_none() {
                    p(format!(
                        "step {} goes to branch {target:?}, which the guide does not have",
                        s.id
                    ));
                }
            }
            if s.stale_after_days.is_some() && s.check != Check::Manual {
                p(format!(
                    "step {}: stale_after_days needs a manual check",
                    s.id
                ));
            }
            if matches!(s.check, Check::Auto(_)) && s.action.is_none() {
                p(format!(
                    "step {}: Sparekey checks it, so it needs the action that fixes it \
                     (a front end shows it as a button)",
                    s.id
                ));
            }
            if s.action == Some(Action::OpenNextGuide) && g.next.is_none() {
                p(format!(
                    "step {} opens the next guide, but the guide has no next",
                    s.id
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_check_names_are_refused_with_the_known_ones() {
        let err = Check::parse("totp_saved").unwrap_err().to_string();
        assert!(err.contains("totp_stored"), "{err}");
        assert_eq!(
            Check::parse("backup_recent").unwrap(),
            Check::Auto(AutoCheck::BackupRecent)
        );
        for c in AutoCheck::ALL {
            assert_eq!(Check::parse(c.name()).unwrap(), Check::Auto(c));
            // The JSON name equals the data-file name.
            assert_eq!(serde_json::to_value(c).unwrap(), c.name());
        }
    }

    #[test]
    fn validate_reports_each_broken_rule() {
        let mut g = get("pypi-prevent").unwrap().clone();
        g.steps[1].id = g.steps[0].id.clone();
        g.steps[2].links.clear();
        g.steps[2].check = Check::Info;
        g.steps[3].links[0].url = "http://pypi.org/".into();
        g.next = Some("nope".into());
        let problems = validate(&[g.clone(), g]);
        let all = problems.join("\n");
        for needle in [
            "the id is used twice",
            "is used twice",
            "neither a link nor a check",
            "not https://",
            "not a guide",
        ] {
            assert!(all.contains(needle), "{needle} missing in {all}");
        }
    }
}
