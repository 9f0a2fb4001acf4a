//! The JSON and NDJSON path: an array of objects, or one object per line (NDJSON / JSON Lines),
//! turned into rows of text cells under the union of their keys, each with the line it starts
//! on, and those rows read into the source's table on the calling thread (no chunks, no parser
//! threads: such exports are small, and are read whole to be parsed).

use csv::ByteRecord;
use indexmap::IndexMap;
use serde_json::Value;

use super::error::DataError;
use super::ingest::{Batch, Counts, FileJob, Merge};
use super::table::Table;

/// Rows of a JSON export.
#[derive(Debug)]
pub struct JsonRows {
    /// Keys in order of first appearance.
    pub headers: Vec<String>,
    /// `(line, cells)`, cells aligned with `headers` (`None`: key absent or `null`).
    pub rows: Vec<(u64, Vec<Option<String>>)>,
}

/// Reads a JSON array of objects.
pub fn read_array(bytes: &[u8], display: &str) -> Result<JsonRows, DataError> {
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|e| not_utf8(bytes, e, display))?;
    let lines = LineIndex::new(text);
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with('[') {
        return Err(DataError::at(
            display,
            Some(lines.line(start)),
            "expected a JSON array of objects (`[{...}, ...]`)",
        )
        .help("for one object per line, name the file .ndjson or set `format: ndjson`"));
    }
    let mut objects = Vec::new();
    let mut pos = start + 1;
    loop {
        pos += text[pos..].len() - text[pos..].trim_start().len();
        if text[pos..].starts_with(']') {
            break;
        }
        let mut stream = serde_json::Deserializer::from_str(&text[pos..]).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(json_error(&e, &lines, pos, display)),
            None => {
                return Err(DataError::at(
                    display,
                    Some(lines.line(pos)),
                    "the JSON array is not closed with `]`",
                ));
            }
        };
        objects.push((lines.line(pos), value));
        pos += stream.byte_offset();
        pos += text[pos..].len() - text[pos..].trim_start().len();
        match text[pos..].chars().next() {
            Some(',') => pos += 1,
            Some(']') => break,
            _ => {
                return Err(DataError::at(
                    display,
                    Some(lines.line(pos)),
                    "expected `,` or `]` after an array element",
                ));
            }
        }
    }
    to_rows(objects, display)
}

/// Reads one JSON object per line; blank lines are skipped.
pub fn read_lines(bytes: &[u8], display: &str) -> Result<JsonRows, DataError> {
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|e| not_utf8(bytes, e, display))?;
    let mut objects = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            DataError::at(
                display,
                Some(line_no),
                format!("not a JSON object: {}", clean(&e)),
            )
            .column(e.column())
        })?;
        objects.push((line_no, value));
    }
    to_rows(objects, display)
}

/// Reads the rows of a JSON or NDJSON export (already in memory, each with its line) into
/// `table`, on this thread: such exports are small.
pub fn read_json(
    job: &FileJob,
    rows: Vec<(u64, Vec<Option<String>>)>,
    table: &mut Table,
) -> Result<Counts, DataError> {
    let mut ingest = job.ingest();
    let mut batch = Batch::default();
    for (line, cells) in rows {
        let record: ByteRecord = cells.iter().map(|c| c.as_deref().unwrap_or("")).collect();
        if !ingest.row(&mut batch, &record, line) {
            break;
        }
    }
    ingest.finish(&mut batch);
    let mut merge = Merge::default();
    merge.apply(table, 0, &batch);
    match batch.error {
        Some(e) => Err(e),
        None => Ok(merge.counts),
    }
}

fn to_rows(objects: Vec<(u64, Value)>, display: &str) -> Result<JsonRows, DataError> {
    let mut headers: IndexMap<String, ()> = IndexMap::new();
    for (line, value) in &objects {
        let Value::Object(map) = value else {
            return Err(DataError::at(
                display,
                Some(*line),
                format!(
                    "expected an object with one field per column, found {}",
                    kind(value)
                ),
            ));
        };
        for key in map.keys() {
            headers.entry(key.trim().to_string()).or_default();
        }
    }
    let headers: Vec<String> = headers.into_keys().collect();
    let rows = objects
        .into_iter()
        .map(|(line, value)| {
            let Value::Object(map) = value else {
                unreachable!("checked above")
            };
            let mut cells = vec![None; headers.len()];
            for (key, v) in map {
                if let Some(i) = headers.iter().position(|h| *h == key.trim()) {
                    cells[i] = cell_text(v);
                }
            }
            (line, cells)
        })
        .collect();
    Ok(JsonRows { headers, rows })
}

fn cell_text(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
}

fn not_utf8(bytes: &[u8], e: std::str::Utf8Error, display: &str) -> DataError {
    let offset = e.valid_up_to();
    let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() as u64 + 1;
    DataError::at(display, Some(line), "the export is not UTF-8 text")
        .help("JSON exports must be UTF-8; re-export or convert the file")
}

fn json_error(e: &serde_json::Error, lines: &LineIndex, base: usize, display: &str) -> DataError {
    let line = lines.line(base) + e.line() as u64 - 1;
    DataError::at(display, Some(line), format!("malformed JSON: {}", clean(e))).column(e.column())
}

/// serde_json's message without its own "at line L column C" suffix (the location is ours).
fn clean(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Byte offset → 1-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn line(&self, offset: usize) -> u64 {
        self.starts.partition_point(|s| *s <= offset) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_keep_each_element_line() {
        let rows = read_array(b"[\n {\"date\": \"2026-11-01\", \"leads\": 3},\n {\"date\": \"2026-11-02\", \"channel\": \"x\", \"leads\": null}\n]", "x.json").unwrap();
        assert_eq!(rows.headers, ["date", "leads", "channel"]);
        assert_eq!(rows.rows[0].0, 2);
        assert_eq!(rows.rows[1].0, 3);
        assert_eq!(
            rows.rows[1].1,
            vec![Some("2026-11-02".into()), None, Some("x".into())]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = read_lines(b"{\"a\": 1}\n\n{\"a\": }\n", "x.ndjson").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = read_array(b"[\n{\"a\": 1},\n 5\n]", "x.json").unwrap_err();
        assert_eq!(e.line, Some(3));
        let e = read_array(b"[\n{\"a\": 1},\n{\"a\" 2}\n]", "x.json").unwrap_err();
        assert_eq!(e.line, Some(3));
    }
}
