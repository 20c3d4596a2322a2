//! `init`: create a new, empty vault.

use anyhow::Result;
use serde_json::json;
use sparekey_core::app::session;

use crate::{input, output::note, session::Session};

pub fn run(s: &Session, work_factor: Option<u8>) -> Result<()> {
    // Refused before the passphrase is asked.
    session::require_no_vault(&s.paths)?;
    if let Some(weak) = session::weak_work_factor(work_factor) {
        note(format!(
            "warning: work factor {} is weaker than age's default (about 2^{}); a stolen \
             identity.age is {}x cheaper to brute-force. Use it only for tests.",
            weak.work_factor,
            session::TYPICAL_WORK_FACTOR,
            weak.times_cheaper
        ));
    }
    let pass = input::new_passphrase(s.passphrase_file())?;
    let vault = session::create(&s.paths, &pass, work_factor)?;
    if s.out.json {
        return s
            .out
            .json(&json!({"vault": s.paths.dir(), "recipient": vault.recipient()}));
    }
    s.out
        .line(format!("Created a vault in {}", s.paths.dir().display()))?;
    note(
        "Keep the passphrase safe: without it (or an emergency kit) the vault cannot be opened.\n\
         Read it any time with the age tool: age -d -i identity.age vault.age",
    );
    Ok(())
}
