//! Reproduces, bit for bit, every V1 (HMAC-SHA1) golden vector produced by Alibaba's official SDKs
//! (`tests/data/signature-vectors.json`): canonical query string, string to sign and signature.

use std::collections::BTreeMap;

use rds_api::runtime::Method;
use rds_api::signing::{canonical_query_string, percent_encode, sign, string_to_sign};
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/signature-vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let data: Value = serde_json::from_str(&text).expect("signature-vectors.json is JSON");
    data["vectors"].as_array().expect("a `vectors` array").clone()
}

fn text<'a>(vector: &'a Value, key: &str) -> &'a str {
    vector[key].as_str().unwrap_or_else(|| panic!("{}: `{key}` is not a string", vector["id"]))
}

fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .expect("an object of strings")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("a string value").to_owned()))
        .collect()
}

fn v1_vectors() -> Vec<Value> {
    vectors().into_iter().filter(|v| v["signature_version"] == "v1").collect()
}

#[test]
fn there_are_twenty_v1_vectors_and_v3_ones_are_kept() {
    assert_eq!(v1_vectors().len(), 20);
    let v3 = vectors().into_iter().filter(|v| v["signature_version"] == "v3").count();
    assert_eq!(v3, 9, "the V3 vectors stay in the data file for later");
}

#[test]
fn every_v1_vector_is_reproduced() {
    let mut checked = 0;
    for vector in v1_vectors() {
        let id = text(&vector, "id");
        let method = match text(&vector, "method") {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => panic!("{id}: unexpected method {other}"),
        };
        let params = string_map(&vector["params"]);
        assert!(!params.contains_key("Signature"), "{id}");

        let cq = canonical_query_string(&params);
        assert_eq!(cq, text(&vector, "canonical_query_string"), "{id}: canonical query");

        let sts = string_to_sign(method, &cq);
        assert_eq!(sts, text(&vector, "string_to_sign"), "{id}: string to sign");

        let signature = sign(text(&vector, "secret"), &sts);
        assert_eq!(signature, text(&vector, "signature"), "{id}: signature");
        if let Some(published) = vector["expected_published_signature"].as_str() {
            assert_eq!(signature, published, "{id}: published signature");
        }

        // Where the vector records where the SDK put each parameter, query ∪ body is the signed set.
        if vector.get("query_params").is_some() {
            let mut merged = string_map(&vector["query_params"]);
            merged.extend(string_map(&vector["body_params"]));
            assert_eq!(merged, params, "{id}: query ∪ body");
        }

        // The Signature the SDK put in the URL is ours, percent-encoded the same way.
        if let Some(url) = vector["wire"]["url"].as_str() {
            let sent = url
                .split(['?', '&'])
                .find_map(|pair| pair.strip_prefix("Signature="))
                .unwrap_or_else(|| panic!("{id}: no Signature in the wire URL"));
            assert_eq!(sent, percent_encode(&signature), "{id}: wire Signature");
        }
        checked += 1;
    }
    assert_eq!(checked, 20);
}
