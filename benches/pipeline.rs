//! `cargo bench`: the two stages that scale with the data — reading a per-post export into
//! tables, and evaluating goals on those tables — on a generated export shaped like the
//! benchmark's (`../shared/bench/gen_data.py`: 14 columns, accounts posting in monthly runs on
//! several platforms). A regression in either shows up here; whole-process comparisons with
//! DuckDB and polars are in docs/performance.md.

#![allow(
    clippy::cast_possible_truncation,
    reason = "the generated data draws small numbers from a 64-bit generator"
)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use goalpost::data::{self, DataSet, Rollups};
use goalpost::eval::{self, Evaluator};
use goalpost::lint::{self, LevelOverrides};
use goalpost::resolve::FileSettings;
use goalpost::spec::{self, ParsedFile};

const ROWS: usize = 200_000;
const ACCOUNTS: usize = 50;
const PLATFORMS: [&str; 4] = ["instagram", "facebook", "linkedin", "tiktok"];
const METRICS: [&str; 6] = [
    "impressions",
    "clicks",
    "spend",
    "ctr",
    "cpc",
    "engagement_rate",
];

/// A deterministic export: runs of 1–40 posts of one account in one month.
fn export() -> String {
    let mut out = String::from(
        "date,account,platform,post_id,impressions,reach,likes,comments,shares,saves,clicks,spend,leads,revenue\n",
    );
    let mut state: u64 = 42;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        state >> 33
    };
    let mut row = 0;
    while row < ROWS {
        let account = next() as usize % ACCOUNTS;
        let month = next() as usize % 36;
        let run = 1 + next() as usize % 40;
        for _ in 0..run.min(ROWS - row) {
            let day = 1 + next() as usize % 28;
            let platform = PLATFORMS[(account + next() as usize % 2) % PLATFORMS.len()];
            let impressions = 100 + next() % 5000;
            let _ = writeln!(
                out,
                "{}-{:02}-{day:02},acct-{account:04},{platform},p{row:012},{impressions},{},{},{},{},{},{},{}.{:02},{},{}.00",
                2024 + month / 12,
                1 + month % 12,
                impressions * 8 / 10,
                impressions / 20,
                impressions / 200,
                impressions / 300,
                impressions / 400,
                impressions / 50,
                next() % 40,
                next() % 100,
                next() % 3,
                next() % 500,
            );
            row += 1;
        }
    }
    out
}

/// 300 goals over the export: sums and ratios, per account, per platform and over everything.
fn goal_file() -> String {
    let mut out = String::from(
        "version: 1\ntitle: Bench\nsources:\n  posts:\n    path: posts.csv\n    date_column: date\n    account_column: account\n    platform_column: platform\nlint:\n  vanity-metric: off\n  non-additive: off\n  no-objective: off\n  stale: off\ngoals:\n",
    );
    for i in 0..300 {
        let account = match i % 10 {
            0 => "all".to_string(),
            n => format!("acct-{:04}", (i * 7 + n) % ACCOUNTS),
        };
        let platform = if i % 3 == 0 {
            "all"
        } else {
            PLATFORMS[i % PLATFORMS.len()]
        };
        let metric = METRICS[i % METRICS.len()];
        let target = if matches!(metric, "spend" | "cpc") {
            "{at_most: 1.0e15}"
        } else {
            "{at_least: 0}"
        };
        let _ = write!(
            out,
            "  - id: g{i}\n    metric: {metric}\n    account: {account}\n    platform: {platform}\n    start: 2024-{:02}-01\n    deadline: 2025-{:02}-28\n    target: {target}\n",
            1 + i % 12,
            1 + i % 12,
        );
    }
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    parsed: ParsedFile,
    linted: lint::Linted,
    needs: data::Needs,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("posts.csv"), export()).expect("export");
    let path = dir.path().join("goals.yaml");
    std::fs::write(&path, goal_file()).expect("goal file");
    let parsed = spec::load(&path).unwrap_or_else(|_| panic!("the bench goal file loads"));
    let linted = lint::lint(&parsed, &LevelOverrides::default());
    assert!(!linted.has_errors(), "{:?}", linted.diagnostics);
    let needs = eval::needs(&parsed, &linted.catalog);
    Fixture {
        _dir: dir,
        parsed,
        linted,
        needs,
    }
}

fn load(f: &Fixture) -> DataSet {
    data::load(
        &f.parsed,
        &f.linted.catalog,
        &f.needs,
        &Default::default(),
        &jiff::tz::TimeZone::UTC,
    )
    .unwrap_or_else(|e| panic!("the bench export loads: {e:?}"))
}

fn bench_read(c: &mut Criterion) {
    let f = fixture();
    let bytes = std::fs::metadata(f._dir.path().join("posts.csv")).map_or(0, |m| m.len());
    let mut group = c.benchmark_group("read");
    group.throughput(Throughput::Bytes(bytes));
    group.sample_size(20);
    group.bench_function("csv_200k_rows", |b| b.iter(|| black_box(load(&f))));
    group.finish();
}

fn bench_evaluate(c: &mut Criterion) {
    let f = fixture();
    let data = load(&f);
    let settings = FileSettings::of(&f.parsed.model).eval(jiff::civil::date(2026, 6, 30));
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(20);
    group.bench_function("300_goals", |b| {
        b.iter(|| {
            let rollups = Rollups::new(&data);
            let evaluator = Evaluator {
                parsed: &f.parsed,
                catalog: &f.linted.catalog,
                data: &data,
                windows: &f.linted.windows,
                settings: &settings,
                dims: &f.needs.dims,
                rollups: &rollups,
            };
            let outcomes: Vec<_> = f
                .parsed
                .model
                .goals
                .iter()
                .enumerate()
                .map(|(i, g)| evaluator.evaluate(i, g))
                .collect();
            black_box(outcomes)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_read, bench_evaluate);
criterion_main!(benches);
