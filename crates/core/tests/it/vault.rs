//! The vault store as a user relies on it: what is saved comes back, damage
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! is reported and never written over, concurrent writers lose nothing.

use std::{fs, path::Path, sync::Arc, thread};

use sparekey_core::{
    account::Account,
    otp,
    secret::SecretString,
    vault::{crypto, store::BACKUPS_KEPT, Vault},
    Error,
};

pub(crate) fn pass(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

pub(crate) fn new_vault(dir: &Path) -> Vault {
    Vault::create(dir, &pass("correct horse"), Some(10)).unwrap()
}

pub(crate) fn add(vault: &mut Vault, issuer: &str, name: &str) {
    let parsed = otp::parse_uri(&format!(
        "otpauth://totp/{issuer}:{name}?secret={}",
        random_secret()
    ))
    .unwrap();
    vault
        .update(|doc| doc.add_account(Account::new(issuer, name, Some(parsed.otp), 1)?))
        .unwrap();
}

fn random_secret() -> String {
    let bytes: [u8; 20] = rand::random();
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

fn labels(vault: &Vault) -> Vec<String> {
    let mut l: Vec<_> = vault.doc().accounts.iter().map(Account::label).collect();
    l.sort();
    l
}

pub(crate) fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        out.push((
            entry.strip_prefix(dir).unwrap().display().to_string(),
            fs::read(&entry).unwrap(),
        ));
    }
    out.sort();
    out
}

pub(crate) fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn saved_accounts_come_back_after_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "PyPI", "alice");
    add(&mut v, "GitHub", "alice");
    drop(v);
    let v = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    assert_eq!(labels(&v), ["GitHub:alice", "PyPI:alice"]);
}

#[test]
fn init_refuses_an_existing_vault_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "PyPI", "alice");
    let before = snapshot(dir.path());
    assert!(matches!(
        Vault::create(dir.path(), &pass("other"), Some(10)),
        Err(Error::VaultExists { .. })
    ));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn wrong_passphrase_is_its_own_error() {
    let dir = tempfile::tempdir().unwrap();
    new_vault(dir.path());
    let err = Vault::unlock(dir.path(), &pass("Correct horse")).unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase), "{err}");
    assert!(err.to_string().contains("wrong passphrase"));
}

#[test]
fn missing_vault_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let err = Vault::unlock(&dir.path().join("nope"), &pass("x")).unwrap_err();
    assert!(matches!(err, Error::VaultNotFound { .. }), "{err}");
    // Core names the folder; what to do is each front end's to say (the
    // CLI's "create one with `sparekey-cli init`" is checked in tests/cli.rs).
    assert!(err.to_string().contains("nope"), "{err}");
    assert!(!err.to_string().contains("sparekey-cli"), "{err}");
}

/// Every kind of damage to either file: a clear Corrupt error naming the
/// file, and not one byte of the folder changes, even when a write follows.
#[test]
fn damaged_files_are_reported_and_never_overwritten() {
    type Damage = fn(Vec<u8>) -> Vec<u8>;
    let damages: [(&str, Damage); 5] = [
        ("truncated", |b| b[..b.len() / 2].to_vec()),
        ("empty", |_| Vec::new()),
        ("bit-flipped", |mut b| {
            let n = b.len();
            b[n - 20] ^= 0x01;
            b
        }),
        ("foreign", |_| b"{\"just\": \"json\"}\n".to_vec()),
        ("header-only", |b| {
            let end = b.windows(4).position(|w| w == b"\n---").unwrap();
            b[..end].to_vec()
        }),
    ];
    for file in ["vault.age", "identity.age"] {
        for (name, damage) in damages {
            let dir = tempfile::tempdir().unwrap();
            let mut v = new_vault(dir.path());
            add(&mut v, "PyPI", "alice");
            let path = dir.path().join(file);
            fs::write(&path, damage(fs::read(&path).unwrap())).unwrap();
            let before = snapshot(dir.path());
            let err = Vault::unlock(dir.path(), &pass("correct horse")).unwrap_err();
            match &err {
                Error::Corrupt { file: f, .. } => assert!(f.ends_with(file), "{name}: {err}"),
                other => panic!("{file} {name}: expected Corrupt, got {other}"),
            }
            assert!(err.to_string().contains(file), "{err}");
            // The session that was open before the damage must not write either.
            if file == "vault.age" {
                let result = v.update(|doc| {
                    doc.settings.auto_lock_minutes = 1;
                    Ok(())
                });
                assert!(
                    result.is_err(),
                    "{name}: a save over a damaged vault must fail"
                );
            }
            assert_eq!(
                snapshot(dir.path()),
                before,
                "{file} {name}: the folder changed"
            );
        }
    }
}

#[test]
fn vault_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(dir.path());
    let json = br#"{"format":"sparekey-vault","version":99,"accounts":[]}"#;
    let identity_text = {
        // Re-encrypt a v99 document to the vault's own recipient.
        v.recipient()
    };
    let recipient = identity_text.parse().unwrap();
    let ct = crypto::encrypt_to(json, &[recipient]).unwrap();
    fs::write(dir.path().join("vault.age"), ct).unwrap();
    let before = snapshot(dir.path());
    let err = Vault::unlock(dir.path(), &pass("correct horse")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::NewerVersion {
                found: 99,
                supported: 1,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("newer Sparekey"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_change_that_fails_writes_nothing_and_keeps_memory_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "PyPI", "alice");
    let before = snapshot(dir.path());
    let result: Result<(), Error> = v.update(|doc| {
        doc.accounts.clear();
        Err(Error::invalid("test", "refused"))
    });
    assert!(result.is_err());
    assert_eq!(labels(&v), ["PyPI:alice"]);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn each_save_keeps_the_previous_version_and_at_most_twenty() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "A", "one");
    let backups = v.paths().list_backups().unwrap();
    assert_eq!(backups.len(), 1);
    // The newest backup is the vault as it was before the last save.
    let old = fs::read(&backups[0]).unwrap();
    fs::write(dir.path().join("vault.age"), old).unwrap();
    let reopened = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    assert!(reopened.doc().accounts.is_empty());
    for i in 0..25 {
        add(&mut v, "B", &format!("n{i}"));
    }
    assert_eq!(v.paths().list_backups().unwrap().len(), BACKUPS_KEPT);
}

#[test]
fn two_sessions_see_and_keep_each_others_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = new_vault(dir.path());
    let mut b = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    add(&mut a, "A", "from-a");
    add(&mut b, "B", "from-b"); // b re-reads a's save before applying its own
    assert!(a.refresh().unwrap());
    assert_eq!(labels(&a), ["A:from-a", "B:from-b"]);
    assert!(!a.refresh().unwrap(), "no change on disk: no re-read");
}

#[test]
fn concurrent_writers_in_threads_lose_nothing() {
    let dir = Arc::new(tempfile::tempdir().unwrap());
    new_vault(dir.path());
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let dir = Arc::clone(&dir);
            thread::spawn(move || {
                let mut v = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
                for i in 0..10 {
                    add(&mut v, "T", &format!("t{t}-{i}"));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let v = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    assert_eq!(v.doc().accounts.len(), 40);
}

#[test]
fn passphrase_change_rewrites_only_the_identity() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "PyPI", "alice");
    let vault_before = fs::read(dir.path().join("vault.age")).unwrap();
    v.change_passphrase(&pass("new passphrase"), Some(10))
        .unwrap();
    assert_eq!(
        fs::read(dir.path().join("vault.age")).unwrap(),
        vault_before
    );
    assert!(matches!(
        Vault::unlock(dir.path(), &pass("correct horse")),
        Err(Error::WrongPassphrase)
    ));
    let v = Vault::unlock(dir.path(), &pass("new passphrase")).unwrap();
    assert_eq!(labels(&v), ["PyPI:alice"]);
}

/// After `vault.age` is damaged, the newest good backup comes back and the
/// damaged file is kept aside, not deleted.
#[test]
fn newest_good_backup_replaces_a_damaged_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "A", "one");
    add(&mut v, "B", "two");
    // Damage the newest backup too: restore must skip it.
    let backups = v.paths().list_backups().unwrap();
    let newest = &backups[0];
    fs::write(newest, b"garbage").unwrap();
    let vault_file = dir.path().join("vault.age");
    let damaged = {
        let mut b = fs::read(&vault_file).unwrap();
        b.truncate(b.len() / 2);
        b
    };
    fs::write(&vault_file, &damaged).unwrap();
    drop(v);

    let infos = Vault::inspect_backups(dir.path(), &pass("correct horse")).unwrap();
    assert_eq!(infos.len(), 2);
    assert!(infos[0].accounts.is_err(), "the garbage backup is reported");
    assert_eq!(
        infos[1].accounts,
        Ok(0),
        "the backup from before the first add"
    );

    let (restored, used) = Vault::restore_backup(dir.path(), &pass("correct horse"), None).unwrap();
    assert_eq!(used, infos[1].path);
    assert!(restored.doc().accounts.is_empty());
    let again = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    assert!(again.doc().accounts.is_empty());
    let aside: Vec<_> = fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("damaged-"))
        .map(|e| fs::read(e.path()).unwrap())
        .collect();
    assert_eq!(aside, [damaged], "the damaged vault is kept, byte for byte");
    // A wrong passphrase restores nothing.
    assert!(matches!(
        Vault::restore_backup(dir.path(), &pass("nope"), None),
        Err(Error::WrongPassphrase)
    ));
}

/// Rolling back a readable vault keeps the version it replaces as a backup.
#[test]
fn restoring_a_chosen_backup_keeps_the_current_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "A", "one");
    add(&mut v, "B", "two");
    let one_account = v.paths().list_backups().unwrap()[0].clone();
    let (restored, _) =
        Vault::restore_backup(dir.path(), &pass("correct horse"), Some(&one_account)).unwrap();
    assert_eq!(labels(&restored), ["A:one"]);
    let newest = Vault::inspect_backups(dir.path(), &pass("correct horse")).unwrap();
    assert_eq!(
        newest[0].accounts,
        Ok(2),
        "the two-account version is now a backup"
    );
}

mod emergency_kit {
    use super::*;
    use sparekey_core::{secret::ExposeSecret, vault::crypto};

    fn kit_text(key: &sparekey_core::vault::KitKey) -> SecretString {
        SecretString::from(key.text().expose_secret().to_owned())
    }

    #[test]
    fn a_kit_opens_the_vault_and_a_new_passphrase_can_be_set() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        let kit = v.create_kit(100).unwrap();
        assert!(format!("{kit:?}").contains("age1"));
        assert!(!format!("{kit:?}").contains("AGE-SECRET-KEY"));
        drop(v);

        // The passphrase still works, and so does the kit.
        assert!(!Vault::unlock(dir.path(), &pass("correct horse"))
            .unwrap()
            .opened_with_kit());
        let mut by_kit = Vault::unlock_with_kit(dir.path(), &kit_text(&kit)).unwrap();
        assert!(by_kit.opened_with_kit());
        assert_eq!(labels(&by_kit), ["PyPI:alice"]);
        // Saving while opened with the kit keeps the passphrase working.
        add(&mut by_kit, "GitHub", "alice");
        assert_eq!(
            labels(&Vault::unlock(dir.path(), &pass("correct horse")).unwrap()),
            ["GitHub:alice", "PyPI:alice"]
        );

        // The user forgot the passphrase: set a new one with the kit.
        by_kit
            .reset_passphrase(&pass("brand new passphrase"), Some(10))
            .unwrap();
        assert!(!by_kit.opened_with_kit());
        assert!(matches!(
            Vault::unlock(dir.path(), &pass("correct horse")),
            Err(Error::WrongPassphrase)
        ));
        let v = Vault::unlock(dir.path(), &pass("brand new passphrase")).unwrap();
        assert_eq!(labels(&v), ["GitHub:alice", "PyPI:alice"]);
        assert_eq!(v.doc().own_recipient, v.recipient());
        assert!(v.doc().extra_recipients.is_empty());
        // The kit still opens it.
        assert!(Vault::unlock_with_kit(dir.path(), &kit_text(&kit)).is_ok());
    }

    #[test]
    fn a_replaced_kit_opens_nothing_not_even_old_backups() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        let old = v.create_kit(1).unwrap();
        add(&mut v, "GitHub", "alice");
        let new = v.create_kit(2).unwrap();
        assert_ne!(old.recipient(), new.recipient());
        let err = Vault::unlock_with_kit(dir.path(), &kit_text(&old)).unwrap_err();
        assert!(err.to_string().contains("replaced"), "{err}");
        let old_key = sparekey_core::vault::store::parse_kit(&kit_text(&old)).unwrap();
        let backups = v.paths().list_backups().unwrap();
        assert!(backups.len() >= 3);
        for b in backups {
            let bytes = fs::read(&b).unwrap();
            assert!(
                crypto::decrypt_with_identity(&bytes, &old_key, &b).is_err(),
                "{} still opens with the replaced kit",
                b.display()
            );
        }
        // The passphrase still opens every backup.
        let infos = Vault::inspect_backups(dir.path(), &pass("correct horse")).unwrap();
        assert!(infos.iter().all(|i| i.accounts.is_ok()), "{infos:?}");
        assert!(Vault::unlock_with_kit(dir.path(), &kit_text(&new)).is_ok());
    }

    #[test]
    fn verify_tells_the_current_kit_from_others() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        let no_kit = v.verify_kit(&pass("AGE-SECRET-KEY-1QQQQ"), 5).unwrap_err();
        assert!(no_kit.to_string().contains("kit"), "{no_kit}");
        let kit = v.create_kit(1).unwrap();
        v.verify_kit(&kit_text(&kit), 7).unwrap();
        assert_eq!(v.doc().emergency_kit.as_ref().unwrap().verified_at, Some(7));
        let other_dir = tempfile::tempdir().unwrap();
        let other = new_vault(other_dir.path()).create_kit(1).unwrap();
        assert!(v.verify_kit(&kit_text(&other), 8).is_err());
        assert!(Vault::unlock_with_kit(dir.path(), &kit_text(&other)).is_err());
        let garbage = Vault::unlock_with_kit(dir.path(), &pass("not a key")).unwrap_err();
        assert!(
            garbage.to_string().contains("AGE-SECRET-KEY-1"),
            "{garbage}"
        );
    }

    /// The printed kit is an age identity file: the reference tool opens the
    /// vault with it, no Sparekey and no passphrase needed.
    #[test]
    fn the_age_tool_opens_the_vault_with_the_kit() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        let kit = v.create_kit(1).unwrap();
        let kit_file = dir.path().join("kit.txt");
        fs::write(&kit_file, kit.text().expose_secret()).unwrap();
        let out = std::process::Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(&kit_file)
            .arg(dir.path().join("vault.age"))
            .output()
            .expect("the age tool (Debian package age)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["accounts"][0]["issuer"], "PyPI");
    }
}

mod automatic_backups {
    use super::*;
    use sparekey_core::{
        clock::ClockSync,
        guides::Context,
        health::{self, FindingKind},
    };

    fn set_folder(v: &mut Vault, folder: &Path, keep: u32) {
        let folder = folder.to_str().unwrap().to_owned();
        v.update(|doc| {
            let mut s = doc.settings.clone();
            s.backup_folder = folder;
            s.backup_keep = keep;
            doc.set_settings(s)
        })
        .unwrap();
    }

    /// Makes the last automatic backup look two days old, which is itself a
    /// change and so writes the next one.
    fn a_day_passes(v: &mut Vault) {
        v.update(|doc| {
            doc.last_auto_backup_at = doc.last_auto_backup_at.map(|t| t - 2 * 86_400);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn written_after_changes_at_most_daily_rotated_and_openable() {
        let dir = tempfile::tempdir().unwrap();
        let usb = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        set_folder(&mut v, usb.path(), 2);
        // The change that turned it on wrote the first backup.
        let first = fs::read(usb.path().join("vault.age")).unwrap();
        assert_eq!(fs::read(dir.path().join("vault.age")).unwrap(), first);
        assert!(v.doc().last_auto_backup_at.is_some());
        // More changes the same day: no new backup.
        add(&mut v, "GitHub", "alice");
        assert_eq!(fs::read(usb.path().join("vault.age")).unwrap(), first);
        // A day later the next change writes one, and the folder keeps 2.
        for _ in 0..4 {
            a_day_passes(&mut v);
        }
        let kept = sparekey_core::vault::VaultPaths::new(usb.path())
            .list_backups()
            .unwrap();
        assert_eq!(kept.len(), 2, "{kept:?}");
        // The folder is a vault: it opens with the passphrase as it is.
        let copy = Vault::unlock(usb.path(), &pass("correct horse")).unwrap();
        assert_eq!(labels(&copy), ["GitHub:alice", "PyPI:alice"]);
        let report = health::check(
            v.doc(),
            &Context {
                now: sparekey_core::time::now(),
                clock: ClockSync::Synchronized,
            },
        )
        .unwrap();
        assert!(!report
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::AutoBackupStale));
    }

    #[test]
    fn a_missing_folder_never_fails_a_save_and_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let usb = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        set_folder(&mut v, usb.path(), 5);
        let unplugged = usb.path().to_owned();
        drop(usb); // the drive is gone
        a_day_passes(&mut v);
        add(&mut v, "PyPI", "alice"); // the save itself succeeds
        let reopened = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
        assert_eq!(labels(&reopened), ["PyPI:alice"]);
        let error = reopened.doc().auto_backup_error.clone().unwrap();
        assert!(error.contains("missing"), "{error}");
        let report = health::check(
            reopened.doc(),
            &Context {
                now: sparekey_core::time::now(),
                clock: ClockSync::Synchronized,
            },
        )
        .unwrap();
        let finding = report
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::AutoBackupStale)
            .expect("a finding about the backup folder");
        assert!(
            finding.message.contains(unplugged.to_str().unwrap()),
            "{}",
            finding.message
        );
        // A relative folder is refused when set.
        let err = v
            .update(|doc| {
                let mut s = doc.settings.clone();
                s.backup_folder = "relative/dir".into();
                doc.set_settings(s)
            })
            .unwrap_err();
        assert!(err.to_string().contains("full path"), "{err}");
    }
}

#[test]
fn taking_a_totp_code_writes_nothing_and_an_hotp_code_saves_its_counter() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    add(&mut vault, "PyPI", "alice");
    let hotp = otp::parse_uri("otpauth://hotp/Corp:vpn?secret=JBSWY3DPEHPK3PXP&counter=5").unwrap();
    vault
        .update(|doc| doc.add_account(Account::new("Corp", "vpn", Some(hotp.otp), 1)?))
        .unwrap();
    let id = |vault: &Vault, label: &str| vault.doc().find(label).unwrap().id.clone();
    let (totp, vpn) = (id(&vault, "PyPI:alice"), id(&vault, "Corp:vpn"));

    let before = snapshot(dir.path());
    let view = vault.take_code(&totp, 1_800_000_000).unwrap();
    assert_eq!(view.counter, None);
    assert_eq!(
        view,
        vault
            .doc()
            .account(&totp)
            .unwrap()
            .code_at(1_800_000_000)
            .unwrap()
    );
    assert_eq!(snapshot(dir.path()), before, "a TOTP code writes nothing");

    let first = vault.take_code(&vpn, 0).unwrap();
    let second = vault.take_code(&vpn, 0).unwrap();
    assert_eq!((first.counter, second.counter), (Some(5), Some(6)));
    assert_ne!(first.code, second.code);
    let reopened = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    let next = reopened
        .doc()
        .account(&vpn)
        .unwrap()
        .otp()
        .unwrap()
        .kind()
        .clone();
    assert_eq!(
        next,
        otp::OtpKind::Hotp { counter: 7 },
        "the counter is saved"
    );
}

/// Makes a FIFO at `path` with coreutils' mkfifo.
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo from coreutils");
    assert!(status.success());
}

/// Special files planted in the vault folder get an answer, not a hang:
/// opening a FIFO blocks until someone writes to it, so a FIFO named
/// `vault.age`, a FIFO among the backups and a FIFO conflict copy are each
/// refused as "not a regular file" (or left alone) instead of opened.
#[test]
fn fifos_in_the_vault_folder_are_refused_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    add(&mut vault, "PyPI", "alice");
    add(&mut vault, "PyPI", "bob");
    drop(vault);

    // Among the backups and as a conflict copy: the vault still opens, and
    // a change still saves.
    mkfifo(
        &dir.path()
            .join("backups")
            .join("vault-99999999T999999Z.age"),
    );
    mkfifo(
        &dir.path()
            .join("vault.sync-conflict-20261203-101500-FIFOFIF.age"),
    );
    let mut vault = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    add(&mut vault, "GitHub", "alice");
    let report = vault
        .take_merge_report()
        .expect("the FIFO copy is reported");
    assert_eq!(report.unreadable.len(), 1, "{report:?}");
    assert!(
        report.unreadable[0].contains("not a regular file"),
        "{report:?}"
    );
    let infos = Vault::inspect_backups(dir.path(), &pass("correct horse")).unwrap();
    assert!(
        infos.iter().any(|b| b
            .accounts
            .as_ref()
            .is_err_and(|e| e.contains("not a regular file"))),
        "{infos:?}"
    );
    drop(vault);

    // As vault.age itself: a clear error naming the file.
    fs::remove_file(dir.path().join("vault.age")).unwrap();
    mkfifo(&dir.path().join("vault.age"));
    let error = Vault::unlock(dir.path(), &pass("correct horse")).unwrap_err();
    assert!(matches!(error, Error::Corrupt { .. }), "{error}");
    assert!(error.to_string().contains("not a regular file"), "{error}");
}

/// Restoring keeps the current keys: after `kit replace`, putting back a
/// version saved under the old kit neither revives the old kit nor kills
/// the new one (the version's document still names the old kit).
#[test]
fn a_restore_after_a_kit_replace_keeps_the_current_kit() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = new_vault(dir.path());
    let old_kit = vault.create_kit(1).unwrap();
    add(&mut vault, "PyPI", "alice");
    add(&mut vault, "PyPI", "bob");
    let new_kit = vault.create_kit(2).unwrap();
    drop(vault);
    // The version with alice only, saved while the old kit was in force.
    let infos = Vault::inspect_backups(dir.path(), &pass("correct horse")).unwrap();
    let alice_only = infos
        .iter()
        .find(|b| b.accounts == Ok(1))
        .expect("a backup with one account")
        .path
        .clone();
    let (restored, _) =
        Vault::restore_backup(dir.path(), &pass("correct horse"), Some(&alice_only)).unwrap();
    assert_eq!(labels(&restored), ["PyPI:alice"]);
    assert_eq!(
        restored
            .doc()
            .emergency_kit
            .as_ref()
            .map(|k| k.recipient.as_str()),
        Some(new_kit.recipient())
    );
    drop(restored);
    assert!(
        Vault::unlock_with_kit(dir.path(), new_kit.text()).is_ok(),
        "the current kit opens it"
    );
    assert!(
        Vault::unlock_with_kit(dir.path(), old_kit.text()).is_err(),
        "the replaced kit opens nothing"
    );
    assert!(Vault::unlock(dir.path(), &pass("correct horse")).is_ok());
}

/// A vault made from an exported backup has keys of its own: the old
/// vault's key is no recipient and its kit opens nothing of the new vault.
#[test]
fn a_vault_restored_from_an_export_has_only_its_own_keys() {
    let old_dir = tempfile::tempdir().unwrap();
    let mut old = new_vault(old_dir.path());
    let old_kit = old.create_kit(1).unwrap();
    add(&mut old, "PyPI", "alice");
    let exported = sparekey_core::export::backup::backup_vault(
        &old,
        &pass("backup words here"),
        Some(10),
        false,
        2,
    )
    .unwrap();
    let old_recipient = old.recipient();
    drop(old);

    let new_dir = tempfile::tempdir().unwrap();
    let target = new_dir.path().join("vault");
    let restored = sparekey_core::export::backup::restore(
        &exported,
        &pass("backup words here"),
        Path::new("backup.age"),
        &target,
        &pass("new passphrase"),
        Some(10),
    )
    .unwrap();
    assert_eq!(labels(&restored), ["PyPI:alice"]);
    assert_eq!(restored.doc().own_recipient, restored.recipient());
    assert_ne!(restored.doc().own_recipient, old_recipient);
    assert!(restored.doc().emergency_kit.is_none());
    assert!(restored.doc().extra_recipients.is_empty());
    drop(restored);
    assert!(Vault::unlock_with_kit(&target, old_kit.text()).is_err());
}

/// An automatic-backup folder is claimed by the vault that writes there.
mod backup_folder_claims {
    use super::*;
    use sparekey_core::app::backups::{self, AutoBackupChange};

    fn turn_on(v: &mut Vault, folder: &Path) -> sparekey_core::Result<()> {
        let change = AutoBackupChange {
            folder: Some(folder.to_owned()),
            keep: Some(3),
        };
        backups::set_auto(v, &change).map(|_| ())
    }

    /// Two vaults (two machines) pointed at one folder: the second is
    /// refused and the first one's key copy and history are untouched.
    #[test]
    fn a_folder_holding_another_vaults_backups_is_refused_and_untouched() {
        let usb = tempfile::tempdir().unwrap();
        let a = tempfile::tempdir().unwrap();
        let mut va = new_vault(a.path());
        add(&mut va, "PyPI", "alice");
        turn_on(&mut va, usb.path()).unwrap();
        let before = snapshot(usb.path());
        assert!(usb.path().join("sparekey-backup-of").is_file());

        let b = tempfile::tempdir().unwrap();
        let mut vb = new_vault(b.path());
        add(&mut vb, "GitHub", "bob");
        let error = turn_on(&mut vb, usb.path()).unwrap_err().to_string();
        assert!(error.contains("another vault"), "{error}");
        assert_eq!(
            snapshot(usb.path()),
            before,
            "the other vault's folder changed"
        );

        // Even set behind the check's back (a synced settings file, an old
        // build), the save keeps away from it and says why.
        let folder = usb.path().to_str().unwrap().to_owned();
        vb.update(|doc| {
            let mut s = doc.settings.clone();
            s.backup_folder = folder;
            doc.set_settings(s)
        })
        .unwrap();
        assert_eq!(snapshot(usb.path()), before);
        assert!(vb
            .doc()
            .auto_backup_error
            .as_deref()
            .is_some_and(|e| e.contains("another vault")));
        // The first vault's backup still opens with its own passphrase.
        let copy = Vault::unlock(usb.path(), &pass("correct horse")).unwrap();
        assert_eq!(labels(&copy), ["PyPI:alice"]);
    }

    /// After `passwd`, the backup folder's copy of identity.age opens with
    /// the new passphrase at once, and no longer with the old one.
    #[test]
    fn a_passphrase_change_reaches_the_backup_folder_at_once() {
        let usb = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        turn_on(&mut v, usb.path()).unwrap();
        v.change_passphrase(&pass("a brand new passphrase"), Some(10))
            .unwrap();
        assert!(matches!(
            Vault::unlock(usb.path(), &pass("correct horse")),
            Err(Error::WrongPassphrase)
        ));
        let copy = Vault::unlock(usb.path(), &pass("a brand new passphrase")).unwrap();
        assert_eq!(labels(&copy), ["PyPI:alice"]);
    }

    /// Switching to another folder writes its first backup at once, though
    /// the last one (elsewhere) is not a day old.
    #[test]
    fn a_new_folder_gets_its_first_backup_at_once() {
        let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        turn_on(&mut v, one.path()).unwrap();
        turn_on(&mut v, two.path()).unwrap();
        let copy = Vault::unlock(two.path(), &pass("correct horse")).unwrap();
        assert_eq!(labels(&copy), ["PyPI:alice"]);
    }
}

/// Backups are ordered by a sequence number, not by the time in their name:
/// with a clock that went back (here: twenty versions named far in the
/// future), each new backup is still the newest and pruning removes the
/// oldest, never the one just made.
#[test]
fn a_clock_that_goes_back_does_not_prune_new_backups() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = new_vault(dir.path());
    add(&mut v, "PyPI", "alice");
    let backups = dir.path().join("backups");
    let existing = walk(&backups);
    let sample = fs::read(&existing[0]).unwrap();
    for i in 0..BACKUPS_KEPT {
        fs::write(
            backups.join(format!("vault-99991231T2359{i:02}Z.age")),
            &sample,
        )
        .unwrap();
    }
    add(&mut v, "PyPI", "bob");
    add(&mut v, "PyPI", "carol");
    let newest = Vault::inspect_backups(dir.path(), &pass("correct horse")).unwrap();
    assert_eq!(newest.len(), BACKUPS_KEPT);
    // Newest first: the version with alice and bob, then alice alone.
    assert_eq!(newest[0].accounts, Ok(2), "{newest:?}");
    assert_eq!(newest[1].accounts, Ok(1), "{newest:?}");
    assert!(
        !backups.join("vault-99991231T235900Z.age").exists(),
        "the oldest went first"
    );
}

/// What Health says about the vault's files, not only its document.
mod file_findings {
    use super::*;
    use sparekey_core::{
        app::{
            self,
            backups::{self, AutoBackupChange},
            kit::KitChange,
        },
        guides::Context,
        health::FindingKind,
    };

    fn kinds(v: &Vault) -> Vec<FindingKind> {
        app::guides::health(v, &Context::system())
            .unwrap()
            .findings
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    /// A kit replaced while the backup folder is unplugged: the new kit is
    /// in force and the command says what did not happen; Health shows it
    /// until a change with the folder back finishes it.
    #[test]
    fn a_kit_replaced_with_the_backup_folder_unplugged_is_finished_later() {
        let dir = tempfile::tempdir().unwrap();
        let usb = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        let change = AutoBackupChange {
            folder: Some(usb.path().to_owned()),
            keep: None,
        };
        backups::set_auto(&mut v, &change).unwrap();
        app::kit::create(&mut v, KitChange::New).unwrap();
        fs::remove_dir_all(usb.path()).unwrap();
        let error = app::kit::create(&mut v, KitChange::Replace).err().unwrap();
        let text = error.to_string();
        assert!(text.contains("the new kit is in force"), "{text}");
        assert!(text.contains("next change"), "{text}");
        assert!(v.key_change_unfinished());
        assert!(kinds(&v).contains(&FindingKind::KeyChangeUnfinished));
        // The drive is back.
        fs::create_dir_all(usb.path()).unwrap();
        add(&mut v, "GitHub", "alice");
        assert!(!v.key_change_unfinished());
        assert!(!kinds(&v).contains(&FindingKind::KeyChangeUnfinished));
        assert!(usb.path().join("vault.age").exists());
    }

    #[test]
    fn a_conflict_copy_that_does_not_open_is_a_finding_until_it_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let mut v = new_vault(dir.path());
        add(&mut v, "PyPI", "alice");
        let stranger = age::x25519::Identity::generate().to_public();
        let bytes = crypto::encrypt_to(v.doc().to_json().as_slice(), &[stranger]).unwrap();
        let name = "vault.sync-conflict-20261203-101010-OTHERKY.age";
        fs::write(dir.path().join(name), bytes).unwrap();
        let report = app::guides::health(&v, &sparekey_core::guides::Context::system()).unwrap();
        let finding = report
            .findings
            .iter()
            .find(|f| f.kind == FindingKind::ConflictCopyUnreadable)
            .expect("a finding for the copy");
        assert!(finding.message.contains(name), "{}", finding.message);
        // A change leaves it where it is and says so.
        add(&mut v, "GitHub", "alice");
        let merged = v.take_merge_report().expect("a report");
        assert_eq!(merged.unreadable.len(), 1, "{merged:?}");
        assert!(dir.path().join(name).exists());
        fs::remove_file(dir.path().join(name)).unwrap();
        assert!(!kinds(&v).contains(&FindingKind::ConflictCopyUnreadable));
    }
}
