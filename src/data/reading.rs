//! Reading one export's rows into its source's table: CSV in chunks of whole records parsed on
//! every core (the reading thread hashes and splits, parser threads parse, and batches are added
//! to the table in file order), JSON and NDJSON row by row.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use csv::ByteRecord;

use super::chunks::Chunker;
use super::csv_reader::{self, OpenedCsv};
use super::error::DataError;
use super::ingest::{Batch, Cells, Counts, Ingest, Merge};
use super::layout::{FileLayout, SourcePlan};
use super::progress::Progress;
use super::table::Table;
use crate::catalog::Catalog;

/// Chunks parsed or waiting per parser thread: enough to keep every thread busy while the
/// reading thread hashes, few enough that memory stays flat.
const IN_FLIGHT_PER_THREAD: usize = 3;

/// What every parser of one file shares.
pub struct FileJob<'a> {
    /// The source's plan.
    pub plan: &'a SourcePlan<'a>,
    /// The file's columns.
    pub layout: &'a FileLayout,
    /// The metric catalog.
    pub catalog: &'a Catalog,
    /// The file as shown.
    pub display: &'a str,
    /// The table's metric slots.
    pub metrics: Vec<String>,
}

impl FileJob<'_> {
    fn ingest(&self) -> Ingest<'_> {
        Ingest::new(
            self.plan,
            self.layout,
            self.catalog,
            self.display,
            &self.metrics,
        )
    }
}

/// Reads a CSV export's rows into `table`; `bytes` is the file's size, for the progress bar.
pub fn read_csv(
    job: &FileJob,
    csv: OpenedCsv,
    table: &mut Table,
    bytes: u64,
) -> Result<Counts, DataError> {
    let progress = Progress::for_file(job.display, bytes);
    let delimiter = csv.delimiter;
    let mut chunker = Chunker::new(csv.input, delimiter);
    let io = |e: std::io::Error| DataError::io(job.display, &e);
    let Some(first) = chunker.next_chunk(Vec::new()).map_err(io)? else {
        return Ok(Counts::default());
    };
    let threads = crate::threads::worker_threads();
    let mut reader = Reader {
        chunker,
        progress,
        first: Some(first),
    };
    if threads == 1 || reader.chunker.is_done() {
        sequential(job, &mut reader, delimiter, csv.line_offset, table)
    } else {
        parallel(job, &mut reader, delimiter, csv.line_offset, table, threads)
    }
}

/// The chunk source of one file.
struct Reader<R> {
    chunker: Chunker<R>,
    progress: Progress,
    /// The first chunk, read to decide between one thread and several.
    first: Option<Vec<u8>>,
}

impl<R: std::io::BufRead> Reader<R> {
    fn next(&mut self, spare: Vec<u8>, display: &str) -> Result<Option<Vec<u8>>, DataError> {
        let chunk = match self.first.take() {
            Some(first) => Some(first),
            None => self
                .chunker
                .next_chunk(spare)
                .map_err(|e| DataError::io(display, &e))?,
        };
        if let Some(c) = &chunk {
            self.progress.advance(c.len());
        }
        Ok(chunk)
    }
}

fn sequential<R: std::io::BufRead>(
    job: &FileJob,
    reader: &mut Reader<R>,
    delimiter: u8,
    mut lines: u64,
    table: &mut Table,
) -> Result<Counts, DataError> {
    let mut ingest = job.ingest();
    let mut merge = Merge::default();
    let mut spare = Vec::new();
    let mut batch = Batch::default();
    while let Some(chunk) = reader.next(spare, job.display)? {
        batch.recycle();
        let n = parse_chunk(&mut ingest, &chunk, delimiter, job.display, &mut batch);
        batch.shift_lines(lines);
        merge.apply(table, 0, &batch);
        if let Some(e) = batch.error {
            return Err(e);
        }
        lines += n;
        spare = chunk;
    }
    Ok(merge.counts)
}

/// A parsed chunk on its way back: `(index, parser, batch, lines in the chunk, its buffer)`.
type Parsed = (usize, usize, Batch, u64, Vec<u8>);

/// Three roles on their own threads, so that none waits for another's work: a reading thread
/// reads, hashes and cuts chunks; parser threads parse them; this thread adds the batches to the
/// table in file order. Chunk buffers circulate: at most `threads × IN_FLIGHT_PER_THREAD` exist,
/// which bounds memory and makes the reader wait when the table falls behind.
fn parallel<R: std::io::BufRead + Send>(
    job: &FileJob,
    reader: &mut Reader<R>,
    delimiter: u8,
    line_offset: u64,
    table: &mut Table,
    threads: usize,
) -> Result<Counts, DataError> {
    let (work_tx, work_rx) = mpsc::channel::<(usize, Vec<u8>)>();
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Parsed>();
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    for _ in 0..threads * IN_FLIGHT_PER_THREAD {
        // Cannot fail: the receiver is alive.
        let _ = spare_tx.send(Vec::new());
    }
    let stop = AtomicBool::new(false);
    let spare_batches: Mutex<Vec<Batch>> = Mutex::new(Vec::new());
    let mut order = InOrder::new(line_offset, &spare_batches);
    std::thread::scope(|s| {
        for parser in 0..threads {
            let done_tx = done_tx.clone();
            let (work_rx, stop, spare_batches) = (&work_rx, &stop, &spare_batches);
            s.spawn(move || {
                parse_chunks(
                    job,
                    delimiter,
                    parser,
                    work_rx,
                    &done_tx,
                    stop,
                    spare_batches,
                )
            });
        }
        drop(done_tx);
        let stop = &stop;
        let reading = s.spawn(move || read_chunks(reader, job.display, &work_tx, &spare_rx, stop));
        // Every parser ends once the reader has ended and the work queue is empty.
        while let Ok(parsed) = done_rx.recv() {
            let buffer = order.accept(parsed, table);
            if order.error.is_some() {
                stop.store(true, Ordering::Relaxed);
            }
            // The reader may be gone already; the buffer is then simply freed.
            let _ = spare_tx.send(buffer);
        }
        drop(spare_tx);
        let read_error = match reading.join() {
            Ok(result) => result.err(),
            Err(panic) => std::panic::resume_unwind(panic),
        };
        match (order.error.take(), read_error) {
            (Some(e), _) | (None, Some(e)) => Err(e),
            (None, None) => Ok(order.merge.counts),
        }
    })
}

/// The reading thread: cuts the file into chunks, one per spare buffer it gets back, until the
/// end, an error, or `stop`.
fn read_chunks<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    display: &str,
    work_tx: &mpsc::Sender<(usize, Vec<u8>)>,
    spare_rx: &mpsc::Receiver<Vec<u8>>,
    stop: &AtomicBool,
) -> Result<(), DataError> {
    let mut sent = 0;
    while let Ok(spare) = spare_rx.recv() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(chunk) = reader
            .next(spare, display)
            .inspect_err(|_| stop.store(true, Ordering::Relaxed))?
        else {
            break;
        };
        if work_tx.send((sent, chunk)).is_err() {
            break;
        }
        sent += 1;
    }
    Ok(())
}

/// A parser thread: parses chunks from the queue into batches until the queue closes; once
/// `stop` is set it hands chunks back unparsed.
fn parse_chunks(
    job: &FileJob,
    delimiter: u8,
    parser: usize,
    work_rx: &Mutex<mpsc::Receiver<(usize, Vec<u8>)>>,
    done_tx: &mpsc::Sender<Parsed>,
    stop: &AtomicBool,
    spare_batches: &Mutex<Vec<Batch>>,
) {
    let mut ingest = job.ingest();
    loop {
        // A poisoned lock means another parser panicked; the scope re-raises it.
        let next = match work_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((index, chunk)) = next else { return };
        let mut batch = spare_batches
            .lock()
            .ok()
            .and_then(|mut spares| spares.pop())
            .unwrap_or_default();
        let lines = if stop.load(Ordering::Relaxed) {
            0
        } else {
            parse_chunk(&mut ingest, &chunk, delimiter, job.display, &mut batch)
        };
        if done_tx.send((index, parser, batch, lines, chunk)).is_err() {
            return;
        }
    }
}

/// Applies parsed chunks to the table in file order, whatever order they finish in.
struct InOrder<'p> {
    /// Applied batches go back here for the parsers to fill again.
    spares: &'p Mutex<Vec<Batch>>,
    next: usize,
    waiting: BTreeMap<usize, (usize, Batch, u64)>,
    lines: u64,
    merge: Merge,
    error: Option<DataError>,
}

impl<'p> InOrder<'p> {
    fn new(line_offset: u64, spares: &'p Mutex<Vec<Batch>>) -> Self {
        InOrder {
            spares,
            next: 0,
            waiting: BTreeMap::new(),
            lines: line_offset,
            merge: Merge::default(),
            error: None,
        }
    }

    /// Takes one parsed chunk, applies every chunk now in order, and returns the buffer.
    fn accept(
        &mut self,
        (index, parser, batch, lines, buffer): Parsed,
        table: &mut Table,
    ) -> Vec<u8> {
        self.waiting.insert(index, (parser, batch, lines));
        while let Some((parser, mut batch, lines)) = self.waiting.remove(&self.next) {
            self.next += 1;
            if self.error.is_some() {
                continue;
            }
            batch.shift_lines(self.lines);
            self.merge.apply(table, parser, &batch);
            self.error = batch.error.take();
            self.lines += lines;
            batch.recycle();
            if let Ok(mut spares) = self.spares.lock() {
                spares.push(batch);
            }
        }
        buffer
    }
}

/// Parses one chunk (whole records) into an empty `batch`; lines in the batch's error are
/// relative to the chunk. Returns the number of line breaks in the chunk.
fn parse_chunk(
    ingest: &mut Ingest,
    chunk: &[u8],
    delimiter: u8,
    display: &str,
    batch: &mut Batch,
) -> u64 {
    if is_plain(chunk, delimiter) {
        return parse_plain(ingest, chunk, delimiter, batch);
    }
    let mut reader = csv_reader::builder(delimiter).from_reader(chunk);
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

/// Whether a chunk splits on its delimiters and line breaks alone: no quotes (the CSV reader's
/// job) and no carriage returns (which it also takes as line ends).
fn is_plain(chunk: &[u8], delimiter: u8) -> bool {
    !matches!(delimiter, b'"' | b'\r' | b'\n' | b'#')
        && memchr::memchr2(b'"', b'\r', chunk).is_none()
}

/// Splits a plain chunk (see [`is_plain`]) with one vectorized scan for delimiters and line
/// breaks, skipping empty and `#` lines as the CSV reader does.
fn parse_plain(ingest: &mut Ingest, chunk: &[u8], delimiter: u8, batch: &mut Batch) -> u64 {
    let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(32);
    let mut lines = 0u64;
    let mut line_start = 0;
    let mut field_start = 0;
    let mut ok = true;
    let mut emit = |bounds: &[(usize, usize)], line_start: usize, end: usize, line: u64| {
        if end == line_start || chunk[line_start] == b'#' {
            return true;
        }
        let row = Cells {
            line: chunk,
            bounds,
        };
        ingest.row(batch, &row, line)
    };
    for_each_separator(chunk, delimiter, |pos, line_break| {
        bounds.push((field_start, pos));
        field_start = pos + 1;
        if line_break {
            lines += 1;
            ok = emit(&bounds, line_start, pos, lines);
            bounds.clear();
            line_start = pos + 1;
        }
        ok
    });
    if ok && line_start < chunk.len() {
        bounds.push((field_start, chunk.len()));
        emit(&bounds, line_start, chunk.len(), lines + 1);
    }
    ingest.finish(batch);
    lines
}

/// Calls `f(position, is_line_break)` for every `delimiter` and `\n` in `bytes`, in order,
/// until `f` returns `false`. Sixteen bytes at a time: two byte compares make bit masks, and
/// the loop runs once per match, not once per byte (this scan was a third of parsing).
fn for_each_separator(bytes: &[u8], delimiter: u8, mut f: impl FnMut(usize, bool) -> bool) {
    let mut base = 0;
    while base + 16 <= bytes.len() {
        let (delimiters, line_breaks) = masks16(&bytes[base..base + 16], delimiter);
        let mut all = delimiters | line_breaks;
        while all != 0 {
            let bit = all.trailing_zeros();
            if !f(base + bit as usize, (line_breaks >> bit) & 1 == 1) {
                return;
            }
            all &= all - 1;
        }
        base += 16;
    }
    for (at, b) in bytes.iter().enumerate().skip(base) {
        if (*b == delimiter || *b == b'\n') && !f(at, *b == b'\n') {
            return;
        }
    }
}

/// Bit `i` set where `block[i]` is the delimiter, and where it is a line break (SSE2, which
/// every x86-64 CPU has).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks16(block: &[u8], delimiter: u8) -> (u32, u32) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    assert!(block.len() >= 16);
    // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions exist on every CPU this
    // code runs on; the block holds at least 16 bytes (asserted above), and an unaligned load has
    // no other requirement.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        let at = |byte: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8))) as u32;
        (at(delimiter), at(b'\n'))
    }
}

/// The same masks, a byte at a time, where SSE2 is not available.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn masks16(block: &[u8], delimiter: u8) -> (u32, u32) {
    let mask = |byte: u8| {
        block[..16]
            .iter()
            .enumerate()
            .fold(0u32, |m, (i, b)| m | (u32::from(*b == byte) << i))
    };
    (mask(delimiter), mask(b'\n'))
}

fn csv_error(e: &csv::Error, display: &str) -> DataError {
    let line = e.position().map(csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Io(io) => DataError::io(display, io),
        _ => DataError::at(display, line, format!("the CSV cannot be read: {e}")),
    }
}

/// Reads JSON or NDJSON rows (already in memory, each with its line) into `table`.
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

#[cfg(test)]
mod tests {
    use super::for_each_separator;

    #[test]
    fn finds_every_delimiter_and_line_break_in_order() {
        let text = b"date,acct,1,2\n2024-01-01,a,3,4\nx,\n,\xff,;";
        let mut found = Vec::new();
        for_each_separator(text, b',', |p, line_break| {
            assert_eq!(line_break, text[p] == b'\n');
            found.push(p);
            true
        });
        let expected: Vec<usize> = text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',' || **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, expected);
        let mut first = Vec::new();
        for_each_separator(text, b';', |p, _| {
            first.push(p);
            false
        });
        assert_eq!(first, vec![13]);
    }
}
