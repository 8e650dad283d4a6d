//! Support for the workspace-level integration tests (`tests/tests/`): code generated from the fixture specs
//! under `tests/fixtures/specs/` (compiled here, so the generator's output is checked by the compiler as well
//! as by the snapshot diff) and an independent signature verifier.
#![deny(missing_docs)]

// Printed by prettyplease, not rustfmt: `cargo fmt` must leave it byte-identical to what codegen writes.
#[rustfmt::skip]
pub mod fixture_api;
/// Code generated from `tests/fixtures/edge-specs/`: names and shapes that must compile.
#[rustfmt::skip]
pub mod edge_api;
pub mod signature;
pub mod wire;
