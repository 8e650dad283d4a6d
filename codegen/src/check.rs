//! Semantic rules over parsed specs: what YAML structure alone cannot say.
//!
//! Every check runs and every problem is reported, so that one run shows all of them. The modeller trusts
//! what passes: names are unique and valid Rust, constraints fit their types, rules name real parameters.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::names::{
    is_identifier, is_prelude_name, is_rust_keyword, is_snake_case, is_unescapable_keyword, is_upper_camel_case,
    operation_type_names, rust_enum_value_name, rust_field_name, rust_type_name, UNKNOWN_VARIANT,
};
use crate::parse::{file_stem, show, Site};
use crate::spec::{
    EnumValueSpec, ErrorSpec, FieldSpec, ModelSpec, OperationSpec, ParameterGroupSpec, RuleSpec, Scalar, ServiceSpec,
    Span, Spanned, SpecSet, TypeKind, TypeSpec, VariantSpec,
};

/// Every problem of a loaded spec directory.
pub fn check(set: &SpecSet) -> Vec<Diagnostic> {
    let mut out = check_service(&set.service);
    for op in &set.operations {
        out.extend(check_operation(op));
    }
    out.extend(check_operations(&set.operations));
    out.extend(check_includes(&set.service, &set.operations));
    out
}

/// The problems of `include:` lists: every group exists, is included once, and adds no parameter the operation
/// already has (by wire name or by Rust name).
pub fn check_includes(service: &ServiceSpec, ops: &[OperationSpec]) -> Vec<Diagnostic> {
    let mut c = Checker::default();
    let groups: HashMap<&str, &ParameterGroupSpec> =
        service.parameter_groups.iter().map(|g| (g.name.value.as_str(), g)).collect();
    for op in ops {
        let site = Site::new(&op.file).operation(&op.name.value);
        let mut wire: HashMap<String, String> = HashMap::new();
        let mut rust: HashMap<String, String> = HashMap::new();
        for p in &op.parameters {
            wire.insert(p.name.value.clone(), "the operation".to_owned());
            let name = p.rust_name.as_ref().map_or_else(|| rust_field_name(&p.name.value), |n| n.value.clone());
            rust.insert(name, p.name.value.clone());
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for include in &op.include {
            if let Some(first) = seen.insert(&include.value, include.span) {
                let message =
                    format!("parameter group `{}` is included twice (first at line {})", include.value, first.line);
                c.report(&site, include.span, message);
                continue;
            }
            let Some(group) = groups.get(include.value.as_str()) else {
                let mut known: Vec<&str> = groups.keys().copied().collect();
                known.sort_unstable();
                let known = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
                let message = format!(
                    "unknown parameter group `{}`; service.yaml's `parameter_groups` defines: {known}",
                    include.value
                );
                c.report(&site, include.span, message);
                continue;
            };
            for p in &group.parameters {
                let by = format!("parameter group `{}`", group.name.value);
                if let Some(first) = wire.insert(p.name.value.clone(), by.clone()) {
                    let message =
                        format!("parameter `{}` of {by} is also declared by {first}; remove one of them", p.name.value);
                    c.report(&site, include.span, message);
                    continue;
                }
                let name = p.rust_name.as_ref().map_or_else(|| rust_field_name(&p.name.value), |n| n.value.clone());
                if let Some(first) = rust.insert(name.clone(), p.name.value.clone()) {
                    let message = format!(
                        "parameter `{}` of {by} and parameter `{first}` both have the Rust name `{name}`; set rust_name on one of them",
                        p.name.value
                    );
                    c.report(&site, include.span, message);
                }
            }
        }
    }
    c.out
}

/// The problems of `service.yaml`.
pub fn check_service(service: &ServiceSpec) -> Vec<Diagnostic> {
    let site = Site::new(&service.file);
    let mut c = Checker::default();
    for (key, value) in [("name", &service.name), ("product", &service.product), ("version", &service.version)] {
        c.not_blank(&site, key, value);
    }
    if service.style.value != "rpc" {
        let message = format!("`style` must be `rpc` (the only style supported), found `{}`", service.style.value);
        c.report(&site, service.style.span, message);
    }
    c.http_method(&site, &service.http_method);
    let endpoint = &service.endpoint;
    let host = endpoint.value.strip_prefix("https://").or_else(|| endpoint.value.strip_prefix("http://"));
    if host.is_none_or(str::is_empty) {
        let message = format!("`endpoint` must be an http:// or https:// URL, found `{}`", endpoint.value);
        c.report(&site, endpoint.span, message);
    }
    c.errors(&site, &service.errors, false);
    let mut groups: HashMap<&str, Span> = HashMap::new();
    for group in &service.parameter_groups {
        let site = site.nested(format_args!("parameter group {}", group.name.value));
        if let Some(first) = groups.insert(&group.name.value, group.name.span) {
            let message = format!("duplicate parameter group `{}` (first at line {})", group.name.value, first.line);
            c.report(&site, group.name.span, message);
        }
        if group.parameters.is_empty() {
            c.report(&site, group.name.span, "a parameter group needs at least one parameter");
        }
        // A group's parameters join operations' modules, whose type names the operations' own checks guard;
        // here they are checked as parameters.
        c.fields(&site, &group.parameters, Context::top(Side::Request));
        for parameter in &group.parameters {
            c.common_parameter(&site.parameter(&parameter.name.value), parameter);
        }
    }
    c.out
}

/// The problems of one operation file, on its own.
pub fn check_operation(op: &OperationSpec) -> Vec<Diagnostic> {
    let site = Site::new(&op.file).operation(&op.name.value);
    let mut c = Checker { module: TypeModule::operation(op), ..Checker::default() };
    c.operation_name(&site, op);
    if let Some(rust_name) = &op.rust_name {
        c.explicit_name(&site, "rust_name", rust_name, Case::UpperCamel);
    }
    c.operation_rust_names(&site, op);
    c.summary(&site, &op.summary);
    if let Some(method) = &op.http_method {
        c.http_method(&site, method);
    }
    c.fields(&site, &op.parameters, Context::top(Side::Request));
    c.fields(&site, &op.response, Context::top(Side::Response));
    for parameter in &op.parameters {
        c.common_parameter(&site.parameter(&parameter.name.value), parameter);
    }
    for rule in &op.rules {
        c.rule(&site, rule, &op.parameters);
    }
    c.errors(&site, &op.errors, true);
    if let Some(pagination) = &op.pagination {
        c.pagination(&site, op, pagination);
    }
    c.out
}

/// The common parameters the client sends with every request (signature V1), each under its exact name.
pub const COMMON_PARAMETERS: [&str; 10] = [
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "SecurityToken",
];

/// The one common parameter a request may also carry, marked `common: shared`: the STS token.
pub const SHARED_COMMON_PARAMETER: &str = "SecurityToken";

/// The problems between operation files: names and Rust names used twice.
pub fn check_operations(ops: &[OperationSpec]) -> Vec<Diagnostic> {
    let mut c = Checker::default();
    let mut wire: HashMap<&str, &OperationSpec> = HashMap::new();
    let mut rust: HashMap<String, &OperationSpec> = HashMap::new();
    for op in ops {
        let site = Site::new(&op.file).operation(&op.name.value);
        if let Some(first) = wire.insert(&op.name.value, op) {
            let message = format!("operation `{}` is also defined in {}", op.name.value, file_name(first));
            c.report(&site, op.name.span, message);
            continue;
        }
        let (name, span) = match &op.rust_name {
            Some(n) => (n.value.clone(), n.span),
            None => (rust_type_name(&op.name.value), op.name.span),
        };
        if let Some(first) = rust.insert(name.clone(), op) {
            let message = format!(
                "operations `{}` ({}) and `{}` both have the Rust name `{name}`; set rust_name on one of them",
                first.name.value,
                file_name(first),
                op.name.value
            );
            c.report(&site, span, message);
        }
    }
    c.out
}

/// The problems of the shared models and of the references to them: each model on its own, then every
/// `model:` reference of every operation (the model exists; in a flattened request value only an enum
/// model fits).
pub fn check_models(models: &[ModelSpec], ops: &[OperationSpec]) -> Vec<Diagnostic> {
    let mut c = Checker::default();
    let mut seen: HashMap<&str, &ModelSpec> = HashMap::new();
    for model in models {
        let site = Site::new(&model.file);
        let name = &model.name;
        c.explicit_name(&site, "name", name, Case::UpperCamel);
        if name.value != file_stem(&model.file) {
            let message = format!("the model `{}` must be in a file named {}.yaml", name.value, name.value);
            c.report(&site, name.span, message);
        }
        if seen.insert(&name.value, model).is_some() {
            c.report(&site, name.span, format!("model `{}` is defined twice", name.value));
        }
        if !matches!(model.ty.kind.value, TypeKind::Enum | TypeKind::Object | TypeKind::OneOf) {
            let message = format!("a model must be an enum, object or one_of, found {}", model.ty.kind.value.keyword());
            c.report(&site, model.ty.kind.span, message);
        }
        c.module = TypeModule::model(model);
        let fallback = Fallback { name: name.value.clone(), span: name.span, from: None };
        c.ty(&site, &model.ty, Context { side: Side::Response, top: false, in_json: false }, &fallback);
    }
    for op in ops {
        let site = Site::new(&op.file).operation(&op.name.value);
        for field in &op.parameters {
            let flattened = field.ty.kind.value != TypeKind::Json;
            c.model_refs(&site.parameter(&field.name.value), &field.ty, &seen, flattened);
        }
        for field in &op.response {
            c.model_refs(&site.parameter(&field.name.value), &field.ty, &seen, false);
        }
    }
    c.out
}

impl Checker {
    fn model_refs(&mut self, site: &Site<'_>, t: &TypeSpec, models: &HashMap<&str, &ModelSpec>, flattened: bool) {
        if let Some(name) = &t.model {
            match models.get(name.value.as_str()) {
                None => {
                    let message = format!("there is no model `{}` (a file models/{}.yaml)", name.value, name.value);
                    self.report(site, name.span, message);
                }
                Some(model) if flattened && model.ty.kind.value != TypeKind::Enum => {
                    let message = format!(
                        "model `{}` is {}: in a request, only enum models can be sent outside a `json` parameter",
                        name.value,
                        model.ty.kind.value.keyword()
                    );
                    self.report(site, name.span, message);
                }
                Some(_) => {}
            }
        }
        let nested = t.items.iter().chain(&t.value).map(|inner| (inner, flattened));
        let schema = t.schema.iter().map(|inner| (inner, false));
        for (inner, flattened) in nested.chain(schema) {
            self.model_refs(site, inner, models, flattened);
        }
        for field in &t.fields {
            self.model_refs(site, &field.ty, models, flattened);
        }
        for variant in &t.variants {
            self.model_refs(site, &variant.ty, models, flattened);
        }
    }
}

/// What a field named by `pagination` must be.
#[derive(Clone, Copy)]
enum Want {
    /// An optional integer request parameter.
    IntParameter,
    /// An optional string request parameter.
    StringParameter,
    /// An integer response field.
    IntField,
    /// A string response field.
    StringField,
    /// A list response field.
    ListField,
}

impl Want {
    fn fits(self, field: &FieldSpec) -> bool {
        let kind = field.ty.kind.value;
        let int = matches!(kind, TypeKind::Int32 | TypeKind::Int64);
        match self {
            Want::IntParameter => int && !field.required.value,
            Want::StringParameter => kind == TypeKind::String && !field.required.value,
            Want::IntField => int,
            Want::StringField => kind == TypeKind::String,
            Want::ListField => kind == TypeKind::List,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Want::IntParameter => "an optional int32 or int64 request parameter",
            Want::StringParameter => "an optional string request parameter",
            Want::IntField => "an int32 or int64 response field",
            Want::StringField => "a string response field",
            Want::ListField => "a list response field",
        }
    }
}

impl Checker {
    /// Every name in `pagination` is a parameter or response field of the right type.
    fn pagination(&mut self, site: &Site<'_>, op: &OperationSpec, p: &crate::spec::PaginationSpec) {
        let mut names = vec![(&p.items, Want::ListField)];
        if let Some(style) = &p.page_number {
            names.push((&style.page, Want::IntParameter));
            names.push((&style.size, Want::IntParameter));
            names.extend(style.total.as_ref().map(|t| (t, Want::IntField)));
        }
        if let Some(style) = &p.token {
            names.push((&style.token, Want::StringParameter));
            names.push((&style.next_token, Want::StringField));
            names.extend(style.size.as_ref().map(|s| (s, Want::IntParameter)));
        }
        if p.page_number.is_none() && p.token.is_none() {
            self.report(site, p.span, "`pagination` needs a style: `page_number`, `token` or both");
        }
        for (name, want) in names {
            let request = matches!(want, Want::IntParameter | Want::StringParameter);
            let fields = if request { &op.parameters } else { &op.response };
            match fields.iter().find(|f| f.name.value == name.value) {
                Some(field) if want.fits(field) => {}
                Some(_) => {
                    let message = format!("pagination: `{}` must be {}", name.value, want.describe());
                    self.report(site, name.span, message);
                }
                None => {
                    let side = if request { "request parameter" } else { "response field" };
                    let message = format!("pagination: there is no {side} `{}`", name.value);
                    self.report(site, name.span, message);
                }
            }
        }
    }
}

/// The operation's file name, for messages that point at another file of the same directory.
fn file_name(op: &OperationSpec) -> String {
    op.file.file_name().map_or_else(|| op.file.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Which side of the wire a type is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Where a type sits, which decides what it may be.
#[derive(Clone, Copy, Debug)]
struct Context {
    side: Side,
    /// The type of a parameter or response field itself, not of something inside it.
    top: bool,
    /// Inside a json parameter's schema: encoded as JSON, so any shape can be sent.
    in_json: bool,
}

impl Context {
    fn top(side: Side) -> Self {
        Context { side, top: true, in_json: false }
    }

    fn inner(self) -> Self {
        Context { top: false, ..self }
    }

    /// Request values outside a json schema travel as flattened query or form parameters.
    fn flattened(self) -> bool {
        self.side == Side::Request && !self.in_json
    }

    /// How the fields of a list are named in messages.
    fn field_noun(self) -> &'static str {
        match (self.top, self.side) {
            (true, Side::Request) => "parameter",
            (true, Side::Response) => "response field",
            (false, _) => "field",
        }
    }
}

/// The case a Rust name is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    /// Fields and parameters.
    Snake,
    /// Types, enum variants, error variants, operations.
    UpperCamel,
}

impl Case {
    fn fits(self, name: &str) -> bool {
        match self {
            Case::Snake => is_snake_case(name),
            Case::UpperCamel => is_upper_camel_case(name),
        }
    }

    fn derive(self, wire: &str) -> String {
        match self {
            Case::Snake => rust_field_name(wire),
            Case::UpperCamel => rust_type_name(wire),
        }
    }
}

impl fmt::Display for Case {
    /// As in "must be {case}".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Case::Snake => "a snake_case identifier",
            Case::UpperCamel => "an UpperCamelCase identifier",
        })
    }
}

/// Keys whose use depends on the type, and the types they apply to.
fn applies_to(key: &str) -> &'static [TypeKind] {
    use TypeKind::*;
    match key {
        "min" | "max" => &[Int32, Int64, Float, Float32],
        "min_length" | "max_length" | "pattern" => &[String],
        "min_items" | "max_items" | "unique_items" => &[List, Map],
        "unique_values" => &[Map],
        "allowed" => &[String, Int32, Int64, Float, Float32],
        "values" => &[Enum],
        "items" | "wrapper" | "separator" => &[List],
        "value" => &[Map],
        "fields" => &[Object],
        "variants" => &[OneOf],
        "schema" => &[Json],
        "type_name" => &[Enum, Object, OneOf],
        "model" => &[Model],
        _ => &[],
    }
}

/// The type-dependent keys `t` has, with where each is written.
fn present_keys(t: &TypeSpec) -> Vec<(&'static str, Span)> {
    let c = &t.constraints;
    let candidates = [
        ("min", c.min.as_ref().map(|v| v.span)),
        ("max", c.max.as_ref().map(|v| v.span)),
        ("min_length", c.min_length.as_ref().map(|v| v.span)),
        ("max_length", c.max_length.as_ref().map(|v| v.span)),
        ("pattern", c.pattern.as_ref().map(|v| v.span)),
        ("min_items", c.min_items.as_ref().map(|v| v.span)),
        ("max_items", c.max_items.as_ref().map(|v| v.span)),
        ("unique_items", c.unique_items.as_ref().map(|v| v.span)),
        ("unique_values", c.unique_values.as_ref().map(|v| v.span)),
        ("allowed", c.allowed.as_ref().map(|v| v.span)),
        ("values", t.values.first().map(|v| v.value.span)),
        ("items", t.items.as_ref().map(|i| i.span)),
        ("value", t.value.as_ref().map(|v| v.span)),
        ("fields", t.fields.first().map(|f| f.span)),
        ("variants", t.variants.first().map(|v| v.span)),
        ("schema", t.schema.as_ref().map(|s| s.span)),
        ("wrapper", t.wrapper.as_ref().map(|w| w.span)),
        ("separator", t.separator.as_ref().map(|w| w.span)),
        ("type_name", t.type_name.as_ref().map(|n| n.span)),
        ("model", t.model.as_ref().map(|n| n.span)),
    ];
    candidates.into_iter().filter_map(|(key, span)| Some((key, span?))).collect()
}

fn is_scalar_kind(kind: TypeKind) -> bool {
    matches!(
        kind,
        TypeKind::String | TypeKind::Int32 | TypeKind::Int64 | TypeKind::Boolean | TypeKind::Float | TypeKind::Float32
    )
}

/// The inclusive range of an integer type.
fn int_range(kind: TypeKind) -> Option<(i64, i64)> {
    match kind {
        TypeKind::Int32 => Some((i32::MIN.into(), i32::MAX.into())),
        TypeKind::Int64 => Some((i64::MIN, i64::MAX)),
        _ => None,
    }
}

/// A type as messages name it: `string`, `list of int64`.
fn describe(t: &TypeSpec) -> String {
    match (t.kind.value, &t.items, &t.value) {
        (TypeKind::List, Some(items), _) => format!("list of {}", describe(items)),
        (TypeKind::Map, _, Some(value)) => format!("map of {}", describe(value)),
        (kind, _, _) => kind.keyword().to_owned(),
    }
}

/// Whether two parameters hold values that can be compared for equality.
fn same_type(a: &TypeSpec, b: &TypeSpec) -> bool {
    let inner = |x: &Option<Box<TypeSpec>>, y: &Option<Box<TypeSpec>>| match (x, y) {
        (Some(x), Some(y)) => same_type(x, y),
        (x, y) => x.is_none() && y.is_none(),
    };
    a.kind.value == b.kind.value && inner(&a.items, &b.items) && inner(&a.value, &b.value)
}

/// Orders two numbers; `None` unless both are numbers. Integers compare exactly, since int64 bounds can
/// exceed what an f64 holds.
fn compare(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    let float = |v: &Scalar| match *v {
        Scalar::Int(n) => Some(n as f64),
        Scalar::Float(x) => Some(x),
        _ => None,
    };
    match (a, b) {
        (Scalar::Int(a), Scalar::Int(b)) => Some(a.cmp(b)),
        _ => float(a)?.partial_cmp(&float(b)?),
    }
}

/// A scalar's text, as an enum value compares it.
fn text_of(value: &Scalar) -> String {
    match value {
        Scalar::String(s) => s.clone(),
        Scalar::Int(n) => n.to_string(),
        Scalar::Float(x) => x.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

/// The last line of a regex error: the reason, without the pattern echo and caret.
fn regex_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&text);
    reason.trim().trim_start_matches("error: ").to_owned()
}

#[derive(Default)]
struct Checker {
    out: Vec<Diagnostic>,
    /// The module the types being checked are generated into.
    module: TypeModule,
}

/// The module generated types are emitted into, as far as naming them goes.
#[derive(Default)]
struct TypeModule {
    /// What a suggested type name starts with: the operation's Rust prefix, or the model's name.
    prefix: String,
    /// The names the generator gives its own types there (an operation's request, builder, response, error).
    generated: Vec<String>,
    /// The models imported there by name (those an operation refers to).
    models: Vec<String>,
}

impl TypeModule {
    fn operation(op: &OperationSpec) -> Self {
        let prefix = operation_prefix(op).0;
        let mut models = Vec::new();
        for field in op.parameters.iter().chain(&op.response) {
            referenced_models(&field.ty, &mut models);
        }
        TypeModule { generated: operation_type_names(&prefix).into(), prefix, models }
    }

    fn model(model: &ModelSpec) -> Self {
        TypeModule { prefix: model.name.value.clone(), generated: Vec::new(), models: Vec::new() }
    }

    /// Why a generated type may not be named `name` here, and a name that would do.
    fn clash(&self, name: &str) -> Option<(String, String)> {
        if is_prelude_name(name) {
            let why = format!("would shadow Rust's `{name}` in the generated code");
            return Some((why, format!("{}{name}", self.prefix)));
        }
        if self.generated.iter().any(|g| g == name) {
            let why = format!("is the name of a type the generator emits for the operation (`{name}`)");
            return Some((why, format!("{name}Value")));
        }
        if self.models.iter().any(|m| m == name) {
            let why = format!("is the name of the model `{name}`, which the operation also uses");
            return Some((why, format!("{}{name}", self.prefix)));
        }
        None
    }
}

/// The names of the models `t` refers to (`model:`), at any depth.
fn referenced_models(t: &TypeSpec, out: &mut Vec<String>) {
    out.extend(t.model.iter().map(|m| m.value.clone()));
    for inner in t.items.iter().chain(&t.value).chain(&t.schema) {
        referenced_models(inner, out);
    }
    for field in &t.fields {
        referenced_models(&field.ty, out);
    }
    for variant in &t.variants {
        referenced_models(&variant.ty, out);
    }
}

/// The Rust name an inline enum, object or one_of takes when it has no `type_name`, and where it comes from.
#[derive(Clone, Debug)]
struct Fallback<'a> {
    /// The derived name (`Status`, `StatusItem`, `DbNamesSame`).
    name: String,
    /// What to point at when the derived name cannot be used.
    span: Span,
    /// The wire name it derives from, or `None` for a model's own type (named by the model's `name`).
    from: Option<&'a str>,
}

impl<'a> Fallback<'a> {
    fn field(field: &'a FieldSpec) -> Self {
        Fallback { name: rust_type_name(&field.name.value), span: field.name.span, from: Some(&field.name.value) }
    }

    /// The name of a type inside this one (`Item`, `Value`), anchored where that type is written.
    fn inner(&self, suffix: &str, span: Span) -> Self {
        Fallback { name: format!("{}{suffix}", self.name), span, from: self.from }
    }
}

/// An operation's Rust prefix (its `rust_name`, else derived from `name`) and where it is written.
fn operation_prefix(op: &OperationSpec) -> (String, Span) {
    match &op.rust_name {
        Some(n) => (n.value.clone(), n.span),
        None => (rust_type_name(&op.name.value), op.name.span),
    }
}

impl Checker {
    fn report(&mut self, site: &Site<'_>, span: Span, message: impl fmt::Display) {
        self.out.push(site.diagnostic(span, message));
    }

    fn not_blank(&mut self, site: &Site<'_>, key: &str, value: &Spanned<String>) {
        if value.value.trim().is_empty() {
            self.report(site, value.span, format!("`{key}` must not be empty"));
        }
    }

    fn http_method(&mut self, site: &Site<'_>, method: &Spanned<String>) {
        if !matches!(method.value.as_str(), "GET" | "POST") {
            self.report(site, method.span, format!("`http_method` must be `GET` or `POST`, found `{}`", method.value));
        }
    }

    fn operation_name(&mut self, site: &Site<'_>, op: &OperationSpec) {
        let name = &op.name;
        let mut chars = name.value.chars();
        let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric());
        if !valid {
            let message = format!("operation name `{}` must match ^[A-Za-z][A-Za-z0-9]*$", name.value);
            self.report(site, name.span, message);
        }
        let stem = file_stem(&op.file);
        if name.value != stem {
            let message = format!("operation name `{}` must equal the file name `{stem}`", name.value);
            self.report(site, name.span, message);
        }
    }

    /// The names an operation's prefix gives its module and types must not clash with what the generated
    /// `mod.rs` defines itself: the `models` module and the `CommonError` enum.
    fn operation_rust_names(&mut self, site: &Site<'_>, op: &OperationSpec) {
        let (prefix, span) = operation_prefix(op);
        if is_rust_keyword(&prefix) {
            return; // reported as a keyword already
        }
        let module = rust_field_name(&prefix);
        let problem = if module == "models" {
            Some(format!("its module would be `{module}`, the module of the shared models"))
        } else if is_unescapable_keyword(&module) {
            Some(format!("its module would be `{module}`, a keyword that cannot be escaped"))
        } else if operation_type_names(&prefix).iter().any(|n| n == "CommonError") {
            Some("its error enum would be `CommonError`, the enum of the service's common errors".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            let message = format!("operation Rust name `{prefix}`: {problem}; set rust_name");
            self.report(site, span, message);
        }
    }

    /// A request parameter must not be one of the client's common parameters, which would overwrite it (or
    /// which the service might read instead: names are compared ignoring case too), unless it is
    /// `SecurityToken` marked `common: shared`; and only that one may be marked.
    fn common_parameter(&mut self, site: &Site<'_>, parameter: &FieldSpec) {
        let name = &parameter.name;
        let common = COMMON_PARAMETERS.iter().find(|c| c.eq_ignore_ascii_case(&name.value));
        match (common, &parameter.common) {
            (Some(&common), None) => {
                let how = if common == name.value {
                    format!("`{common}` is a common parameter")
                } else {
                    format!("`{}` differs only in case from the common parameter `{common}`", name.value)
                };
                let remedy = if common == SHARED_COMMON_PARAMETER && common == name.value {
                    "; if it is the caller's STS token, mark it `common: shared`"
                } else {
                    "; remove it"
                };
                let message = format!(
                    "{how}, which the client sends with every request (the service would not see this \
                     parameter's value){remedy}"
                );
                self.report(site, name.span, message);
            }
            (_, Some(shared)) if name.value != SHARED_COMMON_PARAMETER => {
                let message = match common {
                    Some(&common) if common == SHARED_COMMON_PARAMETER => format!(
                        "`common: shared` needs the exact wire name `{SHARED_COMMON_PARAMETER}`, found `{}`",
                        name.value
                    ),
                    Some(&common) => format!(
                        "`common: shared` is only allowed on `{SHARED_COMMON_PARAMETER}`; the client always sets \
                         `{common}` itself"
                    ),
                    None => format!(
                        "`common: shared` is only allowed on `{SHARED_COMMON_PARAMETER}`; `{}` is not a common \
                         parameter",
                        name.value
                    ),
                };
                self.report(site, shared.span, message);
            }
            (_, Some(shared)) if parameter.ty.kind.value != TypeKind::String => {
                let message = format!(
                    "`{SHARED_COMMON_PARAMETER}` marked `common: shared` must be of type string (it is compared \
                     with the credentials' STS token), found {}",
                    parameter.ty.kind.value.keyword()
                );
                self.report(site, shared.span, message);
            }
            _ => {}
        }
    }

    fn summary(&mut self, site: &Site<'_>, summary: &Spanned<String>) {
        self.not_blank(site, "summary", summary);
        // A folded or literal block ends in a line break; only a break inside the text makes two lines.
        if summary.value.trim_end().contains(['\n', '\r']) {
            self.report(site, summary.span, "`summary` must be a single line; put the rest in `description`");
        }
    }

    /// An explicit `rust_name` or `type_name` (the `key`): a valid identifier of the right case, not a keyword.
    fn explicit_name(&mut self, site: &Site<'_>, key: &str, name: &Spanned<String>, case: Case) {
        let value = &name.value;
        if is_rust_keyword(value) {
            self.report(site, name.span, format!("`{value}` is a Rust keyword; choose another {key}"));
        } else if !case.fits(value) {
            let message = format!("{key} `{value}` must be {case}, like `{}`", case.derive(value));
            self.report(site, name.span, message);
        }
    }

    /// A Rust name derived from a wire name: keywords are escaped by the emitter, except those that cannot be.
    fn derived_name(&mut self, site: &Site<'_>, span: Span, wire: &str, derived: &str) {
        if !is_identifier(derived) {
            let message = format!("derived Rust name `{derived}` of `{wire}` is not a valid identifier; set rust_name");
            self.report(site, span, message);
        } else if is_unescapable_keyword(derived) {
            let message = format!("derived Rust name `{derived}` is a keyword that cannot be escaped; set rust_name");
            self.report(site, span, message);
        }
    }

    /// The Rust name of a named thing, explicit or derived from its wire name, after checking it.
    fn rust_name(
        &mut self,
        site: &Site<'_>,
        wire: &Spanned<String>,
        explicit: Option<&Spanned<String>>,
        case: Case,
    ) -> String {
        match explicit {
            Some(name) => {
                self.explicit_name(site, "rust_name", name, case);
                name.value.clone()
            }
            None => {
                let derived = case.derive(&wire.value);
                self.derived_name(site, wire.span, &wire.value, &derived);
                derived
            }
        }
    }

    /// A list of parameters, response fields or object fields: unique names, then each field.
    fn fields(&mut self, site: &Site<'_>, fields: &[FieldSpec], ctx: Context) {
        let noun = ctx.field_noun();
        let mut wire: HashMap<&str, Span> = HashMap::new();
        let mut rust: HashMap<String, &str> = HashMap::new();
        for field in fields {
            let name = &field.name;
            let site = match ctx.top {
                true => site.parameter(&name.value),
                false => site.nested(format_args!("field {}", name.value)),
            };
            if let Some(first) = wire.insert(&name.value, name.span) {
                let message = format!("duplicate {noun} `{}` (first at line {})", name.value, first.line);
                self.report(&site, name.span, message);
                continue;
            }
            let rust_name = self.rust_name(&site, name, field.rust_name.as_ref(), Case::Snake);
            let span = field.rust_name.as_ref().map_or(name.span, |n| n.span);
            if let Some(first) = rust.insert(rust_name.clone(), &name.value) {
                let message = format!(
                    "{noun}s `{first}` and `{}` both have the Rust name `{rust_name}`; set rust_name on one of them",
                    name.value
                );
                self.report(&site, span, message);
            }
            self.field(&site, field, ctx);
        }
    }

    fn field(&mut self, site: &Site<'_>, field: &FieldSpec, ctx: Context) {
        let ty = &field.ty;
        if matches!(ty.kind.value, TypeKind::Enum | TypeKind::Object | TypeKind::OneOf) {
            // An inline named type takes its Rust name from the field's wire name.
            let derived = rust_type_name(&field.name.value);
            self.derived_name(site, field.name.span, &field.name.value, &derived);
        }
        self.ty(site, ty, ctx, &Fallback::field(field));
        for (key, value) in [("default", &field.default), ("example", &field.example)] {
            if let Some(value) = value {
                self.value_fits(site, key, value, ty);
            }
        }
    }

    /// A type; `fallback` is what an enum, object or one_of here is named without `type_name`.
    fn ty(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context, fallback: &Fallback<'_>) {
        let kind = t.kind.value;
        for (key, span) in present_keys(t) {
            if !applies_to(key).contains(&kind) {
                let kinds: Vec<_> = applies_to(key).iter().map(|k| k.keyword()).collect();
                let message =
                    format!("`{key}` does not apply to type {} (only to {})", kind.keyword(), kinds.join(", "));
                self.report(site, span, message);
            }
        }
        if let Some(type_name) = &t.type_name {
            self.explicit_name(site, "type_name", type_name, Case::UpperCamel);
        }
        let name = t.type_name.as_ref().map_or_else(|| fallback.name.clone(), |n| n.value.clone());
        if matches!(kind, TypeKind::Enum | TypeKind::Object | TypeKind::OneOf) {
            self.type_name_free(site, t, fallback, &name);
        }
        self.placement(site, t, ctx);
        self.constraints(site, t);
        match kind {
            TypeKind::Enum => self.enum_values(site, t),
            TypeKind::List => self.list(site, t, ctx, fallback),
            TypeKind::Map => self.map(site, t, ctx, fallback),
            TypeKind::Object => self.object(site, t, ctx),
            TypeKind::OneOf => self.one_of(site, t, ctx, &name),
            TypeKind::Json => self.json(site, t, ctx, fallback),
            // Whether the model exists, and fits where it is used, is checked across files (`check_models`).
            TypeKind::Model if t.model.is_none() => self.report(site, t.span, "a model type needs `model: Name`"),
            TypeKind::Model => {}
            TypeKind::String
            | TypeKind::Int32
            | TypeKind::Int64
            | TypeKind::Boolean
            | TypeKind::Float
            | TypeKind::Float32
            | TypeKind::Any => {}
        }
    }

    /// The Rust name of a generated type (`name`: its `type_name`, else `fallback`'s) must not be one the
    /// generated code already uses in the module: a prelude name it writes unqualified (`Result`, `Option`,
    /// `String`, ...) or one of the operation's own types (`<Op>Request`, `<Op>Response`, ...).
    fn type_name_free(&mut self, site: &Site<'_>, t: &TypeSpec, fallback: &Fallback<'_>, name: &str) {
        // A name that is not a valid identifier was reported already.
        let valid = match &t.type_name {
            Some(_) => is_upper_camel_case(name) && !is_rust_keyword(name),
            None => is_identifier(name) && !is_unescapable_keyword(name),
        };
        let Some((why, instead)) = self.module.clash(name).filter(|_| valid) else {
            return;
        };
        let (span, message) = match (&t.type_name, fallback.from) {
            (Some(explicit), _) => {
                (explicit.span, format!("type_name `{name}` {why}; choose another, e.g. `type_name: {instead}`"))
            }
            (None, Some(wire)) => {
                let message =
                    format!("the type of `{wire}` is named `{name}` (derived from `{wire}`), which {why}; set `type_name: {instead}`");
                (fallback.span, message)
            }
            (None, None) => {
                let message = format!("model name `{name}` {why}; rename the model and its file, e.g. `{name}Model`");
                (fallback.span, message)
            }
        };
        self.report(site, span, message);
    }

    /// Where a type may appear: json only as a request parameter, maps in requests only inside json,
    /// wrappers only in responses.
    fn placement(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context) {
        let kind = &t.kind;
        if kind.value == TypeKind::Json && !(ctx.top && ctx.side == Side::Request) {
            let message = match ctx.side {
                Side::Response => "a `json` type cannot be used in a response; describe the value's shape instead",
                Side::Request => "a `json` type is only allowed as the type of a request parameter itself",
            };
            self.report(site, kind.span, message);
        }
        if kind.value == TypeKind::Map && ctx.flattened() {
            let message = "a map in a request must be inside a `json` parameter's schema \
                           (flattened maps are not supported)";
            self.report(site, kind.span, message);
        }
        if kind.value == TypeKind::Any && ctx.flattened() {
            let message = "`any` in a request must be inside a `json` parameter's schema (a flattened parameter \
                           needs a declared shape)";
            self.report(site, kind.span, message);
        }
        if kind.value == TypeKind::OneOf && ctx.flattened() {
            let message = "a one_of in a request must be inside a `json` parameter's schema (a flattened \
                           parameter cannot tell its shapes apart)";
            self.report(site, kind.span, message);
        }
        if let (Some(wrapper), Side::Request) = (&t.wrapper, ctx.side) {
            self.report(site, wrapper.span, "`wrapper` only applies to lists in responses");
        }
        if let Some(separator) = &t.separator {
            let scalar_items =
                t.items.as_ref().is_some_and(|i| is_scalar_kind(i.kind.value) || i.kind.value == TypeKind::Enum);
            if !ctx.flattened() || !scalar_items {
                let message = "`separator` only applies to request lists of scalars or enums outside `json` (they \
                               are sent as one parameter, the elements joined by it)";
                self.report(site, separator.span, message);
            } else if separator.value.is_empty() {
                self.report(site, separator.span, "`separator` must not be empty");
            }
        }
    }

    fn list(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context, fallback: &Fallback<'_>) {
        let Some(items) = &t.items else {
            self.report(site, t.span, "a list type needs `items`");
            return;
        };
        let kind = items.kind.value;
        let flat_item = is_scalar_kind(kind) || matches!(kind, TypeKind::Enum | TypeKind::Object | TypeKind::Model);
        if ctx.flattened() && !flat_item {
            let message = format!(
                "items of a list in a request must be a scalar type, an enum or an object (they are sent \
                 flattened, as `Name.1`, `Name.2.Field`, ...), found {}; use a `json` parameter for other shapes",
                kind.keyword()
            );
            self.report(site, items.kind.span, message);
        }
        self.ty(&site.nested("items"), items, ctx.inner(), &fallback.inner("Item", items.span));
    }

    fn map(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context, fallback: &Fallback<'_>) {
        match &t.value {
            Some(value) => {
                self.ty(&site.nested("value"), value, ctx.inner(), &fallback.inner("Value", value.span));
            }
            None => self.report(site, t.span, "a map type needs `value` (keys are always strings)"),
        }
    }

    fn object(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context) {
        if t.fields.is_empty() {
            self.report(site, t.span, "an object type needs at least one field in `fields`");
        }
        self.fields(site, &t.fields, ctx.inner());
    }

    fn json(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context, fallback: &Fallback<'_>) {
        match &t.schema {
            Some(schema) => self.ty(site, schema, Context { top: false, in_json: true, ..ctx }, fallback),
            None => self.report(site, t.span, "a json type needs `schema`, the shape of the encoded value"),
        }
    }

    /// A one_of named `name`: its variants' inline types are named `<name><Variant>`.
    fn one_of(&mut self, site: &Site<'_>, t: &TypeSpec, ctx: Context, name: &str) {
        if t.variants.len() < 2 {
            self.report(site, t.span, "a one_of type needs at least two `variants`");
        }
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for variant in &t.variants {
            let site = site.nested(format_args!("variant {}", variant.name.value));
            if let Some(first) = seen.insert(&variant.name.value, variant.name.span) {
                let message = format!("duplicate variant `{}` (first at line {})", variant.name.value, first.line);
                self.report(&site, variant.name.span, message);
            }
            self.variant_name(&site, variant);
            let fallback = Fallback {
                name: format!("{name}{}", variant.name.value),
                span: variant.name.span,
                from: Some(&variant.name.value),
            };
            self.ty(&site, &variant.ty, ctx.inner(), &fallback);
        }
    }

    fn variant_name(&mut self, site: &Site<'_>, variant: &VariantSpec) {
        let name = &variant.name;
        if is_rust_keyword(&name.value) {
            self.report(site, name.span, format!("variant name `{}` is a Rust keyword; choose another", name.value));
        } else if !is_upper_camel_case(&name.value) {
            let (case, like) = (Case::UpperCamel, rust_type_name(&name.value));
            let message = format!("variant name `{}` must be {case}, like `{like}`", name.value);
            self.report(site, name.span, message);
        }
    }

    fn enum_values(&mut self, site: &Site<'_>, t: &TypeSpec) {
        if t.values.is_empty() {
            self.report(site, t.span, "an enum type needs at least one entry in `values`");
        }
        let mut wire: HashMap<&str, Span> = HashMap::new();
        let mut rust: HashMap<String, &str> = HashMap::new();
        for EnumValueSpec { value, rust_name, .. } in &t.values {
            if let Some(first) = wire.insert(&value.value, value.span) {
                let message = format!("duplicate enum value `{}` (first at line {})", value.value, first.line);
                self.report(site, value.span, message);
                continue;
            }
            // A derived `Unknown` is `UnknownValue` (the modeller names it so); an explicit one is refused.
            let name = match rust_name {
                Some(explicit) => self.rust_name(site, value, Some(explicit), Case::UpperCamel),
                None => {
                    let derived = rust_enum_value_name(&value.value);
                    self.derived_name(site, value.span, &value.value, &derived);
                    derived
                }
            };
            let span = rust_name.as_ref().map_or(value.span, |n| n.span);
            if rust_name.is_some() && name == UNKNOWN_VARIANT {
                let message = format!(
                    "the Rust name `{UNKNOWN_VARIANT}` is reserved for the variant that keeps values the SDK does \
                     not know; choose another rust_name"
                );
                self.report(site, span, message);
            }
            if let Some(first) = rust.insert(name.clone(), &value.value) {
                let message = format!(
                    "enum values `{first}` and `{}` both have the Rust name `{name}`; set rust_name on one of them",
                    value.value
                );
                self.report(site, span, message);
            }
        }
    }

    /// Constraints whose values must make sense for the type and together. Constraints that do not apply
    /// to the type were reported already and are skipped.
    fn constraints(&mut self, site: &Site<'_>, t: &TypeSpec) {
        let kind = t.kind.value;
        let c = &t.constraints;
        if applies_to("min").contains(&kind) {
            let min = c.min.as_ref().filter(|v| self.number_fits(site, "min", v, kind));
            let max = c.max.as_ref().filter(|v| self.number_fits(site, "max", v, kind));
            if let (Some(min), Some(max)) = (min, max) {
                if compare(&min.value, &max.value) == Some(Ordering::Greater) {
                    self.inverted(site, ("min", &text_of(&min.value)), ("max", &text_of(&max.value)), max.span);
                }
            }
        }
        for (low, high, names) in [
            (&c.min_length, &c.max_length, ("min_length", "max_length")),
            (&c.min_items, &c.max_items, ("min_items", "max_items")),
        ] {
            if let (Some(low), Some(high)) = (low, high) {
                if low.value > high.value && applies_to(names.0).contains(&kind) {
                    let (l, h) = (low.value.to_string(), high.value.to_string());
                    self.inverted(site, (names.0, &l), (names.1, &h), high.span);
                }
            }
        }
        if let (Some(pattern), TypeKind::String) = (&c.pattern, kind) {
            if let Err(e) = Regex::new(&pattern.value) {
                let message = format!("invalid regex in `pattern` `{}`: {}", pattern.value, regex_reason(&e));
                self.report(site, pattern.span, message);
            }
        }
        if let Some(allowed) = c.allowed.as_ref().filter(|_| applies_to("allowed").contains(&kind)) {
            self.allowed(site, allowed, kind);
        }
    }

    fn inverted(&mut self, site: &Site<'_>, low: (&str, &str), high: (&str, &str), span: Span) {
        let message = format!("{} ({}) is greater than {} ({})", low.0, low.1, high.0, high.1);
        self.report(site, span, message);
    }

    /// Whether a `min` or `max` is a number of the type's kind (reporting when not).
    fn number_fits(&mut self, site: &Site<'_>, key: &str, value: &Spanned<Scalar>, kind: TypeKind) -> bool {
        let problem = match (int_range(kind), &value.value) {
            (Some((lo, hi)), Scalar::Int(n)) if *n < lo || *n > hi => {
                Some(format!("`{key}` {n} is out of the {} range", kind.keyword()))
            }
            (Some(_), Scalar::Int(_)) | (None, Scalar::Int(_) | Scalar::Float(_)) => None,
            (Some(_), other) => {
                Some(format!("`{key}` must be an integer for an {} type, found {}", kind.keyword(), show(other)))
            }
            (None, other) => Some(format!("`{key}` must be a number, found {}", show(other))),
        };
        if let Some(problem) = &problem {
            self.report(site, value.span, problem);
        }
        problem.is_none()
    }

    fn allowed(&mut self, site: &Site<'_>, allowed: &Spanned<Vec<Spanned<Scalar>>>, kind: TypeKind) {
        if allowed.value.is_empty() {
            self.report(site, allowed.span, "`allowed` must list at least one value");
        }
        for (i, value) in allowed.value.iter().enumerate() {
            if let Some(expected) = kind_mismatch(&value.value, kind) {
                let message = format!("item {} of `allowed` must be {expected}, found {}", i + 1, show(&value.value));
                self.report(site, value.span, message);
            }
        }
    }

    /// A `default` or `example` must be a value of the type that meets its constraints.
    fn value_fits(&mut self, site: &Site<'_>, key: &str, value: &Spanned<Scalar>, t: &TypeSpec) {
        let kind = t.kind.value;
        let problem = match kind {
            TypeKind::List | TypeKind::Map | TypeKind::Object | TypeKind::OneOf | TypeKind::Model => {
                let kind = kind.keyword();
                Some(format!("`{key}` does not apply to type {kind} (only to scalar, enum and json types)"))
            }
            TypeKind::Enum => {
                let text = text_of(&value.value);
                (!t.values.iter().any(|v| v.value.value == text)).then(|| {
                    let values: Vec<_> = t.values.iter().map(|v| v.value.value.as_str()).collect();
                    format!("`{key}` `{text}` is not one of the enum's values: {}", values.join(", "))
                })
            }
            _ => match kind_mismatch(&value.value, kind) {
                Some(expected) => Some(format!("`{key}` must be {expected}, found {}", show(&value.value))),
                None => constraint_violation(&value.value, t).map(|v| format!("`{key}` {}", v)),
            },
        };
        if let Some(problem) = problem {
            self.report(site, value.span, problem);
        }
    }

    fn rule(&mut self, site: &Site<'_>, rule: &RuleSpec, parameters: &[FieldSpec]) {
        match rule {
            RuleSpec::Differ { span, parameters: names, .. } => self.differ(site, *span, names, parameters),
        }
    }

    fn differ(&mut self, site: &Site<'_>, span: Span, names: &[Spanned<String>], parameters: &[FieldSpec]) {
        if names.len() < 2 {
            self.report(site, span, "a `differ` rule needs at least two parameters");
        }
        let mut seen: Vec<&str> = Vec::new();
        let mut first: Option<&FieldSpec> = None;
        for name in names {
            if seen.contains(&name.value.as_str()) {
                self.report(site, name.span, format!("`differ` names `{}` twice", name.value));
                continue;
            }
            seen.push(&name.value);
            let Some(param) = parameters.iter().find(|p| p.name.value == name.value) else {
                self.report(site, name.span, format!("`differ` names unknown parameter `{}`", name.value));
                continue;
            };
            match first {
                None => first = Some(param),
                Some(first) if !same_type(&first.ty, &param.ty) => {
                    let message = format!(
                        "`differ` compares parameters of different types: `{}` is {}, `{}` is {}",
                        first.name.value,
                        describe(&first.ty),
                        name.value,
                        describe(&param.ty)
                    );
                    self.report(&site.parameter(&name.value), name.span, message);
                }
                Some(_) => {}
            }
        }
    }

    /// A list of errors: unique codes and Rust names. `Common` and `Unknown` are taken in an operation's
    /// error enum by the variants for service-wide and unknown codes.
    fn errors(&mut self, site: &Site<'_>, errors: &[ErrorSpec], in_operation: bool) {
        let mut codes: HashMap<&str, Span> = HashMap::new();
        let mut rust: HashMap<String, &str> = HashMap::new();
        for error in errors {
            let code = &error.code;
            if let Some(first) = codes.insert(&code.value, code.span) {
                let message = format!("duplicate error code `{}` (first at line {})", code.value, first.line);
                self.report(site, code.span, message);
                continue;
            }
            let name = self.rust_name(site, code, error.rust_name.as_ref(), Case::UpperCamel);
            let span = error.rust_name.as_ref().map_or(code.span, |n| n.span);
            if in_operation && matches!(name.as_str(), "Common" | "Unknown") {
                let message = format!("the Rust name `{name}` is reserved in an operation's error enum; set rust_name");
                self.report(site, span, message);
            }
            if let Some(first) = rust.insert(name.clone(), &code.value) {
                let message = format!(
                    "error codes `{first}` and `{}` both have the Rust name `{name}`; set rust_name on one of them",
                    code.value
                );
                self.report(site, span, message);
            }
        }
    }
}

/// What a value of `kind` must be, when `value` is not one.
fn kind_mismatch(value: &Scalar, kind: TypeKind) -> Option<String> {
    let fits = match (kind, value) {
        (TypeKind::String | TypeKind::Json, Scalar::String(_)) => true,
        (TypeKind::Boolean, Scalar::Bool(_)) => true,
        (TypeKind::Float | TypeKind::Float32, Scalar::Int(_) | Scalar::Float(_)) => true,
        (TypeKind::Int32 | TypeKind::Int64, Scalar::Int(n)) => {
            int_range(kind).is_some_and(|(lo, hi)| (lo..=hi).contains(n))
        }
        _ => false,
    };
    let expected = match kind {
        TypeKind::String | TypeKind::Json => "a string (quote it)".to_owned(),
        TypeKind::Boolean => "`true` or `false`".to_owned(),
        TypeKind::Float | TypeKind::Float32 => "a number".to_owned(),
        _ => format!("an integer in the {} range", kind.keyword()),
    };
    (!fits).then_some(expected)
}

/// How a value of the right kind breaks the type's constraints, if it does.
fn constraint_violation(value: &Scalar, t: &TypeSpec) -> Option<String> {
    let c = &t.constraints;
    // `1` and `1.0` are the same number, whichever way each was written.
    let same = |a: &Scalar| compare(a, value).map_or(a == value, Ordering::is_eq);
    if c.allowed.as_ref().is_some_and(|allowed| !allowed.value.iter().any(|a| same(&a.value))) {
        return Some(format!("{} is not one of the `allowed` values", text_of(value)));
    }
    if let Scalar::String(s) = value {
        let length = s.chars().count() as u64;
        if c.min_length.as_ref().is_some_and(|min| length < min.value) {
            return Some(format!("`{s}` is shorter than `min_length`"));
        }
        if c.max_length.as_ref().is_some_and(|max| length > max.value) {
            return Some(format!("`{s}` is longer than `max_length`"));
        }
        let full_match = c.pattern.as_ref().and_then(|p| Regex::new(&format!("^(?:{})$", p.value)).ok());
        if full_match.is_some_and(|re| !re.is_match(s)) {
            return Some(format!("`{s}` does not match `pattern`"));
        }
        if t.kind.value == TypeKind::Json {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(s) {
                return Some(format!("is not valid JSON: {e}"));
            }
        }
    }
    let beyond =
        |bound: &Option<Spanned<Scalar>>, side| bound.as_ref().and_then(|b| compare(value, &b.value)) == Some(side);
    match (beyond(&c.min, Ordering::Less), beyond(&c.max, Ordering::Greater)) {
        (true, _) => Some(format!("{} is less than `min`", text_of(value))),
        (_, true) => Some(format!("{} is greater than `max`", text_of(value))),
        _ => None,
    }
}
