//! Each subcommand: gather input, call sparekey-core, print the result.
//! No rule lives here; if two front ends would need it, it is in core.

use std::{
    io::{self, Write},
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use serde_json::json;
use sparekey_core::{
    account::{Account, AccountSummary, CodeView},
    otp::{self, Algorithm, Otp, OtpKind},
    recovery::{self, RecoverySet},
    secret::{ExposeSecret, SecretString},
    time,
    vault::{peek, store::VaultPaths, Vault, VaultKey},
    Error,
};

use crate::{
    cli::{AddArgs, Cli, Command, RecoveryCommand},
    input,
};

/// Where output goes, and whether as JSON.
pub(crate) struct Out {
    pub(crate) json: bool,
}

impl Out {
    pub(crate) fn line(&self, text: impl AsRef<str>) -> Result<()> {
        writeln!(io::stdout().lock(), "{}", text.as_ref()).context("could not write the output")
    }

    pub(crate) fn json(&self, value: &serde_json::Value) -> Result<()> {
        let text = serde_json::to_string_pretty(value).context("could not encode JSON")?;
        self.line(text)
    }
}

/// Notes for the person (warnings, hints) go to standard error so that
/// standard output stays clean for scripts.
pub(crate) fn note(text: impl AsRef<str>) {
    eprintln!("{}", text.as_ref());
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    // These two describe the program; they need no vault (nor a home folder).
    match &cli.command {
        Command::Completions { shell } => return crate::docs::completions(*shell),
        Command::Man { out_dir } => return crate::docs::man(out_dir.as_deref()),
        _ => {}
    }
    let paths = VaultPaths::resolve(cli.vault.as_deref())?;
    if let Some(kit) = cli.kit_file {
        // Set once, before any command runs.
        let _ = KIT_FILE.set(kit);
    }
    let out = Out { json: cli.json };
    let pass_file = cli.passphrase_file.as_deref();
    match cli.command {
        Command::Init { work_factor } => init(&paths, pass_file, work_factor, &out),
        Command::Add(args) => add(&paths, pass_file, args, &out),
        Command::List => list(&paths, pass_file, &out),
        Command::Code { query, at } => code(&paths, pass_file, &query, at, &out),
        Command::Rename {
            query,
            issuer,
            name,
        } => rename(&paths, pass_file, &query, issuer, name, &out),
        Command::Rm { query, yes } => rm(&paths, pass_file, &query, yes, &out),
        Command::Recovery(cmd) => recovery_cmd(&paths, pass_file, cmd, &out),
        Command::Kit(cmd) => crate::kit::run(&paths, pass_file, cmd, &out),
        Command::Backups(cmd) => crate::backups::run(&paths, pass_file, cmd, &out),
        Command::Passwd {
            new_passphrase_file,
            work_factor,
        } => passwd(
            &paths,
            pass_file,
            new_passphrase_file.as_deref(),
            work_factor,
            &out,
        ),
        Command::Guide(cmd) => crate::guides::guide(&paths, pass_file, cmd, &out),
        Command::Health => crate::guides::health(&paths, pass_file, &out),
        Command::RecoveryRequest {
            service,
            username,
            reason,
        } => crate::guides::recovery_request(service, username, reason, &out),
        Command::Import(args) => crate::transfer::import(&paths, pass_file, args, &out),
        Command::Export(args) => crate::transfer::export(&paths, pass_file, args, &out),
        Command::Restore(args) => crate::transfer::restore(&paths, pass_file, args, &out),
        Command::Completions { .. } | Command::Man { .. } => unreachable!("handled above"),
    }
}

/// `--kit-file`, set once in [`run`]: when given, every command opens the
/// vault with the emergency kit instead of asking for the passphrase.
static KIT_FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Opens the vault: with the emergency kit if `--kit-file` was given, else
/// with the passphrase (from `--passphrase-file` or a prompt).
pub(crate) fn open(paths: &VaultPaths, pass_file: Option<&Path>) -> Result<Vault> {
    open_with(paths, vault_key(paths, pass_file)?)
}

/// The key that opens the vault: the emergency kit given with `--kit-file`,
/// else the vault's own, unwrapped with the passphrase (the KDF runs here).
fn vault_key(paths: &VaultPaths, pass_file: Option<&Path>) -> Result<VaultKey> {
    if !paths.exists() {
        return Err(Error::VaultNotFound {
            dir: paths.dir().to_owned(),
        }
        .into());
    }
    if let Some(kit_file) = KIT_FILE.get() {
        let text = input::whole_text(kit_file, "emergency kit")?;
        return Ok(VaultKey::from_kit(&SecretString::from(String::from(
            text.as_str(),
        )))?);
    }
    let pass = input::passphrase(pass_file)?;
    VaultKey::from_passphrase(paths.dir(), &pass).map_err(|e| with_backup_hint(paths, e))
}

/// Opens the vault with `key`.
fn open_with(paths: &VaultPaths, key: VaultKey) -> Result<Vault> {
    let kit = key.is_kit();
    let vault = Vault::open(paths.dir(), key).map_err(|e| with_backup_hint(paths, e))?;
    if kit {
        opened_with_kit_note();
    }
    Ok(vault)
}

fn opened_with_kit_note() {
    note(
        "Opened with the emergency kit. If the passphrase is lost, set a new one now: \
         sparekey-cli --kit-file KIT-FILE passwd",
    );
}

/// A damaged `vault.age` is reported with where the backups are.
fn with_backup_hint(paths: &VaultPaths, e: Error) -> anyhow::Error {
    match e {
        Error::Corrupt { ref file, .. } if *file == paths.vault() => {
            anyhow::anyhow!("{e} (`sparekey-cli backups list` shows them, `backups restore` puts the newest good one back)")
        }
        other => other.into(),
    }
}

/// age's own default targets about one second; 18 is where it lands on
/// typical machines, so anything lower is weaker than the default.
const TYPICAL_WORK_FACTOR: u8 = 18;

fn init(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    work_factor: Option<u8>,
    out: &Out,
) -> Result<()> {
    if paths.exists() {
        return Err(Error::VaultExists {
            dir: paths.dir().to_owned(),
        }
        .into());
    }
    if let Some(wf) = work_factor.filter(|&wf| wf < TYPICAL_WORK_FACTOR) {
        note(format!(
            "warning: work factor {wf} is weaker than age's default (about 2^{TYPICAL_WORK_FACTOR}); \
             a stolen identity.age is {}x cheaper to brute-force. Use it only for tests.",
            1u32 << (TYPICAL_WORK_FACTOR - wf)
        ));
    }
    let pass = input::new_passphrase(pass_file)?;
    let vault = Vault::create(paths.dir(), &pass, work_factor)?;
    if out.json {
        return out.json(&json!({"vault": paths.dir(), "recipient": vault.recipient()}));
    }
    out.line(format!("Created a vault in {}", paths.dir().display()))?;
    note(
        "Keep the passphrase safe: without it (or an emergency kit) the vault cannot be opened.\n\
         Read it any time with the age tool: age -d -i identity.age vault.age",
    );
    Ok(())
}

fn add(paths: &VaultPaths, pass_file: Option<&Path>, args: AddArgs, out: &Out) -> Result<()> {
    // Parse everything before asking for the passphrase: bad input fails fast.
    let (issuer, name, otp_value, notes) = parse_add(&args, pass_file)?;
    let mut vault = open(paths, pass_file)?;
    let now = time::now();
    let account = Account::new(&issuer, &name, Some(otp_value), now)?;
    let summary = account.summary();
    vault.update(|doc| doc.add_account(account))?;
    for n in notes {
        note(format!("note: {n}"));
    }
    if out.json {
        return out.json(&serde_json::to_value(&summary)?);
    }
    out.line(format!("Added {} ({})", summary.label, describe(&summary)))
}

type AddInput = (String, String, Otp, Vec<String>);

fn parse_add(args: &AddArgs, pass_file: Option<&Path>) -> Result<AddInput> {
    let stdin_taken = pass_file == Some(Path::new("-"));
    if let Some(uri) = &args.uri {
        let uri = if uri == "-" {
            if stdin_taken {
                bail!("--uri - and --passphrase-file - cannot both read standard input");
            }
            input::whole_text(Path::new("-"), "URI")?
                .trim()
                .to_owned()
                .into()
        } else {
            zeroize::Zeroizing::new(uri.clone())
        };
        let parsed = otp::parse_uri(&uri)?;
        let issuer = args
            .issuer
            .clone()
            .or(parsed.issuer.clone())
            .unwrap_or_default();
        let name = args.name.clone().unwrap_or(parsed.name.clone());
        return Ok((issuer, name, parsed.otp, parsed.notes));
    }
    let Some(name) = args.name.clone() else {
        bail!("give --uri URI, or --name NAME (with --issuer and --secret); see `sparekey-cli add --help`");
    };
    let secret_text = match args.secret.as_deref() {
        Some("-") => {
            if stdin_taken {
                bail!("--secret - and --passphrase-file - cannot both read standard input");
            }
            input::first_line(Path::new("-"), "secret")?
        }
        Some(s) => SecretString::from(s.to_owned()),
        None if input::stdin_is_terminal() => input::prompt_secret("Secret (base32): ")?,
        None => bail!("no --secret given and no terminal to ask on: pass --secret - to read it from standard input"),
    };
    let secret = otp::parse_secret(secret_text.expose_secret())?;
    let algorithm = match &args.algorithm {
        Some(a) => a.parse::<Algorithm>()?,
        None => Algorithm::Sha1,
    };
    let kind = if args.steam {
        OtpKind::Steam { period: 30 }
    } else if let Some(counter) = args.hotp_counter {
        OtpKind::Hotp { counter }
    } else {
        OtpKind::Totp {
            period: args.period.unwrap_or(30),
        }
    };
    let otp_value = Otp::new(kind, algorithm, args.digits.unwrap_or(6), secret)?;
    Ok((
        args.issuer.clone().unwrap_or_default(),
        name,
        otp_value,
        Vec::new(),
    ))
}

fn describe(s: &AccountSummary) -> String {
    match (s.otp_type, s.digits, s.period, s.counter) {
        ("hotp", Some(d), _, Some(c)) => format!("HOTP, {d} digits, counter {c}"),
        ("steam", ..) => "Steam Guard".to_owned(),
        ("totp", Some(d), Some(p), _) => format!(
            "TOTP, {d} digits, every {p} s, {}",
            s.algorithm.as_deref().unwrap_or("SHA1")
        ),
        _ => "no 2FA secret".to_owned(),
    }
}

fn list(paths: &VaultPaths, pass_file: Option<&Path>, out: &Out) -> Result<()> {
    let vault = open(paths, pass_file)?;
    let summaries: Vec<AccountSummary> =
        vault.doc().accounts.iter().map(Account::summary).collect();
    if out.json {
        return out.json(&serde_json::to_value(&summaries)?);
    }
    if summaries.is_empty() {
        return out.line("No accounts yet. Add one with `sparekey-cli add --uri 'otpauth://...'`.");
    }
    let width = summaries
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0)
        .max(7);
    out.line(format!(
        "{:<width$}  {:<34}  RECOVERY CODES",
        "ACCOUNT", "2FA"
    ))?;
    for s in &summaries {
        let codes = match s.recovery.total {
            0 => "none".to_owned(),
            total => format!(
                "{} of {total} unused{}",
                s.recovery.unused,
                if s.recovery.running_low {
                    " (running low)"
                } else {
                    ""
                }
            ),
        };
        out.line(format!("{:<width$}  {:<34}  {codes}", s.label, describe(s)))?;
    }
    Ok(())
}

fn code(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    query: &str,
    at: Option<u64>,
    out: &Out,
) -> Result<()> {
    let unix = at.unwrap_or_else(time::now_unix);
    let key = vault_key(paths, pass_file)?;
    // A TOTP code needs one account, not the whole vault (see `peek`);
    // anything else, errors included, takes the full open below.
    let (label, view) = match peek::live_code_of(paths.dir(), &key, query, unix) {
        Some(peeked) => {
            if key.is_kit() {
                opened_with_kit_note();
            }
            (peeked.label, peeked.view)
        }
        None => code_after_open(open_with(paths, key)?, query, unix, at)?,
    };
    if out.json {
        return out.json(&json!({
            "account": label,
            "code": view.code,
            "seconds_left": view.seconds_left,
            "period": view.period,
            "counter": view.counter,
        }));
    }
    out.line(&view.code)?;
    if let Some(left) = view.seconds_left.filter(|_| at.is_none()) {
        note(format!("{label}: valid for {left} more s"));
    }
    Ok(())
}

/// `code` on the opened vault: a TOTP code, or the next HOTP code (taken,
/// so the counter advances and is saved).
fn code_after_open(
    mut vault: Vault,
    query: &str,
    unix: u64,
    at: Option<u64>,
) -> Result<(String, CodeView)> {
    let account = vault.doc().find(query)?;
    let id = account.id.clone();
    let label = account.label();
    let view = vault.take_code(&id, unix)?;
    if view.counter.is_some() && at.is_some() {
        note("note: --at is ignored for counter-based (HOTP) accounts");
    }
    Ok((label, view))
}

fn rename(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    query: &str,
    issuer: Option<String>,
    name: Option<String>,
    out: &Out,
) -> Result<()> {
    if issuer.is_none() && name.is_none() {
        bail!("give --issuer and/or --name: the new values");
    }
    let mut vault = open(paths, pass_file)?;
    let id = vault.doc().find(query)?.id.clone();
    let summary = vault.update(|doc| {
        let a = doc.account_mut(&id)?;
        let (old_issuer, old_name) = (a.issuer.clone(), a.name.clone());
        let edited = doc.edit_account(
            &id,
            issuer.as_deref().unwrap_or(&old_issuer),
            name.as_deref().unwrap_or(&old_name),
            None,
            time::now(),
        )?;
        Ok(edited.summary())
    })?;
    if out.json {
        return out.json(&serde_json::to_value(&summary)?);
    }
    out.line(format!("Renamed to {}", summary.label))
}

fn rm(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    query: &str,
    yes: bool,
    out: &Out,
) -> Result<()> {
    let mut vault = open(paths, pass_file)?;
    let account = vault.doc().find(query)?;
    let (id, label) = (account.id.clone(), account.label());
    let codes = account.recovery.len();
    if !yes {
        let question = format!(
            "Delete {label} with its 2FA secret{}? This cannot be undone here (backups/ keeps \
             earlier versions).",
            if codes > 0 {
                format!(" and {codes} recovery codes")
            } else {
                String::new()
            }
        );
        if !input::confirm(&question)? {
            bail!("{label} was not deleted (confirm on a terminal, or pass --yes)");
        }
    }
    vault.update(|doc| doc.remove_account(&id))?;
    if out.json {
        return out.json(&json!({"deleted": label}));
    }
    out.line(format!("Deleted {label}"))
}

fn recovery_cmd(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    cmd: RecoveryCommand,
    out: &Out,
) -> Result<()> {
    match cmd {
        RecoveryCommand::Add {
            query,
            file,
            replace,
        } => recovery_add(paths, pass_file, &query, file, replace, out),
        RecoveryCommand::List { query, reveal } => {
            recovery_list(paths, pass_file, &query, reveal, out)
        }
        RecoveryCommand::Use { query } => recovery_use(paths, pass_file, &query, out),
        RecoveryCommand::Unuse { query, number } => {
            let mut vault = open(paths, pass_file)?;
            let account = vault.doc().find(&query)?;
            let (id, label) = (account.id.clone(), account.label());
            let index = number.checked_sub(1).context("code numbers start at 1")?;
            vault.update(|doc| {
                doc.account_mut(&id)?
                    .unuse_recovery_code(index, time::now())
            })?;
            out.line(format!("Marked code #{number} of {label} unused"))
        }
    }
}

fn recovery_add(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    query: &str,
    file: Option<PathBuf>,
    replace: bool,
    out: &Out,
) -> Result<()> {
    let file = file.unwrap_or_else(|| PathBuf::from("-"));
    let parsed = if file == Path::new("-") {
        if pass_file == Some(Path::new("-")) {
            bail!("the codes and --passphrase-file - cannot both come from standard input");
        }
        if input::stdin_is_terminal() {
            note("Paste the recovery codes, then press Ctrl-D:");
        }
        recovery::parse_codes(&input::whole_text(&file, "recovery codes")?)?
    } else {
        recovery::parse_codes_file(&file)?
    };
    let count_note = parsed.count_note();
    let set = RecoverySet::from_parsed(parsed, time::now())?;
    let mut vault = open(paths, pass_file)?;
    let id = vault.doc().find(query)?.id.clone();
    let (label, total, service) = vault.update(|doc| {
        let a = doc.account_mut(&id)?;
        let summary = (a.label(), set.len(), set.service());
        a.save_recovery_codes(set, replace, time::now())?;
        Ok(summary)
    })?;
    if let Some(n) = count_note {
        note(format!("note: {n}"));
    }
    if out.json {
        return out.json(&json!({"account": label, "saved": total, "service": service}));
    }
    let service = match service {
        recovery::Service::Unknown => String::new(),
        s => format!("{} ", s.label()),
    };
    out.line(format!("Saved {total} {service}recovery codes for {label}"))
}

fn recovery_list(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    query: &str,
    reveal: bool,
    out: &Out,
) -> Result<()> {
    let vault = open(paths, pass_file)?;
    let account = vault.doc().find(query)?;
    let set = &account.recovery;
    if out.json {
        let codes: Vec<_> = set
            .codes()
            .iter()
            .enumerate()
            .map(|(i, c)| {
                json!({
                    "number": i + 1,
                    "code": if reveal { c.code().to_owned() } else { c.masked() },
                    "used": c.is_used(),
                    "used_at": c.used_at(),
                })
            })
            .collect();
        return out.json(&json!({
            "account": account.label(),
            "service": set.service(),
            "total": set.len(),
            "unused": set.unused_count(),
            "running_low": set.is_running_low(),
            "codes": codes,
        }));
    }
    if set.is_empty() {
        return out.line(format!(
            "{} has no recovery codes saved. Add them with `sparekey-cli recovery add {query} FILE`.",
            account.label()
        ));
    }
    out.line(format!(
        "{}: {} of {} codes unused",
        account.label(),
        set.unused_count(),
        set.len()
    ))?;
    for (i, c) in set.codes().iter().enumerate() {
        let shown = if reveal {
            c.code().to_owned()
        } else {
            c.masked()
        };
        let state = match c.used_at() {
            Some(t) => format!("used {}", time::format_utc(t)),
            None if c.is_used() => "used".to_owned(),
            None => "unused".to_owned(),
        };
        out.line(format!("{:>3}. {shown:<24} {state}", i + 1))?;
    }
    if set.is_running_low() {
        note(running_low_hint(set.unused_count()));
    }
    Ok(())
}

fn running_low_hint(unused: usize) -> String {
    format!(
        "warning: only {unused} unused recovery code{} left: generate a new set at the service and \
         save it with `recovery add --replace`",
        if unused == 1 { "" } else { "s" }
    )
}

fn recovery_use(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    query: &str,
    out: &Out,
) -> Result<()> {
    let mut vault = open(paths, pass_file)?;
    let id = vault.doc().find(query)?.id.clone();
    let (label, number, code, unused) = vault.update(|doc| {
        let a = doc.account_mut(&id)?;
        let (index, code) = a.use_next_recovery_code(time::now())?;
        Ok((a.label(), index + 1, code, a.recovery.unused_count()))
    })?;
    if out.json {
        return out.json(&json!({
            "account": label,
            "number": number,
            "code": code.expose_secret(),
            "unused_left": unused,
        }));
    }
    out.line(code.expose_secret())?;
    note(format!(
        "Code #{number} of {label} is now marked used; {unused} unused left. \
         (Undo: sparekey-cli recovery unuse {query:?} {number})"
    ));
    if unused <= recovery::RUNNING_LOW_AT {
        note(running_low_hint(unused));
    }
    Ok(())
}

fn passwd(
    paths: &VaultPaths,
    pass_file: Option<&Path>,
    new_file: Option<&Path>,
    work_factor: Option<u8>,
    out: &Out,
) -> Result<()> {
    if pass_file == Some(Path::new("-")) && new_file == Some(Path::new("-")) {
        bail!("the old and the new passphrase cannot both come from standard input");
    }
    let mut vault = open(paths, pass_file)?;
    let new_pass = input::new_passphrase(new_file)?;
    vault.change_passphrase(&new_pass, work_factor)?;
    out.line("Passphrase changed. The old passphrase no longer opens the vault.")
}
