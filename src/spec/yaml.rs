//! YAML → JSON with a source span for every node and key.
//!
//! The goal file is parsed once by serde-saphyr into a span-carrying tree, then turned into a
//! `serde_json::Value` (what the JSON Schema validates and the typed model deserializes from)
//! plus a [`SpanIndex`] from JSON pointer to source position. Every later stage reports positions
//! by pointer, so no stage needs to know about YAML.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::{Budget, Location, Spanned};

use crate::diag::Span;

/// Deepest nesting accepted; a goal file needs about six levels.
const MAX_DEPTH: usize = 64;
/// Nodes that alias expansions may add to a file: the node budget is one node per byte of the
/// file (more than plain YAML can hold: a node takes at least one byte, and the file at most
/// [`super::MAX_FILE_BYTES`]) plus this. Plain nodes never reach it, whatever the number of
/// goals; aliases count every time they are expanded, which is what stops a billion-laughs file
/// early.
const MAX_EXPANDED_NODES: usize = 250_000;

/// Where a node sits in the source: its value and, for a mapping entry, its key.
#[derive(Debug, Clone)]
pub struct NodeSpan {
    /// The key of the mapping entry holding this node (none for the root and list items).
    pub key: Option<Span>,
    /// The value itself; empty for mappings and sequences (their start only).
    pub value: Span,
}

/// JSON pointer (RFC 6901, as jsonschema reports `instance_path`) → source position.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    /// One entry per node of the file (about 50 per goal): hashed with foldhash, which is
    /// several times faster than the default SipHash on short keys; the pointers come from
    /// the user's own file, so there is no one to flood the table.
    nodes: HashMap<String, NodeSpan, foldhash::fast::RandomState>,
}

impl SpanIndex {
    /// The raw spans recorded for `pointer`.
    pub fn get(&self, pointer: &str) -> Option<&NodeSpan> {
        self.nodes.get(pointer)
    }

    /// The best span to underline for the value at `pointer`: the scalar itself, or the key of
    /// a mapping or sequence (those have no extent of their own). Walks up to the nearest
    /// recorded ancestor when the pointer is not in the file (a missing key).
    pub fn value(&self, pointer: &str) -> Option<Span> {
        let node = self.nearest(pointer)?;
        if !node.value.bytes.is_empty() {
            return Some(node.value.clone());
        }
        Some(node.key.clone().unwrap_or_else(|| widen(&node.value)))
    }

    /// The key of the entry at `pointer` (falls back to [`SpanIndex::value`]).
    pub fn key(&self, pointer: &str) -> Option<Span> {
        match self.nodes.get(pointer).and_then(|n| n.key.clone()) {
            Some(key) => Some(key),
            None => self.value(pointer),
        }
    }

    fn nearest(&self, pointer: &str) -> Option<&NodeSpan> {
        let mut p = pointer;
        loop {
            if let Some(node) = self.nodes.get(p) {
                return Some(node);
            }
            p = &p[..p.rfind('/')?];
        }
    }
}

/// Appends one segment to a JSON pointer, escaping `~` and `/`.
pub fn push_pointer(base: &str, segment: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + 1 + segment.len());
    pointer.push_str(base);
    pointer.push('/');
    // Almost every key is a plain word: copy it without the two replacing passes.
    if segment.contains(['~', '/']) {
        pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
    } else {
        pointer.push_str(segment);
    }
    pointer
}

/// A YAML syntax or safety-limit error, with its position.
#[derive(Debug)]
pub struct YamlError {
    /// What went wrong.
    pub message: String,
    /// Where, when known.
    pub span: Option<Span>,
}

/// Parses YAML text into a JSON value and the span of every node.
pub fn parse(text: &str) -> Result<(Value, SpanIndex), YamlError> {
    let lines = LineIndex::new(text);
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = text.len().saturating_add(MAX_EXPANDED_NODES);
    // Every node is one or two events (start and end); the default, a million, caps plain files.
    budget.max_events = text
        .len()
        .saturating_add(MAX_EXPANDED_NODES)
        .saturating_mul(2);
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        budget: Some(budget),
    };
    let root: Spanned<Node> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let span = e.location().map(|l| lines.span(&l));
        YamlError {
            message: clean_message(&e.without_snippet().to_string()),
            span,
        }
    })?;
    let mut index = SpanIndex::default();
    // A goal file has a few nodes per line: sized once instead of rehashing as it grows.
    index.nodes.reserve(lines.starts.len() * 2);
    let value = to_json(root, String::new(), None, &lines, &mut index);
    Ok((value, index))
}

/// serde-saphyr prefixes "error: line L column C: " and may suggest its own options; the
/// position is rendered separately and its options are not the user's to set.
fn clean_message(message: &str) -> String {
    let mut m = message
        .trim()
        .strip_prefix("error: ")
        .unwrap_or(message.trim());
    if let Some(rest) = m.strip_prefix("line ")
        && let Some(idx) = rest.find(": ")
        && rest[..idx].contains("column")
    {
        m = &rest[idx + 2..];
    }
    let m = m.lines().next().unwrap_or(m);
    // The position is rendered separately; drop the library's own copy and its API advice.
    let m = m.split(" at line ").next().unwrap_or(m);
    let m = m.split(", set DuplicateKeyPolicy").next().unwrap_or(m);
    if m.starts_with("multiple YAML documents") {
        return "the file holds several YAML documents (`---`): keep all goals in one".into();
    }
    if m.starts_with("non-finite float") {
        return "infinity and NaN are not numbers a goal can use".into();
    }
    match m.strip_prefix("budget breached: ") {
        Some(what) if what.starts_with("Depth") => {
            format!("the YAML is nested deeper than {MAX_DEPTH} levels")
        }
        Some(_) => "the YAML expands to too many values (an alias bomb, or not a goal file)".into(),
        None => m.to_string(),
    }
}

fn to_json(
    node: Spanned<Node>,
    pointer: String,
    key: Option<Span>,
    lines: &LineIndex,
    index: &mut SpanIndex,
) -> Value {
    let value_span = lines.span(&node.referenced);
    let json = match node.value {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Int(i) => Value::Number(i.into()),
        Node::UInt(u) => Value::Number(u.into()),
        // NaN and infinities have no JSON form: keep their text so the schema rejects them.
        Node::Float(f) => {
            Number::from_f64(f).map_or_else(|| Value::String(f.to_string()), Value::Number)
        }
        Node::Str(s) => Value::String(s),
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| to_json(item, format!("{pointer}/{i}"), None, lines, index))
                .collect(),
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                let child = push_pointer(&pointer, &k.value);
                let key_span = lines.span(&k.referenced);
                let value = to_json(v, child, Some(key_span), lines, index);
                map.insert(k.value, value);
            }
            Value::Object(map)
        }
    };
    index.nodes.insert(
        pointer,
        NodeSpan {
            key,
            value: value_span,
        },
    );
    json
}

/// Makes an empty span one character wide, so a caret can point at it.
fn widen(span: &Span) -> Span {
    Span {
        bytes: span.bytes.start..span.bytes.start + 1,
        ..span.clone()
    }
}

/// Byte offset of every line start, to turn (line, column) into byte ranges.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    fn span(&self, loc: &Location) -> Span {
        let line = to_usize(loc.line()).max(1);
        let column = to_usize(loc.column()).max(1);
        let start = match loc.span().byte_offset().map(to_usize) {
            Some(b) if b <= self.text.len() => b,
            _ => self.offset(line, column),
        };
        let len = match loc.span().byte_len().map(to_usize) {
            Some(l) if start.saturating_add(l) <= self.text.len() => l,
            _ => self.char_len_to_bytes(start, to_usize(loc.span().len())),
        };
        Span {
            bytes: start..start + len,
            line,
            column,
        }
    }

    fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.starts.get(line - 1) else {
            return self.text.len();
        };
        let rest = &self.text[line_start..];
        rest.char_indices()
            .nth(column - 1)
            .map_or(self.text.len(), |(i, _)| line_start + i)
    }

    fn char_len_to_bytes(&self, start: usize, chars: usize) -> usize {
        let rest = self.text.get(start..).unwrap_or("");
        rest.char_indices()
            .nth(chars)
            .map_or(rest.len(), |(i, _)| i)
    }
}

/// A YAML node as serde-saphyr hands it over, children with their spans.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// A parser position as an index; one past any text we hold when it does not fit.
fn to_usize(v: impl TryInto<usize>) -> usize {
    v.try_into().unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_key_and_value_positions() {
        let (value, index) = parse("version: 1\ngoals:\n  - id: a\n    metric: reach\n").unwrap();
        assert_eq!(value["goals"][0]["metric"], "reach");
        let node = index.get("/goals/0/metric").unwrap();
        let key = node.key.as_ref().unwrap();
        assert_eq!((key.line, key.column), (4, 5));
        assert_eq!(
            (node.value.line, node.value.column, node.value.bytes.len()),
            (4, 13, 5)
        );
    }

    #[test]
    fn missing_pointer_falls_back_to_nearest_ancestor() {
        let (_, index) = parse("goals:\n  - id: a\n").unwrap();
        let span = index.value("/goals/0/target").unwrap();
        assert_eq!(span.line, 2);
    }

    #[test]
    fn pointer_segments_are_escaped() {
        let (_, index) = parse("columns:\n  \"a/b~c\": x\n").unwrap();
        assert!(index.get("/columns/a~1b~0c").is_some());
    }

    #[test]
    fn yes_stays_a_string_and_duplicates_are_errors() {
        let (value, _) = parse("a: yes\nb: 007\n").unwrap();
        assert_eq!(value["a"], "yes");
        assert_eq!(value["b"], "007");
        let err = parse("a: 1\na: 2\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        assert_eq!(err.span.unwrap().line, 2);
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused() {
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g"])
        {
            bomb.push_str(&format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            ));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn many_plain_nodes_are_not_a_bomb() {
        // 300,000 plain nodes: over the expansion allowance, but every one is in the file.
        let mut text = String::from("goals:\n");
        for i in 0..14_000 {
            text.push_str(&format!(
                "  - {{id: g{i}, metric: likes, target: {{at_least: 5}}, a: 1, b: 2, c: 3, d: 4, e: 5, f: 6}}\n"
            ));
        }
        let (value, _) = parse(&text).unwrap();
        assert_eq!(value["goals"].as_array().unwrap().len(), 14_000);
    }
}
