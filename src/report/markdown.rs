//! The Markdown scorecard: the [`Document`] rendered by minijinja, with the built-in
//! `templates/scorecard.md.j2` or a user template. Every string a template prints is escaped for
//! GitHub-flavoured Markdown, so a `|`, a newline or `<script>` in a title cannot break a table
//! or inject HTML; numbers are formatted by the filters below.

use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State};

use super::document::Document;
use super::format;
use crate::catalog::{DurationUnit, Unit};
use crate::resolve::defaults::CURRENCY;
use crate::spec::model::Status;
use crate::vocab::Movement;

/// The built-in scorecard template.
pub const BUILTIN: &str = include_str!("../../templates/scorecard.md.j2");

/// Instructions a template may execute before it is stopped (a runaway loop in a user template).
const FUEL: u64 = 200_000_000;

/// A template that fails to compile or render: its name, line and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// Template file (or `scorecard.md.j2` for the built-in one).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Renders `doc` with the template `(name, source)`, or the built-in one.
pub fn render(doc: &Document, template: Option<(&str, &str)>) -> Result<String, TemplateError> {
    let (name, source) = template.unwrap_or(("scorecard.md.j2", BUILTIN));
    let fail = |e: Error| TemplateError {
        file: name.to_string(),
        line: e.line(),
        message: e.detail().map_or_else(
            || e.kind().to_string(),
            |d| format!("{}: {d}{}", e.kind(), suggestion(&e, d, doc)),
        ),
    };
    let mut env = environment(doc);
    // An attribute a template misspells (`g.titel`) must not render as nothing: printing or
    // looping over an undefined value is an error naming the template line; `{% if x %}` on
    // one stays allowed.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    let tmpl = env.template_from_named_str(name, source).map_err(fail)?;
    let mut sink = Bounded {
        bytes: Vec::new(),
        over: false,
    };
    let rendered = tmpl
        .render_captured_to(Value::from(Serde(doc)), &mut sink)
        .map(drop);
    if sink.over {
        return Err(TemplateError {
            file: name.to_string(),
            line: rendered.err().and_then(|e| e.line()),
            message: format!(
                "the output is larger than {}; a template may write at most that",
                crate::bounded_read::size(MAX_OUTPUT_BYTES)
            ),
        });
    }
    rendered.map_err(fail)?;
    // The formatter and filters write `str`s only, so the bytes are UTF-8.
    let mut out = String::from_utf8(sink.bytes).map_err(|e| TemplateError {
        file: name.to_string(),
        line: None,
        message: e.to_string(),
    })?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Bytes a template may write: the fuel bounds steps, not bytes, and one step can print a long
/// string (`{{ "x" * 10000000 }}`).
pub const MAX_OUTPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The rendered bytes, refusing to grow past [`MAX_OUTPUT_BYTES`].
struct Bounded {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if (self.bytes.len() + buf.len()) as u64 > MAX_OUTPUT_BYTES {
            self.over = true;
            return Err(std::io::Error::other("the template's output is too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The filters a template can use: goalpost's and minijinja's built-in ones.
const FILTERS: &[&str] = &[
    "value",
    "pct",
    "bar",
    "spark",
    "status_icon",
    "status_label",
    "movement_icon",
    "movement_label",
    "target_text",
    "message",
    "abs",
    "attr",
    "batch",
    "bool",
    "capitalize",
    "count",
    "d",
    "default",
    "dictsort",
    "e",
    "escape",
    "first",
    "float",
    "format",
    "groupby",
    "indent",
    "int",
    "items",
    "join",
    "last",
    "length",
    "lines",
    "list",
    "lower",
    "map",
    "max",
    "min",
    "pprint",
    "reject",
    "rejectattr",
    "replace",
    "reverse",
    "round",
    "safe",
    "select",
    "selectattr",
    "slice",
    "sort",
    "split",
    "string",
    "sum",
    "title",
    "tojson",
    "trim",
    "unique",
    "upper",
    "urlencode",
];

/// ` — did you mean `x`?` for a misspelt filter (among [`FILTERS`]) or attribute (among the
/// document's keys), or nothing.
fn suggestion(e: &Error, detail: &str, doc: &Document) -> String {
    let word = match e.kind() {
        ErrorKind::UnknownFilter => detail
            .strip_prefix("filter ")
            .and_then(|d| d.strip_suffix(" is unknown")),
        ErrorKind::UndefinedError => detail
            .strip_suffix("` is undefined")
            .and_then(|d| d.strip_prefix('`'))
            .and_then(|d| d.rsplit('.').next()),
        _ => None,
    };
    let Some(word) = word else {
        return String::new();
    };
    let keys = if e.kind() == ErrorKind::UnknownFilter {
        FILTERS.iter().map(ToString::to_string).collect()
    } else {
        document_keys(doc)
    };
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    crate::suggest::did_you_mean(word, &keys)
        .map_or(String::new(), |k| format!(" — did you mean `{k}`?"))
}

/// Every key of the document's objects, at any depth (for did-you-mean).
fn document_keys(doc: &Document) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.insert(k.clone());
                    walk(v, out);
                }
            }
            // The first element of a list stands for the others: they share their keys.
            serde_json::Value::Array(items) => items.iter().take(1).for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(&serde_json::to_value(doc).unwrap_or_default(), &mut out);
    out.into_iter().collect()
}

fn environment(doc: &Document) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_auto_escape_callback(|_| AutoEscape::Custom("markdown".into()));
    env.set_formatter(markdown_formatter);
    env.add_filter("value", value_filter);
    env.add_filter("pct", |v: Option<f64>| format::percent(v));
    env.add_filter("bar", |v: Option<f64>| format::bar(v));
    env.add_filter("spark", spark_filter);
    env.add_filter("status_icon", |s: String| {
        Status::parse(&s).map_or("", Status::icon)
    });
    env.add_filter("status_label", |s: String| {
        Status::parse(&s).map_or_else(|| s.clone(), |s| s.label().to_string())
    });
    env.add_filter("movement_icon", |m: String| {
        Movement::parse(&m).map_or("", Movement::icon)
    });
    env.add_filter("movement_label", |m: String| {
        Movement::parse(&m).map_or_else(|| m.clone(), |m| m.label().to_string())
    });
    env.add_filter("target_text", target_text);
    env.add_filter("message", |text: String| {
        Value::from_safe_string(message(&text))
    });
    let worst_first: Vec<&str> = Status::WORST_FIRST.iter().map(|s| s.name()).collect();
    env.add_global("statuses", Value::from(worst_first));
    let movements: Vec<&str> = Movement::ALL.iter().map(|m| m.name()).collect();
    env.add_global("movements", Value::from(movements));
    let goals = Value::from(Serde(&doc.goals));
    let by_id = goals.clone();
    env.add_function("goal_by_id", move |id: String| -> Result<Value, Error> {
        for g in by_id.try_iter()? {
            if g.get_attr("id")?.as_str() == Some(id.as_str()) {
                return Ok(g);
            }
        }
        Ok(Value::from(()))
    });
    env.add_function("goals_by_status", |goals: Vec<Value>| -> Vec<Value> {
        let mut goals = goals;
        goals.sort_by_key(|g| {
            g.get_attr("status")
                .ok()
                .and_then(|s| s.as_str().and_then(Status::parse))
                .map_or(u8::MAX, Status::rank)
        });
        goals
    });
    env
}

/// Strings are escaped for Markdown; `none` and undefined print nothing; numbers print plainly.
fn markdown_formatter(out: &mut Output, _state: &mut State, value: &Value) -> Result<(), Error> {
    let io = |_| Error::new(ErrorKind::WriteFailure, "cannot write the scorecard");
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    if value.is_safe() {
        return write!(out, "{value}").map_err(io);
    }
    match value.as_str() {
        Some(s) => out.write_str(&escape(s)).map_err(io),
        None => out.write_str(&escape(&value.to_string())).map_err(io),
    }
}

/// Escapes text for a GitHub Markdown table cell: Markdown punctuation gets a backslash, `<`
/// `>` `&` become entities, line breaks become spaces, `@` cannot mention anyone, and a bare
/// URL is not turned into a link.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\\' | '|' | '*' | '_' | '[' | ']' | '`' | '#' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{2060}"),
            '\r' => {}
            '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            // GitHub links a bare `https://…` or `www.…`: a word joiner (invisible) after the
            // scheme's colon or the `www` keeps it text, as after `@`.
            ':' if text[i + 1..].starts_with("//") => out.push_str(":\u{2060}"),
            '.' if i >= 3
                && text.is_char_boundary(i - 3)
                && text[i - 3..i].eq_ignore_ascii_case("www") =>
            {
                out.push_str("\u{2060}.");
            }
            c => out.push(c),
        }
    }
    out
}

/// The page that stands in for the scorecard when `check` could not run: what stopped it, as
/// the terminal showed it (`stderr`, escaped: it holds goal-file and export text).
pub fn cannot_run(stderr: &str) -> String {
    let mut shown = String::with_capacity(stderr.len());
    for c in stderr.trim_end().chars() {
        match c {
            '<' => shown.push_str("&lt;"),
            '>' => shown.push_str("&gt;"),
            '&' => shown.push_str("&amp;"),
            '@' => shown.push_str("@\u{2060}"),
            '\r' => {}
            c if c.is_control() && c != '\n' => {}
            c => shown.push(c),
        }
    }
    format!(
        "## ❌ goalpost could not run\n\n`goalpost check` stopped before judging the goals (exit code 2), so there is no scorecard for this run. Fix what it names and run it again:\n\n<pre>\n{shown}\n</pre>\n"
    )
}

/// A message as Markdown: its `code` spans become `<code>` (so the backticks goalpost writes
/// around ids do not show as literal backticks), everything else escaped like any text.
pub fn message(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let parts: Vec<&str> = text.split('`').collect();
    // With an odd number of backticks the last one is unmatched and stays a literal backtick.
    let unmatched = parts.len().is_multiple_of(2);
    for (i, part) in parts.iter().enumerate() {
        let odd = i % 2 == 1;
        if odd && !(unmatched && i == parts.len() - 1) {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            if odd {
                out.push_str("\\`");
            }
            out.push_str(&escape(part));
        }
    }
    out
}

/// `metric` is a goal's `metric` object: unit, duration unit and currency.
fn unit_of(metric: &Value) -> (Unit, Option<DurationUnit>, String) {
    let field = |name: &str| {
        metric
            .get_attr(name)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let unit = field("unit")
        .and_then(|u| Unit::parse(&u))
        .unwrap_or(Unit::Count);
    let duration = field("duration_unit").and_then(|u| DurationUnit::parse(&u));
    (
        unit,
        duration,
        field("currency").unwrap_or_else(|| CURRENCY.into()),
    )
}

fn value_filter(v: Option<f64>, metric: Option<Value>) -> String {
    let (unit, duration, currency) = metric
        .as_ref()
        .map_or((Unit::Count, None, CURRENCY.into()), unit_of);
    format::value(v, unit, duration, &currency)
}

fn spark_filter(values: Vec<Option<f64>>, kwargs: Kwargs) -> Result<String, Error> {
    let width: Option<usize> = kwargs.get("width")?;
    kwargs.assert_all_used()?;
    Ok(format::spark(&values, width.unwrap_or(14)))
}

/// `≥ 300`, `≤ €6.50`, `+20% vs baseline (≥ 14,400)`, `1.5×–3×`.
fn target_text(target: Value, metric: Option<Value>) -> Result<String, Error> {
    let (unit, duration, currency) = metric
        .as_ref()
        .map_or((Unit::Count, None, CURRENCY.into()), unit_of);
    let num = |name: &str| -> Option<f64> {
        target
            .get_attr(name)
            .ok()
            .and_then(|v| f64::try_from(v).ok())
    };
    let show = |v: Option<f64>| format::value(v, unit, duration, &currency);
    let kind = target
        .get_attr("kind")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    let written = target
        .get_attr("written")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok(match kind.as_str() {
        "at_least" => format!("≥ {}", show(num("low"))),
        "at_most" => format!("≤ {}", show(num("high"))),
        "between" => format!("{}–{}", show(num("low")), show(num("high"))),
        "increase" => match num("low") {
            Some(v) => format!("+{written} vs baseline (≥ {})", show(Some(v))),
            None => format!("+{written} vs baseline"),
        },
        "decrease" => match num("high") {
            Some(v) => format!("−{written} vs baseline (≤ {})", show(Some(v))),
            None => format!("−{written} vs baseline"),
        },
        // No target (a composite goal): nothing to show.
        _ => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn user_text_cannot_break_a_table_or_inject_html() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("line\nbreak"), "line break");
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("[x](javascript:1)"), "\\[x\\](javascript:1)");
        assert_eq!(escape("@team"), "@\u{2060}team");
        assert_eq!(
            escape("see https://evil.example and WWW.x.io, www"),
            "see https:\u{2060}//evil.example and WWW\u{2060}.x.io, www"
        );
    }
}
