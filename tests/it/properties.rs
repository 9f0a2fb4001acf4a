//! Properties of reading and bucketing, over generated exports (proptest): the order of an
//! export's rows and how they are split over files never change a value, and the weekly
//! buckets of a window add up to the window's total. Values are cents (two decimals), so sums
//! are not exact in binary and an order-dependent summation would show.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;

use crate::support::goalpost;

/// One row: day of 2027 (0-based, within Q1), platform, impressions, clicks, spend in cents.
type Row = (u16, bool, u32, u32, u32);

const GOALS: &str = "version: 1
title: Properties
lint: {no-objective: off, vanity-metric: off, non-additive: off, clipped-bucket: off}
sources:
  ads: {path: 'data/*.csv', date_column: date, platform_column: platform}
goals:
  - {id: spend, metric: spend, period: 2027-Q1, target: {at_most: 1.0e12}}
  - {id: ctr, metric: ctr, platform: facebook, period: 2027-Q1, target: {at_least: 0}}
  - {id: cpm, metric: cpm, period: 2027-Q1, target: {at_most: 1.0e12}}
  - {id: spend-weekly, metric: spend, period: 2027-Q1, every: week, pass: all, target: {at_most: 1.0e12}}
";

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            0u16..90,
            any::<bool>(),
            0u32..5000,
            0u32..400,
            0u32..100_000,
        ),
        1..200,
    )
}

/// `rows` as CSV files under `dir/data/`, the rows cut at `cuts` (row indexes) into files.
fn write(dir: &Path, rows: &[Row], cuts: &[usize]) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data directory");
    std::fs::write(dir.join("goals.yaml"), GOALS).expect("goals");
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (rows.len() + 1)).collect();
    bounds.extend([0, rows.len()]);
    bounds.sort_unstable();
    bounds.dedup();
    for (n, pair) in bounds.windows(2).enumerate() {
        let mut text = String::from("date,platform,impressions,clicks,spend\n");
        for &(day, facebook, imp, clicks, cents) in &rows[pair[0]..pair[1]] {
            let date = jiff::civil::date(2027, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(day)))
                .expect("a day of Q1");
            let platform = if facebook { "facebook" } else { "instagram" };
            let _ = writeln!(
                text,
                "{date},{platform},{imp},{clicks},{}.{:02}",
                cents / 100,
                cents % 100
            );
        }
        std::fs::write(data.join(format!("part-{n:03}.csv")), text).expect("export");
    }
}

/// Every goal's `actual` (and the weekly buckets' actuals) as of after the window.
fn values(dir: &Path) -> (Vec<Option<f64>>, Vec<Option<f64>>) {
    let out = goalpost()
        .args(["check", "goals.yaml", "--as-of", "2027-04-30", "-f", "json"])
        .current_dir(dir)
        .output()
        .expect("goalpost runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("JSON on stdout: {}", String::from_utf8_lossy(&out.stderr)));
    let goals = doc["goals"].as_array().expect("goals");
    let actuals = goals.iter().map(|g| g["actual"].as_f64()).collect();
    let buckets = goals[3]["buckets"]
        .as_array()
        .expect("weekly buckets")
        .iter()
        .map(|b| b["actual"].as_f64())
        .collect();
    (actuals, buckets)
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        (x, y) => x.is_none() && y.is_none(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn row_order_and_file_splits_change_no_value(
        rows in rows(),
        order in any::<prop::sample::Index>(),
        cuts in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let one = tempfile::tempdir().expect("temp dir");
        write(one.path(), &rows, &[]);
        let mut shuffled = rows.clone();
        // A rotation and a reversal: every row moves, deterministically from `order`.
        let by = order.index(shuffled.len());
        shuffled.rotate_left(by);
        shuffled.reverse();
        let split = tempfile::tempdir().expect("temp dir");
        write(split.path(), &shuffled, &cuts);
        let (a, _) = values(one.path());
        let (b, _) = values(split.path());
        prop_assert!(a[0].is_some(), "the spend goal has a value");
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            prop_assert!(close(*x, *y), "goal {i}: {x:?} in one file vs {y:?} shuffled and split");
        }
    }

    #[test]
    fn weekly_buckets_add_up_to_the_window(rows in rows()) {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), &rows, &[]);
        let (actuals, buckets) = values(dir.path());
        let total: f64 = buckets.iter().flatten().sum();
        let whole = actuals[0].unwrap_or(0.0);
        prop_assert!(close(Some(total), Some(whole)), "buckets {total} vs window {whole}");
        let cents: u64 = rows.iter().map(|r| u64::from(r.4)).sum();
        #[allow(clippy::cast_precision_loss, reason = "a few million cents")]
        let exact = cents as f64 / 100.0;
        prop_assert!(close(Some(whole), Some(exact)), "window {whole} vs the rows' {exact}");
    }
}
