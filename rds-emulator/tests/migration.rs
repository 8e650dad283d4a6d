//! ImportDatabaseBetweenInstances against the demo state: each precondition with its code, the whole
//! migration on the manual clock, and what each account can see.

mod common;

use std::time::Duration;

use common::{client, demo_client, demo_emulator};
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{
    Client, Credentials, DescribeDatabasesRequest, DescribeDbInstanceAttributeRequest, DescribeResourceUsageRequest,
    Error, ImportDatabaseBetweenInstancesRequest,
};
use rds_emulator::{demo, Emulator, ImportStatus, State};

const IMPORT: &str = "ImportDatabaseBetweenInstances";
const GIB: i64 = 1 << 30;

fn import(destination: &str, source: &str, names: DbNames) -> ImportDatabaseBetweenInstancesRequest {
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(destination)
        .source_db_instance_id(source)
        .db_info(DbInfo { db_names: names })
        .build()
        .unwrap()
}

fn same(names: &[&str]) -> DbNames {
    DbNames::Same(names.iter().map(|n| n.to_string()).collect())
}

fn renamed(pairs: &[(&str, &str)]) -> DbNames {
    DbNames::Renamed(pairs.iter().map(|(s, d)| (s.to_string(), d.to_string())).collect())
}

/// The code and status of a service error.
fn code<E>(err: &Error<E>) -> Option<(String, u16)> {
    err.service_error().map(|e| (e.code.clone(), e.status))
}

/// The code and status of a refused import.
async fn refused(client: &Client, request: &ImportDatabaseBetweenInstancesRequest) -> (String, u16) {
    match client.send(request).await {
        Err(Error::Service(e)) => (e.code, e.status),
        other => panic!("expected a service error, got {other:?}"),
    }
}

async fn status(client: &Client, id: &str) -> String {
    let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id(id).build().unwrap();
    let response = client.send(&request).await.unwrap();
    response.instances[0].db_instance_status.as_ref().unwrap().to_string()
}

async fn databases(client: &Client, id: &str) -> Vec<(String, String)> {
    let request = DescribeDatabasesRequest::builder().db_instance_id(id).build().unwrap();
    let response = client.send(&request).await.unwrap();
    response.databases.iter().map(|db| (db.db_name.clone(), db.db_status.as_ref().unwrap().to_string())).collect()
}

#[tokio::test]
async fn each_precondition_fails_with_its_own_code() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let before = emulator.state();
    let cases = [
        (demo::DESTINATION, "rm-does-not-exist", same(&["sales"]), "InvalidDBInstanceId.NotFound", 404),
        ("rm-does-not-exist", demo::SOURCE, same(&["sales"]), "InvalidDBInstanceId.NotFound", 404),
        (demo::DESTINATION, demo::OTHER_INSTANCE, same(&["sales"]), "InvalidDBInstanceId.NotFound", 404),
        (demo::DESTINATION, demo::STOPPED, same(&["sales"]), "IncorrectDBInstanceState", 403),
        (demo::STOPPED, demo::SOURCE, same(&["sales"]), "IncorrectDBInstanceState", 403),
        (demo::DESTINATION, demo::MYSQL, same(&["sales"]), "IncorrectDBInstanceType", 400),
        (demo::DESTINATION, demo::SHARED, same(&["sales"]), "IncorrectDBInstanceType", 400),
        (demo::SHARED, demo::SOURCE, same(&["sales"]), "IncorrectDBInstanceType", 400),
        (demo::DESTINATION, demo::SQLSERVER_2017_EE, same(&["sales"]), "IncorrectEngineVersion", 400),
        (demo::DESTINATION, demo::LOCKED, same(&["sales"]), "IncorrectDBInstanceLockMode", 403),
        (demo::LOCKED, demo::SOURCE, same(&["sales"]), "IncorrectDBInstanceLockMode", 403),
        (demo::DESTINATION, demo::SOURCE, same(&["nope"]), "InvalidDBName.NotFound", 404),
        (demo::DESTINATION, demo::BUSY_DB, same(&["sales"]), "InvalidDBName.NotFound", 404),
        (demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "archive")]), "InvalidDBName.Duplicate", 400),
        (demo::FULL, demo::SOURCE, same(&["sales"]), "InsufficientStorage", 400),
    ];
    for (destination, source, names, code, http) in cases {
        let request = import(destination, source, names);
        assert_eq!(refused(&client, &request).await, (code.to_owned(), http), "{destination} <- {source}");
    }
    // Nothing was applied.
    assert_eq!(emulator.processed(IMPORT), 0);
    assert_eq!(emulator.requests(IMPORT), 15);
    assert_eq!(emulator.state(), before);
}

#[tokio::test]
async fn known_codes_map_to_the_typed_enum() {
    use rds_api::ImportDatabaseBetweenInstancesError as E;
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    for (source, kind) in [
        (demo::STOPPED, E::IncorrectDbInstanceState),
        (demo::MYSQL, E::IncorrectDbInstanceType),
        (demo::SQLSERVER_2017_EE, E::IncorrectEngineVersion),
        (demo::BUSY_DB, E::InvalidDbNameNotFound),
    ] {
        let err = client.send(&import(demo::DESTINATION, source, same(&["sales"]))).await.unwrap_err();
        assert_eq!(err.kind(), Some(&kind), "{source}");
    }
}

#[tokio::test]
async fn a_migration_runs_on_the_manual_clock() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    let request =
        import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy"), ("inventory", "inventory")]));

    let response = client.send(&request).await.unwrap();
    let import_id: u64 = response.import_id.parse().expect("ImportId is an integer");
    assert_eq!(status(&client, demo::SOURCE).await, "TransingToOthers");
    assert_eq!(status(&client, demo::DESTINATION).await, "ImportingFromOthers");

    // Both instances are busy: a second import is refused, and nothing is applied twice.
    assert_eq!(refused(&client, &request).await, ("IncorrectDBInstanceState".to_owned(), 403));
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (2, 1));

    emulator.advance(Duration::from_secs(29));
    assert_eq!(status(&client, demo::DESTINATION).await, "ImportingFromOthers");
    assert_eq!(emulator.state().import(import_id).unwrap().status, ImportStatus::Running);

    emulator.advance(Duration::from_secs(1));
    assert_eq!(status(&client, demo::SOURCE).await, "Running");
    assert_eq!(status(&client, demo::DESTINATION).await, "Running");
    let on_destination = databases(&client, demo::DESTINATION).await;
    assert_eq!(
        on_destination,
        [("archive", "Running"), ("sales_copy", "Running"), ("inventory", "Running")]
            .map(|(n, s)| (n.to_owned(), s.to_owned()))
    );
    // The source keeps its databases.
    assert_eq!(databases(&client, demo::SOURCE).await.len(), 2);

    let usage = |id: &str| DescribeResourceUsageRequest::builder().db_instance_id(id).build().unwrap();
    let destination = client.send(&usage(demo::DESTINATION)).await.unwrap();
    assert_eq!(destination.disk_used, Some(9 * GIB));
    assert_eq!(destination.data_size, Some(9 * GIB));
    let source = client.send(&usage(demo::SOURCE)).await.unwrap();
    assert_eq!(source.disk_used, Some(8 * GIB));

    let state = emulator.state();
    let record = state.import(import_id).unwrap();
    assert_eq!(record.status, ImportStatus::Success);
    assert_eq!((record.source.as_str(), record.destination.as_str()), (demo::SOURCE, demo::DESTINATION));
    let copied = state.instance(demo::DESTINATION).unwrap().database("sales_copy").unwrap();
    assert_eq!(copied.size_bytes, 5 * GIB);
}

#[tokio::test]
async fn same_names_and_the_configured_duration() {
    let mut state = State::demo();
    state.settings.migration_seconds = Some(600);
    let emulator = Emulator::start(state).await.unwrap();
    let client = demo_client(&emulator);
    let first = client.send(&import(demo::DESTINATION, demo::SOURCE, same(&["inventory"]))).await.unwrap();

    emulator.advance(Duration::from_secs(599));
    assert_eq!(status(&client, demo::DESTINATION).await, "ImportingFromOthers");
    emulator.advance(Duration::from_secs(1));
    let names: Vec<String> = databases(&client, demo::DESTINATION).await.into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["archive", "inventory"]);

    // ImportIds are integers, one per import.
    let second = client.send(&import(demo::DESTINATION, demo::SOURCE, same(&["sales"]))).await.unwrap();
    let (first, second): (u64, u64) = (first.import_id.parse().unwrap(), second.import_id.parse().unwrap());
    assert_eq!(second, first + 1);
}

#[tokio::test]
async fn another_accounts_instances_are_invisible() {
    let emulator = demo_emulator().await;
    let demo_client = demo_client(&emulator);
    let other = client(&emulator, Credentials::new(demo::OTHER_ACCESS_KEY_ID, demo::OTHER_ACCESS_KEY_SECRET));

    let attribute = |id: &str| DescribeDbInstanceAttributeRequest::builder().db_instance_id(id).build().unwrap();
    let dbs = |id: &str| DescribeDatabasesRequest::builder().db_instance_id(id).build().unwrap();
    let usage = |id: &str| DescribeResourceUsageRequest::builder().db_instance_id(id).build().unwrap();

    other.send(&attribute(demo::OTHER_INSTANCE)).await.unwrap();
    for (client, id) in [(&demo_client, demo::OTHER_INSTANCE), (&other, demo::SOURCE)] {
        let expected = Some(("InvalidDBInstanceId.NotFound".to_owned(), 404));
        assert_eq!(code(&client.send(&attribute(id)).await.unwrap_err()), expected, "{id}");
        assert_eq!(code(&client.send(&dbs(id)).await.unwrap_err()), expected, "{id}");
        assert_eq!(code(&client.send(&usage(id)).await.unwrap_err()), expected, "{id}");
    }
    // Exactly as absent as an instance that does not exist: same code, status and message shape.
    let missing = demo_client.send(&attribute("rm-missing")).await.unwrap_err();
    let hidden = demo_client.send(&attribute(demo::OTHER_INSTANCE)).await.unwrap_err();
    let message = |e: &Error<_>, id: &str| e.service_error().unwrap().message.replace(id, "ID");
    assert_eq!(message(&missing, "rm-missing"), message(&hidden, demo::OTHER_INSTANCE));
}

#[tokio::test]
async fn describe_operations_report_the_state() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);

    let request =
        DescribeDbInstanceAttributeRequest::builder().db_instance_id(demo::SQLSERVER_2017_EE).build().unwrap();
    let response = client.send(&request).await.unwrap();
    let attribute = &response.instances[0];
    assert_eq!(attribute.engine_version.as_deref(), Some("2017_ent"));
    assert_eq!(attribute.category.as_deref(), Some("AlwaysOn"));
    assert_eq!(attribute.db_instance_storage, Some(100));
    assert_eq!(attribute.db_instance_disk_used.as_deref(), Some(GIB.to_string().as_str()));
    assert_eq!(attribute.region_id.as_deref(), Some(demo::REGION));
    assert_eq!(attribute.db_instance_type.as_deref(), Some("Primary"));

    let filtered = |name: Option<&str>, status: Option<&str>| {
        let mut builder = DescribeDatabasesRequest::builder().db_instance_id(demo::BUSY_DB);
        if let Some(name) = name {
            builder = builder.db_name(name);
        }
        if let Some(status) = status {
            builder = builder.db_status(status);
        }
        builder.build().unwrap()
    };
    let names = |r: rds_api::DescribeDatabasesResponse| r.databases.into_iter().map(|d| d.db_name).collect::<Vec<_>>();
    assert_eq!(names(client.send(&filtered(None, None)).await.unwrap()), ["sales", "inventory"]);
    assert_eq!(names(client.send(&filtered(None, Some("Creating"))).await.unwrap()), ["sales"]);
    assert_eq!(names(client.send(&filtered(Some("inventory"), None)).await.unwrap()), ["inventory"]);
    assert_eq!(names(client.send(&filtered(Some("sales,inventory"), Some("Running"))).await.unwrap()), ["inventory"]);
    assert!(names(client.send(&filtered(Some("nope"), None)).await.unwrap()).is_empty());

    let page =
        DescribeDatabasesRequest::builder().db_instance_id(demo::SOURCE).page_size(1).page_number(2).build().unwrap();
    let response = client.send(&page).await.unwrap();
    assert_eq!(response.databases.len(), 1);
    assert_eq!(response.databases[0].db_name, "inventory");
    assert_eq!(response.databases[0].total_count, Some(2));
}
