//! The client never follows a redirect: following one would re-send the signed query, and the security token
//! with it, to wherever the `Location` header points. A redirect answer is an error of its own (its status is
//! kept), after exactly one request, and the place it points to hears nothing.

mod support;

use rds_api::{Client, Credentials, DescribeDbInstanceAttributeRequest, Error, FailureKind, SignatureVersion};
use support::{CannedResponse, TestServer};

const TOKEN: &str = "STS-TOKEN-MUST-STAY-AT-HOME";

/// What the second server would answer if the client followed the redirect: a valid answer, so that a
/// client that follows it would succeed.
const ATTRIBUTE_ANSWER: &str = r#"{"RequestId":"AT-THE-OTHER-SERVER","Items":{"DBInstanceAttribute":[{"DBInstanceId":"rm-elsewhere","Engine":"SQLServer","DBInstanceStatus":"Running"}]}}"#;

fn client(endpoint: &str, version: SignatureVersion) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new("redirect-test-id", "redirect-test-secret").with_security_token(TOKEN))
        .signature_version(version)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    for version in [SignatureVersion::V1, SignatureVersion::V3] {
        for status in [301, 302, 303, 307, 308] {
            let elsewhere = TestServer::start(CannedResponse::json(200, ATTRIBUTE_ANSWER)).await;
            let location = format!("{}/?moved=1", elsewhere.url());
            let endpoint =
                TestServer::start(CannedResponse::new(status, Vec::new()).with_header("Location", &location)).await;

            let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id("rm-source").build().unwrap();
            let result = client(&endpoint.url(), version).send(&request).await;
            let what = format!("{version:?} {status}");

            let err = result.expect_err(&what);
            let Error::Response(response) = &err else { panic!("{what}: {err:?}") };
            assert_eq!(response.status, status, "{what}");
            // An answer, but not one to send again, even for an idempotent operation.
            assert_eq!(err.failure_kind(), FailureKind::Permanent, "{what}");
            assert_eq!(err.attempts(), 1, "{what}");
            let sent = endpoint.requests();
            assert_eq!(sent.len(), 1, "{what}: exactly one request");
            assert!(sent[0].raw_text().contains("DescribeDBInstanceAttribute"), "{what}");
            assert_eq!(elsewhere.connection_count(), 0, "{what}: the redirect's target was contacted");
            assert!(elsewhere.requests().is_empty(), "{what}");
        }
    }
}
