//! One app per vault folder: a second launch on the same folder brings the
//! first app's window forward and exits, so two apps never hold one vault
//! open at once.
//!
//! The first app holds a lock file and a bell ([`platform::Bell`]), both in
//! the user's private runtime folder ([`platform::runtime_dir`]) and named
//! after the vault folder. The lock is what decides: the system holds it
//! for as long as the app runs and drops it when the app ends, however it
//! ends, so a launch that cannot take it knows another app is running. That
//! launch then rings the bell, which asks the first app to show its window,
//! and exits. On Linux and macOS the bell is a Unix socket; on Windows
//! there is none, and the second launch only says the vault is open.
//!
//! Without a private runtime folder (no login session, or a folder others
//! may enter) there is no check and the app starts as usual, saying so on
//! stderr: a lock anyone could take would let them keep Sparekey from
//! starting.
//!
//! This replaces `tauri-plugin-single-instance`, which does the same over
//! the session D-Bus on Linux: it kept about 0.7 MiB of D-Bus code and two
//! threads in the app for the whole run, and did nothing where there is no
//! session bus (as in CI, where it could not be tested).

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::platform::{self, Bell, SystemBell};

/// How long a second launch tries to reach the first app's bell: the first
/// app takes its lock a moment before it listens.
const KNOCK_FOR: Duration = Duration::from_secs(2);

/// What [`claim`] found for a vault folder.
#[derive(Debug)]
pub enum Claim<B = SystemBell> {
    /// No other app has the folder: this one holds the lock (keep the
    /// [`Held`] for as long as the app runs) and serves the bell (with
    /// [`serve`]) for later launches.
    First(Held, B),
    /// Another app has the folder open.
    Second(Asked),
    /// The check could not be made (the reason says why); the app starts
    /// without it.
    Unchecked(String),
}

/// What a second launch could tell the app that has the vault open.
#[derive(Debug, PartialEq, Eq)]
pub enum Asked {
    /// It answered, and was asked to show its window.
    Shown,
    /// It did not answer (yet).
    NoAnswer,
    /// This system has no bell: it could not be asked.
    CannotAsk,
}

/// The first app's lock on a vault folder, held for as long as this value
/// lives.
#[derive(Debug)]
pub struct Held {
    bell: PathBuf,
    // Held, not read: the lock lasts as long as this file is open.
    _lock: File,
}

impl Held {
    /// Removes the bell's file (a socket) as the app exits, while the lock
    /// is still held (so it is this app's). Best effort: a file left
    /// behind, after a crash say, is replaced by the next app that takes
    /// the lock.
    pub fn release(&self) {
        let _ = std::fs::remove_file(&self.bell);
    }
}

/// Claims `vault_dir` for this process, in the user's runtime folder.
pub fn claim(vault_dir: &Path) -> Claim {
    claim_in(platform::runtime_dir(), vault_dir)
}

/// Claims `vault_dir` in `runtime`, or reports why there is no check.
fn claim_in<B: Bell>(runtime: Result<PathBuf, String>, vault_dir: &Path) -> Claim<B> {
    match runtime {
        Ok(runtime) => claim_at(&runtime.join(name_for(vault_dir))),
        Err(reason) => Claim::Unchecked(reason),
    }
}

/// The base name of the lock and bell for `vault_dir`: one per vault
/// folder, so apps on different vaults (tests in parallel, say) do not
/// meet. The folder is named by its canonical path when it exists, so two
/// spellings of one folder (relative, through a symlink) share a name, and
/// hashed with FNV-1a, which (unlike std's hasher) no Rust release changes,
/// so an app updated while an older one runs still finds it.
pub(crate) fn name_for(vault_dir: &Path) -> String {
    let canonical = std::fs::canonicalize(vault_dir);
    let path = canonical.as_deref().unwrap_or(vault_dir);
    // The path's bytes as the system spells them (on Unix, exactly them).
    let hash = path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("sparekey-{hash:016x}")
}

/// Claims the lock at `base.lock`, and with it the bell at `base.sock`.
fn claim_at<B: Bell>(base: &Path) -> Claim<B> {
    let lock_path = base.with_extension("lock");
    let bell = base.with_extension("sock");
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
        Err(TryLockError::WouldBlock) => return Claim::Second(knock::<B>(&bell)),
        Err(TryLockError::Error(error)) => {
            return Claim::Unchecked(format!("cannot lock {}: {error}", lock_path.display()))
        }
    }
    match B::listen(&bell) {
        Ok(listener) => Claim::First(Held { bell, _lock: lock }, listener),
        Err(error) => Claim::Unchecked(format!("cannot listen on {}: {error}", bell.display())),
    }
}

/// Rings the first app's bell, retrying for [`KNOCK_FOR`] while it starts.
fn knock<B: Bell>(bell: &Path) -> Asked {
    if !B::RINGS {
        return Asked::CannotAsk;
    }
    let deadline = Instant::now() + KNOCK_FOR;
    loop {
        if B::ring(bell) {
            return Asked::Shown;
        }
        if Instant::now() > deadline {
            return Asked::NoAnswer;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Serves `bell` on a thread of its own for as long as the app runs: `show`
/// runs once for each later launch on the same vault. Fails if the thread
/// cannot be started; the lock stays held then, and a later launch says
/// the vault is open without reaching this app.
pub fn serve<B: Bell>(bell: B, show: impl Fn() + Send + 'static) -> std::io::Result<()> {
    if !B::RINGS {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("single-instance".into())
        .spawn(move || bell.serve(show))
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::LockOnly;
    use std::collections::HashMap;
    use std::sync::{mpsc, Mutex, OnceLock};

    /// A bell in this process's memory: the claim's logic, tested the same
    /// on every system (the socket is tested in `platform/unix.rs`).
    #[derive(Debug)]
    struct MemoryBell(mpsc::Receiver<()>);

    /// The listening bells, by path.
    fn listening() -> &'static Mutex<HashMap<PathBuf, mpsc::Sender<()>>> {
        static LISTENING: OnceLock<Mutex<HashMap<PathBuf, mpsc::Sender<()>>>> = OnceLock::new();
        LISTENING.get_or_init(Mutex::default)
    }

    impl Bell for MemoryBell {
        const RINGS: bool = true;

        fn listen(path: &Path) -> std::io::Result<Self> {
            let (ring, rung) = mpsc::channel();
            listening().lock().unwrap().insert(path.to_owned(), ring);
            Ok(MemoryBell(rung))
        }

        fn serve(self, heard: impl Fn()) {
            while self.0.recv().is_ok() {
                heard();
            }
        }

        fn ring(path: &Path) -> bool {
            listening()
                .lock()
                .unwrap()
                .get(path)
                .is_some_and(|ring| ring.send(()).is_ok())
        }
    }

    fn base_in(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("sparekey-test")
    }

    /// The lock and bell `claim_at(base)` must make (`why` says why it
    /// must).
    fn first_at<B: Bell>(base: &Path, why: &str) -> (Held, B) {
        match claim_at::<B>(base) {
            Claim::First(held, bell) => (held, bell),
            Claim::Second(asked) => panic!("{why}, got Second({asked:?})"),
            Claim::Unchecked(reason) => panic!("{why}, got Unchecked({reason})"),
        }
    }

    /// What a later claim at `base` found.
    fn second_at<B: Bell>(base: &Path) -> Option<Asked> {
        match claim_at::<B>(base) {
            Claim::Second(asked) => Some(asked),
            _ => None,
        }
    }

    /// The first launch owns the vault; a second one finds it taken and
    /// rings, and the first hears it.
    fn the_first_hears_the_second<B: Bell>() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let (_held, bell) = first_at::<B>(&base, "the first launch should own the vault");
        let (shown, heard) = mpsc::channel();
        serve(bell, move || {
            let _ = shown.send(());
        })
        .expect("the bell is served");
        assert_eq!(second_at::<B>(&base), Some(Asked::Shown));
        heard
            .recv_timeout(Duration::from_secs(5))
            .expect("the first app is asked to show its window");
    }

    #[test]
    fn the_first_launch_owns_the_vault_and_hears_the_second() {
        the_first_hears_the_second::<MemoryBell>();
    }

    /// This system's own bell: the socket (Linux, macOS), or none
    /// (Windows, where the lock alone answers).
    #[test]
    fn this_systems_bell_is_heard_or_there_is_none() {
        if SystemBell::RINGS {
            the_first_hears_the_second::<SystemBell>();
        } else {
            let dir = tempfile::tempdir().unwrap();
            let base = base_in(&dir);
            let _first = first_at::<SystemBell>(&base, "the first launch should own the vault");
            assert_eq!(second_at::<SystemBell>(&base), Some(Asked::CannotAsk));
        }
    }

    #[test]
    fn a_held_lock_means_another_app_even_before_its_bell_is_up() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let held = File::create(base.with_extension("lock")).unwrap();
        held.lock().unwrap();
        let started = Instant::now();
        assert_eq!(second_at::<MemoryBell>(&base), Some(Asked::NoAnswer));
        assert!(started.elapsed() >= KNOCK_FOR, "it waited for the bell");
    }

    #[test]
    fn what_an_app_that_ended_left_behind_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        // An app that ended: its lock file stays, and the system dropped
        // its lock.
        File::create(base.with_extension("lock")).unwrap();
        let (held, _bell) =
            first_at::<SystemBell>(&base, "a launch after a crash should own the vault");
        drop(held);
        let _again = first_at::<SystemBell>(&base, "the lock is free once its holder is gone");
    }

    #[test]
    fn a_released_vault_leaves_no_bell_behind() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let (held, _bell) = first_at::<SystemBell>(&base, "the first launch should own the vault");
        held.release();
        assert!(!base.with_extension("sock").exists());
    }

    /// Where there is no bell (Windows), the lock alone decides, and a
    /// second launch knows at once that it cannot ask.
    #[test]
    fn with_the_lock_alone_a_second_launch_knows_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let base = base_in(&dir);
        let (held, bell) = first_at::<LockOnly>(&base, "the first launch should own the vault");
        serve(bell, || panic!("nothing rings")).unwrap();
        let started = Instant::now();
        assert_eq!(second_at::<LockOnly>(&base), Some(Asked::CannotAsk));
        assert!(started.elapsed() < KNOCK_FOR, "no waiting for a bell");
        drop(held);
        let _again = first_at::<LockOnly>(&base, "the lock is free once its holder is gone");
    }

    /// Without a runtime folder there is no check, and the reason is
    /// passed on for the app to print.
    #[test]
    fn without_a_runtime_folder_the_app_starts_unchecked() {
        let dir = tempfile::tempdir().unwrap();
        let claim =
            claim_in::<SystemBell>(Err("XDG_RUNTIME_DIR is not set".to_owned()), dir.path());
        assert!(
            matches!(&claim, Claim::Unchecked(reason) if reason == "XDG_RUNTIME_DIR is not set"),
            "{claim:?}"
        );
        // A runtime folder that cannot hold the lock is reported too.
        let missing = dir.path().join("missing");
        let claim = claim_in::<SystemBell>(Ok(missing), dir.path());
        assert!(
            matches!(&claim, Claim::Unchecked(reason) if reason.contains("cannot open")),
            "{claim:?}"
        );
    }

    #[test]
    fn two_spellings_of_one_vault_folder_share_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        std::fs::create_dir(&vault).unwrap();
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
