//! The floor of the stack, for `scripts/bench`: Tauri 2 with the app's own
//! configuration and dependencies, but one window with an empty page, no
//! commands and no plugins. What the app costs beyond this is Sparekey's.
//!
//! `cargo build --release -p sparekey --example empty_page --features bench-floor`

fn main() {
    let mut context = tauri::generate_context!();
    // The app's window (with its UI) is replaced by an empty page.
    context.config_mut().app.windows.clear();
    let app = tauri::Builder::default()
        // A real (empty) document, so WebKit starts its web process as it
        // does for the app; about:blank would not.
        .register_uri_scheme_protocol("floor", |_context, _request| {
            // As the app's first `vault_status` does (see its
            // `trace_startup`): the page is being requested now.
            if std::env::var_os("SPAREKEY_TRACE_STARTUP").is_some() {
                let since_epoch = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                eprintln!(
                    "sparekey startup-trace: first screen requested at {:.1} ms",
                    since_epoch.as_secs_f64() * 1000.0
                );
            }
            tauri::http::Response::builder()
                .header("content-type", "text/html")
                .body(b"<!doctype html><title>empty</title>".to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            let url = tauri::WebviewUrl::CustomProtocol("floor://localhost/".parse()?);
            tauri::WebviewWindowBuilder::new(app, "main", url)
                .title("Sparekey floor")
                .inner_size(980.0, 700.0)
                .build()?;
            Ok(())
        });
    if let Err(error) = app.run(context) {
        eprintln!("empty_page: {error}");
        std::process::exit(1);
    }
}
