//! The resolve stage: the linted goal file plus the command line become one fully resolved
//! [`Plan`] — as-of date, time zone, fail_on, tolerance, currency, outputs, template — with
//! every default applied here and nowhere else ([`defaults`]).
//!
//! It runs in two phases, as the inputs arrive: [`Request`] checks what the flags alone decide
//! (rule levels, the template) before the goal file is read; [`Plan::new`] adds what needs the
//! file (its time zone decides "today").

pub mod defaults;
pub mod flags;
pub mod history;

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::cli::{CheckArgs, CheckFormat, LevelArgs};
use crate::diag::Level;
use crate::eval::Settings;
use crate::failure::Problem;
use crate::lint::LevelOverrides;
use crate::spec::model::GoalFile;
use crate::vocab::Status;
pub use flags::{DataOverride, FailOn, FlagError, OutputTarget};

/// The goal file's own settings with the defaults applied: what `check` judges by and what
/// `diff` compares.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSettings {
    /// The at-risk band as a fraction of the target (`defaults.tolerance`).
    pub tolerance: f64,
    /// Days after which data is stale (`defaults.stale_after`).
    pub stale_after: u32,
    /// The smallest denominator a rate is trusted on (`defaults.min_sample`).
    pub min_sample: f64,
    /// Statuses that fail the check (`defaults.fail_on`).
    pub fail_on: Vec<Status>,
    /// The currency code money is shown in (`currency:`).
    pub currency: String,
    /// The time zone's name (`timezone:`).
    pub timezone: String,
    /// How running sums are paced when a goal does not say (`defaults.pace`).
    pub pace: crate::vocab::Pace,
}

impl FileSettings {
    /// The settings of `model`, defaults applied.
    #[must_use]
    pub fn of(model: &GoalFile) -> FileSettings {
        let d = &model.defaults;
        FileSettings {
            tolerance: d.tolerance.map_or(defaults::TOLERANCE, |t| t.value),
            stale_after: d.stale_after.map_or(defaults::STALE_AFTER_DAYS, |s| s.0),
            #[allow(clippy::cast_precision_loss)] // a sample size is far below 2^52
            min_sample: d.min_sample.map_or(defaults::MIN_SAMPLE, |m| m as f64),
            fail_on: d
                .fail_on
                .clone()
                .unwrap_or_else(|| defaults::FAIL_ON.to_vec()),
            currency: model
                .currency
                .as_ref()
                .map_or(defaults::CURRENCY, |c| c.as_str())
                .to_string(),
            timezone: model
                .timezone
                .clone()
                .unwrap_or_else(|| defaults::TIMEZONE.to_string()),
            pace: d.pace.unwrap_or(defaults::PACE),
        }
    }

    /// The settings an evaluation as of `as_of` judges by.
    #[must_use]
    pub fn eval(&self, as_of: Date) -> Settings {
        Settings {
            as_of,
            tolerance: self.tolerance,
            stale_after: self.stale_after,
            min_sample: self.min_sample,
            pace: self.pace,
        }
    }
}

/// A user's Markdown template.
#[derive(Debug, Clone)]
pub struct Template {
    /// Its path, for messages.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// What the flags alone decide, checked before the goal file is read.
#[derive(Debug)]
pub struct Request<'a> {
    /// The arguments.
    pub args: &'a CheckArgs,
    /// `--deny/--warn/--allow`.
    pub overrides: LevelOverrides,
    /// `--template`, read.
    pub template: Option<Template>,
    /// `--since`, read.
    pub previous: Option<crate::report::since::Previous>,
    /// `--slack-template` and `--teams-template`, read.
    pub chat_templates: ChatTemplates,
}

/// The templates of chat messages the user gave.
#[derive(Debug, Clone, Default)]
pub struct ChatTemplates {
    /// `--slack-template`.
    pub slack: Option<Template>,
    /// `--teams-template`.
    pub teams: Option<Template>,
}

impl<'a> Request<'a> {
    /// Checks the rule flags and reads the template.
    ///
    /// # Errors
    /// An unknown or fixed rule, or an unreadable template.
    pub fn new(args: &'a CheckArgs) -> Result<Request<'a>, Problem> {
        Ok(Request {
            args,
            overrides: level_overrides(&args.levels)?,
            template: args.template.as_deref().map(read_template).transpose()?,
            previous: args
                .since
                .as_deref()
                .map(crate::report::since::Previous::read)
                .transpose()?,
            chat_templates: ChatTemplates {
                slack: args
                    .slack_template
                    .as_deref()
                    .map(read_template)
                    .transpose()?,
                teams: args
                    .teams_template
                    .as_deref()
                    .map(read_template)
                    .transpose()?,
            },
        })
    }
}

/// Everything one `check` run needs, resolved.
#[derive(Debug)]
pub struct Plan {
    /// The file's settings, `--fail-on` applied.
    pub settings: FileSettings,
    /// The time zone "today" and dates are read in.
    pub timezone: TimeZone,
    /// The date the goals are judged as of.
    pub as_of: Date,
    /// The format printed on stdout.
    pub stdout: CheckFormat,
    /// `-o` files.
    pub outputs: Vec<OutputTarget>,
    /// `--template`.
    pub template: Option<Template>,
    /// `--since`: the earlier run.
    pub previous: Option<crate::report::since::Previous>,
    /// `--fail-on-slip`.
    pub fail_on_slip: bool,
    /// `--slack-template`, `--teams-template`.
    pub chat_templates: ChatTemplates,
    /// `--data`: files to read instead of a source's own.
    pub data: IndexMap<String, PathBuf>,
    /// `--deny/--warn/--allow`.
    pub overrides: LevelOverrides,
}

impl Plan {
    /// The plan for `model`, given the checked flags.
    ///
    /// # Errors
    /// An unknown time zone.
    pub fn new(request: Request, model: &GoalFile) -> Result<Plan, Problem> {
        let args = request.args;
        let mut settings = FileSettings::of(model);
        if let Some(FailOn(statuses)) = &args.fail_on {
            settings.fail_on.clone_from(statuses);
        }
        let timezone = TimeZone::get(&settings.timezone)
            .map_err(|_| Problem::new(format!("unknown time zone `{}`", settings.timezone)))?;
        check_data_sources(&args.data, model)?;
        let as_of = args.as_of.unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned_datetime(timezone.clone())
                .date()
        });
        Ok(Plan {
            settings,
            timezone,
            as_of,
            stdout: args.format,
            outputs: args.outputs.clone(),
            template: request.template,
            previous: request.previous,
            fail_on_slip: args.fail_on_slip,
            chat_templates: request.chat_templates,
            data: args
                .data
                .iter()
                .map(|d| (d.source.clone(), d.path.clone()))
                .collect(),
            overrides: request.overrides,
        })
    }

    /// The settings the evaluation judges by.
    #[must_use]
    pub fn eval_settings(&self) -> Settings {
        self.settings.eval(self.as_of)
    }

    /// The path of the Markdown scorecard an `-o markdown:PATH` writes, if any.
    #[must_use]
    pub fn scorecard_path(&self) -> Option<&Path> {
        self.outputs
            .iter()
            .find(|o| o.format == CheckFormat::Markdown)
            .map(|o| o.path.as_path())
    }
}

/// `--deny/--warn/--allow`, in command-line order (a later flag wins).
///
/// # Errors
/// A rule that does not exist or cannot be configured.
pub fn level_overrides(args: &LevelArgs) -> Result<LevelOverrides, Problem> {
    let mut overrides = LevelOverrides::default();
    // `ordered` keeps command-line order (a later flag wins); a library caller that fills only
    // the three lists gets deny, then warn, then allow.
    let grouped: Vec<(Level, String)> = [
        (&args.deny, Level::Error),
        (&args.warn, Level::Warn),
        (&args.allow, Level::Off),
    ]
    .into_iter()
    .flat_map(|(rules, level)| rules.iter().map(move |r| (level, r.clone())))
    .collect();
    let flags = if args.ordered.is_empty() {
        &grouped
    } else {
        &args.ordered
    };
    for (level, rule) in flags {
        overrides.set(rule, *level).map_err(|e| Problem::new(e.0))?;
    }
    Ok(overrides)
}

/// Every `--data NAME=PATH` names a declared source: a typo must not leave the committed export
/// in place unnoticed.
fn check_data_sources(data: &[DataOverride], model: &GoalFile) -> Result<(), Problem> {
    let known: Vec<&str> = model.sources.keys().map(|k| k.as_str()).collect();
    let Some(unknown) = data.iter().find(|d| !known.contains(&d.source.as_str())) else {
        return Ok(());
    };
    let problem = Problem::new(format!(
        "--data `{}={}`: the goal file has no source `{}`",
        unknown.source,
        unknown.path.display(),
        unknown.source
    ));
    Err(
        match crate::suggest::did_you_mean(&unknown.source, &known) {
            Some(near) => problem.help(format!("did you mean `{near}`?")),
            None if known.is_empty() => problem.help("the goal file declares no `sources:`"),
            None => problem.help(format!(
                "its sources are {}",
                crate::suggest::quote_list(&known)
            )),
        },
    )
}

fn read_template(path: &Path) -> Result<Template, Problem> {
    let bytes = crate::bounded_read::read_regular(path, MAX_TEMPLATE_BYTES)
        .map_err(|e| Problem::new(format!("cannot read the template {}: {e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(valid.rsplit(|&b| b == b'\n').next().unwrap_or_default())
            .chars()
            .count()
            + 1;
        Problem::new(format!(
            "cannot read the template {}:{line}:{column}: the file is not valid UTF-8 (an invalid byte here)",
            path.display()
        ))
    })?;
    Ok(Template {
        name: path.display().to_string(),
        text,
    })
}

/// Largest template read (`--template`).
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;
