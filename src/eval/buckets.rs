//! Calendar buckets of recurring goals (`every: day|week|month|quarter`), clipped to the window.

use jiff::civil::Date as CivilDate;

use crate::data::{Day, day_date, day_number};
use crate::spec::model::Every;
use crate::spec::time::bucket_of;

/// The buckets covering `[start, end]`, in order; the first and last are clipped to it.
pub fn buckets(start: Day, end: Day, every: Every) -> Vec<(Day, Day)> {
    let mut out = Vec::new();
    let mut a = start;
    while a <= end {
        let b = bucket_end(day_date(a), every).min(end);
        out.push((a, b));
        a = b + 1;
    }
    out
}

/// The share of its calendar bucket that `[a, b]` covers: 1 for a whole bucket, 3/7 for the
/// Friday-to-Sunday end of a week (the first or last bucket clipped to the window).
pub fn covered_share(a: Day, b: Day, every: Every) -> f64 {
    let first = bucket_start(day_date(a), every);
    let last = bucket_end(day_date(a), every);
    f64::from(b - a + 1) / f64::from(last - first + 1)
}

/// The first day of the bucket holding `date`.
fn bucket_start(date: CivilDate, every: Every) -> Day {
    day_number(bucket_of(date, every).0)
}

/// The last day of the bucket holding `date`.
fn bucket_end(date: CivilDate, every: Every) -> Day {
    day_number(bucket_of(date, every).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        day_number(s.parse().unwrap())
    }

    fn shown(b: &[(Day, Day)]) -> Vec<String> {
        b.iter()
            .map(|(a, b)| format!("{}..{}", day_date(*a), day_date(*b)))
            .collect()
    }

    #[test]
    fn a_clipped_bucket_covers_a_share_of_its_calendar_bucket() {
        // 2027-01-01 is a Friday: Friday to Sunday is 3 of the week's 7 days.
        assert!(
            (covered_share(d("2027-01-01"), d("2027-01-03"), Every::Week) - 3.0 / 7.0).abs()
                < 1e-12
        );
        assert!((covered_share(d("2027-01-04"), d("2027-01-10"), Every::Week) - 1.0).abs() < 1e-12);
        assert!(
            (covered_share(d("2027-02-15"), d("2027-02-28"), Every::Month) - 0.5).abs() < 1e-12
        );
        assert!(
            (covered_share(d("2027-02-01"), d("2027-03-31"), Every::Quarter) - 59.0 / 90.0).abs()
                < 1e-12
        );
    }

    #[test]
    fn weeks_are_iso_weeks_clipped_to_the_window() {
        let b = buckets(d("2027-01-01"), d("2027-01-20"), Every::Week);
        assert_eq!(
            shown(&b),
            [
                "2027-01-01..2027-01-03",
                "2027-01-04..2027-01-10",
                "2027-01-11..2027-01-17",
                "2027-01-18..2027-01-20"
            ]
        );
    }

    #[test]
    fn months_and_quarters_follow_the_calendar() {
        let b = buckets(d("2028-01-15"), d("2028-03-31"), Every::Month);
        assert_eq!(
            shown(&b),
            [
                "2028-01-15..2028-01-31",
                "2028-02-01..2028-02-29",
                "2028-03-01..2028-03-31"
            ]
        );
        let q = buckets(d("2027-02-01"), d("2027-12-31"), Every::Quarter);
        assert_eq!(q.len(), 4);
        assert_eq!(shown(&q)[0], "2027-02-01..2027-03-31");
        assert_eq!(
            buckets(d("2027-01-01"), d("2027-01-03"), Every::Day).len(),
            3
        );
    }
}
