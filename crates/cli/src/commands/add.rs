//! `add`: an account from an otpauth:// URI or from its parts.

use std::path::Path;

use anyhow::{bail, Result};
use sparekey_core::{
    app::accounts::{self, NewAccount},
    secret::ExposeSecret,
};

use crate::{
    args::AddArgs,
    input,
    output::{self, note},
    session::Session,
};

pub fn run(s: &Session, args: AddArgs) -> Result<()> {
    // Read and check everything before asking for the passphrase: bad input
    // fails fast. Building validates it; the account is built again inside
    // the save, from the same input.
    let secret_flag = secret_on_command_line(&args);
    let new = new_account(s, args)?;
    accounts::build(&new, 0)?;
    let mut vault = s.open()?;
    let added = accounts::add(&mut vault, new)?;
    for n in &added.notes {
        note(format!("note: {n}"));
    }
    if let Some(flag) = secret_flag {
        // Said after the work so that an error stays one line.
        note(format!(
            "warning: the secret in {flag} was visible to other processes while this command \
             ran and stays in your shell history; next time, `{flag} -` reads it from standard \
             input instead"
        ));
    }
    let summary = &added.accounts[0];
    if s.out.json {
        return s.out.json(summary);
    }
    s.out.line(format!(
        "Added {} ({})",
        summary.label,
        output::describe(summary)
    ))
}

/// The flags as core's [`NewAccount`]; the URI or secret is read from
/// standard input or the terminal when asked to.
fn new_account(s: &Session, args: AddArgs) -> Result<NewAccount> {
    let mut new = NewAccount::default();
    new.issuer = args.issuer;
    new.name = args.name;
    if let Some(uri) = args.uri {
        new.uri = Some(if uri == "-" {
            s.claim_stdin("--uri -")?;
            input::whole_text(Path::new("-"), "URI")?.trim().to_owned()
        } else {
            uri
        });
        return Ok(new);
    }
    if new.name.is_none() {
        bail!("give --uri URI, or --name NAME (with --issuer and --secret); see `sparekey-cli add --help`");
    }
    let secret = match args.secret.as_deref() {
        Some("-") => {
            s.claim_stdin("--secret -")?;
            input::first_line(Path::new("-"), "secret")?
        }
        Some(text) => text.to_owned().into(),
        None if input::stdin_is_terminal() => input::prompt_secret("Secret (base32): ")?,
        None => bail!("no --secret given and no terminal to ask on: pass --secret - to read it from standard input"),
    };
    new.secret = Some(secret.expose_secret().to_owned());
    new.kind = Some(
        if args.steam {
            "steam"
        } else if args.hotp_counter.is_some() {
            "hotp"
        } else {
            "totp"
        }
        .to_owned(),
    );
    new.counter = args.hotp_counter;
    new.algorithm = args.algorithm;
    new.digits = args.digits;
    new.period = args.period;
    Ok(new)
}

/// The flag that carried a secret as an argument, if one did: visible to
/// other processes while this one runs (`/proc/PID/cmdline`) and kept in
/// shell history.
fn secret_on_command_line(args: &AddArgs) -> Option<&'static str> {
    if args.uri.as_deref().is_some_and(|u| u != "-") {
        Some("--uri")
    } else if args.secret.as_deref().is_some_and(|s| s != "-") {
        Some("--secret")
    } else {
        None
    }
}
