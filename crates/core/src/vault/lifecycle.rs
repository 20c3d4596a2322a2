//! The safety net as one model-based test: random sequences of what a
//! person does to a vault (accounts, recovery codes, kits, passphrases, a
//! reset with the kit, restores, automatic backups, conflict copies from
//! honest, stale and hostile replicas), each possibly hit by a failed write
//! or a crash at a random file operation, checked after every step against
//! what must always hold:
//!
//! - the current passphrase and the current kit open `vault.age` and every
//!   copy the vault owns (`backups/`, the automatic-backup folder);
//! - once no key change is pending, a replaced kit, an old vault key or an
//!   old passphrase opens nothing the vault owns, and a pending change is
//!   finished by the next change that meets no failure;
//! - a key nobody added (a planted conflict copy's) never opens anything;
//! - no account or used recovery code is lost (except by a restore, which
//!   puts an older version back on purpose).
//!
//! Failures are injected through `crate::fs::faults`, which every write,
//! rename, link and delete of core passes: "fail once" runs the code's error
//! paths, "crash" fails every operation from one on, as if the process died
//! there. It is a unit test because the switch exists only in core's own
//! test build.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use age::x25519;
use proptest::prelude::*;

use super::{
    crypto,
    document::{Document, EmergencyKit},
    store::{Vault, VaultKey, BACKUP_CLAIM_FILE},
};
use crate::{
    app,
    fs::faults::{self, Plan},
    secret::SecretString,
};

/// A cheap scrypt cost: the test opens the vault hundreds of times.
const WORK_FACTOR: Option<u8> = Some(10);
const SECRET: &str = "JBSWY3DPEHPK3PXP";
const CODES: &str = "aaaa1-bbbb1\ncccc2-dddd2\neeee3-ffff3\ngggg4-hhhh4\n";

#[derive(Clone, Copy, Debug)]
enum Replica {
    /// Another machine, up to date: encrypted to the vault's keys.
    Honest,
    /// Another machine that missed the last kit change: its document names
    /// the replaced kit, and it is encrypted to it.
    Stale,
    /// Someone who knows the vault's public key: their key as a recipient
    /// and as the "kit".
    Planted,
}

#[derive(Clone, Debug)]
enum Op {
    Add,
    /// Save recovery codes for an account that has none, or use one.
    UseCode,
    /// Make a kit (or replace it), written to a file first.
    Kit,
    Passwd,
    /// Open with the kit and set a new passphrase (a fresh vault key).
    KitReset,
    /// Put the newest backup back.
    Restore,
    /// Automatic backups off (0) or to folder 1 or 2.
    AutoBackup(u8),
    /// A sync tool leaves a conflict copy; the next change merges it.
    Conflict(Replica),
}

#[derive(Clone, Debug)]
struct Step {
    op: Op,
    fault: Option<Plan>,
}

fn step() -> impl Strategy<Value = Step> {
    let replica = prop_oneof![
        Just(Replica::Honest),
        Just(Replica::Stale),
        Just(Replica::Planted)
    ];
    let op = prop_oneof![
        3 => Just(Op::Add),
        2 => Just(Op::UseCode),
        4 => Just(Op::Kit),
        2 => Just(Op::Passwd),
        3 => Just(Op::KitReset),
        2 => Just(Op::Restore),
        3 => (0u8..3).prop_map(Op::AutoBackup),
        3 => replica.prop_map(Op::Conflict),
    ];
    let fault = prop_oneof![
        2 => Just(None),
        3 => (0u32..24, any::<bool>()).prop_map(|(after, crash)| Some(Plan { after, crash })),
    ];
    (op, fault).prop_map(|(op, fault)| Step { op, fault })
}

fn pass(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// What the person knows and holds, and what the vault must honour.
struct World {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    folders: [PathBuf; 2],
    kits: PathBuf,
    passphrase: String,
    /// Passphrases replaced, or chosen but never put in force.
    old_passphrases: Vec<String>,
    /// The current kit's file text.
    kit: Option<String>,
    /// Keys that must open nothing once no key change is pending: replaced
    /// kits, replaced vault keys, kits that never came into force.
    retired: Vec<(String, x25519::Identity)>,
    attacker: x25519::Identity,
    /// Every account seen, with its used recovery codes.
    accounts: BTreeMap<String, usize>,
    serial: u32,
    /// What `faults::left` said when the last armed step ended.
    ops_left: Option<u32>,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        let folders = [tmp.path().join("usb1"), tmp.path().join("usb2")];
        let kits = tmp.path().join("kits");
        for d in folders.iter().chain([&kits]) {
            fs::create_dir_all(d).unwrap();
        }
        let passphrase = "the first passphrase".to_owned();
        Vault::create(&dir, &pass(&passphrase), WORK_FACTOR).unwrap();
        World {
            _tmp: tmp,
            dir,
            folders,
            kits,
            passphrase,
            old_passphrases: Vec::new(),
            kit: None,
            retired: Vec::new(),
            attacker: x25519::Identity::generate(),
            accounts: BTreeMap::new(),
            serial: 0,
            ops_left: None,
        }
    }

    fn next(&mut self) -> u32 {
        self.serial += 1;
        self.serial
    }

    /// Opens with a passphrase; every step starts from a fresh process.
    fn open_with(&self, passphrase: &str) -> crate::Result<Vault> {
        Vault::unlock(&self.dir, &pass(passphrase))
    }

    fn open(&self) -> Vault {
        self.open_with(&self.passphrase)
            .expect("the current passphrase opens the vault")
    }

    fn run(&mut self, step: &Step) {
        let before: BTreeMap<String, usize> = used_by_account(self.open().doc());
        let (result, tripped, write) = match &step.op {
            Op::Conflict(replica) => {
                self.plant(*replica);
                let mut v = self.open();
                self.armed(step.fault, |_| v.update(|_| Ok(())).map(drop))
            }
            Op::Kit => self.make_kit(step.fault),
            Op::Passwd => self.passwd(step.fault),
            Op::KitReset => match self.kit.clone() {
                Some(kit) => self.reset(step.fault, &kit),
                None => (Ok(()), false, false),
            },
            Op::Restore => {
                let paths = super::store::VaultPaths::new(&self.dir);
                let phrase = pass(&self.passphrase);
                let (r, t, _) = self.armed(step.fault, |_| {
                    app::backups::restore(&paths, &phrase, app::backups::BackupChoice::Newest)
                        .map(drop)
                });
                (r, t, false)
            }
            op => {
                let mut v = self.open();
                let n = self.next();
                let folders = self.folders.clone();
                // Using a code with no account to use it on changes nothing.
                let idle = matches!(op, Op::UseCode)
                    && !v
                        .doc()
                        .accounts
                        .iter()
                        .any(|a| a.recovery.is_empty() || a.recovery.unused_count() > 0);
                let (r, t, _) = self.armed(step.fault, |_| change(&mut v, op, n, &folders));
                (r, t, !idle)
            }
        };
        self.check(step, &before, &result, tripped, write);
    }

    /// Runs `f` with `fault` armed; returns its result, whether a failure
    /// was injected, and that the step was a change.
    fn armed(
        &mut self,
        fault: Option<Plan>,
        f: impl FnOnce(&mut Self) -> crate::Result<()>,
    ) -> (crate::Result<()>, bool, bool) {
        if let Some(plan) = fault {
            faults::arm(plan);
        }
        let result = f(self);
        self.ops_left = faults::left();
        (result, faults::disarm(), true)
    }

    fn plant(&mut self, replica: Replica) {
        let v = self.open();
        let mut theirs = v.doc().clone();
        let n = self.next();
        let (account, _) =
            app::accounts::build(&new_account("Replica", format!("r{n}")), 1).unwrap();
        theirs.accounts.push(account);
        let own: x25519::Recipient = theirs.own_recipient.parse().unwrap();
        let mut to = vec![own];
        match replica {
            Replica::Honest => {
                if let Some(kit) = &theirs.emergency_kit {
                    to.push(kit.recipient.parse().unwrap());
                }
            }
            Replica::Stale => {
                let old = self
                    .retired
                    .iter()
                    .rev()
                    .find(|(what, _)| what.starts_with("kit"))
                    .map(|(_, key)| key.to_public())
                    .unwrap_or_else(|| x25519::Identity::generate().to_public());
                theirs.emergency_kit = Some(EmergencyKit {
                    recipient: old.to_string(),
                    created_at: 1,
                    verified_at: None,
                });
                to.push(old);
            }
            Replica::Planted => {
                let evil = self.attacker.to_public();
                theirs.extra_recipients.push(evil.to_string());
                theirs.emergency_kit = Some(EmergencyKit {
                    recipient: evil.to_string(),
                    created_at: i64::MAX / 2,
                    verified_at: None,
                });
                to.push(evil);
            }
        }
        let bytes = crypto::encrypt_to(&theirs.to_json(), &to).unwrap();
        let name = format!("vault.sync-conflict-20261203-1200{n:02}-ABCDEFG.age");
        fs::write(self.dir.join(name), bytes).unwrap();
    }

    fn make_kit(&mut self, fault: Option<Plan>) -> (crate::Result<()>, bool, bool) {
        let mut v = self.open();
        let change = if v.doc().emergency_kit.is_some() {
            app::kit::KitChange::Replace
        } else {
            app::kit::KitChange::New
        };
        let n = self.next();
        let file = self.kits.join(format!("kit-{n}.txt"));
        let (result, tripped, _) = self.armed(fault, |_| {
            app::kit::create_file(&mut v, change, &file).map(drop)
        });
        drop(v);
        // Which kit is in force: the vault says; the person has it only if
        // it was written where they asked before the vault depended on it.
        let in_force = self
            .open()
            .doc()
            .emergency_kit
            .as_ref()
            .map(|k| k.recipient.clone());
        let written = fs::read_to_string(&file).ok();
        let new_key = written.as_deref().map(key_of);
        match (&new_key, &in_force) {
            (Some(key), Some(r)) if key.to_public().to_string() == *r => {
                if let Some(old) = self.kit.replace(written.unwrap()) {
                    self.retired.push(("kit (replaced)".into(), key_of(&old)));
                }
            }
            _ => {
                let current = self
                    .kit
                    .as_deref()
                    .map(|k| key_of(k).to_public().to_string());
                assert_eq!(
                    in_force, current,
                    "the vault depends on a kit the person does not have (result: {result:?})"
                );
                if let Some(key) = new_key {
                    self.retired.push(("kit (never in force)".into(), key));
                }
            }
        }
        if result.is_ok() {
            assert!(
                self.kit
                    .as_deref()
                    .is_some_and(|k| Some(k) == fs::read_to_string(&file).ok().as_deref()),
                "a kit made without error is the one in force"
            );
        }
        (result, tripped, true)
    }

    fn passwd(&mut self, fault: Option<Plan>) -> (crate::Result<()>, bool, bool) {
        let mut v = self.open();
        let new = format!("passphrase number {}", self.next());
        let (result, tripped, _) = self.armed(fault, |_| {
            app::session::change_passphrase(&mut v, &pass(&new), WORK_FACTOR)
        });
        drop(v);
        self.settle_passphrase(new, &result);
        (result, tripped, true)
    }

    fn reset(&mut self, fault: Option<Plan>, kit: &str) -> (crate::Result<()>, bool, bool) {
        let old_key = own_key(&self.dir, &self.passphrase);
        let mut v = Vault::open(&self.dir, VaultKey::from_kit(&pass(kit)).unwrap())
            .expect("the current kit opens the vault");
        assert!(v.opened_with_kit());
        let new = format!("passphrase number {}", self.next());
        let (result, tripped, _) = self.armed(fault, |_| {
            app::session::change_passphrase(&mut v, &pass(&new), WORK_FACTOR)
        });
        drop(v);
        if self.settle_passphrase(new, &result) {
            self.retired.push(("vault key (reset)".into(), old_key));
        }
        (result, tripped, true)
    }

    /// After a passphrase change: exactly one of the old and the new
    /// passphrase opens the vault. Returns whether the new one does.
    fn settle_passphrase(&mut self, new: String, result: &crate::Result<()>) -> bool {
        let new_works = self.open_with(&new).is_ok();
        let old_works = self.open_with(&self.passphrase).is_ok();
        assert!(
            new_works != old_works,
            "after a passphrase change ({result:?}) the old opens: {old_works}, the new: {new_works}"
        );
        if result.is_ok() {
            assert!(new_works, "a passphrase changed without error is in force");
        }
        if new_works {
            let old = std::mem::replace(&mut self.passphrase, new);
            self.old_passphrases.push(old);
        } else {
            self.old_passphrases.push(new);
        }
        new_works
    }

    fn check(
        &mut self,
        step: &Step,
        before: &BTreeMap<String, usize>,
        result: &crate::Result<()>,
        tripped: bool,
        write: bool,
    ) {
        let v = self.open();
        let doc = v.doc();
        // Nothing lost.
        let now = used_by_account(doc);
        if !matches!(step.op, Op::Restore) {
            for (id, used) in before {
                let kept = now.get(id);
                assert!(
                    kept.is_some_and(|n| n >= used),
                    "{step:?} lost account {id} or a used mark ({used} -> {kept:?}); {result:?}"
                );
            }
        }
        for (id, used) in &now {
            let seen = self.accounts.entry(id.clone()).or_default();
            *seen = (*seen).max(*used);
        }
        // A change that met no failure finishes any pending key change.
        let pending = doc.rekey_pending;
        if write && !tripped && result.is_ok() {
            assert!(!pending, "{step:?} succeeded but left a key change pending");
        }
        let mut files = vec![self.dir.join("vault.age")];
        files.extend(owned_copies(&self.dir, doc));
        let own = own_key(&self.dir, &self.passphrase);
        let kit = self.kit.as_deref().map(key_of);
        for file in &files {
            assert!(
                opens(file, &own),
                "{step:?}: the passphrase's key does not open {file:?}"
            );
            if let Some(kit) = &kit {
                assert!(
                    opens(file, kit),
                    "{step:?}: the current kit does not open {file:?}"
                );
            }
            assert!(
                !opens(file, &self.attacker),
                "{step:?}: a planted key opens {file:?}"
            );
            if !pending {
                for (what, key) in &self.retired {
                    assert!(!opens(file, key), "{step:?}: a {what} opens {file:?}");
                }
            }
        }
        if !pending {
            let mut wrapped = vec![self.dir.join("identity.age")];
            if !doc.settings.backup_folder.is_empty() {
                wrapped.push(Path::new(&doc.settings.backup_folder).join("identity.age"));
            }
            for file in wrapped.iter().filter(|f| f.exists()) {
                let bytes = fs::read(file).unwrap();
                for old in &self.old_passphrases {
                    assert!(
                        crypto::decrypt_with_passphrase(&bytes, &pass(old), file).is_err(),
                        "{step:?}: an old passphrase opens {file:?}"
                    );
                }
            }
        }
    }
}

/// One change through the application layer, as a front end makes it.
fn change(v: &mut Vault, op: &Op, n: u32, folders: &[PathBuf; 2]) -> crate::Result<()> {
    match op {
        Op::Add => app::accounts::add(v, new_account("Service", format!("user{n}"))).map(drop),
        Op::UseCode => {
            let accounts = &v.doc().accounts;
            if let Some(a) = accounts.iter().find(|a| a.recovery.is_empty()) {
                let id = a.id.clone();
                let parsed = app::recovery::parse(app::recovery::CodesSource::Text(CODES))?;
                app::recovery::save(v, &id, parsed, false).map(drop)
            } else if let Some(a) = accounts.iter().find(|a| a.recovery.unused_count() > 0) {
                let id = a.id.clone();
                app::recovery::use_next(v, &id).map(drop)
            } else {
                Ok(())
            }
        }
        Op::AutoBackup(which) => {
            let folder = match which {
                0 => PathBuf::new(),
                k => folders[usize::from(*k) - 1].clone(),
            };
            let change = app::backups::AutoBackupChange {
                folder: Some(folder),
                keep: None,
            };
            app::backups::set_auto(v, &change).map(drop)
        }
        other => unreachable!("{other:?} is run by World"),
    }
}

fn new_account(issuer: &str, name: String) -> app::accounts::NewAccount {
    let mut input = app::accounts::NewAccount::default();
    input.issuer = Some(issuer.into());
    input.name = Some(name);
    input.secret = Some(SECRET.into());
    input
}

fn used_by_account(doc: &Document) -> BTreeMap<String, usize> {
    doc.accounts
        .iter()
        .map(|a| (a.id.clone(), a.recovery.used_count()))
        .collect()
}

/// The copies a vault owns, listed from the folders themselves: every file
/// in `backups/`, and where the vault has claimed its automatic-backup
/// folder, that folder's `vault.age` and `backups/`.
fn owned_copies(dir: &Path, doc: &Document) -> Vec<PathBuf> {
    let files = |d: PathBuf| -> Vec<PathBuf> {
        fs::read_dir(d)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .filter(|p| {
                        !p.file_name()
                            .unwrap()
                            .to_string_lossy()
                            .starts_with(".tmp-")
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = files(dir.join("backups"));
    let folder = Path::new(&doc.settings.backup_folder);
    let claimed = fs::read_to_string(folder.join(BACKUP_CLAIM_FILE))
        .is_ok_and(|id| id.trim() == doc.vault_id);
    if !doc.settings.backup_folder.is_empty() && claimed {
        if folder.join("vault.age").is_file() {
            out.push(folder.join("vault.age"));
        }
        out.extend(files(folder.join("backups")));
    }
    out
}

fn opens(file: &Path, key: &x25519::Identity) -> bool {
    let bytes = fs::read(file).unwrap();
    crypto::decrypt_with_identity(&bytes, key, file).is_ok()
}

fn own_key(dir: &Path, passphrase: &str) -> x25519::Identity {
    let file = dir.join("identity.age");
    let text = crypto::decrypt_with_passphrase(&fs::read(&file).unwrap(), &pass(passphrase), &file)
        .expect("the current passphrase opens identity.age");
    crypto::parse_identity_text(std::str::from_utf8(&text).unwrap(), &file).unwrap()
}

fn key_of(kit_text: &str) -> x25519::Identity {
    super::store::parse_kit(&pass(kit_text)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_safety_net_holds_through_any_sequence_of_changes_and_failures(
        steps in prop::collection::vec(step(), 4..18)
    ) {
        let mut world = World::new();
        for step in &steps {
            world.run(step);
        }
        // Whatever happened, one more change with nothing failing leaves
        // every key change finished.
        world.run(&Step { op: Op::Add, fault: None });
    }
}

/// Runs `setup`, then `step` failing at one of its file-system changes
/// (once, and as a crash), then `after`: at the first few changes, the last
/// few, and evenly between (sixteen points in all, so the suite stays
/// quick; the random test picks others each run). Returns how many changes
/// the step makes.
fn at_every_failure_point(setup: &[Op], step: Op, after: &[Op]) -> u32 {
    let fresh = || {
        let mut world = World::new();
        for op in setup {
            world.run(&Step {
                op: op.clone(),
                fault: None,
            });
        }
        world
    };
    // Count the step's changes: arm a failure that never comes.
    let mut world = fresh();
    let plan = Plan {
        after: u32::MAX,
        crash: false,
    };
    world.run(&Step {
        op: step.clone(),
        fault: Some(plan),
    });
    let count = u32::MAX - world.ops_left.unwrap_or(u32::MAX);
    assert!(count > 3, "{step:?} makes {count} changes");
    let stride = (count / 16).max(1);
    let points = (0..count)
        .filter(|at| *at < 3 || *at + 3 >= count || at % stride == 0)
        .collect::<std::collections::BTreeSet<_>>();
    for &at in points.iter().take(22) {
        for crash in [false, true] {
            let mut world = fresh();
            world.run(&Step {
                op: step.clone(),
                fault: Some(Plan { after: at, crash }),
            });
            for op in after {
                world.run(&Step {
                    op: op.clone(),
                    fault: None,
                });
            }
        }
    }
    count
}

/// The scenarios the review reported, at every point where a write can fail.
#[test]
fn a_kit_replaced_while_writes_fail_never_locks_the_owner_out() {
    at_every_failure_point(
        &[Op::AutoBackup(1), Op::Kit, Op::Add],
        Op::Kit,
        &[Op::KitReset, Op::Add],
    );
}

#[test]
fn a_reset_with_the_kit_interrupted_anywhere_leaves_a_way_in() {
    at_every_failure_point(
        &[Op::Kit, Op::AutoBackup(2), Op::Add],
        Op::KitReset,
        &[Op::Add],
    );
}

#[test]
fn a_passphrase_change_interrupted_anywhere_leaves_one_passphrase() {
    at_every_failure_point(&[Op::AutoBackup(1), Op::Add], Op::Passwd, &[Op::Add]);
}

#[test]
fn fault_injection_reaches_the_disk_operations() {
    // The model test would pass vacuously if no failure were ever injected.
    let world = World::new();
    let mut v = world.open();
    faults::arm(Plan {
        after: 0,
        crash: false,
    });
    let result = app::accounts::add(&mut v, new_account("S", "n".into()));
    assert!(faults::disarm(), "the first write met the injected failure");
    assert!(result.is_err());
    drop(v);
    assert!(
        world.open().doc().accounts.is_empty(),
        "nothing was half-saved"
    );
}
