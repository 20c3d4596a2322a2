//! `list`: every account, its 2FA and its recovery codes.

use anyhow::Result;
use sparekey_core::app::accounts;

use crate::{output, session::Session};

pub fn run(s: &Session) -> Result<()> {
    let vault = s.open()?;
    let summaries = accounts::summaries(&vault);
    if s.out.json {
        return s.out.json(&summaries);
    }
    if summaries.is_empty() {
        return s
            .out
            .line("No accounts yet. Add one with `sparekey-cli add --uri 'otpauth://...'`.");
    }
    let width = summaries
        .iter()
        .map(|a| a.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    s.out.line(format!(
        "{:<width$}  {:<34}  RECOVERY CODES",
        "ACCOUNT", "2FA"
    ))?;
    for a in &summaries {
        let codes = match a.recovery.total {
            0 => "none".to_owned(),
            total => format!(
                "{} of {total} unused{}",
                a.recovery.unused,
                if a.recovery.running_low {
                    " (running low)"
                } else {
                    ""
                }
            ),
        };
        s.out.line(format!(
            "{:<width$}  {:<34}  {codes}",
            a.label,
            output::describe(a)
        ))?;
    }
    Ok(())
}
