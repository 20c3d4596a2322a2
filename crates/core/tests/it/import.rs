//! Every importer on fixtures in its app's real export shape (made by
//! `tests/fixtures/import/generate.py`), good and broken, and the exports
//! read back: Sparekey → Aegis → Sparekey, vault → backup → restore, and
//! the backup read by the reference `age` tool.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Duration,
};

use sparekey_core::{
    account::Account,
    export, import, otp,
    recovery::{RecoverySet, Service},
    secret::{ExposeSecret, SecretString},
    vault::{Document, Vault},
    Error,
};

const FIXTURE_PASSWORD: &str = "fixture password";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn pass(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

fn preview_of(format: &str, file: &str, password: Option<&str>) -> import::Preview {
    let bytes = fixture(file);
    let password = password.map(pass);
    import::preview(
        format,
        &[&bytes],
        password.as_ref(),
        &Document::default(),
        1,
    )
    .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn labels(p: &import::Preview) -> Vec<&str> {
    p.to_import.iter().map(|i| i.label.as_str()).collect()
}

/// `(number, reason)` of every entry that cannot be imported.
fn problems(p: &import::Preview) -> Vec<(usize, String)> {
    p.not_importable
        .iter()
        .map(|x| (x.number, x.reason.clone()))
        .collect()
}

/// The preview, as front ends receive it, carries no secret.
fn assert_no_secret(p: &import::Preview, secrets: &[&str]) {
    let json = serde_json::to_string(p).unwrap();
    let debug = format!("{p:?}");
    for s in secrets {
        assert!(!json.contains(s), "secret in preview JSON: {json}");
        assert!(!debug.contains(s), "secret in preview Debug: {debug}");
    }
}

#[test]
fn otpauth_list_reports_bad_lines_and_duplicates() {
    let p = preview_of("otpauth", "otpauth_list.txt", None);
    assert_eq!(p.found, 6);
    assert_eq!(
        labels(&p),
        ["GitHub:alice", "PyPI:bob", "Example:carol", "Steam:dave"]
    );
    assert_eq!(p.to_import[1].digits, 8);
    assert_eq!(p.to_import[1].algorithm, "SHA256");
    assert_eq!(p.to_import[2].otp_type, "hotp");
    assert_eq!(p.to_import[3].otp_type, "steam");
    let bad = problems(&p);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, 5);
    assert_eq!(p.not_importable[0].label, "Broken:erin");
    assert!(bad[0].1.contains("secret"), "{}", bad[0].1);
    assert_eq!(p.duplicates.len(), 1);
    assert_eq!(p.duplicates[0].number, 6);
    assert!(p.duplicates[0].within_export);
    assert_no_secret(&p, &["JBSWY3DPEHPK3PXP", "NOT-BASE32"]);
}

#[test]
fn google_migration_text() {
    let p = preview_of("google-migration", "google_migration.txt", None);
    assert_eq!(p.found, 4);
    assert_eq!(
        labels(&p),
        ["Google:alice@example.com", "Dropbox:bob", "Bank:carol"]
    );
    assert_eq!(p.to_import[1].algorithm, "SHA256");
    assert_eq!(p.to_import[1].digits, 8);
    assert_eq!(p.to_import[2].otp_type, "hotp");
    let bad = problems(&p);
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, 4);
    assert!(bad[0].1.contains("MD5"), "{}", bad[0].1);
    assert!(p.notes.is_empty(), "{:?}", p.notes);
}

#[test]
fn google_migration_qr_batch_from_qrencode_images() {
    let one = fixture("google_batch_1.png");
    let two = fixture("google_batch_2.png");
    let doc = Document::default();
    let p = import::preview("qr", &[&one, &two], None, &doc, 1).unwrap();
    assert_eq!(
        labels(&p),
        ["Google:alice@example.com", "Dropbox:bob", "Bank:carol"]
    );
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    // Only the first code of the batch: its accounts, and a note saying
    // which code is missing.
    let p = import::preview("qr", &[&one], None, &doc, 1).unwrap();
    assert_eq!(p.to_import.len(), 2);
    assert_eq!(p.notes.len(), 1);
    assert!(
        p.notes[0].contains("but code 2 of 2 was not given"),
        "{}",
        p.notes[0]
    );
}

#[test]
fn qr_image_of_an_otpauth_uri_made_by_qrencode() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("code.png");
    let status = Command::new("qrencode")
        .args(["-s", "5", "-o"])
        .arg(&png)
        .arg("otpauth://totp/ACME%20Co:jane?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co")
        .status()
        .expect("qrencode is missing: install Debian's `qrencode`");
    assert!(status.success());
    let bytes = fs::read(&png).unwrap();
    let p = import::preview("qr", &[&bytes], None, &Document::default(), 1).unwrap();
    assert_eq!(labels(&p), ["ACME Co:jane"]);
}

#[test]
fn aegis_plain_lists_unsupported_types_with_why() {
    let p = preview_of("aegis", "aegis_plain.json", None);
    assert_eq!(p.found, 7);
    assert_eq!(
        labels(&p),
        [
            "Mastodon:alice@example.com",
            "Bank:bob",
            "VPN:carol",
            "Steam:dave"
        ]
    );
    assert_eq!(p.to_import[1].algorithm, "SHA512");
    assert_eq!(p.to_import[2].otp_type, "hotp");
    assert_eq!(p.to_import[3].otp_type, "steam");
    let bad = problems(&p);
    assert_eq!(bad.len(), 3);
    assert_eq!(bad[0].0, 5);
    assert!(bad[0].1.contains("mOTP"), "{}", bad[0].1);
    assert_eq!(bad[1].0, 6);
    assert!(bad[1].1.contains("Yandex"), "{}", bad[1].1);
    assert_eq!(bad[2].0, 7);
    assert!(bad[2].1.contains("secret"), "{}", bad[2].1);
    assert_eq!(p.not_importable[0].label, "Old VPN:erin");
    // Aegis groups become tags, its favourites pinned accounts.
    assert_eq!(p.to_import[0].tags, ["Work"]);
    assert!(!p.to_import[0].pinned);
    assert!(p.to_import[1].tags.is_empty());
    assert!(p.to_import[1].pinned);
}

#[test]
fn aegis_encrypted_opens_with_its_password_only() {
    let bytes = fixture("aegis_encrypted.json");
    assert!(import::is_encrypted("aegis", &[&bytes]).unwrap());
    assert!(!import::is_encrypted("aegis", &[&fixture("aegis_plain.json")]).unwrap());
    let p = preview_of("aegis", "aegis_encrypted.json", Some(FIXTURE_PASSWORD));
    assert_eq!(labels(&p), ["Mastodon:alice@example.com", "Bank:bob"]);
    assert_no_secret(&p, &["KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"]);
}

#[test]
fn twofas_plain_and_encrypted() {
    let p = preview_of("2fas", "twofas_plain.2fas", None);
    assert_eq!(
        labels(&p),
        [
            "GitLab:alice@example.com",
            "Proton:bob",
            "HOTP Co:carol",
            "Steam:dave"
        ]
    );
    assert_eq!(p.to_import[1].digits, 8);
    assert_eq!(p.to_import[2].otp_type, "hotp");
    assert_eq!(p.to_import[3].otp_type, "steam");
    // A 2FAS group becomes a tag.
    assert_eq!(p.to_import[0].tags, ["Dev"]);
    assert!(p.to_import[1].tags.is_empty());
    let bytes = fixture("twofas_encrypted.2fas");
    assert!(import::is_encrypted("2fas", &[&bytes]).unwrap());
    let p = preview_of("2fas", "twofas_encrypted.2fas", Some(FIXTURE_PASSWORD));
    assert_eq!(labels(&p), ["GitLab:alice@example.com", "Proton:bob"]);
}

#[test]
fn andotp_bitwarden_proton() {
    let p = preview_of("andotp", "andotp.json", None);
    assert_eq!(labels(&p), ["Mozilla:alice", "Ops:bob", "Steam:carol"]);
    // andOTP tags are kept as tags.
    assert_eq!(p.to_import[0].tags, ["work"]);
    assert!(
        p.to_import[0].notes.is_empty(),
        "{:?}",
        p.to_import[0].notes
    );
    assert_eq!(problems(&p).len(), 1);
    assert!(problems(&p)[0].1.contains("mOTP"));

    let p = preview_of("bitwarden", "bitwarden.json", None);
    assert_eq!(
        labels(&p),
        ["GitHub:alice", "Fastmail:bob@example.com", "Steam:carol"]
    );
    assert_eq!(p.to_import[2].otp_type, "steam");
    let bad = problems(&p);
    assert_eq!(bad.len(), 1);
    assert_eq!(p.not_importable[0].label, "Broken:erin");
    assert!(
        p.notes[0].contains("1 Bitwarden item has no TOTP"),
        "{:?}",
        p.notes
    );

    let p = preview_of("proton", "proton.json", None);
    assert_eq!(labels(&p), ["Proton:alice@proton.me", "Steam:gamer"]);
    assert_eq!(p.to_import[1].otp_type, "steam");
}

/// Broken inputs: each `fail_*` fixture (and wrong or missing passwords)
/// with the words its error must contain. No error quotes a secret.
#[test]
fn failing_fixtures_give_clear_errors() {
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "google-migration",
            "fail_google_truncated.txt",
            None,
            "truncated",
        ),
        (
            "google-migration",
            "fail_google_version.txt",
            None,
            "unknown Google Authenticator export version 9",
        ),
        (
            "aegis",
            "fail_aegis_scrypt_n.json",
            Some(FIXTURE_PASSWORD),
            "above Sparekey's limit",
        ),
        ("aegis", "fail_aegis_truncated.json", None, "truncated"),
        (
            "aegis",
            "fail_aegis_version.json",
            None,
            "unknown Aegis database version 9",
        ),
        (
            "aegis",
            "aegis_encrypted.json",
            Some("wrong"),
            "wrong password",
        ),
        (
            "aegis",
            "aegis_encrypted.json",
            None,
            "encrypted: give the password",
        ),
        ("aegis", "twofas_plain.2fas", None, "not an Aegis export"),
        (
            "2fas",
            "twofas_encrypted.2fas",
            Some("wrong"),
            "wrong password",
        ),
        (
            "2fas",
            "twofas_encrypted.2fas",
            None,
            "encrypted: give the password",
        ),
        (
            "2fas",
            "fail_twofas_version.2fas",
            None,
            "unknown 2FAS backup schema version 99",
        ),
        ("2fas", "aegis_plain.json", None, "not a 2FAS backup"),
        (
            "bitwarden",
            "fail_bitwarden_encrypted.json",
            None,
            "encrypted",
        ),
        (
            "proton",
            "fail_proton_version.json",
            None,
            "unknown Proton Authenticator export version 7",
        ),
        ("andotp", "aegis_plain.json", None, "expected a JSON list"),
        ("otpauth", "google_batch_1.png", None, "not UTF-8"),
        ("qr", "otpauth_list.txt", None, "image"),
    ];
    for (format, file, password, expected) in cases {
        let bytes = fixture(file);
        let password = password.map(pass);
        let err = import::preview(
            format,
            &[&bytes],
            password.as_ref(),
            &Document::default(),
            1,
        )
        .err()
        .unwrap_or_else(|| panic!("{format} {file} should fail"))
        .to_string();
        assert!(
            err.contains(expected),
            "{format} {file}: {err:?} lacks {expected:?}"
        );
        let about_password = expected.contains("password");
        let e = import::preview(
            format,
            &[&bytes],
            password.as_ref(),
            &Document::default(),
            1,
        )
        .unwrap_err();
        assert_eq!(import::is_password_error(&e), about_password, "{err}");
        for secret in [
            "JBSWY3DPEHPK3PXP",
            "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
            FIXTURE_PASSWORD,
        ] {
            assert!(!err.contains(secret), "{file}: {err}");
        }
    }
}

#[test]
fn inputs_are_bounded() {
    let huge = vec![b'a'; import::MAX_INPUT_BYTES + 1];
    let err = import::preview("otpauth", &[&huge], None, &Document::default(), 1).unwrap_err();
    assert!(err.to_string().contains("MiB"), "{err}");
    let line = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n";
    let many = line.repeat(import::MAX_ENTRIES + 1);
    let err =
        import::preview("otpauth", &[many.as_bytes()], None, &Document::default(), 1).unwrap_err();
    assert!(err.to_string().contains("at most 10000"), "{err}");
    let err = import::preview("nope", &[b"x"], None, &Document::default(), 1).unwrap_err();
    assert!(err.to_string().contains("aegis"), "{err}");
}

fn vault_with(dir: &Path, uris: &[&str]) -> Vault {
    let mut vault = Vault::create(dir, &pass("correct horse"), Some(10)).unwrap();
    for uri in uris {
        let p = otp::parse_uri(uri).unwrap();
        let account =
            Account::new(p.issuer.as_deref().unwrap_or(""), &p.name, Some(p.otp), 1).unwrap();
        vault.update(|doc| doc.add_account(account)).unwrap();
    }
    vault
}

#[test]
fn duplicates_of_vault_accounts_are_left_out_and_apply_writes_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with(
        dir.path(),
        &[
            // Same secret as GitHub:alice under another name.
            "otpauth://totp/Other:x?secret=JBSWY3DPEHPK3PXP",
            // Same issuer and name as PyPI:bob, another secret.
            "otpauth://totp/pypi:BOB?secret=ONSWG4TFOQ",
        ],
    );
    let bytes = fixture("otpauth_list.txt");
    let p = import::preview("otpauth", &[&bytes], None, vault.doc(), 5).unwrap();
    assert_eq!(labels(&p), ["Example:carol", "Steam:dave"]);
    let why: Vec<(usize, &str, &str, bool)> = p
        .duplicates
        .iter()
        .map(|d| (d.number, d.existing.as_str(), d.why, d.within_export))
        .collect();
    assert_eq!(
        why,
        [
            (1, "Other:x", "same_secret", false),
            (2, "pypi:BOB", "same_name", false),
            (6, "Other:x", "same_secret", false),
        ]
    );
    // Nothing written by the preview.
    assert_eq!(
        Vault::unlock(dir.path(), &pass("correct horse"))
            .unwrap()
            .doc()
            .accounts
            .len(),
        2
    );
    let applied = import::apply(p, &mut vault).unwrap();
    assert_eq!(applied.added, 2);
    let again = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    let names: Vec<String> = again.doc().accounts.iter().map(Account::label).collect();
    assert_eq!(
        names,
        ["Other:x", "pypi:BOB", "Example:carol", "Steam:dave"]
    );
    // The imported HOTP keeps its counter; the code equals the URI's.
    let carol = again.doc().find("Example:carol").unwrap();
    let expected = otp::parse_uri(
        "otpauth://hotp/Example:carol?secret=MFRGGZDFMZTWQ2LK&counter=5&issuer=Example",
    )
    .unwrap();
    assert_eq!(carol.otp.as_ref().unwrap(), &expected.otp);
}

#[test]
fn apply_skips_entries_that_became_duplicates_after_the_preview() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with(dir.path(), &[]);
    let bytes = fixture("proton.json");
    let p = import::preview("proton", &[&bytes], None, vault.doc(), 5).unwrap();
    // Another process adds the same Steam secret meanwhile.
    let mut other = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    let steam = otp::parse_uri("steam://NBSWY3DPEB3W64TMMQQQ").unwrap();
    other
        .update(|d| d.add_account(Account::new("Steam", "mine", Some(steam.otp), 1)?))
        .unwrap();
    let applied = import::apply(p, &mut vault).unwrap();
    assert_eq!(applied.added, 1);
    assert_eq!(applied.skipped_duplicates.len(), 1);
    assert_eq!(applied.skipped_duplicates[0].existing, "Steam:mine");
    assert_eq!(vault.doc().accounts.len(), 2);
}

#[test]
fn sparekey_to_aegis_and_back_keeps_every_account() {
    let p = preview_of("aegis", "aegis_plain.json", None);
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with(dir.path(), &[]);
    import::apply(p, &mut vault).unwrap();
    // An account without a secret is reported as skipped, not dropped silently.
    vault
        .update(|d| d.add_account(Account::new("Paper", "codes only", None, 1)?))
        .unwrap();
    let out = export::aegis::aegis_json(vault.doc());
    assert_eq!(out.exported, 4);
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].label, "Paper:codes only");
    let json: serde_json::Value = serde_json::from_str(&out.content).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["db"]["version"], 3);
    assert!(json["header"]["slots"].is_null());

    let back = import::preview(
        "aegis",
        &[out.content.as_bytes()],
        None,
        &Document::default(),
        9,
    )
    .unwrap();
    assert!(back.not_importable.is_empty());
    let original: Vec<&Account> = vault
        .doc()
        .accounts
        .iter()
        .filter(|a| a.otp.is_some())
        .collect();
    assert_eq!(back.to_import.len(), original.len());
    // Reimporting into the same vault finds every entry a duplicate.
    let again = import::preview("aegis", &[out.content.as_bytes()], None, vault.doc(), 9).unwrap();
    assert_eq!(again.duplicates.len(), 4);
    assert!(again.to_import.is_empty());
    // And into an empty vault: same labels, same generators.
    let dir2 = tempfile::tempdir().unwrap();
    let mut fresh = vault_with(dir2.path(), &[]);
    import::apply(back, &mut fresh).unwrap();
    for (a, b) in original.iter().zip(&fresh.doc().accounts) {
        assert_eq!(a.label(), b.label());
        assert_eq!(a.otp, b.otp);
        assert_eq!(a.note, b.note);
    }
}

#[test]
fn otpauth_export_round_trips() {
    let p = preview_of("otpauth", "otpauth_list.txt", None);
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with(dir.path(), &[]);
    import::apply(p, &mut vault).unwrap();
    let out = export::otpauth_list(vault.doc());
    assert_eq!(out.exported, 4);
    let back = import::preview(
        "otpauth",
        &[out.content.as_bytes()],
        None,
        &Document::default(),
        1,
    )
    .unwrap();
    assert_eq!(
        labels(&back),
        ["GitHub:alice", "PyPI:bob", "Example:carol", "Steam:dave"]
    );
}

fn age_decrypt(dir: &Path, file: &str, passphrase: &str) -> String {
    let mut child = Command::new("script")
        .args(["-qec", &format!("age -d {file}"), "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) is needed to type into age's prompt");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writeln!(stdin, "{passphrase}").unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "age failed: {text}");
    text
}

#[test]
fn backup_restores_elsewhere_and_age_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault_dir = dir.path().join("vault");
    let mut vault = vault_with(
        &vault_dir,
        &["otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP"],
    );
    let id = vault.doc().accounts[0].id.clone();
    let codes = RecoverySet::new(vec!["0123456789abcdef".into(); 1], Service::Pypi, 1).unwrap();
    vault
        .update(|d| {
            d.account_mut(&id)?.recovery.replace(codes, 0);
            Ok(())
        })
        .unwrap();
    let backup_pass = pass("backup passphrase");
    for (armor, now) in [(false, 1_700_000_000), (true, 1_700_000_100)] {
        let before = vault.doc().last_backup_export_at;
        let bytes =
            export::backup::backup_vault(&vault, &backup_pass, Some(10), armor, now).unwrap();
        // Not recorded until the caller says the file is written.
        assert_eq!(vault.doc().last_backup_export_at, before);
        export::backup::record_backup_written(&mut vault, now).unwrap();
        assert_eq!(vault.doc().last_backup_export_at, Some(now));
        if armor {
            assert!(bytes.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
        }
        let file: PathBuf = dir.path().join(format!("backup-{armor}.age"));
        fs::write(&file, &bytes).unwrap();
        // The reference age tool reads it.
        let text = age_decrypt(
            dir.path(),
            file.file_name().unwrap().to_str().unwrap(),
            "backup passphrase",
        );
        assert!(text.contains("\"format\":\"sparekey-vault\""), "{text}");
        assert!(text.contains("0123456789abcdef"));

        // Restore on "another machine": a new folder, a new passphrase.
        let target = dir.path().join(format!("restored-{armor}"));
        let err = export::backup::restore(
            &bytes,
            &pass("nope"),
            &file,
            &target,
            &pass("new pass"),
            Some(10),
        )
        .unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase), "{err}");
        assert!(
            !target.join("vault.age").exists(),
            "nothing is created on failure"
        );
        export::backup::restore(
            &bytes,
            &backup_pass,
            &file,
            &target,
            &pass("new pass"),
            Some(10),
        )
        .unwrap();
        let restored = Vault::unlock(&target, &pass("new pass")).unwrap();
        let a = &restored.doc().accounts[0];
        assert_eq!(a.label(), "PyPI:alice");
        assert_eq!(a.recovery.len(), 1);
        assert_eq!(a.otp, vault.doc().accounts[0].otp);
        // An existing vault is never overwritten.
        let err = export::backup::restore(
            &bytes,
            &backup_pass,
            &file,
            &vault_dir,
            &pass("x"),
            Some(10),
        )
        .unwrap_err();
        assert!(matches!(err, Error::VaultExists { .. }), "{err}");
    }
}

#[test]
fn html_pages_escape_text_and_load_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with(
        dir.path(),
        &["otpauth://totp/%3Cscript%3E:%22x%22%26y?secret=JBSWY3DPEHPK3PXP"],
    );
    let page = export::html::qr_page(vault.doc(), 1_700_000_000).unwrap();
    assert_eq!(page.exported, 1);
    assert!(
        !page.content.contains("<script"),
        "{}",
        page.content.as_str()
    );
    assert!(page.content.contains("&lt;script&gt;:&quot;x&quot;&amp;y"));
    assert!(page.content.contains("<svg"));
    assert!(page.content.contains("JBSWY3DPEHPK3PXP"));
    for remote in ["http://", "https://", "src=", "<link", "@import"] {
        let body = page.content.replace("http://www.w3.org/2000/svg", "");
        assert!(!body.contains(remote), "remote content {remote}");
    }
    let id = vault.doc().accounts[0].id.clone();
    let account = vault.doc().accounts[0].clone();
    assert!(export::html::recovery_sheet(&account, 1).is_err());
    let codes = RecoverySet::new(
        vec!["aaaa-<b>".into(), "bbbb-cccc".into()],
        Service::Unknown,
        1,
    )
    .unwrap();
    vault
        .update(|d| {
            let a = d.account_mut(&id)?;
            a.recovery.replace(codes, 0);
            a.recovery.mark_used(0, 2)
        })
        .unwrap();
    let sheet = export::html::recovery_sheet(&vault.doc().accounts[0], 1).unwrap();
    assert!(sheet.contains("aaaa-&lt;b&gt;"));
    assert!(sheet.contains("class=\"used\""));
    assert!(sheet.contains("bbbb-cccc"));
    assert!(!sheet.contains("<script"));
}

#[test]
fn qr_export_is_read_back_by_the_importer() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault_with(
        dir.path(),
        &["otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP"],
    );
    let png = export::qr_png(&vault.doc().accounts[0], 4).unwrap();
    let p = import::preview("qr", &[&png], None, &Document::default(), 1).unwrap();
    assert_eq!(labels(&p), ["PyPI:alice"]);
    let svg = export::qr_svg(&vault.doc().accounts[0]).unwrap();
    assert!(svg.contains("<svg"));
    let uri = otp::to_uri(
        "PyPI",
        "alice",
        vault.doc().accounts[0].otp.as_ref().unwrap(),
    );
    assert!(uri.expose_secret().contains("JBSWY3DPEHPK3PXP"));
}

#[test]
fn an_import_keeps_groups_as_tags_and_favourites_pinned_in_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = vault_with(dir.path(), &[]);
    let bytes = fixture("aegis_plain.json");
    let p = import::preview("aegis", &[&bytes], None, vault.doc(), 5).unwrap();
    import::apply(p, &mut vault).unwrap();
    let again = Vault::unlock(dir.path(), &pass("correct horse")).unwrap();
    let doc = again.doc();
    let mastodon = doc.find("Mastodon").unwrap();
    assert_eq!(mastodon.tags, ["Work"]);
    assert_eq!(mastodon.note, "personal");
    assert!(doc.find("Bank:bob").unwrap().pinned);
    assert!(!mastodon.pinned);
}
