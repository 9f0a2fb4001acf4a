//! The CI files users copy stay true: the pre-commit hook validates goal files, and docs/ci.md
//! documents every input and output of action.yml and shows the GitLab example as committed.

use crate::support;

use std::path::Path;

use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = support::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn doc() -> String {
    support::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
}

#[test]
fn the_pre_commit_hook_validates_goal_files() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "goalpost-validate");
    assert_eq!(hook["entry"], "goalpost validate");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["files"], r"(^|/)goals\.ya?ml$");
    assert!(doc().contains("      - id: goalpost-validate\n"));
}

#[test]
fn every_action_input_and_output_is_documented() {
    let action = yaml("action.yml");
    let doc = doc();
    for section in ["inputs", "outputs"] {
        let names = action[section].as_object().expect(section);
        assert!(names.len() >= 9, "{section}");
        for name in names.keys() {
            assert!(
                doc.contains(&format!("\n| `{name}` |")),
                "docs/ci.md lacks the {section} row `{name}`"
            );
        }
    }
}

#[test]
fn the_gitlab_example_is_shown_as_committed() {
    let committed = support::read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitlab/.gitlab-ci.yml"),
    );
    assert!(
        doc().contains(&format!("```yaml\n{committed}```\n")),
        "docs/ci.md shows another .gitlab-ci.yml"
    );
}
