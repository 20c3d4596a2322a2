//! macOS: core dumps off, a private folder of Sparekey's own for the
//! single-instance check, a Unix socket as its bell. The heap and the
//! webview (WKWebView, whose web processes are launched by the system, not
//! by the app) keep their defaults.
//!
//! Written for macOS, built and tested on Linux only (see `mod.rs`).

use std::path::{Path, PathBuf};

pub(super) use super::fallback::{
    capture_screen, configure_webview, on_sleep_or_lock, one_heap, return_freed_memory, since_boot,
    tray_always_present as tray_host_present,
};
pub(super) use super::unix::SocketBell as SystemBell;

/// Sets `RLIMIT_CORE` to zero for the app's own process. macOS has no
/// "dumpable" flag to clear, and WebKit's processes are XPC services the
/// system starts, which do not inherit the limit.
pub(super) fn disable_core_dumps() {
    use rustix::process::{setrlimit, Resource, Rlimit};

    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = setrlimit(Resource::Core, none);
}

/// macOS has no per-user runtime folder (`directories` gives none), so
/// Sparekey makes one of its own, private, in its cache folder:
/// `~/Library/Caches/dev.sparekey.sparekey`.
pub(super) fn runtime_dir() -> Result<PathBuf, String> {
    match super::project_dirs() {
        Some(dirs) => private_dir_in(dirs.cache_dir()),
        None => Err("no home folder found".to_owned()),
    }
}

/// `dir`, made with mode 0700 if it is missing, if it is this user's alone.
fn private_dir_in(dir: &Path) -> Result<PathBuf, String> {
    if let Some(parent) = dir.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|error| format!("cannot create {}: {error}", parent.display()))?;
    }
    super::unix::create_private_dir(dir)
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    super::unix::private(dir.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_folder_is_made_private_or_refused() {
        let home = tempfile::tempdir().unwrap();
        let dir = home.path().join("Library/Caches/dev.sparekey.sparekey");
        assert_eq!(private_dir_in(&dir), Ok(dir.clone()));
        assert!(super::super::unix::is_private(&dir));
        // A folder someone made open to others is not used.
        std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let error = private_dir_in(&dir).unwrap_err();
        assert!(error.contains("mode 0700"), "{error}");
    }
}
