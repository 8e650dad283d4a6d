//! How closely the emulator answers like the real service: operations it does not emulate, parameters sent
//! twice, oversized requests, database names and DBInfo errors.

mod common;

use common::{demo_emulator, Raw};
use rds_emulator::demo;

#[tokio::test]
async fn a_real_operation_that_is_not_emulated_is_told_apart_from_a_misspelt_one() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    // A current operation of the real API.
    let answer = Raw::new("CreateDatabase").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (400, "UnsupportedOperation"), "{:?}", answer.body);
    assert!(answer.message().contains("CreateDatabase") && answer.message().contains("does not emulate"));
    assert!(answer.header("x-acs-request-id").is_some());

    // A withdrawn one.
    let answer = Raw::new("DescribeImportsForSQLServer").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(answer.code(), "UnsupportedOperation");
    assert!(answer.message().contains("DescribeImportsForSQLServer") && answer.message().contains("withdrawn"));

    // A misspelt one.
    let answer = Raw::new("CreateDatabse").send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (404, "InvalidApi.NotFound"));
}

#[tokio::test]
async fn a_parameter_in_both_query_and_body_is_signed_and_read_with_the_body_value() {
    let emulator = demo_emulator().await;
    // Signed as both official SDKs sign it: query and body merged, the body's value winning.
    let answer = Raw::new("DescribeDatabases")
        .query_and_body_param("DBInstanceId", demo::SOURCE, demo::DESTINATION)
        .send(&emulator.endpoint())
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let databases = answer.body["Databases"]["Database"].as_array().unwrap();
    assert_eq!(databases.len(), 1, "{databases:?}");
    assert_eq!(
        (databases[0]["DBInstanceId"].as_str(), databases[0]["DBName"].as_str()),
        (Some(demo::DESTINATION), Some("archive"))
    );

    // A request signed with the query's value instead does not verify.
    let mut query_wins = Raw::new("DescribeDatabases").param("DBInstanceId", demo::DESTINATION);
    let signed_with_query_value = query_wins.clone().param("DBInstanceId", demo::SOURCE).string_to_sign();
    query_wins = query_wins.query_and_body_param("DBInstanceId", demo::SOURCE, demo::DESTINATION);
    query_wins.forced_signature = Some(rds_api::signing::sign(demo::ACCESS_KEY_SECRET, &signed_with_query_value));
    assert_eq!(query_wins.send(&emulator.endpoint()).await.code(), "SignatureDoesNotMatch");
}

/// Sends `request` as it is on a fresh connection and reads the whole answer (the emulator closes after it).
async fn exchange(endpoint: &str, request: &[u8]) -> (u16, String, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(endpoint.trim_start_matches("http://")).await.unwrap();
    // The server may answer and close before reading everything: a failed write is not the test's concern.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was not closed after the answer");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let status = head[9..12].parse().unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, head.to_ascii_lowercase(), body)
}

#[tokio::test]
async fn oversized_and_broken_requests_get_the_service_error_shape() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let long_query = |bytes: usize| {
        format!("POST /?Action=DescribeDatabases&Padding={} HTTP/1.1\r\nHost: rds\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "a".repeat(bytes))
    };

    for (size, status) in [(70 << 10, 414), (600 << 10, 431)] {
        let (got, head, body) = exchange(&endpoint, long_query(size).as_bytes()).await;
        assert_eq!(got, status, "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert_eq!(body["Code"], "InvalidParameter");
        let request_id = body["RequestId"].as_str().unwrap();
        assert!(head.contains(&format!("x-acs-request-id: {}", request_id.to_ascii_lowercase())), "{head}");
        assert!(body["Message"].as_str().unwrap().contains("65534 bytes"), "{body}");
        assert_eq!(body["HostId"], "rds.aliyuncs.com");
    }

    // Just under the limit, the request reaches the emulator (and is refused for what it is: unsigned).
    let (status, _, body) = exchange(&endpoint, long_query(60 << 10).as_bytes()).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("MissingVersion")));

    let (status, head, body) = exchange(&endpoint, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("InvalidParameter")), "{head}");

    // The emulator still serves.
    let answer = Raw::new("DescribeDatabases").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(answer.status, 200);
}
