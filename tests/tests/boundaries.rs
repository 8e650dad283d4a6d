//! Promises at their exact boundary, end to end against rds-emulator, each on both sides where both hold it:
//!
//! - storage: the destination's free space must be *larger* than the source's used space; equal is not
//!   enough, for the preflight and for the service;
//! - signing: parameters are sorted by bytes, so a lower-case name (`proxyId`) goes after every upper-case
//!   one, and the service accepts the signature;
//! - lengths: `max_length` counts characters, not bytes: a multi-byte value of exactly the limit is accepted
//!   by the client and the service, one character more is refused by both.

mod emulated;

use std::collections::BTreeMap;

use emulated::{client, emulator, import};
use integration_tests::signature;
use rds_api::import_database_between_instances::DbNames;
use rds_api::workflow::{self, Outcome, Requirement};
use rds_api::{DescribeDbInstancesRequest, Error, Rule, SignatureVersion};
use rds_emulator::{demo, EmulatorHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const IMPORT: &str = "ImportDatabaseBetweenInstances";
const LIST: &str = "DescribeDBInstances";
const GIB: i64 = 1 << 30;

// ---------------------------------------------------------------------------------------------------------
// Storage

/// Makes the demo source use exactly `used` bytes, and returns the destination's free bytes.
fn source_uses(emulator: &EmulatorHandle, used: i64) -> i64 {
    emulator.with_state(|state| {
        state.instance_mut(demo::SOURCE).unwrap().used_bytes = used;
        state.instance(demo::DESTINATION).unwrap().free_bytes()
    })
}

fn sales() -> DbNames {
    DbNames::Same(vec!["sales".into()])
}

#[tokio::test]
async fn free_storage_equal_to_used_storage_is_not_enough() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    // The demo destination: 200 GB, 1 GiB used, so 199 GiB free. The source now uses exactly that much.
    let free = emulator.state().instance(demo::DESTINATION).unwrap().free_bytes();
    assert_eq!(free, 199 * GIB);
    assert_eq!(source_uses(&emulator, free), free);
    let request = import(demo::DESTINATION, demo::SOURCE, sales());

    let report = workflow::preflight(&client, &request).await;
    let problems: Vec<_> = report.problems().map(|check| check.requirement).collect();
    assert_eq!(problems, [Requirement::EnoughStorage], "{report}");
    let storage = report.check(Requirement::EnoughStorage).unwrap();
    assert_eq!(storage.outcome, Outcome::Failed, "{report}");
    assert!(
        storage.evidence.contains(&format!("source rm-demo-source: DiskUsed {free} B")),
        "the source's DiskUsed is the destination's free space: {}",
        storage.evidence
    );
    assert!(storage.evidence.ends_with("199.0 GiB free is not larger than 199.0 GiB used"), "{}", storage.evidence);

    let err = client.send(&request).await.unwrap_err();
    let service = err.service_error().unwrap_or_else(|| panic!("the service refuses it: {err:?}"));
    assert_eq!((service.code.as_str(), service.status), ("InsufficientStorage", 400), "{err:?}");
    assert!(service.message.contains(&format!("({free} bytes) must be larger than")), "{}", service.message);
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (1, 0));
    assert!(emulator.state().imports.is_empty());
}

#[tokio::test]
async fn one_byte_more_free_than_used_is_enough() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let free = emulator.state().instance(demo::DESTINATION).unwrap().free_bytes();
    source_uses(&emulator, free - 1);
    let request = import(demo::DESTINATION, demo::SOURCE, sales());

    let report = workflow::preflight(&client, &request).await;
    assert!(report.passed(), "{report}");
    let storage = report.check(Requirement::EnoughStorage).unwrap();
    assert!(storage.evidence.contains(&format!("source rm-demo-source: DiskUsed {} B", free - 1)), "{storage:?}");
    assert!(storage.evidence.contains(" is larger than "), "{}", storage.evidence);

    client.send(&request).await.unwrap();
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (1, 1));
    assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "ImportingFromOthers");
}

// ---------------------------------------------------------------------------------------------------------
// Signing: a lower-case parameter name among upper-case ones

#[tokio::test]
async fn a_lower_case_parameter_is_sorted_by_bytes_and_the_signature_is_accepted() {
    let emulator = emulator().await;
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let client = rds_api::Client::builder()
            .endpoint(emulator.endpoint())
            .credentials(emulator.demo_credentials())
            .signature_version(version)
            .build()
            .unwrap();
        let request = DescribeDbInstancesRequest::builder()
            .region_id(demo::REGION)
            .engine("SQLServer")
            .proxy_id("pxy-lower-case")
            .build()
            .unwrap();

        // The emulator checks the signature with its own implementation before it answers.
        let received = emulator.requests(LIST);
        let response = client.send(&request).await.unwrap_or_else(|e| panic!("{version:?}: {e:?}"));
        assert!(!response.instances.is_empty(), "{version:?}: the emulator ignores proxyId and lists the instances");
        assert_eq!(emulator.requests(LIST), received + 1, "{version:?}");

        // What was sent, as the client prepares it.
        let prepared = client.prepare(&request).unwrap();
        let url = prepared.url();
        let query = url.split_once('?').map_or("", |(_, query)| query);
        let names: Vec<&str> =
            query.split('&').map(|pair| pair.split_once('=').map_or(pair, |(name, _)| name)).collect();
        // Byte order: `proxyId` after every upper-case name (`RegionId`, `Version`, ...), not between
        // `PageSize` and `RegionId` as a case-insensitive sort would put it.
        assert_eq!(names.last(), Some(&"proxyId"), "{version:?}: {names:?}");
        assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "{version:?}: not sorted by bytes: {names:?}");
        if version == SignatureVersion::V1 {
            // The independent verifier (not the client's signer) agrees with the signature.
            let mut params = prepared.query().clone();
            params.extend(prepared.body_params().clone());
            signature::verify(prepared.method().as_str(), &params, demo::ACCESS_KEY_SECRET)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Lengths: characters, not bytes

/// Exactly `chars` characters of 2, 3 and 4 bytes in UTF-8 (`é`, `令`, `😀`), so far more bytes than
/// characters.
fn multi_byte(chars: usize) -> String {
    "é令😀".chars().cycle().take(chars).collect()
}

fn with_client_token(token: &str) -> Result<DescribeDbInstancesRequest, rds_api::ValidationError> {
    DescribeDbInstancesRequest::builder().region_id(demo::REGION).engine("SQLServer").client_token(token).build()
}

#[tokio::test]
async fn a_multi_byte_value_of_exactly_max_length_characters_is_accepted() {
    // ClientToken: `max_length: 64` in DescribeDBInstances.yaml.
    let token = multi_byte(64);
    assert_eq!(token.chars().count(), 64);
    assert!(token.len() > 128, "{} bytes", token.len());

    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let request = with_client_token(&token).expect("64 characters are within max_length 64, whatever their bytes");
    let response = client.send(&request).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!response.instances.is_empty());
    assert_eq!((emulator.requests(LIST), emulator.processed(LIST)), (1, 1));
}

#[tokio::test]
async fn one_character_more_is_refused_by_the_client_and_by_the_service() {
    let over = multi_byte(65);
    let is_max_length = |err: &rds_api::ValidationError| {
        err.violations.len() == 1
            && err.violations[0].parameter == "ClientToken"
            && err.violations[0].rule == Rule::MaxLength(64)
    };

    // The builder refuses it.
    let err = with_client_token(&over).unwrap_err();
    assert!(is_max_length(&err), "{err:?}");

    // So does `send`, before any I/O, for a request changed after it was built.
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let mut request = with_client_token(&multi_byte(64)).unwrap();
    request.client_token = Some(over.clone());
    let err = client.send(&request).await.unwrap_err();
    let Error::Validation(validation) = &err else { panic!("expected a validation error, got {err:?}") };
    assert!(is_max_length(validation), "{err:?}");
    assert_eq!(err.attempts(), 0);
    assert_eq!(emulator.requests(LIST), 0);

    // And the service, sent a validly signed request with it (signed here with the independent signer).
    let mut params = client.prepare(&with_client_token(&multi_byte(64)).unwrap()).unwrap().query().clone();
    params.remove("Signature");
    params.insert("ClientToken".into(), over);
    let signature = signature::expected_signature("POST", &params, demo::ACCESS_KEY_SECRET);
    params.insert("Signature".into(), signature);
    let (status, body) = raw_post(&emulator, &params).await;
    assert_eq!(status, 400, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["Code"], "InvalidParameter", "{body}");
    assert!(body["Message"].as_str().unwrap().contains("ClientToken"), "{body}");
    assert_eq!((emulator.requests(LIST), emulator.processed(LIST)), (1, 0), "authenticated, then refused");
}

/// RFC 3986 percent-encoding, as the protocol wants it.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends `params` as the query of a bare `POST /` over a TCP connection of its own (no client library), and
/// returns the answer's status and body.
async fn raw_post(emulator: &EmulatorHandle, params: &BTreeMap<String, String>) -> (u16, String) {
    let query: Vec<String> = params.iter().map(|(name, value)| format!("{}={}", encode(name), encode(value))).collect();
    let head = format!(
        "POST /?{} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        query.join("&"),
        emulator.addr()
    );
    let mut stream = tokio::net::TcpStream::connect(emulator.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{answer}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{head}"));
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "{head}");
    (status, body.to_owned())
}
