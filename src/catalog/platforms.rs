//! Built-in platform ids (KPI_CATALOG.md §4).

/// Platform ids every goal file knows without declaring them.
pub const BUILTIN_PLATFORMS: &[&str] = &[
    "facebook",
    "instagram",
    "linkedin",
    "x",
    "tiktok",
    "youtube",
    "pinterest",
    "threads",
    "snapchat",
    "reddit",
    "bluesky",
    "mastodon",
    "whatsapp",
    "google_business",
    "website",
];

/// Maps an alias to its canonical platform id (`twitter` → `x`); other ids map to themselves.
pub fn canonical_platform(id: &str) -> &str {
    match id {
        "twitter" => "x",
        other => other,
    }
}
