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

/// Unix seconds of UTC `year-month-day hour:minute:second`, or `None` for
/// a date that does not exist (month 13, February 30).
pub fn from_utc(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second))
}

/// Midnight UTC of a `YYYY-MM-DD` date, or `None` when `text` is not one.
pub fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    from_utc(i64::from(num(0..4)?), num(5..7)?, num(8..10)?, 0, 0, 0)
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

    #[test]
    fn dates_parse_back() {
        for secs in [0, 951_782_400, 1_704_067_200, 4_102_358_400] {
            assert_eq!(parse_date(&format_date(secs)), Some(secs));
        }
        assert_eq!(from_utc(2024, 8, 2, 0, 21, 8), Some(1_722_558_068));
        for bad in [
            "2024-13-01",
            "2023-02-29",
            "2024-1-01",
            "24-01-011",
            "abcd-ef-gh",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800));
    }
}
