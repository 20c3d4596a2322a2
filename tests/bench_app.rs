//! The desktop half of `scripts/bench` (ignored by the test run, which has
//! no business timing anything): the real `sparekey` app, the empty Tauri
//! page it is built on, and KeePassXC, each started cold under the X server
//! in `DISPLAY`, measured the same way and written as JSON.
//!
//! - *window*: from just before the process starts until its window is
//!   mapped (`xdotool search --onlyvisible`, polled every 5 ms).
//! - *first screen*: for Sparekey started directly, until the page asks for
//!   the vault's status, which it draws the unlock screen from
//!   (`SPAREKEY_TRACE_STARTUP` makes the app print the time).
//! - *unlock to codes*: through WebDriver, from the Unlock click until the
//!   first codes are in the DOM (User Timing marks the UI sets); it
//!   includes the KDF, which the app times on its own and traces. Marks are taken
//!   when the DOM changes, not at the next frame: under Xvfb the time to
//!   the next animation frame varies from 4 ms to over a second.
//! - *memory*: PSS and RSS summed over the process and all its children
//!   (WebKit's web and network processes), after 5 s (locked) or 10 s
//!   (unlocked) idle. Sparekey's is taken started directly, unlocked by
//!   typing the passphrase (xdotool), not under WebDriver, whose automation
//!   adds to the web process.
//!
//! Environment: `SPAREKEY_BENCH_VAULT` (a vault folder), its passphrase in
//! `SPAREKEY_BENCH_PASSPHRASE_FILE`, `SPAREKEY_BENCH_FLOOR` (the
//! `empty_page` example), `SPAREKEY_BENCH_KDBX` (the same accounts for
//! KeePassXC, same passphrase), `SPAREKEY_BENCH_RUNS` (default 5),
//! `SPAREKEY_BENCH_OUT` (the JSON file to write), `SPAREKEY_BIN_DIR` (the
//! release binaries).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use serde_json::{json, Value};
use support::GuiSession;

fn env_path(name: &str) -> PathBuf {
    PathBuf::from(
        std::env::var_os(name).unwrap_or_else(|| panic!("{name} is not set (run scripts/bench)")),
    )
}

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// Kills `pid` and everything below it, and waits until all are gone, so
/// the next measurement shares no pages (PSS) and no window with them.
fn stop_tree(pid: u32) {
    let pids = support::process_tree(pid);
    for &p in &pids {
        let _ = Command::new("kill")
            .args(["-KILL", &p.to_string()])
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    // Zombies count as gone: their memory is freed.
    let alive = |p: u32| {
        fs::read_to_string(format!("/proc/{p}/stat")).is_ok_and(|s| {
            s[s.rfind(')').unwrap_or(0) + 1..].split_whitespace().next() != Some("Z")
        })
    };
    while pids.iter().any(|&p| alive(p)) {
        assert!(
            Instant::now() < deadline,
            "processes of {pid} outlived SIGKILL by 20 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until no window named `name` is mapped (one left by the previous
/// run would be taken for the new one).
fn wait_no_window(name: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while window_mapped(name) {
        assert!(
            Instant::now() < deadline,
            "a window named {name} stays mapped"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether a window whose title matches `name` is mapped.
fn window_mapped(name: &str) -> bool {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", name])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("xdotool runs")
        .success()
}

/// Waits until the machine is idle (under 10% of all CPU time busy over a
/// quarter of a second), at most 20 s, so that no cold start is timed while
/// the previous program still shuts down. (Now and then a cold start still
/// takes about 500 ms longer, for the empty page as for the app; the report
/// lists every start so that shows.)
fn wait_idle() {
    fn busy_and_total() -> (u64, u64) {
        let stat = fs::read_to_string("/proc/stat").unwrap_or_default();
        let times: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        let total: u64 = times.iter().sum();
        // idle and iowait are the 4th and 5th fields.
        let idle = times.get(3).copied().unwrap_or(0) + times.get(4).copied().unwrap_or(0);
        (total - idle, total)
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let (busy0, total0) = busy_and_total();
        std::thread::sleep(Duration::from_millis(250));
        let (busy1, total1) = busy_and_total();
        let total = total1.saturating_sub(total0).max(1);
        if busy1.saturating_sub(busy0) * 10 < total {
            return;
        }
    }
    eprintln!("bench: the machine did not go idle within 20 s; measuring anyway");
}

/// PSS and RSS in KiB of `pid` and every process below it.
fn memory(pid: u32) -> (u64, u64) {
    let (mut pss, mut rss) = (0, 0);
    for p in support::process_tree(pid) {
        let Ok(rollup) = fs::read_to_string(format!("/proc/{p}/smaps_rollup")) else {
            continue;
        };
        for line in rollup.lines() {
            let kib = |l: &str| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            if line.starts_with("Pss:") {
                pss += kib(line);
            } else if line.starts_with("Rss:") {
                rss += kib(line);
            }
        }
    }
    (pss, rss)
}

/// Waits until a window whose title matches `name` is mapped.
fn wait_window(name: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !window_mapped(name) {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the program exited ({status}) before showing a window named {name}");
        }
        assert!(
            Instant::now() < deadline,
            "no window named {name} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Starts `command` cold and returns (ms until its window `name` is mapped,
/// memory after `idle`).
fn window_and_memory(
    mut command: Command,
    name: &str,
    stdin: Option<&str>,
    idle: Duration,
) -> (f64, (u64, u64)) {
    wait_no_window(name);
    wait_idle();
    command.stdout(Stdio::null()).stderr(Stdio::null());
    command.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let start = Instant::now();
    let mut child = command.spawn().expect("the program starts");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    wait_window(name, &mut child);
    let window = start.elapsed().as_secs_f64() * 1000.0;
    std::thread::sleep(idle);
    let memory = memory(child.id());
    stop_tree(child.id());
    child.wait().ok();
    (window, memory)
}

/// Epoch milliseconds of the User Timing mark `name`, once it exists.
async fn mark(session: &GuiSession, name: &str) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let value = session
            .client()
            .execute(
                "const m = performance.getEntriesByName(arguments[0], 'mark');\
                 return m.length ? performance.timeOrigin + m[m.length - 1].startTime : null;",
                vec![json!(name)],
            )
            .await
            .unwrap();
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        assert!(
            Instant::now() < deadline,
            "the page never set the mark {name}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The app through WebDriver: unlock to codes, and memory unlocked.
async fn sparekey_unlock(vault: &Path, passphrase: &str) -> Value {
    wait_idle();
    let session = GuiSession::builder()
        .vault_from(vault)
        .env("SPAREKEY_TRACE_STARTUP", "1")
        .start()
        .await;
    let screen = mark(&session, "screen:unlock").await;
    let origin = session
        .client()
        .execute("return performance.timeOrigin;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    // The passphrase is set as the value (typing it would time WebDriver).
    session
        .client()
        .execute(
            "document.getElementById('passphrase').value = arguments[0];\
             document.getElementById('unlock').click();",
            vec![json!(passphrase)],
        )
        .await
        .unwrap();
    let codes = mark(&session, "codes").await;
    let submitted = mark(&session, "unlock:submit").await;
    let data = mark(&session, "unlock:data").await;
    // What is on screen: rows, each with a 6-digit code.
    let shown = session
        .client()
        .execute(
            "const codes = [...document.querySelectorAll('#accounts li.account .code')];\
             return [codes.length, codes.filter(c => /^\\d{3} \\d{3}$/.test(c.textContent)).length];",
            vec![],
        )
        .await
        .unwrap();
    // The page's own timeline (module loads, marks), for finding where
    // time goes: milliseconds from navigation start.
    let timeline = session
        .client()
        .execute(
            "return performance.getEntries().map(e => [e.entryType, e.name.replace(/^.*\\//, ''),\
                 Math.round(e.startTime), Math.round(e.duration)]);",
            vec![],
        )
        .await
        .unwrap();
    // The app's own time for the unlock command (KDF, decrypt, parse, the
    // first screen's summaries), from its trace in the driver's log.
    let prefix = "sparekey startup-trace: unlock took ";
    let (rust_ms, kdf_ms): (f64, f64) = session
        .driver_log()
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|rest| {
            let (total, key) = rest.split_once(" ms in Rust, the key (KDF) ")?;
            Some((
                total.parse().ok()?,
                key.trim_end_matches(" ms").parse().ok()?,
            ))
        })
        .expect("the app traced its unlock");
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pid = session.app_pid();
    let unlocked = memory(pid);
    session.close().await;
    stop_tree(pid);
    json!({
        "navigation_to_unlock_screen_ms": screen - origin,
        "unlock_to_codes_ms": codes - submitted,
        "unlock_ipc_ms": data - submitted,
        "unlock_rust_ms": rust_ms,
        "unlock_kdf_ms": kdf_ms,
        "rows": shown[0], "rows_with_codes": shown[1],
        "unlocked_pss_kib": unlocked.0, "unlocked_rss_kib": unlocked.1,
        "timeline": timeline,
    })
}

/// The app started directly (no WebDriver) on a copy of `vault`, then
/// unlocked by typing `passphrase` into its window (xdotool), as a user does.
fn sparekey_direct(vault: &Path, passphrase: &str, home: &Path, idle: Duration) -> Value {
    let copy = tempfile::tempdir_in(home).unwrap();
    for name in ["identity.age", "vault.age"] {
        fs::copy(vault.join(name), copy.path().join(name)).unwrap();
    }
    // A private runtime folder, as a desktop session has: the app takes its
    // one-app-per-vault lock there, as it does for a user.
    let runtime = support::runtime_dir(home);
    support::private_dir(&runtime);
    let mut app = Command::new(sparekey_tests::bin("sparekey"));
    app.env("SPAREKEY_VAULT_DIR", copy.path())
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", &runtime);
    traced_start(app, "^Sparekey$", idle, Some(passphrase))
}

/// Types `passphrase` and Enter into the window `name`.
fn type_passphrase(name: &str, passphrase: &str) {
    let steps: [&[&str]; 3] = [
        &[
            "search",
            "--onlyvisible",
            "--name",
            name,
            "windowfocus",
            "--sync",
        ],
        &["type", "--delay", "5", passphrase],
        &["key", "Return"],
    ];
    for args in steps {
        let status = Command::new("xdotool")
            .args(args)
            .status()
            .expect("xdotool runs");
        assert!(status.success(), "xdotool {}", args[0]);
    }
}

/// Starts `app` cold with `SPAREKEY_TRACE_STARTUP` set: ms until its window
/// `name` is mapped and until its first screen is requested, and memory
/// after `idle`; with a passphrase, also memory 10 s after unlocking.
fn traced_start(mut app: Command, name: &str, idle: Duration, unlock: Option<&str>) -> Value {
    wait_no_window(name);
    wait_idle();
    app.env("SPAREKEY_TRACE_STARTUP", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = now_ms();
    let start = Instant::now();
    let mut child = app.spawn().expect("sparekey starts");
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
        for line in lines.map_while(Result::ok) {
            let prefix = "sparekey startup-trace: first screen requested at ";
            if let Some(rest) = line.strip_prefix(prefix) {
                let _ = sender.send(rest.trim_end_matches(" ms").parse::<f64>().unwrap());
            }
        }
    });
    wait_window(name, &mut child);
    let window = start.elapsed().as_secs_f64() * 1000.0;
    let first_screen = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("the app printed its startup trace")
        - started;
    std::thread::sleep(idle);
    let (pss, rss) = memory(child.id());
    let mut out = json!({"window_ms": window, "first_screen_ms": first_screen, "pss_kib": pss, "rss_kib": rss});
    if let Some(passphrase) = unlock {
        type_passphrase(name, passphrase);
        std::thread::sleep(Duration::from_secs(10));
        let (pss, rss) = memory(child.id());
        out["unlocked_pss_kib"] = json!(pss);
        out["unlocked_rss_kib"] = json!(rss);
    }
    stop_tree(child.id());
    child.wait().ok();
    out
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: scripts/bench runs it"]
async fn desktop_apps() {
    support::require_display();
    let vault = env_path("SPAREKEY_BENCH_VAULT");
    let passphrase = fs::read_to_string(env_path("SPAREKEY_BENCH_PASSPHRASE_FILE")).unwrap();
    let passphrase = passphrase.trim_end_matches('\n').to_owned();
    let floor = env_path("SPAREKEY_BENCH_FLOOR");
    let kdbx = env_path("SPAREKEY_BENCH_KDBX");
    let out = env_path("SPAREKEY_BENCH_OUT");
    let runs: usize = std::env::var("SPAREKEY_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path();
    let locked_idle = Duration::from_secs(5);

    let mut results = json!({ "runs": runs, "started_at": now_ms() });
    let mut sparekey = Vec::new();
    let mut sparekey_window = Vec::new();
    let mut floor_runs = Vec::new();
    let mut keepassxc_locked = Vec::new();
    let mut keepassxc_unlocked = Vec::new();
    for run in 0..runs {
        eprintln!("desktop run {} of {runs}", run + 1);
        sparekey.push(sparekey_unlock(&vault, &passphrase).await);
        sparekey_window.push(sparekey_direct(&vault, &passphrase, home, locked_idle));

        floor_runs.push(traced_start(
            Command::new(&floor),
            "^Sparekey floor$",
            locked_idle,
            None,
        ));

        let keepassxc = || {
            let mut c = Command::new("keepassxc");
            c.env("XDG_CONFIG_HOME", home.join("kpx-config"))
                .env("XDG_CACHE_HOME", home.join("kpx-cache"))
                .env("XDG_DATA_HOME", home.join("kpx-data"));
            c
        };
        let mut locked = keepassxc();
        locked.arg(&kdbx);
        let (window, mem) = window_and_memory(locked, "KeePassXC", None, locked_idle);
        keepassxc_locked.push(json!({"window_ms": window, "pss_kib": mem.0, "rss_kib": mem.1}));
        let mut unlocked = keepassxc();
        unlocked.arg("--pw-stdin").arg(&kdbx);
        let (window, mem) = window_and_memory(
            unlocked,
            "KeePassXC",
            Some(&format!("{passphrase}\n")),
            Duration::from_secs(10),
        );
        keepassxc_unlocked.push(json!({"window_ms": window, "pss_kib": mem.0, "rss_kib": mem.1}));
    }
    results["sparekey_webdriver"] = json!(sparekey);
    results["sparekey_direct"] = json!(sparekey_window);
    results["floor"] = json!(floor_runs);
    results["keepassxc_locked"] = json!(keepassxc_locked);
    results["keepassxc_unlocked"] = json!(keepassxc_unlocked);
    fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    eprintln!("wrote {}", out.display());
}
