//! Where a vault's files live, and how the backups in `backups/` are named
//! and ordered.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::{Error, Result};

/// Where a vault's files live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultPaths {
    dir: PathBuf,
}

impl VaultPaths {
    /// The vault in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        VaultPaths { dir: dir.into() }
    }

    /// The vault folder given on the command line, else `SPAREKEY_VAULT_DIR`,
    /// else the platform data folder from `directories`:
    /// `$XDG_DATA_HOME/sparekey` (`~/.local/share/sparekey`) on Linux,
    /// `~/Library/Application Support/dev.sparekey.sparekey` on macOS,
    /// `%APPDATA%\sparekey\sparekey\data` on Windows.
    pub fn resolve(explicit: Option<&Path>) -> Result<Self> {
        if let Some(dir) = explicit {
            return Ok(Self::new(dir));
        }
        if let Some(dir) = std::env::var_os("SPAREKEY_VAULT_DIR").filter(|d| !d.is_empty()) {
            return Ok(Self::new(PathBuf::from(dir)));
        }
        directories::ProjectDirs::from("dev", "sparekey", "sparekey")
            .map(|p| Self::new(p.data_dir()))
            .ok_or_else(|| {
                Error::invalid(
                    "vault folder",
                    "no home folder found: pass --vault DIR or set SPAREKEY_VAULT_DIR",
                )
            })
    }

    /// The vault folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// `identity.age`: the X25519 identity wrapped by the passphrase.
    pub fn identity(&self) -> PathBuf {
        self.dir.join("identity.age")
    }
    /// `vault.age`: the encrypted document.
    pub fn vault(&self) -> PathBuf {
        self.dir.join("vault.age")
    }
    /// `backups/`: earlier versions of `vault.age`.
    pub fn backups(&self) -> PathBuf {
        self.dir.join("backups")
    }
    /// `vault.lock`: held by whoever is writing.
    pub fn lock(&self) -> PathBuf {
        self.dir.join("vault.lock")
    }
    /// True when either vault file is present.
    pub fn exists(&self) -> bool {
        self.identity().exists() || self.vault().exists()
    }

    /// Backups of `vault.age`, newest first.
    pub fn list_backups(&self) -> Result<Vec<PathBuf>> {
        let dir = self.backups();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("list the backups in", dir, e)),
        };
        let mut out: Vec<(u64, String, PathBuf)> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter_map(|p| {
                let name = p.file_name()?.to_str()?.to_owned();
                let seq = backup_sequence(&name)?;
                Some((seq, name, p))
            })
            .collect();
        // Newest first: by sequence number, which only grows, so a clock
        // that goes back cannot make a new backup look old (and be pruned).
        out.sort();
        out.reverse();
        Ok(out.into_iter().map(|(_, _, p)| p).collect())
    }
}

/// The sequence number of a backup's file name: `vault-s<N>-….age`; names
/// from before sequence numbers (`vault-<time>….age`) count as 0 and sort
/// by name among themselves. `None` for any other file.
pub(super) fn backup_sequence(name: &str) -> Option<u64> {
    let rest = name.strip_prefix("vault-")?.strip_suffix(".age")?;
    match rest.strip_prefix('s') {
        Some(seq) => seq.split('-').next()?.parse().ok(),
        None => Some(0),
    }
}
