//! Windows: a folder of Sparekey's own for the single-instance lock, and
//! the portable pieces for everything else: no bell (a second launch says
//! the vault is open and exits), no heap economies, no core-dump switch a
//! process can flip for itself, WebView2 with its defaults.
//!
//! Written for Windows, built and tested on Linux only (see `mod.rs`).

use std::path::{Path, PathBuf};

pub(super) use super::fallback::{
    capture_screen, configure_webview, disable_core_dumps, on_sleep_or_lock, one_heap,
    return_freed_memory, since_boot, tray_always_present as tray_host_present,
    LockOnly as SystemBell,
};

/// `%LOCALAPPDATA%\sparekey\sparekey\cache`, made if missing. It is in the
/// user's profile, whose access list admits the user (and the system and
/// administrators) alone.
pub(super) fn runtime_dir() -> Result<PathBuf, String> {
    match super::project_dirs() {
        Some(dirs) => made(dirs.cache_dir()),
        None => Err("no user profile folder found".to_owned()),
    }
}

/// `dir`, made with its parents if it is missing.
fn made(dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir)
        .map(|()| dir.to_owned())
        .map_err(|error| format!("cannot create {}: {error}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_folder_is_made_with_its_parents() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("sparekey/sparekey/cache");
        assert_eq!(made(&dir), Ok(dir.clone()));
        assert!(dir.is_dir());
        assert_eq!(made(&dir), Ok(dir.clone()));
        let file = base.path().join("file");
        std::fs::write(&file, b"").unwrap();
        assert!(made(&file.join("below")).is_err());
    }
}
