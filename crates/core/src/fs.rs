//! Private files: what Sparekey writes outside the vault's own saves (a kit
//! file, an export) is created readable by the owner alone, never written
//! over an existing file unless the person chose that file, and never left
//! half-written.
//!
//! The one home for "create with mode 0600, write, fsync, clean up on
//! failure": the vault's own atomic saves use [`open_new`] too.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Write},
    path::{Path, PathBuf},
};

use crate::{platform, Error, Result};

/// Creates `path`, which must not exist yet, for writing, readable by the
/// owner alone (mode 0600 on Linux and macOS; on Windows the folder's
/// access list).
pub fn open_new(path: &Path) -> io::Result<File> {
    faults::check()?;
    platform::owner_only_file(OpenOptions::new().write(true).create_new(true)).open(path)
}

/// Opens `path` for reading if it is a regular file (a symlink to one is
/// fine). A FIFO, a device or a folder is refused with
/// [`Error::Corrupt`] instead of being opened: opening a FIFO blocks until
/// someone writes to it, so a planted one would hang the app.
pub fn open_regular(path: &Path) -> Result<File> {
    let not_regular = || Error::Corrupt {
        file: path.to_owned(),
        detail: "it is not a regular file (a FIFO, device or folder), so it was not opened".into(),
    };
    let meta = fs::metadata(path).map_err(|e| Error::io("open", path, e))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let file = File::open(path).map_err(|e| Error::io("open", path, e))?;
    // Checked again on what was opened, in case the name was swapped.
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(not_regular()),
        Err(e) => Err(Error::io("open", path, e)),
    }
}

/// Creates the folder `dir` (and its parents) readable by the owner alone
/// (mode 0700 on Linux and macOS).
pub fn create_dir_private(dir: &Path) -> Result<()> {
    platform::owner_only_dir(fs::DirBuilder::new().recursive(true))
        .create(dir)
        .map_err(|e| Error::io("create the folder", dir, e))
}

/// How [`write_private`] treats a file that is already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Refuse: [`Error::FileExists`], and the file is left as it is.
    Refuse,
    /// Replace it atomically (the person chose this file in a save dialog):
    /// a new file is written beside it and renamed over it.
    Replace,
}

/// Writes `bytes` to a new private file at `path` and fsyncs it. On any
/// failure nothing is left behind: no partial file, and an existing file is
/// either refused ([`Existing::Refuse`]) or still whole.
pub fn write_private(path: &Path, bytes: &[u8], existing: Existing) -> Result<()> {
    let target = match existing {
        Existing::Refuse => path.to_owned(),
        Existing::Replace => temp_beside(path),
    };
    let mut file = open_new(&target).map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists && existing == Existing::Refuse {
            Error::FileExists {
                path: path.to_owned(),
            }
        } else {
            Error::io("create", path, e)
        }
    })?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| match existing {
            Existing::Refuse => Ok(()),
            Existing::Replace => rename(&target, path),
        });
    if let Err(e) = written {
        // A partial file is worse than none.
        let _ = remove_file(&target);
        return Err(Error::io("write", path, e));
    }
    Ok(())
}

/// Renames `from` to `to` (replacing `to` atomically).
pub(crate) fn rename(from: &Path, to: &Path) -> io::Result<()> {
    faults::check()?;
    fs::rename(from, to)
}

/// Deletes the file `path`.
pub(crate) fn remove_file(path: &Path) -> io::Result<()> {
    faults::check()?;
    fs::remove_file(path)
}

/// Makes `link` a second name of the file `original`.
pub(crate) fn hard_link(original: &Path, link: &Path) -> io::Result<()> {
    faults::check()?;
    fs::hard_link(original, link)
}

/// Copies the file `from` to `to`.
pub(crate) fn copy(from: &Path, to: &Path) -> io::Result<u64> {
    faults::check()?;
    fs::copy(from, to)
}

/// Every change Sparekey makes to a file system goes through [`open_new`],
/// [`rename`], [`remove_file`], [`hard_link`] or [`copy`], and each asks
/// `faults::check` first. In the library it always says yes; in core's own
/// tests the lifecycle model arms it to fail one operation, or every
/// operation from one on (a crash: nothing after it reaches the disk).
#[cfg(not(test))]
mod faults {
    #[inline(always)]
    pub(super) fn check() -> std::io::Result<()> {
        Ok(())
    }
}

/// Injected failures for the lifecycle tests (see `vault::lifecycle`).
#[cfg(test)]
pub(crate) mod faults {
    use std::cell::Cell;

    /// What to break: after `after` more operations succeed, fail the
    /// next one, and with `crash` every one after it too.
    #[derive(Clone, Copy, Debug)]
    pub(crate) struct Plan {
        pub(crate) after: u32,
        pub(crate) crash: bool,
    }

    thread_local! {
        static PLAN: Cell<Option<Plan>> = const { Cell::new(None) };
        static TRIPPED: Cell<bool> = const { Cell::new(false) };
    }

    /// Arms `plan` for this thread.
    pub(crate) fn arm(plan: Plan) {
        PLAN.set(Some(plan));
        TRIPPED.set(false);
    }

    /// How many operations are left before the armed failure (`None` when
    /// disarmed): arming `u32::MAX` and reading this counts an operation's
    /// file-system changes.
    pub(crate) fn left() -> Option<u32> {
        PLAN.get().map(|plan| plan.after)
    }

    /// Disarms; returns whether a failure was injected since [`arm`].
    pub(crate) fn disarm() -> bool {
        PLAN.set(None);
        TRIPPED.replace(false)
    }

    pub(super) fn check() -> std::io::Result<()> {
        let Some(plan) = PLAN.get() else {
            return Ok(());
        };
        if plan.after > 0 {
            PLAN.set(Some(Plan {
                after: plan.after - 1,
                ..plan
            }));
            return Ok(());
        }
        if !plan.crash {
            PLAN.set(None);
        }
        TRIPPED.set(true);
        Err(std::io::Error::other("injected failure"))
    }
}

/// `.NAME.PID.sparekey-tmp` next to `path`.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.sparekey-tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_private_files_and_never_replaces_silently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_private(&path, b"one", Existing::Refuse).unwrap();
        if let Some(bits) = platform::permission_bits(&fs::metadata(&path).unwrap()) {
            assert_eq!(bits, 0o600, "{bits:o}");
        }
        let error = write_private(&path, b"two", Existing::Refuse).unwrap_err();
        assert!(matches!(error, Error::FileExists { .. }), "{error}");
        assert!(error.to_string().contains("already exists"), "{error}");
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_private(&path, b"three", Existing::Replace).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[test]
    fn a_folder_is_not_opened_as_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let error = open_regular(dir.path()).unwrap_err();
        assert_eq!(error.kind(), "corrupt", "{error}");
        assert!(error.to_string().contains("not a regular file"), "{error}");
        let file = dir.path().join("f");
        fs::write(&file, b"x").unwrap();
        assert!(open_regular(&file).is_ok());
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("kit.txt");
        let error = write_private(&path, b"key", Existing::Refuse).unwrap_err();
        assert_eq!(error.kind(), "io");
        assert!(error.to_string().contains("kit.txt"), "{error}");
        assert!(!dir.path().join("missing").exists());
    }
}
