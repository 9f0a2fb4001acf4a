//! Files whose lines end with a carriage return alone — classic Mac OS, and Excel for Mac
//! before 2016 ("CSV (Macintosh)") — read as if their lines ended with `\n`. Everything after
//! the decoding step (the header search, the chunker, line numbers in messages) splits lines
//! at `\n`, so such a file would otherwise be one long header line with no data.

use std::io::{self, BufRead, BufReader, Read};

/// Whether the start of a stream ends its lines with `\r` alone: it holds a `\r` and no `\n`.
/// A CRLF or LF file, or one line without any break, is not.
fn cr_only(head: &[u8]) -> bool {
    memchr::memchr(b'\n', head).is_none() && memchr::memchr(b'\r', head).is_some()
}

/// A stream with every `\r` read as `\n` (inside quoted fields too, where it is a line break
/// either way).
struct CrAsLf<R> {
    inner: R,
}

impl<R: Read> Read for CrAsLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for b in &mut buf[..n] {
            if *b == b'\r' {
                *b = b'\n';
            }
        }
        Ok(n)
    }
}

/// `input` as is, or, when its start shows `\r`-only line ends, with each `\r` read as `\n`;
/// the flag says which, so that the report can say how the file was read.
pub fn unify(mut input: Box<dyn BufRead + Send>) -> io::Result<(Box<dyn BufRead + Send>, bool)> {
    if !cr_only(input.fill_buf()?) {
        return Ok((input, false));
    }
    Ok((Box::new(BufReader::new(CrAsLf { inner: input })), true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> (Vec<u8>, bool) {
        let (mut input, changed) =
            unify(Box::new(io::Cursor::new(text.to_vec()))).expect("in memory");
        let mut out = Vec::new();
        input.read_to_end(&mut out).expect("in memory");
        (out, changed)
    }

    #[test]
    fn carriage_returns_alone_become_line_feeds() {
        assert_eq!(read(b"a,b\r1,2\r"), (b"a,b\n1,2\n".to_vec(), true));
    }

    #[test]
    fn crlf_lf_and_single_lines_are_left_alone() {
        assert_eq!(read(b"a,b\r\n1,2\r\n"), (b"a,b\r\n1,2\r\n".to_vec(), false));
        assert_eq!(
            read(b"a,b\n1,\"x\ry\"\n"),
            (b"a,b\n1,\"x\ry\"\n".to_vec(), false)
        );
        assert_eq!(read(b"a,b"), (b"a,b".to_vec(), false));
    }
}
