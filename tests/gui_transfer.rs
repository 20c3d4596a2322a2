//! End-to-end tests of the Import, Export and Health screens: the real
//! `sparekey` binary under `tauri-driver`, driven as a user would, checked
//! against the vault with `sparekey-cli` and against the files written.
//!
//! Exports are written through the test hook `SPAREKEY_EXPORT_DIR` (the
//! native save dialog cannot be driven by WebDriver).
//!
//! Needs `cargo build --workspace` first and an X display:
//! `scripts/gui-env.sh cargo nextest run -p sparekey-tests --test blackbox gui_transfer::`.

use crate::support;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{GuiSession, PASSPHRASE};
use serde_json::{json, Value};

/// The Aegis fixtures of core's importer tests.
fn fixture(name: &str) -> PathBuf {
    sparekey_tests::workspace_root()
        .join("crates/core/tests/fixtures/import")
        .join(name)
}

/// The password of the encrypted fixtures.
const FIXTURE_PASSWORD: &str = "fixture password";

/// The vault's accounts as `sparekey-cli list --json` prints them.
fn accounts(session: &GuiSession) -> Vec<Value> {
    let out = session.cli(&["list", "--json"]);
    serde_json::from_str::<Value>(&out)
        .unwrap_or_else(|error| panic!("list --json printed no JSON ({error}): {out}"))
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn labels(session: &GuiSession) -> Vec<String> {
    accounts(session)
        .iter()
        .map(|a| a["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Chooses `value` in the `<select>` matching `css`, as picking it does.
async fn choose(session: &GuiSession, css: &str, value: &str) {
    session.find(css).await;
    session
        .client()
        .execute(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
             s.dispatchEvent(new Event('change', {bubbles: true})); return s.value;",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap_or_else(|error| panic!("cannot choose {value} in {css}: {error}"));
}

/// Opens the Import screen and picks `format`; waits for its input card.
async fn open_import(session: &GuiSession, format: &str) {
    session.click("#import-button").await;
    session.find("#import-format").await;
    choose(session, "#import-format", format).await;
    session
        .find(&format!("#import-input[data-format=\"{format}\"]"))
        .await;
}

/// Chooses a file in the import's file input.
async fn choose_file(session: &GuiSession, path: &Path) {
    session
        .find("#import-input #import-file")
        .await
        .send_keys(&path.display().to_string())
        .await
        .expect("choose the file");
}

/// Waits until the text content (not the rendered text, which leaves out
/// what the list's layout hides) of `css` satisfies `accept`.
async fn wait_dom_text(session: &GuiSession, css: &str, accept: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    loop {
        let text = session.dom_text(css).await;
        if accept(&text) {
            return text;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "`{css}` never showed the expected text; last seen: {text:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Aegis plain JSON through the Import screen: the preview lists what will be
/// added, the duplicate with its reason and the entries that cannot be
/// imported; nothing is in the vault until the user confirms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_an_aegis_file_after_the_preview() {
    let session = GuiSession::builder().with_vault().start().await;
    // Same issuer and name as the fixture's "Bank / bob", another secret.
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/Bank:bob?secret=JBSWY3DPEHPK3PXP&issuer=Bank",
    ]);
    session.unlock().await;
    open_import(&session, "aegis").await;
    choose_file(&session, &fixture("aegis_plain.json")).await;

    let adding = session
        .wait_text("#import-to-import", |t| t.contains("Mastodon"))
        .await;
    assert!(
        adding.contains("VPN") && adding.contains("Steam"),
        "{adding}"
    );
    let duplicates = session.text("#import-duplicates").await;
    assert!(
        duplicates.contains("Bank (bob)") && duplicates.contains("Same name as Bank (bob)"),
        "{duplicates}"
    );
    let problems = session.text("#import-problems").await;
    assert!(
        problems.contains("Old VPN") && problems.contains("Yandex"),
        "every entry that cannot be imported is listed: {problems}"
    );
    let summary = session.text("#import-summary").await;
    assert!(summary.starts_with("Found 7 entries"), "{summary}");

    assert_eq!(
        labels(&session),
        ["Bank:bob"],
        "nothing is written before the confirm"
    );

    session.click("#import-confirm").await;
    let result = session
        .wait_text("#import-result", |t| t.starts_with("Added"))
        .await;
    assert_eq!(result, "Added 3 accounts.");
    let saved = labels(&session);
    for expected in [
        "Bank:bob",
        "Mastodon:alice@example.com",
        "VPN:carol",
        "Steam:dave",
    ] {
        assert!(
            saved.iter().any(|l| l == expected),
            "{expected} in {saved:?}"
        );
    }
    assert_eq!(saved.len(), 4, "{saved:?}");

    session.click("#import-done").await;
    wait_dom_text(&session, "#view", |t| {
        t.contains("Mastodon") && t.contains("Steam")
    })
    .await;
    session.close().await;
}

/// An encrypted Aegis export asks for its password; a wrong one is reported
/// next to the field, the right one shows the preview.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_export_asks_for_its_password() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    open_import(&session, "aegis").await;
    choose_file(&session, &fixture("aegis_encrypted.json")).await;
    // The password field appears once the export is found to be encrypted.
    session
        .find("#import-password-form:not([hidden]) #import-password")
        .await;

    session
        .type_into("#import-password", "not the password")
        .await;
    session.click("#import-unlock").await;
    let error = session
        .wait_text("#import-password-error", |t| !t.is_empty())
        .await;
    assert!(error.to_lowercase().contains("password"), "{error}");
    assert!(
        session
            .client()
            .find(fantoccini::Locator::Css("#import-confirm"))
            .await
            .is_err(),
        "no preview with a wrong password"
    );

    session.find("#import-password").await.clear().await.ok();
    session
        .type_into("#import-password", FIXTURE_PASSWORD)
        .await;
    session.click("#import-unlock").await;
    session
        .wait_text("#import-to-import", |t| t.contains("Mastodon"))
        .await;
    assert_eq!(session.text("#import-password-error").await, "");
    assert!(labels(&session).is_empty(), "still nothing written");
    session.close().await;
}

/// Pasting an otpauth list: good lines are previewed, a bad line is listed
/// with why; confirming adds the good ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_a_pasted_otpauth_list() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    open_import(&session, "otpauth").await;
    let text = "otpauth://totp/Pasted%20One:ann?secret=JBSWY3DPEHPK3PXP&issuer=Pasted%20One\n\
                this is not a link\n\
                otpauth://totp/Pasted%20Two:ben?secret=KRSXG5CTMVRXEZLU&issuer=Pasted%20Two\n";
    // Typed keys lose the line breaks in WebKitWebDriver: put the text in
    // the box as a paste does.
    session.find("#import-text").await;
    session
        .client()
        .execute(
            "const t = document.querySelector('#import-text'); t.value = arguments[0]; \
             t.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(text)],
        )
        .await
        .expect("paste the text");
    session.click("#import-text-submit").await;
    let adding = session
        .wait_text("#import-to-import", |t| t.contains("Pasted One"))
        .await;
    assert!(adding.contains("Pasted Two"), "{adding}");
    let summary = session.text("#import-summary").await;
    assert!(summary.starts_with("Found 3 entries"), "{summary}");
    let problems = session.text("#import-problems").await;
    assert!(problems.contains("#2"), "{problems}");
    session.click("#import-confirm").await;
    session
        .wait_text("#import-result", |t| t == "Added 2 accounts.")
        .await;
    let mut saved = labels(&session);
    saved.sort();
    assert_eq!(saved, ["Pasted One:ann", "Pasted Two:ben"]);
    session.close().await;
}

/// A Google Authenticator batch of two QR codes, given as images one after
/// the other: the first alone previews with a note about the missing code;
/// with both, the whole batch is there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imports_a_google_batch_from_images() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    open_import(&session, "qr").await;
    choose_file(&session, &fixture("google_batch_1.png")).await;
    let summary = session
        .wait_text("#import-summary", |t| t.starts_with("Found 2"))
        .await;
    assert!(summary.contains("2 to import"), "{summary}");
    let notes = session.text("#import-notes").await;
    assert!(!notes.is_empty(), "the missing code is mentioned");

    choose_file(&session, &fixture("google_batch_2.png")).await;
    session
        .wait_text("#import-summary", |t| t.starts_with("Found 3"))
        .await;
    assert_eq!(session.count("#import-notes").await, 0);
    assert_eq!(session.count("#import-sources li").await, 2);
    session.click("#import-confirm").await;
    session
        .wait_text("#import-result", |t| t == "Added 3 accounts.")
        .await;
    let mut saved = labels(&session);
    saved.sort();
    assert_eq!(
        saved,
        ["Bank:carol", "Dropbox:bob", "Google:alice@example.com"]
    );
    session.close().await;
}

/// A screenshot pasted from the clipboard (the page's paste event) is read
/// as a QR image, switching to the image format.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_screenshot_is_read_as_qr_codes() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    open_import(&session, "otpauth").await;
    let png = std::fs::read(fixture("google_batch_1.png")).expect("read the fixture");
    session
        .client()
        .execute(
            "const bytes = new Uint8Array(arguments[0]);\
             const data = new DataTransfer();\
             data.items.add(new File([bytes], 'shot.png', {type: 'image/png'}));\
             document.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));",
            vec![json!(png)],
        )
        .await
        .expect("paste the image");
    session
        .wait_text("#import-summary", |t| t.starts_with("Found 2"))
        .await;
    session.find("#import-input[data-format=\"qr\"]").await;
    assert!(session
        .text("#import-sources")
        .await
        .contains("Pasted image 1"));
    session.close().await;
}

/// An account name from an export is text, never markup: in the preview and
/// in the list afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn imported_names_render_as_text() {
    let session = GuiSession::builder().with_vault().start().await;
    let hostile = "<img src=x onerror=alert(1)>";
    let file = session.temp_dir().join("hostile.txt");
    std::fs::write(
        &file,
        "otpauth://totp/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E:eve?secret=JBSWY3DPEHPK3PXP\n",
    )
    .expect("write the export");
    session.unlock().await;
    open_import(&session, "otpauth").await;
    choose_file(&session, &file).await;
    let adding = session
        .wait_text("#import-to-import", |t| t.contains("eve"))
        .await;
    assert!(adding.contains(hostile), "shown literally: {adding}");
    assert_eq!(session.count("img").await, 0);

    session.click("#import-confirm").await;
    session.click("#import-done").await;
    let list = wait_dom_text(&session, "#view", |t| t.contains(hostile)).await;
    assert!(list.contains("eve"), "{list}");
    assert_eq!(session.count("img").await, 0, "no img element");
    session.close().await;
}

/// The only `sparekey-*` file in `dir` whose name ends with `suffix`.
fn exported_file(dir: &Path, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the export folder")
        .map(|e| e.expect("read an entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("sparekey-") && n.ends_with(suffix))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one *{suffix} file in {}: {found:?}",
        dir.display()
    );
    found[0].clone()
}

/// The encrypted backup: the passphrase is asked twice (a mismatch is shown
/// next to the second field), the file is private, and `sparekey-cli
/// restore` turns it into a vault with the same accounts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_an_encrypted_backup_that_restores() {
    let out = tempfile::tempdir().expect("temp dir");
    let session = GuiSession::builder()
        .with_vault()
        .env("SPAREKEY_EXPORT_DIR", out.path().display().to_string())
        .start()
        .await;
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    session.unlock().await;
    session.click("#export-button").await;
    choose(&session, "#export-format", "backup").await;
    let backup_pass = "backup passphrase 42";
    session.type_into("#export-passphrase", backup_pass).await;
    session
        .type_into("#export-passphrase-again", "something else")
        .await;
    session.click("#export-save").await;
    let error = session
        .wait_text("#export-passphrase-again-error", |t| !t.is_empty())
        .await;
    assert!(error.contains("differ"), "{error}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);

    session
        .find("#export-passphrase-again")
        .await
        .clear()
        .await
        .ok();
    session
        .type_into("#export-passphrase-again", backup_pass)
        .await;
    session.click("#export-save").await;
    session
        .wait_text("#export-saved", |t| t.contains("sparekey-backup-"))
        .await;
    let file = exported_file(out.path(), ".age");
    support::platform::assert_private(&file);

    // Restore it with the CLI into a new folder and compare.
    let restored = session.temp_dir().join("restored");
    let pass_file = session.temp_dir().join("restore-pass");
    let backup_pass_file = session.temp_dir().join("backup-pass");
    std::fs::write(&pass_file, format!("{PASSPHRASE}\n")).unwrap();
    std::fs::write(&backup_pass_file, format!("{backup_pass}\n")).unwrap();
    let status = Command::new(sparekey_tests::bin("sparekey-cli"))
        .arg("--vault")
        .arg(&restored)
        .arg("--passphrase-file")
        .arg(&pass_file)
        .arg("restore")
        .arg(&file)
        .arg("--backup-passphrase-file")
        .arg(&backup_pass_file)
        .args(["--work-factor", "10"])
        .stdout(Stdio::null())
        .status()
        .expect("run sparekey-cli restore");
    assert!(status.success());
    let listed = Command::new(sparekey_tests::bin("sparekey-cli"))
        .arg("--vault")
        .arg(&restored)
        .arg("--passphrase-file")
        .arg(&pass_file)
        .args(["list", "--json"])
        .output()
        .expect("list the restored vault");
    let restored_accounts: Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(restored_accounts, Value::Array(accounts(&session)));

    // A second backup the same day never replaces the first silently.
    session.type_into("#export-passphrase", backup_pass).await;
    session
        .type_into("#export-passphrase-again", backup_pass)
        .await;
    session.click("#export-save").await;
    let error = session.wait_text("#export-error", |t| !t.is_empty()).await;
    assert!(error.contains("already exists"), "{error}");
    session.close().await;
}

/// A plaintext export needs an explicit confirmation that says so; the file
/// holds the otpauth URIs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otpauth_export_is_confirmed_as_plaintext() {
    let out = tempfile::tempdir().expect("temp dir");
    let session = GuiSession::builder()
        .with_vault()
        .env("SPAREKEY_EXPORT_DIR", out.path().display().to_string())
        .start()
        .await;
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    session.unlock().await;
    session.click("#export-button").await;
    choose(&session, "#export-format", "otpauth").await;
    session.click("#export-save").await;
    let warning = session
        .wait_text("#export-confirm-text", |t| !t.is_empty())
        .await;
    assert!(warning.contains("PLAINTEXT"), "{warning}");
    session.click("#export-confirm-cancel").await;
    session.wait_gone("dialog[open]").await;
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "cancelled: nothing written"
    );

    session.click("#export-save").await;
    session.click("#export-confirm-write").await;
    let saved = session
        .wait_text("#export-saved", |t| t.contains("sparekey-otpauth-"))
        .await;
    assert!(saved.contains("Exported 1 account"), "{saved}");
    let file = exported_file(out.path(), ".txt");
    support::platform::assert_private(&file);
    let content = std::fs::read_to_string(&file).expect("read the export");
    assert!(
        content.starts_with("otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP"),
        "{content}"
    );
    session.close().await;
}

/// The Health screen lists "no recovery codes" for an account with 2FA and
/// none, most serious first; saving codes (with the CLI) and checking again
/// removes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_lists_missing_recovery_codes_until_they_are_saved() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    session.unlock().await;
    let badge = session.wait_text("#health-count", |t| !t.is_empty()).await;
    assert!(badge.parse::<u32>().unwrap_or(0) >= 1, "{badge}");

    session.click("#health-button").await;
    let first = session
        .wait_text("#health-findings li:first-child", |t| !t.is_empty())
        .await;
    assert!(first.contains("PyPI (alice)"), "{first}");
    let kinds = finding_kinds(&session).await;
    assert_eq!(kinds[0].0, "critical", "{kinds:?}");
    assert_eq!(kinds[0].1, "no_recovery_codes", "{kinds:?}");
    let order: Vec<u8> = kinds.iter().map(|(s, _)| rank(s)).collect();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted, "most serious first: {kinds:?}");
    let link = session
        .find("#health-findings li:first-child [data-guide]")
        .await;
    assert_eq!(
        link.attr("data-guide")
            .await
            .expect("read the link")
            .as_deref(),
        Some("pypi-prevent"),
        "the finding links to the guide that fixes it"
    );
    link.click().await.expect("follow the link");
    session.find("#view[data-screen=\"guide\"]").await;
    // It lands on the step that fixes it, not only on the guide.
    let linked = session.find(".step.linked").await;
    assert_eq!(
        linked
            .attr("id")
            .await
            .expect("read the step id")
            .as_deref(),
        Some("step-recovery-codes")
    );
    session.click("#health-button").await;

    let codes: Vec<String> = (0..8).map(|i| format!("{i:x}1a2b3c4d5e6f708")).collect();
    session.cli_with_input(
        &["recovery", "add", "pypi", "-"],
        &format!("{}\n", codes.join("\n")),
    );
    session.click("#health-refresh").await;
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    loop {
        let kinds = finding_kinds(&session).await;
        if !kinds.iter().any(|(_, k)| k == "no_recovery_codes") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still listed: {kinds:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    session.close().await;
}

fn rank(severity: &str) -> u8 {
    match severity {
        "critical" => 0,
        "warning" => 1,
        _ => 2,
    }
}

/// `(severity, kind)` of every finding on screen, in order.
async fn finding_kinds(session: &GuiSession) -> Vec<(String, String)> {
    let value = session
        .client()
        .execute(
            "return Array.from(document.querySelectorAll('#health-findings li'))\
             .map((li) => [li.dataset.severity, li.dataset.kind]);",
            vec![],
        )
        .await
        .expect("read the findings");
    value
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap_or_default().to_owned(),
                pair[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}
