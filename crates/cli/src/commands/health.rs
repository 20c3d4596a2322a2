//! `health`: lockout risks across the vault, most serious first; with
//! `--graph`, the recovery graph as Graphviz DOT.

use anyhow::Result;
use sparekey_core::{
    app::{guides, ways},
    clock::ClockSync,
    health::{Opens, Severity},
};

use crate::{output::note, session::Session};

/// `health` (`--graph`: the recovery graph as Graphviz DOT).
pub fn run(s: &Session, graph: bool) -> Result<()> {
    let out = &s.out;
    let vault = s.open()?;
    if graph {
        let graph = ways::graph(&vault);
        if out.json {
            return out.json(&graph);
        }
        return out.line(graph.to_dot().trim_end());
    }
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
        if let (Some(Opens::Ways), Some(label)) = (f.opens, &f.account_label) {
            out.line(format!(
                "          fix: record another way with sparekey-cli account add-way {label:?} ..."
            ))?;
        }
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
    if report.unrecorded_ways > 0 {
        note(format!(
            "note: {} with 2FA {} no record of {} ways back in, so single points of failure \
             cannot be found there: see `sparekey-cli account show ACCOUNT`",
            crate::output::count(report.unrecorded_ways, "account"),
            if report.unrecorded_ways == 1 {
                "has"
            } else {
                "have"
            },
            if report.unrecorded_ways == 1 {
                "its"
            } else {
                "their"
            },
        ));
    }
    if report.clock == ClockSync::Unknown {
        note("note: Sparekey cannot tell whether the system clock is synchronized (TOTP codes depend on it)");
    }
    Ok(())
}
