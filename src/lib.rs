//! goalpost: SMART social-media KPI goals kept in YAML — validated against a JSON Schema and
//! SMART lint rules, evaluated against the team's analytics exports, and reported as
//! scorecards, with compiler-style diagnostics.
//!
//! The pipeline flows one way, one module a stage:
//!
//! [`spec`] (read, parse with positions, schema, typed model) → [`lint`] (SMART rules; the data
//! rules run after evaluation) → [`resolve`] (the file plus the command line become one
//! [`resolve::Plan`], every default applied there) → [`data`] (read the exports into day
//! tables) → [`eval`] (judge every goal, verdicts) → [`report`] (the JSON document and its
//! renderings).
//!
//! Beside the stages: [`vocab`] holds the shared small enums (statuses, units, …) and their
//! names; [`catalog`] the metric definitions every stage reads; [`diff`] compares two versions
//! of a goal file; [`github`] is `check` inside GitHub Actions; [`failure`] is the one shape of
//! "could not run"; [`cli`] and [`commands`] wire it all to the command line.

pub mod bounded_read;
pub mod catalog;
pub mod cli;
pub mod data;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod failure;
pub mod github;
pub mod history;
pub mod lint;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod spec;
pub mod suggest;
pub mod threads;
pub mod timings;
pub mod vocab;

pub mod commands;

pub use cli::{Cli, run};

/// How a command ended; `main` maps it to the process exit code (README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// All good (exit 0).
    Clean,
    /// Findings: errors in `validate` (exit 1).
    Findings,
    /// Could not run: bad arguments, unreadable input (exit 2).
    Failed,
}

impl Exit {
    /// The process exit code.
    pub fn exit_code(self) -> i32 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Failed => 2,
        }
    }
}
