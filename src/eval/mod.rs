//! Stage 4 of the pipeline: every goal judged against the data as of a date (SPEC §2–3;
//! docs/evaluation.md is the arithmetic). Deterministic: same data and as-of, same result.

mod buckets;
mod days;
pub mod judge;
pub mod pace;
pub mod reason;
pub mod settle;
mod span;
pub mod values;
mod verdict;

use std::collections::BTreeSet;

use jiff::civil::Date as CivilDate;

use crate::catalog::{Aggregate, Catalog, Metric, Unit};
use crate::data::{DataError, DataSet, Day, Needs, day_date, day_number, normalize};
use crate::data::{Rollups, Selection};
use crate::lint::goal_pointer;
use crate::resolve::defaults;
use crate::spec::ParsedFile;
use crate::spec::model::{Baseline, Every, Goal, Pass, Status, Target};
use crate::spec::time::{GoalWindow, MAX_WINDOW_DAYS, period_range};
use crate::vocab::{Pace, Projection};
pub use days::days_read;
use judge::{Band, Frame, Judgement, Rules, Trend, judge};
use values::Values;
pub use verdict::{Verdicts, verdicts};

/// Settings of one evaluation.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The as-of date D.
    pub as_of: CivilDate,
    /// At-risk band as a fraction of the target.
    pub tolerance: f64,
    /// Days after which data is stale.
    pub stale_after: u32,
    /// Smallest denominator a rate is trusted on.
    pub min_sample: f64,
    /// How a goal without `pace:` is paced (`defaults.pace`).
    pub pace: Pace,
}

/// A goal's baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvaluatedBaseline {
    /// The value; `None` when the data gives none.
    pub value: Option<f64>,
    /// The window of a baseline computed from data.
    pub window: Option<(Day, Day)>,
}

/// What the evaluation found about one goal.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The judged window's numbers and status.
    pub judgement: Judgement,
    /// Window start actually used (the data start for open windows).
    pub start: Option<Day>,
    /// Deadline of the judged window (rolling: its end).
    pub end: Option<Day>,
    /// Whether the start came from the data.
    pub open_start: bool,
    /// The baseline, when the goal has one.
    pub baseline: Option<EvaluatedBaseline>,
    /// The target band.
    pub band: Option<Band>,
    /// L.
    pub data_end: Option<Day>,
    /// Daily values over the observed window.
    pub daily: Option<(Day, Vec<Option<f64>>)>,
    /// Recurring goals: every bucket with its judgement.
    pub buckets: Option<Vec<(Day, Day, Judgement)>>,
    /// Recurring goals: achieved closed buckets in a row.
    pub streak: Option<usize>,
    /// For a rate, the denominator's total over the judged window (`small-sample`).
    pub sample: Option<f64>,
    /// For a `no_data` goal, why: the first of the checks in [`reason`] that explains it.
    pub reason: Option<String>,
    /// A recurring goal whose current bucket has no data yet (the data ends before it starts):
    /// that bucket; the status is then the last complete bucket's.
    pub waiting: Option<(Day, Day)>,
    /// Whether the goal was judged against a target band; the data rules (`stale`,
    /// `incomplete`, `small-sample`) speak only about judged goals.
    pub judged: bool,
    /// Why `pace: seasonal` or `weekday` fell back to the linear share (the `pace-fallback`
    /// warning), for the judged window or the first bucket that fell back.
    pub pace_fallback: Option<String>,
    /// The provisional days of the goal's sources (`settles:`): counted in the actual, not in
    /// the status or the pace.
    pub provisional: Option<settle::Provisional>,
}

/// What the goals need from the data: each goal's metric and its formula inputs, transitively,
/// and the `where:` columns.
pub fn needs(parsed: &ParsedFile, catalog: &Catalog) -> Needs {
    let mut metrics = BTreeSet::new();
    let mut stack: Vec<String> = parsed
        .model
        .goals
        .iter()
        .filter_map(|g| g.metric.as_ref().map(|m| m.as_str().to_string()))
        .collect();
    while let Some(m) = stack.pop() {
        if !metrics.insert(m.clone()) {
            continue;
        }
        if let Some(expr) = catalog.get(&m).and_then(|d| d.expr.as_ref()) {
            stack.extend(expr.inputs().iter().map(|s| s.to_string()));
        }
    }
    let mut dims: Vec<String> = Vec::new();
    for goal in &parsed.model.goals {
        for column in goal.filter.keys() {
            let d = normalize(column);
            if !dims.contains(&d) {
                dims.push(d);
            }
        }
    }
    let dim_values = dims.iter().map(|d| accepted(parsed, d)).collect();
    Needs {
        metrics,
        dims,
        dim_values,
        days: None,
    }
}

/// The `where:` values of dimension `dim` that some goal with a metric accepts, normalized as
/// a selection normalizes them; `None` when a goal with a metric does not filter on it (or no
/// goal has a metric): then any value may be read.
fn accepted(parsed: &ParsedFile, dim: &str) -> Option<BTreeSet<String>> {
    let mut union = BTreeSet::new();
    let mut any = false;
    for goal in parsed.model.goals.iter().filter(|g| g.metric.is_some()) {
        any = true;
        let (_, values) = goal.filter.iter().find(|(c, _)| normalize(c) == dim)?;
        union.extend(
            values
                .as_slice()
                .iter()
                .map(|v| v.text().trim().to_lowercase()),
        );
    }
    any.then_some(union)
}

/// Goals whose metric no source provides (directly or through a formula), and `where:`
/// columns no source of the metric has: `check` cannot run (exit 2).
pub fn unsourced(
    parsed: &ParsedFile,
    catalog: &Catalog,
    data: &DataSet,
    needs: &Needs,
) -> Vec<DataError> {
    let mut errors = Vec::new();
    let rollups = Rollups::new(data);
    for (index, goal) in parsed.model.goals.iter().enumerate() {
        let Some(metric) = &goal.metric else { continue };
        let values = Values::new(catalog, data, &rollups, Selection::default());
        if let Some(missing) = first_unsourced(&values, catalog, metric.as_str(), 0) {
            let why = if missing == metric.as_str() {
                format!("no source provides `{missing}`")
            } else {
                format!("no source provides `{missing}`, which `{metric}` is computed from")
            };
            errors.push(
                DataError::at(&parsed.source.display, None, format!("goal `{}`: {why}", goal.id))
                    .help(format!(
                        "map a column to `{missing}` with `columns:` in a source (header → metric id), or name a column `{missing}`"
                    ))
                    .declared_at(goal_pointer(index, "metric")),
            );
            continue;
        }
        for column in goal.filter.keys() {
            let dim = needs.dims.iter().position(|d| *d == normalize(column));
            let has = data
                .sources
                .iter()
                .any(|s| dim.is_some_and(|i| s.dims_present.get(i).copied().unwrap_or(false)));
            if !has {
                errors.push(
                    DataError::at(
                        &parsed.source.display,
                        None,
                        format!(
                            "goal `{}`: no source has a column `{column}` to filter on",
                            goal.id
                        ),
                    )
                    .help("`where:` filters on columns of the exports; check the column name")
                    .declared_at(format!(
                        "{}/{}",
                        goal_pointer(index, "where"),
                        column
                    )),
                );
            }
        }
    }
    errors
}

fn first_unsourced<'a>(
    values: &Values,
    catalog: &'a Catalog,
    metric: &'a str,
    depth: usize,
) -> Option<&'a str> {
    if values.provided(metric) || depth > 64 {
        return None;
    }
    let Some(expr) = catalog.get(metric).and_then(|m| m.expr.as_ref()) else {
        return Some(metric);
    };
    expr.inputs()
        .into_iter()
        .find_map(|input| first_unsourced(values, catalog, input, depth + 1))
}

/// Evaluates every non-composite goal; composites follow from their members.
pub struct Evaluator<'a> {
    /// The goal file.
    pub parsed: &'a ParsedFile,
    /// Its catalog.
    pub catalog: &'a Catalog,
    /// The data.
    pub data: &'a DataSet,
    /// Each goal's window from the file.
    pub windows: &'a [Option<GoalWindow>],
    /// Settings.
    pub settings: &'a Settings,
    /// Dimension columns loaded.
    pub dims: &'a [String],
    /// Platform rollups of the data, shared by every goal.
    pub rollups: &'a Rollups,
}

impl<'e> Evaluator<'e> {
    /// Judges every goal of the file, in file order ([`Evaluator::evaluate`] of each), on
    /// several threads: goals are independent, and one that needs the platform rollups builds
    /// them while the other threads go on with goals that do not.
    pub fn evaluate_all(&self) -> Vec<Option<Outcome>> {
        let goals = &self.parsed.model.goals;
        crate::threads::in_parallel(goals.len(), |i| self.evaluate(i, &goals[i]))
    }

    /// Judges goal `index`; `None` for composites.
    pub fn evaluate(&self, index: usize, goal: &Goal) -> Option<Outcome> {
        let metric = self.catalog.get(goal.metric.as_ref()?.as_str())?;
        let selection = Selection::of(goal, self.dims);
        let values = Values::new(self.catalog, self.data, self.rollups, selection.clone());
        let memo = reason::SelectionMemo::default();
        Some(self.outcome(
            self.settings,
            true,
            &memo,
            index,
            goal,
            metric,
            &selection,
            &values,
        ))
    }

    /// Judges every goal as of each of `dates` (`goalpost history`): per goal, one row of
    /// outcomes in date order (`None` for composites). The data and its rollups are the ones
    /// of this evaluator, read once; each goal finds its series once and judges every date
    /// with them (its window values memoized across dates), so a date costs a judgement, not
    /// a read or a roll-up. The settings' own as-of date is not used.
    pub fn evaluate_at(&self, dates: &[CivilDate]) -> Vec<Vec<Option<Outcome>>> {
        let goals = &self.parsed.model.goals;
        crate::threads::in_parallel(goals.len(), |i| self.goal_at(i, &goals[i], dates))
    }

    /// One goal judged as of each of `dates`.
    fn goal_at(&self, index: usize, goal: &Goal, dates: &[CivilDate]) -> Vec<Option<Outcome>> {
        let Some(metric) = goal
            .metric
            .as_ref()
            .and_then(|m| self.catalog.get(m.as_str()))
        else {
            return vec![None; dates.len()];
        };
        let selection = Selection::of(goal, self.dims);
        let values = Values::new(self.catalog, self.data, self.rollups, selection.clone());
        let memo = reason::SelectionMemo::default();
        dates
            .iter()
            .map(|&as_of| {
                let settings = Settings {
                    as_of,
                    ..self.settings.clone()
                };
                let mut outcome = self.outcome(
                    &settings, false, &memo, index, goal, metric, &selection, &values,
                );
                // A history keeps every date's outcome at once: the buckets, which it does not
                // show, would hold a window's worth per date (the daily series is not made).
                outcome.buckets = None;
                Some(outcome)
            })
            .collect()
    }

    /// Judges a metric goal over its selection's values, with the reason of a `no_data`.
    #[allow(
        clippy::too_many_arguments,
        reason = "a private step with the goal's parts"
    )]
    fn outcome<'v>(
        &self,
        settings: &Settings,
        with_daily: bool,
        memo: &reason::SelectionMemo,
        index: usize,
        goal: &'v Goal,
        metric: &'v Metric,
        selection: &'v Selection,
        values: &'v Values<'v>,
    ) -> Outcome
    where
        'e: 'v,
    {
        let mut outcome = self.judge_goal(settings, with_daily, index, goal, metric, values);
        if outcome.judgement.status == Status::NoData && outcome.reason.is_none() {
            let why = reason::Why {
                data: self.data,
                catalog: self.catalog,
                metric,
                goal,
                selection,
                values,
            };
            outcome.reason = Some(why.explain_with(&outcome, memo));
        }
        outcome
    }

    /// Judges a metric goal with its values, as of `settings`' date.
    fn judge_goal(
        &self,
        settings: &Settings,
        with_daily: bool,
        index: usize,
        goal: &Goal,
        metric: &Metric,
        values: &Values,
    ) -> Outcome {
        let window = self
            .windows
            .get(index)
            .copied()
            .flatten()
            .unwrap_or_default();
        let as_of = day_number(settings.as_of);
        let range = values.data_range(&metric.id);
        let data_end = range.map(|r| r.1);
        let is_sum = metric.aggregate == Aggregate::Sum;
        let value = |a: Day, b: Day| values.value(&metric.id, a, b);

        let (start, end, open_start) = match self.frame_bounds(goal, window, as_of, range) {
            Some(b) => b,
            None => {
                // An open window with no data at all: nothing to judge.
                let mut outcome = empty_outcome(Status::NoData);
                outcome.data_end = data_end;
                return outcome;
            }
        };
        if open_start && i64::from(end) - i64::from(start) + 1 > MAX_WINDOW_DAYS {
            // The lint cannot see this: the window starts on the data's first day. Judged day by
            // day, thousands of years would take minutes and gigabytes.
            let mut outcome = empty_outcome(Status::NoData);
            outcome.data_end = data_end;
            outcome.band = goal.target.as_ref().and_then(|t| band(t, None));
            outcome.reason = Some(format!(
                "the window from the data's first day {} to the deadline {} is more than 100 years long: give the goal a `start:`, or check the deadline's year",
                day_date(start),
                day_date(end)
            ));
            return outcome;
        }
        let sources = values.sources(&metric.id);
        if let Some(why) = span::refusal(goal, &sources, (start, end), as_of) {
            let mut outcome = empty_outcome(Status::NoData);
            outcome.data_end = data_end;
            outcome.band = goal.target.as_ref().and_then(|t| band(t, None));
            outcome.reason = Some(why);
            return outcome;
        }
        // A range total lies on its last day: a day-by-day series of it would be a spike.
        let with_daily = with_daily && !span::any(&sources);
        let baseline = self.baseline(goal, range, &value);
        let base_value = baseline.and_then(|b| b.value);
        let band = goal.target.as_ref().and_then(|t| band(t, base_value));
        let mut outcome = Outcome {
            start: Some(start),
            end: Some(end),
            open_start,
            baseline,
            band,
            data_end,
            ..empty_outcome(Status::NoData)
        };
        // Late data: the status and the pace see the settled days only, as if judged on the last
        // settled day; the actual counts the provisional days too (set once judged, below).
        let provisional = settle::Provisional::of(&sources, data_end, as_of);
        let (full_as_of, full_end) = (as_of, data_end);
        let (as_of, data_end) = match &provisional {
            Some(p) => (as_of.min(p.settled_end()), Some(p.settled_end())),
            None => (as_of, data_end),
        };
        if let Some(p) = provisional
            .as_ref()
            .filter(|_| as_of < start && start <= full_as_of)
        {
            outcome.reason = Some(format!(
                "every day of data in the window is provisional: {}",
                p.note()
            ));
            return outcome;
        }
        outcome.provisional = provisional;
        let baseline_missing = baseline.is_some_and(|b| b.value.is_none());
        let Some(band) = band.filter(|_| !baseline_missing) else {
            outcome.judgement.status = if as_of < start {
                Status::Pending
            } else {
                Status::NoData
            };
            return outcome;
        };
        let rules = Rules {
            is_sum,
            cumulative: is_sum && goal.rolling.is_none(),
            band,
            baseline: base_value,
            tolerance: goal.tolerance.map_or(settings.tolerance, |t| t.value),
            trend: None,
            share: None,
        };
        let pace = goal.pace.unwrap_or(settings.pace);
        let fallback = std::cell::RefCell::new(None);
        if pace != Pace::Linear && !is_sum {
            *fallback.borrow_mut() = Some(format!(
                "`pace: {pace}` paces running sums, and `{}` is not summed over days",
                metric.id
            ));
        }
        // The calendar's share of a frame (the window, or one bucket), when it has one.
        let shaped = |frame: Frame| -> Option<f64> {
            if pace == Pace::Linear
                || !is_sum
                || frame.as_of < frame.start
                || frame.as_of > frame.end
            {
                return None;
            }
            let observed = frame
                .end
                .min(frame.as_of)
                .min(frame.data_end.filter(|l| *l >= frame.start)?);
            let span = pace::Span {
                start: frame.start,
                end: frame.end,
                observed,
            };
            // A baseline window is the reference, day for day from its start (a bucket's
            // reference starts as far into it as the bucket starts into the window).
            let reference = baseline
                .and_then(|b| b.window)
                .map(|(a, _)| a + (frame.start - start));
            let daily = |a: Day, b: Day| values.daily(&metric.id, a, b);
            match pace::share(pace, span, reference, range, &daily) {
                Ok(f) => Some(f),
                Err(why) => {
                    fallback.borrow_mut().get_or_insert(why);
                    None
                }
            }
        };
        let frame = Frame {
            start,
            end,
            as_of,
            data_end,
        };
        // The window, or the bucket whose judgement is the goal's.
        let mut judged_span = (start, end);
        match goal.every {
            Some(every) => {
                let all = buckets::buckets(start, end, every)
                    .into_iter()
                    .map(|(a, b)| {
                        let frame = Frame {
                            start: a,
                            end: b,
                            ..frame
                        };
                        let rules = Rules {
                            share: shaped(frame),
                            ..prorated(rules, a, b, every)
                        };
                        (a, b, judge(frame, rules, value))
                    })
                    .collect::<Vec<_>>();
                let mut current = all
                    .iter()
                    .position(|(a, b, _)| *a <= as_of && as_of <= *b)
                    .unwrap_or(if as_of < start {
                        0
                    } else {
                        all.len().saturating_sub(1)
                    });
                // The Monday report: exports that end on Sunday leave this week without data.
                // Judge the last complete bucket instead, and say so.
                if let Some(previous) = waiting_for_data(&all, current, data_end) {
                    outcome.waiting = Some((all[current].0, all[current].1));
                    current = previous;
                }
                let mut judgement = all
                    .get(current)
                    .map_or(Judgement::bare(Status::Pending), |b| b.2);
                if let Some((a, b, _)) = all.get(current) {
                    judged_span = (*a, *b);
                }
                let closed = all.iter().filter(|(_, b, _)| *b < as_of);
                if goal.pass == Some(Pass::All)
                    && closed.clone().any(|(_, _, j)| j.status == Status::Missed)
                {
                    judgement.status = Status::Missed;
                }
                outcome.streak = Some(
                    all.iter()
                        .filter(|(_, b, _)| *b < as_of)
                        .rev()
                        .take_while(|(_, _, j)| j.status == Status::Achieved)
                        .count(),
                );
                if let Some((a, b, _)) = all.get(current).filter(|_| with_daily) {
                    outcome.daily = daily(
                        values,
                        &metric.id,
                        *a,
                        // Without an observed end (no data), days after the as-of date or the data's
                        // end are gaps, not zeros: the series stops where the data does.
                        judgement
                            .observed_end
                            .unwrap_or_else(|| (*b).min(as_of).min(data_end.unwrap_or(*a - 1)))
                            .min(*b),
                    );
                }
                outcome.judgement = judgement;
                outcome.buckets = Some(all);
            }
            None => {
                let trend = self.trend(goal, metric, values, frame);
                let share = shaped(frame);
                outcome.judgement = judge(
                    frame,
                    Rules {
                        trend,
                        share,
                        ..rules
                    },
                    value,
                );
                if let Some(o) = outcome.judgement.observed_end.filter(|_| with_daily) {
                    outcome.daily = daily(values, &metric.id, start, o);
                }
            }
        }
        if outcome.provisional.is_some() {
            // The judged window or bucket's actual, over its provisional days too.
            let (from, to) = judged_span;
            let through = to.min(full_as_of).min(full_end.unwrap_or(from - 1));
            if through >= from
                && let Some(v) = value(from, through)
            {
                outcome.judgement.actual = Some(v);
            }
        }
        outcome.sample = self.sample(metric, values, &outcome);
        outcome.pace_fallback = fallback.into_inner();
        outcome.judged = true;
        outcome
    }

    /// `(start, end, open_start)` of the window judged.
    fn frame_bounds(
        &self,
        goal: &Goal,
        window: GoalWindow,
        as_of: Day,
        range: Option<(Day, Day)>,
    ) -> Option<(Day, Day, bool)> {
        if let Some(days) = goal.rolling {
            let deadline = window.deadline.map(day_number);
            let end = match deadline {
                Some(d) if as_of > d => d,
                _ => as_of,
            };
            #[allow(
                clippy::cast_possible_wrap,
                reason = "the schema caps `rolling` at 99,999 weeks, far below i32::MAX days"
            )]
            let days = days.0 as Day;
            return Some((end - days + 1, end, false));
        }
        let end = day_number(window.deadline?);
        match window.start {
            Some(s) => Some((day_number(s), end, false)),
            None => range.map(|(first, _)| (first, end, true)),
        }
    }

    /// The baseline value and, for one computed from data, its window.
    fn baseline(
        &self,
        goal: &Goal,
        range: Option<(Day, Day)>,
        value: &impl Fn(Day, Day) -> Option<f64>,
    ) -> Option<EvaluatedBaseline> {
        let window = match goal.baseline.as_ref()? {
            Baseline::Number(q) => {
                return Some(EvaluatedBaseline {
                    value: Some(q.value),
                    window: None,
                });
            }
            Baseline::Value(v) => {
                return Some(EvaluatedBaseline {
                    value: Some(v.value.value),
                    window: None,
                });
            }
            Baseline::Period(p) => {
                let r = period_range(&p.period).ok()?;
                (day_number(r.start), day_number(r.end))
            }
            Baseline::Range(r) => (day_number(r.start.0), day_number(r.end.0)),
        };
        // A baseline window the exports do not reach has no value (not a real zero).
        let covered = range.is_some_and(|(first, last)| window.0 <= last && window.1 >= first);
        Some(EvaluatedBaseline {
            value: covered.then(|| value(window.0, window.1)).flatten(),
            window: Some(window),
        })
    }

    /// The trend of a level goal (`aggregate: last`, not `projection: level`, not rolling) over
    /// its observed window, which projects it to the deadline.
    fn trend(&self, goal: &Goal, metric: &Metric, values: &Values, frame: Frame) -> Option<Trend> {
        // Past the deadline the judgement is the final value, which needs no projection.
        if metric.aggregate != Aggregate::Last
            || goal.projection.unwrap_or(defaults::PROJECTION) == Projection::Level
            || goal.rolling.is_some()
            || frame.as_of > frame.end
        {
            return None;
        }
        let observed_end = frame.end.min(frame.as_of).min(frame.data_end?);
        if observed_end < frame.start {
            return None;
        }
        // The level on each day with a new value: every series' newest value so far (a series
        // without a row that day keeps its level), so an account that reports less often
        // does not drop out of the line. One pass per series, not one window per day.
        let levels = values.levels(&metric.id, frame.start, observed_end);
        Trend::fit(frame.start, &levels)
    }

    /// For a rate (percent, factor), the denominator's total over the judged window (the
    /// current bucket's for a recurring goal), for the `small-sample` rule.
    fn sample(&self, metric: &Metric, values: &Values, outcome: &Outcome) -> Option<f64> {
        if !matches!(metric.unit, Unit::Percent | Unit::Factor) {
            return None;
        }
        let (start, o) = (outcome.start?, outcome.judgement.observed_end?);
        let start = outcome
            .buckets
            .as_ref()
            .and_then(|b| b.iter().find(|(a, e, _)| *a <= o && o <= *e).map(|x| x.0))
            .unwrap_or(start);
        values.denominator(metric, start, o)
    }
}

fn empty_outcome(status: Status) -> Outcome {
    Outcome {
        judgement: Judgement::bare(status),
        start: None,
        end: None,
        open_start: false,
        baseline: None,
        band: None,
        data_end: None,
        daily: None,
        buckets: None,
        streak: None,
        sample: None,
        reason: None,
        waiting: None,
        judged: false,
        pace_fallback: None,
        provisional: None,
    }
}

/// A sum's target for a bucket the window clips (Friday to Sunday of a weekly goal that starts
/// on a Friday): the share of the calendar bucket it covers, so three days are not held to a
/// whole week's target. Rates, levels and whole buckets keep the target.
fn prorated(rules: Rules, a: Day, b: Day, every: Every) -> Rules {
    let share = buckets::covered_share(a, b, every);
    if !rules.is_sum || share >= 1.0 {
        return rules;
    }
    Rules {
        band: Band {
            low: rules.band.low * share,
            high: rules.band.high * share,
        },
        ..rules
    }
}

/// The bucket to judge instead of `current` when `current` has no data yet because the data ends
/// before it starts, and the bucket before it has data.
fn waiting_for_data(
    all: &[(Day, Day, Judgement)],
    current: usize,
    data_end: Option<Day>,
) -> Option<usize> {
    let (a, _, j) = all.get(current)?;
    let previous = current.checked_sub(1)?;
    let waiting = j.status == Status::NoData && data_end.is_some_and(|l| l < *a);
    (waiting && all[previous].2.status != Status::NoData).then_some(previous)
}

fn daily(values: &Values, metric: &str, a: Day, b: Day) -> Option<(Day, Vec<Option<f64>>)> {
    (a <= b).then(|| (a, values.daily(metric, a, b)))
}

/// The target as a band, given the baseline value (docs/evaluation.md, "Baselines and targets").
pub fn band(target: &Target, baseline: Option<f64>) -> Option<Band> {
    target.band(baseline).map(|(low, high)| Band { low, high })
}
