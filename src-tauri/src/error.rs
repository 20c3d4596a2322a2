//! Errors as the UI sees them: `{kind, message}`.
//!
//! `kind` is a stable snake_case word the UI may branch on (such as
//! `wrong_passphrase`); `message` is a sentence for the user that says what
//! went wrong and what to do. Neither ever contains a secret.

use serde::Serialize;

/// An error crossing IPC to the UI, serialized as `{"kind": …, "message": …}`
/// plus `"field": …` for `invalid_input` (the input that is wrong, so the UI
/// can show the message next to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppError {
    /// Stable machine-readable category, in snake_case.
    pub kind: &'static str,
    /// Human-readable explanation, safe to show and to log.
    pub message: String,
    /// For `invalid_input`: the field that is wrong (`secret`, `name`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl AppError {
    /// An error of the given kind with a message for the user, made a
    /// sentence (a capital and a full stop) if it is not one.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: sentence(message.into()),
            field: None,
        }
    }

    /// The vault is locked (or was never unlocked): the UI shows the unlock
    /// screen.
    pub fn locked() -> Self {
        Self::new("locked", "The vault is locked. Unlock it to continue.")
    }

    /// Bad input in `field`, as core reports it.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        sparekey_core::Error::invalid(field, reason).into()
    }

    /// Something that should not happen; the message says what it was.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", message)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind)
    }
}

impl std::error::Error for AppError {}

impl From<sparekey_core::Error> for AppError {
    fn from(error: sparekey_core::Error) -> Self {
        let field = match &error {
            sparekey_core::Error::InvalidInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        let message = match &error {
            sparekey_core::Error::WrongPassphrase => {
                "That passphrase does not open this vault. Check Caps Lock and the keyboard \
                 layout, then try again."
                    .to_owned()
            }
            other => {
                let mut text = other.to_string();
                if let Some(advice) = advice(other) {
                    text.push_str(". ");
                    text.push_str(advice);
                }
                sentence(text)
            }
        };
        Self {
            kind: error.kind(),
            message,
            field,
        }
    }
}

/// What to do about a core error, in the app's own terms (screens and
/// buttons, never a command line). Core states the facts; the CLI says its
/// own advice in `crates/cli/src/advice.rs`.
fn advice(error: &sparekey_core::Error) -> Option<&'static str> {
    use sparekey_core::{error::Absent, Error};
    Some(match error {
        Error::Corrupt { file, .. } if file.file_name().is_some_and(|n| n == "vault.age") => {
            "The unlock screen offers the newest backup that opens"
        }
        Error::Missing {
            what: Absent::RecoveryCodes,
            ..
        } => "Paste them on the account's page first",
        Error::CodesAlreadySaved { .. } => {
            "If you regenerated them at the service, choose \u{201c}Replace all\u{2026}\u{201d}"
        }
        Error::KitExists { .. } => {
            "To make a new one, choose \u{201c}Replace kit\u{2026}\u{201d} in Settings; the old one then \
             stops working"
        }
        Error::NoKit => "Make one in Settings first",
        Error::InvalidInput { reason, .. } if reason.contains(sparekey_core::otp::GOOGLE_EXPORT) => {
            "Choose Import, then Google Authenticator, and paste the link or choose a screenshot \
             of its QR code"
        }
        _ => return None,
    })
}

/// Core's messages are written to follow "error: "; the UI shows them as
/// sentences: a capital first letter and a full stop at the end.
fn sentence(text: String) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return text,
    };
    let end = out.trim_end_matches(['"', '\u{201d}', '\'', ')']);
    if !end.ends_with(['.', '!', '?', '\u{2026}']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::AppError;

    #[test]
    fn serializes_as_kind_and_message() {
        let error = AppError::new("wrong_passphrase", "The passphrase is wrong.");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "wrong_passphrase", "message": "The passphrase is wrong."})
        );
    }

    #[test]
    fn errors_read_as_sentences_and_never_name_the_cli() {
        let error: AppError = sparekey_core::Error::VaultNotFound {
            dir: "/nowhere".into(),
        }
        .into();
        assert!(error.message.starts_with("No vault in /nowhere"), "{error}");
        assert!(error.message.ends_with('.'), "{error}");
        assert!(!error.message.contains("sparekey-cli"), "{error}");
        let error: AppError = sparekey_core::Error::CodesAlreadySaved {
            account: "PyPI:alice".into(),
            saved: 8,
            unused: 7,
        }
        .into();
        assert!(error.message.contains("Replace all"), "{error}");
        assert!(!error.message.contains("--replace"), "{error}");
    }

    #[test]
    fn every_message_is_a_sentence() {
        let error = AppError::new("clipboard", "could not copy: no display");
        assert_eq!(error.message, "Could not copy: no display.");
        let error = AppError::internal("the KDF stopped: a panic");
        assert_eq!(error.message, "The KDF stopped: a panic.");
        let error = AppError::new("x", "Choose \u{201c}Replace all\u{2026}\u{201d}");
        assert!(error.message.ends_with('\u{201d}'), "{}", error.message);
    }

    #[test]
    fn invalid_input_names_its_field() {
        let error: AppError = sparekey_core::Error::invalid("secret", "is empty").into();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "invalid_input");
        assert_eq!(json["field"], "secret");
        assert!(json["message"].as_str().unwrap().contains("is empty"));
    }
}
