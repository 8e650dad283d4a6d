//! `--dryrun`: the request exactly as rds-api signs it, secrets redacted, nothing sent.

mod common;

use std::collections::BTreeMap;
use std::time::SystemTime;

use common::{rds, Emu};
use integration_tests::signature;
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{Client, Credentials, ImportDatabaseBetweenInstancesRequest};
use rds_emulator::demo;
use serde_json::Value;

fn query_of(answer: &Value) -> BTreeMap<String, String> {
    answer["Query"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect()
}

#[test]
fn the_dryrun_is_what_rds_api_signs_and_nothing_is_sent() {
    let emu = Emu::demo();
    let run = emu
        .rds(&[
            "ImportDatabaseBetweenInstances",
            "--DBInstanceId",
            demo::DESTINATION,
            "--SourceDBInstanceId",
            demo::SOURCE,
            "--DBInfo",
            r#"{"DBNames":{"sales":"sales_copy"}}"#,
            "--dryrun",
        ])
        .expect(0);
    assert_eq!(emu.requests("ImportDatabaseBetweenInstances"), 0, "nothing sent");
    let answer = run.json();
    let query = query_of(&answer);

    // rds-api signs the same request with the same nonce and time: the same URL and parameters.
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(demo::ACCESS_KEY_ID, demo::ACCESS_KEY_SECRET))
        .build()
        .unwrap();
    let request = ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo { db_names: DbNames::Renamed(vec![("sales".into(), "sales_copy".into())]) })
        .build()
        .unwrap();
    let time: SystemTime = humantime::parse_rfc3339(&query["Timestamp"]).unwrap();
    let prepared = client.prepare_at(&request, &query["SignatureNonce"], time).unwrap();
    assert_eq!(answer["Url"], prepared.url());
    assert_eq!(answer["Method"], "POST");
    assert_eq!(&query, prepared.query());
    let headers: BTreeMap<String, String> = answer["Headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(&headers, prepared.headers());
    assert_eq!(answer["Body"], prepared.body());

    // And an independent verifier accepts its signature.
    signature::verify("POST", &query, demo::ACCESS_KEY_SECRET).unwrap();
    assert_eq!(query["DBInfo"], r#"{"DBNames":{"sales":"sales_copy"}}"#);
}

#[test]
fn the_security_token_is_redacted_everywhere() {
    let token = "sts-token-that-must-not-show";
    let run = rds(&[
        "DescribeDBInstances",
        "--RegionId",
        "cn-hangzhou",
        "--endpoint",
        "http://127.0.0.1:9",
        "--access-key-id",
        "STS.id",
        "--access-key-secret",
        "secret-that-must-not-show",
        "--sts-token",
        token,
        "--dryrun",
    ])
    .expect(0);
    assert!(!run.stdout.contains(token) && !run.stderr.contains(token), "{run:#?}");
    assert!(!run.stdout.contains("secret-that-must-not-show"));
    let answer = run.json();
    assert_eq!(answer["Query"]["SecurityToken"], "***");
    assert!(answer["Url"].as_str().unwrap().contains("SecurityToken=***"), "{answer}");
    // Everything else is as signed: the signature still verifies once the token is put back.
    let mut query = query_of(&answer);
    query.insert("SecurityToken".into(), token.into());
    signature::verify("POST", &query, "secret-that-must-not-show").unwrap();
}

#[test]
fn a_dryrun_still_validates_first() {
    let run = rds(&[
        "DescribeDBInstances",
        "--PageSize",
        "0",
        "--dryrun",
        "--access-key-id",
        "a",
        "--access-key-secret",
        "b",
    ])
    .expect(2);
    assert!(
        run.stderr.contains("RegionId: is required") && run.stderr.contains("PageSize: must be at least 1"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}
