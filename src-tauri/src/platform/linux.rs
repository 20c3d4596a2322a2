//! Linux: glibc's heap, core dumps off, WebKitGTK's switches, the XDG
//! runtime folder and a Unix socket for the single-instance check.
//!
//! This file holds the workspace's only `unsafe` code: two calls into
//! glibc's allocator, `mallopt` and `malloc_trim`.

use std::path::PathBuf;

pub(super) use super::unix::SocketBell as SystemBell;

/// Has every thread allocate from glibc's main arena.
///
/// glibc gives each new thread that allocates an arena of its own, up to
/// eight per core. The app's threads (GTK's, WebKit's, the async runtime's
/// workers that run commands) allocate little and seldom at once, so the
/// lock they now share costs nothing measurable, while every arena keeps
/// its own free and half-used pages. Measured with
/// `/proc/<pid>/smaps_rollup` 10 s after unlocking 10,000 accounts
/// (release build, under Xvfb): the app process holds 2.3 MiB less PSS
/// (0.8 less while locked).
#[cfg(target_env = "gnu")]
#[allow(unsafe_code)]
pub(super) fn one_heap() {
    // SAFETY: `mallopt` has no preconditions: it sets a limit that glibc
    // reads when a thread first allocates. Its result (0 for a value it does
    // not take) needs no handling: the limit is only an economy.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Returns what glibc keeps in its arenas to the system.
///
/// Opening a vault reads, decrypts and parses the whole file: at 10,000
/// accounts that is about 9 MiB of buffers, all freed (those that held
/// plaintext wiped first) once the vault is open. glibc keeps freed memory
/// for later use, so without a trim the app stays that much larger for as
/// long as it runs: measured as above (before `one_heap` came), the app
/// process held 97 MiB of PSS without the trim, 90 with it.
#[cfg(target_env = "gnu")]
#[allow(unsafe_code)]
pub(super) fn return_freed_memory() {
    // SAFETY: `malloc_trim` has no preconditions: it takes a byte count to
    // keep (none) and only reorganizes glibc's own free lists, under their
    // locks. Its result (whether anything was returned) needs no handling.
    unsafe {
        libc::malloc_trim(0);
    }
}

// Other C libraries on Linux (musl) have no per-thread arenas to limit and
// no trim.
#[cfg(not(target_env = "gnu"))]
pub(super) use super::fallback::{one_heap, return_freed_memory};

/// Sets `RLIMIT_CORE` to zero (inherited by the WebKit helper processes)
/// and clears the "dumpable" flag, which also stops other processes of the
/// same user from attaching a debugger or reading `/proc/<pid>/mem`.
pub(super) fn disable_core_dumps() {
    use rustix::process::{setrlimit, Resource, Rlimit};

    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = setrlimit(Resource::Core, none);
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}

/// The WebKitGTK switch that turns GPU compositing off, read when a webview
/// is made.
const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The JavaScriptCore option that turns its just-in-time compilers off,
/// read when a web process starts.
const JIT: &str = "JSC_useJIT";

/// Draws pages on the CPU and interprets their scripts, through WebKitGTK
/// switches read from the environment.
///
/// WebKit reads them when it starts its processes (which inherit this
/// process's environment), hence first thing in `run`. Each switch yields
/// to a value the user already set. Both are inherited by the programs the
/// app starts too (`xdg-open` for links); only WebKitGTK browsers read them.
pub(super) fn configure_webview() {
    draw_on_cpu();
    interpret_scripts();
}

/// Has WebKit draw pages on the CPU, without GPU compositing
/// (`WEBKIT_DISABLE_COMPOSITING_MODE=0` keeps the GPU).
///
/// Sparekey's pages are forms and lists: nothing in them needs the GPU, and
/// WebKitGTK's compositing costs about 45 MiB of PSS in its web process
/// (measured with `scripts/bench` under Xvfb: the empty page takes 241 MiB
/// with it, 198 without, and starts as fast). It also keeps GPU drivers, a
/// common cause of blank Tauri windows on Linux, out of the process that
/// renders the vault.
///
/// Setting this through `WebKitSettings` instead only works once the page
/// is loading, which measured 30 ms slower to the first screen.
fn draw_on_cpu() {
    set_unless_set(COMPOSITING_OFF, "1");
}

/// Has JavaScriptCore interpret the page's scripts, with its just-in-time
/// compilers off (`JSC_useJIT=true` turns them back on).
///
/// Sparekey's scripts are a few thousand lines that build forms and update
/// the codes on screen once a second: the interpreter runs them without a
/// visible difference. JIT compilers are where many exploitable JavaScript
/// engine bugs have been, and the process that runs the page holds codes and
/// secrets on screen; browsers' hardened modes (Safari's Lockdown Mode,
/// Edge's enhanced security) turn them off for the same reason. It also
/// saves memory: 7 MiB of PSS in the web process at 10,000 accounts, 3 MiB
/// for an empty page (measured under Xvfb, `/proc/<pid>/smaps_rollup`).
fn interpret_scripts() {
    set_unless_set(JIT, "false");
}

/// Sets `name` to `value` unless the environment already has it.
fn set_unless_set(name: &str, value: &str) {
    if std::env::var_os(name).is_none() {
        std::env::set_var(name, value);
    }
}

/// `$XDG_RUNTIME_DIR` (from `directories`), which the XDG spec makes the
/// user's alone (mode 0700) and the login session's; refused if it is not.
pub(super) fn runtime_dir() -> Result<PathBuf, String> {
    runtime_dir_from(
        directories::BaseDirs::new().and_then(|dirs| dirs.runtime_dir().map(Into::into)),
    )
}

/// The runtime folder `found` (from the environment), checked.
fn runtime_dir_from(found: Option<PathBuf>) -> Result<PathBuf, String> {
    match found {
        Some(dir) => super::unix::private(dir),
        None => Err("XDG_RUNTIME_DIR is not set (or not an absolute path)".to_owned()),
    }
}

/// Time since boot, suspend included (`CLOCK_BOOTTIME`): the idle timer's
/// clock, so a laptop that slept past the auto-lock delay is locked when it
/// wakes. (`Instant` is `CLOCK_MONOTONIC` here, which stops in suspend.)
pub(super) fn since_boot() -> std::time::Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    std::time::Duration::new(
        u64::try_from(t.tv_sec).unwrap_or(0),
        u32::try_from(t.tv_nsec).unwrap_or(0),
    )
}

/// Whether this session is a Wayland one (`WAYLAND_DISPLAY` set), where
/// the screen is the compositor's and X11 sees only XWayland's windows.
fn wayland_session() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some_and(|value| !value.is_empty())
}

/// Wayland: the desktop portal's screenshot; X11: the root window's pixels.
pub(super) fn capture_screen() -> Result<super::ScreenCapture, String> {
    if wayland_session() {
        super::portal::capture()
    } else if std::env::var_os("DISPLAY").is_some_and(|value| !value.is_empty()) {
        super::x11::capture()
    } else {
        Err(
            "Sparekey found no screen to scan (neither WAYLAND_DISPLAY nor DISPLAY is set): \
             take a screenshot of the QR code and choose it above instead."
                .to_owned(),
        )
    }
}

/// A StatusNotifierWatcher on the session bus (KDE, GNOME with the
/// AppIndicator extension, most panels), which libayatana-appindicator
/// uses; else, on X11, an XEmbed system tray (`_NET_SYSTEM_TRAY_S<n>`
/// owned), which it falls back to.
pub(super) fn tray_host_present() -> bool {
    status_notifier_watcher() || (!wayland_session() && super::x11::system_tray())
}

fn status_notifier_watcher() -> bool {
    let Ok(conn) = zbus::blocking::Connection::session() else {
        return false;
    };
    let Ok(bus) = zbus::blocking::fdo::DBusProxy::new(&conn) else {
        return false;
    };
    zbus::names::BusName::try_from("org.kde.StatusNotifierWatcher")
        .ok()
        .and_then(|name| bus.name_has_owner(name).ok())
        .unwrap_or(false)
}

/// logind's name on the system bus.
const LOGIN1: &str = "org.freedesktop.login1";

/// Locks on logind's `PrepareForSleep(true)` (before a suspend or
/// hibernate, so the vault is locked in the memory image and on resume)
/// and on the session's `Lock` signal (`loginctl lock-session`, and what
/// desktops send when the screen locks). Without a system bus or logind
/// (a container, CI) it says so once on stderr and does nothing.
pub(super) fn on_sleep_or_lock(lock: super::OnSleepOrLock) {
    std::thread::spawn(move || {
        let watched =
            zbus::blocking::Connection::system().and_then(|bus| watch_logind(&bus, lock.into()));
        if let Err(error) = watched {
            eprintln!("sparekey: no lock on sleep or screen lock (logind unavailable: {error})");
        }
    });
}

/// Listens on `bus` for logind's signals and calls `lock` for each sleep
/// and session lock, for as long as the bus connection lasts.
fn watch_logind(
    bus: &zbus::blocking::Connection,
    lock: std::sync::Arc<dyn Fn() + Send + Sync>,
) -> zbus::Result<()> {
    let manager = zbus::blocking::Proxy::new(
        bus,
        LOGIN1,
        "/org/freedesktop/login1",
        "org.freedesktop.login1.Manager",
    )?;
    let sleeps = manager.receive_signal("PrepareForSleep")?;
    // The session's own object: signals come from it, not from `session/auto`.
    let session: zbus::zvariant::OwnedObjectPath =
        manager.call("GetSessionByPID", &(std::process::id()))?;
    let session = zbus::blocking::Proxy::new(
        bus,
        LOGIN1,
        session.into_inner(),
        "org.freedesktop.login1.Session",
    )?;
    let locks = session.receive_signal("Lock")?;
    let on_lock = std::sync::Arc::clone(&lock);
    std::thread::spawn(move || {
        for _ in locks {
            on_lock();
        }
    });
    for message in sleeps {
        // `true` before sleeping, `false` on waking.
        if message.body().deserialize::<bool>().unwrap_or(true) {
            lock();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    /// The idle clock is the boot-time clock: it never runs behind the
    /// monotonic one (which stops in suspend) and only grows. (A suspend
    /// itself cannot be simulated here.)
    #[test]
    fn the_idle_clock_counts_from_boot_and_only_grows() {
        let monotonic = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let first = since_boot();
        assert!(first.as_secs() >= u64::try_from(monotonic.tv_sec).unwrap());
        let second = since_boot();
        assert!(second >= first);
    }

    use super::*;

    /// logind cannot run here, so a stand-in owns its name on a real
    /// `dbus-daemon` (Debian's, a private bus) and sends its signals.
    struct Login1;

    #[zbus::interface(name = "org.freedesktop.login1.Manager")]
    impl Login1 {
        #[zbus(name = "GetSessionByPID")]
        fn get_session_by_pid(&self, _pid: u32) -> zbus::zvariant::OwnedObjectPath {
            zbus::zvariant::OwnedObjectPath::try_from("/org/freedesktop/login1/session/_31")
                .unwrap()
        }
    }

    /// The vault locks when logind says the system is going to sleep and
    /// when the session is locked, and not when the system wakes.
    #[test]
    fn sleep_and_session_lock_lock_the_vault() {
        use std::{io::BufRead, sync::mpsc, time::Duration};
        let mut daemon = std::process::Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian's dbus-daemon package) runs");
        let mut address = String::new();
        std::io::BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let connect = || {
            zbus::blocking::connection::Builder::address(address.trim())
                .unwrap()
                .build()
                .unwrap()
        };
        let logind = zbus::blocking::connection::Builder::address(address.trim())
            .unwrap()
            .name(LOGIN1)
            .unwrap()
            .serve_at("/org/freedesktop/login1", Login1)
            .unwrap()
            .build()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let app = connect();
        std::thread::spawn(move || {
            let tx = std::sync::Mutex::new(tx);
            let lock = move || {
                let _ = tx.lock().unwrap().send(());
            };
            watch_logind(&app, std::sync::Arc::new(lock)).unwrap();
        });
        // Each signal is sent until heard (the watcher subscribes first);
        // then any echo of a repeated send is drained.
        let heard = |path: &str, interface: &str, member: &str, body: Option<bool>| {
            let tries = if body == Some(false) { 5 } else { 50 };
            for _ in 0..tries {
                match body {
                    Some(start) => logind.emit_signal(None::<()>, path, interface, member, &start),
                    None => logind.emit_signal(None::<()>, path, interface, member, &()),
                }
                .unwrap();
                if rx.recv_timeout(Duration::from_millis(100)).is_ok() {
                    while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
                    return true;
                }
            }
            false
        };
        let manager = ("/org/freedesktop/login1", "org.freedesktop.login1.Manager");
        assert!(heard(manager.0, manager.1, "PrepareForSleep", Some(true)));
        assert!(!heard(manager.0, manager.1, "PrepareForSleep", Some(false)));
        let session = "/org/freedesktop/login1/session/_31";
        assert!(heard(
            session,
            "org.freedesktop.login1.Session",
            "Lock",
            None
        ));
        let _ = daemon.kill();
        let _ = daemon.wait();
    }

    /// Without a runtime folder, the reason names the variable; a folder
    /// others may enter is refused; the user's own is used.
    #[test]
    fn the_runtime_folder_is_the_users_alone_or_none() {
        let error = runtime_dir_from(None).unwrap_err();
        assert!(error.contains("XDG_RUNTIME_DIR"), "{error}");
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        assert!(runtime_dir_from(Some(dir.path().to_owned())).is_err());
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        assert_eq!(
            runtime_dir_from(Some(dir.path().to_owned())),
            Ok(dir.path().to_owned())
        );
    }

    /// After the call, this process can write no core file and is not
    /// dumpable (nextest runs each test in its own process, so changing its
    /// limits touches nothing else).
    #[test]
    fn no_core_dumps_and_not_dumpable() {
        use rustix::process::{dumpable_behavior, getrlimit, DumpableBehavior, Resource};

        disable_core_dumps();
        let limit = getrlimit(Resource::Core);
        assert_eq!((limit.current, limit.maximum), (Some(0), Some(0)));
        assert_eq!(
            dumpable_behavior().expect("read the dumpable flag"),
            DumpableBehavior::NotDumpable
        );
    }
}

#[cfg(all(test, target_env = "gnu"))]
mod glibc_tests {
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
        // The test's full name, without the crate's: `--exact` matches
        // nothing else, and a run of no test would pass.
        let module = module_path!().split_once("::").map_or("", |(_, path)| path);
        let exe = std::env::current_exe().expect("the test binary's path");
        let out = std::process::Command::new(exe)
            .args(["--exact", &format!("{module}::{name}"), "--test-threads=1"])
            .env(ALONE, "1")
            .output()
            .expect("run the test alone");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{name}, run alone: {stdout}");
        assert!(
            stdout.contains("1 passed"),
            "{name} did not run alone: {stdout}"
        );
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
