//! The vault's keys: its own (wrapped by the passphrase in `identity.age`)
//! and its emergency kit. Key material is local state: it changes only
//! through these operations, never through a merge.

use std::path::{Path, PathBuf};

use age::x25519;

use super::{
    auto_backup::claimed_by, crypto, document::EmergencyKit, files::*, lock::*, paths::*, store::*,
};
use crate::{secret::SecretString, time, Error, Result};

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
    pub(super) identity: x25519::Identity,
    pub(super) kit: bool,
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
    pub(super) identity: x25519::Identity,
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
pub(super) fn key_line_problem(line: &str) -> String {
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

pub(super) fn unwrap_identity(
    paths: &VaultPaths,
    passphrase: &SecretString,
) -> Result<x25519::Identity> {
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

impl Vault {
    /// Rewraps the identity with a new passphrase. `identity.age` changes,
    /// then the automatic-backup folder's copy of it, so the old passphrase
    /// opens nothing (no copy of the old `identity.age` is kept). If the
    /// second step fails, the next change retries it.
    pub fn change_passphrase(
        &mut self,
        new_passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<()> {
        if self.opened_with_kit {
            return self.reset_passphrase(new_passphrase, work_factor);
        }
        let _lock = WriteLock::acquire(&self.paths)?;
        let has_folder = !self.doc.settings.backup_folder.is_empty();
        if has_folder {
            // Marked first: a crash after the new identity.age leaves the
            // folder's old one to be replaced by the next change.
            self.transaction(
                |doc| {
                    doc.rekey_pending = true;
                    Ok(())
                },
                false,
            )?;
        }
        self.write_identity(new_passphrase, work_factor)?;
        if has_folder || self.doc.rekey_pending {
            self.update_locked(|_| Ok(()))?;
            self.check_key_change_finished("the new passphrase is in force")?;
        }
        Ok(())
    }

    /// Sets a new passphrase with a fresh vault key: what to do after opening
    /// the vault with the emergency kit, when the old passphrase is lost. The
    /// old key stops opening the vault and every copy of it; the kit keeps
    /// working.
    ///
    /// Crash-safe in steps: every copy the vault owns is first encrypted to
    /// the new key as well; then the vault; then `identity.age` is replaced;
    /// then the old key is dropped from the vault and every copy. At every
    /// instant the kit opens everything, and either the old or the new
    /// passphrase does; an interrupted last step is finished by the next
    /// change.
    pub fn reset_passphrase(
        &mut self,
        new_passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        let new_key = crypto::generate_identity();
        let new_recipient = new_key.to_public().to_string();
        // Marked first: if anything below stops, the next change re-encrypts
        // every copy for the keys then in force.
        self.transaction(
            |doc| {
                doc.extra_recipients.push(new_recipient.clone());
                doc.rekey_pending = true;
                Ok(())
            },
            false,
        )?;
        // The new key is lost if anything stops before identity.age holds
        // it: it is dropped from the vault again, and the next change drops
        // it from every copy.
        let forget = |vault: &mut Vault| {
            let _ = vault.update_locked(|doc| {
                doc.extra_recipients.retain(|r| *r != new_recipient);
                Ok(())
            });
        };
        if let Err(e) = self.add_key_to_copies(&new_recipient) {
            forget(self);
            return Err(e);
        }
        let old_key = std::mem::replace(&mut self.identity, new_key);
        let was_kit = std::mem::replace(&mut self.opened_with_kit, false);
        if let Err(e) = self.write_identity(new_passphrase, work_factor) {
            self.identity = old_key;
            self.opened_with_kit = was_kit;
            forget(self);
            return Err(e);
        }
        // The change finishes the switch: the new key becomes the vault's
        // own and the old one is dropped from the vault and every copy.
        self.update_locked(|_| Ok(()))?;
        self.check_key_change_finished("the new passphrase is in force")
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

    /// Puts a prepared kit in force, in steps that each leave a working kit:
    /// every copy the vault owns is first encrypted to the new kit as well
    /// (if that fails, nothing depends on the new kit and the old one still
    /// works); then the vault is encrypted to the new kit and no longer to
    /// the one it replaces; then every copy is re-encrypted so that the
    /// replaced kit opens nothing. If that last step is interrupted, the
    /// new kit already opens everything, and the next change finishes it.
    pub fn commit_kit(&mut self, kit: &KitKey) -> Result<()> {
        let _lock = WriteLock::acquire(&self.paths)?;
        if self.doc.own_recipient.is_empty() {
            return Err(Error::invalid(
                "emergency kit",
                "this vault does not record its own key yet: open it once with the passphrase",
            ));
        }
        let unchanged = |e: Error| {
            Error::invalid(
                "emergency kit",
                format!(
                    "the new kit could not be put in force ({e}); nothing depends on it and the \
                     current kit still works"
                ),
            )
        };
        // Marked first, with the new kit as a key in transition (so every
        // version saved from now on, and set aside in `backups/`, opens with
        // it): if anything below stops, the next change re-encrypts every
        // copy for the keys then in force, and a kit that never came into
        // force opens nothing.
        let staged = self
            .transaction(
                |doc| {
                    doc.extra_recipients.push(kit.recipient.clone());
                    doc.rekey_pending = true;
                    Ok(())
                },
                false,
            )
            .and_then(|()| self.add_key_to_copies(&kit.recipient))
            .and_then(|()| {
                self.transaction(
                    |doc| {
                        doc.emergency_kit = Some(EmergencyKit {
                            recipient: kit.recipient.clone(),
                            created_at: kit.created_at,
                            verified_at: None,
                        });
                        doc.extra_recipients.retain(|r| *r != kit.recipient);
                        Ok(())
                    },
                    false,
                )
            });
        if let Err(e) = staged {
            let _ = self.update_locked(|doc| {
                doc.extra_recipients.retain(|r| *r != kit.recipient);
                Ok(())
            });
            return Err(unchanged(e));
        }
        if self.opened_with_kit {
            // The old kit is on its way out; the session goes on with the new one.
            self.identity = kit.identity.clone();
        }
        self.update_locked(|_| Ok(()))?;
        self.check_key_change_finished("the new kit is in force and opens the vault and every copy")
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

    /// True while a key change has not reached every copy of the vault
    /// (see [`Document::rekey_pending`]): some copy may still open with a
    /// replaced kit or passphrase. The next change retries.
    ///
    /// [`Document::rekey_pending`]: super::document::Document::rekey_pending
    pub fn key_change_unfinished(&self) -> bool {
        self.doc.rekey_pending
    }

    /// After a key operation's last save: an error if some copy could not
    /// be re-encrypted, saying what is in force and what the next change
    /// will finish.
    fn check_key_change_finished(&mut self, in_force: &str) -> Result<()> {
        if !self.doc.rekey_pending {
            return Ok(());
        }
        let why = self
            .rekey_error
            .take()
            .or_else(|| self.doc.auto_backup_error.clone())
            .unwrap_or_else(|| "it was interrupted".to_owned());
        Err(Error::KeyChangeUnfinished {
            in_force: in_force.to_owned(),
            cause: why,
        })
    }

    /// Encrypts every copy the vault owns to `incoming` as well as to the
    /// keys it has now: the first step of a key change, so the incoming key
    /// opens everything before anything depends on it. Called with the lock
    /// held.
    fn add_key_to_copies(&mut self, incoming: &str) -> Result<()> {
        let mut with = self.doc.clone();
        with.extra_recipients.push(incoming.to_owned());
        let recipients = self.recipients(&with)?;
        drop(with);
        self.rekey_copies(&recipients)
    }

    /// The first half of finishing a key change, in memory before a
    /// change is saved: a reset whose new `identity.age` is in place makes
    /// its key the vault's own, and a key that never reached `identity.age`
    /// is dropped. A kit session leaves both to the passphrase.
    pub(super) fn settle_keys(&mut self) {
        if self.opened_with_kit {
            return;
        }
        let opener = self.recipient();
        if self.doc.own_recipient != opener && self.doc.extra_recipients.contains(&opener) {
            // identity.age holds the reset's new key: the switch happened.
            self.doc.own_recipient = opener.clone();
        }
        if self.doc.own_recipient == opener {
            // Any other key in transition never reached identity.age.
            self.doc.extra_recipients.clear();
        }
    }

    /// The second half, after the change was saved: every copy the vault
    /// owns is re-encrypted for the keys in force, and the vault is saved
    /// again without the mark (with an automatic-backup folder, by the save
    /// that gives the folder the new `identity.age`; see `save`). A failure
    /// leaves the mark for the next change and is kept for
    /// [`Vault::commit_kit`] and the passphrase changes to report.
    pub(super) fn finish_key_change(&mut self) {
        let done = self
            .recipients(&self.doc)
            .and_then(|recipients| self.rekey_copies(&recipients));
        if let Err(e) = done {
            self.rekey_error = Some(e.to_string());
            return;
        }
        self.rekey_error = None;
        let mut doc = std::mem::take(&mut self.doc);
        if doc.settings.backup_folder.is_empty() {
            // A kit session cannot finish a reset begun elsewhere.
            doc.rekey_pending = !doc.extra_recipients.is_empty();
        } else {
            doc.last_auto_backup_at = None;
            self.awaiting_folder = true;
        }
        let saved = self.save(&mut doc);
        self.doc = doc;
        if let Err(e) = saved {
            self.rollback();
            self.rekey_error = Some(e.to_string());
        }
    }

    /// Re-encrypts every copy the vault owns that this session's key opens
    /// for `recipients`. A copy in `backups/` it does not open (a damaged
    /// version set aside) is left as it is: each key change first gives
    /// every copy the incoming key, so the keys in force open them all. In
    /// the automatic-backup folder, a copy the vault's own key does not open
    /// was left there under a key since replaced (the folder was used, left
    /// and chosen again): it is deleted, since only that key opens it.
    /// Called with the lock held.
    fn rekey_copies(&self, recipients: &[x25519::Recipient]) -> Result<()> {
        let (local, folder) = self.owned_copies()?;
        self.rekey_files(local, false, recipients)?;
        self.rekey_files(folder, true, recipients)
    }

    /// Re-encrypts `files` for `recipients` (see [`Vault::rekey_copies`]);
    /// `in_folder` says they are in the automatic-backup folder.
    pub(super) fn rekey_files(
        &self,
        files: Vec<PathBuf>,
        in_folder: bool,
        recipients: &[x25519::Recipient],
    ) -> Result<()> {
        for path in files {
            let bytes = match read_capped(&path, MAX_VAULT_BYTES) {
                Ok(bytes) => bytes,
                Err(e @ Error::Io { .. }) => return Err(e),
                // Too large, or not a regular file: not a copy of this vault.
                Err(_) => continue,
            };
            let Ok(json) = crypto::decrypt_with_identity(&bytes, &self.identity, &path) else {
                if in_folder && !self.opened_with_kit {
                    crate::fs::remove_file(&path)
                        .map_err(|e| Error::io("remove the stale backup", &path, e))?;
                }
                continue;
            };
            let ciphertext = crypto::encrypt_to(&json, recipients)?;
            let dir = path.parent().unwrap_or(self.paths.dir()).to_owned();
            let temp = write_temp(&dir, "copy.age", &ciphertext)?;
            commit_temp(&temp, &path, &dir)?;
        }
        Ok(())
    }

    /// Every copy of the vault it owns besides `vault.age`: the files in
    /// `backups/` (earlier versions, merged conflict copies, damaged
    /// versions set aside), then, in an automatic-backup folder this vault
    /// has claimed, its `vault.age` and `backups/`.
    pub(super) fn owned_copies(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let local = files_in(&self.paths.backups())?;
        let folder = &self.doc.settings.backup_folder;
        let theirs = if folder.is_empty() {
            Vec::new()
        } else {
            self.folder_copies(Path::new(folder))?
        };
        Ok((local, theirs))
    }

    /// The copies of this vault in `folder`, if this vault has claimed it:
    /// its `vault.age` and the files in its `backups/`.
    pub(super) fn folder_copies(&self, folder: &Path) -> Result<Vec<PathBuf>> {
        if !folder.is_dir() || self.doc.vault_id.is_empty() {
            return Ok(Vec::new());
        }
        if claimed_by(folder)?.as_deref() != Some(self.doc.vault_id.as_str()) {
            return Ok(Vec::new());
        }
        let paths = VaultPaths::new(folder);
        let mut copies = files_in(&paths.backups())?;
        if paths.vault().is_file() {
            copies.push(paths.vault());
        }
        Ok(copies)
    }

    pub(super) fn write_identity(
        &self,
        passphrase: &SecretString,
        work_factor: Option<u8>,
    ) -> Result<()> {
        let text = crypto::identity_file_text(&self.identity, time::now());
        let wrapped =
            crypto::encrypt_with_passphrase(text.as_bytes(), passphrase, work_factor, false);
        let temp = write_temp(self.paths.dir(), "identity.age", &wrapped)?;
        commit_temp(&temp, &self.paths.identity(), self.paths.dir())
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
}
