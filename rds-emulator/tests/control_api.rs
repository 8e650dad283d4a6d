//! The control API over real HTTP (what a Python, Go or Java test uses): faults, counters, the clock and the
//! state, driven with plain HTTP requests while a real client sends RPC requests to the same port.

mod common;

use std::time::Duration;

use common::{demo_client, demo_emulator, Raw};
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{DescribeDatabasesRequest, DescribeDbInstanceAttributeRequest, ImportDatabaseBetweenInstancesRequest};
use rds_emulator::{demo, Emulator, Fault, State};
use serde_json::{json, Value};

/// One control request: status, body as JSON, and the `x-acs-request-id` header.
async fn control(endpoint: &str, method: &str, path: &str, body: Option<String>) -> (u16, Value, Option<String>) {
    let http = reqwest::Client::new();
    let mut request =
        http.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), format!("{endpoint}/_emulator{path}"));
    if let Some(body) = body {
        request = request.header("content-type", "application/json").body(body);
    }
    let response = request.send().await.expect("the emulator answers");
    let status = response.status().as_u16();
    let request_id = response.headers().get("x-acs-request-id").map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body, request_id)
}

fn list_databases(instance: &str) -> DescribeDatabasesRequest {
    DescribeDatabasesRequest::builder().db_instance_id(instance).build().unwrap()
}

fn import_sales_as(name: &str) -> ImportDatabaseBetweenInstancesRequest {
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo { db_names: DbNames::Renamed(vec![("sales".into(), name.into())]) })
        .build()
        .unwrap()
}

#[tokio::test]
async fn faults_injected_over_http_change_rpc_answers_until_used_up_or_cleared() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let client = demo_client(&emulator);

    // A code the client does not retry, so each call is one request.
    let fault = json!({"fault": "error", "code": "Forbidden.RAM", "status": 403, "message": "denied", "times": 1});
    let (status, body, _) = control(&endpoint, "POST", "/faults/DescribeDatabases", Some(fault.to_string())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(emulator.faults().active("DescribeDatabases"), [Fault::error("Forbidden.RAM", 403, "denied").once()]);
    let (_, listed, _) = control(&endpoint, "GET", "/faults", None).await;
    assert_eq!(listed["faults"]["DescribeDatabases"][0]["code"], "Forbidden.RAM");
    assert_eq!(listed["faults"]["DescribeDatabases"][0]["times"], 1);

    let err = client.send(&list_databases(demo::SOURCE)).await.unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!((service.code.as_str(), service.status, service.message.as_str()), ("Forbidden.RAM", 403, "denied"));
    client.send(&list_databases(demo::SOURCE)).await.expect("the one-shot fault is used up");

    let (_, counts, _) = control(&endpoint, "GET", "/counters/DescribeDatabases", None).await;
    assert_eq!(counts, json!({"action": "DescribeDatabases", "received": 2, "processed": 1}));
    let (_, all, _) = control(&endpoint, "GET", "/counters", None).await;
    assert_eq!(all["counters"]["DescribeDatabases"], json!({"received": 2, "processed": 1}));

    // A permanent throttle on every Action ("*", percent-encoded or not), then cleared.
    let throttle = json!({"fault": "throttle", "retry_after_ms": 250}).to_string();
    assert_eq!(control(&endpoint, "POST", "/faults/%2A", Some(throttle)).await.0, 200);
    assert_eq!(emulator.faults().active("*"), [Fault::throttle(Duration::from_millis(250))]);
    // (A raw request: the client would retry a throttled one.)
    let answer = Raw::new("DescribeDatabases").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!((answer.code(), answer.header("x-acs-retry-after")), ("Throttling.User", Some("250")));
    assert_eq!(control(&endpoint, "DELETE", "/faults/*", None).await.0, 200);
    client.send(&list_databases(demo::SOURCE)).await.unwrap();

    // Every other kind is accepted, shown back, and cleared at once.
    for fault in [
        json!({"fault": "latency", "ms": 5}),
        json!({"fault": "drop_before"}),
        json!({"fault": "drop_after", "times": 2}),
        json!({"fault": "raw", "status": 502, "content_type": "text/html", "body": "<html>"}),
        json!({"fault": "hang"}),
    ] {
        let (status, body, _) = control(&endpoint, "POST", "/faults/CancelImport", Some(fault.to_string())).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["injected"]["fault"], fault["fault"]);
    }
    assert_eq!(emulator.faults().active("CancelImport").len(), 5);
    assert_eq!(control(&endpoint, "DELETE", "/faults", None).await.0, 200);
    assert!(emulator.faults().all().is_empty());
    assert_eq!(control(&endpoint, "DELETE", "/counters", None).await.0, 200);
    assert_eq!(emulator.requests("DescribeDatabases"), 0);
}

#[tokio::test]
async fn any_error_or_raw_fault_can_carry_retry_after() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let error = json!({"fault": "error", "code": "InternalError", "status": 500, "retry_after_ms": 40, "times": 1});
    let raw = json!({"fault": "raw", "status": 200, "content_type": "application/json",
                     "body": "{\"RequestId\":\"R1\"}", "retry_after_ms": 7});
    for fault in [&error, &raw] {
        let (status, body, _) = control(&endpoint, "POST", "/faults/DescribeDatabases", Some(fault.to_string())).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["injected"]["retry_after_ms"], fault["retry_after_ms"], "shown back: {body}");
    }
    assert_eq!(
        emulator.faults().active("DescribeDatabases")[0],
        Fault::error("InternalError", 500, "").with_retry_after(Duration::from_millis(40)).once()
    );
    let first = Raw::new("DescribeDatabases").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!((first.code(), first.header("x-acs-retry-after")), ("InternalError", Some("40")));
    let second = Raw::new("DescribeDatabases").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(second.header("x-acs-retry-after"), Some("7"));

    let bad = json!({"fault": "error", "code": "X", "status": 500, "retry_after_ms": "soon"}).to_string();
    let (status, body, _) = control(&endpoint, "POST", "/faults/DescribeDatabases", Some(bad)).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn the_clock_moves_over_http_and_finishes_imports() {
    let emulator = demo_emulator().await; // manual clock
    let endpoint = emulator.endpoint();
    let (_, before, _) = control(&endpoint, "GET", "/clock", None).await;
    assert_eq!(before["mode"], "manual");
    assert_eq!(before["advanced_seconds"], 0.0);

    demo_client(&emulator).send(&import_sales_as("sales_copy")).await.unwrap();
    let (status, after, _) = control(&endpoint, "POST", "/clock/advance", Some(r#"{"seconds": 30}"#.into())).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["advanced_seconds"], 30.0);
    assert_ne!(after["now"], before["now"]);

    let (_, state, _) = control(&endpoint, "GET", "/state", None).await;
    let destination = state["accounts"][0]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == demo::DESTINATION)
        .unwrap()
        .clone();
    assert_eq!(destination["status"], "Running");
    assert!(destination["databases"].as_array().unwrap().iter().any(|db| db["name"] == "sales_copy"));

    for bad in [r#"{"seconds": -1}"#, r#"{"minutes": 1}"#, "soon"] {
        let (status, body, request_id) = control(&endpoint, "POST", "/clock/advance", Some(bad.into())).await;
        assert_eq!((status, body["Code"].as_str()), (400, Some("InvalidParameter")), "{bad}");
        assert_eq!(body["RequestId"].as_str(), request_id.as_deref());
    }
}

#[tokio::test]
async fn the_state_is_read_replaced_and_reset_over_http() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let client = demo_client(&emulator);

    let (status, mut state, _) = control(&endpoint, "GET", "/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(serde_json::from_value::<State>(state.clone()).unwrap(), State::demo());
    // Remove the source instance and send the state back.
    state["accounts"][0]["instances"].as_array_mut().unwrap().retain(|i| i["id"] != demo::SOURCE);
    let (status, body, _) = control(&endpoint, "PUT", "/state", Some(state.to_string())).await;
    assert_eq!(status, 200, "{body}");
    assert!(emulator.state().instance(demo::SOURCE).is_none());
    let attribute = DescribeDbInstanceAttributeRequest::builder().db_instance_id(demo::SOURCE).build().unwrap();
    let err = client.send(&attribute).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidDBInstanceId.NotFound");

    // YAML is accepted too; an inconsistent state is refused and changes nothing.
    let yaml = "accounts:\n  - { name: a, access_keys: [{ id: k, secret: s }] }\n  - { name: a }\n";
    let (status, body, request_id) = control(&endpoint, "PUT", "/state", Some(yaml.into())).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("InvalidParameter")));
    assert!(body["Message"].as_str().unwrap().contains("duplicate account name"), "{body}");
    assert_eq!(body["RequestId"].as_str(), request_id.as_deref());
    assert!(emulator.state().instance(demo::DESTINATION).is_some());

    // Reset: the demo state again, faults and counts gone.
    emulator.faults().inject("*", Fault::hang());
    assert_eq!(control(&endpoint, "POST", "/reset", None).await.0, 200);
    assert_eq!(emulator.state(), State::demo());
    assert!(emulator.faults().all().is_empty());
    assert_eq!(emulator.requests("DescribeDBInstanceAttribute"), 0);
    client.send(&attribute).await.unwrap();
}

#[tokio::test]
async fn saving_writes_the_state_file_and_needs_one() {
    let emulator = demo_emulator().await;
    let (status, body, _) = control(&emulator.endpoint(), "POST", "/state/save", None).await;
    assert_eq!((status, body["Code"].as_str()), (409, Some("NoStateFile")));
    assert!(matches!(emulator.save(), Err(rds_emulator::StateError::NoSavePath)));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    let emulator = Emulator::new(State::demo()).save_path(&path).listen("127.0.0.1:0").await.unwrap();
    demo_client(&emulator).send(&import_sales_as("sales_saved")).await.unwrap();
    let (status, body, _) = control(&emulator.endpoint(), "POST", "/state/save", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["saved_to"], path.display().to_string());
    assert_eq!(State::load(&path).unwrap(), emulator.state());
    // The library saves the same way, and resets like the control API.
    emulator.reset();
    assert_eq!(emulator.save().unwrap(), path);
    assert_eq!(State::load(&path).unwrap(), State::demo());
    // Only the file itself is left in the directory (the temporary file was renamed over it).
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["state.yaml"]);
}

#[tokio::test]
async fn control_errors_have_the_service_shape() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    for (method, path, body, status, code) in [
        ("GET", "/nothing-here", None, 404, "InvalidApi.NotFound"),
        ("GET", "", None, 404, "InvalidApi.NotFound"),
        ("PATCH", "/faults", None, 405, "UnsupportedHTTPMethod"),
        ("GET", "/reset", None, 405, "UnsupportedHTTPMethod"),
        ("POST", "/faults/X", Some("not json"), 400, "InvalidParameter"),
        ("POST", "/faults/X", Some(r#"{"fault": "teleport"}"#), 400, "InvalidParameter"),
        ("POST", "/faults/X", Some(r#"{"fault": "error", "code": "E", "status": 99}"#), 400, "InvalidParameter"),
        ("POST", "/faults/X", Some(r#"{"fault": "hang", "times": 0}"#), 400, "InvalidParameter"),
    ] {
        let (got, answer, request_id) = control(&endpoint, method, path, body.map(str::to_owned)).await;
        assert_eq!((got, answer["Code"].as_str()), (status, Some(code)), "{method} {path}: {answer}");
        assert!(request_id.is_some() && answer["RequestId"].as_str() == request_id.as_deref(), "{answer}");
        assert!(answer["Message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert!(emulator.faults().all().is_empty());
}
