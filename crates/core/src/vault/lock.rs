//! The writers' lock on a vault folder.

use std::{
    fs::{self, File, OpenOptions},
    thread,
    time::{Duration, Instant},
};

use super::{paths::*, store::*};
use crate::{Error, Result};

/// The writers' lock: an OS advisory lock on `vault.lock`, released when
/// dropped or when the process dies (so a killed writer never wedges it).
pub(super) struct WriteLock {
    _file: File,
}

impl WriteLock {
    pub(super) fn acquire(paths: &VaultPaths) -> Result<WriteLock> {
        let path = paths.lock();
        let file = crate::platform::owner_only_file(
            OpenOptions::new().write(true).create(true).truncate(false),
        )
        .open(&path)
        .map_err(|e| Error::io("open the lock file", &path, e))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_TIMEOUT => {
                    thread::sleep(Duration::from_millis(
                        5 + u64::from(rand::random::<u8>() % 20),
                    ));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(Error::LockTimeout { path }),
                Err(fs::TryLockError::Error(e)) => {
                    return Err(Error::io("lock", &path, e));
                }
            }
        }
    }
}
