//! How the webview draws and runs its pages: WebKitGTK switches read from
//! the environment.
//!
//! WebKit reads them when it starts its processes (which inherit this
//! process's environment), so [`configure_webview`] must run first thing in
//! `main`, before any other thread exists. Each switch yields to a value the
//! user already set. Both are inherited by the programs the app starts too
//! (`xdg-open` for links); only WebKitGTK browsers read them.

/// The WebKitGTK switch that turns GPU compositing off, read when a webview
/// is made.
#[cfg(target_os = "linux")]
const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The JavaScriptCore option that turns its just-in-time compilers off,
/// read when a web process starts.
#[cfg(target_os = "linux")]
const JIT: &str = "JSC_useJIT";

/// Sets up the webview as Sparekey runs it: drawn on the CPU
/// (`draw_on_cpu`), scripts interpreted (`interpret_scripts`).
pub fn configure_webview() {
    draw_on_cpu();
    interpret_scripts();
}

/// Has WebKit draw pages on the CPU, without GPU compositing
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps the GPU).
///
/// Sparekey's pages are forms and lists: nothing in them needs the GPU, and
/// WebKitGTK's compositing costs about 45 MiB of PSS in its web process
/// (measured with `scripts/bench` under Xvfb: the empty page takes 241 MiB
/// with it, 198 without, and starts as fast). It also keeps GPU drivers, a
/// common cause of blank Tauri windows on Linux, out of the process that
/// renders the vault.
///
/// Setting this through `WebKitSettings` instead only works once the page
/// is loading, which measured 30 ms slower to the first screen.
fn draw_on_cpu() {
    #[cfg(target_os = "linux")]
    set_unless_set(COMPOSITING_OFF, "1");
}

/// Has JavaScriptCore interpret the page's scripts, with its just-in-time
/// compilers off (`JSC_useJIT=true` turns them back on).
///
/// Sparekey's scripts are a few thousand lines that build forms and update
/// the codes on screen once a second: the interpreter runs them without a
/// visible difference. JIT compilers are where many exploitable JavaScript
/// engine bugs have been, and the process that runs the page holds codes and
/// secrets on screen; browsers' hardened modes (Safari's Lockdown Mode,
/// Edge's enhanced security) turn them off for the same reason. It also
/// saves memory: 7 MiB of PSS in the web process at 10,000 accounts, 3 MiB
/// for an empty page (measured under Xvfb, `/proc/<pid>/smaps_rollup`).
fn interpret_scripts() {
    #[cfg(target_os = "linux")]
    set_unless_set(JIT, "false");
}

/// Sets `name` to `value` unless the environment already has it.
#[cfg(target_os = "linux")]
fn set_unless_set(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        std::env::set_var(name, value);
    }
}
