//! Every kind of bad input: its exit code, its message on stderr, and nothing sent (or, for the service's
//! refusals, its code, message, request id and recommendation).

mod common;

use common::{rds, Emu};
use rds_emulator::demo;

const LIST: &str = "DescribeDBInstances";
const IMPORT: &str = "ImportDatabaseBetweenInstances";

#[test]
fn every_violation_is_listed_at_once_and_nothing_is_sent() {
    let emu = Emu::demo();
    let run = emu
        .rds(&[
            LIST,
            "--PageSize",
            "500",
            "--PageNumber",
            "0",
            "--InstanceLevel",
            "3",
            "--ClientToken",
            &"x".repeat(65),
        ])
        .expect(2);
    let e = &run.stderr;
    assert!(e.contains("DescribeDBInstances: 5 problems, nothing was sent"), "{e}");
    assert!(e.contains("RegionId: is required"), "{e}");
    assert!(e.contains("PageSize: must be at most 100 (got \"500\")"), "{e}");
    assert!(e.contains("PageNumber: must be at least 1"), "{e}");
    assert!(e.contains("InstanceLevel: must be one of 0, 1 (got \"3\"); did you mean"), "{e}");
    assert!(e.contains("ClientToken: must be at most 64 characters long"), "{e}");
    assert!(run.stdout.is_empty());
    assert_eq!(emu.requests(LIST), 0);
}

#[test]
fn command_line_mistakes_are_named_with_a_suggestion() {
    let emu = Emu::demo();
    let run = emu.rds(&["DescribeDBInstancez", "--RegionId", "x"]).expect(2);
    assert!(
        run.stderr.contains("unknown action \"DescribeDBInstancez\"; did you mean DescribeDBInstances?"),
        "{}",
        run.stderr
    );

    let run = emu
        .rds(&[
            LIST,
            "--RegionID",
            "cn-hangzhou",
            "--region-idd",
            "x",
            "--RegionId",
            "a",
            "--RegionId",
            "b",
            "stray",
            "--PageSize",
        ])
        .expect(2);
    let e = &run.stderr;
    assert!(e.contains("--RegionID is not a parameter of DescribeDBInstances; did you mean --RegionId?"), "{e}");
    assert!(e.contains("--region-idd is not a parameter of DescribeDBInstances; did you mean --region-id?"), "{e}");
    assert!(e.contains("RegionId: is given more than once"), "{e}");
    assert!(e.contains("stray: unexpected argument"), "{e}");
    assert!(e.contains("--PageSize needs a value"), "{e}");

    // Values of the wrong type, by wire name.
    let run = emu.rds(&[LIST, "--RegionId", "cn-hangzhou", "--PageSize", "ten", "--QueryAutoRenewal", "yes"]).expect(2);
    assert!(run.stderr.contains("PageSize: must be a valid int32 (got \"ten\")"), "{}", run.stderr);
    assert!(run.stderr.contains("QueryAutoRenewal: must be one of true, false (got \"yes\")"), "{}", run.stderr);

    // The spec fixes the method.
    let run = emu.rds(&[LIST, "--RegionId", "cn-hangzhou", "--method", "GET"]).expect(2);
    assert!(run.stderr.contains("--method GET: DescribeDBInstances is sent with POST"), "{}", run.stderr);

    // --pager on an operation that does not page.
    let run = emu.rds(&["DescribeDatabases", "--DBInstanceId", demo::SOURCE, "--pager"]).expect(2);
    assert!(run.stderr.contains("--pager: DescribeDatabases does not page"), "{}", run.stderr);

    // Unknown global flag before the action.
    let run = emu.rds(&["--regoin", "x", LIST]).expect(2);
    assert!(run.stderr.contains("did you mean --region?"), "{}", run.stderr);
    assert_eq!(emu.requests(LIST) + emu.requests("DescribeDatabases"), 0);
}

#[test]
fn json_parameters_two_parameters_that_must_differ_and_bad_json() {
    let emu = Emu::demo();
    let run = emu
        .rds(&[
            IMPORT,
            "--DBInstanceId",
            demo::SOURCE,
            "--SourceDBInstanceId",
            demo::SOURCE,
            "--DBInfo",
            r#"{"DBNames":["sales"]}"#,
        ])
        .expect(2);
    assert!(run.stderr.contains("SourceDBInstanceId: must differ from DBInstanceId"), "{}", run.stderr);

    let run = emu.rds(&[IMPORT, "--DBInstanceId", "a", "--SourceDBInstanceId", "b", "--DBInfo", "{not json"]).expect(2);
    assert!(run.stderr.contains("DBInfo: must be a valid JSON value"), "{}", run.stderr);

    let run = emu
        .rds(&[IMPORT, "--DBInstanceId", "a", "--SourceDBInstanceId", "b", "--DBInfo", "file:///no/such/file.json"])
        .expect(2);
    assert!(run.stderr.contains("DBInfo: could not read /no/such/file.json"), "{}", run.stderr);

    let run = emu
        .rds(&[IMPORT, "--DBInstanceId", "a", "--SourceDBInstanceId", "b", "--DBInfo", r#"{"DBNames":[]}"#])
        .expect(2);
    assert!(run.stderr.contains("DBInfo.DBNames"), "{}", run.stderr);
    assert_eq!(emu.requests(IMPORT), 0);

    // From a file.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dbinfo.json");
    std::fs::write(&file, r#"{"DBNames":{"sales":"sales_copy"}}"#).unwrap();
    let arg = format!("file://{}", file.display());
    let run = emu
        .rds(&[IMPORT, "--DBInstanceId", demo::DESTINATION, "--SourceDBInstanceId", demo::SOURCE, "--DBInfo", &arg])
        .expect(0);
    assert!(run.json()["ImportId"].is_string() || run.json()["ImportId"].is_number(), "{run:#?}");
    assert_eq!(emu.handle.processed(IMPORT), 1);
}

#[test]
fn service_errors_show_code_message_request_id_and_recommendation() {
    let emu = Emu::demo();
    let run = emu.rds(&["DescribeDBInstanceAttribute", "--DBInstanceId", "rm-no-such-instance"]).expect(1);
    let e = &run.stderr;
    assert!(e.contains("DescribeDBInstanceAttribute failed: InvalidDBInstanceId.NotFound (HTTP 404)"), "{e}");
    assert!(e.contains("Message: "), "{e}");
    assert!(e.contains("RequestId: ") && !e.contains("RequestId: -"), "{e}");
    assert!(e.contains("Recommend: http"), "{e}");
    assert!(run.stdout.is_empty(), "nothing on stdout: {run:#?}");

    // A wrong secret: refused by the service; the secret is never printed.
    let endpoint = emu.endpoint();
    let run = rds(&[
        LIST,
        "--RegionId",
        "cn-hangzhou",
        "--endpoint",
        &endpoint,
        "--access-key-id",
        demo::ACCESS_KEY_ID,
        "--access-key-secret",
        "wrong-secret-value",
    ])
    .expect(1);
    assert!(run.stderr.contains("SignatureDoesNotMatch"), "{}", run.stderr);
    assert!(!run.stderr.contains("wrong-secret-value") && !run.stdout.contains("wrong-secret-value"));

    // No credentials anywhere: the chain says where it looked.
    let run = rds(&[LIST, "--RegionId", "cn-hangzhou", "--endpoint", &endpoint]).expect(1);
    assert!(run.stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID is not set"), "{}", run.stderr);
    assert!(run.stderr.contains("config.json: not found"), "{}", run.stderr);

    // Nobody listening: a transport error, exit 1.
    let run = rds(&[
        LIST,
        "--RegionId",
        "cn-hangzhou",
        "--endpoint",
        "http://127.0.0.1:9",
        "--access-key-id",
        "a",
        "--access-key-secret",
        "b",
        "--retry-count",
        "0",
        "--connect-timeout",
        "2",
    ])
    .expect(1);
    assert!(run.stderr.starts_with("rds: "), "{}", run.stderr);
}

#[test]
fn success_output_is_json_and_filters_and_tables_apply() {
    let emu = Emu::demo();
    let run = emu.rds(&[LIST, "--RegionId", demo::REGION, "--PageSize", "100"]).expect(0);
    let all = run.json();
    assert!(all["Items"]["DBInstance"].as_array().unwrap().len() >= 8, "{all}");

    let run = emu
        .rds(&[
            LIST,
            "--RegionId",
            demo::REGION,
            "--cli-query",
            "Items.DBInstance[?DBInstanceStatus=='Stopped'].DBInstanceId",
        ])
        .expect(0);
    assert_eq!(run.json(), serde_json::json!([demo::STOPPED]));

    let run = emu
        .rds(&[
            LIST,
            "--RegionId",
            demo::REGION,
            "--output",
            "cols=DBInstanceId,DBInstanceStatus",
            "rows=Items.DBInstance[]",
        ])
        .expect(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("DBInstanceId") && lines[0].contains(" | DBInstanceStatus"), "{}", run.stdout);
    assert!(lines[1].starts_with("----"), "{}", run.stdout);
    assert!(lines.iter().any(|l| l.starts_with(demo::STOPPED) && l.ends_with("Stopped")), "{}", run.stdout);

    let run = emu.rds(&[LIST, "--RegionId", demo::REGION, "--quiet"]).expect(0);
    assert!(run.stdout.is_empty());

    // A bad expression is refused before anything is sent.
    let sent = emu.requests(LIST);
    let run = emu.rds(&[LIST, "--RegionId", demo::REGION, "--cli-query", "Items["]).expect(2);
    assert!(run.stderr.contains("--cli-query \"Items[\""), "{}", run.stderr);
    let run = emu.rds(&[LIST, "--RegionId", demo::REGION, "--output", "cols=A", "rows=Items[?"]).expect(2);
    assert!(run.stderr.contains("--output rows="), "{}", run.stderr);
    assert_eq!(emu.requests(LIST), sent);
}
