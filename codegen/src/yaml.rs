//! YAML text to a tree of nodes that remember where they start.
//!
//! yaml-rust2's own document loader drops positions, so the tree is built here from its event stream. Only
//! the subset of YAML the specs need is accepted: anchors, aliases, tags and multi-document streams are
//! reported rather than interpreted, so that a spec always means what it visibly says.

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::spec::Span;

/// Deepest nesting of mappings and lists accepted. Specs need about ten levels; the limit keeps the
/// recursive passes over the tree far from the stack's end whatever the input.
pub const MAX_DEPTH: usize = 64;

/// A node of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node starts (1-based).
    pub span: Span,
    /// What the node is.
    pub kind: NodeKind,
}

/// The kinds of node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar, as its text; what the text means is up to the reader.
    Scalar(ScalarNode),
    /// A list (block `- a` or flow `[a]`).
    Sequence(Vec<Node>),
    /// A mapping in written order; keys may repeat (the reader reports it) and need not be scalars.
    Mapping(Vec<(Node, Node)>),
    /// Stands in for a node already reported as unsupported (an alias), so that readers skip it silently.
    Invalid,
}

/// A scalar's text and how it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalarNode {
    /// The text, with quotes and block indentation removed.
    pub text: String,
    /// How it was written: only plain scalars can be numbers, booleans or null.
    pub style: ScalarStyle,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'text'`.
    SingleQuoted,
    /// `"text"`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl ScalarNode {
    /// Whether this is YAML's null: an empty plain scalar (`key:` with nothing after it), `~` or `null`.
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

impl Node {
    /// The scalar, if this is one.
    pub fn as_scalar(&self) -> Option<&ScalarNode> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that is not null.
    pub fn as_text(&self) -> Option<&str> {
        self.as_scalar().filter(|s| !s.is_null()).map(|s| s.text.as_str())
    }

    /// The value of `key` when this is a mapping holding it with a text key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Mapping(entries) => entries.iter().find(|(k, _)| k.as_text() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What the node is, for messages such as "expected a list, found a mapping".
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Scalar(s) if s.is_null() => "no value".to_owned(),
            NodeKind::Scalar(s) if s.style == ScalarStyle::Plain => format!("the scalar `{}`", abbreviate(&s.text)),
            // Quoting is the usual reason a `true` or `12` is not taken as one.
            NodeKind::Scalar(s) => format!("the quoted string `{}`", abbreviate(&s.text)),
            NodeKind::Sequence(_) => "a list".to_owned(),
            NodeKind::Mapping(_) => "a mapping".to_owned(),
            NodeKind::Invalid => "an unsupported node".to_owned(),
        }
    }
}

/// The first line of `text`, cut to a length that fits in a message.
fn abbreviate(text: &str) -> String {
    const MAX: usize = 40;
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > MAX || line.len() < text.trim_end().len() {
        format!("{}...", line.chars().take(MAX).collect::<String>())
    } else {
        line.to_owned()
    }
}

/// A problem with the YAML itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// Where (1-based).
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.span.line, self.span.column, self.message)
    }
}

/// The result of reading a file: the tree, when the text could be read, and every problem found.
///
/// A syntax error stops reading and leaves no tree. Unsupported features (anchors, aliases, tags, a second
/// document) are reported but do not stop reading, so that the rest of the file can still be checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// The root node; `None` for an empty file or after a syntax error.
    pub root: Option<Node>,
    /// Every problem found, in file order.
    pub errors: Vec<YamlError>,
}

/// Reads YAML text into a [`Document`]. Never panics.
pub fn parse(text: &str) -> Document {
    let mut builder = Builder::default();
    // yaml-rust2 asserts on states it believes unreachable; a bug there must not take the generator down.
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| builder.run(text)));
    if outcome.is_err() {
        builder.root = None;
        builder.error(Span { line: 1, column: 1 }, "the YAML parser failed on this file (a bug in yaml-rust2)");
    }
    Document { root: builder.root, errors: builder.errors }
}

/// A mapping or list still being read.
#[derive(Debug)]
enum Frame {
    Sequence { span: Span, items: Vec<Node> },
    Mapping { span: Span, entries: Vec<(Node, Node)>, key: Option<Node> },
}

/// Why reading stopped early.
struct Stop;

/// Assembles nodes from parser events with an explicit stack, so that nesting depth costs no recursion.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    errors: Vec<YamlError>,
    documents: usize,
}

impl Builder {
    fn run(&mut self, text: &str) {
        let mut parser = Parser::new_from_str(text);
        loop {
            match parser.next_token() {
                Ok((Event::StreamEnd, _)) => return,
                Ok((event, mark)) => {
                    if self.on_event(event, span_of(mark)).is_err() {
                        self.root = None;
                        return;
                    }
                }
                Err(e) => {
                    self.error(span_of(*e.marker()), format!("YAML syntax error: {}", e.info()));
                    self.root = None;
                    return;
                }
            }
        }
    }

    fn on_event(&mut self, event: Event, span: Span) -> Result<(), Stop> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart => self.start_document(span),
            Event::Alias(_) => {
                self.error(span, "aliases (`*name`) are not supported; repeat the value instead");
                self.add(Node { span, kind: NodeKind::Invalid });
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.check_properties(span, anchor, tag.as_ref());
                let style = scalar_style(style);
                self.add(Node { span, kind: NodeKind::Scalar(ScalarNode { text, style }) });
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_properties(span, anchor, tag.as_ref());
                self.open(span, Frame::Sequence { span, items: Vec::new() })?;
            }
            Event::MappingStart(anchor, tag) => {
                self.check_properties(span, anchor, tag.as_ref());
                self.open(span, Frame::Mapping { span, entries: Vec::new(), key: None })?;
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
        }
        Ok(())
    }

    fn start_document(&mut self, span: Span) {
        self.documents += 1;
        if self.documents == 2 {
            self.error(span, "a spec file holds a single YAML document; remove the second `---`");
        }
    }

    fn check_properties(&mut self, span: Span, anchor: usize, tag: Option<&Tag>) {
        if anchor != 0 {
            self.error(span, "anchors (`&name`) are not supported; repeat the value instead");
        }
        if let Some(tag) = tag {
            let message = format!("YAML tags (`{}{}`) are not supported; remove the tag", tag.handle, tag.suffix);
            self.error(span, message);
        }
    }

    fn open(&mut self, span: Span, frame: Frame) -> Result<(), Stop> {
        if self.stack.len() >= MAX_DEPTH {
            self.error(span, format!("mappings and lists are nested deeper than {MAX_DEPTH} levels"));
            return Err(Stop);
        }
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self) {
        let node = match self.stack.pop() {
            Some(Frame::Sequence { span, items }) => Node { span, kind: NodeKind::Sequence(items) },
            Some(Frame::Mapping { span, entries, .. }) => {
                // A block mapping's start event is marked at its first `:`, after the first key; the key is
                // where a reader looks for the mapping.
                let span = entries.first().map_or(span, |(key, _)| span.min(key.span));
                Node { span, kind: NodeKind::Mapping(entries) }
            }
            None => return,
        };
        self.add(node);
    }

    /// Attaches a finished node to the list or mapping being read, or makes it the root.
    fn add(&mut self, node: Node) {
        match self.stack.last_mut() {
            None if self.documents <= 1 => self.root = Some(node),
            // Nodes of a second document were reported at its start and are dropped.
            None => {}
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) {
        self.errors.push(YamlError { span, message: message.into() });
    }
}

/// yaml-rust2 counts lines from 1 and columns from 0; spans count both from 1.
fn span_of(mark: Marker) -> Span {
    Span { line: mark.line().max(1), column: mark.col() + 1 }
}

fn scalar_style(style: TScalarStyle) -> ScalarStyle {
    match style {
        TScalarStyle::Plain => ScalarStyle::Plain,
        TScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        TScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        TScalarStyle::Literal => ScalarStyle::Literal,
        TScalarStyle::Folded => ScalarStyle::Folded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Span {
        Span { line, column }
    }

    fn root(text: &str) -> Node {
        let doc = parse(text);
        assert_eq!(doc.errors, vec![], "{text}");
        doc.root.expect("a root node")
    }

    fn entries(node: &Node) -> &[(Node, Node)] {
        match &node.kind {
            NodeKind::Mapping(entries) => entries,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    fn items(node: &Node) -> &[Node] {
        match &node.kind {
            NodeKind::Sequence(items) => items,
            other => panic!("not a list: {other:?}"),
        }
    }

    #[test]
    fn block_mapping_starts_at_its_first_key() {
        let root = root("# comment\n\nname: Rds\nversion: \"2014-08-15\"\n");
        assert_eq!(root.span, at(3, 1));
        let entries = entries(&root);
        assert_eq!(entries[0].0.span, at(3, 1));
        assert_eq!(entries[0].1.span, at(3, 7));
        assert_eq!(entries[1].0.span, at(4, 1));
        // A quoted scalar starts at its opening quote.
        assert_eq!(entries[1].1.span, at(4, 10));
        assert_eq!(entries[1].1.as_scalar().unwrap().style, ScalarStyle::DoubleQuoted);
        assert_eq!(entries[1].1.as_text(), Some("2014-08-15"));
    }

    #[test]
    fn nested_block_nodes_have_their_positions() {
        let root = root("parameters:\n  - name: A\n    type: string\n  -   name: B\n");
        let list = root.get("parameters").unwrap();
        assert_eq!(list.span, at(2, 3));
        let params = items(list);
        assert_eq!(params[0].span, at(2, 5));
        assert_eq!(params[0].get("type").unwrap().span, at(3, 11));
        assert_eq!(params[1].span, at(4, 7));
    }

    #[test]
    fn flow_nodes_start_at_their_bracket() {
        let root = root("differ: [A, B]\nm: {k: v}\n");
        let list = root.get("differ").unwrap();
        assert_eq!(list.span, at(1, 9));
        assert_eq!(items(list)[1].span, at(1, 13));
        assert_eq!(root.get("m").unwrap().span, at(2, 4));
    }

    #[test]
    fn block_scalars_keep_text_and_style() {
        let root = root("description: |\n  Two\n  lines.\nnext: x\n");
        let description = root.get("description").unwrap().as_scalar().unwrap();
        assert_eq!(description.text, "Two\nlines.\n");
        assert_eq!(description.style, ScalarStyle::Literal);
        assert_eq!(root.get("next").unwrap().span, at(4, 7));
    }

    #[test]
    fn null_values_are_recognised() {
        let root = root("a:\nb: ~\nc: null\nd: ''\n");
        assert!(root.get("a").unwrap().as_scalar().unwrap().is_null());
        assert!(root.get("b").unwrap().as_scalar().unwrap().is_null());
        assert!(root.get("c").unwrap().as_scalar().unwrap().is_null());
        assert_eq!(root.get("d").unwrap().as_text(), Some(""));
    }

    #[test]
    fn syntax_errors_carry_the_scanner_position() {
        let doc = parse("a: 1\nb: [x, y\nc: 2\n");
        assert_eq!(doc.root, None);
        assert_eq!(doc.errors.len(), 1);
        assert!(doc.errors[0].message.starts_with("YAML syntax error: "), "{}", doc.errors[0]);
        assert_eq!(doc.errors[0].span.line, 3);
    }

    #[test]
    fn an_empty_file_has_no_root() {
        assert_eq!(parse(""), Document::default());
        assert_eq!(parse("# only a comment\n"), Document::default());
    }

    #[test]
    fn anchors_aliases_and_tags_are_reported() {
        let doc = parse("a: &x 1\nb: *x\nc: !!str 3\n");
        let found: Vec<_> = doc.errors.iter().map(|e| (e.span, e.message.split(' ').next().unwrap())).collect();
        assert_eq!(found, vec![(at(1, 7), "anchors"), (at(2, 4), "aliases"), (at(3, 10), "YAML")]);
        let root = doc.root.unwrap();
        assert_eq!(root.get("b").unwrap().kind, NodeKind::Invalid);
    }

    #[test]
    fn a_second_document_is_reported() {
        let doc = parse("a: 1\n---\nb: 2\n");
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(doc.errors[0].span.line, 2);
        assert!(doc.root.unwrap().get("a").is_some());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let doc = parse(&text);
        assert_eq!(doc.root, None);
        assert!(doc.errors[0].message.contains("nested deeper"), "{:?}", doc.errors);
    }

    #[test]
    fn describes_nodes_for_messages() {
        let root = root("a: [1]\nb: {}\nc: some text\nd:\n");
        assert_eq!(root.get("a").unwrap().describe(), "a list");
        assert_eq!(root.get("b").unwrap().describe(), "a mapping");
        assert_eq!(root.get("c").unwrap().describe(), "the scalar `some text`");
        assert_eq!(root.get("d").unwrap().describe(), "no value");
    }
}
