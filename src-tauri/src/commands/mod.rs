//! The commands the web UI may call, one file per area, each command a thin
//! translation of a use case in `sparekey_core::app`.
//!
//! Every command here must also be listed in `build.rs` (which generates its
//! `allow-…` permission) and granted in `capabilities/default.json`.
//!
//! What crosses IPC: account summaries and live codes. A secret, a QR code of
//! a secret or a recovery code crosses only on an explicit reveal
//! ([`accounts::reveal_secret`], [`accounts::account_qr`],
//! [`recovery::recovery_list`] with `reveal`, [`kit::kit_create`]). Copying
//! happens in Rust ([`accounts::copy_code`], [`recovery::recovery_use_next`]),
//! so the page never receives a code just to copy it.

pub mod accounts;
pub mod auto_backup;
pub mod backups;
pub mod guides;
pub mod health;
pub mod kit;
pub mod recovery;
pub mod session;
pub mod settings;
pub mod transfer;
pub mod ways;

pub use session::trace_startup;
