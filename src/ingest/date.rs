//! ISO 8601 dates as customers' tools write them (`2026-09-03`,
//! `2026-09-03T14:05:00Z`, `2026-09-03 14:05`, `2026/09/03`), as seconds
//! since the Unix epoch in UTC.

use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};

/// Parses a date or date-time; `None` when it is not one.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || !matches!(b[4], b'-' | b'/') || b[7] != b[4] {
        return None;
    }
    let year: i32 = s.get(0..4)?.parse().ok()?;
    let month: u8 = s.get(5..7)?.parse().ok()?;
    let day: u8 = s.get(8..10)?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(
            PrimitiveDateTime::new(date, Time::MIDNIGHT)
                .assume_utc()
                .unix_timestamp(),
        );
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // split the clock from the offset
    let (clock, offset) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut parts = clock.split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next().unwrap_or("0").parse().ok()?;
    let second_str = parts.next().unwrap_or("0");
    let second: u8 = second_str.split(['.', ',']).next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    let time = Time::from_hms(hour, minute, second).ok()?;
    let offset = match offset {
        "" | "Z" | "z" => UtcOffset::UTC,
        o => {
            let sign: i8 = if o.starts_with('-') { -1 } else { 1 };
            let digits: String = o[1..].chars().filter(char::is_ascii_digit).collect();
            if digits.len() != 4 && digits.len() != 2 {
                return None;
            }
            let h: i8 = digits[..2].parse().ok()?;
            let m: i8 = digits.get(2..4).unwrap_or("0").parse().ok()?;
            UtcOffset::from_hms(sign * h, sign * m, 0).ok()?
        }
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .unix_timestamp(),
    )
}

/// End of the day of a date given without a time (for inclusive `--until`),
/// else the instant itself.
pub fn parse_date_end(s: &str) -> Option<i64> {
    let t = parse_date(s)?;
    Some(if s.trim().len() == 10 { t + 86_399 } else { t })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_datetimes() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400));
        assert_eq!(parse_date("1970/01/02"), Some(86_400));
        assert_eq!(parse_date("1970-01-01T01:00:00Z"), Some(3_600));
        assert_eq!(parse_date("1970-01-01 01:00"), Some(3_600));
        assert_eq!(parse_date("1970-01-01T02:00:00+01:00"), Some(3_600));
        assert_eq!(parse_date("1970-01-01T00:00:00.123-0100"), Some(3_600));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("last tuesday"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date_end("1970-01-01"), Some(86_399));
    }
}
