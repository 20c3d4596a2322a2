//! The portable pieces, for whatever a system has no native one for:
//! nothing to tune, and a single-instance check by the lock alone. Plain
//! std Rust, built and tested on every system.

use std::{io, path::Path, path::PathBuf};

/// No heap to tune.
pub(super) fn one_heap() {}

/// No trim: other allocators return freed memory on their own, or offer
/// none.
pub(super) fn return_freed_memory() {}

/// Nothing a process can switch for itself.
pub(super) fn disable_core_dumps() {}

/// The webview keeps its defaults.
pub(super) fn configure_webview() {}

/// No sleep or screen-lock signal Sparekey knows: the idle timer alone
/// locks the vault.
pub(super) fn on_sleep_or_lock(_lock: super::OnSleepOrLock) {}

/// No per-user runtime folder is known, so no single-instance check.
pub(super) fn runtime_dir() -> Result<PathBuf, String> {
    Err("this system has no per-user runtime folder Sparekey knows".to_owned())
}

/// No bell: the lock alone says another app has the vault open, and a
/// second launch cannot ask it to show its window.
#[derive(Debug)]
pub struct LockOnly;

impl super::Bell for LockOnly {
    const RINGS: bool = false;

    fn listen(_path: &Path) -> io::Result<Self> {
        Ok(LockOnly)
    }

    fn serve(self, _heard: impl Fn()) {}

    fn ring(_path: &Path) -> bool {
        false
    }
}

/// The fallback as other systems get it.
pub(super) type SystemBell = LockOnly;

/// Time since an arbitrary start that only grows: where the system has no
/// suspend-counting clock Sparekey knows, `Instant` (which may or may not
/// count suspend, depending on the system).
/// Where "Scan the screen" is not built yet.
pub(super) const NO_SCREEN_CAPTURE: &str = "Scanning the screen is not supported on this system \
    yet: take a screenshot of the QR code and choose it above instead.";

/// Screen capture, where Sparekey has none yet.
pub(super) fn capture_screen() -> Result<super::ScreenCapture, String> {
    Err(NO_SCREEN_CAPTURE.to_owned())
}

/// Systems whose tray Sparekey cannot check: taken as absent, so closing
/// the window quits as usual.
pub(super) fn tray_host_present() -> bool {
    false
}

/// Systems that always have a place for tray icons (macOS's menu bar,
/// Windows's notification area).
pub(super) fn tray_always_present() -> bool {
    true
}

pub(super) fn since_boot() -> std::time::Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Bell;

    #[test]
    fn without_a_runtime_folder_or_a_bell_nothing_is_pretended() {
        let error = runtime_dir().unwrap_err();
        assert!(error.contains("no per-user runtime folder"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bell");
        let bell = LockOnly::listen(&path).unwrap();
        assert!(!path.exists(), "the lock-only bell makes no file");
        assert!(!LockOnly::ring(&path));
        // Serving returns at once: nothing can ring.
        bell.serve(|| panic!("nothing rings a lock-only bell"));
        // The rest does nothing and must not fail.
        one_heap();
        return_freed_memory();
        disable_core_dumps();
        configure_webview();
    }
}
