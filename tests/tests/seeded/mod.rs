//! The settings of every property test in the workspace: a seed that is printed, so that a failing run can be
//! replayed exactly. Included by path (`mod seeded;`, or `#[path = ...]` from another crate's tests).
//!
//! Each test draws its seed from `PROPTEST_RNG_SEED` when set, else at random, and prints it on standard
//! error; the test harness shows that output only for a failing test:
//!
//! ```text
//! proptest seed 8121939154519458141 (replay: PROPTEST_RNG_SEED=8121939154519458141)
//! ```

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use proptest::test_runner::{Config, RngSeed};

/// `cases` cases from a printed seed, without regression files (a failure's shrunk input is printed too: add
/// it as a fixed case next to the property).
pub fn config(cases: u32) -> Config {
    let seed = match std::env::var("PROPTEST_RNG_SEED") {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| panic!("PROPTEST_RNG_SEED must be a u64, not {text:?}")),
        // std's hasher keys are random per `RandomState`: a seed without a random-number crate.
        Err(_) => RandomState::new().hash_one(std::process::id()),
    };
    eprintln!("proptest seed {seed} (replay: PROPTEST_RNG_SEED={seed})");
    Config { cases, failure_persistence: None, rng_seed: RngSeed::Fixed(seed), ..Config::default() }
}
