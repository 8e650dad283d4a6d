//! Secrets never show: every client path (success, service error, transport error, validation error, unusable
//! answer, retries) runs with STS credentials whose AccessKey secret and security token are marker values,
//! signed with V1 and with V3, with every `tracing` event of the client, the HTTP stack and the emulator
//! recorded. The markers, raw or percent-encoded once or twice (as in a URL or a string to sign), appear in no
//! `Debug`, `Display`, error chain or log line.

mod emulated;
mod ports;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use emulated::import;
use ports::ReservedPort;
use rds_api::import_database_between_instances::DbNames;
use rds_api::signing::percent_encode;
use rds_api::{Client, Credentials, DescribeDatabasesRequest, Error, RetryPolicy, SignatureVersion};
use rds_emulator::{demo, Emulator, EmulatorHandle, Fault, State, StsCredential};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;

/// The STS AccessKey ID: not a secret (it travels in every URL), so it may show.
const STS_KEY_ID: &str = "STS.secrets-test-key";
/// Shaped like real secrets and tokens: with `+`, `/` and `=`, which percent-encoding changes.
const SECRET: &str = "SECRET+marker/7f3a9c=";
const TOKEN: &str = "CAIS+TOKEN/marker=b81e04";
const WRONG_SECRET: &str = "WRONG+secret/marker=55";

// ---------------------------------------------------------------------------------------------------------
// Recording every tracing event of this test binary

/// Everything the tracing subscriber wrote.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

/// The log of every test in this binary: one global subscriber at TRACE, so that events from every thread
/// (the emulator's connection tasks too) are recorded.
fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Log::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(log.clone())
            .with_max_level(LevelFilter::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber in this test binary");
        log
    })
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/// Every form a marker could take in text: raw, percent-encoded once (a URL, a form body) and twice (a
/// string to sign).
fn forms(marker: &str) -> [String; 3] {
    let once = percent_encode(marker);
    let twice = percent_encode(&once);
    [marker.to_owned(), once, twice]
}

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    for marker in [SECRET, TOKEN, WRONG_SECRET] {
        for form in forms(marker) {
            assert!(!text.contains(&form), "{what} shows {form:?}:\n{text}");
        }
    }
}

/// Display, Debug (plain and pretty) and every source in the chain of `err`.
#[track_caller]
fn assert_error_clean<E: std::fmt::Debug>(what: &str, err: &Error<E>) {
    assert_clean(what, &err.to_string());
    assert_clean(what, &format!("{err:?}"));
    assert_clean(what, &format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_clean(what, &cause.to_string());
        assert_clean(what, &format!("{cause:?}"));
        source = cause.source();
    }
}

/// The demo state, plus STS credentials with the marker secret and token for the demo account.
async fn emulator() -> EmulatorHandle {
    let mut state = State::demo();
    state.account_mut(demo::ACCOUNT).expect("the demo account").sts_credentials.push(StsCredential {
        access_key_id: STS_KEY_ID.into(),
        access_key_secret: SECRET.into(),
        security_token: TOKEN.into(),
        expiration: None,
    });
    Emulator::start(state).await.expect("the emulator starts")
}

fn credentials(secret: &str) -> Credentials {
    Credentials::new(STS_KEY_ID, secret).with_security_token(TOKEN)
}

/// Both signature schemes: V1 puts the token in the query, V3 in a signed header.
const VERSIONS: [SignatureVersion; 2] = [SignatureVersion::V1, SignatureVersion::V3];

fn client(endpoint: &str, secret: &str, version: SignatureVersion) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(credentials(secret))
        .signature_version(version)
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::new().initial_backoff(Duration::from_millis(2)).max_backoff(Duration::from_millis(10)))
        .build()
        .unwrap()
}

fn databases() -> DescribeDatabasesRequest {
    DescribeDatabasesRequest::builder().db_instance_id(demo::SOURCE).build().unwrap()
}

// ---------------------------------------------------------------------------------------------------------
// The paths

#[tokio::test]
async fn success() {
    for version in VERSIONS {
        success_with(version).await;
    }
}

async fn success_with(version: SignatureVersion) {
    let log = log();
    let emulator = emulator().await;
    let client = client(&emulator.endpoint(), SECRET, version);
    let response = client.send(&databases()).await.unwrap();
    assert_eq!(response.databases.len(), 2);

    let prepared = client.prepare(&databases()).unwrap();
    let sent = prepared.query().get("SecurityToken").or(prepared.headers().get("x-acs-security-token"));
    assert_eq!(sent.map(String::as_str), Some(TOKEN), "{version:?}: the token is sent");
    for (what, text) in [
        ("response", format!("{response:?}")),
        ("client", format!("{client:?}")),
        ("client, pretty", format!("{client:#?}")),
        ("credentials", format!("{:?}", client.credentials())),
        ("prepared request", format!("{prepared:?}")),
        ("prepared request, pretty", format!("{prepared:#?}")),
        ("retry policy", format!("{:?}", client.retry_policy())),
        ("builder", format!("{:?}", Client::builder().credentials(credentials(SECRET)))),
    ] {
        assert_clean(what, &text);
    }
    assert!(format!("{client:?}").contains(STS_KEY_ID), "the AccessKey ID may show");
    assert_clean("log", &log.text());
}

#[tokio::test]
async fn service_errors() {
    for version in VERSIONS {
        service_errors_with(version).await;
    }
}

async fn service_errors_with(version: SignatureVersion) {
    let log = log();
    let emulator = emulator().await;

    // The server's string to sign (V1) or canonical request (V3), echoed in the message, holds the token.
    let wrong = client(&emulator.endpoint(), WRONG_SECRET, version);
    let err = wrong.send(&databases()).await.unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!(service.code, "SignatureDoesNotMatch");
    assert!(service.message.contains("***"), "{version:?}: redacted where it was: {}", service.message);
    assert_error_clean("SignatureDoesNotMatch", &err);

    let right = client(&emulator.endpoint(), SECRET, version);
    let missing = DescribeDatabasesRequest::builder().db_instance_id("rm-does-not-exist").build().unwrap();
    let err = right.send(&missing).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidDBInstanceId.NotFound");
    assert_error_clean("not found", &err);

    // Retried, then given up: the last error and the retry events.
    emulator.faults().inject("DescribeDatabases", Fault::error("ServiceUnavailable", 503, "Down."));
    let err = right.send(&databases()).await.unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert_error_clean("503 after retries", &err);
    assert_clean("log", &log.text());
}

#[tokio::test]
async fn transport_errors() {
    for version in VERSIONS {
        transport_errors_with(version).await;
    }
}

async fn transport_errors_with(version: SignatureVersion) {
    let log = log();
    // Kept bound (not listening) until the end: no other test's server can take the port meanwhile.
    let closed = ReservedPort::new();
    let refused = client(&closed.endpoint(), SECRET, version);
    let err = refused.send(&databases()).await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.is_connect()), "{err:?}");
    assert_eq!(err.attempts(), 3);
    assert_error_clean("connection refused", &err);

    let emulator = emulator().await;
    let client = client(&emulator.endpoint(), SECRET, version);
    let import = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));
    emulator.faults().inject("ImportDatabaseBetweenInstances", Fault::drop_before().once());
    let err = client.send(&import).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_error_clean("reset", &err);

    emulator.faults().inject("ImportDatabaseBetweenInstances", Fault::hang().once());
    let err = client.send(&import).await.unwrap_err();
    assert!(matches!(&err, Error::Transport(t) if t.is_timeout()), "{err:?}");
    assert_error_clean("timeout", &err);
    assert_clean("log", &log.text());
}

#[tokio::test]
async fn unusable_answers() {
    let log = log();
    let emulator = emulator().await;
    let client = client(&emulator.endpoint(), SECRET, SignatureVersion::V1);
    emulator.faults().inject("DescribeDatabases", Fault::raw(502, "text/html", "<html>502 Bad Gateway</html>"));
    let err = client.send(&databases()).await.unwrap_err();
    assert!(matches!(err, Error::Response(_)), "{err:?}");
    assert_error_clean("HTML", &err);

    emulator.faults().clear_all();
    emulator.faults().inject("DescribeDatabases", Fault::raw_after_processing(200, "application/json", "{\"Req"));
    let err = client.send(&databases()).await.unwrap_err();
    assert_error_clean("truncated JSON", &err);
    assert_clean("log", &log.text());
}

#[tokio::test]
async fn validation_errors() {
    let log = log();
    let client = client("http://127.0.0.1:9", SECRET, SignatureVersion::V3);
    let mut same = import(demo::DESTINATION, demo::SOURCE, DbNames::Same(vec!["sales".into()]));
    same.source_db_instance_id = same.db_instance_id.clone();
    let err = client.send(&same).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert_eq!(err.attempts(), 0, "nothing was sent");
    assert_error_clean("validation", &err);
    assert!(client.prepare(&same).is_err());
    assert_clean("log", &log.text());
}

#[tokio::test]
async fn retries_are_logged_without_secrets() {
    for version in VERSIONS {
        retries_with(version).await;
    }
}

async fn retries_with(version: SignatureVersion) {
    let log = log();
    let emulator = emulator().await;
    let client = Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(credentials(SECRET))
        .signature_version(version)
        .retry(RetryPolicy::new().max_attempts(5).initial_backoff(Duration::from_millis(2)))
        .build()
        .unwrap();
    emulator.faults().inject("DescribeDatabases", Fault::throttle(Duration::from_millis(5)).once());
    emulator.faults().inject("DescribeDatabases", Fault::drop_after().once());
    emulator.faults().inject("DescribeDatabases", Fault::error("InternalError", 500, "Boom.").once());
    client.send(&databases()).await.unwrap();
    assert_eq!(emulator.requests("DescribeDatabases"), 4);

    let text = log.text();
    for expected in [
        "retrying RDS request",
        "error_kind=\"throttled\"",
        "error_kind=\"interrupted\"",
        "error_kind=\"transient\"",
        "retry_after_ms=5",
        "rds_attempt{action=\"DescribeDatabases\" attempt=2}",
        "sending RDS request",
        "RDS response received",
        STS_KEY_ID,
    ] {
        assert!(text.contains(expected), "the log has no {expected:?}:\n{text}");
    }
    assert_clean("log", &text);
}
