//! The vault: an age-encrypted document in a folder, as ARCHITECTURE.md describes.
//!
//! - [`document`]: the JSON schema, its version and migrations.
//! - [`crypto`]: age encryption of `identity.age` and `vault.age`.
//! - [`store`]: the unlocked [`Vault`]: open, transactional updates, saves,
//!   merging conflict copies. Split by concern into private modules:
//!   `keys` (passphrase and kit operations, re-encrypting every copy),
//!   `backups` (`backups/`: write, prune, list, restore), `auto_backup` (the
//!   claimed backup folder), `lock` (the writers' lock), `files` (capped
//!   reads, temp files, fsync) and `paths` (where each file lives).
//! - [`sync`]: merging the conflict copies sync tools leave beside the vault.
//! - [`peek`]: a read-only look at one account's code, without a full open.

mod auto_backup;
mod backups;
pub mod crypto;
pub mod document;
mod files;
mod keys;
#[cfg(test)]
mod lifecycle;
mod lock;
mod paths;
pub mod peek;
pub mod store;
pub mod sync;

pub use document::{Document, DuplicateIndex, EmergencyKit, Settings};
pub use store::{KitKey, Vault, VaultKey, VaultPaths};
