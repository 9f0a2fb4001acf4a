//! Tables without dates (GA4's channel table): a source whose every value covers a range as a
//! whole ([`LoadedSource::span`]). Its values lie on the range's last day, so any other window
//! would count them wrongly, or not at all: a goal that reads such a source is judged only when
//! its window is exactly that range and has ended; any other goal is `no_data` with a reason that
//! says so (docs/evaluation.md, "Tables without dates").

use crate::data::{Day, LoadedSource, day_date};
use crate::spec::model::Goal;

/// Why the goal cannot be judged on the sources it reads, when one of them is a range total
/// and the goal's window `[start, end]` as of `as_of` is not the one it can answer.
pub fn refusal(
    goal: &Goal,
    sources: &[&LoadedSource],
    (start, end): (Day, Day),
    as_of: Day,
) -> Option<String> {
    sources.iter().find_map(|source| {
        let (first, last) = source.span?;
        let covers = format!(
            "source `{}` gives totals for {} … {} as a whole (its table has no date column)",
            source.id,
            day_date(first),
            day_date(last)
        );
        if (start, end) != (first, last) {
            return Some(format!(
                "{covers}: only a goal over exactly that window can read it, and this goal's window is {} … {}",
                day_date(start),
                day_date(end)
            ));
        }
        if goal.every.is_some() || goal.rolling.is_some() {
            let key = if goal.every.is_some() { "every" } else { "rolling" };
            return Some(format!(
                "{covers}: a total for the whole range cannot be split by `{key}:`"
            ));
        }
        (as_of <= end).then(|| {
            format!(
                "{covers}: the window has not ended as of {}, and a total for the whole range cannot be paced day by day",
                day_date(as_of)
            )
        })
    })
}

/// Whether some source the goal reads is a range total: its daily series is no series.
pub fn any(sources: &[&LoadedSource]) -> bool {
    sources.iter().any(|s| s.span.is_some())
}
