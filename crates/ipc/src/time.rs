//! Times cross the boundary as unix milliseconds; both sides print them as dates.

const DAY_MS: i64 = 86_400_000;

/// The calendar date (year, month 1–12, day 1–31) of a unix-millisecond instant, in the time
/// zone `offset_ms` east of UTC (Howard Hinnant's days-to-civil algorithm).
pub fn civil_date(ms: i64, offset_ms: i64) -> (i64, i64, i64) {
    let z = (ms + offset_ms).div_euclid(DAY_MS) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn dates_around_epochs_leap_days_and_time_zones() {
        assert_eq!(civil_date(0, 0), (1970, 1, 1));
        assert_eq!(civil_date(-1, 0), (1969, 12, 31));
        // 2024-02-29 16:30 UTC is already March 1st in UTC+8.
        let leap = 1_709_224_200_000;
        assert_eq!(civil_date(leap, 0), (2024, 2, 29));
        assert_eq!(civil_date(leap, 8 * 3_600_000), (2024, 3, 1));
    }
}
