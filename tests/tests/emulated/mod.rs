//! What the tests against rds-emulator share: a demo emulator, a client for it, and import requests.
#![allow(dead_code)] // each test file uses its own part

use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{Client, Credentials, ImportDatabaseBetweenInstancesRequest as Import};
use rds_emulator::{Emulator, EmulatorHandle, State};

/// An emulator with the demo state on a free loopback port.
pub async fn emulator() -> EmulatorHandle {
    Emulator::start(State::demo()).await.expect("the emulator starts on a free loopback port")
}

/// A client of `emulator` with `credentials`.
pub fn client(emulator: &EmulatorHandle, credentials: Credentials) -> Client {
    Client::builder().endpoint(emulator.endpoint()).credentials(credentials).build().unwrap()
}

/// A valid import request.
pub fn import(destination: &str, source: &str, names: DbNames) -> Import {
    Import::builder()
        .db_instance_id(destination)
        .source_db_instance_id(source)
        .db_info(DbInfo { db_names: names })
        .build()
        .unwrap()
}

/// DBInfo renaming each `(source, destination)` pair.
pub fn renamed(pairs: &[(&str, &str)]) -> DbNames {
    DbNames::Renamed(pairs.iter().map(|(s, d)| (s.to_string(), d.to_string())).collect())
}
