//! Two replicas of one vault folder (as Syncthing, Nextcloud or Dropbox
//! keep them) edited while apart, then synced in either order: both end
//! with the same vault and no edit is lost.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{fs, path::Path};

use serde_json::Value;
use sparekey_core::{
    account::Account,
    otp,
    recovery::{RecoverySet, Service},
    secret::SecretString,
    vault::Vault,
};

fn pass() -> SecretString {
    SecretString::from("correct horse".to_owned())
}

fn open(dir: &Path) -> Vault {
    Vault::unlock(dir, &pass()).unwrap()
}

/// Opens and merges what a sync tool left, as the next change would.
fn open_merged(dir: &Path) -> Vault {
    let mut vault = open(dir);
    vault.merge_conflict_copies().unwrap();
    vault
}

fn account(issuer: &str, name: &str, hotp_counter: Option<u64>) -> Account {
    let secret: [u8; 20] = rand::random();
    let secret = data_encoding::BASE32_NOPAD.encode(&secret);
    let uri = match hotp_counter {
        Some(c) => format!("otpauth://hotp/{issuer}:{name}?secret={secret}&counter={c}"),
        None => format!("otpauth://totp/{issuer}:{name}?secret={secret}"),
    };
    let parsed = otp::parse_uri(&uri).unwrap();
    Account::new(issuer, name, Some(parsed.otp), 1).unwrap()
}

fn id_of(v: &Vault, label: &str) -> String {
    v.doc().find(label).unwrap().id.clone()
}

/// The two replicas after their offline edits.
struct Replicas {
    _tmp: tempfile::TempDir,
    a: std::path::PathBuf,
    b: std::path::PathBuf,
}

fn diverged() -> Replicas {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let mut v = Vault::create(&a, &pass(), Some(10)).unwrap();
    v.update(|doc| {
        let mut pypi = account("PyPI", "alice", None);
        pypi.recovery = RecoverySet::new(
            (0..8).map(|i| format!("{i:x}123456789abcdef")).collect(),
            Service::Pypi,
            1,
        )?;
        doc.add_account(pypi)?;
        doc.add_account(account("GitHub", "alice", None))?;
        doc.add_account(account("Corp", "vpn", Some(10)))?;
        doc.add_account(account("Old", "thing", None))
    })
    .unwrap();
    drop(v);
    fs::create_dir(&b).unwrap();
    for f in ["identity.age", "vault.age"] {
        fs::copy(a.join(f), b.join(f)).unwrap();
    }

    // Replica A, offline: adds an account, uses a recovery code, renames
    // GitHub, takes one HOTP code.
    let mut va = open(&a);
    let (pypi, github, vpn) = (
        id_of(&va, "PyPI:alice"),
        id_of(&va, "GitHub:alice"),
        id_of(&va, "Corp:vpn"),
    );
    va.update(|doc| {
        doc.add_account(account("Only", "on-a", None))?;
        doc.account_mut(&pypi)?.recovery.mark_used(0, 100)?;
        doc.edit_account(&github, "GitHub", "alice-a", None, 50)?;
        doc.account_mut(&vpn)?.take_code(0, 50)?;
        Ok(())
    })
    .unwrap();

    // Replica B, offline: adds another, uses another code, takes three HOTP
    // codes, deletes the old account, edits the PyPI note later than A.
    let mut vb = open(&b);
    let old = id_of(&vb, "Old:thing");
    vb.update(|doc| {
        doc.add_account(account("Only", "on-b", None))?;
        doc.account_mut(&pypi)?.recovery.mark_used(5, 200)?;
        for _ in 0..3 {
            doc.account_mut(&vpn)?.take_code(0, 60)?;
        }
        doc.remove_account(&old)?;
        doc.account_mut(&pypi)?
            .set_note("printed codes in the safe", 300)?;
        Ok(())
    })
    .unwrap();
    Replicas { _tmp: tmp, a, b }
}

/// The sync tool delivers `from`'s vault.age to `to` as a conflict copy.
fn deliver_conflict(from: &Path, to: &Path, name: &str) {
    fs::copy(from.join("vault.age"), to.join(name)).unwrap();
}

/// The sync tool replaces `to`'s vault.age with `from`'s (no conflict).
fn deliver_replace(from: &Path, to: &Path) {
    let tmp = to.join(".incoming");
    fs::copy(from.join("vault.age"), &tmp).unwrap();
    fs::rename(tmp, to.join("vault.age")).unwrap();
}

/// What a user would compare: accounts by id, without times of merge.
fn content(v: &Vault) -> Value {
    let mut accounts: Vec<Value> = v
        .doc()
        .accounts
        .iter()
        .map(|a| serde_json::to_value(a).unwrap())
        .collect();
    accounts.sort_by_key(|a| a["id"].as_str().unwrap().to_owned());
    Value::Array(accounts)
}

fn check_nothing_lost(v: &Vault) {
    let labels: Vec<String> = {
        let mut l: Vec<_> = v.doc().accounts.iter().map(Account::label).collect();
        l.sort();
        l
    };
    assert_eq!(
        labels,
        [
            "Corp:vpn",
            "GitHub:alice-a",
            "Only:on-a",
            "Only:on-b",
            "PyPI:alice"
        ],
        "both additions kept, the rename kept, the deletion kept"
    );
    let pypi = v.doc().find("PyPI:alice").unwrap();
    let used: Vec<usize> = pypi
        .recovery
        .codes()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_used())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(used, [0, 5], "codes used on either side stay used");
    assert_eq!(pypi.note, "printed codes in the safe");
    let vpn = v.doc().find("Corp:vpn").unwrap().summary();
    assert_eq!(vpn.counter, Some(13), "the larger HOTP counter wins");
}

#[test]
fn a_merges_b_then_b_takes_the_result() {
    let r = diverged();
    deliver_conflict(
        &r.b,
        &r.a,
        "vault.sync-conflict-20261123-230301-BBBBBBB.age",
    );
    let mut va = open_merged(&r.a); // the next change merges the conflict copy
    check_nothing_lost(&va);
    assert!(!va.refresh().unwrap(), "nothing left to merge");
    deliver_replace(&r.a, &r.b);
    let vb = open(&r.b);
    assert_eq!(content(&va), content(&vb));
    // The merged copy is kept in backups/, not deleted.
    let kept = fs::read_dir(r.a.join("backups"))
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("merged-vault.sync-conflict-")
        });
    assert!(kept);
    assert!(sparekey_core::vault::sync::conflict_copies(&r.a).is_empty());
}

#[test]
fn b_merges_a_then_a_takes_the_result_and_both_orders_agree() {
    let first = {
        let r = diverged();
        deliver_conflict(
            &r.b,
            &r.a,
            "vault.sync-conflict-20261123-230301-BBBBBBB.age",
        );
        content(&open_merged(&r.a))
    };
    let r = diverged();
    // Dropbox's naming this time, and an already-open session that notices.
    let mut vb = open(&r.b);
    deliver_conflict(&r.a, &r.b, "vault (Alice's conflicted copy 2026-11-23).age");
    let report = vb.merge_conflict_copies().unwrap();
    assert_eq!(report.merged_files.len(), 1, "{report:?}");
    check_nothing_lost(&vb);
    deliver_replace(&r.b, &r.a);
    let va = open(&r.a);
    assert_eq!(content(&va), content(&vb));
    // Both orders give the same accounts (ids differ between the two runs,
    // so compare what a user sees).
    let strip = |v: &Value| -> Vec<(String, String, String)> {
        let mut out: Vec<_> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    format!("{}:{}", a["issuer"], a["name"]),
                    a["note"].to_string(),
                    a["recovery"]["codes"]
                        .as_array()
                        .map(|c| c.iter().filter(|c| !c["used_at"].is_null()).count())
                        .unwrap_or(0)
                        .to_string(),
                )
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(strip(&first), strip(&content(&va)));
}

#[test]
fn an_edit_after_a_deletion_on_the_other_side_keeps_the_account() {
    let r = diverged();
    // A edits the account B deleted, later than B's deletion.
    let mut va = open(&r.a);
    let old = id_of(&va, "Old:thing");
    va.update(|doc| {
        doc.account_mut(&old)?
            .set_note("still needed", i64::MAX / 2)?;
        Ok(())
    })
    .unwrap();
    deliver_conflict(
        &r.b,
        &r.a,
        "vault.sync-conflict-20261123-230302-BBBBBBB.age",
    );
    let va = open_merged(&r.a);
    assert_eq!(va.doc().find("Old:thing").unwrap().note, "still needed");
}

#[test]
fn an_unreadable_conflict_copy_is_left_alone_and_reported() {
    let r = diverged();
    let junk = r.a.join("vault.sync-conflict-20261123-230303-JUNK.age");
    fs::write(&junk, b"not an age file").unwrap();
    let mut va = open(&r.a);
    let report = va.merge_conflict_copies().unwrap();
    assert_eq!(report.unreadable.len(), 1, "{report:?}");
    assert!(junk.exists());
}

/// Opening, listing and reading codes never write: with a readable conflict
/// copy present, the vault opens on a folder nobody may write to (here: the
/// files are compared byte for byte), and the copy waits for the next change.
#[test]
fn reading_with_a_conflict_copy_present_writes_nothing() {
    let r = diverged();
    deliver_conflict(
        &r.b,
        &r.a,
        "vault.sync-conflict-20261123-230304-BBBBBBB.age",
    );
    let before = fs::read(r.a.join("vault.age")).unwrap();
    let mut va = open(&r.a);
    assert!(!va.refresh().unwrap());
    assert_eq!(
        fs::read(r.a.join("vault.age")).unwrap(),
        before,
        "opening wrote"
    );
    assert_eq!(va.pending_conflict_copies().len(), 1);
    // The next change merges it, and says what it merged.
    va.update(|_| Ok(())).unwrap();
    let report = va.take_merge_report().expect("a merge report");
    assert_eq!(report.merged_files.len(), 1, "{report:?}");
    assert!(va.pending_conflict_copies().is_empty());
    check_nothing_lost(&va);
}

/// age does not authenticate senders: anyone who knows the vault's public
/// key can write a "conflict copy". Its recipients and emergency kit are
/// never merged, so every later save stays readable by this vault's keys
/// alone, and the copy is named in the report.
#[test]
fn a_planted_conflict_copy_adds_no_recipient_and_swaps_no_kit() {
    let r = diverged();
    let mut va = open(&r.a);
    let ours = va.doc().clone();
    // The attacker's document: A's own accounts, plus their key as an extra
    // recipient and their key as the "emergency kit".
    let attacker = age::x25519::Identity::generate();
    let attacker_recipient = attacker.to_public().to_string();
    let mut planted = ours.clone();
    planted.extra_recipients.push(attacker_recipient.clone());
    planted.emergency_kit = Some(sparekey_core::vault::EmergencyKit {
        recipient: attacker_recipient.clone(),
        created_at: i64::MAX / 2,
        verified_at: None,
    });
    let own: age::x25519::Recipient = ours.own_recipient.parse().unwrap();
    let json = planted.to_json();
    let bytes = sparekey_core::vault::crypto::encrypt_to(&json, &[own]).unwrap();
    fs::write(
        r.a.join("vault.sync-conflict-20261123-230305-EVILEVL.age"),
        bytes,
    )
    .unwrap();

    va.update(|_| Ok(())).unwrap();
    let report = va.take_merge_report().expect("a merge report");
    assert_eq!(report.keys_ignored.len(), 1, "{report:?}");
    assert!(!va.doc().extra_recipients.contains(&attacker_recipient));
    assert_eq!(
        va.doc().emergency_kit.as_ref().map(|k| k.recipient.clone()),
        ours.emergency_kit.as_ref().map(|k| k.recipient.clone())
    );
    // The attacker's key opens nothing the vault saves from now on.
    let saved = fs::read(r.a.join("vault.age")).unwrap();
    assert!(
        sparekey_core::vault::crypto::decrypt_with_identity(
            &saved,
            &attacker,
            &r.a.join("vault.age")
        )
        .is_err(),
        "the planted key reads the vault"
    );
}
