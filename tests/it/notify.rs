//! `-o slack:PATH` and `-o teams:PATH`: the messages are JSON, list the slipped and failing
//! goals by owner with their numbers, and no text from the goal file (titles, owners, the
//! file's title) can mention anyone, add a link or format the message
//! (tests/cases/notify/goals.yaml carries the attempts).

use std::path::Path;

use serde_json::Value;

use crate::support::goalpost;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const CASE: &str = "tests/cases/notify";

/// Runs the case's goals against the earlier run of its previous.yaml, with `args`; returns the
/// exit code and the scratch directory the messages are written in.
fn run(args: &[&str]) -> (Option<i32>, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let previous = dir.path().join("previous.json");
    let out = goalpost()
        .current_dir(ROOT)
        .args([
            "check",
            &format!("{CASE}/previous.yaml"),
            "--as-of",
            "2027-03-10",
        ])
        .args(["-o", &format!("json:{}", previous.display())])
        .output()
        .expect("run goalpost");
    assert!(
        previous.is_file(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = goalpost()
        .current_dir(ROOT)
        .args([
            "check",
            &format!("{CASE}/goals.yaml"),
            "--as-of",
            "2027-03-20",
        ])
        .args(["--since", &previous.display().to_string()])
        .args(args)
        .output()
        .expect("run goalpost");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), dir, stderr)
}

fn messages() -> (Value, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    let (slack, teams) = (dir.path().join("slack.json"), dir.path().join("teams.json"));
    let (code, _keep, stderr) = run(&[
        "-o",
        &format!("slack:{}", slack.display()),
        "-o",
        &format!("teams:{}", teams.display()),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    let read = |p: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).expect("the message")).expect("JSON")
    };
    (read(&slack), read(&teams))
}

/// Every string in `v` with the key that holds it.
fn strings<'a>(v: &'a Value, key: &'a str, out: &mut Vec<(&'a str, &'a str)>) {
    match v {
        Value::String(s) => out.push((key, s)),
        Value::Array(items) => items.iter().for_each(|i| strings(i, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, k, out)),
        _ => {}
    }
}

/// Every object in `v`.
fn objects<'a>(v: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| objects(i, out)),
        Value::Object(map) => {
            out.push(map);
            map.values().for_each(|v| objects(v, out));
        }
        _ => {}
    }
}

/// What no string of a message may hold: a Slack mention, link or broadcast, a Teams mention,
/// a Markdown link, a bare URL, an unbroken mention, or an intact formatting run.
const FORBIDDEN: &[&str] = &[
    "<!",
    "<@",
    "<http",
    "@here",
    "@channel",
    "@everyone",
    "@growth",
    "://",
    "www.",
    "*bold*",
    "_it_",
    "~s~",
    "`c`",
    "*launch*",
    "<at>",
    "](",
    "[x]",
];

fn assert_no_injection(message: &Value, chat: &str) {
    let mut all = Vec::new();
    strings(message, "", &mut all);
    for (key, s) in all {
        // The card's own schema URL is goalpost's text, not the user's.
        if key == "$schema" {
            continue;
        }
        for f in FORBIDDEN {
            assert!(!s.contains(f), "{chat}: {key} holds {f:?}: {s:?}");
        }
    }
}

#[test]
fn slack_message_lists_slips_by_owner_with_numbers() {
    let (slack, _) = messages();
    let mut texts = Vec::new();
    strings(&slack, "", &mut texts);
    let text: Vec<&str> = texts.iter().map(|(_, s)| *s).collect();
    let text = text.join("\n");
    assert!(text.contains("2 slipped, 1 failing"), "{text}");
    assert!(text.contains("since 2027-03-10"), "{text}");
    // The slipped warn goal, under its owner, with its numbers and where it slipped from.
    let owner = text.find("👤 @\u{2060}growth").expect("the owner @growth");
    let line = text
        .find("🟡 slips-warn: leads 150, target ≥ 250, slipped from on track")
        .expect("the slips-warn line");
    assert!(owner < line, "{text}");
    assert!(
        text.contains("leads 150, target ≥ 300, slipped from on track"),
        "{text}"
    );
    // Goals that neither slipped nor fail are not listed.
    assert!(
        !text.contains("new-goal") && !text.contains("recovers"),
        "{text}"
    );
    // User text sits in plain_text objects only: no mrkdwn object at all.
    let mut all = Vec::new();
    objects(&slack, &mut all);
    assert!(
        all.iter()
            .all(|o| o.get("type") != Some(&Value::from("mrkdwn")))
    );
    assert_eq!(slack["mrkdwn"], Value::Bool(false));
}

#[test]
fn teams_message_is_an_adaptive_card_of_text_runs() {
    let (_, teams) = messages();
    let card = &teams["attachments"][0]["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    let mut all = Vec::new();
    objects(card, &mut all);
    // Teams reads a TextBlock as markdown; user text is only ever in TextRuns.
    assert!(
        all.iter()
            .all(|o| o.get("type") != Some(&Value::from("TextBlock")))
    );
    let mut texts = Vec::new();
    strings(card, "", &mut texts);
    assert!(
        texts
            .iter()
            .any(|(_, s)| s.contains("leads 150, target ≥ 250, slipped from on track"))
    );
}

#[test]
fn slack_and_teams_messages_cannot_be_injected() {
    let (slack, teams) = messages();
    assert_no_injection(&slack, "slack");
    assert_no_injection(&teams, "teams");
    // The attempts are still there to read, neutralised, not dropped.
    let mut texts = Vec::new();
    strings(&slack, "", &mut texts);
    assert!(texts.iter().any(|(_, s)| s.contains("&lt;!channel&gt;")));
}

#[test]
fn a_user_template_overrides_and_must_render_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = dir.path().join("slack.json.j2");
    std::fs::write(
        &template,
        r#"{"text": {{ "slipped: " ~ slipped ~ " " ~ owners[0].goals[0].title }}}"#,
    )
    .expect("write");
    let out = dir.path().join("slack.json");
    let (code, _keep, stderr) = run(&[
        "--slack-template",
        &template.display().to_string(),
        "-o",
        &format!("slack:{}", out.display()),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    let message: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let text = message["text"].as_str().expect("text");
    assert!(text.starts_with("slipped: 2 &lt;!channel&gt;"), "{text}");
    assert_no_injection(&message, "user template");

    std::fs::write(&template, r#"{"text": {{ title }}, oops}"#).expect("write");
    let (code, _keep, stderr) = run(&[
        "--slack-template",
        &template.display().to_string(),
        "-o",
        &format!("slack:{}", out.display()),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("the message is not valid JSON"), "{stderr}");
}
