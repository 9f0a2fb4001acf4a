//! goalpost: SMART social-media KPI goals kept in YAML — validated against a JSON Schema and
//! SMART lint rules, with compiler-style diagnostics.
//!
//! The pipeline flows one way: [`spec`] (read, parse, schema) → [`lint`] (SMART rules) →
//! reports. [`catalog`] holds the metric definitions every stage reads; [`cli`] wires the
//! stages to the command line.

pub mod catalog;
pub mod cli;
pub mod data;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod failure;
pub mod github;
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

/// How a command ended; `main` maps it to the exit code of SPEC §5.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// All good (exit 0).
    Clean,
    /// Findings: errors in `validate` (exit 1).
    Findings,
    /// Could not run: bad arguments, unreadable input (exit 2).
    Failed,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Failed => 2,
        }
    }
}
