//! What a spec says about an operation, as far as the importer writes it and the drift report compares it;
//! and the rules that turn the metadata's facts into it.

use super::prose::{self, Side};
use super::surface::{self, Fact};

/// A type of the spec format.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// `string`.
    String,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `boolean`.
    Boolean,
    /// `float` (f64).
    Float,
    /// `float32`.
    Float32,
    /// `any`: any JSON value.
    Any,
    /// `list`.
    List {
        /// The element type.
        items: Box<Ty>,
        /// Request lists sent as one parameter, elements joined by this text.
        separator: Option<String>,
        /// Response lists: the element key of Alibaba's wrapper object.
        wrapper: Option<String>,
    },
    /// `map` with string keys.
    Map {
        /// The value type.
        value: Box<Ty>,
    },
    /// `object`.
    Object {
        /// An explicit Rust name, where the derived one would clash.
        type_name: Option<String>,
        /// The fields, in order.
        fields: Vec<Field>,
    },
    /// `json`: a request parameter sent as one JSON-encoded string.
    Json {
        /// The shape of the encoded value.
        schema: Box<Ty>,
    },
    /// A type the importer never writes (`one_of`, an object model), met in a curated spec: its keyword.
    Other(String),
}

/// Numeric and length limits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Limits {
    /// `min`.
    pub min: Option<i64>,
    /// `max`.
    pub max: Option<i64>,
    /// `min_length`.
    pub min_length: Option<u64>,
    /// `max_length`.
    pub max_length: Option<u64>,
}

/// A request parameter, response field or object field.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Exact wire name.
    pub name: String,
    /// An explicit Rust name, where the derived one would clash.
    pub rust_name: Option<String>,
    /// The type.
    pub ty: Ty,
    /// Required (top-level request parameters only).
    pub required: bool,
    /// Sent in the form body rather than the query.
    pub body: bool,
    /// `common: shared` (`SecurityToken`).
    pub shared_common: bool,
    /// A secret: sent, never shown.
    pub sensitive: bool,
    /// Declared limits.
    pub limits: Limits,
    /// Our own one-line description (empty when read back from a spec).
    pub description: String,
}

impl Field {
    /// A field of this name and type, with nothing else set.
    pub fn new(name: &str, ty: Ty) -> Field {
        Field {
            name: name.to_owned(),
            rust_name: None,
            ty,
            required: false,
            body: false,
            shared_common: false,
            sensitive: false,
            limits: Limits::default(),
            description: String::new(),
        }
    }
}

/// One operation as the importer writes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Wire name.
    pub name: String,
    /// Our own one-line summary.
    pub summary: String,
    /// Sent with GET (the service's default is POST).
    pub get: bool,
    /// Whether re-sending cannot do the work twice.
    pub idempotent: bool,
    /// Withdrawn from the current SDKs.
    pub historical: bool,
    /// `include: [caller]`: the caller parameters come from `service.yaml`.
    pub include_caller: bool,
    /// The operation's own parameters.
    pub parameters: Vec<Field>,
    /// The response fields.
    pub response: Vec<Field>,
}

/// The parameter group of `service.yaml` that imported operations include: who the call is made for
/// (`OwnerId`, `OwnerAccount`, `ResourceOwnerId`, `ResourceOwnerAccount`).
pub const CALLER_GROUP: &str = "caller";

/// Wire names of values (request parameters, response fields, object fields) that carry a password or a private
/// key. Other names
/// that look alike are not secrets: `ClientToken` is an idempotency token, `EncryptionKey` the ID of a KMS key,
/// `ExportKey` names exported columns, `KeyPairName` and `WindowsPasswordName` name a stored secret, and
/// certificates are public.
pub const SENSITIVE: &[&str] = &[
    "ADPassword",
    "AccountPassword",
    "CentralRdsDtsAdminPassword",
    "MasterPassword",
    "PassWord",
    "Password",
    "PrivateKey",
    "ReplicatorPassword",
    "ServerKey",
    "SourcePassword",
];

/// The one parameter that may be `common: shared`.
const SECURITY_TOKEN: &str = "SecurityToken";

/// Verbs (first word of an operation's name) of operations that only read: re-sending them cannot do any
/// work twice. Every other verb is taken as not idempotent, the safe side: a retry of a non-idempotent call is
/// left to the caller. `Descibe` is the service's own misspelling (`DescibeImportsFromDatabase`); `Pre`
/// starts `PreCheck...`.
const READ_ONLY_VERBS: &[&str] =
    &["Describe", "Descibe", "List", "Check", "Query", "Get", "Preview", "Calculate", "Evaluate", "Precheck", "Pre"];

/// Whether an operation of this name is idempotent, from its verb.
pub fn idempotent(name: &str) -> bool {
    READ_ONLY_VERBS.contains(&prose::verb(name))
}

/// The operation the metadata describes, with every parameter it lists (the caller group not yet taken
/// out: see [`Operation::use_caller_group`]), descriptions in our words, and no explicit Rust names yet.
pub fn operation(op: &surface::Operation, historical: bool) -> Result<Operation, String> {
    let parameters = op.request.iter().map(parameter).collect::<Result<Vec<_>, _>>()?;
    let response = op.response.iter().map(|f| field(f, Side::Response, 1)).collect::<Result<Vec<_>, _>>()?;
    Ok(Operation {
        name: op.name.clone(),
        summary: prose::summary(&op.name),
        get: op.http_method.eq_ignore_ascii_case("GET"),
        idempotent: idempotent(&op.name),
        historical,
        include_caller: false,
        parameters,
        response,
    })
}

impl Operation {
    /// Replaces the parameters of the `caller` group (`group`: its parameters as `service.yaml` declares
    /// them) by `include: [caller]` when the operation declares every one of them as the group does: same
    /// type, optional, in the query, without limits. Otherwise the operation lists them itself.
    pub fn use_caller_group(&mut self, group: &[Field]) {
        let declares = |g: &Field| {
            self.parameters
                .iter()
                .any(|p| p.name == g.name && p.ty == g.ty && !p.required && !p.body && p.limits == Limits::default())
        };
        if !group.is_empty() && group.iter().all(declares) {
            self.parameters.retain(|p| !group.iter().any(|g| g.name == p.name));
            self.include_caller = true;
        }
    }
}

fn parameter(fact: &Fact) -> Result<Field, String> {
    let mut f = field(fact, Side::Request, 0)?;
    f.ty = match fact.encoding.as_deref() {
        // Flattened (`Tag.1.Key`, `EventPublishTime.Start`) is how the format sends a request list or object.
        None | Some("flattened") => f.ty,
        Some("comma-joined") => match f.ty {
            Ty::List { items, .. } => Ty::List { items, separator: Some(",".to_owned()), wrapper: None },
            other => return Err(format!("parameter {}: comma-joined but not an array ({other:?})", fact.name)),
        },
        Some("json-string") => Ty::Json { schema: Box::new(f.ty) },
        Some(other) => return Err(format!("parameter {}: unknown encoding `{other}`", fact.name)),
    };
    f.required = fact.required;
    f.body = match fact.position.as_deref() {
        None | Some("Query") => false,
        Some("Body") => true,
        Some(other) => return Err(format!("parameter {}: unknown position `{other}`", fact.name)),
    };
    if fact.name == SECURITY_TOKEN && f.ty == Ty::String {
        f.shared_common = true;
    }
    f.description = prose::describe(&f.name, &f.ty, Side::Request);
    Ok(f)
}

/// A field at `depth` (0: a request parameter, whose encoding the caller applies; 1: a response field).
fn field(fact: &Fact, side: Side, depth: usize) -> Result<Field, String> {
    let ty = structure(fact, side).map_err(|e| format!("{}: {e}", fact.name))?;
    let mut f = Field::new(&fact.name, ty);
    // Secrets in answers too (DescribeDBInstanceSSL's `ServerKey`): never shown by a response's `Debug`.
    f.sensitive = SENSITIVE.contains(&fact.name.as_str());
    if let Some(c) = &fact.constraints {
        f.limits = Limits { min: c.minimum, max: c.maximum, min_length: c.min_length, max_length: c.max_length };
    }
    if depth > 0 {
        f.description = prose::describe(&f.name, &f.ty, side);
    }
    Ok(f)
}

/// The type of a fact, before any request encoding. In responses, an object whose only field is an array
/// is Alibaba's wrapper (`{"Accounts":{"DBInstanceAccount":[...]}}`): a list with `wrapper`.
fn structure(fact: &Fact, side: Side) -> Result<Ty, String> {
    match fact.kind.as_str() {
        "array" => Ok(Ty::List { items: Box::new(element(fact, side)?), separator: None, wrapper: None }),
        "object" => match fact.fields.as_slice() {
            [only] if side == Side::Response && only.kind == "array" => Ok(Ty::List {
                items: Box::new(element(only, side)?),
                separator: None,
                wrapper: Some(only.name.clone()),
            }),
            fields => Ok(Ty::Object { type_name: None, fields: object_fields(fields, side)? }),
        },
        "map" => Ok(Ty::Map { value: Box::new(map_value(fact.values.as_deref())?) }),
        kind => scalar(kind, fact),
    }
}

fn object_fields(fields: &[Fact], side: Side) -> Result<Vec<Field>, String> {
    if fields.is_empty() {
        return Err("an object without fields".to_owned());
    }
    fields.iter().map(|f| field(f, side, 1)).collect()
}

/// The element type of an array; scalar elements take the array's width.
fn element(array: &Fact, side: Side) -> Result<Ty, String> {
    match array.items.as_deref() {
        Some("object") => Ok(Ty::Object { type_name: None, fields: object_fields(&array.fields, side)? }),
        Some("map") => Ok(Ty::Map { value: Box::new(Ty::Any) }),
        Some("array") | None => Err("an array without scalar or object items".to_owned()),
        Some(kind) => scalar(kind, array),
    }
}

fn map_value(values: Option<&str>) -> Result<Ty, String> {
    match values {
        None | Some("any") => Ok(Ty::Any),
        Some("string") => Ok(Ty::String),
        Some(other) => Err(format!("a map of `{other}`")),
    }
}

/// A scalar type: integers take their width from the Darabonba spec, else from the legacy SDK or the
/// OpenAPI metadata, else int64 (the wider is the safe side); numbers are f32 only when declared so.
fn scalar(kind: &str, fact: &Fact) -> Result<Ty, String> {
    let width = fact.width.as_deref();
    Ok(match kind {
        // `binary`: RegionId, typed as bytes by one SDK but sent as text. A string's `width` (one
        // parameter) is the legacy SDK's mistake, not a number.
        "string" | "binary" => Ty::String,
        "boolean" => Ty::Boolean,
        "any" => Ty::Any,
        "number" if width == Some("float32") => Ty::Float32,
        "number" => Ty::Float,
        "integer" | "long" => {
            let legacy = fact.legacy_type.as_deref().or(fact.meta_type.as_deref()).map(str::to_ascii_lowercase);
            match (width, legacy.as_deref()) {
                (Some("int32"), _) => Ty::Int32,
                (Some("int64"), _) => Ty::Int64,
                (_, Some("integer")) => Ty::Int32,
                _ => Ty::Int64,
            }
        }
        other => return Err(format!("unknown type `{other}`")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(json: &str) -> Fact {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn integer_widths() {
        let w = |j: &str| scalar("integer", &fact(j)).unwrap();
        assert_eq!(w(r#"{"name":"A","type":"integer","width":"int32","legacy_type":"long"}"#), Ty::Int32);
        assert_eq!(w(r#"{"name":"A","type":"integer","legacy_type":"integer"}"#), Ty::Int32);
        assert_eq!(w(r#"{"name":"A","type":"integer","meta_type":"Integer"}"#), Ty::Int32);
        assert_eq!(w(r#"{"name":"A","type":"integer","meta_type":"Long"}"#), Ty::Int64);
        assert_eq!(w(r#"{"name":"A","type":"integer"}"#), Ty::Int64);
    }

    #[test]
    fn a_response_wrapper_becomes_a_list() {
        let f = fact(
            r#"{"name":"Accounts","type":"object","fields":[{"name":"DBInstanceAccount","type":"array",
                "items":"object","fields":[{"name":"AccountName","type":"string"}]}]}"#,
        );
        let Ty::List { items, wrapper, .. } = field(&f, Side::Response, 1).unwrap().ty else { panic!() };
        assert_eq!(wrapper.as_deref(), Some("DBInstanceAccount"));
        assert!(matches!(*items, Ty::Object { .. }));
        // In a request the same shape is an object: its wire form must stay as it is.
        assert!(matches!(field(&f, Side::Request, 1).unwrap().ty, Ty::Object { .. }));
    }

    #[test]
    fn encodings() {
        let p = parameter(&fact(r#"{"name":"Ids","type":"array","items":"string","encoding":"comma-joined"}"#));
        assert_eq!(p.unwrap().ty, Ty::List { items: Box::new(Ty::String), separator: Some(",".into()), wrapper: None });
        let p = parameter(&fact(r#"{"name":"P","type":"map","encoding":"json-string"}"#)).unwrap();
        assert_eq!(p.ty, Ty::Json { schema: Box::new(Ty::Map { value: Box::new(Ty::Any) }) });
        let p = parameter(&fact(r#"{"name":"SecurityToken","type":"string"}"#)).unwrap();
        assert!(p.shared_common);
        let p = parameter(&fact(r#"{"name":"Password","type":"string","position":"Body"}"#)).unwrap();
        assert!(p.sensitive && p.body);
    }

    #[test]
    fn the_caller_group_is_included_only_when_declared_as_the_group_does() {
        let group = vec![Field::new("OwnerId", Ty::Int64), Field::new("OwnerAccount", Ty::String)];
        let op = |owner_id: Ty| Operation {
            name: "X".into(),
            summary: String::new(),
            get: false,
            idempotent: false,
            historical: false,
            include_caller: false,
            parameters: vec![
                Field::new("A", Ty::String),
                Field::new("OwnerId", owner_id),
                Field::new("OwnerAccount", Ty::String),
            ],
            response: vec![],
        };
        let mut fits = op(Ty::Int64);
        fits.use_caller_group(&group);
        assert!(fits.include_caller);
        assert_eq!(fits.parameters, [Field::new("A", Ty::String)]);
        let mut narrower = op(Ty::Int32);
        narrower.use_caller_group(&group);
        assert!(!narrower.include_caller && narrower.parameters.len() == 3);
    }

    #[test]
    fn idempotency_follows_the_verb() {
        assert!(idempotent("DescribeDBInstances"));
        assert!(idempotent("DescibeImportsFromDatabase"));
        assert!(idempotent("PreCheckCreateOrderForDeleteDBNodes"));
        assert!(!idempotent("CreateDBInstance"));
        assert!(!idempotent("UpgradeDBInstanceMajorVersionPrecheck"));
    }
}
