//! DescribeDBInstanceAttribute and DescribeResourceUsage: what an instance is and how much it stores.

use serde_json::{json, Value};

use super::{decode, Ctx, Params, Reply};
use crate::state::Instance;

pub(super) fn describe_db_instance_attribute(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DescribeDbInstanceAttributeRequest>(params)?;
    // The service takes several comma-separated IDs (slowly); every one must be visible.
    let mut items = Vec::new();
    for id in req.db_instance_id.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        items.push(attribute(ctx.instance(id)?));
    }
    if items.is_empty() {
        return Err(crate::errors::ApiError::instance_not_found(&req.db_instance_id));
    }
    Ok(json!({ "Items": { "DBInstanceAttribute": items } }))
}

/// `LockReason`: empty when the instance is not locked.
pub(super) fn lock_reason(instance: &Instance) -> &'static str {
    if instance.lock_mode == "Unlock" {
        ""
    } else {
        "The instance is locked."
    }
}

/// One `DBInstanceAttribute` element, with the service's field names and types.
fn attribute(instance: &Instance) -> Value {
    let mut attribute = json!({
        "DBInstanceId": instance.id,
        "Engine": instance.engine,
        "EngineVersion": instance.engine_version,
        "DBInstanceClassType": instance.class_type,
        "DBInstanceClass": instance.instance_class.as_deref().unwrap_or_default(),
        "Category": instance.category,
        "DBInstanceStatus": instance.status,
        "LockMode": instance.lock_mode,
        "LockReason": lock_reason(instance),
        "DBInstanceStorage": instance.storage_gb,
        // A string on the wire, in bytes according to the current docs.
        "DBInstanceDiskUsed": instance.used_bytes.to_string(),
        "DBInstanceStorageType": "cloud_essd",
        "DBInstanceType": "Primary",
        "DBInstanceDescription": instance.description.as_deref().unwrap_or_default(),
        "PayType": "Postpaid",
        "RegionId": instance.region_id,
        "ZoneId": instance.zone_id,
        "ReadOnlyDBInstanceIds": { "ReadOnlyDBInstanceId": [] },
        "SlaveZones": { "SlaveZone": [] },
    });
    // Only when the state knows it.
    if let Some(created) = instance.created_at {
        attribute["CreationTime"] = humantime::format_rfc3339_seconds(created).to_string().into();
    }
    attribute
}

pub(super) fn describe_resource_usage(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DescribeResourceUsageRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    // DiskUsed = DataSize + LogSize: data is what the databases hold (never more than is used), logs the rest.
    let data: i64 = instance.databases.iter().map(|db| db.size_bytes).sum::<i64>().clamp(0, instance.used_bytes.max(0));
    let log = instance.used_bytes.max(0) - data;
    Ok(json!({
        "DBInstanceId": instance.id,
        "Engine": instance.engine,
        "DiskUsed": instance.used_bytes,
        "DataSize": data,
        "LogSize": log,
        "SQLSize": 0,
        "BackupSize": 0,
        "BackupDataSize": 0,
        "BackupLogSize": 0,
        "BackupOssDataSize": 0,
        "BackupOssLogSize": 0,
        "ColdBackupSize": 0,
        "ArchiveBackupSize": 0,
        "PaidBackupSize": 0,
        "BackupEcsSnapshotSize": "0",
    }))
}
