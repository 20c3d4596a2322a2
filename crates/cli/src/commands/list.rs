//! `list`: every account (or those with a tag), pinned first, its 2FA,
//! its recovery codes, its pin and tags.

use anyhow::Result;
use sparekey_core::app::accounts;

use crate::{output, session::Session};

pub fn run(s: &Session, tag: Option<&str>) -> Result<()> {
    let vault = s.open()?;
    let summaries = accounts::listed(&vault, tag.unwrap_or(""));
    if s.out.json {
        return s.out.json(&summaries);
    }
    if summaries.is_empty() {
        if let Some(tag) = tag {
            return s.out.line(format!("No account has the tag {tag:?}."));
        }
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
        let mut extra = String::new();
        if a.pinned {
            extra.push_str("  pinned");
        }
        if !a.tags.is_empty() {
            extra.push_str(&format!("  [{}]", a.tags.join(", ")));
        }
        s.out.line(format!(
            "{:<width$}  {:<34}  {codes}{extra}",
            a.label,
            output::describe(a)
        ))?;
    }
    Ok(())
}
