//! Request preparation: build, validate, serialize and sign ImportDatabaseBetweenInstances into a signed URL
//! (`Client::prepare_at`, fixed credentials, nonce and timestamp, nothing sent; also `Client::prepare`, with a
//! fresh nonce and the current time like the official Python SDK); signing alone over the same
//! parameters; and HMAC-SHA1 of the string to sign alone, for reference.
//!
//! `cargo bench -p benchmarks --bench request_preparation`

use std::hint::black_box;
use std::time::Duration;

use benchmarks::fixtures::{self, ACCESS_KEY_SECRET, NONCE};
use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use rds_api::signing;
use sha1::Sha1;

fn preparation(c: &mut Criterion) {
    let client = fixtures::client();
    let timestamp = fixtures::timestamp();
    let request = fixtures::import_request().expect("the benchmark request is valid");

    let mut group = c.benchmark_group("request_preparation");
    group.bench_function("build_validate_serialize_sign", |b| {
        b.iter(|| {
            let request = fixtures::import_request().expect("valid");
            let prepared = client.prepare_at(black_box(&request), black_box(NONCE), timestamp).expect("valid");
            black_box(prepared)
        })
    });
    // What the official Python SDK's preparation does too: a fresh nonce (UUID v4) and the current time.
    group.bench_function("build_validate_serialize_sign_fresh_nonce", |b| {
        b.iter(|| {
            let request = fixtures::import_request().expect("valid");
            black_box(client.prepare(black_box(&request)).expect("valid"))
        })
    });
    group.bench_function("build_validate", |b| b.iter(|| black_box(fixtures::import_request().expect("valid"))));
    group.bench_function("prepare_at_built_request", |b| {
        b.iter(|| black_box(client.prepare_at(black_box(&request), black_box(NONCE), timestamp).expect("valid")))
    });
    group.finish();
}

fn signing_alone(c: &mut Criterion) {
    let prepared = fixtures::prepared_import_request();
    let params = fixtures::signed_parameters(&prepared);
    let string_to_sign = prepared.string_to_sign().to_owned();

    let mut group = c.benchmark_group("signing");
    group.bench_function("canonical_query_string_to_sign_sign", |b| {
        b.iter(|| {
            let canonical = signing::canonical_query_string(black_box(&params));
            let string_to_sign = signing::string_to_sign(prepared.method(), &canonical);
            black_box(signing::sign(black_box(ACCESS_KEY_SECRET), &string_to_sign))
        })
    });
    group.bench_function("sign_hmac_sha1_base64", |b| {
        b.iter(|| black_box(signing::sign(black_box(ACCESS_KEY_SECRET), black_box(&string_to_sign))))
    });
    let key = format!("{ACCESS_KEY_SECRET}&");
    group.bench_function("hmac_sha1_of_string_to_sign", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(black_box(key.as_bytes())).expect("any key length");
            mac.update(black_box(string_to_sign.as_bytes()));
            black_box(mac.finalize().into_bytes())
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = preparation, signing_alone
}
criterion_main!(benches);
