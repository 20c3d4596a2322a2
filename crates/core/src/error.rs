//! The one error type of sparekey-core.
//!
//! Every message names what went wrong (the file, field or entry). Advice that
//! depends on the front end (a command to run, a button to press) is not
//! here: each front end adds its own from [`Error::kind`] and the variant's
//! fields (`crates/cli/src/advice.rs`, `src-tauri/src/error.rs`), so no text
//! in core names a front end. No message ever contains a secret: variants
//! that describe bad input carry the field name and a reason, never the input.

use std::{fmt, io, path::PathBuf};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in Sparekey's core.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase (or emergency-kit key) does not open this vault.
    WrongPassphrase,
    /// No vault exists in the folder.
    VaultNotFound {
        /// The vault folder.
        dir: PathBuf,
    },
    /// `init` was asked to create a vault where one already exists.
    VaultExists {
        /// The vault folder.
        dir: PathBuf,
    },
    /// A vault file is not a readable Sparekey/age file (truncated, damaged,
    /// foreign). The file is left exactly as it is.
    Corrupt {
        /// The damaged file.
        file: PathBuf,
        /// What is wrong with it, in words (never its content).
        detail: String,
    },
    /// The vault was written by a newer Sparekey; it is refused, untouched.
    NewerVersion {
        /// The vault file.
        file: PathBuf,
        /// Version found in the document.
        found: u32,
        /// Newest version this build understands.
        supported: u32,
    },
    /// Reading or writing a file failed.
    Io {
        /// What Sparekey was doing, e.g. "write the vault".
        action: &'static str,
        /// The file or folder involved.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// Another process held the vault's write lock for too long.
    LockTimeout {
        /// The lock file.
        path: PathBuf,
    },
    /// User input (a field of an otpauth URI, a secret, recovery codes...)
    /// is not acceptable.
    InvalidInput {
        /// The field or thing that is wrong, e.g. "secret" or "digits".
        field: String,
        /// Why, and what would be accepted.
        reason: String,
    },
    /// No account matches a query.
    NoMatch {
        /// The query as typed.
        query: String,
    },
    /// More than one account matches a query.
    Ambiguous {
        /// The query as typed.
        query: String,
        /// `issuer:name` of every match.
        matches: Vec<String>,
    },
    /// An operation needs something the account does not have
    /// (e.g. a code from an account with no OTP secret).
    Missing {
        /// The account, as `issuer:name`.
        account: String,
        /// What is missing.
        what: Absent,
    },
    /// Recovery codes were saved for an account that already has a set, and
    /// replacing was not asked for: the saved set is kept.
    CodesAlreadySaved {
        /// The account, as `issuer:name`.
        account: String,
        /// Codes in the saved set.
        saved: usize,
        /// How many of them are unused.
        unused: usize,
    },
    /// The passphrase given does not open an exported backup (it is the one
    /// chosen when the backup was exported, not necessarily the vault's).
    WrongBackupPassphrase {
        /// The backup file.
        file: PathBuf,
    },
    /// Writing secrets in plaintext needs the person's explicit yes.
    NeedsConfirmation {
        /// What would be written, e.g. "Aegis JSON (plaintext)".
        what: String,
    },
    /// A first emergency kit was asked for, but the vault has one.
    KitExists {
        /// When the current kit was made (Unix seconds).
        created_at: i64,
    },
    /// The vault has no emergency kit (to replace or verify).
    NoKit,
    /// A key change is in force, but some copy of the vault (a backup) could
    /// not be re-encrypted yet: it may still open with the replaced key until
    /// the next change finishes it.
    KeyChangeUnfinished {
        /// What is in force, e.g. "the new kit is in force".
        in_force: String,
        /// Why re-encrypting stopped.
        cause: String,
    },
    /// A file Sparekey was asked to create already exists; it was left as
    /// it is.
    FileExists {
        /// The file.
        path: PathBuf,
    },
}

/// What an account lacks, in [`Error::Missing`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absent {
    /// A 2FA (OTP) secret.
    OtpSecret,
    /// Saved recovery codes.
    RecoveryCodes,
}

impl fmt::Display for Absent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Absent::OtpSecret => "2FA secret",
            Absent::RecoveryCodes => "recovery codes",
        })
    }
}

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// A short, stable identifier for the kind of error, for front ends that
    /// branch on it (the desktop UI receives it as `kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::WrongPassphrase => "wrong_passphrase",
            Error::VaultNotFound { .. } => "vault_not_found",
            Error::VaultExists { .. } => "vault_exists",
            Error::Corrupt { .. } => "corrupt",
            Error::NewerVersion { .. } => "newer_version",
            Error::Io { .. } => "io",
            Error::LockTimeout { .. } => "lock_timeout",
            Error::InvalidInput { .. } => "invalid_input",
            Error::NoMatch { .. } => "no_match",
            Error::Ambiguous { .. } => "ambiguous",
            Error::Missing { .. } => "missing",
            Error::CodesAlreadySaved { .. } => "codes_already_saved",
            Error::WrongBackupPassphrase { .. } => "wrong_backup_passphrase",
            Error::NeedsConfirmation { .. } => "needs_confirmation",
            Error::KitExists { .. } => "kit_exists",
            Error::NoKit => "no_kit",
            Error::KeyChangeUnfinished { .. } => "key_change_unfinished",
            Error::FileExists { .. } => "file_exists",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WrongPassphrase => write!(
                f,
                "wrong passphrase: it does not open this vault (check Caps Lock and keyboard layout; \
                 an emergency kit also opens the vault)"
            ),
            Error::VaultNotFound { dir } => write!(
                f,
                "no vault in {} (a vault folder holds identity.age and vault.age)",
                dir.display()
            ),
            Error::VaultExists { dir } => write!(
                f,
                "a vault already exists in {}: nothing was changed",
                dir.display()
            ),
            Error::Corrupt { file, detail } => write!(
                f,
                "{} cannot be read: {detail}. The file was left as it is; restore the newest good copy \
                 from the backups/ folder beside it",
                file.display()
            ),
            Error::NewerVersion {
                file,
                found,
                supported,
            } => write!(
                f,
                "{} was written by a newer Sparekey (vault format version {found}; this build reads up \
                 to {supported}). It was not changed: update Sparekey to open it",
                file.display()
            ),
            Error::Io {
                action,
                path,
                source,
            } => write!(f, "could not {action} {}: {source}", path.display()),
            Error::LockTimeout { path } => write!(
                f,
                "the vault is busy: another Sparekey process has held {} for too long. Try again; if no \
                 other Sparekey is running, delete that file",
                path.display()
            ),
            Error::InvalidInput { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::NoMatch { query } => write!(f, "no account matches {query:?}"),
            Error::Ambiguous { query, matches } => write!(
                f,
                "{query:?} matches {} accounts: {}. Be more specific, e.g. \"issuer:name\"",
                matches.len(),
                matches.join(", ")
            ),
            Error::Missing { account, what } => write!(f, "{account} has no {what}"),
            Error::CodesAlreadySaved {
                account,
                saved,
                unused,
            } => write!(
                f,
                "{account} already has {saved} saved codes ({unused} unused); they were \
                 kept. Replace the whole set only if you regenerated the codes at the service (that \
                 makes the old ones stop working)"
            ),
            Error::WrongBackupPassphrase { file } => write!(
                f,
                "wrong passphrase: it does not open the backup {} (it is the passphrase chosen when \
                 the backup was exported, not necessarily the vault's)",
                file.display()
            ),
            Error::NeedsConfirmation { what } => write!(
                f,
                "{what} holds 2FA secrets or recovery codes in plaintext: anyone who reads the file \
                 can use them, so it is written only once confirmed"
            ),
            Error::KitExists { created_at } => write!(
                f,
                "this vault already has an emergency kit (made {})",
                crate::time::format_utc(*created_at)
            ),
            Error::NoKit => write!(f, "this vault has no emergency kit yet"),
            Error::KeyChangeUnfinished { in_force, cause } => write!(
                f,
                "{in_force}, but re-encrypting the backups stopped ({cause}); until it finishes, \
                 some backups may still open with the replaced key. The next change to the vault \
                 finishes it"
            ),
            Error::FileExists { path } => write!(
                f,
                "{} already exists: nothing was written (choose another file name; an existing \
                 file is never overwritten)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, with facts filled in.
    fn every_error() -> Vec<Error> {
        let path = PathBuf::from("/v/vault.age");
        vec![
            Error::WrongPassphrase,
            Error::VaultNotFound { dir: "/v".into() },
            Error::VaultExists { dir: "/v".into() },
            Error::Corrupt {
                file: path.clone(),
                detail: "truncated".into(),
            },
            Error::NewerVersion {
                file: path.clone(),
                found: 9,
                supported: 1,
            },
            Error::io("write", &path, io::Error::other("disk full")),
            Error::LockTimeout { path: path.clone() },
            Error::invalid("secret", "is empty"),
            Error::NoMatch {
                query: "pypi".into(),
            },
            Error::Ambiguous {
                query: "a".into(),
                matches: vec!["A:a".into(), "B:a".into()],
            },
            Error::Missing {
                account: "PyPI:alice".into(),
                what: Absent::OtpSecret,
            },
            Error::Missing {
                account: "PyPI:alice".into(),
                what: Absent::RecoveryCodes,
            },
            Error::CodesAlreadySaved {
                account: "PyPI:alice".into(),
                saved: 8,
                unused: 7,
            },
            Error::WrongBackupPassphrase { file: path.clone() },
            Error::NeedsConfirmation {
                what: "Aegis JSON".into(),
            },
            Error::KitExists { created_at: 0 },
            Error::NoKit,
            Error::KeyChangeUnfinished {
                in_force: "the new kit is in force".into(),
                cause: "the drive is not mounted".into(),
            },
            Error::FileExists { path },
        ]
    }

    /// Core states facts; each front end says what to do in its own terms
    /// (a command line, or a button), so no message here names one.
    #[test]
    fn no_message_names_a_front_end() {
        for error in every_error() {
            let text = error.to_string();
            for front_end in ["sparekey-cli", "--", "Settings", "button", "the app"] {
                assert!(
                    !text.contains(front_end),
                    "{} names {front_end:?}: {text}",
                    error.kind()
                );
            }
        }
    }

    #[test]
    fn every_kind_is_distinct_snake_case() {
        let mut kinds: Vec<&str> = every_error().iter().map(Error::kind).collect();
        assert!(kinds
            .iter()
            .all(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        kinds.dedup();
        // `missing` appears twice (two `Absent`s), so 18 distinct kinds.
        assert_eq!(kinds.len(), 18, "{kinds:?}");
    }
}
