//! `source-shape`: a source is a file (`path:`) or a query (`sql:` + `url: env:NAME`), and a
//! query's URL comes from the environment (docs/lint-rules.md, docs/sql.md).

use super::{Context, Finding};
use crate::data::sql::env_name;
use crate::rules::RuleId;
use crate::spec::model::{Layout, Source};
use crate::spec::yaml::push_pointer;

/// The findings about one source's shape.
pub(super) fn check<'g>(ctx: &Context, id: &str, source: &Source, base: &str) -> Vec<Finding<'g>> {
    let at = |key: &str| push_pointer(base, key);
    let mut out = Vec::new();
    match (&source.path, &source.sql) {
        (None, None) => out.push(
            ctx.finding(
                RuleId::SourceShape,
                base,
                format!("source `{id}` has neither `path:` nor `sql:`"),
            )
            .at(ctx.key_span(base))
            .help("give it `path:` (an export, relative to the goal file) or `sql:` and `url: env:NAME` (a PostgreSQL query, docs/sql.md)"),
        ),
        (Some(_), Some(_)) => out.push(
            ctx.finding(
                RuleId::SourceShape,
                &at("sql"),
                format!("source `{id}` has both `path:` and `sql:`"),
            )
            .help("a source is one export or one query: split it into two sources"),
        ),
        _ => {}
    }
    match (&source.sql, &source.url) {
        (Some(_), None) => out.push(
            ctx.finding(
                RuleId::SourceShape,
                &at("sql"),
                format!("source `{id}` has `sql:` but no `url:`"),
            )
            .help(
                "add `url: env:GOALPOST_DATABASE_URL` and set that variable to the database's URL",
            ),
        ),
        (None, Some(_)) => out.push(
            ctx.finding(
                RuleId::SourceShape,
                &at("url"),
                format!("source `{id}` has `url:` but no `sql:`"),
            )
            .help("add the query: `sql: select … from …`"),
        ),
        _ => {}
    }
    if let Some(url) = &source.url
        && env_name(url).is_none()
    {
        let pointer = at("url");
        let line = ctx.parsed.spans.value(&pointer).map(|s| s.line);
        // Not located at the value: the snippet would show the line, and a literal URL usually
        // holds a password.
        out.push(
            ctx.finding(
                RuleId::SourceShape,
                &pointer,
                format!(
                    "the `url:` of source `{id}`{} is not `env:NAME`: a database URL is read from the environment, never written in the goal file",
                    line.map_or_else(String::new, |l| format!(" (line {l})"))
                ),
            )
            .at(None)
            .help("write `url: env:GOALPOST_DATABASE_URL`, set that variable to the URL (in CI, from a secret), and change the password if this file was committed"),
        );
    }
    if source.sql.is_some() {
        let file_only = [
            ("format", source.format.is_some()),
            ("preset", source.preset.is_some()),
            ("layout", source.layout == Some(Layout::Long)),
            ("delimiter", source.delimiter.is_some()),
            ("decimal", source.decimal.is_some()),
            ("skip_rows", source.skip_rows.is_some()),
            ("skip_rows_matching", !source.skip_rows_matching.is_empty()),
            ("on_error", source.on_error.is_some()),
            ("block", source.block.is_some()),
            ("encoding", source.encoding.is_some()),
            ("year", source.year.is_some()),
            ("sheet", source.sheet.is_some()),
            ("date_format", source.date_format.is_some()),
        ];
        for (key, set) in file_only {
            if set {
                out.push(
                    ctx.finding(
                        RuleId::SourceShape,
                        &at(key),
                        format!("`{key}:` describes an export's text; source `{id}` is a query"),
                    )
                    .at(ctx.key_span(&at(key)))
                    .help("remove it: a query's columns are typed (cast or rename them in the query instead)"),
                );
            }
        }
    }
    out
}
