//! A whole migration through `rds migrate`, and the same through individual commands, against the emulator.

mod common;

use common::Emu;
use rds_emulator::{demo, ClockMode, State};

const IMPORT: &str = "ImportDatabaseBetweenInstances";

/// The demo state whose imports take one second of real time.
fn quick_imports() -> Emu {
    let mut state = State::demo();
    state.settings.migration_seconds = Some(1);
    Emu::start(state, ClockMode::Real)
}

fn database_names(emu: &Emu, id: &str) -> Vec<String> {
    emu.handle.state().instance(id).unwrap().databases.iter().map(|d| d.name.clone()).collect()
}

#[test]
fn rds_migrate_runs_preflight_import_wait_and_lists_the_databases() {
    let emu = quick_imports();
    let run = emu
        .rds(&[
            "migrate",
            "--source",
            demo::SOURCE,
            "--destination",
            demo::DESTINATION,
            "--db",
            "sales:sales_copy",
            "--db",
            "inventory",
            "--yes",
            "--interval",
            "100ms",
        ])
        .expect(0);
    let out = run.json();
    assert_eq!(out["Preflight"]["Passed"], true, "{run:#?}");
    assert_eq!(out["Preflight"]["Checks"].as_array().unwrap().len(), 10);
    let databases: Vec<&str> = out["Databases"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert!(databases.contains(&"sales_copy") && databases.contains(&"inventory"), "{databases:?}");
    assert!(out["ImportId"].as_str().is_some_and(|id| !id.is_empty()), "{out}");
    // Human output on stderr: the report, the progress, the final list.
    assert!(run.stderr.contains("10 passed, 0 failed"), "{}", run.stderr);
    assert!(run.stderr.contains("ImportingFromOthers"), "progress shown: {}", run.stderr);
    assert!(run.stderr.contains("[#") || run.stderr.contains("[."), "a bar: {}", run.stderr);
    assert!(run.stderr.contains("Done in"), "{}", run.stderr);
    assert_eq!(emu.handle.processed(IMPORT), 1);
    let names = database_names(&emu, demo::DESTINATION);
    assert!(names.contains(&"sales_copy".to_owned()) && names.contains(&"inventory".to_owned()), "{names:?}");
}

#[test]
fn rds_migrate_needs_a_confirmation_and_stops_at_a_failed_preflight() {
    let emu = quick_imports();
    // No --yes and no terminal to ask on: nothing is started.
    let run =
        emu.rds(&["migrate", "--source", demo::SOURCE, "--destination", demo::DESTINATION, "--db", "sales"]).expect(2);
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert_eq!(emu.requests(IMPORT), 0);

    // A stopped source fails the preflight: exit 1, the report on stdout, nothing started.
    let run = emu
        .rds(&["migrate", "--source", demo::STOPPED, "--destination", demo::DESTINATION, "--db", "sales", "--yes"])
        .expect(1);
    let out = run.json();
    assert_eq!(out["Preflight"]["Passed"], false);
    assert_eq!(out["Started"], false);
    assert!(run.stderr.contains("FAILED"), "{}", run.stderr);
    assert_eq!(emu.requests(IMPORT), 0);

    // --preflight-only: the report alone, exit 0 when it passed.
    let run = emu
        .rds(&[
            "migrate",
            "--source",
            demo::SOURCE,
            "--destination",
            demo::DESTINATION,
            "--db",
            "sales",
            "--preflight-only",
        ])
        .expect(0);
    assert_eq!(run.json()["Preflight"]["Passed"], true);
    assert_eq!(emu.requests(IMPORT), 0);

    // The same instance twice is refused before any I/O, by the request's rule.
    let described = emu.requests("DescribeDBInstanceAttribute");
    let run = emu.rds(&["migrate", "--source", demo::SOURCE, "--destination", demo::SOURCE, "--db", "sales"]).expect(2);
    assert!(run.stderr.contains("must differ"), "{}", run.stderr);
    assert_eq!(emu.requests("DescribeDBInstanceAttribute"), described);
}

#[test]
fn a_migration_through_individual_commands() {
    let emu = quick_imports();
    let run = emu
        .rds(&[
            IMPORT,
            "--DBInstanceId",
            demo::DESTINATION,
            "--SourceDBInstanceId",
            demo::SOURCE,
            "--DBInfo",
            r#"{"DBNames":{"sales":"sales_copy"}}"#,
        ])
        .expect(0);
    let import_id = run.json()["ImportId"].clone();
    assert!(!import_id.is_null(), "{run:#?}");

    // Kebab-case names, and a waiter on the destination's status.
    let run = emu
        .rds(&[
            "describe-db-instance-attribute",
            "--db-instance-id",
            demo::DESTINATION,
            "--waiter",
            "expr=Items.DBInstanceAttribute[0].DBInstanceStatus",
            "to=Running",
            "interval=200ms",
            "timeout=30",
        ])
        .expect(0);
    assert_eq!(run.json()["Items"]["DBInstanceAttribute"][0]["DBInstanceStatus"], "Running");
    assert!(
        run.stderr.contains("waiting for Items.DBInstanceAttribute[0].DBInstanceStatus to be Running"),
        "{}",
        run.stderr
    );

    let run = emu
        .rds(&["DescribeDatabases", "--DBInstanceId", demo::DESTINATION, "--cli-query", "Databases.Database[].DBName"])
        .expect(0);
    let names = run.json();
    assert!(names.as_array().unwrap().iter().any(|n| n == "sales_copy"), "{names}");
}

#[test]
fn a_waiter_gives_up_after_its_timeout() {
    let emu = Emu::demo();
    let run = emu
        .rds(&[
            "DescribeDBInstanceAttribute",
            "--DBInstanceId",
            demo::STOPPED,
            "--waiter",
            "expr=Items.DBInstanceAttribute[0].DBInstanceStatus",
            "to=Running",
            "interval=100ms",
            "timeout=300ms",
        ])
        .expect(1);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(run.stderr.contains("is still \"Stopped\""), "{}", run.stderr);
    assert!(emu.requests("DescribeDBInstanceAttribute") >= 2);
}
