//! The CI files users copy stay true: the pre-commit hooks validate goal files, docs/ci.md
//! documents every input and output of action.yml and shows the GitLab example as committed, every
//! mention of the repository names Cargo.toml's `repository` and every version tag its
//! `version`, the release builds what the action and `cargo binstall` download, under the names
//! they compute, and the crate packages what the binary embeds.

use crate::support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn yaml(path: &str) -> Value {
    let text = support::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn doc() -> String {
    support::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci.md"))
}

#[test]
fn the_pre_commit_hooks_validate_goal_files() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    assert_eq!(hooks.len(), 2);
    // One builds goalpost with cargo, the other runs the goalpost on PATH.
    for (hook, id, language) in [
        (&hooks[0], "goalpost-validate", "rust"),
        (&hooks[1], "goalpost-system", "system"),
    ] {
        assert_eq!(hook["id"], id);
        assert_eq!(hook["entry"], "goalpost validate");
        assert_eq!(hook["language"], language);
        assert_eq!(hook["files"], r"(^|/)goals\.ya?ml$");
        assert!(
            doc().contains(&format!("- id: {id}")),
            "docs/ci.md shows {id}"
        );
    }
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

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The repository slug, `OWNER/REPO`, from Cargo.toml's `repository`: the one place it is written.
fn slug() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .expect("Cargo.toml's repository is a https://github.com/OWNER/REPO URL")
}

/// Other projects the documentation may link to on GitHub.
const OTHER_PROJECTS: [&str; 4] = [
    "actions/runner",
    "axodotdev/cargo-dist",
    "cargo-bins/cargo-binstall",
    "rust-cross/cargo-zigbuild",
];

/// The files that name the repository or a version for users: the README and docs, the action
/// and its scripts, the workflows, the pre-commit hooks, the GitLab example, the schemas,
/// Cargo.toml and src/ (the schema's `$id`, `goalpost init`'s workflow).
fn user_facing_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, ext, out);
            } else if path
                .extension()
                .is_some_and(|e| ext.iter().any(|x| e == *x))
            {
                out.push(path);
            }
        }
    }
    let root = Path::new(ROOT);
    let mut files: Vec<PathBuf> = [
        "README.md",
        "Cargo.toml",
        "action.yml",
        ".pre-commit-hooks.yaml",
        "examples/gitlab/.gitlab-ci.yml",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    walk(&root.join("docs"), &["md"], &mut files);
    walk(&root.join("examples"), &["md", "yaml", "yml"], &mut files);
    walk(&root.join("action"), &["sh"], &mut files);
    walk(
        &root.join(".github/workflows"),
        &["yml", "yaml"],
        &mut files,
    );
    walk(&root.join("specs"), &["json"], &mut files);
    walk(&root.join("src"), &["rs"], &mut files);
    files.sort();
    files.dedup();
    files
}

fn rel(path: &Path) -> String {
    path.strip_prefix(ROOT)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every `OWNER/REPO` that follows `prefix` in `text`, with its line number.
fn mentions(text: &str, prefix: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices(prefix) {
            let rest = &line[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_./".contains(c)))
                .unwrap_or(rest.len());
            let mut parts = rest[..end].split('/');
            let (Some(owner), Some(repo)) = (parts.next(), parts.next()) else {
                continue;
            };
            let repo = repo.trim_end_matches('.').trim_end_matches(".git");
            if !owner.is_empty() && !repo.is_empty() {
                found.push((n + 1, format!("{owner}/{repo}")));
            }
        }
    }
    found
}

#[test]
fn every_mention_of_the_repository_names_cargo_toml_s() {
    let slug = slug();
    let (owner, repo) = slug.split_once('/').unwrap();
    let mut problems = Vec::new();
    let mut seen = 0;
    for path in user_facing_files() {
        let text = support::read(&path);
        for prefix in ["github.com/", "raw.githubusercontent.com/"] {
            for (line, found) in mentions(&text, prefix) {
                seen += 1;
                if found != slug && !OTHER_PROJECTS.contains(&found.as_str()) {
                    problems.push(format!("{}:{line}: {prefix}{found}", rel(&path)));
                }
            }
        }
        for prefix in ["uses: ", "github.repository != '"] {
            for (line, found) in mentions(&text, prefix) {
                let (o, r) = found.split_once('/').unwrap();
                let ours = o == owner || r == repo || r.contains("goalpost");
                if ours && found != slug {
                    problems.push(format!("{}:{line}: {prefix}{found}", rel(&path)));
                }
                seen += usize::from(ours);
            }
        }
    }
    assert!(seen >= 8, "only {seen} mentions found");
    assert!(
        problems.is_empty(),
        "these name another repository than Cargo.toml's {slug}:\n{}",
        problems.join("\n")
    );
    let schema = support::read(&Path::new(ROOT).join("specs/goalpost.schema.json"));
    assert!(schema.contains(&format!(
        "\"$id\": \"https://raw.githubusercontent.com/{slug}/main/specs/goalpost.schema.json\""
    )));
}

/// The `vX.Y.Z` tags in `text` (a `v` after a non-alphanumeric, then three dot-separated
/// numbers), with their line numbers.
fn version_tags(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        for (at, _) in line.match_indices('v') {
            if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = &line[at + 1..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let number = rest[..end].trim_end_matches('.');
            let parts: Vec<&str> = number.split('.').collect();
            if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
                found.push((n + 1, format!("v{number}")));
            }
        }
    }
    found
}

#[test]
fn every_version_tag_users_are_told_to_write_is_this_version() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for path in user_facing_files() {
        let text = support::read(&path);
        for (line, tag) in version_tags(&text) {
            seen += 1;
            if tag != format!("v{VERSION}") {
                problems.push(format!("{}:{line}: {tag}", rel(&path)));
            }
        }
        // The action's ref: this release, or a branch or commit before it exists.
        for (at, _) in text.match_indices(&format!("{}@", slug())) {
            let rest = &text[at + slug().len() + 1..];
            let reference = &rest[..rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || ".-_".contains(c)))
                .unwrap_or(rest.len())];
            let sha = reference.len() >= 7 && reference.chars().all(|c| c.is_ascii_hexdigit());
            if reference != format!("v{VERSION}") && reference != "main" && !sha {
                let line = text[..at].lines().count();
                problems.push(format!("{}:{line}: @{reference}", rel(&path)));
            }
        }
    }
    assert!(seen >= 5, "only {seen} version tags found");
    assert!(
        problems.is_empty(),
        "not v{VERSION} (Cargo.toml's version), main or a commit SHA:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_gitlab_example_downloads_this_release() {
    let gitlab = yaml("examples/gitlab/.gitlab-ci.yml");
    assert_eq!(gitlab["goalpost"]["variables"]["GOALPOST_VERSION"], VERSION);
    assert_eq!(
        gitlab["goalpost"]["cache"]["key"],
        "goalpost-$GOALPOST_VERSION"
    );
}

#[test]
fn the_example_workflow_uses_this_release_of_the_action() {
    let workflow = support::read(&Path::new(ROOT).join(".github/workflows/goalpost.yml"));
    let uses = format!("      - uses: {}@v{VERSION}", slug());
    assert!(
        workflow
            .lines()
            .any(|l| l == uses || l.starts_with(&format!("{uses} #"))),
        "{workflow}"
    );
}

/// The `KEY = "VALUE"` lines of one TOML table of Cargo.toml.
fn toml_table(table: &str) -> HashMap<String, String> {
    let text = support::read(&Path::new(ROOT).join("Cargo.toml"));
    let mut values = HashMap::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with('[') {
            inside = line.trim() == format!("[{table}]");
            continue;
        }
        if let (true, Some((key, value))) = (inside, line.split_once(" = ")) {
            values.insert(
                key.trim().to_string(),
                value.trim().trim_matches('"').to_string(),
            );
        }
    }
    values
}

/// The targets action/install.sh maps runners to (`echo TRIPLE ;;` lines of target_triple).
fn install_targets() -> Vec<String> {
    let script = support::read(&Path::new(ROOT).join("action/install.sh"));
    let mut targets: Vec<String> = script
        .lines()
        .filter_map(|l| l.trim().split_once(") echo "))
        .filter_map(|(_, rest)| rest.strip_suffix(" ;;"))
        .map(str::to_string)
        .collect();
    targets.sort();
    targets
}

#[test]
fn the_release_builds_every_target_the_action_downloads() {
    let release = yaml(".github/workflows/release.yml");
    let mut built: Vec<String> = release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("a matrix of targets")
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_string())
        .collect();
    built.sort();
    assert_eq!(built, install_targets());
    assert_eq!(built.len(), 5);
    for os in ["linux-musl", "apple-darwin", "windows-msvc"] {
        assert!(built.iter().any(|t| t.ends_with(os)), "{os}");
    }
    // The asset names are tested end to end in install::the_release_workflow_s_archives_...
}

#[test]
fn cargo_binstall_finds_the_release_assets() {
    let main = toml_table("package.metadata.binstall");
    let windows = toml_table("package.metadata.binstall.overrides.x86_64-pc-windows-msvc");
    assert_eq!(main["pkg-fmt"], "tgz");
    assert_eq!(windows["pkg-fmt"], "zip");
    for target in install_targets() {
        let windows_target = target.contains("-windows-");
        let table = if windows_target { &windows } else { &main };
        let render = |template: &str| {
            template
                .replace("{ repo }", env!("CARGO_PKG_REPOSITORY"))
                .replace("{ name }", env!("CARGO_PKG_NAME"))
                .replace("{ version }", VERSION)
                .replace("{ target }", &target)
                .replace("{ bin }", "goalpost")
                .replace("{ binary-ext }", if windows_target { ".exe" } else { "" })
        };
        let ext = if windows_target { "zip" } else { "tar.gz" };
        assert_eq!(
            render(&table["pkg-url"]),
            format!(
                "{}/releases/download/v{VERSION}/goalpost-v{VERSION}-{target}.{ext}",
                env!("CARGO_PKG_REPOSITORY")
            )
        );
        let bin_dir = table.get("bin-dir").unwrap_or(&main["bin-dir"]);
        assert_eq!(
            render(bin_dir),
            format!(
                "goalpost-v{VERSION}-{target}/goalpost{}",
                if windows_target { ".exe" } else { "" }
            )
        );
    }
}

/// The `include` list of Cargo.toml's [package].
fn package_include() -> Vec<String> {
    let text = support::read(&Path::new(ROOT).join("Cargo.toml"));
    let start = text.find("\ninclude = [").expect("an include list") + 1;
    let list = &text[start..start + text[start..].find(']').unwrap()];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim_start_matches('/').to_string())
        .collect()
}

#[test]
fn the_crate_packages_what_the_binary_embeds_and_no_tests() {
    let include = package_include();
    let covered = |file: &str| {
        include.iter().any(|i| {
            file == i.trim_end_matches('/') || (i.ends_with('/') && file.starts_with(i.as_str()))
        })
    };
    for file in support::embedded_files() {
        assert!(
            covered(&file),
            "src/ embeds {file}, which Cargo.toml's include leaves out"
        );
    }
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "templates/scorecard.md.j2",
    ] {
        assert!(covered(file), "{file}");
        assert!(Path::new(ROOT).join(file).is_file(), "{file} exists");
    }
    for file in [
        "tests/it/main.rs",
        "benches/pipeline.rs",
        "docs/ci.md",
        "examples/acme/goals.yaml",
        "action/install.sh",
    ] {
        assert!(!covered(file), "{file} is not packaged");
    }
}
