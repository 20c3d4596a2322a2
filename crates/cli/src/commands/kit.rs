//! `kit create|replace|verify`: the emergency kit, a second key on paper
//! that opens the vault when the passphrase is lost.

use std::path::Path;

use anyhow::Result;
use serde_json::json;
use sparekey_core::{
    app::kit::{self, KitChange},
    secret::SecretString,
};

use crate::{args::KitCommand, input, output::note, session::Session};

pub fn run(s: &Session, cmd: KitCommand) -> Result<()> {
    match cmd {
        KitCommand::Create { out } => create(s, &out, KitChange::New),
        KitCommand::Replace { out } => create(s, &out, KitChange::Replace),
        KitCommand::Verify { file } => verify(s, &file),
    }
}

fn create(s: &Session, file: &Path, change: KitChange) -> Result<()> {
    if file.exists() {
        // Said before the passphrase is asked; core refuses it again.
        return Err(sparekey_core::Error::FileExists {
            path: file.to_owned(),
        }
        .into());
    }
    let mut vault = s.open()?;
    let made = kit::create_file(&mut vault, change, file)?;
    let replaced = change == KitChange::Replace;
    if s.out.json {
        return s
            .out
            .json(&json!({"kit": file, "recipient": made.recipient, "replaced": replaced}));
    }
    s.out
        .line(format!("Wrote the emergency kit to {}", file.display()))?;
    if replaced {
        note("The previous kit no longer opens the vault or any of its backups.");
    }
    note(
        "Print it (or copy the AGE-SECRET-KEY line onto paper), keep it somewhere safe and \
         offline, then delete the file. Anyone holding it can open the vault.",
    );
    Ok(())
}

fn verify(s: &Session, file: &Path) -> Result<()> {
    let text = SecretString::from(String::from(
        input::whole_text(file, "emergency kit")?.as_str(),
    ));
    let mut vault = s.open()?;
    kit::verify(&mut vault, &text)?;
    if s.out.json {
        return s.out.json(&json!({"kit": file, "opens_vault": true}));
    }
    s.out.line(format!(
        "{} is this vault's emergency kit and opens it.",
        file.display()
    ))
}
