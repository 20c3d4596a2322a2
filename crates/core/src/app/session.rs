//! Opening, creating and re-keying a vault: the passphrase rule and the
//! ways a person proves the vault is theirs (passphrase or emergency kit).

use serde::Serialize;

use crate::{
    secret::{check_new_passphrase, SecretString},
    vault::{Vault, VaultKey, VaultPaths},
    Error, Result,
};

/// What opens the vault.
pub enum Opener {
    /// The vault's passphrase.
    Passphrase(SecretString),
    /// The emergency kit's text (the kit file, or just its key line).
    Kit(SecretString),
}

impl std::fmt::Debug for Opener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Opener::Passphrase(_) => "Opener::Passphrase([REDACTED])",
            Opener::Kit(_) => "Opener::Kit([REDACTED])",
        })
    }
}

/// The key `opener` gives: for a passphrase the KDF runs here (about a
/// second). A missing vault is [`Error::VaultNotFound`] before any work.
pub fn key(paths: &VaultPaths, opener: &Opener) -> Result<VaultKey> {
    require_vault(paths)?;
    match opener {
        Opener::Passphrase(pass) => VaultKey::from_passphrase(paths.dir(), pass),
        Opener::Kit(text) => VaultKey::from_kit(text),
    }
}

/// [`Error::VaultNotFound`] unless `paths` holds a vault.
pub fn require_vault(paths: &VaultPaths) -> Result<()> {
    if paths.exists() {
        Ok(())
    } else {
        Err(Error::VaultNotFound {
            dir: paths.dir().to_owned(),
        })
    }
}

/// [`Error::VaultExists`] when `paths` holds a vault: nothing is ever
/// created over one.
pub fn require_no_vault(paths: &VaultPaths) -> Result<()> {
    if paths.exists() {
        Err(Error::VaultExists {
            dir: paths.dir().to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Opens the vault with `opener`.
pub fn open(paths: &VaultPaths, opener: &Opener) -> Result<Vault> {
    Vault::open(paths.dir(), key(paths, opener)?)
}

/// age picks a work factor of about one second of scrypt; 18 is where it
/// lands on typical machines, so anything lower is weaker than its default.
pub const TYPICAL_WORK_FACTOR: u8 = 18;

/// A work factor below [`TYPICAL_WORK_FACTOR`], to warn about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WeakWorkFactor {
    /// The work factor asked for (log2 of scrypt's N).
    pub work_factor: u8,
    /// How many times cheaper a guess at the passphrase becomes.
    pub times_cheaper: u32,
}

/// The warning for `work_factor`, if it is weaker than age's default.
pub fn weak_work_factor(work_factor: Option<u8>) -> Option<WeakWorkFactor> {
    let wf = work_factor.filter(|&wf| wf < TYPICAL_WORK_FACTOR)?;
    Some(WeakWorkFactor {
        work_factor: wf,
        times_cheaper: 1u32 << (TYPICAL_WORK_FACTOR - wf),
    })
}

/// Creates a new vault protected by `passphrase` and returns it unlocked.
/// Refuses a folder that holds a vault, and a passphrase that breaks the
/// rule ([`check_new_passphrase`]), before any file is written.
pub fn create(
    paths: &VaultPaths,
    passphrase: &SecretString,
    work_factor: Option<u8>,
) -> Result<Vault> {
    require_no_vault(paths)?;
    check_new_passphrase(passphrase)?;
    Vault::create(paths.dir(), passphrase, work_factor)
}

/// Sets a new passphrase on an open vault: a rewrap of its key, or, when it
/// was opened with the kit (the passphrase is lost), a fresh key. The old
/// passphrase stops opening the vault.
pub fn change_passphrase(
    vault: &mut Vault,
    new: &SecretString,
    work_factor: Option<u8>,
) -> Result<()> {
    check_new_passphrase(new)?;
    vault.change_passphrase(new, work_factor)
}

/// Changes the passphrase after checking the current one (the desktop asks
/// for it again even while unlocked). The new one is checked first, so a
/// refused passphrase costs no KDF run.
pub fn change_passphrase_checked(
    paths: &VaultPaths,
    current: &SecretString,
    new: &SecretString,
    work_factor: Option<u8>,
) -> Result<()> {
    check_new_passphrase(new)?;
    require_vault(paths)?;
    Vault::unlock(paths.dir(), current)?.change_passphrase(new, work_factor)
}

/// One thing a change merged from a sync tool's conflict copies, in a
/// sentence for the person (the CLI prints it, the app shows it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeNote {
    /// Worth a warning rather than a note: keys left out, a copy unread.
    pub warning: bool,
    /// What happened.
    pub text: String,
}

/// What `report` says, as notes: what was merged, whose keys were left
/// out, which copies could not be read.
pub fn merge_notes(report: &crate::vault::sync::MergeReport) -> Vec<MergeNote> {
    let mut notes = Vec::new();
    if !report.merged_files.is_empty() {
        notes.push(MergeNote {
            warning: false,
            text: format!(
                "Merged {} from a sync tool: {} added, {} removed, {} combined (the copies are \
                 kept in backups/).",
                report.merged_files.join(", "),
                report.added.len(),
                report.removed.len(),
                report.combined.len()
            ),
        });
    }
    for file in &report.keys_ignored {
        notes.push(MergeNote {
            warning: true,
            text: format!(
                "{file} names other keys (recipients or emergency kit) than this vault; its keys \
                 were left out. If you did not change a key on another machine, someone may have \
                 planted it."
            ),
        });
    }
    for unreadable in &report.unreadable {
        notes.push(MergeNote {
            warning: true,
            text: format!("A conflict copy could not be read and was left as it is: {unreadable}."),
        });
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_passphrase_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path().join("vault"));
        let error = create(&paths, &SecretString::from("abc".to_owned()), Some(10))
            .err()
            .unwrap();
        assert!(matches!(&error, Error::InvalidInput { field, .. } if field == "passphrase"));
        assert!(!paths.exists());
        assert!(!paths.dir().exists(), "no folder was made");
    }

    #[test]
    fn eight_spaces_are_not_a_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path());
        let error = create(&paths, &SecretString::from(" ".repeat(8)), Some(10))
            .err()
            .unwrap();
        assert_eq!(error.kind(), "invalid_input");
    }

    #[test]
    fn opening_a_missing_vault_says_so_before_any_work() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path());
        let error = open(
            &paths,
            &Opener::Passphrase(SecretString::from("x".to_owned())),
        )
        .err()
        .unwrap();
        assert_eq!(error.kind(), "vault_not_found");
    }

    #[test]
    fn weak_work_factors_are_named_with_their_cost() {
        assert_eq!(weak_work_factor(None), None);
        assert_eq!(weak_work_factor(Some(18)), None);
        assert_eq!(
            weak_work_factor(Some(10)),
            Some(WeakWorkFactor {
                work_factor: 10,
                times_cheaper: 256
            })
        );
    }
}
