//! One query source read: its columns resolved like an export's headers (`layout::resolve`, so
//! `columns:`, `date_column:`, `platform_column:` and the did-you-mean work the same), then the
//! aggregate streamed into the source's table: [`query::coverage`] and [`query::window_sums`]
//! when the goals' days have a first day, else [`query::aggregate`].

use std::collections::BTreeSet;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{IsolationLevel, Row, Transaction};

use super::connect::{Connections, Said, describe};
use super::query::{self, DayType, Shape};
use crate::catalog::Catalog;
use crate::data::csv_reader::BlockRange;
use crate::data::layout::{self, Field, FileLayout, SourcePlan, platform_id};
use crate::data::table::{Day, Table, day_date};
use crate::data::{DataError, LoadedSource, Needs, SqlInfo};

/// What a series key column of the aggregate is.
#[derive(Debug, Clone, Copy)]
enum Role {
    Platform,
    Account,
    Dim(usize),
}

/// Reads query source `plan` (its `sql:` and `url:` set) through `connections`.
pub fn load(
    plan: &SourcePlan,
    sql: &str,
    url: &str,
    catalog: &Catalog,
    needs: &Needs,
    connections: &mut Connections,
) -> Result<LoadedSource, DataError> {
    let id = plan.id;
    let connection = connections.get(id, url)?;
    let display = format!("the query of source `{id}`");
    let said = connection.context();
    let failed = |e: &postgres::Error| sql_error(id, &said, e, sql);
    let zone = plan
        .dates
        .source_tz
        .iana_name()
        .unwrap_or("UTC")
        .to_string();
    // One read-only snapshot: the columns and the aggregate see the same data, and nothing
    // goalpost sends can write.
    let mut txn = connection
        .client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| failed(&e))?;
    // Dates of `timestamptz` columns are days in the source's time zone, as a file's are.
    txn.execute("SELECT set_config('TimeZone', $1, true)", &[&zone])
        .map_err(|e| failed(&e))?;
    let statement = txn.prepare(query::trimmed(sql)).map_err(|e| failed(&e))?;
    let headers: Vec<String> = statement
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let layout = layout::resolve(
        plan,
        &headers,
        catalog,
        &needs.dims,
        &display,
        BlockRange::default(),
    )?;
    let provides = provides(plan, &layout);
    let mut table = Table::new(Vec::new(), needs.dims.clone());
    table.metrics = provides
        .iter()
        .filter(|m| needs.metrics.contains(*m))
        .cloned()
        .collect();
    let (mut shape, roles, sums) = shape_of(&layout, &headers, &table);
    shape.day_type = match *statement.columns()[layout.date].type_() {
        Type::DATE => DayType::Date,
        Type::TIMESTAMP => DayType::Timestamp,
        Type::TIMESTAMPTZ => DayType::Timestamptz,
        _ => DayType::Other,
    };
    // `where:` values every goal filters on: the sums need only the rows holding one of them
    // (NULL reads as the empty value, so a filter that accepts it is not pushed).
    let mut pushed = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        if let Role::Dim(d) = role
            && let Some(Some(accepted)) = needs.dim_values.get(*d)
            && !accepted.contains("")
        {
            shape.filtered.push(i);
            pushed.push(Pushed {
                key: i,
                accepted,
                raw: BTreeSet::new(),
            });
        }
    }
    let mut read = Read {
        layout: &layout,
        pushed,
        roles: &roles,
        sums: &sums,
        count_slot: plan
            .source
            .count_rows
            .as_ref()
            .and_then(|m| table.slot(m.as_str())),
        table: &mut table,
        info: SqlInfo::default(),
        undated: 0,
    };
    read.all(&mut txn, id, sql, &shape, needs.days)
        .and_then(|()| txn.commit())
        .map_err(|e| failed(&e))?;
    let Read {
        mut info, undated, ..
    } = read;
    info.query_sha256 = crate::data::InputFile::of_bytes("", sql.as_bytes()).sha256;
    info.server_version = said.version.clone();
    info.days = needs.days.map(|(a, b)| {
        let shown = |d: Day| (d != Day::MIN && d != Day::MAX).then(|| day_date(d).to_string());
        (shown(a), shown(b))
    });
    let dims_present = (0..needs.dims.len()).map(|i| layout.has_dim(i)).collect();
    Ok(LoadedSource {
        id: id.to_string(),
        files: Vec::new(),
        totals: plan.totals,
        provides,
        table,
        dims_present,
        rows: info.rows_aggregated,
        skipped_rows: 0,
        first_skipped: None,
        total_rows: 0,
        undated_rows: undated,
        first_undated: None,
        notes: Vec::new(),
        sql: Some(info),
        span: None,
        settles: plan.source.settles.map(|d| d.0),
    })
}

/// Every metric the query's columns map to (needed or not), in column order, then
/// `count_rows:`'s, as a file source lists them.
fn provides(plan: &SourcePlan, layout: &FileLayout) -> Vec<String> {
    let mut provides: Vec<String> = Vec::new();
    for m in layout.metric_ids() {
        if !provides.iter().any(|p| p == m) {
            provides.push(m.to_string());
        }
    }
    if let Some(counted) = &plan.source.count_rows
        && !provides.iter().any(|p| p == counted.as_str())
    {
        provides.push(counted.to_string());
    }
    provides
}

/// The aggregate's shape for a file layout: the date column, the key columns (with what each
/// is), and the summed columns (with their table slot and scale).
fn shape_of(
    layout: &FileLayout,
    headers: &[String],
    table: &Table,
) -> (Shape, Vec<Role>, Vec<(usize, f64)>) {
    let mut keys = Vec::new();
    let mut roles = Vec::new();
    for (field, role) in [
        (&layout.platform, Role::Platform),
        (&layout.account, Role::Account),
    ] {
        if let Field::Column(c) = field {
            keys.push(headers[*c].clone());
            roles.push(role);
        }
    }
    for (i, col) in layout.dims.iter().enumerate() {
        if let Some(c) = col {
            keys.push(headers[*c].clone());
            roles.push(Role::Dim(i));
        }
    }
    let mut metrics = Vec::new();
    let mut sums = Vec::new();
    for (col, metric, _, scale) in &layout.metrics {
        if let Some(slot) = table.slot(metric) {
            metrics.push(headers[*col].clone());
            sums.push((slot, *scale));
        }
    }
    let shape = Shape {
        day: headers[layout.date].clone(),
        day_type: DayType::Other,
        keys,
        filtered: Vec::new(),
        metrics,
    };
    (shape, roles, sums)
}

/// A `where:` filter pushed into the sums: the key column, the values goals accept
/// (normalized), and the query's texts that normalize to one of them, found by the coverage.
struct Pushed<'a> {
    key: usize,
    accepted: &'a BTreeSet<String>,
    raw: BTreeSet<String>,
}

/// The state of one aggregate being read into a table.
struct Read<'a> {
    layout: &'a FileLayout,
    pushed: Vec<Pushed<'a>>,
    roles: &'a [Role],
    sums: &'a [(usize, f64)],
    count_slot: Option<usize>,
    table: &'a mut Table,
    info: SqlInfo,
    undated: u64,
}

/// Runs `text` with `params` and hands each row to `each`.
fn stream(
    txn: &mut Transaction<'_>,
    text: &str,
    params: &[&(dyn ToSql + Sync)],
    mut each: impl FnMut(&Row) -> Result<(), postgres::Error>,
) -> Result<(), postgres::Error> {
    let mut rows = txn.query_raw(text, params.iter().copied())?;
    while let Some(row) = rows.next()? {
        each(&row)?;
    }
    Ok(())
}

impl Read<'_> {
    /// Reads the query's aggregate for the goals' `days`: restricted in the scan plus a
    /// coverage pass when the days have a first one, else one pass over every row.
    fn all(
        &mut self,
        txn: &mut Transaction<'_>,
        id: &str,
        sql: &str,
        shape: &Shape,
        days: Option<(Day, Day)>,
    ) -> Result<(), postgres::Error> {
        match days.filter(|(first, _)| *first != Day::MIN) {
            Some((lo, hi)) => {
                let coverage = query::coverage(sql, shape);
                let sums = query::window_sums(sql, shape);
                stream(txn, &coverage, &[], |row| self.coverage_row(row))?;
                let values: Vec<Vec<String>> = self
                    .pushed
                    .iter()
                    .map(|p| p.raw.iter().cloned().collect())
                    .collect();
                // For benchmarks and for "what did it send?": the statements as `psql` runs them.
                crate::timings::note(|| {
                    let more: String = values
                        .iter()
                        .enumerate()
                        .map(|(j, v)| format!(", ${} = {v:?}", j + 3))
                        .collect();
                    format!(
                        "source `{id}` sends:\n{coverage}\nand, with $1 = {lo}, $2 = {hi}{more}:\n{sums}"
                    )
                });
                let mut params: Vec<&(dyn ToSql + Sync)> = vec![&lo, &hi];
                params.extend(values.iter().map(|v| v as &(dyn ToSql + Sync)));
                stream(txn, &sums, &params, |row| self.sums_row(row))
            }
            None => {
                let (lo, hi) = days.unwrap_or((Day::MIN, Day::MAX));
                let text = query::aggregate(sql, shape);
                crate::timings::note(|| {
                    format!("source `{id}` sends, with $1 = {lo} and $2 = {hi}:\n{text}")
                });
                stream(txn, &text, &[&lo, &hi], |row| self.row(row))
            }
        }
    }

    /// The series key of a row whose key columns start at `at`: platform, account and
    /// dimension values, normalised as a file's cells are.
    fn key(&self, row: &Row, at: usize) -> Result<Vec<String>, postgres::Error> {
        let mut platform = match &self.layout.platform {
            Field::Constant(p) => p.clone(),
            _ => String::new(),
        };
        let mut account = match &self.layout.account {
            Field::Constant(a) => a.clone(),
            _ => String::new(),
        };
        let mut dims = vec![String::new(); self.table.dims.len()];
        for (i, role) in self.roles.iter().enumerate() {
            let text: Option<String> = row.try_get(at + i)?;
            let text = text.unwrap_or_default();
            match role {
                Role::Platform => platform = platform_id(&text),
                Role::Account => account = text.trim().to_lowercase(),
                Role::Dim(d) => dims[*d] = text.trim().to_lowercase(),
            }
        }
        let mut key = vec![platform, account];
        key.extend(dims);
        Ok(key)
    }

    /// The table's series for `key`, created when new.
    fn series(&mut self, key: &[String]) -> usize {
        let ids: Vec<u32> = key.iter().map(|k| self.table.strings.intern(k)).collect();
        self.table.series_index(&ids)
    }

    /// The sums of a row whose first sum is column `at`, by table slot (NaN for none), and
    /// whether any is a value.
    fn sums(&self, row: &Row, at: usize) -> Result<(Vec<f64>, bool), postgres::Error> {
        let mut values = vec![f64::NAN; self.table.metrics.len()];
        let mut valued = false;
        for (j, (slot, scale)) in self.sums.iter().enumerate() {
            let sum: Option<f64> = row.try_get(at + j)?;
            if let Some(v) = sum {
                valued = true;
                let cell = &mut values[*slot];
                *cell = if cell.is_nan() {
                    v * scale
                } else {
                    *cell + v * scale
                };
            }
        }
        Ok((values, valued))
    }

    /// Adds one day's sums to a series, as the rows of a file are (several columns mapped to
    /// one metric add up), with `count_rows:`'s count.
    fn add_day(&mut self, key: &[String], day: Day, mut values: Vec<f64>, n: u64) {
        if let Some(slot) = self.count_slot {
            let cell = &mut values[slot];
            #[allow(clippy::cast_precision_loss, reason = "row counts stay far below 2^53")]
            let rows = n as f64;
            *cell = if cell.is_nan() { rows } else { *cell + rows };
        }
        let series = self.series(key);
        self.table.add_row(series, day, &values);
        self.info.rows_aggregated += n;
    }

    /// One row of [`query::coverage`]: a series key of the whole query, with its date range,
    /// rows and undated rows. A key with dated rows is a series even when the goals' days
    /// hold none of them, as every series of a file is.
    fn coverage_row(&mut self, row: &Row) -> Result<(), postgres::Error> {
        let k = self.roles.len();
        let key = self.key(row, 0)?;
        let first: Option<i32> = row.try_get(k)?;
        let last: Option<i32> = row.try_get(k + 1)?;
        let all: i64 = row.try_get(k + 2)?;
        let undated: i64 = row.try_get(k + 3)?;
        let valued: bool = row.try_get(k + 4)?;
        self.info.query_rows += u64::try_from(all).unwrap_or(0);
        for p in &mut self.pushed {
            let text: Option<String> = row.try_get(p.key)?;
            if let Some(text) = text
                && p.accepted.contains(&text.trim().to_lowercase())
            {
                p.raw.insert(text);
            }
        }
        // Rows without a date: left out, as a file's are, and counted when they hold values.
        if valued {
            self.undated += u64::try_from(undated).unwrap_or(0);
        }
        if let (Some(a), Some(b)) = (first, last) {
            self.table.see_days(a, b);
            self.series(&key);
        }
        Ok(())
    }

    /// One (day, series) row of [`query::window_sums`].
    fn sums_row(&mut self, row: &Row) -> Result<(), postgres::Error> {
        let k = self.roles.len();
        let day: i32 = row.try_get(0)?;
        let key = self.key(row, 1)?;
        let n: i64 = row.try_get(1 + k)?;
        let (values, _) = self.sums(row, 2 + k)?;
        self.info.groups += 1;
        self.add_day(&key, day, values, u64::try_from(n).unwrap_or(0));
        Ok(())
    }

    /// One (day, series) row of [`query::aggregate`], with the query's date range and rows.
    fn row(&mut self, row: &Row) -> Result<(), postgres::Error> {
        let k = self.roles.len();
        let day: Option<i32> = row.try_get(0)?;
        let key = self.key(row, 1)?;
        let n: i64 = row.try_get(1 + k)?;
        let n = u64::try_from(n).unwrap_or(0);
        let (values, valued) = self.sums(row, 2 + k)?;
        let after = 2 + k + self.sums.len();
        let first: Option<i32> = row.try_get(after)?;
        let last: Option<i32> = row.try_get(after + 1)?;
        let all: i64 = row.try_get(after + 2)?;
        self.info.query_rows = u64::try_from(all).unwrap_or(0);
        self.info.groups += 1;
        if let (Some(a), Some(b)) = (first, last) {
            self.table.see_days(a, b);
        }
        let Some(day) = day else {
            // Rows without a date: left out, as a file's are, and counted when they hold values.
            if valued {
                self.undated += n;
            }
            return Ok(());
        };
        self.add_day(&key, day, values, n);
        Ok(())
    }
}

/// A database error as a located data error: the source's key, the server's message, and for
/// an error in the user's query the line and column of it.
fn sql_error(id: &str, connection: &Said, e: &postgres::Error, sql: &str) -> DataError {
    let pointer = format!("/sources/{id}/sql");
    let Some(db) = e.as_db_error() else {
        return DataError::at(
            id,
            None,
            format!(
                "source `{id}`: the connection to {} failed during the query: {}",
                connection.host,
                connection.scrub(&describe(e))
            ),
        )
        .help("the server stopped or the network dropped; nothing was written, run `check` again once the database is back")
        .declared_at(format!("/sources/{id}/url"));
    };
    let mut message = format!(
        "source `{id}`: the database says: {}",
        connection.scrub(db.message())
    );
    if let Some(postgres::error::ErrorPosition::Original(at)) = db.position() {
        let (line, column) = line_col(query::trimmed(sql), *at as usize);
        message.push_str(&format!(" (line {line}, column {column} of the query)"));
    }
    let mut help = db
        .hint()
        .map(|h| connection.scrub(h))
        .unwrap_or_else(|| "run the query in `psql` to see the problem; goalpost sends it wrapped in an aggregate (docs/sql.md)".to_string());
    use postgres::error::SqlState;
    if [
        SqlState::ADMIN_SHUTDOWN,
        SqlState::CRASH_SHUTDOWN,
        SqlState::CANNOT_CONNECT_NOW,
    ]
    .contains(db.code())
    {
        help = format!(
            "{} ended the connection: the server is shutting down or restarting, or an administrator ended the session; nothing was written, run `check` again once it is back",
            connection.host
        );
    }
    if *db.code() == SqlState::QUERY_CANCELED {
        help = "the query ran longer than the statement timeout (goalpost sets 300 s when the server sets none); raise it with `options=-c statement_timeout=…` in the URL, or give the query an index on its date column".to_string();
    }
    DataError::at(id, None, message)
        .help(help)
        .declared_at(pointer)
}

/// The 1-based line and column of the 1-based character `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before: String = text.chars().take(at.saturating_sub(1)).collect();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_become_lines_and_columns() {
        assert_eq!(line_col("select x\nfrom t", 1), (1, 1));
        assert_eq!(line_col("select x\nfrom t", 10), (2, 1));
        assert_eq!(line_col("select x\nfrom t", 15), (2, 6));
    }
}
