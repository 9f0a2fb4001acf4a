//! Rules about one goal's shape, references and time window.

use std::collections::HashSet;

use jiff::civil::Date as CivilDate;

use super::file_rules::{is_known_platform, suggestion_for, unknown_platform};
use super::{Context, goal_pointer};
use crate::catalog::{Aggregate, Metric};
use crate::rules::RuleId;
use crate::spec::model::{Baseline, Every, Goal};
use crate::spec::time::{
    DateRange, PeriodError, bucket_of, goal_window, named_range, period_range,
};
use crate::suggest::nearest_help;

/// Windows longer than this get `long-horizon`.
const LONG_HORIZON_DAYS: i64 = 366;
/// Windows longer than this (100 years) are a `goal-shape` error.
use crate::spec::time::MAX_WINDOW_DAYS;

pub(super) fn check(ctx: &mut Context, index: usize, goal: &Goal) {
    shape(ctx, index, goal);
    references(ctx, index, goal);
    window(ctx, index, goal);
    relevance(ctx, index, goal);
}

fn shape(ctx: &mut Context, i: usize, goal: &Goal) {
    let p = |field: &str| goal_pointer(i, field);
    let mut problems: Vec<(String, String, &str)> = Vec::new();
    let id = &goal.id;
    match (&goal.metric, &goal.all_of) {
        (None, None) => problems.push((
            p("id"),
            format!("goal `{id}` has neither `metric` nor `all_of`"),
            "a goal measures a `metric` against a `target`, or combines goals with `all_of: [id, …]`",
        )),
        (Some(_), Some(_)) => problems.push((
            p("all_of"),
            format!("goal `{id}` has both `metric` and `all_of`"),
            "a composite goal takes its status from its members: remove `metric` or `all_of`",
        )),
        (Some(_), None) if goal.target.is_none() => problems.push((
            p("metric"),
            format!("goal `{id}` has no `target`"),
            "add a target such as `target: {at_least: 1000}` or `target: {increase: 20%}`",
        )),
        _ => {}
    }
    if let Some(members) = &goal.all_of {
        if members.is_empty() {
            problems.push((
                p("all_of"),
                format!("composite goal `{id}` has no members"),
                "list the goals it combines",
            ));
        }
        let extras = [
            ("target", goal.target.is_some()),
            ("baseline", goal.baseline.is_some()),
            ("every", goal.every.is_some()),
            ("rolling", goal.rolling.is_some()),
        ];
        for (key, present) in extras {
            if present {
                problems.push((
                    p(key),
                    format!("composite goal `{id}` cannot have `{key}`"),
                    "a composite goal is met when all its members are; put the key on the members",
                ));
            }
        }
    }
    if goal.period.is_some() {
        for (key, present) in [
            ("start", goal.start.is_some()),
            ("deadline", goal.deadline.is_some()),
        ] {
            if present {
                problems.push((
                    p(key),
                    format!("goal `{id}` has both `period` and `{key}`"),
                    "`period` sets both start and deadline: keep one of the two forms",
                ));
            }
        }
    }
    if goal.every.is_some() && goal.rolling.is_some() {
        problems.push((
            p("rolling"),
            format!("goal `{id}` is both recurring and rolling"),
            "use `every:` or `rolling:`, not both",
        ));
    }
    if goal.pass.is_some() && goal.every.is_none() {
        problems.push((
            p("pass"),
            format!("`pass` needs `every` (goal `{id}`)"),
            "`pass` says how the buckets of a recurring goal are judged",
        ));
    }
    let has_deadline = goal.period.is_some() || goal.deadline.is_some();
    if goal.metric.is_some() && !has_deadline && goal.rolling.is_none() {
        problems.push((
            p("id"),
            format!("goal `{id}` has no deadline"),
            "add `deadline: YYYY-MM-DD` or `period: 2027-Q1`, or make it a standing goal with `rolling: 7d`",
        ));
    }
    for (pointer, message, help) in problems {
        let f = ctx
            .finding(RuleId::GoalShape, &pointer, message)
            .help(help)
            .goal(goal);
        let f = if pointer.ends_with("/id") {
            f
        } else {
            f.at(ctx.key_span(&pointer))
        };
        ctx.emit(f);
    }
}

fn references(ctx: &mut Context, i: usize, goal: &Goal) {
    let parsed = ctx.parsed;
    let model = &parsed.model;
    let mut findings = Vec::new();
    if let Some(metric) = &goal.metric
        && ctx.catalog.get(metric.as_str()).is_none()
    {
        findings.push(
            ctx.finding(
                RuleId::UnknownMetric,
                &goal_pointer(i, "metric"),
                format!("unknown metric `{metric}`"),
            )
            .label("not a built-in or defined metric")
            .help(suggestion_for(ctx, metric.as_str())),
        );
    }
    if let Some(platforms) = &goal.platform {
        let many = platforms.as_slice().len() > 1
            || matches!(platforms, crate::spec::model::OneOrMany::Many(_));
        for (k, platform) in platforms.as_slice().iter().enumerate() {
            if !is_known_platform(ctx, platform.as_str()) {
                let pointer = if many {
                    goal_pointer(i, &format!("platform/{k}"))
                } else {
                    goal_pointer(i, "platform")
                };
                findings.push(unknown_platform(ctx, &pointer, platform.as_str()));
            }
        }
    }
    if let Some(objective) = &goal.objective
        && !model.objectives.contains_key(objective)
    {
        let help = nearest_help(
            objective.as_str(),
            model.objectives.keys().map(|k| k.as_str()),
            |near| format!("declared objectives: {near}"),
            "declare it under `objectives:` with a `kind` (revenue, cost, awareness, retention)",
        );
        findings.push(
            ctx.finding(
                RuleId::UnknownObjective,
                &goal_pointer(i, "objective"),
                format!("unknown objective `{objective}`"),
            )
            .help(help),
        );
    }
    for (k, member) in goal.all_of.iter().flatten().enumerate() {
        let pointer = goal_pointer(i, &format!("all_of/{k}"));
        if member == &goal.id || reaches(model, member.as_str(), goal.id.as_str()) {
            findings.push(
                ctx.finding(RuleId::UnknownGoal, &pointer, format!("composite goal `{}` contains itself through `{member}`", goal.id))
                    .help("a composite goal cannot be its own member, directly or through other composites"),
            );
        } else if !model.goals.iter().any(|g| &g.id == member) {
            let help = nearest_help(
                member.as_str(),
                model.goals.iter().map(|g| g.id.as_str()),
                |near| format!("nearest goal ids: {near}"),
                "`all_of` lists ids of goals in this file",
            );
            findings.push(
                ctx.finding(
                    RuleId::UnknownGoal,
                    &pointer,
                    format!("`all_of` names unknown goal `{member}`"),
                )
                .help(help),
            );
        }
    }
    findings.into_iter().for_each(|f| ctx.emit(f.goal(goal)));
}

/// Whether composite `from` contains `target` through its members (transitively).
fn reaches(model: &crate::spec::GoalFile, from: &str, target: &str) -> bool {
    let mut seen = HashSet::new();
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for goal in model.goals.iter().filter(|g| g.id.as_str() == id) {
            for member in goal.all_of.iter().flatten() {
                if member.as_str() == target {
                    return true;
                }
                stack.push(member.as_str());
            }
        }
    }
    false
}

fn window(ctx: &mut Context, i: usize, goal: &Goal) {
    let window_key = if goal.period.is_some() {
        "period"
    } else {
        "deadline"
    };
    let window = match goal_window(goal) {
        Ok(w) => w,
        Err(PeriodError(message)) => {
            let f = ctx
                .finding(
                    RuleId::DeadlineBeforeStart,
                    &goal_pointer(i, "period"),
                    message,
                )
                .goal(goal);
            ctx.emit(f.help("use a period that exists on the calendar"));
            return;
        }
    };
    if let (Some(start), Some(deadline)) = (window.start, window.deadline)
        && deadline < start
    {
        let f = ctx
            .finding(
                RuleId::DeadlineBeforeStart,
                &goal_pointer(i, window_key),
                format!("the window is empty: deadline {deadline} is before start {start}"),
            )
            .help("swap the dates, or fix the typo")
            .goal(goal);
        ctx.emit(f);
        return;
    }
    if let Some(days) = window.days()
        && days > MAX_WINDOW_DAYS
    {
        let f = ctx
            .finding(
                RuleId::GoalShape,
                &goal_pointer(i, window_key),
                format!("the window is {days} days long, more than 100 years"),
            )
            .help("a goal's window may be at most 100 years (36,525 days): check the years of `start`, `deadline` or `period`")
            .goal(goal);
        ctx.emit(f);
        return;
    }
    if let Some(days) = window.days()
        && days > LONG_HORIZON_DAYS
    {
        let f = ctx
            .finding(RuleId::LongHorizon, &goal_pointer(i, window_key), format!("the window is {days} days long"))
            .help("split it into yearly or quarterly goals: a target that far out gives no signal on the way")
            .goal(goal);
        ctx.emit(f);
    }
    let metric = goal
        .metric
        .as_ref()
        .and_then(|m| ctx.catalog.get(m.as_str()))
        .cloned();
    let Some(metric) = metric else { return };
    let is_sum = metric.aggregate == Aggregate::Sum;
    if is_sum && window.start.is_none() && goal.rolling.is_none() && goal.period.is_none() {
        let f = ctx
            .finding(RuleId::OpenWindow, &goal_pointer(i, "deadline"), format!("`{}` is counted from whenever the data begins", metric.id))
            .label("no `start`")
            .help("add `start:` (or a `period:`): a total without a start depends on how far back the export goes")
            .goal(goal);
        ctx.emit(f);
    }
    if is_sum && let Some(every) = goal.every {
        clipped_buckets(
            ctx,
            i,
            goal,
            every,
            window.start,
            window.deadline,
            window_key,
        );
    }
    let judged_days = judged_window_days(goal, window.start, window.deadline);
    if metric.non_additive && is_sum && judged_days.is_none_or(|d| d > 1) {
        let f = ctx
            .finding(RuleId::NonAdditive, &goal_pointer(i, "metric"), format!("`{}` counts unique people: summed over days it is an upper bound", metric.id))
            .help("judge it per day (`every: day`), use a rate such as `engagement_rate_reach`, or `allow: [non-additive]`")
            .goal(goal);
        ctx.emit(f);
    }
    baseline_window(ctx, i, goal, &metric, judged_days);
}

/// A recurring sum goal whose window starts or ends inside a bucket: that bucket's target is
/// prorated to the days it covers, which the goal file should say it means.
fn clipped_buckets(
    ctx: &mut Context,
    i: usize,
    goal: &Goal,
    every: Every,
    start: Option<CivilDate>,
    deadline: Option<CivilDate>,
    window_key: &str,
) {
    let name = match every {
        Every::Day => return,
        Every::Week => "week",
        Every::Month => "month",
        Every::Quarter => "quarter",
    };
    let (Some(start), Some(deadline)) = (start, deadline) else {
        return;
    };
    let days = |a: CivilDate, b: CivilDate| crate::spec::time::days_between(a, b) + 1;
    let mut clipped = Vec::new();
    let (first, first_end) = bucket_of(start, every);
    if first != start {
        clipped.push((
            "first",
            start,
            first_end.min(deadline),
            days(first, first_end),
        ));
    }
    let (last_start, last) = bucket_of(deadline, every);
    if last != deadline && (last_start > start || first == start) {
        clipped.push((
            "last",
            last_start.max(start),
            deadline,
            days(last_start, last),
        ));
    }
    for (which, a, b, full) in clipped {
        let covered = days(a, b);
        let key = if goal.start.is_some() && which == "first" {
            "start"
        } else {
            window_key
        };
        let f = ctx
            .finding(
                RuleId::ClippedBucket,
                &goal_pointer(i, key),
                format!(
                    "the {which} {name} ({a} to {b}) has {covered} of its {full} days: its target is prorated to {covered}/{full}"
                ),
            )
            .help(format!(
                "start and end the window on {name} boundaries, or `allow: [clipped-bucket]` to keep the prorated {name}"
            ))
            .goal(goal);
        ctx.emit(f);
    }
}

/// The length of the window a value is judged on: a bucket, the rolling window, or the whole
/// window.
fn judged_window_days(
    goal: &Goal,
    start: Option<CivilDate>,
    deadline: Option<CivilDate>,
) -> Option<i64> {
    if let Some(rolling) = goal.rolling {
        return Some(i64::from(rolling.0));
    }
    match (goal.every, start) {
        (Some(Every::Day), _) => Some(1),
        (Some(Every::Week), _) => Some(7),
        (Some(Every::Month), Some(s)) => Some(i64::from(s.days_in_month())),
        (Some(Every::Quarter), Some(s)) => {
            let q = (s.month() - 1) / 3 + 1;
            named_range(&crate::spec::scalars::PeriodName::Quarter(s.year(), q))
                .ok()
                .map(|r| r.days())
        }
        (Some(_), None) => None,
        (None, _) => Some(
            DateRange {
                start: start?,
                end: deadline?,
            }
            .days(),
        ),
    }
}

fn baseline_window(ctx: &mut Context, i: usize, goal: &Goal, metric: &Metric, judged: Option<i64>) {
    let pointer = goal_pointer(i, "baseline");
    let range = match &goal.baseline {
        Some(Baseline::Period(p)) => period_range(&p.period),
        Some(Baseline::Range(r)) => Ok(DateRange {
            start: r.start.0,
            end: r.end.0,
        }),
        _ => return,
    };
    let range = match range {
        Ok(r) if r.end < r.start => {
            let f = ctx
                .finding(
                    RuleId::DeadlineBeforeStart,
                    &pointer,
                    format!(
                        "the baseline window is empty: {} is before {}",
                        r.end, r.start
                    ),
                )
                .help("the baseline's `end` must not be before its `start`")
                .goal(goal);
            ctx.emit(f);
            return;
        }
        Ok(r) => r,
        Err(PeriodError(message)) => {
            let f = ctx
                .finding(RuleId::DeadlineBeforeStart, &pointer, message)
                .goal(goal);
            ctx.emit(f.help("use a period that exists on the calendar"));
            return;
        }
    };
    let Some(judged) = judged else { return };
    let base = range.days();
    let differs = (base - judged).abs() as f64 > 0.1 * judged.max(base) as f64;
    if metric.aggregate == Aggregate::Sum && differs {
        let f = ctx
            .finding(RuleId::BaselineLength, &pointer, format!("the baseline covers {base} days, the goal {judged}"))
            .help(format!("totals over windows of different length do not compare: use a baseline of about {judged} days"))
            .goal(goal);
        ctx.emit(f);
    }
}

fn relevance(ctx: &mut Context, i: usize, goal: &Goal) {
    let metric = goal
        .metric
        .as_ref()
        .and_then(|m| ctx.catalog.get(m.as_str()))
        .cloned();
    if let Some(metric) = metric.filter(|m| m.vanity)
        && goal.why.is_none()
    {
        let instead = metric.instead.as_deref().unwrap_or("a rate or an outcome");
        let f = ctx
            .finding(
                RuleId::VanityMetric,
                &goal_pointer(i, "metric"),
                format!("`{}` is a vanity metric", metric.id),
            )
            .label("easy to inflate, weakly tied to outcomes")
            .help(format!(
                "watch {} instead, or say why it matters here with `why:`",
                backtick_ids(ctx, instead)
            ))
            .goal(goal);
        ctx.emit(f);
    }
    if goal.objective.is_none() {
        let f = ctx
            .finding(
                RuleId::NoObjective,
                &goal_pointer(i, "id"),
                format!("goal `{}` serves no objective", goal.id),
            )
            .help("link it to a business objective with `objective:` (the R of SMART)")
            .goal(goal);
        ctx.emit(f);
    }
    if goal.owner.is_none() {
        let f = ctx
            .finding(
                RuleId::NoOwner,
                &goal_pointer(i, "id"),
                format!("goal `{}` names no owner", goal.id),
            )
            .help("add `owner: \"@team\"`: someone answers for every goal")
            .goal(goal);
        ctx.emit(f);
    }
}

/// Puts backticks around the metric ids in a phrase like "shares and comments".
fn backtick_ids(ctx: &Context, text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if ctx.catalog.get(w).is_some() {
                format!("`{w}`")
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
