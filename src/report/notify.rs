//! Chat notifications: `-o slack:PATH` (a Slack Block Kit message) and `-o teams:PATH` (a
//! Microsoft Teams message with an Adaptive Card), listing the goals that slipped since
//! `--since`'s run and the goals that fail the check, grouped by `owner:`. goalpost only writes
//! the message; posting it (the Action's `slack-webhook`, `teams-webhook`) happens elsewhere, so
//! the binary stays offline.
//!
//! A message is rendered by minijinja from a built-in template (`templates/slack.json.j2`,
//! `templates/teams.json.j2`) or the user's (`--slack-template`, `--teams-template`), with JSON
//! auto-escaping (every `{{ }}` prints a JSON value), and the result is parsed and printed again
//! by serde_json: a message is valid JSON or `check` stops with exit 2. The template context is
//! a [`Message`], whose every string from a goal file or an export is neutralised for the chat
//! first ([`slack_text`], [`teams_text`]), so a title cannot mention a channel, add a link or
//! format the message.

use indexmap::IndexMap;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use super::document::{Document, GoalReport};
use super::format::band;
use super::since::GoalChange;
use crate::diag::one_line;
use crate::vocab::{Movement, Status};

/// The built-in Slack message.
pub const SLACK: &str = include_str!("../../templates/slack.json.j2");
/// The built-in Teams message.
pub const TEAMS: &str = include_str!("../../templates/teams.json.j2");

/// Goals a message lists at most; the rest are counted (`more`). Slack allows 50 blocks and
/// Teams about 28 KB per card.
pub const MAX_LISTED: usize = 25;

/// Instructions a template may execute before it is stopped.
const FUEL: u64 = 50_000_000;

/// The chat a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chat {
    /// Slack Block Kit.
    Slack,
    /// Microsoft Teams, an Adaptive Card.
    Teams,
}

impl Chat {
    /// The built-in template's name and text.
    fn builtin(self) -> (&'static str, &'static str) {
        match self {
            Chat::Slack => ("slack.json.j2", SLACK),
            Chat::Teams => ("teams.json.j2", TEAMS),
        }
    }

    /// `text` neutralised for this chat.
    fn clean(self, text: &str) -> String {
        match self {
            Chat::Slack => slack_text(text),
            Chat::Teams => teams_text(text),
        }
    }
}

/// The template context of a message.
#[derive(Debug, Clone, Serialize)]
pub struct Message {
    /// The scorecard's title.
    pub title: String,
    /// The date the goals were judged on.
    pub as_of: String,
    /// The earlier run's as-of date (`--since`); `null` without.
    pub since: Option<String>,
    /// The goal file.
    pub file: String,
    /// Goals that slipped since the earlier run.
    pub slipped: usize,
    /// Goals that fail the check.
    pub failing: usize,
    /// Goals that recovered since the earlier run.
    pub recovered: usize,
    /// Whether any goal moved since the earlier run (slipped, recovered, changed, came, went).
    pub changed: bool,
    /// The counts in words: `2 slipped, 3 failing`, or `nothing slipped or failing`.
    pub headline: String,
    /// All goals judged.
    pub goals: usize,
    /// The listed goals (slipped or failing) by owner, in the order owners first appear.
    pub owners: Vec<OwnerGroup>,
    /// Slipped or failing goals beyond [`MAX_LISTED`], not listed.
    pub more: usize,
}

/// The listed goals of one owner.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerGroup {
    /// The owner (`@growth`), or `no owner`.
    pub owner: String,
    /// Its goals, slipped first, then worst first.
    pub goals: Vec<Line>,
}

/// One listed goal.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// Goal id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Status name (`at_risk`).
    pub status: Status,
    /// Status in words.
    pub status_label: String,
    /// Status as an emoji.
    pub status_icon: String,
    /// Whether it slipped since the earlier run.
    pub slipped: bool,
    /// Whether it fails the check.
    pub failing: bool,
    /// The earlier status in words, when it slipped.
    pub previous_status: Option<String>,
    /// The numbers in a sentence: `roas 2.5×, target ≥ 4×, slipped from at risk`.
    pub text: String,
}

/// The context of a message for `chat` about `doc`.
#[must_use]
pub fn message(doc: &Document, chat: Chat) -> Message {
    let changes = doc.changes.as_ref();
    let change_of = |g: &GoalReport| -> Option<&GoalChange> {
        changes.and_then(|c| c.goals.iter().find(|m| m.id == g.id))
    };
    let count = |m: Movement| changes.map_or(0, |c| c.counts.get(&m).copied().unwrap_or(0));
    let mut listed: Vec<(&GoalReport, Option<&GoalChange>)> = doc
        .goals
        .iter()
        .map(|g| (g, change_of(g).filter(|m| m.movement == Movement::Slipped)))
        .filter(|(g, slipped)| g.failing || slipped.is_some())
        .collect();
    listed.sort_by_key(|(g, slipped)| (slipped.is_none(), g.status.rank()));
    let more = listed.len().saturating_sub(MAX_LISTED);
    listed.truncate(MAX_LISTED);
    let mut owners: IndexMap<String, Vec<Line>> = IndexMap::new();
    for (g, slipped) in listed {
        let owner = g.owner.as_deref().unwrap_or("no owner");
        owners
            .entry(chat.clean(owner))
            .or_default()
            .push(line(g, slipped, chat));
    }
    let (slipped, failing) = (count(Movement::Slipped), doc.summary.failing);
    let mut headline: Vec<String> = Vec::new();
    if slipped > 0 {
        headline.push(format!("{slipped} slipped"));
    }
    if failing > 0 {
        headline.push(format!("{failing} failing"));
    }
    if headline.is_empty() {
        headline.push("nothing slipped or failing".into());
    }
    Message {
        headline: headline.join(", "),
        title: chat.clean(&doc.title),
        as_of: doc.as_of.clone(),
        since: changes.map(|c| chat.clean(&c.since)),
        file: chat.clean(&doc.file),
        slipped,
        failing,
        recovered: count(Movement::Recovered),
        changed: changes.is_some_and(super::since::Changes::any),
        goals: doc.summary.goals,
        owners: owners
            .into_iter()
            .map(|(owner, goals)| OwnerGroup { owner, goals })
            .collect(),
        more,
    }
}

fn line(g: &GoalReport, slipped: Option<&GoalChange>, chat: Chat) -> Line {
    let previous = slipped
        .and_then(|m| m.previous.as_ref())
        .map(|p| p.status.label().to_string());
    let mut parts = Vec::new();
    if let Some(members) = &g.members {
        parts.push(format!("all of {}", members.join(", ")));
    } else if let Some(m) = &g.metric {
        parts.push(format!("{} {}", m.id, m.show(g.actual)));
        if let Some(t) = g
            .target
            .as_ref()
            .and_then(|t| band(t.low, t.high, |v| m.show(v)))
        {
            parts.push(format!("target {t}"));
        }
    }
    parts.push(match &previous {
        Some(p) => format!("slipped from {p}"),
        None => g.status.label().to_string(),
    });
    Line {
        id: chat.clean(&g.id),
        title: chat.clean(&g.title),
        status: g.status,
        status_label: g.status.label().to_string(),
        status_icon: g.status.icon().to_string(),
        slipped: slipped.is_some(),
        failing: g.failing,
        previous_status: previous,
        text: chat.clean(&parts.join(", ")),
    }
}

/// Renders the message for `chat` with `template` (`(name, text)`) or the built-in one, as
/// pretty-printed JSON.
///
/// # Errors
/// The template failed, or did not render valid JSON (the message says where).
pub fn render(
    doc: &Document,
    chat: Chat,
    template: Option<(&str, &str)>,
) -> Result<String, super::markdown::TemplateError> {
    let (name, source) = template.unwrap_or(chat.builtin());
    let fail = |line: Option<usize>, message: String| super::markdown::TemplateError {
        file: name.to_string(),
        line,
        message,
    };
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|_| AutoEscape::Json);
    env.add_filter("clip", clip);
    let context = message(doc, chat);
    let rendered = env
        .template_from_named_str(name, source)
        .and_then(|t| t.render(Value::from(Serde(&context))))
        .map_err(|e| {
            let detail = e
                .detail()
                .map_or_else(|| e.kind().to_string(), |d| format!("{}: {d}", e.kind()));
            fail(e.line(), detail)
        })?;
    let value: serde_json::Value = serde_json::from_str(&rendered).map_err(|e| {
        fail(
            None,
            format!(
                "the message is not valid JSON (line {}, column {} of the rendered output): {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    let mut out = serde_json::to_string_pretty(&value).map_err(|e| fail(None, e.to_string()))?;
    out.push('\n');
    Ok(out)
}

/// `text` cut to at most `n` characters, ending with `…` when cut (Slack refuses a header
/// longer than 150 characters and a section longer than 3,000).
fn clip(text: String, n: usize) -> String {
    if text.chars().count() <= n {
        return text;
    }
    let mut out: String = text.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An invisible character that keeps what is around it from being read as one token.
const WORD_JOINER: char = '\u{2060}';
/// An invisible character that ends a formatting marker's run (Slack has no backslash escape).
const ZERO_WIDTH_SPACE: char = '\u{200B}';

/// Text from a goal file or an export, safe in any Slack text object: `&`, `<`, `>` become the
/// entities Slack decodes (so `<!channel>`, `<@U123>` and `<http://x|y>` are text), `@here` and
/// `@channel` cannot mention (a word joiner after `@`), a bare URL is not linked (a word joiner
/// after `://` and `www`), and the mrkdwn markers `*`, `_`, `~` and `` ` `` (and `[`, `]`, so
/// no Markdown link forms where a Slack surface reads Markdown) are followed by a zero-width
/// space, so no run of them formats (an underscore inside a word formats nothing and stays). Control characters are dropped, line breaks
/// become spaces.
#[must_use]
pub fn slack_text(text: &str) -> String {
    neutralise(text, |c, out| match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '*' | '_' | '~' | '`' | '[' | ']' => {
            out.push(c);
            out.push(ZERO_WIDTH_SPACE);
        }
        c => out.push(c),
    })
}

/// Text from a goal file or an export, safe in a Teams card: `<` is followed by a word joiner
/// (so `<at>` is no mention tag), `@` too, a bare URL is not linked, and the markdown markers
/// `*`, `_`, `~`, `` ` ``, `[`, `]` and `#` are followed by a zero-width space, so no emphasis
/// or `[text](url)` link forms. Control characters are dropped, line breaks become spaces.
#[must_use]
pub fn teams_text(text: &str) -> String {
    neutralise(text, |c, out| match c {
        '<' => {
            out.push(c);
            out.push(WORD_JOINER);
        }
        '*' | '_' | '~' | '`' | '[' | ']' | '#' => {
            out.push(c);
            out.push(ZERO_WIDTH_SPACE);
        }
        c => out.push(c),
    })
}

/// What both chats need: one line, no control characters, `@` and links broken; `each` writes
/// every other character.
fn neutralise(text: &str, each: impl Fn(char, &mut String)) -> String {
    let text = one_line(text).replace(['\n', '\r', '\t'], " ");
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.char_indices() {
        match c {
            c if c.is_control() => {}
            '@' => {
                out.push('@');
                out.push(WORD_JOINER);
            }
            ':' if text[i + 1..].starts_with("//") => {
                out.push(':');
                out.push(WORD_JOINER);
            }
            '.' if i >= 3
                && text.is_char_boundary(i - 3)
                && text[i - 3..i].eq_ignore_ascii_case("www") =>
            {
                out.push(WORD_JOINER);
                out.push('.');
            }
            // An underscore inside a word (`avg_response_time`) formats nothing in either chat.
            '_' if inside_word(&text, i) => out.push('_'),
            c => each(c, &mut out),
        }
    }
    out
}

/// Whether the character at byte `i` has a letter or digit on both sides.
fn inside_word(text: &str, i: usize) -> bool {
    let before = text[..i].chars().next_back();
    let after = text[i..].chars().nth(1);
    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_cannot_mention_link_or_format() {
        let t = slack_text("<!channel> @here <@U123> <http://x|y> *b* _i_ ~s~ `c` a&b");
        assert!(!t.contains('<') && !t.contains('>'), "{t}");
        assert!(!t.contains("@here") && !t.contains("http://"), "{t}");
        assert!(
            !t.contains("*b*") && !t.contains("_i_") && !t.contains("`c`"),
            "{t}"
        );
        assert!(t.contains("a&amp;b"), "{t}");
        assert_eq!(slack_text("line\nbreak"), "line\\nbreak");
        assert_eq!(slack_text("avg_response_time"), "avg_response_time");
        assert_eq!(teams_text("a _b_"), "a _\u{200B}b_\u{200B}");
    }

    #[test]
    fn teams_text_cannot_mention_link_or_format() {
        let t = teams_text("<at>Team</at> [x](https://evil.example) **b** www.x.io");
        assert!(
            !t.contains("<at>") && !t.contains("](") && !t.contains("**"),
            "{t}"
        );
        assert!(!t.contains("https://") && !t.contains("www."), "{t}");
    }

    #[test]
    fn clip_cuts_at_characters() {
        assert_eq!(clip("héllo".into(), 3), "hé…");
        assert_eq!(clip("hé".into(), 3), "hé");
    }
}
