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

/// Asks the X window `window` on `display` to close, as a window manager
/// does when its close button is clicked (`WM_DELETE_WINDOW`). X11 is the
/// Linux desktop's; the GUI tests that use this run there.
pub fn close_x_window(display: &str, window: u32) {
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask};

    let (conn, _) = x11rb::connect(Some(display)).expect("connect to the X server");
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .expect("ask for an atom")
            .reply()
            .expect("an atom")
            .atom
    };
    let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
    let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, event)
        .expect("send the close request")
        .check()
        .expect("the X server took the close request");
    // A round trip: the server has handled the request before this
    // connection closes (without it, a request was sometimes lost).
    conn.get_input_focus()
        .expect("ask for the focus")
        .reply()
        .expect("the X server answered");
}
