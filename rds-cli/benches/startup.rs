//! Start-up of the `rds` binary: process start to exit of `rds --help` and of `rds DescribeDBInstances
//! --dryrun …` (parse, validate, resolve credentials, sign, print), timed over many runs.
//!
//! `cargo bench -p rds-cli --bench startup` (`STARTUP_RUNS=<n>`, default 200). It prints the minimum, the
//! median and the 95th percentile of each command's wall-clock time. Nothing goes to the network: the dry
//! run only signs.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn time(args: &[&str], runs: usize) -> Vec<Duration> {
    let bin = env!("CARGO_BIN_EXE_rds");
    let mut times = Vec::with_capacity(runs);
    // One unmeasured run to warm the page cache.
    for n in 0..=runs {
        let home = std::env::temp_dir();
        let started = Instant::now();
        let status = Command::new(bin)
            .args(args)
            .env("HOME", &home)
            .env_remove("ALIBABA_CLOUD_PROFILE")
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "bench-id")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "bench-secret")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("rds runs");
        let elapsed = started.elapsed();
        assert!(status.success(), "rds {args:?} failed: {status}");
        if n > 0 {
            times.push(elapsed);
        }
    }
    times.sort();
    times
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo bench` passes `--bench`; any filter argument is ignored: there are two fixed measurements.
    let runs: usize = std::env::var("STARTUP_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(200).max(1);
    let cases: [(&str, &[&str]); 2] = [
        ("rds --help", &["--help"]),
        (
            "rds DescribeDBInstances --dryrun",
            &["DescribeDBInstances", "--RegionId", "cn-hangzhou", "--PageSize", "30", "--dryrun"],
        ),
    ];
    println!("{runs} runs each, process start to exit");
    for (name, args) in cases {
        let t = time(args, runs);
        let p95 = t[(t.len() * 95 / 100).min(t.len() - 1)];
        println!(
            "{name:<36} min {:>6.2} ms   median {:>6.2} ms   p95 {:>6.2} ms",
            ms(t[0]),
            ms(t[t.len() / 2]),
            ms(p95)
        );
    }
}
