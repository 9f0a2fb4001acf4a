//! `goalpost history [FILE] --from DATE --to DATE --every day|week|month`: validate, read the
//! exports once, judge every goal as of each date, and print the status timeline. Exit codes:
//! 0 it ran (a history is a report, not a gate: `check` is the gate), 2 could not run.

use crate::Exit;
use crate::cli::HistoryArgs;
use crate::data::{self, DataError, InputFile, Rollups};
use crate::eval::{self, Evaluator};
use crate::failure::CannotRun;
use crate::history::{Timeline, render};
use crate::lint::{self, Levels};
use crate::resolve::history::{self as plan, HistoryPlan};
use crate::spec::ParsedFile;
use crate::timings::mark;

/// Runs the command.
pub fn run(args: &HistoryArgs) -> Exit {
    history(args).unwrap_or_else(|cannot| {
        cannot.print();
        Exit::Failed
    })
}

/// spec → lint → resolve → data (once) → eval (per date) → the timeline.
fn history(args: &HistoryArgs) -> Result<Exit, CannotRun> {
    mark("start");
    let overrides = plan::overrides(args)?;
    let (parsed, linted) = super::read_and_lint("history", &args.file, &overrides)?;
    let plan = HistoryPlan::new(args, overrides, &parsed.model)?;
    mark("read and lint the goal file");
    let needs = eval::needs(&parsed, &linted.catalog);
    let data = data::load(&parsed, &linted.catalog, &needs, &plan.data, &plan.timezone)
        .map_err(|errors| data_failure(&parsed, &errors))?;
    mark("read the exports");
    let unsourced = eval::unsourced(&parsed, &linted.catalog, &data, &needs);
    if !unsourced.is_empty() {
        return Err(data_failure(&parsed, &unsourced));
    }
    let levels = Levels::new(&parsed.model.lint, &plan.overrides);
    let rollups = Rollups::new(&data);
    let settings = plan.settings.eval(plan.to);
    let evaluator = Evaluator {
        parsed: &parsed,
        catalog: &linted.catalog,
        data: &data,
        windows: &linted.windows,
        settings: &settings,
        dims: &needs.dims,
        rollups: &rollups,
    };
    let outcomes = evaluator.evaluate_at(&plan.dates);
    mark("evaluate the goals on every date");
    let mut findings = linted.diagnostics.clone();
    findings.extend(lint::source_findings(&parsed, &levels, &data));
    findings.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.line));
    let doc = Timeline {
        parsed: &parsed,
        catalog: &linted.catalog,
        data: &data,
        plan: &plan,
        goal_file: InputFile::of_bytes(&parsed.source.display, parsed.source.text.as_bytes()),
    }
    .build(outcomes);
    mark("build the history");
    super::check::print_findings(&findings, &parsed);
    let stdout = render::render(&doc, args.format)?;
    let files = args
        .outputs
        .iter()
        .map(|o| render::render(&doc, o.format).map(|text| (o.path.as_path(), text)))
        .collect::<Result<Vec<_>, _>>()?;
    // No output replaces an input of this run: the goal file or an export.
    let inputs: Vec<(&std::path::Path, &str)> = doc
        .inputs
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let what = if i == 0 { "the goal file" } else { "an export" };
            (std::path::Path::new(&f.path), what)
        })
        .collect();
    let files: Vec<(&std::path::Path, &str)> =
        files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    super::write_files(&files, &inputs, true).map_err(CannotRun::problem)?;
    mark("render and write outputs");
    let printed = super::print_stdout(&stdout);
    mark("print stdout");
    crate::timings::report();
    Ok(if printed { Exit::Clean } else { Exit::Failed })
}

fn data_failure(parsed: &ParsedFile, errors: &[DataError]) -> CannotRun {
    super::data_failure("history", parsed, errors)
}
