//! File-wide settings that change how every goal is judged.

use std::collections::BTreeSet;

use super::fields;
use super::goal::Delta;
use super::load::Side;
use super::{Change, ChangeKind, Effect, Position};
use crate::resolve::{FileSettings, defaults};
use crate::vocab::Status;

/// File-wide settings that change how every goal is judged: `defaults.tolerance` and
/// `defaults.fail_on`.
pub(super) fn file_changes(base: &Side, head: &Side) -> Vec<(Position, Change)> {
    let (db, dh) = (&base.parsed.model.defaults, &head.parsed.model.defaults);
    let (sb, sh) = (
        FileSettings::of(&base.parsed.model),
        FileSettings::of(&head.parsed.model),
    );
    let mut deltas: Vec<(Delta, &str)> = Vec::new();
    let (t1, t2) = (sb.tolerance, sh.tolerance);
    if !fields::same_number(t1, t2) {
        // A wider at-risk band turns off-track goals into at-risk ones, which do not fail CI.
        let text = |q| fields::quantity_text(q, defaults::TOLERANCE_TEXT);
        let delta = Delta::new(
            ChangeKind::ToleranceChanged,
            Effect::looser_if(t2 > t1),
            text(db.tolerance.as_ref()),
            text(dh.tolerance.as_ref()),
        );
        deltas.push((delta, "/defaults/tolerance"));
    }
    // Compared by the statuses that fail, so `[at_risk]` and `[at_risk, off_track]` are the same
    // gate (a listed status fails every worse one).
    let failing = |s: &BTreeSet<Status>| -> BTreeSet<Status> {
        let listed: Vec<Status> = s.iter().copied().collect();
        Status::ALL
            .iter()
            .copied()
            .filter(|st| st.fails_under(&listed))
            .collect()
    };
    let fail_on = |s: FileSettings| -> BTreeSet<Status> { s.fail_on.into_iter().collect() };
    let (f1, f2) = (fail_on(sb), fail_on(sh));
    let (e1, e2) = (failing(&f1), failing(&f2));
    if e1 != e2 {
        let effect = if e2.is_subset(&e1) {
            Effect::Loosened
        } else if e2.is_superset(&e1) {
            Effect::Tightened
        } else {
            Effect::Neutral
        };
        let text = |s: &BTreeSet<Status>| match s.len() {
            0 => "none".to_string(),
            _ => s.iter().map(|s| s.name()).collect::<Vec<_>>().join(", "),
        };
        let delta = Delta::new(ChangeKind::FailOnChanged, effect, text(&f1), text(&f2));
        deltas.push((delta, "/defaults/fail_on"));
    }
    deltas
        .into_iter()
        .map(|(delta, pointer)| {
            let title = format!(
                "{} (every goal)",
                pointer.trim_start_matches('/').replace('/', ".")
            );
            let change = Change::from_delta(
                None,
                title,
                delta,
                head.display().to_string(),
                head.line(pointer),
            );
            (Position::File, change)
        })
        .collect()
}
