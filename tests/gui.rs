//! End-to-end tests of the desktop app: the real `sparekey` binary under
//! `tauri-driver`, driven through WebDriver as a user would.
//!
//! Needs `cargo build -p sparekey` first and an X display:
//! `xvfb-run -a -s '-screen 0 1280x800x24 -noreset' cargo test -p sparekey-tests --test gui`.

mod support;

use support::GuiSession;

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
        window.__TAURI__.core
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
