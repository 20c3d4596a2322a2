//! The vault document: the JSON that `vault.age` decrypts to.
//!
//! It carries `format` and `version` so that a reader can tell a Sparekey
//! vault from any other JSON and refuse a vault written by a newer Sparekey
//! instead of rewriting it. Older versions are brought forward by
//! [`migrate`], one step per version.

use std::{
    collections::HashMap,
    hash::{BuildHasher, RandomState},
    path::Path,
};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::{account::Account, Error, Result};

/// The `format` field of every Sparekey vault document.
pub const FORMAT: &str = "sparekey-vault";
/// The newest document version this build reads and writes.
pub const VERSION: u32 = 1;

/// Settings that travel with the vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Minutes of inactivity before the app locks itself (0 = never).
    pub auto_lock_minutes: u32,
    /// Seconds before a copied code is cleared from the clipboard (0 = never).
    pub clipboard_clear_seconds: u32,
    /// A folder (a USB stick, a synced folder) that receives an encrypted
    /// copy of the vault after changes, at most daily; empty when off. The
    /// folder is itself a vault folder: open it with `--vault`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub backup_folder: String,
    /// How many earlier automatic backups the folder keeps.
    pub backup_keep: u32,
    /// Whether closing the desktop app's window hides it to the tray icon
    /// instead of quitting (off by default; the app quits anyway where no
    /// tray is shown).
    pub close_to_tray: bool,
}

/// Longest auto-lock delay the settings accept (a day), in minutes.
pub const MAX_AUTO_LOCK_MINUTES: u32 = 1440;
/// Most automatic backups a backup folder may keep.
pub const MAX_BACKUP_KEEP: u32 = 1000;
/// Longest clipboard-clearing delay the settings accept (an hour), in seconds.
pub const MAX_CLIPBOARD_CLEAR_SECONDS: u32 = 3600;

impl Settings {
    /// Checks the limits: auto-lock 0 (never) to 1440 minutes, clipboard
    /// clearing 0 (never) to 3600 seconds.
    pub fn validate(&self) -> Result<()> {
        if self.auto_lock_minutes > MAX_AUTO_LOCK_MINUTES {
            return Err(Error::invalid(
                "auto_lock_minutes",
                format!("must be 0 (never) to {MAX_AUTO_LOCK_MINUTES} minutes"),
            ));
        }
        if !(1..=MAX_BACKUP_KEEP).contains(&self.backup_keep) {
            return Err(Error::invalid(
                "backup_keep",
                format!("must be 1 to {MAX_BACKUP_KEEP} backups"),
            ));
        }
        if !self.backup_folder.is_empty() && !Path::new(&self.backup_folder).is_absolute() {
            return Err(Error::invalid(
                "backup_folder",
                "must be a full path, e.g. /media/usb/sparekey-backup",
            ));
        }
        if self.clipboard_clear_seconds > MAX_CLIPBOARD_CLEAR_SECONDS {
            return Err(Error::invalid(
                "clipboard_clear_seconds",
                format!("must be 0 (never) to {MAX_CLIPBOARD_CLEAR_SECONDS} seconds"),
            ));
        }
        Ok(())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_minutes: 5,
            clipboard_clear_seconds: 20,
            backup_folder: String::new(),
            backup_keep: 10,
            close_to_tray: false,
        }
    }
}

/// A deleted account's id and when it was deleted, so that merging a sync
/// conflict copy does not bring it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The deleted account's id.
    pub id: String,
    /// When it was deleted (Unix seconds).
    pub deleted_at: i64,
}

/// How many tombstones a vault keeps (the oldest are dropped).
pub const MAX_TOMBSTONES: usize = 1000;

/// The emergency kit as the vault remembers it (never its secret key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyKit {
    /// The kit key's recipient (`age1...`).
    pub recipient: String,
    /// When the kit was made (Unix seconds).
    pub created_at: i64,
    /// When the kit was last checked to open the vault, if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<i64>,
}

/// The decrypted vault.
///
/// Once version 1 is released, any change to this shape (a new field
/// included) bumps [`VERSION`] and adds a [`migrate`] step, so an older
/// Sparekey refuses a newer vault instead of saving it without the fields it
/// does not know. (The guide fields below joined before the release, with
/// `#[serde(default)]`, so they are still version 1.)
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Document {
    /// Always [`FORMAT`].
    pub format: String,
    /// The document version, at most [`VERSION`].
    pub version: u32,
    /// Every account, in the order they were added.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The vault's own recipient (`age1...`), the public half of the key in
    /// `identity.age`. Kept here so that a vault opened with its emergency
    /// kit still encrypts to the passphrase's key.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub own_recipient: String,
    /// The emergency kit: a second key, printed on paper, that opens the
    /// vault without the passphrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency_kit: Option<EmergencyKit>,
    /// Accounts deleted, for merging sync conflict copies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<Tombstone>,
    /// Further age recipients (`age1...`) the vault is also encrypted to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_recipients: Vec<String>,
    /// True from a key change (a new kit, a new passphrase key) until every
    /// copy the vault owns (`backups/`, the automatic-backup folder) is
    /// re-encrypted for the new keys; the next change finishes the work if
    /// it was interrupted. Local key state, like the recipients: never merged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rekey_pending: bool,
    /// Settings.
    #[serde(default)]
    pub settings: Settings,
    /// Manual guide steps the user marked done, one per guide, step and
    /// account (see [`crate::guides`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guide_checks: Vec<StepCheck>,
    /// When the last automatic backup was written to the backup folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_auto_backup_at: Option<i64>,
    /// Why the last automatic backup failed, if it did (cleared on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_backup_error: Option<String>,
    /// This vault's identity among others (random, made once): an
    /// automatic-backup folder is claimed with it, so two vaults never
    /// write over each other's backups. Vaults made before it get one at
    /// their next save.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vault_id: String,
    /// When an encrypted backup of the vault was last exported (Unix
    /// seconds); `None` if never. Set by [`Document::record_backup_export`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_backup_export_at: Option<i64>,
}

/// A manual guide step marked done for one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCheck {
    /// The guide's id, e.g. `pypi-prevent`.
    pub guide_id: String,
    /// The step's id within the guide, e.g. `emails`.
    pub step_id: String,
    /// The account's id.
    pub account_id: String,
    /// When the user marked the step done (Unix seconds).
    pub done_at: i64,
    /// The user's note (may be empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Default for Document {
    fn default() -> Self {
        Document {
            format: FORMAT.to_owned(),
            version: VERSION,
            accounts: Vec::new(),
            own_recipient: String::new(),
            emergency_kit: None,
            deleted: Vec::new(),
            extra_recipients: Vec::new(),
            rekey_pending: false,
            vault_id: String::new(),
            settings: Settings::default(),
            guide_checks: Vec::new(),
            last_backup_export_at: None,
            last_auto_backup_at: None,
            auto_backup_error: None,
        }
    }
}

impl Document {
    /// Parses decrypted JSON. `file` names the source in errors.
    ///
    /// Error texts carry only positions and kinds, never the JSON itself
    /// (it holds secrets).
    pub fn from_json(json: &[u8], file: &Path) -> Result<Document> {
        let corrupt = |detail: String| Error::Corrupt {
            file: file.to_owned(),
            detail,
        };
        // The common case first: a current document parses as one. Only when
        // that fails, or the version is not ours, is the header examined on
        // its own to say why (foreign, newer, older and migratable, damaged).
        //
        // A document that is valid UTF-8 as a whole (every one Sparekey
        // writes) is checked once here and parsed as text, so serde_json does
        // not check each string again; anything else takes the byte parser,
        // which reports where it goes wrong.
        let parsed = match std::str::from_utf8(json) {
            Ok(text) => serde_json::from_str::<Document>(text),
            Err(_) => serde_json::from_slice::<Document>(json),
        };
        if let Ok(doc) = parsed {
            if doc.format == FORMAT && doc.version == VERSION {
                return doc.checked(file);
            }
        }
        #[derive(Deserialize)]
        struct Header {
            format: Option<Value>,
            version: Option<Value>,
        }
        let header: Header = serde_json::from_slice(json).map_err(|e| {
            corrupt(format!(
                "its content is not a Sparekey vault document (not a JSON object; line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        if header.format.as_ref().and_then(Value::as_str) != Some(FORMAT) {
            return Err(corrupt(format!(
                "its content is not a Sparekey vault document (no \"format\": \"{FORMAT}\")"
            )));
        }
        let version = header
            .version
            .as_ref()
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| corrupt("the document has no valid \"version\"".into()))?;
        if version > VERSION {
            return Err(Error::NewerVersion {
                file: file.to_owned(),
                found: version,
                supported: VERSION,
            });
        }
        let shape_error = |e: serde_json::Error| {
            // serde's message can quote a value (a secret); give only where.
            corrupt(format!(
                "the document does not have the expected shape ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        };
        let doc: Document = if version < VERSION {
            let mut value: Value = serde_json::from_slice(json).map_err(shape_error)?;
            migrate(&mut value, version)?;
            serde_json::from_value(value).map_err(shape_error)?
        } else {
            serde_json::from_slice(json).map_err(shape_error)?
        };
        doc.checked(file)
    }

    /// Serializes to JSON in a buffer that is wiped when dropped.
    pub fn to_json(&self) -> Zeroizing<Vec<u8>> {
        // Compact: at 10,000 accounts pretty-printing costs a third more time
        // and bytes; `age -d ... | jq` shows it indented.
        crate::secret::to_json(self)
    }

    /// The document just parsed, once [`Document::check`] passes, with its
    /// account list no larger than it needs to be: the parser grows it by
    /// doubling, which at 10,000 accounts leaves room for 6,000 more
    /// (1.4 MB) for as long as the vault is open.
    fn checked(mut self, file: &Path) -> Result<Document> {
        self.check(file)?;
        self.accounts.shrink_to_fit();
        Ok(self)
    }

    /// Consistency rules that serde cannot express.
    fn check(&self, file: &Path) -> Result<()> {
        let mut seen = std::collections::HashSet::with_capacity(self.accounts.len());
        for (i, account) in self.accounts.iter().enumerate() {
            if !seen.insert(account.id.as_str()) {
                return Err(Error::Corrupt {
                    file: file.to_owned(),
                    detail: format!("account #{} repeats the id of an earlier account", i + 1),
                });
            }
        }
        Ok(())
    }

    /// The account `candidate` would duplicate: one with the same
    /// `issuer:name` (ignoring case), or one with the same OTP secret.
    /// (For many candidates at once, use a [`DuplicateIndex`].)
    pub fn duplicate_of(&self, candidate: &Account) -> Option<&Account> {
        let key = label_key(candidate);
        self.accounts
            .iter()
            .find(|a| is_duplicate(a, candidate, &key))
    }

    /// Adds an account, refusing a duplicate (same label or same secret).
    pub fn add_account(&mut self, account: Account) -> Result<()> {
        if let Some(existing) = self.duplicate_of(&account) {
            let why = if existing.label().eq_ignore_ascii_case(&account.label()) {
                "an account with this issuer and name"
            } else {
                "an account with the same 2FA secret"
            };
            return Err(Error::invalid(
                "account",
                format!(
                    "the vault already has {why} ({}); rename or remove it first",
                    existing.label()
                ),
            ));
        }
        self.accounts.push(account);
        Ok(())
    }

    /// Renames an account (and sets its note when given), refusing a label
    /// another account already has.
    pub fn edit_account(
        &mut self,
        id: &str,
        issuer: &str,
        name: &str,
        note: Option<&str>,
        now: i64,
    ) -> Result<&Account> {
        let mut candidate = self.account_mut(id)?.clone();
        candidate.rename(issuer, name, now)?;
        if let Some(note) = note {
            candidate.set_note(note, now)?;
        }
        let label = candidate.label().to_lowercase();
        if let Some(other) = self
            .accounts
            .iter()
            .find(|a| a.id != id && a.label().to_lowercase() == label)
        {
            return Err(Error::invalid(
                "name",
                format!("another account is already called {}", other.label()),
            ));
        }
        let slot = self.account_mut(id)?;
        *slot = candidate;
        Ok(slot)
    }

    /// Takes this document's key material (own recipient, emergency kit,
    /// extra recipients) from `keys`: what a restore does, so that putting
    /// an old version back never revives a replaced kit, never drops the
    /// current one, and never makes an old machine's key a recipient again.
    pub fn keep_keys_of(&mut self, keys: &Document) {
        self.own_recipient.clone_from(&keys.own_recipient);
        self.emergency_kit.clone_from(&keys.emergency_kit);
        self.extra_recipients.clone_from(&keys.extra_recipients);
        self.rekey_pending = keys.rekey_pending;
        self.vault_id.clone_from(&keys.vault_id);
    }

    /// Replaces the settings after checking their limits.
    pub fn set_settings(&mut self, settings: Settings) -> Result<()> {
        settings.validate()?;
        self.settings = settings;
        Ok(())
    }

    /// Removes the account with this id (and its guide progress) and
    /// returns it.
    pub fn remove_account(&mut self, id: &str) -> Result<Account> {
        let i = self.index_of(id).ok_or_else(|| Error::NoMatch {
            query: format!("id {id}"),
        })?;
        self.guide_checks.retain(|c| c.account_id != id);
        // No inventory keeps pointing at the mailbox account removed.
        for account in &mut self.accounts {
            for email in &mut account.ways.emails {
                if email.mailbox_account.as_deref() == Some(id) {
                    email.mailbox_account = None;
                }
            }
        }
        self.deleted.push(Tombstone {
            id: id.to_owned(),
            deleted_at: crate::time::now(),
        });
        if self.deleted.len() > MAX_TOMBSTONES {
            self.deleted.remove(0);
        }
        Ok(self.accounts.remove(i))
    }

    /// Notes that an encrypted backup of the whole vault was exported at
    /// `now` (Unix seconds); the guides' and health's backup checks read it.
    pub fn record_backup_export(&mut self, now: i64) {
        self.last_backup_export_at = Some(now);
    }

    /// The saved check of a manual guide step for an account, if any.
    pub fn step_check(
        &self,
        guide_id: &str,
        step_id: &str,
        account_id: &str,
    ) -> Option<&StepCheck> {
        self.guide_checks
            .iter()
            .find(|c| c.guide_id == guide_id && c.step_id == step_id && c.account_id == account_id)
    }

    /// Saves (or replaces) the check of a manual guide step. Callers validate
    /// the ids first; [`crate::guides::check_step`] does.
    pub fn set_step_check(&mut self, check: StepCheck) {
        self.remove_step_check(&check.guide_id, &check.step_id, &check.account_id);
        self.guide_checks.push(check);
    }

    /// Removes the check of a manual guide step; returns whether one existed.
    pub fn remove_step_check(&mut self, guide_id: &str, step_id: &str, account_id: &str) -> bool {
        let before = self.guide_checks.len();
        self.guide_checks.retain(|c| {
            !(c.guide_id == guide_id && c.step_id == step_id && c.account_id == account_id)
        });
        self.guide_checks.len() != before
    }

    /// The one account a typed query means (see [`crate::account::find`]).
    pub fn find(&self, query: &str) -> Result<&Account> {
        crate::account::find(&self.accounts, query).map(|i| &self.accounts[i])
    }

    /// Index of the account with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.id == id)
    }

    /// The account with this id, or a clear error.
    pub fn account(&self, id: &str) -> Result<&Account> {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::NoMatch {
                query: format!("id {id}"),
            })
    }

    /// The account with this id, for changing it, or a clear error.
    pub fn account_mut(&mut self, id: &str) -> Result<&mut Account> {
        self.accounts
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or_else(|| Error::NoMatch {
                query: format!("id {id}"),
            })
    }
}

/// Brings a document of an older `version` up to [`VERSION`]. Version 1 is
/// the first, so no step exists yet; each future version adds an arm that
/// rewrites `value` one version forward, then recurses, and a fixture test of
/// the old shape.
pub fn migrate(value: &mut Value, from: u32) -> Result<()> {
    match from {
        VERSION => Ok(()),
        // e.g. `1 => { v1_to_v2(value); migrate(value, 2) }`
        _ => {
            let _ = value;
            Err(Error::invalid(
                "vault version",
                format!("{from} is not a version Sparekey ever wrote"),
            ))
        }
    }
}

/// How labels are compared for duplicates: `issuer:name`, ignoring case.
fn label_key(account: &Account) -> String {
    account.label().to_lowercase()
}

/// The duplicate rule: another account (not the same id) with the same
/// label, ignoring case, or the same OTP secret. `key` is
/// `label_key(candidate)`.
fn is_duplicate(existing: &Account, candidate: &Account, key: &str) -> bool {
    existing.id != candidate.id
        && (label_key(existing) == key
            || match (&existing.otp, &candidate.otp) {
                (Some(x), Some(y)) => x.secret() == y.secret(),
                _ => false,
            })
}

/// [`Document::duplicate_of`] for many candidates: an index of a list of
/// accounts by label and by (a keyed hash of) secret, so an import of
/// 10,000 entries checks each in constant time instead of against every
/// account. Hits are confirmed with the same rule as `duplicate_of`.
pub struct DuplicateIndex {
    labels: HashMap<String, Vec<usize>>,
    secrets: HashMap<u64, Vec<usize>>,
    hasher: RandomState,
}

impl DuplicateIndex {
    /// Indexes `accounts` (positions are their indexes in the slice).
    pub fn new(accounts: &[Account]) -> DuplicateIndex {
        let mut index = DuplicateIndex {
            labels: HashMap::with_capacity(accounts.len()),
            secrets: HashMap::with_capacity(accounts.len()),
            hasher: RandomState::new(),
        };
        for (i, account) in accounts.iter().enumerate() {
            index.insert(i, account);
        }
        index
    }

    /// Adds the account at position `i` (after pushing it onto the list).
    pub fn insert(&mut self, i: usize, account: &Account) {
        self.labels.entry(label_key(account)).or_default().push(i);
        if let Some(otp) = &account.otp {
            let hash = self.hasher.hash_one(otp.secret().expose());
            self.secrets.entry(hash).or_default().push(i);
        }
    }

    /// The first account in `accounts` (the indexed list) that `candidate`
    /// would duplicate.
    pub fn find<'a>(&self, accounts: &'a [Account], candidate: &Account) -> Option<&'a Account> {
        let key = label_key(candidate);
        let by_label = self.labels.get(&key).into_iter().flatten();
        let by_secret = candidate
            .otp
            .as_ref()
            .and_then(|otp| {
                self.secrets
                    .get(&self.hasher.hash_one(otp.secret().expose()))
            })
            .into_iter()
            .flatten();
        by_label
            .chain(by_secret)
            .copied()
            .filter(|&i| {
                accounts
                    .get(i)
                    .is_some_and(|a| is_duplicate(a, candidate, &key))
            })
            .min()
            .map(|i| &accounts[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("vault.age")
    }

    #[test]
    fn duplicate_index_finds_what_duplicate_of_finds() {
        let otp = |secret: &str| {
            Some(
                crate::otp::parse_uri(&format!("otpauth://totp/x?secret={secret}"))
                    .unwrap()
                    .otp,
            )
        };
        let mut doc = Document::default();
        for (issuer, name, secret) in [
            ("PyPI", "alice", Some("JBSWY3DPEHPK3PXP")),
            ("GitHub", "alice", Some("GEZDGNBVGY3TQOJQ")),
            ("npm", "bob", None),
        ] {
            let secret = secret.and_then(otp);
            doc.add_account(Account::new(issuer, name, secret, 0).unwrap())
                .unwrap();
        }
        let index = DuplicateIndex::new(&doc.accounts);
        let candidates = [
            ("pypi", "ALICE", None),                  // same label, other case
            ("Other", "x", Some("GEZDGNBVGY3TQOJQ")), // same secret
            ("npm", "bob", Some("JBSWY3DPEHPK3PXP")), // both, two accounts
            ("Other", "y", Some("MFRGGZDFMZTWQ2LK")), // neither
            ("Other", "z", None),                     // neither, no secret
        ];
        for (issuer, name, secret) in candidates {
            let candidate = Account::new(issuer, name, secret.and_then(otp), 0).unwrap();
            let linear = doc.duplicate_of(&candidate).map(|a| a.id.clone());
            let indexed = index.find(&doc.accounts, &candidate).map(|a| a.id.clone());
            assert_eq!(indexed, linear, "{issuer}:{name}");
        }
        // An account is never its own duplicate.
        assert!(index.find(&doc.accounts, &doc.accounts[0]).is_none());
        assert_eq!(
            index
                .find(
                    &doc.accounts,
                    &Account::new("npm", "bob", otp("JBSWY3DPEHPK3PXP"), 0).unwrap()
                )
                .map(|a| a.label()),
            Some("PyPI:alice".to_owned()),
            "the first duplicate in list order wins"
        );
    }

    #[test]
    fn round_trip() {
        let mut doc = Document::default();
        doc.settings.auto_lock_minutes = 9;
        let again = Document::from_json(&doc.to_json(), path()).unwrap();
        assert_eq!(again.settings.auto_lock_minutes, 9);
    }

    #[test]
    fn guide_fields_round_trip_and_default_when_absent() {
        let mut doc = Document::default();
        doc.record_backup_export(1_700_000_000);
        doc.set_step_check(StepCheck {
            guide_id: "pypi-prevent".into(),
            step_id: "emails".into(),
            account_id: "a1".into(),
            done_at: 5,
            note: "two addresses".into(),
        });
        let again = Document::from_json(&doc.to_json(), path()).unwrap();
        assert_eq!(again.last_backup_export_at, Some(1_700_000_000));
        assert_eq!(
            again
                .step_check("pypi-prevent", "emails", "a1")
                .map(|c| c.note.as_str()),
            Some("two addresses")
        );
        // A version-1 document written before these fields existed still reads.
        let old = br#"{"format":"sparekey-vault","version":1,"accounts":[]}"#;
        let old = Document::from_json(old, path()).unwrap();
        assert!(old.guide_checks.is_empty());
        assert_eq!(old.last_backup_export_at, None);
    }

    #[test]
    fn recovery_sets_saved_before_generation_dates_still_open() {
        // An account as the previous version wrote it: no generated_at, no
        // superseded sets.
        let old = br#"{"format":"sparekey-vault","version":1,"accounts":[{"id":"0123456789abcdef0123456789abcdef","issuer":"PyPI","name":"alice","created_at":1,"updated_at":2,"recovery":{"service":"pypi","updated_at":1700000000,"codes":[{"code":"9f2c8e1d4b7a3f2a","used_at":null},{"code":"0a1b2c3d4e5f6a7b","used_at":1700000500}]}}]}"#;
        let doc = Document::from_json(old, path()).unwrap();
        let set = &doc.accounts[0].recovery;
        assert_eq!((set.len(), set.unused_count()), (2, 1));
        assert_eq!(set.generated_at(), None);
        assert!(set.superseded().is_empty());
        let again = Document::from_json(&doc.to_json(), path()).unwrap();
        assert_eq!(again.accounts[0].recovery, *set);
    }

    #[test]
    fn edit_refuses_a_taken_label_and_settings_have_limits() {
        let mut doc = Document::default();
        doc.add_account(Account::new("PyPI", "alice", None, 0).unwrap())
            .unwrap();
        doc.add_account(Account::new("PyPI", "bob", None, 0).unwrap())
            .unwrap();
        let bob = doc.accounts[1].id.clone();
        let err = doc
            .edit_account(&bob, "pypi", "ALICE", None, 1)
            .unwrap_err();
        assert!(
            err.to_string().contains("already called PyPI:alice"),
            "{err}"
        );
        assert_eq!(doc.accounts[1].name, "bob", "nothing changed");
        let renamed = doc
            .edit_account(&bob, "PyPI", "robert", Some("work"), 2)
            .unwrap();
        assert_eq!(
            (renamed.label().as_str(), renamed.note.as_str()),
            ("PyPI:robert", "work")
        );
        let too_long = Settings {
            auto_lock_minutes: 5000,
            ..Settings::default()
        };
        assert!(doc.set_settings(too_long).is_err());
        assert_eq!(doc.settings, Settings::default());
    }

    #[test]
    fn newer_version_is_refused() {
        let json = br#"{"format":"sparekey-vault","version":7,"accounts":[]}"#;
        match Document::from_json(json, path()) {
            Err(Error::NewerVersion { found: 7, .. }) => {}
            other => panic!("expected NewerVersion, got {other:?}"),
        }
    }

    #[test]
    fn foreign_json_is_corrupt_and_errors_quote_no_content() {
        for json in [
            &br#"{"hello":"world"}"#[..],
            br#"[1,2]"#,
            br#"not json"#,
            br#"{"format":"sparekey-vault"}"#,
            br#"{"format":"sparekey-vault","version":0}"#,
        ] {
            assert!(Document::from_json(json, path()).is_err());
        }
        let secretish = br#"{"format":"sparekey-vault","version":1,"accounts":"TOPSECRETVALUE"}"#;
        let err = Document::from_json(secretish, path())
            .unwrap_err()
            .to_string();
        assert!(!err.contains("TOPSECRET"), "{err}");
    }

    #[test]
    fn a_parsed_account_list_holds_no_spare_room() {
        let accounts: Vec<String> = (0..1000)
            .map(|i| format!(r#"{{"id":"{i:032x}","issuer":"I","name":"n{i}","created_at":1,"updated_at":2}}"#))
            .collect();
        let json = format!(
            r#"{{"format":"sparekey-vault","version":1,"accounts":[{}]}}"#,
            accounts.join(",")
        );
        let doc = Document::from_json(json.as_bytes(), path()).unwrap();
        assert_eq!(doc.accounts.len(), 1000);
        assert_eq!(doc.accounts.capacity(), 1000);
    }

    #[test]
    fn text_and_byte_parsing_agree() {
        // Valid UTF-8 is parsed as text (`from_str`), anything else as bytes
        // (`from_slice`), as everything was before: same documents, same
        // errors.
        let account = r#"{"id":"0123456789abcdef0123456789abcdef","issuer":"Ünï","name":"a\"b\u00e9","created_at":1,"updated_at":2,"otp":{"type":"totp","secret":"JBSWY3DPEHPK3PXP"}}"#;
        let good = format!(r#"{{"format":"sparekey-vault","version":1,"accounts":[{account}]}}"#);
        let shown = |json: &[u8]| match Document::from_json(json, path()) {
            Ok(doc) => format!("ok {:?}", doc.accounts[0].summary()),
            Err(e) => format!("error: {e}"),
        };
        let by_bytes = |json: &[u8]| match serde_json::from_slice::<Document>(json) {
            Ok(doc) => {
                doc.check(path()).unwrap();
                format!("ok {:?}", doc.accounts[0].summary())
            }
            Err(_) => unreachable!("only called on documents that parse"),
        };
        assert_eq!(shown(good.as_bytes()), by_bytes(good.as_bytes()));
        assert!(shown(good.as_bytes()).contains("a\\\"bé"));
        // Invalid UTF-8 in a string, in a key, after the document; a bad
        // secret: each is refused, naming only where.
        let mut in_string = good.clone().into_bytes();
        let at = good.find("Ünï").unwrap();
        in_string[at] = 0xff;
        let mut in_key = good.clone().into_bytes();
        let at = good.find("issuer").unwrap();
        in_key[at] = 0xc3;
        let mut after = good.clone().into_bytes();
        after.extend_from_slice(b" \xff");
        let bad_secret = good.replace("JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3P0P");
        for json in [&in_string[..], &in_key, &after, bad_secret.as_bytes()] {
            let err = shown(json);
            assert!(err.starts_with("error: "), "{err}");
            assert!(err.contains("line 1"), "{err}");
            assert!(!err.contains("JBSWY3DP"), "{err}");
        }
    }
}
