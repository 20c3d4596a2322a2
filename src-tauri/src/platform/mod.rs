//! Everything in the desktop shell that differs between Linux, macOS and
//! Windows, behind one small interface. The rest of the shell calls these
//! functions and types and has no `cfg` of its own (`tests/security.rs`
//! checks); each system's module offers the whole interface, built from
//! its native pieces and the portable ones in `fallback.rs`.
//!
//! | piece | Linux | macOS | Windows |
//! |---|---|---|---|
//! | [`one_heap`], [`return_freed_memory`] | glibc: one arena, `malloc_trim` | nothing | nothing |
//! | [`disable_core_dumps`] | `RLIMIT_CORE` 0 and not dumpable | `RLIMIT_CORE` 0 | nothing |
//! | [`configure_webview`] | WebKitGTK: drawn on the CPU, no JIT | nothing | nothing |
//! | [`since_boot`] (the idle timer's clock) | `CLOCK_BOOTTIME`: counts suspend | `Instant` | `Instant` |
//! | [`runtime_dir`] | `$XDG_RUNTIME_DIR`, if private | `~/Library/Caches/dev.sparekey.sparekey`, made private | `%LOCALAPPDATA%\sparekey\sparekey\cache` |
//! | [`Bell`] (a second launch asks the first to show its window) | a Unix socket | a Unix socket | none: the lock alone |
//! | [`capture_screen`] ("Scan the screen") | X11: the root window's pixels; Wayland: the desktop portal's Screenshot | not yet: says so | not yet: says so |
//! | [`tray_host_present`] (may closing hide to the tray?) | a StatusNotifierWatcher on the session bus or an X11 system tray | yes (the menu bar) | yes (the notification area) |
//!
//! Other systems (the BSDs, say) get the portable pieces: no runtime
//! folder, so no single-instance check. Only the Linux column is built and
//! tested here; the macOS and Windows modules are portable Rust (std,
//! `directories`, and `rustix` on macOS) and are built and type-checked
//! with Linux's tests too, but have not run on their systems.

use std::{io, path::Path, path::PathBuf};

#[cfg(unix)]
mod unix;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
mod portal;
#[cfg(target_os = "linux")]
mod x11;
#[cfg(target_os = "linux")]
use linux as os;

// macOS's and Windows's modules are built with the tests on every system
// that can (macOS's needs `unix.rs`), so Linux type-checks and tests them.
#[cfg(any(all(test, unix), target_os = "macos"))]
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
mod macos;
#[cfg(target_os = "macos")]
use macos as os;

#[cfg(any(test, windows))]
#[cfg_attr(not(windows), allow(dead_code))]
mod windows;
#[cfg(windows)]
use windows as os;

// Each system uses only some of the portable pieces (Linux none of them).
#[allow(dead_code)]
mod fallback;
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
use fallback as os;

/// The second launch's way to ask the app that has the vault open to show
/// its window, and that app's way to hear it.
///
/// One app per vault is decided by a lock (see `single_instance`); the bell
/// only brings the window forward. Where a system has none
/// ([`Bell::RINGS`] false), a second launch says the vault is open and
/// exits.
pub trait Bell: Sized + Send + 'static {
    /// Whether a later launch can ring at all.
    const RINGS: bool;
    /// Starts listening at `path`, for the app that holds the vault's lock
    /// (so whatever is at `path` was left by an app that ended).
    fn listen(path: &Path) -> io::Result<Self>;
    /// Calls `heard` once for each ring, for as long as the app runs.
    fn serve(self, heard: impl Fn());
    /// Rings the app listening at `path` once: whether it answered.
    fn ring(path: &Path) -> bool;
}

/// This system's [`Bell`].
pub type SystemBell = os::SystemBell;

/// The bell of systems that have none, for tests of the lock alone.
#[cfg(test)]
pub(crate) use fallback::LockOnly;

/// Has every thread of this process allocate from one heap, where the
/// allocator gives threads heaps of their own (glibc). Call it first thing,
/// before any other thread exists.
pub fn one_heap() {
    os::one_heap();
}

/// Returns memory freed inside this process to the system, where the
/// allocator keeps it otherwise (glibc). It walks the whole heap, a few
/// milliseconds on a large one, so callers run it off a user's path.
pub fn return_freed_memory() {
    os::return_freed_memory();
}

/// Turns off core dumps, so a crash never writes the unlocked vault to
/// disk, where the system lets a process do that for itself. Best effort:
/// failures are ignored, hardening must not keep anyone from their codes.
pub fn disable_core_dumps() {
    os::disable_core_dumps();
}

/// Sets up the webview as Sparekey runs it, where its engine takes settings
/// from the process (WebKitGTK). Call it first thing, before any other
/// thread exists: it sets environment variables.
pub fn configure_webview() {
    os::configure_webview();
}

/// A clock for the idle timer that counts time spent in suspend (Linux:
/// `CLOCK_BOOTTIME`); elsewhere a monotonic clock from the first call.
pub fn since_boot() -> std::time::Duration {
    os::since_boot()
}

/// What the app does when the system sleeps or the screen locks.
pub type OnSleepOrLock = Box<dyn Fn() + Send + Sync>;

/// Calls `lock` when the system is about to suspend or hibernate and when
/// the user's session is locked (Linux: logind's `PrepareForSleep` and the
/// session's `Lock` signals on the system bus), from a thread of its own.
/// Where the system offers neither (no logind, a container), nothing.
pub fn on_sleep_or_lock(lock: OnSleepOrLock) {
    os::on_sleep_or_lock(lock);
}

/// The user's private folder for the single-instance lock and bell, or why
/// there is none (then the app starts without the check).
pub fn runtime_dir() -> Result<PathBuf, String> {
    os::runtime_dir()
}

/// A picture of the screen, held in memory only (wiped on drop).
pub enum ScreenCapture {
    /// The screen's pixels: blue, green, red and one unused byte each,
    /// row after row (what `sparekey_core::qr::decode_screen` reads).
    Pixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// `width`×`height`×4 bytes.
        bgrx: zeroize::Zeroizing<Vec<u8>>,
    },
    /// A PNG or JPEG screenshot, as a desktop's screenshot service hands
    /// it over.
    Image(zeroize::Zeroizing<Vec<u8>>),
}

/// What the screen shows now, for "Scan the screen", or a sentence saying
/// why it cannot be had (no display, no portal, not supported on this
/// system), with what to do instead. Blocks: the desktop may ask the person
/// first.
pub fn capture_screen() -> Result<ScreenCapture, String> {
    os::capture_screen()
}

/// Whether something shows tray icons now, so a window closed to the tray
/// can be found again (Linux desktops without one are common; the app then
/// quits on close, as without the setting).
pub fn tray_host_present() -> bool {
    os::tray_host_present()
}

/// Sparekey's folders from `directories`, with the names core's
/// `VaultPaths` uses, so the app's own folders sit beside the vault's.
/// (Linux's runtime folder is the session's own, so only macOS and Windows
/// use this.)
#[cfg_attr(target_os = "linux", allow(dead_code))]
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "sparekey", "sparekey")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signatures every system's module must offer.
    macro_rules! offers_the_interface {
        ($os:path) => {{
            use $os as os;
            let _: fn() = os::one_heap;
            let _: fn() = os::return_freed_memory;
            let _: fn() = os::disable_core_dumps;
            let _: fn() = os::configure_webview;
            let _: fn() -> Result<PathBuf, String> = os::runtime_dir;
            let _: fn() -> std::time::Duration = os::since_boot;
            let _: fn() -> Result<ScreenCapture, String> = os::capture_screen;
            let _: fn() -> bool = os::tray_host_present;
            let _: fn(OnSleepOrLock) = os::on_sleep_or_lock;
            fn is_a_bell<B: Bell>() {}
            is_a_bell::<os::SystemBell>();
        }};
    }

    /// Each system's module offers the whole interface: what Linux builds
    /// of macOS's and Windows's is checked here, at compile time.
    #[test]
    fn every_system_offers_the_whole_interface() {
        offers_the_interface!(self::os);
        #[cfg(unix)]
        offers_the_interface!(super::macos);
        offers_the_interface!(super::windows);
        offers_the_interface!(super::fallback);
    }
}
