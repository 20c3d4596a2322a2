//! Wall-clock time as Unix seconds, and the few date formats Sparekey shows.
//!
//! Sparekey stores times as Unix seconds (UTC) and formats them itself so that
//! core needs no calendar dependency.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as Unix seconds. A clock before 1970 reads as 0.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Unix seconds as OTP codes count them: unsigned, so a time before 1970
/// reads as 0. `unsigned(now())` is the time a code is for.
pub fn unsigned(secs: i64) -> u64 {
    u64::try_from(secs).unwrap_or(0)
}

/// Splits Unix seconds into UTC `(year, month, day, hour, minute, second)`.
pub fn to_utc(secs: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// `2026-11-23 23:03 UTC`: how times are shown to people.
pub fn format_utc(secs: i64) -> String {
    let (y, mo, d, h, mi, _) = to_utc(secs);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// `2026-11-23`: a date alone.
pub fn format_date(secs: i64) -> String {
    let (y, mo, d, ..) = to_utc(secs);
    format!("{y:04}-{mo:02}-{d:02}")
}

/// `20261123T230301Z`: sortable, for file names.
pub fn format_compact(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = to_utc(secs);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_704_067_200), "2024-01-01 00:00 UTC");
        assert_eq!(format_compact(951_782_400 + 3661), "20000229T010101Z");
        assert_eq!(format_date(4_102_444_799), "2099-12-31");
    }
}
