//! The black-box tests of Sparekey's shipped binaries, in one test binary
//! (one link, one process per test under nextest):
//!
//! - `cli`: the `sparekey-cli` binary as real processes, against the `age`
//!   and `oathtool` reference tools;
//! - `gui`, `gui_guides`, `gui_transfer`, `gui_ways`: the `sparekey` app driven through
//!   WebDriver (`tauri-driver` + `WebKitWebDriver`) under a display;
//! - `gui_desktop`: the app among other windows: scanning the screen for a
//!   QR code, the tray, and running under a Wayland compositor;
//! - `security`: properties of the source tree and the shipped binaries;
//! - `bundle`: the icons and settings every system's bundle needs;
//! - `support`: the WebDriver session and helpers the GUI tests share.
//!
//! What every suite needs, finding the built binaries, is the crate's
//! library (`lib.rs`). `bench_app.rs` is not here: it is the desktop
//! benchmark `scripts/bench` runs.

mod bundle;
mod cli;
mod gui;
mod gui_desktop;
mod gui_guides;
mod gui_screens;
mod gui_transfer;
mod gui_ways;
mod security;
mod support;
