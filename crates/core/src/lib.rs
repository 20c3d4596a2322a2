//! # sparekey-core
//!
//! The whole domain of Sparekey, a vault for the things that get you back
//! into an account: 2FA secrets and recovery codes, encrypted with age.
//! Front ends (the `sparekey-cli` binary and the Tauri desktop shell) only
//! translate between a person and this crate; every rule lives here, once.
//!
//! - [`app`]: the use cases every front end calls (start here).
//! - [`vault`]: the encrypted folder on disk and its document.
//! - [`account`]: accounts and how a typed query finds one.
//! - [`list`]: the account list as front ends show it: searched, sorted, paged.
//! - [`otp`]: TOTP/HOTP/Steam codes and otpauth URIs.
//! - [`qr`]: reading QR codes from screenshots and photos, drawing them as SVG/PNG.
//! - [`recovery`]: recovery-code sets and the parser for pasted codes.
//! - [`secret`]: types that zeroize and never print their content.
//! - [`guides`]: prevent/recover guides (embedded data) and progress per account.
//! - [`health`]: lockout-risk findings across the vault.
//! - [`ways`]: each account's ways back in, their single points of failure, the recovery graph.
//! - [`export`]: otpauth lists, Aegis JSON, QR pages, encrypted backups, recovery sheets.
//! - [`import`]: reading other authenticators' exports, as a preview first.
//! - [`clock`]: whether the system clock is synchronized (TOTP depends on it).
//! - [`fs`]: private files (mode 0600, never overwritten, never half-written).
//! - [`time`]: Unix time and how dates are written.
//!
//! ```
//! use sparekey_core::{otp, secret::SecretString, vault::Vault, account::Account};
//! # let dir = tempfile::tempdir().unwrap();
//! let pass = SecretString::from("correct horse battery staple".to_owned());
//! let mut vault = Vault::create(dir.path(), &pass, Some(10))?;
//! let parsed = otp::parse_uri("otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI")?;
//! vault.update(|doc| {
//!     doc.accounts.push(Account::new("PyPI", &parsed.name, Some(parsed.otp), 0)?);
//!     Ok(())
//! })?;
//! let again = Vault::unlock(dir.path(), &pass)?;
//! assert_eq!(again.doc().accounts[0].label(), "PyPI:alice");
//! # Ok::<(), sparekey_core::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod account;
pub mod app;
pub mod clock;
pub mod error;
pub mod export;
pub mod fs;
pub mod guides;
pub mod health;
pub mod import;
pub mod list;
pub mod otp;
mod platform;
pub mod qr;
pub mod recovery;
pub mod secret;
pub mod time;
pub mod vault;
pub mod ways;

pub use error::{Error, Result};
