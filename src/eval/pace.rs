//! Pacing that knows the calendar (docs/evaluation.md, "Pacing that knows the calendar"): the
//! share `f` of a running sum's target that should be reached by the last observed day. Linear
//! pacing counts days; `seasonal` weighs each day of the window by the same day of a reference
//! window (the baseline period, or the window one year earlier); `weekday` weighs each day by
//! the mean of its weekday over the observed days. `expected = T × f` and `projected = actual
//! / f` follow, as for the linear share. Where the shape has no data, the linear share is used
//! and the reason is returned, which `check` reports as a `pace-fallback` warning.

use crate::data::{Day, day_date, day_number};
use crate::vocab::Pace;

/// The window being paced: `start ≤ observed ≤ end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First day of the window.
    pub start: Day,
    /// Last day of the window (its deadline).
    pub end: Day,
    /// Last observed day.
    pub observed: Day,
}

impl Span {
    /// The linear share: observed days over window days.
    #[must_use]
    pub fn linear(&self) -> f64 {
        f64::from(self.observed - self.start + 1) / f64::from(self.end - self.start + 1)
    }
}

/// The share of a window for `pace`; `Err` holds why it fell back to linear.
///
/// `daily(a, b)` is the metric summed per day over `[a, b]` for the goal's selection (`None`
/// where no series has a value: no activity), `covered` the days the data spans, and
/// `reference` the first day of the seasonal reference window (the baseline's start, when the
/// goal has a baseline window).
///
/// # Errors
/// The shape has no data: the reason, as a sentence.
pub fn share(
    pace: Pace,
    span: Span,
    reference: Option<Day>,
    covered: Option<(Day, Day)>,
    daily: &dyn Fn(Day, Day) -> Vec<Option<f64>>,
) -> Result<f64, String> {
    match pace {
        Pace::Linear => Ok(span.linear()),
        Pace::Seasonal => seasonal(span, reference, covered, daily),
        Pace::Weekday => weekday(span, daily),
    }
}

/// The first day of the same window one year earlier (29 February maps to the 28th).
#[must_use]
pub fn year_earlier(start: Day) -> Option<Day> {
    let date = day_date(start);
    date.checked_sub(jiff::Span::new().years(1))
        .ok()
        .map(day_number)
}

/// Day `k` of the window weighs as day `k` of the reference window, which has the window's
/// length: `f = Σ reference[0 ..= observed − start] / Σ reference`.
fn seasonal(
    span: Span,
    reference: Option<Day>,
    covered: Option<(Day, Day)>,
    daily: &dyn Fn(Day, Day) -> Vec<Option<f64>>,
) -> Result<f64, String> {
    let from = reference
        .or_else(|| year_earlier(span.start))
        .ok_or("the window has no reference a year earlier")?;
    let to = from + (span.end - span.start);
    let (a, b) = (day_date(from), day_date(to));
    match covered {
        Some((first, last)) if first <= from && to <= last => {}
        Some((first, last)) => {
            return Err(format!(
                "the reference window {a} to {b} is not all in the data, which runs from {} to {}",
                day_date(first),
                day_date(last)
            ));
        }
        None => return Err(format!("the reference window {a} to {b} has no data")),
    }
    let shape: Vec<f64> = daily(from, to).iter().map(|v| v.unwrap_or(0.0)).collect();
    let total: f64 = shape.iter().sum();
    if total <= 0.0 || !total.is_finite() {
        return Err(format!(
            "the reference window {a} to {b} adds up to no activity"
        ));
    }
    let upto = usize::try_from(span.observed - span.start).unwrap_or(0);
    let done: f64 = shape.iter().take(upto + 1).sum();
    if done <= 0.0 {
        return Err(format!(
            "the reference window {a} to {b} has no activity up to {}",
            day_date(from + (span.observed - span.start))
        ));
    }
    Ok(done / total)
}

/// Each day weighs as the mean of its weekday over the observed days (a day without a value
/// is 0); `f = Σ weight(observed days) / Σ weight(window days)`. Needs a whole week observed,
/// so that every weekday has a mean.
fn weekday(span: Span, daily: &dyn Fn(Day, Day) -> Vec<Option<f64>>) -> Result<f64, String> {
    let observed = span.observed - span.start + 1;
    if observed < 7 {
        return Err(format!(
            "{observed} observed day{} — a weekday profile needs a whole week",
            if observed == 1 { "" } else { "s" }
        ));
    }
    let mut sums = [0.0_f64; 7];
    let mut counts = [0.0_f64; 7];
    for (i, v) in daily(span.start, span.observed).iter().enumerate() {
        let k = weekday_of(span.start + Day::try_from(i).unwrap_or(0));
        sums[k] += v.unwrap_or(0.0);
        counts[k] += 1.0;
    }
    let weight: Vec<f64> = sums.iter().zip(counts).map(|(s, n)| s / n).collect();
    let weigh = |a: Day, b: Day| (a..=b).map(|d| weight[weekday_of(d)]).sum::<f64>();
    let total = weigh(span.start, span.end);
    if total <= 0.0 || !total.is_finite() {
        return Err("the observed days add up to no activity".to_string());
    }
    Ok(weigh(span.start, span.observed) / total)
}

/// 0 for Monday … 6 for Sunday.
fn weekday_of(day: Day) -> usize {
    usize::try_from(day_date(day).weekday().to_monday_zero_offset()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn day(y: i16, m: i8, d: i8) -> Day {
        day_number(date(y, m, d))
    }

    #[test]
    fn linear_counts_days() {
        let s = Span {
            start: 0,
            end: 9,
            observed: 4,
        };
        assert!((s.linear() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn seasonal_follows_the_reference_days() {
        // A 4-day window whose reference has 1, 1, 2, 4: two days observed → 2/8.
        let start = day(2027, 1, 1);
        let span = Span {
            start,
            end: start + 3,
            observed: start + 1,
        };
        let reference = day(2026, 1, 1);
        let daily = |a: Day, b: Day| {
            assert_eq!((a, b), (reference, reference + 3));
            vec![Some(1.0), None, Some(3.0), Some(4.0)]
        };
        let f = share(Pace::Seasonal, span, None, Some((reference, start)), &daily).unwrap();
        assert!((f - 1.0 / 8.0).abs() < 1e-12, "{f}");
        let err = share(Pace::Seasonal, span, None, Some((start, start)), &daily).unwrap_err();
        assert!(
            err.contains("2026-01-01 to 2026-01-04 is not all in the data"),
            "{err}"
        );
    }

    #[test]
    fn weekday_weighs_by_the_weekday_means() {
        // 2027-02-01 is a Monday; 10 a weekday, 0 at weekends, observed Mon..Sun of week one of
        // a 14-day window: half the weight → 0.5 whatever the dip.
        let start = day(2027, 2, 1);
        let span = Span {
            start,
            end: start + 13,
            observed: start + 6,
        };
        let daily = |_: Day, _: Day| {
            let mut v = vec![Some(10.0); 5];
            v.extend([None, Some(0.0)]);
            v
        };
        let f = share(Pace::Weekday, span, None, None, &daily).unwrap();
        assert!((f - 0.5).abs() < 1e-12);
        // Nine days observed (to Tuesday of week two): 50 + 20 + … = (60 + 10 + 10)/… exact:
        let span = Span {
            observed: start + 8,
            ..span
        };
        let daily = |_: Day, _: Day| {
            let mut v = vec![Some(10.0); 5];
            v.extend([None, Some(0.0), Some(10.0), Some(10.0)]);
            v
        };
        let f = share(Pace::Weekday, span, None, None, &daily).unwrap();
        // weights: Mon..Fri 10, Sat Sun 0; observed weight 50 + 20 = 70 of 100.
        assert!((f - 0.7).abs() < 1e-12, "{f}");
        let short = Span {
            observed: start + 2,
            ..span
        };
        assert!(share(Pace::Weekday, short, None, None, &daily).is_err());
    }
}
