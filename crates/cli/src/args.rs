//! The command line as text: flags and subcommands, validated by clap and
//! nothing more. `commands/` turns them into calls on sparekey-core.

use std::path::PathBuf;

use clap::{builder::PossibleValuesParser, Args, Parser, Subcommand};
use sparekey_core::{export, import};

/// Sparekey: 2FA codes and recovery codes in an age-encrypted vault.
///
/// Exit codes: 0 success, 1 failure (the message says what and what to do),
/// 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "sparekey-cli", version, max_term_width = 100)]
pub struct Cli {
    /// Vault folder [default: $SPAREKEY_VAULT_DIR, else the system's data
    /// folder: ~/.local/share/sparekey on Linux ($XDG_DATA_HOME/sparekey),
    /// ~/Library/Application Support/dev.sparekey.sparekey on macOS,
    /// %APPDATA%\sparekey\sparekey\data on Windows]
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,

    /// Read the passphrase from the first line of FILE ("-" for standard
    /// input) instead of prompting on the terminal
    #[arg(long, global = true, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// Open the vault with its emergency kit (the kit file) instead of the
    /// passphrase; then set a new passphrase with `passwd`
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with = "passphrase_file"
    )]
    pub kit_file: Option<PathBuf>,

    /// Print machine-readable JSON instead of text (read commands)
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty vault.
    Init {
        /// scrypt work factor (log2 N) for the passphrase; below age's default
        /// (about one second of work) only for tests and very slow machines
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(10..=22))]
        work_factor: Option<u8>,
    },
    /// Add an account from an otpauth:// URI or from its parts.
    Add(AddArgs),
    /// List the accounts (pinned first).
    List {
        /// Only the accounts with this tag (ignoring case)
        #[arg(long, value_name = "TAG")]
        tag: Option<String>,
    },
    /// One account: show it, set its tags, pin it, record its ways back in,
    /// check a second copy of its secret or codes.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Print the current code of an account (HOTP: takes the next code and saves the counter).
    Code {
        /// Part of "issuer:name" (case-insensitive), or the exact label
        query: String,
        /// Compute the TOTP code for this Unix time instead of now
        #[arg(long, value_name = "UNIX_TIME")]
        at: Option<u64>,
    },
    /// Rename an account.
    Rename {
        /// The account to rename
        query: String,
        /// New issuer (unchanged if omitted)
        #[arg(long)]
        issuer: Option<String>,
        /// New account name (unchanged if omitted)
        #[arg(long)]
        name: Option<String>,
    },
    /// Delete an account with its secret and recovery codes.
    Rm {
        /// The account to delete
        query: String,
        /// Do not ask for confirmation (required when not on a terminal)
        #[arg(long)]
        yes: bool,
    },
    /// Recovery codes: add, list, use.
    #[command(subcommand)]
    Recovery(RecoveryCommand),
    /// The emergency kit: a second key on paper that opens the vault.
    #[command(subcommand)]
    Kit(KitCommand),
    /// Earlier versions of the vault (every save keeps one): list, restore.
    #[command(subcommand)]
    Backups(BackupsCommand),
    /// Change the vault's passphrase (rewrites only identity.age; with
    /// --kit-file, sets a new passphrase when the old one is lost).
    Passwd {
        /// Read the new passphrase from the first line of FILE instead of prompting
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
        /// scrypt work factor for the new passphrase (as for init)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(10..=22))]
        work_factor: Option<u8>,
    },
    /// Guides: make an account lockout-proof, or get back in.
    #[command(subcommand)]
    Guide(GuideCommand),
    /// List lockout risks across the vault, most serious first (exit 0 even with findings).
    Health {
        /// Print the recovery graph (accounts, the mailboxes that recover
        /// them, the accounts guarding those) as Graphviz DOT instead, e.g.
        /// `sparekey-cli health --graph | dot -Tsvg > graph.svg`
        #[arg(long)]
        graph: bool,
    },
    /// Draft an account-recovery request (the last resort when locked out).
    RecoveryRequest {
        /// The service (only pypi has a request form)
        #[arg(value_enum)]
        service: RequestService,
        /// Your username at the service (asked on a terminal when omitted)
        #[arg(long)]
        username: Option<String>,
        /// Why you need recovery, e.g. "Lost my 2FA app and the recovery codes"
        /// (asked on a terminal when omitted)
        #[arg(long)]
        reason: Option<String>,
        /// The account in the vault (opens it): fills the username and, while
        /// it has unused recovery codes, leaves "lost the codes" unticked
        #[arg(long, value_name = "QUERY")]
        account: Option<String>,
        /// The primary mailbox is gone: ask the admins to use another address
        #[arg(long)]
        mailbox_gone: bool,
    },
    /// Import accounts from another app's export: shows a preview, writes only once confirmed.
    Import(ImportArgs),
    /// Export the vault: encrypted backup, otpauth list, Aegis JSON, QR codes, recovery sheet.
    Export(ExportArgs),
    /// Make a new vault (in --vault) from an exported backup (never overwrites a vault); without a file, put back the vault's newest good backup.
    Restore(RestoreArgs),
    /// Print the shell completion script, e.g. `sparekey-cli completions bash
    /// > ~/.local/share/bash-completion/completions/sparekey-cli`.
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command to a folder.
    Man {
        /// Write sparekey-cli.1 and a page for every subcommand into this folder
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

/// `account ...`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Show an account: its 2FA, codes, tags and ways back in, with their
    /// single points of failure.
    Show {
        /// Part of "issuer:name" (case-insensitive), or the exact label
        query: String,
    },
    /// Set the account's tags (none: remove them all).
    Tag {
        /// The account
        query: String,
        /// The tags, e.g. work release
        tags: Vec<String>,
    },
    /// Pin the account: it is listed first.
    Pin {
        /// The account
        query: String,
    },
    /// Unpin the account.
    Unpin {
        /// The account
        query: String,
    },
    /// Record a way back in: a second factor, a recovery email, or a copy
    /// of the recovery codes outside the vault.
    AddWay(AddWayArgs),
    /// Remove a recorded way back in, by its number in `account show`.
    RemoveWay {
        /// The account
        query: String,
        /// What to remove from
        #[arg(value_parser = PossibleValuesParser::new(["factor", "email", "copy"]))]
        part: String,
        /// Its number, as `account show` lists it (1 for the first)
        number: usize,
    },
    /// Record the ways back in as complete as they are, so Health reasons
    /// over them.
    Confirm {
        /// The account
        query: String,
    },
    /// "Check my phone": type the code another authenticator shows;
    /// Sparekey says whether it matches the stored secret (one step either
    /// side) and records the date.
    CheckPhone {
        /// The account
        query: String,
        /// The code the other authenticator shows (asked on a terminal
        /// when omitted)
        #[arg(long)]
        code: Option<String>,
        /// The device it is on, e.g. "Pixel 8"
        #[arg(long)]
        device: Option<String>,
    },
    /// Check a printed sheet (or another store): type one unused code from
    /// it; Sparekey says whether it is in the saved set (it stays unused)
    /// and records the date.
    CheckSheet {
        /// The account
        query: String,
        /// Read the code from the first line of FILE ("-" for standard
        /// input) instead of asking on the terminal
        #[arg(long, value_name = "FILE")]
        code_file: Option<PathBuf>,
        /// The copy is in another store, not on paper
        #[arg(long)]
        other_store: bool,
    },
}

/// `account add-way`
#[derive(Debug, Args)]
pub struct AddWayArgs {
    /// The account
    pub query: String,
    /// What it is
    #[arg(value_parser = PossibleValuesParser::new([
        "totp-elsewhere", "security-key", "passkey", "sms", "service-app", "ssh-key", "token",
        "email", "printed", "other-store",
    ]))]
    pub kind: String,
    /// Its name (a key's or a device's), or for `email` the address
    pub name: Option<String>,
    /// Where it is kept
    #[arg(long)]
    pub place: Option<String>,
    /// For `email`: the account in the vault that controls the mailbox
    #[arg(long, value_name = "ACCOUNT")]
    pub mailbox: Option<String>,
    /// For `email`: a work or school address
    #[arg(long)]
    pub work: bool,
}

/// Services with an account-recovery request form.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum RequestService {
    /// PyPI: an issue in pypi/support with the account-recovery form
    Pypi,
}

/// `guide ...`
#[derive(Debug, Subcommand)]
pub enum GuideCommand {
    /// List the guides.
    List,
    /// Show a guide's steps; with --account, what is done for that account.
    Show {
        /// The guide id, e.g. pypi-prevent (see `guide list`)
        id: String,
        /// Evaluate the steps for this account (opens the vault)
        #[arg(long, value_name = "QUERY")]
        account: Option<String>,
        /// For recover guides: show only this branch (the answer to the guide's question)
        #[arg(long, value_name = "BRANCH")]
        branch: Option<String>,
    },
    /// Mark a manual step done for an account (or undo it).
    Check {
        /// The guide id
        id: String,
        /// The step id, as `guide show` prints it
        step: String,
        /// The account
        #[arg(long, value_name = "QUERY")]
        account: String,
        /// A note to keep with the mark, e.g. which addresses are verified
        #[arg(long, conflicts_with = "undo")]
        note: Option<String>,
        /// Remove the mark instead
        #[arg(long)]
        undo: bool,
    },
}

/// `add`: either `--uri`, or `--name` and `--secret` with optional parameters.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// An otpauth://totp/... or otpauth://hotp/... URI ("-" reads it from standard input)
    #[arg(long, conflicts_with_all = ["secret", "algorithm", "digits", "period", "hotp_counter", "steam"])]
    pub uri: Option<String>,
    /// Who issued the account, e.g. PyPI
    #[arg(long)]
    pub issuer: Option<String>,
    /// The account name, e.g. your username
    #[arg(long)]
    pub name: Option<String>,
    /// The base32 secret ("-" reads it from standard input; omit it to be
    /// asked without echo). Beware: a secret on the command line lands in
    /// shell history
    #[arg(long)]
    pub secret: Option<String>,
    /// SHA1 (default), SHA256 or SHA512
    #[arg(long)]
    pub algorithm: Option<String>,
    /// Code length: 6 (default), 7 or 8
    #[arg(long)]
    pub digits: Option<u8>,
    /// Seconds each TOTP code lasts (default 30)
    #[arg(long)]
    pub period: Option<u32>,
    /// Make it an HOTP (counter-based) account starting at this counter
    #[arg(long, value_name = "COUNTER", conflicts_with = "period")]
    pub hotp_counter: Option<u64>,
    /// Make it a Steam Guard account (5-character codes)
    #[arg(long, conflicts_with_all = ["hotp_counter", "digits", "algorithm"])]
    pub steam: bool,
}

/// `recovery ...`
#[derive(Debug, Subcommand)]
pub enum RecoveryCommand {
    /// Save an account's recovery codes from FILE or standard input
    /// (PyPI, GitHub, GitLab and npm formats, one per line or space-separated).
    Add {
        /// The account
        query: String,
        /// A file with the codes, or "-" for standard input [default: -]
        file: Option<PathBuf>,
        /// Replace the codes already saved (after regenerating them at the service)
        #[arg(long)]
        replace: bool,
        /// When the service generated the codes, YYYY-MM-DD [default: the
        /// time in a PyPI download's name, else today]
        #[arg(long, value_name = "DATE")]
        generated: Option<String>,
    },
    /// List an account's recovery codes, used and unused (masked unless --reveal).
    List {
        /// The account
        query: String,
        /// Show the codes in full
        #[arg(long)]
        reveal: bool,
    },
    /// Print the next unused recovery code and mark it used.
    Use {
        /// The account
        query: String,
    },
    /// Mark a code unused again (undo), by its number in `recovery list`.
    Unuse {
        /// The account
        query: String,
        /// The code's number as `recovery list` shows it (from 1)
        number: usize,
    },
}

/// `kit ...`
#[derive(Debug, Subcommand)]
pub enum KitCommand {
    /// Make the vault's emergency kit and write it to FILE (never overwritten).
    Create {
        /// Where to write the kit (an age identity file)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Make a new kit; the old one stops opening the vault and its backups.
    Replace {
        /// Where to write the new kit
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check that a kit file is this vault's current kit and opens it.
    Verify {
        /// The kit file
        file: PathBuf,
    },
}

/// `backups ...`
#[derive(Debug, Subcommand)]
pub enum BackupsCommand {
    /// List backups newest first, with what each holds or why it does not open.
    List,
    /// Put a backup back as the vault: FILE, or the newest that opens. The
    /// version it replaces is kept.
    Restore {
        /// A file in backups/ [default: the newest that opens]
        file: Option<std::path::PathBuf>,
    },
    /// Automatic backups to a folder (a USB stick, a synced folder): after
    /// changes, at most daily. Without options, shows their state.
    Auto {
        /// Turn them on, writing to this existing folder (a full path)
        #[arg(long, value_name = "DIR", conflicts_with = "off")]
        folder: Option<std::path::PathBuf>,
        /// How many earlier backups the folder keeps
        #[arg(long, value_name = "N")]
        keep: Option<u32>,
        /// Turn automatic backups off
        #[arg(long)]
        off: bool,
    },
}

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
