//! The stable interface that generated operations call.
//!
//! Everything code under `rds_api::generated` (or a crate generated from other specs) needs lives here:
//!
//! * [`Operation`] and [`ErrorCode`], the traits every generated request type and error-code enum implement;
//! * [`Params`] and [`ParamValue`], which turn a request into flat wire parameters (`Name`, `Name.1`, JSON text);
//! * [`Validator`], which collects every constraint violation of a request before any I/O, as a
//!   [`ValidationError`];
//! * [`Paginated`], implemented by requests whose spec declares `pagination:`;
//! * [`de`], lenient response decoding (numbers as strings, strings as numbers, wrapped lists);
//! * [`json`], serialization helpers for JSON-typed parameters;
//! * [`FromParams`] and [`ParamReader`], the server side: wire parameters back into a generated request
//!   (generated impls exist with the crate's `server` feature);
//! * re-exports of [`serde`] and [`serde_json`], so generated code can name them as
//!   `::rds_api::runtime::serde` without depending on them itself.
//!
//! Paths here are part of the generator's contract: renaming anything breaks generated code.

pub use ::serde;
pub use ::serde_json;

pub mod de;
mod from_params;
pub mod json;
mod operation;
mod paginate;
mod params;
mod validate;

pub use from_params::{parse_bool, FromFlat, FromParams, ParamReader, ServerOperation};
pub use operation::{ErrorCode, Location, Method, Operation};
pub use paginate::{next_page_number, NextPage, Paginated};
pub use params::{flat_name, FlatObject, ParamValue, Params};

/// Any JSON value: the type of values whose shape the service does not declare (`type: any` in the specs).
pub type JsonValue = serde_json::Value;
pub use validate::{Redacted, Rule, ValidationError, Validator, Violation};
