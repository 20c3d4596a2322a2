//! The portable encrypted backup: the whole vault document as JSON in one
//! age file encrypted with a passphrase (a single scrypt stanza, optionally
//! ASCII-armored). `age -d backup.age` prints it; [`restore`] makes a new
//! vault from it on any machine.

use std::path::Path;

use crate::{
    secret::SecretString,
    vault::{crypto, Document, Vault},
    Error, Result,
};

/// Largest backup file read, in bytes (as large as a vault may be).
pub const MAX_BACKUP_BYTES: usize = crate::vault::store::MAX_VAULT_BYTES as usize;

/// Encrypts a document as a backup. `work_factor` overrides age's
/// machine-tuned scrypt cost (tests only); `armor` writes ASCII armor.
pub fn backup(
    doc: &Document,
    passphrase: &SecretString,
    work_factor: Option<u8>,
    armor: bool,
) -> Vec<u8> {
    crypto::encrypt_with_passphrase(&doc.to_json(), passphrase, work_factor, armor)
}

/// The backup of the vault as it will be once the export is recorded (its
/// export time is `now`). Nothing is written: once the file is safely
/// stored, call [`record_backup_written`], so a failed write never counts
/// as a backup.
pub fn backup_vault(
    vault: &Vault,
    passphrase: &SecretString,
    work_factor: Option<u8>,
    armor: bool,
    now: i64,
) -> Result<Vec<u8>> {
    let mut doc = vault.doc().clone();
    doc.record_backup_export(now);
    Ok(backup(&doc, passphrase, work_factor, armor))
}

/// Records in the vault that the backup made at `now` was written, so the
/// guides' and health's backup checks see it.
pub fn record_backup_written(vault: &mut Vault, now: i64) -> Result<()> {
    vault.update(|doc| {
        doc.record_backup_export(now);
        Ok(())
    })
}

/// Decrypts and checks a backup (binary or armored). `file` names it in
/// errors. A wrong passphrase is [`Error::WrongPassphrase`].
pub fn read_backup(bytes: &[u8], passphrase: &SecretString, file: &Path) -> Result<Document> {
    if bytes.len() > MAX_BACKUP_BYTES {
        return Err(Error::Corrupt {
            file: file.to_owned(),
            detail: "it is larger than any Sparekey backup".into(),
        });
    }
    let json = crypto::decrypt_with_passphrase(bytes, passphrase, file)?;
    Document::from_json(&json, file)
}

/// Makes a new vault in `dir` from a backup: decrypts it with
/// `backup_passphrase`, then creates the vault protected by
/// `new_passphrase`, with keys of its own: the exported vault's key,
/// emergency kit and extra recipients are not carried over. Refuses a
/// folder that already holds a vault
/// ([`Error::VaultExists`]); nothing is created if the backup cannot be read.
pub fn restore(
    bytes: &[u8],
    backup_passphrase: &SecretString,
    file: &Path,
    dir: &Path,
    new_passphrase: &SecretString,
    work_factor: Option<u8>,
) -> Result<Vault> {
    if crate::vault::VaultPaths::new(dir).exists() {
        return Err(Error::VaultExists {
            dir: dir.to_owned(),
        });
    }
    let mut doc = read_backup(bytes, backup_passphrase, file)?;
    let mut vault = Vault::create(dir, new_passphrase, work_factor)?;
    // The new vault's keys are its own: the exported vault's key, kit and
    // extra recipients stay behind (make a new kit for the new vault).
    vault.update(move |d| {
        doc.keep_keys_of(d);
        *d = doc;
        Ok(())
    })?;
    Ok(vault)
}
