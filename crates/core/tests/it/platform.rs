//! The integration tests only some systems can run, in one place: no other
//! test file has a `cfg` for the system (`tests/security.rs` checks).
//!
//! - Linux: a full disk and a folder that turns read-only, as real tmpfs
//!   mounts (`mount`, and `unshare -rm` for a user who is not root).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(target_os = "linux")]
mod linux {
    use std::{fs, os::unix::fs::PermissionsExt, process::Command};

    use sparekey_core::{account::Account, vault::Vault};

    use crate::vault::{add, new_vault, pass, snapshot, walk};

    /// Whether this process runs as root, where permissions do not bind
    /// and mounting is allowed.
    fn running_as_root() -> bool {
        fs::metadata("/proc/self")
            .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
            .unwrap_or(false)
    }

    /// A folder that turns read-only mid-session: the save fails with a
    /// clear message and the vault on disk is unchanged. As root (CI),
    /// permissions do not bind, so the folder is a real tmpfs remounted
    /// read-only.
    #[test]
    fn read_only_folder_fails_clearly_and_keeps_the_vault() {
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("vault");
        fs::create_dir(&dir).unwrap();
        let root = running_as_root();
        let sh = |args: &[&str]| {
            let st = Command::new(args[0]).args(&args[1..]).status().unwrap();
            assert!(st.success(), "{args:?} failed");
        };
        let dir_s = dir.to_str().unwrap();
        if root {
            sh(&["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir_s]);
        }
        let mut v = new_vault(&dir);
        add(&mut v, "PyPI", "alice");
        let before = snapshot(&dir);
        if root {
            sh(&["mount", "-o", "remount,ro", dir_s]);
        } else {
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        }
        let err = v
            .update(|doc| {
                doc.settings.auto_lock_minutes = 2;
                Ok(())
            })
            .unwrap_err();
        let after = snapshot(&dir);
        if root {
            sh(&["umount", dir_s]);
        } else {
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        }
        let text = err.to_string();
        assert!(
            text.contains("nothing was changed") || text.contains("lock"),
            "{text}"
        );
        assert_eq!(after, before);
    }

    /// A full disk: the save fails with the OS's "No space left" and the
    /// vault still opens with its last saved content. The disk is a 96 KiB
    /// tmpfs; a user who is not root runs this test again inside a user and
    /// mount namespace (`unshare -rm`), where mounting is allowed.
    #[test]
    fn full_disk_fails_clearly_and_keeps_the_vault() {
        if !running_as_root() {
            // The test's full name: `--exact` matches nothing else, and a
            // run of no test would pass.
            let name = format!(
                "{}::full_disk_fails_clearly_and_keeps_the_vault",
                module_path!().split_once("::").map_or("", |(_, path)| path)
            );
            let out = Command::new("unshare")
                .args(["-rm", "--"])
                .arg(std::env::current_exe().unwrap())
                .args(["--exact", &name, "--nocapture"])
                .output()
                .expect("unshare (util-linux) runs this test in a mount namespace");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "the test failed inside `unshare -rm`: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout.contains("1 passed"), "{name} did not run: {stdout}");
            return;
        }
        let base = tempfile::tempdir().unwrap();
        let dir = base.path().join("vault");
        fs::create_dir(&dir).unwrap();
        let dir_s = dir.to_str().unwrap();
        let st = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=96k", "tmpfs", dir_s])
            .status()
            .unwrap();
        assert!(st.success());
        let result = std::panic::catch_unwind(|| {
            let mut v = new_vault(&dir);
            add(&mut v, "PyPI", "alice");
            // Fill the disk with a big note until a save fails.
            let mut failure = None;
            for i in 0..200 {
                let r = v.update(|doc| {
                    let mut a = Account::new("Filler", &format!("f{i}"), None, 1)?;
                    a.set_note(&"x".repeat(9_000), 1)?;
                    doc.accounts.push(a);
                    Ok(())
                });
                if let Err(e) = r {
                    failure = Some(e.to_string());
                    break;
                }
            }
            let failure = failure.expect("a 96 KiB disk must fill up");
            assert!(failure.contains("No space left"), "{failure}");
            assert!(failure.contains("nothing was changed"), "{failure}");
            let in_memory = v.doc().accounts.len();
            let reopened = Vault::unlock(&dir, &pass("correct horse")).unwrap();
            assert_eq!(reopened.doc().accounts.len(), in_memory);
            let stray: Vec<_> = walk(&dir)
                .into_iter()
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(".tmp-")
                })
                .collect();
            assert!(stray.is_empty(), "temp files left behind: {stray:?}");
        });
        Command::new("umount").arg(dir_s).status().unwrap();
        if let Err(panic) = result {
            std::panic::resume_unwind(panic);
        }
    }
}
