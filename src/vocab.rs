//! The small closed vocabularies every stage shares: goal statuses, metric units, directions,
//! aggregations and funnel stages.
//!
//! Each enum's names (as written in goal files and the JSON document), labels, icons, order and
//! parser live here and nowhere else: a stage that needs "every status" or "the word for
//! `at_risk`" asks this module instead of listing them again.

use serde::{Deserialize, Serialize};

/// Declares a unit-like enum whose variants have one written name each (the serde name, the
/// name in messages and the one [`parse`](Status::parse) accepts), with `ALL` in declaration
/// order.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name as written in goal files and the JSON document (`snake_case`).
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value named `text` (its [`name`](Self::name)).
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.name() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

vocabulary! {
    /// A goal's status as of a date.
    pub enum Status {
        /// The as-of date is before the start.
        Pending = "pending",
        /// No observed data, or the value is undefined.
        NoData = "no_data",
        /// Met for good.
        Achieved = "achieved",
        /// The projection meets the target.
        OnTrack = "on_track",
        /// The projection misses by no more than the tolerance.
        AtRisk = "at_risk",
        /// The projection misses by more than the tolerance.
        OffTrack = "off_track",
        /// The deadline passed and the target was not met.
        Missed = "missed",
    }
}

/// How a status should look: the colour of its text and the level of its annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Missed or off track (red; a warning annotation).
    Bad,
    /// At risk (yellow; a notice annotation).
    Warning,
    /// On track or achieved (green).
    Good,
    /// Pending or without data (dim).
    Muted,
}

impl Status {
    /// Every status, worst first: the order of reports, summaries and "the worst of".
    pub const WORST_FIRST: [Status; 7] = [
        Status::Missed,
        Status::OffTrack,
        Status::AtRisk,
        Status::NoData,
        Status::Pending,
        Status::OnTrack,
        Status::Achieved,
    ];

    /// The position in [`WORST_FIRST`](Self::WORST_FIRST): 0 is the worst.
    #[must_use]
    pub fn rank(self) -> u8 {
        match self {
            Status::Missed => 0,
            Status::OffTrack => 1,
            Status::AtRisk => 2,
            Status::NoData => 3,
            Status::Pending => 4,
            Status::OnTrack => 5,
            Status::Achieved => 6,
        }
    }

    /// The place on the progress scale, where a worse status is further along: at risk (1) <
    /// off track (2) < missed (3). Statuses without data (`pending`, `no_data`) and the good
    /// ones are not on it.
    #[must_use]
    pub fn progress_step(self) -> Option<u8> {
        match self {
            Status::AtRisk => Some(1),
            Status::OffTrack => Some(2),
            Status::Missed => Some(3),
            Status::Pending | Status::NoData | Status::Achieved | Status::OnTrack => None,
        }
    }

    /// Whether a goal in this status fails under `fail_on`: a listed status fails, and so does
    /// every status further along the progress scale than a listed one (`at_risk` also fails
    /// `off_track` and `missed`: tightening the gate never loosens it).
    #[must_use]
    pub fn fails_under(self, fail_on: &[Status]) -> bool {
        fail_on.contains(&self)
            || self.progress_step().is_some_and(|step| {
                fail_on
                    .iter()
                    .filter_map(|s| s.progress_step())
                    .any(|listed| listed <= step)
            })
    }

    /// The status as words: `on track`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::NoData => "no data",
            Status::Achieved => "achieved",
            Status::OnTrack => "on track",
            Status::AtRisk => "at risk",
            Status::OffTrack => "off track",
            Status::Missed => "missed",
        }
    }

    /// The status as an emoji.
    #[must_use]
    pub fn icon(self) -> &'static str {
        match self {
            Status::Pending => "⏳",
            Status::NoData => "⚪",
            Status::Achieved => "✅",
            Status::OnTrack => "🟢",
            Status::AtRisk => "🟡",
            Status::OffTrack => "🔴",
            Status::Missed => "❌",
        }
    }

    /// How the status should look.
    #[must_use]
    pub fn tone(self) -> Tone {
        match self {
            Status::Missed | Status::OffTrack => Tone::Bad,
            Status::AtRisk => Tone::Warning,
            Status::OnTrack | Status::Achieved => Tone::Good,
            Status::Pending | Status::NoData => Tone::Muted,
        }
    }

    /// The name in kebab-case, as GitHub step outputs spell it: `on-track`.
    #[must_use]
    pub fn kebab_name(self) -> String {
        self.name().replace('_', "-")
    }

    /// The status a user typed: its name (`off_track`), with a space (`off track`) or in
    /// kebab-case as the Action's outputs spell it (`off-track`).
    #[must_use]
    pub fn parse_loose(text: &str) -> Option<Status> {
        Status::parse(&text.trim().replace([' ', '-'], "_"))
    }

    /// Every name, for messages: `pending, no_data, …, missed`.
    #[must_use]
    pub fn names() -> String {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.name()).collect();
        names.join(", ")
    }
}

vocabulary! {
    /// How a goal's status moved since an earlier run (`check --since`), in the order reports
    /// list them: what needs attention first.
    pub enum Movement {
        /// Worse on the progress scale: on track → at risk, at risk → off track, … → missed.
        Slipped = "slipped",
        /// Better on the progress scale: off track → at risk, at risk → on track.
        Recovered = "recovered",
        /// Another status off the progress scale: on track → achieved, on track → no data,
        /// pending → on track.
        Changed = "changed",
        /// Not in the earlier run.
        New = "new",
        /// In the earlier run, not in this one.
        Removed = "removed",
        /// The same status.
        Unchanged = "unchanged",
    }
}

impl Movement {
    /// How a goal moved from `previous` to `current`. Only statuses judged against data on
    /// both sides are ordered, by [`Status::progress_step`] (a good status is step 0): a goal
    /// that lost its data has not recovered, and one that gets data at risk has not slipped.
    #[must_use]
    pub fn between(previous: Status, current: Status) -> Movement {
        let step = |s: Status| {
            let judged = s.tone() != Tone::Muted;
            judged.then(|| s.progress_step().unwrap_or(0))
        };
        if previous == current {
            return Movement::Unchanged;
        }
        match (step(previous), step(current)) {
            (Some(p), Some(c)) if c > p => Movement::Slipped,
            (Some(p), Some(c)) if c < p => Movement::Recovered,
            _ => Movement::Changed,
        }
    }

    /// The word in reports: `slipped`.
    #[must_use]
    pub fn label(self) -> &'static str {
        self.name()
    }

    /// The movement as an emoji.
    #[must_use]
    pub fn icon(self) -> &'static str {
        match self {
            Movement::Slipped => "📉",
            Movement::Recovered => "📈",
            Movement::Changed => "🔁",
            Movement::New => "🆕",
            Movement::Removed => "🗑️",
            Movement::Unchanged => "⏸️",
        }
    }
}

vocabulary! {
    /// What a metric's number measures, which decides how targets are written and values shown.
    pub enum Unit {
        /// A plain count (posts, clicks, leads).
        Count = "count",
        /// A fraction 0..1, written as `"4.5%"` and shown as 4.5%.
        Percent = "percent",
        /// A multiple, shown as 4.2× (ROAS, frequency).
        Factor = "factor",
        /// Money in the file's currency.
        Currency = "currency",
        /// A length of time; the metric states its [`DurationUnit`].
        Duration = "duration",
        /// Stars.
        Rating = "rating",
    }
}

vocabulary! {
    /// The unit a duration metric is counted in.
    pub enum DurationUnit {
        /// Seconds (watch time).
        Seconds = "seconds",
        /// Minutes (response time).
        Minutes = "minutes",
        /// Hours (time spent creating content).
        Hours = "hours",
    }
}

impl DurationUnit {
    /// The suffix after a number: ` min`.
    #[must_use]
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Seconds => " s",
            DurationUnit::Minutes => " min",
            DurationUnit::Hours => " h",
        }
    }
}

vocabulary! {
    /// Which way a metric should move; no value means neither is better.
    pub enum Better {
        /// More is better (reach, leads).
        Higher = "higher",
        /// Less is better (CPC, response time).
        Lower = "lower",
    }
}

vocabulary! {
    /// How a metric's daily values roll up over a window.
    pub enum Aggregate {
        /// Total over the window.
        Sum = "sum",
        /// Latest value in the window per series, summed across series.
        Last = "last",
        /// Earliest value in the window per series, summed across series.
        First = "first",
        /// Mean of the daily values.
        Mean = "mean",
        /// Smallest daily value.
        Min = "min",
        /// Largest daily value.
        Max = "max",
        /// Last value minus the last value before the window.
        Delta = "delta",
        /// Computed from the window totals of other metrics.
        Formula = "formula",
    }
}

vocabulary! {
    /// How a goal on a level metric (`aggregate: last`, such as followers) is projected to its
    /// deadline.
    pub enum Projection {
        /// The least-squares line through the observed daily values, extended to the deadline.
        Trend = "trend",
        /// Today's value: the level is the forecast.
        Level = "level",
    }
}

vocabulary! {
    /// How the pace line of a running sum is drawn: what share of its target a goal should have
    /// reached on a day of its window (docs/evaluation.md, "Pacing that knows the calendar").
    pub enum Pace {
        /// The same share every day: the straight line from 0 to the target.
        Linear = "linear",
        /// The daily shape of the baseline period, or of the same window one year earlier.
        Seasonal = "seasonal",
        /// The weekday profile of the observed data (weekend dips).
        Weekday = "weekday",
    }
}

vocabulary! {
    /// The funnel stage a metric belongs to.
    pub enum Stage {
        /// Being seen.
        Awareness = "awareness",
        /// Interacting with content.
        Engagement = "engagement",
        /// Taking the desired action.
        Conversion = "conversion",
        /// Staying and being served well.
        Loyalty = "loyalty",
        /// What it costs.
        Cost = "cost",
        /// Internal effort (posts, hours).
        Input = "input",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for s in Status::ALL {
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json.as_str(), Some(s.name()));
            assert_eq!(Status::parse(s.name()), Some(*s));
        }
        assert_eq!(Unit::parse("percent"), Some(Unit::Percent));
        assert_eq!(Aggregate::Formula.name(), "formula");
    }

    #[test]
    fn worst_first_is_the_rank_order() {
        assert_eq!(Status::WORST_FIRST.len(), Status::ALL.len());
        for (i, s) in Status::WORST_FIRST.iter().enumerate() {
            assert_eq!(usize::from(s.rank()), i);
        }
    }

    #[test]
    fn loose_parsing_and_kebab_names() {
        assert_eq!(Status::parse_loose(" off track"), Some(Status::OffTrack));
        assert_eq!(Status::OnTrack.kebab_name(), "on-track");
        assert_eq!(Status::NoData.kebab_name(), "no-data");
        assert_eq!(Status::Missed.kebab_name(), "missed");
        assert_eq!(Status::parse_loose("late"), None);
        assert_eq!(Status::parse_loose("off-track"), Some(Status::OffTrack));
    }

    #[test]
    fn movements_follow_the_progress_scale() {
        let m = Movement::between;
        assert_eq!(m(Status::OnTrack, Status::AtRisk), Movement::Slipped);
        assert_eq!(m(Status::AtRisk, Status::Missed), Movement::Slipped);
        assert_eq!(m(Status::Achieved, Status::OffTrack), Movement::Slipped);
        assert_eq!(m(Status::OffTrack, Status::AtRisk), Movement::Recovered);
        assert_eq!(m(Status::AtRisk, Status::OnTrack), Movement::Recovered);
        assert_eq!(m(Status::OnTrack, Status::Achieved), Movement::Changed);
        assert_eq!(m(Status::AtRisk, Status::NoData), Movement::Changed);
        assert_eq!(m(Status::NoData, Status::OffTrack), Movement::Changed);
        assert_eq!(m(Status::Pending, Status::Pending), Movement::Unchanged);
    }

    #[test]
    fn a_listed_status_fails_every_worse_one() {
        let at_risk = [Status::AtRisk];
        assert!(Status::AtRisk.fails_under(&at_risk));
        assert!(Status::OffTrack.fails_under(&at_risk));
        assert!(Status::Missed.fails_under(&at_risk));
        assert!(!Status::NoData.fails_under(&at_risk));
        assert!(!Status::OnTrack.fails_under(&at_risk));
        assert!(!Status::OffTrack.fails_under(&[Status::Missed]));
        assert!(Status::NoData.fails_under(&[Status::NoData]));
        assert!(!Status::Missed.fails_under(&[Status::NoData, Status::Pending]));
    }
}
