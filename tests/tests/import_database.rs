//! ImportDatabaseBetweenInstances, generated from `api-specs/`, end to end against a real HTTP server on
//! 127.0.0.1: what goes on the wire, what comes back, and what never leaves the machine.

#[path = "../../rds-api/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use integration_tests::signature;
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{
    Client, CommonError, Credentials, Error, ImportDatabaseBetweenInstancesError as ImportError,
    ImportDatabaseBetweenInstancesRequest as ImportRequest, Rule, ValidationError, Violation,
};
use support::{CannedResponse, TestServer};

const SECRET: &str = "import-test-secret";

fn client(endpoint: &str) -> Client {
    Client::builder()
        .credentials(Credentials::new("import-test-id", SECRET))
        .endpoint(endpoint)
        .build()
        .expect("valid client settings")
}

fn renamed(pairs: &[(&str, &str)]) -> DbInfo {
    DbInfo { db_names: DbNames::Renamed(pairs.iter().map(|(s, d)| (s.to_string(), d.to_string())).collect()) }
}

fn same(names: &[&str]) -> DbInfo {
    DbInfo { db_names: DbNames::Same(names.iter().map(|n| n.to_string()).collect()) }
}

fn request(db_info: DbInfo) -> ImportRequest {
    ImportRequest::builder()
        .db_instance_id("rm-destination")
        .source_db_instance_id("rm-source")
        .db_info(db_info)
        .build()
        .expect("a valid request")
}

fn all_params(recorded: &support::RecordedRequest) -> BTreeMap<String, String> {
    let mut params = recorded.query_params();
    params.extend(recorded.body_params());
    params
}

#[tokio::test]
async fn sends_a_signed_post_with_every_parameter_in_the_query() {
    let server = TestServer::start(CannedResponse::json(
        200,
        r#"{"RequestId":"0F7E6A4C-1B2B-4B9B-9B63-A1D3E4C1B7F0","ImportId":"2122321"}"#,
    ))
    .await;
    let request = ImportRequest::builder()
        .db_instance_id("rm-destination")
        .source_db_instance_id("rm-source")
        .db_info(renamed(&[("srcdb", "destdb"), ("srcdb2", "destmydb2")]))
        .owner_id(1234567890123)
        .build()
        .unwrap();

    let response = client(&server.url()).send(&request).await.unwrap();

    assert_eq!(response.import_id, "2122321");
    assert_eq!(response.request_id, "0F7E6A4C-1B2B-4B9B-9B63-A1D3E4C1B7F0");
    let received = server.requests();
    assert_eq!(received.len(), 1);
    let recorded = &received[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.path, "/");
    assert!(recorded.body.is_empty(), "RDS parameters travel in the query; body: {:?}", recorded.body_text());
    let params = recorded.query_params();
    assert_eq!(params["Action"], "ImportDatabaseBetweenInstances");
    assert_eq!(params["Version"], "2014-08-15");
    assert_eq!(params["Format"], "JSON");
    assert_eq!(params["AccessKeyId"], "import-test-id");
    assert_eq!(params["SignatureMethod"], "HMAC-SHA1");
    assert_eq!(params["SignatureVersion"], "1.0");
    assert_eq!(params["DBInstanceId"], "rm-destination");
    assert_eq!(params["SourceDBInstanceId"], "rm-source");
    assert_eq!(params["DBInfo"], r#"{"DBNames":{"srcdb":"destdb","srcdb2":"destmydb2"}}"#);
    assert_eq!(params["OwnerId"], "1234567890123");
    assert!(!params.contains_key("OwnerAccount"), "absent optional parameters are not sent");
    assert!(!params.contains_key("SecurityToken"));
    let timestamp = &params["Timestamp"];
    assert_eq!(timestamp.len(), "2016-02-23T12:46:24Z".len(), "{timestamp}");
    assert!(timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T', "{timestamp}");
    assert!(!params["SignatureNonce"].is_empty());
    signature::verify("POST", &all_params(recorded), SECRET).unwrap();
    // The signature is sent percent-encoded (`+`, `/`, `=` escaped), never as a raw base64 string.
    assert!(recorded.query.contains("Signature="), "{}", recorded.query);
    assert!(!recorded.query.contains(' '));
}

#[tokio::test]
async fn a_list_of_names_is_sent_as_a_json_array_in_the_callers_order() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"r","ImportId":"1"}"#)).await;
    client(&server.url()).send(&request(same(&["mydb", "mydb2"]))).await.unwrap();
    assert_eq!(server.requests()[0].query_params()["DBInfo"], r#"{"DBNames":["mydb","mydb2"]}"#);

    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"r","ImportId":"1"}"#)).await;
    let reversed = renamed(&[("zeta", "z2"), ("alpha", "a2")]);
    client(&server.url()).send(&request(reversed)).await.unwrap();
    assert_eq!(server.requests()[0].query_params()["DBInfo"], r#"{"DBNames":{"zeta":"z2","alpha":"a2"}}"#);
}

#[tokio::test]
async fn each_new_request_gets_a_fresh_nonce() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"r","ImportId":"1"}"#)).await;
    let client = client(&server.url());
    let request = request(same(&["db"]));
    client.send(&request).await.unwrap();
    client.send(&request).await.unwrap();
    let nonces: Vec<String> = server.requests().iter().map(|r| r.query_params()["SignatureNonce"].clone()).collect();
    assert_eq!(nonces.len(), 2);
    assert_ne!(nonces[0], nonces[1]);
}

#[tokio::test]
async fn the_documented_sample_responses_decode_with_import_id_as_number_or_string() {
    for body in [
        r#"{"RequestId":"A3D13A58-7D4F-4B36-B2C5-5B8C1A2C8F3A","ImportId":2122321}"#,
        r#"{"RequestId":"A3D13A58-7D4F-4B36-B2C5-5B8C1A2C8F3A","ImportId":"2122321"}"#,
    ] {
        let server = TestServer::start(CannedResponse::json(200, body)).await;
        let response = client(&server.url()).send(&request(same(&["db"]))).await.unwrap();
        assert_eq!(response.import_id, "2122321", "{body}");
        assert_eq!(response.request_id, "A3D13A58-7D4F-4B36-B2C5-5B8C1A2C8F3A");
    }
}

#[tokio::test]
async fn an_error_body_becomes_a_service_error_with_every_field() {
    let body = r#"{"RequestId":"6C9F2E0B-ERR","HostId":"rds.aliyuncs.com","Code":"InvalidDBInstanceId.NotFound",
        "Message":"The specified instance is not found.","Recommend":"https://api.aliyun.com/troubleshoot?q=x"}"#;
    let server = TestServer::start(CannedResponse::json(404, body)).await;
    let err = client(&server.url()).send(&request(same(&["db"]))).await.unwrap_err();

    let service = err.service_error().expect("a service error");
    assert_eq!(service.kind, ImportError::InvalidDbInstanceIdNotFound);
    assert_eq!(service.code, "InvalidDBInstanceId.NotFound");
    assert_eq!(service.message, "The specified instance is not found.");
    assert_eq!(service.request_id.as_deref(), Some("6C9F2E0B-ERR"));
    assert_eq!(service.host_id.as_deref(), Some("rds.aliyuncs.com"));
    assert_eq!(service.recommend.as_deref(), Some("https://api.aliyun.com/troubleshoot?q=x"));
    assert_eq!(service.status, 404);
    assert_eq!(service.operation, "ImportDatabaseBetweenInstances");
    assert_eq!(service.kind.documented_status(), Some(404));
    let shown = err.to_string();
    for part in ["InvalidDBInstanceId.NotFound", "The specified instance is not found.", "6C9F2E0B-ERR"] {
        assert!(shown.contains(part), "{shown:?} lacks {part:?}");
    }
}

#[tokio::test]
async fn common_and_unknown_codes_keep_their_code() {
    let server = TestServer::start(CannedResponse::json(
        400,
        r#"{"RequestId":"r1","Code":"SignatureNonceUsed","Message":"The request signature nonce has been used."}"#,
    ))
    .await;
    let err = client(&server.url()).send(&request(same(&["db"]))).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Common(CommonError::SignatureNonceUsed)));

    let server =
        TestServer::start(CannedResponse::json(403, r#"{"RequestId":"r2","Code":"Brand.New","Message":"?"}"#)).await;
    let err = client(&server.url()).send(&request(same(&["db"]))).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Unknown("Brand.New".to_owned())));
    assert_eq!(err.kind().unwrap().to_string(), "Brand.New");
}

#[tokio::test]
async fn an_html_502_becomes_a_response_error_with_status_and_snippet() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = TestServer::start(CannedResponse::html(502, page)).await;
    let err = client(&server.url()).send(&request(same(&["db"]))).await.unwrap_err();
    match &err {
        Error::Response(response) => {
            assert_eq!(response.status, 502);
            assert!(response.body_snippet.contains("502 Bad Gateway"), "{response:?}");
        }
        other => panic!("expected a response error, got {other:?}"),
    }
    assert!(err.to_string().contains("502"), "{err}");
}

#[tokio::test]
async fn a_success_body_without_import_id_is_a_response_error_not_a_panic() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"r-missing"}"#)).await;
    let err = client(&server.url()).send(&request(same(&["db"]))).await.unwrap_err();
    match &err {
        Error::Response(response) => {
            assert_eq!(response.status, 200);
            assert_eq!(response.request_id.as_deref(), Some("r-missing"));
            assert!(response.reason.contains("ImportId"), "{response:?}");
        }
        other => panic!("expected a response error, got {other:?}"),
    }
}

#[test]
fn prepare_signs_without_sending() {
    let prepared = client("http://127.0.0.1:9").prepare(&request(same(&["db"]))).unwrap();
    assert_eq!(prepared.action(), "ImportDatabaseBetweenInstances");
    assert!(!prepared.idempotent());
    assert!(prepared.url().starts_with("http://127.0.0.1:9/?"), "{}", prepared.url());
    let mut params = prepared.query().clone();
    params.insert("Signature".to_owned(), prepared.signature().to_owned());
    signature::verify("POST", &params, SECRET).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// Validation: every rule on its own, several at once, and never a byte on the wire.

fn violations(result: Result<ImportRequest, ValidationError>) -> Vec<Violation> {
    result.expect_err("the request must be refused").violations
}

fn rules(violations: &[Violation]) -> Vec<(String, Rule)> {
    violations.iter().map(|v| (v.parameter.clone(), v.rule.clone())).collect()
}

fn builder() -> rds_api::ImportDatabaseBetweenInstancesRequestBuilder {
    ImportRequest::builder().db_instance_id("rm-destination").source_db_instance_id("rm-source")
}

#[test]
fn each_required_parameter_is_reported_when_absent() {
    let found = violations(ImportRequest::builder().build());
    assert_eq!(
        rules(&found),
        vec![
            ("DBInstanceId".to_owned(), Rule::Required),
            ("SourceDBInstanceId".to_owned(), Rule::Required),
            ("DBInfo".to_owned(), Rule::Required),
        ]
    );
}

#[test]
fn instance_ids_must_differ() {
    let found = violations(
        ImportRequest::builder()
            .db_instance_id("rm-same")
            .source_db_instance_id("rm-same")
            .db_info(same(&["db"]))
            .build(),
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].parameter, "SourceDBInstanceId");
    assert!(matches!(&found[0].rule, Rule::Differ { others, .. } if others == &["DBInstanceId".to_owned()]));
    assert_eq!(found[0].value.as_deref(), Some("rm-same"));
}

#[test]
fn instance_id_length_is_checked() {
    let found = violations(builder().db_instance_id("").db_info(same(&["db"])).build());
    assert_eq!(rules(&found), vec![("DBInstanceId".to_owned(), Rule::MinLength(1))]);
    let found = violations(builder().source_db_instance_id("x".repeat(65)).db_info(same(&["db"])).build());
    assert_eq!(rules(&found), vec![("SourceDBInstanceId".to_owned(), Rule::MaxLength(64))]);
}

#[test]
fn at_least_one_database() {
    let found = violations(builder().db_info(same(&[])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames".to_owned(), Rule::MinItems(1))]);
    let found = violations(builder().db_info(renamed(&[])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames".to_owned(), Rule::MinItems(1))]);
}

#[test]
fn no_empty_database_name() {
    let found = violations(builder().db_info(same(&["a", ""])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames[1]".to_owned(), Rule::MinLength(1))]);
    let found = violations(builder().db_info(renamed(&[("src", "")])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames.src".to_owned(), Rule::MinLength(1))]);
}

#[test]
fn source_and_destination_names_are_unique() {
    let found = violations(builder().db_info(same(&["a", "b", "a"])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames".to_owned(), Rule::UniqueItems)]);
    assert_eq!(found[0].value.as_deref(), Some("a"));

    let found = violations(builder().db_info(renamed(&[("a", "x"), ("a", "y")])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames".to_owned(), Rule::UniqueItems)]);

    let found = violations(builder().db_info(renamed(&[("a", "x"), ("b", "x")])).build());
    assert_eq!(rules(&found), vec![("DBInfo.DBNames".to_owned(), Rule::UniqueValues)]);
    assert_eq!(found[0].value.as_deref(), Some("x"));
}

#[test]
fn every_violation_is_reported_at_once() {
    let err = ImportRequest::builder()
        .db_instance_id("")
        .db_info(renamed(&[("a", "x"), ("b", "x"), ("c", "")]))
        .build()
        .unwrap_err();
    assert_eq!(
        rules(&err.violations),
        vec![
            ("DBInstanceId".to_owned(), Rule::MinLength(1)),
            ("SourceDBInstanceId".to_owned(), Rule::Required),
            ("DBInfo.DBNames".to_owned(), Rule::UniqueValues),
            ("DBInfo.DBNames.c".to_owned(), Rule::MinLength(1)),
        ]
    );
    let shown = err.to_string();
    for wire in ["DBInstanceId", "SourceDBInstanceId", "DBInfo.DBNames", "DBInfo.DBNames.c"] {
        assert!(shown.contains(wire), "{shown:?} lacks {wire}");
    }
}

#[tokio::test]
async fn an_invalid_request_never_reaches_the_network() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"r","ImportId":"1"}"#)).await;
    let mut invalid = request(same(&["db"]));
    invalid.source_db_instance_id = invalid.db_instance_id.clone();
    invalid.db_info = same(&[]);

    let err = client(&server.url()).send(&invalid).await.unwrap_err();

    match err {
        Error::Validation(e) => assert_eq!(e.violations.len(), 2, "{e}"),
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(server.connection_count(), 0, "nothing may be sent");
    assert!(server.requests().is_empty());
}
