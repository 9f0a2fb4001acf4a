//! `goalpost check [FILE]`: validate, read the exports, evaluate every goal as of a date, and
//! report in one or more formats. Exit codes: 0 all good, 1 a goal fails the check (or a data
//! rule set to `error` fires), 2 could not run.

use std::io::Write;

use crate::Exit;
use crate::cli::{CheckArgs, CheckFormat};
use crate::data::{self, DataError, InputFile, Rollups};
use crate::diag::{Diagnostic, DiagnosticRenderer, Level};
use crate::eval::{self, Evaluator};
use crate::failure::CannotRun;
use crate::github::{self as actions, Runner};
use crate::lint::{self, Levels};
use crate::report::build::{Inputs, build};
use crate::report::render::Renders;
use crate::report::{Document, annotations, markdown, since};
use crate::resolve::{Plan, Request};
use crate::spec::ParsedFile;
use crate::timings::mark;

/// Runs the command. In GitHub Actions (`GITHUB_ACTIONS=true`) it also appends the Markdown
/// scorecard to `$GITHUB_STEP_SUMMARY` and the counts to `$GITHUB_OUTPUT` (only `exit-code=2`
/// when it could not run).
pub fn run(args: &CheckArgs) -> Exit {
    let runner = Runner::from_env();
    check(args, runner.as_ref()).unwrap_or_else(|cannot| {
        cannot.print();
        report_cannot_run(args, runner.as_ref(), &cannot);
        Exit::Failed
    })
}

/// A run that could not proceed stays visible where the scorecard would have been: `-f github`
/// annotates each located error, and in GitHub Actions the job summary and every
/// `-o markdown:PATH` (which the Action posts as the sticky comment) say what stopped it, so a
/// red job never sits next to last week's scorecard.
fn report_cannot_run(args: &CheckArgs, runner: Option<&Runner>, cannot: &CannotRun) {
    let path = |file: &str| runner.map_or_else(|| file.to_string(), |r| r.annotation_path(file));
    if args.format == CheckFormat::Github {
        let problems: Vec<String> = cannot.problems.iter().map(ToString::to_string).collect();
        let lines = annotations::for_diagnostics(&cannot.diagnostics, &problems, path);
        super::print_stdout(&lines);
    }
    let Some(runner) = runner else { return };
    let page = markdown::cannot_run(&cannot.render(false));
    runner.write_summary(&page);
    let mut scorecard = None;
    for o in args
        .outputs
        .iter()
        .filter(|o| o.format == CheckFormat::Markdown)
    {
        if super::write_atomically(&o.path, &page, true).is_ok() {
            scorecard = Some(o.path.as_path());
        }
    }
    runner.write_outputs(&actions::outputs::lines(2, None, scorecard));
}

/// The pipeline: spec → lint → resolve → data → eval → report.
fn check(args: &CheckArgs, runner: Option<&Runner>) -> Result<Exit, CannotRun> {
    mark("start");
    let request = Request::new(args)?;
    let (parsed, linted) = super::read_and_lint("check", &args.file, &request.overrides)?;
    let plan = Plan::new(request, &parsed.model)?;
    mark("read and lint the goal file");
    let mut needs = eval::needs(&parsed, &linted.catalog);
    needs.days = eval::days_read(
        &parsed,
        &linted.catalog,
        &needs,
        &linted.windows,
        plan.eval_settings().as_of,
    );
    let data = data::load(&parsed, &linted.catalog, &needs, &plan.data, &plan.timezone)
        .map_err(|errors| data_failure(&parsed, &errors))?;
    mark("read the exports");
    crate::timings::note(|| data.describe());
    let unsourced = eval::unsourced(&parsed, &linted.catalog, &data, &needs);
    if !unsourced.is_empty() {
        return Err(data_failure(&parsed, &unsourced));
    }
    let levels = Levels::new(&parsed.model.lint, &plan.overrides);
    let rollups = Rollups::new(&data);
    let settings = plan.eval_settings();
    let evaluator = Evaluator {
        parsed: &parsed,
        catalog: &linted.catalog,
        data: &data,
        windows: &linted.windows,
        settings: &settings,
        dims: &needs.dims,
        rollups: &rollups,
    };
    let evaluated = evaluator.evaluate_all();
    mark("evaluate the goals");
    let verdicts = eval::verdicts(&parsed.model, &evaluated, &plan.settings.fail_on);
    let mut findings = linted.diagnostics.clone();
    findings.extend(lint::source_findings(&parsed, &levels, &data));
    findings.extend(lint::data_findings(
        &parsed,
        &linted.catalog,
        &levels,
        &settings,
        &evaluated,
    ));
    findings.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.line));
    let mut failing = verdicts.fails() || findings.iter().any(|d| d.level == Level::Error);
    let mut doc = build(Inputs {
        parsed: &parsed,
        catalog: &linted.catalog,
        data: &data,
        outcomes: &evaluated,
        verdicts: &verdicts,
        lint: findings,
        plan: &plan,
        goal_file: InputFile::of_bytes(&parsed.source.display, parsed.source.text.as_bytes()),
    });
    if let Some(previous) = &plan.previous {
        let changes = since::compare(previous, &doc).map_err(CannotRun::problem)?;
        failing |= plan.fail_on_slip && changes.failing_slips > 0;
        doc.changes = Some(changes);
    }
    mark("build the report");
    free_in_background((data, rollups));
    print_findings(&doc.lint, &parsed);
    mark("print findings");
    deliver(&plan, runner, &doc, failing)
}

/// Renders every requested output (all before anything is written), writes the `-o` files,
/// prints stdout, and in GitHub Actions appends the step summary and outputs.
fn deliver(
    plan: &Plan,
    runner: Option<&Runner>,
    doc: &Document,
    failing: bool,
) -> Result<Exit, CannotRun> {
    let annotation_path = |file: &str| match runner {
        Some(runner) => runner.annotation_path(file),
        None => file.to_string(),
    };
    let mut renders = Renders::new(doc, plan.template.as_ref(), &annotation_path)
        .with_chat_templates(&plan.chat_templates);
    let stdout = renders.get(plan.stdout, stdout_color())?;
    let files = plan
        .outputs
        .iter()
        .map(|o| renders.get(o.format, false).map(|text| (&o.path, text)))
        .collect::<Result<Vec<_>, _>>()?;
    let summary = runner
        .map(|_| renders.get(CheckFormat::Markdown, false))
        .transpose()?;
    // No output replaces an input of this run: the goal file, an export, the template.
    let inputs: Vec<(&std::path::Path, &str)> = doc
        .inputs
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let what = if i == 0 { "the goal file" } else { "an export" };
            (std::path::Path::new(&f.path), what)
        })
        .chain(
            plan.template
                .iter()
                .chain(&plan.chat_templates.slack)
                .chain(&plan.chat_templates.teams)
                .map(|t| (std::path::Path::new(&t.name), "the template")),
        )
        .collect();
    let files: Vec<(&std::path::Path, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_path(), t.as_str()))
        .collect();
    super::write_files(&files, &inputs, true).map_err(CannotRun::problem)?;
    mark("render and write outputs");
    let printed = super::print_stdout(&stdout);
    mark("print stdout");
    crate::timings::report();
    let outcome = match (printed, failing) {
        (false, _) => Exit::Failed,
        (true, true) => Exit::Findings,
        (true, false) => Exit::Clean,
    };
    if let (Some(runner), Some(markdown)) = (runner, summary) {
        runner.write_summary(&markdown);
        let lines = actions::outputs::lines(outcome.exit_code(), Some(doc), plan.scorecard_path());
        runner.write_outputs(&lines);
    }
    Ok(outcome)
}

fn data_failure(parsed: &ParsedFile, errors: &[DataError]) -> CannotRun {
    super::data_failure("check", parsed, errors)
}

/// Frees the tables on another thread while the outputs are written: returning thousands of
/// pages to the allocator takes longer than rendering the scorecard.
fn free_in_background<T: Send + 'static>(tables: T) {
    std::thread::spawn(move || drop(tables));
}

/// Lint findings go to stderr, like `validate` prints them, in one write: stderr is unbuffered,
/// and a benchmark's goal file draws thousands of findings.
pub(super) fn print_findings(findings: &[Diagnostic], parsed: &ParsedFile) {
    let color = anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never;
    let renderer = DiagnosticRenderer::new(color);
    let mut text = String::new();
    for d in findings {
        text.push_str(renderer.render(d, Some(&parsed.source.text)).trim_end());
        text.push_str("\n\n");
    }
    let _ = anstream::stderr().lock().write_all(text.as_bytes());
}

/// Whether text on stdout gets colors (a terminal, no `NO_COLOR`); files never do.
fn stdout_color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}
