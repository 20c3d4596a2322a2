//! The guides as data (they load and follow the rules and PyPI's facts),
//! their checks against a real vault, the PyPI recovery-request draft and
//! the health findings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sparekey_core::{
    account::Account,
    clock::ClockSync,
    guides::{
        self, request, AutoCheck, Check, Context, Guide, GuideKind, StepState, GENERIC_SERVICE,
    },
    health::{self, FindingKind, Severity},
    otp,
    recovery::{RecoverySet, Service},
    secret::SecretString,
    vault::{Document, Vault},
};

const DAY: i64 = 86_400;
const NOW: i64 = 1_795_000_000;

/// The pypi.org paths of the facts' page table (without fragments).
/// (`generate`, `regenerate` and `/account/recovery-code/` are left out on
/// purpose: the first two act when opened, the last only errors without a
/// login in progress.)
const PYPI_PATHS: &[&str] = &[
    "/manage/account/",
    "/manage/account/two-factor/",
    "/manage/account/totp-provision",
    "/manage/account/webauthn-provision",
    "/manage/account/recovery-codes/burn",
    "/account/login/",
    "/account/request-password-reset/",
    "/help/",
];
/// The anchors of PyPI's help page (pypi/warehouse
/// `templates/pages/help.html`) the guides use.
const PYPI_FRAGMENTS: &[&str] = &[
    "account-emails",
    "account-events",
    "twofa",
    "totp",
    "utfkey",
    "recoverycodes",
    "account-recovery",
    "totp_trouble",
    "compromised-password",
    "suspicious-activity",
    "trusted-publishers",
    "apitoken",
    "collaborator-roles",
];
const FORM: &str = "https://github.com/pypi/support/issues/new?template=account-recovery.yml";

fn ctx() -> Context {
    Context {
        now: NOW,
        clock: ClockSync::Synchronized,
    }
}

fn guide(id: &str) -> &'static Guide {
    guides::get(id).unwrap()
}

fn step_ids(g: &Guide) -> Vec<&str> {
    g.steps.iter().map(|s| s.id.as_str()).collect()
}

fn totp() -> otp::Otp {
    otp::parse_uri("otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI")
        .unwrap()
        .otp
}

fn codes(n: usize, service: Service) -> RecoverySet {
    RecoverySet::new(
        (0..n).map(|i| format!("{i:02x}a1b2c3d4e5f6a7")).collect(),
        service,
        NOW,
    )
    .unwrap()
}

fn state(g: &Guide, doc: &Document, account: Option<&str>, step: &str, c: &Context) -> StepState {
    let view = guides::evaluate(g, doc, account, c).unwrap();
    view.steps
        .iter()
        .chain(view.branches.iter().flat_map(|b| b.steps.iter()))
        .find(|s| s.step.id == step)
        .unwrap_or_else(|| panic!("{} has no step {step}", g.id))
        .status
        .state
}

// ---------------------------------------------------------------------------
// The data files
// ---------------------------------------------------------------------------

#[test]
fn guide_files_load_and_validate() {
    let all = guides::all().expect("the embedded guides load");
    assert!(guides::validate(all).is_empty());
    let mut ids: Vec<&str> = all.iter().map(|g| g.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before, "guide ids are unique");
    for service in [
        "pypi",
        "github",
        "gitlab",
        "npm",
        "crates-io",
        GENERIC_SERVICE,
    ] {
        for kind in [GuideKind::Prevent, GuideKind::Recover] {
            let id = format!("{service}-{kind}");
            assert_eq!(guide(&id).kind, kind, "{id}");
        }
    }
    // Every PyPI recovery runs through email: the mailbox has guides too.
    for service in ["google", "microsoft", "proton", "fastmail"] {
        assert_eq!(
            guide(&format!("{service}-recover")).kind,
            GuideKind::Recover
        );
    }
    for g in all {
        for s in g.all_steps() {
            assert!(
                !s.links.is_empty() || s.check != Check::Info,
                "{}/{} has neither a link nor a check",
                g.id,
                s.id
            );
            if let Check::Auto(a) = s.check {
                assert!(AutoCheck::ALL.contains(&a));
            }
            for l in &s.links {
                assert!(l.url.starts_with("https://"), "{}", l.url);
            }
        }
    }
}

#[test]
fn pypi_links_are_real_pypi_pages_from_the_facts() {
    let mut seen = 0;
    for id in ["pypi-prevent", "pypi-recover"] {
        for s in guide(id).all_steps() {
            assert!(!s.links.is_empty(), "{id}/{} links to PyPI", s.id);
            for l in &s.links {
                if l.url == FORM {
                    continue;
                }
                let path = l
                    .url
                    .strip_prefix("https://pypi.org")
                    .unwrap_or_else(|| panic!("{id}/{}: {} is not on pypi.org", s.id, l.url));
                let (path, fragment) = path.split_once('#').unwrap_or((path, ""));
                assert!(PYPI_PATHS.contains(&path), "{id}/{}: {path}", s.id);
                assert!(
                    fragment.is_empty() || PYPI_FRAGMENTS.contains(&fragment),
                    "{id}/{}: #{fragment}",
                    s.id
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 15, "{seen}");
}

#[test]
fn pypi_prevent_follows_pypis_enforced_order() {
    let g = guide("pypi-prevent");
    assert_eq!(g.title, "Lockout-proof my PyPI account");
    let ids = step_ids(g);
    let at = |id: &str| {
        ids.iter()
            .position(|s| *s == id)
            .unwrap_or_else(|| panic!("no step {id}"))
    };
    // Verify an email -> generate codes -> burn one -> only then TOTP or a key.
    assert!(at("password") < at("emails"));
    assert!(at("emails") < at("recovery-codes"));
    assert!(at("recovery-codes") < at("burn-code"));
    assert!(at("burn-code") < at("totp"));
    assert!(at("totp") < at("security-key"));
    let step = |id: &str| g.step(id).unwrap();
    assert_eq!(
        step("recovery-codes").check,
        Check::Auto(AutoCheck::RecoveryCodesStored)
    );
    assert!(step("recovery-codes").text.contains("8 recovery codes"));
    assert_eq!(
        step("recovery-codes").cli.as_deref(),
        Some("sparekey-cli recovery add pypi FILE")
    );
    assert_eq!(
        step("burn-code").check,
        Check::Auto(AutoCheck::RecoveryCodeUsed)
    );
    assert_eq!(step("totp").check, Check::Auto(AutoCheck::TotpStored));
    assert!(step("security-key").optional);
    assert_eq!(step("backup").check, Check::Auto(AutoCheck::BackupRecent));
    assert_eq!(
        step("codes-left").check,
        Check::Auto(AutoCheck::UnusedCodesAtLeast3)
    );
    assert_eq!(step("security-history").check, Check::Manual);
    assert_eq!(step("security-history").stale_after_days, Some(120));
    assert!(step("phishing")
        .text
        .contains("Type your password and codes only at https://pypi.org"));
}

#[test]
fn pypi_recover_branches_fit_each_lockout() {
    let g = guide("pypi-recover");
    assert_eq!(g.title, "I'm locked out of PyPI");
    assert_eq!(g.next.as_deref(), Some("pypi-prevent"));
    assert!(g.question.is_some());
    let branches: Vec<&str> = g.branches.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        branches,
        [
            "have-totp",
            "recovery-codes",
            "email",
            "password",
            "nothing-works"
        ]
    );
    let links = |b: &str| -> Vec<String> {
        g.branch(b)
            .unwrap()
            .steps
            .iter()
            .flat_map(|s| s.links.iter().map(|l| l.url.clone()))
            .collect()
    };
    let checks =
        |b: &str| -> Vec<Check> { g.branch(b).unwrap().steps.iter().map(|s| s.check).collect() };
    assert!(checks("have-totp").contains(&Check::Auto(AutoCheck::ClockSynchronized)));
    // A recovery code is used from the login page, never from
    // /account/recovery-code/ (which only errors without a login).
    assert!(links("recovery-codes").contains(&"https://pypi.org/account/login/".into()));
    assert!(links("password").contains(&"https://pypi.org/account/request-password-reset/".into()));
    assert!(links("nothing-works").contains(&FORM.to_owned()));
    let email: Vec<&str> = g
        .branch("email")
        .unwrap()
        .steps
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        email,
        [
            "search-mail",
            "resend",
            "same-network",
            "security-key-bypass",
            "mail-provider",
            "keep-publishing",
            "still-stuck"
        ]
    );
}

/// Every text a user reads in the PyPI guides, joined.
fn user_text(id: &str) -> String {
    let g = guide(id);
    let mut text = format!("{} {} ", g.title, g.summary);
    for b in &g.branches {
        text.push_str(&b.label);
        text.push(' ');
    }
    for s in g.all_steps() {
        text.push_str(&format!("{} {} ", s.title, s.text));
        for l in &s.links {
            text.push_str(&l.label);
            text.push(' ');
        }
    }
    text
}

fn step_text(id: &str, step: &str) -> String {
    let s = guide(id)
        .step(step)
        .unwrap_or_else(|| panic!("{id} has no step {step}"));
    format!("{} {}", s.title, s.text)
}

#[test]
fn pypi_new_device_confirmation_goes_only_to_the_primary_address() {
    let emails = step_text("pypi-prevent", "emails");
    assert!(emails.contains("only to the primary address"), "{emails}");
    assert!(emails.contains("does not receive it"), "{emails}");
    assert!(
        emails.contains("most durable address the primary"),
        "{emails}"
    );
    // The old advice ("add a second verified address", "your verified
    // addresses") is gone everywhere.
    for id in ["pypi-prevent", "pypi-recover"] {
        let text = user_text(id);
        assert!(!text.contains("add a second verified address"), "{id}");
        assert!(!text.contains("verified addresses"), "{id}");
    }
    let search = step_text("pypi-recover", "search-mail");
    assert!(
        search.contains("Unrecognized login to your PyPI account"),
        "{search}"
    );
    assert!(search.contains("only to the primary address"), "{search}");
}

#[test]
fn pypi_seed_case_reads_right_from_symptom_to_being_back_in() {
    let g = guide("pypi-recover");
    let email = g.branch("email").unwrap();
    let all: String = email
        .steps
        .iter()
        .map(|s| format!("{} {}\n", s.title, s.text))
        .collect();
    for needle in [
        "Unrecognized login to your PyPI account",
        "every filter's folder",
        "at most once every 15 minutes",
        "same network",
        "IP address",
        "Device details didn't match",
        "security key or passkey",
        "A recovery code does not help here: from a new device it needs the email too",
        "Trusted Publishers keep working",
        "until an account recovery completes",
        "co-owner",
        "Do not revoke tokens",
        "the primary mailbox is gone",
        "another address",
    ] {
        assert!(all.contains(needle), "{needle:?} missing in\n{all}");
    }
    // "Go to Nothing works" goes there.
    let stuck = g.step("still-stuck").unwrap();
    assert_eq!(stuck.goto.as_deref(), Some("nothing-works"));
    assert!(stuck.text.contains("\"Nothing works\""));
    let nothing = g.branch("nothing-works").unwrap();
    let after: String = nothing
        .steps
        .iter()
        .map(|s| format!("{} ", s.text))
        .collect();
    for needle in [
        "latest release",
        "Reply to that email",
        "push a branch named with the token",
        "7-day wait",
        "about 1.5 days",
        "removes every 2FA method",
        "Lockout-proof my PyPI account",
    ] {
        assert!(after.contains(needle), "{needle:?} missing in {after}");
    }
    // The recovery-code path needs the email too, from a new device.
    let code = step_text("pypi-recover", "use-recovery-code");
    assert!(code.contains("/account/login/"), "{code}");
    assert!(code.contains("\"Login using recovery codes\""), "{code}");
    assert!(
        code.contains("also asks you to confirm the login by email"),
        "{code}"
    );
    // Prevention says it back.
    let key = step_text("pypi-prevent", "security-key");
    assert!(key.contains("needs no new-device email"), "{key}");
    let backup = step_text("pypi-prevent", "backup");
    assert!(backup.contains("Sparekey is not the only copy"), "{backup}");
}

#[test]
fn pypi_2fa_reset_uses_edit_and_no_link_regenerates() {
    let reset = step_text("pypi-recover", "reset-2fa");
    assert!(reset.contains("Remove button is disabled"), "{reset}");
    assert!(reset.contains("Cannot remove last 2FA method"), "{reset}");
    assert!(reset.contains("choose Edit"), "{reset}");
    assert!(!reset.contains("Remove the lost TOTP app"), "{reset}");
    for id in ["pypi-prevent", "pypi-recover"] {
        for s in guide(id).all_steps() {
            for l in &s.links {
                assert!(
                    !l.url.contains("/recovery-codes/regenerate"),
                    "{id}/{}",
                    s.id
                );
                assert!(!l.url.contains("/recovery-codes/generate"), "{id}/{}", s.id);
                assert!(!l.url.contains("/account/recovery-code/"), "{id}/{}", s.id);
            }
        }
    }
    let regen = step_text("pypi-recover", "regenerate-codes");
    assert!(regen.contains("\"Regenerate recovery codes\""), "{regen}");
    assert!(regen.contains("at once"), "{regen}");
    let totp = step_text("pypi-recover", "show-code");
    assert!(totp.contains("never the code you just used"), "{totp}");
    assert!(totp.contains("5 tries in 5 minutes"), "{totp}");
}

#[test]
fn other_services_carry_their_facts() {
    let text = |id: &str| {
        guide(id)
            .all_steps()
            .map(|s| {
                format!(
                    "{} {} {}",
                    s.text,
                    s.cli.clone().unwrap_or_default(),
                    s.title
                )
            })
            .collect::<String>()
    };
    assert!(text("github-prevent").contains("16 recovery codes"));
    assert!(text("github-prevent").contains("github-recovery-codes.txt"));
    assert!(text("gitlab-prevent").contains("recovery codes"));
    assert!(text("gitlab-recover").contains("ssh git@gitlab.com 2fa_recovery_codes"));
    assert_eq!(
        guide("crates-io-recover").next.as_deref(),
        Some("github-recover")
    );
    // npm issues no new TOTP secrets: its guide keeps none.
    assert!(text("npm-prevent").contains("security key"));
    assert!(guide("npm-prevent")
        .all_steps()
        .all(|s| s.check != Check::Auto(AutoCheck::TotpStored)
            && s.action != Some(guides::Action::AddTotp)));
    assert!(text("npm-prevent").contains("Manage Recovery Codes"));
    assert!(text("npm-prevent").contains("Link your GitHub account"));
    assert!(text("npm-recover").contains("Reset my two-factor authentication (2FA)"));
    // GitHub: the account-recovery request and its last resort.
    for needle in [
        "Begin account or email recovery",
        "SSH key",
        "Personal access token",
        "three business days",
        "unlink your email address",
    ] {
        assert!(text("github-recover").contains(needle), "{needle}");
    }
    assert!(text("github-prevent").contains("passkey"));
    // GitLab: a clock branch and a "nothing works" branch.
    let gitlab = guide("gitlab-recover");
    assert!(gitlab.branch("have-totp").is_some());
    assert!(gitlab.branch("nothing-works").is_some());
}

// ---------------------------------------------------------------------------
// Provenance: every step cites its sources; links are safe
// ---------------------------------------------------------------------------

#[test]
fn every_step_cites_its_sources_with_a_checked_date() {
    let mut steps = 0;
    for g in guides::all().unwrap() {
        for s in g.all_steps() {
            steps += 1;
            assert!(!s.sources.is_empty(), "{}/{} cites nothing", g.id, s.id);
            assert_eq!(s.checked.len(), 10, "{}/{}: {:?}", g.id, s.id, s.checked);
            assert!(
                sparekey_core::time::parse_date(&s.checked).is_some(),
                "{}/{}: checked {:?}",
                g.id,
                s.id,
                s.checked
            );
            for src in &s.sources {
                assert!(!src.supports.trim().is_empty(), "{}/{}", g.id, s.id);
                if let Some(doc) = src.url.strip_prefix(guides::SPAREKEY_SOURCE) {
                    // Sparekey's own documentation: the file and heading exist.
                    let (file, anchor) = doc.split_once('#').expect("file#anchor");
                    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../..")
                        .join(file);
                    let text = std::fs::read_to_string(&path)
                        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    let anchors: Vec<String> = text
                        .lines()
                        .filter_map(|l| l.strip_prefix("## "))
                        .map(|h| {
                            h.to_lowercase()
                                .chars()
                                .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
                                .collect::<String>()
                                .replace(' ', "-")
                        })
                        .collect();
                    assert!(
                        anchors.iter().any(|a| a == anchor),
                        "{file}#{anchor}: {anchors:?}"
                    );
                } else {
                    assert!(src.url.starts_with("https://"), "{}", src.url);
                }
            }
        }
    }
    assert!(steps > 70, "{steps}");
    // A step without sources or date fails the loader's validation.
    let mut g = guide("pypi-recover").clone();
    g.branches[0].steps[0].sources.clear();
    g.branches[0].steps[1].checked = "soon".into();
    let problems = guides::validate(&[g]).join("\n");
    assert!(problems.contains("show-code has no sources"), "{problems}");
    assert!(problems.contains("clock: checked \"soon\""), "{problems}");
}

#[test]
fn links_are_https_on_the_services_own_sites_and_never_act_when_opened() {
    for g in guides::all().unwrap() {
        for s in g.all_steps() {
            for l in &s.links {
                assert_eq!(
                    guides::url_problem(&g.service, &l.url),
                    None,
                    "{}/{}",
                    g.id,
                    s.id
                );
                let sites = guides::service_sites(&g.service);
                assert!(
                    sites.iter().any(|site| l.url.starts_with(site)),
                    "{}",
                    l.url
                );
            }
        }
    }
    // What the rule catches.
    let mut g = guide("pypi-prevent").clone();
    g.steps[0].links[0].url = "https://pypi.org/manage/account/recovery-codes/regenerate".into();
    g.steps[1].links[0].url = "https://pypl.org/manage/account/".into();
    g.steps[2].links[0].url = "https://docs.github.com/en".into();
    g.steps[3].sources[0].url = "https://evil.example/pypi".into();
    let problems = guides::validate(&[g]).join("\n");
    for needle in [
        "regenerate must not be linked: opening it generates a new set",
        "https://pypl.org/manage/account/ is not https:// on pypi's own sites",
        "https://docs.github.com/en is not https:// on pypi's own sites",
        "source https://evil.example/pypi is not",
    ] {
        assert!(problems.contains(needle), "{needle} missing in {problems}");
    }
}

#[test]
fn user_text_has_no_internal_ids_and_goto_names_a_branch() {
    let all = guides::all().unwrap();
    let ids: Vec<&str> = all.iter().map(|g| g.id.as_str()).collect();
    for g in all {
        for s in g.all_steps() {
            let text = format!("{} {}", s.title, s.text);
            for id in &ids {
                // As a word: `github-recovery-codes.txt` is a file name.
                let shown = text.match_indices(id).any(|(at, _)| {
                    !text[at + id.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric())
                });
                assert!(!shown, "{}/{} shows the id {id}", g.id, s.id);
            }
            if let Some(target) = &s.goto {
                let branch = g.branch(target).expect("goto names a branch");
                assert_ne!(
                    g.branches
                        .iter()
                        .find(|b| b.steps.iter().any(|x| x.id == s.id))
                        .map(|b| &b.id),
                    Some(&branch.id),
                    "{}/{} goes to its own branch",
                    g.id,
                    s.id
                );
            }
        }
    }
    let mut g = guide("pypi-recover").clone();
    g.branches[0].steps[0].goto = Some("nowhere".into());
    assert!(guides::validate(&[g])
        .join("")
        .contains("goes to branch \"nowhere\""));
}

// ---------------------------------------------------------------------------
// Checks against a real vault
// ---------------------------------------------------------------------------

fn vault_with(accounts: Vec<Account>) -> (tempfile::TempDir, Vault, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let pass = SecretString::from("correct horse battery staple".to_owned());
    let mut vault = Vault::create(&dir.path().join("v"), &pass, Some(10)).unwrap();
    let ids = accounts.iter().map(|a| a.id.clone()).collect();
    vault
        .update(|doc| {
            for a in accounts {
                doc.add_account(a)?;
            }
            Ok(())
        })
        .unwrap();
    (dir, vault, ids)
}

#[test]
fn automatic_checks_flip_with_the_vault() {
    let (_dir, mut vault, ids) = vault_with(vec![Account::new("PyPI", "alice", None, 0).unwrap()]);
    let id = ids[0].clone();
    let g = guide("pypi-prevent");
    let st = |v: &Vault, step: &str| state(g, v.doc(), Some(&id), step, &ctx());
    assert_eq!(st(&vault, "totp"), StepState::NotDone);
    assert_eq!(st(&vault, "recovery-codes"), StepState::NotDone);
    assert_eq!(st(&vault, "burn-code"), StepState::NotDone);
    assert_eq!(st(&vault, "codes-left"), StepState::NotDone);
    assert_eq!(st(&vault, "backup"), StepState::NotDone);

    vault
        .update(|doc| {
            doc.account_mut(&id)?.otp = Some(totp());
            Ok(())
        })
        .unwrap();
    assert_eq!(st(&vault, "totp"), StepState::Done);

    vault
        .update(|doc| {
            doc.account_mut(&id)?
                .recovery
                .replace(codes(8, Service::Pypi), NOW);
            Ok(())
        })
        .unwrap();
    assert_eq!(st(&vault, "recovery-codes"), StepState::Done);
    assert_eq!(st(&vault, "burn-code"), StepState::NotDone);
    assert_eq!(st(&vault, "codes-left"), StepState::Done);

    // Burn one: PyPI's proof that the codes were saved.
    vault
        .update(|doc| doc.account_mut(&id)?.recovery.take_next(NOW).map(|_| ()))
        .unwrap();
    assert_eq!(st(&vault, "burn-code"), StepState::Done);
    // Use until 3 are left: still enough; one more and it is not.
    for _ in 0..4 {
        vault
            .update(|doc| doc.account_mut(&id)?.recovery.take_next(NOW).map(|_| ()))
            .unwrap();
    }
    assert_eq!(st(&vault, "codes-left"), StepState::Done);
    vault
        .update(|doc| doc.account_mut(&id)?.recovery.take_next(NOW).map(|_| ()))
        .unwrap();
    assert_eq!(st(&vault, "codes-left"), StepState::NotDone);

    // Backups: recent is done, older than 90 days is stale.
    vault
        .update(|doc| {
            doc.record_backup_export(NOW - 10 * DAY);
            Ok(())
        })
        .unwrap();
    assert_eq!(st(&vault, "backup"), StepState::Done);
    let later = Context {
        now: NOW + 85 * DAY,
        ..ctx()
    };
    assert_eq!(
        state(g, vault.doc(), Some(&id), "backup", &later),
        StepState::Stale
    );

    // The clock check follows the injected clock; unknown stays unknown.
    let r = guide("pypi-recover");
    for (clock, want) in [
        (ClockSync::Synchronized, StepState::Done),
        (ClockSync::Unsynchronized, StepState::NotDone),
        (ClockSync::Unknown, StepState::Unknown),
    ] {
        let c = Context { now: NOW, clock };
        assert_eq!(state(r, vault.doc(), Some(&id), "clock", &c), want);
    }
}

#[test]
fn manual_checks_are_saved_per_account_and_can_be_undone() {
    let (dir, mut vault, ids) = vault_with(vec![
        Account::new("PyPI", "alice", None, 0).unwrap(),
        Account::new("PyPI", "bob", None, 0).unwrap(),
    ]);
    let (alice, bob) = (ids[0].clone(), ids[1].clone());
    let g = guide("pypi-prevent");
    vault
        .update(|doc| {
            guides::check_step(
                doc,
                "pypi-prevent",
                "emails",
                &alice,
                Some(" gmail + fastmail "),
                NOW,
            )
        })
        .unwrap();
    // Saved: a fresh unlock sees it, for alice only.
    let pass = SecretString::from("correct horse battery staple".to_owned());
    let again = Vault::unlock(&dir.path().join("v"), &pass).unwrap();
    let view = guides::evaluate(g, again.doc(), Some(&alice), &ctx()).unwrap();
    let emails = view.steps.iter().find(|s| s.step.id == "emails").unwrap();
    assert_eq!(emails.status.state, StepState::Done);
    assert_eq!(emails.status.done_at, Some(NOW));
    assert_eq!(emails.status.note.as_deref(), Some("gmail + fastmail"));
    assert_eq!(
        state(g, again.doc(), Some(&bob), "emails", &ctx()),
        StepState::NotDone
    );
    // Without an account, manual steps cannot be told.
    assert_eq!(
        state(g, again.doc(), None, "emails", &ctx()),
        StepState::Unknown
    );

    // Undo.
    assert!(vault
        .update(|doc| guides::uncheck_step(doc, "pypi-prevent", "emails", &alice))
        .unwrap());
    assert_eq!(
        state(g, vault.doc(), Some(&alice), "emails", &ctx()),
        StepState::NotDone
    );
    assert!(!vault
        .update(|doc| guides::uncheck_step(doc, "pypi-prevent", "emails", &alice))
        .unwrap());

    // Automatic and unknown steps, unknown guides and accounts are refused
    // with a message that says what to do.
    let err = |guide_id: &str, step: &str, account: &str| {
        let mut doc = vault.doc().clone();
        guides::check_step(&mut doc, guide_id, step, account, None, NOW)
            .unwrap_err()
            .to_string()
    };
    assert!(err("pypi-prevent", "totp", &alice).contains("automatically"));
    let e = err("pypi-prevent", "emial", &alice);
    assert!(
        e.contains("emails") && e.contains("security-history"),
        "{e}"
    );
    assert!(err("pypi-prevnt", "emails", &alice).contains("pypi-prevent"));
    assert!(err("pypi-prevent", "emails", "nope").contains("nope"));

    // Removing the account removes its progress.
    vault
        .update(|doc| guides::check_step(doc, "pypi-prevent", "password", &bob, None, NOW))
        .unwrap();
    vault
        .update(|doc| doc.remove_account(&bob).map(|_| ()))
        .unwrap();
    assert!(vault.doc().guide_checks.iter().all(|c| c.account_id != bob));
}

#[test]
fn a_security_review_goes_stale_after_120_days() {
    let (_dir, mut vault, ids) = vault_with(vec![Account::new("PyPI", "alice", None, 0).unwrap()]);
    let id = ids[0].clone();
    vault
        .update(|doc| guides::check_step(doc, "pypi-prevent", "security-history", &id, None, NOW))
        .unwrap();
    let g = guide("pypi-prevent");
    let at = |days: i64| {
        let c = Context {
            now: NOW + days * DAY,
            ..ctx()
        };
        guides::evaluate(g, vault.doc(), Some(&id), &c)
            .unwrap()
            .steps
            .into_iter()
            .find(|s| s.step.id == "security-history")
            .unwrap()
            .status
    };
    assert_eq!(at(119).state, StepState::Done);
    let stale = at(121);
    assert_eq!(stale.state, StepState::Stale);
    assert_eq!(stale.done_at, Some(NOW), "the last-review date is shown");
    assert!(stale.detail.unwrap().contains("120 days"));
}

#[test]
fn a_finished_guide_is_complete() {
    let mut a = Account::new("PyPI", "alice", Some(totp()), 0).unwrap();
    a.recovery = codes(8, Service::Pypi);
    a.recovery.take_next(NOW).unwrap();
    let (_dir, mut vault, ids) = vault_with(vec![a]);
    let id = ids[0].clone();
    let g = guide("pypi-prevent");
    vault
        .update(|doc| {
            doc.record_backup_export(NOW);
            for step in ["password", "emails", "security-history"] {
                guides::check_step(doc, "pypi-prevent", step, &id, None, NOW)?;
            }
            Ok(())
        })
        .unwrap();
    let view = guides::evaluate(g, vault.doc(), Some(&id), &ctx()).unwrap();
    assert!(!view.progress.complete);
    assert_eq!(view.next_step.as_deref(), Some("phishing"));
    vault
        .update(|doc| guides::check_step(doc, "pypi-prevent", "phishing", &id, None, NOW))
        .unwrap();
    let view = guides::evaluate(g, vault.doc(), Some(&id), &ctx()).unwrap();
    // The optional security key does not hold it back.
    assert!(view.progress.complete, "{:?}", view.progress);
    assert_eq!(view.progress.done, view.progress.total);
    assert_eq!(view.next_step, None);
    // Health has nothing to say about this account any more; only the
    // vault-wide reminder to make an emergency kit, until there is one.
    let report = health::check(vault.doc(), &ctx()).unwrap();
    let kinds: Vec<_> = report.findings.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FindingKind::NoEmergencyKit]);
    vault.create_kit(NOW).unwrap();
    let report = health::check(vault.doc(), &ctx()).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

// ---------------------------------------------------------------------------
// The PyPI recovery request
// ---------------------------------------------------------------------------

fn req<'a>(username: &'a str, reason: &'a str) -> request::RequestInput<'a> {
    request::RequestInput {
        username,
        reason,
        ..request::RequestInput::default()
    }
}

#[test]
fn pypi_request_has_every_form_field_in_order() {
    let r = request::pypi_recovery_request(&req("alice", "Lost my 2FA app and the recovery codes"))
        .unwrap();
    assert_eq!(r.form_url, FORM);
    assert_eq!(r.title, "Account recovery request");
    // The form's statements, verbatim, in the form's order.
    let statements = [
        "I never generated or have lost access to the recovery codes for my account",
        "agree to follow the PSF Code of Conduct",
        "understand that it may take a significant amount of time",
    ];
    let needles = [
        "`alice`",
        "Lost my 2FA app and the recovery codes",
        statements[0],
        statements[1],
        statements[2],
    ];
    let mut from = 0;
    for needle in needles {
        let at = r.body[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing or out of order in\n{}", r.body));
        from += at + needle.len();
    }
    assert!(r.body.trim_start().starts_with("### PyPI Username"));
    assert_eq!(r.fields.len(), 5);
    assert_eq!(r.fields[0].value, "`alice`");
    assert!(r.fields[2..].iter().all(|f| f.checkbox && f.ticked));
    assert_eq!(r.body.matches("- [x]").count(), 3);
    assert_eq!(r.warning, None);
    for (field, statement) in r.fields[2..].iter().zip(statements) {
        assert!(field.value.contains(statement), "{}", field.value);
    }
    let evidence = r.evidence.join("\n");
    for needle in [
        "projects",
        "latest release",
        "push a branch",
        "email address",
        "contact",
    ] {
        assert!(evidence.contains(needle), "{needle}");
    }
    let next: String = r.next_steps.iter().map(|f| f.text.clone() + "\n").collect();
    for needle in [
        "token",
        "7-day",
        "2FA",
        "recovery code",
        "Reply to that email",
        "latest release",
        "1.5 days",
    ] {
        assert!(next.contains(needle), "{needle}");
    }
    let meanwhile: String = r.meanwhile.iter().map(|f| f.text.clone() + "\n").collect();
    for needle in ["Trusted Publishers", "API tokens keep working", "co-owner"] {
        assert!(meanwhile.contains(needle), "{needle}");
    }
    // Every fact carries its sources, on PyPI's own sites, and a date.
    for f in r.next_steps.iter().chain(&r.meanwhile) {
        assert!(!f.sources.is_empty(), "{}", f.text);
        assert!(sparekey_core::time::parse_date(&f.checked).is_some());
        for s in &f.sources {
            assert_eq!(guides::url_problem("pypi", &s.url), None, "{}", f.text);
            assert!(!s.supports.is_empty());
        }
    }
}

#[test]
fn pypi_request_usernames_have_at_most_50_characters() {
    let fifty = "a".repeat(50);
    assert!(request::pypi_recovery_request(&req(&fifty, "x")).is_ok());
    let err = request::pypi_recovery_request(&req(&"a".repeat(51), "x"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 50"), "{err}");
}

#[test]
fn the_draft_knows_the_vault_unused_codes_mean_no_lost_codes_tick() {
    let mut alice = Account::new("PyPI", "alice-dev", Some(totp()), 0).unwrap();
    let mut set = codes(8, Service::Pypi);
    set.mark_used(0, NOW).unwrap();
    alice.recovery = set;
    let (_dir, vault, ids) = vault_with(vec![alice]);
    let doc = vault.doc();
    // The form is filled from the account.
    let form = sparekey_core::app::guides::request_form(Some(doc), Some(&ids[0])).unwrap();
    assert_eq!(form.username.as_deref(), Some("alice-dev"));
    assert_eq!(form.unused_codes, Some(7));
    let input = sparekey_core::app::guides::DraftInput {
        account_id: Some(&ids[0]),
        username: "alice-dev",
        reason: request::PYPI_REASONS[2],
        mailbox_gone: true,
    };
    let r = sparekey_core::app::guides::draft_request(Some(doc), &input).unwrap();
    // 7 unused codes: the lost-codes statement is not ticked, and the user
    // reads why and how to use a code first.
    assert!(!r.fields[2].ticked);
    assert!(
        r.body
            .contains(&format!("- [ ] {}", request::PYPI_STATEMENTS[0])),
        "{}",
        r.body
    );
    assert!(!r
        .body
        .contains(&format!("- [x] {}", request::PYPI_STATEMENTS[0])));
    assert!(r.fields[3].ticked && r.fields[4].ticked);
    let warning = r.warning.expect("a warning");
    assert!(
        warning.contains("7 unused PyPI recovery codes"),
        "{warning}"
    );
    assert!(
        warning.contains("https://pypi.org/account/login/"),
        "{warning}"
    );
    assert!(warning.contains("Login using recovery codes"), "{warning}");
    // The mailbox is gone: the request says so and asks for another address.
    assert!(r.fields[1]
        .value
        .contains("no longer have access to the primary email address"));
    assert!(r.fields[1].value.contains("another address"));
    // Without the vault the draft cannot know, and ticks as the form asks.
    let locked = sparekey_core::app::guides::draft_request(None, &input).unwrap();
    assert!(locked.fields[2].ticked && locked.warning.is_none());
    // No codes left: ticked.
    let (_dir2, vault2, ids2) = vault_with(vec![Account::new("PyPI", "bob", None, 0).unwrap()]);
    let none = sparekey_core::app::guides::draft_request(
        Some(vault2.doc()),
        &sparekey_core::app::guides::DraftInput {
            account_id: Some(&ids2[0]),
            ..input
        },
    )
    .unwrap();
    assert!(none.fields[2].ticked);
}

#[test]
fn recover_guides_put_unused_codes_first() {
    let mut alice = Account::new("PyPI", "alice", None, 0).unwrap();
    let pypi_file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recovery/PyPI-Recovery-Codes-alice-2024-08-02T00_21_08.140030.txt");
    let parsed = sparekey_core::recovery::parse_codes_file(&pypi_file).unwrap();
    alice.recovery = RecoverySet::from_parsed(parsed, NOW).unwrap();
    alice.recovery.mark_used(0, NOW).unwrap();
    let bare = Account::new("PyPI", "bob", None, 0).unwrap();
    let (_dir, vault, ids) = vault_with(vec![alice, bare]);
    let view = guides::evaluate(guide("pypi-recover"), vault.doc(), Some(&ids[0]), &ctx()).unwrap();
    let first = view.codes_first.expect("unused codes come first");
    assert_eq!((first.unused, first.total), (7, 8));
    assert_eq!(first.branch.as_deref(), Some("recovery-codes"));
    assert_eq!(first.step, "use-recovery-code");
    assert_eq!(
        first.message,
        "Sparekey holds 7 unused recovery codes for this account (generated 2024-08-02): use one \
         of these first."
    );
    // No codes, or a prevent guide: nothing to put first.
    let none = guides::evaluate(guide("pypi-recover"), vault.doc(), Some(&ids[1]), &ctx()).unwrap();
    assert!(none.codes_first.is_none());
    let prevent =
        guides::evaluate(guide("pypi-prevent"), vault.doc(), Some(&ids[0]), &ctx()).unwrap();
    assert!(prevent.codes_first.is_none());
}

// ---------------------------------------------------------------------------
// Health
// ---------------------------------------------------------------------------

#[test]
fn health_lists_each_risk_most_serious_first() {
    let no_codes = Account::new("Example", "nocodes", Some(totp()), 0).unwrap();
    let mut used_up = Account::new("GitHub", "usedup", None, 0).unwrap();
    used_up.recovery = codes(2, Service::Github);
    used_up.recovery.take_next(NOW).unwrap();
    used_up.recovery.take_next(NOW).unwrap();
    let mut low = Account::new("Other", "low", None, 0).unwrap();
    low.recovery = codes(3, Service::Unknown);
    low.recovery.take_next(NOW).unwrap();
    let mut fine = Account::new("Other", "fine", None, 0).unwrap();
    fine.recovery = codes(5, Service::Unknown);
    let pypi = Account::new("PyPI", "alice", None, 0).unwrap();
    let mut doc = Document::default();
    for a in [
        no_codes.clone(),
        used_up.clone(),
        low.clone(),
        fine.clone(),
        pypi.clone(),
    ] {
        doc.add_account(a).unwrap();
    }
    let unsynced = Context {
        now: NOW,
        clock: ClockSync::Unsynchronized,
    };
    let report = health::check(&doc, &unsynced).unwrap();
    let kinds: Vec<(Severity, FindingKind, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.severity, f.kind, f.account_id.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                Severity::Critical,
                FindingKind::NoRecoveryCodes,
                Some(no_codes.id.as_str())
            ),
            (
                Severity::Critical,
                FindingKind::RecoveryCodesUsedUp,
                Some(used_up.id.as_str())
            ),
            // No kit and no backup: the vault itself is the single point.
            (Severity::Critical, FindingKind::VaultSinglePoint, None),
            (
                Severity::Warning,
                FindingKind::RecoveryCodesLow,
                Some(low.id.as_str())
            ),
            (Severity::Warning, FindingKind::NoRecentBackup, None),
            (Severity::Warning, FindingKind::NoEmergencyKit, None),
            (Severity::Warning, FindingKind::ClockUnsynchronized, None),
            // GitHub's guide for the GitHub account, PyPI's for alice.
            (
                Severity::Notice,
                FindingKind::GuideUnfinished,
                Some(used_up.id.as_str())
            ),
            (
                Severity::Notice,
                FindingKind::GuideUnfinished,
                Some(pypi.id.as_str())
            ),
        ]
    );
    let f = &report.findings;
    // Each finding names the guide step that fixes it.
    let fix = |i: usize| (f[i].guide_id.as_deref(), f[i].step_id.as_deref());
    assert_eq!(fix(0), (Some("generic-prevent"), Some("recovery-codes")));
    assert_eq!(fix(1), (Some("github-prevent"), Some("codes-left")));
    assert_eq!(fix(2), (Some("generic-prevent"), Some("emergency-kit")));
    assert_eq!(fix(3), (Some("generic-prevent"), Some("codes-left")));
    assert_eq!(fix(4), (Some("generic-prevent"), Some("backup")));
    assert_eq!(fix(5), (Some("generic-prevent"), Some("emergency-kit")));
    assert_eq!(fix(6), (Some("generic-recover"), Some("clock")));
    assert_eq!(fix(8), (Some("pypi-prevent"), Some("password")));
    assert!(
        f[0].message.contains("Example (nocodes)"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].account_label.as_deref(), Some("Example:nocodes"));
    assert!(f[3].message.contains("Only 2 unused"), "{}", f[3].message);
    assert!(f[8].message.contains("0 of 9"), "{}", f[8].message);

    // A recent backup and an unknown clock: neither is a finding, and the
    // unknown clock is reported as such.
    doc.record_backup_export(NOW - DAY);
    let unknown = Context {
        now: NOW,
        clock: ClockSync::Unknown,
    };
    let report = health::check(&doc, &unknown).unwrap();
    assert_eq!(report.clock, ClockSync::Unknown);
    assert!(report.findings.iter().all(|f| !matches!(
        f.kind,
        FindingKind::NoRecentBackup | FindingKind::ClockUnsynchronized
    )));
    // ...until the backup is older than 90 days.
    let later = Context {
        now: NOW + 90 * DAY,
        clock: ClockSync::Synchronized,
    };
    let report = health::check(&doc, &later).unwrap();
    assert!(report
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::NoRecentBackup && f.message.contains("90 days")));

    // An empty vault has nothing at risk.
    let report = health::check(&Document::default(), &ctx()).unwrap();
    assert!(report.findings.is_empty());
}

#[test]
fn reports_serialize_for_front_ends() {
    let doc = Document::default();
    let view = guides::evaluate(guide("pypi-recover"), &doc, None, &ctx()).unwrap();
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["kind"], "recover");
    assert_eq!(json["branches"][0]["steps"][1]["check"]["type"], "auto");
    assert_eq!(
        json["branches"][0]["steps"][1]["check"]["auto"],
        "clock_synchronized"
    );
    assert_eq!(
        json["branches"][0]["steps"][1]["status"]["state"], "done",
        "the clock is synchronized in this context"
    );
    assert_eq!(
        json["branches"][0]["steps"][0]["status"]["state"],
        "unknown"
    );
    let report = serde_json::to_value(health::check(&doc, &ctx()).unwrap()).unwrap();
    assert_eq!(report["clock"], "synchronized");
    assert!(report["findings"].as_array().unwrap().is_empty());
}
