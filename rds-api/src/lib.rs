//! Typed, validated client for the Alibaba Cloud ApsaraDB RDS API (2014-08-15).
//!
//! Every operation is generated from the YAML specs under `api-specs/` (see [`operations`]): a request type
//! whose builder checks every documented constraint, a response type decoded leniently, and an error-code
//! enum. One [`Client`] signs (Alibaba's RPC HMAC-SHA1 scheme by default, or ACS3-HMAC-SHA256: see
//! [`signing`]), sends and decodes every operation.
//!
//! ```no_run
//! use rds_api::import_database_between_instances::{DbInfo, DbNames};
//! use rds_api::{Client, Credentials, ImportDatabaseBetweenInstancesRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .credentials(Credentials::new("LTAI...", "secret"))
//!     .build()?;
//! let request = ImportDatabaseBetweenInstancesRequest::builder()
//!     .db_instance_id("rm-destination")
//!     .source_db_instance_id("rm-source")
//!     .db_info(DbInfo {
//!         db_names: DbNames::Renamed(vec![("sales".into(), "sales_copy".into())]),
//!     })
//!     .build()?; // every violated constraint at once, before any I/O
//! let response = client.send(&request).await?;
//! println!("import {} started (request {})", response.import_id, response.request_id);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

// Generated code names the runtime as `::rds_api::runtime`, so that the same code compiles in this crate and
// in any other crate generated from specs.
extern crate self as rds_api;

pub mod client;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod retry;
pub mod runtime;
pub mod signing;
pub mod workflow;

// Printed by prettyplease, not rustfmt: `cargo fmt` must leave it byte-identical to what codegen writes.
#[rustfmt::skip]
#[path = "generated/mod.rs"]
pub mod operations;

pub use client::{BuildError, Client, ClientBuilder, PreparedRequest};
pub use credentials::{Credentials, CredentialsChain, CredentialsError};
pub use error::{Error, ResponseError, ServiceError, TransportError};
pub use operations::*;
pub use retry::{FailureKind, RetryPolicy};
pub use runtime::{Rule, ValidationError, Violation};
pub use signing::SignatureVersion;

// The README's examples are compiled as doc tests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
