//! What the core does differently on Linux, macOS and Windows, in one
//! place: every other module calls these functions and has no `cfg` of its
//! own (`tests/security.rs` checks that).
//!
//! | piece | Linux | macOS | Windows and others |
//! |---|---|---|---|
//! | new private files, folders ([`owner_only_file`], [`owner_only_dir`]) | mode 0600, 0700 | mode 0600, 0700 | the folder's access list (in the user's profile: the user's alone) |
//! | a file's identity ([`file_id`]) | its inode | its inode | none: length and modified time only |
//! | a folder flushed after a rename ([`sync_dir`]) | `fsync` | `fsync` | not done: the standard library cannot open a folder there |
//! | the clock's synchronization ([`clock_sync`]) | `timedatectl`, else systemd-timesyncd's marker | unknown | unknown |
//!
//! `unix.rs` serves Linux and macOS, `linux.rs` Linux alone, and
//! `fallback.rs` whatever a system has no native piece for: it is portable
//! Rust, built and tested on every system.

use std::{
    fs::{DirBuilder, Metadata, OpenOptions},
    io,
    path::Path,
};

use crate::clock::ClockSync;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as files;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as clock;

// On macOS only its clock serves; Linux builds it for its tests alone.
#[cfg(any(test, not(target_os = "linux")))]
#[cfg_attr(unix, allow(dead_code))]
mod fallback;
#[cfg(not(unix))]
use fallback as files;
#[cfg(not(target_os = "linux"))]
use fallback as clock;

/// Has `options` create a file its owner alone may read and write.
pub(crate) fn owner_only_file(options: &mut OpenOptions) -> &mut OpenOptions {
    files::owner_only_file(options)
}

/// Has `builder` create folders their owner alone may enter.
pub(crate) fn owner_only_dir(builder: &mut DirBuilder) -> &mut DirBuilder {
    files::owner_only_dir(builder)
}

/// A number that changes when a file is replaced by another of the same
/// length and time (its inode); 0 where the system offers none.
pub(crate) fn file_id(meta: &Metadata) -> u64 {
    files::file_id(meta)
}

/// Makes a rename in `dir` durable by flushing the folder itself, where the
/// system allows it.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    files::sync_dir(dir)
}

/// Whether the system clock is synchronized, as far as this system says.
pub(crate) fn clock_sync() -> ClockSync {
    clock::clock_sync()
}

/// The permission bits of a file (`mode & 0o777`), where the system has
/// them; for tests that check a file is private.
#[cfg(test)]
pub(crate) fn permission_bits(meta: &Metadata) -> Option<u32> {
    files::permission_bits(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every system's module offers the same functions with the same
    /// signatures, checked here for those this system can build.
    #[test]
    fn every_module_offers_the_whole_interface() {
        let _: fn(&mut OpenOptions) -> &mut OpenOptions = fallback::owner_only_file;
        let _: fn(&mut DirBuilder) -> &mut DirBuilder = fallback::owner_only_dir;
        let _: fn(&Metadata) -> u64 = fallback::file_id;
        let _: fn(&Path) -> io::Result<()> = fallback::sync_dir;
        let _: fn() -> ClockSync = fallback::clock_sync;
        let _: fn(&Metadata) -> Option<u32> = fallback::permission_bits;
        let _: fn(&mut OpenOptions) -> &mut OpenOptions = files::owner_only_file;
        let _: fn(&mut DirBuilder) -> &mut DirBuilder = files::owner_only_dir;
        let _: fn(&Metadata) -> u64 = files::file_id;
        let _: fn(&Path) -> io::Result<()> = files::sync_dir;
        let _: fn(&Metadata) -> Option<u32> = files::permission_bits;
        let _: fn() -> ClockSync = clock::clock_sync;
    }

    /// A private file made through the interface is private where the
    /// system has permission bits.
    #[test]
    fn new_files_and_folders_are_the_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        owner_only_file(OpenOptions::new().write(true).create_new(true))
            .open(&file)
            .unwrap();
        let folder = dir.path().join("folder");
        owner_only_dir(&mut DirBuilder::new())
            .create(&folder)
            .unwrap();
        let bits = |path: &Path| permission_bits(&std::fs::metadata(path).unwrap());
        if let Some(bits) = bits(&file) {
            assert_eq!(bits, 0o600, "{bits:o}");
        }
        if let Some(bits) = bits(&folder) {
            assert_eq!(bits, 0o700, "{bits:o}");
        }
        sync_dir(dir.path()).unwrap();
    }
}
