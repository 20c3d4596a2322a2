//! End-to-end tests of guides, "I'm locked out", the emergency kit and
//! restoring a damaged vault: the real `sparekey` app under `tauri-driver`,
//! driven through WebDriver as a user clicks and types.
//!
//! Needs `cargo build --workspace` first and an X display:
//! `scripts/gui-env.sh cargo nextest run -p sparekey-tests --test blackbox gui_guides::`.

use std::time::{Duration, Instant};

use crate::support::{GuiSession, PASSPHRASE, WAIT_TIMEOUT};
use serde_json::json;
use sparekey_core::guides::request::PYPI_STATEMENTS;

const PYPI_URI: &str = "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI";
const ACME_URI: &str =
    "otpauth://totp/ACME%20Co:alice@example.com?secret=KRSXG5CTMVRXEZLU&issuer=ACME%20Co";
const PYPI_CODES: &str = "3f9a1c2b7d4e6f80 9b2c4d6e8f0a1b3c 0a1b2c3d4e5f6071 7e8f9a0b1c2d3e4f \
                          5a6b7c8d9e0f1a2b c1d2e3f4a5b6c7d8 2b3c4d5e6f7a8b9c d4e5f6a7b8c9d0e1";

/// Waits until the element matching `css` has attribute `name` equal to `value`.
async fn wait_attr(session: &GuiSession, css: &str, name: &str, value: &str) {
    let deadline = Instant::now() + WAIT_TIMEOUT;
    let mut last = None;
    loop {
        if let Ok(element) = session.client().find(fantoccini::Locator::Css(css)).await {
            if let Ok(seen) = element.attr(name).await {
                if seen.as_deref() == Some(value) {
                    return;
                }
                last = seen;
            }
        }
        if Instant::now() > deadline {
            let page = session.page_text().await;
            panic!("`{css}` never had {name}={value:?} (last {last:?})\npage: {page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the account list shows an account of `issuer`.
async fn wait_issuer(session: &GuiSession, issuer: &str) {
    let deadline = Instant::now() + WAIT_TIMEOUT;
    loop {
        let found = session
            .client()
            .execute(
                "return [...document.querySelectorAll('#accounts .issuer')]\
                 .some((e) => e.textContent === arguments[0]);",
                vec![json!(issuer)],
            )
            .await
            .expect("run the script");
        if found == json!(true) {
            return;
        }
        if Instant::now() > deadline {
            let page = session.page_text().await;
            panic!("no account of {issuer:?} in the list\npage: {page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Selects the option with `value` in the `<select>` matching `css`.
async fn select_value(session: &GuiSession, css: &str, value: &str) {
    session.find(css).await;
    session
        .client()
        .execute(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1]; \
             s.dispatchEvent(new Event('change')); return s.value;",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap_or_else(|error| panic!("cannot select {value:?} in `{css}`: {error}"));
}

/// The whole PyPI "nothing works" path ends in core's draft, copied from Rust.
async fn draft_pypi_request(session: &GuiSession) {
    session.click("#lockout-service-pypi").await;
    session.click("#branch-nothing-works").await;
    // Only the chosen branch's steps are shown.
    session.find("#step-file-request").await;
    session.wait_gone("#step-show-code").await;

    session.type_into("#request-username", "alice-dev").await;
    // The reasons come from core; wait for them, then pick the second.
    let reason = sparekey_core::guides::request::PYPI_REASONS[1];
    session
        .wait_text("#request-reason", |text| text.contains(reason))
        .await;
    select_value(session, "#request-reason", reason).await;
    session.click("#request-draft").await;

    let body = session.dom_text("#request-body").await;
    let expected = sparekey_core::guides::request::pypi_recovery_request(
        &sparekey_core::guides::request::RequestInput {
            username: "alice-dev",
            reason,
            ..Default::default()
        },
    )
    .expect("core drafts the request");
    assert_eq!(
        body, expected.body,
        "the draft is shown exactly as core wrote it"
    );
    let username = body.find("`alice-dev`").expect("username in backticks");
    let mut last = username;
    assert!(username < body.find(reason).expect("the reason"));
    for statement in PYPI_STATEMENTS {
        let at = body
            .find(statement)
            .unwrap_or_else(|| panic!("{statement:?} missing in {body}"));
        assert!(at > last, "statements out of order in {body}");
        last = at;
    }
    let evidence = session.dom_text("#request-evidence").await;
    assert!(evidence.contains("alice-dev"), "{evidence}");
    session.find("#request-next li").await;
    // Each fact carries its sources.
    let next = session.dom_text("#request-next").await;
    assert!(next.contains("Source"), "{next}");
    session.find("#request-meanwhile li").await;

    session.click("#request-copy").await;
    session
        .wait_text("#toast", |text| text.contains("Draft copied"))
        .await;
}

/// "I'm locked out" in the header → PyPI → "Nothing works" → username and
/// reason → core's draft (username in backticks first, then the three
/// statements in order) → Copy → toast; the guide then leads to "prevent".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lockout_walks_pypi_to_a_copied_recovery_request() {
    let session = GuiSession::builder().with_vault().start().await;
    session.unlock().await;
    session.click("#lockout-button").await;
    // PyPI is offered first (the services come from Rust: wait for them).
    session.find("#lockout-services button").await;
    let first = session
        .client()
        .execute(
            "return document.querySelector('#lockout-services button').id;",
            vec![],
        )
        .await
        .expect("run the script");
    assert_eq!(first, json!("lockout-service-pypi"));
    draft_pypi_request(&session).await;
    session.click("#lockout-next").await;
    session
        .wait_text("#guide-title", |t| t == "Lockout-proof my PyPI account")
        .await;
    session.close().await;
}

/// The seed's case, as a new user walks it: a PyPI account with 7 unused
/// codes in the vault → "I'm locked out" → PyPI says use those first → the
/// unrecognized-device branch (primary mailbox only, 15 minutes, same
/// network, sources shown) → "Go to: Nothing works" → the username is the
/// account's → "mailbox gone" → the draft names the primary mailbox
/// problem and does not claim the codes are lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lockout_walks_the_unrecognized_device_branch_to_a_mailbox_request() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice-dev?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    session.cli_with_input(&["recovery", "add", "pypi", "-"], PYPI_CODES);
    session.cli(&["recovery", "use", "pypi"]);
    session.unlock().await;
    session.click("#lockout-button").await;
    session.click("#lockout-service-pypi").await;
    // Core knows the vault holds unused codes: they come first.
    let first = session
        .wait_text("#codes-first", |t| t.contains("unused"))
        .await;
    assert!(
        first.contains("Sparekey holds 7 unused recovery codes for this account"),
        "{first}"
    );
    assert!(first.contains("use one of these first"), "{first}");

    session.click("#branch-email").await;
    let steps = session
        .wait_text("#branch-steps", |t| t.contains("Unrecognized login"))
        .await;
    for needle in [
        "Unrecognized login to your PyPI account",
        "only to the primary address",
        "at most once every 15 minutes",
        "Device details didn't match",
        "A security key skips the email",
        "Keep releases going while you are locked out",
    ] {
        assert!(steps.contains(needle), "{needle:?} missing in\n{steps}");
    }
    // Every step shows where it comes from.
    let sources = session
        .client()
        .execute(
            "return [...document.querySelectorAll('#branch-steps > li')]\
             .every((li) => li.querySelector('details.sources'));",
            vec![],
        )
        .await
        .expect("run the script");
    assert_eq!(sources, json!(true), "a step without sources");
    let source = session
        .client()
        .execute(
            "const d = document.querySelector('#step-search-mail details.sources'); d.open = true;\
             return d.querySelector('button.source').dataset.url;",
            vec![],
        )
        .await
        .expect("run the script");
    assert!(
        source
            .as_str()
            .is_some_and(|u| u.starts_with("https://github.com/pypi/warehouse/blob/")),
        "{source}"
    );

    // "Go to Nothing works" goes there, with the draft form.
    session.find("#goto-still-stuck").await;
    session
        .client()
        .execute(
            "document.querySelector('#goto-still-stuck').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .expect("run the script");
    session.click("#goto-still-stuck").await;
    wait_attr(&session, "#branch-nothing-works", "aria-pressed", "true").await;
    session.find("#step-file-request").await;
    session.wait_gone("#step-search-mail").await;
    // The username is the account's; the vault's codes are mentioned.
    let deadline = Instant::now() + WAIT_TIMEOUT;
    loop {
        let value = session
            .client()
            .execute(
                "return document.querySelector('#request-username')?.value;",
                vec![],
            )
            .await
            .expect("run the script");
        if value == json!("alice-dev") {
            break;
        }
        assert!(Instant::now() < deadline, "username never filled: {value}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    session
        .wait_text("#request-codes", |t| t.contains("7 unused recovery codes"))
        .await;
    let reason = sparekey_core::guides::request::PYPI_REASONS[2];
    session
        .wait_text("#request-reason", |text| text.contains(reason))
        .await;
    select_value(&session, "#request-reason", reason).await;
    session.click("#request-mailbox-gone").await;
    session.click("#request-draft").await;
    let body = session
        .wait_text("#request-body", |t| t.contains("alice-dev"))
        .await;
    assert!(body.contains("`alice-dev`"), "{body}");
    assert!(
        body.contains("confirmation email to my primary address"),
        "{body}"
    );
    assert!(
        body.contains("no longer have access to the primary email address"),
        "{body}"
    );
    assert!(body.contains("another address"), "{body}");
    // 7 unused codes: "never generated or lost the codes" is not ticked.
    assert!(
        body.contains(&format!("- [ ] {}", PYPI_STATEMENTS[0])),
        "{body}"
    );
    let warning = session.dom_text("#request-warning").await;
    assert!(warning.contains("Login using recovery codes"), "{warning}");
    session.click("#request-copy").await;
    session
        .wait_text("#toast", |text| text.contains("Draft copied"))
        .await;
    session.close().await;
}

/// Drafting the request needs no vault: it works from the unlock screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lockout_drafts_the_request_while_the_vault_is_locked() {
    let session = GuiSession::builder().with_vault().start().await;
    session.click("#locked-out-link").await;
    draft_pypi_request(&session).await;
    session.click("#back").await;
    session.find("#passphrase").await;
    session.close().await;
}

/// The PyPI prevent guide for a PyPI account: a manual step checked in the
/// UI shows done with today's date and its note; "recovery codes stored"
/// turns done by itself after the codes are saved through its action.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prevent_guide_checks_manual_steps_and_follows_the_vault() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", PYPI_URI]);
    session.unlock().await;
    session.click("#accounts li.account .details").await;
    let card = session
        .wait_text("#account-guide", |t| t.contains("steps done"))
        .await;
    assert!(card.contains("Lockout-proof my PyPI account"), "{card}");
    session.click("#account-guide-open").await;
    session
        .wait_text("#guide-title", |t| t == "Lockout-proof my PyPI account")
        .await;
    // TOTP is in the vault already: done automatically.
    wait_attr(&session, "#step-totp", "data-state", "done").await;
    wait_attr(&session, "#step-password", "data-state", "not_done").await;
    let before = session.dom_text("#guide-progress .progress-text").await;

    session
        .type_into("#note-password", "in the password manager")
        .await;
    session.click("#check-password").await;
    wait_attr(&session, "#step-password", "data-state", "done").await;
    // Today as the app writes dates: in the locale, ISO under a C locale.
    let today = session
        .client()
        .execute(
            "const d = new Date();\
             const iso = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;\
             return /^(c|posix)([._@-]|$)/i.test(navigator.language) ? iso : d.toLocaleDateString();",
            vec![],
        )
        .await
        .expect("run the script");
    let meta = session.dom_text("#step-password .step-meta").await;
    assert!(
        meta.contains(today.as_str().unwrap_or("?")),
        "{meta} lacks today's date {today}"
    );
    assert!(meta.contains("in the password manager"), "{meta}");
    let after = session.dom_text("#guide-progress .progress-text").await;
    assert_ne!(before, after, "progress moves");

    // The automatic step flips once codes are saved, through its action.
    wait_attr(&session, "#step-recovery-codes", "data-state", "not_done").await;
    session.click("#action-recovery-codes").await;
    session.type_into("#recovery-text", PYPI_CODES).await;
    session.click("#recovery-save").await;
    session
        .wait_text("#recovery", |t| t.contains("of 8 unused"))
        .await;
    session.click("#account-guide-open").await;
    wait_attr(&session, "#step-recovery-codes", "data-state", "done").await;
    // The manual check survived the round trip (it is in the vault).
    wait_attr(&session, "#step-password", "data-state", "done").await;
    session.close().await;
}

/// Settings → create the kit (key line and QR code on the kit page) → lock
/// → "Open with emergency kit" with that key → new passphrase → lock → the
/// new passphrase unlocks and the old one no longer does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emergency_kit_opens_the_vault_and_sets_a_new_passphrase() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", PYPI_URI]);
    session.unlock().await;
    session.click("#settings-button").await;
    wait_attr(&session, "#kit-status", "data-state", "none").await;
    session.click("#kit-create").await;

    let text = session.dom_text("#kit-key").await;
    let key = text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap_or_else(|| panic!("no key line on the kit page: {text}"))
        .to_owned();
    let qr = session
        .find("#kit-qr")
        .await
        .attr("src")
        .await
        .expect("read the QR image")
        .unwrap_or_default();
    assert!(qr.starts_with("data:image/svg+xml"), "{qr:.40}");
    let command = session.dom_text("#kit-command").await;
    assert!(command.starts_with("age -d -i kit.txt ") && command.ends_with("vault.age"));

    session.click("#kit-done").await;
    wait_attr(&session, "#kit-status", "data-state", "exists").await;
    session.click("#lock-button").await;

    session.click("#kit-unlock-link").await;
    session.type_into("#kit-text", &key).await;
    session.click("#kit-open").await;
    let new_pass = "a brand new passphrase";
    session.type_into("#reset-passphrase", new_pass).await;
    session.type_into("#reset-passphrase-again", new_pass).await;
    session.click("#reset-save").await;
    session.find("#search").await;

    session.click("#lock-button").await;
    session.type_into("#passphrase", PASSPHRASE).await;
    session.click("#unlock").await;
    session
        .wait_text("#passphrase-error", |t| !t.is_empty())
        .await;
    session
        .find("#passphrase")
        .await
        .clear()
        .await
        .expect("clear");
    session.type_into("#passphrase", new_pass).await;
    session.click("#unlock").await;
    session.find("#search").await;
    wait_issuer(&session, "PyPI").await;
    session.close().await;
}

/// vault.age overwritten with garbage: unlocking offers the backups, and
/// restoring the newest that opens brings the accounts back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_vault_offers_the_newest_backup() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", ACME_URI]);
    session.cli(&["add", "--uri", PYPI_URI]);
    std::fs::write(
        session.vault_dir().join("vault.age"),
        b"this is not an age file",
    )
    .expect("damage vault.age");

    session.type_into("#passphrase", PASSPHRASE).await;
    session.click("#unlock").await;
    session.find("#restore-offer").await;
    session
        .wait_text("#backup-list", |t| t.contains("1 account"))
        .await;
    session.click("#restore-newest").await;
    session.find("#search").await;
    wait_issuer(&session, "ACME Co").await;
    let kept = std::fs::read_dir(session.vault_dir().join("backups"))
        .expect("list backups")
        .filter_map(Result::ok)
        .any(|e| e.file_name().to_string_lossy().starts_with("damaged-"));
    assert!(kept, "the damaged file is kept aside");
    session.close().await;
}
