//! `guide`, `health` and `recovery-request`: the guides, lockout risks and
//! the PyPI account-recovery draft, printed for a terminal or as JSON.
//!
//! The clock check asks the system (see `sparekey_core::clock`); setting
//! `SPAREKEY_CLOCK_SYNC` to `synchronized`, `unsynchronized` or `unknown`
//! overrides it (for tests, and for systems where detection is wrong).

use std::path::Path;

use anyhow::{bail, Context as _, Result};
use serde_json::json;
use sparekey_core::{
    clock::{ClockSource, ClockSync, FixedClock, SystemClock},
    guides::{self, request, Check, Context, Guide, StepState, StepView},
    health::{self, Severity},
    time,
    vault::store::VaultPaths,
};

use crate::{
    cli::{GuideCommand, RequestService},
    commands::{note, open, Out},
    input,
};

/// Environment variable that overrides the clock-sync detection.
const CLOCK_ENV: &str = "SPAREKEY_CLOCK_SYNC";

fn context() -> Result<Context> {
    let clock = match std::env::var(CLOCK_ENV) {
        Ok(v) if !v.is_empty() => FixedClock(
            v.parse::<ClockSync>()
                .with_context(|| format!("{CLOCK_ENV}={v:?}"))?,
        )
        .sync_state(),
        _ => SystemClock.sync_state(),
    };
    Ok(Context {
        now: time::now(),
        clock,
    })
}

/// `guide list|show|check`.
pub fn guide(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    cmd: GuideCommand,
    out: &Out,
) -> Result<()> {
    match cmd {
        GuideCommand::List => list(out),
        GuideCommand::Show {
            id,
            account,
            branch,
        } => show(
            paths,
            pass_file,
            &id,
            account.as_deref(),
            branch.as_deref(),
            out,
        ),
        GuideCommand::Check {
            id,
            step,
            account,
            note,
            undo,
        } => check(
            paths,
            pass_file,
            &id,
            &step,
            &account,
            note.as_deref(),
            undo,
            out,
        ),
    }
}

fn list(out: &Out) -> Result<()> {
    let all = guides::all()?;
    if out.json {
        let list: Vec<_> = all.iter().map(Guide::summary).collect();
        return out.json(&serde_json::to_value(list)?);
    }
    let width = all.iter().map(|g| g.id.len()).max().unwrap_or(2);
    out.line(format!("{:<width$}  {:<8} TITLE", "ID", "KIND"))?;
    for g in all {
        out.line(format!(
            "{:<width$}  {:<8} {}",
            g.id,
            g.kind.to_string(),
            g.title
        ))?;
    }
    Ok(())
}

fn show(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    id: &str,
    account: Option<&str>,
    branch: Option<&str>,
    out: &Out,
) -> Result<()> {
    let guide = guides::get(id)?;
    if let Some(b) = branch {
        if guide.branch(b).is_none() {
            bail!(
                "guide {id} has no branch {b:?}; its branches are: {}",
                if guide.branches.is_empty() {
                    "none".to_owned()
                } else {
                    guide
                        .branches
                        .iter()
                        .map(|b| b.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            );
        }
    }
    let Some(query) = account else {
        // Without an account the vault is not opened: the guide as written.
        if out.json {
            return out.json(&serde_json::to_value(guide)?);
        }
        out.line(format!("{}  [{}]", guide.title, guide.id))?;
        out.line(&guide.summary)?;
        print_steps(out, guide.steps.iter().map(|s| (s, None)))?;
        print_branches(out, guide, branch, |b| {
            b.steps.iter().map(|s| (s, None)).collect()
        })?;
        print_footer(out, guide)?;
        return out.line(format!(
            "\nSee what is done for an account: sparekey-cli guide show {} --account QUERY",
            guide.id
        ));
    };
    let vault = open(paths, pass_file)?;
    let account = vault.doc().find(query)?;
    let view = guides::evaluate(guide, vault.doc(), Some(&account.id), &context()?)?;
    if out.json {
        let mut value = serde_json::to_value(&view)?;
        if let (Some(b), Some(obj)) = (branch, value.as_object_mut()) {
            if let Some(list) = obj.get_mut("branches").and_then(|v| v.as_array_mut()) {
                list.retain(|x| x["id"] == b);
            }
        }
        return out.json(&value);
    }
    out.line(format!("{}  [{}]", view.title, view.id))?;
    out.line(format!(
        "For {}: {} of {} steps done{}",
        account.label(),
        view.progress.done,
        view.progress.total,
        match &view.next_step {
            Some(s) => format!("; next: {s}"),
            None if view.progress.total > 0 => " - complete".to_owned(),
            None => String::new(),
        }
    ))?;
    if !view.fits_account {
        note(format!(
            "note: this guide is for {} accounts, and {} does not look like one",
            view.service_label,
            account.label()
        ));
    }
    out.line(&view.summary)?;
    print_steps(out, view.steps.iter().map(|v| (&v.step, Some(v))))?;
    print_branches(out, guide, branch, |b| {
        view.branches
            .iter()
            .find(|bv| bv.id == b.id)
            .map(|bv| bv.steps.iter().map(|v| (&v.step, Some(v))).collect())
            .unwrap_or_default()
    })?;
    print_footer(out, guide)?;
    if view
        .steps
        .iter()
        .chain(view.branches.iter().flat_map(|b| b.steps.iter()))
        .any(|v| v.step.check == Check::Manual)
    {
        out.line(format!(
            "\nMark a step done: sparekey-cli guide check {} STEP --account {query:?} [--note TEXT]",
            guide.id
        ))?;
    }
    Ok(())
}

fn print_branches<'a>(
    out: &Out,
    guide: &'a Guide,
    only: Option<&str>,
    steps_of: impl Fn(&'a guides::Branch) -> Vec<(&'a guides::Step, Option<&'a StepView>)>,
) -> Result<()> {
    if guide.branches.is_empty() {
        return Ok(());
    }
    if only.is_none() {
        if let Some(q) = &guide.question {
            out.line(format!(
                "\n{q} Pick the answer that fits (--branch ID shows only that one):"
            ))?;
        }
    }
    for b in &guide.branches {
        if only.is_some_and(|o| o != b.id) {
            continue;
        }
        out.line(format!("\n== [{}] {}", b.id, b.label))?;
        print_steps(out, steps_of(b).into_iter())?;
    }
    Ok(())
}

fn print_footer(out: &Out, guide: &Guide) -> Result<()> {
    if let Some(next) = &guide.next {
        let title = guides::get(next)
            .map(|g| g.title.clone())
            .unwrap_or_default();
        out.line(format!(
            "\nAfterwards: \"{title}\" (sparekey-cli guide show {next})"
        ))?;
    }
    Ok(())
}

fn print_steps<'a>(
    out: &Out,
    steps: impl Iterator<Item = (&'a guides::Step, Option<&'a StepView>)>,
) -> Result<()> {
    for (i, (step, view)) in steps.enumerate() {
        let mark = match view.map(|v| v.status.state) {
            None => "",
            Some(StepState::Done) => "[x] ",
            Some(StepState::NotDone) => "[ ] ",
            Some(StepState::Stale) => "[!] ",
            Some(StepState::Unknown) => "[?] ",
            Some(StepState::Info) => "[i] ",
        };
        out.line(format!(
            "\n{:>2}. {mark}{}{}  ({})",
            i + 1,
            step.title,
            if step.optional { " (optional)" } else { "" },
            step.id
        ))?;
        let indent = "      ";
        if let Some(v) = view {
            let s = &v.status;
            let auto = matches!(step.check, Check::Auto(_));
            let mut state = match (s.state, s.done_at) {
                (StepState::Done, Some(at)) if !auto => {
                    format!("done {}", time::format_date(at))
                }
                (StepState::Done, _) if !auto => "done".to_owned(),
                (StepState::NotDone, _) if !auto => "not done".to_owned(),
                _ => String::new(),
            };
            if let Some(d) = &s.detail {
                if !state.is_empty() {
                    state.push_str(" - ");
                }
                if auto {
                    state.push_str("checked from the vault: ");
                }
                state.push_str(d);
            }
            if let Some(n) = &s.note {
                state.push_str(&format!(" - note: {n}"));
            }
            if !state.is_empty() {
                out.line(format!("{indent}{state}"))?;
            }
        } else {
            let how = match step.check {
                Check::Manual => Some("you mark it done".to_owned()),
                Check::Auto(a) => Some(format!("checked from the vault ({})", a.name())),
                Check::Info => None,
            };
            if let Some(how) = how {
                out.line(format!("{indent}{how}"))?;
            }
        }
        out.line(format!("{indent}{}", step.text))?;
        for link in &step.links {
            out.line(format!("{indent}-> {}  ({})", link.url, link.label))?;
        }
        if let Some(cli) = &step.cli {
            out.line(format!("{indent}$ {cli}"))?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn check(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    id: &str,
    step: &str,
    query: &str,
    note_text: Option<&str>,
    undo: bool,
    out: &Out,
) -> Result<()> {
    // Unknown guides, unknown steps and steps that are not manual fail
    // before the passphrase is asked.
    guides::manual_step(id, step)?;
    let mut vault = open(paths, pass_file)?;
    let account = vault.doc().find(query)?;
    let (account_id, label) = (account.id.clone(), account.label());
    let now = time::now();
    if undo {
        let existed = vault.update(|doc| guides::uncheck_step(doc, id, step, &account_id))?;
        if out.json {
            return out.json(&json!({
                "guide": id, "step": step, "account": label, "done": false, "was_done": existed,
            }));
        }
        return out.line(if existed {
            format!("Unmarked {id}/{step} for {label}")
        } else {
            format!("{id}/{step} was not marked done for {label}; nothing changed")
        });
    }
    vault.update(|doc| guides::check_step(doc, id, step, &account_id, note_text, now))?;
    if out.json {
        return out.json(&json!({
            "guide": id, "step": step, "account": label, "done": true, "done_at": now,
            "note": note_text.map(str::trim).unwrap_or_default(),
        }));
    }
    out.line(format!(
        "Marked {id}/{step} done for {label} ({})",
        time::format_date(now)
    ))
}

/// `health`.
pub fn health(paths: &VaultPaths, pass_file: Option<&Path>, out: &Out) -> Result<()> {
    let vault = open(paths, pass_file)?;
    let report = health::check(vault.doc(), &context()?)?;
    if out.json {
        return out.json(&serde_json::to_value(&report)?);
    }
    if report.findings.is_empty() {
        out.line("No lockout risks found.")?;
    }
    for f in &report.findings {
        let severity = match f.severity {
            Severity::Critical => "CRITICAL",
            Severity::Warning => "WARNING",
            Severity::Notice => "NOTICE",
        };
        out.line(format!("{severity:<8}  {}", f.message))?;
        if let (Some(g), Some(s)) = (&f.guide_id, &f.step_id) {
            let account = f
                .account_label
                .as_ref()
                .map(|l| format!(" --account {l:?}"))
                .unwrap_or_default();
            out.line(format!(
                "          fix: step {s} of sparekey-cli guide show {g}{account}"
            ))?;
        }
    }
    if report.clock == ClockSync::Unknown {
        note("note: Sparekey cannot tell whether the system clock is synchronized (TOTP codes depend on it)");
    }
    Ok(())
}

/// `recovery-request pypi`.
pub fn recovery_request(
    service: RequestService,
    username: Option<String>,
    reason: Option<String>,
    out: &Out,
) -> Result<()> {
    let RequestService::Pypi = service;
    let username = match username {
        Some(u) => u,
        None => input::prompt_line("PyPI username: ", "--username", "--username NAME")?,
    };
    let reason = match reason {
        Some(r) => r,
        None => {
            if input::stdin_is_terminal() {
                note("Common reasons:");
                for r in request::PYPI_REASONS {
                    note(format!("  - {r}"));
                }
            }
            input::prompt_line(
                "Reason for the request: ",
                "--reason",
                "--reason \"what happened\"",
            )?
        }
    };
    let draft = request::pypi_recovery_request(&username, &reason)?;
    if out.json {
        return out.json(&serde_json::to_value(&draft)?);
    }
    // The draft alone on standard output (pipe it to the clipboard); the
    // guidance on standard error.
    out.line(draft.body.trim_end())?;
    note(format!(
        "\nFile it at {} (title: \"{}\"): paste each field into the form and tick the three boxes.",
        draft.form_url, draft.title
    ));
    note("Prepare this evidence:");
    for e in &draft.evidence {
        note(format!("  - {e}"));
    }
    note("What happens next:");
    for s in &draft.next_steps {
        note(format!("  - {s}"));
    }
    Ok(())
}
