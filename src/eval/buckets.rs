//! Calendar buckets of recurring goals (`every: day|week|month|quarter`), clipped to the window.

use jiff::civil::Date as CivilDate;

use crate::data::{Day, day_date, day_number};
use crate::spec::model::Every;

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

/// The last day of the bucket holding `date`.
fn bucket_end(date: CivilDate, every: Every) -> Day {
    let day = day_number(date);
    match every {
        Every::Day => day,
        Every::Week => {
            let from_monday = date.weekday().to_monday_zero_offset();
            day + i32::from(6 - from_monday)
        }
        Every::Month => day_number(date.last_of_month()),
        Every::Quarter => {
            let last_month = (date.month() - 1) / 3 * 3 + 3;
            let first = CivilDate::new(date.year(), last_month, 1).unwrap_or(date);
            day_number(first.last_of_month())
        }
    }
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
