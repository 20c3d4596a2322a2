//! Sparekey's desktop binary: everything lives in the `sparekey_app` library.

// Without this a release build on Windows would also open a console window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    sparekey_app::run();
}
