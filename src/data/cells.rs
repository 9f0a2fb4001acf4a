//! Cells of real exports: numbers with thousands separators, decimal commas, percent signs and
//! currency symbols; `-`/`N/A`/empty as missing; `H:MM:SS` durations; and dates in the forms
//! platforms write them (docs/evaluation.md, "Reading sources").
//!
//! This is the general parser, on text. The reader tries the byte-level fast paths of `scan.rs`
//! first (plain decimals, `YYYY-MM-DD`); whatever they accept, they must read exactly as this
//! does.

use jiff::civil::Date as CivilDate;
use jiff::tz::TimeZone;

use crate::catalog::DurationUnit;

/// The decimal convention of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberFormat {
    /// `b'.'` or `b','`.
    pub decimal: u8,
    /// `abbreviated: true`: `1.2K`, `3.4M`, `1B` are read as thousands, millions, billions.
    pub abbreviated: bool,
}

impl NumberFormat {
    /// The thousands separator that goes with the decimal sign.
    fn thousands(self) -> u8 {
        if self.decimal == b',' { b'.' } else { b',' }
    }
}

/// Why a cell is not a number, phrased for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// What was wrong.
    pub message: String,
    /// How to fix it, when there is a likely fix.
    pub help: Option<String>,
}

impl CellError {
    fn new(message: impl Into<String>) -> Self {
        CellError {
            message: message.into(),
            help: None,
        }
    }
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Cells that mean "no value" (not zero).
pub fn is_missing(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || matches!(t, "-" | "–" | "—" | "--")
        || ["n/a", "na", "null", "none", "nan", "#n/a", "undefined"]
            .iter()
            .any(|m| t.eq_ignore_ascii_case(m))
}

/// Parses a numeric cell; `Ok(None)` for a missing cell. `duration` converts `H:MM:SS` cells.
pub fn parse_number(
    raw: &str,
    format: NumberFormat,
    duration: Option<DurationUnit>,
) -> Result<Option<f64>, CellError> {
    if is_missing(raw) {
        return Ok(None);
    }
    let text = raw.trim();
    if let Some(v) = fast_plain(text, format) {
        return Ok(Some(v));
    }
    if text.contains(':') {
        return parse_duration(text, duration).map(Some);
    }
    if let Some((number, exponent)) = abbreviation(text) {
        if !format.abbreviated {
            return Err(CellError {
                message: "is an abbreviated number".into(),
                help: Some("add `abbreviated: true` to the source to read `K`, `M` and `B` as thousands, millions and billions (lossy: `1.2K` stands for anything from 1,150 to 1,249)".into()),
            });
        }
        let value =
            parse_number(number, format, None)?.ok_or_else(|| CellError::new("not a number"))?;
        // Shifted in decimal, so `1.2K` is exactly 1200 (`1.2 * 1000.0` is not).
        let shifted: f64 = format!("{value:e}")
            .split_once('e')
            .and_then(|(m, e)| Some(format!("{m}e{}", e.parse::<i32>().ok()? + exponent)))
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| CellError::new("not a number"))?;
        return Ok(Some(shifted));
    }
    let (text, percent) = match text.strip_suffix('%') {
        Some(t) => (t.trim_end(), true),
        None => (text, false),
    };
    let text = strip_currency(text);
    let (negative, body) = match text.strip_prefix('-').or_else(|| text.strip_prefix('−')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let scientific =
        format.decimal == b'.' && body.contains(['e', 'E']) && body.parse::<f64>().is_ok();
    let canonical = if scientific {
        body.to_string()
    } else {
        canonical_decimal(body, format)?
    };
    let mut value: f64 = canonical
        .parse()
        .map_err(|_| CellError::new("not a number"))?;
    if !value.is_finite() {
        return Err(CellError::new("not a finite number"));
    }
    if negative {
        value = -value;
    }
    if percent {
        value /= 100.0;
    }
    Ok(Some(value))
}

/// `1.2K` → (`1.2`, 3): a number followed by `K`, `M` or `B` (either case), as exports that
/// abbreviate write them.
fn abbreviation(text: &str) -> Option<(&str, i32)> {
    let last = text.chars().last()?;
    let exponent = match last.to_ascii_uppercase() {
        'K' => 3,
        'M' => 6,
        'B' => 9,
        _ => return None,
    };
    let number = text[..text.len() - 1].trim_end();
    number
        .bytes()
        .last()
        .is_some_and(|b| b.is_ascii_digit())
        .then_some((number, exponent))
}

/// Plain `123`, `-4.5`: the common case, parsed without allocation. With a decimal comma a `.`
/// is a thousands separator, so only digit-only cells take this path.
fn fast_plain(text: &str, format: NumberFormat) -> Option<f64> {
    let b = text.as_bytes();
    if format.decimal != b'.' && b.contains(&b'.') {
        return None;
    }
    let digits_start = usize::from(b.first() == Some(&b'-'));
    let body = &b[digits_start..];
    let plain = !body.is_empty()
        && body[0].is_ascii_digit()
        && body.iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && body.iter().filter(|c| **c == b'.').count() <= 1;
    if plain {
        text.parse().ok().filter(|v: &f64| v.is_finite())
    } else {
        None
    }
}

fn strip_currency(text: &str) -> &str {
    const SYMBOLS: [&str; 4] = ["€", "$", "£", "EUR"];
    let mut t = text;
    for s in SYMBOLS {
        t = t.strip_prefix(s).unwrap_or(t).trim_start();
        t = t.strip_suffix(s).unwrap_or(t).trim_end();
    }
    t
}

/// Removes thousands separators (groups of exactly three digits) and turns the decimal sign into
/// `.`, so that `12.345,67` (decimal `,`) and `12,345.67` both become `12345.67`.
fn canonical_decimal(body: &str, format: NumberFormat) -> Result<String, CellError> {
    let decimal = format.decimal as char;
    let thousands = format.thousands() as char;
    let (int_part, frac_part) = match body.rfind(decimal) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let groups: Vec<&str> = int_part
        .split([thousands, ' ', '\u{a0}', '\u{202f}'])
        .collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let grouped_ok = groups.len() == 1
        || (digits(groups[0])
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3 && digits(g)));
    let frac_ok = frac_part.is_none_or(|f| digits(f) || (f.is_empty() && !int_part.is_empty()));
    if !(grouped_ok && frac_ok && digits(&groups.concat())) {
        return Err(wrong_separator(body, format));
    }
    let mut out = groups.concat();
    if let Some(f) = frac_part {
        out.push('.');
        out.push_str(f);
    }
    Ok(out)
}

fn wrong_separator(body: &str, format: NumberFormat) -> CellError {
    let other = if format.decimal == b',' { '.' } else { ',' };
    let looks_like_other_locale = body.contains(other)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
    let err = CellError::new("not a number");
    if looks_like_other_locale && format.decimal == b'.' {
        err.help("if `,` is the decimal sign in this export, add `decimal: \",\"` to the source")
    } else if looks_like_other_locale {
        err.help("this looks like a `.` decimal; remove `decimal: \",\"` from the source")
    } else {
        err
    }
}

/// `H:MM:SS` or `M:SS`, converted to the metric's duration unit (seconds when it has none).
fn parse_duration(text: &str, unit: Option<DurationUnit>) -> Result<f64, CellError> {
    let parts: Vec<&str> = text.split(':').collect();
    let num = |s: &str| -> Option<f64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            .then(|| s.parse().ok())
            .flatten()
    };
    let seconds = match parts.as_slice() {
        [m, s] => num(m).zip(num(s)).map(|(m, s)| m * 60.0 + s),
        [h, m, s] => num(h)
            .zip(num(m))
            .zip(num(s))
            .map(|((h, m), s)| h * 3600.0 + m * 60.0 + s),
        _ => None,
    }
    .ok_or_else(|| CellError::new("not a number or an H:MM:SS duration"))?;
    Ok(match unit {
        Some(DurationUnit::Minutes) => seconds / 60.0,
        Some(DurationUnit::Hours) => seconds / 3600.0,
        Some(DurationUnit::Seconds) | None => seconds,
    })
}

/// How a source's dates are read.
#[derive(Debug, Clone)]
pub struct DateFormat {
    /// strftime format from `date_format:`; `None` accepts ISO dates, date-times and `YYYYMMDD`.
    pub strftime: Option<String>,
    /// Time zone of naive date-times in the file.
    pub source_tz: TimeZone,
    /// The goal file's time zone: date-times land on its calendar.
    pub file_tz: TimeZone,
}

/// Parses a date cell to the goal file's calendar day.
pub fn parse_date(raw: &str, format: &DateFormat) -> Result<CivilDate, CellError> {
    let text = raw.trim();
    match &format.strftime {
        Some(f) => parse_with_format(text, f, format),
        None => parse_default(text, format),
    }
}

fn parse_default(text: &str, format: &DateFormat) -> Result<CivilDate, CellError> {
    let b = text.as_bytes();
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        let iso = format!("{}-{}-{}", &text[..4], &text[4..6], &text[6..]);
        return iso.parse().map_err(|_| not_a_date(text));
    }
    if b.len() == 10 {
        return text.parse().map_err(|_| not_a_date(text));
    }
    if b.len() > 10 && (b[10] == b'T' || b[10] == b' ') {
        return parse_datetime(text, format).or_else(|e| {
            // `2016-11-26 5:8:54`: a naive time jiff does not read (unpadded fields) is read
            // for its date part, which is the day written.
            let time = text[11..].trim();
            if b[10] == b' ' && time.bytes().all(|c| c.is_ascii_digit() || c == b':') {
                text[..10].parse().map_err(|_| e)
            } else {
                Err(e)
            }
        });
    }
    Err(not_a_date(text))
}

/// `… 18:50 +0000` → `…T18:50+00:00`: an offset without its colon after a space, as X writes it.
fn colon_offset(text: &str) -> Option<String> {
    let (body, offset) = text.rsplit_once(' ')?;
    let o = offset.as_bytes();
    if o.len() == 5 && matches!(o[0], b'+' | b'-') && o[1..].iter().all(u8::is_ascii_digit) {
        Some(format!("{body}{}:{}", &offset[..3], &offset[3..]))
    } else {
        None
    }
}

/// An ISO date-time: with `Z` or an offset it is an instant; without, a wall-clock time in the
/// source's zone. Either way it lands on the goal file's calendar.
fn parse_datetime(text: &str, format: &DateFormat) -> Result<CivilDate, CellError> {
    let normalized = colon_offset(text)
        .unwrap_or_else(|| text.to_string())
        .replacen(' ', "T", 1);
    if let Ok(ts) = normalized.parse::<jiff::Timestamp>() {
        return Ok(ts.to_zoned_datetime(format.file_tz.clone()).date());
    }
    let dt: jiff::civil::DateTime = normalized.parse().map_err(|_| not_a_date(text))?;
    to_file_day(dt, format).ok_or_else(|| not_a_date(text))
}

fn to_file_day(dt: jiff::civil::DateTime, format: &DateFormat) -> Option<CivilDate> {
    let zoned = dt.to_zoned_datetime(format.source_tz.clone()).ok()?;
    Some(zoned.with_time_zone(format.file_tz.clone()).date())
}

fn parse_with_format(text: &str, f: &str, format: &DateFormat) -> Result<CivilDate, CellError> {
    let tm = jiff::fmt::strtime::parse(f, text).or_else(|e| {
        // A date format meets a date-time (`10/1/2015 21:00`, `2025/10/31 18:19:10`): the date
        // part is the day written.
        match date_part(text) {
            Some(date) if !f.contains("%H") => jiff::fmt::strtime::parse(f, date),
            _ => Err(e),
        }
    });
    let tm = tm.map_err(|_| {
        CellError::new(format!("does not match `date_format: \"{f}\"`"))
            .help("fix the cell, or `date_format:` in the source (strftime, e.g. `%d-%m-%Y`)")
    })?;
    if let Ok(ts) = tm.to_timestamp() {
        return Ok(ts.to_zoned_datetime(format.file_tz.clone()).date());
    }
    if let Ok(dt) = tm.to_datetime() {
        return to_file_day(dt, format).ok_or_else(|| not_a_date(text));
    }
    tm.to_date().map_err(|e| {
        CellError::new(format!("is not a date: {e}"))
            .help("fix the cell, or `date_format:` in the source")
    })
}

/// The text before the first word holding a `:` (a time), when there is one.
fn date_part(text: &str) -> Option<&str> {
    let mut end = 0;
    for word in text.split(' ') {
        if word.contains(':') {
            return (end > 0).then(|| text[..end].trim_end());
        }
        end += word.len() + 1;
    }
    None
}

fn not_a_date(text: &str) -> CellError {
    let _ = text;
    CellError::new("is not a date")
        .help("dates must be YYYY-MM-DD, an ISO date-time or YYYYMMDD; for other forms set `date_format:` on the source (strftime, e.g. `%d-%m-%Y`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    const POINT: NumberFormat = NumberFormat {
        decimal: b'.',
        abbreviated: false,
    };
    const COMMA: NumberFormat = NumberFormat {
        decimal: b',',
        abbreviated: false,
    };
    const SHORT: NumberFormat = NumberFormat {
        decimal: b'.',
        abbreviated: true,
    };

    #[test]
    #[allow(clippy::float_cmp, reason = "shifted in decimal, the values are exact")]
    fn abbreviated_numbers_are_read_only_when_the_source_says_so() {
        let read = |s| parse_number(s, SHORT, None).unwrap().unwrap();
        assert_eq!(read("1.2K"), 1200.0);
        assert_eq!(read("3.4M"), 3_400_000.0);
        assert_eq!(read("1B"), 1e9);
        assert_eq!(read("15k"), 15_000.0);
        assert_eq!(read("-2.5K"), -2500.0);
        assert_eq!(read("987"), 987.0);
        let comma = NumberFormat {
            decimal: b',',
            abbreviated: true,
        };
        assert_eq!(parse_number("1,5K", comma, None).unwrap(), Some(1500.0));
        let e = parse_number("1.2K", POINT, None).unwrap_err();
        assert!(e.help.unwrap().contains("abbreviated: true"));
        assert!(parse_number("K", SHORT, None).is_err());
        assert!(parse_number("OK", SHORT, None).is_err());
    }

    fn n(s: &str, f: NumberFormat) -> Option<f64> {
        parse_number(s, f, None).unwrap()
    }

    #[test]
    fn numbers_in_the_forms_exports_write_them() {
        assert_eq!(n("1203.0", POINT), Some(1203.0));
        assert_eq!(n("295,379", POINT), Some(295_379.0));
        assert_eq!(n("1,234,567.5", POINT), Some(1_234_567.5));
        assert_eq!(n("12.345,67", COMMA), Some(12_345.67));
        assert_eq!(n("4,5%", COMMA), Some(0.045));
        assert_eq!(n("0.6%", POINT), Some(0.006));
        assert_eq!(n("€ 1.234,50", COMMA), Some(1234.5));
        assert_eq!(n("$12.50", POINT), Some(12.5));
        assert_eq!(n("12 345", POINT), Some(12_345.0));
        assert_eq!(n("-7", POINT), Some(-7.0));
        assert_eq!(n("1.5e3", POINT), Some(1500.0));
        for missing in [
            "",
            " ",
            "-",
            "N/A",
            "n/a",
            "null",
            "–",
            "undefined",
            "NAN",
            "--",
        ] {
            assert_eq!(n(missing, POINT), None, "{missing:?}");
        }
    }

    #[test]
    fn ambiguous_or_broken_numbers_are_errors() {
        let e = parse_number("12,5", POINT, None).unwrap_err();
        assert!(e.help.unwrap().contains("decimal: \",\""));
        assert!(parse_number("abc", POINT, None).is_err());
        assert!(parse_number("1,23,4", POINT, None).is_err());
        assert!(parse_number("12.5.1", POINT, None).is_err());
        assert!(parse_number("inf", POINT, None).is_err());
    }

    #[test]
    fn durations_convert_to_the_metric_unit() {
        let d = |s, u| parse_number(s, POINT, u).unwrap();
        assert_eq!(d("1:02:03", Some(DurationUnit::Seconds)), Some(3723.0));
        assert_eq!(d("2:30", Some(DurationUnit::Minutes)), Some(2.5));
    }

    fn fmt(strftime: Option<&str>) -> DateFormat {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        DateFormat {
            strftime: strftime.map(str::to_string),
            source_tz: tz.clone(),
            file_tz: tz,
        }
    }

    #[test]
    fn dates_in_every_supported_form() {
        let d = |s: &str, f: &DateFormat| parse_date(s, f).unwrap().to_string();
        let iso = fmt(None);
        assert_eq!(d("2026-11-24", &iso), "2026-11-24");
        assert_eq!(d("20261124", &iso), "2026-11-24");
        assert_eq!(d("2025-08-01T00:00:00", &iso), "2025-08-01");
        assert_eq!(d("2026-11-30T23:30:00Z", &iso), "2026-12-01");
        assert_eq!(d("2026-11-30 22:30:00+00:00", &iso), "2026-11-30");
        assert_eq!(d("24-11-2026", &fmt(Some("%d-%m-%Y"))), "2026-11-24");
        assert_eq!(
            d("09/28/2026 18:12", &fmt(Some("%m/%d/%Y %H:%M"))),
            "2026-09-28"
        );
        assert_eq!(d("2016-12-23 18:50 +0000", &iso), "2016-12-23");
        assert_eq!(d("2016-12-31 23:30 -0100", &iso), "2017-01-01");
        assert_eq!(d("2016-11-26 5:8:54", &iso), "2016-11-26");
        assert_eq!(d("10/1/2015 21:00", &fmt(Some("%m/%d/%Y"))), "2015-10-01");
        assert_eq!(
            d("2025/10/31 18:19:10", &fmt(Some("%Y/%m/%d"))),
            "2025-10-31"
        );
        assert!(parse_date("2026-13-45", &iso).is_err());
        assert!(parse_date("Lifetime", &iso).is_err());
        assert!(parse_date("2026-11-24", &fmt(Some("%d-%m-%Y"))).is_err());
    }
}
