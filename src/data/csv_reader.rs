//! CSV exports: opening one — byte-order marks and UTF-16, a `sep=,` first line, description
//! rows, `#` comment lines, delimiter sniffing — up to a stream positioned after the header, and
//! parsing one chunk of its records into a batch. How the stream is cut into chunks is
//! `chunks.rs`; which threads parse them is `pipeline.rs`.

use std::io::{BufRead, BufReader, Cursor, Read};

use csv::ByteRecord;

use super::error::DataError;
use super::ingest::{Batch, Ingest};
use super::scan;

/// A CSV file opened past its preamble and header.
pub struct OpenedCsv {
    /// Header cells, trimmed.
    pub headers: Vec<String>,
    /// The data rows, positioned at the first one.
    pub input: Box<dyn BufRead + Send>,
    /// The field delimiter (declared, from `sep=`, or sniffed).
    pub delimiter: u8,
    /// Physical lines before the reader's first line (preamble and header).
    pub line_offset: u64,
}

/// What the source says about the preamble.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvOptions {
    /// `delimiter:` from the source.
    pub delimiter: Option<u8>,
    /// `skip_rows:` from the source.
    pub skip_rows: u32,
}

/// Reads `file` (shown as `display`) up to the first data row.
pub fn open(
    file: impl Read + Send + 'static,
    display: &str,
    options: CsvOptions,
) -> Result<OpenedCsv, DataError> {
    let mut input = decode(
        BufReader::with_capacity(1 << 18, Box::new(file) as Box<dyn Read + Send>),
        display,
    )?;
    let mut line_offset = 0u64;
    let next_line = |input: &mut Box<dyn BufRead + Send>,
                     count: &mut u64|
     -> Result<Option<Vec<u8>>, DataError> {
        let mut line = Vec::new();
        let n = input
            .read_until(b'\n', &mut line)
            .map_err(|e| DataError::io(display, &e))?;
        if n == 0 {
            return Ok(None);
        }
        *count += 1;
        Ok(Some(line))
    };
    let empty = || DataError::at(display, None, "the export is empty: no header row");
    let mut line = next_line(&mut input, &mut line_offset)?.ok_or_else(empty)?;
    let mut delimiter = options.delimiter;
    if let Some(d) = sep_line(&line) {
        delimiter = delimiter.or(Some(d));
        line = next_line(&mut input, &mut line_offset)?.ok_or_else(empty)?;
    }
    for _ in 0..options.skip_rows {
        line = next_line(&mut input, &mut line_offset)?.ok_or_else(empty)?;
    }
    while is_blank_or_comment(&line) {
        line = next_line(&mut input, &mut line_offset)?.ok_or_else(empty)?;
    }
    // A quoted header cell may hold a line break: read on until the quotes balance.
    while line.iter().filter(|b| **b == b'"').count() % 2 == 1 {
        match next_line(&mut input, &mut line_offset)? {
            Some(more) => line.extend_from_slice(&more),
            None => break,
        }
    }
    let delimiter = delimiter.unwrap_or_else(|| sniff(&line));
    let headers = parse_header(&line, delimiter, display, line_offset)?;
    Ok(OpenedCsv {
        headers,
        input,
        delimiter,
        line_offset,
    })
}

/// The CSV reader settings for data rows: no header, ragged rows allowed (checked per row),
/// `#` comment lines skipped.
fn builder(delimiter: u8) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .comment(Some(b'#'));
    builder
}

/// Parses one chunk (whole records, as `chunks::Chunker` cuts them) into an empty `batch`; lines
/// in the batch's error are relative to the chunk. A plain chunk (nearly every one) is split by
/// the byte scanner, any other by the `csv` crate. Returns the number of line breaks in the
/// chunk.
pub fn parse_chunk(
    ingest: &mut Ingest,
    chunk: &[u8],
    delimiter: u8,
    display: &str,
    batch: &mut Batch,
) -> u64 {
    if scan::is_plain(chunk, delimiter) {
        let lines = scan::split_plain(chunk, delimiter, |row, line| ingest.row(batch, row, line));
        ingest.finish(batch);
        return lines;
    }
    let mut reader = builder(delimiter).from_reader(chunk);
    let mut record = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                if !ingest.row(batch, &record, line) {
                    break;
                }
            }
            Ok(false) => break,
            Err(e) => {
                batch.error = Some(csv_error(&e, display));
                break;
            }
        }
    }
    ingest.finish(batch);
    memchr::memchr_iter(b'\n', chunk).count() as u64
}

fn csv_error(e: &csv::Error, display: &str) -> DataError {
    let line = e.position().map(csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Io(io) => DataError::io(display, io),
        _ => DataError::at(display, line, format!("the CSV cannot be read: {e}")),
    }
}

/// Strips a byte-order mark; UTF-16 files are decoded to UTF-8 in memory (such exports are
/// small daily series).
fn decode(
    mut input: BufReader<Box<dyn Read + Send>>,
    display: &str,
) -> Result<Box<dyn BufRead + Send>, DataError> {
    let head = input.fill_buf().map_err(|e| DataError::io(display, &e))?;
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.consume(3);
        return Ok(Box::new(input));
    }
    let utf16 = match head {
        [0xFF, 0xFE, ..] => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        [0xFE, 0xFF, ..] => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(unit) = utf16 {
        let mut bytes = Vec::new();
        input
            .read_to_end(&mut bytes)
            .map_err(|e| DataError::io(display, &e))?;
        let units = bytes[2..].chunks_exact(2).map(|c| unit([c[0], c[1]]));
        let text: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        return Ok(Box::new(Cursor::new(text.into_bytes())));
    }
    if let Some(at) = head.iter().take(8192).position(|b| *b == 0) {
        // Located: a text export with one stray NUL is fixed at that line.
        let before = &head[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = before.len() - line_start + 1;
        // The field, as other data errors give it: delimiters before it on its line.
        let field = before[line_start..]
            .iter()
            .filter(|b| matches!(b, b',' | b';' | b'\t' | b'|'))
            .count()
            + 1;
        return Err(DataError::at(
            display,
            Some(line),
            format!("this is not a text export: it holds NUL bytes (the first at line {line}, byte {column} of the line)"),
        )
        .column(field)
        .help("point the source at the CSV, JSON or NDJSON file the platform exported"));
    }
    Ok(Box::new(input))
}

/// `sep=;` (Excel's delimiter hint), possibly quoted.
fn sep_line(line: &[u8]) -> Option<u8> {
    let text = String::from_utf8_lossy(line);
    let t = text.trim().trim_matches('"');
    let rest = t.strip_prefix("sep=").or_else(|| t.strip_prefix("SEP="))?;
    match rest.as_bytes() {
        [] => Some(b','),
        [d] => Some(*d),
        _ => None,
    }
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t.is_empty() || t.starts_with(b"#")
}

/// The candidate delimiter that occurs most often outside quotes on the header line (`,` wins
/// ties and single-column files).
fn sniff(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in line {
        if *b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = candidates.iter().position(|c| c == b) {
            counts[i] += 1;
        }
    }
    let best = (0..4)
        .max_by_key(|i| (counts[*i], usize::MAX - i))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

fn parse_header(
    line: &[u8],
    delimiter: u8,
    display: &str,
    line_no: u64,
) -> Result<Vec<String>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    let ok = reader.read_byte_record(&mut record).map_err(|e| {
        DataError::at(
            display,
            Some(line_no),
            format!("the header row cannot be read: {e}"),
        )
    })?;
    if !ok {
        return Err(DataError::at(
            display,
            Some(line_no),
            "the export has no header row",
        ));
    }
    record
        .iter()
        .map(|cell| {
            std::str::from_utf8(cell)
                .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
                .map_err(|_| {
                    DataError::at(display, Some(line_no), "the header row is not UTF-8 text").help(
                        "is this a CSV export? Save it as UTF-8 (or UTF-16 with a byte-order mark)",
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_most_frequent_delimiter_outside_quotes() {
        assert_eq!(sniff(b"Date;Reach;\"a,b,c\"\n"), b';');
        assert_eq!(sniff(b"Date\tReach\tLikes\n"), b'\t');
        assert_eq!(sniff(b"Date,Reach\n"), b',');
        assert_eq!(sniff(b"Date\n"), b',');
    }

    #[test]
    fn reads_excel_separator_hints() {
        assert_eq!(sep_line(b"sep=;\r\n"), Some(b';'));
        assert_eq!(sep_line(b"\"sep=,\"\n"), Some(b','));
        assert_eq!(sep_line(b"Date,Reach\n"), None);
    }
}
