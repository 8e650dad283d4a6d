//! The JSON Schemas under `api-specs/schema/` (for editors) describe the format the parser reads: valid
//! JSON, the same keys at every level, every `$ref` resolving, and the real specs pointing at them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use codegen::parse::{self, Keys};
use codegen::spec::TypeKind;
use codegen::yaml::{self, NodeKind};
use serde_json::Value;

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs")
}

fn schema(name: &str) -> Value {
    read_json(&specs_dir().join("schema").join(name))
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

fn strings(value: &Value) -> BTreeSet<String> {
    let items = value.as_array().unwrap_or_else(|| panic!("not an array: {value}"));
    items.iter().map(|v| v.as_str().expect("a string").to_owned()).collect()
}

fn property_names(object_schema: &Value) -> BTreeSet<String> {
    let properties =
        object_schema["properties"].as_object().unwrap_or_else(|| panic!("no properties: {object_schema}"));
    properties.keys().cloned().collect()
}

fn key_set<'k>(names: impl Iterator<Item = &'k str>) -> BTreeSet<String> {
    names.map(str::to_owned).collect()
}

/// The object schema accepts exactly the parser's keys, requires exactly its required keys, and no others.
fn assert_matches(what: &str, object_schema: &Value, keys: &Keys<'_>) {
    assert_eq!(property_names(object_schema), key_set(keys.names()), "properties of {what}");
    let required = object_schema.get("required").map(strings).unwrap_or_default();
    assert_eq!(required, key_set(keys.required.iter().copied()), "required keys of {what}");
    assert_eq!(object_schema["additionalProperties"], Value::Bool(false), "{what} must reject unknown keys");
}

/// Every `$ref` in `value` names a definition of `root`.
fn assert_refs_resolve(root: &Value, value: &Value) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                let name = target.strip_prefix("#/definitions/").unwrap_or_else(|| panic!("external $ref {target}"));
                assert!(root["definitions"].get(name).is_some(), "unresolved $ref {target}");
            }
            map.values().for_each(|v| assert_refs_resolve(root, v));
        }
        Value::Array(items) => items.iter().for_each(|v| assert_refs_resolve(root, v)),
        _ => {}
    }
}

#[test]
fn both_schemas_are_draft_07_json_with_resolving_refs() {
    for name in ["service.schema.json", "operation.schema.json"] {
        let root = schema(name);
        assert_eq!(root["$schema"], "http://json-schema.org/draft-07/schema#", "{name}");
        assert_refs_resolve(&root, &root);
    }
}

#[test]
fn the_service_schema_has_the_parsers_keys() {
    let root = schema("service.schema.json");
    assert_matches("service.yaml", &root, &parse::SERVICE_KEYS);
    assert_matches("an error", &root["definitions"]["error"], &parse::ERROR_KEYS);
    let group = &root["definitions"]["parameter_group"];
    assert_matches("a parameter group", group, &parse::PARAMETER_GROUP_KEYS);
    assert_eq!(root["properties"]["parameter_groups"]["items"]["$ref"], "#/definitions/parameter_group");
    assert_eq!(group["properties"]["parameters"]["items"]["$ref"], "#/definitions/parameter");
}

/// A parameter group's parameters are written as an operation's: the service schema carries copies of the
/// operation schema's definitions (each schema is self-contained), which must not drift apart.
#[test]
fn the_service_schemas_parameters_are_the_operation_schemas() {
    let service = schema("service.schema.json");
    let operation = schema("operation.schema.json");
    let copies = service["definitions"].as_object().expect("definitions");
    for name in ["parameter", "object_field", "type", "variant", "enum_value", "key_type", "key_separator"] {
        assert!(copies.contains_key(name), "service.schema.json lacks the definition {name}");
    }
    for (name, copy) in copies {
        if let Some(original) = operation["definitions"].get(name) {
            assert_eq!(copy, original, "definition {name} differs between the two schemas");
        }
    }
}

#[test]
fn the_operation_schema_has_the_parsers_keys_at_every_level() {
    let root = schema("operation.schema.json");
    let definitions = &root["definitions"];
    assert_matches("an operation file", &root, &parse::OPERATION_KEYS);
    assert_matches("deprecated", &root["properties"]["deprecated"], &parse::DEPRECATION_KEYS);
    let pagination = &root["properties"]["pagination"];
    assert_matches("pagination", pagination, &parse::PAGINATION_KEYS);
    assert_matches("pagination.page_number", &pagination["properties"]["page_number"], &parse::PAGE_NUMBER_KEYS);
    assert_matches("pagination.token", &pagination["properties"]["token"], &parse::TOKEN_PAGING_KEYS);
    assert_matches("a parameter", &definitions["parameter"], &parse::PARAMETER_KEYS);
    assert_matches("a response field", &definitions["response_field"], &parse::RESPONSE_FIELD_KEYS);
    assert_matches("an object field", &definitions["object_field"], &parse::OBJECT_FIELD_KEYS);
    assert_matches("a nested type", &definitions["type"], &parse::NESTED_TYPE_KEYS);
    assert_matches("a variant", &definitions["variant"], &parse::VARIANT_KEYS);
    assert_matches("an enum value", &definitions["enum_value"], &parse::ENUM_VALUE_KEYS);
    assert_matches("an error", &definitions["error"], &parse::ERROR_KEYS);
    assert_matches("a model file", &definitions["model"], &parse::MODEL_KEYS);
    let rule_keys = key_set(parse::rule_kinds().chain(["description"]));
    assert_eq!(property_names(&definitions["rule"]), rule_keys, "properties of a rule");
}

#[test]
fn the_type_keywords_are_the_formats() {
    let root = schema("operation.schema.json");
    let keywords = key_set(TypeKind::ALL.iter().map(|k| k.keyword()));
    assert_eq!(strings(&root["definitions"]["key_type"]["enum"]), keywords);
}

/// Each real spec names its schema in its first line, and uses only keys the schema has.
#[test]
fn the_real_specs_use_the_schemas() {
    let dir = specs_dir();
    let mut files = vec![(dir.join("service.yaml"), "schema/service.schema.json")];
    for entry in std::fs::read_dir(dir.join("operations")).expect("operations/") {
        files.push((entry.expect("an entry").path(), "../schema/operation.schema.json"));
    }
    for entry in std::fs::read_dir(dir.join("models")).expect("models/") {
        files.push((entry.expect("an entry").path(), "../schema/operation.schema.json#/definitions/model"));
    }
    for (file, schema_path) in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        let first_line = text.lines().next().unwrap_or_default();
        assert_eq!(first_line, format!("# yaml-language-server: $schema={schema_path}"), "{}", file.display());
        let (path, pointer) = schema_path.split_once('#').unwrap_or((schema_path, ""));
        let root = read_json(&file.parent().expect("a directory").join(path));
        let schema =
            if pointer.is_empty() { root } else { root.pointer(pointer).expect("the pointer resolves").clone() };
        let properties = property_names(&schema);
        let document = yaml::parse(&text);
        let Some(NodeKind::Mapping(entries)) = document.root.map(|r| r.kind) else {
            panic!("{} is not a mapping", file.display());
        };
        for (key, _) in entries {
            let key = key.as_text().expect("a text key").to_owned();
            assert!(properties.contains(&key), "{}: `{key}` is not in {schema_path}", file.display());
        }
    }
}
