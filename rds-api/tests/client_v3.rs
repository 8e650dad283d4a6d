//! The client signing with V3 (ACS3-HMAC-SHA256): `prepare_at` reproduces the official V3 vector of the
//! recommended header set bit for bit, and what goes on the wire (against `support::TestServer` on 127.0.0.1)
//! is what was signed, each header once.

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rds_api::client::Client;
use rds_api::credentials::Credentials;
use rds_api::runtime::de;
use rds_api::runtime::{ErrorCode, Location, Method, Operation, Params, ValidationError};
use rds_api::signing::{percent_encode, v3, SignatureVersion};

use support::{CannedResponse, RecordedRequest, TestServer};

const AK: &str = "testid";
const SECRET: &str = "testsecret-Do-Not-Print";
const TOKEN: &str = "CAIS+token/with=special&chars~*-STS-TOKEN-MARK";

#[derive(Clone, Debug, PartialEq)]
struct AnyCode(String);

impl std::fmt::Display for AnyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl ErrorCode for AnyCode {
    fn from_code(code: &str) -> Self {
        AnyCode(code.to_owned())
    }

    fn code(&self) -> &str {
        &self.0
    }
}

#[derive(Debug)]
struct RequestIdOnly {
    #[allow(dead_code)]
    request_id: String,
}

impl de::Decode for RequestIdOnly {
    fn decode(reader: &mut de::Reader<'_>) -> Result<Self, de::DecodeError> {
        let mut request_id = None;
        reader.object(&mut |reader, key| {
            match key {
                "RequestId" => request_id = Some(reader.decode()?),
                _ => reader.skip()?,
            }
            Ok(())
        })?;
        Ok(RequestIdOnly { request_id: request_id.ok_or_else(|| reader.missing("RequestId"))? })
    }
}

/// ImportDatabaseBetweenInstances writing the given query parameters as they are.
struct Exact {
    params: Vec<(&'static str, &'static str)>,
}

impl Operation for Exact {
    type Response = RequestIdOnly;
    type ErrorCode = AnyCode;
    const ACTION: &'static str = "ImportDatabaseBetweenInstances";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Post;
    const IDEMPOTENT: bool = false;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_params(&self, params: &mut Params) {
        for (name, value) in &self.params {
            params.put(Location::Query, name, *value);
        }
    }
}

/// `ConfirmNotify` as Tea sends it: a form body.
struct ConfirmNotify;

impl Operation for ConfirmNotify {
    type Response = RequestIdOnly;
    type ErrorCode = AnyCode;
    const ACTION: &'static str = "ConfirmNotify";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Post;
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_params(&self, params: &mut Params) {
        params.put(Location::Body, "Confirmor", "1234567890");
        params.put(Location::Body, "NotifyIdList", "[1001,1002]");
    }
}

/// A GET operation.
struct DescribeRegions;

impl Operation for DescribeRegions {
    type Response = RequestIdOnly;
    type ErrorCode = AnyCode;
    const ACTION: &'static str = "DescribeRegions";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Get;
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_params(&self, params: &mut Params) {
        params.put(Location::Query, "RegionId", "cn-hangzhou");
    }
}

fn v3_client(endpoint: &str, credentials: Credentials) -> Client {
    Client::builder()
        .credentials(credentials)
        .endpoint(endpoint)
        .signature_version(SignatureVersion::V3)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

fn vector(id: &str) -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/signature-vectors.json");
    let data: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file")).unwrap();
    data["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"))
        .clone()
}

/// 2016-02-23T12:46:24Z, the time of the vectors.
fn vector_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_456_231_584)
}

/// Every value of header `name` the server received.
fn all(request: &RecordedRequest, name: &str) -> Vec<String> {
    request.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone()).collect()
}

#[test]
fn prepare_at_reproduces_the_recommended_v3_vector() {
    let v = vector("v3_minimal_headers_rds_import_db");
    let text = |key: &str| v[key].as_str().unwrap().to_owned();
    let client = v3_client("https://rds.aliyuncs.com", Credentials::new(text("access_key_id"), text("secret")));
    // The vector's query: a made-up `Note` with special characters, Chinese and an emoji, and an empty `Tags`.
    let op = Exact {
        params: vec![
            ("DBInfo", r#"{"DBNames":["mydb","mydb2"]}"#),
            ("DBInstanceId", "rm-uf6wjk5destxxxx"),
            ("Note", "a b*c~d/e+f=g&h 测试实例 🚀 ok"),
            ("RegionId", "cn-hangzhou"),
            ("SourceDBInstanceId", "rm-uf6wjk5srcxxxxx"),
            ("Tags", ""),
        ],
    };
    let nonce = v["headers"]["x-acs-signature-nonce"].as_str().unwrap();
    let prepared = client.prepare_at(&op, nonce, vector_time()).unwrap();

    assert_eq!(prepared.signature_version(), SignatureVersion::V3);
    assert_eq!(prepared.canonical_request(), Some(text("canonical_request").as_str()));
    assert_eq!(prepared.string_to_sign(), text("string_to_sign"));
    assert_eq!(prepared.signature(), text("signature"));
    let mut expected: BTreeMap<String, String> = v["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, value)| (k.clone(), value.as_str().unwrap().to_owned()))
        .collect();
    expected.insert("authorization".into(), text("authorization"));
    assert_eq!(prepared.headers(), &expected);
    let query: BTreeMap<String, String> = v["query"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, value)| (k.clone(), value.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(prepared.query(), &query);
    assert!(prepared.url().starts_with("https://rds.aliyuncs.com/?DBInfo=%7B"), "{}", prepared.url());
    assert!(prepared.url().contains("&Note=a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%20%E6"), "{}", prepared.url());
    assert_eq!(prepared.body(), "");
}

#[tokio::test]
async fn the_wire_carries_what_was_signed_each_header_once() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"R-1"}"#)).await;
    let client = v3_client(&server.url(), Credentials::new(AK, SECRET));
    let prepared = client.prepare(&ConfirmNotify).unwrap();
    client.send_prepared::<ConfirmNotify>(&prepared).await.unwrap();

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/");
    assert_eq!(request.query, "", "V3 sends no common parameters in the query");
    assert_eq!(request.body_text(), "Confirmor=1234567890&NotifyIdList=%5B1001%2C1002%5D");
    for (name, value) in prepared.headers() {
        assert_eq!(all(request, name), std::slice::from_ref(value), "{name}");
    }
    assert_eq!(all(request, "host"), [server.url().trim_start_matches("http://").trim_end_matches('/').to_owned()]);
    assert_eq!(all(request, "x-acs-content-sha256"), [v3::hashed_payload(&request.body)]);
    assert_eq!(all(request, "content-type"), ["application/x-www-form-urlencoded"]);

    // The server's view, recomputed from what arrived: the signed headers and the body.
    let authorization = request.header("authorization").unwrap();
    let signed = authorization.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
    assert_eq!(
        signed,
        "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
    );
    let headers = signed.split(';').map(|name| (name, request.header(name).unwrap()));
    let canonical = v3::canonical_request(
        Method::Post,
        &request.path,
        &BTreeMap::new(),
        headers,
        &v3::hashed_payload(&request.body),
    );
    let signature = v3::sign(SECRET, &v3::string_to_sign(&canonical.text));
    assert_eq!(authorization, format!("ACS3-HMAC-SHA256 Credential={AK},SignedHeaders={signed},Signature={signature}"));
}

#[tokio::test]
async fn get_operations_sign_the_query_and_an_empty_payload() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"R-1"}"#)).await;
    let client = v3_client(&server.url(), Credentials::new(AK, SECRET));
    client.send(&DescribeRegions).await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.query, "RegionId=cn-hangzhou");
    assert_eq!(all(request, "x-acs-content-sha256"), [v3::EMPTY_PAYLOAD_SHA256]);
    assert!(all(request, "content-type").is_empty());
    assert_eq!(all(request, "x-acs-action"), ["DescribeRegions"]);
}

#[test]
fn each_prepare_has_a_fresh_nonce_and_the_current_date() {
    let client = v3_client("https://rds.aliyuncs.com", Credentials::new(AK, SECRET));
    let a = client.prepare(&DescribeRegions).unwrap();
    let b = client.prepare(&DescribeRegions).unwrap();
    assert_ne!(a.headers()["x-acs-signature-nonce"], b.headers()["x-acs-signature-nonce"]);
    assert_ne!(a.signature(), b.signature());
    let date = &a.headers()["x-acs-date"];
    let sent = humantime::parse_rfc3339(date).unwrap();
    let skew = SystemTime::now().duration_since(sent).unwrap_or_else(|e| e.duration());
    assert!(skew < Duration::from_secs(5), "{date}");
    assert_eq!(date.len(), "2016-02-23T12:46:24Z".len());
    assert_eq!(a.headers()["host"], "rds.aliyuncs.com");
}

#[test]
fn a_port_is_part_of_the_host_only_when_it_is_not_the_default() {
    for (endpoint, host) in [
        ("https://rds.aliyuncs.com:443", "rds.aliyuncs.com"),
        ("http://127.0.0.1:80/", "127.0.0.1"),
        ("http://127.0.0.1:8080", "127.0.0.1:8080"),
        ("https://[::1]:8443", "[::1]:8443"),
    ] {
        let client = v3_client(endpoint, Credentials::new(AK, SECRET));
        assert_eq!(client.prepare(&DescribeRegions).unwrap().headers()["host"], host, "{endpoint}");
    }
}

#[test]
fn sts_tokens_are_signed_headers_that_never_show() {
    let client = v3_client("https://rds.aliyuncs.com", Credentials::new(AK, SECRET).with_security_token(TOKEN));
    let prepared = client.prepare(&ConfirmNotify).unwrap();
    assert_eq!(prepared.headers()["x-acs-security-token"], TOKEN);
    assert_eq!(prepared.headers()["x-acs-accesskey-id"], AK);
    assert!(prepared.canonical_request().unwrap().contains(&format!("\nx-acs-security-token:{TOKEN}\n")));
    assert!(prepared.headers()["authorization"].contains(";x-acs-security-token;"));
    assert!(!prepared.query().contains_key("SecurityToken"));

    let once = percent_encode(TOKEN);
    for text in [format!("{prepared:?}"), format!("{prepared:#?}"), format!("{client:?}")] {
        for needle in [SECRET, TOKEN, once.as_str(), "STS-TOKEN-MARK"] {
            assert!(!text.contains(needle), "{needle:?} in {text}");
        }
    }
    assert!(format!("{prepared:?}").contains(r#""x-acs-security-token": "***""#));
}
