//! The rules that need the data, run by `check` after the evaluation: `stale`, `incomplete`,
//! `small-sample`, and the data half of `trivial-target`/`ambitious-target` (a baseline computed
//! from data). `validate` reads no data, so these never fire there.

use super::{Levels, ambition_finding, goal_pointer};
use crate::data::{day_date, day_number};
use crate::diag::{Diagnostic, Level};
use crate::eval::{Outcome, Settings};
use crate::rules::RuleId;
use crate::spec::ParsedFile;
use crate::spec::model::Goal;
use crate::spec::scalars::format_number;
use crate::vocab::Status;

/// Every data finding of every judged goal, in file order.
#[must_use]
pub fn data_findings(
    parsed: &ParsedFile,
    levels: &Levels,
    settings: &Settings,
    outcomes: &[Option<Outcome>],
) -> Vec<Diagnostic> {
    let goals = &parsed.model.goals;
    outcomes
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.as_ref().filter(|o| o.judged).map(|o| (i, o)))
        .flat_map(|(index, outcome)| {
            let goal = &goals[index];
            let mut emit = Emitter {
                parsed,
                levels,
                index,
                goal,
                out: Vec::new(),
            };
            goal_findings(&mut emit, settings, outcome);
            emit.out
        })
        .collect()
}

/// Findings of one goal, reported at its `id` (or its `target`) with its `allow:` applied.
struct Emitter<'a> {
    parsed: &'a ParsedFile,
    levels: &'a Levels,
    index: usize,
    goal: &'a Goal,
    out: Vec<Diagnostic>,
}

impl Emitter<'_> {
    fn emit(&mut self, field: &str, rule: RuleId, message: String, help: &str) {
        let level = self.levels.level(rule, &self.goal.allow);
        if level == Level::Off {
            return;
        }
        let spans = &self.parsed.spans;
        let span = spans
            .value(&goal_pointer(self.index, field))
            .or_else(|| spans.value(&goal_pointer(self.index, "")));
        self.out.push(
            Diagnostic::new(rule, &self.parsed.source.display, message)
                .level(level)
                .at(span)
                .help(help)
                .goal(Some(self.goal.id.as_str())),
        );
    }
}

fn goal_findings(emit: &mut Emitter, settings: &Settings, outcome: &Outcome) {
    // A baseline computed from data: the data-dependent half of trivial/ambitious-target.
    if let (Some(base), Some(band)) = (outcome.baseline, outcome.band)
        && base.window.is_some()
        && let Some(value) = base.value
        && let Some((rule, message, help)) = ambition_finding(value, band.low, band.high)
    {
        emit.emit("target", rule, message, help);
    }
    if outcome.judgement.status == Status::Pending {
        return;
    }
    let as_of = day_number(settings.as_of);
    if let Some(last) = outcome.data_end {
        let age = as_of - last;
        if i64::from(age) > i64::from(settings.stale_after) {
            emit.emit(
                "id",
                RuleId::Stale,
                format!(
                    "the newest data is from {}, {age} days before {} (stale_after: {}d)",
                    day_date(last),
                    settings.as_of,
                    settings.stale_after
                ),
                "export fresh data, or raise `defaults.stale_after`",
            );
        }
        if let Some(end) = outcome.end
            && emit.goal.rolling.is_none()
            && as_of > end
            && last < end
        {
            emit.emit(
                "id",
                RuleId::Incomplete,
                format!(
                    "the deadline {} passed but the data ends {}; judged on incomplete data",
                    day_date(end),
                    day_date(last)
                ),
                "export the data up to the deadline to settle the goal",
            );
        }
    }
    if let Some(den) = outcome.sample
        && den < settings.min_sample
    {
        let metric = emit.goal.metric.as_ref().map_or("", |m| m.as_str());
        emit.emit(
            "id",
            RuleId::SmallSample,
            format!(
                "`{metric}` rests on a denominator of {} (min_sample: {})",
                format_number(den),
                settings.min_sample
            ),
            "a rate over a small sample swings by chance; widen the window or lower `defaults.min_sample`",
        );
    }
}
