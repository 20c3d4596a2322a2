//! Vault folders in Syncthing, Nextcloud or Dropbox, opened on two machines.
//!
//! Every change Sparekey makes is saved at once, so a replica that is
//! *replaced* on disk by the sync tool loses nothing: the store re-reads it.
//! The dangerous case is both replicas changing while apart: the sync tool
//! then keeps one `vault.age` and writes the other as a *conflict copy*
//! beside it. This module finds those copies and merges two documents by
//! account, never by last writer:
//!
//! - an account on one side only was added there, unless the other side
//!   deleted it after its last change (deletions leave a tombstone);
//! - an account on both sides takes the newer edit's issuer, name, note and
//!   tags and pin; the ways back in recorded later, whole; an HOTP counter takes the larger value, so no code is ever used
//!   twice; recovery codes keep the newer set and the union of `used` marks;
//! - guide checks and tombstones are unions; the newer backup time wins.
//!
//! Key material is never merged. Who the vault is encrypted to (its own key,
//! the emergency kit, extra recipients) changes only through this replica's
//! own key operations: age does not authenticate senders, so anyone who
//! knows the vault's public key can write a "conflict copy", and a merged
//! recipient would read every later save. A copy whose keys differ is merged
//! for its accounts and named in [`MergeReport::keys_ignored`].

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::document::{Document, Tombstone};
use crate::{account::Account, otp::OtpKind};

/// What a merge did, for the person to read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Conflict copies merged (file names).
    pub merged_files: Vec<String>,
    /// Conflict copies that could not be read, with why (left in place).
    pub unreadable: Vec<String>,
    /// Accounts that came from the other replica.
    pub added: Vec<String>,
    /// Accounts that the other replica deleted.
    pub removed: Vec<String>,
    /// Accounts changed on both sides and combined.
    pub combined: Vec<String>,
    /// Conflict copies whose keys (own recipient, emergency kit, extra
    /// recipients) differ from this vault's: those were left out. Either the
    /// other machine changed a key while apart (redo it here), or someone
    /// planted the copy.
    pub keys_ignored: Vec<String>,
}

impl MergeReport {
    /// True when nothing was merged or found.
    pub fn is_empty(&self) -> bool {
        self.merged_files.is_empty() && self.unreadable.is_empty()
    }
}

/// True for a file a sync tool wrote beside `vault.age` when both replicas
/// changed: Syncthing's `vault.sync-conflict-<date>-<time>-<device>.age`,
/// Dropbox's `vault (Alice's conflicted copy 2026-11-23).age` and
/// Nextcloud's `vault (conflicted copy 2026-11-23 101500).age`.
pub fn is_conflict_copy(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".age") else {
        return false;
    };
    (stem.starts_with("vault.sync-conflict-"))
        || (stem.starts_with("vault (") && stem.contains("conflicted copy") && stem.ends_with(')'))
}

/// The conflict copies of `vault.age` in the vault folder, oldest name first.
pub fn conflict_copies(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| is_conflict_copy(&e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Merges `theirs` into `ours` (see the module docs for the rules).
pub fn merge(ours: &mut Document, theirs: &Document, report: &mut MergeReport) {
    let deleted_here = |id: &str, ours: &Document| {
        ours.deleted
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.deleted_at)
    };
    // Accounts on their side.
    for t in &theirs.accounts {
        match ours.accounts.iter_mut().find(|o| o.id == t.id) {
            Some(o) => {
                if merge_account(o, t) {
                    report.combined.push(o.label());
                }
            }
            None => match deleted_here(&t.id, ours) {
                Some(at) if at >= t.updated_at => {}
                _ => {
                    ours.deleted.retain(|d| d.id != t.id);
                    ours.accounts.push(t.clone());
                    report.added.push(t.label());
                }
            },
        }
    }
    // Accounts only on our side that they deleted after our last change.
    let their_ids: std::collections::HashSet<&str> =
        theirs.accounts.iter().map(|a| a.id.as_str()).collect();
    let mut removed = Vec::new();
    ours.accounts.retain(|o| {
        if their_ids.contains(o.id.as_str()) {
            return true;
        }
        let gone = theirs
            .deleted
            .iter()
            .any(|d| d.id == o.id && d.deleted_at >= o.updated_at);
        if gone {
            removed.push(o.label());
        }
        !gone
    });
    report.removed.extend(removed);
    // Tombstones: union, the later time.
    for d in &theirs.deleted {
        match ours.deleted.iter_mut().find(|o| o.id == d.id) {
            Some(o) => o.deleted_at = o.deleted_at.max(d.deleted_at),
            None if !ours.accounts.iter().any(|a| a.id == d.id) => ours.deleted.push(Tombstone {
                id: d.id.clone(),
                deleted_at: d.deleted_at,
            }),
            None => {}
        }
    }
    // Guide checks: union; the later check of a step wins.
    for c in &theirs.guide_checks {
        if !ours.accounts.iter().any(|a| a.id == c.account_id) {
            continue;
        }
        match ours.guide_checks.iter_mut().find(|o| {
            o.guide_id == c.guide_id && o.step_id == c.step_id && o.account_id == c.account_id
        }) {
            Some(o) if o.done_at < c.done_at => *o = c.clone(),
            Some(_) => {}
            None => ours.guide_checks.push(c.clone()),
        }
    }
    ours.last_backup_export_at = ours.last_backup_export_at.max(theirs.last_backup_export_at);
}

/// True when `theirs` names other keys than `ours`: another own recipient,
/// another emergency kit, or other extra recipients. Such keys are never
/// merged (see the module docs).
pub fn keys_differ(ours: &Document, theirs: &Document) -> bool {
    let kit = |d: &Document| d.emergency_kit.as_ref().map(|k| k.recipient.clone());
    let mut our_extra = ours.extra_recipients.clone();
    let mut their_extra = theirs.extra_recipients.clone();
    our_extra.sort();
    their_extra.sort();
    ours.own_recipient != theirs.own_recipient
        || kit(ours) != kit(theirs)
        || our_extra != their_extra
}

/// Combines one account changed on both sides; true if anything of theirs
/// was taken.
fn merge_account(ours: &mut Account, theirs: &Account) -> bool {
    let before = crate::secret::to_json(&*ours);
    if theirs.updated_at > ours.updated_at {
        ours.issuer.clone_from(&theirs.issuer);
        ours.name.clone_from(&theirs.name);
        ours.note.clone_from(&theirs.note);
        ours.tags.clone_from(&theirs.tags);
        ours.pinned = theirs.pinned;
        if theirs.otp.as_ref().map(|o| o.secret()) != ours.otp.as_ref().map(|o| o.secret()) {
            ours.otp.clone_from(&theirs.otp);
        }
    }
    // Ways back in: the inventory recorded later, whole (its entries refer
    // to each other: a check date belongs to the factor it was made on).
    if theirs.ways.reviewed_at > ours.ways.reviewed_at {
        ours.ways.clone_from(&theirs.ways);
    }
    // HOTP: the larger counter, so a code taken on either side is never reused.
    if let (Some(o), Some(t)) = (&ours.otp, &theirs.otp) {
        if let (OtpKind::Hotp { counter: oc }, OtpKind::Hotp { counter: tc }) = (o.kind(), t.kind())
        {
            if tc > oc && o.secret() == t.secret() {
                ours.otp.clone_from(&theirs.otp);
            }
        }
    }
    // Recovery codes: the newer set, with every `used` mark from both.
    let same_set = ours.recovery.codes().len() == theirs.recovery.codes().len()
        && ours
            .recovery
            .codes()
            .iter()
            .zip(theirs.recovery.codes())
            .all(|(a, b)| a.code() == b.code());
    if !same_set && theirs.recovery.updated_at() > ours.recovery.updated_at() {
        let mine = ours.recovery.clone();
        ours.recovery = theirs.recovery.clone();
        ours.recovery.merge_used_from(&mine);
    } else {
        ours.recovery.merge_used_from(&theirs.recovery);
    }
    ours.updated_at = ours.updated_at.max(theirs.updated_at);
    *before != *crate::secret::to_json(&*ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_copy_names_of_each_sync_tool() {
        for name in [
            "vault.sync-conflict-20261123-230301-ABCDEFG.age",
            "vault (Alice's conflicted copy 2026-11-23).age",
            "vault (conflicted copy 2026-11-23 101500).age",
        ] {
            assert!(is_conflict_copy(name), "{name}");
        }
        for name in [
            "vault.age",
            "identity.sync-conflict-20261123-230301-ABCDEFG.age",
            "vault.sync-conflict-1.age.tmp",
            "notes (conflicted copy).age",
        ] {
            assert!(!is_conflict_copy(name), "{name}");
        }
    }
}
