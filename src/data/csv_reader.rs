//! CSV exports: opening one — byte-order marks and UTF-16, a `sep=,` first line, description
//! rows, `#` comment lines, delimiter sniffing — up to a stream positioned after the header, and
//! parsing one chunk of its records into a batch. How the stream is cut into chunks is
//! `chunks.rs`; which threads parse them is `pipeline.rs`.

use std::io::{BufRead, BufReader, Cursor, Read};

use csv::ByteRecord;

use super::error::DataError;
use super::ingest::{Batch, Ingest};
use super::line_ends;
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
    /// The title record(s) before the header of the block read (`Facebook follows`), joined
    /// with ` / `; `None` when the header is the first line.
    pub title: Option<String>,
    /// The data rows when the file was read into memory (files up to [`IN_MEMORY`]): what the
    /// per-file sniffing (date forms, years) looks at. `None` for a large file.
    pub body: Option<std::sync::Arc<[u8]>>,
    /// Source-level notes on how the file was read (an encoding that was guessed).
    pub notes: Vec<String>,
    /// `# Start date:` and `# End date:` in the block's comment lines (GA4): what `Nth day`
    /// offsets count from, and the range a table without dates covers as a whole.
    pub range: BlockRange,
    /// When no line looked like the header and another one likely is: its 1-based line and the
    /// `skip_rows:` that would read it.
    pub likely_header: Option<(u64, usize)>,
    /// How the bytes were decoded: the encoding, and whether a byte-order mark said so.
    pub encoding: Encoded,
    /// The delimiter a `sep=` first line named, when the file has one.
    pub sep: Option<u8>,
    /// Every block of the file (one for most files), in file order; the one read is
    /// [`OpenedCsv::block`].
    pub blocks: Vec<BlockLabel>,
    /// Which of [`OpenedCsv::blocks`] was read.
    pub block: usize,
}

/// How a file's bytes were turned into text.
#[derive(Debug, Clone, Copy)]
pub struct Encoded {
    /// The encoding's WHATWG name (`UTF-8`, `UTF-16LE`, `windows-1252`).
    pub name: &'static str,
    /// Whether a byte-order mark named it.
    pub bom: bool,
    /// Whether goalpost guessed it (UTF-16 from its NUL bytes, Windows-1252 for a header that is
    /// not UTF-8) rather than reading a mark or `encoding:`.
    pub guessed: bool,
}

/// What names one block of a file: what `block:` matches and errors list.
#[derive(Debug, Clone)]
pub struct BlockLabel {
    /// The title record(s) before its header, joined with ` / `.
    pub title: Option<String>,
    /// Its header line, cells joined with `,`.
    pub header: String,
    /// 1-based line of its first line (a title or comment line, or the header).
    pub start_line: u64,
    /// 1-based line of its header.
    pub header_line: u64,
}

/// Files up to this size are read into memory before parsing, so that their blocks can be found
/// and their date column sniffed once; larger ones are streamed (one block, no sniffing).
pub const IN_MEMORY: u64 = 8 << 20;

/// How many lines of a block the header is looked for in.
const HEADER_SEARCH: usize = 20;

/// What the source says about the preamble.
#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// `delimiter:` from the source.
    pub delimiter: Option<u8>,
    /// `skip_rows:` from the source, else the preset's.
    pub skip_rows: u32,
    /// Whether the source itself wrote `skip_rows:` (then the header is not looked for).
    pub skip_rows_declared: bool,
    /// Date header candidates, normalized: a line holding one is the header.
    pub date_headers: Vec<String>,
    /// Other headers the source or its preset knows, normalized: a line holding most of its
    /// cells among them is the header.
    pub known_headers: Vec<String>,
    /// `block:` from the source.
    pub block: Option<String>,
    /// The block to read by its position, whatever `block:` says: how `goalpost inspect` reads
    /// every block of a file in turn.
    pub block_index: Option<usize>,
    /// `encoding:` from the source (a WHATWG label, resolved).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// The file's size in bytes.
    pub size: u64,
}

/// Reads `file` (shown as `display`) up to the first data row.
pub fn open(
    file: impl Read + Send + 'static,
    display: &str,
    options: &CsvOptions,
) -> Result<OpenedCsv, DataError> {
    let mut notes = Vec::new();
    let (input, in_memory, mut encoding) = decode(
        BufReader::with_capacity(1 << 18, Box::new(file) as Box<dyn Read + Send>),
        display,
        options,
    )?;
    let (mut input, cr_only) = line_ends::unify(input).map_err(|e| DataError::io(display, &e))?;
    if cr_only {
        notes.push(format!(
            "{display}: its lines end with a carriage return alone (classic Mac OS, old Excel for Mac); read as line breaks"
        ));
    }
    // The head: the whole file when it is small, else its first lines (the header is within
    // them) and the rest streamed after them.
    let mut head = Vec::new();
    let whole = in_memory || options.size <= IN_MEMORY;
    if whole {
        input
            .read_to_end(&mut head)
            .map_err(|e| DataError::io(display, &e))?;
    } else {
        let mut quoted = false;
        let mut lines = 0;
        while lines < HEADER_SEARCH + 2 || quoted {
            let before = head.len();
            let n = input
                .read_until(b'\n', &mut head)
                .map_err(|e| DataError::io(display, &e))?;
            if n == 0 {
                break;
            }
            quoted ^= head[before..].iter().filter(|b| **b == b'"').count() % 2 == 1;
            lines += 1;
        }
    }
    let mut lines = physical_lines(&head);
    if lines.iter().all(|l| l.blank) {
        return Err(DataError::at(
            display,
            None,
            "the export is empty: no header row",
        ));
    }
    if whole && excel_wrapped(line_text(&head, lines[0])) {
        head = unwrap_lines(&head);
        lines = physical_lines(&head);
        notes.push(format!(
            "{display}: every line holding a quote was wrapped in one quoted field (an Excel round-trip); read with the wrapping undone"
        ));
    }
    let mut first = 0;
    let mut delimiter = options.delimiter;
    let sep = sep_line(&head[lines[0].start..lines[0].end]);
    if let Some(d) = sep {
        delimiter = delimiter.or(Some(d));
        first = 1;
    }
    let mut blocks = find_blocks(&head, &lines, first, delimiter, options, whole);
    let mut picked = pick_block(&head, &lines, &blocks, options, display)?;
    // A header that is not UTF-8, in a file with no declared encoding: read as Windows-1252 (the
    // encoding Excel writes on Western systems), and say so.
    if options.encoding.is_none()
        && whole
        && std::str::from_utf8(
            &head[lines[blocks[picked].header].start..lines[blocks[picked].header_end - 1].end],
        )
        .is_err()
    {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&head);
        head = text.into_owned().into_bytes();
        notes.push(format!(
            "{display}: its header is not UTF-8, so it was read as Windows-1252; set `encoding:` on the source (`windows-1250`, `windows-1251`, …) if that is not its encoding"
        ));
        encoding = Encoded {
            name: encoding_rs::WINDOWS_1252.name(),
            bom: false,
            guessed: true,
        };
        lines = physical_lines(&head);
        blocks = find_blocks(&head, &lines, first, delimiter, options, whole);
        picked = pick_block(&head, &lines, &blocks, options, display)?;
    }
    let block = blocks[picked];
    let labels = blocks
        .iter()
        .map(|b| {
            let (title, header) = block_label(&head, &lines, b);
            BlockLabel {
                title,
                header,
                start_line: b.start as u64 + 1,
                header_line: b.header as u64 + 1,
            }
        })
        .collect();
    let header_bytes = &head[lines[block.header].start..lines[block.header_end - 1].end];
    let delimiter = delimiter.unwrap_or_else(|| sniff(header_bytes));
    let line_offset = block.header_end as u64;
    let headers = parse_header(header_bytes, delimiter, display, line_offset)?;
    let data_start = lines.get(block.header_end).map_or(head.len(), |l| l.start);
    let data_end = lines.get(block.end).map_or(head.len(), |l| l.start);
    let title = block.title(&head, &lines, delimiter);
    let dated = |label: &str| {
        (block.start..block.header).find_map(|i| comment_date(line_text(&head, lines[i]), label))
    };
    let range = BlockRange {
        start: dated("Start date:"),
        end: dated("End date:"),
    };
    let (input, body): (Box<dyn BufRead + Send>, _) = if whole {
        let body: std::sync::Arc<[u8]> = head[data_start..data_end].into();
        (Box::new(Cursor::new(body.clone())), Some(body))
    } else {
        head.drain(..data_start);
        (Box::new(Cursor::new(head).chain(input)), None)
    };
    Ok(OpenedCsv {
        headers,
        input,
        delimiter,
        line_offset,
        title,
        body,
        notes,
        range,
        likely_header: block.likely.map(|i| (i as u64 + 1, i - first)),
        encoding,
        sep,
        blocks: labels,
        block: picked,
    })
}

/// The dates a GA4 block's `#` comment lines give its table.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlockRange {
    /// `# Start date: 20250101`.
    pub start: Option<jiff::civil::Date>,
    /// `# End date: 20251231`.
    pub end: Option<jiff::civil::Date>,
}

/// The date of a `# <label> 20250101` comment line (GA4 writes `YYYYMMDD`).
fn comment_date(line: &[u8], label: &str) -> Option<jiff::civil::Date> {
    let text = String::from_utf8_lossy(line);
    let rest = text.trim().strip_prefix('#')?.trim().strip_prefix(label)?;
    let d = rest.trim();
    (d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..]).parse().ok())
        .flatten()
}

/// Whether the header line is an Excel-wrapped record: the whole line one quoted field (outer
/// quotes added, inner quotes doubled) that holds delimiters (`"Post ID,""Account ID"",…"`).
fn excel_wrapped(line: &[u8]) -> bool {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() < 4 || line[0] != b'"' || line[line.len() - 1] != b'"' {
        return false;
    }
    let inner = &line[1..line.len() - 1];
    if memchr::memmem::find(inner, b"\"\"").is_none() {
        return false;
    }
    // One field: every inner quote is doubled, and a delimiter sits inside it.
    let mut i = 0;
    while i < inner.len() {
        if inner[i] == b'"' {
            if inner.get(i + 1) != Some(&b'"') {
                return false;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    inner.iter().any(|b| matches!(b, b',' | b';' | b'\t'))
}

/// Undoes Excel's wrapping line by line: a line holding a quote loses its outer quotes and has
/// its doubled quotes halved; a line without one was written bare and stays.
fn unwrap_lines(buf: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len());
    for (i, line) in buf.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        let (body, cr) = match line.strip_suffix(b"\r") {
            Some(b) => (b, true),
            None => (line, false),
        };
        let (bom, body) = match body.strip_prefix(b"\xEF\xBB\xBF") {
            Some(b) => (true, b),
            None => (false, body),
        };
        if bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        if body.len() >= 2 && body[0] == b'"' && body[body.len() - 1] == b'"' {
            let inner = &body[1..body.len() - 1];
            let mut j = 0;
            while j < inner.len() {
                out.push(inner[j]);
                j += if inner[j] == b'"' && inner.get(j + 1) == Some(&b'"') {
                    2
                } else {
                    1
                };
            }
        } else {
            out.extend_from_slice(body);
        }
        if cr {
            out.push(b'\r');
        }
    }
    out
}

/// One physical line of the head.
#[derive(Debug, Clone, Copy)]
struct Line {
    /// Byte range, without the line break.
    start: usize,
    end: usize,
    /// Only whitespace (a lone tab counts as blank).
    blank: bool,
    /// Inside a quoted field at its start (a continuation of the record before).
    continued: bool,
}

fn physical_lines(buf: &[u8]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    while start < buf.len() {
        let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |i| start + i);
        let text = &buf[start..end];
        lines.push(Line {
            start,
            end,
            blank: !quoted && text.trim_ascii().is_empty(),
            continued: quoted,
        });
        quoted ^= memchr::memchr_iter(b'"', text).count() % 2 == 1;
        start = end + 1;
    }
    lines
}

/// One block of a file: lines `start..end`, its header record `header..header_end`.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    header: usize,
    header_end: usize,
    end: usize,
    /// When no line looked like the header: the line with the most filled fields within the
    /// search, if it is not the one read as the header (for the error's `skip_rows:` hint).
    likely: Option<usize>,
}

impl Block {
    /// The title records before the header (comment lines and blank lines left out).
    fn title(&self, buf: &[u8], lines: &[Line], delimiter: u8) -> Option<String> {
        let titles: Vec<String> = (self.start..self.header)
            .filter(|i| !lines[*i].blank && !is_comment(line_text(buf, lines[*i])))
            .filter(|i| sep_line(line_text(buf, lines[*i])).is_none())
            .map(|i| title_text(line_text(buf, lines[i]), delimiter))
            .filter(|t| !t.is_empty())
            .collect();
        (!titles.is_empty()).then(|| titles.join(" / "))
    }
}

fn line_text(buf: &[u8], line: Line) -> &[u8] {
    &buf[line.start..line.end]
}

/// A title record as text: quotes and trailing delimiters (`Views;`, `Facebook reach<TAB>`) off.
fn title_text(line: &[u8], delimiter: u8) -> String {
    let text = String::from_utf8_lossy(line);
    let d = delimiter as char;
    text.trim()
        .trim_end_matches([d, ',', ';', '\t'])
        .trim()
        .trim_matches('"')
        .trim()
        .to_string()
}

/// A title record's one field starts with a letter (`Instagram follows`), not a digit (a row
/// whose other cells are empty).
fn title_like(line: &[u8]) -> bool {
    String::from_utf8_lossy(line)
        .trim_start_matches(|c: char| c == '"' || c.is_whitespace())
        .chars()
        .next()
        .is_some_and(char::is_alphabetic)
}

fn is_comment(line: &[u8]) -> bool {
    line.trim_ascii().starts_with(b"#")
}

/// How many non-empty fields `line` has when split at `delimiter` outside quotes.
fn filled_fields(line: &[u8], delimiter: u8) -> usize {
    let mut quoted = false;
    let mut filled = 0;
    let mut any = false;
    for b in line {
        if *b == b'"' {
            quoted = !quoted;
        } else if *b == delimiter && !quoted {
            filled += usize::from(any);
            any = false;
        } else if !b.is_ascii_whitespace() {
            any = true;
        }
    }
    filled + usize::from(any)
}

/// The cells of a header candidate, normalized (`None` when it is not one record of text).
fn candidate_cells(buf: &[u8], delimiter: u8) -> Vec<String> {
    first_record(buf, delimiter, |c| {
        super::layout::normalize(String::from_utf8_lossy(c).trim_start_matches('\u{feff}'))
    })
}

/// The cells of the first record of `buf`, each through `cell`; none when it holds no record.
fn first_record(buf: &[u8], delimiter: u8, cell: impl Fn(&[u8]) -> String) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(buf);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.iter().map(cell).collect(),
        _ => Vec::new(),
    }
}

/// Whether the cells read as the header: they hold a date column, or most of them are headers
/// the source knows.
fn looks_like_header(cells: &[String], options: &CsvOptions) -> bool {
    if cells.iter().any(|c| options.date_headers.contains(c)) {
        return true;
    }
    let filled = cells.iter().filter(|c| !c.is_empty()).count();
    let known = cells
        .iter()
        .filter(|c| !c.is_empty() && options.known_headers.contains(c))
        .count();
    known >= 1 && filled >= 2 && known * 2 >= filled
}

/// The end (exclusive) of the record starting at line `i`: continuation lines belong to it.
fn record_end(lines: &[Line], i: usize) -> usize {
    let mut end = i + 1;
    while end < lines.len() && lines[end].continued {
        end += 1;
    }
    end
}

/// The blocks of the head: a new block starts after a blank line, at a comment line or a title
/// record (one filled field). Each block's header is the first record within its first
/// [`HEADER_SEARCH`] lines that [`looks_like_header`]; failing that, the first block keeps the
/// old reading (`skip_rows` lines, then blank and comment lines, then the header).
fn find_blocks(
    buf: &[u8],
    lines: &[Line],
    first: usize,
    delimiter: Option<u8>,
    options: &CsvOptions,
    whole: bool,
) -> Vec<Block> {
    // The delimiter of the first block's header, to tell title records from rows.
    let mut starts = vec![first];
    if whole {
        let d = delimiter.unwrap_or_else(|| {
            lines[first..]
                .iter()
                .find(|l| !l.blank && !is_comment(line_text(buf, **l)))
                .map_or(b',', |l| sniff(line_text(buf, *l)))
        });
        for i in first + 1..lines.len() {
            let line = lines[i];
            if line.continued || line.blank || !lines[i - 1].blank {
                continue;
            }
            let text = line_text(buf, line);
            if is_comment(text) || (filled_fields(text, d) <= 1 && title_like(text)) {
                // A trailing comment or title with no record after it is not a block.
                if lines[i..]
                    .iter()
                    .any(|l| !l.blank && !is_comment(line_text(buf, *l)))
                    && (i + 1..lines.len())
                        .any(|j| !lines[j].blank && filled_fields(line_text(buf, lines[j]), d) > 1)
                {
                    starts.push(i);
                }
            }
        }
    }
    let mut blocks = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        let d = delimiter.unwrap_or(b',');
        let mut header = None;
        if !(k == 0 && options.skip_rows_declared) {
            let mut seen = 0;
            let mut i = start;
            while i < end && seen < HEADER_SEARCH {
                let line = lines[i];
                let text = line_text(buf, line);
                if !line.blank && !is_comment(text) && sep_line(text).is_none() {
                    seen += 1;
                    let rec_end = record_end(lines, i).min(end);
                    let rec = &buf[line.start..lines[rec_end - 1].end];
                    let d = delimiter.unwrap_or_else(|| sniff(rec));
                    if looks_like_header(&candidate_cells(rec, d), options) {
                        header = Some(i);
                        break;
                    }
                    i = rec_end;
                    continue;
                }
                i += 1;
            }
        }
        let found = header.is_some();
        let searched = header.is_none() && !(k == 0 && options.skip_rows_declared);
        let header = header.or_else(|| {
            let mut i = start;
            if k == 0 {
                i += options.skip_rows as usize;
            } else {
                // The title record itself.
                while i < end && (lines[i].blank || is_comment(line_text(buf, lines[i]))) {
                    i += 1;
                }
                if i < end && filled_fields(line_text(buf, lines[i]), d) <= 1 {
                    i += 1;
                }
            }
            while i < end && (lines[i].blank || is_comment(line_text(buf, lines[i]))) {
                i += 1;
            }
            (i < end).then_some(i)
        });
        // A later block is one only when its header is found (it holds a date column, or mostly
        // known headers) or its comment lines give it a GA4 `# Start date:`: otherwise its lines
        // are rows of the block before (a row with one filled cell, or a `#` note, after a blank
        // line), never dropped.
        let ga4_block = header.is_some_and(|h| {
            (start..h).any(|i| comment_date(line_text(buf, lines[i]), "Start date:").is_some())
        });
        let block_like = k == 0 || found || ga4_block;
        if !block_like || header.is_none() {
            if k > 0
                && let Some(last) = blocks.last_mut()
            {
                let last: &mut Block = last;
                last.end = end;
            }
            continue;
        }
        if let Some(header) = header {
            let likely = if searched {
                let d = delimiter.unwrap_or_else(|| sniff(line_text(buf, lines[header])));
                (start..end)
                    .filter(|i| {
                        let l = lines[*i];
                        !l.blank && !l.continued && !is_comment(line_text(buf, l))
                    })
                    .take(HEADER_SEARCH)
                    .max_by_key(|i| (filled_fields(line_text(buf, lines[*i]), d), usize::MAX - i))
                    .filter(|i| *i != header)
            } else {
                None
            };
            blocks.push(Block {
                start,
                header,
                header_end: record_end(lines, header).min(end),
                end,
                likely,
            });
        }
    }
    blocks
}

/// A block's title records and its header line (cells joined with `,`): what `block:` is
/// matched against and what listings show.
fn block_label(buf: &[u8], lines: &[Line], b: &Block) -> (Option<String>, String) {
    let header_bytes = &buf[lines[b.header].start..lines[b.header_end - 1].end];
    let d = sniff(header_bytes);
    let header = raw_cells(header_bytes, d).join(",");
    (b.title(buf, lines, d), header)
}

/// The index of the block `block:` (or [`CsvOptions::block_index`]) names, the only block, or
/// an error listing them.
fn pick_block(
    buf: &[u8],
    lines: &[Line],
    blocks: &[Block],
    options: &CsvOptions,
    display: &str,
) -> Result<usize, DataError> {
    let empty = || DataError::at(display, None, "the export is empty: no header row");
    let listing = |blocks: &[Block]| -> String {
        blocks
            .iter()
            .map(|b| {
                let (title, header) = block_label(buf, lines, b);
                let shown = title.unwrap_or(header);
                format!("`{}` (line {})", shown, b.header + 1)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(i) = options.block_index {
        return (i < blocks.len()).then_some(i).ok_or_else(empty);
    }
    match &options.block {
        Some(wanted) => {
            let want = squash(wanted);
            let found = blocks.iter().position(|b| {
                let (title, header) = block_label(buf, lines, b);
                title.is_some_and(|t| t.split(" / ").any(|t| squash(t) == want))
                    || squash(&header) == want
            });
            found.ok_or_else(|| {
                DataError::at(
                    display,
                    None,
                    format!("no block of {display} is `{wanted}`"),
                )
                .help(format!(
                    "`block:` names a block by its title record or its header line; the blocks are {}",
                    listing(blocks)
                ))
            })
        }
        None if blocks.len() > 1 => Err(DataError::at(
            display,
            None,
            format!(
                "{display} holds {} blocks, each with its own header: {}",
                blocks.len(),
                listing(blocks)
            ),
        )
        .help("add `block:` to the source with the title (or the header line) of the block to read; a source reads one block")),
        None if blocks.is_empty() => Err(empty()),
        None => Ok(0),
    }
}

/// Lower-cased, without spaces around commas: how `block:` meets titles and header lines.
fn squash(text: &str) -> String {
    text.split(',')
        .map(|p| p.trim().trim_matches('"').trim().to_lowercase())
        .collect::<Vec<_>>()
        .join(",")
}

fn raw_cells(buf: &[u8], delimiter: u8) -> Vec<String> {
    first_record(buf, delimiter, |c| {
        String::from_utf8_lossy(c)
            .trim()
            .trim_start_matches('\u{feff}')
            .to_string()
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
    // Only the last chunk of a file can end inside quotes (the others end on records): the
    // CSV reader would take the rest of the file as that field, so that record is unreadable.
    let open = super::chunks::unclosed_quote(chunk, delimiter);
    let mut reader = builder(delimiter).from_reader(&chunk[..open.unwrap_or(chunk.len())]);
    let mut record = ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| record_line(chunk, p));
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
    if let Some(at) = open
        && batch.error.is_none()
    {
        let line = memchr::memchr_iter(b'\n', &chunk[..at]).count() as u64 + 1;
        let error = DataError::at(
            display,
            Some(line),
            "a quoted field opened on this line is never closed: the file ends inside it",
        )
        .help("close the field's quote (`\"`) in the export, or export it again: the file may have been cut short");
        ingest.unreadable(batch, error, line);
    }
    ingest.finish(batch);
    memchr::memchr_iter(b'\n', chunk).count() as u64
}

/// The line a record starts on. The CSV reader ends a record at the `\r` of a `\r\n` and
/// counts the `\n` only when it reads on, so the next record's position still has the line
/// before: a record that starts at that `\n` is on the line after.
fn record_line(chunk: &[u8], position: &csv::Position) -> u64 {
    let at = usize::try_from(position.byte()).unwrap_or(usize::MAX);
    position.line() + u64::from(chunk.get(at) == Some(&b'\n'))
}

fn csv_error(e: &csv::Error, display: &str) -> DataError {
    let line = e.position().map(csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Io(io) => DataError::io(display, io),
        _ => DataError::at(display, line, format!("the CSV cannot be read: {e}")),
    }
}

/// Strips a byte-order mark; UTF-16 files (with a byte-order mark, or without one when the NUL
/// bytes of the first bytes say so) and files in a declared or guessed single-byte encoding are
/// decoded to UTF-8 in memory (such exports are small). Returns the stream, whether it is
/// already in memory, and how it was decoded. Only the first bytes are looked at, once per file.
fn decode(
    mut input: BufReader<Box<dyn Read + Send>>,
    display: &str,
    options: &CsvOptions,
) -> Result<(Box<dyn BufRead + Send>, bool, Encoded), DataError> {
    let encoded = |encoding: &'static encoding_rs::Encoding, bom: bool, guessed: bool| Encoded {
        name: encoding.name(),
        bom,
        guessed,
    };
    let head = input.fill_buf().map_err(|e| DataError::io(display, &e))?;
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        input.consume(3);
        return Ok((
            Box::new(input),
            false,
            encoded(encoding_rs::UTF_8, true, false),
        ));
    }
    let utf16 = match head {
        [0xFF, 0xFE, ..] => Some((encoding_rs::UTF_16LE, 2)),
        [0xFE, 0xFF, ..] => Some((encoding_rs::UTF_16BE, 2)),
        _ => utf16_without_bom(head).map(|e| (e, 0)),
    };
    if let Some((encoding, bom)) = utf16 {
        input.consume(bom);
        let bytes = read_rest(&mut input, display)?;
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        return Ok((
            Box::new(Cursor::new(text.into_owned().into_bytes())),
            true,
            encoded(encoding, bom > 0, bom == 0),
        ));
    }
    if let Some(problem) = not_text(head, display) {
        return Err(problem);
    }
    if let Some(encoding) = options.encoding
        && encoding != encoding_rs::UTF_8
    {
        let bytes = read_rest(&mut input, display)?;
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        return Ok((
            Box::new(Cursor::new(text.into_owned().into_bytes())),
            true,
            encoded(encoding, false, false),
        ));
    }
    Ok((
        Box::new(input),
        false,
        encoded(encoding_rs::UTF_8, false, false),
    ))
}

fn read_rest(input: &mut impl Read, display: &str) -> Result<Vec<u8>, DataError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| DataError::io(display, &e))?;
    Ok(bytes)
}

/// UTF-16 without a byte-order mark: in text of ASCII characters every other byte is NUL.
fn utf16_without_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &head[..head.len().min(512) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let nul_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// What a file that is not a text export is, and what to do.
fn not_text(head: &[u8], display: &str) -> Option<DataError> {
    if head.starts_with(b"PK\x03\x04") {
        return Some(DataError::at(display, None, "this is a zip archive (an Excel .xlsx or OpenDocument .ods workbook?), not a CSV export").help("a workbook is read when its name ends in .xlsx or .ods, or with `format: excel` on the source (`sheet:` picks the sheet)"));
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some(DataError::at(display, None, "this is an old Excel workbook (.xls), not a CSV export").help("a workbook is read when its name ends in .xls, or with `format: excel` on the source (`sheet:` picks the sheet)"));
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
        return Some(DataError::at(
            display,
            Some(line),
            format!("this is not a text export: it holds NUL bytes (the first at line {line}, byte {column} of the line)"),
        )
        .column(field)
        .help("point the source at the CSV, JSON or NDJSON file the platform exported"));
    }
    let start = String::from_utf8_lossy(&head[..head.len().min(512)]).to_lowercase();
    let start = start.trim_start();
    if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.starts_with("<table")
    {
        return Some(DataError::at(display, None, "this is an HTML page (a table saved with an .xls or .csv name), not a CSV export").help("open it in a spreadsheet and save the table as CSV (UTF-8), or export CSV from the platform"));
    }
    None
}

/// `sep=;` (Excel's delimiter hint), possibly quoted.
fn sep_line(line: &[u8]) -> Option<u8> {
    let text = String::from_utf8_lossy(line);
    // Only line ends and spaces come off: the delimiter itself may be a tab (`sep=<TAB>`).
    let t = text
        .trim_start_matches('\u{feff}')
        .trim_matches(|c| c == '\r' || c == '\n' || c == ' ')
        .trim_matches('"');
    let rest = t.strip_prefix("sep=").or_else(|| t.strip_prefix("SEP="))?;
    match rest.as_bytes() {
        [] => Some(b','),
        [d] => Some(*d),
        _ => None,
    }
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
                        "is this a CSV export? Name its encoding with `encoding:` (`windows-1252`, `windows-1251`, …), or save it as UTF-8",
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

    fn options(block: Option<&str>, size: u64) -> CsvOptions {
        CsvOptions {
            date_headers: vec!["date".into()],
            known_headers: vec!["likes".into(), "reach".into()],
            block: block.map(str::to_string),
            size,
            ..CsvOptions::default()
        }
    }

    fn opened(text: &[u8], options: &CsvOptions) -> Result<(OpenedCsv, String), DataError> {
        let mut csv = open(Cursor::new(text.to_vec()), "t.csv", options)?;
        let mut rest = String::new();
        csv.input.read_to_string(&mut rest).unwrap();
        Ok((csv, rest))
    }

    #[test]
    fn finds_the_header_after_title_lines() {
        let text = b"Page report\nExported today\n\nDate,Likes\n2026-11-01,3\n";
        let (csv, rest) = opened(text, &options(None, 64)).unwrap();
        assert_eq!(csv.headers, ["Date", "Likes"]);
        assert_eq!(csv.line_offset, 4);
        assert_eq!(csv.title.as_deref(), Some("Page report / Exported today"));
        assert_eq!(rest, "2026-11-01,3\n");
        // A large file streams from the header on, with the same result.
        let (csv, rest) = opened(text, &options(None, IN_MEMORY + 1)).unwrap();
        assert_eq!((csv.headers.len(), csv.body.is_none()), (2, true));
        assert_eq!(rest, "2026-11-01,3\n");
    }

    #[test]
    fn splits_blocks_and_picks_one() {
        let text = b"sep=\t\nFacebook reach\t\nDate\tPrimary\n2026-11-01\t5\n\t\nInstagram reach\t\nDate\tPrimary\n2026-11-01\t7\n";
        let err = opened(text, &options(None, 64)).err().unwrap();
        assert!(
            err.detail.message.contains("holds 2 blocks"),
            "{}",
            err.detail.message
        );
        let (csv, rest) = opened(text, &options(Some("instagram REACH"), 64)).unwrap();
        assert_eq!(csv.delimiter, b'\t');
        assert_eq!(csv.title.as_deref(), Some("Instagram reach"));
        assert_eq!(rest, "2026-11-01\t7\n");
        let (csv, rest) = opened(text, &options(Some("Facebook reach"), 64)).unwrap();
        assert_eq!((csv.line_offset, rest.as_str()), (3, "2026-11-01\t5\n\t\n"));
        // A header line names a block too.
        let tables = b"# A\nDate,Likes\n2026-11-01,1\n\n# B\nDate,Reach\n2026-11-01,2\n";
        let (csv, _) = opened(tables, &options(Some("Date, Reach"), 64)).unwrap();
        assert_eq!(csv.headers, ["Date", "Reach"]);
    }

    #[test]
    fn a_blank_line_before_a_row_or_inside_quotes_is_no_block() {
        let text = b"Date,Likes,Caption\n2026-11-01,1,\"a\n\nb\"\n\n2026-11-02,2,c\n";
        let (csv, rest) = opened(text, &options(None, 64)).unwrap();
        assert_eq!(csv.headers.len(), 3);
        assert!(rest.ends_with("2026-11-02,2,c\n"));
        // A row with one filled cell, or a one-word cell, after a blank line stays a row.
        let text = b"Date,Likes,Note\n2026-11-01,1,x\n\n2026-11-02,,\n\n,,Reel\n2026-11-03,2,y\n\n# week 2\n2026-11-09,4,z\n";
        let (_, rest) = opened(text, &options(None, 64)).unwrap();
        assert!(
            rest.ends_with(",,Reel\n2026-11-03,2,y\n\n# week 2\n2026-11-09,4,z\n"),
            "{rest}"
        );
    }

    #[test]
    fn undoes_excel_wrapped_records() {
        let text = b"\"Post ID,\"\"Publish time\"\",Likes\"\n\"1,\"\"11/01/2026 10:00\"\",3,\"\"a\"\nb\n\"c\"\"\"\n";
        let (csv, rest) = opened(text, &options(None, 64)).unwrap();
        assert_eq!(csv.headers, ["Post ID", "Publish time", "Likes"]);
        assert_eq!(rest, "1,\"11/01/2026 10:00\",3,\"a\nb\nc\"\n");
        assert_eq!(csv.notes.len(), 1);
        assert!(!excel_wrapped(b"\"Date\",\"Likes\""));
        assert!(!excel_wrapped(b"\"sep=,\""));
    }

    #[test]
    fn utf16_without_a_byte_order_mark() {
        let text: Vec<u8> = "Date,Likes\n2026-11-01,3\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (csv, rest) = opened(&text, &options(None, 64)).unwrap();
        assert_eq!(csv.headers, ["Date", "Likes"]);
        assert_eq!(rest, "2026-11-01,3\n");
    }

    #[test]
    fn reads_excel_separator_hints() {
        assert_eq!(sep_line(b"sep=\t\r\n"), Some(b'\t'));
        assert_eq!(sep_line(b"sep=;\r\n"), Some(b';'));
        assert_eq!(sep_line(b"\"sep=,\"\n"), Some(b','));
        assert_eq!(sep_line(b"Date,Reach\n"), None);
    }
}
