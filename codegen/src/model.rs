//! The intermediate model: checked specs with every name resolved, the one input of every emitter.
//!
//! `build` runs only on specs that passed `check`, so it trusts them: names are valid, constraints fit their
//! types, rules name real parameters. It still reports what only shows up after naming (two inline types of
//! one operation that derive the same Rust name), as diagnostics, never as a panic.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::names;
use crate::spec::{self, Scalar, TypeKind};

pub use crate::spec::Location;

/// The whole API: the service and its operations, sorted by wire name.
#[derive(Clone, Debug)]
pub struct Api {
    /// What the operations share.
    pub service: Service,
    /// Sorted by wire name, so output order never depends on the file system.
    pub operations: Vec<Operation>,
    /// Shared models (and the inline types written inside them), by Rust name.
    pub models: BTreeMap<String, NamedType>,
}

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
}

impl Method {
    fn parse(s: &str) -> Method {
        if s.eq_ignore_ascii_case("GET") {
            Method::Get
        } else {
            Method::Post
        }
    }
}

/// The service file, resolved.
#[derive(Clone, Debug)]
pub struct Service {
    /// Service name for docs.
    pub name: String,
    /// Product code.
    pub product: String,
    /// API version.
    pub version: String,
    /// Default endpoint URL.
    pub endpoint: String,
    /// Service description.
    pub description: Option<String>,
    /// Errors every operation may return.
    pub errors: Vec<ErrorCase>,
}

/// One operation, resolved.
#[derive(Clone, Debug)]
pub struct Operation {
    /// Wire name (`Action`).
    pub wire_name: String,
    /// Prefix of the operation's Rust types (`ImportDatabaseBetweenInstances`).
    pub type_prefix: String,
    /// Rust module name (`import_database_between_instances`).
    pub module: String,
    /// One-line summary.
    pub summary: String,
    /// Longer description.
    pub description: Option<String>,
    /// HTTP method (the operation's own, else the service default).
    pub method: Method,
    /// Whether a retry may re-send the request.
    pub idempotent: bool,
    /// The deprecation note, when deprecated.
    pub deprecated: Option<String>,
    /// Request parameters, in spec order.
    pub params: Vec<Field>,
    /// Cross-parameter rules.
    pub rules: Vec<Rule>,
    /// Response fields, in spec order.
    pub response: Vec<Field>,
    /// Known error codes of the operation itself.
    pub errors: Vec<ErrorCase>,
    /// Enums, objects and one_ofs written inline in the operation, by Rust name.
    pub types: BTreeMap<String, NamedType>,
    /// How the operation pages, when it does.
    pub pagination: Option<Pagination>,
}

/// How an operation pages through a long list; names are Rust field names.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The response field holding a page's items (a list).
    pub items: String,
    /// The items' type.
    pub item_type: Type,
    /// Paging by page number.
    pub page_number: Option<PageNumberPaging>,
    /// Paging by continuation token.
    pub token: Option<TokenPaging>,
}

/// Page-number paging, by Rust field names.
#[derive(Clone, Debug)]
pub struct PageNumberPaging {
    /// The request's page-number field.
    pub page: IntField,
    /// The request's page-size field.
    pub size: IntField,
    /// The page size the service assumes when none is sent (the parameter's documented `default`).
    pub default_size: Option<i64>,
    /// The response's total-count field.
    pub total: Option<IntField>,
}

/// An integer field named by pagination: its Rust name and whether it is already an `i64`.
#[derive(Clone, Debug)]
pub struct IntField {
    /// Rust field name.
    pub name: String,
    /// `i64` (else `i32`).
    pub int64: bool,
}

impl IntField {
    fn of(field: Field) -> IntField {
        IntField { int64: matches!(field.ty.shape, Shape::Int64), name: field.rust_name }
    }
}

/// Token paging, by Rust field names.
#[derive(Clone, Debug)]
pub struct TokenPaging {
    /// The request's token field.
    pub token: String,
    /// The response's next-token field.
    pub next_token: String,
    /// The request's page-size field.
    pub size: Option<String>,
}

/// A parameter, response field or object field.
#[derive(Clone, Debug)]
pub struct Field {
    /// Exact wire name.
    pub wire_name: String,
    /// Rust name, unescaped (the emitter makes keywords raw identifiers).
    pub rust_name: String,
    /// Rustdoc text.
    pub description: Option<String>,
    /// Required fields are not `Option` in Rust.
    pub required: bool,
    /// Where a request parameter travels.
    pub location: Location,
    /// Documented default.
    pub default: Option<Scalar>,
    /// Documented example.
    pub example: Option<Scalar>,
    /// `common: shared`: the request parameter is the client's common parameter of the same name
    /// (`SecurityToken`), whose value must agree with the client's own.
    pub shared_common: bool,
    /// `sensitive: true` (request parameters only): the value is sent but never shown: the request's `Debug`
    /// prints `***` for it and its violations carry no value.
    pub sensitive: bool,
    /// Type and constraints.
    pub ty: Type,
}

/// A type with its constraints.
#[derive(Clone, Debug)]
pub struct Type {
    /// What the value is.
    pub shape: Shape,
    /// What it must satisfy.
    pub constraints: Constraints,
}

/// The shape of a value.
#[derive(Clone, Debug)]
pub enum Shape {
    /// `String`.
    String,
    /// `i32`.
    Int32,
    /// `i64`.
    Int64,
    /// `bool`.
    Boolean,
    /// `f64`.
    Float,
    /// `f32`.
    Float32,
    /// Any JSON value (`serde_json::Value`, re-exported as `rds_api::runtime::JsonValue`).
    Any,
    /// A named type of the operation (enum, object or one_of).
    Named(String),
    /// A shared model, by Rust name.
    Model(String),
    /// `Vec<T>`; `wrapper` is the element key of Alibaba's wrapper object in responses.
    List {
        /// Element type.
        items: Box<Type>,
        /// Wrapper element key, when the response wraps the array.
        wrapper: Option<String>,
        /// In a request: sent as one parameter with the elements joined by this text, not flattened.
        separator: Option<String>,
    },
    /// `Vec<(String, T)>`, keeping the caller's order.
    Map {
        /// Value type.
        value: Box<Type>,
    },
    /// A value sent as one JSON-encoded string.
    Json(Box<Type>),
}

/// Constraints, with bounds kept as written (the emitter renders them as literals of the right type).
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// Inclusive lower bound.
    pub min: Option<Scalar>,
    /// Inclusive upper bound.
    pub max: Option<Scalar>,
    /// Minimum length in characters.
    pub min_length: Option<u64>,
    /// Maximum length in characters.
    pub max_length: Option<u64>,
    /// Whole-value regular expression.
    pub pattern: Option<String>,
    /// Minimum element count.
    pub min_items: Option<u64>,
    /// Maximum element count.
    pub max_items: Option<u64>,
    /// No two elements (list) or keys (map) equal.
    pub unique_items: bool,
    /// No two map values equal.
    pub unique_values: bool,
    /// The only values accepted.
    pub allowed: Vec<Scalar>,
}

impl Constraints {
    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.min.is_none()
            && self.max.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.min_items.is_none()
            && self.max_items.is_none()
            && !self.unique_items
            && !self.unique_values
            && self.allowed.is_empty()
    }
}

/// An enum, object or one_of, named within its operation.
#[derive(Clone, Debug)]
pub struct NamedType {
    /// Rust type name.
    pub name: String,
    /// Rustdoc text.
    pub description: Option<String>,
    /// What it is.
    pub kind: NamedKind,
    /// Used in the request (needs validation and encoding).
    pub in_request: bool,
    /// Used in the response (needs lenient decoding; enums keep unknown values).
    pub in_response: bool,
    /// An object sent flattened in a request (`Tag.1.Key`, `Period.Start`), not inside a `json` value.
    pub flattened: bool,
}

/// The kinds of named type.
#[derive(Clone, Debug)]
pub enum NamedKind {
    /// A set of wire values.
    Enum(Vec<EnumValue>),
    /// A structure.
    Object(Vec<Field>),
    /// One of several shapes, untagged on the wire.
    OneOf(Vec<Variant>),
}

/// One enum value.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// Wire value.
    pub wire: String,
    /// Rust variant name.
    pub rust_name: String,
    /// Rustdoc text.
    pub description: Option<String>,
}

/// One variant of a one_of.
#[derive(Clone, Debug)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// Rustdoc text.
    pub description: Option<String>,
    /// The variant's shape.
    pub ty: Type,
}

/// A cross-parameter rule.
#[derive(Clone, Debug)]
pub enum Rule {
    /// The parameters, when all present, must not all be equal.
    Differ {
        /// The parameters, as (wire name, Rust name, required).
        parameters: Vec<RuleParam>,
        /// Explanation shown in the violation.
        description: Option<String>,
    },
}

/// A parameter named by a rule.
#[derive(Clone, Debug)]
pub struct RuleParam {
    /// Wire name.
    pub wire_name: String,
    /// Rust field name (unescaped).
    pub rust_name: String,
    /// Whether the field is required (not `Option`).
    pub required: bool,
    /// Whether the parameter is sensitive (its value never shown).
    pub sensitive: bool,
}

/// A known error code.
#[derive(Clone, Debug)]
pub struct ErrorCase {
    /// The `Code` of the error body.
    pub code: String,
    /// Rust variant name.
    pub rust_name: String,
    /// HTTP status.
    pub status: u16,
    /// Meaning.
    pub description: String,
}

/// Which side of the wire a type is met on, while naming inline types.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Resolves checked specs into the model.
pub fn build(set: &spec::SpecSet) -> Result<Api, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    let service = &set.service;
    let default_method = Method::parse(&service.http_method.value);
    let mut operations: Vec<Operation> = set
        .operations
        .iter()
        .map(|op| OperationBuilder::new(op, &mut diagnostics).build(default_method, &service.parameter_groups))
        .collect();
    operations.sort_by(|a, b| a.wire_name.cmp(&b.wire_name));
    let models = models(set, &operations, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(diagnostics.sorted());
    }
    Ok(Api {
        service: Service {
            name: service.name.value.clone(),
            product: service.product.value.clone(),
            version: service.version.value.clone(),
            endpoint: service.endpoint.value.clone(),
            description: text(&service.description),
            errors: service.errors.iter().map(error_case).collect(),
        },
        operations,
        models,
    })
}

/// The shared models, with every inline type written inside them, each marked with the sides it is used on
/// (a model only ever used in responses needs no encoding, and its enums keep unknown values).
fn models(set: &spec::SpecSet, operations: &[Operation], diagnostics: &mut Diagnostics) -> BTreeMap<String, NamedType> {
    let mut types = BTreeMap::new();
    // Which model each named type came from, so that usage flags can be given per model file.
    let mut origin: BTreeMap<String, String> = BTreeMap::new();
    for model in &set.models {
        let mut builder = OperationBuilder::for_models(&model.file, diagnostics);
        builder.ty(&model.ty, Side::Response, &model.name.value, &model.name.value);
        if let Some(top) = builder.types.get_mut(&model.name.value) {
            top.description = text(&model.description);
        }
        for (name, t) in builder.types {
            if types.contains_key(&name) {
                let message = format!("the type `{name}` is defined by two model files; rename one (type_name)");
                diagnostics.push(Diagnostic::new(&model.file, model.name.span, message));
                continue;
            }
            origin.insert(name.clone(), model.name.value.clone());
            types.insert(name, t);
        }
    }
    // Usage: a model is used on a side when an operation uses it there, or a model used there contains it.
    let mut used: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for op in operations {
        for (fields, request) in [(&op.params, true), (&op.response, false)] {
            let mut found = Vec::new();
            for f in fields {
                model_refs(&f.ty, &op.types, &mut found);
            }
            for name in found {
                mark(&mut used, &name, request);
            }
        }
    }
    loop {
        let before = used.clone();
        for (name, t) in &types {
            let Some(&(request, response)) = origin.get(name).and_then(|m| before.get(m)) else {
                continue;
            };
            let mut found = Vec::new();
            for ty in named_children(t) {
                model_refs(ty, &types, &mut found);
            }
            for inner in found {
                if request {
                    mark(&mut used, &inner, true);
                }
                if response {
                    mark(&mut used, &inner, false);
                }
            }
        }
        if used == before {
            break;
        }
    }
    for (name, t) in &mut types {
        let (request, response) = origin.get(name).and_then(|m| used.get(m)).copied().unwrap_or_default();
        t.in_request = request;
        t.in_response = response;
    }
    types
}

fn mark(used: &mut BTreeMap<String, (bool, bool)>, name: &str, request: bool) {
    let entry = used.entry(name.to_owned()).or_default();
    if request {
        entry.0 = true;
    } else {
        entry.1 = true;
    }
}

/// The types directly inside a named type.
fn named_children(t: &NamedType) -> Vec<&Type> {
    match &t.kind {
        NamedKind::Enum(_) => Vec::new(),
        NamedKind::Object(fields) => fields.iter().map(|f| &f.ty).collect(),
        NamedKind::OneOf(variants) => variants.iter().map(|v| &v.ty).collect(),
    }
}

/// The models `ty` refers to, looking through lists, maps, json values and the inline types of `scope`.
fn model_refs(ty: &Type, scope: &BTreeMap<String, NamedType>, found: &mut Vec<String>) {
    match &ty.shape {
        Shape::Model(name) => found.push(name.clone()),
        Shape::List { items: inner, .. } | Shape::Map { value: inner } | Shape::Json(inner) => {
            model_refs(inner, scope, found)
        }
        Shape::Named(name) => {
            if let Some(t) = scope.get(name) {
                for child in named_children(t) {
                    model_refs(child, scope, found);
                }
            }
        }
        _ => {}
    }
}

/// The models an operation uses, directly or inside its inline types, sorted and once each.
pub fn operation_models(op: &Operation) -> Vec<String> {
    let mut found = Vec::new();
    for f in op.params.iter().chain(&op.response) {
        model_refs(&f.ty, &op.types, &mut found);
    }
    found.sort();
    found.dedup();
    found
}

fn text(s: &Option<spec::Spanned<String>>) -> Option<String> {
    s.as_ref().map(|s| s.value.trim_end().to_owned())
}

fn error_case(e: &spec::ErrorSpec) -> ErrorCase {
    ErrorCase {
        code: e.code.value.clone(),
        rust_name: e
            .rust_name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_else(|| names::rust_type_name(&e.code.value)),
        status: e.status.value,
        description: e.description.value.trim_end().to_owned(),
    }
}

/// Walks one operation (or one model file), collecting its inline named types.
struct OperationBuilder<'a> {
    file: &'a std::path::Path,
    /// The operation's wire name, for diagnostics; `None` in a model file.
    operation: Option<&'a str>,
    spec: Option<&'a spec::OperationSpec>,
    types: BTreeMap<String, NamedType>,
    /// Where each named type was first defined, to report a clash at the second definition.
    origins: BTreeMap<String, spec::Span>,
    diagnostics: &'a mut Diagnostics,
}

impl<'a> OperationBuilder<'a> {
    fn new(spec: &'a spec::OperationSpec, diagnostics: &'a mut Diagnostics) -> Self {
        OperationBuilder {
            file: &spec.file,
            operation: Some(&spec.name.value),
            spec: Some(spec),
            types: BTreeMap::new(),
            origins: BTreeMap::new(),
            diagnostics,
        }
    }

    fn for_models(file: &'a std::path::Path, diagnostics: &'a mut Diagnostics) -> Self {
        OperationBuilder {
            file,
            operation: None,
            spec: None,
            types: BTreeMap::new(),
            origins: BTreeMap::new(),
            diagnostics,
        }
    }

    fn build(mut self, default_method: Method, groups: &[spec::ParameterGroupSpec]) -> Operation {
        let op = self.spec.expect("built from an operation");
        let type_prefix =
            op.rust_name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| names::rust_type_name(&op.name.value));
        // Included groups' parameters follow the operation's own, in `include` order (check made them exist).
        let included = op
            .include
            .iter()
            .filter_map(|name| groups.iter().find(|g| g.name.value == name.value))
            .flat_map(|g| &g.parameters);
        let mut params: Vec<Field> =
            op.parameters.iter().chain(included).map(|p| self.field(p, Side::Request, &p.name.value)).collect();
        for p in &mut params {
            if !matches!(p.ty.shape, Shape::Json(_)) {
                mark_flattened(&mut self.types, &p.ty);
            }
            // A parameter holding a secret anywhere inside is a secret as a whole: its wire form (a JSON text,
            // or `Name.1.Field` parts) is never shown.
            p.sensitive |= holds_secret(&self.types, &p.ty);
        }
        let response: Vec<Field> = op.response.iter().map(|f| self.field(f, Side::Response, &f.name.value)).collect();
        let rules = op.rules.iter().map(|r| rule(r, &params)).collect();
        let pagination = op.pagination.as_ref().and_then(|p| pagination(p, &params, &response));
        Operation {
            wire_name: op.name.value.clone(),
            module: names::rust_field_name(&type_prefix),
            type_prefix,
            summary: op.summary.value.trim().to_owned(),
            description: text(&op.description),
            method: op.http_method.as_ref().map_or(default_method, |m| Method::parse(&m.value)),
            idempotent: op.idempotent.value,
            deprecated: op.deprecated.as_ref().map(|d| d.note.value.trim().to_owned()),
            params,
            rules,
            response,
            errors: op.errors.iter().map(error_case).collect(),
            types: self.types,
            pagination,
        }
    }

    fn field(&mut self, f: &spec::FieldSpec, side: Side, top: &str) -> Field {
        let rust_name =
            f.rust_name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| names::rust_field_name(&f.name.value));
        Field {
            wire_name: f.name.value.clone(),
            description: text(&f.description),
            required: f.required.value,
            location: f.location.as_ref().map_or(Location::Query, |l| l.value),
            default: f.default.as_ref().map(|d| d.value.clone()),
            example: f.example.as_ref().map(|e| e.value.clone()),
            shared_common: f.common.is_some(),
            // An operation's own `SecurityToken` is the STS token: a secret whether or not the spec says so.
            sensitive: f.sensitive.value || f.common.is_some(),
            ty: self.ty(&f.ty, side, &names::rust_type_name(&f.name.value), top),
            rust_name,
        }
    }

    /// `fallback` names an inline enum, object or one_of that has no `rust_name`; `top` is the parameter or
    /// field the type belongs to, for diagnostics.
    fn ty(&mut self, t: &spec::TypeSpec, side: Side, fallback: &str, top: &str) -> Type {
        let constraints = constraints(&t.constraints);
        let shape = match t.kind.value {
            TypeKind::String => Shape::String,
            TypeKind::Int32 => Shape::Int32,
            TypeKind::Int64 => Shape::Int64,
            TypeKind::Boolean => Shape::Boolean,
            TypeKind::Float => Shape::Float,
            TypeKind::Float32 => Shape::Float32,
            TypeKind::Any => Shape::Any,
            TypeKind::List => {
                let items = t.items.as_deref().map(|i| self.ty(i, side, &format!("{fallback}Item"), top));
                Shape::List {
                    items: Box::new(items.unwrap_or_else(string_type)),
                    wrapper: t.wrapper.as_ref().map(|w| w.value.clone()),
                    separator: t.separator.as_ref().map(|w| w.value.clone()),
                }
            }
            TypeKind::Map => {
                let value = t.value.as_deref().map(|v| self.ty(v, side, &format!("{fallback}Value"), top));
                Shape::Map { value: Box::new(value.unwrap_or_else(string_type)) }
            }
            TypeKind::Json => {
                let schema = t.schema.as_deref().map(|s| self.ty(s, side, fallback, top));
                Shape::Json(Box::new(schema.unwrap_or_else(string_type)))
            }
            TypeKind::Model => Shape::Model(t.model.as_ref().map(|m| m.value.clone()).unwrap_or_default()),
            TypeKind::Enum | TypeKind::Object | TypeKind::OneOf => {
                let name = t.type_name.as_ref().map_or_else(|| fallback.to_owned(), |n| n.value.clone());
                self.named(t, side, name, top)
            }
        };
        Type { shape, constraints }
    }

    fn named(&mut self, t: &spec::TypeSpec, side: Side, name: String, top: &str) -> Shape {
        let kind = match t.kind.value {
            TypeKind::Enum => NamedKind::Enum(
                t.values
                    .iter()
                    .map(|v| EnumValue {
                        wire: v.value.value.clone(),
                        rust_name: v
                            .rust_name
                            .as_ref()
                            .map(|n| n.value.clone())
                            .unwrap_or_else(|| names::rust_enum_value_name(&v.value.value)),
                        description: text(&v.description),
                    })
                    .collect(),
            ),
            TypeKind::Object => NamedKind::Object(t.fields.iter().map(|f| self.field(f, side, top)).collect()),
            _ => NamedKind::OneOf(
                t.variants
                    .iter()
                    .map(|v| Variant {
                        name: v.name.value.clone(),
                        description: text(&v.description),
                        ty: self.ty(&v.ty, side, &format!("{name}{}", v.name.value), top),
                    })
                    .collect(),
            ),
        };
        if let Some(existing) = self.types.get_mut(&name) {
            // The same enum written on both sides (a filter parameter and a response field) is one type.
            if let (NamedKind::Enum(a), NamedKind::Enum(b)) = (&existing.kind, &kind) {
                if a.iter().map(|v| &v.wire).eq(b.iter().map(|v| &v.wire)) {
                    existing.in_request |= side == Side::Request;
                    existing.in_response |= side == Side::Response;
                    return Shape::Named(name);
                }
            }
        }
        if let Some(first) = self.origins.get(&name) {
            let mut diagnostic = Diagnostic::new(
                self.file,
                t.span,
                format!(
                    "two inline types are both named `{name}` (the first at line {}); set `type_name` on one of them",
                    first.line
                ),
            )
            .parameter(top);
            if let Some(op) = self.operation {
                diagnostic = diagnostic.operation(op);
            }
            self.diagnostics.push(diagnostic);
        } else {
            self.origins.insert(name.clone(), t.span);
            self.types.insert(
                name.clone(),
                NamedType {
                    name: name.clone(),
                    description: None,
                    kind,
                    in_request: side == Side::Request,
                    in_response: side == Side::Response,
                    flattened: false,
                },
            );
        }
        Shape::Named(name)
    }
}

/// Whether any of `fields`, or of the fields and variants of `types`, holds an `any` value somewhere.
pub fn uses_any<'a>(fields: impl Iterator<Item = &'a Field>, types: impl Iterator<Item = &'a NamedType>) -> bool {
    fn any(ty: &Type) -> bool {
        match &ty.shape {
            Shape::Any => true,
            Shape::List { items: inner, .. } | Shape::Map { value: inner } | Shape::Json(inner) => any(inner),
            _ => false,
        }
    }
    let mut fields = fields;
    let mut types = types;
    fields.any(|f| any(&f.ty))
        || types.any(|t| match &t.kind {
            NamedKind::Object(fields) => fields.iter().any(|f| any(&f.ty)),
            NamedKind::OneOf(variants) => variants.iter().any(|v| any(&v.ty)),
            NamedKind::Enum(_) => false,
        })
}

/// Marks the objects a flattened request value is made of: they write (and the server reads) `Name.Field`.
fn mark_flattened(types: &mut BTreeMap<String, NamedType>, ty: &Type) {
    match &ty.shape {
        Shape::List { items, .. } => mark_flattened(types, items),
        Shape::Named(name) => {
            let Some(t) = types.get_mut(name) else { return };
            if t.flattened {
                return;
            }
            t.flattened = true;
            if let NamedKind::Object(fields) = &t.kind {
                for f in fields.clone() {
                    mark_flattened(types, &f.ty);
                }
            }
        }
        _ => {}
    }
}

/// Whether a value of `ty` has a `sensitive` field somewhere inside (inline types of the operation).
fn holds_secret(types: &BTreeMap<String, NamedType>, ty: &Type) -> bool {
    fn walk(types: &BTreeMap<String, NamedType>, ty: &Type, seen: &mut Vec<String>) -> bool {
        match &ty.shape {
            Shape::List { items: inner, .. } | Shape::Map { value: inner } | Shape::Json(inner) => {
                walk(types, inner, seen)
            }
            Shape::Named(name) if !seen.contains(name) => {
                seen.push(name.clone());
                match types.get(name).map(|t| &t.kind) {
                    Some(NamedKind::Object(fields)) => fields.iter().any(|f| f.sensitive || walk(types, &f.ty, seen)),
                    Some(NamedKind::OneOf(variants)) => variants.iter().any(|v| walk(types, &v.ty, seen)),
                    _ => false,
                }
            }
            _ => false,
        }
    }
    walk(types, ty, &mut Vec::new())
}

fn string_type() -> Type {
    Type { shape: Shape::String, constraints: Constraints::default() }
}

fn constraints(c: &spec::Constraints) -> Constraints {
    Constraints {
        min: c.min.as_ref().map(|v| v.value.clone()),
        max: c.max.as_ref().map(|v| v.value.clone()),
        min_length: c.min_length.as_ref().map(|v| v.value),
        max_length: c.max_length.as_ref().map(|v| v.value),
        pattern: c.pattern.as_ref().map(|v| v.value.clone()),
        min_items: c.min_items.as_ref().map(|v| v.value),
        max_items: c.max_items.as_ref().map(|v| v.value),
        unique_items: c.unique_items.as_ref().is_some_and(|v| v.value),
        unique_values: c.unique_values.as_ref().is_some_and(|v| v.value),
        allowed: c.allowed.as_ref().map(|a| a.value.iter().map(|v| v.value.clone()).collect()).unwrap_or_default(),
    }
}

/// Resolves wire names to Rust field names; `check` made sure they all exist with the right types.
fn pagination(p: &spec::PaginationSpec, params: &[Field], response: &[Field]) -> Option<Pagination> {
    let field = |fields: &[Field], wire: &str| fields.iter().find(|f| f.wire_name == wire).cloned();
    let items = field(response, &p.items.value)?;
    let Shape::List { items: item_type, .. } = items.ty.shape else {
        return None;
    };
    let page_number = match &p.page_number {
        Some(style) => {
            let size = field(params, &style.size.value)?;
            Some(PageNumberPaging {
                page: IntField::of(field(params, &style.page.value)?),
                default_size: match size.default {
                    Some(Scalar::Int(n)) => Some(n),
                    _ => None,
                },
                size: IntField::of(size),
                total: match &style.total {
                    Some(total) => Some(IntField::of(field(response, &total.value)?)),
                    None => None,
                },
            })
        }
        None => None,
    };
    let token = match &p.token {
        Some(style) => Some(TokenPaging {
            token: field(params, &style.token.value)?.rust_name,
            next_token: field(response, &style.next_token.value)?.rust_name,
            size: match &style.size {
                Some(size) => Some(field(params, &size.value)?.rust_name),
                None => None,
            },
        }),
        None => None,
    };
    Some(Pagination { items: items.rust_name, item_type: *item_type, page_number, token })
}

fn rule(r: &spec::RuleSpec, params: &[Field]) -> Rule {
    match r {
        spec::RuleSpec::Differ { parameters, description, .. } => Rule::Differ {
            parameters: parameters
                .iter()
                .filter_map(|name| params.iter().find(|p| p.wire_name == name.value))
                .map(|p| RuleParam {
                    wire_name: p.wire_name.clone(),
                    rust_name: p.rust_name.clone(),
                    required: p.required,
                    sensitive: p.sensitive,
                })
                .collect(),
            description: text(description),
        },
    }
}
