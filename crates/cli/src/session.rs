//! The session of one command: which vault, what opens it (a passphrase
//! from a file or a prompt, or the emergency kit file), and where output
//! goes. Built once from the global options and handed to every command.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use sparekey_core::{
    app::session::{self, Opener},
    clock::{ClockSource, ClockSync, FixedClock, SystemClock},
    guides,
    secret::SecretString,
    vault::{Vault, VaultKey, VaultPaths},
};

use crate::{
    args::Cli,
    input,
    output::{note, Out},
};

/// What every command may need.
#[derive(Debug)]
pub struct Session {
    /// The vault folder.
    pub paths: VaultPaths,
    /// `--passphrase-file` ("-" is standard input).
    pub passphrase_file: Option<PathBuf>,
    /// `--kit-file`: open with the emergency kit instead of the passphrase.
    pub kit_file: Option<PathBuf>,
    /// Standard output.
    pub out: Out,
}

impl Session {
    /// The session the global options describe.
    pub fn from_args(cli: &Cli) -> Result<Session> {
        Ok(Session {
            paths: VaultPaths::resolve(cli.vault.as_deref())?,
            passphrase_file: cli.passphrase_file.clone(),
            kit_file: cli.kit_file.clone(),
            out: Out { json: cli.json },
        })
    }

    /// The passphrase file, if any.
    pub fn passphrase_file(&self) -> Option<&Path> {
        self.passphrase_file.as_deref()
    }

    /// True when the passphrase comes from standard input, which another
    /// input then cannot use.
    pub fn stdin_is_taken(&self) -> bool {
        self.passphrase_file() == Some(Path::new("-"))
    }

    /// Fails when `what` wants standard input that the passphrase takes.
    pub fn claim_stdin(&self, what: &str) -> Result<()> {
        if self.stdin_is_taken() {
            bail!("{what} and --passphrase-file - cannot both read standard input");
        }
        Ok(())
    }

    /// What opens the vault: the kit file, else the passphrase (asked on
    /// the terminal unless `--passphrase-file`). Asked only when a vault
    /// exists.
    pub fn opener(&self) -> Result<Opener> {
        session::require_vault(&self.paths)?;
        if let Some(kit_file) = &self.kit_file {
            let text = input::whole_text(kit_file, "emergency kit")?;
            return Ok(Opener::Kit(SecretString::from(String::from(text.as_str()))));
        }
        Ok(Opener::Passphrase(self.passphrase()?))
    }

    /// The vault passphrase alone (commands that need the vault's own key,
    /// such as reading its backups).
    pub fn passphrase(&self) -> Result<SecretString> {
        input::passphrase(self.passphrase_file())
    }

    /// The key that opens the vault (the KDF runs here).
    pub fn key(&self) -> Result<VaultKey> {
        Ok(session::key(&self.paths, &self.opener()?)?)
    }

    /// Opens the vault.
    pub fn open(&self) -> Result<OpenVault> {
        self.open_with(self.key()?)
    }

    /// The id of the one account `query` means (see
    /// `sparekey_core::account::find`).
    pub fn account_id(&self, vault: &Vault, query: &str) -> Result<String> {
        Ok(vault.doc().find(query)?.id.clone())
    }

    /// Opens the vault with a key already made.
    pub fn open_with(&self, key: VaultKey) -> Result<OpenVault> {
        let kit = key.is_kit();
        let vault = Vault::open(self.paths.dir(), key)?;
        if kit {
            opened_with_kit_note();
        }
        // A copy that does not open with this vault's key is never merged:
        // say so instead of promising it (Health names it too).
        let unreadable = vault.unreadable_conflict_copies();
        for name in &unreadable {
            note(format!(
                "warning: a sync tool left {name} beside the vault, and it does not open with \
                 this vault's key, so nothing in it will be merged; check it on the machine that \
                 wrote it, then move it away"
            ));
        }
        let pending: Vec<String> = vault
            .pending_conflict_copies()
            .into_iter()
            .filter(|name| !unreadable.contains(name))
            .collect();
        if !pending.is_empty() {
            note(format!(
                "note: a sync tool left {} beside the vault ({}); the next change merges {}",
                if pending.len() == 1 {
                    "a conflict copy".to_owned()
                } else {
                    format!("{} conflict copies", pending.len())
                },
                pending.join(", "),
                if pending.len() == 1 { "it" } else { "them" }
            ));
        }
        Ok(OpenVault(vault))
    }
}

/// An open vault that, when the command is done with it, says what its
/// changes merged from a sync tool's conflict copies (and which copies it
/// could not read, or whose keys it left out).
pub struct OpenVault(Vault);

impl std::ops::Deref for OpenVault {
    type Target = Vault;
    fn deref(&self) -> &Vault {
        &self.0
    }
}

impl std::ops::DerefMut for OpenVault {
    fn deref_mut(&mut self) -> &mut Vault {
        &mut self.0
    }
}

impl Drop for OpenVault {
    fn drop(&mut self) {
        let Some(report) = self.0.take_merge_report() else {
            return;
        };
        for merged in sparekey_core::app::session::merge_notes(&report) {
            let prefix = if merged.warning { "warning" } else { "note" };
            note(format!("{prefix}: {}", merged.text));
        }
    }
}

/// Environment variable that overrides the clock-sync detection:
/// `synchronized`, `unsynchronized` or `unknown` (for tests, and for
/// systems where detection is wrong).
const CLOCK_ENV: &str = "SPAREKEY_CLOCK_SYNC";

impl Session {
    /// What guides and health are evaluated against: now, and the system
    /// clock's state (see `sparekey_core::clock`), unless `SPAREKEY_CLOCK_SYNC`
    /// says otherwise.
    pub fn guide_context(&self) -> Result<guides::Context> {
        let clock = match std::env::var(CLOCK_ENV) {
            Ok(v) if !v.is_empty() => FixedClock(
                v.parse::<ClockSync>()
                    .with_context(|| format!("{CLOCK_ENV}={v:?}"))?,
            )
            .sync_state(),
            _ => SystemClock.sync_state(),
        };
        Ok(guides::Context {
            now: sparekey_core::time::now(),
            clock,
        })
    }
}

/// Said whenever the kit opened the vault.
pub fn opened_with_kit_note() {
    note(
        "Opened with the emergency kit. If the passphrase is lost, set a new one now: \
         sparekey-cli --kit-file KIT-FILE passwd",
    );
}
