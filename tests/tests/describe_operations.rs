//! The Describe operations used around a migration, decoding answers shaped like the service's own samples.

#[path = "../../rds-api/tests/support/mod.rs"]
mod support;

use rds_api::describe_databases::DatabaseStatus;
use rds_api::describe_db_instance_attribute::{Engine, InstanceFamily, InstanceStatus, LockMode};
use rds_api::{
    Client, Credentials, DescribeDatabasesRequest, DescribeDbInstanceAttributeRequest, DescribeResourceUsageRequest,
};
use support::{CannedResponse, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder().credentials(Credentials::new("id", "secret")).endpoint(server.url()).build().unwrap()
}

#[tokio::test]
async fn instance_attributes_decode_from_the_wrapped_list() {
    let body = r#"{"RequestId":"attr-1","Items":{"DBInstanceAttribute":[{
        "DBInstanceId":"rm-src","Engine":"SQLServer","EngineVersion":"2019_std_ha","Category":"HighAvailability",
        "DBInstanceClassType":"d","DBInstanceStatus":"TransingToOthers","LockMode":"Unlock","DBInstanceStorage":100,
        "DBInstanceDiskUsed":"8589934592","DBInstanceMemory":"8192","RegionId":"cn-hangzhou","ZoneId":"cn-hangzhou-h",
        "ReadOnlyDBInstanceIds":{"ReadOnlyDBInstanceId":[{"DBInstanceId":"rr-1"}]},
        "SlaveZones":{"SlaveZone":[{"ZoneId":"cn-hangzhou-i"}]},"SomethingNew":{"x":[1]}}]}}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id("rm-src").build().unwrap();

    let response = client(&server).send(&request).await.unwrap();

    assert_eq!(response.instances.len(), 1);
    let instance = &response.instances[0];
    assert_eq!(instance.engine, Some(Engine::SqlServer));
    assert_eq!(instance.db_instance_class_type, Some(InstanceFamily::Dedicated));
    assert_eq!(instance.db_instance_status, Some(InstanceStatus::TransingToOthers));
    assert_eq!(instance.lock_mode, Some(LockMode::Unlock));
    assert_eq!(instance.db_instance_storage, Some(100));
    assert_eq!(instance.db_instance_memory, Some(8192));
    assert_eq!(instance.db_instance_disk_used.as_deref(), Some("8589934592"));
    assert_eq!(instance.read_only_instances[0].db_instance_id, "rr-1");
    assert_eq!(instance.secondary_zones[0].zone_id, "cn-hangzhou-i");
    assert_eq!(server.requests()[0].query_params()["Action"], "DescribeDBInstanceAttribute");
}

#[tokio::test]
async fn databases_and_resource_usage_decode() {
    let body = r#"{"RequestId":"db-1","Databases":{"Database":[
        {"DBName":"sales","DBStatus":"Running","Engine":"SQLServer","CharacterSetName":"Chinese_PRC_CI_AS",
         "Accounts":{"AccountPrivilegeInfo":[{"Account":"app","AccountPrivilege":"ReadWrite"}]}},
        {"DBName":"archive","DBStatus":"Offline"}]}}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let request = DescribeDatabasesRequest::builder().db_instance_id("rm-dest").build().unwrap();
    let response = client(&server).send(&request).await.unwrap();
    assert_eq!(response.databases.len(), 2);
    assert_eq!(response.databases[0].db_status, Some(DatabaseStatus::Running));
    assert_eq!(response.databases[0].accounts[0].account, "app");
    assert_eq!(response.databases[1].db_status, Some(DatabaseStatus::Unknown("Offline".to_owned())));

    let body = r#"{"RequestId":"ru-1","DBInstanceId":"rm-src","DiskUsed":8589934592,"DataSize":"8000000000",
        "LogSize":589934592,"BackupSize":-1,"BackupEcsSnapshotSize":"0"}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let request = DescribeResourceUsageRequest::builder().db_instance_id("rm-src").build().unwrap();
    let usage = client(&server).send(&request).await.unwrap();
    assert_eq!(usage.disk_used, Some(8_589_934_592));
    assert_eq!(usage.data_size, Some(8_000_000_000));
    assert_eq!(usage.backup_size, Some(-1));
    assert_eq!(usage.sql_size, None);
}
