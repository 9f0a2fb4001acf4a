//! The SQL goalpost sends for a query source: the user's query wrapped as a subquery and
//! aggregated to one row per (day, series), restricted to the days the goals read. Nothing from
//! the goal file is spliced into the text but quoted identifiers (of columns the query returned)
//! and the query itself; the days are bind parameters (`$1`, `$2`).
//!
//! Two forms (docs/sql.md, "What is pushed down"): when the goals' days have a first day,
//! [`window_sums`] restricts the rows in the scan (an index on the date column can serve it)
//! and [`coverage`] reads the whole query's date range, row count and series in a lighter
//! pass; when they do not (an open window, a `delta` metric), the restriction would keep
//! nearly every row, and [`aggregate`] does both in one pass.

/// What the wrapped query groups by and sums: columns of the user's query, by their exact names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// The date column.
    pub day: String,
    /// Its type, which decides how the days are compared with it.
    pub day_type: DayType,
    /// The series key columns: platform, account, `where:` dimensions (those the query has).
    pub keys: Vec<String>,
    /// The metric columns, summed.
    pub metrics: Vec<String>,
    /// Key columns (indices into `keys`) whose values [`window_sums`] restricts, in order,
    /// to the text arrays `$3`, `$4`, …: the `where:` values every goal filters on.
    pub filtered: Vec<usize>,
}

/// The type of the date column, as the database describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayType {
    /// `date`: compared as it is, so that an index on it serves the restriction.
    Date,
    /// `timestamp` (without time zone): compared with the days' midnights.
    Timestamp,
    /// `timestamptz`: compared with the days' midnights in the session's time zone (the
    /// source's), which is the day `CAST(… AS date)` gives it.
    Timestamptz,
    /// Anything else (text): cast to a date, row by row.
    Other,
}

/// The condition that `source.<day>` falls on a day from `$1` to `$2` (day numbers), written
/// so that an index on the column can serve it: the column itself on one side.
fn in_days(shape: &Shape) -> String {
    let column = format!("source.{}", quote_ident(&shape.day));
    let first = "DATE '1970-01-01' + CAST($1 AS integer)";
    let last = "DATE '1970-01-01' + CAST($2 AS integer)";
    let midnights = |ty: &str| {
        format!("{column} >= CAST({first} AS {ty}) AND {column} < CAST({last} + 1 AS {ty})")
    };
    match shape.day_type {
        DayType::Date => format!("{column} BETWEEN {first} AND {last}"),
        DayType::Timestamp => midnights("timestamp"),
        DayType::Timestamptz => midnights("timestamptz"),
        DayType::Other => format!("CAST({column} AS date) BETWEEN {first} AND {last}"),
    }
}

/// The conditions that the `filtered` key columns hold one of the values of `$3`, `$4`, …
/// (texts exactly as the query returns them), each after ` AND `.
fn in_values(shape: &Shape) -> String {
    shape
        .filtered
        .iter()
        .enumerate()
        .map(|(j, &k)| {
            format!(
                " AND CAST(source.{} AS text) = ANY(${})",
                quote_ident(&shape.keys[k]),
                j + 3
            )
        })
        .collect()
}

/// The typed columns of the query's rows: `d` (days since 1970-01-01), `k0…` (text), and
/// `m0…` (doubles) when `sums`, else `v0…` (whether the metric has a value).
fn typed(shape: &Shape, sums: bool) -> Vec<String> {
    let mut typed = vec![format!(
        "CAST(source.{} AS date) - DATE '1970-01-01' AS d",
        quote_ident(&shape.day)
    )];
    typed.extend(
        shape
            .keys
            .iter()
            .enumerate()
            .map(|(i, c)| format!("CAST(source.{} AS text) AS k{i}", quote_ident(c))),
    );
    typed.extend(shape.metrics.iter().enumerate().map(|(i, c)| {
        if sums {
            format!(
                "CAST(source.{} AS double precision) AS m{i}",
                quote_ident(c)
            )
        } else {
            format!("source.{} IS NOT NULL AS v{i}", quote_ident(c))
        }
    }));
    typed
}

/// The sums of the days from `$1` to `$2`, the rows restricted in the scan. Columns: `d`,
/// `k0…`, `n` (rows), `m0…` (sums, NULL when every value is NULL); one row per (day, series),
/// none for rows without a date ([`coverage`] counts those).
pub fn window_sums(user: &str, shape: &Shape) -> String {
    let keys: Vec<String> = (0..shape.keys.len()).map(|i| format!("k{i}")).collect();
    let mut select = vec!["d".to_string()];
    select.extend(keys.iter().cloned());
    select.push("count(*) AS n".into());
    select.extend((0..shape.metrics.len()).map(|i| format!("sum(m{i}) AS m{i}")));
    let group: Vec<&str> = std::iter::once("d")
        .chain(keys.iter().map(String::as_str))
        .collect();
    let mut order: Vec<&str> = keys.iter().map(String::as_str).collect();
    order.push("d");
    format!(
        "SELECT {select}\nFROM (\n  SELECT {typed}\n  FROM (\n{user}\n  ) AS source\n  WHERE {filter}\n) AS typed\nGROUP BY {group}\nORDER BY {order}",
        select = select.join(", "),
        typed = typed(shape, true).join(",\n         "),
        user = trimmed(user),
        filter = in_days(shape) + &in_values(shape),
        group = group.join(", "),
        order = order.join(", "),
    )
}

/// What freshness, the report and the series need of every row of the query, per series key:
/// `k0…`, `first_day`, `last_day` (of its dated rows), `all_rows`, `undated` (rows without a
/// date) and `undated_valued` (whether one of those has a value of a summed metric). One
/// scan without sums or casts of the metrics, grouped by the series key only.
pub fn coverage(user: &str, shape: &Shape) -> String {
    let keys: Vec<String> = (0..shape.keys.len()).map(|i| format!("k{i}")).collect();
    let valued = if shape.metrics.is_empty() {
        "FALSE".to_string()
    } else {
        (0..shape.metrics.len())
            .map(|i| format!("v{i}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let mut select = keys.clone();
    select.extend([
        "min(d) AS first_day".to_string(),
        "max(d) AS last_day".into(),
        "count(*) AS all_rows".into(),
        "count(*) FILTER (WHERE d IS NULL) AS undated".into(),
        format!("coalesce(bool_or(d IS NULL AND ({valued})), FALSE) AS undated_valued"),
    ]);
    let grouped = if keys.is_empty() {
        String::new()
    } else {
        format!("\nGROUP BY {keys}\nORDER BY {keys}", keys = keys.join(", "))
    };
    format!(
        "SELECT {select}\nFROM (\n  SELECT {typed}\n  FROM (\n{user}\n  ) AS source\n) AS typed{grouped}",
        select = select.join(", "),
        typed = typed(shape, false).join(",\n         "),
        user = trimmed(user),
    )
}

/// `name` as a quoted identifier: `"Post ""id"""`. Any text is safe inside: a doubled quote is
/// the only escape PostgreSQL's quoted identifiers have.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The user's query without what cannot stand inside parentheses: surrounding blanks and
/// trailing semicolons.
pub fn trimmed(user: &str) -> &str {
    user.trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace())
}

/// The aggregating query. Its columns, in order: `d` (the day as days since 1970-01-01, NULL
/// for rows without a date), `k0…` (the key columns as text), `n` (rows), `m0…` (sums, NULL
/// when every row's value is NULL), `first_day`, `last_day` (of all the query's dated rows)
/// and `all_rows` (every row of the query). `$1` and `$2` are the first and last day goals
/// read (int4 day numbers): the sums of other days are not fetched, except each series' first
/// day (so that every series exists, as it does when a file is read: "no data" reasons list
/// them), but the query's date range is (freshness and open windows need it), so every row is
/// aggregated once.
pub fn aggregate(user: &str, shape: &Shape) -> String {
    let keys: Vec<String> = (0..shape.keys.len()).map(|i| format!("k{i}")).collect();
    let sums: Vec<String> = (0..shape.metrics.len()).map(|i| format!("m{i}")).collect();
    let typed = typed(shape, true);
    let group: Vec<&str> = std::iter::once("d")
        .chain(keys.iter().map(String::as_str))
        .collect();
    let mut grouped = group.iter().map(|c| (*c).to_string()).collect::<Vec<_>>();
    grouped.push("count(*) AS n".into());
    grouped.extend(sums.iter().map(|m| format!("sum({m}) AS {m}")));
    let partition = if keys.is_empty() {
        String::new()
    } else {
        format!("PARTITION BY {} ", keys.join(", "))
    };
    grouped.extend([
        "min(d) OVER () AS first_day".to_string(),
        "max(d) OVER () AS last_day".into(),
        "CAST(sum(count(*)) OVER () AS bigint) AS all_rows".into(),
        format!("row_number() OVER ({partition}ORDER BY d) AS nth"),
    ]);
    let mut outer: Vec<&str> = group.clone();
    outer.push("n");
    outer.extend(sums.iter().map(String::as_str));
    outer.extend(["first_day", "last_day", "all_rows"]);
    let mut order: Vec<&str> = keys.iter().map(String::as_str).collect();
    order.push("d");
    format!(
        "SELECT {outer}\nFROM (\n  SELECT {grouped}\n  FROM (\n    SELECT {typed}\n    FROM (\n{user}\n    ) AS source\n  ) AS typed\n  GROUP BY {group}\n) AS days\nWHERE d BETWEEN $1 AND $2 OR d IS NULL OR nth = 1\nORDER BY {order}",
        outer = outer.join(", "),
        grouped = grouped.join(", "),
        typed = typed.join(",\n           "),
        user = trimmed(user),
        group = group.join(", "),
        order = order.join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape {
            day: "posted_on".into(),
            day_type: DayType::Date,
            keys: vec!["network".into(), "Account \"x\"".into()],
            metrics: vec!["impressions".into()],
            filtered: Vec::new(),
        }
    }

    #[test]
    fn identifiers_are_quoted_with_doubled_quotes() {
        assert_eq!(quote_ident("a"), "\"a\"");
        assert_eq!(
            quote_ident("a\"; drop table t; --"),
            "\"a\"\"; drop table t; --\""
        );
    }

    #[test]
    fn the_users_query_is_a_subquery_on_its_own_lines() {
        let sql = aggregate("select * from posts -- all of them\n;  ", &shape());
        assert!(sql.contains("FROM (\nselect * from posts -- all of them\n    ) AS source"));
        assert!(!sql.contains(';'));
    }

    #[test]
    fn the_generated_query() {
        let sql = aggregate("select * from posts", &shape());
        assert_eq!(
            sql,
            "SELECT d, k0, k1, n, m0, first_day, last_day, all_rows
FROM (
  SELECT d, k0, k1, count(*) AS n, sum(m0) AS m0, min(d) OVER () AS first_day, max(d) OVER () AS last_day, CAST(sum(count(*)) OVER () AS bigint) AS all_rows, row_number() OVER (PARTITION BY k0, k1 ORDER BY d) AS nth
  FROM (
    SELECT CAST(source.\"posted_on\" AS date) - DATE '1970-01-01' AS d,
           CAST(source.\"network\" AS text) AS k0,
           CAST(source.\"Account \"\"x\"\"\" AS text) AS k1,
           CAST(source.\"impressions\" AS double precision) AS m0
    FROM (
select * from posts
    ) AS source
  ) AS typed
  GROUP BY d, k0, k1
) AS days
WHERE d BETWEEN $1 AND $2 OR d IS NULL OR nth = 1
ORDER BY k0, k1, d"
        );
    }
}
