//! Black-box tests of Sparekey's shipped binaries.
//!
//! The tests are one binary, `main.rs` (`cli`, `gui*`, `security`); helpers
//! only GUI tests need are in `support/`. What every suite needs, finding
//! the built binaries, is here. Build the binaries first (`cargo build
//! --workspace`); run the GUI tests under a display, e.g.
//! `scripts/gui-env.sh cargo test -p sparekey-tests --test blackbox gui::`.

use std::path::{Path, PathBuf};

/// Environment variable naming the folder that holds the built binaries.
pub const BIN_DIR_ENV: &str = "SPAREKEY_BIN_DIR";

/// The workspace root (this crate lives in `<workspace>/tests`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Where the built binaries are: `$SPAREKEY_BIN_DIR`, else
/// `$CARGO_TARGET_DIR/debug`, else `<workspace>/target/debug`.
pub fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(BIN_DIR_ENV) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        let dir = if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
        return dir.join("debug");
    }
    workspace_root().join("target").join("debug")
}

/// A built binary of this workspace (`sparekey-cli`, `sparekey`); panics
/// with the command that builds it when it is missing.
pub fn bin(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(
        path.is_file(),
        "{} does not exist: build the binaries first with `cargo build --workspace` \
         (or point {BIN_DIR_ENV} at the folder that holds them)",
        path.display()
    );
    path
}
