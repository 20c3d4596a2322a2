//! The use cases: what a person can do with Sparekey, written once for every
//! front end. A desktop command is a one-line call into this module; a CLI
//! command is parse → call → print.
//!
//! Each area has its module, with request and response types that
//! serialize (responses never hold a secret unless their name says so, e.g.
//! [`kit::NewKit`] or [`recovery::UsedCode`]):
//!
//! - [`session`]: create, open (passphrase or emergency kit), change the
//!   passphrase; the passphrase rule.
//! - [`accounts`]: add (typed, URI, QR image), list, edit, delete, codes.
//! - [`recovery`]: recovery-code sets: save, view, use, undo.
//! - [`kit`]: the emergency kit: make, verify, the kit file.
//! - [`backups`]: the vault's own earlier versions, automatic backups.
//! - [`guides`]: guides, health, the clock, the recovery request.
//! - [`transfer`]: exports, exported backups, imports.
//! - [`ways`]: an account's ways back in, checking a second copy, the
//!   recovery graph.
//!
//! Errors are [`crate::Error`]: a kind and the facts. What to do about one
//! (a command to type, a button to press) is each front end's to say.

pub mod accounts;
pub mod backups;
pub mod guides;
pub mod kit;
pub mod recovery;
pub mod session;
pub mod transfer;
pub mod ways;
