//! `check --since PREVIOUS.json`: what changed since an earlier run. The earlier run is read
//! from its JSON document (any version of it goalpost wrote: version 1 has only grown new
//! fields, so every field read here is in every document); goals are matched by id, and
//! goals that lost their id are paired with new ones the way `diff` pairs renames
//! ([`crate::diff::pair_twins`]), on what they measure rather than on their title.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::document::{Document, SCHEMA_VERSION};
use super::format;
use crate::catalog::{DurationUnit, Unit};
use crate::failure::Problem;
use crate::spec::model::{Every, Pass, Severity};
use crate::vocab::{Movement, Status};

/// Largest earlier report read (a year of daily values for a thousand goals fits).
pub const MAX_PREVIOUS_BYTES: u64 = 512 * 1024 * 1024;

/// The earlier run, as its document said.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The path given to `--since`.
    pub path: String,
    /// What the earlier document holds.
    doc: PastDocument,
}

/// The fields of an earlier document that `--since` reads; every other field is ignored, so
/// documents written before later fields were added read the same.
#[derive(Debug, Clone, Deserialize)]
struct PastDocument {
    as_of: String,
    file: String,
    #[serde(default)]
    currency: Option<String>,
    goals: Vec<PastGoal>,
}

/// One goal as a report shows it: its verdict and the definition renames are found by.
#[derive(Debug, Clone, Deserialize)]
struct PastGoal {
    id: String,
    title: String,
    #[serde(default)]
    owner: Option<String>,
    severity: Severity,
    status: Status,
    #[serde(default)]
    actual: Option<f64>,
    #[serde(default)]
    objective: Option<String>,
    #[serde(default)]
    metric: Option<PastMetric>,
    #[serde(default)]
    platforms: Option<Vec<String>>,
    #[serde(default)]
    accounts: Option<Vec<String>>,
    #[serde(default, rename = "where")]
    filter: IndexMap<String, Vec<String>>,
    #[serde(default)]
    window: Option<PastWindow>,
    #[serde(default)]
    target: Option<PastTarget>,
    #[serde(default)]
    members: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
struct PastMetric {
    id: String,
    unit: Unit,
    #[serde(default)]
    duration_unit: Option<DurationUnit>,
    #[serde(default)]
    currency: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
struct PastWindow {
    #[serde(default)]
    start: Option<String>,
    #[serde(default)]
    deadline: Option<String>,
    #[serde(default)]
    open_start: bool,
    #[serde(default)]
    rolling: Option<u32>,
    #[serde(default)]
    every: Option<Every>,
    #[serde(default)]
    pass: Option<Pass>,
}

#[derive(Debug, Clone, Deserialize)]
struct PastTarget {
    kind: String,
    written: String,
    #[serde(default)]
    low: Option<f64>,
    #[serde(default)]
    high: Option<f64>,
}

/// What changed since the earlier run: the `changes` section of the document.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Changes {
    /// The earlier run's as-of date.
    pub since: String,
    /// The earlier report, as given to `--since`.
    pub previous: String,
    /// The goal file the earlier run judged.
    pub previous_file: String,
    /// Goals per movement; every movement is present, zeros included.
    pub counts: IndexMap<Movement, usize>,
    /// Goals with severity `error` that slipped: with `--fail-on-slip` they make `check` exit 1.
    pub failing_slips: usize,
    /// Every goal of either run: slipped first, then recovered, changed, new, removed and
    /// unchanged; in the goal file's order within each (removed goals in the earlier order).
    pub goals: Vec<GoalChange>,
}

/// One goal's movement since the earlier run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GoalChange {
    /// The goal's id (the earlier id for a removed goal).
    pub id: String,
    /// The id the earlier run knew it by, when it was renamed.
    pub previous_id: Option<String>,
    /// Title (this run's; the earlier one for a removed goal).
    pub title: String,
    /// Owner.
    pub owner: Option<String>,
    /// `error` or `warn`.
    pub severity: Severity,
    /// How its status moved.
    pub movement: Movement,
    /// The earlier verdict (`null` for a new goal).
    pub previous: Option<Verdict>,
    /// This run's verdict (`null` for a removed goal).
    pub current: Option<Verdict>,
}

/// A goal's verdict in one run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verdict {
    /// The status.
    pub status: Status,
    /// The value; `null` when undefined.
    pub actual: Option<f64>,
    /// The value in its metric's unit, as reports show it (`2.5×`); `–` when undefined.
    pub shown: String,
    /// The target as a band (`≥ 4×`), when it has bounds.
    pub target: Option<String>,
}

impl Previous {
    /// Reads `path`: the JSON document of an earlier `goalpost check -f json`.
    ///
    /// # Errors
    /// The file cannot be read, is not JSON, is not a `check` report of goalpost, or was
    /// written by a newer goalpost; the message names the file, and line and column where the
    /// JSON says.
    pub fn read(path: &Path) -> Result<Previous, Problem> {
        let name = path.display().to_string();
        let help = "pass the JSON document of an earlier `goalpost check` \
                    (`-f json`, or `-o json:PATH`)";
        let bytes = crate::bounded_read::read_regular(path, MAX_PREVIOUS_BYTES)
            .map_err(|e| Problem::new(format!("cannot read --since {name}: {e}")).help(help))?;
        let header: Header = serde_json::from_slice(&bytes).map_err(|e| {
            let what = if e.is_data() {
                "not a goalpost check report (it is not a JSON object)"
            } else {
                "not JSON"
            };
            Problem::new(format!(
                "--since {name}:{}:{}: {what}: {}",
                e.line(),
                e.column(),
                strip_position(&e)
            ))
            .help(help)
        })?;
        identify(&header, &name, &bytes).map_err(|p| match p.help {
            Some(_) => p,
            None => p.help(help),
        })?;
        let doc: PastDocument = serde_json::from_slice(&bytes).map_err(|e| {
            Problem::new(format!(
                "--since {name}:{}:{}: not a check report this goalpost reads: {}",
                e.line(),
                e.column(),
                strip_position(&e)
            ))
            .help(help)
        })?;
        Ok(Previous { path: name, doc })
    }

    /// The earlier run's as-of date.
    #[must_use]
    pub fn as_of(&self) -> &str {
        &self.doc.as_of
    }
}

/// serde_json's message without its " at line L column C" (the message puts it first).
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The top of a document: enough to say what it is, without holding the rest in memory (the
/// typed read that follows keeps only what `--since` needs).
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    schema_version: Option<serde_json::Value>,
    #[serde(default)]
    tool: Option<serde_json::Value>,
    #[serde(default)]
    goals: Option<serde::de::IgnoredAny>,
}

/// Checks that `header` is a `check` report of goalpost in a version this build reads.
fn identify(header: &Header, name: &str, bytes: &[u8]) -> Result<(), Problem> {
    let tool = header
        .tool
        .as_ref()
        .and_then(|t| t.get("name"))
        .and_then(serde_json::Value::as_str);
    let version = header
        .schema_version
        .as_ref()
        .and_then(serde_json::Value::as_u64);
    let (Some("goalpost"), Some(version)) = (tool, version) else {
        let what = match tool {
            Some(other) => format!("it was written by `{other}`"),
            None => "it has no `tool.name` and `schema_version`".to_string(),
        };
        return Err(Problem::new(format!(
            "--since {name}: not a goalpost check report ({what})"
        )));
    };
    let at = line_of(bytes, "\"schema_version\"");
    if version > u64::from(SCHEMA_VERSION) {
        return Err(Problem::new(format!(
            "--since {name}:{at}: document version {version} was written by a newer goalpost \
             (this one reads version {SCHEMA_VERSION})"
        ))
        .help("upgrade goalpost, or pass a report that this version wrote"));
    }
    if version == 0 {
        return Err(Problem::new(format!(
            "--since {name}:{at}: document version 0 is no version goalpost wrote"
        )));
    }
    if header.goals.is_none() {
        return Err(Problem::new(format!(
            "--since {name}: a goalpost report, but not of `check` (it has no `goals` list; \
             `goalpost diff` writes another document)"
        )));
    }
    Ok(())
}

/// `LINE:COL` of the first `needle` in `bytes` (1:1 when absent).
fn line_of(bytes: &[u8], needle: &str) -> String {
    let text = String::from_utf8_lossy(bytes);
    let Some(at) = text.find(needle) else {
        return "1:1".into();
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("{line}:{column}")
}

/// What changed from `previous` to `doc`.
///
/// # Errors
/// The document could not be read back (it is built by goalpost, so this is a bug).
pub fn compare(previous: &Previous, doc: &Document) -> Result<Changes, Problem> {
    let current: Vec<PastGoal> = serde_json::to_value(&doc.goals)
        .and_then(serde_json::from_value)
        .map_err(|e| Problem::new(format!("cannot compare this run's goals: {e}")))?;
    let (earlier, removed) = match_goals(&previous.doc.goals, &current);
    let past_currency = previous.doc.currency.as_deref().unwrap_or(&doc.currency);
    let mut goals: Vec<GoalChange> = current
        .iter()
        .zip(earlier)
        .map(|(c, p)| {
            let movement = p.map_or(Movement::New, |p| Movement::between(p.status, c.status));
            GoalChange {
                previous_id: p.filter(|p| p.id != c.id).map(|p| p.id.clone()),
                previous: p.map(|p| verdict(p, past_currency)),
                current: Some(verdict(c, &doc.currency)),
                ..entry(c, movement)
            }
        })
        .collect();
    goals.extend(removed.into_iter().map(|p| GoalChange {
        previous: Some(verdict(p, past_currency)),
        ..entry(p, Movement::Removed)
    }));
    // A stable sort keeps file order within a movement.
    goals.sort_by_key(|g| g.movement);
    let mut counts: IndexMap<Movement, usize> = Movement::ALL.iter().map(|m| (*m, 0)).collect();
    for g in &goals {
        *counts.entry(g.movement).or_default() += 1;
    }
    Ok(Changes {
        since: previous.doc.as_of.clone(),
        previous: previous.path.clone(),
        previous_file: previous.doc.file.clone(),
        counts,
        failing_slips: goals.iter().filter(|g| g.fails_on_slip()).count(),
        goals,
    })
}

/// For each current goal the earlier goal it is (same id, or renamed from), and the earlier
/// goals that are gone.
fn match_goals<'a>(
    past: &'a [PastGoal],
    current: &'a [PastGoal],
) -> (Vec<Option<&'a PastGoal>>, Vec<&'a PastGoal>) {
    let past_ids: HashMap<&str, &PastGoal> = past.iter().map(|g| (g.id.as_str(), g)).collect();
    let current_ids: HashSet<&str> = current.iter().map(|g| g.id.as_str()).collect();
    let gone: Vec<&PastGoal> = past
        .iter()
        .filter(|g| !current_ids.contains(g.id.as_str()))
        .collect();
    let new: Vec<&PastGoal> = current
        .iter()
        .filter(|g| !past_ids.contains_key(g.id.as_str()))
        .collect();
    let renames = crate::diff::pair_twins(
        &gone,
        &new,
        |g| (g.id.as_str(), g.members.is_some()),
        |b, h, pairs| same_definition(b, h, pairs),
    );
    let renamed_from: HashMap<&str, &str> = renames.iter().map(|(old, new)| (*new, *old)).collect();
    let earlier = current
        .iter()
        .map(|c| {
            let id = renamed_from.get(c.id.as_str()).copied().unwrap_or(&c.id);
            past_ids.get(id).copied()
        })
        .collect();
    let removed = gone
        .into_iter()
        .filter(|p| !renames.contains_key(p.id.as_str()))
        .collect();
    (earlier, removed)
}

/// The entry of goal `g` with `movement` and no verdicts yet.
fn entry(g: &PastGoal, movement: Movement) -> GoalChange {
    GoalChange {
        id: g.id.clone(),
        previous_id: None,
        title: g.title.clone(),
        owner: g.owner.clone(),
        severity: g.severity,
        movement,
        previous: None,
        current: None,
    }
}

impl GoalChange {
    /// Whether this change fails `--fail-on-slip`: a goal with severity `error` slipped.
    #[must_use]
    pub fn fails_on_slip(&self) -> bool {
        self.movement == Movement::Slipped && self.severity == Severity::Error
    }
}

impl Changes {
    /// Whether anything moved: a goal slipped, recovered, changed status, or came or went.
    #[must_use]
    pub fn any(&self) -> bool {
        self.goals.iter().any(|g| g.movement != Movement::Unchanged)
    }
}

fn verdict(g: &PastGoal, currency: &str) -> Verdict {
    let show = |v: Option<f64>| match &g.metric {
        Some(m) => format::value(
            v,
            m.unit,
            m.duration_unit,
            m.currency.as_deref().unwrap_or(currency),
        ),
        None => v.map_or_else(|| "–".into(), crate::spec::scalars::format_number),
    };
    Verdict {
        status: g.status,
        actual: g.actual,
        shown: show(g.actual),
        target: g
            .target
            .as_ref()
            .and_then(|t| format::band(t.low, t.high, show)),
    }
}

/// Whether two goals differ in nothing judged, as far as their reports say: the metric, scope,
/// window, target as written, objective, severity and members (through `renames`). Titles,
/// owners and notes may differ, as in `diff`; an open window's start comes from the data, so it
/// is not compared.
fn same_definition(a: &PastGoal, b: &PastGoal, renames: &HashMap<&str, &str>) -> bool {
    let window = |g: &PastGoal| {
        g.window.clone().map(|mut w| {
            if w.open_start {
                w.start = None;
            }
            w
        })
    };
    let target = |g: &PastGoal| {
        g.target
            .as_ref()
            .map(|t| (t.kind.clone(), t.written.clone()))
    };
    let members = |g: &PastGoal, map: bool| {
        g.members.as_ref().map(|ids| {
            ids.iter()
                .map(|id| {
                    let renamed = renames.get(id.as_str()).filter(|_| map);
                    renamed.map_or_else(|| id.clone(), |n| (*n).to_string())
                })
                .collect::<Vec<_>>()
        })
    };
    a.metric.as_ref().map(|m| &m.id) == b.metric.as_ref().map(|m| &m.id)
        && a.platforms == b.platforms
        && a.accounts == b.accounts
        && a.filter == b.filter
        && window(a) == window(b)
        && target(a) == target(b)
        && a.objective == b.objective
        && a.severity == b.severity
        && members(a, true) == members(b, false)
}
