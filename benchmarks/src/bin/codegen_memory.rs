//! Time and peak heap of the generator (`codegen::generate`: load, check, model, emit) for the real spec
//! set and synthetic sets of 100, 250, 500 and 1,000 operations, and how both grow from 100 to 1,000.
//!
//! `cargo run --release -p benchmarks --bin codegen_memory`
//!
//! Heap is counted by a global allocator wrapping the system one; the peak is the most memory held at once
//! during a generation, over what was held before it started. Time is the median of a few runs, in wall-clock
//! time and (on Unix) in CPU time of the generating thread, which other processes do not inflate. The
//! counting makes every allocation a little dearer: the criterion benchmark `codegen_scale` gives the
//! uninstrumented time. The last
//! columns break the time down into the steps `codegen::generate` chains (load and check, model, emit),
//! timed in separate runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use benchmarks::{real_specs_dir, write_synthetic_specs};
use codegen::Settings;

/// The system allocator, counting the bytes currently allocated and the most ever allocated at once.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

impl Counting {
    fn grew(by: usize) {
        let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
        PEAK.fetch_max(now, Ordering::Relaxed);
    }

    fn shrank(by: usize) {
        CURRENT.fetch_sub(by, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; the counters have no effect on it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` are passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            Counting::grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            Counting::grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through this wrapper) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        Counting::shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` with `layout`; the caller guarantees `new_size`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size > layout.size() {
                Counting::grew(new_size - layout.size());
            } else {
                Counting::shrank(layout.size() - new_size);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Timed runs of `codegen::generate` per set; the median is reported.
const RUNS: usize = 5;
/// Timed runs of the steps one by one per set, for the breakdown; medians are reported.
const STEP_RUNS: usize = 3;
/// Sizes of the synthetic sets.
const SIZES: [usize; 4] = [100, 250, 500, 1000];

/// One set's figures.
struct Measurement {
    label: String,
    operations: usize,
    time: Duration,
    /// Median CPU time of this thread, where the system tells it.
    cpu: Option<Duration>,
    peak_bytes: usize,
    output_bytes: usize,
    /// Median times of load + check, model, emit.
    steps: [Duration; 3],
}

/// Generates `dir` [`RUNS`] times: the median time, the largest peak over the baseline, the output size.
fn measure(label: String, dir: &Path) -> Measurement {
    let settings = Settings::new();
    let mut times = Vec::with_capacity(RUNS);
    let mut cpu_times = Vec::with_capacity(RUNS);
    let mut peak_bytes = 0;
    let mut output_bytes = 0;
    let mut operations = 0;
    for _ in 0..RUNS {
        let baseline = CURRENT.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
        let (start, cpu_start) = (Instant::now(), process_cpu_time());
        let files = codegen::generate(dir, &settings).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        times.push(start.elapsed());
        if let (Some(before), Some(after)) = (cpu_start, process_cpu_time()) {
            cpu_times.push(after.saturating_sub(before));
        }
        peak_bytes = peak_bytes.max(PEAK.load(Ordering::Relaxed) - baseline);
        output_bytes = files.iter().map(|f| f.contents.len()).sum();
        // Every operation is one generated file, besides `mod.rs` and the shared `models.rs`.
        operations = files.iter().filter(|f| f.name != "mod.rs" && f.name != "models.rs").count();
        drop(files);
    }
    times.sort();
    cpu_times.sort();
    let cpu = (cpu_times.len() == RUNS).then(|| cpu_times[RUNS / 2]);
    let steps = steps(dir, &settings);
    Measurement { label, operations, time: times[RUNS / 2], cpu, peak_bytes, output_bytes, steps }
}

/// The CPU time this process has run, all threads together (`CLOCK_PROCESS_CPUTIME_ID`; codegen emits on
/// every core), where the system has that clock. Unlike the wall-clock time, it does not grow when other
/// processes compete for the CPU.
#[cfg(unix)]
fn process_cpu_time() -> Option<Duration> {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec for the duration of the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    let secs = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    (status == 0).then(|| Duration::new(secs, nanos))
}

/// Not measured on this system.
#[cfg(not(unix))]
fn process_cpu_time() -> Option<Duration> {
    None
}

/// The median times of the steps `codegen::generate` chains: load and check, model, emit.
fn steps(dir: &Path, settings: &Settings) -> [Duration; 3] {
    let mut runs: [Vec<Duration>; 3] = Default::default();
    for _ in 0..STEP_RUNS {
        let start = Instant::now();
        let set = codegen::load::load_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let loaded = Instant::now();
        let api = codegen::model::build(&set).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let modelled = Instant::now();
        let files = codegen::emit::emit(&api, settings);
        let emitted = Instant::now();
        drop(files);
        runs[0].push(loaded - start);
        runs[1].push(modelled - loaded);
        runs[2].push(emitted - modelled);
    }
    runs.map(|mut times| {
        times.sort();
        times[STEP_RUNS / 2]
    })
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

/// How a figure grows from 100 to 1,000 operations, from the ratio of the two.
fn growth(ratio: f64) -> &'static str {
    match ratio {
        r if r < 8.0 => "sublinear",
        r if r <= 12.5 => "linear",
        _ => "superlinear",
    }
}

fn main() {
    let real = real_specs_dir();
    let temp = tempfile::tempdir().expect("a temporary directory");
    let mut dirs = vec![("real".to_owned(), real.clone())];
    for size in SIZES {
        let dir = temp.path().join(format!("ops-{size}"));
        write_synthetic_specs(&real, &dir, size).expect("the synthetic specs are written");
        dirs.push((format!("synthetic {size}"), dir));
    }

    // One untimed generation, so that lazily initialised state (regexes, the allocator's arenas) is not
    // charged to the first set.
    let _ = codegen::generate(&real, &Settings::new());

    let results: Vec<Measurement> = dirs.into_iter().map(|(label, dir)| measure(label, &dir)).collect();

    println!("codegen::generate (load, check, model, emit), median of {RUNS} runs, release build");
    println!();
    println!(
        "| set | operations | time (ms) | CPU time (ms) | peak heap (MB) | time per operation (ms) | heap per operation (MB) \
         | generated code (MB) | load + check (ms) | model (ms) | emit (ms) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for m in &results {
        println!(
            "| {} | {} | {:.1} | {} | {:.1} | {:.3} | {:.3} | {:.2} | {:.1} | {:.1} | {:.1} |",
            m.label,
            m.operations,
            ms(m.time),
            m.cpu.map_or_else(|| "n/a".to_owned(), |cpu| format!("{:.1}", ms(cpu))),
            mb(m.peak_bytes),
            ms(m.time) / m.operations as f64,
            mb(m.peak_bytes) / m.operations as f64,
            mb(m.output_bytes),
            ms(m.steps[0]),
            ms(m.steps[1]),
            ms(m.steps[2]),
        );
    }

    let of = |n: usize| results.iter().find(|m| m.label == format!("synthetic {n}")).expect("measured");
    let (small, large) = (of(100), of(1000));
    let time_ratio = large.time.as_secs_f64() / small.time.as_secs_f64();
    let heap_ratio = large.peak_bytes as f64 / small.peak_bytes as f64;
    println!();
    println!("growth from 100 to 1000 operations (10x; linear is about 10):");
    println!("  time      x{time_ratio:.1} ({})", growth(time_ratio));
    if let (Some(small_cpu), Some(large_cpu)) = (small.cpu, large.cpu) {
        let cpu_ratio = large_cpu.as_secs_f64() / small_cpu.as_secs_f64();
        println!("  CPU time  x{cpu_ratio:.1} ({})", growth(cpu_ratio));
    }
    println!("  peak heap x{heap_ratio:.1} ({})", growth(heap_ratio));
    // On a busy machine the wall-clock time includes waiting for the CPU; the thread's CPU time does not.
    let (figure, what) = match large.cpu {
        Some(cpu) => (cpu, "CPU time"),
        None => (large.time, "wall-clock time"),
    };
    println!(
        "target: 1000 operations under 1 s: {} ({what} {:.0} ms, wall-clock {:.0} ms)",
        if figure < Duration::from_secs(1) { "met" } else { "not met" },
        ms(figure),
        ms(large.time)
    );
}
