//! `recovery add|list|use|unuse`: an account's recovery codes.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde_json::json;
use sparekey_core::{
    app::recovery::{self, CodesSource, RecoveryView, Reveal},
    recovery::{Service, RUNNING_LOW_AT},
    secret::ExposeSecret,
    time,
};

use crate::{args::RecoveryCommand, input, output::note, session::Session};

pub fn run(s: &Session, cmd: RecoveryCommand) -> Result<()> {
    match cmd {
        RecoveryCommand::Add {
            query,
            file,
            replace,
            generated,
        } => add(s, &query, file, replace, generated.as_deref()),
        RecoveryCommand::List { query, reveal } => list(s, &query, reveal),
        RecoveryCommand::Use { query } => use_next(s, &query),
        RecoveryCommand::Unuse { query, number } => {
            let mut vault = s.open()?;
            let id = s.account_id(&vault, &query)?;
            let view = recovery::unuse(&mut vault, &id, number)?;
            if s.out.json {
                return s.out.json(&view);
            }
            s.out
                .line(format!("Marked code #{number} of {} unused", view.account))
        }
    }
}

fn add(
    s: &Session,
    query: &str,
    file: Option<PathBuf>,
    replace: bool,
    generated: Option<&str>,
) -> Result<()> {
    let generated_at = recovery::generated_date(generated, time::now())?;
    let file = file.unwrap_or_else(|| PathBuf::from("-"));
    // Parsed before the vault is opened: bad input fails fast.
    let parsed = if file == Path::new("-") {
        s.claim_stdin("the codes")?;
        if input::stdin_is_terminal() {
            note("Paste the recovery codes, then press Ctrl-D:");
        }
        recovery::parse(CodesSource::Text(&input::whole_text(
            &file,
            "recovery codes",
        )?))?
    } else {
        recovery::parse(CodesSource::File(&file))?
    };
    let mut vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let view = recovery::save(&mut vault, &id, parsed, replace, generated_at)?;
    if let Some(n) = &view.note {
        note(format!("note: {n}"));
    }
    if s.out.json {
        return s
            .out
            .json(&json!({"account": view.account, "saved": view.total, "service": view.service}));
    }
    let service = match view.service {
        Service::Unknown => String::new(),
        service => format!("{} ", service.label()),
    };
    s.out.line(format!(
        "Saved {} {service}recovery codes for {} (generated {})",
        view.total,
        view.account,
        view.generated_at
            .map_or_else(|| "on an unknown date".to_owned(), time::format_date)
    ))
}

fn list(s: &Session, query: &str, reveal: bool) -> Result<()> {
    let vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let reveal = if reveal {
        Reveal::Codes
    } else {
        Reveal::Masked
    };
    let view = recovery::view(&vault, &id, reveal)?;
    if s.out.json {
        return s.out.json(&view);
    }
    if view.total == 0 {
        return s.out.line(format!(
            "{} has no recovery codes saved. Add them with `sparekey-cli recovery add {query} FILE`.",
            view.account
        ));
    }
    s.out.line(format!(
        "{}: {} of {} codes unused{}",
        view.account,
        view.unused,
        view.total,
        view.generated_at
            .map(|at| format!(", generated {}", time::format_date(at)))
            .unwrap_or_default()
    ))?;
    for row in &view.codes {
        let state = match row.used_at {
            Some(t) => format!("used {}", time::format_utc(t)),
            None if row.used => "used".to_owned(),
            None => "unused".to_owned(),
        };
        s.out
            .line(format!("{:>3}. {:<24} {state}", row.number, row.code))?;
    }
    for old in view.superseded.iter().rev() {
        s.out.line(format!(
            "     superseded: {} codes generated {} ({} used), replaced {}",
            old.total,
            old.generated_at
                .map_or_else(|| "on an unknown date".to_owned(), time::format_date),
            old.used,
            time::format_date(old.replaced_at),
        ))?;
    }
    running_low(&view);
    Ok(())
}

fn use_next(s: &Session, query: &str) -> Result<()> {
    let mut vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let used = recovery::use_next(&mut vault, &id)?;
    let view = &used.view;
    if s.out.json {
        return s.out.json(&json!({
            "account": view.account,
            "number": used.number,
            "code": used.code.expose_secret(),
            "unused_left": view.unused,
        }));
    }
    s.out.line(used.code.expose_secret())?;
    note(format!(
        "Code #{} of {} is now marked used; {} unused left. \
         (Undo: sparekey-cli recovery unuse {query:?} {})",
        used.number, view.account, view.unused, used.number
    ));
    running_low(view);
    Ok(())
}

/// A warning when few unused codes are left.
fn running_low(view: &RecoveryView) {
    if view.total > 0 && view.unused <= RUNNING_LOW_AT {
        note(format!(
            "warning: only {} unused recovery code{} left: generate a new set at the service and \
             save it with `recovery add --replace`",
            view.unused,
            if view.unused == 1 { "" } else { "s" }
        ));
    }
}
