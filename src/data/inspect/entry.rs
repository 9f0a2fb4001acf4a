//! The suggested source entry: its id, its keys and its YAML.

use super::Context;
use super::document::SuggestedSource;

/// `id`, or `id-2`, `id-3`, … when it is taken.
pub(super) fn unique(id: &str, taken: &mut Vec<String>) -> String {
    let mut candidate = id.to_string();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The suggested entry (its id made unique and its YAML written by [`inspect_all`]).
pub(super) fn suggested(
    keys: &serde_json::Map<String, serde_json::Value>,
    cx: &Context,
    index: usize,
    label: Option<&str>,
) -> SuggestedSource {
    let text = |k: &str| keys.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let stem = cx
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut id = slug(&stem);
    if let Some(l) = label {
        let part = slug(l);
        id = if part.is_empty() {
            format!("{id}-{}", index + 1)
        } else {
            format!("{id}-{part}")
        };
    }
    SuggestedSource {
        id,
        path: cx.display.to_string(),
        preset: text("preset"),
        sheet: text("sheet"),
        block: text("block"),
        platform: text("platform"),
        platform_column: text("platform_column"),
        account_column: text("account_column"),
        date_column: text("date_column"),
        decimal: text("decimal"),
        year: keys
            .get("year")
            .and_then(serde_json::Value::as_i64)
            .and_then(|y| i16::try_from(y).ok()),
        yaml: String::new(),
    }
}

/// Lower-case letters and digits, other runs as one `-`, at most 40 characters; `export` when
/// nothing is left (a source id starts with a letter or digit).
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "export".to_string()
    } else {
        out
    }
}

/// A scalar as YAML: plain when it cannot be read as anything but that string, else quoted
/// (JSON's quoting is YAML's).
fn scalar(text: &str) -> String {
    let plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/' || c == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
        && !text.ends_with(' ')
        && text.parse::<f64>().is_err()
        && !matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

/// The entry as YAML lines, indented to sit under `sources:`, with `path` as its path.
pub fn entry_yaml(s: &SuggestedSource, path: &str) -> String {
    let mut out = format!("  {}:\n    path: {}\n", s.id, scalar(path));
    let keys = [
        ("preset", s.preset.as_deref()),
        ("sheet", s.sheet.as_deref()),
        ("block", s.block.as_deref()),
        ("platform", s.platform.as_deref()),
        ("platform_column", s.platform_column.as_deref()),
        ("account_column", s.account_column.as_deref()),
        ("date_column", s.date_column.as_deref()),
        ("decimal", s.decimal.as_deref()),
    ];
    for (key, value) in keys {
        if let Some(v) = value {
            out.push_str(&format!("    {key}: {}\n", scalar(v)));
        }
    }
    if let Some(y) = s.year {
        out.push_str(&format!("    year: {y}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_slugs_and_unique() {
        assert_eq!(slug("Reports snapshot (2)"), "reports-snapshot-2");
        assert_eq!(slug("__"), "export");
        let mut taken = Vec::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a-2");
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(scalar("data/Follows.csv"), "data/Follows.csv");
        assert_eq!(scalar("Instagram follows"), "Instagram follows");
        assert_eq!(scalar("Nth week,New users"), "\"Nth week,New users\"");
        assert_eq!(scalar("2026"), "\"2026\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
    }
}
