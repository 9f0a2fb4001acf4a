//! The byte scanner: the hot loops of reading a CSV export, on raw bytes. It owns splitting a
//! plain chunk into rows and cells (a 16-byte SSE2 scan for delimiters and line breaks), and the
//! fast paths for the cells nearly every row holds: plain decimals, `YYYY-MM-DD` dates, and the
//! short byte comparisons that find a row's date and series again.
//!
//! Every function here has a general counterpart that handles everything else, and must agree
//! with it exactly: a chunk that is not [`is_plain`] goes through the `csv` crate
//! (`csv_reader::parse_chunk`), and a cell [`plain_decimal`] or [`iso_date`] declines goes
//! through `cells::parse_number` or `cells::parse_date`. Nothing here allocates per row.

use jiff::civil::Date as CivilDate;

use super::ingest::Row;

/// Whether a chunk splits on its delimiters and line breaks alone: no quotes (the CSV reader's
/// job) and no carriage returns (which it also takes as line ends).
pub fn is_plain(chunk: &[u8], delimiter: u8) -> bool {
    !matches!(delimiter, b'"' | b'\r' | b'\n' | b'#')
        && memchr::memchr2(b'"', b'\r', chunk).is_none()
}

/// A row split in place by [`split_plain`]: `line[bounds[i].0..bounds[i].1]` is cell `i`.
pub struct SplitRow<'a> {
    /// The bytes the row lies in (the whole chunk).
    pub line: &'a [u8],
    /// `(start, end)` of every cell within `line`.
    pub bounds: &'a [(usize, usize)],
}

impl Row for SplitRow<'_> {
    fn cell(&self, i: usize) -> &[u8] {
        self.bounds.get(i).map_or(&[], |&(a, b)| &self.line[a..b])
    }
    fn width(&self) -> usize {
        self.bounds.len()
    }
}

/// Splits a plain chunk (see [`is_plain`]) with one vectorized scan for delimiters and line
/// breaks, skipping empty and `#` lines as the CSV reader does, and calls `row(row, line)` for
/// every row (`line` counts from 1 at the chunk's start) until it returns `false`. Returns the
/// number of line breaks in the chunk.
pub fn split_plain(
    chunk: &[u8],
    delimiter: u8,
    mut row: impl FnMut(&SplitRow, u64) -> bool,
) -> u64 {
    let mut bounds: Vec<(usize, usize)> = Vec::with_capacity(32);
    let mut lines = 0u64;
    let mut line_start = 0;
    let mut field_start = 0;
    let mut ok = true;
    let mut emit = |bounds: &[(usize, usize)], line_start: usize, end: usize, line: u64| {
        if end == line_start || chunk[line_start] == b'#' {
            return true;
        }
        let split = SplitRow {
            line: chunk,
            bounds,
        };
        row(&split, line)
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
#[allow(unsafe_code, reason = "SSE2 compares: see the SAFETY comment")]
#[allow(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "bytes and lane masks are reinterpreted bit for bit, as the intrinsics want"
)]
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

/// `10^k` for the fraction digits a [`plain_decimal`] cell can have; all exact in `f64`.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The hot path of number parsing, on raw bytes: `[-]digits[<decimal>digits]` with at most 15
/// digits (the bulk of every export). The digits form an exact integer below 2^53 and `10^k`
/// is exact, so one IEEE division gives the correctly rounded value — the same `f64` as the
/// general parser. Anything else (`1,234`, `12%`, `€5`, spaces, `N/A`) returns `None` and goes
/// the general way.
#[inline]
pub fn plain_decimal(raw: &[u8], decimal: u8) -> Option<f64> {
    let (negative, body) = match raw {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, raw),
    };
    if body.is_empty() || body.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point: Option<usize> = None;
    for (i, &b) in body.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit <= 9 {
            mantissa = mantissa * 10 + u64::from(digit);
        } else if b == decimal && point.is_none() && i > 0 {
            point = Some(i);
        } else {
            return None;
        }
    }
    let fraction = match point {
        Some(at) if at + 1 == body.len() => return None,
        Some(at) => body.len() - at - 1,
        None => 0,
    };
    if body.len() - usize::from(point.is_some()) > 15 {
        return None;
    }
    // Whole numbers skip the division: it is exact anyway, and its latency is most of the cost.
    // At most 15 digits, so the mantissa fits an `i64`, whose conversion is one instruction.
    #[allow(
        clippy::cast_possible_wrap,
        reason = "at most 15 digits, far below i64::MAX"
    )]
    let mantissa = mantissa as i64 as f64;
    let value = if fraction == 0 {
        mantissa
    } else {
        mantissa / POW10[fraction]
    };
    Some(if negative { -value } else { value })
}

/// The hot path of date parsing, on raw bytes: exactly `YYYY-MM-DD`, a real calendar date.
/// Anything else returns `None` and goes through `cells::parse_date`, which reads it the same
/// way.
pub fn iso_date(raw: &[u8]) -> Option<CivilDate> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *raw else {
        return None;
    };
    let digits = [y1, y2, y3, y4, m1, m2, d1, d2];
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |d: &[u8]| d.iter().fold(0i16, |acc, b| acc * 10 + i16::from(b - b'0'));
    let (year, month, day) = (n(&digits[..4]), n(&digits[4..6]), n(&digits[6..]));
    let (month, day) = (i8::try_from(month).ok()?, i8::try_from(day).ok()?);
    CivilDate::new(year, month, day).ok()
}

/// Whether two short byte strings are equal, without a call to `memcmp`: dates and series
/// keys are compared once per row, and for them the call costs more than the comparison.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if n >= 8 {
        let word = |s: &[u8], at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&s[at..at + 8]);
            u64::from_ne_bytes(w)
        };
        // Whole words, then the last eight bytes (overlapping the previous word when the length
        // is not a multiple of eight).
        let mut at = 0;
        while at + 8 <= n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        return at == n || word(a, n - 8) == word(b, n - 8);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::cells::{NumberFormat, parse_number};

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

    #[test]
    fn plain_decimals_match_the_general_parser_bit_for_bit() {
        let f = NumberFormat {
            decimal: b'.',
            abbreviated: false,
        };
        for text in [
            "0",
            "7",
            "-0",
            "-12",
            "1203.0",
            "0.1",
            "0.3",
            "2556180.25",
            "999999999999999",
            "123456789.012345",
            "5.00",
            "-0.01",
            "1e3",
            "1,234",
            "12.",
            ".5",
            "1.2.3",
            "",
            " 1",
            "1 ",
            "+1",
            "12%",
            "1234567890123456",
        ] {
            let fast = plain_decimal(text.as_bytes(), b'.');
            if let Some(v) = fast {
                let general = parse_number(text, f, None).unwrap().unwrap();
                assert_eq!(v.to_bits(), general.to_bits(), "{text}");
            }
        }
        assert_eq!(plain_decimal(b"1,234", b'.'), None);
        assert_eq!(plain_decimal(b"1.5", b'.'), Some(1.5));
        assert_eq!(plain_decimal(b"1,5", b','), Some(1.5));
        assert_eq!(plain_decimal(b"1.234", b','), None);
        assert_eq!(plain_decimal(b"12.", b'.'), None);
        assert_eq!(plain_decimal(b"-", b'.'), None);
        assert_eq!(plain_decimal(b"1234567890123456", b'.'), None);
    }

    #[test]
    fn compares_short_and_long_byte_strings_exactly() {
        let texts: [&[u8]; 8] = [
            b"",
            b"a",
            b"2024-01-01",
            b"2024-01-02",
            b"acct-0001\xfffacebook\xff",
            b"acct-0001\xfffacebook\xfe",
            b"12345678",
            b"1234567812345678",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(same_bytes(a, b), a == b, "{a:?} vs {b:?}");
            }
        }
        assert!(!same_bytes(b"2024-01-01", b"2024-01-0"));
    }
}
