//! Files on Unix (Linux and macOS): permission bits, inodes, folders that
//! can be flushed.

use std::{
    fs::{DirBuilder, File, Metadata, OpenOptions},
    io,
    os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt},
    path::Path,
};

/// Mode 0600.
pub(super) fn owner_only_file(options: &mut OpenOptions) -> &mut OpenOptions {
    options.mode(0o600)
}

/// Mode 0700.
pub(super) fn owner_only_dir(builder: &mut DirBuilder) -> &mut DirBuilder {
    builder.mode(0o700)
}

/// The inode.
pub(super) fn file_id(meta: &Metadata) -> u64 {
    meta.ino()
}

/// `fsync` on the folder, which makes the renames in it durable.
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// `mode & 0o777`.
#[cfg(test)]
pub(super) fn permission_bits(meta: &Metadata) -> Option<u32> {
    Some(meta.mode() & 0o777)
}

#[cfg(test)]
mod tests {
    use std::fs;

    /// A file replaced by a copy with the same length and time still has a
    /// new identity.
    #[test]
    fn a_replaced_file_has_another_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.age");
        fs::write(&path, b"one").unwrap();
        let before = super::file_id(&fs::metadata(&path).unwrap());
        let other = dir.path().join("other");
        fs::write(&other, b"two").unwrap();
        fs::rename(&other, &path).unwrap();
        assert_ne!(before, super::file_id(&fs::metadata(&path).unwrap()));
    }
}
