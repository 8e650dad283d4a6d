//! Each fault knob, seen from a real client over TCP.

mod common;

use std::time::{Duration, Instant};

use common::{demo_client, demo_emulator, Raw};
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{DescribeDatabasesRequest, Error, ImportDatabaseBetweenInstancesRequest};
use rds_emulator::{demo, Fault, FaultKind};

const IMPORT: &str = "ImportDatabaseBetweenInstances";
const DATABASES: &str = "DescribeDatabases";

fn import_sales() -> ImportDatabaseBetweenInstancesRequest {
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo { db_names: DbNames::Same(vec!["sales".into()]) })
        .build()
        .unwrap()
}

fn list_databases() -> DescribeDatabasesRequest {
    DescribeDatabasesRequest::builder().db_instance_id(demo::SOURCE).build().unwrap()
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.faults().inject(DATABASES, Fault::latency(Duration::from_millis(300)).once());
    let started = Instant::now();
    client.send(&list_databases()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    assert!(emulator.faults().active(DATABASES).is_empty(), "a one-shot fault is used up");
    assert_eq!(emulator.processed(DATABASES), 1);
}

#[tokio::test]
async fn a_forced_error_replaces_processing_until_cleared() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.faults().inject(IMPORT, Fault::error("ServiceUnavailable", 503, "The service is down for a test."));

    for _ in 0..2 {
        let err = client.send(&import_sales()).await.unwrap_err();
        let Error::Service(e) = err else { panic!("{err:?}") };
        assert_eq!(
            (e.code.as_str(), e.status, e.message.as_str()),
            ("ServiceUnavailable", 503, "The service is down for a test.")
        );
        assert!(e.request_id.is_some());
    }
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (2, 0));
    assert_eq!(emulator.state().instance(demo::SOURCE).unwrap().status, "Running");

    emulator.faults().clear(IMPORT);
    client.send(&import_sales()).await.unwrap();
    assert_eq!(emulator.processed(IMPORT), 1);
}

#[tokio::test]
async fn throttling_answers_with_retry_after() {
    let emulator = demo_emulator().await;
    emulator.faults().inject("*", Fault::throttle(Duration::from_millis(1500)).times(2));
    for _ in 0..2 {
        let answer = Raw::new(DATABASES).param("DBInstanceId", demo::SOURCE).send(&emulator.endpoint()).await;
        assert_eq!((answer.status, answer.code()), (400, "Throttling.User"));
        assert_eq!(answer.header("x-acs-retry-after"), Some("1500"));
        assert_eq!(answer.message(), "Request was denied due to user flow control.");
    }
    let answer = Raw::new(DATABASES).param("DBInstanceId", demo::SOURCE).send(&emulator.endpoint()).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("x-acs-retry-after"), None);
    assert_eq!((emulator.requests(DATABASES), emulator.processed(DATABASES)), (3, 1));
}

#[tokio::test]
async fn dropping_before_processing_applies_nothing() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.faults().inject(IMPORT, Fault::drop_before().once());

    let err = client.send(&import_sales()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (1, 0));
    assert_eq!(emulator.state().instance(demo::SOURCE).unwrap().status, "Running");
    assert!(emulator.state().imports.is_empty());

    // The fault was one-shot: re-sending now works, once.
    client.send(&import_sales()).await.unwrap();
    assert_eq!(emulator.processed(IMPORT), 1);
}

#[tokio::test]
async fn dropping_after_processing_applies_the_effect_without_answering() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.faults().inject(IMPORT, Fault::drop_after().once());

    let err = client.send(&import_sales()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (1, 1));
    let state = emulator.state();
    assert_eq!(state.imports.len(), 1);
    assert_eq!(state.instance(demo::SOURCE).unwrap().status, "TransingToOthers");

    // A blind retry is refused by the state the first attempt left: the import is not started twice.
    let retry = client.send(&import_sales()).await.unwrap_err();
    assert_eq!(retry.service_error().map(|e| e.code.as_str()), Some("IncorrectDBInstanceState"));
    assert_eq!(emulator.processed(IMPORT), 1);
}

#[tokio::test]
async fn faults_are_listed_and_cleared() {
    let emulator = demo_emulator().await;
    let faults = emulator.faults();
    faults.inject(IMPORT, Fault::drop_before().times(3));
    faults.inject(DATABASES, Fault::latency(Duration::from_millis(1)));
    assert_eq!(
        faults.active(IMPORT),
        [Fault { kind: FaultKind::DropBeforeProcessing, remaining: Some(3), retry_after: None }]
    );
    faults.clear_all();
    assert!(faults.active(IMPORT).is_empty() && faults.active(DATABASES).is_empty());
    demo_client(&emulator).send(&import_sales()).await.unwrap();
}
