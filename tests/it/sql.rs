//! Query sources against a real PostgreSQL server (docs/sql.md): the same values as the CSV
//! route and the exact reference, no SQL smuggled in through the goal file, no password in any
//! output, and clean failures when the server goes away, a query times out or a password is
//! wrong.
//!
//! The server comes from `GOALPOST_TEST_PG_URL` (`.ci/run` starts one with `.ci/pg.sh`, and so
//! can you: `.ci/pg.sh start /tmp/pg` prints the URL). Without it the tests skip with a message,
//! except under `CI=true`, where they fail. Each test works in its own schema.

use std::path::Path;
use std::process::{Command, Output};

use postgres::{Client, NoTls};
use serde_json::Value;

use super::support::{assert_exit, goalpost};

/// The test server's URL, or `None` (after saying so) when there is none outside CI.
fn server() -> Option<String> {
    let url = std::env::var("GOALPOST_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    match (url, ci) {
        (Some(url), _) => Some(url),
        (None, true) => panic!(
            "CI=true but GOALPOST_TEST_PG_URL is not set: .ci/run starts the server with .ci/pg.sh"
        ),
        (None, false) => {
            eprintln!(
                "\n!!! sql: SKIPPED, GOALPOST_TEST_PG_URL is not set; query sources were NOT tested \
                 against PostgreSQL (start one: `.ci/pg.sh start /tmp/pg`, export the URL it prints)\n"
            );
            None
        }
    }
}

/// A connection to the test server and a fresh schema `name` on it.
fn schema(url: &str, name: &str) -> Client {
    let mut client = Client::connect(url, NoTls).unwrap_or_else(|e| {
        panic!("cannot connect to the test server (GOALPOST_TEST_PG_URL): {e}")
    });
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
        ))
        .expect("create the test schema");
    client
}

/// Loads CSV text (with its header line) into `table` with `COPY`.
fn copy_csv(client: &mut Client, table: &str, options: &str, text: &str) {
    use std::io::Write;
    let mut w = client
        .copy_in(&format!(
            "COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true{options})"
        ))
        .expect("start COPY");
    w.write_all(text.as_bytes()).expect("COPY data");
    w.finish().expect("finish COPY");
}

/// `goalpost` with the database URL in `GOALPOST_DATABASE_URL`.
fn with_db(url: &str) -> Command {
    let mut cmd = goalpost();
    cmd.env("GOALPOST_DATABASE_URL", url);
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run goalpost")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON document ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Whether two JSON values agree: numbers within a relative 1e-9, everything else equal.
fn agree(a: &Value, b: &Value, at: &str, problems: &mut Vec<String>) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            if (x - y).abs() > 1e-9 * x.abs().max(y.abs()) {
                problems.push(format!("{at}: {x} vs {y}"));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                agree(x, y, &format!("{at}/{i}"), problems);
            }
        }
        (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
            // A goal's line in its goal file differs: the files differ in their sources.
            for (k, v) in x.iter().filter(|(k, _)| *k != "line") {
                match y.get(k) {
                    Some(w) => agree(v, w, &format!("{at}/{k}"), problems),
                    None => problems.push(format!("{at}/{k}: missing")),
                }
            }
        }
        _ if a == b => {}
        _ => problems.push(format!("{at}: {a} vs {b}")),
    }
}

/// Asserts that two documents judge every goal the same (values within 1e-9).
fn same_goals(files: &Value, sql: &Value) {
    let mut problems = Vec::new();
    agree(&files["goals"], &sql["goals"], "goals", &mut problems);
    assert!(
        problems.is_empty(),
        "the query route differs from the file route:\n{}",
        problems[..problems.len().min(20)].join("\n")
    );
}

/// Runs `python3 ARGS` in the crate root, panicking with its stderr when it fails.
fn python(args: &[&str]) -> String {
    let out = Command::new("python3")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3 {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[test]
fn bench_data_agrees_with_the_csv_route_and_the_reference() {
    let Some(url) = server() else { return };
    let mut db = schema(&url, "bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let (posts, goals, exact) = (
        path(dir.path(), "posts.csv"),
        path(dir.path(), "goals.csv"),
        path(dir.path(), "exact.csv"),
    );
    python(&[
        "tests/bench/gen_data.py",
        "--rows",
        "20000",
        "--accounts",
        "50",
        "--seed",
        "42",
        "--jobs",
        "1",
        "--out",
        &posts,
    ]);
    python(&[
        "tests/bench/gen_goals.py",
        "--goals",
        "200",
        "--accounts",
        "50",
        "--seed",
        "7",
        "--data-seed",
        "42",
        "--out",
        &goals,
    ]);
    python(&["tests/bench/reference.py", &posts, &goals, &exact]);
    db.batch_execute(
        "CREATE TABLE bench.posts (date date, account text, platform text, post_id text,
           impressions bigint, reach bigint, likes bigint, comments bigint, shares bigint,
           saves bigint, clicks bigint, spend numeric(12,2), leads bigint, revenue numeric(14,2))",
    )
    .expect("create table");
    copy_csv(
        &mut db,
        "bench.posts",
        "",
        &std::fs::read_to_string(&posts).expect("read posts"),
    );
    let file_goals = path(dir.path(), "files.goals.yaml");
    python(&["tests/bench/to_goalpost.py", &goals, &posts, &file_goals]);
    let yaml = std::fs::read_to_string(&file_goals).expect("read goal file");
    let sql_yaml: String = yaml
        .lines()
        .map(|l| {
            if l.starts_with("    path: ") {
                "    sql: select * from bench.posts\n    url: env:GOALPOST_DATABASE_URL".into()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let sql_goals = path(dir.path(), "sql.goals.yaml");
    std::fs::write(&sql_goals, sql_yaml).expect("write goal file");
    let check = |file: &str| {
        let out = run(with_db(&url).args([
            "check",
            file,
            "--as-of",
            "2028-12-31",
            "-f",
            "json",
            "--fail-on",
            "none",
        ]));
        assert_exit(&out, 0);
        json(&out)
    };
    let (files, sql) = (check(&file_goals), check(&sql_goals));
    same_goals(&files, &sql);
    let source = &sql["sources"][0];
    assert_eq!(source["sql"]["query_rows"], 20000, "{source}");
    assert!(
        source["sql"]["server_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("PostgreSQL")),
        "{source}"
    );
    assert_eq!(source["first_date"], files["sources"][0]["first_date"]);
    assert_eq!(source["last_date"], files["sources"][0]["last_date"]);
    // And against the exact reference, through the kit's own conversion.
    let doc = path(dir.path(), "sql.json");
    std::fs::write(&doc, sql.to_string()).expect("write document");
    let values = path(dir.path(), "sql.csv");
    python(&["tests/bench/from_goalpost.py", &doc, &goals, &values]);
    println!(
        "{}",
        python(&["tests/bench/compare.py", &exact, &values]).trim()
    );
}

/// The example's sources as query sources over tables holding the exports' text: the cleaning
/// a file source does by declaration (Dutch numbers, day-first dates, total rows) is SQL here.
const ACME_SOURCES: &str = r#"sources:
  instagram:
    sql: |
      select "Date"::date as "Date", "Account username",
             "Accounts reached"::bigint as "Accounts reached", "Reels plays"::bigint as "Reels plays",
             "Likes"::bigint as "Likes", "Comments"::bigint as "Comments",
             "Shares"::bigint as "Shares", "Saves"::bigint as "Saves", "Posts"::bigint as "Posts",
             "Followers"::bigint as "Followers"
      from acme.instagram
    url: env:GOALPOST_DATABASE_URL
    platform: instagram
    date_column: Date
    columns:
      "Accounts reached": reach
      "Reels plays": video_views
  ads:
    sql: |
      select to_date("Reporting starts", 'DD-MM-YYYY') as "Reporting starts", "Campaign name",
             replace(replace("Amount spent (EUR)", '.', ''), ',', '.')::numeric as "Amount spent (EUR)",
             replace("Impressions", '.', '')::bigint as "Impressions",
             replace("Link clicks", '.', '')::bigint as "Link clicks"
      from acme.ads
    url: env:GOALPOST_DATABASE_URL
    platform: facebook
    date_column: Reporting starts
    columns:
      "Amount spent (EUR)": spend
      Impressions: impressions
      "Link clicks": link_clicks
  crm:
    sql: |
      select (j->>'date')::date as date, j->>'channel' as channel, j->>'client' as client,
             j->>'campaign' as campaign, (j->>'qualified_leads')::int as qualified_leads
      from acme.leads
    url: env:GOALPOST_DATABASE_URL
    platform_column: channel
    account_column: client
  webcare:
    sql: |
      select "Date"::date as "Date", "Network", messages_received::int as messages_received,
             messages_answered::int as messages_answered, response_time::int as response_time
      from acme.webcare where "Date" <> 'Period total'
    url: env:GOALPOST_DATABASE_URL
    platform_column: Network
  reviews:
    sql: |
      select "Date"::date as "Date", "Reviews"::int as "Reviews", "Star total"::int as "Star total"
      from acme.reviews where "Date" <> 'Total'
    url: env:GOALPOST_DATABASE_URL
    platform: google_business
    columns:
      Reviews: reviews
      "Star total": rating_total
  listening:
    sql: select * from acme.mentions
    url: env:GOALPOST_DATABASE_URL
    platform_column: Page Type
    columns:
      Mentions: mentions
      Positive: positive_mentions
      Negative: negative_mentions
      Neutral: neutral_mentions

"#;

/// A table of text columns named like the CSV's header, loaded with `COPY`.
fn text_table(db: &mut Client, table: &str, csv: &str, delimiter: char) {
    let header = csv.lines().next().expect("a header");
    let columns: Vec<String> = header
        .split(delimiter)
        .map(|h| format!("\"{}\" text", h.trim_matches('"')))
        .collect();
    db.batch_execute(&format!("CREATE TABLE {table} ({})", columns.join(", ")))
        .expect("create table");
    let options = if delimiter == '\t' {
        ", DELIMITER E'\\t'"
    } else if delimiter == ';' {
        ", DELIMITER ';'"
    } else {
        ""
    };
    copy_csv(db, table, options, csv);
}

#[test]
fn the_bundled_example_agrees_with_its_exports() {
    let Some(url) = server() else { return };
    let mut db = schema(&url, "acme");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme/data");
    let read = |name: &str| std::fs::read_to_string(data.join(name)).expect("read export");
    let instagram = read("instagram_daily.csv");
    text_table(
        &mut db,
        "acme.instagram",
        instagram.trim_start_matches('\u{feff}'),
        ',',
    );
    text_table(&mut db, "acme.ads", &read("meta_ads_nl.csv"), ';');
    text_table(&mut db, "acme.webcare", &read("webcare.csv"), ',');
    text_table(&mut db, "acme.reviews", &read("google_reviews.csv"), ',');
    let mentions = read("mentions.csv");
    let table: Vec<&str> = mentions.lines().skip(4).collect();
    text_table(&mut db, "acme.mentions", &(table.join("\n") + "\n"), '\t');
    db.batch_execute("CREATE TABLE acme.leads (j jsonb)")
        .expect("create table");
    for line in read("leads.ndjson")
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        db.execute("INSERT INTO acme.leads VALUES ($1::text::jsonb)", &[&line])
            .expect("insert a lead");
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme/goals.yaml");
    let yaml = std::fs::read_to_string(&example).expect("read the example");
    let start = yaml.find("\nsources:").expect("sources") + 1;
    let end = yaml.find("\ndefaults:").expect("defaults") + 1;
    let sql_yaml = format!("{}{ACME_SOURCES}{}", &yaml[..start], &yaml[end..]);
    let dir = tempfile::tempdir().expect("tempdir");
    let sql_goals = path(dir.path(), "goals.yaml");
    std::fs::write(&sql_goals, sql_yaml).expect("write goal file");
    let check = |file: &str| {
        let out = run(with_db(&url).args(["check", file, "--as-of", "2027-03-15", "-f", "json"]));
        assert_exit(&out, 0);
        json(&out)
    };
    let files = check(&example.display().to_string());
    let sql = check(&sql_goals);
    same_goals(&files, &sql);
    for (f, s) in files["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .zip(sql["sources"].as_array().expect("sources"))
    {
        assert_eq!(f["last_date"], s["last_date"], "{}", s["id"]);
        assert_eq!(f["metrics"], s["metrics"], "{}", s["id"]);
    }
}

/// A goal file with one query source on `posts(date, campaign, impressions)` of `schema`.
fn small_goals(schema: &str, source: &str, goal_extra: &str) -> String {
    format!(
        "version: 1\nsources:\n  db:\n    sql: select * from {schema}.posts\n    url: env:GOALPOST_DATABASE_URL\n    platform: instagram\n{source}goals:\n  - id: reach-q1\n    metric: impressions\n    period: 2027-Q1\n    target: {{at_least: 10}}\n    why: test\n{goal_extra}"
    )
}

fn small_table(url: &str, schema_name: &str) -> Client {
    let mut db = schema(url, schema_name);
    db.batch_execute(&format!(
        "CREATE TABLE {schema_name}.posts (date date, campaign text, impressions bigint);
         INSERT INTO {schema_name}.posts VALUES
           ('2027-01-05', 'spring', 100), ('2027-01-06', 'spring', 50),
           ('2027-02-01', 'x'');drop table {schema_name}.posts;--', 7)"
    ))
    .expect("create the small table");
    db
}

fn write_goals(dir: &Path, text: &str) -> String {
    let file = dir.join("goals.yaml");
    std::fs::write(&file, text).expect("write goal file");
    file.display().to_string()
}

fn actual(doc: &Value) -> Value {
    doc["goals"][0]["actual"].clone()
}

#[test]
fn where_values_column_names_and_source_keys_cannot_inject_sql() {
    let Some(url) = server() else { return };
    let mut db = small_table(&url, "inj");
    let dir = tempfile::tempdir().expect("tempdir");
    let check = |text: &str| {
        let file = write_goals(dir.path(), text);
        run(with_db(&url).args(["check", &file, "--as-of", "2027-03-31", "-f", "json"]))
    };
    // A `where:` value is compared in goalpost, never sent: it selects the row holding it.
    let evil = "x');drop table inj.posts;--";
    let out = check(&small_goals(
        "inj",
        "",
        &format!("    where: {{campaign: \"{evil}\"}}\n"),
    ));
    assert_exit(&out, 0);
    assert_eq!(actual(&json(&out)), 7.0);
    // A column name from `columns:` or `date_column:` is only ever a quoted identifier of a
    // column the query returned: unknown names are errors with the columns it has.
    let out = check(&small_goals(
        "inj",
        "    columns:\n      \"impressions\\\"; drop table inj.posts; --\": impressions\n",
        "",
    ));
    assert_exit(&out, 2);
    assert!(text(&out).contains("is not a column"), "{}", text(&out));
    let out = check(&small_goals(
        "inj",
        "    date_column: \"dat\\\" from inj.posts; drop table inj.posts; --\"\n",
        "",
    ));
    assert_exit(&out, 2);
    // A source key is no identifier: the schema refuses anything but letters, digits, `_`, `-`.
    let out =
        check(&small_goals("inj", "", "").replace("  db:\n", "  \"db; drop table inj.posts\":\n"));
    assert_exit(&out, 2);
    // A column whose real name needs quoting is read through its quoted identifier.
    db.batch_execute("ALTER TABLE inj.posts RENAME COLUMN impressions TO \"Imp\"\"ressions\"")
        .expect("rename");
    let out = check(&small_goals(
        "inj",
        "    columns:\n      'Imp\"ressions': impressions\n",
        "",
    ));
    assert_exit(&out, 0);
    assert_eq!(actual(&json(&out)), 157.0);
    let rows: i64 = db
        .query_one("SELECT count(*) FROM inj.posts", &[])
        .expect("the table is still there")
        .get(0);
    assert_eq!(rows, 3);
}

#[test]
fn sql_errors_name_the_source_the_message_and_the_position() {
    let Some(url) = server() else { return };
    let _db = small_table(&url, "errs");
    let dir = tempfile::tempdir().expect("tempdir");
    let check = |text: &str| {
        let file = write_goals(dir.path(), text);
        run(with_db(&url).args(["check", &file, "--as-of", "2027-03-31"]))
    };
    let bad = small_goals("errs", "", "").replace(
        "select * from errs.posts",
        "select date, impressions\n      form errs.posts",
    );
    let out = check(&bad.replace("    sql: select", "    sql: |\n      select"));
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("source `db`"), "{shown}");
    assert!(shown.contains("syntax error at or near"), "{shown}");
    assert!(shown.contains("line 2, column"), "{shown}");
    assert!(shown.contains("goals.yaml:"), "{shown}");
    let out = check(&small_goals("errs", "    date_column: dat\n", ""));
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("did you mean `date`?"), "{shown}");
    // A query with no rows is said to be empty, as an export without rows is.
    let out = check(&small_goals("errs", "", "").replace("errs.posts", "errs.posts where false"));
    assert!(
        text(&out).contains("source `db`: its query returned no dated rows"),
        "{}",
        text(&out)
    );
    // `validate` reads no data: it does not connect, even to a server that is not there.
    let file = write_goals(dir.path(), &small_goals("errs", "", ""));
    let out = run(goalpost()
        .env(
            "GOALPOST_DATABASE_URL",
            "postgres://nobody:pw@127.0.0.1:1/none",
        )
        .args(["validate", &file]));
    assert_exit(&out, 0);
}

/// `url` with its password replaced.
fn with_password(url: &str, password: &str) -> String {
    let at = url.rfind('@').expect("a URL with credentials");
    let colon = url[..at].rfind(':').expect("a password");
    format!("{}:{password}{}", &url[..colon], &url[at..])
}

/// The password of `url`.
fn password_of(url: &str) -> String {
    let at = url.rfind('@').expect("a URL with credentials");
    let colon = url[..at].rfind(':').expect("a password");
    url[colon + 1..at].to_string()
}

#[test]
fn the_password_never_appears_in_any_output_or_error() {
    let Some(url) = server() else { return };
    let _db = small_table(&url, "pw");
    let password = password_of(&url);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_goals(dir.path(), &small_goals("pw", "", ""));
    let md = dir.path().join("scorecard.md");
    for format in ["text", "json", "markdown", "junit", "github"] {
        let out = run(with_db(&url).args(["check", &file, "--as-of", "2027-03-31", "-f", format]));
        assert_exit(&out, 0);
        assert!(
            !text(&out).contains(&password),
            "-f {format} shows the password"
        );
    }
    // A wrong password: exit 2, the host and user named, neither password shown.
    let wrong = "not-the-Passw0rd";
    let out = run(with_db(&with_password(&url, wrong)).args([
        "check",
        &file,
        "--as-of",
        "2027-03-31",
        "-o",
        &format!("markdown:{}", md.display()),
    ]));
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("cannot connect to 127.0.0.1:"), "{shown}");
    assert!(shown.contains("password authentication failed"), "{shown}");
    assert!(
        !shown.contains(wrong) && !shown.contains(&password),
        "{shown}"
    );
    assert!(
        !md.exists(),
        "no scorecard is written when check cannot run"
    );
    // A URL written in the goal file is refused, and not echoed.
    let literal = small_goals("pw", "", "").replace("env:GOALPOST_DATABASE_URL", &url);
    let file = write_goals(dir.path(), &literal);
    for command in ["validate", "check"] {
        let out = run(goalpost().args([command, &file]));
        assert_exit(&out, if command == "validate" { 1 } else { 2 });
        let shown = text(&out);
        assert!(shown.contains("source-shape"), "{shown}");
        assert!(
            !shown.contains(&password),
            "{command} shows the password: {shown}"
        );
    }
}

#[test]
fn sources_on_one_database_share_one_connection() {
    let Some(url) = server() else { return };
    let mut db = small_table(&url, "once");
    // A role that may hold one connection at a time: a second one would be refused.
    db.batch_execute(
        "DROP ROLE IF EXISTS goalpost_once;
         CREATE ROLE goalpost_once LOGIN PASSWORD 'once-pw' CONNECTION LIMIT 1;
         GRANT USAGE ON SCHEMA once TO goalpost_once;
         GRANT SELECT ON once.posts TO goalpost_once",
    )
    .expect("create the role");
    let at = url.rfind('@').expect("credentials");
    let once = format!("postgres://goalpost_once:once-pw{}", &url[at..]);
    let two = small_goals("once", "", "").replace(
        "goals:\n",
        "  db2:\n    sql: select date, impressions as link_clicks from once.posts\n    url: env:GOALPOST_DATABASE_URL\n    platform: facebook\ngoals:\n  - id: clicks-q1\n    metric: link_clicks\n    period: 2027-Q1\n    target: {at_least: 1}\n",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_goals(dir.path(), &two);
    let out = run(with_db(&once).args(["check", &file, "--as-of", "2027-03-31", "-f", "json"]));
    assert_exit(&out, 0);
    let doc = json(&out);
    assert_eq!(doc["goals"][1]["actual"], 157.0, "{doc}");
}

#[test]
fn a_statement_timeout_stops_the_query_with_a_clear_error() {
    let Some(url) = server() else { return };
    let _db = small_table(&url, "slow");
    let dir = tempfile::tempdir().expect("tempdir");
    let slow = small_goals("slow", "", "").replace(
        "select * from slow.posts",
        "select p.* from slow.posts p, pg_sleep(2)",
    );
    let file = write_goals(dir.path(), &slow);
    let sep = if url.contains('?') { '&' } else { '?' };
    let timed = format!("{url}{sep}options=-c%20statement_timeout%3D300");
    let out = run(with_db(&timed).args(["check", &file, "--as-of", "2027-03-31"]));
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("statement timeout"), "{shown}");
    assert!(shown.contains("statement_timeout"), "{shown}");
}

#[test]
fn a_server_that_goes_away_mid_run_is_exit_2_and_writes_nothing() {
    let Some(url) = server() else { return };
    let mut db = small_table(&url, "gone");
    let dir = tempfile::tempdir().expect("tempdir");
    let slow = small_goals("gone", "", "").replace(
        "select * from gone.posts",
        "select p.* from gone.posts p, pg_sleep(3)",
    );
    let file = write_goals(dir.path(), &slow);
    let out_file = dir.path().join("doc.json");
    let child = with_db(&format!("{url}?application_name=goalpost-gone"))
        .args([
            "check",
            &file,
            "--as-of",
            "2027-03-31",
            "-o",
            &format!("json:{}", out_file.display()),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start goalpost");
    // Wait until its query runs, then end its connection the way a server shutdown does.
    let mut ended = false;
    for _ in 0..100 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let n: i64 = db
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                 WHERE application_name = 'goalpost-gone' AND query LIKE '%pg_sleep%'",
                &[],
            )
            .expect("terminate")
            .get(0);
        if n > 0 {
            ended = true;
            break;
        }
    }
    let out = child.wait_with_output().expect("goalpost ends");
    assert!(ended, "goalpost's query was never seen running");
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("source `db`"), "{shown}");
    assert!(!out_file.exists(), "a partial output was written");
}

#[test]
fn docs_show_the_sql_goalpost_generates() {
    use goalpost::data::sql::query::{DayType, Shape, coverage, window_sums};
    let doc = include_str!("../../docs/sql.md");
    let user = "select date_day, platform, account_name, impressions, clicks, likes, comments, shares\nfrom analytics.social_media_reporting__rollup_report";
    let shape = Shape {
        day: "date_day".into(),
        day_type: DayType::Date,
        keys: vec!["platform".into(), "account_name".into()],
        metrics: ["impressions", "clicks", "likes", "comments", "shares"]
            .map(String::from)
            .to_vec(),
        filtered: Vec::new(),
    };
    for sql in [coverage(user, &shape), window_sums(user, &shape)] {
        assert!(
            doc.contains(&format!("```sql\n{sql}\n```")),
            "docs/sql.md does not show the SQL goalpost sends now:\n{sql}"
        );
    }
}

/// A server of its own, for a test that stops it: `.ci/pg.sh` in a temporary directory, stopped
/// (and removed) on drop.
struct OwnServer {
    dir: tempfile::TempDir,
    url: String,
}

impl OwnServer {
    fn start() -> OwnServer {
        OwnServer::start_with(&[])
    }

    /// A server started with more options of `.ci/pg.sh start` (`--no-tls`).
    fn start_with(options: &[&str]) -> OwnServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = Command::new("bash")
            .arg(".ci/pg.sh")
            .arg("start")
            .arg(dir.path().join("pg"))
            .args(options)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run .ci/pg.sh");
        assert!(
            out.status.success(),
            ".ci/pg.sh start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
        OwnServer { dir, url }
    }

    fn stop(&self) {
        let _ = Command::new("bash")
            .arg(".ci/pg.sh")
            .arg("stop")
            .arg(self.dir.path().join("pg"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output();
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn a_server_stopped_mid_run_is_exit_2_and_writes_nothing() {
    // The shared server says PostgreSQL is here; this test stops a server of its own.
    let Some(_) = server() else { return };
    let own = OwnServer::start();
    let _db = small_table(&own.url, "stopped");
    let dir = tempfile::tempdir().expect("tempdir");
    let slow = small_goals("stopped", "", "").replace(
        "select * from stopped.posts",
        "select p.* from stopped.posts p, pg_sleep(5)",
    );
    let file = write_goals(dir.path(), &slow);
    let out_file = dir.path().join("scorecard.md");
    let child = with_db(&own.url)
        .args([
            "check",
            &file,
            "--as-of",
            "2027-03-31",
            "-o",
            &format!("markdown:{}", out_file.display()),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start goalpost");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    own.stop();
    let out = child.wait_with_output().expect("goalpost ends");
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("source `db`"), "{shown}");
    assert!(!shown.contains(&password_of(&own.url)), "{shown}");
    assert!(!out_file.exists(), "a partial output was written");
}

#[test]
fn the_worked_example_of_the_docs_runs() {
    let Some(url) = server() else { return };
    let mut db = schema(&url, "analytics");
    db.batch_execute(
        "CREATE TABLE analytics.social_media_reporting__rollup_report (
           date_day date, platform text, account_id text, account_name text, post_id text,
           clicks bigint, impressions bigint, likes bigint, comments bigint, shares bigint);
         INSERT INTO analytics.social_media_reporting__rollup_report VALUES
           ('2027-01-10', 'linkedin', '1', 'Acme', 'a', 15, 1000, 10, 1, 1),
           ('2027-02-10', 'linkedin', '1', 'Acme', 'b', 9, 1000, 10, 1, 1),
           ('2026-12-31', 'linkedin', '1', 'Acme', 'c', 500, 1000, 10, 1, 1),
           ('2027-01-11', 'instagram', '2', 'acme.outdoor', 'd', 3, 2000, 50, 5, 5),
           ('2027-01-11', 'instagram', '3', 'acme.kids', 'e', 3, 2000, 500, 5, 5),
           ('2027-01-12', 'twitter', '4', 'Acme', 'f', 1, 100, 1, 0, 0)",
    )
    .expect("create the rollup table");
    let doc = include_str!("../../docs/sql.md");
    let example = doc
        .split("## Worked example")
        .nth(1)
        .and_then(|s| s.split("```yaml\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the worked example's goal file");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_goals(dir.path(), example);
    let out = run(with_db(&url).args(["check", &file, "--as-of", "2027-03-31", "-f", "json"]));
    assert_exit(&out, 0);
    let doc = json(&out);
    let value = |i: usize| doc["goals"][i]["actual"].as_f64().expect("a value");
    assert!((value(0) - 24.0 / 2000.0).abs() < 1e-12, "{doc}");
    assert!((value(1) - 60.0 / 2000.0).abs() < 1e-12, "{doc}");
    let source = &doc["sources"][0];
    assert_eq!(source["sql"]["query_rows"], 6, "{source}");
    assert_eq!(source["sql"]["from"], "2027-01-01", "{source}");
    assert_eq!(source["sql"]["to"], "2027-03-31", "{source}");
}

/// The CA certificate that signed the test server's certificate (`.ci/pg.sh` puts it beside
/// the server's: `SHOW ssl_cert_file`), or `None` (after saying so) for a server without TLS
/// outside CI.
fn tls_root(db: &mut Client) -> Option<std::path::PathBuf> {
    let on: String = db.query_one("SHOW ssl", &[]).expect("SHOW ssl").get(0);
    let cert: String = db
        .query_one("SHOW ssl_cert_file", &[])
        .expect("SHOW ssl_cert_file")
        .get(0);
    let root = Path::new(&cert).with_file_name("ca.crt");
    if on == "on" && root.is_file() {
        return Some(root);
    }
    let why =
        "the test server has no TLS with a CA beside its certificate (start it with .ci/pg.sh)";
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(!ci, "CI=true but {why}");
    eprintln!("\n!!! sql TLS: SKIPPED, {why}\n");
    None
}

/// `url` with `params` added to its query string, and its host replaced by `host` if given.
fn url_with(url: &str, host: Option<&str>, params: &str) -> String {
    let url = match host {
        Some(h) => url.replacen("@127.0.0.1:", &format!("@{h}:"), 1),
        None => url.to_string(),
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{params}")
}

/// A goal file whose query returns its rows only over an encrypted connection: the value
/// says whether goalpost's session used TLS.
fn tls_only_goals(schema: &str) -> String {
    small_goals(schema, "", "").replace(
        &format!("select * from {schema}.posts"),
        &format!(
            "select * from {schema}.posts where (select ssl from pg_stat_ssl where pid = pg_backend_pid())"
        ),
    )
}

#[test]
fn tls_require_verify_ca_and_verify_full_connect_and_give_the_same_values() {
    let Some(url) = server() else { return };
    let mut db = small_table(&url, "tls");
    let Some(root) = tls_root(&mut db) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = write_goals(dir.path(), &small_goals("tls", "", ""));
    let check = |file: &str, url: &str| {
        run(with_db(url).env("HOME", dir.path()).args([
            "check",
            file,
            "--as-of",
            "2027-03-31",
            "-f",
            "json",
        ]))
    };
    let out = check(&plain, &url_with(&url, None, "sslmode=disable"));
    assert_exit(&out, 0);
    let expected = json(&out);
    assert_eq!(actual(&expected), 157.0);
    let encrypted = write_goals(dir.path(), &tls_only_goals("tls"));
    let root = format!("sslrootcert={}", root.display());
    for (host, params) in [
        (None, "sslmode=require".to_string()),
        // libpq's default, `prefer`, takes TLS when the server offers it.
        (None, String::new()),
        (None, format!("sslmode=require&{root}")),
        (None, format!("sslmode=verify-ca&{root}")),
        (Some("localhost"), format!("sslmode=verify-full&{root}")),
    ] {
        let out = check(&encrypted, &url_with(&url, host, &params));
        assert_exit(&out, 0);
        let doc = json(&out);
        assert_eq!(doc["goals"], expected["goals"], "{params}");
    }
    // Without TLS the same query returns no rows: the check above can tell.
    let out = check(&encrypted, &url_with(&url, None, "sslmode=disable"));
    assert!(
        text(&out).contains("its query returned no dated rows"),
        "{}",
        text(&out)
    );
}

/// A CA certificate that signed nothing the server has.
fn other_root(dir: &Path) -> String {
    let cert = dir.join("other-ca.crt");
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=another CA",
            "-keyout",
        ])
        .arg(dir.join("other-ca.key"))
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    cert.display().to_string()
}

#[test]
fn tls_certificate_failures_name_the_host_and_the_reason() {
    let Some(url) = server() else { return };
    let mut db = small_table(&url, "tlsbad");
    let Some(root) = tls_root(&mut db) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_goals(dir.path(), &small_goals("tlsbad", "", ""));
    let md = dir.path().join("scorecard.md");
    let password = password_of(&url);
    let fails = |url: &str, says: &[&str]| {
        let out = run(with_db(url).env("HOME", dir.path()).args([
            "check",
            &file,
            "--as-of",
            "2027-03-31",
            "-o",
            &format!("markdown:{}", md.display()),
        ]));
        assert_exit(&out, 2);
        let shown = text(&out);
        for s in says {
            assert!(shown.contains(s), "{s:?} not in:\n{shown}");
        }
        assert!(!shown.contains(&password), "{shown}");
        assert!(shown.contains("goals.yaml:"), "{shown}");
        assert!(!md.exists(), "no scorecard when check cannot run");
    };
    let other = other_root(dir.path());
    fails(
        &url_with(
            &url,
            Some("localhost"),
            &format!("sslmode=verify-full&sslrootcert={other}"),
        ),
        &[
            "cannot connect to localhost:",
            "not signed by any of the trusted root certificates",
            "sslrootcert=PATH",
        ],
    );
    // The public roots do not hold the test CA either.
    fails(
        &url_with(&url, Some("localhost"), "sslrootcert=system"),
        &[
            "(sslmode=verify-full)",
            "not signed by any of the trusted root",
        ],
    );
    // The certificate names `localhost`, not the address.
    fails(
        &url_with(
            &url,
            None,
            &format!("sslmode=verify-full&sslrootcert={}", root.display()),
        ),
        &[
            "cannot connect to 127.0.0.1:",
            "not for the host name in the URL",
            "sslmode=verify-ca",
        ],
    );
    // Verifying needs roots; libpq's default file is not there (HOME is the temp dir).
    fails(
        &url_with(&url, None, "sslmode=verify-ca"),
        &["sslmode=verify-ca", "names none"],
    );
    fails(
        &url_with(
            &url,
            None,
            "sslmode=verify-full&sslrootcert=/no/such/root.crt",
        ),
        &["`sslrootcert=/no/such/root.crt` does not exist"],
    );
    // With a root file in libpq's default place, `require` checks the chain, as libpq does.
    std::fs::create_dir(dir.path().join(".postgresql")).expect("mkdir");
    std::fs::copy(&other, dir.path().join(".postgresql/root.crt")).expect("copy");
    fails(
        &url_with(&url, None, "sslmode=require"),
        &["not signed by any of the trusted root certificates"],
    );
}

#[test]
fn tls_required_of_a_server_without_tls_fails_clearly() {
    let Some(_) = server() else { return };
    let own = OwnServer::start_with(&["--no-tls"]);
    let _db = small_table(&own.url, "notls");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_goals(dir.path(), &small_goals("notls", "", ""));
    let check = |url: &str| {
        run(with_db(url).env("HOME", dir.path()).args([
            "check",
            &file,
            "--as-of",
            "2027-03-31",
            "-f",
            "json",
        ]))
    };
    let out = check(&url_with(&own.url, None, "sslmode=require"));
    assert_exit(&out, 2);
    let shown = text(&out);
    assert!(shown.contains("cannot connect to 127.0.0.1:"), "{shown}");
    assert!(
        shown.contains("the server does not accept TLS connections"),
        "{shown}"
    );
    assert!(!shown.contains(&password_of(&own.url)), "{shown}");
    // `prefer` falls back to plain text, as libpq's does.
    let out = check(&own.url);
    assert_exit(&out, 0);
    assert_eq!(actual(&json(&out)), 157.0);
}

/// How often the date index of `table` has been scanned, as the statistics say.
fn index_scans(db: &mut Client, index: &str) -> i64 {
    db.query_one(
        "SELECT coalesce(sum(idx_scan), 0)::bigint FROM pg_stat_user_indexes WHERE indexrelname = $1",
        &[&index],
    )
    .expect("read the statistics")
    .get(0)
}

#[test]
fn the_goals_days_restrict_the_scan_and_freshness_still_sees_every_row() {
    let Some(url) = server() else { return };
    let mut db = schema(&url, "pushdown");
    // Two years, 30 rows a day, an index on the date; one row without a date, and one
    // campaign whose rows all lie outside the goal's month.
    db.batch_execute(
        "CREATE TABLE pushdown.posts (date date, campaign text, impressions bigint);
         INSERT INTO pushdown.posts
           SELECT d::date, 'spring', 1
           FROM generate_series(DATE '2026-01-01', DATE '2027-12-31', interval '1 day') AS d,
                generate_series(1, 30);
         INSERT INTO pushdown.posts VALUES (NULL, 'spring', 5), ('2026-03-01', 'autumn', 9);
         CREATE INDEX posts_date_idx ON pushdown.posts (date);
         ANALYZE pushdown.posts",
    )
    .expect("create the table");
    let dir = tempfile::tempdir().expect("tempdir");
    let goals = small_goals("pushdown", "", "")
        .replace("period: 2027-Q1", "period: 2027-02")
        .replace("goals:\n", "goals:\n  - id: autumn\n    metric: impressions\n    period: 2027-02\n    where: {campaign: autumn}\n    target: {at_least: 1}\n    why: test\n");
    let file = write_goals(dir.path(), &goals);
    let before = index_scans(&mut db, "posts_date_idx");
    let out = run(with_db(&url).env("GOALPOST_TIMINGS", "1").args([
        "check",
        &file,
        "--as-of",
        "2027-03-01",
        "-f",
        "json",
        "--fail-on",
        "none",
    ]));
    assert_exit(&out, 0);
    let doc = json(&out);
    // February's rows only are summed ...
    assert_eq!(doc["goals"][1]["id"], "reach-q1");
    assert_eq!(doc["goals"][1]["actual"], 28.0 * 30.0, "{doc}");
    // ... while freshness, the rows and the series are the whole query's: the data runs to
    // the end of 2027, every row is counted, the undated one is reported, and the autumn
    // campaign exists (no data in the month, not an unknown campaign).
    let source = &doc["sources"][0];
    assert_eq!(source["first_date"], "2026-01-01", "{source}");
    assert_eq!(source["last_date"], "2027-12-31", "{source}");
    assert_eq!(source["sql"]["query_rows"], 730 * 30 + 2, "{source}");
    assert_eq!(source["sql"]["rows_aggregated"], 28 * 30, "{source}");
    assert_eq!(source["undated_rows"], 1, "{source}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("WHERE source.\"date\" BETWEEN"), "{stderr}");
    // A series with no rows in the window sums to 0, as a file's does; one that did not
    // exist would have no value and a `no_data` reason.
    assert_eq!(doc["goals"][0]["actual"], 0.0, "{}", doc["goals"][0]);
    // The database used the index for it: the statistics count its scans once goalpost's
    // session has ended (a backend reports them when it exits).
    let mut used = false;
    for _ in 0..100 {
        if index_scans(&mut db, "posts_date_idx") > before {
            used = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(used, "goalpost's statement did not use the date index");
    // And the plan of the statement says so.
    use goalpost::data::sql::query::{DayType, Shape, window_sums};
    let shape = Shape {
        day: "date".into(),
        day_type: DayType::Date,
        keys: vec!["campaign".into()],
        metrics: vec!["impressions".into()],
        filtered: Vec::new(),
    };
    let (lo, hi) = (20850_i32, 20877_i32); // 2027-02-01, 2027-02-28
    let plan: Vec<String> = db
        .query(
            &format!(
                "EXPLAIN {}",
                window_sums("select * from pushdown.posts", &shape)
            ),
            &[&lo, &hi],
        )
        .expect("explain")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("Index Scan using posts_date_idx")
            || plan.contains("Bitmap Index Scan on posts_date_idx"),
        "{plan}"
    );
}

#[test]
fn timestamps_are_restricted_by_the_days_midnights_in_the_sources_zone() {
    let Some(url) = server() else { return };
    let mut db = schema(&url, "stamps");
    // Around February in Amsterdam (UTC+1 in winter): the 2nd and 3rd rows are February's.
    db.batch_execute(
        "CREATE TABLE stamps.posts (at timestamptz, local timestamp, impressions bigint);
         INSERT INTO stamps.posts (at, impressions) VALUES
           ('2027-01-31 23:30+01', 1), ('2027-02-01 00:30+01', 10),
           ('2027-02-28 23:59+01', 100), ('2027-03-01 00:10+01', 1000);
         UPDATE stamps.posts SET local = at AT TIME ZONE 'Europe/Amsterdam'",
    )
    .expect("create the table");
    let dir = tempfile::tempdir().expect("tempdir");
    for column in ["at", "local"] {
        let goals = small_goals(
            "stamps",
            &format!("    date_column: {column}\n    timezone: Europe/Amsterdam\n"),
            "",
        )
        .replace("period: 2027-Q1", "period: 2027-02")
        .replace("select *", &format!("select {column}, impressions"));
        let file = write_goals(dir.path(), &goals);
        let out = run(with_db(&url).args(["check", &file, "--as-of", "2027-03-01", "-f", "json"]));
        assert_exit(&out, 0);
        let doc = json(&out);
        assert_eq!(actual(&doc), 110.0, "{column}: {doc}");
        assert_eq!(doc["sources"][0]["last_date"], "2027-03-01", "{column}");
    }
}

#[test]
fn where_values_every_goal_filters_on_restrict_the_sums_with_the_same_results() {
    let Some(url) = server() else { return };
    let mut db = schema(&url, "wh");
    // Values that differ from the goals' in case, blanks and accents, one without a campaign.
    let rows = [
        ("2027-01-05", "Spring ", " NL", 100),
        ("2027-01-06", "spring", "nl", 50),
        ("2027-01-07", "ÉTÉ", "BE", 7),
        ("2027-01-08", "été", "be", 3),
        ("2027-01-09", "autumn", "nl", 1000),
        ("2027-01-10", "", "nl", 10000),
        ("2027-01-11", "spring", "de", 20000),
    ];
    db.batch_execute(
        "CREATE TABLE wh.posts (date date, campaign text, region text, impressions bigint)",
    )
    .expect("create the table");
    let mut csv = String::from("date,campaign,region,impressions\n");
    for (date, campaign, region, n) in rows {
        let campaign = (!campaign.is_empty()).then_some(campaign);
        db.execute(
            "INSERT INTO wh.posts VALUES ($1::text::date, $2, $3, $4)",
            &[&date, &campaign, &region, &i64::from(n)],
        )
        .expect("insert");
        csv.push_str(&format!("{date},{},{region},{n}\n", campaign.unwrap_or("")));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("posts.csv"), csv).expect("write the export");
    let goals = |source: &str| {
        format!(
            "version: 1\nsources:\n  db:\n{source}    platform: instagram\ngoals:\n\
             - id: spring-nl\n    metric: impressions\n    period: 2027-Q1\n    where: {{campaign: spring, region: nl}}\n    target: {{at_least: 1}}\n    why: t\n\
             - id: ete\n    metric: impressions\n    period: 2027-Q1\n    where: {{campaign: Été}}\n    target: {{at_least: 1}}\n    why: t\n\
             - id: spring\n    metric: impressions\n    period: 2027-Q1\n    where: {{campaign: [spring, \"x');drop table wh.posts;--\"]}}\n    target: {{at_least: 1}}\n    why: t\n"
        )
        .replace("\ngoals:\n", "\ngoals:\n  ")
        .replace("\n- id:", "\n  - id:")
    };
    let check = |text: &str, name: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write goal file");
        let out = run(with_db(&url).env("GOALPOST_TIMINGS", "1").args([
            "check",
            &file.display().to_string(),
            "--as-of",
            "2027-03-31",
            "-f",
            "json",
            "--fail-on",
            "none",
        ]));
        assert_exit(&out, 0);
        out
    };
    let files = check(&goals("    path: posts.csv\n"), "files.yaml");
    let sql = check(
        &goals("    sql: select * from wh.posts\n    url: env:GOALPOST_DATABASE_URL\n"),
        "sql.yaml",
    );
    let (files, stderr, sql) = (
        json(&files),
        String::from_utf8_lossy(&sql.stderr).into_owned(),
        json(&sql),
    );
    same_goals(&files, &sql);
    let values: Vec<f64> = (0..3)
        .map(|i| sql["goals"][i]["actual"].as_f64().expect("a value"))
        .collect();
    assert_eq!(values, [150.0, 10.0, 20150.0], "{sql}");
    // `campaign` is pushed (every goal filters on it), as the texts the query holds; `region`
    // is not (two goals take every region). The autumn and the campaign-less rows are not summed.
    assert!(
        stderr.contains("AND CAST(source.\"campaign\" AS text) = ANY($3)"),
        "{stderr}"
    );
    assert!(!stderr.contains("\"region\" AS text) = ANY"), "{stderr}");
    let source = &sql["sources"][0];
    assert_eq!(source["sql"]["rows_aggregated"], 5, "{source}");
    assert_eq!(source["sql"]["query_rows"], 7, "{source}");
}
