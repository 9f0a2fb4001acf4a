//! The judged fields of one goal, compared between two versions in their normal forms
//! (`fields`): what is measured, when, over which scope, and what is at stake.

use std::collections::{BTreeSet, HashMap};

use super::fields::{self, MetricDefinition, Scope, Units};
use super::load::Side;
use super::target::{self, TargetSide};
use super::{ChangeKind, Effect};
use crate::catalog::{Aggregate, Metric};
use crate::resolve::{FileSettings, defaults};
use crate::spec::model::{Goal, Pass, Severity, Target};
use crate::spec::time::{GoalWindow, goal_window};

/// One goal in one version, with what the version's catalog says about its metric.
pub(super) struct GoalAt<'a> {
    /// The goal.
    pub goal: &'a Goal,
    /// Its index in the file's `goals:`.
    pub index: usize,
    metric: Option<&'a Metric>,
    window: GoalWindow,
    /// How its numbers are shown.
    pub units: Units,
    /// How it is paced, `defaults.pace` applied.
    pace: crate::vocab::Pace,
}

impl<'a> GoalAt<'a> {
    /// Every goal of `side`, in file order.
    pub fn all(side: &'a Side) -> Vec<GoalAt<'a>> {
        let settings = FileSettings::of(&side.parsed.model);
        side.parsed
            .model
            .goals
            .iter()
            .enumerate()
            .map(|(index, goal)| {
                let metric = goal
                    .metric
                    .as_ref()
                    .and_then(|m| side.catalog.get(m.as_str()));
                GoalAt {
                    goal,
                    index,
                    metric,
                    window: goal_window(goal).unwrap_or_default(),
                    units: Units::of(metric, &settings.currency),
                    pace: goal.pace.unwrap_or(settings.pace),
                }
            })
            .collect()
    }

    /// The goal's id.
    pub fn id(&self) -> &'a str {
        self.goal.id.as_str()
    }
}

/// A change to one goal before it is placed: what changed and the values before and after.
pub(super) struct Delta {
    /// What changed.
    pub kind: ChangeKind,
    /// Looser, tighter or neither.
    pub effect: Effect,
    /// The old value as text.
    pub before: Option<String>,
    /// The new value as text.
    pub after: Option<String>,
}

impl Delta {
    /// A change with both values.
    pub fn new(kind: ChangeKind, effect: Effect, before: String, after: String) -> Delta {
        Delta {
            kind,
            effect,
            before: Some(before),
            after: Some(after),
        }
    }
}

/// Every judged difference between two versions of one goal; `renames` maps base ids to head
/// ids, so that a composite whose member was renamed has not changed.
pub(super) fn goal_deltas(b: &GoalAt, h: &GoalAt, renames: &HashMap<&str, &str>) -> Vec<Delta> {
    let mut out = Vec::new();
    what_deltas(b, h, &mut out);
    when_deltas(b, h, &mut out);
    scope_deltas(b.goal, h.goal, &mut out);
    stake_deltas(b.goal, h.goal, renames, &mut out);
    // Seasonal or weekday pacing moves the line a goal is judged against; whether that is
    // easier depends on the data.
    if h.goal.all_of.is_none() {
        neutral(
            &mut out,
            ChangeKind::PaceChanged,
            b.pace,
            h.pace,
            ToString::to_string,
        );
    }
    out
}

/// Pushes a neutral change of `kind` when the normal forms differ.
fn neutral<T: PartialEq>(
    out: &mut Vec<Delta>,
    kind: ChangeKind,
    a: T,
    b: T,
    show: impl Fn(&T) -> String,
) {
    if a != b {
        out.push(Delta::new(kind, Effect::Neutral, show(&a), show(&b)));
    }
}

/// Metric, its definition, baseline and target.
fn what_deltas(b: &GoalAt, h: &GoalAt, out: &mut Vec<Delta>) {
    let (gb, gh) = (b.goal, h.goal);
    let same_metric = gb.metric == gh.metric;
    let id = |g: &Goal| g.metric.as_ref().map_or("none".into(), |m| m.to_string());
    neutral(
        out,
        ChangeKind::MetricChanged,
        id(gb),
        id(gh),
        String::clone,
    );
    if same_metric && let (Some(mb), Some(mh)) = (b.metric, h.metric) {
        let show = MetricDefinition::text;
        neutral(
            out,
            ChangeKind::MetricRedefined,
            MetricDefinition::of(mb),
            MetricDefinition::of(mh),
            show,
        );
    }
    let (bl_b, bl_h) = (fields::baseline(gb), fields::baseline(gh));
    if bl_b != bl_h {
        let (before, after) = (
            fields::baseline_text(gb, &b.units),
            fields::baseline_text(gh, &h.units),
        );
        out.push(Delta::new(
            ChangeKind::BaselineChanged,
            Effect::Neutral,
            before,
            after,
        ));
    }
    let better = h.metric.and_then(|m| m.better);
    let (tb, th) = (TargetSide::of(gb), TargetSide::of(gh));
    if let Some((kind, effect)) = target::compare(tb, th, better, same_metric) {
        let before = fields::target_text(gb.target.as_ref(), bl_b, &b.units);
        let after = fields::target_text(gh.target.as_ref(), bl_h, &h.units);
        out.push(Delta::new(kind, effect, before, after));
    }
}

/// Deadline, start, recurrence and rolling window.
fn when_deltas(b: &GoalAt, h: &GoalAt, out: &mut Vec<Delta>) {
    let date =
        |d: Option<jiff::civil::Date>, none: &str| d.map_or(none.to_string(), |d| d.to_string());
    let (d1, d2) = (b.window.deadline, h.window.deadline);
    if d1 != d2 {
        let (kind, effect) = match (d1, d2) {
            (Some(x), Some(y)) if y > x => {
                (ChangeKind::DeadlinePostponed, deadline_effect(h, true))
            }
            (Some(_), Some(_)) => (ChangeKind::DeadlineAdvanced, deadline_effect(h, false)),
            _ => (ChangeKind::DeadlineChanged, Effect::Neutral),
        };
        let none = "none (a standing goal)";
        out.push(Delta::new(kind, effect, date(d1, none), date(d2, none)));
    }
    let none = "none (the first data date)";
    neutral(
        out,
        ChangeKind::StartMoved,
        b.window.start,
        h.window.start,
        |d| date(*d, none),
    );
    let (gb, gh) = (b.goal, h.goal);
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
    let every = |g: &Goal| g.every.as_ref().map(fields::name);
    neutral(out, ChangeKind::EveryChanged, every(gb), every(gh), opt);
    let pass = |g: &Goal| g.pass.unwrap_or(Pass::Current);
    let (p1, p2) = (pass(gb), pass(gh));
    if p1 != p2 {
        // `pass: all` fails the goal on any missed bucket; `current` forgives the past ones.
        let effect = Effect::looser_if(p2 == Pass::Current);
        out.push(Delta::new(
            ChangeKind::PassChanged,
            effect,
            fields::name(&p1),
            fields::name(&p2),
        ));
    }
    let rolling = |g: &Goal| g.rolling.map(|d| format!("{}d", d.0));
    neutral(
        out,
        ChangeKind::RollingChanged,
        rolling(gb),
        rolling(gh),
        opt,
    );
}

/// A later deadline leaves more time, which loosens most goals. It does not on a rolling or
/// recurring goal (the target applies to each window, whatever the deadline), and it tightens a
/// capped total (spend ≤ 5,000 over the window): more days add to the total.
fn deadline_effect(h: &GoalAt, later: bool) -> Effect {
    let g = h.goal;
    if g.rolling.is_some() || g.every.is_some() {
        return Effect::Neutral;
    }
    let capped_sum = h.metric.is_some_and(|m| m.aggregate == Aggregate::Sum)
        && matches!(g.target, Some(Target::AtMost(_) | Target::Decrease(_)));
    Effect::looser_if(later != capped_sum)
}

/// Platforms, accounts and `where:` filter.
fn scope_deltas(gb: &Goal, gh: &Goal, out: &mut Vec<Delta>) {
    neutral(
        out,
        ChangeKind::PlatformsChanged,
        Scope::platforms(gb),
        Scope::platforms(gh),
        Scope::text,
    );
    neutral(
        out,
        ChangeKind::AccountsChanged,
        Scope::accounts(gb),
        Scope::accounts(gh),
        Scope::text,
    );
    neutral(
        out,
        ChangeKind::FilterChanged,
        fields::filter(gb),
        fields::filter(gh),
        fields::filter_text,
    );
}

/// Objective, severity and composite members.
fn stake_deltas(gb: &Goal, gh: &Goal, renames: &HashMap<&str, &str>, out: &mut Vec<Delta>) {
    let objective = |g: &Goal| {
        g.objective
            .as_ref()
            .map_or("none".into(), |o| o.to_string())
    };
    neutral(
        out,
        ChangeKind::ObjectiveChanged,
        objective(gb),
        objective(gh),
        String::clone,
    );
    let severity = |g: &Goal| g.severity.unwrap_or(Severity::Error);
    let (s1, s2) = (severity(gb), severity(gh));
    if s1 != s2 {
        // A `warn` goal is reported but never fails CI.
        let effect = Effect::looser_if(s2 == Severity::Warn);
        out.push(Delta::new(
            ChangeKind::SeverityChanged,
            effect,
            fields::name(&s1),
            fields::name(&s2),
        ));
    }
    let (t1, t2) = (gb.tolerance.map(|t| t.value), gh.tolerance.map(|t| t.value));
    let same = match (t1, t2) {
        (Some(a), Some(b)) => fields::same_number(a, b),
        (a, b) => a.is_none() && b.is_none(),
    };
    if !same {
        // A wider at-risk band turns off-track goals into at-risk ones. Against the file's
        // default (one side without its own tolerance) the direction depends on that default.
        let effect = match (t1, t2) {
            (Some(a), Some(b)) => Effect::looser_if(b > a),
            _ => Effect::Neutral,
        };
        let text = |g: &Goal| fields::quantity_text(g.tolerance.as_ref(), "defaults.tolerance");
        out.push(Delta::new(
            ChangeKind::ToleranceChanged,
            effect,
            text(gb),
            text(gh),
        ));
    }
    // Whether a trend or today's level is the easier forecast depends on the data.
    let projection = |g: &Goal| g.projection.unwrap_or(defaults::PROJECTION);
    neutral(
        out,
        ChangeKind::ProjectionChanged,
        projection(gb),
        projection(gh),
        ToString::to_string,
    );
    let members = |g: &Goal| -> Option<Vec<String>> {
        let ids = g.all_of.as_ref()?;
        Some(ids.iter().map(ToString::to_string).collect())
    };
    // Base members under their head ids, so that renaming a member changes no composite.
    let renamed = members(gb).map(|ids| {
        ids.into_iter()
            .map(|id| {
                renames
                    .get(id.as_str())
                    .map_or(id.clone(), |h| h.to_string())
            })
            .collect()
    });
    if let Some(delta) = members_delta(renamed, members(gh)) {
        out.push(delta);
    }
}

/// Fewer members is fewer conditions to meet (looser); more is tighter; a swap is neither.
fn members_delta(before: Option<Vec<String>>, after: Option<Vec<String>>) -> Option<Delta> {
    let set =
        |m: &Option<Vec<String>>| -> BTreeSet<String> { m.iter().flatten().cloned().collect() };
    let (s1, s2) = (set(&before), set(&after));
    if s1 == s2 && before.is_some() == after.is_some() {
        return None;
    }
    let effect = if before.is_none() || after.is_none() {
        Effect::Neutral
    } else if s2.is_subset(&s1) {
        Effect::Loosened
    } else if s2.is_superset(&s1) {
        Effect::Tightened
    } else {
        Effect::Neutral
    };
    let text = |m: Option<Vec<String>>| m.map_or("none".into(), |m| m.join(", "));
    Some(Delta::new(
        ChangeKind::MembersChanged,
        effect,
        text(before),
        text(after),
    ))
}
