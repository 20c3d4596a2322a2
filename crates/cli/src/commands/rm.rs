//! `rm`: delete an account with its secret and recovery codes.

use anyhow::{bail, Result};
use serde_json::json;
use sparekey_core::app::accounts;

use crate::{input, session::Session};

pub fn run(s: &Session, query: &str, yes: bool) -> Result<()> {
    let mut vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let doomed = accounts::removal_of(&vault, &id)?;
    if !yes {
        let question = format!(
            "Delete {} with its 2FA secret{}? This cannot be undone here (backups/ keeps \
             earlier versions).",
            doomed.label,
            match doomed.recovery_codes {
                0 => String::new(),
                n => format!(" and {n} recovery codes"),
            }
        );
        if !input::confirm(&question)? {
            bail!(
                "{} was not deleted (confirm on a terminal, or pass --yes)",
                doomed.label
            );
        }
    }
    let removed = accounts::remove(&mut vault, &id)?;
    if s.out.json {
        return s.out.json(&json!({"deleted": removed.label}));
    }
    s.out.line(format!("Deleted {}", removed.label))
}
