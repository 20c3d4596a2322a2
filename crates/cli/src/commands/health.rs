//! `health`: lockout risks across the vault, most serious first.

use anyhow::Result;
use sparekey_core::{app::guides, clock::ClockSync, health::Severity};

use crate::{output::note, session::Session};

/// `health`.
pub fn run(s: &Session) -> Result<()> {
    let out = &s.out;
    let vault = s.open()?;
    let report = guides::health(&vault, &s.guide_context()?)?;
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
