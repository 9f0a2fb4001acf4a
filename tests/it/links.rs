//! The user documentation stands alone and its links work: in README.md, docs/**/*.md and every
//! other Markdown file of the repository outside `target/`, `tests/` and hidden directories
//! (examples/**/*.md), every inline link `[text](dest)` and reference definition `[label]: dest`
//! outside code spans and fenced code blocks must
//!
//! - stay inside the repository (no `../shared/SPEC.md`),
//! - name a file or directory that exists,
//! - with a `#anchor`, into a Markdown file, name one of its headings (GitHub's slugs: lowercase,
//!   punctuation but `-` and `_` dropped, each space a `-`, repeated headings `-1`, `-2`, …) or
//!   an `<a id>`/`<a name>` of it.
//!
//! http(s) and mailto links are not followed. Nor may any of the files mention `../shared/`,
//! even in code: it lies outside the repository, where a reader of the documentation has
//! nothing. Every problem is reported, as `file:line`. The `checker` tests try the parsing and
//! the slugs on inline texts.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::support::read;

/// A link found in a Markdown text.
#[derive(Debug, PartialEq)]
struct Link {
    /// 1-based line of its `[`.
    line: usize,
    /// The destination, as written (without `<>`, with backslash escapes resolved).
    dest: String,
}

/// The repository's root (the crate is the whole repository).
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The documentation files under `root`, relative to it, sorted.
fn documents(root: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                let skipped = name.starts_with('.')
                    || rel == Path::new("target")
                    || rel == Path::new("tests");
                if !skipped {
                    walk(root, &path, out);
                }
            } else if name.ends_with(".md") {
                out.push(rel);
            }
        }
    }
    let mut docs = Vec::new();
    walk(root, root, &mut docs);
    docs.sort();
    docs
}

/// `text` with every line of a fenced code block (its fences too, at any indentation, as in a
/// list item) made empty; the line count stays the same.
fn without_fences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The fence's character and length while inside a block.
    let mut fence: Option<(char, usize)> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let trimmed = &body[indent..];
        let run = |c: char| trimmed.len() - trimmed.trim_start_matches(c).len();
        let opening = ['`', '~']
            .into_iter()
            .map(|c| (c, run(c)))
            .find(|&(_, n)| n >= 3);
        let closes = |(c, n): (char, usize)| {
            opening.is_some_and(|(c2, n2)| c == c2 && n2 >= n && trimmed[n2..].trim().is_empty())
        };
        // A backtick fence's info string cannot hold a backtick.
        let opens = |(c, n): (char, usize)| c == '~' || !trimmed[n..].contains('`');
        let is_fence_line = match fence {
            Some(open) => closes(open),
            None => opening.is_some_and(opens),
        };
        if is_fence_line {
            fence = if fence.is_some() { None } else { opening };
            out.push('\n');
            continue;
        }
        if fence.is_some() {
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `text` (already without fences) with every code span replaced by spaces (line breaks kept),
/// so nothing inside one is taken for a link. A span does not cross a blank line.
fn without_code_spans(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '`' => {
                let n = chars[i..].iter().take_while(|&&c| c == '`').count();
                match closing_run(&chars, i + n, n) {
                    Some(end) => {
                        for c in &mut out[i..end] {
                            if *c != '\n' {
                                *c = ' ';
                            }
                        }
                        i = end;
                    }
                    None => i += n,
                }
            }
            _ => i += 1,
        }
    }
    out.into_iter().collect()
}

/// Where a run of exactly `n` backticks from `from` on ends (its end index), before a blank line.
fn closing_run(chars: &[char], from: usize, n: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '\n' {
            let rest = chars[j + 1..]
                .iter()
                .take_while(|&&c| c == ' ' || c == '\t');
            let k = j + 1 + rest.count();
            if k >= chars.len() || chars[k] == '\n' {
                return None;
            }
        }
        if chars[j] == '`' {
            let m = chars[j..].iter().take_while(|&&c| c == '`').count();
            if m == n {
                return Some(j + m);
            }
            j += m;
        } else {
            j += 1;
        }
    }
    None
}

/// The inline links and reference definitions of a Markdown text, outside code, in order.
fn links(text: &str) -> Vec<Link> {
    let text = without_code_spans(&without_fences(text));
    let chars: Vec<char> = text.chars().collect();
    let mut line = 1;
    let mut line_start = true;
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
            i += 2;
            line_start = false;
            continue;
        }
        let close = (c == '[').then(|| matching_bracket(&chars, i)).flatten();
        if let Some(close) = close {
            let dest = match chars.get(close + 1) {
                Some('(') => inline_destination(&chars, close + 2),
                Some(':') if line_start => definition_destination(&chars, close + 2),
                _ => None,
            };
            if let Some(dest) = dest {
                found.push(Link { line, dest });
            }
        }
        if c == '\n' {
            line += 1;
            line_start = true;
        } else if !(line_start && c == ' ') {
            line_start = false;
        }
        i += 1;
    }
    found
}

/// The `]` that closes the `[` at `open` (brackets nest; escaped ones do not count).
fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            '\n' if chars.get(i + 1) == Some(&'\n') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// The destination of an inline link whose `(` is just before `from`: `<…>`, or up to white
/// space or the `)` that balances the parentheses; `None` when the link is not closed.
fn inline_destination(chars: &[char], from: usize) -> Option<String> {
    let mut i = from;
    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\n') {
        i += 1;
    }
    let mut dest = String::new();
    if chars.get(i) == Some(&'<') {
        i += 1;
        while let Some(&c) = chars.get(i) {
            match c {
                '>' => return Some(dest),
                '\n' => return None,
                '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                    dest.push(chars[i + 1]);
                    i += 1;
                }
                _ => dest.push(c),
            }
            i += 1;
        }
        return None;
    }
    let mut depth = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                dest.push(chars[i + 1]);
                i += 1;
            }
            '(' => {
                depth += 1;
                dest.push(c);
            }
            ')' if depth == 0 => return Some(dest),
            ')' => {
                depth -= 1;
                dest.push(c);
            }
            // A title may follow; the destination ends here either way.
            c if c.is_whitespace() => return Some(dest),
            _ => dest.push(c),
        }
        i += 1;
    }
    None
}

/// The destination of a reference definition `[label]: dest` after its `:`.
fn definition_destination(chars: &[char], from: usize) -> Option<String> {
    let rest: String = chars[from..].iter().take_while(|&&c| c != '\n').collect();
    let dest = rest.split_whitespace().next()?;
    Some(
        dest.trim_start_matches('<')
            .trim_end_matches('>')
            .to_string(),
    )
}

/// GitHub's anchor for a heading's text: the text as shown, lowercased, with every character
/// that is not a letter, a digit, `-`, `_` or a space dropped, and every space made a `-`.
fn slug(heading: &str) -> String {
    shown(heading)
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// A heading's text as shown: a link or image gives its text, HTML tags and backticks vanish.
fn shown(heading: &str) -> String {
    let chars: Vec<char> = heading.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '!' if chars.get(i + 1) == Some(&'[') => i += 1,
            '[' => match matching_bracket(&chars, i) {
                Some(close) if chars.get(close + 1) == Some(&'(') => {
                    out.push_str(&shown(&chars[i + 1..close].iter().collect::<String>()));
                    let after = chars[close + 2..].iter().position(|&c| c == ')');
                    i = after.map_or(chars.len(), |p| close + 3 + p);
                }
                _ => {
                    out.push('[');
                    i += 1;
                }
            },
            '<' => match chars[i..].iter().position(|&c| c == '>') {
                Some(end)
                    if chars
                        .get(i + 1)
                        .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/') =>
                {
                    i += end + 1;
                }
                _ => {
                    out.push('<');
                    i += 1;
                }
            },
            '`' => i += 1,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The headings of a Markdown text (ATX `# …` and setext `…` over `===`/`---`), outside fenced
/// code, in order.
fn headings(text: &str) -> Vec<String> {
    let text = without_fences(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (n, raw) in lines.iter().enumerate() {
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        if indent > 3 {
            continue;
        }
        let line = raw.trim();
        let hashes = line.len() - line.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) {
            let rest = &line[hashes..];
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                // A closing sequence of `#` after a space is not part of the text.
                let rest = rest.trim();
                let text = match rest.trim_end_matches('#') {
                    t if t.is_empty() || t.ends_with([' ', '\t']) => t,
                    _ => rest,
                };
                found.push(text.trim().to_string());
            }
            continue;
        }
        let underline = |c: char| !line.is_empty() && line.chars().all(|x| x == c);
        if n > 0 && (underline('=') || underline('-')) {
            let previous = lines[n - 1].trim();
            let paragraph = !previous.is_empty()
                && !previous.starts_with(['#', '-', '*', '+', '>', '|', '<'])
                && !previous
                    .split_once(['.', ')'])
                    .is_some_and(|(d, _)| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if paragraph {
                found.push(previous.to_string());
            }
        }
    }
    found
}

/// Every anchor a Markdown text has: its headings' slugs (a repeated slug numbered `-1`, `-2`,
/// … as GitHub does), and the `id`/`name` of its HTML anchors.
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut all = Vec::new();
    for heading in headings(text) {
        let base = slug(&heading);
        let count = seen.entry(base.clone()).or_insert(0);
        all.push(if *count == 0 {
            base
        } else {
            format!("{base}-{count}")
        });
        *count += 1;
    }
    let text = without_fences(text);
    for attr in [" id=\"", " name=\""] {
        for (at, _) in text.match_indices(attr) {
            let value = &text[at + attr.len()..];
            if let Some(end) = value.find('"') {
                all.push(value[..end].to_string());
            }
        }
    }
    all
}

/// `%XX` escapes decoded (a destination such as `my%20file.md`).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(b) if bytes[i] == b'%' => {
                out.push(b);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `path` (relative to the root) with `.` and `..` resolved; `None` when it leaves the root.
fn normalized(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for part in path.components() {
        match part {
            Component::Normal(p) => parts.push(p),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                parts.pop()?;
            }
        }
    }
    Some(parts.iter().collect())
}

/// Whether a destination leaves the repository: a URL that is not followed.
fn external(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// What is wrong with a link of the file `doc` (relative to `root`), if anything.
fn problem(root: &Path, doc: &Path, dest: &str) -> Option<String> {
    if dest.is_empty() || external(dest) {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(percent_decoded(anchor))),
        None => (dest, None),
    };
    let path = percent_decoded(path.split_once('?').map_or(path, |(p, _)| p));
    let target = if path.is_empty() {
        doc.to_path_buf()
    } else if let Some(from_root) = path.strip_prefix('/') {
        PathBuf::from(from_root)
    } else {
        doc.parent().unwrap_or(Path::new("")).join(&path)
    };
    let Some(target) = normalized(&target) else {
        return Some("resolves outside the repository".to_string());
    };
    let full = root.join(&target);
    if !full.exists() {
        return Some(format!("{} does not exist", target.display()));
    }
    let anchor = anchor.filter(|a| !a.is_empty())?;
    if full.extension().is_none_or(|e| e != "md") {
        // A line (`#L10`) of a source file or the like: GitHub's, not a heading.
        return None;
    }
    let known = anchors(&read(&full));
    (!known.contains(&anchor)).then(|| {
        format!(
            "{} has no heading with the anchor #{anchor}",
            target.display()
        )
    })
}

/// Every bad link of one documentation file, as `file:line: [dest]: problem`.
fn bad_links(root: &Path, doc: &Path) -> Vec<String> {
    links(&read(&root.join(doc)))
        .into_iter()
        .filter_map(|link| {
            problem(root, doc, &link.dest)
                .map(|p| format!("{}:{}: ({}): {p}", doc.display(), link.line, link.dest))
        })
        .collect()
}

#[test]
fn documentation_links_resolve() {
    let docs = documents(root());
    assert!(
        docs.iter().any(|d| d == Path::new("README.md"))
            && docs.iter().any(|d| d.starts_with("docs")),
        "the documentation was not found: {docs:?}"
    );
    let bad: Vec<String> = docs.iter().flat_map(|d| bad_links(root(), d)).collect();
    assert!(
        bad.is_empty(),
        "{} bad links in the documentation:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// The 1-based lines of `text` that mention `../shared/`, in code or not.
fn shared_mentions(text: &str) -> Vec<usize> {
    let lines = text.lines().enumerate();
    lines
        .filter(|(_, line)| line.contains("../shared/"))
        .map(|(n, _)| n + 1)
        .collect()
}

#[test]
fn documentation_does_not_mention_shared() {
    let mut found = Vec::new();
    for doc in documents(root()) {
        let text = read(&root().join(&doc));
        let lines: Vec<&str> = text.lines().collect();
        for n in shared_mentions(&text) {
            found.push(format!("{}:{n}: {}", doc.display(), lines[n - 1].trim()));
        }
    }
    assert!(
        found.is_empty(),
        "the documentation must stand alone, without ../shared/ ({} mentions):\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The checker itself, on inline texts.
mod checker {
    use super::*;

    fn dests(text: &str) -> Vec<(usize, String)> {
        links(text).into_iter().map(|l| (l.line, l.dest)).collect()
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("Adding a lint rule"), "adding-a-lint-rule");
        assert_eq!(slug("`goalpost diff`: the JSON"), "goalpost-diff-the-json");
        assert_eq!(slug("A & B"), "a--b");
        assert_eq!(
            slug("Why 1.0? (and snake_case-ish)"),
            "why-10-and-snake_case-ish"
        );
        assert_eq!(slug("See [the docs](docs/x.md) now"), "see-the-docs-now");
        assert_eq!(slug("Über <em>große</em> Ziele"), "über-große-ziele");
        assert_eq!(slug("  SPEC §1  "), "spec-1");
    }

    #[test]
    fn repeated_headings_are_numbered() {
        let text = "# Tests\n\n## Tests\n\nTests\n-----\n\n## Other\n";
        assert_eq!(anchors(text), ["tests", "tests-1", "tests-2", "other"]);
    }

    #[test]
    fn headings_skip_fences_and_closing_hashes() {
        let text = "## Layout ##\n```sh\n# not a heading\n```\n~~~\n# nor this\n~~~\nTitle\n=====\n- item\n---\n#hashtag\n";
        assert_eq!(headings(text), ["Layout", "Title"]);
        assert!(anchors("<a id=\"custom\"></a>\n").contains(&"custom".to_string()));
    }

    #[test]
    fn links_outside_code_with_their_lines() {
        let text = "See [one](a.md) and [`two`](b.md#x \"title\").\n\
                    `[not](code.md)` and ``[nor `this`](c.md)``\n\
                    ```md\n[fenced](d.md)\n```\n\
                    [![badge](img.svg)](e.md) \\[escaped](f.md)\n\
                    [paren](g_(1).md) [angle](<h i.md>)\n\
                    [ref]: i.md \"title\"\n";
        assert_eq!(
            dests(text),
            [
                (1, "a.md".to_string()),
                (1, "b.md#x".to_string()),
                (6, "e.md".to_string()),
                (6, "img.svg".to_string()),
                (7, "g_(1).md".to_string()),
                (7, "h i.md".to_string()),
                (8, "i.md".to_string()),
            ]
        );
    }

    #[test]
    fn a_link_text_may_span_lines() {
        assert_eq!(dests("a [long\ntext](x.md)\n"), [(1, "x.md".to_string())]);
        assert!(dests("[a]\n\n(b.md)").is_empty());
        // A backslash before a line break is a hard break, not an escape of it.
        assert_eq!(dests("a\\\n[b](c.md)\n"), [(2, "c.md".to_string())]);
    }

    #[test]
    fn mentions_of_shared_are_found_in_code_too() {
        let text =
            "# T\n\nSee `../shared/SPEC.md`.\n```sh\ncp -r ../shared/bench b\n```\n../sharedx/\n";
        assert_eq!(shared_mentions(text), [3, 5]);
    }

    #[test]
    fn problems_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("README.md"), "# Goal post\n\n## Use it\n").unwrap();
        std::fs::write(root.join("docs/a b.md"), "# A\n").unwrap();
        std::fs::write(root.join("docs/x.md"), "# X\n").unwrap();
        let doc = Path::new("docs/x.md");
        let check = |dest| problem(root, doc, dest);
        assert_eq!(check("../README.md#use-it"), None);
        assert_eq!(check("/README.md#goal-post"), None);
        assert_eq!(check("a%20b.md#a"), None);
        assert_eq!(check("#x"), None);
        assert_eq!(check("../docs"), None);
        assert_eq!(
            check("#y"),
            Some("docs/x.md has no heading with the anchor #y".into())
        );
        assert_eq!(check("https://example.com/x.md#nowhere"), None);
        assert_eq!(check("mailto:a@example.com"), None);
        assert_eq!(
            check("../../shared/SPEC.md"),
            Some("resolves outside the repository".into())
        );
        assert_eq!(
            check("missing.md"),
            Some("docs/missing.md does not exist".into())
        );
        assert_eq!(
            check("../README.md#usage"),
            Some("README.md has no heading with the anchor #usage".into())
        );
    }
}
