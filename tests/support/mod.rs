//! Helpers shared by the GUI tests: start the real `sparekey` binary under
//! `tauri-driver` and drive it through WebDriver.
//!
//! Each [`GuiSession`] has its own `tauri-driver` on its own ports, its own
//! temporary vault folder and its own XDG folders, so tests run in parallel
//! (nextest runs each test in its own process) without sharing anything.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod platform;

pub use platform::private_dir;

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

/// Environment variable naming the `tauri-driver` executable.
pub const TAURI_DRIVER_ENV: &str = "TAURI_DRIVER";
/// The app reads its vault folder from this variable; the app inherits it
/// from `tauri-driver` through `WebKitWebDriver`.
pub const VAULT_DIR_ENV: &str = "SPAREKEY_VAULT_DIR";

/// How long `tauri-driver` and `WebKitWebDriver` may take to listen.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a new session (which launches the app) may take.
const SESSION_TIMEOUT: Duration = Duration::from_secs(30);
/// Default wait for an element or a condition in the page.
/// Generous: a wait ends as soon as its condition holds, and on CI's two
/// cores several app sessions and full-cost scrypt runs share the CPU.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `tauri-driver` executable: `$TAURI_DRIVER`, else the first on `PATH`,
/// else `~/.cargo/bin/tauri-driver`.
pub fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os(TAURI_DRIVER_ENV) {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tauri-driver"))
            .find(|candidate| candidate.is_file())
    });
    if let Some(path) = on_path {
        return path;
    }
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|home| home.join("bin").join("tauri-driver"));
    match in_cargo_home {
        Some(path) if path.is_file() => path,
        _ => panic!(
            "tauri-driver not found: install it with \
             `cargo install tauri-driver --locked --version '^2'` or set {TAURI_DRIVER_ENV}"
        ),
    }
}

/// Fails the test when there is no X display: the app cannot start without
/// one, and a GUI test that silently passes would hide that.
pub fn require_display() {
    let display = std::env::var_os("DISPLAY").filter(|value| !value.is_empty());
    assert!(
        display.is_some(),
        "DISPLAY is not set: the GUI tests need an X server. Run them under \
         `xvfb-run -a -s '-screen 0 1280x800x24 -noreset' cargo test -p sparekey-tests --test gui`, \
         or start `Xvfb :99 -screen 0 1280x800x24 -nolisten tcp -noreset &` and set DISPLAY=:99"
    );
}

/// Two distinct ports that are free right now.
fn free_ports() -> (u16, u16) {
    // Both listeners stay open until both ports are known, so they differ.
    let bind = || {
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|listener| Ok((listener.local_addr()?.port(), listener)))
            .unwrap_or_else(|error| panic!("cannot find a free local port: {error}"))
    };
    let (first, _first_listener) = bind();
    let (second, _second_listener) = bind();
    (first, second)
}

fn accepts_connections(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
}

/// The passphrase of vaults the tests create with the CLI.
pub const PASSPHRASE: &str = "correct horse battery staple";

/// Options for a [`GuiSession`]: extra app arguments and environment.
#[derive(Debug, Default)]
pub struct GuiSessionBuilder {
    args: Vec<String>,
    env: Vec<(String, String)>,
    vault: bool,
    vault_from: Option<PathBuf>,
    application: Option<PathBuf>,
}

impl GuiSessionBuilder {
    /// Passes a command-line argument to the app.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets an environment variable for `tauri-driver`, which the app inherits.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Creates the vault with `sparekey-cli init --work-factor 10` (fast,
    /// test-only strength) and [`PASSPHRASE`] before the app starts, so the
    /// app opens on its unlock screen.
    pub fn with_vault(mut self) -> Self {
        self.vault = true;
        self
    }

    /// Starts the app on a copy of the vault in `dir` (its `identity.age`
    /// and `vault.age`) instead of an empty folder.
    pub fn vault_from(mut self, dir: &Path) -> Self {
        self.vault_from = Some(dir.to_owned());
        self
    }

    /// Launches `program` instead of the built `sparekey` (e.g. a script
    /// that notes the time and then runs it).
    pub fn application(mut self, program: &Path) -> Self {
        self.application = Some(program.to_owned());
        self
    }

    /// Starts `tauri-driver` and the app; fails the test with a clear message
    /// if anything is missing or does not come up in time.
    pub async fn start(self) -> GuiSession {
        require_display();
        let app = self
            .application
            .clone()
            .unwrap_or_else(|| sparekey_tests::bin("sparekey"));
        let driver_path = tauri_driver();
        let home = tempfile::Builder::new()
            .prefix("sparekey-gui-")
            .tempdir()
            .unwrap_or_else(|error| panic!("cannot create a temporary folder: {error}"));
        let vault_dir = home.path().join("vault");
        private_dir(&runtime_dir(home.path()));
        let log_path = home.path().join("tauri-driver.log");
        let passphrase_file = home.path().join("passphrase");
        std::fs::write(&passphrase_file, format!("{PASSPHRASE}\n"))
            .unwrap_or_else(|error| panic!("cannot write the passphrase file: {error}"));
        if let Some(source) = &self.vault_from {
            private_dir(&vault_dir);
            for name in ["identity.age", "vault.age"] {
                std::fs::copy(source.join(name), vault_dir.join(name)).unwrap_or_else(|error| {
                    panic!("cannot copy {name} from {}: {error}", source.display())
                });
            }
        }
        if self.vault {
            run_cli(
                &vault_dir,
                &passphrase_file,
                &["init", "--work-factor", "10"],
                None,
            );
        }

        let (port, native_port) = free_ports();
        let driver = spawn_driver(
            &driver_path,
            port,
            native_port,
            &home,
            &vault_dir,
            &self.env,
        );
        let mut session = GuiSession {
            client: None,
            driver: Some(driver),
            port,
            vault_dir,
            log_path,
            passphrase_file,
            home,
        };
        session.wait_for_driver(native_port);

        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".to_owned(),
            json!({ "application": app, "args": self.args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let connect = builder.connect(&url);
        match tokio::time::timeout(SESSION_TIMEOUT, connect).await {
            Ok(Ok(client)) => session.client = Some(client),
            Ok(Err(error)) => panic!(
                "WebDriver could not start the app {}: {error}\n{}",
                app.display(),
                session.driver_log()
            ),
            Err(_) => panic!(
                "the app {} did not start within {SESSION_TIMEOUT:?}\n{}",
                app.display(),
                session.driver_log()
            ),
        }
        session
    }
}

/// Runs `sparekey-cli --vault DIR --passphrase-file FILE ARGS…`.
fn run_cli(vault_dir: &Path, passphrase_file: &Path, args: &[&str], input: Option<&str>) -> String {
    use std::io::Write;

    let mut command = Command::new(sparekey_tests::bin("sparekey-cli"));
    command
        .arg("--vault")
        .arg(vault_dir)
        .arg("--passphrase-file")
        .arg(passphrase_file)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run sparekey-cli: {error}"));
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text.as_bytes())
            .unwrap_or_else(|error| panic!("cannot write to sparekey-cli: {error}"));
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|error| panic!("sparekey-cli did not finish: {error}"));
    assert!(
        output.status.success(),
        "sparekey-cli {args:?} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The app's environment in a session: everything it writes goes into the
/// session's folder `home`, and its runtime folder (where the app that has
/// a vault open holds its lock and listens for later launches) is private
/// to the session.
fn app_env(home: &Path, vault_dir: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        (VAULT_DIR_ENV, vault_dir.to_owned()),
        ("XDG_DATA_HOME", home.join("data")),
        ("XDG_CONFIG_HOME", home.join("config")),
        ("XDG_CACHE_HOME", home.join("cache")),
        ("XDG_RUNTIME_DIR", runtime_dir(home)),
    ]
}

/// The runtime folder (`XDG_RUNTIME_DIR`) the app gets under `home`; make
/// it with [`private_dir`].
pub fn runtime_dir(home: &Path) -> PathBuf {
    home.join("runtime")
}

fn spawn_driver(
    driver: &Path,
    port: u16,
    native_port: u16,
    home: &TempDir,
    vault_dir: &Path,
    env: &[(String, String)],
) -> Child {
    let log = File::create(home.path().join("tauri-driver.log"))
        .unwrap_or_else(|error| panic!("cannot create the tauri-driver log: {error}"));
    let log_err = log
        .try_clone()
        .unwrap_or_else(|error| panic!("cannot share the tauri-driver log: {error}"));
    let mut command = Command::new(driver);
    command
        .arg("--port")
        .arg(port.to_string())
        .arg("--native-port")
        .arg(native_port.to_string())
        .envs(app_env(home.path(), vault_dir))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err));
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", driver.display()))
}

/// A running app under `tauri-driver`, with a WebDriver client attached.
///
/// Dropping it ends the WebDriver session (which closes the app) and stops
/// `tauri-driver` with SIGTERM. Use a multi-threaded Tokio runtime
/// (`#[tokio::test(flavor = "multi_thread")]`) so the drop can end the
/// session; [`GuiSession::close`] does the same explicitly.
#[derive(Debug)]
pub struct GuiSession {
    client: Option<Client>,
    driver: Option<Child>,
    port: u16,
    vault_dir: PathBuf,
    log_path: PathBuf,
    passphrase_file: PathBuf,
    // Last: removed after the app and the driver are gone.
    home: TempDir,
}

impl GuiSession {
    /// Starts the app with no extra arguments and an empty vault folder.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Options for starting the app.
    pub fn builder() -> GuiSessionBuilder {
        GuiSessionBuilder::default()
    }

    /// The WebDriver client, to find elements, click and type.
    pub fn client(&self) -> &Client {
        match &self.client {
            Some(client) => client,
            None => panic!("the WebDriver session is already closed"),
        }
    }

    /// The vault folder given to the app (`SPAREKEY_VAULT_DIR`); it does not
    /// exist until the app or the test creates it.
    pub fn vault_dir(&self) -> &Path {
        &self.vault_dir
    }

    /// Starts the app again on this session's vault, outside WebDriver, and
    /// waits up to 20 s for it to exit; fails the test if it keeps running.
    pub fn launch_again(&self) -> std::process::Output {
        let mut child = Command::new(sparekey_tests::bin("sparekey"))
            .envs(app_env(self.home.path(), &self.vault_dir))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start the app again: {error}"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while child.try_wait().ok().flatten().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let output = child.wait_with_output().ok();
                panic!(
                    "the second launch kept running; its output: {:?}",
                    output.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
                );
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        child
            .wait_with_output()
            .unwrap_or_else(|error| panic!("cannot read the second launch's output: {error}"))
    }

    /// A scratch folder removed with the session.
    pub fn temp_dir(&self) -> &Path {
        self.home.path()
    }

    /// The `sparekey` process WebDriver started for this session (found by
    /// the vault folder in its environment).
    pub fn app_pid(&self) -> u32 {
        let wanted = format!("{VAULT_DIR_ENV}={}", self.vault_dir.display());
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let is_app = std::fs::read_to_string(entry.path().join("comm"))
                .is_ok_and(|c| c.trim() == "sparekey");
            let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
            if is_app && environ.split(|b| *b == 0).any(|v| v == wanted.as_bytes()) {
                return pid;
            }
        }
        panic!("no sparekey process with {wanted}");
    }

    /// The app's processes (below it, at any depth) whose name begins with
    /// `name`, such as WebKit's `WebKitWebProcess`.
    pub fn app_children(&self, name: &str) -> Vec<u32> {
        let app = self.app_pid();
        // The kernel cuts names to 15 bytes: compare that much.
        let wanted = &name[..name.len().min(15)];
        process_tree(app)
            .into_iter()
            .filter(|&pid| {
                pid != app
                    && std::fs::read_to_string(format!("/proc/{pid}/comm"))
                        .is_ok_and(|comm| comm.trim_end().starts_with(wanted))
            })
            .collect()
    }

    /// Waits for the element matching `css` and returns its text.
    pub async fn text(&self, css: &str) -> String {
        let element = self
            .client()
            .wait()
            .at_most(WAIT_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no element matches `{css}`: {error}"));
        element
            .text()
            .await
            .unwrap_or_else(|error| panic!("cannot read the text of `{css}`: {error}"))
    }

    /// Waits for the element matching `css`.
    pub async fn find(&self, css: &str) -> Element {
        self.client()
            .wait()
            .at_most(WAIT_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| {
                panic!("no element matches `{css}`: {error}\n{}", self.driver_log())
            })
    }

    /// Clicks the element matching `css` (waiting for it first).
    pub async fn click(&self, css: &str) {
        self.find(css).await;
        // As a person would: if something covers it, scroll it into sight
        // first. The page scrolls inside `main` and WebDriver only scrolls
        // the window, so a button low in a long screen is otherwise under
        // the footer. (Found again after: scrolling may re-render.)
        let _ = self
            .client()
            .execute(
                "const el = document.querySelector(arguments[0]);\
                 const r = el.getBoundingClientRect();\
                 const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);\
                 if (!hit || !(hit === el || el.contains(hit))) el.scrollIntoView({block: 'center'});",
                vec![serde_json::json!(css)],
            )
            .await;
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("cannot click `{css}`: {error}"));
    }

    /// How many elements match `css` now.
    pub async fn count(&self, css: &str) -> u64 {
        self.client()
            .execute(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap_or_else(|error| panic!("cannot count `{css}`: {error}"))
            .as_u64()
            .unwrap_or_default()
    }

    /// Types `text` into the element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|error| panic!("cannot type into `{css}`: {error}"));
    }

    /// Waits until the text of the element matching `css` satisfies
    /// `accept`, and returns it; fails with the last text seen.
    pub async fn wait_text(&self, css: &str, accept: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT_TIMEOUT;
        let mut last = String::from("(no such element)");
        loop {
            if let Ok(element) = self.client().find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if accept(&text) {
                        return text;
                    }
                    last = text;
                }
            }
            if Instant::now() > deadline {
                let page = self.page_text().await;
                panic!("`{css}` never showed the expected text; last seen: {last:?}\npage: {page}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text content of the element matching `css` (through the DOM, not
    /// WebDriver's rendered-text rules), once it exists.
    pub async fn dom_text(&self, css: &str) -> String {
        self.find(css).await;
        let text = self
            .client()
            .execute(
                "return document.querySelector(arguments[0]).textContent;",
                vec![json!(css)],
            )
            .await
            .unwrap_or_else(|error| panic!("cannot read `{css}`: {error}"));
        text.as_str().unwrap_or_default().to_owned()
    }

    /// The whole page's text, for failure messages.
    pub async fn page_text(&self) -> String {
        self.client()
            .execute("return document.body.innerText;", vec![])
            .await
            .map(|value| value.as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|error| format!("(cannot read the page: {error})"))
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT_TIMEOUT;
        while self.client().find(Locator::Css(css)).await.is_ok() {
            assert!(Instant::now() < deadline, "`{css}` is still there");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Resizes the window to `width` × `height` and waits until the page
    /// has that width and has laid itself out again.
    pub async fn set_size(&self, width: u32, height: u32) {
        self.client()
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|error| panic!("cannot resize the window: {error}"));
        let deadline = Instant::now() + WAIT_TIMEOUT;
        loop {
            let seen = self
                .client()
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await
                .unwrap_or_else(|error| panic!("cannot read the window's size: {error}"));
            if seen == json!([width, height]) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the window never became {width}×{height}: {seen}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.frames().await;
    }

    /// Waits for two animation frames: what the page just changed is laid
    /// out and drawn.
    pub async fn frames(&self) {
        self.client()
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("the page drew no frame: {error}"));
    }

    /// The window's content as PNG. WebKitWebDriver waits for the page's
    /// next drawing before it answers, and a page that is not changing
    /// draws nothing: a repaint is asked for once the request is out.
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client()
            .execute(
                "setTimeout(() => {\
                   const footer = document.querySelector('.app-footer');\
                   footer.style.outline = '1px solid transparent';\
                   requestAnimationFrame(() => requestAnimationFrame(() => { footer.style.outline = ''; }));\
                 }, 150);",
                vec![],
            )
            .await
            .unwrap_or_else(|error| panic!("cannot ask for a repaint: {error}"));
        match tokio::time::timeout(WAIT_TIMEOUT, self.client().screenshot()).await {
            Ok(Ok(png)) => png,
            Ok(Err(error)) => panic!("cannot take a screenshot: {error}"),
            Err(_) => panic!("no screenshot within {WAIT_TIMEOUT:?}"),
        }
    }

    /// Gives the app's window the keyboard focus (with `xdotool`: there is
    /// no window manager under Xvfb, and the window of another test may
    /// have it), and waits until the page knows. Returns false if the page
    /// never reported focus; whatever checks `:focus` must then try again.
    pub async fn focus_window(&self) -> bool {
        let pid = self.app_pid().to_string();
        let found = Command::new("xdotool")
            .args([
                "search",
                "--onlyvisible",
                "--pid",
                &pid,
                "--name",
                "^Sparekey$",
            ])
            .output()
            .unwrap_or_else(|error| {
                panic!("cannot run xdotool (Debian: apt-get install xdotool): {error}")
            });
        for window in String::from_utf8_lossy(&found.stdout).split_whitespace() {
            let _ = Command::new("xdotool")
                .args(["windowfocus", "--sync", window])
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let focused = self
                .client()
                .execute("return document.hasFocus();", vec![])
                .await
                .unwrap_or_else(|error| panic!("cannot ask the page for focus: {error}"));
            if focused == json!(true) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// The accessible name WebKit computes for `element` (what a screen
    /// reader says), through WebDriver's "Get Computed Label".
    pub async fn computed_label(&self, element: &str) -> String {
        let value = self
            .client()
            .issue_cmd(ComputedLabel(element.to_owned()))
            .await
            .unwrap_or_else(|error| panic!("cannot read the accessible name: {error}"));
        let value = value.get("value").cloned().unwrap_or(value);
        value.as_str().unwrap_or_default().to_owned()
    }

    /// Unlocks the vault through the unlock screen with [`PASSPHRASE`] and
    /// waits for the account list.
    pub async fn unlock(&self) {
        self.type_into("#passphrase", PASSPHRASE).await;
        self.click("#unlock").await;
        self.find("#search").await;
    }

    /// Runs `sparekey-cli` on this session's vault with [`PASSPHRASE`];
    /// panics with its output if it fails. Returns standard output.
    pub fn cli(&self, args: &[&str]) -> String {
        run_cli(&self.vault_dir, &self.passphrase_file, args, None)
    }

    /// Like [`GuiSession::cli`], with `input` on standard input.
    pub fn cli_with_input(&self, args: &[&str], input: &str) -> String {
        run_cli(&self.vault_dir, &self.passphrase_file, args, Some(input))
    }

    /// What `tauri-driver`, `WebKitWebDriver` and the app printed so far.
    pub fn driver_log(&self) -> String {
        match std::fs::read_to_string(&self.log_path) {
            Ok(log) if log.trim().is_empty() => "(tauri-driver printed nothing)".to_owned(),
            Ok(log) => format!("tauri-driver output:\n{log}"),
            Err(error) => format!("(cannot read the tauri-driver log: {error})"),
        }
    }

    /// Ends the WebDriver session (closing the app) and stops `tauri-driver`.
    pub async fn close(mut self) {
        if let Some(client) = self.client.take() {
            // The app may already be gone; stopping the driver still cleans up.
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
        self.stop_driver();
    }

    fn wait_for_driver(&mut self, native_port: u16) {
        let deadline = Instant::now() + DRIVER_START_TIMEOUT;
        loop {
            if let Some(driver) = self.driver.as_mut() {
                if let Ok(Some(status)) = driver.try_wait() {
                    panic!(
                        "tauri-driver exited early ({status}); is WebKitWebDriver installed \
                         (Debian: webkit2gtk-driver)?\n{}",
                        self.driver_log()
                    );
                }
            }
            if accepts_connections(self.port) && accepts_connections(native_port) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on ports {} and {native_port} within \
                 {DRIVER_START_TIMEOUT:?}\n{}",
                self.port,
                self.driver_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, not SIGKILL: on SIGTERM tauri-driver also stops
    /// WebKitWebDriver, which SIGKILL would leave running with its port.
    fn stop_driver(&mut self) {
        let Some(mut driver) = self.driver.take() else {
            return;
        };
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        if platform::ask_to_stop(&driver) {
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = driver.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            eprintln!("tauri-driver ignored SIGTERM for 10 s; killing it");
        }
        // Last resort, so a stuck driver does not outlive the test run.
        let _ = driver.kill();
        let _ = driver.wait();
    }
}

impl Drop for GuiSession {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Closing the session is async; it needs a multi-threaded runtime
            // to block on from here. Otherwise stopping the driver has to do.
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread {
                    tokio::task::block_in_place(|| {
                        let _ = handle.block_on(tokio::time::timeout(
                            Duration::from_secs(10),
                            client.close(),
                        ));
                    });
                }
            }
        }
        self.stop_driver();
    }
}

/// WebDriver's "Get Computed Label" for an element id (as a script returns
/// elements: `{"element-6066-…": id}`), which fantoccini does not wrap.
#[derive(Debug)]
struct ComputedLabel(String);

impl fantoccini::wd::WebDriverCompatibleCommand for ComputedLabel {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!(
            "session/{session}/element/{}/computedlabel",
            self.0
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::GET, None)
    }
}

/// The id of an element a script returned (`{"element-6066-…": id}`).
pub fn element_id(value: &serde_json::Value) -> String {
    value
        .as_object()
        .and_then(|o| o.values().next())
        .and_then(|v| v.as_str())
        .unwrap_or_else(|| panic!("not an element: {value}"))
        .to_owned()
}

/// `pid` and every process below it.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut parents: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
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
    parents.keys().copied().filter(|&p| in_tree(p)).collect()
}
