//! Rules about a goal's target: units of its literals, its baseline, and whether it is
//! achievable and worth achieving.

use super::{Context, goal_pointer};
use crate::catalog::{Better, Metric, Unit};
use crate::rules::RuleId;
use crate::spec::model::{Baseline, Goal, Target};
use crate::spec::scalars::{Quantity, QuantityKind, format_number, format_rounded};

/// A target more than this many times the baseline (or less than its inverse) gets
/// `ambitious-target`.
const AMBITIOUS_FACTOR: f64 = 3.0;

pub(super) fn check(ctx: &mut Context, index: usize, goal: &Goal) {
    let (Some(target), Some(metric)) = (&goal.target, goal.metric.as_ref()) else {
        return;
    };
    let Some(metric) = ctx.catalog.get(metric.as_str()).cloned() else {
        return;
    };
    let relative = matches!(target, Target::Increase(_) | Target::Decrease(_));
    if let Some((suffix, q)) = baseline_literal(goal) {
        let pointer = format!("{}{suffix}", goal_pointer(index, "baseline"));
        literal_units(ctx, &pointer, goal, &metric, q, false);
    }
    for (suffix, q) in target.literals() {
        literal_units(
            ctx,
            &format!("{}{suffix}", goal_pointer(index, "target")),
            goal,
            &metric,
            q,
            relative,
        );
    }
    if let Target::Between([lo, hi]) = target
        && lo.value > hi.value
    {
        let f = ctx
            .finding(
                RuleId::GoalShape,
                &goal_pointer(index, "target/between"),
                format!(
                    "the band is empty: {} is above {}",
                    lo.display(),
                    hi.display()
                ),
            )
            .help("write the band low first: `between: [L, H]`")
            .goal(goal);
        ctx.emit(f);
    }
    if relative && goal.baseline.is_none() {
        let f = ctx
            .finding(
                RuleId::MissingBaseline,
                &goal_pointer(index, "target"),
                format!("`{}` needs a baseline to change from", target.key()),
            )
            .at(ctx.key_span(&goal_pointer(index, "target")))
            .help("add `baseline: {period: 2026-Q4}` (computed from the data) or `baseline: 12000`")
            .goal(goal);
        ctx.emit(f);
    }
    direction(ctx, index, goal, &metric, target);
    ambition(ctx, index, goal, target);
}

fn literal_units(
    ctx: &mut Context,
    pointer: &str,
    goal: &Goal,
    metric: &Metric,
    q: Quantity,
    relative: bool,
) {
    let percent_metric = metric.unit == Unit::Percent;
    let unit = unit_name(metric.unit);
    let (rule, message, help) = match q.kind {
        QuantityKind::Points if !relative => (
            RuleId::UnitMismatch,
            format!(
                "`{}`: percentage points only make sense in `increase` or `decrease`",
                q.display()
            ),
            format!(
                "write the level as a percent: `\"{}%\"`",
                format_number(q.value * 100.0)
            ),
        ),
        QuantityKind::Points if !percent_metric => (
            RuleId::UnitMismatch,
            format!(
                "`{}` is in percentage points, but `{}` is {unit}",
                q.display(),
                metric.id
            ),
            "use a number, or a percent for relative change (`increase: 20%`)".to_string(),
        ),
        QuantityKind::Percent if !relative && !percent_metric => (
            RuleId::UnitMismatch,
            format!(
                "`{}` is a percent, but `{}` is {unit}",
                q.display(),
                metric.id
            ),
            format!(
                "write a number in the metric's unit, or `increase: {}` for relative growth",
                q.display()
            ),
        ),
        QuantityKind::Number if percent_metric && q.value.abs() > 1.0 => (
            RuleId::RatioAsNumber,
            format!(
                "`{}` on percent metric `{}` means {}%",
                q.display(),
                metric.id,
                format_number(q.value * 100.0)
            ),
            if relative {
                format!(
                    "percent metrics are fractions: write `\"{0}pp\"` for percentage points, or `\"{0}%\"` for relative change",
                    q.display()
                )
            } else {
                format!(
                    "percent metrics are fractions: write `\"{}%\"` if that is what you meant",
                    q.display()
                )
            },
        ),
        _ => return,
    };
    let f = ctx.finding(rule, pointer, message).help(help).goal(goal);
    ctx.emit(f);
}

fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "a count",
        Unit::Percent => "a percent",
        Unit::Factor => "a factor",
        Unit::Currency => "an amount of money",
        Unit::Duration => "a duration",
        Unit::Rating => "a rating",
    }
}

/// +1 when the target pushes the metric up, −1 down, 0 for a band.
fn push(target: &Target) -> i8 {
    let sign = |q: &Quantity| if q.value < 0.0 { -1 } else { 1 };
    match target {
        Target::AtLeast(_) => 1,
        Target::Increase(q) => sign(q),
        Target::AtMost(_) => -1,
        Target::Decrease(q) => -sign(q),
        Target::Between(_) => 0,
    }
}

fn direction(ctx: &mut Context, index: usize, goal: &Goal, metric: &Metric, target: &Target) {
    let worse = match (metric.better, push(target)) {
        (Some(Better::Higher), -1) => "lower",
        (Some(Better::Lower), 1) => "higher",
        _ => return,
    };
    let f = ctx
        .finding(
            RuleId::DirectionConflict,
            &goal_pointer(index, "target"),
            format!(
                "the target pushes `{}` {worse}, its worse direction",
                metric.id
            ),
        )
        .at(ctx.key_span(&format!(
            "{}/{}",
            goal_pointer(index, "target"),
            target.key()
        )))
        .help(format!(
            "{} is better for `{}`: check the target's direction",
            if worse == "lower" { "higher" } else { "lower" },
            metric.id
        ))
        .goal(goal);
    ctx.emit(f);
}

/// The baseline literal and its pointer suffix below `baseline`, when the file states one.
fn baseline_literal(goal: &Goal) -> Option<(&'static str, Quantity)> {
    match goal.baseline.as_ref()? {
        Baseline::Number(q) => Some(("", *q)),
        Baseline::Value(v) => Some(("/value", v.value)),
        _ => None,
    }
}

/// The baseline as a number, when the goal file states it (data baselines come later).
fn baseline_value(goal: &Goal) -> Option<f64> {
    match goal.baseline.as_ref()? {
        Baseline::Number(q) => Some(q.value),
        Baseline::Value(v) => Some(v.value.value),
        _ => None,
    }
}

/// `trivial-target` or `ambitious-target` for a baseline `base` and the met band `[lo, hi]`:
/// the rule, the message and the help line. Shared by `validate` (numeric baselines) and
/// `check` (baselines computed from data).
pub fn ambition_finding(base: f64, lo: f64, hi: f64) -> Option<(RuleId, String, &'static str)> {
    // A baseline computed from data is a long fraction (0.366096866); a message shows it short.
    let b = format_rounded(base);
    if lo <= base && base <= hi {
        Some((
            RuleId::TrivialTarget,
            format!("the baseline {b} already meets the target"),
            "a goal the baseline meets asks for nothing: raise the bar, or drop the goal",
        ))
    } else if base > 0.0 && (lo > AMBITIOUS_FACTOR * base || hi < base / AMBITIOUS_FACTOR) {
        let level = if lo.is_finite() { lo } else { hi };
        Some((
            RuleId::AmbitiousTarget,
            format!(
                "the target {} is more than {AMBITIOUS_FACTOR}× away from the baseline {b}",
                format_rounded(level)
            ),
            "an unreachable goal is ignored: set a step you can plan for, or `allow: [ambitious-target]` if the leap is deliberate",
        ))
    } else {
        None
    }
}

fn ambition(ctx: &mut Context, index: usize, goal: &Goal, target: &Target) {
    let Some(base) = baseline_value(goal) else {
        return;
    };
    let relative_percent = matches!(target,
        Target::Increase(q) | Target::Decrease(q) if q.kind == QuantityKind::Percent);
    if relative_percent && base == 0.0 {
        let f = ctx
            .finding(
                RuleId::MissingBaseline,
                &goal_pointer(index, "baseline"),
                "a relative target over a baseline of 0 asks for nothing",
            )
            .help("a percentage of nothing is nothing: use an absolute target such as `at_least: 500`")
            .goal(goal);
        ctx.emit(f);
        return;
    }
    let Some((lo, hi)) = target.band(Some(base)) else {
        return;
    };
    let pointer = goal_pointer(index, "target");
    let Some((rule, message, help)) = ambition_finding(base, lo, hi) else {
        return;
    };
    let finding = ctx.finding(rule, &pointer, message).help(help);
    let f = finding.at(ctx.key_span(&pointer)).goal(goal);
    ctx.emit(f);
}
