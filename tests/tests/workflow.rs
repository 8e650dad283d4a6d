//! The workflow helpers (`rds_api::workflow`) against rds-emulator: the preflight report for every
//! precondition, and the waiter's success, failures, timeout, retries and progress.

mod emulated;

use std::time::Duration;

use emulated::{client, emulator, import, renamed};
use rds_api::describe_db_instance_attribute::InstanceStatus;
use rds_api::import_database_between_instances::DbNames;
use rds_api::workflow::{self, Outcome, Progress, Requirement, Role, WaitError, Waiter};
use rds_api::{Client, Credentials, Error, Rule};
use rds_emulator::{demo, EmulatorHandle, Fault};

/// Longer than the demo state's migrations (30 s of emulator clock).
const MIGRATION: Duration = Duration::from_secs(31);
const NOT_VISIBLE: &str = "not visible to these credentials (the same-account rule)";

fn sales() -> DbNames {
    DbNames::Same(vec!["sales".into()])
}

/// Short real delays: the emulator runs on real I/O, and its import clock is moved by hand.
fn quick_waiter(client: &Client) -> Waiter<'_> {
    Waiter::new(client)
        .initial_delay(Duration::from_millis(10))
        .max_delay(Duration::from_millis(50))
        .jitter(false)
        .timeout(Duration::from_secs(10))
}

fn statuses(progress: &Progress) -> (Option<InstanceStatus>, Option<InstanceStatus>) {
    (progress.source.status.clone(), progress.destination.status.clone())
}

fn set_status(emulator: &EmulatorHandle, id: &str, status: &str) {
    emulator.with_state(|state| state.instance_mut(id).expect("a demo instance").status = status.into());
}

#[tokio::test]
async fn the_whole_workflow_checks_starts_and_waits() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let request =
        import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy"), ("inventory", "inventory")]));

    let report = workflow::preflight(&client, &request).await;
    assert!(report.passed(), "{report}");
    assert_eq!(report.checks().len(), Requirement::ALL.len());
    let storage = report.check(Requirement::EnoughStorage).unwrap();
    assert!(storage.evidence.contains("destination rm-demo-destination: DBInstanceStorage 200 GB"), "{storage:?}");
    assert!(storage.evidence.contains("source rm-demo-source: DiskUsed 8589934592 B"), "{storage:?}");

    client.send(&request).await.unwrap();
    let mut seen = Vec::new();
    let completed = quick_waiter(&client)
        .on_progress(|progress| {
            seen.push(progress.clone());
            // The import finishes on the emulator clock, moved while the waiter polls.
            if progress.attempt == 3 {
                emulator.advance(MIGRATION);
            }
        })
        .wait(&request)
        .await
        .unwrap();

    let names: Vec<&str> = completed.databases.iter().map(|db| db.db_name.as_str()).collect();
    assert_eq!(names, ["archive", "sales_copy", "inventory"]);
    assert_eq!(completed.attempts, 4);
    let attempts: Vec<u32> = seen.iter().map(|p| p.attempt).collect();
    assert_eq!(attempts, [1, 2, 3, 4], "the callback runs after every poll");
    let busy = (Some(InstanceStatus::TransingToOthers), Some(InstanceStatus::ImportingFromOthers));
    assert_eq!(statuses(&seen[0]), busy);
    assert_eq!(statuses(&seen[3]), (Some(InstanceStatus::Running), Some(InstanceStatus::Running)));
    assert!(seen.windows(2).all(|w| w[0].elapsed <= w[1].elapsed));
    assert_eq!(seen[0].source.role, Role::Source);
    assert_eq!(seen[0].destination.id, demo::DESTINATION);
}

#[tokio::test]
async fn each_broken_precondition_fails_its_own_line_with_evidence() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    // The builder refuses equal IDs; the preflight must still say why such a request would fail.
    let mut same = import(demo::SOURCE, demo::DESTINATION, renamed(&[("sales", "sales_copy")]));
    same.source_db_instance_id = demo::SOURCE.into();
    let cases = [
        (
            import(demo::DESTINATION, demo::STOPPED, sales()),
            Requirement::Running,
            "source rm-demo-stopped: DBInstanceStatus Stopped",
            Some("IncorrectDBInstanceState"),
        ),
        (
            import(demo::DESTINATION, demo::MYSQL, sales()),
            Requirement::SqlServer,
            "source rm-demo-mysql: Engine MySQL",
            Some("IncorrectDBInstanceType"),
        ),
        (
            import(demo::DESTINATION, demo::SHARED, sales()),
            Requirement::InstanceFamily,
            "source rm-demo-shared: DBInstanceClassType x",
            Some("IncorrectDBInstanceType"),
        ),
        (
            import(demo::DESTINATION, demo::SQLSERVER_2017_EE, sales()),
            Requirement::NotSqlServer2017Ee,
            "source rm-demo-2017ee: EngineVersion 2017_ent",
            Some("IncorrectEngineVersion"),
        ),
        (
            import(demo::DESTINATION, demo::LOCKED, sales()),
            Requirement::Unlocked,
            "source rm-demo-locked: LockMode ManualLock",
            Some("IncorrectDBInstanceLockMode"),
        ),
        (
            import(demo::FULL, demo::SOURCE, sales()),
            Requirement::EnoughStorage,
            "destination rm-demo-full: DBInstanceStorage 10 GB, DiskUsed 9663676416 B, 1.0 GiB free; \
             source rm-demo-source: DiskUsed 8589934592 B; 1.0 GiB free is not larger than 8.0 GiB used",
            Some("InsufficientStorage"),
        ),
        (
            import(demo::DESTINATION, demo::BUSY_DB, sales()),
            Requirement::SourceDatabasesRunning,
            "source rm-demo-busy-db: sales Creating (databases: sales, inventory)",
            Some("InvalidDBName.NotFound"),
        ),
        (
            import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["nope".into()])),
            Requirement::SourceDatabasesRunning,
            "source rm-demo-source: nope missing (databases: sales, inventory)",
            Some("InvalidDBName.NotFound"),
        ),
        (
            import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "archive")])),
            Requirement::DestinationNamesFree,
            "destination rm-demo-destination: archive already taken (databases: archive)",
            Some("InvalidDBName.Duplicate"),
        ),
        // The client's own validation refuses equal IDs before the service could (`differ` rule).
        (same, Requirement::DistinctInstances, "source and destination are both rm-demo-source", None),
    ];
    for (request, requirement, evidence, refusal) in cases {
        let report = workflow::preflight(&client, &request).await;
        assert!(!report.passed(), "{report}");
        let problems: Vec<_> = report.problems().map(|check| check.requirement).collect();
        assert_eq!(problems, [requirement], "only {requirement:?} fails:\n{report}");
        let check = report.check(requirement).unwrap();
        assert_eq!(check.outcome, Outcome::Failed);
        assert!(check.evidence.contains(evidence), "{requirement:?}: {:?} lacks {evidence:?}", check.evidence);
        let received = emulator.requests("ImportDatabaseBetweenInstances");
        let err = client.send(&request).await.expect_err(&format!("{requirement:?} is refused"));
        match refusal {
            // The service agrees, for the same reason.
            Some(code) => {
                let service = err.service_error().unwrap_or_else(|| panic!("{requirement:?}: {err:?}"));
                assert_eq!(service.code, code, "{requirement:?}: {err:?}");
                // With the status the spec documents for that code.
                assert_eq!(Some(service.status), service.kind.documented_status(), "{requirement:?}: {err:?}");
                assert_eq!(emulator.requests("ImportDatabaseBetweenInstances"), received + 1, "{requirement:?}");
            }
            None => {
                let Error::Validation(validation) = &err else { panic!("{requirement:?}: {err:?}") };
                assert!(
                    validation
                        .violations
                        .iter()
                        .any(|v| v.parameter == "SourceDBInstanceId" && matches!(v.rule, Rule::Differ { .. })),
                    "{requirement:?}: {validation:?}"
                );
                assert_eq!(emulator.requests("ImportDatabaseBetweenInstances"), received, "nothing was sent");
            }
        }
    }
    assert_eq!(emulator.processed("ImportDatabaseBetweenInstances"), 0);
}

#[tokio::test]
async fn another_accounts_instance_is_reported_as_not_visible() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());

    let report = workflow::preflight(&client, &import(demo::DESTINATION, demo::OTHER_INSTANCE, sales())).await;

    let same_account = report.check(Requirement::SameAccount).unwrap();
    assert_eq!(same_account.outcome, Outcome::Failed);
    assert_eq!(
        same_account.evidence,
        format!("source rm-other-instance: {NOT_VISIBLE}; destination rm-demo-destination: visible")
    );
    // What depends on the invisible instance is unknown, not failed; the rest is checked.
    for check in report.checks() {
        let expected = match check.requirement {
            Requirement::SameAccount => Outcome::Failed,
            Requirement::DistinctInstances | Requirement::DestinationNamesFree => Outcome::Passed,
            _ => Outcome::CouldNotCheck,
        };
        assert_eq!(check.outcome, expected, "{check:?}");
    }
    let running = report.check(Requirement::Running).unwrap();
    assert_eq!(
        running.evidence,
        format!("source rm-other-instance: {NOT_VISIBLE}; destination rm-demo-destination: DBInstanceStatus Running")
    );
}

#[tokio::test]
async fn errors_other_than_not_found_make_lines_uncheckable_with_their_text() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    emulator.faults().inject("DescribeResourceUsage", Fault::throttle(Duration::from_millis(100)));

    let report = workflow::preflight(&client, &import(demo::DESTINATION, demo::SOURCE, sales())).await;

    let problems: Vec<_> = report.problems().map(|check| check.requirement).collect();
    assert_eq!(problems, [Requirement::EnoughStorage], "{report}");
    let storage = report.check(Requirement::EnoughStorage).unwrap();
    assert_eq!(storage.outcome, Outcome::CouldNotCheck);
    // The destination falls back to DBInstanceDiskUsed; the source has no fallback.
    assert!(storage.evidence.contains("destination rm-demo-destination: DBInstanceStorage 200 GB, DBInstanceDiskUsed 1073741824 B (DiskUsed unavailable: DescribeResourceUsage: Throttling.User"), "{}", storage.evidence);
    assert!(
        storage
            .evidence
            .contains("source rm-demo-source: DiskUsed unavailable: DescribeResourceUsage: Throttling.User"),
        "{}",
        storage.evidence
    );
}

#[tokio::test]
async fn the_report_renders_one_line_per_requirement_and_no_secret() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let report = workflow::preflight(&client, &import(demo::DESTINATION, demo::LOCKED, sales())).await;

    let text = report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + Requirement::ALL.len(), "{text}");
    assert_eq!(
        lines[0],
        "ImportDatabaseBetweenInstances rm-demo-locked -> rm-demo-destination: 9 passed, 1 failed, 0 could not be checked"
    );
    // Columns: outcome, requirement, evidence (the emulator's LockReason text sits in between).
    let locked = lines[5];
    assert!(
        locked.starts_with(
            "  FAILED           neither instance locked                     source rm-demo-locked: LockMode ManualLock"
        ),
        "{locked}"
    );
    assert!(locked.ends_with("; destination rm-demo-destination: LockMode Unlock"), "{locked}");
    for (line, requirement) in lines[1..].iter().zip(Requirement::ALL) {
        assert!(line.contains(requirement.description()), "{line}");
    }

    let wrong_secret = client_with_secret(&emulator, "not-the-secret");
    let report = workflow::preflight(&wrong_secret, &import(demo::DESTINATION, demo::SOURCE, sales())).await;
    let uncheckable = report.checks().iter().filter(|check| check.requirement != Requirement::DistinctInstances);
    assert!(uncheckable.clone().all(|check| check.outcome == Outcome::CouldNotCheck), "{report}");
    assert!(report.to_string().contains("SignatureDoesNotMatch"), "{report}");
    assert!(!format!("{report} {report:?}").contains("not-the-secret"));
}

fn client_with_secret(emulator: &EmulatorHandle, secret: &str) -> Client {
    client(emulator, Credentials::new(demo::ACCESS_KEY_ID, secret))
}

#[tokio::test]
async fn a_timeout_says_what_the_waiter_last_saw() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let request = import(demo::DESTINATION, demo::SOURCE, sales());
    client.send(&request).await.unwrap();

    let mut attempts = Vec::new();
    let err = quick_waiter(&client)
        .timeout(Duration::from_millis(200))
        .on_progress(|progress| attempts.push(progress.attempt))
        .wait(&request)
        .await
        .unwrap_err();

    let WaitError::Timeout { elapsed, last } = &err else { panic!("expected a timeout, got {err:?}") };
    assert!(*elapsed >= Duration::from_millis(200), "{elapsed:?}");
    assert_eq!(statuses(last), (Some(InstanceStatus::TransingToOthers), Some(InstanceStatus::ImportingFromOthers)));
    assert_eq!(last.attempt as usize, attempts.len());
    assert!(attempts.len() >= 4, "polled with backoff until the deadline: {attempts:?}");
    let text = err.to_string();
    assert!(
        text.contains(
            "last seen: source rm-demo-source TransingToOthers, destination rm-demo-destination ImportingFromOthers"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn throttling_is_retried_and_shows_in_the_progress() {
    let emulator = emulator().await;
    // The waiter's own retries: the client's are off, or it would absorb the throttling before the waiter
    // saw it.
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator.demo_credentials())
        .retry(rds_api::RetryPolicy::disabled())
        .build()
        .unwrap();
    let request = import(demo::DESTINATION, demo::SOURCE, sales());
    client.send(&request).await.unwrap();
    emulator.advance(MIGRATION);
    emulator.faults().inject("DescribeDBInstanceAttribute", Fault::throttle(Duration::from_millis(10)).times(2));

    let mut seen = Vec::new();
    let completed = quick_waiter(&client).on_progress(|p| seen.push(p.clone())).wait(&request).await.unwrap();

    assert_eq!(completed.attempts, 2);
    let first = &seen[0];
    assert_eq!(statuses(first), (None, None));
    assert!(first.source.error.as_deref().unwrap().contains("Throttling.User"), "{first}");
    assert!(first.to_string().contains("source rm-demo-source unknown (DescribeDBInstanceAttribute: Throttling.User"));
}

#[tokio::test]
async fn an_instance_that_disappears_ends_the_wait() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let request = import(demo::DESTINATION, demo::SOURCE, sales());
    client.send(&request).await.unwrap();

    let err = quick_waiter(&client)
        .on_progress(|progress| {
            if progress.attempt == 2 {
                emulator.with_state(|state| {
                    let account = state.account_mut(demo::ACCOUNT).unwrap();
                    account.instances.retain(|instance| instance.id != demo::DESTINATION);
                });
            }
        })
        .wait(&request)
        .await
        .unwrap_err();

    match &err {
        WaitError::InstanceGone { role: Role::Destination, id, .. } => assert_eq!(id, demo::DESTINATION),
        other => panic!("expected InstanceGone, got {other:?}"),
    }
    assert!(err.to_string().starts_with("the destination instance rm-demo-destination is gone"), "{err}");
}

#[tokio::test]
async fn a_destination_running_again_without_the_databases_is_a_failed_import() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let request = import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy")]));
    client.send(&request).await.unwrap();

    let err = quick_waiter(&client)
        .on_progress(|progress| {
            // The import breaks off: both instances are Running again, and nothing arrived.
            if progress.attempt == 2 {
                set_status(&emulator, demo::SOURCE, "Running");
                set_status(&emulator, demo::DESTINATION, "Running");
            }
        })
        .wait(&request)
        .await
        .unwrap_err();

    match &err {
        WaitError::DatabasesMissing { destination, missing, present, .. } => {
            assert_eq!(destination, demo::DESTINATION);
            assert_eq!(missing, &["sales_copy"]);
            assert_eq!(present, &["archive"]);
        }
        other => panic!("expected DatabasesMissing, got {other:?}"),
    }
}

#[tokio::test]
async fn an_import_not_yet_seen_running_gets_a_startup_grace() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    // Never sent: both instances stay Running and the database never arrives.
    let request = import(demo::DESTINATION, demo::SOURCE, renamed(&[("sales", "sales_copy")]));

    let err = quick_waiter(&client).timeout(Duration::from_millis(100)).wait(&request).await.unwrap_err();
    assert!(matches!(err, WaitError::Timeout { .. }), "within the grace it keeps waiting: {err:?}");

    let err = quick_waiter(&client).startup_grace(Duration::ZERO).wait(&request).await.unwrap_err();
    assert!(matches!(err, WaitError::DatabasesMissing { .. }), "after the grace it is a failure: {err:?}");
}

#[tokio::test]
async fn errors_retrying_cannot_fix_end_the_wait_without_leaking_the_secret() {
    let emulator = emulator().await;
    let wrong_secret = client_with_secret(&emulator, "not-the-secret");
    let request = import(demo::DESTINATION, demo::SOURCE, sales());

    let err = quick_waiter(&wrong_secret).wait(&request).await.unwrap_err();

    match &err {
        WaitError::DescribeInstance(inner) => assert_eq!(inner.service_error().unwrap().code, "SignatureDoesNotMatch"),
        other => panic!("expected DescribeInstance, got {other:?}"),
    }
    assert!(std::error::Error::source(&err).is_some());
    assert!(!format!("{err} {err:?}").contains("not-the-secret"));
}
