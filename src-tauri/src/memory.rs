//! How the app holds memory: one heap for every thread ([`one_heap`]), and
//! the memory of an opened or closed vault given back to the system.
//!
//! Opening a vault reads, decrypts and parses the whole file: at 10,000
//! accounts that is about 9 MiB of buffers, all freed (those that held
//! plaintext wiped first) once the vault is open. glibc keeps freed memory
//! in its arenas for later use, so without a trim the app stays that much
//! larger for as long as it runs. Measured with `/proc/<pid>/smaps_rollup`
//! 10 s after unlocking 10,000 accounts (release build, under Xvfb, before
//! [`one_heap`] came): the app process held 97 MiB of PSS without the trim,
//! 90 with it.

/// Has every thread of this process allocate from one heap (glibc's main
/// arena); elsewhere does nothing. Call it first thing (the app does, in
/// `run`), before any other thread exists.
///
/// glibc gives each new thread that allocates an arena of its own, up to
/// eight per core. The app's threads (GTK's, WebKit's, the async runtime's
/// workers that run commands) allocate little and seldom at once, so the
/// lock they now share costs nothing measurable, while every arena keeps
/// its own free and half-used pages. Measured as above, 10 s after
/// unlocking 10,000 accounts: the app process holds 2.3 MiB less PSS (0.8
/// less while locked).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub fn one_heap() {
    // SAFETY: `mallopt` has no preconditions: it sets a limit that glibc
    // reads when a thread first allocates. Its result (0 for a value it does
    // not take) needs no handling: the limit is only an economy.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Other allocators have no per-thread arenas to limit.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn one_heap() {}

/// Returns memory freed inside this process to the system, where the
/// allocator keeps it otherwise (glibc); elsewhere does nothing.
///
/// It walks every arena under its lock, a few milliseconds on a large
/// heap, so callers run it off the path of a user's action.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn return_freed_memory() {
    // SAFETY: `malloc_trim` has no preconditions: it takes a byte count to
    // keep (none) and only reorganizes glibc's own free lists, under their
    // locks. Its result (whether anything was returned) needs no handling.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators return freed memory on their own, or offer no trim.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn return_freed_memory() {}

/// How long after an unlock the trim waits: the page asks for the first
/// screen's data (codes, the health badge over every account) within a
/// second, and that leaves freed buffers of its own.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs [`return_freed_memory`] on a thread of its own once the app has
/// settled ([`SETTLE`]), so the command that opened or closed the vault,
/// and the page's first requests after it, answer first.
pub(crate) fn return_freed_memory_soon() {
    let _ = std::thread::Builder::new()
        .name("return-freed-memory".into())
        .spawn(|| {
            std::thread::sleep(SETTLE);
            return_freed_memory();
        });
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    /// Set in the process [`alone`] starts.
    const ALONE: &str = "SPAREKEY_TEST_ALONE";

    /// Whether this is a process of the test `name`'s own, as these tests
    /// need (they read the whole process's heap). nextest gives each test
    /// one; `cargo test` runs tests side by side in one, so there the test
    /// runs itself again, alone, checks that it passed, and returns false.
    fn alone(name: &str) -> bool {
        if std::env::var_os("NEXTEST").is_some() || std::env::var_os(ALONE).is_some() {
            return true;
        }
        let exe = std::env::current_exe().expect("the test binary's path");
        let status = std::process::Command::new(exe)
            .args([
                "--exact",
                &format!("memory::tests::{name}"),
                "--test-threads=1",
            ])
            .env(ALONE, "1")
            .status()
            .expect("run the test alone");
        assert!(status.success(), "{name}, run alone: {status}");
        false
    }

    /// This process's resident memory in KiB (`VmRSS`).
    fn resident_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .expect("VmRSS in /proc/self/status")
    }

    /// Whether `address` lies in glibc's main arena, the one that grows the
    /// `[heap]` segment; other arenas are mappings of their own.
    fn in_main_heap(address: usize) -> bool {
        let maps = std::fs::read_to_string("/proc/self/maps").expect("read /proc/self/maps");
        let heap = maps
            .lines()
            .find(|line| line.ends_with("[heap]"))
            .expect("a [heap] segment");
        let range = heap.split_whitespace().next().expect("an address range");
        let (start, end) = range.split_once('-').expect("start-end");
        let start = usize::from_str_radix(start, 16).expect("hex start");
        let end = usize::from_str_radix(end, 16).expect("hex end");
        (start..end).contains(&address)
    }

    /// After `one_heap`, a new thread allocates from the main arena; without
    /// it, glibc gives the thread an arena of its own.
    #[test]
    fn threads_allocate_from_the_one_heap() {
        if !alone("threads_allocate_from_the_one_heap") {
            return;
        }
        super::one_heap();
        let inside = std::thread::spawn(|| {
            let block = Box::new([7u8; 1000]);
            in_main_heap(std::ptr::from_ref(&*block).addr())
        })
        .join()
        .expect("the thread allocates");
        assert!(inside, "a new thread's block is outside the main heap");
    }

    /// 40 MB freed in blocks small enough for glibc's heap, below a block
    /// still in use (so glibc cannot shrink its heap on its own), goes back
    /// to the system.
    #[test]
    fn freed_memory_goes_back_to_the_system() {
        if !alone("freed_memory_goes_back_to_the_system") {
            return;
        }
        let mut blocks: Vec<Vec<u8>> = (0..40_000)
            .map(|i| vec![(i % 251) as u8 + 1; 1000])
            .collect();
        let in_use = blocks.pop();
        drop(blocks);
        let before = resident_kib();
        super::return_freed_memory();
        let after = resident_kib();
        assert!(
            before.saturating_sub(after) > 20_000,
            "resident memory went from {before} KiB to {after} KiB"
        );
        drop(in_use);
    }
}
