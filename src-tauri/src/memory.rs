//! The memory of an opened or closed vault given back to the system, once
//! the app has settled.
//!
//! Opening a vault reads, decrypts and parses the whole file: at 10,000
//! accounts that is about 9 MiB of buffers, all freed (those that held
//! plaintext wiped first) once the vault is open. Where the allocator keeps
//! freed memory for later use (glibc, on Linux), the app would stay that
//! much larger for as long as it runs; [`platform::return_freed_memory`]
//! gives it back (`platform/linux.rs` says what that measured).

use crate::platform;

/// How long after an unlock the trim waits: the page asks for the first
/// screen's data (codes, the health badge over every account) within a
/// second, and that leaves freed buffers of its own.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs [`platform::return_freed_memory`] on a thread of its own once the
/// app has settled ([`SETTLE`]), so the command that opened or closed the
/// vault, and the page's first requests after it, answer first.
pub(crate) fn return_freed_memory_soon() {
    let _ = std::thread::Builder::new()
        .name("return-freed-memory".into())
        .spawn(|| {
            std::thread::sleep(SETTLE);
            platform::return_freed_memory();
        });
}
