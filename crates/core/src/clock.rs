//! Is the system clock synchronized? TOTP codes are only as right as the
//! clock, so a code the service rejects is often a clock problem.
//!
//! The kernel keeps a "clock unsynchronized" flag (`STA_UNSYNC`, read with
//! `adjtimex`), cleared while an NTP client keeps the clock in step. Sparekey
//! forbids unsafe code and `rustix` does not expose `adjtimex`, so
//! [`SystemClock`] asks systemd, which reads exactly that flag:
//! `timedatectl show -p NTPSynchronized --value` prints `yes` or `no`; where
//! `timedatectl` cannot answer (no systemd as init, no D-Bus), the marker file
//! `/run/systemd/timesync/synchronized` that systemd-timesyncd touches on
//! every sync counts as synchronized. Anything else is
//! [`ClockSync::Unknown`], which is reported as unknown, never as a problem.
//!
//! The source is a trait so tests (and front ends' test modes) can inject a
//! [`FixedClock`].

use std::{
    fmt,
    path::Path,
    process::{Command, Stdio},
    str::FromStr,
    thread,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};

use crate::Error;

/// How long [`SystemClock`] waits for `timedatectl` before calling the state
/// unknown.
pub const TIMEDATECTL_TIMEOUT: Duration = Duration::from_secs(2);

/// The marker file systemd-timesyncd touches when it synchronized the clock.
pub const TIMESYNCD_MARKER: &str = "/run/systemd/timesync/synchronized";

/// Whether the kernel considers the system clock synchronized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockSync {
    /// An NTP client keeps the clock in step.
    Synchronized,
    /// The kernel reports the clock unsynchronized: codes may be off.
    Unsynchronized,
    /// Sparekey cannot tell on this system.
    Unknown,
}

impl ClockSync {
    /// `synchronized`, `unsynchronized` or `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ClockSync::Synchronized => "synchronized",
            ClockSync::Unsynchronized => "unsynchronized",
            ClockSync::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ClockSync {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ClockSync {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "synchronized" | "yes" => Ok(ClockSync::Synchronized),
            "unsynchronized" | "no" => Ok(ClockSync::Unsynchronized),
            "unknown" => Ok(ClockSync::Unknown),
            _ => Err(Error::invalid(
                "clock state",
                "must be synchronized, unsynchronized or unknown",
            )),
        }
    }
}

/// Where the clock's synchronization state comes from.
pub trait ClockSource {
    /// The current state. Never fails: what cannot be found out is
    /// [`ClockSync::Unknown`].
    fn sync_state(&self) -> ClockSync;
}

/// The real system, as described in the module docs.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl ClockSource for SystemClock {
    fn sync_state(&self) -> ClockSync {
        match timedatectl() {
            Some(state) => state,
            None if Path::new(TIMESYNCD_MARKER).exists() => ClockSync::Synchronized,
            None => ClockSync::Unknown,
        }
    }
}

/// A fixed answer, for tests and for front ends that let the user override
/// the detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedClock(pub ClockSync);

impl ClockSource for FixedClock {
    fn sync_state(&self) -> ClockSync {
        self.0
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

    #[test]
    fn states_parse_and_print() {
        for state in [
            ClockSync::Synchronized,
            ClockSync::Unsynchronized,
            ClockSync::Unknown,
        ] {
            assert_eq!(state.as_str().parse::<ClockSync>().unwrap(), state);
        }
        assert!("maybe".parse::<ClockSync>().is_err());
        assert_eq!(
            FixedClock(ClockSync::Unsynchronized).sync_state(),
            ClockSync::Unsynchronized
        );
    }
}
