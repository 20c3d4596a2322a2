//! `import`, `export` and `restore`: moving accounts between Sparekey and
//! other apps, paper, and other machines. Every rule (formats, duplicates,
//! escaping, encryption) is in `sparekey_core::{import, export}`; this file
//! reads files and answers, prints previews, and asks before writing.

use std::{
    fs,
    io::{self, IsTerminal, Read, Write},
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use clap::{builder::PossibleValuesParser, Args};
use serde_json::json;
use sparekey_core::{
    export::{self, Exported},
    import::{self, Preview},
    secret::{ExposeSecret, SecretString},
    time,
    vault::store::VaultPaths,
    Error,
};
use zeroize::Zeroizing;

use crate::{
    commands::{note, open, Out},
    input,
};

/// Largest file read by `import` or `restore` (the core caps again).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

fn import_ids() -> PossibleValuesParser {
    PossibleValuesParser::new(import::FORMATS.iter().map(|f| f.id))
}

fn export_ids() -> PossibleValuesParser {
    PossibleValuesParser::new(export::EXPORT_FORMATS.iter().map(|f| f.id))
}

/// `import`: read another app's export, show the preview, add on confirmation.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The export's format (encrypted Aegis and 2FAS files are detected)
    #[arg(long, value_name = "ID", value_parser = import_ids())]
    pub format: String,
    /// The export file(s); several images for a multi-QR Google batch; "-"
    /// reads standard input
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Read the export's password from the first line of FILE instead of
    /// asking on the terminal
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Show the preview only; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import without asking (required to write when not on a terminal)
    #[arg(long, conflicts_with = "dry_run")]
    pub yes: bool,
}

/// `export`: write the vault (or one account) in another format.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write: backup (encrypted age file), otpauth, aegis, qr-html,
    /// qr-svg, qr-png, recovery-sheet (plaintext formats ask first)
    #[arg(long, value_name = "ID", value_parser = export_ids())]
    pub format: String,
    /// Write to FILE (created; never overwritten) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The account, for qr-svg, qr-png and recovery-sheet
    #[arg(long, value_name = "QUERY")]
    pub account: Option<String>,
    /// Write plaintext secrets without asking (required when not on a terminal)
    #[arg(long)]
    pub yes: bool,
    /// backup: read the backup passphrase from the first line of FILE
    /// instead of asking twice on the terminal
    #[arg(long, value_name = "FILE")]
    pub backup_passphrase_file: Option<PathBuf>,
    /// backup: write ASCII armor (text) instead of binary
    #[arg(long)]
    pub armor: bool,
    /// backup: scrypt work factor (log2 N); lower than age's default only for tests
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(10..=22))]
    pub work_factor: Option<u8>,
    /// qr-png: pixels per module
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub scale: u32,
}

/// `restore`: a new vault from an encrypted backup.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file (made by `export --format backup`) to restore into a
    /// new vault. Without it, the vault's own newest backup that opens (from
    /// backups/) replaces a damaged vault.age, as `backups restore` does
    #[arg(value_name = "BACKUP")]
    pub backup: Option<PathBuf>,
    /// Read the backup's passphrase from the first line of FILE instead of
    /// asking (the new vault's passphrase comes from --passphrase-file or
    /// is asked twice)
    #[arg(long, value_name = "FILE")]
    pub backup_passphrase_file: Option<PathBuf>,
    /// scrypt work factor for the new vault's passphrase (as for init)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(10..=22))]
    pub work_factor: Option<u8>,
}

fn read_file(path: &Path, what: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    let read = if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
    };
    read.with_context(|| format!("could not read the {what} {}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!("the {what} {} is too large", path.display());
    }
    Ok(bytes)
}

/// Runs `import`.
pub fn import(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    args: ImportArgs,
    out: &Out,
) -> Result<()> {
    let format = import::format(&args.format)?;
    let files = args
        .files
        .iter()
        .map(|f| read_file(f, "export"))
        .collect::<Result<Vec<_>>>()?;
    let sources: Vec<&[u8]> = files.iter().map(|f| f.as_slice()).collect();
    let password = if import::is_encrypted(format.id, &sources)? {
        Some(match &args.password_file {
            Some(f) => input::first_line(f, "export password")?,
            None => {
                if !input::stdin_is_terminal() {
                    bail!(
                        "this {} export is encrypted and there is no terminal to ask its password \
                         on: pass --password-file FILE",
                        format.label
                    );
                }
                input::prompt_secret("Password of the export: ")?
            }
        })
    } else {
        None
    };
    let mut vault = open(paths, pass_file)?;
    let preview = import::preview(
        format.id,
        &sources,
        password.as_ref(),
        vault.doc(),
        time::now(),
    )?;
    drop(files);
    if out.json {
        if args.dry_run || preview.is_empty() || !args.yes {
            out.json(&json!({"preview": &preview, "written": false}))?;
            if args.dry_run || preview.is_empty() {
                return Ok(());
            }
            bail!("nothing was written: pass --yes to import (with --json there is no question)");
        }
    } else {
        print_preview(&preview, format.label, out)?;
    }
    if args.dry_run {
        note("dry run: nothing was written");
        return Ok(());
    }
    if preview.is_empty() {
        out.line("Nothing to import: nothing was written.")?;
        return Ok(());
    }
    let count = preview.to_import.len();
    if !args.yes {
        if !input::stdin_is_terminal() {
            bail!(
                "nothing was written: confirm on a terminal, or pass --yes to import without one"
            );
        }
        if !input::confirm(&format!("Import {count} account(s) into the vault?"))? {
            bail!("nothing was written (not confirmed)");
        }
    }
    let applied = import::apply(preview, &mut vault)?;
    if out.json {
        return out.json(&json!({"applied": applied, "written": true}));
    }
    for d in &applied.skipped_duplicates {
        note(format!(
            "#{} {} was not added: the vault gained {} meanwhile",
            d.number, d.label, d.existing
        ));
    }
    out.line(format!("Imported {} account(s).", applied.added))
}

fn print_preview(p: &Preview, label: &str, out: &Out) -> Result<()> {
    out.line(format!("{label}: {} entries found", p.found))?;
    if !p.to_import.is_empty() {
        out.line(format!("To import ({}):", p.to_import.len()))?;
        for i in &p.to_import {
            let mut what = format!("{}, {} digits", i.otp_type, i.digits);
            if i.algorithm != "SHA1" {
                what.push_str(&format!(", {}", i.algorithm));
            }
            if let Some(period) = i.period.filter(|&p| p != 30) {
                what.push_str(&format!(", {period} s"));
            }
            out.line(format!("  #{} {} ({what})", i.number, i.label))?;
            for n in &i.notes {
                out.line(format!("      note: {n}"))?;
            }
        }
    }
    if !p.duplicates.is_empty() {
        out.line(format!(
            "Duplicates, not imported ({}):",
            p.duplicates.len()
        ))?;
        for d in &p.duplicates {
            let why = if d.why == "same_secret" {
                "same 2FA secret as"
            } else {
                "same issuer and name as"
            };
            let place = if d.within_export {
                "earlier in this export"
            } else {
                "in the vault"
            };
            out.line(format!(
                "  #{} {}: {why} {} ({place})",
                d.number, d.label, d.existing
            ))?;
        }
    }
    if !p.not_importable.is_empty() {
        out.line(format!("Cannot import ({}):", p.not_importable.len()))?;
        for x in &p.not_importable {
            let name = if x.label.is_empty() {
                String::new()
            } else {
                format!(" {}", x.label)
            };
            out.line(format!("  #{}{name}: {}", x.number, x.reason))?;
        }
    }
    for n in &p.notes {
        out.line(format!("Note: {n}"))?;
    }
    Ok(())
}

/// Runs `export`.
pub fn export(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    args: ExportArgs,
    out: &Out,
) -> Result<()> {
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
            bail!(
                "{} already exists: nothing was written (choose another file or delete it)",
                path.display()
            );
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
    let mut vault = open(paths, pass_file)?;
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
            bail!(
                "nothing was written: {} is plaintext; confirm on a terminal, or pass --yes",
                format.id
            );
        }
        note(format!(
            "warning: {target} holds secrets in plaintext; keep it safe and delete it when done"
        ));
    }
    let now = time::now();
    let account = match &args.account {
        Some(q) => Some(vault.doc().find(q)?.clone()),
        None => None,
    };
    let (bytes, report): (Zeroizing<Vec<u8>>, Option<Exported>) = match format.id {
        "backup" => {
            let pass = backup_pass.as_ref().context("backup passphrase")?;
            let bytes =
                export::backup::backup_vault(&vault, pass, args.work_factor, args.armor, now)?;
            (Zeroizing::new(bytes), None)
        }
        "otpauth" => text(export::otpauth_list(vault.doc())),
        "aegis" => text(export::aegis::aegis_json(vault.doc())),
        "qr-html" => text(export::html::qr_page(vault.doc(), now)?),
        "qr-svg" => {
            let svg = export::qr_svg(account.as_ref().context("account")?)?;
            (Zeroizing::new(svg.as_bytes().to_vec()), None)
        }
        "qr-png" => (
            export::qr_png(account.as_ref().context("account")?, args.scale)?,
            None,
        ),
        "recovery-sheet" => {
            let page = export::html::recovery_sheet(account.as_ref().context("account")?, now)?;
            (Zeroizing::new(page.as_bytes().to_vec()), None)
        }
        other => bail!("export format {other} has no writer"),
    };
    write_out(args.out.as_deref(), &bytes)?;
    if format.id == "backup" {
        export::backup::record_backup_written(&mut vault, now)?;
    }
    let exported = report.as_ref().map(|r| r.exported);
    if let Some(r) = &report {
        for s in &r.skipped {
            note(format!("not exported: {}: {}", s.label, s.reason));
        }
        for n in &r.notes {
            note(format!("note: {n}"));
        }
    }
    if out.json && args.out.is_some() {
        return out.json(&json!({
            "format": format.id,
            "out": args.out,
            "exported": exported,
            "skipped": report.as_ref().map(|r| &r.skipped),
        }));
    }
    if let Some(path) = &args.out {
        let what = exported.map_or(String::new(), |n| format!("{n} account(s) "));
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

fn text(e: Exported) -> (Zeroizing<Vec<u8>>, Option<Exported>) {
    let bytes = Zeroizing::new(e.content.as_bytes().to_vec());
    (bytes, Some(e))
}

fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    let Some(path) = path else {
        let mut stdout = io::stdout().lock();
        stdout
            .write_all(bytes)
            .context("could not write the output")?;
        return stdout.flush().context("could not write the output");
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("could not create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("could not write {}", path.display()))
}

/// The passphrase for a backup: from a file, else asked twice.
fn backup_passphrase(file: Option<&Path>) -> Result<SecretString> {
    let pass = match file {
        Some(f) => input::first_line(f, "backup passphrase")?,
        None => {
            let first = input::prompt_secret("Backup passphrase: ")?;
            let again = input::prompt_secret("Repeat the backup passphrase: ")?;
            if first.expose_secret() != again.expose_secret() {
                bail!("the two passphrases differ; nothing was written");
            }
            first
        }
    };
    if pass.expose_secret().chars().count() < 8 {
        bail!("the backup passphrase is shorter than 8 characters; choose a longer one");
    }
    Ok(pass)
}

/// Runs `restore`.
pub fn restore(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    args: RestoreArgs,
    out: &Out,
) -> Result<()> {
    let Some(backup) = args.backup else {
        return crate::backups::run(
            paths,
            pass_file,
            crate::cli::BackupsCommand::Restore { file: None },
            out,
        );
    };
    if paths.exists() {
        return Err(anyhow::anyhow!(
            "{} (to put back one of this vault's own earlier versions, run `sparekey-cli restore` \
             without a file)",
            Error::VaultExists {
                dir: paths.dir().to_owned(),
            }
        ));
    }
    let bytes = read_file(&backup, "backup")?;
    let backup_pass = match &args.backup_passphrase_file {
        Some(f) => input::first_line(f, "backup passphrase")?,
        None => input::prompt_secret("Backup passphrase: ")?,
    };
    // Check the backup before asking for a new passphrase.
    let doc = export::backup::read_backup(&bytes, &backup_pass, &backup).map_err(|e| match e {
        Error::WrongPassphrase => anyhow::anyhow!(
            "wrong passphrase: it does not open the backup {} (it is the passphrase chosen when \
             the backup was exported, not necessarily the vault's)",
            backup.display()
        ),
        other => other.into(),
    })?;
    let count = doc.accounts.len();
    drop(doc);
    let new_pass = input::new_passphrase(pass_file)?;
    let vault = export::backup::restore(
        &bytes,
        &backup_pass,
        &backup,
        paths.dir(),
        &new_pass,
        args.work_factor,
    )?;
    if out.json {
        return out.json(
            &json!({"vault": paths.dir(), "accounts": count, "recipient": vault.recipient()}),
        );
    }
    out.line(format!(
        "Restored {count} account(s) into a new vault in {}",
        paths.dir().display()
    ))
}
