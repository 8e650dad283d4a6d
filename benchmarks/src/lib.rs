//! Helpers of the rds-api benchmarks: synthetic spec sets for the generator at scale, and the requests and
//! responses the runtime benchmarks measure.
//!
//! The benchmarks themselves are in `benches/` (criterion) and `src/bin/` (peak memory); `BENCHMARKS.md` at
//! the repository root says how to run each and what they measured.

pub mod fixtures;
pub mod synthetic;

use std::path::PathBuf;

pub use synthetic::write_synthetic_specs;

/// The real spec directory of the workspace (`api-specs/`).
pub fn real_specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("api-specs")
}
