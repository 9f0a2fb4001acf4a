//! From the evaluation to the [`Document`]: every goal's numbers and dates as JSON-friendly
//! values, composites resolved from their members, objectives and summary counts.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::document::*;
use crate::catalog::{Catalog, Metric, Unit};
use crate::data::{DataSet, InputFile, day_date};
use crate::diag::{Diagnostic, Level};
use crate::eval::{Outcome, Verdicts};
use crate::lint::goal_pointer;
use crate::resolve::Plan;
use crate::spec::ParsedFile;
use crate::spec::model::{FilterValue, Goal, Severity, Status, Target};

/// Everything the document is built from.
pub struct Inputs<'a> {
    /// The goal file.
    pub parsed: &'a ParsedFile,
    /// Its catalog.
    pub catalog: &'a Catalog,
    /// The data read.
    pub data: &'a DataSet,
    /// Each goal's outcome (`None` for composites).
    pub outcomes: &'a [Option<Outcome>],
    /// Each goal's status and failing verdict.
    pub verdicts: &'a Verdicts,
    /// Lint findings, data-free and data-dependent.
    pub lint: Vec<Diagnostic>,
    /// The run's resolved settings (as-of, time zone, fail_on, currency).
    pub plan: &'a Plan,
    /// The goal file as an input.
    pub goal_file: InputFile,
}

/// Builds the document.
pub fn build(inputs: Inputs) -> Document {
    let model = &inputs.parsed.model;
    let plan = inputs.plan;
    let currency = plan.settings.currency.clone();
    let warnings = warnings_by_goal(&inputs.lint);
    let goals: Vec<GoalReport> = model
        .goals
        .iter()
        .enumerate()
        .map(|(i, goal)| {
            let mut report = goal_report(&inputs, i, goal, &currency);
            report.status = inputs.verdicts.statuses[i];
            report.failing = inputs.verdicts.failing[i];
            report.warnings = warnings.get(goal.id.as_str()).cloned().unwrap_or_default();
            report
        })
        .collect();
    drop(warnings); // it borrows `inputs.lint`, which the document takes below
    let summary = summary(&goals, &inputs.lint);
    Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "goalpost".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        file: inputs.parsed.source.display.clone(),
        title: model
            .title
            .clone()
            .unwrap_or_else(|| inputs.parsed.source.display.clone()),
        as_of: plan.as_of.to_string(),
        timezone: plan.settings.timezone.clone(),
        currency,
        fail_on: plan.settings.fail_on.clone(),
        summary,
        objectives: objectives(&inputs, &goals),
        sources: sources(inputs.data),
        inputs: std::iter::once(inputs.goal_file.clone())
            .chain(inputs.data.inputs.iter().cloned())
            .collect(),
        lint: inputs.lint,
        goals,
        changes: None,
    }
}

/// The lint findings of each goal, in finding order, grouped in one pass: a file with a thousand
/// goals draws about as many findings, and filtering all of them for every goal was quadratic.
fn warnings_by_goal(lint: &[Diagnostic]) -> HashMap<&str, Vec<GoalWarning>> {
    let mut by_goal: HashMap<&str, Vec<GoalWarning>> = HashMap::new();
    for d in lint {
        if let Some(goal) = d.goal.as_deref() {
            by_goal.entry(goal).or_default().push(GoalWarning {
                code: d.rule.to_string(),
                message: d.message.clone(),
            });
        }
    }
    by_goal
}

fn goal_report(inputs: &Inputs, index: usize, goal: &Goal, currency: &str) -> GoalReport {
    let span = inputs.parsed.spans.value(&goal_pointer(index, ""));
    let metric = goal
        .metric
        .as_ref()
        .and_then(|m| inputs.catalog.get(m.as_str()))
        .map(|m| metric_report(m, currency));
    let outcome = inputs.outcomes.get(index).and_then(Option::as_ref);
    let j = outcome.map(|o| o.judgement);
    let date = |d: Option<i32>| d.map(|d| day_date(d).to_string());
    GoalReport {
        id: goal.id.to_string(),
        title: goal.title.clone().unwrap_or_else(|| goal.id.to_string()),
        objective: goal.objective.as_ref().map(ToString::to_string),
        owner: goal.owner.clone(),
        why: goal.why.clone(),
        notes: goal.notes.clone(),
        severity: goal.severity.unwrap_or(Severity::Error),
        line: span.as_ref().map_or(1, |s| s.line),
        column: span.as_ref().map_or(1, |s| s.column),
        metric,
        platforms: goal
            .platform
            .as_ref()
            .and_then(|p| all_or(p.as_slice().iter().map(|s| s.to_string()))),
        accounts: goal
            .account
            .as_ref()
            .and_then(|a| all_or(a.as_slice().iter().cloned())),
        filter: goal
            .filter
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_slice().iter().map(FilterValue::text).collect(),
                )
            })
            .collect(),
        window: outcome.map(|o| window_report(goal, o)),
        baseline: outcome.and_then(|o| o.baseline).map(|b| BaselineReport {
            value: b.value,
            start: date(b.window.map(|w| w.0)),
            end: date(b.window.map(|w| w.1)),
        }),
        target: goal.target.as_ref().map(|t| target_report(t, outcome)),
        actual: j.and_then(|j| j.actual),
        projected: j.and_then(|j| j.projected),
        expected: j.and_then(|j| j.expected),
        progress: j.and_then(|j| j.progress),
        needed_per_day: j.and_then(|j| j.needed_per_day),
        eta: date(j.and_then(|j| j.eta)),
        status: Status::NoData,
        reason: outcome.and_then(|o| o.reason.clone()),
        judged_on: outcome.and_then(|o| judged_on(goal, o)),
        provisional: outcome
            .and_then(|o| o.provisional.as_ref())
            .map(|p| ProvisionalReport {
                from: day_date(p.first).to_string(),
                to: day_date(p.last).to_string(),
                settled_through: day_date(p.settled_end()).to_string(),
                sources: p.sources.iter().map(|(id, _)| id.clone()).collect(),
            }),
        failing: false,
        data_end: date(outcome.and_then(|o| o.data_end)),
        warnings: Vec::new(),
        daily: outcome
            .and_then(|o| o.daily.as_ref())
            .map(|(start, values)| DailySeries {
                start: day_date(*start).to_string(),
                values: values.clone(),
            }),
        buckets: outcome.and_then(|o| o.buckets.as_ref()).map(|b| {
            b.iter()
                .map(|(a, e, j)| BucketReport {
                    start: day_date(*a).to_string(),
                    end: day_date(*e).to_string(),
                    actual: j.actual,
                    projected: j.projected,
                    status: j.status,
                    partial: j.observed_end.is_some_and(|seen| seen < *e),
                })
                .collect()
        }),
        streak: outcome.and_then(|o| o.streak),
        members: goal
            .all_of
            .as_ref()
            .map(|m| m.iter().map(ToString::to_string).collect()),
    }
}

/// `None` when the list says `all`.
fn all_or(items: impl Iterator<Item = String>) -> Option<Vec<String>> {
    let items: Vec<String> = items.collect();
    (!items.iter().any(|i| i.eq_ignore_ascii_case("all"))).then_some(items)
}

/// A metric as reports show it (`history` too).
pub(crate) fn metric_report(m: &Metric, currency: &str) -> MetricReport {
    MetricReport {
        id: m.id.clone(),
        title: m.title.clone(),
        unit: m.unit,
        duration_unit: m.duration_unit,
        currency: (m.unit == Unit::Currency).then(|| currency.to_string()),
        better: m.better,
        aggregate: m.aggregate,
        vanity: m.vanity,
        non_additive: m.non_additive,
        formula: m.formula.clone(),
    }
}

fn window_report(goal: &Goal, o: &Outcome) -> WindowReport {
    let date = |d: Option<i32>| d.map(|d| day_date(d).to_string());
    WindowReport {
        start: date(o.start),
        deadline: date(o.end),
        days: o.start.zip(o.end).map(|(a, b)| i64::from(b - a) + 1),
        open_start: o.open_start,
        observed_end: date(o.judgement.observed_end),
        observed_days: o.judgement.observed_days,
        rolling: goal.rolling.map(|d| d.0),
        every: goal.every,
        pass: goal
            .every
            .map(|_| goal.pass.unwrap_or(crate::spec::model::Pass::Current)),
    }
}

/// How the status was judged when it is not simply on the data as of the as-of date: on the
/// last complete bucket (the current one waits for data), and on the settled days only.
fn judged_on(goal: &Goal, outcome: &Outcome) -> Option<String> {
    let notes: Vec<String> = [
        waiting_note(goal, outcome),
        outcome.provisional.as_ref().map(|p| p.note()),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// For a recurring goal judged on its last complete bucket, what the report says about it.
fn waiting_note(goal: &Goal, outcome: &Outcome) -> Option<String> {
    let (a, b) = outcome.waiting?;
    let every = goal.every.map_or("bucket", |e| match e {
        crate::spec::model::Every::Day => "day",
        crate::spec::model::Every::Week => "week",
        crate::spec::model::Every::Month => "month",
        crate::spec::model::Every::Quarter => "quarter",
    });
    let judged = outcome
        .buckets
        .as_ref()?
        .iter()
        .find(|(_, end, _)| *end == a - 1)?;
    Some(format!(
        "this {every} ({} to {}) is waiting for data; judged on the last complete {every}, {} to {}: {}",
        day_date(a),
        day_date(b),
        day_date(judged.0),
        day_date(judged.1),
        judged.2.status.label()
    ))
}

fn target_report(target: &Target, outcome: Option<&Outcome>) -> TargetReport {
    let band = outcome.and_then(|o| o.band);
    let finite = |v: f64| v.is_finite().then_some(v);
    TargetReport {
        kind: target.key().to_string(),
        written: target
            .literals()
            .iter()
            .map(|(_, q)| q.display())
            .collect::<Vec<_>>()
            .join(", "),
        low: band.and_then(|b| finite(b.low)),
        high: band.and_then(|b| finite(b.high)),
        value: band.and_then(|b| b.target_value()),
    }
}

fn summary(goals: &[GoalReport], lint: &[Diagnostic]) -> Summary {
    let mut statuses: IndexMap<Status, usize> =
        Status::WORST_FIRST.into_iter().map(|s| (s, 0)).collect();
    for g in goals {
        *statuses.entry(g.status).or_default() += 1;
    }
    Summary {
        goals: goals.len(),
        statuses,
        failing: goals.iter().filter(|g| g.failing).count(),
        warnings: lint.iter().filter(|d| d.level == Level::Warn).count(),
    }
}

fn objectives(inputs: &Inputs, goals: &[GoalReport]) -> Vec<ObjectiveReport> {
    let mut out: Vec<ObjectiveReport> = inputs
        .parsed
        .model
        .objectives
        .iter()
        .map(|(id, o)| {
            let (ids, status) = members(goals, |g| g.objective.as_deref() == Some(id.as_str()));
            ObjectiveReport {
                id: Some(id.to_string()),
                title: o.title.clone().unwrap_or_else(|| id.to_string()),
                kind: Some(o.kind),
                status,
                goals: ids,
            }
        })
        .collect();
    let known: Vec<&str> = out.iter().filter_map(|o| o.id.as_deref()).collect();
    let (orphans, status) = members(goals, |g| {
        g.objective.as_deref().is_none_or(|o| !known.contains(&o))
    });
    if !orphans.is_empty() {
        out.push(ObjectiveReport {
            id: None,
            title: "Other goals".into(),
            kind: None,
            status,
            goals: orphans,
        });
    }
    out
}

/// The ids of the goals `belongs` picks, in file order, and the worst of their statuses, in one
/// pass (matching ids against the list afterwards was quadratic in the number of goals).
fn members(
    goals: &[GoalReport],
    belongs: impl Fn(&GoalReport) -> bool,
) -> (Vec<String>, Option<Status>) {
    let picked = || goals.iter().filter(|g| belongs(g));
    let ids = picked().map(|g| g.id.clone()).collect();
    let worst = picked().map(|g| g.status).min_by_key(|s| s.rank());
    (ids, worst)
}

fn sources(data: &DataSet) -> Vec<SourceReport> {
    data.sources
        .iter()
        .map(|s| SourceReport {
            id: s.id.clone(),
            files: s.files.clone(),
            totals: match s.totals {
                crate::spec::model::Totals::Daily => "daily".into(),
                crate::spec::model::Totals::Lifetime => "lifetime".into(),
            },
            metrics: s.provides.clone(),
            rows: s.rows,
            skipped_rows: s.skipped_rows,
            total_rows: s.total_rows,
            undated_rows: s.undated_rows,
            notes: s.notes.clone(),
            first_date: s.table.day_range.map(|r| day_date(r.0).to_string()),
            last_date: s.table.day_range.map(|r| day_date(r.1).to_string()),
            sql: s.sql.as_ref().map(|q| super::document::SqlReport {
                query_sha256: q.query_sha256.clone(),
                server_version: q.server_version.clone(),
                query_rows: q.query_rows,
                rows_aggregated: q.rows_aggregated,
                groups: q.groups,
                from: q.days.as_ref().map(|d| d.0.clone()),
                to: q.days.as_ref().map(|d| d.1.clone()),
            }),
        })
        .collect()
}
