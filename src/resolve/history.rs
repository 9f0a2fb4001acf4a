//! The plan of `goalpost history`: the goal file's settings, its time zone, the dates to judge
//! the goals on, and the flags `history` shares with `check` (`--data`, rule levels).

use indexmap::IndexMap;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Unit};

use super::defaults::HISTORY_MAX_DATES;
use super::{FileSettings, check_data_sources, level_overrides};
use crate::cli::{HistoryArgs, HistoryStep};
use crate::failure::Problem;
use crate::lint::LevelOverrides;
use crate::spec::model::GoalFile;

/// Everything one `history` run needs, resolved.
#[derive(Debug)]
pub struct HistoryPlan {
    /// The file's settings.
    pub settings: FileSettings,
    /// The time zone "today" and dates are read in.
    pub timezone: TimeZone,
    /// `--from`.
    pub from: Date,
    /// `--to`, or today in the file's time zone.
    pub to: Date,
    /// `--every`.
    pub every: HistoryStep,
    /// The dates the goals are judged as of, oldest first; the last is `to`.
    pub dates: Vec<Date>,
    /// `--data`: files to read instead of a source's own.
    pub data: IndexMap<String, std::path::PathBuf>,
    /// `--deny/--warn/--allow`.
    pub overrides: LevelOverrides,
}

/// `--deny/--warn/--allow`, checked before the goal file is read (as `check` does).
///
/// # Errors
/// An unknown or fixed rule.
pub fn overrides(args: &HistoryArgs) -> Result<LevelOverrides, Problem> {
    level_overrides(&args.levels)
}

impl HistoryPlan {
    /// The plan for `model`.
    ///
    /// # Errors
    /// An unknown time zone, a `--data` name that is no source, `--from` after `--to`, or
    /// more dates than [`HISTORY_MAX_DATES`].
    pub fn new(
        args: &HistoryArgs,
        overrides: LevelOverrides,
        model: &GoalFile,
    ) -> Result<HistoryPlan, Problem> {
        let settings = FileSettings::of(model);
        let timezone = TimeZone::get(&settings.timezone)
            .map_err(|_| Problem::new(format!("unknown time zone `{}`", settings.timezone)))?;
        check_data_sources(&args.data, model)?;
        let to = args.to.unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned_datetime(timezone.clone())
                .date()
        });
        let dates = dates(args.from, to, args.every)?;
        Ok(HistoryPlan {
            settings,
            timezone,
            from: args.from,
            to,
            every: args.every,
            dates,
            data: args
                .data
                .iter()
                .map(|d| (d.source.clone(), d.path.clone()))
                .collect(),
            overrides,
        })
    }
}

/// The dates from `from` to `to`, `every` apart, with `to` always last (a range that is not a
/// whole number of steps ends with a shorter one: the newest status is the one a reader
/// wants). Months are counted from `from` (`from` + k months, the month's last day when it is
/// shorter), so that the 31st stays the 31st where a month has one.
///
/// # Errors
/// `from` after `to`, or more than [`HISTORY_MAX_DATES`] dates.
pub fn dates(from: Date, to: Date, every: HistoryStep) -> Result<Vec<Date>, Problem> {
    if from > to {
        return Err(Problem::new(format!(
            "history: --from {from} is after --to {to}"
        ))
        .help("--from is the oldest date of the history; give a --to on or after it (by default --to is today)"));
    }
    let (unit, size) = match every {
        HistoryStep::Day => (Unit::Day, 1),
        HistoryStep::Week => (Unit::Day, 7),
        HistoryStep::Month => (Unit::Month, 1),
    };
    let span = from
        .until((unit, to))
        .map_err(|e| Problem::new(format!("history: --from {from} to --to {to}: {e}")))?;
    let whole = match unit {
        Unit::Month => i64::from(span.get_months()),
        _ => span.get_days().into(),
    } / size;
    let count = usize::try_from(whole)
        .unwrap_or(usize::MAX)
        .saturating_add(2);
    if count > HISTORY_MAX_DATES + 1 {
        return Err(too_many(from, to, every, whole.saturating_add(1)));
    }
    let mut out = Vec::with_capacity(count);
    for k in 0..=whole {
        let step = match unit {
            Unit::Month => Span::new().try_months(k * size),
            _ => Span::new().try_days(k * size),
        };
        let date = step
            .and_then(|s| from.checked_add(s))
            .map_err(|e| Problem::new(format!("history: a date after {from}: {e}")))?;
        if date <= to {
            out.push(date);
        }
    }
    if out.last() != Some(&to) {
        out.push(to);
    }
    if out.len() > HISTORY_MAX_DATES {
        return Err(too_many(
            from,
            to,
            every,
            i64::try_from(out.len()).unwrap_or(i64::MAX),
        ));
    }
    Ok(out)
}

fn too_many(from: Date, to: Date, every: HistoryStep, count: i64) -> Problem {
    let name = match every {
        HistoryStep::Day => "day",
        HistoryStep::Week => "week",
        HistoryStep::Month => "month",
    };
    #[allow(
        clippy::cast_precision_loss,
        reason = "a count of dates is far below 2^52"
    )]
    let count = crate::report::format::grouped(count as f64, 0);
    let most = crate::report::format::grouped(HISTORY_MAX_DATES as f64, 0);
    Problem::new(format!(
        "history: --from {from} to --to {to} every {name} is {count} dates; at most {most} are judged in one run"
    ))
    .help("choose a later --from, an earlier --to, or a longer --every (week, month)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_last_date_is_always_to() {
        let d = dates(date(2027, 1, 1), date(2027, 1, 20), HistoryStep::Week).unwrap();
        assert_eq!(
            d,
            [
                date(2027, 1, 1),
                date(2027, 1, 8),
                date(2027, 1, 15),
                date(2027, 1, 20)
            ]
        );
        let d = dates(date(2027, 1, 1), date(2027, 1, 15), HistoryStep::Week).unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(
            dates(date(2027, 1, 1), date(2027, 1, 1), HistoryStep::Day)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn months_count_from_the_first_date() {
        let d = dates(date(2027, 1, 31), date(2027, 4, 30), HistoryStep::Month).unwrap();
        assert_eq!(
            d,
            [
                date(2027, 1, 31),
                date(2027, 2, 28),
                date(2027, 3, 31),
                date(2027, 4, 30)
            ]
        );
    }

    #[test]
    fn bad_ranges_say_why() {
        let e = dates(date(2027, 2, 1), date(2027, 1, 1), HistoryStep::Day).unwrap_err();
        assert!(
            e.to_string()
                .contains("--from 2027-02-01 is after --to 2027-01-01"),
            "{e}"
        );
        let e = dates(date(2020, 1, 1), date(2027, 1, 1), HistoryStep::Day).unwrap_err();
        assert!(
            e.to_string().contains("is 2,558 dates; at most 1,000"),
            "{e}"
        );
        let ok = dates(date(2020, 1, 1), date(2027, 1, 1), HistoryStep::Week).unwrap();
        assert_eq!(ok.len(), 367);
    }
}
