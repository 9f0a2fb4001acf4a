//! Stage 2 of the pipeline: the SMART lint rules of SPEC §4 that need no data, run over a
//! parsed goal file. Every rule runs; every finding is collected.

mod config;
mod data_rules;
mod file_rules;
mod goal_rules;
mod source_shape;
mod target_rules;

pub use config::{LevelOverrides, Levels, OverrideError};
pub use data_rules::{data_findings, source_findings};
pub use target_rules::ambition_finding;

use crate::catalog::Catalog;
use crate::diag::{Diagnostic, Level, Span};
use crate::rules::RuleId;
use crate::spec::ParsedFile;
use crate::spec::model::Goal;
use crate::spec::time::{GoalWindow, goal_window};

/// The outcome of linting one file.
#[derive(Debug)]
pub struct Linted {
    /// Findings at their effective levels (`off` ones dropped), in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// The catalog the file sees.
    pub catalog: Catalog,
    /// Each goal's window, in goal order (`None` where it could not be resolved).
    pub windows: Vec<Option<GoalWindow>>,
}

impl Linted {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }
}

/// Runs every lint rule over `parsed`.
pub fn lint(parsed: &ParsedFile, overrides: &LevelOverrides) -> Linted {
    let model = &parsed.model;
    let levels = Levels::new(&model.lint, overrides);
    let (catalog, problems) = Catalog::with_overrides(&model.metrics);
    let windows = model.goals.iter().map(|g| goal_window(g).ok()).collect();
    let mut ctx = Context {
        parsed,
        levels,
        catalog,
        out: Vec::new(),
    };
    file_rules::check(&mut ctx, &problems);
    for (index, goal) in model.goals.iter().enumerate() {
        goal_rules::check(&mut ctx, index, goal);
        target_rules::check(&mut ctx, index, goal);
    }
    let Context {
        catalog, mut out, ..
    } = ctx;
    out.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.bytes.start));
    Linted {
        diagnostics: out,
        catalog,
        windows,
    }
}

/// What rules read and where they write.
pub(crate) struct Context<'a> {
    pub parsed: &'a ParsedFile,
    pub levels: Levels,
    pub catalog: Catalog,
    out: Vec<Diagnostic>,
}

impl Context<'_> {
    /// A finding for `rule` at the value at `pointer`; the level comes from configuration.
    pub fn finding<'g>(
        &self,
        rule: RuleId,
        pointer: &str,
        message: impl Into<String>,
    ) -> Finding<'g> {
        Finding {
            diag: Diagnostic::new(rule, &self.parsed.source.display, message)
                .at(self.parsed.spans.value(pointer)),
            goal: None,
        }
    }

    /// The span of the key at `pointer`.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        self.parsed.spans.key(pointer)
    }

    /// Records a finding unless its level is `off`.
    pub fn emit(&mut self, finding: Finding) {
        let allowed: &[RuleId] = finding.goal.map_or(&[], |g| g.allow.as_slice());
        let level = self.levels.level(finding.diag.rule, allowed);
        if level != Level::Off {
            let goal = finding.goal.map(|g| g.id.as_str());
            self.out.push(finding.diag.level(level).goal(goal));
        }
    }
}

/// A diagnostic on its way out, with the goal whose `allow:` applies.
pub(crate) struct Finding<'g> {
    diag: Diagnostic,
    goal: Option<&'g Goal>,
}

impl<'g> Finding<'g> {
    /// Belongs to `goal` (its `allow:` applies; reports name it).
    pub fn goal(mut self, goal: &'g Goal) -> Self {
        self.goal = Some(goal);
        self
    }
    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.diag = self.diag.help(help);
        self
    }
    /// Sets the caret label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.diag = self.diag.label(label);
        self
    }
    /// Moves the caret to another span.
    pub fn at(mut self, span: Option<Span>) -> Self {
        self.diag = self.diag.at(span);
        self
    }
}

/// `/goals/3/target`: the JSON pointer of a goal field (empty `field`: the goal itself).
pub fn goal_pointer(index: usize, field: &str) -> String {
    if field.is_empty() {
        format!("/goals/{index}")
    } else {
        format!("/goals/{index}/{field}")
    }
}
