//! What the core does where a system has no native piece of its own
//! (Windows for files; macOS and Windows for the clock): portable Rust
//! only, so it builds everywhere, and Linux runs its tests too.

use std::{
    fs::{DirBuilder, Metadata, OpenOptions},
    io,
    path::Path,
};

use crate::clock::ClockSync;

/// Nothing to add: a new file takes its folder's access list, and the
/// vault's folder is in the user's profile, which is the user's alone.
pub(super) fn owner_only_file(options: &mut OpenOptions) -> &mut OpenOptions {
    options
}

/// Nothing to add, as for files.
pub(super) fn owner_only_dir(builder: &mut DirBuilder) -> &mut DirBuilder {
    builder
}

/// None: the length and modified time tell versions apart.
pub(super) fn file_id(_meta: &Metadata) -> u64 {
    0
}

/// Not done: the standard library cannot open a folder on Windows. The
/// rename itself is still all or nothing.
pub(super) fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Unknown: Sparekey does not read macOS's or Windows's time service.
/// Front ends then ask the person to compare with an accurate clock.
pub(super) fn clock_sync() -> ClockSync {
    ClockSync::Unknown
}

/// None: no permission bits.
#[cfg(test)]
pub(super) fn permission_bits(_meta: &Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_native_pieces_nothing_is_claimed() {
        let dir = tempfile::tempdir().unwrap();
        let meta = std::fs::metadata(dir.path()).unwrap();
        assert_eq!(file_id(&meta), 0);
        assert_eq!(permission_bits(&meta), None);
        assert_eq!(clock_sync(), ClockSync::Unknown);
        assert!(sync_dir(Path::new("/nonexistent/folder")).is_ok());
    }
}
