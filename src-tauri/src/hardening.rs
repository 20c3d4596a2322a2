//! Process hardening applied before any secret is in memory.

/// Turns off core dumps so a crash never writes the unlocked vault to disk.
///
/// On Linux this sets `RLIMIT_CORE` to zero (inherited by the WebKit helper
/// processes) and clears the "dumpable" flag, which also stops other
/// processes of the same user from attaching a debugger or reading
/// `/proc/<pid>/mem`. Failures are ignored: hardening is best effort and must
/// not keep the user from their codes.
#[cfg(target_os = "linux")]
pub(crate) fn disable_core_dumps() {
    use rustix::process::{setrlimit, Resource, Rlimit};

    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = setrlimit(Resource::Core, none);
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}

/// Core dumps are only disabled on Linux for now.
#[cfg(not(target_os = "linux"))]
pub(crate) fn disable_core_dumps() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use rustix::process::{dumpable_behavior, getrlimit, DumpableBehavior, Resource};

    /// After the call, this process can write no core file and is not
    /// dumpable (nextest runs each test in its own process, so changing its
    /// limits touches nothing else).
    #[test]
    fn no_core_dumps_and_not_dumpable() {
        super::disable_core_dumps();
        let limit = getrlimit(Resource::Core);
        assert_eq!((limit.current, limit.maximum), (Some(0), Some(0)));
        assert_eq!(
            dumpable_behavior().expect("read the dumpable flag"),
            DumpableBehavior::NotDumpable
        );
    }
}
