//! A goal's judged fields in one normal form each, so that two spellings of the same meaning
//! compare equal (`platform: all` and no `platform:`, `twitter` and `x`, `baseline: 4.1` and
//! `baseline: {value: 4.1}`, `period: 2027-Q1` and the same `start`/`deadline`), and each with
//! the text a reviewer reads in a report.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{DurationUnit, Metric, Unit, canonical_platform};
use crate::report::format;
use crate::spec::model::{Baseline, Goal, OneOrMany, Period, Target};
use crate::spec::scalars::{Quantity, QuantityKind};
use crate::spec::time::period_range;

/// Whether two numbers are the same literal: `"4.5%"` and `0.045` differ in their last bits.
pub(super) fn same_number(a: f64, b: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        #[allow(clippy::float_cmp, reason = "an infinity equals only itself")]
        return a == b;
    }
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Which platforms or accounts a goal covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    /// No filter (`all`, or the key left out).
    All,
    /// These ids, sorted.
    Only(BTreeSet<String>),
}

impl Scope {
    fn of<T: AsRef<str>>(value: Option<&OneOrMany<T>>, canonical: fn(&str) -> &str) -> Scope {
        let Some(value) = value else {
            return Scope::All;
        };
        let items = value.as_slice();
        if items.iter().any(|i| i.as_ref().eq_ignore_ascii_case("all")) {
            return Scope::All;
        }
        Scope::Only(
            items
                .iter()
                .map(|i| canonical(i.as_ref()).to_string())
                .collect(),
        )
    }

    /// The goal's platforms (aliases such as `twitter` mapped to their canonical id).
    pub fn platforms(goal: &Goal) -> Scope {
        Scope::of(goal.platform.as_ref(), canonical_platform)
    }

    /// The goal's accounts.
    pub fn accounts(goal: &Goal) -> Scope {
        Scope::of(goal.account.as_ref(), |a| a)
    }

    /// `all`, or the ids separated by commas.
    pub fn text(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Only(ids) => ids.iter().cloned().collect::<Vec<_>>().join(", "),
        }
    }
}

/// `where:` as column → sorted values (a single value and a one-item list are the same).
pub(super) fn filter(goal: &Goal) -> BTreeMap<String, BTreeSet<String>> {
    goal.filter
        .iter()
        .map(|(column, values)| {
            let values = values.as_slice().iter().map(|v| v.text()).collect();
            (column.clone(), values)
        })
        .collect()
}

/// `post_type = reel; campaign = a, b`, or `none`.
pub(super) fn filter_text(filter: &BTreeMap<String, BTreeSet<String>>) -> String {
    if filter.is_empty() {
        return "none".into();
    }
    filter
        .iter()
        .map(|(column, values)| {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            format!("{column} = {}", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A baseline as what it means: a fixed number, or a window of days computed from the data.
#[derive(Debug, Clone, Copy)]
pub(super) enum BaselineForm {
    /// `baseline: 4.1` or `{value: 4.1}`.
    Fixed(f64),
    /// `{period: ...}` or `{start, end}`: first and last day.
    Window(jiff::civil::Date, jiff::civil::Date),
}

impl PartialEq for BaselineForm {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (BaselineForm::Fixed(a), BaselineForm::Fixed(b)) => same_number(*a, *b),
            (BaselineForm::Window(a, b), BaselineForm::Window(c, d)) => a == c && b == d,
            _ => false,
        }
    }
}

/// The goal's baseline, normalized; `None` without one (or with a period that has no dates,
/// which lint refuses before diff gets here).
pub(super) fn baseline(goal: &Goal) -> Option<BaselineForm> {
    Some(match goal.baseline.as_ref()? {
        Baseline::Number(q) => BaselineForm::Fixed(q.value),
        Baseline::Value(v) => BaselineForm::Fixed(v.value.value),
        Baseline::Period(p) => {
            let range = period_range(&p.period).ok()?;
            BaselineForm::Window(range.start, range.end)
        }
        Baseline::Range(r) => BaselineForm::Window(r.start.0, r.end.0),
    })
}

/// How `check` shows a goal's numbers, so that a reviewer reads the same `€5,000` and `4.5%` in
/// a diff as in the scorecard: the metric's unit and the file's currency.
#[derive(Debug, Clone)]
pub(super) struct Units {
    unit: Unit,
    duration: Option<DurationUnit>,
    currency: String,
}

impl Units {
    /// The units of a goal on `metric` (a count when the metric is unknown or a composite has
    /// none), in a file whose money is `currency`.
    pub fn of(metric: Option<&Metric>, currency: &str) -> Units {
        Units {
            unit: metric.map_or(Unit::Count, |m| m.unit),
            duration: metric.and_then(|m| m.duration_unit),
            currency: currency.to_string(),
        }
    }

    /// A value of the metric: `12,000`, `4.5%`, `€6.50`.
    fn number(&self, v: f64) -> String {
        format::value(Some(v), self.unit, self.duration, &self.currency)
    }

    /// A quantity the goal file wrote: a plain number in the metric's unit; a percent or
    /// percentage points as written (`"4.5%"`, `"0.5pp"`), since those are already units.
    fn quantity(&self, q: &Quantity) -> String {
        match q.kind {
            QuantityKind::Number => self.number(q.value),
            QuantityKind::Percent | QuantityKind::Points => q.display(),
        }
    }
}

/// The baseline as written, a fixed value in the metric's unit: `4.1★`, `2026-Q4`,
/// `2026-10-01 to 2026-12-31`, or `none`.
pub(super) fn baseline_text(goal: &Goal, units: &Units) -> String {
    let period = |p: &Period| match p {
        Period::Named(name) => name.to_string(),
        Period::Range(r) => format!("{} to {}", r.start, r.deadline),
    };
    match &goal.baseline {
        None => "none".into(),
        Some(Baseline::Number(q)) => units.quantity(q),
        Some(Baseline::Value(v)) => units.quantity(&v.value),
        Some(Baseline::Period(p)) => period(&p.period),
        Some(Baseline::Range(r)) => format!("{} to {}", r.start, r.end),
    }
}

/// The target in words, as `check` writes it: `≥ 300`, `≤ €6.50`, `1.5× to 3×`, `+20% vs
/// baseline`; with a fixed baseline the resulting bound follows: `+0.3 vs baseline (≥ 4.4★)`.
/// A relative amount is shown as written (`+20%` is relative, not 20 percentage points).
pub(super) fn target_text(
    target: Option<&Target>,
    baseline: Option<BaselineForm>,
    units: &Units,
) -> String {
    let Some(target) = target else {
        return "none".into();
    };
    let fixed = match baseline {
        Some(BaselineForm::Fixed(b)) => Some(b),
        _ => None,
    };
    // Over a fixed baseline a relative target has a known bound: show it.
    let bound = |sign: &str, pick: fn((f64, f64)) -> f64| match (fixed, target.band(fixed)) {
        (Some(_), Some(band)) => format!(" ({sign} {})", units.number(pick(band))),
        _ => String::new(),
    };
    match target {
        Target::AtLeast(q) => format!("≥ {}", units.quantity(q)),
        Target::AtMost(q) => format!("≤ {}", units.quantity(q)),
        Target::Between([lo, hi]) => {
            format!("{} to {}", units.quantity(lo), units.quantity(hi))
        }
        Target::Increase(q) => format!("+{} vs baseline{}", q.display(), bound("≥", |b| b.0)),
        Target::Decrease(q) => format!("−{} vs baseline{}", q.display(), bound("≤", |b| b.1)),
    }
}

/// What a goal is, in a few words, for an added or removed goal: its target on its metric, or
/// its members.
pub(super) fn summary_text(goal: &Goal, units: &Units) -> String {
    if let Some(members) = &goal.all_of {
        let ids: Vec<&str> = members.iter().map(|m| m.as_str()).collect();
        return format!("all of {}", ids.join(", "));
    }
    let metric = goal.metric.as_ref().map_or("", |m| m.as_str());
    format!(
        "{metric} {}",
        target_text(goal.target.as_ref(), baseline(goal), units)
    )
}

/// The parts of a metric definition that decide how a goal on it is judged.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct MetricDefinition {
    unit: crate::catalog::Unit,
    duration_unit: Option<crate::catalog::DurationUnit>,
    better: Option<crate::catalog::Better>,
    aggregate: crate::catalog::Aggregate,
    /// The formula without white space: `replies/comments`.
    formula: Option<String>,
}

impl MetricDefinition {
    /// The judged parts of `metric`.
    pub fn of(metric: &Metric) -> MetricDefinition {
        MetricDefinition {
            unit: metric.unit,
            duration_unit: metric.duration_unit,
            better: metric.better,
            aggregate: metric.aggregate,
            formula: metric
                .formula
                .as_ref()
                .map(|f| f.chars().filter(|c| !c.is_whitespace()).collect()),
        }
    }

    /// `percent, higher is better, formula replies/comments`.
    pub fn text(&self) -> String {
        let mut parts = vec![self.unit.name().to_string()];
        if let Some(d) = &self.duration_unit {
            parts.push(name(d));
        }
        parts.push(match &self.better {
            Some(b) => format!("{} is better", name(b)),
            None => "no better direction".into(),
        });
        parts.push(match &self.formula {
            Some(f) => format!("formula {f}"),
            None => format!("aggregate {}", self.aggregate.name()),
        });
        parts.join(", ")
    }
}

/// The serde name of a unit-like enum value (`percent`, `higher`), for messages.
pub(super) fn name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A tolerance or other quantity as written: `10%`.
pub(super) fn quantity_text(q: Option<&Quantity>, default: &str) -> String {
    q.map_or_else(|| default.to_string(), Quantity::display)
}

/// Whether two targets are the same literal: same key, same kind, same numbers.
pub(super) fn same_literal(a: &Target, b: &Target) -> bool {
    let (la, lb) = (a.literals(), b.literals());
    a.key() == b.key()
        && la.len() == lb.len()
        && la
            .iter()
            .zip(&lb)
            .all(|((_, x), (_, y))| x.kind == y.kind && same_number(x.value, y.value))
}
