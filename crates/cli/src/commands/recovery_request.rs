//! `recovery-request pypi`: the PyPI account-recovery request, drafted.
//! Works without a vault: being locked out of PyPI must not need Sparekey's
//! passphrase. With `--account` it opens the vault to fill the username and
//! to see whether unused recovery codes are left.

use anyhow::Result;
use sparekey_core::app::guides::{self, DraftInput};

use crate::{
    args::RequestService, commands::guide::source_label, input, output::note, session::Session,
};

/// What the command line gave.
pub struct Answers {
    /// `--username`.
    pub username: Option<String>,
    /// `--reason`.
    pub reason: Option<String>,
    /// `--account`.
    pub account: Option<String>,
    /// `--mailbox-gone`.
    pub mailbox_gone: bool,
}

/// `recovery-request pypi`.
pub fn run(s: &Session, service: RequestService, answers: Answers) -> Result<()> {
    let out = &s.out;
    let RequestService::Pypi = service;
    let vault = match &answers.account {
        Some(_) => Some(s.open()?),
        None => None,
    };
    let account_id = match (&vault, &answers.account) {
        (Some(v), Some(query)) => Some(s.account_id(v, query)?),
        _ => None,
    };
    let doc = vault.as_ref().map(|v| v.doc());
    let form = guides::request_form(doc, account_id.as_deref())?;
    let username = match answers.username.or(form.username) {
        Some(u) => u,
        None => input::prompt_line("PyPI username: ", "--username", "--username NAME")?,
    };
    let reason = match answers.reason {
        Some(r) => r,
        None => {
            if input::stdin_is_terminal() {
                note("Common reasons:");
                for r in &form.reasons {
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
    let draft = guides::draft_request(
        doc,
        &DraftInput {
            account_id: account_id.as_deref(),
            username: &username,
            reason: &reason,
            mailbox_gone: answers.mailbox_gone,
        },
    )?;
    if out.json {
        return out.json(&serde_json::to_value(&draft)?);
    }
    if let Some(w) = &draft.warning {
        note(format!("First: {w}\n"));
    }
    // The draft alone on standard output (pipe it to the clipboard); the
    // guidance on standard error.
    out.line(draft.body.trim_end())?;
    note(format!(
        "\nFile it at {} (title: \"{}\"): paste each field into the form and tick the boxes \
         the draft ticks.",
        draft.form_url, draft.title
    ));
    note("Prepare this evidence:");
    for e in &draft.evidence {
        note(format!("  - {e}"));
    }
    for (title, facts) in [
        ("What happens next:", &draft.next_steps),
        ("Meanwhile, keep releases going:", &draft.meanwhile),
    ] {
        note(title);
        for f in facts {
            note(format!("  - {}", f.text));
            for src in &f.sources {
                note(format!(
                    "      Source: {} ({})",
                    source_label(&src.url),
                    src.supports
                ));
            }
        }
    }
    if let Some(checked) = draft.next_steps.first().map(|f| &f.checked) {
        note(format!("(Sources checked {checked}.)"));
    }
    Ok(())
}
