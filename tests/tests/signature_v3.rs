//! rds-api signing with V3 (ACS3-HMAC-SHA256) against rds-emulator over loopback: accepted with an AccessKey
//! and with STS credentials, refused with a wrong secret, a replayed nonce or a stale date, and V1 stays the
//! default.

mod emulated;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use emulated::{emulator, import};
use rds_api::import_database_between_instances::DbNames;
use rds_api::signing::{v3, SignatureVersion};
use rds_api::{
    Client, CommonError, Credentials, DescribeDbInstanceAttributeError as AttributeError,
    DescribeDbInstanceAttributeRequest as Attribute, ImportDatabaseBetweenInstancesRequest as Import,
};
use rds_emulator::{demo, EmulatorHandle};

const ATTRIBUTE: &str = "DescribeDBInstanceAttribute";

fn v3_client(emulator: &EmulatorHandle, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(credentials)
        .signature_version(SignatureVersion::V3)
        .build()
        .unwrap()
}

fn attribute(id: &str) -> Attribute {
    Attribute::builder().db_instance_id(id).build().unwrap()
}

#[tokio::test]
async fn a_v3_signed_describe_is_accepted() {
    let emulator = emulator().await;
    let client = v3_client(&emulator, emulator.demo_credentials());

    let response = client.send(&attribute(demo::SOURCE)).await.unwrap();
    assert_eq!(response.instances.len(), 1);
    assert_eq!(response.instances[0].db_instance_id, demo::SOURCE);
    assert!(!response.request_id.is_empty());
    assert_eq!(emulator.processed(ATTRIBUTE), 1);

    // So is an operation that changes something.
    let started = client.send(&import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]))).await;
    assert!(started.unwrap().import_id.parse::<u64>().is_ok());
}

#[tokio::test]
async fn a_wrong_secret_is_refused_with_signature_does_not_match() {
    let emulator = emulator().await;
    let client = v3_client(&emulator, Credentials::new(demo::ACCESS_KEY_ID, "not-the-secret"));
    let prepared = client.prepare(&attribute(demo::SOURCE)).unwrap();

    let err = client.send_prepared::<Attribute>(&prepared).await.unwrap_err();
    assert_eq!(err.kind(), Some(&AttributeError::Common(CommonError::SignatureDoesNotMatch)));
    assert_eq!(err.status(), Some(400));
    // The server canonicalised the request exactly as the client did: only the secret differs.
    let message = &err.service_error().unwrap().message;
    assert!(message.contains(&format!("server string to sign is:{}", prepared.string_to_sign())), "{message}");
    assert!(message.ends_with(prepared.canonical_request().unwrap()), "{message}");
    assert!(!message.contains("not-the-secret"));
    assert_eq!(emulator.requests(ATTRIBUTE), 0);

    let unknown = v3_client(&emulator, Credentials::new("nobody", "x"));
    let err = unknown.send(&attribute(demo::SOURCE)).await.unwrap_err();
    assert_eq!(err.kind(), Some(&AttributeError::Common(CommonError::InvalidAccessKeyIdNotFound)));
}

#[tokio::test]
async fn a_replayed_prepared_request_is_refused_with_signature_nonce_used() {
    let emulator = emulator().await;
    let client = v3_client(&emulator, emulator.demo_credentials());
    let prepared = client.prepare(&attribute(demo::SOURCE)).unwrap();

    client.send_prepared::<Attribute>(&prepared).await.unwrap();
    let err = client.send_prepared::<Attribute>(&prepared).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.service_error().unwrap().code, "SignatureNonceUsed");
    assert_eq!(emulator.processed(ATTRIBUTE), 1, "the replay was not processed");

    // A fresh prepare has a fresh nonce.
    let again = client.prepare(&attribute(demo::SOURCE)).unwrap();
    assert_ne!(again.headers()["x-acs-signature-nonce"], prepared.headers()["x-acs-signature-nonce"]);
    client.send_prepared::<Attribute>(&again).await.unwrap();
}

#[tokio::test]
async fn a_stale_date_is_refused_as_expired() {
    let emulator = emulator().await;
    let client = v3_client(&emulator, emulator.demo_credentials());
    let stale = client
        .prepare_at(&attribute(demo::SOURCE), "v3-stale", SystemTime::now() - Duration::from_secs(20 * 60))
        .unwrap();
    let err = client.send_prepared::<Attribute>(&stale).await.unwrap_err();
    assert_eq!(err.kind(), Some(&AttributeError::Common(CommonError::InvalidTimeStampExpired)));
}

#[tokio::test]
async fn sts_credentials_sign_v3_with_a_header_token_that_never_shows() {
    let emulator = emulator().await;
    let sts = emulator.sts_credentials(demo::ACCOUNT).expect("the demo account has STS credentials");
    let token = sts.security_token().unwrap().to_owned();
    let client = v3_client(&emulator, sts.clone());

    let prepared = client.prepare(&attribute(demo::SOURCE)).unwrap();
    assert_eq!(prepared.headers()["x-acs-security-token"], token);
    assert_eq!(prepared.headers()["x-acs-accesskey-id"], sts.access_key_id());
    assert!(prepared.headers()["authorization"].contains("x-acs-security-token"));
    assert!(!prepared.query().contains_key("SecurityToken"));
    for text in [format!("{prepared:?}"), format!("{prepared:#?}")] {
        assert!(!text.contains(&token), "{text}");
        assert!(!text.contains(sts.access_key_secret()), "{text}");
    }
    client.send_prepared::<Attribute>(&prepared).await.unwrap();

    // A wrong secret's SignatureDoesNotMatch carries the canonical request, token line included: redacted.
    let wrong = v3_client(
        &emulator,
        Credentials::new(sts.access_key_id(), "not-the-secret").with_security_token(token.clone()),
    );
    let err = wrong.send(&attribute(demo::SOURCE)).await.unwrap_err();
    assert_eq!(err.kind(), Some(&AttributeError::Common(CommonError::SignatureDoesNotMatch)));
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(text.contains("x-acs-security-token:***"), "{text}");
        assert!(!text.contains(&token), "{text}");
    }
}

#[tokio::test]
async fn v3_requests_have_the_protocols_shape() {
    let emulator = emulator().await;
    let client = v3_client(&emulator, emulator.demo_credentials());
    let at = UNIX_EPOCH + Duration::from_secs(1_456_231_584);
    let prepared = client.prepare_at(&attribute(demo::SOURCE), "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", at).unwrap();

    assert_eq!(prepared.signature_version(), SignatureVersion::V3);
    assert_eq!(prepared.method().as_str(), "POST");
    assert_eq!(prepared.url(), format!("{}/?DBInstanceId=rm-demo-source", emulator.endpoint()));
    // Only the operation's parameters: no Action, Version, Signature, … in the query.
    assert_eq!(prepared.query().keys().collect::<Vec<_>>(), ["DBInstanceId"]);
    assert_eq!(prepared.body(), "");

    let headers = prepared.headers();
    let host = emulator.endpoint().trim_start_matches("http://").to_owned();
    assert_eq!(headers["host"], host);
    assert_eq!(headers["x-acs-action"], ATTRIBUTE);
    assert_eq!(headers["x-acs-version"], "2014-08-15");
    assert_eq!(headers["x-acs-date"], "2016-02-23T12:46:24Z");
    assert_eq!(headers["x-acs-signature-nonce"], "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
    assert_eq!(headers["x-acs-content-sha256"], v3::EMPTY_PAYLOAD_SHA256);
    assert!(!headers.contains_key("content-type"));
    assert!(!headers.contains_key("x-acs-security-token"));

    let canonical = prepared.canonical_request().unwrap();
    assert_eq!(
        canonical,
        format!(
            "POST\n/\nDBInstanceId=rm-demo-source\nhost:{host}\nx-acs-action:{ATTRIBUTE}\nx-acs-content-sha256:{empty}\n\
             x-acs-date:2016-02-23T12:46:24Z\nx-acs-signature-nonce:3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf\n\
             x-acs-version:2014-08-15\n\nhost;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;\
             x-acs-version\n{empty}",
            empty = v3::EMPTY_PAYLOAD_SHA256
        )
    );
    assert_eq!(prepared.string_to_sign(), v3::string_to_sign(canonical));
    assert_eq!(prepared.signature(), v3::sign(demo::ACCESS_KEY_SECRET, prepared.string_to_sign()));
    assert_eq!(prepared.signature().len(), 64);
    assert_eq!(
        headers["authorization"],
        format!(
            "ACS3-HMAC-SHA256 Credential={},SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;\
             x-acs-signature-nonce;x-acs-version,Signature={}",
            demo::ACCESS_KEY_ID,
            prepared.signature()
        )
    );
}

#[tokio::test]
async fn v1_stays_the_default() {
    let emulator = emulator().await;
    let client = emulated::client(&emulator, emulator.demo_credentials());
    let prepared = client.prepare(&attribute(demo::SOURCE)).unwrap();
    assert_eq!(prepared.signature_version(), SignatureVersion::V1);
    assert_eq!(SignatureVersion::default(), SignatureVersion::V1);
    assert_eq!(prepared.query()["SignatureMethod"], "HMAC-SHA1");
    assert_eq!(prepared.canonical_request(), None);
    assert!(!prepared.headers().contains_key("authorization"));
    assert_eq!(prepared.headers()["x-acs-action"], ATTRIBUTE);
    client.send_prepared::<Attribute>(&prepared).await.unwrap();

    // Both schemes against one emulator, and a V1 prepared request replayed is refused as before.
    let import_v1 = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));
    let replayed = client.prepare(&import_v1).unwrap();
    client.send_prepared::<Import>(&replayed).await.unwrap();
    let err = client.send_prepared::<Import>(&replayed).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "SignatureNonceUsed");
}
