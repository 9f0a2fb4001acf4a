//! Spreadsheet workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) through `calamine`: one
//! sheet (`sheet:`, default the first) written out as CSV text, which the CSV reader then reads
//! like any export (header row found, presets, dates sniffed). Workbooks are small exports, so
//! the sheet is converted in memory.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::error::DataError;

/// A sheet as CSV, or the bytes back when they are no workbook.
pub enum Sheet {
    /// The sheet's cells as CSV text (`,`, quoted where needed).
    Csv(Vec<u8>),
    /// Not a zip or OLE workbook (a CSV or an HTML table with a workbook's extension).
    NotAWorkbook(Vec<u8>),
}

/// The named sheet (or the first) of the workbook `bytes`, as CSV.
pub fn sheet_as_csv(
    bytes: Vec<u8>,
    display: &str,
    sheet: Option<&str>,
) -> Result<Sheet, DataError> {
    let workbook_magic =
        bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if !workbook_magic {
        return Ok(Sheet::NotAWorkbook(bytes));
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        DataError::at(display, None, format!("this workbook cannot be read: {e}"))
            .help("open it in a spreadsheet and save the sheet as CSV (UTF-8)")
    })?;
    let names = book.sheet_names();
    let listed = || crate::suggest::quote_list(&names);
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            .cloned()
            .ok_or_else(|| {
                DataError::at(
                    display,
                    None,
                    format!("the workbook has no sheet `{wanted}`"),
                )
                .help(format!("`sheet:` names one of {}", listed()))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| DataError::at(display, None, "the workbook has no sheets"))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| DataError::at(display, None, format!("sheet `{name}` cannot be read: {e}")))?;
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        out.write_record(&cells)
            .map_err(|e| DataError::at(display, None, format!("sheet `{name}`: {e}")))?;
    }
    let csv = out
        .into_inner()
        .map_err(|e| DataError::at(display, None, format!("sheet `{name}`: {e}")))?;
    Ok(Sheet::Csv(csv))
}

/// The sheet names of the workbook `bytes`, in workbook order (none when it is not one).
pub fn sheet_names(bytes: &[u8]) -> Vec<String> {
    calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map(|book| book.sheet_names())
        .unwrap_or_default()
}

/// A cell as the text an export would hold: numbers as written, dates ISO.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => serial_date(dt.as_f64()).unwrap_or_default(),
    }
}

/// An Excel serial date (days since 1899-12-30) as `YYYY-MM-DD`, or with its time.
fn serial_date(serial: f64) -> Option<String> {
    use jiff::ToSpan;
    if !serial.is_finite() || !(0.0..3_000_000.0).contains(&serial) {
        return None;
    }
    let days = serial.floor();
    let epoch = jiff::civil::date(1899, 12, 30);
    #[allow(
        clippy::cast_possible_truncation,
        reason = "checked to lie within 0..3e6"
    )]
    let date = epoch.checked_add((days as i64).days()).ok()?;
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a fraction of a day in seconds"
    )]
    let seconds = ((serial - days) * 86_400.0).round() as i64;
    if seconds == 0 {
        return Some(date.to_string());
    }
    let time = jiff::civil::time(0, 0, 0, 0)
        .checked_add(seconds.seconds())
        .ok()?;
    Some(format!("{date}T{time}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates_read_as_iso() {
        assert_eq!(serial_date(45_658.0).as_deref(), Some("2025-01-01"));
        assert_eq!(
            serial_date(45_658.5).as_deref(),
            Some("2025-01-01T12:00:00")
        );
        assert_eq!(serial_date(f64::NAN), None);
    }
}
