//! The days the goals read, so that a query source fetches only those days' sums
//! (docs/sql.md, "What is pushed down").

use jiff::civil::Date as CivilDate;

use crate::catalog::{Aggregate, Catalog};
use crate::data::{Day, Needs, day_number};
use crate::spec::ParsedFile;
use crate::spec::model::Baseline;
use crate::spec::time::{GoalWindow, period_range};

/// The first and last day any goal's evaluation reads: every judged window (rolling ones as of
/// `as_of`; buckets lie inside their window) and every baseline window. The first is
/// `Day::MIN` when some goal reads before its window: an open window starts at the first data
/// date, and a `delta` metric's change counts from the last value before the window. `None`
/// when some goal's window is unknown, or no goal has one.
pub fn days_read(
    parsed: &ParsedFile,
    catalog: &Catalog,
    needs: &Needs,
    windows: &[Option<GoalWindow>],
    as_of: CivilDate,
) -> Option<(Day, Day)> {
    let as_of = day_number(as_of);
    let mut read: Option<(Day, Day)> = None;
    let mut add = |a: Day, b: Day| {
        read = Some(read.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    };
    for (index, goal) in parsed.model.goals.iter().enumerate() {
        if goal.metric.is_none() {
            continue;
        }
        let window = windows.get(index).copied().flatten()?;
        let deadline = window.deadline.map(day_number);
        if let Some(days) = goal.rolling {
            let end = deadline.map_or(as_of, |d| d.min(as_of));
            let days = Day::try_from(days.0).unwrap_or(Day::MAX);
            add(end.saturating_sub(days).saturating_add(1), end);
        } else {
            let end = deadline?;
            add(window.start.map_or(Day::MIN, day_number), end);
        }
        match &goal.baseline {
            Some(Baseline::Period(p)) => {
                let r = period_range(&p.period).ok()?;
                add(day_number(r.start), day_number(r.end));
            }
            Some(Baseline::Range(r)) => add(day_number(r.start.0), day_number(r.end.0)),
            _ => {}
        }
    }
    let history = needs.metrics.iter().any(|m| {
        catalog
            .get(m)
            .is_some_and(|d| d.aggregate == Aggregate::Delta)
    });
    read.map(|(a, b)| (if history { Day::MIN } else { a }, b))
}
