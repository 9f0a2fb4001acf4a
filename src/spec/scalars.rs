//! Scalar types of the goal file that carry their own syntax: ids, dates, quantities, periods,
//! durations. Each one parses strictly in serde and states the same rule in its JSON Schema, so
//! the schema and the types accept the same files.

#[cfg(feature = "schema")]
use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "schema")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! string_type {
    ($(#[$doc:meta])* $name:ident, pattern = $pattern:literal, describe = $describe:literal, check = $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub String);

        impl $name {
            /// The text as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// Whether `s` is a valid value of this type (the schema's `pattern`).
            pub fn is_valid(s: &str) -> bool {
                let check: fn(&str) -> bool = $check;
                check(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                if Self::is_valid(&s) {
                    Ok($name(s))
                } else {
                    Err(D::Error::custom(format!("`{s}` is not {}", $describe)))
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }


        #[cfg(feature = "schema")]
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": concat!("Must be ", $describe, "."),
                })
            }
        }
    };
}

fn is_goal_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn is_snake_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

string_type!(
    /// A goal, objective or source id: `[A-Za-z0-9][A-Za-z0-9_-]*`.
    Id,
    pattern = "^[A-Za-z0-9][A-Za-z0-9_-]*$",
    describe = "an id: a letter or digit, then letters, digits, `_` or `-`",
    check = is_goal_id
);

string_type!(
    /// A metric or platform id: lower-case `snake_case`.
    SnakeId,
    pattern = "^[a-z][a-z0-9_]*$",
    describe = "a lower-case snake_case id (`link_clicks`)",
    check = is_snake_id
);

string_type!(
    /// A three-letter ISO 4217 currency code.
    CurrencyCode,
    pattern = "^[A-Z]{3}$",
    describe = "a three-letter currency code such as `EUR`",
    check = |s| s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase())
);

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parses exactly `YYYY-MM-DD` with a real month and day.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return None;
        }
        let year: i16 = s[0..4].parse().ok()?;
        let month: i8 = s[5..7].parse().ok()?;
        let day: i8 = s[8..10].parse().ok()?;
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| D::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD.",
        })
    }
}

/// How a target or tolerance literal was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuantityKind {
    /// A bare number: `12000`, `4.5`.
    Number,
    /// A percent string: `"4.5%"`, stored as 0.045.
    Percent,
    /// Percentage points: `"0.5pp"`, stored as 0.005.
    Points,
}

/// A number as written in a target: a bare number, `"4.5%"` or `"0.5pp"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    /// The value; percents and points are stored as fractions (`"4.5%"` → 0.045).
    pub value: f64,
    /// How it was written.
    pub kind: QuantityKind,
}

#[cfg(feature = "schema")]
const QUANTITY_PATTERN: &str = r"^[+-]?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?(%|pp)?$";
const QUANTITY_DESCRIBE: &str =
    "a number (`12000`), a percent (`\"4.5%\"`) or percentage points (`\"0.5pp\"`)";

impl Quantity {
    /// Parses `12000`, `"4.5%"`, `"0.5pp"` (the schema's pattern).
    pub fn parse(s: &str) -> Option<Quantity> {
        let (number, kind, scale) = if let Some(n) = s.strip_suffix('%') {
            (n, QuantityKind::Percent, 0.01)
        } else if let Some(n) = s.strip_suffix("pp") {
            (n, QuantityKind::Points, 0.01)
        } else {
            (s, QuantityKind::Number, 1.0)
        };
        if !is_decimal(number) {
            return None;
        }
        let value: f64 = number.parse().ok()?;
        value.is_finite().then_some(Quantity {
            value: value * scale,
            kind,
        })
    }

    /// The literal as a user would write it again.
    pub fn display(&self) -> String {
        match self.kind {
            QuantityKind::Number => format_number(self.value),
            QuantityKind::Percent => format!("{}%", format_number(self.value * 100.0)),
            QuantityKind::Points => format!("{}pp", format_number(self.value * 100.0)),
        }
    }
}

/// `[+-]?(digits(.digits)?|.digits)([eE][+-]?digits)?` without a regex engine.
fn is_decimal(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => (int.is_empty() || digits(int)) && digits(frac),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// Shortest decimal text for a number: `12000`, `4.5`, `0.1`.
pub fn format_number(v: f64) -> String {
    let rounded = (v * 1e9).round() / 1e9;
    let mut s = format!("{rounded}");
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// A computed number for a message: four significant digits (`0.3661`, `4,213` stays `4213`),
/// where [`format_number`] keeps nine decimals for numbers the user wrote.
#[must_use]
pub fn format_rounded(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format_number(v);
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the exponent of a finite f64 is within ±308"
    )]
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (3 - magnitude).max(0);
    let scale = 10f64.powi(decimals);
    format_number((v * scale).round() / scale)
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumberOrText::deserialize(d)? {
            NumberOrText::Number(value) => Ok(Quantity {
                value,
                kind: QuantityKind::Number,
            }),
            NumberOrText::Text(s) => Quantity::parse(&s)
                .ok_or_else(|| D::Error::custom(format!("`{s}` is not {QUANTITY_DESCRIBE}"))),
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.kind {
            QuantityKind::Number => s.serialize_f64(self.value),
            _ => s.serialize_str(&self.display()),
        }
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": format!("Must be {QUANTITY_DESCRIBE}."),
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": QUANTITY_PATTERN},
            ],
        })
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(f64),
    Text(String),
}

/// A length of time in days or weeks: `7d`, `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(pub u32);

impl Days {
    /// Parses `7d` or `2w` (a positive whole number, then `d` or `w`).
    pub fn parse(s: &str) -> Option<Days> {
        let (n, per) = match s.strip_suffix('d') {
            Some(n) => (n, 1),
            None => (s.strip_suffix('w')?, 7),
        };
        if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || n.starts_with('0') {
            return None;
        }
        n.parse::<u32>()
            .ok()?
            .checked_mul(per)
            .filter(|d| *d <= 36_600)
            .map(Days)
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Days::parse(&s).ok_or_else(|| {
            D::Error::custom(format!("`{s}` is not a duration such as `7d` or `2w`"))
        })
    }
}

impl Serialize for Days {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}d", self.0))
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Days {
    fn schema_name() -> Cow<'static, str> {
        "Days".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[1-9][0-9]{0,4}[dw]$",
            "description": "Must be a duration in days or weeks, such as `7d` or `2w`.",
        })
    }
}

/// A named calendar period: `2027`, `2027-Q1`, `2027-03`, `2027-W05`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodName {
    /// A calendar year.
    Year(i16),
    /// A quarter, 1–4.
    Quarter(i16, i8),
    /// A month, 1–12.
    Month(i16, i8),
    /// An ISO week, 1–53 (whether week 53 exists depends on the year).
    Week(i16, i8),
}

impl PeriodName {
    /// Parses the text forms; a bare year may also come as a YAML integer.
    pub fn parse(s: &str) -> Option<PeriodName> {
        let year = |t: &str| -> Option<i16> {
            (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
        };
        let two = |t: &str, lo: i8, hi: i8| -> Option<i8> {
            (t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())?
                .filter(|n| (lo..=hi).contains(n))
        };
        let Some((y, rest)) = s.split_once('-') else {
            return year(s).map(PeriodName::Year);
        };
        let y = year(y)?;
        if let Some(q) = rest.strip_prefix('Q') {
            let q: i8 = (q.len() == 1).then(|| q.parse().ok())??;
            return (1..=4).contains(&q).then_some(PeriodName::Quarter(y, q));
        }
        if let Some(w) = rest.strip_prefix('W') {
            return two(w, 1, 53).map(|w| PeriodName::Week(y, w));
        }
        two(rest, 1, 12).map(|m| PeriodName::Month(y, m))
    }
}

impl fmt::Display for PeriodName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodName::Year(y) => write!(f, "{y}"),
            PeriodName::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            PeriodName::Month(y, m) => write!(f, "{y}-{m:02}"),
            PeriodName::Week(y, w) => write!(f, "{y}-W{w:02}"),
        }
    }
}

#[cfg(feature = "schema")]
const PERIOD_PATTERN: &str = "^[0-9]{4}(-(Q[1-4]|0[1-9]|1[0-2]|W(0[1-9]|[1-4][0-9]|5[0-3])))?$";

impl<'de> Deserialize<'de> for PeriodName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match YearOrText::deserialize(d)? {
            YearOrText::Year(y) => y.to_string(),
            YearOrText::Text(s) => s,
        };
        PeriodName::parse(&text).ok_or_else(|| {
            D::Error::custom(format!(
                "`{text}` is not a period: write 2027, 2027-Q1, 2027-03 or 2027-W05"
            ))
        })
    }
}

impl Serialize for PeriodName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for PeriodName {
    fn schema_name() -> Cow<'static, str> {
        "PeriodName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Must be a year (2027), a quarter (2027-Q1), a month (2027-03) or an ISO week (2027-W05).",
            "anyOf": [
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                {"type": "string", "pattern": PERIOD_PATTERN},
            ],
        })
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum YearOrText {
    Year(u64),
    Text(String),
}

/// The goal file format version; only `1` exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version;

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::deserialize(d)? {
            1 => Ok(Version),
            v => Err(D::Error::custom(format!(
                "version {v} is not supported; the only version is 1"
            ))),
        }
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(1)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for Version {
    fn schema_name() -> Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"const": 1, "description": "The goal file format version; the only version is 1."})
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "the parser must give these exact values")]
mod tests {
    use super::*;

    #[test]
    fn computed_numbers_are_rounded_for_messages() {
        assert_eq!(format_rounded(0.366_096_866), "0.3661");
        assert_eq!(format_rounded(4213.0), "4213");
        assert_eq!(format_rounded(12.345_678), "12.35");
        assert_eq!(format_rounded(0.0), "0");
    }

    #[test]
    fn quantities() {
        assert_eq!(Quantity::parse("4.5%").unwrap().value, 0.045);
        assert_eq!(Quantity::parse("0.5pp").unwrap().kind, QuantityKind::Points);
        assert_eq!(Quantity::parse("-20%").unwrap().display(), "-20%");
        assert_eq!(Quantity::parse("1.0e15").unwrap().value, 1e15);
        for bad in [
            "", "%", "12,000", "12_000", "4.5 %", "abc", "1.", "pp", "1e",
        ] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn periods() {
        assert_eq!(
            PeriodName::parse("2027-Q1"),
            Some(PeriodName::Quarter(2027, 1))
        );
        assert_eq!(
            PeriodName::parse("2027-03"),
            Some(PeriodName::Month(2027, 3))
        );
        assert_eq!(
            PeriodName::parse("2027-W05"),
            Some(PeriodName::Week(2027, 5))
        );
        assert_eq!(PeriodName::parse("2027"), Some(PeriodName::Year(2027)));
        for bad in ["2027-Q5", "2027-13", "2027-W54", "2027-W5", "27", "2027-"] {
            assert!(PeriodName::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn dates_and_days() {
        assert!(Date::parse("2027-02-28").is_some());
        assert!(Date::parse("2027-02-30").is_none());
        assert!(Date::parse("2027-2-28").is_none());
        assert_eq!(Days::parse("2w"), Some(Days(14)));
        assert!(Days::parse("0d").is_none() && Days::parse("7").is_none());
    }
}
