//! State files: written as YAML, loaded back equal, served; and the README's example loads.

mod common;

use std::time::Duration;

use common::demo_client;
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{DescribeDbInstanceAttributeRequest, ImportDatabaseBetweenInstancesRequest};
use rds_emulator::{demo, Emulator, ImportStatus, State};

#[tokio::test]
async fn a_state_with_an_import_in_progress_survives_a_round_trip() {
    let emulator = Emulator::start(State::demo()).await.unwrap();
    let request = ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo { db_names: DbNames::Renamed(vec![("sales".into(), "sales_2".into())]) })
        .build()
        .unwrap();
    demo_client(&emulator).send(&request).await.unwrap();
    let snapshot = emulator.state();
    emulator.shutdown().await;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    snapshot.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("status: ImportingFromOthers"), "{text}");
    let loaded = State::load(&path).unwrap();
    assert_eq!(loaded, snapshot);

    // A new emulator picks up where the old one stopped: the import is still running, and finishes.
    let emulator = Emulator::start(loaded).await.unwrap();
    let client = demo_client(&emulator);
    let attribute = DescribeDbInstanceAttributeRequest::builder().db_instance_id(demo::DESTINATION).build().unwrap();
    let status = |r: rds_api::DescribeDbInstanceAttributeResponse| {
        r.instances[0].db_instance_status.clone().unwrap().to_string()
    };
    assert_eq!(status(client.send(&attribute).await.unwrap()), "ImportingFromOthers");
    emulator.advance(Duration::from_secs(30));
    assert_eq!(status(client.send(&attribute).await.unwrap()), "Running");
    let state = emulator.state();
    assert_eq!(state.imports[0].status, ImportStatus::Success);
    assert!(state.instance(demo::DESTINATION).unwrap().database("sales_2").is_some());
}

#[test]
fn the_readme_example_state_loads() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```yaml\n").expect("a yaml block in the README") + "```yaml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let state = State::from_yaml(&readme[start..end]).unwrap();
    assert_eq!(state.settings.migration_seconds, Some(10));
    let account = state.account("team").unwrap();
    assert!(account.sts_credentials[0].expiration.is_some());
    let instance = account.instance("rm-team-source").unwrap();
    assert_eq!(instance.databases.len(), 2);
    assert_eq!(instance.lock_mode, "Unlock");
    // The plain password of the example is hashed as it loads, and never written back.
    let app = instance.account("orders_app").unwrap();
    assert!(app.password.matches("Orders!2024"));
    assert_eq!(app.privileges[0].database, "orders");
    let yaml = state.to_yaml().unwrap();
    assert!(yaml.contains("password: sha256:") && !yaml.contains("Orders!2024"), "{yaml}");
}

#[test]
fn broken_state_files_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    std::fs::write(&path, "accounts:\n  - name: a\n    instances: [{ id: rm-1, engine: SQLServer }]\n").unwrap();
    let err = State::load(&path).unwrap_err().to_string();
    assert!(err.contains("engine_version"), "{err}");
    let err = State::load(dir.path().join("missing.yaml")).unwrap_err().to_string();
    assert!(err.contains("missing.yaml"), "{err}");
}
