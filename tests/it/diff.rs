//! `goalpost diff`: one case per kind of change, as data (tests/diff/cases.txt edits
//! tests/diff/base.yaml), and every output format, each run against a real git repository.

use crate::pool;
use crate::repo::{Repo, fixture, with_base};

/// One case of cases.txt.
struct Case {
    name: String,
    /// `(old lines, new lines)` edits of base.yaml.
    edits: Vec<(Vec<String>, Vec<String>)>,
    /// Whether the previous line was a `-` or `+` line (an edit still open).
    open: bool,
    /// A whole head file instead of edits.
    file: Option<String>,
    /// `EFFECT KIND GOAL` lines, in output order.
    expect: Vec<String>,
}

impl Case {
    fn new(header: &str) -> Case {
        Case {
            name: header
                .split(':')
                .next()
                .unwrap_or(header)
                .trim()
                .to_string(),
            edits: Vec::new(),
            open: false,
            file: None,
            expect: Vec::new(),
        }
    }

    fn read(&mut self, line: &str) {
        let body = |l: &str| l.strip_prefix(' ').unwrap_or(l).to_string();
        if let Some(l) = line.strip_prefix('-') {
            // A `-` after `+` lines, or after other lines, starts the next edit.
            if !self.open || self.edits.last().is_some_and(|(_, new)| !new.is_empty()) {
                self.edits.push((Vec::new(), Vec::new()));
            }
            if let Some(edit) = self.edits.last_mut() {
                edit.0.push(body(l));
            }
            self.open = true;
        } else if let Some(l) = line.strip_prefix('+') {
            let edit = self.edits.last_mut().filter(|_| self.open);
            let edit = edit.unwrap_or_else(|| panic!("case {}: `+` without `-` lines", self.name));
            edit.1.push(body(l));
        } else {
            self.open = false;
            if let Some(file) = line.strip_prefix("file: ") {
                self.file = Some(file.trim().to_string());
            } else if let Some(e) = line.strip_prefix("expect: ").map(str::trim)
                && e != "nothing"
            {
                self.expect.push(e.to_string());
            }
        }
    }
}

fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for line in text.lines() {
        if let Some(header) = line.strip_prefix("== ") {
            cases.push(Case::new(header));
        } else if let Some(case) = cases.last_mut() {
            case.read(line);
        }
    }
    cases
}

fn head_text(case: &Case, base: &str) -> String {
    if let Some(file) = &case.file {
        return fixture(file);
    }
    let mut text = base.to_string();
    for (old, new) in &case.edits {
        let (old, new) = (old.join("\n"), new.join("\n"));
        let found = text.matches(old.as_str()).count();
        assert_eq!(
            found, 1,
            "case {}: {old:?} occurs {found} times in base.yaml",
            case.name
        );
        text = text.replacen(old.as_str(), &new, 1);
    }
    text
}

/// `EFFECT KIND GOAL` for every change of a JSON document.
fn summary_lines(json: &serde_json::Value) -> Vec<String> {
    json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let effect = c["effect"].as_str().unwrap_or("?");
            let kind = c["kind"].as_str().unwrap_or("?");
            let id = c["id"].as_str().unwrap_or("-");
            format!("{effect} {kind} {id}")
        })
        .collect()
}

#[test]
fn every_kind_of_change() {
    let base = fixture("base.yaml");
    let cases = parse_cases(&fixture("cases.txt"));
    assert!(cases.len() > 30, "cases.txt has only {} cases", cases.len());
    // Every thread has a repository of its own, and writes each of its cases' head into it.
    let results = pool::run_with(
        &cases,
        || with_base(&base),
        |repo, case| check_case(repo, case, &base),
    );
    let failures: Vec<String> = cases
        .iter()
        .zip(results)
        .filter_map(|(case, result)| match result {
            Ok(failure) => failure,
            Err(panic) => Some(format!("{}: {panic}", case.name)),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs one case of cases.txt in `repo` (whose `main` holds `base`); what went wrong, if anything.
fn check_case(repo: &Repo, case: &Case, base: &str) -> Option<String> {
    repo.write("goals.yaml", &head_text(case, base));
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "json"]);
    if run.code != 0 {
        return Some(format!("{}: exit {}\n{}", case.name, run.code, run.stderr));
    }
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let got = summary_lines(&doc);
    (got != case.expect).then(|| {
        format!(
            "{}:\n  expected {:?}\n  got      {:?}",
            case.name, case.expect, got
        )
    })
}

#[test]
fn every_kind_is_exercised_and_documented() {
    let cases = fixture("cases.txt");
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diff.md"))
        .expect("docs/diff.md");
    for kind in goalpost::diff::ChangeKind::ALL {
        let name = serde_json::to_value(kind).expect("a name");
        let name = name.as_str().expect("a string");
        assert!(
            cases.contains(&format!(" {name} ")),
            "no case in cases.txt reports `{name}`"
        );
        assert!(
            docs.contains(&format!("`{name}`")),
            "docs/diff.md does not document `{name}`"
        );
    }
}

/// A repository whose head renames the title of one goal to hostile text and loosens it.
fn hostile_repo() -> Repo {
    let base = fixture("base.yaml");
    let repo = with_base(&base);
    let head = base
        .replace(
            "title: 300 qualified leads in the first half year",
            r#"title: "50% done :: ::error::fake\n<script>alert(1)</script> | [x](javascript:1) @team""#,
        )
        .replace("target: {at_least: 300}", "target: {at_least: 250}")
        .replace("severity: warn\n", "");
    repo.write("goals.yaml", &head);
    repo
}

#[test]
fn json_document_validates_against_the_committed_schema() {
    let repo = hostile_repo();
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let schema: serde_json::Value =
        serde_json::from_str(goalpost::diff::document::DIFF_SCHEMA_TEXT).expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("compile the schema");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["file"], "goals.yaml");
    assert_eq!(doc["base"]["file"], "main:goals.yaml");
    assert_eq!(doc["head"]["rev"], serde_json::Value::Null);
    assert_eq!(doc["summary"]["loosened"], 1);
    assert_eq!(doc["summary"]["tightened"], 1);
    let first = &doc["changes"][0];
    assert_eq!(first["id"], "leads");
    assert_eq!(first["kind"], "target_loosened");
    assert_eq!(first["loosens"], true);
    assert_eq!(first["before"], "≥ 300");
    assert_eq!(first["after"], "≥ 250");
    assert_eq!(first["file"], "goals.yaml");
    assert_eq!(first["line"], 23);
    let again = repo.goalpost(&["diff", "--base", "main", "-f", "json"]);
    assert_eq!(
        run.stdout, again.stdout,
        "the same inputs give the same bytes"
    );
}

#[test]
fn markdown_is_a_safe_section_with_loosened_changes_first() {
    let run = hostile_repo().goalpost(&["diff", "--base", "main", "-f", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    assert!(md.starts_with("### Moved goalposts\n\n"), "{md}");
    assert!(
        md.contains("**1 loosened** (1 without a reason), 1 tightened, 0 other"),
        "{md}"
    );
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    assert_eq!(rows.len(), 3, "a header and two changes:\n{md}");
    assert!(
        rows[1].contains("loosened") && rows[1].contains("target loosened"),
        "{md}"
    );
    assert!(
        rows[2].contains("tightened") && rows[2].contains("severity changed"),
        "{md}"
    );
    for row in &rows[1..] {
        // Every row keeps its eight cell borders: no `|` from user text survives unescaped.
        assert_eq!(row.matches(" | ").count() + 2, 8, "{row}");
    }
    assert!(
        !md.contains("<script>") && md.contains("&lt;script&gt;"),
        "{md}"
    );
    assert!(
        md.contains("\\[x\\](javascript:1)") && !md.contains("@team"),
        "{md}"
    );
    assert!(!md.contains("\\n<"), "{md}");
}

#[test]
fn markdown_says_so_in_one_line_when_nothing_changed() {
    let repo = with_base(&fixture("base.yaml"));
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "markdown"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("No goalposts moved"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_annotations_cannot_be_injected() {
    let run = hostile_repo().goalpost(&["diff", "--base", "main", "-f", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "one warning and one notice:\n{}",
        run.stdout
    );
    assert!(
        lines[0].starts_with(
            "::warning file=goals.yaml,line=23,title=goalpost%3A leads target loosened::"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("50%25 done :: ::error::fake%0A<script>"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("::notice file=goals.yaml,title=goalpost diff::"),
        "{}",
        lines[1]
    );
    assert!(
        lines
            .iter()
            .all(|l| l.matches("::").count() >= 2 && l.starts_with("::"))
    );
}

#[test]
fn github_warns_for_a_removed_goal_without_a_line() {
    let base = fixture("base.yaml");
    let repo = with_base(&base);
    let head = base.replace("  - id: badge\n    title: Very responsive badge\n    objective: care\n    all_of: [response-rate, response-time]\n", "");
    assert_ne!(head, base);
    repo.write("goals.yaml", &head);
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "github"]);
    assert!(
        run.stdout
            .starts_with("::warning file=goals.yaml,title=goalpost%3A badge removed::"),
        "{}",
        run.stdout
    );
}

#[test]
fn text_is_compiler_style_and_plain_when_piped() {
    let run = hostile_repo().goalpost(&["diff", "--base", "main"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = run.stdout;
    assert!(
        text.starts_with("loosened: leads: target loosened: ≥ 300 → ≥ 250\n  --> goals.yaml:23\n"),
        "{text}"
    );
    assert!(
        text.contains("tightened: sentiment: severity changed: warn → error"),
        "{text}"
    );
    assert!(text.ends_with("diff loosened: 2 changes: 1 loosened (1 without a reason), 1 tightened, 0 other (main:goals.yaml → goals.yaml)\n"), "{text}");
    assert!(!text.contains('\x1b'), "no color when piped");
    assert_eq!(
        text.matches("\n  --> ").count(),
        2,
        "a title cannot fake a line: {text}"
    );
}

#[test]
fn text_is_colored_only_when_forced_and_never_with_no_color() {
    let repo = hostile_repo();
    let args = ["diff", "--base", "main"];
    let forced = repo.goalpost_with(&args, &[("CLICOLOR_FORCE", "1")], &["NO_COLOR"]);
    assert!(
        forced.stdout.contains("\x1b[31") || forced.stdout.contains("\x1b[1;31"),
        "{}",
        forced.stdout
    );
    let both = repo.goalpost_with(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]);
    assert!(!both.stdout.contains('\x1b'), "{}", both.stdout);
}

/// The base goal file with the `leads` goal's target lowered to 250 and `extra` inserted
/// after its target line (a `why:` or `notes:`, or nothing).
fn leads_loosened(extra: &str) -> (Repo, String) {
    let base = fixture("base.yaml");
    let repo = with_base(&base);
    let head = base.replace(
        "    target: {at_least: 300}\n",
        &format!("    target: {{at_least: 250}}\n{extra}"),
    );
    (repo, head)
}

#[test]
fn a_loosened_goal_without_a_reason_is_a_finding_and_a_stated_one_is_shown() {
    let (repo, head) = leads_loosened("");
    repo.write("goals.yaml", &head);
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let change = &doc["changes"][0];
    assert_eq!(change["finding"], "loosened-without-reason", "{change}");
    assert_eq!(change["reason"], serde_json::Value::Null);
    assert_eq!(doc["summary"]["unexplained"], 1);

    let (repo, head) = leads_loosened("    notes: \"Sales cut the   spring budget\"\n");
    repo.write("goals.yaml", &head);
    let run = repo.goalpost(&["diff", "--base", "main", "-f", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let change = &doc["changes"][0];
    assert_eq!(change["finding"], serde_json::Value::Null, "{change}");
    assert_eq!(change["reason"]["key"], "notes");
    assert_eq!(change["reason"]["text"], "Sales cut the spring budget");
    assert_eq!(doc["summary"]["unexplained"], 0);
    let text = repo.goalpost(&["diff", "--base", "main"]).stdout;
    assert!(
        text.contains("   = notes: Sales cut the spring budget\n"),
        "{text}"
    );
}

#[test]
fn an_unchanged_why_is_no_reason_and_blanks_do_not_make_one() {
    // The base's `sentiment` goal keeps its (absent) why; `leads` gets one that only differs
    // from the base's in blanks: neither states a reason.
    let base = fixture("base.yaml").replace(
        "    target: {at_least: 300}\n",
        "    target: {at_least: 300}\n    why: Sales asked for it\n",
    );
    let repo = with_base(&base);
    let head = base.replace(
        "    target: {at_least: 300}\n    why: Sales asked for it\n",
        "    target: {at_least: 250}\n    why: \"Sales  asked for it \"\n",
    );
    repo.write("goals.yaml", &head);
    let doc: serde_json::Value = serde_json::from_str(
        &repo
            .goalpost(&["diff", "--base", "main", "-f", "json"])
            .stdout,
    )
    .expect("JSON");
    assert_eq!(doc["changes"][0]["finding"], "loosened-without-reason");
}

#[test]
fn allow_explained_passes_a_stated_reason_but_never_a_removed_goal() {
    let (repo, head) = leads_loosened("    why: Budget moved to TikTok in March\n");
    repo.write("goals.yaml", &head);
    let gate = ["diff", "--base", "main", "--fail-on-loosened"];
    assert_eq!(
        repo.goalpost(&gate).code,
        1,
        "a loosening fails the plain gate"
    );
    let allowed = [&gate[..], &["--allow-explained"]].concat();
    let run = repo.goalpost(&allowed);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    // The same file with a goal removed: nothing can explain that in the file.
    let removed = head.replace("  - id: badge\n", "  - id: badge-gone-marker\n");
    let removed = removed
        .split("  - id: badge-gone-marker\n")
        .next()
        .expect("the goals before badge")
        .to_string()
        + &head[head.find("  - id: sentiment").expect("sentiment")..];
    repo.write("goals.yaml", &removed);
    let run = repo.goalpost(&allowed);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("warning[loosened-without-reason]: no reason given, and the goal file has no place for one"),
        "{}",
        run.stdout
    );

    let run = repo.goalpost(&["diff", "--base", "main", "--allow-explained"]);
    assert_eq!(
        run.code, 2,
        "--allow-explained needs --fail-on-loosened: {}",
        run.stderr
    );
}

#[test]
fn numbers_are_shown_in_the_metric_unit_as_check_shows_them() {
    let base = fixture("base.yaml");
    let repo = with_base(&base);
    let head = base
        .replace("target: {at_most: 5000}", "target: {at_most: 6000}")
        .replace("target: {at_least: \"90%\"}", "target: {at_least: 0.85}")
        .replace("target: {at_most: 6.5}", "target: {at_most: 7}");
    repo.write("goals.yaml", &head);
    let text = repo.goalpost(&["diff", "--base", "main"]).stdout;
    for shown in [
        "target loosened: ≤ €5,000.00 → ≤ €6,000.00",
        "target loosened: ≥ 90% → ≥ 85%",
        "target loosened: ≤ €6.50 → ≤ €7.00",
    ] {
        assert!(text.contains(shown), "`{shown}` in\n{text}");
    }
}
