//! Late data (`settles:` on a source): platforms keep revising their newest days — GA4 for about
//! three days, Meta within its look-back — so a source may say how long a day takes to settle.
//! The source's newest days within that span are provisional: they count in the goal's actual,
//! while the status and the pace are worked out as of the last settled day, and the report says
//! which days are provisional (docs/evaluation.md, "Late data").

use crate::data::{Day, LoadedSource, day_date};

/// The provisional days a goal reads, and the sources that make them so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisional {
    /// The first provisional day: the day after the last settled one.
    pub first: Day,
    /// The last: the newest data day, or the as-of date when that is earlier.
    pub last: Day,
    /// `(source id, settles: days)` of each source whose newest days these are.
    pub sources: Vec<(String, u32)>,
}

impl Provisional {
    /// The provisional days among `sources` (those a goal reads), as of `as_of`: each settling
    /// source's newest `settles:` days, from the earliest such day to the newest data day
    /// `data_end`. `None` when no source settles, or its unsettled days come after `as_of`.
    pub fn of(sources: &[&LoadedSource], data_end: Option<Day>, as_of: Day) -> Option<Self> {
        let last = data_end?.min(as_of);
        let mut first = None::<Day>;
        let mut named = Vec::new();
        for source in sources {
            let (Some(days), Some((_, newest))) = (source.settles, source.table.day_range) else {
                continue;
            };
            let from = newest.saturating_sub(Day::try_from(days).unwrap_or(Day::MAX) - 1);
            if from <= last {
                first = Some(first.map_or(from, |f| f.min(from)));
                named.push((source.id.clone(), days));
            }
        }
        let first = first?;
        Some(Provisional {
            first,
            last,
            sources: named,
        })
    }

    /// The last settled day.
    pub fn settled_end(&self) -> Day {
        self.first - 1
    }

    /// What the report says: which days are provisional, why, and what the status used.
    pub fn note(&self) -> String {
        let why: Vec<String> = self
            .sources
            .iter()
            .map(|(id, days)| format!("`settles: {days}d` on source `{id}`"))
            .collect();
        let days = if self.first == self.last {
            day_date(self.first).to_string()
        } else {
            format!("{} … {}", day_date(self.first), day_date(self.last))
        };
        format!(
            "{days} provisional ({}): counted in the actual; the status and the pace use the data through {}",
            why.join(", "),
            day_date(self.settled_end())
        )
    }
}
