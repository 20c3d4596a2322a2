//! Errors as the UI sees them: `{kind, message}`.
//!
//! `kind` is a stable snake_case word the UI may branch on (such as
//! `wrong_passphrase`); `message` is a sentence for the user that says what
//! went wrong and what to do. Neither ever contains a secret.

use serde::Serialize;

/// An error crossing IPC to the UI, serialized as `{"kind": …, "message": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppError {
    /// Stable machine-readable category, in snake_case.
    pub kind: &'static str,
    /// Human-readable explanation, safe to show and to log.
    pub message: String,
}

impl AppError {
    /// An error of the given kind with a message for the user.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
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
}
