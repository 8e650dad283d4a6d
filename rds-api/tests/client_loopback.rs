//! The client against a real HTTP/1.1 server on 127.0.0.1 (`support::TestServer`), with hand-written test
//! operations standing in for generated ones.

mod support;
// The independent verifier of the workspace tests (`tests/src/signature.rs`), written from the protocol
// description without `rds_api::signing`: a signature checked with it cannot agree with a bug of the signer.
#[path = "../../tests/src/signature.rs"]
mod independent;
// A loopback port kept bound (not listening) for the whole test, so no other test's server can take it.
#[path = "../../tests/tests/ports/mod.rs"]
mod ports;

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rds_api::client::{BuildError, Client};
use rds_api::credentials::{Credentials, CredentialsChain, Environment};
use rds_api::error::Error;
use rds_api::runtime::de::{self, Decode};
use rds_api::runtime::{ErrorCode, Location, Method, Operation, ParamValue, Params, Rule, ValidationError, Validator};
use rds_api::signing::{canonical_query_string, percent_encode, string_to_sign};
use serde::Serialize;
use support::{CannedResponse, RecordedRequest, TestServer};

const AK: &str = "testid";
const SECRET: &str = "testsecret-Do-Not-Print";
const TOKEN: &str = "CAIS+token/with=special&chars~*-STS-TOKEN-MARK";

// ---------------------------------------------------------------------------------------------------------
// Hand-written operations (shaped like generated ones)

#[derive(Clone, Debug, PartialEq)]
enum ImportErrorCode {
    InvalidDbInstanceIdNotFound,
    SignatureDoesNotMatch,
    Unknown(String),
}

impl fmt::Display for ImportErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl ErrorCode for ImportErrorCode {
    fn from_code(code: &str) -> Self {
        match code {
            "InvalidDBInstanceId.NotFound" => Self::InvalidDbInstanceIdNotFound,
            "SignatureDoesNotMatch" => Self::SignatureDoesNotMatch,
            other => Self::Unknown(other.to_owned()),
        }
    }

    fn code(&self) -> &str {
        match self {
            Self::InvalidDbInstanceIdNotFound => "InvalidDBInstanceId.NotFound",
            Self::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            Self::Unknown(code) => code,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(crate = "::rds_api::runtime::serde", untagged)]
enum DbNames {
    Same(Vec<String>),
    Renamed(#[serde(serialize_with = "::rds_api::runtime::json::ordered_map")] Vec<(String, String)>),
}

#[derive(Clone, Debug, Serialize)]
#[serde(crate = "::rds_api::runtime::serde")]
struct DbInfo {
    #[serde(rename = "DBNames")]
    db_names: DbNames,
}

/// Like the generated `ImportDatabaseBetweenInstances`, plus `extra` query parameters so that a test can
/// add what the legacy SDK added (`RegionId`, `SignatureType`) and reproduce its signature.
#[derive(Clone, Debug)]
struct ImportDatabaseBetweenInstances {
    db_instance_id: String,
    source_db_instance_id: String,
    db_info: DbInfo,
    owner_id: Option<i64>,
    extra: Vec<(&'static str, &'static str)>,
}

impl ImportDatabaseBetweenInstances {
    fn new(dest: &str, source: &str, names: &[&str]) -> Self {
        ImportDatabaseBetweenInstances {
            db_instance_id: dest.into(),
            source_db_instance_id: source.into(),
            db_info: DbInfo { db_names: DbNames::Same(names.iter().map(|s| s.to_string()).collect()) },
            owner_id: None,
            extra: Vec::new(),
        }
    }
}

#[derive(Debug)]
struct ImportResponse {
    request_id: String,
    import_id: String,
}

impl Decode for ImportResponse {
    fn decode(reader: &mut de::Reader<'_>) -> Result<Self, de::DecodeError> {
        let (mut request_id, mut import_id) = (None, None);
        reader.object(&mut |reader, key| {
            match key {
                "RequestId" => request_id = Some(reader.decode()?),
                "ImportId" => import_id = Some(reader.decode()?),
                _ => reader.skip()?,
            }
            Ok(())
        })?;
        Ok(ImportResponse {
            request_id: request_id.ok_or_else(|| reader.missing("RequestId"))?,
            import_id: import_id.ok_or_else(|| reader.missing("ImportId"))?,
        })
    }
}

impl Operation for ImportDatabaseBetweenInstances {
    type Response = ImportResponse;
    type ErrorCode = ImportErrorCode;
    const ACTION: &'static str = "ImportDatabaseBetweenInstances";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Post;
    const IDEMPOTENT: bool = false;

    fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new(Self::ACTION);
        v.enter("DBInstanceId");
        v.min_length(&self.db_instance_id, 1);
        v.max_length(&self.db_instance_id, 64);
        v.leave();
        v.enter("SourceDBInstanceId");
        v.min_length(&self.source_db_instance_id, 1);
        v.max_length(&self.source_db_instance_id, 64);
        v.leave();
        v.enter("DBInfo");
        v.enter("DBNames");
        match &self.db_info.db_names {
            DbNames::Same(names) => {
                v.min_items(names.len(), 1);
                v.unique_items(names.iter());
                for (i, name) in names.iter().enumerate() {
                    v.enter_index(i);
                    v.min_length(name, 1);
                    v.leave();
                }
            }
            DbNames::Renamed(pairs) => {
                v.min_items(pairs.len(), 1);
                v.unique_items(pairs.iter().map(|(k, _)| k));
                v.unique_values(pairs.iter().map(|(_, value)| value));
            }
        }
        v.leave();
        v.leave();
        v.differ(
            &[("DBInstanceId", &self.db_instance_id), ("SourceDBInstanceId", &self.source_db_instance_id)],
            Some("The source and destination instances must be different instances."),
        );
        v.finish()
    }

    fn write_params(&self, params: &mut Params) {
        params.put(Location::Query, "DBInstanceId", &self.db_instance_id);
        params.put(Location::Query, "SourceDBInstanceId", &self.source_db_instance_id);
        params.put_json(Location::Query, "DBInfo", &self.db_info);
        if let Some(owner_id) = self.owner_id {
            params.put(Location::Query, "OwnerId", &owner_id);
        }
        for (name, value) in &self.extra {
            params.put(Location::Query, name, *value);
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct AnyCode(String);

impl fmt::Display for AnyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
    request_id: String,
}

impl Decode for RequestIdOnly {
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

/// Like legacy `ConfirmNotify`: its parameters travel in the form body.
struct ConfirmNotify {
    confirmor: i64,
    notify_id_list: &'static str,
    extra: Vec<(&'static str, &'static str)>,
}

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
        params.put(Location::Body, "Confirmor", &self.confirmor);
        params.put(Location::Body, "NotifyIdList", self.notify_id_list);
        for (name, value) in &self.extra {
            params.put(Location::Query, name, *value);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Engine {
    MySql,
}

impl ParamValue for Engine {
    fn to_param(&self) -> String {
        match self {
            Engine::MySql => "MySQL".into(),
        }
    }
}

/// A GET operation with list and enum parameters.
struct DescribeRegions {
    engine: Engine,
    zones: Vec<String>,
}

#[derive(Debug)]
struct Region {
    region_id: String,
}

impl Decode for Region {
    fn decode(reader: &mut de::Reader<'_>) -> Result<Self, de::DecodeError> {
        let mut region_id = None;
        reader.object(&mut |reader, key| {
            match key {
                "RegionId" => region_id = Some(reader.decode()?),
                _ => reader.skip()?,
            }
            Ok(())
        })?;
        Ok(Region { region_id: region_id.ok_or_else(|| reader.missing("RegionId"))? })
    }
}

#[derive(Debug)]
struct DescribeRegionsResponse {
    regions: Vec<Region>,
}

impl Decode for DescribeRegionsResponse {
    fn decode(reader: &mut de::Reader<'_>) -> Result<Self, de::DecodeError> {
        let mut regions = None;
        reader.object(&mut |reader, key| {
            match key {
                "Regions" => regions = Some(reader.decode()?),
                _ => reader.skip()?,
            }
            Ok(())
        })?;
        Ok(DescribeRegionsResponse { regions: regions.unwrap_or_default() })
    }
}

impl Operation for DescribeRegions {
    type Response = DescribeRegionsResponse;
    type ErrorCode = AnyCode;
    const ACTION: &'static str = "DescribeRegions";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Get;
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_params(&self, params: &mut Params) {
        params.put(Location::Query, "Engine", &self.engine);
        params.put_list(Location::Query, "ZoneId", &self.zones);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

fn client(endpoint: &str, credentials: Credentials) -> Client {
    Client::builder()
        .credentials(credentials)
        .endpoint(endpoint)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

fn import() -> ImportDatabaseBetweenInstances {
    ImportDatabaseBetweenInstances::new("rm-dest", "rm-source", &["mydb", "mydb2"])
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

fn vector_time() -> SystemTime {
    // 2016-02-23T12:46:24Z
    UNIX_EPOCH + Duration::from_secs(1_456_231_584)
}

/// What a server does: recompute the signature from what arrived (query ∪ body, `Signature` aside), here with
/// the independent verifier.
fn verify_signature(request: &RecordedRequest, secret: &str) -> Result<(), String> {
    let mut params = request.query_params();
    params.extend(request.body_params());
    match request.method.as_str() {
        "GET" | "POST" => independent::verify(&request.method, &params, secret),
        other => Err(format!("unexpected method {other}")),
    }
}

/// The canonical query of `params` written out here, not by `rds_api::signing`: `enc(name)=enc(value)` pairs
/// in byte order of the names (a `BTreeMap`'s), RFC 3986 encoding (only `A-Z a-z 0-9 - _ . ~` kept).
fn wire_query(params: &BTreeMap<String, String>) -> String {
    let encode = |text: &str| -> String {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    params.iter().map(|(name, value)| format!("{}={}", encode(name), encode(value))).collect::<Vec<_>>().join("&")
}

fn is_uuid_v4(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && groups[2].starts_with('4')
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// Asserts that `text` shows neither the secret nor the token in any encoding.
fn assert_no_secrets(what: &str, text: &str) {
    let once = percent_encode(TOKEN);
    let twice = percent_encode(&once);
    for needle in [SECRET, TOKEN, once.as_str(), twice.as_str(), "STS-TOKEN-MARK"] {
        assert!(!text.contains(needle), "{what} reveals {needle:?}: {text}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic preparation against the SDK vectors

#[test]
fn prepare_at_reproduces_the_legacy_sts_vector() {
    let v = vector("v1_legacy_import_db_dbinfo_map_sts_post");
    let credentials = Credentials::new(v["access_key_id"].as_str().unwrap(), v["secret"].as_str().unwrap())
        .with_security_token(v["security_token"].as_str().unwrap());
    let client = client("https://rds.aliyuncs.com", credentials);
    let mut op = ImportDatabaseBetweenInstances::new("rm-uf6wjk5destxxxx", "rm-uf6wjk5srcxxxxx", &[]);
    op.db_info.db_names = DbNames::Renamed(vec![("srcdb".into(), "destdb".into())]);
    // What the legacy SDK adds and this client does not.
    op.extra = vec![("RegionId", "cn-hangzhou"), ("SignatureType", "")];

    let prepared = client.prepare_at(&op, "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", vector_time()).unwrap();
    assert_eq!(prepared.string_to_sign(), v["string_to_sign"].as_str().unwrap());
    assert_eq!(prepared.signature(), v["signature"].as_str().unwrap());

    let mut expected: BTreeMap<String, String> = serde_json::from_value(v["params"].clone()).unwrap();
    expected.insert("Signature".into(), v["signature"].as_str().unwrap().into());
    assert_eq!(prepared.query(), &expected);
    assert_eq!(prepared.url(), format!("https://rds.aliyuncs.com/?{}", wire_query(&expected)));
    assert!(prepared.url().contains("&Signature=YgncqkuUfUQBIIPbfdXgUk%2FtA20%3D&"));
    assert_eq!(prepared.method(), Method::Post);
    assert_eq!(prepared.body(), "");
    assert_eq!(prepared.content_type(), None);
    assert_eq!(prepared.action(), "ImportDatabaseBetweenInstances");
    assert_eq!(prepared.version(), "2014-08-15");
    assert!(!prepared.idempotent());
}

#[test]
fn prepare_at_reproduces_the_legacy_body_form_vector() {
    let v = vector("v1_legacy_body_form_post");
    let client = client("https://rds.aliyuncs.com", Credentials::new(AK, v["secret"].as_str().unwrap()));
    let op = ConfirmNotify {
        confirmor: 1_234_567_890,
        notify_id_list: "[1001, 1002]",
        extra: vec![("RegionId", "cn-hangzhou"), ("SignatureType", "")],
    };
    let prepared = client.prepare_at(&op, "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", vector_time()).unwrap();
    assert_eq!(prepared.string_to_sign(), v["string_to_sign"].as_str().unwrap());
    assert_eq!(prepared.signature(), "+6q0NdCTuPVDX6YRYIMyhgBoXDg=");
    assert_eq!(prepared.body(), "Confirmor=1234567890&NotifyIdList=%5B1001%2C%201002%5D");
    assert_eq!(prepared.content_type(), Some("application/x-www-form-urlencoded"));
    assert!(!prepared.url().contains("Confirmor"));
    assert!(!prepared.query().contains_key("NotifyIdList"));
    assert_eq!(prepared.body_params().len(), 2);
    assert!(prepared.idempotent());
}

#[test]
fn prepare_uses_a_fresh_nonce_and_the_current_time() {
    let client = client("https://rds.aliyuncs.com", Credentials::new(AK, SECRET));
    let a = client.prepare(&import()).unwrap();
    let b = client.prepare(&import()).unwrap();
    let nonce_a = &a.query()["SignatureNonce"];
    let nonce_b = &b.query()["SignatureNonce"];
    assert!(is_uuid_v4(nonce_a), "{nonce_a}");
    assert_ne!(nonce_a, nonce_b);
    assert_ne!(a.signature(), b.signature());
    let ts = &a.query()["Timestamp"];
    assert!(is_timestamp(ts), "{ts}");
    let sent = humantime::parse_rfc3339(ts).unwrap();
    let skew = SystemTime::now().duration_since(sent).unwrap_or_else(|e| e.duration());
    assert!(skew < Duration::from_secs(60), "{ts} is not now");
    assert_eq!(a.query()["Format"], "JSON");
    assert!(!a.query().contains_key("SecurityToken"));
    assert!(!a.query().contains_key("SignatureType"));
    assert!(!a.query().contains_key("RegionId"));
}

#[test]
fn an_empty_security_token_is_not_sent() {
    let client = client("https://rds.aliyuncs.com", Credentials::new(AK, SECRET).with_security_token(""));
    let prepared = client.prepare(&import()).unwrap();
    assert!(!prepared.query().contains_key("SecurityToken"));
}

#[test]
fn prepare_validates_first() {
    let client = client("https://rds.aliyuncs.com", Credentials::new(AK, SECRET));
    let op = ImportDatabaseBetweenInstances::new("", "", &["a", ""]);
    let err = client.prepare(&op).unwrap_err();
    let Error::Validation(validation) = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    let shown: Vec<String> = validation.violations.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        shown,
        [
            r#"DBInstanceId: must be at least 1 character long (got "")"#,
            r#"SourceDBInstanceId: must be at least 1 character long (got "")"#,
            r#"DBInfo.DBNames[1]: must be at least 1 character long (got "")"#,
            r#"SourceDBInstanceId: must differ from DBInstanceId (The source and destination instances must be different instances.) (got "")"#,
        ]
    );
    assert!(err.to_string().starts_with("invalid ImportDatabaseBetweenInstances request: DBInstanceId: "));
}

// ---------------------------------------------------------------------------------------------------------
// Over the wire

#[tokio::test]
async fn success_round_trip() {
    let server = TestServer::start(CannedResponse::json(
        200,
        r#"{"RequestId":"5E9CC1D7-2D1F-4CA8-B5DA-3C1B1B1B1B1B","ImportId":2122321}"#,
    ))
    .await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let mut op = import();
    op.owner_id = Some(1_234_567_890_123);

    let response = client.send(&op).await.unwrap();
    assert_eq!(response.request_id, "5E9CC1D7-2D1F-4CA8-B5DA-3C1B1B1B1B1B");
    assert_eq!(response.import_id, "2122321");

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/");
    assert_eq!(request.version, "HTTP/1.1");
    assert_eq!(request.header("content-length"), Some("0"));
    let lengths = request.headers.iter().filter(|(name, _)| name.eq_ignore_ascii_case("content-length")).count();
    assert_eq!(lengths, 1, "{}", request.raw_text());
    assert_eq!(request.header("content-type"), None);
    assert!(request.body.is_empty());
    assert_eq!(request.header("x-acs-action"), Some("ImportDatabaseBetweenInstances"));
    assert_eq!(request.header("x-acs-version"), Some("2014-08-15"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request.header("user-agent").is_some_and(|ua| ua.starts_with("rds-api-rust/")));

    let query = request.query_params();
    let names: Vec<&str> = query.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "AccessKeyId",
            "Action",
            "DBInfo",
            "DBInstanceId",
            "Format",
            "OwnerId",
            "Signature",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "SourceDBInstanceId",
            "Timestamp",
            "Version",
        ]
    );
    assert_eq!(query["AccessKeyId"], AK);
    assert_eq!(query["Action"], "ImportDatabaseBetweenInstances");
    assert_eq!(query["Version"], "2014-08-15");
    assert_eq!(query["Format"], "JSON");
    assert_eq!(query["SignatureMethod"], "HMAC-SHA1");
    assert_eq!(query["SignatureVersion"], "1.0");
    assert!(is_uuid_v4(&query["SignatureNonce"]));
    assert!(is_timestamp(&query["Timestamp"]));
    assert_eq!(query["DBInstanceId"], "rm-dest");
    assert_eq!(query["SourceDBInstanceId"], "rm-source");
    assert_eq!(query["DBInfo"], r#"{"DBNames":["mydb","mydb2"]}"#);
    assert_eq!(query["OwnerId"], "1234567890123");
    // The wire query is the canonical one: sorted, %20-style, Signature in its sorted place.
    assert!(request.query.contains("DBInfo=%7B%22DBNames%22%3A%5B%22mydb%22%2C%22mydb2%22%5D%7D"));
    assert_eq!(request.query, wire_query(&query));
    verify_signature(request, SECRET).unwrap();
    assert!(verify_signature(request, "wrong").is_err());
}

#[tokio::test]
async fn body_parameters_travel_as_a_form() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"R-1"}"#)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let op = ConfirmNotify { confirmor: 42, notify_id_list: "[1001,1002] & more", extra: Vec::new() };
    let response = client.send(&op).await.unwrap();
    assert_eq!(response.request_id, "R-1");

    let request = &server.requests()[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.body_text(), "Confirmor=42&NotifyIdList=%5B1001%2C1002%5D%20%26%20more");
    assert_eq!(request.header("content-length"), Some("56"));
    let body = request.body_params();
    assert_eq!(body["NotifyIdList"], "[1001,1002] & more");
    let query = request.query_params();
    assert!(!query.contains_key("Confirmor"));
    assert_eq!(query["Action"], "ConfirmNotify");
    verify_signature(request, SECRET).unwrap();
}

#[tokio::test]
async fn get_operations_are_sent_and_signed_as_get() {
    let server = TestServer::start(CannedResponse::json(
        200,
        r#"{"RequestId":"R","Regions":{"RDSRegion":[{"RegionId":"cn-hangzhou"},{"RegionId":"cn-beijing"}]}}"#,
    ))
    .await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let op = DescribeRegions { engine: Engine::MySql, zones: vec!["cn-hangzhou-a".into(), "cn-hangzhou-b c".into()] };
    let response = client.send(&op).await.unwrap();
    let regions: Vec<&str> = response.regions.iter().map(|r| r.region_id.as_str()).collect();
    assert_eq!(regions, ["cn-hangzhou", "cn-beijing"]);

    let request = &server.requests()[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.header("content-length"), None);
    let query = request.query_params();
    assert_eq!(query["Engine"], "MySQL");
    assert_eq!(query["ZoneId.1"], "cn-hangzhou-a");
    assert_eq!(query["ZoneId.2"], "cn-hangzhou-b c");
    assert!(request.query.contains("ZoneId.2=cn-hangzhou-b%20c"));
    verify_signature(request, SECRET).unwrap();
}

#[tokio::test]
async fn error_bodies_become_service_errors() {
    let server = TestServer::start(
        CannedResponse::json(
            404,
            r#"{"RequestId":"7F3B-REQ","HostId":"rds.aliyuncs.com","Code":"InvalidDBInstanceId.NotFound","Message":"The specified instance is not found.","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidDBInstanceId.NotFound"}"#,
        )
        .with_header("x-acs-request-id", "HEADER-ID"),
    )
    .await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!(service.kind, ImportErrorCode::InvalidDbInstanceIdNotFound);
    assert_eq!(service.code, "InvalidDBInstanceId.NotFound");
    assert_eq!(service.message, "The specified instance is not found.");
    assert_eq!(service.request_id.as_deref(), Some("7F3B-REQ"));
    assert_eq!(service.host_id.as_deref(), Some("rds.aliyuncs.com"));
    assert_eq!(
        service.recommend.as_deref(),
        Some("https://api.aliyun.com/troubleshoot?q=InvalidDBInstanceId.NotFound")
    );
    assert_eq!(service.status, 404);
    assert_eq!(service.operation, "ImportDatabaseBetweenInstances");
    assert_eq!(err.request_id(), Some("7F3B-REQ"));
    assert_eq!(err.status(), Some(404));
    let shown = err.to_string();
    assert_eq!(
        shown,
        "ImportDatabaseBetweenInstances: InvalidDBInstanceId.NotFound: The specified instance is not found. (request id 7F3B-REQ)"
    );
}

#[tokio::test]
async fn error_keys_in_any_case_and_unknown_codes() {
    let server = TestServer::start(
        CannedResponse::json(
            400,
            r#"{"code":"Throttling.User","message":"Request was denied due to user flow control."}"#,
        )
        .with_header("x-acs-request-id", "HEADER-ID"),
    )
    .await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!(service.kind, ImportErrorCode::Unknown("Throttling.User".into()));
    assert_eq!(service.kind.code(), "Throttling.User");
    assert_eq!(service.message, "Request was denied due to user flow control.");
    assert_eq!(service.request_id.as_deref(), Some("HEADER-ID"));
    assert_eq!(service.host_id, None);
    assert_eq!(service.status, 400);
}

#[tokio::test]
async fn html_502_is_a_response_error() {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n";
    let server = TestServer::start(CannedResponse::html(502, page).with_header("x-acs-request-id", "GW-REQ-1")).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(response.status, 502);
    assert_eq!(response.operation, "ImportDatabaseBetweenInstances");
    assert_eq!(response.request_id.as_deref(), Some("GW-REQ-1"));
    assert_eq!(response.body_snippet, page);
    assert!(response.reason.starts_with("the body is not JSON"), "{}", response.reason);
    assert_eq!(err.request_id(), Some("GW-REQ-1"));
    let shown = err.to_string();
    assert!(shown.contains("HTTP 502"), "{shown}");
    assert!(shown.contains("502 Bad Gateway"), "{shown}");
}

#[tokio::test]
async fn long_bodies_are_cut_to_a_snippet() {
    let page = format!("<html>{}</html>", "é".repeat(2000));
    let server = TestServer::start(CannedResponse::html(503, &page)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(response.body_snippet.chars().count(), 512);
    assert!(response.body_snippet.starts_with("<html>éé"));
    assert!(!response.body_snippet.contains('\u{FFFD}'));
}

#[tokio::test]
async fn truncated_json_is_a_response_error() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"TRUNC-1","ImportId":"21"#)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(response.status, 200);
    assert!(response.reason.starts_with("the body is not JSON: the document ends too early"), "{}", response.reason);
    assert_eq!(response.request_id.as_deref(), Some("TRUNC-1"));
    assert_eq!(response.body_snippet, r#"{"RequestId":"TRUNC-1","ImportId":"21"#);
}

#[tokio::test]
async fn truncated_error_json_is_a_response_error() {
    let server = TestServer::start(CannedResponse::json(500, r#"{"Code":"InternalError","Mess"#)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(response.status, 500);
    assert!(response.reason.starts_with("the body is not JSON"), "{}", response.reason);
}

#[tokio::test]
async fn error_json_without_code_is_a_response_error() {
    let server = TestServer::start(CannedResponse::json(403, r#"{"error":"forbidden"}"#)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert_eq!(response.status, 403);
    assert_eq!(response.reason, "the error body has no Code");
}

#[tokio::test]
async fn success_json_of_the_wrong_shape_is_a_response_error() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"R-9"}"#)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert!(
        response
            .reason
            .starts_with("could not decode ImportDatabaseBetweenInstances response: missing field `ImportId`"),
        "{}",
        response.reason
    );
    assert_eq!(response.request_id.as_deref(), Some("R-9"));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let closed = ports::ReservedPort::new();
    let token_client = client(&closed.endpoint(), Credentials::new(AK, SECRET).with_security_token(TOKEN));
    let err = token_client.send(&import()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(transport.is_connect(), "{transport:?}");
    assert_eq!(transport.operation(), "ImportDatabaseBetweenInstances");
    let shown = err.to_string();
    assert!(shown.starts_with("ImportDatabaseBetweenInstances: could not connect"), "{shown}");
    let debug = format!("{err:?}");
    for text in [&shown, &debug] {
        assert!(!text.contains("Signature"), "{text}");
        assert_no_secrets("transport error", text);
    }
    assert!(std::error::Error::source(&err).is_some() || std::error::Error::source(transport).is_some());
}

#[tokio::test]
async fn slow_answers_time_out() {
    let server = TestServer::start(
        CannedResponse::json(200, r#"{"RequestId":"late","ImportId":"1"}"#).with_delay(Duration::from_secs(3)),
    )
    .await;
    let client = Client::builder()
        .credentials(Credentials::new(AK, SECRET))
        .endpoint(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.send(&import()).await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(transport.is_timeout(), "{transport:?}");
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn a_validation_failure_sends_nothing() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"x","ImportId":"1"}"#)).await;
    let client = client(&server.url(), Credentials::new(AK, SECRET));
    let op = ImportDatabaseBetweenInstances::new("rm-same", "rm-same", &["a", "b", "a"]);
    let err = client.send(&op).await.unwrap_err();
    let Error::Validation(validation) = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    assert_eq!(validation.violations.len(), 2);
    assert_eq!(validation.violations[0].parameter, "DBInfo.DBNames");
    assert_eq!(validation.violations[0].rule, Rule::UniqueItems);
    assert_eq!(validation.violations[0].value.as_deref(), Some("a"));
    assert_eq!(validation.violations[1].parameter, "SourceDBInstanceId");
    assert!(matches!(validation.violations[1].rule, Rule::Differ { .. }));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.connection_count(), 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_security_token_is_sent_but_never_shown() {
    // The server echoes its string to sign (which holds the token), as the real SignatureDoesNotMatch does.
    let server = TestServer::start_with(|request: &RecordedRequest| {
        let mut params = request.query_params();
        params.remove("Signature");
        let sts = string_to_sign(Method::Post, &canonical_query_string(&params));
        let body = serde_json::json!({
            "RequestId": "SIG-REQ",
            "HostId": "rds.aliyuncs.com",
            "Code": "SignatureDoesNotMatch",
            "Message": format!("Specified signature is not matched with our calculation. server string to sign is:{sts}"),
            "Recommend": format!("https://next.api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&token={}", params["SecurityToken"]),
        });
        CannedResponse::json(400, &body.to_string())
    })
    .await;
    let credentials = Credentials::new("STS.NUgYrLnoC37mZZCNnAbez", SECRET).with_security_token(TOKEN);
    let client = client(&server.url(), credentials.clone());
    let op = import();

    let prepared = client.prepare(&op).unwrap();
    assert_eq!(prepared.query()["SecurityToken"], TOKEN);
    assert!(prepared.string_to_sign().contains(&percent_encode(&percent_encode(TOKEN))));

    let err = client.send(&op).await.unwrap_err();
    let request = &server.requests()[0];
    assert_eq!(request.query_params()["SecurityToken"], TOKEN);
    assert!(request.query.contains(&format!("SecurityToken={}", percent_encode(TOKEN))));
    verify_signature(request, SECRET).unwrap();

    let service = err.service_error().expect("a service error");
    assert_eq!(service.kind, ImportErrorCode::SignatureDoesNotMatch);
    assert!(service
        .message
        .starts_with("Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.NUgYrLnoC37mZZCNnAbez"));
    assert!(service.message.contains("SecurityToken%3D***"), "{}", service.message);

    for (what, text) in [
        ("client debug", format!("{client:?}")),
        ("client pretty debug", format!("{client:#?}")),
        ("credentials debug", format!("{credentials:?}")),
        ("prepared debug", format!("{prepared:?}")),
        ("prepared pretty debug", format!("{prepared:#?}")),
        ("error display", err.to_string()),
        ("error debug", format!("{err:?}")),
    ] {
        assert_no_secrets(what, &text);
    }
    assert!(format!("{prepared:?}").contains("SecurityToken"));
}

#[tokio::test]
async fn echoed_tokens_are_removed_from_response_errors() {
    let server = TestServer::start_with(|request: &RecordedRequest| {
        CannedResponse::html(502, &format!("<html>proxy saw {}</html>", request.target))
    })
    .await;
    let client = client(&server.url(), Credentials::new(AK, SECRET).with_security_token(TOKEN));
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else {
        panic!("expected a response error, got {err:?}");
    };
    assert!(response.body_snippet.contains("SecurityToken=***"), "{}", response.body_snippet);
    assert_no_secrets("response error display", &err.to_string());
    assert_no_secrets("response error debug", &format!("{err:?}"));
}

// ---------------------------------------------------------------------------------------------------------
// Building

#[test]
fn building_checks_settings() {
    let nowhere = CredentialsChain::new().environment(Environment::empty());
    assert!(matches!(Client::builder().credentials_chain(nowhere).build(), Err(BuildError::Credentials(_))));
    assert!(matches!(
        Client::builder().credentials(Credentials::new("", "s")).build(),
        Err(BuildError::MissingCredentials)
    ));
    assert!(matches!(
        Client::builder().credentials(Credentials::new(AK, SECRET)).endpoint("not a url").build(),
        Err(BuildError::InvalidEndpoint { .. })
    ));
    assert!(matches!(
        Client::builder().credentials(Credentials::new(AK, SECRET)).user_agent("bad\nvalue").build(),
        Err(BuildError::InvalidUserAgent(_))
    ));
    let client = Client::builder().credentials(Credentials::new(AK, SECRET)).build().unwrap();
    assert_eq!(client.endpoint(), "https://rds.aliyuncs.com/");
    let debug = format!("{client:?}");
    assert!(debug.contains("https://rds.aliyuncs.com/"), "{debug}");
    assert!(debug.contains("timeout: 10s"), "{debug}");
    assert!(debug.contains("connect_timeout: 5s"), "{debug}");
    assert_no_secrets("client debug", &debug);
    assert!(!format!("{:?}", Client::builder().credentials(Credentials::new(AK, SECRET))).contains(SECRET));
}

#[tokio::test]
async fn the_user_agent_suffix_is_appended() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"x","ImportId":"1"}"#)).await;
    let client = Client::builder()
        .credentials(Credentials::new(AK, SECRET))
        .endpoint(server.url())
        .user_agent("my-tool/1.2")
        .build()
        .unwrap();
    client.send(&import()).await.unwrap();
    let ua = server.requests()[0].header("user-agent").unwrap().to_owned();
    assert!(ua.starts_with("rds-api-rust/") && ua.ends_with(" my-tool/1.2"), "{ua}");
}

#[test]
fn client_and_futures_are_shareable() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    fn send<T: Send>(_: &T) {}
    shareable::<Client>();
    let client = client("https://rds.aliyuncs.com", Credentials::new(AK, SECRET));
    let op = import();
    let future = client.send(&op);
    send(&future);
    drop(future);
    let _clone = client.clone();
}
