//! Drafting PyPI's account-recovery request: the last resort when no 2FA
//! method, no recovery code and no email gets the user back in.
//!
//! PyPI takes these requests as GitHub issues in `pypi/support`, through the
//! "Account recovery request" form (label `account-recovery`). The draft
//! follows the form's fields in order (username in backticks, reason, the
//! three required statements), lists the evidence worth preparing and says
//! what happens next. Front ends copy the draft and open [`PYPI_FORM_URL`].

use serde::Serialize;

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
    "Logging in from an unrecognized device, and the confirmation email does not arrive",
];

/// Longest reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 5_000;

/// Longest PyPI username accepted, in characters.
pub const MAX_USERNAME_CHARS: usize = 100;

/// One field of the form with the value to paste into it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The field's label on the form.
    pub label: String,
    /// What to enter (for a checkbox: the statement to tick).
    pub value: String,
    /// True for a checkbox to tick rather than text to paste.
    pub checkbox: bool,
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
    /// What to have ready for the admins.
    pub evidence: Vec<String>,
    /// What happens after filing.
    pub next_steps: Vec<String>,
}

/// Drafts PyPI's account-recovery request for `username` with `reason`.
///
/// The username is trimmed of spaces and of backticks the user may already
/// have typed, and must be a plausible PyPI username (letters, digits, `.`,
/// `_`, `-`). The reason must not be empty.
pub fn pypi_recovery_request(username: &str, reason: &str) -> Result<RecoveryRequest> {
    let username = username.trim().trim_matches('`').trim();
    if username.is_empty() {
        return Err(Error::invalid(
            "username",
            "is empty: give your PyPI username (shown on your profile page, pypi.org/user/NAME/)",
        ));
    }
    if username.chars().count() > MAX_USERNAME_CHARS
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(Error::invalid(
            "username",
            "is not a PyPI username: use only letters, digits, '.', '_' and '-' (the name on \
             pypi.org/user/NAME/, not the email address)",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            "is empty: say what happened, e.g. \"Lost my 2FA app and the recovery codes\"",
        ));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::invalid(
            "reason",
            format!("is longer than {MAX_REASON_CHARS} characters; keep it short"),
        ));
    }
    let mut fields = vec![
        FormField {
            label: "PyPI Username".into(),
            value: format!("`{username}`"),
            checkbox: false,
        },
        FormField {
            label: "Reason for request".into(),
            value: reason.to_owned(),
            checkbox: false,
        },
    ];
    for (label, statement) in ["Recovery codes", "Code of Conduct", "Acknowledgement"]
        .iter()
        .zip(PYPI_STATEMENTS)
    {
        fields.push(FormField {
            label: (*label).into(),
            value: statement.into(),
            checkbox: true,
        });
    }
    let body = fields
        .iter()
        .map(|f| {
            if f.checkbox {
                format!("### {}\n\n- [x] {}\n", f.label, f.value)
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
        evidence: vec![
            format!("Your PyPI username: {username}"),
            "The projects you maintain on PyPI, and their public source repositories".into(),
            "Every email address that was ever on the account".into(),
            "Any earlier contact with PyPI support (issue links, email dates)".into(),
        ],
        next_steps: vec![
            "A PyPI admin picks up the request (triage takes about 1.5 days on average, but \
             answers can be a week or more apart)."
                .into(),
            "If the account owns a project with a public source repository, you prove control by \
             pushing a branch named with a token the admin sends you."
                .into(),
            "Otherwise you confirm by email and a 7-day waiting period follows.".into(),
            "At the end PyPI removes every 2FA method and recovery code and sends a password \
             reset: set up 2FA and new recovery codes again (guide pypi-prevent)."
                .into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_is_cleaned_and_checked() {
        let r = pypi_recovery_request("  `alice` ", "Lost my phone").unwrap();
        assert_eq!(r.fields[0].value, "`alice`");
        for bad in ["", "``", "alice@example.com", "a b"] {
            let err = pypi_recovery_request(bad, "x").unwrap_err();
            assert!(err.to_string().contains("username"), "{bad}: {err}");
        }
        let err = pypi_recovery_request("alice", "  ").unwrap_err();
        assert!(err.to_string().contains("reason"), "{err}");
    }
}
