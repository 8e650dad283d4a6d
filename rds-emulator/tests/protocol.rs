//! The RPC protocol over real TCP: signature verification (GET and POST, form bodies, STS) and every
//! protocol error, with the service's codes, statuses and body shape.

mod common;

use std::time::{Duration, SystemTime};

use common::{client, demo_client, demo_emulator, Raw};
use rds_api::{Credentials, DescribeDbInstanceAttributeRequest, Error};
use rds_emulator::{demo, StsCredential};

const ATTRIBUTE: &str = "DescribeDBInstanceAttribute";

fn attribute_request(id: &str) -> DescribeDbInstanceAttributeRequest {
    DescribeDbInstanceAttributeRequest::builder().db_instance_id(id).build().unwrap()
}

#[tokio::test]
async fn the_client_is_accepted_with_an_access_key_and_with_sts_credentials() {
    let emulator = demo_emulator().await;
    let response = demo_client(&emulator).send(&attribute_request(demo::SOURCE)).await.unwrap();
    assert_eq!(response.instances.len(), 1);
    assert_eq!(response.instances[0].db_instance_id, demo::SOURCE);
    assert!(!response.request_id.is_empty());

    let sts = emulator.sts_credentials(demo::ACCOUNT).unwrap();
    assert!(sts.access_key_id().starts_with("STS."));
    client(&emulator, sts).send(&attribute_request(demo::SOURCE)).await.unwrap();
    assert_eq!(emulator.requests(ATTRIBUTE), 2);
    assert_eq!(emulator.processed(ATTRIBUTE), 2);
}

#[tokio::test]
async fn get_and_post_are_verified_over_query_and_form_body() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    let get = Raw::new(ATTRIBUTE).get().param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(get.status, 200, "{:?}", get.body);
    assert_eq!(get.body["Items"]["DBInstanceAttribute"][0]["DBInstanceId"], demo::SOURCE);

    // Operation and common parameters in an application/x-www-form-urlencoded body are signed too.
    let post = Raw::new(ATTRIBUTE)
        .body_param("DBInstanceId", demo::DESTINATION)
        .body_param("Timestamp", &common::timestamp(SystemTime::now()))
        .body_param("Note", "spaces & symbols: a+b=c/d*~")
        .send(&endpoint)
        .await;
    assert_eq!(post.status, 200, "{:?}", post.body);
    assert_eq!(post.body["Items"]["DBInstanceAttribute"][0]["DBInstanceId"], demo::DESTINATION);

    // A GET signed as if it were a POST does not verify.
    let mut wrong_method = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);
    wrong_method.forced_signature =
        Some(rds_api::signing::sign(demo::ACCESS_KEY_SECRET, &wrong_method.clone().string_to_sign()));
    let answer = wrong_method.get().send(&endpoint).await;
    assert_eq!(answer.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn every_answer_has_a_request_id_in_body_and_header() {
    let emulator = demo_emulator().await;
    let ok = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).send(&emulator.endpoint()).await;
    let id = ok.body["RequestId"].as_str().unwrap();
    assert_eq!(ok.header("x-acs-request-id"), Some(id));
    assert_eq!(id.len(), 36);

    let err = Raw::new(ATTRIBUTE).param("DBInstanceId", "rm-missing").send(&emulator.endpoint()).await;
    assert_eq!(err.status, 404);
    let body = err.body.as_object().unwrap();
    let mut keys: Vec<&str> = body.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["Code", "HostId", "Message", "Recommend", "RequestId"]);
    assert_eq!(err.code(), "InvalidDBInstanceId.NotFound");
    assert_eq!(err.header("x-acs-request-id"), body["RequestId"].as_str());
    assert_eq!(body["HostId"].as_str(), Some(emulator.addr().to_string().as_str()));
}

#[tokio::test]
async fn a_wrong_secret_gets_the_servers_string_to_sign() {
    let emulator = demo_emulator().await;
    let raw = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).key(demo::ACCESS_KEY_ID, "not-the-secret");
    let answer = raw.send(&emulator.endpoint()).await;
    assert_eq!((answer.status, answer.code()), (400, "SignatureDoesNotMatch"));
    let expected = format!(
        "Specified signature is not matched with our calculation. server string to sign is:{}",
        raw.string_to_sign()
    );
    assert_eq!(answer.message(), expected);

    // Through the client: a typed common error.
    let client = client(&emulator, Credentials::new(demo::ACCESS_KEY_ID, "not-the-secret"));
    let err = client.send(&attribute_request(demo::SOURCE)).await.unwrap_err();
    let Error::Service(service) = err else { panic!("{err:?}") };
    assert_eq!((service.code.as_str(), service.status), ("SignatureDoesNotMatch", 400));
    assert_eq!(emulator.requests(ATTRIBUTE), 0, "unauthenticated requests are not counted");
}

#[tokio::test]
async fn a_garbled_or_missing_signature_does_not_match() {
    let emulator = demo_emulator().await;
    let mut raw = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);
    raw.forced_signature = Some("bm90IGEgc2lnbmF0dXJl".into());
    assert_eq!(raw.send(&emulator.endpoint()).await.code(), "SignatureDoesNotMatch");
    raw.forced_signature = Some("%%%".into());
    assert_eq!(raw.send(&emulator.endpoint()).await.code(), "SignatureDoesNotMatch");
}

#[tokio::test]
async fn an_unknown_access_key_is_not_found() {
    let emulator = demo_emulator().await;
    let answer = Raw::new(ATTRIBUTE)
        .param("DBInstanceId", demo::SOURCE)
        .key("no-such-key", "whatever")
        .send(&emulator.endpoint())
        .await;
    assert_eq!((answer.status, answer.code()), (404, "InvalidAccessKeyId.NotFound"));
}

#[tokio::test]
async fn timestamps_must_be_well_formed_and_within_15_minutes() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let now = SystemTime::now();
    let request = || Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);

    let old = request().at(now - Duration::from_secs(16 * 60)).send(&endpoint).await;
    assert_eq!((old.status, old.code()), (400, "InvalidTimeStamp.Expired"));
    let future = request().at(now + Duration::from_secs(16 * 60)).send(&endpoint).await;
    assert_eq!(future.code(), "InvalidTimeStamp.Expired");
    let slightly_off = request().at(now - Duration::from_secs(14 * 60)).send(&endpoint).await;
    assert_eq!(slightly_off.status, 200, "{:?}", slightly_off.body);

    for bad in ["2016-02-23 12:46:24", "yesterday", "1456231584"] {
        let answer = request().param("Timestamp", bad).send(&endpoint).await;
        assert_eq!((answer.status, answer.code()), (400, "InvalidTimeStamp.Format"), "{bad}");
    }

    // The emulator clock drives migrations only: moving it does not expire clients' timestamps.
    emulator.advance(Duration::from_secs(24 * 3600));
    assert_eq!(request().send(&endpoint).await.status, 200);
}

#[tokio::test]
async fn a_nonce_is_used_once_per_access_key() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let nonce = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
    let first = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).nonce(nonce).send(&endpoint).await;
    assert_eq!(first.status, 200);
    let again = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::DESTINATION).nonce(nonce).send(&endpoint).await;
    assert_eq!((again.status, again.code()), (400, "SignatureNonceUsed"));

    // Another AccessKey may use the same nonce.
    let other = Raw::new(ATTRIBUTE)
        .param("DBInstanceId", demo::OTHER_INSTANCE)
        .key(demo::OTHER_ACCESS_KEY_ID, demo::OTHER_ACCESS_KEY_SECRET)
        .nonce(nonce)
        .send(&endpoint)
        .await;
    assert_eq!(other.status, 200, "{:?}", other.body);

    // A request refused before the nonce check does not burn its nonce.
    let fresh = "0f8e4c1a-0000-4000-8000-000000000001";
    let refused =
        Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).key(demo::ACCESS_KEY_ID, "wrong").nonce(fresh);
    assert_eq!(refused.send(&endpoint).await.code(), "SignatureDoesNotMatch");
    let accepted = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).nonce(fresh).send(&endpoint).await;
    assert_eq!(accepted.status, 200);
}

#[tokio::test]
async fn unknown_actions_and_versions_are_not_found() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let unknown = Raw::new("DescribeNothing").send(&endpoint).await;
    assert_eq!((unknown.status, unknown.code()), (404, "InvalidApi.NotFound"));
    let old_version =
        Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).param("Version", "2013-05-28").send(&endpoint).await;
    assert_eq!((old_version.status, old_version.code()), (404, "InvalidApi.NotFound"));
    // Authenticated, so counted as received; never processed.
    assert_eq!(emulator.requests("DescribeNothing"), 1);
    assert_eq!(emulator.processed("DescribeNothing"), 0);
}

#[tokio::test]
async fn each_missing_common_parameter_is_named() {
    let emulator = demo_emulator().await;
    for name in
        ["Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"]
    {
        let answer =
            Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).without(name).send(&emulator.endpoint()).await;
        assert_eq!((answer.status, answer.code()), (400, format!("Missing{name}").as_str()), "{name}");
        assert_eq!(answer.message(), format!("{name} is mandatory for this action."));
    }
    let mut unsigned = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);
    unsigned.unsigned = true;
    assert_eq!(unsigned.send(&emulator.endpoint()).await.code(), "MissingSignature");
}

#[tokio::test]
async fn only_hmac_sha1_version_1_is_accepted() {
    let emulator = demo_emulator().await;
    for (name, value) in [("SignatureMethod", "HMAC-SHA256"), ("SignatureVersion", "2.0")] {
        let answer =
            Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).param(name, value).send(&emulator.endpoint()).await;
        assert_eq!((answer.status, answer.code()), (400, "IncompleteSignature"), "{name}");
    }
}

#[tokio::test]
async fn sts_requests_need_their_own_security_token() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let sts = || {
        Raw::new(ATTRIBUTE)
            .param("DBInstanceId", demo::SOURCE)
            .key(demo::STS_ACCESS_KEY_ID, demo::STS_ACCESS_KEY_SECRET)
    };

    let ok = sts().param("SecurityToken", demo::STS_SECURITY_TOKEN).send(&endpoint).await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);

    let missing = sts().send(&endpoint).await;
    assert_eq!((missing.status, missing.code()), (400, "InvalidSecurityToken.Malformed"));
    let garbage = sts().param("SecurityToken", "not-a-token").send(&endpoint).await;
    assert_eq!(garbage.code(), "InvalidSecurityToken.Malformed");

    // A real token, but issued with another STS AccessKey ID.
    emulator.with_state(|state| {
        state.account_mut(demo::ACCOUNT).unwrap().sts_credentials.push(StsCredential {
            access_key_id: "STS.second".into(),
            access_key_secret: "second-secret".into(),
            security_token: "second-token".into(),
            expiration: None,
        })
    });
    let mismatch = sts().param("SecurityToken", "second-token").send(&endpoint).await;
    assert_eq!((mismatch.status, mismatch.code()), (400, "InvalidSecurityToken.MismatchWithAccessKey"));

    // The token is signed like any parameter: changing it after signing breaks the signature.
    let mut tampered = sts().param("SecurityToken", demo::STS_SECURITY_TOKEN);
    tampered.forced_signature = Some(rds_api::signing::sign(demo::STS_ACCESS_KEY_SECRET, &tampered.string_to_sign()));
    let tampered = tampered.param("Extra", "added after signing").send(&endpoint).await;
    assert_eq!(tampered.code(), "SignatureDoesNotMatch");

    emulator.with_state(|state| {
        state.account_mut(demo::ACCOUNT).unwrap().sts_credentials[0].expiration =
            Some(SystemTime::now() - Duration::from_secs(1));
    });
    let expired = sts().param("SecurityToken", demo::STS_SECURITY_TOKEN).send(&endpoint).await;
    assert_eq!((expired.status, expired.code()), (400, "InvalidSecurityToken.Expired"));
}

#[tokio::test]
async fn parameters_are_validated_by_the_specs() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let import = || Raw::new("ImportDatabaseBetweenInstances");

    let missing = import()
        .param("SourceDBInstanceId", demo::SOURCE)
        .param("DBInfo", r#"{"DBNames":["sales"]}"#)
        .send(&endpoint)
        .await;
    assert_eq!((missing.status, missing.code()), (400, "MissingParameter"));
    assert_eq!(
        missing.message(),
        "The input parameter \"DBInstanceId\" that is mandatory for processing this request is not supplied."
    );

    let same = import()
        .param("DBInstanceId", demo::SOURCE)
        .param("SourceDBInstanceId", demo::SOURCE)
        .param("DBInfo", r#"{"DBNames":["sales"]}"#)
        .send(&endpoint)
        .await;
    assert_eq!((same.status, same.code()), (400, "InvalidParameter"));
    assert!(same.message().contains("SourceDBInstanceId: must differ from DBInstanceId"), "{}", same.message());

    let bad_info = import()
        .param("DBInstanceId", demo::DESTINATION)
        .param("SourceDBInstanceId", demo::SOURCE)
        .param("DBInfo", r#"{"DBNames":[]}"#)
        .param("OwnerId", "not-a-number")
        .send(&endpoint)
        .await;
    assert_eq!(bad_info.code(), "InvalidParameter");
    assert!(bad_info.message().contains("OwnerId"), "{}", bad_info.message());

    let empty_list = import()
        .param("DBInstanceId", demo::DESTINATION)
        .param("SourceDBInstanceId", demo::SOURCE)
        .param("DBInfo", r#"{"DBNames":[]}"#)
        .send(&endpoint)
        .await;
    assert_eq!(empty_list.code(), "InvalidParameter");
    assert!(empty_list.message().contains("DBInfo.DBNames"), "{}", empty_list.message());
    assert_eq!(emulator.processed("ImportDatabaseBetweenInstances"), 0);
}

#[tokio::test]
async fn only_get_and_post_carry_requests() {
    let emulator = demo_emulator().await;
    let mut put = Raw::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);
    put.method = "PUT";
    let answer = put.send(&emulator.endpoint()).await;
    assert_eq!((answer.status, answer.code()), (405, "UnsupportedHTTPMethod"));
}

#[tokio::test]
async fn the_clients_replayed_and_stale_requests_are_refused() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let request = attribute_request(demo::SOURCE);
    let code = |err: Error<_>| err.service_error().map(|e| (e.code.clone(), e.status));

    let prepared = client.prepare(&request).unwrap();
    client.send_prepared::<DescribeDbInstanceAttributeRequest>(&prepared).await.unwrap();
    let replay = client.send_prepared::<DescribeDbInstanceAttributeRequest>(&prepared).await.unwrap_err();
    assert_eq!(code(replay), Some(("SignatureNonceUsed".to_owned(), 400)));

    let stale = client.prepare_at(&request, "stale-nonce", SystemTime::now() - Duration::from_secs(20 * 60)).unwrap();
    let err = client.send_prepared::<DescribeDbInstanceAttributeRequest>(&stale).await.unwrap_err();
    assert_eq!(code(err), Some(("InvalidTimeStamp.Expired".to_owned(), 400)));
    assert_eq!(emulator.processed(ATTRIBUTE), 1);
}
