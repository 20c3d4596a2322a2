//! The clock on Linux: whether the kernel considers it synchronized.
//!
//! The kernel keeps a "clock unsynchronized" flag (`STA_UNSYNC`, read with
//! `adjtimex`), cleared while an NTP client keeps the clock in step. The
//! core forbids unsafe code and `rustix` does not expose `adjtimex`, so
//! this asks systemd, which reads exactly that flag: `timedatectl show -p
//! NTPSynchronized --value` prints `yes` or `no`. Where `timedatectl`
//! cannot answer (no systemd as init, no D-Bus), the marker file that
//! systemd-timesyncd touches on every sync counts as synchronized. Anything
//! else is [`ClockSync::Unknown`].

use std::{
    path::Path,
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::clock::ClockSync;

/// How long to wait for `timedatectl` before calling the state unknown.
const TIMEDATECTL_TIMEOUT: Duration = Duration::from_secs(2);

/// The marker file systemd-timesyncd touches when it synchronized the clock.
const TIMESYNCD_MARKER: &str = "/run/systemd/timesync/synchronized";

/// `timedatectl`, else the marker, else unknown.
pub(super) fn clock_sync() -> ClockSync {
    match timedatectl() {
        Some(state) => state,
        None if Path::new(TIMESYNCD_MARKER).exists() => ClockSync::Synchronized,
        None => ClockSync::Unknown,
    }
}

/// `timedatectl show -p NTPSynchronized --value`: `Some` for a clear yes or
/// no within [`TIMEDATECTL_TIMEOUT`], else `None`.
fn timedatectl() -> Option<ClockSync> {
    let mut child = Command::new("timedatectl")
        .args(["show", "-p", "NTPSynchronized", "--value"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() < TIMEDATECTL_TIMEOUT => {
                thread::sleep(Duration::from_millis(10));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    parse_timedatectl(&String::from_utf8_lossy(&output.stdout))
}

/// Reads `timedatectl`'s answer: `yes` or `no`, anything else is no answer.
fn parse_timedatectl(text: &str) -> Option<ClockSync> {
    match text.trim() {
        "yes" => Some(ClockSync::Synchronized),
        "no" => Some(ClockSync::Unsynchronized),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timedatectl_answers_are_read_strictly() {
        assert_eq!(parse_timedatectl("yes\n"), Some(ClockSync::Synchronized));
        assert_eq!(parse_timedatectl("no\n"), Some(ClockSync::Unsynchronized));
        assert_eq!(parse_timedatectl(""), None);
        assert_eq!(parse_timedatectl("Failed to connect to bus"), None);
    }
}
