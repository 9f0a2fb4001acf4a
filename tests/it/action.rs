//! The GitHub Action (action.yml, action/*.sh) on a simulated runner: the steps' scripts run with
//! bash in the order action.yml gives, with `GITHUB_*` variables, a temporary job summary and
//! step outputs, the real goalpost binary on PATH, a local `origin` to fetch the base branch
//! from, and a fake `gh` (tests/action/gh) that records its calls. It shows that the sticky
//! comment is posted once and then edited, that a read-only token (a fork's pull request) falls
//! back to the job summary, and that the job's result follows `goalpost check`.
//!
//! The memory of the last run: actions/cache is simulated by a store in the runner's temporary
//! directory, restored into the (emptied) memory directory before `check` and saved from it
//! after, when prepare.sh says the run is remembered. Webhooks post to a loopback HTTP server
//! the test starts ([`Hook`]).

use crate::support;

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const MARKER: &str = "<!-- goalpost-scorecard -->";
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A runner with a checked-out repository holding the bundled example as its goals.
struct Runner {
    tmp: tempfile::TempDir,
    repo: PathBuf,
    state: PathBuf,
    summary: PathBuf,
    event: &'static str,
    git_ref: &'static str,
    inputs: HashMap<&'static str, String>,
    steps: usize,
}

/// What one run of the action left: the log, the steps' outputs, the job's exit code.
struct ActionRun {
    log: String,
    check: HashMap<String, String>,
    comment: HashMap<String, String>,
    job: Option<i32>,
}

impl Runner {
    fn new() -> Runner {
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("repo");
        copy_dir(&Path::new(ROOT).join("examples/acme"), &repo);
        let state = tmp.path().join("gh-state");
        std::fs::create_dir_all(&state).unwrap();
        let others = r#"[{"id": 1, "user": {"login": "reviewer"}, "body": "> <!-- goalpost-scorecard -->\n> quoted, not ours"}]"#;
        std::fs::write(state.join("comments.json"), others).unwrap();
        let event = tmp.path().join("event.json");
        std::fs::write(&event, r#"{"pull_request": {"number": 7}}"#).unwrap();
        let mut runner = Runner {
            summary: tmp.path().join("job-summary.md"),
            tmp,
            repo,
            state,
            event: "pull_request",
            git_ref: "refs/pull/7/merge",
            inputs: HashMap::new(),
            steps: 0,
        };
        runner.init_git();
        runner.input("file", "goals.yaml");
        runner.input("as-of", "2027-03-15");
        runner
    }

    /// The repository with its base branch pushed to a local `origin`, and no remote-tracking
    /// ref yet, so that the diff step has to fetch it.
    fn init_git(&self) {
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .current_dir(&self.repo)
                .env("HOME", self.tmp.path())
                .output()
                .expect("git");
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["add", "-A"]);
        git(&["commit", "-q", "-m", "goals"]);
        git(&["init", "-q", "--bare", "../origin.git"]);
        git(&["remote", "add", "origin", "../origin.git"]);
        git(&["push", "-q", "origin", "main"]);
        git(&["update-ref", "-d", "refs/remotes/origin/main"]);
    }

    fn input(&mut self, name: &'static str, value: &str) {
        self.inputs.insert(name, value.to_string());
    }

    /// The steps after install, as action.yml runs them: prepare, the cache restore, check, the
    /// cache save, diff, comment, notify, gate.
    fn run_action(&mut self) -> ActionRun {
        let mut log = String::new();
        let (out, prepared) = self.step(
            "prepare",
            &[("INPUT_FILE", "file")],
            &[("GOALPOST_DEFAULT_BRANCH", "main")],
        );
        log.push_str(&out);
        let memory = PathBuf::from(&prepared["memory"]);
        let store = self.tmp.path().join("cache-store");
        // A new job: the runner's temporary directory starts empty, then the cache is restored.
        let _ = std::fs::remove_dir_all(&memory);
        if store.is_dir() {
            copy_dir(&store, &memory);
        }
        let remember = prepared["remember"].clone();
        let want = |input: &str| {
            let set = self.inputs.get(input).is_some_and(|v| !v.is_empty());
            if set { "true" } else { "false" }
        };
        let (want_slack, want_teams) = (want("slack-webhook"), want("teams-webhook"));
        let (out, check) = self.step(
            "check",
            &[
                ("INPUT_FILE", "file"),
                ("INPUT_AS_OF", "as-of"),
                ("INPUT_FAIL_ON", "fail-on"),
                ("INPUT_TEMPLATE", "template"),
                ("INPUT_ARGS", "args"),
                ("INPUT_FAIL_ON_SLIP", "fail-on-slip"),
            ],
            &[
                ("GOALPOST_MEMORY", &prepared["memory"]),
                ("GOALPOST_REMEMBER", &remember),
                ("WANT_SLACK", want_slack),
                ("WANT_TEAMS", want_teams),
            ],
        );
        log.push_str(&out);
        if remember == "true" && check.get("exit-code").is_some_and(|c| c != "2") {
            let _ = std::fs::remove_dir_all(&store);
            copy_dir(&memory, &store);
        }
        let (out, _) = self.step("diff", &[("INPUT_FILE", "file")], &[]);
        log.push_str(&out);
        let (out, comment) = self.step("comment", &[("INPUT_COMMENT", "comment")], &[]);
        log.push_str(&out);
        let output = |name: &str| check.get(name).cloned().unwrap_or_default();
        let (out, _) = self.step(
            "notify",
            &[
                ("SLACK_WEBHOOK", "slack-webhook"),
                ("TEAMS_WEBHOOK", "teams-webhook"),
            ],
            &[
                ("CHECK_SLIPPED", &output("slipped")),
                ("CHECK_CHANGED", &output("changed")),
            ],
        );
        log.push_str(&out);
        let code = output("exit-code");
        let failing = output("failing");
        let slipped = output("slipped");
        let gate = self.run_script(
            "gate",
            &[("INPUT_FAIL", "fail")],
            &[
                ("CHECK_EXIT_CODE", code.as_str()),
                ("CHECK_FAILING", failing.as_str()),
                ("CHECK_SLIPPED", slipped.as_str()),
            ],
        );
        log.push_str(&String::from_utf8_lossy(&gate.0.stdout));
        ActionRun {
            log,
            check,
            comment,
            job: gate.0.status.code(),
        }
    }

    /// Runs one step; returns its log and outputs (a step that fails fails the test).
    fn step(
        &mut self,
        name: &str,
        inputs: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> (String, HashMap<String, String>) {
        let (out, outputs) = self.run_script(name, inputs, env);
        let log = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "step {name} failed:\n{log}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (log, outputs)
    }

    fn run_script(
        &mut self,
        name: &str,
        inputs: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> (std::process::Output, HashMap<String, String>) {
        self.steps += 1;
        let output_file = self
            .tmp
            .path()
            .join(format!("output-{}-{name}", self.steps));
        let bin = Path::new(env!("CARGO_BIN_EXE_goalpost")).parent().unwrap();
        let path = format!(
            "{}:{}:{}",
            Path::new(ROOT).join("tests/action").display(),
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(Path::new(ROOT).join(format!("action/{name}.sh")))
            .current_dir(&self.repo)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.tmp.path())
            .env("NO_COLOR", "1")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_WORKSPACE", &self.repo)
            .env("GITHUB_EVENT_NAME", self.event)
            .env("GITHUB_EVENT_PATH", self.tmp.path().join("event.json"))
            .env("GITHUB_REPOSITORY", "acme/goals")
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_SERVER_URL", "https://github.test")
            .env("GITHUB_RUN_ID", self.steps.to_string())
            .env("GITHUB_RUN_ATTEMPT", "1")
            .env("GITHUB_REF", self.git_ref)
            .env("RUNNER_OS", "Linux")
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("GITHUB_OUTPUT", &output_file)
            .env("RUNNER_TEMP", self.tmp.path().join("runner-temp"))
            .env("FAKE_GH_STATE", &self.state)
            .env("GH_TOKEN", "fake");
        for (var, input) in inputs {
            cmd.env(var, self.inputs.get(input).map_or("", String::as_str));
        }
        cmd.envs(env.iter().copied());
        let out = cmd.output().expect("run bash");
        let outputs = std::fs::read_to_string(&output_file).unwrap_or_default();
        let outputs = outputs
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        (out, outputs)
    }

    /// The fake gh's calls so far, one line of arguments each.
    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.state.join("calls.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// The pull request's comments as the fake GitHub keeps them.
    fn comments(&self) -> Vec<serde_json::Value> {
        let text = support::read(&self.state.join("comments.json"));
        serde_json::from_str(&text).expect("comments JSON")
    }

    fn ours(&self) -> Vec<serde_json::Value> {
        self.comments()
            .into_iter()
            .filter(|c| c["body"].as_str().is_some_and(|b| b.starts_with(MARKER)))
            .collect()
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(&self.summary).unwrap_or_default()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The comment's or summary's diff part: a `### ` section when `goalpost diff` ran, else the
/// log says it could not (the action tolerates a failing diff).
fn assert_diff_tolerated(run: &ActionRun, body: &str) {
    let warned = run.log.contains("::warning title=goalpost diff::");
    assert!(
        warned || body.contains("\n### "),
        "neither a diff section nor a warning:\n{}",
        run.log
    );
}

#[test]
fn the_comment_is_posted_once_then_edited_in_place() {
    let mut runner = Runner::new();
    let first = runner.run_action();
    assert_eq!(first.job, Some(0), "{}", first.log);
    assert_eq!(first.check.get("exit-code").map(String::as_str), Some("0"));
    assert_eq!(first.check.get("total").map(String::as_str), Some("10"));
    let calls = runner.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0],
        "api --paginate repos/acme/goals/issues/7/comments"
    );
    assert_eq!(
        calls[1],
        "api --method POST repos/acme/goals/issues/7/comments --input -"
    );
    let ours = runner.ours();
    assert_eq!(ours.len(), 1, "{:?}", runner.comments());
    let body = ours[0]["body"].as_str().unwrap().to_string();
    assert!(
        body.starts_with(&format!("{MARKER}\n# Acme Outdoor — social goals 2027\n")),
        "{body}"
    );
    assert_diff_tolerated(&first, &body);
    let id = ours[0]["id"].as_i64().unwrap();
    assert_eq!(
        first.comment.get("comment-url").cloned(),
        Some(format!(
            "https://github.test/acme/goals/pull/7#issuecomment-{id}"
        ))
    );
    let fetched = Command::new("git")
        .args([
            "rev-parse",
            "--verify",
            "--quiet",
            "refs/remotes/origin/main",
        ])
        .current_dir(&runner.repo)
        .output()
        .unwrap();
    assert!(
        fetched.status.success(),
        "the diff step fetched the base branch"
    );

    let template = runner.tmp.path().join("short.md.j2");
    std::fs::write(&template, "## Second push: {{ summary.goals }} goals\n").unwrap();
    runner.input("template", template.to_str().unwrap());
    let second = runner.run_action();
    assert_eq!(second.job, Some(0), "{}", second.log);
    let calls = runner.calls();
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert_eq!(
        calls[3],
        format!("api --method PATCH repos/acme/goals/issues/comments/{id} --input -")
    );
    assert_eq!(
        calls.iter().filter(|c| c.contains("POST")).count(),
        1,
        "no second comment"
    );
    let ours = runner.ours();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["id"].as_i64(), Some(id));
    assert!(
        ours[0]["body"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{MARKER}\n## Second push: 10 goals\n"))
    );
    assert_eq!(
        runner.comments().len(),
        2,
        "the reviewer's comment is untouched"
    );
}

#[test]
fn a_read_only_token_falls_back_to_the_job_summary() {
    for denied in ["deny-write", "deny-read"] {
        let mut runner = Runner::new();
        std::fs::write(runner.state.join(denied), "").unwrap();
        let run = runner.run_action();
        assert_eq!(run.job, Some(0), "the job follows check: {}", run.log);
        assert!(runner.ours().is_empty());
        assert!(
            run.log.contains("::notice title=goalpost::Could not comment on pull request #7 (gh: Resource not accessible by integration (HTTP 403))"),
            "{denied}: {}",
            run.log
        );
        let summary = runner.summary();
        assert!(
            summary.starts_with("# Acme Outdoor — social goals 2027\n"),
            "{summary}"
        );
        assert!(summary.contains("could not comment on this pull request (gh: Resource not accessible by integration (HTTP 403)); the scorecard is above"), "{summary}");
        assert_diff_tolerated(&run, &summary);
    }
}

#[test]
fn the_job_fails_on_exit_code_one_unless_fail_is_false() {
    let mut runner = Runner::new();
    runner.input("args", "--warn stale\n  --fail-on at_risk,off_track");
    let run = runner.run_action();
    assert_eq!(run.check.get("exit-code").map(String::as_str), Some("1"));
    assert_eq!(run.job, Some(1));
    assert!(
        run.log
            .contains("::error title=goalpost::4 goals are in a fail_on status"),
        "{}",
        run.log
    );
    assert_eq!(
        runner.ours().len(),
        1,
        "the comment is posted before the job fails"
    );

    runner.input("fail", "false");
    let run = runner.run_action();
    assert_eq!(run.job, Some(0), "{}", run.log);
}

#[test]
fn a_check_that_cannot_run_always_fails_the_job() {
    let mut runner = Runner::new();
    runner.input("file", "missing.yaml");
    runner.input("fail", "false");
    let run = runner.run_action();
    assert_eq!(run.check.get("exit-code").map(String::as_str), Some("2"));
    assert_eq!(run.job, Some(2));
    assert!(run.log.contains("could not run"), "{}", run.log);
    // The sticky comment says the check could not run, instead of keeping an old scorecard.
    let ours = runner.ours();
    assert_eq!(ours.len(), 1, "{:?}", runner.comments());
    let body = ours[0]["body"].as_str().unwrap();
    assert!(
        body.starts_with(&format!("{MARKER}\n## ❌ goalpost could not run\n")),
        "{body}"
    );
    assert!(runner.summary().contains("goalpost could not run"));
}

#[test]
fn outside_pull_requests_only_the_job_summary() {
    let mut runner = Runner::new();
    runner.event = "schedule";
    let run = runner.run_action();
    assert_eq!(run.job, Some(0));
    assert!(runner.calls().is_empty());
    assert!(!run.log.contains("goalpost diff"), "{}", run.log);
    assert!(
        runner
            .summary()
            .starts_with("# Acme Outdoor — social goals 2027\n")
    );
}

#[test]
fn the_log_holds_annotations_and_an_inert_scorecard() {
    let mut runner = Runner::new();
    let run = runner.run_action();
    let lines: Vec<&str> = run.log.lines().collect();
    assert!(
        lines[0].starts_with("::warning file=goals.yaml,line="),
        "{}",
        run.log
    );
    let stop = lines
        .iter()
        .position(|l| l.starts_with("::stop-commands::goalpost-"))
        .expect("commands stopped");
    let token = lines[stop].trim_start_matches("::stop-commands::");
    assert!(token.len() > 30, "an unguessable token");
    let resume = lines
        .iter()
        .position(|l| *l == format!("::{token}::"))
        .expect("commands resumed");
    assert!(
        lines[stop..resume]
            .iter()
            .any(|l| l.starts_with("check ok: 10 goals")),
        "{}",
        run.log
    );
}

#[test]
fn action_yml_runs_these_scripts_with_inputs_in_env_only() {
    let action = support::read(&Path::new(ROOT).join("action.yml"));
    let scripts: Vec<&str> = action
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("run: bash \"$GITHUB_ACTION_PATH/action/")
        })
        .map(|l| l.trim_end_matches(".sh\""))
        .collect();
    assert_eq!(
        scripts,
        [
            "prepare", "install", "check", "diff", "comment", "notify", "gate"
        ]
    );
    for line in action
        .lines()
        .filter(|l| l.trim_start().starts_with("run:"))
    {
        assert!(!line.contains("${{"), "an expression inside run: {line}");
    }
    assert!(!action.contains("eval"));
}

/// A loopback HTTP server standing in for the Slack and Teams webhooks: it records every
/// request's method, path and body and answers 200.
struct Hook {
    url: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl Hook {
    fn start() -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        // The thread ends with the test process; each request is answered on its own.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let request = line.trim_end().to_string();
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                seen.lock()
                    .unwrap()
                    .push((request, String::from_utf8_lossy(&body).into_owned()));
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                );
            }
        });
        Hook { url, requests }
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().unwrap().clone()
    }
}

/// A scheduled run on the default branch, with both webhooks pointing at `hook`.
fn scheduled(hook: &Hook) -> Runner {
    let mut runner = Runner::new();
    runner.event = "schedule";
    runner.git_ref = "refs/heads/main";
    runner.input("slack-webhook", &format!("{}/slack", hook.url));
    runner.input("teams-webhook", &format!("{}/teams", hook.url));
    runner
}

#[test]
fn a_scheduled_run_remembers_and_the_next_reports_what_slipped() {
    let hook = Hook::start();
    let mut runner = scheduled(&hook);
    runner.input("fail-on-slip", "true");
    runner.input("as-of", "2027-03-08");
    let first = runner.run_action();
    assert_eq!(first.job, Some(0), "{}", first.log);
    assert!(
        first.log.contains("No earlier run is remembered yet"),
        "{}",
        first.log
    );
    assert!(!first.check.contains_key("since"));
    let stored = runner.tmp.path().join("cache-store/last-run.json");
    let stored: serde_json::Value = serde_json::from_str(&support::read(&stored)).unwrap();
    assert_eq!(stored["as_of"], "2027-03-08");
    assert!(hook.requests().is_empty(), "a first run posts nothing");

    // A week later the webcare response time (severity error) and the badge it belongs to
    // slipped from on track to at risk: at risk fails no fail_on status, but fail-on-slip does.
    std::fs::remove_file(&runner.summary).unwrap();
    runner.input("as-of", "2027-03-15");
    let second = runner.run_action();
    assert_eq!(
        second.check.get("since").map(String::as_str),
        Some("2027-03-08")
    );
    assert_eq!(second.check.get("slipped").map(String::as_str), Some("2"));
    assert_eq!(
        second.check.get("changed").map(String::as_str),
        Some("true")
    );
    assert_eq!(second.job, Some(1), "{}", second.log);
    assert!(
        second
            .log
            .contains("::error title=goalpost::2 goals slipped since the last run (fail-on-slip)"),
        "{}",
        second.log
    );
    assert!(
        second
            .log
            .contains("title=goal webcare-response-time-7d slipped%3A on track → at risk"),
        "{}",
        second.log
    );
    let summary = runner.summary();
    assert!(
        summary.starts_with(
            "# Acme Outdoor — social goals 2027\n\n**Since 2027-03-08** · 📉 2 slipped"
        ),
        "{summary}"
    );
    // The remembered run is now this one.
    let stored = runner.tmp.path().join("cache-store/last-run.json");
    let stored: serde_json::Value = serde_json::from_str(&support::read(&stored)).unwrap();
    assert_eq!(stored["as_of"], "2027-03-15");

    // Both messages reached the webhooks, byte for byte what check wrote.
    let requests = hook.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let work = runner.tmp.path().join("runner-temp/goalpost");
    for ((request, body), (path, file)) in requests
        .iter()
        .zip([("/slack", "slack.json"), ("/teams", "teams.json")])
    {
        assert_eq!(request, &format!("POST {path} HTTP/1.1"));
        assert_eq!(body, &support::read(&work.join(file)));
        let message: serde_json::Value = serde_json::from_str(body).expect("JSON");
        assert!(
            body.contains("avg_response_time 16.10 min, target ≤ 15 min, slipped from on track"),
            "{body}"
        );
        assert!(message.is_object());
    }
    assert!(
        !second.log.contains(&hook.url),
        "the webhook URL is never printed"
    );
}

#[test]
fn nothing_is_posted_when_nothing_changed() {
    let hook = Hook::start();
    let mut runner = scheduled(&hook);
    runner.input("as-of", "2027-03-08");
    runner.run_action();
    let again = runner.run_action();
    assert_eq!(again.job, Some(0), "{}", again.log);
    assert_eq!(
        again.check.get("changed").map(String::as_str),
        Some("false")
    );
    assert_eq!(again.check.get("slipped").map(String::as_str), Some("0"));
    assert!(
        again
            .log
            .contains("nothing slipped or changed since the last run: no message posted"),
        "{}",
        again.log
    );
    assert!(hook.requests().is_empty(), "{:?}", hook.requests());
}

#[test]
fn on_change_leaves_an_unchanged_comment_alone() {
    let mut runner = Runner::new();
    runner.input("comment", "on-change");
    let first = runner.run_action();
    assert_eq!(first.job, Some(0), "{}", first.log);
    assert_eq!(runner.calls().len(), 2, "listed, then posted");
    let id = runner.ours()[0]["id"].as_i64().unwrap();

    let same = runner.run_action();
    let calls = runner.calls();
    assert_eq!(calls.len(), 3, "listed only: {calls:?}");
    assert!(!calls.iter().any(|c| c.contains("PATCH")), "{calls:?}");
    assert!(
        same.log.contains(&format!(
            "unchanged, comment {id} left as it is (comment: on-change)"
        )),
        "{}",
        same.log
    );
    assert_eq!(
        same.comment.get("comment-url").cloned(),
        Some(format!(
            "https://github.test/acme/goals/pull/7#issuecomment-{id}"
        ))
    );

    runner.input("as-of", "2027-03-16");
    runner.run_action();
    let calls = runner.calls();
    assert_eq!(calls.len(), 5, "{calls:?}");
    assert_eq!(
        calls[4],
        format!("api --method PATCH repos/acme/goals/issues/comments/{id} --input -")
    );
}

#[test]
fn a_pull_request_compares_with_the_default_branch_but_is_not_remembered() {
    let hook = Hook::start();
    let mut runner = scheduled(&hook);
    runner.input("as-of", "2027-03-08");
    runner.run_action();
    runner.event = "pull_request";
    runner.git_ref = "refs/pull/7/merge";
    runner.input("as-of", "2027-03-15");
    let run = runner.run_action();
    assert_eq!(run.job, Some(0), "{}", run.log);
    let body = runner.ours()[0]["body"].as_str().unwrap().to_string();
    assert!(
        body.starts_with(&format!(
            "{MARKER}\n# Acme Outdoor — social goals 2027\n\n**Since 2027-03-08** · 📉 2 slipped"
        )),
        "{body}"
    );
    let stored = runner.tmp.path().join("cache-store/last-run.json");
    let stored: serde_json::Value = serde_json::from_str(&support::read(&stored)).unwrap();
    assert_eq!(
        stored["as_of"], "2027-03-08",
        "a pull request keeps nothing"
    );
}
