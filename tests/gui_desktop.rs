//! The app among other windows on a desktop: "Scan the screen" reading a QR
//! code another window shows (X11), the tray and "close to tray", and the
//! app running natively under a Wayland compositor, copying a code there.
//!
//! Each test that looks at the whole screen or at the tray runs on an X
//! server of its own (`Xvfb -displayfd`), so the windows of GUI tests
//! running beside it (some show QR codes) are not on its screen. The
//! Wayland test starts `sway` with its headless backend (software
//! rendering) and reads the clipboard with `wl-paste`; it skips, saying
//! why, only when sway cannot start.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::gui_screens::{Audit, Theme};
use crate::support::{self, GuiSession};

/// A QR code's URI with a non-default algorithm and length, so the filled
/// form shows more than the defaults.
const SCREEN_URI: &str =
    "otpauth://totp/PyPI:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
     &issuer=PyPI&algorithm=SHA256&digits=8";
const SCREEN_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The account of the tray and Wayland tests.
const TRAY_URI: &str = "otpauth://totp/Tray%20Co:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Tray%20Co";

/// The codes core computes for `uri` around now (a few seconds either way,
/// so a period boundary between reading and computing is allowed).
fn core_codes_around_now(uri: &str) -> Vec<String> {
    let parsed = sparekey_core::otp::parse_uri(uri).expect("core parses the URI");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    (now - 3..=now + 3)
        .map(|t| parsed.otp.code_at(t).as_str().to_owned())
        .collect()
}

/// A process this test started, ended (SIGTERM, then SIGKILL) on drop.
struct Started(Child);

impl Drop for Started {
    fn drop(&mut self) {
        support::platform::ask_to_stop(&self.0);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if self.0.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X server of this test's own, 1280×800: `Xvfb` picks a free display
/// number and says which (`-displayfd`).
struct PrivateX {
    display: String,
    _server: Started,
}

impl PrivateX {
    fn start() -> PrivateX {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24"])
            .args(["-nolisten", "tcp", "-noreset"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot run Xvfb (Debian: apt-get install xvfb): {error}")
            });
        let stdout = server.stdout.take().expect("Xvfb's output");
        let server = Started(server);
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read Xvfb's display number");
        let number = line.trim();
        assert!(
            !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()),
            "Xvfb named no display: {line:?}"
        );
        PrivateX {
            display: format!(":{number}"),
            _server: server,
        }
    }

    /// Runs `program` on this display.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("DISPLAY", &self.display);
        command
    }

    /// The visible windows named exactly `name`: id, position and size.
    fn visible_windows(&self, name: &str) -> Vec<Window> {
        let out = self
            .command("xdotool")
            .args(["search", "--onlyvisible", "--name", &format!("^{name}$")])
            .output()
            .expect("run xdotool (Debian: apt-get install xdotool)");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .filter_map(|id| self.geometry(id))
            .collect()
    }

    /// `xdotool getwindowgeometry --shell`, read.
    fn geometry(&self, id: &str) -> Option<Window> {
        let out = self
            .command("xdotool")
            .args(["getwindowgeometry", "--shell", id])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let value = |key: &str| -> Option<i32> {
            text.lines()
                .find_map(|line| line.strip_prefix(&format!("{key}=")))
                .and_then(|v| v.trim().parse().ok())
        };
        Some(Window {
            id: id.to_owned(),
            x: value("X")?,
            y: value("Y")?,
            width: value("WIDTH")?,
            height: value("HEIGHT")?,
        })
    }

    /// The app's visible main windows (its tray icon, in a tray, is a small
    /// window of the same name).
    fn app_windows(&self) -> Vec<Window> {
        self.visible_windows("Sparekey")
            .into_iter()
            .filter(|w| w.width > 100)
            .collect()
    }

    /// Waits until the app's window is shown (or, with `shown` false,
    /// until none is); fails the test after 20 s.
    fn wait_app_window(&self, shown: bool) -> Vec<Window> {
        self.wait_for(
            if shown {
                "the app's window to show"
            } else {
                "the app's window to hide"
            },
            || {
                let windows = self.app_windows();
                (windows.is_empty() != shown).then_some(windows)
            },
        )
    }

    /// Waits until a window named `name` is visible.
    fn wait_window(&self, name: &str) -> Vec<Window> {
        self.wait_for(&format!("a window named {name:?}"), || {
            let windows = self.visible_windows(name);
            (!windows.is_empty()).then_some(windows)
        })
    }

    fn wait_for<T>(&self, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = check() {
                return found;
            }
            assert!(Instant::now() < deadline, "waited 20 s for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Opens the tray icon's menu (a click on the icon, in the tray) and
    /// picks an item with the keyboard, as a person can: `keys` such as
    /// `["Down", "Down", "Return"]` (the menu grabs the keyboard).
    fn tray_menu(&self, keys: &[&str]) {
        let icon = self.wait_for("the tray icon", || {
            self.visible_windows("Sparekey")
                .into_iter()
                .find(|w| w.width <= 64 && w.height <= 64)
        });
        let (x, y) = (icon.x + icon.width / 2, icon.y + icon.height / 2);
        let status = self
            .command("xdotool")
            .args(["mousemove", &x.to_string(), &y.to_string(), "click", "1"])
            .status()
            .expect("run xdotool");
        assert!(status.success());
        // The menu takes a moment to map and grab the keyboard.
        std::thread::sleep(Duration::from_millis(700));
        let status = self
            .command("xdotool")
            .arg("key")
            .args(keys)
            .status()
            .expect("run xdotool");
        assert!(status.success());
    }

    /// What the X clipboard holds (`xclip`), empty when nothing.
    fn clipboard(&self) -> String {
        let out = self
            .command("xclip")
            .args(["-o", "-selection", "clipboard"])
            .output()
            .expect("run xclip (Debian: apt-get install xclip)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Asks the window `window` to close, as a window manager does when its
    /// close button is clicked.
    fn close_window(&self, window: &Window) {
        let id: u32 = window.id.parse().expect("a window id");
        support::platform::close_x_window(&self.display, id);
    }
}

/// An X window: its id, position and size.
#[derive(Debug)]
struct Window {
    id: String,
    x: i32,
    y: i32,
    width: i32,
    height: i32,
}

/// The app under WebDriver on `x`'s display, with a vault.
async fn session_on(x: &PrivateX) -> GuiSession {
    GuiSession::builder()
        .with_vault()
        .env("DISPLAY", &x.display)
        .start()
        .await
}

/// A PNG of `text` as a QR code, made by `qrencode` (the reference peer).
fn qr_png(dir: &Path, text: &str) -> PathBuf {
    let png = dir.join("setup-qr.png");
    let status = Command::new("qrencode")
        .args(["-s", "4", "-o"])
        .arg(&png)
        .arg(text)
        .status()
        .expect("run qrencode (Debian: apt-get install qrencode)");
    assert!(status.success());
    png
}

/// The `value` property of the input `css`.
async fn value_of(session: &GuiSession, css: &str) -> String {
    session
        .client()
        .execute(
            "return document.querySelector(arguments[0]).value;",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("read an input's value")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// "Scan the screen" with nothing to find says so; with a setup page's QR
/// code in another window (ImageMagick's `display` of a `qrencode` PNG), it
/// fills in the form: issuer, name, the secret, algorithm and digits. The
/// account added from it shows core's code for the URI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_the_screen_fills_the_form_from_a_code_in_another_window() {
    let x = PrivateX::start();
    let session = session_on(&x).await;
    session.unlock().await;
    session.set_size(720, 520).await;
    for window in x.wait_app_window(true) {
        let _ = x
            .command("xdotool")
            .args(["windowmove", "--sync", &window.id, "0", "0"])
            .status();
    }
    session.click("#add-button").await;

    session.click("#add-scan-screen").await;
    let error = session
        .wait_text("#add-scan-screen-error", |text| !text.is_empty())
        .await;
    assert!(
        error.contains("no QR code found on the screen") && error.ends_with("scan again."),
        "{error}"
    );
    // The states only this test reaches go through the screens' audit too
    // (light theme, both sizes); it leaves the window large: made small
    // again so the setup page fits beside it.
    let mut audit = Audit::new(&session, Theme::Light);
    audit.check("add, nothing on the screen to scan").await;
    session.set_size(720, 520).await;

    let png = qr_png(session.temp_dir(), SCREEN_URI);
    let _viewer = Started(
        x.command("display")
            .args(["-title", "Setup page", "-geometry", "+820+300"])
            .arg(&png)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run display (Debian: apt-get install imagemagick)"),
    );
    x.wait_window("Setup page");

    session.click("#add-scan-screen").await;
    let found = session
        .wait_text("#add-scanned", |text| !text.is_empty())
        .await;
    assert!(
        found.contains("Found PyPI (alice@example.com) on the screen"),
        "{found}"
    );
    assert_eq!(value_of(&session, "#add-issuer").await, "PyPI");
    assert_eq!(value_of(&session, "#add-name").await, "alice@example.com");
    assert_eq!(value_of(&session, "#add-secret").await, SCREEN_SECRET);
    assert_eq!(value_of(&session, "#add-algorithm").await, "SHA256");
    assert_eq!(value_of(&session, "#add-digits").await, "8");
    assert_eq!(
        session
            .text("#add-scan-screen-error")
            .await
            .trim()
            .to_owned(),
        ""
    );
    audit.check("add, filled in from the screen").await;
    session
        .client()
        .execute(
            "document.getElementById('add-scan-card').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scroll to the scan");
    audit.shoot("add-scan", (1000, 780), false).await;
    audit.finish();

    session.click("#add-manual-submit").await;
    let toast = session.wait_text("#toast", |text| !text.is_empty()).await;
    assert!(toast.contains("Added PyPI"), "{toast}");
    let listed = session.cli(&["code", "PyPI"]);
    assert!(
        core_codes_around_now(SCREEN_URI)
            .iter()
            .any(|code| listed.contains(code.as_str())),
        "the CLI's code {listed:?} is not core's for the URI"
    );
    session.close().await;
}

/// Turns "close to tray" on in Settings.
async fn turn_on_close_to_tray(session: &GuiSession) {
    session.click("#settings-button").await;
    session.click("#setting-close-to-tray").await;
    session.click("#save-settings").await;
    let toast = session.wait_text("#toast", |text| !text.is_empty()).await;
    assert!(toast.contains("Settings saved"), "{toast}");
}

/// Whether the process `pid` still runs.
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

/// Starts `trayer`, an XEmbed system tray, on `x`.
fn start_tray(x: &PrivateX) -> Started {
    let tray = Started(
        x.command("trayer")
            .args(["--edge", "bottom", "--align", "right", "--width", "10"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run trayer (Debian: apt-get install trayer)"),
    );
    x.wait_window("panel");
    tray
}

/// With a system tray on the screen (`trayer`, an XEmbed tray) the app's
/// icon is in it, and its menu works: copy a code, then "Lock" shows the
/// unlock screen and takes the code off the clipboard; "Show or hide"
/// hides the window and shows it again; "Quit" ends the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_menu_locks_hides_shows_and_quits() {
    let x = PrivateX::start();
    let _tray = start_tray(&x);
    let session = session_on(&x).await;
    session.cli(&["add", "--uri", TRAY_URI]);
    session.unlock().await;
    let pid = session.app_pid();

    session
        .wait_text("#accounts li.account .code", |text| !text.trim().is_empty())
        .await;
    session.click("#accounts li.account").await;
    session
        .wait_text("#toast", |text| text.contains("Code copied"))
        .await;
    let copied = x.clipboard();
    assert!(
        core_codes_around_now(TRAY_URI).contains(&copied),
        "the clipboard holds {copied:?}"
    );

    x.tray_menu(&["Down", "Down", "Return"]);
    session.find("#passphrase").await;
    assert_eq!(x.clipboard(), "", "Lock left the code on the clipboard");

    x.tray_menu(&["Down", "Return"]);
    x.wait_app_window(false);
    assert!(alive(pid));
    x.tray_menu(&["Down", "Return"]);
    x.wait_app_window(true);

    x.tray_menu(&["Up", "Return"]);
    x.wait_for("the app to quit", || (!alive(pid)).then_some(()));
    session.close().await;
}

/// With a system tray and "close to tray" on, closing the window hides it
/// and the app keeps running; a second launch brings the window back (the
/// single-instance bell).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_to_tray_hides_the_window_and_a_second_launch_shows_it() {
    let x = PrivateX::start();
    let _tray = start_tray(&x);
    let session = session_on(&x).await;
    session.unlock().await;
    turn_on_close_to_tray(&session).await;
    let pid = session.app_pid();

    let closed = x.wait_app_window(true);
    for window in &closed {
        x.close_window(window);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while !x.app_windows().is_empty() {
        assert!(
            Instant::now() < deadline,
            "closing {closed:?} did not hide the window (now {:?})\n{}",
            x.visible_windows("Sparekey"),
            session.driver_log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert!(alive(pid), "the app quit instead of hiding to the tray");

    let second = session.launch_again();
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("asked to show its window"), "{said}");
    x.wait_app_window(true);
    session.find("#settings-form").await;
    session.close().await;
}

/// With "close to tray" on but nothing on the screen that shows tray icons,
/// closing the window quits, as without the setting (nothing could bring
/// the window back); the app started without a tray, no panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_tray_closing_the_window_quits() {
    let x = PrivateX::start();
    let session = session_on(&x).await;
    session.unlock().await;
    turn_on_close_to_tray(&session).await;
    let pid = session.app_pid();
    let windows = x.wait_app_window(true);
    for window in &windows {
        x.close_window(window);
    }
    x.wait_for("the app to quit, with no tray to return from", || {
        (!alive(pid)).then_some(())
    });
    let log = session.driver_log();
    assert!(!log.contains("panicked"), "{log}");
    session.close().await;
}

/// A headless `sway` on a Wayland socket of its own. Sway refuses to run as
/// root: as root it runs as `nobody`, in a runtime folder given to it.
struct Sway {
    socket: PathBuf,
    runtime: tempfile::TempDir,
    _server: Started,
}

impl Sway {
    /// Starts sway, or says why it could not (the test then skips).
    fn start() -> Result<Sway, String> {
        let runtime = tempfile::Builder::new()
            .prefix("sparekey-sway-")
            .tempdir()
            .map_err(|error| format!("no temporary folder: {error}"))?;
        // The app floats at its own size in the top left corner, as on a
        // desktop with other windows beside it.
        std::fs::write(
            runtime.path().join("config"),
            "output HEADLESS-1 resolution 1280x800\n\
             for_window [app_id=\"sparekey\"] floating enable, resize set 720 520, move position 0 0\n",
        )
        .map_err(|error| format!("cannot write sway's config: {error}"))?;
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
        let mut command = if root {
            let status = Command::new("chown")
                .args(["-R", "nobody:nogroup"])
                .arg(runtime.path())
                .status();
            if !status.is_ok_and(|s| s.success()) {
                return Err("cannot give sway's runtime folder to `nobody`".to_owned());
            }
            let mut command = Command::new("setpriv");
            command.args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "sway",
            ]);
            command
        } else {
            Command::new("sway")
        };
        command
            .arg("-c")
            .arg(runtime.path().join("config"))
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("HOME", runtime.path())
            .env("WLR_BACKENDS", "headless")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env("WLR_RENDERER", "pixman")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(std::env::temp_dir().join("sparekey-sway.log"))
                    .map_err(|error| format!("cannot create sway's log: {error}"))?,
            ));
        let server =
            Started(command.spawn().map_err(|error| {
                format!("cannot run sway (Debian: apt-get install sway): {error}")
            })?);
        let socket = runtime.path().join("wayland-1");
        let deadline = Instant::now() + Duration::from_secs(15);
        while !socket.exists() {
            if Instant::now() > deadline {
                return Err(format!(
                    "sway made no Wayland socket within 15 s (see {})",
                    std::env::temp_dir().join("sparekey-sway.log").display()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Sway {
            socket,
            runtime,
            _server: server,
        })
    }

    /// `swaymsg -t get_tree`: the windows sway manages, as JSON text.
    fn tree(&self) -> String {
        let ipc = std::fs::read_dir(self.runtime.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.to_string_lossy().contains("sway-ipc."))
            .expect("sway's IPC socket");
        let out = Command::new("swaymsg")
            .arg("-s")
            .arg(ipc)
            .args(["-t", "get_tree"])
            .output()
            .expect("run swaymsg");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// What `wl-paste` reads from the clipboard, or its complaint.
    fn paste(&self) -> String {
        let out = Command::new("wl-paste")
            .arg("--no-newline")
            .env("WAYLAND_DISPLAY", &self.socket)
            .env_remove("DISPLAY")
            .output()
            .expect("run wl-paste (Debian: apt-get install wl-clipboard)");
        if out.status.success() {
            String::from_utf8_lossy(&out.stdout).into_owned()
        } else {
            format!("wl-paste failed: {}", String::from_utf8_lossy(&out.stderr))
        }
    }
}

/// Under a Wayland compositor, with no X server at all, the app runs as a
/// native Wayland client (sway lists it as an `xdg_shell` window), and
/// clicking a code's row puts the code on the Wayland clipboard, where
/// `wl-paste` reads core's code. Driven through WebDriver like every GUI
/// test: WebKitWebDriver speaks to WebKit, not to the display.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_wayland_the_app_runs_natively_and_copies_a_code() {
    let sway = match Sway::start() {
        Ok(sway) => sway,
        Err(why) => {
            eprintln!("SKIPPED: the Wayland compositor could not start: {why}");
            return;
        }
    };
    let session = GuiSession::builder()
        .with_vault()
        .env("GDK_BACKEND", "wayland")
        .env("WAYLAND_DISPLAY", sway.socket.display().to_string())
        .env("DISPLAY", "")
        .start()
        .await;
    session.cli(&["add", "--uri", TRAY_URI]);
    session.unlock().await;

    let tree = sway.tree();
    assert!(
        tree.contains("\"app_id\": \"sparekey\"") && tree.contains("\"shell\": \"xdg_shell\""),
        "sway does not list the app as a native Wayland window:\n{tree}"
    );

    session
        .wait_text("#accounts li.account .code", |text| !text.trim().is_empty())
        .await;
    session.click("#accounts li.account").await;
    let toast = session.wait_text("#toast", |text| !text.is_empty()).await;
    assert!(toast.contains("Code copied"), "{toast}");
    let pasted = sway.paste();
    assert!(
        core_codes_around_now(TRAY_URI).contains(&pasted),
        "the Wayland clipboard holds {pasted:?}, not core's code"
    );
    session.close().await;
}

/// A session bus (`dbus-daemon`) for a desktop on `sway`, whose services
/// (the desktop portal, started by the bus when first asked) see the
/// compositor. Their output goes to `log`.
struct SessionBus {
    address: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
    _daemon: Started,
}

impl SessionBus {
    fn start(sway: &Sway) -> SessionBus {
        let dir = tempfile::Builder::new()
            .prefix("sparekey-bus-")
            .tempdir()
            .expect("a temporary folder");
        support::private_dir(&dir.path().join("runtime"));
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <standard_session_servicedirs/>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.path().display()
            ),
        )
        .expect("write the bus configuration");
        let log = dir.path().join("bus.log");
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .env("WAYLAND_DISPLAY", &sway.socket)
            .env("XDG_RUNTIME_DIR", dir.path().join("runtime"))
            .env("XDG_CURRENT_DESKTOP", "sway")
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(
                std::fs::File::create(&log).expect("create the bus's log"),
            ))
            .spawn()
            .expect("run dbus-daemon (Debian: apt-get install dbus-daemon)");
        let stdout = daemon.stdout.take().expect("dbus-daemon's output");
        let daemon = Started(daemon);
        let mut address = String::new();
        BufReader::new(stdout)
            .read_line(&mut address)
            .expect("read the bus address");
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "{address:?}");
        SessionBus {
            address,
            log,
            _dir: dir,
            _daemon: daemon,
        }
    }
}

/// Under Wayland no application may read the screen: "Scan the screen"
/// asks the desktop portal for a screenshot. Here the portal runs (the
/// session bus starts xdg-desktop-portal and its wlroots backend) but, as
/// Debian 12's xdg-desktop-portal 1.16 does without a backend that asks
/// the person for permission (GNOME's, KDE's, GTK's), it offers no
/// Screenshot: the app says so, and what to do instead, and stays usable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_wayland_without_a_screenshot_portal_the_scan_says_what_to_do() {
    let sway = match Sway::start() {
        Ok(sway) => sway,
        Err(why) => {
            eprintln!("SKIPPED: the Wayland compositor could not start: {why}");
            return;
        }
    };
    let bus = SessionBus::start(&sway);
    let session = GuiSession::builder()
        .with_vault()
        .env("GDK_BACKEND", "wayland")
        .env("WAYLAND_DISPLAY", sway.socket.display().to_string())
        .env("DISPLAY", "")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        // This bare session has no accessibility bus; GTK would wait for one.
        .env("NO_AT_BRIDGE", "1")
        .start()
        .await;
    session.unlock().await;
    session.click("#add-button").await;
    session.click("#add-scan-screen").await;
    let error = session
        .wait_text("#add-scan-screen-error", |text| !text.is_empty())
        .await;
    assert!(
        error.starts_with("Scanning the screen on Wayland needs the desktop portal's Screenshot")
            && error.contains("choose it above instead")
            && error.contains("No such interface"),
        "{error}"
    );
    let log = std::fs::read_to_string(&bus.log).unwrap_or_default();
    assert!(
        log.contains("Successfully activated service 'org.freedesktop.portal.Desktop'"),
        "the app did not reach the real portal; the bus said:\n{log}"
    );
    // The form is still there to use by hand.
    session.type_into("#add-uri", TRAY_URI).await;
    session.click("#add-uri-submit").await;
    let toast = session
        .wait_text("#toast", |text| text.contains("Added"))
        .await;
    assert!(toast.contains("Tray Co"), "{toast}");
    session.close().await;
}
