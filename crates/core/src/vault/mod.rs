//! The vault: an age-encrypted document in a folder, as ARCHITECTURE.md describes.
//!
//! - [`document`]: the JSON schema, its version and migrations.
//! - [`crypto`]: age encryption of `identity.age` and `vault.age`.
//! - [`store`]: the folder on disk, transactional updates, lock and backups.
//! - [`sync`]: merging the conflict copies sync tools leave beside the vault.
//! - [`peek`]: a read-only look at one account's code, without a full open.

pub mod crypto;
pub mod document;
pub mod peek;
pub mod store;
pub mod sync;

pub use document::{Document, DuplicateIndex, EmergencyKit, Settings};
pub use store::{KitKey, Vault, VaultKey, VaultPaths};
