//! Splitting a CSV stream into chunks that end on record boundaries, so that each chunk can be
//! parsed on its own thread. A boundary is a line break outside a quoted field, found with the
//! same quoting rules the CSV reader applies (quotes open a field only at its start, `""` is an
//! escaped quote, `#` lines are comments, and a record or comment ends at `\n` or at a `\r`
//! alone, as the `csv` crate ends it). Chunks without a quote — nearly every export — are split
//! at their last line break without a scan. Chunks are cut only after a `\n`, so a `\r\n` pair
//! is never split.

use std::io::{BufRead, ErrorKind};

/// Bytes per chunk: small enough that a few in flight cost little memory, large enough that
/// handing one to a thread costs nothing measurable.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Reads a stream in chunks of whole records.
pub struct Chunker<R> {
    input: R,
    delimiter: u8,
    /// The start of an incomplete record, carried into the next chunk.
    carry: Vec<u8>,
    eof: bool,
}

impl<R: BufRead> Chunker<R> {
    /// Chunks of `input`, a CSV stream positioned at the start of a record.
    pub fn new(input: R, delimiter: u8) -> Self {
        Chunker {
            input,
            delimiter,
            carry: Vec::new(),
            eof: false,
        }
    }

    /// The next chunk, reusing `buffer`'s allocation; `None` at the end of the stream. A record
    /// longer than a chunk makes the chunk grow until the record is whole.
    pub fn next_chunk(&mut self, mut buffer: Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
        buffer.clear();
        buffer.append(&mut self.carry);
        let mut scanned = 0;
        loop {
            if !self.eof {
                let target = buffer.len().max(scanned) + CHUNK_BYTES;
                self.fill(&mut buffer, target)?;
            }
            if self.eof {
                return Ok((!buffer.is_empty()).then_some(buffer));
            }
            if let Some(end) = record_end(&buffer, self.delimiter) {
                self.carry.extend_from_slice(&buffer[end..]);
                buffer.truncate(end);
                return Ok(Some(buffer));
            }
            scanned = buffer.len();
        }
    }

    /// Whether the stream is exhausted: no chunk follows.
    pub fn is_done(&self) -> bool {
        self.eof && self.carry.is_empty()
    }

    /// Reads until `buffer` holds `target` bytes or the stream ends, copying straight from the
    /// reader's buffer (a recycled chunk is never zero-filled first).
    fn fill(&mut self, buffer: &mut Vec<u8>, target: usize) -> std::io::Result<()> {
        while buffer.len() < target {
            let available = match self.input.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                self.eof = true;
                break;
            }
            let n = available.len().min(target - buffer.len());
            buffer.extend_from_slice(&available[..n]);
            self.input.consume(n);
        }
        Ok(())
    }
}

/// Where the last complete record of `buf` ends (just past its `\n`), if one does. `buf` starts
/// at a record boundary.
pub fn record_end(buf: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', buf).is_none() {
        return memchr::memrchr(b'\n', buf).map(|i| i + 1);
    }
    let mut state = ScanState::RecordStart;
    let mut last = None;
    for (i, &b) in buf.iter().enumerate() {
        state = state.next(b, delimiter);
        if b == b'\n' && state == ScanState::RecordStart {
            last = Some(i + 1);
        }
    }
    last
}

/// Where the record holding a quoted field that is still open at the end of `buf` starts, if
/// `buf` (starting at a record boundary) ends inside one: the file ended before the field's
/// closing quote. The CSV reader would take the rest of the file as the field's text.
pub fn unclosed_quote(buf: &[u8], delimiter: u8) -> Option<usize> {
    memchr::memchr(b'"', buf)?;
    let mut state = ScanState::RecordStart;
    let mut record = 0;
    for (i, &b) in buf.iter().enumerate() {
        if state == ScanState::RecordStart {
            record = i;
        }
        state = state.next(b, delimiter);
    }
    (state == ScanState::Quoted).then_some(record)
}

impl ScanState {
    /// The state after byte `b`.
    fn next(self, b: u8, delimiter: u8) -> ScanState {
        match (self, b) {
            (ScanState::Comment, b'\n' | b'\r') => ScanState::RecordStart,
            (ScanState::Comment, _) => ScanState::Comment,
            (ScanState::RecordStart, b'#') => ScanState::Comment,
            (ScanState::Quoted, b'"') => ScanState::QuoteInQuoted,
            (ScanState::Quoted, _) => ScanState::Quoted,
            (ScanState::QuoteInQuoted, b'"') => ScanState::Quoted,
            (ScanState::RecordStart | ScanState::FieldStart, b'"') => ScanState::Quoted,
            // A `\r` outside quotes ends the record for the CSV reader, so a quote after it
            // opens a field: the scan must agree, or a cut could fall inside that field.
            (_, b'\n' | b'\r') => ScanState::RecordStart,
            (_, d) if d == delimiter => ScanState::FieldStart,
            _ => ScanState::Unquoted,
        }
    }
}

/// Where the boundary scan is within a record, as the CSV reader would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
    Comment,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_after_the_last_line_break_outside_quotes() {
        assert_eq!(record_end(b"a,b\nc,d\ne,", b','), Some(8));
        assert_eq!(record_end(b"a,\"x\ny\"\nc,\"open\n", b','), Some(8));
        assert_eq!(record_end(b"a,\"x\"\"\n\"\"y\"\nc", b','), Some(12));
        assert_eq!(record_end(b"a,\"no end\n", b','), None);
        assert_eq!(record_end(b"no newline", b','), None);
    }

    #[test]
    fn a_quote_inside_an_unquoted_field_is_a_character() {
        // `5" screen` does not open a quoted field, so the line break after it ends the record.
        assert_eq!(record_end(b"tv,5\" screen\nb,c", b','), Some(13));
    }

    #[test]
    fn a_lone_carriage_return_ends_a_record_before_a_quoted_field() {
        // `a,b\r` is a record of its own; `"x\ny"` is one quoted field, not a cut point.
        assert_eq!(record_end(b"a,b\r\"x\ny\",1\nc", b','), Some(12));
        assert_eq!(record_end(b"a,b\r\"x\ny", b','), None);
        assert_eq!(record_end(b"# c\r\"x\ny\"\n", b','), Some(10));
    }

    #[test]
    fn a_quote_open_at_the_end_is_found_at_its_record() {
        assert_eq!(unclosed_quote(b"a,1\nb,\"2\n", b','), Some(4));
        assert_eq!(unclosed_quote(b"a,1\nb,\"2\nc,3\n", b','), Some(4));
        assert_eq!(unclosed_quote(b"a,1\nb,\"2\"\n", b','), None);
        assert_eq!(unclosed_quote(b"a,1\nb,5\" tv\n", b','), None);
        assert_eq!(unclosed_quote(b"a,1\n", b','), None);
    }

    #[test]
    fn comment_lines_do_not_open_quotes() {
        assert_eq!(record_end(b"# don't \"quote\na,\"b\"\nc", b','), Some(21));
    }

    #[test]
    fn chunks_reassemble_the_stream_and_end_on_records() {
        let mut text = Vec::new();
        for i in 0..200_000 {
            text.extend_from_slice(format!("2024-01-01,\"acct\n{i}\",{i}\n").as_bytes());
        }
        let mut chunker = Chunker::new(text.as_slice(), b',');
        let mut joined = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = chunker.next_chunk(Vec::new()).unwrap() {
            assert!(chunk.ends_with(b"\n"));
            assert!(chunk.starts_with(b"2024-01-01,"));
            joined.extend_from_slice(&chunk);
            chunks += 1;
        }
        assert!(chunks > 1);
        assert_eq!(joined, text);
    }

    #[test]
    fn a_record_longer_than_a_chunk_grows_the_chunk() {
        let mut text = b"x,\"".to_vec();
        text.extend(std::iter::repeat_n(b'\n', CHUNK_BYTES * 2));
        text.extend_from_slice(b"\"\ny,1\n");
        let mut chunker = Chunker::new(text.as_slice(), b',');
        let first = chunker.next_chunk(Vec::new()).unwrap().unwrap();
        assert_eq!(first.len(), text.len());
        assert!(chunker.next_chunk(Vec::new()).unwrap().is_none());
    }
}
