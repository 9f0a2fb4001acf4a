//! The verdicts: each goal's final status (a composite takes its worst member's) and whether it
//! fails the check.

use super::Outcome;
use crate::spec::model::{Goal, GoalFile, Severity};
use crate::vocab::Status;

/// Every goal's status and failing verdict, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdicts {
    /// Each goal's status.
    pub statuses: Vec<Status>,
    /// Whether each goal fails the check: its status fails under `fail_on`
    /// ([`Status::fails_under`]: a listed status and every worse one on the progress scale) and
    /// its severity is not `warn`.
    pub failing: Vec<bool>,
}

impl Verdicts {
    /// Whether any goal fails.
    #[must_use]
    pub fn fails(&self) -> bool {
        self.failing.iter().any(|f| *f)
    }
}

/// The verdicts of `model`'s goals, given their outcomes (`None` for composites).
#[must_use]
pub fn verdicts(model: &GoalFile, outcomes: &[Option<Outcome>], fail_on: &[Status]) -> Verdicts {
    let statuses = statuses(&model.goals, outcomes);
    let failing = model
        .goals
        .iter()
        .zip(&statuses)
        .map(|(goal, status)| status.fails_under(fail_on) && goal.severity != Some(Severity::Warn))
        .collect();
    Verdicts { statuses, failing }
}

/// Each goal's status; a composite takes its worst member's (members first, recursively).
fn statuses(goals: &[Goal], outcomes: &[Option<Outcome>]) -> Vec<Status> {
    fn status_of(i: usize, goals: &[Goal], outcomes: &[Option<Outcome>], depth: usize) -> Status {
        if let Some(o) = &outcomes[i] {
            return o.judgement.status;
        }
        let Some(members) = &goals[i].all_of else {
            return Status::NoData;
        };
        if depth > goals.len() {
            return Status::NoData;
        }
        members
            .iter()
            .filter_map(|id| goals.iter().position(|g| g.id == *id))
            .map(|m| status_of(m, goals, outcomes, depth + 1))
            .min_by_key(|s| s.rank())
            .unwrap_or(Status::NoData)
    }
    (0..goals.len())
        .map(|i| status_of(i, goals, outcomes, 0))
        .collect()
}
