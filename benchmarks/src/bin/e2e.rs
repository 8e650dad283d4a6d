//! End to end: N calls of DescribeDBInstanceAttribute at concurrency C against rds-emulator, with rds-api and
//! with a bare reqwest loop sending requests rds-api signed beforehand, to show the SDK's own overhead.
//!
//! ```text
//! cargo run --release -p benchmarks --bin e2e -- [--calls N] [--concurrency C] [--rounds R] [--warmup W]
//!     [--endpoint http://127.0.0.1:PORT --access-key-id ID --access-key-secret SECRET]
//! ```
//!
//! Without `--endpoint` it starts the emulator in-process (demo state, on its own Tokio runtime). With it, it
//! talks to a running emulator (`benchmarks/e2e.sh` starts the binary once and runs this and the official
//! Python SDK against it).
//!
//! - **rds-api**: one shared [`Client`]; each call builds the request, and [`Client::send`] validates, signs
//!   (fresh nonce and timestamp), sends and decodes it.
//! - **bare reqwest**: all the calls of a round are signed up front with [`Client::prepare`] (each has its own
//!   nonce: the emulator refuses a nonce used twice), then a plain [`reqwest::Client`] sends their URLs as
//!   rds-api does (`POST`, empty body, the same headers) and reads the whole body; nothing is decoded.
//!
//! C tasks take the next call from a shared counter until N calls are done. A round runs W warm-up calls
//! (not measured; default N/10), then N measured calls, for each client in turn (alternating which goes
//! first); the figures are those of each client's median round by throughput. Latency is per call, from
//! before building the request to the decoded answer (the whole body, for the bare loop); p50 and p99 are
//! nearest-rank percentiles. Besides a readable report it prints one machine-readable line per client:
//!
//! ```text
//! RESULT client=rds-api calls=2000 concurrency=8 calls_per_s=... p50_us=... p99_us=...
//! RESULT client=bare-reqwest calls=2000 concurrency=8 calls_per_s=... p50_us=... p99_us=...
//! ```

use std::error::Error as StdError;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rds_api::runtime::Method;
use rds_api::{Client, Credentials, DescribeDbInstanceAttributeRequest, PreparedRequest};

/// The demo instance every call describes.
const INSTANCE: &str = rds_emulator::demo::SOURCE;

const USAGE: &str = "usage: e2e [--calls N] [--concurrency C] [--rounds R] [--warmup W]
           [--endpoint http://127.0.0.1:PORT --access-key-id ID --access-key-secret SECRET]

  --calls N          measured calls per round and client (default 2000)
  --concurrency C    calls in flight (default 8)
  --rounds R         rounds; each client's median round is reported (default 3)
  --warmup W         unmeasured calls before each measured run (default N/10, at least C)
  --endpoint URL     a running emulator (default: start one in-process, with the demo state)
  --access-key-id, --access-key-secret
                     its credentials (default: the demo AccessKey)";

type BoxError = Box<dyn StdError + Send + Sync>;

/// The command line.
#[derive(Debug, PartialEq)]
struct Args {
    calls: usize,
    concurrency: usize,
    rounds: usize,
    warmup: Option<usize>,
    endpoint: Option<String>,
    access_key_id: String,
    access_key_secret: String,
}

impl Default for Args {
    fn default() -> Self {
        Args {
            calls: 2000,
            concurrency: 8,
            rounds: 3,
            warmup: None,
            endpoint: None,
            access_key_id: rds_emulator::demo::ACCESS_KEY_ID.to_owned(),
            access_key_secret: rds_emulator::demo::ACCESS_KEY_SECRET.to_owned(),
        }
    }
}

impl Args {
    /// Parses the arguments (without the program name); `Ok(None)` for `--help`.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
        let mut parsed = Args::default();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            let count = |name: &str, text: String| -> Result<usize, String> {
                text.parse().map_err(|_| format!("{name}: not a whole number: {text}"))
            };
            match arg.as_str() {
                "--calls" => parsed.calls = count("--calls", value("--calls")?)?,
                "--concurrency" => parsed.concurrency = count("--concurrency", value("--concurrency")?)?,
                "--rounds" => parsed.rounds = count("--rounds", value("--rounds")?)?,
                "--warmup" => parsed.warmup = Some(count("--warmup", value("--warmup")?)?),
                "--endpoint" => parsed.endpoint = Some(value("--endpoint")?),
                "--access-key-id" => parsed.access_key_id = value("--access-key-id")?,
                "--access-key-secret" => parsed.access_key_secret = value("--access-key-secret")?,
                "-h" | "--help" => return Ok(None),
                other => return Err(format!("unknown argument {other}")),
            }
        }
        if parsed.calls == 0 || parsed.concurrency == 0 || parsed.rounds == 0 {
            return Err("--calls, --concurrency and --rounds must be at least 1".into());
        }
        Ok(Some(parsed))
    }

    /// Unmeasured calls before each measured run.
    fn warmup(&self) -> usize {
        self.warmup.unwrap_or_else(|| (self.calls / 10).max(self.concurrency))
    }
}

/// What one measured run of one client gave.
#[derive(Clone, Debug, PartialEq)]
struct Run {
    /// Calls per second of wall time.
    throughput: f64,
    /// Median latency.
    p50: Duration,
    /// 99th percentile latency.
    p99: Duration,
}

impl Run {
    /// The figures of `calls` latencies measured over `wall`.
    fn new(wall: Duration, mut latencies: Vec<Duration>) -> Run {
        latencies.sort_unstable();
        Run {
            throughput: latencies.len() as f64 / wall.as_secs_f64(),
            p50: percentile(&latencies, 0.50),
            p99: percentile(&latencies, 0.99),
        }
    }
}

/// Nearest-rank percentile (`fraction` in 0..=1) of ascending `sorted`; zero when it is empty.
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The run with the median throughput (the upper one of an even count).
fn median_run(mut runs: Vec<Run>) -> Option<Run> {
    runs.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
    let middle = runs.len() / 2;
    runs.into_iter().nth(middle)
}

/// The clients compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Contender {
    /// `Client::send`: build, validate, sign, send, decode.
    RdsApi,
    /// A plain reqwest client sending URLs signed beforehand by `Client::prepare`.
    BareReqwest,
}

impl Contender {
    /// The name in the report and in `RESULT` lines.
    fn name(self) -> &'static str {
        match self {
            Contender::RdsApi => "rds-api",
            Contender::BareReqwest => "bare-reqwest",
        }
    }
}

/// Everything a run needs.
struct Bench {
    client: Client,
    bare: reqwest::Client,
    concurrency: usize,
}

impl Bench {
    /// `calls` calls of `contender` on `concurrency` tasks.
    async fn run(&self, contender: Contender, calls: usize) -> Result<Run, BoxError> {
        let presigned = match contender {
            // Signed before the clock starts; each one carries its own nonce and the current time.
            Contender::BareReqwest => Some(Arc::new(
                (0..calls).map(|_| self.client.prepare(&describe_request()?)).collect::<Result<Vec<_>, _>>()?,
            )),
            Contender::RdsApi => None,
        };
        let next = Arc::new(AtomicUsize::new(0));
        let share = calls / self.concurrency + 1;
        let started = Instant::now();
        let workers: Vec<_> = (0..self.concurrency)
            .map(|_| {
                let next = next.clone();
                let client = self.client.clone();
                let bare = self.bare.clone();
                let presigned = presigned.clone();
                tokio::spawn(async move {
                    let mut latencies = Vec::with_capacity(share);
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= calls {
                            return Ok::<_, BoxError>(latencies);
                        }
                        let call_started = Instant::now();
                        match &presigned {
                            None => call_rds_api(&client).await?,
                            Some(requests) => call_bare(&bare, &requests[index]).await?,
                        }
                        latencies.push(call_started.elapsed());
                    }
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(calls);
        for worker in workers {
            latencies.extend(worker.await??);
        }
        Ok(Run::new(started.elapsed(), latencies))
    }
}

/// The request every call sends.
fn describe_request() -> Result<DescribeDbInstanceAttributeRequest, rds_api::ValidationError> {
    DescribeDbInstanceAttributeRequest::builder().db_instance_id(INSTANCE).build()
}

/// One call with rds-api; checks that the answer describes the instance.
async fn call_rds_api(client: &Client) -> Result<(), BoxError> {
    let response = client.send(&describe_request()?).await?;
    match response.instances.first() {
        Some(instance) if instance.db_instance_id == INSTANCE => Ok(()),
        _ => Err(format!("rds-api: the answer does not describe {INSTANCE}: {response:?}").into()),
    }
}

/// One call with the bare client: sends the pre-signed request as rds-api would and reads the whole body.
async fn call_bare(http: &reqwest::Client, prepared: &PreparedRequest) -> Result<(), BoxError> {
    let mut request = match prepared.method() {
        Method::Get => http.get(prepared.url()),
        Method::Post => http.post(prepared.url()),
    }
    .header("accept", "application/json");
    // The headers rds-api sends (`x-acs-action`, `x-acs-version`, `content-type` with a body, and whatever
    // the signature needs), so that the emulator sees the same request.
    for (name, value) in prepared.headers() {
        request = request.header(name.as_str(), value.as_str());
    }
    if !prepared.body().is_empty() {
        request = request.body(prepared.body().to_owned());
    } else if prepared.method() == Method::Post {
        request = request.header("content-length", "0");
    }
    let response = request.send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() {
        return Err(format!("bare reqwest: HTTP {status}: {}", String::from_utf8_lossy(&body)).into());
    }
    Ok(())
}

/// Microseconds, for the report.
fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// One line of the readable report.
fn describe(contender: Contender, run: &Run) -> String {
    format!(
        "{} {:.0} calls/s (p50 {:.0} us, p99 {:.0} us)",
        contender.name(),
        run.throughput,
        micros(run.p50),
        micros(run.p99)
    )
}

/// Where the calls go.
struct Target {
    endpoint: String,
    credentials: Credentials,
    /// The in-process emulator, on its own runtime, so that its work is not scheduled among the clients'.
    local: Option<(tokio::runtime::Runtime, rds_emulator::EmulatorHandle)>,
}

impl Target {
    /// The given endpoint, or an emulator started in-process with the demo state. Not within a runtime.
    fn new(args: &Args) -> Result<Target, BoxError> {
        if let Some(endpoint) = &args.endpoint {
            let credentials = Credentials::new(&args.access_key_id, &args.access_key_secret);
            return Ok(Target { endpoint: endpoint.clone(), credentials, local: None });
        }
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        let emulator = runtime.block_on(rds_emulator::Emulator::start(rds_emulator::State::demo()))?;
        Ok(Target {
            endpoint: emulator.endpoint(),
            credentials: emulator.demo_credentials(),
            local: Some((runtime, emulator)),
        })
    }
}

/// Runs the benchmark: starts what it needs, prints the report. Not within a runtime.
fn bench_main(args: &Args) -> Result<(), BoxError> {
    let target = Target::new(args)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let outcome = runtime.block_on(run(args, &target));
    drop(runtime);
    if let Some((runtime, emulator)) = target.local {
        drop(emulator);
        runtime.shutdown_background();
    }
    outcome
}

async fn run(args: &Args, target: &Target) -> Result<(), BoxError> {
    let endpoint = &target.endpoint;
    let bench = Bench {
        client: Client::builder().endpoint(endpoint).credentials(target.credentials.clone()).build()?,
        bare: reqwest::Client::builder()
            .user_agent("bare-reqwest/0.12")
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        concurrency: args.concurrency,
    };
    let warmup = args.warmup();
    println!(
        "e2e: DescribeDBInstanceAttribute {INSTANCE} against {endpoint} ({}); {} calls per round and client, \
         concurrency {}, {} warm-up calls, {} rounds; release build: {}",
        if target.local.is_some() { "in-process emulator" } else { "given endpoint" },
        args.calls,
        args.concurrency,
        warmup,
        args.rounds,
        !cfg!(debug_assertions),
    );

    let mut runs: Vec<(Contender, Vec<Run>)> =
        vec![(Contender::RdsApi, Vec::new()), (Contender::BareReqwest, Vec::new())];
    for round in 0..args.rounds {
        let mut line = format!("round {}:", round + 1);
        // Alternate which client goes first, so neither always meets a warmer or colder emulator.
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for slot in order {
            let contender = runs[slot].0;
            if warmup > 0 {
                bench.run(contender, warmup).await?;
            }
            let result = bench.run(contender, args.calls).await?;
            line.push_str(&format!(" {};", describe(contender, &result)));
            runs[slot].1.push(result);
        }
        println!("{}", line.trim_end_matches(';'));
    }

    for (contender, results) in runs {
        let median = median_run(results).ok_or("no rounds")?;
        println!("median round: {}", describe(contender, &median));
        println!(
            "RESULT client={} calls={} concurrency={} calls_per_s={:.1} p50_us={:.1} p99_us={:.1}",
            contender.name(),
            args.calls,
            args.concurrency,
            median.throughput,
            micros(median.p50),
            micros(median.p99)
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("e2e: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match bench_main(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("e2e: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Result<Option<Args>, String> {
        Args::parse(text.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn parses_the_command_line() {
        assert_eq!(args("").unwrap(), Some(Args::default()));
        let parsed = args(
            "--calls 10 --concurrency 2 --rounds 1 --warmup 0 --endpoint http://127.0.0.1:9 \
                           --access-key-id id --access-key-secret secret",
        )
        .unwrap()
        .unwrap();
        assert_eq!((parsed.calls, parsed.concurrency, parsed.rounds, parsed.warmup()), (10, 2, 1, 0));
        assert_eq!(parsed.endpoint.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!((parsed.access_key_id.as_str(), parsed.access_key_secret.as_str()), ("id", "secret"));
        assert_eq!(Args::default().warmup(), 200);
        assert_eq!(args("--help").unwrap(), None);
        assert!(args("--calls").is_err());
        assert!(args("--calls ten").is_err());
        assert!(args("--concurrency 0").is_err());
        assert!(args("--bogus").is_err());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let ms = |n: u64| Duration::from_millis(n);
        let sorted: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.50), ms(50));
        assert_eq!(percentile(&sorted, 0.99), ms(99));
        assert_eq!(percentile(&sorted, 1.0), ms(100));
        assert_eq!(percentile(&sorted[..1], 0.99), ms(1));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);

        let run = Run::new(Duration::from_secs(2), vec![ms(3), ms(1), ms(2)]);
        assert_eq!((run.throughput, run.p50, run.p99), (1.5, ms(2), ms(3)));
    }

    #[test]
    fn the_median_round_is_the_middle_one_by_throughput() {
        let run = |throughput| Run { throughput, p50: Duration::ZERO, p99: Duration::ZERO };
        assert_eq!(median_run(vec![run(3.0), run(1.0), run(2.0)]), Some(run(2.0)));
        assert_eq!(median_run(vec![run(1.0), run(2.0)]), Some(run(2.0)));
        assert_eq!(median_run(Vec::new()), None);
    }

    /// Both clients work against the in-process emulator (a few calls; nothing about timing is checked).
    #[test]
    fn both_clients_complete_against_the_emulator() {
        bench_main(&Args { calls: 5, concurrency: 2, rounds: 2, warmup: Some(1), ..Args::default() }).unwrap();
    }
}
