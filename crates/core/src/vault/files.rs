//! Reading and writing the vault's files: capped and streamed reads, temp
//! files that are fsynced and renamed into place, the folder flush, and
//! what identifies a version of `vault.age` on disk.

use std::{
    cell::RefCell,
    fs,
    io::{BufReader, Read, Write},
    path::{Path, PathBuf},
    rc::Rc,
    time::SystemTime,
};

use age::x25519;
use zeroize::Zeroizing;

use super::{crypto, document::Document, paths::*, store::*};
use crate::{Error, Result};

/// What identifies one version of `vault.age` on disk without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// The inode where the system has one (see `crate::platform`).
    file_id: u64,
}

impl Stamp {
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        let meta = fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            file_id: crate::platform::file_id(&meta),
        })
    }
}

/// Reads, decrypts and parses a vault document.
pub(super) fn read_document(path: &Path, identity: &x25519::Identity) -> Result<Document> {
    let json = read_plaintext(path, identity)?;
    Document::from_json(&json, path)
}

/// The decrypted content of the vault file `path`, streamed through age
/// instead of read into memory first (see
/// [`crypto::decrypt_stream_with_identity`]). Errors are those of reading it
/// whole with [`read_capped`], then decrypting it.
pub(crate) fn read_plaintext(
    path: &Path,
    identity: &x25519::Identity,
) -> Result<Zeroizing<Vec<u8>>> {
    let file = crate::fs::open_regular(path)?;
    let size = file.metadata().map_or(0, |m| m.len());
    if size > MAX_VAULT_BYTES {
        return Err(too_large(path, MAX_VAULT_BYTES));
    }
    // Only the bytes the size promised: a file that grows meanwhile reads
    // as truncated (the next refresh sees its new stamp and reads again),
    // and the plaintext buffer, sized from `size`, never has to grow.
    let failed = Rc::new(RefCell::new(None));
    let reader = KeepReadError {
        inner: file.take(size),
        failed: Rc::clone(&failed),
    };
    let json = crypto::decrypt_stream_with_identity(
        BufReader::with_capacity(64 * 1024, reader),
        identity,
        usize::try_from(size).unwrap_or(usize::MAX),
        path,
    )
    .map_err(|e| match failed.borrow_mut().take() {
        // The file could not be read: say so, as `read_capped` would.
        Some(io) => Error::io("read", path, io),
        None => e,
    })?;
    Ok(json)
}

/// A reader that keeps the first I/O error it meets (age reports any as a
/// damaged file), so that a file that cannot be read is reported as such.
pub(super) struct KeepReadError<R> {
    inner: R,
    failed: Rc<RefCell<Option<std::io::Error>>>,
}

impl<R: Read> Read for KeepReadError<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Err(e) if e.kind() != std::io::ErrorKind::Interrupted => {
                let kind = e.kind();
                self.failed.borrow_mut().get_or_insert(e);
                Err(kind.into())
            }
            other => other,
        }
    }
}

pub(super) fn too_large(path: &Path, cap: u64) -> Error {
    Error::Corrupt {
        file: path.to_owned(),
        detail: format!(
            "it is larger than {} MiB, far too large for a Sparekey file",
            cap >> 20
        ),
    }
}

pub(super) fn check_present(paths: &VaultPaths) -> Result<()> {
    match (paths.identity().exists(), paths.vault().exists()) {
        (true, true) => Ok(()),
        (false, false) => Err(Error::VaultNotFound {
            dir: paths.dir().to_owned(),
        }),
        (true, false) => Err(Error::Corrupt {
            file: paths.vault(),
            detail: "it is missing, though identity.age is present".into(),
        }),
        (false, true) => Err(Error::Corrupt {
            file: paths.identity(),
            detail: "it is missing, though vault.age is present (an emergency kit can still open \
                     the vault)"
                .into(),
        }),
    }
}

pub(super) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let file = crate::fs::open_regular(path)?;
    // Sized from the file, so a large vault is read without regrowing.
    let size = file.metadata().map_or(0, |m| m.len().min(cap));
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, cap));
    }
    Ok(bytes)
}

/// Writes `bytes` to a fresh temp file in `dir` and fsyncs it.
pub(super) fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let nonce: u64 = rand::random();
    let temp = dir.join(format!(
        "{TEMP_PREFIX}{name}-{}-{nonce:016x}",
        std::process::id()
    ));
    let result = crate::fs::open_new(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = result {
        let _ = crate::fs::remove_file(&temp);
        return Err(Error::io("save (nothing was changed)", dir, e));
    }
    Ok(temp)
}

/// Renames the temp file over `target` and fsyncs the folder.
pub(super) fn commit_temp(temp: &Path, target: &Path, dir: &Path) -> Result<()> {
    if let Err(e) = crate::fs::rename(temp, target) {
        let _ = crate::fs::remove_file(temp);
        return Err(Error::io("save (nothing was changed)", target, e));
    }
    sync_dir(dir)
}

pub(super) fn sync_dir(dir: &Path) -> Result<()> {
    crate::platform::sync_dir(dir).map_err(|e| Error::io("flush the folder", dir, e))
}

/// Temp files left by a writer that was killed mid-save, in the vault
/// folder and in `backups/`. Only called while holding the lock, so no live
/// writer owns them.
pub(super) fn remove_stale_temp_files(paths: &VaultPaths) {
    for dir in [paths.dir().to_owned(), paths.backups()] {
        if let Ok(entries) = fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
                    let _ = crate::fs::remove_file(&entry.path());
                }
            }
        }
    }
}

/// The regular files in `dir` (none if it does not exist), leaving out temp
/// files of a save in progress.
pub(super) fn files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("list the files in", dir, e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list the files in", dir, e))?;
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    /// How `read_document` worked before it streamed: read the file whole,
    /// then decrypt it.
    fn read_document_whole(path: &Path, identity: &x25519::Identity) -> Result<Document> {
        let bytes = read_capped(path, MAX_VAULT_BYTES)?;
        let json = crypto::decrypt_with_identity(&bytes, identity, path)?;
        Document::from_json(&json, path)
    }

    fn shown(r: Result<Document>) -> String {
        match r {
            Ok(doc) => format!("ok, {} accounts", doc.accounts.len()),
            Err(e) => format!("error ({}): {e}", e.kind()),
        }
    }

    #[test]
    fn streamed_reads_match_whole_reads() {
        let dir = tempfile::tempdir().unwrap();
        let id = crypto::generate_identity();
        let other = crypto::generate_identity();
        let mut doc = Document::default();
        for i in 0..300u32 {
            let otp = crate::otp::parse_uri(&format!(
                "otpauth://totp/Issuer{i}:user{i}?secret=JBSWY3DPEHPK3PXP{}",
                data_encoding::BASE32_NOPAD.encode(&i.to_be_bytes())
            ))
            .unwrap()
            .otp;
            doc.add_account(
                crate::account::Account::new("Issuer", &format!("user{i}"), Some(otp), 1).unwrap(),
            )
            .unwrap();
        }
        let ct = crypto::encrypt_to(&doc.to_json(), &[id.to_public()]).unwrap();
        let mut armored = Vec::new();
        {
            let mut w = age::armor::ArmoredWriter::wrap_output(
                &mut armored,
                age::armor::Format::AsciiArmor,
            )
            .unwrap();
            w.write_all(&ct).unwrap();
            w.finish().unwrap();
        }
        let mut damaged = ct.clone();
        let last = damaged.len() - 5;
        damaged[last] ^= 1;
        let mut files: Vec<(&str, Vec<u8>)> = vec![
            ("good", ct.clone()),
            ("armored", armored),
            ("damaged", damaged),
            ("empty", Vec::new()),
            ("cut in the header", ct[..50].to_vec()),
            ("cut in the payload", ct[..ct.len() / 2].to_vec()),
            ("not age", br#"{"format":"sparekey-vault"}"#.to_vec()),
        ];
        let mut longer = ct.clone();
        longer.extend_from_slice(b"trailing");
        files.push(("trailing bytes", longer));
        for (name, bytes) in &files {
            let path = dir.path().join(format!("{name}.age"));
            fs::write(&path, bytes).unwrap();
            for key in [&id, &other] {
                let streamed = shown(read_document(&path, key));
                assert_eq!(streamed, shown(read_document_whole(&path, key)), "{name}");
                if *name == "good" && std::ptr::eq(key, &id) {
                    assert_eq!(streamed, "ok, 300 accounts");
                }
            }
        }
        // Not a file, missing, too large (sparse, so nothing is written).
        let missing = dir.path().join("missing.age");
        let huge = dir.path().join("huge.age");
        File::create(&huge)
            .unwrap()
            .set_len(MAX_VAULT_BYTES + 1)
            .unwrap();
        for path in [dir.path().to_owned(), missing, huge] {
            let streamed = shown(read_document(&path, &id));
            assert!(streamed.starts_with("error"), "{streamed}");
            assert_eq!(streamed, shown(read_document_whole(&path, &id)), "{path:?}");
        }
    }
}
