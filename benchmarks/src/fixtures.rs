//! The requests and responses the runtime benchmarks measure, fixed so that every run (and the Python
//! comparison) works on the same bytes.
//!
//! The request is ImportDatabaseBetweenInstances from `DESTINATION` to `SOURCE`, renaming `sales` to
//! `sales_copy` and keeping `inventory`, signed with [`ACCESS_KEY_ID`] / [`ACCESS_KEY_SECRET`], nonce
//! [`NONCE`] and timestamp [`TIMESTAMP`] (`2016-02-23T12:46:24Z`). The responses have every field the specs
//! declare for an instance, with values like the service's.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{Client, Credentials, ImportDatabaseBetweenInstancesRequest, PreparedRequest, ValidationError};
use serde_json::{json, Value};

/// AccessKey ID of the fixed credentials (Alibaba's documentation example).
pub const ACCESS_KEY_ID: &str = "testid";
/// AccessKey secret of the fixed credentials.
pub const ACCESS_KEY_SECRET: &str = "testsecret";
/// `SignatureNonce` of every prepared request.
pub const NONCE: &str = "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf";
/// `Timestamp` of every prepared request, in seconds since 1970 (`2016-02-23T12:46:24Z`).
pub const TIMESTAMP: u64 = 1_456_231_584;
/// The endpoint of the benchmark client; nothing is sent to it.
pub const ENDPOINT: &str = "http://127.0.0.1:8080";
/// `DBInstanceId` of the request (the destination).
pub const DESTINATION: &str = "rm-uf6wjk5xxxxxxx";
/// `SourceDBInstanceId` of the request.
pub const SOURCE: &str = "rm-uf6wjk5yyyyyyy";

/// A client with the fixed credentials and [`ENDPOINT`].
pub fn client() -> Client {
    Client::builder()
        .credentials(Credentials::new(ACCESS_KEY_ID, ACCESS_KEY_SECRET))
        .endpoint(ENDPOINT)
        .build()
        .expect("the benchmark client's settings are valid")
}

/// [`TIMESTAMP`] as a time.
pub fn timestamp() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(TIMESTAMP)
}

/// Builds (and so validates) the benchmarked ImportDatabaseBetweenInstances request.
pub fn import_request() -> Result<ImportDatabaseBetweenInstancesRequest, ValidationError> {
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(DESTINATION)
        .source_db_instance_id(SOURCE)
        .db_info(DbInfo {
            db_names: DbNames::Renamed(vec![
                ("sales".into(), "sales_copy".into()),
                ("inventory".into(), "inventory".into()),
            ]),
        })
        .build()
}

/// The benchmarked request, prepared with the fixed nonce and timestamp.
pub fn prepared_import_request() -> PreparedRequest {
    let request = import_request().expect("the benchmark request is valid");
    client().prepare_at(&request, NONCE, timestamp()).expect("the benchmark request is valid")
}

/// Every parameter the signature of `prepared` covers: query and body, without `Signature`.
pub fn signed_parameters(prepared: &PreparedRequest) -> BTreeMap<String, String> {
    let mut params = prepared.body_params().clone();
    params.extend(prepared.query().iter().filter(|(k, _)| *k != "Signature").map(|(k, v)| (k.clone(), v.clone())));
    params
}

const ENGINES: [(&str, &str, &str); 4] = [
    ("SQLServer", "2019_std_ha", "mssql.x4.medium.e2"),
    ("MySQL", "8.0", "mysql.n2.medium.1"),
    ("PostgreSQL", "14.0", "pg.n2.medium.1"),
    ("MariaDB", "10.3", "mariadb.n2.medium.1"),
];
const STATUSES: [&str; 8] =
    ["Running", "Running", "Running", "Running", "Running", "Stopped", "Rebooting", "TransingToOthers"];
const ZONES: [&str; 3] = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"];

/// One DescribeDBInstances item: every field of the spec's `DbInstance`, numbers as numbers.
fn db_instance(i: usize) -> Value {
    let (engine, version, class) = ENGINES[i % ENGINES.len()];
    let locked = i % 17 == 16;
    json!({
        "DBInstanceId": format!("rm-bp1{i:013}"),
        "DBInstanceDescription": format!("orders-{engine}-{i} (production, team billing)"),
        "Engine": engine,
        "EngineVersion": version,
        "DBInstanceStatus": STATUSES[i % STATUSES.len()],
        "DBInstanceClass": class,
        "DBInstanceType": if i % 5 == 4 { "Readonly" } else { "Primary" },
        "Category": "HighAvailability",
        "LockMode": if locked { "LockByExpiration" } else { "Unlock" },
        "LockReason": if locked { "instance_expire" } else { "" },
        "DBInstanceMemory": 4096 << (i % 3),
        "DBInstanceStorageType": "cloud_essd",
        "DBInstanceNetType": "Intranet",
        "InstanceNetworkType": "VPC",
        "ConnectionString": format!("rm-bp1{i:013}.sqlserver.rds.aliyuncs.com"),
        "RegionId": "cn-hangzhou",
        "ZoneId": ZONES[i % ZONES.len()],
        "VpcId": "vpc-bp1opxu1zkhn00gzv****",
        "VSwitchId": "vsw-bp1oxflciovg9l7163****",
        "ResourceGroupId": "rg-acfmy****",
        "PayType": if i % 2 == 0 { "Postpaid" } else { "Prepaid" },
        "MasterInstanceId": if i % 5 == 4 { format!("rm-bp1{:013}", i - 1) } else { String::new() },
        "DedicatedHostGroupId": "",
        "CreateTime": format!("2023-{:02}-{:02}T{:02}:15:49Z", i % 12 + 1, i % 28 + 1, i % 24),
        "ExpireTime": if i % 2 == 0 { String::new() } else { "2026-12-31T16:00:00Z".to_owned() },
        "MutriORsignle": i % 3 == 0,
    })
}

/// A DescribeDBInstances page of `instances` instances, as the service sends it (compact JSON, the list in
/// its `{"Items":{"DBInstance":[...]}}` wrapper).
pub fn describe_db_instances_page(instances: usize) -> Vec<u8> {
    let items: Vec<Value> = (0..instances).map(db_instance).collect();
    let page = json!({
        "RequestId": "1AD222E9-E606-4A42-BF6D-8A4442913CEF",
        "TotalRecordCount": 1000,
        "PageNumber": 1,
        "PageRecordCount": instances,
        "NextToken": "o7PORW5o2TJg**********",
        "Items": { "DBInstance": items },
    });
    serde_json::to_vec(&page).expect("JSON values serialize")
}

/// A DescribeDBInstanceAttribute answer for one instance: every field of the spec's `DbInstanceAttribute`,
/// with two read-only instances and two secondary zones.
pub fn describe_db_instance_attribute() -> Vec<u8> {
    let attribute = json!({
        "DBInstanceId": DESTINATION,
        "Engine": "SQLServer",
        "EngineVersion": "2019_std_ha",
        "Category": "HighAvailability",
        "DBInstanceClass": "mssql.x4.medium.e2",
        "DBInstanceClassType": "d",
        "DBInstanceStatus": "Running",
        "LockMode": "Unlock",
        "LockReason": "",
        "DBInstanceStorage": 200,
        "DBInstanceDiskUsed": "1073741824",
        "DBInstanceStorageType": "cloud_essd",
        "DBInstanceType": "Primary",
        "DBInstanceMemory": 8192,
        "DBInstanceCPU": "4",
        "DBInstanceDescription": "destination of the sales migration",
        "DBMaxQuantity": 400,
        "AccountMaxQuantity": 999,
        "MaxConnections": 4000,
        "MaxIOPS": 20000,
        "ConnectionString": "rm-uf6wjk5xxxxxxx.sqlserver.rds.aliyuncs.com",
        "Port": "1433",
        "PayType": "Postpaid",
        "RegionId": "cn-shanghai",
        "ZoneId": "cn-shanghai-b",
        "ResourceGroupId": "rg-acfmy****",
        "MasterInstanceId": "",
        "DedicatedHostGroupId": "",
        "CreationTime": "2023-03-14T07:15:49Z",
        "ExpireTime": "",
        "ReadOnlyDBInstanceIds": {
            "ReadOnlyDBInstanceId": [{ "DBInstanceId": "rr-uf6wjk5aaaaaaa" }, { "DBInstanceId": "rr-uf6wjk5bbbbbbb" }],
        },
        "SlaveZones": { "SlaveZone": [{ "ZoneId": "cn-shanghai-c" }, { "ZoneId": "cn-shanghai-d" }] },
    });
    let answer = json!({
        "RequestId": "3C9D1C8B-4E9A-4F0E-9F57-2B1F1A0C7E11",
        "Items": { "DBInstanceAttribute": [attribute] },
    });
    serde_json::to_vec(&answer).expect("JSON values serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_prepared_reproducibly() {
        let a = prepared_import_request();
        let b = prepared_import_request();
        assert_eq!(a.url(), b.url());
        assert!(a.url().starts_with(ENDPOINT), "{}", a.url());
        assert_eq!(a.query()["Timestamp"], "2016-02-23T12:46:24Z");
        assert_eq!(a.query()["DBInfo"], r#"{"DBNames":{"sales":"sales_copy","inventory":"inventory"}}"#);
        let params = signed_parameters(&a);
        assert!(!params.contains_key("Signature"));
        let string_to_sign =
            rds_api::signing::string_to_sign(a.method(), &rds_api::signing::canonical_query_string(&params));
        assert_eq!(string_to_sign, a.string_to_sign());
        assert_eq!(rds_api::signing::sign(ACCESS_KEY_SECRET, &string_to_sign), a.signature());
    }
}
