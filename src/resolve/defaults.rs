//! Every default a goal file or the command line can override, in one place. Nothing else in
//! the crate restates these values: stages read them from a resolved [`super::FileSettings`] or
//! [`super::Plan`].

use crate::vocab::{Pace, Projection, Status};

/// The currency of a file without `currency:`.
pub const CURRENCY: &str = "EUR";
/// The time zone of a file without `timezone:`.
pub const TIMEZONE: &str = "UTC";
/// `defaults.tolerance`: the at-risk band as a fraction of the target.
pub const TOLERANCE: f64 = 0.1;
/// How `defaults.tolerance` reads when it is not set, in messages.
pub const TOLERANCE_TEXT: &str = "10% (default)";
/// `defaults.stale_after`, in days.
pub const STALE_AFTER_DAYS: u32 = 7;
/// `defaults.min_sample`: the smallest denominator a rate is trusted on.
pub const MIN_SAMPLE: f64 = 100.0;
/// `defaults.fail_on`: the statuses that fail `check`.
pub const FAIL_ON: [Status; 2] = [Status::OffTrack, Status::Missed];
/// A goal's `projection:`: how a level metric (`aggregate: last`) is projected to its deadline.
pub const PROJECTION: Projection = Projection::Trend;
/// `history --every`: how far apart the dates of a status history are.
pub const HISTORY_EVERY: crate::cli::HistoryStep = crate::cli::HistoryStep::Week;
/// The most dates one `history` run judges the goals on (a bound, so that a typo'd year cannot
/// ask for a century of days): 1,000 is nearly three years of days, or twenty of weeks.
pub const HISTORY_MAX_DATES: usize = 1000;
/// `defaults.pace` / a goal's `pace`: how a running sum is paced.
pub const PACE: Pace = Pace::Linear;

/// Seconds a query source's connection may take to open when its URL sets no `connect_timeout`.
pub const SQL_CONNECT_TIMEOUT_SECS: u64 = 10;

/// Seconds one statement of a query source may run, when the server, role or URL
/// (`options=-c statement_timeout=…`) sets no `statement_timeout` (docs/sql.md).
pub const SQL_STATEMENT_TIMEOUT_SECS: u64 = 300;
