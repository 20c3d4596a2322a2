//! One app per vault folder: a second launch on the same folder brings the
//! first app's window forward and exits, so two apps never hold one vault
//! open at once.
//!
//! The first app listens on a Unix socket in the user's runtime folder
//! (`$XDG_RUNTIME_DIR`, which only its user may enter), named after the
//! vault folder. A later launch that can connect there has found it: it
//! closes the connection and exits, and every connection the first app
//! accepts asks it to show its window. Nothing is sent either way.
//!
//! Without a private runtime folder (no login session, or a folder others
//! may write to) there is no check and the app starts as usual: a socket
//! anyone could create would let them keep Sparekey from starting.
//!
//! This replaces `tauri-plugin-single-instance`, which does the same over
//! the session D-Bus: it kept about 0.7 MiB of D-Bus code and two threads
//! in the app for the whole run, and did nothing where there is no session
//! bus (as in CI, where it could not be tested).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// What [`claim`] found for a vault folder.
#[derive(Debug)]
pub enum Claim {
    /// No other app has the folder: this one serves the socket (with
    /// [`serve`]) for later launches.
    First(Owner),
    /// Another app has the folder open and was asked to show its window.
    Second,
    /// The check could not be made (no private runtime folder, or the socket
    /// could not be made there); the app starts without it.
    Unchecked,
}

/// The first app's socket.
#[derive(Debug)]
pub struct Owner {
    listener: UnixListener,
    path: PathBuf,
}

impl Owner {
    /// Where the socket is, for [`release`] when the app exits.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Removes the socket at `path` as the app exits. Best effort: a socket
/// left behind (after a crash, say) is taken over by the next launch.
pub fn release(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Claims `vault_dir` for this process, in the user's runtime folder
/// (`XDG_RUNTIME_DIR`).
pub fn claim(vault_dir: &Path) -> Claim {
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(runtime) if is_private(Path::new(&runtime)) => {
            claim_at(&socket_path(Path::new(&runtime), vault_dir))
        }
        _ => Claim::Unchecked,
    }
}

/// Whether only this user may create files in `dir`: it is a folder this
/// user owns, and neither its group nor others may write to it.
fn is_private(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|meta| {
        meta.is_dir()
            && meta.uid() == rustix::process::geteuid().as_raw()
            && meta.permissions().mode() & 0o022 == 0
    })
}

/// The socket for `vault_dir` in `runtime`: one per vault folder, so apps
/// on different vaults (tests in parallel, say) do not meet.
fn socket_path(runtime: &Path, vault_dir: &Path) -> PathBuf {
    let mut hasher = DefaultHasher::new();
    vault_dir.hash(&mut hasher);
    runtime.join(format!("sparekey-{:016x}.sock", hasher.finish()))
}

/// Claims the socket at `path`: binds it, or connects to the app that has
/// it, or takes it over from an app that is gone (its file is left, but
/// nothing answers).
fn claim_at(path: &Path) -> Claim {
    match UnixListener::bind(path) {
        Ok(listener) => return owner(listener, path),
        Err(error) if error.kind() == ErrorKind::AddrInUse => {}
        Err(_) => return Claim::Unchecked,
    }
    match UnixStream::connect(path) {
        Ok(_knock) => Claim::Second,
        Err(error) if error.kind() == ErrorKind::ConnectionRefused => {
            if std::fs::remove_file(path).is_err() {
                return Claim::Unchecked;
            }
            match UnixListener::bind(path) {
                Ok(listener) => owner(listener, path),
                Err(_) => Claim::Unchecked,
            }
        }
        Err(_) => Claim::Unchecked,
    }
}

fn owner(listener: UnixListener, path: &Path) -> Claim {
    Claim::First(Owner {
        listener,
        path: path.to_owned(),
    })
}

/// Serves `owner`'s socket on a thread of its own for as long as the app
/// runs: `show` runs once for each later launch on the same vault.
pub fn serve(owner: Owner, show: impl Fn() + Send + 'static) {
    let _ = std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || {
            for knock in owner.listener.incoming() {
                if knock.is_ok() {
                    show();
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    fn socket_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("sparekey-test.sock")
    }

    #[test]
    fn the_first_launch_owns_the_socket_and_hears_the_second() {
        let dir = tempfile::tempdir().unwrap();
        let path = socket_in(&dir);
        let Claim::First(owner) = claim_at(&path) else {
            panic!("the first launch should own the socket");
        };
        let (shown, heard) = mpsc::channel();
        serve(owner, move || {
            let _ = shown.send(());
        });
        assert!(matches!(claim_at(&path), Claim::Second));
        heard
            .recv_timeout(Duration::from_secs(5))
            .expect("the first app is asked to show its window");
    }

    #[test]
    fn a_socket_left_by_an_app_that_is_gone_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = socket_in(&dir);
        // A crashed app leaves its socket file, with nobody listening.
        drop(UnixListener::bind(&path).unwrap());
        assert!(path.exists());
        assert!(matches!(claim_at(&path), Claim::First(_)));
    }

    #[test]
    fn a_released_socket_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = socket_in(&dir);
        let Claim::First(owner) = claim_at(&path) else {
            panic!("the first launch should own the socket");
        };
        assert_eq!(owner.path(), path);
        release(owner.path());
        assert!(!path.exists());
    }

    #[test]
    fn a_runtime_folder_others_may_write_to_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        assert!(is_private(dir.path()));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(!is_private(dir.path()));
        assert!(!is_private(&dir.path().join("missing")));
    }

    #[test]
    fn each_vault_folder_has_its_own_socket() {
        let runtime = Path::new("/run/user/1000");
        let a = socket_path(runtime, Path::new("/home/a/vault"));
        let b = socket_path(runtime, Path::new("/home/b/vault"));
        assert_ne!(a, b);
        assert_eq!(a, socket_path(runtime, Path::new("/home/a/vault")));
        assert_eq!(a.parent(), Some(runtime));
    }
}
