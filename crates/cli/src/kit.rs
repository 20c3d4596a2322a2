//! `kit ...`: the emergency kit, a second key on paper that opens the vault
//! when the passphrase is lost. The rules (what a kit is, replacing one,
//! verifying one) are in `sparekey_core::vault::store`; this file only reads
//! and writes the kit file and talks to the person.

use std::{
    fs::OpenOptions,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use serde_json::json;
use sparekey_core::{
    secret::{ExposeSecret, SecretString},
    time,
    vault::{store::VaultPaths, KitKey},
};

use crate::{
    cli::KitCommand,
    commands::{note, open, Out},
    input,
};

/// Runs `kit create|replace|verify`.
pub fn run(paths: &VaultPaths, pass_file: Option<&Path>, cmd: KitCommand, out: &Out) -> Result<()> {
    match cmd {
        KitCommand::Create { out: file } => create(paths, pass_file, &file, false, out),
        KitCommand::Replace { out: file } => create(paths, pass_file, &file, true, out),
        KitCommand::Verify { file } => verify(paths, pass_file, &file, out),
    }
}

fn create(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    file: &PathBuf,
    replace: bool,
    out: &Out,
) -> Result<()> {
    if file.exists() {
        bail!(
            "{} already exists: choose a new file name (an existing file is never overwritten)",
            file.display()
        );
    }
    let mut vault = open(paths, pass_file)?;
    match (&vault.doc().emergency_kit, replace) {
        (Some(kit), false) => bail!(
            "this vault already has an emergency kit (made {}). To make a new one and stop the \
             old one from working, use `sparekey-cli kit replace --out FILE`",
            time::format_utc(kit.created_at)
        ),
        (None, true) => {
            bail!("this vault has no emergency kit yet: use `sparekey-cli kit create --out FILE`")
        }
        _ => {}
    }
    let key = vault.create_kit(time::now())?;
    write_kit_file(file, paths, &key)?;
    if out.json {
        return out.json(&json!({"kit": file, "recipient": key.recipient(), "replaced": replace}));
    }
    out.line(format!("Wrote the emergency kit to {}", file.display()))?;
    if replace {
        note("The previous kit no longer opens the vault or any of its backups.");
    }
    note(
        "Print it (or copy the AGE-SECRET-KEY line onto paper), keep it somewhere safe and \
         offline, then delete the file. Anyone holding it can open the vault.",
    );
    Ok(())
}

fn write_kit_file(file: &Path, paths: &VaultPaths, key: &KitKey) -> Result<()> {
    let vault_file = paths.vault();
    let text = zeroize::Zeroizing::new(format!(
        "# Sparekey emergency kit\n\
         # It opens the vault in {dir} without the passphrase. Keep it offline.\n\
         # Read the vault with the age tool:   age -d -i KIT-FILE {vault}\n\
         # Set a new passphrase with Sparekey: sparekey-cli --vault {dir} --kit-file KIT-FILE passwd\n\
         {body}",
        dir = paths.dir().display(),
        vault = vault_file.display(),
        body = key.text().expose_secret()
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(file)
        .with_context(|| format!("could not create {}", file.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| {
            format!(
                "could not write {}; the kit was made but not saved: run `kit replace` to make another",
                file.display()
            )
        })
}

fn verify(paths: &VaultPaths, pass_file: Option<&Path>, file: &Path, out: &Out) -> Result<()> {
    let text: SecretString = {
        let t = input::whole_text(file, "emergency kit")?;
        SecretString::from(String::from(t.as_str()))
    };
    let mut vault = open(paths, pass_file)?;
    vault.verify_kit(&text, time::now())?;
    if out.json {
        return out.json(&json!({"kit": file, "opens_vault": true}));
    }
    out.line(format!(
        "{} is this vault's emergency kit and opens it.",
        file.display()
    ))
}
