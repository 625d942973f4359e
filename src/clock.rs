//! Wall-clock time as output shows it.

/// The current time in RFC 3339, UTC, whole seconds (`2026-11-23T10:53:11Z`).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
