//! End-to-end tests of the ways back in: the real `sparekey` app under
//! `tauri-driver`, driven through WebDriver as a user clicks and types.
//! An inventory filled on the account page clears its finding; "Check my
//! phone" accepts the code another authenticator shows (made here by
//! `oathtool`, as a phone would); the Health screen draws the recovery
//! graph with the shared mailbox marked weak, and fixing it from there
//! clears the mark.
//!
//! Needs `cargo build --workspace` first and an X display:
//! `scripts/gui-env.sh cargo nextest run -p sparekey-tests --test blackbox gui_ways::`.

use std::process::Command;

use serde_json::json;

use crate::support::GuiSession;

const PYPI_URI: &str = "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI";
const GITHUB_URI: &str = "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub";
const GMAIL_URI: &str =
    "otpauth://totp/Google:alice@gmail.com?secret=MFRGGZDFMZTWQ2LK&issuer=Google";

/// The TOTP code of `secret` now, as another authenticator shows it.
fn oathtool_now(secret: &str) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", secret])
        .output()
        .expect("oathtool is missing: install Debian's `oathtool`");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .expect("oathtool prints text")
        .trim()
        .to_owned()
}

/// The issuers of the listed accounts, in order, once they are `expected`.
async fn wait_order(session: &GuiSession, expected: serde_json::Value) {
    let deadline = std::time::Instant::now() + crate::support::WAIT_TIMEOUT;
    loop {
        let order = session
            .client()
            .execute(
                "return [...document.querySelectorAll('#accounts li.account .issuer')]\
                 .map((e) => e.textContent);",
                vec![],
            )
            .await
            .expect("run the script");
        if order == expected {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the list shows {order}, not {expected}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The PyPI account page: record "nothing else" (one way in: a finding),
/// add a security key (two ways: it clears), then prove the phone holds the
/// same secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filling_the_inventory_clears_the_finding_and_check_my_phone_records_it() {
    let session = GuiSession::builder().with_vault().start().await;
    session.cli(&["add", "--uri", PYPI_URI]);
    session.unlock().await;
    session.click("#accounts li.account .details").await;
    session
        .wait_text("#ways-count", |t| t.contains("Not recorded yet"))
        .await;
    // PyPI's guide data offers a security key as a quick add.
    session.find("#way-add-security_key").await;

    // Saved with nothing else: Sparekey is the only way in.
    session.click("#ways-save").await;
    session
        .wait_text("#ways-count", |t| t.contains("1 independent way"))
        .await;
    session
        .find("#ways .ways-finding[data-kind='one_way_in']")
        .await;

    // A security key with its place: two ways, the finding clears.
    session.click("#way-add-security_key").await;
    session.type_into("#way-factor-0-name", "YubiKey 5C").await;
    session.type_into("#way-factor-0-place", "keyring").await;
    session.click("#ways-save").await;
    session
        .wait_text("#ways-count", |t| t.contains("2 independent ways"))
        .await;
    session.wait_gone("#ways .ways-finding").await;
    let ways = session.dom_text("#ways-in").await;
    assert!(ways.contains("security key YubiKey 5C (keyring)"), "{ways}");

    // The pypi-prevent step "Add a security key" ticked itself.
    let shown = session.cli(&[
        "--json",
        "guide",
        "show",
        "pypi-prevent",
        "--account",
        "PyPI",
    ]);
    let guide: serde_json::Value =
        serde_json::from_str(&shown).expect("guide show --json prints JSON");
    let step = guide["steps"]
        .as_array()
        .expect("the guide's steps")
        .iter()
        .find(|s| s["id"] == "security-key")
        .expect("the security-key step");
    assert_eq!(step["status"]["state"], "done", "{step}");

    // Check my phone: a wrong code says so and records nothing...
    let code = oathtool_now("JBSWY3DPEHPK3PXP");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    session.type_into("#check-phone-code", wrong).await;
    session.click("#check-phone").await;
    session
        .wait_text("#check-phone-result", |t| t.contains("does not match"))
        .await;
    // ...the phone's code matches and is recorded with its device.
    session
        .type_into("#check-phone-code", &oathtool_now("JBSWY3DPEHPK3PXP"))
        .await;
    session.type_into("#check-phone-device", "Pixel 8").await;
    session.click("#check-phone").await;
    session
        .wait_text("#check-result", |t| t.contains("It matches"))
        .await;
    session
        .wait_text("#ways-count", |t| t.contains("3 independent ways"))
        .await;
    let shown = session.cli(&["account", "show", "PyPI"]);
    assert!(shown.contains("TOTP on another device Pixel 8"), "{shown}");
    assert!(shown.contains(", checked "), "{shown}");
    session.close().await;
}

/// PyPI and GitHub recovered by one Gmail mailbox whose own account has one
/// way in: Health draws the graph with the mailbox marked weak; its finding
/// opens Gmail's ways back in, a second way there clears the mark.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_graph_marks_the_shared_mailbox_until_it_is_fixed() {
    let session = GuiSession::builder().with_vault().start().await;
    for uri in [PYPI_URI, GITHUB_URI, GMAIL_URI] {
        session.cli(&["add", "--uri", uri]);
    }
    for account in ["PyPI", "GitHub"] {
        session.cli(&[
            "account",
            "add-way",
            account,
            "email",
            "alice@gmail.com",
            "--mailbox",
            "Google",
        ]);
        session.cli(&["account", "add-way", account, "security-key", "YubiKey"]);
    }
    session.cli(&["account", "confirm", "Google"]);
    session.unlock().await;
    session.click("#health-button").await;
    session.find("#recovery-graph").await;
    // The mailbox is drawn, red, and says it is the weak point.
    let mailbox = "#recovery-graph g.graph-node[data-id='m:alice@gmail.com']";
    session.find(&format!("{mailbox}.weak")).await;
    let label = session.dom_text(&format!("{mailbox} .graph-detail")).await;
    assert!(label.contains("weak point"), "{label}");
    assert_eq!(session.count("#recovery-graph .graph-edge").await, 3);
    let stroke = session
        .client()
        .execute(
            "return getComputedStyle(document.querySelector(arguments[0])).stroke;",
            vec![json!(format!("{mailbox} .graph-shape"))],
        )
        .await
        .expect("run the script");
    let danger = session
        .client()
        .execute(
            "const probe = document.createElement('span'); probe.style.color = 'var(--danger)';\
             document.body.append(probe); const c = getComputedStyle(probe).color; probe.remove(); return c;",
            vec![],
        )
        .await
        .expect("run the script");
    assert_eq!(
        stroke, danger,
        "the weak point is drawn in the danger colour"
    );

    // The finding names the mailbox and opens Gmail's ways back in.
    let finding = "#health-findings li[data-kind='mailbox_single_point']";
    let text = session.dom_text(finding).await;
    assert!(
        text.contains("alice@gmail.com recovers 2 accounts"),
        "{text}"
    );
    session
        .click(&format!("{finding} [data-fix='mailbox_single_point']"))
        .await;
    session.wait_text("#account-title", |t| t == "Google").await;
    session.click("#way-add-passkey").await;
    session
        .type_into("#way-factor-0-name", "Pixel passkey")
        .await;
    session.click("#ways-save").await;
    session
        .wait_text("#ways-count", |t| t.contains("2 independent ways"))
        .await;

    // Back on Health: no weak point left in the graph, no finding.
    session.click("#health-button").await;
    session.find("#recovery-graph").await;
    session.find(&format!("{mailbox}:not(.weak)")).await;
    assert_eq!(session.count("#recovery-graph .graph-node.weak").await, 0);
    session.wait_gone(finding).await;
    session.close().await;
}

/// Tags and a pin set on the account page: the list shows the pinned
/// account first and filters by tag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_and_pins_from_the_account_page_filter_and_order_the_list() {
    let session = GuiSession::builder().with_vault().start().await;
    for uri in [PYPI_URI, GITHUB_URI] {
        session.cli(&["add", "--uri", uri]);
    }
    session.unlock().await;
    // PyPI is second by issuer; pin it and tag it.
    session
        .click("#accounts li.account:last-child .details")
        .await;
    session.click("#pin-account").await;
    session.wait_text("#pin-account", |t| t == "Pinned").await;
    session.type_into("#edit-tags", "release, work").await;
    // Saving shows the page again: mark this one to know when it is gone.
    session
        .client()
        .execute(
            "document.querySelector('#account-title').dataset.old = 'yes';",
            vec![],
        )
        .await
        .expect("run the script");
    session.click("#save-account").await;
    session.wait_text("#toast", |t| t.contains("Saved")).await;
    session.find("#account-title:not([data-old])").await;
    session.click("#back").await;
    session.find("#accounts li.account").await;
    // Pinned first.
    wait_order(&session, json!(["PyPI", "GitHub"])).await;
    // Filter by tag: only PyPI.
    session.find("#tag-filter option[value='release']").await;
    session
        .client()
        .execute(
            "const s = document.querySelector('#tag-filter'); s.value = 'release'; \
             s.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .expect("run the script");
    let deadline = std::time::Instant::now() + crate::support::WAIT_TIMEOUT;
    while session.count("#accounts li.account").await != 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the tag filter did not apply"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let tags = session.cli(&["--json", "list", "--tag", "work"]);
    assert!(
        tags.contains("PyPI:alice") && !tags.contains("GitHub"),
        "{tags}"
    );
    session.close().await;
}
