//! JUnit XML: one test case per goal, a failure for each goal that fails the check, skipped for
//! pending goals; for CI systems that read test reports (GitLab, Jenkins, Azure).

use std::fmt::Write as _;

use super::document::{Document, GoalReport};
use crate::spec::model::Status;

/// The JUnit report of a document.
pub fn render(doc: &Document) -> String {
    let failures = doc.goals.iter().filter(|g| g.failing).count();
    let skipped = doc
        .goals
        .iter()
        .filter(|g| g.status == Status::Pending)
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"goalpost\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
        doc.goals.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">",
        xml(&doc.title),
        doc.goals.len()
    );
    for g in &doc.goals {
        testcase(&mut out, doc, g);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn testcase(out: &mut String, doc: &Document, g: &GoalReport) {
    let class = format!("goalpost.{}", g.objective.as_deref().unwrap_or("goals"));
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
        xml(&format!("{}: {}", g.id, g.title)),
        xml(&class),
        xml(&doc.file),
        g.line
    );
    let details = details(g);
    if g.failing {
        let _ = writeln!(
            out,
            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
            xml(&serde_plain(g.status)),
            xml(&format!("{} is {}", g.id, g.status.label())),
            xml(&details)
        );
    } else if g.status == Status::Pending {
        let _ = writeln!(
            out,
            ">\n      <skipped message=\"pending\"/>\n    </testcase>"
        );
    } else {
        let _ = writeln!(
            out,
            ">\n      <system-out>{}</system-out>\n    </testcase>",
            xml(&details)
        );
    }
}

fn details(g: &GoalReport) -> String {
    let mut lines = vec![format!("status: {}", g.status.label())];
    let num = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| v.to_string());
    if let Some(m) = &g.metric {
        lines.push(format!("metric: {}", m.id));
    }
    lines.push(format!("actual: {}", num(g.actual)));
    lines.push(format!("projected: {}", num(g.projected)));
    if let Some(t) = &g.target {
        lines.push(format!(
            "target: {} {} (low {}, high {})",
            t.kind,
            t.written,
            num(t.low),
            num(t.high)
        ));
    }
    for w in &g.warnings {
        lines.push(format!("warning [{}]: {}", w.code, w.message));
    }
    lines.join("\n")
}

fn serde_plain(status: Status) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Escapes text for an XML attribute or element; characters XML 1.0 forbids (controls but tab,
/// line feed and carriage return; U+FFFE, U+FFFF) are dropped, and so are DEL and the C1
/// controls, which XML discourages and terminals obey.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(xml("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(
            xml("x\u{FFFE}\u{FFFF}\u{1b}[31m\u{7f}\u{9b}y\u{10FFFF}"),
            "x[31my\u{10FFFF}"
        );
    }
}
