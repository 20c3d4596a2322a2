//! A read-only look at one account's live code, for `sparekey-cli code`.
//!
//! Opening a vault parses every account in full: at 10,000 accounts that is
//! about 8 ms of a 17 ms `sparekey-cli code`. To show one TOTP code, this
//! parses only each account's id, issuer and name (borrowed from the
//! plaintext, no copies), finds the account with the same rule as
//! [`crate::account::find`], and parses that one account's OTP with the
//! real parser. `sparekey-cli code` at 10,000 accounts then takes 10.6 ms
//! (`scripts/bench`, opened with the kit, so without the KDF).
//!
//! It is a fast path for success only. Anything it does not handle the same
//! way a full open would (a document of another version, sync conflict
//! copies waiting to be merged, a kit that is not the vault's current one,
//! a query that matches no account or several, an HOTP account, any error)
//! gives `None`, and the caller opens the vault in full, which says what is
//! wrong, migrates, merges or advances the counter as usual. So every error a
//! user sees still comes from one place.
//!
//! It does not check the other accounts. age authenticates the file, so
//! only an edit made with the vault's key can damage them; the next full
//! open (`list`, the app, any change) reports that.

use std::{borrow::Cow, path::Path};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    document::{FORMAT, VERSION},
    files::read_plaintext,
    keys::opened_with_kit,
    store::{VaultKey, VaultPaths},
    sync,
};
use crate::{
    account::{find_in, label_of, live_code, CodeView},
    otp::Otp,
};

/// The live code of the one account a query found.
#[derive(Debug)]
pub struct Peeked {
    /// The account's `issuer:name`.
    pub label: String,
    /// Its code now, the next one, and the seconds left.
    pub view: CodeView,
}

/// The vault document, as far as finding one account needs it. Field names
/// are those of [`super::Document`] and [`crate::account::Account`]; any
/// other field is skipped unread.
#[derive(Deserialize)]
struct Heads<'a> {
    #[serde(borrow)]
    format: Cow<'a, str>,
    version: u32,
    #[serde(default, borrow)]
    own_recipient: Cow<'a, str>,
    #[serde(default, borrow)]
    emergency_kit: Option<KitHead<'a>>,
    #[serde(default, borrow)]
    accounts: Vec<Head<'a>>,
}

#[derive(Deserialize)]
struct KitHead<'a> {
    #[serde(borrow)]
    recipient: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default, borrow)]
    issuer: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(default, borrow)]
    otp: Option<&'a RawValue>,
}

/// The live code at `unix_time` of the TOTP or Steam account `query` finds
/// in the vault in `dir`, opened with `key`; `None` when the vault must be
/// opened in full to answer (see the module's documentation).
pub fn live_code_of(dir: &Path, key: &VaultKey, query: &str, unix_time: u64) -> Option<Peeked> {
    let paths = VaultPaths::new(dir);
    if !sync::conflict_copies(dir).is_empty() {
        return None;
    }
    let plaintext = read_plaintext(&paths.vault(), key.identity()).ok()?;
    let text = std::str::from_utf8(&plaintext).ok()?;
    let heads: Heads<'_> = serde_json::from_str(text).ok()?;
    if heads.format != FORMAT || heads.version != VERSION {
        return None;
    }
    let opener = key.identity().to_public().to_string();
    let kit = heads.emergency_kit.as_ref().map(|k| k.recipient.as_ref());
    if opened_with_kit(&heads.own_recipient, kit, &opener) != key.is_kit() {
        return None;
    }
    let found =
        &heads.accounts[find_in(&heads.accounts, |h| [&h.id, &h.issuer, &h.name], query).ok()?];
    let otp: Otp = serde_json::from_str(found.otp?.get()).ok()?;
    // HOTP: `live_code` refuses it, and the full open takes the code.
    let label = label_of(&found.issuer, &found.name);
    let view = live_code(&found.id, || label.clone(), &otp, unix_time).ok()?;
    Some(Peeked { label, view })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{account::Account, otp, secret::SecretString, vault::Vault};

    const NOW: u64 = 1_800_000_000;

    fn pass() -> SecretString {
        SecretString::from("peek test passphrase".to_owned())
    }

    /// A vault with TOTP, Steam, HOTP and no-secret accounts, and two
    /// accounts a bare "alice" matches.
    fn vault(dir: &Path) -> Vault {
        let mut vault = Vault::create(dir, &pass(), Some(10)).unwrap();
        let uris = [
            "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
            "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub&period=60&digits=8&algorithm=SHA256",
            "otpauth://totp/Steam:gamer?secret=MFRGGZDFMZTWQ2LK&issuer=Steam",
            "otpauth://hotp/Corp:vpn?secret=KRSXG5CTMVRXEZLU&issuer=Corp&counter=5",
        ];
        vault
            .update(|doc| {
                for uri in uris {
                    let parsed = otp::parse_uri(uri)?;
                    let issuer = parsed.issuer.clone().unwrap_or_default();
                    doc.accounts
                        .push(Account::new(&issuer, &parsed.name, Some(parsed.otp), 0)?);
                }
                doc.accounts.push(Account::new("npm", "bob", None, 0)?);
                Ok(())
            })
            .unwrap();
        vault
    }

    /// What a full open answers for `query`: the label and code, or the
    /// error text.
    fn full(dir: &Path, query: &str) -> std::result::Result<(String, String), String> {
        let vault = Vault::unlock(dir, &pass()).map_err(|e| e.to_string())?;
        let account = vault.doc().find(query).map_err(|e| e.to_string())?;
        let view = account.code_at(NOW).map_err(|e| e.to_string())?;
        Ok((account.label(), view.code))
    }

    #[test]
    fn a_totp_code_equals_the_full_opens_and_anything_else_is_left_to_it() {
        let dir = tempfile::tempdir().unwrap();
        vault(dir.path());
        let key = VaultKey::from_passphrase(dir.path(), &pass()).unwrap();
        // Served here: one TOTP or Steam account, by label, part or id.
        let id = Vault::unlock(dir.path(), &pass()).unwrap().doc().accounts[1]
            .id
            .clone();
        for query in ["pypi", "PyPI:alice", "github", "steam", id.as_str()] {
            let peeked = live_code_of(dir.path(), &key, query, NOW)
                .unwrap_or_else(|| panic!("{query} takes the fast path"));
            assert_eq!(
                Ok((peeked.label.clone(), peeked.view.code.clone())),
                full(dir.path(), query),
                "{query}"
            );
            let account = Vault::unlock(dir.path(), &pass()).unwrap();
            let account = account.doc().find(query).unwrap();
            assert_eq!(peeked.view, account.code_at(NOW).unwrap(), "{query}");
        }
        // Left to the full open, which says what is wrong or takes the code.
        for query in ["alice", "gitlab", "corp", "npm", " "] {
            assert!(
                live_code_of(dir.path(), &key, query, NOW).is_none(),
                "{query}"
            );
        }
    }

    #[test]
    fn only_the_vaults_current_kit_takes_the_fast_path() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = vault(dir.path());
        let old = vault.create_kit(0).unwrap();
        let old_key = VaultKey::from_kit(old.text()).unwrap();
        assert!(live_code_of(dir.path(), &old_key, "pypi", NOW).is_some());
        // Replaced: the old kit opens nothing, here as in a full open.
        let new = vault.create_kit(1).unwrap();
        assert!(live_code_of(dir.path(), &old_key, "pypi", NOW).is_none());
        assert!(Vault::open(dir.path(), old_key).is_err());
        let new_key = VaultKey::from_kit(new.text()).unwrap();
        assert!(live_code_of(dir.path(), &new_key, "pypi", NOW).is_some());
        let passphrase_key = VaultKey::from_passphrase(dir.path(), &pass()).unwrap();
        assert!(live_code_of(dir.path(), &passphrase_key, "pypi", NOW).is_some());
    }

    #[test]
    fn conflict_copies_and_other_versions_take_the_full_open() {
        let dir = tempfile::tempdir().unwrap();
        vault(dir.path());
        let key = VaultKey::from_passphrase(dir.path(), &pass()).unwrap();
        let copy = dir
            .path()
            .join("vault.sync-conflict-20261124-120000-ABCDEFG.age");
        std::fs::copy(dir.path().join("vault.age"), &copy).unwrap();
        assert!(live_code_of(dir.path(), &key, "pypi", NOW).is_none());
        std::fs::remove_file(&copy).unwrap();
        assert!(live_code_of(dir.path(), &key, "pypi", NOW).is_some());

        // A newer version of the document, encrypted to the vault's key.
        let path = dir.path().join("vault.age");
        let plaintext = read_plaintext(&path, key.identity()).unwrap();
        let mut doc: serde_json::Value = serde_json::from_slice(&plaintext).unwrap();
        doc["version"] = serde_json::json!(VERSION + 1);
        let bytes = super::super::crypto::encrypt_to(
            doc.to_string().as_bytes(),
            &[key.identity().to_public()],
        )
        .unwrap();
        std::fs::write(&path, bytes).unwrap();
        assert!(live_code_of(dir.path(), &key, "pypi", NOW).is_none());
        assert!(matches!(
            Vault::unlock(dir.path(), &pass()),
            Err(crate::Error::NewerVersion { .. })
        ));
    }
}
