//! The client against answers found by an outside review: each case once broke a promise (a non-idempotent
//! call sent three times, one odd field failing a page, a token leaking into an error, an unbounded body, a
//! paginator looping forever, …). Real TCP on loopback; the server is a canned one, the client is the real one.

mod support;

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use rds_api::credentials::{CredentialsChain, Environment};
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{
    Client, Credentials, DescribeDbInstanceAttributeRequest, DescribeDbInstancesRequest, Error, FailureKind,
    ImportDatabaseBetweenInstancesRequest, RetryPolicy, SignatureVersion,
};
use support::{CannedResponse, TestServer};

fn quick_retries() -> RetryPolicy {
    RetryPolicy::new().max_attempts(3).initial_backoff(Duration::from_millis(2)).max_backoff(Duration::from_millis(10))
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .credentials(Credentials::new("LTAI-test", "test-secret"))
        .retry(quick_retries())
        .build()
        .unwrap()
}

fn import() -> ImportDatabaseBetweenInstancesRequest {
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id("rm-destination")
        .source_db_instance_id("rm-source")
        .db_info(DbInfo { db_names: DbNames::Same(vec!["sales".into()]) })
        .build()
        .unwrap()
}

fn attribute() -> DescribeDbInstanceAttributeRequest {
    DescribeDbInstanceAttributeRequest::builder().db_instance_id("rm-source").build().unwrap()
}

// --- 1. x-acs-retry-after never makes an answer retryable -------------------------------------------------

#[tokio::test]
async fn a_success_with_retry_after_is_never_sent_again() {
    let answer =
        CannedResponse::json(200, r#"{"RequestId":"R1","ImportId":null}"#).with_header("x-acs-retry-after", "5");
    let server = TestServer::start(answer).await;
    let err = client(&server.url()).send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else { panic!("{err:?}") };
    assert_eq!((response.status, response.request_id.as_deref()), (200, Some("R1")));
    assert!(response.reason.contains("ImportId"), "the field is named: {}", response.reason);
    assert_eq!(err.failure_kind(), FailureKind::Permanent);
    assert_eq!(server.requests().len(), 1, "an import answered 2xx is sent once");
}

#[tokio::test]
async fn an_internal_error_with_retry_after_is_not_resent_for_a_non_idempotent_call() {
    let answer = CannedResponse::json(500, r#"{"RequestId":"R2","Code":"InternalError","Message":"boom"}"#)
        .with_header("x-acs-retry-after", "5");
    let server = TestServer::start(answer).await;
    let err = client(&server.url()).send(&import()).await.unwrap_err();
    assert_eq!(err.service_error().map(|e| e.code.as_str()), Some("InternalError"));
    assert_eq!((err.failure_kind(), err.attempts()), (FailureKind::Transient, 1));
    assert_eq!(server.requests().len(), 1);

    // The same answer to an idempotent call is retried, after the wait the header asks for.
    let server = TestServer::start(
        CannedResponse::json(500, r#"{"Code":"InternalError"}"#).with_header("x-acs-retry-after", "40"),
    )
    .await;
    let patient = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("LTAI-test", "test-secret"))
        .retry(RetryPolicy::new().initial_backoff(Duration::from_millis(2)).max_backoff(Duration::from_secs(1)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = patient.send(&attribute()).await.unwrap_err();
    assert_eq!((err.attempts(), server.requests().len()), (3, 3));
    // Two waits of 40 ms, although the policy's own backoff starts at 2 ms.
    assert!(started.elapsed() >= Duration::from_millis(80), "{:?}", started.elapsed());
}

#[tokio::test]
async fn gateway_throttling_pages_without_a_code_are_throttling() {
    for status in [429, 503] {
        let page = format!("<html><body><h1>{status}</h1>Too many requests</body></html>");
        let server = TestServer::start(CannedResponse::html(status, &page)).await;
        let err = client(&server.url()).send(&import()).await.unwrap_err();
        let Error::Response(response) = &err else { panic!("{err:?}") };
        assert_eq!(response.status, status);
        assert_eq!(err.failure_kind(), FailureKind::Throttled, "{status}");
        // Refused unprocessed: even the import is retried.
        assert_eq!(server.requests().len(), 3, "{status}");
    }
    // A 502 page is no throttling: the import may have reached the service.
    let server = TestServer::start(CannedResponse::html(502, "<html>Bad Gateway</html>")).await;
    let err = client(&server.url()).send(&import()).await.unwrap_err();
    assert_eq!((err.failure_kind(), server.requests().len()), (FailureKind::Transient, 1));
}

// --- 2 and 7. Lenient, exact decoding ---------------------------------------------------------------------

const ATTRIBUTE_BODY: &str = r#"{"RequestId":"R3","Items":{"DBInstanceAttribute":[{
    "DBInstanceId":"rm-source","EngineVersion":8.0,"MaxIOPS":"","DBInstanceMemory":9007199254740993.0,
    "DBInstanceStorage":"","DBInstanceCPU":123456789012345678901234,"DBMaxQuantity":" "}]}}"#;

#[tokio::test]
async fn odd_fields_decode_exactly_or_as_absent() {
    let server = TestServer::start(CannedResponse::json(200, ATTRIBUTE_BODY)).await;
    let response = client(&server.url()).send(&attribute()).await.unwrap();
    let instance = &response.instances[0];
    assert_eq!(instance.engine_version.as_deref(), Some("8.0"));
    assert_eq!(instance.db_instance_cpu.as_deref(), Some("123456789012345678901234"));
    assert_eq!(instance.db_instance_memory, Some(9_007_199_254_740_993));
    assert_eq!((instance.max_iops, instance.db_instance_storage, instance.db_max_quantity), (None, None, None));
}

#[tokio::test]
async fn a_value_an_integer_cannot_hold_is_refused_with_its_field() {
    for (value, problem) in [("1.5", "is not an integer"), ("9223372036854775808", "out of range for i64")] {
        let body = format!(
            r#"{{"RequestId":"R4","Items":{{"DBInstanceAttribute":[{{"DBInstanceId":"rm","DBInstanceMemory":{value}}}]}}}}"#
        );
        let server = TestServer::start(CannedResponse::json(200, &body)).await;
        let err = client(&server.url()).send(&attribute()).await.unwrap_err();
        let Error::Response(response) = &err else { panic!("{err:?}") };
        assert!(response.reason.contains(problem), "{}", response.reason);
        assert!(response.reason.contains("DBInstanceMemory"), "the field is named: {}", response.reason);
    }
}

#[tokio::test]
async fn an_empty_total_does_not_break_paging() {
    let page = r#"{"RequestId":"R5","TotalRecordCount":"","PageNumber":"","PageRecordCount":"",
        "Items":{"DBInstance":[{"DBInstanceId":"rm-1","MaxIOPS":""},{"DBInstanceId":"rm-2"}]}}"#;
    let server = TestServer::start(CannedResponse::json(200, page)).await;
    let first = DescribeDbInstancesRequest::builder().region_id("cn-hangzhou").page_size(30).build().unwrap();
    let items: Vec<_> = client(&server.url()).items(first).try_collect().await.unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i.db_instance_id.as_str()).collect();
    assert_eq!(ids, ["rm-1", "rm-2"]);
    assert_eq!(server.requests().len(), 1, "a short page is the last");
}

// --- 9. A paginator that returns the token it was sent ----------------------------------------------------

#[tokio::test]
async fn a_token_that_never_changes_ends_the_stream_with_an_error() {
    let server = TestServer::start_with(|request| {
        let token = request.query_params().get("NextToken").cloned().unwrap_or_else(|| "T1".into());
        CannedResponse::json(
            200,
            &format!(
                r#"{{"RequestId":"R6","NextToken":"{token}","Items":{{"DBInstance":[{{"DBInstanceId":"rm"}}]}}}}"#
            ),
        )
    })
    .await;
    let first = DescribeDbInstancesRequest::builder().region_id("cn-hangzhou").max_results(1).build().unwrap();
    let pages: Vec<_> = tokio::time::timeout(Duration::from_secs(10), client(&server.url()).pages(first).collect_all())
        .await
        .expect("the stream ends");
    assert_eq!(pages.len(), 3, "two pages, then the error: {pages:?}");
    assert!(pages[0].is_ok() && pages[1].is_ok());
    let Err(Error::Response(err)) = &pages[2] else { panic!("{:?}", pages[2]) };
    assert!(err.reason.contains("same page token"), "{}", err.reason);
    assert_eq!(server.requests().len(), 2);
}

trait CollectAll: futures_util::Stream + Sized {
    /// Every item, errors included (`try_collect` would stop at the first error and hide what came before).
    async fn collect_all(self) -> Vec<Self::Item> {
        use futures_util::StreamExt;
        let mut stream = Box::pin(self);
        let mut all = Vec::new();
        while let Some(item) = stream.next().await {
            all.push(item);
        }
        all
    }
}

impl<S: futures_util::Stream> CollectAll for S {}

// --- 4. Secrets ------------------------------------------------------------------------------------------

/// A long STS token with characters that are percent-encoded in a URL.
fn long_token() -> String {
    let mut token = String::from("CAIS");
    while token.len() < 1204 {
        token.push_str("+tok/en=");
        token.push_str(&token.len().to_string());
    }
    token.truncate(1204);
    token
}

/// Whether any 12-character window of `token` shows up in `text`.
fn leaks(text: &str, token: &str) -> Option<String> {
    let chars: Vec<char> = token.chars().collect();
    chars.windows(12).map(|w| w.iter().collect::<String>()).find(|piece| text.contains(piece.as_str()))
}

#[tokio::test]
async fn a_token_crossing_the_snippet_cut_is_not_kept() {
    let token = long_token();
    // A 400 page that echoes the request (its URL, token included) after some text, so that the token
    // crosses the 512th character of the body.
    let server = TestServer::start_with(|request| {
        let page = format!("<html><body><p>{}</p><pre>{}</pre></body></html>", "x".repeat(300), request.raw_text());
        CannedResponse::html(400, &page)
    })
    .await;
    let client = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("STS.test", "test-secret").with_security_token(token.clone()))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.send(&import()).await.unwrap_err();
    let Error::Response(response) = &err else { panic!("{err:?}") };
    assert!(response.body_snippet.contains("***"), "the token was there, redacted: {}", response.body_snippet);
    for shown in [response.body_snippet.clone(), format!("{err}"), format!("{err:?}")] {
        assert_eq!(leaks(&shown, &token), None, "{shown}");
        assert_eq!(leaks(&shown, &rds_api::signing::percent_encode(&token)), None, "{shown}");
    }
}

#[test]
fn a_token_read_with_a_line_break_is_trimmed_and_never_shown() {
    let env = Environment::empty()
        .var("ALIBABA_CLOUD_ACCESS_KEY_ID", " STS.test\r\n")
        .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "test-secret\r")
        .var("ALIBABA_CLOUD_SECURITY_TOKEN", "CAIS-from-a-windows-file\r");
    let home = tempfile::tempdir().unwrap();
    let profile_dir = home.path().join(".aliyun");
    std::fs::create_dir_all(&profile_dir).unwrap();
    std::fs::write(
        profile_dir.join("config.json"),
        "{\"current\":\"p\",\"profiles\":[{\"name\":\"p\",\"mode\":\"StsToken\",\"access_key_id\":\"STS.p \",\
         \"access_key_secret\":\"s\\r\",\"sts_token\":\"CAIS-from-a-windows-file\\r\\n\"}]}",
    )
    .unwrap();
    let from_profile = CredentialsChain::new().environment(Environment::empty().home(home.path())).resolve().unwrap();
    for credentials in [CredentialsChain::new().environment(env).resolve().unwrap(), from_profile] {
        assert_eq!(credentials.security_token(), Some("CAIS-from-a-windows-file"));
        assert!(!credentials.access_key_id().contains(char::is_whitespace));
        assert!(!credentials.access_key_secret().contains(char::is_whitespace));
        for version in [SignatureVersion::V1, SignatureVersion::V3] {
            let client = Client::builder()
                .endpoint("https://rds.aliyuncs.com")
                .credentials(credentials.clone())
                .signature_version(version)
                .build()
                .unwrap();
            let prepared = client.prepare(&import()).unwrap();
            let shown = format!("{prepared:?}");
            assert!(!shown.contains("from-a-windows"), "{version:?}: {shown}");
        }
    }
}

#[test]
fn a_token_set_untrimmed_by_hand_is_redacted_as_it_is_signed() {
    // V3 signs header values trimmed; the redaction must recognise that form too.
    let client = Client::builder()
        .endpoint("https://rds.aliyuncs.com")
        .credentials(Credentials::new("STS.test", "s").with_security_token("CAIS-by-hand\r\n"))
        .signature_version(SignatureVersion::V3)
        .build()
        .unwrap();
    let shown = format!("{:?}", client.prepare(&import()).unwrap());
    assert!(!shown.contains("CAIS-by-hand"), "{shown}");
}

// --- 5. Body size limit ----------------------------------------------------------------------------------

#[tokio::test]
async fn an_oversized_body_is_abandoned_at_the_limit() {
    const LIMIT: usize = 64 * 1024;
    let huge = format!(r#"{{"RequestId":"BIG-1","Padding":"{}"}}"#, "x".repeat(4 * 1024 * 1024));
    for status in [200, 500] {
        let server =
            TestServer::start(CannedResponse::json(status, &huge).with_header("x-acs-request-id", "BIG-1")).await;
        let client = Client::builder()
            .endpoint(server.url())
            .credentials(Credentials::new("LTAI-test", "test-secret"))
            .max_response_body(LIMIT)
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap();
        let err = client.send(&attribute()).await.unwrap_err();
        let Error::Response(response) = &err else { panic!("{err:?}") };
        assert_eq!((response.status, response.request_id.as_deref()), (status, Some("BIG-1")));
        assert!(response.reason.contains(&format!("larger than {LIMIT} bytes")), "{}", response.reason);
        assert!(response.body_snippet.starts_with(r#"{"RequestId":"BIG-1""#));
    }
    // The default limit leaves room for any real answer.
    let server = TestServer::start(CannedResponse::json(200, ATTRIBUTE_BODY)).await;
    assert!(client(&server.url()).send(&attribute()).await.is_ok());
    assert_eq!(rds_api::client::DEFAULT_MAX_RESPONSE_BODY, 8 * 1024 * 1024);
}

#[tokio::test]
async fn the_request_id_of_an_oversized_body_is_found_in_what_was_read() {
    let huge = format!(r#"{{"RequestId":"IN-BODY","Padding":"{}"}}"#, "y".repeat(256 * 1024));
    let server = TestServer::start(CannedResponse::json(200, &huge)).await;
    let client = Client::builder()
        .endpoint(server.url())
        .credentials(Credentials::new("LTAI-test", "test-secret"))
        .max_response_body(1024)
        .build()
        .unwrap();
    let err = client.send(&attribute()).await.unwrap_err();
    let Error::Response(response) = &err else { panic!("{err:?}") };
    assert_eq!(response.request_id.as_deref(), Some("IN-BODY"));
    assert_eq!(server.requests().len(), 1, "a 2xx answer is never retried");
}

// --- 3. The waiter on a permanent error ------------------------------------------------------------------

#[tokio::test]
async fn the_waiter_stops_at_once_on_a_success_it_cannot_read() {
    use rds_api::workflow::{WaitError, Waiter};
    let body = r#"{"RequestId":"W1","Items":{"DBInstanceAttribute":[{"DBInstanceId":"rm","DBInstanceMemory":1.5}]}}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let client = client(&server.url());
    let started = Instant::now();
    let mut waiter = Waiter::new(&client)
        .initial_delay(Duration::from_millis(5))
        .max_delay(Duration::MAX)
        .factor(1e300)
        .timeout(Duration::from_secs(20));
    let err = waiter.wait(&import()).await.unwrap_err();
    let WaitError::DescribeInstance(Error::Response(response)) = &err else { panic!("{err:?}") };
    assert_eq!(response.status, 200);
    assert!(response.reason.contains("DBInstanceMemory"), "{}", response.reason);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "reported at once, not at the timeout: {:?}",
        started.elapsed()
    );
    // One poll of each instance, no more.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn send_with_body_returns_the_document_the_response_was_read_from() {
    let server = TestServer::start(CannedResponse::json(200, ATTRIBUTE_BODY)).await;
    let (response, body) = client(&server.url()).send_with_body(&attribute()).await.unwrap();
    assert_eq!(body, ATTRIBUTE_BODY);
    assert_eq!(response.request_id, "R3");
}
