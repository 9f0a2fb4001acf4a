//! `goalpost history`: every goal judged as of each date of a range, from one read of the data,
//! as a status timeline. The dates come from [`crate::resolve::history`]; the judging is
//! [`crate::eval::Evaluator::evaluate_at`]; this module turns the outcomes into the
//! [`HistoryDocument`] (`build`) and renders it (`render`: text, JSON, Markdown with a Mermaid
//! chart per goal).

pub mod document;
pub mod render;

use jiff::civil::Date;

use crate::catalog::Catalog;
use crate::data::{DataSet, InputFile};
use crate::eval::{Outcome, verdicts};
use crate::lint::goal_pointer;
use crate::report::build::metric_report;
use crate::resolve::history::HistoryPlan;
use crate::spec::ParsedFile;
use crate::spec::model::Severity;
pub use document::{GoalHistory, HistoryDocument, Point, StatusChange};

/// What the document is built from.
pub struct Timeline<'a> {
    /// The goal file.
    pub parsed: &'a ParsedFile,
    /// Its catalog.
    pub catalog: &'a Catalog,
    /// The data read.
    pub data: &'a DataSet,
    /// The run's plan (dates, settings).
    pub plan: &'a HistoryPlan,
    /// The goal file as an input.
    pub goal_file: InputFile,
}

impl Timeline<'_> {
    /// The document, from each goal's outcomes on each of the plan's dates (`outcomes[goal][date]`,
    /// `None` for composites, as [`crate::eval::Evaluator::evaluate_at`] returns them).
    #[must_use]
    pub fn build(&self, outcomes: Vec<Vec<Option<Outcome>>>) -> HistoryDocument {
        let model = &self.parsed.model;
        let plan = self.plan;
        let by_date = transpose(outcomes, plan.dates.len());
        // A composite's status is its worst member's on the same date: the verdicts of each date.
        let statuses: Vec<Vec<crate::vocab::Status>> = by_date
            .iter()
            .map(|row| verdicts(model, row, &plan.settings.fail_on).statuses)
            .collect();
        let goals = model
            .goals
            .iter()
            .enumerate()
            .map(|(g, goal)| {
                let span = self.parsed.spans.value(&goal_pointer(g, ""));
                let points: Vec<Point> = plan
                    .dates
                    .iter()
                    .enumerate()
                    .map(|(d, date)| point(*date, statuses[d][g], by_date[d][g].as_ref()))
                    .collect();
                let target = by_date
                    .iter()
                    .rev()
                    .find_map(|row| row[g].as_ref()?.band?.target_value());
                GoalHistory {
                    id: goal.id.to_string(),
                    title: goal.title.clone().unwrap_or_else(|| goal.id.to_string()),
                    owner: goal.owner.clone(),
                    severity: goal.severity.unwrap_or(Severity::Error),
                    line: span.as_ref().map_or(1, |s| s.line),
                    column: span.as_ref().map_or(1, |s| s.column),
                    metric: goal
                        .metric
                        .as_ref()
                        .and_then(|m| self.catalog.get(m.as_str()))
                        .map(|m| metric_report(m, &plan.settings.currency)),
                    target,
                    changes: changes(&points),
                    points,
                }
            })
            .collect();
        HistoryDocument {
            schema_version: document::SCHEMA_VERSION,
            tool: crate::report::document::Tool {
                name: "goalpost".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            file: self.parsed.source.display.clone(),
            title: model
                .title
                .clone()
                .unwrap_or_else(|| self.parsed.source.display.clone()),
            timezone: plan.settings.timezone.clone(),
            currency: plan.settings.currency.clone(),
            from: plan.from.to_string(),
            to: plan.to.to_string(),
            every: plan.every,
            dates: plan.dates.iter().map(ToString::to_string).collect(),
            goals,
            inputs: std::iter::once(self.goal_file.clone())
                .chain(self.data.inputs.iter().cloned())
                .collect(),
        }
    }
}

/// `[goal][date]` → `[date][goal]`, moving the outcomes.
fn transpose(outcomes: Vec<Vec<Option<Outcome>>>, dates: usize) -> Vec<Vec<Option<Outcome>>> {
    let goals = outcomes.len();
    let mut by_date: Vec<Vec<Option<Outcome>>> =
        (0..dates).map(|_| Vec::with_capacity(goals)).collect();
    for row in outcomes {
        for (d, outcome) in row.into_iter().enumerate() {
            by_date[d].push(outcome);
        }
    }
    by_date
}

fn point(date: Date, status: crate::vocab::Status, outcome: Option<&Outcome>) -> Point {
    let j = outcome.map(|o| o.judgement);
    Point {
        as_of: date.to_string(),
        status,
        actual: j.and_then(|j| j.actual),
        expected: j.and_then(|j| j.expected),
        projected: j.and_then(|j| j.projected),
        progress: j.and_then(|j| j.progress),
        reason: outcome.and_then(|o| o.reason.clone()),
    }
}

/// The points whose status differs from the point before, the first one included.
fn changes(points: &[Point]) -> Vec<StatusChange> {
    let mut out: Vec<StatusChange> = Vec::new();
    let mut previous = None;
    for p in points {
        if previous != Some(p.status) {
            out.push(StatusChange {
                as_of: p.as_of.clone(),
                from: previous,
                to: p.status,
            });
        }
        previous = Some(p.status);
    }
    out
}
