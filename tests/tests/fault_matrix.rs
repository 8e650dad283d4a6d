//! The fault matrix: every failure a call can meet, injected by rds-emulator, for an idempotent operation
//! (DescribeDBInstanceAttribute) and a non-idempotent one (ImportDatabaseBetweenInstances). Each case asserts
//! the outcome (success after retries, or which error), how many attempts the client made, and how many
//! requests the emulator received and processed. A non-idempotent request is never applied twice.
//!
//! | fault | idempotent | non-idempotent |
//! | --- | --- | --- |
//! | none | ok; 1 received, 1 processed | ok; 1, 1 |
//! | refused connection (closed port) | connect error after 3 attempts | connect error after 3 attempts (retried: never sent) |
//! | refused, then the server comes up | ok | ok, applied once |
//! | reset before the answer (`drop_before`) | ok after a retry; 2 received, 1 processed | transport error, 1 attempt; 1, 0 |
//! | reset after processing (`drop_after`) | ok after a retry; 2, 2 | transport error, 1 attempt; 1, 1 |
//! | `InternalError` 500 | ok after a retry; 2, 1 | `InternalError`, 1 attempt; 1, 0 |
//! | `ServiceUnavailable` 503 | ok after a retry; 2, 1 | `ServiceUnavailable`, 1 attempt; 1, 0 |
//! | `Throttling.User` + `x-acs-retry-after` | ok after the wait asked for; 2, 1 | ok after the wait (retried: refused unprocessed); 2, 1 |
//! | `Throttling` without `x-acs-retry-after` | ok after a retry; 2, 1 | ok after a retry; 2, 1 |
//! | throttled on every attempt | `Throttling.User` after 3 attempts; 3, 0 | the same |
//! | malformed JSON (200, after processing) | response error, 1 attempt; 1, 1 | response error, 1 attempt; 1, 1 |
//! | 200 whose body does not decode, with `x-acs-retry-after` (after processing) | response error, 1 attempt; 1, 1 | response error, 1 attempt; 1, 1 |
//! | `InternalError` 500 with `x-acs-retry-after` | ok after a retry; 2, 1 | `InternalError`, 1 attempt; 1, 0 |
//! | a gateway's 429 or 503 page, no code, no header | ok after a retry; 2, 1 | ok after a retry (refused unprocessed); 2, 1 |
//! | HTML page (502 from a gateway) | ok after a retry; 2, 1 | response error (502), 1 attempt; 1, 0 |
//! | never answers (client timeout 300 ms) | ok after a retry; 2, 1 | timeout, 1 attempt; 1, 0 |
//!
//! CancelImport, which its spec declares idempotent, is retried like the first column: after a 503 it
//! succeeds; after a lost answer its retry gets `InvalidImportId.NotFound` (the first one was applied).
//!
//! Every success after a retry also proves a fresh signature per attempt: the emulator refuses a
//! `SignatureNonce` it has seen (`SignatureNonceUsed`), and the first attempt's nonce was seen.

mod emulated;
mod ports;

use std::time::{Duration, Instant};

use emulated::{emulator, import};
use ports::ReservedPort;
use rds_api::import_database_between_instances::DbNames;
use rds_api::{Client, DescribeDbInstanceAttributeRequest, Error, FailureKind, RetryPolicy};
use rds_emulator::{demo, Emulator, EmulatorHandle, Fault, State};

const ATTRIBUTE: &str = "DescribeDBInstanceAttribute";
const IMPORT: &str = "ImportDatabaseBetweenInstances";
/// The client's total timeout per attempt in these tests.
const TIMEOUT: Duration = Duration::from_millis(300);

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Three attempts, with waits of a few milliseconds (the default backoff is 100 ms and up).
fn quick_retries() -> RetryPolicy {
    RetryPolicy::new().max_attempts(3).initial_backoff(ms(5)).max_backoff(ms(20))
}

fn client_for(endpoint: &str, emulator: &EmulatorHandle, policy: RetryPolicy) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(emulator.demo_credentials())
        .connect_timeout(TIMEOUT)
        .timeout(TIMEOUT)
        .retry(policy)
        .build()
        .unwrap()
}

/// What a call ended with, in a form tests compare whole.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Ok,
    /// An error answer: its code and HTTP status.
    Service(String, u16),
    /// An unusable answer: its HTTP status.
    Response(u16),
    /// No answer, of this kind (connect, timeout, interrupted).
    Transport(FailureKind),
}

/// One call against a fresh emulator, as seen from both sides.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Run {
    outcome: Outcome,
    /// How many attempts the client reports (`None` on success: a success does not say).
    attempts: Option<u32>,
    /// Authenticated requests of the Action the emulator received.
    received: usize,
    /// Requests whose effect the emulator applied.
    processed: usize,
}

impl Run {
    fn ok(received: usize, processed: usize) -> Run {
        Run { outcome: Outcome::Ok, attempts: None, received, processed }
    }

    fn failed(outcome: Outcome, attempts: u32, received: usize, processed: usize) -> Run {
        Run { outcome, attempts: Some(attempts), received, processed }
    }
}

fn outcome_of<T, E: std::fmt::Debug>(result: &Result<T, Error<E>>) -> (Outcome, Option<u32>) {
    let err = match result {
        Ok(_) => return (Outcome::Ok, None),
        Err(err) => err,
    };
    let outcome = match err {
        Error::Service(e) => Outcome::Service(e.code.clone(), e.status),
        Error::Response(e) => Outcome::Response(e.status),
        Error::Transport(e) => {
            assert_eq!(e.attempts(), err.attempts());
            Outcome::Transport(err.failure_kind())
        }
        other => panic!("unexpected error {other:?}"),
    };
    let attempts = err.attempts();
    if attempts > 1 {
        let text = err.to_string();
        assert!(text.contains(&format!("after {attempts} attempts")), "{text}");
    }
    (outcome, Some(attempts))
}

/// Which operation a case runs.
#[derive(Clone, Copy, Debug)]
enum Op {
    /// DescribeDBInstanceAttribute of the demo source: `idempotent: true`.
    Idempotent,
    /// ImportDatabaseBetweenInstances of `sales` from the demo source: `idempotent: false`.
    NonIdempotent,
}

impl Op {
    fn action(self) -> &'static str {
        match self {
            Op::Idempotent => ATTRIBUTE,
            Op::NonIdempotent => IMPORT,
        }
    }

    async fn call(self, client: &Client) -> (Outcome, Option<u32>) {
        match self {
            Op::Idempotent => {
                let request =
                    DescribeDbInstanceAttributeRequest::builder().db_instance_id(demo::SOURCE).build().unwrap();
                let result = client.send(&request).await;
                if let Ok(response) = &result {
                    assert_eq!(response.instances[0].db_instance_id, demo::SOURCE);
                }
                outcome_of(&result)
            }
            Op::NonIdempotent => {
                let request = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));
                let result = client.send(&request).await;
                if let Ok(response) = &result {
                    assert!(response.import_id.parse::<u64>().is_ok(), "{}", response.import_id);
                }
                outcome_of(&result)
            }
        }
    }
}

/// Injects `fault` (if any) into a fresh demo emulator, calls `op` once through a client with `policy`, and
/// reports what both sides saw. For the import, also checks that it exists at most once.
async fn run_with(op: Op, fault: Option<Fault>, policy: RetryPolicy) -> (Run, Duration) {
    let emulator = emulator().await;
    if let Some(fault) = fault {
        emulator.faults().inject(op.action(), fault);
    }
    let client = client_for(&emulator.endpoint(), &emulator, policy);
    let started = Instant::now();
    let (outcome, attempts) = op.call(&client).await;
    let elapsed = started.elapsed();
    let processed = emulator.processed(op.action());
    if let Op::NonIdempotent = op {
        let imports = emulator.state().imports.len();
        assert_eq!(imports, processed, "one import per processed request");
        assert!(imports <= 1, "a non-idempotent request was applied {imports} times");
    }
    (Run { outcome, attempts, received: emulator.requests(op.action()), processed }, elapsed)
}

async fn run(op: Op, fault: Option<Fault>) -> Run {
    run_with(op, fault, quick_retries()).await.0
}

fn service(code: &str, status: u16) -> Outcome {
    Outcome::Service(code.to_owned(), status)
}

#[tokio::test]
async fn no_fault() {
    assert_eq!(run(Op::Idempotent, None).await, Run::ok(1, 1));
    assert_eq!(run(Op::NonIdempotent, None).await, Run::ok(1, 1));
}

#[tokio::test]
async fn refused_connection() {
    // A port nobody listens on, kept bound for the whole test so that no other test's server can take it.
    let closed = ReservedPort::new();
    let emulator = emulator().await;
    let client = client_for(&closed.endpoint(), &emulator, quick_retries());
    for op in [Op::Idempotent, Op::NonIdempotent] {
        let (outcome, attempts) = op.call(&client).await;
        // The request never left, so even the import is retried, every time.
        assert_eq!((outcome, attempts), (Outcome::Transport(FailureKind::Connect), Some(3)), "{op:?}");
    }
    assert_eq!((emulator.requests(IMPORT), emulator.processed(IMPORT)), (0, 0));
}

#[tokio::test]
async fn refused_then_the_server_comes_up() {
    for op in [Op::Idempotent, Op::NonIdempotent] {
        // Reserved until the emulator listens on it: no other test's server can take it meanwhile, and the
        // calls made before are refused.
        let reserved = ReservedPort::new();
        let addr = reserved.addr();
        let late = tokio::spawn(async move {
            tokio::time::sleep(ms(150)).await;
            let emulator = Emulator::bind(addr, State::demo()).await.expect("the reserved port can be listened on");
            drop(reserved);
            emulator
        });
        // Up to 200 attempts, 0-10 ms apart: enough to outlast 150 ms, whatever the jitter.
        let patient = RetryPolicy::new().max_attempts(200).initial_backoff(ms(10)).max_backoff(ms(10));
        let client = Client::builder()
            .endpoint(format!("http://{addr}"))
            .credentials(rds_api::Credentials::new(demo::ACCESS_KEY_ID, demo::ACCESS_KEY_SECRET))
            .retry(patient)
            .build()
            .unwrap();
        let (outcome, _) = op.call(&client).await;
        let emulator = late.await.unwrap();
        assert_eq!(outcome, Outcome::Ok, "{op:?}");
        assert_eq!((emulator.requests(op.action()), emulator.processed(op.action())), (1, 1), "{op:?}");
    }
}

#[tokio::test]
async fn reset_before_the_answer() {
    let fault = || Some(Fault::drop_before().once());
    assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 1));
    // Nothing was applied, but the client cannot know that: a reset once the request was written is never
    // retried for a non-idempotent operation.
    assert_eq!(
        run(Op::NonIdempotent, fault()).await,
        Run::failed(Outcome::Transport(FailureKind::Interrupted), 1, 1, 0)
    );
}

#[tokio::test]
async fn reset_after_processing() {
    let fault = || Some(Fault::drop_after().once());
    // Applied twice, which an idempotent operation may be.
    assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 2));
    assert_eq!(
        run(Op::NonIdempotent, fault()).await,
        Run::failed(Outcome::Transport(FailureKind::Interrupted), 1, 1, 1)
    );
}

#[tokio::test]
async fn internal_error_500() {
    let fault = || Some(Fault::error("InternalError", 500, "The request processing has failed.").once());
    assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 1));
    assert_eq!(run(Op::NonIdempotent, fault()).await, Run::failed(service("InternalError", 500), 1, 1, 0));
}

#[tokio::test]
async fn service_unavailable_503() {
    let fault = || Some(Fault::error("ServiceUnavailable", 503, "The service is temporarily unavailable.").once());
    assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 1));
    assert_eq!(run(Op::NonIdempotent, fault()).await, Run::failed(service("ServiceUnavailable", 503), 1, 1, 0));
}

#[tokio::test]
async fn a_permanent_5xx_is_retried_up_to_the_limit_for_idempotent_operations_only() {
    let fault = || Some(Fault::error("ServiceUnavailable", 503, "Down."));
    assert_eq!(run(Op::Idempotent, fault()).await, Run::failed(service("ServiceUnavailable", 503), 3, 3, 0));
    assert_eq!(run(Op::NonIdempotent, fault()).await, Run::failed(service("ServiceUnavailable", 503), 1, 1, 0));
}

#[tokio::test]
async fn throttling_with_retry_after() {
    // The server asks for 150 ms, more than the policy's own backoff; the cap (1 s) allows it.
    let policy = quick_retries().max_backoff(Duration::from_secs(1));
    for op in [Op::Idempotent, Op::NonIdempotent] {
        let (run, elapsed) = run_with(op, Some(Fault::throttle(ms(150)).once()), policy).await;
        // Refused without processing, so the import is retried too, and applied once.
        assert_eq!(run, Run::ok(2, 1), "{op:?}");
        assert!(elapsed >= ms(150), "{op:?}: waited only {elapsed:?}");
    }
}

#[tokio::test]
async fn retry_after_is_capped_by_the_policy() {
    // 10 s asked for, 20 ms allowed.
    let (run, elapsed) =
        run_with(Op::NonIdempotent, Some(Fault::throttle(Duration::from_secs(10)).once()), quick_retries()).await;
    assert_eq!(run, Run::ok(2, 1));
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn throttling_without_retry_after() {
    for code in ["Throttling", "Throttling.Api"] {
        let fault = || Some(Fault::error(code, 400, "Request was denied due to flow control.").once());
        assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 1), "{code}");
        assert_eq!(run(Op::NonIdempotent, fault()).await, Run::ok(2, 1), "{code}");
    }
}

#[tokio::test]
async fn throttled_on_every_attempt() {
    let fault = || Some(Fault::throttle(ms(1)));
    let expected = Run::failed(service("Throttling.User", 400), 3, 3, 0);
    assert_eq!(run(Op::Idempotent, fault()).await, expected);
    assert_eq!(run(Op::NonIdempotent, fault()).await, expected);
}

#[tokio::test]
async fn malformed_json() {
    // Processed, then the answer arrives cut off: a 2xx body that cannot be read is not retried (the
    // request was answered; a second one would get the same kind of answer, or apply the import twice).
    let fault = || {
        Some(
            Fault::raw_after_processing(200, "application/json;charset=utf-8", r#"{"RequestId":"CUT-1","Items":{"#)
                .once(),
        )
    };
    assert_eq!(run(Op::Idempotent, fault()).await, Run::failed(Outcome::Response(200), 1, 1, 1));
    assert_eq!(run(Op::NonIdempotent, fault()).await, Run::failed(Outcome::Response(200), 1, 1, 1));
}

/// The answers that once made the client send an import three times: `x-acs-retry-after` on an answer that is
/// not throttling. The header only sets the delay of a retry the code and status allow.
#[tokio::test]
async fn retry_after_on_an_undecodable_success_is_not_a_reason_to_resend() {
    let wait = ms(5);
    let idempotent = Fault::raw_after_processing(
        200,
        "application/json",
        r#"{"RequestId":"R1","Items":{"DBInstanceAttribute":[{"DBInstanceId":null}]}}"#,
    );
    let import = Fault::raw_after_processing(200, "application/json", r#"{"RequestId":"R1","ImportId":null}"#);
    for (op, fault) in [(Op::Idempotent, idempotent), (Op::NonIdempotent, import)] {
        // Not `.once()`: were the client to resend, every attempt would be applied and counted.
        let run = run(op, Some(fault.with_retry_after(wait))).await;
        assert_eq!(run, Run::failed(Outcome::Response(200), 1, 1, 1), "{op:?}");
    }
}

#[tokio::test]
async fn retry_after_on_an_internal_error_does_not_make_it_retryable() {
    let fault =
        || Some(Fault::error("InternalError", 500, "The request processing has failed.").with_retry_after(ms(5)));
    // Retried for the idempotent operation (as any InternalError), after the wait asked for.
    assert_eq!(run(Op::Idempotent, fault()).await, Run::failed(service("InternalError", 500), 3, 3, 0));
    // Never for the import: it may have been applied.
    assert_eq!(run(Op::NonIdempotent, fault()).await, Run::failed(service("InternalError", 500), 1, 1, 0));
}

#[tokio::test]
async fn a_gateways_throttling_page_without_a_code_is_retried() {
    for status in [429, 503] {
        let page = format!("<html><body><h1>{status}</h1>slow down</body></html>");
        let fault = || Some(Fault::raw(status, "text/html", page.clone()).once());
        // Refused before the service saw it: retried, and the import applied once.
        assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 1), "{status}");
        assert_eq!(run(Op::NonIdempotent, fault()).await, Run::ok(2, 1), "{status}");
    }
}

#[tokio::test]
async fn html_from_a_gateway() {
    const PAGE: &str =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1></body>\r\n</html>\r\n";
    let fault = || Some(Fault::raw(502, "text/html", PAGE).once());
    assert_eq!(run(Op::Idempotent, fault()).await, Run::ok(2, 1));
    assert_eq!(run(Op::NonIdempotent, fault()).await, Run::failed(Outcome::Response(502), 1, 1, 0));

    // What the caller gets: the status and the page, no request id (the gateway sent none).
    let emulator = emulator().await;
    emulator.faults().inject(IMPORT, Fault::raw(502, "text/html", PAGE));
    let client = client_for(&emulator.endpoint(), &emulator, quick_retries());
    let err =
        client.send(&import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]))).await.unwrap_err();
    let Error::Response(response) = &err else { panic!("{err:?}") };
    assert!(response.body_snippet.contains("502 Bad Gateway"), "{response:?}");
    assert!(response.reason.starts_with("the body is not JSON"), "{}", response.reason);
    assert_eq!(response.request_id, None);
}

#[tokio::test]
async fn a_server_that_never_answers() {
    let fault = || Some(Fault::hang().once());
    let (run_idempotent, elapsed) = run_with(Op::Idempotent, fault(), quick_retries()).await;
    assert_eq!(run_idempotent, Run::ok(2, 1));
    assert!(elapsed >= TIMEOUT, "the first attempt waited for the timeout: {elapsed:?}");
    let (run_import, elapsed) = run_with(Op::NonIdempotent, fault(), quick_retries()).await;
    assert_eq!(run_import, Run::failed(Outcome::Transport(FailureKind::Timeout), 1, 1, 0));
    assert!(elapsed >= TIMEOUT && elapsed < TIMEOUT * 3, "{elapsed:?}");
}

#[tokio::test]
async fn retries_can_be_disabled() {
    let emulator = emulator().await;
    emulator.faults().inject(ATTRIBUTE, Fault::drop_before().once());
    let client = client_for(&emulator.endpoint(), &emulator, RetryPolicy::disabled());
    assert_eq!(Op::Idempotent.call(&client).await, (Outcome::Transport(FailureKind::Interrupted), Some(1)));
    assert_eq!((emulator.requests(ATTRIBUTE), emulator.processed(ATTRIBUTE)), (1, 0));
}

#[tokio::test]
async fn cancel_import_is_retried_as_its_spec_says_idempotent() {
    let emulator = emulator().await;
    let client = client_for(&emulator.endpoint(), &emulator, quick_retries());
    let request = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));
    let started = client.send(&request).await.unwrap();
    let cancel = rds_api::workflow::cancel_request(&request, &started).unwrap();

    emulator.faults().inject("CancelImport", Fault::error("ServiceUnavailable", 503, "Down.").once());
    client.send(&cancel).await.unwrap();
    assert_eq!((emulator.requests("CancelImport"), emulator.processed("CancelImport")), (2, 1));
    assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "Running");
}

#[tokio::test]
async fn a_retried_cancel_whose_first_answer_was_lost_reports_the_second_answer() {
    let emulator = emulator().await;
    let client = client_for(&emulator.endpoint(), &emulator, quick_retries());
    let request = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));
    let started = client.send(&request).await.unwrap();
    let cancel = rds_api::workflow::cancel_request(&request, &started).unwrap();

    // Re-sending cannot cancel twice (idempotent), but the second answer is "no such running import": the
    // caller learns from the attempt count and the instances' status that the first one was applied.
    emulator.faults().inject("CancelImport", Fault::drop_after().once());
    let err = client.send(&cancel).await.unwrap_err();
    assert_eq!(err.service_error().map(|e| e.code.as_str()), Some("InvalidImportId.NotFound"));
    assert_eq!(err.attempts(), 2);
    assert_eq!((emulator.requests("CancelImport"), emulator.processed("CancelImport")), (2, 1));
    assert_eq!(emulator.state().instance(demo::DESTINATION).unwrap().status, "Running");
}

#[tokio::test]
async fn v3_signed_retries_are_signed_anew() {
    let emulator = emulator().await;
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(emulator.demo_credentials())
        .signature_version(rds_api::SignatureVersion::V3)
        .retry(quick_retries())
        .build()
        .unwrap();
    // Each retry needs a nonce (`x-acs-signature-nonce`) the emulator has not seen.
    emulator.faults().inject(ATTRIBUTE, Fault::drop_before().once());
    emulator.faults().inject(ATTRIBUTE, Fault::throttle(ms(1)).once());
    assert_eq!(Op::Idempotent.call(&client).await, (Outcome::Ok, None));
    assert_eq!((emulator.requests(ATTRIBUTE), emulator.processed(ATTRIBUTE)), (3, 1));
}
