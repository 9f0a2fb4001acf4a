//! The thread pipeline of a CSV export: how its chunks of whole records travel between threads.
//! A reading thread reads, hashes and cuts the file into chunks (`chunks.rs`); parser threads
//! parse them into batches (`csv_reader::parse_chunk`); the calling thread adds the batches to
//! the table in file order (`ingest::Merge`), so every sum — and every output byte — is the same
//! on any number of threads. Chunk buffers and batches circulate instead of being allocated per
//! chunk. One thread, or a file of one chunk, skips the threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use super::chunks::Chunker;
use super::csv_reader::{OpenedCsv, parse_chunk};
use super::error::DataError;
use super::ingest::{Batch, Counts, FileJob, Merge};
use super::progress::Progress;
use super::table::Table;

/// Chunks parsed or waiting per parser thread: enough to keep every thread busy while the
/// reading thread hashes, few enough that memory stays flat.
const IN_FLIGHT_PER_THREAD: usize = 3;

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
    // Year-less dates are read in file order (each row's year follows from the row before).
    if threads == 1 || reader.chunker.is_done() || job.layout.year_start.is_some() {
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
