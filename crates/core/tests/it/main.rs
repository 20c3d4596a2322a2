//! sparekey-core's integration tests, one binary: each module tests one
//! area through the crate's public API, against real peers where they run
//! here (`age`, `oathtool`, `qrencode`, `zbarimg`).
//!
//! - `vault`: the encrypted folder, saves, damage, concurrency, the kit;
//! - `sync`: conflict copies from sync folders, merged;
//! - `import`: every importer on real-shape fixtures, and exports back;
//! - `guides`: the guides' data and what they evaluate to;
//! - `otp_oathtool`: codes equal `oathtool`'s;
//! - `qr_peers`: QR images made and read by the reference tools;
//! - `hostile_input`: property tests of every parser against hostile input;
//! - `platform`: the tests only some systems can run (a full disk and a
//!   read-only folder as tmpfs mounts, on Linux).

mod guides;
mod hostile_input;
mod import;
mod otp_oathtool;
mod platform;
mod qr_peers;
mod sync;
mod vault;
