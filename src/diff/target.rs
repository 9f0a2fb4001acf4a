//! Ordering two targets of one goal: does the new target accept more values (looser), fewer
//! (tighter), or a different set that only data could order (changed)?
//!
//! Targets are compared as the band of values that meet them (`Target::band`), so `at_least:
//! 300` and `increase: 50` over a fixed baseline of 250 are the same target. Where a band is
//! not a superset or subset of the other (a `between` band that moved), the metric's better
//! direction decides by the bound that guards the bad side: the floor of a higher-is-better
//! metric, the ceiling of a lower-is-better one.

use super::fields::{BaselineForm, same_literal, same_number};
use super::{ChangeKind, Effect};
use crate::catalog::Better;
use crate::spec::model::{Goal, Target};

/// One side of the comparison: the target and the baseline it is relative to.
#[derive(Debug, Clone, Copy)]
pub(super) struct TargetSide<'a> {
    /// The target (`None` on a composite goal).
    pub target: Option<&'a Target>,
    /// The normalized baseline.
    pub baseline: Option<BaselineForm>,
}

impl TargetSide<'_> {
    /// The target side of `goal`.
    pub fn of(goal: &Goal) -> TargetSide<'_> {
        TargetSide {
            target: goal.target.as_ref(),
            baseline: super::fields::baseline(goal),
        }
    }
}

/// The target change between `before` and `after`, if any. `better` is the head metric's
/// direction; `same_metric` is false when the goal now measures another metric, whose numbers
/// cannot be ordered against the old one's.
pub(super) fn compare(
    before: TargetSide,
    after: TargetSide,
    better: Option<Better>,
    same_metric: bool,
) -> Option<(ChangeKind, Effect)> {
    let (a, b) = match (before.target, after.target) {
        (None, None) => return None,
        (Some(a), Some(b)) => (a, b),
        _ => return Some(changed()),
    };
    let fixed = |side: TargetSide| match side.baseline {
        Some(BaselineForm::Fixed(v)) => Some(v),
        _ => None,
    };
    let effect = match (a.band(fixed(before)), b.band(fixed(after))) {
        (Some(x), Some(y)) => by_band(x, y, better)?,
        (None, None) => by_quantity(a, b, before.baseline == after.baseline)?,
        // A bound against a baseline computed from data, against a fixed bound.
        _ => Effect::Neutral,
    };
    if !same_metric {
        return Some(changed());
    }
    Some(match effect {
        Effect::Loosened => (ChangeKind::TargetLoosened, Effect::Loosened),
        Effect::Tightened => (ChangeKind::TargetTightened, Effect::Tightened),
        Effect::Neutral => changed(),
    })
}

fn changed() -> (ChangeKind, Effect) {
    (ChangeKind::TargetChanged, Effect::Neutral)
}

/// `a ≤ b`, with numbers that differ only in their last bits counted as equal.
fn at_most(a: f64, b: f64) -> bool {
    a < b || same_number(a, b)
}

/// Orders two bands `(low, high)`; `None` when they are the same.
fn by_band(before: (f64, f64), after: (f64, f64), better: Option<Better>) -> Option<Effect> {
    let ((lo1, hi1), (lo2, hi2)) = (before, after);
    if same_number(lo1, lo2) && same_number(hi1, hi2) {
        return None;
    }
    if at_most(lo2, lo1) && at_most(hi1, hi2) {
        return Some(Effect::Loosened);
    }
    if at_most(lo1, lo2) && at_most(hi2, hi1) {
        return Some(Effect::Tightened);
    }
    // The band moved: judge by the bound that keeps the metric from its bad side, when both
    // versions have one (a floor turned into a ceiling cannot be ordered).
    let guard = |lo: f64, hi: f64| match better {
        Some(Better::Higher) => Some(lo).filter(|v| v.is_finite()),
        Some(Better::Lower) => Some(-hi).filter(|v| v.is_finite()),
        None => None,
    };
    Some(match (guard(lo1, hi1), guard(lo2, hi2)) {
        (Some(old), Some(new)) => Effect::looser_if(new < old),
        _ => Effect::Neutral,
    })
}

/// Orders two targets relative to a baseline computed from data, whose value is unknown;
/// `None` when they are the same. Only the same form over the same baseline can be ordered:
/// a larger `increase` or `decrease` asks for more change (for a `20%` form this assumes a
/// baseline ≥ 0, which every catalog metric but a `delta` has).
fn by_quantity(a: &Target, b: &Target, same_baseline: bool) -> Option<Effect> {
    if same_literal(a, b) {
        return None;
    }
    let (q1, q2) = match (a, b) {
        (Target::Increase(x), Target::Increase(y)) | (Target::Decrease(x), Target::Decrease(y)) => {
            (x, y)
        }
        _ => return Some(Effect::Neutral),
    };
    if !same_baseline || q1.kind != q2.kind {
        return Some(Effect::Neutral);
    }
    Some(Effect::looser_if(q2.value < q1.value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::scalars::Quantity;

    fn t(yaml: &str) -> Target {
        serde_json::from_str(yaml).expect("a target")
    }

    fn cmp(a: &str, b: &str, better: Option<Better>) -> Option<ChangeKind> {
        let side = |t| TargetSide {
            target: Some(t),
            baseline: None,
        };
        let (a, b) = (t(a), t(b));
        compare(side(&a), side(&b), better, true).map(|(k, _)| k)
    }

    #[test]
    fn floors_and_ceilings() {
        use ChangeKind::*;
        let up = Some(Better::Higher);
        assert_eq!(
            cmp(r#"{"at_least":300}"#, r#"{"at_least":250}"#, up),
            Some(TargetLoosened)
        );
        assert_eq!(
            cmp(r#"{"at_least":300}"#, r#"{"at_least":300.0}"#, up),
            None
        );
        assert_eq!(
            cmp(r#"{"at_most":6.5}"#, r#"{"at_most":7}"#, None),
            Some(TargetLoosened)
        );
        assert_eq!(
            cmp(r#"{"at_most":6.5}"#, r#"{"at_most":6}"#, None),
            Some(TargetTightened)
        );
        assert_eq!(
            cmp(r#"{"at_least":3}"#, r#"{"at_most":3}"#, up),
            Some(TargetChanged)
        );
    }

    #[test]
    fn bands_use_the_metric_direction_when_they_move() {
        use ChangeKind::*;
        let band = |lo: f64, hi: f64| format!(r#"{{"between":[{lo},{hi}]}}"#);
        assert_eq!(
            cmp(&band(1.5, 3.0), &band(1.0, 3.5), None),
            Some(TargetLoosened)
        );
        assert_eq!(
            cmp(&band(1.5, 3.0), &band(2.0, 3.0), None),
            Some(TargetTightened)
        );
        assert_eq!(
            cmp(&band(1.5, 3.0), &band(2.0, 4.0), None),
            Some(TargetChanged)
        );
        let up = Some(Better::Higher);
        assert_eq!(
            cmp(&band(1.5, 3.0), &band(2.0, 4.0), up),
            Some(TargetTightened)
        );
        let down = Some(Better::Lower);
        assert_eq!(
            cmp(&band(1.5, 3.0), &band(2.0, 4.0), down),
            Some(TargetLoosened)
        );
    }

    #[test]
    fn relative_targets_over_an_unknown_baseline() {
        use ChangeKind::*;
        let window = Some(BaselineForm::Window(
            jiff::civil::date(2026, 10, 1),
            jiff::civil::date(2026, 12, 31),
        ));
        let q = |s: &str| Quantity::parse(s).expect("a quantity");
        let side = |t| TargetSide {
            target: Some(t),
            baseline: window,
        };
        let (a, b, c) = (
            Target::Increase(q("20%")),
            Target::Increase(q("10%")),
            Target::Increase(q("1000")),
        );
        let kind = |x, y| compare(side(x), side(y), None, true).map(|(k, _)| k);
        assert_eq!(kind(&a, &b), Some(TargetLoosened));
        assert_eq!(kind(&b, &a), Some(TargetTightened));
        assert_eq!(kind(&a, &c), Some(TargetChanged));
        assert_eq!(kind(&a, &a.clone()), None);
    }
}
