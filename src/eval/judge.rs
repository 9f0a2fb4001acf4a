//! Statuses and pacing of one window (SPEC §3.2–3.4; docs/evaluation.md "Statuses" and
//! "Pacing"): pure arithmetic over a value function, so every rule is testable by hand.

use crate::data::Day;
use crate::spec::model::Status;

/// The values that meet a target: `low ≤ value ≤ high` (infinite ends are unbounded).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Lowest value that meets the target.
    pub low: f64,
    /// Highest value that meets the target.
    pub high: f64,
}

impl Band {
    /// An at-least target (`at_least`, `increase`).
    pub fn is_at_least(&self) -> bool {
        self.low.is_finite() && self.high == f64::INFINITY
    }

    /// The number progress and pace aim at: `low` for at-least targets, else `high`.
    pub fn target_value(&self) -> Option<f64> {
        if self.is_at_least() {
            Some(self.low)
        } else if self.high.is_finite() {
            Some(self.high)
        } else {
            None
        }
    }

    /// Whether `v` meets the target.
    pub fn contains(&self, v: f64) -> bool {
        self.low <= v && v <= self.high
    }

    /// The status of a projection: inside, within the tolerance of a bound, or further. A
    /// projection on the wrong side of the `baseline` — moving away from a target that lies
    /// beyond it — is off track however close it is: going backwards is not "at risk".
    pub fn status_of(&self, projected: f64, tolerance: f64, baseline: Option<f64>) -> Status {
        if self.contains(projected) {
            return Status::OnTrack;
        }
        if let Some(b) = baseline {
            let aims_up = self.low.is_finite() && self.low > b;
            let aims_down = self.high.is_finite() && self.high < b;
            if (aims_up && projected < b) || (aims_down && projected > b) {
                return Status::OffTrack;
            }
        }
        if projected < self.low {
            if projected >= self.low - self.low.abs() * tolerance {
                Status::AtRisk
            } else {
                Status::OffTrack
            }
        } else if projected <= self.high + self.high.abs() * tolerance {
            Status::AtRisk
        } else {
            Status::OffTrack
        }
    }
}

/// The window being judged.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// First day.
    pub start: Day,
    /// Last day (the deadline of this window).
    pub end: Day,
    /// The as-of date D.
    pub as_of: Day,
    /// The newest data date L.
    pub data_end: Option<Day>,
}

impl Frame {
    /// Days from `start` to `end`, both included.
    pub fn days(&self) -> i64 {
        i64::from(self.end - self.start) + 1
    }
}

/// What a window comes to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judgement {
    /// The status.
    pub status: Status,
    /// Value over the observed window.
    pub actual: Option<f64>,
    /// Value expected at the end at the current pace.
    pub projected: Option<f64>,
    /// Sum metrics: the pace line today, `T × f`.
    pub expected: Option<f64>,
    /// Share of the way to the target.
    pub progress: Option<f64>,
    /// Sum metrics: what each remaining day must add.
    pub needed_per_day: Option<f64>,
    /// Sum metrics: the day the current pace reaches the target.
    pub eta: Option<Day>,
    /// Last observed day.
    pub observed_end: Option<Day>,
    /// Days observed.
    pub observed_days: i64,
}

impl Judgement {
    /// A judgement with a status and no numbers (pending, no data).
    pub fn bare(status: Status) -> Judgement {
        Judgement {
            status,
            actual: None,
            projected: None,
            expected: None,
            progress: None,
            needed_per_day: None,
            eta: None,
            observed_end: None,
            observed_days: 0,
        }
    }
}

/// How a metric behaves for pacing.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// A `sum` metric: projected linearly.
    pub is_sum: bool,
    /// A sum that only grows toward its deadline, so it can be decided early (not rolling).
    pub cumulative: bool,
    /// The target band.
    pub band: Band,
    /// The baseline value, for progress.
    pub baseline: Option<f64>,
    /// Tolerance as a fraction (0.1 = 10%).
    pub tolerance: f64,
    /// A level metric's trend over the observed window, when it is projected by its trend.
    pub trend: Option<Trend>,
    /// The share of the window's target due by the last observed day when the calendar paces
    /// it (`pace: seasonal` or `weekday`, [`super::pace`]); `None`: the linear share.
    pub share: Option<f64>,
}

/// A least-squares line through a level metric's daily values: `value(day) = at_last +
/// slope × (day − last)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// The newest day with a value.
    pub last: Day,
    /// The line's value on that day.
    pub at_last: f64,
    /// Change per day.
    pub slope: f64,
}

impl Trend {
    /// The line through `values` (one per day from `start`; gaps are `None`): `None` with
    /// fewer than two values on different days.
    #[must_use]
    pub fn fit(start: Day, values: &[Option<f64>]) -> Option<Trend> {
        let points: Vec<(f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i as f64, v)))
            .collect();
        if points.len() < 2 {
            return None;
        }
        let n = points.len() as f64;
        let mean_t = points.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = points.iter().map(|p| (p.0 - mean_t).powi(2)).sum();
        let sxy: f64 = points.iter().map(|p| (p.0 - mean_t) * (p.1 - mean_y)).sum();
        let slope = sxy / sxx;
        let last_t = points.last()?.0;
        let at_last = mean_y + slope * (last_t - mean_t);
        #[allow(
            clippy::cast_possible_truncation,
            reason = "an index into one window's days"
        )]
        let last = start + last_t as Day;
        (slope.is_finite() && at_last.is_finite()).then_some(Trend {
            last,
            at_last,
            slope,
        })
    }

    /// The line's value on `day`.
    #[must_use]
    pub fn at(&self, day: Day) -> f64 {
        self.at_last + self.slope * f64::from(day - self.last)
    }
}

/// Judges one window. `value(a, b)` is the metric over `[a, b]`.
pub fn judge(frame: Frame, rules: Rules, value: impl Fn(Day, Day) -> Option<f64>) -> Judgement {
    if frame.as_of < frame.start {
        return Judgement::bare(Status::Pending);
    }
    let Some(data_end) = frame.data_end.filter(|l| *l >= frame.start) else {
        return Judgement::bare(Status::NoData);
    };
    let observed_end = frame.end.min(frame.as_of).min(data_end);
    let observed_days = i64::from(observed_end - frame.start) + 1;
    let mut j = Judgement {
        observed_end: Some(observed_end),
        observed_days,
        ..Judgement::bare(Status::NoData)
    };
    let Some(actual) = value(frame.start, observed_end) else {
        return j;
    };
    j.actual = Some(actual);
    let band = rules.band;
    let target = band.target_value();
    j.progress = progress(rules, actual, target);
    if frame.as_of > frame.end {
        j.projected = Some(actual);
        j.status = if band.contains(actual) {
            Status::Achieved
        } else {
            Status::Missed
        };
        return j;
    }
    let f = rules
        .share
        .unwrap_or(observed_days as f64 / frame.days() as f64);
    j.projected = Some(match (rules.is_sum, rules.trend) {
        (true, _) => actual / f,
        (false, Some(trend)) => trend.at(frame.end),
        (false, None) => actual,
    });
    if let Some(trend) = rules.trend
        && band.is_at_least()
        && actual < band.low
    {
        level_pace(&mut j, &frame, band.low, actual, trend);
    }
    if rules.is_sum {
        j.expected = target.map(|t| t * f);
        if band.is_at_least() && actual < band.low {
            pace(&mut j, &frame, band.low, actual);
        }
    }
    j.status = if rules.cumulative && band.is_at_least() && actual >= band.low {
        Status::Achieved
    } else if rules.cumulative && actual > band.high {
        Status::Missed
    } else {
        band.status_of(
            j.projected.unwrap_or(actual),
            rules.tolerance,
            rules.baseline,
        )
    };
    j
}

#[allow(
    clippy::float_cmp,
    reason = "exact equality guards the division; a near-equal target gives a large but finite progress"
)]
fn progress(rules: Rules, actual: f64, target: Option<f64>) -> Option<f64> {
    let t = target?;
    let p = if rules.is_sum {
        (t != 0.0).then(|| actual / t)?
    } else {
        let b = rules.baseline?;
        (t != b).then(|| (actual - b) / (t - b))?
    };
    p.is_finite().then_some(p)
}

/// `needed_per_day` and `eta` of an at-least level goal not yet met: what each remaining day
/// must add to the level, and the day its trend line reaches the target.
fn level_pace(j: &mut Judgement, frame: &Frame, target: f64, actual: f64, trend: Trend) {
    let Some(observed_end) = j.observed_end else {
        return;
    };
    let remaining = i64::from(frame.end - observed_end);
    if remaining > 0 {
        j.needed_per_day = Some((target - actual) / remaining as f64);
    }
    if trend.slope > 0.0 {
        let days = ((target - trend.at_last) / trend.slope).ceil();
        if days.is_finite() && (0.0..1e6).contains(&days) {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "a whole number of days below a million fits a Day"
            )]
            let days = days as Day;
            j.eta = Some(trend.last + days);
        }
    }
}

/// `needed_per_day` and `eta` of an at-least sum goal not yet met.
fn pace(j: &mut Judgement, frame: &Frame, target: f64, actual: f64) {
    let Some(observed_end) = j.observed_end else {
        return;
    };
    let remaining = i64::from(frame.end - observed_end);
    if remaining > 0 {
        j.needed_per_day = Some((target - actual) / remaining as f64);
    }
    let per_day = actual / j.observed_days as f64;
    if per_day > 0.0 {
        let days = ((target - actual) / per_day).ceil();
        if days.is_finite() && days < 1e6 {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "a whole number of days below a million fits a Day"
            )]
            let days = days as Day;
            j.eta = Some(observed_end + days);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UP: Band = Band {
        low: 300.0,
        high: f64::INFINITY,
    };

    fn sum_rules(band: Band) -> Rules {
        Rules {
            is_sum: true,
            cumulative: true,
            band,
            baseline: None,
            tolerance: 0.1,
            trend: None,
            share: None,
        }
    }

    /// 10 a day from day 0; a 30-day window.
    fn per_day(rate: f64) -> impl Fn(Day, Day) -> Option<f64> {
        move |a, b| Some(f64::from(b - a + 1) * rate)
    }

    fn frame(as_of: Day, data_end: Day) -> Frame {
        Frame {
            start: 0,
            end: 29,
            as_of,
            data_end: Some(data_end),
        }
    }

    #[test]
    fn on_pace_sum_goal() {
        let j = judge(frame(14, 14), sum_rules(UP), per_day(10.0));
        assert_eq!(j.status, Status::OnTrack);
        assert_eq!(j.actual, Some(150.0));
        assert_eq!(j.projected, Some(300.0));
        assert_eq!(j.expected, Some(150.0));
        assert_eq!(j.progress, Some(0.5));
        assert_eq!(j.needed_per_day, Some(10.0));
        assert_eq!(j.eta, Some(29));
    }

    #[test]
    fn tolerance_decides_at_risk_and_off_track() {
        let j = judge(frame(14, 14), sum_rules(UP), per_day(9.0));
        assert_eq!((j.status, j.projected), (Status::AtRisk, Some(270.0)));
        let j = judge(frame(14, 14), sum_rules(UP), per_day(8.9));
        assert_eq!(j.status, Status::OffTrack);
    }

    #[test]
    fn deadline_and_early_decisions() {
        let j = judge(frame(30, 29), sum_rules(UP), per_day(9.0));
        assert_eq!((j.status, j.actual), (Status::Missed, Some(270.0)));
        let j = judge(frame(29, 29), sum_rules(UP), per_day(20.0));
        assert_eq!(j.status, Status::Achieved);
        let ceiling = Band {
            low: f64::NEG_INFINITY,
            high: 100.0,
        };
        let j = judge(frame(14, 14), sum_rules(ceiling), per_day(10.0));
        assert_eq!(j.status, Status::Missed);
    }

    #[test]
    fn pending_and_no_data() {
        let f = Frame {
            start: 10,
            ..frame(5, 5)
        };
        assert_eq!(
            judge(f, sum_rules(UP), per_day(1.0)).status,
            Status::Pending
        );
        let f = Frame {
            start: 10,
            ..frame(15, 5)
        };
        assert_eq!(judge(f, sum_rules(UP), per_day(1.0)).status, Status::NoData);
        assert_eq!(
            judge(frame(14, 14), sum_rules(UP), |_, _| None).status,
            Status::NoData
        );
    }

    #[test]
    fn a_trend_is_the_least_squares_line() {
        // 10, gap, 30, 40 on days 5..8: slope 10, the line at day 8 is 40.
        let t = Trend::fit(5, &[Some(10.0), None, Some(30.0), Some(40.0)]).unwrap();
        assert_eq!(t.last, 8);
        assert!((t.slope - 10.0).abs() < 1e-12 && (t.at_last - 40.0).abs() < 1e-12);
        assert!((t.at(18) - 140.0).abs() < 1e-9);
        assert_eq!(Trend::fit(0, &[Some(1.0), None]), None);
    }

    #[test]
    fn levels_are_not_projected() {
        let rules = Rules {
            is_sum: false,
            cumulative: false,
            band: Band {
                low: 4.4,
                high: f64::INFINITY,
            },
            baseline: Some(4.1),
            tolerance: 0.1,
            trend: None,
            share: None,
        };
        let j = judge(frame(14, 14), rules, |_, _| Some(4.25));
        assert_eq!(j.projected, Some(4.25));
        assert_eq!(j.status, Status::AtRisk);
        assert!((j.progress.unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(j.expected, None);
    }
}
