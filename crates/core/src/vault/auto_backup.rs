//! Automatic backups to a folder of the person's choosing (another drive,
//! a synced folder): written after changes and key changes, into a folder
//! the vault has claimed.

use std::{
    fs,
    path::{Path, PathBuf},
};

use age::x25519;

use super::{backups::*, files::*, lock::*, paths::*, store::*};
use crate::{Error, Result};

/// Checks a folder chosen for automatic backups: it must exist (a plugged-in
/// drive, a synced folder) and must not be the vault's own folder. Returns
/// its absolute path, as the settings store it.
pub fn check_backup_folder(folder: &Path, vault: &VaultPaths) -> Result<PathBuf> {
    let absolute = std::path::absolute(folder).map_err(|e| Error::io("find", folder, e))?;
    if !absolute.is_dir() {
        return Err(Error::invalid(
            "backup_folder",
            format!(
                "{} is not an existing folder: create it (or plug in the drive) first",
                absolute.display()
            ),
        ));
    }
    let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same(&absolute, vault.dir()) || same(&absolute, &vault.backups()) {
        return Err(Error::invalid(
            "backup_folder",
            "is the vault's own folder: choose another drive or folder, so a lost disk does not \
             take the backups with it",
        ));
    }
    Ok(absolute)
}

/// Writes an automatic backup: the backup folder is kept as a vault folder
/// of its own (`identity.age`, `vault.age`, and earlier versions in
/// `backups/`), so it opens with `--vault` or the age tool as it is. The
/// folder must exist (an unplugged USB stick is an error, not a new folder).
pub(super) fn write_auto_backup(
    folder: &Path,
    ciphertext: &[u8],
    vault: &VaultPaths,
    keep: usize,
    claim: &Claim<'_>,
) -> Result<()> {
    if !folder.is_dir() {
        return Err(Error::io(
            "reach the backup folder",
            folder,
            std::io::Error::new(std::io::ErrorKind::NotFound, "it is missing or not mounted"),
        ));
    }
    claim.check(folder)?;
    claim.mark(folder)?;
    let target = VaultPaths::new(folder);
    let identity =
        fs::read(vault.identity()).map_err(|e| Error::io("read", vault.identity(), e))?;
    if fs::read(target.identity()).ok().as_deref() != Some(identity.as_slice()) {
        let temp = write_temp(folder, "identity.age", &identity)?;
        commit_temp(&temp, &target.identity(), folder)?;
    }
    let temp = write_temp(folder, "vault.age", ciphertext)?;
    if target.vault().exists() {
        if let Err(e) = backup_current(&target) {
            let _ = crate::fs::remove_file(&temp);
            return Err(e);
        }
    }
    commit_temp(&temp, &target.vault(), folder)?;
    prune_backups(&target, keep);
    Ok(())
}

/// The file in an automatic-backup folder that names the vault whose
/// backups it holds.
pub const BACKUP_CLAIM_FILE: &str = "sparekey-backup-of";

/// The id of the vault that claimed `folder` (its `sparekey-backup-of`),
/// `None` for a folder no vault claimed. A marker that cannot be read is an
/// error, never taken for "unclaimed".
pub(super) fn claimed_by(folder: &Path) -> Result<Option<String>> {
    let marker = folder.join(BACKUP_CLAIM_FILE);
    match fs::read_to_string(&marker) {
        Ok(owner) => Ok(Some(owner.trim().to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", &marker, e)),
    }
}

/// A vault's claim on an automatic-backup folder: its id, and its key (to
/// recognize its own backups written before folders were claimed).
pub(super) struct Claim<'a> {
    pub(super) vault_id: &'a str,
    pub(super) identity: &'a x25519::Identity,
}

impl Claim<'_> {
    /// Refuses a folder that holds another vault: claimed by another id, or
    /// unclaimed with a `vault.age` this vault's key does not open. Nothing
    /// in such a folder is ever written over.
    pub(super) fn check(&self, folder: &Path) -> Result<()> {
        let other = || {
            Error::invalid(
                "backup_folder",
                format!(
                    "{} already holds another vault's backups; nothing was written there. Choose \
                     an empty folder, or a folder of its own for this vault",
                    folder.display()
                ),
            )
        };
        if let Some(owner) = claimed_by(folder)? {
            return if owner == self.vault_id {
                Ok(())
            } else {
                Err(other())
            };
        }
        let target = VaultPaths::new(folder);
        if target.vault().exists() {
            read_document(&target.vault(), self.identity).map_err(|_| other())?;
        } else if target.identity().exists() {
            return Err(other());
        }
        Ok(())
    }

    /// Writes the claim (once) after [`Claim::check`] passed.
    pub(super) fn mark(&self, folder: &Path) -> Result<()> {
        let marker = folder.join(BACKUP_CLAIM_FILE);
        if marker.exists() {
            return Ok(());
        }
        let temp = write_temp(
            folder,
            BACKUP_CLAIM_FILE,
            format!("{}\n", self.vault_id).as_bytes(),
        )?;
        commit_temp(&temp, &marker, folder)
    }
}

impl Vault {
    /// Writes the automatic backup now, whatever its schedule says: after a
    /// key change (so the backup folder never keeps a key the owner just
    /// replaced) and after choosing another folder (so it holds a backup at
    /// once). Does nothing when automatic backups are off; a failure is
    /// kept in the document for the health view, as for any backup.
    pub fn backup_now(&mut self) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        self.backup_now_locked()
    }

    pub(super) fn backup_now_locked(&mut self) -> Result<()> {
        if self.doc.settings.backup_folder.is_empty() {
            return Ok(());
        }
        self.update_locked(|doc| {
            doc.last_auto_backup_at = None;
            Ok(())
        })
    }

    /// Readies `folder` to hold this vault's automatic backups again: where
    /// it holds copies from an earlier stay (the folder was chosen, left and
    /// chosen again), they are re-encrypted for the keys in force, and a
    /// copy only a replaced key opens is removed, before the vault depends
    /// on the folder. A folder new to this vault is left as it is.
    pub fn prepare_backup_folder(&mut self, folder: &Path) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        let copies = self.folder_copies(folder)?;
        if copies.is_empty() {
            return Ok(());
        }
        let recipients = self.recipients(&self.doc)?;
        self.rekey_files(copies, true, &recipients)
    }

    /// Checks that `folder` may hold this vault's automatic backups (see
    /// [`check_backup_folder`]) and is not claimed by another vault.
    pub fn check_backup_folder(&self, folder: &Path) -> Result<PathBuf> {
        let absolute = check_backup_folder(folder, &self.paths)?;
        let claim = Claim {
            vault_id: &self.doc.vault_id,
            identity: &self.identity,
        };
        claim.check(&absolute)?;
        Ok(absolute)
    }
}
