//! The spec files as written: every value keeps where it came from, so that `check` can point at it.
//!
//! `parse` builds these from YAML; `check` validates them; `model` resolves them into what the emitters need.
//! Nothing here knows about Rust output.

use std::path::PathBuf;

/// A 1-based position in a spec file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// A value with the position it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where the value starts.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Pairs a value with its position.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A scalar written in a spec (`default`, `example`, `allowed`, `min`, `max`), kept as YAML wrote it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A quoted or plain string that is not a number or boolean.
    String(String),
    /// An integer literal.
    Int(i64),
    /// A literal with a fraction or exponent.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
}

/// `api-specs/service.yaml`: what every operation of the service shares.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    /// The file it was read from.
    pub file: PathBuf,
    /// Service name used in docs (`Rds`).
    pub name: Spanned<String>,
    /// Product code (`Rds`), used for endpoint resolution.
    pub product: Spanned<String>,
    /// API version sent as `Version` (`2014-08-15`).
    pub version: Spanned<String>,
    /// Protocol style; only `rpc` today.
    pub style: Spanned<String>,
    /// Default HTTP method of operations (`POST` or `GET`).
    pub http_method: Spanned<String>,
    /// Default endpoint URL (`https://rds.aliyuncs.com`).
    pub endpoint: Spanned<String>,
    /// Optional service description (rustdoc of the generated module).
    pub description: Option<Spanned<String>>,
    /// Errors any operation of the service may return (gateway errors).
    pub errors: Vec<ErrorSpec>,
    /// Named sets of request parameters that operations include (`include: [caller]`), in file order.
    pub parameter_groups: Vec<ParameterGroupSpec>,
}

/// One entry of `parameter_groups:` in `service.yaml`: parameters many operations share, declared once.
#[derive(Clone, Debug)]
pub struct ParameterGroupSpec {
    /// The group's name, as `include:` lists it.
    pub name: Spanned<String>,
    /// What the group is (documentation of the service file only).
    pub description: Option<Spanned<String>>,
    /// The parameters, written as in an operation.
    pub parameters: Vec<FieldSpec>,
}

/// One file under `api-specs/operations/`.
#[derive(Clone, Debug)]
pub struct OperationSpec {
    /// The file it was read from.
    pub file: PathBuf,
    /// Wire name, sent as `Action`.
    pub name: Spanned<String>,
    /// Overrides the Rust type prefix derived from `name`.
    pub rust_name: Option<Spanned<String>>,
    /// One line; the first line of the rustdoc.
    pub summary: Spanned<String>,
    /// The rest of the rustdoc.
    pub description: Option<Spanned<String>>,
    /// Overrides the service's default HTTP method.
    pub http_method: Option<Spanned<String>>,
    /// Whether re-sending the request cannot do the work twice. Required: authors must decide.
    pub idempotent: Spanned<bool>,
    /// Present when the operation is deprecated.
    pub deprecated: Option<Deprecation>,
    /// Parameter groups of `service.yaml` whose parameters the operation takes after its own.
    pub include: Vec<Spanned<String>>,
    /// Request parameters, in file order.
    pub parameters: Vec<FieldSpec>,
    /// Rules over several parameters.
    pub rules: Vec<RuleSpec>,
    /// Response fields.
    pub response: Vec<FieldSpec>,
    /// Known error codes.
    pub errors: Vec<ErrorSpec>,
    /// How the operation pages through a long list, when it does.
    pub pagination: Option<PaginationSpec>,
}

/// `pagination:` of an operation that returns a long list page by page. One or both styles.
#[derive(Clone, Debug)]
pub struct PaginationSpec {
    /// Where the `pagination` key is.
    pub span: Span,
    /// The response field (a list) holding each page's items.
    pub items: Spanned<String>,
    /// Paging by page number.
    pub page_number: Option<PageNumberSpec>,
    /// Paging by continuation token.
    pub token: Option<TokenPagingSpec>,
}

/// `page_number: { page: PageNumber, size: PageSize, total: TotalRecordCount }`.
#[derive(Clone, Debug)]
pub struct PageNumberSpec {
    /// Where the style's key is.
    pub span: Span,
    /// Request parameter holding the page number (from 1).
    pub page: Spanned<String>,
    /// Request parameter holding the page size.
    pub size: Spanned<String>,
    /// Response field holding the number of items in all pages, when the service reports it.
    pub total: Option<Spanned<String>>,
}

/// `token: { token: NextToken, next_token: NextToken, size: MaxResults }`.
#[derive(Clone, Debug)]
pub struct TokenPagingSpec {
    /// Where the style's key is.
    pub span: Span,
    /// Request parameter carrying the token of the page wanted.
    pub token: Spanned<String>,
    /// Response field carrying the next page's token; absent or empty on the last page.
    pub next_token: Spanned<String>,
    /// Request parameter holding the page size, when there is one.
    pub size: Option<Spanned<String>>,
}

/// `deprecated: { note: ... }`.
#[derive(Clone, Debug)]
pub struct Deprecation {
    /// Where the `deprecated` key is.
    pub span: Span,
    /// What to use instead, or why.
    pub note: Spanned<String>,
}

/// Where a request parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// URL query string (almost every RDS parameter).
    Query,
    /// `application/x-www-form-urlencoded` body.
    Body,
}

/// A named, typed value: a request parameter, a response field or a field of an object type.
#[derive(Clone, Debug)]
pub struct FieldSpec {
    /// Where the entry starts.
    pub span: Span,
    /// Exact wire name (`DBInstanceId`, `proxyId`).
    pub name: Spanned<String>,
    /// Overrides the snake_case Rust name derived from `name`.
    pub rust_name: Option<Spanned<String>>,
    /// Rustdoc.
    pub description: Option<Spanned<String>>,
    /// Required parameters are not `Option` in Rust.
    pub required: Spanned<bool>,
    /// Only for request parameters; `None` means the default (query).
    pub location: Option<Spanned<Location>>,
    /// Only for request parameters: the value the service assumes when the parameter is absent (documented).
    pub default: Option<Spanned<Scalar>>,
    /// An example value (documented).
    pub example: Option<Spanned<Scalar>>,
    /// Only for request parameters: `common: shared`, the parameter is one of the client's common parameters
    /// (only `SecurityToken` may be).
    pub common: Option<Spanned<Common>>,
    /// Only for request parameters: `sensitive: true`, the value is sent but never shown (a password, a key).
    /// Where it is absent, `false` at the entry's position.
    pub sensitive: Spanned<bool>,
    /// The type and its constraints.
    pub ty: TypeSpec,
}

/// `common:` of a request parameter that is also one of the common parameters the client sends itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Common {
    /// `shared`: the same value as the client's own (`SecurityToken`: the credentials' STS token). The client
    /// sends one value, and refuses a request whose value differs from its own before any I/O.
    Shared,
}

/// The type keywords of the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeKind {
    /// UTF-8 text.
    String,
    /// 32-bit signed integer.
    Int32,
    /// 64-bit signed integer.
    Int64,
    /// `true` / `false`.
    Boolean,
    /// 64-bit float.
    Float,
    /// 32-bit float.
    Float32,
    /// A closed set of wire values (`values`).
    Enum,
    /// A sequence (`items`); request parameters flatten it as `Name.1`, `Name.2`, ...
    List,
    /// String keys to values (`value`), keeping the caller's order.
    Map,
    /// A structure with named fields (`fields`).
    Object,
    /// One of several shapes (`variants`), written untagged on the wire.
    OneOf,
    /// A request parameter sent as one JSON-encoded string; its shape is `schema`.
    Json,
    /// A shared model (`model: Name`), defined once under `models/` and used by several operations.
    Model,
    /// Any JSON value, kept as it is (inside a `json` parameter's schema, or in a response).
    Any,
}

impl TypeKind {
    /// The keyword as written in specs.
    pub fn keyword(self) -> &'static str {
        match self {
            TypeKind::String => "string",
            TypeKind::Int32 => "int32",
            TypeKind::Int64 => "int64",
            TypeKind::Boolean => "boolean",
            TypeKind::Float => "float",
            TypeKind::Float32 => "float32",
            TypeKind::Enum => "enum",
            TypeKind::List => "list",
            TypeKind::Map => "map",
            TypeKind::Object => "object",
            TypeKind::OneOf => "one_of",
            TypeKind::Json => "json",
            TypeKind::Model => "model",
            TypeKind::Any => "any",
        }
    }

    /// Every keyword, in the order the docs list them.
    pub const ALL: [TypeKind; 14] = [
        TypeKind::String,
        TypeKind::Int32,
        TypeKind::Int64,
        TypeKind::Boolean,
        TypeKind::Float,
        TypeKind::Float32,
        TypeKind::Enum,
        TypeKind::List,
        TypeKind::Map,
        TypeKind::Object,
        TypeKind::OneOf,
        TypeKind::Json,
        TypeKind::Model,
        TypeKind::Any,
    ];

    /// Parses a keyword.
    pub fn from_keyword(s: &str) -> Option<TypeKind> {
        TypeKind::ALL.into_iter().find(|k| k.keyword() == s)
    }
}

/// A type expression with its constraints. Written inline in a field (`type: string`, `max_length: 64`) or
/// as a nested mapping (`items:`, `value:`, `schema:`, a variant).
#[derive(Clone, Debug)]
pub struct TypeSpec {
    /// Where the type is written (the `type` key, or the mapping holding it).
    pub span: Span,
    /// The `type` keyword.
    pub kind: Spanned<TypeKind>,
    /// `type_name`: Rust name of an enum, object or one_of (derived from the field name when absent).
    pub type_name: Option<Spanned<String>>,
    /// `enum`: the wire values.
    pub values: Vec<EnumValueSpec>,
    /// `list`: the element type.
    pub items: Option<Box<TypeSpec>>,
    /// `map`: the value type.
    pub value: Option<Box<TypeSpec>>,
    /// `object`: the fields.
    pub fields: Vec<FieldSpec>,
    /// `one_of`: the variants.
    pub variants: Vec<VariantSpec>,
    /// `json`: the shape of the encoded value.
    pub schema: Option<Box<TypeSpec>>,
    /// `model`: the name of the shared model.
    pub model: Option<Spanned<String>>,
    /// `list` in a response: the element key of Alibaba's wrapper object (`{"Items":{"DBInstance":[...]}}`).
    pub wrapper: Option<Spanned<String>>,
    /// `list` in a request: sent as one parameter, the elements joined by this text (`","`), instead of
    /// flattened as `Name.1`, `Name.2`.
    pub separator: Option<Spanned<String>>,
    /// The constraints.
    pub constraints: Constraints,
}

/// Value constraints; which apply depends on the type (`check` rejects a misfit).
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// Numbers: inclusive lower bound.
    pub min: Option<Spanned<Scalar>>,
    /// Numbers: inclusive upper bound.
    pub max: Option<Spanned<Scalar>>,
    /// Strings: minimum length in characters.
    pub min_length: Option<Spanned<u64>>,
    /// Strings: maximum length in characters.
    pub max_length: Option<Spanned<u64>>,
    /// Strings: a regular expression the whole value must match.
    pub pattern: Option<Spanned<String>>,
    /// Lists and maps: minimum number of elements.
    pub min_items: Option<Spanned<u64>>,
    /// Lists and maps: maximum number of elements.
    pub max_items: Option<Spanned<u64>>,
    /// Lists: no two elements equal; maps: no two keys equal.
    pub unique_items: Option<Spanned<bool>>,
    /// Maps: no two values equal.
    pub unique_values: Option<Spanned<bool>>,
    /// Strings and numbers: the only values accepted.
    pub allowed: Option<Spanned<Vec<Spanned<Scalar>>>>,
}

/// One value of an `enum` type: `- Running` or `- { value: Running, rust_name: ..., description: ... }`.
#[derive(Clone, Debug)]
pub struct EnumValueSpec {
    /// The wire value.
    pub value: Spanned<String>,
    /// Overrides the UpperCamelCase variant name derived from the value.
    pub rust_name: Option<Spanned<String>>,
    /// Rustdoc of the variant.
    pub description: Option<Spanned<String>>,
}

/// One variant of a `one_of` type.
#[derive(Clone, Debug)]
pub struct VariantSpec {
    /// Where the variant starts.
    pub span: Span,
    /// The Rust variant name (UpperCamelCase).
    pub name: Spanned<String>,
    /// Rustdoc of the variant.
    pub description: Option<Spanned<String>>,
    /// The variant's shape.
    pub ty: TypeSpec,
}

/// A rule over several parameters. Each rule is a mapping with one kind key; new kinds add a variant here.
#[derive(Clone, Debug)]
pub enum RuleSpec {
    /// `- differ: [A, B]`: the listed parameters, when all present, must not all be equal.
    Differ {
        /// Where the rule starts.
        span: Span,
        /// Wire names of the parameters.
        parameters: Vec<Spanned<String>>,
        /// Optional explanation, shown in the violation.
        description: Option<Spanned<String>>,
    },
}

/// A known error code.
#[derive(Clone, Debug)]
pub struct ErrorSpec {
    /// Where the entry starts.
    pub span: Span,
    /// The `Code` field of the error body (`InvalidDBInstanceId.NotFound`).
    pub code: Spanned<String>,
    /// The HTTP status the service answers with.
    pub status: Spanned<u16>,
    /// What it means; becomes the variant's rustdoc.
    pub description: Spanned<String>,
    /// Overrides the variant name derived from the code.
    pub rust_name: Option<Spanned<String>>,
}

/// One file under `models/`: an enum, object or one_of that several operations share (`type: model`).
#[derive(Clone, Debug)]
pub struct ModelSpec {
    /// The file it was read from.
    pub file: PathBuf,
    /// The model's Rust name (UpperCamelCase), which `model:` references use; equals the file stem.
    pub name: Spanned<String>,
    /// Rustdoc of the type.
    pub description: Option<Spanned<String>>,
    /// The type.
    pub ty: TypeSpec,
}

/// Everything loaded from one spec directory.
#[derive(Clone, Debug)]
pub struct SpecSet {
    /// `service.yaml`.
    pub service: ServiceSpec,
    /// One per file under `models/`, sorted by file name.
    pub models: Vec<ModelSpec>,
    /// One per file under `operations/`, sorted by file name.
    pub operations: Vec<OperationSpec>,
}
