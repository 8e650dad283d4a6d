//! DescribeDBInstances: 250 instances paged by number and by token (each exactly once), the wire shapes of
//! both styles, refused tokens, mixed styles, filters and regions.

mod common;

use common::{client, demo_client, Raw};
use rds_api::describe_db_instances::DbInstance;
use rds_api::{
    Client, Credentials, DescribeDbInstancesError, DescribeDbInstancesRequest, DescribeDbInstancesRequestBuilder,
    DescribeDbInstancesResponse, Error,
};
use rds_emulator::{demo, Emulator, EmulatorHandle, Instance, State};

const LIST: &str = "DescribeDBInstances";
/// The region of the bulk instances (the demo instances are all in `cn-hangzhou`).
const BULK_REGION: &str = "cn-shanghai";
const BULK: usize = 250;

fn bulk_id(n: usize) -> String {
    format!("rm-bulk-{n:03}")
}

/// The ids of the bulk instances, in listing order.
fn bulk_ids() -> Vec<String> {
    (0..BULK).map(bulk_id).collect()
}

/// The demo state plus 250 SQL Server instances of the demo account in `cn-shanghai`.
fn bulk_state() -> State {
    let mut state = State::demo();
    let account = state.account_mut(demo::ACCOUNT).unwrap();
    account.instances.extend((0..BULK).map(|n| Instance {
        region_id: BULK_REGION.into(),
        zone_id: "cn-shanghai-b".into(),
        ..Instance::sql_server(bulk_id(n))
    }));
    state
}

async fn bulk_emulator() -> EmulatorHandle {
    Emulator::start(bulk_state()).await.unwrap()
}

fn bulk() -> DescribeDbInstancesRequestBuilder {
    DescribeDbInstancesRequest::builder().region_id(BULK_REGION)
}

fn hangzhou() -> DescribeDbInstancesRequestBuilder {
    DescribeDbInstancesRequest::builder().region_id(demo::REGION)
}

fn ids(instances: &[DbInstance]) -> Vec<String> {
    instances.iter().map(|i| i.db_instance_id.clone()).collect()
}

/// The code and status of a service error.
fn code<E: std::fmt::Debug>(err: &Error<E>) -> (String, u16) {
    let service = err.service_error().unwrap_or_else(|| panic!("not a service error: {err:?}"));
    (service.code.clone(), service.status)
}

/// Every page by token from `first`: the pages' ids and the number of requests.
async fn by_token(client: &Client, first: DescribeDbInstancesRequestBuilder) -> (Vec<String>, usize) {
    let (mut seen, mut requests, mut request) = (Vec::new(), 0, first.clone().build().unwrap());
    loop {
        let page = client.send(&request).await.unwrap();
        requests += 1;
        assert_eq!(page.page_record_count, Some(page.instances.len() as i32));
        assert_eq!((page.total_record_count, page.page_number), (None, None), "no number-paging fields");
        seen.extend(ids(&page.instances));
        match page.next_token {
            Some(token) => {
                assert!(!page.instances.is_empty(), "a token after an empty page");
                request = first.clone().next_token(token).build().unwrap();
            }
            None => return (seen, requests),
        }
        assert!(requests < 100, "paging does not end");
    }
}

/// A field as text, whether the SDK decodes it as a string or as an enum.
fn text<T: ToString>(value: &Option<T>) -> Option<String> {
    value.as_ref().map(ToString::to_string)
}

async fn page(client: &Client, request: DescribeDbInstancesRequestBuilder) -> DescribeDbInstancesResponse {
    client.send(&request.build().unwrap()).await.unwrap()
}

#[tokio::test]
async fn two_hundred_fifty_instances_by_page_number() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);

    let mut seen = Vec::new();
    for number in 1..=5 {
        let response = page(&client, bulk().page_size(50).page_number(number)).await;
        assert_eq!(response.total_record_count, Some(250));
        assert_eq!(response.page_number, Some(number));
        assert_eq!(response.page_record_count, Some(50));
        assert_eq!(response.next_token, None);
        seen.extend(ids(&response.instances));
    }
    assert_eq!(seen, bulk_ids(), "each instance once, in creation order");

    // A page past the end is empty, with the same total.
    let past = page(&client, bulk().page_size(50).page_number(6)).await;
    assert_eq!((past.instances.len(), past.page_record_count, past.total_record_count), (0, Some(0), Some(250)));
    let far = page(&client, bulk().page_size(100).page_number(21_474_836)).await;
    assert!(far.instances.is_empty());

    // Defaults: page 1, 30 per page; the last page holds the rest.
    let first = page(&client, bulk()).await;
    assert_eq!((first.page_number, first.page_record_count), (Some(1), Some(30)));
    assert_eq!(ids(&first.instances), bulk_ids()[..30]);
    let mut seen = Vec::new();
    for number in 1..=9 {
        let response = page(&client, bulk().page_number(number)).await;
        assert_eq!(response.page_record_count, Some(if number == 9 { 10 } else { 30 }));
        seen.extend(ids(&response.instances));
    }
    assert_eq!(seen, bulk_ids());
    assert_eq!(emulator.processed(LIST), 5 + 2 + 1 + 9);
}

#[tokio::test]
async fn two_hundred_fifty_instances_by_token() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);

    let (seen, requests) = by_token(&client, bulk().max_results(40)).await;
    assert_eq!(seen, bulk_ids(), "each instance once, in creation order");
    assert_eq!(requests, 7); // 6 × 40 + 10

    // An empty NextToken asks for the first page, and MaxResults defaults to 30.
    let (seen, requests) = by_token(&client, bulk().next_token("")).await;
    assert_eq!((seen, requests), (bulk_ids(), 9));

    // Exactly a multiple of the page size: no token after the page holding the last instance.
    let (seen, requests) = by_token(&client, bulk().max_results(50)).await;
    assert_eq!((seen.len(), requests), (250, 5));

    // A page may ask for another size than the previous one: the token says where, not how many.
    let first = page(&client, bulk().max_results(100)).await;
    let second = page(&client, bulk().max_results(7).next_token(first.next_token.unwrap())).await;
    assert_eq!(ids(&second.instances), bulk_ids()[100..107]);
    // And a token can be used again: it is a position, not a cursor that moves.
    let token = second.next_token.unwrap();
    let again = page(&client, bulk().max_results(7).next_token(token.clone())).await;
    let once_more = page(&client, bulk().max_results(7).next_token(token)).await;
    assert_eq!(ids(&again.instances), ids(&once_more.instances));
    assert_eq!(ids(&again.instances), bulk_ids()[107..114]);
}

#[tokio::test]
async fn token_paging_survives_changes_between_pages() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);

    let first = page(&client, bulk().max_results(100)).await;
    let mut seen = ids(&first.instances);
    // Between pages: one instance already listed and one not yet listed go away, one arrives.
    emulator.with_state(|state| {
        let account = state.account_mut(demo::ACCOUNT).unwrap();
        account.instances.retain(|i| i.id != bulk_id(99) && i.id != bulk_id(150));
        account.instances.push(Instance { region_id: BULK_REGION.into(), ..Instance::sql_server("rm-bulk-late") });
    });
    let (rest, _) = by_token(&client, bulk().max_results(100).next_token(first.next_token.unwrap())).await;
    seen.extend(rest);

    let mut expected: Vec<String> = bulk_ids().into_iter().filter(|id| *id != bulk_id(150)).collect();
    expected.push("rm-bulk-late".into());
    assert_eq!(seen, expected, "nothing skipped, nothing twice");
}

#[tokio::test]
async fn the_wire_shapes_of_both_styles() {
    let emulator = bulk_emulator().await;
    let endpoint = emulator.endpoint();

    let number = Raw::new(LIST).param("RegionId", BULK_REGION).param("PageSize", "100").send(&endpoint).await;
    assert_eq!(number.status, 200, "{:?}", number.body);
    let body = number.body.as_object().unwrap();
    let mut keys: Vec<&str> = body.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["Items", "PageNumber", "PageRecordCount", "RequestId", "TotalRecordCount"]);
    assert_eq!((body["TotalRecordCount"].as_i64(), body["PageNumber"].as_i64()), (Some(250), Some(1)));
    assert_eq!(body["Items"]["DBInstance"].as_array().unwrap().len(), 100);

    let first = Raw::new(LIST).param("RegionId", BULK_REGION).param("MaxResults", "100").send(&endpoint).await;
    let body = first.body.as_object().unwrap();
    let mut keys: Vec<&str> = body.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["Items", "NextToken", "PageRecordCount", "RequestId"]);
    let token = body["NextToken"].as_str().unwrap();
    assert!(token.parse::<u64>().is_err() && !token.contains("rm-bulk"), "opaque: {token}");

    // NextToken alone: MaxResults is 30.
    let second = Raw::new(LIST).param("RegionId", BULK_REGION).param("NextToken", token).send(&endpoint).await;
    assert_eq!((second.status, second.body["PageRecordCount"].as_i64()), (200, Some(30)), "{:?}", second.body);
    let next = |answer: &common::RawAnswer| answer.body["NextToken"].as_str().unwrap().to_owned();
    let from = |token: String| {
        let endpoint = endpoint.clone();
        async move {
            Raw::new(LIST)
                .param("RegionId", BULK_REGION)
                .param("MaxResults", "100")
                .param("NextToken", &token)
                .send(&endpoint)
                .await
        }
    };
    let third = from(next(&second)).await;
    assert_eq!(third.body["PageRecordCount"].as_i64(), Some(100));
    // 230 listed: the last page holds the other 20, and no NextToken at all.
    let last = from(next(&third)).await;
    assert_eq!(last.body["PageRecordCount"].as_i64(), Some(20));
    assert_eq!(last.body["Items"]["DBInstance"][19]["DBInstanceId"], bulk_id(249));
    assert!(last.body.get("NextToken").is_none(), "{:?}", last.body.get("NextToken"));
    assert!(last.body.get("TotalRecordCount").is_none());

    // An element: Category only with InstanceLevel=1, CreateTime when the state knows it.
    let one = |level: Option<&str>| {
        let mut raw = Raw::new(LIST).param("RegionId", demo::REGION).param("DBInstanceId", demo::SQLSERVER_2017_EE);
        if let Some(level) = level {
            raw = raw.param("InstanceLevel", level);
        }
        raw
    };
    let plain = one(None).send(&endpoint).await.body["Items"]["DBInstance"][0].clone();
    assert!(plain.get("Category").is_none(), "{plain}");
    let level0 = one(Some("0")).send(&endpoint).await.body["Items"]["DBInstance"][0].clone();
    assert!(level0.get("Category").is_none(), "{level0}");
    let level1 = one(Some("1")).send(&endpoint).await.body["Items"]["DBInstance"][0].clone();
    assert_eq!(level1["Category"], "AlwaysOn");
    assert_eq!(plain["CreateTime"], "2024-01-01T05:00:00Z");
    assert_eq!(plain["DBInstanceType"], "Primary");
    let bulk_element = Raw::new(LIST).param("RegionId", BULK_REGION).param("PageSize", "1").send(&endpoint).await;
    assert!(bulk_element.body["Items"]["DBInstance"][0].get("CreateTime").is_none());
}

#[tokio::test]
async fn tokens_the_emulator_did_not_issue_are_refused() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);
    let bad = |e: &Error<DescribeDbInstancesError>| {
        assert_eq!(code(e), ("InvalidParameter".to_owned(), 400));
        assert!(e.service_error().unwrap().message.contains("NextToken"), "{e:?}");
    };

    let first = page(&client, bulk().max_results(10)).await;
    let token = first.next_token.unwrap();
    let mut tampered = token.clone().into_bytes();
    tampered[2] = if tampered[2] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for forged in ["abc", "10", "MTA", &tampered, &token[..token.len() - 1], &format!("{token}A")] {
        let err = client.send(&bulk().next_token(forged).build().unwrap()).await.unwrap_err();
        bad(&err);
    }

    // Issued for other filters: another region, an added filter, a changed filter.
    let filtered = page(&client, bulk().engine("SQLServer").max_results(10)).await;
    let filtered_token = filtered.next_token.unwrap();
    for other_filters in [
        bulk().next_token(&token).engine("SQLServer"),
        bulk().next_token(&filtered_token),
        bulk().next_token(&filtered_token).engine("MySQL"),
        hangzhou().next_token(&token),
        bulk().next_token(&token).vpc_id("vpc-1"), // even a filter the emulator ignores
    ] {
        bad(&client.send(&other_filters.build().unwrap()).await.unwrap_err());
    }
    // The same filters again are fine.
    page(&client, bulk().engine("SQLServer").next_token(&filtered_token)).await;

    // Issued to another account.
    let other = client_of_other(&emulator);
    bad(&other.send(&bulk().next_token(&token).build().unwrap()).await.unwrap_err());

    // Only the pages that were listed count as processed.
    assert_eq!(emulator.processed(LIST), 3);
}

fn client_of_other(emulator: &EmulatorHandle) -> Client {
    client(emulator, Credentials::new(demo::OTHER_ACCESS_KEY_ID, demo::OTHER_ACCESS_KEY_SECRET))
}

#[tokio::test]
async fn the_two_paging_styles_do_not_mix() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);
    let first = page(&client, bulk().max_results(10)).await;
    let token = first.next_token.unwrap();
    for mixed in [
        bulk().page_number(2).next_token(&token),
        bulk().page_size(10).next_token(&token),
        bulk().page_size(10).max_results(10),
        bulk().page_number(1).max_results(10),
        bulk().page_number(1).page_size(10).next_token("").max_results(10),
    ] {
        let err = client.send(&mixed.build().unwrap()).await.unwrap_err();
        assert_eq!(code(&err), ("InvalidParameter".to_owned(), 400));
        let message = &err.service_error().unwrap().message;
        assert!(message.contains("Page") && (message.contains("NextToken") || message.contains("MaxResults")));
    }
    assert_eq!((emulator.requests(LIST), emulator.processed(LIST)), (6, 1));
}

#[tokio::test]
async fn filters() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);
    emulator.with_state(|state| {
        state.instance_mut(demo::LOCKED).unwrap().zone_id = "cn-hangzhou-i".into();
        state.instance_mut(demo::FULL).unwrap().description = Some("Reports warehouse".into());
    });
    let all_demo = [
        demo::SOURCE,
        demo::DESTINATION,
        demo::STOPPED,
        demo::MYSQL,
        demo::SHARED,
        demo::SQLSERVER_2017_EE,
        demo::LOCKED,
        demo::FULL,
        demo::BUSY_DB,
    ];
    let listed = |request: DescribeDbInstancesRequestBuilder| {
        let client = client.clone();
        async move {
            let response = page(&client, request.page_size(100)).await;
            assert_eq!(response.total_record_count, Some(response.instances.len() as i32));
            ids(&response.instances)
        }
    };

    // Only the region's instances of the caller's account, in creation order.
    assert_eq!(listed(hangzhou()).await, all_demo);
    assert_eq!(page(&client, bulk()).await.total_record_count, Some(250));
    let cases: Vec<(DescribeDbInstancesRequestBuilder, Vec<&str>)> = vec![
        (hangzhou().engine("MySQL"), vec![demo::MYSQL]),
        (hangzhou().engine("mysql"), vec![demo::MYSQL]),
        (hangzhou().engine("PostgreSQL"), vec![]),
        (hangzhou().db_instance_status("Stopped"), vec![demo::STOPPED]),
        (
            hangzhou().db_instance_id(format!(
                "{}, {},{},rm-missing,,{}",
                demo::MYSQL,
                demo::SOURCE,
                demo::OTHER_INSTANCE,
                bulk_id(3)
            )),
            vec![demo::SOURCE, demo::MYSQL],
        ),
        (hangzhou().db_instance_type("Primary"), all_demo.to_vec()),
        (hangzhou().db_instance_type("Readonly"), vec![]),
        (hangzhou().engine_version("2017_ent"), vec![demo::SQLSERVER_2017_EE]),
        (hangzhou().db_instance_class("mysql.x4.medium.2"), vec![demo::MYSQL]),
        (hangzhou().category("AlwaysOn"), vec![demo::SQLSERVER_2017_EE]),
        (hangzhou().zone_id("cn-hangzhou-i"), vec![demo::LOCKED]),
        (hangzhou().search_key("busy"), vec![demo::BUSY_DB]),
        (hangzhou().search_key("WAREHOUSE"), vec![demo::FULL]),
        (hangzhou().search_key("rm-demo-s"), vec![demo::SOURCE, demo::STOPPED, demo::SHARED]),
        (hangzhou().pay_type("Postpaid"), all_demo.to_vec()),
        (hangzhou().pay_type("Prepaid"), vec![]),
        (hangzhou().expired("True"), vec![]),
        (hangzhou().expired("False"), all_demo.to_vec()),
        (
            hangzhou().engine("SQLServer").db_instance_status("Running").engine_version("2019_std_ha"),
            vec![demo::SOURCE, demo::DESTINATION, demo::SHARED, demo::LOCKED, demo::FULL, demo::BUSY_DB],
        ),
        // Accepted and ignored: the state has no VPCs, tags or resource groups.
        (hangzhou().vpc_id("vpc-1").tags(r#"{"k":"v"}"#).resource_group_id("rg-1"), all_demo.to_vec()),
    ];
    for (request, expected) in cases {
        let debug = format!("{request:?}");
        assert_eq!(listed(request).await, expected, "{debug}");
    }
    assert_eq!(listed(bulk().search_key("bulk-24")).await, (240..250).map(bulk_id).collect::<Vec<_>>());

    // The other account sees only its own instance.
    let other = client_of_other(&emulator);
    let response = other.send(&hangzhou().build().unwrap()).await.unwrap();
    assert_eq!(ids(&response.instances), [demo::OTHER_INSTANCE]);
    assert!(other.send(&bulk().build().unwrap()).await.unwrap().instances.is_empty());
}

#[tokio::test]
async fn the_elements_report_the_state() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);
    let response = page(&client, hangzhou().db_instance_id(demo::LOCKED).instance_level(1)).await;
    let locked = &response.instances[0];
    assert_eq!(locked.db_instance_id, demo::LOCKED);
    assert_eq!(text(&locked.engine).as_deref(), Some("SQLServer"));
    assert_eq!(text(&locked.engine_version).as_deref(), Some("2019_std_ha"));
    assert_eq!(text(&locked.db_instance_status).as_deref(), Some("Running"));
    assert_eq!(text(&locked.lock_mode).as_deref(), Some("ManualLock"));
    assert!(locked.lock_reason.as_deref().is_some_and(|r| !r.is_empty()));
    assert_eq!(locked.db_instance_class.as_deref(), Some("mssql.x4.medium.s2"));
    assert_eq!(locked.db_instance_type.as_deref(), Some("Primary"));
    assert_eq!(text(&locked.category).as_deref(), Some("HighAvailability"));
    assert_eq!(locked.region_id.as_deref(), Some(demo::REGION));
    assert_eq!(locked.zone_id.as_deref(), Some("cn-hangzhou-h"));
    assert_eq!(text(&locked.pay_type).as_deref(), Some("Postpaid"));
    assert_eq!(locked.create_time.as_deref(), Some("2024-01-01T06:00:00Z"));

    // Statuses follow the state: an import under way shows on both instances.
    emulator.with_state(|state| state.instance_mut(demo::SOURCE).unwrap().status = "TransingToOthers".into());
    let response = page(&client, hangzhou().db_instance_status("TransingToOthers")).await;
    assert_eq!(ids(&response.instances), [demo::SOURCE]);
}

#[tokio::test]
async fn regions() {
    let emulator = bulk_emulator().await;
    let client = demo_client(&emulator);

    // A real region without instances: an empty list, in both styles.
    let empty = page(&client, DescribeDbInstancesRequest::builder().region_id("eu-central-1")).await;
    assert_eq!((empty.instances.len(), empty.total_record_count, empty.page_record_count), (0, Some(0), Some(0)));
    let empty = page(&client, DescribeDbInstancesRequest::builder().region_id("cn-beijing").max_results(10)).await;
    assert_eq!((empty.instances.len(), empty.next_token), (0, None));

    // A region that does not exist.
    let err = client.send(&DescribeDbInstancesRequest::builder().region_id("xx-nowhere-1").build().unwrap()).await;
    let err = err.unwrap_err();
    assert_eq!(code(&err), ("InvalidRegionId.NotFound".to_owned(), 404));
    assert_eq!(err.kind(), Some(&DescribeDbInstancesError::InvalidRegionIdNotFound));

    // A region only the state knows exists, even for an account without instances there.
    emulator.with_state(|state| {
        let account = state.account_mut(demo::ACCOUNT).unwrap();
        account.instances.push(Instance { region_id: "test-region-1".into(), ..Instance::sql_server("rm-test-1") });
    });
    let other = client_of_other(&emulator);
    let listed = other.send(&DescribeDbInstancesRequest::builder().region_id("test-region-1").build().unwrap()).await;
    assert!(listed.unwrap().instances.is_empty());

    // RegionId is required.
    let missing = Raw::new(LIST).send(&emulator.endpoint()).await;
    assert_eq!((missing.status, missing.code()), (400, "MissingParameter"));
    assert!(missing.message().contains("RegionId"));
}
