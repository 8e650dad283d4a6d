//! Where the specs and the metadata disagree about the wire: a request parameter missing on either side,
//! its type, required flag or location, and the HTTP method. Every spec is compared, curated ones included,
//! so a curated file cannot silently lose a parameter the service takes.
//!
//! Specs are read from the YAML tree ([`crate::yaml`]), not through the generator's parser: the report must
//! work on a spec the generator refuses (that is when one wants it most), and needs only a few keys.
//! Descriptions, constraints, `sensitive` and the response are not compared: the metadata's own are
//! Alibaba's, and a curated response deliberately lists only the fields it documents.

use std::collections::BTreeMap;

use super::shape::{Field, Ty};
use super::write::keyword;
use crate::yaml::{self, Node, NodeKind};

/// What a spec file says about the wire.
#[derive(Clone, Debug)]
pub struct SpecWire {
    /// `http_method`, when written.
    pub http_method: Option<String>,
    /// Every request parameter: the file's own, then those of the groups it includes.
    pub parameters: Vec<Field>,
}

/// What `service.yaml` contributes: the default method and the parameter groups (which import also reads,
/// to include the `caller` group exactly where an operation declares its parameters as the group does).
#[derive(Clone, Debug, Default)]
pub struct Service {
    /// `http_method`.
    pub http_method: String,
    /// `parameter_groups`, by name.
    pub groups: BTreeMap<String, Vec<Field>>,
}

/// The shared models' kinds by name (`Engine` -> `enum`), to read `type: model` references.
pub type Models = BTreeMap<String, String>;

/// Reads `service.yaml`. Groups may be written as a list of `{ name, parameters }` or as a mapping from
/// name to `{ parameters }`.
pub fn read_service(text: &str, models: &Models) -> Result<Service, String> {
    let root = root(text)?;
    let http_method = root.get("http_method").and_then(Node::as_text).unwrap_or("POST").to_owned();
    let mut groups = BTreeMap::new();
    match root.get("parameter_groups").map(|n| &n.kind) {
        Some(NodeKind::Sequence(items)) => {
            for group in items {
                if let Some(name) = group.get("name").and_then(Node::as_text) {
                    groups.insert(name.to_owned(), fields(group.get("parameters"), models)?);
                }
            }
        }
        Some(NodeKind::Mapping(entries)) => {
            for (key, group) in entries {
                if let Some(name) = key.as_text() {
                    groups.insert(name.to_owned(), fields(group.get("parameters"), models)?);
                }
            }
        }
        _ => {}
    }
    Ok(Service { http_method, groups })
}

/// The kind (`type`) of a model file.
pub fn read_model_kind(text: &str) -> Result<(String, String), String> {
    let root = root(text)?;
    let name = root.get("name").and_then(Node::as_text).ok_or("a model without `name`")?;
    let kind = root.get("type").and_then(Node::as_text).ok_or("a model without `type`")?;
    Ok((name.to_owned(), kind.to_owned()))
}

/// Reads an operation file's wire facts; `include:` is resolved against `service`.
pub fn read_spec(text: &str, service: &Service, models: &Models) -> Result<SpecWire, String> {
    let root = root(text)?;
    let mut parameters = fields(root.get("parameters"), models)?;
    if let Some(NodeKind::Sequence(names)) = root.get("include").map(|n| &n.kind) {
        for name in names.iter().filter_map(Node::as_text) {
            let group = service.groups.get(name).ok_or_else(|| format!("includes an unknown group `{name}`"))?;
            parameters.extend(group.iter().cloned());
        }
    }
    let http_method = root.get("http_method").and_then(Node::as_text).map(str::to_owned);
    Ok(SpecWire { http_method, parameters })
}

fn root(text: &str) -> Result<Node, String> {
    let doc = yaml::parse(text);
    if let Some(e) = doc.errors.first() {
        return Err(e.to_string());
    }
    doc.root.ok_or_else(|| "an empty file".to_owned())
}

fn fields(node: Option<&Node>, models: &Models) -> Result<Vec<Field>, String> {
    let Some(node) = node else { return Ok(Vec::new()) };
    let NodeKind::Sequence(items) = &node.kind else { return Err("fields that are not a list".to_owned()) };
    items.iter().map(|item| field(item, models)).collect()
}

fn field(node: &Node, models: &Models) -> Result<Field, String> {
    let name = node.get("name").and_then(Node::as_text).ok_or("a field without `name`")?;
    let ty = ty(node, models).map_err(|e| format!("{name}: {e}"))?;
    Ok(Field {
        name: name.to_owned(),
        rust_name: None,
        ty,
        required: node.get("required").and_then(Node::as_text) == Some("true"),
        body: node.get("location").and_then(Node::as_text) == Some("body"),
        shared_common: node.get("common").is_some(),
        sensitive: node.get("sensitive").and_then(Node::as_text) == Some("true"),
        limits: Default::default(),
        description: String::new(),
    })
}

/// The type written in a mapping (a field, or `items`/`value`/`schema`). An enum is compared as a string,
/// which is what travels; so is a model that is an enum.
fn ty(node: &Node, models: &Models) -> Result<Ty, String> {
    let keyword = node.get("type").and_then(Node::as_text).ok_or("no `type`")?;
    let nested = |key: &str| -> Result<Box<Ty>, String> {
        let inner = node.get(key).ok_or_else(|| format!("a {keyword} without `{key}`"))?;
        Ok(Box::new(ty(inner, models)?))
    };
    Ok(match keyword {
        "string" | "enum" => Ty::String,
        "int32" => Ty::Int32,
        "int64" => Ty::Int64,
        "boolean" => Ty::Boolean,
        "float" => Ty::Float,
        "float32" => Ty::Float32,
        "any" => Ty::Any,
        "list" => Ty::List {
            items: nested("items")?,
            separator: node.get("separator").and_then(Node::as_text).map(str::to_owned),
            wrapper: node.get("wrapper").and_then(Node::as_text).map(str::to_owned),
        },
        "map" => Ty::Map { value: nested("value")? },
        "json" => Ty::Json { schema: nested("schema")? },
        "object" => Ty::Object { type_name: None, fields: fields(node.get("fields"), models)? },
        "model" => {
            let model = node.get("model").and_then(Node::as_text).unwrap_or_default();
            match models.get(model).map(String::as_str) {
                Some("enum") => Ty::String,
                _ => Ty::Other(format!("model {model}")),
            }
        }
        other => Ty::Other(other.to_owned()),
    })
}

/// The findings about one operation, in a fixed order: the method, then each metadata parameter in
/// the metadata's order, then the spec's extra parameters.
pub fn compare(op: &str, get: bool, metadata: &[Field], spec: &SpecWire, service: &Service) -> Vec<String> {
    let mut out = Vec::new();
    let expected = if get { "GET" } else { "POST" };
    let written = spec.http_method.as_deref().unwrap_or(&service.http_method);
    if !written.eq_ignore_ascii_case(expected) {
        out.push(format!("{op}: http_method {expected} in the metadata, {written} in the spec"));
    }
    compare_fields(op, "", metadata, &spec.parameters, true, &mut out);
    out
}

fn compare_fields(op: &str, prefix: &str, metadata: &[Field], spec: &[Field], top: bool, out: &mut Vec<String>) {
    for m in metadata {
        let path = format!("{prefix}{}", m.name);
        let Some(s) = spec.iter().find(|s| s.name == m.name) else {
            out.push(format!("{op}: parameter {path}: missing from the spec"));
            continue;
        };
        let (mt, st) = (describe(&m.ty), describe(&s.ty));
        if mt != st {
            out.push(format!("{op}: parameter {path}: type {mt} in the metadata, {st} in the spec"));
        } else if let (Some(mf), Some(sf)) = (object_fields(&m.ty), object_fields(&s.ty)) {
            compare_fields(op, &format!("{path}."), mf, sf, false, out);
        }
        // Fields of objects have no required flag or location in the metadata.
        if top {
            if m.required != s.required {
                let word = |r: bool| if r { "required" } else { "optional" };
                out.push(format!(
                    "{op}: parameter {path}: {} in the metadata, {} in the spec",
                    word(m.required),
                    word(s.required)
                ));
            }
            if m.body != s.body {
                let word = |b: bool| if b { "body" } else { "query" };
                out.push(format!(
                    "{op}: parameter {path}: location {} in the metadata, {} in the spec",
                    word(m.body),
                    word(s.body)
                ));
            }
        }
    }
    for s in spec.iter().filter(|s| !metadata.iter().any(|m| m.name == s.name)) {
        out.push(format!("{op}: parameter {prefix}{}: missing from the metadata", s.name));
    }
}

/// A type as a finding shows it: `int64`, `list of string joined by ","`, `json (list of object)`.
/// Objects are compared field by field instead.
fn describe(ty: &Ty) -> String {
    match ty {
        Ty::List { items, separator: Some(sep), .. } => format!("list of {} joined by {sep:?}", describe(items)),
        Ty::List { items, .. } => format!("list of {}", describe(items)),
        Ty::Map { value } => format!("map of {}", describe(value)),
        Ty::Json { schema } => format!("json ({})", describe(schema)),
        other => keyword(other).to_owned(),
    }
}

/// The fields of the object a type is or holds (through lists, maps and json).
fn object_fields(ty: &Ty) -> Option<&[Field]> {
    match ty {
        Ty::Object { fields, .. } => Some(fields),
        Ty::List { items: inner, .. } | Ty::Map { value: inner } | Ty::Json { schema: inner } => object_fields(inner),
        _ => None,
    }
}

/// `deliberate-differences.txt`: one finding per line; blank lines and `#` comments are ignored.
pub fn read_deliberate(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

/// The findings split by the list of deliberate differences.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Findings the list does not accept.
    pub unexpected: Vec<String>,
    /// Lines of the list that no longer occur.
    pub gone: Vec<String>,
    /// Findings the list accepts.
    pub accepted: usize,
}

/// Splits `findings` by `deliberate`.
pub fn judge(findings: &[String], deliberate: &[String]) -> Verdict {
    let unexpected: Vec<String> = findings.iter().filter(|f| !deliberate.contains(f)).cloned().collect();
    let gone = deliberate.iter().filter(|d| !findings.contains(d)).cloned().collect();
    Verdict { accepted: findings.len() - unexpected.len(), unexpected, gone }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> Service {
        let text = "http_method: POST\nparameter_groups:\n  - name: caller\n    parameters:\n      \
                    - { name: OwnerId, type: int64 }\n";
        read_service(text, &Models::new()).unwrap()
    }

    fn meta(name: &str, ty: Ty, required: bool) -> Field {
        Field {
            name: name.into(),
            rust_name: None,
            ty,
            required,
            body: false,
            shared_common: false,
            sensitive: false,
            limits: Default::default(),
            description: String::new(),
        }
    }

    #[test]
    fn reports_each_kind_of_difference() {
        let spec = "name: X\nhttp_method: GET\ninclude: [caller]\nparameters:\n  - name: A\n    type: int32\n  \
                    - name: B\n    type: enum\n    values: [x]\n    location: body\n  - name: C\n    type: string\n  \
                    - name: T\n    type: list\n    items:\n      type: object\n      fields:\n        \
                    - { name: key, type: string }\n";
        let spec = read_spec(spec, &service(), &Models::new()).unwrap();
        let tag = Ty::List {
            items: Box::new(Ty::Object { type_name: None, fields: vec![meta("Key", Ty::String, false)] }),
            separator: None,
            wrapper: None,
        };
        let metadata = vec![
            meta("A", Ty::Int64, true),
            meta("B", Ty::String, false),
            meta("D", Ty::String, false),
            meta("OwnerId", Ty::Int64, false),
            meta("T", tag, false),
        ];
        let found = compare("X", false, &metadata, &spec, &service());
        assert_eq!(
            found,
            [
                "X: http_method POST in the metadata, GET in the spec",
                "X: parameter A: type int64 in the metadata, int32 in the spec",
                "X: parameter A: required in the metadata, optional in the spec",
                "X: parameter B: location query in the metadata, body in the spec",
                "X: parameter D: missing from the spec",
                "X: parameter T.Key: missing from the spec",
                "X: parameter T.key: missing from the metadata",
                "X: parameter C: missing from the metadata",
            ]
        );
    }

    #[test]
    fn the_list_must_stay_honest() {
        let findings = vec!["a".to_owned(), "b".to_owned()];
        let list = read_deliberate("# why\nb\n\nc\n");
        let verdict = judge(&findings, &list);
        assert_eq!(verdict, Verdict { unexpected: vec!["a".into()], gone: vec!["c".into()], accepted: 1 });
    }
}
