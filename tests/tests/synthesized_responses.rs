//! Every operation's generated response type decodes an answer synthesized from its spec: every field present,
//! lists wrapped the way Alibaba wraps them (`{"Items":{"DBInstance":[...]}}`), scalars of the declared types,
//! and the same answer with numbers sent as strings, as the service sometimes does. A spec whose response
//! shape the generated decoder cannot read (a wrapper misplaced, a type mismatch) fails here by name.

use std::path::Path;

use codegen::model::{Api, Field, NamedKind, Operation, Shape, Type};
use rds_api::operations::SERVER_OPERATIONS;
use serde_json::{json, Map, Value};

fn api() -> Api {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
    let set = codegen::load::load_dir(&specs).unwrap_or_else(|d| panic!("{d}"));
    codegen::model::build(&set).unwrap_or_else(|d| panic!("{d}"))
}

/// How scalars are written in the synthesized answer.
#[derive(Clone, Copy)]
enum Style {
    /// As declared: numbers as numbers, booleans as booleans.
    Declared,
    /// Numbers and booleans as strings (`"3"`, `"true"`): the service's other habit.
    Strings,
}

fn object(api: &Api, op: &Operation, fields: &[Field], style: Style, depth: u32) -> Value {
    let mut out = Map::new();
    for f in fields {
        out.insert(f.wire_name.clone(), value(api, op, &f.ty, style, depth + 1));
    }
    Value::Object(out)
}

fn value(api: &Api, op: &Operation, ty: &Type, style: Style, depth: u32) -> Value {
    assert!(depth < 32, "{}: the response nests deeper than any RDS answer", op.wire_name);
    let number = |n: Value| match style {
        Style::Declared => n,
        Style::Strings => Value::String(n.to_string()),
    };
    match &ty.shape {
        Shape::String => json!("text 數據"),
        Shape::Int32 | Shape::Int64 => number(json!(7)),
        Shape::Float | Shape::Float32 => number(json!(1.5)),
        Shape::Boolean => number(json!(true)),
        Shape::Any => json!({"any": [1, "two", null]}),
        Shape::Json(inner) => value(api, op, inner, style, depth + 1),
        Shape::List { items, wrapper, .. } => {
            let items =
                Value::Array(vec![value(api, op, items, style, depth + 1), value(api, op, items, style, depth + 1)]);
            match wrapper {
                Some(key) => json!({ key.as_str(): items }),
                None => items,
            }
        }
        Shape::Map { value: inner } => json!({ "k1": value(api, op, inner, style, depth + 1) }),
        Shape::Named(name) | Shape::Model(name) => {
            let named = op.types.get(name).or_else(|| api.models.get(name)).expect("the model names its types");
            match &named.kind {
                NamedKind::Enum(values) => json!(values.first().map_or("", |v| v.wire.as_str())),
                NamedKind::Object(fields) => object(api, op, fields, style, depth),
                NamedKind::OneOf(variants) => value(api, op, &variants[0].ty, style, depth + 1),
            }
        }
    }
}

#[test]
fn every_response_type_decodes_an_answer_synthesized_from_its_spec() {
    let api = api();
    assert_eq!(api.operations.len(), SERVER_OPERATIONS.len(), "the generated code is stale: run `cargo xtask codegen`");
    let mut failures = Vec::new();
    for op in &api.operations {
        let entry =
            SERVER_OPERATIONS.iter().find(|e| e.action == op.wire_name).expect("every operation is in the table");
        for style in [Style::Declared, Style::Strings] {
            let mut answer = object(&api, op, &op.response, style, 0);
            // Every answer carries a request id, declared or not.
            answer.as_object_mut().expect("an object").entry("RequestId").or_insert(json!("req-1"));
            let body = serde_json::to_vec(&answer).expect("serializable");
            if let Err(err) = entry.decode_response(&body) {
                failures.push(format!("{}: {err}\n  answer: {answer}", op.wire_name));
            }
        }
        // An answer with nothing but the request id: every response field is optional in practice.
        let bare = entry.decode_response(br#"{"RequestId":"req-1"}"#);
        if let Err(err) = bare {
            let required: Vec<&str> = op.response.iter().filter(|f| f.required).map(|f| f.wire_name.as_str()).collect();
            if required.is_empty() {
                failures.push(format!("{}: a bare answer fails although no field is required: {err}", op.wire_name));
            }
        }
    }
    assert!(failures.is_empty(), "{} answers not decoded:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_wrongly_shaped_answer_is_refused_with_the_field_named() {
    // The check above is only as strong as the decoder's refusals: text where a list is declared must fail,
    // naming where.
    let api = api();
    let found = api.operations.iter().find_map(|op| {
        let field = op.response.iter().find(|f| matches!(&f.ty.shape, Shape::List { .. }))?;
        Some((op, field))
    });
    let (op, field) = found.expect("some operation answers a list");
    let entry = SERVER_OPERATIONS.iter().find(|e| e.action == op.wire_name).unwrap();
    let body = json!({"RequestId": "r", field.wire_name.as_str(): "not a list"});
    let err = entry.decode_response(&serde_json::to_vec(&body).unwrap()).unwrap_err();
    assert_eq!(err.path(), field.wire_name, "{err}");
}
