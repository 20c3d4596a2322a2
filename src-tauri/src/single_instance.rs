//! One app per vault folder: a second launch on the same folder brings the
//! first app's window forward and exits, so two apps never hold one vault
//! open at once.
//!
//! The first app holds a lock file and listens on a Unix socket, both in
//! the user's runtime folder (`$XDG_RUNTIME_DIR`, which the XDG spec makes
//! the user's alone: mode 0700) and named after the vault folder. The lock
//! (`flock`) is what decides: the kernel holds it for as long as the app
//! runs and drops it when the app ends, however it ends, so a launch that
//! cannot take it knows another app is running. That launch then connects
//! to the socket, which asks the first app to show its window, and exits.
//! Nothing is sent either way.
//!
//! Without a private runtime folder (no login session, or a folder others
//! may enter) there is no check and the app starts as usual, saying so on
//! stderr: a lock anyone could take would let them keep Sparekey from
//! starting.
//!
//! This replaces `tauri-plugin-single-instance`, which does the same over
//! the session D-Bus: it kept about 0.7 MiB of D-Bus code and two threads
//! in the app for the whole run, and did nothing where there is no session
//! bus (as in CI, where it could not be tested).

use std::fs::{File, TryLockError};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a second launch tries to reach the first app's socket: the
/// first app takes its lock a moment before it binds the socket.
const KNOCK_FOR: Duration = Duration::from_secs(2);

/// What [`claim`] found for a vault folder.
#[derive(Debug)]
pub enum Claim {
    /// No other app has the folder: this one holds the lock and serves the
    /// socket (with [`serve`]) for later launches.
    First(Owner),
    /// Another app has the folder open; `shown` says whether it was reached
    /// and asked to show its window.
    Second {
        /// The other app answered on its socket.
        shown: bool,
    },
    /// The check could not be made (the reason says why); the app starts
    /// without it.
    Unchecked(String),
}

/// The first app's lock and socket.
#[derive(Debug)]
pub struct Owner {
    listener: UnixListener,
    path: PathBuf,
    // Held, not read: the lock lasts as long as this file is open.
    _lock: File,
}

impl Owner {
    /// Where the socket is, for [`release`] when the app exits.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Removes the socket at `path` as the app exits, while its lock is still
/// held (so it is this app's socket). Best effort: a socket left behind,
/// after a crash say, is replaced by the next app that takes the lock.
pub fn release(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Claims `vault_dir` for this process, in the user's runtime folder
/// (`XDG_RUNTIME_DIR`).
pub fn claim(vault_dir: &Path) -> Claim {
    let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR") else {
        return Claim::Unchecked("XDG_RUNTIME_DIR is not set".to_owned());
    };
    let runtime = Path::new(&runtime);
    if !is_private(runtime) {
        return Claim::Unchecked(format!(
            "{} is not a folder of this user's alone (mode 0700)",
            runtime.display()
        ));
    }
    claim_at(&runtime.join(name_for(vault_dir)))
}

/// Whether `dir` is a folder this user owns that nobody else may enter
/// (no group or other permissions), as the XDG spec requires of the
/// runtime folder.
fn is_private(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|meta| {
        meta.is_dir()
            && meta.uid() == rustix::process::geteuid().as_raw()
            && meta.permissions().mode() & 0o077 == 0
    })
}

/// The base name of the lock and socket for `vault_dir`: one per vault
/// folder, so apps on different vaults (tests in parallel, say) do not
/// meet. The folder is named by its canonical path when it exists, so two
/// spellings of one folder (relative, through a symlink) share a name, and
/// hashed with FNV-1a, which (unlike std's hasher) no Rust release changes,
/// so an app updated while an older one runs still finds it.
fn name_for(vault_dir: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let canonical = std::fs::canonicalize(vault_dir);
    let path = canonical.as_deref().unwrap_or(vault_dir);
    let hash = path
        .as_os_str()
        .as_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("sparekey-{hash:016x}")
}

/// Claims the lock at `base.lock`, and with it the socket at `base.sock`.
fn claim_at(base: &Path) -> Claim {
    let lock_path = base.with_extension("lock");
    let socket = base.with_extension("sock");
    let lock = match File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
    {
        Ok(lock) => lock,
        Err(error) => {
            return Claim::Unchecked(format!("cannot open {}: {error}", lock_path.display()))
        }
    };
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Claim::Second {
                shown: knock(&socket),
            }
        }
        Err(TryLockError::Error(error)) => {
            return Claim::Unchecked(format!("cannot lock {}: {error}", lock_path.display()))
        }
    }
    // The lock is ours: a socket file there was left by an app that ended.
    let _ = std::fs::remove_file(&socket);
    match UnixListener::bind(&socket) {
        Ok(listener) => Claim::First(Owner {
            listener,
            path: socket,
            _lock: lock,
        }),
        Err(error) => Claim::Unchecked(format!("cannot listen on {}: {error}", socket.display())),
    }
}

/// Connects to the first app's socket, retrying for [`KNOCK_FOR`] while it
/// starts; whether it answered.
fn knock(socket: &Path) -> bool {
    let deadline = Instant::now() + KNOCK_FOR;
    loop {
        if UnixStream::connect(socket).is_ok() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Serves `owner`'s socket on a thread of its own for as long as the app
/// runs (holding its lock): `show` runs once for each later launch on the
/// same vault. Fails if the thread cannot be started; the lock is released
/// then, and a later launch on the vault would open it too.
pub fn serve(owner: Owner, show: impl Fn() + Send + 'static) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || {
            // The whole owner moves here, its lock with it: a closure that
            // used only the listener would capture only that field, and the
            // lock would be dropped (released) when `serve` returns.
            let owner = owner;
            for knock in owner.listener.incoming() {
                if knock.is_ok() {
                    show();
                }
            }
        })
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn base_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("sparekey-test")
    }

    /// The owner `claim_at(base)` must make (`why` says why it must).
    fn owner_at(base: &Path, why: &str) -> Owner {
        match claim_at(base) {
            Claim::First(owner) => owner,
            other => panic!("{why}, got {other:?}"),
        }
    }

    #[test]
    fn the_first_launch_owns_the_vault_and_hears_the_second() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let owner = owner_at(&base, "the first launch should own the vault");
        let (shown, heard) = mpsc::channel();
        serve(owner, move || {
            let _ = shown.send(());
        })
        .expect("the socket is served");
        let again = claim_at(&base);
        assert!(matches!(again, Claim::Second { shown: true }), "{again:?}");
        heard
            .recv_timeout(Duration::from_secs(5))
            .expect("the first app is asked to show its window");
    }

    #[test]
    fn a_held_lock_means_another_app_even_before_its_socket_is_up() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let held = File::create(base.with_extension("lock")).unwrap();
        held.lock().unwrap();
        let started = Instant::now();
        assert!(matches!(claim_at(&base), Claim::Second { shown: false }));
        assert!(started.elapsed() >= KNOCK_FOR, "it waited for the socket");
    }

    #[test]
    fn what_an_app_that_ended_left_behind_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        // An app that crashed: its socket and lock files stay, nobody
        // listens, and the kernel dropped its lock.
        drop(UnixListener::bind(base.with_extension("sock")).unwrap());
        File::create(base.with_extension("lock")).unwrap();
        let owner = owner_at(&base, "a launch after a crash should own the vault");
        assert_eq!(owner.path(), base.with_extension("sock"));
        // The owner listens again on the same path.
        assert!(UnixStream::connect(owner.path()).is_ok());
    }

    #[test]
    fn a_released_socket_leaves_no_socket_behind() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let owner = owner_at(&base, "the first launch should own the vault");
        release(owner.path());
        assert!(!base.with_extension("sock").exists());
    }

    #[test]
    fn only_a_folder_of_the_users_alone_is_used() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(is_private(dir.path()));
        for mode in [0o755, 0o750, 0o777] {
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).unwrap();
            assert!(!is_private(dir.path()), "mode {mode:o}");
        }
        assert!(!is_private(&dir.path().join("missing")));
    }

    #[test]
    fn two_spellings_of_one_vault_folder_share_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        std::fs::create_dir(&vault).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&vault, &link).unwrap();
        assert_eq!(name_for(&vault), name_for(&link));
        assert_eq!(
            name_for(&vault),
            name_for(&dir.path().join("vault/../vault"))
        );
    }

    #[test]
    fn each_vault_folder_has_its_own_fixed_name() {
        let a = name_for(Path::new("/nonexistent/a/vault"));
        assert_ne!(a, name_for(Path::new("/nonexistent/b/vault")));
        // FNV-1a 64 of the path's bytes, the same in every build: "a" is
        // the algorithm's published test vector.
        assert_eq!(name_for(Path::new("a")), "sparekey-af63dc4c8601ec8c");
    }
}
