//! The rules that need the data, run by `check` after the evaluation: `stale`, `incomplete`,
//! `small-sample`, the data half of `trivial-target`/`ambitious-target` (a baseline computed
//! from data), and about each source `empty-source` and `unmapped-platform`. `validate` reads no
//! data, so these never fire there.

use super::{Levels, ambition_finding, goal_pointer};
use std::collections::BTreeSet;

use crate::catalog::{Aggregate, BUILTIN_PLATFORMS, Catalog, Unit};
use crate::data::{DataSet, day_date, day_number};
use crate::diag::{Diagnostic, Level};
use crate::eval::{Outcome, Settings};
use crate::rules::RuleId;
use crate::spec::ParsedFile;
use crate::spec::model::Goal;
use crate::spec::scalars::format_number;
use crate::suggest::quote_list;
use crate::vocab::Status;

/// Every data finding of every judged goal, in file order.
#[must_use]
pub fn data_findings(
    parsed: &ParsedFile,
    catalog: &Catalog,
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
            fractional_count(&mut emit, catalog, outcome);
            pace_fallback(&mut emit, outcome);
            emit.out
        })
        .collect()
}

/// Findings about the sources as read: no data rows at all, and platform values no platform
/// has (`FB Messenger`), which no goal can select.
#[must_use]
pub fn source_findings(parsed: &ParsedFile, levels: &Levels, data: &DataSet) -> Vec<Diagnostic> {
    let declared: Vec<&str> = parsed.model.platforms.iter().map(|p| p.as_str()).collect();
    let known = |p: &str| p.is_empty() || BUILTIN_PLATFORMS.contains(&p) || declared.contains(&p);
    let mut out = Vec::new();
    for source in &data.sources {
        let pointer = format!("/sources/{}", source.id);
        let mut emit = |rule: RuleId, message: String, help: String| {
            let level = levels.level(rule, &[]);
            if level == Level::Off {
                return;
            }
            out.push(
                Diagnostic::new(rule, &parsed.source.display, message)
                    .level(level)
                    .at(parsed
                        .spans
                        .key(&pointer)
                        .or_else(|| parsed.spans.value(&pointer)))
                    .help(help),
            );
        };
        if source.rows == 0 && source.sql.is_some() {
            emit(
                RuleId::EmptySource,
                format!("source `{}`: its query returned no dated rows", source.id),
                "check the query's `where` and the date column in `psql`".to_string(),
            );
        } else if source.rows == 0 {
            emit(
                RuleId::EmptySource,
                format!(
                    "source `{}` read 0 data rows from {}",
                    source.id,
                    quote_list(&source.files)
                ),
                "export the data again (the file holds no rows after its header), or check `skip_rows` and `skip_rows_matching`".to_string(),
            );
        }
        if source.undated_rows > 0 {
            let first = source
                .first_undated
                .as_ref()
                .map_or(String::new(), |(file, line)| {
                    format!(" (the first at {file}:{line})")
                });
            emit(
                RuleId::UndatedRows,
                format!(
                    "source `{}` has {} {} with values but no date{first}: no window counts {}",
                    source.id,
                    source.undated_rows,
                    if source.undated_rows == 1 { "row" } else { "rows" },
                    if source.undated_rows == 1 { "it" } else { "them" },
                ),
                "such rows are usually unpublished or unlisted items; give them a date in the export, or accept that they are left out".to_string(),
            );
        }
        if source.skipped_rows > 0 {
            let first = source
                .first_skipped
                .as_ref()
                .map_or(String::new(), |(file, line)| {
                    format!(" (the first at {file}:{line})")
                });
            let n = source.skipped_rows;
            emit(
                RuleId::SkippedRows,
                format!(
                    "source `{}` skipped {n} malformed {} under `on_error: skip`{first}: no total counts {}",
                    source.id,
                    if n == 1 { "row" } else { "rows" },
                    if n == 1 { "it" } else { "them" },
                ),
                "fix the rows in the export, or remove `on_error: skip` to see the first one's error".to_string(),
            );
        }
        let strings = &source.table.strings;
        let unknown: BTreeSet<&str> = source
            .table
            .series
            .iter()
            .map(|s| strings.name(s.platform))
            .filter(|p| !known(p))
            .collect();
        if !unknown.is_empty() {
            let names: Vec<&str> = unknown.into_iter().collect();
            emit(
                RuleId::UnmappedPlatform,
                format!(
                    "source `{}` holds platform values that map to no known platform: {}",
                    source.id,
                    quote_list(&names)
                ),
                "declare them under `platforms:` to set goals on them, or filter them out with `skip_rows_matching`".to_string(),
            );
        }
    }
    out
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

/// A total of a count (impressions, clicks) that is not whole: most often a thousands separator
/// read as a decimal point (`2.081` impressions in a Dutch export).
fn fractional_count(emit: &mut Emitter, catalog: &Catalog, outcome: &Outcome) {
    let Some(metric) = emit
        .goal
        .metric
        .as_ref()
        .and_then(|m| catalog.get(m.as_str()))
    else {
        return;
    };
    let Some(actual) = outcome.judgement.actual else {
        return;
    };
    if metric.unit != Unit::Count || metric.aggregate != Aggregate::Sum {
        return;
    }
    if (actual - actual.round()).abs() <= 1e-6 * actual.abs().max(1.0) {
        return;
    }
    emit.emit(
        "metric",
        RuleId::FractionalCount,
        format!(
            "`{}` counts things but totals {} over the window",
            metric.id,
            format_number(actual)
        ),
        "a count should be whole: check the export's decimal separator (`decimal: \",\"` for `2.081` meaning 2,081) or its columns",
    );
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

/// `pace: seasonal` or `weekday` (the goal's, or `defaults.pace`) had no shape to follow: the
/// goal was paced linearly, and says why.
fn pace_fallback(emit: &mut Emitter, outcome: &Outcome) {
    let Some(why) = &outcome.pace_fallback else {
        return;
    };
    let field = if emit.goal.pace.is_some() {
        "pace"
    } else {
        "id"
    };
    emit.emit(
        field,
        RuleId::PaceFallback,
        format!("paced linearly: {why}"),
        "seasonal pacing needs data for the whole reference window (the baseline period, or the window a year earlier); weekday pacing a whole observed week; or set `pace: linear`",
    );
}
