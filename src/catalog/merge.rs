//! The catalog a goal file sees: built-in metrics merged with the file's `metrics:` (custom
//! metrics and overrides), with every formula parsed and checked for unknown ids and cycles.

use indexmap::IndexMap;
use serde::Serialize;

use super::formula::Expr;
use super::{Aggregate, BUILTIN_METRICS, Better, BuiltinMetric, DurationUnit, Stage, Unit};
use crate::spec::model::MetricSpec;

/// A metric as a goal file sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// Metric id.
    pub id: String,
    /// Human title.
    pub title: String,
    /// One-line definition.
    pub description: String,
    /// Unit of the value.
    pub unit: Unit,
    /// Unit of a duration metric.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_unit: Option<DurationUnit>,
    /// Better direction, if any.
    pub better: Option<Better>,
    /// Aggregation over a window.
    pub aggregate: Aggregate,
    /// Funnel stage, if known.
    pub stage: Option<Stage>,
    /// Vanity metric.
    pub vanity: bool,
    /// Not additive across days.
    pub non_additive: bool,
    /// Formula text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// The parsed formula (absent when it failed to parse).
    #[serde(skip)]
    pub expr: Option<Expr>,
    /// For a vanity metric, what to watch instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<String>,
    /// Whether the goal file defined or changed it.
    pub custom: bool,
}

impl Metric {
    fn from_builtin(b: &BuiltinMetric) -> Metric {
        Metric {
            id: b.id.to_string(),
            title: b.title.to_string(),
            description: b.description.to_string(),
            unit: b.unit,
            duration_unit: b.duration_unit,
            better: b.better,
            aggregate: b.aggregate,
            stage: Some(b.stage),
            vanity: b.vanity,
            non_additive: b.non_additive,
            formula: b.formula.map(str::to_string),
            expr: None,
            instead: b.instead.map(str::to_string),
            custom: false,
        }
    }

    fn new_custom(id: &str) -> Metric {
        Metric {
            id: id.to_string(),
            title: id.to_string(),
            description: String::new(),
            unit: Unit::Count,
            duration_unit: None,
            better: Some(Better::Higher),
            aggregate: Aggregate::Sum,
            stage: None,
            vanity: false,
            non_additive: false,
            formula: None,
            expr: None,
            instead: None,
            custom: true,
        }
    }

    fn apply(&mut self, spec: &MetricSpec) {
        let set = |slot: &mut String, v: &Option<String>| {
            if let Some(v) = v {
                slot.clone_from(v);
            }
        };
        set(&mut self.title, &spec.title);
        set(&mut self.description, &spec.description);
        self.unit = spec.unit.unwrap_or(self.unit);
        self.duration_unit = spec.duration_unit.or(self.duration_unit);
        self.better = spec.better.or(self.better);
        self.stage = spec.stage.or(self.stage);
        self.vanity = spec.vanity.unwrap_or(self.vanity);
        self.non_additive = spec.non_additive.unwrap_or(self.non_additive);
        if let Some(f) = &spec.formula {
            self.formula = Some(f.clone());
            // A formula written for a metric is what defines it, unless told otherwise.
            self.aggregate = Aggregate::Formula;
        }
        self.aggregate = spec.aggregate.unwrap_or(self.aggregate);
        self.custom = true;
    }
}

/// Something wrong with the catalog, located by the metric id and the field.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogProblem {
    /// The metric.
    pub metric: String,
    /// The offending field (`formula`, `unit`).
    pub field: &'static str,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a catalog entry.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// The formula does not parse.
    Syntax(String),
    /// The formula names metrics that do not exist.
    UnknownInputs(Vec<String>),
    /// The formula depends on itself through this chain.
    Cycle(Vec<String>),
    /// A duration metric that states no `duration_unit`.
    MissingDurationUnit,
}

/// Every metric a goal file can use, by id, in catalog order then file order.
#[derive(Debug, Clone)]
pub struct Catalog {
    metrics: IndexMap<String, Metric>,
}

impl Catalog {
    /// The built-in catalog alone.
    pub fn builtin() -> Catalog {
        Catalog::with_overrides(&IndexMap::<String, MetricSpec>::new()).0
    }

    /// The built-ins merged with a goal file's `metrics:`; problems are reported, not fatal.
    pub fn with_overrides<K: AsRef<str>>(
        specs: &IndexMap<K, MetricSpec>,
    ) -> (Catalog, Vec<CatalogProblem>) {
        let mut metrics: IndexMap<String, Metric> = BUILTIN_METRICS
            .iter()
            .map(|b| (b.id.to_string(), Metric::from_builtin(b)))
            .collect();
        for (id, spec) in specs {
            metrics
                .entry(id.as_ref().to_string())
                .or_insert_with(|| Metric::new_custom(id.as_ref()))
                .apply(spec);
        }
        let mut problems = Vec::new();
        for metric in metrics.values_mut() {
            if metric.unit == Unit::Duration && metric.duration_unit.is_none() {
                problems.push(CatalogProblem {
                    metric: metric.id.clone(),
                    field: "unit",
                    kind: ProblemKind::MissingDurationUnit,
                });
            }
            let Some(text) = &metric.formula else {
                continue;
            };
            match Expr::parse(text) {
                Ok(expr) => metric.expr = Some(expr),
                Err(e) => problems.push(CatalogProblem {
                    metric: metric.id.clone(),
                    field: "formula",
                    kind: ProblemKind::Syntax(e.to_string()),
                }),
            }
        }
        let mut catalog = Catalog { metrics };
        problems.extend(catalog.unknown_inputs());
        problems.extend(catalog.break_cycles());
        (catalog, problems)
    }

    /// The metric with this id.
    pub fn get(&self, id: &str) -> Option<&Metric> {
        self.metrics.get(id)
    }

    /// Every metric.
    pub fn iter(&self) -> impl Iterator<Item = &Metric> {
        self.metrics.values()
    }

    /// Every metric id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.metrics.keys().map(String::as_str)
    }

    fn unknown_inputs(&self) -> Vec<CatalogProblem> {
        self.metrics
            .values()
            .filter_map(|m| {
                let unknown: Vec<String> = m
                    .expr
                    .as_ref()?
                    .inputs()
                    .into_iter()
                    .filter(|i| !self.metrics.contains_key(*i))
                    .map(str::to_string)
                    .collect();
                (!unknown.is_empty()).then(|| CatalogProblem {
                    metric: m.id.clone(),
                    field: "formula",
                    kind: ProblemKind::UnknownInputs(unknown),
                })
            })
            .collect()
    }

    /// Finds formula cycles, reports each once, and drops the formulas on them so that no
    /// later stage can loop.
    fn break_cycles(&mut self) -> Vec<CatalogProblem> {
        let mut problems = Vec::new();
        let ids: Vec<String> = self.metrics.keys().cloned().collect();
        for id in ids {
            if let Some(chain) = self.cycle_from(&id) {
                problems.push(CatalogProblem {
                    metric: id.clone(),
                    field: "formula",
                    kind: ProblemKind::Cycle(chain),
                });
                if let Some(m) = self.metrics.get_mut(&id) {
                    m.expr = None;
                }
            }
        }
        problems
    }

    /// A chain `id → … → id` if `id`'s formula depends on itself.
    fn cycle_from(&self, id: &str) -> Option<Vec<String>> {
        let mut stack: Vec<(String, Vec<String>)> = vec![(id.to_string(), vec![id.to_string()])];
        let mut seen = std::collections::HashSet::new();
        while let Some((current, path)) = stack.pop() {
            let Some(expr) = self.metrics.get(&current).and_then(|m| m.expr.as_ref()) else {
                continue;
            };
            for input in expr.inputs() {
                if input == id {
                    let mut chain = path.clone();
                    chain.push(id.to_string());
                    return Some(chain);
                }
                if seen.insert(input.to_string()) {
                    let mut next = path.clone();
                    next.push(input.to_string());
                    stack.push((input.to_string(), next));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(formula: &str) -> MetricSpec {
        MetricSpec {
            formula: Some(formula.into()),
            ..MetricSpec::default()
        }
    }

    #[test]
    fn builtin_catalog_is_consistent() {
        let (catalog, problems) = Catalog::with_overrides(&IndexMap::<String, MetricSpec>::new());
        assert_eq!(problems, []);
        for m in catalog.iter() {
            assert_eq!(m.formula.is_some(), m.expr.is_some(), "{}", m.id);
            assert_eq!(
                m.vanity,
                m.instead.is_some(),
                "{}: vanity metrics name what to watch instead",
                m.id
            );
            if let Some(instead) = &m.instead {
                assert!(
                    instead.split(' ').any(|w| catalog.get(w).is_some()),
                    "{}: {instead}",
                    m.id
                );
            }
        }
    }

    #[test]
    fn reports_unknown_inputs_and_cycles() {
        let mut specs = IndexMap::new();
        specs.insert("a".to_string(), spec("b / 2"));
        specs.insert("b".to_string(), spec("a + clickz"));
        let (catalog, problems) = Catalog::with_overrides(&specs);
        assert!(problems.contains(&CatalogProblem {
            metric: "b".into(),
            field: "formula",
            kind: ProblemKind::UnknownInputs(vec!["clickz".into()]),
        }));
        assert!(
            problems
                .iter()
                .any(|p| matches!(&p.kind, ProblemKind::Cycle(c) if c == &["a", "b", "a"]))
        );
        assert!(catalog.get("a").unwrap().expr.is_none());
        assert!(catalog.get("a").unwrap().custom);
    }
}
