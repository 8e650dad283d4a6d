//! rds-api against rds-emulator over loopback: the whole migration, each precondition failure, each protocol
//! error, and the fault knobs, all seen through the typed client (error enums, not strings).

mod emulated;

use std::time::{Duration, SystemTime};

use emulated::{client, emulator, import, renamed};
use rds_api::describe_db_instance_attribute::InstanceStatus;
use rds_api::import_database_between_instances::DbNames;
use rds_api::{
    Client, CommonError, Credentials, DescribeDatabasesRequest, DescribeDbInstanceAttributeRequest, Error,
    ImportDatabaseBetweenInstancesError as ImportError, ImportDatabaseBetweenInstancesRequest as Import, RetryPolicy,
};
use rds_emulator::{demo, Emulator, Fault, State};

const IMPORT: &str = "ImportDatabaseBetweenInstances";

async fn status(client: &Client, id: &str) -> InstanceStatus {
    let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id(id).build().unwrap();
    let response = client.send(&request).await.unwrap();
    response.instances[0].db_instance_status.clone().expect("a status")
}

async fn databases(client: &Client, id: &str) -> Vec<String> {
    let request = DescribeDatabasesRequest::builder().db_instance_id(id).build().unwrap();
    client.send(&request).await.unwrap().databases.into_iter().map(|d| d.db_name).collect()
}

#[tokio::test]
async fn the_whole_migration() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    assert_eq!(databases(&client, demo::DESTINATION).await, ["archive"]);

    let started = client
        .send(&import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy"), ("inventory", "inventory")])))
        .await
        .unwrap();

    assert!(started.import_id.parse::<u64>().is_ok(), "{}", started.import_id);
    assert_eq!(status(&client, demo::SOURCE).await, InstanceStatus::TransingToOthers);
    assert_eq!(status(&client, demo::DESTINATION).await, InstanceStatus::ImportingFromOthers);
    emulator.advance(Duration::from_secs(29));
    assert_eq!(status(&client, demo::DESTINATION).await, InstanceStatus::ImportingFromOthers);

    emulator.advance(Duration::from_secs(2));

    assert_eq!(status(&client, demo::SOURCE).await, InstanceStatus::Running);
    assert_eq!(status(&client, demo::DESTINATION).await, InstanceStatus::Running);
    assert_eq!(databases(&client, demo::DESTINATION).await, ["archive", "sales_copy", "inventory"]);
    assert_eq!(databases(&client, demo::SOURCE).await, ["sales", "inventory"], "the source keeps its databases");
    assert_eq!(emulator.processed(IMPORT), 1);
}

#[tokio::test]
async fn each_precondition_has_its_own_error() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let sales = || DbNames::Same(vec!["sales".into()]);
    let cases = [
        (demo::DESTINATION, demo::STOPPED, sales(), ImportError::IncorrectDbInstanceState),
        (demo::DESTINATION, demo::MYSQL, sales(), ImportError::IncorrectDbInstanceType),
        (demo::DESTINATION, demo::SHARED, sales(), ImportError::IncorrectDbInstanceType),
        (demo::DESTINATION, demo::SQLSERVER_2017_EE, sales(), ImportError::IncorrectEngineVersion),
        (demo::DESTINATION, demo::LOCKED, sales(), ImportError::IncorrectDbInstanceLockMode),
        (demo::FULL, demo::SOURCE, sales(), ImportError::InsufficientStorage),
        (demo::DESTINATION, demo::BUSY_DB, sales(), ImportError::InvalidDbNameNotFound),
        (demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["nope".into()]), ImportError::InvalidDbNameNotFound),
        (demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "archive")]), ImportError::InvalidDbNameDuplicate),
        (demo::DESTINATION, demo::OTHER_INSTANCE, sales(), ImportError::InvalidDbInstanceIdNotFound),
        (demo::DESTINATION, "rm-does-not-exist", sales(), ImportError::InvalidDbInstanceIdNotFound),
    ];
    for (destination, source, names, expected) in cases {
        let err = client.send(&import(destination, source, names)).await.unwrap_err();
        assert_eq!(err.kind(), Some(&expected), "{source} -> {destination}: {err}");
        assert!(err.request_id().is_some());
        assert_eq!(err.status(), expected.documented_status(), "{expected:?}");
    }
    assert_eq!(emulator.processed(IMPORT), 0, "no refused import changed anything");
    assert_eq!(status(&client, demo::SOURCE).await, InstanceStatus::Running);
}

#[tokio::test]
async fn protocol_errors_are_typed() {
    let emulator = emulator().await;
    let request = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));

    let wrong_secret = client(&emulator, Credentials::new(demo::ACCESS_KEY_ID, "not-the-secret"));
    let err = wrong_secret.send(&request).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Common(CommonError::SignatureDoesNotMatch)));
    assert!(err.service_error().unwrap().message.contains("server string to sign is:"), "{err}");

    let unknown = client(&emulator, Credentials::new("nobody", "x"));
    let err = unknown.send(&request).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Common(CommonError::InvalidAccessKeyIdNotFound)));

    let demo_client = client(&emulator, emulator.demo_credentials());
    let stale =
        demo_client.prepare_at(&request, "stale-nonce", SystemTime::now() - Duration::from_secs(20 * 60)).unwrap();
    let err = demo_client.send_prepared::<Import>(&stale).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Common(CommonError::InvalidTimeStampExpired)));

    let describe = DescribeDatabasesRequest::builder().db_instance_id(demo::SOURCE).build().unwrap();
    let once = demo_client.prepare(&describe).unwrap();
    demo_client.send_prepared::<DescribeDatabasesRequest>(&once).await.unwrap();
    let err = demo_client.send_prepared::<DescribeDatabasesRequest>(&once).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.service_error().unwrap().code, "SignatureNonceUsed");

    let sts = client(&emulator, emulator.sts_credentials(demo::ACCOUNT).expect("the demo account has STS credentials"));
    assert_eq!(databases(&sts, demo::SOURCE).await, ["sales", "inventory"]);
    assert_eq!(emulator.processed(IMPORT), 0);
}

/// Each fault as one attempt sees it (retries are off here; `fault_matrix.rs` covers them).
#[tokio::test]
async fn faults_as_the_client_sees_them() {
    let emulator = emulator().await;
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator.demo_credentials())
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let request = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));

    emulator.faults().inject(IMPORT, Fault::error("InternalError", 500, "injected").once());
    let err = client.send(&request).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Common(CommonError::InternalError)));
    assert_eq!(err.status(), Some(500));

    emulator.faults().inject(IMPORT, Fault::throttle(Duration::from_millis(1500)).once());
    let err = client.send(&request).await.unwrap_err();
    assert_eq!(err.kind(), Some(&ImportError::Common(CommonError::ThrottlingUser)));

    emulator.faults().inject(IMPORT, Fault::drop_before().once());
    let err = client.send(&request).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(emulator.processed(IMPORT), 0, "dropped before processing: nothing applied");

    emulator.faults().inject(IMPORT, Fault::drop_after().once());
    let err = client.send(&request).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(emulator.processed(IMPORT), 1, "dropped after processing: applied once, answer lost");
    assert_eq!(status(&client, demo::DESTINATION).await, InstanceStatus::ImportingFromOthers);

    let impatient = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator.demo_credentials())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    emulator.faults().inject("DescribeDatabases", Fault::latency(Duration::from_secs(2)).once());
    let describe = DescribeDatabasesRequest::builder().db_instance_id(demo::SOURCE).build().unwrap();
    match impatient.send(&describe).await.unwrap_err() {
        Error::Transport(e) => assert!(e.is_timeout(), "{e}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

/// The generated paginator over the emulator's DescribeDBInstances: 250 instances (and the demo ones),
/// every one exactly once, by number and by token.
#[tokio::test]
async fn the_paginator_yields_every_instance_once_in_both_styles() {
    use std::collections::BTreeSet;

    use futures_util::TryStreamExt;
    use rds_api::DescribeDbInstancesRequest;
    use rds_emulator::Instance;

    let mut state = State::demo();
    let account = state.accounts.iter_mut().find(|a| a.name == demo::ACCOUNT).expect("the demo account");
    account.instances.extend((0..250).map(|i| Instance::sql_server(format!("rm-bulk-{i:03}"))));
    let expected: BTreeSet<String> = account.instances.iter().map(|i| i.id.clone()).collect();
    let emulator = Emulator::start(state).await.unwrap();
    let client = client(&emulator, emulator.demo_credentials());

    let by_number = DescribeDbInstancesRequest::builder().region_id(demo::REGION).page_size(40).build().unwrap();
    let by_token = DescribeDbInstancesRequest::builder().region_id(demo::REGION).max_results(40).build().unwrap();
    for (style, first) in [("number", by_number), ("token", by_token)] {
        let before = emulator.requests("DescribeDBInstances");
        let ids: Vec<String> = client.items(first).map_ok(|i| i.db_instance_id).try_collect().await.unwrap();
        let unique: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(ids.len(), unique.len(), "{style}: an instance came twice");
        assert_eq!(unique, expected, "{style}: every visible instance, and only those");
        let pages = emulator.requests("DescribeDBInstances") - before;
        assert_eq!(pages, expected.len().div_ceil(40), "{style}: one request per page, none after the last");
    }
}

/// CancelImport stops a running import: both instances are Running again and nothing arrived.
#[tokio::test]
async fn cancel_import_stops_a_running_import() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let started =
        client.send(&import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy")]))).await.unwrap();
    assert_eq!(status(&client, demo::DESTINATION).await, InstanceStatus::ImportingFromOthers);

    let request = import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy")]));
    let cancel = rds_api::workflow::cancel_request(&request, &started).expect("the ImportId is an int32");
    assert_eq!(cancel.import_id.to_string(), started.import_id);
    assert_eq!(cancel.db_instance_id, demo::DESTINATION);
    client.send(&cancel).await.unwrap();

    assert_eq!(status(&client, demo::SOURCE).await, InstanceStatus::Running);
    assert_eq!(status(&client, demo::DESTINATION).await, InstanceStatus::Running);
    emulator.advance(Duration::from_secs(60));
    assert_eq!(databases(&client, demo::DESTINATION).await, ["archive"], "a cancelled import leaves nothing");
    let err = client.send(&cancel).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidImportId.NotFound");
}
