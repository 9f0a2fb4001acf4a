//! Command-line arguments (clap) and dispatch to the commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::Exit;
use crate::commands;
use crate::resolve::flags::{self, DataOverride, FailOn, FlagError, OutputTarget};

/// A clap value parser from one of [`flags`]' parsers.
fn flag<T: Clone + Send + Sync + 'static>(
    parse: fn(&str) -> Result<T, FlagError>,
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::TypedValueParser as _;
    clap::builder::StringValueParser::new().try_map(move |s: String| parse(&s))
}

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
    /// Evaluate every goal against its exports and report a scorecard.
    Check(CheckArgs),
    /// Show what changed in the goals between two git revisions (moved goalposts).
    Diff(DiffArgs),
    /// Judge every goal as of each date from `--from` to `--to`: a status timeline.
    History(HistoryArgs),
    /// List the built-in metric catalog.
    Metrics(MetricsArgs),
    /// Show what goalpost finds in exports, and a `sources:` entry that reads each one.
    Inspect(InspectArgs),
    /// Print the goal file's JSON Schema.
    Schema,
    /// Write a starter goals.yaml, a sample export and a GitHub workflow (never overwrites);
    /// with `--from`, a goals.yaml whose sources read your exports.
    Init(InitArgs),
    /// Print a shell completion script (e.g. `goalpost completions bash > goalpost.bash`).
    Completions(CompletionsArgs),
}

/// Arguments of `goalpost init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to write into (created when missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Write a goals.yaml whose sources are these exports, as `goalpost inspect` reads them
    /// (and the workflow; no sample export).
    #[arg(long = "from", value_name = "FILE", num_args = 1..)]
    pub from: Vec<PathBuf>,
    /// With `--from`: the year of the newest row of year-less exports (`year:`; default: this
    /// year, reported as a guess).
    #[arg(long, value_name = "YEAR", requires = "from")]
    pub year: Option<i16>,
}

/// Arguments of `goalpost inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The exports to inspect (CSV, JSON, NDJSON or a workbook).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// The year of the newest row of year-less exports (TikTok's `February 28`), for the
    /// suggested `year:` (default: this year, reported as a guess).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i16>,
}

/// Arguments of `goalpost completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `goalpost validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Goal files to validate.
    #[arg(default_value = "goals.yaml")]
    pub files: Vec<PathBuf>,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
    #[command(flatten)]
    pub levels: LevelArgs,
}

/// Formats of `goalpost validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    /// Compiler-style diagnostics on stderr.
    Text,
    /// JSON for machines.
    Json,
    /// GitHub workflow commands: an annotation on each finding's line.
    Github,
}

/// Arguments of `goalpost check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The goal file.
    #[arg(default_value = "goals.yaml")]
    pub file: PathBuf,
    /// Judge the goals as of this date (YYYY-MM-DD; default: today in the file's time zone).
    #[arg(long = "as-of", value_name = "DATE", value_parser = flag(flags::as_of))]
    pub as_of: Option<jiff::civil::Date>,
    /// Point a declared source at other files (repeatable; PATH is relative to the working
    /// directory).
    #[arg(long = "data", value_name = "NAME=PATH", value_parser = flag(DataOverride::parse))]
    pub data: Vec<DataOverride>,
    /// Output format on stdout.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Also write a format to a file, atomically (repeatable), e.g. `markdown:scorecard.md`.
    #[arg(short = 'o', long = "output", value_name = "FORMAT:PATH", value_parser = flag(OutputTarget::parse))]
    pub outputs: Vec<OutputTarget>,
    /// A Markdown template to render instead of the built-in scorecard.
    #[arg(long, value_name = "PATH")]
    pub template: Option<PathBuf>,
    /// A template to render the Slack message (`slack` format) instead of the built-in one.
    #[arg(long = "slack-template", value_name = "PATH")]
    pub slack_template: Option<PathBuf>,
    /// A template to render the Teams message (`teams` format) instead of the built-in one.
    #[arg(long = "teams-template", value_name = "PATH")]
    pub teams_template: Option<PathBuf>,
    /// Statuses that fail the check, comma-separated, or `none` (default: `defaults.fail_on`).
    #[arg(long = "fail-on", value_name = "STATUS,...|none", value_parser = flag(FailOn::parse))]
    pub fail_on: Option<FailOn>,
    /// Compare with an earlier run: the JSON document its `check -f json` wrote.
    #[arg(long = "since", value_name = "PREVIOUS.json")]
    pub since: Option<PathBuf>,
    /// Exit 1 when a goal with severity `error` slipped since `--since`'s run.
    #[arg(long = "fail-on-slip", requires = "since")]
    pub fail_on_slip: bool,
    #[command(flatten)]
    pub levels: LevelArgs,
}

/// Formats of `goalpost check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A terminal scorecard.
    Text,
    /// The versioned JSON document (specs/check.schema.json).
    Json,
    /// The Markdown scorecard (templates/scorecard.md.j2 or --template).
    Markdown,
    /// JUnit XML, one test case per goal.
    Junit,
    /// GitHub workflow commands (annotations).
    Github,
    /// A Slack message (Block Kit JSON): slipped and failing goals by owner.
    Slack,
    /// A Microsoft Teams message (an Adaptive Card): slipped and failing goals by owner.
    Teams,
}

/// Arguments of `goalpost history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The goal file.
    #[arg(default_value = "goals.yaml")]
    pub file: PathBuf,
    /// The first date to judge the goals as of (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = flag(flags::from_date))]
    pub from: jiff::civil::Date,
    /// The last date (YYYY-MM-DD; default: today in the file's time zone, as `check --as-of`).
    #[arg(long, value_name = "DATE", value_parser = flag(flags::to_date))]
    pub to: Option<jiff::civil::Date>,
    /// How far apart the dates are; the last date is always `--to`.
    #[arg(long, value_enum, default_value_t = crate::resolve::defaults::HISTORY_EVERY)]
    pub every: HistoryStep,
    /// Point a declared source at other files (repeatable; PATH is relative to the working
    /// directory).
    #[arg(long = "data", value_name = "NAME=PATH", value_parser = flag(DataOverride::parse))]
    pub data: Vec<DataOverride>,
    /// Output format on stdout.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
    /// Also write a format to a file, atomically (repeatable), e.g. `markdown:history.md`.
    #[arg(short = 'o', long = "output", value_name = "FORMAT:PATH", value_parser = flag(flags::HistoryOutput::parse))]
    pub outputs: Vec<flags::HistoryOutput>,
    #[command(flatten)]
    pub levels: LevelArgs,
}

/// How far apart the dates of `goalpost history` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum HistoryStep {
    /// Every day.
    Day,
    /// Every 7 days.
    Week,
    /// The same day of every month (the month's last day when it is shorter).
    Month,
}

/// Formats of `goalpost history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    /// Each goal's status changes, for a terminal.
    Text,
    /// The versioned JSON document (specs/history.schema.json).
    Json,
    /// A goals × dates table of status icons and a Mermaid chart per goal.
    Markdown,
}

/// Arguments of `goalpost diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The goal file (in the working tree; its path in the repository is read at each revision).
    #[arg(default_value = "goals.yaml")]
    pub file: PathBuf,
    /// The revision to compare against: a branch, tag or commit (`origin/main`).
    #[arg(long, value_name = "REF")]
    pub base: String,
    /// The revision to compare (default: the file in the working tree).
    #[arg(long, value_name = "REF")]
    pub head: Option<String>,
    /// Output format on stdout.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 1 when a change loosens a goal (a lower target, a later deadline, a removed goal…).
    #[arg(long)]
    pub fail_on_loosened: bool,
    /// With --fail-on-loosened: a loosening whose goal says why (a new or changed `why:` or
    /// `notes:`) does not fail; a removed goal or a file-wide setting always does.
    #[arg(long, requires = "fail_on_loosened")]
    pub allow_explained: bool,
}

/// Formats of `goalpost diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Compiler-style text.
    Text,
    /// The versioned JSON document (specs/diff.schema.json).
    Json,
    /// A Markdown section for a pull-request comment.
    Markdown,
    /// GitHub workflow commands (a warning per loosened goal).
    Github,
}

/// `--deny`, `--warn`, `--allow`: rule levels from the command line.
#[derive(Debug, Args, Default)]
pub struct LevelArgs {
    /// Every flag in command-line order, so that a later flag wins (filled by [`parse`]).
    #[arg(skip)]
    pub ordered: Vec<(crate::diag::Level, String)>,
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

/// Parses the process's arguments (exits 2 on bad ones, as clap does).
pub fn parse() -> Cli {
    parse_from(std::env::args_os())
}

/// Parses `args`, recording the order of `--deny/--warn/--allow` flags.
pub fn parse_from<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command()
        .try_get_matches_from(args)
        .unwrap_or_else(|e| exit_on(&e));
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match (&mut cli.command, matches.subcommand()) {
        (Command::Validate(args), Some(("validate", sub))) => {
            args.levels.ordered = ordered_levels(sub);
        }
        (Command::Check(args), Some(("check", sub))) => {
            args.levels.ordered = ordered_levels(sub);
        }
        (Command::History(args), Some(("history", sub))) => {
            args.levels.ordered = ordered_levels(sub);
        }
        _ => {}
    }
    cli
}

/// Exits as clap does, except that a flag value our own parsers refused prints their message
/// alone: it already names the flag and the fix.
fn exit_on(error: &clap::Error) -> ! {
    use std::error::Error as _;
    if let Some(flag) = error.source().and_then(|s| s.downcast_ref::<FlagError>()) {
        crate::failure::CannotRun::problem(crate::failure::Problem::new(flag.0.clone())).print();
        // Only `check` has such flags; in GitHub Actions its step outputs say it could not run.
        if let Some(runner) = crate::github::Runner::from_env() {
            runner.write_outputs(&crate::github::outputs::lines(2, None, None));
        }
        std::process::exit(Exit::Failed.exit_code());
    }
    error.exit()
}

fn ordered_levels(matches: &clap::ArgMatches) -> Vec<(crate::diag::Level, String)> {
    use crate::diag::Level;
    let mut flags: Vec<(usize, Level, String)> = Vec::new();
    for (id, level) in [
        ("deny", Level::Error),
        ("warn", Level::Warn),
        ("allow", Level::Off),
    ] {
        let (Some(values), Some(indices)) =
            (matches.get_many::<String>(id), matches.indices_of(id))
        else {
            continue;
        };
        flags.extend(indices.zip(values).map(|(i, v)| (i, level, v.clone())));
    }
    flags.sort_by_key(|(i, _, _)| *i);
    flags
        .into_iter()
        .map(|(_, level, rule)| (level, rule))
        .collect()
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Validate(args) => commands::validate::run(&args),
        Command::Check(args) => commands::check::run(&args),
        Command::Diff(args) => commands::diff::run(&args),
        Command::History(args) => commands::history::run(&args),
        Command::Metrics(args) => commands::metrics::run(&args),
        Command::Inspect(args) => commands::inspect::run(&args),
        Command::Schema => commands::schema::run(),
        Command::Init(args) => commands::init::run(&args),
        Command::Completions(args) => commands::completions::run(&args),
    }
}
