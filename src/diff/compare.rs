//! Goal-by-goal comparison of two versions of a goal file: goals are matched by id, unmatched
//! ones that are otherwise identical are paired as renamed, and every matched pair is compared
//! field by field (`goal`).

use std::collections::{BTreeSet, HashMap};

use super::fields;
use super::goal::{Delta, GoalAt, goal_deltas};
use super::load::Side;
use super::settings::file_changes;
use super::{Change, ChangeKind, Effect, Position, Reason, ReasonKey, sort};
use crate::lint::goal_pointer;

/// Every change from `base` to `head`, loosened first (see [`super::Effect`]). Without a base
/// (the file is new at the head), every goal is added.
pub fn compare(base: Option<&Side>, head: &Side) -> Vec<Change> {
    let head_goals = GoalAt::all(head);
    let base_goals = base.map(GoalAt::all).unwrap_or_default();
    let base_by_id: HashMap<&str, &GoalAt> = base_goals.iter().map(|g| (g.id(), g)).collect();
    let head_ids: BTreeSet<&str> = head_goals.iter().map(GoalAt::id).collect();
    let gone: Vec<&GoalAt> = base_goals
        .iter()
        .filter(|g| !head_ids.contains(g.id()))
        .collect();
    let new: Vec<&GoalAt> = head_goals
        .iter()
        .filter(|g| !base_by_id.contains_key(g.id()))
        .collect();
    let renames = pair_renames(&gone, &new);

    let mut out: Vec<(Position, Change)> = Vec::new();
    if let Some(base) = base {
        out.extend(file_changes(base, head));
    }
    for h in &head_goals {
        let place = |delta: Delta| (Position::Head(h.index), goal_change(head, h, delta));
        if let Some(b) = base_by_id.get(h.id()) {
            let reason = stated_reason(b, h);
            out.extend(goal_deltas(b, h, &renames).into_iter().map(|delta| {
                let mut placed = place(delta);
                placed.1.explain(reason.as_ref());
                placed
            }));
        } else if let Some(old) = renames.iter().find(|(_, new)| **new == h.id()) {
            let mut change = goal_change(head, h, renamed(old.0, h.id()));
            change.previous_id = Some(old.0.to_string());
            out.push((Position::Head(h.index), change));
        } else {
            out.push(place(added(h)));
        }
    }
    for b in gone.iter().filter(|b| !renames.contains_key(b.id())) {
        if let Some(base) = base {
            // A removed goal has no head version to say why in: the pull request must.
            let mut change = goal_change(base, b, removed(b));
            change.explain(None);
            out.push((Position::Base(b.index), change));
        }
    }
    // A file-wide setting has no goal to say why in either.
    for (_, change) in &mut out {
        if change.id.is_none() {
            change.explain(None);
        }
    }
    sort(&mut out);
    out.into_iter().map(|(_, c)| c).collect()
}

/// Pairs each gone goal with the first new goal (in head order) that differs from it in
/// nothing judged (`goal_deltas`).
fn pair_renames<'a>(gone: &[&GoalAt<'a>], new: &[&GoalAt<'a>]) -> HashMap<&'a str, &'a str> {
    pair_twins(
        gone,
        new,
        |g| (g.id(), g.goal.all_of.is_some()),
        |b, h, pairs| goal_deltas(b, h, pairs).is_empty(),
    )
}

/// How renamed goals are found, shared by `diff` (goal files) and `check --since` (two reports):
/// each gone goal is paired with the first new goal, in order, that `twins` says differs from
/// it in nothing judged; a goal is paired at most once. `key` gives a goal's id and whether it
/// is a composite: composites are paired last, so that one whose members were renamed with it
/// compares through the members' new ids (`twins` receives the pairs found so far, old id →
/// new id).
pub fn pair_twins<'a, G>(
    gone: &[G],
    new: &[G],
    key: impl Fn(&G) -> (&'a str, bool),
    twins: impl Fn(&G, &G, &HashMap<&'a str, &'a str>) -> bool,
) -> HashMap<&'a str, &'a str> {
    let mut pairs = HashMap::new();
    let mut taken = BTreeSet::new();
    let mut order: Vec<&G> = gone.iter().collect();
    order.sort_by_key(|g| key(g).1);
    for b in order {
        let twin = new
            .iter()
            .enumerate()
            .find(|(i, h)| !taken.contains(i) && twins(b, h, &pairs));
        if let Some((i, h)) = twin {
            taken.insert(i);
            pairs.insert(key(b).0, key(h).0);
        }
    }
    pairs
}

/// The reason the head version of a goal gives for changing it: its `why:` (else its
/// `notes:`) when that is present and differs from the base version's, blanks aside.
fn stated_reason(b: &GoalAt, h: &GoalAt) -> Option<Reason> {
    let words = |text: &Option<String>| -> Option<String> {
        let joined = text
            .as_deref()?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!joined.is_empty()).then_some(joined)
    };
    let changed = |key: ReasonKey, before: &Option<String>, after: &Option<String>| {
        let text = words(after)?;
        (words(before).as_ref() != Some(&text)).then_some(Reason { key, text })
    };
    changed(ReasonKey::Why, &b.goal.why, &h.goal.why)
        .or_else(|| changed(ReasonKey::Notes, &b.goal.notes, &h.goal.notes))
}

fn goal_change(side: &Side, g: &GoalAt, delta: Delta) -> Change {
    Change::from_delta(
        Some(g.id().to_string()),
        g.goal.title.clone().unwrap_or_else(|| g.id().to_string()),
        delta,
        side.display().to_string(),
        side.line(&goal_pointer(g.index, "")),
    )
}

fn added(h: &GoalAt) -> Delta {
    Delta {
        kind: ChangeKind::Added,
        effect: Effect::Neutral,
        before: None,
        after: Some(fields::summary_text(h.goal, &h.units)),
    }
}

/// A removed goal is no longer judged at all: the loosest change there is (SPEC §7).
fn removed(b: &GoalAt) -> Delta {
    Delta {
        kind: ChangeKind::Removed,
        effect: Effect::Loosened,
        before: Some(fields::summary_text(b.goal, &b.units)),
        after: None,
    }
}

fn renamed(old: &str, new: &str) -> Delta {
    Delta::new(ChangeKind::Renamed, Effect::Neutral, old.into(), new.into())
}
