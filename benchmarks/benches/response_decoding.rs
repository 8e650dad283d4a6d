//! Response decoding: a DescribeDBInstances page of 100 instances and a DescribeDBInstanceAttribute answer,
//! from bytes to the SDK's response types (`rds_api::runtime::de::from_slice`), per response and in MB/s.
//!
//! `cargo bench -p benchmarks --bench response_decoding`

use std::hint::black_box;
use std::time::Duration;

use benchmarks::fixtures;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rds_api::runtime::de;
use rds_api::{DescribeDbInstanceAttributeResponse, DescribeDbInstancesResponse};

fn decoding(c: &mut Criterion) {
    let page = fixtures::describe_db_instances_page(100);
    let attribute = fixtures::describe_db_instance_attribute();

    let mut group = c.benchmark_group("response_decoding");
    // Decimal bytes, so that criterion prints MB/s (10^6 bytes), the unit of the target.
    group.throughput(Throughput::BytesDecimal(page.len() as u64));
    group.bench_function("describe_db_instances_100", |b| {
        b.iter(|| {
            let page: DescribeDbInstancesResponse = de::from_slice(black_box(&page)).expect("decodes");
            black_box(page)
        })
    });
    group.throughput(Throughput::BytesDecimal(attribute.len() as u64));
    group.bench_function("describe_db_instance_attribute", |b| {
        b.iter(|| {
            let answer: DescribeDbInstanceAttributeResponse = de::from_slice(black_box(&attribute)).expect("decodes");
            black_box(answer)
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
    targets = decoding
}
criterion_main!(benches);
