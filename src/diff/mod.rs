//! `goalpost diff` (SPEC §7): what changed in the goals between two git revisions of a goal
//! file — moved goalposts.
//!
//! Both versions are parsed into the typed model and compared goal by goal (by id) on their
//! meaning, never their text: reformatting, reordering, comments and quoting style are not
//! changes. Each change says whether it makes a goal easier to meet ("loosens"); docs/diff.md
//! lists every kind of change and why it counts as looser, tighter or neither.
//!
//! [`git`] reads a revision, [`load`] parses and lints one side, [`compare`] finds the changes,
//! [`document`] is the JSON shape and [`render`] the text, Markdown and GitHub outputs.

mod compare;
pub mod document;
mod fields;
pub mod git;
mod goal;
pub mod load;
pub mod render;
mod settings;
mod target;

use serde::Serialize;

pub use compare::{compare, pair_twins};
pub use load::Side;

/// How a change moves the goalposts. The order is the order of every output: what a reviewer
/// must see first comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The goal got easier to meet, or stopped being judged (a removed goal).
    Loosened,
    /// The goal got harder to meet.
    Tightened,
    /// A change that cannot be ordered without data, or that is not about difficulty.
    Neutral,
}

impl Effect {
    /// The word used in every output: `loosened`, `tightened`, `changed`.
    pub fn label(self) -> &'static str {
        match self {
            Effect::Loosened => "loosened",
            Effect::Tightened => "tightened",
            Effect::Neutral => "changed",
        }
    }

    /// `Loosened` when `looser` holds, else `Tightened`: for changes that can only go one way
    /// or the other.
    fn looser_if(looser: bool) -> Effect {
        if looser {
            Effect::Loosened
        } else {
            Effect::Tightened
        }
    }
}

macro_rules! change_kinds {
    ($( $(#[$doc:meta])* $variant:ident => $label:literal, )*) => {
        /// What changed. The serialized name (`target_loosened`) is stable: the JSON document
        /// and the Action use it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ChangeKind {
            $( $(#[$doc])* $variant, )*
        }

        impl ChangeKind {
            /// Every kind, in the order changes of one goal are listed.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant),*];

            /// The kind in words: `target loosened`.
            pub fn label(self) -> &'static str {
                match self { $(ChangeKind::$variant => $label,)* }
            }
        }
    };
}

change_kinds! {
    /// A goal that is not in the base version (every goal of a new goal file).
    Added => "added",
    /// A goal that is gone from the head version.
    Removed => "removed",
    /// A goal whose id changed and nothing it is judged on.
    Renamed => "renamed",
    /// The target accepts values it did not accept before.
    TargetLoosened => "target loosened",
    /// The target refuses values it accepted before.
    TargetTightened => "target tightened",
    /// The target changed in a way that cannot be ordered without data.
    TargetChanged => "target changed",
    /// The deadline moved later.
    DeadlinePostponed => "deadline postponed",
    /// The deadline moved earlier.
    DeadlineAdvanced => "deadline advanced",
    /// A deadline was added or removed (a standing rolling goal).
    DeadlineChanged => "deadline changed",
    /// The window's first day moved, or was added or removed.
    StartMoved => "start moved",
    /// `every:` (recurring buckets) changed.
    EveryChanged => "every changed",
    /// `pass:` (how a recurring goal is judged) changed.
    PassChanged => "pass changed",
    /// `rolling:` changed.
    RollingChanged => "rolling window changed",
    /// The goal measures another metric.
    MetricChanged => "metric changed",
    /// The goal's metric is defined differently under `metrics:`.
    MetricRedefined => "metric redefined",
    /// `platform:` changed.
    PlatformsChanged => "platforms changed",
    /// `account:` changed.
    AccountsChanged => "accounts changed",
    /// `where:` changed.
    FilterChanged => "filter changed",
    /// `baseline:` changed.
    BaselineChanged => "baseline changed",
    /// `objective:` changed.
    ObjectiveChanged => "objective changed",
    /// `severity:` changed.
    SeverityChanged => "severity changed",
    /// The members of a composite goal (`all_of:`) changed.
    MembersChanged => "members changed",
    /// `projection:` changed: a level goal is projected by its trend or by today's value.
    ProjectionChanged => "projection changed",
    /// `pace:` changed (the goal's own, or through `defaults.pace`): how the share due so far
    /// is worked out.
    PaceChanged => "pace changed",
    /// `defaults.tolerance` changed (every goal's at-risk band).
    ToleranceChanged => "tolerance changed",
    /// `defaults.fail_on` changed (which statuses fail CI).
    FailOnChanged => "fail_on changed",
}

/// One change between the base and the head version.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Change {
    /// The goal's id (its head id when renamed); `null` for a file-wide setting.
    pub id: Option<String>,
    /// The goal's base id, for a renamed goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<String>,
    /// The goal's title (its id when it has none); for a file-wide setting, the setting.
    pub title: String,
    /// What changed.
    pub kind: ChangeKind,
    /// Whether the change makes the goal easier to meet, harder, or neither.
    pub effect: Effect,
    /// `effect == loosened`: what `--fail-on-loosened` fails on.
    pub loosens: bool,
    /// The old value, as text; `null` when there was none.
    pub before: Option<String>,
    /// The new value, as text; `null` when there is none.
    pub after: Option<String>,
    /// The file `line` is in: the head file, or the base file for a removed goal.
    pub file: String,
    /// 1-based line of the goal (or setting) in `file`.
    pub line: usize,
    /// For a change that loosens a goal: the reason the head version gives for it, a `why:`
    /// or `notes:` of the goal that is new or changed; `null` when none is given, and for
    /// every change that does not loosen a goal.
    pub reason: Option<Reason>,
    /// `loosened-without-reason` when the change loosens a goal and [`Change::reason`] is
    /// `null`: the goalposts moved and the file does not say why.
    pub finding: Option<Finding>,
}

/// The reason a loosened goal gives: the text of the `why:` or `notes:` it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reason {
    /// The key that says why: `why` or `notes` (`why` when both changed).
    pub key: ReasonKey,
    /// Its text in the head version.
    pub text: String,
}

/// Which key of a goal states a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonKey {
    /// `why:`, why the goal matters.
    Why,
    /// `notes:`, free text.
    Notes,
}

/// A finding of `diff` about a change. The id is stable (the JSON document and annotations
/// carry it) and distinct from every lint rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Finding {
    /// A goal was loosened (or removed) and the head version's `why:` and `notes:` of the
    /// goal are what they were: nothing in the file says why.
    #[serde(rename = "loosened-without-reason")]
    LoosenedWithoutReason,
}

impl Finding {
    /// The finding's stable id.
    pub fn id(self) -> &'static str {
        match self {
            Finding::LoosenedWithoutReason => "loosened-without-reason",
        }
    }
}

impl Change {
    /// The change a [`goal::Delta`] describes, for the goal (or setting) `id` titled `title`,
    /// at `line` of `file`; `loosens` follows from the delta's effect.
    fn from_delta(
        id: Option<String>,
        title: String,
        delta: goal::Delta,
        file: String,
        line: usize,
    ) -> Change {
        Change {
            id,
            previous_id: None,
            title,
            kind: delta.kind,
            effect: delta.effect,
            loosens: delta.effect == Effect::Loosened,
            before: delta.before,
            after: delta.after,
            file,
            line,
            reason: None,
            finding: None,
        }
    }

    /// Records what the goal says about a loosening: `reason` when it states one, the
    /// `loosened-without-reason` finding when it does not. Other changes need no reason.
    fn explain(&mut self, reason: Option<&Reason>) {
        if !self.loosens {
            return;
        }
        self.reason = reason.cloned();
        if self.reason.is_none() {
            self.finding = Some(Finding::LoosenedWithoutReason);
        }
    }
}

/// Sorts changes for output: loosened, then tightened, then neutral; within each, file-wide
/// settings, then goals in head-file order, then removed goals in base-file order.
fn sort(changes: &mut [(Position, Change)]) {
    changes.sort_by(|(pa, a), (pb, b)| {
        (a.effect, pa, a.kind, &a.id).cmp(&(b.effect, pb, b.kind, &b.id))
    });
}

/// Where a change sorts within its effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Position {
    /// A file-wide setting.
    File,
    /// A goal of the head file, by index.
    Head(usize),
    /// A removed goal, by its index in the base file.
    Base(usize),
}
