//! A spec file's node tree to the [`spec`](crate::spec) AST.
//!
//! Parsing reports every structural problem (unknown, missing or repeated keys, a node of the wrong kind, a
//! value of the wrong form) and keeps going, so one run shows all of them. Whether values make sense
//! together (a bound that fits its type, a rule naming a real parameter) is left to [`check`](crate::check).

use std::fmt;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::spec::{
    Common, Constraints, Deprecation, EnumValueSpec, ErrorSpec, FieldSpec, Location, ModelSpec, OperationSpec,
    PageNumberSpec, PaginationSpec, ParameterGroupSpec, RuleSpec, Scalar, ServiceSpec, Span, Spanned, TokenPagingSpec,
    TypeKind, TypeSpec, VariantSpec,
};
use crate::yaml::{self, Node, NodeKind, ScalarNode, ScalarStyle};

/// The keys a kind of mapping accepts, and which of them it requires.
#[derive(Clone, Copy, Debug)]
pub struct Keys<'k> {
    /// The mapping, as messages name it ("a parameter").
    pub what: &'k str,
    groups: &'k [&'k [&'k str]],
    /// The keys that must be present.
    pub required: &'k [&'k str],
}

impl<'k> Keys<'k> {
    /// Every accepted key, in the order messages list them.
    pub fn names(&self) -> impl Iterator<Item = &'k str> + 'k {
        self.groups.iter().flat_map(|group| group.iter().copied())
    }

    /// Whether `key` is accepted.
    pub fn contains(&self, key: &str) -> bool {
        self.names().any(|k| k == key)
    }
}

const FIELD: &[&str] = &["name", "rust_name", "description", "required"];

/// The keys of a type, written inline in a field or as a nested mapping.
const TYPE: &[&str] = &[
    "type",
    "type_name",
    "values",
    "items",
    "value",
    "fields",
    "variants",
    "schema",
    "model",
    "wrapper",
    "separator",
    "min",
    "max",
    "min_length",
    "max_length",
    "pattern",
    "min_items",
    "max_items",
    "unique_items",
    "unique_values",
    "allowed",
];

/// `service.yaml`.
pub const SERVICE_KEYS: Keys<'static> = Keys {
    what: "service.yaml",
    groups: &[&[
        "name",
        "product",
        "version",
        "style",
        "http_method",
        "endpoint",
        "description",
        "errors",
        "parameter_groups",
    ]],
    required: &["name", "product", "version", "style", "http_method", "endpoint"],
};

/// An operation file.
pub const OPERATION_KEYS: Keys<'static> = Keys {
    what: "an operation file",
    groups: &[&[
        "name",
        "rust_name",
        "summary",
        "description",
        "http_method",
        "idempotent",
        "deprecated",
        "include",
        "parameters",
        "rules",
        "response",
        "errors",
        "pagination",
    ]],
    required: &["name", "summary", "idempotent"],
};

/// A model file.
pub const MODEL_KEYS: Keys<'static> =
    Keys { what: "a model file", groups: &[&["name", "description"], TYPE], required: &["name", "type"] };

/// An entry of `parameter_groups` in `service.yaml`.
pub const PARAMETER_GROUP_KEYS: Keys<'static> = Keys {
    what: "a parameter group",
    groups: &[&["name", "description", "parameters"]],
    required: &["name", "parameters"],
};

/// `pagination:` of an operation.
pub const PAGINATION_KEYS: Keys<'static> =
    Keys { what: "`pagination`", groups: &[&["items", "page_number", "token"]], required: &["items"] };

/// `pagination.page_number`.
pub const PAGE_NUMBER_KEYS: Keys<'static> =
    Keys { what: "`pagination.page_number`", groups: &[&["page", "size", "total"]], required: &["page", "size"] };

/// `pagination.token`.
pub const TOKEN_PAGING_KEYS: Keys<'static> = Keys {
    what: "`pagination.token`",
    groups: &[&["token", "next_token", "size"]],
    required: &["token", "next_token"],
};

/// An entry of `parameters`.
pub const PARAMETER_KEYS: Keys<'static> = Keys {
    what: "a parameter",
    groups: &[FIELD, &["location", "default", "example", "common", "sensitive"], TYPE],
    required: &["name", "type"],
};

/// An entry of `response`.
pub const RESPONSE_FIELD_KEYS: Keys<'static> =
    Keys { what: "a response field", groups: &[FIELD, &["example", "sensitive"], TYPE], required: &["name", "type"] };

/// An entry of an object type's `fields`.
pub const OBJECT_FIELD_KEYS: Keys<'static> =
    Keys { what: "an object field", groups: &[FIELD, &["sensitive"], TYPE], required: &["name", "type"] };

/// A type written as its own mapping: under `items`, `value` or `schema`.
pub const NESTED_TYPE_KEYS: Keys<'static> = Keys { what: "a type", groups: &[TYPE], required: &["type"] };

/// An entry of a one_of type's `variants`.
pub const VARIANT_KEYS: Keys<'static> =
    Keys { what: "a variant", groups: &[&["name", "description"], TYPE], required: &["name", "type"] };

/// An entry of an enum type's `values`, when written as a mapping.
pub const ENUM_VALUE_KEYS: Keys<'static> =
    Keys { what: "an enum value", groups: &[&["value", "rust_name", "description"]], required: &["value"] };

/// An entry of `errors`.
pub const ERROR_KEYS: Keys<'static> = Keys {
    what: "an error",
    groups: &[&["code", "status", "description", "rust_name"]],
    required: &["code", "status", "description"],
};

/// `deprecated`.
pub const DEPRECATION_KEYS: Keys<'static> = Keys { what: "`deprecated`", groups: &[&["note"]], required: &["note"] };

/// Reads the value of a rule's kind key.
type RuleReader = fn(&mut Reader, &Site<'_>, RuleParts<'_>) -> Option<RuleSpec>;

/// Every rule kind: its key and its reader. A new kind is one entry here (and its variant of [`RuleSpec`]).
const RULE_KINDS: &[(&str, RuleReader)] = &[("differ", Reader::differ)];

/// The kind keys a rule may have (`differ`, ...).
pub fn rule_kinds() -> impl Iterator<Item = &'static str> {
    RULE_KINDS.iter().map(|(kind, _)| *kind)
}

/// Parses `service.yaml`; on failure returns every problem found.
pub fn parse_service(file: &Path, text: &str) -> Result<ServiceSpec, Vec<Diagnostic>> {
    let site = Site::new(file);
    let mut reader = Reader::default();
    let doc = yaml::parse(text);
    let spec = reader.document(&site, &doc).and_then(|root| reader.service(&site, file, root));
    reader.finish(&site, spec)
}

/// Parses an operation file; on failure returns every problem found.
pub fn parse_operation(file: &Path, text: &str) -> Result<OperationSpec, Vec<Diagnostic>> {
    let doc = yaml::parse(text);
    // Every problem of the file belongs to the operation, even one found before its `name` is read (or when
    // it has none: then the file stem, which has to equal the name anyway, stands in).
    let name = doc.root.as_ref().and_then(|root| root.get("name")).and_then(Node::as_text);
    let stem = file_stem(file);
    let site = Site::new(file).operation(name.unwrap_or(&stem));
    let mut reader = Reader::default();
    let spec = reader.document(&site, &doc).and_then(|root| reader.operation(&site, file, root));
    reader.finish(&site, spec)
}

/// Parses a model file; on failure returns every problem found.
pub fn parse_model(file: &Path, text: &str) -> Result<ModelSpec, Vec<Diagnostic>> {
    let site = Site::new(file);
    let mut reader = Reader::default();
    let doc = yaml::parse(text);
    let spec = reader.document(&site, &doc).and_then(|root| {
        let map = reader.mapping(&site, root, &MODEL_KEYS)?;
        let name = reader.text_of(&site, &map, "name");
        let description = reader.text_of(&site, &map, "description");
        let ty = reader.type_spec(&site, &map, map.get("type").map(|e| e.key_span));
        Some(ModelSpec { file: file.to_path_buf(), name: name?, description, ty: ty? })
    });
    reader.finish(&site, spec)
}

/// The file name without its extension (`ImportDatabaseBetweenInstances`).
pub fn file_stem(file: &Path) -> String {
    file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Converts a YAML scalar: plain `true`/`false` are booleans, plain numerals numbers, anything else (and
/// anything quoted or written as a block) a string. Fails on an integer too large for 64 bits.
pub fn scalar_value(node: &ScalarNode) -> Result<Scalar, String> {
    let text = node.text.as_str();
    if node.style != ScalarStyle::Plain {
        return Ok(Scalar::String(text.to_owned()));
    }
    match text {
        "true" => return Ok(Scalar::Bool(true)),
        "false" => return Ok(Scalar::Bool(false)),
        _ => {}
    }
    if let Some(int) = integer(text) {
        return int.map(Scalar::Int).ok_or_else(|| format!("the integer {text} does not fit in 64 bits"));
    }
    Ok(float(text).map_or_else(|| Scalar::String(text.to_owned()), Scalar::Float))
}

/// A YAML 1.2 core-schema integer (`-12`, `0x1F`, `0o17`): `None` when `text` is not one, `Some(None)` when
/// it is one that overflows.
fn integer(text: &str) -> Option<Option<i64>> {
    let radix_digits = |prefix: &str, radix: u32| {
        let digits = text.strip_prefix(prefix)?;
        let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        valid.then(|| i64::from_str_radix(digits, radix).ok())
    };
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.chars().all(|c| c.is_ascii_digit()) {
        return Some(text.parse().ok());
    }
    radix_digits("0x", 16).or_else(|| radix_digits("0o", 8))
}

/// A YAML 1.2 core-schema float with digits (`1.5`, `-.5`, `2e3`); `.inf` and `.nan` stay strings, since no
/// constraint or example can use them.
fn float(text: &str) -> Option<f64> {
    let numeric = text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'));
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    let has_digits = mantissa.chars().any(|c| c.is_ascii_digit());
    if numeric && has_digits {
        text.parse().ok()
    } else {
        None
    }
}

/// Where a problem is: file, operation, top-level parameter and the path inside it. Shared with `check`.
#[derive(Clone, Debug)]
pub(crate) struct Site<'a> {
    file: &'a Path,
    operation: Option<&'a str>,
    parameter: Option<&'a str>,
    /// Inner path, each segment followed by `: ` (`field DBNames: variant Same: `).
    path: String,
}

impl<'a> Site<'a> {
    /// The top of a file.
    pub(crate) fn new(file: &'a Path) -> Self {
        Site { file, operation: None, parameter: None, path: String::new() }
    }

    /// Inside an operation.
    pub(crate) fn operation(&self, name: &'a str) -> Self {
        Site { operation: Some(name), ..self.clone() }
    }

    /// Inside a top-level parameter or response field.
    pub(crate) fn parameter(&self, name: &'a str) -> Self {
        Site { parameter: Some(name), path: String::new(), ..self.clone() }
    }

    /// One level deeper inside a parameter (`items`, `field X`, `variant Y`).
    pub(crate) fn nested(&self, segment: impl fmt::Display) -> Self {
        Site { path: format!("{}{segment}: ", self.path), ..self.clone() }
    }

    /// A problem at `span`.
    pub(crate) fn diagnostic(&self, span: Span, message: impl fmt::Display) -> Diagnostic {
        let mut d = Diagnostic::new(self.file, span, format!("{}{message}", self.path));
        if let Some(op) = self.operation {
            d = d.operation(op);
        }
        if let Some(p) = self.parameter {
            d = d.parameter(p);
        }
        d
    }
}

/// A key of a mapping that passed the key checks, and its value.
#[derive(Clone, Copy, Debug)]
struct Entry<'n> {
    key: &'n str,
    key_span: Span,
    value: &'n Node,
}

/// A mapping's entries whose keys are known and unique.
#[derive(Debug)]
struct Entries<'n> {
    span: Span,
    entries: Vec<Entry<'n>>,
    /// How many keys were reported (unknown, repeated or not names) and left out.
    rejected: usize,
}

impl<'n> Entries<'n> {
    fn get(&self, key: &str) -> Option<Entry<'n>> {
        self.entries.iter().find(|e| e.key == key).copied()
    }
}

/// How a value is named in messages: a key, or an item of a key's list.
#[derive(Clone, Copy, Debug)]
enum Label<'n> {
    Key(&'n str),
    Item(&'n str, usize),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Key(key) => write!(f, "`{key}`"),
            Label::Item(key, index) => write!(f, "item {index} of `{key}`"),
        }
    }
}

/// The parts of a rule handed to the reader of its kind.
#[derive(Debug)]
struct RuleParts<'n> {
    span: Span,
    kind: Entry<'n>,
    description: Option<Spanned<String>>,
}

/// Which list a field belongs to; decides its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Parameter,
    Response,
    ObjectField,
}

impl Role {
    fn keys(self) -> &'static Keys<'static> {
        match self {
            Role::Parameter => &PARAMETER_KEYS,
            Role::Response => &RESPONSE_FIELD_KEYS,
            Role::ObjectField => &OBJECT_FIELD_KEYS,
        }
    }
}

/// Collects problems while building the AST. Readers return `None` for what could not be built, after
/// reporting why; they read every key before giving up, so that all problems are found.
#[derive(Default)]
struct Reader {
    diagnostics: Vec<Diagnostic>,
}

impl Reader {
    fn report(&mut self, site: &Site<'_>, span: Span, message: impl fmt::Display) {
        self.diagnostics.push(site.diagnostic(span, message));
    }

    fn finish<T>(mut self, site: &Site<'_>, spec: Option<T>) -> Result<T, Vec<Diagnostic>> {
        match spec {
            Some(spec) if self.diagnostics.is_empty() => Ok(spec),
            _ => {
                if self.diagnostics.is_empty() {
                    // Every reader reports before returning `None`; this keeps a slip from passing silently.
                    self.report(site, Span { line: 1, column: 1 }, "the file could not be read");
                }
                Err(self.diagnostics)
            }
        }
    }

    /// Reports the YAML problems; returns the root unless the file is empty or unreadable.
    fn document<'n>(&mut self, site: &Site<'_>, doc: &'n yaml::Document) -> Option<&'n Node> {
        for error in &doc.errors {
            self.report(site, error.span, &error.message);
        }
        let root = doc.root.as_ref();
        let is_empty = root.is_none_or(|r| r.as_scalar().is_some_and(ScalarNode::is_null));
        if is_empty && doc.errors.is_empty() {
            self.report(site, Span { line: 1, column: 1 }, "the file is empty");
        }
        root.filter(|_| !is_empty)
    }

    fn service(&mut self, site: &Site<'_>, file: &Path, root: &Node) -> Option<ServiceSpec> {
        let map = self.mapping(site, root, &SERVICE_KEYS)?;
        let name = self.text_of(site, &map, "name");
        let product = self.text_of(site, &map, "product");
        let version = self.text_of(site, &map, "version");
        let style = self.text_of(site, &map, "style");
        let http_method = self.text_of(site, &map, "http_method");
        let endpoint = self.text_of(site, &map, "endpoint");
        let description = self.text_of(site, &map, "description");
        let errors = self.list_of(site, &map, "errors", Reader::error);
        let parameter_groups = self.list_of(site, &map, "parameter_groups", |r, s, n, _| r.parameter_group(s, n));
        Some(ServiceSpec {
            file: file.to_path_buf(),
            name: name?,
            product: product?,
            version: version?,
            style: style?,
            http_method: http_method?,
            endpoint: endpoint?,
            description,
            errors,
            parameter_groups,
        })
    }

    fn parameter_group(&mut self, site: &Site<'_>, node: &Node) -> Option<ParameterGroupSpec> {
        let name = node.get("name").and_then(Node::as_text);
        let site = match name {
            Some(name) => site.nested(format_args!("parameter group {name}")),
            None => site.nested("parameter group"),
        };
        let map = self.mapping(&site, node, &PARAMETER_GROUP_KEYS)?;
        let name = self.text_of(&site, &map, "name");
        let description = self.text_of(&site, &map, "description");
        let parameters = self.list_of(&site, &map, "parameters", |r, s, n, _| r.field(s, n, Role::Parameter));
        Some(ParameterGroupSpec { name: name?, description, parameters })
    }

    fn operation(&mut self, site: &Site<'_>, file: &Path, root: &Node) -> Option<OperationSpec> {
        let map = self.mapping(site, root, &OPERATION_KEYS)?;
        let name = self.text_of(site, &map, "name");
        let rust_name = self.text_of(site, &map, "rust_name");
        let summary = self.text_of(site, &map, "summary");
        let description = self.text_of(site, &map, "description");
        let http_method = self.text_of(site, &map, "http_method");
        let idempotent = map.get("idempotent").and_then(|e| self.flag(site, e));
        let deprecated = map.get("deprecated").and_then(|e| self.deprecation(site, e));
        let include = map.get("include").map(|e| self.names(site, e)).unwrap_or_default();
        let parameters = self.list_of(site, &map, "parameters", |r, s, n, _| r.field(s, n, Role::Parameter));
        let rules = self.list_of(site, &map, "rules", |r, s, n, _| r.rule(s, n));
        let response = self.list_of(site, &map, "response", |r, s, n, _| r.field(s, n, Role::Response));
        let errors = self.list_of(site, &map, "errors", Reader::error);
        let pagination = map.get("pagination").and_then(|e| self.pagination(site, e));
        Some(OperationSpec {
            file: file.to_path_buf(),
            name: name?,
            rust_name,
            summary: summary?,
            description,
            http_method,
            idempotent: idempotent?,
            deprecated,
            include,
            parameters,
            rules,
            response,
            errors,
            pagination,
        })
    }

    fn pagination(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<PaginationSpec> {
        let map = self.mapping(site, entry.value, &PAGINATION_KEYS)?;
        let items = self.text_of(site, &map, "items");
        let page_number = map.get("page_number").and_then(|e| {
            let style = self.mapping(site, e.value, &PAGE_NUMBER_KEYS)?;
            let page = self.text_of(site, &style, "page");
            let size = self.text_of(site, &style, "size");
            let total = self.text_of(site, &style, "total");
            Some(PageNumberSpec { span: e.key_span, page: page?, size: size?, total })
        });
        let token = map.get("token").and_then(|e| {
            let style = self.mapping(site, e.value, &TOKEN_PAGING_KEYS)?;
            let token = self.text_of(site, &style, "token");
            let next_token = self.text_of(site, &style, "next_token");
            let size = self.text_of(site, &style, "size");
            Some(TokenPagingSpec { span: e.key_span, token: token?, next_token: next_token?, size })
        });
        Some(PaginationSpec { span: entry.key_span, items: items?, page_number, token })
    }

    /// A list of names: `[caller]`.
    fn names(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Vec<Spanned<String>> {
        let Some(items) = self.sequence(site, entry) else { return Vec::new() };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, node)| self.text_at(site, Label::Item(entry.key, i + 1), node.span, node))
            .collect()
    }

    fn deprecation(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Deprecation> {
        let map = self.mapping(site, entry.value, &DEPRECATION_KEYS)?;
        let note = self.text_of(site, &map, "note");
        Some(Deprecation { span: entry.key_span, note: note? })
    }

    /// A parameter, response field or object field: its own keys plus its type's, inline.
    fn field(&mut self, site: &Site<'_>, node: &Node, role: Role) -> Option<FieldSpec> {
        // The name is peeked at first, so that even a problem with the name's siblings says whose they are.
        let name = node.get("name").and_then(Node::as_text);
        let site = match (role, name) {
            (Role::ObjectField, Some(name)) => site.nested(format_args!("field {name}")),
            (Role::ObjectField, None) => site.nested("field"),
            (_, Some(name)) => site.parameter(name),
            (_, None) => site.clone(),
        };
        let map = self.mapping(&site, node, role.keys())?;
        let name = self.text_of(&site, &map, "name");
        let rust_name = self.text_of(&site, &map, "rust_name");
        let description = self.text_of(&site, &map, "description");
        let required = match map.get("required") {
            Some(entry) => self.flag(&site, entry),
            None => Some(Spanned::new(false, map.span)),
        };
        let location = map.get("location").and_then(|e| self.location(&site, e));
        let default = map.get("default").and_then(|e| self.scalar(&site, e));
        let example = map.get("example").and_then(|e| self.scalar(&site, e));
        let common = map.get("common").and_then(|e| self.common(&site, e));
        let sensitive = match map.get("sensitive") {
            Some(entry) => self.flag(&site, entry),
            None => Some(Spanned::new(false, map.span)),
        };
        let ty = self.type_spec(&site, &map, map.get("type").map(|e| e.key_span));
        Some(FieldSpec {
            span: map.span,
            name: name?,
            rust_name,
            description,
            required: required?,
            location,
            default,
            example,
            common,
            sensitive: sensitive?,
            ty: ty?,
        })
    }

    /// A type written as its own mapping (`items`, `value`, `schema`).
    fn nested_type(&mut self, site: &Site<'_>, node: &Node) -> Option<TypeSpec> {
        let map = self.mapping(site, node, &NESTED_TYPE_KEYS)?;
        self.type_spec(site, &map, Some(map.span))
    }

    /// The type keys of `map`, whose type is written at `span` (`None` when `type` is missing). A type is
    /// named by `type_name` wherever it is written, so that in a field `rust_name` always names the field.
    fn type_spec(&mut self, site: &Site<'_>, map: &Entries<'_>, span: Option<Span>) -> Option<TypeSpec> {
        let kind = map.get("type").and_then(|e| self.type_kind(site, e));
        let type_name = self.text_of(site, map, "type_name");
        let values = self.list_of(site, map, "values", Reader::enum_value);
        let items = map.get("items").and_then(|e| self.nested_type(&site.nested("items"), e.value));
        let value = map.get("value").and_then(|e| self.nested_type(&site.nested("value"), e.value));
        let fields = self.list_of(site, map, "fields", |r, s, n, _| r.field(s, n, Role::ObjectField));
        let variants = self.list_of(site, map, "variants", |r, s, n, _| r.variant(s, n));
        // A json parameter's schema is its whole shape: paths inside it start at its fields.
        let schema = map.get("schema").and_then(|e| self.nested_type(site, e.value));
        let model = self.text_of(site, map, "model");
        let wrapper = self.text_of(site, map, "wrapper");
        let separator = self.text_of(site, map, "separator");
        let constraints = self.constraints(site, map);
        Some(TypeSpec {
            span: span?,
            kind: kind?,
            type_name,
            values,
            items: items.map(Box::new),
            value: value.map(Box::new),
            fields,
            variants,
            schema: schema.map(Box::new),
            model,
            wrapper,
            separator,
            constraints,
        })
    }

    fn type_kind(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<TypeKind>> {
        let keyword = self.text(site, entry)?;
        let kind = TypeKind::from_keyword(&keyword.value);
        if kind.is_none() {
            let valid: Vec<_> = TypeKind::ALL.iter().map(|k| k.keyword()).collect();
            let message = format!("unknown type `{}`; expected one of: {}", keyword.value, valid.join(", "));
            self.report(site, keyword.span, message);
        }
        Some(Spanned::new(kind?, keyword.span))
    }

    fn constraints(&mut self, site: &Site<'_>, map: &Entries<'_>) -> Constraints {
        let mut scalar = |key| map.get(key).and_then(|e| self.scalar(site, e));
        let (min, max) = (scalar("min"), scalar("max"));
        let mut count = |key| map.get(key).and_then(|e| self.count(site, e));
        let (min_length, max_length) = (count("min_length"), count("max_length"));
        let (min_items, max_items) = (count("min_items"), count("max_items"));
        let mut flag = |key| map.get(key).and_then(|e| self.flag(site, e));
        let (unique_items, unique_values) = (flag("unique_items"), flag("unique_values"));
        Constraints {
            min,
            max,
            min_length,
            max_length,
            pattern: self.text_of(site, map, "pattern"),
            min_items,
            max_items,
            unique_items,
            unique_values,
            allowed: map.get("allowed").and_then(|e| self.allowed(site, e)),
        }
    }

    fn allowed(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<Vec<Spanned<Scalar>>>> {
        let items = self.sequence(site, entry)?;
        let values: Vec<_> = items
            .iter()
            .enumerate()
            .filter_map(|(i, node)| self.scalar_at(site, Label::Item(entry.key, i + 1), node.span, node))
            .collect();
        (values.len() == items.len()).then(|| Spanned::new(values, entry.value.span))
    }

    /// `- Running` or `- { value: Running, rust_name: ..., description: ... }`.
    fn enum_value(&mut self, site: &Site<'_>, node: &Node, index: usize) -> Option<EnumValueSpec> {
        if let NodeKind::Scalar(_) = node.kind {
            let value = self.text_at(site, Label::Item("values", index), node.span, node)?;
            return Some(EnumValueSpec { value, rust_name: None, description: None });
        }
        let map = self.mapping(site, node, &ENUM_VALUE_KEYS)?;
        let value = self.text_of(site, &map, "value");
        let rust_name = self.text_of(site, &map, "rust_name");
        let description = self.text_of(site, &map, "description");
        Some(EnumValueSpec { value: value?, rust_name, description })
    }

    fn variant(&mut self, site: &Site<'_>, node: &Node) -> Option<VariantSpec> {
        let site = match node.get("name").and_then(Node::as_text) {
            Some(name) => site.nested(format_args!("variant {name}")),
            None => site.nested("variant"),
        };
        let map = self.mapping(&site, node, &VARIANT_KEYS)?;
        let name = self.text_of(&site, &map, "name");
        let description = self.text_of(&site, &map, "description");
        let ty = self.type_spec(&site, &map, Some(map.span));
        Some(VariantSpec { span: map.span, name: name?, description, ty: ty? })
    }

    /// A mapping with exactly one kind key (`differ: [...]`) and an optional `description`.
    fn rule(&mut self, site: &Site<'_>, node: &Node) -> Option<RuleSpec> {
        let kinds: Vec<&str> = rule_kinds().collect();
        let keys = Keys { what: "a rule", groups: &[&kinds, &["description"]], required: &[] };
        let map = self.mapping(site, node, &keys)?;
        let description = self.text_of(site, &map, "description");
        let present: Vec<_> = RULE_KINDS.iter().filter_map(|(k, read)| Some((map.get(k)?, *read))).collect();
        match present.as_slice() {
            // An unknown key reported already is most likely the kind, misspelt.
            [] if map.rejected > 0 => None,
            [] => {
                let message = format!("a rule needs one kind key, one of: {}", kinds.join(", "));
                self.report(site, map.span, message);
                None
            }
            [(kind, read)] => read(self, site, RuleParts { span: map.span, kind: *kind, description }),
            [(first, _), (second, _), ..] => {
                let message = format!("a rule has one kind key, but this one has `{}` and `{}`", first.key, second.key);
                self.report(site, second.key_span, message);
                None
            }
        }
    }

    /// `differ: [A, B, ...]`.
    fn differ(&mut self, site: &Site<'_>, parts: RuleParts<'_>) -> Option<RuleSpec> {
        let names = self.sequence(site, parts.kind)?;
        let parameters: Vec<_> = names
            .iter()
            .enumerate()
            .filter_map(|(i, node)| self.text_at(site, Label::Item(parts.kind.key, i + 1), node.span, node))
            .collect();
        (parameters.len() == names.len()).then_some(RuleSpec::Differ {
            span: parts.span,
            parameters,
            description: parts.description,
        })
    }

    fn error(&mut self, site: &Site<'_>, node: &Node, _index: usize) -> Option<ErrorSpec> {
        let map = self.mapping(site, node, &ERROR_KEYS)?;
        let code = self.text_of(site, &map, "code");
        let status = map.get("status").and_then(|e| self.status(site, e));
        let description = self.text_of(site, &map, "description");
        let rust_name = self.text_of(site, &map, "rust_name");
        Some(ErrorSpec { span: map.span, code: code?, status: status?, description: description?, rust_name })
    }

    fn status(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<u16>> {
        let value = self.scalar(site, entry)?;
        let status = match value.value {
            Scalar::Int(n) => u16::try_from(n).ok().filter(|n| (100..=599).contains(n)),
            _ => None,
        };
        if status.is_none() {
            let message = format!("`status` must be an HTTP status code from 100 to 599, found {}", show(&value.value));
            self.report(site, value.span, message);
        }
        Some(Spanned::new(status?, value.span))
    }

    /// `common: shared`.
    fn common(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<Common>> {
        let text = self.text(site, entry)?;
        match text.value.as_str() {
            "shared" => Some(Spanned::new(Common::Shared, text.span)),
            other => {
                self.report(site, text.span, format!("`common` must be `shared`, found `{other}`"));
                None
            }
        }
    }

    fn location(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<Location>> {
        let text = self.text(site, entry)?;
        let location = match text.value.as_str() {
            "query" => Location::Query,
            "body" => Location::Body,
            other => {
                self.report(site, text.span, format!("`location` must be `query` or `body`, found `{other}`"));
                return None;
            }
        };
        Some(Spanned::new(location, text.span))
    }

    /// Checks the node is a mapping whose keys are known, unique names, and that required keys are present.
    fn mapping<'n>(&mut self, site: &Site<'_>, node: &'n Node, keys: &Keys<'_>) -> Option<Entries<'n>> {
        let pairs = match &node.kind {
            NodeKind::Mapping(pairs) => pairs,
            NodeKind::Invalid => return None,
            _ => {
                let message = format!("expected {} (a mapping), found {}", keys.what, node.describe());
                self.report(site, node.span, message);
                return None;
            }
        };
        let mut entries: Vec<Entry<'n>> = Vec::new();
        let mut rejected = 0;
        for (key_node, value) in pairs {
            let Some(key) = key_node.as_scalar().filter(|s| !s.is_null()).map(|s| s.text.as_str()) else {
                rejected += 1;
                if key_node.kind != NodeKind::Invalid {
                    let message = format!("keys of {} must be names, found {}", keys.what, key_node.describe());
                    self.report(site, key_node.span, message);
                }
                continue;
            };
            if let Some(first) = entries.iter().find(|e| e.key == key) {
                rejected += 1;
                let message = format!("duplicate key `{key}` (first at line {})", first.key_span.line);
                self.report(site, key_node.span, message);
            } else if !keys.contains(key) {
                rejected += 1;
                self.report(site, key_node.span, unknown_key(key, keys));
            } else {
                entries.push(Entry { key, key_span: key_node.span, value });
            }
        }
        for &required in keys.required {
            if !entries.iter().any(|e| e.key == required) {
                self.report(site, node.span, format!("missing required key `{required}` in {}", keys.what));
            }
        }
        Some(Entries { span: node.span, entries, rejected })
    }

    /// The items of `key`'s list, each read by `read` (with its 1-based index); absent key: empty.
    fn list_of<T>(
        &mut self,
        site: &Site<'_>,
        map: &Entries<'_>,
        key: &str,
        mut read: impl FnMut(&mut Self, &Site<'_>, &Node, usize) -> Option<T>,
    ) -> Vec<T> {
        let Some(entry) = map.get(key) else { return Vec::new() };
        let Some(items) = self.sequence(site, entry) else { return Vec::new() };
        items.iter().enumerate().filter_map(|(i, node)| read(self, site, node, i + 1)).collect()
    }

    fn sequence<'n>(&mut self, site: &Site<'_>, entry: Entry<'n>) -> Option<&'n [Node]> {
        match &entry.value.kind {
            NodeKind::Sequence(items) => Some(items),
            _ => self.wrong_kind(site, Label::Key(entry.key), entry.key_span, entry.value, "a list"),
        }
    }

    /// The text of `key`, if present.
    fn text_of(&mut self, site: &Site<'_>, map: &Entries<'_>, key: &str) -> Option<Spanned<String>> {
        map.get(key).and_then(|e| self.text(site, e))
    }

    fn text(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<String>> {
        self.text_at(site, Label::Key(entry.key), entry.key_span, entry.value)
    }

    /// Any scalar's text: for string-valued keys, `2014-08-15` and `"2014-08-15"` are the same.
    fn text_at(&mut self, site: &Site<'_>, label: Label<'_>, at: Span, node: &Node) -> Option<Spanned<String>> {
        let scalar = self.scalar_node(site, label, at, node, "a string")?;
        Some(Spanned::new(scalar.text.clone(), node.span))
    }

    fn scalar(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<Scalar>> {
        self.scalar_at(site, Label::Key(entry.key), entry.key_span, entry.value)
    }

    fn scalar_at(&mut self, site: &Site<'_>, label: Label<'_>, at: Span, node: &Node) -> Option<Spanned<Scalar>> {
        let scalar = self.scalar_node(site, label, at, node, "a scalar")?;
        match scalar_value(scalar) {
            Ok(value) => Some(Spanned::new(value, node.span)),
            Err(problem) => {
                self.report(site, node.span, format!("{label}: {problem}"));
                None
            }
        }
    }

    /// `true` or `false`, unquoted.
    fn flag(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<bool>> {
        let expected = "true or false";
        let scalar = self.scalar_node(site, Label::Key(entry.key), entry.key_span, entry.value, expected)?;
        match scalar_value(scalar) {
            Ok(Scalar::Bool(b)) => Some(Spanned::new(b, entry.value.span)),
            _ => self.wrong_kind(site, Label::Key(entry.key), entry.key_span, entry.value, expected),
        }
    }

    /// A non-negative integer, unquoted.
    fn count(&mut self, site: &Site<'_>, entry: Entry<'_>) -> Option<Spanned<u64>> {
        let expected = "a non-negative integer";
        let scalar = self.scalar_node(site, Label::Key(entry.key), entry.key_span, entry.value, expected)?;
        match scalar_value(scalar) {
            Ok(Scalar::Int(n)) if n < 0 => {
                self.report(site, entry.value.span, format!("`{}` must not be negative, found {n}", entry.key));
                None
            }
            Ok(Scalar::Int(n)) => Some(Spanned::new(n.unsigned_abs(), entry.value.span)),
            _ => self.wrong_kind(site, Label::Key(entry.key), entry.key_span, entry.value, expected),
        }
    }

    /// A scalar that is not null; `at` is where to point when the value is missing (the key, since an empty
    /// value has no position of its own).
    fn scalar_node<'n>(
        &mut self,
        site: &Site<'_>,
        label: Label<'_>,
        at: Span,
        node: &'n Node,
        expected: &str,
    ) -> Option<&'n ScalarNode> {
        match &node.kind {
            NodeKind::Scalar(s) if s.is_null() => {
                self.report(site, at, format!("{label} has no value; expected {expected}"));
                None
            }
            NodeKind::Scalar(s) => Some(s),
            _ => self.wrong_kind(site, label, at, node, expected),
        }
    }

    /// Reports a value of the wrong kind (an alias was reported already) and gives up on it.
    fn wrong_kind<T>(&mut self, site: &Site<'_>, label: Label<'_>, at: Span, node: &Node, expected: &str) -> Option<T> {
        let is_null = node.as_scalar().is_some_and(ScalarNode::is_null);
        match node.kind {
            NodeKind::Invalid => {}
            _ if is_null => self.report(site, at, format!("{label} has no value; expected {expected}")),
            _ => self.report(site, node.span, format!("{label} must be {expected}, found {}", node.describe())),
        }
        None
    }
}

/// "unknown key `foo` in a parameter; expected one of: ...", with a hint when the key belongs elsewhere.
fn unknown_key(key: &str, keys: &Keys<'_>) -> String {
    let expected: Vec<_> = keys.names().collect();
    let hint = match key {
        "location" | "default" | "common" => " (only request parameters have it)",
        "example" => " (only request parameters and response fields have it)",
        "rust_name" => " (a type is named with `type_name`)",
        _ => "",
    };
    format!("unknown key `{key}` in {}{hint}; expected one of: {}", keys.what, expected.join(", "))
}

/// A scalar as messages show it.
pub(crate) fn show(value: &Scalar) -> String {
    match value {
        Scalar::String(s) => format!("the string `{s}`"),
        Scalar::Int(n) => format!("the integer {n}"),
        Scalar::Float(x) => format!("the number {x}"),
        Scalar::Bool(b) => format!("`{b}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Scalar {
        scalar_value(&ScalarNode { text: text.to_owned(), style: ScalarStyle::Plain }).unwrap()
    }

    #[test]
    fn converts_plain_scalars() {
        assert_eq!(plain("true"), Scalar::Bool(true));
        assert_eq!(plain("-12"), Scalar::Int(-12));
        assert_eq!(plain("0x1F"), Scalar::Int(31));
        assert_eq!(plain("1.5"), Scalar::Float(1.5));
        assert_eq!(plain("2e3"), Scalar::Float(2000.0));
        assert_eq!(plain("2014-08-15"), Scalar::String("2014-08-15".into()));
        assert_eq!(plain(".inf"), Scalar::String(".inf".into()));
        assert_eq!(plain("True"), Scalar::String("True".into()));
        assert_eq!(plain("1.2.3"), Scalar::String("1.2.3".into()));
    }

    #[test]
    fn quoted_scalars_are_strings() {
        let quoted = ScalarNode { text: "12".to_owned(), style: ScalarStyle::DoubleQuoted };
        assert_eq!(scalar_value(&quoted), Ok(Scalar::String("12".into())));
    }

    #[test]
    fn integer_overflow_is_an_error() {
        let node = ScalarNode { text: "99999999999999999999".to_owned(), style: ScalarStyle::Plain };
        assert!(scalar_value(&node).is_err());
    }

    #[test]
    fn paths_prefix_messages() {
        let file = Path::new("X.yaml");
        let site = Site::new(file).operation("X").parameter("DBInfo").nested("field DBNames").nested("items");
        let d = site.diagnostic(Span { line: 3, column: 5 }, "boom");
        assert_eq!(d.message, "field DBNames: items: boom");
        assert_eq!(d.operation.as_deref(), Some("X"));
        assert_eq!(d.parameter.as_deref(), Some("DBInfo"));
    }
}
