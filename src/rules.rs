//! The registry of diagnostic rules: stable kebab-case ids, default levels and the SMART letter
//! each one guards. docs/lint-rules.md documents every id; a test keeps the two in step.

use serde::{Deserialize, Serialize};

use crate::diag::Level;

macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $id:literal, $letter:literal, $level:ident, $configurable:literal; )*) => {
        /// A diagnostic rule. Its id (`as_str`) is stable: users write it in `lint:` and `allow:`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum RuleId {
            $( $(#[$doc])* #[serde(rename = $id)] $variant, )*
        }

        impl RuleId {
            /// Every rule, in documentation order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The rule's stable id.
            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$variant => $id,)* }
            }

            /// The SMART letter the rule guards (`S`, `M`, `A`, `R`, `T`), or `-`.
            pub fn smart(self) -> &'static str {
                match self { $(RuleId::$variant => $letter,)* }
            }

            /// The level used when nothing configures the rule.
            pub fn default_level(self) -> Level {
                match self { $(RuleId::$variant => Level::$level,)* }
            }

            /// Whether `lint:`, `allow:` and `--deny/--warn/--allow` may change the rule's level.
            /// Problems that stop the file from being read at all cannot be turned off.
            pub fn configurable(self) -> bool {
                match self { $(RuleId::$variant => $configurable,)* }
            }

            /// The rule with this id, if any.
            pub fn parse(id: &str) -> Option<RuleId> {
                RuleId::ALL.iter().copied().find(|r| r.as_str() == id)
            }
        }
    };
}

rules! {
    /// The goal file is not valid YAML, or breaks a safety limit.
    Yaml = "yaml", "-", Error, false;
    /// The file does not match the JSON Schema (unknown key, wrong type, …).
    Schema = "schema", "-", Error, false;
    /// A goal's keys do not form a goal: metric + target or all_of; period or deadline; …
    GoalShape = "goal-shape", "S", Error, false;
    /// Two goals share an id.
    DuplicateId = "duplicate-id", "S", Error, false;
    /// A source is neither a file (`path:`) nor a query (`sql:` + `url: env:NAME`), is both, has
    /// a literal database URL, or gives a query keys only files have.
    SourceShape = "source-shape", "-", Error, false;
    /// The metric is neither built in nor defined.
    UnknownMetric = "unknown-metric", "M", Error, true;
    /// The platform is neither built in nor declared.
    UnknownPlatform = "unknown-platform", "S", Error, true;
    /// `objective:` names no objective.
    UnknownObjective = "unknown-objective", "R", Error, true;
    /// `all_of:` names no goal, or a composite that contains itself.
    UnknownGoal = "unknown-goal", "S", Error, true;
    /// `timezone:` is not an IANA time zone name.
    UnknownTimezone = "unknown-timezone", "T", Error, true;
    /// A literal's unit does not fit the metric.
    UnitMismatch = "unit-mismatch", "M", Error, true;
    /// A relative target without a baseline.
    MissingBaseline = "missing-baseline", "M", Error, true;
    /// The goal window is empty, or a period does not exist.
    DeadlineBeforeStart = "deadline-before-start", "T", Error, true;
    /// A formula does not parse, names unknown metrics, or is circular.
    BadFormula = "bad-formula", "M", Error, true;
    /// A vanity metric without `why:`.
    VanityMetric = "vanity-metric", "R", Warn, true;
    /// The goal serves no objective.
    NoObjective = "no-objective", "R", Warn, true;
    /// The target pushes the metric in its worse direction.
    DirectionConflict = "direction-conflict", "A", Warn, true;
    /// The baseline already meets the target.
    TrivialTarget = "trivial-target", "A", Warn, true;
    /// The target needs more than 3× the baseline.
    AmbitiousTarget = "ambitious-target", "A", Warn, true;
    /// A percent target above 1 written without `%`.
    RatioAsNumber = "ratio-as-number", "M", Warn, true;
    /// A non-additive metric summed over more than one day.
    NonAdditive = "non-additive", "M", Warn, true;
    /// A sum metric's baseline window differs in length by more than 10%.
    BaselineLength = "baseline-length", "A", Warn, true;
    /// The goal window is longer than 366 days.
    LongHorizon = "long-horizon", "T", Warn, true;
    /// A sum metric's goal has no start.
    OpenWindow = "open-window", "T", Warn, true;
    /// A recurring sum goal's window starts or ends inside a bucket, whose target is prorated.
    ClippedBucket = "clipped-bucket", "T", Warn, true;
    /// A source is declared and never used.
    UnusedSource = "unused-source", "-", Warn, true;
    /// An objective is declared and no goal serves it.
    UnusedObjective = "unused-objective", "-", Warn, true;
    /// The goal names no owner.
    NoOwner = "no-owner", "-", Off, true;
    /// `check`: the newest data is older than `stale_after`.
    Stale = "stale", "T", Warn, true;
    /// `check`: the deadline passed before the data reached it.
    Incomplete = "incomplete", "T", Warn, true;
    /// `check`: a rate whose denominator is below `min_sample`.
    SmallSample = "small-sample", "M", Warn, true;
    /// `check`: `pace: seasonal` or `weekday` has no shape to follow; the goal is paced linearly.
    PaceFallback = "pace-fallback", "T", Warn, true;
    /// `check`: a count metric's window total is not a whole number.
    FractionalCount = "fractional-count", "M", Warn, true;
    /// `check`: rows with values but no date, which no window counts.
    UndatedRows = "undated-rows", "-", Warn, true;
    /// `check`: malformed rows left out because the source says `on_error: skip`.
    SkippedRows = "skipped-rows", "-", Warn, true;
    /// `check`: a source's files hold a header but no data rows.
    EmptySource = "empty-source", "-", Warn, true;
    /// `check`: a source's platform column holds values that map to no known platform.
    UnmappedPlatform = "unmapped-platform", "-", Warn, true;
    /// `check`: an export cannot be read, a cell is malformed, or no source provides a metric.
    Data = "data", "-", Error, false;
}

/// A plain string enum, so that editors complete rule ids and the `lint:` table rejects unknown
/// ones with a suggestion.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for RuleId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RuleId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        schemars::json_schema!({
            "type": "string",
            "enum": ids,
            "description": "A lint rule id; docs/lint-rules.md lists them all.",
        })
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for rule in RuleId::ALL {
            let id = rule.as_str();
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id} is not kebab-case"
            );
            assert_eq!(RuleId::parse(id), Some(*rule));
            let json = serde_json::to_string(rule).unwrap();
            assert_eq!(json, format!("\"{id}\""));
        }
    }
}
