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

use std::{
    cell::RefCell,
    fs::{self, File, OpenOptions},
    io::{BufReader, Read, Write},
    path::{Path, PathBuf},
    rc::Rc,
    thread,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use age::x25519;
use zeroize::Zeroizing;

use super::{
    crypto,
    document::{Document, EmergencyKit},
    sync,
};
use crate::{secret::SecretString, time, Error, Result};

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

const TEMP_PREFIX: &str = ".tmp-";

/// Where a vault's files live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultPaths {
    dir: PathBuf,
}

impl VaultPaths {
    /// The vault in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        VaultPaths { dir: dir.into() }
    }

    /// The vault folder given on the command line, else `SPAREKEY_VAULT_DIR`,
    /// else the platform data folder from `directories`:
    /// `$XDG_DATA_HOME/sparekey` (`~/.local/share/sparekey`) on Linux,
    /// `~/Library/Application Support/dev.sparekey.sparekey` on macOS,
    /// `%APPDATA%\sparekey\sparekey\data` on Windows.
    pub fn resolve(explicit: Option<&Path>) -> Result<Self> {
        if let Some(dir) = explicit {
            return Ok(Self::new(dir));
        }
        if let Some(dir) = std::env::var_os("SPAREKEY_VAULT_DIR").filter(|d| !d.is_empty()) {
            return Ok(Self::new(PathBuf::from(dir)));
        }
        directories::ProjectDirs::from("dev", "sparekey", "sparekey")
            .map(|p| Self::new(p.data_dir()))
            .ok_or_else(|| {
                Error::invalid(
                    "vault folder",
                    "no home folder found: pass --vault DIR or set SPAREKEY_VAULT_DIR",
                )
            })
    }

    /// The vault folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// `identity.age`: the X25519 identity wrapped by the passphrase.
    pub fn identity(&self) -> PathBuf {
        self.dir.join("identity.age")
    }
    /// `vault.age`: the encrypted document.
    pub fn vault(&self) -> PathBuf {
        self.dir.join("vault.age")
    }
    /// `backups/`: earlier versions of `vault.age`.
    pub fn backups(&self) -> PathBuf {
        self.dir.join("backups")
    }
    /// `vault.lock`: held by whoever is writing.
    pub fn lock(&self) -> PathBuf {
        self.dir.join("vault.lock")
    }
    /// True when either vault file is present.
    pub fn exists(&self) -> bool {
        self.identity().exists() || self.vault().exists()
    }

    /// Backups of `vault.age`, newest first.
    pub fn list_backups(&self) -> Result<Vec<PathBuf>> {
        let dir = self.backups();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("list the backups in", dir, e)),
        };
        let mut out: Vec<(u64, String, PathBuf)> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter_map(|p| {
                let name = p.file_name()?.to_str()?.to_owned();
                let seq = backup_sequence(&name)?;
                Some((seq, name, p))
            })
            .collect();
        // Newest first: by sequence number, which only grows, so a clock
        // that goes back cannot make a new backup look old (and be pruned).
        out.sort();
        out.reverse();
        Ok(out.into_iter().map(|(_, _, p)| p).collect())
    }
}

/// The sequence number of a backup's file name: `vault-s<N>-….age`; names
/// from before sequence numbers (`vault-<time>….age`) count as 0 and sort
/// by name among themselves. `None` for any other file.
fn backup_sequence(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("vault-")?.strip_suffix(".age")?;
    match rest.strip_prefix('s') {
        Some(seq) => seq.split('-').next()?.parse().ok(),
        None => Some(0),
    }
}

/// What identifies one version of `vault.age` on disk without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// The inode where the system has one (see `crate::platform`).
    file_id: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            file_id: crate::platform::file_id(&meta),
        })
    }
}

/// An unlocked vault: the identity and the decrypted document in memory.
/// Dropping it (locking) drops both; the identity and document buffers are
/// wiped by their own types.
pub struct Vault {
    paths: VaultPaths,
    /// The key that opened the vault: its own (from `identity.age`) or the
    /// emergency kit's.
    identity: x25519::Identity,
    opened_with_kit: bool,
    doc: Document,
    stamp: Option<Stamp>,
    /// What the last change merged from conflict copies, until taken.
    merge_report: Option<sync::MergeReport>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.paths.dir)
            .field("accounts", &self.doc.accounts.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
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
        let mut vault = Vault {
            paths,
            identity,
            opened_with_kit: false,
            doc,
            stamp: None,
            merge_report: None,
        };
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

    /// Every backup in `backups/`, newest first, with what it holds: for a
    /// person choosing one after `vault.age` was damaged or a change regretted.
    pub fn inspect_backups(dir: &Path, passphrase: &SecretString) -> Result<Vec<BackupInfo>> {
        let paths = VaultPaths::new(dir);
        let identity = unwrap_identity(&paths, passphrase)?;
        Ok(paths
            .list_backups()?
            .into_iter()
            .map(|path| {
                let modified = fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .and_then(|d| i64::try_from(d.as_secs()).ok());
                let accounts = read_document(&path, &identity)
                    .map(|doc| doc.accounts.len())
                    .map_err(|e| e.to_string());
                BackupInfo {
                    path,
                    modified,
                    accounts,
                }
            })
            .collect())
    }

    /// Puts a backup back as `vault.age`: `backup`, or else the newest one
    /// that opens. The `vault.age` it replaces is never deleted: a readable
    /// one becomes a backup like any earlier version, a damaged one is moved
    /// to `backups/damaged-<time>.age`. Returns the vault and the backup used.
    pub fn restore_backup(
        dir: &Path,
        passphrase: &SecretString,
        backup: Option<&Path>,
    ) -> Result<(Vault, PathBuf)> {
        let paths = VaultPaths::new(dir);
        let identity = unwrap_identity(&paths, passphrase)?;
        let _lock = WriteLock::acquire(&paths)?;
        let (chosen, doc) = match backup {
            Some(path) => (path.to_owned(), read_document(path, &identity)?),
            None => paths
                .list_backups()?
                .into_iter()
                .find_map(|p| read_document(&p, &identity).ok().map(|d| (p, d)))
                .ok_or_else(|| Error::Corrupt {
                    file: paths.backups(),
                    detail: "no backup in it opens with this vault's key".into(),
                })?,
        };
        let current = paths.vault();
        // The keys stay the current ones: those of `vault.age`, or where it
        // is damaged, of the newest backup that opens (the last state saved
        // before the damage). The own recipient is the passphrase's key.
        let current_doc = read_document(&current, &identity).ok();
        let mut keys = match &current_doc {
            Some(doc) => doc.clone(),
            None => paths
                .list_backups()?
                .into_iter()
                .find_map(|p| read_document(&p, &identity).ok())
                .unwrap_or_else(|| doc.clone()),
        };
        keys.own_recipient = identity.to_public().to_string();
        let mut doc = doc;
        doc.keep_keys_of(&keys);
        drop(keys);
        if current.exists() {
            if current_doc.is_some() {
                backup_current(&paths)?;
            } else {
                let aside = paths
                    .backups()
                    .join(format!("damaged-{}.age", time::format_compact(time::now())));
                crate::fs::create_dir_private(&paths.backups())?;
                fs::rename(&current, &aside)
                    .map_err(|e| Error::io("move the damaged vault aside to", &aside, e))?;
            }
        }
        let mut vault = Vault {
            paths,
            identity,
            opened_with_kit: false,
            doc,
            stamp: None,
            merge_report: None,
        };
        let doc = std::mem::take(&mut vault.doc);
        let written = vault.write_document(&doc);
        vault.doc = doc;
        written?;
        Ok((vault, chosen))
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
        let mut vault = Vault {
            paths,
            identity,
            opened_with_kit: false,
            doc: Document::default(),
            stamp: None,
            merge_report: None,
        };
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

    /// What the last change merged from conflict copies, if it merged any
    /// or found one it could not read; taken once, to show the person.
    pub fn take_merge_report(&mut self) -> Option<sync::MergeReport> {
        self.merge_report.take()
    }

    /// Before a change, under the lock: re-read if needed, then merge any
    /// conflict copies.
    fn refresh_locked(&mut self) -> Result<bool> {
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

    fn reload_if_changed(&mut self) -> Result<bool> {
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

    fn merge_locked(&mut self) -> Result<sync::MergeReport> {
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
                    merged.push(copy);
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
        crate::fs::create_dir_private(&self.paths.backups())?;
        for copy in merged {
            if let Some(name) = copy.file_name() {
                let dest = self
                    .paths
                    .backups()
                    .join(format!("merged-{}", name.to_string_lossy()));
                fs::rename(&copy, &dest)
                    .map_err(|e| Error::io("move the merged conflict copy to", &dest, e))?;
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

    fn update_locked<T>(&mut self, change: impl FnOnce(&mut Document) -> Result<T>) -> Result<T> {
        remove_stale_temp_files(&self.paths);
        self.refresh_locked()?;
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
        }
        result
    }

    /// After a failed change: back to what is on disk. If even that cannot
    /// be read, forget the stamp so the next refresh or update reads again.
    fn rollback(&mut self) {
        if self.reload().is_err() {
            self.stamp = None;
        }
    }

    /// Rewraps the identity with a new passphrase. Only `identity.age`
    /// changes; the old passphrase stops working at once (no copy of the old
    /// `identity.age` is kept, since it would still open with the old one).
    pub fn change_passphrase(
        &mut self,
        new_passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<()> {
        if self.opened_with_kit {
            return self.reset_passphrase(new_passphrase, work_factor);
        }
        let _lock = WriteLock::acquire(&self.paths)?;
        self.write_identity(new_passphrase, work_factor)?;
        // The backup folder's copy of identity.age still opens with the old
        // passphrase until it is written again.
        self.backup_now_locked()
    }

    /// Sets a new passphrase with a fresh vault key: what to do after opening
    /// the vault with the emergency kit, when the old passphrase is lost. The
    /// old `identity.age` stops opening the vault; the kit keeps working.
    ///
    /// Crash-safe in three steps: the vault is first encrypted to the old
    /// key, the new key and the kit; then `identity.age` is replaced; then
    /// the old key is dropped from the vault. At every instant either the old
    /// or the new passphrase opens it, and the kit always does.
    pub fn reset_passphrase(
        &mut self,
        new_passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        let new_key = crypto::generate_identity();
        let new_recipient = new_key.to_public().to_string();
        self.update_locked(|doc| {
            doc.extra_recipients.push(new_recipient.clone());
            Ok(())
        })?;
        let old_key = std::mem::replace(&mut self.identity, new_key);
        let was_kit = std::mem::replace(&mut self.opened_with_kit, false);
        if let Err(e) = self.write_identity(new_passphrase, work_factor) {
            self.identity = old_key;
            self.opened_with_kit = was_kit;
            return Err(e);
        }
        self.update_locked(|doc| {
            doc.extra_recipients.retain(|r| *r != new_recipient);
            doc.own_recipient = new_recipient.clone();
            Ok(())
        })?;
        self.backup_now_locked()
    }

    /// Makes a new emergency kit, replacing any earlier one, and returns its
    /// key (to print; it is not stored): [`Vault::prepare_kit`] then
    /// [`Vault::commit_kit`]. Where the kit is written to a file, write it
    /// between the two, so the vault never depends on a kit nobody has.
    pub fn create_kit(&mut self, now: i64) -> Result<KitKey> {
        let kit = Self::prepare_kit(now);
        self.commit_kit(&kit)?;
        Ok(kit)
    }

    /// A new emergency kit's key, not yet in force: nothing is written and
    /// the vault's current kit still works.
    pub fn prepare_kit(now: i64) -> KitKey {
        let key = crypto::generate_identity();
        let recipient = key.to_public().to_string();
        let text = crypto::identity_file_text(&key, now);
        KitKey {
            text: SecretString::from(String::from(text.as_str())),
            recipient,
            created_at: now,
            identity: key,
        }
    }

    /// Puts a prepared kit in force: the vault is encrypted to it (and no
    /// longer to a kit it replaces), then every backup in `backups/` is
    /// re-encrypted so that a replaced kit opens nothing. If the vault
    /// cannot be saved, the old kit still works; if a backup cannot be
    /// re-encrypted, the new kit works and the error says so.
    pub fn commit_kit(&mut self, kit: &KitKey) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        let opener = self.identity.to_public().to_string();
        self.update_locked(|doc| {
            if doc.own_recipient.is_empty() {
                return Err(Error::invalid(
                    "emergency kit",
                    "this vault does not record its own key yet: open it once with the passphrase",
                ));
            }
            doc.emergency_kit = Some(EmergencyKit {
                recipient: kit.recipient.clone(),
                created_at: kit.created_at,
                verified_at: None,
            });
            Ok(())
        })?;
        // Backups are read with the key that opened this session (the vault's
        // own, or the old kit) and re-encrypted for the new set.
        let reencrypted = self
            .reencrypt_backups()
            .and_then(|()| self.backup_now_locked());
        if self.opened_with_kit && opener != kit.recipient {
            // The old kit no longer opens the vault; the session goes on with the new one.
            self.identity = kit.identity.clone();
        }
        reencrypted.map_err(|e| {
            Error::invalid(
                "emergency kit",
                format!(
                    "the new kit is in force and opens the vault, but re-encrypting the backups \
                     stopped ({e}); some backups may still open with the old kit: replace the kit \
                     again once the problem is fixed"
                ),
            )
        })
    }

    /// Checks that `kit_text` is the vault's current emergency kit and that
    /// it opens `vault.age` as it is on disk; records the date of the check.
    pub fn verify_kit(&mut self, kit_text: &SecretString, now: i64) -> Result<()> {
        let key = parse_kit(kit_text)?;
        let recipient = key.to_public().to_string();
        match &self.doc.emergency_kit {
            None => {
                return Err(Error::invalid(
                    "emergency kit",
                    "this vault has no emergency kit: create one first",
                ))
            }
            Some(kit) if kit.recipient != recipient => {
                return Err(Error::invalid(
                    "emergency kit",
                    "this is not the vault's current kit (it belongs to another vault, or it \
                     was replaced); it does not open the vault",
                ))
            }
            Some(_) => {}
        }
        read_document(&self.paths.vault(), &key)?;
        self.update(|doc| {
            if let Some(kit) = doc.emergency_kit.as_mut() {
                kit.verified_at = Some(now);
            }
            Ok(())
        })
    }

    /// Rewrites every readable backup for the vault's current recipients.
    /// Called with the lock held.
    fn reencrypt_backups(&mut self) -> Result<()> {
        let recipients = self.recipients(&self.doc)?;
        for path in self.paths.list_backups()? {
            let Ok(bytes) = read_capped(&path, MAX_VAULT_BYTES) else {
                continue;
            };
            // A backup this key cannot read is left as it is (it may be damaged).
            let Ok(json) = crypto::decrypt_with_identity(&bytes, &self.identity, &path) else {
                continue;
            };
            let ciphertext = crypto::encrypt_to(&json, &recipients)?;
            let dir = self.paths.backups();
            let temp = write_temp(&dir, "backup.age", &ciphertext)?;
            commit_temp(&temp, &path, &dir)?;
        }
        Ok(())
    }

    fn reload(&mut self) -> Result<()> {
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
    fn recipients(&self, doc: &Document) -> Result<Vec<x25519::Recipient>> {
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

    fn write_document(&mut self, doc: &Document) -> Result<()> {
        let ciphertext = crypto::encrypt_to(&doc.to_json(), &self.recipients(doc)?)?;
        self.commit_ciphertext(&ciphertext)
    }

    /// Saves `doc`, and first writes the automatic backup when one is due
    /// (the same bytes, so the backup is exactly the saved vault). A backup
    /// that fails never fails the save: its reason is kept in the document
    /// for the health view.
    fn save(&mut self, doc: &mut Document) -> Result<()> {
        if doc.vault_id.is_empty() {
            doc.vault_id = crate::account::new_id();
        }
        let now = time::now();
        let folder = doc.settings.backup_folder.clone();
        let due = !folder.is_empty()
            && doc
                .last_auto_backup_at
                .is_none_or(|t| now - t >= AUTO_BACKUP_INTERVAL_SECS);
        if due {
            let before = (doc.last_auto_backup_at, doc.auto_backup_error.take());
            doc.last_auto_backup_at = Some(now);
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
                    doc.auto_backup_error = Some(format!("{} ({})", e, time::format_utc(now)));
                }
            }
        }
        self.write_document(doc)
    }

    /// Writes the automatic backup now, whatever its schedule says: after a
    /// key change (so the backup folder never keeps a key the owner just
    /// replaced) and after choosing another folder (so it holds a backup at
    /// once). Does nothing when automatic backups are off; a failure is
    /// kept in the document for the health view, as for any backup.
    pub fn backup_now(&mut self) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        self.backup_now_locked()
    }

    fn backup_now_locked(&mut self) -> Result<()> {
        if self.doc.settings.backup_folder.is_empty() {
            return Ok(());
        }
        self.update_locked(|doc| {
            doc.last_auto_backup_at = None;
            Ok(())
        })
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

    fn commit_ciphertext(&mut self, ciphertext: &[u8]) -> Result<()> {
        let target = self.paths.vault();
        let temp = write_temp(self.paths.dir(), "vault.age", ciphertext)?;
        if target.exists() {
            if let Err(e) = backup_current(&self.paths) {
                let _ = fs::remove_file(&temp);
                return Err(e);
            }
        }
        commit_temp(&temp, &target, self.paths.dir())?;
        self.stamp = Stamp::of(&target);
        prune_backups(&self.paths, BACKUPS_KEPT);
        Ok(())
    }

    fn write_identity(&self, passphrase: &SecretString, work_factor: Option<u8>) -> Result<()> {
        let text = crypto::identity_file_text(&self.identity, time::now());
        let wrapped =
            crypto::encrypt_with_passphrase(text.as_bytes(), passphrase, work_factor, false);
        let temp = write_temp(self.paths.dir(), "identity.age", &wrapped)?;
        commit_temp(&temp, &self.paths.identity(), self.paths.dir())
    }
}

/// Whether a vault whose own key is `own_recipient` and whose emergency kit
/// is `kit_recipient` was opened with its kit, by the key `key`.
pub(crate) fn opened_with_kit(own_recipient: &str, kit_recipient: Option<&str>, key: &str) -> bool {
    own_recipient != key && kit_recipient == Some(key)
}

/// A key that opens a vault: its own, unwrapped with the passphrase (the
/// KDF runs once, here), or its emergency kit. For commands that may open
/// the vault twice, fast then fully ([`super::peek`]). No `Debug`: it holds
/// the key.
pub struct VaultKey {
    identity: x25519::Identity,
    kit: bool,
}

impl VaultKey {
    /// The vault's own key, from `identity.age` and the passphrase.
    pub fn from_passphrase(dir: &Path, passphrase: &SecretString) -> Result<VaultKey> {
        let paths = VaultPaths::new(dir);
        check_present(&paths)?;
        Ok(VaultKey {
            identity: unwrap_identity(&paths, passphrase)?,
            kit: false,
        })
    }

    /// An emergency kit: the kit file's text (or just its
    /// `AGE-SECRET-KEY-1...` line).
    pub fn from_kit(kit_text: &SecretString) -> Result<VaultKey> {
        Ok(VaultKey {
            identity: parse_kit(kit_text)?,
            kit: true,
        })
    }

    /// True for an emergency kit.
    pub fn is_kit(&self) -> bool {
        self.kit
    }

    pub(crate) fn identity(&self) -> &x25519::Identity {
        &self.identity
    }
}

/// A new emergency kit's key, to print once. It is never stored.
pub struct KitKey {
    text: SecretString,
    recipient: String,
    created_at: i64,
    identity: x25519::Identity,
}

impl KitKey {
    /// The kit as an age identity file: comments and the `AGE-SECRET-KEY-1...`
    /// line. `age -d -i kit.txt vault.age` reads the vault with it.
    pub fn text(&self) -> &SecretString {
        &self.text
    }
    /// The kit's public recipient (`age1...`).
    pub fn recipient(&self) -> &str {
        &self.recipient
    }
    /// When it was made (Unix seconds).
    pub fn created_at(&self) -> i64 {
        self.created_at
    }
}

impl std::fmt::Debug for KitKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KitKey")
            .field("recipient", &self.recipient)
            .finish_non_exhaustive()
    }
}

/// The first characters of an age secret key: an emergency kit's key line.
pub const KIT_KEY_PREFIX: &str = "AGE-SECRET-KEY-1";

/// How many characters a kit's key line has (the prefix and 58 more).
pub const KIT_KEY_LEN: usize = 74;

/// Reads an emergency kit: the kit file's text or only its key line.
/// Comments and other lines are passed over. A missing key line and a key
/// line that does not decode (a typo in a typed key) are different errors:
/// the second says which character cannot be right, or how many are
/// missing or extra, never the key itself.
pub fn parse_kit(text: &SecretString) -> Result<x25519::Identity> {
    use crate::secret::ExposeSecret;
    use std::str::FromStr;
    let keys: Vec<&str> = text
        .expose_secret()
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            line.get(..KIT_KEY_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(KIT_KEY_PREFIX))
        })
        .collect();
    let invalid = |reason: String| Error::invalid("emergency kit", reason);
    match keys.as_slice() {
        [] => Err(invalid(format!(
            "it holds no {KIT_KEY_PREFIX}... line: type or paste the key exactly as printed"
        ))),
        [line] => x25519::Identity::from_str(line).map_err(|_| invalid(key_line_problem(line))),
        more => Err(invalid(format!(
            "it holds {} {KIT_KEY_PREFIX}... lines: give only the key of this vault's kit",
            more.len()
        ))),
    }
}

/// Why a line that starts like a kit's key does not decode, in terms of
/// what to check on the printout. Names positions and counts, never
/// characters of the key.
fn key_line_problem(line: &str) -> String {
    // Bech32 writes the rest in 32 characters: no 1, B, I or O (upper case,
    // as printed; a key typed all in lower case reads the same).
    const CHARSET: &str = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
    let check = "Check each character against the printout";
    let rest = &line[KIT_KEY_PREFIX.len()..];
    if let Some((at, _)) = rest
        .chars()
        .enumerate()
        .find(|(_, c)| !CHARSET.contains(c.to_ascii_uppercase()))
    {
        return format!(
            "character {} of the {KIT_KEY_PREFIX}... line cannot be in a key (a key has no \
             spaces and no 1, B, I or O after its first 16 characters): {check}",
            KIT_KEY_PREFIX.len() + at + 1
        );
    }
    let length = line.chars().count();
    if length != KIT_KEY_LEN {
        let (count, what) = if length < KIT_KEY_LEN {
            (KIT_KEY_LEN - length, "missing")
        } else {
            (length - KIT_KEY_LEN, "too many")
        };
        let characters = if count == 1 {
            "character"
        } else {
            "characters"
        };
        return format!(
            "the {KIT_KEY_PREFIX}... line has {length} characters, a key has {KIT_KEY_LEN}: \
             {count} {characters} {what}. {check}"
        );
    }
    format!(
        "the {KIT_KEY_PREFIX}... line is there, but it does not decode: a character is wrong \
         (its checksum does not match). {check}"
    )
}

/// One file in `backups/` as [`Vault::inspect_backups`] sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupInfo {
    /// The backup file.
    pub path: PathBuf,
    /// When it was written (Unix seconds), if the file system says.
    pub modified: Option<i64>,
    /// How many accounts it holds, or why it does not open.
    pub accounts: std::result::Result<usize, String>,
}

fn unwrap_identity(paths: &VaultPaths, passphrase: &SecretString) -> Result<x25519::Identity> {
    if !paths.identity().exists() {
        return check_present(paths).and(Err(Error::Corrupt {
            file: paths.identity(),
            detail: "it is missing".into(),
        }));
    }
    let wrapped = read_capped(&paths.identity(), MAX_IDENTITY_BYTES)?;
    let text = crypto::decrypt_with_passphrase(&wrapped, passphrase, &paths.identity())?;
    let text = std::str::from_utf8(&text).map_err(|_| Error::Corrupt {
        file: paths.identity(),
        detail: "its content is not an age identity file".into(),
    })?;
    crypto::parse_identity_text(text, &paths.identity())
}

/// Reads, decrypts and parses a vault document.
fn read_document(path: &Path, identity: &x25519::Identity) -> Result<Document> {
    let json = read_plaintext(path, identity)?;
    Document::from_json(&json, path)
}

/// The decrypted content of the vault file `path`, streamed through age
/// instead of read into memory first (see
/// [`crypto::decrypt_stream_with_identity`]). Errors are those of reading it
/// whole with [`read_capped`], then decrypting it.
pub(crate) fn read_plaintext(
    path: &Path,
    identity: &x25519::Identity,
) -> Result<Zeroizing<Vec<u8>>> {
    let file = crate::fs::open_regular(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > MAX_VAULT_BYTES {
        return Err(too_large(path, MAX_VAULT_BYTES));
    }
    // Only the bytes the size promised: a file that grows meanwhile reads
    // as truncated (the next refresh sees its new stamp and reads again),
    // and the plaintext buffer, sized from `size`, never has to grow.
    let failed = Rc::new(RefCell::new(None));
    let reader = KeepReadError {
        inner: file.take(size),
        failed: Rc::clone(&failed),
    };
    let json = crypto::decrypt_stream_with_identity(
        BufReader::with_capacity(64 * 1024, reader),
        identity,
        usize::try_from(size).unwrap_or(usize::MAX),
        path,
    )
    .map_err(|e| match failed.borrow_mut().take() {
        // The file could not be read: say so, as `read_capped` would.
        Some(io) => Error::io("read", path, io),
        None => e,
    })?;
    Ok(json)
}

/// A reader that keeps the first I/O error it meets (age reports any as a
/// damaged file), so that a file that cannot be read is reported as such.
struct KeepReadError<R> {
    inner: R,
    failed: Rc<RefCell<Option<std::io::Error>>>,
}

impl<R: Read> Read for KeepReadError<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                let kind = e.kind();
                self.failed.borrow_mut().get_or_insert(e);
                Err(kind.into())
            }
            other => other,
        }
    }
}

fn too_large(path: &Path, cap: u64) -> Error {
    Error::Corrupt {
        file: path.to_owned(),
        detail: format!(
            "it is larger than {} MiB, far too large for a Sparekey file",
            cap >> 20
        ),
    }
}

fn check_present(paths: &VaultPaths) -> Result<()> {
    match (paths.identity().exists(), paths.vault().exists()) {
        (true, true) => Ok(()),
        (false, false) => Err(Error::VaultNotFound {
            dir: paths.dir().to_owned(),
        }),
        (true, false) => Err(Error::Corrupt {
            file: paths.vault(),
            detail: "it is missing, though identity.age is present".into(),
        }),
        (false, true) => Err(Error::Corrupt {
            file: paths.identity(),
            detail: "it is missing, though vault.age is present (an emergency kit can still open \
                     the vault)"
                .into(),
        }),
    }
}

fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let file = crate::fs::open_regular(path)?;
    // Sized from the file, so a large vault is read without regrowing.
    let size = file.metadata().map_or(0, |m| m.len().min(cap));
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, cap));
    }
    Ok(bytes)
}

/// Writes `bytes` to a fresh temp file in `dir` and fsyncs it.
fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let nonce: u64 = rand::random();
    let temp = dir.join(format!(
        "{TEMP_PREFIX}{name}-{}-{nonce:016x}",
        std::process::id()
    ));
    let result = crate::fs::open_new(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(Error::io("save (nothing was changed)", dir, e));
    }
    Ok(temp)
}

/// Renames the temp file over `target` and fsyncs the folder.
fn commit_temp(temp: &Path, target: &Path, dir: &Path) -> Result<()> {
    if let Err(e) = fs::rename(temp, target) {
        let _ = fs::remove_file(temp);
        return Err(Error::io("save (nothing was changed)", target, e));
    }
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<()> {
    crate::platform::sync_dir(dir).map_err(|e| Error::io("flush the folder", dir, e))
}

/// Keeps the current `vault.age` in `backups/`: a hard link (instant, no
/// extra space), or a copy where links are not supported.
fn backup_current(paths: &VaultPaths) -> Result<()> {
    let dir = paths.backups();
    crate::fs::create_dir_private(&dir)?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let next = paths
        .list_backups()?
        .first()
        .and_then(|p| p.file_name()?.to_str().and_then(backup_sequence))
        .unwrap_or(0)
        + 1;
    let name = format!(
        "vault-s{next:010}-{}-{nanos:09}-{:04x}.age",
        time::format_compact(time::now()),
        rand::random::<u16>()
    );
    let dest = dir.join(name);
    let current = paths.vault();
    if fs::hard_link(&current, &dest).is_err() {
        fs::copy(&current, &dest).map_err(|e| Error::io("back up the vault to", &dest, e))?;
    }
    Ok(())
}

fn prune_backups(paths: &VaultPaths, keep: usize) {
    // Pruning is tidying: failing to delete an old backup loses nothing.
    if let Ok(list) = paths.list_backups() {
        for old in list.iter().skip(keep) {
            let _ = fs::remove_file(old);
        }
    }
}

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
fn write_auto_backup(
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
            let _ = fs::remove_file(&temp);
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

/// A vault's claim on an automatic-backup folder: its id, and its key (to
/// recognize its own backups written before folders were claimed).
struct Claim<'a> {
    vault_id: &'a str,
    identity: &'a x25519::Identity,
}

impl Claim<'_> {
    /// Refuses a folder that holds another vault: claimed by another id, or
    /// unclaimed with a `vault.age` this vault's key does not open. Nothing
    /// in such a folder is ever written over.
    fn check(&self, folder: &Path) -> Result<()> {
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
        let marker = folder.join(BACKUP_CLAIM_FILE);
        match fs::read_to_string(&marker) {
            Ok(owner) => {
                return if owner.trim() == self.vault_id {
                    Ok(())
                } else {
                    Err(other())
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("read", &marker, e)),
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
    fn mark(&self, folder: &Path) -> Result<()> {
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

/// Temp files left by a writer that was killed mid-save. Only called while
/// holding the lock, so no live writer owns them.
fn remove_stale_temp_files(paths: &VaultPaths) {
    if let Ok(entries) = fs::read_dir(paths.dir()) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// The writers' lock: an OS advisory lock on `vault.lock`, released when
/// dropped or when the process dies (so a killed writer never wedges it).
struct WriteLock {
    _file: File,
}

impl WriteLock {
    fn acquire(paths: &VaultPaths) -> Result<WriteLock> {
        let path = paths.lock();
        let file = crate::platform::owner_only_file(
            OpenOptions::new().write(true).create(true).truncate(false),
        )
        .open(&path)
        .map_err(|e| Error::io("open the lock file", &path, e))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_TIMEOUT => {
                    thread::sleep(Duration::from_millis(
                        5 + u64::from(rand::random::<u8>() % 20),
                    ));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(Error::LockTimeout { path }),
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::io("lock", &path, e));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new kit key line, and what `parse_kit` says about `edit` of it.
    fn kit_error(edit: impl Fn(&str) -> String) -> (String, String) {
        use crate::secret::ExposeSecret;
        let key = crypto::generate_identity().to_string();
        let line = key.expose_secret().to_owned();
        assert!(line.starts_with(KIT_KEY_PREFIX) && line.len() == KIT_KEY_LEN);
        let edited = edit(&line);
        let error = parse_kit(&SecretString::from(edited))
            .map(|_| "parsed".to_owned())
            .unwrap_or_else(|e| e.to_string());
        (line, error)
    }

    #[test]
    fn a_kit_parses_with_its_comments_or_alone() {
        let (_, alone) = kit_error(|line| line.to_owned());
        assert_eq!(alone, "parsed");
        let (_, file) =
            kit_error(|line| format!("# Sparekey emergency kit\n# public key\n  {line}  \n"));
        assert_eq!(file, "parsed");
    }

    #[test]
    fn no_key_line_says_so() {
        let (_, error) = kit_error(|_| "# only a comment\nsomething else\n".to_owned());
        assert!(
            error.contains("holds no AGE-SECRET-KEY-1... line"),
            "{error}"
        );
    }

    /// A typo in a typed key is not "no key line": the line is there.
    #[test]
    fn a_one_character_typo_says_the_line_does_not_decode() {
        // A character swapped for another that a key may hold: the checksum fails.
        let (line, error) = kit_error(|line| {
            let mut chars: Vec<char> = line.chars().collect();
            chars[30] = if chars[30] == 'Q' { 'P' } else { 'Q' };
            chars.into_iter().collect()
        });
        assert!(!error.contains("holds no"), "{error}");
        assert!(error.contains("does not decode"), "{error}");
        assert!(
            error.contains("Check each character against the printout"),
            "{error}"
        );
        assert!(
            !error.contains(&line[16..]),
            "the key is not in the message: {error}"
        );

        // O for 0: a character no key holds, named by its place.
        let (_, error) = kit_error(|line| format!("{}O{}", &line[..40], &line[41..]));
        assert!(error.contains("character 41 "), "{error}");

        // One character left out.
        let (_, error) = kit_error(|line| format!("{}{}", &line[..50], &line[51..]));
        assert!(
            error.contains("has 73 characters, a key has 74: 1 character missing"),
            "{error}"
        );
    }

    #[test]
    fn two_key_lines_are_refused() {
        let (_, error) = kit_error(|line| format!("{line}\n{line}\n"));
        assert!(
            error.contains("holds 2 AGE-SECRET-KEY-1... lines"),
            "{error}"
        );
    }

    /// How `read_document` worked before it streamed: read the file whole,
    /// then decrypt it.
    fn read_document_whole(path: &Path, identity: &x25519::Identity) -> Result<Document> {
        let bytes = read_capped(path, MAX_VAULT_BYTES)?;
        let json = crypto::decrypt_with_identity(&bytes, identity, path)?;
        Document::from_json(&json, path)
    }

    fn shown(r: Result<Document>) -> String {
        match r {
            Ok(doc) => format!("ok, {} accounts", doc.accounts.len()),
            Err(e) => format!("error ({}): {e}", e.kind()),
        }
    }

    #[test]
    fn streamed_reads_match_whole_reads() {
        let dir = tempfile::tempdir().unwrap();
        let id = crypto::generate_identity();
        let other = crypto::generate_identity();
        let mut doc = Document::default();
        for i in 0..300u32 {
            let otp = crate::otp::parse_uri(&format!(
                "otpauth://totp/Issuer{i}:user{i}?secret=JBSWY3DPEHPK3PXP{}",
                data_encoding::BASE32_NOPAD.encode(&i.to_be_bytes())
            ))
            .unwrap()
            .otp;
            doc.add_account(
                crate::account::Account::new("Issuer", &format!("user{i}"), Some(otp), 1).unwrap(),
            )
            .unwrap();
        }
        let ct = crypto::encrypt_to(&doc.to_json(), &[id.to_public()]).unwrap();
        let mut armored = Vec::new();
        {
            let mut w = age::armor::ArmoredWriter::wrap_output(
                &mut armored,
                age::armor::Format::AsciiArmor,
            )
            .unwrap();
            w.write_all(&ct).unwrap();
            w.finish().unwrap();
        }
        let mut damaged = ct.clone();
        let last = damaged.len() - 5;
        damaged[last] ^= 1;
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("good", ct.clone()),
            ("armored", armored),
            ("damaged", damaged),
            ("empty", Vec::new()),
            ("cut in the header", ct[..50].to_vec()),
            ("cut in the payload", ct[..ct.len() / 2].to_vec()),
            ("not age", br#"{"format":"sparekey-vault"}"#.to_vec()),
        ];
        let mut longer = ct.clone();
        longer.extend_from_slice(b"trailing");
        files.push(("trailing bytes", longer));
        for (name, bytes) in &files {
            let path = dir.path().join(format!("{name}.age"));
            fs::write(&path, bytes).unwrap();
            for key in [&id, &other] {
                let streamed = shown(read_document(&path, key));
                assert_eq!(streamed, shown(read_document_whole(&path, key)), "{name}");
                if *name == "good" && std::ptr::eq(key, &id) {
                    assert_eq!(streamed, "ok, 300 accounts");
                }
            }
        }
        // Not a file, missing, too large (sparse, so nothing is written).
        let missing = dir.path().join("missing.age");
        let huge = dir.path().join("huge.age");
        File::create(&huge)
            .unwrap()
            .set_len(MAX_VAULT_BYTES + 1)
            .unwrap();
        for path in [dir.path().to_owned(), missing, huge] {
            let streamed = shown(read_document(&path, &id));
            assert!(streamed.starts_with("error"), "{streamed}");
            assert_eq!(streamed, shown(read_document_whole(&path, &id)), "{path:?}");
        }
    }
}
