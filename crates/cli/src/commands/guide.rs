//! `guide list|show|check`: the guides, printed for a terminal or as JSON,
//! evaluated for an account when one is given.

use anyhow::{bail, Result};
use serde_json::json;
use sparekey_core::{
    app::guides::{self as guide_app, StepRef},
    guides::{self, Check, Guide, StepState, StepView},
    time,
};

use crate::{
    args::GuideCommand,
    output::{note, Out},
    session::Session,
};

/// `guide list|show|check`.
pub fn run(s: &Session, cmd: GuideCommand) -> Result<()> {
    match cmd {
        GuideCommand::List => list(&s.out),
        GuideCommand::Show {
            id,
            account,
            branch,
        } => show(s, &id, account.as_deref(), branch.as_deref()),
        GuideCommand::Check {
            id,
            step,
            account,
            note,
            undo,
        } => check(s, &id, &step, &account, note.as_deref(), undo),
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

fn show(s: &Session, id: &str, account: Option<&str>, branch: Option<&str>) -> Result<()> {
    let out = &s.out;
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
    let vault = s.open()?;
    let account = vault.doc().account(&s.account_id(&vault, query)?)?;
    let view = guide_app::view(
        Some(vault.doc()),
        id,
        Some(&account.id),
        &s.guide_context()?,
    )?;
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
    if let Some(first) = &view.codes_first {
        out.line(format!(
            "\n{} See step {}{}.",
            first.message,
            first.step,
            first
                .branch
                .as_ref()
                .map(|b| format!(" (--branch {b})"))
                .unwrap_or_default()
        ))?;
    }
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

/// A source as a terminal shows it: the address, or for Sparekey's own
/// documentation the file and section.
pub fn source_label(url: &str) -> String {
    match url.strip_prefix(guides::SPAREKEY_SOURCE) {
        Some(doc) => format!("Sparekey's {}", doc.replace('#', ", section ")),
        None => url.to_owned(),
    }
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
        if let Some(target) = &step.goto {
            out.line(format!(
                "{indent}=> then follow the answer [{target}] (--branch {target})"
            ))?;
        }
        for source in &step.sources {
            out.line(format!(
                "{indent}Source: {} ({})",
                source_label(&source.url),
                source.supports
            ))?;
        }
        if !step.checked.is_empty() {
            out.line(format!("{indent}Sources checked {}", step.checked))?;
        }
        if let Some(cli) = &step.cli {
            out.line(format!("{indent}$ {cli}"))?;
        }
    }
    Ok(())
}

fn check(
    s: &Session,
    id: &str,
    step: &str,
    query: &str,
    note_text: Option<&str>,
    undo: bool,
) -> Result<()> {
    // Unknown guides, unknown steps and steps that are not manual fail
    // before the passphrase is asked.
    guides::manual_step(id, step)?;
    let mut vault = s.open()?;
    let account_id = s.account_id(&vault, query)?;
    let label = vault.doc().account(&account_id)?.label();
    let ctx = s.guide_context()?;
    let step_ref = StepRef {
        guide_id: id,
        step_id: step,
        account_id: &account_id,
    };
    if undo {
        let (existed, _) = guide_app::uncheck(&mut vault, step_ref, &ctx)?;
        if s.out.json {
            return s.out.json(&json!({
                "guide": id, "step": step, "account": label, "done": false, "was_done": existed,
            }));
        }
        return s.out.line(if existed {
            format!("Unmarked {id}/{step} for {label}")
        } else {
            format!("{id}/{step} was not marked done for {label}; nothing changed")
        });
    }
    guide_app::check(&mut vault, step_ref, note_text, &ctx)?;
    let now = ctx.now;
    if s.out.json {
        return s.out.json(&json!({
            "guide": id, "step": step, "account": label, "done": true, "done_at": now,
            "note": note_text.map(str::trim).unwrap_or_default(),
        }));
    }
    s.out.line(format!(
        "Marked {id}/{step} done for {label} ({})",
        time::format_date(now)
    ))
}
