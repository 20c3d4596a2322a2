//! What to do about an error, in the terms of this command line. Core's
//! errors state the facts; this file adds the next step a person at a
//! terminal can take (the desktop says it in buttons: `src-tauri/src/error.rs`).

use sparekey_core::{error::Absent, Error};

/// The error's message with its advice, as one line.
pub fn explain(error: &anyhow::Error) -> String {
    // Each cause once: core's I/O errors already say their OS error.
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
    }
    match error.chain().find_map(|e| e.downcast_ref::<Error>()) {
        Some(core) => match advice(core) {
            Some(advice) => format!("{message}; {advice}"),
            None => message,
        },
        None => message,
    }
}

/// The next step for a core error, when there is one to give.
pub fn advice(error: &Error) -> Option<String> {
    Some(match error {
        Error::VaultNotFound { .. } => {
            "create one with `sparekey-cli init`, or point --vault at the folder that holds \
             identity.age and vault.age"
                .to_owned()
        }
        Error::VaultExists { .. } => "choose another folder with --vault".to_owned(),
        Error::Corrupt { file, .. } if file.file_name().is_some_and(|name| name == "vault.age") => {
            "`sparekey-cli backups list` shows the backups, `sparekey-cli backups restore` puts \
             the newest good one back"
                .to_owned()
        }
        Error::NoMatch { .. } => "list the accounts with `sparekey-cli list`".to_owned(),
        Error::Missing {
            what: Absent::OtpSecret,
            ..
        } => "add one with `sparekey-cli add`".to_owned(),
        Error::Missing {
            what: Absent::RecoveryCodes,
            ..
        } => "add them with `sparekey-cli recovery add ACCOUNT FILE`".to_owned(),
        Error::CodesAlreadySaved { .. } => {
            "to replace them, run `sparekey-cli recovery add ACCOUNT FILE --replace`".to_owned()
        }
        Error::KitExists { .. } => {
            "to make a new one (the old one then stops working), run `sparekey-cli kit replace \
             --out FILE`"
                .to_owned()
        }
        Error::NoKit => "make one with `sparekey-cli kit create --out FILE`".to_owned(),
        Error::InvalidInput { reason, .. }
            if reason.contains(sparekey_core::otp::GOOGLE_EXPORT) =>
        {
            "run `sparekey-cli import --format google-migration` with the link or a screenshot \
             of its QR code"
                .to_owned()
        }
        Error::NeedsConfirmation { .. } => {
            "nothing was written; confirm on a terminal, or pass --yes".to_owned()
        }
        Error::WrongPassphrase => {
            "with the emergency kit instead, pass --kit-file KIT-FILE".to_owned()
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_missing_vault_points_at_init() {
        let error = anyhow::Error::from(Error::VaultNotFound {
            dir: PathBuf::from("/nowhere"),
        });
        let line = explain(&error);
        assert!(line.starts_with("no vault in /nowhere"), "{line}");
        assert!(line.contains("sparekey-cli init"), "{line}");
        assert!(!line.contains('\n'), "one line: {line}");
    }

    #[test]
    fn an_os_error_is_said_once() {
        let error = anyhow::Error::from(Error::io(
            "create",
            "/k/kit.txt",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
        let line = explain(&error);
        assert_eq!(line.matches("not found").count(), 1, "{line}");
    }

    #[test]
    fn a_damaged_backup_is_not_sent_to_the_backups() {
        let backup = Error::Corrupt {
            file: PathBuf::from("/v/backups/vault-1.age"),
            detail: "truncated".into(),
        };
        assert_eq!(advice(&backup), None);
        let vault = Error::Corrupt {
            file: PathBuf::from("/v/vault.age"),
            detail: "truncated".into(),
        };
        assert!(advice(&vault).unwrap().contains("backups restore"));
    }
}
