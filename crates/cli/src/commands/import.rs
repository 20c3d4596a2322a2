//! `import`: accounts from another authenticator's export. Shows a preview
//! first and writes only once confirmed, in one save.

use anyhow::{bail, Result};
use serde_json::json;
use sparekey_core::{
    app::transfer::{self, Preview},
    time,
};

use crate::{
    args::ImportArgs,
    input,
    output::{self, note, Out},
    session::Session,
};

/// Runs `import`.
pub fn run(s: &Session, args: ImportArgs) -> Result<()> {
    let out = &s.out;
    let format = transfer::import_format(&args.format)?;
    let files = args
        .files
        .iter()
        .map(|f| input::whole_file(f, "export"))
        .collect::<Result<Vec<_>>>()?;
    let sources: Vec<&[u8]> = files.iter().map(|f| f.as_slice()).collect();
    let password = if transfer::is_encrypted(format.id, &sources)? {
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
    let mut vault = s.open()?;
    let preview = transfer::preview(
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
        if !input::confirm(&format!(
            "Import {} into the vault?",
            output::count(count, "account")
        ))? {
            bail!("nothing was written (not confirmed)");
        }
    }
    let applied = transfer::apply(preview, &mut vault)?;
    if out.json {
        return out.json(&json!({"applied": applied, "written": true}));
    }
    for d in &applied.skipped_duplicates {
        note(format!(
            "#{} {} was not added: the vault gained {} meanwhile",
            d.number, d.label, d.existing
        ));
    }
    out.line(format!(
        "Imported {}.",
        output::count(applied.added, "account")
    ))
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
