//! Rules about the file as a whole: the catalog, time zones, ids, declarations nobody uses.

use std::collections::{HashMap, HashSet};

use super::Context;
use crate::catalog::{CatalogProblem, ProblemKind, canonical_platform};
use crate::rules::RuleId;
use crate::spec::scalars::{Quantity, QuantityKind};
use crate::spec::yaml::push_pointer;
use crate::suggest::{nearest_help, quote_list as quote};

pub(super) fn check(ctx: &mut Context, problems: &[CatalogProblem]) {
    catalog_problems(ctx, problems);
    timezones(ctx);
    lint_table(ctx);
    duplicate_ids(ctx);
    unused_objectives(ctx);
    sources(ctx);
    tolerance(ctx);
}

fn catalog_problems(ctx: &mut Context, problems: &[CatalogProblem]) {
    for p in problems {
        let pointer = push_pointer(&push_pointer("/metrics", &p.metric), p.field);
        let (rule, message, help) = match &p.kind {
            ProblemKind::Syntax(e) => (
                RuleId::BadFormula,
                format!("the formula of `{}` does not parse: {e}", p.metric),
                "use metric ids, numbers, `+ - * /` and parentheses: `clicks / impressions`"
                    .to_string(),
            ),
            ProblemKind::UnknownInputs(ids) => (
                RuleId::BadFormula,
                format!(
                    "the formula of `{}` names unknown metrics: {}",
                    p.metric,
                    quote(ids)
                ),
                suggestion_for(ctx, &ids[0]),
            ),
            ProblemKind::Cycle(chain) => (
                RuleId::BadFormula,
                format!(
                    "the formula of `{}` is circular: {}",
                    p.metric,
                    chain.join(" → ")
                ),
                "a formula may not depend on itself, directly or through other metrics".to_string(),
            ),
            ProblemKind::MissingDurationUnit => (
                RuleId::UnitMismatch,
                format!("duration metric `{}` states no `duration_unit`", p.metric),
                "add `duration_unit: seconds`, `minutes` or `hours`".to_string(),
            ),
        };
        let finding = ctx.finding(rule, &pointer, message).help(help);
        ctx.emit(finding);
    }
}

/// "did you mean …" for a metric id, listing the nearest catalog ids.
pub(super) fn suggestion_for(ctx: &Context, id: &str) -> String {
    nearest_help(
        id,
        ctx.catalog.ids(),
        |near| format!("nearest metrics: {near}; `goalpost metrics` lists them all"),
        "`goalpost metrics` lists the built-in metrics; define others under `metrics:`",
    )
}

fn timezones(ctx: &mut Context) {
    let parsed = ctx.parsed;
    let model = &parsed.model;
    let mut zones: Vec<(String, String)> = Vec::new();
    if let Some(tz) = &model.timezone {
        zones.push(("/timezone".into(), tz.clone()));
    }
    for (id, source) in &model.sources {
        if let Some(tz) = &source.timezone {
            zones.push((
                push_pointer(&push_pointer("/sources", id.as_str()), "timezone"),
                tz.clone(),
            ));
        }
    }
    for (pointer, name) in zones {
        if jiff::tz::TimeZone::get(&name).is_err() {
            let finding = ctx
                .finding(
                    RuleId::UnknownTimezone,
                    &pointer,
                    format!("`{name}` is not a known time zone"),
                )
                .label("unknown time zone")
                .help("use an IANA name such as `Europe/Amsterdam` or `UTC`");
            ctx.emit(finding);
        }
    }
}

fn lint_table(ctx: &mut Context) {
    let fixed: Vec<_> = ctx
        .parsed
        .model
        .lint
        .keys()
        .filter(|r| !r.configurable())
        .copied()
        .collect();
    for rule in fixed {
        let pointer = push_pointer("/lint", rule.as_str());
        let finding = ctx
            .finding(
                RuleId::Schema,
                &pointer,
                format!("rule `{rule}` cannot be configured"),
            )
            .at(ctx.key_span(&pointer))
            .help("a file that breaks this rule cannot be read; remove the entry");
        ctx.emit(finding);
    }
}

fn duplicate_ids(ctx: &mut Context) {
    let parsed = ctx.parsed;
    let goals = &parsed.model.goals;
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut findings = Vec::new();
    for (i, goal) in goals.iter().enumerate() {
        match first.get(goal.id.as_str()) {
            None => {
                first.insert(goal.id.as_str(), i);
            }
            Some(&j) => {
                let line = ctx
                    .parsed
                    .spans
                    .value(&format!("/goals/{j}/id"))
                    .map_or(0, |s| s.line);
                findings.push(
                    ctx.finding(
                        RuleId::DuplicateId,
                        &format!("/goals/{i}/id"),
                        format!("goal id `{}` is used twice", goal.id),
                    )
                    .label(format!("first used on line {line}"))
                    .help(
                        "give every goal its own id: reports, diffs and history follow goals by id",
                    )
                    .goal(goal),
                );
            }
        }
    }
    findings.into_iter().for_each(|f| ctx.emit(f));
}

fn unused_objectives(ctx: &mut Context) {
    let parsed = ctx.parsed;
    let model = &parsed.model;
    let used: HashSet<&str> = model
        .goals
        .iter()
        .filter_map(|g| g.objective.as_ref())
        .map(|o| o.as_str())
        .collect();
    let unused: Vec<String> = model
        .objectives
        .keys()
        .filter(|k| !used.contains(k.as_str()))
        .map(|k| k.0.clone())
        .collect();
    for id in unused {
        let pointer = push_pointer("/objectives", &id);
        let finding = ctx
            .finding(
                RuleId::UnusedObjective,
                &pointer,
                format!("objective `{id}` is served by no goal"),
            )
            .at(ctx.key_span(&pointer))
            .help("link a goal to it with `objective:`, or remove it");
        ctx.emit(finding);
    }
}

/// Metric ids the goals need: their own metrics and every formula input beneath them.
pub(super) fn needed_metrics(ctx: &Context) -> HashSet<String> {
    let mut needed = HashSet::new();
    let mut stack: Vec<String> = ctx
        .parsed
        .model
        .goals
        .iter()
        .filter_map(|g| g.metric.as_ref())
        .map(|m| m.0.clone())
        .collect();
    while let Some(id) = stack.pop() {
        if !needed.insert(id.clone()) {
            continue;
        }
        if let Some(expr) = ctx.catalog.get(&id).and_then(|m| m.expr.as_ref()) {
            stack.extend(expr.inputs().into_iter().map(str::to_string));
        }
    }
    needed
}

fn sources(ctx: &mut Context) {
    let needed = needed_metrics(ctx);
    let parsed = ctx.parsed;
    let model = &parsed.model;
    let mut findings = Vec::new();
    for (id, source) in &model.sources {
        let base = push_pointer("/sources", id.as_str());
        findings.extend(super::source_shape::check(ctx, id.as_str(), source, &base));
        if let Some(platform) = &source.platform
            && !is_known_platform(ctx, platform.as_str())
        {
            findings.push(unknown_platform(
                ctx,
                &push_pointer(&base, "platform"),
                platform.as_str(),
            ));
        }
        for (header, metric) in &source.columns {
            if ctx.catalog.get(metric.as_str()).is_none() {
                let pointer = push_pointer(&push_pointer(&base, "columns"), header);
                findings.push(
                    ctx.finding(
                        RuleId::UnknownMetric,
                        &pointer,
                        format!("column `{header}` maps to unknown metric `{metric}`"),
                    )
                    .help(suggestion_for(ctx, metric.as_str())),
                );
            }
        }
        // Only an explicit mapping tells, before reading the file, which metrics it provides.
        let provides: Vec<&str> = source.columns.values().map(|m| m.as_str()).collect();
        if !provides.is_empty()
            && source.metric_column.is_none()
            && !provides.iter().any(|m| needed.contains(*m))
        {
            findings.push(
                ctx.finding(
                    RuleId::UnusedSource,
                    &base,
                    format!("source `{id}` provides no metric any goal uses"),
                )
                .at(ctx.key_span(&base))
                .help(format!(
                    "it maps {}; add a goal on one of them, or remove the source",
                    quote(&provides)
                )),
            );
        }
    }
    findings.into_iter().for_each(|f| ctx.emit(f));
}

pub(super) fn is_known_platform(ctx: &Context, id: &str) -> bool {
    let id = canonical_platform(id);
    id == "all"
        || crate::catalog::BUILTIN_PLATFORMS.contains(&id)
        || ctx.parsed.model.platforms.iter().any(|p| p.as_str() == id)
}

pub(super) fn unknown_platform<'g>(
    ctx: &Context<'_>,
    pointer: &str,
    id: &str,
) -> super::Finding<'g> {
    let declared = ctx.parsed.model.platforms.iter().map(|p| p.as_str());
    let all: Vec<&str> = crate::catalog::BUILTIN_PLATFORMS
        .iter()
        .copied()
        .chain(declared)
        .collect();
    let help = nearest_help(
        id,
        all.iter().copied(),
        |near| format!("nearest: {near}; declare others under `platforms:`"),
        "declare other platforms under `platforms:`",
    );
    ctx.finding(
        RuleId::UnknownPlatform,
        pointer,
        format!("unknown platform `{id}`"),
    )
    .label("not a built-in or declared platform")
    .help(help)
}

/// `defaults.tolerance` and every goal's `tolerance:` are shares of the target.
fn tolerance(ctx: &mut Context) {
    let model = &ctx.parsed.model;
    let mut found: Vec<(String, Quantity)> = Vec::new();
    if let Some(t) = model.defaults.tolerance {
        found.push(("/defaults/tolerance".to_string(), t));
    }
    for (i, goal) in model.goals.iter().enumerate() {
        if let Some(t) = goal.tolerance {
            found.push((super::goal_pointer(i, "tolerance"), t));
        }
    }
    for (pointer, t) in found {
        tolerance_at(ctx, &pointer, t);
    }
}

fn tolerance_at(ctx: &mut Context, pointer: &str, t: Quantity) {
    let ok = match t.kind {
        QuantityKind::Percent => (0.0..1.0).contains(&t.value),
        QuantityKind::Number => (0.0..1.0).contains(&t.value),
        QuantityKind::Points => false,
    };
    if !ok {
        let finding = ctx
            .finding(
                RuleId::UnitMismatch,
                pointer,
                format!("tolerance `{}` is not a share of the target", t.display()),
            )
            .help("write a percent between 0% and 100%, such as `10%`");
        ctx.emit(finding);
    }
}
