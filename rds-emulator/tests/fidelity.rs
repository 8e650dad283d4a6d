//! How closely the emulator answers like the real service: operations it does not emulate, parameters sent
//! twice, oversized requests, database names and DBInfo errors.

mod common;

use common::{demo_emulator, Raw};
use rds_emulator::demo;

#[tokio::test]
async fn a_real_operation_that_is_not_emulated_is_told_apart_from_a_misspelt_one() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    // A current operation of the real API.
    let answer = Raw::new("CreateDatabase").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (400, "UnsupportedOperation"), "{:?}", answer.body);
    assert!(answer.message().contains("CreateDatabase") && answer.message().contains("does not emulate"));
    assert!(answer.header("x-acs-request-id").is_some());

    // A withdrawn one.
    let answer = Raw::new("DescribeImportsForSQLServer").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(answer.code(), "UnsupportedOperation");
    assert!(answer.message().contains("DescribeImportsForSQLServer") && answer.message().contains("withdrawn"));

    // A misspelt one.
    let answer = Raw::new("CreateDatabse").send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (404, "InvalidApi.NotFound"));
}
