//! `recovery-request pypi`: the PyPI account-recovery request, drafted.
//! Works without a vault: being locked out of PyPI must not need Sparekey's
//! passphrase.

use anyhow::Result;
use sparekey_core::app::guides;

use crate::{args::RequestService, input, output::note, session::Session};

/// `recovery-request pypi`.
pub fn run(
    s: &Session,
    service: RequestService,
    username: Option<String>,
    reason: Option<String>,
) -> Result<()> {
    let out = &s.out;
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
                for r in guides::request_form().reasons {
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
    let draft = guides::draft_request(&username, &reason)?;
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
