//! Numbers as a marketer reads them: `12,345`, `4.5%`, `4.2×`, `€1,234.50`, `15 min`, `4.3★`;
//! progress bars and sparklines. Shared by the text output and the Markdown template filters.

use crate::catalog::{DurationUnit, Unit};

/// Formats `v` in a metric's unit; `currency` is the code shown with money.
pub fn value(v: Option<f64>, unit: Unit, duration: Option<DurationUnit>, currency: &str) -> String {
    let Some(v) = v else {
        return "–".into();
    };
    match unit {
        Unit::Count => grouped(v, decimals_for(v)),
        Unit::Percent => format!(
            "{}%",
            trimmed(v * 100.0, if (v * 100.0).abs() < 10.0 { 2 } else { 1 })
        ),
        Unit::Factor => format!("{}×", trimmed(v, 2)),
        Unit::Currency => money(v, currency),
        Unit::Rating => format!("{}★", trimmed(v, 2)),
        Unit::Duration => {
            let suffix = duration.unwrap_or(DurationUnit::Seconds).suffix();
            format!("{}{suffix}", grouped(v, decimals_for(v)))
        }
    }
}

fn money(v: f64, currency: &str) -> String {
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        _ => "",
    };
    let sign = if v < 0.0 { "-" } else { "" };
    let amount = grouped(v.abs(), 2);
    if symbol.is_empty() {
        format!("{sign}{amount} {currency}")
    } else {
        format!("{sign}{symbol}{amount}")
    }
}

/// Whole numbers stay whole; small fractions keep two decimals.
fn decimals_for(v: f64) -> usize {
    if (v - v.round()).abs() < 1e-9 || v.abs() >= 1000.0 {
        0
    } else if v.abs() >= 100.0 {
        1
    } else {
        2
    }
}

/// `1234567.891` with 2 decimals → `1,234,567.89`.
pub fn grouped(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    let negative = v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("-{out}") } else { out }
}

/// At most `decimals` decimals, trailing zeros dropped: `4.50` → `4.5`.
fn trimmed(v: f64, decimals: usize) -> String {
    let text = grouped(v, decimals);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A target band as text — `≥ 300`, `≤ €6.50`, `1.5×–3×` — with `show` formatting each bound;
/// `None` when neither bound is known.
pub fn band(
    low: Option<f64>,
    high: Option<f64>,
    show: impl Fn(Option<f64>) -> String,
) -> Option<String> {
    match (low, high) {
        (Some(lo), None) => Some(format!("≥ {}", show(Some(lo)))),
        (None, Some(hi)) => Some(format!("≤ {}", show(Some(hi)))),
        (Some(lo), Some(hi)) => Some(format!("{}–{}", show(Some(lo)), show(Some(hi)))),
        (None, None) => None,
    }
}

/// A fraction as a whole percent: 0.523 → `52%`. Short of 1 never shows as `100%` (a goal that
/// missed by 0.4% is at 99%), and past 0 never as `0%`.
pub fn percent(v: Option<f64>) -> String {
    v.map_or_else(
        || "–".into(),
        |v| {
            let mut p = (v * 100.0).round();
            if v < 1.0 && p >= 100.0 {
                p = 99.0;
            } else if v > 0.0 && p <= 0.0 {
                p = 1.0;
            }
            format!("{p}%")
        },
    )
}

/// A ten-cell progress bar, clamped to 0..1.
pub fn bar(progress: Option<f64>) -> String {
    let Some(p) = progress else {
        return String::new();
    };
    let filled = step(p, 10);
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// `fraction` of the way through `0..=last`, rounded and clamped (NaN gives 0).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "the product is clamped to 0..=last before the cast"
)]
fn step(fraction: f64, last: usize) -> usize {
    #[allow(clippy::cast_precision_loss, reason = "last is a handful of cells")]
    let last_f = last as f64;
    (fraction.clamp(0.0, 1.0) * last_f).round() as usize
}

/// A sparkline of the values (gaps shown as `·`, which neither collapses nor wraps like a
/// space would in a Markdown table cell); at most `width` cells, averaging
/// neighbouring values when there are more.
pub fn spark(values: &[Option<f64>], width: usize) -> String {
    const TICKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let cells = downsample(values, width.max(1));
    let known: Vec<f64> = cells.iter().flatten().copied().collect();
    if known.is_empty() {
        return String::new();
    }
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    cells
        .iter()
        .map(|c| match c {
            None => '·',
            Some(v) if hi > lo => TICKS[step((v - lo) / (hi - lo), TICKS.len() - 1)],
            Some(_) => TICKS[3],
        })
        .collect()
}

fn downsample(values: &[Option<f64>], width: usize) -> Vec<Option<f64>> {
    if values.len() <= width {
        return values.to_vec();
    }
    (0..width)
        .map(|i| {
            let a = i * values.len() / width;
            let b = ((i + 1) * values.len() / width).max(a + 1);
            let chunk: Vec<f64> = values[a..b].iter().flatten().copied().collect();
            (!chunk.is_empty()).then(|| chunk.iter().sum::<f64>() / chunk.len() as f64)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_their_units() {
        let v = |x, u| value(Some(x), u, None, "EUR");
        assert_eq!(v(12345.0, Unit::Count), "12,345");
        assert_eq!(v(0.045, Unit::Percent), "4.5%");
        assert_eq!(v(0.93548, Unit::Percent), "93.5%");
        assert_eq!(v(4.2, Unit::Factor), "4.2×");
        assert_eq!(v(1234.5, Unit::Currency), "€1,234.50");
        assert_eq!(value(Some(6.5), Unit::Currency, None, "SEK"), "6.50 SEK");
        assert_eq!(v(4.2308, Unit::Rating), "4.23★");
        assert_eq!(
            value(
                Some(16.1),
                Unit::Duration,
                Some(DurationUnit::Minutes),
                "EUR"
            ),
            "16.10 min"
        );
        assert_eq!(value(None, Unit::Count, None, "EUR"), "–");
        assert_eq!(grouped(-1234.0, 0), "-1,234");
    }

    #[test]
    fn percents_do_not_round_to_done_or_to_nothing() {
        assert_eq!(percent(Some(0.996)), "99%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(Some(0.004)), "1%");
        assert_eq!(percent(Some(0.0)), "0%");
        assert_eq!(percent(Some(0.523)), "52%");
    }

    #[test]
    fn bars_and_sparklines() {
        assert_eq!(bar(Some(0.5)), "█████░░░░░");
        assert_eq!(bar(Some(1.7)), "██████████");
        assert_eq!(spark(&[Some(1.0), None, Some(8.0)], 10), "▁·█");
        assert_eq!(spark(&[Some(2.0); 40], 4).chars().count(), 4);
        assert_eq!(spark(&[None, None], 4), "");
    }
}
