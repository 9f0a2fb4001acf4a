//! Presets for common platform exports (KPI_CATALOG.md §5): the header → metric mapping, the
//! date column and format, and the total rows each export is known to carry. Column names drift,
//! so a preset maps a subset and never requires a column.

/// One preset.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Preset id, as written in `preset:`.
    pub id: &'static str,
    /// What export it reads.
    pub description: &'static str,
    /// Header → metric id.
    pub columns: &'static [(&'static str, &'static str)],
    /// Date headers to try, in order.
    pub date_columns: &'static [&'static str],
    /// strftime format of the date column, when not ISO.
    pub date_format: Option<&'static str>,
    /// First-cell labels of total rows.
    pub skip_rows_matching: &'static [&'static str],
}

/// Every preset.
pub const PRESETS: &[Preset] = &[];

/// The preset with this id.
pub fn get(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Every preset id.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}
