//! Presets for common platform exports (KPI_CATALOG.md §5): the header → metric mapping, the
//! date column and format, description rows, total rows, the platform and whether rows hold
//! lifetime totals. Column names drift, so a preset maps a subset and never requires a column.
//! docs/presets.md describes every preset; keep the two in step.

use crate::spec::model::Totals;

/// One header of an export mapped to a metric. When several headers of a preset map to the same
/// metric, they are alternatives for a header that drifts between export versions (`Reposts
/// (total)` / `Shares (total)`): the first one listed that a file has is read, the others are not.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header as the export writes it (compared after `normalize`).
    pub header: &'static str,
    /// Built-in metric id.
    pub metric: &'static str,
    /// Factor applied to every value of the column (`Watch time (hours)` → seconds: 3600).
    pub scale: f64,
    /// Whether the column adds to the metric's other columns instead of being an alternative
    /// header for it (X's `New follows` and `Unfollows`, −1, make follower growth).
    pub adds: bool,
}

/// `header` → `metric`, values as written.
const fn col(header: &'static str, metric: &'static str) -> Column {
    Column {
        header,
        metric,
        scale: 1.0,
        adds: false,
    }
}

/// `header` → `metric`, every value multiplied by `scale`.
const fn scaled(header: &'static str, metric: &'static str, scale: f64) -> Column {
    Column {
        header,
        metric,
        scale,
        adds: false,
    }
}

/// `header` → `metric` times `scale`, added to the metric's other columns.
const fn added(header: &'static str, metric: &'static str, scale: f64) -> Column {
    Column {
        header,
        metric,
        scale,
        adds: true,
    }
}

/// One preset.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Preset id, as written in `preset:`.
    pub id: &'static str,
    /// What export it reads.
    pub description: &'static str,
    /// Header → metric id.
    pub columns: &'static [Column],
    /// Headers that would map to a metric by themselves (their name is a metric id) but mean
    /// something else in this export, or hold a per-row ratio that must not be added up: they
    /// stay dimensions unless `columns:` maps them.
    pub ignore: &'static [&'static str],
    /// Date headers to try, in order (before the default `date`).
    pub date_columns: &'static [&'static str],
    /// strftime format of the date column, when not ISO.
    pub date_format: Option<&'static str>,
    /// Lines before the header (after a `sep=` line).
    pub skip_rows: u32,
    /// First-cell labels of total rows (beyond the built-in `Total`, `Grand total`, …).
    pub skip_rows_matching: &'static [&'static str],
    /// The platform of every row, when the source gives neither `platform` nor `platform_column`.
    pub platform: Option<&'static str>,
    /// Daily activity or lifetime totals per post, when the source does not say.
    pub totals: Totals,
    /// A value column whose metric the file's title record names (Meta's daily series).
    pub titled: Option<Titled>,
    /// For year-less dates with `year:`: the column holding the export day (year-less too),
    /// which each date is the latest such day on or before (TikTok's `Content.csv`: `Time`).
    pub yearless_anchor: Option<&'static str>,
}

/// A value column named by the title record before the header (`Facebook reach`, then
/// `Date,Primary`): which column, and title → metric.
#[derive(Debug, Clone, Copy)]
pub struct Titled {
    /// The value column's header.
    pub column: &'static str,
    /// Title → metric id: a title matches when it is the text or ends with ` ` + the text
    /// (`Instagram reach`), compared case-insensitively; the first match wins.
    pub titles: &'static [(&'static str, &'static str)],
}

/// The metric a title names, per [`Titled::titles`].
pub fn title_metric(titled: Titled, title: &str) -> Option<&'static str> {
    let t = title.trim().to_lowercase();
    titled
        .titles
        .iter()
        .find(|(name, _)| t == *name || t.ends_with(&format!(" {name}")))
        .map(|(_, m)| *m)
}

/// Meta Business Suite's daily series titles (Insights "Results" exports), old and new names.
const META_DAILY_TITLES: &[(&str, &str)] = &[
    ("views", "impressions"),
    ("impressions", "impressions"),
    ("reach", "reach"),
    ("viewers", "reach"),
    ("follows", "follower_growth"),
    ("new follows", "follower_growth"),
    ("content interactions", "engagements"),
    ("interactions", "engagements"),
    ("link clicks", "link_clicks"),
    ("profile visits", "profile_views"),
    ("visits", "profile_views"),
];

/// Meta Ads Manager writes the currency into the spend header (`Amount spent (EUR)`), so each
/// common currency is an alternative header for `spend`.
const META_ADS_COLUMNS: &[Column] = &[
    col("Amount spent (EUR)", "spend"),
    col("Amount spent (USD)", "spend"),
    col("Amount spent (GBP)", "spend"),
    col("Amount spent (CHF)", "spend"),
    col("Amount spent (SEK)", "spend"),
    col("Amount spent (DKK)", "spend"),
    col("Amount spent (NOK)", "spend"),
    col("Amount spent (PLN)", "spend"),
    col("Amount spent (CAD)", "spend"),
    col("Amount spent (AUD)", "spend"),
    col("Amount spent (NZD)", "spend"),
    col("Amount spent (HKD)", "spend"),
    col("Amount spent (SGD)", "spend"),
    col("Amount spent (JPY)", "spend"),
    col("Amount spent (INR)", "spend"),
    col("Amount spent (BRL)", "spend"),
    col("Amount spent (MXN)", "spend"),
    col("Amount spent (PEN)", "spend"),
    col("Amount spent (ZAR)", "spend"),
    col("Amount spent (CZK)", "spend"),
    col("Amount spent (HUF)", "spend"),
    col("Amount spent (TRY)", "spend"),
    // Exports with a `Currency` column write the header without one.
    col("Amount spent", "spend"),
    col("Reach", "paid_reach"),
    col("Impressions", "impressions"),
    col("Post engagements", "engagements"),
    col("Post engagement", "engagements"),
    col("Link clicks", "link_clicks"),
    col("Clicks (all)", "clicks"),
    col("Purchases", "orders"),
    col("Purchases conversion value", "revenue"),
];

/// Every preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "meta-posts",
        description: "Meta Business Suite, Facebook posts (one row per post, lifetime totals)",
        columns: &[
            col("Views", "impressions"),
            col("Impressions", "impressions"),
            col("Reach", "reach"),
            col("Reactions, Comments and Shares", "engagements"),
            col("Reactions", "likes"),
            col("Comments", "comments"),
            col("Shares", "shares"),
            col("Total clicks", "clicks"),
        ],
        ignore: &[],
        date_columns: &["Publish time"],
        date_format: Some("%m/%d/%Y %H:%M"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("facebook"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "instagram-posts",
        description: "Meta Business Suite, Instagram posts (one row per post, lifetime totals)",
        columns: &[
            col("Views", "impressions"),
            col("Impressions", "impressions"),
            col("Reach", "reach"),
            col("Likes", "likes"),
            col("Comments", "comments"),
            col("Shares", "shares"),
            col("Saves", "saves"),
            col("Profile visits", "profile_views"),
        ],
        ignore: &[],
        date_columns: &["Publish time"],
        date_format: Some("%m/%d/%Y %H:%M"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("instagram"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "meta-videos",
        description: "Meta Business Suite, Facebook videos (one row per video, lifetime totals)",
        columns: &[
            col("Reach", "reach"),
            col("3-second video views", "video_views"),
            col("Reactions, comments and shares", "engagements"),
            col("Reactions", "likes"),
            col("Comments", "comments"),
            col("Shares", "shares"),
            col("Seconds viewed", "watch_time"),
        ],
        ignore: &[],
        date_columns: &["Publish time"],
        date_format: Some("%m/%d/%Y %H:%M"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("facebook"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "meta-daily",
        description: "Meta Business Suite, one daily account series (UTF-16, `sep=,`, metric-name line, `Date`,`Primary`)",
        columns: &[],
        ignore: &[],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 1,
        skip_rows_matching: &[],
        platform: None,
        totals: Totals::Daily,
        titled: Some(Titled {
            column: "Primary",
            titles: META_DAILY_TITLES,
        }),
        yearless_anchor: None,
    },
    Preset {
        id: "meta-ads",
        description: "Meta Ads Manager, one row per ad per reporting period",
        columns: META_ADS_COLUMNS,
        ignore: &["Frequency"],
        date_columns: &["Reporting starts"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("facebook"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "linkedin-content",
        description: "LinkedIn Page analytics, content metrics (description row, then daily rows)",
        columns: &[
            col("Impressions (total)", "impressions"),
            col("Unique impressions (organic)", "organic_reach"),
            col("Clicks (total)", "clicks"),
            col("Reactions (total)", "likes"),
            col("Comments (total)", "comments"),
            col("Reposts (total)", "shares"),
            col("Shares (total)", "shares"),
        ],
        ignore: &[],
        date_columns: &["Date"],
        date_format: Some("%m/%d/%Y"),
        skip_rows: 1,
        skip_rows_matching: &[],
        platform: Some("linkedin"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "linkedin-followers",
        description: "LinkedIn Page analytics, new followers per day",
        columns: &[col("Total followers", "follower_growth")],
        ignore: &[],
        date_columns: &["Date"],
        date_format: Some("%m/%d/%Y"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("linkedin"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "x-content",
        description: "X (Twitter) content export, one row per post (lifetime totals)",
        columns: &[
            col("Impressions", "impressions"),
            col("Likes", "likes"),
            col("favorites", "likes"),
            col("Engagements", "engagements"),
            col("Bookmarks", "saves"),
            col("Reposts", "shares"),
            col("Retweets", "shares"),
            col("Replies", "comments"),
            col("Profile visits", "profile_views"),
            col("User profile clicks", "profile_views"),
            col("URL Clicks", "link_clicks"),
        ],
        ignore: &["Shares", "Engagement rate"],
        date_columns: &["Date", "time"],
        date_format: Some("%a, %b %d, %Y"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("x"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "tiktok-overview",
        description: "TikTok Studio, Overview.csv (daily account activity)",
        columns: &[
            col("Video Views", "video_views"),
            col("Profile Views", "profile_views"),
            col("Likes", "likes"),
            col("Comments", "comments"),
            col("Shares", "shares"),
            col("Reached audience", "reach"),
            col("Net growth", "follower_growth"),
        ],
        ignore: &[],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("tiktok"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "tiktok-followers",
        description: "TikTok Studio, FollowerHistory.csv (followers per day)",
        columns: &[
            col("Followers", "followers"),
            col(
                "Difference in followers from previous day",
                "follower_growth",
            ),
        ],
        ignore: &[],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("tiktok"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "youtube-table",
        description: "YouTube Studio, Table data.csv (one row per video, lifetime totals)",
        columns: &[
            col("Views", "video_views"),
            scaled("Watch time (hours)", "watch_time", 3600.0),
            col("Subscribers", "follower_growth"),
            col("Impressions", "impressions"),
            col("Likes", "likes"),
            col("Comments", "comments"),
            col("Shares", "shares"),
        ],
        ignore: &[],
        date_columns: &["Video publish time"],
        date_format: Some("%b %d, %Y"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("youtube"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "x-account",
        description: "X (Twitter) account overview analytics (daily, account level)",
        columns: &[
            col("Impressions", "impressions"),
            col("Likes", "likes"),
            col("Engagements", "engagements"),
            col("Bookmarks", "saves"),
            col("Reposts", "shares"),
            col("Replies", "comments"),
            col("Profile visits", "profile_views"),
            col("Video views", "video_views"),
            added("New follows", "follower_growth", 1.0),
            added("Unfollows", "follower_growth", -1.0),
        ],
        ignore: &["Shares", "Engagement rate"],
        date_columns: &["Date"],
        date_format: Some("%a, %b %d, %Y"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("x"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "tiktok-viewers",
        description: "TikTok Studio, Viewers.csv (viewers per day)",
        columns: &[col("Total Viewers", "reach")],
        ignore: &[],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("tiktok"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "tiktok-content",
        description: "TikTok Studio, Content.csv (one row per video, lifetime totals)",
        columns: &[
            col("Video views", "video_views"),
            col("Total views", "video_views"),
            col("Likes", "likes"),
            col("Total likes", "likes"),
            col("Comments", "comments"),
            col("Total comments", "comments"),
            col("Shares", "shares"),
            col("Total shares", "shares"),
            col("Add to Favorites", "saves"),
        ],
        ignore: &[],
        date_columns: &["Post time"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("tiktok"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: Some("Time"),
    },
    Preset {
        id: "youtube-totals",
        description: "YouTube Studio, Totals.csv (channel views per day)",
        columns: &[
            col("Views", "video_views"),
            scaled("Watch time (hours)", "watch_time", 3600.0),
            col("Subscribers", "follower_growth"),
        ],
        ignore: &[],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("youtube"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "youtube-chart",
        description: "YouTube Studio, Chart data.csv (one row per charted video per day)",
        columns: &[
            col("Views", "video_views"),
            scaled("Watch time (hours)", "watch_time", 3600.0),
            col("Subscribers", "follower_growth"),
        ],
        ignore: &[],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("youtube"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "facebook-insights-legacy",
        description: "Legacy Facebook Insights post export (≤ 2020: header, description row, one row per post)",
        columns: &[
            col("Lifetime Post Total Impressions", "impressions"),
            col("Lifetime Post Total Reach", "reach"),
            col("Lifetime Post organic reach", "organic_reach"),
            col("Lifetime Post Paid Reach", "paid_reach"),
            col("Lifetime Engaged Users", "engagements"),
        ],
        ignore: &[],
        date_columns: &["Posted"],
        date_format: Some("%m/%d/%Y %H:%M"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("facebook"),
        totals: Totals::Lifetime,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "ga4",
        description: "Google Analytics 4, exploration or report export (daily, per channel group)",
        columns: &[
            col("Sessions", "sessions"),
            col("Engaged sessions", "engaged_sessions"),
            col("Key events", "conversions"),
            col("Conversions", "conversions"),
            col("Total revenue", "revenue"),
        ],
        ignore: &["Engagement rate"],
        date_columns: &["Date"],
        date_format: None,
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: Some("website"),
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
    Preset {
        id: "sprout-profile",
        description: "Sprout Social profile performance report (daily)",
        columns: &[
            col("Followers", "followers"),
            // Sprout's newer reports say "audience" for followers.
            col("Audience", "followers"),
            col("Net Follower Growth", "follower_growth"),
            col("Net Audience Growth", "follower_growth"),
            col("Impressions", "impressions"),
            col("Engagements", "engagements"),
            col("Comments", "comments"),
            col("Shares", "shares"),
            col("Post Link Clicks", "link_clicks"),
            col("Video Views", "video_views"),
        ],
        ignore: &[],
        date_columns: &["Date"],
        date_format: Some("%m-%d-%Y"),
        skip_rows: 0,
        skip_rows_matching: &[],
        platform: None,
        totals: Totals::Daily,
        titled: None,
        yearless_anchor: None,
    },
];

/// The preset with this id.
pub fn get(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// Every preset id.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{BUILTIN_METRICS, BUILTIN_PLATFORMS};
    use crate::data::cells::{DateFormat, parse_date};
    use crate::data::normalize;
    use jiff::tz::TimeZone;

    #[test]
    fn preset_ids_are_unique() {
        let mut ids = names();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate preset ids");
    }

    #[test]
    fn every_mapped_metric_is_built_in() {
        for p in PRESETS {
            for c in p.columns {
                assert!(
                    BUILTIN_METRICS.iter().any(|m| m.id == c.metric),
                    "{}: `{}` maps to unknown metric `{}`",
                    p.id,
                    c.header,
                    c.metric
                );
                assert!(
                    // Only a column that adds to others may subtract (`Unfollows`, −1).
                    c.scale.is_finite() && (c.scale > 0.0 || (c.adds && c.scale < 0.0)),
                    "{}: {}",
                    p.id,
                    c.header
                );
            }
        }
    }

    #[test]
    fn platforms_are_built_in() {
        for p in PRESETS {
            if let Some(platform) = p.platform {
                assert!(BUILTIN_PLATFORMS.contains(&platform), "{}", p.id);
            }
        }
    }

    #[test]
    fn no_header_is_both_mapped_and_ignored_or_mapped_twice() {
        for p in PRESETS {
            let mut seen: Vec<String> = Vec::new();
            for h in p
                .columns
                .iter()
                .map(|c| c.header)
                .chain(p.ignore.iter().copied())
            {
                let n = normalize(h);
                assert!(!seen.contains(&n), "{}: `{h}` twice", p.id);
                seen.push(n);
            }
        }
    }

    #[test]
    fn ignored_headers_would_otherwise_match_a_metric() {
        for p in PRESETS {
            for h in p.ignore {
                assert!(
                    BUILTIN_METRICS.iter().any(|m| m.id == normalize(h)),
                    "{}: ignoring `{h}` changes nothing",
                    p.id
                );
            }
        }
    }

    fn day(text: &str, preset: &str) -> String {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let format = DateFormat {
            strftime: get(preset).unwrap().date_format.map(str::to_string),
            source_tz: tz.clone(),
            file_tz: tz,
        };
        parse_date(text, &format)
            .unwrap_or_else(|e| panic!("{preset}: {text:?}: {}", e.message))
            .to_string()
    }

    #[test]
    fn date_formats_read_the_dates_exports_write() {
        assert_eq!(day("09/28/2026 18:12", "meta-posts"), "2026-09-28");
        assert_eq!(day("01/02/2027 07:05", "instagram-posts"), "2027-01-02");
        assert_eq!(day("2025-08-01T00:00:00", "meta-daily"), "2025-08-01");
        assert_eq!(day("2026-11-01", "meta-ads"), "2026-11-01");
        assert_eq!(day("11/03/2026", "linkedin-content"), "2026-11-03");
        assert_eq!(day("11/03/2026", "linkedin-followers"), "2026-11-03");
        assert_eq!(day("Tue, Mar 10, 2026", "x-content"), "2026-03-10");
        assert_eq!(day("Sun, Nov 1, 2026", "x-content"), "2026-11-01");
        assert_eq!(day("2026-09-25", "tiktok-overview"), "2026-09-25");
        assert_eq!(day("Jan 6, 2024", "youtube-table"), "2024-01-06");
        assert_eq!(day("Nov 15, 2026", "youtube-table"), "2026-11-15");
        assert_eq!(day("20260501", "ga4"), "2026-05-01");
        assert_eq!(day("11-03-2026", "sprout-profile"), "2026-11-03");
    }

    #[test]
    fn a_weekday_that_does_not_match_the_date_is_an_error() {
        let tz = TimeZone::UTC;
        let format = DateFormat {
            strftime: get("x-content").unwrap().date_format.map(str::to_string),
            source_tz: tz.clone(),
            file_tz: tz,
        };
        assert!(parse_date("Mon, Mar 10, 2026", &format).is_err());
    }

    #[test]
    fn docs_describe_every_preset() {
        let doc = include_str!("../../docs/presets.md");
        for p in PRESETS {
            assert!(
                doc.contains(&format!("\n## `{}`\n", p.id)),
                "docs/presets.md has no section for `{}`",
                p.id
            );
        }
        for line in doc.lines().filter(|l| l.starts_with("## `")) {
            let id = line.trim_start_matches("## `").trim_end_matches('`');
            assert!(
                get(id).is_some(),
                "docs/presets.md describes unknown preset `{id}`"
            );
        }
    }
}
