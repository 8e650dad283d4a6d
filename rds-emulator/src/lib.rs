//! A local ApsaraDB RDS endpoint for tests and demos, like LocalStack or moto for AWS.
//!
//! It speaks the real RPC protocol: every request must be signed, with HMAC-SHA1 (V1) or ACS3-HMAC-SHA256 (V3),
//! by a known AccessKey (or STS credentials and their token), within 15 minutes, with a fresh nonce; parameters are decoded and
//! validated by the same generated code as the `rds-api` client's; answers and errors have the service's
//! shapes, codes and statuses. It keeps real state: accounts, instances, databases and the database accounts
//! with their privileges (passwords only as salted hashes), and migrations (ImportDatabaseBetweenInstances)
//! that run on an emulator clock a test moves by hand. An operation of the API that it does not emulate is
//! still validated by the generated code before it is answered `UnsupportedOperation`.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use rds_api::import_database_between_instances::{DbInfo, DbNames};
//! use rds_api::{Client, ImportDatabaseBetweenInstancesRequest};
//! use rds_emulator::{demo, Emulator, State};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start(State::demo()).await?;
//! let client = Client::builder().endpoint(emulator.endpoint()).credentials(emulator.demo_credentials()).build()?;
//!
//! let request = ImportDatabaseBetweenInstancesRequest::builder()
//!     .db_instance_id(demo::DESTINATION)
//!     .source_db_instance_id(demo::SOURCE)
//!     .db_info(DbInfo { db_names: DbNames::Renamed(vec![("sales".into(), "sales_copy".into())]) })
//!     .build()?;
//! client.send(&request).await?;
//! assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "ImportingFromOthers");
//!
//! emulator.advance(Duration::from_secs(30)); // no sleeping: the clock is manual
//! let destination = emulator.state().instance(demo::DESTINATION).unwrap().clone();
//! assert_eq!(destination.status, "Running");
//! assert!(destination.database("sales_copy").is_some());
//! assert_eq!(emulator.processed("ImportDatabaseBetweenInstances"), 1);
//! # Ok(()) }
//! ```
//!
//! The binary (`rds-emulator --help`) serves the same emulator to tests written in any language: they use the
//! official SDKs for RPC, and a small HTTP control API on the same port, under `/_emulator/`, to inject faults,
//! read the per-Action counters, move the clock and read, replace, save or reset the state.
//!
//! The crate's README lists every error code, the control API, the state file format and the binary.
#![deny(missing_docs)]

mod auth;
pub mod clock;
mod control;
mod counters;
pub mod demo;
mod emulator;
mod errors;
pub mod faults;
mod handlers;
mod migration;
mod pipeline;
mod regions;
mod routing;
mod rules;
mod server;
pub mod state;

pub use clock::{Clock, ClockMode};
pub use emulator::{Emulator, EmulatorHandle};
pub use faults::{Fault, FaultKind, Faults};
pub use state::{
    AccessKey, Account, Database, DbAccount, Grant, Import, ImportStatus, ImportedDatabase, Instance, Password,
    Settings, State, StateError, StsCredential,
};

/// The actions the emulator emulates, with state, sorted. Every other action of the specs is decoded and
/// validated by the generated code and answered `UnsupportedOperation`.
pub fn emulated_actions() -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = handlers::TABLE.iter().map(|(action, _)| *action).collect();
    actions.sort_unstable();
    actions
}

// The README's examples are compiled as doc tests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
