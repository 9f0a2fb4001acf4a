//! The JSON Schema of the goal file: generated from the typed model, committed to
//! `specs/goalpost.schema.json`, and used to validate a parsed file, with every error mapped back
//! to the source node that caused it (the key itself for an unknown key).

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

#[cfg(feature = "schema")]
use super::model::GoalFile;
use super::yaml::{SpanIndex, push_pointer};
use crate::diag::{Diagnostic, Span};
use crate::rules::RuleId;
use crate::suggest::{did_you_mean, quote_list};

/// The committed schema, as shipped in the binary and printed by `goalpost schema`.
pub const SCHEMA_TEXT: &str = include_str!("../../specs/goalpost.schema.json");

/// Where editors fetch the schema from (the `$id`).
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/goalpost/goalpost/main/specs/goalpost.schema.json";

/// Generates the schema from the Rust types, formatted as committed.
#[cfg(feature = "schema")]
pub fn generate() -> String {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<GoalFile>();
    schema.insert("$id".into(), SCHEMA_ID.into());
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

fn schema_json() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null))
}

/// Compiles the schema's validator now, so that the first validation does not wait for it.
pub fn compile() {
    validator();
}

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        // The committed schema is checked by tests; failing here would be a build defect.
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(schema_json())
            .expect("the committed goal file schema compiles")
    })
}

/// Validates `instance` against the schema; every error becomes a located diagnostic.
pub fn validate(instance: &Value, spans: &SpanIndex, file: &str) -> Vec<Diagnostic> {
    let mapper = ErrorMapper {
        root: schema_json(),
        instance,
        spans,
        file,
    };
    let mut out: Vec<Diagnostic> = Vec::new();
    // A yes/no check stops at the first failure and builds no errors: cheap on the usual,
    // valid file; the errors are only collected for a file that has some.
    if validator().is_valid(instance) {
        return out;
    }
    for error in validator().iter_errors(instance) {
        let goal = goal_of(instance, error.instance_path().as_str());
        for diag in mapper.describe(&error) {
            let diag = diag.goal(goal.as_deref());
            if !out.contains(&diag) {
                out.push(diag);
            }
        }
    }
    out.sort_by_key(|d| d.span.as_ref().map(|s| s.bytes.start));
    out
}

/// For a `YYYY-MM-DD` that is no calendar day (`2027-02-30`), what the month really has.
fn missing_day(text: &str) -> Option<String> {
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (year, month, day): (i16, i8, i8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&month) {
        return Some(format!(
            "there is no month {month}: months run from 01 to 12"
        ));
    }
    let first = jiff::civil::Date::new(year, month, 1).ok()?;
    let days = first.days_in_month();
    (day < 1 || day > days).then(|| {
        format!(
            "that day does not exist: {} {year} has {days} days",
            first.strftime("%B")
        )
    })
}

struct ErrorMapper<'a> {
    root: &'a Value,
    instance: &'a Value,
    spans: &'a SpanIndex,
    file: &'a str,
}

impl ErrorMapper<'_> {
    fn describe(&self, error: &ValidationError) -> Vec<Diagnostic> {
        let here = error.instance_path().as_str();
        let schema_path = error.schema_path().as_str();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let parent = self.schema_at(parent_path(schema_path));
                unexpected
                    .iter()
                    .map(|key| self.unknown_key(here, key, &[parent]))
                    .collect()
            }
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => self.alternatives(error, context),
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let what = self.describe_value_name(here);
                vec![
                    self.diag(
                        format!("missing required key `{name}` in {what}"),
                        self.spans.key(here),
                    )
                    .label(format!("`{name}` is required here")),
                ]
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => format!("{t}"),
                    TypeKind::Multiple(ts) => ts
                        .iter()
                        .map(|t| format!("{t}"))
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                let found = json_type(error.instance());
                let diag = self
                    .diag(
                        format!(
                            "expected {} for `{}`, found {found}",
                            a_an(&expected),
                            last_segment(here)
                        ),
                        self.spans.value(here),
                    )
                    .label(format!("this is {}", a_an(found)));
                vec![self.with_description(diag, parent_path(schema_path))]
            }
            ValidationErrorKind::Enum { options } => {
                let value = error.instance().as_str().map(str::to_string);
                let choices: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|o| o.as_str().map_or(o.to_string(), str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let shown = value
                    .clone()
                    .unwrap_or_else(|| error.instance().to_string());
                let mut diag = self
                    .diag(
                        format!("`{shown}` is not a valid `{}`", last_segment(here)),
                        self.spans.value(here),
                    )
                    .label("not one of the allowed values");
                let candidates: Vec<&str> = choices.iter().map(String::as_str).collect();
                diag = match value.as_deref().and_then(|v| did_you_mean(v, &candidates)) {
                    Some(best) => diag.help(format!("did you mean `{best}`?")),
                    None => diag.help(format!("expected one of: {}", quote_list(&candidates))),
                };
                vec![diag]
            }
            ValidationErrorKind::Constant { expected_value } => {
                let found = error.instance();
                let message = format!(
                    "`{}` must be {expected_value}, found {found}",
                    last_segment(here)
                );
                let diag = self
                    .diag(message, self.spans.value(here))
                    .label(format!("this is {}", a_an(json_type(found))));
                vec![self.with_description(diag, parent_path(schema_path))]
            }
            ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
                let shown = error
                    .instance()
                    .as_str()
                    .map_or(error.instance().to_string(), str::to_string);
                let diag = self
                    .diag(
                        format!("`{shown}` is not a valid `{}`", last_segment(here)),
                        self.spans.value(here),
                    )
                    .label("invalid value");
                if let Some(help) = missing_day(&shown) {
                    return vec![diag.label("no such day").help(help)];
                }
                vec![self.with_description(diag, parent_path(schema_path))]
            }
            _ => vec![self.diag(
                format!("`{}`: {error}", last_segment(here)),
                self.spans.value(here),
            )],
        }
    }

    /// anyOf / oneOf: find the alternative the user meant and report its errors, instead of
    /// "not valid under any of the given schemas".
    fn alternatives(
        &self,
        error: &ValidationError,
        branches: &[Vec<ValidationError<'static>>],
    ) -> Vec<Diagnostic> {
        let here = error.instance_path().as_str();
        let at_here = |e: &ValidationError| e.instance_path().as_str() == here;
        let shape_mismatch = |e: &ValidationError| at_here(e) && is_shape_mismatch(e);
        // Each fitting alternative with its index under the anyOf/oneOf.
        let fitting: Vec<(usize, &Vec<ValidationError>)> = branches
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.iter().any(shape_mismatch))
            .collect();
        // The keyword location ends in `/anyOf`; the schema that owns it has the description.
        let owner = self.schema_at(parent_path(error.schema_path().as_str()));
        let mismatch = || {
            let found = json_type(error.instance());
            let diag = self
                .diag(
                    format!("`{}` has the wrong form ({found})", last_segment(here)),
                    self.spans.value(here),
                )
                .label(format!("this is {}", a_an(found)));
            vec![self.with_description_of(diag, &[owner])]
        };
        if fitting.is_empty() {
            if let Some(diags) = self.const_choice(error, branches) {
                return diags;
            }
            // An optional value (`anyOf: [X, null]`): the problem is inside X.
            let not_null: Vec<&Vec<ValidationError>> =
                branches.iter().filter(|b| !is_null_mismatch(b)).collect();
            if let [branch] = not_null.as_slice()
                && let [inner] = branch.as_slice()
                && matches!(
                    inner.kind(),
                    ValidationErrorKind::AnyOf { .. } | ValidationErrorKind::OneOfNotValid { .. }
                )
            {
                return self.describe(inner);
            }
            return mismatch();
        }
        // A key that no fitting alternative knows is a typo: say so, with a suggestion.
        if let Some(object) = error.instance().as_object() {
            let unknown: Vec<&String> = object
                .keys()
                .filter(|k| {
                    fitting
                        .iter()
                        .all(|(_, b)| b.iter().any(|e| at_here(e) && is_unexpected(e, k)))
                })
                .collect();
            if !unknown.is_empty() {
                let schemas: Vec<&Value> = fitting
                    .iter()
                    .map(|(i, _)| self.schema_at(&branch_root(error.schema_path().as_str(), *i)))
                    .collect();
                return unknown
                    .into_iter()
                    .map(|k| self.unknown_key(here, k, &schemas))
                    .collect();
            }
        }
        // Every alternative only complains about which keys are present: the object mixes forms.
        let only_key_errors = fitting.iter().all(|(_, b)| {
            b.iter().all(|e| {
                at_here(e)
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::AdditionalProperties { .. }
                            | ValidationErrorKind::Required { .. }
                    )
            })
        });
        if only_key_errors {
            let keys: Vec<&str> = error
                .instance()
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let message = if keys.is_empty() {
                format!("`{}` is empty", last_segment(here))
            } else {
                format!(
                    "`{}` mixes forms: {}",
                    last_segment(here),
                    quote_list(&keys)
                )
            };
            let diag = self
                .diag(message, self.spans.value(here))
                .label("choose one form");
            return vec![self.with_description_of(diag, &[owner])];
        }
        fitting
            .into_iter()
            .map(|(_, b)| b)
            .min_by_key(|b| (b.iter().filter(|e| at_here(e)).count(), b.len()))
            .map(|b| b.iter().flat_map(|e| self.describe(e)).collect())
            .unwrap_or_default()
    }

    /// A oneOf of `const` values (an enum whose variants carry docs): report it like an enum.
    fn const_choice(
        &self,
        error: &ValidationError,
        branches: &[Vec<ValidationError<'static>>],
    ) -> Option<Vec<Diagnostic>> {
        let mut choices = Vec::new();
        for branch in branches {
            match branch.as_slice() {
                [e] => match e.kind() {
                    ValidationErrorKind::Constant { expected_value } => {
                        choices.push(expected_value.as_str()?.to_string())
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        let here = error.instance_path().as_str();
        let shown = error
            .instance()
            .as_str()
            .map_or_else(|| error.instance().to_string(), str::to_string);
        let candidates: Vec<&str> = choices.iter().map(String::as_str).collect();
        let diag = self
            .diag(
                format!("`{shown}` is not a valid `{}`", last_segment(here)),
                self.spans.value(here),
            )
            .label("not one of the allowed values");
        let diag = match error
            .instance()
            .as_str()
            .and_then(|v| did_you_mean(v, &candidates))
        {
            Some(best) => diag.help(format!(
                "did you mean `{best}`? expected one of: {}",
                quote_list(&candidates)
            )),
            None => diag.help(format!("expected one of: {}", quote_list(&candidates))),
        };
        Some(vec![diag])
    }

    fn unknown_key(&self, here: &str, key: &str, schemas: &[&Value]) -> Diagnostic {
        let pointer = push_pointer(here, key);
        let span = self.spans.key(&pointer);
        // Maps keyed by ids (objectives, sources) reject a key only for its spelling.
        if let Some(pattern_props) = schemas.iter().find_map(|s| s.get("patternProperties")) {
            let snake = pattern_props
                .as_object()
                .is_some_and(|p| p.keys().any(|k| k.starts_with("^[a-z]")));
            let help = if snake {
                "metric and platform ids are lower-case snake_case: a letter, then letters, digits or `_`"
            } else {
                "ids start with a letter or digit, then letters, digits, `_` or `-`"
            };
            return self
                .diag(format!("`{key}` is not a valid id"), span)
                .label("invalid id")
                .help(help);
        }
        let mut known: Vec<&str> = schemas
            .iter()
            .filter_map(|s| s.get("properties").and_then(Value::as_object))
            .flat_map(|p| p.keys().map(String::as_str))
            .collect();
        known.dedup();
        let what = self.describe_value_name(here);
        let diag = self
            .diag(format!("unknown key `{key}` in {what}"), span)
            .label("unknown key");
        if let Some(help) = self.decimal_comma(here, key) {
            return diag.help(help);
        }
        match did_you_mean(key, &known) {
            Some(best) => diag.help(format!("did you mean `{best}`?")),
            None if known.is_empty() => diag,
            None => diag.help(format!("known keys: {}", quote_list(&known))),
        }
    }

    /// `{at_most: 5,5}` is YAML for `at_most: 5` and a key `5`: a decimal written with a comma.
    fn decimal_comma(&self, here: &str, key: &str) -> Option<String> {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let map = self.instance.pointer(here)?.as_object()?;
        let keys: Vec<&String> = map.keys().collect();
        let at = keys.iter().position(|k| k.as_str() == key)?;
        let before = keys.get(at.checked_sub(1)?)?;
        let whole = map.get(before.as_str())?.as_i64()?;
        map.get(key)?.is_null().then(|| {
            format!(
                "`{before}: {whole},{key}` reads as `{before}: {whole}` and a key `{key}`: write decimals with a point, `{whole}.{key}`"
            )
        })
    }

    /// Adds the description of the nearest schema node at or above `schema_path` as help.
    fn with_description(&self, diag: Diagnostic, schema_path: &str) -> Diagnostic {
        let mut path = schema_path;
        loop {
            let node = self.schema_at(path);
            if node.get("description").is_some() || path.is_empty() {
                return self.with_description_of(diag, &[node]);
            }
            path = parent_path(path);
        }
    }

    fn with_description_of(&self, diag: Diagnostic, nodes: &[&Value]) -> Diagnostic {
        match nodes
            .iter()
            .find_map(|n| n.get("description").and_then(Value::as_str))
        {
            Some(text) if diag.help.is_none() => diag.help(text.to_string()),
            _ => diag,
        }
    }

    /// "goal `ig-reach`", "`target` of goal `ig-reach`", "the goal file".
    fn describe_value_name(&self, pointer: &str) -> String {
        let segments: Vec<&str> = pointer.split('/').skip(1).collect();
        let goal = goal_id_at(self.instance, pointer);
        match (segments.as_slice(), goal) {
            ([], _) => "the goal file".into(),
            (["goals", _], Some(id)) => format!("goal `{id}`"),
            (["goals", i], None) => format!("goal #{}", i.parse::<usize>().map_or(0, |i| i + 1)),
            (["goals", _, field, ..], Some(id)) => format!("`{field}` of goal `{id}`"),
            ([.., last], _) => format!("`{last}`"),
        }
    }

    fn diag(&self, message: String, span: Option<Span>) -> Diagnostic {
        Diagnostic::new(RuleId::Schema, self.file, message).at(span)
    }

    /// The schema node at a keyword location, following `$ref`s along the way.
    fn schema_at(&self, path: &str) -> &Value {
        let mut node = self.root;
        for segment in path.split('/').skip(1) {
            node = self.deref(node);
            let segment = segment.replace("~1", "/").replace("~0", "~");
            node = match node {
                Value::Object(map) => map.get(&segment).unwrap_or(&Value::Null),
                Value::Array(items) => segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&Value::Null),
                _ => &Value::Null,
            };
            if segment == "$ref" {
                node = self.resolve_ref(node);
            }
        }
        self.deref(node)
    }

    fn deref<'v>(&'v self, node: &'v Value) -> &'v Value {
        match node.get("$ref") {
            Some(r) if node.as_object().is_some_and(|o| o.len() <= 2) => self.resolve_ref(r),
            _ => node,
        }
    }

    fn resolve_ref(&self, reference: &Value) -> &Value {
        let Some(path) = reference.as_str().and_then(|r| r.strip_prefix('#')) else {
            return &Value::Null;
        };
        self.root.pointer(path).unwrap_or(&Value::Null)
    }
}

/// Whether the value has the wrong type for this schema altogether: a type or constant
/// mismatch, or alternatives that all mismatch (a `Quantity` inside the `Baseline` forms).
fn is_shape_mismatch(e: &ValidationError) -> bool {
    let here = e.instance_path().as_str();
    match e.kind() {
        ValidationErrorKind::Type { .. } | ValidationErrorKind::Constant { .. } => true,
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            context.iter().all(|branch| {
                branch
                    .iter()
                    .any(|b| b.instance_path().as_str() == here && is_shape_mismatch(b))
            })
        }
        _ => false,
    }
}

/// A branch that failed only because the value is not `null`.
fn is_null_mismatch(branch: &[ValidationError]) -> bool {
    matches!(branch, [e] if matches!(e.kind(), ValidationErrorKind::Type { kind: TypeKind::Single(t) } if t.to_string() == "null"))
}

fn is_unexpected(e: &ValidationError, key: &str) -> bool {
    matches!(e.kind(), ValidationErrorKind::AdditionalProperties { unexpected } if unexpected.iter().any(|u| u == key))
}

/// The keyword location of alternative `index` of the anyOf/oneOf at `any_of_path`. Built from
/// the index, not sliced out of a branch error's own location: an error that came through a
/// `$ref` has a location inside the referenced definition (`/$defs/Date/type`), which does not
/// start with the anyOf's path.
fn branch_root(any_of_path: &str, index: usize) -> String {
    format!("{any_of_path}/{index}")
}

fn goal_id_at<'v>(instance: &'v Value, pointer: &str) -> Option<&'v str> {
    let mut parts = pointer.split('/').skip(1);
    if parts.next() != Some("goals") {
        return None;
    }
    let index: usize = parts.next()?.parse().ok()?;
    instance.get("goals")?.get(index)?.get("id")?.as_str()
}

/// The goal id a pointer into `/goals/N/...` belongs to, if any.
pub fn goal_of(instance: &Value, pointer: &str) -> Option<String> {
    goal_id_at(instance, pointer).map(str::to_string)
}

fn parent_path(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The name of the value at `pointer`, for messages: `deadline`, `allow` entry 2, the goal file.
fn last_segment(pointer: &str) -> String {
    let mut segments = pointer
        .rsplit('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"));
    let last = segments.next().unwrap_or_default();
    match (last.parse::<usize>(), segments.next()) {
        (Ok(i), Some(parent)) if !parent.is_empty() => format!("{parent}` entry `{}", i + 1),
        _ if last.is_empty() => "the goal file".into(),
        _ => last,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

fn a_an(noun: &str) -> String {
    let noun = match noun {
        "object" => "mapping",
        "array" => "list",
        other => other,
    };
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}
