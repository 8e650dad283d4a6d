//! Reproduces, bit for bit, every golden vector produced by Alibaba's official SDKs
//! (`tests/data/signature-vectors.json`): for V1 (HMAC-SHA1) the canonical query string, string to sign and
//! signature; for V3 (ACS3-HMAC-SHA256) the canonical request, its hash, the string to sign, the signature and
//! the `Authorization` header.

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
fn there_are_twenty_v1_and_nine_v3_vectors() {
    assert_eq!(v1_vectors().len(), 20);
    assert_eq!(v3_vectors().len(), 9);
    assert_eq!(vectors().len(), 29, "every vector is V1 or V3");
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

fn v3_vectors() -> Vec<Value> {
    vectors().into_iter().filter(|v| v["signature_version"] == "v3").collect()
}

/// Every V3 (ACS3-HMAC-SHA256) vector: hashed payload, canonical request, its hash, string to sign, signature
/// and `Authorization` header, from the vector's method, path, query, headers and body.
#[test]
fn every_v3_vector_is_reproduced() {
    use rds_api::signing::v3;

    let mut checked = 0;
    for vector in v3_vectors() {
        let id = text(&vector, "id");
        let method = match text(&vector, "method") {
            "GET" => Method::Get,
            "POST" => Method::Post,
            other => panic!("{id}: unexpected method {other}"),
        };
        let query = string_map(&vector["query"]);
        let headers = string_map(&vector["headers"]);
        let body = vector["body"].as_str().unwrap_or_default();

        let hashed_payload = v3::hashed_payload(body.as_bytes());
        assert_eq!(hashed_payload, text(&vector, "hashed_payload"), "{id}: hashed payload");
        assert_eq!(headers["x-acs-content-sha256"], hashed_payload, "{id}: x-acs-content-sha256");
        if body.is_empty() {
            assert_eq!(hashed_payload, v3::EMPTY_PAYLOAD_SHA256, "{id}");
        }

        let canonical = v3::canonical_request(
            method,
            text(&vector, "pathname"),
            &query,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &hashed_payload,
        );
        assert_eq!(canonical.text, text(&vector, "canonical_request"), "{id}: canonical request");
        assert_eq!(canonical.signed_headers, text(&vector, "signed_headers"), "{id}: signed headers");

        let sts = v3::string_to_sign(&canonical.text);
        assert_eq!(sts, text(&vector, "string_to_sign"), "{id}: string to sign");
        let hashed_request = sts.strip_prefix("ACS3-HMAC-SHA256\n").expect("the algorithm line");
        assert_eq!(hashed_request, text(&vector, "hashed_canonical_request"), "{id}: hashed canonical request");
        if let Some(published) = vector["expected_hashed_canonical_request"].as_str() {
            assert_eq!(hashed_request, published, "{id}: published hashed canonical request");
        }

        let signature = v3::sign(text(&vector, "secret"), &sts);
        assert_eq!(signature, text(&vector, "signature"), "{id}: signature");
        if let Some(published) = vector["expected_published_signature"].as_str() {
            assert_eq!(signature, published, "{id}: published signature");
        }

        let authorization = v3::authorization(text(&vector, "access_key_id"), &canonical.signed_headers, &signature);
        assert_eq!(authorization, text(&vector, "authorization"), "{id}: Authorization");

        // The STS token travels (signed) only in x-acs-security-token.
        if let Some(token) = vector["security_token"].as_str() {
            assert_eq!(headers["x-acs-security-token"], token, "{id}");
            assert!(!query.contains_key("SecurityToken"), "{id}");
        }
        checked += 1;
    }
    assert_eq!(checked, 9, "expected the 9 V3 vectors");
}
