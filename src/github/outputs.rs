//! Step outputs for `$GITHUB_OUTPUT`: `exit-code`, `total`, `failing`, `warnings`, one count per
//! status in kebab-case (`pending`, `no-data`, `achieved`, `on-track`, `at-risk`, `off-track`,
//! `missed`), and `scorecard`, the path of the Markdown scorecard when `-o markdown:PATH` wrote
//! one. With `--since`: `since` (the earlier run's as-of date), `slipped`, `recovered`, and
//! `changed` (`true` when any goal moved). Values are numbers, dates, booleans and a path; no
//! text from the goal file or the exports is written.

use std::fmt::Write as _;
use std::path::Path;

use crate::report::Document;
use crate::vocab::Movement;

/// The lines to append to `$GITHUB_OUTPUT`. Without a document (`check` could not run), only
/// `exit-code` and, when the "could not run" page was written there, `scorecard`.
pub fn lines(exit_code: i32, doc: Option<&Document>, scorecard: Option<&Path>) -> String {
    let mut out = String::new();
    put(&mut out, "exit-code", &exit_code.to_string());
    if let Some(doc) = doc {
        put(&mut out, "total", &doc.summary.goals.to_string());
        put(&mut out, "failing", &doc.summary.failing.to_string());
        put(&mut out, "warnings", &doc.summary.warnings.to_string());
        for (status, count) in &doc.summary.statuses {
            put(&mut out, &status.kebab_name(), &count.to_string());
        }
        if let Some(changes) = &doc.changes {
            // The earlier document's as-of, checked to be a date: it came from a file.
            if jiff::civil::Date::strptime("%Y-%m-%d", &changes.since).is_ok() {
                put(&mut out, "since", &changes.since);
            }
            for movement in [Movement::Slipped, Movement::Recovered] {
                let n = changes.counts.get(&movement).copied().unwrap_or(0);
                put(&mut out, movement.name(), &n.to_string());
            }
            put(
                &mut out,
                "changed",
                if changes.any() { "true" } else { "false" },
            );
        }
    }
    if let Some(path) = scorecard {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        put(&mut out, "scorecard", &path.to_string_lossy());
    }
    out
}

/// `name=value`, or GitHub's multi-line form with a delimiter that is no line of the value (a
/// path may hold a line break; it must not start another output).
fn put(out: &mut String, name: &str, value: &str) {
    if !value.contains(['\n', '\r']) {
        let _ = writeln!(out, "{name}={value}");
        return;
    }
    let mut delimiter = String::from("GOALPOST_EOF");
    while value.lines().any(|l| l == delimiter) {
        delimiter.push('_');
    }
    let _ = writeln!(out, "{name}<<{delimiter}\n{value}\n{delimiter}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_document_only_the_exit_code() {
        assert_eq!(lines(2, None, None), "exit-code=2\n");
    }

    #[test]
    fn a_line_break_in_a_value_cannot_start_another_output() {
        let mut out = String::new();
        put(&mut out, "scorecard", "a\nexit-code=0\nGOALPOST_EOF");
        assert_eq!(
            out,
            "scorecard<<GOALPOST_EOF_\na\nexit-code=0\nGOALPOST_EOF\nGOALPOST_EOF_\n"
        );
    }
}
