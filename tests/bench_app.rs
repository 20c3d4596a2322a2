//! The desktop half of `scripts/bench` (ignored by the test run, which has
//! no business timing anything): the real `sparekey` app, the empty Tauri
//! page it is built on, and KeePassXC, each started cold under the X server
//! in `DISPLAY`, measured the same way and written as JSON.
//!
//! - *window*: from just before the process starts until its window is
//!   mapped (`xdotool search --onlyvisible`, polled every 5 ms).
//! - *unlock screen*: for Sparekey, until the page has painted its unlock
//!   screen (User Timing marks the UI sets, read through WebDriver; the
//!   program is started by a script that notes the time first).
//! - *unlock to codes*: from the Unlock click until the first codes are
//!   painted; it includes the KDF, which `scripts/bench` measures apart.
//! - *memory*: PSS and RSS summed over the process and all its children
//!   (WebKit's web and network processes), after 5 s (locked) or 10 s
//!   (unlocked) idle.
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
    collections::HashMap,
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

/// PSS and RSS in KiB of `pid` and every process below it.
fn memory(pid: u32) -> (u64, u64) {
    let mut parents: HashMap<u32, u32> = HashMap::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The command name may hold spaces; fields resume after its ')'.
        let rest = &stat[stat.rfind(')').unwrap_or(0) + 1..];
        if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|f| f.parse().ok()) {
            parents.insert(p, ppid);
        }
    }
    let in_tree = |mut p: u32| loop {
        if p == pid {
            return true;
        }
        match parents.get(&p) {
            Some(&parent) if parent != 0 && parent != p => p = parent,
            _ => return false,
        }
    };
    let (mut pss, mut rss) = (0, 0);
    for &p in parents.keys().filter(|&&p| in_tree(p)) {
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
    loop {
        let found = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("xdotool runs");
        if found.success() {
            return;
        }
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
    child.kill().ok();
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

/// One cold start of the real app through WebDriver.
async fn sparekey_run(vault: &Path, passphrase: &str, scratch: &Path) -> Value {
    let stamp = scratch.join("started");
    let pid_file = scratch.join("pid");
    let wrapper = scratch.join("sparekey.sh");
    let app = sparekey_tests::bin("sparekey");
    fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\ndate +%s%N > '{}'\necho $$ > '{}'\nexec '{}' \"$@\"\n",
            stamp.display(),
            pid_file.display(),
            app.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&wrapper)
        .status()
        .unwrap();

    let session = GuiSession::builder()
        .application(&wrapper)
        .vault_from(vault)
        .start()
        .await;
    let painted = mark(&session, "screen:unlock:painted").await;
    let origin = session
        .client()
        .execute("return performance.timeOrigin;", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    let started: f64 = fs::read_to_string(&stamp)
        .unwrap()
        .trim()
        .parse::<f64>()
        .unwrap()
        / 1e6;
    let pid: u32 = fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let locked = memory(pid);

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
    let codes = mark(&session, "codes:painted").await;
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
    tokio::time::sleep(Duration::from_secs(10)).await;
    let unlocked = memory(pid);
    session.close().await;
    json!({
        "unlock_screen_ms": painted - started,
        "navigation_start_ms": origin - started,
        "unlock_ipc_ms": data - submitted,
        "unlock_to_codes_ms": codes - submitted,
        "rows": shown[0], "rows_with_codes": shown[1],
        "locked_pss_kib": locked.0, "locked_rss_kib": locked.1,
        "unlocked_pss_kib": unlocked.0, "unlocked_rss_kib": unlocked.1,
    })
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
        sparekey.push(sparekey_run(&vault, &passphrase, home).await);

        // The same app started directly (no WebDriver), for the window time.
        let copy = home.join(format!("vault-{run}"));
        fs::create_dir_all(&copy).unwrap();
        for name in ["identity.age", "vault.age"] {
            fs::copy(vault.join(name), copy.join(name)).unwrap();
        }
        let mut app = Command::new(sparekey_tests::bin("sparekey"));
        app.env("SPAREKEY_VAULT_DIR", &copy)
            .env("XDG_DATA_HOME", home.join("data"));
        let (window, mem) = window_and_memory(app, "^Sparekey$", None, locked_idle);
        sparekey_window.push(json!({"window_ms": window, "pss_kib": mem.0, "rss_kib": mem.1}));

        let (window, mem) =
            window_and_memory(Command::new(&floor), "^Sparekey floor$", None, locked_idle);
        floor_runs.push(json!({"window_ms": window, "pss_kib": mem.0, "rss_kib": mem.1}));

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
