//! The typed values of `check`'s flags, parsed by clap value parsers: what the user typed,
//! checked for form only. [`super::Plan`] turns them, with the goal file, into the run's plan.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::cli::CheckFormat;
use crate::spec::scalars::Date;
use crate::vocab::Status;

/// A flag value of the right type but the wrong form. Its message names the flag and the fix;
/// the command line prints it as `error: MESSAGE` and exits 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError(pub String);

impl std::fmt::Display for FlagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlagError {}

/// `--fail-on STATUS,...|none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailOn(pub Vec<Status>);

impl FailOn {
    /// Parses `off_track,missed`, `off track`, or `none`.
    ///
    /// # Errors
    /// A name that is no status.
    pub fn parse(text: &str) -> Result<FailOn, FlagError> {
        if text.trim() == "none" {
            return Ok(FailOn(Vec::new()));
        }
        text.split(',')
            .map(|s| {
                Status::parse_loose(s).ok_or_else(|| {
                    FlagError(format!(
                        "--fail-on: `{}` is not a status ({}, or none)",
                        s.trim(),
                        Status::names()
                    ))
                })
            })
            .collect::<Result<_, _>>()
            .map(FailOn)
    }
}

/// `-o FORMAT:PATH`: a format written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    /// The format.
    pub format: CheckFormat,
    /// Where it goes.
    pub path: PathBuf,
}

impl OutputTarget {
    /// Parses `markdown:scorecard.md`.
    ///
    /// # Errors
    /// No `:`, an empty path, or an unknown format.
    pub fn parse(spec: &str) -> Result<OutputTarget, FlagError> {
        let (format, path) = format_and_path::<CheckFormat>(spec, "markdown:scorecard.md")?;
        Ok(OutputTarget { format, path })
    }
}

/// `FORMAT:PATH` of an `-o` flag, the format one of `F`'s values; `example` shows the form.
fn format_and_path<F: ValueEnum>(spec: &str, example: &str) -> Result<(F, PathBuf), FlagError> {
    let (format, path) = spec
        .split_once(':')
        .filter(|(_, p)| !p.is_empty())
        .ok_or_else(|| FlagError(format!("-o `{spec}`: expected FORMAT:PATH, e.g. {example}")))?;
    let format = F::from_str(format, true).map_err(|_| {
        let names: Vec<String> = F::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        FlagError(format!(
            "-o `{spec}`: unknown format `{format}` ({})",
            names.join(", ")
        ))
    })?;
    Ok((format, PathBuf::from(path)))
}

/// `--data NAME=PATH`: a declared source pointed at other files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataOverride {
    /// The source's key in `sources:`.
    pub source: String,
    /// The file (relative to the working directory).
    pub path: PathBuf,
}

impl DataOverride {
    /// Parses `instagram=exports/ig.csv`.
    ///
    /// # Errors
    /// No `=`, or an empty name or path.
    pub fn parse(spec: &str) -> Result<DataOverride, FlagError> {
        spec.split_once('=')
            .filter(|(n, p)| !n.is_empty() && !p.is_empty())
            .map(|(n, p)| DataOverride {
                source: n.to_string(),
                path: PathBuf::from(p),
            })
            .ok_or_else(|| {
                FlagError(format!(
                    "--data `{spec}`: expected NAME=PATH, e.g. instagram=exports/ig.csv"
                ))
            })
    }
}

/// `--as-of DATE`.
///
/// # Errors
/// Text that is no calendar date.
pub fn as_of(text: &str) -> Result<jiff::civil::Date, FlagError> {
    date_flag("--as-of", text)
}

/// `history --from DATE`.
///
/// # Errors
/// Text that is no calendar date.
pub fn from_date(text: &str) -> Result<jiff::civil::Date, FlagError> {
    date_flag("--from", text)
}

/// `history --to DATE`.
///
/// # Errors
/// Text that is no calendar date.
pub fn to_date(text: &str) -> Result<jiff::civil::Date, FlagError> {
    date_flag("--to", text)
}

fn date_flag(flag: &str, text: &str) -> Result<jiff::civil::Date, FlagError> {
    Date::parse(text)
        .map(|d| d.0)
        .ok_or_else(|| FlagError(format!("{flag} `{text}` is not a date (YYYY-MM-DD)")))
}

/// `history -o FORMAT:PATH`: a format of the status history written to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryOutput {
    /// The format.
    pub format: crate::cli::HistoryFormat,
    /// Where it goes.
    pub path: PathBuf,
}

impl HistoryOutput {
    /// Parses `markdown:history.md`.
    ///
    /// # Errors
    /// No `:`, an empty path, or a format `history` does not write.
    pub fn parse(spec: &str) -> Result<HistoryOutput, FlagError> {
        let (format, path) =
            format_and_path::<crate::cli::HistoryFormat>(spec, "markdown:history.md")?;
        Ok(HistoryOutput { format, path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_accepts_names_spaces_and_none() {
        assert_eq!(
            FailOn::parse("off_track, at risk").unwrap().0,
            vec![Status::OffTrack, Status::AtRisk]
        );
        assert!(FailOn::parse("none").unwrap().0.is_empty());
        let err = FailOn::parse("late").unwrap_err().0;
        assert!(
            err.contains("`late` is not a status (pending, no_data"),
            "{err}"
        );
    }

    #[test]
    fn outputs_and_data_need_both_halves() {
        let o = OutputTarget::parse("markdown:card.md").unwrap();
        assert_eq!(o.format, CheckFormat::Markdown);
        assert!(OutputTarget::parse("markdown:").is_err());
        let err = OutputTarget::parse("pdf:x").unwrap_err().0;
        assert!(
            err.ends_with("(text, json, markdown, junit, github, slack, teams)"),
            "{err}"
        );
        assert!(DataOverride::parse("=x.csv").is_err());
        assert_eq!(
            DataOverride::parse("ig=a=b").unwrap().path,
            PathBuf::from("a=b")
        );
    }
}
