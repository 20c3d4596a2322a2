//! What Linux and macOS share: a private folder for the single-instance
//! lock, and a Unix socket as its bell.

use std::{
    fs::DirBuilder,
    io,
    os::unix::{
        fs::{DirBuilderExt, MetadataExt, PermissionsExt},
        net::{UnixListener, UnixStream},
    },
    path::{Path, PathBuf},
};

/// A Unix socket in the runtime folder: the first app listens, a later
/// launch connects, which asks the first to show its window. Nothing is
/// sent either way.
#[derive(Debug)]
pub struct SocketBell(UnixListener);

impl super::Bell for SocketBell {
    const RINGS: bool = true;

    fn listen(path: &Path) -> io::Result<Self> {
        // The caller holds the lock: a socket file there was left by an
        // app that ended.
        let _ = std::fs::remove_file(path);
        UnixListener::bind(path).map(SocketBell)
    }

    fn serve(self, heard: impl Fn()) {
        for ring in self.0.incoming() {
            if ring.is_ok() {
                heard();
            }
        }
    }

    fn ring(path: &Path) -> bool {
        UnixStream::connect(path).is_ok()
    }
}

/// `dir` if it is a folder of this user's alone, as the single-instance
/// lock needs: a lock in a folder others may enter could be taken by them,
/// to keep Sparekey from starting.
pub(super) fn private(dir: PathBuf) -> Result<PathBuf, String> {
    if is_private(&dir) {
        Ok(dir)
    } else {
        Err(format!(
            "{} is not a folder of this user's alone (mode 0700)",
            dir.display()
        ))
    }
}

/// Whether `dir` is a folder this user owns that nobody else may enter (no
/// group or other permissions), as the XDG spec requires of the runtime
/// folder.
pub(super) fn is_private(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|meta| {
        meta.is_dir()
            && meta.uid() == rustix::process::geteuid().as_raw()
            && meta.permissions().mode() & 0o077 == 0
    })
}

/// Creates `dir` with mode 0700 unless it exists (its parents must). For
/// macOS, which has no runtime folder of the session's.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub(super) fn create_private_dir(dir: &Path) -> io::Result<()> {
    match DirBuilder::new().mode(0o700).create(dir) {
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::Bell;

    fn set_mode(dir: &Path, mode: u32) {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn only_a_folder_of_the_users_alone_is_used() {
        let dir = tempfile::tempdir().unwrap();
        set_mode(dir.path(), 0o700);
        assert!(is_private(dir.path()));
        assert_eq!(private(dir.path().to_owned()), Ok(dir.path().to_owned()));
        for mode in [0o755, 0o750, 0o777] {
            set_mode(dir.path(), mode);
            assert!(!is_private(dir.path()), "mode {mode:o}");
            let error = private(dir.path().to_owned()).unwrap_err();
            assert!(error.contains("mode 0700"), "{error}");
        }
        assert!(!is_private(&dir.path().join("missing")));
    }

    /// The single-instance lock is named after the vault folder's
    /// canonical path, so a symlink to it finds the same lock.
    #[test]
    fn a_vault_folder_and_a_symlink_to_it_share_a_name() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("vault");
        std::fs::create_dir(&vault).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&vault, &link).unwrap();
        assert_eq!(
            crate::single_instance::name_for(&vault),
            crate::single_instance::name_for(&link)
        );
    }

    #[test]
    fn a_private_folder_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("run");
        create_private_dir(&made).unwrap();
        assert!(is_private(&made));
        create_private_dir(&made).unwrap();
        assert!(create_private_dir(&dir.path().join("no/parent")).is_err());
    }

    #[test]
    fn the_socket_is_heard_and_what_a_crash_left_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bell.sock");
        // An app that crashed: its socket file stays, nobody listens.
        drop(UnixListener::bind(&path).unwrap());
        assert!(!SocketBell::ring(&path));
        let bell = SocketBell::listen(&path).unwrap();
        let (heard, rang) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            bell.serve(move || {
                let _ = heard.send(());
            });
        });
        assert!(SocketBell::ring(&path));
        rang.recv_timeout(std::time::Duration::from_secs(5))
            .expect("the ring is heard");
    }
}
