//! Why a goal has no data. A `no_data` verdict a team cannot explain is one it cannot act on,
//! so every `no_data` goal carries the first of these that applies, in this order:
//!
//! 1. a baseline computed from data has no value (its window holds no data);
//! 2. every source of the metric read 0 data rows;
//! 3. no row is for the goal's platforms (naming the platforms the sources hold);
//! 4. no row is for the goal's accounts (naming the accounts seen);
//! 5. no row matches a `where:` value (naming the values seen, with a did-you-mean);
//! 6. the data ends before the window starts;
//! 7. a recurring goal's current bucket has no data yet;
//! 8. a rate's denominator is 0 over the window;
//! 9. otherwise, the window holds no value of the metric.
//!
//! This runs only for `no_data` goals and reads the tables directly; it is not on the hot path.

use std::collections::BTreeSet;

use super::Outcome;
use super::values::Values;
use crate::catalog::{Catalog, Metric};
use crate::data::{DataSet, Day, LoadedSource, Selection, day_date, normalize};
use crate::spec::model::Goal;
use crate::suggest::{did_you_mean, quote_list};

/// At most this many values are named in a reason.
const SHOWN: usize = 8;

/// What a reason is worked out from.
pub struct Why<'a> {
    /// The data read.
    pub data: &'a DataSet,
    /// The file's catalog.
    pub catalog: &'a Catalog,
    /// The goal's metric.
    pub metric: &'a Metric,
    /// The goal.
    pub goal: &'a Goal,
    /// The series the goal selects.
    pub selection: &'a Selection,
    /// The goal's values.
    pub values: &'a Values<'a>,
}

/// What [`Why::explain`] finds about a goal's selection (reasons 2–5: empty sources, platforms,
/// accounts and `where:` values no row has), which does not depend on the as-of date: kept
/// across the dates of a history, so that a goal without data does not look through every
/// series of its sources once per date.
#[derive(Debug, Default)]
pub struct SelectionMemo(std::cell::OnceCell<Option<String>>);

impl Why<'_> {
    /// The reason, as a sentence.
    #[must_use]
    pub fn explain(&self, outcome: &Outcome) -> String {
        self.explain_with(outcome, &SelectionMemo::default())
    }

    /// [`Why::explain`], with the selection's reasons from `memo` when it has them (the same
    /// goal and selection as on an earlier date).
    #[must_use]
    pub fn explain_with(&self, outcome: &Outcome, memo: &SelectionMemo) -> String {
        if let Some(base) = outcome.baseline
            && base.value.is_none()
            && let Some((a, b)) = base.window
        {
            return format!(
                "the baseline window {} to {} has no data",
                day_date(a),
                day_date(b)
            );
        }
        if let Some(text) = memo
            .0
            .get_or_init(|| self.selection_reason(&self.sources()))
            .clone()
        {
            return text;
        }
        let range = self.values.data_range(&self.metric.id);
        if let (Some((_, last)), Some(start)) = (range, outcome.start)
            && last < start
        {
            return format!(
                "the data ends {}, before the window starts {}",
                day_date(last),
                day_date(start)
            );
        }
        if let Some(text) = bucket_reason(outcome, range.map(|r| r.1)) {
            return text;
        }
        if let (Some(start), Some(end)) = (outcome.start, outcome.end)
            && let Some(expr) = &self.metric.expr
            && let Some(den) = expr.denominator()
        {
            let last = outcome.judgement.observed_end.unwrap_or(end);
            if self.values.denominator(self.metric, start, last) == Some(0.0) {
                let named = match den {
                    crate::catalog::formula::Expr::Metric(m) => format!(" `{m}`"),
                    _ => String::new(),
                };
                return format!(
                    "`{}` is a ratio and its denominator{named} is 0 from {} to {}",
                    self.metric.id,
                    day_date(start),
                    day_date(last)
                );
            }
        }
        match (
            outcome.start,
            outcome.judgement.observed_end.or(outcome.end),
        ) {
            (Some(a), Some(b)) => format!(
                "no value of `{}` from {} to {}",
                self.metric.id,
                day_date(a),
                day_date(b)
            ),
            _ => format!("no source has a value of `{}`", self.metric.id),
        }
    }

    /// The sources that provide the metric or, for a formula, one of its inputs.
    fn sources(&self) -> Vec<&LoadedSource> {
        let leaves = self.leaves();
        self.data
            .sources
            .iter()
            .filter(|s| leaves.iter().any(|m| s.provides(m)))
            .collect()
    }

    /// The metric, or the metrics its formula reads in the end.
    fn leaves(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut stack = vec![self.metric.id.clone()];
        let mut seen = BTreeSet::new();
        while let Some(m) = stack.pop() {
            if !seen.insert(m.clone()) {
                continue;
            }
            if self.data.sources.iter().any(|s| s.provides(&m)) {
                out.insert(m);
            } else if let Some(expr) = self.catalog.get(&m).and_then(|d| d.expr.as_ref()) {
                stack.extend(expr.inputs().iter().map(ToString::to_string));
            }
        }
        out
    }

    /// Reasons 2–5: empty sources, and platforms, accounts or `where:` values no row has.
    fn selection_reason(&self, sources: &[&LoadedSource]) -> Option<String> {
        let names =
            |s: &[&LoadedSource]| quote_list(&s.iter().map(|s| s.id.as_str()).collect::<Vec<_>>());
        if !sources.is_empty() && sources.iter().all(|s| s.rows == 0) {
            return Some(format!(
                "{} read 0 data rows",
                if sources.len() == 1 {
                    format!("the source {}", names(sources))
                } else {
                    format!("the sources {}", names(sources))
                }
            ));
        }
        let sel = self.selection;
        if let Some(wanted) = &sel.platforms {
            let seen = distinct(sources, |s, x| s.table.strings.name(x.platform).to_string());
            if !seen.iter().any(|p| wanted.contains(p)) {
                return Some(format!(
                    "no row is for {} {}; {}",
                    plural(wanted.len(), "platform"),
                    quote_list(wanted),
                    holds("the sources hold the platforms", &seen)
                ));
            }
        }
        if let Some(wanted) = &sel.accounts {
            let seen = distinct(sources, |s, x| s.table.strings.name(x.account).to_string());
            if !seen.iter().any(|a| wanted.contains(a)) {
                return Some(format!(
                    "no row is for {} {}; {}",
                    plural(wanted.len(), "account"),
                    quote_list(wanted),
                    holds("the accounts seen are", &seen)
                ));
            }
        }
        for (dim, accepted) in &sel.filters {
            let seen = distinct(sources, |s, x| {
                x.dims
                    .get(*dim)
                    .map_or(String::new(), |v| s.table.strings.name(*v).to_string())
            });
            if seen.iter().any(|v| accepted.contains(v)) {
                continue;
            }
            let column = self.column_name(sources, *dim);
            let seen_refs: Vec<&str> = seen.iter().map(String::as_str).collect();
            let hint = accepted
                .iter()
                .find_map(|v| did_you_mean(v, &seen_refs))
                .map_or(String::new(), |near| format!(" — did you mean `{near}`?"));
            return Some(format!(
                "no row has `{column}` = {}; {}{hint}",
                quote_list(accepted),
                holds("the column holds", &seen)
            ));
        }
        None
    }

    /// The `where:` key as the goal wrote it, for dimension `dim`.
    fn column_name(&self, sources: &[&LoadedSource], dim: usize) -> String {
        let normalized = sources
            .iter()
            .find_map(|s| s.table.dims.get(dim))
            .cloned()
            .unwrap_or_default();
        self.goal
            .filter
            .keys()
            .find(|k| normalize(k) == normalized)
            .cloned()
            .unwrap_or(normalized)
    }
}

/// A recurring goal judged on a bucket that has no data yet.
fn bucket_reason(outcome: &Outcome, last: Option<Day>) -> Option<String> {
    let buckets = outcome.buckets.as_ref()?;
    let (a, b, _) = buckets.iter().find(|(a, b, j)| {
        j.status == crate::vocab::Status::NoData
            && last.is_none_or(|l| l < *a)
            && outcome.judgement == *j
            && a <= b
    })?;
    Some(match last {
        Some(l) => format!(
            "the current bucket {} to {} has no data yet; the data ends {}",
            day_date(*a),
            day_date(*b),
            day_date(l)
        ),
        None => format!(
            "the current bucket {} to {} has no data yet",
            day_date(*a),
            day_date(*b)
        ),
    })
}

/// The distinct values `pick` reads from every series of `sources`, sorted.
fn distinct(
    sources: &[&LoadedSource],
    pick: impl Fn(&LoadedSource, &crate::data::Series) -> String,
) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for s in sources {
        for series in &s.table.series {
            out.insert(pick(s, series));
        }
    }
    out.into_iter().collect()
}

/// `lead` and up to [`SHOWN`] values (`(none)` for rows without one), or that there are none.
fn holds(lead: &str, seen: &[String]) -> String {
    if seen.is_empty() {
        return "the sources have no rows".to_string();
    }
    let shown: Vec<&str> = seen
        .iter()
        .take(SHOWN)
        .map(|v| if v.is_empty() { "(none)" } else { v.as_str() })
        .collect();
    let more = seen.len().saturating_sub(SHOWN);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    format!("{lead} {}{tail}", quote_list(&shown))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
