//! The app's managed state: the unlocked vault (if any) and the idle timer
//! that locks it.
//!
//! Nothing here depends on a window, so the locking rules are unit-tested
//! without a display: time comes from an injected [`Clock`].

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use sparekey_core::{
    app::{
        kit::PreparedKit,
        session::{merge_notes, MergeNote},
    },
    import::Preview,
    vault::{store::VaultPaths, Vault},
};
use zeroize::Zeroizing;

use crate::error::AppError;

/// Where "now" comes from; tests inject a clock they move by hand.
pub trait Clock: Send + Sync {
    /// Time since an arbitrary start; it only grows, and it counts time
    /// spent in suspend where the system can (see [`SuspendAwareClock`]).
    fn now(&self) -> Duration;
}

/// The real clock: time since boot, suspend included on Linux
/// (`CLOCK_BOOTTIME`), so idle time before and during a suspend both count
/// towards the auto-lock. (`Instant` stops while suspended: a vault left
/// open two minutes before an overnight suspend stayed open on resume.)
#[derive(Debug, Default, Clone, Copy)]
pub struct SuspendAwareClock;

impl Clock for SuspendAwareClock {
    fn now(&self) -> Duration {
        crate::platform::since_boot()
    }
}

/// When the user last did something, and whether that was long enough ago
/// to lock.
#[derive(Debug, Clone, Copy)]
pub struct IdleTimer {
    last_activity: Duration,
}

impl IdleTimer {
    /// A timer whose last activity is `now`.
    pub fn new(now: Duration) -> Self {
        Self { last_activity: now }
    }

    /// Records activity at `now`.
    pub fn touch(&mut self, now: Duration) {
        if now > self.last_activity {
            self.last_activity = now;
        }
    }

    /// True when `minutes` (0 = never) have passed since the last activity.
    pub fn is_idle(&self, now: Duration, minutes: u32) -> bool {
        minutes != 0
            && now.saturating_sub(self.last_activity)
                >= Duration::from_secs(u64::from(minutes) * 60)
    }
}

/// State shared by all commands, registered with `Builder::manage`.
pub struct AppState {
    paths: VaultPaths,
    vault: Mutex<Option<Vault>>,
    idle: Mutex<IdleTimer>,
    clock: Arc<dyn Clock>,
    import: Mutex<PendingImport>,
    /// What changes merged from sync conflict copies, until the page asks.
    merged: Mutex<Vec<MergeNote>>,
    /// A kit shown to be printed or saved, not yet in force; dropped (and
    /// wiped) on lock.
    kit: Mutex<Option<PreparedKit>>,
    /// The "close to tray" setting, kept here for the window's close event.
    close_to_tray: std::sync::atomic::AtomicBool,
}

/// An import between choosing its inputs and confirming it: the inputs (to
/// retry with another password) and the preview whose accounts a confirm
/// adds. Kept here so secrets never travel to the page and back; dropped
/// (and wiped) on lock.
#[derive(Debug, Default)]
pub struct PendingImport {
    /// The format's id, from `sparekey_core::import::FORMATS`.
    pub format: String,
    /// The inputs given so far (file bytes, pasted text, images).
    pub sources: Vec<Zeroizing<Vec<u8>>>,
    /// The preview the user is looking at.
    pub preview: Option<Preview>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("dir", &self.paths.dir())
            .field("unlocked", &self.is_unlocked())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State for the vault folder `paths`, timed by `clock`.
    pub fn new(paths: VaultPaths, clock: Arc<dyn Clock>) -> Self {
        let idle = IdleTimer::new(clock.now());
        Self {
            paths,
            vault: Mutex::new(None),
            idle: Mutex::new(idle),
            clock,
            import: Mutex::default(),
            merged: Mutex::default(),
            kit: Mutex::default(),
            close_to_tray: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The vault folder this app works on.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// True while a decrypted vault is in memory.
    pub fn is_unlocked(&self) -> bool {
        self.slot().is_some()
    }

    /// Keeps the freshly unlocked (or created) vault and restarts the idle
    /// timer.
    pub fn set_unlocked(&self, vault: Vault) {
        self.remember_close_to_tray(vault.doc().settings.close_to_tray);
        *self.slot() = Some(vault);
        self.touch();
        // Reading the vault's file left its buffers freed but resident.
        crate::memory::return_freed_memory_soon();
    }

    /// Drops the decrypted vault from memory (its secrets zeroize on drop).
    /// Returns whether it was unlocked.
    pub fn lock(&self) -> bool {
        *self.pending_import() = PendingImport::default();
        *self.prepared_kit() = None;
        let vault = self.slot().take();
        let was_unlocked = vault.is_some();
        drop(vault);
        if was_unlocked {
            crate::memory::return_freed_memory_soon();
        }
        was_unlocked
    }

    /// The vault's "close to tray" setting as last seen unlocked: it stays in
    /// force while the vault is locked (off until a vault was unlocked).
    pub fn close_to_tray(&self) -> bool {
        self.close_to_tray
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Keeps `on` as the "close to tray" setting (after unlocking or
    /// saving the settings).
    pub fn remember_close_to_tray(&self, on: bool) {
        self.close_to_tray
            .store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Records user activity now.
    pub fn touch(&self) {
        let now = self.clock.now();
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .touch(now);
    }

    /// Locks the vault if it has been idle longer than its
    /// `auto_lock_minutes` setting. Returns whether it locked now.
    pub fn lock_if_idle(&self) -> bool {
        let mut slot = self.slot();
        let Some(vault) = slot.as_ref() else {
            return false;
        };
        let minutes = vault.doc().settings.auto_lock_minutes;
        let idle = *self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.is_idle(self.clock.now(), minutes) {
            *slot = None;
            // Never hold both locks: commands take the import lock alone.
            drop(slot);
            *self.pending_import() = PendingImport::default();
            crate::memory::return_freed_memory_soon();
            true
        } else {
            false
        }
    }

    /// Runs `f` on the unlocked vault without counting as user activity (the
    /// per-second code refresh). Fails with `locked` when there is none.
    pub fn with_vault_passive<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut slot = self.slot();
        let vault = slot.as_mut().ok_or_else(AppError::locked)?;
        let out = f(vault);
        if let Some(report) = vault.take_merge_report() {
            self.merged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend(merge_notes(&report));
        }
        out
    }

    /// What changes merged from sync conflict copies since the page last
    /// asked (see [`merge_notes`]).
    pub fn take_merge_notes(&self) -> Vec<MergeNote> {
        std::mem::take(
            &mut *self
                .merged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Runs `f` on the unlocked vault as a user action (restarts the idle
    /// timer). Fails with `locked` when there is none.
    pub fn with_vault<T>(
        &self,
        f: impl FnOnce(&mut Vault) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let out = self.with_vault_passive(f);
        self.touch();
        out
    }

    /// The kit being made (see [`sparekey_core::app::kit::prepare`]).
    pub fn prepared_kit(&self) -> MutexGuard<'_, Option<PreparedKit>> {
        self.kit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The import in progress (see [`PendingImport`]).
    pub fn pending_import(&self) -> MutexGuard<'_, PendingImport> {
        self.import
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn slot(&self) -> MutexGuard<'_, Option<Vault>> {
        // A panic while holding the lock leaves a usable value behind: the
        // vault in memory is only replaced after a successful save.
        self.vault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparekey_core::secret::SecretString;

    /// A clock that only moves when told to.
    struct ManualClock(Mutex<Duration>);

    impl ManualClock {
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Duration {
            *self.0.lock().unwrap()
        }
    }

    fn unlocked_state(dir: &std::path::Path) -> (AppState, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock(Mutex::new(Duration::from_secs(1_000))));
        let state = AppState::new(VaultPaths::new(dir), clock.clone());
        let pass = SecretString::from("correct horse battery staple".to_owned());
        let vault = Vault::create(dir, &pass, Some(10)).unwrap();
        state.set_unlocked(vault);
        (state, clock)
    }

    #[test]
    fn idle_timer_counts_from_the_last_activity() {
        let start = Duration::from_secs(1_000);
        let mut timer = IdleTimer::new(start);
        assert!(!timer.is_idle(start + Duration::from_secs(299), 5));
        assert!(timer.is_idle(start + Duration::from_secs(300), 5));
        timer.touch(start + Duration::from_secs(200));
        assert!(!timer.is_idle(start + Duration::from_secs(300), 5));
        assert!(timer.is_idle(start + Duration::from_secs(500), 5));
        // 0 minutes means never.
        assert!(!timer.is_idle(start + Duration::from_secs(1_000_000), 0));
    }

    #[test]
    fn auto_locks_after_the_idle_minutes_of_the_settings() {
        let dir = tempfile::tempdir().unwrap();
        let (state, clock) = unlocked_state(dir.path());

        clock.advance(Duration::from_secs(4 * 60));
        assert!(!state.lock_if_idle());
        state.with_vault(|_| Ok(())).unwrap(); // a user action
        clock.advance(Duration::from_secs(4 * 60));
        assert!(!state.lock_if_idle(), "activity restarts the timer");

        // The per-second refresh is not activity.
        state.with_vault_passive(|_| Ok(())).unwrap();
        clock.advance(Duration::from_secs(60));
        assert!(state.lock_if_idle());
        assert!(!state.is_unlocked());
        let error = state.with_vault(|_| Ok(())).unwrap_err();
        assert_eq!(error.kind, "locked");
    }

    #[test]
    fn auto_lock_follows_the_vault_setting() {
        let dir = tempfile::tempdir().unwrap();
        let (state, clock) = unlocked_state(dir.path());
        state
            .with_vault(|vault| {
                vault.update(|doc| {
                    doc.settings.auto_lock_minutes = 0;
                    Ok(())
                })?;
                Ok(())
            })
            .unwrap();
        clock.advance(Duration::from_secs(24 * 3600));
        assert!(!state.lock_if_idle(), "0 minutes: never auto-lock");
    }

    #[test]
    fn locking_drops_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let (state, _clock) = unlocked_state(dir.path());
        assert!(state.is_unlocked());
        assert!(state.lock());
        assert!(!state.is_unlocked());
        assert!(
            state.slot().is_none(),
            "no decrypted vault is left in memory"
        );
        assert!(!state.lock(), "locking twice is harmless");
        assert_eq!(
            state.with_vault_passive(|_| Ok(())).unwrap_err().kind,
            "locked"
        );
    }

    #[test]
    fn locking_drops_a_pending_import() {
        let dir = tempfile::tempdir().unwrap();
        let (state, clock) = unlocked_state(dir.path());
        let stage = |state: &AppState| {
            let mut pending = state.pending_import();
            pending.format = "otpauth".into();
            pending.sources.push(Zeroizing::new(b"otpauth://".to_vec()));
        };
        stage(&state);
        state.lock();
        assert!(state.pending_import().sources.is_empty(), "on lock");

        state.set_unlocked(
            Vault::unlock(
                dir.path(),
                &SecretString::from("correct horse battery staple".to_owned()),
            )
            .unwrap(),
        );
        stage(&state);
        clock.advance(Duration::from_secs(10 * 60));
        assert!(state.lock_if_idle());
        assert!(state.pending_import().sources.is_empty(), "on auto-lock");
    }
}
