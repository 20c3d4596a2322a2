//! `export`: the vault (or one account) as an encrypted backup, an
//! otpauth list, Aegis JSON, QR codes or a recovery sheet. Plaintext
//! formats are written only once confirmed.

use std::{
    io::{self, IsTerminal, Write},
    path::Path,
};

use anyhow::{bail, Context, Result};
use serde_json::json;
use sparekey_core::{
    app::transfer::{self, BackupOptions, ExportRequest},
    export,
    fs::Existing,
    secret::{ExposeSecret, SecretString},
};

use crate::{
    args::ExportArgs,
    input,
    output::{self, note},
    session::Session,
};

pub fn run(s: &Session, args: ExportArgs) -> Result<()> {
    let format = export::export_format(&args.format)?;
    if format.per_account && args.account.is_none() {
        bail!(
            "--format {} exports one account: pass --account QUERY",
            format.id
        );
    }
    if !format.per_account && args.account.is_some() {
        bail!(
            "--format {} exports the whole vault: leave out --account",
            format.id
        );
    }
    if let Some(path) = &args.out {
        if path.exists() {
            return Err(sparekey_core::Error::FileExists {
                path: path.to_owned(),
            }
            .into());
        }
    }
    let to_terminal = args.out.is_none() && io::stdout().is_terminal();
    if format.id == "backup" && !args.armor && to_terminal {
        bail!("a binary backup cannot be shown on a terminal: pass --out FILE (or --armor)");
    }
    if format.id == "qr-png" && to_terminal {
        bail!("a PNG cannot be shown on a terminal: pass --out FILE");
    }
    let backup_pass = if format.id == "backup" {
        Some(backup_passphrase(args.backup_passphrase_file.as_deref())?)
    } else {
        None
    };
    let mut vault = s.open()?;
    let target = args
        .out
        .as_ref()
        .map_or("standard output".to_owned(), |p| p.display().to_string());
    if format.plaintext {
        let question = format!(
            "{} holds 2FA secrets or recovery codes in PLAINTEXT: anyone who reads {target} can \
             use them. Write it?",
            format.label
        );
        if !args.yes && !input::confirm(&question)? {
            return Err(sparekey_core::Error::NeedsConfirmation {
                what: format.label.to_owned(),
            }
            .into());
        }
        note(format!(
            "warning: {target} holds secrets in plaintext; keep it safe and delete it when done"
        ));
    }
    let account = match &args.account {
        Some(query) => Some(s.account_id(&vault, query)?),
        None => None,
    };
    let request = ExportRequest {
        format,
        account_id: account.as_deref(),
        backup: backup_pass.as_ref().map(|passphrase| BackupOptions {
            passphrase,
            work_factor: args.work_factor,
            armor: args.armor,
        }),
        plaintext_confirmed: true,
        png_scale: args.scale,
    };
    let rendered = transfer::render(&vault, &request)?;
    match &args.out {
        Some(path) => transfer::save(&mut vault, format, &rendered, path, Existing::Refuse)?,
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(&rendered.bytes)
                .and_then(|()| stdout.flush())
                .context("could not write the output")?;
            transfer::written(&mut vault, format)?;
        }
    }
    let report = rendered.report.as_ref();
    if let Some(r) = report {
        for skipped in &r.skipped {
            note(format!(
                "not exported: {}: {}",
                skipped.label, skipped.reason
            ));
        }
        for n in &r.notes {
            note(format!("note: {n}"));
        }
    }
    let exported = report.map(|r| r.exported);
    if s.out.json && args.out.is_some() {
        return s.out.json(&json!({
            "format": format.id,
            "out": args.out,
            "exported": exported,
            "skipped": report.map(|r| &r.skipped),
        }));
    }
    if let Some(path) = &args.out {
        let what = exported.map_or(String::new(), |n| {
            format!("{} ", output::count(n, "account"))
        });
        note(format!("Exported {what}to {}", path.display()));
        if format.id == "backup" {
            note(format!(
                "Restore it with `sparekey-cli --vault NEW_DIR restore {}`, or read it with `age -d {}`",
                path.display(),
                path.display()
            ));
        }
    }
    Ok(())
}

/// The passphrase for a backup: from a file, else asked twice. Core's rule
/// checks it.
fn backup_passphrase(file: Option<&Path>) -> Result<SecretString> {
    let (pass, again) = match file {
        Some(f) => (input::first_line(f, "backup passphrase")?, None),
        None => {
            let first = input::prompt_secret("Backup passphrase: ")?;
            let again = input::prompt_secret("Repeat the backup passphrase: ")?;
            (first, Some(again))
        }
    };
    transfer::check_backup_passphrase(&pass, again.as_ref().map(|a| a.expose_secret()))?;
    Ok(pass)
}
