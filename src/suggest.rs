//! "Did you mean" suggestions for misspelt keys and ids.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&word, &c.to_ascii_lowercase()),
                *c,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The candidates closest to `word`, best first, at most `n`.
pub fn nearest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let word = word.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// `` `a`, `b`, `c` `` — escaped, so that a tab shows as `\t` rather than as white space.
pub fn quote_list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|i| format!("`{}`", i.as_ref().escape_debug()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A help line naming the candidates closest to `word` (`found` receives them quoted), or
/// `none` when nothing is close enough to suggest.
pub fn nearest_help<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    found: impl FnOnce(&str) -> String,
    none: &str,
) -> String {
    let near = nearest(word, candidates, 3);
    if near.is_empty() {
        none.to_string()
    } else {
        found(&quote_list(&near))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["at_least", "at_most", "increase", "decrease", "between"];
        assert_eq!(did_you_mean("at_leest", &keys), Some("at_least"));
        assert_eq!(did_you_mean("incraese", &keys), Some("increase"));
        assert_eq!(did_you_mean("zzz", &keys), None);
        assert_eq!(
            nearest(
                "engagment_rate",
                ["reach", "engagement_rate", "engagements"],
                2
            )[0],
            "engagement_rate"
        );
    }
}
