//! Every rule id is documented in docs/lint-rules.md with a bad and a fixed example, and the
//! document names no rule that does not exist.

use goalpost::rules::RuleId;

const DOC: &str = include_str!("../../docs/lint-rules.md");

#[test]
fn every_rule_has_a_section_with_bad_and_fixed_examples() {
    for rule in RuleId::ALL {
        let heading = format!("## `{rule}`\n");
        let start = DOC
            .find(&heading)
            .unwrap_or_else(|| panic!("docs/lint-rules.md has no section {heading:?}"));
        let rest = &DOC[start + heading.len()..];
        let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
        assert!(
            section.matches("```yaml").count() >= 2,
            "`{rule}` needs a bad and a fixed yaml example"
        );
        assert!(
            section.contains("Bad") && section.contains("Fixed"),
            "`{rule}` needs Bad: and Fixed:"
        );
    }
}

#[test]
fn documented_rules_exist() {
    for line in DOC.lines().filter(|l| l.starts_with("## `")) {
        let id = line.trim_start_matches("## `").trim_end_matches('`');
        assert!(
            RuleId::parse(id).is_some(),
            "docs/lint-rules.md documents unknown rule `{id}`"
        );
    }
}
