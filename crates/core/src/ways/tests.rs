//! Each finding fires and clears on small vaults built in code; the
//! checks of a second copy; the graph and its DOT.

use super::*;
use crate::{
    health::FindingKind,
    otp,
    recovery::{RecoverySet, Service},
    vault::EmergencyKit,
};

const NOW: i64 = 1_800_000_000;
const SECRET: &str = "JBSWY3DPEHPK3PXP";

fn account(issuer: &str, name: &str, totp: bool, codes: usize) -> Account {
    let otp = totp.then(|| {
        otp::parse_uri(&format!("otpauth://totp/{issuer}:{name}?secret={SECRET}"))
            .unwrap()
            .otp
    });
    let mut a = Account::new(issuer, name, otp, 0).unwrap();
    if codes > 0 {
        let list = (0..codes).map(|i| format!("{i:04x}aaaabbbbcccc")).collect();
        a.recovery = RecoverySet::new(list, Service::Pypi, 1).unwrap();
    }
    a
}

fn key(name: &str) -> Factor {
    Factor {
        kind: FactorKind::SecurityKey,
        name: name.into(),
        place: String::new(),
        checked_at: None,
    }
}

fn email(address: &str, mailbox: Option<&str>, work: bool) -> RecoveryEmail {
    RecoveryEmail {
        address: address.into(),
        mailbox_account: mailbox.map(str::to_owned),
        work,
    }
}

fn printed() -> CodeCopy {
    CodeCopy {
        kind: CopyKind::Printed,
        place: "drawer".into(),
        checked_at: None,
    }
}

/// A vault with a kit and a backup, so the vault finding stays out of the
/// way unless a test wants it.
fn doc(accounts: Vec<Account>) -> Document {
    let mut doc = Document {
        accounts,
        ..Document::default()
    };
    doc.emergency_kit = Some(EmergencyKit {
        recipient: "age1x".into(),
        created_at: NOW,
        verified_at: None,
    });
    doc.last_backup_export_at = Some(NOW);
    doc
}

fn kinds_for(doc: &Document, i: usize) -> Vec<FindingKind> {
    let id = &doc.accounts[i].id;
    findings(doc)
        .into_iter()
        .filter(|f| f.account_id.as_ref() == Some(id))
        .map(|f| f.kind)
        .collect()
}

fn record(doc: &mut Document, i: usize, ways: Ways) {
    doc.accounts[i].ways = Ways {
        reviewed_at: Some(NOW),
        ..ways
    };
}

#[test]
fn an_unrecorded_inventory_is_no_finding() {
    let doc = doc(vec![account("PyPI", "alice", true, 0)]);
    assert!(findings(&doc).is_empty());
}

#[test]
fn one_way_in_fires_and_clears_with_a_second_way() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 0)]);
    record(&mut doc, 0, Ways::default());
    assert_eq!(kinds_for(&doc, 0), [FindingKind::OneWayIn]);
    let f = findings(&doc).remove(0);
    assert!(
        f.message.contains("Sparekey: the TOTP secret"),
        "{}",
        f.message
    );
    assert_eq!(f.opens, Some(Opens::Ways));
    let mut ways = doc.accounts[0].ways.clone();
    ways.factors.push(key("YubiKey"));
    record(&mut doc, 0, ways);
    assert!(kinds_for(&doc, 0).is_empty());
    assert_eq!(ways_in(&doc.accounts[0]).len(), 2);
}

#[test]
fn one_key_and_no_codes_fires_and_clears_with_codes() {
    let mut doc = doc(vec![account("GitHub", "alice", false, 0)]);
    record(
        &mut doc,
        0,
        Ways {
            factors: vec![key("YubiKey")],
            ..Ways::default()
        },
    );
    assert_eq!(kinds_for(&doc, 0), [FindingKind::OneKeyNoCodes]);
    assert_eq!(findings(&doc)[0].severity, Severity::Critical);
    // Codes saved (and printed, so they are not only in the vault).
    doc.accounts[0].recovery = account("x", "y", false, 8).recovery;
    doc.accounts[0].ways.copies.push(printed());
    assert!(kinds_for(&doc, 0).is_empty(), "{:?}", findings(&doc));
}

#[test]
fn codes_only_in_the_vault_fire_and_clear_with_a_printed_copy() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 8)]);
    record(
        &mut doc,
        0,
        Ways {
            factors: vec![key("YubiKey")],
            ..Ways::default()
        },
    );
    assert_eq!(kinds_for(&doc, 0), [FindingKind::CodesOnlyInVault]);
    doc.accounts[0].ways.copies.push(printed());
    assert!(kinds_for(&doc, 0).is_empty());
}

#[test]
fn a_work_address_as_the_only_email_fires_and_clears_with_a_personal_one() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 0)]);
    record(
        &mut doc,
        0,
        Ways {
            factors: vec![key("a")],
            emails: vec![email("alice@uni.example", None, true)],
            ..Ways::default()
        },
    );
    assert_eq!(kinds_for(&doc, 0), [FindingKind::WorkEmailOnly]);
    doc.accounts[0]
        .ways
        .emails
        .push(email("alice@gmail.com", None, false));
    assert!(kinds_for(&doc, 0).is_empty());
}

#[test]
fn a_shared_mailbox_fires_until_its_own_account_is_lockout_proof() {
    let mut doc = doc(vec![
        account("PyPI", "alice", true, 0),
        account("GitHub", "alice", true, 0),
        account("Google", "alice@gmail.com", true, 0),
    ]);
    let gmail = doc.accounts[2].id.clone();
    for i in 0..2 {
        record(
            &mut doc,
            i,
            Ways {
                factors: vec![key("a"), key("b")],
                emails: vec![email("Alice@Gmail.com", Some(&gmail), false)],
                ..Ways::default()
            },
        );
    }
    // Gmail's account is in the vault but not recorded: not shown safe.
    let all = findings(&doc);
    let shared: Vec<&Finding> = all
        .iter()
        .filter(|f| f.kind == FindingKind::MailboxSinglePoint)
        .collect();
    assert_eq!(shared.len(), 1, "{all:?}");
    assert_eq!(shared[0].account_id.as_deref(), Some(gmail.as_str()));
    assert!(
        shared[0].message.contains("recovers 2 accounts"),
        "{}",
        shared[0].message
    );
    // Recorded with one way only: still weak (and one-way-in for Gmail).
    record(&mut doc, 2, Ways::default());
    assert!(kinds_for(&doc, 2).contains(&FindingKind::MailboxSinglePoint));
    // A second way for Gmail: the mailbox is lockout-proof.
    record(
        &mut doc,
        2,
        Ways {
            factors: vec![key("c")],
            ..Ways::default()
        },
    );
    assert!(kinds_for(&doc, 2).is_empty(), "{:?}", findings(&doc));
    assert!(!findings(&doc)
        .iter()
        .any(|f| f.kind == FindingKind::MailboxSinglePoint));
}

#[test]
fn the_vault_without_kit_and_backup_fires_and_clears_with_either() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 0)]);
    doc.emergency_kit = None;
    doc.last_backup_export_at = None;
    assert!(findings(&doc)
        .iter()
        .any(|f| f.kind == FindingKind::VaultSinglePoint));
    doc.last_backup_export_at = Some(NOW);
    assert!(findings(&doc).is_empty());
    doc.last_backup_export_at = None;
    doc.emergency_kit = self::doc(vec![]).emergency_kit;
    assert!(findings(&doc).is_empty());
    // An empty vault has nothing to lose.
    assert!(findings(&Document::default()).is_empty());
}

#[test]
fn check_phone_accepts_one_step_either_side_and_records_the_date() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 0)]);
    let id = doc.accounts[0].id.clone();
    let otp = doc.accounts[0].otp.clone().unwrap();
    let t = crate::time::unsigned(NOW);
    for at in [t - 30, t, t + 30] {
        let code = otp.code_at(at).as_str().to_owned();
        let r = check_phone(&mut doc, &id, &code, Some("Pixel"), NOW).unwrap();
        assert!(r.matches, "{}", r.message);
    }
    // The same phone typed in other case is the same phone.
    let code = otp.code_at(t).as_str().to_owned();
    assert!(
        check_phone(&mut doc, &id, &code, Some("pixel"), NOW)
            .unwrap()
            .matches
    );
    let f = &doc.accounts[0].ways.factors;
    assert_eq!(f.len(), 1, "one factor, recorded once");
    assert_eq!(
        (f[0].kind, f[0].name.as_str()),
        (FactorKind::TotpElsewhere, "Pixel")
    );
    assert_eq!(f[0].checked_at, Some(NOW));
    // Two steps away is another code: no match, nothing recorded.
    let mut other = self::doc(vec![account("PyPI", "bob", true, 0)]);
    let bob = other.accounts[0].id.clone();
    let far = otp.code_at(t + 60).as_str().to_owned();
    if far != otp.code_at(t).as_str() {
        let r = check_phone(&mut other, &bob, &far, None, NOW).unwrap();
        assert!(!r.matches);
        assert!(other.accounts[0].ways.is_empty());
    }
    // No secret: a clear error.
    let mut none = self::doc(vec![account("PyPI", "carol", false, 0)]);
    let carol = none.accounts[0].id.clone();
    assert!(check_phone(&mut none, &carol, "123456", None, NOW).is_err());
}

#[test]
fn check_sheet_finds_an_unused_code_and_never_marks_it_used() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 8)]);
    let id = doc.accounts[0].id.clone();
    let code = doc.accounts[0].recovery.codes()[3].code().to_uppercase();
    let r = check_sheet(&mut doc, &id, &format!(" {code} "), CopyKind::Printed, NOW).unwrap();
    assert!(r.matches, "{}", r.message);
    assert_eq!(doc.accounts[0].recovery.unused_count(), 8);
    assert_eq!(doc.accounts[0].ways.copies[0].checked_at, Some(NOW));
    let r = check_sheet(&mut doc, &id, "ffffaaaabbbbcccc", CopyKind::Printed, NOW).unwrap();
    assert!(
        !r.matches && r.message.contains("older set"),
        "{}",
        r.message
    );
    doc.accounts[0].recovery.mark_used(0, NOW).unwrap();
    let used = doc.accounts[0].recovery.codes()[0].code().to_owned();
    let r = check_sheet(&mut doc, &id, &used, CopyKind::Printed, NOW).unwrap();
    assert!(
        !r.matches && r.message.contains("already used"),
        "{}",
        r.message
    );
}

#[test]
fn validation_names_what_is_wrong() {
    let doc = doc(vec![account("PyPI", "alice", true, 0)]);
    let id = doc.accounts[0].id.clone();
    let bad = |ways: Ways| ways.validate(&doc, &id).unwrap_err().to_string();
    let e = bad(Ways {
        emails: vec![email("not an address", None, false)],
        ..Ways::default()
    });
    assert!(e.contains("not an email address"), "{e}");
    let e = bad(Ways {
        emails: vec![email("a@b.c", Some(&id), false)],
        ..Ways::default()
    });
    assert!(e.contains("the account itself"), "{e}");
    let e = bad(Ways {
        emails: vec![email("a@b.c", Some("nope"), false)],
        ..Ways::default()
    });
    assert!(e.contains("not an account in this vault"), "{e}");
    let e = bad(Ways {
        factors: vec![key("a\nb")],
        ..Ways::default()
    });
    assert!(e.contains("control character"), "{e}");
    let e = bad(Ways {
        factors: vec![key("k"); MAX_ENTRIES + 1],
        ..Ways::default()
    });
    assert!(e.contains("at most"), "{e}");
    // A row added and left empty is dropped, not refused; spaces go.
    let form = Ways {
        emails: vec![email("  ", None, false), email(" a@b.c ", None, false)],
        factors: vec![key(" YubiKey ")],
        ..Ways::default()
    }
    .trimmed();
    assert_eq!(form.emails.len(), 1);
    assert_eq!(form.emails[0].address, "a@b.c");
    assert_eq!(form.factors[0].name, "YubiKey");
    assert!(form.validate(&doc, &id).is_ok());
}

#[test]
fn the_graph_links_accounts_mailboxes_and_guards_and_marks_weak_points() {
    let mut doc = doc(vec![
        account("PyPI", "alice", true, 0),
        account("GitHub", "alice", true, 0),
        account("Google", "alice@gmail.com", true, 0),
    ]);
    let gmail = doc.accounts[2].id.clone();
    for i in 0..2 {
        record(
            &mut doc,
            i,
            Ways {
                factors: vec![key("a")],
                emails: vec![email("alice@gmail.com", Some(&gmail), false)],
                ..Ways::default()
            },
        );
    }
    let g = graph(&doc);
    let node = |id: &str| g.nodes.iter().find(|n| n.id == id).unwrap();
    let mailbox = node("m:alice@gmail.com");
    assert!(mailbox.weak);
    assert_eq!(mailbox.column, 1);
    assert_eq!(node(&format!("a:{gmail}")).column, 2);
    assert_eq!(node(&format!("a:{}", doc.accounts[0].id)).column, 0);
    assert_eq!(g.edges.len(), 3);
    assert!(g
        .edges
        .iter()
        .any(|e| e.kind == "guarded_by" && e.to == format!("a:{gmail}")));
    let dot = g.to_dot();
    assert!(dot.starts_with("digraph recovery {"));
    assert!(dot.contains("weak point"));
}

#[test]
fn dot_quotes_every_label() {
    let mut doc = doc(vec![account("Evil\"] x [\\", "a\"b", true, 0)]);
    record(&mut doc, 0, Ways::default());
    let dot = graph(&doc).to_dot();
    assert!(dot.contains(r#"Evil\"] x [\\ (a\"b)"#), "{dot}");
}

#[test]
fn facts_tick_guide_steps() {
    let mut ways = Ways::default();
    assert!(Fact::SecurityKey.holds(&ways).is_none());
    ways.factors.push(key("a"));
    assert!(Fact::SecurityKey.holds(&ways).is_some());
    assert!(Fact::TwoSecurityKeys.holds(&ways).is_none());
    ways.emails.push(email("a@work.example", None, true));
    assert!(Fact::PersonalEmail.holds(&ways).is_none());
    ways.emails.push(email("a@home.example", None, false));
    assert!(Fact::PersonalEmail.holds(&ways).is_some());
    assert!(Fact::TwoEmails.holds(&ways).is_some());
    assert!(Fact::PrintedCopy.holds(&ways).is_none());
    ways.copies.push(printed());
    assert!(Fact::PrintedCopy.holds(&ways).is_some());
}

#[test]
fn a_document_with_ways_and_pins_round_trips_and_an_older_one_still_opens() {
    let path = std::path::Path::new("vault.age");
    let mut doc = doc(vec![
        account("PyPI", "alice", true, 8),
        account("Google", "a@gmail.com", false, 0),
    ]);
    let gmail = doc.accounts[1].id.clone();
    doc.accounts[0].pinned = true;
    record(
        &mut doc,
        0,
        Ways {
            factors: vec![key("YubiKey")],
            emails: vec![email("a@gmail.com", Some(&gmail), false)],
            copies: vec![printed()],
            reviewed_at: None,
        },
    );
    let again = Document::from_json(&doc.to_json(), path).unwrap();
    assert_eq!(again.accounts[0].ways, doc.accounts[0].ways);
    assert!(again.accounts[0].pinned);
    assert!(again.accounts[1].ways.is_empty() && !again.accounts[1].pinned);
    // A document written before these fields existed opens with none.
    let old = br#"{"format":"sparekey-vault","version":1,"accounts":[{"id":"0123456789abcdef0123456789abcdef","issuer":"PyPI","name":"a","created_at":1,"updated_at":2}]}"#;
    let old = Document::from_json(old, path).unwrap();
    assert!(old.accounts[0].ways.is_empty());
    assert!(!old.accounts[0].pinned);
    // An account without ways or pin writes neither field.
    let json = String::from_utf8(old.to_json().to_vec()).unwrap();
    assert!(!json.contains("ways") && !json.contains("pinned"), "{json}");
}

#[test]
fn a_sync_merge_takes_the_inventory_recorded_later_whole() {
    use crate::vault::sync::{merge, MergeReport};
    let base = doc(vec![account("PyPI", "alice", true, 0)]);
    let mut ours = base.clone();
    let mut theirs = base.clone();
    ours.accounts[0].ways = Ways {
        factors: vec![key("ours")],
        reviewed_at: Some(NOW),
        ..Ways::default()
    };
    theirs.accounts[0].ways = Ways {
        factors: vec![key("theirs")],
        reviewed_at: Some(NOW + 10),
        ..Ways::default()
    };
    theirs.accounts[0].pinned = true;
    theirs.accounts[0].updated_at = NOW + 10;
    let mut report = MergeReport::default();
    merge(&mut ours, &theirs, &mut report);
    assert_eq!(ours.accounts[0].ways.factors[0].name, "theirs");
    assert!(ours.accounts[0].pinned);
    // The older inventory does not win back.
    let mut older = base.clone();
    older.accounts[0].ways = Ways {
        factors: vec![key("old")],
        reviewed_at: Some(NOW - 10),
        ..Ways::default()
    };
    merge(&mut ours, &older, &mut report);
    assert_eq!(ours.accounts[0].ways.factors[0].name, "theirs");
}

#[test]
fn removing_a_mailbox_account_unlinks_it() {
    let mut doc = doc(vec![
        account("PyPI", "alice", true, 0),
        account("Google", "a@gmail.com", false, 0),
    ]);
    let gmail = doc.accounts[1].id.clone();
    record(
        &mut doc,
        0,
        Ways {
            emails: vec![email("a@gmail.com", Some(&gmail), false)],
            ..Ways::default()
        },
    );
    doc.remove_account(&gmail).unwrap();
    assert_eq!(doc.accounts[0].ways.emails[0].mailbox_account, None);
    assert!(graph(&doc).edges.iter().all(|e| e.kind != "guarded_by"));
}

#[test]
fn a_manual_guide_step_ticks_itself_from_the_inventory() {
    use crate::{
        clock::ClockSync,
        guides::{self, Context, StepState},
    };
    let mut doc = doc(vec![account("PyPI", "alice", true, 0)]);
    let id = doc.accounts[0].id.clone();
    let ctx = Context {
        now: NOW,
        clock: ClockSync::Synchronized,
    };
    let state = |doc: &Document, step: &str| {
        let g = guides::get("pypi-prevent").unwrap();
        let view = guides::evaluate(g, doc, Some(&id), &ctx).unwrap();
        let s = view.steps.iter().find(|s| s.step.id == step).unwrap();
        (s.status.state, s.status.detail.clone())
    };
    assert_eq!(state(&doc, "security-key").0, StepState::NotDone);
    record(
        &mut doc,
        0,
        Ways {
            factors: vec![key("YubiKey")],
            emails: vec![email("a@uni.example", None, true)],
            ..Ways::default()
        },
    );
    let (s, detail) = state(&doc, "security-key");
    assert_eq!(s, StepState::Done);
    assert!(detail.unwrap().contains("1 security key recorded"));
    // A work or school address is not the durable one the step asks for
    // (PyPI's new-device email goes to the primary address alone): still
    // to do until a personal address is recorded.
    assert_eq!(state(&doc, "emails").0, StepState::NotDone);
    doc.accounts[0]
        .ways
        .emails
        .push(email("a@fastmail.com", None, false));
    assert_eq!(state(&doc, "emails").0, StepState::Done);
    // "Keep the codes where Sparekey is not the only copy": no export yet,
    // but a printed copy of this account's codes is one.
    doc.last_backup_export_at = None;
    assert_eq!(state(&doc, "backup").0, StepState::NotDone);
    doc.accounts[0].ways.copies.push(printed());
    let (s, detail) = state(&doc, "backup");
    assert_eq!(s, StepState::Done);
    assert!(detail.unwrap().contains("printed copy recorded"));
}

#[test]
fn tags_that_differ_only_in_case_are_one_tag() {
    let mut doc = doc(vec![account("PyPI", "alice", true, 0)]);
    let tags = ["Work", " work ", "release", ""].map(String::from);
    doc.accounts[0].set_tags(&tags, NOW).unwrap();
    assert_eq!(doc.accounts[0].tags, ["Work", "release"]);
}
