//! User text (titles, notes, objective names) holding `|`, a newline, `<script>`, `%` or `::`
//! cannot break the Markdown table, inject HTML, or inject a GitHub workflow command.

use crate::support::{assert_exit, goalpost};

fn check(format: &str) -> String {
    let out = goalpost()
        .args([
            "check",
            "tests/cases/hostile/goals.yaml",
            "--as-of",
            "2027-01-03",
            "-f",
            format,
        ])
        .output()
        .expect("run goalpost");
    assert_exit(&out, 1);
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Pipes that separate cells: not preceded by a backslash.
fn cell_separators(row: &str) -> usize {
    let bytes = row.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
        .count()
}

#[test]
fn markdown_escapes_user_text() {
    let md = check("markdown");
    assert!(
        md.starts_with("# Acme \\| Q1 &lt;script&gt;alert(1)&lt;/script&gt;\n"),
        "{md}"
    );
    for raw in [
        "<script",
        "<img",
        "](javascript:",
        "\n::error",
        "\n::warning",
    ] {
        assert!(!md.contains(raw), "raw {raw:?} in:\n{md}");
    }
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert!(rows.len() >= 3, "a header, a rule and a goal row:\n{md}");
    let width = cell_separators(rows[0]);
    for row in &rows {
        assert_eq!(cell_separators(row), width, "row breaks the table: {row}");
    }
}

#[test]
fn github_commands_cannot_be_injected() {
    let out = check("github");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1, "one annotation, one line:\n{out}");
    assert!(lines[0].starts_with("::error file=tests/cases/hostile/goals.yaml,line=14,"));
    assert!(lines[0].contains("100%25"), "`%` is escaped: {}", lines[0]);
    assert!(
        lines[0].contains("%0A::warning"),
        "the newline is escaped: {}",
        lines[0]
    );
}

#[test]
fn junit_escapes_markup() {
    let xml = check("junit");
    assert!(!xml.contains("<script") && !xml.contains("<img"), "{xml}");
    assert!(xml.contains("&lt;img src=x onerror=alert(1)&gt;"));
}
