//! Is the system clock synchronized? TOTP codes are only as right as the
//! clock, so a code the service rejects is often a clock problem.
//!
//! [`SystemClock`] asks the system (`crate::platform`): on Linux, systemd's
//! view of the kernel's "clock unsynchronized" flag (`timedatectl`, or
//! systemd-timesyncd's marker file); on macOS and Windows, whose time
//! services Sparekey does not read, the answer is [`ClockSync::Unknown`].
//! Unknown is reported as unknown, never as a problem.
//!
//! The source is a trait so tests (and front ends' test modes) can inject a
//! [`FixedClock`].

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::Error;

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
        crate::platform::clock_sync()
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

#[cfg(test)]
mod tests {
    use super::*;

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
