//! The vault folder on disk: create, unlock, transactional updates with
//! atomic saves, a writers' lock, change detection and rotating backups.
//!
//! Rules this module keeps (ARCHITECTURE.md, "The vault on disk"):
//! - A save writes a temp file in the same folder, fsyncs it, links the
//!   previous `vault.age` into `backups/`, renames the temp file over
//!   `vault.age` and fsyncs the folder. A crash at any instant leaves the old
//!   or the new vault, never a broken one.
//! - Every mutation is lock → re-read if changed on disk → apply → save →
//!   unlock, so processes sharing a vault never lose each other's updates.
//! - A file that could not be read is never written over.

use std::{path::Path, time::Duration};

use age::x25519;

use super::{
    auto_backup::*, backups::*, crypto, document::Document, files::*, keys::*, lock::*, sync,
};
use crate::{secret::SecretString, time, Error, Result};

pub use super::{
    auto_backup::{check_backup_folder, BACKUP_CLAIM_FILE},
    backups::BackupInfo,
    keys::{parse_kit, KitKey, VaultKey, KIT_KEY_LEN, KIT_KEY_PREFIX},
    paths::VaultPaths,
};

/// How many earlier versions of `vault.age` are kept in `backups/`.
pub const BACKUPS_KEPT: usize = 20;
/// Largest `identity.age` Sparekey reads.
pub const MAX_IDENTITY_BYTES: u64 = 64 * 1024;
/// Largest `vault.age` Sparekey reads (10,000 accounts take about 4 MiB).
pub const MAX_VAULT_BYTES: u64 = 64 * 1024 * 1024;
/// Automatic backups are written after a change at most this often (a day).
pub const AUTO_BACKUP_INTERVAL_SECS: i64 = 86_400;
/// How long a writer waits for another process's lock before giving up.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(15);

pub(super) const TEMP_PREFIX: &str = ".tmp-";

/// An unlocked vault: the identity and the decrypted document in memory.
/// Dropping it (locking) drops both; the identity and document buffers are
/// wiped by their own types.
pub struct Vault {
    pub(super) paths: VaultPaths,
    /// The key that opened the vault: its own (from `identity.age`) or the
    /// emergency kit's.
    pub(super) identity: x25519::Identity,
    pub(super) opened_with_kit: bool,
    pub(super) doc: Document,
    pub(super) stamp: Option<Stamp>,
    /// What the last change merged from conflict copies, until taken.
    pub(super) merge_report: Option<sync::MergeReport>,
    /// Why the last attempt to finish a key change stopped, if it did.
    pub(super) rekey_error: Option<String>,
    /// Every copy is re-encrypted after a key change; what remains is the
    /// automatic-backup folder's new `identity.age` and `vault.age`, which
    /// the save in progress writes.
    pub(super) awaiting_folder: bool,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.paths.dir())
            .field("accounts", &self.doc.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// A vault in memory opened by `identity`, nothing read or merged yet.
    pub(super) fn with(paths: VaultPaths, identity: x25519::Identity, doc: Document) -> Vault {
        Vault {
            paths,
            identity,
            opened_with_kit: false,
            doc,
            stamp: None,
            merge_report: None,
            rekey_error: None,
            awaiting_folder: false,
        }
    }

    /// Creates a new, empty vault in `dir` (created if missing). Refuses a
    /// folder that already holds a vault. `work_factor` overrides age's
    /// machine-tuned scrypt cost (about one second) for the passphrase.
    pub fn create(dir: &Path, passphrase: &SecretString, work_factor: Option<u8>) -> Result<Vault> {
        let paths = VaultPaths::new(dir);
        crate::fs::create_dir_private(dir)?;
        let _lock = WriteLock::acquire(&paths)?;
        if paths.exists() {
            return Err(Error::VaultExists {
                dir: dir.to_owned(),
            });
        }
        let identity = crypto::generate_identity();
        let doc = Document {
            own_recipient: identity.to_public().to_string(),
            vault_id: crate::account::new_id(),
            ..Document::default()
        };
        let mut vault = Vault::with(paths, identity, doc);
        // The document first: a crash between the two writes leaves a
        // vault.age without identity.age, which `unlock` reports as such.
        vault.write_document(&vault.doc.clone())?;
        vault.write_identity(passphrase, work_factor)?;
        Ok(vault)
    }

    /// Opens the vault in `dir` with its passphrase.
    pub fn unlock(dir: &Path, passphrase: &SecretString) -> Result<Vault> {
        Self::open(dir, VaultKey::from_passphrase(dir, passphrase)?)
    }

    /// Opens the vault in `dir` with `key`: its own key, or its emergency
    /// kit (refused unless it is the vault's current kit).
    pub fn open(dir: &Path, key: VaultKey) -> Result<Vault> {
        if !key.kit {
            return Self::unlock_with_identity(dir, key.identity);
        }
        let vault = Self::unlock_with_identity(dir, key.identity).map_err(|e| match e {
            Error::Corrupt { ref detail, .. } if detail == crypto::NOT_FOR_THIS_KEY => {
                Error::invalid(
                    "emergency kit",
                    "this kit does not open the vault: it belongs to another vault, or it was \
                     replaced by a newer kit",
                )
            }
            other => other,
        })?;
        if !vault.opened_with_kit {
            return Err(Error::invalid(
                "emergency kit",
                "this key opens the vault but is not its emergency kit",
            ));
        }
        Ok(vault)
    }

    /// Opens the vault in `dir` with an X25519 identity (the vault's own, or
    /// an emergency kit's key).
    pub fn unlock_with_identity(dir: &Path, identity: x25519::Identity) -> Result<Vault> {
        let paths = VaultPaths::new(dir);
        if !paths.vault().exists() {
            return check_present(&paths).and(Err(Error::VaultNotFound {
                dir: dir.to_owned(),
            }));
        }
        let mut vault = Vault::with(paths, identity, Document::default());
        vault.refresh()?;
        let key = vault.identity.to_public().to_string();
        vault.opened_with_kit = opened_with_kit(
            &vault.doc.own_recipient,
            vault
                .doc
                .emergency_kit
                .as_ref()
                .map(|kit| kit.recipient.as_str()),
            &key,
        );
        Ok(vault)
    }

    /// Opens the vault with its emergency kit: the kit file's text (or just
    /// its `AGE-SECRET-KEY-1...` line). Refuses a key that opens the vault
    /// but is not its current kit.
    pub fn unlock_with_kit(dir: &Path, kit_text: &SecretString) -> Result<Vault> {
        Self::open(dir, VaultKey::from_kit(kit_text)?)
    }

    /// True when the vault was opened with its emergency kit rather than the
    /// passphrase: the user should set a new passphrase ([`Vault::reset_passphrase`]).
    pub fn opened_with_kit(&self) -> bool {
        self.opened_with_kit
    }

    /// The decrypted document as last read or saved.
    pub fn doc(&self) -> &Document {
        &self.doc
    }

    /// The vault's files.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// The vault's own recipient (`age1...`).
    pub fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }

    /// Re-reads `vault.age` if it changed on disk since it was last read or
    /// saved (another process, a sync tool). Returns whether it did.
    ///
    /// A read never writes: conflict copies a sync tool left beside
    /// `vault.age` are merged by the next change ([`Vault::update`]), so
    /// opening, listing and showing codes work on a read-only folder, a full
    /// disk or while another process holds the lock.
    pub fn refresh(&mut self) -> Result<bool> {
        self.reload_if_changed()
    }

    /// Conflict copies waiting beside `vault.age` for the next change to
    /// merge them (file names).
    pub fn pending_conflict_copies(&self) -> Vec<String> {
        sync::conflict_copies(self.paths.dir())
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect()
    }

    /// Conflict copies beside `vault.age` that do not open with this
    /// vault's key (file names): the next change cannot merge them.
    pub fn unreadable_conflict_copies(&self) -> Vec<String> {
        sync::conflict_copies(self.paths.dir())
            .iter()
            .filter(|p| read_document(p, &self.identity).is_err())
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect()
    }

    /// What the last change merged from conflict copies, if it merged any
    /// or found one it could not read; taken once, to show the person.
    pub fn take_merge_report(&mut self) -> Option<sync::MergeReport> {
        self.merge_report.take()
    }

    /// Before a change, under the lock: re-read if needed, then merge any
    /// conflict copies.
    pub(super) fn refresh_locked(&mut self) -> Result<bool> {
        let mut changed = self.reload_if_changed()?;
        if !sync::conflict_copies(self.paths.dir()).is_empty() {
            let report = self.merge_locked()?;
            changed |= !report.merged_files.is_empty();
            if !report.is_empty() {
                self.merge_report = Some(report);
            }
        }
        Ok(changed)
    }

    pub(super) fn reload_if_changed(&mut self) -> Result<bool> {
        if Stamp::of(&self.paths.vault()) == self.stamp {
            return Ok(false);
        }
        self.reload()?;
        Ok(true)
    }

    /// Merges every conflict copy of `vault.age` into the vault, saves, and
    /// moves each merged copy into `backups/` (as `merged-<name>`): nothing
    /// is deleted. A copy that does not open is left where it is and named
    /// in the report.
    pub fn merge_conflict_copies(&mut self) -> Result<sync::MergeReport> {
        let _lock = WriteLock::acquire(&self.paths)?;
        self.merge_locked()
    }

    pub(super) fn merge_locked(&mut self) -> Result<sync::MergeReport> {
        self.reload_if_changed()?;
        let mut report = sync::MergeReport::default();
        let mut merged = Vec::new();
        for copy in sync::conflict_copies(self.paths.dir()) {
            let name = copy
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match read_document(&copy, &self.identity) {
                Ok(theirs) => {
                    if sync::keys_differ(&self.doc, &theirs) {
                        report.keys_ignored.push(name.clone());
                    }
                    sync::merge(&mut self.doc, &theirs, &mut report);
                    report.merged_files.push(name);
                    merged.push((copy, theirs.to_json()));
                }
                Err(e) => report.unreadable.push(format!("{name}: {e}")),
            }
        }
        if merged.is_empty() {
            return Ok(report);
        }
        let doc = std::mem::take(&mut self.doc);
        let saved = self.write_document(&doc);
        self.doc = doc;
        if let Err(e) = saved {
            self.rollback();
            return Err(e);
        }
        // Each copy is kept in `backups/`, encrypted to this vault's keys
        // alone (whoever else it was encrypted to, a planted recipient or a
        // replaced kit, opens nothing the vault keeps), then removed. A crash
        // in between leaves it beside the vault, to be merged again.
        let backups = self.paths.backups();
        crate::fs::create_dir_private(&backups)?;
        let recipients = self.recipients(&self.doc)?;
        for (copy, json) in merged {
            if let Some(name) = copy.file_name() {
                let dest = backups.join(format!("merged-{}", name.to_string_lossy()));
                let temp = write_temp(
                    &backups,
                    "merged.age",
                    &crypto::encrypt_to(&json, &recipients)?,
                )?;
                commit_temp(&temp, &dest, &backups)?;
                crate::fs::remove_file(&copy)
                    .map_err(|e| Error::io("remove the merged conflict copy", &copy, e))?;
            }
        }
        Ok(report)
    }

    /// A code of the account `id` to use now, at `unix_time`: a TOTP or
    /// Steam code is only read (nothing is written); an HOTP code is taken,
    /// so its counter advances and is saved in one transaction ([`update`]).
    /// The view's `counter` is set for HOTP only.
    ///
    /// [`update`]: Vault::update
    pub fn take_code(&mut self, id: &str, unix_time: u64) -> Result<crate::account::CodeView> {
        let account = self.doc.account(id)?;
        if !matches!(account.otp()?.kind(), crate::otp::OtpKind::Hotp { .. }) {
            return account.code_at(unix_time);
        }
        self.update(|doc| doc.account_mut(id)?.take_code(unix_time, time::now()))
    }

    /// Applies one change as a transaction: take the lock, re-read the vault
    /// if it changed on disk, run `change`, save, release. If `change` or the
    /// save fails, nothing is written and the vault in memory is re-read from
    /// disk, so it is as it was before.
    pub fn update<T>(&mut self, change: impl FnOnce(&mut Document) -> Result<T>) -> Result<T> {
        let _lock = WriteLock::acquire(&self.paths)?;
        self.update_locked(change)
    }

    pub(super) fn update_locked<T>(
        &mut self,
        change: impl FnOnce(&mut Document) -> Result<T>,
    ) -> Result<T> {
        self.transaction(change, true)
    }

    /// [`Vault::update`] with the lock held. With `finish`, a key change
    /// left unfinished is finished first (see `Vault::finish_key_change`);
    /// a key operation's own intermediate steps pass `false`.
    pub(super) fn transaction<T>(
        &mut self,
        change: impl FnOnce(&mut Document) -> Result<T>,
        finish: bool,
    ) -> Result<T> {
        remove_stale_temp_files(&self.paths);
        self.refresh_locked()?;
        let finishing = finish && self.doc.rekey_pending;
        if finishing {
            self.settle_keys();
        }
        // In place, not on a copy: at 10,000 accounts cloning and dropping a
        // draft costs more than the rest of the save's CPU work together.
        let result = change(&mut self.doc).and_then(|out| {
            let mut doc = std::mem::take(&mut self.doc);
            let saved = self.save(&mut doc);
            self.doc = doc;
            saved.map(|()| out)
        });
        if result.is_err() {
            self.rollback();
        } else if finishing {
            // After the save, so the version it just set aside in
            // `backups/` is re-encrypted too.
            self.finish_key_change();
        }
        result
    }

    /// After a failed change: back to what is on disk. If even that cannot
    /// be read, forget the stamp so the next refresh or update reads again.
    pub(super) fn rollback(&mut self) {
        if self.reload().is_err() {
            self.stamp = None;
        }
    }

    pub(super) fn reload(&mut self) -> Result<()> {
        let path = self.paths.vault();
        // Stamp first: if the file changes while we read, the next refresh
        // sees a different stamp and reads again.
        let stamp = Stamp::of(&path);
        self.doc = read_document(&path, &self.identity)?;
        self.stamp = stamp;
        Ok(())
    }

    /// Who the vault is encrypted to: its own key, the emergency kit, and
    /// any further recipients, each once.
    pub(super) fn recipients(&self, doc: &Document) -> Result<Vec<x25519::Recipient>> {
        let mut names: Vec<&str> = Vec::new();
        let opener = self.identity.to_public().to_string();
        if !self.opened_with_kit {
            names.push(&opener);
        }
        if !doc.own_recipient.is_empty() {
            names.push(&doc.own_recipient);
        } else if self.opened_with_kit {
            return Err(Error::invalid(
                "vault",
                "it does not record its own key, so a save with the emergency kit would lock \
                 the passphrase out; open it with the passphrase once",
            ));
        }
        if let Some(kit) = &doc.emergency_kit {
            names.push(&kit.recipient);
        }
        names.extend(doc.extra_recipients.iter().map(String::as_str));
        let mut out: Vec<x25519::Recipient> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for name in names {
            if seen.insert(name) {
                out.push(name.parse().map_err(|_| {
                    Error::invalid(
                        "recipient",
                        "the vault lists a recipient that is not a valid age1... key",
                    )
                })?);
            }
        }
        Ok(out)
    }

    pub(super) fn write_document(&mut self, doc: &Document) -> Result<()> {
        let ciphertext = crypto::encrypt_to(&doc.to_json(), &self.recipients(doc)?)?;
        self.commit_ciphertext(&ciphertext)
    }

    /// Saves `doc`, and first writes the automatic backup when one is due
    /// (the same bytes, so the backup is exactly the saved vault). A backup
    /// that fails never fails the save: its reason is kept in the document
    /// for the health view.
    pub(super) fn save(&mut self, doc: &mut Document) -> Result<()> {
        if doc.vault_id.is_empty() {
            doc.vault_id = crate::account::new_id();
        }
        let now = time::now();
        let folder = doc.settings.backup_folder.clone();
        let due = !folder.is_empty()
            && doc
                .last_auto_backup_at
                .is_none_or(|t| now - t >= AUTO_BACKUP_INTERVAL_SECS);
        let awaiting_folder = std::mem::take(&mut self.awaiting_folder);
        if due {
            // What to put back if the backup fails (its error replaces the old one).
            let before = (doc.last_auto_backup_at, doc.rekey_pending);
            doc.auto_backup_error = None;
            doc.last_auto_backup_at = Some(now);
            if awaiting_folder {
                // The key change is done once the folder holds this save.
                doc.rekey_pending = !doc.extra_recipients.is_empty();
            }
            let ciphertext = crypto::encrypt_to(&doc.to_json(), &self.recipients(doc)?)?;
            let keep = usize::try_from(doc.settings.backup_keep).unwrap_or(usize::MAX);
            let claim = Claim {
                vault_id: &doc.vault_id,
                identity: &self.identity,
            };
            match write_auto_backup(Path::new(&folder), &ciphertext, &self.paths, keep, &claim) {
                Ok(()) => return self.commit_ciphertext(&ciphertext),
                Err(e) => {
                    doc.last_auto_backup_at = before.0;
                    doc.rekey_pending = before.1;
                    doc.auto_backup_error = Some(format!("{} ({})", e, time::format_utc(now)));
                }
            }
        }
        self.write_document(doc)
    }

    pub(super) fn commit_ciphertext(&mut self, ciphertext: &[u8]) -> Result<()> {
        let target = self.paths.vault();
        let temp = write_temp(self.paths.dir(), "vault.age", ciphertext)?;
        if target.exists() {
            if let Err(e) = backup_current(&self.paths) {
                let _ = crate::fs::remove_file(&temp);
                return Err(e);
            }
        }
        commit_temp(&temp, &target, self.paths.dir())?;
        self.stamp = Stamp::of(&target);
        prune_backups(&self.paths, BACKUPS_KEPT);
        Ok(())
    }
}
