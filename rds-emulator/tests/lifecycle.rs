//! Starting, stopping and clocks: graceful shutdown, stop on drop, a real clock.

mod common;

use std::time::{Duration, SystemTime};

use common::demo_client;
use rds_api::{DescribeDatabasesRequest, Error};
use rds_emulator::{demo, ClockMode, Emulator, Fault, State};

fn list_databases() -> DescribeDatabasesRequest {
    DescribeDatabasesRequest::builder().db_instance_id(demo::SOURCE).build().unwrap()
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish() {
    let emulator = Emulator::bind("127.0.0.1:0", State::demo()).await.unwrap();
    emulator.faults().inject("DescribeDatabases", Fault::latency(Duration::from_millis(300)).once());
    let client = demo_client(&emulator);
    let in_flight = tokio::spawn(async move { client.send(&list_databases()).await });
    // Let the request arrive and start waiting out its latency.
    while emulator.requests("DescribeDatabases") == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let addr = emulator.addr();
    emulator.shutdown().await;
    assert!(in_flight.await.unwrap().is_ok(), "the request in flight was answered");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn dropping_the_handle_stops_the_server() {
    let emulator = Emulator::start(State::demo()).await.unwrap();
    let client = demo_client(&emulator);
    client.send(&list_databases()).await.unwrap();
    let addr = emulator.addr();
    drop(emulator);
    // Dropping aborts the server task; the runtime drops the listener and connections moments later.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while tokio::net::TcpStream::connect(addr).await.is_ok() {
        assert!(tokio::time::Instant::now() < deadline, "still listening after drop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = client.send(&list_databases()).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn the_manual_clock_starts_at_the_real_time_and_moves_only_when_advanced() {
    let before = SystemTime::now();
    let emulator = Emulator::start(State::demo()).await.unwrap();
    let start = emulator.clock().now();
    assert!(start >= before && start <= SystemTime::now());
    assert_eq!(emulator.clock().mode(), ClockMode::Manual);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(emulator.clock().now(), start);
    emulator.advance(Duration::from_secs(90));
    assert_eq!(emulator.clock().now(), start + Duration::from_secs(90));
}

#[tokio::test]
async fn a_real_clock_finishes_imports_without_advancing() {
    let mut state = State::demo();
    state.settings.migration_seconds = Some(0);
    let emulator = Emulator::new(state).clock_mode(ClockMode::Real).listen("127.0.0.1:0").await.unwrap();
    let request = rds_api::ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(rds_api::import_database_between_instances::DbInfo {
            db_names: rds_api::import_database_between_instances::DbNames::Same(vec!["sales".into()]),
        })
        .build()
        .unwrap();
    demo_client(&emulator).send(&request).await.unwrap();
    let destination = emulator.state().instance(demo::DESTINATION).unwrap().clone();
    assert_eq!(destination.status, "Running");
    assert!(destination.database("sales").is_some());
}

#[tokio::test]
async fn an_inconsistent_state_is_refused_at_start() {
    let mut state = State::demo();
    let copy = state.accounts[0].instances[0].clone();
    state.accounts[1].instances.push(copy);
    let err = Emulator::start(state).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("duplicate instance ID"), "{err}");
}
