//! `account`: one account: show it with its ways back in, set its tags,
//! pin it, record and remove ways back in, check a second copy.

use anyhow::Result;
use sparekey_core::{
    app::{
        accounts,
        ways::{self, NewEntry, Part, WaysView},
    },
    secret::ExposeSecret,
    ways::{CheckResult, CodeCopy, CopyKind, Factor, FactorKind, RecoveryEmail},
};

use crate::{
    args::{AccountCommand, AddWayArgs},
    input, output,
    session::Session,
};

pub fn run(s: &Session, cmd: AccountCommand) -> Result<()> {
    match cmd {
        AccountCommand::Show { query } => show(s, &query),
        AccountCommand::Tag { query, tags } => {
            let mut vault = s.open()?;
            let id = s.account_id(&vault, &query)?;
            let summary = accounts::set_tags(&mut vault, &id, &tags)?;
            if s.out.json {
                return s.out.json(&summary);
            }
            match summary.tags.as_slice() {
                [] => s.out.line(format!("{} has no tags now", summary.label)),
                tags => s
                    .out
                    .line(format!("{} is tagged {}", summary.label, tags.join(", "))),
            }
        }
        AccountCommand::Pin { query } => pin(s, &query, true),
        AccountCommand::Unpin { query } => pin(s, &query, false),
        AccountCommand::AddWay(args) => add_way(s, args),
        AccountCommand::RemoveWay {
            query,
            part,
            number,
        } => {
            let part = match part.as_str() {
                "factor" => Part::Factor,
                "email" => Part::Email,
                _ => Part::Copy,
            };
            let mut vault = s.open()?;
            let id = s.account_id(&vault, &query)?;
            let view = ways::remove(&mut vault, &id, part, number)?;
            print_view(s, &view)
        }
        AccountCommand::Confirm { query } => {
            let mut vault = s.open()?;
            let id = s.account_id(&vault, &query)?;
            let view = ways::confirm(&mut vault, &id)?;
            print_view(s, &view)
        }
        AccountCommand::CheckPhone {
            query,
            code,
            device,
        } => {
            let mut vault = s.open()?;
            let id = s.account_id(&vault, &query)?;
            let code = match code {
                Some(code) => code,
                None => input::prompt_line(
                    "Code shown by the other authenticator: ",
                    "code",
                    "--code CODE",
                )?,
            };
            let result = ways::check_phone(&mut vault, &id, &code, device.as_deref())?;
            print_check(s, &result)
        }
        AccountCommand::CheckSheet {
            query,
            code_file,
            other_store,
        } => {
            let mut vault = s.open()?;
            let id = s.account_id(&vault, &query)?;
            let code = match &code_file {
                Some(path) => {
                    if path.as_os_str() == "-" {
                        s.claim_stdin("--code-file -")?;
                    }
                    input::first_line(path, "recovery code")?
                }
                None => input::prompt_secret("One unused code from the sheet: ")?,
            };
            let kind = if other_store {
                CopyKind::OtherStore
            } else {
                CopyKind::Printed
            };
            let result = ways::check_sheet(&mut vault, &id, code.expose_secret(), kind)?;
            print_check(s, &result)
        }
    }
}

fn pin(s: &Session, query: &str, pinned: bool) -> Result<()> {
    let mut vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let summary = accounts::set_pinned(&mut vault, &id, pinned)?;
    if s.out.json {
        return s.out.json(&summary);
    }
    s.out.line(format!(
        "{} is {}",
        summary.label,
        if pinned {
            "pinned: listed first"
        } else {
            "no longer pinned"
        }
    ))
}

fn add_way(s: &Session, a: AddWayArgs) -> Result<()> {
    let mut vault = s.open()?;
    let id = s.account_id(&vault, &a.query)?;
    let name = a.name.unwrap_or_default();
    let place = a.place.unwrap_or_default();
    let entry = match a.kind.as_str() {
        "email" => {
            let mailbox_account = match &a.mailbox {
                Some(q) => Some(s.account_id(&vault, q)?),
                None => None,
            };
            NewEntry::Email(RecoveryEmail {
                address: name,
                mailbox_account,
                work: a.work,
            })
        }
        "printed" | "other-store" => NewEntry::Copy(CodeCopy {
            kind: CopyKind::from_name(&a.kind)?,
            place,
            checked_at: None,
        }),
        kind => NewEntry::Factor(Factor {
            kind: FactorKind::from_name(kind)?,
            name,
            place,
            checked_at: None,
        }),
    };
    let view = ways::add(&mut vault, &id, entry)?;
    print_view(s, &view)
}

fn show(s: &Session, query: &str) -> Result<()> {
    let vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let summary = vault.doc().account(&id)?.summary();
    let view = ways::view(&vault, &id)?;
    if s.out.json {
        return s
            .out
            .json(&serde_json::json!({ "account": summary, "ways": view }));
    }
    let out = &s.out;
    out.line(&summary.display)?;
    out.line(format!("  2FA:            {}", output::describe(&summary)))?;
    let codes = match summary.recovery.total {
        0 => "none".to_owned(),
        total => format!("{} of {total} unused", summary.recovery.unused),
    };
    out.line(format!("  recovery codes: {codes}"))?;
    if !summary.tags.is_empty() {
        out.line(format!("  tags:           {}", summary.tags.join(", ")))?;
    }
    if summary.pinned {
        out.line("  pinned")?;
    }
    print_view(s, &view)
}

fn date(at: Option<i64>) -> String {
    at.map(|t| format!(", checked {}", sparekey_core::time::format_date(t)))
        .unwrap_or_default()
}

fn print_view(s: &Session, view: &WaysView) -> Result<()> {
    let out = &s.out;
    if out.json {
        return out.json(view);
    }
    out.line("Ways back in:")?;
    if !view.recorded {
        out.line(
            "  not recorded yet: add what else gets you in (`account add-way`), or `account \
             confirm` if nothing else does",
        )?;
    }
    for (i, w) in view.ways_in.iter().enumerate() {
        out.line(format!("  {}. {}", i + 1, w.label))?;
    }
    if view.ways_in.is_empty() {
        out.line("  none")?;
    }
    let ways = &view.ways;
    if !ways.factors.is_empty() {
        out.line("Second factors (remove-way ... factor N):")?;
        for (i, f) in ways.factors.iter().enumerate() {
            let name = if f.name.is_empty() {
                String::new()
            } else {
                format!(" {}", f.name)
            };
            let place = if f.place.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.place)
            };
            out.line(format!(
                "  {}. {}{name}{place}{}",
                i + 1,
                f.kind.label(),
                date(f.checked_at)
            ))?;
        }
    }
    if !ways.emails.is_empty() {
        out.line("Recovery emails (remove-way ... email N):")?;
        for (i, e) in ways.emails.iter().enumerate() {
            let mailbox = e
                .mailbox_account
                .as_ref()
                .and_then(|id| view.mailbox_choices.iter().find(|(c, _)| c == id))
                .map(|(_, name)| format!(", mailbox: {name}"))
                .unwrap_or_default();
            let work = if e.work { ", work or school" } else { "" };
            out.line(format!("  {}. {}{mailbox}{work}", i + 1, e.address))?;
        }
    }
    if !ways.copies.is_empty() {
        out.line("Copies of the recovery codes (remove-way ... copy N):")?;
        for (i, c) in ways.copies.iter().enumerate() {
            let what = match c.kind {
                CopyKind::Printed => "printed",
                CopyKind::OtherStore => "another store",
            };
            let place = if c.place.is_empty() {
                String::new()
            } else {
                format!(" ({})", c.place)
            };
            out.line(format!("  {}. {what}{place}{}", i + 1, date(c.checked_at)))?;
        }
    }
    for f in &view.findings {
        out.line(format!("! {}", f.message))?;
    }
    Ok(())
}

fn print_check(s: &Session, result: &CheckResult) -> Result<()> {
    if s.out.json {
        return s.out.json(result);
    }
    s.out.line(&result.message)?;
    if !result.matches {
        anyhow::bail!("the code did not match");
    }
    Ok(())
}
