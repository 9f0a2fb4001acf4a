//! Rule levels: defaults, then the goal file's `lint:`, then the command line; a goal's
//! `allow:` silences a rule for that goal only.

use std::collections::HashMap;

use crate::diag::Level;
use crate::rules::RuleId;

/// Levels set on the command line (`--deny`, `--warn`, `--allow`), applied after the file's.
#[derive(Debug, Clone, Default)]
pub struct LevelOverrides {
    levels: Vec<(RuleId, Level)>,
}

/// A rule named on the command line that does not exist or cannot be configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverrideError(pub String);

impl LevelOverrides {
    /// Adds `--deny/--warn/--allow RULE`; later flags win.
    pub fn set(&mut self, rule: &str, level: Level) -> Result<(), OverrideError> {
        let Some(id) = RuleId::parse(rule) else {
            let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
            let hint = crate::suggest::did_you_mean(rule, &ids).map_or_else(
                || " (see `docs/lint-rules.md`)".to_string(),
                |s| format!("; did you mean `{s}`?"),
            );
            return Err(OverrideError(format!("unknown lint rule `{rule}`{hint}")));
        };
        if !id.configurable() {
            return Err(OverrideError(format!(
                "rule `{rule}` cannot be configured: a file that breaks it cannot be read"
            )));
        }
        self.levels.push((id, level));
        Ok(())
    }
}

/// The effective level of every rule for one goal file.
#[derive(Debug, Clone)]
pub struct Levels {
    levels: HashMap<RuleId, Level>,
}

impl Levels {
    /// Defaults, overridden by the file's `lint:` entries and then by the command line.
    pub fn new<'a>(
        file: impl IntoIterator<Item = (&'a RuleId, &'a Level)>,
        cli: &LevelOverrides,
    ) -> Levels {
        let mut levels: HashMap<RuleId, Level> = RuleId::ALL
            .iter()
            .map(|r| (*r, r.default_level()))
            .collect();
        for (rule, level) in file.into_iter().filter(|(r, _)| r.configurable()) {
            levels.insert(*rule, *level);
        }
        for (rule, level) in &cli.levels {
            levels.insert(*rule, *level);
        }
        Levels { levels }
    }

    /// The level of `rule`, for a goal that allows `allowed`.
    pub fn level(&self, rule: RuleId, allowed: &[RuleId]) -> Level {
        if rule.configurable() && allowed.contains(&rule) {
            return Level::Off;
        }
        self.levels
            .get(&rule)
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_cli_then_goal_allow() {
        let file = [
            (RuleId::VanityMetric, Level::Error),
            (RuleId::NoOwner, Level::Warn),
        ];
        let mut cli = LevelOverrides::default();
        cli.set("no-owner", Level::Off).unwrap();
        let levels = Levels::new(file.iter().map(|(r, l)| (r, l)), &cli);
        assert_eq!(levels.level(RuleId::VanityMetric, &[]), Level::Error);
        assert_eq!(levels.level(RuleId::NoOwner, &[]), Level::Off);
        assert_eq!(
            levels.level(RuleId::VanityMetric, &[RuleId::VanityMetric]),
            Level::Off
        );
        assert_eq!(levels.level(RuleId::OpenWindow, &[]), Level::Warn);
    }

    #[test]
    fn cli_rejects_unknown_and_structural_rules() {
        let mut cli = LevelOverrides::default();
        let err = cli.set("vanity-metrc", Level::Off).unwrap_err();
        assert!(err.0.contains("did you mean `vanity-metric`"), "{}", err.0);
        assert!(cli.set("schema", Level::Off).is_err());
    }
}
