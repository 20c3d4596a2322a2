//! What the black-box tests do differently per system, in one place: no
//! other test file has a `cfg` for the system (`security.rs` checks). The
//! GUI tests run on Linux (WebKitWebDriver); elsewhere these helpers do the
//! portable thing.

use std::path::Path;
use std::process::Child;

/// Creates `dir` (and its parents) private to this user (mode 0700 on
/// Unix), as the app expects its vault and runtime folders to be; fails the
/// test if it cannot.
pub fn private_dir(dir: &Path) {
    std::fs::create_dir_all(dir)
        .and_then(|()| make_private(dir))
        .unwrap_or_else(|error| panic!("cannot create the folder {}: {error}", dir.display()));
}

#[cfg(unix)]
fn make_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn make_private(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Fails the test unless `path` is readable by its owner alone (mode 0600),
/// where the system has permission bits.
pub fn assert_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{} is {mode:o}", path.display());
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Asks `child` to stop (SIGTERM on Unix, so it can stop its own children
/// first); whether it could be asked. Elsewhere there is no polite way, and
/// the caller's kill is the only one.
pub fn ask_to_stop(child: &Child) -> bool {
    #[cfg(unix)]
    {
        let pid = i32::try_from(child.id())
            .ok()
            .and_then(rustix::process::Pid::from_raw);
        pid.is_some_and(|pid| {
            rustix::process::kill_process(pid, rustix::process::Signal::TERM).is_ok()
        })
    }
    #[cfg(not(unix))]
    {
        let _ = child;
        false
    }
}
