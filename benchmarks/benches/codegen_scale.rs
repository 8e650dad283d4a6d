//! Codegen at scale: load, check, model and emit (`codegen::generate`) the real spec set and synthetic sets
//! of 100, 250, 500 and 1,000 operations made from it. The synthetic sets are written to a temporary
//! directory before anything is measured. Throughput is in operations per second.
//!
//! `cargo bench -p benchmarks --bench codegen_scale`

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use benchmarks::{real_specs_dir, write_synthetic_specs};
use codegen::Settings;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};

/// Sizes of the synthetic sets.
const SIZES: [usize; 4] = [100, 250, 500, 1000];

fn generate(dir: &Path, settings: &Settings) -> Vec<codegen::GeneratedFile> {
    codegen::generate(dir, settings).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
}

fn codegen_scale(c: &mut Criterion) {
    let real = real_specs_dir();
    let real_operations = codegen::load::load_dir(&real).expect("the real specs load").operations.len();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let synthetic: Vec<_> = SIZES
        .iter()
        .map(|&size| {
            let dir = temp.path().join(format!("ops-{size}"));
            write_synthetic_specs(&real, &dir, size).expect("the synthetic specs are written");
            (size, dir)
        })
        .collect();
    let settings = Settings::new();

    let mut group = c.benchmark_group("codegen_scale");
    // Each iteration takes milliseconds to a second: few, equal samples.
    group.sampling_mode(SamplingMode::Flat).sample_size(10).warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(real_operations as u64));
    group.bench_function(BenchmarkId::new("real", real_operations), |b| {
        b.iter(|| black_box(generate(black_box(&real), &settings)))
    });
    for (size, dir) in &synthetic {
        // At least 10 runs are made; about 30 ms per operation leaves room for them on a slow machine.
        group.measurement_time(Duration::from_secs(3).max(Duration::from_millis(30 * *size as u64)));
        group.throughput(Throughput::Elements(*size as u64));
        group.bench_function(BenchmarkId::new("synthetic", size), |b| {
            b.iter(|| black_box(generate(black_box(dir), &settings)))
        });
    }
    group.finish();
}

criterion_group!(benches, codegen_scale);
criterion_main!(benches);
