//! `--pager` over 250 instances, by page number and by token: every instance exactly once, one document.

mod common;

use common::{bulk_state, Emu};
use rds_emulator::ClockMode;
use serde_json::Value;

fn ids(answer: &Value) -> Vec<String> {
    answer["Items"]["DBInstance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["DBInstanceId"].as_str().unwrap().to_owned())
        .collect()
}

fn expected() -> Vec<String> {
    (0..250).map(|n| format!("rm-bulk-{n:03}")).collect()
}

#[test]
fn number_paging_merges_every_page() {
    let emu = Emu::start(bulk_state(), ClockMode::Manual);
    let run = emu.rds(&["DescribeDBInstances", "--RegionId", "cn-shanghai", "--PageSize", "30", "--pager"]).expect(0);
    let answer = run.json();
    let mut got = ids(&answer);
    assert_eq!(got.len(), 250, "every instance once");
    got.sort();
    assert_eq!(got, expected());
    assert_eq!(answer["TotalRecordCount"], 250);
    assert_eq!(answer["PageNumber"], 1, "counters describe the merged document");
    assert_eq!(answer["PageRecordCount"], 250);
    assert_eq!(emu.requests("DescribeDBInstances"), 9, "ceil(250 / 30) pages");
}

#[test]
fn token_paging_merges_every_page_without_the_token() {
    let emu = Emu::start(bulk_state(), ClockMode::Manual);
    let run =
        emu.rds(&["describe-db-instances", "--region-id", "cn-shanghai", "--max-results", "40", "--pager"]).expect(0);
    let answer = run.json();
    let mut got = ids(&answer);
    assert_eq!(got.len(), 250);
    got.sort();
    assert_eq!(got, expected());
    assert!(answer.get("NextToken").is_none(), "{}", answer["NextToken"]);
    assert!(answer.get("TotalRecordCount").is_none(), "no number-paging fields in token paging");
    assert_eq!(answer["PageRecordCount"], 250);
    assert_eq!(emu.requests("DescribeDBInstances"), 7, "ceil(250 / 40) pages");
}

#[test]
fn without_pager_one_page_and_the_aliyun_pager_arguments_are_accepted() {
    let emu = Emu::start(bulk_state(), ClockMode::Manual);
    let run = emu.rds(&["DescribeDBInstances", "--RegionId", "cn-shanghai", "--PageSize", "100"]).expect(0);
    assert_eq!(ids(&run.json()).len(), 100);
    let run = emu
        .rds(&[
            "DescribeDBInstances",
            "--RegionId",
            "cn-shanghai",
            "--PageSize",
            "100",
            "--pager",
            "path=Items.DBInstance",
            "PageNumber=PageNumber",
        ])
        .expect(0);
    assert_eq!(ids(&run.json()).len(), 250);
    // A query applies to the merged document.
    let run = emu
        .rds(&[
            "DescribeDBInstances",
            "--RegionId",
            "cn-shanghai",
            "--pager",
            "--cli-query",
            "length(Items.DBInstance)",
        ])
        .expect(0);
    assert_eq!(run.json(), 250);
}

#[test]
fn a_service_that_returns_the_token_it_was_sent_stops_the_pager() {
    let emu = Emu::demo();
    // Every page says there is a next one, with the same token.
    let page = r#"{"RequestId":"LOOP","NextToken":"T1","Items":{"DBInstance":[{"DBInstanceId":"rm-a"}]}}"#;
    emu.handle
        .faults()
        .inject("DescribeDBInstances", rds_emulator::Fault::raw_after_processing(200, "application/json", page));
    let run = emu.rds(&["DescribeDBInstances", "--RegionId", "cn-hangzhou", "--MaxResults", "1", "--pager"]).expect(1);
    assert!(run.stderr.contains("same page token"), "{}", run.stderr);
    // The first page (no token) and the page asked for with T1, which answered T1 again.
    assert_eq!(emu.requests("DescribeDBInstances"), 2);
}
