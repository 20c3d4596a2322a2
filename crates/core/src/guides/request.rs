//! Drafting PyPI's account-recovery request: the last resort when no 2FA
//! method, no recovery code and no email gets the user back in.
//!
//! PyPI takes these requests as GitHub issues in `pypi/support`, through the
//! "Account recovery request" form (label `account-recovery`). The draft
//! follows the form's fields in order (username in backticks, reason, the
//! three required statements), lists the evidence worth preparing and says
//! what happens next and how to keep publishing meanwhile, each fact with
//! its sources. Front ends copy the draft and open [`PYPI_FORM_URL`].
//!
//! The draft knows the vault: when Sparekey still holds unused recovery
//! codes for the account, it does not tick "I never generated or have lost
//! access to the recovery codes" and says to use a code first.

use serde::Serialize;

use super::Source;
use crate::{Error, Result};

/// The pypi/support issue form for account recovery.
pub const PYPI_FORM_URL: &str =
    "https://github.com/pypi/support/issues/new?template=account-recovery.yml";

/// The issue title the form sets.
pub const PYPI_TITLE: &str = "Account recovery request";

/// The three statements the form requires, in the form's order.
pub const PYPI_STATEMENTS: [&str; 3] = [
    "I never generated or have lost access to the recovery codes for my account",
    "I agree to follow the PSF Code of Conduct",
    "I understand that it may take a significant amount of time to process my account recovery \
     request.",
];

/// Reasons people commonly give, for a front end to offer as choices.
pub const PYPI_REASONS: [&str; 3] = [
    "Lost access to the email address on the account",
    "Lost my 2FA authentication app or security key, and the recovery codes",
    "Logging in from an unrecognized device, and the confirmation email to my primary address \
     does not arrive",
];

/// What the draft adds to the reason when the primary mailbox is gone.
pub const MAILBOX_GONE: &str = "I no longer have access to the primary email address on the \
     account, so PyPI's emails cannot reach me there. Please send the account-recovery email to \
     another address; I will give one to an admin.";

/// Longest reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 5_000;

/// Longest PyPI username, in characters (PyPI's registration form allows
/// 50).
pub const MAX_USERNAME_CHARS: usize = 50;

/// When the facts below were last checked against their sources.
pub const CHECKED: &str = "2026-12-03";

const WAREHOUSE: &str =
    "https://github.com/pypi/warehouse/blob/6b62157124ab7865029afeeadf282bce27d601d9/warehouse/";
const SUPPORT_FORM: &str = "https://github.com/pypi/support/blob/4f4e4c5a682e057da09f2cd6a6f6aa4dcdbda1e2/.github/ISSUE_TEMPLATE/account-recovery.yml";

/// One field of the form with the value to paste into it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The field's label on the form.
    pub label: String,
    /// What to enter (for a checkbox: the statement).
    pub value: String,
    /// True for a checkbox rather than text to paste.
    pub checkbox: bool,
    /// For a checkbox: whether the draft ticks it. The recovery-codes
    /// statement stays unticked while Sparekey holds unused codes.
    pub ticked: bool,
}

/// A statement the draft makes about what happens, with its sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// What the user reads.
    pub text: String,
    /// Where it comes from.
    pub sources: Vec<Source>,
    /// When the sources were checked, `YYYY-MM-DD`.
    pub checked: String,
}

/// What the request is drafted from.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestInput<'a> {
    /// The PyPI username (backticks and spaces around it are dropped).
    pub username: &'a str,
    /// What happened.
    pub reason: &'a str,
    /// The primary mailbox is gone: the draft asks for another address.
    pub mailbox_gone: bool,
    /// Unused recovery codes Sparekey holds for the account (`None`: not
    /// known, e.g. the vault is locked).
    pub unused_codes: Option<usize>,
}

/// A drafted recovery request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecoveryRequest {
    /// The service (`pypi`).
    pub service: String,
    /// Where to file it.
    pub form_url: String,
    /// The issue title.
    pub title: String,
    /// The form's fields, in order, with their values.
    pub fields: Vec<FormField>,
    /// The whole draft as Markdown, the way the filed issue reads.
    pub body: String,
    /// Said first, when the draft should not be filed yet (unused codes).
    pub warning: Option<String>,
    /// What to have ready for the admins.
    pub evidence: Vec<String>,
    /// What happens after filing, and what to do then.
    pub next_steps: Vec<Fact>,
    /// How to keep releases going while locked out.
    pub meanwhile: Vec<Fact>,
}

fn source(url: &str, supports: &str) -> Source {
    Source {
        url: url.to_owned(),
        supports: supports.to_owned(),
    }
}

fn fact(text: &str, sources: Vec<Source>) -> Fact {
    Fact {
        text: text.to_owned(),
        sources,
        checked: CHECKED.to_owned(),
    }
}

/// A username as typed, cleaned (spaces and backticks around it dropped) and
/// checked: letters, digits, `.`, `_`, `-`, at most [`MAX_USERNAME_CHARS`].
pub fn pypi_username(typed: &str) -> Result<String> {
    let username = typed.trim().trim_matches('`').trim();
    if username.is_empty() {
        return Err(Error::invalid(
            "username",
            "is empty: give your PyPI username (shown on your profile page, pypi.org/user/NAME/)",
        ));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Error::invalid(
            "username",
            "is not a PyPI username: use only letters, digits, '.', '_' and '-' (the name on \
             pypi.org/user/NAME/, not the email address)",
        ));
    }
    let count = username.chars().count();
    if count > MAX_USERNAME_CHARS {
        return Err(Error::invalid(
            "username",
            format!(
                "is {count} characters long; PyPI usernames have at most {MAX_USERNAME_CHARS}: \
                 copy it from pypi.org/user/NAME/"
            ),
        ));
    }
    Ok(username.to_owned())
}

/// Drafts PyPI's account-recovery request.
///
/// The username must be a plausible PyPI username ([`pypi_username`]); the
/// reason must not be empty. With `mailbox_gone` the reason says so and
/// asks for the email to go to another address. With unused codes the
/// recovery-codes statement is left unticked and [`RecoveryRequest::warning`]
/// says to use a code first.
pub fn pypi_recovery_request(input: &RequestInput<'_>) -> Result<RecoveryRequest> {
    let username = pypi_username(input.username)?;
    let typed = input.reason.trim();
    if typed.is_empty() {
        return Err(Error::invalid(
            "reason",
            "is empty: say what happened, e.g. \"Lost my 2FA app and the recovery codes\"",
        ));
    }
    if typed.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid(
            "reason",
            format!("is longer than {MAX_REASON_CHARS} characters; keep it short"),
        ));
    }
    let reason = if input.mailbox_gone && !typed.contains(MAILBOX_GONE) {
        format!("{typed}\n\n{MAILBOX_GONE}")
    } else {
        typed.to_owned()
    };
    let unused = input.unused_codes.unwrap_or(0);
    let warning = (unused > 0).then(|| {
        format!(
            "Sparekey still holds {unused} unused PyPI recovery {} for this account. Use one \
             first: at https://pypi.org/account/login/ give your username and password, then \
             choose \"Login using recovery codes\". The form asks you to confirm you have no \
             codes, so the draft leaves that box unticked: tick it only if every code is refused.",
            if unused == 1 { "code" } else { "codes" }
        )
    });
    let mut fields = vec![
        FormField {
            label: "PyPI Username".into(),
            value: format!("`{username}`"),
            checkbox: false,
            ticked: false,
        },
        FormField {
            label: "Reason for request".into(),
            value: reason,
            checkbox: false,
            ticked: false,
        },
    ];
    for (i, (label, statement)) in ["Recovery Codes", "Code of Conduct", "Acknowledgement"]
        .iter()
        .zip(PYPI_STATEMENTS)
        .enumerate()
    {
        fields.push(FormField {
            label: (*label).into(),
            value: statement.into(),
            checkbox: true,
            ticked: !(i == 0 && unused > 0),
        });
    }
    let body = fields
        .iter()
        .map(|f| {
            if f.checkbox {
                let mark = if f.ticked { "x" } else { " " };
                format!("### {}\n\n- [{mark}] {}\n", f.label, f.value)
            } else {
                format!("### {}\n\n{}\n", f.label, f.value)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok(RecoveryRequest {
        service: "pypi".into(),
        form_url: PYPI_FORM_URL.into(),
        title: PYPI_TITLE.into(),
        fields,
        body,
        warning,
        evidence: vec![
            format!("Your PyPI username: {username}"),
            "The projects you own, and the source repository named in each one's latest \
             release: you must be able to push a branch there"
                .into(),
            "Every email address that was ever on the account, and which one is primary".into(),
            "Any earlier contact with PyPI support (issue links, email dates)".into(),
        ],
        next_steps: next_steps(),
        meanwhile: meanwhile(),
    })
}

fn next_steps() -> Vec<Fact> {
    let email = format!("{WAREHOUSE}templates/email/account-recovery-initiated/body.txt");
    let admin = format!("{WAREHOUSE}admin/views/users.py");
    vec![
        fact(
            "A PyPI admin picks up the request: triage takes about 1.5 days on average, but \
             answers can be a week or more apart.",
            vec![
                source(
                    "https://blog.pypi.org/posts/2026-01-26-a-year-and-a-half-as-inaugural-pypi-support-specialist/",
                    "average triage time of 1.5 days",
                ),
                source(SUPPORT_FORM, "there may be a delay of a week or more between responses"),
            ],
        ),
        fact(
            "The admin emails you at the account's primary address, or at another address when \
             you said the mailbox is gone. Reply to that email: it is how you stay in the \
             process.",
            vec![
                source(&admin, "user_recover_account_initiate sends to the primary address or to override_to_email"),
                source(&email, "\"respond to this email\""),
            ],
        ),
        fact(
            "If the account owns a project with a public source repository, push a branch named \
             with the token in the email to the repository named in the project's latest \
             release (it needs no commits), then reply.",
            vec![
                source(&email, "push a branch with the name {token} to the public source code repository"),
                source(&admin, "the repository URLs come from each project's releases[0], the latest release"),
            ],
        ),
        fact(
            "Otherwise reply to confirm that you want 2FA reset; a 7-day waiting period follows.",
            vec![source(&email, "respond confirming intent to reset 2FA; a 7 day waiting period")],
        ),
        fact(
            "At the end PyPI removes every 2FA method and recovery code and sends a password \
             reset: set up 2FA and new recovery codes again (\"Lockout-proof my PyPI account\").",
            vec![source(&admin, "user_recover_account_complete clears TOTP, WebAuthn and recovery codes and resets the password")],
        ),
    ]
}

fn meanwhile() -> Vec<Fact> {
    let policy = format!("{WAREHOUSE}macaroons/security_policy.py");
    vec![
        fact(
            "Trusted Publishers keep publishing: they need no login.",
            vec![
                source(&policy, "publisher (OIDC) tokens are not tied to a user"),
                source(
                    "https://pypi.org/help/#trusted-publishers",
                    "Trusted Publishers publish without API tokens",
                ),
            ],
        ),
        fact(
            "Your API tokens keep working until the recovery completes; then the password is \
             disabled and they are refused until you reset it. Do not revoke them in a panic.",
            vec![
                source(
                    &policy,
                    "a user's token is refused only while the user is disabled",
                ),
                source(
                    &format!("{WAREHOUSE}admin/views/users.py"),
                    "completing a recovery calls disable_password",
                ),
            ],
        ),
        fact(
            "A co-owner or maintainer can upload releases, and an owner can add your new account.",
            vec![source(
                "https://pypi.org/help/#collaborator-roles",
                "maintainers and owners upload releases; owners add collaborators",
            )],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(username: &'a str, reason: &'a str) -> RequestInput<'a> {
        RequestInput {
            username,
            reason,
            ..RequestInput::default()
        }
    }

    #[test]
    fn username_is_cleaned_and_checked() {
        let r = pypi_recovery_request(&input("  `alice` ", "Lost my phone")).unwrap();
        assert_eq!(r.fields[0].value, "`alice`");
        for bad in ["", "``", "alice@example.com", "a b"] {
            let err = pypi_recovery_request(&input(bad, "x")).unwrap_err();
            assert!(err.to_string().contains("username"), "{bad}: {err}");
        }
        let err = pypi_recovery_request(&input("alice", "  ")).unwrap_err();
        assert!(err.to_string().contains("reason"), "{err}");
    }

    #[test]
    fn usernames_have_at_most_50_characters() {
        assert!(pypi_username(&"a".repeat(50)).is_ok());
        let err = pypi_username(&"a".repeat(51)).unwrap_err().to_string();
        assert!(
            err.contains("51 characters") && err.contains("at most 50"),
            "{err}"
        );
    }
}
