//! Command-line arguments (clap) and dispatch to the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::Outcome;
use crate::commands;

/// Check SMART social-media KPI goals kept in YAML.
#[derive(Debug, Parser)]
#[command(name = "goalpost", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// goalpost's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate goal files: JSON Schema and SMART lint rules, no data read.
    Validate(ValidateArgs),
    /// List the built-in metric catalog.
    Metrics(MetricsArgs),
    /// Print the goal file's JSON Schema.
    Schema,
}

/// Arguments of `goalpost validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Goal files to validate.
    #[arg(default_value = "goals.yaml")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub levels: LevelArgs,
}

/// `--deny`, `--warn`, `--allow`: rule levels from the command line.
#[derive(Debug, Args, Default)]
pub struct LevelArgs {
    /// Make a lint rule an error (repeatable).
    #[arg(long = "deny", value_name = "RULE")]
    pub deny: Vec<String>,
    /// Make a lint rule a warning (repeatable).
    #[arg(long = "warn", value_name = "RULE")]
    pub warn: Vec<String>,
    /// Turn a lint rule off (repeatable).
    #[arg(long = "allow", value_name = "RULE")]
    pub allow: Vec<String>,
}

/// Arguments of `goalpost metrics`.
#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// Formats of reports that have a text and a JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Human-readable text.
    Text,
    /// JSON for machines.
    Json,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::Metrics(args) => commands::metrics::run(&args),
        Command::Schema => commands::schema::run(),
    }
}
