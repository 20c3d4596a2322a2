//! End-to-end tests of the desktop app: the real `sparekey` binary under
//! `tauri-driver`, driven through WebDriver as a user would.
//!
//! Needs `cargo build -p sparekey` first and an X display:
//! `xvfb-run -a -s '-screen 0 1280x800x24 -noreset' cargo test -p sparekey-tests --test blackbox gui::`.

use crate::support;
use crate::support::GuiSession;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_shows_name_and_version() {
    let session = GuiSession::start().await;

    assert_eq!(session.text("h1").await, "Sparekey");

    // The version arrives over IPC after the page loads.
    let ready = session
        .client()
        .wait()
        .at_most(support::WAIT_TIMEOUT)
        .for_element(fantoccini::Locator::Css(
            r#"#app-version[data-state="ready"]"#,
        ))
        .await;
    let version = match ready {
        Ok(element) => element,
        Err(error) => {
            let status = session.text("#status").await;
            panic!("the version never loaded ({error}); status line: {status:?}");
        }
    };
    let shown = version.text().await.expect("read the version");
    assert_eq!(shown, env!("CARGO_PKG_VERSION"));

    assert_eq!(
        session.client().title().await.expect("read the title"),
        "Sparekey"
    );

    session.close().await;
}

/// The page may call only what `capabilities/default.json` grants: reading
/// the clipboard (a plugin command the app does not grant) must be refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipc_refuses_commands_not_granted() {
    let session = GuiSession::start().await;
    session.text("h1").await;

    let script = r#"
        const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__
            .invoke("plugin:clipboard-manager|read_text")
            .then(() => done("allowed"), (error) => done("refused: " + String(error)));
    "#;
    let outcome = session
        .client()
        .execute_async(script, vec![])
        .await
        .expect("run the script");
    let outcome = outcome.as_str().unwrap_or_default().to_owned();
    assert!(
        outcome.starts_with("refused: ") && outcome.contains("not allowed"),
        "reading the clipboard should be refused, got {outcome:?}"
    );

    session.close().await;
}

const URI: &str =
    "otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co";

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

/// The codes core computes for `uri` around now (a few seconds either way,
/// so a period boundary between reading the page and computing is allowed).
fn core_codes_around_now(uri: &str) -> Vec<String> {
    let parsed = sparekey_core::otp::parse_uri(uri).expect("core parses the test URI");
    let now = unix_now();
    (now - 3..=now + 3)
        .map(|t| parsed.otp.code_at(t).as_str().to_owned())
        .collect()
}

/// The code shown in the list row of the account whose issuer is `issuer`.
async fn shown_code(session: &GuiSession, issuer: &str) -> String {
    let row = row_css(session, issuer).await;
    let code = session
        .wait_text(&format!("{row} .code"), |text| !text.trim().is_empty())
        .await;
    code.replace(' ', "")
}

/// A CSS selector for the list row of the account with this issuer.
async fn row_css(session: &GuiSession, issuer: &str) -> String {
    let script = r##"
        const wanted = arguments[0];
        const row = [...document.querySelectorAll("#accounts li.account")]
            .find((li) => li.querySelector(".issuer")?.textContent === wanted);
        return row ? row.dataset.id : null;
    "##;
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    loop {
        let id = session
            .client()
            .execute(script, vec![serde_json::json!(issuer)])
            .await
            .expect("run the script");
        if let Some(id) = id.as_str() {
            return format!(r#"#accounts li.account[data-id="{id}"]"#);
        }
        if std::time::Instant::now() > deadline {
            let page = session.client().source().await.unwrap_or_default();
            panic!("no account row for {issuer:?}; the page:\n{page}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// First run: the passphrase twice (a mismatch is caught), then the empty
/// account list that explains the first step. The vault is on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_a_vault_through_the_ui() {
    let session = GuiSession::start().await;
    session.find("#new-passphrase").await;
    let warning = session.text(".warning").await;
    assert!(warning.contains("no password reset"), "{warning}");

    // The desktop keeps core's passphrase rule, as the CLI does: three
    // characters make no vault.
    session.type_into("#new-passphrase", "abc").await;
    session.type_into("#new-passphrase-again", "abc").await;
    session.click("#create-vault").await;
    let refused = session
        .wait_text("#new-passphrase-error", |t| !t.is_empty())
        .await;
    assert!(refused.contains("shorter than 8 characters"), "{refused}");
    assert!(!session.vault_dir().join("identity.age").exists());
    for field in ["#new-passphrase", "#new-passphrase-again"] {
        session
            .find(field)
            .await
            .clear()
            .await
            .expect("clear the field");
    }

    session
        .type_into("#new-passphrase", "a long passphrase for tests")
        .await;
    session
        .type_into("#new-passphrase-again", "something else")
        .await;
    session.click("#create-vault").await;
    session
        .wait_text("#new-passphrase-again-error", |t| t.contains("different"))
        .await;

    let again = session.find("#new-passphrase-again").await;
    again.clear().await.expect("clear the field");
    again
        .send_keys("a long passphrase for tests")
        .await
        .expect("type");
    session.click("#create-vault").await;
    let empty = session.text("#empty-state").await;
    assert!(empty.contains("No accounts yet"), "{empty}");
    assert!(session.vault_dir().join("identity.age").is_file());
    assert!(session.vault_dir().join("vault.age").is_file());
    session.close().await;
}

/// Adding by URI shows core's code; clicking the row copies it (toast).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adds_an_account_by_uri_and_shows_cores_code() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    session.click("#add-button").await;

    // Bad input: the message is next to the field.
    session
        .type_into("#add-uri", "otpauth://totp/X:y?secret=not*base32")
        .await;
    session.click("#add-uri-submit").await;
    let error = session.wait_text("#add-uri-error", |t| !t.is_empty()).await;
    assert!(error.to_lowercase().contains("secret"), "{error}");

    let uri_field = session.find("#add-uri").await;
    uri_field.clear().await.expect("clear the field");
    uri_field.send_keys(URI).await.expect("type the URI");
    session.click("#add-uri-submit").await;

    let shown = shown_code(&session, "ACME Co").await;
    let expected = core_codes_around_now(URI);
    assert!(
        expected.contains(&shown),
        "the app shows {shown}, core computes {expected:?}"
    );
    let name = session.dom_text("#accounts li.account .name").await;
    assert_eq!(name, "alice@example.com");

    let row = row_css(&session, "ACME Co").await;
    session.click(&row).await;
    let toast = session.wait_text("#toast", |t| t.contains("copied")).await;
    assert!(toast.contains("20 s"), "{toast}");
    session.close().await;
}

/// An image file with a QR code, chosen through the file input.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adds_an_account_from_a_qr_image() {
    let session = GuiSession::builder().with_vault().start().await;
    let uri = "otpauth://totp/Qr%20Service:bob?secret=KRSXG5CTMVRXEZLU&issuer=Qr%20Service";
    let png = session.temp_dir().join("qr.png");
    let status = std::process::Command::new("qrencode")
        .arg("-o")
        .arg(&png)
        .arg(uri)
        .status()
        .expect("run qrencode (Debian: apt-get install qrencode)");
    assert!(status.success());

    session.unlock().await;
    session.click("#add-button").await;
    session
        .find("#add-qr-file")
        .await
        .send_keys(&png.display().to_string())
        .await
        .expect("choose the file");
    let shown = shown_code(&session, "Qr Service").await;
    assert!(core_codes_around_now(uri).contains(&shown), "{shown}");
    let toast = session.text("#toast").await;
    assert!(toast.contains("Added Qr Service"), "{toast}");
    session.close().await;
}

/// Paste recovery codes, use one (count goes down, toast), undo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_codes_use_next_and_undo() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", URI]);
    session.unlock().await;
    let row = row_css(&session, "ACME Co").await;
    session.click(&format!("{row} .details")).await;

    let codes = "3f9a1c2b7d4e6f80 9b2c4d6e8f0a1b3c 0a1b2c3d4e5f6071";
    session.type_into("#recovery-text", codes).await;
    session.click("#recovery-save").await;
    session
        .wait_text("#recovery-count", |t| t == "3 of 3 unused")
        .await;
    // Masked until revealed.
    let list = session.text("#recovery-list").await;
    assert!(!list.contains("3f9a1c2b7d4e6f80"), "{list}");

    session.click("#recovery-use-next").await;
    session
        .wait_text("#recovery-count", |t| t == "2 of 3 unused")
        .await;
    let toast = session.text("#toast").await;
    assert!(toast.contains("#1"), "{toast}");
    let low = session.text("#recovery-low").await;
    assert!(low.contains("Only 2 left"), "{low}");

    session.click("#recovery-undo").await;
    session
        .wait_text("#recovery-count", |t| t == "3 of 3 unused")
        .await;
    session.close().await;
}

/// A wrong passphrase says so next to the field; locking (button and
/// Ctrl+L) returns to the unlock screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passphrase_then_lock_and_unlock() {
    let session = GuiSession::builder().with_vault().start().await;
    session.type_into("#passphrase", "not the passphrase").await;
    session.click("#unlock").await;
    let error = session
        .wait_text("#passphrase-error", |t| !t.is_empty())
        .await;
    assert!(error.contains("does not open this vault"), "{error}");

    let field = session.find("#passphrase").await;
    field.clear().await.expect("clear the field");
    session.unlock().await;

    session.click("#lock-button").await;
    session.find("#passphrase").await;
    session.wait_gone("#search").await;

    session.unlock().await;
    session
        .client()
        .execute(
            r#"document.body.dispatchEvent(new KeyboardEvent("keydown", {key: "l", ctrlKey: true, bubbles: true}));"#,
            vec![],
        )
        .await
        .expect("press Ctrl+L");
    session.find("#passphrase").await;
    session.wait_gone("#search").await;
    session.close().await;
}

/// The CLI changes the vault while the app is open: the app shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_by_the_cli_appears_in_the_open_app() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    session.find("#empty-state").await;

    session.cli(&["add", "--uri", URI]);
    let shown = shown_code(&session, "ACME Co").await;
    assert!(core_codes_around_now(URI).contains(&shown), "{shown}");

    // A second account; its row is marked and focused, to see whether the
    // next re-render keeps it.
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/Other:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Other",
    ]);
    let other = row_css(&session, "Other").await;
    shown_code(&session, "Other").await;
    session
        .client()
        .execute(
            "const row = document.querySelector(arguments[0]); row.dataset.probe = 'kept'; row.focus();",
            vec![serde_json::json!(other)],
        )
        .await
        .expect("mark the row");

    session.cli(&["rename", "ACME", "--issuer", "Renamed"]);
    row_css(&session, "Renamed").await;
    // The unchanged row is the same element, still focused, with its code.
    let kept = session
        .client()
        .execute(
            "const row = document.querySelector(arguments[0]);\
             return [row.dataset.probe || null, document.activeElement === row,\
                     document.querySelectorAll('#accounts li.account').length];",
            vec![serde_json::json!(other)],
        )
        .await
        .expect("read the row");
    assert_eq!(
        kept,
        serde_json::json!(["kept", true, 2]),
        "unchanged rows are not rebuilt"
    );
    assert_eq!(shown_code(&session, "Other").await.len(), 6);
    session.close().await;
}

/// "Newest first" asks Rust for the other order: the account added last
/// comes first, though its issuer sorts last.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newest_first_lists_the_last_added_account_first() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/Alpha:old?secret=JBSWY3DPEHPK3PXP&issuer=Alpha",
    ]);
    // Added times are in seconds.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/Zeta:new?secret=GEZDGNBVGY3TQOJQ&issuer=Zeta",
    ]);
    session.unlock().await;
    let first = |session: &GuiSession| {
        let client = session.client().clone();
        async move {
            client
                .execute(
                    "return document.querySelector('#accounts li.account .issuer')?.textContent;",
                    vec![],
                )
                .await
                .expect("read the first row")
        }
    };
    row_css(&session, "Zeta").await;
    assert_eq!(first(&session).await, serde_json::json!("Alpha"));
    session
        .client()
        .execute(
            "const sort = document.getElementById('sort');\
             sort.value = 'newest';\
             sort.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .expect("choose newest first");
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    while first(&session).await != serde_json::json!("Zeta") {
        assert!(
            std::time::Instant::now() < deadline,
            "Zeta did not come first"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    session.close().await;
}

/// An account deleted by the CLI while its page is open: the app says so
/// and goes back to the list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_account_deleted_elsewhere_returns_to_the_list() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", URI]);
    session.unlock().await;
    let row = row_css(&session, "ACME Co").await;
    session.click(&format!("{row} button.details")).await;
    session.find("#account-code").await;

    session.cli(&["rm", "ACME", "--yes"]);
    let toast = session
        .wait_text("#toast", |text| text.contains("deleted elsewhere"))
        .await;
    assert_eq!(toast, "This account was deleted elsewhere.");
    session.find("#empty-state").await;
    session.close().await;
}

/// Rows in a page of the list: Rust's `FIRST_PAGE`, the page's `PAGE`.
const LIST_PAGE: usize = 16;

/// A vault larger than one page: unlock sends the first 16 accounts (in
/// issuer order, as Rust sorts them) with their codes; "Show more" asks for
/// the next 16, and so does scrolling near it; a search finds accounts the
/// page never held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_vault_is_listed_a_page_at_a_time() {
    let session = GuiSession::builder().with_vault().start().await;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let list: String = (0..150usize)
        .map(|i| {
            // Distinct secrets (a repeated one is a duplicate): i in base 32.
            let prefix: String = [i / 1024, i / 32 % 32, i % 32]
                .iter()
                .map(|&d| char::from(ALPHABET[d]))
                .collect();
            let issuer = format!("Issuer{:03}", 149 - i);
            format!(
                "otpauth://totp/{issuer}:user{i}?secret={prefix}A3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer={issuer}\n"
            )
        })
        .collect();
    session.cli_with_input(&["import", "--format", "otpauth", "--yes", "-"], &list);
    session.unlock().await;

    let more = session
        .wait_text("#show-more", |text| {
            text.contains(&format!("{} not shown", 150 - LIST_PAGE))
        })
        .await;
    assert!(
        more.starts_with(&format!("Show {LIST_PAGE} more")),
        "{more}"
    );
    let issuers = |session: &GuiSession| {
        let client = session.client().clone();
        async move {
            let shown = client
                .execute(
                    "return [...document.querySelectorAll('#accounts li.account .issuer')].map(e => e.textContent);",
                    vec![],
                )
                .await
                .expect("read the rows");
            shown
                .as_array()
                .expect("a list")
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect::<Vec<String>>()
        }
    };
    let first = issuers(&session).await;
    let expected: Vec<String> = (0..LIST_PAGE).map(|i| format!("Issuer{i:03}")).collect();
    assert_eq!(first, expected, "the first screen, in issuer order");
    let with_codes = session
        .client()
        .execute(
            "return [...document.querySelectorAll('#accounts li.account .code')]\
                 .filter(c => /^\\d{3} \\d{3}$/.test(c.textContent)).length;",
            vec![],
        )
        .await
        .expect("count the codes");
    assert_eq!(
        with_codes,
        serde_json::json!(LIST_PAGE),
        "every row shows its code"
    );
    let held = session
        .client()
        .execute(
            "return document.body.innerText.includes('Issuer149');",
            vec![],
        )
        .await
        .expect("read the page");
    assert_eq!(held, serde_json::json!(false), "the page holds one page");

    // The button asks for the next page (activated where it is: scrolling
    // to it would itself load the next page, tested below).
    session
        .client()
        .execute("document.getElementById('show-more').click();", vec![])
        .await
        .expect("press Show more");
    session
        .wait_text("#show-more", |text| {
            text.contains(&format!("{} not shown", 150 - 2 * LIST_PAGE))
        })
        .await;
    assert_eq!(issuers(&session).await.len(), 2 * LIST_PAGE);
    // Scrolling down to the end asks for the rest, page by page, without a
    // click.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let more = session
            .client()
            .execute(
                "const more = document.getElementById('show-more');\
                 more?.scrollIntoView({block: 'end'});\
                 return more ? more.textContent : null;",
                vec![],
            )
            .await
            .expect("scroll to the end");
        if more.is_null() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "scrolling to the end stopped at: {more}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let all = issuers(&session).await;
    let expected: Vec<String> = (0..150).map(|i| format!("Issuer{i:03}")).collect();
    assert_eq!(all, expected, "every account once, in issuer order");

    // Searching from the first page again: Rust finds the match.
    session.type_into("#search", "issuer14").await;
    session
        .wait_text("#accounts", |text| !text.contains("Issuer000"))
        .await;
    let found = issuers(&session).await;
    let expected: Vec<String> = (140..150).map(|i| format!("Issuer{i:03}")).collect();
    assert_eq!(found, expected, "the search, in issuer order");
    session.close().await;
}

/// The page's scripts run without a JIT: WebKit's web process, which shows
/// the codes, has no memory that is both writable and executable (with
/// JavaScriptCore's JIT on, it holds a 1 GiB `rwx` region).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_process_has_no_writable_executable_memory() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    let web = session.app_children("WebKitWebProcess");
    assert!(!web.is_empty(), "the app has no WebKitWebProcess");
    for pid in web {
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))
            .expect("read the web process's memory map");
        let writable_executable: Vec<&str> = maps
            .lines()
            .filter(|line| {
                let perms = line.split_whitespace().nth(1).unwrap_or_default();
                perms.contains('w') && perms.contains('x')
            })
            .collect();
        assert!(
            writable_executable.is_empty(),
            "web process {pid} has writable and executable memory: {writable_executable:?}"
        );
    }
    session.close().await;
}

/// A second launch on the vault the app has open exits at once (saying so)
/// instead of opening the vault twice; the first app keeps running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_on_the_same_vault_leaves_the_first_in_charge() {
    let session = GuiSession::builder().with_vault().start().await;
    session.text("h1").await;

    let second = session.launch_again();
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{}: {said}", second.status);
    assert!(said.contains("already open"), "{said}");

    session.unlock().await;
    session.find("#accounts").await;
    session.close().await;
}

/// Names are data, never markup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_name_with_markup_renders_as_text() {
    let session = GuiSession::builder().with_vault().start().await;
    let evil = "<img src=x onerror=alert(1)>";
    session.cli_with_input(
        &[
            "add",
            "--issuer",
            evil,
            "--name",
            "<b>bold</b>",
            "--secret",
            "-",
        ],
        "JBSWY3DPEHPK3PXP\n",
    );
    session.unlock().await;
    let issuer = session.dom_text("#accounts li.account .issuer").await;
    assert_eq!(issuer, evil);
    assert_eq!(
        session.dom_text("#accounts li.account .name").await,
        "<b>bold</b>"
    );
    let injected = session
        .client()
        .find_all(fantoccini::Locator::Css("#accounts img, #accounts b"))
        .await
        .expect("search the list");
    assert!(injected.is_empty(), "markup in a name became elements");
    session.close().await;
}

/// Automatic backups turned on in Settings: the first backup is written to
/// the folder, which opens as a vault; saving the other settings later
/// leaves them on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_turn_on_automatic_backups_to_a_folder() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    session.cli(&["add", "--uri", URI]);
    let usb = session.temp_dir().join("usb");
    std::fs::create_dir(&usb).expect("create the backup folder");

    session.click("#settings-button").await;
    session.find("#backup-folder").await;
    // A folder that does not exist is refused next to the field.
    let missing = session.temp_dir().join("not-plugged-in");
    session
        .type_into("#backup-folder", missing.to_str().expect("utf-8 path"))
        .await;
    session.click("#save-auto-backup").await;
    session
        .wait_text("#backup-folder-error", |t| {
            t.contains("not an existing folder")
        })
        .await;
    let input = session.find("#backup-folder").await;
    input.clear().await.expect("clear the folder field");
    session
        .type_into("#backup-folder", usb.to_str().expect("utf-8 path"))
        .await;
    session.click("#save-auto-backup").await;
    session
        .wait_text("#backup-state", |t| t.starts_with("On: last backup"))
        .await;
    assert!(usb.join("vault.age").is_file() && usb.join("identity.age").is_file());

    // The folder is a vault: it opens with the same passphrase.
    let copy = sparekey_core::vault::Vault::unlock(
        &usb,
        &sparekey_core::secret::SecretString::from(support::PASSPHRASE.to_owned()),
    )
    .expect("the backup folder opens as a vault");
    assert_eq!(copy.doc().accounts.len(), 1);

    // Saving the auto-lock setting keeps automatic backups on.
    session.click("#save-settings").await;
    let status = session.cli(&["backups", "auto", "--json"]);
    assert!(
        status.contains(usb.to_str().expect("utf-8 path")),
        "{status}"
    );
    session.close().await;
}

/// Reads a QR code the page shows (an SVG in a data: URL) the way a phone
/// would see it: rasterized by `rsvg-convert`, read by `zbarimg`.
fn read_shown_qr(data_url: &str, dir: &std::path::Path) -> String {
    let svg = data_url
        .split_once(',')
        .map(|(_, body)| body)
        .expect("a data: URL");
    let svg: String = percent_decode(svg);
    let svg_path = dir.join("shown-qr.svg");
    let png_path = dir.join("shown-qr.png");
    std::fs::write(&svg_path, svg).expect("write the SVG");
    let st = std::process::Command::new("rsvg-convert")
        .args(["-z", "6", "-b", "white", "-o"])
        .arg(&png_path)
        .arg(&svg_path)
        .status()
        .expect("rsvg-convert (Debian package librsvg2-bin)");
    assert!(st.success());
    let out = std::process::Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&png_path)
        .output()
        .expect("zbarimg (Debian package zbar-tools)");
    assert!(out.status.success(), "zbarimg read no QR code");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8 SVG")
}

/// The account page: the code equals core's, the QR code shown on request
/// carries the same secret (read back with zbarimg), the secret is revealed
/// on request, edits are saved, and delete asks first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_page_shows_qr_and_secret_on_request_edits_and_deletes() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", URI]);
    session.unlock().await;
    let row = row_css(&session, "ACME Co").await;
    session.click(&format!("{row} button.details")).await;
    let code = session
        .wait_text("#account-code", |t| !t.trim().is_empty())
        .await;
    assert!(
        core_codes_around_now(URI).contains(&code.replace(' ', "")),
        "{code}"
    );

    // Nothing secret is on the page until asked for.
    assert!(!session.page_text().await.contains("JBSWY3DP"));
    session.click("#show-qr").await;
    let src = session
        .find("#qr-image")
        .await
        .attr("src")
        .await
        .expect("read the image")
        .expect("the QR image has a src");
    let scanned = read_shown_qr(&src, session.temp_dir());
    let scanned = sparekey_core::otp::parse_uri(&scanned).expect("the QR holds an otpauth URI");
    let original = sparekey_core::otp::parse_uri(URI).expect("the test URI parses");
    assert_eq!(scanned.otp, original.otp, "same secret and parameters");
    assert_eq!(scanned.issuer.as_deref(), Some("ACME Co"));
    session.click("#reveal-secret").await;
    let secret = session.wait_text("#secret-value", |t| !t.is_empty()).await;
    assert_eq!(secret.replace(' ', ""), "JBSWY3DPEHPK3PXP");

    // Edit: the CLI sees the new name.
    let name = session.find("#edit-name").await;
    name.clear().await.expect("clear the name");
    session.type_into("#edit-name", "alice-renamed").await;
    // Saving re-renders the page: mark the old form and wait for a new one,
    // so later clicks land on the page as it is.
    session
        .client()
        .execute(
            "document.querySelector('#edit-form').dataset.stale = '1';",
            vec![],
        )
        .await
        .expect("mark the form");
    session.click("#save-account").await;
    session.find("#edit-form:not([data-stale])").await;
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    while !session.cli(&["list", "--json"]).contains("alice-renamed") {
        assert!(
            std::time::Instant::now() < deadline,
            "the rename was not saved"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    // Delete asks first; cancelling keeps the account.
    session.click("#delete-account").await;
    session.find("#confirm-delete[open]").await;
    session.click("#cancel-delete").await;
    session.wait_gone("#confirm-delete[open]").await;
    assert!(session.cli(&["list", "--json"]).contains("alice-renamed"));
    session.click("#delete-account").await;
    session.find("#confirm-delete[open]").await;
    session.click("#confirm-delete-button").await;
    session.find("#search").await;
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    while session.cli(&["list", "--json"]).trim() != "[]" {
        assert!(
            std::time::Instant::now() < deadline,
            "the account was not deleted"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    session.close().await;
}

/// HOTP: taking a code copies it, advances the counter and saves it; the
/// passphrase can be changed in Settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hotp_codes_advance_the_saved_counter_and_the_passphrase_changes() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&[
        "add",
        "--issuer",
        "Corp",
        "--name",
        "vpn",
        "--secret",
        "MFRGGZDFMZTWQ2LK",
        "--hotp-counter",
        "5",
    ]);
    session.unlock().await;
    let row = row_css(&session, "Corp").await;
    session.click(&format!("{row} button.details")).await;
    // The account page loads its summary from Rust first.
    session.find("#copy-code").await;
    for counter in [5, 6] {
        // Taking an HOTP code re-renders the page: wait for the new one.
        session
            .client()
            .execute(
                "document.querySelector('#copy-code').dataset.stale = '1';",
                vec![],
            )
            .await
            .expect("mark the button");
        session.click("#copy-code").await;
        session.find("#copy-code:not([data-stale])").await;
        let want = format!("\"counter\": {}", counter + 1);
        let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
        while !session.cli(&["list", "--json"]).contains(&want) {
            assert!(
                std::time::Instant::now() < deadline,
                "counter {} not saved",
                counter + 1
            );
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        // The toast said which code was copied (its text stays after it hides).
        let toast = session.dom_text("#toast").await;
        assert!(toast.contains(&format!("#{counter}")), "{toast}");
        session.find("#copy-code").await;
    }

    session.click("#settings-button").await;
    session
        .type_into("#current-passphrase", support::PASSPHRASE)
        .await;
    session
        .type_into("#next-passphrase", "a brand new passphrase")
        .await;
    session
        .type_into("#next-passphrase-again", "a brand new passphrase")
        .await;
    session.click("#change-passphrase").await;
    let dir = session.vault_dir().to_owned();
    let pass = |p: &str| sparekey_core::secret::SecretString::from(p.to_owned());
    let deadline = std::time::Instant::now() + support::WAIT_TIMEOUT;
    while sparekey_core::vault::Vault::unlock(&dir, &pass("a brand new passphrase")).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the new passphrase never opened the vault"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert!(matches!(
        sparekey_core::vault::Vault::unlock(&dir, &pass(support::PASSPHRASE)),
        Err(sparekey_core::Error::WrongPassphrase)
    ));
    session.close().await;
}

/// A sync tool's conflict copy is merged by the next change, and the window
/// says what was merged (reads never write, so not before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_says_what_it_merged_from_a_conflict_copy() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", URI]);
    let vault = session.vault_dir().join("vault.age");
    let ours = std::fs::read(&vault).unwrap();
    // The other machine's version has one more account; the sync tool
    // keeps ours and leaves theirs beside it as a conflict copy.
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/Other%20Machine:bob?secret=KRSXG5CTMVRXEZLU&issuer=Other%20Machine",
    ]);
    let theirs = std::fs::read(&vault).unwrap();
    std::fs::write(&vault, ours).unwrap();
    let copy = "vault.sync-conflict-20261203-120000-GUITEST.age";
    std::fs::write(session.vault_dir().join(copy), theirs).unwrap();

    session.unlock().await;
    assert!(
        session.vault_dir().join(copy).exists(),
        "opening wrote nothing"
    );
    let row = row_css(&session, "ACME Co").await;
    session.click(&format!("{row} .details")).await;
    session
        .type_into("#recovery-text", "3f9a1c2b7d4e6f80 9b2c4d6e8f0a1b3c")
        .await;
    session.click("#recovery-save").await;
    let toast = session.wait_text("#toast", |t| t.contains("Merged")).await;
    assert!(toast.contains(copy) && toast.contains("1 added"), "{toast}");
    assert!(
        !session.vault_dir().join(copy).exists(),
        "the copy moved to backups/"
    );
    session.close().await;
}
