//! How the webview draws its pages.

/// The WebKitGTK switch that turns GPU compositing off, read when a webview
/// is made.
#[cfg(target_os = "linux")]
const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Has WebKit draw pages on the CPU, without GPU compositing, unless the
/// user's environment already says otherwise (`WEBKIT_DISABLE_COMPOSITING_MODE=0`
/// keeps the GPU).
///
/// Sparekey's pages are forms and lists: nothing in them needs the GPU, and
/// WebKitGTK's compositing costs about 45 MiB of PSS in its web process
/// (measured with `scripts/bench` under Xvfb: the empty page takes 241 MiB
/// with it, 198 without, and starts as fast). It also keeps GPU drivers, a
/// common cause of blank Tauri windows on Linux, out of the process that
/// renders the vault.
///
/// WebKit reads the switch from the environment, so this must run first
/// thing in `main`, before any other thread exists. Setting it through
/// `WebKitSettings` instead only works once the page is loading, which
/// measured 30 ms slower to the first screen.
pub fn draw_on_cpu() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(COMPOSITING_OFF).is_none() {
        std::env::set_var(COMPOSITING_OFF, "1");
    }
}
