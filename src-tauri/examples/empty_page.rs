//! The floor of the stack, for `scripts/bench`: Tauri 2 with the app's own
//! configuration and dependencies, but one window with an empty page, no
//! commands and no plugins. What the app costs beyond this is Sparekey's.
//!
//! `cargo build --release -p sparekey --example empty_page --features bench-floor`

fn main() {
    // The process and its webview are set up as the app sets them up.
    sparekey_app::platform::one_heap();
    sparekey_app::platform::configure_webview();
    let mut context = tauri::generate_context!();
    // The app's window (with its UI) is replaced by an empty page.
    context.config_mut().app.windows.clear();
    let app = tauri::Builder::default()
        // A real (empty) document, so WebKit starts its web process as it
        // does for the app; about:blank would not.
        .register_uri_scheme_protocol("floor", |_context, _request| {
            // Timed as the app's first screen is (see `trace_startup`).
            sparekey_app::commands::trace_startup();
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
