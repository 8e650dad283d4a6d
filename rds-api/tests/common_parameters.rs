//! The client's guard on common parameters: a request never sets `Action`, `Timestamp`, `Signature`, ..., and
//! an operation's own `SecurityToken` is sent once, only when it agrees with the credentials'.
//!
//! Generated operations cannot declare the protocol's names (`cargo xtask codegen` refuses such a spec); this
//! test's operation is written out by hand to show that the runtime, which every operation goes through, holds
//! the line even so. Nothing reaches the network: the server below must see no connection.

mod support;

use rds_api::runtime::{Location, Method, Operation, Params, ValidationError};
use rds_api::{
    Client, Credentials, DescribeResourceUsageError, DescribeResourceUsageResponse, Error, Rule, SignatureVersion,
};
use support::{CannedResponse, TestServer};

/// An operation whose parameters are whatever the test says.
struct Raw(Vec<(Location, &'static str, &'static str)>);

impl Operation for Raw {
    type Response = DescribeResourceUsageResponse;
    type ErrorCode = DescribeResourceUsageError;
    const ACTION: &'static str = "DescribeResourceUsage";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Post;
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_params(&self, params: &mut Params) {
        for (location, name, value) in &self.0 {
            params.put(*location, name, *value);
        }
    }
}

fn client(endpoint: &str, token: Option<&str>, version: SignatureVersion) -> Client {
    let credentials = Credentials::new("STS.test", "test-secret");
    let credentials = match token {
        Some(token) => credentials.with_security_token(token),
        None => credentials,
    };
    Client::builder().endpoint(endpoint).credentials(credentials).signature_version(version).build().unwrap()
}

fn violations(err: &Error<DescribeResourceUsageError>) -> Vec<(String, Rule)> {
    let Error::Validation(v) = err else { panic!("{err:?}") };
    v.violations.iter().map(|v| (v.parameter.clone(), v.rule.clone())).collect()
}

#[tokio::test]
async fn protocol_names_are_refused_before_any_io() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"x"}"#)).await;
    let op = Raw(vec![
        (Location::Query, "DBInstanceId", "rm-1"),
        (Location::Query, "Action", "DeleteDBInstance"),
        (Location::Body, "Timestamp", "2000-01-01T00:00:00Z"),
        (Location::Query, "Signature", "forged"),
    ]);
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let err = client(&server.url(), None, version).send(&op).await.unwrap_err();
        let expected: Vec<(String, Rule)> =
            ["Action", "Signature", "Timestamp"].iter().map(|n| (n.to_string(), Rule::CommonParameter)).collect();
        assert_eq!(violations(&err), expected, "{version:?}");
        assert!(err.to_string().contains("Action: is a common parameter"), "{err}");
    }
    assert_eq!(server.connection_count(), 0);
}

#[tokio::test]
async fn an_operations_own_security_token_is_sent_once() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"x"}"#)).await;
    let with_token =
        |token| Raw(vec![(Location::Query, "DBInstanceId", "rm-1"), (Location::Query, "SecurityToken", token)]);

    // Only the request has one, only the credentials, or both the same: one value on the wire.
    for (request_token, credentials_token) in
        [(Some("CAIS-a"), None), (None, Some("CAIS-a")), (Some("CAIS-a"), Some("CAIS-a"))]
    {
        let op = match request_token {
            Some(token) => with_token(token),
            None => Raw(vec![(Location::Query, "DBInstanceId", "rm-1")]),
        };
        let prepared = client(&server.url(), credentials_token, SignatureVersion::V1).prepare(&op).unwrap();
        assert_eq!(prepared.query().get("SecurityToken").map(String::as_str), Some("CAIS-a"));
        assert_eq!(prepared.url().matches("SecurityToken=").count(), 1, "{}", prepared.url());
        assert!(!format!("{prepared:?}").contains("CAIS-a"), "the request's token is redacted too");
    }

    // Different: refused before any I/O, neither value shown.
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        let err = client(&server.url(), Some("CAIS-credentials"), version)
            .send(&with_token("CAIS-request"))
            .await
            .unwrap_err();
        assert_eq!(violations(&err), [("SecurityToken".to_owned(), Rule::ConflictsWithCredentials)], "{version:?}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("CAIS-credentials") && !shown.contains("CAIS-request"), "{shown}");
    }
    // In the query and the body with two values: refused too.
    let twice = Raw(vec![(Location::Query, "SecurityToken", "CAIS-a"), (Location::Body, "SecurityToken", "CAIS-b")]);
    let err = client(&server.url(), None, SignatureVersion::V1).send(&twice).await.unwrap_err();
    assert_eq!(violations(&err), [("SecurityToken".to_owned(), Rule::ConflictsWithCredentials)]);
    assert_eq!(server.connection_count(), 0);

    // V3 keeps the operation's own parameter where its spec puts it and sends the credentials' token (the same
    // value) in its header.
    let prepared = client(&server.url(), Some("CAIS-a"), SignatureVersion::V3).prepare(&with_token("CAIS-a")).unwrap();
    assert_eq!(prepared.query().get("SecurityToken").map(String::as_str), Some("CAIS-a"));
    assert_eq!(prepared.headers().get("x-acs-security-token").map(String::as_str), Some("CAIS-a"));
}
