//! CancelImport: stopping a running import (states, databases, storage, counts), and each refusal with its
//! code.

mod common;

use std::time::Duration;

use common::{demo_client, demo_emulator, Raw};
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{
    CancelImportError, CancelImportRequest, Client, Credentials, Error, ImportDatabaseBetweenInstancesRequest,
};
use rds_emulator::{demo, Fault, ImportStatus};

const CANCEL: &str = "CancelImport";

fn import(destination: &str, source: &str) -> ImportDatabaseBetweenInstancesRequest {
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(destination)
        .source_db_instance_id(source)
        .db_info(DbInfo { db_names: DbNames::Renamed(vec![("sales".into(), "sales_copy".into())]) })
        .build()
        .unwrap()
}

fn cancel(instance: &str, import_id: i32) -> CancelImportRequest {
    CancelImportRequest::builder().db_instance_id(instance).import_id(import_id).build().unwrap()
}

/// Starts the demo import (source -> destination, `sales` as `sales_copy`) and returns its ImportId.
async fn start(client: &Client) -> i32 {
    let response = client.send(&import(demo::DESTINATION, demo::SOURCE)).await.unwrap();
    response.import_id.parse().expect("ImportId is an int32")
}

/// The code and status of a refused CancelImport, and its typed kind.
async fn refused(client: &Client, request: &CancelImportRequest) -> (String, u16, CancelImportError) {
    match client.send(request).await {
        Err(err @ Error::Service(_)) => {
            let service = err.service_error().unwrap();
            (service.code.clone(), service.status, err.kind().unwrap().clone())
        }
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn not_found() -> (String, u16, CancelImportError) {
    ("InvalidImportId.NotFound".into(), 404, CancelImportError::InvalidImportIdNotFound)
}

#[tokio::test]
async fn cancelling_a_running_import() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let before = emulator.state();
    let import_id = start(&client).await;
    emulator.advance(Duration::from_secs(10));
    assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "ImportingFromOthers");

    let response = client.send(&cancel(demo::DESTINATION, import_id)).await.unwrap();
    assert!(!response.request_id.is_empty());
    assert_eq!(emulator.processed(CANCEL), 1);

    // Both instances are Running at once, and the destination got nothing.
    let state = emulator.state();
    for id in [demo::SOURCE, demo::DESTINATION] {
        assert_eq!(state.instance(id).unwrap(), before.instance(id).unwrap(), "{id}");
    }
    let record = state.import(u64::try_from(import_id).unwrap()).unwrap();
    assert_eq!(record.status, ImportStatus::Cancelled);

    // When the import would have ended, nothing arrives either.
    emulator.advance(Duration::from_secs(60));
    let state = emulator.state();
    assert!(state.instance(demo::DESTINATION).unwrap().database("sales_copy").is_none());
    assert_eq!(
        state.instance(demo::DESTINATION).unwrap().used_bytes,
        before.instance(demo::DESTINATION).unwrap().used_bytes
    );
    assert_eq!(state.import(u64::try_from(import_id).unwrap()).unwrap().status, ImportStatus::Cancelled);

    // The instances can take a new import straight away, and it runs to its end.
    let again = start(&client).await;
    assert_eq!(again, import_id + 1);
    emulator.advance(Duration::from_secs(30));
    assert!(emulator.state().instance(demo::DESTINATION).unwrap().database("sales_copy").is_some());
}

#[tokio::test]
async fn the_source_instance_may_name_the_import_too() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let import_id = start(&client).await;
    client.send(&cancel(demo::SOURCE, import_id)).await.unwrap();
    let state = emulator.state();
    assert_eq!(state.instance(demo::SOURCE).unwrap().status, "Running");
    assert_eq!(state.instance(demo::DESTINATION).unwrap().status, "Running");
}

#[tokio::test]
async fn only_a_running_import_of_the_instance_can_be_cancelled() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let import_id = start(&client).await;

    // Unknown, or of an instance not part of it.
    assert_eq!(refused(&client, &cancel(demo::DESTINATION, import_id + 1)).await, not_found());
    assert_eq!(refused(&client, &cancel(demo::DESTINATION, 1)).await, not_found());
    assert_eq!(refused(&client, &cancel(demo::LOCKED, import_id)).await, not_found());
    assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "ImportingFromOthers");

    // Cancelled already: a second cancel finds no running import.
    client.send(&cancel(demo::DESTINATION, import_id)).await.unwrap();
    assert_eq!(refused(&client, &cancel(demo::DESTINATION, import_id)).await, not_found());

    // Finished: the end is due at start + 30 s, and every request first finishes what is due.
    let finished = start(&client).await;
    emulator.advance(Duration::from_secs(30));
    assert_eq!(refused(&client, &cancel(demo::DESTINATION, finished)).await, not_found());
    let state = emulator.state();
    assert_eq!(state.import(u64::try_from(finished).unwrap()).unwrap().status, ImportStatus::Success);
    assert!(state.instance(demo::DESTINATION).unwrap().database("sales_copy").is_some());

    assert_eq!((emulator.requests(CANCEL), emulator.processed(CANCEL)), (6, 1));
}

#[tokio::test]
async fn instances_and_versions() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let import_id = start(&client).await;
    let instance_not_found =
        ("InvalidDBInstanceId.NotFound".to_owned(), 404, CancelImportError::InvalidDbInstanceIdNotFound);

    assert_eq!(refused(&client, &cancel("rm-missing", import_id)).await, instance_not_found);
    assert_eq!(refused(&client, &cancel(demo::OTHER_INSTANCE, import_id)).await, instance_not_found);
    // Another account cannot cancel the demo account's import, through its instances or its own.
    let other = common::client(&emulator, Credentials::new(demo::OTHER_ACCESS_KEY_ID, demo::OTHER_ACCESS_KEY_SECRET));
    assert_eq!(refused(&other, &cancel(demo::DESTINATION, import_id)).await, instance_not_found);
    assert_eq!(refused(&other, &cancel(demo::OTHER_INSTANCE, import_id)).await, not_found());

    // SQL Server 2017 Enterprise Cluster Edition does not support it, whatever the ImportId.
    let (code, status, kind) = refused(&client, &cancel(demo::SQLSERVER_2017_EE, import_id)).await;
    assert_eq!(
        (code.as_str(), status, kind),
        ("IncorrectEngineVersion", 400, CancelImportError::IncorrectEngineVersion)
    );

    assert_eq!(emulator.processed(CANCEL), 0);
    assert_eq!(emulator.state().instance(demo::SOURCE).unwrap().status, "TransingToOthers");
}

#[tokio::test]
async fn parameters_are_validated_by_the_specs() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let missing = Raw::new(CANCEL).param("DBInstanceId", demo::DESTINATION).send(&endpoint).await;
    assert_eq!((missing.status, missing.code()), (400, "MissingParameter"));
    assert!(missing.message().contains("ImportId"), "{}", missing.message());
    for bad in ["abc", "0", "-5", "99999999999"] {
        let answer =
            Raw::new(CANCEL).param("DBInstanceId", demo::DESTINATION).param("ImportId", bad).send(&endpoint).await;
        assert_eq!((answer.status, answer.code()), (400, "InvalidParameter"), "{bad}");
    }
    // The ImportId ImportDatabaseBetweenInstances returns (a string) is accepted as it is.
    let client = demo_client(&emulator);
    let import_id = client.send(&import(demo::DESTINATION, demo::SOURCE)).await.unwrap().import_id;
    let answer =
        Raw::new(CANCEL).param("DBInstanceId", demo::DESTINATION).param("ImportId", &import_id).send(&endpoint).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let keys: Vec<&String> = answer.body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["RequestId"]);
}

#[tokio::test]
async fn a_cancel_whose_answer_is_lost_was_applied_once() {
    let emulator = demo_emulator().await;
    // One attempt per call: the client would otherwise retry the lost answer itself (CancelImport is
    // idempotent) and report the second answer, `InvalidImportId.NotFound`.
    let client = rds_api::Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator.demo_credentials())
        .retry(rds_api::RetryPolicy::disabled())
        .build()
        .unwrap();
    let import_id = start(&client).await;

    emulator.faults().inject(CANCEL, Fault::drop_after().once());
    assert!(matches!(client.send(&cancel(demo::DESTINATION, import_id)).await, Err(Error::Transport(_))));
    assert_eq!(emulator.processed(CANCEL), 1);
    assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "Running");

    // Sending it again finds no running import: the first one was applied.
    assert_eq!(refused(&client, &cancel(demo::DESTINATION, import_id)).await, not_found());
    assert_eq!(emulator.processed(CANCEL), 1);
}
