//! `goalpost check [FILE]`: validate, read the exports, evaluate every goal as of a date, and
//! report in one or more formats (SPEC §3, §5, §6). Exit codes: 0 all good, 1 a goal fails the
//! check (or a data rule set to `error` fires), 2 could not run.

use std::io::Write;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use jiff::tz::TimeZone;

use crate::Outcome;
use crate::cli::{CheckArgs, CheckFormat};
use crate::data::{self, DataError, InputFile};
use crate::diag::{Diagnostic, DiagnosticRenderer, Level};
use crate::eval::{self, Evaluator, Rollups, Settings};
use crate::github::{self as actions, Runner};
use crate::lint::{self, Levels};
use crate::report::build::{Inputs, build};
use crate::report::{Document, github, junit, markdown, text};
use crate::spec::model::Status;
use crate::spec::{self, ParsedFile};

/// Why `check` could not run: diagnostics to show (with the text they point into) or a message.
struct Failure {
    diagnostics: Vec<Diagnostic>,
    source: Option<String>,
    message: Option<String>,
}

impl Failure {
    fn message(m: impl Into<String>) -> Self {
        Failure {
            diagnostics: Vec::new(),
            source: None,
            message: Some(m.into()),
        }
    }
}

/// Runs the command. In GitHub Actions (`GITHUB_ACTIONS=true`) it also appends the Markdown
/// scorecard to `$GITHUB_STEP_SUMMARY` and the counts to `$GITHUB_OUTPUT` (only `exit-code=2`
/// when it could not run).
pub fn run(args: &CheckArgs) -> Outcome {
    let runner = Runner::from_env();
    match check(args, runner.as_ref()) {
        Ok(outcome) => outcome,
        Err(failure) => {
            let renderer = renderer();
            let mut err = anstream::stderr().lock();
            for d in &failure.diagnostics {
                let source = (d.file == args.file.display().to_string())
                    .then_some(failure.source.as_deref())
                    .flatten();
                let _ = writeln!(err, "{}\n", renderer.render(d, source).trim_end());
            }
            let message = failure.message.unwrap_or_else(|| {
                let errors = failure
                    .diagnostics
                    .iter()
                    .filter(|d| d.level == Level::Error)
                    .count();
                format!(
                    "check could not run: {errors} error{}",
                    if errors == 1 { "" } else { "s" }
                )
            });
            let _ = writeln!(err, "{message}");
            if let Some(runner) = &runner {
                runner.write_outputs(&actions::outputs::lines(2, None, None));
            }
            Outcome::Failed
        }
    }
}

fn renderer() -> DiagnosticRenderer {
    DiagnosticRenderer::new(
        anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never,
    )
}

fn check(args: &CheckArgs, runner: Option<&Runner>) -> Result<Outcome, Failure> {
    crate::timings::mark("start");
    let overrides = super::validate::level_overrides(&args.levels)
        .map_err(|m| Failure::message(format!("error: {m}")))?;
    let fail_on_flag = args.fail_on.as_deref().map(parse_fail_on).transpose()?;
    let outputs = parse_outputs(&args.outputs)?;
    let template = read_template(args.template.as_deref())?;
    let data_paths = parse_data(&args.data)?;

    let parsed = spec::load(&args.file).map_err(|f| Failure {
        source: f.source.map(|s| s.text),
        diagnostics: f.diagnostics,
        message: None,
    })?;
    let linted = lint::lint(&parsed, &overrides);
    if linted.has_errors() {
        return Err(Failure {
            diagnostics: linted.diagnostics,
            source: Some(parsed.source.text.clone()),
            message: Some(
                "check could not run: the goal file has errors (see `goalpost validate`)".into(),
            ),
        });
    }
    let model = &parsed.model;
    let tz_name = model.timezone.clone().unwrap_or_else(|| "UTC".into());
    let tz = TimeZone::get(&tz_name)
        .map_err(|_| Failure::message(format!("error: unknown time zone `{tz_name}`")))?;
    let as_of = match &args.as_of {
        Some(text) => spec::scalars::Date::parse(text)
            .map(|d| d.0)
            .ok_or_else(|| {
                Failure::message(format!(
                    "error: --as-of `{text}` is not a date (YYYY-MM-DD)"
                ))
            })?,
        None => jiff::Timestamp::now().to_zoned_datetime(tz.clone()).date(),
    };
    crate::timings::mark("read and lint the goal file");
    let needs = eval::needs(&parsed, &linted.catalog);
    let data = data::load(&parsed, &linted.catalog, &needs, &data_paths, &tz)
        .map_err(|errors| data_failure(&parsed, &errors))?;
    crate::timings::mark("read the exports");
    crate::timings::note(|| {
        let rows: u64 = data.sources.iter().map(|s| s.rows).sum();
        let series: usize = data.sources.iter().map(|s| s.table.series.len()).sum();
        let cells: usize = data.sources.iter().map(|s| s.table.cells()).sum();
        format!("{rows} rows, {series} series, {cells} day × metric cells allocated")
    });
    let unsourced = eval::unsourced(&parsed, &linted.catalog, &data, &needs);
    if !unsourced.is_empty() {
        return Err(data_failure(&parsed, &unsourced));
    }

    let levels = Levels::new(&model.lint, &overrides);
    let rollups = Rollups::new(&data);
    let evaluator = Evaluator {
        parsed: &parsed,
        catalog: &linted.catalog,
        data: &data,
        windows: &linted.windows,
        settings: settings(&parsed, as_of),
        levels: &levels,
        dims: &needs.dims,
        rollups: &rollups,
    };
    let mut lint_findings = linted.diagnostics.clone();
    let outcomes: Vec<_> = evaluator
        .evaluate_all()
        .into_iter()
        .map(|judged| {
            judged.map(|(outcome, findings)| {
                lint_findings.extend(findings);
                outcome
            })
        })
        .collect();
    crate::timings::mark("evaluate the goals");
    lint_findings.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.line));
    let data_rule_errors = lint_findings.iter().any(|d| d.level == Level::Error);
    let doc = build(Inputs {
        parsed: &parsed,
        catalog: &linted.catalog,
        data: &data,
        outcomes: &outcomes,
        lint: lint_findings,
        as_of: as_of.to_string(),
        timezone: tz_name,
        fail_on: fail_on_flag.unwrap_or_else(|| {
            model
                .defaults
                .fail_on
                .clone()
                .unwrap_or(vec![Status::OffTrack, Status::Missed])
        }),
        goal_file: InputFile::of_bytes(&parsed.source.display, parsed.source.text.as_bytes()),
    });

    crate::timings::mark("build the report");
    free_in_background((data, rollups));
    report_lint(&doc, &parsed);
    crate::timings::mark("print findings");
    let template_ref = template.as_ref().map(|(n, s)| (n.as_str(), s.as_str()));
    let failing = doc.summary.failing > 0 || data_rule_errors;
    deliver(args, runner, &doc, &outputs, template_ref, failing)
}

/// Renders every requested output (all before anything is written), writes the `-o` files,
/// prints stdout, and in GitHub Actions appends the step summary and outputs.
fn deliver(
    args: &CheckArgs,
    runner: Option<&Runner>,
    doc: &Document,
    outputs: &[(CheckFormat, PathBuf)],
    template: Option<(&str, &str)>,
    failing: bool,
) -> Result<Outcome, Failure> {
    let mut rendered = Rendered::new(doc, template, runner);
    let stdout = rendered.get(args.format, stdout_color())?;
    let files = outputs
        .iter()
        .map(|(format, path)| rendered.get(*format, false).map(|text| (path, text)))
        .collect::<Result<Vec<_>, _>>()?;
    let summary = runner
        .map(|_| rendered.get(CheckFormat::Markdown, false))
        .transpose()?;
    for (path, text) in &files {
        super::write_atomically(path, text, true).map_err(Failure::message)?;
    }
    crate::timings::mark("render and write outputs");
    let printed = super::print_stdout(&stdout);
    crate::timings::mark("print stdout");
    crate::timings::report();
    let outcome = if !printed {
        Outcome::Failed
    } else if failing {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    if let (Some(runner), Some(markdown)) = (runner, summary) {
        let scorecard = outputs
            .iter()
            .find(|(f, _)| *f == CheckFormat::Markdown)
            .map(|(_, p)| p.as_path());
        runner.write_summary(&markdown);
        let lines = actions::outputs::lines(outcome.exit_code(), Some(doc), scorecard);
        runner.write_outputs(&lines);
    }
    Ok(outcome)
}

fn settings(parsed: &ParsedFile, as_of: jiff::civil::Date) -> Settings {
    let d = &parsed.model.defaults;
    Settings {
        as_of,
        tolerance: d.tolerance.map_or(0.1, |t| t.value),
        stale_after: d.stale_after.map_or(7, |s| s.0),
        min_sample: d.min_sample.map_or(100.0, |m| m as f64),
    }
}

fn data_failure(parsed: &ParsedFile, errors: &[DataError]) -> Failure {
    Failure {
        diagnostics: errors.iter().map(|e| e.to_diagnostic(parsed)).collect(),
        source: Some(parsed.source.text.clone()),
        message: Some(format!(
            "check could not run: {} data error{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )),
    }
}

/// Frees the tables on another thread while the outputs are written: returning thousands of
/// pages to the allocator takes longer than rendering the scorecard.
fn free_in_background<T: Send + 'static>(tables: T) {
    std::thread::spawn(move || drop(tables));
}

/// Lint findings go to stderr, like `validate` prints them, in one write: stderr is unbuffered,
/// and a benchmark's goal file draws thousands of findings.
fn report_lint(doc: &Document, parsed: &ParsedFile) {
    let renderer = renderer();
    let mut text = String::new();
    for d in &doc.lint {
        text.push_str(renderer.render(d, Some(&parsed.source.text)).trim_end());
        text.push_str("\n\n");
    }
    let _ = anstream::stderr().lock().write_all(text.as_bytes());
}

/// Whether text on stdout gets colors (a terminal, no `NO_COLOR`); files never do.
fn stdout_color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Each format rendered once, however many of stdout, `-o` and the step summary ask for it.
struct Rendered<'a> {
    doc: &'a Document,
    template: Option<(&'a str, &'a str)>,
    runner: Option<&'a Runner>,
    done: Vec<((CheckFormat, bool), String)>,
}

impl<'a> Rendered<'a> {
    fn new(
        doc: &'a Document,
        template: Option<(&'a str, &'a str)>,
        runner: Option<&'a Runner>,
    ) -> Self {
        Rendered {
            doc,
            template,
            runner,
            done: Vec::new(),
        }
    }

    /// `format` rendered (`color` applies to text only).
    fn get(&mut self, format: CheckFormat, color: bool) -> Result<String, Failure> {
        let key = (format, color && format == CheckFormat::Text);
        if let Some((_, text)) = self.done.iter().find(|(k, _)| *k == key) {
            return Ok(text.clone());
        }
        let text = self.render(format, key.1)?;
        self.done.push((key, text.clone()));
        Ok(text)
    }

    fn render(&self, format: CheckFormat, color: bool) -> Result<String, Failure> {
        let doc = self.doc;
        Ok(match format {
            CheckFormat::Text => text::render(doc, color),
            CheckFormat::Json => {
                let mut s = serde_json::to_string_pretty(doc)
                    .map_err(|e| Failure::message(format!("error: {e}")))?;
                s.push('\n');
                s
            }
            CheckFormat::Markdown => markdown::render(doc, self.template)
                .map_err(|e| Failure::message(format!("error: the template failed: {e}")))?,
            CheckFormat::Junit => junit::render(doc),
            CheckFormat::Github => github::render(doc, |file| match self.runner {
                Some(runner) => runner.annotation_path(file),
                None => file.to_string(),
            }),
        })
    }
}

fn parse_fail_on(text: &str) -> Result<Vec<Status>, Failure> {
    if text.trim() == "none" {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|s| {
            let s = s.trim();
            crate::report::format::from_name(&s.replace(' ', "_")).ok_or_else(|| {
                Failure::message(format!(
                    "error: --fail-on: `{s}` is not a status (pending, no_data, achieved, on_track, at_risk, off_track, missed, or none)"
                ))
            })
        })
        .collect()
}

fn parse_outputs(specs: &[String]) -> Result<Vec<(CheckFormat, PathBuf)>, Failure> {
    use clap::ValueEnum;
    specs
        .iter()
        .map(|spec| {
            let (format, path) = spec.split_once(':').filter(|(_, p)| !p.is_empty()).ok_or_else(|| {
                Failure::message(format!("error: -o `{spec}`: expected FORMAT:PATH, e.g. markdown:scorecard.md"))
            })?;
            let format = CheckFormat::from_str(format, true).map_err(|_| {
                Failure::message(format!("error: -o `{spec}`: unknown format `{format}` (text, json, markdown, junit, github)"))
            })?;
            Ok((format, PathBuf::from(path)))
        })
        .collect()
}

fn parse_data(specs: &[String]) -> Result<IndexMap<String, PathBuf>, Failure> {
    specs
        .iter()
        .map(|spec| {
            spec.split_once('=')
                .filter(|(n, p)| !n.is_empty() && !p.is_empty())
                .map(|(n, p)| (n.to_string(), PathBuf::from(p)))
                .ok_or_else(|| {
                    Failure::message(format!(
                        "error: --data `{spec}`: expected NAME=PATH, e.g. instagram=exports/ig.csv"
                    ))
                })
        })
        .collect()
}

fn read_template(path: Option<&Path>) -> Result<Option<(String, String)>, Failure> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::message(format!(
            "error: cannot read the template {}: {e}",
            path.display()
        ))
    })?;
    Ok(Some((path.display().to_string(), text)))
}
