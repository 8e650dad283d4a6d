//! The built-in demo state: two healthy SQL Server instances to migrate between, one instance breaking each
//! precondition of ImportDatabaseBetweenInstances, and a second account whose instance the first cannot see.
//!
//! The ids are fixed: the README's quickstart and the interop script rely on them.

use std::time::{Duration, SystemTime};

use crate::state::{AccessKey, Account, Database, Instance, Settings, State, StsCredential};

/// Name of the demo account.
pub const ACCOUNT: &str = "demo";
/// AccessKey ID of the demo account.
pub const ACCESS_KEY_ID: &str = "demo-access-key-id";
/// AccessKey secret of the demo account.
pub const ACCESS_KEY_SECRET: &str = "demo-access-key-secret";
/// STS AccessKey ID of the demo account.
pub const STS_ACCESS_KEY_ID: &str = "STS.demo-sts-access-key-id";
/// STS AccessKey secret of the demo account.
pub const STS_ACCESS_KEY_SECRET: &str = "demo-sts-access-key-secret";
/// STS security token of the demo account.
pub const STS_SECURITY_TOKEN: &str = "demo-sts-security-token";

/// Name of the second account.
pub const OTHER_ACCOUNT: &str = "other";
/// AccessKey ID of the second account.
pub const OTHER_ACCESS_KEY_ID: &str = "other-access-key-id";
/// AccessKey secret of the second account.
pub const OTHER_ACCESS_KEY_SECRET: &str = "other-access-key-secret";

/// Region of every demo instance.
pub const REGION: &str = "cn-hangzhou";

/// SQL Server 2019 SE, dedicated, Running, 100 GB, 8 GiB used: `sales` (5 GiB) and `inventory` (3 GiB).
pub const SOURCE: &str = "rm-demo-source";
/// SQL Server 2019 SE, dedicated, Running, 200 GB, 1 GiB used: `archive`.
pub const DESTINATION: &str = "rm-demo-destination";
/// Stopped (has a `sales` database): `IncorrectDBInstanceState`.
pub const STOPPED: &str = "rm-demo-stopped";
/// MySQL 8.0: `IncorrectDBInstanceType`.
pub const MYSQL: &str = "rm-demo-mysql";
/// Family `x` (general-purpose): `IncorrectDBInstanceType`.
pub const SHARED: &str = "rm-demo-shared";
/// SQL Server 2017 Enterprise Cluster Edition (`2017_ent`): `IncorrectEngineVersion`.
pub const SQLSERVER_2017_EE: &str = "rm-demo-2017ee";
/// Lock mode `ManualLock`: `IncorrectDBInstanceLockMode`.
pub const LOCKED: &str = "rm-demo-locked";
/// A destination with 10 GB and 9 GiB used, too small for the source: `InsufficientStorage`.
pub const FULL: &str = "rm-demo-full";
/// A source whose `sales` database is `Creating`: `InvalidDBName.NotFound`.
pub const BUSY_DB: &str = "rm-demo-busy-db";
/// The second account's instance, invisible to the demo account: `InvalidDBInstanceId.NotFound`.
pub const OTHER_INSTANCE: &str = "rm-other-instance";

const GIB: i64 = 1 << 30;

/// Creation time of the first demo instance, 2024-01-01T00:00:00Z; each next one was created an hour later.
const FIRST_CREATED_SECS: u64 = 1_704_067_200;

fn database(name: &str, size_bytes: i64, status: &str) -> Database {
    Database {
        name: name.into(),
        status: status.into(),
        size_bytes,
        character_set: "Chinese_PRC_CI_AS".into(),
        description: None,
    }
}

/// A healthy SQL Server 2019 SE dedicated instance holding `databases` (all Running); `used_bytes` is their
/// total.
fn sqlserver(id: &str, storage_gb: i64, databases: &[(&str, i64)]) -> Instance {
    let databases: Vec<Database> = databases.iter().map(|(name, size)| database(name, *size, "Running")).collect();
    Instance {
        region_id: REGION.into(),
        zone_id: "cn-hangzhou-h".into(),
        instance_class: Some("mssql.x4.medium.s2".into()),
        used_bytes: databases.iter().map(|db| db.size_bytes).sum(),
        databases,
        ..Instance::new(id, "SQLServer", "2019_std_ha", storage_gb)
    }
}

/// Gives `instances` creation times an hour apart, in their order, from 2024-01-01T00:00:00Z.
fn created_hourly(mut instances: Vec<Instance>, first_hour: u64) -> Vec<Instance> {
    for (hour, instance) in (first_hour..).zip(&mut instances) {
        instance.created_at = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(FIRST_CREATED_SECS + hour * 3600));
    }
    instances
}

/// The demo state (migrations take the library's default of 30 s of emulator clock).
pub fn state() -> State {
    let source = sqlserver(SOURCE, 100, &[("sales", 5 * GIB), ("inventory", 3 * GIB)]);
    let destination = sqlserver(DESTINATION, 200, &[("archive", GIB)]);
    let stopped = Instance { status: "Stopped".into(), ..sqlserver(STOPPED, 100, &[("sales", GIB)]) };
    let mysql = Instance {
        engine: "MySQL".into(),
        engine_version: "8.0".into(),
        instance_class: Some("mysql.x4.medium.2".into()),
        ..sqlserver(MYSQL, 100, &[("sales", GIB)])
    };
    let shared = Instance {
        class_type: "x".into(),
        instance_class: Some("mssql.x2.medium.e2".into()),
        ..sqlserver(SHARED, 100, &[("sales", GIB)])
    };
    let enterprise = Instance {
        engine_version: "2017_ent".into(),
        category: "AlwaysOn".into(),
        ..sqlserver(SQLSERVER_2017_EE, 100, &[("sales", GIB)])
    };
    let locked = Instance { lock_mode: "ManualLock".into(), ..sqlserver(LOCKED, 100, &[("sales", GIB)]) };
    let full = sqlserver(FULL, 10, &[("reports", 9 * GIB)]);
    let mut busy = sqlserver(BUSY_DB, 100, &[("sales", GIB), ("inventory", GIB)]);
    busy.databases[0].status = "Creating".into();

    State {
        settings: Settings::default(),
        accounts: vec![
            Account {
                name: ACCOUNT.into(),
                access_keys: vec![AccessKey { id: ACCESS_KEY_ID.into(), secret: ACCESS_KEY_SECRET.into() }],
                sts_credentials: vec![StsCredential {
                    access_key_id: STS_ACCESS_KEY_ID.into(),
                    access_key_secret: STS_ACCESS_KEY_SECRET.into(),
                    security_token: STS_SECURITY_TOKEN.into(),
                    expiration: None,
                }],
                instances: created_hourly(
                    vec![source, destination, stopped, mysql, shared, enterprise, locked, full, busy],
                    0,
                ),
            },
            Account {
                name: OTHER_ACCOUNT.into(),
                access_keys: vec![AccessKey { id: OTHER_ACCESS_KEY_ID.into(), secret: OTHER_ACCESS_KEY_SECRET.into() }],
                sts_credentials: Vec::new(),
                instances: created_hourly(vec![sqlserver(OTHER_INSTANCE, 100, &[("sales", GIB)])], 9),
            },
        ],
        ..State::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_state_is_consistent_and_as_documented() {
        let state = state();
        state.validate().unwrap();
        let source = state.instance(SOURCE).unwrap();
        assert_eq!(source.used_bytes, 8 * GIB);
        assert_eq!(state.instance(DESTINATION).unwrap().used_bytes, GIB);
        let full = state.instance(FULL).unwrap();
        assert!(full.free_bytes() <= source.used_bytes);
        assert_eq!(state.account(ACCOUNT).unwrap().instances.len(), 9);
        assert!(state.account(ACCOUNT).unwrap().instance(OTHER_INSTANCE).is_none());
    }
}
