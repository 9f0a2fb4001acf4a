//! The step summary's size limit: GitHub refuses a step summary over 1 MiB, so a longer
//! scorecard is cut at a line boundary, open `<details>` and code fences are closed, and a note
//! says where the whole scorecard can be had.

use std::borrow::Cow;

/// GitHub's limit on one step's summary, in bytes.
pub const LIMIT: usize = 1024 * 1024;

/// [`LIMIT`] as the note says it.
pub const LIMIT_TEXT: &str = "1 MiB";

/// The note that ends a cut scorecard.
pub const CUT_NOTE: &str = "\n> **Note:** the scorecard was cut here: GitHub keeps at most 1 MiB \
per step summary. Write the whole scorecard to a file with `goalpost check -o markdown:PATH` \
(and upload it as an artifact).\n";

/// `markdown` if it fits in `budget` bytes; otherwise its longest run of whole lines that fits
/// with the closing tags and [`CUT_NOTE`]; `None` when not even the note fits.
pub fn fit(markdown: &str, budget: usize) -> Option<Cow<'_, str>> {
    if markdown.len() <= budget {
        return Some(Cow::Borrowed(markdown));
    }
    let room = budget.checked_sub(CUT_NOTE.len())?;
    let mut end = line_start_at_or_before(markdown, room);
    loop {
        let kept = &markdown[..end];
        let closers = closers(kept);
        if kept.len() + closers.len() <= room {
            return Some(Cow::Owned(format!("{kept}{closers}{CUT_NOTE}")));
        }
        end = line_start_at_or_before(markdown, end.saturating_sub(1));
    }
}

/// The end of the last whole line within the first `max` bytes (0 when there is none).
fn line_start_at_or_before(text: &str, max: usize) -> usize {
    let max = max.min(text.len());
    text.as_bytes()[..max]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// What closes the code fence and the `<details>` blocks left open in `kept`.
fn closers(kept: &str) -> String {
    let fences = kept
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    let open_details = kept
        .matches("<details")
        .count()
        .saturating_sub(kept.matches("</details>").count());
    let mut out = String::new();
    if fences % 2 == 1 {
        out.push_str("```\n");
    }
    for _ in 0..open_details {
        out.push_str("</details>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scorecard_that_fits_is_kept_whole() {
        assert_eq!(fit("# a\n| x |\n", 100).as_deref(), Some("# a\n| x |\n"));
        assert_eq!(fit("", 0).as_deref(), Some(""));
    }

    #[test]
    fn a_long_scorecard_is_cut_at_a_line_with_a_note() {
        let md = "# Title\n".to_string() + &"| goal | on track |\n".repeat(100);
        let budget = CUT_NOTE.len() + 50;
        let cut = fit(&md, budget).expect("the note fits");
        assert!(cut.len() <= budget, "{} > {budget}", cut.len());
        assert!(cut.ends_with(CUT_NOTE));
        let kept = cut.strip_suffix(CUT_NOTE).expect("note last");
        assert_eq!(kept, "# Title\n| goal | on track |\n| goal | on track |\n");
        assert!(cut.contains("-o markdown:PATH"));
    }

    #[test]
    fn open_details_and_fences_are_closed() {
        let md =
            "<details><summary>Achieved</summary>\n\n```\nx\n".to_string() + &"y\n".repeat(200);
        let cut = fit(&md, CUT_NOTE.len() + 60).expect("fits");
        let kept = cut.strip_suffix(CUT_NOTE).expect("note last");
        assert!(kept.ends_with("```\n</details>\n"), "{kept}");
        assert!(kept.len() + CUT_NOTE.len() <= CUT_NOTE.len() + 60);
    }

    #[test]
    fn too_small_a_budget_writes_nothing_or_only_the_note() {
        let md = "a very long line without a break".repeat(10);
        assert_eq!(fit(&md, 10), None);
        assert_eq!(fit(&md, CUT_NOTE.len()).as_deref(), Some(CUT_NOTE));
    }

    #[test]
    fn the_real_limit_is_one_mebibyte() {
        let md = "| a row of a very long scorecard |\n".repeat(40_000);
        assert!(md.len() > LIMIT);
        let cut = fit(&md, LIMIT).expect("fits");
        assert!(
            cut.len() <= LIMIT && cut.len() > LIMIT - 100,
            "{}",
            cut.len()
        );
    }
}
